/* SPDX-License-Identifier: MIT */
/*
 * IDE drives: attaching a disk or CD-ROM to a channel, and the -device
 * front-ends ide-hd and ide-cd.
 *
 * A disk gets QEMU's default geometry guess (from its partition table,
 * else 16 heads, 63 sectors, cylinders = sectors / 1008 clipped to
 * 2..16383: hd-geometry.c), the model "KEMU
 * HARDDISK" (CD: "KEMU DVD-ROM"), a serial "KM000nn" numbered in attach
 * order and kemu's version as firmware revision. A CD-ROM registers for
 * the block layer's media-change notifications.
 *
 * -device ide-hd|ide-cd,bus=ide.N,unit=U takes its image as QEMU does,
 * drive=ID naming a -drive if=none,id=ID, or with the kemu extension
 * file=PATH (and format=, readonly=); without either an ide-cd starts
 * empty. bootindex=N puts the drive in the firmware's boot order under its
 * device path "/pci@i0cf8/ide@S,F/drive@CHANNEL/disk@UNIT". Reference: QEMU
 * manual, "-device ide-hd" / "ide-cd" properties (drive, bus, unit,
 * serial, model, bootindex).
 */
#include "config-host.h"
#include "ide-internal.h"
#include "kemu/bootdevice.h"
#include "kemu/drive.h"

typedef struct IDEDriveDev {
    Device parent;
    char *bus;          /* "ide.0", ... (default: first with a free unit) */
    uint32_t unit;      /* 0 master, 1 slave (default: first free) */
    char *drive;        /* -drive id (QEMU's way) */
    int32_t bootindex;  /* boot order position, -1: none */
    char *file;         /* image path */
    char *format;       /* "raw", "qcow2" or NULL to probe */
    bool readonly;
    char *serial;
    char *model;
} IDEDriveDev;

static int ide_drive_count;

static void ide_guess_geometry(IDEState *s)
{
    int c, h, n;

    s->bios_trans = hd_geometry_guess(s->blk, s->nb_sectors, &c, &h, &n);
    s->cyls = c;
    s->heads = h;
    s->secs = n;
}

static void ide_cd_change_media(void *opaque, bool load)
{
    atapi_media_changed(opaque, load);
}

static const BlockDevOps ide_cd_block_ops = {
    .change_media = ide_cd_change_media,
};

bool ide_drive_init(IDEState *s, BlockBackend *blk, bool cdrom, Error **errp)
{
    int64_t len = 0;

    if (s->kind != IDE_NONE) {
        error_setg(errp, "IDE unit %d is in use", s->unit); /* QEMU's message */
        return false;
    }
    if (!blk || (!cdrom && (!blk_is_inserted(blk) || (len = blk_getlength(blk)) < 0))) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    s->kind = cdrom ? IDE_CD : IDE_HD;
    s->blk = blk;
    s->nb_sectors = (uint64_t)len / IDE_SECTOR_SIZE;
    if (!cdrom)
        ide_guess_geometry(s);
    snprintf(s->serial, sizeof(s->serial), "KM%05d", ++ide_drive_count);
    snprintf(s->model, sizeof(s->model), "%s", cdrom ? "KEMU DVD-ROM" : "KEMU HARDDISK");
    snprintf(s->fw_rev, sizeof(s->fw_rev), "%s", KEMU_VERSION);
    s->tray_open = 0;
    if (cdrom)
        blk_set_dev_ops(blk, &ide_cd_block_ops, s);
    ide_drive_reset(s, true);
    return true;
}

bool ide_bus_attach(IDEBus *bus, int unit, BlockBackend *blk, bool cdrom, Error **errp)
{
    if (unit < 0 || unit > 1) {
        error_setg(errp, "IDE unit %d does not exist (0 master, 1 slave)", unit);
        return false;
    }
    return ide_drive_init(&bus->ifs[unit], blk, cdrom, errp);
}

/* ---- -device ide-hd / ide-cd ---- */

/* How many channels "ide.0", "ide.1", ... exist. */
static int ide_bus_count(void)
{
    char name[16];
    int n = 0;

    do
        snprintf(name, sizeof(name), "ide.%d", n);
    while (ide_bus_find(name) && ++n < 64);
    return n;
}

static IDEBus *ide_dev_find_bus(IDEDriveDev *d, Error **errp)
{
    IDEBus *bus;

    if (d->bus) {
        bus = ide_bus_find(d->bus);
        if (!bus)
            error_setg(errp, "Bus '%s' not found", d->bus);
        return bus;
    }
    /* Without bus=, QEMU takes the newest bus that is not full (qdev
     * searches the most recently created bus first): ide.1 before ide.0. */
    for (int i = ide_bus_count() - 1; i >= 0; i--) {
        char name[16];

        snprintf(name, sizeof(name), "ide.%d", i);
        bus = ide_bus_find(name);
        if (bus && (d->unit > 1 ? !ide_drive_present(&bus->ifs[0]) ||
                                      !ide_drive_present(&bus->ifs[1])
                                : !ide_drive_present(&bus->ifs[d->unit])))
            return bus;
    }
    error_setg(errp, "No 'IDE' bus found for device '%s'", d->parent.cls->name);
    return NULL;
}

static BlockBackend *ide_dev_open(IDEDriveDev *d, bool cdrom, Error **errp)
{
    BlockOpenOptions bo = { .format = d->format, .read_only = d->readonly || cdrom };
    BlockBackend *blk;

    if (d->drive && d->file) {
        error_setg(errp, "Properties '%s.drive' and 'file' cannot both be given",
                   d->parent.cls->name);
        return NULL;
    }
    if (d->drive) {
        blk = drive_claim(d->drive, d->parent.cls->name, errp);
        if (blk && !cdrom && blk_is_inserted(blk) && blk_is_read_only(blk)) {
            error_setg(errp, "Block node is read-only");
            return NULL;
        }
        return blk;
    }
    if (d->file)
        return blk_open(d->file, &bo, errp);
    if (cdrom)
        return blk_new_empty(true);
    error_setg(errp, "Property '%s.file' is required", d->parent.cls->name);
    return NULL;
}

/* QEMU's Open Firmware path of the drive, for the "bootorder" file. The
 * channel is the bus's number within its controller (buses are numbered
 * ide.0, ide.1, ... two per controller). */
static bool ide_dev_add_boot(IDEBus *bus, int unit, int bootindex, Error **errp)
{
    int devfn = bus->bm && bus->bm->pci ? bus->bm->pci->devfn : 0;
    int channel = atoi(bus->name + 4) % 2;
    char fn[8] = "", *path;
    bool ok;

    if (PCI_FUNC(devfn))
        snprintf(fn, sizeof(fn), ",%x", PCI_FUNC(devfn));
    path = xasprintf("/pci@i0cf8/ide@%x%s/drive@%d/disk@%d", PCI_SLOT(devfn), fn, channel, unit);
    ok = bootdevice_add(bootindex, path, errp);
    free(path);
    return ok;
}

static bool ide_dev_realize(Device *dev, bool cdrom, Error **errp)
{
    IDEDriveDev *d = (IDEDriveDev *)dev;
    IDEBus *bus = ide_dev_find_bus(d, errp);
    BlockBackend *blk;
    int unit;

    if (!bus)
        return false;
    unit = d->unit <= 1 ? (int)d->unit : ide_drive_present(&bus->ifs[0]) ? 1 : 0;
    if (d->unit != UINT32_MAX && d->unit > 1) {
        error_setg(errp, "Invalid IDE unit %u (0 master, 1 slave)", d->unit);
        return false;
    }
    blk = ide_dev_open(d, cdrom, errp);
    if (!blk)
        return false;
    if (!ide_bus_attach(bus, unit, blk, cdrom, errp)) {
        if (!d->drive)
            blk_close(blk); /* a -drive stays with the drive list */
        return false;
    }
    if (d->serial)
        snprintf(bus->ifs[unit].serial, sizeof(bus->ifs[unit].serial), "%s", d->serial);
    if (d->model)
        snprintf(bus->ifs[unit].model, sizeof(bus->ifs[unit].model), "%s", d->model);
    return d->bootindex < 0 || ide_dev_add_boot(bus, unit, d->bootindex, errp);
}

static bool ide_hd_realize(Device *dev, Error **errp)
{
    return ide_dev_realize(dev, false, errp);
}

static bool ide_cd_realize(Device *dev, Error **errp)
{
    return ide_dev_realize(dev, true, errp);
}

static const Property ide_dev_props[] = {
    DEFINE_PROP_STRING("bus", IDEDriveDev, bus, "IDE bus: ide.0 ... (default: first free)"),
    DEFINE_PROP("unit", PROP_UINT32, IDEDriveDev, unit, UINT32_MAX,
                "0 master, 1 slave (default: first free)"),
    DEFINE_PROP_STRING("drive", IDEDriveDev, drive, "a -drive if=none id"),
    DEFINE_PROP("bootindex", PROP_INT32, IDEDriveDev, bootindex, -1,
                "position in the firmware boot order"),
    DEFINE_PROP_STRING("file", IDEDriveDev, file, "image file (kemu extension)"),
    DEFINE_PROP_STRING("format", IDEDriveDev, format, "image format: raw, qcow2"),
    DEFINE_PROP("readonly", PROP_BOOL, IDEDriveDev, readonly, 0, "open the image read-only"),
    DEFINE_PROP_STRING("serial", IDEDriveDev, serial, "serial number (20 characters)"),
    DEFINE_PROP_STRING("model", IDEDriveDev, model, "model name (40 characters)"),
    DEFINE_PROP_END,
};

static const DeviceClass ide_hd_class = {
    .name = TYPE_IDE_HD,
    .desc = "virtual IDE disk",
    .category = "storage",
    .bus = "IDE",
    .instance_size = sizeof(IDEDriveDev),
    .props = ide_dev_props,
    .user_creatable = true,
    .realize = ide_hd_realize,
};
DEVICE_CLASS(ide_hd_class)

static const DeviceClass ide_cd_class = {
    .name = TYPE_IDE_CD,
    .desc = "virtual IDE CD-ROM",
    .category = "storage",
    .bus = "IDE",
    .instance_size = sizeof(IDEDriveDev),
    .props = ide_dev_props,
    .user_creatable = true,
    .realize = ide_cd_realize,
};
DEVICE_CLASS(ide_cd_class)
