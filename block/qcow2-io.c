/* SPDX-License-Identifier: MIT */
/*
 * qcow2 guest reads and writes.
 *
 * Reads go cluster by cluster: unallocated clusters come from the backing
 * file (zeros past its end, or with no backing file), zero clusters read as
 * zeros, compressed clusters are inflated, normal clusters are read in
 * place. Writes to a cluster the image owns alone (L2 "copied" flag) go in
 * place; any other cluster gets a freshly allocated one: the untouched
 * parts are copied from what the guest would have read before (backing
 * file, zeros, compressed or shared cluster) and the data is written; the
 * L2 entry is changed in the cache and reaches the file at the next
 * writeback, after a flush; a cluster the old entry held is released only
 * after the new entry is durable. Consecutive allocations inside one L2 table
 * are batched into one data write, one flush and one L2 update.
 * Reference: QEMU docs/interop/qcow2.txt; QEMU manual "Disk Images" (COW).
 */
#include <errno.h>

#include "block/qcow2.h"

#define WRITE_BATCH_BYTES (4 * MiB)

/* Read from the backing file, zeros where it has none. */
static int qcow2_read_backing(BDRVQcow2State *s, uint64_t offset, uint8_t *buf, size_t len)
{
    BlockDriverState *backing = s->bs->backing;
    int64_t blen = backing ? bdrv_getlength(backing) : 0;
    size_t n = 0;

    if (blen < 0)
        return (int)blen;
    if (offset < (uint64_t)blen)
        n = (size_t)MIN((uint64_t)len, (uint64_t)blen - offset);
    memset(buf + n, 0, len - n);
    return n ? bdrv_pread(backing, (int64_t)offset, buf, n) : 0;
}

/* Read [offset, offset+len) inside one cluster whose L2 entry is e. */
static int qcow2_read_cluster_part(BDRVQcow2State *s, uint64_t e, uint64_t offset, uint8_t *buf,
                                   size_t len)
{
    uint64_t in = qcow2_offset_into_cluster(s, offset);
    uint8_t *tmp;
    int ret;

    switch (qcow2_cluster_type(s, e)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return qcow2_read_backing(s, offset, buf, len);
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        memset(buf, 0, len);
        return 0;
    case QCOW2_CLUSTER_COMPRESSED:
        tmp = xmalloc(s->cluster_size);
        ret = qcow2_read_compressed(s, e, tmp);
        if (ret == 0)
            memcpy(buf, tmp + in, len);
        free(tmp);
        return ret;
    default:
        return bdrv_pread(s->bs->file, (int64_t)((e & L2E_OFFSET_MASK) + in), buf, len);
    }
}

/* Bytes from off on that are normal clusters following host offset e:
 * one host read instead of one per cluster. */
static size_t qcow2_contiguous(BDRVQcow2State *s, uint64_t e, uint64_t off, size_t len)
{
    uint64_t host = (e & L2E_OFFSET_MASK) + s->cluster_size;
    size_t n = (size_t)MIN((uint64_t)len, s->cluster_size - qcow2_offset_into_cluster(s, off));

    while (n < len && ((off + n) >> s->cluster_bits) % s->l2_size != 0) {
        uint64_t next;

        if (qcow2_get_l2_entry(s, off + n, &next) < 0 ||
            qcow2_cluster_type(s, next) != QCOW2_CLUSTER_NORMAL ||
            (next & L2E_OFFSET_MASK) != host)
            break;
        n += (size_t)MIN((uint64_t)(len - n), s->cluster_size);
        host += s->cluster_size;
    }
    return n;
}

int qcow2_pread(BlockDriverState *bs, int64_t offset, void *buf, size_t len)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = (uint64_t)offset;
    uint8_t *p = buf;

    if (off > s->size || len > s->size - off)
        return -EIO;
    while (len > 0) {
        size_t n = (size_t)MIN((uint64_t)len, s->cluster_size - qcow2_offset_into_cluster(s, off));
        uint64_t e;
        int ret = qcow2_get_l2_entry(s, off, &e);

        if (ret == 0 && qcow2_cluster_type(s, e) == QCOW2_CLUSTER_NORMAL)
            n = qcow2_contiguous(s, e, off, len);
        if (ret == 0)
            ret = qcow2_read_cluster_part(s, e, off, p, n);
        if (ret < 0)
            return ret;
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* An entry the image owns alone and may overwrite in place. */
static bool qcow2_in_place(BDRVQcow2State *s, uint64_t e)
{
    return qcow2_cluster_type(s, e) == QCOW2_CLUSTER_NORMAL && (e & QCOW_OFLAG_COPIED);
}

int qcow2_release_entry(BDRVQcow2State *s, uint64_t e)
{
    uint64_t off, len;

    switch (qcow2_cluster_type(s, e)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        return qcow2_free_clusters(s, e & L2E_OFFSET_MASK, s->cluster_size);
    case QCOW2_CLUSTER_COMPRESSED:
        qcow2_compressed_range(s, e, &off, &len);
        return qcow2_update_refcount(s, off & ~511ULL, ROUND_UP((off & 511) + len, 512), -1);
    default:
        return 0;
    }
}

typedef struct Qcow2WriteRun {
    uint64_t guest;        /* guest offset of the first byte written */
    const uint8_t *data;   /* the guest's bytes */
    size_t len;            /* bytes of guest data in this run */
    uint64_t first;        /* guest offset of the first cluster */
    int nb;                /* clusters */
    uint64_t old[64];      /* their old L2 entries */
} Qcow2WriteRun;

/* Fill the cluster-aligned buffer for a run: old contents where the guest
 * does not write (only the first and last cluster can be partial). */
static int qcow2_build_run(BDRVQcow2State *s, Qcow2WriteRun *r, uint8_t *buf)
{
    uint64_t cs = s->cluster_size, head = r->guest - r->first;
    uint64_t tail = (uint64_t)r->nb * cs - head - r->len;
    int ret = 0;

    if (head)
        ret = qcow2_read_cluster_part(s, r->old[0], r->first, buf, cs);
    if (ret == 0 && tail && (r->nb > 1 || !head))
        ret = qcow2_read_cluster_part(s, r->old[r->nb - 1], r->first + (uint64_t)(r->nb - 1) * cs,
                                      buf + (size_t)(r->nb - 1) * cs, cs);
    if (ret == 0)
        memcpy(buf + head, r->data, r->len);
    return ret;
}

static int qcow2_write_new_run(BDRVQcow2State *s, Qcow2WriteRun *r)
{
    uint64_t cs = s->cluster_size, entries[64];
    uint8_t *buf = xmalloc((size_t)r->nb * cs);
    bool release = false;
    int64_t host;
    int ret = qcow2_build_run(s, r, buf);

    host = ret < 0 ? ret : qcow2_alloc_clusters(s, (uint64_t)r->nb * cs);
    if (host < 0) {
        free(buf);
        return (int)host;
    }
    ret = bdrv_pwrite(s->bs->file, host, buf, (size_t)r->nb * cs);
    free(buf);
    for (int k = 0; k < r->nb; k++) {
        entries[k] = ((uint64_t)host + (uint64_t)k * cs) | QCOW_OFLAG_COPIED;
        release |= qcow2_cluster_type(s, r->old[k]) >= QCOW2_CLUSTER_ZERO_ALLOC;
    }
    /* The L2 update waits for the writeback, which flushes the data first. */
    if (ret == 0)
        ret = qcow2_set_l2_entries(s, r->first, entries, r->nb);
    /* Old clusters lose their reference only once the new one is durable. */
    if (ret == 0 && release && (ret = qcow2_writeback(s)) == 0)
        ret = qcow2_barrier(s);
    for (int k = 0; ret == 0 && release && k < r->nb; k++)
        ret = qcow2_release_entry(s, r->old[k]);
    return ret;
}

static int qcow2_write_in_place(BDRVQcow2State *s, uint64_t e, uint64_t guest, const uint8_t *data,
                                size_t len)
{
    uint64_t host = (e & L2E_OFFSET_MASK) + qcow2_offset_into_cluster(s, guest);
    int ret = qcow2_check_overlap(s, host, len);

    return ret < 0 ? ret : bdrv_pwrite(s->bs->file, (int64_t)host, data, len);
}

/* Clusters of [off, off+len) that share the L2 table and the in-place/new
 * kind of the first one; returns bytes handled. */
static int64_t qcow2_write_chunk(BDRVQcow2State *s, uint64_t off, const uint8_t *data, size_t len)
{
    uint64_t cs = s->cluster_size, first = qcow2_start_of_cluster(s, off), e;
    uint64_t table_end = (first | (((uint64_t)s->l2_size << s->cluster_bits) - 1)) + 1;
    uint64_t end = MIN(off + len, table_end);
    uint64_t max_nb = MIN(64, MAX(1, WRITE_BATCH_BYTES / cs));
    Qcow2WriteRun r = { .guest = off, .data = data, .first = first };
    int ret = qcow2_get_l2_entry(s, off, &e);
    bool in_place = qcow2_in_place(s, e);
    uint64_t p = first;

    if (ret < 0)
        return ret;
    if (!in_place) {    /* allocate the L2 table before the data, as QEMU does */
        uint8_t *l2;
        uint64_t l2_off;

        if ((ret = qcow2_get_l2_for_write(s, off, &l2, &l2_off)) < 0)
            return ret;
    }
    while (p < end && (uint64_t)r.nb < max_nb) {
        if (p != first &&
            ((ret = qcow2_get_l2_entry(s, p, &e)) < 0 || qcow2_in_place(s, e) != in_place))
            break;
        r.old[r.nb++] = e;
        p += cs;
    }
    r.len = (size_t)(MIN(p, end) - off);
    if (in_place) {
        for (int k = 0; k < r.nb; k++) {
            uint64_t g = MAX(off, first + (uint64_t)k * cs);
            uint64_t n = MIN(end, first + (uint64_t)(k + 1) * cs) - g;

            if ((ret = qcow2_write_in_place(s, r.old[k], g, data + (g - off), n)) < 0)
                return ret;
        }
        return (int64_t)r.len;
    }
    ret = qcow2_write_new_run(s, &r);
    return ret < 0 ? ret : (int64_t)r.len;
}

int qcow2_pwrite(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = (uint64_t)offset;
    const uint8_t *p = buf;

    if (off > s->size || len > s->size - off)
        return -EIO;
    while (len > 0) {
        int64_t n = qcow2_write_chunk(s, off, p, len);

        if (n < 0)
            return (int)n;
        off += (uint64_t)n;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
