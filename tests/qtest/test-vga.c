/* SPDX-License-Identifier: MIT */
/*
 * test-vga: the standard VGA ("VGA" on PCI, "isa-vga") and its Bochs VBE.
 *
 * A "VGA" is created with -device on a pc machine without the default
 * display (-vga none) and found by scanning PCI bus 0 for 1234:1111.
 * Checks: the PCI header, BAR sizes and the option ROM through the ROM
 * BAR; register round trips and reserved-bit masks of the sequencer,
 * CRTC (with the CR0-7 write protection and the mono/colour port
 * selection), graphics controller, attribute controller (index/data
 * flip-flop reset by input status 1) and DAC (three-access cycles, auto
 * increment, 6-bit values); input status 1 retrace bits changing while
 * polled; text memory through 0xb8000 in odd/even mode and the plane
 * each byte lands in; write modes 0-3, the logical functions, bit mask,
 * map mask, read modes 0 and 1 and chain-4 in planar graphics; the VBE
 * registers (ID, GETCAPS, mode set with clamping, bank, clear and
 * NOCLEARMEM) with the linear framebuffer in BAR0 matching the banked
 * window; the MMIO BAR (VGA ports at 0x400, VBE at 0x500, QEMU extended
 * registers at 0x600); the "vga_text" dump of a known screen and the
 * "vga_render" hash of small text, 256-colour and VBE pictures; the same
 * core behind "isa-vga". With $KEMU_BIN naming QEMU the register checks
 * run against QEMU, and the kemu-only ones are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define BAR0_ADDR 0xe0000000u
#define BAR2_ADDR 0xe1000000u
#define ROM_ADDR 0xe2000000u
#define VRAM_MB 16

static int vga_devfn = -1;

/* ---- helpers ---- */

static uint32_t cfg_read(int devfn, int reg)
{
    outl(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    return inl(0xcfc);
}

static void cfg_write(int devfn, int reg, uint32_t val)
{
    outl(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    outl(0xcfc, val);
}

static void sr_w(uint8_t i, uint8_t v) { outb(0x3c4, i); outb(0x3c5, v); }
static uint8_t sr_r(uint8_t i) { outb(0x3c4, i); return inb(0x3c5); }
static void gr_w(uint8_t i, uint8_t v) { outb(0x3ce, i); outb(0x3cf, v); }
static uint8_t gr_r(uint8_t i) { outb(0x3ce, i); return inb(0x3cf); }
static void cr_w(uint8_t i, uint8_t v) { outb(0x3d4, i); outb(0x3d5, v); }
static uint8_t cr_r(uint8_t i) { outb(0x3d4, i); return inb(0x3d5); }
static void vbe_w(uint16_t i, uint16_t v) { outw(0x1ce, i); outw(0x1cf, v); }
static uint16_t vbe_r(uint16_t i) { outw(0x1ce, i); return inw(0x1cf); }

static void ar_w(uint8_t i, uint8_t v)
{
    inb(0x3da);
    outb(0x3c0, i);
    outb(0x3c0, v);
}

static uint8_t ar_r(uint8_t i)
{
    inb(0x3da);
    outb(0x3c0, i);
    return inb(0x3c1);
}

static void dac_set(uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    outb(0x3c8, i);
    outb(0x3c9, r);
    outb(0x3c9, g);
    outb(0x3c9, b);
}

/* The attribute palette as identity, PAS set so the screen shows. */
static void ar_setup(uint8_t mode)
{
    for (int i = 0; i < 16; i++)
        ar_w(i, i);
    ar_w(0x10, mode);
    ar_w(0x11, 0);
    ar_w(0x12, 0x0f);
    ar_w(0x13, 0);
    ar_w(0x14, 0);
    inb(0x3da);
    outb(0x3c0, 0x20);
}

/* 80x25 colour text, 9x16 cells (mode 3 as the BIOS programs it). */
static void set_text_mode(void)
{
    static const uint8_t crtc[25] = {
        0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
        0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
    };

    outb(0x3c2, 0x67);
    sr_w(0, 0x03);
    sr_w(1, 0x00);
    sr_w(2, 0x03);
    sr_w(3, 0x00);
    sr_w(4, 0x02);
    cr_w(0x11, 0x0e);  /* unlock CR0-7 */
    for (int i = 0; i < 25; i++)
        cr_w(i, crtc[i]);
    for (int i = 0; i < 9; i++)
        gr_w(i, (const uint8_t[]){ 0, 0, 0, 0, 0, 0x10, 0x0e, 0x0f, 0xff }[i]);
    ar_setup(0x0c);
}

/* Planar 16-colour graphics at A0000/64K (mode 12h's memory set-up). */
static void set_planar_mode(void)
{
    outb(0x3c2, 0xe3);
    sr_w(2, 0x0f);
    sr_w(4, 0x06);
    for (int i = 0; i < 9; i++)
        gr_w(i, (const uint8_t[]){ 0, 0, 0, 0, 0, 0x00, 0x05, 0x0f, 0xff }[i]);
}

static uint32_t plane_read(uint32_t addr, int plane)
{
    gr_w(4, plane);
    return readb(addr);
}

static uint64_t fnv1a(const uint32_t *px, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n * 4; i++)
        h = (h ^ ((px[i / 4] >> (8 * (i % 4))) & 0xff)) * 0x100000001b3ULL;
    return h;
}

/* Compare the "vga_render" reply with the picture px of w x h. */
static void check_render(const char *what, const uint32_t *px, int w, int h)
{
    char *r = qtest_cmd(global_qtest, "vga_render");
    char want[96];

    snprintf(want, sizeof(want), "OK %d %d 0x%016llx", w, h,
             (unsigned long long)fnv1a(px, (size_t)w * h));
    if (!qt_ok(r && !strcmp(r, want), "render: %s", what))
        qt_diag("got '%s', want '%s'", r ? r : "(none)", want);
    free(r);
}

/* The "vga_text" dump, decoded from hex (malloc'd), or NULL on FAIL. */
static char *text_dump(void)
{
    char *r = qtest_cmd(global_qtest, "vga_text"), *out;
    size_t n;

    if (!r || strncmp(r, "OK ", 3)) {
        free(r);
        return NULL;
    }
    n = strlen(r + 3) / 2;
    out = calloc(1, n + 1);
    for (size_t i = 0; i < n; i++)
        sscanf(r + 3 + 2 * i, "%2hhx", (unsigned char *)&out[i]);
    free(r);
    return out;
}

/* ---- PCI ---- */

static void find_vga(void)
{
    for (int slot = 0; slot < 32; slot++) {
        if (cfg_read(slot << 3, 0) == 0x11111234) {
            vga_devfn = slot << 3;
            break;
        }
    }
}

static void test_pci(void)
{
    uint32_t rom_size;

    qt_ok(vga_devfn >= 0, "1234:1111 found on bus 0 (devfn 0x%x)", vga_devfn);
    if (vga_devfn < 0)
        return;
    qt_eq(cfg_read(vga_devfn, 0x08) >> 8, 0x030000, "class VGA (0300), prog-if 0");
    qt_eq(cfg_read(vga_devfn, 0x08) & 0xff, 2, "revision 2 (QEMU extended registers)");
    qt_eq(cfg_read(vga_devfn, 0x2c), 0x11001af4, "subsystem 1af4:1100");
    cfg_write(vga_devfn, 0x10, 0xffffffff);
    qt_eq(cfg_read(vga_devfn, 0x10), (uint32_t)-(VRAM_MB << 20) | 0x08,
          "BAR0: %d MiB, 32-bit prefetchable memory", VRAM_MB);
    cfg_write(vga_devfn, 0x14, 0xffffffff);
    qt_eq(cfg_read(vga_devfn, 0x14), 0, "BAR1 not implemented");
    cfg_write(vga_devfn, 0x18, 0xffffffff);
    qt_eq(cfg_read(vga_devfn, 0x18), 0xfffff000, "BAR2: 4 KiB memory");
    cfg_write(vga_devfn, 0x30, 0xffffffff);
    rom_size = -(cfg_read(vga_devfn, 0x30) & ~0x7ffu);
    qt_ok(rom_size >= 32768 && !(rom_size & (rom_size - 1)), "ROM BAR: %u bytes", rom_size);

    cfg_write(vga_devfn, 0x10, BAR0_ADDR);
    cfg_write(vga_devfn, 0x18, BAR2_ADDR);
    cfg_write(vga_devfn, 0x30, ROM_ADDR | 1);
    cfg_write(vga_devfn, 0x04, 0x0003);
    qt_eq(readw(ROM_ADDR), 0xaa55, "option ROM signature 55 aa");
    {
        uint16_t pcir = readw(ROM_ADDR + 0x18);

        qt_eq(readl(ROM_ADDR + pcir), 0x52494350, "ROM PCI data structure 'PCIR'");
        qt_eq(readl(ROM_ADDR + pcir + 4), 0x11111234, "ROM made for 1234:1111");
    }
    cfg_write(vga_devfn, 0x30, ROM_ADDR);
}

/* ---- registers ---- */

static void test_misc_and_ports(void)
{
    outb(0x3c2, 0x66);
    qt_eq(inb(0x3cc), 0x66, "misc output reads back");
    outb(0x3b4, 0x0e);
    outb(0x3b5, 0x12);
    qt_eq(inb(0x3b5), 0x12, "mono mode: CRTC at 0x3b4/5");
    outb(0x3d4, 0x0f);
    qt_eq(inb(0x3d5), 0xff, "mono mode: 0x3d5 not decoded");
    qt_eq(inb(0x3b4), 0x0e, "... nor 0x3d4");
    outb(0x3c2, 0x67);
    qt_eq(cr_r(0x0e), 0x12, "colour mode: the same CRTC at 0x3d4/5");
    qt_eq(inb(0x3b5), 0xff, "colour mode: 0x3b5 not decoded");
    cfg_write(vga_devfn, 0x04, 0);
    qt_eq(inb(0x3cc), 0x67, "legacy ports decoded with the command register clear");
    sr_w(2, 0x03);
    gr_w(6, 0x0e);
    sr_w(4, 0x02);
    gr_w(5, 0x10);
    gr_w(8, 0xff);
    writeb(0xb8000, 0x5a);
    qt_eq(readb(0xb8000), 0x5a, "legacy window decoded with the command register clear");
    cfg_write(vga_devfn, 0x04, 0x0003);
}

static void test_sequencer(void)
{
    static const uint8_t mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff };
    bool ok = true;

    for (int i = 0; i < 8; i++) {
        sr_w(i, 0xff);
        ok &= sr_r(i) == mask[i];
        sr_w(i, 0x00);
        ok &= sr_r(i) == 0;
    }
    qt_ok(ok, "sequencer SR0-SR7 round trip with reserved bits zero");
    outb(0x3c4, 0x0a);
    qt_eq(inb(0x3c4), 0x02, "sequencer index is 3 bits");
    outw(0x3c4, 0x0502);
    qt_eq(sr_r(2), 0x05, "word write: index then data");
}

static void test_crtc(void)
{
    bool ok = true;

    outb(0x3c2, 0x67);
    cr_w(0x11, 0x00);
    for (int i = 0; i <= 0x18; i++) {
        cr_w(i, 0xa5 ^ i);
        ok &= cr_r(i) == (0xa5 ^ i);
    }
    qt_ok(ok, "CRTC CR00-CR18 round trip");
    cr_w(0x0a, 0x0d);
    cr_w(0x0b, 0x0e);
    cr_w(0x0e, 0x07);
    cr_w(0x0f, 0xd0);
    qt_ok(cr_r(0x0a) == 0x0d && cr_r(0x0b) == 0x0e && cr_r(0x0e) == 0x07 && cr_r(0x0f) == 0xd0,
          "cursor start/end/location");
    cr_w(0x11, 0x80);
    cr_w(0x00, 0x11);
    cr_w(0x07, 0xff);
    cr_w(0x08, 0x33);
    qt_eq(cr_r(0x00), 0xa5, "CR11 bit 7 protects CR0");
    qt_eq(cr_r(0x07), (0xa5 ^ 7) | 0x10, "CR7: only the line compare bit 8 stays writable");
    qt_eq(cr_r(0x08), 0x33, "CR8 is not protected");
    cr_w(0x11, 0x00);
    cr_w(0x00, 0x11);
    qt_eq(cr_r(0x00), 0x11, "CR0 writable again");
}

static void test_gc(void)
{
    static const uint8_t mask[9] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };
    bool ok = true;

    for (int i = 0; i < 9; i++) {
        gr_w(i, 0xff);
        ok &= gr_r(i) == mask[i];
    }
    qt_ok(ok, "graphics controller GR0-GR8 with reserved bits zero");
    outb(0x3ce, 0x35);
    qt_eq(inb(0x3ce), 0x05, "GC index is 4 bits");
    for (int i = 0; i < 9; i++)
        gr_w(i, 0);
}

static void test_ac(void)
{
    bool ok = true;

    for (int i = 0; i < 16; i++)
        ar_w(i, 0x3f - i);
    for (int i = 0; i < 16; i++)
        ok &= ar_r(i) == 0x3f - i;
    qt_ok(ok, "attribute palette AR0-ARF round trip");
    ar_w(0x10, 0xff);
    qt_eq(ar_r(0x10), 0xef, "mode control: bit 4 reserved");
    ar_w(0x12, 0xff);
    qt_eq(ar_r(0x12), 0x3f, "color plane enable: 6 bits");
    ar_w(0x13, 0xff);
    qt_eq(ar_r(0x13), 0x0f, "horizontal pel panning: 4 bits");
    ar_w(0x14, 0xff);
    qt_eq(ar_r(0x14), 0x0f, "color select: 4 bits");
    ar_w(0x01, 0xff);
    qt_eq(ar_r(0x01), 0x3f, "palette entries: 6 bits");

    inb(0x3da);
    outb(0x3c0, 0x02);   /* index */
    outb(0x3c0, 0x15);   /* data */
    outb(0x3c0, 0x23);   /* index again (flip-flop back), PAS set */
    if (!qtest_is_qemu())   /* QEMU reads 0 here; the IBM VGA reads the index */
        qt_eq(inb(0x3c0), 0x23, "flip-flop: third write is an index, with PAS");
    qt_eq(ar_r(0x02), 0x15, "second write was the data");
    inb(0x3da);
    outb(0x3c0, 0x04);
    inb(0x3da);          /* reset in the middle: next write is an index */
    outb(0x3c0, 0x05);
    outb(0x3c0, 0x2a);
    qt_eq(ar_r(0x05), 0x2a, "input status 1 read resets the flip-flop");
    qt_eq(ar_r(0x04), 0x3f - 4, "the abandoned index kept its data");
}

static void test_dac(void)
{
    uint8_t v[6];

    dac_set(5, 0x3f, 0x20, 0x01);
    outb(0x3c9, 0x02);
    outb(0x3c9, 0x03);
    outb(0x3c9, 0x04);
    qt_eq(inb(0x3c8), 7, "write index advanced by one per three writes");
    qt_eq(inb(0x3c7), 0, "DAC state: write mode");
    outb(0x3c7, 5);
    qt_eq(inb(0x3c7), 3, "DAC state: read mode");
    for (int i = 0; i < 6; i++)
        v[i] = inb(0x3c9);
    qt_ok(v[0] == 0x3f && v[1] == 0x20 && v[2] == 0x01 && v[3] == 2 && v[4] == 3 && v[5] == 4,
          "two entries read back in three-byte cycles");
    if (!qtest_is_qemu()) {   /* QEMU does not keep the pel mask */
        outb(0x3c6, 0x0f);
        qt_eq(inb(0x3c6), 0x0f, "pel mask");
        outb(0x3c6, 0xff);
        dac_set(9, 0xff, 0x40, 0x7f);
        outb(0x3c7, 9);
        v[0] = inb(0x3c9);
        v[1] = inb(0x3c9);
        v[2] = inb(0x3c9);
        qt_ok(v[0] == 0x3f && v[1] == 0x00 && v[2] == 0x3f, "6-bit DAC keeps the low 6 bits");
    }
}

static void test_retrace(void)
{
    int n, seen_on = 0, seen_off = 0, de_toggles = 0;
    uint8_t last = inb(0x3da);

    /* A BIOS-style wait: for the end of retrace, then for its start. */
    for (n = 0; n < 40000 && (inb(0x3da) & 0x08); n++)
        ;
    seen_off = n < 40000;
    for (n = 0; n < 40000 && !(inb(0x3da) & 0x08); n++)
        ;
    seen_on = n < 40000;
    qt_ok(seen_off && seen_on, "vertical retrace bit goes off and on while polled");
    for (n = 0; n < 4000; n++) {
        uint8_t v = inb(0x3da);

        de_toggles += (v ^ last) & 1;
        last = v;
    }
    qt_ok(de_toggles >= 2, "display-enable bit toggles (%d changes)", de_toggles);
}

/* ---- memory ---- */

static void test_text_memory(void)
{
    bool ok = true;

    set_text_mode();
    for (int i = 0; i < 80; i++)
        writew(0xb8000 + 2 * i, (0x10 + i) << 8 | (0x30 + i));
    for (int i = 0; i < 80; i++)
        ok &= readw(0xb8000 + 2 * i) == ((0x10 + i) << 8 | (0x30 + i));
    qt_ok(ok, "80 characters and attributes read back through 0xb8000");
    qt_eq(readb(0xa0000), 0xff, "B8000 map: 0xa0000 not decoded");
    writeb(0xa0000, 0x11);
    qt_eq(readb(0xb0000), 0xff, "B8000 map: 0xb0000 not decoded");
    gr_w(4, 1);
    qt_eq(readb(0xb8002), 0x31, "odd/even read: read map select bit 0 ignored");
    gr_w(4, 0);

    /* Planar reads show where odd/even writes landed. */
    gr_w(5, 0x00);
    if (!qtest_is_qemu()) {
        qt_eq(plane_read(0xb8004, 0), 0x32, "char 2 is in plane 0 at address 4");
        qt_eq(plane_read(0xb8004, 1), 0x12, "its attribute is in plane 1 at address 4");
        qt_eq(plane_read(0xb8005, 0), 0x00, "plane 0 address 5 untouched");
    }
    gr_w(5, 0x10);
    gr_w(4, 0);
    sr_w(2, 0x01);
    writew(0xb8000, 0x7f41);
    qt_eq(readw(0xb8000), 0x1041, "map mask 1: the attribute (odd) byte is not written");
    sr_w(2, 0x03);
    gr_w(6, 0x02 | 0x08);   /* B0000/32K */
    qt_eq(readw(0xb0000), 0x1041, "B0000 map: the same memory at 0xb0000");
    qt_eq(readb(0xb8000), 0xff, "B0000 map: 0xb8000 not decoded");
    gr_w(6, 0x0e);
}

static void test_write_modes(void)
{
    set_planar_mode();
    /* write mode 0 with set/reset on all planes */
    gr_w(1, 0x0f);
    gr_w(0, 0x05);
    writeb(0xa0000, 0xaa);
    qt_ok(plane_read(0xa0000, 0) == 0xff && plane_read(0xa0000, 1) == 0x00 &&
          plane_read(0xa0000, 2) == 0xff && plane_read(0xa0000, 3) == 0x00,
          "write mode 0: set/reset 0101 fills planes 0 and 2");
    /* set/reset on plane 0 only, host data (rotated) for the others */
    gr_w(1, 0x01);
    gr_w(0, 0x00);
    gr_w(3, 0x01);
    writeb(0xa0001, 0x81);
    qt_ok(plane_read(0xa0001, 0) == 0x00 && plane_read(0xa0001, 1) == 0xc0 &&
          plane_read(0xa0001, 3) == 0xc0, "write mode 0: enable set/reset per plane, rotate 1");
    gr_w(1, 0);
    gr_w(3, 0);
    /* logical functions against the latches */
    readb(0xa0000);                  /* latches ff 00 ff 00 */
    gr_w(3, 0x18);                   /* XOR */
    writeb(0xa0002, 0x0f);
    qt_ok(plane_read(0xa0002, 0) == 0xf0 && plane_read(0xa0002, 1) == 0x0f,
          "function XOR with the latches");
    readb(0xa0000);
    gr_w(3, 0x08);                   /* AND */
    writeb(0xa0003, 0x3c);
    qt_ok(plane_read(0xa0003, 0) == 0x3c && plane_read(0xa0003, 1) == 0x00, "function AND");
    readb(0xa0000);
    gr_w(3, 0x10);                   /* OR */
    writeb(0xa0004, 0x3c);
    qt_ok(plane_read(0xa0004, 0) == 0xff && plane_read(0xa0004, 1) == 0x3c, "function OR");
    gr_w(3, 0);
    /* bit mask keeps the latched bits */
    readb(0xa0000);
    gr_w(8, 0x0f);
    writeb(0xa0005, 0x00);
    qt_ok(plane_read(0xa0005, 0) == 0xf0 && plane_read(0xa0005, 1) == 0x00, "bit mask 0x0f");
    gr_w(8, 0xff);
    /* write mode 1: latch copy */
    readb(0xa0002);
    gr_w(5, 0x01);
    writeb(0xa0006, 0x00);
    gr_w(5, 0x00);
    qt_ok(plane_read(0xa0006, 0) == 0xf0 && plane_read(0xa0006, 1) == 0x0f &&
          plane_read(0xa0006, 2) == 0xf0 && plane_read(0xa0006, 3) == 0x0f,
          "write mode 1 copies the latches");
    /* write mode 2: colour from the host data */
    gr_w(5, 0x02);
    writeb(0xa0007, 0x09);
    gr_w(5, 0x00);
    qt_ok(plane_read(0xa0007, 0) == 0xff && plane_read(0xa0007, 1) == 0x00 &&
          plane_read(0xa0007, 2) == 0x00 && plane_read(0xa0007, 3) == 0xff,
          "write mode 2: colour 9 in all 8 pixels");
    /* write mode 3: set/reset colour through (bit mask AND rotated data) */
    readb(0xa0007);
    gr_w(5, 0x03);
    gr_w(0, 0x06);
    gr_w(8, 0xf0);
    writeb(0xa0007, 0x3c);
    gr_w(5, 0x00);
    gr_w(8, 0xff);
    qt_ok(plane_read(0xa0007, 0) == 0xcf && plane_read(0xa0007, 1) == 0x30 &&
          plane_read(0xa0007, 2) == 0x30 && plane_read(0xa0007, 3) == 0xcf,
          "write mode 3: colour 6 in the pixels of mask & data");
    gr_w(0, 0);
    /* map mask */
    writeb(0xa0008, 0x00);
    sr_w(2, 0x02);
    writeb(0xa0008, 0x77);
    sr_w(2, 0x0f);
    qt_ok(plane_read(0xa0008, 0) == 0x00 && plane_read(0xa0008, 1) == 0x77,
          "map mask 2: only plane 1 written");
    /* read mode 1: colour compare with don't care */
    gr_w(5, 0x08);
    gr_w(2, 0x09);
    gr_w(7, 0x0f);
    qt_eq(readb(0xa0007), 0xcf, "read mode 1: pixels of colour 9");
    gr_w(2, 0x06);
    qt_eq(readb(0xa0007), 0x30, "read mode 1: pixels of colour 6");
    gr_w(7, 0x01);
    gr_w(2, 0x00);
    qt_eq(readb(0xa0007), 0x30, "colour don't care: only plane 0 compared");
    gr_w(5, 0x00);
    gr_w(7, 0x0f);
    gr_w(2, 0);
    /* chain-4 */
    if (!qtest_is_qemu()) {
        sr_w(4, 0x0e);
        gr_w(5, 0x40);
        writeb(0xa0105, 0x77);
        qt_eq(readb(0xa0105), 0x77, "chain-4 byte reads back");
        sr_w(4, 0x06);
        gr_w(5, 0x00);
        qt_eq(plane_read(0xa0104, 1), 0x77, "chain-4: address 0x105 is plane 1 address 0x104");
        qt_eq(readb(BAR0_ADDR + 0x104 * 4 + 1), 0x77, "... byte 4 * 0x104 + 1 of BAR0");
    }
}

/* ---- VBE ---- */

static void test_vbe(void)
{
    uint32_t off = 4 * (300 * 640 + 7);

    qt_eq(vbe_r(0), 0xb0c5, "VBE ID after reset: 0xb0c5");
    vbe_w(0, 0xb0c0);
    qt_eq(vbe_r(0), 0xb0c0, "VBE ID 0xb0c0 accepted");
    vbe_w(0, 0x1234);
    qt_eq(vbe_r(0), 0xb0c0, "bad ID ignored");
    vbe_w(0, 0xb0c5);
    qt_eq(vbe_r(0x0a), VRAM_MB * 16, "video memory in 64 KiB units");
    vbe_w(4, 0x02);
    qt_ok(vbe_r(1) == 16000 && vbe_r(2) == 12000 && vbe_r(3) == 32, "GETCAPS: maximum mode");
    vbe_w(4, 0x00);
    vbe_w(1, 1024);
    qt_eq(vbe_r(1), 1024, "XRES reads back while disabled");

    writel(BAR0_ADDR, 0xdeadbeef);
    vbe_w(1, 640);
    vbe_w(2, 480);
    vbe_w(3, 32);
    vbe_w(4, 0xc1);
    qt_eq(vbe_r(4), 0xc1, "ENABLE | LFB | NOCLEARMEM");
    qt_eq(readl(BAR0_ADDR), 0xdeadbeef, "NOCLEARMEM kept the framebuffer");
    qt_ok(vbe_r(6) == 640 && vbe_r(7) == VRAM_MB * 1048576 / 2560,
          "virtual width = XRES, virtual height from the memory");
    qt_eq(gr_r(6) & 0x0d, 0x05, "VGA side: graphics, A0000/64K");
    writel(BAR0_ADDR + off, 0x00ff8040);
    vbe_w(5, off >> 16);
    qt_eq(readl(0xa0000 + (off & 0xffff)), 0x00ff8040, "LFB write seen through the bank");
    writew(0xa0000 + (off & 0xffff) + 4, 0x1234);
    qt_eq(readw(BAR0_ADDR + off + 4), 0x1234, "bank write seen in the LFB");
    vbe_w(5, 0xffff);
    qt_eq(vbe_r(5), VRAM_MB * 16 - 1, "bank masked to the memory size");
    vbe_w(1, 641);
    qt_eq(vbe_r(1), 640, "XRES rounded down to 8 while enabled");
    vbe_w(3, 7);
    qt_eq(vbe_r(3), 8, "bad BPP becomes 8");
    vbe_w(4, 0x00);
    qt_eq(vbe_r(4), 0, "disabled");
    vbe_w(3, 32);
    vbe_w(4, 0x41);
    qt_eq(readl(BAR0_ADDR), 0, "enable without NOCLEARMEM clears the screen");
    qt_eq(readl(BAR0_ADDR + off), 0, "... including line 300");
    vbe_w(4, 0x00);
}

static void test_mmio_bar(void)
{
    qt_eq(readw(BAR2_ADDR + 0x500), 0xb0c5, "MMIO 0x500: VBE ID");
    writew(BAR2_ADDR + 0x500 + 2 * 2, 600);
    qt_eq(vbe_r(2), 600, "MMIO VBE YRES write seen through the ports");
    qt_eq(readw(BAR2_ADDR + 0x500 + 2 * 0x0a), VRAM_MB * 16, "MMIO VBE video memory");
    writew(BAR2_ADDR + 0x400 + 4, 0x0302);
    qt_eq(sr_r(2), 0x03, "MMIO 0x404: word write = sequencer index then data");
    outb(0x3c4, 0x02);
    qt_eq(readb(BAR2_ADDR + 0x405), 0x03, "MMIO 0x405 reads the sequencer data");
    qt_eq(readl(BAR2_ADDR + 0x600), 8, "QEMU extended registers: size 8");
    qt_eq(readl(BAR2_ADDR + 0x604), 0x1e1e1e1e, "framebuffer little endian");
}

/* ---- text dump and render (kemu extensions) ---- */

static void test_text_dump(void)
{
    const char *hello = "Hello, VGA";
    char want[4096], *got, *p = want;

    set_text_mode();
    for (int i = 0; i < 80 * 25; i++)
        writew(0xb8000 + 2 * i, 0x0720);
    for (int i = 0; hello[i]; i++)
        writew(0xb8000 + 2 * i, 0x1f00 | hello[i]);
    writew(0xb8000 + 2 * (80 + 5), 0x0782);       /* CP437 e acute */
    writew(0xb8000 + 2 * (80 + 6), 0x07c4);       /* box drawing horizontal */
    writew(0xb8000 + 2 * (80 + 7), 0x0700);       /* NUL shows as blank */
    writew(0xb8000 + 2 * (80 + 8), 0x0701);       /* smiley */
    for (int i = 0; i < 3; i++)
        writew(0xb8000 + 2 * (24 * 80 + 77 + i), 0x0700 | "end"[i]);
    p += sprintf(p, "%s\n     \xc3\xa9\xe2\x94\x80 \xe2\x98\xba\n", hello);
    for (int r = 2; r < 24; r++)
        *p++ = '\n';
    p += sprintf(p, "%77s%s\n", "", "end");
    got = text_dump();
    if (!qt_ok(got && !strcmp(got, want), "vga_text: 25 lines of 80 columns, CP437 to UTF-8"))
        qt_diag("got '%s'", got ? got : "(FAIL)");
    free(got);

    cr_w(0x0c, 0);
    cr_w(0x0d, 80);
    got = text_dump();
    qt_ok(got && !strncmp(got, "     \xc3\xa9", 7), "start address 80: the dump starts at row 1");
    free(got);
    cr_w(0x0d, 0);

    cr_w(0x11, 0x0e);
    cr_w(0x01, 39);
    cr_w(0x13, 20);
    got = text_dump();
    qt_ok(got && !strncmp(got, "Hello, VGA\n\n     \xc3\xa9", 19),
          "40 columns: rows of 40 memory addresses");
    free(got);
    cr_w(0x01, 79);
    cr_w(0x13, 40);

    gr_w(6, 0x05);
    got = text_dump();
    qt_ok(got == NULL, "graphics mode: vga_text fails");
    free(got);
    gr_w(6, 0x0e);
}

static void load_glyph(uint8_t ch, const uint8_t rows[8])
{
    sr_w(2, 0x04);
    sr_w(4, 0x06);
    gr_w(5, 0x00);
    gr_w(6, 0x04);
    for (int y = 0; y < 32; y++)
        writeb(0xa0000 + ch * 32 + y, y < 8 ? rows[y] : 0);
    sr_w(2, 0x03);
    sr_w(4, 0x02);
    gr_w(5, 0x10);
    gr_w(6, 0x0e);
}

static void test_render_text(void)
{
    static const uint8_t glyph_a[8] = { 0x18, 0x24, 0x42, 0x7e, 0x42, 0x42, 0x00, 0x00 };
    static const uint8_t glyph_box[8] = { 0, 0, 0, 0xff, 0, 0, 0, 0 };
    static const uint8_t blank[8] = { 0 };
    const uint8_t cells[2][2][2] = { { { 'A', 0x01 }, { 0xc4, 0x12 } },
                                     { { ' ', 0x00 }, { 'A', 0x81 } } };
    uint32_t rgb[3] = { 0x000000, 0xff0000, 0x008200 }, px[18 * 16];

    set_text_mode();
    cr_w(0x11, 0x0e);
    cr_w(0x01, 1);       /* 2 columns */
    cr_w(0x09, 0x07);    /* 8-line cells */
    cr_w(0x12, 15);      /* 16 lines */
    cr_w(0x07, 0x00);
    cr_w(0x13, 1);
    cr_w(0x0a, 6);       /* cursor lines 6-7 at memory address 3 */
    cr_w(0x0b, 7);
    cr_w(0x0e, 0);
    cr_w(0x0f, 3);
    dac_set(0, 0, 0, 0);
    dac_set(1, 63, 0, 0);
    dac_set(2, 0, 32, 0);
    load_glyph('A', glyph_a);
    load_glyph(0xc4, glyph_box);
    load_glyph(' ', blank);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
            writew(0xb8000 + 2 * (r * 2 + c), cells[r][c][1] << 8 | cells[r][c][0]);
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
            uint8_t ch = cells[r][c][0], at = cells[r][c][1];
            const uint8_t *g = ch == 'A' ? glyph_a : ch == ' ' ? blank : glyph_box;

            for (int y = 0; y < 8; y++) {
                uint16_t bits = g[y] << 1 | (ch == 0xc4 ? g[y] & 1 : 0);

                if (r * 2 + c == 3 && y >= 6)
                    bits = 0x1ff;
                for (int x = 0; x < 9; x++)
                    px[(r * 8 + y) * 18 + c * 9 + x] =
                        rgb[(bits >> (8 - x)) & 1 ? at & 0x0f : (at >> 4) & 7];
            }
        }
    }
    check_render("2x2 text cells of 9x8, line graphics, blink bit, cursor", px, 18, 16);
}

static void test_render_256(void)
{
    uint32_t px[8 * 4];

    outb(0x3c2, 0x63);
    sr_w(1, 0x01);
    sr_w(2, 0x0f);
    sr_w(4, 0x0e);
    gr_w(5, 0x40);
    gr_w(6, 0x05);
    cr_w(0x11, 0x0e);
    cr_w(0x01, 1);       /* 8 pixels */
    cr_w(0x07, 0x00);
    cr_w(0x09, 0x41);    /* each row twice */
    cr_w(0x12, 7);       /* 8 lines: 4 rows */
    cr_w(0x13, 1);
    cr_w(0x14, 0x40);
    cr_w(0x17, 0xa3);
    cr_w(0x0c, 0);
    cr_w(0x0d, 0);
    ar_setup(0x41);
    for (int i = 0; i < 32; i++)
        dac_set(0x40 + i, i, 63 - i, i * 2);
    for (int i = 0; i < 32; i++) {
        writeb(0xa0000 + i, 0x40 + i);
        px[i] = ((i << 2 | i >> 4) << 16) | (((63 - i) << 2 | (63 - i) >> 4) << 8) |
                ((i * 2) << 2 | (i * 2) >> 4);
    }
    check_render("8x4 at 256 colours, chain-4, rows doubled", px, 8, 4);
}

static void test_render_vbe(void)
{
    static const uint16_t p16[4] = { 0xf800, 0x07e0, 0x001f, 0x8410 };
    static const uint32_t w16[4] = { 0xff0000, 0x00ff00, 0x0000ff, 0x838183 };
    uint32_t px[16 * 4];

    vbe_w(1, 16);
    vbe_w(2, 4);
    vbe_w(3, 32);
    vbe_w(4, 0x41);
    for (int i = 0; i < 64; i++) {
        writel(BAR0_ADDR + 4 * i, 0xaa000000u | (i * 0x030201u));
        px[i] = i * 0x030201u;
    }
    check_render("VBE 16x4x32", px, 16, 4);
    vbe_w(4, 0);
    vbe_w(1, 8);
    vbe_w(2, 2);
    vbe_w(3, 16);
    vbe_w(4, 0x41);
    for (int i = 0; i < 16; i++) {
        writew(BAR0_ADDR + 2 * i, p16[i % 4]);
        px[i] = w16[i % 4];
    }
    check_render("VBE 8x2x16", px, 8, 2);
    vbe_w(4, 0);
    vbe_w(3, 8);
    vbe_w(4, 0x41);
    dac_set(1, 63, 0, 0);
    dac_set(2, 0, 32, 0);
    for (int i = 0; i < 16; i++) {
        writeb(BAR0_ADDR + i, i & 1 ? 2 : 1);
        px[i] = i & 1 ? 0x008200 : 0xff0000;
    }
    check_render("VBE 8x2x8 through the DAC", px, 8, 2);
    vbe_w(4, 0);
}

/* ---- isa-vga ---- */

static void test_isa_vga(void)
{
    char *got;

    qtest_start("-M pc -vga none -device isa-vga");
    qt_eq(vbe_r(0), 0xb0c5, "isa-vga: VBE ID");
    qt_eq(vbe_r(0x0a), 8 * 16, "isa-vga: 8 MiB by default");
    vbe_w(1, 64);
    vbe_w(2, 64);
    vbe_w(3, 8);
    vbe_w(4, 0x41);
    writel(0xe0000000u + 0x100, 0x01020304);
    qt_eq(readl(0xa0000 + 0x100), 0x01020304, "isa-vga: LFB at 0xe0000000 = bank 0");
    vbe_w(4, 0);
    set_text_mode();
    for (int i = 0; i < 80 * 25; i++)
        writew(0xb8000 + 2 * i, 0x0700);
    writew(0xb8000, 0x0769);
    writew(0xb8002, 0x0773);
    writew(0xb8004, 0x0761);
    got = text_dump();
    qt_ok(got && !strncmp(got, "isa\n\n", 5) && strlen(got) == 3 + 25, "isa-vga: text dump");
    free(got);
    qtest_end();
}

int main(void)
{
    qtest_start("-M pc -vga none -device VGA,id=vga0");
    find_vga();
    test_pci();
    if (vga_devfn >= 0) {
        test_misc_and_ports();
        test_sequencer();
        test_crtc();
        test_gc();
        test_ac();
        test_dac();
        test_retrace();
        test_text_memory();
        test_write_modes();
        test_vbe();
        test_mmio_bar();
        if (!qtest_is_qemu()) {
            test_text_dump();
            test_render_text();
            test_render_256();
            test_render_vbe();
        }
    }
    qtest_end();
    if (!qtest_is_qemu())
        test_isa_vga();
    return qt_done();
}
