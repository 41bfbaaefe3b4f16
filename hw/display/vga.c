/* SPDX-License-Identifier: MIT */
/*
 * VGA core: the register file behind ports 0x3b0-0x3df, set-up and reset.
 *
 * Models the IBM VGA's general registers (misc output, feature control,
 * input status 0/1), the sequencer (0x3c4/5), the CRT controller (0x3b4/5
 * or 0x3d4/5 as misc output bit 0 selects, with the CR0-CR7 write
 * protection of CR11 bit 7), the graphics controller (0x3ce/f), the
 * attribute controller (0x3c0/1, index and data on one port with a
 * flip-flop that a read of input status 1 resets) and the DAC (0x3c6-0x3c9,
 * three accesses per colour). Reserved register bits read as zero with the
 * masks QEMU uses. Input status 1 reports the beam from virtual time plus a
 * small step per read, so that BIOS loops polling for retrace end both in
 * real time and under -icount or qtest. The legacy window (vga-mem.c), the
 * Bochs VBE registers (vga-vbe.c) and the device wrappers (vga-pci.c,
 * vga-isa.c) are separate files.
 *
 * Reference: FreeVGA "VGA/SVGA Video Programming" register pages; IBM VGA
 * XGA Technical Reference, chapter "Video Graphics Array"; QEMU
 * hw/display/vga.c behaviour where these are silent.
 */
#include "kemu/log.h"
#include "kemu/timer.h"
#include "vga-int.h"

/* Writable bits of the sequencer and graphics controller registers. */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff };
static const uint8_t gr_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };

/* Virtual time one read of input status 1 takes (an ISA I/O cycle). */
#define VGA_STATUS_READ_NS 1000

static const struct {
    uint16_t base, size;
} vga_port_ranges[VGA_NR_PORT_RANGES] = {
    { 0x3b4, 2 }, { 0x3ba, 1 }, { 0x3c0, 16 }, { 0x3d4, 2 }, { 0x3da, 1 },
};

bool vga_vbe_enabled(const VGAState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

int vga_vdisp_lines(const VGAState *s)
{
    const uint8_t *cr = s->cr;

    return (cr[VGA_CRTC_V_DISP_END] | ((cr[VGA_CRTC_OVERFLOW] & 0x02) << 7) |
            ((cr[VGA_CRTC_OVERFLOW] & 0x40) << 3)) + 1;
}

uint32_t vga_crtc_addr(const VGAState *s, uint32_t ma)
{
    uint32_t a;

    if (s->cr[VGA_CRTC_UNDERLINE] & VGA_CR14_DW)
        a = ma << 2;
    else if (!(s->cr[VGA_CRTC_MODE] & VGA_CR17_WORD_BYTE))
        a = (ma << 1) | ((ma >> ((s->cr[VGA_CRTC_MODE] & VGA_CR17_ADDR_WRAP) ? 15 : 13)) & 1);
    else
        a = ma;
    return a & (VGA_PLANE_SIZE - 1);
}

/* ---- input status 1: the beam ---- */

typedef struct VGATiming {
    int htotal, hdisp;     /* character clocks */
    int vtotal, vdisp;     /* scan lines */
    int vsync, vsync_len;
    uint64_t ps_per_char;  /* picoseconds */
} VGATiming;

static void vga_timing(const VGAState *s, VGATiming *t)
{
    const uint8_t *cr = s->cr;
    uint64_t clock_hz = ((s->msr >> 2) & 3) == 1 ? 28322000 : 25175000;
    int dots = (s->sr[VGA_SEQ_CLOCK_MODE] & VGA_SR01_CHAR_CLK_8DOTS) ? 8 : 9;
    int vre = cr[VGA_CRTC_V_SYNC_END] & 0x0f;

    t->htotal = cr[VGA_CRTC_H_TOTAL] + 5;
    t->hdisp = cr[VGA_CRTC_H_DISP] + 1;
    t->vtotal = (cr[VGA_CRTC_V_TOTAL] | ((cr[VGA_CRTC_OVERFLOW] & 0x01) << 8) |
                 ((cr[VGA_CRTC_OVERFLOW] & 0x20) << 4)) + 2;
    t->vdisp = vga_vdisp_lines(s);
    t->vsync = cr[VGA_CRTC_V_SYNC_START] | ((cr[VGA_CRTC_OVERFLOW] & 0x04) << 6) |
               ((cr[VGA_CRTC_OVERFLOW] & 0x80) << 2);
    t->vsync_len = ((vre - t->vsync) & 0x0f) ? ((vre - t->vsync) & 0x0f) : 16;
    if (s->sr[VGA_SEQ_CLOCK_MODE] & 0x08)
        dots *= 2;  /* dot clock divided by two */
    t->ps_per_char = 1000000000000ULL * dots / clock_hz;
    if (t->htotal <= t->hdisp || t->vtotal <= t->vdisp || t->vsync >= t->vtotal) {
        /* Not programmed yet: 640x400 at 70 Hz, the VGA power-on timing. */
        *t = (VGATiming){ .htotal = 100, .hdisp = 80, .vtotal = 449, .vdisp = 400,
                          .vsync = 412, .vsync_len = 2,
                          .ps_per_char = 1000000000000ULL * 9 / 25175000 };
    }
}

uint8_t vga_retrace(VGAState *s)
{
    VGATiming t;
    uint64_t frame_ps, pos, line, col;
    unsigned __int128 now_ps;
    uint8_t val = 0;

    vga_timing(s, &t);
    frame_ps = t.ps_per_char * (uint64_t)t.htotal * t.vtotal;
    now_ps = ((unsigned __int128)(uint64_t)vclock_get_ns() +
              (uint64_t)s->st01_reads * VGA_STATUS_READ_NS) * 1000;
    pos = (uint64_t)(now_ps % frame_ps) / t.ps_per_char;
    line = pos / t.htotal;
    col = pos % t.htotal;
    if (line >= (uint64_t)t.vdisp || col >= (uint64_t)t.hdisp)
        val |= VGA_IS1_DISP_DISABLED;
    if (line >= (uint64_t)t.vsync && line < (uint64_t)(t.vsync + t.vsync_len))
        val |= VGA_IS1_V_RETRACE;
    s->st01_reads++;
    return val;
}

/* ---- port decoding ---- */

/* Ports of the I/O address range misc output bit 0 does not select. */
static bool vga_port_invalid(const VGAState *s, uint16_t port)
{
    if (s->msr & VGA_MIS_COLOR)
        return port >= 0x3b0 && port <= 0x3bf;
    return port >= 0x3d0 && port <= 0x3df;
}

static uint8_t vga_dac_read(VGAState *s)
{
    uint8_t val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];

    if (++s->dac_sub_index == 3) {
        s->dac_sub_index = 0;
        s->dac_read_index++;
    }
    return val;
}

static void vga_dac_write(VGAState *s, uint8_t val)
{
    s->dac_cache[s->dac_sub_index] = s->dac_8bit ? val : (val & 0x3f);
    if (++s->dac_sub_index == 3) {
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_sub_index = 0;
        s->dac_write_index++;
    }
}

uint32_t vga_ioport_read(VGAState *s, uint16_t port)
{
    if (vga_port_invalid(s, port))
        return 0xff;
    switch (port) {
    case VGA_ATT_W:
        return s->ar_index;
    case VGA_ATT_R:
        return (s->ar_index & 0x1f) < VGA_ATC_NB ? s->ar[s->ar_index & 0x1f] : 0;
    case VGA_MIS_W:
        return s->st00;
    case VGA_SEQ_I:
        return s->sr_index;
    case VGA_SEQ_D:
        return s->sr[s->sr_index];
    case VGA_PEL_MSK:
        return s->dac_mask;
    case VGA_PEL_IR:
        return s->dac_state;
    case VGA_PEL_IW:
        return s->dac_write_index;
    case VGA_PEL_D:
        return vga_dac_read(s);
    case VGA_FTC_R:
        return s->fcr;
    case VGA_MIS_R:
        return s->msr;
    case VGA_GFX_I:
        return s->gr_index;
    case VGA_GFX_D:
        return s->gr[s->gr_index];
    case VGA_CRT_IM:
    case VGA_CRT_IC:
        return s->cr_index;
    case VGA_CRT_DM:
    case VGA_CRT_DC:
        return s->cr[s->cr_index];
    case VGA_IS1_RM:
    case VGA_IS1_RC:
        s->st01 = vga_retrace(s);
        s->ar_flip_flop = 0;
        return s->st01;
    default:
        return 0;
    }
}

static void vga_ar_write(VGAState *s, uint8_t val)
{
    int index = s->ar_index & 0x1f;

    if (!s->ar_flip_flop) {
        s->ar_index = val & 0x3f;
        s->ar_flip_flop = 1;
        return;
    }
    s->ar_flip_flop = 0;
    if (index <= VGA_ATC_PALETTEF)
        s->ar[index] = val & 0x3f;
    else if (index == VGA_ATC_MODE)
        s->ar[index] = val & ~0x10;
    else if (index == VGA_ATC_OVERSCAN)
        s->ar[index] = val;
    else if (index == VGA_ATC_PLANE_ENABLE)
        s->ar[index] = val & 0x3f;
    else if (index == VGA_ATC_PEL || index == VGA_ATC_COLOR_PAGE)
        s->ar[index] = val & 0x0f;
    else
        log_guest_error("vga: write to attribute register 0x%02x\n", index);
}

static void vga_cr_write(VGAState *s, uint8_t val)
{
    /* CR11 bit 7 protects CR0-CR7, except the line compare bit 8 of CR7. */
    if ((s->cr[VGA_CRTC_V_SYNC_END] & VGA_CR11_LOCK_CR0_CR7) &&
        s->cr_index <= VGA_CRTC_OVERFLOW) {
        if (s->cr_index == VGA_CRTC_OVERFLOW)
            s->cr[VGA_CRTC_OVERFLOW] = (s->cr[VGA_CRTC_OVERFLOW] & ~0x10) | (val & 0x10);
        return;
    }
    s->cr[s->cr_index] = val;
}

void vga_ioport_write(VGAState *s, uint16_t port, uint32_t val)
{
    val &= 0xff;
    if (vga_port_invalid(s, port))
        return;
    switch (port) {
    case VGA_ATT_W:
        vga_ar_write(s, val);
        break;
    case VGA_MIS_W:
        s->msr = val & ~0x10;
        break;
    case VGA_SEQ_I:
        s->sr_index = val & 7;
        break;
    case VGA_SEQ_D:
        s->sr[s->sr_index] = val & sr_mask[s->sr_index];
        break;
    case VGA_PEL_MSK:
        s->dac_mask = val;
        break;
    case VGA_PEL_IR:
        s->dac_read_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 3;
        break;
    case VGA_PEL_IW:
        s->dac_write_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 0;
        break;
    case VGA_PEL_D:
        vga_dac_write(s, val);
        break;
    case VGA_GFX_I:
        s->gr_index = val & 0x0f;
        break;
    case VGA_GFX_D:
        s->gr[s->gr_index] = val & gr_mask[s->gr_index];
        break;
    case VGA_CRT_IM:
    case VGA_CRT_IC:
        s->cr_index = val;
        break;
    case VGA_CRT_DM:
    case VGA_CRT_DC:
        vga_cr_write(s, val);
        break;
    case VGA_IS1_RM:
    case VGA_IS1_RC:
        s->fcr = val & 0x0b;
        break;
    default:
        log_guest_error("vga: write 0x%02x to read-only port 0x%03x\n", val, port);
        break;
    }
}

static uint64_t vga_port_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAPortRange *r = opaque;

    return vga_ioport_read(r->s, r->base + addr);
}

static void vga_port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VGAPortRange *r = opaque;

    vga_ioport_write(r->s, r->base + addr, val);
}

static const IoOps vga_port_ops = {
    .read = vga_port_read,
    .write = vga_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- set-up ---- */

static uint32_t vga_vram_bytes(uint32_t mb)
{
    uint32_t p = 1;

    mb = MIN(MAX(mb, 1u), 512u);
    while (p < mb)
        p <<= 1;
    return p * MiB;
}

void vga_common_init(VGAState *s, uint32_t vram_mb, const char *name)
{
    s->vram_size = vga_vram_bytes(vram_mb);
    mr_init_ram(&s->vram_mr, name, s->vram_size);
    s->vram = s->vram_mr.ram;
    s->vbe_bank_mask = (s->vram_size >> 16) - 1;
    mr_init_io(&s->lowmem, "vga-lowmem", VGA_LEGACY_SIZE, &vga_mem_ops, s);
    for (int i = 0; i < VGA_NR_PORT_RANGES; i++) {
        s->ports[i].s = s;
        s->ports[i].base = vga_port_ranges[i].base;
        mr_init_io(&s->ports[i].mr, "vga", vga_port_ranges[i].size, &vga_port_ops,
                   &s->ports[i]);
    }
    mr_init_io(&s->vbe_ports, "vbe", 4, &vbe_port_ops, s);
}

void vga_init_legacy(VGAState *s, MemRegion *mem, MemRegion *io)
{
    mem_transaction_begin();
    mr_add_subregion_overlap(mem, VGA_LEGACY_BASE, &s->lowmem, 1);
    for (int i = 0; i < VGA_NR_PORT_RANGES; i++)
        mr_add_subregion(io, s->ports[i].base, &s->ports[i].mr);
    mr_add_subregion(io, VBE_DISPI_IOPORT_INDEX, &s->vbe_ports);
    mem_transaction_commit();
}

/* Power-on state: every register zero (as QEMU), the pel mask all ones. */
void vga_common_reset(VGAState *s)
{
    s->msr = s->fcr = s->st00 = s->st01 = 0;
    s->st01_reads = 0;
    s->sr_index = s->gr_index = s->cr_index = s->ar_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->cr, 0, sizeof(s->cr));
    memset(s->ar, 0, sizeof(s->ar));
    s->ar_flip_flop = 0;
    s->latch = 0;
    s->dac_mask = 0xff;
    s->dac_state = s->dac_read_index = s->dac_write_index = s->dac_sub_index = 0;
    memset(s->dac_cache, 0, sizeof(s->dac_cache));
    memset(s->palette, 0, sizeof(s->palette));
    s->dac_8bit = 0;
    vbe_reset(s);
}
