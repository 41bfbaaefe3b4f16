/* SPDX-License-Identifier: MIT */
/*
 * VGA core state shared by the register, memory, VBE, text and render
 * files and by the ISA and PCI device wrappers.
 *
 * Video memory layout: vram holds the four 64 KiB VGA planes interleaved,
 * byte 4 * a + p being byte a of plane p, so that a 32-bit load is the
 * latch of plane address a. The same bytes are the linear framebuffer of
 * the VBE modes (PCI BAR0). Host accesses through the 0xa0000 window reach
 * plane addresses as the sequencer and graphics controller select them
 * (chain-4: a & ~3, odd/even: a & ~1, planar: a); the CRTC scans plane
 * addresses in byte, word or doubleword mode. This is the IBM VGA's real
 * addressing (FreeVGA "VGA Memory Organization").
 */
#ifndef KEMU_HW_DISPLAY_VGA_INT_H
#define KEMU_HW_DISPLAY_VGA_INT_H

#include "kemu/device.h"
#include "kemu/hw/vga.h"
#include "kemu/memory.h"

/* ---- Ports (offsets from 0x3b0 are port - VGA_PORT_BASE) ---- */
#define VGA_PORT_BASE 0x3b0
#define VGA_ATT_W 0x3c0   /* attribute controller index/data write */
#define VGA_ATT_R 0x3c1   /* attribute controller data read */
#define VGA_MIS_W 0x3c2   /* misc output write / input status 0 read */
#define VGA_SEQ_I 0x3c4
#define VGA_SEQ_D 0x3c5
#define VGA_PEL_MSK 0x3c6 /* DAC pel mask */
#define VGA_PEL_IR 0x3c7  /* DAC read index write / DAC state read */
#define VGA_PEL_IW 0x3c8  /* DAC write index */
#define VGA_PEL_D 0x3c9   /* DAC data */
#define VGA_FTC_R 0x3ca   /* feature control read */
#define VGA_MIS_R 0x3cc   /* misc output read */
#define VGA_GFX_I 0x3ce
#define VGA_GFX_D 0x3cf
#define VGA_CRT_IM 0x3b4  /* CRTC index, mono */
#define VGA_CRT_DM 0x3b5
#define VGA_IS1_RM 0x3ba  /* input status 1 read / feature control write, mono */
#define VGA_CRT_IC 0x3d4  /* CRTC index, colour */
#define VGA_CRT_DC 0x3d5
#define VGA_IS1_RC 0x3da

/* Misc output register */
#define VGA_MIS_COLOR 0x01       /* I/O address select: 3Dx (1) or 3Bx (0) */
#define VGA_MIS_ENB_MEM_ACCESS 0x02

/* Input status 1 */
#define VGA_IS1_DISP_DISABLED 0x01 /* display enable NOT: in a blanking interval */
#define VGA_IS1_V_RETRACE 0x08

/* Sequencer registers */
#define VGA_SEQ_RESET 0x00
#define VGA_SEQ_CLOCK_MODE 0x01
#define VGA_SEQ_PLANE_WRITE 0x02  /* map mask */
#define VGA_SEQ_CHARACTER_MAP 0x03
#define VGA_SEQ_MEMORY_MODE 0x04
#define VGA_SR01_CHAR_CLK_8DOTS 0x01
#define VGA_SR01_SCREEN_OFF 0x20
#define VGA_SR02_ALL_PLANES 0x0f
#define VGA_SR04_EXT_MEM 0x02
#define VGA_SR04_SEQ_MODE 0x04    /* odd/even disable */
#define VGA_SR04_CHN_4M 0x08      /* chain 4 */

/* Graphics controller registers */
#define VGA_GFX_SR_VALUE 0x00
#define VGA_GFX_SR_ENABLE 0x01
#define VGA_GFX_COMPARE_VALUE 0x02
#define VGA_GFX_DATA_ROTATE 0x03
#define VGA_GFX_PLANE_READ 0x04
#define VGA_GFX_MODE 0x05
#define VGA_GFX_MISC 0x06
#define VGA_GFX_COMPARE_MASK 0x07 /* color don't care */
#define VGA_GFX_BIT_MASK 0x08
#define VGA_GR05_READ_MODE 0x08
#define VGA_GR05_HOST_ODD_EVEN 0x10
#define VGA_GR05_SHIFT_REG 0x20   /* CGA-style interleaved shift (modes 4/5) */
#define VGA_GR05_SHIFT_256 0x40   /* 256-colour shift */
#define VGA_GR06_GRAPHICS_MODE 0x01

/* CRT controller registers */
#define VGA_CRTC_H_TOTAL 0x00
#define VGA_CRTC_H_DISP 0x01
#define VGA_CRTC_H_BLANK_START 0x02
#define VGA_CRTC_H_BLANK_END 0x03
#define VGA_CRTC_H_SYNC_START 0x04
#define VGA_CRTC_H_SYNC_END 0x05
#define VGA_CRTC_V_TOTAL 0x06
#define VGA_CRTC_OVERFLOW 0x07
#define VGA_CRTC_PRESET_ROW 0x08
#define VGA_CRTC_MAX_SCAN 0x09
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CRTC_CURSOR_END 0x0b
#define VGA_CRTC_START_HI 0x0c
#define VGA_CRTC_START_LO 0x0d
#define VGA_CRTC_CURSOR_HI 0x0e
#define VGA_CRTC_CURSOR_LO 0x0f
#define VGA_CRTC_V_SYNC_START 0x10
#define VGA_CRTC_V_SYNC_END 0x11
#define VGA_CRTC_V_DISP_END 0x12
#define VGA_CRTC_OFFSET 0x13
#define VGA_CRTC_UNDERLINE 0x14
#define VGA_CRTC_V_BLANK_START 0x15
#define VGA_CRTC_V_BLANK_END 0x16
#define VGA_CRTC_MODE 0x17
#define VGA_CRTC_LINE_COMPARE 0x18
#define VGA_CR11_LOCK_CR0_CR7 0x80
#define VGA_CR14_DW 0x40          /* doubleword addressing */
#define VGA_CR17_WORD_BYTE 0x40   /* 1 = byte mode */
#define VGA_CR17_ADDR_WRAP 0x20   /* word mode: MA15 (1) or MA13 (0) into bit 0 */

/* Attribute controller registers */
#define VGA_ATC_PALETTE0 0x00
#define VGA_ATC_PALETTEF 0x0f
#define VGA_ATC_MODE 0x10
#define VGA_ATC_OVERSCAN 0x11
#define VGA_ATC_PLANE_ENABLE 0x12
#define VGA_ATC_PEL 0x13          /* horizontal pel panning */
#define VGA_ATC_COLOR_PAGE 0x14   /* color select */
#define VGA_ATC_NB 0x15
#define VGA_AR_PAS 0x20           /* palette address source (index register) */
#define VGA_AR10_GRAPHICS 0x01
#define VGA_AR10_LINE_GRAPHICS 0x04
#define VGA_AR10_BLINK 0x08
#define VGA_AR10_8BIT 0x40
#define VGA_AR10_P54_SELECT 0x80

/* ---- Bochs VBE "DISPI" interface ---- */
#define VBE_DISPI_IOPORT_INDEX 0x1ce
#define VBE_DISPI_IOPORT_DATA 0x1cf
#define VBE_DISPI_INDEX_ID 0x0
#define VBE_DISPI_INDEX_XRES 0x1
#define VBE_DISPI_INDEX_YRES 0x2
#define VBE_DISPI_INDEX_BPP 0x3
#define VBE_DISPI_INDEX_ENABLE 0x4
#define VBE_DISPI_INDEX_BANK 0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH 0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET 0x8
#define VBE_DISPI_INDEX_Y_OFFSET 0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB 0xb
#define VBE_DISPI_ID0 0xb0c0
#define VBE_DISPI_ID5 0xb0c5
#define VBE_DISPI_MAX_XRES 16000
#define VBE_DISPI_MAX_YRES 12000
#define VBE_DISPI_MAX_BPP 32
#define VBE_DISPI_DISABLED 0x00
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80
#define VBE_DISPI_LFB_PHYSICAL_ADDRESS 0xe0000000u

#define VGA_LEGACY_BASE 0xa0000
#define VGA_LEGACY_SIZE 0x20000
#define VGA_PLANE_SIZE 0x10000   /* 64 KiB per plane in the VGA modes */
#define VGA_NR_PORT_RANGES 5

typedef struct VGAState VGAState;

/* One decoded range of the legacy ports (QEMU decodes only these). */
typedef struct VGAPortRange {
    MemRegion mr;
    VGAState *s;
    uint16_t base;
} VGAPortRange;

struct VGAState {
    /* Configuration */
    uint32_t vram_size;          /* bytes, a power of two >= 1 MiB */
    uint8_t *vram;               /* = vram_mr.ram */
    MemRegion vram_mr;           /* linear framebuffer (PCI BAR0, ISA 0xe0000000) */
    MemRegion lowmem;            /* the 0xa0000-0xbffff window */
    VGAPortRange ports[VGA_NR_PORT_RANGES];
    MemRegion vbe_ports;         /* 0x1ce-0x1d1 */
    /* General registers */
    uint8_t msr;                 /* misc output */
    uint8_t fcr;                 /* feature control */
    uint8_t st00;                /* input status 0 */
    uint8_t st01;                /* input status 1 (last value read) */
    uint32_t st01_reads;         /* input status 1 reads, advance the beam */
    /* Sequencer */
    uint8_t sr_index;
    uint8_t sr[8];
    /* Graphics controller */
    uint8_t gr_index;
    uint8_t gr[16];
    uint32_t latch;              /* four plane latches, plane p in byte p */
    /* CRT controller */
    uint8_t cr_index;
    uint8_t cr[256];
    /* Attribute controller */
    uint8_t ar_index;            /* index with the PAS bit */
    uint8_t ar_flip_flop;        /* 0: next 0x3c0 write is the index */
    uint8_t ar[VGA_ATC_NB];
    /* DAC */
    uint8_t dac_mask;            /* pel mask */
    uint8_t dac_state;           /* 0: write mode, 3: read mode */
    uint8_t dac_read_index;
    uint8_t dac_write_index;
    uint8_t dac_sub_index;       /* 0-2: red, green, blue */
    uint8_t dac_cache[3];
    uint8_t palette[768];
    uint8_t dac_8bit;            /* VBE 8-bit DAC */
    /* Bochs VBE */
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint32_t vbe_start_addr;     /* display start, bytes */
    uint32_t vbe_line_offset;    /* bytes per line */
    uint32_t vbe_bank_mask;
    uint32_t bank_offset;        /* bytes (plane addresses at 4 bpp) */
};

/* vga.c: registers, set-up and reset */
void vga_common_init(VGAState *s, uint32_t vram_mb, const char *name);
/* Map the legacy window into mem and the ports into io. */
void vga_init_legacy(VGAState *s, MemRegion *mem, MemRegion *io);
void vga_common_reset(VGAState *s);
uint32_t vga_ioport_read(VGAState *s, uint16_t port);
void vga_ioport_write(VGAState *s, uint16_t port, uint32_t val);
bool vga_vbe_enabled(const VGAState *s);
/* Beam position flags of input status 1 at the current virtual time. */
uint8_t vga_retrace(VGAState *s);
/* The plane address the CRTC reads for memory address ma. */
uint32_t vga_crtc_addr(const VGAState *s, uint32_t ma);
/* Vertical display end + 1 (scan lines), from CR12 and the overflow bits. */
int vga_vdisp_lines(const VGAState *s);

/* vga-mem.c: the legacy memory window */
extern const IoOps vga_mem_ops;
uint8_t vga_mem_readb(VGAState *s, hwaddr addr);
void vga_mem_writeb(VGAState *s, hwaddr addr, uint8_t val);

/* vga-vbe.c: the Bochs DISPI registers */
extern const IoOps vbe_port_ops;
uint16_t vbe_read_reg(VGAState *s, unsigned index);
void vbe_write_reg(VGAState *s, unsigned index, uint16_t val);
void vbe_reset(VGAState *s);
/* Recompute derived VBE state after a savestate load. */
void vbe_post_load(VGAState *s);

/* vga-text.c / vga-render.c */
char *vga_state_text_dump(VGAState *s);
/* Character rows and columns of the current text mode. */
void vga_text_geometry(const VGAState *s, int *rows, int *cols);
bool vga_state_render(VGAState *s, uint32_t *fb, int *w, int *h);
/* Unicode code point of code page 437 character c. */
uint32_t vga_cp437_to_unicode(uint8_t c);

/* vga-pci.c / vga-isa.c: the core of a device of that class (NULL if not). */
VGAState *vga_pci_state(Device *dev);
VGAState *vga_isa_state(Device *dev);
/* vga-text.c: the core of a device of either class (NULL if none). */
VGAState *vga_state_of(Device *dev);

/* Savestate fields of the core embedded as field f of device struct T. */
#define VMSTATE_VGA(T, f)                                                                          \
    VMSTATE_FIELD(T, f.msr), VMSTATE_FIELD(T, f.fcr), VMSTATE_FIELD(T, f.st01),                    \
    VMSTATE_FIELD(T, f.st01_reads), VMSTATE_FIELD(T, f.sr_index), VMSTATE_ARRAY(T, f.sr),          \
    VMSTATE_FIELD(T, f.gr_index), VMSTATE_ARRAY(T, f.gr), VMSTATE_FIELD(T, f.latch),               \
    VMSTATE_FIELD(T, f.cr_index), VMSTATE_ARRAY(T, f.cr), VMSTATE_FIELD(T, f.ar_index),            \
    VMSTATE_FIELD(T, f.ar_flip_flop), VMSTATE_ARRAY(T, f.ar), VMSTATE_FIELD(T, f.dac_mask),        \
    VMSTATE_FIELD(T, f.dac_state), VMSTATE_FIELD(T, f.dac_read_index),                             \
    VMSTATE_FIELD(T, f.dac_write_index), VMSTATE_FIELD(T, f.dac_sub_index),                        \
    VMSTATE_ARRAY(T, f.dac_cache), VMSTATE_ARRAY(T, f.palette), VMSTATE_FIELD(T, f.dac_8bit),      \
    VMSTATE_FIELD(T, f.vbe_index), VMSTATE_ARRAY(T, f.vbe_regs), VMSTATE_FIELD(T, f.bank_offset)

#endif
