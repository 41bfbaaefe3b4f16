/* SPDX-License-Identifier: MIT */
/*
 * Debug logging: the -d categories and the -D log file, as in QEMU.
 *
 * Guest mistakes go through log_guest_error(), missing features through
 * log_unimp(); both are always compiled in and cost one test of a global
 * mask when disabled. Output goes to the -D file, or stderr by default.
 */
#ifndef KEMU_LOG_H
#define KEMU_LOG_H

#include "kemu/error.h"
#include "kemu/types.h"

enum {
    LOG_GUEST_ERROR = 1u << 0, /* guest did something invalid */
    LOG_UNIMP = 1u << 1,       /* unimplemented functionality */
    LOG_INT = 1u << 2,         /* interrupts and exceptions */
    LOG_CPU = 1u << 3,         /* CPU state before each block */
    LOG_IN_ASM = 1u << 4,      /* guest code of each translated block */
    LOG_EXEC = 1u << 5,        /* each executed block */
    LOG_PCALL = 1u << 6,       /* x86 protected-mode far calls/returns */
    LOG_CPU_RESET = 1u << 7,   /* CPU state at reset */
    LOG_MMU = 1u << 8,         /* page walks and TLB */
    LOG_IOPORT = 1u << 9,      /* port I/O accesses (kemu extension) */
    LOG_TRACE = 1u << 10,      /* device tracing (kemu extension) */
};

extern unsigned log_mask;

static inline bool log_enabled(unsigned mask) { return (log_mask & mask) != 0; }

/* Print unconditionally to the log destination. */
void log_printf(const char *fmt, ...) KEMU_PRINTF(1, 2);

#define log_mask_printf(mask, ...)                                                                 \
    do {                                                                                           \
        if (unlikely(log_enabled(mask)))                                                           \
            log_printf(__VA_ARGS__);                                                               \
    } while (0)
#define log_guest_error(...) log_mask_printf(LOG_GUEST_ERROR, __VA_ARGS__)
#define log_unimp(...) log_mask_printf(LOG_UNIMP, __VA_ARGS__)

/* Parse a -d argument ("guest_errors,int"); returns false and sets errp on error. */
bool log_parse_items(const char *str, unsigned *mask, Error **errp);
/* Print the -d help text to stdout. */
void log_print_help(void);
/* Redirect the log to a file (-D). */
bool log_set_file(const char *path, Error **errp);
/* The log stream (stderr unless -D was given). */
FILE *log_file(void);

#endif
