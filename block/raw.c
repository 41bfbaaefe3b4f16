/* SPDX-License-Identifier: MIT */
/*
 * The raw format: a host regular file or block device read and written as is.
 *
 * The same driver is the protocol layer under qcow2 (bs->file). Files are
 * opened O_RDONLY unless the image is writable. As in QEMU, the length is
 * rounded up to whole 512-byte sectors and reads past the end of the host
 * file return zeros. When the format was only guessed (bs->probed), a write
 * that would make sector 0 look like another format is refused with -EPERM
 * (QEMU's raw format driver restriction). Block status uses SEEK_DATA and
 * SEEK_HOLE, so holes report as zeros. Reference: QEMU manual "Disk Images"
 * (raw) and block/file-posix.c, block/raw-format.c behaviour.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-int.h"

typedef struct RawState {
    int fd;
    bool is_blockdev;
} RawState;

const BlockIoTrace *bdrv_io_trace;

int raw_fd(BlockDriverState *bs)
{
    return ((RawState *)bs->opaque)->fd;
}

static int raw_probe(const uint8_t *buf, size_t len)
{
    return 1;  /* anything is a raw image, with the lowest score */
}

static int raw_open(BlockDriverState *bs, int flags, Error **errp)
{
    RawState *s = bs->opaque;
    struct stat st;

    s->fd = open(bs->filename, ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (s->fd < 0 && errno == EISDIR) {
        error_setg(errp, "'file' driver requires '%s' to be a regular file", bs->filename);
        return -EINVAL;
    }
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", bs->filename);
        return -errno;
    }
    if (fstat(s->fd, &st) < 0) {
        int err = errno;

        error_setg_errno(errp, err, "Could not open '%s'", bs->filename);
        close(s->fd);
        return -err;
    }
    if (S_ISDIR(st.st_mode)) {
        /* QEMU's file-posix message */
        error_setg(errp, "'file' driver requires '%s' to be a regular file", bs->filename);
        close(s->fd);
        return -EINVAL;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    return 0;
}

static void raw_close(BlockDriverState *bs)
{
    RawState *s = bs->opaque;

    if (s->fd >= 0)
        close(s->fd);
}

/* Exact size of the host file or device. */
static int64_t raw_host_size(RawState *s)
{
    struct stat st;
    uint64_t bytes;

    if (s->is_blockdev) {
        if (ioctl(s->fd, BLKGETSIZE64, &bytes) == 0)
            return (int64_t)bytes;
        off_t end = lseek(s->fd, 0, SEEK_END);

        return end < 0 ? -errno : end;
    }
    if (fstat(s->fd, &st) < 0)
        return -errno;
    return st.st_size;
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    int64_t size = raw_host_size(bs->opaque);

    return size < 0 ? size : (int64_t)ROUND_UP((uint64_t)size, BDRV_SECTOR_SIZE);
}

static int raw_pread(BlockDriverState *bs, int64_t offset, void *buf, size_t len)
{
    RawState *s = bs->opaque;
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(s->fd, p, len, offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            memset(p, 0, len);  /* past the end of the file */
            return 0;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

static int raw_pwrite_host(RawState *s, int64_t offset, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(s->fd, p, len, offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

/* For a probed image: would sector 0 after this write still probe as raw? */
static int raw_check_block0(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    uint8_t sector[BDRV_SECTOR_SIZE];
    size_t n = MIN(len, sizeof(sector) - (size_t)offset);
    int ret = raw_pread(bs, 0, sector, sizeof(sector));

    if (ret < 0)
        return ret;
    memcpy(sector + offset, buf, n);
    return bdrv_probe_buf(sector, sizeof(sector)) == &bdrv_raw ? 0 : -EPERM;
}

static int raw_pwrite(BlockDriverState *bs, int64_t offset, const void *buf, size_t len)
{
    if (bs->probed && offset < BDRV_SECTOR_SIZE) {
        int ret = raw_check_block0(bs, offset, buf, len);

        if (ret < 0)
            return ret;
    }
    if (bdrv_io_trace)
        bdrv_io_trace->write(bdrv_io_trace->opaque, bs->filename, offset, buf, len);
    return raw_pwrite_host(bs->opaque, offset, buf, len);
}

static int raw_flush(BlockDriverState *bs)
{
    RawState *s = bs->opaque;

    if (bdrv_io_trace)
        bdrv_io_trace->flush(bdrv_io_trace->opaque, bs->filename);
    return fdatasync(s->fd) < 0 ? -errno : 0;
}

static int raw_truncate(BlockDriverState *bs, int64_t size, bool shrink, Error **errp)
{
    RawState *s = bs->opaque;
    int64_t cur = raw_host_size(s);

    if (s->is_blockdev) {
        if (cur >= 0 && size > cur) {
            error_setg(errp, "Cannot grow device files");
            return -EINVAL;
        }
        return 0;
    }
    if (ftruncate(s->fd, size) < 0) {
        error_setg_errno(errp, errno, "Failed to resize the file");
        return -errno;
    }
    return 0;
}

int raw_probe_hole(BlockDriverState *bs, int64_t offset, int64_t *pnum)
{
    RawState *s = bs->opaque;
    off_t data, hole;

    if (s->is_blockdev)
        return 1;
    data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO)
            return 0;   /* only a hole (or EOF) follows */
        return 1;       /* SEEK_DATA unsupported: assume data */
    }
    if (data > offset) {
        *pnum = MIN(*pnum, data - offset);
        return 0;
    }
    hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > offset)
        *pnum = MIN(*pnum, hole - offset);
    return 1;
}

static int raw_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                            int64_t *map, BlockDriverState **file)
{
    *pnum = bytes;
    *map = offset;
    *file = bs;
    if (raw_probe_hole(bs, offset, pnum))
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
}

int64_t raw_allocated_size(BlockDriverState *bs)
{
    RawState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0)
        return -errno;
    return (int64_t)st.st_blocks * 512;
}

static int raw_prealloc(int fd, uint64_t size, BlockPrealloc mode)
{
    static const uint8_t zeros[65536];
    int ret;

    if (mode == PREALLOC_FALLOC && size) {
        ret = posix_fallocate(fd, 0, size);
        return -ret;
    }
    if (mode == PREALLOC_FULL) {
        for (uint64_t off = 0; off < size; off += sizeof(zeros)) {
            size_t n = MIN(sizeof(zeros), size - off);

            if (pwrite(fd, zeros, n, off) != (ssize_t)n)
                return -errno;
        }
        return 0;
    }
    /* Allocate the first block as QEMU does (helps alignment probing). */
    if (size && pwrite(fd, zeros, MIN(size, 4096), 0) < 0)
        return -errno;
    return 0;
}

static int raw_create(const char *filename, const BlockCreateOptions *o, Error **errp)
{
    int fd, ret;

    if (o->prealloc == PREALLOC_METADATA) {
        error_setg(errp, "Unsupported preallocation mode: metadata");
        return -EINVAL;
    }
    if (o->backing_file) {
        error_setg(errp, "Format driver 'raw' does not support backing files");
        return -ENOTSUP;
    }
    fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        return -errno;
    }
    ret = ftruncate(fd, (off_t)o->size) < 0 ? -errno : 0;
    if (ret == 0)
        ret = raw_prealloc(fd, o->size, o->prealloc);
    if (ret < 0)
        error_setg_errno(errp, -ret, "Could not resize file");
    close(fd);
    return ret;
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = sizeof(RawState),
    .probe = raw_probe,
    .open = raw_open,
    .close = raw_close,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .flush = raw_flush,
    .getlength = raw_getlength,
    .truncate = raw_truncate,
    .block_status = raw_block_status,
    .create = raw_create,
};
