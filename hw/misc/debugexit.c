/* SPDX-License-Identifier: MIT */
/*
 * isa-debug-exit: a port that makes the emulator exit with a status.
 *
 * A write of value v to any byte of the port range requests an exit with
 * status (v << 1) | 1, so a test program can report success or failure
 * and the status can never be mistaken for a clean 0 exit. Reads return 0.
 * Defaults: iobase 0x501, iosize 2. Reference: QEMU hw/misc/debugexit.c
 * behaviour (QEMU exits inside the write; kemu requests the shutdown and
 * the main loop exits between slices).
 */
#include "kemu/device.h"
#include "kemu/isa.h"
#include "kemu/mainloop.h"
#include "kemu/memory.h"

typedef struct DebugExitState {
    Device parent;
    uint32_t iobase; /* first port */
    uint32_t iosize; /* ports covered */
    MemRegion io;
} DebugExitState;

static void debugexit_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    qemu_system_shutdown_request(SHUTDOWN_EXIT_STATUS, (int)((val << 1) | 1));
}

static uint64_t debugexit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const IoOps debugexit_ops = {
    .read = debugexit_read,
    .write = debugexit_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool debugexit_realize(Device *dev, Error **errp)
{
    DebugExitState *s = (DebugExitState *)dev;

    if (s->iosize == 0 || s->iosize > 0x10000 || s->iobase > 0x10000 - s->iosize) {
        error_setg(errp, "isa-debug-exit: ports 0x%x+0x%x out of range", s->iobase, s->iosize);
        return false;
    }
    mr_init_io(&s->io, "isa-debug-exit", s->iosize, &debugexit_ops, s);
    isa_register_ioport(&s->io, (uint16_t)s->iobase);
    return true;
}

static const Property debugexit_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, DebugExitState, iobase, 0x501, "first I/O port"),
    DEFINE_PROP("iosize", PROP_UINT32, DebugExitState, iosize, 2, "number of I/O ports"),
    DEFINE_PROP_END,
};

static const DeviceClass debugexit_class = {
    .name = "isa-debug-exit",
    .desc = "exit the emulator with status (value << 1) | 1",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(DebugExitState),
    .props = debugexit_props,
    .user_creatable = true,
    .realize = debugexit_realize,
};
DEVICE_CLASS(debugexit_class)
