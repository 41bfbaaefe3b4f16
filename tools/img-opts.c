/* SPDX-License-Identifier: MIT */
/*
 * kemu-img -o option lists: image creation options of raw and qcow2.
 *
 * Checking happens in two steps as in qemu-img: unknown names and values
 * of the wrong type are refused before the "Formatting ..." line, value
 * checks (compat=, preallocation=, cluster size range) after it. The
 * "Formatting" line lists the options in qemu-img's order with defaults.
 * Reference: QEMU manual, "qemu-img create" and the qcow2 image options
 * (docs/system/qemu-block-drivers.rst.inc).
 */
#include <errno.h>

#include "tools/kemu-img.h"

typedef enum { OPT_SIZE, OPT_NUMBER, OPT_BOOL, OPT_STRING } OptType;

typedef struct OptDesc {
    const char *name;
    OptType type;
    const char *help;
} OptDesc;

static const OptDesc raw_opts[] = {
    { "size", OPT_SIZE, "Virtual disk size" },
    { "preallocation", OPT_STRING, "Preallocation mode (allowed values: off, falloc, full)" },
    { "nocow", OPT_BOOL, "Turn off copy-on-write (valid only on btrfs)" },
    { "extent_size_hint", OPT_SIZE, "Extent size hint for the image file, 0 to disable" },
};

static const OptDesc qcow2_opts[] = {
    { "backing_file", OPT_STRING, "File name of a base image" },
    { "backing_fmt", OPT_STRING, "Image format of the base image" },
    { "cluster_size", OPT_SIZE, "qcow2 cluster size" },
    { "compat", OPT_STRING, "Compatibility level (v2 [0.10] or v3 [1.1])" },
    { "compression_type", OPT_STRING, "Compression method used for image cluster compression" },
    { "data_file", OPT_STRING, "File name of an external data file" },
    { "data_file_raw", OPT_BOOL, "The external data file must stay valid as a raw image" },
    { "encryption", OPT_BOOL, "Encrypt the image with format 'aes'. (Deprecated in favor of "
                              "encrypt.format=aes)" },
    { "extended_l2", OPT_BOOL, "Extended L2 tables" },
    { "extent_size_hint", OPT_SIZE, "Extent size hint for the image file, 0 to disable" },
    { "lazy_refcounts", OPT_BOOL, "Postpone refcount updates" },
    { "nocow", OPT_BOOL, "Turn off copy-on-write (valid only on btrfs)" },
    { "preallocation", OPT_STRING, "Preallocation mode (allowed values: off, metadata, falloc, "
                                   "full)" },
    { "refcount_bits", OPT_NUMBER, "Width of a reference count entry in bits" },
    { "size", OPT_SIZE, "Virtual disk size" },
};

static const OptDesc *img_opt_find(const char *fmt, const char *name)
{
    bool q = !strcmp(fmt, "qcow2");
    const OptDesc *t = q ? qcow2_opts : raw_opts;
    size_t n = q ? ARRAY_SIZE(qcow2_opts) : ARRAY_SIZE(raw_opts);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(t[i].name, name))
            return &t[i];
    }
    return NULL;
}

void img_print_create_help(const char *fmt)
{
    bool q = !strcmp(fmt, "qcow2");
    const OptDesc *t = q ? qcow2_opts : raw_opts;
    size_t n = q ? ARRAY_SIZE(qcow2_opts) : ARRAY_SIZE(raw_opts);
    static const char *const types[] = { "size", "num", "bool", "str" };

    printf("Supported options:\n");
    for (size_t i = 0; i < n; i++) {
        char *name = xasprintf("%s=<%s>", t[i].name, types[t[i].type]);

        printf("  %-21s - %s\n", name, t[i].help);
        free(name);
    }
}

/* Type-check one entry and store what the create step needs. */
static bool img_opt_store(ImgCreateOpts *c, const OptDesc *d, const char *v, Error **errp)
{
    uint64_t u;
    bool b;

    if (d->type == OPT_SIZE && !parse_size(v, 1, &u)) {
        opts_error_size(errp, d->name);
        return false;
    }
    if (d->type == OPT_NUMBER && !parse_uint64(v, &u)) {
        error_setg(errp, "Parameter '%s' expects a number", d->name);
        return false;
    }
    if (d->type == OPT_BOOL && !parse_bool(v, &b)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", d->name);
        return false;
    }
    if (!strcmp(d->name, "size")) {
        c->bo.size = u;
        c->has_size = true;
    } else if (!strcmp(d->name, "cluster_size")) {
        c->bo.cluster_size = u > UINT32_MAX ? 1 : (uint32_t)u;  /* out of range: refused later */
        c->has_cluster_size = true;
    } else if (!strcmp(d->name, "refcount_bits")) {
        c->bo.refcount_bits = u > 1024 ? 1024 : (int)u;
    } else if (!strcmp(d->name, "lazy_refcounts")) {
        c->bo.lazy_refcounts = b;
        c->lazy_refcounts_set = true;
    } else if (!strcmp(d->name, "extended_l2")) {
        c->extended_l2 = b;
    } else if (!strcmp(d->name, "compat")) {
        c->compat = v;
    } else if (!strcmp(d->name, "preallocation")) {
        c->prealloc = v;
    } else if (!strcmp(d->name, "backing_file")) {
        c->bo.backing_file = v;
    } else if (!strcmp(d->name, "backing_fmt")) {
        c->bo.backing_fmt = v;
    } else if (!strcmp(d->name, "compression_type")) {
        c->compression_type = v;
    }
    return true;
}

bool img_create_opts_parse(ImgCreateOpts *c, const char *fmt, const char *text, Error **errp)
{
    memset(c, 0, sizeof(*c));
    if (!text)
        return true;
    c->opts = opts_parse(text, NULL, errp);
    if (!c->opts)
        return false;
    OPTS_FOREACH(c->opts, e) {
        const OptDesc *d = img_opt_find(fmt, e->key);

        if (!d) {
            error_setg(errp, "Invalid parameter '%s'", e->key);
            return false;
        }
        if (!img_opt_store(c, d, e->value, errp))
            return false;
    }
    return true;
}

static bool img_parse_prealloc(const char *v, BlockPrealloc *out, bool qcow2)
{
    static const char *const names[] = { "off", "metadata", "falloc", "full" };

    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, names[i]) && (qcow2 || i != PREALLOC_METADATA)) {
            *out = (BlockPrealloc)i;
            return true;
        }
    }
    return false;
}

/* The value as written for string and bool options. */
static const char *img_opt_raw(const ImgCreateOpts *c, const char *key)
{
    return c->opts ? opts_get(c->opts, key) : NULL;
}

bool img_create_opts_finish(ImgCreateOpts *c, const char *fmt, Error **errp)
{
    bool qcow2 = !strcmp(fmt, "qcow2");

    if (c->prealloc && !img_parse_prealloc(c->prealloc, &c->bo.prealloc, true)) {
        error_setg(errp, "Parameter 'preallocation' does not accept value '%s'", c->prealloc);
        return false;
    }
    if (!qcow2 && c->bo.prealloc == PREALLOC_METADATA) {
        error_setg(errp, "Unsupported preallocation mode: metadata");
        return false;
    }
    if (!qcow2)
        return true;
    if (c->compat && (!strcmp(c->compat, "0.10") || !strcmp(c->compat, "v2")))
        c->bo.version = 2;
    else if (!c->compat || !strcmp(c->compat, "1.1") || !strcmp(c->compat, "v3"))
        c->bo.version = 3;
    else {
        error_setg(errp, "Parameter 'version' does not accept value '%s'", c->compat);
        return false;
    }
    if (c->compression_type && strcmp(c->compression_type, "zlib")) {
        error_setg(errp, "Compression type '%s' is not supported", c->compression_type);
        return false;
    }
    if (c->extended_l2) {
        error_setg(errp, "Extended L2 entries are not supported");
        return false;
    }
    if (img_opt_raw(c, "encryption") && strcmp(img_opt_raw(c, "encryption"), "off")) {
        error_setg(errp, "Encrypted images are not supported");
        return false;
    }
    if (img_opt_raw(c, "data_file")) {
        error_setg(errp, "External data files are not supported");
        return false;
    }
    return true;
}

void img_create_opts_free(ImgCreateOpts *c)
{
    if (c->opts)
        opts_free(c->opts);
    c->opts = NULL;
}

void img_print_formatting(const ImgCreateOpts *c, const char *filename, const char *fmt)
{
    const char *v;

    printf("Formatting '%s', fmt=%s", filename, fmt);
    if (strcmp(fmt, "qcow2")) {
        printf(" size=%llu", (unsigned long long)c->bo.size);
        if (c->prealloc)
            printf(" preallocation=%s", c->prealloc);
        printf("\n");
        return;
    }
    if ((v = img_opt_raw(c, "encryption")))
        printf(" encryption=%s", v);
    printf(" cluster_size=%u", c->has_cluster_size ? c->bo.cluster_size : 65536u);
    printf(" extended_l2=%s", (v = img_opt_raw(c, "extended_l2")) ? v : "off");
    if (c->prealloc)
        printf(" preallocation=%s", c->prealloc);
    printf(" compression_type=%s", c->compression_type ? c->compression_type : "zlib");
    printf(" size=%llu", (unsigned long long)c->bo.size);
    if (c->compat)
        printf(" compat=%s", c->compat);
    if (c->bo.backing_file)
        printf(" backing_file=%s", c->bo.backing_file);
    if (c->bo.backing_fmt)
        printf(" backing_fmt=%s", c->bo.backing_fmt);
    printf(" lazy_refcounts=%s", (v = img_opt_raw(c, "lazy_refcounts")) ? v : "off");
    printf(" refcount_bits=%d\n", c->bo.refcount_bits ? c->bo.refcount_bits : 16);
}
