/* SPDX-License-Identifier: MIT */
/*
 * Intel 8254 programmable interval timer: the board's and port 0x61's
 * interface.
 *
 * "isa-pit" (iobase 0x40) has three counters clocked at 1.193182 MHz.
 * Output pin 0 is OUT0 (ISA IRQ0); input pins 0-2 are GATE0-GATE2 (the
 * PC ties GATE0/GATE1 high and drives GATE2 from port 0x61 bit 0). OUT1
 * and OUT2 have no pins: their level is computed on demand, which is all
 * port 0x61 (bit 5 = OUT2) needs.
 *
 * "isa-pcspk" (port 0x61, hw/timer/pcspk.c) is the PC's system control
 * port B: speaker gate/data, refresh toggle, OUT2 and NMI status.
 */
#ifndef KEMU_HW_I8254_H
#define KEMU_HW_I8254_H

#include "kemu/device.h"

#define TYPE_PIT "isa-pit"
#define TYPE_PCSPK "isa-pcspk"
#define PIT_FREQ 1193182 /* Hz: 14.31818 MHz / 12 */

/* Drive GATE of counter channel (0-2). */
void pit_set_gate(Device *pit, int channel, int level);
int pit_get_gate(Device *pit, int channel);
/* Current level of OUT of counter channel (0-2). */
int pit_get_out(Device *pit, int channel);

#endif
