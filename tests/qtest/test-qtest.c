/* SPDX-License-Identifier: MIT */
/*
 * test-qtest: the qtest protocol server itself.
 *
 * Exact reply formats (QEMU docs/devel/testing/qtest.rst), errors on bad
 * commands, memory block commands (hex and base64) on RAM, the clock
 * commands (including "clock_step" to the next deadline, using the UART's
 * character timeout as the only timer), and IRQ interception rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define RAM_ADDR 0x1000

static void check_reply(const char *cmd, const char *want)
{
    char *r = qtest_cmd(global_qtest, "%s", cmd);

    qt_ok(r && strcmp(r, want) == 0, "'%s' -> '%s'", cmd, want);
    if (r && strcmp(r, want) != 0)
        qt_diag("got '%s'", r);
    free(r);
}

static void test_formats(void)
{
    check_reply("endianness", "OK little");
    check_reply("inb 0x1234", "OK 0x00ff");
    check_reply("inw 0x1234", "OK 0xffff");
    check_reply("inl 0x1234", "OK 0xffffffff");
    check_reply("outb 0x1234 0x12", "OK");
    check_reply("readl 0x4000000000", "OK 0x00000000ffffffff");
    check_reply("readq 0x4000000000", "OK 0xffffffffffffffff");
    check_reply("readb 0x4000000000", "OK 0x00000000000000ff");
    check_reply("read 0x4000000000 3", "OK 0xffffff");
    check_reply("b64read 0x4000000000 3", "OK ////");
    check_reply("foo", "FAIL Unknown command 'foo'");
    check_reply("outb 0x10000 1", "FAIL bad arguments");
    check_reply("inb", "FAIL bad arguments");
    check_reply("readl 12junk", "FAIL bad arguments");
    check_reply("read 0 0", "FAIL invalid size");
    check_reply("write 0 1 0", "ERR invalid argument size");
    check_reply("irq_intercept_out nosuchdevice", "FAIL Unknown device");
}

static void test_memory(bool have_ram)
{
    static const uint8_t pat[] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03 };
    uint8_t buf[sizeof(pat)];

    if (!have_ram) {
        qt_skip("no RAM on this machine", "memory commands");
        return;
    }
    writel(RAM_ADDR, 0x12345678);
    check_reply("readl 0x1000", "OK 0x0000000012345678");
    check_reply("readw 0x1002", "OK 0x0000000000001234");
    writeq(RAM_ADDR, 0x0123456789abcdefULL);
    qt_eq(readq(RAM_ADDR), 0x0123456789abcdefULL, "writeq/readq round trip");
    qt_eq(readb(RAM_ADDR), 0xef, "little-endian byte order");
    writew(RAM_ADDR + 1, 0xaa55);
    qt_eq(readl(RAM_ADDR), 0x89aa55ef, "unaligned writew");

    memwrite(RAM_ADDR, pat, sizeof(pat));
    check_reply("read 0x1000 7", "OK 0xdeadbeef010203");
    check_reply("b64read 0x1000 7", "OK 3q2+7wECAw==");
    check_reply("write 0x1000 4 0xcafe", "OK");
    check_reply("read 0x1000 5", "OK 0xcafe000001");
    check_reply("b64write 0x1000 3 AQID", "OK");
    check_reply("read 0x1000 4", "OK 0x01020300");
    qtest_bufwrite(global_qtest, RAM_ADDR, pat, sizeof(pat));
    qtest_bufread(global_qtest, RAM_ADDR, buf, sizeof(buf));
    qt_ok(memcmp(buf, pat, sizeof(pat)) == 0, "bufwrite/bufread round trip");
    check_reply("memset 0x1001 2 0x5a", "OK");
    check_reply("read 0x1000 4", "OK 0xde5a5aef");
    check_reply("memset 0x1000 0 0x11", "OK");
    qt_eq(readb(RAM_ADDR), 0xde, "memset of size 0 writes nothing");
}

static void test_clock(void)
{
    int64_t t0 = clock_step(1000), t = 0, deadline;
    uint8_t iir = 0;
    char want[64];

    qt_ok(t0 >= 1000, "clock_step 1000 reports the new time");
    qt_eq(clock_step(500), t0 + 500, "clock_step 500 advances by 500 ns");
    qt_eq(clock_set(t0 + 2000), t0 + 2000, "clock_set moves forward");
    snprintf(want, sizeof(want), "FAIL %lld", (long long)(t0 + 2000));
    check_reply("clock_set 0", want);
    check_reply("clock_step 0", "FAIL could not advance time");

    /* The UART's character timeout is a timer 4 frames ahead. */
    outb(0x3fb, 0x03); /* LCR: 8N1 (9600 baud after reset) */
    outb(0x3fc, 0x18); /* MCR: loopback, OUT2 */
    outb(0x3fa, 0xc7); /* FIFOs on, trigger level 14 */
    outb(0x3f9, 0x01); /* IER: received data (and timeout) */
    outb(0x3f8, 'x');
    /* Other devices' timers may come first: walk the deadlines. */
    deadline = t0 + 2000 + 4 * 1041666;
    for (int i = 0; i < 10000; i++) {
        t = clock_step_next();
        iir = inb(0x3fa);
        if (t >= deadline || iir == 0xcc)
            break;
    }
    qt_eq(t, deadline, "clock_step without NS stops exactly at the UART's deadline");
    qt_eq(iir, 0xcc, "the timer ran at that deadline");
    inb(0x3f8);
    outb(0x3f9, 0x00);
    outb(0x3fa, 0x00);
    outb(0x3fc, 0x08);
}

static void test_intercept(void)
{
    unsigned n;

    check_reply("irq_intercept_in com1 named", "FAIL Interception of named in-GPIOs not yet supported");
    check_reply("irq_intercept_in com1", "FAIL No intercepts installed");
    check_reply("irq_intercept_out com1", "OK");
    check_reply("irq_intercept_out com1", "OK");
    check_reply("irq_intercept_out dc", "FAIL IRQ intercept already enabled");
    n = qtest_irq_raise_count(global_qtest, 0);
    outb(0x3f9, 0x02);
    qt_eq(qtest_irq_raise_count(global_qtest, 0), n + 1, "one 'IRQ raise 0' per rising edge");
    qt_ok(get_irq(0), "line level tracked");
    outb(0x3f9, 0x02);
    qt_eq(qtest_irq_raise_count(global_qtest, 0), n + 1, "no message without a level change");
    outb(0x3f9, 0x00);
    qt_ok(!get_irq(0), "'IRQ lower 0' seen");
}

int main(void)
{
    const char *machine = qtest_isa_machine();
    bool have_ram = strstr(machine, "-M none") == NULL;
    char args[512];

    if (qtest_is_qemu()) {
        qt_skip("kemu-specific", "qtest server tests");
        return qt_done();
    }
    snprintf(args, sizeof(args),
             "%s -m 16M -chardev null,id=n0 -device isa-serial,id=com1,chardev=n0 "
             "-chardev null,id=n1 -device isa-debugcon,id=dc,chardev=n1",
             machine);
    qtest_start(args);
    test_formats();
    test_memory(have_ram);
    test_clock();
    test_intercept();
    qtest_end();
    return qt_done();
}
