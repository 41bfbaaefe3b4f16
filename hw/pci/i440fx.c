/* SPDX-License-Identifier: MIT */
/*
 * Intel 82441FX (i440FX) PCI and memory controller: the PC's host bridge.
 *
 * Besides its PCI header (8086:1237, class 0600, revision 2), the bridge
 * decides what the CPU sees in the legacy areas below 1 MiB:
 *
 *  - PAM0-PAM6 (0x59-0x5f) split 0xc0000-0xfffff into 13 segments: PAM0's
 *    high nibble controls 0xf0000-0xfffff (64 KiB), the low and high
 *    nibbles of PAM1-PAM6 control 16 KiB each from 0xc0000 up. A nibble's
 *    RE (bit 0) and WE (bit 1) give four modes, all modelled: 0 = reads and
 *    writes go to PCI (the BIOS ROM and option ROM space), 1 = reads from
 *    RAM, writes dropped, 2 = reads from PCI, writes to RAM, 3 = RAM.
 *    SeaBIOS relies on mode 3 to copy itself to shadow RAM and on mode 1
 *    to write-protect it afterwards.
 *  - SMRAM (0x72): with D_OPEN set, 0xa0000-0xbffff shows RAM instead of
 *    the PCI (VGA) window, where accesses no PCI device claims master-abort
 *    (all ones; QEMU lets the RAM show through there instead). D_LCK clears D_OPEN and freezes the register
 *    until reset. kemu has no SMM yet, so G_SMRAME only reads back; SeaBIOS
 *    uses SMM on this chipset only together with the PIIX4 ACPI function
 *    (82371AB_3), whose absence makes it skip SMM entirely.
 *
 * Each PAM segment has four overlay regions in system memory (priority 1,
 * above the RAM alias), one per mode, and exactly one is enabled. Mode 2
 * is an MMIO region that reads the PCI memory space and writes RAM.
 *
 * Reference: Intel 440FX PCIset datasheet, order 290549, sections 3.2.18
 * (PAM) and 3.2.19 (SMRAM). As in QEMU, registers 0x40-0xff other than
 * these just hold what the guest writes, and 0x57 reports the RAM size in
 * 8 MiB units (which coreboot reads).
 */
#include <assert.h>

#include "kemu/hw/i440fx.h"
#include "kemu/log.h"

#define PAM_SEGMENTS 13
#define PAM_BIOS_BASE 0xf0000
#define PAM_EXP_BASE 0xc0000
#define PAM_EXP_SIZE 0x4000
#define SMRAM_VGA_BASE 0xa0000
#define SMRAM_VGA_SIZE 0x20000

typedef struct I440FXState I440FXState;

typedef struct PAMSegment {
    I440FXState *s;
    hwaddr base;
    uint64_t size;
    MemRegion mode[4]; /* indexed by RE | WE */
    unsigned cur;      /* enabled mode */
} PAMSegment;

struct I440FXState {
    PCIDevice pci;
    /* Wiring (set by i440fx_init before realize) */
    MemRegion *ram;          /* the machine's RAM, offset = address */
    MemRegion *pci_mem;      /* the PCI memory space */
    uint64_t ram_size;
    /* Internal */
    AddressSpace pci_as;     /* reads of PAM mode 2 */
    AddressSpace ram_as;     /* writes of PAM mode 2 */
    PAMSegment pam[PAM_SEGMENTS];
    MemRegion smram_vga;     /* PCI window at 0xa0000 while SMRAM is closed */
    MemRegion smram_pci;     /* its contents: the PCI memory space ... */
    MemRegion smram_abort;   /* ... over a master abort where nothing decodes */
};

/* ---- PAM ---- */

static uint64_t pam_wo_read(void *opaque, hwaddr addr, unsigned size)
{
    PAMSegment *p = opaque;

    return as_ld(&p->s->pci_as, p->base + addr, size, NULL);
}

static void pam_wo_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PAMSegment *p = opaque;

    as_st(&p->s->ram_as, p->base + addr, val, size, NULL);
}

static const IoOps pam_wo_ops = {
    .read = pam_wo_read,
    .write = pam_wo_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void pam_segment_init(I440FXState *s, PAMSegment *p, hwaddr base, uint64_t size)
{
    char name[40];

    p->s = s;
    p->base = base;
    p->size = size;
    snprintf(name, sizeof(name), "pam-pci-%05x", (unsigned)base);
    mr_init_alias(&p->mode[0], name, s->pci_mem, base, size);
    snprintf(name, sizeof(name), "pam-rom-%05x", (unsigned)base);
    mr_init_alias(&p->mode[PAM_RE], name, s->ram, base, size);
    mr_set_readonly(&p->mode[PAM_RE], true);
    snprintf(name, sizeof(name), "pam-wo-%05x", (unsigned)base);
    mr_init_io(&p->mode[PAM_WE], name, size, &pam_wo_ops, p);
    snprintf(name, sizeof(name), "pam-ram-%05x", (unsigned)base);
    mr_init_alias(&p->mode[PAM_RE | PAM_WE], name, s->ram, base, size);
    for (unsigned m = 0; m < 4; m++) {
        mr_set_enabled(&p->mode[m], m == 0);
        mr_add_subregion_overlap(&mr_system, base, &p->mode[m], 1);
    }
    p->cur = 0;
}

static void pam_segment_set_mode(PAMSegment *p, unsigned mode)
{
    if (mode == p->cur)
        return;
    mr_set_enabled(&p->mode[p->cur], false);
    mr_set_enabled(&p->mode[mode], true);
    p->cur = mode;
}

/* The RE/WE bits of segment i: 0 = PAM0 high nibble, then PAM1 low,
 * PAM1 high, ... PAM6 high. */
static unsigned pam_segment_mode(const uint8_t *config, int i)
{
    uint8_t reg;

    if (i == 0)
        return (config[I440FX_PAM0] >> 4) & 3;
    reg = config[I440FX_PAM0 + 1 + (i - 1) / 2];
    return ((i - 1) & 1 ? reg >> 4 : reg) & 3;
}

static void i440fx_update_memory(I440FXState *s)
{
    uint8_t smram = s->pci.config[I440FX_SMRAM];

    mem_transaction_begin();
    for (int i = 0; i < PAM_SEGMENTS; i++)
        pam_segment_set_mode(&s->pam[i], pam_segment_mode(s->pci.config, i));
    mr_set_enabled(&s->smram_vga, !(smram & SMRAM_D_OPEN));
    mem_transaction_commit();
}

/* ---- the VGA window ---- */

/* A PCI access nobody claims ends in a master abort: all ones. Without
 * this the RAM under the window would show through the empty PCI space. */
static uint64_t pci_abort_read(void *opaque, hwaddr addr, unsigned size)
{
    log_guest_error("i440fx: master abort reading 0x%x\n", (unsigned)(SMRAM_VGA_BASE + addr));
    return ~0ull;
}

static void pci_abort_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    log_guest_error("i440fx: master abort writing 0x%x\n", (unsigned)(SMRAM_VGA_BASE + addr));
}

static const IoOps pci_abort_ops = {
    .read = pci_abort_read,
    .write = pci_abort_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void i440fx_vga_window_init(I440FXState *s)
{
    mr_init_container(&s->smram_vga, "smram-region", SMRAM_VGA_SIZE);
    mr_init_alias(&s->smram_pci, "smram-pci", s->pci_mem, SMRAM_VGA_BASE, SMRAM_VGA_SIZE);
    mr_init_io(&s->smram_abort, "pci-master-abort", SMRAM_VGA_SIZE, &pci_abort_ops, s);
    mr_add_subregion_overlap(&s->smram_vga, 0, &s->smram_pci, 1);
    mr_add_subregion_overlap(&s->smram_vga, 0, &s->smram_abort, 0);
    mr_add_subregion_overlap(&mr_system, SMRAM_VGA_BASE, &s->smram_vga, 1);
}

/* ---- config space ---- */

static void i440fx_smram_set_wmask(I440FXState *s)
{
    bool locked = s->pci.config[I440FX_SMRAM] & SMRAM_D_LCK;

    s->pci.wmask[I440FX_SMRAM] =
        locked ? SMRAM_D_CLS : SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
}

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    I440FXState *s = (I440FXState *)d;

    pci_default_write_config(d, addr, val, len);
    if (pci_range_touches(addr, len, I440FX_SMRAM, 1)) {
        if (d->config[I440FX_SMRAM] & SMRAM_D_LCK)
            d->config[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
        i440fx_smram_set_wmask(s);
    }
    if (pci_range_touches(addr, len, I440FX_PAM0, I440FX_PAM_COUNT) ||
        pci_range_touches(addr, len, I440FX_SMRAM, 1))
        i440fx_update_memory(s);
}

static void i440fx_reset(PCIDevice *d)
{
    I440FXState *s = (I440FXState *)d;
    uint64_t units = s->ram_size / (8 * MiB);

    memset(d->config + I440FX_PAM0, 0, I440FX_PAM_COUNT);
    d->config[I440FX_SMRAM] = 0x02;
    d->config[I440FX_COREBOOT_RAM_SIZE] = units > 255 ? 255 : units;
    i440fx_smram_set_wmask(s);
    i440fx_update_memory(s);
    d->bus->config_addr = 0;
}

static bool i440fx_realize(PCIDevice *d, Error **errp)
{
    I440FXState *s = (I440FXState *)d;

    if (!s->ram || !s->pci_mem) {
        error_setg(errp, "%s: only the board can create the host bridge", TYPE_I440FX);
        return false;
    }
    d->wmask[I440FX_PAM0] = 0x30;
    memset(d->wmask + I440FX_PAM0 + 1, 0x33, I440FX_PAM_COUNT - 1);
    d->wmask[I440FX_COREBOOT_RAM_SIZE] = 0;
    as_init(&s->pci_as, s->pci_mem, "i440fx-pci-memory");
    as_init(&s->ram_as, s->ram, "i440fx-ram");
    mem_transaction_begin();
    pam_segment_init(s, &s->pam[0], PAM_BIOS_BASE, 0x10000);
    for (int i = 1; i < PAM_SEGMENTS; i++)
        pam_segment_init(s, &s->pam[i], PAM_EXP_BASE + (i - 1) * PAM_EXP_SIZE, PAM_EXP_SIZE);
    i440fx_vga_window_init(s);
    mem_transaction_commit();
    i440fx_reset(d);
    return true;
}

static const VMStateField i440fx_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(I440FXState, pci),
    VMSTATE_END,
};

static int i440fx_post_load(Device *dev)
{
    I440FXState *s = (I440FXState *)dev;

    i440fx_smram_set_wmask(s);
    i440fx_update_memory(s);
    return pci_device_post_load(dev);
}

static const VMStateDesc i440fx_vmstate = {
    .name = TYPE_I440FX,
    .version = 1,
    .fields = i440fx_vmstate_fields,
    .post_load = i440fx_post_load,
};

static PCIDeviceClass i440fx_class = {
    .parent = {
        .name = TYPE_I440FX,
        .desc = "Intel 440FX host bridge (82441FX PMC)",
        .category = "bridge",
        .instance_size = sizeof(I440FXState),
        .vmsd = &i440fx_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82441,
    .revision = 0x02,
    .class_id = PCI_CLASS_BRIDGE_HOST,
    .realize = i440fx_realize,
    .reset = i440fx_reset,
    .config_write = i440fx_config_write,
};
PCI_DEVICE_CLASS(i440fx_class)

/* ---- board helper ---- */

/* PIIX wiring of the PCI slots' INTx to PIRQA-D: (slot - 1 + pin) mod 4,
 * what SeaBIOS's piix_pci_slot_get_irq() and the ACPI _PRT assume. */
static int i440fx_map_irq(int devfn, int pin)
{
    return (PCI_SLOT(devfn) + pin - 1) & 3;
}

PCIBus *i440fx_init(MemRegion *ram, MemRegion *pci_mem, uint64_t ram_size)
{
    PCIBus *bus = pci_bus_new(pci_mem, &mr_system_io, &as_memory);
    Error *err = NULL;
    I440FXState *s;
    Device *dev;

    bus->map_irq = i440fx_map_irq;
    pci_bus_set(bus);
    pci_host_init_ports(bus, 0xcf8);
    dev = device_new(TYPE_I440FX, &err);
    assert(dev);
    s = (I440FXState *)dev;
    s->ram = ram;
    s->pci_mem = pci_mem;
    s->ram_size = ram_size;
    device_set_prop(dev, "addr", "00.0", &err);
    device_realize_or_die(dev);
    return bus;
}
