/* SPDX-License-Identifier: MIT */
/*
 * Timer-driven devices whose timer callback runs late.
 *
 * Under the host clock (no -icount) a device's timer callback runs when
 * the main loop gets to it, some time after its deadline. A device must
 * still produce every interrupt edge that happened up to then: the 8254's
 * mode 2 output is low for one 838 ns tick per period, so a callback that
 * only looks at the level "now" misses the pulse and IRQ 0 never fires.
 * The test runs the devices on the icount clock, moves the clock past
 * their deadlines with vclock_add_icount() (which runs no timers), then
 * runs the expired timers as the main loop does and counts the edges on
 * the ISA IRQ lines: PIT (modes 2 and 3, a reprogramming write while an
 * edge is overdue), the RTC periodic and update-ended interrupts and the
 * HPET periodic comparator. Reference: Intel 8254 datasheet (231164),
 * MC146818A datasheet, IA-PC HPET specification 1.0a.
 */
#include "kemu/hw/hpet.h"
#include "kemu/hw/i8254.h"
#include "kemu/hw/mc146818.h"
#include "kemu/isa.h"
#include "kemu/memory.h"
#include "kemu/timer.h"
#include "tap.h"

static IsaBus bus;
static IrqLine *gsi[HPET_NUM_ROUTES];
static int level[HPET_NUM_ROUTES];
static int rises[HPET_NUM_ROUTES];

static void line_set(void *opaque, int n, int lvl)
{
    (void)opaque;
    if (lvl && !level[n])
        rises[n]++;
    level[n] = lvl != 0;
}

/* The main loop ran late: the clock moved by ns, then the timers ran. */
static void run_late(int64_t ns)
{
    vclock_add_icount(ns);
    timers_run_expired();
}

static int64_t tick_ns(double ticks)
{
    return (int64_t)(ticks * NANOSECONDS_PER_SECOND / PIT_FREQ);
}

/* Move the clock (on time) to the middle of the next PIT tick. */
static void pit_align(void)
{
    int64_t now = vclock_get_ns();
    int64_t tick = (int64_t)((__int128)now * PIT_FREQ / NANOSECONDS_PER_SECOND) + 1;
    int64_t mid = (int64_t)(((__int128)tick * 2 + 1) * NANOSECONDS_PER_SECOND / (2 * PIT_FREQ));

    vclock_set(mid);
}

/* Program counter 0 in the middle of tick T: the count loads at T + 1. */
static void pit_program(int mode, uint16_t count)
{
    pit_align();
    as_stb(&as_io, 0x43, 0x30 | mode << 1); /* counter 0, LSB then MSB */
    as_stb(&as_io, 0x40, count & 0xff);
    as_stb(&as_io, 0x40, count >> 8);
}

static void test_pit(void)
{
    Device *pit = device_new(TYPE_PIT, NULL);

    ok(pit && device_realize(pit, NULL), "isa-pit created");
    /* Mode 2, N = 100: OUT low during the last tick of every period. */
    pit_program(2, 100);
    rises[0] = 0;
    run_late(tick_ns(101)); /* past the low tick (T + 100) into T + 101 */
    is_int(rises[0], 1, "mode 2: the low tick passed while late still gives one IRQ 0 edge");
    is_int(level[0], 1, "mode 2: OUT0 high again");
    rises[0] = 0;
    run_late(tick_ns(300));
    is_int(rises[0], 3, "mode 2: three periods late, three IRQ 0 edges");
    rises[0] = 0;
    for (int i = 0; i < 20; i++)
        run_late(tick_ns(10));
    is_int(rises[0], 2, "mode 2: callbacks a little late every 10 ticks, one edge per period");
    /* Overdue edge, then the guest reprograms counter 0. */
    rises[0] = 0;
    vclock_add_icount(tick_ns(100));
    pit_program(2, 1000);
    is_int(rises[0], 1, "mode 2: an overdue pulse is delivered before a reprogramming write");

    /* Mode 3, N = 4: high 2 ticks, low 2 ticks. */
    pit_program(3, 4);
    run_late(tick_ns(1)); /* T + 1: loaded, OUT0 high */
    rises[0] = 0;
    run_late(tick_ns(4 * 5));
    is_int(rises[0], 5, "mode 3: five square-wave periods late, five edges");
    rises[0] = 0;
    run_late(tick_ns(4 * 1000));
    ok(rises[0] >= 1, "mode 3: a long stall still gives an edge (%d)", rises[0]);
    /* The edges run at the timer deadline, not lost by a late reader. */
    pit_program(0, 50); /* one-shot: OUT0 low, high at terminal count */
    rises[0] = 0;
    vclock_add_icount(tick_ns(60));
    ok(pit_get_out(pit, 0) == 1 && rises[0] == 1, "mode 0: OUT0 read late catches IRQ 0 up");
    pit_program(2, 0); /* leave it quiet */
}

static void rtc_write(uint8_t reg, uint8_t val)
{
    as_stb(&as_io, 0x70, reg);
    as_stb(&as_io, 0x71, val);
}

static uint8_t rtc_read(uint8_t reg)
{
    as_stb(&as_io, 0x70, reg);
    return as_ldub(&as_io, 0x71);
}

static void test_rtc(void)
{
    Device *rtc = device_new(TYPE_MC146818_RTC, NULL);

    ok(rtc && device_realize(rtc, NULL), "mc146818rtc created");
    is_int(rtc_get_cmos(rtc, 0x0d), 0x80, "rtc: register D reads VRT");
    rtc_write(0x0a, 0x26); /* 32.768 kHz, 1024 Hz periodic */
    rtc_write(0x0b, 0x42); /* PIE, 24 h */
    rtc_read(0x0c);
    rises[8] = 0;
    run_late(5 * 976563);
    is_int(rises[8], 1, "rtc: periodic interrupt raised by a late callback");
    ok(rtc_read(0x0c) & 0x40, "rtc: PF set");
    run_late(976563 / 2);
    run_late(976563);
    is_int(rises[8], 2, "rtc: next period raises IRQ 8 again after register C was read");
    rtc_write(0x0b, 0x12); /* UIE only */
    rtc_read(0x0c);
    rises[8] = 0;
    run_late(3 * NANOSECONDS_PER_SECOND / 2);
    is_int(rises[8], 1, "rtc: update-ended interrupt after a late second");
    ok((rtc_read(0x0c) & 0x90) == 0x90, "rtc: UF and IRQF set");
    rtc_write(0x0b, 0x02);
}

static void test_hpet(void)
{
    Device *hpet = hpet_create(gsi);
    const hwaddr base = HPET_DEFAULT_ADDRESS, t2 = base + 0x100 + 2 * 0x20;
    uint64_t cap;

    ok(hpet != NULL, "hpet created");
    cap = as_ldq(&as_memory, base);
    ok((cap >> 32) == 10000000, "hpet: 10 ns period (%llu fs)", (unsigned long long)(cap >> 32));
    /* Timer 2, periodic, edge, GSI 2, every 10 us. */
    as_stq(&as_memory, t2, (2 << 9) | (1 << 6) | (1 << 3) | (1 << 2));
    as_stq(&as_memory, t2 + 8, 1000);
    rises[2] = 0;
    as_stq(&as_memory, base + 0x10, 1); /* ENABLE_CNF */
    run_late(10000 * 2 + 5000);
    ok(rises[2] >= 1, "hpet: periodic timer late by two periods still interrupts (%d)",
       rises[2]);
    rises[2] = 0;
    run_late(10000);
    is_int(rises[2], 1, "hpet: the next period interrupts once");
    as_stq(&as_memory, base + 0x10, 0);
}

int main(void)
{
    mem_system_init();
    vclock_set_mode(VCLOCK_ICOUNT, 0);
    for (int i = 0; i < HPET_NUM_ROUTES; i++)
        gsi[i] = irq_new(line_set, NULL, i);
    for (int i = 0; i < 16; i++)
        bus.irqs[i] = gsi[i];
    isa_bus_set(&bus);
    test_pit();
    test_rtc();
    test_hpet();
    return done_testing();
}
