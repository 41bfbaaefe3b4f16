/* SPDX-License-Identifier: MIT */
/*
 * Character devices: the registry, the front-end API and -chardev.
 *
 * Every backend lives in one list keyed by id. A front end (UART, monitor)
 * attaches with chr_set_handlers(); input flows backend -> front end only as
 * far as the front end's can_read() allows, and a backend that finds no room
 * stops reading its host fd until chr_accept_input(). Also holds the null
 * backend and the generic "-chardev BACKEND,id=ID,...,mux=on" creation.
 * Reference: QEMU manual, "Character device options".
 */
#include "chardev-internal.h"

#include <ctype.h>

#include "kemu/error.h"

static Chardev *chardev_list;

static const ChrBackend *const chr_backends[] = {
    &chr_backend_null,   &chr_backend_file,  &chr_backend_pipe,
    &chr_backend_serial, &chr_backend_tty,   &chr_backend_stdio,
    &chr_backend_pty,    &chr_backend_socket,
};

static const char *const chr_common_keys[] = {"id", "backend", "mux", NULL};

/* ---- registry ---- */

Chardev *chardev_alloc(const char *id)
{
    Chardev *chr = XNEW0(Chardev);
    Chardev **pp = &chardev_list;

    chr->id = xstrdup(id);
    chr->label = xstrdup(id);
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = chr;
    return chr;
}

void chardev_free(Chardev *chr)
{
    for (Chardev **pp = &chardev_list; *pp; pp = &(*pp)->next) {
        if (*pp == chr) {
            *pp = chr->next;
            break;
        }
    }
    free(chr->id);
    free(chr->label);
    free(chr);
}

bool chardev_is_live(const Chardev *chr)
{
    for (Chardev *c = chardev_list; c; c = c->next) {
        if (c == chr) {
            return true;
        }
    }
    return false;
}

void chardev_set_label(Chardev *chr, const char *label)
{
    char *l = xstrdup(label);
    free(chr->label);
    chr->label = l;
}

Chardev *chardev_find(const char *id)
{
    for (Chardev *chr = chardev_list; chr; chr = chr->next) {
        if (!strcmp(chr->id, id)) {
            return chr;
        }
    }
    return NULL;
}

Chardev *chardev_first(void)
{
    return chardev_list;
}

void chardev_close_all(void)
{
    /* Close front-most first: a mux is added after its base. */
    while (chardev_list) {
        Chardev *last = chardev_list;
        while (last->next) {
            last = last->next;
        }
        if (last->ops && last->ops->close) {
            last->ops->close(last);
        }
        chardev_free(last);
    }
}

/* ---- front end API ---- */

int chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (!chr || len <= 0 || !chr->ops || !chr->ops->write) {
        return len > 0 ? len : 0;
    }
    return chr->ops->write(chr, buf, len);
}

void chr_set_handlers(Chardev *chr, ChrCanReadFn *can_read, ChrReadFn *read,
                      ChrEventFn *event, void *opaque)
{
    if (!chr) {
        return;
    }
    chr->fe_can_read = can_read;
    chr->fe_read = read;
    chr->fe_event = event;
    chr->fe_opaque = opaque;
    chr->fe_attached = can_read || read || event;
    if (chr->ops && chr->ops->frontend_changed) {
        chr->ops->frontend_changed(chr);
    }
    if (chr->fe_attached && chr->be_open && event) {
        event(opaque, CHR_EVENT_OPENED);
    }
    chr_accept_input(chr);
}

void chr_accept_input(Chardev *chr)
{
    if (chr && chr->ops && chr->ops->accept_input) {
        chr->ops->accept_input(chr);
    }
}

int chr_be_can_write(Chardev *chr)
{
    if (!chr->fe_attached || !chr->fe_can_read || !chr->fe_read) {
        return 0;
    }
    int n = chr->fe_can_read(chr->fe_opaque);
    return n > 0 ? n : 0;
}

int chr_be_deliver(Chardev *chr, const uint8_t *buf, int len)
{
    int n = MIN(chr_be_can_write(chr), len);

    if (n > 0) {
        chr->fe_read(chr->fe_opaque, buf, n);
    }
    return n > 0 ? n : 0;
}

void chr_be_event(Chardev *chr, ChrEvent event)
{
    if (chr->fe_attached && chr->fe_event) {
        chr->fe_event(chr->fe_opaque, event);
    }
}

void chr_be_set_open(Chardev *chr, bool open)
{
    if (chr->be_open == open) {
        return;
    }
    chr->be_open = open;
    chr_be_event(chr, open ? CHR_EVENT_OPENED : CHR_EVENT_CLOSED);
}

/* ---- the null backend ---- */

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static const ChardevOps null_ops = {
    .name = "null",
    .write = null_write,
};

static bool null_open(Chardev *chr, Opts *opts, Error **errp)
{
    chr->ops = &null_ops;
    chr->be_open = true;
    chardev_set_label(chr, "null");
    return true;
}

const ChrBackend chr_backend_null = {
    .name = "null",
    .open = null_open,
};

/* ---- creation ---- */

static const ChrBackend *chr_backend_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(chr_backends); i++) {
        if (!strcmp(chr_backends[i]->name, name)) {
            return chr_backends[i];
        }
    }
    return NULL;
}

static bool chr_id_valid(const char *id)
{
    if (!isalpha((unsigned char)id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static bool chr_check_names(Opts *opts, bool check_id, Error **errp)
{
    const char *id = opts_get(opts, "id");
    const char *backend = opts_get(opts, "backend");

    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return false;
    }
    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend", id);
        return false;
    }
    if (check_id && !chr_id_valid(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\n"
                         "Identifiers consist of letters, digits, '-', '.', '_', "
                         "starting with a letter.");
        return false;
    }
    if (chardev_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return false;
    }
    return true;
}

static bool chr_key_allowed(const ChrBackend *be, const char *key)
{
    for (const char *const *k = chr_common_keys; *k; k++) {
        if (!strcmp(*k, key)) {
            return true;
        }
    }
    for (const char *const *k = be->keys; k && *k; k++) {
        if (!strcmp(*k, key)) {
            return true;
        }
    }
    return false;
}

/* QEMU's deprecation warning for "server", "nowait" and friends. */
static void chr_warn_short_forms(Opts *opts, const ChrBackend *be)
{
    OPTS_FOREACH(opts, e)
    {
        bool negated = !chr_key_allowed(be, e->key) && !strncmp(e->key, "no", 2);

        if (e->bare) {
            warn_report("short-form boolean option '%s' deprecated\nPlease use %s=%s instead",
                        e->key, negated ? e->key + 2 : e->key, negated ? "off" : "on");
        }
    }
}

/* Every option must be one the backend knows ("Invalid parameter 'x'"). */
static bool chr_check_keys(Opts *opts, const ChrBackend *be, Error **errp)
{
    for (const char *const *k = chr_common_keys; *k; k++) {
        opts_get(opts, *k);
    }
    for (const char *const *k = be->keys; k && *k; k++) {
        opts_get(opts, *k);
    }
    return opts_check_unused(opts, errp);
}

static Chardev *chr_open_backend(const ChrBackend *be, const char *id, Opts *opts,
                                 Error **errp)
{
    Chardev *chr = chardev_alloc(id);

    if (!be->open(chr, opts, errp)) {
        chardev_free(chr);
        return NULL;
    }
    return chr;
}

Chardev *chardev_create(Opts *opts, bool from_cmdline, Error **errp)
{
    const ChrBackend *be;
    bool mux;

    if (!chr_check_names(opts, from_cmdline, errp)) {
        return NULL;
    }
    const char *id = opts_get(opts, "id");
    const char *name = opts_get(opts, "backend");
    be = chr_backend_find(name);
    if (!be) {
        error_setg(errp, "'%s' is not a valid char driver name", name);
        return NULL;
    }
    if (from_cmdline) {
        chr_warn_short_forms(opts, be);
    }
    if (!chr_check_keys(opts, be, errp) || !opts_get_bool(opts, "mux", false, &mux, errp)) {
        return NULL;
    }
    if (!mux) {
        return chr_open_backend(be, id, opts, errp);
    }
    char *base_id = xasprintf("%s-base", id);
    Chardev *base = chr_open_backend(be, base_id, opts, errp);
    free(base_id);
    return base ? chr_mux_new(id, base, errp) : NULL;
}

Chardev *chardev_new_from_opts(const char *optarg, Error **errp)
{
    Opts *opts = opts_parse(optarg, "backend", errp);
    Chardev *chr = opts ? chardev_create(opts, true, errp) : NULL;

    opts_free(opts);
    return chr;
}
