/* SPDX-License-Identifier: MIT */
/*
 * Intel 8259A programmable interrupt controller: the board's interface.
 *
 * One "isa-i8259" device models one chip (properties iobase, elcr_addr,
 * elcr_mask, master). A PC has two: the master at 0x20 (ELCR 0x4d0) whose
 * INT pin drives the CPU, and the slave at 0xa0 (ELCR 0x4d1) whose INT pin
 * drives the master's IR2. i8259_init_pair() builds that pair; the CPU's
 * interrupt acknowledge goes through i8259_intack() on the master, which
 * runs the INTA cycle on both chips over the cascade as the hardware does.
 */
#ifndef KEMU_HW_I8259_H
#define KEMU_HW_I8259_H

#include "kemu/device.h"
#include "kemu/irq.h"

#define TYPE_I8259 "isa-i8259"

/*
 * Create and realize the PC's master/slave pair. The master's INT output
 * drives cpu_intr. Returns the 16 ISA interrupt inputs (0-7 on the master,
 * 8-15 on the slave; entry 2 is the master's IR2, which also carries the
 * slave). *master (if not NULL) receives the master device for
 * i8259_intack().
 */
IrqLine **i8259_init_pair(IrqLine *cpu_intr, Device **master);

/*
 * The INTA cycle: acknowledge the highest-priority request on the master
 * (and on the slave when the master's request comes from a cascade input)
 * and return the 8-bit vector. With nothing pending the chip answers the
 * spurious IR7 vector (base + 7) without setting an ISR bit.
 */
int i8259_intack(Device *master);
/* i8259_intack() in the X86IntrAckFn shape: opaque is the master Device. */
int i8259_intack_fn(void *opaque);

/* Current level of a chip's INT output (for the local APIC's ExtINT path). */
bool i8259_get_output(Device *pic);

#endif
