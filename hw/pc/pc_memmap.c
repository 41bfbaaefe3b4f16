/* SPDX-License-Identifier: MIT */
/*
 * The PC's physical memory map: RAM split, PCI holes and the BIOS.
 *
 *   0 .. below_4g          RAM ("ram-below-4g"); 0xa0000-0xfffff is
 *                          overlaid by the host bridge (SMRAM, PAM)
 *   below_4g .. 4 GiB      PCI memory ("pci-hole"): BARs, IOAPIC, HPET,
 *                          APIC, and the BIOS in its last bytes
 *   4 GiB .. +above_4g     the rest of the RAM ("ram-above-4g")
 *   then up to 2^52        PCI memory again ("pci-hole64"), from the next
 *                          1 GiB boundary
 *
 * The split follows QEMU's pc_piix.c: all RAM below 4 GiB when it is
 * smaller than 0xe0000000 (3.5 GiB); otherwise 3 GiB below and the rest
 * above (QEMU's gigabyte_align). The holes sit at priority -1 so that any
 * device region mapped straight into system memory wins over them.
 *
 * The BIOS image (-bios, default bios-256k.bin; a multiple of 64 KiB, at
 * most 16 MiB) is a ROM ending at 4 GiB, where the CPU's reset vector
 * 0xfffffff0 lands; its last 128 KiB also appear at 0xe0000-0xfffff
 * ("isa-bios") and a 128 KiB "pc.rom" sits at 0xc0000, both in the PCI
 * space, which the PAM registers show or hide. Reference: QEMU's
 * hw/i386/pc.c pc_memory_init() and hw/i386/x86.c x86_bios_rom_init().
 */
#include <errno.h>

#include "kemu/hw/pc.h"

#define PC_BIOS_DEFAULT "bios-256k.bin"
#define PC_BIOS_MAX (16 * MiB)
#define PC_HOLE64_END (1ULL << 52)

static void pc_ram_split(PCMachineState *pcms)
{
    uint64_t ram = pcms->ms->ram_size, lowmem = PC_LOWMEM_DEFAULT;

    if (ram >= lowmem)
        lowmem = PC_LOWMEM_GB_ALIGNED;
    pcms->below_4g_mem_size = ram >= lowmem ? lowmem : ram;
    pcms->above_4g_mem_size = ram >= lowmem ? ram - lowmem : 0;
}

static void pc_ram_init(PCMachineState *pcms)
{
    mr_init_ram(&pcms->ram, "pc.ram", pcms->ms->ram_size);
    mr_init_alias(&pcms->ram_below_4g, "ram-below-4g", &pcms->ram, 0, pcms->below_4g_mem_size);
    mr_add_subregion(&mr_system, 0, &pcms->ram_below_4g);
    pc_e820_add(pcms, 0, pcms->below_4g_mem_size, E820_RAM);
    if (pcms->above_4g_mem_size) {
        mr_init_alias(&pcms->ram_above_4g, "ram-above-4g", &pcms->ram,
                      pcms->below_4g_mem_size, pcms->above_4g_mem_size);
        mr_add_subregion(&mr_system, 4 * GiB, &pcms->ram_above_4g);
        pc_e820_add(pcms, 4 * GiB, pcms->above_4g_mem_size, E820_RAM);
    }
}

static void pc_pci_holes_init(PCMachineState *pcms)
{
    uint64_t lo = pcms->below_4g_mem_size;
    uint64_t hi = ROUND_UP(4 * GiB + pcms->above_4g_mem_size, GiB);

    mr_init_container(&pcms->pci_mem, "pci", UINT64_MAX);
    mr_init_alias(&pcms->pci_hole, "pci-hole", &pcms->pci_mem, lo, 4 * GiB - lo);
    mr_add_subregion_overlap(&mr_system, lo, &pcms->pci_hole, -1);
    mr_init_alias(&pcms->pci_hole64, "pci-hole64", &pcms->pci_mem, hi, PC_HOLE64_END - hi);
    mr_add_subregion_overlap(&mr_system, hi, &pcms->pci_hole64, -1);
}

/* Read the BIOS file into pcms->bios; exit(1) as QEMU does on failure. */
static void pc_bios_load(PCMachineState *pcms, const char *name)
{
    char *path = firmware_find(name);
    FILE *f = path ? fopen(path, "rb") : NULL;
    long size = -1;

    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size <= 0 || size % (64 * KiB) || size > (long)PC_BIOS_MAX ||
        fseek(f, 0, SEEK_SET)) {
        error_report("could not load PC BIOS '%s'", name);
        exit(1);
    }
    mr_init_rom(&pcms->bios, "pc.bios", size);
    if (fread(pcms->bios.ram, 1, size, f) != (size_t)size) {
        error_report("could not load PC BIOS '%s'", name);
        exit(1);
    }
    fclose(f);
    free(path);
}

static void pc_bios_init(PCMachineState *pcms)
{
    const char *name = pcms->ms->bios_name ? pcms->ms->bios_name : PC_BIOS_DEFAULT;
    uint64_t size, isa_size;

    pc_bios_load(pcms, name);
    size = pcms->bios.size;
    isa_size = MIN(size, PC_ISA_BIOS_MAX);
    mr_add_subregion(&pcms->pci_mem, 4 * GiB - size, &pcms->bios);
    mr_init_alias(&pcms->isa_bios, "isa-bios", &pcms->bios, size - isa_size, isa_size);
    mr_set_readonly(&pcms->isa_bios, true);
    mr_add_subregion_overlap(&pcms->pci_mem, 1 * MiB - isa_size, &pcms->isa_bios, 1);
    mr_init_rom(&pcms->option_rom, "pc.rom", PC_ROM_SIZE);
    mr_add_subregion_overlap(&pcms->pci_mem, PC_ROM_BASE, &pcms->option_rom, 1);
}

void pc_memory_init(PCMachineState *pcms)
{
    pc_ram_split(pcms);
    mem_transaction_begin();
    pc_ram_init(pcms);
    pc_pci_holes_init(pcms);
    pc_bios_init(pcms);
    mem_transaction_commit();
}

void pc_e820_publish(PCMachineState *pcms)
{
    uint8_t buf[PC_E820_MAX * 20];

    if (!pcms->fw_cfg)
        return;
    for (int i = 0; i < pcms->nr_e820; i++) {
        stq_le(buf + i * 20, pcms->e820[i].addr);
        stq_le(buf + i * 20 + 8, pcms->e820[i].len);
        stl_le(buf + i * 20 + 16, pcms->e820[i].type);
    }
    fw_cfg_modify_file(pcms->fw_cfg, "etc/e820", buf, pcms->nr_e820 * 20);
}

void pc_e820_add(PCMachineState *pcms, uint64_t addr, uint64_t len, uint32_t type)
{
    PCE820Entry *e;

    if (pcms->nr_e820 >= PC_E820_MAX) {
        warn_report("e820 table full: entry 0x%llx+0x%llx dropped", (unsigned long long)addr,
                    (unsigned long long)len);
        return;
    }
    e = &pcms->e820[pcms->nr_e820++];
    e->addr = addr;
    e->len = len;
    e->type = type;
    pc_e820_publish(pcms);
}
