/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device (fw_cfg): the board's interface.
 *
 * Firmware (SeaBIOS, OVMF, Linux's qemu_fw_cfg driver) reads numbered
 * items and named files from it: a 16-bit selector port, an 8-bit data
 * port and a DMA interface taking the guest address of a big-endian
 * FWCfgDmaAccess {control, length, address}. On a PC the ports are 0x510
 * (selector), 0x511 (data) and 0x514-0x51b (DMA address, big-endian, the
 * write of the low half at 0x518 starts the transfer).
 *
 * Items are little-endian unless stated; the file directory (key 0x19) is
 * big-endian: a count, then {size, select, reserved, name[56]} sorted by
 * name, file n having selector 0x20 + n. Adding a file renumbers the files
 * after it, as in QEMU: nobody should keep a file's selector.
 *
 * Reference: QEMU docs/specs/fw_cfg.rst (QEMU Firmware Configuration
 * Device); the keys are those of QEMU's standard-headers/linux/qemu_fw_cfg.h.
 */
#ifndef KEMU_HW_FW_CFG_H
#define KEMU_HW_FW_CFG_H

#include "kemu/memory.h"
#include "kemu/types.h"

#define TYPE_FW_CFG_IO "fw_cfg_io"

/* Ports on a PC */
#define FW_CFG_IO_BASE 0x510
#define FW_CFG_DMA_IO_BASE 0x514

/* Selector keys */
#define FW_CFG_SIGNATURE 0x00      /* "QEMU" */
#define FW_CFG_ID 0x01             /* u32 feature bits */
#define FW_CFG_UUID 0x02           /* 16 bytes */
#define FW_CFG_RAM_SIZE 0x03       /* u64 */
#define FW_CFG_NOGRAPHIC 0x04      /* u16 */
#define FW_CFG_NB_CPUS 0x05        /* u16 */
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d           /* u64 array */
#define FW_CFG_BOOT_MENU 0x0e      /* u16 */
#define FW_CFG_MAX_CPUS 0x0f       /* u16 */
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_FILE_SLOTS 0x200    /* files kemu can hold */
#define FW_CFG_MAX_ENTRY (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_WRITE_CHANNEL 0x4000 /* legacy; writes go through DMA only */
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ENTRY_MASK ((uint16_t)~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID 0xffff

/* x86 architecture-local keys */
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET (FW_CFG_ARCH_LOCAL + 4)

/* FW_CFG_ID bits */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* FWCfgDmaAccess.control bits */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL /* "QEMU CFG" */

#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_FILE_ENTRY_SIZE 64  /* one directory entry */

typedef struct FWCfgState FWCfgState;
/* Called when the item is selected (e.g. to build it lazily). */
typedef void FWCfgCallback(void *opaque);
/* Called after the guest wrote len bytes at offset of a writable file. */
typedef void FWCfgWriteCallback(void *opaque, uint32_t offset, uint32_t len);

/* Create and realize the device with its ports at iobase (selector, data)
 * and dma_iobase (0: no DMA interface); DMA reaches dma_as. The device
 * also becomes fw_cfg_find(). */
FWCfgState *fw_cfg_init_io_dma(uint16_t iobase, uint16_t dma_iobase, AddressSpace *dma_as);
/* The machine's fw_cfg device, or NULL. */
FWCfgState *fw_cfg_find(void);

/* Numbered items. The data is copied; adding a key twice is a bug (use
 * fw_cfg_modify_*). Integers are stored little-endian. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value); /* with its NUL */
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value);

/* Named files (at most FW_CFG_MAX_FILE_PATH - 1 characters). The data is
 * copied; adding a name twice is a bug (check with fw_cfg_has_file()). */
void fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len);
/* A file whose buffer stays owned by the caller (not copied, not freed):
 * the caller may change it in select_cb; the guest may overwrite it
 * through DMA unless read_only, and write_cb then says where. */
void fw_cfg_add_file_callback(FWCfgState *s, const char *name, FWCfgCallback *select_cb,
                              FWCfgWriteCallback *write_cb, void *opaque, void *data, size_t len,
                              bool read_only);
/* Replace a file's contents (copied), adding it if absent. */
void fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data, size_t len);
bool fw_cfg_has_file(FWCfgState *s, const char *name);
/* A file's current contents and size (NULL if absent). */
const uint8_t *fw_cfg_file_data(FWCfgState *s, const char *name, size_t *len);

#endif
