/* SPDX-License-Identifier: MIT */
/*
 * kemu-img info: what an image is (format, sizes, backing file, qcow2
 * details), in qemu-img's human form or as JSON (--output=json), for one
 * image or the whole backing chain (--backing-chain).
 *
 * The image is opened without its backing file (as qemu-img does), so
 * info works on an overlay whose backing file is missing.
 * Reference: QEMU docs/tools/qemu-img.rst ("info"); the ImageInfo fields
 * of QEMU's qapi/block-core.json.
 */
#include <getopt.h>
#include <time.h>

#include "tools/kemu-img.h"

/* The qcow2 "format-specific" data, keys as QEMU names them. */
static JsonValue *img_info_specific(const BlockDriverInfo *bdi)
{
    JsonValue *data = json_object();

    json_put_str(data, "compat", bdi->qcow2_version >= 3 ? "1.1" : "0.10");
    json_put_str(data, "compression-type", bdi->compression_type);
    if (bdi->qcow2_version >= 3) {
        json_put_bool(data, "lazy-refcounts", bdi->lazy_refcounts);
        json_put_int(data, "refcount-bits", bdi->refcount_bits);
        json_put_bool(data, "corrupt", bdi->corrupt);
        json_put_bool(data, "extended-l2", bdi->extended_l2);
    } else {
        json_put_int(data, "refcount-bits", bdi->refcount_bits);
    }
    return data;
}

typedef struct ImgInfo {
    const char *filename;
    const char *format;
    int64_t virtual_size;
    int64_t actual_size;
    BlockDriverInfo bdi;
    const char *backing;
    char *full_backing;
    const char *backing_fmt;
    BlockSnapshotInfo *snapshots;
    int nb_snapshots;
} ImgInfo;

static void img_info_collect(BlockDriverState *bs, ImgInfo *ii)
{
    memset(ii, 0, sizeof(*ii));
    ii->filename = bs->filename;
    ii->format = bs->drv->format_name;
    ii->virtual_size = bdrv_getlength(bs);
    ii->actual_size = bdrv_allocated_file_size(bs);
    bdrv_get_info(bs, &ii->bdi);
    ii->backing = bs->backing_file;
    ii->full_backing = bs->backing_file ? bdrv_backing_path(bs->filename, bs->backing_file) : NULL;
    ii->backing_fmt = bs->backing_format;
    ii->nb_snapshots = bdrv_snapshot_list(bs, &ii->snapshots);
}

static JsonValue *img_info_snapshots_json(const ImgInfo *ii)
{
    JsonValue *list = json_array();

    for (int i = 0; i < ii->nb_snapshots; i++) {
        const BlockSnapshotInfo *sn = &ii->snapshots[i];
        JsonValue *o = json_object();

        json_put_str(o, "id", sn->id);
        json_put_str(o, "name", sn->name);
        json_put_int(o, "vm-state-size", (int64_t)sn->vm_state_size);
        json_put_int(o, "date-sec", sn->date_sec);
        json_put_int(o, "date-nsec", sn->date_nsec);
        json_put_int(o, "vm-clock-sec", (int64_t)(sn->vm_clock_nsec / 1000000000ULL));
        json_put_int(o, "vm-clock-nsec", (int64_t)(sn->vm_clock_nsec % 1000000000ULL));
        if (sn->icount != UINT64_MAX)
            json_put_int(o, "icount", (int64_t)sn->icount);
        json_append(list, o);
    }
    return list;
}

/* One row of the snapshot table, as QEMU's bdrv_snapshot_dump(). */
static void img_info_snapshot_row(const BlockSnapshotInfo *sn)
{
    time_t t = (time_t)sn->date_sec;
    uint64_t secs = sn->vm_clock_nsec / 1000000000ULL;
    char date[64] = "", clock[64], icount[32] = "";
    char *vmsize = img_size_to_str(sn->vm_state_size);
    struct tm tm;

    if (localtime_r(&t, &tm))
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d", (int)(secs / 3600),
             (int)((secs / 60) % 60), (int)(secs % 60),
             (int)((sn->vm_clock_nsec / 1000000) % 1000));
    if (sn->icount != UINT64_MAX)
        snprintf(icount, sizeof(icount), "%llu", (unsigned long long)sn->icount);
    printf("%-9s %-16s %8s%20s%13s%11s\n", sn->id, sn->name, vmsize, date, clock, icount);
    free(vmsize);
}

static JsonValue *img_info_json(const ImgInfo *ii)
{
    JsonValue *o = json_object(), *spec;

    json_put_str(o, "filename", ii->filename);
    json_put_str(o, "format", ii->format);
    json_put_bool(o, "dirty-flag", ii->bdi.is_dirty);
    if (ii->actual_size >= 0)
        json_put_int(o, "actual-size", ii->actual_size);
    json_put_int(o, "virtual-size", ii->virtual_size);
    if (ii->bdi.cluster_size)
        json_put_int(o, "cluster-size", ii->bdi.cluster_size);
    if (ii->backing) {
        json_put_str(o, "backing-filename", ii->backing);
        json_put_str(o, "full-backing-filename", ii->full_backing);
    }
    if (ii->backing_fmt)
        json_put_str(o, "backing-filename-format", ii->backing_fmt);
    if (ii->nb_snapshots)
        json_put(o, "snapshots", img_info_snapshots_json(ii));
    if (ii->bdi.has_qcow2) {
        spec = json_object();
        json_put_str(spec, "type", "qcow2");
        json_put(spec, "data", img_info_specific(&ii->bdi));
        json_put(o, "format-specific", spec);
    }
    return o;
}

static void img_info_human_specific(const BlockDriverInfo *bdi)
{
    JsonValue *data = img_info_specific(bdi);

    printf("Format specific information:\n");
    json_print_human(stdout, data, 4);
    json_free(data);
}

static void img_info_human(const ImgInfo *ii)
{
    char *vsize = img_size_to_str((uint64_t)ii->virtual_size);
    char *dsize = ii->actual_size >= 0 ? img_size_to_str((uint64_t)ii->actual_size)
                                       : xstrdup("unavailable");

    printf("image: %s\nfile format: %s\nvirtual size: %s (%lld bytes)\ndisk size: %s\n",
           ii->filename, ii->format, vsize, (long long)ii->virtual_size, dsize);
    free(vsize);
    free(dsize);
    if (ii->bdi.cluster_size)
        printf("cluster_size: %d\n", ii->bdi.cluster_size);
    if (ii->bdi.is_dirty)
        printf("cleanly shut down: no\n");
    if (ii->backing) {
        printf("backing file: %s", ii->backing);
        if (strcmp(ii->backing, ii->full_backing))
            printf(" (actual path: %s)", ii->full_backing);
        printf("\n");
    }
    if (ii->backing_fmt)
        printf("backing file format: %s\n", ii->backing_fmt);
    if (ii->nb_snapshots) {
        printf("Snapshot list:\n%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
               "VM CLOCK", "ICOUNT");
        for (int i = 0; i < ii->nb_snapshots; i++)
            img_info_snapshot_row(&ii->snapshots[i]);
    }
    if (ii->bdi.has_qcow2)
        img_info_human_specific(&ii->bdi);
}

static int img_info_print(BlockDriverState *top, OutputFormat ofmt, bool chain)
{
    JsonValue *list = chain && ofmt == OFORMAT_JSON ? json_array() : NULL;

    for (BlockDriverState *bs = top; bs; bs = chain ? bs->backing : NULL) {
        ImgInfo ii;

        img_info_collect(bs, &ii);
        if (ofmt == OFORMAT_JSON && chain) {
            json_append(list, img_info_json(&ii));
        } else if (ofmt == OFORMAT_JSON) {
            JsonValue *o = img_info_json(&ii);

            json_print(stdout, o);
            printf("\n");
            json_free(o);
        } else {
            if (bs != top)
                printf("\n");
            img_info_human(&ii);
        }
        free(ii.full_backing);
        free(ii.snapshots);
    }
    if (list) {
        json_print(stdout, list);
        printf("\n");
        json_free(list);
    }
    return 0;
}

int img_info(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, OPTION_OUTPUT },
        { "backing-chain", no_argument, NULL, OPTION_BACKING_CHAIN },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *output = NULL;
    OutputFormat ofmt = OFORMAT_HUMAN;
    bool chain = false;
    BlockDriverState *bs;
    int ch, ret;

    while ((ch = getopt_long(argc, argv, ":f:hU", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 'h': img_help(); break;
        case 'U': break;
        case OPTION_OUTPUT: output = optarg; break;
        case OPTION_BACKING_CHAIN: chain = true; break;
        case OPTION_OBJECT: case OPTION_IMAGE_OPTS: break;
        case ':': img_error_exit("missing argument for option '%s'", argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        img_error_exit("Expecting one image file name");
    if (output && !img_parse_output(output, &ofmt))
        return 1;
    bs = img_open(argv[optind], fmt, chain ? 0 : BDRV_O_NO_BACKING, BLOCK_CACHE_WRITEBACK, false);
    if (!bs)
        return 1;
    ret = img_info_print(bs, ofmt, chain);
    bdrv_close(bs);
    return ret;
}
