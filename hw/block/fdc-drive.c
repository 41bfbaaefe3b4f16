/* SPDX-License-Identifier: MIT */
/*
 * Floppy drives and media geometry.
 *
 * A raw floppy image carries no geometry: it is recognised by its size,
 * as QEMU does (hw/block/fdc.c fd_formats): the first format of the table
 * whose sectors x tracks x sides x 512 equals the image size wins, and
 * gives both the geometry and the drive type (3.5" 1.44 MB, 3.5" 2.88 MB
 * or 5.25" 1.2 MB) and the data rate the medium needs. An image of any
 * other size is read as a 2.88 MB disk (sectors past its end read as
 * zeros), and a drive without a disk reports a 2.88 MB drive, as QEMU's
 * "auto" drive type with its default fallback (288) does.
 *
 * Sectors are numbered from 1; the image stores tracks in order, both
 * sides of a cylinder together (offset = ((C * sides + H) * SPT + R - 1)
 * * 512).
 */
#include "fdc-internal.h"

typedef struct FDFormat {
    uint8_t drive;      /* FDDriveType */
    uint8_t last_sect;  /* sectors per track */
    uint8_t max_track;  /* tracks */
    uint8_t sides;
    uint8_t rate;
} FDFormat;

static const FDFormat fd_formats[] = {
    { FDRIVE_144, 18, 80, 2, FD_RATE_500K }, /* 1.44 MB 3.5" */
    { FDRIVE_144, 20, 80, 2, FD_RATE_500K }, /* 1.6 MB */
    { FDRIVE_144, 21, 80, 2, FD_RATE_500K }, /* 1.68 MB (DMF) */
    { FDRIVE_144, 21, 82, 2, FD_RATE_500K }, /* 1.72 MB */
    { FDRIVE_144, 9, 80, 2, FD_RATE_250K },  /* 720 KB 3.5" */
    { FDRIVE_144, 10, 80, 2, FD_RATE_250K }, /* 800 KB */
    { FDRIVE_288, 36, 80, 2, FD_RATE_1M },   /* 2.88 MB 3.5" */
    { FDRIVE_288, 39, 80, 2, FD_RATE_1M },   /* 3.12 MB */
    { FDRIVE_120, 15, 80, 2, FD_RATE_500K }, /* 1.2 MB 5.25" */
    { FDRIVE_120, 9, 40, 2, FD_RATE_300K },  /* 360 KB 5.25" */
    { FDRIVE_120, 9, 40, 1, FD_RATE_300K },  /* 180 KB */
    { FDRIVE_120, 8, 40, 2, FD_RATE_300K },  /* 320 KB */
    { FDRIVE_120, 8, 40, 1, FD_RATE_300K },  /* 160 KB */
};

bool fd_drive_inserted(FDrive *d)
{
    return d->present && d->blk && blk_is_inserted(d->blk);
}

bool fd_drive_read_only(FDrive *d)
{
    return !d->blk || blk_is_read_only(d->blk);
}

#define FD_FORMAT_FALLBACK 6 /* 2.88 MB: QEMU's fallback drive type */

static const FDFormat *fd_pick_format(int64_t size)
{
    for (size_t i = 0; i < ARRAY_SIZE(fd_formats); i++) {
        const FDFormat *f = &fd_formats[i];

        if ((int64_t)f->last_sect * f->max_track * f->sides * FD_SECTOR_LEN == size)
            return f;
    }
    return &fd_formats[FD_FORMAT_FALLBACK];
}

void fd_drive_revalidate(FDrive *d)
{
    const FDFormat *f;

    if (!fd_drive_inserted(d)) {
        d->last_sect = d->max_track = d->sides = 0;
        d->media_rate = FD_RATE_500K;
        if (d->present)
            d->drive_type = fd_formats[FD_FORMAT_FALLBACK].drive;
        return;
    }
    f = fd_pick_format(blk_getlength(d->blk));
    d->drive_type = f->drive;
    d->last_sect = f->last_sect;
    d->max_track = f->max_track;
    d->sides = f->sides;
    d->media_rate = f->rate;
    if (d->sect == 0 || d->sect > d->last_sect)
        d->sect = 1;
}

int fd_drive_cmos_type(FDrive *d)
{
    if (!d->present)
        return 0;
    switch (d->drive_type) {
    case FDRIVE_288:
        return 5;
    case FDRIVE_120:
        return 2;
    default:
        return 4;
    }
}

int64_t fd_sector_offset(FDrive *d, uint8_t track, uint8_t head, uint8_t sect)
{
    if (!fd_drive_inserted(d) || track >= d->max_track || head >= d->sides || sect == 0 ||
        sect > d->last_sect)
        return -1;
    return (((int64_t)track * d->sides + head) * d->last_sect + sect - 1) * FD_SECTOR_LEN;
}
