/* SPDX-License-Identifier: MIT */
/*
 * Option-value parsing: "key=value" groups, booleans, numbers and sizes.
 *
 * Implements the syntax described in include/kemu/opts.h, which follows
 * QEMU's QemuOpts (QEMU manual "Invocation"; util/qemu-option.c behaviour):
 * ",," escapes a comma, an implied first key, bare keys as booleans, and
 * sizes with binary suffixes. Error texts match QEMU's where users see them.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "kemu/opts.h"

/* Copy the value starting at *pp up to an unescaped ',' or the end,
 * turning ",," into ','. Leaves *pp on the separator (or NUL). */
static char *opts_read_value(const char **pp)
{
    const char *p = *pp;
    char *out = xmalloc(strlen(p) + 1);
    size_t n = 0;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',')
                break;
            p++;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    *pp = p;
    return out;
}

static void opts_add(Opts *o, char *key, char *value, bool bare)
{
    o->ent = xrealloc(o->ent, sizeof(*o->ent) * (o->nr + 1));
    o->ent[o->nr] = (OptsEntry){ .key = key, .value = value, .bare = bare };
    o->nr++;
}

Opts *opts_parse(const char *str, const char *implied_key, Error **errp)
{
    Opts *o = XNEW0(Opts);
    const char *p = str;
    bool first = true;

    while (*p) {
        size_t klen = strcspn(p, "=,");

        if (p[klen] == '=') {
            char *key = xasprintf("%.*s", (int)klen, p);

            if (!klen) {
                error_setg(errp, "Invalid parameter ''");
                free(key);
                opts_free(o);
                return NULL;
            }
            p += klen + 1;
            opts_add(o, key, opts_read_value(&p), false);
        } else if (first && implied_key) {
            opts_add(o, xstrdup(implied_key), opts_read_value(&p), false);
        } else if (!klen) {
            error_setg(errp, "Invalid parameter ''");
            opts_free(o);
            return NULL;
        } else {
            opts_add(o, xasprintf("%.*s", (int)klen, p), xstrdup("on"), true);
            p += klen;
        }
        first = false;
        if (*p == ',')
            p++;
    }
    return o;
}

void opts_free(Opts *o)
{
    if (!o)
        return;
    for (int i = 0; i < o->nr; i++) {
        free(o->ent[i].key);
        free(o->ent[i].value);
    }
    free(o->ent);
    free(o);
}

const char *opts_get(Opts *o, const char *key)
{
    const char *val = NULL;

    for (int i = 0; i < o->nr; i++) {
        OptsEntry *e = &o->ent[i];

        if (!strcmp(e->key, key)) {
            e->used = true;
            val = e->value;
        } else if (e->bare && !strncmp(e->key, "no", 2) && !strcmp(e->key + 2, key)) {
            e->used = true;
            val = "off";
        }
    }
    return val;
}

bool opts_has(Opts *o, const char *key)
{
    for (int i = 0; i < o->nr; i++) {
        if (!strcmp(o->ent[i].key, key))
            return true;
    }
    return false;
}

bool opts_get_bool(Opts *o, const char *key, bool def, bool *out, Error **errp)
{
    const char *v = opts_get(o, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (!parse_bool(v, out)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

bool opts_get_uint(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp)
{
    const char *v = opts_get(o, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (!parse_uint64(v, out)) {
        error_setg(errp, "Parameter '%s' expects a number", key);
        return false;
    }
    return true;
}

void opts_error_size(Error **errp, const char *key)
{
    error_setg(errp,
               "Parameter '%s' expects a non-negative number below 2^64\n"
               "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
               "and exabytes, respectively.",
               key);
}

bool opts_get_size(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp)
{
    const char *v = opts_get(o, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (!parse_size(v, 1, out)) {
        opts_error_size(errp, key);
        return false;
    }
    return true;
}

bool opts_check_unused(Opts *o, Error **errp)
{
    for (int i = 0; i < o->nr; i++) {
        if (!o->ent[i].used) {
            error_setg(errp, "Invalid parameter '%s'", o->ent[i].key);
            return false;
        }
    }
    return true;
}

bool opts_is_help(const char *value)
{
    return value && (!strcmp(value, "help") || !strcmp(value, "?"));
}

bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool parse_uint64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static uint64_t size_suffix_unit(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'B':
        return 1;
    case 'K':
        return KiB;
    case 'M':
        return MiB;
    case 'G':
        return GiB;
    case 'T':
        return GiB << 10;
    case 'P':
        return GiB << 20;
    case 'E':
        return GiB << 30;
    default:
        return 0;
    }
}

/* The integer part, then an optional ".digits" fraction (decimal only). */
static bool size_parse_number(const char **pp, uint64_t *ival, double *frac)
{
    const char *p = *pp;
    char *end;

    if (!isdigit((unsigned char)*p))
        return false;
    errno = 0;
    *ival = strtoull(p, &end, (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? 16 : 10);
    if (errno)
        return false;
    *frac = 0;
    if (*end == '.' && p[1] != 'x' && p[1] != 'X') {
        const char *f = end;

        end++;
        if (!isdigit((unsigned char)*end))
            return false;
        while (isdigit((unsigned char)*end))
            end++;
        *frac = strtod(f, NULL);
    }
    *pp = end;
    return true;
}

bool parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
    const char *p = s;
    uint64_t ival, unit = default_unit;
    double frac, fpart;

    if (!size_parse_number(&p, &ival, &frac))
        return false;
    if (*p) {
        unit = size_suffix_unit(*p);
        if (!unit || p[1])
            return false;
    }
    if (frac > 0 && unit == 1)
        return false;
    if (ival > UINT64_MAX / unit)
        return false;
    fpart = floor(frac * (double)unit);
    if ((double)(ival * unit) + fpart >= 18446744073709551616.0)
        return false;
    if (ival * unit > UINT64_MAX - (uint64_t)fpart)
        return false;
    *out = ival * unit + (uint64_t)fpart;
    return true;
}
