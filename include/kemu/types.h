/* SPDX-License-Identifier: MIT */
/*
 * Basic types and helpers shared by every kemu module.
 *
 * Every other header includes this one. It holds the fixed-width types, the
 * guest physical address type, a few compiler helpers and the allocation
 * wrappers: allocation failure is an emulator invariant (the host is out of
 * memory), so the wrappers abort instead of returning NULL.
 */
#ifndef KEMU_TYPES_H
#define KEMU_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t hwaddr;            /* guest physical (or port) address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define KEMU_NORETURN __attribute__((noreturn))
#define KEMU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define KEMU_UNUSED __attribute__((unused))
#define KEMU_CONSTRUCTOR __attribute__((constructor))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUND_UP(n, d) (((n) + (d) - 1) & -(__typeof__(n))(d))
#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Allocation that never returns NULL (aborts on host out-of-memory). */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) KEMU_PRINTF(1, 2);
#define XNEW0(type) ((type *)xzalloc(sizeof(type)))
#define XNEW0N(type, n) ((type *)xzalloc(sizeof(type) * (n)))

/* Little-endian loads/stores on host memory (the host is little-endian x86-64). */
static inline uint16_t ldw_le(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ldl_le(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ldq_le(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void stw_le(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void stl_le(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void stq_le(void *p, uint64_t v) { memcpy(p, &v, 8); }
/* Load/store of 1, 2, 4 or 8 bytes selected at run time. */
uint64_t ldn_le(const void *p, unsigned size);
void stn_le(void *p, unsigned size, uint64_t v);

#endif
