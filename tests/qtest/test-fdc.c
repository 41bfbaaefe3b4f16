/* SPDX-License-Identifier: MIT */
/*
 * test-fdc: the 82078 floppy controller with ISA DMA, through qtest.
 *
 * A 1.44 MB image (sector at LBA n starts with n, then a pattern) sits in
 * drive A, a write-protected copy in drive B. Checked: reset and the four
 * polling interrupts, VERSION/PART ID/LOCK/DUMPREG/CONFIGURE/SPECIFY,
 * RECALIBRATE/SEEK/RELATIVE SEEK with SENSE INTERRUPT STATUS, SENSE DRIVE
 * STATUS, the disk change line, READ DATA and WRITE DATA by DMA (terminal
 * count, multi-track, end of track, wrong data rate, missing sector, write
 * protection) and without DMA, READ ID, FORMAT TRACK, the geometry of
 * 2.88 MB, 720 KB and 1.2 MB images, and FIFO flooding in every phase (the
 * CVE-2015-3456 class of bug): kemu must survive and answer VERSION after.
 * References: Intel 82078 datasheet; 8237A datasheet. Runs against QEMU
 * too (KEMU_BIN=qemu-system-x86_64); kemu-only details are skipped there.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define FD_BASE 0x3f0
#define DOR 0x3f2
#define MSR 0x3f4
#define DSR 0x3f4
#define FIFO 0x3f5
#define DIR 0x3f7
#define CCR 0x3f7
#define IRQ_FD 6
#define DMA_ADDR 0x1000

#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10

static char *img_a, *img_b;

/* ---- images ---- */

static void fill_sector(uint8_t *buf, uint32_t lba)
{
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(lba * 7 + i);
    memcpy(buf, &lba, 4);
}

static char *make_floppy(const char *tag, uint32_t sectors)
{
    char *path = qtest_tmpfile(tag);
    int fd = open(path, O_WRONLY | O_TRUNC);
    uint8_t sec[512];

    for (uint32_t n = 0; n < sectors; n++) {
        fill_sector(sec, n);
        if (write(fd, sec, 512) != 512)
            abort();
    }
    close(fd);
    return path;
}

static void image_read(const char *path, uint32_t lba, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);

    if (pread(fd, buf, len, (off_t)lba * 512) != (ssize_t)len)
        memset(buf, 0xee, len);
    close(fd);
}

static bool sector_ok(const uint8_t *buf, uint32_t lba)
{
    uint8_t want[512];

    fill_sector(want, lba);
    return !memcmp(buf, want, 512);
}

/* ---- start ---- */

static const char *fdc_devices(void)
{
    static char extra[128];
    QTestState *s = qtest_init(qtest_isa_machine());

    extra[0] = 0;
    if (qtest_inb(s, 0x08) == 0xff && qtest_inb(s, 0x0d) == 0xff)
        strcat(extra, "-device i8257 ");
    if (qtest_inb(s, MSR) == 0xff)
        strcat(extra, "-device isa-fdc ");
    qtest_quit(s);
    return extra;
}

static void start_with(const char *a, const char *b)
{
    char args[2048], drives[1024] = "";
    const char *paths[2] = { a, b };

    for (int i = 0; i < 2; i++) {
        size_t n = strlen(drives);

        if (!paths[i])
            continue;
        if (qtest_is_qemu())
            snprintf(drives + n, sizeof(drives) - n,
                     " -drive if=none,id=f%d,file=%s,format=raw%s -device floppy,unit=%d,drive=f%d",
                     i, paths[i], i ? ",readonly=on" : "", i, i);
        else
            snprintf(drives + n, sizeof(drives) - n,
                     " -device floppy,unit=%d,file=%s,format=raw%s", i, paths[i],
                     i ? ",readonly=on" : "");
    }
    snprintf(args, sizeof(args), "%s %s %s", qtest_isa_machine(),
             qtest_is_qemu() ? "" : fdc_devices(), drives);
    qtest_start(args);
    qtest_irq_intercept_in(global_qtest, "ioapic");
}

/* ---- FIFO protocol ---- */

static bool wait_msr(uint8_t mask, uint8_t want)
{
    for (int i = 0; i < 1000; i++) {
        if ((inb(MSR) & mask) == want)
            return true;
        usleep(10);
    }
    return false;
}

static void fdc_send(const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        wait_msr(MSR_RQM | MSR_DIO, MSR_RQM);
        outb(FIFO, b[i]);
    }
}

/* Read result bytes while the controller offers them. */
static int fdc_results(uint8_t *r, int max)
{
    int n = 0;

    wait_msr(MSR_RQM, MSR_RQM);
    while ((inb(MSR) & (MSR_RQM | MSR_DIO | MSR_CB)) == (MSR_RQM | MSR_DIO | MSR_CB) && n < 64) {
        uint8_t v = inb(FIFO);

        if (n < max)
            r[n] = v;
        n++;
    }
    return n;
}

static int fdc_cmd(const uint8_t *b, int n, uint8_t *r, int max)
{
    fdc_send(b, n);
    return fdc_results(r, max);
}

static uint8_t fdc_cmd1(uint8_t c)
{
    uint8_t r[16] = { 0 };

    fdc_cmd(&c, 1, r, sizeof(r));
    return r[0];
}

/* SENSE INTERRUPT STATUS: ST0 << 8 | PCN, or ST0 << 8 alone if invalid. */
static uint16_t sense_int(void)
{
    uint8_t c = 0x08, r[2] = { 0 };
    int n = fdc_cmd(&c, 1, r, 2);

    return n == 2 ? r[0] << 8 | r[1] : r[0] << 8;
}

static void fdc_reset(void)
{
    outb(DOR, 0x08);
    outb(DOR, 0x0c);
    for (int i = 0; i < 4; i++)
        sense_int();
}

static void specify(bool nodma)
{
    uint8_t c[3] = { 0x03, 0xaf, nodma ? 0x03 : 0x02 };

    fdc_send(c, 3);
}

static void seek(uint8_t drive, uint8_t track)
{
    uint8_t c[3] = { 0x0f, drive, track };

    fdc_send(c, 3);
    sense_int();
}

/* Program DMA channel 2: mode 0x44 | type << 2 (1 write memory, 2 read). */
static void dma_setup(uint8_t mode, uint32_t addr, uint16_t count)
{
    outb(0x0a, 0x06);           /* mask channel 2 */
    outb(0x0c, 0x00);           /* clear flip-flop */
    outb(0x0b, mode);
    outb(0x04, addr & 0xff);
    outb(0x04, (addr >> 8) & 0xff);
    outb(0x81, (addr >> 16) & 0xff);
    outb(0x05, count & 0xff);
    outb(0x05, count >> 8);
    outb(0x0a, 0x02);           /* unmask */
}

/* READ DATA / WRITE DATA: 7 result bytes into r. */
static int rw_cmd(uint8_t op, uint8_t drive, uint8_t c, uint8_t h, uint8_t r_, uint8_t eot,
                  uint8_t *res)
{
    uint8_t cmd[9] = { op, (uint8_t)(h << 2 | drive), c, h, r_, 2, eot, 0x1b, 0xff };

    fdc_send(cmd, 9);
    wait_msr(MSR_RQM | MSR_DIO, MSR_RQM | MSR_DIO);
    return fdc_results(res, 7);
}

/* ST0-ST2 (QEMU leaves the seek-end bit of an earlier SEEK in ST0). */
static uint32_t st012(const uint8_t *r)
{
    uint8_t st0 = qtest_is_qemu() ? r[0] & ~0x20 : r[0];

    return (uint32_t)st0 << 16 | r[1] << 8 | r[2];
}

/* Where kemu follows the 82078 datasheet and QEMU does otherwise. */
static bool qemu_differs(const char *what)
{
    if (!qtest_is_qemu())
        return false;
    qt_skip("QEMU differs", "%s", what);
    return true;
}

static uint32_t chrn(const uint8_t *r)
{
    return (uint32_t)r[3] << 24 | r[4] << 16 | r[5] << 8 | r[6];
}

static uint32_t lba144(int c, int h, int r)
{
    return (c * 2 + h) * 18 + r - 1;
}

static bool version_ok(const char *when)
{
    return qt_eq(fdc_cmd1(0x10), 0x90, "VERSION answers after %s", when);
}

/* ---- tests ---- */

static void test_reset_and_ids(void)
{
    uint8_t r[16];

    qt_eq(inb(MSR), MSR_RQM, "MSR after power-on: RQM");
    qt_eq(inb(DOR), 0x0c, "DOR after power-on: 0Ch");
    outb(DOR, 0x08);
    if (!qtest_is_qemu())
        qt_eq(inb(MSR) & MSR_RQM, 0, "in reset: no RQM");
    outb(DOR, 0x0c);
    qt_ok(get_irq(IRQ_FD), "leaving reset raises IRQ 6");
    for (int i = 0; i < 4; i++)
        qt_eq(sense_int(), (0xc0 + i) << 8, "SENSE INTERRUPT STATUS %d: ST0 C%dh, PCN 0", i, i);
    qt_ok(!get_irq(IRQ_FD), "the interrupt is gone");
    qt_eq(sense_int(), 0x8000, "nothing pending: invalid command (80h)");

    qt_eq(fdc_cmd1(0x10), 0x90, "VERSION: 90h (enhanced controller)");
    qt_eq(fdc_cmd1(0x18), 0x41, "PART ID: 41h");
    qt_eq(fdc_cmd1(0x94), 0x10, "LOCK: 10h");
    specify(false);
    {
        uint8_t c[4] = { 0x13, 0x00, 0x57, 0x05 };
        fdc_send(c, 4);
    }
    qt_eq(fdc_cmd(&(uint8_t){ 0x0e }, 1, r, sizeof(r)), 10, "DUMPREG: 10 bytes");
    if (!qemu_differs("DUMPREG: SPECIFY bytes as written"))
        qt_eq(r[4] << 8 | r[5], 0xaf02, "DUMPREG: SPECIFY values");
    qt_eq(r[7] & 0x80, 0x80, "DUMPREG: LOCK bit");
    qt_eq(r[8] << 8 | r[9], 0x5705, "DUMPREG: CONFIGURE values");
    outb(DSR, 0x80); /* software reset keeps a locked CONFIGURE */
    for (int i = 0; i < 4; i++)
        sense_int();
    fdc_cmd(&(uint8_t){ 0x0e }, 1, r, sizeof(r));
    qt_eq(r[8], 0x57, "locked CONFIGURE survives a reset");
    qt_eq(fdc_cmd1(0x14), 0x00, "UNLOCK: 00h");
    {
        uint8_t c[4] = { 0x13, 0x00, 0x20, 0x00 };
        fdc_send(c, 4);
    }
    {
        uint8_t c[2] = { 0x12, 0x83 };
        fdc_send(c, 2);
    }
    fdc_cmd(&(uint8_t){ 0x0e }, 1, r, sizeof(r));
    if (!qemu_differs("PERPENDICULAR MODE bits in DUMPREG"))
        qt_eq(r[7] & 0x3f, 0x03, "PERPENDICULAR MODE: GAP and WGATE in DUMPREG");
    fdc_send((uint8_t[]){ 0x12, 0x80 }, 2);
}

static void test_seek(void)
{
    uint8_t c[3];

    qt_eq(inb(DIR) & 0x80, 0x80, "disk change line set after power-on");
    fdc_send((uint8_t[]){ 0x07, 0x00 }, 2);
    qt_ok(get_irq(IRQ_FD), "RECALIBRATE interrupts");
    qt_eq(sense_int(), 0x2000, "RECALIBRATE: ST0 20h (seek end), PCN 0");
    qt_eq(inb(DIR) & 0x80, 0x80, "no step from track 0: the disk change line stays");
    c[0] = 0x0f;
    c[1] = 0x04; /* head 1, drive 0 */
    c[2] = 10;
    fdc_send(c, 3);
    qt_ok(get_irq(IRQ_FD), "SEEK interrupts");
    qt_eq(sense_int(), (qtest_is_qemu() ? 0x2000 : 0x2400) | 10, "SEEK: ST0 24h (head 1), PCN 10");
    qt_eq(inb(DIR) & 0x80, 0x00, "a step with a disk in clears the disk change line");
    fdc_send((uint8_t[]){ 0xcf, 0x00, 5 }, 3);
    qt_eq(sense_int(), 0x2000 | 15, "RELATIVE SEEK in by 5: PCN 15");
    fdc_send((uint8_t[]){ 0x8f, 0x00, 3 }, 3);
    qt_eq(sense_int(), 0x2000 | 12, "RELATIVE SEEK out by 3: PCN 12");
}

static void test_sense_drive(void)
{
    uint8_t r[4];

    fdc_cmd((uint8_t[]){ 0x04, 0x00 }, 2, r, 1);
    qt_eq(r[0] & 0xfc, 0x28, "SENSE DRIVE STATUS off track 0: RDY, two-sided");
    seek(0, 0);
    fdc_cmd((uint8_t[]){ 0x04, 0x04 }, 2, r, 1);
    qt_eq(r[0], 0x3c, "on track 0, head 1: RDY, T0, TS, HD");
    fdc_cmd((uint8_t[]){ 0x04, 0x01 }, 2, r, 1);
    qt_eq(r[0] & 0x40, 0x40, "drive B (read-only image): write protected");
}

/* A 16-bit 8237 register through the byte-pointer flip-flop: low, then
 * high (two statements: the order of operands in one expression is
 * unspecified). */
static unsigned inw_ff(uint16_t port)
{
    unsigned lo = inb(port);

    return lo | inb(port) << 8;
}

static void test_dma_read(void)
{
    uint8_t r[8], buf[2048];
    unsigned irqs;

    specify(false);
    outb(CCR, 0x00);
    dma_setup(0x46, DMA_ADDR, 511);
    qtest_memset(global_qtest, DMA_ADDR, 0, 4096);
    irqs = qtest_irq_raise_count(global_qtest, IRQ_FD);
    rw_cmd(0x46, 0, 0, 0, 1, 18, r);
    qt_eq(qtest_irq_raise_count(global_qtest, IRQ_FD) - irqs, 1, "READ DATA: one interrupt");
    qt_ok(!get_irq(IRQ_FD), "reading the result cleared it");
    qt_eq(st012(r), 0x000000, "READ DATA by DMA, 512 bytes: normal termination at TC");
    qt_eq(chrn(r), 0x00000202, "result C/H/R/N: 0/0/2/2");
    qtest_memread(global_qtest, DMA_ADDR, buf, 512);
    qt_ok(sector_ok(buf, 0), "DMA read: sector 0 in memory");
    qt_eq(inb(0x08) & 0x04, 0x04, "8237 status: channel 2 reached TC");
    qt_eq(inb(0x08) & 0x04, 0x00, "... and reading the status cleared it");
    outb(0x0c, 0);
    qt_eq(inw_ff(0x05), 0xffff, "channel 2 current count: FFFFh");
    qt_eq(inw_ff(0x04), DMA_ADDR + 512, "channel 2 current address advanced");

    /* Multi-track: the last sector of side 0, then side 1 */
    dma_setup(0x46, DMA_ADDR, 1023);
    rw_cmd(0xc6, 0, 0, 0, 18, 18, r);
    qt_eq(st012(r), 0x040000, "MT READ of 2 sectors: normal, ends on head 1");
    qt_eq(chrn(r), 0x00010202, "MT READ: result C0 H1 R2");
    qtest_memread(global_qtest, DMA_ADDR, buf, 1024);
    qt_ok(sector_ok(buf, lba144(0, 0, 18)) && sector_ok(buf + 512, lba144(0, 1, 1)),
          "MT READ: 0/0/18 then 0/1/1");

    /* DMA count beyond EOT */
    dma_setup(0x46, DMA_ADDR, 4095);
    rw_cmd(0x46, 0, 3, 0, 17, 18, r);
    if (!qemu_differs("end of track without TC: ST1 EN")) {
        qt_eq(st012(r), 0x408000, "READ past EOT without TC: abnormal, ST1 EN");
        qt_eq(chrn(r), 0x04000102, "... result C4 H0 R1");
    }
    qtest_memread(global_qtest, DMA_ADDR, buf, 1024);
    qt_ok(sector_ok(buf, lba144(3, 0, 17)) && sector_ok(buf + 512, lba144(3, 0, 18)),
          "... both sectors read");

    dma_setup(0x46, DMA_ADDR, 511);
    outb(CCR, 0x01);
    rw_cmd(0x46, 0, 0, 0, 1, 18, r);
    qt_eq(st012(r), 0x400100, "wrong data rate (300 kb/s): ST1 MA");
    outb(CCR, 0x00);
    if (!qtest_is_qemu()) {
        dma_setup(0x46, DMA_ADDR, 511);
        rw_cmd(0x46, 0, 0, 0, 19, 19, r);
        qt_eq(st012(r), 0x400400, "sector 19 of an 18-sector track: ST1 ND");
        dma_setup(0x46, DMA_ADDR, 511);
        rw_cmd(0x46, 0, 80, 0, 1, 18, r);
        qt_eq(st012(r), 0x400400, "cylinder 80: ST1 ND");
    }
}

static void test_dma_write(void)
{
    uint8_t r[8], buf[1024], file[1024];

    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(i * 13 + 5);
    qtest_memwrite(global_qtest, DMA_ADDR, buf, 1024);
    dma_setup(0x4a, DMA_ADDR, 1023);
    rw_cmd(0xc5, 0, 2, 1, 5, 18, r);
    qt_eq(st012(r), 0x040000, "WRITE DATA by DMA, 2 sectors: normal (ST0 head 1)");
    qt_eq(chrn(r), 0x02010702, "result C2 H1 R7");
    image_read(img_a, lba144(2, 1, 5), file, 1024);
    qt_ok(!memcmp(buf, file, 1024), "the image holds the written sectors");

    dma_setup(0x4a, DMA_ADDR, 511);
    rw_cmd(0x45, 1, 0, 0, 1, 18, r);
    qt_eq(st012(r), 0x410200, "WRITE to the write-protected drive B: ST1 NW");
}

static void test_pio(void)
{
    uint8_t r[8], buf[512], file[512];

    specify(true);
    fdc_send((uint8_t[]){ 0x46, 0x00, 1, 0, 3, 2, 3, 0x1b, 0xff }, 9);
    qt_eq(inb(MSR), MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB, "non-DMA READ: MSR F0h");
    qt_ok(get_irq(IRQ_FD), "non-DMA READ: interrupt for the data");
    for (int i = 0; i < 512; i++)
        buf[i] = inb(FIFO);
    qt_ok(sector_ok(buf, lba144(1, 0, 3)), "non-DMA READ data through the FIFO");
    fdc_results(r, 7);
    if (!qtest_is_qemu())
        qt_eq(st012(r), 0x408000, "non-DMA READ ends past EOT (no TC): ST1 EN");
    if (!qemu_differs("result C/H/R after a non-DMA read"))
        qt_eq(chrn(r), 0x02000102, "result C2 H0 R1");

    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(255 - i);
    fdc_send((uint8_t[]){ 0x45, 0x00, 4, 0, 1, 2, 1, 0x1b, 0xff }, 9);
    qt_eq(inb(MSR), MSR_RQM | MSR_NDMA | MSR_CB, "non-DMA WRITE: MSR B0h");
    for (int i = 0; i < 512; i++)
        outb(FIFO, buf[i]);
    fdc_results(r, 7);
    image_read(img_a, lba144(4, 0, 1), file, 512);
    qt_ok(!memcmp(buf, file, 512), "non-DMA WRITE reached the image");
    specify(false);
}

static void test_read_id_format(void)
{
    uint8_t r[8], file[512 * 18];
    bool ok = true;

    if (qemu_differs("READ ID completes on a timer, FORMAT by DMA only"))
        return;
    seek(0, 5);
    fdc_cmd((uint8_t[]){ 0x4a, 0x00 }, 2, r, 7);
    qt_eq(r[0] & 0xc0, 0, "READ ID: normal termination");
    qt_eq(r[3] << 8 | r[6], 5 << 8 | 2, "READ ID: cylinder 5, N 2");

    specify(true);
    fdc_send((uint8_t[]){ 0x4d, 0x00, 2, 18, 0x54, 0xe5 }, 6);
    qt_eq(inb(MSR), MSR_RQM | MSR_NDMA | MSR_CB, "FORMAT TRACK: waiting for IDs");
    for (int i = 1; i <= 18; i++)
        fdc_send((uint8_t[]){ 5, 0, (uint8_t)i, 2 }, 4);
    fdc_results(r, 7);
    qt_eq(r[0] & 0xc0, 0, "FORMAT TRACK: normal termination");
    image_read(img_a, lba144(5, 0, 1), file, sizeof(file));
    for (size_t i = 0; i < sizeof(file); i++)
        ok = ok && file[i] == 0xe5;
    qt_ok(ok, "FORMAT TRACK filled track 5 side 0 with E5h");
    image_read(img_a, lba144(5, 1, 1), file, 512);
    qt_ok(sector_ok(file, lba144(5, 1, 1)), "side 1 untouched");
    specify(false);
}

/* Flood the FIFO in each phase; the controller must come back sane. */
static void test_fifo_flood(void)
{
    uint8_t r[16], buf[512], file[512 * 3];
    int n;

    if (qemu_differs("recovery after FIFO floods"))
        return;
    /* Command phase: DRIVE SPECIFICATION never terminated, then zeros */
    outb(FIFO, 0x8e);
    for (int i = 0; i < 600; i++)
        outb(FIFO, 0x00);
    n = fdc_results(r, sizeof(r));
    qt_ok(n <= 16, "command-phase flood: %d result bytes, then command phase", n);
    version_ok("a command-phase flood of 600 bytes");
    for (int i = 0; i < 500; i++)
        outb(FIFO, 0x8e);
    fdc_results(r, sizeof(r));
    fdc_reset();
    version_ok("500 DRIVE SPECIFICATION bytes");

    /* Result phase: writes refused while results wait */
    outb(FIFO, 0x10);
    for (int i = 0; i < 500; i++)
        outb(FIFO, 0xff);
    qt_eq(inb(FIFO), 0x90, "result-phase flood: the VERSION result is intact");
    qt_eq(inb(MSR), MSR_RQM, "back to the command phase");
    for (int i = 0; i < 300; i++)
        inb(FIFO);
    qt_eq(inb(MSR), MSR_RQM, "reading in the command phase changes nothing");

    /* Execution phase, PIO read: writes refused, data intact */
    specify(true);
    fdc_send((uint8_t[]){ 0x46, 0x00, 0, 0, 2, 2, 2, 0x1b, 0xff }, 9);
    for (int i = 0; i < 700; i++)
        outb(FIFO, 0x55);
    for (int i = 0; i < 512; i++)
        buf[i] = inb(FIFO);
    qt_ok(sector_ok(buf, 1), "execution-phase (read) flood: the sector data is intact");
    for (int i = 0; i < 400; i++)
        inb(FIFO);
    version_ok("reading 400 bytes too many");

    /* Execution phase, PIO write of 2 sectors fed 1500 bytes */
    image_read(img_a, lba144(6, 0, 3), file + 1024, 512);
    fdc_send((uint8_t[]){ 0x45, 0x00, 6, 0, 1, 2, 2, 0x1b, 0xff }, 9);
    for (int i = 0; i < 1500; i++)
        outb(FIFO, (uint8_t)(i & 0x7f));
    n = fdc_results(r, sizeof(r));
    qt_eq(n, 7, "execution-phase (write) flood: seven result bytes");
    image_read(img_a, lba144(6, 0, 1), file, 1024);
    qt_ok(file[0] == 0 && file[1023] == (1023 & 0x7f), "the two sectors were written");
    image_read(img_a, lba144(6, 0, 3), buf, 512);
    qt_ok(!memcmp(buf, file + 1024, 512), "the sector after EOT was not touched");
    version_ok("an execution-phase flood of 1500 bytes");

    /* FORMAT fed far more IDs than sectors */
    fdc_send((uint8_t[]){ 0x4d, 0x00, 2, 2, 0x54, 0xf6 }, 6);
    for (int i = 0; i < 1000; i++)
        outb(FIFO, 0x07);
    fdc_results(r, sizeof(r));
    version_ok("FORMAT fed 1000 ID bytes");
    specify(false);

    /* READ ID followed by a flood (the original VENOM path) */
    outb(FIFO, 0x0a);
    outb(FIFO, 0x00);
    for (int i = 0; i < 1000; i++)
        outb(FIFO, 0x42);
    fdc_results(r, sizeof(r));
    fdc_reset();
    version_ok("READ ID and 1000 bytes");
    for (int i = 0; i < 200; i++) {
        outb(DOR, 0x0c);
        outb(FIFO, (uint8_t)i);
        inb(FIFO);
        inb(MSR);
    }
    fdc_reset();
    version_ok("200 rounds of random bytes");
    qt_eq(inb(MSR), MSR_RQM, "MSR: idle");
}

/* Media detected from the image size */
static void test_geometry(const char *tag, uint32_t sectors, int rate, int c, int h, int r,
                          int spt)
{
    char *img = make_floppy(tag, sectors);
    uint8_t res[8], buf[512];

    start_with(img, NULL);
    fdc_reset();
    specify(false);
    outb(CCR, rate);
    dma_setup(0x46, DMA_ADDR, 511);
    rw_cmd(0x46, 0, c, h, r, r, res);
    qt_eq(st012(res), (uint32_t)h << 18, "%s: last sector of a track, TC at EOT: normal", tag);
    qtest_memread(global_qtest, DMA_ADDR, buf, 512);
    qt_ok(sector_ok(buf, (c * 2 + h) * spt + r - 1), "%s: C%d H%d R%d is LBA %d", tag, c, h, r,
          (c * 2 + h) * spt + r - 1);
    outb(CCR, rate ^ 1);
    dma_setup(0x46, DMA_ADDR, 511);
    rw_cmd(0x46, 0, c, h, r, r, res);
    qt_eq(res[1] & 0x01, 0x01, "%s: another data rate finds no address mark", tag);
    qtest_end();
}

int main(void)
{
    img_a = make_floppy("fda", 2880);
    img_b = make_floppy("fdb", 2880);
    start_with(img_a, img_b);
    test_reset_and_ids();
    test_seek();
    test_sense_drive();
    test_dma_read();
    test_dma_write();
    test_pio();
    test_read_id_format();
    test_fifo_flood();
    qtest_end();
    test_geometry("2.88M", 5760, 3, 79, 1, 36, 36);
    test_geometry("720K", 1440, 2, 79, 1, 9, 9);
    test_geometry("1.2M", 2400, 0, 40, 0, 15, 15);
    return qt_done();
}
