/* SPDX-License-Identifier: MIT */
/*
 * The PC's ISA DMA: two Intel 8237A controllers and the page registers.
 *
 * Controller 0 serves channels 0-3 with byte transfers at ports 0x00-0x0f;
 * controller 1 serves channels 4-7 with word transfers at the even ports
 * 0xc0-0xde (its registers are spaced two apart: the "dshift" of 1), and
 * its channel 4 cascades controller 0. Per controller (8237A datasheet,
 * "Register Description" and Table 2 "Software Commands"):
 *   +0/+2/+4/+6  channel base/current address (low byte, then high byte,
 *                selected by the byte pointer flip-flop)
 *   +1/+3/+5/+7  channel base/current word count (transfers count + 1)
 *   +8  read status (TC bits 3:0, cleared by the read; DREQ bits 7:4) /
 *       write command (bit 2 disables the controller)
 *   +9  write request (software DREQ)   +0xa write single mask bit
 *   +0xb write mode                      +0xc clear byte pointer flip-flop
 *   +0xd read temporary (0) / master clear  +0xe clear all mask bits
 *   +0xf write all mask bits (reads them back, as the later PC chipsets)
 * The page registers (a 74LS612 file of 16 bytes at 0x80-0x8f; 0x80 and
 * the unassigned ones are scratch registers, as on the PIIX3) supply
 * address bits 23:16: channel 0 at 0x87, 1 at 0x83, 2 at 0x81, 3 at 0x82,
 * 5 at 0x8b, 6 at 0x89, 7 at 0x8a. A 16-bit channel's address counts
 * words: byte address = (page & 0xfe) << 16 | address << 1, so it wraps
 * within 128 KiB; an 8-bit channel wraps within its 64 KiB page.
 *
 * Transfers run when a device holds DREQ (or the guest sets a software
 * request) on an unmasked channel of an enabled controller: all at once,
 * whatever the mode (single, block or demand), as QEMU does. At terminal
 * count the channel's status bit is set and it either reloads its current
 * registers (auto-initialize) or masks itself (8237A: "the mask bit is set
 * at TC when not auto-initializing"). Memory-to-memory transfers and
 * rotating priority are not modelled (logged as unimplemented).
 */
#include "kemu/hw/isa_dma.h"
#include "kemu/isa.h"
#include "kemu/log.h"

/* Command register */
#define DMA_CMD_MEM2MEM 0x01
#define DMA_CMD_DISABLE 0x04
#define DMA_CMD_ROTATE 0x10
/* Mode register */
#define DMA_MODE_CHAN 0x03
#define DMA_MODE_TYPE_SHIFT 2
#define DMA_MODE_AUTOINIT 0x10
#define DMA_MODE_DECREMENT 0x20
#define DMA_MODE_SEL_SHIFT 6
#define DMA_MODE_CASCADE 3
/* Request / single mask registers */
#define DMA_REQ_SET 0x04

/* A pass that keeps finding work (a device re-raising DREQ at each TC in
 * auto-initialize mode) stops after this many rounds. */
#define DMA_MAX_PASSES 8

typedef struct DmaChannel {
    uint16_t base_addr;   /* base address (words on controller 1) */
    uint16_t base_count;  /* base count: count + 1 units are transferred */
    uint32_t pos;         /* bytes done since the last load: current = base +- pos */
    uint8_t mode;         /* mode register */
    uint8_t dreq;         /* device holds DREQ */
} DmaChannel;

typedef struct DmaCont {
    DmaChannel ch[4];
    uint8_t command;      /* command register */
    uint8_t mask;         /* mask bits 3:0 */
    uint8_t request;      /* software request bits 3:0 */
    uint8_t tc;           /* status TC bits 3:0 */
    uint8_t flip_flop;    /* byte pointer: 0 low byte next, 1 high byte */
} DmaCont;

typedef struct I8257State {
    Device parent;
    DmaCont cont[2];      /* 0: channels 0-3 (bytes), 1: channels 4-7 (words) */
    uint8_t page[16];     /* page register file 0x80-0x8f */
    MemRegion io[2], page_io;
    struct {
        IsaDmaTransferFn *fn;
        void *opaque;
    } handler[ISA_DMA_CHANNELS];
    bool running, rerun;
} I8257State;

/* The machine's controller pair, as the ISA bus is the machine's. */
static I8257State *isa_dma;

/* Page register index (port - 0x80) of each channel. */
static const uint8_t dma_page_index[ISA_DMA_CHANNELS] = { 7, 3, 1, 2, 0xf, 0xb, 9, 0xa };

static DmaChannel *dma_chan(I8257State *s, int n)
{
    return &s->cont[n >> 2].ch[n & 3];
}

static unsigned dma_units(int n, uint32_t bytes)
{
    return bytes >> (n >> 2);
}

static uint32_t dma_size(I8257State *s, int n)
{
    return ((uint32_t)dma_chan(s, n)->base_count + 1) << (n >> 2);
}

static uint16_t dma_cur_addr(I8257State *s, int n)
{
    DmaChannel *c = dma_chan(s, n);
    unsigned u = dma_units(n, c->pos);

    return c->mode & DMA_MODE_DECREMENT ? c->base_addr - u : c->base_addr + u;
}

static uint16_t dma_cur_count(I8257State *s, int n)
{
    DmaChannel *c = dma_chan(s, n);

    return c->base_count - dma_units(n, c->pos);
}

/* ---- transfers ---- */

static bool dma_channel_ready(I8257State *s, int n)
{
    DmaCont *d = &s->cont[n >> 2];
    unsigned bit = 1u << (n & 3);
    DmaChannel *c = &d->ch[n & 3];

    if ((d->command & DMA_CMD_DISABLE) || (d->mask & bit))
        return false;
    if (!c->dreq && !(d->request & bit))
        return false;
    if ((c->mode >> DMA_MODE_SEL_SHIFT) == DMA_MODE_CASCADE)
        return false;
    if (!s->handler[n].fn) {
        log_unimp("i8257: software DMA request on channel %d with no device\n", n);
        d->request &= ~bit;
        return false;
    }
    return true;
}

static void dma_terminal_count(I8257State *s, int n)
{
    DmaCont *d = &s->cont[n >> 2];
    DmaChannel *c = &d->ch[n & 3];
    unsigned bit = 1u << (n & 3);

    d->tc |= bit;
    d->request &= ~bit;
    if (c->mode & DMA_MODE_AUTOINIT)
        c->pos = 0;
    else
        d->mask |= bit;
}

static void dma_channel_run(I8257State *s, int n)
{
    DmaChannel *c = dma_chan(s, n);
    uint32_t size = dma_size(s, n);
    int pos = s->handler[n].fn(s->handler[n].opaque, n, (int)c->pos, (int)size);

    c->pos = pos < 0 ? 0 : MIN((uint32_t)pos, size);
    if (c->pos == size)
        dma_terminal_count(s, n);
}

static void dma_run(I8257State *s)
{
    bool any = true;

    if (s->running) {
        s->rerun = true;
        return;
    }
    s->running = true;
    for (int pass = 0; any && pass < DMA_MAX_PASSES; pass++) {
        any = false;
        s->rerun = false;
        for (int n = 0; n < ISA_DMA_CHANNELS; n++) {
            if (dma_channel_ready(s, n)) {
                dma_channel_run(s, n);
                any = true;
            }
        }
        any = any && s->rerun;
    }
    s->running = false;
}

/* Guest physical address of byte b of the transfer on channel n. */
static hwaddr dma_byte_addr(I8257State *s, int n, uint32_t b)
{
    DmaChannel *c = dma_chan(s, n);
    unsigned dshift = n >> 2, u = b >> dshift;
    uint16_t a = c->mode & DMA_MODE_DECREMENT ? c->base_addr - u : c->base_addr + u;
    uint8_t page = s->page[dma_page_index[n]];

    if (dshift)
        return (hwaddr)(page & 0xfe) << 16 | (hwaddr)a << 1 | (b & 1);
    return (hwaddr)page << 16 | a;
}

/* Bytes from b that stay contiguous in memory (up to the page wrap). */
static uint32_t dma_run_length(I8257State *s, int n, uint32_t b)
{
    DmaChannel *c = dma_chan(s, n);
    unsigned dshift = n >> 2;
    uint16_t a = c->base_addr + (b >> dshift);

    if (c->mode & DMA_MODE_DECREMENT)
        return 1;
    return ((0x10000u - a) << dshift) - (b & ((1u << dshift) - 1));
}

static I8257State *dma_lookup(int nchan, const char *what)
{
    if (nchan < 0 || nchan >= ISA_DMA_CHANNELS) {
        log_guest_error("isa-dma: %s on invalid channel %d\n", what, nchan);
        return NULL;
    }
    return isa_dma;
}

static int dma_rw(int nchan, void *buf, int pos, int len, bool to_memory)
{
    I8257State *s = dma_lookup(nchan, "transfer");
    uint32_t size, done = 0;

    if (!s || pos < 0 || len <= 0)
        return 0;
    size = dma_size(s, nchan);
    if ((uint32_t)pos >= size)
        return 0;
    len = (int)MIN((uint32_t)len, size - (uint32_t)pos);
    if (to_memory && isa_dma_get_transfer_type(nchan) == ISA_DMA_VERIFY)
        return len;
    while (done < (uint32_t)len) {
        uint32_t b = (uint32_t)pos + done;
        uint32_t run = MIN(dma_run_length(s, nchan, b), (uint32_t)len - done);
        hwaddr addr = dma_byte_addr(s, nchan, b);

        if (to_memory)
            as_write(&as_memory, addr, (uint8_t *)buf + done, run);
        else
            as_read(&as_memory, addr, (uint8_t *)buf + done, run);
        done += run;
    }
    return len;
}

/* ---- the channel API ---- */

void isa_dma_register_channel(int nchan, IsaDmaTransferFn *fn, void *opaque)
{
    I8257State *s = dma_lookup(nchan, "register");

    if (s) {
        s->handler[nchan].fn = fn;
        s->handler[nchan].opaque = opaque;
    }
}

void isa_dma_hold_dreq(int nchan)
{
    I8257State *s = dma_lookup(nchan, "DREQ");

    if (s) {
        dma_chan(s, nchan)->dreq = 1;
        dma_run(s);
    }
}

void isa_dma_release_dreq(int nchan)
{
    I8257State *s = dma_lookup(nchan, "DREQ");

    if (s)
        dma_chan(s, nchan)->dreq = 0;
}

int isa_dma_get_transfer_type(int nchan)
{
    I8257State *s = dma_lookup(nchan, "mode");

    return s ? (dma_chan(s, nchan)->mode >> DMA_MODE_TYPE_SHIFT) & 3 : -1;
}

bool isa_dma_present(int nchan)
{
    return nchan >= 0 && nchan < ISA_DMA_CHANNELS && isa_dma;
}

int isa_dma_read_memory(int nchan, void *buf, int pos, int len)
{
    return dma_rw(nchan, buf, pos, len, false);
}

int isa_dma_write_memory(int nchan, const void *buf, int pos, int len)
{
    return dma_rw(nchan, (void *)buf, pos, len, true);
}

/* ---- registers ---- */

static void dma_master_clear(DmaCont *d)
{
    d->command = 0;
    d->tc = 0;
    d->request = 0;
    d->flip_flop = 0;
    d->mask = 0x0f;
}

/* Address and count registers: a byte through the flip-flop. */
static uint8_t dma_read_chreg(I8257State *s, int cont, unsigned reg)
{
    DmaCont *d = &s->cont[cont];
    int n = cont * 4 + (reg >> 1);
    uint16_t v = reg & 1 ? dma_cur_count(s, n) : dma_cur_addr(s, n);
    uint8_t b = d->flip_flop ? v >> 8 : v & 0xff;

    d->flip_flop ^= 1;
    return b;
}

static void dma_write_chreg(I8257State *s, int cont, unsigned reg, uint8_t val)
{
    DmaCont *d = &s->cont[cont];
    DmaChannel *c = &d->ch[reg >> 1];
    uint16_t *r = reg & 1 ? &c->base_count : &c->base_addr;

    if (d->flip_flop)
        *r = (*r & 0x00ff) | val << 8;
    else
        *r = (*r & 0xff00) | val;
    c->pos = 0; /* writing base also loads current */
    d->flip_flop ^= 1;
}

static uint8_t dma_read_status(DmaCont *d)
{
    uint8_t dreq = d->request, v;

    for (int i = 0; i < 4; i++)
        dreq |= d->ch[i].dreq << i;
    v = d->tc | (dreq & 0x0f) << 4;
    d->tc = 0;
    return v;
}

static uint64_t dma_cont_read(I8257State *s, int cont, unsigned reg)
{
    DmaCont *d = &s->cont[cont];

    if (reg < 8)
        return dma_read_chreg(s, cont, reg);
    switch (reg) {
    case 0x8:
        return dma_read_status(d);
    case 0xd:
        return 0; /* temporary register: memory-to-memory only */
    case 0xf:
        return 0xf0 | d->mask;
    default:
        log_guest_error("i8257: read of write-only register %u of controller %d\n", reg, cont);
        return 0;
    }
}

static void dma_write_mode(I8257State *s, int cont, uint8_t val)
{
    int n = cont * 4 + (val & DMA_MODE_CHAN);

    dma_chan(s, n)->mode = val;
    if (((val >> DMA_MODE_TYPE_SHIFT) & 3) == 3)
        log_guest_error("i8257: illegal transfer type in mode 0x%02x\n", val);
}

static void dma_cont_write(I8257State *s, int cont, unsigned reg, uint8_t val)
{
    DmaCont *d = &s->cont[cont];
    unsigned bit = 1u << (val & 3);

    if (reg < 8) {
        dma_write_chreg(s, cont, reg, val);
        return;
    }
    switch (reg) {
    case 0x8:
        if (val & (DMA_CMD_MEM2MEM | DMA_CMD_ROTATE))
            log_unimp("i8257: command 0x%02x (memory-to-memory/rotating priority)\n", val);
        d->command = val;
        break;
    case 0x9:
        d->request = val & DMA_REQ_SET ? d->request | bit : d->request & ~bit;
        break;
    case 0xa:
        d->mask = val & DMA_REQ_SET ? d->mask | bit : d->mask & ~bit;
        break;
    case 0xb:
        dma_write_mode(s, cont, val);
        break;
    case 0xc:
        d->flip_flop = 0;
        break;
    case 0xd:
        dma_master_clear(d);
        break;
    case 0xe:
        d->mask = 0;
        break;
    case 0xf:
        d->mask = val & 0x0f;
        break;
    }
    dma_run(s);
}

/* Controller 1's registers sit at even ports only. */
static bool dma_reg_decode(int cont, hwaddr addr, unsigned *reg)
{
    if (cont && (addr & 1)) {
        log_guest_error("i8257: access to odd port 0x%x\n", (unsigned)(0xc0 + addr));
        return false;
    }
    *reg = (unsigned)(addr >> cont);
    return true;
}

static uint64_t dma_io_read0(void *opaque, hwaddr addr, unsigned size)
{
    return dma_cont_read(opaque, 0, (unsigned)addr);
}

static void dma_io_write0(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    dma_cont_write(opaque, 0, (unsigned)addr, (uint8_t)val);
}

static uint64_t dma_io_read1(void *opaque, hwaddr addr, unsigned size)
{
    unsigned reg;

    return dma_reg_decode(1, addr, &reg) ? dma_cont_read(opaque, 1, reg) : 0xff;
}

static void dma_io_write1(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    unsigned reg;

    if (dma_reg_decode(1, addr, &reg))
        dma_cont_write(opaque, 1, reg, (uint8_t)val);
}

static uint64_t dma_page_read(void *opaque, hwaddr addr, unsigned size)
{
    I8257State *s = opaque;

    return s->page[addr & 0xf];
}

static void dma_page_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    I8257State *s = opaque;

    s->page[addr & 0xf] = (uint8_t)val;
}

#define DMA_IO_OPS(r, w)                                                                           \
    { .read = (r), .write = (w), .valid = { .min_access_size = 1, .max_access_size = 4 },         \
      .impl = { .min_access_size = 1, .max_access_size = 1 } }

static const IoOps dma_ops0 = DMA_IO_OPS(dma_io_read0, dma_io_write0);
static const IoOps dma_ops1 = DMA_IO_OPS(dma_io_read1, dma_io_write1);
static const IoOps dma_page_ops = DMA_IO_OPS(dma_page_read, dma_page_write);

/* ---- device ---- */

static void i8257_reset(Device *dev)
{
    I8257State *s = (I8257State *)dev;

    for (int i = 0; i < 2; i++) {
        memset(s->cont[i].ch, 0, sizeof(s->cont[i].ch));
        dma_master_clear(&s->cont[i]);
    }
    memset(s->page, 0, sizeof(s->page));
}

static bool i8257_realize(Device *dev, Error **errp)
{
    I8257State *s = (I8257State *)dev;

    if (isa_dma) {
        error_setg(errp, "i8257: the machine already has its DMA controllers");
        return false;
    }
    isa_dma = s;
    mr_init_io(&s->io[0], "dma-cont", 0x10, &dma_ops0, s);
    mr_init_io(&s->io[1], "dma-cont", 0x20, &dma_ops1, s);
    mr_init_io(&s->page_io, "dma-page", 0x10, &dma_page_ops, s);
    isa_register_ioport(&s->io[0], 0x00);
    isa_register_ioport(&s->io[1], 0xc0);
    isa_register_ioport(&s->page_io, 0x80);
    i8257_reset(dev);
    return true;
}

static void i8257_unrealize(Device *dev)
{
    I8257State *s = (I8257State *)dev;

    mr_del_subregion(&mr_system_io, &s->io[0]);
    mr_del_subregion(&mr_system_io, &s->io[1]);
    mr_del_subregion(&mr_system_io, &s->page_io);
    if (isa_dma == s)
        isa_dma = NULL;
}

static int i8257_post_load(Device *dev)
{
    I8257State *s = (I8257State *)dev;

    for (int n = 0; n < ISA_DMA_CHANNELS; n++)
        dma_chan(s, n)->pos = MIN(dma_chan(s, n)->pos, dma_size(s, n));
    return 0;
}

static const VMStateField i8257_vmstate_fields[] = {
    VMSTATE_ARRAY(I8257State, cont),
    VMSTATE_ARRAY(I8257State, page),
    VMSTATE_END,
};

static const VMStateDesc i8257_vmstate = {
    .name = TYPE_I8257,
    .version = 1,
    .fields = i8257_vmstate_fields,
    .post_load = i8257_post_load,
};

static const Property i8257_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass i8257_class = {
    .name = TYPE_I8257,
    .desc = "8237A ISA DMA controller pair with page registers",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(I8257State),
    .props = i8257_props,
    .user_creatable = true,
    .realize = i8257_realize,
    .reset = i8257_reset,
    .unrealize = i8257_unrealize,
    .vmsd = &i8257_vmstate,
};
DEVICE_CLASS(i8257_class)

Device *isa_dma_init(void)
{
    Error *err = NULL;
    Device *dev = device_new(TYPE_I8257, &err);

    if (!dev) {
        error_report_err(err);
        exit(1);
    }
    device_realize_or_die(dev);
    return dev;
}
