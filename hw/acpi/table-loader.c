/* SPDX-License-Identifier: MIT */
/*
 * The BIOS linker/loader: the "etc/table-loader" command file.
 *
 * QEMU does not place ACPI tables in guest memory itself; it hands the
 * firmware (SeaBIOS, OVMF) fw_cfg files plus a list of commands, each 128
 * bytes, little-endian, file names NUL-padded to 56 bytes:
 *
 *   ALLOCATE      (1): file[56], align u32, zone u8 (1 = high, 2 = F segment)
 *                      allocate and load the file; comes before any use of it
 *   ADD_POINTER   (2): dst_file[56], src_file[56], offset u32, size u8
 *                      add src_file's address to the size-byte value at
 *                      dst_file + offset
 *   ADD_CHECKSUM  (3): file[56], offset u32, start u32, length u32
 *                      subtract the byte sum of [start, start+length) from
 *                      the byte at offset (so the range sums to 0)
 *   WRITE_POINTER (4): dst_file[56], src_file[56], dst_offset u32,
 *                      src_offset u32, size u8
 *                      write src_file's address + src_offset back into the
 *                      fw_cfg file dst_file at dst_offset
 *
 * Reference: the command format of QEMU hw/acpi/bios-linker-loader.c as
 * executed by SeaBIOS src/fw/romfile_loader.c.
 */
#include <assert.h>

#include "kemu/hw/acpi.h"

typedef struct BiosLinkerFile {
    char name[BIOS_LINKER_FILESZ];
    AcpiBuf *blob;
} BiosLinkerFile;

struct BiosLinker {
    AcpiBuf cmds;
    BiosLinkerFile *files;
    int nr_files;
};

BiosLinker *bios_linker_new(void)
{
    return XNEW0(BiosLinker);
}

void bios_linker_free(BiosLinker *l)
{
    if (!l)
        return;
    acpi_buf_free(&l->cmds);
    free(l->files);
    free(l);
}

const AcpiBuf *bios_linker_commands(const BiosLinker *l)
{
    return &l->cmds;
}

static BiosLinkerFile *linker_find(BiosLinker *l, const char *name)
{
    for (int i = 0; i < l->nr_files; i++) {
        if (!strcmp(l->files[i].name, name))
            return &l->files[i];
    }
    return NULL;
}

/* Start a command: returns the offset of its 128 zeroed bytes. */
static size_t cmd_begin(BiosLinker *l, uint32_t command)
{
    size_t off = acpi_buf_push(&l->cmds, BIOS_LINKER_ENTRY_SIZE);

    stl_le(l->cmds.data + off, command);
    return off;
}

static void cmd_put_name(BiosLinker *l, size_t pos, const char *name)
{
    assert(strlen(name) < BIOS_LINKER_FILESZ);
    memcpy(l->cmds.data + pos, name, strlen(name));
}

void bios_linker_alloc(BiosLinker *l, const char *file, AcpiBuf *blob, uint32_t align, bool fseg)
{
    BiosLinkerFile *f;
    size_t c;

    assert(!linker_find(l, file));
    assert(align && !(align & (align - 1)));
    l->files = xrealloc(l->files, (l->nr_files + 1) * sizeof(*l->files));
    f = &l->files[l->nr_files++];
    memset(f, 0, sizeof(*f));
    assert(strlen(file) < BIOS_LINKER_FILESZ);
    strcpy(f->name, file);
    f->blob = blob;

    c = cmd_begin(l, BIOS_LINKER_CMD_ALLOCATE);
    cmd_put_name(l, c + 4, file);
    stl_le(l->cmds.data + c + 4 + BIOS_LINKER_FILESZ, align);
    l->cmds.data[c + 8 + BIOS_LINKER_FILESZ] = fseg ? BIOS_LINKER_ZONE_FSEG
                                                    : BIOS_LINKER_ZONE_HIGH;
}

void bios_linker_add_pointer(BiosLinker *l, const char *dst_file, uint32_t dst_off, uint8_t size,
                             const char *src_file, uint32_t src_off)
{
    BiosLinkerFile *dst = linker_find(l, dst_file);
    BiosLinkerFile *src = linker_find(l, src_file);
    size_t c;

    assert(dst && src);
    assert(size == 1 || size == 2 || size == 4 || size == 8);
    assert(src_off < src->blob->len || (src_off == 0 && src->blob->len == 0));
    acpi_buf_put_int(dst->blob, dst_off, src_off, size);

    c = cmd_begin(l, BIOS_LINKER_CMD_ADD_POINTER);
    cmd_put_name(l, c + 4, dst_file);
    cmd_put_name(l, c + 4 + BIOS_LINKER_FILESZ, src_file);
    stl_le(l->cmds.data + c + 4 + 2 * BIOS_LINKER_FILESZ, dst_off);
    l->cmds.data[c + 8 + 2 * BIOS_LINKER_FILESZ] = size;
}

void bios_linker_add_checksum(BiosLinker *l, const char *file, uint32_t start, uint32_t len,
                              uint32_t cksum_off)
{
    BiosLinkerFile *f = linker_find(l, file);
    size_t c;

    assert(f);
    assert((uint64_t)start + len <= f->blob->len);
    assert(cksum_off >= start && cksum_off < start + len);
    f->blob->data[cksum_off] = 0;

    c = cmd_begin(l, BIOS_LINKER_CMD_ADD_CHECKSUM);
    cmd_put_name(l, c + 4, file);
    stl_le(l->cmds.data + c + 4 + BIOS_LINKER_FILESZ, cksum_off);
    stl_le(l->cmds.data + c + 8 + BIOS_LINKER_FILESZ, start);
    stl_le(l->cmds.data + c + 12 + BIOS_LINKER_FILESZ, len);
}

void bios_linker_write_pointer(BiosLinker *l, const char *dst_file, uint32_t dst_off,
                               uint8_t size, const char *src_file, uint32_t src_off)
{
    BiosLinkerFile *src = linker_find(l, src_file);
    size_t c;

    /* dst_file is a writable fw_cfg file, not one the firmware allocates */
    assert(src && src_off < src->blob->len);
    assert(size == 1 || size == 2 || size == 4 || size == 8);

    c = cmd_begin(l, BIOS_LINKER_CMD_WRITE_POINTER);
    cmd_put_name(l, c + 4, dst_file);
    cmd_put_name(l, c + 4 + BIOS_LINKER_FILESZ, src_file);
    stl_le(l->cmds.data + c + 4 + 2 * BIOS_LINKER_FILESZ, dst_off);
    stl_le(l->cmds.data + c + 8 + 2 * BIOS_LINKER_FILESZ, src_off);
    l->cmds.data[c + 12 + 2 * BIOS_LINKER_FILESZ] = size;
}
