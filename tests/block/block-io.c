/* SPDX-License-Identifier: MIT */
/*
 * block-io: a small qemu-io for tests, driving kemu's block layer.
 *
 *   block-io [-f fmt] [-r] [-s] [-t cache] IMAGE -c CMD [-c CMD ...]
 *
 * Commands (a subset of qemu-io's, same spelling and first output line):
 *   write [-P pattern] [-c] [-z] OFFSET LEN   write a byte pattern (default
 *                                             0xcd), compressed, or zeros
 *   read [-P pattern] OFFSET LEN              read, and check the pattern
 *   flush | length
 * Offsets and lengths take size suffixes (64k, 1M). The exit status is 1
 * as soon as a command fails or a pattern does not match, so the interop
 * scripts can check data written by qemu-io here and the other way round.
 * Reference: QEMU docs/tools/qemu-io (command syntax).
 */
#include <errno.h>
#include <getopt.h>

#include "block/block-int.h"

typedef struct BlockIo {
    BlockBackend *blk;
    BlockDriverState *bs;   /* for compressed writes */
} BlockIo;

static bool io_parse_num(const char *s, int64_t *out)
{
    uint64_t v;

    if (!parse_size(s, 1, &v) || v > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

/* Split a command line into words (no quoting needed here). */
static int io_split(char *line, char **argv, int max)
{
    int n = 0;

    for (char *t = strtok(line, " \t"); t && n < max - 1; t = strtok(NULL, " \t"))
        argv[n++] = t;
    argv[n] = NULL;
    return n;
}

static int io_write(BlockIo *io, int64_t off, int64_t len, int pattern, bool compressed, bool zero)
{
    uint8_t *buf = xmalloc((size_t)len ? (size_t)len : 1);
    int ret;

    memset(buf, zero ? 0 : pattern, (size_t)len);
    if (compressed)
        ret = bdrv_pwrite_compressed(io->bs, off, buf, (size_t)len);
    else
        ret = blk_pwrite(io->blk, off, buf, (size_t)len);
    free(buf);
    if (ret < 0) {
        printf("write failed: %s\n", strerror(-ret));
        return 1;
    }
    printf("wrote %lld/%lld bytes at offset %lld\n", (long long)len, (long long)len,
           (long long)off);
    return 0;
}

static int io_read(BlockIo *io, int64_t off, int64_t len, int pattern)
{
    uint8_t *buf = xmalloc((size_t)len ? (size_t)len : 1);
    int ret = blk_pread(io->blk, off, buf, (size_t)len), bad = 0;

    if (ret < 0) {
        printf("read failed: %s\n", strerror(-ret));
        free(buf);
        return 1;
    }
    printf("read %lld/%lld bytes at offset %lld\n", (long long)len, (long long)len,
           (long long)off);
    for (int64_t i = 0; pattern >= 0 && i < len; i++) {
        if (buf[i] != pattern) {
            printf("Pattern verification failed at offset %lld, %lld bytes\n",
                   (long long)(off + i), (long long)(len - i));
            bad = 1;
            break;
        }
    }
    free(buf);
    return bad;
}

static int io_command(BlockIo *io, char *line)
{
    char *argv[16];
    int argc = io_split(line, argv, 16), pattern = -1, c;
    bool compressed = false, zero = false;
    int64_t off, len;

    if (argc == 0)
        return 0;
    if (!strcmp(argv[0], "flush"))
        return blk_flush(io->blk) < 0;
    if (!strcmp(argv[0], "length")) {
        printf("%lld\n", (long long)blk_getlength(io->blk));
        return 0;
    }
    optind = 0;
    while ((c = getopt(argc, argv, "P:cz")) != -1) {
        if (c == 'P')
            pattern = (int)strtol(optarg, NULL, 0) & 0xff;
        else if (c == 'c')
            compressed = true;
        else if (c == 'z')
            zero = true;
        else
            return 1;
    }
    if (optind + 2 != argc || !io_parse_num(argv[optind], &off) ||
        !io_parse_num(argv[optind + 1], &len)) {
        printf("bad arguments to %s\n", argv[0]);
        return 1;
    }
    if (!strcmp(argv[0], "write"))
        return io_write(io, off, len, pattern < 0 ? 0xcd : pattern, compressed, zero);
    if (!strcmp(argv[0], "read"))
        return io_read(io, off, len, pattern);
    printf("unknown command: %s\n", argv[0]);
    return 1;
}

int main(int argc, char **argv)
{
    BlockOpenOptions bo = { 0 };
    char *cmds[64];
    int nb = 0, c, ret = 0;
    Error *err = NULL;
    BlockIo io = { 0 };

    error_progname = "block-io";
    while ((c = getopt(argc, argv, "f:rst:c:")) != -1) {
        switch (c) {
        case 'f': bo.format = optarg; break;
        case 'r': bo.read_only = true; break;
        case 's': bo.snapshot = true; break;
        case 't':
            if (!block_parse_cache_mode(optarg, &bo.cache))
                return 2;
            break;
        case 'c':
            if (nb < 64)
                cmds[nb++] = optarg;
            break;
        default: return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: block-io [-f fmt] [-r] [-s] [-t cache] IMAGE -c CMD...\n");
        return 2;
    }
    io.blk = blk_open(argv[optind], &bo, &err);
    if (!io.blk) {
        error_report_err(err);
        return 1;
    }
    /* Compressed writes go straight to the format driver (as convert -c). */
    io.bs = blk_bs(io.blk);
    for (int i = 0; i < nb && ret == 0; i++) {
        char *line = xstrdup(cmds[i]);

        ret = io_command(&io, line);
        free(line);
    }
    blk_close(io.blk);
    return ret;
}
