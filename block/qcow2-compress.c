/* SPDX-License-Identifier: MIT */
/*
 * qcow2 compressed clusters (zlib).
 *
 * A compressed cluster is a raw deflate stream (no zlib header, 4 KiB
 * window) of one whole guest cluster, stored at a byte offset and counted
 * in 512-byte sectors by its L2 descriptor; several may share a host
 * cluster, whose refcount is then the number of descriptors using it.
 * Compressed writes only fill unallocated clusters (qemu-img convert -c);
 * data that does not shrink below one cluster is written normally.
 * Reference: QEMU docs/interop/qcow2.txt, "Compressed Clusters Descriptor";
 * zlib manual (deflateInit2 with negative windowBits = raw deflate).
 */
#include <errno.h>
#include <zlib.h>

#include "block/qcow2.h"

#define QCOW2_ZLIB_WINDOW_BITS (-12)

int qcow2_read_compressed(BDRVQcow2State *s, uint64_t l2_entry, uint8_t *out)
{
    uint64_t off, len;
    uint8_t *in;
    z_stream z = { 0 };
    int ret;

    qcow2_compressed_range(s, l2_entry, &off, &len);
    in = xmalloc(len);
    ret = bdrv_pread(s->bs->file, (int64_t)off, in, len);
    if (ret < 0) {
        free(in);
        return ret;
    }
    if (inflateInit2(&z, QCOW2_ZLIB_WINDOW_BITS) != Z_OK) {
        free(in);
        return -ENOMEM;
    }
    z.next_in = in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = s->cluster_size;
    ret = inflate(&z, Z_FINISH);
    /* Trailing sector padding may remain unread; the output must be full. */
    ret = ((ret == Z_STREAM_END || ret == Z_BUF_ERROR) && z.avail_out == 0) ? 0 : -EIO;
    inflateEnd(&z);
    free(in);
    return ret;
}

/* Deflate len bytes into out (capacity cap); size, or -ENOSPC if larger. */
static ssize_t qcow2_deflate(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream z = { 0 };
    ssize_t ret;

    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, QCOW2_ZLIB_WINDOW_BITS, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -ENOMEM;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ret = deflate(&z, Z_FINISH) == Z_STREAM_END ? (ssize_t)(cap - z.avail_out) : -ENOSPC;
    deflateEnd(&z);
    return ret;
}

/* Store csize compressed bytes for the unallocated cluster at guest offset. */
static int qcow2_store_compressed(BDRVQcow2State *s, uint64_t offset, const uint8_t *data,
                                  size_t csize)
{
    uint64_t sectors, entry;
    int64_t host = qcow2_alloc_bytes(s, csize);
    int ret;

    if (host < 0)
        return (int)host;
    ret = bdrv_pwrite(s->bs->file, host, data, csize);
    if (ret < 0)
        return ret;
    sectors = (((uint64_t)host + csize - 1) >> 9) - ((uint64_t)host >> 9);
    entry = QCOW_OFLAG_COMPRESSED | (sectors << s->csize_shift) | (uint64_t)host;
    return qcow2_set_l2_entries(s, offset, &entry, 1);
}

int qcow2_pwrite_compressed(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = (uint64_t)offset, e, l2_off;
    uint8_t *in, *out, *l2;
    ssize_t csize;
    int ret;

    if (qcow2_offset_into_cluster(s, off) || off >= s->size ||
        len != MIN((uint64_t)s->cluster_size, s->size - off))
        return -EINVAL;
    if ((ret = qcow2_get_l2_entry(s, off, &e)) < 0)
        return ret;
    if (qcow2_cluster_type(s, e) != QCOW2_CLUSTER_UNALLOCATED)
        return -EIO;   /* compression never overwrites, as in QEMU */
    if ((ret = qcow2_get_l2_for_write(s, off, &l2, &l2_off)) < 0)
        return ret;
    in = xzalloc(s->cluster_size);   /* a short last cluster is padded with zeros */
    out = xmalloc(s->cluster_size);
    memcpy(in, buf, len);
    csize = qcow2_deflate(in, s->cluster_size, out, s->cluster_size - 1);
    if (csize == -ENOSPC)
        ret = qcow2_pwrite(bs, offset, buf, len);
    else
        ret = csize < 0 ? (int)csize : qcow2_store_compressed(s, off, out, (size_t)csize);
    free(in);
    free(out);
    return ret;
}
