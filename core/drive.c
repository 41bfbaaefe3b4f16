/* SPDX-License-Identifier: MIT */
/*
 * Drives from the command line: -drive, -hda..-hdd, -cdrom, -fda/-fdb.
 *
 * Parsing only records each option (a legacy option becomes the -drive
 * text QEMU builds for it: "-hda F" is "file=F,index=0,media=disk" with
 * F's commas doubled). drive_open_all() then handles them in order, as
 * QEMU's drive_new(): interface, media, position (index N is bus N / max,
 * unit N % max on interfaces with a per-bus limit: 2 for IDE, 7 for SCSI;
 * without index the first free unit), the generated id, then the image
 * through the block layer. The board takes its drives with drive_get();
 * -device front-ends take if=none drives by id; drive_check_orphans()
 * refuses the rest. Reference: QEMU manual, "Block device options";
 * qemu-options.hx (-drive keys); QEMU's blockdev.c behaviour checked
 * against qemu-system-x86_64 7.2.
 */
#include "kemu/drive.h"
#include "kemu/opts.h"

typedef struct DrivePending {
    DriveOption kind;
    char *arg;                  /* the option's value as typed */
    Opts *opts;                 /* -drive keys (legacy options rewritten) */
    struct DrivePending *next;
} DrivePending;

static DrivePending *pending_head, **pending_tail = &pending_head;
static DriveInfo *drive_head, **drive_tail = &drive_head;
static bool drive_snapshot;
static bool default_cdrom = true, default_floppy = true;

static const char *const if_names[IF_COUNT] = {
    [IF_NONE] = "none",     [IF_IDE] = "ide", [IF_SCSI] = "scsi",     [IF_FLOPPY] = "floppy",
    [IF_PFLASH] = "pflash", [IF_MTD] = "mtd", [IF_SD] = "sd",         [IF_VIRTIO] = "virtio",
    [IF_XEN] = "xen",
};

/* Units per bus; 0: one bus with any number of units. */
static const int if_max_devs[IF_COUNT] = { [IF_IDE] = 2, [IF_SCSI] = 7 };

static const char *const legacy_names[] = {
    [DRIVE_OPT_DRIVE] = "-drive", [DRIVE_OPT_HDA] = "-hda", [DRIVE_OPT_HDB] = "-hdb",
    [DRIVE_OPT_HDC] = "-hdc",     [DRIVE_OPT_HDD] = "-hdd", [DRIVE_OPT_CDROM] = "-cdrom",
    [DRIVE_OPT_FDA] = "-fda",     [DRIVE_OPT_FDB] = "-fdb",   [DRIVE_OPT_IMAGE] = "",
};

const char *drive_if_name(DriveInterface type)
{
    return type < IF_COUNT ? if_names[type] : "?";
}

DriveInfo *drive_first(void)
{
    return drive_head;
}

void drive_set_snapshot(bool on)
{
    drive_snapshot = on;
}

/* -device DRIVER,...: the drivers that replace QEMU's default drives. */
void drive_note_device(const char *device_arg)
{
    size_t n = strcspn(device_arg, ",");

    if ((n == 6 && !strncmp(device_arg, "ide-cd", n)) ||
        (n == 6 && !strncmp(device_arg, "ide-hd", n)))
        default_cdrom = false;
    if ((n == 6 && !strncmp(device_arg, "floppy", n)) ||
        (n == 7 && !strncmp(device_arg, "isa-fdc", n)))
        default_floppy = false;
}

/* ---- recording options ---- */

/* "F" -> "F" with every ',' doubled, for an opts string. */
static char *drive_escape(const char *file)
{
    size_t n = strlen(file), commas = 0;
    char *out, *p;

    for (size_t i = 0; i < n; i++)
        commas += file[i] == ',';
    p = out = xmalloc(n + commas + 1);
    for (size_t i = 0; i < n; i++) {
        *p++ = file[i];
        if (file[i] == ',')
            *p++ = ',';
    }
    *p = 0;
    return out;
}

static char *drive_legacy_text(DriveOption kind, const char *file)
{
    char *esc = drive_escape(file), *s;

    switch (kind) {
    case DRIVE_OPT_CDROM:
        s = xasprintf("file=%s,index=2,media=cdrom", esc);
        break;
    case DRIVE_OPT_FDA:
    case DRIVE_OPT_FDB:
        s = xasprintf("file=%s,if=floppy,index=%d", esc, kind - DRIVE_OPT_FDA);
        break;
    case DRIVE_OPT_IMAGE:
        s = xasprintf("file=%s,index=0,media=disk", esc);
        break;
    default:
        s = xasprintf("file=%s,index=%d,media=disk", esc, kind - DRIVE_OPT_HDA);
        break;
    }
    free(esc);
    return s;
}

/* QEMU's identifiers: a letter, then letters, digits, '-', '.', '_'. */
static bool drive_id_valid(const char *id)
{
    if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
        return false;
    for (const char *p = id; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.' || *p == '_'))
            return false;
    }
    return true;
}

static bool drive_pending_id_taken(const char *id)
{
    for (DrivePending *p = pending_head; p; p = p->next) {
        const char *other = opts_has(p->opts, "id") ? opts_get(p->opts, "id") : NULL;

        if (other && !strcmp(other, id))
            return true;
    }
    return false;
}

static bool drive_check_id(Opts *o, Error **errp)
{
    const char *id = opts_get(o, "id");

    if (!id)
        return true;
    if (!drive_id_valid(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\nIdentifiers consist of "
                         "letters, digits, '-', '.', '_', starting with a letter.");
        return false;
    }
    if (drive_pending_id_taken(id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", id);
        return false;
    }
    return true;
}

bool drive_add(DriveOption kind, const char *arg, Error **errp)
{
    char *text = kind == DRIVE_OPT_DRIVE ? xstrdup(arg) : drive_legacy_text(kind, arg);
    Opts *o = opts_parse(text, NULL, errp);
    DrivePending *p;

    free(text);
    if (!o || !drive_check_id(o, errp)) {
        error_prepend(errp, "%s%s%s: ", legacy_names[kind], *legacy_names[kind] ? " " : "", arg);
        opts_free(o);
        return false;
    }
    p = XNEW0(DrivePending);
    p->kind = kind;
    p->arg = xstrdup(arg);
    p->opts = o;
    *pending_tail = p;
    pending_tail = &p->next;
    return true;
}

/* ---- lookup ---- */

DriveInfo *drive_get(DriveInterface type, int bus, int unit)
{
    for (DriveInfo *d = drive_head; d; d = d->next) {
        if (d->type == type && d->bus == bus && d->unit == unit)
            return d;
    }
    return NULL;
}

DriveInfo *drive_find(const char *id)
{
    for (DriveInfo *d = drive_head; d; d = d->next) {
        if (!strcmp(d->id, id))
            return d;
    }
    return NULL;
}

int drive_get_max_bus(DriveInterface type)
{
    int max = -1;

    for (DriveInfo *d = drive_head; d; d = d->next) {
        if (d->type == type && d->bus > max)
            max = d->bus;
    }
    return max;
}

void drive_mark_claimed(DriveInfo *d)
{
    d->claimed = true;
}

BlockBackend *drive_claim(const char *id, const char *driver, Error **errp)
{
    DriveInfo *d = drive_find(id);

    if (!d) {
        error_setg(errp, "Property '%s.drive' can't find value '%s'", driver, id);
        return NULL;
    }
    if (d->claimed && d->type != IF_NONE) {
        error_setg(errp,
                   "Drive '%s' is already in use because it has been automatically connected "
                   "to another device (did you need 'if=none' in the drive options?)",
                   id);
        return NULL;
    }
    if (d->claimed) {
        error_setg(errp, "Drive '%s' is already in use by another device", id);
        return NULL;
    }
    d->claimed = true;
    return d->blk;
}

bool drive_check_orphans(Error **errp)
{
    for (DriveInfo *d = drive_head; d; d = d->next) {
        if (d->type == IF_NONE || d->claimed)
            continue;
        error_setg(errp, "%s%smachine type does not support if=%s,bus=%d,unit=%d",
                   d->where ? d->where : "", d->where ? ": " : "", if_names[d->type], d->bus,
                   d->unit);
        return false;
    }
    return true;
}

/* ---- opening ---- */

/* A signed number key (QEMU's "number" type), -1 when absent. */
static bool drive_get_num(Opts *o, const char *key, int *out, Error **errp)
{
    const char *v = opts_get(o, key);
    char *end;
    long n;

    *out = -1;
    if (!v)
        return true;
    n = strtol(v, &end, 0);
    if (!*v || *end || n < -1 || n > 65535) {
        error_setg(errp, "Parameter '%s' expects a number", key);
        return false;
    }
    *out = (int)n;
    return true;
}

static bool drive_parse_if(Opts *o, DriveInterface *type, Error **errp)
{
    const char *v = opts_get(o, "if");

    *type = IF_IDE;
    if (!v)
        return true;
    for (int i = 0; i < IF_COUNT; i++) {
        if (!strcmp(v, if_names[i])) {
            *type = i;
            if (i == IF_VIRTIO || i == IF_PFLASH) {
                error_setg(errp, "if=%s: not supported yet", v);
                return false;
            }
            return true;
        }
    }
    error_setg(errp, "unsupported bus type '%s'", v);
    return false;
}

static bool drive_parse_media(Opts *o, bool *cdrom, Error **errp)
{
    const char *v = opts_get(o, "media");

    *cdrom = false;
    if (!v || !strcmp(v, "disk"))
        return true;
    if (!strcmp(v, "cdrom")) {
        *cdrom = true;
        return true;
    }
    error_setg(errp, "'%s' invalid media", v);
    return false;
}

/* bus/unit from index= or bus=/unit=, the first free unit otherwise. */
static bool drive_place(DriveInfo *d, Opts *o, Error **errp)
{
    int max = if_max_devs[d->type], index, bus, unit;

    if (!drive_get_num(o, "index", &index, errp) || !drive_get_num(o, "bus", &bus, errp) ||
        !drive_get_num(o, "unit", &unit, errp))
        return false;
    if (index >= 0 && (bus >= 0 || unit >= 0)) {
        error_setg(errp, "index cannot be used with bus and unit");
        return false;
    }
    if (index >= 0) {
        bus = max ? index / max : 0;
        unit = max ? index % max : index;
    }
    bus = bus < 0 ? 0 : bus;
    if (unit < 0) {
        for (unit = 0; drive_get(d->type, bus, unit);) {
            if (max && ++unit >= max) {
                unit = 0;
                bus++;
            } else if (!max) {
                unit++;
            }
        }
    }
    if (max && unit >= max) {
        error_setg(errp, "unit %d too big (max is %d)", unit, max - 1);
        return false;
    }
    if (drive_get(d->type, bus, unit)) {
        error_setg(errp, "drive with bus=%d, unit=%d (index=%d) exists", bus, unit,
                   max ? bus * max + unit : unit);
        return false;
    }
    d->bus = bus;
    d->unit = unit;
    return true;
}

static char *drive_make_id(DriveInfo *d)
{
    const char *media = "";

    if (d->type == IF_IDE || d->type == IF_SCSI)
        media = d->cdrom ? "-cd" : "-hd";
    if (if_max_devs[d->type])
        return xasprintf("%s%d%s%d", if_names[d->type], d->bus, media, d->unit);
    return xasprintf("%s%s%d", if_names[d->type], media, d->unit);
}

/* Keys kemu accepts without acting on them: QEMU's defaults, or hints
 * whose absence the guest cannot see. Anything else is refused. */
static bool drive_check_tuning(Opts *o, Error **errp)
{
    static const struct {
        const char *key, *values;
    } ok[] = {
        { "aio", "|threads|" },           { "discard", "|ignore|off|unmap|on|" },
        { "detect-zeroes", "|off|" },     { "werror", "|enospc|report|" },
        { "rerror", "|report|" },         { "copy-on-read", "|off|" },
        { "cache.direct", "|off|" },      { "cache.no-flush", "|off|" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        const char *v = opts_get(o, ok[i].key);
        char *pat;
        bool match;

        if (!v)
            continue;
        if (!strcmp(ok[i].key, "aio") && !strcmp(v, "native")) {
            error_setg(errp, "aio=native was specified, but it requires cache.direct=on, "
                             "which was not specified.");
            return false;
        }
        pat = xasprintf("|%s|", v);
        match = strstr(ok[i].values, pat) != NULL;
        free(pat);
        if (!match) {
            error_setg(errp, "%s=%s: not supported yet", ok[i].key, v);
            return false;
        }
    }
    return true;
}

static bool drive_open_image(DriveInfo *d, Opts *o, Error **errp)
{
    BlockOpenOptions bo = { 0 };
    const char *file = opts_get(o, "file");
    const char *fmt = opts_get(o, "format");

    if (fmt && opts_is_help(fmt)) {
        printf("Supported formats: qcow2 raw\n");
        exit(0);
    }
    if (!block_opts_parse(o, &bo, errp) || !drive_check_tuning(o, errp))
        return false;
    if (!opts_has(o, "snapshot") && drive_snapshot)
        bo.snapshot = true;
    if (d->cdrom)
        bo.read_only = true;
    if (file && *file)
        d->blk = blk_open(file, &bo, errp);
    else
        d->blk = blk_new_empty(bo.read_only);
    return d->blk != NULL;
}

/* Keys nobody read: QEMU passes them to the format driver, which refuses. */
static bool drive_check_unused(DriveInfo *d, Opts *o, Error **errp)
{
    OPTS_FOREACH(o, e)
    {
        if (e->used)
            continue;
        error_setg(errp, "Block format '%s' does not support the option '%s'",
                   blk_format_name(d->blk) ? blk_format_name(d->blk) : "raw", e->key);
        return false;
    }
    return true;
}

/* At exit the images are closed: qcow2 writes back its cached L2 tables,
 * without which clusters allocated since the last guest flush would be
 * lost (only leaked, by the crash-safe write order). A plain atexit()
 * handler, not mainloop_at_exit(): nothing is written from the handlers of
 * fatal signals. */
static void drive_exit(void)
{
    drive_cleanup();
}

static DriveInfo *drive_new(Opts *o, const char *where, Error **errp)
{
    static bool exit_registered;
    DriveInfo *d = XNEW0(DriveInfo);
    const char *id;

    if (!exit_registered) {
        atexit(drive_exit);
        exit_registered = true;
    }

    if (!drive_parse_if(o, &d->type, errp) || !drive_parse_media(o, &d->cdrom, errp) ||
        !drive_place(d, o, errp))
        goto fail;
    id = opts_get(o, "id");
    d->id = id ? xstrdup(id) : drive_make_id(d);
    if (!drive_open_image(d, o, errp))
        goto fail;
    if (!drive_check_unused(d, o, errp)) {
        blk_close(d->blk);
        goto fail;
    }
    d->where = where ? xstrdup(where) : NULL;
    *drive_tail = d;
    drive_tail = &d->next;
    return d;
fail:
    free(d->id);
    free(d);
    return NULL;
}

bool drive_open_all(Error **errp)
{
    while (pending_head) {
        DrivePending *p = pending_head;
        char *where = xasprintf("%s%s%s", legacy_names[p->kind],
                                *legacy_names[p->kind] ? " " : "", p->arg);
        DriveInfo *d = drive_new(p->opts, where, errp);

        if (!d)
            error_prepend(errp, "%s: ", where);
        free(where);
        pending_head = p->next;
        opts_free(p->opts);
        free(p->arg);
        free(p);
        if (!d)
            return false;
    }
    pending_tail = &pending_head;
    return true;
}

DriveInfo *drive_add_default(DriveInterface type, int index, bool cdrom)
{
    bool enabled = cdrom ? default_cdrom : default_floppy;
    char *text = xasprintf("if=%s,index=%d%s", if_names[type], index, cdrom ? ",media=cdrom" : "");
    Opts *o = opts_parse(text, NULL, NULL);
    int max = if_max_devs[type];
    DriveInfo *d = NULL;

    if (enabled && o && !drive_get(type, max ? index / max : 0, max ? index % max : index)) {
        d = drive_new(o, NULL, NULL);
        if (d)
            d->is_default = true;
    }
    opts_free(o);
    free(text);
    return d;
}

void drive_cleanup(void)
{
    while (drive_head) {
        DriveInfo *d = drive_head;

        drive_head = d->next;
        blk_close(d->blk);
        free(d->id);
        free(d->where);
        free(d);
    }
    drive_tail = &drive_head;
    while (pending_head) {
        DrivePending *p = pending_head;

        pending_head = p->next;
        opts_free(p->opts);
        free(p->arg);
        free(p);
    }
    pending_tail = &pending_head;
    drive_snapshot = false;
    default_cdrom = default_floppy = true;
}
