/* SPDX-License-Identifier: MIT */
/*
 * VGA text screen dump: the characters the CRTC shows, as UTF-8 text.
 *
 * In an alphanumeric mode the CRTC fetches, for each character cell, the
 * character code from plane 0 and the attribute from plane 1 at the plane
 * address of its memory address counter (vga_crtc_addr: word mode in the
 * standard text modes). The screen has CR01 + 1 columns and as many rows
 * as character cells of CR09 + 1 scan lines fit in the vertical display
 * (CR12 and overflow bits, halved by scan doubling); each row starts
 * 2 * CR13 memory addresses after the previous one, the first at the
 * start address CR0C:CR0D. Characters are mapped through code page 437.
 * Also the "vga_text" qtest command, which replies "OK " and the dump in
 * hex, and the lookup of VGA devices for the public API.
 *
 * Reference: FreeVGA "CRTC Registers" and "VGA Text Mode Operation";
 * IBM code page 437 (Unicode mapping table CP437.TXT).
 */
#include "kemu/qtest.h"
#include "vga-int.h"

/* Unicode for CP437 0x00-0x1f (the glyphs the ROM font draws) and 0x7f-0xff. */
static const uint16_t cp437_low[32] = {
    0x0020, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
    0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
};

static const uint16_t cp437_high[129] = {
    0x2302,
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
    0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
    0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
    0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
    0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
    0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
    0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
    0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
    0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

uint32_t vga_cp437_to_unicode(uint8_t c)
{
    if (c < 0x20)
        return cp437_low[c];
    if (c < 0x7f)
        return c;
    return cp437_high[c - 0x7f];
}

/* Append code point u as UTF-8 (at most 3 bytes: all of CP437 is in the BMP). */
static size_t utf8_put(char *p, uint32_t u)
{
    if (u < 0x80) {
        p[0] = u;
        return 1;
    }
    if (u < 0x800) {
        p[0] = 0xc0 | (u >> 6);
        p[1] = 0x80 | (u & 0x3f);
        return 2;
    }
    p[0] = 0xe0 | (u >> 12);
    p[1] = 0x80 | ((u >> 6) & 0x3f);
    p[2] = 0x80 | (u & 0x3f);
    return 3;
}

/* Rows and columns of the text screen the CRTC describes. */
void vga_text_geometry(const VGAState *s, int *rows, int *cols)
{
    int char_h = (s->cr[VGA_CRTC_MAX_SCAN] & 0x1f) + 1;
    int lines = vga_vdisp_lines(s);

    if (s->cr[VGA_CRTC_MAX_SCAN] & 0x80)
        lines /= 2;
    *cols = s->cr[VGA_CRTC_H_DISP] + 1;
    *rows = lines / char_h;
}

char *vga_state_text_dump(VGAState *s)
{
    int rows, cols;
    uint32_t start, stride;
    char *buf, *p;

    if (vga_vbe_enabled(s) || (s->gr[VGA_GFX_MISC] & VGA_GR06_GRAPHICS_MODE))
        return NULL;
    vga_text_geometry(s, &rows, &cols);
    start = (s->cr[VGA_CRTC_START_HI] << 8) | s->cr[VGA_CRTC_START_LO];
    stride = s->cr[VGA_CRTC_OFFSET] * 2;
    p = buf = xmalloc((size_t)rows * (cols * 3 + 1) + 1);
    for (int r = 0; r < rows; r++) {
        char *line = p, *end = p;

        for (int c = 0; c < cols; c++) {
            uint32_t a = vga_crtc_addr(s, start + r * stride + c);
            uint8_t ch = s->vram[a * 4];

            p += utf8_put(p, vga_cp437_to_unicode(ch));
            if (ch != ' ' && ch != 0)
                end = p;
        }
        p = end > line ? end : line;
        *p++ = '\n';
    }
    *p = '\0';
    return buf;
}

/* ---- devices ---- */

VGAState *vga_state_of(Device *dev)
{
    VGAState *s;

    if (!dev)
        return NULL;
    s = vga_pci_state(dev);
    return s ? s : vga_isa_state(dev);
}

bool vga_is_vga(Device *dev)
{
    return vga_state_of(dev) != NULL;
}

Device *vga_find(void)
{
    Device *dev = device_find_by_class(TYPE_PCI_VGA);

    return dev ? dev : device_find_by_class(TYPE_ISA_VGA);
}

char *vga_text_dump(Device *dev)
{
    VGAState *s = vga_state_of(dev);

    return s ? vga_state_text_dump(s) : NULL;
}

/* "vga_text [ID]": the text screen of device ID (default: the first VGA). */
static void vga_qtest_text(int argc, char **argv)
{
    Device *dev = argc > 1 ? device_find_by_id(argv[1]) : vga_find();
    char *text, *hex;

    if (!vga_is_vga(dev)) {
        qtest_reply("FAIL no VGA device\n");
        return;
    }
    text = vga_text_dump(dev);
    if (!text) {
        qtest_reply("FAIL not in a text mode\n");
        return;
    }
    hex = xmalloc(strlen(text) * 2 + 1);
    for (size_t i = 0; text[i]; i++)
        sprintf(hex + i * 2, "%02x", (uint8_t)text[i]);
    hex[strlen(text) * 2] = '\0';
    qtest_reply("OK %s\n", hex);
    free(hex);
    free(text);
}

static void KEMU_CONSTRUCTOR vga_text_register(void)
{
    qtest_register_command("vga_text", vga_qtest_text);
}
