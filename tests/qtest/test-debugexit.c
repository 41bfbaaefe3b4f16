/* SPDX-License-Identifier: MIT */
/*
 * test-debugexit: isa-debug-exit turns a port write into an exit status.
 *
 * Writing v requests an exit with status (v << 1) | 1, truncated to 8 bits
 * by the host; each case starts a fresh kemu and waits for it to exit.
 * Reference: QEMU hw/misc/debugexit.c behaviour.
 */
#include <stdio.h>

#include "libqtest.h"

/* Start kemu with dev_args, send cmd, return the exit status. */
static int exit_status_of(const char *dev_args, const char *cmd)
{
    char args[512];
    QTestState *s;
    int status;

    snprintf(args, sizeof(args), "%s %s", qtest_isa_machine(), dev_args);
    s = qtest_init(args);
    qtest_send_nowait(s, "%s", cmd);
    status = qtest_wait_exit(s, 10000);
    qtest_quit(s);
    return status;
}

int main(void)
{
    char args[512];
    QTestState *s;

    snprintf(args, sizeof(args), "%s -device isa-debug-exit", qtest_isa_machine());
    s = qtest_init(args);
    qt_eq(qtest_inb(s, 0x501), 0x00, "reads of the port return 0");
    qt_eq(qtest_inw(s, 0x501), 0x0000, "16-bit reads of the port return 0");
    qt_eq(qtest_wait_exit(s, 100), (uint64_t)-1, "reads do not exit");
    qtest_quit(s);

    qt_eq(exit_status_of("-device isa-debug-exit", "outb 0x501 0x01"), 3,
          "outb 0x501 1 exits with status 3");
    qt_eq(exit_status_of("-device isa-debug-exit", "outb 0x501 0x00"), 1,
          "outb 0x501 0 exits with status 1");
    qt_eq(exit_status_of("-device isa-debug-exit", "outb 0x502 0x07"), 15,
          "second port of the default range: 7 -> 15");
    qt_eq(exit_status_of("-device isa-debug-exit", "outw 0x501 0x0102"), 5,
          "outw 0x501 0x102 -> (0x205 & 0xff) = 5");
    qt_eq(exit_status_of("-device isa-debug-exit,iobase=0xf4,iosize=0x04", "outb 0xf4 0x10"), 33,
          "iobase=0xf4: 0x10 -> 33");
    qt_eq(exit_status_of("-device isa-debug-exit,iobase=0xf4,iosize=0x04", "outb 0xf7 0x7f"), 255,
          "iosize=4 covers 0xf7: 0x7f -> 255");
    return qt_done();
}
