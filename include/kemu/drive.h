/* SPDX-License-Identifier: MIT */
/*
 * Drives from the command line: -drive, -hda..-hdd, -cdrom, -fda/-fdb,
 * a bare image argument and -snapshot.
 *
 * Each option becomes one DriveInfo: an interface (if=ide, floppy, none,
 * ...), a position on it (bus and unit, from index= or the first free
 * one), the medium kind (media=disk or cdrom) and a BlockBackend, empty
 * when no file was given. The command line only records the options
 * (drive_add()); drive_open_all() opens the images before the board is
 * built, in command-line order, as QEMU does; the board then takes the
 * drives of its interfaces (drive_get()), -device front-ends take if=none
 * drives by id (drive_claim()), and drive_check_orphans() refuses the
 * drives nobody took. Messages and generated ids ("ide0-hd0", "ide1-cd0",
 * "floppy0", "none0") are QEMU's.
 *
 * Reference: QEMU manual, "Block device options" (-drive, -hda, -cdrom,
 * -fda, -snapshot) and qemu-options.hx; QEMU's blockdev.c for the index,
 * bus and unit rules (index N on IDE is bus N / 2, unit N % 2).
 */
#ifndef KEMU_DRIVE_H
#define KEMU_DRIVE_H

#include "kemu/block.h"
#include "kemu/error.h"

typedef enum DriveInterface {
    IF_NONE,
    IF_IDE,
    IF_SCSI,
    IF_FLOPPY,
    IF_PFLASH,
    IF_MTD,
    IF_SD,
    IF_VIRTIO,
    IF_XEN,
    IF_COUNT
} DriveInterface;

/* Where an option came from, for drive_add(). */
typedef enum DriveOption {
    DRIVE_OPT_DRIVE, /* -drive KEY=VALUE,... */
    DRIVE_OPT_HDA,   /* -hda FILE */
    DRIVE_OPT_HDB,
    DRIVE_OPT_HDC,
    DRIVE_OPT_HDD,
    DRIVE_OPT_CDROM, /* -cdrom FILE: index 2, media=cdrom */
    DRIVE_OPT_FDA,   /* -fda FILE: if=floppy, index 0 */
    DRIVE_OPT_FDB,
    DRIVE_OPT_IMAGE, /* a bare FILE argument: -hda, located as "FILE" */
} DriveOption;

typedef struct DriveInfo {
    DriveInterface type;
    int bus, unit;        /* position on the interface */
    bool cdrom;           /* media=cdrom */
    bool is_default;      /* the board's default empty CD-ROM / floppy drive */
    bool claimed;         /* taken by a device */
    char *id;             /* id= or the generated "ide0-hd0" */
    char *where;          /* "-hda disk.img", for messages */
    BlockBackend *blk;    /* never NULL once opened (empty without a file) */
    struct DriveInfo *next;
} DriveInfo;

/* Record an option (command-line parsing). Syntax errors, bad if=/media=,
 * index= together with bus=/unit= and duplicate ids are reported here with
 * errp set to "OPT ARG: message"; images are opened later. */
bool drive_add(DriveOption kind, const char *arg, Error **errp);
/* -snapshot: every drive without an explicit snapshot= gets snapshot=on. */
void drive_set_snapshot(bool on);
/* The command line reports each -device argument: ide-cd, ide-hd and
 * floppy devices suppress the board's default drives, as in QEMU. */
void drive_note_device(const char *device_arg);

/* Assign positions and open every image, in command-line order. false
 * with "OPT ARG: message" in errp on the first failure (QEMU's messages:
 * "Could not open 'x': No such file or directory", "drive with bus=0,
 * unit=0 (index=0) exists", ...). */
bool drive_open_all(Error **errp);
/* The board's default empty drive (QEMU's default CD-ROM at IDE index 2
 * and floppy drive A:), unless a -device of that kind was given or the
 * position is taken. The board skips this under -nodefaults. NULL when
 * not added. */
DriveInfo *drive_add_default(DriveInterface type, int index, bool cdrom);

/* The drive at type/bus/unit, or NULL. */
DriveInfo *drive_get(DriveInterface type, int bus, int unit);
/* The drive with this id, or NULL. */
DriveInfo *drive_find(const char *id);
/* Highest bus number used on an interface, -1 if none. */
int drive_get_max_bus(DriveInterface type);
/* A device takes drive id (its drive= property): errp gets QEMU's
 * "Property 'DEV.drive' can't find value 'x'", "Drive 'x' is already in use
 * by another device" or "... automatically connected ..." message. */
BlockBackend *drive_claim(const char *id, const char *driver, Error **errp);
/* The board takes a drive of its interface (marks it claimed). */
void drive_mark_claimed(DriveInfo *d);
/* After the board: refuse drives of an interface nobody took, with
 * "OPT ARG: machine type does not support if=ide,bus=2,unit=0". */
bool drive_check_orphans(Error **errp);

/* "ide", "floppy", ... */
const char *drive_if_name(DriveInterface type);
/* Iterate over all drives in creation order. */
DriveInfo *drive_first(void);

/* Close every drive and forget them (tests; exit). */
void drive_cleanup(void);

#endif
