/* SPDX-License-Identifier: MIT */
/*
 * kemu-system-x86_64: the system emulator's entry point.
 *
 * The program name selects the target (kemu-system-i386: "i386";
 * kemu-system-x86_64 and kemu: "x86_64"). The command line is parsed by
 * core/cmdline.c, the machine built and run by core/runloop.c. The exit
 * status is the one the guest or the user asked for (isa-debug-exit,
 * power-off: 0); at-exit handlers restore the terminal.
 */
#include "vl.h"

int main(int argc, char **argv)
{
    static VlConfig cfg;

    vl_set_progname(argv[0]);
    vl_parse_cmdline(&cfg, argc, argv);
    return vl_run(&cfg);
}
