/* SPDX-License-Identifier: MIT */
/*
 * The device model: class registry, properties, realize/reset, gpio pins
 * and savestate of field tables.
 *
 * Classes register from constructors and are kept sorted by name. A device
 * instance starts as property defaults, takes "-device" style values through
 * the class's property table, then is realized. The help texts follow
 * QEMU's `-device help` and `-device NAME,help` output (QEMU manual,
 * "-device driver[,prop[=value][,...]]").
 */
#include <ctype.h>
#include <errno.h>

#include "kemu/chardev.h"
#include "kemu/device.h"
#include "kemu/isa.h"
#include "kemu/opts.h"

static const DeviceClass **dc_table;
static int dc_count;
static Device *dev_head;

/* ---- class registry ---- */

void device_class_register(const DeviceClass *dc)
{
    int i;

    dc_table = xrealloc(dc_table, sizeof(*dc_table) * (dc_count + 1));
    for (i = dc_count; i > 0 && strcmp(dc_table[i - 1]->name, dc->name) > 0; i--)
        dc_table[i] = dc_table[i - 1];
    dc_table[i] = dc;
    dc_count++;
}

const DeviceClass *device_class_find(const char *name)
{
    for (int i = 0; i < dc_count; i++) {
        if (!strcmp(dc_table[i]->name, name))
            return dc_table[i];
    }
    return NULL;
}

const DeviceClass *device_class_next(const DeviceClass *prev)
{
    int i = 0;

    if (prev) {
        while (i < dc_count && dc_table[i] != prev)
            i++;
        i++;
    }
    return i < dc_count ? dc_table[i] : NULL;
}

/* ---- properties ---- */

static const Property *device_prop_find(const DeviceClass *dc, const char *name)
{
    for (const Property *p = dc->props; p && p->name; p++) {
        if (!strcmp(p->name, name))
            return p;
    }
    return NULL;
}

static void device_prop_set_default(Device *dev, const Property *p)
{
    void *field = (char *)dev + p->offset;

    switch (p->type) {
    case PROP_BOOL:
        *(bool *)field = p->defval != 0;
        break;
    case PROP_UINT8:
        *(uint8_t *)field = p->defval;
        break;
    case PROP_UINT16:
        *(uint16_t *)field = p->defval;
        break;
    case PROP_UINT32:
        *(uint32_t *)field = p->defval;
        break;
    case PROP_INT32:
        *(int32_t *)field = (int32_t)p->defval;
        break;
    case PROP_UINT64:
    case PROP_SIZE:
        *(uint64_t *)field = p->defval;
        break;
    case PROP_STRING:
        *(char **)field = xstrdup(p->defstr);
        break;
    case PROP_CHR:
        *(Chardev **)field = NULL;
        break;
    }
}

static const char *const prop_type_names[] = {
    [PROP_BOOL] = "bool",     [PROP_UINT8] = "uint8", [PROP_UINT16] = "uint16",
    [PROP_UINT32] = "uint32", [PROP_UINT64] = "uint64", [PROP_INT32] = "int32",
    [PROP_SIZE] = "size",     [PROP_STRING] = "str",  [PROP_CHR] = "str",
};

/* Integer property: range per type; QEMU's messages "expects integer" and
 * "expects uint32_t". */
static bool device_parse_int(const Property *p, const char *value, int64_t *out, Error **errp)
{
    static const struct { int64_t min; uint64_t max; const char *cname; } range[] = {
        [PROP_UINT8] = { 0, UINT8_MAX, "uint8_t" },
        [PROP_UINT16] = { 0, UINT16_MAX, "uint16_t" },
        [PROP_UINT32] = { 0, UINT32_MAX, "uint32_t" },
        [PROP_UINT64] = { 0, UINT64_MAX, "uint64_t" },
        [PROP_INT32] = { INT32_MIN, INT32_MAX, "int32_t" },
    };
    const char *s = value;
    bool neg = false;
    uint64_t mag;

    if (*s == '-') {
        neg = true;
        s++;
    }
    if (!parse_uint64(s, &mag)) {
        error_setg(errp, "Parameter '%s' expects integer", p->name);
        return false;
    }
    if ((neg && (range[p->type].min == 0 || mag > (uint64_t)INT32_MAX + 1)) ||
        (!neg && mag > range[p->type].max)) {
        error_setg(errp, "Parameter '%s' expects %s", p->name, range[p->type].cname);
        return false;
    }
    *out = neg ? -(int64_t)mag : (int64_t)mag;
    return true;
}

static bool device_set_chr(Device *dev, const Property *p, const char *value, Error **errp)
{
    Chardev **field = (Chardev **)((char *)dev + p->offset);
    Chardev *chr = chardev_find(value);

    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'", dev->cls->name, p->name,
                   value);
        return false;
    }
    if (chr_fe_busy(chr) && *field != chr) {
        error_setg(errp, "Property '%s.%s' can't take value '%s', it's in use", dev->cls->name,
                   p->name, value);
        return false;
    }
    *field = chr;
    return true;
}

static bool device_prop_parse(Device *dev, const Property *p, const char *value, Error **errp)
{
    void *field = (char *)dev + p->offset;
    int64_t v;

    switch (p->type) {
    case PROP_BOOL:
        if (!parse_bool(value, (bool *)field)) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", p->name);
            return false;
        }
        return true;
    case PROP_SIZE:
        if (!parse_size(value, 1, (uint64_t *)field)) {
            opts_error_size(errp, p->name);
            return false;
        }
        return true;
    case PROP_STRING:
        free(*(char **)field);
        *(char **)field = xstrdup(value);
        return true;
    case PROP_CHR:
        return device_set_chr(dev, p, value, errp);
    case PROP_UINT64:
        if (*value != '-' && parse_uint64(value, (uint64_t *)field))
            return true;
        break;
    default:
        break;
    }
    if (!device_parse_int(p, value, &v, errp))
        return false;
    switch (p->type) {
    case PROP_UINT8:
        *(uint8_t *)field = v;
        break;
    case PROP_UINT16:
        *(uint16_t *)field = v;
        break;
    case PROP_UINT32:
        *(uint32_t *)field = v;
        break;
    case PROP_INT32:
        *(int32_t *)field = v;
        break;
    default:
        *(uint64_t *)field = v;
        break;
    }
    return true;
}

static bool device_id_valid(const char *id)
{
    if (!isalpha((unsigned char)id[0]))
        return false;
    for (const char *c = id; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr("-._", *c))
            return false;
    }
    return true;
}

static bool device_set_id(Device *dev, const char *id, Error **errp)
{
    if (!device_id_valid(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\n"
                         "Identifiers consist of letters, digits, '-', '.', '_', "
                         "starting with a letter.");
        return false;
    }
    if (device_find_by_id(id)) {
        error_setg(errp, "Duplicate ID '%s' for device", id);
        return false;
    }
    free(dev->id);
    dev->id = xstrdup(id);
    return true;
}

bool device_set_prop(Device *dev, const char *name, const char *value, Error **errp)
{
    const Property *p;

    if (dev->realized) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' after it was realized",
                   name, dev->cls->name);
        return false;
    }
    if (!strcmp(name, "id"))
        return device_set_id(dev, value, errp);
    p = device_prop_find(dev->cls, name);
    if (!p) {
        error_setg(errp, "Property '%s.%s' not found", dev->cls->name, name);
        return false;
    }
    return device_prop_parse(dev, p, value, errp);
}

/* ---- instances ---- */

Device *device_new(const char *name, Error **errp)
{
    const DeviceClass *dc = device_class_find(name);
    Device *dev, **pp;

    if (!dc) {
        error_setg(errp, "'%s' is not a valid device model name", name);
        return NULL;
    }
    dev = xzalloc(MAX(dc->instance_size, sizeof(Device)));
    dev->cls = dc;
    for (const Property *p = dc->props; p && p->name; p++)
        device_prop_set_default(dev, p);
    if (dc->instance_init)
        dc->instance_init(dev);
    for (pp = &dev_head; *pp; pp = &(*pp)->next)
        ;
    *pp = dev;
    return dev;
}

static bool device_bus_check(Device *dev, Error **errp)
{
    const char *bus = dev->cls->bus;

    if (bus && !strcmp(bus, "isa") && !isa_bus_get()) {
        error_setg(errp, "No 'ISA' bus found for device '%s'", dev->cls->name);
        return false;
    }
    return true;
}

bool device_realize(Device *dev, Error **errp)
{
    if (dev->realized)
        return true;
    if (!device_bus_check(dev, errp))
        return false;
    if (dev->cls->realize && !dev->cls->realize(dev, errp))
        return false;
    dev->realized = true;
    return true;
}

void device_realize_or_die(Device *dev)
{
    Error *err = NULL;

    if (!device_realize(dev, &err)) {
        error_report_err(err);
        exit(1);
    }
}

void device_reset(Device *dev)
{
    if (dev->realized && dev->cls->reset)
        dev->cls->reset(dev);
}

void devices_reset_all(void)
{
    for (Device *dev = dev_head; dev; dev = dev->next)
        device_reset(dev);
}

Device *device_find_by_id(const char *id)
{
    for (Device *dev = dev_head; dev; dev = dev->next) {
        if (dev->id && !strcmp(dev->id, id))
            return dev;
    }
    return NULL;
}

Device *device_find_by_class(const char *name)
{
    for (Device *dev = dev_head; dev; dev = dev->next) {
        if (dev->realized && !strcmp(dev->cls->name, name))
            return dev;
    }
    return NULL;
}

Device *device_first(void)
{
    return dev_head;
}

/* Remove a device that failed to realize from the list and free it. */
static void device_discard(Device *dev)
{
    for (Device **pp = &dev_head; *pp; pp = &(*pp)->next) {
        if (*pp == dev) {
            *pp = dev->next;
            break;
        }
    }
    for (const Property *p = dev->cls->props; p && p->name; p++) {
        if (p->type == PROP_STRING)
            free(*(char **)((char *)dev + p->offset));
    }
    for (int i = 0; i < dev->nr_gpio_in; i++)
        free(dev->gpio_in[i]);
    free(dev->gpio_in);
    free(dev->gpio_out);
    free(dev->id);
    free(dev);
}

/* ---- -device ---- */

static bool device_opts_apply(Device *dev, Opts *o, Error **errp)
{
    OPTS_FOREACH(o, e)
    {
        if (!strcmp(e->key, "driver"))
            continue;
        if (!device_set_prop(dev, e->key, e->value, errp))
            return false;
    }
    return true;
}

Device *device_create_from_opts(const char *optarg, Error **errp)
{
    Opts *o = opts_parse(optarg, "driver", errp);
    const char *driver;
    Device *dev;

    if (!o)
        return NULL;
    driver = opts_get(o, "driver");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        opts_free(o);
        return NULL;
    }
    dev = device_new(driver, errp);
    if (dev && !dev->cls->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        device_discard(dev);
        dev = NULL;
    }
    if (dev && (!device_opts_apply(dev, o, errp) || !device_realize(dev, errp))) {
        device_discard(dev);
        dev = NULL;
    }
    opts_free(o);
    return dev;
}

bool device_opts_help(const char *optarg)
{
    Opts *o = opts_parse(optarg, "driver", NULL);
    const char *driver;
    bool help = false;
    Error *err = NULL;

    if (!o)
        return false;
    driver = opts_get(o, "driver");
    if (opts_is_help(driver)) {
        device_print_help(stdout);
        help = true;
    } else if (driver && (opts_has(o, "help") || opts_has(o, "?"))) {
        if (!device_print_class_help(stdout, driver, &err)) {
            error_report_err(err);
            exit(1);
        }
        help = true;
    }
    opts_free(o);
    return help;
}

/* ---- help ---- */

static const struct {
    const char *category;
    const char *title;
} dev_categories[] = {
    { "bridge", "Controller/Bridge/Hub" }, { "usb", "USB" },
    { "storage", "Storage" },              { "network", "Network" },
    { "input", "Input" },                  { "display", "Display" },
    { "sound", "Sound" },                  { "misc", "Misc" },
    { "cpu", "CPU" },                      { "watchdog", "Watchdog" },
};

/* Index into dev_categories of dc, or ARRAY_SIZE for "Uncategorized".
 * "char" (UARTs) lists under Input and "net" under Network, as in QEMU. */
static size_t device_category_index(const DeviceClass *dc)
{
    const char *cat = dc->category;

    if (!cat)
        return ARRAY_SIZE(dev_categories);
    if (!strcmp(cat, "char"))
        cat = "input";
    else if (!strcmp(cat, "net"))
        cat = "network";
    for (size_t i = 0; i < ARRAY_SIZE(dev_categories); i++) {
        if (!strcmp(dev_categories[i].category, cat))
            return i;
    }
    return ARRAY_SIZE(dev_categories);
}

static const char *device_bus_title(const char *bus)
{
    if (!strcmp(bus, "isa"))
        return "ISA";
    if (!strcmp(bus, "pci"))
        return "PCI";
    if (!strcmp(bus, "sys"))
        return "System";
    return bus;
}

static void device_print_line(FILE *out, const DeviceClass *dc)
{
    fprintf(out, "name \"%s\"", dc->name);
    if (dc->bus)
        fprintf(out, ", bus %s", device_bus_title(dc->bus));
    if (dc->desc)
        fprintf(out, ", desc \"%s\"", dc->desc);
    fputc('\n', out);
}

void device_print_help(FILE *out)
{
    bool any = false;

    for (size_t cat = 0; cat <= ARRAY_SIZE(dev_categories); cat++) {
        bool printed = false;

        for (int i = 0; i < dc_count; i++) {
            const DeviceClass *dc = dc_table[i];

            if (!dc->user_creatable || device_category_index(dc) != cat)
                continue;
            if (!printed) {
                fprintf(out, "%s%s devices:\n", any ? "\n" : "",
                        cat < ARRAY_SIZE(dev_categories) ? dev_categories[cat].title
                                                         : "Uncategorized");
                printed = any = true;
            }
            device_print_line(out, dc);
        }
    }
}

static char *device_prop_default(const Property *p)
{
    switch (p->type) {
    case PROP_BOOL:
        return xstrdup(p->defval ? "true" : "false");
    case PROP_INT32:
        return xasprintf("%d", (int32_t)p->defval);
    case PROP_STRING:
        return p->defstr ? xasprintf("\"%s\"", p->defstr) : NULL;
    case PROP_CHR:
        return NULL;
    default:
        return xasprintf("%llu", (unsigned long long)p->defval);
    }
}

static int device_prop_cmp(const void *a, const void *b)
{
    return strcmp((*(const Property *const *)a)->name, (*(const Property *const *)b)->name);
}

static void device_print_prop(FILE *out, const Property *p)
{
    char *left = xasprintf("%s=<%s>", p->name, prop_type_names[p->type]);
    char *def = device_prop_default(p);

    fprintf(out, "  %s", left);
    if (p->desc || def) {
        fprintf(out, "%*s - %s", (int)(strlen(left) < 22 ? 22 - strlen(left) : 0), "",
                p->desc ? p->desc : "");
        if (def)
            fprintf(out, " (default: %s)", def);
    }
    fputc('\n', out);
    free(left);
    free(def);
}

bool device_print_class_help(FILE *out, const char *name, Error **errp)
{
    const DeviceClass *dc = device_class_find(name);
    const Property **sorted;
    int n = 0;

    if (!dc) {
        error_setg(errp, "'%s' is not a valid device model name", name);
        return false;
    }
    for (const Property *p = dc->props; p && p->name; p++)
        n++;
    if (!n) {
        fprintf(out, "There are no options for %s.\n", dc->name);
        return true;
    }
    sorted = XNEW0N(const Property *, n);
    for (int i = 0; i < n; i++)
        sorted[i] = &dc->props[i];
    qsort(sorted, n, sizeof(*sorted), device_prop_cmp);
    fprintf(out, "%s options:\n", dc->name);
    for (int i = 0; i < n; i++)
        device_print_prop(out, sorted[i]);
    free(sorted);
    return true;
}

/* ---- gpio ---- */

void device_init_gpio_in(Device *dev, IrqHandler *handler, int count)
{
    int base = dev->nr_gpio_in;

    dev->gpio_in = xrealloc(dev->gpio_in, sizeof(IrqLine *) * (base + count));
    for (int i = 0; i < count; i++)
        dev->gpio_in[base + i] = irq_new(handler, dev, base + i);
    dev->nr_gpio_in = base + count;
}

IrqLine *device_gpio_in(Device *dev, int n)
{
    if (n < 0 || n >= dev->nr_gpio_in)
        return NULL;
    return dev->gpio_in[n];
}

void device_init_gpio_out(Device *dev, IrqLine **outs, int count)
{
    int base = dev->nr_gpio_out;

    dev->gpio_out = xrealloc(dev->gpio_out, sizeof(IrqLine **) * (base + count));
    for (int i = 0; i < count; i++)
        dev->gpio_out[base + i] = &outs[i];
    dev->nr_gpio_out = base + count;
}

void device_connect_gpio_out(Device *dev, int n, IrqLine *line)
{
    if (n < 0 || n >= dev->nr_gpio_out) {
        warn_report("%s: no output pin %d", dev->cls->name, n);
        return;
    }
    *dev->gpio_out[n] = line;
}

/* ---- savestate: a 4-byte version, then each field's bytes in order ---- */

size_t device_save_size(Device *dev)
{
    const VMStateDesc *vmsd = dev->cls->vmsd;
    size_t size = 4;

    if (!vmsd)
        return 0;
    for (const VMStateField *f = vmsd->fields; f && f->name; f++)
        size += f->size * f->count;
    return size;
}

void device_save(Device *dev, uint8_t *buf)
{
    const VMStateDesc *vmsd = dev->cls->vmsd;

    if (!vmsd)
        return;
    stl_le(buf, vmsd->version);
    buf += 4;
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        memcpy(buf, (char *)dev + f->offset, f->size * f->count);
        buf += f->size * f->count;
    }
}

bool device_load(Device *dev, const uint8_t *buf, size_t len, Error **errp)
{
    const VMStateDesc *vmsd = dev->cls->vmsd;
    size_t want = device_save_size(dev);

    if (!vmsd) {
        error_setg(errp, "%s: device has no savestate", dev->cls->name);
        return false;
    }
    if (len != want) {
        error_setg(errp, "%s: savestate is %zu bytes, expected %zu", vmsd->name, len, want);
        return false;
    }
    if (ldl_le(buf) != (uint32_t)vmsd->version) {
        error_setg(errp, "%s: savestate version %u, expected %d", vmsd->name, ldl_le(buf),
                   vmsd->version);
        return false;
    }
    buf += 4;
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        memcpy((char *)dev + f->offset, buf, f->size * f->count);
        buf += f->size * f->count;
    }
    if (vmsd->post_load && vmsd->post_load(dev) < 0) {
        error_setg(errp, "%s: post-load failed", vmsd->name);
        return false;
    }
    return true;
}
