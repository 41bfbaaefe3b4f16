/* SPDX-License-Identifier: MIT */
/*
 * Boot devices chosen with bootindex=: the firmware's "bootorder" list.
 *
 * A device created with bootindex=N (-device ide-hd,...,bootindex=1)
 * registers its Open Firmware device path, e.g.
 * "/pci@i0cf8/ide@1,1/drive@1/disk@0" for the master of the secondary
 * IDE channel of the PIIX3 function 00:01.1. The board hands the paths,
 * sorted by bootindex, to SeaBIOS as the fw_cfg file "bootorder" (one per
 * line, NUL-terminated, as QEMU's get_boot_devices_list()). SeaBIOS boots
 * the listed devices first, then the rest in the CMOS order (-boot).
 * Reference: QEMU manual, "-device ... bootindex" (docs/system/bootindex.rst);
 * SeaBIOS src/boot.c (bootorder file).
 */
#ifndef KEMU_BOOTDEVICE_H
#define KEMU_BOOTDEVICE_H

#include "kemu/error.h"

/* Register a device path at bootindex (>= 0). Fails with QEMU's "The
 * bootindex N has already been used" when the index is taken. */
bool bootdevice_add(int bootindex, const char *path, Error **errp);
/* The "bootorder" file: the paths by ascending bootindex, each ended by
 * '\n' except the last, plus a NUL; NULL with *len = 0 when no device has
 * a bootindex. malloc'd. */
char *bootdevice_list(size_t *len);
/* Forget every registration (tests). */
void bootdevice_reset(void);

#endif
