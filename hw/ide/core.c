/* SPDX-License-Identifier: MIT */
/*
 * IDE channel core: the task file registers, PIO data port, device
 * control, interrupts and resets of one channel with two drives.
 *
 * Command block (ATA/ATAPI-6 chapter 7), at the channel's base port:
 *   +0 data (16/32-bit PIO)  +1 error / features  +2 sector count
 *   +3 LBA low / sector      +4 LBA mid / cyl low  +5 LBA high / cyl high
 *   +6 device (DEV selects the drive)              +7 status / command
 * Control block: alternate status (read, no interrupt side effect) /
 * device control (write: nIEN, SRST, HOB).
 *
 * Writes to registers 1-6 go to both drives; each keeps the previous value
 * as the "HOB" byte for 48-bit commands, read back while HOB is set in the
 * device control register (any command block write clears HOB). Writes to
 * registers 1-6 while the selected drive has BSY or DRQ set are ignored;
 * a command written while BSY/DRQ is set is ignored except DEVICE RESET to
 * a packet device. Following QEMU where ATA leaves the bus undefined: with
 * no drive on the channel every register reads 0 (data port byte 0xff),
 * and a missing slave reads 0 for status and error.
 *
 * INTRQ is each drive's pending interrupt gated by nIEN; only the selected
 * drive drives the line (ATA/ATAPI-6 5.2.9). Reading the status register
 * or writing a command clears the pending interrupt. A rising INTRQ sets
 * the bus master's Interrupt bit (SFF-8038i 2.1.2).
 *
 * SRST (set, then cleared) resets both drives: status DRDY|DSC for a disk
 * and 0 for a packet device, error 01h (diagnostic passed), the
 * signature in the task file and DEV cleared (9.12).
 */
#include <assert.h>

#include "ide-internal.h"

static IDEBus *ide_buses;
static int ide_bus_count;

static IDEState *ide_cur(IDEBus *bus)
{
    return &bus->ifs[bus->unit];
}

bool ide_drive_present(IDEState *s)
{
    return s->kind != IDE_NONE;
}

static bool ide_bus_empty(IDEBus *bus)
{
    return !ide_drive_present(&bus->ifs[0]) && !ide_drive_present(&bus->ifs[1]);
}

IDEBus *ide_bus_find(const char *name)
{
    for (IDEBus *bus = ide_buses; bus; bus = bus->next) {
        if (!strcmp(bus->name, name))
            return bus;
    }
    return NULL;
}

/* ---- interrupts ---- */

void ide_bus_update_irq(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    uint8_t level = s->irq_pending && !(bus->cmd & ATA_CTL_NIEN);

    if (level && !bus->irq_level && bus->bm)
        bmdma_irq(bus->bm);
    bus->irq_level = level;
    irq_set(bus->irq, level);
}

void ide_set_irq(IDEState *s)
{
    s->irq_pending = 1;
    ide_bus_update_irq(s->bus);
}

static void ide_clear_irq(IDEState *s)
{
    s->irq_pending = 0;
    ide_bus_update_irq(s->bus);
}

/* ---- command completion ---- */

static void ide_transfer_stop(IDEState *s)
{
    s->end = IDE_END_NONE;
    s->dma_cmd = IDE_DMA_NONE;
    s->data_ptr = s->data_end = 0;
}

void ide_cmd_done(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
    ide_set_irq(s);
}

void ide_abort(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = ATA_STAT_DRDY | ATA_STAT_ERR;
    s->error = ATA_ERR_ABRT;
    ide_set_irq(s);
}

void ide_set_signature(IDEState *s)
{
    s->select &= ~ATA_DEV_HEAD;
    s->nsector = 1;
    s->sector = 1;
    if (s->kind == IDE_CD) {
        s->lcyl = 0x14;
        s->hcyl = 0xeb;
    } else if (s->kind == IDE_HD) {
        s->lcyl = 0;
        s->hcyl = 0;
    } else {
        s->lcyl = 0xff;
        s->hcyl = 0xff;
    }
}

static void ide_power_on_settings(IDEState *s)
{
    s->cur_cyls = s->cyls;
    s->cur_heads = s->heads;
    s->cur_secs = s->secs;
    s->mult_sectors = IDE_MAX_MULT; /* QEMU's default: multiple mode on */
    s->write_cache = 1;
    s->xfer_mode = 0x45;            /* UDMA mode 5 selected, as QEMU reports */
    s->standby = 0;
    s->tray_locked = 0;
    s->sense_key = s->asc = s->ascq = 0;
    s->media_event = 0;
    s->select = ATA_DEV_OBS;
}

void ide_drive_reset(IDEState *s, bool power_on)
{
    ide_transfer_stop(s);
    if (power_on)
        ide_power_on_settings(s);
    s->select = ATA_DEV_OBS;
    s->feature = s->hob_feature = 0;
    s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
    s->status = s->kind == IDE_HD ? ATA_STAT_DRDY | ATA_STAT_DSC : 0;
    s->error = 0x01;
    s->irq_pending = 0;
    s->cmd = 0;
    s->lba48 = 0;
    s->atapi_lba = -1;
    s->atapi_left = 0;
    s->cd_sector_lba = -1;
    ide_set_signature(s);
}

/* ---- PIO ---- */

void ide_pio_start(IDEState *s, uint32_t start, uint32_t len, bool out, IDEEnd end)
{
    assert(start <= IDE_BUF_SIZE && len <= IDE_BUF_SIZE - start);
    s->data_ptr = start;
    s->data_end = start + len;
    s->pio_out = out;
    s->end = end;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
}

/* The host has read or written the whole PIO window. */
static void ide_pio_finished(IDEState *s)
{
    IDEEnd end = s->end;

    s->status &= ~ATA_STAT_DRQ;
    s->end = IDE_END_NONE;
    switch (end) {
    case IDE_END_NONE:
        s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
        break;
    case IDE_END_ATA_READ:
    case IDE_END_ATA_WRITE:
        s->end = end;
        ata_pio_end(s);
        break;
    case IDE_END_ATAPI_CMD:
    case IDE_END_ATAPI_DATA:
        s->end = end;
        atapi_pio_end(s);
        break;
    }
}

static bool ide_pio_ready(IDEState *s, bool out)
{
    return (s->status & ATA_STAT_DRQ) && s->dma_cmd == IDE_DMA_NONE && s->pio_out == out &&
           s->data_ptr < s->data_end;
}

static uint32_t ide_data_read(IDEBus *bus, unsigned size)
{
    IDEState *s = ide_cur(bus);
    uint32_t v = 0, n;

    if (!ide_pio_ready(s, true))
        return 0;
    n = MIN(size, s->data_end - s->data_ptr);
    memcpy(&v, s->io_buffer + s->data_ptr, n);
    s->data_ptr += n;
    if (s->data_ptr >= s->data_end)
        ide_pio_finished(s);
    return v;
}

static void ide_data_write(IDEBus *bus, uint32_t val, unsigned size)
{
    IDEState *s = ide_cur(bus);
    uint32_t n;

    if (!ide_pio_ready(s, false)) {
        log_guest_error("ide: %s: data write without DRQ\n", bus->name);
        return;
    }
    n = MIN(size, s->data_end - s->data_ptr);
    memcpy(s->io_buffer + s->data_ptr, &val, n);
    s->data_ptr += n;
    if (s->data_ptr >= s->data_end)
        ide_pio_finished(s);
}

/* ---- DMA hand-off ---- */

void ide_dma_start(IDEState *s, IDEDmaCmd cmd)
{
    s->end = IDE_END_NONE;
    s->data_ptr = s->data_end = 0;
    s->dma_cmd = cmd;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    ide_bus_kick_dma(s->bus);
}

void ide_bus_kick_dma(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);

    if (!bus->bm || !bmdma_started(bus->bm) || s->dma_cmd == IDE_DMA_NONE)
        return;
    if (s->dma_cmd == IDE_DMA_ATAPI)
        atapi_dma_run(s);
    else
        ata_dma_run(s);
}

/* ---- registers ---- */

static uint8_t ide_reg_read(IDEBus *bus, unsigned reg)
{
    IDEState *s = ide_cur(bus);
    bool hob = bus->cmd & ATA_CTL_HOB, none = ide_bus_empty(bus);
    uint8_t v;

    switch (reg) {
    case 1:
        return none || !ide_drive_present(s) ? 0 : hob ? s->hob_feature : s->error;
    case 2:
        return none ? 0 : hob ? s->hob_nsector : s->nsector;
    case 3:
        return none ? 0 : hob ? s->hob_sector : s->sector;
    case 4:
        return none ? 0 : hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return none ? 0 : hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return none ? 0 : s->select;
    case 7:
        v = none || !ide_drive_present(s) ? 0 : s->status;
        ide_clear_irq(s);
        return v;
    default:
        return 0xff;
    }
}

/* Registers 1-5 of one drive: the new value, the previous one kept as HOB. */
static void ide_latch(IDEState *d, unsigned reg, uint8_t val)
{
    switch (reg) {
    case 1:
        d->hob_feature = d->feature;
        d->feature = val;
        break;
    case 2:
        d->hob_nsector = d->nsector;
        d->nsector = val;
        break;
    case 3:
        d->hob_sector = d->sector;
        d->sector = val;
        break;
    case 4:
        d->hob_lcyl = d->lcyl;
        d->lcyl = val;
        break;
    case 5:
        d->hob_hcyl = d->hcyl;
        d->hcyl = val;
        break;
    }
}

static void ide_exec(IDEBus *bus, uint8_t cmd)
{
    IDEState *s = ide_cur(bus);

    if (!ide_drive_present(s))
        return;
    if ((s->status & (ATA_STAT_BSY | ATA_STAT_DRQ)) &&
        !(cmd == ATA_DEVICE_RESET && s->kind == IDE_CD)) {
        log_guest_error("ide: %s: command 0x%02x while busy (status 0x%02x)\n", bus->name, cmd,
                        s->status);
        return;
    }
    ide_clear_irq(s);
    s->cmd = cmd;
    s->lba48 = 0;
    s->error = 0;
    ata_exec_cmd(s, cmd);
}

static void ide_reg_write(IDEBus *bus, unsigned reg, uint8_t val)
{
    IDEState *s = ide_cur(bus);

    if (reg == 7) {
        ide_exec(bus, val);
        return;
    }
    bus->cmd &= ~ATA_CTL_HOB;
    if (s->status & (ATA_STAT_BSY | ATA_STAT_DRQ)) {
        log_guest_error("ide: %s: register %u written while busy\n", bus->name, reg);
        return;
    }
    if (reg == 6) {
        bus->ifs[0].select = bus->ifs[1].select = val | ATA_DEV_OBS;
        bus->unit = (val & ATA_DEV_DEV) ? 1 : 0;
        ide_bus_update_irq(bus);
        return;
    }
    ide_latch(&bus->ifs[0], reg, val);
    ide_latch(&bus->ifs[1], reg, val);
}

uint64_t ide_ioport_read(IDEBus *bus, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    if (addr == 0 && size > 1)
        return ide_data_read(bus, size);
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)(addr + i < 8 ? ide_reg_read(bus, (unsigned)addr + i) : 0xff) << (8 * i);
    return v;
}

void ide_ioport_write(IDEBus *bus, hwaddr addr, uint64_t val, unsigned size)
{
    if (addr == 0) {
        if (size > 1)
            ide_data_write(bus, (uint32_t)val, size);
        return;
    }
    for (unsigned i = 0; i < size && addr + i < 8; i++)
        ide_reg_write(bus, (unsigned)addr + i, (uint8_t)(val >> (8 * i)));
}

uint8_t ide_status_read(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);

    return ide_bus_empty(bus) || !ide_drive_present(s) ? 0 : s->status;
}

static void ide_srst_begin(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];

        ide_transfer_stop(s);
        s->irq_pending = 0;
        if (ide_drive_present(s))
            s->status = ATA_STAT_BSY | ATA_STAT_DSC;
    }
}

void ide_ctrl_write(IDEBus *bus, uint8_t val)
{
    bool was = bus->cmd & ATA_CTL_SRST, now = val & ATA_CTL_SRST;

    bus->cmd = val;
    if (!was && now) {
        ide_srst_begin(bus);
    } else if (was && !now) {
        ide_drive_reset(&bus->ifs[0], false);
        ide_drive_reset(&bus->ifs[1], false);
        bus->unit = 0;
    }
    ide_bus_update_irq(bus);
}

/* ---- bus ---- */

void ide_bus_init(IDEBus *bus, IrqLine *irq, BMDMAState *bm)
{
    IDEBus **pp = &ide_buses;

    snprintf(bus->name, sizeof(bus->name), "ide.%d", ide_bus_count++);
    bus->irq = irq;
    bus->bm = bm;
    for (int i = 0; i < 2; i++) {
        bus->ifs[i].bus = bus;
        bus->ifs[i].unit = i;
        bus->ifs[i].kind = IDE_NONE;
    }
    bus->next = NULL;
    while (*pp)
        pp = &(*pp)->next;
    *pp = bus;
}

void ide_bus_reset(IDEBus *bus)
{
    bus->cmd = 0;
    bus->unit = 0;
    ide_drive_reset(&bus->ifs[0], true);
    ide_drive_reset(&bus->ifs[1], true);
    bus->irq_level = 0;
    irq_set(bus->irq, 0);
}

void ide_put_string(uint8_t *words, const char *str, int len)
{
    size_t n = strlen(str);

    for (int i = 0; i < len; i++)
        words[i ^ 1] = (size_t)i < n ? str[i] : ' ';
}
