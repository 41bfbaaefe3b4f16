/* SPDX-License-Identifier: MIT */
/*
 * IDE: the PIIX3 IDE function and its ATA disks and ATAPI CD-ROMs.
 *
 * The PIIX3 IDE controller is PCI function 00:01.1 on the pc machine
 * (8086:7010). It drives two channels ("buses") at the legacy ports
 * 0x1f0/0x3f6 (ISA IRQ 14) and 0x170/0x376 (ISA IRQ 15), each with two
 * drives (unit 0 master, 1 slave), and bus-master DMA through BAR4.
 *
 * The board creates the function and attaches drives:
 *
 *     PCIDevice *ide = piix3_ide_init(pci_bus, PCI_DEVFN(1, 1));
 *     ide_drive_attach(ide, 0, 0, blk_hda, false, &err);   -hda
 *     ide_drive_attach(ide, 1, 0, blk_cd, true, &err);     -cdrom
 *
 * Drives can also be created with -device ide-hd / ide-cd, bus=ide.N,
 * unit=U and a backend (see docs/storage.md). A CD-ROM drive may start
 * empty (blk_new_empty(true)); media changes reach it through the block
 * layer's BlockDevOps.
 */
#ifndef KEMU_HW_IDE_H
#define KEMU_HW_IDE_H

#include "kemu/block.h"
#include "kemu/hw/pci.h"

#define TYPE_PIIX3_IDE "piix3-ide"
#define TYPE_IDE_HD "ide-hd"
#define TYPE_IDE_CD "ide-cd"

#define PCI_DEVICE_ID_INTEL_82371SB_1 0x7010

typedef struct IDEBus IDEBus;

/* Create and realize the PIIX3 IDE function at devfn, or exit(1). */
PCIDevice *piix3_ide_init(PCIBus *bus, int devfn);

/* Attach a drive to channel bus (0-1), unit (0 master, 1 slave) of a
 * PIIX3 IDE function. cdrom selects an ATAPI CD-ROM, else an ATA disk.
 * The drive takes the BlockBackend (it is not closed while the drive
 * exists). Fails if the slot is taken or a disk has no medium. */
bool ide_drive_attach(PCIDevice *ide, int bus, int unit, BlockBackend *blk, bool cdrom,
                      Error **errp);

/* The default (BIOS) CHS geometry of the disk at bus/unit, for the CMOS
 * (QEMU's pc_cmos_init_late). false when there is no ATA disk there. */
bool ide_drive_get_geometry(PCIDevice *ide, int bus, int unit, int *cyls, int *heads,
                            int *secs);
/* The BIOS translation of that disk as CMOS 0x39 encodes it (0 none,
 * 1 LBA, 2 LARGE; QEMU's hd_geometry_guess), or -1 without an ATA disk. */
int ide_drive_get_translation(PCIDevice *ide, int bus, int unit);

/* The channel "ide.0", "ide.1", ... (numbered over all IDE functions in
 * creation order), or NULL. */
IDEBus *ide_bus_find(const char *name);
/* Attach to a channel found by name (what -device ide-hd,bus= uses). */
bool ide_bus_attach(IDEBus *bus, int unit, BlockBackend *blk, bool cdrom, Error **errp);

#endif
