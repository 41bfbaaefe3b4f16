/* SPDX-License-Identifier: MIT */
/*
 * Access dispatch: block transfers, single loads/stores and the IoOps rules.
 *
 * as_read()/as_write() walk the flat view range by range: RAM and ROM by
 * memcpy, MMIO one access at a time in the largest naturally aligned size
 * the region's valid rules allow, holes as all-ones reads and dropped
 * writes (MEMTX_UNASSIGNED, logged as guest errors). as_ld()/as_st() make
 * one access, split into bytes when it straddles two ranges. Writes reaching
 * a RAM page marked in code_bitmap call mem_code_write_hook first.
 *
 * mr_io_read()/mr_io_write() apply the valid/impl rules of QEMU's memory
 * API (docs/devel/memory.rst, "MMIO Operations"): an access outside valid
 * is rejected (reads return all ones); a size above impl.max is split into
 * impl.max pieces assembled little-endian; an unaligned access is split into
 * aligned pieces unless impl.unaligned; a size below impl.min is widened.
 *
 * Widening differs from QEMU on purpose. QEMU's access_with_adjusted_size()
 * issues the wider access at the original address and, for writes, passes the
 * value zero-extended: the device sees zeros written to the neighbouring
 * bytes. kemu's contract (memory.h) is instead the aligned impl.min word:
 * reads extract the bytes, writes are read-modify-write of that word, so
 * devices never need to handle offsets that are not multiples of impl.min
 * and a byte write does not clobber its neighbours. Devices whose reads have
 * side effects must declare impl.min equal to valid.min.
 */
#include <assert.h>
#include <inttypes.h>

#include "kemu/log.h"
#include "kemu/memory.h"
#include "mem-internal.h"

typedef enum RwMode { RW_READ, RW_WRITE, RW_WRITE_ROM } RwMode;

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

static void tx_merge(MemTxResult *acc, MemTxResult r)
{
    if (*acc == MEMTX_OK)
        *acc = r;
}

/* ---- IoOps size rules ---- */

static unsigned valid_min(const IoOps *ops)
{
    return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static unsigned valid_max(const IoOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 4;
}

static unsigned impl_min(const IoOps *ops)
{
    return ops->impl.min_access_size ? ops->impl.min_access_size : valid_min(ops);
}

static unsigned impl_max(const IoOps *ops)
{
    return ops->impl.max_access_size ? ops->impl.max_access_size : valid_max(ops);
}

static bool io_access_valid(MemRegion *mr, hwaddr addr, unsigned size, bool is_write)
{
    const IoOps *ops = mr->ops;
    bool ok = size >= valid_min(ops) && size <= valid_max(ops) &&
              (ops->valid.unaligned || !(addr & (size - 1))) && mr->size != 0 &&
              addr <= mr_last_offset(mr) && size - 1 <= mr_last_offset(mr) - addr;

    if (!ok)
        log_guest_error("%s: invalid %u-byte %s at offset 0x%" PRIx64 "\n", mr->name, size,
                        is_write ? "write" : "read", addr);
    return ok;
}

/* The device callback itself; size is within impl here. A NULL callback
 * means no readable (or writable) registers: reads give 0, writes vanish. */
static void io_call(MemRegion *mr, hwaddr addr, unsigned size, uint64_t *val, bool is_write)
{
    const IoOps *ops = mr->ops;

    if (!is_write)
        *val = ops->read ? ops->read(mr->opaque, addr, size) & size_mask(size) : 0;
    else if (ops->write)
        ops->write(mr->opaque, addr, *val & size_mask(size), size);
}

static void io_access(MemRegion *mr, hwaddr addr, unsigned size, uint64_t *val, bool is_write);

/* Bytes [i, i + n) of the access at addr, as a separate access. */
static void io_piece(MemRegion *mr, hwaddr addr, unsigned i, unsigned n, uint64_t *val,
                     bool is_write)
{
    uint64_t v = is_write ? (*val >> (i * 8)) & size_mask(n) : 0;

    io_access(mr, addr + i, n, &v, is_write);
    if (!is_write)
        *val |= (v & size_mask(n)) << (i * 8);
}

/* Pieces of a fixed size (size > impl.max). */
static void io_split_fixed(MemRegion *mr, hwaddr addr, unsigned size, unsigned n,
                           uint64_t *val, bool is_write)
{
    unsigned i;

    if (!is_write)
        *val = 0;
    for (i = 0; i < size; i += n)
        io_piece(mr, addr, i, n, val, is_write);
}

/* Largest naturally aligned pieces (unaligned access, !impl.unaligned). */
static void io_split_aligned(MemRegion *mr, hwaddr addr, unsigned size, uint64_t *val,
                             bool is_write)
{
    unsigned i = 0, n;

    if (!is_write)
        *val = 0;
    while (i < size) {
        n = 8;
        while (n > size - i || ((addr + i) & (n - 1)))
            n >>= 1;
        io_piece(mr, addr, i, n, val, is_write);
        i += n;
    }
}

/* size < impl.min and the access lies inside one aligned impl.min word. */
static void io_widen(MemRegion *mr, hwaddr addr, unsigned size, unsigned wide, uint64_t *val,
                     bool is_write)
{
    hwaddr base = addr & ~(hwaddr)(wide - 1);
    unsigned shift = (addr - base) * 8;
    uint64_t word = 0, mask = size_mask(size) << shift;

    io_call(mr, base, wide, &word, false);
    if (!is_write) {
        *val = (word >> shift) & size_mask(size);
        return;
    }
    word = (word & ~mask) | ((*val << shift) & mask);
    io_call(mr, base, wide, &word, true);
}

static void io_access(MemRegion *mr, hwaddr addr, unsigned size, uint64_t *val, bool is_write)
{
    const IoOps *ops = mr->ops;
    unsigned imin = impl_min(ops);

    if (size > impl_max(ops))
        io_split_fixed(mr, addr, size, impl_max(ops), val, is_write);
    else if ((addr & (size - 1)) && !(ops->impl.unaligned && size >= imin))
        io_split_aligned(mr, addr, size, val, is_write);
    else if (size < imin)
        io_widen(mr, addr, size, imin, val, is_write);
    else
        io_call(mr, addr, size, val, is_write);
}

static void io_check_args(MemRegion *mr, unsigned size)
{
    assert(mr->type == MR_IO && mr->ops);
    assert(size == 1 || size == 2 || size == 4 || size == 8);
}

uint64_t mr_io_read(MemRegion *mr, hwaddr addr, unsigned size, MemTxResult *res)
{
    uint64_t val = 0;

    io_check_args(mr, size);
    if (!io_access_valid(mr, addr, size, false)) {
        if (res)
            *res = MEMTX_ERROR;
        return size_mask(size);
    }
    io_access(mr, addr, size, &val, false);
    if (res)
        *res = MEMTX_OK;
    return val & size_mask(size);
}

void mr_io_write(MemRegion *mr, hwaddr addr, uint64_t val, unsigned size, MemTxResult *res)
{
    io_check_args(mr, size);
    if (!io_access_valid(mr, addr, size, true)) {
        if (res)
            *res = MEMTX_ERROR;
        return;
    }
    val &= size_mask(size);
    io_access(mr, addr, size, &val, true);
    if (res)
        *res = MEMTX_OK;
}

/* ---- RAM ---- */

/* Tell the CPU about writes to pages holding decoded code, page by page. */
static void ram_code_check(MemRegion *mr, hwaddr off, uint64_t len)
{
    uint64_t page, first, last, start, end;

    if (!mem_code_write_hook || !mr->code_bitmap || len == 0)
        return;
    first = off >> MEM_CODE_PAGE_BITS;
    last = (off + len - 1) >> MEM_CODE_PAGE_BITS;
    for (page = first; page <= last; page++) {
        if (!mr->code_bitmap[page])
            continue;
        start = MAX(off, page << MEM_CODE_PAGE_BITS);
        end = MIN(off + len, (page + 1) << MEM_CODE_PAGE_BITS);
        mem_code_write_hook(mr, start, end - start);
    }
}

/* ---- Block transfers ---- */

static MemTxResult rw_unassigned(AddressSpace *as, hwaddr addr, uint8_t *buf, uint64_t n,
                                 RwMode mode)
{
    if (mode == RW_READ) {
        memset(buf, 0xff, n);
        log_guest_error("unassigned read at 0x%" PRIx64 " (%" PRIu64 " bytes, %s)\n", addr, n,
                        as->name);
    } else {
        log_guest_error("unassigned write at 0x%" PRIx64 " (%" PRIu64 " bytes, %s)\n", addr, n,
                        as->name);
    }
    return MEMTX_UNASSIGNED;
}

static MemTxResult rw_ram(const FlatRange *fr, hwaddr addr, uint8_t *buf, uint64_t n,
                          RwMode mode)
{
    MemRegion *mr = fr->mr;
    hwaddr off = fr->offset + (addr - fr->start);

    if (mode == RW_READ) {
        memcpy(buf, mr->ram + off, n);
    } else if (fr->readonly && mode == RW_WRITE) {
        log_guest_error("write to read-only %s at 0x%" PRIx64 " dropped\n", mr->name, addr);
    } else {
        ram_code_check(mr, off, n);
        memcpy(mr->ram + off, buf, n);
    }
    return MEMTX_OK;
}

/* One MMIO access of the largest aligned size valid allows, at most n bytes;
 * returns its size in *done. */
static MemTxResult rw_io(const FlatRange *fr, hwaddr addr, uint8_t *buf, uint64_t n,
                         RwMode mode, uint64_t *done)
{
    MemRegion *mr = fr->mr;
    hwaddr off = fr->offset + (addr - fr->start);
    MemTxResult r = MEMTX_OK;
    unsigned size = 8;

    while (size > 1 && (size > n || size > valid_max(mr->ops) || (off & (size - 1))))
        size >>= 1;
    *done = size;
    if (mode == RW_READ)
        stn_le(buf, size, mr_io_read(mr, off, size, &r));
    else if (mode == RW_WRITE_ROM)
        return MEMTX_ERROR; /* loaders write RAM and ROM only */
    else if (fr->readonly)
        log_guest_error("write to read-only %s at 0x%" PRIx64 " dropped\n", mr->name, addr);
    else
        mr_io_write(mr, off, ldn_le(buf, size), size, &r);
    return r;
}

/* Transfer the part of [addr, addr + len) that lies in one range (or hole);
 * returns the number of bytes done in *done. */
static MemTxResult rw_chunk(AddressSpace *as, hwaddr addr, uint8_t *buf, uint64_t len,
                            RwMode mode, uint64_t *done)
{
    unsigned i = flatview_find(&as->view, addr);
    const FlatRange *fr = i < as->view.nr ? &as->view.ranges[i] : NULL;
    uint64_t n;

    if (!fr || fr->start > addr) {
        n = (fr && fr->start - addr < len) ? fr->start - addr : len;
        *done = n;
        return rw_unassigned(as, addr, buf, n, mode);
    }
    n = (len - 1 <= fr->last - addr) ? len : fr->last - addr + 1;
    if (fr->mr->type == MR_IO)
        return rw_io(fr, addr, buf, n, mode, done);
    *done = n;
    return rw_ram(fr, addr, buf, n, mode);
}

static MemTxResult as_rw(AddressSpace *as, hwaddr addr, uint8_t *buf, uint64_t len, RwMode mode)
{
    MemTxResult ret = MEMTX_OK;
    uint64_t done;

    while (len > 0) {
        tx_merge(&ret, rw_chunk(as, addr, buf, len, mode, &done));
        addr += done;
        buf += done;
        len -= done;
    }
    return ret;
}

MemTxResult as_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len)
{
    return as_rw(as, addr, buf, len, RW_READ);
}

/* The buffer is only read in the write modes. */
MemTxResult as_write(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len)
{
    return as_rw(as, addr, (uint8_t *)(uintptr_t)buf, len, RW_WRITE);
}

MemTxResult as_write_rom(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len)
{
    return as_rw(as, addr, (uint8_t *)(uintptr_t)buf, len, RW_WRITE_ROM);
}

/* ---- Single accesses ---- */

/* Does [addr, addr + size) lie in one range (*fr) or wholly in a hole
 * (*fr == NULL)? False when it straddles. */
static bool access_in_one(AddressSpace *as, hwaddr addr, unsigned size, const FlatRange **fr)
{
    unsigned i = flatview_find(&as->view, addr);
    const FlatRange *r = i < as->view.nr ? &as->view.ranges[i] : NULL;

    if (r && r->start <= addr) {
        *fr = r;
        return size - 1 <= r->last - addr;
    }
    *fr = NULL;
    if (addr > UINT64_MAX - (size - 1))
        return false; /* wraps around: take it byte by byte */
    return !r || r->start - addr >= size;
}

static uint64_t ld_one(AddressSpace *as, hwaddr addr, unsigned size, MemTxResult *r)
{
    const FlatRange *fr;
    uint64_t val = 0;
    unsigned i;

    if (!access_in_one(as, addr, size, &fr)) {
        for (i = 0; i < size; i++) {
            MemTxResult rb;
            val |= ld_one(as, addr + i, 1, &rb) << (i * 8);
            tx_merge(r, rb);
        }
        return val;
    }
    *r = MEMTX_OK;
    if (!fr) {
        log_guest_error("unassigned read at 0x%" PRIx64 " (%u bytes, %s)\n", addr, size,
                        as->name);
        *r = MEMTX_UNASSIGNED;
        return size_mask(size);
    }
    if (fr->mr->type == MR_IO)
        return mr_io_read(fr->mr, fr->offset + (addr - fr->start), size, r);
    return ldn_le(fr->mr->ram + fr->offset + (addr - fr->start), size);
}

static void st_one(AddressSpace *as, hwaddr addr, uint64_t val, unsigned size, MemTxResult *r)
{
    const FlatRange *fr;
    unsigned i;

    if (!access_in_one(as, addr, size, &fr)) {
        for (i = 0; i < size; i++) {
            MemTxResult rb;
            st_one(as, addr + i, (val >> (i * 8)) & 0xff, 1, &rb);
            tx_merge(r, rb);
        }
        return;
    }
    *r = MEMTX_OK;
    if (!fr) {
        log_guest_error("unassigned write at 0x%" PRIx64 " (%u bytes, %s)\n", addr, size,
                        as->name);
        *r = MEMTX_UNASSIGNED;
    } else if (fr->readonly) {
        log_guest_error("write to read-only %s at 0x%" PRIx64 " dropped\n", fr->mr->name,
                        addr);
    } else if (fr->mr->type == MR_IO) {
        mr_io_write(fr->mr, fr->offset + (addr - fr->start), val, size, r);
    } else {
        hwaddr off = fr->offset + (addr - fr->start);
        ram_code_check(fr->mr, off, size);
        stn_le(fr->mr->ram + off, size, val);
    }
}

uint64_t as_ld(AddressSpace *as, hwaddr addr, unsigned size, MemTxResult *res)
{
    MemTxResult r = MEMTX_OK;
    uint64_t val;

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    val = ld_one(as, addr, size, &r);
    if (as == &as_io)
        log_mask_printf(LOG_IOPORT, "ioport read 0x%04" PRIx64 " size %u -> 0x%" PRIx64 "\n",
                        addr, size, val);
    if (res)
        *res = r;
    return val;
}

void as_st(AddressSpace *as, hwaddr addr, uint64_t val, unsigned size, MemTxResult *res)
{
    MemTxResult r = MEMTX_OK;

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    val &= size_mask(size);
    if (as == &as_io)
        log_mask_printf(LOG_IOPORT, "ioport write 0x%04" PRIx64 " size %u <- 0x%" PRIx64 "\n",
                        addr, size, val);
    st_one(as, addr, val, size, &r);
    if (res)
        *res = r;
}
