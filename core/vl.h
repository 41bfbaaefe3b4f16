/* SPDX-License-Identifier: MIT */
/*
 * Internal to core/: the parsed command line and the start-up steps.
 *
 * cmdline.c turns argv into a VlConfig (exiting on user errors, as QEMU
 * does during start-up); runloop.c builds the machine from it and runs the
 * main loop; main.c only glues the two.
 */
#ifndef KEMU_CORE_VL_H
#define KEMU_CORE_VL_H

#include "kemu/machine.h"

/* A monitor option, in command-line order. */
typedef struct VlMonitor {
    const char *opt;                 /* as typed: "-monitor", "-qmp", "-qmp-pretty", "-mon" */
    const char *arg;
} VlMonitor;

typedef struct VlConfig {
    MachineState ms;                 /* the fields the command line sets */
    const char *machine_name;        /* -M name, NULL: the default board */
    bool ram_given;
    bool smp_given;
    bool accel_qtest;                /* -M accel=qtest / -accel qtest / -qtest */
    const char *qtest_chr;           /* -qtest CHARDEVSPEC */
    bool icount;                     /* -icount */
    int icount_shift;
    bool icount_sleep;               /* -icount sleep=on (QEMU's default) */
    const char *serial[MAX_SERIAL_PORTS];
    int nr_serial;
    bool serial_given;               /* any -serial, including "none" */
    bool vga_given;                  /* -vga */
    const char **chardevs;           /* -chardev, in order */
    int nr_chardevs;
    const char **devices;            /* -device, in order */
    int nr_devices;
    unsigned log_mask;               /* -d */
    const char *log_file;            /* -D */
    const char *pidfile;             /* -pidfile */
    VlMonitor *monitors;             /* -monitor, -qmp, -qmp-pretty, -mon */
    int nr_monitors;
    bool monitor_given;              /* any of them, even -monitor none: no default monitor */
} VlConfig;

/* Parse argv into cfg (exit(0) after help/version, exit(1) on errors). */
void vl_parse_cmdline(VlConfig *cfg, int argc, char **argv);
/* Set error_progname and target_name from argv[0]. */
void vl_set_progname(const char *argv0);
/* Build the machine and run it; returns the process exit status. */
int vl_run(VlConfig *cfg);

#endif
