/* SPDX-License-Identifier: MIT */
/*
 * kemu-img create and resize.
 *
 * create: new raw or qcow2 images with -o options, a backing file (-b,
 * with -F its format; the size defaults to the backing file's, which is
 * opened relative to the new image's directory unless -u is given).
 * resize: grow any image, shrink raw images only with --shrink; sizes may
 * be relative (+1G, -512M). Messages and exit codes as qemu-img.
 * Reference: QEMU docs/tools/qemu-img.rst ("create", "resize").
 */
#include <errno.h>
#include <getopt.h>

#include "tools/kemu-img.h"

static char *img_append_opts(char *opts, const char *more)
{
    char *n = opts ? xasprintf("%s,%s", opts, more) : xstrdup(more);

    free(opts);
    return n;
}

static bool img_has_help_option(const char *opts)
{
    char *copy = xstrdup(opts), *save = NULL;
    bool help = false;

    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        help |= opts_is_help(t);
    free(copy);
    return help;
}

static bool img_create_size_arg(const char *arg, int64_t *size)
{
    uint64_t v;

    if (img_parse_size(arg, size))
        return true;
    if (parse_size(arg, 1, &v) || strspn(arg, "0123456789") == strlen(arg)) {
        error_report("Invalid image size specified. Must be between 0 and 9223372036854775807.");
        return false;
    }
    error_report("Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
    error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
    return false;
}

/* Backing file checks; fills the size from the backing image when unset. */
static bool img_create_backing(const char *filename, ImgCreateOpts *c, bool unsafe, char **hint,
                               Error **errp)
{
    BlockDriverState *bs;
    char *path;

    if (!c->bo.backing_fmt) {
        path = bdrv_backing_path(filename, c->bo.backing_file);
        bs = bdrv_open(path, NULL, BDRV_O_NO_BACKING, BLOCK_CACHE_WRITEBACK, NULL);
        error_setg(errp, "Backing file specified without backing format");
        if (bs)   /* a hint, printed without a newline as qemu-img does */
            *hint = xasprintf("Detected format of %s.", bs->drv->format_name);
        bdrv_close(bs);
        free(path);
        return false;
    }
    if (unsafe)
        return true;
    path = bdrv_backing_path(filename, c->bo.backing_file);
    bs = bdrv_open(path, c->bo.backing_fmt, 0, BLOCK_CACHE_WRITEBACK, errp);
    free(path);
    if (!bs) {
        *hint = xstrdup("Could not open backing image.\n");
        return false;
    }
    if (!c->has_size) {
        c->bo.size = (uint64_t)bdrv_getlength(bs);
        c->has_size = true;
    }
    bdrv_close(bs);
    return true;
}

/* The part of create after option parsing; errors are "file: msg". */
static int img_do_create(const char *filename, const char *fmt, ImgCreateOpts *c, bool unsafe,
                         bool quiet)
{
    Error *err = NULL;
    char *hint = NULL;

    if (c->bo.backing_file && strcmp(fmt, "qcow2")) {
        error_setg(&err, "Backing file not supported for file format '%s'", fmt);
    } else if (c->bo.backing_file && !img_create_backing(filename, c, unsafe, &hint, &err)) {
        /* err set */
    } else if (!c->has_size) {
        error_setg(&err, "Image creation needs a size parameter");
    } else {
        if (!quiet)
            img_print_formatting(c, filename, fmt);
        fflush(stdout);
        if (img_create_opts_finish(c, fmt, &err)) {
            c->bo.size = ROUND_UP(c->bo.size, BDRV_SECTOR_SIZE);
            bdrv_create(fmt, filename, &c->bo, &err);
        }
    }
    if (!err)
        return 0;
    error_report("%s: %s", filename, err->msg);
    if (hint)
        fputs(hint, stderr);
    free(hint);
    error_free(err);
    return 1;
}

int img_create(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = "raw", *base = NULL, *base_fmt = NULL, *filename;
    char *options = NULL;
    bool quiet = false, unsafe = false, size_given = false;
    int64_t size = 0;
    ImgCreateOpts c;
    Error *err = NULL;
    int ch, ret;

    while ((ch = getopt_long(argc, argv, ":F:b:f:ho:qu", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'F': base_fmt = optarg; break;
        case 'b': base = optarg; break;
        case 'f': fmt = optarg; break;
        case 'h': img_help(); break;
        case 'o': options = img_append_opts(options, optarg); break;
        case 'q': quiet = true; break;
        case 'u': unsafe = true; break;
        case OPTION_OBJECT: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    filename = optind < argc ? argv[optind] : NULL;
    if (options && img_has_help_option(options)) {
        ret = bdrv_find_format(fmt) ? 0 : 1;
        if (ret)
            error_report("Unknown file format '%s'", fmt);
        else
            img_print_create_help(fmt);
        free(options);
        return ret;
    }
    if (optind >= argc)
        img_error_exit("Expecting image file name");
    optind++;
    if (optind < argc) {
        if (!img_create_size_arg(argv[optind++], &size))
            return 1;
        size_given = true;
    }
    if (optind != argc)
        img_error_exit("Unexpected argument: %s", argv[optind]);
    if (!bdrv_find_format(fmt)) {
        error_report("%s: Unknown file format '%s'", filename, fmt);
        return 1;
    }
    if (!img_create_opts_parse(&c, fmt, options, &err) ||
        (size_given && c.has_size && (error_setg(&err, "The image size must be specified only "
                                                 "once"), true))) {
        error_report("%s: %s", filename, err->msg);
        error_free(err);
        img_create_opts_free(&c);
        free(options);
        return 1;
    }
    if (size_given) {
        c.bo.size = (uint64_t)size;
        c.has_size = true;
    }
    if (base) {
        c.bo.backing_file = base;
        c.bo.backing_fmt = base_fmt;
    } else if (base_fmt && !c.bo.backing_fmt) {
        c.bo.backing_fmt = base_fmt;
    }
    ret = img_do_create(filename, fmt, &c, unsafe, quiet);
    img_create_opts_free(&c);
    free(options);
    return ret;
}

/* "+N", "-N" or "N" against the current length. */
static bool img_resize_target(const char *arg, int64_t cur, int64_t *out)
{
    int rel = arg[0] == '+' ? 1 : arg[0] == '-' ? -1 : 0;
    int64_t n;

    if (!img_parse_size(arg + (rel != 0), &n)) {
        error_report("Parameter 'size' expects a non-negative number below 2^64\n"
                     "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
                     "and exabytes, respectively.");
        return false;
    }
    if (rel < 0 && n > cur) {
        error_report("New image size must be positive");
        return false;
    }
    *out = rel > 0 ? cur + n : rel < 0 ? cur - n : n;
    return true;
}

static int img_do_resize(BlockDriverState *bs, const char *arg, bool shrink, bool quiet)
{
    int64_t cur = bdrv_getlength(bs), size;
    Error *err = NULL;

    if (cur < 0) {
        error_report("Failed to inquire current image length: %s", strerror((int)-cur));
        return 1;
    }
    if (!img_resize_target(arg, cur, &size))
        return 1;
    if (size < cur && !shrink) {
        error_report("Use the --shrink option to perform a shrink operation.");
        warn_report("Shrinking an image will delete all data beyond the shrunken image's end. "
                    "Before performing such an operation, make sure there is no important data "
                    "there.");
        return 1;
    }
    if (bdrv_truncate(bs, size, shrink, &err) < 0) {
        error_report_err(err);
        return 1;
    }
    img_qprintf(quiet, "Image resized.\n");
    return 0;
}

int img_resize(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "shrink", no_argument, NULL, OPTION_SHRINK },
        { "preallocation", required_argument, NULL, OPTION_PREALLOCATION },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *size_arg;
    bool quiet = false, shrink = false;
    BlockDriverState *bs;
    int ch, ret;

    /* The size is always last; take it out so "-512M" is not an option. */
    if (argc < 3)
        img_error_exit("Not enough arguments");
    size_arg = argv[--argc];
    while ((ch = getopt_long(argc, argv, ":f:hq", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 'h': img_help(); break;
        case 'q': quiet = true; break;
        case OPTION_SHRINK: shrink = true; break;
        case OPTION_PREALLOCATION:
            if (strcmp(optarg, "off")) {
                error_report("Preallocation mode '%s' is not supported by kemu-img resize",
                             optarg);
                return 1;
            }
            break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        img_error_exit("Expecting image file name and size");
    bs = img_open(argv[optind], fmt, BDRV_O_RDWR, BLOCK_CACHE_WRITEBACK, quiet);
    if (!bs)
        return 1;
    ret = img_do_resize(bs, size_arg, shrink, quiet);
    if (bdrv_flush(bs) < 0 && ret == 0)
        ret = 1;
    bdrv_close(bs);
    return ret;
}
