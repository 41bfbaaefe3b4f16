/* SPDX-License-Identifier: MIT */
/*
 * The ISA bus: port I/O and the 16 ISA interrupt lines.
 *
 * The board creates the bus and connects its IRQ lines to the interrupt
 * controllers (the PIC pair and the IOAPIC on a PC). ISA devices register
 * their port regions in the I/O address space and take IRQ lines from here.
 */
#ifndef KEMU_ISA_H
#define KEMU_ISA_H

#include "kemu/irq.h"
#include "kemu/memory.h"

typedef struct IsaBus {
    IrqLine *irqs[16];   /* board-provided sinks for IRQ 0..15 */
} IsaBus;

/* The machine's ISA bus (NULL on a machine without one). */
IsaBus *isa_bus_get(void);
void isa_bus_set(IsaBus *bus);
/* The line for ISA IRQ n, or NULL (logged) when n is out of range. */
IrqLine *isa_get_irq(int n);
/* Map mr at port base in the I/O space. */
void isa_register_ioport(MemRegion *mr, uint16_t base);

#endif
