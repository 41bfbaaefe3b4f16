/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC ("ioapic"): 24 interrupt inputs redirected to local APICs.
 *
 * Models the Intel 82093AA I/O APIC (datasheet order no. 290566): the
 * indirect register window (IOREGSEL at +0x00, IOWIN at +0x10), the ID,
 * version and arbitration registers, and 24 redirection table entries
 * (vector, delivery mode, destination mode, remote IRR, trigger mode,
 * mask, destination). Edge-triggered inputs latch a request on the rising
 * edge (ignored while masked, datasheet 3.2.4); level-triggered inputs
 * deliver while asserted and set Remote IRR until the local APIC's EOI
 * broadcast of their vector, after which a still-asserted line is
 * delivered again. Version 0x20 (as QEMU) adds the EOI register at +0x40
 * (directed EOI, from the later ICH IOAPICs).
 *
 * As in QEMU (hw/intc/ioapic.c): input 0 is delivered through entry 2
 * (ISA IRQ 0 is GSI 2), the polarity bit is stored but the inputs are
 * always active high, and ExtINT entries make the target APIC fetch the
 * vector from the 8259.
 */
#include "kemu/hw/apic.h"
#include "kemu/hw/ioapic.h"
#include "kemu/log.h"
#include "kemu/memory.h"

/* Registers in the MMIO window */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOI 0x40

/* Indirect registers */
#define IOAPICID 0x00
#define IOAPICVER 0x01
#define IOAPICARB 0x02
#define IOREDTBL 0x10

#define IOAPIC_VERSION 0x20

/* Redirection entry bits */
#define RTE_VECTOR 0xffULL
#define RTE_DM_SHIFT 8
#define RTE_DEST_LOGICAL (1ULL << 11)
#define RTE_DELIVERY_STATUS (1ULL << 12)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_DEST_SHIFT 56
#define RTE_WRITE_MASK_LO 0x0001afffULL
#define RTE_WRITE_MASK_HI 0xff000000ULL

typedef struct IOAPICState {
    Device parent;
    /* properties */
    uint32_t initial_id;       /* IOAPIC ID after reset */
    /* wiring */
    MemRegion io;
    /* guest-visible registers */
    uint8_t ioregsel;          /* selected indirect register */
    uint8_t id;                /* IOAPICID bits 27:24 */
    uint64_t redtbl[IOAPIC_NUM_PINS];
    /* pins */
    uint32_t irr;              /* pending requests, one bit per entry */
    uint32_t levels;           /* input levels, one bit per entry */
} IOAPICState;

static void ioapic_deliver(IOAPICState *s, int pin)
{
    uint64_t rte = s->redtbl[pin];

    if (rte & RTE_LEVEL)
        s->redtbl[pin] |= RTE_REMOTE_IRR;
    else
        s->irr &= ~(1u << pin);
    apic_bus_deliver(rte >> RTE_DEST_SHIFT, rte & RTE_DEST_LOGICAL, (rte >> RTE_DM_SHIFT) & 7,
                     rte & RTE_VECTOR, rte & RTE_LEVEL);
}

/* Deliver every pending, unmasked request not blocked by Remote IRR. */
static void ioapic_service(IOAPICState *s)
{
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t rte = s->redtbl[pin];

        if (!(s->irr & (1u << pin)) || (rte & RTE_MASKED))
            continue;
        if ((rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR))
            continue;
        ioapic_deliver(s, pin);
    }
}

static void ioapic_set_irq(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    int pin = n == 0 ? 2 : n; /* ISA IRQ 0 is GSI 2 (QEMU) */
    uint32_t mask;
    bool rising;

    if (pin < 0 || pin >= IOAPIC_NUM_PINS)
        return;
    mask = 1u << pin;
    rising = level && !(s->levels & mask);
    s->levels = level ? s->levels | mask : s->levels & ~mask;
    if (s->redtbl[pin] & RTE_LEVEL) {
        s->irr = level ? s->irr | mask : s->irr & ~mask;
    } else if (rising && !(s->redtbl[pin] & RTE_MASKED)) {
        s->irr |= mask;
    }
    ioapic_service(s);
}

/* EOI of vector: clear Remote IRR of the level entries that use it. */
static void ioapic_eoi(void *opaque, int vector)
{
    IOAPICState *s = opaque;

    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t rte = s->redtbl[pin];

        if ((rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR) && (rte & RTE_VECTOR) == (unsigned)vector)
            s->redtbl[pin] &= ~RTE_REMOTE_IRR;
    }
    ioapic_service(s);
}

/* ---- registers ---- */

static uint32_t ioapic_reg_read(IOAPICState *s)
{
    unsigned index = s->ioregsel;

    switch (index) {
    case IOAPICID:
    case IOAPICARB:
        return (uint32_t)s->id << 24;
    case IOAPICVER:
        return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << 16);
    }
    if (index >= IOREDTBL && index < IOREDTBL + 2 * IOAPIC_NUM_PINS) {
        uint64_t rte = s->redtbl[(index - IOREDTBL) / 2];

        return index & 1 ? rte >> 32 : (uint32_t)rte;
    }
    log_guest_error("ioapic: read of register 0x%02x\n", index);
    return 0xffffffffu;
}

static void ioapic_rte_write(IOAPICState *s, int pin, bool high, uint32_t val)
{
    uint64_t *rte = &s->redtbl[pin];
    bool was_level = *rte & RTE_LEVEL;

    if (high) {
        *rte = (*rte & 0xffffffffULL) | ((uint64_t)(val & RTE_WRITE_MASK_HI) << 32);
        return;
    }
    *rte = (*rte & ~RTE_WRITE_MASK_LO) | (val & RTE_WRITE_MASK_LO);
    if (!(*rte & RTE_LEVEL)) {
        *rte &= ~RTE_REMOTE_IRR;
        if (was_level)
            s->irr &= ~(1u << pin); /* a stale level request is no edge */
    } else if (s->levels & (1u << pin)) {
        s->irr |= 1u << pin;
    }
    ioapic_service(s);
}

static void ioapic_reg_write(IOAPICState *s, uint32_t val)
{
    unsigned index = s->ioregsel;

    if (index == IOAPICID) {
        s->id = (val >> 24) & 0xf;
    } else if (index >= IOREDTBL && index < IOREDTBL + 2 * IOAPIC_NUM_PINS) {
        ioapic_rte_write(s, (index - IOREDTBL) / 2, index & 1, val);
    } else if (index != IOAPICVER && index != IOAPICARB) {
        log_guest_error("ioapic: write of register 0x%02x\n", index);
    }
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case IOAPIC_IOREGSEL:
        return s->ioregsel;
    case IOAPIC_IOWIN:
        return ioapic_reg_read(s);
    }
    log_guest_error("ioapic: read at +0x%llx\n", (unsigned long long)addr);
    return 0xffffffffu;
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case IOAPIC_IOREGSEL:
        s->ioregsel = val;
        break;
    case IOAPIC_IOWIN:
        ioapic_reg_write(s, val);
        break;
    case IOAPIC_EOI:
        ioapic_eoi(s, val & 0xff);
        break;
    default:
        log_guest_error("ioapic: write at +0x%llx\n", (unsigned long long)addr);
        break;
    }
}

static const IoOps ioapic_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- device ---- */

static void ioapic_reset(Device *dev)
{
    IOAPICState *s = (IOAPICState *)dev;

    s->ioregsel = 0;
    s->id = s->initial_id & 0xf;
    s->irr = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++)
        s->redtbl[i] = RTE_MASKED;
}

static bool ioapic_realize(Device *dev, Error **errp)
{
    IOAPICState *s = (IOAPICState *)dev;

    device_init_gpio_in(dev, ioapic_set_irq, IOAPIC_NUM_PINS);
    mr_init_io(&s->io, "ioapic", 0x1000, &ioapic_ops, s);
    mr_add_subregion(&mr_system, IOAPIC_DEFAULT_ADDRESS, &s->io);
    apic_bus_add_eoi_listener(ioapic_eoi, s);
    ioapic_reset(dev);
    return true;
}

Device *ioapic_create(void)
{
    Device *dev = device_new(TYPE_IOAPIC, NULL);

    device_realize_or_die(dev);
    return dev;
}

static const Property ioapic_props[] = {
    DEFINE_PROP("ioapic-id", PROP_UINT32, IOAPICState, initial_id, 0, "IOAPIC ID after reset"),
    DEFINE_PROP_END,
};

static const VMStateField ioapic_vmstate_fields[] = {
    VMSTATE_FIELD(IOAPICState, ioregsel),
    VMSTATE_FIELD(IOAPICState, id),
    VMSTATE_ARRAY(IOAPICState, redtbl),
    VMSTATE_FIELD(IOAPICState, irr),
    VMSTATE_FIELD(IOAPICState, levels),
    VMSTATE_END,
};

static const VMStateDesc ioapic_vmstate = {
    .name = "ioapic",
    .version = 1,
    .fields = ioapic_vmstate_fields,
};

static const DeviceClass ioapic_class = {
    .name = TYPE_IOAPIC,
    .desc = "I/O APIC (the pc board creates it; -device ioapic only for tests)",
    .category = "misc",
    .bus = "sys",
    .instance_size = sizeof(IOAPICState),
    .props = ioapic_props,
    .user_creatable = true,
    .realize = ioapic_realize,
    .reset = ioapic_reset,
    .vmsd = &ioapic_vmstate,
};
DEVICE_CLASS(ioapic_class)
