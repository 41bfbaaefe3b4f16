/* SPDX-License-Identifier: MIT */
/*
 * The device model: classes, properties, realize/reset, savestate tables.
 *
 * A device is a struct whose first member is Device; Device points to its
 * DeviceClass. Classes register themselves at start-up (DEVICE_CLASS macro).
 * Properties are described by a table of (name, type, offset), so that
 * "-device name,prop=value" works for every class without device-specific
 * parsing. A device is created with device_new(), configured with
 * device_set_prop(), then device_realize()d; reset runs at machine reset.
 *
 * Devices attach to a bus through the bus's own helpers (ISA: isa.h; PCI
 * later). Devices talk to each other only through IrqLines, bus interfaces
 * and backends (Chardev, block, net).
 */
#ifndef KEMU_DEVICE_H
#define KEMU_DEVICE_H

#include "kemu/error.h"
#include "kemu/irq.h"
#include "kemu/types.h"

typedef struct Device Device;
typedef struct DeviceClass DeviceClass;

typedef enum PropType {
    PROP_BOOL,   /* bool: on/off, yes/no, true/false */
    PROP_UINT8,
    PROP_UINT16,
    PROP_UINT32, /* decimal or 0x hex */
    PROP_UINT64,
    PROP_INT32,
    PROP_SIZE,   /* uint64_t with k/M/G/T suffixes */
    PROP_STRING, /* char *, owned by the device */
    PROP_CHR,    /* Chardev *, the value names a chardev id */
} PropType;

typedef struct Property {
    const char *name;
    PropType type;
    size_t offset;        /* offset of the field in the device struct */
    uint64_t defval;      /* default for the integer/bool types */
    const char *defstr;   /* default for PROP_STRING (may be NULL) */
    const char *desc;     /* one-line help text */
} Property;

#define DEFINE_PROP(_name, _type, _state, _field, _def, _desc)                                     \
    { .name = (_name), .type = (_type), .offset = offsetof(_state, _field), .defval = (_def),      \
      .desc = (_desc) }
#define DEFINE_PROP_STRING(_name, _state, _field, _desc)                                           \
    { .name = (_name), .type = PROP_STRING, .offset = offsetof(_state, _field), .desc = (_desc) }
#define DEFINE_PROP_CHR(_name, _state, _field)                                                     \
    { .name = (_name), .type = PROP_CHR, .offset = offsetof(_state, _field),                     \
      .desc = "ID of a chardev to use as a backend" }
#define DEFINE_PROP_END { .name = NULL }

/* Savestate: a table of fields saved as raw little-endian bytes. */
typedef struct VMStateField {
    const char *name;
    size_t offset;
    size_t size;   /* bytes of one element */
    unsigned count; /* elements (1 for scalars) */
} VMStateField;

#define VMSTATE_FIELD(_state, _field)                                                              \
    { .name = #_field, .offset = offsetof(_state, _field),                                         \
      .size = sizeof(((_state *)0)->_field), .count = 1 }
#define VMSTATE_ARRAY(_state, _field)                                                              \
    { .name = #_field, .offset = offsetof(_state, _field),                                         \
      .size = sizeof(((_state *)0)->_field[0]),                                                    \
      .count = ARRAY_SIZE(((_state *)0)->_field) }
#define VMSTATE_END { .name = NULL }

typedef struct VMStateDesc {
    const char *name;
    int version;
    const VMStateField *fields;
    /* Called after the fields are loaded (recompute derived state, timers). */
    int (*post_load)(Device *dev);
} VMStateDesc;

struct DeviceClass {
    const char *name;         /* -device name */
    const char *desc;         /* one-line description for -device help */
    const char *category;     /* "char", "misc", "input", "display", "storage", ... */
    const char *bus;          /* "isa", "pci", "sys" (NULL: no bus) */
    size_t instance_size;
    const Property *props;
    bool user_creatable;      /* may be created with -device */
    void (*instance_init)(Device *dev);           /* after defaults are set */
    bool (*realize)(Device *dev, Error **errp);
    void (*reset)(Device *dev);
    void (*unrealize)(Device *dev);
    const VMStateDesc *vmsd;
};

struct Device {
    const DeviceClass *cls;
    char *id;                 /* -device ...,id=NAME, or NULL */
    bool realized;
    Device *next;             /* list of all devices, creation order */
    /* Named input pins (for board wiring and qtest irq_intercept_in). */
    IrqLine **gpio_in;
    int nr_gpio_in;
    /* Output pins: pointers to the IrqLine each output drives. */
    IrqLine ***gpio_out;      /* gpio_out[i] points at the device's own IrqLine* field */
    int nr_gpio_out;
};

void device_class_register(const DeviceClass *dc);
#define DEVICE_CLASS(dc)                                                                           \
    static void KEMU_CONSTRUCTOR dc##_register(void) { device_class_register(&(dc)); }

const DeviceClass *device_class_find(const char *name);
/* Iterate over classes in name order: returns NULL at the end. */
const DeviceClass *device_class_next(const DeviceClass *prev);

/* Allocate a device with property defaults applied (does not realize). */
Device *device_new(const char *name, Error **errp);
bool device_set_prop(Device *dev, const char *name, const char *value, Error **errp);
bool device_realize(Device *dev, Error **errp);
/* Realize or exit(1) with the error: for board code at start-up. */
void device_realize_or_die(Device *dev);
void device_reset(Device *dev);
/* Reset every realized device in creation order. */
void devices_reset_all(void);
Device *device_find_by_id(const char *id);
/* First realized device of the given class name, or NULL. */
Device *device_find_by_class(const char *name);
Device *device_first(void);

/* Parse "-device" option text, create and realize it. */
Device *device_create_from_opts(const char *optarg, Error **errp);
/* "-device help" and "-device NAME,help" output. */
void device_print_help(FILE *out);
bool device_print_class_help(FILE *out, const char *name, Error **errp);
/* If the -device text asks for help ("help", "?", "NAME,help"), print it to
 * stdout and return true (exits 1 on an unknown NAME). */
bool device_opts_help(const char *optarg);

/* Input pins. handler receives (opaque = dev, n = pin). */
void device_init_gpio_in(Device *dev, IrqHandler *handler, int count);
IrqLine *device_gpio_in(Device *dev, int n);
/* Register the device's output pins: outs[i] is a field the device drives. */
void device_init_gpio_out(Device *dev, IrqLine **outs, int count);
void device_connect_gpio_out(Device *dev, int n, IrqLine *line);

/* Savestate of one device into / from a flat buffer (used by snapshots). */
size_t device_save_size(Device *dev);
void device_save(Device *dev, uint8_t *buf);
bool device_load(Device *dev, const uint8_t *buf, size_t len, Error **errp);

#endif
