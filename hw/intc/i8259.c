/* SPDX-License-Identifier: MIT */
/*
 * Intel 8259A programmable interrupt controller ("isa-i8259"), one chip.
 *
 * Models the 8259A as described in Intel's datasheet (order no. 231468):
 * the IRR/ISR/IMR registers and the priority resolver, the initialization
 * sequence ICW1-ICW4 (edge or level triggering via LTIM, single or cascade
 * mode, ICW4 auto-EOI and special fully nested mode), OCW1 (mask), OCW2
 * (non-specific/specific EOI, rotate on non-specific/specific EOI, rotate
 * in auto-EOI mode, set priority), OCW3 (read IRR/ISR, poll command,
 * special mask mode), the cascade through the master's slave inputs, and
 * the spurious IR7 answer when a request goes away before INTA.
 * The PIIX edge/level control register (ELCR, ports 0x4d0/0x4d1) makes
 * individual lines level-triggered (Intel 82371AB PIIX4 datasheet 12.7).
 *
 * Where the datasheet describes timing that an emulator cannot see, kemu
 * follows QEMU (hw/intc/i8259.c): an edge-triggered request stays latched
 * in IRR when the input drops again before INTA (devices pulse their
 * lines), the MCS-80/85 call sequence and buffered mode are not modelled,
 * a poll with nothing pending reads 0, and machine reset clears the ELCR.
 * Edges are detected against the real pin levels, so after ICW1 an input
 * that is already high must go low and high again to request (datasheet:
 * "the edge sense latch is cleared").
 */
#include "kemu/hw/i8259.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/qtest.h"

#define PIC_NO_ELCR 0xffffffffu

/* ICW1 bits */
#define ICW1_IC4 0x01  /* ICW4 needed */
#define ICW1_SNGL 0x02 /* single mode (no ICW3) */
#define ICW1_ADI 0x04  /* call address interval (MCS-80 only) */
#define ICW1_LTIM 0x08 /* level triggered mode */
#define ICW1_INIT 0x10 /* this byte is ICW1 (A0=0) */
/* ICW4 bits */
#define ICW4_UPM 0x01  /* 8086/8088 mode */
#define ICW4_AEOI 0x02 /* automatic end of interrupt */
#define ICW4_BUF 0x0c  /* buffered mode, master/slave */
#define ICW4_SFNM 0x10 /* special fully nested mode */
/* OCW2/OCW3 selection (A0=0, D4=0): D3 = 1 selects OCW3 */
#define OCW_OCW3 0x08
/* OCW3 bits */
#define OCW3_RIS 0x01  /* read ISR (else IRR) */
#define OCW3_RR 0x02   /* RIS is valid */
#define OCW3_P 0x04    /* poll command */
#define OCW3_SMM 0x20  /* special mask mode */
#define OCW3_ESMM 0x40 /* SMM is valid */

typedef struct PICState {
    Device parent;
    /* properties */
    uint32_t iobase;        /* ports iobase (A0=0) and iobase+1 (A0=1) */
    uint32_t elcr_addr;     /* ELCR port, PIC_NO_ELCR for none */
    uint8_t elcr_mask;      /* lines that may be made level-triggered */
    bool master;            /* INT drives the CPU; slaves on ICW3 inputs */
    char *slave_id;         /* kemu extension: id of the slave on the cascade */
    /* wiring */
    IrqLine *int_out;       /* INT pin */
    MemRegion io;
    MemRegion elcr_io;
    struct PICState *slave; /* master only: the chip answering cascaded INTA */
    /* guest-visible state */
    uint8_t irr;            /* interrupt request register */
    uint8_t isr;            /* in-service register */
    uint8_t imr;            /* interrupt mask register (OCW1) */
    uint8_t elcr;           /* edge/level control: 1 = level */
    uint8_t icw1;           /* last ICW1 (IC4, SNGL, LTIM) */
    uint8_t icw3;           /* master: slave inputs; slave: its ID */
    uint8_t icw4;           /* AEOI, SFNM, uPM (0 when ICW4 was not sent) */
    uint8_t vector_base;    /* ICW2 T7-T3 */
    uint8_t priority_add;   /* IR level with the highest priority */
    uint8_t init_state;     /* 0 ready; 1-3 waiting for ICW2-ICW4 */
    uint8_t read_isr;       /* OCW3 RIS: A0=0 reads ISR */
    uint8_t poll;           /* OCW3 P: next read is a poll */
    uint8_t special_mask;   /* OCW3 SMM */
    uint8_t rotate_aeoi;    /* OCW2 rotate in automatic EOI mode */
    /* pins */
    uint8_t pins;           /* input levels IR0-IR7 */
    uint8_t int_level;      /* INT output level */
} PICState;

enum { PIC_INIT_READY, PIC_INIT_ICW2, PIC_INIT_ICW3, PIC_INIT_ICW4 };

static uint8_t pic_level_mask(PICState *s)
{
    return (s->icw1 & ICW1_LTIM) ? 0xff : s->elcr;
}

static bool pic_is_cascade(PICState *s, int irq)
{
    return s->master && !(s->icw1 & ICW1_SNGL) && (s->icw3 & (1 << irq));
}

/* Priority (0 highest .. 7 lowest) of the best bit in mask, 8 if none. */
static int pic_priority(PICState *s, uint8_t mask)
{
    for (int p = 0; p < 8; p++) {
        if (mask & (1 << ((p + s->priority_add) & 7)))
            return p;
    }
    return 8;
}

static int pic_irq_of(PICState *s, int priority)
{
    return (priority + s->priority_add) & 7;
}

/* The request the chip would signal on INT, or -1. */
static int pic_pending(PICState *s)
{
    int req = pic_priority(s, s->irr & ~s->imr);
    uint8_t in_service = s->isr;
    int cur;

    if (req == 8)
        return -1;
    if (s->special_mask)
        in_service &= ~s->imr; /* masked levels in service stop inhibiting */
    cur = pic_priority(s, in_service);
    if (req < cur)
        return pic_irq_of(s, req);
    /* SFNM: a slave in service does not block its own (cascade) level. */
    if (req == cur && (s->icw4 & ICW4_SFNM) && pic_is_cascade(s, pic_irq_of(s, req)))
        return pic_irq_of(s, req);
    return -1;
}

static void pic_update(PICState *s)
{
    int level = pic_pending(s) >= 0;

    if (level != s->int_level) {
        s->int_level = level;
        irq_set(s->int_out, level);
    }
}

static void pic_set_pin(void *opaque, int n, int level)
{
    PICState *s = opaque;
    uint8_t mask = 1 << (n & 7);

    if (pic_level_mask(s) & mask) {
        s->irr = level ? (s->irr | mask) : (s->irr & ~mask);
    } else if (level && !(s->pins & mask)) {
        s->irr |= mask; /* rising edge */
    }
    s->pins = level ? (s->pins | mask) : (s->pins & ~mask);
    pic_update(s);
}

/* Acknowledge irq (INTA or poll): set ISR or do the automatic EOI. */
static void pic_ack_irq(PICState *s, int irq)
{
    uint8_t mask = 1 << irq;

    if (!(pic_level_mask(s) & mask))
        s->irr &= ~mask;
    if (s->icw4 & ICW4_AEOI) {
        if (s->rotate_aeoi)
            s->priority_add = (irq + 1) & 7;
    } else {
        s->isr |= mask;
    }
}

/*
 * First INTA pulse on one chip: the level being acknowledged, or -1 when
 * the request vanished (the chip then answers IR7 without setting ISR).
 * The INT output drops during the cycle and rises again if another
 * request is still pending, so a cascaded master sees a fresh edge.
 */
static int pic_ack(PICState *s)
{
    int irq = pic_pending(s);

    if (irq >= 0)
        pic_ack_irq(s, irq);
    if (s->int_level) {
        s->int_level = 0;
        irq_set(s->int_out, 0);
    }
    return irq;
}

int i8259_intack(Device *dev)
{
    PICState *s = (PICState *)dev;
    int irq = pic_ack(s);
    int vector;

    if (irq < 0) {
        vector = s->vector_base | 7; /* spurious IR7 */
    } else if (pic_is_cascade(s, irq) && s->slave) {
        int irq2 = pic_ack(s->slave);

        vector = s->slave->vector_base | (irq2 < 0 ? 7 : irq2);
        pic_update(s->slave);
    } else {
        vector = s->vector_base | irq;
    }
    pic_update(s);
    return vector;
}

int i8259_intack_fn(void *opaque)
{
    return i8259_intack(opaque);
}

bool i8259_get_output(Device *dev)
{
    return pic_pending((PICState *)dev) >= 0;
}

/* ---- port A0=0: ICW1, OCW2, OCW3 ---- */

static void pic_write_icw1(PICState *s, uint8_t val)
{
    s->icw1 = val;
    s->init_state = PIC_INIT_ICW2;
    s->imr = 0;
    s->isr = 0;
    s->irr = s->pins & pic_level_mask(s); /* edge sense latches cleared */
    s->priority_add = 0;                  /* IR7 lowest */
    s->read_isr = 0;
    s->poll = 0;
    s->special_mask = 0;
    s->rotate_aeoi = 0;
    if (!(val & ICW1_IC4))
        s->icw4 = 0;
    if (val & ICW1_ADI)
        log_unimp("i8259: ICW1 ADI (MCS-80/85 call interval) ignored\n");
    pic_update(s);
}

/* Clear the highest-priority ISR bit (non-specific EOI); -1 if none. */
static int pic_eoi_highest(PICState *s)
{
    uint8_t in_service = s->isr;
    int p;

    if (s->special_mask)
        in_service &= ~s->imr; /* datasheet: masked IS bits are kept in SMM */
    p = pic_priority(s, in_service);
    if (p == 8)
        return -1;
    s->isr &= ~(1 << pic_irq_of(s, p));
    return pic_irq_of(s, p);
}

static void pic_write_ocw2(PICState *s, uint8_t val)
{
    int level = val & 7;
    int irq;

    switch (val >> 5) {
    case 0: /* rotate in automatic EOI mode (clear) */
    case 4: /* rotate in automatic EOI mode (set) */
        s->rotate_aeoi = val >> 7;
        break;
    case 1: /* non-specific EOI */
        pic_eoi_highest(s);
        break;
    case 5: /* rotate on non-specific EOI */
        irq = pic_eoi_highest(s);
        if (irq >= 0)
            s->priority_add = (irq + 1) & 7;
        break;
    case 3: /* specific EOI */
        s->isr &= ~(1 << level);
        break;
    case 7: /* rotate on specific EOI */
        s->isr &= ~(1 << level);
        s->priority_add = (level + 1) & 7;
        break;
    case 6: /* set priority: level becomes the lowest */
        s->priority_add = (level + 1) & 7;
        break;
    default: /* 2: no operation */
        break;
    }
    pic_update(s);
}

static void pic_write_ocw3(PICState *s, uint8_t val)
{
    if (val & 0x80)
        log_guest_error("i8259: OCW3 with D7 set (0x%02x)\n", val);
    if (val & OCW3_P)
        s->poll = 1;
    if (val & OCW3_RR)
        s->read_isr = val & OCW3_RIS;
    if (val & OCW3_ESMM)
        s->special_mask = (val & OCW3_SMM) != 0;
    pic_update(s);
}

/* ---- port A0=1: OCW1, ICW2-ICW4 ---- */

static void pic_write_data(PICState *s, uint8_t val)
{
    bool ic4 = s->icw1 & ICW1_IC4;

    switch (s->init_state) {
    case PIC_INIT_ICW2:
        s->vector_base = val & 0xf8;
        if (!(s->icw1 & ICW1_SNGL))
            s->init_state = PIC_INIT_ICW3;
        else
            s->init_state = ic4 ? PIC_INIT_ICW4 : PIC_INIT_READY;
        break;
    case PIC_INIT_ICW3:
        s->icw3 = val;
        s->init_state = ic4 ? PIC_INIT_ICW4 : PIC_INIT_READY;
        break;
    case PIC_INIT_ICW4:
        s->icw4 = val & (ICW4_UPM | ICW4_AEOI | ICW4_BUF | ICW4_SFNM);
        if (!(val & ICW4_UPM))
            log_unimp("i8259: MCS-80/85 mode not modelled, using 8086 mode\n");
        s->init_state = PIC_INIT_READY;
        break;
    default: /* OCW1 */
        s->imr = val;
        break;
    }
    pic_update(s);
}

/* Poll command: the read acts as an INTA on this chip alone. */
static uint8_t pic_poll_read(PICState *s)
{
    int irq = pic_pending(s);

    s->poll = 0;
    if (irq < 0)
        return 0;
    pic_ack_irq(s, irq);
    pic_update(s);
    return 0x80 | irq;
}

static uint64_t pic_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll)
        return pic_poll_read(s);
    if (addr == 1)
        return s->imr;
    return s->read_isr ? s->isr : s->irr;
}

static void pic_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PICState *s = opaque;

    if (addr == 1)
        pic_write_data(s, val);
    else if (val & ICW1_INIT)
        pic_write_icw1(s, val);
    else if (val & OCW_OCW3)
        pic_write_ocw3(s, val);
    else
        pic_write_ocw2(s, val);
}

static const IoOps pic_io_ops = {
    .read = pic_io_read,
    .write = pic_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- ELCR ---- */

static uint64_t pic_elcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((PICState *)opaque)->elcr;
}

static void pic_elcr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PICState *s = opaque;
    uint8_t level;

    s->elcr = val & s->elcr_mask;
    /* Lines now level-triggered request exactly while their pin is high. */
    level = pic_level_mask(s);
    s->irr = (s->irr & ~level) | (s->pins & level);
    pic_update(s);
}

static const IoOps pic_elcr_ops = {
    .read = pic_elcr_read,
    .write = pic_elcr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

static void pic_reset(Device *dev)
{
    PICState *s = (PICState *)dev;

    s->elcr = 0;
    s->icw1 = 0;
    s->icw3 = 0;
    s->icw4 = 0;
    s->vector_base = 0;
    s->init_state = PIC_INIT_READY;
    s->imr = 0;
    s->isr = 0;
    s->irr = 0;
    s->priority_add = 0;
    s->read_isr = 0;
    s->poll = 0;
    s->special_mask = 0;
    s->rotate_aeoi = 0;
    s->int_level = 0;
    irq_set(s->int_out, 0);
}

/* qtest "i8259_intack [ID]": run an INTA cycle, reply "OK 0xVV". */
static void pic_qtest_intack(int argc, char **argv)
{
    Device *d = argc > 1 ? device_find_by_id(argv[1]) : device_find_by_class(TYPE_I8259);

    if (!d || strcmp(d->cls->name, TYPE_I8259)) {
        qtest_reply("FAIL no isa-i8259 %s\n", argc > 1 ? argv[1] : "");
        return;
    }
    qtest_reply("OK 0x%02x\n", i8259_intack(d));
}

/* kemu extension: "-device isa-i8259,...,slave=ID" wires ID's INT to the
 * master's first cascade input (IR2) and answers cascaded INTA cycles. */
static bool pic_connect_slave(PICState *s, Error **errp)
{
    Device *d = device_find_by_id(s->slave_id);

    if (!d || d->cls != s->parent.cls || d == &s->parent) {
        error_setg(errp, "isa-i8259: slave '%s' is not an isa-i8259", s->slave_id);
        return false;
    }
    s->slave = (PICState *)d;
    device_connect_gpio_out(d, 0, device_gpio_in(&s->parent, 2));
    return true;
}

static bool pic_realize(Device *dev, Error **errp)
{
    static bool qtest_cmd_done;
    PICState *s = (PICState *)dev;

    if (s->iobase > 0xfffe || (s->elcr_addr != PIC_NO_ELCR && s->elcr_addr > 0xffff)) {
        error_setg(errp, "isa-i8259: port out of range");
        return false;
    }
    device_init_gpio_in(dev, pic_set_pin, 8);
    device_init_gpio_out(dev, &s->int_out, 1);
    mr_init_io(&s->io, "pic", 2, &pic_io_ops, s);
    isa_register_ioport(&s->io, s->iobase);
    if (s->elcr_addr != PIC_NO_ELCR) {
        mr_init_io(&s->elcr_io, "elcr", 1, &pic_elcr_ops, s);
        isa_register_ioport(&s->elcr_io, s->elcr_addr);
    }
    if (s->slave_id && *s->slave_id && !pic_connect_slave(s, errp))
        return false;
    if (!qtest_cmd_done) {
        qtest_register_command("i8259_intack", pic_qtest_intack);
        qtest_cmd_done = true;
    }
    pic_reset(dev);
    return true;
}

IrqLine **i8259_init_pair(IrqLine *cpu_intr, Device **master)
{
    IrqLine **lines = XNEW0N(IrqLine *, 16);
    Device *m = device_new(TYPE_I8259, NULL);
    Device *sl = device_new(TYPE_I8259, NULL);

    device_set_prop(sl, "master", "off", NULL);
    device_set_prop(sl, "iobase", "0xa0", NULL);
    device_set_prop(sl, "elcr_addr", "0x4d1", NULL);
    device_set_prop(sl, "elcr_mask", "0xde", NULL); /* IRQ8, IRQ13 edge only */
    device_realize_or_die(sl);
    device_set_prop(m, "elcr_mask", "0xf8", NULL);  /* IRQ0-2 edge only */
    device_realize_or_die(m);
    ((PICState *)m)->slave = (PICState *)sl;
    device_connect_gpio_out(m, 0, cpu_intr);
    device_connect_gpio_out(sl, 0, device_gpio_in(m, 2));
    for (int i = 0; i < 8; i++) {
        lines[i] = device_gpio_in(m, i);
        lines[8 + i] = device_gpio_in(sl, i);
    }
    if (master)
        *master = m;
    return lines;
}

static int pic_post_load(Device *dev)
{
    PICState *s = (PICState *)dev;

    irq_set(s->int_out, s->int_level);
    return 0;
}

static const VMStateField pic_vmstate_fields[] = {
    VMSTATE_FIELD(PICState, irr),
    VMSTATE_FIELD(PICState, isr),
    VMSTATE_FIELD(PICState, imr),
    VMSTATE_FIELD(PICState, elcr),
    VMSTATE_FIELD(PICState, icw1),
    VMSTATE_FIELD(PICState, icw3),
    VMSTATE_FIELD(PICState, icw4),
    VMSTATE_FIELD(PICState, vector_base),
    VMSTATE_FIELD(PICState, priority_add),
    VMSTATE_FIELD(PICState, init_state),
    VMSTATE_FIELD(PICState, read_isr),
    VMSTATE_FIELD(PICState, poll),
    VMSTATE_FIELD(PICState, special_mask),
    VMSTATE_FIELD(PICState, rotate_aeoi),
    VMSTATE_FIELD(PICState, pins),
    VMSTATE_FIELD(PICState, int_level),
    VMSTATE_END,
};

static const VMStateDesc pic_vmstate = {
    .name = "i8259",
    .version = 1,
    .fields = pic_vmstate_fields,
    .post_load = pic_post_load,
};

static const Property pic_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, PICState, iobase, 0x20, "base port (2 ports)"),
    DEFINE_PROP("elcr_addr", PROP_UINT32, PICState, elcr_addr, 0x4d0,
                "edge/level control port (0xffffffff: none)"),
    DEFINE_PROP("elcr_mask", PROP_UINT8, PICState, elcr_mask, 0xff,
                "ELCR bits the guest may set"),
    DEFINE_PROP("master", PROP_BOOL, PICState, master, true, "master chip (INT to the CPU)"),
    DEFINE_PROP_STRING("slave", PICState, slave_id, "id of the slave on IR2 (kemu extension)"),
    DEFINE_PROP_END,
};

static const DeviceClass pic_class = {
    .name = TYPE_I8259,
    .desc = "Intel 8259A interrupt controller",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(PICState),
    .props = pic_props,
    .user_creatable = true,
    .realize = pic_realize,
    .reset = pic_reset,
    .vmsd = &pic_vmstate,
};
DEVICE_CLASS(pic_class)
