/* SPDX-License-Identifier: MIT */
/*
 * Decoded blocks and the code cache.
 *
 * A block is a run of DecodedInsns starting at a linear pc, decoded under
 * a set of mode bits (hflags & HF_KEY_MASK). Blocks are found by a small
 * direct-mapped cache on the linear pc (flushed with the TLB), then by a
 * hash on the host address of the code (the identity of the backing RAM,
 * independent of how the guest maps it). Each block is listed on the
 * code page(s) it was decoded from; a write to such a page invalidates the
 * blocks it overlaps (mem_code_write_hook). Blocks never cross a page,
 * except a block made of a single instruction that itself crosses.
 */
#ifndef CPU_X86_EXEC_H
#define CPU_X86_EXEC_H

#include "decode.h"

#define BLOCK_MAX_INSNS 64

struct X86Block {
    uint64_t pc;             /* linear address of the first byte */
    uint32_t hflags;         /* decode mode (HF_KEY_MASK bits) */
    uint16_t ninsns;
    uint16_t size;           /* bytes of code */
    bool valid;
    bool crosses;            /* the last instruction continues on the next page */
    const uint8_t *host;     /* host address of the first byte (hash key) */
    MemRegion *mr[2];        /* code pages: regions and page offsets */
    hwaddr mr_page[2];
    X86Block *hash_next;
    X86Block *page_next[2];
    /* Successors seen at run time, valid while chain_gen matches (see
     * block_end in exec.c) */
    struct {
        X86Block *blk;
        uint64_t gen;
    } succ[2];
    DecodedInsn insns[];   /* ninsns entries, then a terminator */
};

/* Invalidate the blocks overlapping [offset, offset+len) of mr. */
void x86_code_invalidate(MemRegion *mr, hwaddr offset, uint64_t len);

#endif
