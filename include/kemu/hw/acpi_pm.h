/* SPDX-License-Identifier: MIT */
/*
 * ACPI power management of the PIIX4 ("PIIX4_PM", PCI 8086:7113, function
 * 00:01.3 on a PC): the board's interface.
 *
 * The function decodes the ACPI fixed hardware (PM1a event and control
 * blocks and the PM timer) at the I/O base in config register PMBA (0x40,
 * enabled by PMREGMISC 0x80 bit 0; SeaBIOS puts it at 0x600), the GPE0
 * block at 0xafe0 (as QEMU's FADT says) and the APM control/status ports
 * 0xb2/0xb3 (writes of 0xf1/0xf0 to 0xb2 set/clear SCI_EN). Output 0 is
 * the SCI (the board connects it to ISA IRQ 9 / GSI 9), output 1 the SMI.
 */
#ifndef KEMU_HW_ACPI_PM_H
#define KEMU_HW_ACPI_PM_H

#include "kemu/hw/pci.h"

#define TYPE_PIIX4_PM "PIIX4_PM"
#define ACPI_PM_GPIO_SCI 0
#define ACPI_PM_GPIO_SMI 1
#define PIIX4_GPE0_BASE 0xafe0
#define ACPI_PM_TIMER_FREQUENCY 3579545 /* Hz */

/* Create and realize the PM function at devfn (PCI_DEVFN(1, 3) on a PC);
 * sci and smi may be NULL. */
PCIDevice *piix4_pm_create(PCIBus *bus, int devfn, IrqLine *sci, IrqLine *smi);

/* The power button was pressed (monitor "system_powerdown"): PWRBTN_STS,
 * and an SCI if PWRBTN_EN. */
void acpi_pm_power_button(Device *dev);

#endif
