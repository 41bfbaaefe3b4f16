/* SPDX-License-Identifier: MIT */
/*
 * ISA DMA: the PC's two 8237A controllers and the channel API for devices.
 *
 * Channels 0-3 belong to the 8-bit controller (ports 0x00-0x0f), channels
 * 4-7 to the 16-bit one (ports 0xc0-0xde, even addresses, counts in words;
 * channel 4 cascades the first controller). The page registers live at
 * 0x80-0x8f. The board creates the pair once with isa_dma_init().
 *
 * A device (the floppy controller on channel 2) registers a transfer
 * handler for its channel and raises DREQ with isa_dma_hold_dreq(). While
 * DREQ is held, the channel is unmasked and the controller enabled, the
 * controller calls the handler with the bytes done so far (pos) and the
 * bytes programmed (size); the handler moves data with
 * isa_dma_read_memory() / isa_dma_write_memory() and returns the new pos.
 * When pos reaches size the channel reaches terminal count (TC). The
 * handler may run from inside isa_dma_hold_dreq() or from a later guest
 * port write (unmasking the channel), never re-entrantly.
 *
 * Reference: Intel 8237A High Performance Programmable DMA Controller
 * datasheet; IBM PC/AT Technical Reference (page registers).
 */
#ifndef KEMU_HW_ISA_DMA_H
#define KEMU_HW_ISA_DMA_H

#include "kemu/device.h"

#define TYPE_I8257 "i8257" /* QEMU's name for the 8237A */

#define ISA_DMA_CHANNELS 8

/* Transfer type of a channel (mode register bits 3:2). */
enum {
    ISA_DMA_VERIFY = 0, /* no memory access */
    ISA_DMA_WRITE = 1,  /* device -> memory */
    ISA_DMA_READ = 2,   /* memory -> device */
};

/* Returns the new position (bytes transferred in total). */
typedef int IsaDmaTransferFn(void *opaque, int nchan, int pos, int size);

/* Board: create and realize the controller pair (ports 0x00, 0x80, 0xc0). */
Device *isa_dma_init(void);

/* Device side. nchan is 0-7; out-of-range channels are logged and ignored. */
void isa_dma_register_channel(int nchan, IsaDmaTransferFn *fn, void *opaque);
void isa_dma_hold_dreq(int nchan);
void isa_dma_release_dreq(int nchan);
/* ISA_DMA_VERIFY/WRITE/READ from the channel's mode register (or -1). */
int isa_dma_get_transfer_type(int nchan);
/* True when a controller serving nchan exists. */
bool isa_dma_present(int nchan);
/* Move len bytes at byte offset pos of the current transfer between buf
 * and guest memory, following the channel's address, direction (increment
 * or decrement) and 64 KiB (128 KiB for 16-bit channels) wrap. Clipped to
 * the programmed size; returns the bytes moved. Writes in verify mode
 * touch no memory. */
int isa_dma_read_memory(int nchan, void *buf, int pos, int len);
int isa_dma_write_memory(int nchan, const void *buf, int pos, int len);

#endif
