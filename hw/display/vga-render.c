/* SPDX-License-Identifier: MIT */
/*
 * VGA renderer: the current picture as 0x00RRGGBB pixels.
 *
 * Draws what the CRTC, attribute controller and DAC would send to the
 * monitor, one output row per character-row scan line or per graphics
 * row (scan doubling and repeated rows are not duplicated, so mode 13h
 * comes out as 320x200):
 *  - text modes: glyphs from plane 2 (32 bytes per character, the font
 *    block chosen by the sequencer's character map select and attribute
 *    bit 3), 8 or 9 dot cells with the line-graphics 9th column, the
 *    cursor always shown (no blinking, so pictures are reproducible);
 *  - 16-colour planar graphics, the CGA-style 4-colour interleaved shift
 *    mode, and the CRTC's row-scan substitution of address bits 13/14
 *    (modes 4-6);
 *  - 256-colour (shift mode 256, mode 13h);
 *  - Bochs VBE packed pixels at 8, 15, 16, 24 and 32 bpp.
 * Colours go through the attribute palette (planar and text modes), the
 * pel mask and the DAC (6 or 8 bits per component). The "vga_render"
 * qtest command replies with the picture size and a FNV-1a hash of it.
 *
 * Reference: FreeVGA "Attribute Controller Registers", "VGA Text Mode
 * Operation", "CRTC Registers"; QEMU docs/specs/standard-vga.rst.
 */
#include <inttypes.h>

#include "kemu/log.h"
#include "kemu/qtest.h"
#include "vga-int.h"

typedef struct VGARenderCtx {
    VGAState *s;
    uint32_t *fb;
    int w, h;
} VGARenderCtx;

/* DAC entry i as 0x00RRGGBB. */
static uint32_t vga_dac_rgb(const VGAState *s, uint8_t i)
{
    const uint8_t *p = &s->palette[(i & s->dac_mask) * 3];
    uint32_t rgb = 0;

    for (int c = 0; c < 3; c++) {
        uint32_t v = s->dac_8bit ? p[c] : ((p[c] & 0x3f) << 2) | ((p[c] & 0x3f) >> 4);

        rgb = (rgb << 8) | v;
    }
    return rgb;
}

/* DAC index of attribute colour c (0-15) through the palette registers. */
static uint8_t vga_attr_index(const VGAState *s, uint8_t c)
{
    uint8_t v = s->ar[c & 0x0f];

    if (s->ar[VGA_ATC_MODE] & VGA_AR10_P54_SELECT)
        return ((s->ar[VGA_ATC_COLOR_PAGE] & 0x0f) << 4) | (v & 0x0f);
    return ((s->ar[VGA_ATC_COLOR_PAGE] & 0x0c) << 4) | (v & 0x3f);
}

static uint32_t vga_attr_rgb(const VGAState *s, uint8_t c)
{
    return vga_dac_rgb(s, vga_attr_index(s, c));
}

static uint8_t vga_plane(const VGAState *s, uint32_t a, int p)
{
    return s->vram[(a & (VGA_PLANE_SIZE - 1)) * 4 + p];
}

static uint32_t vga_start_ma(const VGAState *s)
{
    return (s->cr[VGA_CRTC_START_HI] << 8) | s->cr[VGA_CRTC_START_LO];
}

/* ---- text ---- */

/* Plane 2 offset of the font block map n (character map select). */
static uint32_t vga_font_base(int n)
{
    return (n & 3) * 0x4000 + ((n & 4) ? 0x2000 : 0);
}

static void vga_draw_glyph(VGARenderCtx *c, int x0, int y0, int cw, int ch_h, uint8_t ch,
                           uint8_t attr, uint32_t font, bool cursor)
{
    const VGAState *s = c->s;
    uint32_t fg = vga_attr_rgb(s, attr & 0x0f);
    bool blink = s->ar[VGA_ATC_MODE] & VGA_AR10_BLINK;
    uint32_t bg = vga_attr_rgb(s, blink ? (attr >> 4) & 7 : attr >> 4);
    int cs = s->cr[VGA_CRTC_CURSOR_START] & 0x1f, ce = s->cr[VGA_CRTC_CURSOR_END] & 0x1f;
    bool line9 = (s->ar[VGA_ATC_MODE] & VGA_AR10_LINE_GRAPHICS) && ch >= 0xc0 && ch <= 0xdf;

    for (int y = 0; y < ch_h; y++) {
        uint32_t bits = vga_plane(s, font + ch * 32 + y, 2);
        uint32_t *row = c->fb + (size_t)(y0 + y) * c->w + x0;

        bits = (bits << 1) | (line9 ? bits & 1 : 0);
        if (cursor && y >= cs && y <= ce)
            bits = 0x1ff;
        for (int x = 0; x < cw; x++)
            row[x] = (bits >> (8 - x)) & 1 ? fg : bg;
    }
}

static void vga_render_text(VGARenderCtx *c, int rows, int cols, int cw, int ch_h)
{
    const VGAState *s = c->s;
    uint8_t sr3 = s->sr[VGA_SEQ_CHARACTER_MAP];
    uint32_t font_a = vga_font_base(((sr3 >> 3) & 4) | ((sr3 >> 2) & 3));
    uint32_t font_b = vga_font_base(((sr3 >> 2) & 4) | (sr3 & 3));
    uint32_t start = vga_start_ma(s), stride = s->cr[VGA_CRTC_OFFSET] * 2;
    uint32_t cursor = (s->cr[VGA_CRTC_CURSOR_HI] << 8) | s->cr[VGA_CRTC_CURSOR_LO];
    bool cursor_on = !(s->cr[VGA_CRTC_CURSOR_START] & 0x20);

    for (int r = 0; r < rows; r++) {
        for (int col = 0; col < cols; col++) {
            uint32_t ma = start + r * stride + col, a = vga_crtc_addr(s, ma);
            uint8_t ch = vga_plane(s, a, 0), attr = vga_plane(s, a, 1);

            vga_draw_glyph(c, col * cw, r * ch_h, cw, ch_h, ch, attr,
                           (attr & 8) ? font_a : font_b,
                           cursor_on && (ma & 0xffff) == cursor);
        }
    }
}

/* ---- planar and 256-colour graphics ---- */

/* Plane address of pixel row y at memory address offset col. */
static uint32_t vga_gfx_addr(const VGAState *s, int y, uint32_t col)
{
    int lpr = s->cr[VGA_CRTC_MAX_SCAN] & 0x1f;
    bool subst = (s->cr[VGA_CRTC_MODE] & 3) != 3;
    int row = subst ? y / (lpr + 1) : y, sc = subst ? y % (lpr + 1) : 0;
    uint32_t a = vga_crtc_addr(s, vga_start_ma(s) + row * s->cr[VGA_CRTC_OFFSET] * 2 + col);

    if (!(s->cr[VGA_CRTC_MODE] & 1))
        a = (a & ~0x2000u) | ((sc & 1) << 13);
    if (!(s->cr[VGA_CRTC_MODE] & 2))
        a = (a & ~0x4000u) | ((sc & 2) << 13);
    return a;
}

static uint8_t vga_pixel16(const VGAState *s, uint32_t a, int x)
{
    int bit = 7 - (x & 7);
    uint8_t c = 0;

    for (int p = 0; p < 4; p++)
        c |= ((vga_plane(s, a, p) >> bit) & 1) << p;
    return c;
}

/* CGA-style shift: 4 pixels of 2 bits from plane 0, then 4 from plane 1;
 * planes 2/3 give the upper two bits the same way. */
static uint8_t vga_pixel_cga(const VGAState *s, uint32_t a, int x)
{
    int lo = (x & 4) ? 1 : 0, shift = 6 - 2 * (x & 3);

    return ((vga_plane(s, a, lo) >> shift) & 3) | (((vga_plane(s, a, lo + 2) >> shift) & 3) << 2);
}

static void vga_render_gfx(VGARenderCtx *c, bool p256, bool cga)
{
    const VGAState *s = c->s;
    uint8_t enable = s->ar[VGA_ATC_PLANE_ENABLE] & 0x0f;

    for (int y = 0; y < c->h; y++) {
        uint32_t *row = c->fb + (size_t)y * c->w;

        for (int x = 0; x < c->w; x++) {
            if (p256) {
                uint32_t a = vga_gfx_addr(s, y, x >> 2);

                row[x] = vga_dac_rgb(s, vga_plane(s, a, x & 3));
            } else {
                uint32_t a = vga_gfx_addr(s, y, x >> 3);
                uint8_t px = cga ? vga_pixel_cga(s, a, x) : vga_pixel16(s, a, x);

                row[x] = vga_attr_rgb(s, px & enable);
            }
        }
    }
}

static void vga_gfx_size(const VGAState *s, bool p256, int *w, int *h)
{
    int lines = vga_vdisp_lines(s);

    if (s->cr[VGA_CRTC_MAX_SCAN] & 0x80)
        lines /= 2;
    if ((s->cr[VGA_CRTC_MODE] & 3) == 3)
        lines /= (s->cr[VGA_CRTC_MAX_SCAN] & 0x1f) + 1;
    *w = (s->cr[VGA_CRTC_H_DISP] + 1) * (p256 ? 4 : 8);
    *h = lines;
}

/* ---- VBE ---- */

static uint32_t vbe_pixel(const VGAState *s, const uint8_t *p, int bpp)
{
    uint32_t v;

    switch (bpp) {
    case 8:
        return vga_dac_rgb(s, p[0]);
    case 15:
        v = ldw_le(p);
        return (((v >> 10) & 31) * 255 / 31) << 16 | (((v >> 5) & 31) * 255 / 31) << 8 |
               ((v & 31) * 255 / 31);
    case 16:
        v = ldw_le(p);
        return (((v >> 11) & 31) * 255 / 31) << 16 | (((v >> 5) & 63) * 255 / 63) << 8 |
               ((v & 31) * 255 / 31);
    case 24:
        return p[2] << 16 | p[1] << 8 | p[0];
    default:
        return ldl_le(p) & 0xffffff;
    }
}

static void vbe_render(VGARenderCtx *c, int bpp)
{
    const VGAState *s = c->s;
    int bytes = (bpp + 7) / 8;

    for (int y = 0; y < c->h; y++) {
        uint64_t line = s->vbe_start_addr + (uint64_t)y * s->vbe_line_offset;

        for (int x = 0; x < c->w; x++) {
            uint64_t off = line + (uint64_t)x * bytes;

            c->fb[(size_t)y * c->w + x] =
                off + bytes <= s->vram_size ? vbe_pixel(s, s->vram + off, bpp) : 0;
        }
    }
}

/* ---- entry ---- */

typedef enum VGAMode { VGA_MODE_TEXT, VGA_MODE_PLANAR, VGA_MODE_CGA, VGA_MODE_256,
                       VGA_MODE_VBE, VGA_MODE_NONE } VGAMode;

static VGAMode vga_mode(const VGAState *s, int *w, int *h, int *cw, int *ch_h)
{
    int bpp = s->vbe_regs[VBE_DISPI_INDEX_BPP];

    if (vga_vbe_enabled(s)) {
        *w = s->vbe_regs[VBE_DISPI_INDEX_XRES];
        *h = s->vbe_regs[VBE_DISPI_INDEX_YRES];
        return bpp == 4 ? VGA_MODE_NONE : VGA_MODE_VBE;
    }
    if (!(s->gr[VGA_GFX_MISC] & VGA_GR06_GRAPHICS_MODE)) {
        int rows, cols;

        vga_text_geometry(s, &rows, &cols);
        *cw = (s->sr[VGA_SEQ_CLOCK_MODE] & VGA_SR01_CHAR_CLK_8DOTS) ? 8 : 9;
        *ch_h = (s->cr[VGA_CRTC_MAX_SCAN] & 0x1f) + 1;
        *w = cols * *cw;
        *h = rows * *ch_h;
        return VGA_MODE_TEXT;
    }
    if (s->gr[VGA_GFX_MODE] & VGA_GR05_SHIFT_256) {
        vga_gfx_size(s, true, w, h);
        return VGA_MODE_256;
    }
    vga_gfx_size(s, false, w, h);
    return (s->gr[VGA_GFX_MODE] & VGA_GR05_SHIFT_REG) ? VGA_MODE_CGA : VGA_MODE_PLANAR;
}

bool vga_state_render(VGAState *s, uint32_t *fb, int *w, int *h)
{
    int cw = 8, ch_h = 16, cap_w = *w, cap_h = *h;
    VGAMode mode = vga_mode(s, w, h, &cw, &ch_h);
    VGARenderCtx c = { .s = s, .fb = fb, .w = *w, .h = *h };

    if (mode == VGA_MODE_NONE) {
        log_unimp("vga: rendering VBE 4 bpp planar modes\n");
        *w = *h = 0;
        return false;
    }
    if (!fb || !*w || !*h)
        return true;
    if ((uint64_t)*w * *h > (uint64_t)MAX(cap_w, 0) * MAX(cap_h, 0))
        return false;   /* the mode changed since the caller sized fb */
    if (!(s->ar_index & VGA_AR_PAS) && mode != VGA_MODE_VBE) {
        /* The attribute controller is being programmed: the screen is blank. */
        for (size_t i = 0; i < (size_t)*w * *h; i++)
            fb[i] = 0;
        return true;
    }
    if (mode == VGA_MODE_TEXT)
        vga_render_text(&c, *h / ch_h, *w / cw, cw, ch_h);
    else if (mode == VGA_MODE_VBE)
        vbe_render(&c, s->vbe_regs[VBE_DISPI_INDEX_BPP]);
    else
        vga_render_gfx(&c, mode == VGA_MODE_256, mode == VGA_MODE_CGA);
    return true;
}

bool vga_render(Device *dev, uint32_t *fb, int *w, int *h)
{
    VGAState *s = vga_state_of(dev);

    if (!fb)
        *w = *h = 0;
    if (!s)
        return false;
    return vga_state_render(s, fb, w, h);
}

/* "vga_render [ID]": "OK W H HASH", HASH the 64-bit FNV-1a of the pixels as
 * little-endian 32-bit words (tests compare it with a picture they build). */
static void vga_qtest_render(int argc, char **argv)
{
    Device *dev = argc > 1 ? device_find_by_id(argv[1]) : vga_find();
    uint64_t hash = 0xcbf29ce484222325ULL;
    uint32_t *fb;
    int w, h;

    if (!vga_render(dev, NULL, &w, &h)) {
        qtest_reply("FAIL cannot render\n");
        return;
    }
    fb = xmalloc(((size_t)w * h + 1) * sizeof(*fb));
    if (!vga_render(dev, fb, &w, &h)) {
        free(fb);
        qtest_reply("FAIL cannot render\n");
        return;
    }
    for (size_t i = 0; i < (size_t)w * h * 4; i++)
        hash = (hash ^ ((fb[i / 4] >> (8 * (i % 4))) & 0xff)) * 0x100000001b3ULL;
    free(fb);
    qtest_reply("OK %d %d 0x%016" PRIx64 "\n", w, h, hash);
}

static void KEMU_CONSTRUCTOR vga_render_register(void)
{
    qtest_register_command("vga_render", vga_qtest_render);
}
