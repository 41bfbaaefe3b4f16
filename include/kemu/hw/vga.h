/* SPDX-License-Identifier: MIT */
/*
 * The standard VGA adapter with the Bochs VBE extensions: what other
 * subsystems (boards, displays, the monitor, tests) may use.
 *
 * Two device classes share one core (hw/display/vga*.c):
 *  - "VGA": the PCI variant, 1234:1111 class 0300, the pc machine's default
 *    display (BAR0 the linear framebuffer, BAR2 the MMIO registers, the
 *    SeaBIOS "vgabios-stdvga.bin" option ROM in the ROM BAR);
 *  - "isa-vga": the ISA variant (framebuffer at 0xe0000000), for tests and
 *    machines without PCI.
 * Both decode the legacy ports 0x3b0-0x3df, 0x1ce-0x1d0 and the
 * 0xa0000-0xbffff memory window from realize on, whatever the PCI command
 * register says (as QEMU's VGA does).
 *
 * Reference: QEMU docs/specs/standard-vga.rst; FreeVGA; the IBM VGA
 * Technical Reference.
 */
#ifndef KEMU_HW_VGA_H
#define KEMU_HW_VGA_H

#include "kemu/device.h"

/* Device class names */
#define TYPE_PCI_VGA "VGA"
#define TYPE_ISA_VGA "isa-vga"

/* Largest picture vga_render() produces (VBE limits). */
#define VGA_RENDER_MAX_WIDTH 16000
#define VGA_RENDER_MAX_HEIGHT 12000

/* True when dev is a VGA device ("VGA" or "isa-vga"). */
bool vga_is_vga(Device *dev);

/* The first realized VGA device ("VGA" first, then "isa-vga"), or NULL. */
Device *vga_find(void);

/*
 * The visible text screen of a text mode (modes 0-3 and 7, or any
 * alphanumeric mode the CRTC describes) as UTF-8: one line per character
 * row, each ended by '\n', trailing blanks removed, characters mapped
 * through code page 437. Returns a malloc'd string, or NULL when dev is no
 * VGA or the adapter is in a graphics mode.
 */
char *vga_text_dump(Device *dev);

/*
 * Render the current picture as 0x00RRGGBB pixels, row after row (a
 * clean entry point for display backends and screendump).
 * With fb == NULL only *w and *h are set to the picture size. Otherwise
 * *w and *h give the capacity of fb (w * h pixels) on entry and the
 * picture size on return; when the picture no longer fits (the mode
 * changed) nothing is drawn and false is returned with the new size.
 * Also false when dev is no VGA or the mode is not supported (log_unimp
 * tells which). Text, 16-colour planar, CGA 4-colour, 256-colour (mode
 * 13h) and the VBE 8/15/16/24/32 bpp modes are drawn.
 */
bool vga_render(Device *dev, uint32_t *fb, int *w, int *h);

#endif
