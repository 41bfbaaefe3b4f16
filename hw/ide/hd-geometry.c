/* SPDX-License-Identifier: MIT */
/*
 * A disk's default CHS geometry and the BIOS translation, guessed as QEMU
 * guesses them.
 *
 * An image carries no geometry. If sector 0 holds an MBR (55 AAh) with a
 * partition whose end head and end sector are set, its ending CHS tells
 * the geometry the disk was partitioned with ("LCHS"): heads = end head +
 * 1, sectors = end sector, cylinders = total / (heads x sectors), kept
 * when 1..16383. Then:
 *  - no usable partition: 16 heads, 63 sectors, cylinders = total / 1008
 *    within 2..16383; the BIOS translates (LBA) when that exceeds the
 *    INT 13h limits (1024 cylinders), else not;
 *  - a partition with more than 16 heads (made under a translating BIOS):
 *    the standard geometry, and the BIOS translates with LARGE when
 *    cylinders x heads <= 131072, else LBA;
 *  - otherwise the partition's geometry, untranslated.
 * The translation reaches SeaBIOS through CMOS 0x39 (pc_cmos.c).
 * Reference: QEMU's hw/block/hd-geometry.c behaviour (hd_geometry_guess),
 * checked with qemu-system-x86_64 7.2 on images with and without
 * partition tables; the MBR partition entry layout (16 bytes at 1BEh:
 * end head at +5, end sector at +6 bits 0-5, sector count at +12).
 */
#include "ide-internal.h"

#define MBR_PART_TABLE 0x1be
#define MBR_PART_SIZE 16

/* The geometry a partition table implies, or false. */
static bool hd_guess_lchs(BlockBackend *blk, uint64_t total, int *cyls, int *heads, int *secs)
{
    uint8_t mbr[512];

    if (blk_pread(blk, 0, mbr, sizeof(mbr)) < 0 || mbr[510] != 0x55 || mbr[511] != 0xaa)
        return false;
    for (int i = 0; i < 4; i++) {
        const uint8_t *p = mbr + MBR_PART_TABLE + i * MBR_PART_SIZE;
        uint32_t nr_sects = ldl_le(p + 12);
        uint64_t c;

        if (!nr_sects || !p[5])
            continue;
        *heads = p[5] + 1;
        *secs = p[6] & 63;
        if (!*secs)
            continue;
        c = total / (uint64_t)(*heads * *secs);
        if (c < 1 || c > 16383)
            continue;
        *cyls = (int)c;
        return true;
    }
    return false;
}

static void hd_standard_chs(uint64_t total, int *cyls, int *heads, int *secs)
{
    uint64_t c = total / (16 * 63);

    *cyls = c > 16383 ? 16383 : c < 2 ? 2 : (int)c;
    *heads = 16;
    *secs = 63;
}

IDEBiosTranslation hd_geometry_guess(BlockBackend *blk, uint64_t total, int *cyls, int *heads,
                                     int *secs)
{
    if (!hd_guess_lchs(blk, total, cyls, heads, secs)) {
        hd_standard_chs(total, cyls, heads, secs);
        return *cyls <= 1024 ? IDE_TRANS_NONE : IDE_TRANS_LBA;
    }
    if (*heads > 16) {
        hd_standard_chs(total, cyls, heads, secs);
        return *cyls * *heads <= 131072 ? IDE_TRANS_LARGE : IDE_TRANS_LBA;
    }
    return IDE_TRANS_NONE;
}
