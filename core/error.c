/* SPDX-License-Identifier: MIT */
/*
 * Error objects and user-facing error messages.
 *
 * An Error carries one message from where a problem is found up to the one
 * place at the edge (command line, monitor) that prints it. Messages are
 * printed as "progname: text", the form QEMU uses (QEMU's util/error-report.c
 * behaviour, docs/devel/style.rst "Error handling and reporting").
 */
#include <stdarg.h>

#include "kemu/error.h"

const char *error_progname = "kemu-system-x86_64";

static char *error_vformat(const char *fmt, va_list ap)
{
    char *s;

    if (vasprintf(&s, fmt, ap) < 0)
        return xstrdup("(out of memory formatting an error)");
    return s;
}

static void error_set_msg(Error **errp, char *msg)
{
    Error *err;

    if (!errp || *errp) {
        /* Ignored, or an earlier error is kept: the first cause wins. */
        free(msg);
        return;
    }
    err = XNEW0(Error);
    err->msg = msg;
    *errp = err;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_set_msg(errp, error_vformat(fmt, ap));
    va_end(ap);
}

void error_setg_errno(Error **errp, int errnum, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = error_vformat(fmt, ap);
    va_end(ap);
    error_set_msg(errp, xasprintf("%s: %s", msg, strerror(errnum)));
    free(msg);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix;
    char *msg;

    if (!errp || !*errp)
        return;
    va_start(ap, fmt);
    prefix = error_vformat(fmt, ap);
    va_end(ap);
    msg = xasprintf("%s%s", prefix, (*errp)->msg);
    free(prefix);
    free((*errp)->msg);
    (*errp)->msg = msg;
}

void error_propagate(Error **dst, Error *src)
{
    if (!src)
        return;
    if (dst && !*dst) {
        *dst = src;
        return;
    }
    error_free(src);
}

void error_free(Error *err)
{
    if (!err)
        return;
    free(err->msg);
    free(err);
}

static void error_vprint(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", error_progname, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprint("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprint("warning: ", fmt, ap);
    va_end(ap);
}

void error_report_err(Error *err)
{
    if (!err)
        return;
    error_report("%s", err->msg);
    error_free(err);
}
