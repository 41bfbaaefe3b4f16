/* SPDX-License-Identifier: MIT */
/*
 * PIIX4 power management function ("PIIX4_PM", PCI 8086:7113 rev 03).
 *
 * Models the ACPI part of the Intel 82371AB PIIX4 function 3 (datasheet
 * order no. 290562, section 7 "Power Management"), as the ACPI
 * specification's fixed hardware (ACPI 6.4 chapter 4.8): the PM1a event
 * block (PM1_STS with TMR_STS, GBL_STS, PWRBTN_STS, RTC_STS, WAK_STS,
 * write 1 to clear; PM1_EN), the PM1a control block (SCI_EN; SLP_TYP and
 * SLP_EN: type 0 is S5 soft-off, as in QEMU's \_S5 package, and powers the
 * machine off; S4 (type 2) also powers off; S3 is not modelled), the
 * 24-bit 3.579545 MHz PM timer with its TMR_STS at each bit 23 toggle,
 * the GPE0 block (status/enable, 2 bytes each), the SCI and the APM
 * control port 0xb2 (ACPI enable 0xf1 / disable 0xf0 set and clear
 * SCI_EN directly; any other value raises an SMI when DEVACTB.APMC_EN is
 * set) with the status scratch port 0xb3.
 *
 * Config space: PMBA (0x40, I/O base bits 15:6, bit 0 reads 1), PMREGMISC
 * (0x80, bit 0 enables the PM I/O space), DEVACTB (0x58). As in QEMU, the
 * registers from 0x40 up are writable, and without SMM support ("smm" off)
 * DEVACTB.APMC_EN (0x5b bit 1) resets to 1 so that SeaBIOS skips its SMM
 * set-up. The SMBus host controller (SMBBA 0x90) is not modelled: its
 * registers are kept but decode nothing. As in QEMU the SCI is raised
 * whatever SCI_EN says.
 */
#include "kemu/hw/acpi_pm.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"
#include "kemu/timer.h"

/* PCI config registers */
#define PMBA 0x40
#define DEVACTB 0x58
#define DEVACTB_APMC_EN_BYTE 0x5b /* bit 25 of DEVACTB */
#define DEVACTB_APMC_EN_BIT 0x02
#define PMREGMISC 0x80
#define PMREGMISC_PMIOSE 0x01
#define SMBBA 0x90
#define PM_IO_SIZE 0x40

/* PM I/O registers (offsets from PMBA) */
#define PM1_STS 0x00
#define PM1_EN 0x02
#define PM1_CNT 0x04
#define PM_TMR 0x08

/* PM1_STS / PM1_EN bits */
#define PM1_TMR 0x0001
#define PM1_BM 0x0010
#define PM1_GBL 0x0020
#define PM1_PWRBTN 0x0100
#define PM1_RTC 0x0400
#define PM1_WAK 0x8000
#define PM1_STS_MASK (PM1_TMR | PM1_BM | PM1_GBL | PM1_PWRBTN | PM1_RTC | PM1_WAK)
#define PM1_EN_MASK (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_RTC)
/* PM1_CNT bits */
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_EN 0x2000
#define PM1_CNT_MASK 0x1c07 /* SCI_EN, BM_RLD, GBL_RLS, SLP_TYP */

/* Sleep types (QEMU's DSDT: \_S3 1, \_S4 2, \_S5 0) */
#define SLP_TYP_S5 0
#define SLP_TYP_S3 1
#define SLP_TYP_S4 2

/* APM */
#define APM_CNT_PORT 0xb2
#define ACPI_ENABLE 0xf1
#define ACPI_DISABLE 0xf0

#define PM_TMR_BITS 24
#define PM_TMR_OVERFLOW_BIT (1u << 23)

typedef struct PIIX4PMState {
    PCIDevice pci;
    /* properties */
    uint32_t gpe0_base;        /* I/O port of the GPE0 block */
    bool smm;                  /* the CPU handles SMIs */
    /* wiring */
    MemRegion pm_io;           /* container at PMBA */
    MemRegion pm1_io, tmr_io, gpe_io, apm_io;
    IrqLine *sci, *smi;
    Timer tmr_timer;           /* raises TMR_STS while TMR_EN */
    /* guest-visible registers */
    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint8_t gpe_sts[2], gpe_en[2];
    uint8_t apmc, apms;        /* ports 0xb2, 0xb3 */
    int64_t tmr_next;          /* virtual ns of the next bit 23 toggle */
} PIIX4PMState;

/* ---- PM timer ---- */

static uint64_t pm_tmr_ticks(int64_t ns)
{
    return (unsigned __int128)ns * ACPI_PM_TIMER_FREQUENCY / NANOSECONDS_PER_SECOND;
}

/* First ns at which the tick count reaches ticks. */
static int64_t pm_tmr_ns(uint64_t ticks)
{
    unsigned __int128 n = (unsigned __int128)ticks * NANOSECONDS_PER_SECOND;

    return (n + ACPI_PM_TIMER_FREQUENCY - 1) / ACPI_PM_TIMER_FREQUENCY;
}

static int64_t pm_tmr_next_toggle(int64_t now)
{
    uint64_t ticks = pm_tmr_ticks(now);

    return pm_tmr_ns((ticks / PM_TMR_OVERFLOW_BIT + 1) * PM_TMR_OVERFLOW_BIT);
}

/* Latch TMR_STS for toggles of bit 23 up to now (ACPI 4.8.3.3). */
static void pm_tmr_catch_up(PIIX4PMState *s, int64_t now)
{
    if (now >= s->tmr_next) {
        s->pm1_sts |= PM1_TMR;
        s->tmr_next = pm_tmr_next_toggle(now);
    }
}

/* ---- SCI ---- */

static void pm_update_sci(PIIX4PMState *s)
{
    bool pm1 = s->pm1_sts & s->pm1_en & PM1_EN_MASK;
    bool gpe = (s->gpe_sts[0] & s->gpe_en[0]) || (s->gpe_sts[1] & s->gpe_en[1]);

    irq_set(s->sci, pm1 || gpe);
    if ((s->pm1_en & PM1_TMR) && !(s->pm1_sts & PM1_TMR))
        timer_mod(&s->tmr_timer, s->tmr_next);
    else
        timer_del(&s->tmr_timer);
}

static void pm_tmr_fire(void *opaque)
{
    PIIX4PMState *s = opaque;

    pm_tmr_catch_up(s, vclock_get_ns());
    pm_update_sci(s);
}

void acpi_pm_power_button(Device *dev)
{
    PIIX4PMState *s = (PIIX4PMState *)dev;

    s->pm1_sts |= PM1_PWRBTN;
    pm_update_sci(s);
}

/* ---- PM1 control: sleep states ---- */

static void pm_sleep(PIIX4PMState *s, int typ)
{
    switch (typ) {
    case SLP_TYP_S5:
    case SLP_TYP_S4:
        qemu_system_shutdown_request(SHUTDOWN_GUEST, 0);
        break;
    case SLP_TYP_S3:
        log_unimp("piix4-pm: S3 suspend not supported\n");
        break;
    default:
        log_guest_error("piix4-pm: SLP_EN with unknown SLP_TYP %d\n", typ);
        break;
    }
}

static void pm_write_cnt(PIIX4PMState *s, uint16_t val)
{
    s->pm1_cnt = val & PM1_CNT_MASK;
    if (val & PM1_CNT_SLP_EN)
        pm_sleep(s, (val >> PM1_CNT_SLP_TYP_SHIFT) & 7);
}

/* ---- the PM I/O block: PM1a_EVT, PM1a_CNT, PM_TMR ---- */

static uint64_t pm1_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    switch (addr) {
    case PM1_STS:
        pm_tmr_catch_up(s, vclock_get_ns());
        return s->pm1_sts;
    case PM1_EN:
        return s->pm1_en;
    case PM1_CNT:
        return s->pm1_cnt;
    }
    return 0; /* PMCNTRL bits 31:16: reserved */
}

static void pm1_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    switch (addr) {
    case PM1_STS:
        pm_tmr_catch_up(s, vclock_get_ns());
        s->pm1_sts &= ~(val & PM1_STS_MASK);
        break;
    case PM1_EN:
        s->pm1_en = val & PM1_EN_MASK;
        break;
    case PM1_CNT:
        pm_write_cnt(s, val);
        break;
    default:
        return;
    }
    pm_update_sci(s);
}

/* 16-bit registers; the core splits or widens other sizes. */
static const IoOps pm1_ops = {
    .read = pm1_read,
    .write = pm1_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t pm_tmr_read(void *opaque, hwaddr addr, unsigned size)
{
    return pm_tmr_ticks(vclock_get_ns()) & ((1u << PM_TMR_BITS) - 1);
}

static void pm_tmr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    log_guest_error("piix4-pm: write to the PM timer\n");
}

/* Read whole, so that a narrow read sees one instant. */
static const IoOps pm_tmr_ops = {
    .read = pm_tmr_read,
    .write = pm_tmr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- GPE0 block ---- */

static uint64_t pm_gpe_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return addr < 2 ? s->gpe_sts[addr] : s->gpe_en[addr - 2];
}

static void pm_gpe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr < 2)
        s->gpe_sts[addr] &= ~val;
    else
        s->gpe_en[addr - 2] = val;
    pm_update_sci(s);
}

static const IoOps pm_gpe_ops = {
    .read = pm_gpe_read,
    .write = pm_gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- APM ports 0xb2/0xb3 ---- */

static uint64_t pm_apm_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return addr == 0 ? s->apmc : s->apms;
}

static void pm_apm_control(PIIX4PMState *s, uint8_t val)
{
    if (val == ACPI_ENABLE) {
        s->pm1_cnt |= PM1_CNT_SCI_EN;
    } else if (val == ACPI_DISABLE) {
        s->pm1_cnt &= ~PM1_CNT_SCI_EN;
    } else if (s->pci.config[DEVACTB_APMC_EN_BYTE] & DEVACTB_APMC_EN_BIT) {
        if (s->smm)
            irq_pulse(s->smi);
        else
            log_unimp("piix4-pm: APM SMI 0x%02x without SMM\n", val);
    }
}

static void pm_apm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr == 0) {
        s->apmc = val;
        pm_apm_control(s, val);
    } else {
        s->apms = val;
    }
}

static const IoOps pm_apm_ops = {
    .read = pm_apm_read,
    .write = pm_apm_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- PCI config ---- */

static MemRegion *pm_io_space(PIIX4PMState *s)
{
    return s->pci.bus && s->pci.bus->io_space ? s->pci.bus->io_space : &mr_system_io;
}

/* Map the PM block at PMBA while PMREGMISC.PMIOSE is set. */
static void pm_io_space_update(PIIX4PMState *s)
{
    uint32_t base = pci_get_long(&s->pci.config[PMBA]) & 0xffc0;
    bool on = s->pci.config[PMREGMISC] & PMREGMISC_PMIOSE;

    mem_transaction_begin();
    mr_set_address(&s->pm_io, base);
    mr_set_enabled(&s->pm_io, on);
    mem_transaction_commit();
}

static void pm_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    pci_default_write_config(d, addr, val, len);
    if (pci_range_touches(addr, len, PMBA, 4) || pci_range_touches(addr, len, PMREGMISC, 1))
        pm_io_space_update((PIIX4PMState *)d);
}

static void pm_init_config(PIIX4PMState *s)
{
    uint8_t *wmask = s->pci.wmask;

    /* 0x40-0xff are writable (generic code, as QEMU) except these bits. */
    wmask[PMBA] = 0xc0;      /* I/O base bits 15:6; bit 0 reads 1 */
    wmask[PMBA + 2] = wmask[PMBA + 3] = 0;
    wmask[PMREGMISC] = PMREGMISC_PMIOSE;
    wmask[SMBBA] = 0xf0;
    wmask[SMBBA + 2] = wmask[SMBBA + 3] = 0;
    s->pci.config[PCI_INTERRUPT_PIN] = 1;
}

static void pm_reset(PCIDevice *d)
{
    PIIX4PMState *s = (PIIX4PMState *)d;

    memset(d->config + PCI_CONFIG_HEADER_SIZE, 0, PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    d->config[PMBA] = 0x01;
    d->config[SMBBA] = 0x01;
    if (!s->smm)
        d->config[DEVACTB_APMC_EN_BYTE] = DEVACTB_APMC_EN_BIT; /* "SMM set up" */
    s->pm1_sts = s->pm1_en = s->pm1_cnt = 0;
    memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
    memset(s->gpe_en, 0, sizeof(s->gpe_en));
    s->apmc = s->apms = 0;
    s->tmr_next = pm_tmr_next_toggle(vclock_get_ns());
    pm_update_sci(s);
    pm_io_space_update(s);
}

static bool pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = (PIIX4PMState *)d;
    MemRegion *io = pm_io_space(s);

    if (s->gpe0_base > 0xfffc) {
        error_setg(errp, "PIIX4_PM: gpe0-base 0x%x out of range", s->gpe0_base);
        return false;
    }
    pm_init_config(s);
    timer_init(&s->tmr_timer, pm_tmr_fire, s);
    device_init_gpio_out(&d->parent, &s->sci, 1);
    device_init_gpio_out(&d->parent, &s->smi, 1);
    mr_init_container(&s->pm_io, "piix4-pm", PM_IO_SIZE);
    mr_init_io(&s->pm1_io, "acpi-pm1", 8, &pm1_ops, s);
    mr_init_io(&s->tmr_io, "acpi-tmr", 4, &pm_tmr_ops, s);
    mr_add_subregion(&s->pm_io, PM1_STS, &s->pm1_io);
    mr_add_subregion(&s->pm_io, PM_TMR, &s->tmr_io);
    mr_set_enabled(&s->pm_io, false); /* until PMREGMISC.PMIOSE */
    mr_init_io(&s->gpe_io, "acpi-gpe0", 4, &pm_gpe_ops, s);
    mr_init_io(&s->apm_io, "apm-io", 2, &pm_apm_ops, s);
    mr_add_subregion(io, 0, &s->pm_io);
    mr_add_subregion(io, s->gpe0_base, &s->gpe_io);
    mr_add_subregion(io, APM_CNT_PORT, &s->apm_io);
    return true;
}

PCIDevice *piix4_pm_create(PCIBus *bus, int devfn, IrqLine *sci, IrqLine *smi)
{
    PCIDevice *d = pci_create_simple(bus, devfn, TYPE_PIIX4_PM);

    device_connect_gpio_out(&d->parent, ACPI_PM_GPIO_SCI, sci);
    device_connect_gpio_out(&d->parent, ACPI_PM_GPIO_SMI, smi);
    return d;
}

static int pm_post_load(Device *dev)
{
    PIIX4PMState *s = (PIIX4PMState *)dev;

    pci_device_post_load(dev);
    pm_io_space_update(s);
    pm_update_sci(s);
    return 0;
}

static const Property pm_props[] = {
    DEFINE_PCI_PROPS,
    DEFINE_PROP("gpe0-base", PROP_UINT32, PIIX4PMState, gpe0_base, PIIX4_GPE0_BASE,
                "I/O port of the GPE0 block"),
    DEFINE_PROP("smm", PROP_BOOL, PIIX4PMState, smm, 0,
                "APM writes raise SMIs (off: SeaBIOS is told SMM is set up)"),
    DEFINE_PROP_END,
};

static const VMStateField pm_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(PIIX4PMState, pci),
    VMSTATE_FIELD(PIIX4PMState, pm1_sts),
    VMSTATE_FIELD(PIIX4PMState, pm1_en),
    VMSTATE_FIELD(PIIX4PMState, pm1_cnt),
    VMSTATE_ARRAY(PIIX4PMState, gpe_sts),
    VMSTATE_ARRAY(PIIX4PMState, gpe_en),
    VMSTATE_FIELD(PIIX4PMState, apmc),
    VMSTATE_FIELD(PIIX4PMState, apms),
    VMSTATE_FIELD(PIIX4PMState, tmr_next),
    VMSTATE_END,
};

static const VMStateDesc pm_vmstate = {
    .name = "piix4_pm",
    .version = 1,
    .fields = pm_vmstate_fields,
    .post_load = pm_post_load,
};

static PCIDeviceClass piix4_pm_class = {
    .parent = {
        .name = TYPE_PIIX4_PM,
        .desc = "PIIX4 ACPI power management (the pc board creates it at 00:01.3)",
        .category = "bridge",
        .instance_size = sizeof(PIIX4PMState),
        .props = pm_props,
        .vmsd = &pm_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = 0x7113,
    .revision = 0x03,
    .class_id = PCI_CLASS_BRIDGE_OTHER,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
    .realize = pm_realize,
    .reset = pm_reset,
    .config_write = pm_config_write,
};
PCI_DEVICE_CLASS(piix4_pm_class)
