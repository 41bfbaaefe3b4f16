/* SPDX-License-Identifier: MIT */
/*
 * test-apic: the local APIC through qtest.
 *
 * One "apic" (APIC ID 3, no CPU) and an "ioapic" on the empty machine.
 * The APIC's output pin (the CPU's INTR as the APIC drives it) is
 * intercepted; its input pin 2 runs the CPU's interrupt acknowledge. The
 * checks cover the reset values, the latched ESR, software enable, TPR
 * and PPR against priority classes, acknowledge and EOI of nested
 * vectors, send-illegal-vector errors, the timer (one-shot, periodic,
 * divide, masking) on the virtual clock, physical/logical (flat and
 * cluster) destinations of IOAPIC messages, MSI writes and LINT0 in
 * ExtINT and fixed modes. Reference: Intel SDM Vol. 3A chapter 10.
 * kemu-specific (QEMU's qtest cannot reach an APIC without a running CPU).
 */
#include <stdio.h>

#include "libqtest.h"

#define APIC 0xfee00000ULL
#define IOAPIC 0xfec00000ULL

/* register offsets */
#define ID 0x020
#define LVR 0x030
#define TPR 0x080
#define PPR 0x0a0
#define EOI 0x0b0
#define LDR 0x0d0
#define DFR 0x0e0
#define SVR 0x0f0
#define ISR 0x100
#define TMR 0x180
#define IRR 0x200
#define ESR 0x280
#define ICR 0x300
#define ICR2 0x310
#define LVT_TIMER 0x320
#define LVT_THERMAL 0x330
#define LVT_PERF 0x340
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370
#define TMICT 0x380
#define TMCCT 0x390
#define TDCR 0x3e0

#define ICR_SELF (1u << 18)

static uint32_t apic_rd(unsigned reg) { return readl(APIC + reg); }
static void apic_wr(unsigned reg, uint32_t v) { writel(APIC + reg, v); }

static bool vec_bit(unsigned base, int v)
{
    return (apic_rd(base + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static bool intr(void) { return get_irq(0); }

static void inta(void)
{
    qtest_set_irq_in(global_qtest, "lapic", "unnamed-gpio-in", 2, 1);
    qtest_set_irq_in(global_qtest, "lapic", "unnamed-gpio-in", 2, 0);
}

static void lint(int n, int level)
{
    qtest_set_irq_in(global_qtest, "lapic", "unnamed-gpio-in", n, level);
}

static void self_ipi(uint8_t vector) { apic_wr(ICR, ICR_SELF | vector); }

static void ioapic_rte(int pin, uint32_t lo, uint32_t hi)
{
    writel(IOAPIC, 0x10 + 2 * pin + 1);
    writel(IOAPIC + 0x10, hi);
    writel(IOAPIC, 0x10 + 2 * pin);
    writel(IOAPIC + 0x10, lo);
}

static void ioapic_pulse(int pin)
{
    qtest_set_irq_in(global_qtest, "ioapic", "unnamed-gpio-in", pin, 1);
    qtest_set_irq_in(global_qtest, "ioapic", "unnamed-gpio-in", pin, 0);
}

static void test_reset_values(void)
{
    qt_eq(apic_rd(ID), 0x03000000, "ID holds APIC ID 3 in bits 31:24");
    qt_eq(apic_rd(LVR), 0x00050014, "version 0x14, max LVT entry 5");
    qt_eq(apic_rd(TPR), 0, "TPR resets to 0");
    qt_eq(apic_rd(PPR), 0, "PPR resets to 0");
    qt_eq(apic_rd(SVR), 0xff, "SVR resets to 0xff (software disabled)");
    qt_eq(apic_rd(DFR), 0xffffffff, "DFR resets to flat model");
    qt_eq(apic_rd(LDR), 0, "LDR resets to 0");
    qt_eq(apic_rd(LVT_TIMER), 0x10000, "LVT timer masked");
    qt_eq(apic_rd(LVT_THERMAL), 0x10000, "LVT thermal masked");
    qt_eq(apic_rd(LVT_PERF), 0x10000, "LVT perf masked");
    qt_eq(apic_rd(LVT_LINT0), 0x700, "BSP LINT0 resets to ExtINT (QEMU)");
    qt_eq(apic_rd(LVT_LINT1), 0x10000, "LVT LINT1 masked");
    qt_eq(apic_rd(LVT_ERROR), 0x10000, "LVT error masked");
    qt_eq(apic_rd(TMICT) | apic_rd(TMCCT) | apic_rd(TDCR), 0, "timer registers reset to 0");
    qt_eq(apic_rd(IRR + 0x70) | apic_rd(ISR + 0x70) | apic_rd(TMR + 0x70), 0,
          "IRR/ISR/TMR clear");
    qt_ok(!intr(), "INTR low after reset");
}

static void test_esr(void)
{
    apic_rd(0x000); /* reserved register */
    qt_eq(apic_rd(ESR), 0, "ESR shows nothing before it is written");
    apic_wr(ESR, 0);
    qt_eq(apic_rd(ESR), 0x80, "ESR latches 'illegal register address'");
    apic_wr(ESR, 0);
    qt_eq(apic_rd(ESR), 0, "the next ESR write clears it");
    self_ipi(0x05);
    apic_wr(ESR, 0);
    qt_eq(apic_rd(ESR), 0x20, "IPI with vector 5: 'send illegal vector'");
    qt_ok(!vec_bit(IRR, 5), "the illegal vector is not accepted");
    apic_wr(ESR, 0);
}

static void test_enable_and_priority(void)
{
    self_ipi(0x50);
    qt_ok(vec_bit(IRR, 0x50), "self IPI 0x50 latched in IRR while software disabled");
    qt_ok(!intr(), "no INTR while software disabled");
    apic_wr(SVR, 0x1ff);
    qt_eq(apic_rd(SVR), 0x1ff, "SVR enable bit and vector");
    qt_ok(intr(), "INTR once enabled");
    apic_wr(TPR, 0x50);
    qt_eq(apic_rd(PPR), 0x50, "PPR follows TPR");
    qt_ok(!intr(), "TPR class 5 masks vector 0x50");
    apic_wr(TPR, 0x4f);
    qt_ok(intr(), "TPR 0x4f lets vector 0x50 through");
    apic_wr(TPR, 0);
}

static void test_ack_and_eoi(void)
{
    inta();
    qt_ok(vec_bit(ISR, 0x50) && !vec_bit(IRR, 0x50), "INTA moves 0x50 from IRR to ISR");
    qt_eq(apic_rd(PPR), 0x50, "PPR is the in-service class");
    qt_ok(!intr(), "INTR drops after INTA");
    self_ipi(0x45);
    qt_ok(!intr(), "0x45 is below the in-service class");
    self_ipi(0x61);
    qt_ok(intr(), "0x61 is above it");
    inta();
    qt_ok(vec_bit(ISR, 0x61) && vec_bit(ISR, 0x50), "0x61 nests over 0x50");
    qt_eq(apic_rd(PPR), 0x60, "PPR 0x60");
    apic_wr(EOI, 0);
    qt_ok(!vec_bit(ISR, 0x61) && vec_bit(ISR, 0x50), "EOI ends the highest (0x61)");
    qt_ok(!intr(), "0x45 still blocked by 0x50");
    apic_wr(EOI, 0);
    qt_ok(intr(), "0x45 deliverable after the second EOI");
    apic_wr(TPR, 0x40);
    qt_ok(!intr(), "TPR 0x40 masks 0x45 again");
    inta();
    qt_ok(vec_bit(IRR, 0x45) && !vec_bit(ISR, 0x45), "INTA of a masked vector: spurious, IRR kept");
    apic_wr(TPR, 0);
    inta();
    apic_wr(EOI, 0);
    qt_ok(!vec_bit(ISR, 0x45) && !vec_bit(IRR, 0x45) && !intr(), "0x45 handled");
}

static void test_timer(void)
{
    apic_wr(TDCR, 0xb);
    apic_wr(LVT_TIMER, 0xe0);
    apic_wr(TMICT, 1000);
    qt_eq(apic_rd(TMCCT), 1000, "one-shot: current count starts at initial count");
    clock_step(400);
    qt_eq(apic_rd(TMCCT), 600, "divide by 1: 400 ns -> 400 ticks");
    qt_ok(!vec_bit(IRR, 0xe0), "no interrupt before the count ends");
    clock_step(600);
    qt_eq(apic_rd(TMCCT), 0, "count ends at 0");
    qt_ok(vec_bit(IRR, 0xe0) && intr(), "timer interrupt 0xe0");
    inta();
    apic_wr(EOI, 0);
    clock_step(5000);
    qt_ok(!vec_bit(IRR, 0xe0), "one-shot fires once");

    apic_wr(TDCR, 0x3);
    apic_wr(LVT_TIMER, 0x200e1);
    apic_wr(TMICT, 100);
    clock_step(1000);
    qt_eq(apic_rd(TMCCT), 100 - 1000 / 16, "divide by 16: 62 ticks in 1000 ns");
    clock_step(2000);
    qt_eq(apic_rd(TMCCT), 13, "periodic: reloaded at 1600 ns, 87 ticks later");
    qt_ok(vec_bit(IRR, 0xe1), "periodic timer interrupt 0xe1");
    inta();
    apic_wr(EOI, 0);
    clock_step(1600);
    qt_ok(vec_bit(IRR, 0xe1), "periodic timer fires again");
    inta();
    apic_wr(EOI, 0);
    apic_wr(LVT_TIMER, 0x300e1);
    clock_step(5000);
    qt_ok(!vec_bit(IRR, 0xe1), "masked timer: no interrupt");
    qt_ok(apic_rd(TMCCT) != 0, "masked timer keeps counting");
    apic_wr(TMICT, 0);
    qt_eq(apic_rd(TMCCT), 0, "initial count 0 stops the timer");
}

static void test_destinations(void)
{
    ioapic_rte(10, 0x0871, 0x02000000); /* logical, dest 0x02 */
    ioapic_rte(11, 0x0872, 0x04000000); /* logical, dest 0x04 */
    apic_wr(LDR, 0x02000000);
    ioapic_pulse(10);
    ioapic_pulse(11);
    qt_ok(vec_bit(IRR, 0x71), "flat logical: LDR bit 1 matches dest 0x02");
    qt_ok(!vec_bit(IRR, 0x72), "flat logical: dest 0x04 does not match");
    apic_wr(DFR, 0x0fffffff);
    apic_wr(LDR, 0x21000000);
    ioapic_rte(10, 0x0873, 0x21000000);
    ioapic_rte(11, 0x0874, 0x11000000);
    ioapic_pulse(10);
    ioapic_pulse(11);
    qt_ok(vec_bit(IRR, 0x73), "cluster: cluster 2 member 0 matches 0x21");
    qt_ok(!vec_bit(IRR, 0x74), "cluster: cluster 1 does not");
    ioapic_rte(10, 0x0075, 0x03000000);
    ioapic_rte(11, 0x0076, 0x04000000);
    ioapic_pulse(10);
    ioapic_pulse(11);
    qt_ok(vec_bit(IRR, 0x75), "physical destination 3 is APIC ID 3");
    qt_ok(!vec_bit(IRR, 0x76), "physical destination 4 is nobody");
    ioapic_rte(11, 0x0077, 0xff000000);
    ioapic_pulse(11);
    qt_ok(vec_bit(IRR, 0x77), "physical destination 0xff broadcasts");
    writel(0xfee03000, 0x0078);
    qt_ok(vec_bit(IRR, 0x78), "MSI write to 0xfee03000 reaches APIC ID 3");
    writel(0xfee04000, 0x0079);
    qt_ok(!vec_bit(IRR, 0x79), "MSI to APIC ID 4 reaches nobody");
}

static void test_lint0(void)
{
    qt_ok(intr(), "pending 0x71.. keep INTR high");
    apic_wr(TPR, 0xf0);
    qt_ok(!intr(), "TPR 0xf0 masks every vector");
    lint(0, 1);
    qt_ok(intr(), "LINT0 in ExtINT mode drives INTR whatever the TPR");
    lint(0, 0);
    qt_ok(!intr(), "and follows the 8259's level");
    apic_wr(LVT_LINT0, 0x10700);
    lint(0, 1);
    qt_ok(!intr(), "masked LINT0 blocks ExtINT");
    lint(0, 0);
    apic_wr(TPR, 0);
    apic_wr(LVT_LINT0, 0x0090);
    lint(0, 1);
    lint(0, 0);
    qt_ok(vec_bit(IRR, 0x90) && !vec_bit(TMR, 0x90), "LINT0 fixed edge: vector 0x90");
}

int main(void)
{
    if (qtest_is_qemu()) {
        qt_skip("kemu-specific", "local APIC without a CPU");
        return qt_done();
    }
    qtest_start("-M none -device apic,id=lapic,apic-id=3 -device ioapic");
    irq_intercept_out("lapic");
    test_reset_values();
    test_esr();
    test_enable_and_priority();
    test_ack_and_eoi();
    test_timer();
    test_destinations();
    test_lint0();
    qtest_end();
    return qt_done();
}
