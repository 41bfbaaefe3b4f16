/* SPDX-License-Identifier: MIT */
/*
 * test-ide: the PIIX3 IDE function with an ATA disk, through qtest.
 *
 * A 4 MiB raw image (sector n starts with n as a 64-bit number, then a
 * pattern of n) is the master of the primary channel (0x1f0/0x3f6, IRQ
 * 14, watched on the IOAPIC input). Checked: the PCI identity, the task
 * file registers (HOB read-back, device select, an empty slave and an
 * empty channel), IDENTIFY DEVICE contents, PIO reads and writes (LBA28,
 * LBA48, CHS, READ/WRITE MULTIPLE) against the image file, out-of-range
 * IDNF and ABRT, nIEN and SRST, and bus-master DMA with PRD tables in
 * guest RAM: scatter/gather, a short table, a runaway table, and DMA with
 * bus mastering disabled. References: ATA/ATAPI-6, SFF-8038i, PIIX3
 * datasheet 2.3. Runs against QEMU too (KEMU_BIN=qemu-system-x86_64;
 * kemu-only details are skipped there).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define IDE_DEVFN ((1 << 3) | 1)
#define IDE_BASE 0x1f0
#define IDE_CTL 0x3f6
#define IDE2_BASE 0x170
#define BM_BASE 0xc000
#define PRD_ADDR 0x10000
#define BUF_ADDR 0x100000
#define IMG_SECTORS 8192
#define IRQ_IDE 14

/* Registers */
#define R_DATA 0
#define R_ERROR 1
#define R_FEATURE 1
#define R_NSECTOR 2
#define R_SECTOR 3
#define R_LCYL 4
#define R_HCYL 5
#define R_SELECT 6
#define R_STATUS 7
#define R_CMD 7

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ERR_ABRT 0x04
#define ERR_IDNF 0x10

#define BM_CMD 0
#define BM_STATUS 2
#define BM_PRDT 4

static char *img_path;

/* ---- helpers ---- */

static uint32_t cfg_addr(int devfn, int reg)
{
    return 0x80000000u | (unsigned)devfn << 8 | (reg & 0xfc);
}

static uint32_t cfg_readl(QTestState *s, int devfn, int reg)
{
    qtest_outl(s, 0xcf8, cfg_addr(devfn, reg));
    return qtest_inl(s, 0xcfc);
}

static void cfg_writel(int devfn, int reg, uint32_t v)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    outl(0xcfc, v);
}

static void fill_sector(uint8_t *buf, uint64_t n)
{
    memcpy(buf, &n, 8);
    for (int i = 8; i < 512; i++)
        buf[i] = (uint8_t)(n * 3 + i);
}

static void make_image(void)
{
    uint8_t sec[512];
    int fd;

    img_path = qtest_tmpfile("ide-disk");
    fd = open(img_path, O_WRONLY | O_TRUNC);
    for (uint64_t n = 0; n < IMG_SECTORS; n++) {
        fill_sector(sec, n);
        if (write(fd, sec, sizeof(sec)) != sizeof(sec))
            abort();
    }
    close(fd);
}

static void image_read(uint64_t sector, void *buf, size_t len)
{
    int fd = open(img_path, O_RDONLY);

    if (pread(fd, buf, len, (off_t)sector * 512) != (ssize_t)len)
        memset(buf, 0xee, len);
    close(fd);
}

static bool has_piix_ide(void)
{
    QTestState *s = qtest_init(qtest_isa_machine());
    bool has = (cfg_readl(s, IDE_DEVFN, 0) & 0xffff) == 0x8086;

    qtest_quit(s);
    return has;
}

static void start(void)
{
    char args[2048];
    const char *ctrl = has_piix_ide() ? "" : "-device piix3-ide,addr=01.1";

    if (qtest_is_qemu())
        snprintf(args, sizeof(args),
                 "%s -drive if=none,id=d0,file=%s,format=raw "
                 "-device ide-hd,drive=d0,bus=ide.0,unit=0",
                 qtest_isa_machine(), img_path);
    else
        snprintf(args, sizeof(args), "%s %s -device ide-hd,bus=ide.0,unit=0,file=%s,format=raw",
                 qtest_isa_machine(), ctrl, img_path);
    qtest_start(args);
    qtest_irq_intercept_in(global_qtest, "ioapic");
    cfg_writel(IDE_DEVFN, 0x20, BM_BASE | 1);
    cfg_writel(IDE_DEVFN, 0x04, 0x05); /* I/O space, bus master */
}

static uint8_t rd(int reg)
{
    return inb(IDE_BASE + reg);
}

/* kemu completes commands at once; QEMU (KEMU_BIN) may still be busy. */
static void wait_idle(void)
{
    for (int i = 0; i < 100000 && (inb(IDE_CTL) & ST_BSY); i++)
        usleep(10);
}

static void wr(int reg, uint8_t v)
{
    outb(IDE_BASE + reg, v);
    if (reg == R_CMD)
        wait_idle();
}

static void lba28(uint8_t cmd, uint32_t lba, uint8_t count)
{
    wr(R_NSECTOR, count);
    wr(R_SECTOR, lba & 0xff);
    wr(R_LCYL, (lba >> 8) & 0xff);
    wr(R_HCYL, (lba >> 16) & 0xff);
    wr(R_SELECT, 0xe0 | ((lba >> 24) & 0xf));
    wr(R_CMD, cmd);
}

static void lba48(uint8_t cmd, uint64_t lba, uint16_t count)
{
    wr(R_NSECTOR, count >> 8);
    wr(R_SECTOR, (lba >> 24) & 0xff);
    wr(R_LCYL, (lba >> 32) & 0xff);
    wr(R_HCYL, (lba >> 40) & 0xff);
    wr(R_NSECTOR, count & 0xff);
    wr(R_SECTOR, lba & 0xff);
    wr(R_LCYL, (lba >> 8) & 0xff);
    wr(R_HCYL, (lba >> 16) & 0xff);
    wr(R_SELECT, 0x40);
    wr(R_CMD, cmd);
}

static void pio_read(void *buf, size_t len)
{
    uint32_t *p = buf;

    for (size_t i = 0; i < len / 4; i++) {
        p[i] = inl(IDE_BASE);
        if (i % 128 == 127)
            wait_idle();
    }
}

static void pio_write(const void *buf, size_t len)
{
    const uint16_t *p = buf;

    for (size_t i = 0; i < len / 2; i++) {
        outw(IDE_BASE, p[i]);
        if (i % 256 == 255)
            wait_idle();
    }
}

/* Where kemu follows the ATA text and QEMU does otherwise. */
static bool qemu_differs(const char *what)
{
    if (!qtest_is_qemu())
        return false;
    qt_skip("QEMU differs", "%s", what);
    return true;
}

static bool irq(void)
{
    return get_irq(IRQ_IDE);
}

static bool sector_ok(const uint8_t *buf, uint64_t n)
{
    uint8_t want[512];

    fill_sector(want, n);
    return memcmp(buf, want, 512) == 0;
}

/* ---- PCI and registers ---- */

static void test_pci(void)
{
    uint32_t id = cfg_readl(global_qtest, IDE_DEVFN, 0);
    uint32_t class = cfg_readl(global_qtest, IDE_DEVFN, 8);

    qt_eq(id, 0x70108086, "00:01.1 is the PIIX3 IDE function 8086:7010");
    qt_eq(class >> 8, 0x010180, "class 0101h, prog-if 80h (legacy, bus master)");
    qt_eq(cfg_readl(global_qtest, IDE_DEVFN, 0x20), BM_BASE | 1, "BMIBA (BAR4) is an I/O BAR");
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x80, 0, "bus master: not simplex-only");
}

static void test_registers(void)
{
    wr(R_SELECT, 0xa0);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "master disk after reset: DRDY|DSC");
    if (!qemu_differs("error register: diagnostic code 01h after power-on"))
        qt_eq(rd(R_ERROR), 0x01, "error register: diagnostic code 01h after reset");
    qt_eq(rd(R_NSECTOR) << 24 | rd(R_SECTOR) << 16 | rd(R_LCYL) << 8 | rd(R_HCYL), 0x01010000,
          "ATA signature 01/01/00/00");
    wr(R_NSECTOR, 0x12);
    wr(R_SECTOR, 0x34);
    wr(R_LCYL, 0x56);
    wr(R_HCYL, 0x78);
    wr(R_NSECTOR, 0x9a);
    qt_eq((uint32_t)rd(R_NSECTOR) << 24 | rd(R_SECTOR) << 16 | rd(R_LCYL) << 8 | rd(R_HCYL),
          0x9a345678,
          "task file registers read back");
    outb(IDE_CTL, 0x80); /* HOB */
    if (!qemu_differs("HOB reads the previous value"))
        qt_eq(rd(R_NSECTOR), 0x12, "HOB: the sector count's previous value");
    wr(R_SECTOR, 0x11); /* any command block write clears HOB */
    qt_eq(rd(R_NSECTOR), 0x9a, "a command block write clears HOB");
    outb(IDE_CTL, 0x00);
    wr(R_SELECT, 0xb0);
    qt_eq(rd(R_SELECT), 0xb0, "device register selects the slave");
    qt_eq(rd(R_STATUS), 0, "absent slave: status reads 0");
    qt_eq(inb(IDE_CTL), 0, "absent slave: alternate status reads 0");
    wr(R_CMD, 0xec);
    qt_ok(!irq(), "a command to the absent slave is ignored");
    wr(R_SELECT, 0xa0);
    qt_eq(inb(IDE2_BASE + R_STATUS), 0, "empty secondary channel: status 0");
    qt_eq(inb(IDE2_BASE + R_NSECTOR), 0, "empty secondary channel: registers 0");
}

/* ---- IDENTIFY ---- */

static void id_string(const uint16_t *w, int first, int words, char *out)
{
    for (int i = 0; i < words; i++) {
        out[2 * i] = w[first + i] >> 8;
        out[2 * i + 1] = w[first + i] & 0xff;
    }
    out[2 * words] = 0;
    for (int i = 2 * words - 1; i >= 0 && out[i] == ' '; i--)
        out[i] = 0;
}

static void test_identify(void)
{
    uint16_t w[256];
    char model[41];
    uint8_t sum = 0;

    wr(R_SELECT, 0xa0);
    wr(R_CMD, 0xec);
    qt_ok(irq(), "IDENTIFY raises IRQ 14");
    qt_eq(inb(IDE_CTL), ST_DRDY | ST_DSC | ST_DRQ, "alternate status: DRQ, data ready");
    qt_ok(irq(), "reading the alternate status leaves the interrupt pending");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "status: DRQ");
    qt_ok(!irq(), "reading the status clears the interrupt");
    pio_read(w, 512);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "DRQ clears after 256 words");
    id_string(w, 27, 20, model);
    qt_ok(!strcmp(model, qtest_is_qemu() ? "QEMU HARDDISK" : "KEMU HARDDISK"),
          "model string (word 27-46): '%s'", model);
    qt_eq(w[0], 0x0040, "word 0: fixed ATA device");
    qt_eq(w[1] << 16 | w[3] << 8 | w[6], 8 << 16 | 16 << 8 | 63,
          "words 1/3/6: 8 cylinders, 16 heads, 63 sectors");
    qt_eq(w[49] & 0x0300, 0x0300, "word 49: LBA and DMA supported");
    qt_eq(w[60] | (uint32_t)w[61] << 16, IMG_SECTORS, "words 60-61: LBA28 capacity");
    qt_eq(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32, IMG_SECTORS,
          "words 100-103: LBA48 capacity");
    qt_eq(w[83] & 0x7400, 0x7400, "word 83: LBA48, FLUSH CACHE (EXT)");
    qt_eq(w[88] & 0x3f, 0x3f, "word 88: UDMA modes 0-5 supported");
    qt_eq(w[47] & 0xff, 16, "word 47: 16 sectors per READ/WRITE MULTIPLE");
    if (qtest_is_qemu()) {
        qt_skip("QEMU", "word 255 integrity checksum");
        return;
    }
    for (int i = 0; i < 256; i++)
        sum += (uint8_t)w[i] + (uint8_t)(w[i] >> 8);
    qt_ok((w[255] & 0xff) == 0xa5 && sum == 0, "word 255: A5h signature, checksum sums to 0");
}

/* ---- PIO ---- */

static void test_pio_read(void)
{
    uint8_t buf[512 * 4];
    unsigned raises = qtest_irq_raise_count(global_qtest, IRQ_IDE);

    lba28(0x20, 100, 2);
    qt_ok(irq(), "READ SECTORS: interrupt before the first block");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "READ SECTORS: DRQ");
    pio_read(buf, 512);
    qt_ok(irq(), "interrupt before the second block");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "second block ready");
    pio_read(buf + 512, 512);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "READ SECTORS done: DRQ clear");
    qt_ok(sector_ok(buf, 100) && sector_ok(buf + 512, 101), "sectors 100-101 match the image");
    qt_eq(qtest_irq_raise_count(global_qtest, IRQ_IDE) - raises, 2, "one interrupt per block");

    lba28(0x21, IMG_SECTORS - 1, 1); /* without retries, last sector */
    pio_read(buf, 512);
    qt_ok(sector_ok(buf, IMG_SECTORS - 1), "READ SECTORS (no retry) of the last sector");

    lba48(0x24, 0x1234, 3);
    pio_read(buf, 512 * 3);
    qt_ok(sector_ok(buf, 0x1234) && sector_ok(buf + 1024, 0x1236),
          "READ SECTORS EXT (LBA48) of 3 sectors");

    /* CHS: cylinder 1, head 2, sector 3 with 16 heads x 63 sectors */
    wr(R_NSECTOR, 1);
    wr(R_SECTOR, 3);
    wr(R_LCYL, 1);
    wr(R_HCYL, 0);
    wr(R_SELECT, 0xa0 | 2);
    wr(R_CMD, 0x20);
    pio_read(buf, 512);
    qt_ok(sector_ok(buf, (1 * 16 + 2) * 63 + 2), "CHS 1/2/3 reads LBA 1136");
}

static void test_pio_multiple(void)
{
    uint8_t buf[512 * 8];
    unsigned raises;

    wr(R_NSECTOR, 3);
    wr(R_SELECT, 0xa0);
    wr(R_CMD, 0xc6);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "SET MULTIPLE MODE 3 (not a power of 2) aborts");
    qt_eq(rd(R_ERROR), ERR_ABRT, "... with ABRT");
    wr(R_NSECTOR, 4);
    wr(R_CMD, 0xc6);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "SET MULTIPLE MODE 4");
    raises = qtest_irq_raise_count(global_qtest, IRQ_IDE);
    lba28(0xc4, 200, 8);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "READ MULTIPLE: first block ready");
    pio_read(buf, 512 * 4);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "READ MULTIPLE: 4-sector blocks");
    pio_read(buf + 2048, 512 * 4);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "READ MULTIPLE done");
    qt_eq(qtest_irq_raise_count(global_qtest, IRQ_IDE) - raises, 2, "two interrupts for 8 sectors");
    qt_ok(sector_ok(buf, 200) && sector_ok(buf + 7 * 512, 207), "READ MULTIPLE data");

    for (int i = 0; i < 8; i++)
        memset(buf + 512 * i, 0x30 + i, 512);
    lba28(0xc5, 300, 8);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "WRITE MULTIPLE asks for data");
    pio_write(buf, 512 * 4);
    qt_ok(irq(), "interrupt after the first block");
    pio_write(buf + 2048, 512 * 4);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "WRITE MULTIPLE done");
    wr(R_NSECTOR, 0);
    wr(R_CMD, 0xc6);
    lba28(0xc4, 0, 1);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "READ MULTIPLE with multiple mode off aborts");
}

static void test_pio_write(void)
{
    uint8_t buf[1024], file[1024];

    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(i * 7 + 1);
    lba28(0x30, 500, 2);
    qt_ok(!irq(), "WRITE SECTORS: no interrupt before the first block");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "WRITE SECTORS asks for data at once");
    pio_write(buf, 512);
    qt_ok(irq(), "interrupt after the first sector");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC | ST_DRQ, "second sector wanted");
    pio_write(buf + 512, 512);
    qt_ok(irq(), "completion interrupt");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "WRITE SECTORS done");
    wr(R_CMD, 0xe7);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "FLUSH CACHE");
    image_read(500, file, 1024);
    qt_ok(!memcmp(buf, file, 1024), "the image file holds the written sectors");

    lba48(0x34, 501, 1);
    memset(buf, 0x5a, 512);
    pio_write(buf, 512);
    wr(R_CMD, 0xea);
    image_read(501, file, 512);
    qt_ok(!memcmp(buf, file, 512), "WRITE SECTORS EXT + FLUSH CACHE EXT");
}

static void test_errors(void)
{
    lba28(0x20, IMG_SECTORS, 1);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "READ past the end: ERR");
    if (qemu_differs("out-of-range sectors: IDNF (QEMU: ABRT, after the sectors in range)"))
        return;
    qt_eq(rd(R_ERROR), ERR_IDNF, "... IDNF");
    lba28(0x20, IMG_SECTORS - 1, 2);
    qt_eq(rd(R_ERROR), ERR_IDNF, "READ running past the end: IDNF");
    lba48(0x34, 0xffffffffffffULL, 1);
    qt_eq(rd(R_ERROR), ERR_IDNF, "WRITE EXT at LBA 2^48-1: IDNF");
    lba28(0x40, IMG_SECTORS - 4, 4);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "READ VERIFY of the last 4 sectors");
    lba28(0x40, IMG_SECTORS - 4, 5);
    qt_eq(rd(R_ERROR), ERR_IDNF, "READ VERIFY past the end: IDNF");
    wr(R_CMD, 0xa1);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "IDENTIFY PACKET DEVICE to a disk aborts");
    qt_eq(rd(R_ERROR), ERR_ABRT, "... ABRT");
    wr(R_CMD, 0xf0);
    qt_eq(rd(R_ERROR), ERR_ABRT, "unknown command F0h: ABRT");
    wr(R_CMD, 0x00);
    qt_eq(rd(R_ERROR), ERR_ABRT, "NOP: ABRT");
    wr(R_FEATURE, 0x03);
    wr(R_NSECTOR, 0x46);
    wr(R_CMD, 0xef);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "SET FEATURES: UDMA mode 6 refused");
}

static void test_settings(void)
{
    uint16_t w[256];

    wr(R_FEATURE, 0x03);
    wr(R_NSECTOR, 0x22);
    wr(R_CMD, 0xef);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "SET FEATURES: multiword DMA 2");
    wr(R_FEATURE, 0x82);
    wr(R_CMD, 0xef);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "SET FEATURES: write cache off");
    wr(R_CMD, 0xec);
    pio_read(w, 512);
    qt_eq(w[63] & 0x0707, 0x0407, "word 63: MWDMA 2 selected");
    qt_eq(w[88] & 0xff00, 0, "word 88: no UDMA mode selected");
    qt_eq(w[85] & 0x20, 0, "word 85: write cache disabled");
    wr(R_FEATURE, 0x02);
    wr(R_CMD, 0xef);
    wr(R_FEATURE, 0x03);
    wr(R_NSECTOR, 0x45);
    wr(R_CMD, 0xef);

    wr(R_CMD, 0xe0);
    wr(R_CMD, 0xe5);
    if (!qemu_differs("CHECK POWER MODE reports standby"))
        qt_eq(rd(R_NSECTOR), 0x00, "CHECK POWER MODE after STANDBY IMMEDIATE: standby");
    wr(R_CMD, 0xe1);
    wr(R_CMD, 0xe5);
    qt_eq(rd(R_NSECTOR), 0xff, "after IDLE IMMEDIATE: active/idle");

    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors */
    wr(R_NSECTOR, 32);
    wr(R_SELECT, 0xa0 | 3);
    wr(R_CMD, 0x91);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "INITIALIZE DEVICE PARAMETERS 4x32");
    if (!qemu_differs("INITIALIZE DEVICE PARAMETERS sets the CHS translation")) {
        uint8_t buf[512];

        wr(R_CMD, 0xec);
        pio_read(w, 512);
        qt_eq(w[55] << 8 | w[56], 4 << 8 | 32, "words 55/56: current 4 heads, 32 sectors");
        qt_eq(w[54], IMG_SECTORS / 128, "word 54: current cylinders");
        wr(R_NSECTOR, 1);
        wr(R_SECTOR, 5);
        wr(R_LCYL, 2);
        wr(R_HCYL, 0);
        wr(R_SELECT, 0xa0 | 1);
        wr(R_CMD, 0x20);
        pio_read(buf, 512);
        qt_ok(sector_ok(buf, (2 * 4 + 1) * 32 + 4), "CHS 2/1/5 in 4x32 reads LBA 292");
    }
    wr(R_NSECTOR, 63);
    wr(R_SELECT, 0xa0 | 15);
    wr(R_CMD, 0x91);
}

static void test_nien_srst(void)
{
    outb(IDE_CTL, 0x02); /* nIEN */
    wr(R_SELECT, 0xa0);
    wr(R_CMD, 0xe7);
    qt_ok(!irq(), "nIEN: no interrupt");
    outb(IDE_CTL, 0x00);
    if (!qemu_differs("clearing nIEN lets a pending interrupt out")) {
        qt_ok(irq(), "clearing nIEN lets the pending interrupt out");
        rd(R_STATUS);
        qt_ok(!irq(), "status read clears it");
    }

    lba28(0x20, 10, 4);
    qt_eq(rd(R_STATUS) & ST_DRQ, ST_DRQ, "a read in progress");
    outb(IDE_CTL, 0x04); /* SRST */
    if (!qemu_differs("BSY while SRST is set"))
        qt_eq(inb(IDE_CTL) & ST_BSY, ST_BSY, "SRST: BSY");
    outb(IDE_CTL, 0x00);
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "after SRST: DRDY|DSC, transfer cancelled");
    qt_eq(rd(R_ERROR), 0x01, "after SRST: diagnostic code 01h");
    qt_eq(rd(R_NSECTOR) << 24 | rd(R_SECTOR) << 16 | rd(R_LCYL) << 8 | rd(R_HCYL), 0x01010000,
          "after SRST: signature");
    qt_eq(inw(IDE_BASE), 0, "data port without DRQ reads 0");

    wr(R_CMD, 0x90);
    qt_ok(irq(), "EXECUTE DEVICE DIAGNOSTIC interrupts");
    qt_eq(rd(R_ERROR), 0x01, "diagnostic code 01h");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "EXECUTE DEVICE DIAGNOSTIC done");
}

/* ---- bus master DMA ---- */

static void prd(int i, uint32_t addr, uint32_t count, bool eot)
{
    writel(PRD_ADDR + 8 * i, addr);
    writel(PRD_ADDR + 8 * i + 4, (count & 0xffff) | (eot ? 0x80000000u : 0));
}

static void bm_start(uint32_t table, bool to_memory)
{
    outb(BM_BASE + BM_STATUS, 0x06); /* clear Error, Interrupt */
    outl(BM_BASE + BM_PRDT, table);
    outb(BM_BASE + BM_CMD, to_memory ? 0x08 : 0x00);
    outb(BM_BASE + BM_CMD, to_memory ? 0x09 : 0x01);
    wait_idle();
}

static void bm_stop(void)
{
    outb(BM_BASE + BM_CMD, 0x00);
}

static void test_dma_read(void)
{
    static uint8_t buf[512 * 4];

    qtest_memset(global_qtest, BUF_ADDR, 0, 0x10000);
    /* 4 sectors split over three regions: 1000 + 48 + 1000 bytes */
    prd(0, BUF_ADDR, 1000, false);
    prd(1, BUF_ADDR + 0x2000, 48, false);
    prd(2, BUF_ADDR + 0x4000, 1000, true);
    lba28(0xc8, 1000, 4);
    qt_ok(!irq(), "READ DMA waits for the bus master");
    bm_start(PRD_ADDR, true);
    qt_ok(irq(), "READ DMA completes with an interrupt");
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x04, "BM status: Interrupt, not Active, no Error");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_DSC, "device: done");
    bm_stop();
    qtest_memread(global_qtest, BUF_ADDR, buf, 1000);
    qtest_memread(global_qtest, BUF_ADDR + 0x2000, buf + 1000, 48);
    qtest_memread(global_qtest, BUF_ADDR + 0x4000, buf + 1048, 1000);
    qt_ok(sector_ok(buf, 1000) && sector_ok(buf + 512, 1001) && sector_ok(buf + 1024, 1002) &&
              sector_ok(buf + 1536, 1003),
          "scatter/gather: 4 sectors land across the three regions");

    /* The bus master first, then the command; a region larger than needed */
    prd(0, BUF_ADDR, 0, true); /* 0 = 64 KiB */
    bm_start(PRD_ADDR, true);
    lba48(0x25, 4000, 2);
    qt_ok(irq(), "READ DMA EXT with the bus master already running");
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x05,
          "BM status: Interrupt and still Active (region left)");
    bm_stop();
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x01, 0, "stopping clears Active");
    qtest_memread(global_qtest, BUF_ADDR, buf, 1024);
    qt_ok(sector_ok(buf, 4000) && sector_ok(buf + 512, 4001), "READ DMA EXT data");
}

static void test_dma_write(void)
{
    uint8_t buf[1536], file[1536];

    for (int i = 0; i < 1536; i++)
        buf[i] = (uint8_t)(i ^ 0xa5);
    qtest_memwrite(global_qtest, BUF_ADDR, buf, 1536);
    prd(0, BUF_ADDR, 512, false);
    prd(1, BUF_ADDR + 512, 1024, true);
    lba28(0xca, 700, 3);
    bm_start(PRD_ADDR, false);
    qt_ok(irq(), "WRITE DMA completes with an interrupt");
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x04, "BM status: Interrupt only");
    bm_stop();
    image_read(700, file, 1536);
    qt_ok(!memcmp(buf, file, 1536), "WRITE DMA: the image holds guest memory");
}

static void test_dma_errors(void)
{
    /* Table shorter than the transfer */
    prd(0, BUF_ADDR, 512, true);
    lba28(0xc8, 10, 2);
    bm_start(PRD_ADDR, true);
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x00, "short table: not Active, no Interrupt");
    qt_ok(!irq(), "short table: no interrupt");
    if (qtest_is_qemu())
        qt_skip("QEMU", "short table: the device reports an error");
    else
        qt_eq(rd(R_STATUS) & (ST_DRQ | ST_ERR | ST_BSY), ST_ERR,
              "short table: the device gives up");
    bm_stop();
    rd(R_STATUS);

    if (qtest_is_qemu()) {
        qt_skip("QEMU", "runaway table");
        return;
    }
    /* A table with no EOT that would run past its 64 KiB block */
    for (int i = 0; i < 4; i++) {
        writel(0x1fff0 + 8 * i, BUF_ADDR);
        writel(0x1fff0 + 8 * i + 4, 2);
        writel(0x20000 + 8 * i, BUF_ADDR);
        writel(0x20000 + 8 * i + 4, 2);
    }
    lba28(0xc8, 10, 1);
    bm_start(0x1fff0, true);
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x06, "runaway table: Error and Interrupt, not Active");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "runaway table: the command aborts");
    qt_eq(rd(R_ERROR), ERR_ABRT, "... with ABRT");
    bm_stop();

    /* Bus mastering disabled in the PCI command register */
    cfg_writel(IDE_DEVFN, 0x04, 0x01);
    prd(0, BUF_ADDR, 512, true);
    lba28(0xc8, 10, 1);
    bm_start(PRD_ADDR, true);
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x06, "no bus mastering: Error");
    qt_eq(rd(R_STATUS), ST_DRDY | ST_ERR, "no bus mastering: the command aborts");
    bm_stop();
    cfg_writel(IDE_DEVFN, 0x04, 0x05);

    /* A fresh command still works */
    prd(0, BUF_ADDR, 512, true);
    lba28(0xc8, 11, 1);
    bm_start(PRD_ADDR, true);
    qt_eq(inb(BM_BASE + BM_STATUS) & 0x07, 0x04, "after the errors a DMA read works again");
    bm_stop();
    rd(R_STATUS);
}

int main(void)
{
    make_image();
    start();
    test_pci();
    test_registers();
    test_identify();
    test_pio_read();
    test_pio_multiple();
    test_pio_write();
    test_errors();
    test_settings();
    test_nien_srst();
    test_dma_read();
    test_dma_write();
    test_dma_errors();
    qtest_end();
    return qt_done();
}
