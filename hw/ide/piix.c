/* SPDX-License-Identifier: MIT */
/*
 * Intel 82371SB (PIIX3) function 1: the IDE controller (8086:7010).
 *
 * Class 0101h with programming interface 80h: both channels fixed in
 * compatibility mode at the legacy addresses, bus mastering supported.
 * The primary channel answers at 0x1f0-0x1f7 and 0x3f6 on ISA IRQ 14, the
 * secondary at 0x170-0x177 and 0x376 on IRQ 15 (they are decoded whatever
 * the PCI command register says, as QEMU does); BMIBA (BAR4, 16 bytes of
 * I/O) holds the two bus-master register sets. IDETIM (40h, 42h) and
 * SIDETIM (44h) are plain read/write timing registers; SeaBIOS sets their
 * decode enable bits, which kemu does not need.
 *
 * Reference: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE
 * Xcelerator datasheet, order 290550, sections 2.3 (function 1
 * configuration) and 2.7 (bus master IDE I/O registers); SFF-8038i.
 */
#include "ide-internal.h"
#include "kemu/isa.h"

typedef struct PIIX3IDEState {
    PCIDevice pci;
    IDEBus bus[2];                /* primary, secondary channel */
    BMDMAState bm[2];
    MemRegion cmd_io[2], ctl_io[2], bm_io;
} PIIX3IDEState;

#define PCI_CLASS_STORAGE_IDE 0x0101
#define PIIX_IDE_PROG_IF 0x80
#define PIIX_IDETIM 0x40
#define PIIX_BMIBA_SIZE 16

static const uint16_t piix_cmd_base[2] = { 0x1f0, 0x170 };
static const uint16_t piix_ctl_base[2] = { 0x3f6, 0x376 };
static const int piix_irq[2] = { 14, 15 };

/* ---- port handlers ---- */

static uint64_t piix_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    return ide_ioport_read(opaque, addr, size);
}

static void piix_cmd_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ide_ioport_write(opaque, addr, val, size);
}

static uint64_t piix_ctl_read(void *opaque, hwaddr addr, unsigned size)
{
    return ide_status_read(opaque);
}

static void piix_ctl_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ide_ctrl_write(opaque, (uint8_t)val);
}

static uint64_t piix_bm_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX3IDEState *s = opaque;

    return bmdma_read(&s->bm[addr >> 3], addr & 7);
}

static void piix_bm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX3IDEState *s = opaque;

    bmdma_write(&s->bm[addr >> 3], addr & 7, (uint8_t)val);
}

static const IoOps piix_cmd_ops = {
    .read = piix_cmd_read,
    .write = piix_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

static const IoOps piix_ctl_ops = {
    .read = piix_ctl_read,
    .write = piix_ctl_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const IoOps piix_bm_ops = {
    .read = piix_bm_read,
    .write = piix_bm_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

static void piix_ide_reset(PCIDevice *d)
{
    PIIX3IDEState *s = (PIIX3IDEState *)d;

    memset(d->config + PIIX_IDETIM, 0, 0x10);
    for (int i = 0; i < 2; i++) {
        bmdma_reset(&s->bm[i]);
        ide_bus_reset(&s->bus[i]);
    }
}

static bool piix_ide_realize(PCIDevice *d, Error **errp)
{
    PIIX3IDEState *s = (PIIX3IDEState *)d;

    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK);
    for (int i = 0; i < 2; i++) {
        bmdma_init(&s->bm[i], &s->bus[i], d);
        ide_bus_init(&s->bus[i], isa_get_irq(piix_irq[i]), &s->bm[i]);
        mr_init_io(&s->cmd_io[i], "ide-cmd", 8, &piix_cmd_ops, &s->bus[i]);
        mr_init_io(&s->ctl_io[i], "ide-ctl", 1, &piix_ctl_ops, &s->bus[i]);
        isa_register_ioport(&s->cmd_io[i], piix_cmd_base[i]);
        isa_register_ioport(&s->ctl_io[i], piix_ctl_base[i]);
    }
    mr_init_io(&s->bm_io, "piix-bmdma", PIIX_BMIBA_SIZE, &piix_bm_ops, s);
    pci_register_bar(d, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->bm_io);
    piix_ide_reset(d);
    return true;
}

/* ---- savestate ---- */

#define IDE_VMSTATE_DRIVE(b, u)                                                                    \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].feature),                                           \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].nsector),                                           \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].sector),                                            \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].lcyl),                                              \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hcyl),                                              \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hob_feature),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hob_nsector),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hob_sector),                                        \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hob_lcyl),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].hob_hcyl),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].select),                                            \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].status),                                            \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].error),                                             \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].irq_pending),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].cur_cyls),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].cur_heads),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].cur_secs),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].mult_sectors),                                      \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].write_cache),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].xfer_mode),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].standby),                                           \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].cmd),                                               \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].lba48),                                             \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].end),                                               \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].dma_cmd),                                           \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].sector_num),                                        \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].nsector_left),                                      \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].req_sectors),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].data_ptr),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].data_end),                                          \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].pio_out),                                           \
    VMSTATE_ARRAY(PIIX3IDEState, bus[b].ifs[u].packet),                                            \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].sense_key),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].asc),                                               \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].ascq),                                              \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].tray_open),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].tray_locked),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].media_event),                                       \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_lba),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_left),                                        \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_bcl),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_pos),                                         \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_sector_size),                                 \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].ifs[u].atapi_dma),                                         \
    VMSTATE_ARRAY(PIIX3IDEState, bus[b].ifs[u].io_buffer)

#define IDE_VMSTATE_CHANNEL(b)                                                                     \
    VMSTATE_FIELD(PIIX3IDEState, bus[b].cmd), VMSTATE_FIELD(PIIX3IDEState, bus[b].unit),           \
    VMSTATE_FIELD(PIIX3IDEState, bm[b].cmd), VMSTATE_FIELD(PIIX3IDEState, bm[b].status),           \
    VMSTATE_FIELD(PIIX3IDEState, bm[b].addr), VMSTATE_FIELD(PIIX3IDEState, bm[b].cur_prd),         \
    VMSTATE_FIELD(PIIX3IDEState, bm[b].cur_addr), VMSTATE_FIELD(PIIX3IDEState, bm[b].cur_left),    \
    VMSTATE_FIELD(PIIX3IDEState, bm[b].prd_last), IDE_VMSTATE_DRIVE(b, 0), IDE_VMSTATE_DRIVE(b, 1)

static const VMStateField piix_ide_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(PIIX3IDEState, pci),
    IDE_VMSTATE_CHANNEL(0),
    IDE_VMSTATE_CHANNEL(1),
    VMSTATE_END,
};

/* Make loaded state safe to run: every index back inside its buffer. */
static void piix_ide_sanitize(IDEState *s)
{
    if (s->data_end > IDE_BUF_SIZE || s->data_ptr > s->data_end)
        s->data_ptr = s->data_end = 0;
    if (s->end > IDE_END_ATAPI_DATA)
        s->end = IDE_END_NONE;
    if (s->dma_cmd > IDE_DMA_ATAPI || s->kind == IDE_NONE)
        s->dma_cmd = IDE_DMA_NONE;
    if (s->atapi_sector_size != ATAPI_RAW_SECTOR_SIZE)
        s->atapi_sector_size = ATAPI_SECTOR_SIZE;
    if (s->atapi_pos > (s->atapi_lba < 0 ? IDE_BUF_SIZE : s->atapi_sector_size))
        s->atapi_pos = 0;
    if (s->atapi_lba < 0 && s->atapi_left > IDE_BUF_SIZE - s->atapi_pos)
        s->atapi_left = IDE_BUF_SIZE - s->atapi_pos;
    if (!s->cur_heads || s->cur_heads > 16 || !s->cur_secs) {
        s->cur_heads = s->heads ? s->heads : 16;
        s->cur_secs = s->secs ? s->secs : 63;
    }
    if (s->mult_sectors > IDE_MAX_MULT)
        s->mult_sectors = IDE_MAX_MULT;
    s->req_sectors = MAX(1u, MIN(s->req_sectors, (uint32_t)IDE_MAX_MULT));
    s->cd_sector_lba = -1;
}

static int piix_ide_post_load(Device *dev)
{
    PIIX3IDEState *s = (PIIX3IDEState *)dev;

    for (int b = 0; b < 2; b++) {
        s->bus[b].unit &= 1;
        piix_ide_sanitize(&s->bus[b].ifs[0]);
        piix_ide_sanitize(&s->bus[b].ifs[1]);
        s->bus[b].irq_level = 0;
        ide_bus_update_irq(&s->bus[b]);
    }
    return pci_device_post_load(dev);
}

static const VMStateDesc piix_ide_vmstate = {
    .name = TYPE_PIIX3_IDE,
    .version = 1,
    .fields = piix_ide_vmstate_fields,
    .post_load = piix_ide_post_load,
};

static PCIDeviceClass piix_ide_class = {
    .parent = {
        .name = TYPE_PIIX3_IDE,
        .desc = "Intel 82371SB PIIX3 IDE controller",
        .category = "storage",
        .instance_size = sizeof(PIIX3IDEState),
        .user_creatable = true,
        .vmsd = &piix_ide_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371SB_1,
    .class_id = PCI_CLASS_STORAGE_IDE,
    .prog_if = PIIX_IDE_PROG_IF,
    .realize = piix_ide_realize,
    .reset = piix_ide_reset,
};
PCI_DEVICE_CLASS(piix_ide_class)

/* ---- board API ---- */

PCIDevice *piix3_ide_init(PCIBus *bus, int devfn)
{
    return pci_create_simple(bus, devfn, TYPE_PIIX3_IDE);
}

static PIIX3IDEState *piix_ide_cast(PCIDevice *ide, int bus, int unit, Error **errp)
{
    if (!ide || strcmp(ide->parent.cls->name, TYPE_PIIX3_IDE)) {
        error_setg(errp, "not a %s device", TYPE_PIIX3_IDE);
        return NULL;
    }
    if (bus < 0 || bus > 1 || unit < 0 || unit > 1) {
        error_setg(errp, "IDE bus %d unit %d does not exist (bus 0-1, unit 0-1)", bus, unit);
        return NULL;
    }
    return (PIIX3IDEState *)ide;
}

bool ide_drive_attach(PCIDevice *ide, int bus, int unit, BlockBackend *blk, bool cdrom,
                      Error **errp)
{
    PIIX3IDEState *s = piix_ide_cast(ide, bus, unit, errp);

    return s && ide_bus_attach(&s->bus[bus], unit, blk, cdrom, errp);
}

int ide_drive_get_translation(PCIDevice *ide, int bus, int unit)
{
    PIIX3IDEState *s = piix_ide_cast(ide, bus, unit, NULL);

    if (!s || s->bus[bus].ifs[unit].kind != IDE_HD)
        return -1;
    return s->bus[bus].ifs[unit].bios_trans;
}

bool ide_drive_get_geometry(PCIDevice *ide, int bus, int unit, int *cyls, int *heads,
                            int *secs)
{
    PIIX3IDEState *s = piix_ide_cast(ide, bus, unit, NULL);
    IDEState *d;

    if (!s)
        return false;
    d = &s->bus[bus].ifs[unit];
    if (d->kind != IDE_HD)
        return false;
    *cyls = d->cyls;
    *heads = d->heads;
    *secs = d->secs;
    return true;
}
