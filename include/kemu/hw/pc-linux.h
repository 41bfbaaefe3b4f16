/* SPDX-License-Identifier: MIT */
/*
 * Direct kernel boot on the PC: -kernel, -initrd, -append.
 *
 * The board calls pc_linux_setup() once fw_cfg exists when -kernel is
 * given. A Linux bzImage (boot protocol 2.02 or later) or a multiboot v1
 * kernel is prepared in kemu and handed to the guest through the fw_cfg
 * kernel/initrd/command line/setup items, with a boot option ROM
 * ("genroms/kemu-linuxboot.bin" or "genroms/kemu-multiboot.bin", from
 * pc-bios/) listed first in "bootorder" so that SeaBIOS boots it. See
 * docs/linux.md.
 */
#ifndef KEMU_HW_PC_LINUX_H
#define KEMU_HW_PC_LINUX_H

#include "kemu/error.h"
#include "kemu/hw/fw_cfg.h"
#include "kemu/machine.h"

/* Guest RAM at the top of the low 4 GiB kept free for the firmware's
 * ACPI tables and data (QEMU's acpi_data_size for the pc machine). */
#define PC_LINUX_ACPI_DATA_SIZE (0x20000 + 0x8000)

/* Load ms->kernel, ms->initrd, ms->append into fw_cfg for a guest whose
 * RAM below 4 GiB is below_4g bytes. False with errp set on error. */
bool pc_linux_load(MachineState *ms, FWCfgState *fw, uint64_t below_4g, Error **errp);

/* The board's entry point: pc_linux_load() for the running PC machine
 * (nothing without -kernel); prints the error and exits on failure. */
void pc_linux_setup(MachineState *ms, FWCfgState *fw);

/* Read a whole file (at most 4 GiB - 1). Returns a malloc'd buffer. */
uint8_t *pc_linux_read_file(const char *path, size_t *size, Error **errp);

/* Register a boot ROM from the firmware path as fw_cfg "genroms/<name>"
 * and put it first in "bootorder". */
bool pc_linux_add_boot_rom(FWCfgState *fw, const char *name, Error **errp);

/* Multiboot v1 (hw/pc/multiboot.c). Returns 1 if image (the kernel file's
 * contents) has a multiboot header and was loaded, 0 if it has none, -1
 * with errp set when it has one but cannot be loaded. initrd is the
 * module list "file args,file args" (",," for a comma), may be NULL. */
int multiboot_load(FWCfgState *fw, const char *kernel_path, const uint8_t *image, size_t size,
                   const char *initrd, const char *cmdline, uint64_t below_4g, Error **errp);

#endif
