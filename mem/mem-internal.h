/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the files of mem/ only.
 *
 * Sizes are uint64_t and a size of UINT64_MAX stands for 2^64 (the whole
 * address space), so extents are handled as inclusive [first, last] pairs,
 * which never overflow. Region trees are acyclic by construction (the board
 * builds them); MEM_MAX_DEPTH catches an alias loop as an emulator bug.
 */
#ifndef KEMU_MEM_INTERNAL_H
#define KEMU_MEM_INTERNAL_H

#include "kemu/memory.h"

#define MEM_MAX_DEPTH 64

/* Last valid offset of a region; the region must not be empty. */
static inline uint64_t mr_last_offset(const MemRegion *mr)
{
    return mr->size == UINT64_MAX ? UINT64_MAX : mr->size - 1;
}

/* a + b, saturating at UINT64_MAX. */
static inline uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Build the flat view of the tree under root (see flatview.c). */
void flatview_render(MemRegion *root, FlatView *out);
void flatview_free(FlatView *view);
/* Index of the first range whose last byte is >= addr (view->nr if none). */
unsigned flatview_find(const FlatView *view, hwaddr addr);

/* Position of as in the list of address spaces (for dumps), or -1. */
int as_index(const AddressSpace *as);

#endif
