/* SPDX-License-Identifier: MIT */
/*
 * VGA legacy memory window: host accesses to 0xa0000-0xbffff.
 *
 * Graphics controller register 6 selects which part of the window the card
 * decodes (A0000/128K, A0000/64K, B0000/32K, B8000/32K). The sequencer's
 * memory mode picks how a host address reaches the planes: chain-4 (the
 * low two address bits select the plane, mode 13h), odd/even (the low bit
 * selects an even or odd plane, text modes) or planar (all four planes at
 * once through the map mask). Every read loads the four latches and
 * returns either a plane (read mode 0, map select) or the colour compare
 * result (read mode 1, with colour don't care). Writes go through the
 * write modes 0-3 (rotate, set/reset, logical function with the latches,
 * bit mask) and land in the planes the map mask enables.
 *
 * With the Bochs VBE enabled the window is a 64 KiB bank of the linear
 * framebuffer (a bank of plane addresses at 4 bpp).
 *
 * Reference: FreeVGA "Graphics Controller Registers", "Sequencer
 * Registers", "VGA Memory Organization", "Read/Write Modes".
 */
#include "kemu/log.h"
#include "vga-int.h"

/* Byte b replicated in the planes set in the 4-bit mask m. */
static uint32_t vga_expand(uint8_t m)
{
    uint32_t v = 0;

    for (int p = 0; p < 4; p++) {
        if (m & (1u << p))
            v |= 0xffu << (p * 8);
    }
    return v;
}

/* Offset into the selected window, or -1 when the map does not decode addr. */
static int64_t vga_window_offset(const VGAState *s, hwaddr addr)
{
    switch ((s->gr[VGA_GFX_MISC] >> 2) & 3) {
    case 0:
        return addr;
    case 1:
        return addr < 0x10000 ? (int64_t)addr : -1;
    case 2:
        return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000 : -1;
    default:
        return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

/* Plane address of window offset off; *plane gets the chain-4 or odd/even
 * plane (-1 in planar mode). odd_even says which odd/even control applies
 * (sequencer for writes, graphics mode register for reads). */
static uint32_t vga_plane_addr(const VGAState *s, uint32_t off, bool odd_even, int *plane)
{
    if (s->sr[VGA_SEQ_MEMORY_MODE] & VGA_SR04_CHN_4M) {
        *plane = off & 3;
        return off & ~3u;
    }
    if (odd_even) {
        *plane = off & 1;
        return off & ~1u;
    }
    *plane = -1;
    return off;
}

static uint8_t vga_read_mode1(const VGAState *s)
{
    uint32_t care = vga_expand(s->gr[VGA_GFX_COMPARE_MASK]);
    uint32_t diff = (s->latch ^ vga_expand(s->gr[VGA_GFX_COMPARE_VALUE])) & care;

    diff |= diff >> 16;
    diff |= diff >> 8;
    return ~diff & 0xff;
}

static uint8_t vga_planar_read(VGAState *s, uint32_t off)
{
    bool odd_even = s->gr[VGA_GFX_MODE] & VGA_GR05_HOST_ODD_EVEN;
    int plane;
    uint32_t a = vga_plane_addr(s, off, odd_even, &plane);

    if (vga_vbe_enabled(s))
        a += s->bank_offset;
    else
        a &= VGA_PLANE_SIZE - 1;
    if ((uint64_t)a * 4 >= s->vram_size)
        return 0xff;
    s->latch = ldl_le(s->vram + a * 4);
    if (s->gr[VGA_GFX_MODE] & VGA_GR05_READ_MODE)
        return vga_read_mode1(s);
    if (plane < 0)
        plane = s->gr[VGA_GFX_PLANE_READ] & 3;
    else if (odd_even && !(s->sr[VGA_SEQ_MEMORY_MODE] & VGA_SR04_CHN_4M))
        plane |= s->gr[VGA_GFX_PLANE_READ] & 2;
    return s->latch >> (plane * 8);
}

static uint8_t vga_rotate(const VGAState *s, uint8_t val)
{
    int r = s->gr[VGA_GFX_DATA_ROTATE] & 7;

    return (uint8_t)((val >> r) | (val << (8 - r)));
}

/* The four plane bytes write modes 0-3 produce from the host byte. */
static uint32_t vga_write_data(const VGAState *s, uint8_t val)
{
    uint32_t data, bit_mask = s->gr[VGA_GFX_BIT_MASK], set_mask;

    switch (s->gr[VGA_GFX_MODE] & 3) {
    case 0:
        data = vga_rotate(s, val) * 0x01010101u;
        set_mask = vga_expand(s->gr[VGA_GFX_SR_ENABLE]);
        data = (data & ~set_mask) | (vga_expand(s->gr[VGA_GFX_SR_VALUE]) & set_mask);
        break;
    case 1:
        return s->latch;
    case 2:
        data = vga_expand(val & 0x0f);
        break;
    default:
        bit_mask &= vga_rotate(s, val);
        data = vga_expand(s->gr[VGA_GFX_SR_VALUE]);
        break;
    }
    switch (s->gr[VGA_GFX_DATA_ROTATE] >> 3) {
    case 1:
        data &= s->latch;
        break;
    case 2:
        data |= s->latch;
        break;
    case 3:
        data ^= s->latch;
        break;
    }
    bit_mask *= 0x01010101u;
    return (data & bit_mask) | (s->latch & ~bit_mask);
}

static void vga_planar_write(VGAState *s, uint32_t off, uint8_t val)
{
    bool odd_even = !(s->sr[VGA_SEQ_MEMORY_MODE] & VGA_SR04_SEQ_MODE);
    int plane;
    uint32_t a = vga_plane_addr(s, off, odd_even, &plane), mask, old;
    uint8_t planes = s->sr[VGA_SEQ_PLANE_WRITE];

    if (vga_vbe_enabled(s))
        a += s->bank_offset;
    else
        a &= VGA_PLANE_SIZE - 1;
    if ((uint64_t)a * 4 >= s->vram_size)
        return;
    if (plane >= 0 && (s->sr[VGA_SEQ_MEMORY_MODE] & VGA_SR04_CHN_4M))
        planes &= 1u << plane;
    else if (plane >= 0)
        planes &= plane ? 0x0a : 0x05;
    mask = vga_expand(planes);
    old = ldl_le(s->vram + a * 4);
    stl_le(s->vram + a * 4, (old & ~mask) | (vga_write_data(s, val) & mask));
}

/* VBE packed-pixel modes: the window is a bank of the linear framebuffer. */
static bool vga_vbe_linear(const VGAState *s)
{
    return vga_vbe_enabled(s) && s->vbe_regs[VBE_DISPI_INDEX_BPP] != 4;
}

uint8_t vga_mem_readb(VGAState *s, hwaddr addr)
{
    int64_t off = vga_window_offset(s, addr & (VGA_LEGACY_SIZE - 1));

    if (off < 0)
        return 0xff;
    if (vga_vbe_linear(s)) {
        uint64_t a = (uint64_t)off + s->bank_offset;

        return a < s->vram_size ? s->vram[a] : 0xff;
    }
    return vga_planar_read(s, off);
}

void vga_mem_writeb(VGAState *s, hwaddr addr, uint8_t val)
{
    int64_t off = vga_window_offset(s, addr & (VGA_LEGACY_SIZE - 1));

    if (off < 0)
        return;
    if (vga_vbe_linear(s)) {
        uint64_t a = (uint64_t)off + s->bank_offset;

        if (a < s->vram_size)
            s->vram[a] = val;
        return;
    }
    vga_planar_write(s, off, val);
}

static uint64_t vga_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_mem_readb(opaque, addr);
}

static void vga_mem_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_mem_writeb(opaque, addr, val);
}

const IoOps vga_mem_ops = {
    .read = vga_mem_read,
    .write = vga_mem_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};
