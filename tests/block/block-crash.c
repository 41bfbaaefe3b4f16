/* SPDX-License-Identifier: MIT */
/*
 * block-crash: the writer and the verifier of the qcow2 crash test.
 *
 *   block-crash write IMAGE LOG SEED     write forever (until SIGKILL)
 *   block-crash verify RAW LOG SEED      check a raw copy of the image
 *
 * The writer makes pseudo-random writes (a fixed sequence for a seed)
 * through the block layer, flushes after every FLUSH_EVERY writes and then
 * appends the number of writes covered by that flush to LOG (fsynced).
 * The verifier replays the sequence: every sector last written by a write
 * covered by the last logged flush must hold exactly that write's data,
 * sectors no write touched must be zero, and sectors touched by the writes
 * after it (which may or may not have reached the file) are not checked.
 * Each 512-byte sector written by write i holds (i, sector number) in
 * every 16 bytes, so stale and torn data are told apart.
 * Reference: the crash-consistency goal of QEMU's qcow2 (only leaks after
 * an interrupted write, docs/interop/qcow2.txt "refcounts").
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "block/block-int.h"

#define SECTOR 512
#define FLUSH_EVERY 8
#define MAX_SECTORS 48

typedef struct CrashRng {
    uint64_t s;
} CrashRng;

static uint64_t crash_rand(CrashRng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

/* Write i of the sequence: first sector and sector count. */
static void crash_next(CrashRng *r, int64_t nb_sectors, int64_t *sector, int64_t *count)
{
    *count = (int64_t)(crash_rand(r) % MAX_SECTORS) + 1;
    *sector = (int64_t)(crash_rand(r) % (uint64_t)nb_sectors);
    if (*sector + *count > nb_sectors)
        *count = nb_sectors - *sector;
}

static void crash_fill(uint8_t *buf, uint64_t id, int64_t sector, int64_t count)
{
    for (int64_t s = 0; s < count; s++) {
        for (int k = 0; k < SECTOR; k += 16) {
            stq_le(buf + s * SECTOR + k, id + 1);
            stq_le(buf + s * SECTOR + k + 8, (uint64_t)(sector + s));
        }
    }
}

static int crash_log(int fd, uint64_t n)
{
    char line[32];
    int len = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)n);

    return write(fd, line, (size_t)len) == len && fsync(fd) == 0 ? 0 : -1;
}

static int crash_writer(const char *image, const char *log, uint64_t seed)
{
    BlockOpenOptions bo = { .format = "qcow2" };
    CrashRng r = { seed | 1 };
    uint8_t *buf = xmalloc(MAX_SECTORS * SECTOR);
    Error *err = NULL;
    BlockBackend *blk = blk_open(image, &bo, &err);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int64_t nb;

    if (!blk || fd < 0) {
        if (err)
            error_report_err(err);
        return 1;
    }
    nb = blk_getlength(blk) / SECTOR;
    for (uint64_t i = 0;; i++) {
        int64_t sector, count;

        crash_next(&r, nb, &sector, &count);
        crash_fill(buf, i, sector, count);
        if (blk_pwrite(blk, sector * SECTOR, buf, (size_t)(count * SECTOR)) < 0)
            return 1;
        if ((i + 1) % FLUSH_EVERY == 0 && (blk_flush(blk) < 0 || crash_log(fd, i + 1) < 0))
            return 1;
    }
}

static uint64_t crash_last_flush(const char *log)
{
    FILE *f = fopen(log, "r");
    unsigned long long v, last = 0;

    while (f && fscanf(f, "%llu", &v) == 1)
        last = v;
    if (f)
        fclose(f);
    return last;
}

/* owner[s]: 1 + index of the last covered write of sector s (0 = none);
 * unknown[s]: touched by a write after the last flush. */
static int crash_verify(const char *raw, const char *log, uint64_t seed)
{
    FILE *f = fopen(raw, "rb");
    uint64_t flushed = crash_last_flush(log), bad = 0;
    CrashRng r = { seed | 1 };
    uint8_t expect[SECTOR], got[SECTOR];
    int64_t nb, sector, count;
    uint64_t *owner;
    bool *unknown;

    if (!f || fseek(f, 0, SEEK_END) < 0)
        return 1;
    nb = ftell(f) / SECTOR;
    owner = XNEW0N(uint64_t, nb);
    unknown = XNEW0N(bool, nb);
    for (uint64_t i = 0; i < flushed + FLUSH_EVERY; i++) {
        crash_next(&r, nb, &sector, &count);
        for (int64_t s = sector; s < sector + count; s++) {
            if (i < flushed)
                owner[s] = i + 1;
            else
                unknown[s] = true;
        }
    }
    rewind(f);
    for (int64_t s = 0; s < nb; s++) {
        if (fread(got, 1, SECTOR, f) != SECTOR)
            return 1;
        if (unknown[s])
            continue;
        memset(expect, 0, sizeof(expect));
        if (owner[s])
            crash_fill(expect, owner[s] - 1, s, 1);
        if (memcmp(expect, got, SECTOR) && bad++ < 5)
            printf("# sector %lld: expected write %lld, found write %lld\n", (long long)s,
                   (long long)owner[s] - 1, (long long)ldq_le(got) - 1);
    }
    fclose(f);
    free(owner);
    free(unknown);
    printf("# %llu writes flushed, %llu bad sectors\n", (unsigned long long)flushed,
           (unsigned long long)bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    error_progname = "block-crash";
    if (argc == 5 && !strcmp(argv[1], "write"))
        return crash_writer(argv[2], argv[3], strtoull(argv[4], NULL, 0));
    if (argc == 5 && !strcmp(argv[1], "verify"))
        return crash_verify(argv[2], argv[3], strtoull(argv[4], NULL, 0));
    fprintf(stderr, "usage: block-crash write IMAGE LOG SEED | verify RAW LOG SEED\n");
    return 2;
}
