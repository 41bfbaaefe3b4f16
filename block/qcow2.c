/* SPDX-License-Identifier: MIT */
/*
 * qcow2 format driver: opening and validating an image, the driver table.
 *
 * Opening reads and checks the header as QEMU does (same messages for the
 * same faults: bad magic, unsupported version, cluster_bits out of range,
 * tables too large or misaligned, L1 table too small) and adds checks QEMU
 * leaves to run time: metadata tables must lie inside the file and must not
 * overlap each other or the header. A refused image is never written to.
 * v2 and v3 images are supported, with the dirty/corrupt bits; encryption,
 * external data files, extended L2 entries and non-zlib compression are
 * refused as unsupported features. Reference: QEMU docs/interop/qcow2.txt
 * and the behaviour of block/qcow2.c (qcow2_do_open).
 */
#include <errno.h>
#include <stdarg.h>

#include "block/qcow2.h"

#define L2_CACHE_BYTES (2 * MiB)   /* at least 16 tables; 8 GiB of disk at 64 KiB */
#define REFBLOCK_CACHE_TABLES 16

static int qcow2_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && be32_load(buf) == QCOW2_MAGIC ? 100 : 0;
}

int qcow2_barrier(BDRVQcow2State *s)
{
    return s->barriers ? bdrv_flush(s->bs->file) : 0;
}

int qcow2_writeback(BDRVQcow2State *s)
{
    bool l1 = s->l1_dirty_lo < s->l1_dirty_hi;
    int ret = 0;

    if (!l1 && !qcow2_cache_is_dirty(&s->l2_cache))
        return 0;
    if ((ret = qcow2_barrier(s)) < 0 || (ret = qcow2_cache_write_dirty(s, &s->l2_cache)) < 0)
        return ret;
    if (l1 && (ret = qcow2_barrier(s)) == 0 &&
        (ret = qcow2_write_l1_range(s, s->l1_dirty_lo, s->l1_dirty_hi)) == 0)
        s->l1_dirty_lo = s->l1_dirty_hi = 0;
    return ret;
}

int qcow2_signal_corruption(BDRVQcow2State *s, const char *fmt, ...)
{
    bool writable = !s->bs->read_only;
    va_list ap;
    char *msg;

    if (s->signalled_corruption)
        return -EIO;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    /* Printed as QEMU prints it: no program name in front. */
    if (writable)
        fprintf(stderr, "qcow2: Marking image as corrupt: %s; further corruption events will be "
                "suppressed\n", msg ? msg : "?");
    else
        fprintf(stderr, "qcow2: Image is corrupt: %s; further non-fatal corruption events will "
                "be suppressed\n", msg ? msg : "?");
    free(msg);
    s->signalled_corruption = true;
    if (writable) {
        s->incompat |= QCOW2_INCOMPAT_CORRUPT;
        qcow2_update_header(s);
    }
    return -EIO;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/* The metadata structure [offset, offset+len) would hit, NULL if none
 * (names as QEMU reports them). */
static const char *qcow2_overlap_name(BDRVQcow2State *s, uint64_t offset, uint64_t len)
{
    uint64_t cs = s->cluster_size;

    if (ranges_overlap(offset, len, 0, cs))
        return "qcow2_header";
    if (ranges_overlap(offset, len, s->l1_table_offset, (uint64_t)s->l1_size * 8))
        return "active L1 table";
    if (ranges_overlap(offset, len, s->refcount_table_offset,
                       (uint64_t)s->refcount_table_size * 8))
        return "refcount table";
    if (ranges_overlap(offset, len, s->snapshots_offset, s->snapshots_size))
        return "snapshot table";
    for (uint32_t i = 0; i < s->nb_snapshots && s->snapshots; i++) {
        if (ranges_overlap(offset, len, s->snapshots[i].l1_table_offset,
                           (uint64_t)s->snapshots[i].l1_size * 8))
            return "inactive L1 table";
    }
    for (uint32_t i = 0; i < s->l1_size; i++) {
        if (ranges_overlap(offset, len, s->l1_table[i] & L1E_OFFSET_MASK, cs))
            return "active L2 table";
    }
    for (uint32_t i = 0; i < s->refcount_table_size; i++) {
        if (ranges_overlap(offset, len, s->refcount_table[i] & REFT_OFFSET_MASK, cs))
            return "refcount block";
    }
    return NULL;
}

int qcow2_check_overlap(BDRVQcow2State *s, uint64_t offset, uint64_t len)
{
    const char *name = qcow2_overlap_name(s, offset, len);

    if (!name)
        return 0;
    return qcow2_signal_corruption(s, "Preventing invalid write on metadata (overlaps with %s)",
                                   name);
}

/* QEMU's table check: entry count limit, alignment, no overflow. */
static int qcow2_validate_table(BDRVQcow2State *s, uint64_t offset, uint64_t entries,
                                size_t entry_len, uint64_t max_bytes, const char *name,
                                int64_t file_len, Error **errp)
{
    if (entries > max_bytes / entry_len) {
        error_setg(errp, "%s too large", name);
        return -EFBIG;
    }
    if ((uint64_t)INT64_MAX - entries * entry_len < offset ||
        qcow2_offset_into_cluster(s, offset) != 0) {
        error_setg(errp, "%s offset invalid", name);
        return -EINVAL;
    }
    if (entries && offset + entries * entry_len > (uint64_t)file_len) {
        error_setg(errp, "%s is beyond the end of the image file", name);
        return -EINVAL;
    }
    return 0;
}

/* Decode the fixed header fields; version-2 images get the v3 defaults. */
static int qcow2_parse_header(BDRVQcow2State *s, const uint8_t *h, Error **errp)
{
    uint32_t cluster_bits;

    if (be32_load(h) != QCOW2_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        return -EINVAL;
    }
    s->version = (int)be32_load(h + QCOW2_OFF_VERSION);
    if (s->version < 2 || s->version > 3) {
        error_setg(errp, "Unsupported qcow2 version %u", be32_load(h + QCOW2_OFF_VERSION));
        return -ENOTSUP;
    }
    cluster_bits = be32_load(h + QCOW2_OFF_CLUSTER_BITS);
    if (cluster_bits < QCOW2_MIN_CLUSTER_BITS || cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Unsupported cluster size: 2^%u", cluster_bits);
        return -EINVAL;
    }
    s->cluster_bits = (int)cluster_bits;
    s->cluster_size = 1u << cluster_bits;
    s->size = be64_load(h + QCOW2_OFF_SIZE);
    s->crypt_method = be32_load(h + QCOW2_OFF_CRYPT);
    s->l1_size = be32_load(h + QCOW2_OFF_L1_SIZE);
    s->l1_table_offset = be64_load(h + QCOW2_OFF_L1_OFFSET);
    s->refcount_table_offset = be64_load(h + QCOW2_OFF_REFT_OFFSET);
    s->nb_snapshots = be32_load(h + QCOW2_OFF_NB_SNAPSHOTS);
    s->snapshots_offset = be64_load(h + QCOW2_OFF_SNAPSHOTS);
    if (s->version == 2) {
        s->refcount_order = 4;
        s->header_length = QCOW2_HDR_V2_LEN;
        return 0;
    }
    s->incompat = be64_load(h + QCOW2_OFF_INCOMPAT);
    s->compat = be64_load(h + QCOW2_OFF_COMPAT);
    s->autoclear = be64_load(h + QCOW2_OFF_AUTOCLEAR);
    s->refcount_order = (int)MIN(be32_load(h + QCOW2_OFF_REFCOUNT_ORDER), 64u);
    s->header_length = be32_load(h + QCOW2_OFF_HEADER_LENGTH);
    if (s->header_length < QCOW2_HDR_V3_MIN) {
        error_setg(errp, "qcow2 header too short");
        return -EINVAL;
    }
    if (s->header_length > QCOW2_OFF_COMPRESSION)
        s->compression_type = h[QCOW2_OFF_COMPRESSION];
    return 0;
}

/* v3 header fields past the ones this driver knows: kept for rewriting. */
static int qcow2_read_unknown_fields(BDRVQcow2State *s, Error **errp)
{
    int ret;

    s->unknown_header_fields_size = s->header_length - QCOW2_HDR_V3_LEN;
    s->unknown_header_fields = xmalloc(s->unknown_header_fields_size);
    ret = bdrv_pread(s->bs->file, QCOW2_HDR_V3_LEN, s->unknown_header_fields,
                     s->unknown_header_fields_size);
    if (ret < 0)
        error_setg_errno(errp, -ret, "Could not read unknown qcow2 header fields");
    return ret;
}

/* Feature bits, compression type, encryption, refcount width. */
static int qcow2_check_features(BDRVQcow2State *s, uint64_t ext_end, Error **errp)
{
    uint64_t unsupported;

    if (s->compression_type > 1) {   /* 0 zlib, 1 zstd */
        error_setg(errp, "qcow2: unknown compression type: %u", s->compression_type);
        return -ENOTSUP;
    }
    if (s->compression_type == 0 && (s->incompat & QCOW2_INCOMPAT_COMPRESSION)) {
        error_setg(errp, "qcow2: Compression type incompatible feature bit must not be set");
        return -EINVAL;
    }
    if (s->compression_type != 0 && !(s->incompat & QCOW2_INCOMPAT_COMPRESSION)) {
        error_setg(errp, "qcow2: Compression type incompatible feature bit must be set");
        return -EINVAL;
    }
    unsupported = s->incompat & ~QCOW2_INCOMPAT_SUPPORTED;
    if (unsupported) {
        char *names = qcow2_unsupported_features(s, unsupported, ext_end);

        error_setg(errp, "Unsupported qcow2 feature(s): %s", names);
        free(names);
        return -ENOTSUP;
    }
    if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && (s->open_flags & BDRV_O_RDWR) &&
        !(s->open_flags & BDRV_O_CHECK)) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened read/write");
        return -EACCES;
    }
    if (s->refcount_order > 6) {
        error_setg(errp, "Reference count entry width too large; may not exceed 64 bits");
        return -EINVAL;
    }
    if (s->crypt_method) {
        error_setg(errp, "Unsupported encryption method %u: encrypted qcow2 images are not "
                   "supported", s->crypt_method);
        return -ENOTSUP;
    }
    return 0;
}

static void qcow2_derive_geometry(BDRVQcow2State *s)
{
    s->l2_bits = s->cluster_bits - 3;
    s->l2_size = 1u << s->l2_bits;
    s->refcount_bits = 1 << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX : (1ULL << s->refcount_bits) - 1;
    s->refblock_bits = s->cluster_bits + 3 - s->refcount_order;
    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ULL << (s->cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ULL << s->csize_shift) - 1;
}

/* The fixed tables must not overlap each other or the header cluster. */
static int qcow2_check_layout(BDRVQcow2State *s, Error **errp)
{
    struct { const char *name; uint64_t off, len; } t[] = {
        { "qcow2 header", 0, s->cluster_size },
        { "Active L1 table", s->l1_table_offset, (uint64_t)s->l1_size * 8 },
        { "Reference count table", s->refcount_table_offset,
          (uint64_t)s->refcount_table_size * 8 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        for (size_t j = i + 1; j < ARRAY_SIZE(t); j++) {
            if (ranges_overlap(t[i].off, t[i].len, t[j].off, t[j].len)) {
                error_setg(errp, "%s overlaps with %s", t[j].name, t[i].name);
                return -EINVAL;
            }
        }
    }
    return 0;
}

static int qcow2_validate_tables(BDRVQcow2State *s, const uint8_t *h, int64_t file_len,
                                 Error **errp)
{
    uint32_t reft_clusters = be32_load(h + QCOW2_OFF_REFT_CLUSTERS);
    bool check = s->open_flags & BDRV_O_CHECK;
    int ret;

    if (reft_clusters == 0 && !check) {
        error_setg(errp, "Image does not contain a reference count table");
        return -EINVAL;
    }
    ret = qcow2_validate_table(s, s->refcount_table_offset, reft_clusters, s->cluster_size,
                               QCOW2_MAX_REFTABLE_BYTES, "Reference count table", file_len,
                               errp);
    if (ret < 0)
        return ret;
    s->refcount_table_size = reft_clusters << (s->cluster_bits - 3);
    if (!check) {
        ret = qcow2_validate_table(s, s->snapshots_offset, s->nb_snapshots,
                                   QCOW2_SNAPSHOT_HDR_LEN,
                                   QCOW2_SNAPSHOT_HDR_LEN * QCOW2_MAX_SNAPSHOTS, "Snapshot table",
                                   file_len, errp);
        if (ret < 0)
            return ret;
    }
    ret = qcow2_validate_table(s, s->l1_table_offset, s->l1_size, 8, QCOW2_MAX_L1_BYTES,
                               "Active L1 table", file_len, errp);
    if (ret < 0)
        return ret;
    if (s->size > (uint64_t)INT64_MAX || qcow2_size_to_l1(s, s->size) > INT32_MAX) {
        error_setg(errp, "Image is too big");
        return -EFBIG;
    }
    if (s->l1_size < qcow2_size_to_l1(s, s->size)) {
        error_setg(errp, "L1 table is too small");
        return -EINVAL;
    }
    return qcow2_check_layout(s, errp);
}

/* Every L1 entry must name a cluster-aligned L2 table inside the file. */
static int qcow2_validate_l1(BDRVQcow2State *s, int64_t file_len, Error **errp)
{
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t off = s->l1_table[i] & L1E_OFFSET_MASK;

        if (!off)
            continue;
        if (qcow2_offset_into_cluster(s, off) || off < s->cluster_size ||
            off + s->cluster_size > (uint64_t)file_len) {
            error_setg(errp, "L2 table offset %#llx invalid (L1 index: %#x)",
                       (unsigned long long)off, i);
            return -EINVAL;
        }
    }
    return 0;
}

static int qcow2_read_l1(BDRVQcow2State *s, int64_t file_len, Error **errp)
{
    int ret;

    s->l1_table = XNEW0N(uint64_t, s->l1_size ? s->l1_size : 1);
    ret = bdrv_pread(s->bs->file, (int64_t)s->l1_table_offset, s->l1_table,
                     (size_t)s->l1_size * 8);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read L1 table");
        return ret;
    }
    for (uint32_t i = 0; i < s->l1_size; i++)
        s->l1_table[i] = __builtin_bswap64(s->l1_table[i]);
    return (s->open_flags & BDRV_O_CHECK) ? 0 : qcow2_validate_l1(s, file_len, errp);
}

static int qcow2_read_backing_name(BDRVQcow2State *s, const uint8_t *h, Error **errp)
{
    uint64_t off = be64_load(h + QCOW2_OFF_BACKING_OFFSET);
    uint32_t len = be32_load(h + QCOW2_OFF_BACKING_SIZE);
    char *name;
    int ret;

    if (!off)
        return 0;
    if (len > MIN(QCOW2_MAX_BACKING_NAME, s->cluster_size - off)) {
        error_setg(errp, "Backing file name too long");
        return -EINVAL;
    }
    name = xzalloc(len + 1);
    ret = bdrv_pread(s->bs->file, (int64_t)off, name, len);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read backing file name");
        free(name);
        return ret;
    }
    s->bs->backing_file = name;
    return 0;
}

/* Autoclear bits we do not maintain must be cleared before writing; a dirty
 * image (lazy refcounts by another program) is repaired first. */
static int qcow2_open_rw_fixups(BDRVQcow2State *s, Error **errp)
{
    BdrvCheckResult res = { 0 };
    int ret;

    if (s->incompat & QCOW2_INCOMPAT_DIRTY) {
        ret = qcow2_check(s->bs, &res, BDRV_FIX_ERRORS | BDRV_FIX_LEAKS);
        if (ret < 0 || res.check_errors) {
            error_setg_errno(errp, ret < 0 ? -ret : EIO, "Could not repair dirty image");
            return ret < 0 ? ret : -EIO;
        }
        s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
        return qcow2_update_header(s);
    }
    if (s->autoclear) {
        s->autoclear = 0;
        return qcow2_update_header(s);
    }
    return 0;
}

static void qcow2_free_state(BDRVQcow2State *s)
{
    free(s->l1_table);
    free(s->refcount_table);
    qcow2_free_snapshots(s);
    qcow2_free_extensions(s);
    qcow2_cache_destroy(&s->l2_cache);
    qcow2_cache_destroy(&s->refblock_cache);
    s->l1_table = NULL;
    s->refcount_table = NULL;
}

static int qcow2_do_open(BDRVQcow2State *s, Error **errp)
{
    uint8_t h[QCOW2_HDR_V3_LEN];
    int64_t file_len = bdrv_getlength(s->bs->file);
    uint64_t ext_end;
    int ret = bdrv_pread(s->bs->file, 0, h, sizeof(h));

    if (ret < 0 || file_len < 0) {
        error_setg_errno(errp, ret < 0 ? -ret : (int)-file_len, "Could not read qcow2 header");
        return ret < 0 ? ret : (int)file_len;
    }
    if ((ret = qcow2_parse_header(s, h, errp)) < 0)
        return ret;
    if (s->header_length > s->cluster_size) {
        error_setg(errp, "qcow2 header exceeds cluster size");
        return -EINVAL;
    }
    if (s->header_length > QCOW2_HDR_V3_LEN &&
        (ret = qcow2_read_unknown_fields(s, errp)) < 0)
        return ret;
    if (be64_load(h + QCOW2_OFF_BACKING_OFFSET) > s->cluster_size) {
        error_setg(errp, "Invalid backing file offset");
        return -EINVAL;
    }
    ext_end = be64_load(h + QCOW2_OFF_BACKING_OFFSET);
    ext_end = ext_end ? ext_end : s->cluster_size;
    if ((ret = qcow2_check_features(s, ext_end, errp)) < 0)
        return ret;
    qcow2_derive_geometry(s);
    if ((ret = qcow2_validate_tables(s, h, file_len, errp)) < 0 ||
        (ret = qcow2_read_l1(s, file_len, errp)) < 0)
        return ret;
    if ((ret = qcow2_refcount_init(s)) < 0) {
        error_setg_errno(errp, -ret, "Could not initialize refcount handling");
        return ret;
    }
    if ((ret = qcow2_read_extensions(s, s->header_length, ext_end, errp)) < 0 ||
        (ret = qcow2_read_backing_name(s, h, errp)) < 0)
        return ret;
    if (!(s->open_flags & BDRV_O_CHECK) && (ret = qcow2_read_snapshots(s, errp)) < 0)
        return ret;
    return 0;
}

static int qcow2_open(BlockDriverState *bs, int flags, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    s->bs = bs;
    s->open_flags = flags;
    s->barriers = bs->cache != BLOCK_CACHE_UNSAFE;
    s->metadata_prealloc = -1;
    ret = qcow2_do_open(s, errp);
    if (ret >= 0) {
        qcow2_cache_init(&s->l2_cache, (int)MAX(16, L2_CACHE_BYTES / s->cluster_size),
                         s->cluster_size);
        qcow2_cache_init(&s->refblock_cache, REFBLOCK_CACHE_TABLES, s->cluster_size);
        if ((flags & BDRV_O_RDWR) && !(flags & BDRV_O_CHECK))
            ret = qcow2_open_rw_fixups(s, errp);
    }
    if (ret < 0)
        qcow2_free_state(s);
    return ret;
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    if (!bs->read_only)
        qcow2_writeback(s);
    qcow2_free_state(s);
}

/* Deferred L2/L1 updates reach the file; the caller then flushes it. */
static int qcow2_flush(BlockDriverState *bs)
{
    return qcow2_writeback(bs->opaque);
}

static int64_t qcow2_getlength(BlockDriverState *bs)
{
    return (int64_t)((BDRVQcow2State *)bs->opaque)->size;
}

static void qcow2_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    BDRVQcow2State *s = bs->opaque;

    bdi->cluster_size = (int)s->cluster_size;
    bdi->is_dirty = s->incompat & QCOW2_INCOMPAT_DIRTY;
    bdi->has_qcow2 = true;
    bdi->qcow2_version = s->version;
    bdi->lazy_refcounts = s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS;
    bdi->refcount_bits = s->refcount_bits;
    bdi->corrupt = s->incompat & QCOW2_INCOMPAT_CORRUPT;
    bdi->extended_l2 = s->incompat & QCOW2_INCOMPAT_EXTL2;
    bdi->compression_type = s->compression_type == 0 ? "zlib" : "zstd";
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .supports_backing = true,
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .pwrite_compressed = qcow2_pwrite_compressed,
    .flush = qcow2_flush,
    .getlength = qcow2_getlength,
    .truncate = qcow2_truncate,
    .block_status = qcow2_block_status,
    .create = qcow2_create,
    .check = qcow2_check,
    .get_info = qcow2_get_info,
    .snapshot_list = qcow2_snapshot_list,
    .make_empty = qcow2_make_empty,
    .change_backing_file = qcow2_change_backing_file,
};
