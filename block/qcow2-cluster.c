/* SPDX-License-Identifier: MIT */
/*
 * qcow2 guest-to-host mapping: L1 and L2 tables, block status.
 *
 * A guest offset splits into an L1 index, an L2 index and an offset in the
 * cluster. L1 entries point at L2 tables; L2 entries describe one cluster:
 * unallocated (read the backing file or zeros), zero (v3 flag, bit 0),
 * normal (host offset, bits 9-55) or compressed (bit 62, offset and sector
 * count packed as the cluster size dictates). Bit 63 ("copied") says the
 * refcount is exactly 1, so the cluster may be written in place.
 * A new or shared L2 table is written in full before the L1 entry that
 * points at it. Reference: QEMU docs/interop/qcow2.txt, "Cluster mapping".
 */
#include <errno.h>

#include "block/qcow2.h"

Qcow2ClusterType qcow2_cluster_type(BDRVQcow2State *s, uint64_t e)
{
    if (e & QCOW_OFLAG_COMPRESSED)
        return QCOW2_CLUSTER_COMPRESSED;
    if (e & QCOW_OFLAG_ZERO)
        return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC : QCOW2_CLUSTER_ZERO_PLAIN;
    return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_NORMAL : QCOW2_CLUSTER_UNALLOCATED;
}

void qcow2_compressed_range(BDRVQcow2State *s, uint64_t e, uint64_t *offset, uint64_t *len)
{
    uint64_t sectors = ((e >> s->csize_shift) & s->csize_mask) + 1;

    *offset = e & s->cluster_offset_mask;
    *len = sectors * 512 - (*offset & 511);
}

static uint64_t qcow2_l1_index(BDRVQcow2State *s, uint64_t offset)
{
    return offset >> (s->cluster_bits + s->l2_bits);
}

static uint32_t qcow2_l2_index(BDRVQcow2State *s, uint64_t offset)
{
    return (uint32_t)((offset >> s->cluster_bits) & (s->l2_size - 1));
}

/* Offset of the L2 table for guest offset (0 if none). */
static int qcow2_l2_offset(BDRVQcow2State *s, uint64_t offset, uint64_t *l2_offset)
{
    uint64_t i = qcow2_l1_index(s, offset);

    *l2_offset = i < s->l1_size ? s->l1_table[i] & L1E_OFFSET_MASK : 0;
    if (qcow2_offset_into_cluster(s, *l2_offset))
        return qcow2_signal_corruption(s, "L2 table offset %#llx unaligned (L1 index: %#llx)",
                                       (unsigned long long)*l2_offset, (unsigned long long)i);
    return 0;
}

/* Reject entries a v2 image may not have and unaligned data clusters. */
static int qcow2_validate_l2_entry(BDRVQcow2State *s, uint64_t e, uint64_t l2_offset,
                                   uint32_t index)
{
    Qcow2ClusterType t = qcow2_cluster_type(s, e);

    if ((t == QCOW2_CLUSTER_ZERO_PLAIN || t == QCOW2_CLUSTER_ZERO_ALLOC) && s->version < 3)
        return qcow2_signal_corruption(s, "Zero cluster entry found in pre-v3 image (L2 offset: "
                                       "%#llx, L2 index: %#x)",
                                       (unsigned long long)l2_offset, index);
    if ((t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) &&
        qcow2_offset_into_cluster(s, e & L2E_OFFSET_MASK))
        return qcow2_signal_corruption(s, "Cluster allocation offset %#llx unaligned (L2 offset: "
                                       "%#llx, L2 index: %#x)",
                                       (unsigned long long)(e & L2E_OFFSET_MASK),
                                       (unsigned long long)l2_offset, index);
    return 0;
}

int qcow2_get_l2_entry(BDRVQcow2State *s, uint64_t offset, uint64_t *l2_entry)
{
    uint64_t l2_offset;
    uint8_t *l2;
    uint32_t idx = qcow2_l2_index(s, offset);
    int ret = qcow2_l2_offset(s, offset, &l2_offset);

    *l2_entry = 0;
    if (ret < 0 || !l2_offset)
        return ret;
    ret = qcow2_cache_get(s, &s->l2_cache, l2_offset, &l2);
    if (ret < 0)
        return ret;
    *l2_entry = be64_load(l2 + (size_t)idx * 8);
    return qcow2_validate_l2_entry(s, *l2_entry, l2_offset, idx);
}

static void qcow2_l1_mark_dirty(BDRVQcow2State *s, uint64_t i)
{
    if (s->l1_dirty_lo >= s->l1_dirty_hi) {
        s->l1_dirty_lo = (uint32_t)i;
        s->l1_dirty_hi = (uint32_t)i + 1;
    } else {
        s->l1_dirty_lo = MIN(s->l1_dirty_lo, (uint32_t)i);
        s->l1_dirty_hi = MAX(s->l1_dirty_hi, (uint32_t)i + 1);
    }
}

/* Write L1 entries [lo, hi) from memory. */
int qcow2_write_l1_range(BDRVQcow2State *s, uint32_t lo, uint32_t hi)
{
    uint64_t *be = XNEW0N(uint64_t, hi > lo ? hi - lo : 1);
    int ret;

    for (uint32_t i = lo; i < hi; i++)
        be[i - lo] = __builtin_bswap64(s->l1_table[i]);
    ret = bdrv_pwrite(s->bs->file, (int64_t)(s->l1_table_offset + (uint64_t)lo * 8), be,
                      (size_t)(hi - lo) * 8);
    free(be);
    return ret;
}

/* Give L1 entry i a new, exclusively owned L2 table: zeroed, or a copy of
 * the shared one at old. A new table and its L1 entry are written back
 * later (in that order); replacing a shared table is written at once,
 * because the old table loses a reference only after the switch is
 * durable. */
static int qcow2_alloc_l2(BDRVQcow2State *s, uint64_t i, uint64_t old)
{
    uint8_t *copy = NULL, *l2;
    int64_t new_off;
    int ret = 0;

    if (old) {
        copy = xmalloc(s->cluster_size);
        ret = qcow2_writeback(s);
        if (ret == 0)
            ret = bdrv_pread(s->bs->file, (int64_t)old, copy, s->cluster_size);
        if (ret < 0)
            goto out;
    }
    new_off = qcow2_alloc_clusters(s, s->cluster_size);
    if ((ret = new_off < 0 ? (int)new_off : 0) < 0 ||
        (ret = qcow2_cache_get_empty(s, &s->l2_cache, (uint64_t)new_off, &l2)) < 0)
        goto out;
    if (copy)
        memcpy(l2, copy, s->cluster_size);
    qcow2_cache_mark_dirty(&s->l2_cache, (uint64_t)new_off);
    s->l1_table[i] = (uint64_t)new_off | QCOW_OFLAG_COPIED;
    qcow2_l1_mark_dirty(s, i);
    if (old && (ret = qcow2_writeback(s)) == 0 && (ret = qcow2_barrier(s)) == 0)
        ret = qcow2_free_clusters(s, old, s->cluster_size);
out:
    free(copy);
    return ret;
}

int qcow2_get_l2_for_write(BDRVQcow2State *s, uint64_t offset, uint8_t **l2, uint64_t *l2_offset)
{
    uint64_t i = qcow2_l1_index(s, offset);
    int ret;

    if (i >= s->l1_size)
        return -EIO;   /* callers stay below the virtual size */
    ret = qcow2_l2_offset(s, offset, l2_offset);
    if (ret < 0)
        return ret;
    if (!*l2_offset || !(s->l1_table[i] & QCOW_OFLAG_COPIED)) {
        ret = qcow2_alloc_l2(s, i, *l2_offset);
        if (ret < 0)
            return ret;
        *l2_offset = s->l1_table[i] & L1E_OFFSET_MASK;
    }
    return qcow2_cache_get(s, &s->l2_cache, *l2_offset, l2);
}

int qcow2_set_l2_entries(BDRVQcow2State *s, uint64_t offset, const uint64_t *entries, int nb)
{
    uint32_t idx = qcow2_l2_index(s, offset);
    uint64_t l2_offset;
    uint8_t *l2;
    int ret;

    if (idx + (uint32_t)nb > s->l2_size)
        return -EINVAL;
    ret = qcow2_get_l2_for_write(s, offset, &l2, &l2_offset);
    if (ret < 0)
        return ret;
    for (int k = 0; k < nb; k++)
        be64_store(l2 + (size_t)(idx + k) * 8, entries[k]);
    qcow2_cache_mark_dirty(&s->l2_cache, l2_offset);
    return 0;
}

int qcow2_grow_l1_table(BDRVQcow2State *s, uint64_t min_size)
{
    uint64_t old_off = s->l1_table_offset, old_size = s->l1_size;
    uint64_t *table, *be;
    uint8_t hdr[12];
    int64_t off;
    int ret;

    if (min_size <= s->l1_size)
        return 0;
    if (min_size > QCOW2_MAX_L1_BYTES / 8)
        return -EFBIG;
    if ((ret = qcow2_writeback(s)) < 0)   /* the copy must not name unwritten tables */
        return ret;
    off = qcow2_alloc_clusters(s, min_size * 8);
    if (off < 0)
        return (int)off;
    table = XNEW0N(uint64_t, min_size);
    be = XNEW0N(uint64_t, min_size);
    memcpy(table, s->l1_table, old_size * 8);
    for (uint64_t i = 0; i < min_size; i++)
        be[i] = __builtin_bswap64(table[i]);
    ret = bdrv_pwrite(s->bs->file, off, be, min_size * 8);
    free(be);
    if (ret == 0)
        ret = qcow2_barrier(s);
    be32_store(hdr, (uint32_t)min_size);
    be64_store(hdr + 4, (uint64_t)off);
    if (ret == 0)
        ret = bdrv_pwrite(s->bs->file, QCOW2_OFF_L1_SIZE, hdr, sizeof(hdr));
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret < 0) {
        free(table);
        return ret;
    }
    free(s->l1_table);
    s->l1_table = table;
    s->l1_table_offset = (uint64_t)off;
    s->l1_size = (uint32_t)min_size;
    return old_size ? qcow2_free_clusters(s, old_off, old_size * 8) : 0;
}

/* QEMU's heuristic: more clusters carry a refcount than the file really
 * occupies, so data clusters were preallocated and may be holes. */
static int qcow2_detect_metadata_prealloc(BDRVQcow2State *s)
{
    int64_t file_len = bdrv_getlength(s->bs->file);
    int64_t real = bdrv_allocated_file_size(s->bs->file);
    int64_t real_clusters, threshold, count = 0;

    if (file_len < 0 || real < 0)
        return 0;
    real_clusters = real >> s->cluster_bits;
    threshold = MAX(real_clusters * 10 / 9, real_clusters + 2);
    for (uint64_t i = 0; i < qcow2_size_to_clusters(s, (uint64_t)file_len) && count < threshold;
         i++) {
        uint64_t rc;

        if (qcow2_get_refcount(s, i, &rc) < 0)
            return 0;
        count += rc > 0;
    }
    return count >= threshold;
}

/* Status of the single cluster mapped by entry e at guest offset. */
static int qcow2_entry_status(BDRVQcow2State *s, uint64_t e, uint64_t offset, int64_t *map)
{
    *map = (int64_t)((e & L2E_OFFSET_MASK) + qcow2_offset_into_cluster(s, offset));
    switch (qcow2_cluster_type(s, e)) {
    case QCOW2_CLUSTER_NORMAL:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    case QCOW2_CLUSTER_ZERO_ALLOC:
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
    case QCOW2_CLUSTER_ZERO_PLAIN:
        return BDRV_BLOCK_ZERO;
    case QCOW2_CLUSTER_COMPRESSED:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_COMPRESSED;
    default:
        return 0;
    }
}

int qcow2_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                       int64_t *map, BlockDriverState **file)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = (uint64_t)offset, end = off + (uint64_t)bytes, e;
    int64_t first_map, m;
    int ret, status;

    if ((ret = qcow2_get_l2_entry(s, off, &e)) < 0)
        return ret;
    status = qcow2_entry_status(s, e, off, &first_map);
    *pnum = 0;
    /* Extend over following clusters of the same L2 table and kind. */
    for (uint64_t p = off; p < end;) {
        uint64_t next = MIN(end, qcow2_start_of_cluster(s, p) + s->cluster_size);

        if (p != off) {
            if (qcow2_l2_index(s, p) == 0 || (ret = qcow2_get_l2_entry(s, p, &e)) < 0 ||
                qcow2_entry_status(s, e, p, &m) != status ||
                ((status & BDRV_BLOCK_OFFSET_VALID) && m != first_map + (int64_t)(p - off)))
                break;
        }
        *pnum += (int64_t)(next - p);
        p = next;
    }
    *map = first_map;
    *file = (status & BDRV_BLOCK_OFFSET_VALID) ? bs->file : NULL;
    if (s->metadata_prealloc < 0)
        s->metadata_prealloc = qcow2_detect_metadata_prealloc(s);
    if (s->metadata_prealloc && status == (BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID) &&
        !raw_probe_hole(bs->file, *map, pnum))
        status |= BDRV_BLOCK_ZERO;
    return status;
}
