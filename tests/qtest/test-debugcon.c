/* SPDX-License-Identifier: MIT */
/*
 * test-debugcon: isa-debugcon writes bytes to its chardev, reads readback.
 *
 * Reference: QEMU hw/char/debugcon.c behaviour (port 0xe9, readback 0xe9).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

int main(void)
{
    const char *msg = "debugcon says hi\n";
    char args[1024];
    char *path = qtest_tmpfile("debugcon"), *data;

    snprintf(args, sizeof(args),
             "%s -chardev file,id=d0,path=%s -device isa-debugcon,chardev=d0 "
             "-chardev null,id=d1 -device isa-debugcon,iobase=0x402,readback=0x5a,chardev=d1",
             qtest_isa_machine(), path);
    qtest_start(args);
    qt_eq(inb(0xe9), 0xe9, "port 0xe9 reads back 0xe9");
    qt_eq(inb(0x402), 0x5a, "readback=0x5a on iobase=0x402");
    for (const char *p = msg; *p; p++)
        outb(0xe9, (uint8_t)*p);
    outb(0x402, 'X'); /* to the null chardev */
    data = qtest_file_read(path, NULL);
    qt_ok(data && strcmp(data, msg) == 0, "bytes written to 0xe9 reach the chardev");
    free(data);
    qtest_end();
    return qt_done();
}
