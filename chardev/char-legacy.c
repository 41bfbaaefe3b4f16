/* SPDX-License-Identifier: MIT */
/*
 * The legacy backend syntax of -serial, -monitor, -qtest and friends.
 *
 * "stdio", "null", "pty", "vc", "none", "file:PATH", "pipe:PATH",
 * "/dev/ttyS0", "tcp:[HOST]:PORT[,opts]", "telnet:HOST:PORT[,opts]",
 * "unix:PATH[,opts]", "chardev:ID", and "mon:" in front of any of them
 * for the Ctrl-a multiplexer. Each is turned into the option list of the
 * equivalent -chardev and created the same way; the short flags "server",
 * "nowait" and "nodelay" are accepted silently here, as in QEMU. For a
 * -serial port a failure carries QEMU's second line, "could not connect
 * serial device to character backend 'SPEC'".
 * Reference: QEMU manual, "-serial dev".
 */
#include "chardev-internal.h"

#include "kemu/error.h"

static bool strstart(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);

    if (strncmp(s, prefix, n)) {
        return false;
    }
    if (rest) {
        *rest = s + n;
    }
    return true;
}

/* Append s to *out; escape doubles ',' (s is a value, not option text). */
static void legacy_append(char **out, const char *s, bool escape)
{
    size_t n = strlen(*out);
    char *r = xrealloc(*out, n + 2 * strlen(s) + 1);

    for (; *s; s++) {
        r[n++] = *s;
        if (escape && *s == ',') {
            r[n++] = ',';
        }
    }
    r[n] = 0;
    *out = r;
}

static char *legacy_opt(const char *prefix, const char *value)
{
    char *out = xstrdup(prefix);

    legacy_append(&out, value, true);
    return out;
}

/* "tcp:HOST:PORT[,opts]" or "tcp:[V6ADDR]:PORT[,opts]" as socket options. */
static char *legacy_inet(const char *p, bool telnet)
{
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char *hp = xasprintf("%.*s", (int)len, p);
    char *host = hp, *colon, *out = NULL;

    if (hp[0] == '[' && (colon = strchr(hp, ']')) && colon[1] == ':') {
        host = hp + 1;
        *colon++ = 0;
    } else if ((colon = strchr(hp, ':'))) {
        *colon = 0;
    }
    if (colon && colon[1]) {
        out = legacy_opt("socket,host=", host);
        legacy_append(&out, ",port=", false);
        legacy_append(&out, colon + 1, true);
        legacy_append(&out, telnet ? ",telnet=on" : "", false);
        legacy_append(&out, comma ? comma : "", false);
    }
    free(hp);
    return out;
}

/* The -chardev option text equivalent to a legacy spec, or NULL. */
static char *legacy_to_opts(const char *spec)
{
    static const char *const plain[] = {"null", "stdio", "pty"};
    const char *p;

    for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
        if (!strcmp(spec, plain[i])) {
            return xstrdup(spec);
        }
    }
    if (!strcmp(spec, "vc") || strstart(spec, "vc:", NULL)) {
        return xstrdup("null"); /* no virtual consoles: treated as -nographic does */
    }
    if (strstart(spec, "file:", &p)) {
        return legacy_opt("file,path=", p);
    }
    if (strstart(spec, "pipe:", &p)) {
        return legacy_opt("pipe,path=", p);
    }
    if (strstart(spec, "/dev/", NULL)) {
        return legacy_opt("serial,path=", spec);
    }
    if (strstart(spec, "tcp:", &p)) {
        return legacy_inet(p, false);
    }
    if (strstart(spec, "telnet:", &p)) {
        return legacy_inet(p, true);
    }
    if (strstart(spec, "unix:", &p)) {
        return xasprintf("socket,path=%s", p); /* p is already in option syntax */
    }
    return NULL;
}

static Chardev *legacy_open(const char *label, const char *spec, Error **errp)
{
    const char *p;
    bool mux = strstart(spec, "mon:", &p);
    char *text = legacy_to_opts(mux ? p : spec);
    Chardev *chr = NULL;

    if (!text) {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    legacy_append(&text, ",id=", false);
    legacy_append(&text, label, true);
    legacy_append(&text, mux ? ",mux=on" : "", false);
    Opts *opts = opts_parse(text, "backend", errp);
    if (opts) {
        chr = chardev_create(opts, false, errp);
    }
    opts_free(opts);
    free(text);
    return chr;
}

Chardev *chardev_new_legacy(const char *label, const char *spec, Error **errp)
{
    bool serial = strstart(label, "serial", NULL);
    Error *err = NULL;
    Chardev *chr;
    const char *id;

    if (!strcmp(spec, "none")) {
        return NULL;
    }
    if (strstart(spec, "chardev:", &id)) {
        chr = chardev_find(id);
        if (!chr && serial) {
            error_setg(errp, "could not connect serial device to character backend '%s'", spec);
        } else if (!chr) {
            error_setg(errp, "chardev '%s' not found", id);
        }
        return chr;
    }
    chr = legacy_open(label, spec, &err);
    if (err && serial) {
        /* QEMU's two lines, the second with the caller's "-serial SPEC: ". */
        char *msg = xasprintf("%s\n%s: -serial %s: could not connect serial device to "
                              "character backend '%s'", err->msg, error_progname, spec, spec);
        free(err->msg);
        err->msg = msg;
    }
    error_propagate(errp, err);
    return chr;
}
