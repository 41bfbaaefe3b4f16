/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the qcow2 driver (block/qcow2*.c).
 *
 * Cluster allocation and the on-disk layout, copy-on-write from a backing
 * file, zero clusters, compressed clusters, bounds checks, every refcount
 * width with refcount table growth, resize, leak detection and repair,
 * emptying, and damaged headers refused at open without being written.
 * Reference: QEMU docs/interop/qcow2.txt.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/qcow2.h"
#include "tap.h"

static char tmpdir[] = "/tmp/kemu-test-qcow2-XXXXXX";

static char *tpath(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static char *make_qcow2(const char *name, uint64_t size, uint32_t cluster_size, int refcount_bits,
                        const char *backing, const char *backing_fmt)
{
    BlockCreateOptions o = { .size = size, .cluster_size = cluster_size,
                             .refcount_bits = refcount_bits, .backing_file = backing,
                             .backing_fmt = backing_fmt };
    char *p = tpath(name);
    Error *err = NULL;

    if (bdrv_create("qcow2", p, &o, &err) < 0) {
        diag("create %s: %s", name, err->msg);
        error_free(err);
    }
    return p;
}

static BlockDriverState *open_cache(const char *p, BlockCacheMode cache)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(p, "qcow2", BDRV_O_RDWR, cache, &err);

    if (!bs) {
        diag("open %s: %s", p, err->msg);
        error_free(err);
    }
    return bs;
}

static BlockDriverState *open_rw(const char *p)
{
    return open_cache(p, BLOCK_CACHE_WRITEBACK);
}

static bool check_clean(BlockDriverState *bs, const char *what)
{
    BdrvCheckResult r = { 0 };
    int ret = bs->drv->check(bs, &r, 0);

    return ok(ret == 0 && !r.corruptions && !r.leaks && !r.check_errors,
              "%s: check finds no corruption, no leak (%d/%d/%d)", what, r.corruptions, r.leaks,
              r.check_errors);
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != v)
            return false;
    }
    return true;
}

static void test_allocation(void)
{
    char *p = make_qcow2("alloc.qcow2", 64 * MiB, 0, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p), *file;
    BDRVQcow2State *s = bs->opaque;
    uint8_t buf[4096];
    int64_t pnum, map;

    is_int(s->l1_table_offset, 0x30000, "L1 table in cluster 3, as qemu-img creates it");
    is_int(bdrv_block_status(bs, 0, 65536, &pnum, &map, &file), BDRV_BLOCK_ZERO,
           "a new image reads as zeros (unallocated, no backing)");
    memset(buf, 0x42, sizeof(buf));
    is_int(bdrv_pwrite(bs, 1000, buf, 100), 0, "write 100 bytes");
    is_int(bdrv_block_status(bs, 0, 65536, &pnum, &map, &file),
           BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_ALLOCATED, "cluster allocated");
    is_int(map, 0x50000, "data after the new L2 table (cluster 4) in cluster 5");
    is_int(s->l1_table[0], 0x40000 | QCOW_OFLAG_COPIED, "L1 entry: L2 table, copied flag");
    is_int(bdrv_pread(bs, 0, buf, 4096), 0, "read back");
    ok(all_bytes(buf, 1000, 0) && all_bytes(buf + 1000, 100, 0x42) &&
       all_bytes(buf + 1100, 2996, 0), "data in place, the rest of the cluster zero");
    is_int(bdrv_pwrite(bs, 2000, buf + 1000, 10), 0, "rewrite in place");
    bdrv_block_status(bs, 0, 65536, &pnum, &map, &file);
    is_int(map, 0x50000, "the in-place write kept the cluster");
    is_int(bdrv_pwrite(bs, 64 * MiB - 512, buf, 512), 0, "write the last sector");
    is_int(bdrv_pread(bs, 64 * MiB - 1, buf, 2), -EIO, "read across the end: -EIO");
    is_int(bdrv_pwrite(bs, 64 * MiB, buf, 1), -EIO, "write past the end: -EIO");
    check_clean(bs, "after writes");
    bdrv_close(bs);
    free(p);
}

static void test_backing_cow(void)
{
    BlockCreateOptions ro = { .size = 1 * MiB };
    char *base = tpath("base.raw");
    BlockDriverState *bs, *raw;
    uint8_t buf[65536], pat[65536];
    char *p;

    bdrv_create("raw", base, &ro, NULL);
    raw = bdrv_open(base, "raw", BDRV_O_RDWR, BLOCK_CACHE_WRITEBACK, NULL);
    for (size_t i = 0; i < sizeof(pat); i++)
        pat[i] = (uint8_t)(i * 7 + 1);
    bdrv_pwrite(raw, 65536, pat, sizeof(pat));
    bdrv_close(raw);
    p = make_qcow2("cow.qcow2", 2 * MiB, 0, 0, "base.raw", "raw");
    bs = open_rw(p);
    ok(bs && bs->backing, "overlay opens its backing file (relative to its directory)");
    memset(buf, 0xee, 512);
    is_int(bdrv_pwrite(bs, 65536 + 1024, buf, 512), 0, "partial write into a backed cluster");
    is_int(bdrv_pread(bs, 65536, buf, 65536), 0, "read the cluster");
    ok(!memcmp(buf, pat, 1024) && all_bytes(buf + 1024, 512, 0xee) &&
       !memcmp(buf + 1536, pat + 1536, 65536 - 1536), "copy-on-write kept the backing data");
    is_int(bdrv_pread(bs, 1 * MiB, buf, 4096), 0, "read past the backing file's end");
    ok(all_bytes(buf, 4096, 0), "reads zeros there");
    is_int(bdrv_pwrite(bs, 1 * MiB + 100, buf, 1), 0, "write past the backing file's end");
    check_clean(bs, "overlay");
    bdrv_close(bs);
    free(p);
    free(base);
}

/* Write an L2 entry straight into the file (to build special clusters). */
static void poke_l2(const char *p, uint64_t l2_offset, int index, uint64_t entry)
{
    int fd = open(p, O_WRONLY);
    uint64_t be = __builtin_bswap64(entry);

    if (pwrite(fd, &be, 8, (off_t)(l2_offset + index * 8)) != 8)
        diag("poke failed");
    close(fd);
}

static void test_zero_clusters(void)
{
    char *p = make_qcow2("zero.qcow2", 1 * MiB, 0, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p), *file;
    uint8_t buf[65536];
    int64_t pnum, map;

    memset(buf, 0x77, sizeof(buf));
    bdrv_pwrite(bs, 0, buf, sizeof(buf));       /* host cluster 0x50000 */
    bdrv_pwrite(bs, 65536, buf, sizeof(buf));   /* host cluster 0x60000 */
    bdrv_close(bs);
    /* cluster 0: zero flag with its host cluster kept; cluster 2: plain zero */
    poke_l2(p, 0x40000, 0, 0x50000 | QCOW_OFLAG_COPIED | QCOW_OFLAG_ZERO);
    poke_l2(p, 0x40000, 2, QCOW_OFLAG_ZERO);
    bs = open_rw(p);
    is_int(bdrv_pread(bs, 0, buf, sizeof(buf)), 0, "read a preallocated zero cluster");
    ok(all_bytes(buf, sizeof(buf), 0), "reads zeros");
    is_int(bdrv_block_status(bs, 0, 65536, &pnum, &map, &file),
           BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_ALLOCATED, "zero-alloc status");
    is_int(bdrv_block_status(bs, 131072, 65536, &pnum, &map, &file),
           BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED, "plain zero status");
    memset(buf, 0x99, 512);
    is_int(bdrv_pwrite(bs, 512, buf, 512), 0, "partial write into the zero cluster");
    is_int(bdrv_pread(bs, 0, buf, sizeof(buf)), 0, "read it back");
    ok(all_bytes(buf, 512, 0) && all_bytes(buf + 512, 512, 0x99) && all_bytes(buf + 1024, 64512, 0),
       "only the written bytes are non-zero");
    is_int(bdrv_pread(bs, 65536, buf, sizeof(buf)), 0, "the neighbouring data cluster");
    ok(all_bytes(buf, sizeof(buf), 0x77), "is untouched");
    check_clean(bs, "after overwriting a zero cluster (old host cluster released)");
    bdrv_close(bs);
    free(p);
}

static void test_compressed(void)
{
    char *p = make_qcow2("comp.qcow2", 1 * MiB, 0, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p), *file;
    uint8_t buf[65536], back[65536];
    int64_t pnum, map;

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i / 1000);
    is_int(bdrv_pwrite_compressed(bs, 0, buf, sizeof(buf)), 0, "compressed write");
    is_int(bdrv_pwrite_compressed(bs, 65536, buf, sizeof(buf)), 0, "second compressed cluster");
    is_int(bdrv_pwrite_compressed(bs, 0, buf, sizeof(buf)), -EIO,
           "compressed writes never overwrite (as QEMU)");
    is_int(bdrv_pwrite_compressed(bs, 100, buf, sizeof(buf)), -EINVAL, "must be cluster aligned");
    is_int(bdrv_block_status(bs, 0, 65536, &pnum, &map, &file),
           BDRV_BLOCK_DATA | BDRV_BLOCK_COMPRESSED | BDRV_BLOCK_ALLOCATED, "compressed status");
    bdrv_close(bs);
    bs = open_rw(p);
    is_int(bdrv_pread(bs, 65536, back, sizeof(back)), 0, "read a compressed cluster");
    ok(!memcmp(buf, back, sizeof(buf)), "inflates to the original data");
    ok(bdrv_getlength(bs->file) < 6 * 65536, "both share one host cluster");
    memset(back, 0x31, 100);
    is_int(bdrv_pwrite(bs, 200, back, 100), 0, "write into a compressed cluster");
    is_int(bdrv_pread(bs, 0, back, sizeof(back)), 0, "read it back");
    ok(!memcmp(back, buf, 200) && all_bytes(back + 200, 100, 0x31) &&
       !memcmp(back + 300, buf + 300, sizeof(buf) - 300), "copy-on-write from compressed data");
    check_clean(bs, "compressed clusters");
    bdrv_close(bs);
    free(p);
}

/* Many small writes with tiny clusters: refcount blocks are added, and
 * for the wider counters (fewer per block) the refcount table grows. */
static void test_refcount_widths(void)
{
    static const int widths[] = { 1, 2, 4, 8, 16, 32, 64 };
    uint8_t *big = xmalloc(MiB);

    memset(big, 0x6d, MiB);
    for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
        char *name = xasprintf("rc%d.qcow2", widths[w]);
        char *p = make_qcow2(name, 32 * MiB, 512, widths[w], NULL, NULL);
        /* unsafe: no host flushes, this is about the refcount logic */
        BlockDriverState *bs = open_cache(p, BLOCK_CACHE_UNSAFE);
        BDRVQcow2State *s = bs->opaque;
        uint8_t buf[512], back[512];
        bool good = true;
        uint32_t table0 = s->refcount_table_size;

        for (int i = 0; i < 600; i++) {
            memset(buf, i & 0xff, sizeof(buf));
            good &= bdrv_pwrite(bs, (int64_t)((i * 7919) % 65536) * 512, buf, 512) == 0;
        }
        for (int i = 0; i < 600; i++) {
            int last = i;

            for (int j = i + 1; j < 600; j++)    /* later writes to the same sector win */
                if ((j * 7919) % 65536 == (i * 7919) % 65536)
                    last = j;
            bdrv_pread(bs, (int64_t)((i * 7919) % 65536) * 512, back, 512);
            good &= all_bytes(back, 512, (uint8_t)(last & 0xff));
        }
        ok(good, "%d-bit refcounts, 512-byte clusters: 600 scattered writes read back",
           widths[w]);
        if (widths[w] >= 16) {
            for (int k = 0; k < 12; k++)
                good &= bdrv_pwrite(bs, (int64_t)(16 + k) * MiB, big, MiB) == 0;
            bdrv_pread(bs, 27 * MiB + 512, back, 512);
            ok(good && all_bytes(back, 512, 0x6d) && s->refcount_table_size > table0,
               "%d-bit refcounts: 12 MiB more, the refcount table grew (%u -> %u entries)",
               widths[w], table0, s->refcount_table_size);
        }
        check_clean(bs, name);
        bdrv_close(bs);
        free(p);
        free(name);
    }
    free(big);
}

static void test_resize(void)
{
    char *p = make_qcow2("grow.qcow2", 1 * MiB, 4096, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p);
    BDRVQcow2State *s = bs->opaque;
    uint8_t buf[4096];
    Error *err = NULL;

    memset(buf, 0x5c, sizeof(buf));
    bdrv_pwrite(bs, 8192, buf, sizeof(buf));
    is_int(bdrv_truncate(bs, 4 * GiB, false, NULL), 0, "grow to 4 GiB");
    is_int(s->l1_size, 4 * GiB / (4096ULL * 512), "the L1 table grew");
    is_int(bdrv_pwrite(bs, 4 * GiB - 4096, buf, sizeof(buf)), 0, "write near the new end");
    memset(buf, 0, sizeof(buf));
    bdrv_pread(bs, 8192, buf, sizeof(buf));
    ok(all_bytes(buf, sizeof(buf), 0x5c), "old data kept");
    is_int(bdrv_truncate(bs, 1 * MiB, true, &err), -ENOTSUP, "qcow2 shrinking is refused");
    error_free(err);
    err = NULL;
    is_int(bdrv_truncate(bs, 5 * GiB + 1, false, &err), -EINVAL, "size must be sector aligned");
    is_str(err ? err->msg : NULL, "The new size must be a multiple of 512", "QEMU's message");
    error_free(err);
    check_clean(bs, "after resize");
    bdrv_close(bs);
    free(p);
}

static void test_leaks_and_empty(void)
{
    char *p = make_qcow2("leak.qcow2", 4 * MiB, 0, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p);
    BDRVQcow2State *s = bs->opaque;
    BdrvCheckResult r = { 0 };
    uint8_t buf[65536];

    memset(buf, 1, sizeof(buf));
    bdrv_pwrite(bs, 0, buf, sizeof(buf));
    bdrv_pwrite(bs, 3 * MiB, buf, sizeof(buf));
    int64_t leaked = qcow2_alloc_clusters(s, 2 * 65536);

    /* as if a writer died after writing the data, before the L2 update */
    ok(leaked > 0 && bdrv_pwrite(bs->file, leaked, buf, sizeof(buf)) == 0 &&
       bdrv_pwrite(bs->file, leaked + 65536, buf, sizeof(buf)) == 0,
       "allocate and fill two clusters nobody references");
    bs->drv->check(bs, &r, 0);
    ok(r.leaks == 2 && r.corruptions == 0, "check counts 2 leaked clusters");
    memset(&r, 0, sizeof(r));
    bs->drv->check(bs, &r, BDRV_FIX_LEAKS);
    is_int(r.leaks_fixed, 2, "check -r leaks repairs them");
    check_clean(bs, "after repair");
    is_int(bs->drv->make_empty(bs), 0, "make_empty (commit)");
    bdrv_pread(bs, 3 * MiB, buf, sizeof(buf));
    ok(all_bytes(buf, sizeof(buf), 0), "the emptied image reads zeros");
    check_clean(bs, "after make_empty");
    bdrv_close(bs);
    free(p);
}

/* Open must refuse the damaged image with msg and leave it unchanged. */
static void expect_refused(const char *what, uint64_t off, const void *bytes, size_t len,
                           const char *msg)
{
    char *p = make_qcow2("bad.qcow2", 1 * MiB, 0, 0, NULL, NULL);
    BlockDriverState *bs = open_rw(p);
    uint8_t before[4 * 65536], after[4 * 65536];
    Error *err = NULL;
    int fd;

    memset(before, 0x3c, 4096);
    bdrv_pwrite(bs, 0, before, 4096);
    bdrv_close(bs);
    fd = open(p, O_RDWR);
    if (pwrite(fd, bytes, len, (off_t)off) != (ssize_t)len)
        diag("poke failed");
    memset(before, 0, sizeof(before));
    if (pread(fd, before, sizeof(before), 0) < 0)
        diag("read failed");
    bs = bdrv_open(p, "qcow2", BDRV_O_RDWR, BLOCK_CACHE_WRITEBACK, &err);
    ok(bs == NULL, "%s: refused", what);
    is_str(err ? err->msg : NULL, msg, "%s: message", what);
    memset(after, 0, sizeof(after));
    if (pread(fd, after, sizeof(after), 0) < 0)
        diag("read failed");
    ok(!memcmp(before, after, sizeof(after)), "%s: image unchanged", what);
    close(fd);
    bdrv_close(bs);
    error_free(err);
    unlink(p);
    free(p);
}

static void test_corrupt_headers(void)
{
    static const uint8_t bad_magic[4] = { 'Q', 'F', 'I', 0 };
    static const uint8_t v4[4] = { 0, 0, 0, 4 };
    static const uint8_t cb30[4] = { 0, 0, 0, 30 };
    static const uint8_t l1_far[8] = { 0, 0, 0, 0, 0x10, 0, 0, 0 };
    static const uint8_t l1_on_reftable[8] = { 0, 0, 0, 0, 0, 1, 0, 0 };
    static const uint8_t huge[8] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t reft_unaligned[8] = { 0, 0, 0, 0, 0, 1, 0, 8 };
    static const uint8_t l2_far[8] = { 0x80, 0, 0, 0, 0x10, 0, 0, 0 };

    expect_refused("bad magic", 0, bad_magic, 4, "Image is not in qcow2 format");
    expect_refused("version 4", 4, v4, 4, "Unsupported qcow2 version 4");
    expect_refused("cluster_bits 30", 20, cb30, 4, "Unsupported cluster size: 2^30");
    expect_refused("L1 table past EOF", 40, l1_far, 8,
                   "Active L1 table is beyond the end of the image file");
    expect_refused("L1 table on the refcount table", 40, l1_on_reftable, 8,
                   "Reference count table overlaps with Active L1 table");
    expect_refused("absurd size", 24, huge, 8, "Image is too big");
    expect_refused("refcount table misaligned", 48, reft_unaligned, 8,
                   "Reference count table offset invalid");
    expect_refused("L2 table past EOF", 0x30000, l2_far, 8,
                   "L2 table offset 0x10000000 invalid (L1 index: 0)");
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_allocation();
    test_backing_cow();
    test_zero_clusters();
    test_compressed();
    test_refcount_widths();
    test_resize();
    test_leaks_and_empty();
    test_corrupt_headers();
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
