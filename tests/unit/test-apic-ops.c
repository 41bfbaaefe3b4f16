/* SPDX-License-Identifier: MIT */
/*
 * Unit test of the local APIC's CPU side (hw/intc/apic.c, X86ApicOps):
 * the interrupt request bits it raises on a CPUState, interrupt
 * acknowledge, IA32_APIC_BASE relocation and disabling of the register
 * page, CR8, INIT/SIPI between two APICs, the x2APIC MSR interface and
 * the TSC-deadline timer. Two bare CPUStates stand in for the CPUs; the
 * register page is reached through as_memory as a CPU would.
 * Reference: Intel SDM Vol. 3A chapter 10.
 */
#include "kemu/cpu.h"
#include "kemu/hw/apic.h"
#include "kemu/memory.h"
#include "kemu/timer.h"
#include "tap.h"

#define BASE 0xfee00000ULL
static CPUState cpu0, cpu1;
static Device *a0, *a1;
static const X86ApicOps *ops = &apic_x86_ops;

static uint32_t rd(uint64_t base, unsigned reg) { return as_ldl(&as_memory, base + reg); }
static void wr(uint64_t base, unsigned reg, uint32_t v) { as_stl(&as_memory, base + reg, v); }
static bool hard(CPUState *c) { return c->interrupt_request & CPU_INTERRUPT_HARD; }

static void test_hard_and_ack(void)
{
    is_int(ops->get_base(a0), BASE | 0x900, "BSP base: enabled, BSP bit");
    is_int(ops->get_base(a1), BASE | 0x800, "AP base: enabled");
    wr(BASE, 0xf0, 0x1ff);
    wr(BASE, 0x300, (1u << 18) | 0x41);
    ok(hard(&cpu0), "self IPI raises CPU_INTERRUPT_HARD");
    ops->set_tpr(a0, 4);
    is_int(rd(BASE, 0x80), 0x40, "CR8 4 is TPR 0x40");
    ok(!hard(&cpu0), "TPR 0x40 masks 0x41: HARD lowered");
    is_int(ops->get_tpr(a0), 4, "CR8 reads 4");
    ops->set_tpr(a0, 0);
    is_int(apic_intr_ack(a0), 0x41, "acknowledge returns 0x41");
    ok(!hard(&cpu0), "HARD lowered once acknowledged");
    is_int(apic_intr_ack(a0), -1, "nothing more: -1");
    wr(BASE, 0xb0, 0);
}

static void test_extint(void)
{
    irq_set(apic_bus_pic_line(), 1);
    ok(hard(&cpu0), "8259 INT through BSP LINT0 (ExtINT) raises HARD");
    ok(!hard(&cpu1), "AP LINT0 is masked");
    is_int(apic_intr_ack(a0), 0xff, "no 8259 ack set: the spurious vector (SVR)");
    irq_set(apic_bus_pic_line(), 0);
    ok(!hard(&cpu0), "HARD follows the 8259 down");
}

static void test_relocate(void)
{
    ops->set_base(a0, 0xfed80000ULL | 0x900);
    is_int(rd(0xfed80000ULL, 0x30), 0x50014, "register page moved to 0xfed80000");
    ops->set_base(a0, BASE | 0x900);
    is_int(rd(BASE, 0x30), 0x50014, "and back");
    ops->set_base(a0, BASE | 0x100);
    is_int(ops->get_base(a0), BASE | 0x100, "globally disabled, BSP bit kept");
    is_int(rd(BASE, 0x30), 0xffffffff, "disabled APIC: page reads all ones");
    ops->set_base(a0, BASE | 0x900);
    is_int(rd(BASE, 0xf0), 0xff, "re-enabled in its reset state (SVR 0xff)");
    wr(BASE, 0xf0, 0x1ff);
}

static void test_init_sipi(void)
{
    wr(BASE, 0x310, 1u << 24);
    wr(BASE, 0x300, 0x4500); /* INIT, level assert */
    ok(cpu1.interrupt_request & CPU_INTERRUPT_INIT, "INIT IPI to APIC 1");
    ok(!(cpu0.interrupt_request & CPU_INTERRUPT_INIT), "not to APIC 0");
    cpu_reset_interrupt(&cpu1, CPU_INTERRUPT_INIT);
    ok(ops->init(a1), "AP waits for SIPI after INIT");
    ok(!ops->init(a0), "BSP does not");
    wr(BASE, 0xf0, 0x1ff);
    wr(BASE, 0x300, 0x8500); /* INIT level de-assert: no effect */
    ok(!(cpu1.interrupt_request & CPU_INTERRUPT_INIT), "INIT level de-assert sends nothing");
    wr(BASE, 0x300, (3u << 18) | 0x0698); /* SIPI vector 0x98, all but self */
    ok(cpu1.interrupt_request & CPU_INTERRUPT_SIPI, "SIPI to the others");
    ok(!(cpu0.interrupt_request & CPU_INTERRUPT_SIPI), "not to self");
    is_int(ops->sipi(a1), 0x98, "SIPI vector 0x98");
    is_int(ops->sipi(a1), -1, "a second SIPI is ignored");
    cpu_reset_interrupt(&cpu1, CPU_INTERRUPT_SIPI);
    wr(BASE, 0x300, (3u << 18) | 0x0400); /* NMI to the others */
    ok(cpu1.interrupt_request & CPU_INTERRUPT_NMI, "NMI IPI");
}

static void test_x2apic(void)
{
    uint64_t v = 0;

    ok(!ops->msr_read(a1, 0x802, &v), "x2APIC MSRs #GP in xAPIC mode");
    ops->set_base(a1, BASE | 0xc00);
    ok(ops->msr_read(a1, 0x802, &v) && v == 1, "x2APIC ID 1");
    ok(ops->msr_read(a1, 0x80d, &v) && v == 0x2, "LDR derived: cluster 0, bit 1");
    ok(!ops->msr_read(a1, 0x80e, &v), "no DFR in x2APIC mode");
    ok(!ops->msr_write(a1, 0x802, 5), "ID is read-only");
    ok(ops->msr_write(a1, 0x80f, 0x1ff), "SVR");
    ok(ops->msr_write(a1, 0x83f, 0x63), "SELF IPI 0x63");
    ok(hard(&cpu1), "HARD on APIC 1");
    is_int(apic_intr_ack(a1), 0x63, "acknowledge 0x63");
    ok(!ops->msr_write(a1, 0x80b, 1), "EOI of a non-zero value #GPs");
    ok(ops->msr_write(a1, 0x80b, 0), "EOI");
    ok(ops->msr_read(a1, 0x810 + 3, &v) && v == 0, "ISR clear");
    ok(ops->msr_write(a1, 0x830, (0ULL << 32) | 0x52), "ICR to x2APIC ID 0, vector 0x52");
    ok(hard(&cpu0), "APIC 0 got it");
    is_int(apic_intr_ack(a0), 0x52, "vector 0x52");
    wr(BASE, 0xb0, 0);
    ops->set_base(a1, BASE | 0x800);
    is_int(ops->get_base(a1), BASE | 0xc00, "x2APIC -> xAPIC directly is refused");
    ops->set_base(a1, BASE);
    ops->set_base(a1, BASE | 0x800);
    is_int(ops->get_base(a1), BASE | 0x800, "via disabled it works");
}

static void test_tsc_deadline(void)
{
    wr(BASE, 0x320, 0x400e5); /* TSC-deadline mode, vector 0xe5 */
    ops->set_tsc_deadline(a0, vclock_get_ns() + 5000);
    vclock_step(4999);
    ok(!hard(&cpu0), "TSC deadline not reached");
    vclock_step(1);
    is_int(apic_intr_ack(a0), 0xe5, "TSC deadline fires 0xe5");
    wr(BASE, 0xb0, 0);
    wr(BASE, 0x380, 100);
    is_int(rd(BASE, 0x380), 0, "initial count ignored in TSC-deadline mode");
    wr(BASE, 0x320, 0x100e5);
}

int main(void)
{
    mem_system_init();
    vclock_set_mode(VCLOCK_MANUAL, 0);
    cpu_register(&cpu0);
    cpu_register(&cpu1);
    a0 = apic_create(&cpu0, 0);
    a1 = apic_create(&cpu1, 1);
    test_hard_and_ack();
    test_extint();
    test_relocate();
    test_init_sipi();
    test_x2apic();
    test_tsc_deadline();
    return done_testing();
}
