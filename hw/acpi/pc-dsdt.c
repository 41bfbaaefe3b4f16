/* SPDX-License-Identifier: MIT */
/*
 * The PC's DSDT: the AML describing the i440FX/PIIX3 PC's devices.
 *
 * \_SB holds the PCI interrupt links LNKA-LNKD (PNP0C0F) over the PIIX3's
 * PIRQ route control registers (config 0x60-0x63 of 00:01.0; bit 7 set
 * means not routed) and LNKS for the SCI; the host bridge PCI0 (PNP0A03)
 * with its bus, I/O and memory windows and a static _PRT routing INTA-D of
 * slots 0-31 onto the links with the PIIX swizzle (slot s pin p uses PIRQ
 * (s + p - 1) mod 4, 00:01 INTA is the SCI); the ISA bridge with the RTC,
 * i8042 keyboard and mouse, floppy controller and serial ports; the HPET;
 * the processors (ACPI0007 devices in an ACPI0010 container). The root
 * scope has \_PIC and the \_S5 sleep package. The layout of the links and
 * of the ISA devices follows QEMU's pc DSDT so that guests see the same
 * machine.
 *
 * References: ACPI Specification 6.4 sections 6.1 (_HID, _UID, _ADR),
 * 6.2 (_CRS, _PRS, _SRS, _DIS, _PRT), 7.4.2 (\_Sx), 5.8.1 (\_PIC); PCI
 * Firmware Specification 3.2 section 4 (PNP0A03 _BBN, _CRS); Intel
 * 82371SB (PIIX3) datasheet section 2.2.2 (PIRQRC[A:D]).
 */
#include "kemu/hw/acpi.h"
#include "pc-acpi.h"

#define PIIX3_ISA_ADR 0x00010000   /* 00:01.0 */
#define PIIX_PIRQRC 0x60
#define PIRQ_DISABLED 0x80
#define PC_VGA_BASE 0xa0000
#define PC_VGA_SIZE 0x20000
#define HPET_MMIO_SIZE 0x400
#define PCI_SLOTS 32

static const uint32_t pci_link_irqs[] = { 5, 10, 11 };

static const struct {
    uint16_t base;
    uint8_t irq;
} pc_serial[PC_ACPI_MAX_SERIAL] = { { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 } };

static Aml *name_crs(Aml *rt)
{
    return aml_name_decl("_CRS", rt);
}

/* Method(name, 0) { Return (val) } */
static Aml *method_return(const char *name, Aml *val)
{
    Aml *m = aml_method(name, 0, AML_NOTSERIALIZED);

    aml_append(m, aml_return(val));
    return m;
}

static Aml *link_interrupt(const uint32_t *irqs, unsigned n)
{
    Aml *rt = aml_resource_template();

    aml_append(rt, aml_interrupt(AML_CONSUMER, AML_LEVEL, AML_ACTIVE_HIGH, AML_SHARED, irqs, n));
    return rt;
}

/* ---- PCI interrupt links ---- */

/* LNKA-LNKD: one PIIX3 PIRQ route control register each (PRQ0-PRQ3). */
static Aml *build_link(char letter, int index)
{
    Aml *dev = aml_device("LNK%c", letter);
    char reg[16];
    Aml *m;

    snprintf(reg, sizeof(reg), "PRQ%d", index);
    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
    aml_append(dev, aml_name_decl("_UID", aml_int(index)));
    aml_append(dev, aml_name_decl("_PRS", link_interrupt(pci_link_irqs,
                                                          ARRAY_SIZE(pci_link_irqs))));
    aml_append(dev, method_return("_STA", aml_call("IQST", 1, aml_name("%s", reg))));
    m = aml_method("_DIS", 0, AML_NOTSERIALIZED);
    aml_append(m, aml_or(aml_name("%s", reg), aml_int(PIRQ_DISABLED), aml_name("%s", reg)));
    aml_append(dev, m);
    aml_append(dev, method_return("_CRS", aml_call("IQCR", 1, aml_name("%s", reg))));
    m = aml_method("_SRS", 1, AML_NOTSERIALIZED);
    /* the IRQ number is the first DWord of the Extended Interrupt descriptor */
    aml_append(m, aml_create_dword_field(aml_arg(0), aml_int(5), "PRRI"));
    aml_append(m, aml_store(aml_name("PRRI"), aml_name("%s", reg)));
    aml_append(dev, m);
    return dev;
}

/* LNKS: the SCI, always on its IRQ; only states the level/high polarity. */
static Aml *build_link_sci(uint8_t sci_irq)
{
    Aml *dev = aml_device("LNKS");
    uint32_t irq = sci_irq;

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
    aml_append(dev, aml_name_decl("_UID", aml_int(4)));
    aml_append(dev, aml_name_decl("_PRS", link_interrupt(&irq, 1)));
    aml_append(dev, method_return("_STA", aml_int(0x0b)));
    aml_append(dev, aml_method("_DIS", 0, AML_NOTSERIALIZED));
    aml_append(dev, method_return("_CRS", aml_name("_PRS")));
    aml_append(dev, aml_method("_SRS", 1, AML_NOTSERIALIZED));
    return dev;
}

/* IQST(reg): link status (0x09 disabled, 0x0b enabled; not shown in UI) */
static Aml *build_iqst(void)
{
    Aml *m = aml_method("IQST", 1, AML_NOTSERIALIZED);
    Aml *ifc = aml_if(aml_and(aml_int(PIRQ_DISABLED), aml_arg(0), NULL));

    aml_append(ifc, aml_return(aml_int(0x09)));
    aml_append(m, ifc);
    aml_append(m, aml_return(aml_int(0x0b)));
    return m;
}

/* IQCR(reg): the current IRQ as an Interrupt resource (0 when disabled) */
static Aml *build_iqcr(void)
{
    Aml *m = aml_method("IQCR", 1, AML_SERIALIZED);
    uint32_t none = 0;
    Aml *ifc;

    aml_append(m, aml_name_decl("PRR0", link_interrupt(&none, 1)));
    aml_append(m, aml_create_dword_field(aml_name("PRR0"), aml_int(5), "PRRI"));
    ifc = aml_if(aml_lless(aml_arg(0), aml_int(PIRQ_DISABLED)));
    aml_append(ifc, aml_store(aml_and(aml_arg(0), aml_int(0x0f), NULL), aml_name("PRRI")));
    aml_append(m, ifc);
    aml_append(m, aml_return(aml_name("PRR0")));
    return m;
}

/* Field over the PIIX3 PIRQRC registers (declared after PCI0.ISA.P40C). */
static Aml *build_pirq_field(void)
{
    Aml *f = aml_field("PCI0.ISA.P40C", AML_BYTE_ACC, AML_NOLOCK, AML_PRESERVE);

    for (int i = 0; i < 4; i++) {
        char name[16];

        snprintf(name, sizeof(name), "PRQ%d", i);
        aml_append(f, aml_named_field(name, 8));
    }
    return f;
}

/* ---- PCI0 ---- */

/* _PRT: Package {0xSSSSFFFF, pin, link, 0} for every slot and pin. */
static Aml *build_prt(void)
{
    static const char links[4] = { 'D', 'A', 'B', 'C' }; /* by (slot + pin) & 3 */
    Aml *prt = aml_package();

    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            Aml *e = aml_package();

            aml_append(e, aml_int(((uint32_t)slot << 16) | 0xffff));
            aml_append(e, aml_int(pin));
            if (slot == 1 && pin == 0)
                aml_append(e, aml_name("LNKS"));
            else
                aml_append(e, aml_name("LNK%c", links[(slot + pin) & 3]));
            aml_append(e, aml_int(0));
            aml_append(prt, e);
        }
    }
    return aml_name_decl("_PRT", prt);
}

static uint64_t pc_hole64_start(const PcAcpiConfig *cfg)
{
    return ROUND_UP(4 * GiB + cfg->ram_above_4g, 1 * GiB);
}

static Aml *build_pci0_crs(const PcAcpiConfig *cfg)
{
    Aml *rt = aml_resource_template();
    uint32_t hole_start = cfg->ram_below_4g, hole_end = cfg->ioapic_addr - 1;

    aml_append(rt, aml_word_bus_number(AML_MIN_FIXED, AML_MAX_FIXED, AML_POS_DECODE, 0, 0,
                                       0xff, 0, 0x100));
    aml_append(rt, aml_io(AML_DECODE16, 0xcf8, 0xcf8, 0x01, 0x08));
    aml_append(rt, aml_word_io(AML_MIN_FIXED, AML_MAX_FIXED, AML_POS_DECODE, AML_ENTIRE_RANGE, 0,
                               0x0000, 0x0cf7, 0, 0x0cf8));
    aml_append(rt, aml_word_io(AML_MIN_FIXED, AML_MAX_FIXED, AML_POS_DECODE, AML_ENTIRE_RANGE, 0,
                               0x0d00, 0xffff, 0, 0xf300));
    aml_append(rt, aml_dword_memory(AML_POS_DECODE, AML_MIN_FIXED, AML_MAX_FIXED, AML_CACHEABLE,
                                    AML_READ_WRITE, 0, PC_VGA_BASE,
                                    PC_VGA_BASE + PC_VGA_SIZE - 1, 0, PC_VGA_SIZE));
    if (hole_start < hole_end) {
        aml_append(rt, aml_dword_memory(AML_POS_DECODE, AML_MIN_FIXED, AML_MAX_FIXED,
                                        AML_NON_CACHEABLE, AML_READ_WRITE, 0, hole_start,
                                        hole_end, 0, hole_end - hole_start + 1));
    }
    if (cfg->pci_hole64_size) {
        uint64_t start = pc_hole64_start(cfg);

        aml_append(rt, aml_qword_memory(AML_POS_DECODE, AML_MIN_FIXED, AML_MAX_FIXED,
                                        AML_CACHEABLE, AML_READ_WRITE, 0, start,
                                        start + cfg->pci_hole64_size - 1, 0,
                                        cfg->pci_hole64_size));
    }
    return name_crs(rt);
}

/* ---- ISA devices ---- */

/* An ISA device, always present; uid < 0: no _UID. */
static Aml *isa_device(const char *name, const char *hid, int uid, Aml *crs)
{
    Aml *dev = aml_device("%s", name);

    aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
    if (uid >= 0)
        aml_append(dev, aml_name_decl("_UID", aml_int(uid)));
    aml_append(dev, aml_name_decl("_STA", aml_int(0x0f)));
    aml_append(dev, name_crs(crs));
    return dev;
}

static Aml *build_rtc(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_io(AML_DECODE16, 0x70, 0x70, 0x01, 0x08));
    aml_append(crs, aml_irq_no_flags(8));
    return isa_device("RTC", "PNP0B00", -1, crs);
}

static Aml *build_kbd(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_io(AML_DECODE16, 0x60, 0x60, 0x01, 0x01));
    aml_append(crs, aml_io(AML_DECODE16, 0x64, 0x64, 0x01, 0x01));
    aml_append(crs, aml_irq_no_flags(1));
    return isa_device("KBD", "PNP0303", -1, crs);
}

static Aml *build_mou(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_irq_no_flags(12));
    return isa_device("MOU", "PNP0F13", -1, crs);
}

static Aml *build_fdc(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_io(AML_DECODE16, 0x3f2, 0x3f2, 0x00, 0x04));
    aml_append(crs, aml_io(AML_DECODE16, 0x3f7, 0x3f7, 0x00, 0x01));
    aml_append(crs, aml_irq_no_flags(6));
    aml_append(crs, aml_dma(1u << 2, 0)); /* channel 2, compatibility, 8-bit */
    return isa_device("FDC0", "PNP0700", -1, crs);
}

static Aml *build_com(int i)
{
    Aml *crs = aml_resource_template();
    char name[16];

    aml_append(crs, aml_io(AML_DECODE16, pc_serial[i].base, pc_serial[i].base, 0x00, 0x08));
    aml_append(crs, aml_irq_no_flags(pc_serial[i].irq));
    snprintf(name, sizeof(name), "COM%d", i + 1);
    return isa_device(name, "PNP0501", i + 1, crs);
}

static Aml *build_isa(const PcAcpiConfig *cfg)
{
    Aml *isa = aml_device("ISA");

    aml_append(isa, aml_name_decl("_ADR", aml_int(PIIX3_ISA_ADR)));
    aml_append(isa, aml_operation_region("P40C", AML_PCI_CONFIG, aml_int(PIIX_PIRQRC),
                                         aml_int(4)));
    if (cfg->rtc)
        aml_append(isa, build_rtc());
    if (cfg->i8042) {
        aml_append(isa, build_kbd());
        aml_append(isa, build_mou());
    }
    if (cfg->fdc)
        aml_append(isa, build_fdc());
    for (int i = 0; i < PC_ACPI_MAX_SERIAL; i++) {
        if (cfg->serial[i])
            aml_append(isa, build_com(i));
    }
    return isa;
}

static Aml *build_pci0(const PcAcpiConfig *cfg)
{
    Aml *pci0 = aml_device("PCI0");

    /* (QEMU also gives it _ADR 0; ACPI wants a _HID or an _ADR, not both) */
    aml_append(pci0, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
    aml_append(pci0, aml_name_decl("_UID", aml_int(0)));
    aml_append(pci0, aml_name_decl("_BBN", aml_int(0)));
    aml_append(pci0, build_pci0_crs(cfg));
    aml_append(pci0, build_prt());
    aml_append(pci0, build_isa(cfg));
    return pci0;
}

/* ---- HPET, CPUs, root objects ---- */

static Aml *build_hpet_dev(void)
{
    Aml *dev = aml_device("HPET");
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0103")));
    aml_append(dev, aml_name_decl("_UID", aml_int(0)));
    aml_append(dev, aml_name_decl("_STA", aml_int(0x0f)));
    aml_append(crs, aml_memory32_fixed(PC_HPET_ADDRESS, HPET_MMIO_SIZE, AML_READ_ONLY));
    aml_append(dev, name_crs(crs));
    return dev;
}

static Aml *build_cpus(const PcAcpiConfig *cfg)
{
    Aml *cpus = aml_device("CPUS");

    aml_append(cpus, aml_name_decl("_HID", aml_string("ACPI0010")));
    aml_append(cpus, aml_name_decl("_CID", aml_eisaid("PNP0A05")));
    for (int i = 0; i < cfg->nr_cpus; i++) {
        Aml *dev = aml_device("C%03X", i);

        aml_append(dev, aml_name_decl("_HID", aml_string("ACPI0007")));
        aml_append(dev, aml_name_decl("_UID", aml_int(i))); /* = MADT processor UID */
        aml_append(cpus, dev);
    }
    return cpus;
}

static Aml *build_sb(const PcAcpiConfig *cfg)
{
    Aml *sb = aml_scope("\\_SB");

    /* the links come before the _PRT package that names them */
    for (int i = 0; i < 4; i++)
        aml_append(sb, build_link('A' + i, i));
    aml_append(sb, build_link_sci(cfg->sci_irq));
    aml_append(sb, build_pci0(cfg));
    aml_append(sb, build_pirq_field());
    aml_append(sb, build_iqst());
    aml_append(sb, build_iqcr());
    if (cfg->hpet)
        aml_append(sb, build_hpet_dev());
    aml_append(sb, build_cpus(cfg));
    return sb;
}

static Aml *build_sleep_package(uint8_t slp_typ)
{
    Aml *pkg = aml_package();

    aml_append(pkg, aml_int(slp_typ));  /* PM1a_CNT.SLP_TYP */
    aml_append(pkg, aml_int(slp_typ));  /* PM1b_CNT.SLP_TYP */
    aml_append(pkg, aml_int(0));
    aml_append(pkg, aml_int(0));
    return pkg;
}

void pc_build_dsdt(AcpiBuf *tables, BiosLinker *l, const PcAcpiConfig *cfg, const AcpiOem *oem)
{
    AcpiTable t = { .sig = "DSDT", .rev = 1, .oem = oem }; /* rev 1: 32-bit integers */
    Aml *dsdt = aml_block();
    Aml *pic, *gpe;

    acpi_table_begin(&t, tables);
    aml_append(dsdt, build_sb(cfg));
    gpe = aml_scope("\\_GPE");
    aml_append(gpe, aml_name_decl("_HID", aml_string("ACPI0006")));
    aml_append(dsdt, gpe);
    /* \_PIC(mode): 0 PIC, 1 APIC; the links serve both */
    aml_append(dsdt, aml_name_decl("PICF", aml_int(0)));
    pic = aml_method("_PIC", 1, AML_NOTSERIALIZED);
    aml_append(pic, aml_store(aml_arg(0), aml_name("PICF")));
    aml_append(dsdt, pic);
    aml_append(dsdt, aml_name_decl("_S5", build_sleep_package(cfg->s5_slp_typ)));
    aml_emit(dsdt, tables);
    acpi_table_end(l, &t);
}
