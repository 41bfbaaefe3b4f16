/* SPDX-License-Identifier: MIT */
/*
 * ATAPI CD-ROM: the PACKET protocol and the MMC commands a PC guest uses.
 *
 * PACKET (ATA/ATAPI-6 8.21): the drive asks for the 12-byte packet with
 * DRQ and interrupt reason C/D=1 I/O=0, without an interrupt (IDENTIFY
 * PACKET DEVICE word 0 advertises 50 us DRQ). Data-in then flows either
 * by PIO, in DRQ blocks no larger than the byte count limit the host put
 * in LBA mid/high (an odd limit is rounded down while more data follows;
 * each block starts with an interrupt and its size in LBA mid/high), or
 * by bus-master DMA when the Features register's DMA bit is set. The
 * command ends with C/D=1 I/O=1, status DRDY|DSC (or DRDY|ERR with the
 * sense key in the error register's upper nibble) and an interrupt.
 *
 * Commands (MMC-3, SPC-3): TEST UNIT READY, REQUEST SENSE, INQUIRY,
 * START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ CAPACITY,
 * READ(10)/(12), READ CD (user data or raw 2352-byte sectors with zero
 * EDC/ECC, as QEMU), SEEK(10), READ TOC/PMA/ATIP formats 0-2 (the format
 * in byte 2, or in byte 9 bits 7:6 as SFF-8020i hosts send it), GET
 * CONFIGURATION, GET EVENT STATUS NOTIFICATION (polled, media class),
 * MODE SENSE(10) pages 01h and 2Ah, READ DISC INFORMATION, MECHANISM
 * STATUS, SET CD SPEED. Others fail with ILLEGAL REQUEST / INVALID
 * COMMAND OPERATION CODE.
 *
 * Media: a disc is one data track of 2048-byte sectors from LBA 0. A
 * medium arriving (block layer insert, or the tray closing on a disc)
 * raises a unit attention (28h, NOT READY TO READY CHANGE) that every
 * command except INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET EVENT
 * STATUS NOTIFICATION reports until REQUEST SENSE clears it (QEMU's
 * rule). Sense data is otherwise kept until the next command succeeds.
 */
#include "ide-internal.h"

/* Sense keys and additional sense codes (SPC-3 4.5.6, annex D) */
#define SENSE_NONE 0x00
#define SENSE_NOT_READY 0x02
#define SENSE_MEDIUM_ERROR 0x03
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION 0x06
#define SENSE_ABORTED_COMMAND 0x0b
#define ASC_UNRECOVERED_READ 0x11
#define ASC_INVALID_OPCODE 0x20
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INVALID_FIELD 0x24
#define ASC_MEDIUM_CHANGED 0x28
#define ASC_SAVING_NOT_SUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASC_REMOVAL_PREVENTED 0x53
#define ASC_ILLEGAL_MODE 0x64

/* Command flags */
#define ATAPI_ALLOW_UA 0x01     /* runs despite a pending unit attention */
#define ATAPI_NEED_MEDIUM 0x02  /* NOT READY without a medium */

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 6.5.2.7) */
#define MEC_NEW_MEDIA 2
#define MEC_MEDIA_REMOVAL 3

#define CD_MAX_SECTORS (80 * 60 * 75) /* larger media are DVDs (QEMU's rule) */
#define MMC_PROFILE_CD_ROM 0x0008
#define MMC_PROFILE_DVD_ROM 0x0010

typedef void AtapiCmdFn(IDEState *s);

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static uint16_t get_be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = lba / (60 * 75);
    p[1] = (lba / 75) % 60;
    p[2] = lba % 75;
}

/* A track address as the MSF bit asks: 00 M S F, or a 32-bit LBA. */
static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        put_be32(p, lba);
    }
}

static bool atapi_medium_ready(IDEState *s)
{
    return !s->tray_open && blk_is_inserted(s->blk);
}

uint64_t atapi_nb_sectors(IDEState *s)
{
    int64_t len = atapi_medium_ready(s) ? blk_getlength(s->blk) : 0;

    return len > 0 ? (uint64_t)len / ATAPI_SECTOR_SIZE : 0;
}

/* ---- completion ---- */

static void atapi_finish(IDEState *s, uint8_t status)
{
    s->end = IDE_END_NONE;
    s->dma_cmd = IDE_DMA_NONE;
    s->data_ptr = s->data_end = 0;
    s->status = status;
    s->nsector = ATAPI_INT_IO | ATAPI_INT_CD;
    ide_set_irq(s);
}

static void atapi_ok(IDEState *s)
{
    if (s->sense_key != SENSE_UNIT_ATTENTION)
        s->sense_key = s->asc = s->ascq = 0;
    s->error = 0;
    atapi_finish(s, ATA_STAT_DRDY | ATA_STAT_DSC);
}

/* CHECK CONDITION with the current sense data. */
static void atapi_check_condition(IDEState *s)
{
    s->error = s->sense_key << 4;
    atapi_finish(s, ATA_STAT_DRDY | ATA_STAT_ERR);
}

static void atapi_error(IDEState *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    s->sense_key = key;
    s->asc = asc;
    s->ascq = ascq;
    atapi_check_condition(s);
}

static void atapi_invalid_field(IDEState *s)
{
    atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

static void atapi_not_ready(IDEState *s)
{
    atapi_error(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, s->tray_open ? 2 : 1);
}

/* ---- data phase ---- */

/* The sector at lba as sent: user data, or a raw mode 1 sector. */
static bool atapi_load_sector(IDEState *s, int64_t lba)
{
    bool raw = s->atapi_sector_size == ATAPI_RAW_SECTOR_SIZE;
    uint8_t *p = s->cd_sector;

    if (s->cd_sector_lba == lba)
        return true;
    s->cd_sector_lba = -1;
    if (raw) {
        memset(p, 0, ATAPI_RAW_SECTOR_SIZE);
        memset(p + 1, 0xff, 10);            /* sync pattern */
        lba_to_msf(p + 12, (uint32_t)lba);  /* header */
        p[15] = 1;                          /* mode 1 */
        p += 16;
    }
    if (blk_pread(s->blk, lba * ATAPI_SECTOR_SIZE, p, ATAPI_SECTOR_SIZE) < 0)
        return false;
    s->cd_sector_lba = lba;
    return true;
}

/* Copy the next n bytes of the disc data into dst. */
static bool atapi_fill(IDEState *s, uint8_t *dst, uint32_t n)
{
    while (n) {
        uint32_t chunk;

        if (!atapi_load_sector(s, s->atapi_lba))
            return false;
        chunk = MIN(n, s->atapi_sector_size - s->atapi_pos);
        memcpy(dst, s->cd_sector + s->atapi_pos, chunk);
        dst += chunk;
        n -= chunk;
        s->atapi_pos += chunk;
        if (s->atapi_pos == s->atapi_sector_size) {
            s->atapi_pos = 0;
            s->atapi_lba++;
        }
    }
    return true;
}

static uint32_t atapi_block_size(IDEState *s)
{
    uint32_t bcl = s->atapi_bcl;

    if (bcl == 0) {
        log_guest_error("ide: %s: ATAPI byte count limit 0\n", s->bus->name);
        bcl = 0xfffe;
    }
    if (s->atapi_left <= bcl)
        return (uint32_t)s->atapi_left;
    return bcl & ~1u;
}

/* Offer the next DRQ block of a PIO data-in, or end the command. */
static void atapi_pio_next(IDEState *s)
{
    uint32_t n, start = 0;

    if (!s->atapi_left) {
        atapi_ok(s);
        return;
    }
    n = atapi_block_size(s);
    if (s->atapi_lba < 0) {
        start = s->atapi_pos;
        s->atapi_pos += n;
    } else if (!atapi_fill(s, s->io_buffer, n)) {
        atapi_error(s, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
        return;
    }
    s->atapi_left -= n;
    s->lcyl = n;
    s->hcyl = n >> 8;
    s->nsector = ATAPI_INT_IO;
    ide_pio_start(s, start, n, true, IDE_END_ATAPI_DATA);
    ide_set_irq(s);
}

static void atapi_start_data(IDEState *s)
{
    if (!s->atapi_left)
        atapi_ok(s);
    else if (s->atapi_dma)
        ide_dma_start(s, IDE_DMA_ATAPI);
    else
        atapi_pio_next(s);
}

/* The reply built in io_buffer[0, len), cut to the allocation length. */
static void atapi_reply(IDEState *s, uint32_t len, uint32_t alloc)
{
    s->atapi_lba = -1;
    s->atapi_pos = 0;
    s->atapi_left = MIN(MIN(len, alloc), IDE_BUF_SIZE);
    atapi_start_data(s);
}

static void atapi_dma_fail(IDEState *s, BMDMAResult r)
{
    if (r == BMDMA_SHORT) {
        log_guest_error("ide: %s: PRD table shorter than the ATAPI transfer\n", s->bus->name);
        bmdma_transfer_short(s->bus->bm);
        s->dma_cmd = IDE_DMA_NONE;
        s->status = ATA_STAT_DRDY | ATA_STAT_ERR;
        s->error = SENSE_ABORTED_COMMAND << 4;
        return;
    }
    atapi_error(s, SENSE_ABORTED_COMMAND, 0, 0);
}

void atapi_dma_run(IDEState *s)
{
    BMDMAState *bm = s->bus->bm;

    while (s->atapi_left) {
        uint32_t n = (uint32_t)MIN(s->atapi_left, IDE_BUF_SIZE);
        uint8_t *src = s->io_buffer;
        BMDMAResult r;

        if (s->atapi_lba < 0) {
            n = MIN(n, IDE_BUF_SIZE - s->atapi_pos);
            src += s->atapi_pos;
            s->atapi_pos += n;
        } else if (!atapi_fill(s, s->io_buffer, n)) {
            bmdma_transfer_end(bm);
            atapi_error(s, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
            return;
        }
        r = bmdma_rw(bm, src, n, true);
        if (r != BMDMA_OK) {
            atapi_dma_fail(s, r);
            return;
        }
        s->atapi_left -= n;
    }
    s->dma_cmd = IDE_DMA_NONE;
    bmdma_transfer_end(bm);
    atapi_ok(s);
}

/* ---- commands ---- */

static void cmd_test_unit_ready(IDEState *s)
{
    atapi_ok(s);
}

static void cmd_request_sense(IDEState *s)
{
    uint8_t *buf = s->io_buffer;

    memset(buf, 0, 18);
    buf[0] = 0x70;             /* current error, fixed format */
    buf[2] = s->sense_key;
    buf[7] = 10;               /* additional sense length */
    buf[12] = s->asc;
    buf[13] = s->ascq;
    s->sense_key = s->asc = s->ascq = 0;
    atapi_reply(s, 18, s->packet[4]);
}

static void cmd_inquiry(IDEState *s)
{
    uint8_t *buf = s->io_buffer;

    if (s->packet[1] & 1) { /* EVPD */
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 36);
    buf[0] = 0x05;             /* CD/DVD device */
    buf[1] = 0x80;             /* removable */
    buf[3] = 0x21;             /* ATAPI version 2, response format 1 */
    buf[4] = 36 - 5;           /* additional length */
    memcpy(buf + 8, "KEMU    ", 8);
    memcpy(buf + 16, "KEMU DVD-ROM    ", 16);
    memset(buf + 32, ' ', 4);
    memcpy(buf + 32, s->fw_rev, MIN(strlen(s->fw_rev), 4));
    atapi_reply(s, 36, get_be16(s->packet + 3));
}

static void cmd_start_stop(IDEState *s)
{
    bool start = s->packet[4] & 1, loej = s->packet[4] & 2;

    if (loej && !start && !s->tray_open) {
        if (s->tray_locked) {
            atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 2);
            return;
        }
        s->tray_open = 1;
        s->media_event = MEC_MEDIA_REMOVAL;
        s->cd_sector_lba = -1;
    } else if (loej && start && s->tray_open) {
        s->tray_open = 0;
        if (blk_is_inserted(s->blk))
            atapi_media_changed(s, true);
    }
    atapi_ok(s);
}

static void cmd_prevent_allow(IDEState *s)
{
    s->tray_locked = s->packet[4] & 1;
    atapi_ok(s);
}

static void cmd_read_capacity(IDEState *s)
{
    uint64_t n = atapi_nb_sectors(s);

    put_be32(s->io_buffer, n ? (uint32_t)(n - 1) : 0);
    put_be32(s->io_buffer + 4, ATAPI_SECTOR_SIZE);
    atapi_reply(s, 8, 8);
}

static void atapi_read(IDEState *s, uint32_t lba, uint32_t count, uint32_t sector_size)
{
    if ((uint64_t)lba + count > atapi_nb_sectors(s)) {
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    s->atapi_lba = lba;
    s->atapi_pos = 0;
    s->atapi_sector_size = sector_size;
    s->atapi_left = (uint64_t)count * sector_size;
    s->cd_sector_lba = -1;
    atapi_start_data(s);
}

static void cmd_read10(IDEState *s)
{
    atapi_read(s, get_be32(s->packet + 2), get_be16(s->packet + 7), ATAPI_SECTOR_SIZE);
}

static void cmd_read12(IDEState *s)
{
    atapi_read(s, get_be32(s->packet + 2), get_be32(s->packet + 6), ATAPI_SECTOR_SIZE);
}

static void cmd_read_cd(IDEState *s)
{
    uint32_t count = s->packet[6] << 16 | get_be16(s->packet + 7);
    uint8_t type = (s->packet[1] >> 2) & 7;

    if (type == 1) { /* CD-DA: our only track is data */
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_ILLEGAL_MODE, 0);
        return;
    }
    switch (s->packet[9] & 0xf8) {
    case 0x00: /* nothing requested */
        atapi_read(s, get_be32(s->packet + 2), 0, ATAPI_SECTOR_SIZE);
        break;
    case 0x10: /* user data */
        atapi_read(s, get_be32(s->packet + 2), count, ATAPI_SECTOR_SIZE);
        break;
    case 0xf8: /* sync, header, user data, EDC/ECC */
        atapi_read(s, get_be32(s->packet + 2), count, ATAPI_RAW_SECTOR_SIZE);
        break;
    default:
        log_unimp("ide: READ CD with byte 9 = 0x%02x\n", s->packet[9]);
        atapi_invalid_field(s);
    }
}

static void cmd_seek(IDEState *s)
{
    if (get_be32(s->packet + 2) >= atapi_nb_sectors(s)) {
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    atapi_ok(s);
}

/* READ TOC format 0: track 1 and the lead-out. */
static int atapi_toc_tracks(IDEState *s, uint8_t *buf, bool msf, uint8_t start)
{
    uint8_t *q = buf + 4;

    if (start > 1 && start != 0xaa)
        return -1;
    buf[2] = buf[3] = 1; /* first and last track */
    if (start <= 1) {
        q[1] = 0x14;     /* ADR 1, data track */
        q[2] = 1;
        put_addr(q + 4, 0, msf);
        q += 8;
    }
    q[1] = 0x14;
    q[2] = 0xaa;         /* lead-out */
    put_addr(q + 4, (uint32_t)atapi_nb_sectors(s), msf);
    q += 8;
    return (int)(q - buf);
}

/* READ TOC format 2 (full TOC): points A0, A1, A2 and track 1, in MSF. */
static int atapi_toc_raw(IDEState *s, uint8_t *buf)
{
    static const uint8_t points[] = { 0xa0, 0xa1, 0xa2, 0x01 };
    uint8_t *q = buf + 4;

    buf[2] = buf[3] = 1; /* first and last session */
    for (size_t i = 0; i < ARRAY_SIZE(points); i++, q += 11) {
        q[0] = 1;        /* session */
        q[1] = 0x14;
        q[3] = points[i];
        if (points[i] == 0xa2)
            lba_to_msf(q + 8, (uint32_t)atapi_nb_sectors(s));
        else if (points[i] == 0x01)
            lba_to_msf(q + 8, 0);
        else
            q[8] = 1;    /* first / last track number */
    }
    return (int)(q - buf);
}

static void cmd_read_toc(IDEState *s)
{
    uint8_t *buf = s->io_buffer, format = s->packet[2] & 0x0f;
    bool msf = s->packet[1] & 2;
    int len;

    if (!format)
        format = s->packet[9] >> 6;
    memset(buf, 0, 64);
    switch (format) {
    case 0:
        len = atapi_toc_tracks(s, buf, msf, s->packet[6]);
        break;
    case 1: /* multi-session information */
        buf[2] = buf[3] = 1;
        buf[5] = 0x14;
        buf[6] = 1;
        put_addr(buf + 8, 0, msf);
        len = 12;
        break;
    case 2:
        len = atapi_toc_raw(s, buf);
        break;
    default:
        len = -1;
    }
    if (len < 0) {
        atapi_invalid_field(s);
        return;
    }
    put_be16(buf, len - 2);
    atapi_reply(s, len, get_be16(s->packet + 7));
}

/* Mode pages; changeable values (page control 1) are all zero. */
static int atapi_mode_page(IDEState *s, uint8_t *p, uint8_t page, bool changeable)
{
    int len;

    if (page == 0x01) {        /* read/write error recovery */
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 6;
        p[3] = 5;              /* read retry count */
        len = 8;
    } else {                   /* 2Ah: capabilities and mechanical status (MMC-2 size) */
        memset(p, 0, 22);
        p[0] = 0x2a;
        p[1] = 20;
        p[2] = 0x3b;           /* reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R */
        p[4] = 0x71;           /* audio play, mode 2 form 1/2, multi-session */
        p[6] = 0x29 | (s->tray_locked ? 2 : 0); /* tray, eject, lock (+state) */
        p[7] = 0x03;           /* separate volume and mute */
        put_be16(p + 8, 706);  /* max speed, kB/s */
        put_be16(p + 10, 256); /* volume levels */
        put_be16(p + 12, 512); /* buffer, KiB */
        put_be16(p + 14, 706); /* current speed */
        len = 22;
    }
    if (changeable)
        memset(p + 2, 0, len - 2);
    return len;
}

static void cmd_mode_sense10(IDEState *s)
{
    uint8_t *buf = s->io_buffer, pc = s->packet[2] >> 6, page = s->packet[2] & 0x3f;
    int len = 8;

    if (pc == 3) {
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    if (page != 0x01 && page != 0x2a && page != 0x3f) {
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 8);
    if (page == 0x01 || page == 0x3f)
        len += atapi_mode_page(s, buf + len, 0x01, pc == 1);
    if (page == 0x2a || page == 0x3f)
        len += atapi_mode_page(s, buf + len, 0x2a, pc == 1);
    put_be16(buf, len - 2);
    atapi_reply(s, len, get_be16(s->packet + 7));
}

static uint16_t atapi_current_profile(IDEState *s)
{
    uint64_t n = atapi_nb_sectors(s);

    if (!n)
        return 0;
    return n > CD_MAX_SECTORS ? MMC_PROFILE_DVD_ROM : MMC_PROFILE_CD_ROM;
}

/* One feature descriptor (MMC-3 5.2); returns its length. */
static int atapi_feature(IDEState *s, uint16_t code, uint8_t *p)
{
    uint16_t profile = atapi_current_profile(s);

    put_be16(p, code);
    switch (code) {
    case 0x0000: /* profile list */
        p[2] = 0x03; /* persistent, current */
        p[3] = 8;
        put_be16(p + 4, MMC_PROFILE_DVD_ROM);
        p[6] = profile == MMC_PROFILE_DVD_ROM;
        put_be16(p + 8, MMC_PROFILE_CD_ROM);
        p[10] = profile == MMC_PROFILE_CD_ROM;
        return 12;
    case 0x0001: /* core */
        p[2] = 0x0b; /* version 2, persistent, current */
        p[3] = 8;
        put_be32(p + 4, 2); /* physical interface: ATAPI */
        p[8] = 1;    /* DBE */
        return 12;
    default:     /* 0003h removable medium */
        p[2] = 0x03;
        p[3] = 4;
        p[4] = 0x29; /* tray, eject, lock */
        return 8;
    }
}

static void cmd_get_configuration(IDEState *s)
{
    static const uint16_t features[] = { 0x0000, 0x0001, 0x0003 };
    uint8_t *buf = s->io_buffer, rt = s->packet[1] & 3;
    uint16_t first = get_be16(s->packet + 2);
    int len = 8;

    if (rt == 3) {
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 64);
    put_be16(buf + 6, atapi_current_profile(s));
    for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
        if (rt == 2 ? features[i] == first : features[i] >= first)
            len += atapi_feature(s, features[i], buf + len);
    }
    put_be32(buf, len - 4);
    atapi_reply(s, len, get_be16(s->packet + 7));
}

static void cmd_get_event_status(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    int len = 4;

    if (!(s->packet[1] & 1)) { /* only polled operation */
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 8);
    buf[3] = 1 << 4;           /* supported: media class */
    if (s->packet[4] & (1 << 4)) {
        buf[2] = 4;            /* media class */
        buf[4] = s->media_event;
        buf[5] = (s->tray_open ? 1 : 0) | (blk_is_inserted(s->blk) ? 2 : 0);
        s->media_event = 0;
        len = 8;
    } else {
        buf[2] = 0x80;         /* no event available */
    }
    put_be16(buf, len - 2);
    atapi_reply(s, len, get_be16(s->packet + 7));
}

static void cmd_read_disc_info(IDEState *s)
{
    uint8_t *buf = s->io_buffer;

    if (s->packet[1] & 7) {    /* only standard disc information */
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 34);
    put_be16(buf, 32);
    buf[2] = 0x0e;             /* complete disc, complete last session */
    buf[3] = 1;                /* first track */
    buf[4] = 1;                /* sessions */
    buf[5] = 1;                /* first track of the last session */
    buf[6] = 1;                /* last track of the last session */
    put_be32(buf + 16, 0xffffffff); /* no next session */
    put_be32(buf + 20, 0xffffffff);
    atapi_reply(s, 34, get_be16(s->packet + 7));
}

static void cmd_mechanism_status(IDEState *s)
{
    memset(s->io_buffer, 0, 8);
    s->io_buffer[1] = s->tray_open ? 0x10 : 0;
    atapi_reply(s, 8, get_be16(s->packet + 8));
}

static void cmd_set_speed(IDEState *s)
{
    atapi_ok(s);
}

static const struct {
    AtapiCmdFn *fn;
    uint8_t flags;
} atapi_cmds[256] = {
    [0x00] = { cmd_test_unit_ready, ATAPI_NEED_MEDIUM },
    [0x03] = { cmd_request_sense, ATAPI_ALLOW_UA },
    [0x12] = { cmd_inquiry, ATAPI_ALLOW_UA },
    [0x1b] = { cmd_start_stop, 0 },
    [0x1e] = { cmd_prevent_allow, 0 },
    [0x25] = { cmd_read_capacity, ATAPI_NEED_MEDIUM },
    [0x28] = { cmd_read10, ATAPI_NEED_MEDIUM },
    [0x2b] = { cmd_seek, ATAPI_NEED_MEDIUM },
    [0x43] = { cmd_read_toc, ATAPI_NEED_MEDIUM },
    [0x46] = { cmd_get_configuration, ATAPI_ALLOW_UA },
    [0x4a] = { cmd_get_event_status, ATAPI_ALLOW_UA },
    [0x51] = { cmd_read_disc_info, ATAPI_NEED_MEDIUM },
    [0x5a] = { cmd_mode_sense10, 0 },
    [0xa8] = { cmd_read12, ATAPI_NEED_MEDIUM },
    [0xbb] = { cmd_set_speed, 0 },
    [0xbd] = { cmd_mechanism_status, 0 },
    [0xbe] = { cmd_read_cd, ATAPI_NEED_MEDIUM },
};

static void atapi_exec(IDEState *s)
{
    uint8_t op = s->packet[0], flags = atapi_cmds[op].flags;

    s->atapi_lba = -1;
    s->atapi_left = 0;
    s->atapi_pos = 0;
    if (s->sense_key == SENSE_UNIT_ATTENTION && !(flags & ATAPI_ALLOW_UA)) {
        atapi_check_condition(s);
        return;
    }
    if (!atapi_cmds[op].fn) {
        log_unimp("ide: %s: ATAPI command 0x%02x\n", s->bus->name, op);
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        return;
    }
    if ((flags & ATAPI_NEED_MEDIUM) && !atapi_medium_ready(s)) {
        atapi_not_ready(s);
        return;
    }
    atapi_cmds[op].fn(s);
}

/* ---- entry points ---- */

void atapi_packet_start(IDEState *s)
{
    s->atapi_dma = s->feature & 1;
    s->atapi_bcl = s->lcyl | s->hcyl << 8;
    s->nsector = ATAPI_INT_CD;
    ide_pio_start(s, 0, ATAPI_PACKET_SIZE, false, IDE_END_ATAPI_CMD);
}

void atapi_pio_end(IDEState *s)
{
    if (s->end == IDE_END_ATAPI_CMD) {
        s->end = IDE_END_NONE;
        memcpy(s->packet, s->io_buffer, ATAPI_PACKET_SIZE);
        atapi_exec(s);
    } else {
        atapi_pio_next(s);
    }
}

void atapi_media_changed(IDEState *s, bool load)
{
    s->cd_sector_lba = -1;
    if (load) {
        s->tray_open = 0;
        s->sense_key = SENSE_UNIT_ATTENTION;
        s->asc = ASC_MEDIUM_CHANGED;
        s->ascq = 0;
        s->media_event = MEC_NEW_MEDIA;
    } else {
        s->media_event = MEC_MEDIA_REMOVAL;
    }
}
