/* SPDX-License-Identifier: MIT */
/*
 * qcow2 consistency check and repair (kemu-img check).
 *
 * The check walks every structure that references host clusters (header,
 * active and snapshot L1/L2 tables, snapshot table, refcount table and
 * blocks), counts the references per cluster in memory and compares them
 * with the stored refcounts: a stored count above the references is a leak
 * (harmless), below is a corruption. It then verifies the "copied" flags.
 * Messages, counting and the repair rules follow qemu-img check: -r leaks
 * lowers leaked counts, -r all also raises counts that are too low (new
 * refcount blocks go past every referenced cluster) and fixes flags.
 * Reference: QEMU docs/tools/qemu-img.rst ("check") and the behaviour of
 * block/qcow2-refcount.c (qcow2_check_refcounts).
 */
#include <errno.h>

#include "block/qcow2.h"

#define CHECK_FRAG_INFO 1

typedef struct Qcow2Check {
    BDRVQcow2State *s;
    BdrvCheckResult *res;
    uint32_t *refs;         /* references per host cluster */
    uint64_t nb;            /* entries of refs */
    uint64_t next_contiguous;
    bool rebuild;
} Qcow2Check;

static void check_inc(Qcow2Check *c, uint64_t offset, uint64_t size)
{
    BDRVQcow2State *s = c->s;
    uint64_t first, last;

    if (size == 0)
        return;
    first = offset >> s->cluster_bits;
    last = (offset + size - 1) >> s->cluster_bits;
    if (last >= c->nb) {
        uint64_t n = last + 1;

        c->refs = xrealloc(c->refs, n * sizeof(*c->refs));
        memset(c->refs + c->nb, 0, (n - c->nb) * sizeof(*c->refs));
        c->nb = n;
    }
    for (uint64_t k = first; k <= last; k++) {
        if (c->refs[k] == UINT32_MAX || c->refs[k] >= s->refcount_max) {
            fprintf(stderr, "ERROR: overflow cluster offset=0x%llx\n",
                    (unsigned long long)(k << s->cluster_bits));
            c->res->corruptions++;
            continue;
        }
        c->refs[k]++;
    }
}

static void check_l2_entry(Qcow2Check *c, uint64_t e, int flags)
{
    BDRVQcow2State *s = c->s;
    uint64_t off, len;

    switch (qcow2_cluster_type(s, e)) {
    case QCOW2_CLUSTER_COMPRESSED:
        if (e & QCOW_OFLAG_COPIED) {
            fprintf(stderr, "ERROR: coffset=0x%llx: copied flag must never be set for compressed "
                    "clusters\n", (unsigned long long)(e & s->cluster_offset_mask));
            e &= ~QCOW_OFLAG_COPIED;
            c->res->corruptions++;
        }
        qcow2_compressed_range(s, e, &off, &len);
        check_inc(c, off, len);
        if (flags & CHECK_FRAG_INFO) {
            c->res->allocated_clusters++;
            c->res->compressed_clusters++;
            c->res->fragmented_clusters++;
        }
        break;
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        off = e & L2E_OFFSET_MASK;
        if (flags & CHECK_FRAG_INFO) {
            c->res->allocated_clusters++;
            if (c->next_contiguous && off != c->next_contiguous)
                c->res->fragmented_clusters++;
            c->next_contiguous = off + s->cluster_size;
        }
        if (qcow2_offset_into_cluster(s, off)) {
            fprintf(stderr, "ERROR offset=%llx: Data cluster is not properly aligned; L2 entry "
                    "corrupted.\n", (unsigned long long)off);
            c->res->corruptions++;
            break;
        }
        check_inc(c, off, s->cluster_size);
        break;
    default:
        break;
    }
}

static void check_l2(Qcow2Check *c, uint64_t l2_offset, int flags, uint8_t *table)
{
    BDRVQcow2State *s = c->s;

    if (bdrv_pread(s->bs->file, (int64_t)l2_offset, table, s->cluster_size) < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l2\n");
        c->res->check_errors++;
        return;
    }
    for (uint32_t j = 0; j < s->l2_size; j++)
        check_l2_entry(c, be64_load(table + (size_t)j * 8), flags);
}

static void check_l1(Qcow2Check *c, uint64_t l1_offset, uint32_t l1_size, int flags)
{
    BDRVQcow2State *s = c->s;
    uint64_t *l1 = XNEW0N(uint64_t, l1_size ? l1_size : 1);
    uint8_t *table = xmalloc(s->cluster_size);

    check_inc(c, l1_offset, (uint64_t)l1_size * 8);
    if (bdrv_pread(s->bs->file, (int64_t)l1_offset, l1, (size_t)l1_size * 8) < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l1\n");
        c->res->check_errors++;
        l1_size = 0;
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_offset = __builtin_bswap64(l1[i]) & L1E_OFFSET_MASK;

        if (!l2_offset)
            continue;
        check_inc(c, l2_offset, s->cluster_size);
        if (qcow2_offset_into_cluster(s, l2_offset)) {
            fprintf(stderr, "ERROR l2_offset=%llx: Table is not cluster aligned; L1 entry "
                    "corrupted\n", (unsigned long long)l2_offset);
            c->res->corruptions++;
            continue;
        }
        check_l2(c, l2_offset, flags, table);
    }
    free(table);
    free(l1);
}

static void check_snapshots(Qcow2Check *c)
{
    BDRVQcow2State *s = c->s;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];

        check_l1(c, sn->l1_table_offset, sn->l1_size, 0);
    }
    check_inc(c, s->snapshots_offset, s->snapshots_size);
}

static void check_refblocks(Qcow2Check *c)
{
    BDRVQcow2State *s = c->s;

    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t off = s->refcount_table[i] & REFT_OFFSET_MASK;
        uint64_t cluster = off >> s->cluster_bits;

        if (s->refcount_table[i] & 0x1ffULL) {
            fprintf(stderr, "ERROR refcount table entry %llu has reserved bits set\n",
                    (unsigned long long)i);
            c->res->corruptions++;
            c->rebuild = true;
            continue;
        }
        if (qcow2_offset_into_cluster(s, off)) {
            fprintf(stderr, "ERROR refcount block %llu is not cluster aligned; refcount table "
                    "entry corrupted\n", (unsigned long long)i);
            c->res->corruptions++;
            c->rebuild = true;
            continue;
        }
        if (cluster >= c->nb) {
            fprintf(stderr, "ERROR refcount block %llu is outside image\n", (unsigned long long)i);
            c->res->corruptions++;
            continue;
        }
        if (off) {
            check_inc(c, off, s->cluster_size);
            if (c->refs[cluster] != 1) {
                fprintf(stderr, "ERROR refcount block %llu refcount=%u\n", (unsigned long long)i,
                        c->refs[cluster]);
                c->res->corruptions++;
                c->rebuild = true;
            }
        }
    }
}

static void check_calculate(Qcow2Check *c)
{
    BDRVQcow2State *s = c->s;

    check_inc(c, 0, s->cluster_size);
    check_l1(c, s->l1_table_offset, s->l1_size, CHECK_FRAG_INFO);
    check_snapshots(c);
    check_inc(c, s->refcount_table_offset, (uint64_t)s->refcount_table_size * 8);
    check_refblocks(c);
}

/* Compare stored refcounts with the references; fix as allowed. */
static void check_compare(Qcow2Check *c, int fix, int64_t *highest)
{
    BDRVQcow2State *s = c->s;
    BdrvCheckResult *res = c->res;

    *highest = -1;
    for (uint64_t i = 0; i < c->nb; i++) {
        uint64_t r1, r2 = c->refs[i];
        int *num_fixed = NULL;

        if (qcow2_get_refcount(s, i, &r1) < 0) {
            fprintf(stderr, "Can't get refcount for cluster %llu\n", (unsigned long long)i);
            res->check_errors++;
            continue;
        }
        if (r1 > 0 || r2 > 0)
            *highest = (int64_t)i;
        if (r1 == r2)
            continue;
        if (r1 == 0)
            c->rebuild = true;
        if (r1 > r2 && (fix & BDRV_FIX_LEAKS))
            num_fixed = &res->leaks_fixed;
        else if (r1 < r2 && (fix & BDRV_FIX_ERRORS))
            num_fixed = &res->corruptions_fixed;
        fprintf(stderr, "%s cluster %llu refcount=%llu reference=%llu\n",
                num_fixed ? "Repairing" : r1 < r2 ? "ERROR" : "Leaked", (unsigned long long)i,
                (unsigned long long)r1, (unsigned long long)r2);
        if (num_fixed && qcow2_update_refcount(s, i << s->cluster_bits, 1,
                                               (int)((int64_t)r2 - (int64_t)r1)) == 0) {
            (*num_fixed)++;
            continue;
        }
        if (r1 < r2)
            res->corruptions++;
        else
            res->leaks++;
    }
}

/* A copied flag must be set exactly when the refcount is 1. */
static bool check_copied_flag(Qcow2Check *c, uint64_t entry, uint64_t offset, bool repair,
                              const char *what, uint64_t *fixed)
{
    uint64_t rc;

    if (qcow2_get_refcount(c->s, offset >> c->s->cluster_bits, &rc) < 0 ||
        (rc == 1) == ((entry & QCOW_OFLAG_COPIED) != 0))
        return false;
    fprintf(stderr, "%s OFLAG_COPIED %s=%llx refcount=%llu\n", repair ? "Repairing" : "ERROR",
            what, (unsigned long long)entry, (unsigned long long)rc);
    *fixed = rc == 1 ? entry | QCOW_OFLAG_COPIED : entry & ~QCOW_OFLAG_COPIED;
    return true;
}

static void check_oflag_l2(Qcow2Check *c, uint64_t l2_offset, bool repair, uint8_t *table)
{
    BDRVQcow2State *s = c->s;
    int dirty = 0;

    if (bdrv_pread(s->bs->file, (int64_t)l2_offset, table, s->cluster_size) < 0) {
        fprintf(stderr, "ERROR: Could not read L2 table\n");
        c->res->check_errors++;
        return;
    }
    for (uint32_t j = 0; j < s->l2_size; j++) {
        uint64_t e = be64_load(table + (size_t)j * 8), fixed;
        Qcow2ClusterType t = qcow2_cluster_type(s, e);

        if ((t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) &&
            check_copied_flag(c, e, e & L2E_OFFSET_MASK, repair, "data cluster: l2_entry",
                              &fixed)) {
            c->res->corruptions++;
            if (repair) {
                be64_store(table + (size_t)j * 8, fixed);
                dirty++;
            }
        }
    }
    if (dirty) {
        qcow2_cache_discard(&s->l2_cache, l2_offset);
        if (bdrv_pwrite(s->bs->file, (int64_t)l2_offset, table, s->cluster_size) < 0) {
            c->res->check_errors++;
            return;
        }
        c->res->corruptions -= dirty;
        c->res->corruptions_fixed += dirty;
    }
}

static void check_oflag_copied(Qcow2Check *c, int fix)
{
    BDRVQcow2State *s = c->s;
    BdrvCheckResult *res = c->res;
    uint8_t *table = xmalloc(s->cluster_size);
    bool repair = (fix & BDRV_FIX_ERRORS) ||
                  ((fix & BDRV_FIX_LEAKS) && !res->check_errors && !res->corruptions &&
                   !res->leaks);

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l2_offset = s->l1_table[i] & L1E_OFFSET_MASK, fixed, be;

        if (!l2_offset || qcow2_offset_into_cluster(s, l2_offset))
            continue;
        char *what = xasprintf("L2 cluster: l1_index=%u l1_entry", i);
        bool bad = check_copied_flag(c, s->l1_table[i], l2_offset, repair, what, &fixed);

        free(what);
        if (bad) {
            res->corruptions++;
            if (repair) {
                s->l1_table[i] = fixed;
                be = __builtin_bswap64(fixed);
                if (bdrv_pwrite(s->bs->file, (int64_t)(s->l1_table_offset + i * 8), &be, 8) < 0) {
                    res->check_errors++;
                    break;
                }
                res->corruptions--;
                res->corruptions_fixed++;
            }
        }
        check_oflag_l2(c, l2_offset, repair, table);
    }
    free(table);
}

static void check_read_snapshot_table(BDRVQcow2State *s, BdrvCheckResult *res)
{
    Error *err = NULL;

    if (s->snapshots || s->nb_snapshots == 0)
        return;
    if (qcow2_read_snapshots(s, &err) < 0) {
        fprintf(stderr, "ERROR %s\n", err->msg);
        error_free(err);
        res->corruptions++;
        s->nb_snapshots = 0;
        s->snapshots_size = 0;
    }
}

/* -r all when a cluster in use has refcount 0: move allocation past every
 * referenced cluster, so fixing a count never hands out a used cluster. */
static void check_prepare_repair(Qcow2Check *c)
{
    fprintf(stderr, "Rebuilding refcount structure\n");
    c->s->free_cluster_index = MAX(c->s->free_cluster_index, c->nb);
}

int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_len = bdrv_getlength(bs->file), highest;
    Qcow2Check c = { .s = s, .res = res };
    BdrvCheckResult pre;

    if (file_len < 0) {
        res->check_errors++;
        return (int)file_len;
    }
    if (!bs->read_only && qcow2_writeback(s) < 0)   /* check reads the tables from the file */
        res->check_errors++;
    check_read_snapshot_table(s, res);
    c.nb = qcow2_size_to_clusters(s, (uint64_t)file_len);
    c.refs = XNEW0N(uint32_t, c.nb ? c.nb : 1);
    res->total_clusters = (int64_t)qcow2_size_to_clusters(s, s->size);
    check_calculate(&c);
    pre = *res;
    check_compare(&c, 0, &highest);
    if (c.rebuild && (fix & BDRV_FIX_ERRORS)) {
        check_prepare_repair(&c);
        *res = pre;
        check_compare(&c, fix, &highest);
    } else if (fix) {
        if (c.rebuild) {
            fprintf(stderr, "ERROR need to rebuild refcount structures\n");
            res->check_errors++;
            free(c.refs);
            return -EIO;
        }
        if (res->leaks || res->corruptions) {
            *res = pre;
            check_compare(&c, fix, &highest);
        }
    }
    check_oflag_copied(&c, fix);
    res->image_end_offset = (highest + 1) << s->cluster_bits;
    free(c.refs);
    if (fix && !res->check_errors && !res->corruptions &&
        (s->incompat & (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT))) {
        s->incompat &= ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT);
        return qcow2_update_header(s);
    }
    return 0;
}
