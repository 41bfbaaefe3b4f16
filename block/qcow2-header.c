/* SPDX-License-Identifier: MIT */
/*
 * qcow2 header extensions and header rewriting.
 *
 * Extensions follow the header in cluster 0 as (type, length, data padded
 * to 8 bytes) records ending with type 0: the backing file format, the
 * feature name table and any extension this driver does not know, which is
 * kept and written back unchanged. qcow2_update_header() rebuilds cluster 0
 * in QEMU's order (header, backing format, feature table, unknown
 * extensions, end marker, backing file name) and writes it in one request;
 * the feature table is left out for clusters of 4 KiB or less, as QEMU does.
 * Reference: QEMU docs/interop/qcow2.txt, "Header extensions".
 */
#include <errno.h>

#include "block/qcow2.h"

#define FEATURE_ENTRY_LEN 48
#define BACKING_FMT_MAX 16

static const struct {
    uint8_t type, bit;
    const char *name;
} qcow2_features[] = {
    { QCOW2_FEAT_INCOMPAT, 0, "dirty bit" },
    { QCOW2_FEAT_INCOMPAT, 1, "corrupt bit" },
    { QCOW2_FEAT_INCOMPAT, 2, "external data file" },
    { QCOW2_FEAT_INCOMPAT, 3, "compression type" },
    { QCOW2_FEAT_INCOMPAT, 4, "extended L2 entries" },
    { QCOW2_FEAT_COMPAT, 0, "lazy refcounts" },
    { QCOW2_FEAT_AUTOCLEAR, 0, "bitmaps" },
    { QCOW2_FEAT_AUTOCLEAR, 1, "raw external data" },
};

static void qcow2_add_unknown_ext(BDRVQcow2State *s, uint32_t magic, uint32_t len, uint8_t *data)
{
    s->unknown_ext = xrealloc(s->unknown_ext, sizeof(*s->unknown_ext) * (s->nb_unknown_ext + 1));
    s->unknown_ext[s->nb_unknown_ext++] = (Qcow2UnknownExt){ magic, len, data };
}

static int qcow2_read_backing_fmt(BDRVQcow2State *s, uint64_t offset, uint32_t len, Error **errp)
{
    char *fmt;
    int ret;

    if (len >= BACKING_FMT_MAX) {
        error_setg(errp, "ERROR: ext_backing_format: len=%u too large (>=%d)", len,
                   BACKING_FMT_MAX);
        return -EINVAL;
    }
    fmt = xzalloc(len + 1);
    ret = bdrv_pread(s->bs->file, (int64_t)offset, fmt, len);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "ERROR: ext_backing_format: Could not read format name");
        free(fmt);
        return ret;
    }
    free(s->bs->backing_format);
    s->bs->backing_format = fmt;
    return 0;
}

/* Visit the extension records in [start, end). fn returns <0 to stop. */
typedef int Qcow2ExtFn(BDRVQcow2State *s, uint32_t magic, uint64_t offset, uint32_t len,
                       void *opaque, Error **errp);

static int qcow2_walk_extensions(BDRVQcow2State *s, uint64_t start, uint64_t end, Qcow2ExtFn *fn,
                                 void *opaque, Error **errp)
{
    uint64_t offset = start;

    while (offset < end) {
        uint8_t hdr[8];
        uint32_t magic, len;
        int ret = bdrv_pread(s->bs->file, (int64_t)offset, hdr, sizeof(hdr));

        if (ret < 0) {
            error_setg_errno(errp, -ret,
                             "qcow2_read_extension: ERROR: pread fail from offset %llu",
                             (unsigned long long)offset);
            return ret;
        }
        magic = be32_load(hdr);
        len = be32_load(hdr + 4);
        offset += sizeof(hdr);
        if (offset > end || len > end - offset) {
            error_setg(errp, "Header extension too large");
            return -EINVAL;
        }
        if (magic == QCOW2_EXT_END)
            return 0;
        ret = fn(s, magic, offset, len, opaque, errp);
        if (ret < 0)
            return ret;
        offset += ROUND_UP((uint64_t)len, 8);
    }
    return 0;
}

static int qcow2_ext_load(BDRVQcow2State *s, uint32_t magic, uint64_t offset, uint32_t len,
                          void *opaque, Error **errp)
{
    uint8_t *data;
    int ret;

    if (magic == QCOW2_EXT_BACKING_FORMAT)
        return qcow2_read_backing_fmt(s, offset, len, errp);
    if (magic == QCOW2_EXT_FEATURE_TABLE) {
        s->has_feature_table = true;  /* regenerated on header update */
        return 0;
    }
    data = xmalloc(len ? len : 1);
    ret = bdrv_pread(s->bs->file, (int64_t)offset, data, len);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "ERROR: unknown extension: Could not read data");
        free(data);
        return ret;
    }
    qcow2_add_unknown_ext(s, magic, len, data);
    return 0;
}

int qcow2_read_extensions(BDRVQcow2State *s, uint64_t start, uint64_t end, Error **errp)
{
    return qcow2_walk_extensions(s, start, end, qcow2_ext_load, NULL, errp);
}

void qcow2_free_extensions(BDRVQcow2State *s)
{
    for (int i = 0; i < s->nb_unknown_ext; i++)
        free(s->unknown_ext[i].data);
    free(s->unknown_ext);
    free(s->unknown_header_fields);
    s->unknown_ext = NULL;
    s->nb_unknown_ext = 0;
    s->unknown_header_fields = NULL;
}

typedef struct FeatureNames {
    uint64_t mask;      /* bits still unnamed */
    char *names;        /* ", "-separated */
} FeatureNames;

static void feature_names_add(FeatureNames *f, const char *name, int len)
{
    char *n = xasprintf("%s%s%.*s", f->names ? f->names : "", f->names ? ", " : "", len, name);

    free(f->names);
    f->names = n;
}

static int qcow2_ext_feature_names(BDRVQcow2State *s, uint32_t magic, uint64_t offset,
                                   uint32_t len, void *opaque, Error **errp)
{
    FeatureNames *f = opaque;
    uint8_t e[FEATURE_ENTRY_LEN];

    if (magic != QCOW2_EXT_FEATURE_TABLE)
        return 0;
    for (uint32_t i = 0; i + FEATURE_ENTRY_LEN <= len; i += FEATURE_ENTRY_LEN) {
        if (bdrv_pread(s->bs->file, (int64_t)(offset + i), e, sizeof(e)) < 0 || !e[2])
            break;
        if (e[0] == QCOW2_FEAT_INCOMPAT && e[1] < 64 && (f->mask & (1ULL << e[1]))) {
            feature_names_add(f, (const char *)e + 2, (int)strnlen((char *)e + 2, 46));
            f->mask &= ~(1ULL << e[1]);
        }
    }
    return 0;
}

char *qcow2_unsupported_features(BDRVQcow2State *s, uint64_t mask, uint64_t end)
{
    FeatureNames f = { mask, NULL };
    uint64_t start = s->version == 2 ? QCOW2_HDR_V2_LEN : s->header_length;

    qcow2_walk_extensions(s, start, end, qcow2_ext_feature_names, &f, NULL);
    if (f.mask) {
        char *unknown = xasprintf("Unknown incompatible feature: %llx",
                                  (unsigned long long)f.mask);

        feature_names_add(&f, unknown, (int)strlen(unknown));
        free(unknown);
    }
    return f.names;
}

static void qcow2_build_fixed_header(BDRVQcow2State *s, uint8_t *h)
{
    be32_store(h, QCOW2_MAGIC);
    be32_store(h + QCOW2_OFF_VERSION, (uint32_t)s->version);
    be32_store(h + QCOW2_OFF_CLUSTER_BITS, (uint32_t)s->cluster_bits);
    be64_store(h + QCOW2_OFF_SIZE, s->size);
    be32_store(h + QCOW2_OFF_CRYPT, s->crypt_method);
    be32_store(h + QCOW2_OFF_L1_SIZE, s->l1_size);
    be64_store(h + QCOW2_OFF_L1_OFFSET, s->l1_table_offset);
    be64_store(h + QCOW2_OFF_REFT_OFFSET, s->refcount_table_offset);
    be32_store(h + QCOW2_OFF_REFT_CLUSTERS, s->refcount_table_size >> (s->cluster_bits - 3));
    be32_store(h + QCOW2_OFF_NB_SNAPSHOTS, s->nb_snapshots);
    be64_store(h + QCOW2_OFF_SNAPSHOTS, s->snapshots_offset);
    if (s->version < 3)
        return;
    be64_store(h + QCOW2_OFF_INCOMPAT, s->incompat);
    be64_store(h + QCOW2_OFF_COMPAT, s->compat);
    be64_store(h + QCOW2_OFF_AUTOCLEAR, s->autoclear);
    be32_store(h + QCOW2_OFF_REFCOUNT_ORDER, (uint32_t)s->refcount_order);
    be32_store(h + QCOW2_OFF_HEADER_LENGTH, QCOW2_HDR_V3_LEN + s->unknown_header_fields_size);
    h[QCOW2_OFF_COMPRESSION] = s->compression_type;
    if (s->unknown_header_fields_size)
        memcpy(h + QCOW2_HDR_V3_LEN, s->unknown_header_fields, s->unknown_header_fields_size);
}

/* Append one extension at *pos; false if it does not fit in the cluster. */
static bool qcow2_put_ext(BDRVQcow2State *s, uint8_t *buf, size_t *pos, uint32_t magic,
                          const void *data, uint32_t len)
{
    size_t need = 8 + ROUND_UP((size_t)len, 8);

    if (*pos + need > s->cluster_size)
        return false;
    be32_store(buf + *pos, magic);
    be32_store(buf + *pos + 4, len);
    if (len)
        memcpy(buf + *pos + 8, data, len);
    *pos += need;
    return true;
}

static bool qcow2_put_feature_table(BDRVQcow2State *s, uint8_t *buf, size_t *pos)
{
    uint8_t table[ARRAY_SIZE(qcow2_features) * FEATURE_ENTRY_LEN] = { 0 };

    for (size_t i = 0; i < ARRAY_SIZE(qcow2_features); i++) {
        uint8_t *e = table + i * FEATURE_ENTRY_LEN;

        e[0] = qcow2_features[i].type;
        e[1] = qcow2_features[i].bit;
        memcpy(e + 2, qcow2_features[i].name, strlen(qcow2_features[i].name));
    }
    return qcow2_put_ext(s, buf, pos, QCOW2_EXT_FEATURE_TABLE, table, sizeof(table));
}

int qcow2_update_header(BDRVQcow2State *s)
{
    BlockDriverState *bs = s->bs;
    uint8_t *buf = xzalloc(s->cluster_size);
    size_t pos = s->version < 3 ? QCOW2_HDR_V2_LEN
                                : QCOW2_HDR_V3_LEN + s->unknown_header_fields_size;
    size_t blen = bs->backing_file ? strlen(bs->backing_file) : 0;
    bool fits = pos <= s->cluster_size;
    int ret = -ENOSPC;

    qcow2_build_fixed_header(s, buf);
    if (fits && bs->backing_format)
        fits = qcow2_put_ext(s, buf, &pos, QCOW2_EXT_BACKING_FORMAT, bs->backing_format,
                             (uint32_t)strlen(bs->backing_format));
    /* As QEMU: no feature table with clusters of 4 KiB or less, which
     * would leave too little room for a backing file name. */
    if (fits && s->version >= 3 && s->cluster_size > 4096)
        fits = qcow2_put_feature_table(s, buf, &pos);
    for (int i = 0; fits && i < s->nb_unknown_ext; i++)
        fits = qcow2_put_ext(s, buf, &pos, s->unknown_ext[i].magic, s->unknown_ext[i].data,
                             s->unknown_ext[i].len);
    fits = fits && pos + 8 + blen <= s->cluster_size && blen <= QCOW2_MAX_BACKING_NAME;
    if (fits) {
        pos += 8;  /* end marker: already zero */
        if (blen) {
            memcpy(buf + pos, bs->backing_file, blen);
            be64_store(buf + QCOW2_OFF_BACKING_OFFSET, pos);
            be32_store(buf + QCOW2_OFF_BACKING_SIZE, (uint32_t)blen);
        }
        ret = bdrv_pwrite(bs->file, 0, buf, ROUND_UP(pos + blen, 8));
        if (ret == 0)
            ret = qcow2_barrier(s);
    }
    free(buf);
    return ret;
}
