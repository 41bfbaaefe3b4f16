/* SPDX-License-Identifier: MIT */
/*
 * The monitor: QEMU's human monitor (HMP) and machine protocol (QMP).
 *
 * A monitor is a front end on a Chardev. An HMP monitor prints the banner
 * "kemu VERSION monitor - type 'help' for more information" and the
 * "(qemu) " prompt, edits lines as QEMU's readline does and runs commands
 * (help, info ..., x, xp, stop, cont, quit, ...). A QMP monitor greets a
 * client with {"QMP": {...}}, waits for qmp_capabilities, then answers
 * JSON commands and sends events (SHUTDOWN, POWERDOWN, RESET, STOP,
 * RESUME). On a multiplexed console (mon:stdio) Ctrl-a c moves the input
 * focus between the serial port and the monitor.
 *
 * Command line (QEMU manual, "-monitor", "-qmp", "-mon"):
 *   -monitor SPEC        HMP on a legacy chardev spec (stdio, mon:stdio,
 *                        unix:PATH,server,nowait, tcp:..., none)
 *   -qmp SPEC            QMP on a legacy chardev spec
 *   -qmp-pretty SPEC     QMP with pretty-printed replies
 *   -mon [chardev=]ID[,mode=readline|control][,pretty=on|off]
 * Legacy specs create a chardev named "compat_monitorN". A "-serial
 * mon:SPEC" port gets an HMP monitor on its multiplexer.
 */
#ifndef KEMU_MONITOR_H
#define KEMU_MONITOR_H

#include "kemu/chardev.h"
#include "kemu/error.h"

typedef struct Monitor Monitor;

/* Create a monitor from one command-line option: opt is "-monitor",
 * "-qmp", "-qmp-pretty" or "-mon" (or with "--") and arg its value.
 * "-monitor none" creates nothing. false with errp set on a bad value. */
bool monitor_add_cmdline(const char *opt, const char *arg, Error **errp);

/* A monitor on an existing chardev (e.g. the mux of "-serial mon:stdio"). */
Monitor *monitor_new_hmp(Chardev *chr);
Monitor *monitor_new_qmp(Chardev *chr, bool pretty);

/* The machine is built: monitors whose peer is already there print their
 * banner (HMP) or greeting (QMP) now; later peers get theirs on connect.
 * Before this call they wait, as QEMU's do until machine creation ends. */
void monitor_machine_ready(void);

#endif
