/* SPDX-License-Identifier: MIT */
/*
 * The qtest protocol server (-qtest CHARDEV with -machine accel=qtest).
 *
 * A test process sends one command per line (outb, inl, readq, write,
 * clock_step, irq_intercept_in, ...) and gets "OK ..." or "FAIL ..." back;
 * intercepted interrupt lines send asynchronous "IRQ raise N"/"IRQ lower N".
 * No CPU runs: the virtual clock moves only by clock_step/clock_set.
 * Reference: QEMU docs/devel/testing/qtest.rst.
 */
#ifndef KEMU_QTEST_H
#define KEMU_QTEST_H

#include "kemu/chardev.h"
#include "kemu/error.h"

/* True when -qtest was given (accel=qtest). */
extern bool qtest_enabled;
/* Attach the protocol to chr. */
void qtest_server_init(Chardev *chr);

/* Extra qtest commands registered by subsystems ("vga_text", ...).
 * handler writes its reply with qtest_reply(). */
typedef void QtestCmdFn(int argc, char **argv);
void qtest_register_command(const char *name, QtestCmdFn *fn);
void qtest_reply(const char *fmt, ...) KEMU_PRINTF(1, 2);

#endif
