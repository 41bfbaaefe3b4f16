/* SPDX-License-Identifier: MIT */
/*
 * Power-loss replay of the qcow2 driver's metadata ordering.
 *
 * A workload (allocations, refcount blocks, refcount table and L1 growth,
 * overwriting compressed clusters, flushes) runs against a qcow2 image
 * while every write and flush of the file is recorded. A power loss may
 * keep any subset of the writes issued since the last completed flush, so
 * for every flush interval the test rebuilds the file as: everything
 * before the interval, plus none, all, or random subsets of the writes in
 * it. Each rebuilt image must open and pass the consistency check with no
 * corruption (leaked clusters are allowed). Reference: the crash-safety
 * invariant in block/qcow2.h.
 */
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/qcow2.h"
#include "tap.h"

typedef struct Op {
    bool flush;
    int64_t offset;
    size_t len;
    uint8_t *data;
} Op;

typedef struct Trace {
    const char *filename;
    Op *ops;
    int nr;
} Trace;

/* tmpfs when there is one: the workload's many flushes are then cheap */
static char tmpdir_shm[] = "/dev/shm/kemu-test-crash-XXXXXX";
static char tmpdir_tmp[] = "/tmp/kemu-test-crash-XXXXXX";
static char *tmpdir;

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static void trace_add(Trace *t, Op op)
{
    t->ops = xrealloc(t->ops, sizeof(Op) * (t->nr + 1));
    t->ops[t->nr++] = op;
}

static void trace_write(void *opaque, const char *filename, int64_t off, const void *buf,
                        size_t len)
{
    Trace *t = opaque;
    Op op = { .offset = off, .len = len, .data = xmalloc(len ? len : 1) };

    if (strcmp(filename, t->filename)) {
        free(op.data);
        return;
    }
    memcpy(op.data, buf, len);
    trace_add(t, op);
}

static void trace_flush(void *opaque, const char *filename)
{
    Trace *t = opaque;

    if (!strcmp(filename, t->filename))
        trace_add(t, (Op){ .flush = true });
}

static uint8_t *read_file(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    uint8_t *buf;
    long n;

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = xmalloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The workload: every kind of metadata change, with flushes in between. */
static void workload(BlockDriverState *bs)
{
    uint8_t buf[65536];

    for (int i = 0; i < 300; i++) {
        memset(buf, i & 0xff, sizeof(buf));
        bdrv_pwrite(bs, (int64_t)((i * 7919) % 8192) * 512, buf, 512 * (1 + i % 5));
        if (i % 37 == 0)
            bdrv_flush(bs);
    }
    for (int i = 0; i < 8; i++)
        bdrv_pwrite_compressed(bs, (int64_t)(3 * MiB) + i * 512, buf, 512);
    bdrv_flush(bs);
    bdrv_pwrite(bs, 3 * MiB + 1024, buf, 2048);     /* overwrite compressed clusters */
    bdrv_truncate(bs, 64 * MiB, false, NULL);       /* L1 growth */
    for (int i = 0; i < 40; i++)
        bdrv_pwrite(bs, 8 * MiB + (int64_t)i * 700 * 1024, buf, sizeof(buf));
    bdrv_flush(bs);
}

/* Apply ops [0, upto) and the chosen ops of [upto, end). */
static void rebuild(const char *path, const uint8_t *base, size_t base_len, Trace *t, int upto,
                    int end, unsigned mask_seed, int mode)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    unsigned r = mask_seed;

    if (write(fd, base, base_len) != (ssize_t)base_len)
        diag("write failed");
    for (int i = 0; i < end; i++) {
        Op *op = &t->ops[i];
        bool take = i < upto || mode == 1 ||
                    (mode == 2 && ((r = r * 1103515245 + 12345) >> 16) & 1);

        if (!op->flush && take && pwrite(fd, op->data, op->len, op->offset) != (ssize_t)op->len)
            diag("pwrite failed");
    }
    close(fd);
}

static bool replay_ok(const char *path, int *leaks)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "qcow2", BDRV_O_CHECK | BDRV_O_NO_BACKING,
                                     BLOCK_CACHE_WRITEBACK, &err);
    BdrvCheckResult r = { 0 };
    int saved, null;
    bool good;

    if (!bs) {
        diag("open failed: %s", err->msg);
        error_free(err);
        return false;
    }
    saved = dup(2);
    null = open("/dev/null", O_WRONLY);
    dup2(null, 2);   /* the check lists every leaked cluster */
    good = bs->drv->check(bs, &r, 0) == 0 && r.corruptions == 0 && r.check_errors == 0;
    dup2(saved, 2);
    close(saved);
    close(null);
    *leaks = r.leaks;
    if (!good)
        diag("corruptions %d, check errors %d", r.corruptions, r.check_errors);
    bdrv_close(bs);
    return good;
}

int main(void)
{
    BlockCreateOptions o = { .size = 4 * MiB, .cluster_size = 512, .refcount_bits = 64 };
    char *path, *state;
    static Trace t;
    BlockIoTrace hook = { trace_write, trace_flush, &t };
    BlockDriverState *bs;
    uint8_t *base;
    size_t base_len;
    int flushes = 0, states = 0, bad = 0, leaky = 0;

    tmpdir = mkdtemp(tmpdir_shm) ? tmpdir_shm : mkdtemp(tmpdir_tmp);
    if (!tmpdir)
        return 1;
    path = xasprintf("%s/crash.qcow2", tmpdir);
    state = xasprintf("%s/state.qcow2", tmpdir);
    bdrv_create("qcow2", path, &o, NULL);
    base = read_file(path, &base_len);
    bs = bdrv_open(path, "qcow2", BDRV_O_RDWR, BLOCK_CACHE_WRITEBACK, NULL);
    t.filename = bs->file->filename;
    bdrv_io_trace = &hook;
    workload(bs);
    bdrv_close(bs);
    bdrv_io_trace = NULL;
    for (int i = 0; i < t.nr; i++)
        flushes += t.ops[i].flush;
    ok(flushes > 50 && t.nr > 500, "workload recorded (%d writes and flushes, %d flushes)", t.nr,
       flushes);
    /* For each interval between flushes: none, all, and random subsets. */
    for (int start = 0, i = 0; i <= t.nr; i++) {
        if (i < t.nr && !t.ops[i].flush)
            continue;
        for (int mode = 0; mode < 6 && i > start; mode++) {
            int leaks = 0;

            rebuild(state, base, base_len, &t, start, i, (unsigned)(i * 31 + mode), MIN(mode, 2));
            states++;
            if (!replay_ok(state, &leaks) && bad++ < 3)
                diag("corrupt after a power loss between ops %d and %d (mode %d)", start, i, mode);
            leaky += leaks > 0;
        }
        start = i + 1;
    }
    ok(bad == 0, "%d replayed power losses: no corruption (%d had leaked clusters)", states, leaky);
    ok(leaky > 0, "some replays leak clusters (the test does reach unfinished allocations)");
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; i < t.nr; i++)
        free(t.ops[i].data);
    free(t.ops);
    free(base);
    free(path);
    free(state);
    return done_testing();
}
