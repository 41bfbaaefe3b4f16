/* SPDX-License-Identifier: MIT */
/*
 * kemu-img internals: the subcommands and their shared helpers.
 *
 * Each subcommand lives in its own tools/img-*.c file and is a
 * `int img_NAME(int argc, char **argv)` returning the process exit code.
 * Output formats, messages and exit codes follow qemu-img 7.2
 * (docs/tools/qemu-img.rst in QEMU, checked side by side with Debian's
 * qemu-img).
 */
#ifndef KEMU_IMG_H
#define KEMU_IMG_H

#include "block/block-int.h"

typedef enum OutputFormat {
    OFORMAT_HUMAN,
    OFORMAT_JSON,
} OutputFormat;

/* Long options shared by the subcommands (getopt_long values). */
enum {
    OPTION_OUTPUT = 256,
    OPTION_BACKING_CHAIN,
    OPTION_SHRINK,
    OPTION_PREALLOCATION,
    OPTION_START_OFFSET,
    OPTION_MAX_LENGTH,
    OPTION_IMAGE_OPTS,
    OPTION_OBJECT,
    OPTION_FORCE_SHARE,
    OPTION_TARGET_IS_ZERO,
};

int img_create(int argc, char **argv);
int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_resize(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_map(int argc, char **argv);

/* "qemu-img: msg\nTry 'qemu-img --help' ..." then exit(1). */
KEMU_NORETURN void img_error_exit(const char *fmt, ...) KEMU_PRINTF(1, 2);
void img_help(void);
/* printf unless quiet. */
void img_qprintf(bool quiet, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Open an image as qemu-img does; errors are printed as
 * "Could not open 'f': <reason>". */
BlockDriverState *img_open(const char *filename, const char *fmt, int flags, BlockCacheMode cache,
                           bool quiet);
bool img_parse_output(const char *arg, OutputFormat *out);
bool img_parse_cache(const char *arg, BlockCacheMode *out);
/* A size as qemu-img parses it ("1G", "512", "1.5M"); false if invalid. */
bool img_parse_size(const char *s, int64_t *out);
/* QEMU's size_to_str(): "196 KiB", "1.5 GiB", "0 B". */
char *img_size_to_str(uint64_t val);

/* img-opts.c: qemu-img create -o option lists. */
typedef struct ImgCreateOpts {
    BlockCreateOptions bo;
    bool has_version;        /* compat= was given */
    const char *compat;      /* as written */
    const char *prealloc;    /* as written, NULL if absent */
    bool has_cluster_size;
    bool has_size;
    bool lazy_refcounts_set;
    bool extended_l2;
    const char *compression_type;
    Opts *opts;              /* owns the strings above */
} ImgCreateOpts;

/* Parse the accumulated -o text for format fmt. Unknown keys and badly
 * typed values fail here (before "Formatting ..." is printed). */
bool img_create_opts_parse(ImgCreateOpts *c, const char *fmt, const char *text, Error **errp);
/* Value checks made after "Formatting ..." (compat, preallocation, ...). */
bool img_create_opts_finish(ImgCreateOpts *c, const char *fmt, Error **errp);
void img_create_opts_free(ImgCreateOpts *c);
/* "Formatting 'f', fmt=qcow2 cluster_size=65536 ..." as qemu-img prints it. */
void img_print_formatting(const ImgCreateOpts *c, const char *filename, const char *fmt);
/* -o help: the options of a format. */
void img_print_create_help(const char *fmt);

/* img-json.c: JSON output in QEMU's key order (its QDict hash order). */
typedef struct JsonValue JsonValue;
JsonValue *json_object(void);
JsonValue *json_array(void);
void json_put_int(JsonValue *obj, const char *key, int64_t v);
void json_put_bool(JsonValue *obj, const char *key, bool v);
void json_put_str(JsonValue *obj, const char *key, const char *v);
void json_put(JsonValue *obj, const char *key, JsonValue *v);
void json_append(JsonValue *arr, JsonValue *v);
/* Pretty-print as qobject_to_json_pretty() does, no trailing newline. */
void json_print(FILE *f, const JsonValue *v);
/* "key name: value" lines in the same order, as qemu-img's human output
 * prints format-specific data ('-' in keys shown as ' '). */
void json_print_human(FILE *f, const JsonValue *obj, int indent);
void json_free(JsonValue *v);

/* img-progress.c: the -p progress line "    (12.34/100%)\r". */
void img_progress_init(bool enabled);
void img_progress_print(double percent);
void img_progress_end(void);

#endif
