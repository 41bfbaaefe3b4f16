/* SPDX-License-Identifier: MIT */
/*
 * test-rtc: the MC146818 RTC's clock, modes and interrupts.
 *
 * An "mc146818rtc" is created with -device on ports 0x3a0/0x3a1, away
 * from any board RTC, and its IRQ output is intercepted (IRQ 0 of the
 * test). Phases are made deterministic by holding the divider chain in
 * reset and releasing it, after which the first update comes exactly
 * 500 ms later (MC146818A datasheet, register A). Checks: time set and
 * read back in BCD/binary and 12/24-hour modes with carries into the
 * next day/month/year/century, UIP 244 us before the update, SET, the
 * periodic, alarm and update-ended interrupts and flag clearing in
 * register C, register D's VRT bit, the CMOS RAM and the start time
 * taken from the host's UTC clock.
 */
#include <stdio.h>
#include <time.h>

#include "libqtest.h"

#define IDX 0x3a0
#define DATA 0x3a1
#define MS 1000000LL
#define SEC 1000000000LL

enum {
    SECS = 0, SECS_ALARM = 1, MINS = 2, MINS_ALARM = 3, HOURS = 4, HOURS_ALARM = 5,
    DOW = 6, DAY = 7, MONTH = 8, YEAR = 9, REG_A = 10, REG_B = 11, REG_C = 12, REG_D = 13,
    CENTURY = 0x32,
};

static int64_t now_ns;

static uint8_t cmos_read(uint8_t reg)
{
    outb(IDX, reg);
    return inb(DATA);
}

static void cmos_write(uint8_t reg, uint8_t val)
{
    outb(IDX, reg);
    outb(DATA, val);
}

static void step(int64_t ns)
{
    now_ns = clock_step(ns);
}

/* Hold the divider in reset and release it: the next update is in 500 ms. */
static void divider_restart(uint8_t rate)
{
    cmos_write(REG_A, 0x70 | rate);
    cmos_write(REG_A, 0x20 | rate);
}

static void set_time(uint8_t b, const uint8_t t[8])
{
    static const uint8_t regs[8] = { SECS, MINS, HOURS, DOW, DAY, MONTH, YEAR, CENTURY };

    cmos_write(REG_B, 0x80 | b);
    for (int i = 0; i < 8; i++)
        cmos_write(regs[i], t[i]);
    cmos_write(REG_B, b);
}

static void test_host_time(void)
{
    time_t now = time(NULL);
    struct tm tm;
    unsigned year;

    gmtime_r(&now, &tm);
    qt_eq(cmos_read(REG_D), 0x80, "register D: VRT set");
    qt_eq(cmos_read(REG_A) & 0x7f, 0x26, "register A: 32.768 kHz, 1024 Hz");
    qt_eq(cmos_read(REG_B), 0x02, "register B: 24-hour BCD");
    year = (cmos_read(CENTURY) >> 4) * 1000 + (cmos_read(CENTURY) & 15) * 100 +
           (cmos_read(YEAR) >> 4) * 10 + (cmos_read(YEAR) & 15);
    qt_eq(year, 1900 + tm.tm_year, "start time: the host's UTC year, century at 0x32");
    qt_eq(cmos_read(MONTH), ((tm.tm_mon + 1) / 10) << 4 | (tm.tm_mon + 1) % 10,
          "start time: the host's UTC month");
}

static void test_bcd_rollover(void)
{
    static const uint8_t t[8] = { 0x45, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19 };

    divider_restart(0x06);
    set_time(0x02, t);
    qt_eq(cmos_read(SECS), 0x45, "BCD: seconds read back");
    qt_eq(cmos_read(HOURS), 0x23, "BCD: hours read back");
    qt_eq(cmos_read(CENTURY), 0x19, "BCD: century read back");
    step(14 * SEC);
    qt_eq(cmos_read(SECS), 0x59, "14 s later: 23:59:59");
    step(1 * SEC);
    qt_eq(cmos_read(SECS), 0x00, "rollover: seconds 00");
    qt_eq(cmos_read(MINS), 0x00, "rollover: minutes 00");
    qt_eq(cmos_read(HOURS), 0x00, "rollover: hours 00");
    qt_eq(cmos_read(DAY), 0x01, "rollover: day 1");
    qt_eq(cmos_read(MONTH), 0x01, "rollover: January");
    qt_eq(cmos_read(YEAR), 0x00, "rollover: year 00");
    qt_eq(cmos_read(CENTURY), 0x20, "rollover: century 20");
    qt_eq(cmos_read(DOW), 0x07, "2000-01-01 is a Saturday (7)");
}

static void test_binary_and_12h(void)
{
    static const uint8_t bin[8] = { 58, 59, 23, 1, 28, 2, 24, 20 };  /* 2024-02-28 */
    static const uint8_t h12[8] = { 0x59, 0x59, 0x91, 1, 0x30, 0x06, 0x23, 0x20 };

    divider_restart(0x06);
    set_time(0x06, bin);
    qt_eq(cmos_read(SECS), 58, "binary: seconds read back");
    step(2 * SEC);
    qt_eq(cmos_read(DAY), 29, "binary: leap year 2024 has Feb 29");
    qt_eq(cmos_read(MONTH), 2, "binary: still February");
    qt_eq(cmos_read(HOURS), 0, "binary: midnight");
    qt_eq(cmos_read(DOW), 5, "2024-02-29 is a Thursday (5)");
    cmos_write(REG_B, 0x02);
    qt_eq(cmos_read(DAY), 0x29, "switching to BCD while running shows BCD");

    divider_restart(0x06);
    set_time(0x00, h12); /* 12-hour BCD: 11:59:59 PM, 2023-06-30 */
    qt_eq(cmos_read(HOURS), 0x91, "12h: 11 PM reads 0x91");
    step(1 * SEC);
    qt_eq(cmos_read(HOURS), 0x12, "12h: midnight is 12 AM");
    qt_eq(cmos_read(DAY), 0x01, "12h: next day");
    qt_eq(cmos_read(MONTH), 0x07, "12h: July");
    step(12 * 3600 * SEC);
    qt_eq(cmos_read(HOURS), 0x92, "12h: noon is 12 PM (0x92)");
    cmos_write(REG_B, 0x02);
}

static void test_uip_and_set(void)
{
    int64_t t0;

    divider_restart(0x06);
    t0 = now_ns;
    qt_eq(cmos_read(REG_A), 0x26, "UIP clear right after the divider starts");
    step(500 * MS - 300000);
    qt_eq(cmos_read(REG_A) & 0x80, 0x00, "UIP clear 300 us before the update");
    step(100000);
    qt_eq(cmos_read(REG_A) & 0x80, 0x80, "UIP set 200 us before the update");
    cmos_write(REG_B, 0x82);
    qt_eq(cmos_read(REG_A) & 0x80, 0x00, "SET clears UIP");
    cmos_write(REG_B, 0x02);
    step(t0 + 500 * MS - now_ns);
    qt_eq(cmos_read(REG_A) & 0x80, 0x00, "UIP clear once the update is done");
    cmos_write(REG_B, 0x92);
    qt_eq(cmos_read(REG_B), 0x82, "setting SET clears UIE");
    cmos_write(REG_B, 0x02);
}

static void test_periodic(void)
{
    unsigned raises;

    cmos_read(REG_C);
    cmos_write(REG_B, 0x02);
    divider_restart(0x06); /* 1024 Hz: 976562.5 ns */
    step(976562);
    qt_eq(cmos_read(REG_C), 0x00, "no periodic flag before the first period");
    step(1);
    qt_eq(cmos_read(REG_C), 0x40, "PF set with PIE off, no IRQF");
    qt_ok(!get_irq(0), "no interrupt with PIE off");
    raises = qtest_irq_raise_count(global_qtest, 0);
    cmos_write(REG_B, 0x42);
    step(976561);
    qt_ok(!get_irq(0), "PIE: not yet");
    step(2);
    qt_ok(get_irq(0), "PIE: IRQ at the period boundary");
    step(5 * 976563);
    qt_eq(qtest_irq_raise_count(global_qtest, 0) - raises, 1, "IRQ stays high until C is read");
    qt_eq(cmos_read(REG_C), 0xc0, "C: IRQF | PF");
    qt_ok(!get_irq(0), "reading C lowers the IRQ");
    qt_eq(cmos_read(REG_C), 0x00, "reading C cleared the flags");
    divider_restart(0x0f); /* 2 Hz */
    step(500 * MS);
    qt_ok(get_irq(0), "rate 15: interrupt every 500 ms");
    cmos_read(REG_C);
    step(499 * MS);
    qt_ok(!get_irq(0), "rate 15: quiet in between");
    step(1 * MS);
    qt_ok(get_irq(0), "rate 15: next interrupt");
    cmos_write(REG_B, 0x02);
    cmos_read(REG_C);
    cmos_write(REG_A, 0x26);
}

static void test_update_and_alarm(void)
{
    static const uint8_t t[8] = { 0x00, 0x00, 0x10, 0x01, 0x01, 0x01, 0x30, 0x20 };

    divider_restart(0x00); /* no periodic flag in the way */
    set_time(0x02, t); /* 10:00:00 */
    cmos_read(REG_C);
    cmos_write(REG_B, 0x12); /* UIE */
    step(499 * MS);
    qt_ok(!get_irq(0), "UIE: nothing before the update");
    step(1 * MS);
    qt_ok(get_irq(0), "UIE: IRQ at the end of the update");
    qt_eq(cmos_read(REG_C), 0x90, "C: IRQF | UF");
    qt_eq(cmos_read(SECS), 0x01, "the update advanced the seconds");

    cmos_write(SECS_ALARM, 0x05);
    cmos_write(MINS_ALARM, 0x00);
    cmos_write(HOURS_ALARM, 0x10);
    cmos_write(REG_B, 0x22); /* AIE */
    step(3 * SEC);
    qt_ok(!get_irq(0), "AIE: no alarm at 10:00:04");
    qt_eq(cmos_read(REG_C), 0x10, "UF set without UIE, no IRQF");
    step(1 * SEC);
    qt_ok(get_irq(0), "AIE: alarm at 10:00:05");
    qt_eq(cmos_read(REG_C), 0xb0, "C: IRQF | AF | UF");
    cmos_write(SECS_ALARM, 0x30);
    cmos_write(MINS_ALARM, 0xc0);
    cmos_write(HOURS_ALARM, 0xff);
    step(24 * SEC);
    qt_ok(!get_irq(0), "don't-care alarm: not before :30");
    step(1 * SEC);
    qt_ok(get_irq(0), "don't-care minutes/hours: alarm at 10:00:30");
    cmos_read(REG_C);
    step(59 * SEC);
    qt_ok(!get_irq(0), "don't-care alarm: quiet during the minute");
    step(1 * SEC);
    qt_ok(get_irq(0), "don't-care alarm: again at 10:01:30");
    cmos_write(REG_B, 0x02);
    cmos_read(REG_C);
    qt_ok(!get_irq(0), "IRQ low after clearing");
}

static void test_ram(void)
{
    cmos_write(0x40, 0x5a);
    qt_eq(cmos_read(0x40), 0x5a, "CMOS RAM byte reads back");
    outb(IDX, 0x80 | 0x40);
    qt_eq(inb(DATA), 0x5a, "index bit 7 (NMI mask) is not part of the address");
    cmos_write(0x7f, 0xa5);
    qt_eq(cmos_read(0x7f), 0xa5, "last of 128 bytes");
    cmos_write(REG_D, 0x00);
    qt_eq(cmos_read(REG_D), 0x80, "register D is read-only");
    cmos_write(REG_C, 0xff);
    qt_eq(cmos_read(REG_C), 0x00, "register C is read-only");
}

int main(void)
{
    char args[512];

    snprintf(args, sizeof(args), "%s -device mc146818rtc,id=trtc,iobase=0x%x", qtest_isa_machine(),
             IDX);
    qtest_start(args);
    irq_intercept_out("trtc");
    now_ns = clock_step(1000);

    test_host_time();
    test_bcd_rollover();
    test_binary_and_12h();
    test_uip_and_set();
    test_periodic();
    test_update_and_alarm();
    test_ram();

    qtest_end();
    return qt_done();
}
