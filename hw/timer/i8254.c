/* SPDX-License-Identifier: MIT */
/*
 * Intel 8254 programmable interval timer ("isa-pit").
 *
 * Models the three counters of the 8254 (Intel datasheet 231164): the
 * control word (counter select, read/write LSB/MSB/both, modes 0-5, BCD),
 * the counter latch command, the read-back command (count and/or status,
 * including the OUT and NULL COUNT bits), the separate read and write byte
 * flip-flops for two-byte counts, and the six modes with their GATE
 * behaviour: mode 0 interrupt on terminal count, 1 hardware retriggerable
 * one-shot, 2 rate generator, 3 square wave (odd counts included),
 * 4 software and 5 hardware triggered strobe. As in the datasheet, a count
 * is transferred to the counting element on the CLK pulse after it is
 * written (or after the trigger), modes 2 and 3 pick up a rewritten count
 * at the end of the current cycle/half-cycle, and in mode 0 writing the
 * first byte of a two-byte count stops the counter with OUT low.
 *
 * The counters are not stepped: each is a function of the virtual clock
 * (vclock_get_ns) converted to 1.193182 MHz ticks. Only counter 0 has an
 * output pin (IRQ0), so only it arms a timer, at its next OUT edge. The
 * timer may run late (host clock): OUT0 is then replayed edge by edge from
 * the last tick it was driven for, so the one-tick low pulse of mode 2 (or
 * any edge) still reaches IRQ0 as a fall and a rise (QEMU evaluates OUT at
 * the scheduled transition time for the same reason). Reset
 * state follows QEMU (hw/timer/i8254_common.c): every counter in mode 3
 * with count 0 (65536), GATE0/1 high and GATE2 low. The control port reads
 * as 0xff (the datasheet: no operation, bus floats).
 */
#include "kemu/hw/i8254.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

/* Control word fields */
#define PIT_SC(v) (((v) >> 6) & 3) /* counter select, 3 = read-back */
#define PIT_RW(v) (((v) >> 4) & 3) /* 0 latch, 1 LSB, 2 MSB, 3 LSB then MSB */
#define PIT_M(v) (((v) >> 1) & 7)
#define PIT_BCD 0x01
/* Read-back command */
#define PIT_RB_NOT_COUNT 0x20
#define PIT_RB_NOT_STATUS 0x10
/* Status byte */
#define PIT_ST_OUT 0x80
#define PIT_ST_NULL 0x40

enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD };
enum {
    PIT_IDLE,    /* control word written, no count yet (or mode 0 half-written) */
    PIT_WAIT,    /* modes 1/5: count written, waiting for a GATE trigger */
    PIT_RUNNING, /* counting from start */
    PIT_PAUSED,  /* GATE low: modes 0/4 hold at paused_d, modes 2/3 hold OUT high */
};

typedef struct PITChannel {
    int64_t start;      /* tick of the CLK that loaded n into the counter (d = 0) */
    int64_t paused_d;   /* modes 0/4 with GATE low: ticks counted so far */
    int64_t load_tick;  /* tick that clears NULL COUNT, -1 none pending */
    int64_t reload_tick; /* modes 2/3: tick a rewritten count takes over, -1 none */
    int64_t reload_start; /* start to use from reload_tick */
    uint32_t n;         /* count being counted: 1..65536 (1..10000 BCD) */
    uint32_t reload_n;
    uint16_t cr;        /* count register as written */
    uint16_t hold;      /* counter value when not counting */
    uint16_t latch;     /* latched count */
    uint8_t ctrl;       /* control word bits 5-0 (RW, M, BCD) */
    uint8_t mode;       /* 0-5 (6, 7 alias 2, 3) */
    uint8_t phase;      /* PIT_IDLE.. */
    uint8_t gate;       /* GATE input level */
    uint8_t null_count; /* CR written but not yet in the counting element */
    uint8_t wflip;      /* RW_WORD write: 1 = MSB next */
    uint8_t wlsb;       /* RW_WORD write: LSB held until the MSB */
    uint8_t rflip;      /* RW_WORD read: 1 = MSB next */
    uint8_t latch_state; /* 0 none, RW_LSB/RW_MSB next byte, RW_WORD: LSB next */
    uint8_t status_latched;
    uint8_t status;
} PITChannel;

typedef struct PITState {
    Device parent;
    uint32_t iobase;     /* property */
    IrqLine *irq;        /* OUT0 */
    MemRegion io;
    Timer timer;         /* next OUT0 edge */
    PITChannel ch[3];
    uint8_t irq_level;   /* OUT0 as last driven */
    int64_t out_tick;    /* tick up to which irq_level follows OUT0 */
} PITState;

/* ---- time base ---- */

static int64_t pit_tick_of(int64_t ns)
{
    return (int64_t)((__int128)ns * PIT_FREQ / NANOSECONDS_PER_SECOND);
}

/* First virtual ns at which tick has begun. */
static int64_t pit_ns_of(int64_t tick)
{
    __int128 t = (__int128)tick * NANOSECONDS_PER_SECOND;

    return (int64_t)((t + PIT_FREQ - 1) / PIT_FREQ);
}

static int64_t pit_now(void)
{
    return pit_tick_of(vclock_get_ns());
}

/* ---- count encoding ---- */

static uint32_t pit_modulus(const PITChannel *c)
{
    return (c->ctrl & PIT_BCD) ? 10000 : 0x10000;
}

/* CR as a count: 0 is the largest count. BCD digits above 9 are taken
 * at face value (the datasheet leaves them undefined). */
static uint32_t pit_decode(const PITChannel *c, uint16_t cr)
{
    uint32_t v = cr;

    if (c->ctrl & PIT_BCD)
        v = (cr >> 12) * 1000 + ((cr >> 8) & 15) * 100 + ((cr >> 4) & 15) * 10 + (cr & 15);
    return v ? v : pit_modulus(c);
}

static uint16_t pit_encode(const PITChannel *c, uint32_t v)
{
    v %= pit_modulus(c);
    if (!(c->ctrl & PIT_BCD))
        return v;
    return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10);
}

/* ---- the counting element as a function of d (ticks since load) ---- */

static uint32_t pit_half_high(uint32_t n)
{
    return (n + 1) / 2; /* mode 3: OUT high for (N+1)/2 clocks, low for N/2 */
}

static bool pit_out_at(uint8_t mode, uint32_t n, int64_t d)
{
    switch (mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < pit_half_high(n);
    default: /* 4, 5 */
        return d != n;
    }
}

/* Counter value (decoded) at d >= 0. */
static uint32_t pit_value_at(const PITChannel *c, int64_t d)
{
    uint32_t n = c->n, hi = pit_half_high(n), e;

    switch (c->mode) {
    case 2:
        return n - d % n;
    case 3:
        e = d % n;
        if (e >= hi)
            e -= hi;
        /* even N: N, N-2, .., 2; odd N: N-1, N-3, .., 0 in each half */
        return (n & 1) ? n - 1 - 2 * e : n - 2 * e;
    default:
        return (uint32_t)(((int64_t)n - d % pit_modulus(c) + pit_modulus(c)) % pit_modulus(c));
    }
}

/* Apply what happened up to tick: NULL COUNT clearing, mode 2/3 reloads. */
static void pit_sync(PITChannel *c, int64_t tick)
{
    if (c->reload_tick >= 0 && tick >= c->reload_tick) {
        c->n = c->reload_n;
        c->start = c->reload_start;
        c->reload_tick = -1;
    }
    if (c->load_tick >= 0 && tick >= c->load_tick) {
        c->null_count = 0;
        c->load_tick = -1;
    }
}

static bool pit_out(const PITChannel *c, int64_t tick)
{
    switch (c->phase) {
    case PIT_IDLE:
        return c->mode != 0;
    case PIT_WAIT:
        return true;
    case PIT_PAUSED:
        return (c->mode == 0 || c->mode == 4) ? pit_out_at(c->mode, c->n, c->paused_d) : true;
    default:
        if (tick < c->start)
            return c->mode != 0; /* the initial OUT state until the load */
        return pit_out_at(c->mode, c->n, tick - c->start);
    }
}

static uint16_t pit_value(const PITChannel *c, int64_t tick)
{
    if (c->phase == PIT_RUNNING && tick >= c->start)
        return pit_encode(c, pit_value_at(c, tick - c->start));
    if (c->phase == PIT_PAUSED && (c->mode == 0 || c->mode == 4))
        return pit_encode(c, pit_value_at(c, c->paused_d));
    return c->hold;
}

/* OUT at tick, with pending reloads applied on a copy. */
static bool pit_out_sync(const PITChannel *c, int64_t tick)
{
    PITChannel t = *c;

    pit_sync(&t, tick);
    return pit_out(&t, tick);
}

/* Next tick after tick where OUT may change, or -1. */
static int64_t pit_next_event(const PITChannel *c, int64_t tick)
{
    int64_t d = tick - c->start, next, base;
    uint32_t n = c->n;

    if (c->phase != PIT_RUNNING)
        return -1;
    if (d < 0) {
        next = c->start;
    } else {
        switch (c->mode) {
        case 0:
        case 1:
            next = d < n ? c->start + n : -1;
            break;
        case 2:
        case 3:
            if (n == 1) { /* OUT stuck (count 1 is illegal in modes 2/3) */
                next = -1;
                break;
            }
            base = d - d % n;
            next = (c->mode == 2) ? base + n - 1 : base + pit_half_high(n);
            if (next <= d)
                next = base + n;
            next += c->start;
            break;
        default:
            next = d < n ? c->start + n : (d == n ? c->start + n + 1 : -1);
            break;
        }
    }
    if (c->reload_tick > tick && (next < 0 || c->reload_tick < next))
        next = c->reload_tick;
    return next;
}

/* The tick at which OUT next differs from its level at tick, or -1. */
static int64_t pit_next_edge(const PITChannel *c, int64_t tick)
{
    bool level = pit_out_sync(c, tick);
    PITChannel t = *c;
    int64_t e = tick;

    for (int i = 0; i < 4; i++) {
        pit_sync(&t, e);
        e = pit_next_event(&t, e);
        if (e < 0 || pit_out_sync(&t, e) != level)
            return e;
    }
    return e; /* not decided yet: look again then */
}

/* ---- OUT0 and its timer ---- */

/* Edges driven one by one in a single catch-up; a longer stall (the VM
 * was descheduled) coalesces the rest, as the 8259's IRR would anyway. */
#define PIT_MAX_CATCHUP_EDGES 64

static void pit_drive_out0(PITState *s, int level)
{
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

/*
 * Bring OUT0 and IRQ 0 from out_tick up to tick, edge by edge, each at the
 * tick it happens. A timer callback (or a port access) that runs after
 * the one-tick low pulse of mode 2 still raises and lowers the line for
 * it instead of seeing OUT0 high again "now" and missing the IRQ.
 */
static void pit_out0_catch_up(PITState *s, int64_t tick)
{
    PITChannel *c = &s->ch[0];

    for (int i = 0; i < PIT_MAX_CATCHUP_EDGES && s->out_tick < tick; i++) {
        int64_t e = pit_next_edge(c, s->out_tick);

        if (e < 0 || e > tick)
            break;
        pit_sync(c, e);
        pit_drive_out0(s, pit_out(c, e));
        s->out_tick = e;
    }
    pit_sync(c, tick);
    pit_drive_out0(s, pit_out(c, tick));
    if (tick > s->out_tick)
        s->out_tick = tick;
}

/* Bring channel i up to tick before it is read or changed. */
static void pit_channel_sync(PITState *s, int i, int64_t tick)
{
    if (i == 0)
        pit_out0_catch_up(s, tick);
    else
        pit_sync(&s->ch[i], tick);
}

/* After a change to counter 0 (or from its timer): drive OUT0 as of now
 * and arm the timer for its next edge. */
static void pit_irq_update(PITState *s)
{
    int64_t tick = pit_now(), next;

    pit_out0_catch_up(s, tick);
    next = pit_next_edge(&s->ch[0], tick);
    if (next > tick)
        timer_mod(&s->timer, pit_ns_of(next));
    else
        timer_del(&s->timer);
}

static void pit_timer_cb(void *opaque)
{
    pit_irq_update(opaque);
}

static void pit_changed(PITState *s, int i)
{
    if (i == 0)
        pit_irq_update(s);
}

/* ---- loading counts ---- */

static void pit_start(PITChannel *c, uint32_t n, int64_t start)
{
    c->n = n;
    c->start = start;
    c->load_tick = start;
    c->reload_tick = -1;
    c->phase = PIT_RUNNING;
}

/* Modes 2/3: the tick the current cycle (2) or half-cycle (3) ends. */
static void pit_schedule_reload(PITChannel *c, uint32_t n, int64_t tick)
{
    int64_t d = tick - c->start, base = d - d % c->n, end;

    if (c->mode == 2) {
        end = base + c->n;
        c->reload_start = c->start + end;
    } else if (d - base < pit_half_high(c->n)) {
        end = base + pit_half_high(c->n);
        c->reload_start = c->start + end - pit_half_high(n); /* low half next */
    } else {
        end = base + c->n;
        c->reload_start = c->start + end;
    }
    c->reload_tick = c->start + end;
    c->reload_n = n;
    c->load_tick = c->reload_tick;
}

/* The CR was written completely: transfer it as the mode dictates. */
static void pit_load(PITChannel *c, int64_t tick)
{
    uint32_t n = pit_decode(c, c->cr);

    c->null_count = 1;
    c->load_tick = -1;
    switch (c->mode) {
    case 1:
    case 5:
        if (c->phase == PIT_IDLE)
            c->phase = PIT_WAIT; /* loaded by the next trigger */
        break;
    case 2:
    case 3:
        if (c->phase == PIT_RUNNING && tick >= c->start) {
            pit_schedule_reload(c, n, tick);
        } else if (c->gate) {
            pit_start(c, n, tick + 1);
        } else {
            c->n = n;
            c->hold = pit_encode(c, n);
            c->phase = PIT_PAUSED; /* waits for GATE */
            c->null_count = 0;
        }
        break;
    default: /* 0, 4: loaded on the next CLK, counting needs GATE */
        if (c->gate) {
            pit_start(c, n, tick + 1);
        } else {
            c->n = n;
            c->paused_d = 0;
            c->phase = PIT_PAUSED;
            c->null_count = 0;
        }
        break;
    }
}

static void pit_write_count(PITChannel *c, uint8_t val, int64_t tick)
{
    switch (PIT_RW(c->ctrl)) {
    case RW_LSB:
        c->cr = val;
        break;
    case RW_MSB:
        c->cr = val << 8;
        break;
    default:
        if (!c->wflip) {
            c->wlsb = val;
            c->wflip = 1;
            if (c->mode == 0) { /* first byte stops the count, OUT low */
                c->hold = pit_value(c, tick);
                c->phase = PIT_IDLE;
            }
            return;
        }
        c->cr = c->wlsb | val << 8;
        c->wflip = 0;
        break;
    }
    pit_load(c, tick);
}

/* ---- GATE ---- */

static void pit_gate_rise(PITChannel *c, int64_t tick)
{
    switch (c->mode) {
    case 1:
    case 5:
        if (c->phase != PIT_IDLE) /* trigger: reload from CR */
            pit_start(c, pit_decode(c, c->cr), tick + 1);
        break;
    case 2:
    case 3:
        if (c->phase == PIT_PAUSED)
            pit_start(c, pit_decode(c, c->cr), tick + 1);
        break;
    default:
        if (c->phase == PIT_PAUSED) {
            c->phase = PIT_RUNNING;
            c->start = tick - c->paused_d;
        }
        break;
    }
}

static void pit_gate_fall(PITChannel *c, int64_t tick)
{
    if (c->phase != PIT_RUNNING)
        return;
    switch (c->mode) {
    case 0:
    case 4:
        c->paused_d = tick > c->start ? tick - c->start : 0;
        c->phase = PIT_PAUSED;
        break;
    case 2:
    case 3:
        c->hold = pit_value(c, tick);
        c->reload_tick = -1;
        c->load_tick = -1;
        c->phase = PIT_PAUSED;
        break;
    default: /* 1, 5: GATE level does not matter */
        break;
    }
}

void pit_set_gate(Device *dev, int i, int level)
{
    PITState *s = (PITState *)dev;
    PITChannel *c;
    int64_t tick = pit_now();

    if (i < 0 || i > 2)
        return;
    c = &s->ch[i];
    pit_channel_sync(s, i, tick);
    level = level != 0;
    if (level && !c->gate)
        pit_gate_rise(c, tick);
    else if (!level && c->gate)
        pit_gate_fall(c, tick);
    c->gate = level;
    pit_changed(s, i);
}

int pit_get_gate(Device *dev, int i)
{
    return (i >= 0 && i <= 2) ? ((PITState *)dev)->ch[i].gate : 0;
}

int pit_get_out(Device *dev, int i)
{
    PITState *s = (PITState *)dev;
    int64_t tick = pit_now();

    if (i < 0 || i > 2)
        return 0;
    pit_channel_sync(s, i, tick);
    return pit_out(&s->ch[i], tick);
}

static void pit_gate_in(void *opaque, int n, int level)
{
    pit_set_gate(opaque, n, level);
}

/* ---- control word, latch and read-back ---- */

static void pit_latch_count(PITChannel *c, int64_t tick)
{
    if (c->latch_state)
        return; /* the first latch holds until it is read */
    c->latch = pit_value(c, tick);
    c->latch_state = PIT_RW(c->ctrl) ? PIT_RW(c->ctrl) : RW_WORD;
}

static void pit_latch_status(PITChannel *c, int64_t tick)
{
    if (c->status_latched)
        return;
    c->status = (pit_out(c, tick) ? PIT_ST_OUT : 0) | (c->null_count ? PIT_ST_NULL : 0) |
                (c->ctrl & 0x3f);
    c->status_latched = 1;
}

static void pit_read_back(PITState *s, uint8_t val, int64_t tick)
{
    for (int i = 0; i < 3; i++) {
        if (!(val & (2 << i)))
            continue;
        pit_channel_sync(s, i, tick);
        if (!(val & PIT_RB_NOT_STATUS))
            pit_latch_status(&s->ch[i], tick);
        if (!(val & PIT_RB_NOT_COUNT))
            pit_latch_count(&s->ch[i], tick);
    }
}

static void pit_write_control(PITState *s, uint8_t val, int64_t tick)
{
    PITChannel *c;

    if (PIT_SC(val) == 3) {
        pit_read_back(s, val, tick);
        return;
    }
    c = &s->ch[PIT_SC(val)];
    pit_channel_sync(s, PIT_SC(val), tick);
    if (PIT_RW(val) == RW_LATCH) {
        pit_latch_count(c, tick);
        return;
    }
    c->hold = pit_value(c, tick);
    c->ctrl = val & 0x3f;
    c->mode = PIT_M(val) & (PIT_M(val) >= 6 ? 3 : 7);
    c->phase = PIT_IDLE;
    c->null_count = 1;
    c->load_tick = -1;
    c->reload_tick = -1;
    c->wflip = 0;
    c->rflip = 0;
    pit_changed(s, PIT_SC(val));
}

static uint8_t pit_read_counter(PITChannel *c, int64_t tick)
{
    uint16_t v;

    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    switch (c->latch_state) {
    case RW_LSB:
        c->latch_state = 0;
        return c->latch;
    case RW_MSB:
        c->latch_state = 0;
        return c->latch >> 8;
    case RW_WORD:
        c->latch_state = RW_MSB;
        return c->latch;
    default:
        break;
    }
    v = pit_value(c, tick);
    switch (PIT_RW(c->ctrl)) {
    case RW_LSB:
        return v;
    case RW_MSB:
        return v >> 8;
    default:
        c->rflip ^= 1;
        return c->rflip ? v : v >> 8;
    }
}

static uint64_t pit_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    int64_t tick = pit_now();

    if (addr == 3)
        return 0xff; /* control word register is write-only */
    pit_channel_sync(s, addr, tick);
    return pit_read_counter(&s->ch[addr], tick);
}

static void pit_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PITState *s = opaque;
    int64_t tick = pit_now();

    if (addr == 3) {
        pit_write_control(s, val, tick);
        return;
    }
    pit_channel_sync(s, addr, tick);
    pit_write_count(&s->ch[addr], val, tick);
    pit_changed(s, addr);
}

static const IoOps pit_io_ops = {
    .read = pit_io_read,
    .write = pit_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

static void pit_reset(Device *dev)
{
    PITState *s = (PITState *)dev;
    int64_t tick = pit_now();

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];

        memset(c, 0, sizeof(*c));
        c->ctrl = (RW_WORD << 4) | (3 << 1);
        c->mode = 3;
        c->gate = i != 2;
        c->load_tick = -1;
        c->reload_tick = -1;
        c->n = 0x10000;
        c->start = tick;
        c->phase = c->gate ? PIT_RUNNING : PIT_PAUSED;
    }
    s->irq_level = 0;
    s->out_tick = tick;
    irq_set(s->irq, 0);
    pit_irq_update(s);
}

static bool pit_realize(Device *dev, Error **errp)
{
    PITState *s = (PITState *)dev;

    if (s->iobase > 0xfffc) {
        error_setg(errp, "isa-pit: iobase 0x%x out of range", s->iobase);
        return false;
    }
    s->irq = isa_get_irq(0);
    device_init_gpio_out(dev, &s->irq, 1);
    device_init_gpio_in(dev, pit_gate_in, 3);
    timer_init(&s->timer, pit_timer_cb, s);
    mr_init_io(&s->io, "pit", 4, &pit_io_ops, s);
    isa_register_ioport(&s->io, s->iobase);
    pit_reset(dev);
    return true;
}

static void pit_unrealize(Device *dev)
{
    timer_del(&((PITState *)dev)->timer);
}

static int pit_post_load(Device *dev)
{
    PITState *s = (PITState *)dev;

    irq_set(s->irq, s->irq_level);
    pit_irq_update(s);
    return 0;
}

static const VMStateField pit_vmstate_fields[] = {
    VMSTATE_ARRAY(PITState, ch),
    VMSTATE_FIELD(PITState, irq_level),
    VMSTATE_FIELD(PITState, out_tick),
    VMSTATE_END,
};

static const VMStateDesc pit_vmstate = {
    .name = "i8254",
    .version = 2,
    .fields = pit_vmstate_fields,
    .post_load = pit_post_load,
};

static const Property pit_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, PITState, iobase, 0x40, "base port (4 ports)"),
    DEFINE_PROP_END,
};

static const DeviceClass pit_class = {
    .name = TYPE_PIT,
    .desc = "Intel 8254 programmable interval timer",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(PITState),
    .props = pit_props,
    .user_creatable = true,
    .realize = pit_realize,
    .reset = pit_reset,
    .unrealize = pit_unrealize,
    .vmsd = &pit_vmstate,
};
DEVICE_CLASS(pit_class)
