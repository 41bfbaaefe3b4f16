/* SPDX-License-Identifier: MIT */
/*
 * SMBIOS tables for the PC, handed to the firmware through fw_cfg.
 *
 * As QEMU does, kemu builds the structure table ("etc/smbios/smbios-tables")
 * and an entry point template ("etc/smbios/smbios-anchor": a 31-byte SMBIOS
 * 2.1 "_SM_" entry point announcing version 2.8, or a 24-byte 3.0 "_SM3_"
 * one). The firmware copies the table into memory, fills in its address
 * and recomputes the checksums; SeaBIOS adds its own type 0 (BIOS
 * information) when the table has none, which is QEMU's default.
 *
 * Structures: 0 BIOS (only if bios_vendor is set), 1 system, 3 chassis,
 * 4 processor (one per socket), 16 physical memory array, 17 memory device
 * (one per 16 GiB "DIMM"), 19 memory array mapped address (one per RAM
 * range), 32 system boot, 127 end of table.
 *
 * Reference: DMTF DSP0134 SMBIOS Reference Specification 3.0.0, sections
 * 5.2 (entry points), 6.1 (structure layout) and 7 (the types).
 */
#ifndef KEMU_HW_SMBIOS_H
#define KEMU_HW_SMBIOS_H

#include "kemu/types.h"

#define SMBIOS_TABLES_FILE "etc/smbios/smbios-tables"
#define SMBIOS_ANCHOR_FILE "etc/smbios/smbios-anchor"
#define SMBIOS_21_EP_SIZE 31
#define SMBIOS_30_EP_SIZE 24

typedef struct SmbiosConfig {
    const char *manufacturer;      /* types 1, 3, 4, 17: "kemu" */
    const char *product;           /* type 1: "Standard PC (i440FX + PIIX, 1996)" */
    const char *version;           /* types 1, 3, 4: the machine type name */
    bool has_uuid;
    uint8_t uuid[16];              /* RFC 4122 (big-endian) byte order */
    const char *bios_vendor;       /* type 0 only when set */
    const char *bios_version;
    const char *bios_date;         /* "mm/dd/yyyy" */
    int sockets, cores, threads;   /* cores per socket, threads per core */
    uint32_t cpuid_signature;      /* CPUID.1:EAX */
    uint32_t cpuid_features;       /* CPUID.1:EDX */
    uint16_t cpu_speed_mhz;        /* type 4 max and current speed */
    uint64_t ram_below_4g;         /* RAM at 0 */
    uint64_t ram_above_4g;         /* RAM at 4 GiB */
    bool smbios3;                  /* 3.0 entry point instead of 2.1 */
} SmbiosConfig;

typedef struct SmbiosTables {
    uint8_t *tables;
    size_t tables_len;
    uint8_t anchor[SMBIOS_21_EP_SIZE];
    size_t anchor_len;
    int nr_structures;
    size_t max_structure_size;
} SmbiosTables;

/* The PC's defaults (QEMU's, with manufacturer "kemu"); the board sets the
 * CPUs, RAM and machine type. */
void smbios_config_defaults(SmbiosConfig *cfg);
void smbios_build(const SmbiosConfig *cfg, SmbiosTables *out);
void smbios_tables_free(SmbiosTables *t);
/* Build and add both files to the machine's fw_cfg. */
void smbios_install(const SmbiosConfig *cfg);

#endif
