/* SPDX-License-Identifier: MIT */
/*
 * The HPET ("hpet"): the board's interface.
 *
 * One event timer block at 0xfed00000 with three 64-bit comparators on a
 * 100 MHz counter (as QEMU). Output pin n (0-23) is GSI n: the board
 * connects it to the 8259 input n (n < 16) and the IOAPIC input n. With
 * LegacyReplacement routing on, timer 0 drives output 0 and timer 1
 * output 8, and the PIT and RTC interrupts stop reaching them: so the
 * board routes the PIT's OUT0 to input HPET_IN_PIT and the RTC's IRQ to
 * input HPET_IN_RTC, and the HPET passes them on to outputs 0 and 8 while
 * LegacyReplacement routing is off.
 */
#ifndef KEMU_HW_HPET_H
#define KEMU_HW_HPET_H

#include "kemu/device.h"
#include "kemu/irq.h"

#define TYPE_HPET "hpet"
#define HPET_DEFAULT_ADDRESS 0xfed00000ULL
#define HPET_NUM_ROUTES 24

/* Input pins */
#define HPET_IN_PIT 0 /* the 8254's OUT0 (ISA IRQ 0) */
#define HPET_IN_RTC 1 /* the RTC's IRQ (ISA IRQ 8) */

/* Create, realize and map the HPET; gsi[0..23] are the lines its outputs
 * drive (NULL entries stay unconnected). */
Device *hpet_create(IrqLine **gsi);

#endif
