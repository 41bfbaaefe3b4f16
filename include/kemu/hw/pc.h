/* SPDX-License-Identifier: MIT */
/*
 * The "pc" machine (i440FX + PIIX3): what other subsystems may reach.
 *
 * hw/pc/ builds QEMU's Standard PC (i440FX + PIIX, 1996): RAM split at
 * 0xe0000000 (or 3 GiB when the RAM does not fit below 3.5 GiB, QEMU's
 * gigabyte alignment) with the rest above 4 GiB, the PCI memory space in
 * the holes, the BIOS at the top of 4 GiB and its last 128 KiB behind the
 * PAM registers at 0xe0000, the PIC pair, IOAPIC and local APICs, PIT,
 * RTC/CMOS, i8042, serial ports, fw_cfg, HPET and the PIIX4 ACPI function
 * when they are built. Devices added later (VGA, IDE, NICs, ACPI tables)
 * attach through the hooks here: the PCI bus (pci_bus_get()), the GSI
 * lines, fw_cfg files and the e820 table.
 */
#ifndef KEMU_HW_PC_H
#define KEMU_HW_PC_H

#include "kemu/hw/fw_cfg.h"
#include "kemu/hw/pci.h"
#include "kemu/isa.h"
#include "kemu/machine.h"

#define PC_MACHINE_NAME "pc-i440fx-7.2"
#define PC_GSI_COUNT 24          /* IOAPIC inputs */
#define PC_MAX_CPUS 255
#define PC_LOWMEM_DEFAULT 0xe0000000ULL  /* max RAM below 4 GiB (3.5 GiB) */
#define PC_LOWMEM_GB_ALIGNED 0xc0000000ULL
#define PC_ISA_BIOS_MAX (128 * KiB)
#define PC_ROM_BASE 0xc0000      /* option ROM area */
#define PC_ROM_SIZE 0x20000

/* e820 entry types (ACPI 6.4 table 15.312) */
enum {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3,
    E820_NVS = 4,
    E820_UNUSABLE = 5,
};
#define PC_E820_MAX 32

typedef struct PCE820Entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} PCE820Entry;

typedef struct PCMachineState {
    MachineState *ms;
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    /* Memory */
    MemRegion ram;            /* "pc.ram": all of the RAM */
    MemRegion ram_below_4g;   /* alias at 0 */
    MemRegion ram_above_4g;   /* alias at 4 GiB */
    MemRegion pci_mem;        /* "pci": the PCI memory space */
    MemRegion pci_hole;       /* alias of pci_mem below 4 GiB */
    MemRegion pci_hole64;     /* alias of pci_mem above the RAM */
    MemRegion bios;           /* "pc.bios" at 4 GiB - size (in pci_mem) */
    MemRegion isa_bios;       /* its last 128 KiB at 0xe0000 (in pci_mem) */
    MemRegion option_rom;     /* "pc.rom" at 0xc0000 (in pci_mem) */
    /* Buses and interrupts */
    PCIBus *pci_bus;
    IsaBus isa_bus;
    IrqLine **gsi;            /* GSI 0-23: 8259 inputs 0-15 and IOAPIC 0-23 */
    IrqLine **pic_in;         /* the 8259 pair's 16 inputs */
    IrqLine *ioapic_in[PC_GSI_COUNT];
    IrqLine *a20;             /* A20 gate sink (port 0x92, i8042) */
    /* Devices */
    Device *pic_master;
    Device *rtc;
    Device *hpet;
    FWCfgState *fw_cfg;
    void **cpus;              /* X86CPU *, smp_cpus of them */
    int nr_cpus;
    /* Firmware tables */
    PCE820Entry e820[PC_E820_MAX];
    int nr_e820;
    int boot_resets;          /* resets seen, for -boot once= */
} PCMachineState;

/* The running PC machine, or NULL on another board. */
PCMachineState *pc_machine(void);

/* GSI n (0-23): what a device's interrupt pin connects to. */
IrqLine *pc_gsi(int n);

/* Add an entry to "etc/e820" (e.g. reserved firmware areas). */
void pc_e820_add(PCMachineState *pcms, uint64_t addr, uint64_t len, uint32_t type);

/* Board internals shared by the hw/pc/ files. */
void pc_memory_init(PCMachineState *pcms);
void pc_e820_publish(PCMachineState *pcms); /* (re)write "etc/e820" */
void pc_cmos_init(PCMachineState *pcms);
void pc_cmos_init_late(PCMachineState *pcms); /* drive bytes, once devices exist */
void pc_cmos_set_boot_order(PCMachineState *pcms, const char *order);
void pc_fw_cfg_init(PCMachineState *pcms);
void pc_fw_cfg_bootorder(PCMachineState *pcms); /* bootindex= devices, once they exist */
/* IDE, ISA DMA, floppy controller and the command line's drives. */
void pc_drives_init(PCMachineState *pcms);
/* ACPI tables (only with the PIIX4 PM function) and SMBIOS, into fw_cfg. */
void pc_firmware_tables_init(PCMachineState *pcms, bool have_pm);

#endif
