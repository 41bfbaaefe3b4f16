/* SPDX-License-Identifier: MIT */
/*
 * The pc board's storage: the PIIX3 IDE function, the ISA DMA pair, the
 * floppy controller, and the command line's drives attached to them.
 *
 * As QEMU's pc: the IDE function at 00:01.1 with two channels (-drive
 * if=ide index 0-3 = ide0 master, ide0 slave, ide1 master, ide1 slave;
 * -hda..-hdd, -cdrom at index 2), the 8237 pair and "isa-fdc" always, even
 * without floppies (-fda/-fdb = if=floppy index 0/1). Unless -nodefaults
 * (or a -device ide-cd/ide-hd/floppy), QEMU's default drives are added:
 * an empty CD-ROM at index 2 and an empty floppy drive A:, which SeaBIOS
 * lists ("DVD/CD", "Floppy") and which a later "change" could fill. The
 * CMOS bytes for these drives are filled at the first reset
 * (pc_cmos_init_late()), after -device drives exist too. Reference:
 * QEMU's hw/i386/pc_piix.c pc_init1() (IDE, pc_basic_device_init,
 * pc_superio_init) and softmmu/vl.c (default drives).
 */
#include "kemu/drive.h"
#include "kemu/hw/fdc.h"
#include "kemu/hw/ide.h"
#include "kemu/hw/isa_dma.h"
#include "kemu/hw/pc.h"

#define PC_IDE_BUSES 2
#define PC_IDE_UNITS 2

/* A start-up error in the board: QEMU prints these without a location. */
static KEMU_NORETURN void pc_drives_fail(Error *err)
{
    error_report_err(err);
    exit(1);
}

static void pc_attach_ide(PCIDevice *ide)
{
    for (int bus = 0; bus < PC_IDE_BUSES; bus++) {
        for (int unit = 0; unit < PC_IDE_UNITS; unit++) {
            DriveInfo *d = drive_get(IF_IDE, bus, unit);
            Error *err = NULL;

            if (!d)
                continue;
            /* An ATA disk must be writable (QEMU's ide-hd refuses). */
            if (!d->cdrom && blk_is_inserted(d->blk) && blk_is_read_only(d->blk)) {
                error_setg(&err, "Block node is read-only");
                pc_drives_fail(err);
            }
            if (!ide_drive_attach(ide, bus, unit, d->blk, d->cdrom, &err))
                pc_drives_fail(err);
            drive_mark_claimed(d);
        }
    }
}

static void pc_attach_floppies(Device *fdc)
{
    for (int unit = 0; unit < FDC_MAX_DRIVES; unit++) {
        DriveInfo *d = drive_get(IF_FLOPPY, 0, unit);
        Error *err = NULL;

        if (!d)
            continue;
        if (!fdc_drive_attach(fdc, unit, d->blk, &err))
            pc_drives_fail(err);
        drive_mark_claimed(d);
    }
}

void pc_drives_init(PCMachineState *pcms)
{
    PCIDevice *ide;
    Device *fdc;

    isa_dma_init();
    ide = piix3_ide_init(pcms->pci_bus, PCI_DEVFN(1, 1));
    fdc = fdc_init();
    if (!pcms->ms->nodefaults) {
        drive_add_default(IF_IDE, 2, true);
        drive_add_default(IF_FLOPPY, 0, false);
    }
    pc_attach_ide(ide);
    pc_attach_floppies(fdc);
}
