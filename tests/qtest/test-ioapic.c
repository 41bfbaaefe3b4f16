/* SPDX-License-Identifier: MIT */
/*
 * test-ioapic: the I/O APIC through qtest.
 *
 * An "ioapic" delivering to one "apic" (APIC ID 0, no CPU) on the empty
 * machine; inputs are driven with set_irq_in and deliveries observed in
 * the local APIC's IRR/TMR. Checks the ID/version/arbitration registers,
 * the redirection entry write masks, edge delivery (and edges ignored
 * while masked), level delivery with Remote IRR cleared by the local
 * APIC's EOI broadcast and by the EOI register, masked level inputs
 * delivered on unmask, and input 0 delivered through entry 2.
 * Reference: Intel 82093AA datasheet section 3; QEMU hw/intc/ioapic.c.
 * Against QEMU (KEMU_BIN), only the register checks run, on -M pc.
 */
#include <stdio.h>

#include "libqtest.h"

#define APIC 0xfee00000ULL
#define IOAPIC 0xfec00000ULL
#define IOREGSEL (IOAPIC + 0x00)
#define IOWIN (IOAPIC + 0x10)
#define IOEOI (IOAPIC + 0x40)

#define RTE_LEVEL 0x8000
#define RTE_MASKED 0x10000
#define RTE_REMOTE_IRR 0x4000

static uint32_t io_rd(unsigned reg)
{
    writel(IOREGSEL, reg);
    return readl(IOWIN);
}

static void io_wr(unsigned reg, uint32_t v)
{
    writel(IOREGSEL, reg);
    writel(IOWIN, v);
}

static void rte(int pin, uint32_t lo) { io_wr(0x10 + 2 * pin, lo); }
static uint32_t rte_lo(int pin) { return io_rd(0x10 + 2 * pin); }

static void pin_set(int pin, int level)
{
    qtest_set_irq_in(global_qtest, "ioapic", "unnamed-gpio-in", pin, level);
}

static bool vec_bit(unsigned base, int v)
{
    return (readl(APIC + base + (v / 32) * 0x10) >> (v % 32)) & 1;
}
#define IRR 0x200
#define ISR 0x100
#define TMR 0x180

/* The CPU's acknowledge and EOI of the highest vector. */
static void ack_eoi(void)
{
    qtest_set_irq_in(global_qtest, "lapic", "unnamed-gpio-in", 2, 1);
    qtest_set_irq_in(global_qtest, "lapic", "unnamed-gpio-in", 2, 0);
    writel(APIC + 0xb0, 0);
}

static void test_registers(void)
{
    writel(IOREGSEL, 0x12);
    qt_eq(readl(IOREGSEL), 0x12, "IOREGSEL reads back");
    qt_eq(io_rd(0x01), 0x00170020, "version 0x20, 24 entries");
    qt_eq(io_rd(0x10), RTE_MASKED, "entry 0 resets masked");
    qt_eq(io_rd(0x10 + 2 * 23 + 1), 0, "entry 23 destination resets to 0");
    if (qtest_is_qemu())
        return;
    qt_eq(io_rd(0x00), 0, "ID resets to 0");
    io_wr(0x00, 0x0a000000);
    qt_eq(io_rd(0x00), 0x0a000000, "ID bits 27:24 writable");
    qt_eq(io_rd(0x02), 0x0a000000, "arbitration ID follows the ID");
    io_wr(0x01, 0);
    qt_eq(io_rd(0x01), 0x00170020, "version is read-only");
    rte(20, 0xffffffff);
    qt_eq(rte_lo(20), 0x0001afff, "delivery status and Remote IRR are read-only");
    io_wr(0x10 + 2 * 20 + 1, 0xffffffff);
    qt_eq(io_rd(0x10 + 2 * 20 + 1), 0xff000000, "destination is bits 63:56");
    rte(20, RTE_MASKED);
}

static void test_edge(void)
{
    writel(APIC + 0xf0, 0x1ff); /* software-enable the APIC */
    rte(4, 0x34);
    pin_set(4, 1);
    pin_set(4, 0);
    qt_ok(vec_bit(IRR, 0x34) && !vec_bit(TMR, 0x34), "edge input 4 -> vector 0x34, edge");
    ack_eoi();
    pin_set(4, 1);
    pin_set(4, 1);
    qt_ok(vec_bit(IRR, 0x34), "rising edge delivered");
    ack_eoi();
    pin_set(4, 1);
    qt_ok(!vec_bit(IRR, 0x34), "a steady high level is no new edge");
    pin_set(4, 0);

    rte(5, RTE_MASKED | 0x35);
    pin_set(5, 1);
    rte(5, 0x35);
    qt_ok(!vec_bit(IRR, 0x35), "an edge while masked is lost");
    pin_set(5, 0);
    pin_set(5, 1);
    qt_ok(vec_bit(IRR, 0x35), "the next edge is delivered");
    pin_set(5, 0);
    ack_eoi();

    rte(2, 0x32);
    pin_set(0, 1);
    pin_set(0, 0);
    qt_ok(vec_bit(IRR, 0x32), "input 0 (ISA IRQ 0) is delivered through entry 2");
    ack_eoi();
}

static void test_level(void)
{
    rte(9, RTE_LEVEL | 0x39);
    pin_set(9, 1);
    qt_ok(vec_bit(IRR, 0x39) && vec_bit(TMR, 0x39), "level input 9 -> 0x39, TMR set");
    qt_ok(rte_lo(9) & RTE_REMOTE_IRR, "Remote IRR set on delivery");
    ack_eoi();
    qt_ok(vec_bit(IRR, 0x39) && (rte_lo(9) & RTE_REMOTE_IRR),
          "EOI broadcast with the line still high: delivered again");
    pin_set(9, 0);
    ack_eoi();
    qt_ok(!(rte_lo(9) & RTE_REMOTE_IRR), "EOI broadcast clears Remote IRR");
    qt_ok(!vec_bit(IRR, 0x39) && !vec_bit(ISR, 0x39), "line low: nothing more");

    rte(8, RTE_LEVEL | 0x38);
    pin_set(8, 1);
    qt_ok(rte_lo(8) & RTE_REMOTE_IRR, "level input 8 delivered");
    writel(IOEOI, 0x38);
    qt_ok(rte_lo(8) & RTE_REMOTE_IRR, "EOI register: delivered again while high");
    pin_set(8, 0);
    writel(IOEOI, 0x38);
    qt_ok(!(rte_lo(8) & RTE_REMOTE_IRR), "EOI register clears Remote IRR");
    ack_eoi();

    rte(7, RTE_MASKED | RTE_LEVEL | 0x37);
    pin_set(7, 1);
    qt_ok(!vec_bit(IRR, 0x37), "masked level input: nothing");
    rte(7, RTE_LEVEL | 0x37);
    qt_ok(vec_bit(IRR, 0x37), "unmasking an asserted level input delivers it");
    pin_set(7, 0);
    ack_eoi();
}

int main(void)
{
    if (qtest_is_qemu()) {
        qtest_start("-M pc -nodefaults");
        test_registers();
        qtest_end();
        return qt_done();
    }
    qtest_start("-M none -device apic,id=lapic -device ioapic");
    test_registers();
    test_edge();
    test_level();
    qtest_end();
    return qt_done();
}
