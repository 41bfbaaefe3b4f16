/* SPDX-License-Identifier: MIT */
/*
 * The 82078 command set and the data transfers of the execution phase.
 *
 * Commands (82078 datasheet section 8, "Command Set Descriptions"): READ
 * DATA, WRITE DATA, READ ID, FORMAT TRACK, RECALIBRATE, SEEK (and RELATIVE
 * SEEK), SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY, CONFIGURE,
 * VERSION, DUMPREG, PERPENDICULAR MODE, LOCK, PART ID, POWERDOWN MODE,
 * OPTION and DRIVE SPECIFICATION. The deleted-data, READ TRACK, VERIFY and
 * SCAN commands are taken in full and answered as invalid (logged as
 * unimplemented); an unknown opcode is a one-byte invalid command (ST0
 * 80h, no interrupt).
 *
 * Data commands: the head moves to the command's cylinder first (an
 * implied seek, as QEMU always does); H must match the head select bit and
 * N must be 2 (512-byte sectors) or the sector is not found (ST1 ND). The
 * data rate must match the medium (else ST1 MA, as QEMU). Sectors run from
 * R to EOT, continuing on side 1 when MT is set. The command ends
 * normally at terminal count (the DMA count running out; the rest of a
 * partly written sector is zero-filled) and otherwise past EOT with
 * abnormal termination and ST1 EN, the datasheet's "TC not issued" case
 * (a PIO transfer on a PC never sees TC). Result C/H/R/N follow the
 * datasheet's table 8-x: the sector after the last one transferred.
 *
 * In DMA mode (SPECIFY ND=0) data moves while DMA channel 2 runs, in
 * non-DMA mode byte by byte through the FIFO with an interrupt when each
 * sector is ready.
 */
#include <errno.h>

#include "fdc-internal.h"
#include "kemu/hw/isa_dma.h"

#define FD_ST1_DE 0x20 /* data error: the image could not be read/written */

typedef void FdcCmdFn(FDCState *s);

typedef struct FdcCmd {
    uint8_t value, mask;  /* first byte & mask == value */
    uint8_t len;          /* bytes, first included (maximum for DRIVE SPEC) */
    const char *name;
    FdcCmdFn *fn;
} FdcCmd;

/* ---- helpers ---- */

static uint8_t fdc_cmd_unit(FDCState *s)
{
    return s->cmd[1] & 3;
}

static uint8_t fdc_cmd_head(FDCState *s)
{
    return (s->cmd[1] >> 2) & 1;
}

static void fdc_result(FDCState *s, uint32_t len)
{
    fdc_to_result_phase(s, len);
}

/* End a data command: the seven result bytes, then an interrupt. */
static void fdc_stop(FDCState *s, uint8_t st0, uint8_t st1, uint8_t st2)
{
    FDrive *d = fdc_drive(s, s->xfer_drive);
    uint8_t head = d && d->present ? d->head : fdc_cmd_head(s);

    if (s->phase == FD_PHASE_EXECUTION && s->xfer_dma)
        isa_dma_release_dreq((int)s->dma_chan);
    s->fifo[0] = st0 | head << 2 | s->xfer_drive;
    s->fifo[1] = st1;
    s->fifo[2] = st2;
    s->fifo[3] = s->xfer_c;
    s->fifo[4] = s->xfer_h;
    s->fifo[5] = s->xfer_r;
    s->fifo[6] = s->xfer_n;
    s->status0 = s->fifo[0];
    fdc_result(s, 7);
    fdc_raise_irq(s);
}

static bool fdc_rate_ok(FDCState *s, FDrive *d)
{
    return (s->dsr & FD_DSR_RATEMASK) == d->media_rate;
}

static FDrive *fdc_xfer_drive(FDCState *s)
{
    return fdc_drive(s, s->xfer_drive);
}

/* ---- sector I/O ---- */

/* Offset of sector (C, xfer_h, xfer_r); the head switches to xfer_h. */
static int64_t fdc_xfer_offset(FDCState *s)
{
    FDrive *d = fdc_xfer_drive(s);

    if (s->xfer_n != 2)
        return -1;
    if (s->xfer_h < 2)
        d->head = s->xfer_h;
    return fd_sector_offset(d, d->track, s->xfer_h, s->xfer_r);
}

/* Does the next sector exist? Ends the command with ND if not. */
static bool fdc_sector_check(FDCState *s)
{
    if (fdc_xfer_offset(s) < 0) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_ND, 0);
        return false;
    }
    return true;
}

/* A sector past the end of a short image reads as zeros, as in QEMU, so
 * that odd-sized images (GRUB's rescue floppy) work. */
static int fdc_pread(BlockBackend *blk, int64_t off, uint8_t *buf)
{
    int64_t len = blk_getlength(blk);

    if (len >= 0 && off + FD_SECTOR_LEN > len) {
        memset(buf, 0, FD_SECTOR_LEN);
        return off < len ? blk_pread(blk, off, buf, len - off) : 0;
    }
    return blk_pread(blk, off, buf, FD_SECTOR_LEN);
}

static bool fdc_read_sector(FDCState *s)
{
    int64_t off = fdc_xfer_offset(s);

    if (off < 0 || fdc_pread(fdc_xfer_drive(s)->blk, off, s->fifo) < 0) {
        fdc_stop(s, FD_ST0_ABNTERM, off < 0 ? FD_ST1_ND : FD_ST1_DE, 0);
        return false;
    }
    return true;
}

static bool fdc_write_sector(FDCState *s)
{
    int64_t off = fdc_xfer_offset(s);
    int r = off < 0 ? -1 : blk_pwrite(fdc_xfer_drive(s)->blk, off, s->fifo, FD_SECTOR_LEN);

    if (r < 0) {
        fdc_stop(s, FD_ST0_ABNTERM, off < 0 ? FD_ST1_ND : r == -EPERM ? FD_ST1_NW : FD_ST1_DE, 0);
        return false;
    }
    return true;
}

/* Step R/H/C past the sector just done; false when the command's range
 * (R..EOT, plus side 1 with MT) is exhausted. */
static bool fdc_next_sector(FDCState *s)
{
    if (s->xfer_r != s->xfer_eot) {
        s->xfer_r++;
        return true;
    }
    s->xfer_r = 1;
    if (s->xfer_mt && s->xfer_h == 0) {
        s->xfer_h = 1;
        return true;
    }
    if (s->xfer_mt)
        s->xfer_h = 0;
    s->xfer_c++;
    return false;
}

/* A whole sector went through the FIFO (tc: the DMA count ran out). */
static void fdc_sector_done(FDCState *s, bool tc)
{
    bool more;

    if (s->xfer_dir == FD_DIR_WRITE && !fdc_write_sector(s))
        return;
    more = fdc_next_sector(s);
    if (tc) {
        fdc_stop(s, 0, 0, 0);
        return;
    }
    if (!more) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_EN, 0);
        return;
    }
    if (!fdc_sector_check(s))
        return;
    if (s->xfer_dir == FD_DIR_READ && !fdc_read_sector(s))
        return;
    if (!s->xfer_dma)
        fdc_raise_irq(s);
}

/* Terminal count inside a sector. */
static void fdc_tc_mid_sector(FDCState *s)
{
    uint32_t off = s->xfer_pos % FD_SECTOR_LEN;

    if (s->xfer_dir == FD_DIR_WRITE) {
        memset(s->fifo + off, 0, FD_SECTOR_LEN - off);
        if (!fdc_write_sector(s))
            return;
    }
    fdc_next_sector(s);
    fdc_stop(s, 0, 0, 0);
}

/* FORMAT: four ID bytes (C, H, R, N) of one sector have arrived. */
static void fdc_format_id_done(FDCState *s)
{
    FDrive *d = fdc_xfer_drive(s);
    uint8_t c = s->fifo[0], h = s->fifo[1], r = s->fifo[2], n = s->fifo[3];
    int64_t off = fd_sector_offset(d, d->track, h, r);
    uint8_t sector[FD_SECTOR_LEN];

    s->xfer_c = c;
    s->xfer_h = h;
    s->xfer_r = r;
    if (n != 2 || h != fdc_cmd_head(s) || c != d->track || off < 0) {
        log_unimp("fdc: FORMAT of C%u H%u R%u N%u outside the image geometry\n", c, h, r, n);
    } else {
        memset(sector, s->xfer_fill, sizeof(sector));
        if (blk_pwrite(d->blk, off, sector, sizeof(sector)) < 0) {
            fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_NW, 0);
            return;
        }
    }
    if (s->xfer_pos >= s->xfer_len)
        fdc_stop(s, 0, 0, 0);
}

/* ---- execution phase: PIO ---- */

uint8_t fdc_pio_read(FDCState *s)
{
    uint32_t off = s->xfer_pos % FD_SECTOR_LEN;
    uint8_t v;

    if (s->xfer_dma || s->xfer_dir != FD_DIR_READ) {
        log_guest_error("fdc: FIFO read during a DMA or write transfer\n");
        return 0;
    }
    v = s->fifo[off];
    fdc_lower_irq(s);
    s->xfer_pos++;
    if (off == FD_SECTOR_LEN - 1)
        fdc_sector_done(s, false);
    return v;
}

void fdc_pio_write(FDCState *s, uint8_t v)
{
    uint32_t unit = s->xfer_dir == FD_DIR_FORMAT ? 4 : FD_SECTOR_LEN;
    uint32_t off = s->xfer_pos % unit;

    if (s->xfer_dma || s->xfer_dir == FD_DIR_READ) {
        log_guest_error("fdc: FIFO write during a DMA or read transfer\n");
        return;
    }
    s->fifo[off] = v;
    fdc_lower_irq(s);
    s->xfer_pos++;
    if (off == unit - 1) {
        if (s->xfer_dir == FD_DIR_FORMAT)
            fdc_format_id_done(s);
        else
            fdc_sector_done(s, false);
    }
}

/* ---- execution phase: DMA ---- */

static int fdc_dma_format(FDCState *s, int nchan, int pos, int size)
{
    while (pos < size && s->phase == FD_PHASE_EXECUTION) {
        uint32_t off = s->xfer_pos % 4, n = MIN(4 - off, (uint32_t)(size - pos));

        isa_dma_read_memory(nchan, s->fifo + off, pos, (int)n);
        pos += (int)n;
        s->xfer_pos += n;
        if (off + n == 4)
            fdc_format_id_done(s);
    }
    if (s->phase == FD_PHASE_EXECUTION)
        fdc_stop(s, 0, 0, 0);
    return pos;
}

int fdc_dma_transfer(void *opaque, int nchan, int pos, int size)
{
    FDCState *s = opaque;

    if (s->phase != FD_PHASE_EXECUTION || !s->xfer_dma)
        return pos;
    if (s->xfer_dir == FD_DIR_FORMAT)
        return fdc_dma_format(s, nchan, pos, size);
    while (pos < size && s->phase == FD_PHASE_EXECUTION) {
        uint32_t off = s->xfer_pos % FD_SECTOR_LEN;
        uint32_t n = MIN(FD_SECTOR_LEN - off, (uint32_t)(size - pos));

        if (s->xfer_dir == FD_DIR_READ)
            isa_dma_write_memory(nchan, s->fifo + off, pos, (int)n);
        else
            isa_dma_read_memory(nchan, s->fifo + off, pos, (int)n);
        pos += (int)n;
        s->xfer_pos += n;
        if (off + n == FD_SECTOR_LEN)
            fdc_sector_done(s, pos == size);
    }
    if (s->phase == FD_PHASE_EXECUTION)
        fdc_tc_mid_sector(s);
    return pos;
}

/* Raise DREQ if the transfer waits for DMA and the DOR lets it out. */
void fdc_dma_kick(FDCState *s)
{
    int chan = (int)s->dma_chan;
    int type;

    if (s->phase != FD_PHASE_EXECUTION || !s->xfer_dma || !(s->dor & FD_DOR_DMAGATE))
        return;
    if (!isa_dma_present(chan)) {
        log_guest_error("fdc: DMA transfer without a DMA controller\n");
        return;
    }
    type = isa_dma_get_transfer_type(chan);
    if ((s->xfer_dir == FD_DIR_READ) != (type == ISA_DMA_WRITE || type == ISA_DMA_VERIFY))
        log_guest_error("fdc: DMA channel %d mode %d does not suit the command\n", chan, type);
    isa_dma_register_channel(chan, fdc_dma_transfer, s);
    isa_dma_hold_dreq(chan);
}

static void fdc_start_execution(FDCState *s, FDDir dir)
{
    s->xfer_dir = dir;
    s->xfer_pos = 0;
    s->xfer_dma = !(s->timer1 & 1);
    s->phase = FD_PHASE_EXECUTION;
    s->data_pos = s->data_len = 0;
    if (s->xfer_dma) {
        s->msr = FD_MSR_CMDBUSY;
        fdc_dma_kick(s);
        return;
    }
    s->msr = FD_MSR_RQM | FD_MSR_NONDMA | FD_MSR_CMDBUSY | (dir == FD_DIR_READ ? FD_MSR_DIO : 0);
    fdc_raise_irq(s);
}

/* ---- data commands ---- */

/* Common set-up of READ DATA / WRITE DATA / READ ID / FORMAT. */
static FDrive *fdc_xfer_setup(FDCState *s)
{
    FDrive *d = fdc_drive(s, fdc_cmd_unit(s));

    s->xfer_drive = fdc_cmd_unit(s);
    s->xfer_h = fdc_cmd_head(s);
    if (d)
        d->head = fdc_cmd_head(s);
    if (!d || !fd_drive_inserted(d) || !fdc_rate_ok(s, d)) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_MA, 0);
        return NULL;
    }
    return d;
}

static void fdc_start_rw(FDCState *s, FDDir dir)
{
    FDrive *d;

    s->xfer_c = s->cmd[2];
    s->xfer_r = s->cmd[4];
    s->xfer_n = s->cmd[5];
    s->xfer_eot = s->cmd[6];
    s->xfer_mt = s->cmd[0] >> 7;
    d = fdc_xfer_setup(s);
    if (!d)
        return;
    s->xfer_h = s->cmd[3];
    if (s->xfer_n != 2)
        log_unimp("fdc: sector size code N=%u (only 512-byte sectors)\n", s->xfer_n);
    if (dir == FD_DIR_WRITE && fd_drive_read_only(d)) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_NW, 0);
        return;
    }
    d->track = s->xfer_c; /* implied seek */
    if (s->xfer_h != fdc_cmd_head(s)) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_ND, 0);
        return;
    }
    if (!fdc_sector_check(s) || (dir == FD_DIR_READ && !fdc_read_sector(s)))
        return;
    fdc_start_execution(s, dir);
}

static void cmd_read(FDCState *s)
{
    fdc_start_rw(s, FD_DIR_READ);
}

static void cmd_write(FDCState *s)
{
    fdc_start_rw(s, FD_DIR_WRITE);
}

static void cmd_read_id(FDCState *s)
{
    FDrive *d = fdc_xfer_setup(s);

    if (!d)
        return;
    s->xfer_c = d->track;
    s->xfer_r = d->sect;
    s->xfer_n = 2;
    if (d->track >= d->max_track || d->head >= d->sides) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_MA, 0);
        return;
    }
    d->sect = d->sect % d->last_sect + 1; /* the next ID under the head */
    fdc_stop(s, 0, 0, 0);
}

static void cmd_format(FDCState *s)
{
    FDrive *d;

    s->xfer_n = s->cmd[2];
    s->xfer_len = (uint32_t)s->cmd[3] * 4;
    s->xfer_fill = s->cmd[5];
    d = fdc_xfer_setup(s);
    if (!d)
        return;
    s->xfer_c = d->track;
    s->xfer_r = 1;
    if (fd_drive_read_only(d)) {
        fdc_stop(s, FD_ST0_ABNTERM, FD_ST1_NW, 0);
        return;
    }
    if (!s->xfer_len) {
        fdc_stop(s, 0, 0, 0);
        return;
    }
    fdc_start_execution(s, FD_DIR_FORMAT);
}

/* ---- head movement ---- */

static void fdc_seek_done(FDCState *s, uint8_t st0)
{
    s->status0 = st0 | fdc_cmd_head(s) << 2 | fdc_cmd_unit(s);
    s->sense_pending = 1;
    fdc_to_command_phase(s);
    fdc_raise_irq(s);
}

static void fdc_move_head(FDrive *d, uint8_t track, uint8_t head)
{
    if (track != d->track && fd_drive_inserted(d))
        d->media_changed = 0; /* a step pulse with a disk in clears DSKCHG */
    d->track = track;
    d->head = head;
}

static void cmd_seek(FDCState *s)
{
    FDrive *d = fdc_drive(s, fdc_cmd_unit(s));
    int ncn = s->cmd[2];

    if (s->cmd[0] & 0x80) { /* RELATIVE SEEK: bit 6 is the direction */
        int cur = d ? d->track : 0;
        ncn = s->cmd[0] & 0x40 ? cur + s->cmd[2] : cur - s->cmd[2];
        ncn = ncn < 0 ? 0 : ncn > 255 ? 255 : ncn;
    }
    if (d && d->present)
        fdc_move_head(d, (uint8_t)ncn, fdc_cmd_head(s));
    fdc_seek_done(s, FD_ST0_SE);
}

static void cmd_recalibrate(FDCState *s)
{
    FDrive *d = fdc_drive(s, fdc_cmd_unit(s));

    if (!d || !d->present) { /* track 0 never seen: equipment check */
        fdc_seek_done(s, FD_ST0_SE | FD_ST0_EC | FD_ST0_ABNTERM);
        return;
    }
    fdc_move_head(d, 0, 0);
    fdc_seek_done(s, FD_ST0_SE);
}

static void cmd_sense_interrupt(FDCState *s)
{
    FDrive *d;

    if (s->reset_sensei) {
        uint8_t unit = FD_RESET_SENSEI_COUNT - s->reset_sensei--;
        d = fdc_drive(s, unit);
        s->fifo[0] = FD_ST0_RDYCHG | unit;
        s->fifo[1] = d ? d->track : 0;
    } else if (s->sense_pending) {
        d = fdc_drive(s, s->status0 & FD_ST0_DS_MASK);
        s->fifo[0] = s->status0;
        s->fifo[1] = d ? d->track : 0;
        s->sense_pending = 0;
    } else {
        s->fifo[0] = FD_ST0_INVCMD;
        fdc_result(s, 1);
        return;
    }
    fdc_result(s, 2);
}

static void cmd_sense_drive(FDCState *s)
{
    FDrive *d = fdc_drive(s, fdc_cmd_unit(s));
    uint8_t st3 = fdc_cmd_head(s) << 2 | fdc_cmd_unit(s);

    if (d && d->present) {
        d->head = fdc_cmd_head(s);
        st3 |= FD_ST3_RDY | FD_ST3_TS;
        st3 |= d->track == 0 ? FD_ST3_T0 : 0;
        st3 |= fd_drive_inserted(d) && fd_drive_read_only(d) ? FD_ST3_WP : 0;
    }
    s->fifo[0] = st3;
    fdc_result(s, 1);
}

/* ---- configuration ---- */

static void cmd_specify(FDCState *s)
{
    s->timer0 = s->cmd[1];
    s->timer1 = s->cmd[2];
    fdc_to_command_phase(s);
}

static void cmd_configure(FDCState *s)
{
    s->config = s->cmd[2];
    s->pretrk = s->cmd[3];
    fdc_to_command_phase(s);
}

static void cmd_version(FDCState *s)
{
    s->fifo[0] = 0x90; /* enhanced controller */
    fdc_result(s, 1);
}

static void cmd_dumpreg(FDCState *s)
{
    s->fifo[0] = s->drives[0].track;
    s->fifo[1] = s->drives[1].track;
    s->fifo[2] = 0;
    s->fifo[3] = 0;
    s->fifo[4] = s->timer0;
    s->fifo[5] = s->timer1;
    s->fifo[6] = s->xfer_eot;
    s->fifo[7] = s->lock << 7 | (s->perpendicular & 0x3f);
    s->fifo[8] = s->config;
    s->fifo[9] = s->pretrk;
    fdc_result(s, 10);
}

static void cmd_perpendicular(FDCState *s)
{
    uint8_t v = s->cmd[1];

    if (v & 0x80) /* OW: the drive bits are written too */
        s->perpendicular = v & 0x3f;
    else
        s->perpendicular = (s->perpendicular & ~0x03) | (v & 0x03);
    fdc_to_command_phase(s);
}

static void cmd_lock(FDCState *s)
{
    s->lock = s->cmd[0] >> 7;
    s->fifo[0] = s->lock << 4;
    fdc_result(s, 1);
}

static void cmd_part_id(FDCState *s)
{
    s->fifo[0] = 0x41; /* as QEMU's 82078 */
    fdc_result(s, 1);
}

static void cmd_powerdown(FDCState *s)
{
    s->pwrdown = s->cmd[1];
    s->fifo[0] = s->pwrdown;
    fdc_result(s, 1);
}

static void cmd_option(FDCState *s)
{
    fdc_to_command_phase(s);
}

/* DRIVE SPECIFICATION: up to four drive bytes, then a byte with bit 7
 * set (bit 6 DN: no result phase). */
static void cmd_drive_spec(FDCState *s)
{
    uint8_t last = s->cmd[s->data_pos - 1];

    for (uint32_t i = 1; i < s->data_pos && i < FD_CMD_MAX; i++) {
        uint8_t b = s->cmd[i];
        FDrive *d = fdc_drive(s, b & 3);

        if (b & 0x80)
            break;
        if (d)
            d->spec = b;
    }
    if ((last & 0x80) && !(last & 0x40)) {
        for (int i = 0; i < 4; i++)
            s->fifo[i] = i < FDC_MAX_DRIVES ? s->drives[i].spec : 0;
        fdc_result(s, 4);
        return;
    }
    fdc_to_command_phase(s);
}

static void cmd_invalid(FDCState *s)
{
    s->fifo[0] = FD_ST0_INVCMD;
    fdc_result(s, 1);
}

static void cmd_unimplemented(FDCState *s)
{
    log_unimp("fdc: command 0x%02x\n", s->cmd[0]);
    cmd_invalid(s);
}

static const FdcCmd fdc_cmds[] = {
    { 0x06, 0x1f, 9, "READ DATA", cmd_read },
    { 0x05, 0x3f, 9, "WRITE DATA", cmd_write },
    { 0x0a, 0xbf, 2, "READ ID", cmd_read_id },
    { 0x0d, 0xbf, 6, "FORMAT TRACK", cmd_format },
    { 0x07, 0xff, 2, "RECALIBRATE", cmd_recalibrate },
    { 0x08, 0xff, 1, "SENSE INTERRUPT STATUS", cmd_sense_interrupt },
    { 0x03, 0xff, 3, "SPECIFY", cmd_specify },
    { 0x04, 0xff, 2, "SENSE DRIVE STATUS", cmd_sense_drive },
    { 0x0f, 0xff, 3, "SEEK", cmd_seek },
    { 0x8f, 0xbf, 3, "RELATIVE SEEK", cmd_seek },
    { 0x13, 0xff, 4, "CONFIGURE", cmd_configure },
    { 0x10, 0xff, 1, "VERSION", cmd_version },
    { 0x0e, 0xff, 1, "DUMPREG", cmd_dumpreg },
    { 0x12, 0xff, 2, "PERPENDICULAR MODE", cmd_perpendicular },
    { 0x14, 0x7f, 1, "LOCK", cmd_lock },
    { 0x18, 0xff, 1, "PART ID", cmd_part_id },
    { 0x17, 0xff, 2, "POWERDOWN MODE", cmd_powerdown },
    { 0x33, 0xff, 2, "OPTION", cmd_option },
    { 0x8e, 0xff, 6, "DRIVE SPECIFICATION", cmd_drive_spec },
    { 0x0c, 0x1f, 9, "READ DELETED DATA", cmd_unimplemented },
    { 0x09, 0x3f, 9, "WRITE DELETED DATA", cmd_unimplemented },
    { 0x02, 0xbf, 9, "READ TRACK", cmd_unimplemented },
    { 0x16, 0x1f, 9, "VERIFY", cmd_unimplemented },
    { 0x11, 0x1f, 9, "SCAN EQUAL", cmd_unimplemented },
    { 0x19, 0x1f, 9, "SCAN LOW OR EQUAL", cmd_unimplemented },
    { 0x1d, 0x1f, 9, "SCAN HIGH OR EQUAL", cmd_unimplemented },
    { 0x00, 0x00, 1, "INVALID", cmd_invalid }, /* catch-all: keep last */
};

uint32_t fdc_cmd_length(uint8_t b, uint8_t *index)
{
    for (size_t i = 0; i < ARRAY_SIZE(fdc_cmds); i++) {
        if ((b & fdc_cmds[i].mask) == fdc_cmds[i].value) {
            *index = (uint8_t)i;
            return fdc_cmds[i].len;
        }
    }
    *index = ARRAY_SIZE(fdc_cmds) - 1;
    return 1;
}

bool fdc_cmd_complete(FDCState *s)
{
    return s->cmd_index < ARRAY_SIZE(fdc_cmds) && fdc_cmds[s->cmd_index].fn == cmd_drive_spec &&
           s->data_pos >= 2 &&
           (s->cmd[s->data_pos - 1] & 0x80);
}

void fdc_cmd_execute(FDCState *s)
{
    uint8_t i = s->cmd_index < ARRAY_SIZE(fdc_cmds) ? s->cmd_index : ARRAY_SIZE(fdc_cmds) - 1;

    log_mask_printf(LOG_TRACE, "fdc: %s\n", fdc_cmds[i].name);
    fdc_cmds[i].fn(s);
}
