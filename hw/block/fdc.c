/* SPDX-License-Identifier: MIT */
/*
 * Intel 82078 floppy disk controller (PC-AT mode): registers, phases,
 * resets and interrupts; the device "isa-fdc" and the drive front-end
 * "floppy".
 *
 * Registers at 0x3f0 (82078 datasheet section 2, "Register Description"):
 *   +0 SRA (PS/2 status A: INTPEND, nDRV2)   +1 SRB (motor and select bits)
 *   +2 DOR: drive select, nRESET, DMA gate, motor enables
 *   +3 TDR: tape drive select
 *   +4 MSR (read): RQM, DIO, NON-DMA, CMD BUSY; DSR (write): data rate,
 *      power down, software reset
 *   +5 FIFO: command bytes in, result bytes out, and PIO sector data
 *   +7 DIR (read): bit 7 disk change of the selected drive; CCR (write):
 *      data rate
 * Port 0x3f6 belongs to the IDE controller.
 *
 * In PC-AT mode the DOR's DMA gate bit enables the interrupt and DMA
 * request outputs (when clear INT is tri-stated). Leaving reset (DOR
 * nRESET 0->1, or DSR bit 7) with polling enabled raises an interrupt
 * and four SENSE INTERRUPT STATUS commands then report ready-changed
 * (ST0 C0h-C3h) for the four drive positions; as in QEMU, a later
 * interrupt cancels the remaining ones. The interrupt is cleared by a
 * new command byte, by the first result byte read, and in non-DMA
 * execution by each data byte. The controller starts out of reset with
 * DOR 0Ch, as QEMU's does. The FIFO refuses reads and writes whose
 * direction disagrees with MSR (RQM/DIO), as the hardware does, and all
 * guest-driven positions are bounded (see fdc-internal.h).
 */
#include "fdc-internal.h"
#include "kemu/drive.h"
#include "kemu/hw/isa_dma.h"
#include "kemu/isa.h"

/* ---- interrupts and phases ---- */

static void fdc_update_irq(FDCState *s)
{
    irq_set(s->irq, s->irq_pending && (s->dor & FD_DOR_DMAGATE));
}

void fdc_raise_irq(FDCState *s)
{
    s->irq_pending = 1;
    s->reset_sensei = 0;
    fdc_update_irq(s);
}

void fdc_lower_irq(FDCState *s)
{
    s->irq_pending = 0;
    fdc_update_irq(s);
}

void fdc_to_command_phase(FDCState *s)
{
    s->phase = FD_PHASE_COMMAND;
    s->data_pos = 0;
    s->data_len = 0;
    s->msr = FD_MSR_RQM;
}

void fdc_to_result_phase(FDCState *s, uint32_t len)
{
    s->phase = FD_PHASE_RESULT;
    s->data_pos = 0;
    s->data_len = MIN(len, (uint32_t)sizeof(s->fifo));
    s->msr = FD_MSR_RQM | FD_MSR_DIO | FD_MSR_CMDBUSY;
}

FDrive *fdc_drive(FDCState *s, int unit)
{
    return unit >= 0 && unit < FDC_MAX_DRIVES ? &s->drives[unit] : NULL;
}

/* ---- resets ---- */

static void fdc_reset_state(FDCState *s)
{
    if (s->phase == FD_PHASE_EXECUTION && s->xfer_dma)
        isa_dma_release_dreq((int)s->dma_chan);
    fdc_lower_irq(s);
    fdc_to_command_phase(s);
    s->sense_pending = 0;
    s->reset_sensei = 0;
    s->status0 = 0;
    s->perpendicular &= ~0x03;
    if (!s->lock) {
        s->config = FD_CONFIG_EFIFO;
        s->pretrk = 0;
    }
    for (int i = 0; i < FDC_MAX_DRIVES; i++) {
        s->drives[i].track = 0;
        s->drives[i].head = 0;
        s->drives[i].sect = 1;
    }
}

/* End of a reset: with polling on, report ready-changed for each drive. */
static void fdc_reset_done(FDCState *s)
{
    if (s->config & FD_CONFIG_POLL_OFF)
        return;
    s->status0 = FD_ST0_RDYCHG;
    fdc_raise_irq(s);
    s->reset_sensei = FD_RESET_SENSEI_COUNT;
}

static bool fdc_in_reset(FDCState *s)
{
    return !(s->dor & FD_DOR_NRESET);
}

/* ---- registers ---- */

static uint8_t fdc_read_sra(FDCState *s)
{
    return (s->irq_pending ? FD_SRA_INTPEND : 0) | (s->drives[1].present ? 0 : FD_SRA_NDRV2);
}

static uint8_t fdc_read_srb(FDCState *s)
{
    return 0xc0 | (s->dor & FD_DOR_SELMASK & 1) << 5 | (s->dor & FD_DOR_MOTEN0 ? 1 : 0) |
           (s->dor & FD_DOR_MOTEN1 ? 2 : 0);
}

static uint8_t fdc_read_fifo(FDCState *s)
{
    uint8_t v;

    if (fdc_in_reset(s) || (s->msr & (FD_MSR_RQM | FD_MSR_DIO)) != (FD_MSR_RQM | FD_MSR_DIO)) {
        log_guest_error("fdc: FIFO read while the controller does not offer data\n");
        return 0;
    }
    if (s->phase == FD_PHASE_EXECUTION)
        return fdc_pio_read(s);
    if (s->data_pos >= s->data_len || s->data_pos >= sizeof(s->fifo)) {
        fdc_to_command_phase(s);
        return 0;
    }
    if (s->data_pos == 0)
        fdc_lower_irq(s);
    v = s->fifo[s->data_pos++];
    if (s->data_pos == s->data_len)
        fdc_to_command_phase(s);
    return v;
}

static void fdc_write_command_byte(FDCState *s, uint8_t v)
{
    if (s->data_pos == 0) {
        s->data_len = fdc_cmd_length(v, &s->cmd_index);
        s->msr |= FD_MSR_CMDBUSY;
        fdc_lower_irq(s);
    }
    if (s->data_pos >= s->data_len || s->data_pos >= sizeof(s->cmd)) {
        log_guest_error("fdc: command byte 0x%02x beyond the command\n", v);
        fdc_to_command_phase(s);
        return;
    }
    s->cmd[s->data_pos++] = v;
    if (s->data_pos == s->data_len || fdc_cmd_complete(s))
        fdc_cmd_execute(s);
}

static void fdc_write_fifo(FDCState *s, uint8_t v)
{
    if (fdc_in_reset(s) || (s->msr & (FD_MSR_RQM | FD_MSR_DIO)) != FD_MSR_RQM) {
        log_guest_error("fdc: FIFO write 0x%02x while the controller does not take data\n", v);
        return;
    }
    if (s->phase == FD_PHASE_EXECUTION)
        fdc_pio_write(s, v);
    else
        fdc_write_command_byte(s, v);
}

static void fdc_write_dor(FDCState *s, uint8_t v)
{
    bool was_reset = fdc_in_reset(s);

    s->dor = v;
    if (!was_reset && fdc_in_reset(s)) {
        fdc_reset_state(s);
        s->msr = 0;
    } else if (was_reset && !fdc_in_reset(s)) {
        fdc_to_command_phase(s);
        fdc_reset_done(s);
    }
    fdc_update_irq(s);
    fdc_dma_kick(s);
}

static void fdc_write_dsr(FDCState *s, uint8_t v)
{
    if (fdc_in_reset(s))
        return;
    if (v & FD_DSR_SWRESET) {
        fdc_reset_state(s);
        fdc_reset_done(s);
    }
    s->dsr = v & ~FD_DSR_SWRESET;
}

static uint64_t fdc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    FDCState *s = opaque;

    switch (addr) {
    case FD_REG_SRA:
        return fdc_read_sra(s);
    case FD_REG_SRB:
        return fdc_read_srb(s);
    case FD_REG_DOR:
        return s->dor;
    case FD_REG_TDR:
        return s->tdr;
    case FD_REG_MSR:
        s->dsr &= ~FD_DSR_PWRDOWN;
        return fdc_in_reset(s) ? 0 : s->msr;
    case FD_REG_FIFO:
        return fdc_read_fifo(s);
    default:
        return 0xff;
    }
}

static void fdc_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    FDCState *s = opaque;

    switch (addr) {
    case FD_REG_DOR:
        fdc_write_dor(s, (uint8_t)val);
        break;
    case FD_REG_TDR:
        if (!fdc_in_reset(s))
            s->tdr = val & 3;
        break;
    case FD_REG_MSR:
        fdc_write_dsr(s, (uint8_t)val);
        break;
    case FD_REG_FIFO:
        fdc_write_fifo(s, (uint8_t)val);
        break;
    default:
        log_guest_error("fdc: write 0x%02x to read-only register %u\n", (unsigned)val,
                        (unsigned)addr);
    }
}

static uint64_t fdc_dir_read(void *opaque, hwaddr addr, unsigned size)
{
    FDCState *s = opaque;
    FDrive *d = fdc_drive(s, s->dor & FD_DOR_SELMASK);

    return d && d->present && d->media_changed ? FD_DIR_DSKCHG : 0;
}

static void fdc_ccr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    FDCState *s = opaque;

    s->dsr = (s->dsr & ~FD_DSR_RATEMASK) | (val & FD_DSR_RATEMASK);
}

static const IoOps fdc_ops = {
    .read = fdc_io_read,
    .write = fdc_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const IoOps fdc_dir_ops = {
    .read = fdc_dir_read,
    .write = fdc_ccr_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- drives ---- */

static void fdc_change_media(void *opaque, bool load)
{
    FDrive *d = opaque;

    d->media_changed = 1;
    fd_drive_revalidate(d);
}

static const BlockDevOps fdc_block_ops = {
    .change_media = fdc_change_media,
};

static FDCState *fdc_cast(Device *dev, Error **errp)
{
    if (!dev || strcmp(dev->cls->name, TYPE_ISA_FDC)) {
        error_setg(errp, "not a %s device", TYPE_ISA_FDC);
        return NULL;
    }
    return (FDCState *)dev;
}

bool fdc_drive_attach(Device *fdc, int unit, BlockBackend *blk, Error **errp)
{
    FDCState *s = fdc_cast(fdc, errp);
    FDrive *d;

    if (!s)
        return false;
    d = fdc_drive(s, unit);
    if (!d || d->present || !blk) {
        error_setg(errp, d ? "floppy unit %d is already in use" : "floppy unit %d does not exist",
                   unit);
        return false;
    }
    d->present = 1;
    d->blk = blk;
    d->media_changed = 1;
    d->sect = 1;
    blk_set_dev_ops(blk, &fdc_block_ops, d);
    fd_drive_revalidate(d);
    return true;
}

int fdc_get_cmos_type(Device *fdc, int unit)
{
    FDCState *s = fdc_cast(fdc, NULL);
    FDrive *d = s ? fdc_drive(s, unit) : NULL;

    return d ? fd_drive_cmos_type(d) : 0;
}

/* ---- device ---- */

static void fdc_reset(Device *dev)
{
    FDCState *s = (FDCState *)dev;

    s->dor = FD_DOR_NRESET | FD_DOR_DMAGATE;
    s->tdr = 0;
    s->dsr = FD_RATE_500K;
    s->lock = 0;
    s->timer0 = s->timer1 = 0;
    s->perpendicular = 0;
    s->pwrdown = 0;
    fdc_reset_state(s);
    for (int i = 0; i < FDC_MAX_DRIVES; i++) {
        if (s->drives[i].present)
            s->drives[i].media_changed = 1;
    }
}

static bool fdc_realize(Device *dev, Error **errp)
{
    FDCState *s = (FDCState *)dev;

    if (s->iobase > 0xfff8 || s->irq_num >= 16 || s->dma_chan >= ISA_DMA_CHANNELS) {
        error_setg(errp, "isa-fdc: iobase 0x%x, irq %u or dma %u out of range", s->iobase,
                   s->irq_num, s->dma_chan);
        return false;
    }
    s->irq = isa_get_irq((int)s->irq_num);
    device_init_gpio_out(dev, &s->irq, 1);
    mr_init_io(&s->io, "fdc", 6, &fdc_ops, s);
    mr_init_io(&s->io_dir, "fdc-dir", 1, &fdc_dir_ops, s);
    isa_register_ioport(&s->io, (uint16_t)s->iobase);
    isa_register_ioport(&s->io_dir, (uint16_t)(s->iobase + 7));
    fdc_reset(dev);
    return true;
}

static int fdc_post_load(Device *dev)
{
    FDCState *s = (FDCState *)dev;

    if (s->phase > FD_PHASE_RESULT || s->data_len > sizeof(s->fifo) ||
        s->data_pos > s->data_len || (s->phase == FD_PHASE_COMMAND && s->data_len > FD_CMD_MAX))
        fdc_to_command_phase(s);
    if (s->xfer_dir > FD_DIR_FORMAT)
        s->xfer_dir = FD_DIR_READ;
    for (int i = 0; i < FDC_MAX_DRIVES; i++)
        fd_drive_revalidate(&s->drives[i]);
    fdc_update_irq(s);
    return 0;
}

#define FDC_VMSTATE_DRIVE(n)                                                                       \
    VMSTATE_FIELD(FDCState, drives[n].track), VMSTATE_FIELD(FDCState, drives[n].head),             \
    VMSTATE_FIELD(FDCState, drives[n].sect), VMSTATE_FIELD(FDCState, drives[n].media_changed),     \
    VMSTATE_FIELD(FDCState, drives[n].spec)

static const VMStateField fdc_vmstate_fields[] = {
    VMSTATE_FIELD(FDCState, dor), VMSTATE_FIELD(FDCState, tdr), VMSTATE_FIELD(FDCState, dsr),
    VMSTATE_FIELD(FDCState, msr), VMSTATE_FIELD(FDCState, irq_pending),
    VMSTATE_FIELD(FDCState, phase), VMSTATE_ARRAY(FDCState, cmd), VMSTATE_ARRAY(FDCState, fifo),
    VMSTATE_FIELD(FDCState, data_pos), VMSTATE_FIELD(FDCState, data_len),
    VMSTATE_FIELD(FDCState, cmd_index), VMSTATE_FIELD(FDCState, xfer_dir),
    VMSTATE_FIELD(FDCState, xfer_dma), VMSTATE_FIELD(FDCState, xfer_drive),
    VMSTATE_FIELD(FDCState, xfer_c), VMSTATE_FIELD(FDCState, xfer_h),
    VMSTATE_FIELD(FDCState, xfer_r), VMSTATE_FIELD(FDCState, xfer_n),
    VMSTATE_FIELD(FDCState, xfer_eot), VMSTATE_FIELD(FDCState, xfer_mt),
    VMSTATE_FIELD(FDCState, xfer_fill), VMSTATE_FIELD(FDCState, xfer_pos),
    VMSTATE_FIELD(FDCState, xfer_len), VMSTATE_FIELD(FDCState, status0),
    VMSTATE_FIELD(FDCState, sense_pending), VMSTATE_FIELD(FDCState, reset_sensei),
    VMSTATE_FIELD(FDCState, timer0), VMSTATE_FIELD(FDCState, timer1),
    VMSTATE_FIELD(FDCState, config), VMSTATE_FIELD(FDCState, pretrk),
    VMSTATE_FIELD(FDCState, lock), VMSTATE_FIELD(FDCState, perpendicular),
    VMSTATE_FIELD(FDCState, pwrdown), FDC_VMSTATE_DRIVE(0), FDC_VMSTATE_DRIVE(1),
    VMSTATE_END,
};

static const VMStateDesc fdc_vmstate = {
    .name = TYPE_ISA_FDC,
    .version = 1,
    .fields = fdc_vmstate_fields,
    .post_load = fdc_post_load,
};

static const Property fdc_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, FDCState, iobase, 0x3f0, "I/O base"),
    DEFINE_PROP("irq", PROP_UINT32, FDCState, irq_num, 6, "ISA IRQ"),
    DEFINE_PROP("dma", PROP_UINT32, FDCState, dma_chan, 2, "ISA DMA channel"),
    DEFINE_PROP_END,
};

static const DeviceClass fdc_class = {
    .name = TYPE_ISA_FDC,
    .desc = "Intel 82078 floppy disk controller",
    .category = "storage",
    .bus = "isa",
    .instance_size = sizeof(FDCState),
    .props = fdc_props,
    .user_creatable = true,
    .realize = fdc_realize,
    .reset = fdc_reset,
    .vmsd = &fdc_vmstate,
};
DEVICE_CLASS(fdc_class)

Device *fdc_init(void)
{
    Error *err = NULL;
    Device *dev = device_new(TYPE_ISA_FDC, &err);

    if (!dev) {
        error_report_err(err);
        exit(1);
    }
    device_realize_or_die(dev);
    return dev;
}

/* ---- -device floppy ---- */

typedef struct FloppyDev {
    Device parent;
    uint32_t unit;      /* 0 (A:) or 1 (B:); default: first free */
    char *drive;        /* -drive if=none id (QEMU's way) */
    char *file;         /* image (kemu extension) */
    char *format;
    bool readonly;
} FloppyDev;

static bool floppy_realize(Device *dev, Error **errp)
{
    FloppyDev *f = (FloppyDev *)dev;
    Device *fdc = device_find_by_class(TYPE_ISA_FDC);
    BlockOpenOptions bo = { .format = f->format, .read_only = f->readonly };
    BlockBackend *blk;
    int unit = (int)f->unit;

    if (!fdc) {
        error_setg(errp, "No 'floppy-bus' bus found for device 'floppy'");
        return false;
    }
    if (f->unit == UINT32_MAX)
        unit = ((FDCState *)fdc)->drives[0].present ? 1 : 0;
    if (f->drive)
        blk = drive_claim(f->drive, dev->cls->name, errp);
    else
        blk = f->file ? blk_open(f->file, &bo, errp) : blk_new_empty(false);
    if (!blk)
        return false;
    if (!fdc_drive_attach(fdc, unit, blk, errp)) {
        if (!f->drive)
            blk_close(blk); /* a -drive stays with the drive list */
        return false;
    }
    return true;
}

static const Property floppy_props[] = {
    DEFINE_PROP("unit", PROP_UINT32, FloppyDev, unit, UINT32_MAX, "0 (A:) or 1 (B:)"),
    DEFINE_PROP_STRING("drive", FloppyDev, drive, "a -drive if=none id"),
    DEFINE_PROP_STRING("file", FloppyDev, file, "image file (kemu extension)"),
    DEFINE_PROP_STRING("format", FloppyDev, format, "image format: raw, qcow2"),
    DEFINE_PROP("readonly", PROP_BOOL, FloppyDev, readonly, 0, "write-protected disk"),
    DEFINE_PROP_END,
};

static const DeviceClass floppy_class = {
    .name = TYPE_FLOPPY,
    .desc = "virtual floppy drive",
    .category = "storage",
    .bus = "floppy-bus",
    .instance_size = sizeof(FloppyDev),
    .props = floppy_props,
    .user_creatable = true,
    .realize = floppy_realize,
};
DEVICE_CLASS(floppy_class)
