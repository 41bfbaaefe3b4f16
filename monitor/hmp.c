/* SPDX-License-Identifier: MIT */
/*
 * The human monitor's command table, dispatch, argument parsing and help.
 *
 * A line is a command name (with aliases, "cont|c") and its arguments.
 * Arguments are parsed by the command itself with the hmp_arg_*() helpers,
 * which follow QEMU's rules: a "/NFU" format (count, format letter o x d u
 * c i, unit size b h w g), integer expressions (expr.c), words or quoted
 * strings. Parse errors print QEMU's message followed by
 * 'Try "help CMD" for more information'; failures of a command print
 * "Error: ...". "help" lists the commands as "name params -- text".
 * Reference: QEMU manual, "QEMU Monitor" / "Commands".
 */
#include <ctype.h>
#include <stdarg.h>

#include "monitor-internal.h"

/* The last format used (QEMU keeps it between commands). */
static int hmp_fmt_format = 'x';
static int hmp_fmt_size = 4;

/* ---- argument parsing ---- */

static void hmp_skip_space(HmpArgs *a)
{
    while (isspace((unsigned char)*a->p))
        a->p++;
}

bool hmp_arg_more(HmpArgs *a)
{
    hmp_skip_space(a);
    return *a->p != 0;
}

void hmp_arg_fail(HmpArgs *a, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) >= 0) {
        monitor_printf(a->mon, "%s\n", msg);
        free(msg);
    }
    va_end(ap);
    monitor_printf(a->mon, "Try \"help %s\" for more information\n", a->typed);
}

void hmp_report_err(Monitor *mon, Error *err)
{
    monitor_printf(mon, "Error: %s\n", err->msg);
    error_free(err);
}

/* "/NFU": N count, F format (o x d u c i), U size (b h w g, L = g). */
static bool hmp_parse_format(HmpArgs *a, HmpFormat *f)
{
    const char *p = a->p + 1;
    int size = -1, format = -1;

    f->count = 1;
    if (isdigit((unsigned char)*p)) {
        f->count = 0;
        while (isdigit((unsigned char)*p) && f->count < 100000000)
            f->count = f->count * 10 + (*p++ - '0');
    }
    for (;; p++) {
        if (*p && strchr("oxduci", *p))
            format = *p;
        else if (*p && strchr("bhwgL", *p))
            size = *p == 'b' ? 1 : *p == 'h' ? 2 : *p == 'w' ? 4 : 8;
        else
            break;
    }
    a->p = p;
    if (*p && !isspace((unsigned char)*p)) {
        hmp_arg_fail(a, "invalid char in format: '%c'", *p);
        return false;
    }
    f->format = format < 0 ? hmp_fmt_format : format;
    f->size = size;
    return true;
}

bool hmp_arg_format(HmpArgs *a, HmpFormat *f)
{
    hmp_skip_space(a);
    if (*a->p == '/') {
        if (!hmp_parse_format(a, f))
            return false;
    } else {
        f->count = 1;
        f->format = hmp_fmt_format;
        f->size = -1;
    }
    /* 'i' without a size disassembles whole instructions. */
    if (f->format != 'i') {
        if (f->size < 0)
            f->size = hmp_fmt_size;
        hmp_fmt_size = f->size;
    }
    hmp_fmt_format = f->format;
    return true;
}

bool hmp_arg_int(HmpArgs *a, int64_t *v)
{
    char *err = NULL;

    hmp_skip_space(a);
    if (!mon_expr(&a->p, v, &err)) {
        hmp_arg_fail(a, "%s", err);
        free(err);
        return false;
    }
    return true;
}

bool hmp_arg_int_opt(HmpArgs *a, int64_t *v, bool *present)
{
    *present = hmp_arg_more(a);
    return !*present || hmp_arg_int(a, v);
}

/* A quoted string with C escapes, as QEMU's get_str() reads it. */
static char *hmp_quoted(HmpArgs *a)
{
    const char *p = a->p + 1;
    char *out = xmalloc(strlen(p) + 1), *q = out;

    while (*p && *p != '"') {
        char c = *p++;

        if (c == '\\') {
            c = *p++;
            c = c == 'n' ? '\n' : c == 'r' ? '\r' : c;
            if (!c || !strchr("\\\'\"\n\r", c)) {
                hmp_arg_fail(a, "unsupported escape code: '\\%c'", c ? c : ' ');
                free(out);
                return NULL;
            }
        }
        *q++ = c;
    }
    *q = 0;
    if (*p != '"') {
        hmp_arg_fail(a, "unterminated string");
        free(out);
        return NULL;
    }
    a->p = p + 1;
    return out;
}

char *hmp_arg_str(HmpArgs *a, bool optional)
{
    const char *start;

    if (!hmp_arg_more(a)) {
        if (!optional)
            hmp_arg_fail(a, "%s: string expected", a->cmd->name);
        return NULL;
    }
    if (*a->p == '"')
        return hmp_quoted(a);
    start = a->p;
    while (*a->p && !isspace((unsigned char)*a->p))
        a->p++;
    return xasprintf("%.*s", (int)(a->p - start), start);
}

char *hmp_arg_file(HmpArgs *a)
{
    if (!hmp_arg_more(a)) {
        hmp_arg_fail(a, "%s: filename expected", a->cmd->name);
        return NULL;
    }
    return hmp_arg_str(a, false);
}

bool hmp_arg_end(HmpArgs *a)
{
    if (!hmp_arg_more(a))
        return true;
    hmp_arg_fail(a, "%s: extraneous characters at the end of line", a->cmd->name);
    return false;
}

/* ---- lookup ---- */

/* Does name (n bytes) match one of the '|'-separated names of cmd? */
static bool hmp_name_matches(const char *names, const char *name, size_t n)
{
    while (*names) {
        size_t len = strcspn(names, "|");

        if (len == n && !strncmp(names, name, n))
            return true;
        names += len + (names[len] == '|');
    }
    return false;
}

static const HmpCmd *hmp_find(const HmpCmd *table, const char *name, size_t n)
{
    for (const HmpCmd *c = table; c->name; c++) {
        if (hmp_name_matches(c->name, name, n))
            return c;
    }
    return NULL;
}

/* The command word at *pp: up to white space or '/' (as in "p/x"). */
static size_t hmp_word(const char **pp)
{
    const char *p = *pp;
    size_t n = 0;

    while (isspace((unsigned char)*p))
        p++;
    while (p[n] && p[n] != '/' && !isspace((unsigned char)p[n]))
        n++;
    *pp = p;
    return n;
}

static void hmp_run(Monitor *mon, const HmpCmd *cmd, const char *typed, const char *rest)
{
    HmpArgs a = { mon, cmd, typed, rest };

    cmd->fn(mon, &a);
}

void hmp_handle_line(Monitor *mon, const char *line)
{
    const char *p = line;
    size_t n = hmp_word(&p);
    const HmpCmd *cmd;
    char *typed;

    if (!n)
        return;
    typed = xasprintf("%.*s", (int)n, p);
    cmd = hmp_find(hmp_cmds, p, n);
    if (!cmd)
        monitor_printf(mon, "unknown command: '%s'\n", typed);
    else
        hmp_run(mon, cmd, typed, p + n);
    free(typed);
}

/* "info SUB ...": the subcommands share the parsing helpers. */
void hmp_info(Monitor *mon, HmpArgs *a)
{
    const char *p = a->p;
    size_t n = hmp_word(&p);
    const HmpCmd *sub;
    char *typed;

    if (!n) {
        for (const HmpCmd *c = hmp_info_cmds; c->name; c++)
            monitor_printf(mon, "info %s %s -- %s\n", c->name, c->params, c->help);
        return;
    }
    typed = xasprintf("info %.*s", (int)n, p);
    sub = hmp_find(hmp_info_cmds, p, n);
    if (!sub)
        monitor_printf(mon, "unknown command: '%s'\n", typed);
    else
        hmp_run(mon, sub, typed, p + n);
    free(typed);
}

/* ---- help ---- */

static void hmp_help_line(Monitor *mon, const char *prefix, const HmpCmd *c)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->params, c->help);
}

void hmp_help(Monitor *mon, HmpArgs *a)
{
    const char *p = a->p;
    size_t n = hmp_word(&p);
    const HmpCmd *c;

    if (!n) {
        for (c = hmp_cmds; c->name; c++)
            hmp_help_line(mon, "", c);
        return;
    }
    c = hmp_find(hmp_cmds, p, n);
    if (c && c->fn == hmp_info) {
        const char *q = p + n;
        size_t m = hmp_word(&q);
        const HmpCmd *sub = m ? hmp_find(hmp_info_cmds, q, m) : NULL;

        if (!m) {
            for (sub = hmp_info_cmds; sub->name; sub++)
                hmp_help_line(mon, "info ", sub);
        } else if (sub) {
            hmp_help_line(mon, "info ", sub);
        } else {
            monitor_printf(mon, "unknown command: 'info %.*s'\n", (int)m, q);
        }
        return;
    }
    if (c)
        hmp_help_line(mon, "", c);
    else
        monitor_printf(mon, "unknown command: '%.*s'\n", (int)n, p);
}

/* ---- completion ---- */

static void hmp_complete_names(const HmpCmd *table, HmpCompleteFn *fn, void *opaque)
{
    for (const HmpCmd *c = table; c->name; c++) {
        const char *s = c->name;

        while (*s) {
            size_t len = strcspn(s, "|");
            char *name = xasprintf("%.*s", (int)len, s);

            fn(opaque, name);
            free(name);
            s += len + (s[len] == '|');
        }
    }
}

void hmp_complete(const char *line, HmpCompleteFn *fn, void *opaque)
{
    const char *p = line;
    size_t n = hmp_word(&p);
    const HmpCmd *cmd;

    if (!p[n]) {
        hmp_complete_names(hmp_cmds, fn, opaque); /* still the first word */
        return;
    }
    cmd = hmp_find(hmp_cmds, p, n);
    p += n;
    while (isspace((unsigned char)*p))
        p++;
    if (!cmd || strchr(p, ' '))
        return; /* only the second word is completed */
    if (cmd->fn == hmp_info)
        hmp_complete_names(hmp_info_cmds, fn, opaque);
    else if (cmd->fn == hmp_help)
        hmp_complete_names(hmp_cmds, fn, opaque);
}
