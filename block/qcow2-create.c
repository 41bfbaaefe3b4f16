/* SPDX-License-Identifier: MIT */
/*
 * qcow2 image creation, resize, emptying and backing file changes.
 *
 * Creation writes the same initial layout as qemu-img: cluster 0 holds the
 * header (v2: 72 bytes; v3: 112 bytes plus the feature name table), cluster
 * 1 the refcount table, cluster 2 the first refcount block. The image is
 * then opened with size 0 and grown like any resize, so the L1 table lands
 * in cluster 3 through the normal allocator. preallocation=metadata also
 * allocates every L2 table and data cluster (the file stays sparse, or is
 * fallocated/zeroed for falloc/full).
 * Reference: QEMU docs/interop/qcow2.txt; QEMU manual "qemu-img create"
 * (qcow2 options) and docs/tools/qemu-img.rst ("resize", "commit").
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "block/qcow2.h"

static int qcow2_create_validate(const BlockCreateOptions *o, Error **errp)
{
    uint32_t cs = o->cluster_size;
    int rb = o->refcount_bits;

    if (cs < 512 || cs > 2 * MiB || (cs & (cs - 1))) {
        error_setg(errp, "Cluster size must be a power of two between 512 and 2048k");
        return -EINVAL;
    }
    if (rb < 1 || rb > 64 || (rb & (rb - 1))) {
        error_setg(errp, "Refcount width must be a power of two and may not exceed 64 bits");
        return -EINVAL;
    }
    if (o->version < 3 && rb != 16) {
        error_setg(errp, "Different refcount widths than 16 bits require compatibility level 1.1 "
                   "or above (use version=v3 or greater)");
        return -EINVAL;
    }
    if (o->version < 3 && o->lazy_refcounts) {
        error_setg(errp, "Lazy refcounts only supported with compatibility level 1.1 and above "
                   "(use version=v3 or greater)");
        return -EINVAL;
    }
    if (o->backing_file && o->prealloc != PREALLOC_OFF) {
        error_setg(errp, "Backing file and preallocation can only be used at the same time if "
                   "extended_l2 is on");
        return -EINVAL;
    }
    if (o->backing_file && strlen(o->backing_file) > QCOW2_MAX_BACKING_NAME) {
        error_setg(errp, "Backing file name too long");
        return -EINVAL;
    }
    return 0;
}

/* Initial header fields for an empty image of size 0. */
static void qcow2_create_state(BDRVQcow2State *s, const BlockCreateOptions *o)
{
    s->version = o->version;
    s->cluster_bits = __builtin_ctz(o->cluster_size);
    s->cluster_size = o->cluster_size;
    s->refcount_order = __builtin_ctz((unsigned)o->refcount_bits);
    s->refcount_table_offset = s->cluster_size;
    s->refcount_table_size = s->cluster_size / 8;
    s->compat = o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0;
}

/* Cluster 0 (header), 1 (refcount table), 2 (refcount block for 0..2). */
static int qcow2_write_initial(int fd, BDRVQcow2State *s, BlockDriverState *bs)
{
    uint8_t *buf = xzalloc(s->cluster_size);
    int ret;

    s->bs = bs;
    be64_store(buf, 2ULL * s->cluster_size);
    ret = pwrite(fd, buf, s->cluster_size, s->cluster_size) == (ssize_t)s->cluster_size ? 0 : -EIO;
    memset(buf, 0, s->cluster_size);
    s->refcount_bits = 1 << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX : (1ULL << s->refcount_bits) - 1;
    for (int i = 0; i < 3; i++)
        qcow2_refblock_set(s, buf, (uint64_t)i, 1);
    if (ret == 0 &&
        pwrite(fd, buf, s->cluster_size, 2 * s->cluster_size) != (ssize_t)s->cluster_size)
        ret = -EIO;
    free(buf);
    return ret;
}

/* Write the empty image through a minimal BDS on the new file. */
static int qcow2_create_file(const char *filename, const BlockCreateOptions *o, Error **errp)
{
    BDRVQcow2State s = { 0 };
    BlockDriverState *file;
    BlockDriverState bs = { .drv = &bdrv_qcow2, .opaque = &s };
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ret;

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        return -errno;
    }
    qcow2_create_state(&s, o);
    ret = qcow2_write_initial(fd, &s, &bs);
    close(fd);
    file = ret == 0 ? bdrv_open(filename, "raw", BDRV_O_RDWR, BLOCK_CACHE_WRITEBACK, errp) : NULL;
    if (!file) {
        if (ret < 0)
            error_setg_errno(errp, -ret, "Could not write qcow2 header");
        return ret < 0 ? ret : -EIO;
    }
    bs.file = file;
    bs.backing_file = (char *)o->backing_file;
    bs.backing_format = (char *)o->backing_fmt;
    s.barriers = true;
    ret = qcow2_update_header(&s);
    if (ret < 0)
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
    bdrv_close(file);
    return ret;
}

/* Allocate the L2 tables and data clusters of the whole disk. */
static int qcow2_prealloc_metadata(BDRVQcow2State *s, BlockPrealloc mode)
{
    uint64_t span = (uint64_t)s->l2_size << s->cluster_bits;
    uint64_t *entries = XNEW0N(uint64_t, s->l2_size);
    int64_t host = 0, end = 0;
    int ret = 0;

    for (uint64_t off = 0; off < s->size && ret == 0; off += span) {
        uint64_t nb = qcow2_size_to_clusters(s, MIN(span, s->size - off));
        uint8_t *l2;
        uint64_t l2_off;

        if ((ret = qcow2_get_l2_for_write(s, off, &l2, &l2_off)) < 0 ||
            (host = qcow2_alloc_clusters(s, nb << s->cluster_bits)) < 0)
            break;
        for (uint64_t k = 0; k < nb; k++)
            entries[k] = ((uint64_t)host + (k << s->cluster_bits)) | QCOW_OFLAG_COPIED;
        end = MAX(end, host + (int64_t)(nb << s->cluster_bits));
        ret = qcow2_set_l2_entries(s, off, entries, (int)nb);
    }
    free(entries);
    if (host < 0)
        return (int)host;
    if (ret == 0 && mode == PREALLOC_METADATA && end > bdrv_getlength(s->bs->file))
        ret = ftruncate(raw_fd(s->bs->file), end) < 0 ? -errno : 0;
    else if (ret == 0 && mode != PREALLOC_METADATA && end)
        ret = -posix_fallocate(raw_fd(s->bs->file), 0, end);
    return ret;
}

int qcow2_create(const char *filename, const BlockCreateOptions *opts, Error **errp)
{
    BlockCreateOptions o = *opts;
    BlockDriverState *bs;
    int ret;

    o.cluster_size = o.cluster_size ? o.cluster_size : QCOW2_DEFAULT_CLUSTER_SIZE;
    o.version = o.version ? o.version : 3;
    o.refcount_bits = o.refcount_bits ? o.refcount_bits : 16;
    if ((ret = qcow2_create_validate(&o, errp)) < 0 ||
        (ret = qcow2_create_file(filename, &o, errp)) < 0)
        return ret;
    bs = bdrv_open(filename, "qcow2", BDRV_O_RDWR | BDRV_O_NO_BACKING, BLOCK_CACHE_WRITEBACK,
                   errp);
    if (!bs)
        return -EIO;
    ret = qcow2_truncate(bs, (int64_t)o.size, false, errp);
    if (ret == 0 && o.prealloc != PREALLOC_OFF) {
        ret = qcow2_prealloc_metadata(bs->opaque, o.prealloc);
        if (ret == 0)
            ret = qcow2_writeback(bs->opaque);
        if (ret < 0)
            error_setg_errno(errp, -ret, "Could not preallocate metadata");
    }
    if (ret == 0 && (ret = bdrv_flush(bs)) < 0)
        error_setg_errno(errp, -ret, "Could not flush the new image");
    bdrv_close(bs);
    return ret;
}

int qcow2_truncate(BlockDriverState *bs, int64_t size, bool shrink, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t be[8];
    int ret;

    if (size & 511) {
        error_setg(errp, "The new size must be a multiple of 512");
        return -EINVAL;
    }
    if (s->nb_snapshots) {
        error_setg(errp, "Can't resize an image which has snapshots");
        return -ENOTSUP;
    }
    if ((uint64_t)size < s->size) {
        error_setg(errp, "qcow2 doesn't support shrinking images yet");
        return -ENOTSUP;
    }
    ret = qcow2_grow_l1_table(s, qcow2_size_to_l1(s, (uint64_t)size));
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to grow the L1 table");
        return ret;
    }
    be64_store(be, (uint64_t)size);
    ret = bdrv_pwrite(bs->file, QCOW2_OFF_SIZE, be, sizeof(be));
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image size");
        return ret;
    }
    s->size = (uint64_t)size;
    return 0;
}

/* Free one L2 table and every cluster it references (L1 entry cleared first). */
static int qcow2_empty_l2(BDRVQcow2State *s, uint32_t i)
{
    uint64_t l2_off = s->l1_table[i] & L1E_OFFSET_MASK, be = 0;
    uint8_t *l2 = xmalloc(s->cluster_size);
    int ret = bdrv_pread(s->bs->file, (int64_t)l2_off, l2, s->cluster_size);

    if (ret == 0)
        ret = bdrv_pwrite(s->bs->file, (int64_t)(s->l1_table_offset + (uint64_t)i * 8), &be, 8);
    if (ret == 0)
        ret = qcow2_barrier(s);
    if (ret == 0) {
        s->l1_table[i] = 0;
        qcow2_cache_discard(&s->l2_cache, l2_off);
    }
    for (uint32_t j = 0; ret == 0 && j < s->l2_size; j++)
        ret = qcow2_release_entry(s, be64_load(l2 + (size_t)j * 8));
    if (ret == 0)
        ret = qcow2_free_clusters(s, l2_off, s->cluster_size);
    free(l2);
    return ret;
}

int qcow2_make_empty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t last = 0, rc;
    int64_t len = bdrv_getlength(bs->file);
    int ret = 0;

    if (s->nb_snapshots)
        return -ENOTSUP;
    ret = qcow2_writeback(s);
    for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
        if (s->l1_table[i] & L1E_OFFSET_MASK)
            ret = qcow2_empty_l2(s, i);
    }
    /* Give back the file space past the last cluster still in use. */
    for (uint64_t c = 0; ret == 0 && len > 0 && c < qcow2_size_to_clusters(s, (uint64_t)len); c++) {
        if ((ret = qcow2_get_refcount(s, c, &rc)) == 0 && rc)
            last = c;
    }
    if (ret == 0 && (ret = qcow2_barrier(s)) == 0)
        ret = ftruncate(raw_fd(bs->file), (off_t)((last + 1) << s->cluster_bits)) < 0 ? -errno : 0;
    return ret;
}

int qcow2_change_backing_file(BlockDriverState *bs, const char *file, const char *fmt)
{
    BDRVQcow2State *s = bs->opaque;

    free(bs->backing_file);
    free(bs->backing_format);
    bs->backing_file = file ? xstrdup(file) : NULL;
    bs->backing_format = file && fmt ? xstrdup(fmt) : NULL;
    return qcow2_update_header(s);
}
