/* SPDX-License-Identifier: MIT */
/*
 * Memory regions, the region tree and address spaces.
 *
 * Constructors for RAM/ROM (anonymous MAP_NORESERVE mappings, so a large -m
 * costs nothing until touched), MMIO, containers and aliases; the tree edits;
 * and the list of address spaces. Every edit marks the address spaces whose
 * tree reaches the edited region (through subregions and alias targets) and,
 * outside a transaction, rebuilds their flat views at once; inside one, at the
 * outermost commit. A rebuild bumps the generation and calls the listeners.
 * Flattening is in flatview.c, access dispatch in dispatch.c.
 *
 * Reference: QEMU docs/devel/memory.rst (region types, priorities, aliases,
 * transactions).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>

#include "kemu/error.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "mem-internal.h"

#define MEM_HOST_PAGE 4096ULL
/* Larger than any host can map; keeps size arithmetic far from overflow. */
#define MEM_RAM_LIMIT (1ULL << 52)

AddressSpace as_memory;
AddressSpace as_io;
MemRegion mr_system;
MemRegion mr_system_io;
void (*mem_code_write_hook)(MemRegion *mr, hwaddr offset, uint64_t len);

typedef struct AsEntry {
    AddressSpace *as;
    bool dirty; /* the view must be rebuilt at the next commit */
} AsEntry;

static AsEntry *as_list;
static unsigned as_count;
static unsigned txn_depth;
static unsigned seq_counter;

/* ---- Region constructors ---- */

static void mr_init_common(MemRegion *mr, const char *name, MemRegionType type, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = xstrdup(name ? name : "anonymous");
    mr->type = type;
    mr->size = size;
    mr->enabled = true;
}

static size_t ram_map_len(uint64_t size)
{
    return (size + MEM_HOST_PAGE - 1) & ~(MEM_HOST_PAGE - 1);
}

static uint8_t *ram_alloc(const char *name, uint64_t size)
{
    void *p;

    if (size == 0)
        return NULL;
    if (size > MEM_RAM_LIMIT) {
        error_report("cannot allocate %" PRIu64 " bytes for '%s': too large", size, name);
        exit(1);
    }
    p = mmap(NULL, ram_map_len(size), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        error_report("cannot allocate %" PRIu64 " bytes for '%s': %s", size, name,
                     strerror(errno));
        exit(1);
    }
    return p;
}

static void mr_alloc_code_bitmap(MemRegion *mr)
{
    uint64_t pages = (mr->size + (1ULL << MEM_CODE_PAGE_BITS) - 1) >> MEM_CODE_PAGE_BITS;

    mr->code_bitmap = pages ? xzalloc(pages) : NULL;
}

void mr_init_container(MemRegion *mr, const char *name, uint64_t size)
{
    mr_init_common(mr, name, MR_CONTAINER, size);
}

void mr_init_ram(MemRegion *mr, const char *name, uint64_t size)
{
    mr_init_common(mr, name, MR_RAM, size);
    mr->ram = ram_alloc(name, size);
    mr->owns_ram = mr->ram != NULL;
    mr_alloc_code_bitmap(mr);
}

void mr_init_ram_ptr(MemRegion *mr, const char *name, uint64_t size, void *ptr)
{
    assert(size <= MEM_RAM_LIMIT);
    mr_init_common(mr, name, MR_RAM, size);
    mr->ram = ptr;
    mr_alloc_code_bitmap(mr);
}

/* ROM gets a code bitmap too: as_write_rom() may replace code in it. */
void mr_init_rom(MemRegion *mr, const char *name, uint64_t size)
{
    mr_init_common(mr, name, MR_ROM, size);
    mr->ram = ram_alloc(name, size);
    mr->owns_ram = mr->ram != NULL;
    mr_alloc_code_bitmap(mr);
}

static bool access_size_ok(unsigned size)
{
    return size == 0 || size == 1 || size == 2 || size == 4 || size == 8;
}

/* The IoOps table is the device author's: a bad one is an emulator bug. */
static void io_ops_check(const IoOps *ops)
{
    assert(ops);
    assert(access_size_ok(ops->valid.min_access_size));
    assert(access_size_ok(ops->valid.max_access_size));
    assert(access_size_ok(ops->impl.min_access_size));
    assert(access_size_ok(ops->impl.max_access_size));
    assert(!ops->valid.max_access_size ||
           ops->valid.min_access_size <= ops->valid.max_access_size);
    assert(!ops->impl.max_access_size ||
           ops->impl.min_access_size <= ops->impl.max_access_size);
}

void mr_init_io(MemRegion *mr, const char *name, uint64_t size, const IoOps *ops, void *opaque)
{
    io_ops_check(ops);
    mr_init_common(mr, name, MR_IO, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void mr_init_alias(MemRegion *mr, const char *name, MemRegion *orig, hwaddr offset, uint64_t size)
{
    assert(orig && orig != mr);
    mr_init_common(mr, name, MR_ALIAS, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void mr_destroy(MemRegion *mr)
{
    unsigned i;

    for (i = 0; i < as_count; i++)
        assert(as_list[i].as->root != mr && "destroying the root of a live address space");
    if (mr->parent)
        mr_del_subregion(mr->parent, mr);
    for (i = 0; i < mr->nr_subregions; i++)
        mr->subregions[i]->parent = NULL;
    if (mr->owns_ram)
        munmap(mr->ram, ram_map_len(mr->size));
    free(mr->code_bitmap);
    free(mr->subregions);
    free((char *)mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* ---- Change tracking and transactions ---- */

/* Does the tree under node (subregions and alias targets, enabled or not)
 * contain target? */
static bool mr_reaches(const MemRegion *node, const MemRegion *target, int depth)
{
    unsigned i;

    if (!node)
        return false;
    if (node == target)
        return true;
    assert(depth < MEM_MAX_DEPTH && "memory region loop");
    if (node->type == MR_ALIAS && mr_reaches(node->alias, target, depth + 1))
        return true;
    for (i = 0; i < node->nr_subregions; i++) {
        if (mr_reaches(node->subregions[i], target, depth + 1))
            return true;
    }
    return false;
}

static void as_rebuild(AddressSpace *as)
{
    FlatView old = as->view;
    unsigned i;

    flatview_render(as->root, &as->view);
    flatview_free(&old);
    as->generation++;
    for (i = 0; i < as->nr_listeners; i++)
        as->listeners[i].fn(as->listeners[i].opaque, as);
}

/* Rebuild the dirty views. Indexes, not pointers: a listener may edit the
 * tree (re-entering here) or register an address space. */
static void mem_flush_dirty(void)
{
    unsigned i;

    for (i = 0; i < as_count; i++) {
        if (as_list[i].dirty) {
            as_list[i].dirty = false;
            as_rebuild(as_list[i].as);
        }
    }
}

static void mem_changed(const MemRegion *mr)
{
    unsigned i;

    for (i = 0; i < as_count; i++) {
        if (!as_list[i].dirty && mr_reaches(as_list[i].as->root, mr, 0))
            as_list[i].dirty = true;
    }
    if (txn_depth == 0)
        mem_flush_dirty();
}

void mem_transaction_begin(void)
{
    txn_depth++;
}

void mem_transaction_commit(void)
{
    assert(txn_depth > 0);
    if (--txn_depth == 0)
        mem_flush_dirty();
}

/* ---- Tree edits ---- */

/* Keep subregions sorted by rendering order: priority descending, and among
 * equal priorities the newest first (it wins). */
static void mr_insert_sorted(MemRegion *parent, MemRegion *sub)
{
    unsigned n = parent->nr_subregions, i = 0;

    while (i < n && parent->subregions[i]->priority > sub->priority)
        i++;
    parent->subregions = xrealloc(parent->subregions, (n + 1) * sizeof(MemRegion *));
    memmove(&parent->subregions[i + 1], &parent->subregions[i], (n - i) * sizeof(MemRegion *));
    parent->subregions[i] = sub;
    parent->nr_subregions = n + 1;
}

void mr_add_subregion_overlap(MemRegion *parent, hwaddr offset, MemRegion *sub, int priority)
{
    assert(parent && sub && parent != sub);
    assert(!sub->parent && "region already has a parent");
    sub->parent = parent;
    sub->addr = offset;
    sub->priority = priority;
    sub->seq = ++seq_counter;
    mr_insert_sorted(parent, sub);
    mem_changed(parent);
}

void mr_add_subregion(MemRegion *parent, hwaddr offset, MemRegion *sub)
{
    mr_add_subregion_overlap(parent, offset, sub, 0);
}

void mr_del_subregion(MemRegion *parent, MemRegion *sub)
{
    unsigned i, n = parent->nr_subregions;

    assert(sub->parent == parent);
    mem_transaction_begin();
    mem_changed(sub); /* marks while sub is still in the tree */
    for (i = 0; i < n && parent->subregions[i] != sub; i++)
        ;
    assert(i < n);
    memmove(&parent->subregions[i], &parent->subregions[i + 1],
            (n - i - 1) * sizeof(MemRegion *));
    parent->nr_subregions = n - 1;
    sub->parent = NULL;
    mem_transaction_commit();
}

void mr_set_enabled(MemRegion *mr, bool enabled)
{
    if (mr->enabled == enabled)
        return;
    mr->enabled = enabled;
    mem_changed(mr);
}

void mr_set_address(MemRegion *mr, hwaddr addr)
{
    if (mr->addr == addr)
        return;
    mr->addr = addr;
    mem_changed(mr);
}

void mr_set_readonly(MemRegion *mr, bool readonly)
{
    if (mr->readonly == readonly)
        return;
    mr->readonly = readonly;
    mem_changed(mr);
}

void mr_set_alias_offset(MemRegion *mr, hwaddr offset)
{
    assert(mr->type == MR_ALIAS);
    if (mr->alias_offset == offset)
        return;
    mr->alias_offset = offset;
    mem_changed(mr);
}

/* ---- Address spaces ---- */

void as_init(AddressSpace *as, MemRegion *root, const char *name)
{
    assert(root);
    memset(as, 0, sizeof(*as));
    as->name = xstrdup(name);
    as->root = root;
    as_list = xrealloc(as_list, (as_count + 1) * sizeof(*as_list));
    as_list[as_count].as = as;
    as_list[as_count].dirty = false;
    as_count++;
    flatview_render(root, &as->view);
    as->generation = 1;
}

void as_destroy(AddressSpace *as)
{
    int i = as_index(as);

    assert(i >= 0);
    memmove(&as_list[i], &as_list[i + 1], (as_count - i - 1) * sizeof(*as_list));
    as_count--;
    flatview_free(&as->view);
    free((char *)as->name);
    memset(as, 0, sizeof(*as));
}

void as_add_listener(AddressSpace *as, MemListenerFn *fn, void *opaque)
{
    assert(as->nr_listeners < ARRAY_SIZE(as->listeners) && "too many memory listeners");
    as->listeners[as->nr_listeners].fn = fn;
    as->listeners[as->nr_listeners].opaque = opaque;
    as->nr_listeners++;
}

AddressSpace *as_nth(unsigned n)
{
    return n < as_count ? as_list[n].as : NULL;
}

int as_index(const AddressSpace *as)
{
    unsigned i;

    for (i = 0; i < as_count; i++) {
        if (as_list[i].as == as)
            return (int)i;
    }
    return -1;
}

/* The roots are containers: unassigned holes read as all ones. Idempotent. */
void mem_system_init(void)
{
    if (as_index(&as_memory) >= 0)
        return;
    mr_init_container(&mr_system, "system", UINT64_MAX);
    mr_init_container(&mr_system_io, "io", 64 * KiB);
    as_init(&as_memory, &mr_system, "memory");
    as_init(&as_io, &mr_system_io, "I/O");
}
