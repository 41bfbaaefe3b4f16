/* SPDX-License-Identifier: MIT */
/*
 * The local APIC ("apic") and the APIC bus: the board's interface.
 *
 * One local APIC per CPU (Intel SDM Vol. 3A chapter 10/11, "Advanced
 * Programmable Interrupt Controller"). The APICs of a machine sit on one
 * APIC bus, which also carries the IOAPIC's and PCI MSI messages, and the
 * EOI broadcasts back to the IOAPIC. The xAPIC register page is one MMIO
 * region in as_memory at the BSP's IA32_APIC_BASE (default 0xfee00000);
 * an access reaches the APIC of the CPU that is running (X86ApicOps
 * cpu_enter), or the BSP's when no CPU runs (qtest). Writes to
 * 0xfee00000-0xfeefffff outside the register page (and to its first 16
 * bytes) are MSI messages, as in QEMU.
 *
 * Board wiring of a PC (see /work/notes/apic-wiring.md):
 *   Device *apic = apic_create(x86_cpu_state(cpu), apic_id);
 *   x86_cpu_set_apic(cpu, &apic_x86_ops, apic);
 *   x86_cpu_set_intr_ack(cpu, apic_intr_ack, apic);
 * then the 8259 master's INT output drives apic_bus_pic_line() (LINT0 of
 * every APIC) and apic_bus_set_pic_ack(i8259_intack_fn, master) lets an
 * ExtINT acknowledge run the 8259's INTA cycle.
 */
#ifndef KEMU_HW_APIC_H
#define KEMU_HW_APIC_H

#include "kemu/cpu.h"
#include "kemu/device.h"
#include "kemu/irq.h"
#include "kemu/x86.h"

#define TYPE_APIC "apic"
#define APIC_DEFAULT_ADDRESS 0xfee00000ULL
#define APIC_MSI_SIZE 0x100000ULL /* 0xfee00000-0xfeefffff */

/* Input pins of each "apic" device. */
#define APIC_GPIO_LINT0 0
#define APIC_GPIO_LINT1 1
#define APIC_GPIO_INTA 2  /* rising edge: an INTA cycle (tests; CPUs call apic_intr_ack) */
/* Output pin 0 of each "apic": the CPU's INTR line as the APIC drives it
 * (CPU_INTERRUPT_HARD); for tests through irq_intercept_out. */

/* Delivery modes (ICR, LVT, IOAPIC redirection entries, MSI data). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWPRI = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_SIPI = 6,
    APIC_DM_EXTINT = 7,
};

/*
 * Create and realize the local APIC of cpu (may be NULL: no CPU, e.g. a
 * test) with the given APIC ID. The first APIC created is the BSP (its
 * IA32_APIC_BASE has bit 8 set). Also maps the register page and the MSI
 * window on first use.
 */
Device *apic_create(CPUState *cpu, int apic_id);

/* The CPU's view of its APIC: pass with the Device as opaque. */
extern const X86ApicOps apic_x86_ops;
/* INTA through the APIC (X86IntrAckFn shape, opaque = the Device). */
int apic_intr_ack(void *opaque);

/* The 8259's INT output: drives LINT0 of every local APIC. */
IrqLine *apic_bus_pic_line(void);
/* The 8259's INTA, run when a CPU acknowledges an ExtINT interrupt. */
void apic_bus_set_pic_ack(X86IntrAckFn *ack, void *opaque);
/* An external NMI (monitor "nmi"): LINT1 of every APIC is pulsed. */
void apic_bus_nmi(void);

/*
 * Send an interrupt message on the APIC bus (IOAPIC, MSI). dest is an
 * 8-bit xAPIC destination (0xff: broadcast in physical mode), logical
 * selects the logical destination mode; level is the trigger mode.
 */
void apic_bus_deliver(uint32_t dest, bool logical, int delivery_mode, uint8_t vector, bool level);
/* A PCI MSI write: address 0xfeeXXXXX and data, decoded per SDM 10.11. */
void apic_bus_deliver_msi(uint64_t addr, uint32_t data);

/* EOI broadcast of a level-triggered vector, to the IOAPIC(s). */
typedef void ApicEoiFn(void *opaque, int vector);
void apic_bus_add_eoi_listener(ApicEoiFn *fn, void *opaque);

#endif
