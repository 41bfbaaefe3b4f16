/* SPDX-License-Identifier: MIT */
/*
 * System control port A (port 0x92, "port92"): fast A20 and fast reset.
 *
 * Bit 1 drives the A20 gate (output pin 0, which the PC board connects to
 * the CPU's A20 input alongside the i8042's); a 0 -> 1 transition of bit 0
 * requests a system reset. The other bits are stored and read back. Reset
 * clears bit 0 and keeps the rest, as QEMU does.
 *
 * Reference: IBM PS/2 Hardware Interface Technical Reference, "System
 * Control Port A"; QEMU's port92 in hw/i386/pc.c.
 */
#include "kemu/device.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"

#define TYPE_PORT92 "port92"
#define PORT92_RESET 0x01
#define PORT92_A20 0x02

typedef struct Port92State {
    Device parent;
    uint8_t outport;   /* the register */
    IrqLine *a20_out;  /* A20 gate */
    MemRegion io;
} Port92State;

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = val;
    irq_set(s->a20_out, (val & PORT92_A20) != 0);
    if ((val & PORT92_RESET) && !(old & PORT92_RESET))
        qemu_system_reset_request();
}

static const IoOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool port92_realize(Device *dev, Error **errp)
{
    Port92State *s = (Port92State *)dev;

    device_init_gpio_out(dev, &s->a20_out, 1);
    mr_init_io(&s->io, "port92", 1, &port92_ops, s);
    isa_register_ioport(&s->io, 0x92);
    return true;
}

static void port92_reset(Device *dev)
{
    Port92State *s = (Port92State *)dev;

    s->outport &= ~PORT92_RESET;
}

static const VMStateField port92_vmstate_fields[] = {
    VMSTATE_FIELD(Port92State, outport),
    VMSTATE_END,
};

static const VMStateDesc port92_vmstate = {
    .name = TYPE_PORT92,
    .version = 1,
    .fields = port92_vmstate_fields,
};

static const DeviceClass port92_class = {
    .name = TYPE_PORT92,
    .desc = "System control port A (fast A20, fast reset)",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(Port92State),
    .realize = port92_realize,
    .reset = port92_reset,
    .vmsd = &port92_vmstate,
};
DEVICE_CLASS(port92_class)
