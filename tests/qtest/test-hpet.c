/* SPDX-License-Identifier: MIT */
/*
 * test-hpet: the HPET through qtest.
 *
 * One "hpet" on the empty machine with its 24 outputs intercepted (IRQ n
 * is GSI n). Checks the capabilities, the main counter (100 MHz on the
 * virtual clock, halting, writes while halted), a one-shot edge timer, a
 * level timer and its write-1-to-clear status, a periodic timer with
 * Tn_VAL_SET_CNF under LegacyReplacement routing, 32-bit mode, the route
 * capability, and the PIT/RTC pass-through that LegacyReplacement cuts.
 * Reference: IA-PC HPET specification 1.0a section 2.3; QEMU
 * hw/timer/hpet.c. Against QEMU (KEMU_BIN) only the register checks run.
 */
#include <stdio.h>

#include "libqtest.h"

#define HPET 0xfed00000ULL
#define GCAP (HPET + 0x000)
#define CONF (HPET + 0x010)
#define STS (HPET + 0x020)
#define CNT (HPET + 0x0f0)
#define TN_CONF(n) (HPET + 0x100 + 0x20 * (n))
#define TN_CMP(n) (HPET + 0x108 + 0x20 * (n))

#define CONF_ENABLE 1
#define CONF_LEG_RT 2
#define TN_LEVEL 0x002
#define TN_INT_ENB 0x004
#define TN_PERIODIC 0x008
#define TN_VAL_SET 0x040
#define TN_32MODE 0x100
#define TN_ROUTE(r) ((r) << 9)

static unsigned raises(int n) { return qtest_irq_raise_count(global_qtest, n); }

static void test_registers(void)
{
    qt_eq(readl(GCAP), 0x8086a201, "GCAP_ID: Intel, 3 timers, 64-bit, legacy capable, rev 1");
    qt_eq(readl(GCAP + 4), 10000000, "counter period 10 ns (100 MHz)");
    qt_eq(readq(GCAP), 0x009896808086a201ULL, "64-bit read of GCAP_ID");
    qt_eq(readl(CONF), 0, "GEN_CONF resets to 0");
    qt_eq(readl(STS), 0, "GINTR_STA resets to 0");
    qt_eq(readq(CNT), 0, "main counter resets to 0");
    qt_eq(readl(TN_CONF(0)), 0x30, "T0: periodic and 64-bit capable");
    qt_eq(readl(TN_CONF(2) + 4), 0x4, "route capability: GSI 2 (QEMU piix)");
    qt_eq(readq(TN_CMP(1)), ~0ULL, "comparators reset to all ones");
}

static void test_counter(void)
{
    writel(CONF, CONF_ENABLE);
    clock_step(1000);
    qt_eq(readq(CNT), 100, "1000 ns = 100 ticks");
    writel(CONF, 0);
    clock_step(1000);
    qt_eq(readq(CNT), 100, "halted counter stands still");
    writel(CNT, 0x1000);
    writel(CNT + 4, 0x1);
    qt_eq(readq(CNT), 0x100001000ULL, "counter written while halted, in two halves");
    writel(CONF, CONF_ENABLE);
    clock_step(500);
    qt_eq(readq(CNT), 0x100001000ULL + 50, "counts on from the written value");
    writel(CNT, 0);
    qt_eq(readq(CNT), 0x100001000ULL + 50, "writes while running are ignored");
    writel(CONF, 0);
    writeq(CNT, 0);
    qt_eq(readq(CNT), 0, "64-bit counter write");
}

static void test_oneshot(void)
{
    writel(TN_CONF(2), TN_INT_ENB | TN_ROUTE(2));
    writeq(TN_CMP(2), 200);
    writel(CONF, CONF_ENABLE);
    clock_step(1990);
    qt_eq(raises(2), 0, "no interrupt before the comparator");
    clock_step(10);
    qt_eq(raises(2), 1, "edge interrupt on GSI 2 at counter 200");
    qt_ok(!get_irq(2), "edge mode: a pulse");
    clock_step(100000);
    qt_eq(raises(2), 1, "one-shot fires once");
    qt_eq(readl(STS), 0, "edge mode leaves the status clear");
}

static void test_level(void)
{
    uint64_t now = readq(CNT);

    writel(TN_CONF(2), TN_LEVEL | TN_INT_ENB | TN_ROUTE(2));
    writeq(TN_CMP(2), now + 100);
    clock_step(1000);
    qt_ok(get_irq(2), "level interrupt holds GSI 2 high");
    qt_eq(readl(STS), 0x4, "T2 status set");
    writel(STS, 0x1);
    qt_ok(get_irq(2), "writing 1 to another status bit changes nothing");
    writel(STS, 0x4);
    qt_eq(readl(STS), 0, "write 1 clears the status");
    qt_ok(!get_irq(2), "and lowers the line");
    writel(TN_CONF(2), TN_ROUTE(2));
}

static void test_periodic_legacy(void)
{
    unsigned r0;
    uint64_t now;

    /* Linux's sequence: halt, program, restart. */
    writel(CONF, CONF_LEG_RT);
    r0 = raises(0);
    now = readq(CNT);
    writel(TN_CONF(0), TN_INT_ENB | TN_PERIODIC | TN_VAL_SET);
    writeq(TN_CMP(0), now + 1000);
    writeq(TN_CMP(0), 1000);
    qt_eq(readq(TN_CMP(0)), now + 1000, "VAL_SET: first write sets the comparator");
    qt_eq(readl(TN_CONF(0)) & TN_VAL_SET, 0, "VAL_SET clears itself");
    writel(CONF, CONF_ENABLE | CONF_LEG_RT);
    clock_step(35000);
    qt_eq(raises(0) - r0, 3, "periodic 10 us on IRQ 0 (legacy): 3 in 35 us");
    qt_eq(readq(TN_CMP(0)), now + 4000, "comparator advanced by the period");
    writel(TN_CONF(0), 0);
    writel(CONF, CONF_ENABLE);
}

static void test_modes(void)
{
    writel(TN_CONF(1), TN_32MODE);
    writeq(TN_CMP(1), 0x123456789ULL);
    qt_eq(readq(TN_CMP(1)), 0x23456789, "32-bit mode truncates the comparator");
    writel(TN_CONF(1), TN_ROUTE(5));
    qt_eq(readl(TN_CONF(1)) & 0x3e00, 0, "unsupported route 5 is refused");
    writel(TN_CONF(1), TN_ROUTE(2));
    qt_eq(readl(TN_CONF(1)) & 0x3e00, TN_ROUTE(2), "route 2 accepted");
}

static void test_passthrough(void)
{
    qtest_set_irq_in(global_qtest, "hpet", "unnamed-gpio-in", 0, 1);
    qt_ok(get_irq(0), "PIT IRQ passes to GSI 0 without legacy routing");
    qtest_set_irq_in(global_qtest, "hpet", "unnamed-gpio-in", 1, 1);
    qt_ok(get_irq(8), "RTC IRQ passes to GSI 8");
    writel(CONF, CONF_ENABLE | CONF_LEG_RT);
    qt_ok(!get_irq(0) && !get_irq(8), "legacy routing cuts the PIT and the RTC");
    writel(CONF, CONF_ENABLE);
    qt_ok(get_irq(0) && get_irq(8), "and gives them back");
    qtest_set_irq_in(global_qtest, "hpet", "unnamed-gpio-in", 0, 0);
    qtest_set_irq_in(global_qtest, "hpet", "unnamed-gpio-in", 1, 0);
}

int main(void)
{
    if (qtest_is_qemu()) {
        qtest_start("-M pc -nodefaults");
        test_registers();
        qtest_end();
        return qt_done();
    }
    qtest_start("-M none -device hpet,id=hpet");
    irq_intercept_out("hpet");
    test_registers();
    test_counter();
    test_oneshot();
    test_level();
    test_periodic_legacy();
    test_modes();
    test_passthrough();
    qtest_end();
    return qt_done();
}
