/* SPDX-License-Identifier: MIT */
/*
 * Text dumps of address spaces for the monitor and for debugging.
 *
 * as_dump() prints the flat view in the format of QEMU's "info mtree -f";
 * as_dump_tree() prints the region tree as "info mtree" does: children
 * ordered by address, aliases shown with their target window, and the trees
 * of alias targets printed after the address space as "memory-region:".
 *
 * Reference: QEMU System Emulation User's Guide, monitor command "info mtree".
 */
#include <inttypes.h>

#include "kemu/memory.h"
#include "mem-internal.h"

#define ADDR_FMT "%016" PRIx64

static const char *mr_type_name(const MemRegion *mr, bool readonly)
{
    int depth = 0;

    while (mr->type == MR_ALIAS && mr->alias && depth++ < MEM_MAX_DEPTH)
        mr = mr->alias;
    if (mr->type == MR_ROM || (mr->type == MR_RAM && readonly))
        return "rom";
    if (mr->type == MR_RAM)
        return "ram";
    return "i/o";
}

void as_dump(AddressSpace *as, FILE *out)
{
    unsigned i;

    fprintf(out, "FlatView #%d\n", as_index(as));
    fprintf(out, " AS \"%s\", root: %s\n", as->name, as->root->name);
    fprintf(out, " Root memory region: %s\n", as->root->name);
    if (as->view.nr == 0)
        fprintf(out, "  No rendered FlatView\n");
    for (i = 0; i < as->view.nr; i++) {
        const FlatRange *fr = &as->view.ranges[i];
        fprintf(out, "  " ADDR_FMT "-" ADDR_FMT " (prio %d, %s): %s", fr->start, fr->last,
                fr->mr->priority, mr_type_name(fr->mr, fr->readonly), fr->mr->name);
        if (fr->offset)
            fprintf(out, " @" ADDR_FMT, fr->offset);
        fputc('\n', out);
    }
    fputc('\n', out);
}

typedef struct AliasQueue {
    const MemRegion **mr;
    unsigned nr;
} AliasQueue;

static void alias_queue_add(AliasQueue *q, const MemRegion *mr)
{
    unsigned i;

    for (i = 0; i < q->nr; i++) {
        if (q->mr[i] == mr)
            return;
    }
    q->mr = xrealloc(q->mr, (q->nr + 1) * sizeof(*q->mr));
    q->mr[q->nr++] = mr;
}

/* Children in address order; equal addresses keep rendering order. */
static const MemRegion **children_by_addr(const MemRegion *mr)
{
    const MemRegion **v = XNEW0N(const MemRegion *, mr->nr_subregions + 1);
    unsigned i, j;

    for (i = 0; i < mr->nr_subregions; i++) {
        const MemRegion *c = mr->subregions[i];
        for (j = i; j > 0 && v[j - 1]->addr > c->addr; j--)
            v[j] = v[j - 1];
        v[j] = c;
    }
    return v;
}

static void dump_mr(FILE *out, const MemRegion *mr, hwaddr base, int level, AliasQueue *q)
{
    hwaddr start = base + mr->addr;
    hwaddr last = mr->size ? add_sat(start, mr_last_offset(mr)) : start;
    const MemRegion **kids;
    unsigned i;

    if (level > MEM_MAX_DEPTH)
        return;
    fprintf(out, "%*s" ADDR_FMT "-" ADDR_FMT " (prio %d, %s): ", level * 2, "", start, last,
            mr->priority, mr_type_name(mr, mr->readonly));
    if (mr->type == MR_ALIAS && mr->alias) {
        const MemRegion *t = mr->alias;
        hwaddr tlast = mr->size ? add_sat(mr->alias_offset, mr_last_offset(mr)) : 0;
        fprintf(out, "alias %s @%s " ADDR_FMT "-" ADDR_FMT, mr->name, t->name,
                mr->alias_offset, tlast);
        alias_queue_add(q, t);
    } else {
        fputs(mr->name, out);
    }
    fputs(mr->enabled ? "\n" : " [disabled]\n", out);
    kids = children_by_addr(mr);
    for (i = 0; i < mr->nr_subregions; i++)
        dump_mr(out, kids[i], start, level + 1, q);
    free(kids);
}

void as_dump_tree(AddressSpace *as, FILE *out)
{
    AliasQueue q = { NULL, 0 };
    unsigned i;

    fprintf(out, "address-space: %s\n", as->name);
    dump_mr(out, as->root, -as->root->addr, 1, &q);
    fputc('\n', out);
    /* Aliases met while printing a target are appended and printed too. */
    for (i = 0; i < q.nr; i++) {
        fprintf(out, "memory-region: %s\n", q.mr[i]->name);
        dump_mr(out, q.mr[i], -q.mr[i]->addr, 1, &q);
        fputc('\n', out);
    }
    free(q.mr);
}
