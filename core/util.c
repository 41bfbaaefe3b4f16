/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers and little-endian helpers.
 *
 * Host out-of-memory is not something the emulator can recover from, so the
 * x* wrappers print a message and abort instead of returning NULL (see
 * include/kemu/types.h). ldn_le/stn_le select a fixed-width access at run
 * time for the memory core and devices.
 */
#include <stdarg.h>

#include "kemu/types.h"

static KEMU_NORETURN void util_oom(size_t size)
{
    fprintf(stderr, "kemu: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p)
        util_oom(size);
    return p;
}

void *xzalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);

    if (!p)
        util_oom(size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);

    if (!q)
        util_oom(size);
    return q;
}

char *xstrdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    p = strdup(s);
    if (!p)
        util_oom(strlen(s) + 1);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        util_oom(strlen(fmt));
    return s;
}

uint64_t ldn_le(const void *p, unsigned size)
{
    switch (size) {
    case 1:
        return *(const uint8_t *)p;
    case 2:
        return ldw_le(p);
    case 4:
        return ldl_le(p);
    case 8:
        return ldq_le(p);
    default:
        fprintf(stderr, "kemu: ldn_le: bad size %u\n", size);
        abort();
    }
}

void stn_le(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        *(uint8_t *)p = v;
        break;
    case 2:
        stw_le(p, v);
        break;
    case 4:
        stl_le(p, v);
        break;
    case 8:
        stq_le(p, v);
        break;
    default:
        fprintf(stderr, "kemu: stn_le: bad size %u\n", size);
        abort();
    }
}
