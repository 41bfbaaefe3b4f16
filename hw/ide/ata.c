/* SPDX-License-Identifier: MIT */
/*
 * The ATA command set of an IDE hard disk (and the few non-packet
 * commands of an ATAPI device), ATA/ATAPI-6 chapter 8.
 *
 * Addressing: LBA28 (device register bit 6), LBA48 (the EXT commands:
 * the HOB bytes of the task file are bits 47:24) or CHS through the
 * current geometry (INITIALIZE DEVICE PARAMETERS, default 16 heads and 63
 * sectors as QEMU guesses). A request that does not fit in the disk ends
 * with IDNF (6.2.6); a failed host read or write with ABRT, as in QEMU.
 * After each block the task file holds the address of the next sector
 * (QEMU's behaviour; ATA leaves it unspecified for normal completion).
 *
 * PIO reads raise an interrupt before each DRQ block; PIO writes take the
 * first block without one and interrupt after each block written. READ/
 * WRITE MULTIPLE move mult_sectors per block. DMA commands wait for the
 * bus master (bmdma.c) and complete with one interrupt.
 *
 * Commands not valid for the drive abort (a packet device also puts its
 * signature in the task file, as 8.16 and 8.27 ask for IDENTIFY DEVICE
 * and READ SECTORS).
 */
#include <inttypes.h>

#include "ide-internal.h"

#define CMD_HD 0x01 /* valid for ATA disks */
#define CMD_CD 0x02 /* valid for packet devices */

typedef void AtaCmdFn(IDEState *s);

/* ---- addressing ---- */

static uint64_t ata_get_sector(IDEState *s)
{
    unsigned cyl, head, sec;

    if (s->lba48) {
        return (uint64_t)s->hob_hcyl << 40 | (uint64_t)s->hob_lcyl << 32 |
               (uint64_t)s->hob_sector << 24 | (uint32_t)s->hcyl << 16 | s->lcyl << 8 | s->sector;
    }
    if (s->select & ATA_DEV_LBA)
        return (uint32_t)(s->select & ATA_DEV_HEAD) << 24 | s->hcyl << 16 | s->lcyl << 8 |
               s->sector;
    cyl = s->hcyl << 8 | s->lcyl;
    head = s->select & ATA_DEV_HEAD;
    sec = s->sector;
    if (sec == 0 || sec > s->cur_secs || head >= s->cur_heads)
        return UINT64_MAX;
    return ((uint64_t)cyl * s->cur_heads + head) * s->cur_secs + sec - 1;
}

static uint32_t ata_get_count(IDEState *s)
{
    uint32_t n = s->lba48 ? (uint32_t)s->hob_nsector << 8 | s->nsector : s->nsector;

    return n ? n : s->lba48 ? 65536 : 256;
}

void ata_set_sector(IDEState *s, uint64_t n)
{
    if (s->lba48) {
        s->hob_hcyl = n >> 40;
        s->hob_lcyl = n >> 32;
        s->hob_sector = n >> 24;
    } else if (s->select & ATA_DEV_LBA) {
        s->select = (s->select & ~ATA_DEV_HEAD) | ((n >> 24) & ATA_DEV_HEAD);
    } else {
        uint32_t track = s->cur_heads * s->cur_secs;
        uint64_t cyl = n / track;

        s->select = (s->select & ~ATA_DEV_HEAD) | ((n % track) / s->cur_secs);
        s->hcyl = cyl >> 8;
        s->lcyl = cyl;
        s->sector = n % s->cur_secs + 1;
        return;
    }
    s->hcyl = n >> 16;
    s->lcyl = n >> 8;
    s->sector = n;
}

static void ata_set_count(IDEState *s, uint32_t left)
{
    s->nsector = left;
    if (s->lba48)
        s->hob_nsector = left >> 8;
}

static void ata_idnf(IDEState *s)
{
    s->status = ATA_STAT_DRDY | ATA_STAT_ERR;
    s->error = ATA_ERR_IDNF;
    ide_set_irq(s);
}

/* Set up sector_num/nsector_left for the command, or fail with IDNF. */
static bool ata_start_rw(IDEState *s, bool lba48)
{
    uint64_t sector;
    uint32_t count;

    s->lba48 = lba48;
    sector = ata_get_sector(s);
    count = ata_get_count(s);
    if (sector > s->nb_sectors || count > s->nb_sectors - sector) {
        log_guest_error("ide: %s: sectors %" PRIu64 "+%u beyond the disk (%" PRIu64 ")\n",
                        s->bus->name, sector, count, s->nb_sectors);
        ata_idnf(s);
        return false;
    }
    s->sector_num = sector;
    s->nsector_left = count;
    s->standby = 0; /* media access spins the disk up */
    return true;
}

static bool ata_is_ext(uint8_t cmd)
{
    switch (cmd) {
    case ATA_READ_SECTORS_EXT:
    case ATA_READ_DMA_EXT:
    case ATA_READ_MULTIPLE_EXT:
    case ATA_WRITE_SECTORS_EXT:
    case ATA_WRITE_DMA_EXT:
    case ATA_WRITE_MULTIPLE_EXT:
    case ATA_READ_VERIFY_EXT:
    case ATA_FLUSH_CACHE_EXT:
        return true;
    default:
        return false;
    }
}

static bool ata_is_multiple(uint8_t cmd)
{
    return cmd == ATA_READ_MULTIPLE || cmd == ATA_READ_MULTIPLE_EXT ||
           cmd == ATA_WRITE_MULTIPLE || cmd == ATA_WRITE_MULTIPLE_EXT;
}

/* Sectors done: advance the address and the remaining count. */
static void ata_advance(IDEState *s, uint32_t n)
{
    s->sector_num += n;
    s->nsector_left -= n;
    ata_set_sector(s, s->sector_num);
    ata_set_count(s, s->nsector_left);
}

static void ata_write_done(IDEState *s)
{
    if (!s->write_cache && blk_flush(s->blk) < 0) {
        ide_abort(s);
        return;
    }
    ide_cmd_done(s);
}

/* ---- PIO read/write ---- */

static void ata_pio_read_block(IDEState *s)
{
    uint32_t n = MIN(s->nsector_left, s->req_sectors);

    if (blk_pread(s->blk, (int64_t)s->sector_num * IDE_SECTOR_SIZE, s->io_buffer,
                  n * IDE_SECTOR_SIZE) < 0) {
        ide_abort(s);
        return;
    }
    ata_advance(s, n);
    ide_pio_start(s, 0, n * IDE_SECTOR_SIZE, true,
                  s->nsector_left ? IDE_END_ATA_READ : IDE_END_NONE);
    ide_set_irq(s);
}

static void ata_pio_write_block(IDEState *s)
{
    uint32_t n = MIN(s->nsector_left, s->req_sectors);

    ide_pio_start(s, 0, n * IDE_SECTOR_SIZE, false, IDE_END_ATA_WRITE);
}

static void ata_pio_write_done(IDEState *s)
{
    uint32_t n = s->data_end / IDE_SECTOR_SIZE;

    if (blk_pwrite(s->blk, (int64_t)s->sector_num * IDE_SECTOR_SIZE, s->io_buffer,
                   n * IDE_SECTOR_SIZE) < 0) {
        ide_abort(s);
        return;
    }
    ata_advance(s, n);
    if (!s->nsector_left) {
        ata_write_done(s);
        return;
    }
    ata_pio_write_block(s);
    ide_set_irq(s);
}

void ata_pio_end(IDEState *s)
{
    if (s->end == IDE_END_ATA_READ)
        ata_pio_read_block(s);
    else
        ata_pio_write_done(s);
}

static bool ata_setup_pio(IDEState *s)
{
    if (ata_is_multiple(s->cmd) && !s->mult_sectors) {
        log_guest_error("ide: %s: READ/WRITE MULTIPLE with multiple mode off\n", s->bus->name);
        ide_abort(s);
        return false;
    }
    if (!ata_start_rw(s, ata_is_ext(s->cmd)))
        return false;
    s->req_sectors = ata_is_multiple(s->cmd) ? s->mult_sectors : 1;
    return true;
}

static void cmd_read_pio(IDEState *s)
{
    if (ata_setup_pio(s))
        ata_pio_read_block(s);
}

static void cmd_write_pio(IDEState *s)
{
    if (ata_setup_pio(s))
        ata_pio_write_block(s);
}

/* ---- DMA ---- */

static void cmd_read_dma(IDEState *s)
{
    if (ata_start_rw(s, ata_is_ext(s->cmd)))
        ide_dma_start(s, IDE_DMA_ATA_READ);
}

static void cmd_write_dma(IDEState *s)
{
    if (ata_start_rw(s, ata_is_ext(s->cmd)))
        ide_dma_start(s, IDE_DMA_ATA_WRITE);
}

/* One bounce-buffer chunk between the disk and the PRD regions. */
static int ata_dma_chunk(IDEState *s, uint32_t n, bool to_memory)
{
    BMDMAState *bm = s->bus->bm;
    int64_t off = (int64_t)s->sector_num * IDE_SECTOR_SIZE;
    uint32_t len = n * IDE_SECTOR_SIZE;
    BMDMAResult r;

    if (to_memory) {
        if (blk_pread(s->blk, off, s->io_buffer, len) < 0)
            return -1;
        return bmdma_rw(bm, s->io_buffer, len, true);
    }
    r = bmdma_rw(bm, s->io_buffer, len, false);
    if (r != BMDMA_OK)
        return r;
    return blk_pwrite(s->blk, off, s->io_buffer, len) < 0 ? -1 : BMDMA_OK;
}

static void ata_dma_fail(IDEState *s, int r)
{
    s->dma_cmd = IDE_DMA_NONE;
    if (r == BMDMA_SHORT) {
        /* SFF-8038i: Interrupt=0 Active=0, the device gives up silently */
        log_guest_error("ide: %s: PRD table shorter than the transfer\n", s->bus->name);
        bmdma_transfer_short(s->bus->bm);
        s->status = ATA_STAT_DRDY | ATA_STAT_ERR;
        s->error = ATA_ERR_ABRT;
        return;
    }
    if (r < 0)
        bmdma_transfer_end(s->bus->bm);
    ide_abort(s);
}

void ata_dma_run(IDEState *s)
{
    bool to_memory = s->dma_cmd == IDE_DMA_ATA_READ;
    BMDMAState *bm = s->bus->bm;

    if (!!(bm->cmd & BM_CMD_TO_MEMORY) != to_memory)
        log_guest_error("ide: %s: bus master direction disagrees with the command\n",
                        s->bus->name);
    while (s->nsector_left) {
        uint32_t n = MIN(s->nsector_left, IDE_BUF_SIZE / IDE_SECTOR_SIZE);
        int r = ata_dma_chunk(s, n, to_memory);

        if (r != BMDMA_OK) {
            ata_dma_fail(s, r);
            return;
        }
        ata_advance(s, n);
    }
    s->dma_cmd = IDE_DMA_NONE;
    bmdma_transfer_end(bm);
    if (to_memory)
        ide_cmd_done(s);
    else
        ata_write_done(s);
}

/* ---- other data commands ---- */

static void cmd_read_verify(IDEState *s)
{
    if (ata_start_rw(s, ata_is_ext(s->cmd))) {
        ata_advance(s, s->nsector_left);
        ide_cmd_done(s);
    }
}

static void cmd_seek(IDEState *s)
{
    uint64_t sector = ata_get_sector(s);

    if (sector >= s->nb_sectors) {
        ata_idnf(s);
        return;
    }
    ide_cmd_done(s);
}

static void cmd_flush(IDEState *s)
{
    if (blk_flush(s->blk) < 0)
        ide_abort(s);
    else
        ide_cmd_done(s);
}

static void cmd_identify(IDEState *s)
{
    ata_identify_fill(s, s->io_buffer);
    ide_pio_start(s, 0, IDE_SECTOR_SIZE, true, IDE_END_NONE);
    ide_set_irq(s);
}

static void cmd_identify_packet(IDEState *s)
{
    ata_identify_packet_fill(s, s->io_buffer);
    ide_pio_start(s, 0, IDE_SECTOR_SIZE, true, IDE_END_NONE);
    ide_set_irq(s);
}

/* ---- settings ---- */

static bool ata_xfer_mode_valid(uint8_t mode)
{
    switch (mode >> 3) {
    case 0: /* PIO default mode (with or without IORDY) */
        return mode <= 1;
    case 1: /* PIO flow control mode 0-4 */
        return (mode & 7) <= 4;
    case 4: /* multiword DMA 0-2 */
        return (mode & 7) <= 2;
    case 8: /* Ultra DMA 0-5 */
        return (mode & 7) <= 5;
    default:
        return false;
    }
}

static void cmd_set_features(IDEState *s)
{
    switch (s->feature) {
    case 0x02: /* enable write cache */
    case 0x82: /* disable write cache */
        s->write_cache = s->feature == 0x02;
        break;
    case 0x03: /* set transfer mode from the sector count */
        if (!ata_xfer_mode_valid(s->nsector)) {
            ide_abort(s);
            return;
        }
        if (s->nsector >= 0x20)
            s->xfer_mode = s->nsector;
        break;
    case 0x55: /* disable read look-ahead */
    case 0xaa: /* enable read look-ahead */
    case 0x66: /* keep settings at reset */
    case 0xcc: /* revert to power-on defaults at reset */
        break;
    default:
        log_unimp("ide: %s: SET FEATURES 0x%02x\n", s->bus->name, s->feature);
        ide_abort(s);
        return;
    }
    ide_cmd_done(s);
}

static void cmd_set_multiple(IDEState *s)
{
    uint8_t n = s->nsector;

    if (n > IDE_MAX_MULT || (n & (n - 1))) {
        ide_abort(s);
        return;
    }
    s->mult_sectors = n;
    ide_cmd_done(s);
}

/* INITIALIZE DEVICE PARAMETERS: the CHS translation for later commands. */
static void cmd_init_params(IDEState *s)
{
    uint16_t heads = (s->select & ATA_DEV_HEAD) + 1, secs = s->nsector;
    uint64_t cyls;

    if (!secs) {
        ide_abort(s);
        return;
    }
    cyls = MIN(s->nb_sectors, ATA_LBA28_MAX) / (heads * secs);
    s->cur_heads = heads;
    s->cur_secs = secs;
    s->cur_cyls = MIN(cyls, 65535);
    ide_cmd_done(s);
}

static void cmd_power(IDEState *s)
{
    s->standby = s->cmd == ATA_STANDBY || s->cmd == ATA_STANDBY_IMMEDIATE || s->cmd == ATA_SLEEP;
    ide_cmd_done(s);
}

static void cmd_check_power(IDEState *s)
{
    s->nsector = s->standby ? 0x00 : 0xff;
    ide_cmd_done(s);
}

static void cmd_nop_ok(IDEState *s)
{
    ide_cmd_done(s);
}

/* ---- resets ---- */

static void ata_diag_result(IDEState *d)
{
    ide_set_signature(d);
    d->select = ATA_DEV_OBS;
    d->error = 0x01;
    d->status = d->kind == IDE_CD ? 0 : ATA_STAT_DRDY | ATA_STAT_DSC;
}

/* EXECUTE DEVICE DIAGNOSTIC: both drives answer; device 0 interrupts. */
static void cmd_exec_diagnostic(IDEState *s)
{
    IDEBus *bus = s->bus;
    IDEState *d0 = &bus->ifs[0];

    for (int i = 0; i < 2; i++) {
        if (ide_drive_present(&bus->ifs[i]))
            ata_diag_result(&bus->ifs[i]);
    }
    bus->unit = 0;
    ide_set_irq(ide_drive_present(d0) ? d0 : s);
}

/* DEVICE RESET (packet devices): no interrupt (8.7). */
static void cmd_device_reset(IDEState *s)
{
    ide_drive_reset(s, false);
}

static void cmd_packet(IDEState *s)
{
    atapi_packet_start(s);
}

static const struct {
    AtaCmdFn *fn;
    uint8_t flags;
} ata_cmds[256] = {
    [ATA_NOP] = { ide_abort, CMD_HD | CMD_CD }, /* NOP always aborts */
    [ATA_DEVICE_RESET] = { cmd_device_reset, CMD_CD },
    [ATA_RECALIBRATE] = { cmd_nop_ok, CMD_HD },
    [ATA_READ_SECTORS] = { cmd_read_pio, CMD_HD },
    [ATA_READ_SECTORS_NORETRY] = { cmd_read_pio, CMD_HD },
    [ATA_READ_SECTORS_EXT] = { cmd_read_pio, CMD_HD },
    [ATA_READ_DMA_EXT] = { cmd_read_dma, CMD_HD },
    [ATA_READ_MULTIPLE_EXT] = { cmd_read_pio, CMD_HD },
    [ATA_WRITE_SECTORS] = { cmd_write_pio, CMD_HD },
    [ATA_WRITE_SECTORS_NORETRY] = { cmd_write_pio, CMD_HD },
    [ATA_WRITE_SECTORS_EXT] = { cmd_write_pio, CMD_HD },
    [ATA_WRITE_DMA_EXT] = { cmd_write_dma, CMD_HD },
    [ATA_WRITE_MULTIPLE_EXT] = { cmd_write_pio, CMD_HD },
    [ATA_WRITE_VERIFY] = { cmd_write_pio, CMD_HD },
    [ATA_READ_VERIFY] = { cmd_read_verify, CMD_HD },
    [ATA_READ_VERIFY_NORETRY] = { cmd_read_verify, CMD_HD },
    [ATA_READ_VERIFY_EXT] = { cmd_read_verify, CMD_HD },
    [ATA_SEEK] = { cmd_seek, CMD_HD },
    [ATA_EXECUTE_DIAGNOSTIC] = { cmd_exec_diagnostic, CMD_HD | CMD_CD },
    [ATA_INITIALIZE_PARAMS] = { cmd_init_params, CMD_HD },
    [ATA_PACKET] = { cmd_packet, CMD_CD },
    [ATA_IDENTIFY_PACKET] = { cmd_identify_packet, CMD_CD },
    [ATA_READ_MULTIPLE] = { cmd_read_pio, CMD_HD },
    [ATA_WRITE_MULTIPLE] = { cmd_write_pio, CMD_HD },
    [ATA_SET_MULTIPLE] = { cmd_set_multiple, CMD_HD },
    [ATA_READ_DMA] = { cmd_read_dma, CMD_HD },
    [ATA_READ_DMA_NORETRY] = { cmd_read_dma, CMD_HD },
    [ATA_WRITE_DMA] = { cmd_write_dma, CMD_HD },
    [ATA_WRITE_DMA_NORETRY] = { cmd_write_dma, CMD_HD },
    [ATA_STANDBY_IMMEDIATE] = { cmd_power, CMD_HD | CMD_CD },
    [ATA_IDLE_IMMEDIATE] = { cmd_power, CMD_HD | CMD_CD },
    [ATA_STANDBY] = { cmd_power, CMD_HD },
    [ATA_IDLE] = { cmd_power, CMD_HD },
    [ATA_CHECK_POWER_MODE] = { cmd_check_power, CMD_HD | CMD_CD },
    [ATA_SLEEP] = { cmd_power, CMD_HD | CMD_CD },
    [ATA_FLUSH_CACHE] = { cmd_flush, CMD_HD },
    [ATA_FLUSH_CACHE_EXT] = { cmd_flush, CMD_HD },
    [ATA_IDENTIFY] = { cmd_identify, CMD_HD },
    [ATA_SET_FEATURES] = { cmd_set_features, CMD_HD | CMD_CD },
};

void ata_exec_cmd(IDEState *s, uint8_t cmd)
{
    uint8_t need = s->kind == IDE_CD ? CMD_CD : CMD_HD;

    if (!ata_cmds[cmd].fn || !(ata_cmds[cmd].flags & need)) {
        log_guest_error("ide: %s: command 0x%02x not supported by %s\n", s->bus->name, cmd,
                        s->kind == IDE_CD ? "a packet device" : "a disk");
        if (s->kind == IDE_CD)
            ide_set_signature(s);
        ide_abort(s);
        return;
    }
    ata_cmds[cmd].fn(s);
}

/* ---- IDENTIFY data ---- */

static void ata_identify_strings(IDEState *s, uint16_t *w)
{
    ide_put_string((uint8_t *)(w + 10), s->serial, 20);
    ide_put_string((uint8_t *)(w + 23), s->fw_rev, 8);
    ide_put_string((uint8_t *)(w + 27), s->model, 40);
}

/* Word 255: signature A5h and a checksum making all 512 bytes sum to 0. */
static void ata_identify_finish(uint16_t *w, uint8_t *buf)
{
    uint8_t sum = 0xa5;

    for (int i = 0; i < 255; i++)
        sum += (uint8_t)w[i] + (uint8_t)(w[i] >> 8);
    w[255] = 0xa5 | (uint8_t)-sum << 8;
    for (int i = 0; i < 256; i++)
        stw_le(buf + 2 * i, w[i]);
}

/* Words 63 and 88: supported modes, plus the selected one. */
static void ata_identify_dma_modes(IDEState *s, uint16_t *w)
{
    w[63] = 0x07;
    w[88] = 0x3f;
    if ((s->xfer_mode >> 3) == 4)
        w[63] |= 0x100 << (s->xfer_mode & 7);
    else if ((s->xfer_mode >> 3) == 8)
        w[88] |= 0x100 << (s->xfer_mode & 7);
}

void ata_identify_fill(IDEState *s, uint8_t *buf)
{
    uint16_t w[256] = { 0 };
    uint64_t lba28 = MIN(s->nb_sectors, ATA_LBA28_MAX);
    uint32_t cur_cap = (uint32_t)s->cur_cyls * s->cur_heads * s->cur_secs;

    w[0] = 0x0040;                              /* fixed device */
    w[1] = s->cyls;
    w[3] = s->heads;
    w[4] = IDE_SECTOR_SIZE * s->secs;           /* obsolete: bytes per track */
    w[5] = IDE_SECTOR_SIZE;                     /* obsolete: bytes per sector */
    w[6] = s->secs;
    ata_identify_strings(s, w);
    w[20] = 3;                                  /* obsolete: buffer type */
    w[21] = 512;                                /* obsolete: buffer size */
    w[22] = 4;                                  /* obsolete: ECC bytes */
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[48] = 1;                                  /* 32-bit PIO */
    w[49] = 1 << 11 | 1 << 9 | 1 << 8;          /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x200;                              /* PIO timing mode 2 */
    w[52] = 0x200;
    w[53] = 1 | 2 | 4;                          /* words 54-58, 64-70, 88 valid */
    w[54] = s->cur_cyls;
    w[55] = s->cur_heads;
    w[56] = s->cur_secs;
    w[57] = cur_cap;
    w[58] = cur_cap >> 16;
    if (s->mult_sectors)
        w[59] = 0x100 | s->mult_sectors;
    w[60] = lba28;
    w[61] = lba28 >> 16;
    w[62] = 0x07;                               /* single-word DMA 0-2 */
    w[64] = 0x03;                               /* PIO modes 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;        /* cycle times, ns */
    w[80] = 0xf0;                               /* ATA-4 to ATA-7 */
    w[81] = 0x16;
    w[82] = 1 << 14 | 1 << 5;                   /* NOP, write cache */
    w[83] = 1 << 14 | 1 << 13 | 1 << 12 | 1 << 10; /* FLUSH CACHE (EXT), LBA48 */
    w[84] = 1 << 14;
    w[85] = 1 << 14 | (s->write_cache ? 1 << 5 : 0);
    w[86] = 1 << 13 | 1 << 12 | 1 << 10;
    w[87] = 1 << 14;
    ata_identify_dma_modes(s, w);
    w[93] = 1 | 1 << 14 | 1 << 13;              /* reset result, 80-wire cable */
    for (int i = 0; i < 4; i++)
        w[100 + i] = s->nb_sectors >> (16 * i);
    ata_identify_finish(w, buf);
}

void ata_identify_packet_fill(IDEState *s, uint8_t *buf)
{
    uint16_t w[256] = { 0 };

    /* ATAPI, CD-ROM (type 5), removable, 50 us DRQ, 12-byte packets */
    w[0] = 2 << 14 | 5 << 8 | 1 << 7 | 2 << 5;
    ata_identify_strings(s, w);
    w[48] = 1;
    w[49] = 1 << 9 | 1 << 8;                    /* LBA, DMA */
    w[53] = 1 | 2 | 4;
    w[62] = 0x07;
    w[64] = 0x03;
    w[65] = 0xb4;
    w[66] = 0xb4;
    w[67] = 0x12c;
    w[68] = 0xb4;
    w[71] = 30;
    w[72] = 30;
    w[80] = 0x1e;                               /* ATA/ATAPI-1 to 4 */
    w[82] = 1 << 14 | 1 << 9 | 1 << 4;          /* NOP, DEVICE RESET, PACKET */
    w[83] = 1 << 14;
    w[84] = 1 << 14;
    w[85] = w[82];
    w[87] = 1 << 14;
    ata_identify_dma_modes(s, w);
    w[93] = 1 | 1 << 14 | 1 << 13;
    ata_identify_finish(w, buf);
}
