/* SPDX-License-Identifier: MIT */
/*
 * The x86 CPU as a board sees it.
 *
 * The board creates CPUs by model name, tells each CPU how to acknowledge
 * an external interrupt (the PIC's INTA cycle, or the local APIC), and
 * drives the A20 gate. Everything else about the CPU is private to
 * cpu/x86/.
 */
#ifndef KEMU_X86_H
#define KEMU_X86_H

#include "kemu/cpu.h"
#include "kemu/error.h"

typedef struct X86CPU X86CPU;

/* Create CPU number index from a -cpu string ("pentium2", "qemu64,+sse4.2,-nx").
 * The CPU is registered with cpu_register() and reset (CS:IP = F000:FFF0,
 * CS base FFFF0000). Returns NULL with errp set on an unknown model/feature. */
X86CPU *x86_cpu_create(const char *model, int index, Error **errp);
CPUState *x86_cpu_state(X86CPU *cpu);
/* The default model for this binary (qemu64 for x86_64, qemu32 for i386). */
const char *x86_cpu_default_model(void);
/* -cpu help */
void x86_cpu_print_models(FILE *out);

/* INTA: called when the CPU accepts CPU_INTERRUPT_HARD; returns the vector. */
typedef int X86IntrAckFn(void *opaque);
void x86_cpu_set_intr_ack(X86CPU *cpu, X86IntrAckFn *ack, void *opaque);

/* The A20 gate (port 0x92 bit 1, i8042 output port bit 1). When disabled,
 * physical address bit 20 is forced to 0. */
void x86_cpu_set_a20(X86CPU *cpu, bool enabled);

/* Local APIC hook (hw/intc/apic.c): base MSR reads/writes and TPR (CR8)
 * are forwarded here when set. */
typedef struct X86ApicOps {
    uint64_t (*get_base)(void *opaque);
    void (*set_base)(void *opaque, uint64_t val);
    uint8_t (*get_tpr)(void *opaque);
    void (*set_tpr)(void *opaque, uint8_t val);
    /* x2APIC MSR access (0x800-0x8ff); return false to raise #GP */
    bool (*msr_read)(void *opaque, uint32_t msr, uint64_t *val);
    bool (*msr_write)(void *opaque, uint32_t msr, uint64_t val);
    /* The fields below are optional (NULL: not provided). */
    /* INIT: the CPU took CPU_INTERRUPT_INIT and did its INIT reset; the
     * APIC does its own (SDM 10.4.7.3: all but ID and base cleared).
     * Returns true when the CPU must then wait, halted, for a start-up IPI
     * (every CPU but the BSP). */
    bool (*init)(void *opaque);
    /* SIPI: the CPU took CPU_INTERRUPT_SIPI. Returns the start-up vector
     * (CS selector vector << 8, base vector << 12, IP 0, running), or -1
     * when the CPU is not waiting for one and must ignore it. */
    int (*sipi)(void *opaque);
    /* Called by exec() on entry: accesses to the shared APIC MMIO page
     * come from this CPU's APIC until the next call (SMP). */
    void (*cpu_enter)(void *opaque);
    /* IA32_TSC_DEADLINE (MSR 0x6e0) was written: expire_ns is the virtual
     * time at which the TSC reaches the value, or -1 for a write of 0. */
    void (*set_tsc_deadline)(void *opaque, int64_t expire_ns);
} X86ApicOps;
void x86_cpu_set_apic(X86CPU *cpu, const X86ApicOps *ops, void *opaque);

/* FERR#: an unmasked x87 error with CR0.NE=0 raises this line (the PC
 * wires it to IRQ13). Optional. The board calls x86_cpu_clear_ferr() when
 * the guest writes port 0xF0, which also lowers the line. */
struct IrqLine;
void x86_cpu_set_ferr_irq(X86CPU *cpu, struct IrqLine *irq);
void x86_cpu_clear_ferr(X86CPU *cpu);

#endif
