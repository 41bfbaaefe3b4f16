/* SPDX-License-Identifier: MIT */
/*
 * test-pc-defaults: what the pc machine creates by default, and what it
 * tells the BIOS about drives and boot order.
 *
 *  - the standard VGA (1234:1111, class 0300) at 00:02.0 unless -vga none
 *    or -nodefaults; "-nodefaults -vga std" brings it back;
 *  - COM1 at 0x3f8 without any -serial (QEMU's default serial port, going
 *    nowhere without a display), none with -nodefaults or -serial none;
 *  - the CMOS drive bytes: 0x10 floppy types and the equipment byte 0x14
 *    from the floppy drives, 0x12/0x19/0x1b.. (type 47 geometry) and
 *    0x39 (translation) from the IDE disks (-drive if=floppy/ide), the
 *    0x3d/0x38 boot order nibbles for -boot order=;
 *  - no fw_cfg "genroms/kvmvapic.bin": that is QEMU's own ROM, which kemu
 *    never loads (so SeaBIOS's no-disk "Hard Disk" entry comes last).
 * Reference: QEMU's hw/i386/pc.c (pc_cmos_init, pc_cmos_init_late),
 * softmmu/vl.c (-nodefaults), SeaBIOS src/boot.c. Runs against QEMU too
 * (KEMU_BIN=qemu-system-x86_64) for the parts QEMU shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libqtest.h"

#define FW_SEL 0x510
#define FW_DATA 0x511
#define FW_CFG_FILE_DIR 0x19

static uint32_t pci_read(int dev, int fn, int reg)
{
    outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | reg);
    return inl(0xcfc);
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static bool has_vga(void)
{
    return pci_read(2, 0, 0) == 0x11111234 && pci_read(2, 0, 8) >> 16 == 0x0300;
}

static bool has_com1(void)
{
    return inb(0x3fd) == 0x60; /* LSR: THR and transmitter empty */
}

static void check_defaults(const char *args, bool vga, bool com1)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "-M pc %s", args);
    qtest_start(cmd);
    qt_eq(has_vga(), vga, "'%s': VGA at 00:02.0 %s", args, vga ? "present" : "absent");
    qt_eq(has_com1(), com1, "'%s': COM1 %s", args, com1 ? "present" : "absent");
    if (strstr(args, "-nodefaults")) /* QEMU's default NIC takes it otherwise */
        qt_eq(pci_read(vga ? 3 : 2, 0, 0), 0xffffffff, "'%s': slot %d empty", args, vga ? 3 : 2);
    qtest_end();
}

static bool fw_has_file(const char *name, uint32_t *size)
{
    uint8_t e[64];
    uint32_t count = 0;

    outw(FW_SEL, FW_CFG_FILE_DIR);
    for (int i = 0; i < 4; i++)
        count = count << 8 | inb(FW_DATA);
    for (uint32_t n = 0; n < count && n < 4096; n++) {
        for (int i = 0; i < 64; i++)
            e[i] = inb(FW_DATA);
        if (!strncmp((char *)e + 8, name, 56)) {
            if (size)
                *size = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
            return true;
        }
    }
    return false;
}

static void test_vapic_rom(void)
{
    qtest_start("-M pc -nodefaults");
    /* kemu never loads QEMU's own kvmvapic.bin (see hw/pc/pc_fw_cfg.c). */
    if (qtest_is_qemu())
        qt_ok(true, "# SKIP QEMU loads its own kvmvapic.bin");
    else
        qt_ok(!fw_has_file("genroms/kvmvapic.bin", NULL), "no QEMU ROM in fw_cfg");
    qt_eq(cmos(0x3d), 0x12, "boot order cad: 0x3d = disk, floppy");
    qt_eq(cmos(0x38) & 0xf1, 0x30, "boot order cad: 0x38 = CD, floppy signature check on");
    qtest_end();
    qtest_start("-M pc -nodefaults -boot order=dc");
    qt_eq(cmos(0x3d), 0x23, "boot order dc: 0x3d = CD, disk");
    qt_eq(cmos(0x38) & 0xf0, 0x00, "boot order dc: third nibble empty");
    qtest_end();
}

static void test_cmos_no_drives(void)
{
    qtest_start("-M pc -nodefaults");
    qt_eq(cmos(0x10), 0x00, "no floppy drives: CMOS 0x10 = 0");
    qt_eq(cmos(0x14), 0x06, "equipment: FPU and PS/2 mouse only");
    qt_eq(cmos(0x12), 0x00, "no IDE disks: CMOS 0x12 = 0");
    qtest_end();
}

/* A raw disk of size bytes (removed at exit). */
static char *make_disk(int64_t size)
{
    char *path = qtest_tmpfile("pcdisk");
    FILE *f = fopen(path, "r+");

    if (!f || ftruncate(fileno(f), size) != 0) {
        printf("Bail out! cannot size %s\n", path);
        exit(1);
    }
    fclose(f);
    return path;
}

static void test_cmos_drives(void)
{
    char *small = make_disk(40 * 16 * 63 * 512LL), *big = make_disk(2100 * 16 * 63 * 512LL);
    char *fda = make_disk(1474560), *fdb = make_disk(737280);
    char args[1024];

    snprintf(args, sizeof(args),
             "-M pc -drive file=%s,if=ide,index=0,format=raw "
             "-drive file=%s,if=ide,index=3,format=raw "
             "-drive file=%s,if=floppy,index=0,format=raw "
             "-drive file=%s,if=floppy,index=1,format=raw",
             small, big, fda, fdb);
    qtest_start(args);
    qt_eq(cmos(0x10), 0x44, "1.44 MB and 720 KB disks in 1.44 MB drives: CMOS 0x10 = 0x44");
    qt_eq(cmos(0x14), 0x47, "equipment: floppy present, 2 drives, FPU, mouse");
    qt_eq(cmos(0x12), 0xf0, "primary master disk: CMOS 0x12 = 0xf0");
    qt_eq(cmos(0x19), 47, "primary master: type 47");
    qt_eq(cmos(0x1a), 0, "no primary slave");
    qt_eq(cmos(0x1b) | cmos(0x1c) << 8, 40, "cylinders 40");
    qt_eq(cmos(0x1d), 16, "heads 16");
    qt_eq(cmos(0x1e) | cmos(0x1f) << 8, 0xffff, "no write precompensation");
    qt_eq(cmos(0x20), 0xc8, "control byte: more than 8 heads");
    qt_eq(cmos(0x21) | cmos(0x22) << 8, 40, "landing zone = cylinders");
    qt_eq(cmos(0x23), 63, "sectors 63");
    qt_eq(cmos(0x39), 0x40, "translation: secondary slave (2100 cylinders) LBA, others none");
    qtest_end(); /* the temporary files go at exit */
}

int main(void)
{
    check_defaults("", true, true);
    check_defaults("-vga none", false, true);
    check_defaults("-serial none", true, false);
    check_defaults("-nodefaults", false, false);
    check_defaults("-nodefaults -vga std", true, false);
    check_defaults("-vga std -nodefaults", true, false);
    test_vapic_rom();
    test_cmos_no_drives();
    test_cmos_drives();
    return qt_done();
}
