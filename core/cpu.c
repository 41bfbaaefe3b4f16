/* SPDX-License-Identifier: MIT */
/*
 * The list of virtual CPUs and their interrupt request bits.
 *
 * Architecture-neutral: the main loop sees CPUs only through CPUState and
 * CPUOps (include/kemu/cpu.h). Raising an interrupt sets the request bit and
 * ends the CPU's current slice, so the CPU notices it at the next
 * instruction boundary (the role of QEMU's cpu_interrupt()).
 */
#include "kemu/cpu.h"

CPUState *first_cpu;

void cpu_register(CPUState *cpu)
{
    CPUState **pp = &first_cpu;

    while (*pp)
        pp = &(*pp)->next;
    cpu->next = NULL;
    *pp = cpu;
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    cpu->interrupt_request |= mask;
    cpu->exit_request = 1;
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    cpu->interrupt_request &= ~mask;
}

void cpu_exit_all(void)
{
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next)
        cpu_exit(cpu);
}

bool cpu_has_work(CPUState *cpu)
{
    if (cpu->ops && cpu->ops->has_work)
        return cpu->ops->has_work(cpu);
    return (cpu->interrupt_request & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI |
                                      CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)) != 0;
}

bool cpu_runnable(CPUState *cpu)
{
    if (cpu->stopped)
        return false;
    return !cpu->halted || cpu_has_work(cpu);
}
