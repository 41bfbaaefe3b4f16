/* SPDX-License-Identifier: MIT */
/*
 * The PC's PCI chipset: the i440FX host bridge (82441FX PMC, "i440FX",
 * 00.0) and the PIIX3 PCI-to-ISA bridge function ("PIIX3", 01.0).
 *
 * i440fx_init() creates the PCI bus (memory BARs in pci_mem, I/O BARs in
 * the x86 port space, DMA to as_memory), configuration mechanism #1 at
 * 0xcf8/0xcfc and the host bridge with its memory controls over ram (the
 * machine's whole RAM, whose offset equals the physical address below
 * 4 GiB): PAM0-6 steering 0xc0000-0xfffff to RAM or to the PCI side, and
 * the SMRAM register opening the 0xa0000-0xbffff window onto RAM.
 * piix3_init() adds the ISA bridge, which routes PIRQA-D to ISA IRQs
 * through PIRQRC[A:D] (0x60-0x63) and owns the reset control register at
 * port 0xcf9.
 *
 * References: Intel 440FX PCIset datasheet (82441FX PMC, 82442FX DBX),
 * order 290549, section 3 (PAM 0x59-0x5f, SMRAM 0x72); Intel 82371FB/SB
 * (PIIX/PIIX3) datasheet, order 290550, sections 2.2 (PIRQRC) and 4.1.4
 * (RC).
 */
#ifndef KEMU_HW_I440FX_H
#define KEMU_HW_I440FX_H

#include "kemu/hw/pci.h"

#define TYPE_I440FX "i440FX"
#define TYPE_PIIX3 "PIIX3"

#define PCI_DEVICE_ID_INTEL_82441 0x1237     /* i440FX host bridge */
#define PCI_DEVICE_ID_INTEL_82371SB_0 0x7000 /* PIIX3 ISA bridge */

/* i440FX configuration registers */
#define I440FX_COREBOOT_RAM_SIZE 0x57 /* RAM size in 8 MiB units, max 255 (QEMU) */
#define I440FX_PAM0 0x59               /* PAM0..PAM6: 0x59-0x5f */
#define I440FX_PAM_COUNT 7
#define I440FX_SMRAM 0x72
#define PAM_RE 0x1 /* read enable: reads go to RAM */
#define PAM_WE 0x2 /* write enable: writes go to RAM */
#define SMRAM_C_BASE_SEG 0x07 /* read-only 010: SMRAM at 0xa0000 */
#define SMRAM_G_SMRAME 0x08
#define SMRAM_D_LCK 0x10
#define SMRAM_D_CLS 0x20
#define SMRAM_D_OPEN 0x40

/* PIIX3 function 0 registers */
#define PIIX3_PIRQRC 0x60 /* PIRQRC[A:D]: 0x60-0x63; bit 7 = routing disabled */
#define PIIX3_PIRQRC_DISABLE 0x80
#define PIIX3_RCR_PORT 0xcf9
#define PIIX3_RCR_SRST 0x02 /* system (hard) reset on the next RCPU */
#define PIIX3_RCR_RCPU 0x04 /* reset CPU */

/* Build the bus and host bridge (see above). The bus also becomes
 * pci_bus_get(). ram_size is what the host bridge reports in 0x57. */
PCIBus *i440fx_init(MemRegion *ram, MemRegion *pci_mem, uint64_t ram_size);
/* Add the PIIX3 at 01.0 and connect the bus's PIRQ lines to it. */
PCIDevice *piix3_init(PCIBus *bus);

#endif
