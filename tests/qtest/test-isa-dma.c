/* SPDX-License-Identifier: MIT */
/*
 * test-isa-dma: the 8237A pair and the page registers, through qtest.
 *
 * Register level: base/current address and count through the byte
 * pointer flip-flop on both controllers (the second one at even ports
 * 0xc0-0xde), the page registers, master clear, the mask registers and
 * the status register. Transfers are driven by the floppy controller on
 * channel 2 reading a 1.44 MB image: terminal count with and without
 * auto-initialize (which masks the channel), address decrement, verify
 * mode, the 64 KiB page wrap, a masked channel and a disabled controller
 * holding the transfer back until released. Reference: Intel 8237A
 * datasheet. Runs against QEMU too (kemu-only details are skipped).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define MSR 0x3f4
#define FIFO 0x3f5
#define DOR 0x3f2
#define IRQ_FD 6

static char *img;

static void fill_sector(uint8_t *buf, uint32_t lba)
{
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(lba * 7 + i);
    memcpy(buf, &lba, 4);
}

static void make_image(void)
{
    uint8_t sec[512];
    int fd;

    img = qtest_tmpfile("dma-fd");
    fd = open(img, O_WRONLY | O_TRUNC);
    for (uint32_t n = 0; n < 2880; n++) {
        fill_sector(sec, n);
        if (write(fd, sec, 512) != 512)
            abort();
    }
    close(fd);
}

static void start(void)
{
    char args[2048], extra[128] = "";
    QTestState *s = qtest_init(qtest_isa_machine());

    if (qtest_inb(s, 0x08) == 0xff && qtest_inb(s, 0x0d) == 0xff)
        strcat(extra, "-device i8257 ");
    if (qtest_inb(s, MSR) == 0xff)
        strcat(extra, "-device isa-fdc ");
    qtest_quit(s);
    if (qtest_is_qemu())
        snprintf(args, sizeof(args),
                 "%s -drive if=none,id=f0,file=%s,format=raw -device floppy,unit=0,drive=f0",
                 qtest_isa_machine(), img);
    else
        snprintf(args, sizeof(args), "%s %s -device floppy,unit=0,file=%s,format=raw",
                 qtest_isa_machine(), extra, img);
    qtest_start(args);
    qtest_irq_intercept_in(global_qtest, "ioapic");
}

static bool kemu_only(const char *what)
{
    if (qtest_is_qemu()) {
        qt_skip("QEMU differs", "%s", what);
        return false;
    }
    return true;
}

/* ---- 8237 helpers ---- */

static uint16_t read16(uint16_t port, uint16_t ff_port)
{
    uint8_t lo, hi;

    outb(ff_port, 0);
    lo = inb(port);
    hi = inb(port);
    return lo | hi << 8;
}

static void write16(uint16_t port, uint16_t ff_port, uint16_t v)
{
    outb(ff_port, 0);
    outb(port, v & 0xff);
    outb(port, v >> 8);
}

static void ch2_setup(uint8_t mode, uint32_t addr, uint16_t count)
{
    outb(0x0a, 0x06);
    outb(0x0b, mode);
    write16(0x04, 0x0c, addr & 0xffff);
    outb(0x81, addr >> 16);
    write16(0x05, 0x0c, count);
    outb(0x0a, 0x02);
}

/* ---- floppy helpers ---- */

static void fdc_send(const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        outb(FIFO, b[i]);
}

static int fdc_results(uint8_t *r, int max)
{
    int n = 0;

    for (int i = 0; i < 1000 && (inb(MSR) & 0xd0) != 0xd0 && (inb(MSR) & 0x10); i++)
        usleep(10);
    while ((inb(MSR) & 0xd0) == 0xd0 && n < max)
        r[n++] = inb(FIFO);
    return n;
}

static void fdc_init(void)
{
    uint8_t r[2];

    outb(DOR, 0x08);
    outb(DOR, 0x0c);
    for (int i = 0; i < 4; i++) {
        outb(FIFO, 0x08);
        fdc_results(r, 2);
    }
    fdc_send((uint8_t[]){ 0x03, 0xaf, 0x02 }, 3);
    outb(0x3f7, 0);
}

/* READ DATA of sector R on cylinder 0 head 0 (EOT 18). */
static void fdc_read(uint8_t sector)
{
    fdc_send((uint8_t[]){ 0x46, 0x00, 0, 0, sector, 2, 18, 0x1b, 0xff }, 9);
}

static bool mem_is_sector(uint64_t addr, uint32_t lba)
{
    uint8_t got[512], want[512];

    qtest_memread(global_qtest, addr, got, 512);
    fill_sector(want, lba);
    return !memcmp(got, want, 512);
}

/* ---- tests ---- */

static void test_registers(void)
{
    outb(0x0d, 0); /* master clear */
    qt_eq(inb(0x08), 0x00, "status after master clear: 0");
    write16(0x02, 0x0c, 0x1234);
    write16(0x03, 0x0c, 0x01ff);
    qt_eq(read16(0x02, 0x0c), 0x1234, "channel 1 address through the flip-flop");
    qt_eq(read16(0x03, 0x0c), 0x01ff, "channel 1 count through the flip-flop");
    outb(0x0c, 0);
    outb(0x02, 0x78);
    outb(0x0c, 0);
    outb(0x02, 0x9a);
    outb(0x02, 0x56);
    qt_eq(read16(0x02, 0x0c), 0x569a, "clearing the flip-flop restarts at the low byte");

    outb(0x83, 0x12);
    outb(0x87, 0x34);
    outb(0x80, 0x55);
    outb(0x8f, 0x66);
    qt_eq(inb(0x83) << 8 | inb(0x87), 0x1234, "page registers of channels 1 and 0");
    if (kemu_only("page register file scratch bytes 80h/8Fh"))
        qt_eq(inb(0x80) << 8 | inb(0x8f), 0x5566, "scratch page registers 80h and 8Fh");

    write16(0xc4, 0xd8, 0xbeef);
    write16(0xc6, 0xd8, 0x0fff);
    qt_eq(read16(0xc4, 0xd8), 0xbeef, "channel 5 address (second controller)");
    qt_eq(read16(0xc6, 0xd8), 0x0fff, "channel 5 count");
    outb(0x8b, 0x02);
    qt_eq(inb(0x8b), 0x02, "channel 5 page register (8Bh)");

    if (kemu_only("mask register read-back at 0Fh")) {
        qt_eq(inb(0x0f) & 0x0f, 0x0f, "master clear masks every channel");
        outb(0x0a, 0x02);
        qt_eq(inb(0x0f) & 0x0f, 0x0b, "single mask: channel 2 unmasked");
        outb(0x0f, 0x05);
        qt_eq(inb(0x0f) & 0x0f, 0x05, "write all mask bits");
        outb(0x0e, 0);
        qt_eq(inb(0x0f) & 0x0f, 0x00, "clear mask register");
    }
}

static void test_transfers(void)
{
    uint8_t r[8], got[512], want[512];
    bool ok = true;

    fdc_init();

    /* Plain single transfer, no auto-initialize */
    qtest_memset(global_qtest, 0x2000, 0, 0x400);
    ch2_setup(0x46, 0x2000, 511);
    fdc_read(1);
    fdc_results(r, 7);
    qt_ok(mem_is_sector(0x2000, 0), "single mode, increment: sector at 2000h");
    qt_eq(inb(0x08) & 0x04, 0x04, "TC of channel 2 in the status register");
    qt_eq(read16(0x05, 0x0c), 0xffff, "current count FFFFh at TC");
    qt_eq(read16(0x04, 0x0c), 0x2200, "current address base + 512");
    if (kemu_only("mask bit set at TC"))
        qt_eq(inb(0x0f) & 0x04, 0x04, "without auto-initialize the channel masks itself at TC");

    /* Auto-initialize: the registers reload, the channel stays unmasked */
    ch2_setup(0x56, 0x3000, 511);
    fdc_read(2);
    fdc_results(r, 7);
    qt_ok(mem_is_sector(0x3000, 1), "auto-initialize transfer");
    if (kemu_only("auto-initialize reloads the current registers")) {
        qt_eq(read16(0x05, 0x0c), 511, "auto-initialize: the count reloads");
        qt_eq(read16(0x04, 0x0c), 0x3000, "auto-initialize: the address reloads");
        qt_eq(inb(0x0f) & 0x04, 0x00, "auto-initialize: still unmasked");
    }

    /* Address decrement: the sector lands reversed below the start */
    if (!kemu_only("decrement mode and the page wrap"))
        goto masked;
    ch2_setup(0x66, 0x41ff, 511);
    fdc_read(3);
    fdc_results(r, 7);
    qtest_memread(global_qtest, 0x4000, got, 512);
    fill_sector(want, 2);
    for (int i = 0; i < 512; i++)
        ok = ok && got[511 - i] == want[i];
    qt_ok(ok, "decrement mode: bytes stored downwards from 41FFh");

    /* Verify mode: a transfer that touches no memory */
    qtest_memset(global_qtest, 0x5000, 0xaa, 512);
    ch2_setup(0x42, 0x5000, 511);
    fdc_read(4);
    fdc_results(r, 7);
    qt_eq(r[0] & 0xc0, 0, "verify mode: the floppy read completes");
    qt_eq(readb(0x5000) << 8 | readb(0x51ff), 0xaaaa, "verify mode: memory untouched");

    /* Page wrap: the address counter wraps inside page 1 */
    qtest_memset(global_qtest, 0x10000, 0, 0x10000);
    ch2_setup(0x46, 0x1ff00, 511);
    fdc_read(5);
    fdc_results(r, 7);
    fill_sector(want, 4);
    qtest_memread(global_qtest, 0x1ff00, got, 256);
    qtest_memread(global_qtest, 0x10000, got + 256, 256);
    qt_ok(!memcmp(got, want, 512), "the 8-bit address wraps within its 64 KiB page");
    qt_eq(readb(0x20000), 0, "nothing written past the page");

masked:
    /* A masked channel holds the transfer until unmasked */
    ch2_setup(0x46, 0x6000, 511);
    outb(0x0a, 0x06);
    fdc_read(6);
    qt_eq(inb(MSR) & 0xd0, 0x10, "masked channel: the FDC waits in the execution phase");
    qt_ok(!get_irq(IRQ_FD), "no interrupt yet");
    outb(0x0a, 0x02);
    for (int i = 0; i < 1000 && !get_irq(IRQ_FD); i++)
        usleep(10);
    qt_ok(get_irq(IRQ_FD), "unmasking runs the transfer");
    fdc_results(r, 7);
    qt_ok(mem_is_sector(0x6000, 5), "data after unmasking");

    /* Controller disabled by the command register */
    if (!kemu_only("disabled controller holds DREQ"))
        return;
    ch2_setup(0x46, 0x7000, 511);
    outb(0x08, 0x04);
    fdc_read(7);
    qt_eq(inb(MSR) & 0xd0, 0x10, "disabled controller: nothing moves");
    outb(0x08, 0x00);
    fdc_results(r, 7);
    qt_ok(mem_is_sector(0x7000, 6), "enabling the controller completes the transfer");
}

int main(void)
{
    make_image();
    start();
    test_registers();
    test_transfers();
    qtest_end();
    return qt_done();
}
