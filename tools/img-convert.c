/* SPDX-License-Identifier: MIT */
/*
 * kemu-img convert: copy one or more images (concatenated) into a new
 * image of any format, optionally compressed (-c, qcow2 only).
 *
 * The copy follows the source's block status: ranges that read as zeros
 * are skipped when the new target is known to read as zeros, data ranges
 * are read and written with all-zero blocks of the sparse size (-S,
 * default 4 KiB) left out, so the target stays sparse. With -B the target
 * gets a backing file and only ranges the source's top image holds are
 * copied. The target is written with cache=unsafe unless -t says else.
 * Reference: QEMU docs/tools/qemu-img.rst ("convert").
 */
#include <errno.h>
#include <getopt.h>

#include "tools/kemu-img.h"

#define CONVERT_CHUNK (2 * MiB)

typedef enum { CONV_DATA, CONV_ZERO, CONV_BACKING } ConvStatus;

typedef struct ImgConvert {
    BlockDriverState **src;
    int nb_src;
    BlockDriverState *dst;
    int64_t total, done;
    bool compress;
    bool has_zero_init;       /* unwritten target ranges read as zeros */
    bool target_has_backing;  /* -B: leave what the source's backing holds */
    int64_t sparse_size;      /* -S; 0 = write everything */
    uint32_t cluster_size;    /* target's, for -c */
} ImgConvert;

/* What [off, off+*pnum) of one source reads as. */
static int convert_status(ImgConvert *c, BlockDriverState *bs, int64_t off, int64_t *pnum,
                          ConvStatus *st)
{
    int64_t map, n = *pnum;
    BlockDriverState *file;
    int ret;

    if (c->target_has_backing) {
        ret = bdrv_is_allocated_above(bs, bs->backing, off, n, pnum);
        if (ret <= 0) {
            *st = CONV_BACKING;
            return ret;
        }
    }
    for (BlockDriverState *p = bs; p; p = p->backing) {
        ret = bdrv_block_status(p, off, *pnum, pnum, &map, &file);
        if (ret < 0)
            return ret;
        if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
            *st = (ret & BDRV_BLOCK_ZERO) ? CONV_ZERO : CONV_DATA;
            return 0;
        }
    }
    *st = CONV_ZERO;
    return 0;
}

static bool buffer_is_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i])
            return false;
    }
    return true;
}

/* Write buf to the target, leaving out all-zero blocks of sparse_size. */
static int convert_write_sparse(ImgConvert *c, int64_t off, const uint8_t *buf, size_t len)
{
    size_t step = c->sparse_size > 0 && c->has_zero_init ? (size_t)c->sparse_size : len;

    for (size_t i = 0; i < len;) {
        size_t n = MIN(step, len - i);
        size_t run = n;
        int ret;

        if (step != len && buffer_is_zero(buf + i, n)) {
            i += n;
            continue;
        }
        /* Coalesce following non-zero blocks into one write. */
        while (step != len && i + run < len &&
               !buffer_is_zero(buf + i + run, MIN(step, len - i - run)))
            run += MIN(step, len - i - run);
        ret = bdrv_pwrite(c->dst, off + (int64_t)i, buf + i, run);
        if (ret < 0)
            return ret;
        i += run;
    }
    return 0;
}

static int convert_write_compressed(ImgConvert *c, int64_t off, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i += c->cluster_size) {
        size_t n = MIN((size_t)c->cluster_size, len - i);
        int ret;

        if (c->has_zero_init && buffer_is_zero(buf + i, n))
            continue;
        ret = bdrv_pwrite_compressed(c->dst, off + (int64_t)i, buf + i, n);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int convert_zero(ImgConvert *c, int64_t off, int64_t len, uint8_t *buf)
{
    memset(buf, 0, CONVERT_CHUNK);
    for (int64_t i = 0; i < len; i += CONVERT_CHUNK) {
        int ret = bdrv_pwrite(c->dst, off + i, buf, (size_t)MIN(CONVERT_CHUNK, len - i));

        if (ret < 0)
            return ret;
    }
    return 0;
}

/* Copy one range of a source whose status is st. */
static int convert_range(ImgConvert *c, BlockDriverState *src, int64_t soff, int64_t doff,
                         int64_t n, ConvStatus st, uint8_t *buf)
{
    int ret;

    if (st == CONV_BACKING)
        return 0;
    if (st == CONV_ZERO)
        return c->has_zero_init ? 0 : convert_zero(c, doff, n, buf);
    ret = bdrv_pread(src, soff, buf, (size_t)n);
    if (ret < 0) {
        error_report("error while reading at byte %lld: %s", (long long)soff, strerror(-ret));
        return ret;
    }
    ret = c->compress ? convert_write_compressed(c, doff, buf, (size_t)n)
                      : convert_write_sparse(c, doff, buf, (size_t)n);
    if (ret < 0)
        error_report("error while writing at byte %lld: %s", (long long)doff, strerror(-ret));
    return ret;
}

static int convert_source(ImgConvert *c, BlockDriverState *src, int64_t base, uint8_t *buf)
{
    int64_t len = bdrv_getlength(src);
    int64_t chunk = c->compress ? (int64_t)c->cluster_size : CONVERT_CHUNK;

    for (int64_t off = 0; off < len;) {
        int64_t n = MIN(chunk, len - off);
        ConvStatus st;
        int ret;

        /* Keep compressed chunks aligned to target clusters. */
        if (c->compress)
            n = MIN(n, chunk - ((base + off) % chunk));
        ret = convert_status(c, src, off, &n, &st);
        if (ret < 0) {
            error_report("error while reading block status at offset %lld: %s", (long long)off,
                         strerror(-ret));
            return ret;
        }
        if (c->compress && st == CONV_DATA)
            n = MIN(chunk - ((base + off) % chunk), len - off);  /* whole cluster */
        ret = convert_range(c, src, off, base + off, n, st, buf);
        if (ret < 0)
            return ret;
        off += n;
        c->done += n;
        img_progress_print(c->total ? (double)c->done * 100.0 / (double)c->total : 100.0);
    }
    return 0;
}

static int convert_copy(ImgConvert *c)
{
    uint8_t *buf = xmalloc(MAX(CONVERT_CHUNK, c->cluster_size));
    int64_t base = 0;
    int ret = 0;

    for (int i = 0; i < c->nb_src && ret == 0; i++) {
        ret = convert_source(c, c->src[i], base, buf);
        base += bdrv_getlength(c->src[i]);
    }
    free(buf);
    if (ret == 0 && (ret = bdrv_flush(c->dst)) < 0)
        error_report("error while flushing the target: %s", strerror(-ret));
    return ret;
}

typedef struct ConvertArgs {
    const char *fmt, *out_fmt, *base, *base_fmt, *cache, *src_cache;
    char *options;
    bool compress, progress, quiet, no_create;
    int64_t sparse_size;
} ConvertArgs;

/* Create the target as qemu-img does (quietly); "file: error while
 * converting fmt: msg" on failure. */
static bool convert_create(ConvertArgs *a, const char *out, int64_t size)
{
    ImgCreateOpts co;
    Error *err = NULL;
    bool ok = img_create_opts_parse(&co, a->out_fmt, a->options, &err);

    if (!ok) {
        error_report("%s", err->msg);
        error_free(err);
        img_create_opts_free(&co);
        return false;
    }
    co.bo.size = ROUND_UP((uint64_t)size, BDRV_SECTOR_SIZE);
    if (a->base) {
        co.bo.backing_file = a->base;
        co.bo.backing_fmt = a->base_fmt;
    }
    ok = img_create_opts_finish(&co, a->out_fmt, &err) &&
         bdrv_create(a->out_fmt, out, &co.bo, &err) == 0;
    if (!ok) {
        error_report("%s: error while converting %s: %s", out, a->out_fmt, err->msg);
        error_free(err);
    }
    img_create_opts_free(&co);
    return ok;
}

static int convert_run(ConvertArgs *a, char **files, int nb_src, const char *out)
{
    ImgConvert c = { .nb_src = nb_src, .compress = a->compress, .sparse_size = a->sparse_size };
    BlockCacheMode cache = BLOCK_CACHE_UNSAFE, src_cache = BLOCK_CACHE_WRITEBACK;
    BlockDriverInfo bdi;
    int ret = 1;

    if ((a->cache && !img_parse_cache(a->cache, &cache)) ||
        (a->src_cache && !img_parse_cache(a->src_cache, &src_cache)))
        return 1;
    c.src = XNEW0N(BlockDriverState *, nb_src);
    for (int i = 0; i < nb_src; i++) {
        c.src[i] = img_open(files[i], a->fmt, 0, src_cache, a->quiet);
        if (!c.src[i])
            goto out;
        c.total += bdrv_getlength(c.src[i]);
    }
    if (!bdrv_find_format(a->out_fmt)) {
        error_report("Unknown file format '%s'", a->out_fmt);
        goto out;
    }
    if (a->compress && strcmp(a->out_fmt, "qcow2")) {
        error_report("Compression not supported for this file format");
        goto out;
    }
    if (!a->no_create && !convert_create(a, out, c.total))
        goto out;
    c.dst = img_open(out, a->out_fmt, BDRV_O_RDWR | BDRV_O_NO_BACKING, cache, a->quiet);
    if (!c.dst)
        goto out;
    if (a->no_create && bdrv_getlength(c.dst) < c.total) {
        error_report("output file is smaller than input file");
        goto out;
    }
    bdrv_get_info(c.dst, &bdi);
    c.cluster_size = bdi.cluster_size ? (uint32_t)bdi.cluster_size : 65536;
    /* A new image reads as zeros, unless a backing file shows through. */
    c.has_zero_init = !a->no_create && !a->base;
    c.target_has_backing = a->base != NULL;
    img_progress_init(a->progress && !a->quiet);
    ret = convert_copy(&c) < 0 ? 1 : 0;
    img_progress_end();
out:
    for (int i = 0; i < nb_src; i++)
        bdrv_close(c.src[i]);
    bdrv_close(c.dst);
    free(c.src);
    return ret;
}

int img_convert(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { "target-is-zero", no_argument, NULL, OPTION_TARGET_IS_ZERO },
        { NULL, 0, NULL, 0 },
    };
    ConvertArgs a = { .out_fmt = "raw", .sparse_size = 4096 };
    int ch, ret = 1;

    while ((ch = getopt_long(argc, argv, ":hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:", long_opts, NULL)) !=
           -1) {
        switch (ch) {
        case 'f': a.fmt = optarg; break;
        case 'O': a.out_fmt = optarg; break;
        case 'B': a.base = optarg; break;
        case 'F': a.base_fmt = optarg; break;
        case 'c': a.compress = true; break;
        case 'p': a.progress = true; break;
        case 'q': a.quiet = true; break;
        case 'n': a.no_create = true; break;
        case 't': a.cache = optarg; break;
        case 'T': a.src_cache = optarg; break;
        case 'h': img_help(); break;
        case 'o': {
            char *more = a.options ? xasprintf("%s,%s", a.options, optarg) : xstrdup(optarg);

            free(a.options);
            a.options = more;
            break;
        }
        case 'S':
            if (!img_parse_size(optarg, &a.sparse_size)) {
                error_report("Invalid buffer size for sparse output specified. Valid sizes are "
                             "multiples of 512 up to 16M. Use 0 to disable sparse detection.");
                return 1;
            }
            break;
        case 'C': case 'l': case 'm': case 'W': case 'U': case 'r': break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: case OPTION_TARGET_IS_ZERO: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (a.options && strstr(a.options, "help")) {
        img_print_create_help(a.out_fmt);
        ret = 0;
    } else if (argc - optind < 2) {
        error_report("Must specify image file name");
    } else if (a.base && !a.base_fmt) {
        error_report("Backing file specified without backing format");
    } else {
        ret = convert_run(&a, argv + optind, argc - optind - 1, argv[argc - 1]);
    }
    free(a.options);
    return ret;
}
