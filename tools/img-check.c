/* SPDX-License-Identifier: MIT */
/*
 * kemu-img check: consistency check of an image, with optional repair.
 *
 * Exit codes as qemu-img documents them: 0 no errors, 1 the check could
 * not be completed, 2 corruptions found, 3 only leaked clusters found,
 * 63 the format does not support checks (raw). With -r the image is
 * repaired, then checked again, and the second result is reported.
 * Reference: QEMU docs/tools/qemu-img.rst ("check").
 */
#include <errno.h>
#include <getopt.h>

#include "tools/kemu-img.h"

static void img_check_human(const char *filename, const BdrvCheckResult *r, bool quiet)
{
    if (!(r->corruptions || r->leaks || r->check_errors)) {
        img_qprintf(quiet, "No errors were found on the image.\n");
    } else {
        if (r->corruptions)
            img_qprintf(quiet, "\n%d errors were found on the image.\n"
                        "Data may be corrupted, or further writes to the image may corrupt it.\n",
                        r->corruptions);
        if (r->leaks)
            img_qprintf(quiet, "\n%d leaked clusters were found on the image.\n"
                        "This means waste of disk space, but no harm to data.\n", r->leaks);
        if (r->check_errors)
            img_qprintf(quiet, "\n%d internal errors have occurred during the check.\n",
                        r->check_errors);
    }
    if (r->total_clusters != 0 && r->allocated_clusters != 0)
        img_qprintf(quiet, "%lld/%lld = %0.2f%% allocated, %0.2f%% fragmented, %0.2f%% "
                    "compressed clusters\n",
                    (long long)r->allocated_clusters, (long long)r->total_clusters,
                    r->allocated_clusters * 100.0 / r->total_clusters,
                    r->fragmented_clusters * 100.0 / r->allocated_clusters,
                    r->compressed_clusters * 100.0 / r->allocated_clusters);
    if (r->image_end_offset)
        img_qprintf(quiet, "Image end offset: %lld\n", (long long)r->image_end_offset);
}

/* The ImageCheck object: optional members only when non-zero. */
static void img_check_json(const char *filename, const char *fmt, const BdrvCheckResult *r,
                           bool quiet)
{
    JsonValue *o = json_object();

    json_put_str(o, "filename", filename);
    json_put_str(o, "format", fmt);
    json_put_int(o, "check-errors", r->check_errors);
    if (r->image_end_offset)
        json_put_int(o, "image-end-offset", r->image_end_offset);
    if (r->corruptions)
        json_put_int(o, "corruptions", r->corruptions);
    if (r->leaks)
        json_put_int(o, "leaks", r->leaks);
    if (r->corruptions_fixed)
        json_put_int(o, "corruptions-fixed", r->corruptions_fixed);
    if (r->leaks_fixed)
        json_put_int(o, "leaks-fixed", r->leaks_fixed);
    if (r->total_clusters)
        json_put_int(o, "total-clusters", r->total_clusters);
    if (r->allocated_clusters)
        json_put_int(o, "allocated-clusters", r->allocated_clusters);
    if (r->fragmented_clusters)
        json_put_int(o, "fragmented-clusters", r->fragmented_clusters);
    if (r->compressed_clusters)
        json_put_int(o, "compressed-clusters", r->compressed_clusters);
    if (!quiet) {
        json_print(stdout, o);
        printf("\n");
    }
    json_free(o);
}

static int img_check_run(BlockDriverState *bs, BdrvCheckResult *r, int fix)
{
    memset(r, 0, sizeof(*r));
    if (!bs->drv->check)
        return -ENOTSUP;
    return bs->drv->check(bs, r, fix);
}

static int img_do_check(BlockDriverState *bs, const char *filename, OutputFormat ofmt, int fix,
                        bool quiet)
{
    BdrvCheckResult r;
    int ret = img_check_run(bs, &r, fix);

    if (ret == -ENOTSUP) {
        error_report("This image format does not support checks");
        return 63;
    }
    if (ret == 0 && (r.corruptions_fixed || r.leaks_fixed)) {
        int leaks_fixed = r.leaks_fixed, corruptions_fixed = r.corruptions_fixed;

        if (ofmt == OFORMAT_HUMAN)
            img_qprintf(quiet, "The following inconsistencies were found and repaired:\n\n"
                        "    %d leaked clusters\n    %d corruptions\n\n"
                        "Double checking the fixed image now...\n",
                        leaks_fixed, corruptions_fixed);
        ret = img_check_run(bs, &r, 0);
        r.leaks_fixed = leaks_fixed;
        r.corruptions_fixed = corruptions_fixed;
    }
    if (ret == 0) {
        if (ofmt == OFORMAT_JSON)
            img_check_json(filename, bs->drv->format_name, &r, quiet);
        else
            img_check_human(filename, &r, quiet);
    }
    if (ret || r.check_errors) {
        if (ret)
            error_report("Check failed: %s", strerror(-ret));
        else
            error_report("Check failed");
        return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

int img_check(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "repair", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, OPTION_OUTPUT },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *output = NULL;
    OutputFormat ofmt = OFORMAT_HUMAN;
    BlockCacheMode cache = BLOCK_CACHE_WRITEBACK;
    bool quiet = false;
    int fix = 0, ch, ret;
    BlockDriverState *bs;

    while ((ch = getopt_long(argc, argv, ":hf:r:T:qU", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 'h': img_help(); break;
        case 'q': quiet = true; break;
        case 'U': break;
        case 'T':
            if (!img_parse_cache(optarg, &cache))
                return 1;
            break;
        case 'r':
            if (!strcmp(optarg, "leaks"))
                fix = BDRV_FIX_LEAKS;
            else if (!strcmp(optarg, "all"))
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            else
                img_error_exit("Unknown option value for -r (expecting 'leaks' or 'all'): %s",
                               optarg);
            break;
        case OPTION_OUTPUT: output = optarg; break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        img_error_exit("Expecting one image file name");
    if (output && !img_parse_output(output, &ofmt))
        return 1;
    bs = img_open(argv[optind], fmt, BDRV_O_CHECK | (fix ? BDRV_O_RDWR : 0), cache, quiet);
    if (!bs)
        return 1;
    ret = img_do_check(bs, argv[optind], ofmt, fix, quiet);
    bdrv_close(bs);
    return ret;
}
