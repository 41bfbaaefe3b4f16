/* SPDX-License-Identifier: MIT */
/*
 * Guest memory: regions, address spaces and dispatch.
 *
 * A MemRegion is RAM/ROM (host memory), MMIO (IoOps callbacks), a container
 * of subregions, or an alias of a window of another region. Subregions nest
 * and carry a priority; higher priority wins where they overlap, and among
 * equal priorities the one added last wins. An AddressSpace has a root region;
 * every change to the tree rebuilds a flat, sorted, non-overlapping view of
 * FlatRanges that lookups search by binary search.
 *
 * IoOps separate the access sizes the guest may use (valid) from those the
 * callbacks implement (impl). The core splits a wide access into several
 * narrow ones, or widens a narrow one (read-modify-write for writes), so that
 * a device only ever sees sizes within impl. Accesses outside valid are
 * guest errors: reads return all ones, writes are dropped.
 *
 * Unassigned addresses read as all ones and log a guest error. The x86 port
 * I/O space is a second AddressSpace of 64 KiB using the same machinery.
 * Devices that do DMA use as_read()/as_write(), which bounds-check every
 * access; they never keep host pointers into guest RAM.
 *
 * Reference: the shape of QEMU's memory API (docs/devel/memory.rst).
 */
#ifndef KEMU_MEMORY_H
#define KEMU_MEMORY_H

#include "kemu/types.h"

typedef struct MemRegion MemRegion;
typedef struct AddressSpace AddressSpace;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,       /* device reported an error / access not valid */
    MEMTX_UNASSIGNED = 2,  /* nothing mapped there */
} MemTxResult;

typedef struct IoOps {
    /* addr is relative to the region start; size is 1, 2, 4 or 8 bytes. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t val, unsigned size);
    struct {
        unsigned min_access_size; /* 0 means 1 */
        unsigned max_access_size; /* 0 means 4 */
        bool unaligned;           /* unaligned accesses allowed */
    } valid;
    struct {
        unsigned min_access_size; /* 0 means valid.min (or 1) */
        unsigned max_access_size; /* 0 means valid.max (or 4) */
        bool unaligned;
    } impl;
} IoOps;

typedef enum MemRegionType {
    MR_CONTAINER,
    MR_RAM,   /* readable and writable host memory */
    MR_ROM,   /* host memory, guest writes ignored (logged as guest errors) */
    MR_IO,    /* callbacks */
    MR_ALIAS, /* a window onto another region */
} MemRegionType;

struct MemRegion {
    const char *name;
    MemRegionType type;
    uint64_t size;
    uint8_t *ram;          /* RAM/ROM: host memory of size bytes */
    uint8_t *code_bitmap;  /* RAM: one byte per 4 KiB page, nonzero when the CPU
                              has decoded code there (see mem_code_write_hook) */
    const IoOps *ops;      /* MR_IO */
    void *opaque;          /* MR_IO */
    MemRegion *alias;      /* MR_ALIAS: target region */
    hwaddr alias_offset;   /* MR_ALIAS: offset within target */
    bool readonly;         /* RAM treated as ROM (e.g. PAM write-protect) */
    bool enabled;          /* disabled regions are invisible */
    /* Position in the parent */
    MemRegion *parent;
    hwaddr addr;
    int priority;
    unsigned seq;          /* insertion order, tie-break for equal priority */
    /* Children */
    MemRegion **subregions;
    unsigned nr_subregions;
    bool owns_ram;         /* ram was allocated by mr_init_ram/rom */
};

/* One piece of the flattened view: [start, start+size) maps to mr at offset. */
typedef struct FlatRange {
    hwaddr start;
    uint64_t size;
    MemRegion *mr;      /* terminal region: RAM, ROM or IO (never alias/container) */
    hwaddr offset;      /* offset of start within mr */
    bool readonly;      /* writes are dropped (ROM, readonly RAM) */
    hwaddr last;        /* inclusive end, start + size - 1; exact even for a range
                           covering all 2^64 addresses, whose size saturates at
                           UINT64_MAX */
} FlatRange;

typedef struct FlatView {
    FlatRange *ranges;
    unsigned nr;
} FlatView;

typedef void MemListenerFn(void *opaque, AddressSpace *as);

struct AddressSpace {
    const char *name;
    MemRegion *root;
    FlatView view;
    uint64_t generation;      /* incremented on every rebuild */
    struct {
        MemListenerFn *fn;
        void *opaque;
    } listeners[8];
    unsigned nr_listeners;
};

/* Region constructors. The MemRegion memory is owned by the caller (usually
 * embedded in a device struct). Sizes may exceed 4 GiB; a size of UINT64_MAX
 * means the whole 2^64 space. The name is copied. */
void mr_init_container(MemRegion *mr, const char *name, uint64_t size);
/* Anonymous mmap'd zeroed RAM. */
void mr_init_ram(MemRegion *mr, const char *name, uint64_t size);
/* RAM backed by caller-owned host memory (not freed by kemu). */
void mr_init_ram_ptr(MemRegion *mr, const char *name, uint64_t size, void *ptr);
/* ROM: like RAM, guest writes are ignored. Fill it through mr->ram. */
void mr_init_rom(MemRegion *mr, const char *name, uint64_t size);
void mr_init_io(MemRegion *mr, const char *name, uint64_t size, const IoOps *ops, void *opaque);
void mr_init_alias(MemRegion *mr, const char *name, MemRegion *orig, hwaddr offset, uint64_t size);
/* Free host memory owned by the region (RAM/ROM) and its subregion array. */
void mr_destroy(MemRegion *mr);

/* Tree edits; each one rebuilds the views of the address spaces that see it. */
void mr_add_subregion(MemRegion *parent, hwaddr offset, MemRegion *sub);
void mr_add_subregion_overlap(MemRegion *parent, hwaddr offset, MemRegion *sub, int priority);
void mr_del_subregion(MemRegion *parent, MemRegion *sub);
void mr_set_enabled(MemRegion *mr, bool enabled);
void mr_set_address(MemRegion *mr, hwaddr addr);
void mr_set_readonly(MemRegion *mr, bool readonly);
void mr_set_alias_offset(MemRegion *mr, hwaddr offset);

/* Batch several edits: rebuilds happen once at the outermost commit. */
void mem_transaction_begin(void);
void mem_transaction_commit(void);

void as_init(AddressSpace *as, MemRegion *root, const char *name);
void as_destroy(AddressSpace *as);
/* Called after each rebuild of the view (e.g. to flush a CPU TLB). */
void as_add_listener(AddressSpace *as, MemListenerFn *fn, void *opaque);

/* The FlatRange containing addr, or NULL if unassigned. */
const FlatRange *as_lookup(AddressSpace *as, hwaddr addr);

/* Block transfers (DMA and loaders). Bounds-checked, may cross regions;
 * unassigned bytes read as 0xff. The first error seen is returned. */
MemTxResult as_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len);
MemTxResult as_write(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len);
/* Write even into ROM (firmware loaders). */
MemTxResult as_write_rom(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len);

/* Single access of 1, 2, 4 or 8 bytes, little-endian, through the IoOps
 * size rules for MMIO. Used by the CPU slow path and port I/O. */
uint64_t as_ld(AddressSpace *as, hwaddr addr, unsigned size, MemTxResult *res);
void as_st(AddressSpace *as, hwaddr addr, uint64_t val, unsigned size, MemTxResult *res);

static inline uint8_t as_ldub(AddressSpace *as, hwaddr a) { return as_ld(as, a, 1, NULL); }
static inline uint16_t as_lduw(AddressSpace *as, hwaddr a) { return as_ld(as, a, 2, NULL); }
static inline uint32_t as_ldl(AddressSpace *as, hwaddr a) { return as_ld(as, a, 4, NULL); }
static inline uint64_t as_ldq(AddressSpace *as, hwaddr a) { return as_ld(as, a, 8, NULL); }
static inline void as_stb(AddressSpace *as, hwaddr a, uint8_t v) { as_st(as, a, v, 1, NULL); }
static inline void as_stw(AddressSpace *as, hwaddr a, uint16_t v) { as_st(as, a, v, 2, NULL); }
static inline void as_stl(AddressSpace *as, hwaddr a, uint32_t v) { as_st(as, a, v, 4, NULL); }
static inline void as_stq(AddressSpace *as, hwaddr a, uint64_t v) { as_st(as, a, v, 8, NULL); }

/* Dispatch one access to an IO region, applying its valid/impl rules.
 * addr is relative to the region. */
uint64_t mr_io_read(MemRegion *mr, hwaddr addr, unsigned size, MemTxResult *res);
void mr_io_write(MemRegion *mr, hwaddr addr, uint64_t val, unsigned size, MemTxResult *res);

/*
 * Self-modifying code support. The CPU marks RAM pages that hold decoded
 * code by setting mr->code_bitmap[offset >> 12]. Every write that reaches
 * such a page through as_write()/as_st() (DMA, loaders, the CPU slow path)
 * calls mem_code_write_hook first, which invalidates the decoded blocks
 * and clears the byte. NULL when no CPU is present.
 */
extern void (*mem_code_write_hook)(MemRegion *mr, hwaddr offset, uint64_t len);
#define MEM_CODE_PAGE_BITS 12

/* Debug output for the monitor: the flat view as in QEMU's "info mtree -f",
 * and the region tree as in "info mtree". */
void as_dump(AddressSpace *as, FILE *out);
void as_dump_tree(AddressSpace *as, FILE *out);
/* The n-th registered address space (in as_init order), or NULL past the end. */
AddressSpace *as_nth(unsigned n);

/* The system address spaces of the machine being emulated. */
extern AddressSpace as_memory;   /* physical memory */
extern AddressSpace as_io;       /* x86 port I/O (64 KiB) */
extern MemRegion mr_system;      /* root of as_memory */
extern MemRegion mr_system_io;   /* root of as_io */
/* Create the empty roots (called once by the machine set-up). */
void mem_system_init(void);

#endif
