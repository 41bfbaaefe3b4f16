/* SPDX-License-Identifier: MIT */
/*
 * test-i8254: the 8254 PIT's six modes, latching and port 0x61.
 *
 * An "isa-pit" on ports 0x140-0x143 and an "isa-pcspk" on port 0x168
 * (gating its counter 2) are created with -device, away from any board
 * timer. OUT0 is intercepted (IRQ 0 of the test); OUT2 is read through
 * the speaker port (bit 5) and the read-back status (bit 7). The clock is
 * moved to exact 1.193182 MHz tick boundaries. Per the Intel 8254
 * datasheet a count written at tick T is loaded at tick T+1, so in mode 0
 * OUT rises N+1 ticks after the write.
 */
#include <stdio.h>

#include "libqtest.h"

#define CH0 0x140
#define CH1 0x141
#define CH2 0x142
#define CTRL 0x143
#define PORTB 0x168
#define FREQ 1193182LL

static int64_t now_ns;

static int64_t tick_of(int64_t ns)
{
    return (int64_t)((__int128)ns * FREQ / 1000000000);
}

static int64_t ns_of(int64_t tick)
{
    return (int64_t)(((__int128)tick * 1000000000 + FREQ - 1) / FREQ);
}

static int64_t cur_tick(void)
{
    return tick_of(now_ns);
}

static void goto_tick(int64_t t)
{
    int64_t target = ns_of(t);

    if (target > now_ns)
        now_ns = clock_step(target - now_ns);
}

/* Counter latch command, then LSB and MSB. */
static unsigned latch_read(int ch)
{
    unsigned lo, hi;

    outb(CTRL, ch << 6);
    lo = inb(CH0 + ch);
    hi = inb(CH0 + ch);
    return lo | hi << 8;
}

static void write_count(int ch, unsigned count)
{
    outb(CH0 + ch, count & 0xff);
    outb(CH0 + ch, count >> 8);
}

static uint8_t read_status(int ch)
{
    outb(CTRL, 0xe0 | (2 << ch)); /* read-back: status only */
    return inb(CH0 + ch);
}

static int out2(void)
{
    return (inb(PORTB) >> 5) & 1;
}

static void test_mode0(void)
{
    int64_t t0;

    outb(CTRL, 0x30); /* ch0, LSB/MSB, mode 0, binary */
    qt_ok(!get_irq(0), "mode 0: OUT low after the control word");
    t0 = cur_tick();
    write_count(0, 100);
    goto_tick(t0 + 1);
    qt_eq(latch_read(0), 100, "mode 0: count loaded on the next clock");
    goto_tick(t0 + 51);
    qt_eq(latch_read(0), 50, "mode 0: 50 clocks later the count is 50");
    goto_tick(t0 + 100);
    qt_ok(!get_irq(0), "mode 0: OUT still low at count 1");
    goto_tick(t0 + 101);
    qt_ok(get_irq(0), "mode 0: OUT high at terminal count (N+1 after the write)");
    goto_tick(t0 + 103);
    qt_eq(latch_read(0), 0xfffe, "mode 0: counter wraps and keeps counting");
    qt_ok(get_irq(0), "mode 0: OUT stays high");
    /* writing the first byte stops the count with OUT low */
    outb(CH0, 0x10);
    qt_ok(!get_irq(0), "mode 0: first byte of a new count drops OUT");
    t0 = cur_tick();
    outb(CH0, 0x00);
    goto_tick(t0 + 17);
    qt_ok(get_irq(0), "mode 0: reloaded count 16 expires 17 clocks later");
}

static void test_mode2(void)
{
    int64_t t0;
    unsigned raises;

    outb(CTRL, 0x34); /* ch0, LSB/MSB, mode 2 */
    qt_ok(get_irq(0), "mode 2: OUT high after the control word");
    qt_eq(read_status(0), 0xf4, "status: OUT=1, NULL COUNT=1, RW=3, mode 2");
    t0 = cur_tick();
    write_count(0, 10);
    qt_eq(read_status(0) & 0x40, 0x40, "NULL COUNT until the count is loaded");
    goto_tick(t0 + 1);
    qt_eq(read_status(0), 0xb4, "NULL COUNT clears once loaded");
    raises = qtest_irq_raise_count(global_qtest, 0);
    goto_tick(t0 + 9);
    qt_eq(latch_read(0), 2, "mode 2: count 2 after 8 clocks");
    qt_ok(get_irq(0), "mode 2: OUT high while counting");
    goto_tick(t0 + 10);
    qt_ok(!get_irq(0), "mode 2: OUT low for the clock at count 1");
    goto_tick(t0 + 11);
    qt_ok(get_irq(0), "mode 2: OUT high again after reload");
    qt_eq(latch_read(0), 10, "mode 2: reloaded with N");
    goto_tick(t0 + 101);
    qt_eq(qtest_irq_raise_count(global_qtest, 0) - raises, 10, "mode 2: one pulse per 10 clocks");
    /* a new count takes effect at the end of the current cycle */
    goto_tick(t0 + 104);
    write_count(0, 4);
    goto_tick(t0 + 110);
    qt_eq(latch_read(0), 1, "mode 2: old count runs to the end of its cycle");
    goto_tick(t0 + 111);
    qt_eq(latch_read(0), 4, "mode 2: new count loaded at the cycle boundary");
    goto_tick(t0 + 114);
    qt_ok(!get_irq(0), "mode 2: new period of 4 clocks");
}

static void test_mode3(void)
{
    int64_t t0;

    outb(CTRL, 0x36); /* ch0 mode 3 */
    t0 = cur_tick();
    write_count(0, 10);
    goto_tick(t0 + 1);
    qt_eq(latch_read(0), 10, "mode 3 even: starts at N");
    goto_tick(t0 + 3);
    qt_eq(latch_read(0), 6, "mode 3 even: counts down by two");
    qt_ok(get_irq(0), "mode 3: OUT high for the first half");
    goto_tick(t0 + 6);
    qt_ok(!get_irq(0), "mode 3 even: OUT low after N/2 clocks");
    qt_eq(latch_read(0), 10, "mode 3 even: reloaded for the second half");
    goto_tick(t0 + 11);
    qt_ok(get_irq(0), "mode 3 even: OUT high after N clocks");

    outb(CTRL, 0x36);
    t0 = cur_tick();
    write_count(0, 5);
    goto_tick(t0 + 1);
    qt_eq(latch_read(0), 4, "mode 3 odd: loads N-1");
    goto_tick(t0 + 3);
    qt_eq(latch_read(0), 0, "mode 3 odd: reaches 0 in the high half");
    qt_ok(get_irq(0), "mode 3 odd: high for (N+1)/2 clocks");
    goto_tick(t0 + 4);
    qt_ok(!get_irq(0), "mode 3 odd: low after (N+1)/2 clocks");
    qt_eq(latch_read(0), 4, "mode 3 odd: low half starts at N-1");
    goto_tick(t0 + 6);
    qt_ok(get_irq(0), "mode 3 odd: low for (N-1)/2 clocks");
}

static void test_mode4(void)
{
    int64_t t0;

    outb(CTRL, 0x38); /* ch0 mode 4 */
    t0 = cur_tick();
    write_count(0, 5);
    goto_tick(t0 + 5);
    qt_ok(get_irq(0), "mode 4: OUT high while counting");
    goto_tick(t0 + 6);
    qt_ok(!get_irq(0), "mode 4: strobe low at terminal count");
    goto_tick(t0 + 7);
    qt_ok(get_irq(0), "mode 4: strobe lasts one clock");
    goto_tick(t0 + 200);
    qt_ok(get_irq(0), "mode 4: no second strobe");
}

static void test_latch_and_rw(void)
{
    unsigned a, b;
    int64_t t0;

    outb(CTRL, 0x34);
    t0 = cur_tick();
    write_count(0, 1000);
    goto_tick(t0 + 101);
    outb(CTRL, 0x00);         /* latch */
    goto_tick(t0 + 201);
    outb(CTRL, 0x00);         /* ignored: first latch not read yet */
    a = inb(CH0);
    a |= inb(CH0) << 8;
    qt_eq(a, 900, "latched count holds the value at latch time");
    b = inb(CH0);
    b |= inb(CH0) << 8;
    qt_eq(b, 800, "after the latch is read, reads are live again");

    outb(CTRL, 0x14); /* LSB only, mode 2 */
    t0 = cur_tick();
    outb(CH0, 0x40);
    goto_tick(t0 + 17);
    qt_eq(inb(CH0), 0x30, "RW=LSB: count 0x40 minus 16");
    qt_eq(inb(CH0), 0x30, "RW=LSB: every read returns the LSB");
    outb(CTRL, 0x24); /* MSB only */
    t0 = cur_tick();
    outb(CH0, 0x02);
    goto_tick(t0 + 1);
    qt_eq(inb(CH0), 0x02, "RW=MSB: count 0x200 reads MSB 2");

    outb(CTRL, 0x31); /* mode 0, BCD */
    t0 = cur_tick();
    write_count(0, 0x0100);
    goto_tick(t0 + 52);
    qt_eq(latch_read(0), 0x0049, "BCD: 100 - 51 = 0x0049");
    outb(CTRL, 0xc2); /* read-back count and status of counter 0 */
    qt_eq(inb(CH0), 0x31, "read-back: status first (OUT low, mode 0, BCD)");
    qt_eq(inb(CH0), 0x49, "read-back: then the count LSB");
    qt_eq(inb(CH0), 0x00, "read-back: count MSB");
    qt_eq(inb(CTRL), 0xff, "the control register reads as floating bus");
}

static void test_gate_modes(void)
{
    int64_t t0;

    outb(PORTB, 0x00);
    outb(CTRL, 0xb2); /* ch2, mode 1 */
    write_count(2, 10);
    qt_eq(out2(), 1, "mode 1: OUT high before the trigger");
    t0 = cur_tick();
    outb(PORTB, 0x01); /* gate rises */
    goto_tick(t0 + 1);
    qt_eq(out2(), 0, "mode 1: OUT low on the clock after the trigger");
    goto_tick(t0 + 10);
    qt_eq(out2(), 0, "mode 1: low for N clocks");
    goto_tick(t0 + 11);
    qt_eq(out2(), 1, "mode 1: OUT high at terminal count");
    qt_eq(read_status(2) & 0x80, 0x80, "read-back status shows OUT2 high");
    outb(PORTB, 0x00);
    t0 = cur_tick();
    outb(PORTB, 0x01); /* retrigger */
    goto_tick(t0 + 5);
    qt_eq(out2(), 0, "mode 1: retriggered");
    qt_eq(latch_read(2), 6, "mode 1: count reloaded on the trigger");

    outb(PORTB, 0x00);
    outb(CTRL, 0xba); /* ch2, mode 5 */
    write_count(2, 4);
    t0 = cur_tick();
    goto_tick(t0 + 20);
    qt_eq(out2(), 1, "mode 5: nothing happens without a trigger");
    t0 = cur_tick();
    outb(PORTB, 0x01);
    goto_tick(t0 + 4);
    qt_eq(out2(), 1, "mode 5: OUT high while counting");
    goto_tick(t0 + 5);
    qt_eq(out2(), 0, "mode 5: strobe at terminal count");
    goto_tick(t0 + 6);
    qt_eq(out2(), 1, "mode 5: strobe lasts one clock");

    outb(CTRL, 0xb0); /* ch2, mode 0 */
    t0 = cur_tick();
    write_count(2, 1000);
    goto_tick(t0 + 101);
    outb(PORTB, 0x00); /* gate low: counting suspended */
    goto_tick(t0 + 601);
    qt_eq(latch_read(2), 900, "mode 0: gate low suspends counting");
    t0 = cur_tick();
    outb(PORTB, 0x01);
    goto_tick(t0 + 100);
    qt_eq(latch_read(2), 800, "mode 0: counting resumes with the gate");

    outb(CTRL, 0xb6); /* ch2, mode 3 */
    t0 = cur_tick();
    write_count(2, 100);
    goto_tick(t0 + 60);
    qt_eq(out2(), 0, "mode 3 on counter 2: second half low");
    outb(PORTB, 0x00);
    qt_eq(out2(), 1, "mode 3: gate low forces OUT high");
    t0 = cur_tick();
    outb(PORTB, 0x01);
    goto_tick(t0 + 1);
    qt_eq(latch_read(2), 100, "mode 3: gate rising reloads the count");
    goto_tick(t0 + 51);
    qt_eq(out2(), 0, "mode 3: new cycle from the gate edge");
}

static void test_port61(void)
{
    uint8_t a, b;

    outb(PORTB, 0x0f);
    qt_eq(inb(PORTB) & 0x0f, 0x0f, "port 0x61: gate, speaker and NMI enable bits read back");
    outb(PORTB, 0x02);
    qt_eq(inb(PORTB) & 0x0f, 0x02, "port 0x61: speaker data alone");
    qt_eq(inb(PORTB) & 0xc0, 0x00, "port 0x61: no NMI source latched");
    now_ns = clock_step(15085 - now_ns % 15085); /* start of a refresh period */
    a = inb(PORTB) & 0x10;
    qt_eq(inb(PORTB) & 0x10, a, "refresh bit stable within 15 us");
    now_ns = clock_step(15085);
    b = inb(PORTB) & 0x10;
    qt_eq(a ^ b, 0x10, "refresh bit toggles every 15.085 us");
    now_ns = clock_step(15085);
    qt_eq(inb(PORTB) & 0x10, a, "and toggles back");
}

static void test_reset_state(void)
{
    /* QEMU's reset state: counter 0 in mode 3 with count 65536 (18.2 Hz).
     * OUT0 was already high when the test intercepted it, so the first
     * edge the test can see is the rise at the end of the first period. */
    qt_eq(read_status(0), 0xb6, "reset: counter 0 in mode 3, LSB/MSB, OUT high");
    goto_tick(32767);
    qt_eq(read_status(0) & 0x80, 0x80, "reset: OUT0 high for 32768 clocks");
    goto_tick(32768);
    qt_eq(read_status(0) & 0x80, 0x00, "reset: then low");
    goto_tick(65536);
    qt_ok(get_irq(0), "reset: OUT0 (IRQ0) rises after 65536 clocks");
    qt_eq(qtest_irq_raise_count(global_qtest, 0), 1, "reset: one rising edge in one period");
}

int main(void)
{
    char args[512];

    snprintf(args, sizeof(args), "%s -device isa-pit,id=tpit,iobase=0x%x"
             " -device isa-pcspk,iobase=0x%x,pit=tpit", qtest_isa_machine(), CH0, PORTB);
    qtest_start(args);
    irq_intercept_out("tpit");
    now_ns = clock_step(100);

    test_reset_state();
    test_mode0();
    test_mode2();
    test_mode3();
    test_mode4();
    test_latch_and_rw();
    test_gate_modes();
    test_port61();

    qtest_end();
    return qt_done();
}
