/* SPDX-License-Identifier: MIT */
/*
 * Multiboot (version 1) kernels given to -kernel.
 *
 * A kernel with a multiboot header (magic 0x1BADB002 in its first 8 KiB,
 * 4-byte aligned, magic + flags + checksum = 0) is laid out here as one
 * image starting at its lowest load address: the kernel itself (the ELF32
 * PT_LOAD segments at their physical addresses, or with flag 16 the a.out
 * kludge's load_addr..load_end_addr from the file and zeroes up to
 * bss_end_addr), then the -initrd files as modules (each page-aligned;
 * "file args,file args", ",," for a comma in a name), then the strings:
 * the command line ("<kernel path> <-append>", as QEMU passes it), the
 * module strings and the boot loader name, and the module list. The
 * multiboot information structure goes to 0x9000 with room for the memory
 * map after it. fw_cfg carries the image (KERNEL_ADDR/SIZE/DATA), the
 * structure (INITRD_ADDR/SIZE/DATA) and the entry point (KERNEL_ENTRY),
 * as with QEMU; pc-bios/kemu-multiboot.asm fills in the memory map and
 * mem_lower/mem_upper from the BIOS's E820 map and enters the kernel in
 * 32-bit protected mode with EAX = 0x2BADB002 and EBX = 0x9000.
 *
 * References: the Multiboot Specification 0.6.96 ("Header layout", "Boot
 * information format"); the System V ABI (ELF header and program header).
 */
#include <inttypes.h>

#include "kemu/hw/pc-linux.h"

#define MB_HEADER_MAGIC 0x1badb002
#define MB_SEARCH 8192
#define MB_PAGE_ALIGN (1u << 0)     /* modules page-aligned: always */
#define MB_MEMORY_INFO (1u << 1)    /* mem_* and mmap_*: always */
#define MB_VIDEO_MODE (1u << 2)     /* not supported (warning) */
#define MB_AOUT_KLUDGE (1u << 16)
#define MB_REQUIRED_KNOWN (MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE)

/* Header fields, from the magic */
#define MBH_FLAGS 4
#define MBH_CHECKSUM 8
#define MBH_HEADER_ADDR 12
#define MBH_LOAD_ADDR 16
#define MBH_LOAD_END_ADDR 20
#define MBH_BSS_END_ADDR 24
#define MBH_ENTRY_ADDR 28
#define MBH_SIZE 32

/* The information structure */
#define MBI_ADDR 0x9000
#define MBI_SIZE 0x80
#define MBI_MMAP_ADDR_LOW (MBI_ADDR + MBI_SIZE)
#define MBI_MMAP_CAPACITY (0xa000 - MBI_MMAP_ADDR_LOW)
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_BOOT_DEVICE 12
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_BOOT_LOADER_NAME 64
#define MBI_FLAG_MEM (1u << 0)
#define MBI_FLAG_BOOT_DEVICE (1u << 1)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS (1u << 3)
#define MBI_FLAG_MMAP (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)
#define MB_MOD_SIZE 16              /* mod_start, mod_end, string, reserved */
#define MB_LOADER_NAME "kemu"

/* ELF */
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_386 3
#define E_MACHINE 0x12
#define E_ENTRY 0x18
#define E_PHOFF 0x1c
#define E_PHENTSIZE 0x2a
#define E_PHNUM 0x2c
#define ELF32_EHDR_SIZE 0x34
#define ELF32_PHDR_SIZE 0x20
#define PT_LOAD 1

#define MB_LOW_LIMIT 0x100000       /* images start at 1 MiB or above */

typedef struct MBImage {
    const char *path;
    uint32_t load_addr;   /* guest address of buf[0] */
    uint32_t entry;
    uint8_t *buf;
    uint32_t size;
    uint64_t ram_end;     /* the image must end below this */
} MBImage;

/* Extend the image to size bytes (zero-filled). */
static bool mb_grow(MBImage *mb, uint64_t size, Error **errp)
{
    if (size + mb->load_addr > mb->ram_end) {
        error_setg(errp, "not enough RAM for '%s' and its modules (%" PRIu64 " MiB needed)",
                   mb->path, (uint64_t)((size + mb->load_addr) / MiB + 1));
        return false;
    }
    if (size > mb->size) {
        mb->buf = xrealloc(mb->buf, size);
        memset(mb->buf + mb->size, 0, size - mb->size);
        mb->size = size;
    }
    return true;
}

/* Append data at the next page (or 4-byte) boundary; its guest address. */
static uint32_t mb_append(MBImage *mb, const void *data, size_t len, uint32_t align,
                          Error **errp)
{
    uint64_t at = ROUND_UP((uint64_t)mb->size, align);

    if (!mb_grow(mb, at + len, errp))
        return 0;
    memcpy(mb->buf + at, data, len);
    return mb->load_addr + at;
}

/* The header's offset in the image, or -1. */
static long mb_find_header(const uint8_t *image, size_t size)
{
    for (size_t off = 0; off + MBH_SIZE <= MIN(size, MB_SEARCH); off += 4) {
        const uint8_t *h = image + off;

        if (ldl_le(h) == MB_HEADER_MAGIC &&
            (uint32_t)(ldl_le(h) + ldl_le(h + MBH_FLAGS) + ldl_le(h + MBH_CHECKSUM)) == 0)
            return off;
    }
    return -1;
}

/* ---- the kernel ---- */

/* The a.out kludge: load_addr..load_end_addr from the file, then bss. */
static bool mb_load_aout(MBImage *mb, const uint8_t *image, size_t size, long hdr_off,
                         Error **errp)
{
    const uint8_t *h = image + hdr_off;
    uint32_t header_addr = ldl_le(h + MBH_HEADER_ADDR), load = ldl_le(h + MBH_LOAD_ADDR);
    uint32_t load_end = ldl_le(h + MBH_LOAD_END_ADDR), bss_end = ldl_le(h + MBH_BSS_END_ADDR);
    uint64_t file_off, load_size;

    if (header_addr < load || header_addr - load > (uint64_t)hdr_off) {
        error_setg(errp, "'%s': multiboot header_addr 0x%" PRIx32 " does not match load_addr "
                   "0x%" PRIx32, mb->path, header_addr, load);
        return false;
    }
    file_off = hdr_off - (header_addr - load);
    load_size = load_end ? (uint64_t)load_end - load : size - file_off;
    if (load_end && load_end < load) {
        error_setg(errp, "'%s': multiboot load_end_addr below load_addr", mb->path);
        return false;
    }
    if (file_off + load_size > size) {
        error_setg(errp, "'%s': multiboot load_end_addr 0x%" PRIx32 " is beyond the file",
                   mb->path, load_end);
        return false;
    }
    if (bss_end && bss_end < load + load_size) {
        error_setg(errp, "'%s': multiboot bss_end_addr below load_end_addr", mb->path);
        return false;
    }
    mb->load_addr = load;
    mb->entry = ldl_le(h + MBH_ENTRY_ADDR);
    if (!mb_grow(mb, bss_end ? bss_end - load : load_size, errp))
        return false;
    memcpy(mb->buf, image + file_off, load_size);
    return true;
}

static bool mb_check_elf(MBImage *mb, const uint8_t *image, size_t size, Error **errp)
{
    if (size < ELF32_EHDR_SIZE || memcmp(image, "\x7f" "ELF", 4)) {
        error_setg(errp, "'%s': a multiboot kernel without the a.out kludge (flag 16) must be "
                   "an ELF file", mb->path);
        return false;
    }
    if (image[EI_CLASS] == ELFCLASS64) {
        error_setg(errp, "'%s' is a 64-bit ELF: multiboot v1 needs a 32-bit kernel", mb->path);
        return false;
    }
    if (image[EI_CLASS] != ELFCLASS32 || image[EI_DATA] != ELFDATA2LSB ||
        ldw_le(image + E_MACHINE) != EM_386) {
        error_setg(errp, "'%s' is not a little-endian 32-bit x86 ELF", mb->path);
        return false;
    }
    return true;
}

/* The range [lo, hi) the PT_LOAD segments cover; false if none. */
static bool mb_elf_bounds(const uint8_t *image, size_t size, uint32_t *lo, uint64_t *hi,
                          const char *path, Error **errp)
{
    uint32_t phoff = ldl_le(image + E_PHOFF);
    unsigned phnum = ldw_le(image + E_PHNUM), phentsize = ldw_le(image + E_PHENTSIZE);

    *lo = UINT32_MAX;
    *hi = 0;
    if (phentsize < ELF32_PHDR_SIZE || phoff + (uint64_t)phnum * phentsize > size) {
        error_setg(errp, "'%s': bad ELF program headers", path);
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = image + phoff + i * phentsize;
        uint32_t paddr = ldl_le(ph + 12), filesz = ldl_le(ph + 16), memsz = ldl_le(ph + 20);

        if (ldl_le(ph) != PT_LOAD || !memsz)
            continue;
        if (filesz > memsz || ldl_le(ph + 4) + (uint64_t)filesz > size) {
            error_setg(errp, "'%s': ELF segment %u lies beyond the file", path, i);
            return false;
        }
        *lo = MIN(*lo, paddr);
        *hi = MAX(*hi, (uint64_t)paddr + memsz);
    }
    if (*hi == 0) {
        error_setg(errp, "'%s': no loadable ELF segment", path);
        return false;
    }
    return true;
}

/* ELF32: the PT_LOAD segments at their physical addresses. The entry
 * point is translated to physical if it lies in a segment's vaddr range. */
static bool mb_load_elf(MBImage *mb, const uint8_t *image, size_t size, Error **errp)
{
    uint32_t phoff = ldl_le(image + E_PHOFF), entry = ldl_le(image + E_ENTRY);
    unsigned phnum = ldw_le(image + E_PHNUM), phentsize = ldw_le(image + E_PHENTSIZE);
    uint64_t hi;

    if (!mb_check_elf(mb, image, size, errp) ||
        !mb_elf_bounds(image, size, &mb->load_addr, &hi, mb->path, errp) ||
        !mb_grow(mb, hi - mb->load_addr, errp))
        return false;
    mb->entry = entry;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = image + phoff + i * phentsize;
        uint32_t off = ldl_le(ph + 4), vaddr = ldl_le(ph + 8), paddr = ldl_le(ph + 12);
        uint32_t filesz = ldl_le(ph + 16), memsz = ldl_le(ph + 20);

        if (ldl_le(ph) != PT_LOAD || !memsz)
            continue;
        memcpy(mb->buf + (paddr - mb->load_addr), image + off, filesz);
        if (entry >= vaddr && entry - vaddr < memsz)
            mb->entry = paddr + (entry - vaddr);
    }
    return true;
}

/* ---- modules and the information structure ---- */

/* Split "a args,b args" at single commas; ",," is a literal comma. */
static char **mb_split_modules(const char *list, int *count)
{
    char **mods = NULL;
    int n = 0;

    while (list && *list) {
        char *m = xmalloc(strlen(list) + 1), *o = m;

        for (; *list; list++) {
            if (*list == ',' && list[1] == ',') {
                *o++ = ',';
                list++;
            } else if (*list == ',') {
                list++;
                break;
            } else {
                *o++ = *list;
            }
        }
        *o = '\0';
        mods = xrealloc(mods, sizeof(*mods) * (n + 1));
        mods[n++] = m;
    }
    *count = n;
    return mods;
}

/* Load one module ("file args") page-aligned; fill its list entry. */
static bool mb_add_module(MBImage *mb, const char *spec, uint8_t *entry, Error **errp)
{
    size_t n = strcspn(spec, " "), len;
    char *file = xasprintf("%.*s", (int)n, spec);
    uint8_t *data = pc_linux_read_file(file, &len, errp);
    uint32_t start;

    free(file);
    if (!data) {
        error_prepend(errp, "multiboot module: ");
        return false;
    }
    start = mb_append(mb, data, len, 4096, errp);
    free(data);
    if (!start)
        return false;
    stl_le(entry, start);
    stl_le(entry + 4, start + len);
    return true;
}

/* Modules, strings and module list after the kernel; fills mbi. */
static bool mb_add_modules_and_strings(MBImage *mb, uint8_t *mbi, const char *initrd,
                                       const char *cmdline, Error **errp)
{
    int count = 0;
    char **mods = mb_split_modules(initrd, &count);
    uint8_t *list = xzalloc(MB_MOD_SIZE * (count + 1));
    bool ok = true;

    for (int i = 0; i < count && ok; i++)
        ok = mb_add_module(mb, mods[i], list + i * MB_MOD_SIZE, errp);
    for (int i = 0; i < count && ok; i++) {
        uint32_t s = mb_append(mb, mods[i], strlen(mods[i]) + 1, 4, errp);
        stl_le(list + i * MB_MOD_SIZE + 8, s);
        ok = s != 0;
    }
    if (ok) {
        uint32_t cmd = mb_append(mb, cmdline, strlen(cmdline) + 1, 4, errp);
        uint32_t name = cmd ? mb_append(mb, MB_LOADER_NAME, sizeof(MB_LOADER_NAME), 4, errp) : 0;
        uint32_t mods_addr = name ? mb_append(mb, list, MB_MOD_SIZE * count, 16, errp) : 0;

        ok = mods_addr != 0;
        stl_le(mbi + MBI_CMDLINE, cmd);
        stl_le(mbi + MBI_BOOT_LOADER_NAME, name);
        stl_le(mbi + MBI_MODS_COUNT, count);
        stl_le(mbi + MBI_MODS_ADDR, count ? mods_addr : 0);
    }
    for (int i = 0; i < count; i++)
        free(mods[i]);
    free(mods);
    free(list);
    return ok;
}

static void mb_fill_info(uint8_t *mbi, uint64_t below_4g)
{
    stl_le(mbi + MBI_FLAGS, MBI_FLAG_MEM | MBI_FLAG_BOOT_DEVICE | MBI_FLAG_CMDLINE |
                                MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
    /* The ROM refines these from the BIOS's E820 map */
    stl_le(mbi + MBI_MEM_LOWER, 640);
    stl_le(mbi + MBI_MEM_UPPER, below_4g / KiB - 1024);
    stl_le(mbi + MBI_BOOT_DEVICE, 0x8000ffff);    /* BIOS disk 0x80, no partition */
    stl_le(mbi + MBI_MMAP_LENGTH, MBI_MMAP_CAPACITY); /* the ROM stores the length used */
    stl_le(mbi + MBI_MMAP_ADDR, MBI_MMAP_ADDR_LOW);
}

/* ---- entry point ---- */

static bool mb_check_flags(const char *path, uint32_t flags, Error **errp)
{
    if (flags & 0xffff & ~MB_REQUIRED_KNOWN) {
        error_setg(errp, "'%s' requires unknown multiboot features (flags 0x%" PRIx32 ")",
                   path, flags);
        return false;
    }
    if (flags & MB_VIDEO_MODE)
        warn_report("'%s' asks for a video mode: multiboot video modes are not supported",
                    path);
    return true;
}

static bool mb_check_load_addr(const MBImage *mb, Error **errp)
{
    if (mb->load_addr < MB_LOW_LIMIT) {
        error_setg(errp, "'%s' loads at 0x%" PRIx32 ": multiboot kernels must load at 1 MiB "
                   "or above", mb->path, mb->load_addr);
        return false;
    }
    return true;
}

int multiboot_load(FWCfgState *fw, const char *kernel_path, const uint8_t *image, size_t size,
                   const char *initrd, const char *cmdline, uint64_t below_4g, Error **errp)
{
    long hdr = mb_find_header(image, size);
    MBImage mb = { .path = kernel_path, .ram_end = below_4g - PC_LINUX_ACPI_DATA_SIZE };
    uint8_t mbi[MBI_SIZE] = { 0 };
    char *full_cmdline;
    uint32_t flags;
    bool ok;

    if (hdr < 0)
        return 0;
    flags = ldl_le(image + hdr + MBH_FLAGS);
    full_cmdline = xasprintf("%s %s", kernel_path, cmdline ? cmdline : "");
    ok = mb_check_flags(kernel_path, flags, errp) &&
         ((flags & MB_AOUT_KLUDGE) ? mb_load_aout(&mb, image, size, hdr, errp)
                                   : mb_load_elf(&mb, image, size, errp)) &&
         mb_check_load_addr(&mb, errp) &&
         mb_add_modules_and_strings(&mb, mbi, initrd, full_cmdline, errp);
    free(full_cmdline);
    if (ok) {
        mb_fill_info(mbi, below_4g);
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ENTRY, mb.entry);
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, mb.load_addr);
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, mb.size);
        fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, mb.buf, mb.size);
        fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, MBI_ADDR);
        fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, MBI_SIZE);
        fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, mbi, MBI_SIZE);
    }
    free(mb.buf);
    return ok ? 1 : -1;
}
