/* SPDX-License-Identifier: MIT */
/*
 * Block layer internals: the BlockDriver interface and BlockDriverState.
 *
 * A BlockDriverState (BDS) is one open image layer. Its driver is a format
 * (raw, qcow2); a qcow2 BDS reads its container through a child BDS
 * (bs->file, a raw BDS on the host file) and falls back to bs->backing for
 * clusters it does not hold. Only block/ and tools/ (kemu-img) include this
 * header; devices use the BlockBackend API of include/kemu/block.h.
 *
 * All calls are synchronous and return 0 (or a non-negative count) on
 * success and -errno on failure. Requests reaching a driver are already
 * checked against the image size by the generic layer (block.c).
 * Reference: QEMU's include/block/block_int-common.h for the shape of the
 * driver interface; docs/interop/qcow2.txt for the qcow2 specifics.
 */
#ifndef KEMU_BLOCK_INT_H
#define KEMU_BLOCK_INT_H

#include "kemu/block.h"

/* bdrv_open() flags */
enum {
    BDRV_O_RDWR = 1 << 0,       /* open for writing */
    BDRV_O_NO_BACKING = 1 << 1, /* do not open the backing file */
    BDRV_O_CHECK = 1 << 2,      /* opened by check: tolerate the corrupt bit */
    BDRV_O_PROTOCOL = 1 << 3,   /* host file under a format (never probed) */
};

/* Block status flags (bdrv_block_status()), as QEMU's BDRV_BLOCK_*. */
enum {
    BDRV_BLOCK_DATA = 0x01,         /* reads come from this layer's data */
    BDRV_BLOCK_ZERO = 0x02,         /* reads return zeros */
    BDRV_BLOCK_OFFSET_VALID = 0x04, /* *map is the host offset in *file */
    BDRV_BLOCK_ALLOCATED = 0x10,    /* this layer answers (not the backing) */
    BDRV_BLOCK_COMPRESSED = 0x20,   /* compressed cluster (no host offset) */
};

typedef enum BlockPrealloc {
    PREALLOC_OFF,
    PREALLOC_METADATA,
    PREALLOC_FALLOC,
    PREALLOC_FULL,
} BlockPrealloc;

/* Options of bdrv_create() (qemu-img create -o ...). Zero means default. */
typedef struct BlockCreateOptions {
    uint64_t size;            /* virtual size in bytes */
    const char *backing_file; /* as stored in the image (may be relative) */
    const char *backing_fmt;
    uint32_t cluster_size;    /* qcow2: 512..2M, default 64 KiB */
    int version;              /* qcow2: 2 (compat=0.10) or 3 (compat=1.1, default) */
    bool lazy_refcounts;      /* accepted only as off */
    int refcount_bits;        /* qcow2: 1..64, power of two, default 16 */
    BlockPrealloc prealloc;
} BlockCreateOptions;

/* Result of a consistency check, counted as qemu-img check counts. */
typedef struct BdrvCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    int64_t total_clusters;      /* -1 when the format has no clusters */
    int64_t allocated_clusters;
    int64_t fragmented_clusters;
    int64_t compressed_clusters;
} BdrvCheckResult;

enum { BDRV_FIX_LEAKS = 1, BDRV_FIX_ERRORS = 2 };

/* What qemu-img info prints beyond the generic fields. */
typedef struct BlockDriverInfo {
    int cluster_size;       /* 0 if none */
    bool is_dirty;
    bool has_qcow2;         /* the qcow2 "Format specific information" below */
    int qcow2_version;
    bool lazy_refcounts;
    int refcount_bits;
    bool corrupt;
    bool extended_l2;
    const char *compression_type;
} BlockDriverInfo;

/* An internal snapshot (qcow2), as qemu-img info lists it. */
typedef struct BlockSnapshotInfo {
    const char *id;
    const char *name;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;        /* UINT64_MAX when not recorded */
} BlockSnapshotInfo;

typedef struct BlockDriverState BlockDriverState;

typedef struct BlockDriver {
    const char *format_name;
    size_t instance_size;   /* bytes of bs->opaque */
    bool supports_backing;
    /* Score 0..100 of how well the first bytes of a file match. */
    int (*probe)(const uint8_t *buf, size_t len);
    int (*open)(BlockDriverState *bs, int flags, Error **errp);
    void (*close)(BlockDriverState *bs);
    int (*pread)(BlockDriverState *bs, int64_t offset, void *buf, size_t len);
    int (*pwrite)(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);
    /* Write one whole cluster compressed (optional). */
    int (*pwrite_compressed)(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);
    int (*flush)(BlockDriverState *bs);
    int64_t (*getlength)(BlockDriverState *bs);
    int (*truncate)(BlockDriverState *bs, int64_t size, bool shrink, Error **errp);
    /* Status of [offset, offset+bytes): flags, *pnum bytes with the same
     * status, the host offset in *map and its layer in *file when
     * OFFSET_VALID. */
    int (*block_status)(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                        int64_t *map, BlockDriverState **file);
    int (*create)(const char *filename, const BlockCreateOptions *o, Error **errp);
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res, int fix);
    void (*get_info)(BlockDriverState *bs, BlockDriverInfo *bdi);
    /* Internal snapshots: count, and a new array in *list (strings owned
     * by the driver). */
    int (*snapshot_list)(BlockDriverState *bs, BlockSnapshotInfo **list);
    /* Drop every allocation (qemu-img commit empties the top image). */
    int (*make_empty)(BlockDriverState *bs);
    int (*change_backing_file)(BlockDriverState *bs, const char *file, const char *fmt);
} BlockDriver;

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;                /* driver state */
    char *filename;              /* as given to bdrv_open() */
    bool read_only;
    bool probed;                 /* format was guessed */
    BlockCacheMode cache;
    int open_flags;
    BlockDriverState *file;      /* container (qcow2), NULL for raw */
    BlockDriverState *backing;   /* backing image, NULL if none or not opened */
    char *backing_file;          /* name stored in the image, NULL if none */
    char *backing_format;        /* format stored in the image, NULL if none */
};

extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* block.c: drivers, open/close, generic I/O */
const BlockDriver *bdrv_find_format(const char *name);
/* The format guessed from the first bytes of a file (never NULL: raw). */
const BlockDriver *bdrv_probe_buf(const uint8_t *buf, size_t len);
/* Open filename with format fmt (NULL to probe; warns when raw is guessed
 * and the image is writable). */
BlockDriverState *bdrv_open(const char *filename, const char *fmt, int flags, BlockCacheMode cache,
                            Error **errp);
void bdrv_close(BlockDriverState *bs);
int bdrv_pread(BlockDriverState *bs, int64_t offset, void *buf, size_t len);
int bdrv_pwrite(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);
int bdrv_pwrite_compressed(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);
int bdrv_flush(BlockDriverState *bs);
int64_t bdrv_getlength(BlockDriverState *bs);
int bdrv_truncate(BlockDriverState *bs, int64_t size, bool shrink, Error **errp);
/* Status as QEMU's bdrv_block_status(): adds ALLOCATED for DATA/ZERO and
 * ZERO for unallocated areas without a backing file (or past its end). */
int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                      int64_t *map, BlockDriverState **file);
/* Whether [offset, offset+bytes) is allocated in bs or a layer below it
 * down to (not including) base; *pnum as above. */
int bdrv_is_allocated_above(BlockDriverState *bs, BlockDriverState *base, int64_t offset,
                            int64_t bytes, int64_t *pnum);
int bdrv_create(const char *fmt, const char *filename, const BlockCreateOptions *o, Error **errp);
void bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi);
/* Internal snapshots of bs (0 and NULL when none); free *list. */
int bdrv_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);
/* Path of a backing file named in the image at image_path: absolute names
 * as they are, relative ones against the image's directory. */
char *bdrv_backing_path(const char *image_path, const char *backing);
/* Bytes the host file occupies on disk (st_blocks * 512), -errno on error. */
int64_t bdrv_allocated_file_size(BlockDriverState *bs);
/* Open bs's backing file (format from the image or probed), read-only. */
int bdrv_open_backing(BlockDriverState *bs, Error **errp);

/* block-backend.c: the root of a drive's chain (NULL when empty). */
BlockDriverState *blk_bs(BlockBackend *blk);

/* Tests only: when set, every write and flush of a host file is reported
 * (before it happens), so a test can replay a crash at any point. */
typedef struct BlockIoTrace {
    void (*write)(void *opaque, const char *filename, int64_t offset, const void *buf, size_t len);
    void (*flush)(void *opaque, const char *filename);
    void *opaque;
} BlockIoTrace;
extern const BlockIoTrace *bdrv_io_trace;

/* raw.c: the host-file helpers used by the protocol layer. */
int raw_fd(BlockDriverState *bs);
/* Find the next data/hole boundary with SEEK_DATA; 1 if [offset, +*pnum)
 * holds data, 0 if it is a hole; *pnum is clipped to the region. */
int raw_probe_hole(BlockDriverState *bs, int64_t offset, int64_t *pnum);
/* st_blocks * 512 of the host file. */
int64_t raw_allocated_size(BlockDriverState *bs);

#endif
