/* SPDX-License-Identifier: MIT */
/*
 * The ISA bus: the machine's 16 IRQ lines and port registration.
 *
 * The board creates an IsaBus, points irqs[] at the interrupt controller
 * inputs (IRQ 0-15: PIC pair and IOAPIC on a PC) and installs it with
 * isa_bus_set(). ISA devices then take IRQ lines and map their port ranges
 * into the x86 I/O address space through these helpers (cf. QEMU's
 * hw/isa/isa-bus.c: isa_get_irq, isa_register_ioport).
 */
#include "kemu/isa.h"
#include "kemu/error.h"

static IsaBus *isa_bus;

IsaBus *isa_bus_get(void)
{
    return isa_bus;
}

void isa_bus_set(IsaBus *bus)
{
    isa_bus = bus;
}

IrqLine *isa_get_irq(int n)
{
    if (n < 0 || n >= (int)ARRAY_SIZE(isa_bus->irqs)) {
        warn_report("ISA IRQ %d out of range (0-15): left unconnected", n);
        return NULL;
    }
    if (!isa_bus)
        return NULL;
    return isa_bus->irqs[n];
}

void isa_register_ioport(MemRegion *mr, uint16_t base)
{
    mr_add_subregion(&mr_system_io, base, mr);
}
