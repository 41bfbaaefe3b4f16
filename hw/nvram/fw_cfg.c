/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device (fw_cfg), port I/O flavour.
 *
 * The guest writes a key to the 16-bit selector port, which rewinds the
 * item's read offset, then reads the item a byte at a time from the data
 * port; past the end (or for an unknown key) the data port reads 0. Byte
 * writes to the ports are the legacy data-write path that QEMU removed in
 * 2.4: ignored. The DMA interface takes the guest address of an access
 * structure, big-endian {u32 control, u32 length, u64 address}: control
 * may select an item (key in bits 31:16), then read it into guest memory,
 * skip over it, or write guest memory into a writable file; the device
 * then stores 0 (done) or FW_CFG_DMA_CTL_ERROR into control. Reading the
 * DMA port returns the signature "QEMU CFG". Writing the low half of the
 * address starts the transfer; the register then reads as 0 again, so
 * firmware below 4 GiB may write the low half alone.
 *
 * Keys below 0x20 are fixed items, 0x20-0x21f files (sorted by name, their
 * directory at key 0x19), keys with bit 15 set the architecture's own
 * items; bit 14 (the old write channel) is ignored. The ID item says
 * "traditional interface" and, when the DMA port exists, "DMA".
 *
 * Reference: QEMU docs/specs/fw_cfg.rst.
 */
#include <assert.h>
#include <inttypes.h>

#include "kemu/device.h"
#include "kemu/hw/fw_cfg.h"
#include "kemu/isa.h"
#include "kemu/log.h"

typedef struct FWCfgEntry {
    uint8_t *data;
    uint32_t len;
    bool owned;        /* data is ours to free */
    bool allow_write;  /* DMA writes allowed */
    FWCfgCallback *select_cb;
    FWCfgWriteCallback *write_cb;
    void *opaque;
} FWCfgEntry;

struct FWCfgState {
    Device parent;
    /* Properties */
    uint16_t iobase;         /* selector (data at iobase + 1) */
    uint16_t dma_iobase;     /* DMA address register, 0 = none */
    /* Wiring */
    AddressSpace *dma_as;
    /* Items */
    FWCfgEntry entries[2][FW_CFG_MAX_ENTRY]; /* [arch-local][key & mask] */
    char file_names[FW_CFG_FILE_SLOTS][FW_CFG_MAX_FILE_PATH];
    unsigned nr_files;
    /* Guest-visible state */
    uint16_t cur_entry;      /* selected key, FW_CFG_INVALID if none */
    uint32_t cur_offset;     /* read offset in the selected item */
    uint64_t dma_addr;       /* FWCfgDmaAccess address */
    MemRegion io, dma_io;
};

static FWCfgState *fw_cfg_current;

FWCfgState *fw_cfg_find(void)
{
    return fw_cfg_current;
}

/* ---- items ---- */

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (key == FW_CFG_INVALID || idx >= FW_CFG_MAX_ENTRY)
        return NULL;
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

static void fw_cfg_entry_free(FWCfgEntry *e)
{
    if (e->owned)
        free(e->data);
    memset(e, 0, sizeof(*e));
}

static void fw_cfg_entry_set_copy(FWCfgEntry *e, const void *data, size_t len)
{
    assert(len <= UINT32_MAX);
    fw_cfg_entry_free(e);
    e->data = xmalloc(len ? len : 1);
    if (len)
        memcpy(e->data, data, len);
    e->len = len;
    e->owned = true;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    assert(e && !e->data && "fw_cfg key added twice or out of range");
    assert((key & FW_CFG_ENTRY_MASK) < FW_CFG_FILE_FIRST || (key & FW_CFG_ARCH_LOCAL));
    fw_cfg_entry_set_copy(e, data, len);
}

void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    assert(e);
    fw_cfg_entry_set_copy(e, data, len);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    stw_le(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    stl_le(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    stq_le(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    stw_le(b, value);
    fw_cfg_modify_bytes(s, key, b, sizeof(b));
}

void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    stl_le(b, value);
    fw_cfg_modify_bytes(s, key, b, sizeof(b));
}

void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    stq_le(b, value);
    fw_cfg_modify_bytes(s, key, b, sizeof(b));
}

/* ---- files ---- */

static int fw_cfg_file_index(FWCfgState *s, const char *name)
{
    for (unsigned i = 0; i < s->nr_files; i++) {
        if (!strcmp(s->file_names[i], name))
            return i;
    }
    return -1;
}

/* The directory: big-endian count, then 64-byte entries in file order. */
static void fw_cfg_update_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nr_files * FW_CFG_FILE_ENTRY_SIZE;
    uint8_t *dir = xzalloc(len);
    FWCfgEntry *e = fw_cfg_entry(s, FW_CFG_FILE_DIR);

    stl_le(dir, __builtin_bswap32(s->nr_files));
    for (unsigned i = 0; i < s->nr_files; i++) {
        uint8_t *f = dir + 4 + i * FW_CFG_FILE_ENTRY_SIZE;
        const FWCfgEntry *fe = &s->entries[0][FW_CFG_FILE_FIRST + i];

        stl_le(f, __builtin_bswap32(fe->len));
        stw_le(f + 4, __builtin_bswap16(FW_CFG_FILE_FIRST + i));
        memcpy(f + 8, s->file_names[i], strlen(s->file_names[i]));
    }
    fw_cfg_entry_free(e);
    e->data = dir;
    e->len = len;
    e->owned = true;
}

/* Make room for a new file in name order; returns its entry. */
static FWCfgEntry *fw_cfg_insert_file(FWCfgState *s, const char *name)
{
    unsigned i = 0;

    assert(strlen(name) < FW_CFG_MAX_FILE_PATH && "fw_cfg file name too long");
    assert(fw_cfg_file_index(s, name) < 0 && "fw_cfg file added twice");
    assert(s->nr_files < FW_CFG_FILE_SLOTS && "fw_cfg file slots exhausted");
    while (i < s->nr_files && strcmp(s->file_names[i], name) < 0)
        i++;
    memmove(&s->file_names[i + 1], &s->file_names[i],
            (s->nr_files - i) * sizeof(s->file_names[0]));
    memmove(&s->entries[0][FW_CFG_FILE_FIRST + i + 1], &s->entries[0][FW_CFG_FILE_FIRST + i],
            (s->nr_files - i) * sizeof(FWCfgEntry));
    memset(&s->entries[0][FW_CFG_FILE_FIRST + i], 0, sizeof(FWCfgEntry));
    snprintf(s->file_names[i], FW_CFG_MAX_FILE_PATH, "%s", name);
    s->nr_files++;
    return &s->entries[0][FW_CFG_FILE_FIRST + i];
}

void fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len)
{
    fw_cfg_entry_set_copy(fw_cfg_insert_file(s, name), data, len);
    fw_cfg_update_dir(s);
}

void fw_cfg_add_file_callback(FWCfgState *s, const char *name, FWCfgCallback *select_cb,
                              FWCfgWriteCallback *write_cb, void *opaque, void *data, size_t len,
                              bool read_only)
{
    FWCfgEntry *e = fw_cfg_insert_file(s, name);

    assert(len <= UINT32_MAX);
    e->data = data;
    e->len = len;
    e->owned = false;
    e->allow_write = !read_only;
    e->select_cb = select_cb;
    e->write_cb = write_cb;
    e->opaque = opaque;
    fw_cfg_update_dir(s);
}

void fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data, size_t len)
{
    int i = fw_cfg_file_index(s, name);
    FWCfgEntry *e;
    bool allow_write;

    if (i < 0) {
        fw_cfg_add_file(s, name, data, len);
        return;
    }
    e = &s->entries[0][FW_CFG_FILE_FIRST + i];
    allow_write = e->allow_write;
    fw_cfg_entry_set_copy(e, data, len);
    e->allow_write = allow_write;
    fw_cfg_update_dir(s);
}

bool fw_cfg_has_file(FWCfgState *s, const char *name)
{
    return fw_cfg_file_index(s, name) >= 0;
}

const uint8_t *fw_cfg_file_data(FWCfgState *s, const char *name, size_t *len)
{
    int i = fw_cfg_file_index(s, name);

    if (i < 0)
        return NULL;
    if (len)
        *len = s->entries[0][FW_CFG_FILE_FIRST + i].len;
    return s->entries[0][FW_CFG_FILE_FIRST + i].data;
}

/* ---- the traditional interface ---- */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    s->cur_offset = 0;
    s->cur_entry = e ? key : FW_CFG_INVALID;
    if (e && e->select_cb)
        e->select_cb(e->opaque);
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    if (!e || !e->data || s->cur_offset >= e->len)
        return 0;
    return e->data[s->cur_offset++];
}

static uint64_t fw_cfg_io_read(void *opaque, hwaddr addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (size != 1) {
        log_guest_error("fw_cfg: %u-byte read of port 0x%" PRIx64 "\n", size, s->iobase + addr);
        return ~0ull;
    }
    return fw_cfg_read_byte(s);
}

static void fw_cfg_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 2)
        fw_cfg_select(s, val);
    else
        log_guest_error("fw_cfg: data port write ignored (removed in QEMU 2.4)\n");
}

static const IoOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read,
    .write = fw_cfg_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
};

/* ---- the DMA interface ---- */

/* Move one piece of the transfer; returns the bytes done, 0 on error. */
static uint32_t fw_cfg_dma_piece(FWCfgState *s, FWCfgEntry *e, uint32_t control,
                                 uint64_t address, uint32_t length)
{
    bool in_item = e && e->data && s->cur_offset < e->len;
    uint32_t n = in_item ? MIN(length, e->len - s->cur_offset) : length;

    if (control & FW_CFG_DMA_CTL_READ) {
        if (in_item && as_write(s->dma_as, address, e->data + s->cur_offset, n) != MEMTX_OK)
            return 0;
        if (!in_item) {
            uint8_t zero[256] = { 0 };
            for (uint32_t done = 0; done < n; done += MIN(n - done, sizeof(zero))) {
                if (as_write(s->dma_as, address + done, zero, MIN(n - done, sizeof(zero))))
                    return 0;
            }
        }
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        if (!in_item || !e->allow_write || n != length ||
            as_read(s->dma_as, address, e->data + s->cur_offset, n) != MEMTX_OK)
            return 0;
        if (e->write_cb)
            e->write_cb(e->opaque, s->cur_offset, n);
    }
    if (in_item)
        s->cur_offset += n;
    return n;
}

static uint32_t fw_cfg_dma_run(FWCfgState *s, uint32_t control, uint64_t address,
                               uint32_t length)
{
    if (control & FW_CFG_DMA_CTL_SELECT)
        fw_cfg_select(s, control >> 16);
    if (!(control & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_SKIP)))
        return 0;
    /* The first of read, write, skip named wins (fw_cfg.rst). */
    if (control & FW_CFG_DMA_CTL_READ)
        control &= ~(FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_SKIP);
    else if (control & FW_CFG_DMA_CTL_WRITE)
        control &= ~FW_CFG_DMA_CTL_SKIP;
    while (length > 0) {
        uint32_t n = fw_cfg_dma_piece(s, fw_cfg_entry(s, s->cur_entry), control, address, length);

        if (n == 0)
            return FW_CFG_DMA_CTL_ERROR;
        address += n;
        length -= n;
    }
    return 0;
}

/* The address register starts from 0 again after each transfer: firmware
 * below 4 GiB writes only the low half (SeaBIOS does). */
static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint64_t addr = s->dma_addr;
    uint8_t acc[16];
    uint32_t result = FW_CFG_DMA_CTL_ERROR, status;

    s->dma_addr = 0;
    if (as_read(s->dma_as, addr, acc, sizeof(acc)) == MEMTX_OK)
        result = fw_cfg_dma_run(s, __builtin_bswap32(ldl_le(acc)),
                                __builtin_bswap64(ldq_le(acc + 8)),
                                __builtin_bswap32(ldl_le(acc + 4)));
    else
        log_guest_error("fw_cfg: DMA access structure at 0x%" PRIx64 " unreadable\n", addr);
    status = __builtin_bswap32(result);
    as_write(s->dma_as, addr, &status, sizeof(status));
}

static uint64_t fw_cfg_dma_read(void *opaque, hwaddr addr, unsigned size)
{
    /* The signature is big-endian in guest memory order. */
    uint64_t sig = __builtin_bswap64(FW_CFG_DMA_SIGNATURE);

    return size == 8 ? sig : (uint32_t)(sig >> (addr * 8));
}

static void fw_cfg_dma_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 8) {
        s->dma_addr = __builtin_bswap64(val);
        fw_cfg_dma_transfer(s);
    } else if (addr == 0) {
        s->dma_addr = (uint64_t)__builtin_bswap32(val) << 32;
    } else {
        s->dma_addr |= __builtin_bswap32(val);
        fw_cfg_dma_transfer(s);
    }
}

static const IoOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- device ---- */

static bool fw_cfg_realize(Device *dev, Error **errp)
{
    FWCfgState *s = (FWCfgState *)dev;

    if (fw_cfg_current) {
        error_setg(errp, "at most one %s device is permitted", TYPE_FW_CFG_IO);
        return false;
    }
    if (!s->dma_as)
        s->dma_as = &as_memory;
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | (s->dma_iobase ? FW_CFG_VERSION_DMA : 0));
    fw_cfg_update_dir(s);
    mr_init_io(&s->io, "fwcfg", 2, &fw_cfg_io_ops, s);
    isa_register_ioport(&s->io, s->iobase);
    if (s->dma_iobase) {
        mr_init_io(&s->dma_io, "fwcfg.dma", 8, &fw_cfg_dma_ops, s);
        isa_register_ioport(&s->dma_io, s->dma_iobase);
    }
    fw_cfg_current = s;
    return true;
}

static void fw_cfg_reset(Device *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

static const Property fw_cfg_props[] = {
    DEFINE_PROP("iobase", PROP_UINT16, FWCfgState, iobase, FW_CFG_IO_BASE, "Selector port"),
    DEFINE_PROP("dma_iobase", PROP_UINT16, FWCfgState, dma_iobase, FW_CFG_DMA_IO_BASE,
                "DMA address port (0: no DMA)"),
    DEFINE_PROP_END,
};

static const VMStateField fw_cfg_vmstate_fields[] = {
    VMSTATE_FIELD(FWCfgState, cur_entry),
    VMSTATE_FIELD(FWCfgState, cur_offset),
    VMSTATE_FIELD(FWCfgState, dma_addr),
    VMSTATE_END,
};

static const VMStateDesc fw_cfg_vmstate = {
    .name = TYPE_FW_CFG_IO,
    .version = 1,
    .fields = fw_cfg_vmstate_fields,
};

static const DeviceClass fw_cfg_class = {
    .name = TYPE_FW_CFG_IO,
    .desc = "QEMU firmware configuration device (port I/O)",
    .category = "misc",
    .instance_size = sizeof(FWCfgState),
    .props = fw_cfg_props,
    .realize = fw_cfg_realize,
    .reset = fw_cfg_reset,
    .vmsd = &fw_cfg_vmstate,
};
DEVICE_CLASS(fw_cfg_class)

FWCfgState *fw_cfg_init_io_dma(uint16_t iobase, uint16_t dma_iobase, AddressSpace *dma_as)
{
    Error *err = NULL;
    Device *dev = device_new(TYPE_FW_CFG_IO, &err);
    FWCfgState *s = (FWCfgState *)dev;

    assert(dev);
    s->iobase = iobase;
    s->dma_iobase = dma_iobase;
    s->dma_as = dma_as;
    device_realize_or_die(dev);
    return s;
}
