/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC ("ioapic"): the board's interface.
 *
 * One 82093AA-style IOAPIC with 24 redirection entries, its registers at
 * 0xfec00000, delivering to the local APICs over the APIC bus (apic.h).
 * Its 24 input pins are GSIs 0-23; as in QEMU, input 0 (ISA IRQ 0, the
 * PIT or the HPET in legacy mode) is redirected through entry 2, which is
 * what the MP table and the ACPI MADT interrupt source override say. The
 * board connects ISA IRQ n to input n (0-15) and PCI INTx to 16-23.
 */
#ifndef KEMU_HW_IOAPIC_H
#define KEMU_HW_IOAPIC_H

#include "kemu/device.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_DEFAULT_ADDRESS 0xfec00000ULL
#define IOAPIC_NUM_PINS 24

/* Create, realize and map the IOAPIC at 0xfec00000. Input pin n is
 * device_gpio_in(dev, n). */
Device *ioapic_create(void);

#endif
