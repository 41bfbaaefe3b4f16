/* SPDX-License-Identifier: MIT */
/*
 * kemu-img map: where each part of the virtual disk comes from.
 *
 * For each range the chain is walked from the top image down until a
 * layer holds data or zeros for it; the entry records that depth, whether
 * it reads as data or zeros, and the host file and offset. Adjacent
 * entries that continue each other are merged. Human output lists only
 * mapped data; JSON lists every range, exactly as qemu-img map prints.
 * Reference: QEMU docs/tools/qemu-img.rst ("map").
 */
#include <errno.h>
#include <getopt.h>

#include "tools/kemu-img.h"

typedef struct MapEntry {
    int64_t start, length, offset, depth;
    bool data, zero, present, has_offset;
    const char *filename;
} MapEntry;

static int map_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes, MapEntry *e)
{
    int64_t map = 0, depth = 0;
    BlockDriverState *file = NULL;
    int ret;

    for (;;) {
        ret = bdrv_block_status(bs, offset, bytes, &bytes, &map, &file);
        if (ret < 0)
            return ret;
        if (ret & (BDRV_BLOCK_ZERO | BDRV_BLOCK_DATA))
            break;
        bs = bs->backing;
        if (!bs) {
            ret = 0;
            break;
        }
        depth++;
    }
    *e = (MapEntry){
        .start = offset, .length = bytes, .offset = map, .depth = depth,
        .data = ret & BDRV_BLOCK_DATA, .zero = ret & BDRV_BLOCK_ZERO,
        .present = ret & BDRV_BLOCK_ALLOCATED,
        .has_offset = (ret & BDRV_BLOCK_OFFSET_VALID) != 0,
        .filename = (file && (ret & BDRV_BLOCK_OFFSET_VALID)) ? file->filename : NULL,
    };
    return 0;
}

static bool map_mergeable(const MapEntry *a, const MapEntry *b)
{
    if (a->length == 0 || a->zero != b->zero || a->data != b->data || a->depth != b->depth ||
        a->present != b->present || a->has_offset != b->has_offset ||
        (a->filename == NULL) != (b->filename == NULL))
        return false;
    if (a->filename && strcmp(a->filename, b->filename))
        return false;
    return !a->has_offset || a->offset + a->length == b->offset;
}

static int map_dump(OutputFormat ofmt, const MapEntry *e, MapEntry *next)
{
    if (ofmt == OFORMAT_JSON) {
        printf("{ \"start\": %lld, \"length\": %lld, \"depth\": %lld, \"present\": %s, "
               "\"zero\": %s, \"data\": %s", (long long)e->start, (long long)e->length,
               (long long)e->depth, e->present ? "true" : "false", e->zero ? "true" : "false",
               e->data ? "true" : "false");
        if (e->has_offset)
            printf(", \"offset\": %lld", (long long)e->offset);
        putchar('}');
        if (next)
            puts(",");
        return 0;
    }
    if (e->data && !e->has_offset) {
        error_report("File contains external, encrypted or compressed clusters.");
        return -EINVAL;
    }
    if (e->data && !e->zero)
        printf("%#-16llx%#-16llx%#-16llx%s\n", (unsigned long long)e->start,
               (unsigned long long)e->length, (unsigned long long)(e->has_offset ? e->offset : 0),
               e->filename ? e->filename : "");
    /* Human output ignores zero vs unallocated: merge more. */
    if (next && (!next->data || next->zero)) {
        next->data = false;
        next->zero = true;
    }
    return 0;
}

static int img_do_map(BlockDriverState *bs, OutputFormat ofmt, int64_t start, int64_t max_len)
{
    int64_t length = bdrv_getlength(bs);
    MapEntry curr = { .start = start }, next;
    int ret = 0;

    if (length < 0) {
        error_report("Failed to get size for '%s'", bs->filename);
        return 1;
    }
    length = MIN(length, start + max_len);
    if (ofmt == OFORMAT_HUMAN)
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    else
        putchar('[');
    while (curr.start + curr.length < length) {
        int64_t off = curr.start + curr.length;

        ret = map_block_status(bs, off, MIN(1LL << 30, length - off), &next);
        if (ret < 0) {
            error_report("Could not read file metadata: %s", strerror(-ret));
            return 1;
        }
        if (map_mergeable(&curr, &next)) {
            curr.length += next.length;
            continue;
        }
        if (curr.length > 0 && map_dump(ofmt, &curr, &next) < 0)
            return 1;
        curr = next;
    }
    if (map_dump(ofmt, &curr, NULL) < 0)
        return 1;
    if (ofmt == OFORMAT_JSON)
        puts("]");
    return 0;
}

int img_map(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, OPTION_OUTPUT },
        { "start-offset", required_argument, NULL, OPTION_START_OFFSET },
        { "max-length", required_argument, NULL, OPTION_MAX_LENGTH },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *output = NULL;
    OutputFormat ofmt = OFORMAT_HUMAN;
    int64_t start = 0, max_len = INT64_MAX;
    BlockDriverState *bs;
    int ch, ret;

    while ((ch = getopt_long(argc, argv, ":f:hU", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 'h': img_help(); break;
        case 'U': break;
        case OPTION_OUTPUT: output = optarg; break;
        case OPTION_START_OFFSET:
            if (!img_parse_size(optarg, &start)) {
                error_report("Invalid start offset specified! You may use k, M, G, T, P or E "
                             "suffixes for ");
                error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
                return 1;
            }
            break;
        case OPTION_MAX_LENGTH:
            if (!img_parse_size(optarg, &max_len)) {
                error_report("Invalid max length specified! You may use k, M, G, T, P or E "
                             "suffixes for ");
                error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
                return 1;
            }
            break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        img_error_exit("Expecting one image file name");
    if (output && !img_parse_output(output, &ofmt))
        return 1;
    bs = img_open(argv[optind], fmt, 0, BLOCK_CACHE_WRITEBACK, false);
    if (!bs)
        return 1;
    if (max_len > INT64_MAX - start)
        max_len = INT64_MAX - start;
    ret = img_do_map(bs, ofmt, start, max_len);
    bdrv_close(bs);
    return ret;
}
