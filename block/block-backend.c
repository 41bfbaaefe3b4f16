/* SPDX-License-Identifier: MIT */
/*
 * BlockBackend: one guest drive, the only block object devices see.
 *
 * It holds the root of an image chain (or nothing, for an empty removable
 * drive), checks every request against the image size and the read-only
 * flag, and implements -snapshot with a temporary qcow2 overlay: the image
 * is opened read-only, an overlay backed by it is created in $TMPDIR
 * (default /var/tmp) and unlinked at once, so writes vanish at exit.
 * Reference: QEMU manual, "-drive" (snapshot, cache, read-only options) and
 * include/sysemu/block-backend.h.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include "block/block-int.h"

struct BlockBackend {
    BlockDriverState *bs;   /* root of the chain, NULL when no medium */
    BlockDriverState *image;  /* the image the user named (below a -snapshot overlay) */
    bool read_only;         /* the drive refuses writes */
    const BlockDevOps *dev_ops;
    void *dev_opaque;
};

bool block_parse_cache_mode(const char *s, BlockCacheMode *out)
{
    static const char *const names[] = {
        [BLOCK_CACHE_WRITEBACK] = "writeback", [BLOCK_CACHE_NONE] = "none",
        [BLOCK_CACHE_WRITETHROUGH] = "writethrough", [BLOCK_CACHE_DIRECTSYNC] = "directsync",
        [BLOCK_CACHE_UNSAFE] = "unsafe",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i])) {
            *out = (BlockCacheMode)i;
            return true;
        }
    }
    return false;
}

static bool block_opts_bool(Opts *o, const char *key, const char *name, bool *out, Error **errp)
{
    const char *v = opts_get(o, key);

    if (v && !parse_bool(v, out)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
        return false;
    }
    return true;
}

bool block_opts_parse(Opts *o, BlockOpenOptions *bo, Error **errp)
{
    const char *fmt = opts_get(o, "format");
    const char *cache = opts_get(o, "cache");

    memset(bo, 0, sizeof(*bo));
    if (fmt && !opts_is_help(fmt) && !block_format_known(fmt)) {
        error_setg(errp, "Unknown driver '%s'", fmt);
        return false;
    }
    bo->format = fmt;
    if (cache && !block_parse_cache_mode(cache, &bo->cache)) {
        error_setg(errp, "invalid cache option");
        return false;
    }
    return block_opts_bool(o, "readonly", "read-only", &bo->read_only, errp) &&
           block_opts_bool(o, "read-only", "read-only", &bo->read_only, errp) &&
           block_opts_bool(o, "snapshot", "snapshot", &bo->snapshot, errp);
}

/* A qcow2 overlay over base in a temporary, already unlinked file. */
static BlockDriverState *blk_snapshot_overlay(BlockDriverState *base, Error **errp)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/vl.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/var/tmp");
    char backing[PATH_MAX];
    BlockCreateOptions co = { .size = (uint64_t)bdrv_getlength(base) };
    BlockDriverState *top = NULL;
    int fd = mkstemp(tmpl);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not get temporary filename");
        free(tmpl);
        return NULL;
    }
    close(fd);
    co.backing_file = realpath(base->filename, backing) ? backing : base->filename;
    co.backing_fmt = base->drv->format_name;
    if (bdrv_create("qcow2", tmpl, &co, errp) == 0)
        top = bdrv_open(tmpl, "qcow2", BDRV_O_RDWR | BDRV_O_NO_BACKING, BLOCK_CACHE_UNSAFE, errp);
    unlink(tmpl);
    free(tmpl);
    if (top)
        top->backing = base;
    return top;
}

static BlockDriverState *blk_open_chain(const char *filename, const BlockOpenOptions *opts,
                                        bool read_only, BlockDriverState **image, Error **errp)
{
    bool overlay = opts->snapshot && !read_only;
    int flags = (read_only || overlay) ? 0 : BDRV_O_RDWR;
    BlockDriverState *bs = bdrv_open(filename, opts->format, flags, opts->cache, errp);
    BlockDriverState *top;

    *image = bs;
    if (!bs || !overlay)
        return bs;
    top = blk_snapshot_overlay(bs, errp);
    if (!top)
        bdrv_close(bs);
    return top;
}

/* auto_read_only: fall back to read-only when the file is not writable. */
static bool blk_want_read_only(const char *filename, const BlockOpenOptions *opts)
{
    if (opts->read_only)
        return true;
    return opts->auto_read_only && access(filename, W_OK) < 0 &&
           (errno == EACCES || errno == EROFS || errno == EPERM);
}

BlockBackend *blk_new_empty(bool read_only)
{
    BlockBackend *blk = XNEW0(BlockBackend);

    blk->read_only = read_only;
    return blk;
}

BlockBackend *blk_open(const char *filename, const BlockOpenOptions *opts, Error **errp)
{
    static const BlockOpenOptions defaults;
    BlockBackend *blk;

    opts = opts ? opts : &defaults;
    blk = blk_new_empty(blk_want_read_only(filename, opts));
    blk->bs = blk_open_chain(filename, opts, blk->read_only, &blk->image, errp);
    if (!blk->bs) {
        free(blk);
        return NULL;
    }
    return blk;
}

bool blk_insert_medium(BlockBackend *blk, const char *filename, const BlockOpenOptions *opts,
                       Error **errp)
{
    static const BlockOpenOptions defaults;
    BlockDriverState *bs, *image;

    opts = opts ? opts : &defaults;
    bs = blk_open_chain(filename, opts, blk->read_only || blk_want_read_only(filename, opts),
                        &image, errp);
    if (!bs)
        return false;
    blk_eject(blk);
    blk->bs = bs;
    blk->image = image;
    if (blk->dev_ops && blk->dev_ops->change_media)
        blk->dev_ops->change_media(blk->dev_opaque, true);
    return true;
}

void blk_eject(BlockBackend *blk)
{
    if (!blk->bs)
        return;
    bdrv_flush(blk->bs);
    bdrv_close(blk->bs);
    blk->bs = NULL;
    blk->image = NULL;
    if (blk->dev_ops && blk->dev_ops->change_media)
        blk->dev_ops->change_media(blk->dev_opaque, false);
}

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->bs != NULL;
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

void blk_close(BlockBackend *blk)
{
    if (!blk)
        return;
    if (blk->bs) {
        bdrv_flush(blk->bs);
        bdrv_close(blk->bs);
    }
    free(blk);
}

static int blk_check_request(BlockBackend *blk, int64_t offset, size_t len)
{
    int64_t size;

    if (!blk->bs)
        return -ENOMEDIUM;
    if (offset < 0)
        return -EINVAL;
    size = bdrv_getlength(blk->bs);
    if (size < 0)
        return (int)size;
    if (offset > size || len > (uint64_t)(size - offset))
        return -EIO;
    return 0;
}

int blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t len)
{
    int ret = blk_check_request(blk, offset, len);

    return ret < 0 ? ret : bdrv_pread(blk->bs, offset, buf, len);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t len)
{
    int ret = blk_check_request(blk, offset, len);

    if (ret < 0)
        return ret;
    if (blk_is_read_only(blk))
        return -EPERM;
    return bdrv_pwrite(blk->bs, offset, buf, len);
}

int blk_flush(BlockBackend *blk)
{
    return blk->bs ? bdrv_flush(blk->bs) : 0;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->read_only || (blk->bs && blk->bs->read_only);
}

int64_t blk_getlength(BlockBackend *blk)
{
    return blk->bs ? bdrv_getlength(blk->bs) : -ENOMEDIUM;
}

const char *blk_filename(BlockBackend *blk)
{
    /* Under -snapshot, the image the user gave, not the overlay. */
    return blk->image ? blk->image->filename : NULL;
}

const char *blk_format_name(BlockBackend *blk)
{
    return blk->image ? blk->image->drv->format_name : NULL;
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}
