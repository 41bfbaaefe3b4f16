/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of mem/: flattening, dispatch, IoOps rules, ROM, code hook.
 *
 * Builds region trees by hand and checks the flat views range by range, then
 * compares random nested trees against a reference resolver that walks the
 * tree address by address. Dispatch tests use recording MMIO devices to see
 * exactly which callbacks the core issues. Output is TAP.
 */
#include <inttypes.h>
#include <unistd.h>

#include "kemu/log.h"
#include "kemu/memory.h"
#include "tap.h"

#define OK_EQ(a, b, desc)                                                                          \
    do {                                                                                           \
        uint64_t a_ = (a), b_ = (b);                                                               \
        ok(a_ == b_, "%s (got 0x%" PRIx64 ", want 0x%" PRIx64 ")", desc, a_, b_);                  \
    } while (0)

/* Check range i of as: [start, last] -> mr @ offset. */
static void check_range(AddressSpace *as, unsigned i, hwaddr start, hwaddr last, MemRegion *mr,
                        hwaddr offset, const char *desc)
{
    const FlatRange *fr = i < as->view.nr ? &as->view.ranges[i] : NULL;

    ok(fr && fr->start == start && fr->last == last && fr->mr == mr && fr->offset == offset,
       "%s: range %u = [0x%" PRIx64 ", 0x%" PRIx64 "] %s @0x%" PRIx64, desc, i, start, last,
       mr->name, offset);
    if (fr && !(fr->start == start && fr->last == last && fr->mr == mr && fr->offset == offset))
        printf("#   got [0x%" PRIx64 ", 0x%" PRIx64 "] %s @0x%" PRIx64 "\n", fr->start,
               fr->last, fr->mr->name, fr->offset);
}

/* ---- A recording MMIO device ---- */

typedef struct Call {
    bool write;
    hwaddr addr;
    unsigned size;
    uint64_t val;
} Call;

typedef struct TestDev {
    uint8_t regs[64]; /* backing bytes, little-endian */
    Call calls[64];
    unsigned nr_calls;
} TestDev;

static uint64_t tdev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *s = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)s->regs[(addr + i) % sizeof(s->regs)] << (i * 8);
    if (s->nr_calls < ARRAY_SIZE(s->calls))
        s->calls[s->nr_calls++] = (Call){ false, addr, size, v };
    return v;
}

static void tdev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestDev *s = opaque;

    for (unsigned i = 0; i < size; i++)
        s->regs[(addr + i) % sizeof(s->regs)] = val >> (i * 8);
    if (s->nr_calls < ARRAY_SIZE(s->calls))
        s->calls[s->nr_calls++] = (Call){ true, addr, size, val };
}

static void tdev_reset(TestDev *s)
{
    for (unsigned i = 0; i < sizeof(s->regs); i++)
        s->regs[i] = 0x10 + i;
    s->nr_calls = 0;
}

static bool call_is(const TestDev *s, unsigned i, bool write, hwaddr addr, unsigned size,
                    uint64_t val)
{
    return i < s->nr_calls && s->calls[i].write == write && s->calls[i].addr == addr &&
           s->calls[i].size == size && s->calls[i].val == val;
}

static const IoOps ops_plain = { .read = tdev_read, .write = tdev_write };

/* ---- Flattening by hand ---- */

static void test_priorities(void)
{
    MemRegion root, a, b, c, d;
    AddressSpace as;

    mr_init_container(&root, "root", 0x10000);
    as_init(&as, &root, "t-prio");
    ok(as.view.nr == 0, "empty container renders nothing");
    mr_init_io(&a, "a", 0x1000, &ops_plain, NULL);
    mr_init_io(&b, "b", 0x100, &ops_plain, NULL);
    mr_init_io(&c, "c", 0x800, &ops_plain, NULL);
    mr_init_io(&d, "d", 0x10, &ops_plain, NULL);

    mr_add_subregion(&root, 0, &a);
    mr_add_subregion_overlap(&root, 0x800, &b, 1);
    ok(as.view.nr == 3, "higher priority splits lower: 3 ranges (got %u)", as.view.nr);
    check_range(&as, 0, 0, 0x7ff, &a, 0, "prio");
    check_range(&as, 1, 0x800, 0x8ff, &b, 0, "prio");
    check_range(&as, 2, 0x900, 0xfff, &a, 0x900, "prio");

    /* equal priority: the later one wins, but b (prio 1) still beats it */
    mr_add_subregion(&root, 0x400, &c);
    ok(as.view.nr == 5, "equal priority later wins: 5 ranges (got %u)", as.view.nr);
    check_range(&as, 0, 0, 0x3ff, &a, 0, "equal");
    check_range(&as, 1, 0x400, 0x7ff, &c, 0, "equal");
    check_range(&as, 2, 0x800, 0x8ff, &b, 0, "equal");
    check_range(&as, 3, 0x900, 0xbff, &c, 0x500, "equal");
    check_range(&as, 4, 0xc00, 0xfff, &a, 0xc00, "equal");
    /* a lower priority region added last loses everywhere it overlaps */
    mr_add_subregion_overlap(&root, 0xff8, &d, -1);
    check_range(&as, 4, 0xc00, 0xfff, &a, 0xc00, "low prio");
    check_range(&as, 5, 0x1000, 0x1007, &d, 8, "low prio visible past a");
    ok(as.view.nr == 6, "6 ranges (got %u)", as.view.nr);

    /* disabling b lets c through; disabling c merges a back */
    mr_set_enabled(&b, false);
    check_range(&as, 1, 0x400, 0xbff, &c, 0, "b disabled");
    mr_set_enabled(&c, false);
    check_range(&as, 0, 0, 0xfff, &a, 0, "b,c disabled: a merged");
    ok(as.view.nr == 2, "2 ranges after disable (got %u)", as.view.nr);
    mr_set_enabled(&b, true);
    mr_set_enabled(&c, true);
    ok(as.view.nr == 6, "re-enabled: 6 ranges again (got %u)", as.view.nr);

    /* set_address moves b */
    mr_set_address(&b, 0x2000);
    check_range(&as, 1, 0x400, 0xbff, &c, 0, "b moved away");
    ok(as_lookup(&as, 0x2080) && as_lookup(&as, 0x2080)->mr == &b, "b found at new place");
    ok(as_lookup(&as, 0x1800) == NULL, "hole between is unassigned");
    mr_del_subregion(&root, &c);
    ok(c.parent == NULL, "deleted region has no parent");
    check_range(&as, 0, 0, 0xfff, &a, 0, "c deleted");
    /* a child beyond the container end is clipped */
    mr_set_address(&b, 0xfff8);
    ok(as_lookup(&as, 0xffff) && as_lookup(&as, 0xffff)->last == 0xffff,
       "child clipped at container end");

    as_destroy(&as);
    mr_destroy(&a);
    mr_destroy(&b);
    mr_destroy(&c);
    mr_destroy(&d);
    mr_destroy(&root);
}

static void test_nested_and_alias(void)
{
    MemRegion root, sub, low, hi, ram, al, al2, box, k1, k2, boxal;
    AddressSpace as;
    const FlatRange *fr;

    mr_init_container(&root, "root", 0x100000);
    as_init(&as, &root, "t-nest");
    mr_init_io(&hi, "hi", 0x1000, &ops_plain, NULL);
    mr_add_subregion_overlap(&root, 0x2000, &hi, 1);
    /* a container at prio 2 holding a child of prio -5: priorities are local */
    mr_init_container(&sub, "sub", 0x1000);
    mr_init_io(&low, "low", 0x100, &ops_plain, NULL);
    mr_add_subregion_overlap(&sub, 0x80, &low, -5);
    mr_add_subregion_overlap(&root, 0x2000, &sub, 2);
    check_range(&as, 0, 0x2000, 0x207f, &hi, 0, "nested");
    check_range(&as, 1, 0x2080, 0x217f, &low, 0, "nested: container prio wins");
    check_range(&as, 2, 0x2180, 0x2fff, &hi, 0x180, "nested");

    /* alias with offset onto RAM */
    mr_init_ram(&ram, "ram", 0x10000);
    mr_init_alias(&al, "al", &ram, 0x100, 0x200);
    mr_add_subregion(&root, 0x5000, &al);
    fr = as_lookup(&as, 0x5010);
    ok(fr && fr->mr == &ram && fr->offset == 0x100 && fr->start == 0x5000 && fr->last == 0x51ff,
       "alias maps its window of the target");
    /* nested alias: window of the alias */
    mr_init_alias(&al2, "al2", &al, 0x80, 0x1000);
    mr_add_subregion(&root, 0x6000, &al2);
    fr = as_lookup(&as, 0x6000);
    ok(fr && fr->mr == &ram && fr->offset == 0x180 && fr->last == 0x617f,
       "alias of alias: offsets add, clipped to the inner window");
    ok(as_lookup(&as, 0x6180) == NULL, "beyond the inner alias window is unassigned");
    mr_set_alias_offset(&al, 0x1000);
    fr = as_lookup(&as, 0x6000);
    ok(fr && fr->offset == 0x1080, "set_alias_offset rebuilds (offset 0x%" PRIx64 ")",
       fr ? fr->offset : 0);

    /* alias of a container that is in no address space */
    mr_init_container(&box, "box", 0x1000);
    mr_init_io(&k1, "k1", 0x100, &ops_plain, NULL);
    mr_init_io(&k2, "k2", 0x100, &ops_plain, NULL);
    mr_add_subregion(&box, 0, &k1);
    mr_add_subregion(&box, 0x100, &k2);
    mr_init_alias(&boxal, "boxal", &box, 0x80, 0x100);
    mr_add_subregion(&root, 0x8000, &boxal);
    check_range(&as, 5, 0x8000, 0x807f, &k1, 0x80, "alias of container");
    check_range(&as, 6, 0x8080, 0x80ff, &k2, 0, "alias of container");
    /* editing the target (outside the tree) rebuilds the view through the alias */
    uint64_t gen = as.generation;
    mr_set_address(&k2, 0x200);
    ok(as.generation == gen + 1, "edit of alias target bumps generation");
    ok(as_lookup(&as, 0x8080) == NULL, "moved child leaves a hole in the window");
    mr_set_enabled(&box, false);
    ok(as_lookup(&as, 0x8000) == NULL, "disabled alias target is invisible");
    mr_set_enabled(&box, true);
    mr_set_enabled(&boxal, false);
    ok(as_lookup(&as, 0x8000) == NULL, "disabled alias is invisible");

    /* edits on a detached container take effect when it is added */
    MemRegion det, dk;
    mr_init_container(&det, "det", 0x100);
    mr_init_io(&dk, "dk", 0x10, &ops_plain, NULL);
    gen = as.generation;
    mr_add_subregion(&det, 0x20, &dk);
    ok(as.generation == gen, "edit outside the tree does not rebuild");
    mr_add_subregion(&root, 0x9000, &det);
    fr = as_lookup(&as, 0x9025);
    ok(fr && fr->mr == &dk && fr->start == 0x9020, "detached subtree appears when added");

    as_destroy(&as);
    MemRegion *all[] = { &dk, &det, &boxal, &k1, &k2, &box, &al2, &al, &ram, &low, &sub, &hi,
                         &root };
    for (unsigned i = 0; i < ARRAY_SIZE(all); i++)
        mr_destroy(all[i]);
}

static void test_whole_space(void)
{
    MemRegion root, bg, top, mid;
    AddressSpace as;
    const FlatRange *fr;

    mr_init_container(&root, "root", UINT64_MAX);
    as_init(&as, &root, "t-2^64");
    mr_init_io(&bg, "bg", UINT64_MAX, &ops_plain, NULL);
    mr_add_subregion_overlap(&root, 0, &bg, -1);
    ok(as.view.nr == 1, "2^64 background: one range");
    fr = as_lookup(&as, UINT64_MAX);
    ok(fr && fr->start == 0 && fr->last == UINT64_MAX && fr->size == UINT64_MAX,
       "whole-space range: last 2^64-1, size saturated");
    mr_init_io(&top, "top", 0x1000, &ops_plain, NULL);
    mr_add_subregion(&root, 0xfffffffffffff000ULL, &top);
    mr_init_io(&mid, "mid", 0x10, &ops_plain, NULL);
    mr_add_subregion(&root, 0x100000000ULL, &mid);
    ok(as.view.nr == 4, "4 ranges (got %u)", as.view.nr);
    check_range(&as, 0, 0, 0xffffffff, &bg, 0, "2^64");
    check_range(&as, 1, 0x100000000ULL, 0x10000000fULL, &mid, 0, "2^64");
    check_range(&as, 2, 0x100000010ULL, 0xffffffffffffefffULL, &bg, 0x100000010ULL, "2^64");
    check_range(&as, 3, 0xfffffffffffff000ULL, UINT64_MAX, &top, 0, "2^64 top");
    ok(as.view.ranges[3].size == 0x1000, "top range size 0x1000");
    /* a region straddling the top of the space is clipped there */
    mr_set_address(&top, 0xfffffffffffffff8ULL);
    fr = as_lookup(&as, UINT64_MAX);
    ok(fr && fr->mr == &top && fr->start == 0xfffffffffffffff8ULL && fr->last == UINT64_MAX,
       "straddling the top is clipped");
    as_destroy(&as);
    mr_destroy(&mid);
    mr_destroy(&top);
    mr_destroy(&bg);
    mr_destroy(&root);
}

/* ---- Random trees against a reference resolver ---- */

#define RND_SPACE 512
#define RND_NODES 24

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

/* Which terminal region and offset does local offset off of mr resolve to? */
static MemRegion *ref_resolve(MemRegion *mr, uint64_t off, uint64_t *out_off)
{
    if (!mr->enabled || off >= mr->size)
        return NULL;
    if (mr->type == MR_ALIAS)
        return ref_resolve(mr->alias, off + mr->alias_offset, out_off);
    for (unsigned i = 0; i < mr->nr_subregions; i++) {
        /* subregions[] is kept in rendering order; recheck that order here */
        MemRegion *c = mr->subregions[i];
        if (off >= c->addr) {
            MemRegion *r = ref_resolve(c, off - c->addr, out_off);
            if (r)
                return r;
        }
    }
    if (mr->type == MR_CONTAINER)
        return NULL;
    *out_off = off;
    return mr;
}

static bool subregions_ordered(const MemRegion *mr)
{
    for (unsigned i = 1; i < mr->nr_subregions; i++) {
        const MemRegion *a = mr->subregions[i - 1], *b = mr->subregions[i];
        if (a->priority < b->priority || (a->priority == b->priority && a->seq < b->seq))
            return false;
    }
    return true;
}

static void test_random_trees(void)
{
    static MemRegion nodes[RND_NODES], root;
    AddressSpace as;
    unsigned round, bad_total = 0, order_bad = 0;

    for (round = 0; round < 200; round++) {
        unsigned n_cont = 0, i, a, bad = 0;
        MemRegion *cont[RND_NODES + 1];

        unsigned kind[RND_NODES], later;

        mr_init_container(&root, "root", RND_SPACE);
        as_init(&as, &root, "t-rand");
        cont[n_cont++] = &root;
        mem_transaction_begin();
        /* Every edge (parent to child, alias to target) goes from a lower
         * to a higher node index, so the graph has no cycle: a child's parent
         * is root or an earlier container, an alias targets a later one. */
        for (i = 0; i < RND_NODES; i++)
            kind[i] = rnd(4);
        for (i = RND_NODES; i-- > 0;) {
            MemRegion *mr = &nodes[i];
            uint64_t size = 1 + rnd(RND_SPACE / 2);
            char name[16];
            snprintf(name, sizeof(name), "n%u", i);
            for (later = i + 1; later < RND_NODES && kind[later] != 0; later++)
                ;
            if (kind[i] == 1 && later < RND_NODES) {
                unsigned t = later + rnd(RND_NODES - later);
                while (kind[t] != 0)
                    t--;
                mr_init_alias(mr, name, &nodes[t], rnd(RND_SPACE / 2), size);
            } else if (kind[i] == 0) {
                mr_init_container(mr, name, size);
            } else {
                kind[i] = 2;
                mr_init_io(mr, name, size, &ops_plain, NULL);
            }
        }
        for (i = 0; i < RND_NODES; i++) {
            if (kind[i] == 0)
                cont[n_cont++] = &nodes[i];
        }
        for (i = 0; i < RND_NODES; i++) {
            MemRegion *parent;
            do {
                parent = cont[rnd(n_cont)];
            } while (parent == &nodes[i] || (parent != &root && parent >= &nodes[i]));
            mr_add_subregion_overlap(parent, rnd(RND_SPACE), &nodes[i], (int)rnd(3) - 1);
            if (rnd(8) == 0)
                mr_set_enabled(&nodes[i], false);
        }
        mem_transaction_commit();
        for (i = 0; i < n_cont; i++)
            order_bad += !subregions_ordered(cont[i]);
        for (a = 0; a < RND_SPACE; a++) {
            uint64_t off = 0;
            MemRegion *want = ref_resolve(&root, a, &off);
            const FlatRange *fr = as_lookup(&as, a);
            MemRegion *got = fr ? fr->mr : NULL;
            uint64_t goff = fr ? fr->offset + (a - fr->start) : 0;
            if (got != want || (want && goff != off))
                bad++;
        }
        /* ranges sorted, non-overlapping, and adjacent mergeable ones merged */
        for (i = 1; i < as.view.nr; i++) {
            const FlatRange *p = &as.view.ranges[i - 1], *q = &as.view.ranges[i];
            if (p->last >= q->start)
                bad++;
            if (p->mr == q->mr && p->last + 1 == q->start &&
                p->offset + p->size == q->offset && p->readonly == q->readonly)
                bad++;
        }
        if (bad && !bad_total)
            printf("# round %u: %u mismatches\n", round, bad);
        bad_total += bad;
        as_destroy(&as);
        for (i = RND_NODES; i-- > 0;)
            mr_destroy(&nodes[i]);
        mr_destroy(&root);
    }
    ok(order_bad == 0, "subregions kept in priority/insertion order");
    ok(bad_total == 0, "200 random nested trees match the reference resolver (%u bad)",
       bad_total);
}

/* ---- Dispatch ---- */

static void test_ram_rw(void)
{
    MemRegion root, r1, r2;
    AddressSpace as;
    uint8_t buf[64], out[64];
    MemTxResult res;

    mr_init_container(&root, "root", 0x10000);
    as_init(&as, &root, "t-ram");
    mr_init_ram(&r1, "r1", 0x1000);
    mr_init_ram(&r2, "r2", 0x1000);
    mr_add_subregion(&root, 0x1000, &r1);
    mr_add_subregion(&root, 0x2000, &r2);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = i + 1;
    res = as_write(&as, 0x1ff0, buf, 32);
    ok(res == MEMTX_OK, "write across two RAM regions is OK");
    ok(r1.ram[0xff0] == 1 && r1.ram[0xfff] == 16 && r2.ram[0] == 17 && r2.ram[15] == 32,
       "bytes landed in both regions");
    memset(out, 0, sizeof(out));
    ok(as_read(&as, 0x1ff0, out, 32) == MEMTX_OK && !memcmp(out, buf, 32),
       "read back across regions");
    OK_EQ(as_ldl(&as, 0x1ffe), 0x1211100fu, "as_ldl straddling two RAM regions");
    as_stq(&as, 0x1ffc, 0x8877665544332211ULL);
    OK_EQ(ldl_le(&r1.ram[0xffc]), 0x44332211u, "as_stq straddle: low half");
    OK_EQ(ldl_le(&r2.ram[0]), 0x88776655u, "as_stq straddle: high half");
    OK_EQ(as_ldq(&as, 0x1ffc), 0x8877665544332211ULL, "as_ldq straddle read back");
    OK_EQ(as_lduw(&as, 0x1000), 0, "fresh RAM is zero");

    /* unassigned bytes */
    memset(out, 0, sizeof(out));
    res = as_read(&as, 0x2ff8, out, 16);
    ok(res == MEMTX_UNASSIGNED, "read running into a hole is MEMTX_UNASSIGNED");
    ok(out[7] == r2.ram[0xfff] && out[8] == 0xff && out[15] == 0xff,
       "RAM bytes then 0xff bytes");
    OK_EQ(as_ld(&as, 0x5000, 4, &res), 0xffffffffu, "as_ld of a hole is all ones");
    ok(res == MEMTX_UNASSIGNED, "as_ld of a hole is MEMTX_UNASSIGNED");
    OK_EQ(as_ld(&as, 0x5000, 8, &res), UINT64_MAX, "8-byte hole read is all ones");
    r2.ram[0xffe] = 0x34;
    r2.ram[0xfff] = 0x12;
    OK_EQ(as_ld(&as, 0x2ffe, 4, &res), 0xffff1234u, "as_ld half RAM half hole");
    ok(res == MEMTX_UNASSIGNED, "partial hole is still MEMTX_UNASSIGNED");
    as_st(&as, 0x5000, 0x1234, 2, &res);
    ok(res == MEMTX_UNASSIGNED, "as_st to a hole is MEMTX_UNASSIGNED");
    ok(as_write(&as, 0x0, buf, 4) == MEMTX_UNASSIGNED, "as_write to a hole");
    /* reads past the end of the space wrap byte by byte */
    OK_EQ(as_ld(&as, UINT64_MAX, 2, &res), 0xffff, "as_ld wrapping the top of the space");

    as_destroy(&as);
    mr_destroy(&r2);
    mr_destroy(&r1);
    mr_destroy(&root);
}

static void test_rom(void)
{
    MemRegion root, rom, ram;
    AddressSpace as;
    uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];

    mr_init_container(&root, "root", 0x100000);
    as_init(&as, &root, "t-rom");
    mr_init_rom(&rom, "rom", 0x1000);
    mr_init_ram(&ram, "ram", 0x1000);
    mr_add_subregion(&root, 0xf0000, &rom);
    mr_add_subregion(&root, 0x0, &ram);
    ok(as_lookup(&as, 0xf0000)->readonly, "ROM range is readonly");
    ok(as_write(&as, 0xf0000, data, 8) == MEMTX_OK, "guest write to ROM completes");
    OK_EQ(rom.ram[0], 0, "ROM unchanged by as_write");
    as_stl(&as, 0xf0004, 0xdeadbeef);
    OK_EQ(ldl_le(&rom.ram[4]), 0, "ROM unchanged by as_stl");
    ok(as_write_rom(&as, 0xf0000, data, 8) == MEMTX_OK, "as_write_rom");
    ok(as_read(&as, 0xf0000, out, 8) == MEMTX_OK && !memcmp(out, data, 8),
       "as_write_rom filled the ROM");
    /* readonly RAM (PAM-style) */
    mr_set_readonly(&ram, true);
    as_stb(&as, 0x10, 0x55);
    OK_EQ(ram.ram[0x10], 0, "readonly RAM drops writes");
    ok(as_write_rom(&as, 0x10, data, 1) == MEMTX_OK && ram.ram[0x10] == 1,
       "as_write_rom writes readonly RAM");
    mr_set_readonly(&ram, false);
    as_stb(&as, 0x10, 0x55);
    OK_EQ(ram.ram[0x10], 0x55, "writable again after mr_set_readonly(false)");
    /* a readonly alias makes the window readonly, not the target */
    MemRegion al;
    mr_init_alias(&al, "ro-alias", &ram, 0, 0x100);
    mr_set_readonly(&al, true);
    mr_add_subregion(&root, 0x10000, &al);
    as_stb(&as, 0x10010, 0x66);
    OK_EQ(ram.ram[0x10], 0x55, "write through readonly alias dropped");
    as_stb(&as, 0x10, 0x77);
    OK_EQ(as_ldub(&as, 0x10010), 0x77, "readonly alias still reads the target");
    ok(as_write_rom(&as, 0x50000, data, 1) == MEMTX_UNASSIGNED, "as_write_rom into a hole");

    as_destroy(&as);
    mr_destroy(&al);
    mr_destroy(&ram);
    mr_destroy(&rom);
    mr_destroy(&root);
}

static void test_io_split(void)
{
    static const IoOps ops_byte = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .min_access_size = 1, .max_access_size = 8 },
        .impl = { .min_access_size = 1, .max_access_size = 1 },
    };
    MemRegion root, io;
    AddressSpace as;
    TestDev s;
    MemTxResult res;
    bool calls_ok = true;

    mr_init_container(&root, "root", 0x10000);
    as_init(&as, &root, "t-split");
    mr_init_io(&io, "bytedev", 0x40, &ops_byte, &s);
    mr_add_subregion(&root, 0x1000, &io);
    tdev_reset(&s);
    OK_EQ(as_ld(&as, 0x1008, 8, &res), 0x1f1e1d1c1b1a1918ULL,
          "8-byte read of impl.max=1 device assembled little-endian");
    ok(res == MEMTX_OK, "split read OK");
    ok(s.nr_calls == 8, "8 callbacks (got %u)", s.nr_calls);
    for (unsigned i = 0; i < 8; i++)
        calls_ok &= call_is(&s, i, false, 8 + i, 1, 0x18 + i);
    ok(calls_ok, "callbacks at 8..15, size 1 each, in order");
    tdev_reset(&s);
    as_st(&as, 0x1010, 0x0807060504030201ULL, 8, &res);
    calls_ok = s.nr_calls == 8;
    for (unsigned i = 0; i < 8; i++)
        calls_ok &= call_is(&s, i, true, 16 + i, 1, i + 1);
    ok(calls_ok, "8-byte write: 8 byte writes with the right values");
    ok(res == MEMTX_OK, "split write OK");
    as_destroy(&as);
    mr_destroy(&io);
    mr_destroy(&root);
}

static void test_io_widen(void)
{
    static const IoOps ops_word = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .min_access_size = 1, .max_access_size = 4 },
        .impl = { .min_access_size = 4, .max_access_size = 4 },
    };
    MemRegion io;
    TestDev s;
    MemTxResult res;

    mr_init_io(&io, "worddev", 0x40, &ops_word, &s);
    tdev_reset(&s);
    OK_EQ(mr_io_read(&io, 6, 1, &res), 0x16, "1-byte read widened: byte 6");
    ok(s.nr_calls == 1 && call_is(&s, 0, false, 4, 4, 0x17161514),
       "one aligned 4-byte read at 4");
    tdev_reset(&s);
    OK_EQ(mr_io_read(&io, 2, 2, &res), 0x1312, "2-byte read widened");
    ok(call_is(&s, 0, false, 0, 4, 0x13121110) && s.nr_calls == 1, "widened at 0");
    tdev_reset(&s);
    mr_io_write(&io, 7, 0xab, 1, &res);
    ok(res == MEMTX_OK && s.nr_calls == 2 && call_is(&s, 0, false, 4, 4, 0x17161514) &&
           call_is(&s, 1, true, 4, 4, 0xab161514),
       "1-byte write: read-modify-write of the aligned word");
    tdev_reset(&s);
    /* valid.unaligned is false: 2 bytes at 3 is rejected */
    OK_EQ(mr_io_read(&io, 3, 2, &res), 0xffff, "unaligned read rejected: all ones");
    ok(res == MEMTX_ERROR && s.nr_calls == 0, "MEMTX_ERROR and no callback");
    mr_destroy(&io);
}

static void test_io_valid(void)
{
    static const IoOps ops_16 = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .min_access_size = 2, .max_access_size = 2 },
    };
    static const IoOps ops_unal = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
        .impl = { .min_access_size = 1, .max_access_size = 4 },
    };
    static const IoOps ops_wide = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .max_access_size = 8 },
        .impl = { .max_access_size = 4 },
    };
    MemRegion io, io2, io3;
    TestDev s;
    MemTxResult res;

    mr_init_io(&io, "dev16", 0x40, &ops_16, &s);
    tdev_reset(&s);
    OK_EQ(mr_io_read(&io, 0, 4, &res), 0xffffffffu, "too wide read: all ones");
    ok(res == MEMTX_ERROR && s.nr_calls == 0, "too wide: MEMTX_ERROR, no callback");
    OK_EQ(mr_io_read(&io, 0, 1, &res), 0xff, "too narrow read: 0xff");
    ok(res == MEMTX_ERROR, "too narrow: MEMTX_ERROR");
    mr_io_write(&io, 0, 0x1234, 8, &res);
    ok(res == MEMTX_ERROR && s.nr_calls == 0, "invalid write dropped");
    OK_EQ(mr_io_read(&io, 2, 2, &res), 0x1312, "valid 2-byte read passes");
    ok(res == MEMTX_OK && s.nr_calls == 1 && call_is(&s, 0, false, 2, 2, 0x1312),
       "one callback, unchanged");
    mr_io_read(&io, 0x40, 2, &res);
    ok(res == MEMTX_ERROR, "read beyond the region is rejected");
    mr_io_read(&io, 0x3e, 2, &res);
    ok(res == MEMTX_OK, "last word of the region is fine");

    /* valid.unaligned, impl aligned: split into aligned pieces */
    mr_init_io(&io2, "unal", 0x40, &ops_unal, &s);
    tdev_reset(&s);
    OK_EQ(mr_io_read(&io2, 1, 4, &res), 0x14131211, "unaligned 4-byte read assembled");
    ok(s.nr_calls == 3 && call_is(&s, 0, false, 1, 1, 0x11) &&
           call_is(&s, 1, false, 2, 2, 0x1312) && call_is(&s, 2, false, 4, 1, 0x14),
       "split as 1@1, 2@2, 1@4");
    tdev_reset(&s);
    mr_io_write(&io2, 3, 0xa1a2a3a4, 4, &res);
    ok(res == MEMTX_OK && s.nr_calls == 3 && call_is(&s, 0, true, 3, 1, 0xa4) &&
           call_is(&s, 1, true, 4, 2, 0xa2a3) && call_is(&s, 2, true, 6, 1, 0xa1),
       "unaligned write split 1@3, 2@4, 1@6");

    /* defaults: impl.min from valid.min (1); 8 bytes over impl.max 4 */
    mr_init_io(&io3, "wide", 0x40, &ops_wide, &s);
    tdev_reset(&s);
    OK_EQ(mr_io_read(&io3, 8, 8, &res), 0x1f1e1d1c1b1a1918ULL, "8 over impl.max 4");
    ok(s.nr_calls == 2 && call_is(&s, 0, false, 8, 4, 0x1b1a1918) &&
           call_is(&s, 1, false, 12, 4, 0x1f1e1d1c),
       "two 4-byte calls at 8 and 12");
    mr_destroy(&io3);
    mr_destroy(&io2);
    mr_destroy(&io);
}

static void test_io_block(void)
{
    static const IoOps ops_4 = {
        .read = tdev_read, .write = tdev_write,
        .valid = { .min_access_size = 1, .max_access_size = 4 },
    };
    MemRegion root, io, ram;
    AddressSpace as;
    TestDev s;
    uint8_t out[20];

    mr_init_container(&root, "root", 0x10000);
    as_init(&as, &root, "t-ioblk");
    mr_init_io(&io, "dev", 0x10, &ops_4, &s);
    mr_init_ram(&ram, "ram", 0x100);
    mr_add_subregion(&root, 0x100, &io);
    mr_add_subregion(&root, 0x110, &ram);
    memset(ram.ram, 0x77, 0x100);
    tdev_reset(&s);
    ok(as_read(&as, 0x102, out, 18) == MEMTX_OK, "as_read over MMIO then RAM");
    ok(s.nr_calls == 4 && call_is(&s, 0, false, 2, 2, 0x1312) &&
           call_is(&s, 1, false, 4, 4, 0x17161514) && call_is(&s, 3, false, 12, 4, 0x1f1e1d1c),
       "MMIO part in the largest aligned accesses (2@2, 4@4, 4@8, 4@12)");
    ok(out[0] == 0x12 && out[13] == 0x1f && out[14] == 0x77 && out[17] == 0x77,
       "MMIO bytes followed by RAM bytes");
    as_destroy(&as);
    mr_destroy(&ram);
    mr_destroy(&io);
    mr_destroy(&root);
}

/* ---- Code hook, generations, big RAM, system spaces ---- */

static struct {
    MemRegion *mr;
    hwaddr off;
    uint64_t len;
    unsigned n;
} hook_log[8];
static unsigned hook_n;

static void code_hook(MemRegion *mr, hwaddr offset, uint64_t len)
{
    if (hook_n < ARRAY_SIZE(hook_log)) {
        hook_log[hook_n].mr = mr;
        hook_log[hook_n].off = offset;
        hook_log[hook_n].len = len;
        /* the hook runs before the write: the old byte is still there */
        hook_log[hook_n].n = mr->ram[offset];
    }
    hook_n++;
    mr->code_bitmap[offset >> MEM_CODE_PAGE_BITS] = 0;
}

static void test_code_hook(void)
{
    MemRegion root, ram;
    AddressSpace as;
    static uint8_t buf[0x3000];

    mr_init_container(&root, "root", 0x100000);
    as_init(&as, &root, "t-code");
    mr_init_ram(&ram, "ram", 0x10000);
    mr_add_subregion(&root, 0x10000, &ram);
    ok(ram.code_bitmap != NULL, "RAM has a code bitmap");
    mem_code_write_hook = code_hook;
    hook_n = 0;
    as_stb(&as, 0x10000, 1);
    ok(hook_n == 0, "no hook without a code page");
    ram.code_bitmap[1] = 1;
    ram.ram[0x1000] = 0x5a;
    memset(buf, 0xcc, sizeof(buf));
    as_write(&as, 0x10800, buf, 0x2000); /* pages 0, 1, 2 */
    ok(hook_n == 1 && hook_log[0].mr == &ram && hook_log[0].off == 0x1000 &&
           hook_log[0].len == 0x1000,
       "as_write: hook once for page 1 with its part of the write");
    ok(hook_log[0].n == 0x5a, "hook ran before the write");
    ram.code_bitmap[3] = 1;
    hook_n = 0;
    as_stl(&as, 0x12ffe, 0x11223344);
    ok(hook_n == 1 && hook_log[0].off == 0x3000 && hook_log[0].len == 2,
       "as_stl straddling into a code page: hook for the 2 bytes in it");
    hook_n = 0;
    as_stl(&as, 0x12ffe, 0x11223344);
    ok(hook_n == 0, "hook cleared the bitmap: no second call");
    ram.code_bitmap[5] = 1;
    as_write_rom(&as, 0x15000, buf, 4);
    ok(hook_n == 1 && hook_log[0].off == 0x5000, "as_write_rom calls the hook too");
    mem_code_write_hook = NULL;
    ram.code_bitmap[4] = 1;
    as_stb(&as, 0x14000, 9);
    OK_EQ(ram.ram[0x4000], 9, "NULL hook: write still lands");
    as_destroy(&as);
    mr_destroy(&ram);
    mr_destroy(&root);
}

static unsigned listener_calls;
static AddressSpace *listener_as;

static void listener(void *opaque, AddressSpace *as)
{
    listener_calls += *(unsigned *)opaque;
    listener_as = as;
}

static void test_generation(void)
{
    MemRegion root, a, b, other;
    AddressSpace as, as2;
    static unsigned one = 1;
    uint64_t gen;

    mr_init_container(&root, "root", 0x10000);
    mr_init_container(&other, "other", 0x10000);
    as_init(&as, &root, "t-gen");
    as_init(&as2, &other, "t-gen2");
    as_add_listener(&as, listener, &one);
    mr_init_io(&a, "a", 0x100, &ops_plain, NULL);
    mr_init_io(&b, "b", 0x100, &ops_plain, NULL);
    gen = as.generation;
    listener_calls = 0;
    mr_add_subregion(&root, 0, &a);
    ok(as.generation == gen + 1 && listener_calls == 1 && listener_as == &as,
       "edit: generation +1, listener called with its address space");
    gen = as2.generation;
    mr_set_address(&a, 0x10);
    ok(as2.generation == gen, "unrelated address space not rebuilt");
    gen = as.generation;
    listener_calls = 0;
    mem_transaction_begin();
    mr_add_subregion(&root, 0x1000, &b);
    mem_transaction_begin();
    mr_set_address(&a, 0x2000);
    mem_transaction_commit();
    ok(as.generation == gen && listener_calls == 0 && as_lookup(&as, 0x1000) == NULL,
       "inside a transaction nothing is rebuilt");
    mem_transaction_commit();
    ok(as.generation == gen + 1 && listener_calls == 1, "one rebuild at the outermost commit");
    ok(as_lookup(&as, 0x1000)->mr == &b && as_lookup(&as, 0x2000)->mr == &a,
       "both edits visible after commit");
    mr_set_address(&a, 0x2000);
    ok(as.generation == gen + 1, "no-op edit does not rebuild");
    ok(as_nth(0) != NULL, "as_nth(0) exists");
    as_destroy(&as2);
    as_destroy(&as);
    mr_destroy(&b);
    mr_destroy(&a);
    mr_destroy(&other);
    mr_destroy(&root);
}

static void test_big_ram(void)
{
    MemRegion root, ram;
    AddressSpace as;
    const uint64_t size = 6 * GiB;

    mr_init_container(&root, "root", UINT64_MAX);
    as_init(&as, &root, "t-big");
    mr_init_ram(&ram, "big", size);
    ok(ram.ram != NULL, "6 GiB RAM mapped");
    mr_add_subregion(&root, 0, &ram);
    as_stq(&as, 0x160000000ULL, 0x0123456789abcdefULL);
    OK_EQ(as_ldq(&as, 0x160000000ULL), 0x0123456789abcdefULL, "access at 5.5 GiB");
    as_stl(&as, size - 4, 0xcafef00d);
    OK_EQ(as_ldl(&as, size - 4), 0xcafef00d, "last word of 6 GiB");
    OK_EQ(as_ldq(&as, 0x100000000ULL), 0, "untouched page above 4 GiB reads 0");
    OK_EQ(as_ldl(&as, size), 0xffffffffu, "just past the RAM is unassigned");
    ok(as.view.nr == 1 && as.view.ranges[0].size == size, "one range of 6 GiB");
    as_destroy(&as);
    mr_destroy(&ram);
    mr_destroy(&root);
}

static void test_system(void)
{
    static const IoOps ops_port = { .read = tdev_read, .write = tdev_write };
    MemRegion port;
    TestDev s;
    MemTxResult res;

    mem_system_init();
    mem_system_init();
    ok(as_memory.root == &mr_system && as_io.root == &mr_system_io, "system roots");
    ok(mr_system.size == UINT64_MAX && mr_system_io.size == 0x10000, "system sizes");
    mr_init_io(&port, "com1", 8, &ops_port, &s);
    mr_add_subregion(&mr_system_io, 0x3f8, &port);
    tdev_reset(&s);
    OK_EQ(as_ldub(&as_io, 0x3fd), 0x15, "port read reaches the device at offset 5");
    as_stb(&as_io, 0x3f8, 0x41);
    ok(call_is(&s, 1, true, 0, 1, 0x41), "port write at offset 0");
    OK_EQ(as_ld(&as_io, 0x80, 1, &res), 0xff, "unassigned port reads 0xff");
    ok(res == MEMTX_UNASSIGNED, "unassigned port: MEMTX_UNASSIGNED");
    OK_EQ(as_ld(&as_io, 0x10000, 2, &res), 0xffff, "port beyond 64 KiB is unassigned");
    OK_EQ(as_ldl(&as_memory, 0xfee00000), 0xffffffffu, "empty system memory reads all ones");

    /* dumps */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    as_dump(&as_io, f);
    as_dump_tree(&as_io, f);
    fclose(f);
    ok(strstr(text, "  00000000000003f8-00000000000003ff (prio 0, i/o): com1\n") != NULL,
       "as_dump prints the flat range like info mtree -f");
    ok(strstr(text, "AS \"I/O\", root: io") != NULL, "as_dump header");
    ok(strstr(text, "address-space: I/O\n  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
                    "    00000000000003f8-00000000000003ff (prio 0, i/o): com1\n") != NULL,
       "as_dump_tree prints the tree like info mtree");
    free(text);
    mr_del_subregion(&mr_system_io, &port);
    mr_destroy(&port);
}

static void test_guest_error_log(void)
{
    char path[] = "/tmp/kemu-test-memory-XXXXXX";
    char line[256] = "";
    MemRegion root;
    AddressSpace as;
    Error *err = NULL;
    FILE *in;
    int fd;

    mr_init_container(&root, "root", 0x10000);
    as_init(&as, &root, "t-log");
    fd = mkstemp(path);
    ok(fd >= 0, "temp log file");
    close(fd);
    ok(log_set_file(path, &err), "log_set_file");
    log_mask = LOG_GUEST_ERROR;
    as_ldl(&as, 0x1234);
    log_mask = 0;
    fflush(log_file());
    in = fopen(path, "r");
    if (in) {
        if (!fgets(line, sizeof(line), in))
            line[0] = 0;
        fclose(in);
    }
    line[strcspn(line, "\n")] = 0;
    ok(strncmp(line, "unassigned read at 0x1234", 25) == 0, "guest error logged: %s", line);
    unlink(path);
    as_destroy(&as);
    mr_destroy(&root);
}

int main(void)
{
    test_priorities();
    test_nested_and_alias();
    test_whole_space();
    test_random_trees();
    test_ram_rw();
    test_rom();
    test_io_split();
    test_io_widen();
    test_io_valid();
    test_io_block();
    test_code_hook();
    test_generation();
    test_big_ram();
    test_system();
    test_guest_error_log();
    return done_testing();
}
