/* SPDX-License-Identifier: MIT */
/*
 * The floppy disk controller (Intel 82078, PC-AT mode) and its drives.
 *
 * "isa-fdc" sits at 0x3f0-0x3f5 and 0x3f7 on ISA IRQ 6 and DMA channel 2
 * (it needs the ISA DMA controllers, isa_dma.h, for DMA transfers). It has
 * two drive units; a drive is attached with an image or empty, and the
 * medium's geometry (1.44 MB, 2.88 MB, 720 KB, 1.2 MB, 360 KB, ...) is
 * found from the image size as QEMU does.
 *
 * Board use (QEMU's pc creates the controller even without floppies):
 *
 *     Device *fdc = fdc_init();
 *     fdc_drive_attach(fdc, 0, blk_fda, &err);           -fda
 *     cmos[0x10] = fdc_get_cmos_type(fdc, 0) << 4 | fdc_get_cmos_type(fdc, 1);
 *
 * or from the command line: -device floppy,unit=0,file=IMG (kemu
 * extension until -drive if=none exists).
 */
#ifndef KEMU_HW_FDC_H
#define KEMU_HW_FDC_H

#include "kemu/block.h"
#include "kemu/device.h"

#define TYPE_ISA_FDC "isa-fdc"
#define TYPE_FLOPPY "floppy"

#define FDC_MAX_DRIVES 2

/* Board: create and realize isa-fdc at 0x3f0, IRQ 6, DMA 2 (or exit(1)). */
Device *fdc_init(void);

/* Attach a drive to unit 0 (A:) or 1 (B:). blk may be empty
 * (blk_new_empty(false)) for a drive without a disk; the drive keeps blk
 * and follows its media changes. */
bool fdc_drive_attach(Device *fdc, int unit, BlockBackend *blk, Error **errp);

/* The drive type as the PC's CMOS byte 0x10 encodes it: 0 no drive,
 * 1 360 KB, 2 1.2 MB, 3 720 KB, 4 1.44 MB, 5 2.88 MB. */
int fdc_get_cmos_type(Device *fdc, int unit);

#endif
