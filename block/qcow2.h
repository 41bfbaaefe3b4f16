/* SPDX-License-Identifier: MIT */
/*
 * qcow2 driver internals shared by the block/qcow2*.c files.
 *
 * On-disk layout (all fields big-endian), from QEMU's docs/interop/qcow2.txt:
 * a header in cluster 0 (72 bytes in v2, header_length bytes in v3) followed
 * by header extensions and the backing file name; a two-level map from guest
 * clusters to host clusters (L1 table -> L2 tables -> data clusters); a
 * two-level refcount structure (refcount table -> refcount blocks) that
 * counts the references to every host cluster; an optional snapshot table.
 *
 * Crash-safety invariant kept by every writer in these files: a reference is
 * never durable before the refcount that covers it, and a data cluster is
 * written (and flushed) before the L2 entry that points at it. So an
 * interrupted write can leak clusters but never corrupt the image.
 * Refcounts and data are written at once; L2 tables and L1 entries wait in
 * memory until qcow2_writeback() (guest flush, cache eviction, close, or
 * before freeing clusters), which flushes before writing each level.
 */
#ifndef KEMU_QCOW2_H
#define KEMU_QCOW2_H

#include "block/block-int.h"

#define QCOW2_MAGIC 0x514649fbu  /* "QFI\xfb" */
#define QCOW2_HDR_V2_LEN 72
#define QCOW2_HDR_V3_MIN 104
#define QCOW2_HDR_V3_LEN 112     /* with compression_type and padding */
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_DEFAULT_CLUSTER_SIZE 65536
#define QCOW2_MAX_L1_BYTES (32 * MiB)
#define QCOW2_MAX_REFTABLE_BYTES (8 * MiB)
#define QCOW2_MAX_SNAPSHOTS 65536
#define QCOW2_SNAPSHOT_HDR_LEN 40
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_MAX_HOST_OFFSET ((1ULL << 56) - 1)

/* Header field offsets */
#define QCOW2_OFF_VERSION 4
#define QCOW2_OFF_BACKING_OFFSET 8
#define QCOW2_OFF_BACKING_SIZE 16
#define QCOW2_OFF_CLUSTER_BITS 20
#define QCOW2_OFF_SIZE 24
#define QCOW2_OFF_CRYPT 32
#define QCOW2_OFF_L1_SIZE 36
#define QCOW2_OFF_L1_OFFSET 40
#define QCOW2_OFF_REFT_OFFSET 48
#define QCOW2_OFF_REFT_CLUSTERS 56
#define QCOW2_OFF_NB_SNAPSHOTS 60
#define QCOW2_OFF_SNAPSHOTS 64
#define QCOW2_OFF_INCOMPAT 72
#define QCOW2_OFF_COMPAT 80
#define QCOW2_OFF_AUTOCLEAR 88
#define QCOW2_OFF_REFCOUNT_ORDER 96
#define QCOW2_OFF_HEADER_LENGTH 100
#define QCOW2_OFF_COMPRESSION 104

/* Header extension types */
#define QCOW2_EXT_END 0x00000000u
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857u
#define QCOW2_EXT_CRYPTO 0x0537be77u
#define QCOW2_EXT_BITMAPS 0x23852875u
#define QCOW2_EXT_DATA_FILE 0x44415441u

/* Feature bits */
#define QCOW2_INCOMPAT_DIRTY (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ULL << 4)
/* Bits this driver handles (the others refuse the image). */
#define QCOW2_INCOMPAT_SUPPORTED (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)
#define QCOW2_AUTOCLEAR_BITMAPS (1ULL << 0)
#define QCOW2_AUTOCLEAR_DATA_FILE_RAW (1ULL << 1)
#define QCOW2_FEAT_INCOMPAT 0
#define QCOW2_FEAT_COMPAT 1
#define QCOW2_FEAT_AUTOCLEAR 2

/* L1/L2 entries */
#define QCOW_OFLAG_COPIED (1ULL << 63)
#define QCOW_OFLAG_COMPRESSED (1ULL << 62)
#define QCOW_OFLAG_ZERO (1ULL << 0)
#define L1E_OFFSET_MASK 0x00fffffffffffe00ULL
#define L2E_OFFSET_MASK 0x00fffffffffffe00ULL
#define L1E_RESERVED_MASK 0x7f000000000001ffULL
#define REFT_OFFSET_MASK 0xfffffffffffffe00ULL

typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN,   /* zero flag, no host cluster */
    QCOW2_CLUSTER_ZERO_ALLOC,   /* zero flag with a preallocated host cluster */
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

/* A cache of cluster-sized tables: refcount blocks written through, L2
 * tables written back (see qcow2-cache.c). */
typedef struct Qcow2Cache {
    int nb;              /* slots, a multiple of the associativity */
    size_t table_size;
    uint64_t *offset;    /* host offset of each slot, 0 = empty */
    uint64_t *lru;       /* last use tick */
    uint8_t **slot;      /* table copies (big-endian), allocated on first use */
    bool *dirty;         /* changed since last written */
    uint64_t tick;
} Qcow2Cache;

typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint64_t disk_size;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;     /* UINT64_MAX when absent */
} Qcow2Snapshot;

typedef struct Qcow2UnknownExt {
    uint32_t magic;
    uint32_t len;
    uint8_t *data;
} Qcow2UnknownExt;

typedef struct BDRVQcow2State {
    BlockDriverState *bs;
    int version;
    int cluster_bits;
    uint32_t cluster_size;
    int l2_bits;               /* log2 of entries per L2 table */
    uint32_t l2_size;          /* entries per L2 table */
    int refcount_order;
    int refcount_bits;
    uint64_t refcount_max;
    int refblock_bits;         /* log2 of entries per refcount block */
    int csize_shift;           /* compressed descriptor: sector count position */
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;
    uint64_t size;             /* virtual disk size */
    uint64_t incompat, compat, autoclear;
    uint32_t header_length;
    uint8_t compression_type;
    uint32_t crypt_method;

    uint64_t l1_table_offset;
    uint32_t l1_size;
    uint64_t *l1_table;        /* host-endian copy */
    uint64_t refcount_table_offset;
    uint32_t refcount_table_size;  /* entries */
    uint64_t *refcount_table;      /* host-endian copy */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t snapshots_size;       /* bytes of the snapshot table */
    Qcow2Snapshot *snapshots;

    Qcow2UnknownExt *unknown_ext;
    int nb_unknown_ext;
    uint8_t *unknown_header_fields;   /* header bytes past the ones we know */
    uint32_t unknown_header_fields_size;
    bool has_feature_table;           /* the image stores a feature name table */

    Qcow2Cache l2_cache;           /* write-back */
    Qcow2Cache refblock_cache;     /* write-through */
    uint32_t l1_dirty_lo, l1_dirty_hi;  /* L1 entries [lo, hi) not yet written */
    uint64_t free_cluster_index;   /* no free cluster below this index */
    uint64_t free_byte_offset;     /* next byte for compressed data, 0 = none */
    bool barriers;                 /* flush between dependent metadata writes */
    bool signalled_corruption;
    int metadata_prealloc;         /* -1 not yet known */
    int open_flags;
} BDRVQcow2State;

static inline uint64_t qcow2_offset_into_cluster(BDRVQcow2State *s, uint64_t off)
{
    return off & (s->cluster_size - 1);
}

static inline uint64_t qcow2_start_of_cluster(BDRVQcow2State *s, uint64_t off)
{
    return off & ~(uint64_t)(s->cluster_size - 1);
}

static inline uint64_t qcow2_size_to_clusters(BDRVQcow2State *s, uint64_t size)
{
    return (size + s->cluster_size - 1) >> s->cluster_bits;
}

/* L1 entries needed to map size bytes. */
static inline uint64_t qcow2_size_to_l1(BDRVQcow2State *s, uint64_t size)
{
    int shift = s->cluster_bits + s->l2_bits;

    return (size + (1ULL << shift) - 1) >> shift;
}

static inline uint64_t be64_load(const void *p) { return __builtin_bswap64(ldq_le(p)); }
static inline uint32_t be32_load(const void *p) { return __builtin_bswap32(ldl_le(p)); }
static inline uint16_t be16_load(const void *p) { return __builtin_bswap16(ldw_le(p)); }
static inline void be64_store(void *p, uint64_t v) { stq_le(p, __builtin_bswap64(v)); }
static inline void be32_store(void *p, uint32_t v) { stl_le(p, __builtin_bswap32(v)); }
static inline void be16_store(void *p, uint16_t v) { stw_le(p, __builtin_bswap16(v)); }

/* qcow2.c */
int qcow2_barrier(BDRVQcow2State *s);
/* Make the deferred metadata durable in dependency order: flush (data and
 * refcounts), write dirty L2 tables, flush, write dirty L1 entries. */
int qcow2_writeback(BDRVQcow2State *s);
/* Report a metadata inconsistency found while running: prints QEMU's
 * message, sets the corrupt bit when writable, returns -EIO. */
int qcow2_signal_corruption(BDRVQcow2State *s, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Refuse a write to host [offset, offset+len) that would hit metadata. */
int qcow2_check_overlap(BDRVQcow2State *s, uint64_t offset, uint64_t len);

/* qcow2-header.c */
int qcow2_read_extensions(BDRVQcow2State *s, uint64_t start, uint64_t end, Error **errp);
/* Name of an incompatible feature bit from the image's feature table. */
char *qcow2_unsupported_features(BDRVQcow2State *s, uint64_t mask, uint64_t end);
/* Rewrite cluster 0: header, extensions, backing file name. */
int qcow2_update_header(BDRVQcow2State *s);
void qcow2_free_extensions(BDRVQcow2State *s);

/* qcow2-cache.c */
void qcow2_cache_init(Qcow2Cache *c, int nb, size_t table_size);
void qcow2_cache_destroy(Qcow2Cache *c);
/* Pointer to the cached table at host offset (read on a miss). The pointer
 * stays valid until the next call that may use another slot of c. */
int qcow2_cache_get(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table);
/* Install a zeroed table without reading it (a new table). */
int qcow2_cache_get_empty(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table);
/* Write bytes [start, start+len) of the cached table at offset now. */
int qcow2_cache_write(BDRVQcow2State *s, Qcow2Cache *c, uint64_t offset, size_t start, size_t len);
/* The cached table at offset changed; write it at the next writeback. */
void qcow2_cache_mark_dirty(Qcow2Cache *c, uint64_t offset);
bool qcow2_cache_is_dirty(Qcow2Cache *c);
/* Write every dirty table (the caller orders this after a barrier). */
int qcow2_cache_write_dirty(BDRVQcow2State *s, Qcow2Cache *c);
void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset);

/* qcow2-refcount.c */
int qcow2_refcount_init(BDRVQcow2State *s);
uint64_t qcow2_refblock_get(BDRVQcow2State *s, const uint8_t *block, uint64_t index);
void qcow2_refblock_set(BDRVQcow2State *s, uint8_t *block, uint64_t index, uint64_t value);
int qcow2_get_refcount(BDRVQcow2State *s, uint64_t cluster_index, uint64_t *refcount);
/* Add addend to the refcount of each cluster in [offset, offset+len). */
int qcow2_update_refcount(BDRVQcow2State *s, uint64_t offset, uint64_t len, int addend);
/* Allocate size bytes of contiguous clusters (refcount 1); host offset or -errno. */
int64_t qcow2_alloc_clusters(BDRVQcow2State *s, uint64_t size);
/* Allocate size bytes (<= one cluster) for compressed data. */
int64_t qcow2_alloc_bytes(BDRVQcow2State *s, uint64_t size);
int qcow2_free_clusters(BDRVQcow2State *s, uint64_t offset, uint64_t len);

/* qcow2-cluster.c */
Qcow2ClusterType qcow2_cluster_type(BDRVQcow2State *s, uint64_t l2_entry);
/* Host range of a compressed descriptor. */
void qcow2_compressed_range(BDRVQcow2State *s, uint64_t l2_entry, uint64_t *offset,
                            uint64_t *len);
/* The L2 entry mapping guest offset (0 if unallocated). */
int qcow2_get_l2_entry(BDRVQcow2State *s, uint64_t offset, uint64_t *l2_entry);
/* The L2 table for guest offset, allocated (and made exclusive) if needed. */
int qcow2_get_l2_for_write(BDRVQcow2State *s, uint64_t offset, uint8_t **l2, uint64_t *l2_offset);
/* Point nb consecutive L2 entries starting at guest offset at entry values. */
int qcow2_set_l2_entries(BDRVQcow2State *s, uint64_t offset, const uint64_t *entries, int nb);
int qcow2_grow_l1_table(BDRVQcow2State *s, uint64_t min_size);
int qcow2_write_l1_range(BDRVQcow2State *s, uint32_t lo, uint32_t hi);
int qcow2_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
                       int64_t *map, BlockDriverState **file);

/* qcow2-io.c */
int qcow2_pread(BlockDriverState *bs, int64_t offset, void *buf, size_t len);
int qcow2_pwrite(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);
/* Drop the references an L2 entry holds (data, compressed or preallocated). */
int qcow2_release_entry(BDRVQcow2State *s, uint64_t l2_entry);

/* qcow2-compress.c */
int qcow2_read_compressed(BDRVQcow2State *s, uint64_t l2_entry, uint8_t *out);
int qcow2_pwrite_compressed(BlockDriverState *bs, int64_t offset, const void *buf, size_t len);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(BDRVQcow2State *s, Error **errp);
void qcow2_free_snapshots(BDRVQcow2State *s);
int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);

/* qcow2-check.c */
int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix);

/* qcow2-create.c */
int qcow2_create(const char *filename, const BlockCreateOptions *o, Error **errp);
int qcow2_truncate(BlockDriverState *bs, int64_t size, bool shrink, Error **errp);
int qcow2_make_empty(BlockDriverState *bs);
int qcow2_change_backing_file(BlockDriverState *bs, const char *file, const char *fmt);

#endif
