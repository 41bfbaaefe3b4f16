/* SPDX-License-Identifier: MIT */
/*
 * test-atapi: an ATAPI CD-ROM on the secondary IDE channel, through qtest.
 *
 * The medium is a sparse 650 MiB image (332800 sectors of 2048 bytes, a
 * few of them filled with a pattern) on ide.1 unit 0 (0x170/0x376, IRQ
 * 15). Checked: the packet signature, IDENTIFY (PACKET) DEVICE, the PACKET
 * protocol (interrupt reason, byte count limit, DRQ blocks), INQUIRY, TEST
 * UNIT READY, REQUEST SENSE, READ CAPACITY, READ(10)/(12), READ CD (user
 * data and raw), READ TOC formats 0-2, MODE SENSE(10), GET CONFIGURATION,
 * GET EVENT STATUS NOTIFICATION, START STOP UNIT with PREVENT ALLOW
 * MEDIUM REMOVAL and the unit attention after the tray closes, SEEK, READ
 * DISC INFORMATION, invalid commands and a bus-master DMA read.
 * References: ATA/ATAPI-6 8.21, MMC-3, SPC-3. Runs against QEMU too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define IDE_DEVFN ((1 << 3) | 1)
#define BASE 0x170
#define CTL 0x376
#define BM_BASE 0xc000
#define BM2 (BM_BASE + 8)
#define PRD_ADDR 0x10000
#define BUF_ADDR 0x100000
#define IRQ_CD 15
#define CD_SECTORS 332800u

#define R_FEATURE 1
#define R_ERROR 1
#define R_NSECTOR 2
#define R_SECTOR 3
#define R_LCYL 4
#define R_HCYL 5
#define R_SELECT 6
#define R_STATUS 7

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01

static char *img_path;
static int last_blocks[64], last_nblocks;

/* ---- set-up ---- */

static uint32_t cfg_addr(int devfn, int reg)
{
    return 0x80000000u | (unsigned)devfn << 8 | (reg & 0xfc);
}

static void cfg_writel(int devfn, int reg, uint32_t v)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    outl(0xcfc, v);
}

static void fill_cd_sector(uint8_t *buf, uint32_t lba)
{
    for (int i = 0; i < 2048; i++)
        buf[i] = (uint8_t)(lba * 5 + i / 3);
    memcpy(buf, &lba, 4);
}

static const uint32_t pattern_lbas[] = { 0, 16, 1000, 1001, 1002, CD_SECTORS - 1 };

static void make_image(void)
{
    uint8_t sec[2048];
    int fd;

    img_path = qtest_tmpfile("cdrom");
    fd = open(img_path, O_WRONLY | O_TRUNC);
    if (ftruncate(fd, (off_t)CD_SECTORS * 2048) < 0)
        abort();
    for (size_t i = 0; i < sizeof(pattern_lbas) / sizeof(pattern_lbas[0]); i++) {
        fill_cd_sector(sec, pattern_lbas[i]);
        if (pwrite(fd, sec, 2048, (off_t)pattern_lbas[i] * 2048) != 2048)
            abort();
    }
    close(fd);
}

static bool has_piix_ide(void)
{
    QTestState *s = qtest_init(qtest_isa_machine());
    bool has;

    qtest_outl(s, 0xcf8, cfg_addr(IDE_DEVFN, 0));
    has = (qtest_inl(s, 0xcfc) & 0xffff) == 0x8086;
    qtest_quit(s);
    return has;
}

static void start(void)
{
    char args[2048];
    const char *ctrl = has_piix_ide() ? "" : "-device piix3-ide,addr=01.1";

    if (qtest_is_qemu())
        snprintf(args, sizeof(args),
                 "%s -drive if=none,id=cd0,file=%s,format=raw,media=cdrom "
                 "-device ide-cd,drive=cd0,bus=ide.1,unit=0",
                 qtest_isa_machine(), img_path);
    else
        snprintf(args, sizeof(args), "%s %s -device ide-cd,bus=ide.1,unit=0,file=%s,format=raw",
                 qtest_isa_machine(), ctrl, img_path);
    qtest_start(args);
    qtest_irq_intercept_in(global_qtest, "ioapic");
    cfg_writel(IDE_DEVFN, 0x20, BM_BASE | 1);
    cfg_writel(IDE_DEVFN, 0x04, 0x05);
}

/* ---- register and packet helpers ---- */

static uint8_t rd(int reg)
{
    return inb(BASE + reg);
}

static void wait_idle(void)
{
    for (int i = 0; i < 100000 && (inb(CTL) & ST_BSY); i++)
        usleep(10);
}

static void wr(int reg, uint8_t v)
{
    outb(BASE + reg, v);
    if (reg == R_STATUS)
        wait_idle();
}

static void send_packet(const uint8_t *cdb, uint16_t bcl, bool dma)
{
    const uint16_t *w = (const uint16_t *)cdb;

    wr(R_SELECT, 0xa0);
    wr(R_FEATURE, dma ? 1 : 0);
    wr(R_LCYL, bcl & 0xff);
    wr(R_HCYL, bcl >> 8);
    wr(R_STATUS, 0xa0);
    for (int i = 0; i < 6; i++)
        outw(BASE, w[i]);
    wait_idle();
}

/* Read every DRQ block; returns the bytes read, or -1 - sense key on a
 * CHECK CONDITION. Block sizes go to last_blocks[]. */
static int read_data(uint8_t *buf, int max)
{
    int total = 0;
    uint8_t st;

    last_nblocks = 0;
    while (((st = rd(R_STATUS)) & ST_DRQ) && last_nblocks < 64) {
        int n = rd(R_LCYL) | rd(R_HCYL) << 8;

        if (last_nblocks < 64)
            last_blocks[last_nblocks++] = n;
        for (int i = 0; i < n; i += 2) {
            uint16_t v = inw(BASE);

            if (total + i < max)
                buf[total + i] = v & 0xff;
            if (total + i + 1 < max && i + 1 < n)
                buf[total + i + 1] = v >> 8;
        }
        total += n;
        wait_idle();
    }
    if (st & ST_ERR)
        return -1 - (rd(R_ERROR) >> 4);
    return total;
}

static int cmd(const uint8_t *cdb, uint16_t bcl, uint8_t *buf, int max)
{
    send_packet(cdb, bcl, false);
    return read_data(buf, max);
}

/* REQUEST SENSE: key << 16 | asc << 8 | ascq */
static uint32_t sense(void)
{
    uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 }, buf[18] = { 0 };

    if (cmd(cdb, 18, buf, sizeof(buf)) != 18)
        return 0xffffffff;
    return (uint32_t)(buf[2] & 0xf) << 16 | buf[12] << 8 | buf[13];
}

static uint16_t be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static bool cd_sector_ok(const uint8_t *buf, uint32_t lba)
{
    uint8_t want[2048];

    fill_cd_sector(want, lba);
    return memcmp(buf, want, 2048) == 0;
}

static void clear_unit_attention(void)
{
    uint8_t tur[12] = { 0 }, buf[4];

    for (int i = 0; i < 4 && cmd(tur, 0, buf, 0) != 0; i++)
        sense();
}

/* ---- tests ---- */

static void test_signature_identify(void)
{
    uint16_t w[256];
    char model[41];

    wr(R_SELECT, 0xa0);
    qt_eq(rd(R_NSECTOR) << 24 | rd(R_SECTOR) << 16 | rd(R_LCYL) << 8 | rd(R_HCYL), 0x010114eb,
          "packet device signature 01/01/14/EB");
    wr(R_STATUS, 0xec);
    qt_eq(rd(R_STATUS) & (ST_ERR | ST_DRQ), ST_ERR, "IDENTIFY DEVICE aborts on a packet device");
    qt_eq(rd(R_LCYL) << 8 | rd(R_HCYL), 0x14eb, "... and leaves the signature");
    wr(R_STATUS, 0xa1);
    qt_ok(get_irq(IRQ_CD), "IDENTIFY PACKET DEVICE interrupts");
    qt_eq(rd(R_STATUS) & ST_DRQ, ST_DRQ, "IDENTIFY PACKET DEVICE: DRQ");
    for (int i = 0; i < 256; i++)
        w[i] = inw(BASE);
    qt_eq(w[0], 0x85c0, "word 0: ATAPI CD-ROM, removable, 50 us DRQ, 12-byte packets");
    for (int i = 0; i < 20; i++) {
        model[2 * i] = w[27 + i] >> 8;
        model[2 * i + 1] = w[27 + i] & 0xff;
    }
    model[40] = 0;
    for (int i = 39; i >= 0 && model[i] == ' '; i--)
        model[i] = 0;
    qt_ok(!strcmp(model, qtest_is_qemu() ? "QEMU DVD-ROM" : "KEMU DVD-ROM"), "model '%s'", model);
    qt_eq(w[49] & 0x0300, 0x0300, "word 49: LBA and DMA");
}

static void test_basic_commands(void)
{
    uint8_t tur[12] = { 0 }, inq[12] = { 0x12, 0, 0, 0, 36 }, cap[12] = { 0x25 };
    uint8_t buf[64];

    clear_unit_attention();
    send_packet(tur, 0, false);
    qt_ok(get_irq(IRQ_CD), "TEST UNIT READY completes with an interrupt");
    qt_eq(rd(R_NSECTOR) & 3, 3, "interrupt reason: I/O and C/D (completion)");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "TEST UNIT READY: good status");

    memset(buf, 0, sizeof(buf));
    qt_eq(cmd(inq, 0xfffe, buf, sizeof(buf)), 36, "INQUIRY returns 36 bytes");
    qt_eq(buf[0] << 8 | buf[1], 0x0580, "INQUIRY: CD/DVD device, removable");
    qt_ok(!memcmp(buf + 8, qtest_is_qemu() ? "QEMU    " : "KEMU    ", 8), "INQUIRY vendor");
    qt_ok(!memcmp(buf + 16, qtest_is_qemu() ? "QEMU DVD-ROM" : "KEMU DVD-ROM", 12),
          "INQUIRY product");
    inq[4] = 5;
    if (qtest_is_qemu())
        qt_skip("QEMU hangs on odd-length PIO blocks", "INQUIRY cut to 5 bytes");
    else
        qt_eq(cmd(inq, 0xfffe, buf, sizeof(buf)), 5, "INQUIRY is cut to the allocation length");

    qt_eq(cmd(cap, 8, buf, sizeof(buf)), 8, "READ CAPACITY returns 8 bytes");
    qt_eq(be32(buf), CD_SECTORS - 1, "READ CAPACITY: last LBA");
    qt_eq(be32(buf + 4), 2048, "READ CAPACITY: 2048-byte blocks");
}

static void test_reads(void)
{
    static uint8_t buf[3 * 2352];
    uint8_t r10[12] = { 0x28, 0, 0, 0, 0x03, 0xe8, 0, 0, 2 };
    uint8_t r12[12] = { 0xa8, 0, (CD_SECTORS - 1) >> 24, ((CD_SECTORS - 1) >> 16) & 0xff,
                        ((CD_SECTORS - 1) >> 8) & 0xff, (CD_SECTORS - 1) & 0xff, 0, 0, 0, 1 };
    uint8_t rcd[12] = { 0xbe, 0, 0, 0, 0x03, 0xe8, 0, 0, 1, 0x10 };

    qt_eq(cmd(r10, 0xfffe, buf, sizeof(buf)), 4096, "READ(10) of 2 sectors");
    qt_eq(last_nblocks, 1, "... in one DRQ block under a 64K byte count limit");
    qt_ok(cd_sector_ok(buf, 1000) && cd_sector_ok(buf + 2048, 1001), "READ(10) data");

    memset(buf, 0, sizeof(buf));
    qt_eq(cmd(r10, 1000, buf, sizeof(buf)), 4096, "READ(10) with byte count limit 1000");
    qt_ok(last_nblocks == 5 && last_blocks[0] == 1000 && last_blocks[4] == 96,
          "... in DRQ blocks of 1000 bytes and a last one of 96");
    qt_ok(cd_sector_ok(buf, 1000) && cd_sector_ok(buf + 2048, 1001), "... same data");
    if (!qtest_is_qemu()) {
        qt_eq(cmd(r10, 999, buf, sizeof(buf)), 4096, "READ(10) with an odd limit 999");
        qt_eq(last_blocks[0], 998, "... blocks rounded down to 998 bytes");
        qt_ok(cd_sector_ok(buf, 1000), "... same data");
    } else {
        qt_skip("QEMU splits blocks at sector boundaries", "odd byte count limit");
    }

    qt_eq(cmd(r12, 0xfffe, buf, sizeof(buf)), 2048, "READ(12) of the last sector");
    qt_ok(cd_sector_ok(buf, CD_SECTORS - 1), "READ(12) data");

    r10[8] = 0;
    qt_eq(cmd(r10, 0xfffe, buf, sizeof(buf)), 0, "READ(10) of 0 sectors: no data, good status");

    qt_eq(cmd(rcd, 0xfffe, buf, sizeof(buf)), 2048, "READ CD, user data");
    qt_ok(cd_sector_ok(buf, 1000), "READ CD user data matches");
    rcd[9] = 0xf8;
    qt_eq(cmd(rcd, 0xfffe, buf, sizeof(buf)), 2352, "READ CD raw: 2352 bytes");
    qt_ok(buf[0] == 0 && buf[1] == 0xff && buf[10] == 0xff && buf[11] == 0,
          "raw sector: sync pattern");
    qt_eq(buf[12] << 16 | buf[13] << 8 | buf[14], 0x00 << 16 | 15 << 8 | 25,
          "raw sector header: MSF 00:15:25 (LBA 1000 + 150)");
    qt_eq(buf[15], 1, "raw sector header: mode 1");
    qt_ok(cd_sector_ok(buf + 16, 1000), "raw sector: user data at byte 16");

    r10[2] = CD_SECTORS >> 24;
    r10[3] = (CD_SECTORS >> 16) & 0xff;
    r10[4] = (CD_SECTORS >> 8) & 0xff;
    r10[5] = CD_SECTORS & 0xff;
    r10[8] = 1;
    qt_eq(cmd(r10, 0xfffe, buf, sizeof(buf)), -1 - 5, "READ(10) past the end: ILLEGAL REQUEST");
    qt_eq(sense(), 0x052100, "REQUEST SENSE: 05/21/00 LBA out of range");
    if (!qtest_is_qemu())
        qt_eq(sense(), 0, "sense data cleared after REQUEST SENSE");
}

static void test_toc(void)
{
    uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 64 }, buf[64];

    memset(buf, 0xcc, sizeof(buf));
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), 20, "READ TOC format 0: 20 bytes");
    qt_eq(be16(buf) << 16 | buf[2] << 8 | buf[3], 18 << 16 | 1 << 8 | 1,
          "TOC header: length 18, tracks 1-1");
    qt_eq(buf[5] << 8 | buf[6], 0x1401, "track 1: data track");
    qt_eq(be32(buf + 8), 0, "track 1 at LBA 0");
    qt_eq(buf[13] << 8 | buf[14], qtest_is_qemu() ? 0x16aa : 0x14aa, "lead-out entry");
    qt_eq(be32(buf + 16), CD_SECTORS, "lead-out at LBA 332800");

    toc[1] = 2; /* MSF */
    cmd(toc, 0xfffe, buf, sizeof(buf));
    qt_eq(be32(buf + 8), 0x00000200, "MSF: track 1 at 00:02:00");
    qt_eq(be32(buf + 16), 73 << 16 | 59 << 8 | 25, "MSF: lead-out at 73:59:25");

    toc[1] = 0;
    toc[6] = 0xaa;
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), 12, "TOC from track AAh: the lead-out only");
    toc[6] = 2;
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), -1 - 5, "TOC from track 2: ILLEGAL REQUEST");
    qt_eq(sense(), 0x052400, "... invalid field in CDB");
    toc[6] = 0;

    toc[9] = 0x40; /* SFF-8020i: format 1 in byte 9 */
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), 12, "TOC format 1 (in byte 9): 12 bytes");
    qt_eq(be16(buf) << 16 | buf[2] << 8 | buf[3], 10 << 16 | 1 << 8 | 1, "sessions 1-1");
    if (!qtest_is_qemu())
        qt_eq(buf[6], 1, "first track of the last session");
    toc[9] = 0;
    if (qtest_is_qemu()) {
        qt_skip("QEMU reads the format from byte 9 only", "TOC formats in byte 2");
        return;
    }
    toc[2] = 1;
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), 12, "TOC format 1 in byte 2 (MMC style)");

    toc[2] = 2;
    toc[1] = 2;
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), 48, "TOC format 2 (full TOC): 4 descriptors");
    qt_eq(buf[4 + 3] << 16 | buf[15 + 3] << 8 | buf[26 + 3], 0xa0a1a2, "points A0, A1, A2");
    qt_eq(buf[26 + 8] << 16 | buf[26 + 9] << 8 | buf[26 + 10], 73 << 16 | 59 << 8 | 25,
          "A2: lead-out 73:59:25");
    toc[2] = 3;
    toc[1] = 0;
    qt_eq(cmd(toc, 0xfffe, buf, sizeof(buf)), -1 - 5, "TOC format 3 (PMA): not supported");
    sense();
}

static void test_mode_config(void)
{
    uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 }, buf[64];
    uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 64 };
    uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    uint8_t rdi[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };

    qt_eq(cmd(ms, 0xfffe, buf, sizeof(buf)), 30, "MODE SENSE(10) page 2Ah: 8 + 22 bytes");
    qt_eq(be16(buf), 28, "mode data length 28");
    qt_eq(buf[8] << 8 | buf[9], 0x2a14, "capabilities page, length 20");
    qt_eq(buf[14] & 0x09, 0x09, "lock and eject supported");
    ms[2] = 0x01;
    qt_eq(cmd(ms, 0xfffe, buf, sizeof(buf)), 16, "MODE SENSE(10) page 01h: 8 + 8 bytes");
    qt_eq(buf[8], 0x01, "error recovery page");
    ms[2] = 0xc1;
    qt_eq(cmd(ms, 0xfffe, buf, sizeof(buf)), -1 - 5, "saved values: ILLEGAL REQUEST");
    qt_eq(sense(), 0x053900, "... saving parameters not supported");
    ms[2] = 0x3f;
    if (!qtest_is_qemu())
        qt_eq(cmd(ms, 0xfffe, buf, sizeof(buf)), 38, "page 3Fh: both pages");
    ms[2] = 0x05;
    qt_eq(cmd(ms, 0xfffe, buf, sizeof(buf)), -1 - 5, "page 05h: ILLEGAL REQUEST");
    sense();

    qt_ok(cmd(gc, 0xfffe, buf, sizeof(buf)) >= 8, "GET CONFIGURATION");
    qt_eq(be16(buf + 6), 0x0008, "current profile: CD-ROM (650 MiB medium)");
    qt_eq(be16(buf + 8), 0x0000, "first feature: profile list");
    if (qtest_is_qemu()) {
        qt_skip("QEMU", "GET CONFIGURATION with RT=2");
        goto gesn;
    }
    gc[1] = 2;
    gc[3] = 1;
    qt_eq(cmd(gc, 0xfffe, buf, sizeof(buf)), 20, "RT=2, feature 1: the core feature only");
    qt_eq(be16(buf + 8), 0x0001, "core feature");
    qt_eq(be32(buf + 12), 2, "core feature: ATAPI interface");
gesn:

    qt_eq(cmd(gesn, 0xfffe, buf, sizeof(buf)), 8, "GET EVENT STATUS NOTIFICATION, media class");
    qt_eq(buf[2] & 7, 4, "notification class: media");
    qt_eq(buf[5] & 3, 2, "media present, tray closed");
    gesn[1] = 0;
    qt_eq(cmd(gesn, 0xfffe, buf, sizeof(buf)), -1 - 5, "asynchronous GESN: ILLEGAL REQUEST");
    sense();

    qt_eq(cmd(rdi, 0xfffe, buf, sizeof(buf)), 34, "READ DISC INFORMATION: 34 bytes");
    qt_eq(buf[2] & 0x03, 0x02, "disc status: complete");
    qt_eq(buf[3] << 8 | buf[6], 0x0101, "tracks 1-1");
}

static void test_tray(void)
{
    uint8_t ssu[12] = { 0x1b, 0, 0, 0, 0x02 }, pam[12] = { 0x1e, 0, 0, 0, 1 };
    uint8_t tur[12] = { 0 }, inq[12] = { 0x12, 0, 0, 0, 36 }, buf[64];
    uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };

    qt_eq(cmd(pam, 0, buf, 0), 0, "PREVENT MEDIUM REMOVAL");
    qt_eq(cmd(ssu, 0, buf, 0), -1 - (qtest_is_qemu() ? 2 : 5), "eject while locked refused");
    qt_eq(sense() & 0xff00, 0x5300, "... medium removal prevented (53h)");
    pam[4] = 0;
    cmd(pam, 0, buf, 0);
    qt_eq(cmd(ssu, 0, buf, 0), 0, "START STOP UNIT: eject");
    qt_eq(cmd(tur, 0, buf, 0), -1 - 2, "TEST UNIT READY with the tray open: NOT READY");
    qt_eq(sense() & 0xffff00, 0x023a00, "... medium not present");
    cmd(gesn, 0xfffe, buf, sizeof(buf));
    qt_eq(buf[5] & 1, 1, "GESN: tray open");
    ssu[4] = 0x03;
    qt_eq(cmd(ssu, 0, buf, 0), 0, "START STOP UNIT: load");
    if (qtest_is_qemu()) {
        qt_skip("QEMU differs", "unit attention after the tray closes");
        return;
    }
    qt_eq(cmd(tur, 0, buf, 0), -1 - 6, "after loading: UNIT ATTENTION");
    qt_eq(cmd(inq, 0xfffe, buf, sizeof(buf)), 36, "INQUIRY still runs under a unit attention");
    qt_eq(cmd(tur, 0, buf, 0), -1 - 6, "the unit attention stays until REQUEST SENSE");
    cmd(gesn, 0xfffe, buf, sizeof(buf));
    qt_eq(buf[4] << 8 | (buf[5] & 3), 2 << 8 | 2, "GESN: new media, present, closed");
    qt_eq(sense(), 0x062800, "REQUEST SENSE: 06/28/00 medium may have changed");
    qt_eq(cmd(tur, 0, buf, 0), 0, "TEST UNIT READY good again");
}

static void test_misc(void)
{
    uint8_t seek[12] = { 0x2b, 0, 0, 0, 0x10, 0 }, bad[12] = { 0xff }, buf[64];
    uint8_t sm[12] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8 };

    qt_eq(cmd(seek, 0, buf, 0), 0, "SEEK(10)");
    seek[2] = 0x10;
    qt_eq(cmd(seek, 0, buf, 0), -1 - 5, "SEEK past the end: ILLEGAL REQUEST");
    qt_eq(sense(), 0x052100, "... LBA out of range");
    qt_eq(cmd(bad, 0xfffe, buf, sizeof(buf)), -1 - 5, "opcode FFh: ILLEGAL REQUEST");
    qt_eq(sense(), 0x052000, "... invalid command operation code");
    qt_eq(cmd(sm, 0xfffe, buf, sizeof(buf)), 8, "MECHANISM STATUS: 8 bytes");

    wr(R_STATUS, 0x08); /* DEVICE RESET */
    qt_eq(rd(R_LCYL) << 8 | rd(R_HCYL), 0x14eb, "DEVICE RESET: signature");
    if (!qtest_is_qemu())
        qt_eq(rd(R_ERROR), 0x01, "DEVICE RESET: diagnostic code 01h");
    outb(CTL, 0x04);
    outb(CTL, 0x00);
    wait_idle();
    qt_eq(rd(R_LCYL) << 8 | rd(R_HCYL), 0x14eb, "SRST: signature");
    qt_eq(rd(R_STATUS) & ~ST_DSC, 0, "SRST: packet device status 0 (no DRDY)");
}

static void test_dma(void)
{
    uint8_t r10[12] = { 0x28, 0, 0, 0, 0x03, 0xe8, 0, 0, 2 };
    uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    static uint8_t buf[4096];

    clear_unit_attention();
    qtest_memset(global_qtest, BUF_ADDR, 0, 0x2000);
    writel(PRD_ADDR, BUF_ADDR);
    writel(PRD_ADDR + 4, 3000);
    writel(PRD_ADDR + 8, BUF_ADDR + 3000);
    writel(PRD_ADDR + 12, 0x80000000u | 1096);
    send_packet(r10, 0, true);
    outb(BM2 + 2, 0x06);
    outl(BM2 + 4, PRD_ADDR);
    outb(BM2, 0x09);
    wait_idle();
    qt_ok(get_irq(IRQ_CD), "ATAPI DMA READ(10) interrupts");
    qt_eq(inb(BM2 + 2) & 7, 4, "BM status: Interrupt, table used up");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "good status");
    qt_eq(rd(R_NSECTOR) & 3, 3, "completion interrupt reason");
    outb(BM2, 0);
    qtest_memread(global_qtest, BUF_ADDR, buf, 4096);
    qt_ok(cd_sector_ok(buf, 1000) && cd_sector_ok(buf + 2048, 1001), "ATAPI DMA data");

    writel(PRD_ADDR + 4, 0x80000000u | 36);
    send_packet(inq, 0, true);
    outb(BM2 + 2, 0x06);
    outb(BM2, 0x09);
    wait_idle();
    qt_eq(inb(BM2 + 2) & 7, 4, "INQUIRY by DMA");
    outb(BM2, 0);
    rd(R_STATUS);
    qt_eq(readb(BUF_ADDR), 0x05, "INQUIRY data by DMA");
}

int main(void)
{
    make_image();
    start();
    test_signature_identify();
    test_basic_commands();
    test_reads();
    test_toc();
    test_mode_config();
    test_tray();
    test_misc();
    test_dma();
    qtest_end();
    return qt_done();
}
