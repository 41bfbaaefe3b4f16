/* SPDX-License-Identifier: MIT */
/*
 * Block layer: disk images as seen by devices and by the command line.
 *
 * A BlockBackend is one guest disk: an image opened by file name with a
 * format (raw or qcow2, or probed as QEMU does), optionally read-only or
 * with a temporary copy-on-write overlay (-snapshot). Devices (IDE, ATAPI,
 * floppy) only ever see the BlockBackend: byte-addressed synchronous reads
 * and writes, a flush, the length and the read-only flag.
 *
 * Every request is checked against the image size: a guest that asks for
 * sectors past the end gets -EIO (a negative offset -EINVAL), a write to a
 * read-only drive -EPERM, a request to an empty drive -ENOMEDIUM. Nothing a
 * guest does can crash kemu or write outside the image.
 *
 * I/O is synchronous for now: blk_pread() returns when the data is in the
 * buffer. An asynchronous path (blk_aio_*) with completion callbacks can be
 * added later without changing these calls.
 *
 * Typical use (the -drive/-hda/-cdrom code and a disk controller):
 *
 *     BlockOpenOptions bo = { .format = "qcow2", .snapshot = snapshot };
 *     BlockBackend *blk = blk_open("disk.qcow2", &bo, &err);
 *     ...
 *     if (blk_pread(blk, lba * 512, buf, 512) < 0) -> report an I/O error
 *
 * Removable media (CD-ROM, floppy) start empty with blk_new_empty() and are
 * filled by blk_insert_medium(); the device is told through BlockDevOps.
 *
 * Reference: QEMU manual, "Disk Images" and "-drive" (qemu-options.hx);
 * QEMU's include/sysemu/block-backend.h for the shape of the API.
 */
#ifndef KEMU_BLOCK_H
#define KEMU_BLOCK_H

#include "kemu/error.h"
#include "kemu/opts.h"
#include "kemu/types.h"

#define BDRV_SECTOR_SIZE 512

typedef struct BlockBackend BlockBackend;

/* -drive cache=: how the host page cache and flushes are used. */
typedef enum BlockCacheMode {
    BLOCK_CACHE_WRITEBACK = 0, /* default: page cache, flush on guest flush */
    BLOCK_CACHE_NONE,          /* accepted; behaves as writeback (no O_DIRECT yet) */
    BLOCK_CACHE_WRITETHROUGH,  /* flush after every write */
    BLOCK_CACHE_DIRECTSYNC,    /* as writethrough */
    BLOCK_CACHE_UNSAFE,        /* flushes are ignored */
} BlockCacheMode;

/* How to open an image. A zeroed struct means: probe the format, read-write,
 * no snapshot, cache=writeback. */
typedef struct BlockOpenOptions {
    const char *format;  /* "raw", "qcow2", or NULL to probe (warns for raw) */
    bool read_only;      /* open O_RDONLY; writes fail with -EPERM */
    bool snapshot;       /* writes go to a temporary qcow2 overlay, discarded at close */
    bool auto_read_only; /* open read-only when the file is not writable (EACCES/EROFS) */
    BlockCacheMode cache;
} BlockOpenOptions;

/* Notifications to the device that owns a removable drive. */
typedef struct BlockDevOps {
    /* Medium inserted (load=true) or removed (load=false). */
    void (*change_media)(void *opaque, bool load);
} BlockDevOps;

/* "writeback", "none", "writethrough", "directsync", "unsafe". */
bool block_parse_cache_mode(const char *s, BlockCacheMode *out);
/* Read the block-layer keys of a -drive option list into bo: format=,
 * readonly=/read-only=, snapshot=, cache=. Other keys (if=, index=, media=,
 * id=, file=) are left unread for the caller. format= must be a known
 * format ("help" is the caller's business). String fields of bo point into
 * o, so keep o alive until blk_open() returns. */
bool block_opts_parse(Opts *o, BlockOpenOptions *bo, Error **errp);
/* true for "raw" and "qcow2". */
bool block_format_known(const char *name);

/* Open an image. On failure returns NULL with one message in errp, e.g.
 * "Could not open 'x': No such file or directory". */
BlockBackend *blk_open(const char *filename, const BlockOpenOptions *opts, Error **errp);
/* A drive with no medium (empty CD-ROM or floppy drive). */
BlockBackend *blk_new_empty(bool read_only);
/* Put a medium into a drive (closing any previous one). */
bool blk_insert_medium(BlockBackend *blk, const char *filename, const BlockOpenOptions *opts,
                       Error **errp);
/* Remove the medium (closes the image). */
void blk_eject(BlockBackend *blk);
bool blk_is_inserted(BlockBackend *blk);
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque);
/* Flush and close; NULL is ignored. */
void blk_close(BlockBackend *blk);

/* Read or write len bytes at byte offset. 0 on success or -errno:
 * -EINVAL (negative offset), -EIO (past the end, or a host I/O error),
 * -EPERM (write to a read-only drive), -ENOMEDIUM (empty drive). */
int blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t len);
int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t len);
/* Make every completed write durable (no-op under cache=unsafe). */
int blk_flush(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
/* Size in bytes (-ENOMEDIUM for an empty drive). */
int64_t blk_getlength(BlockBackend *blk);
/* The file name and format name of the inserted medium (NULL when empty). */
const char *blk_filename(BlockBackend *blk);
const char *blk_format_name(BlockBackend *blk);

#endif
