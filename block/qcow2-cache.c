/* SPDX-License-Identifier: MIT */
/*
 * qcow2 metadata table cache (L2 tables and refcount blocks).
 *
 * A set-associative cache (4 ways) of cluster-sized tables kept in their
 * on-disk (big-endian) form, slots allocated on first use. Refcount blocks
 * are written through at once with qcow2_cache_write(), so a refcount is
 * on disk (in the page cache) before anything that depends on it. L2
 * tables are write-back: qcow2_cache_mark_dirty() records a change that
 * qcow2_writeback() later writes, after a flush of the data and refcounts
 * it points at; evicting a dirty table triggers that writeback first.
 * Every table read is checked against the fixed metadata (header, L1,
 * refcount table), so a corrupt pointer cannot make a table alias them.
 * Reference: QEMU block/qcow2-cache.c (the idea of dependent write-back).
 */
#include <errno.h>

#include "block/qcow2.h"

#define CACHE_WAYS 4

void qcow2_cache_init(Qcow2Cache *c, int nb, size_t table_size)
{
    nb = ROUND_UP(MAX(nb, CACHE_WAYS), CACHE_WAYS);
    c->nb = nb;
    c->table_size = table_size;
    c->offset = XNEW0N(uint64_t, nb);
    c->lru = XNEW0N(uint64_t, nb);
    c->slot = XNEW0N(uint8_t *, nb);
    c->dirty = XNEW0N(bool, nb);
    c->tick = 0;
}

void qcow2_cache_destroy(Qcow2Cache *c)
{
    for (int i = 0; c->slot && i < c->nb; i++)
        free(c->slot[i]);
    free(c->offset);
    free(c->lru);
    free(c->slot);
    free(c->dirty);
    memset(c, 0, sizeof(*c));
}

/* First slot of the set that may hold offset. */
static int qcow2_cache_set(Qcow2Cache *c, uint64_t offset)
{
    uint64_t h = (offset / c->table_size) * 0x9e3779b97f4a7c15ULL;

    return (int)((h >> 32) % (uint64_t)(c->nb / CACHE_WAYS)) * CACHE_WAYS;
}

static int qcow2_cache_find(Qcow2Cache *c, uint64_t offset)
{
    int set = qcow2_cache_set(c, offset);

    for (int i = set; i < set + CACHE_WAYS; i++) {
        if (c->offset[i] == offset)
            return i;
    }
    return -1;
}

/* A slot for offset in its set: an empty one, else the least recently
 * used (written back first if dirty). */
static int qcow2_cache_victim(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, int *slot)
{
    int set = qcow2_cache_set(c, offset), best = set;

    for (int i = set; i < set + CACHE_WAYS; i++) {
        if (!c->offset[i]) {
            best = i;
            break;
        }
        if (c->lru[i] < c->lru[best])
            best = i;
    }
    if (c->offset[best] && c->dirty[best]) {
        int ret = qcow2_writeback(s);

        if (ret < 0)
            return ret;
    }
    if (!c->slot[best])
        c->slot[best] = xmalloc(c->table_size);
    c->offset[best] = 0;
    *slot = best;
    return 0;
}

static uint8_t *qcow2_cache_use(Qcow2Cache *c, int i)
{
    c->lru[i] = ++c->tick;
    return c->slot[i];
}

/* A table must not sit on the header, the L1 table or the refcount table. */
static int qcow2_cache_check_table(BDRVQcow2State *s, uint64_t offset)
{
    uint64_t len = s->cluster_size;
    uint64_t l1_end = s->l1_table_offset + (uint64_t)s->l1_size * 8;
    uint64_t rt_end = s->refcount_table_offset + (uint64_t)s->refcount_table_size * 8;

    if (offset < s->cluster_size || qcow2_offset_into_cluster(s, offset) ||
        offset > QCOW2_MAX_HOST_OFFSET ||
        (s->l1_size && offset < l1_end && s->l1_table_offset < offset + len) ||
        (s->refcount_table_size && offset < rt_end && s->refcount_table_offset < offset + len))
        return qcow2_signal_corruption(s, "Metadata table at invalid offset %#llx",
                                       (unsigned long long)offset);
    return 0;
}

int qcow2_cache_get(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table)
{
    int i = qcow2_cache_find(c, offset);
    int ret;

    if (i >= 0) {
        *table = qcow2_cache_use(c, i);
        return 0;
    }
    if ((ret = qcow2_cache_check_table(s, offset)) < 0 ||
        (ret = qcow2_cache_victim(s, c, offset, &i)) < 0)
        return ret;
    ret = bdrv_pread(s->bs->file, (int64_t)offset, c->slot[i], c->table_size);
    if (ret < 0)
        return ret;
    c->offset[i] = offset;
    c->dirty[i] = false;
    *table = qcow2_cache_use(c, i);
    return 0;
}

int qcow2_cache_get_empty(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table)
{
    int i = qcow2_cache_find(c, offset);
    int ret;

    if (i < 0) {
        if ((ret = qcow2_cache_victim(s, c, offset, &i)) < 0)
            return ret;
        c->offset[i] = offset;
    }
    c->dirty[i] = false;
    *table = qcow2_cache_use(c, i);
    memset(*table, 0, c->table_size);
    return 0;
}

int qcow2_cache_write(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, size_t start, size_t len)
{
    int i = qcow2_cache_find(c, offset);

    if (i < 0 || start + len > c->table_size)
        return -EINVAL;
    return bdrv_pwrite(s->bs->file, (int64_t)(offset + start), c->slot[i] + start, len);
}

void qcow2_cache_mark_dirty(Qcow2Cache *c, uint64_t offset)
{
    int i = qcow2_cache_find(c, offset);

    if (i >= 0)
        c->dirty[i] = true;
}

bool qcow2_cache_is_dirty(Qcow2Cache *c)
{
    for (int i = 0; i < c->nb; i++) {
        if (c->offset[i] && c->dirty[i])
            return true;
    }
    return false;
}

int qcow2_cache_write_dirty(BDRVQcow2State *s, Qcow2Cache *c)
{
    for (int i = 0; i < c->nb; i++) {
        int ret;

        if (!c->offset[i] || !c->dirty[i])
            continue;
        ret = bdrv_pwrite(s->bs->file, (int64_t)c->offset[i], c->slot[i], c->table_size);
        if (ret < 0)
            return ret;
        c->dirty[i] = false;
    }
    return 0;
}

void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset)
{
    int i = qcow2_cache_find(c, offset);

    if (i >= 0) {
        c->offset[i] = 0;
        c->dirty[i] = false;
    }
}
