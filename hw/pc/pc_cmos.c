/* SPDX-License-Identifier: MIT */
/*
 * The PC's CMOS configuration bytes, as QEMU fills them for the BIOS.
 *
 *   0x10       floppy drive types, A: high nibble, B: low (0 none, 4 1.44 MB)
 *   0x12       hard disk types: 0xf0 primary master, 0x0f primary slave,
 *              then "type 47" (user-defined) in 0x19/0x1a with the
 *              geometry at 0x1b-0x23 (master) and 0x24-0x2c (slave)
 *   0x39       ATA translation of the four IDE disks, 2 bits each
 *              (0 none, 1 LBA), which SeaBIOS reads on QEMU
 *   0x14       equipment byte: FPU present, PS/2 mouse present, EGA/VGA,
 *              bit 0 floppy present with the drive count - 1 in bits 6-7
 *   0x15-0x16  base memory in KiB (640)
 *   0x17-0x18  extended memory above 1 MiB in KiB (max 65535), again at
 *   0x30-0x31
 *   0x34-0x35  memory between 16 MiB and 4 GiB in 64 KiB units (max 65535)
 *   0x38, 0x3d boot order: one nibble per device, 1 floppy, 2 hard disk,
 *              3 CD-ROM, 4 network; 0x38 bit 0 disables the floppy
 *              boot-signature check (QEMU's fd_bootchk, left enabled)
 *   0x5b-0x5d  memory above 4 GiB in 64 KiB units
 *   0x5f       number of CPUs - 1
 *   0x2e-0x2f  checksum of 0x10-0x2d (big-endian sum), which QEMU leaves 0
 *
 * The drive bytes are filled at the first machine reset, after -device
 * devices exist (QEMU's pc_cmos_init_late() at machine-done), from the
 * first "isa-fdc" and "piix3-ide" found, however they were created.
 * The clock bytes and the century (0x32) are the RTC's own. Reference:
 * QEMU's hw/i386/pc.c pc_cmos_init(); SeaBIOS src/hw/rtc.h and
 * src/boot.c (boot order nibbles), Bochs CMOS map.
 */
#include "kemu/hw/fdc.h"
#include "kemu/hw/ide.h"
#include "kemu/hw/mc146818.h"
#include "kemu/hw/pc.h"

/* TEMPORARY until every device helper's code is in the build. */
#pragma weak rtc_set_cmos
#pragma weak rtc_get_cmos
#pragma weak fdc_get_cmos_type
#pragma weak ide_drive_get_geometry
#pragma weak ide_drive_get_translation

#define CMOS_FLOPPY 0x10
#define CMOS_DISK 0x12
#define CMOS_EQUIPMENT 0x14
#define CMOS_BASE_MEM 0x15
#define CMOS_EXT_MEM 0x17
#define CMOS_DISK_EXT0 0x19
#define CMOS_DISK_EXT1 0x1a
#define CMOS_DISK_INFO0 0x1b
#define CMOS_DISK_INFO1 0x24
#define CMOS_CHECKSUM 0x2e
#define CMOS_EXT_MEM2 0x30
#define CMOS_MEM_16M 0x34
#define CMOS_BOOT_FLAG1 0x38
#define CMOS_DISK_XLAT 0x39
#define CMOS_BOOT_FLAG2 0x3d
#define CMOS_MEM_4G 0x5b
#define CMOS_NR_CPUS 0x5f

#define EQUIP_FLOPPY 0x01
#define EQUIP_FPU 0x02
#define EQUIP_PS2_MOUSE 0x04
#define EQUIP_FLOPPY_COUNT_SHIFT 6

#define CMOS_DISK_TYPE_USER 47 /* geometry in the info bytes */
#define CMOS_TRANS_NONE 0
#define CMOS_TRANS_LBA 1

static void cmos_set(PCMachineState *pcms, int addr, uint8_t val)
{
    if (pcms->rtc && rtc_set_cmos)
        rtc_set_cmos(pcms->rtc, addr, val);
}

static void cmos_set16(PCMachineState *pcms, int addr, uint64_t val)
{
    val = MIN(val, 0xffff);
    cmos_set(pcms, addr, val);
    cmos_set(pcms, addr + 1, val >> 8);
}

static void cmos_update_checksum(PCMachineState *pcms)
{
    unsigned sum = 0;

    if (!pcms->rtc || !rtc_get_cmos)
        return;
    for (int a = CMOS_FLOPPY; a < CMOS_CHECKSUM; a++)
        sum += rtc_get_cmos(pcms->rtc, a);
    cmos_set(pcms, CMOS_CHECKSUM, sum >> 8);
    cmos_set(pcms, CMOS_CHECKSUM + 1, sum);
}

static int pc_boot_nibble(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    default:
        return 0;
    }
}

/* Exits with QEMU's messages on an order the PC cannot express. */
void pc_cmos_set_boot_order(PCMachineState *pcms, const char *order)
{
    int bds[3] = { 0, 0, 0 };
    size_t n = strlen(order);

    if (n > ARRAY_SIZE(bds)) {
        error_report("Too many boot devices for PC");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        bds[i] = pc_boot_nibble(order[i]);
        if (!bds[i]) {
            error_report("Invalid boot device for PC: '%c'", order[i]);
            exit(1);
        }
    }
    cmos_set(pcms, CMOS_BOOT_FLAG2, bds[1] << 4 | bds[0]);
    cmos_set(pcms, CMOS_BOOT_FLAG1, bds[2] << 4);
}

static void pc_cmos_memory(PCMachineState *pcms)
{
    uint64_t low = pcms->below_4g_mem_size;

    cmos_set16(pcms, CMOS_BASE_MEM, MIN(low / KiB, 640));
    cmos_set16(pcms, CMOS_EXT_MEM, low > 1 * MiB ? (low - 1 * MiB) / KiB : 0);
    cmos_set16(pcms, CMOS_EXT_MEM2, low > 1 * MiB ? (low - 1 * MiB) / KiB : 0);
    cmos_set16(pcms, CMOS_MEM_16M, low > 16 * MiB ? (low - 16 * MiB) / (64 * KiB) : 0);
    cmos_set(pcms, CMOS_MEM_4G, pcms->above_4g_mem_size >> 16);
    cmos_set(pcms, CMOS_MEM_4G + 1, pcms->above_4g_mem_size >> 24);
    cmos_set(pcms, CMOS_MEM_4G + 2, pcms->above_4g_mem_size >> 32);
}

void pc_cmos_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;

    pc_cmos_memory(pcms);
    cmos_set(pcms, CMOS_NR_CPUS, ms->smp_cpus - 1);
    pc_cmos_set_boot_order(pcms, ms->boot_once  ? ms->boot_once
                                  : ms->boot_order ? ms->boot_order
                                                   : "cad");
    cmos_set(pcms, CMOS_FLOPPY, 0);
    cmos_set(pcms, CMOS_EQUIPMENT, EQUIP_FPU | EQUIP_PS2_MOUSE);
    cmos_set(pcms, CMOS_DISK, 0);
    cmos_set(pcms, CMOS_DISK_EXT0, 0);
    cmos_set(pcms, CMOS_DISK_EXT1, 0);
    cmos_set(pcms, CMOS_DISK_XLAT, 0);
    cmos_update_checksum(pcms);
}

/* ---- drives (after -device) ---- */

/* 0x10 and the floppy bits of 0x14 from the floppy controller's drives. */
static void pc_cmos_floppy(PCMachineState *pcms)
{
    Device *fdc = fdc_get_cmos_type ? device_find_by_class(TYPE_ISA_FDC) : NULL;
    int a = fdc ? fdc_get_cmos_type(fdc, 0) : 0, b = fdc ? fdc_get_cmos_type(fdc, 1) : 0;
    int n = (a != 0) + (b != 0);
    uint8_t equip = EQUIP_FPU | EQUIP_PS2_MOUSE;

    cmos_set(pcms, CMOS_FLOPPY, (a & 15) << 4 | (b & 15));
    if (n)
        equip |= EQUIP_FLOPPY | (n - 1) << EQUIP_FLOPPY_COUNT_SHIFT;
    cmos_set(pcms, CMOS_EQUIPMENT, equip);
}

/* A disk's "type 47" entry: cylinders, heads, write precompensation and
 * landing zone (none), control byte (more than 8 heads), sectors. */
static void pc_cmos_disk_info(PCMachineState *pcms, int at, int cyls, int heads, int secs)
{
    cmos_set16(pcms, at, cyls);
    cmos_set(pcms, at + 2, heads);
    cmos_set16(pcms, at + 3, 0xffff);
    cmos_set(pcms, at + 5, 0xc0 | (heads > 8 ? 0x08 : 0));
    cmos_set16(pcms, at + 6, cyls);
    cmos_set(pcms, at + 8, secs);
}

/* 0x12, 0x19/0x1a with their geometry, and 0x39 from the IDE disks. The
 * translation is QEMU's automatic choice for a disk whose geometry was
 * not guessed from a partition table: LBA beyond 1024 cylinders. */
static void pc_cmos_disks(PCMachineState *pcms)
{
    Device *ide = ide_drive_get_geometry ? device_find_by_class(TYPE_PIIX3_IDE) : NULL;
    uint8_t types = 0, trans = 0;
    int c, h, s;

    for (int i = 0; ide && i < 4; i++) {
        if (!ide_drive_get_geometry((PCIDevice *)ide, i / 2, i % 2, &c, &h, &s))
            continue;
        if (i < 2) {
            types |= i ? 0x0f : 0xf0;
            cmos_set(pcms, i ? CMOS_DISK_EXT1 : CMOS_DISK_EXT0, CMOS_DISK_TYPE_USER);
            pc_cmos_disk_info(pcms, i ? CMOS_DISK_INFO1 : CMOS_DISK_INFO0, c, h, s);
        }
        /* the disk's own guess (partition table), else the automatic rule */
        if (ide_drive_get_translation)
            trans |= (ide_drive_get_translation((PCIDevice *)ide, i / 2, i % 2) & 3) << (2 * i);
        else
            trans |= (c > 1024 || h > 16 || s > 63 ? CMOS_TRANS_LBA : CMOS_TRANS_NONE) << (2 * i);
    }
    cmos_set(pcms, CMOS_DISK, types);
    cmos_set(pcms, CMOS_DISK_XLAT, trans);
}

void pc_cmos_init_late(PCMachineState *pcms)
{
    pc_cmos_floppy(pcms);
    pc_cmos_disks(pcms);
    cmos_update_checksum(pcms);
}
