/* SPDX-License-Identifier: MIT */
/*
 * Machines (boards) and the configuration the command line gives them.
 *
 * A board registers a MachineClass with MACHINE_CLASS(). The command line
 * fills one MachineState; the selected board's init() builds memory, CPUs
 * and devices from it. Boards wire; devices emulate.
 */
#ifndef KEMU_MACHINE_H
#define KEMU_MACHINE_H

#include "kemu/chardev.h"
#include "kemu/error.h"
#include "kemu/types.h"

#define MAX_SERIAL_PORTS 4
#define MAX_FW_DIRS 8

typedef struct MachineState {
    uint64_t ram_size;            /* -m, bytes */
    int smp_cpus;                 /* -smp */
    int smp_max_cpus;
    const char *cpu_model;        /* -cpu name with ,+feat,-feat suffix */
    const char *bios_name;        /* -bios */
    const char *fw_dirs[MAX_FW_DIRS]; /* -L, then the built-in search path */
    int nr_fw_dirs;
    const char *boot_order;       /* -boot order= (e.g. "cad") */
    const char *boot_once;
    bool boot_menu;
    int boot_splash_time;
    int boot_menu_timeout;        /* ms; -1 when not set (= splash-time) */
    int boot_reboot_timeout;      /* -boot reboot-timeout= ms; -1 when not set */
    const char *kernel, *initrd, *append, *dtb;
    const char *name;             /* -name */
    bool nographic;
    bool qtest;                   /* accel=qtest: no CPU runs */
    bool start_stopped;           /* -S */
    bool no_hpet;                 /* -no-hpet: the board must not create an HPET */
    const char *vga;              /* -vga type: "std" (default), "none" (-vga none, -nodefaults) */
    bool vga_created;             /* set by a board that created the -vga adapter */
    bool nodefaults;              /* -nodefaults: no default VGA, serial port or drives */
    Chardev *serial[MAX_SERIAL_PORTS]; /* -serial, in order */
    int nr_serial;
    /* Filled by the board */
    void *board;                  /* board-private state */
} MachineState;

typedef struct MachineClass {
    const char *name;             /* -M name */
    const char *alias;            /* e.g. "pc" for "pc-i440fx-8.0" */
    const char *desc;
    bool is_default;
    int max_cpus;
    uint64_t default_ram_size;
    /* Name prefixes also accepted (e.g. "pc-i440fx-") */
    const char *accept_prefix;
    void (*init)(MachineState *ms);   /* exit(1) with a message on user error */
    void (*reset)(MachineState *ms);  /* extra board reset after devices */
} MachineClass;

void machine_class_register(const MachineClass *mc);
#define MACHINE_CLASS(mc)                                                                          \
    static void KEMU_CONSTRUCTOR mc##_register(void) { machine_class_register(&(mc)); }
const MachineClass *machine_class_find(const char *name);
const MachineClass *machine_class_default(void);
void machine_print_help(FILE *out);

/* The running machine (valid after board init). */
extern MachineState *current_machine;

/* Target of this binary: "x86_64" or "i386" (from the program name). */
extern const char *target_name;

/* Search the firmware path (-L dirs, then built-in ones) for a file.
 * Returns a malloc'd path or NULL. An absolute or ./ path is returned as is
 * if it exists. */
char *firmware_find(const char *name);

/* Perform a full machine reset: devices, then CPUs, then board hook. */
void machine_reset(void);

/* Set by main() once the board is chosen (used by machine_reset()). */
void machine_set_current(MachineState *ms, const MachineClass *mc);
const MachineClass *machine_current_class(void);
/* The built-in firmware directories, in search order (after -L). */
int firmware_builtin_dirs(const char **dirs, int max);

#endif
