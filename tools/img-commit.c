/* SPDX-License-Identifier: MIT */
/*
 * kemu-img commit: write an overlay's changes into its backing file.
 *
 * Every range the top image (and any image between it and the base)
 * holds is read through the chain and written to the base, which is
 * opened a second time read-write; the base grows if the top is larger.
 * Afterwards the top image is emptied unless -d is given (or -b names the
 * base, which implies -d as in qemu-img).
 * Reference: QEMU docs/tools/qemu-img.rst ("commit").
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#include "tools/kemu-img.h"

#define COMMIT_CHUNK (2 * MiB)

static bool commit_same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];

    return !strcmp(a, b) || (realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb));
}

static BlockDriverState *commit_find_base(BlockDriverState *top, const char *name)
{
    for (BlockDriverState *p = top->backing; p; p = p->backing) {
        if (!name || commit_same_file(p->filename, name))
            return p;
    }
    return NULL;
}

/* Copy what is allocated above base into base_rw. */
static int commit_copy(BlockDriverState *top, BlockDriverState *base, BlockDriverState *base_rw)
{
    int64_t len = bdrv_getlength(top);
    uint8_t *buf = xmalloc(COMMIT_CHUNK);
    int ret = 0;

    for (int64_t off = 0; off < len && ret >= 0;) {
        int64_t n = MIN(COMMIT_CHUNK, len - off);

        ret = bdrv_is_allocated_above(top, base, off, n, &n);
        if (ret > 0) {
            ret = bdrv_pread(top, off, buf, (size_t)n);
            if (ret == 0)
                ret = bdrv_pwrite(base_rw, off, buf, (size_t)n);
        }
        off += n;
        img_progress_print((double)off * 100.0 / (double)len);
    }
    free(buf);
    return ret < 0 ? ret : bdrv_flush(base_rw);
}

static int commit_run(BlockDriverState *top, const char *base_name, BlockCacheMode cache,
                      bool drop, bool progress, bool quiet)
{
    BlockDriverState *base = commit_find_base(top, base_name), *base_rw;
    Error *err = NULL;
    int ret;

    if (!top->backing) {
        error_report("Image does not have a backing file");
        return 1;
    }
    if (!base) {
        error_report("Did not find '%s' in the backing chain of '%s'", base_name, top->filename);
        return 1;
    }
    base_rw = bdrv_open(base->filename, base->drv->format_name, BDRV_O_RDWR | BDRV_O_NO_BACKING,
                        cache, &err);
    if (!base_rw) {
        error_report("Could not open '%s': %s", base->filename, err->msg);
        error_free(err);
        return 1;
    }
    if (bdrv_getlength(base_rw) < bdrv_getlength(top) &&
        bdrv_truncate(base_rw, bdrv_getlength(top), false, &err) < 0) {
        error_report_err(err);
        bdrv_close(base_rw);
        return 1;
    }
    img_progress_init(progress && !quiet);
    ret = commit_copy(top, base, base_rw);
    img_progress_end();
    bdrv_close(base_rw);
    if (ret == 0 && !drop && top->drv->make_empty)
        ret = top->drv->make_empty(top);
    if (ret < 0) {
        error_report("Image commit failed: %s", strerror(-ret));
        return 1;
    }
    img_qprintf(quiet, "Image committed.\n");
    return 0;
}

int img_commit(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *cache_arg = NULL, *base = NULL;
    bool quiet = false, drop = false, progress = false;
    BlockCacheMode cache = BLOCK_CACHE_WRITEBACK;
    BlockDriverState *bs;
    int ch, ret;

    while ((ch = getopt_long(argc, argv, ":f:ht:b:dpqr:", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 't': cache_arg = optarg; break;
        case 'b': base = optarg; drop = true; break;
        case 'd': drop = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'h': img_help(); break;
        case 'r': break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        img_error_exit("Expecting one image file name");
    if (cache_arg && !img_parse_cache(cache_arg, &cache))
        return 1;
    bs = img_open(argv[optind], fmt, BDRV_O_RDWR, cache, quiet);
    if (!bs)
        return 1;
    ret = commit_run(bs, base, cache, drop, progress, quiet);
    bdrv_flush(bs);
    bdrv_close(bs);
    return ret;
}
