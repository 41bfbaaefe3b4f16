/* SPDX-License-Identifier: MIT */
/*
 * isa-debugcon: Bochs/QEMU debug console port.
 *
 * A one-byte I/O port (0xe9 by default): every byte the guest writes goes
 * to the chardev, and a read returns the "readback" value (0xe9 by
 * default), which lets a guest detect the port. Firmware (SeaBIOS with
 * debug output) and test programs print through it. Reference: QEMU
 * hw/char/debugcon.c behaviour and its properties iobase/chardev/readback.
 */
#include "kemu/chardev.h"
#include "kemu/device.h"
#include "kemu/isa.h"
#include "kemu/memory.h"

typedef struct DebugconState {
    Device parent;
    uint32_t iobase;   /* port */
    uint32_t readback; /* value returned by reads */
    Chardev *chr;
    MemRegion io;
} DebugconState;

static void debugcon_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    DebugconState *s = opaque;
    uint8_t byte = (uint8_t)val;

    chr_write(s->chr, &byte, 1);
}

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    DebugconState *s = opaque;

    return s->readback & 0xff;
}

static const IoOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool debugcon_realize(Device *dev, Error **errp)
{
    DebugconState *s = (DebugconState *)dev;

    if (!s->chr) {
        error_setg(errp, "Can't create debugcon device, empty char device");
        return false;
    }
    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x out of range", s->iobase);
        return false;
    }
    mr_init_io(&s->io, "debugcon", 1, &debugcon_ops, s);
    isa_register_ioport(&s->io, (uint16_t)s->iobase);
    return true;
}

static const Property debugcon_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, DebugconState, iobase, 0xe9, "I/O port"),
    DEFINE_PROP_CHR("chardev", DebugconState, chr),
    DEFINE_PROP("readback", PROP_UINT32, DebugconState, readback, 0xe9,
                "value returned by reads of the port"),
    DEFINE_PROP_END,
};

static const DeviceClass debugcon_class = {
    .name = "isa-debugcon",
    .desc = "debug console on an I/O port (Bochs port 0xe9 hack)",
    .category = "char",
    .bus = "isa",
    .instance_size = sizeof(DebugconState),
    .props = debugcon_props,
    .user_creatable = true,
    .realize = debugcon_realize,
};
DEVICE_CLASS(debugcon_class)
