/* SPDX-License-Identifier: MIT */
/*
 * Block layer core: format drivers, opening images, generic I/O.
 *
 * bdrv_open() opens the host file (a raw BDS), probes the format from its
 * first bytes when none is given (qcow2 by its magic "QFI\xfb", anything
 * else is raw, with QEMU's warning and the block-0 write restriction), then
 * stacks the format driver on top and opens the backing chain read-only.
 * Backing file names are relative to the directory of the image naming
 * them. Reference: QEMU block.c (bdrv_open, find_image_format) behaviour as
 * documented in the QEMU manual, "Disk Images".
 */
#include <errno.h>

#include "block/block-int.h"

#define PROBE_BUF_SIZE 2048
#define BACKING_DEPTH_MAX 64

static const BlockDriver *const bdrv_list[] = { &bdrv_raw, &bdrv_qcow2 };

/* Depth of the backing chain currently being opened (loops, deep chains). */
static int bdrv_backing_depth;

const BlockDriver *bdrv_find_format(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(bdrv_list); i++) {
        if (!strcmp(bdrv_list[i]->format_name, name))
            return bdrv_list[i];
    }
    return NULL;
}

bool block_format_known(const char *name)
{
    return name && bdrv_find_format(name) != NULL;
}

const BlockDriver *bdrv_probe_buf(const uint8_t *buf, size_t len)
{
    const BlockDriver *best = &bdrv_raw;
    int best_score = 0;

    for (size_t i = 0; i < ARRAY_SIZE(bdrv_list); i++) {
        int score = bdrv_list[i]->probe ? bdrv_list[i]->probe(buf, len) : 0;

        if (score > best_score) {
            best = bdrv_list[i];
            best_score = score;
        }
    }
    return best;
}

static BlockDriverState *bdrv_new(const BlockDriver *drv, const char *filename, int flags,
                                  BlockCacheMode cache)
{
    BlockDriverState *bs = XNEW0(BlockDriverState);

    bs->drv = drv;
    bs->opaque = xzalloc(drv->instance_size);
    bs->filename = xstrdup(filename);
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->cache = cache;
    bs->open_flags = flags;
    return bs;
}

static void bdrv_free(BlockDriverState *bs)
{
    free(bs->opaque);
    free(bs->filename);
    free(bs->backing_file);
    free(bs->backing_format);
    free(bs);
}

/* The host file as a raw BDS (the protocol layer). */
static BlockDriverState *bdrv_open_file(const char *filename, int flags, BlockCacheMode cache,
                                        Error **errp)
{
    BlockDriverState *bs = bdrv_new(&bdrv_raw, filename, flags | BDRV_O_PROTOCOL, cache);

    if (bdrv_raw.open(bs, bs->open_flags, errp) < 0) {
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

static void bdrv_warn_probed_raw(const char *filename)
{
    fprintf(stderr,
            "WARNING: Image format was not specified for '%s' and probing guessed raw.\n"
            "         Automatically detecting the format is dangerous for raw images, write "
            "operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the restrictions.\n",
            filename);
}

static const BlockDriver *bdrv_probe_file(BlockDriverState *file, Error **errp)
{
    uint8_t buf[PROBE_BUF_SIZE];
    int ret = bdrv_pread(file, 0, buf, sizeof(buf));

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read image for determining its format");
        return NULL;
    }
    return bdrv_probe_buf(buf, sizeof(buf));
}

/* Stack the format driver drv over the host file. */
static BlockDriverState *bdrv_open_format(const BlockDriver *drv, BlockDriverState *file,
                                          int flags, BlockCacheMode cache, Error **errp)
{
    BlockDriverState *bs = bdrv_new(drv, file->filename, flags, cache);

    bs->file = file;
    if (drv->open(bs, flags, errp) < 0) {
        bs->file = NULL;
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

BlockDriverState *bdrv_open(const char *filename, const char *fmt, int flags, BlockCacheMode cache,
                            Error **errp)
{
    const BlockDriver *drv = NULL;
    BlockDriverState *file, *bs;
    bool probed = false;

    if (fmt && !(drv = bdrv_find_format(fmt))) {
        error_setg(errp, "Unknown driver '%s'", fmt);
        return NULL;
    }
    file = bdrv_open_file(filename, flags & ~BDRV_O_PROTOCOL, cache, errp);
    if (!file)
        return NULL;
    if (!drv) {
        probed = true;
        drv = bdrv_probe_file(file, errp);
        if (!drv) {
            bdrv_close(file);
            return NULL;
        }
    }
    if (drv == &bdrv_raw) {
        bs = file;
        bs->open_flags &= ~BDRV_O_PROTOCOL;
    } else {
        bs = bdrv_open_format(drv, file, flags, cache, errp);
        if (!bs) {
            bdrv_close(file);
            return NULL;
        }
    }
    bs->probed = probed;
    if (probed && drv == &bdrv_raw && !bs->read_only)
        bdrv_warn_probed_raw(filename);
    if (bs->backing_file && !(flags & BDRV_O_NO_BACKING) && bdrv_open_backing(bs, errp) < 0) {
        bdrv_close(bs);
        return NULL;
    }
    return bs;
}

char *bdrv_backing_path(const char *image_path, const char *backing)
{
    const char *slash = strrchr(image_path, '/');

    if (backing[0] == '/' || !slash)
        return xstrdup(backing);
    return xasprintf("%.*s/%s", (int)(slash - image_path), image_path, backing);
}

int bdrv_open_backing(BlockDriverState *bs, Error **errp)
{
    char *path = bdrv_backing_path(bs->filename, bs->backing_file);
    Error *err = NULL;

    if (bdrv_backing_depth >= BACKING_DEPTH_MAX) {
        error_setg(errp, "Could not open backing file: backing chain of '%s' is too deep", path);
        free(path);
        return -ELOOP;
    }
    bdrv_backing_depth++;
    bs->backing = bdrv_open(path, bs->backing_format, 0, bs->cache, &err);
    bdrv_backing_depth--;
    free(path);
    if (!bs->backing) {
        error_propagate(errp, err);
        error_prepend(errp, "Could not open backing file: ");
        return -EINVAL;
    }
    return 0;
}

void bdrv_close(BlockDriverState *bs)
{
    if (!bs)
        return;
    if (bs->drv->close)
        bs->drv->close(bs);
    bdrv_close(bs->backing);
    bdrv_close(bs->file);
    bdrv_free(bs);
}

static int bdrv_check_request(int64_t offset, size_t len)
{
    if (offset < 0)
        return -EINVAL;
    if (len > (uint64_t)INT64_MAX - (uint64_t)offset)
        return -EIO;
    return 0;
}

int bdrv_pread(BlockDriverState *bs, int64_t offset, void *buf, size_t len)
{
    int ret = bdrv_check_request(offset, len);

    if (ret < 0 || len == 0)
        return ret;
    return bs->drv->pread(bs, offset, buf, len);
}

int bdrv_pwrite(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    int ret = bdrv_check_request(offset, len);

    if (ret < 0 || len == 0)
        return ret;
    if (bs->read_only)
        return -EPERM;
    ret = bs->drv->pwrite(bs, offset, buf, len);
    if (ret >= 0 && (bs->cache == BLOCK_CACHE_WRITETHROUGH || bs->cache == BLOCK_CACHE_DIRECTSYNC))
        ret = bdrv_flush(bs);
    return ret;
}

int bdrv_pwrite_compressed(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    int ret = bdrv_check_request(offset, len);

    if (ret < 0)
        return ret;
    if (bs->read_only)
        return -EPERM;
    if (!bs->drv->pwrite_compressed)
        return -ENOTSUP;
    return bs->drv->pwrite_compressed(bs, offset, buf, len);
}

int bdrv_flush(BlockDriverState *bs)
{
    int ret = 0;

    if (bs->read_only)
        return 0;
    /* The format writes its deferred metadata even under cache=unsafe;
     * only the host flush (fdatasync) is skipped then. */
    if (bs->drv->flush && bs->drv != &bdrv_raw)
        ret = bs->drv->flush(bs);
    if (ret >= 0 && bs->file)
        ret = bdrv_flush(bs->file);
    else if (ret >= 0 && bs->drv == &bdrv_raw && bs->cache != BLOCK_CACHE_UNSAFE)
        ret = bs->drv->flush(bs);
    return ret;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->drv->getlength(bs);
}

int bdrv_truncate(BlockDriverState *bs, int64_t size, bool shrink, Error **errp)
{
    if (size < 0) {
        error_setg(errp, "Image size must not be negative");
        return -EINVAL;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EPERM;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return -ENOTSUP;
    }
    return bs->drv->truncate(bs, size, shrink, errp);
}

int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                      int64_t *map, BlockDriverState **file)
{
    int64_t len = bdrv_getlength(bs);
    int ret;

    *map = 0;
    *file = NULL;
    if (len < 0)
        return (int)len;
    if (offset < 0 || offset >= len || bytes <= 0) {
        *pnum = 0;
        return offset == len ? 0 : -EINVAL;
    }
    bytes = MIN(bytes, len - offset);
    ret = bs->drv->block_status(bs, offset, bytes, pnum, map, file);
    if (ret < 0)
        return ret;
    *pnum = MIN(*pnum, bytes);
    if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
        ret |= BDRV_BLOCK_ALLOCATED;
    } else if (bs->drv->supports_backing) {
        if (!bs->backing || offset >= bdrv_getlength(bs->backing))
            ret |= BDRV_BLOCK_ZERO;
    }
    return ret;
}

int bdrv_is_allocated_above(BlockDriverState *bs, BlockDriverState *base, int64_t offset,
                            int64_t bytes, int64_t *pnum)
{
    int64_t n = bytes, map;
    BlockDriverState *file;

    for (BlockDriverState *p = bs; p && p != base; p = p->backing) {
        int64_t pn;
        int ret;

        if (p != bs && offset >= bdrv_getlength(p)) {
            *pnum = n;  /* past the end of an intermediate layer: reads zeros */
            return 1;
        }
        ret = p->drv->block_status(p, offset, MIN(n, bdrv_getlength(p) - offset), &pn, &map,
                                   &file);
        if (ret < 0)
            return ret;
        if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
            *pnum = MIN(pn, n);
            return 1;
        }
        n = MIN(n, pn);
    }
    *pnum = n;
    return 0;
}

int bdrv_create(const char *fmt, const char *filename, const BlockCreateOptions *o, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(fmt);

    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", fmt);
        return -EINVAL;
    }
    if (!drv->create) {
        error_setg(errp, "Format driver '%s' does not support image creation", fmt);
        return -ENOTSUP;
    }
    return drv->create(filename, o, errp);
}

void bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    memset(bdi, 0, sizeof(*bdi));
    if (bs->drv->get_info)
        bs->drv->get_info(bs, bdi);
}

int bdrv_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    *list = NULL;
    return bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, list) : 0;
}

int64_t bdrv_allocated_file_size(BlockDriverState *bs)
{
    while (bs->file)
        bs = bs->file;
    return raw_allocated_size(bs);
}
