/* SPDX-License-Identifier: MIT */
/*
 * The PC's ACPI tables and their delivery through fw_cfg.
 *
 * Builds what QEMU builds for pc-i440fx: in "etc/acpi/tables" the FACS
 * (first, 64-byte aligned), the DSDT (pc-dsdt.c), an FADT of revision 1
 * (QEMU keeps the ACPI 1.0 FADT on the PIIX4 machine because Windows 2000
 * requires it; so no reset register), the MADT, the HPET table and the
 * RSDT; in "etc/acpi/rsdp" a revision 0 RSDP pointing at the RSDT; and in
 * "etc/table-loader" the commands by which the firmware allocates both
 * files, relocates the pointers and computes the checksums. SeaBIOS runs
 * them and then uses these tables instead of building its own.
 *
 * The fixed-hardware values (PM I/O base 0x600, GPE0 at 0xafe0, SCI IRQ 9,
 * SMI command port 0xb2 with ACPI enable 0xf1 / disable 0xf0, S5 = SLP_TYP
 * 0) are those of the PIIX4 PM function (hw/acpi/piix4_pm.c) as SeaBIOS
 * programs it.
 *
 * References: ACPI Specification 6.4 chapter 5; QEMU docs/specs/acpi*.rst
 * and the i440FX machine's table set; kemu/hw/acpi.h.
 */
#include "kemu/hw/acpi.h"
#include "kemu/hw/fw_cfg.h"
#include "kemu/log.h"
#include "pc-acpi.h"

#define PC_LAPIC_ADDRESS 0xfee00000u
#define PC_IOAPIC_ADDRESS 0xfec00000u
#define PC_HPET_BLOCK_ID 0x8086a201u  /* QEMU's HPET GCAP_ID[31:0] */
#define PC_PCI_HOLE64_SIZE (2 * GiB)  /* QEMU i440FX pci-hole64-size */
#define PC_RTC_CENTURY 0x32
#define PC_MAX_TABLES 8

/* ISA IRQs that PCI interrupts use, level-triggered active-high (as QEMU) */
static const uint8_t pc_pci_irqs[] = { 5, 9, 10, 11 };

void pc_acpi_config_defaults(PcAcpiConfig *cfg, int nr_cpus, uint64_t below_4g,
                             uint64_t above_4g)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->nr_cpus = nr_cpus;
    cfg->max_cpus = nr_cpus;
    cfg->ram_below_4g = below_4g;
    cfg->ram_above_4g = above_4g;
    cfg->pci_hole64_size = PC_PCI_HOLE64_SIZE;
    cfg->ioapic_addr = PC_IOAPIC_ADDRESS;
    cfg->ioapic_id = 0;
    cfg->hpet = true;
    cfg->hpet_block_id = PC_HPET_BLOCK_ID;
    cfg->pm_io_base = 0x600;
    cfg->sci_irq = 9;
    cfg->gpe0_blk = 0xafe0;
    cfg->gpe0_blk_len = 4;
    cfg->smi_cmd = 0xb2;
    cfg->acpi_enable = 0xf1;
    cfg->acpi_disable = 0xf0;
    cfg->s5_slp_typ = 0;
    cfg->serial[0] = true;
    cfg->i8042 = true;
    cfg->rtc = true;
}

static void pc_fadt_data(const PcAcpiConfig *cfg, AcpiFadtData *f)
{
    memset(f, 0, sizeof(*f));
    f->rev = 1;
    f->int_model = 1;                               /* multiple APIC */
    f->sci_int = cfg->sci_irq;
    f->smi_cmd = cfg->smi_cmd;
    f->acpi_enable_cmd = cfg->smi_cmd ? cfg->acpi_enable : 0;
    f->acpi_disable_cmd = cfg->smi_cmd ? cfg->acpi_disable : 0;
    f->pm1a_evt_blk = cfg->pm_io_base;              /* PM1_STS, PM1_EN */
    f->pm1a_cnt_blk = cfg->pm_io_base + 0x04;
    f->pm_tmr_blk = cfg->pm_io_base + 0x08;
    f->gpe0_blk = cfg->gpe0_blk;
    f->pm1_evt_len = 4;
    f->pm1_cnt_len = 2;
    f->pm_tmr_len = 4;
    f->gpe0_blk_len = cfg->gpe0_blk_len;
    f->plvl2_lat = 0xfff;                           /* C2 not supported */
    f->plvl3_lat = 0xfff;                           /* C3 not supported */
    f->rtc_century = PC_RTC_CENTURY;
    /* fixed-feature power button (PWR_BUTTON clear), no sleep button */
    f->flags = ACPI_FADT_F_WBINVD | ACPI_FADT_F_PROC_C1 | ACPI_FADT_F_SLP_BUTTON |
               ACPI_FADT_F_RTC_S4 | ACPI_FADT_F_USE_PLATFORM_CLOCK;
    if (cfg->max_cpus > 8) /* flat logical destination mode ends at 8 CPUs */
        f->flags |= ACPI_FADT_F_FORCE_APIC_CLUSTER_MODEL;
}

static int pc_madt_overrides(const PcAcpiConfig *cfg, AcpiMadtOverride *ovr)
{
    bool sci_listed = false;
    int n = 0;

    /* the PIT (ISA IRQ 0) is wired to IOAPIC input 2 */
    ovr[n++] = (AcpiMadtOverride){ .source = 0, .gsi = 2, .flags = 0 };
    for (size_t i = 0; i < ARRAY_SIZE(pc_pci_irqs); i++) {
        ovr[n++] = (AcpiMadtOverride){ .source = pc_pci_irqs[i], .gsi = pc_pci_irqs[i],
                                       .flags = MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL };
        sci_listed |= pc_pci_irqs[i] == cfg->sci_irq;
    }
    if (!sci_listed && cfg->sci_irq != 0) {
        ovr[n++] = (AcpiMadtOverride){ .source = cfg->sci_irq, .gsi = cfg->sci_irq,
                                       .flags = MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL };
    }
    return n;
}

static void pc_build_madt(AcpiBuf *tables, BiosLinker *l, const PcAcpiConfig *cfg,
                          const AcpiOem *oem)
{
    AcpiMadtCpu *cpus = XNEW0N(AcpiMadtCpu, MAX(cfg->nr_cpus, 1));
    AcpiMadtOverride ovr[ARRAY_SIZE(pc_pci_irqs) + 2];
    AcpiMadtData m = {
        .lapic_addr = PC_LAPIC_ADDRESS,
        .flags = ACPI_MADT_FLAG_PCAT_COMPAT,
        .cpus = cpus,
        .nr_cpus = cfg->nr_cpus,
        .ioapic_id = cfg->ioapic_id,
        .ioapic_addr = cfg->ioapic_addr,
        .ioapic_gsi_base = 0,
        .overrides = ovr,
        .nmi_lint = 1,
    };

    for (int i = 0; i < cfg->nr_cpus; i++) {
        cpus[i].uid = i;
        cpus[i].apic_id = cfg->apic_ids ? cfg->apic_ids[i] : (uint32_t)i;
        cpus[i].enabled = true;
    }
    m.nr_overrides = pc_madt_overrides(cfg, ovr);
    acpi_build_madt(tables, l, &m, oem);
    free(cpus);
}

void pc_acpi_build_tables(const PcAcpiConfig *cfg, AcpiBuildTables *t)
{
    AcpiOem oem = { cfg->oem_id ? cfg->oem_id : "BOCHS ",
                    cfg->oem_table_id ? cfg->oem_table_id : "BXPC    " };
    BiosLinker *l = bios_linker_new();
    size_t offs[PC_MAX_TABLES], facs, dsdt, rsdt;
    AcpiFadtData fadt;
    int n = 0;

    memset(t, 0, sizeof(*t));
    bios_linker_alloc(l, ACPI_BUILD_TABLE_FILE, &t->tables, 64, false);
    facs = acpi_build_facs(&t->tables);
    dsdt = t->tables.len;
    pc_build_dsdt(&t->tables, l, cfg, &oem);

    offs[n++] = t->tables.len;
    pc_fadt_data(cfg, &fadt);
    acpi_build_fadt(&t->tables, l, &fadt, facs, dsdt, &oem);
    offs[n++] = t->tables.len;
    pc_build_madt(&t->tables, l, cfg, &oem);
    if (cfg->hpet) {
        offs[n++] = t->tables.len;
        acpi_build_hpet(&t->tables, l, cfg->hpet_block_id, PC_HPET_ADDRESS, &oem);
    }
    rsdt = acpi_build_rsdt(&t->tables, l, offs, n, &oem);

    bios_linker_alloc(l, ACPI_BUILD_RSDP_FILE, &t->rsdp, 16, true);
    acpi_build_rsdp(&t->rsdp, l, 0, rsdt, 0, &oem);
    acpi_buf_append(&t->loader, bios_linker_commands(l)->data, bios_linker_commands(l)->len);
    bios_linker_free(l);
}

void acpi_build_tables_free(AcpiBuildTables *t)
{
    acpi_buf_free(&t->tables);
    acpi_buf_free(&t->rsdp);
    acpi_buf_free(&t->loader);
}

void pc_acpi_build(const PcAcpiConfig *cfg)
{
    FWCfgState *fw = fw_cfg_find();
    AcpiBuildTables t;

    if (!fw) {
        log_unimp("acpi: no fw_cfg device, no ACPI tables\n");
        return;
    }
    pc_acpi_build_tables(cfg, &t);
    fw_cfg_add_file(fw, ACPI_BUILD_TABLE_FILE, t.tables.data, t.tables.len);
    fw_cfg_add_file(fw, ACPI_BUILD_RSDP_FILE, t.rsdp.data, t.rsdp.len);
    fw_cfg_add_file(fw, ACPI_BUILD_LOADER_FILE, t.loader.data, t.loader.len);
    acpi_build_tables_free(&t);
}
