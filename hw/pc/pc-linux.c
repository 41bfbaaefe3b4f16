/* SPDX-License-Identifier: MIT */
/*
 * Direct Linux boot on the PC: -kernel bzImage, -initrd, -append.
 *
 * Acts as the boot loader of the Linux x86 boot protocol, version 2.02 or
 * later: it reads the bzImage's setup header ("HdrS"), fills in the
 * loader's fields (type_of_loader 0xb0, CAN_USE_HEAP with heap_end_ptr,
 * cmd_line_ptr, ramdisk_image/ramdisk_size, vid_mode for "vga=") and
 * places the pieces as QEMU does: the real-mode setup at 0x10000, the
 * command line at 0x20000, the protected-mode kernel at 1 MiB and the
 * initrd as high as both initrd_addr_max and the RAM below 4 GiB (minus
 * what the firmware keeps for ACPI) allow. Several initrd files joined
 * with commas are concatenated (each padded to 4 bytes), as Linux unpacks
 * concatenated cpio archives. The pieces reach the guest as the fw_cfg
 * items SETUP_*, KERNEL_*, CMDLINE_* and INITRD_*; the boot ROM
 * pc-bios/kemu-linuxboot.asm, run by SeaBIOS first, copies them into RAM
 * and enters the setup code. A kernel without "HdrS" may be multiboot
 * (multiboot.c); anything else is refused with a message.
 *
 * References: Documentation/arch/x86/boot.rst of the Linux kernel ("The
 * real-mode kernel header", "Details of header fields", "Sample boot
 * configuration"); QEMU's hw/i386/x86.c x86_load_linux() for the layout
 * and the fw_cfg items.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "kemu/hw/pc-linux.h"
#include "kemu/hw/pc.h"

/* Setup header fields: offsets from the start of the bzImage */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_VID_MODE 0x1fa
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_INIT_SIZE 0x260
#define HDR_END 0x268             /* header bytes we may read */

#define HDRS_MAGIC 0x53726448     /* "HdrS" */
#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define LOADER_TYPE_KEMU 0xb0     /* "B" is QEMU's loader ID, version 0 */
#define VID_MODE_NORMAL 0xffff
#define VID_MODE_EXT 0xfffe
#define VID_MODE_ASK 0xfffd

/* Where the pieces go (a "high and recent" kernel, protocol >= 2.02) */
#define LINUX_REAL_ADDR 0x10000
#define LINUX_CMDLINE_ADDR 0x20000
#define LINUX_PROT_ADDR 0x100000
#define LINUX_INITRD_MAX_DEFAULT 0x37ffffff /* before protocol 2.03 */
#define LINUX_CMDLINE_MAX_DEFAULT 255     /* before protocol 2.06 */

#define LINUXBOOT_ROM "kemu-linuxboot.bin"
#define MULTIBOOT_ROM "kemu-multiboot.bin"

/* ---- files ---- */

uint8_t *pc_linux_read_file(const char *path, size_t *size, Error **errp)
{
    struct stat st;
    uint8_t *buf;
    FILE *f = fopen(path, "rb");

    if (!f) {
        error_setg_errno(errp, errno, "could not open '%s'", path);
        return NULL;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size >= 4 * (int64_t)GiB) {
        error_setg(errp, "'%s' is not a regular file below 4 GiB", path);
        fclose(f);
        return NULL;
    }
    buf = xmalloc(st.st_size ? st.st_size : 1);
    if (fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
        error_setg_errno(errp, errno, "could not read '%s'", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = st.st_size;
    return buf;
}

/* The initrd files of "a,b,c" concatenated, each padded to 4 bytes. */
static uint8_t *linux_read_initrds(const char *list, size_t *size, Error **errp)
{
    char *names = xstrdup(list), *save = NULL;
    uint8_t *all = NULL;
    size_t len = 0;

    for (char *name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        size_t n;
        uint8_t *data = pc_linux_read_file(name, &n, errp);

        if (!data) {
            error_prepend(errp, "initrd: ");
            free(all);
            free(names);
            return NULL;
        }
        all = xrealloc(all, ROUND_UP(len, 4) + n + 1);
        memset(all + len, 0, ROUND_UP(len, 4) - len);
        len = ROUND_UP(len, 4);
        memcpy(all + len, data, n);
        len += n;
        free(data);
    }
    free(names);
    if (len >= 4 * GiB) {
        error_setg(errp, "initrd: the files add up to more than 4 GiB");
        free(all);
        return NULL;
    }
    *size = len;
    return all;
}

/* ---- fw_cfg ---- */

bool pc_linux_add_boot_rom(FWCfgState *fw, const char *name, Error **errp)
{
    char *path = firmware_find(name), *file, *order;
    const uint8_t *old;
    size_t rom_size, old_len = 0;
    uint8_t *rom;

    if (!path) {
        error_setg(errp, "could not find the boot ROM '%s' (built into <build>/pc-bios/ from "
                   "pc-bios/*.asm with nasm; or give its directory with -L)", name);
        return false;
    }
    rom = pc_linux_read_file(path, &rom_size, errp);
    free(path);
    if (!rom)
        return false;
    file = xasprintf("genroms/%s", name);
    fw_cfg_add_file(fw, file, rom, rom_size);
    free(rom);
    /* SeaBIOS boots the entries of "bootorder" first, in order: paths
     * separated by '\n', ended by a NUL (QEMU's format) */
    old = fw_cfg_file_data(fw, "bootorder", &old_len);
    while (old && old_len && (old[old_len - 1] == 0 || old[old_len - 1] == '\n'))
        old_len--;
    order = xasprintf("/rom@%s%s%.*s", file, old_len ? "\n" : "", (int)old_len,
                      old ? (const char *)old : "");
    fw_cfg_modify_file(fw, "bootorder", order, strlen(order) + 1);
    free(order);
    free(file);
    return true;
}

/* ---- the setup header ---- */

/* "vga=" on the command line sets vid_mode, as QEMU does. */
static bool linux_set_vga(uint8_t *hdr, const char *cmdline, Error **errp)
{
    const char *v = strstr(cmdline, "vga=");
    unsigned long mode;
    char *end;

    if (!v)
        return true;
    v += 4;
    if (!strncmp(v, "normal", 6)) {
        mode = VID_MODE_NORMAL;
    } else if (!strncmp(v, "ext", 3)) {
        mode = VID_MODE_EXT;
    } else if (!strncmp(v, "ask", 3)) {
        mode = VID_MODE_ASK;
    } else {
        errno = 0;
        mode = strtoul(v, &end, 0);
        if (errno || end == v || (*end && *end != ' ') || mode > 0xffff) {
            error_setg(errp, "invalid 'vga=' kernel parameter");
            return false;
        }
    }
    stw_le(hdr + HDR_VID_MODE, mode);
    return true;
}

/* The highest byte the initrd may occupy. */
static uint32_t linux_initrd_max(const uint8_t *hdr, uint16_t protocol, uint64_t below_4g)
{
    uint64_t max;

    if (protocol >= 0x20c && (ldw_le(hdr + HDR_XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G))
        max = UINT32_MAX;
    else if (protocol >= 0x203)
        max = ldl_le(hdr + HDR_INITRD_ADDR_MAX);
    else
        max = LINUX_INITRD_MAX_DEFAULT;
    if (max >= below_4g - PC_LINUX_ACPI_DATA_SIZE)
        max = below_4g - PC_LINUX_ACPI_DATA_SIZE - 1;
    return max;
}

/* Check what a boot loader must check before touching the header. */
static bool linux_check_header(const uint8_t *image, size_t size, const char *path,
                               uint16_t *protocol, Error **errp)
{
    if (size < HDR_END || ldl_le(image + HDR_HEADER) != HDRS_MAGIC) {
        error_setg(errp, "'%s' is neither a Linux bzImage (no \"HdrS\" setup header) nor a "
                   "multiboot kernel", path);
        return false;
    }
    *protocol = ldw_le(image + HDR_VERSION);
    if (*protocol < 0x202) {
        error_setg(errp, "'%s' uses Linux boot protocol %u.%02u: kemu needs 2.02 or later "
                   "(Linux 2.4 and newer)", path, *protocol >> 8, *protocol & 0xff);
        return false;
    }
    if (!(image[HDR_LOADFLAGS] & LOADED_HIGH)) {
        error_setg(errp, "'%s' is a zImage (loaded at 0x10000): only bzImage kernels are "
                   "supported", path);
        return false;
    }
    return true;
}

/* ---- the bzImage ---- */

typedef struct LinuxImage {
    uint8_t *setup;       /* real-mode part, header at 0x1f1 */
    uint32_t setup_size;
    const uint8_t *kernel; /* protected-mode part */
    uint32_t kernel_size;
    uint8_t *initrd;
    size_t initrd_size;
} LinuxImage;

static bool linux_place_initrd(LinuxImage *li, uint32_t initrd_max, uint32_t kernel_end,
                               const char *path, Error **errp)
{
    uint8_t *hdr = li->setup;
    uint32_t addr;

    if (li->initrd_size >= initrd_max) {
        error_setg(errp, "initrd is too large (%zu bytes, the limit is %" PRIu32 ")",
                   li->initrd_size, initrd_max);
        return false;
    }
    addr = (initrd_max - li->initrd_size) & ~4095u;
    if (addr < kernel_end) {
        error_setg(errp, "not enough RAM for '%s' and its initrd (%" PRIu32 " MiB needed)",
                   path, (uint32_t)((kernel_end + li->initrd_size) / MiB + 1));
        return false;
    }
    stl_le(hdr + HDR_RAMDISK_IMAGE, addr);
    stl_le(hdr + HDR_RAMDISK_SIZE, li->initrd_size);
    return true;
}

/* Fill the loader's header fields; false on a user error. */
static bool linux_fill_header(LinuxImage *li, uint16_t protocol, const char *cmdline,
                              uint64_t below_4g, const char *path, Error **errp)
{
    uint8_t *hdr = li->setup;
    uint32_t cmdline_max = protocol >= 0x206 ? ldl_le(hdr + HDR_CMDLINE_SIZE)
                                             : LINUX_CMDLINE_MAX_DEFAULT;
    uint32_t init_size = protocol >= 0x20a ? ldl_le(hdr + HDR_INIT_SIZE) : 0;
    uint32_t kernel_end = LINUX_PROT_ADDR + MAX(li->kernel_size, init_size);

    if (strlen(cmdline) > cmdline_max) {
        error_setg(errp, "the kernel command line is %zu bytes long: '%s' accepts %" PRIu32,
                   strlen(cmdline), path, cmdline_max);
        return false;
    }
    if (kernel_end > below_4g - PC_LINUX_ACPI_DATA_SIZE) {
        error_setg(errp, "not enough RAM for '%s' (%" PRIu32 " MiB needed)", path,
                   kernel_end / (uint32_t)MiB + 1);
        return false;
    }
    stl_le(hdr + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    hdr[HDR_TYPE_OF_LOADER] = LOADER_TYPE_KEMU;
    hdr[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    stw_le(hdr + HDR_HEAP_END_PTR, LINUX_CMDLINE_ADDR - LINUX_REAL_ADDR - 0x200);
    if (!linux_set_vga(hdr, cmdline, errp))
        return false;
    if (li->initrd && !linux_place_initrd(li, linux_initrd_max(hdr, protocol, below_4g),
                                          kernel_end, path, errp))
        return false;
    return true;
}

static void linux_publish(FWCfgState *fw, const LinuxImage *li, const char *cmdline)
{
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, LINUX_CMDLINE_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, strlen(cmdline) + 1);
    fw_cfg_add_string(fw, FW_CFG_CMDLINE_DATA, cmdline);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, LINUX_PROT_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, li->kernel_size);
    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, li->kernel, li->kernel_size);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR, LINUX_REAL_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, li->setup_size);
    fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, li->setup, li->setup_size);
    if (li->initrd) {
        fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, ldl_le(li->setup + HDR_RAMDISK_IMAGE));
        fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, li->initrd_size);
        fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, li->initrd, li->initrd_size);
    }
}

static bool linux_load_bzimage(MachineState *ms, FWCfgState *fw, uint8_t *image, size_t size,
                               uint64_t below_4g, Error **errp)
{
    const char *cmdline = ms->append ? ms->append : "";
    LinuxImage li = { .setup = image };
    uint16_t protocol;
    unsigned sects;
    bool ok = false;

    if (!linux_check_header(image, size, ms->kernel, &protocol, errp))
        return false;
    sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
    li.setup_size = (sects + 1) * 512;
    if (li.setup_size > size) {
        error_setg(errp, "'%s': invalid setup header (setup_sects %u beyond the file)",
                   ms->kernel, sects);
        return false;
    }
    li.kernel = image + li.setup_size;
    li.kernel_size = size - li.setup_size;
    if (ms->initrd && !(li.initrd = linux_read_initrds(ms->initrd, &li.initrd_size, errp)))
        return false;
    if (linux_fill_header(&li, protocol, cmdline, below_4g, ms->kernel, errp) &&
        pc_linux_add_boot_rom(fw, LINUXBOOT_ROM, errp)) {
        linux_publish(fw, &li, cmdline);
        ok = true;
    }
    free(li.initrd);
    return ok;
}

/* ---- entry points ---- */

bool pc_linux_load(MachineState *ms, FWCfgState *fw, uint64_t below_4g, Error **errp)
{
    size_t size;
    uint8_t *image = pc_linux_read_file(ms->kernel, &size, errp);
    bool ok;
    int mb;

    if (!image) {
        error_prepend(errp, "-kernel: ");
        return false;
    }
    if (size >= HDR_END && ldl_le(image + HDR_HEADER) == HDRS_MAGIC) {
        ok = linux_load_bzimage(ms, fw, image, size, below_4g, errp);
    } else {
        mb = multiboot_load(fw, ms->kernel, image, size, ms->initrd, ms->append, below_4g, errp);
        if (mb == 0)
            error_setg(errp, "'%s' is neither a Linux bzImage (no \"HdrS\" setup header) nor a "
                       "multiboot kernel", ms->kernel);
        ok = mb > 0 && pc_linux_add_boot_rom(fw, MULTIBOOT_ROM, errp);
    }
    free(image);
    return ok;
}

void pc_linux_setup(MachineState *ms, FWCfgState *fw)
{
    PCMachineState *pcms = pc_machine();
    Error *err = NULL;

    if (!ms->kernel) {
        if (ms->initrd) {
            error_report("-initrd only allowed with -kernel option");
            exit(1);
        }
        if (ms->append) {
            error_report("-append only allowed with -kernel option");
            exit(1);
        }
        return;
    }
    if (!fw || !pcms) {
        error_report("-kernel: this machine has no fw_cfg device to load the kernel through");
        exit(1);
    }
    if (!pc_linux_load(ms, fw, pcms->below_4g_mem_size, &err)) {
        error_report_err(err);
        exit(1);
    }
}
