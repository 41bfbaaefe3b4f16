/* SPDX-License-Identifier: MIT */
/*
 * test-fw-cfg: the fw_cfg device of the pc machine through qtest.
 *
 * The traditional interface (selector 0x510, data 0x511): signature, ID,
 * RAM size, CPU counts, boot menu, the file directory (sorted, big-endian)
 * and the files the PC provides (etc/e820 for -m 256M and -m 4G,
 * etc/boot-menu-wait, etc/boot-fail-wait, bootorder); then the DMA
 * interface (0x514/0x518): signature, select+read, skip, reading past the
 * end, the shared read offset, and the error status of a write to a
 * read-only item. Reference: QEMU docs/specs/fw_cfg.rst. Runs against
 * QEMU too (KEMU_BIN=qemu-system-x86_64).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define FW_SEL 0x510
#define FW_DATA 0x511
#define FW_DMA_HI 0x514
#define FW_DMA_LO 0x518

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_IRQ0_OVERRIDE 0x8002

#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08
#define DMA_WRITE 0x10

#define DMA_ACCESS 0x1000 /* guest address of the access structure */
#define DMA_BUF 0x2000

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void fw_read(uint16_t key, void *buf, size_t len)
{
    outw(FW_SEL, key);
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = inb(FW_DATA);
}

static uint64_t fw_read_int(uint16_t key, size_t len)
{
    uint8_t b[8] = { 0 };
    uint64_t v = 0;

    fw_read(key, b, len);
    for (size_t i = len; i-- > 0;)
        v = v << 8 | b[i];
    return v;
}

/* The selector and size of a file, from the directory; false if absent. */
static bool fw_find_file(const char *name, uint16_t *select, uint32_t *size)
{
    uint8_t e[64];
    uint32_t count;

    outw(FW_SEL, FW_CFG_FILE_DIR);
    for (int i = 0; i < 4; i++)
        e[i] = inb(FW_DATA);
    count = be32(e);
    for (uint32_t n = 0; n < count; n++) {
        for (int i = 0; i < 64; i++)
            e[i] = inb(FW_DATA);
        if (!strncmp((char *)e + 8, name, 56)) {
            *size = be32(e);
            *select = e[4] << 8 | e[5];
            return true;
        }
    }
    return false;
}

static QTestState *start(const char *args)
{
    char all[512];

    snprintf(all, sizeof(all), "-M pc -nodefaults %s", args);
    return qtest_start(all);
}

/* ---- traditional interface ---- */

static void test_basic_items(void)
{
    char sig[6] = { 0 };

    start("-m 256M -smp 2");
    fw_read(FW_CFG_SIGNATURE, sig, 5);
    qt_ok(!memcmp(sig, "QEMU", 5), "signature \"QEMU\", then 0 past the end");
    qt_eq(fw_read_int(FW_CFG_ID, 4), 3, "ID: traditional interface and DMA");
    qt_eq(fw_read_int(FW_CFG_RAM_SIZE, 8), 256ull << 20, "RAM size");
    qt_eq(fw_read_int(FW_CFG_NB_CPUS, 2), 2, "number of CPUs");
    qt_eq(fw_read_int(FW_CFG_MAX_CPUS, 2), 2, "max CPUs");
    qt_eq(fw_read_int(FW_CFG_BOOT_MENU, 2), 0, "boot menu off");
    qt_eq(fw_read_int(FW_CFG_IRQ0_OVERRIDE, 4), 1, "IRQ0 override");
    qt_eq(fw_read_int(0x3fff, 4), 0, "an unknown key reads 0");
    outb(FW_DATA, 0x55);
    qt_eq(fw_read_int(FW_CFG_ID, 4), 3, "data port writes are ignored");
    outw(FW_SEL, FW_CFG_SIGNATURE);
    inb(FW_DATA);
    outw(FW_SEL, FW_CFG_SIGNATURE);
    qt_eq(inb(FW_DATA), 'Q', "selecting rewinds the offset");
}

static void test_file_dir(void)
{
    uint8_t e[64];
    char prev[57] = "";
    uint32_t count;
    bool sorted = true, selectors = true;

    fw_read(FW_CFG_FILE_DIR, e, 4);
    count = be32(e);
    qt_ok(count >= 4 && count < 0x100, "directory count %u (big-endian)", count);
    for (uint32_t n = 0; n < count; n++) {
        for (int i = 0; i < 64; i++)
            e[i] = inb(FW_DATA);
        e[63] = 0;
        if (strcmp(prev, (char *)e + 8) >= 0)
            sorted = false;
        if ((uint32_t)(e[4] << 8 | e[5]) != 0x20 + n)
            selectors = false;
        snprintf(prev, sizeof(prev), "%s", (char *)e + 8);
    }
    qt_ok(sorted, "directory sorted by name");
    qt_ok(selectors, "file n has selector 0x20 + n");
}

static void test_pc_files(void)
{
    uint16_t sel;
    uint32_t size;
    uint8_t buf[64];

    qt_ok(fw_find_file("bootorder", &sel, &size) && size == 0, "bootorder is empty");
    qt_ok(fw_find_file("etc/boot-fail-wait", &sel, &size) && size == 4,
          "etc/boot-fail-wait is 4 bytes");
    qt_eq(fw_read_int(sel, 4), 0xffffffff, "boot-fail-wait: -1 (no reboot)");
    qt_ok(!fw_find_file("etc/boot-menu-wait", &sel, &size), "no boot-menu-wait by default");
    qt_ok(fw_find_file("etc/e820", &sel, &size) && size % 20 == 0, "etc/e820 entries");
    fw_read(sel, buf, size < sizeof(buf) ? size : sizeof(buf));
    /* QEMU adds a reserved entry for the AMD HyperTransport hole: look for
     * the RAM entries. */
    bool found = false;
    for (uint32_t off = 0; off + 20 <= size && off + 20 <= sizeof(buf); off += 20) {
        uint64_t addr, len;
        memcpy(&addr, buf + off, 8);
        memcpy(&len, buf + off + 8, 8);
        if (buf[off + 16] == 1 && addr == 0 && len == 256ull << 20)
            found = true;
    }
    qt_ok(found, "etc/e820: RAM 0-256 MiB");
}

/* ---- DMA interface ---- */

static void dma_start(uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t acc[16];

    for (int i = 0; i < 4; i++) {
        acc[i] = control >> (24 - 8 * i);
        acc[4 + i] = len >> (24 - 8 * i);
    }
    for (int i = 0; i < 8; i++)
        acc[8 + i] = addr >> (56 - 8 * i);
    memwrite(DMA_ACCESS, acc, sizeof(acc));
    outl(FW_DMA_HI, 0);
    outl(FW_DMA_LO, __builtin_bswap32(DMA_ACCESS));
}

static uint32_t dma_status(void)
{
    return __builtin_bswap32(readl(DMA_ACCESS));
}

static void test_dma(void)
{
    uint8_t buf[72];

    qt_eq(inl(FW_DMA_HI), 0x554d4551, "DMA port reads \"QEMU\"");
    qt_eq(inl(FW_DMA_LO), 0x47464320, "DMA port reads \" CFG\"");

    qtest_memset(global_qtest, DMA_BUF, 0xee, 16);
    dma_start(FW_CFG_SIGNATURE << 16 | DMA_SELECT | DMA_READ, 6, DMA_BUF);
    qt_eq(dma_status(), 0, "select+read: control cleared");
    memread(DMA_BUF, buf, 8);
    qt_ok(!memcmp(buf, "QEMU\0\0\xee\xee", 8), "read past the end gives zeros, no more");

    dma_start(FW_CFG_SIGNATURE << 16 | DMA_SELECT | DMA_READ, 2, DMA_BUF);
    qt_eq(inb(FW_DATA), 'M', "the data port continues where DMA stopped");

    dma_start(FW_CFG_FILE_DIR << 16 | DMA_SELECT | DMA_SKIP, 4, 0);
    qt_eq(dma_status(), 0, "select+skip: control cleared");
    dma_start(DMA_READ, 64, DMA_BUF);
    memread(DMA_BUF, buf, 64);
    qt_ok(buf[4] == 0 && buf[5] == 0x20 && buf[8] != 0, "skip then read: first directory entry");

    dma_start(FW_CFG_ID << 16 | DMA_SELECT | DMA_WRITE, 4, DMA_BUF);
    qt_eq(dma_status(), DMA_ERROR, "writing a read-only item sets the error bit");
}

static void test_boot_options(void)
{
    uint16_t sel;
    uint32_t size;

    start("-boot menu=on,splash-time=2500,reboot-timeout=1000");
    qt_eq(fw_read_int(FW_CFG_BOOT_MENU, 2), 1, "-boot menu=on");
    qt_ok(fw_find_file("etc/boot-menu-wait", &sel, &size) && size == 2, "etc/boot-menu-wait");
    qt_eq(fw_read_int(sel, 2), 2500, "boot-menu-wait = splash-time");
    qt_ok(fw_find_file("etc/boot-fail-wait", &sel, &size), "etc/boot-fail-wait");
    qt_eq(fw_read_int(sel, 4), 1000, "boot-fail-wait = reboot-timeout");
    qtest_end();
}

static void test_e820_high(void)
{
    uint16_t sel;
    uint32_t size;
    uint8_t buf[200];
    bool low = false, high = false;

    start("-m 4G");
    qt_eq(fw_read_int(FW_CFG_RAM_SIZE, 8), 4ull << 30, "RAM size 4 GiB");
    qt_ok(fw_find_file("etc/e820", &sel, &size) && size <= sizeof(buf), "etc/e820");
    fw_read(sel, buf, size);
    for (uint32_t off = 0; off + 20 <= size; off += 20) {
        uint64_t addr, len;
        memcpy(&addr, buf + off, 8);
        memcpy(&len, buf + off + 8, 8);
        if (buf[off + 16] == 1 && addr == 0 && len == 3ull << 30)
            low = true;
        if (buf[off + 16] == 1 && addr == 4ull << 30 && len == 1ull << 30)
            high = true;
    }
    qt_ok(low, "-m 4G: 3 GiB below 4 GiB (gigabyte-aligned split)");
    qt_ok(high, "-m 4G: 1 GiB at 4 GiB");
    qtest_end();
}

int main(void)
{
    test_basic_items();
    test_file_dir();
    test_pc_files();
    test_dma();
    qtest_end();
    test_boot_options();
    test_e820_high();
    return qt_done();
}
