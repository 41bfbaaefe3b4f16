/* SPDX-License-Identifier: MIT */
/*
 * kemu-img: the disk image utility (create, info, check, convert, resize,
 * commit, map), command line compatible with qemu-img.
 *
 * This file holds main(), the command table and the helpers every
 * subcommand shares: opening an image, parsing sizes, --output and cache
 * modes, and QEMU's human-readable size format. Images are handled through
 * the block layer (block/), so kemu-img reads and writes exactly what the
 * emulator does. Reference: QEMU docs/tools/qemu-img.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>

#include "config-host.h"
#include "tools/kemu-img.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *syntax;
} img_cmds[] = {
    { "check", img_check,
      "check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] [-T src_cache] [-U] filename" },
    { "commit", img_commit, "commit [-q] [-f fmt] [-t cache] [-b base] [-d] [-p] filename" },
    { "convert", img_convert,
      "convert [-U] [-c] [-p] [-q] [-n] [-f fmt] [-t cache] [-T src_cache] [-O output_fmt] "
      "[-B backing_file [-F backing_fmt]] [-o options] [-S sparse_size] filename "
      "[filename2 [...]] output_filename" },
    { "create", img_create,
      "create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] [-o options] filename [size]" },
    { "info", img_info, "info [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename" },
    { "map", img_map,
      "map [-f fmt] [--start-offset=offset] [--max-length=len] [--output=ofmt] [-U] filename" },
    { "resize", img_resize,
      "resize [-f fmt] [--preallocation=prealloc] [-q] [--shrink] filename [+ | -]size" },
};

void img_error_exit(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", error_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information\n", error_progname);
    exit(1);
}

void img_help(void)
{
    printf("kemu-img version " KEMU_VERSION "\n"
           "usage: kemu-img [standard options] command [command options]\n"
           "kemu disk image utility (qemu-img compatible)\n\n"
           "    '-h', '--help'       display this help and exit\n"
           "    '-V', '--version'    output version information and exit\n\n"
           "Command syntax:\n");
    for (size_t i = 0; i < ARRAY_SIZE(img_cmds); i++)
        printf("  %s\n", img_cmds[i].syntax);
    printf("\nCommand parameters:\n"
           "  'filename' is a disk image filename\n"
           "  'fmt' is the disk image format. It is guessed automatically in most cases\n"
           "  'cache' is the cache mode used to write the output disk image, the valid\n"
           "    options are: 'none', 'writeback' (default, except for convert), 'writethrough',\n"
           "    'directsync' and 'unsafe' (default for convert)\n"
           "  'size' is the disk image size in bytes. Optional suffixes\n"
           "    'k' or 'K' (kilobyte, 1024), 'M' (megabyte, 1024k), 'G' (gigabyte, 1024M),\n"
           "    'T' (terabyte, 1024G), 'P' (petabyte, 1024T) and 'E' (exabyte, 1024P)  are\n"
           "    supported. 'b' is ignored.\n"
           "  'options' is a comma separated list of format specific options in a\n"
           "    name=value format. Use -o help for an overview of the options supported by\n"
           "    the used format\n"
           "  '-c' indicates that target image must be compressed (qcow2 only)\n"
           "  '-p' show progress of command (only certain commands)\n"
           "  '-q' use Quiet mode - do not print any output (except errors)\n"
           "  '--output' takes the format in which the output must be done (human or json)\n\n"
           "Parameters to check subcommand:\n"
           "  '-r' tries to repair any inconsistencies that are found during the check.\n"
           "       '-r leaks' repairs only cluster leaks, whereas '-r all' fixes all\n"
           "       kinds of errors, with a higher risk of choosing the wrong fix or\n"
           "       hiding corruption that has already occurred.\n\n"
           "Supported formats: qcow2 raw\n");
    exit(0);
}

void img_qprintf(bool quiet, const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

BlockDriverState *img_open(const char *filename, const char *fmt, int flags, BlockCacheMode cache,
                           bool quiet)
{
    Error *err = NULL;
    BlockDriverState *bs;

    bs = bdrv_open(filename, fmt, flags, cache, &err);
    if (!bs) {
        error_report("Could not open '%s': %s", filename, err->msg);
        error_free(err);
    }
    return bs;
}

bool img_parse_output(const char *arg, OutputFormat *out)
{
    if (!strcmp(arg, "json"))
        *out = OFORMAT_JSON;
    else if (!strcmp(arg, "human"))
        *out = OFORMAT_HUMAN;
    else {
        error_report("--output must be used with human or json as argument.");
        return false;
    }
    return true;
}

bool img_parse_cache(const char *arg, BlockCacheMode *out)
{
    if (!block_parse_cache_mode(arg, out)) {
        error_report("Invalid cache option: %s", arg);
        return false;
    }
    return true;
}

bool img_parse_size(const char *s, int64_t *out)
{
    uint64_t v;
    size_t n = strlen(s);
    char *t = xstrdup(s);
    bool ok;

    /* qemu-img ignores a trailing 'b'/'B' on sizes given in bytes. */
    if (n > 1 && (t[n - 1] == 'b' || t[n - 1] == 'B') && t[n - 2] >= '0' && t[n - 2] <= '9')
        t[n - 1] = 0;
    ok = parse_size(t, 1, &v) && v <= (uint64_t)INT64_MAX;
    free(t);
    if (ok)
        *out = (int64_t)v;
    return ok;
}

char *img_size_to_str(uint64_t val)
{
    static const char *const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    int i;

    /* Switch to the next unit once the integer part reaches 1000. */
    frexp((double)val / (1000.0 / 1024.0), &i);
    i = i > 0 ? (i - 1) / 10 : 0;
    if (i >= (int)ARRAY_SIZE(suffixes))
        i = ARRAY_SIZE(suffixes) - 1;
    return xasprintf("%0.3g %sB", (double)val / (double)(1ULL << (i * 10)), suffixes[i]);
}

static void img_version(void)
{
    printf("kemu-img version " KEMU_VERSION "\n"
           "Copyright (c) the kemu developers (qemu-img compatible interface)\n");
    exit(0);
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    error_progname = "kemu-img";
    while ((c = getopt_long(argc, argv, "+:hVT:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h': img_help(); break;
        case 'V': img_version(); break;
        case 'T': break;   /* tracing is not implemented; accepted */
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        img_error_exit("Not enough arguments");
    argc -= optind;
    argv += optind;
    optind = 0;
    for (size_t i = 0; i < ARRAY_SIZE(img_cmds); i++) {
        if (!strcmp(argv[0], img_cmds[i].name))
            return img_cmds[i].fn(argc, argv);
    }
    img_error_exit("Command not found: %s", argv[0]);
}
