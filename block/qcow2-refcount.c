/* SPDX-License-Identifier: MIT */
/*
 * qcow2 reference counts and host cluster allocation.
 *
 * The refcount table lists refcount blocks; a refcount block holds one
 * refcount_bits-wide counter per host cluster (1 to 64 bits: sub-byte
 * widths are packed from the least significant bit, wider ones are
 * big-endian). A cluster is free when its counter is 0, including clusters
 * beyond every refcount block.
 *
 * Allocation order, so that a crash only leaks: the refcount is raised
 * before anything points at the cluster; a new refcount block is written
 * (counting itself when it lies in its own range) before the refcount
 * table entry that names it; a grown refcount table is written with its
 * blocks before the header switches to it, and the old table is freed
 * last. Reference: QEMU docs/interop/qcow2.txt, "Host cluster management".
 */
#include <errno.h>

#include "block/qcow2.h"

int qcow2_refcount_init(BDRVQcow2State *s)
{
    size_t n = s->refcount_table_size;
    int ret;

    s->refcount_table = XNEW0N(uint64_t, n ? n : 1);
    ret = bdrv_pread(s->bs->file, (int64_t)s->refcount_table_offset, s->refcount_table, n * 8);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < n; i++)
        s->refcount_table[i] = __builtin_bswap64(s->refcount_table[i]);
    return 0;
}

uint64_t qcow2_refblock_get(BDRVQcow2State *s, const uint8_t *block, uint64_t index)
{
    int per_byte_shift;

    switch (s->refcount_order) {
    case 3: return block[index];
    case 4: return be16_load(block + index * 2);
    case 5: return be32_load(block + index * 4);
    case 6: return be64_load(block + index * 8);
    default:  /* 1, 2 or 4 bits, least significant first */
        per_byte_shift = 3 - s->refcount_order;
        return (block[index >> per_byte_shift] >>
                ((index & ((1u << per_byte_shift) - 1)) << s->refcount_order)) &
               s->refcount_max;
    }
}

void qcow2_refblock_set(BDRVQcow2State *s, uint8_t *block, uint64_t index, uint64_t value)
{
    int per_byte_shift, shift;

    switch (s->refcount_order) {
    case 3: block[index] = (uint8_t)value; return;
    case 4: be16_store(block + index * 2, (uint16_t)value); return;
    case 5: be32_store(block + index * 4, (uint32_t)value); return;
    case 6: be64_store(block + index * 8, value); return;
    default:
        per_byte_shift = 3 - s->refcount_order;
        shift = (int)((index & ((1u << per_byte_shift) - 1)) << s->refcount_order);
        block[index >> per_byte_shift] &= (uint8_t)~(s->refcount_max << shift);
        block[index >> per_byte_shift] |= (uint8_t)(value << shift);
    }
}

/* Byte range of a refcount block holding entries [first, last]. */
static void qcow2_refblock_span(BDRVQcow2State *s, uint64_t first, uint64_t last, size_t *start,
                                size_t *len)
{
    uint64_t b0 = (first << s->refcount_order) >> 3;
    uint64_t b1 = ((last + 1) << s->refcount_order);

    *start = (size_t)b0;
    *len = (size_t)(((b1 + 7) >> 3) - b0);
}

/* Offset of the refcount block for table index i (0 if none). */
static int qcow2_refblock_offset(BDRVQcow2State *s, uint64_t i, uint64_t *offset)
{
    uint64_t e;

    *offset = 0;
    if (i >= s->refcount_table_size)
        return 0;
    e = s->refcount_table[i];
    if (qcow2_offset_into_cluster(s, e & REFT_OFFSET_MASK))
        return qcow2_signal_corruption(s, "Refblock offset %#llx unaligned (reftable index: %#llx)",
                                       (unsigned long long)e, (unsigned long long)i);
    *offset = e & REFT_OFFSET_MASK;
    return 0;
}

int qcow2_get_refcount(BDRVQcow2State *s, uint64_t cluster_index, uint64_t *refcount)
{
    uint64_t rb;
    uint8_t *block;
    int ret = qcow2_refblock_offset(s, cluster_index >> s->refblock_bits, &rb);

    *refcount = 0;
    if (ret < 0 || !rb)
        return ret;
    ret = qcow2_cache_get(s, &s->refblock_cache, rb, &block);
    if (ret < 0)
        return ret;
    *refcount = qcow2_refblock_get(s, block, cluster_index & ((1ULL << s->refblock_bits) - 1));
    return 0;
}

/* First run of nb free clusters at or after free_cluster_index. */
static int64_t qcow2_find_free(BDRVQcow2State *s, uint64_t nb)
{
    uint64_t start = s->free_cluster_index, run = 0;

    for (uint64_t c = start;; c++) {
        uint64_t rc;
        int ret = qcow2_get_refcount(s, c, &rc);

        if (ret < 0)
            return ret;
        if ((c + 1) << s->cluster_bits > QCOW2_MAX_HOST_OFFSET)
            return -EFBIG;
        run = rc ? 0 : run + 1;
        if (run == nb)
            return (int64_t)(c + 1 - nb);
    }
}

static bool qcow2_refblock_missing(BDRVQcow2State *s, uint64_t i)
{
    return i >= s->refcount_table_size || !(s->refcount_table[i] & REFT_OFFSET_MASK);
}

static uint64_t qcow2_count_missing(BDRVQcow2State *s, uint64_t first, uint64_t nb)
{
    uint64_t n = 0;

    for (uint64_t i = first >> s->refblock_bits; i <= (first + nb - 1) >> s->refblock_bits; i++)
        n += qcow2_refblock_missing(s, i);
    return n;
}

/* New refcount blocks covering region [t, t+nb) where missing: block j goes
 * to cluster rb0 + j and counts the region's clusters in its range. */
static int qcow2_write_new_refblocks(BDRVQcow2State *s, uint64_t *table, uint64_t t, uint64_t nb,
                                     uint64_t rb0)
{
    uint64_t per = 1ULL << s->refblock_bits, j = 0;
    uint8_t *block = xmalloc(s->cluster_size);
    int ret = 0;

    for (uint64_t i = t >> s->refblock_bits; ret == 0 && i <= (t + nb - 1) >> s->refblock_bits;
         i++) {
        if (!qcow2_refblock_missing(s, i))
            continue;
        memset(block, 0, s->cluster_size);
        for (uint64_t c = MAX(t, i * per); c < MIN(t + nb, (i + 1) * per); c++)
            qcow2_refblock_set(s, block, c - i * per, 1);
        table[i] = (rb0 + j) << s->cluster_bits;
        qcow2_cache_discard(&s->refblock_cache, table[i]);
        ret = bdrv_pwrite(s->bs->file, (int64_t)table[i], block, s->cluster_size);
        j++;
    }
    free(block);
    return ret;
}

/* Count region clusters that fall under already existing refcount blocks. */
static int qcow2_ref_existing(BDRVQcow2State *s, uint64_t t, uint64_t nb)
{
    for (uint64_t c = t; c < t + nb; c++) {
        if (!qcow2_refblock_missing(s, c >> s->refblock_bits)) {
            int ret = qcow2_update_refcount(s, c << s->cluster_bits, 1, 1);

            if (ret < 0)
                return ret;
        }
    }
    return 0;
}

static int qcow2_write_reftable(BDRVQcow2State *s, const uint64_t *table, uint64_t entries,
                                uint64_t offset)
{
    uint64_t *be = XNEW0N(uint64_t, entries);
    int ret;

    for (uint64_t i = 0; i < entries; i++)
        be[i] = __builtin_bswap64(table[i]);
    ret = bdrv_pwrite(s->bs->file, (int64_t)offset, be, entries * 8);
    free(be);
    return ret;
}

static int qcow2_switch_reftable(BDRVQcow2State *s, uint64_t *table, uint64_t entries,
                                 uint64_t offset)
{
    uint8_t hdr[12];
    uint64_t old_off = s->refcount_table_offset;
    uint64_t old_len = (uint64_t)s->refcount_table_size * 8;
    int ret;

    be64_store(hdr, offset);
    be32_store(hdr + 8, (uint32_t)(entries >> (s->cluster_bits - 3)));
    ret = bdrv_pwrite(s->bs->file, QCOW2_OFF_REFT_OFFSET, hdr, sizeof(hdr));
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret < 0)
        return ret;
    free(s->refcount_table);
    s->refcount_table = table;
    s->refcount_table_offset = offset;
    s->refcount_table_size = (uint32_t)entries;
    return old_len ? qcow2_update_refcount(s, old_off, old_len, -1) : 0;
}

/* A free run [*t, *t + *len) holding a new table of nt clusters followed by
 * the refcount blocks missing for the run itself: the run length is the
 * fixpoint len = nt + (refcount blocks missing over [t, t+len)). */
static int qcow2_place_reftable(BDRVQcow2State *s, uint64_t nt, int64_t *t, uint64_t *len)
{
    uint64_t k = 0;

    for (;;) {
        uint64_t l = nt, m;

        *t = qcow2_find_free(s, nt + k);
        if (*t < 0)
            return (int)*t;
        while ((m = qcow2_count_missing(s, (uint64_t)*t, l)) + nt != l && m <= k)
            l = nt + m;
        if (m <= k) {
            *len = l;
            return 0;
        }
        k = m;   /* the run must be longer: search again */
    }
}

/* Grow the refcount table so that index min_index exists. */
static int qcow2_grow_reftable(BDRVQcow2State *s, uint64_t min_index)
{
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t nt = (min_index + 1 + per_cluster - 1) / per_cluster;
    uint64_t entries, len = 0, *table;
    int64_t t;
    int ret;

    nt += nt / 2 + 1;  /* slack for the table's own growth */
    for (;;) {
        if (nt * s->cluster_size > QCOW2_MAX_REFTABLE_BYTES)
            return -EFBIG;
        entries = nt * per_cluster;
        if ((ret = qcow2_place_reftable(s, nt, &t, &len)) < 0)
            return ret;
        if (((uint64_t)t + len - 1) >> s->refblock_bits < entries)
            break;
        /* The free run lies beyond what the table would cover. */
        nt = ((((uint64_t)t + len) >> s->refblock_bits) + per_cluster) / per_cluster + 1;
    }
    table = XNEW0N(uint64_t, entries);
    memcpy(table, s->refcount_table, (size_t)s->refcount_table_size * 8);
    ret = qcow2_write_new_refblocks(s, table, (uint64_t)t, len, (uint64_t)t + nt);
    if (ret == 0)
        ret = qcow2_ref_existing(s, (uint64_t)t, len);
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret == 0)
        ret = qcow2_write_reftable(s, table, entries, (uint64_t)t << s->cluster_bits);
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret == 0)
        return qcow2_switch_reftable(s, table, entries, (uint64_t)t << s->cluster_bits);
    free(table);
    return ret;
}

static int qcow2_set_reftable_entry(BDRVQcow2State *s, uint64_t i, uint64_t offset)
{
    uint64_t be = __builtin_bswap64(offset);
    int ret = bdrv_pwrite(s->bs->file, (int64_t)(s->refcount_table_offset + i * 8), &be, 8);

    if (ret == 0)
        s->refcount_table[i] = offset;
    return ret;
}

/* Create the refcount block for table index i. */
static int qcow2_alloc_refblock(BDRVQcow2State *s, uint64_t i)
{
    for (;;) {
        int64_t x;
        uint64_t xi;
        uint8_t *block;
        int ret;

        if (i >= s->refcount_table_size && (ret = qcow2_grow_reftable(s, i)) < 0)
            return ret;
        if (!qcow2_refblock_missing(s, i))
            return 0;   /* the table growth created it */
        x = qcow2_find_free(s, 1);
        if (x < 0)
            return (int)x;
        xi = (uint64_t)x >> s->refblock_bits;
        if (xi != i && qcow2_refblock_missing(s, xi)) {
            if ((ret = qcow2_alloc_refblock(s, xi)) < 0)
                return ret;
            continue;   /* x may now be taken */
        }
        if (xi != i && (ret = qcow2_update_refcount(s, (uint64_t)x << s->cluster_bits, 1, 1)) < 0)
            return ret;
        if ((ret = qcow2_cache_get_empty(s, &s->refblock_cache, (uint64_t)x << s->cluster_bits,
                                         &block)) < 0)
            return ret;
        if (xi == i)
            qcow2_refblock_set(s, block, (uint64_t)x & ((1ULL << s->refblock_bits) - 1), 1);
        ret = qcow2_cache_write(s, &s->refblock_cache, (uint64_t)x << s->cluster_bits, 0,
                                s->cluster_size);
        /* The block must be durable before the table entry naming it. */
        if (ret == 0)
            ret = qcow2_barrier(s);
        if (ret == 0)
            ret = qcow2_set_reftable_entry(s, i, (uint64_t)x << s->cluster_bits);
        return ret;
    }
}

/* Apply addend to clusters [c0, c1) that share refcount block i. */
static int qcow2_update_refblock(BDRVQcow2State *s, uint64_t i, uint64_t c0, uint64_t c1,
                                 int addend)
{
    uint64_t rb, base = i << s->refblock_bits;
    uint8_t *block;
    size_t start, len;
    int ret = qcow2_refblock_offset(s, i, &rb);

    if (ret < 0)
        return ret;
    if (!rb)
        return qcow2_signal_corruption(s, "Freeing a cluster with no refcount block");
    if ((ret = qcow2_cache_get(s, &s->refblock_cache, rb, &block)) < 0)
        return ret;
    for (uint64_t c = c0; c < c1; c++) {
        uint64_t v = qcow2_refblock_get(s, block, c - base);

        if ((addend < 0 && v < (uint64_t)-addend) ||
            (addend > 0 && s->refcount_max - v < (uint64_t)addend))
            return addend < 0 ? qcow2_signal_corruption(s, "Refcount of cluster %#llx underflows",
                                                        (unsigned long long)c)
                              : -ERANGE;
        v += (uint64_t)(int64_t)addend;
        qcow2_refblock_set(s, block, c - base, v);
        if (v == 0 && c < s->free_cluster_index)
            s->free_cluster_index = c;
    }
    qcow2_refblock_span(s, c0 - base, c1 - 1 - base, &start, &len);
    return qcow2_cache_write(s, &s->refblock_cache, rb, start, len);
}

int qcow2_update_refcount(BDRVQcow2State *s, uint64_t offset, uint64_t len, int addend)
{
    uint64_t c = offset >> s->cluster_bits;
    uint64_t end = len ? qcow2_size_to_clusters(s, offset + len) : c;

    while (c < end) {
        uint64_t i = c >> s->refblock_bits;
        uint64_t stop = MIN(end, (i + 1) << s->refblock_bits);
        int ret;

        if (qcow2_refblock_missing(s, i) && addend > 0 && (ret = qcow2_alloc_refblock(s, i)) < 0)
            return ret;
        ret = qcow2_update_refblock(s, i, c, stop, addend);
        if (ret < 0)
            return ret;
        c = stop;
    }
    return 0;
}

int64_t qcow2_alloc_clusters(BDRVQcow2State *s, uint64_t size)
{
    uint64_t nb = qcow2_size_to_clusters(s, size);

    for (;;) {
        int64_t start = qcow2_find_free(s, nb);
        bool created = false;
        int ret;

        if (start < 0)
            return start;
        for (uint64_t i = (uint64_t)start >> s->refblock_bits;
             i <= ((uint64_t)start + nb - 1) >> s->refblock_bits; i++) {
            if (qcow2_refblock_missing(s, i)) {
                if ((ret = qcow2_alloc_refblock(s, i)) < 0)
                    return ret;
                created = true;
            }
        }
        if (created)
            continue;   /* the new blocks may sit in the run we found */
        ret = qcow2_update_refcount(s, (uint64_t)start << s->cluster_bits,
                                    nb << s->cluster_bits, 1);
        if (ret < 0)
            return ret;
        s->free_cluster_index = (uint64_t)start + nb;
        return start << s->cluster_bits;
    }
}

int64_t qcow2_alloc_bytes(BDRVQcow2State *s, uint64_t size)
{
    uint64_t off = s->free_byte_offset;
    uint64_t rc = 0;
    int64_t ret;

    if (off && qcow2_offset_into_cluster(s, off) &&
        s->cluster_size - qcow2_offset_into_cluster(s, off) >= size &&
        qcow2_get_refcount(s, off >> s->cluster_bits, &rc) == 0 && rc >= 1 &&
        rc < s->refcount_max) {
        ret = qcow2_update_refcount(s, qcow2_start_of_cluster(s, off), 1, 1);
        if (ret < 0)
            return ret;
    } else {
        ret = qcow2_alloc_clusters(s, s->cluster_size);
        if (ret < 0)
            return ret;
        off = (uint64_t)ret;
    }
    s->free_byte_offset = qcow2_offset_into_cluster(s, off + size) ? off + size : 0;
    return (int64_t)off;
}

int qcow2_free_clusters(BDRVQcow2State *s, uint64_t offset, uint64_t len)
{
    return qcow2_update_refcount(s, offset, len, -1);
}
