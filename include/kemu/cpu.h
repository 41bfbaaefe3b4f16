/* SPDX-License-Identifier: MIT */
/*
 * The architecture-neutral face of a virtual CPU, as the main loop sees it.
 *
 * Each architecture embeds CPUState as the first member of its own state
 * and fills in CPUOps. The main loop calls exec() with an instruction
 * budget that ends at the next timer deadline; exec() returns early when
 * the CPU halts, when exit_request is set (a device raised an interrupt,
 * a shutdown was requested) or when the budget is spent.
 */
#ifndef KEMU_CPU_H
#define KEMU_CPU_H

#include "kemu/types.h"

typedef struct CPUState CPUState;

/* interrupt_request bits */
enum {
    CPU_INTERRUPT_HARD = 1u << 0,   /* maskable external interrupt (INTR pin) */
    CPU_INTERRUPT_NMI = 1u << 1,
    CPU_INTERRUPT_SMI = 1u << 2,
    CPU_INTERRUPT_INIT = 1u << 3,
    CPU_INTERRUPT_SIPI = 1u << 4,
    CPU_INTERRUPT_POLL = 1u << 5,   /* ask the local APIC to re-evaluate */
    CPU_INTERRUPT_TPR = 1u << 6,
};

typedef struct CPUOps {
    /* Run at most budget instructions; return the number retired. */
    int64_t (*exec)(CPUState *cpu, int64_t budget);
    void (*reset)(CPUState *cpu);
    /* Print the register state (for -d cpu and the monitor's info registers). */
    void (*dump_state)(CPUState *cpu, FILE *out);
    /* Optional: may a halted CPU run (an interrupt it would take is
     * pending)? NULL: any HARD/NMI/SMI/INIT/SIPI request wakes it. The
     * main loop calls exec() on a halted CPU only when this is true; exec()
     * then clears halted as it takes the interrupt. */
    bool (*has_work)(CPUState *cpu);
    /* Optional, for the monitor and debuggers (NULL: not provided). */
    /* The physical address that virtual (linear) address addr maps to
     * under the CPU's current MMU settings, with no side effects (no
     * faults, no accessed/dirty bits); -1 when it is not mapped. */
    hwaddr (*debug_translate)(CPUState *cpu, uint64_t addr);
    /* A register's value by its lower-case name ("eax", "rip", "cs",
     * "eflags", "pc" = code segment base + instruction pointer, ...);
     * false when the architecture has no such register. */
    bool (*get_register)(CPUState *cpu, const char *name, uint64_t *val);
    /* Width in bits of the code being run (16, 32 or 64), for the
     * monitor's disassembly ("x /i"). */
    int (*code_bits)(CPUState *cpu);
} CPUOps;

struct CPUState {
    const CPUOps *ops;
    int index;                       /* 0-based CPU number */
    bool halted;                     /* HLT or waiting for SIPI */
    bool stopped;                    /* not runnable at all (e.g. -S) */
    volatile int exit_request;       /* end the current slice early */
    volatile uint32_t interrupt_request;
    CPUState *next;
};

/* All CPUs of the machine, in index order. */
extern CPUState *first_cpu;
void cpu_register(CPUState *cpu);

/* Raise/lower pending interrupt bits; raising wakes a halted CPU when the
 * architecture says the interrupt can wake it and ends its slice. */
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
/* Ask the CPU to leave exec() at the next instruction boundary. */
static inline void cpu_exit(CPUState *cpu) { cpu->exit_request = 1; }
/* Ask every CPU to leave exec(). */
void cpu_exit_all(void);
/* A halted CPU with a wake-up interrupt pending (see CPUOps.has_work). */
bool cpu_has_work(CPUState *cpu);
/* Not stopped, and either not halted or halted with work. */
bool cpu_runnable(CPUState *cpu);

#endif
