/* SPDX-License-Identifier: MIT */
/*
 * tap.h: a tiny Test Anything Protocol helper for unit tests.
 *
 * Usage: plan(N) (or none, then done_testing() prints the plan), then
 * ok(cond, "fmt", ...), is_int(got, want, "desc"), is_str(got, want,
 * "desc"); end main() with "return done_testing();", which returns 0 only
 * when every test passed and the plan (if any) was met.
 * Reference: https://testanything.org/tap-specification.html
 */
#ifndef KEMU_TAP_H
#define KEMU_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void plan(int n)
{
    tap_planned = n;
    printf("1..%d\n", n);
    fflush(stdout);
}

static inline void tap_vreport(int pass, const char *fmt, va_list ap)
{
    tap_run++;
    if (!pass)
        tap_failed++;
    printf("%sok %d - ", pass ? "" : "not ", tap_run);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
}

__attribute__((format(printf, 2, 3))) static inline int ok(int pass, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    return pass;
}

/* A diagnostic line ("# ..."). */
__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

#define is_int(got, want, ...)                                                                     \
    ({                                                                                             \
        long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);                          \
        int tap_p_ = ok(tap_g_ == tap_w_, __VA_ARGS__);                                            \
        if (!tap_p_)                                                                               \
            diag("  got: %lld (0x%llx)  expected: %lld (0x%llx)", tap_g_, tap_g_, tap_w_, tap_w_); \
        tap_p_;                                                                                    \
    })

#define is_str(got, want, ...)                                                                     \
    ({                                                                                             \
        const char *tap_g_ = (got), *tap_w_ = (want);                                              \
        int tap_p_ = ok(tap_g_ && tap_w_ ? !strcmp(tap_g_, tap_w_) : tap_g_ == tap_w_,            \
                        __VA_ARGS__);                                                              \
        if (!tap_p_)                                                                               \
            diag("  got: \"%s\"  expected: \"%s\"", tap_g_ ? tap_g_ : "(null)",                   \
                 tap_w_ ? tap_w_ : "(null)");                                                      \
        tap_p_;                                                                                    \
    })

static inline int done_testing(void)
{
    if (tap_planned < 0)
        printf("1..%d\n", tap_run);
    else if (tap_planned != tap_run)
        printf("# planned %d tests but ran %d\n", tap_planned, tap_run);
    fflush(stdout);
    return (tap_failed || (tap_planned >= 0 && tap_planned != tap_run)) ? 1 : 0;
}

#endif
