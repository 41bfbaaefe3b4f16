/* SPDX-License-Identifier: MIT */
/*
 * Error reporting at the edges: command line, monitor, image open.
 *
 * Internally functions return 0/-errno or NULL. Where a message must reach
 * the user, the callee fills an Error with error_setg() and the one place at
 * the top prints it with error_report_err(). Report an error or return it,
 * never both. Messages follow QEMU's form: "kemu-system-x86_64: <text>".
 */
#ifndef KEMU_ERROR_H
#define KEMU_ERROR_H

#include "kemu/types.h"

typedef struct Error {
    char *msg;
} Error;

/* Program name used as the prefix of every message (set from argv[0]). */
extern const char *error_progname;

void error_setg(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Like error_setg() with ": strerror(errnum)" appended. */
void error_setg_errno(Error **errp, int errnum, const char *fmt, ...) KEMU_PRINTF(3, 4);
/* Prefix an existing error's message: "prefix: old message". */
void error_prepend(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);
void error_propagate(Error **dst, Error *src);
void error_free(Error *err);
/* Print "progname: msg" on stderr. */
void error_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
/* Print the error with error_report() and free it. */
void error_report_err(Error *err);

#endif
