/* SPDX-License-Identifier: MIT */
/*
 * Flattening a region tree into a sorted list of non-overlapping ranges.
 *
 * The tree is rendered depth first. Inside a container, children are visited
 * in rendering order (higher priority first; among equal priorities the one
 * added last first), and each rendered piece only fills the holes left by
 * what was rendered before it, so the first region to claim an address owns
 * it. Priorities are therefore local to a container, as in QEMU. An alias
 * renders the window [alias_offset, alias_offset + size) of its target at its
 * own position; the target's own address and parent do not matter. A RAM,
 * ROM or IO region with subregions is rendered after them, as a background.
 * Windows are carried as inclusive [lo, hi] offsets so that a region of
 * 2^64 bytes (size UINT64_MAX) never overflows. Finally adjacent ranges of
 * the same region with contiguous offsets are merged.
 *
 * Reference: QEMU docs/devel/memory.rst, "Visibility" and "Overlapping
 * regions and priority".
 */
#include <assert.h>

#include "kemu/memory.h"
#include "mem-internal.h"

typedef struct FlatBuilder {
    FlatRange *r;
    unsigned nr, cap;
} FlatBuilder;

unsigned flatview_find(const FlatView *view, hwaddr addr)
{
    unsigned lo = 0, hi = view->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->ranges[mid].last < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const FlatRange *as_lookup(AddressSpace *as, hwaddr addr)
{
    unsigned i = flatview_find(&as->view, addr);

    if (i < as->view.nr && as->view.ranges[i].start <= addr)
        return &as->view.ranges[i];
    return NULL;
}

static void fb_insert(FlatBuilder *b, unsigned pos, hwaddr lo, hwaddr hi, MemRegion *mr,
                      hwaddr offset, bool readonly)
{
    FlatRange *fr;

    if (b->nr == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->r = xrealloc(b->r, b->cap * sizeof(FlatRange));
    }
    memmove(&b->r[pos + 1], &b->r[pos], (b->nr - pos) * sizeof(FlatRange));
    b->nr++;
    fr = &b->r[pos];
    fr->start = lo;
    fr->last = hi;
    fr->mr = mr;
    fr->offset = offset;
    fr->readonly = readonly;
}

/* Map the absolute range [lo, hi] to mr at offset, filling only the holes. */
static void fb_fill(FlatBuilder *b, hwaddr lo, hwaddr hi, MemRegion *mr, hwaddr offset,
                    bool readonly)
{
    FlatView v = { b->r, b->nr };
    unsigned pos = flatview_find(&v, lo);
    hwaddr cur = lo, gap_hi;

    for (;;) {
        if (pos < b->nr && b->r[pos].start <= cur) {
            /* cur is covered by an earlier (winning) range: skip it */
            if (b->r[pos].last >= hi)
                return;
            cur = b->r[pos].last + 1;
            pos++;
            continue;
        }
        gap_hi = (pos < b->nr && b->r[pos].start <= hi) ? b->r[pos].start - 1 : hi;
        fb_insert(b, pos, cur, gap_hi, mr, offset + (cur - lo), readonly);
        pos++;
        if (gap_hi == hi)
            return;
        cur = gap_hi + 1;
    }
}

static void render(FlatBuilder *b, MemRegion *mr, uint64_t lo, uint64_t hi, hwaddr abs,
                   bool readonly, int depth);

/* Render the part of child c inside the parent window [lo, hi] (parent
 * offsets), whose first byte is at absolute address abs. */
static void render_child(FlatBuilder *b, MemRegion *c, uint64_t lo, uint64_t hi, hwaddr abs,
                         bool readonly, int depth)
{
    uint64_t c_hi, ilo, ihi;

    if (c->size == 0)
        return;
    c_hi = add_sat(c->addr, mr_last_offset(c));
    ilo = MAX(c->addr, lo);
    ihi = MIN(c_hi, hi);
    if (ilo > ihi)
        return;
    render(b, c, ilo - c->addr, ihi - c->addr, abs + (ilo - lo), readonly, depth + 1);
}

static void render_alias(FlatBuilder *b, MemRegion *mr, uint64_t lo, uint64_t hi, hwaddr abs,
                         bool readonly, int depth)
{
    MemRegion *t = mr->alias;
    uint64_t tlo, thi;

    if (!t || t->size == 0 || lo > UINT64_MAX - mr->alias_offset)
        return;
    tlo = lo + mr->alias_offset;
    thi = MIN(add_sat(hi, mr->alias_offset), mr_last_offset(t));
    if (tlo > thi)
        return;
    render(b, t, tlo, thi, abs, readonly, depth + 1);
}

/* Render the window [lo, hi] of mr (its own offsets, within its extent)
 * at absolute address abs. */
static void render(FlatBuilder *b, MemRegion *mr, uint64_t lo, uint64_t hi, hwaddr abs,
                   bool readonly, int depth)
{
    unsigned i;

    assert(depth < MEM_MAX_DEPTH && "memory region loop");
    if (!mr->enabled)
        return;
    readonly = readonly || mr->readonly;
    if (mr->type == MR_ALIAS) {
        render_alias(b, mr, lo, hi, abs, readonly, depth);
        return;
    }
    for (i = 0; i < mr->nr_subregions; i++)
        render_child(b, mr->subregions[i], lo, hi, abs, readonly, depth);
    if (mr->type != MR_CONTAINER)
        fb_fill(b, abs, abs + (hi - lo), mr, lo, readonly || mr->type == MR_ROM);
}

static bool fr_mergeable(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->readonly == b->readonly && a->last + 1 == b->start &&
           a->offset + (a->last - a->start) + 1 == b->offset;
}

static void fb_merge(FlatBuilder *b)
{
    unsigned i, n = 0;

    for (i = 0; i < b->nr; i++) {
        if (n > 0 && fr_mergeable(&b->r[n - 1], &b->r[i]))
            b->r[n - 1].last = b->r[i].last;
        else
            b->r[n++] = b->r[i];
    }
    b->nr = n;
    for (i = 0; i < n; i++) {
        uint64_t sz = b->r[i].last - b->r[i].start + 1;
        b->r[i].size = sz ? sz : UINT64_MAX;
    }
}

void flatview_render(MemRegion *root, FlatView *out)
{
    FlatBuilder b = { NULL, 0, 0 };

    if (root && root->size)
        render(&b, root, 0, mr_last_offset(root), 0, false, 0);
    fb_merge(&b);
    out->ranges = b.r;
    out->nr = b.nr;
}

void flatview_free(FlatView *view)
{
    free(view->ranges);
    view->ranges = NULL;
    view->nr = 0;
}
