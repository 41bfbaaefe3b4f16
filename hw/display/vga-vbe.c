/* SPDX-License-Identifier: MIT */
/*
 * Bochs VBE ("DISPI") extensions of the standard VGA.
 *
 * Sixteen-bit registers behind an index port (0x1ce) and a data port
 * (0x1cf, also 0x1d0): interface ID (0xb0c0-0xb0c5), resolution, depth
 * (4/8/15/16/24/32 bpp), enable (with the GETCAPS, 8-bit DAC, LFB and
 * no-clear flags), bank, virtual width/height, display offsets and the
 * video memory size in 64 KiB units. Writes are sanitised to the closest
 * valid mode, as the interface has no way to report errors. Enabling a
 * mode programs the VGA registers for a 64 KiB graphics window (chain-4
 * for the packed-pixel depths), clears the visible memory unless
 * NOCLEARMEM is set, and from then on the window is a bank of the linear
 * framebuffer (see vga-mem.c).
 *
 * Reference: Bochs vbe_display_api / QEMU docs/specs/standard-vga.rst and
 * QEMU hw/display/vga.c (vbe_fixup_regs) behaviour.
 */
#include "kemu/log.h"
#include "vga-int.h"

static unsigned vbe_bits(const VGAState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_BPP] == 15 ? 16 : s->vbe_regs[VBE_DISPI_INDEX_BPP];
}

static void vbe_fixup_offsets(VGAState *s, uint32_t linelength)
{
    uint16_t *r = s->vbe_regs;
    unsigned bits = vbe_bits(s);
    uint64_t offset, size = (uint64_t)r[VBE_DISPI_INDEX_YRES] * linelength;

    r[VBE_DISPI_INDEX_X_OFFSET] = MIN(r[VBE_DISPI_INDEX_X_OFFSET], VBE_DISPI_MAX_XRES);
    r[VBE_DISPI_INDEX_Y_OFFSET] = MIN(r[VBE_DISPI_INDEX_Y_OFFSET], VBE_DISPI_MAX_YRES);
    offset = (uint64_t)r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8 +
             (uint64_t)r[VBE_DISPI_INDEX_Y_OFFSET] * linelength;
    if (offset + size > s->vram_size) {
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        offset = (uint64_t)r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8;
        if (offset + size > s->vram_size) {
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            offset = 0;
        }
    }
    s->vbe_start_addr = offset;
}

/* Bring the registers of an enabled mode to the closest valid values. */
static void vbe_fixup_regs(VGAState *s)
{
    uint16_t *r = s->vbe_regs;
    uint32_t linelength, maxy;
    uint16_t bpp = r[VBE_DISPI_INDEX_BPP];

    if (!vga_vbe_enabled(s))
        return;
    if (bpp != 4 && bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32)
        r[VBE_DISPI_INDEX_BPP] = 8;
    r[VBE_DISPI_INDEX_XRES] &= ~7u;
    if (r[VBE_DISPI_INDEX_XRES] == 0)
        r[VBE_DISPI_INDEX_XRES] = 8;
    r[VBE_DISPI_INDEX_XRES] = MIN(r[VBE_DISPI_INDEX_XRES], VBE_DISPI_MAX_XRES);
    r[VBE_DISPI_INDEX_VIRT_WIDTH] &= ~7u;
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = MIN(r[VBE_DISPI_INDEX_VIRT_WIDTH], VBE_DISPI_MAX_XRES);
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = MAX(r[VBE_DISPI_INDEX_VIRT_WIDTH], r[VBE_DISPI_INDEX_XRES]);

    linelength = r[VBE_DISPI_INDEX_VIRT_WIDTH] * vbe_bits(s) / 8;
    maxy = s->vram_size / linelength;
    if (r[VBE_DISPI_INDEX_YRES] == 0)
        r[VBE_DISPI_INDEX_YRES] = 1;
    r[VBE_DISPI_INDEX_YRES] = MIN(r[VBE_DISPI_INDEX_YRES], VBE_DISPI_MAX_YRES);
    r[VBE_DISPI_INDEX_YRES] = MIN((uint32_t)r[VBE_DISPI_INDEX_YRES], maxy);
    vbe_fixup_offsets(s, linelength);
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = MIN(maxy, 0xffffu);
    s->vbe_line_offset = linelength;
}

/* Program the VGA side for a VBE mode: graphics, a 64 KiB window at
 * 0xa0000, no doubling, chain-4 except at 4 bpp (QEMU does the same). */
static void vbe_set_vga_mode(VGAState *s)
{
    int h = s->vbe_regs[VBE_DISPI_INDEX_YRES] - 1;
    int shift;

    s->gr[VGA_GFX_MISC] = (s->gr[VGA_GFX_MISC] & ~0x0c) | 0x04 | VGA_GR06_GRAPHICS_MODE;
    s->cr[VGA_CRTC_MODE] |= 3;
    s->cr[VGA_CRTC_OFFSET] = s->vbe_line_offset >> 3;
    s->cr[VGA_CRTC_H_DISP] = (s->vbe_regs[VBE_DISPI_INDEX_XRES] >> 3) - 1;
    s->cr[VGA_CRTC_V_DISP_END] = h;
    s->cr[VGA_CRTC_OVERFLOW] =
        (s->cr[VGA_CRTC_OVERFLOW] & ~0x42) | ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
    s->cr[VGA_CRTC_LINE_COMPARE] = 0xff;
    s->cr[VGA_CRTC_OVERFLOW] |= 0x10;
    s->cr[VGA_CRTC_MAX_SCAN] |= 0x40;
    if (s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4) {
        shift = 0;
        s->sr[VGA_SEQ_CLOCK_MODE] &= ~0x08;
    } else {
        shift = 2;
        s->sr[VGA_SEQ_MEMORY_MODE] |= VGA_SR04_CHN_4M;
        s->sr[VGA_SEQ_PLANE_WRITE] |= VGA_SR02_ALL_PLANES;
    }
    s->gr[VGA_GFX_MODE] = (s->gr[VGA_GFX_MODE] & ~0x60) | (shift << 5);
    s->cr[VGA_CRTC_MAX_SCAN] &= ~0x9f;
}

static void vbe_write_enable(VGAState *s, uint16_t val)
{
    if ((val & VBE_DISPI_ENABLED) && !vga_vbe_enabled(s)) {
        s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
        s->vbe_regs[VBE_DISPI_INDEX_X_OFFSET] = 0;
        s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        s->vbe_regs[VBE_DISPI_INDEX_ENABLE] |= VBE_DISPI_ENABLED;
        vbe_fixup_regs(s);
        if (!(val & VBE_DISPI_NOCLEARMEM))
            memset(s->vram, 0, (size_t)s->vbe_regs[VBE_DISPI_INDEX_YRES] * s->vbe_line_offset);
        vbe_set_vga_mode(s);
    } else if (!(val & VBE_DISPI_ENABLED)) {
        s->bank_offset = 0;
    }
    s->dac_8bit = (val & VBE_DISPI_8BIT_DAC) != 0;
    s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = val;
}

void vbe_write_reg(VGAState *s, unsigned index, uint16_t val)
{
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
            s->vbe_regs[index] = val;
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        s->vbe_regs[index] = val;
        vbe_fixup_regs(s);
        break;
    case VBE_DISPI_INDEX_BANK:
        val &= s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4 ? s->vbe_bank_mask >> 2 : s->vbe_bank_mask;
        s->vbe_regs[index] = val;
        s->bank_offset = (uint32_t)val << 16;
        break;
    case VBE_DISPI_INDEX_ENABLE:
        vbe_write_enable(s, val);
        break;
    default:
        log_guest_error("vbe: write 0x%04x to register 0x%x\n", val, index);
        break;
    }
}

uint16_t vbe_read_reg(VGAState *s, unsigned index)
{
    bool caps = s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS;

    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
        return s->vram_size >> 16;
    if (index >= VBE_DISPI_INDEX_NB)
        return 0;
    if (caps && index == VBE_DISPI_INDEX_XRES)
        return VBE_DISPI_MAX_XRES;
    if (caps && index == VBE_DISPI_INDEX_YRES)
        return VBE_DISPI_MAX_YRES;
    if (caps && index == VBE_DISPI_INDEX_BPP)
        return VBE_DISPI_MAX_BPP;
    return s->vbe_regs[index];
}

void vbe_reset(VGAState *s)
{
    s->vbe_index = 0;
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_start_addr = 0;
    s->vbe_line_offset = 0;
    s->bank_offset = 0;
}

void vbe_post_load(VGAState *s)
{
    vbe_fixup_regs(s);
    s->bank_offset = (uint32_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16;
    if (s->bank_offset >= s->vram_size)
        s->bank_offset = 0;
}

/* Ports 0x1ce (index), 0x1cf and 0x1d0 (data), 16 bits wide. */
static uint64_t vbe_port_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;

    switch (addr) {
    case 0:
        return s->vbe_index;
    case 1:
    case 2:
        return vbe_read_reg(s, s->vbe_index);
    default:
        return size == 1 ? 0xff : 0xffff;
    }
}

static void vbe_port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VGAState *s = opaque;

    switch (addr) {
    case 0:
        s->vbe_index = val;
        break;
    case 1:
    case 2:
        vbe_write_reg(s, s->vbe_index, val);
        break;
    default:
        log_guest_error("vbe: write to port 0x%x\n", (unsigned)(VBE_DISPI_IOPORT_INDEX + addr));
        break;
    }
}

const IoOps vbe_port_ops = {
    .read = vbe_port_read,
    .write = vbe_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
};
