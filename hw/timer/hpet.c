/* SPDX-License-Identifier: MIT */
/*
 * High Precision Event Timer ("hpet").
 *
 * Models an event timer block of the IA-PC HPET specification 1.0a
 * (section 2.3): the capabilities/ID register (vendor 8086, revision 1,
 * 64-bit counter, LegacyReplacement capable, 10 ns period = 100 MHz as
 * QEMU), the general configuration (ENABLE_CNF halts and runs the main
 * counter, LEG_RT_CNF routes timer 0 to IRQ 0 / IOAPIC input 2 and timer
 * 1 to IRQ 8), the general interrupt status (level mode, write 1 to
 * clear), the main counter, and per timer the configuration and
 * capabilities (interrupt type, enable, periodic, value set, 32-bit mode,
 * route among the route capability), the comparator and the FSB route.
 *
 * As in QEMU (hw/timer/hpet.c): every timer is periodic and 64-bit
 * capable, every route capability is IRQ 2 only (property intcap), FSB
 * (MSI) delivery is not offered, a one-shot timer fires once per arming
 * (comparator write, interrupt enable, counter enable) and a comparator
 * already behind the counter fires at once, and in periodic mode a
 * comparator write sets the period (and the comparator too with
 * Tn_VAL_SET_CNF). Timers interrupt only while Tn_INT_ENB_CNF is set.
 */
#include "kemu/hw/hpet.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 24   /* what fits in the 1 KiB block */
#define HPET_PERIOD_NS 10
#define HPET_PERIOD_FS (HPET_PERIOD_NS * 1000000ULL)
#define HPET_MIN_PERIOD_NS 1000 /* periodic timers never fire more often */

/* Registers */
#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_GINTR_STA 0x020
#define HPET_MAIN_CNT 0x0f0
#define HPET_TIMER_BASE 0x100
#define HPET_TIMER_SIZE 0x20
#define HPET_TN_CONF 0x00
#define HPET_TN_CMP 0x08
#define HPET_TN_FSB 0x10

/* GCAP_ID */
#define GCAP_REV_ID 0x01
#define GCAP_NUM_TIM_SHIFT 8
#define GCAP_COUNT_SIZE (1u << 13)
#define GCAP_LEG_RT (1u << 15)
#define GCAP_VENDOR (0x8086u << 16)
/* GEN_CONF */
#define CONF_ENABLE (1u << 0)
#define CONF_LEG_RT (1u << 1)
/* Tn_CONF_CAP */
#define TN_INT_TYPE_LEVEL (1u << 1)
#define TN_INT_ENB (1u << 2)
#define TN_TYPE_PERIODIC (1u << 3)
#define TN_PER_INT_CAP (1u << 4)
#define TN_SIZE_CAP (1u << 5)
#define TN_VAL_SET (1u << 6)
#define TN_32MODE (1u << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1fu << TN_ROUTE_SHIFT)
#define TN_WRITE_MASK (TN_INT_TYPE_LEVEL | TN_INT_ENB | TN_TYPE_PERIODIC | TN_VAL_SET | TN_32MODE)

typedef struct HPETState HPETState;

/* One comparator; its registers live in HPETState (savestate tables). */
typedef struct HPETTimer {
    HPETState *s;
    int tn;                     /* timer number */
    Timer timer;
} HPETTimer;

struct HPETState {
    Device parent;
    /* properties */
    uint32_t num_timers;
    uint32_t intcap;            /* route capability of every timer */
    /* wiring */
    MemRegion io;
    IrqLine *out[HPET_NUM_ROUTES];
    HPETTimer timers[HPET_MAX_TIMERS];
    /* guest-visible registers */
    uint64_t config;            /* GEN_CONF */
    uint64_t isr;               /* GINTR_STA */
    uint64_t counter;           /* main counter (at t_enable while running) */
    int64_t t_enable;           /* virtual time the counter last started */
    uint64_t tn_config[HPET_MAX_TIMERS]; /* Tn_CONF_CAP */
    uint64_t tn_cmp[HPET_MAX_TIMERS];    /* Tn_COMPARATOR */
    uint64_t tn_period[HPET_MAX_TIMERS]; /* last comparator value written (periodic) */
    uint64_t tn_fsb[HPET_MAX_TIMERS];    /* Tn_FSB_INT_ROUTE */
    /* pins */
    uint8_t pit_level, rtc_level;
    uint32_t out_levels;        /* current level of each output */
};

/* A timer's registers. */
#define T_CONF(t) ((t)->s->tn_config[(t)->tn])
#define T_CMP(t) ((t)->s->tn_cmp[(t)->tn])
#define T_PERIOD(t) ((t)->s->tn_period[(t)->tn])

static bool hpet_enabled(const HPETState *s) { return s->config & CONF_ENABLE; }
static bool hpet_legacy(const HPETState *s) { return s->config & CONF_LEG_RT; }

static uint64_t hpet_cap(const HPETState *s)
{
    return GCAP_REV_ID | ((s->num_timers - 1) << GCAP_NUM_TIM_SHIFT) | GCAP_COUNT_SIZE |
           GCAP_LEG_RT | GCAP_VENDOR | (HPET_PERIOD_FS << 32);
}

static uint64_t hpet_counter(const HPETState *s, int64_t now)
{
    if (!hpet_enabled(s))
        return s->counter;
    return s->counter + (uint64_t)(now - s->t_enable) / HPET_PERIOD_NS;
}

/* Virtual time at which the running counter reaches value. */
static int64_t hpet_time_of(const HPETState *s, uint64_t value)
{
    return s->t_enable + (int64_t)((value - s->counter) * HPET_PERIOD_NS);
}

/* The output a timer drives (intcap keeps it below HPET_NUM_ROUTES). */
static int hpet_route(const HPETTimer *t)
{
    if (t->tn <= 1 && hpet_legacy(t->s))
        return t->tn == 0 ? 0 : 8;
    return (T_CONF(t) & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
}

/* Drive the outputs: level-mode timers with status set, and the PIT/RTC
 * pass-through while LegacyReplacement routing is off. */
static void hpet_update_lines(HPETState *s)
{
    uint32_t want = 0;

    if (!hpet_legacy(s))
        want = (s->pit_level ? 1u << 0 : 0) | (s->rtc_level ? 1u << 8 : 0);
    for (uint32_t i = 0; i < s->num_timers; i++) {
        HPETTimer *t = &s->timers[i];

        if ((T_CONF(t) & TN_INT_TYPE_LEVEL) && (T_CONF(t) & TN_INT_ENB) && (s->isr & (1u << i)) &&
            hpet_enabled(s))
            want |= 1u << hpet_route(t);
    }
    for (int r = 0; r < HPET_NUM_ROUTES; r++) {
        if (((want ^ s->out_levels) >> r) & 1)
            irq_set(s->out[r], (want >> r) & 1);
    }
    s->out_levels = want;
}

/* The comparator matched: status and interrupt (spec 2.3.9). */
static void hpet_timer_interrupt(HPETTimer *t)
{
    HPETState *s = t->s;
    int route = hpet_route(t);

    if (T_CONF(t) & TN_INT_TYPE_LEVEL) {
        s->isr |= 1u << t->tn;
        hpet_update_lines(s);
    } else if (!((s->out_levels >> route) & 1)) {
        irq_pulse(s->out[route]);
    }
}

/* Schedule the next comparator match, if the timer may interrupt. A
 * comparator behind the counter (by half the counter width at most)
 * fires at once, as in QEMU. */
static void hpet_timer_arm(HPETTimer *t)
{
    HPETState *s = t->s;
    uint64_t now_cnt = hpet_counter(s, vclock_get_ns()), diff;

    if (!hpet_enabled(s) || !(T_CONF(t) & TN_INT_ENB)) {
        timer_del(&t->timer);
        return;
    }
    if (T_CONF(t) & TN_32MODE) {
        int32_t d = (uint32_t)T_CMP(t) - (uint32_t)now_cnt;

        diff = d > 0 ? (uint64_t)d : 0;
    } else {
        diff = (int64_t)(T_CMP(t) - now_cnt) > 0 ? T_CMP(t) - now_cnt : 0;
    }
    if (diff > (1ULL << 56)) {
        timer_del(&t->timer); /* centuries away */
        return;
    }
    timer_mod(&t->timer, hpet_time_of(s, now_cnt + diff));
}

/* Periodic mode: step the comparator past the counter (spec 2.3.9.2.2). */
static void hpet_timer_advance(HPETTimer *t, uint64_t now_cnt)
{
    bool m32 = T_CONF(t) & TN_32MODE;
    uint64_t mask = m32 ? 0xffffffffULL : ~0ULL;
    uint64_t behind = (now_cnt - T_CMP(t)) & mask, min_step = HPET_MIN_PERIOD_NS / HPET_PERIOD_NS;

    if (m32 ? (int32_t)behind >= 0 : (int64_t)behind >= 0)
        T_CMP(t) = (T_CMP(t) + (behind / T_PERIOD(t) + 1) * T_PERIOD(t)) & mask;
    if (((T_CMP(t) - now_cnt) & mask) < min_step)
        T_CMP(t) = (now_cnt + min_step) & mask;
}

static void hpet_timer_fire(void *opaque)
{
    HPETTimer *t = opaque;
    bool periodic = (T_CONF(t) & TN_TYPE_PERIODIC) && T_PERIOD(t);

    if (periodic)
        hpet_timer_advance(t, hpet_counter(t->s, vclock_get_ns()));
    hpet_timer_interrupt(t);
    if (periodic)
        hpet_timer_arm(t);
}

/* ---- registers ---- */

static uint64_t hpet_timer_read(HPETTimer *t, unsigned reg)
{
    switch (reg) {
    case HPET_TN_CONF: return T_CONF(t);
    case HPET_TN_CMP: return T_CMP(t);
    case HPET_TN_FSB: return t->s->tn_fsb[t->tn];
    }
    return 0;
}

static uint64_t hpet_reg_read(HPETState *s, hwaddr addr)
{
    if (addr >= HPET_TIMER_BASE) {
        unsigned n = (addr - HPET_TIMER_BASE) / HPET_TIMER_SIZE;

        if (n < s->num_timers)
            return hpet_timer_read(&s->timers[n], (addr - HPET_TIMER_BASE) % HPET_TIMER_SIZE);
    }
    switch (addr) {
    case HPET_GCAP_ID: return hpet_cap(s);
    case HPET_GEN_CONF: return s->config;
    case HPET_GINTR_STA: return s->isr;
    case HPET_MAIN_CNT: return hpet_counter(s, vclock_get_ns());
    }
    log_guest_error("hpet: read of reserved register 0x%03x\n", (unsigned)addr);
    return 0;
}

static void hpet_timer_write_conf(HPETTimer *t, uint64_t val)
{
    uint64_t route = val & TN_ROUTE_MASK, old = T_CONF(t);

    if (!(t->s->intcap & (1u << (route >> TN_ROUTE_SHIFT)))) {
        log_guest_error("hpet: timer %d: route %u not supported\n", t->tn,
                        (unsigned)(route >> TN_ROUTE_SHIFT));
        route = old & TN_ROUTE_MASK;
    }
    if (!(old & TN_PER_INT_CAP))
        val &= ~(uint64_t)TN_TYPE_PERIODIC;
    T_CONF(t) = (old & ~(uint64_t)(TN_WRITE_MASK | TN_ROUTE_MASK)) | (val & TN_WRITE_MASK) | route;
    if (T_CONF(t) & TN_32MODE) {
        T_CMP(t) = (uint32_t)T_CMP(t);
        T_PERIOD(t) = (uint32_t)T_PERIOD(t);
    }
    hpet_update_lines(t->s);
    /* As QEMU: (re)arm when the interrupt gets enabled, not on every write. */
    if ((T_CONF(t) ^ old) & TN_INT_ENB)
        hpet_timer_arm(t);
}

static void hpet_timer_write_cmp(HPETTimer *t, uint64_t val)
{
    if (T_CONF(t) & TN_32MODE)
        val = (uint32_t)val;
    if (!(T_CONF(t) & TN_TYPE_PERIODIC) || (T_CONF(t) & TN_VAL_SET))
        T_CMP(t) = val;
    if (T_CONF(t) & TN_TYPE_PERIODIC)
        T_PERIOD(t) = val;
    T_CONF(t) &= ~(uint64_t)TN_VAL_SET;
    hpet_timer_arm(t);
}

static void hpet_timer_write(HPETTimer *t, unsigned reg, uint64_t val)
{
    switch (reg) {
    case HPET_TN_CONF: hpet_timer_write_conf(t, val); break;
    case HPET_TN_CMP: hpet_timer_write_cmp(t, val); break;
    case HPET_TN_FSB: t->s->tn_fsb[t->tn] = val; break;
    default: log_guest_error("hpet: timer %d: write of reserved +0x%02x\n", t->tn, reg); break;
    }
}

static void hpet_write_conf(HPETState *s, uint64_t val)
{
    int64_t now = vclock_get_ns();
    bool was_enabled = hpet_enabled(s);

    if (was_enabled && !(val & CONF_ENABLE))
        s->counter = hpet_counter(s, now);
    s->config = val & (CONF_ENABLE | CONF_LEG_RT);
    if (!was_enabled && hpet_enabled(s))
        s->t_enable = now;
    if (was_enabled != hpet_enabled(s)) {
        for (uint32_t i = 0; i < s->num_timers; i++)
            hpet_timer_arm(&s->timers[i]);
    }
    hpet_update_lines(s);
}

static void hpet_write_counter(HPETState *s, uint64_t val)
{
    if (hpet_enabled(s)) {
        log_guest_error("hpet: main counter written while running\n");
        return;
    }
    s->counter = val;
}

static void hpet_reg_write(HPETState *s, hwaddr addr, uint64_t val)
{
    if (addr >= HPET_TIMER_BASE) {
        unsigned n = (addr - HPET_TIMER_BASE) / HPET_TIMER_SIZE;

        if (n < s->num_timers) {
            hpet_timer_write(&s->timers[n], (addr - HPET_TIMER_BASE) % HPET_TIMER_SIZE, val);
            return;
        }
    }
    switch (addr) {
    case HPET_GCAP_ID: break;
    case HPET_GEN_CONF: hpet_write_conf(s, val); break;
    case HPET_GINTR_STA: s->isr &= ~val; hpet_update_lines(s); break;
    case HPET_MAIN_CNT: hpet_write_counter(s, val); break;
    default: log_guest_error("hpet: write of reserved register 0x%03x\n", (unsigned)addr); break;
    }
}

/* 32-bit accesses read or merge one half of a 64-bit register. */
static uint64_t hpet_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t val = hpet_reg_read(opaque, addr & ~7ULL);

    return size == 8 ? val : (uint32_t)(val >> ((addr & 4) * 8));
}

static void hpet_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    HPETState *s = opaque;
    hwaddr reg = addr & ~7ULL;
    uint64_t old;

    if (size == 4) {
        /* Status is write-1-to-clear: the other half must write zeros. */
        old = reg == HPET_GINTR_STA ? 0 : hpet_reg_read(s, reg);
        if (addr & 4)
            val = (old & 0xffffffffULL) | (val << 32);
        else
            val = (old & ~0xffffffffULL) | (uint32_t)val;
    }
    hpet_reg_write(s, reg, val);
}

static const IoOps hpet_ops = {
    .read = hpet_mmio_read,
    .write = hpet_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- pins ---- */

static void hpet_legacy_in(void *opaque, int n, int level)
{
    HPETState *s = opaque;

    if (n == HPET_IN_PIT)
        s->pit_level = level != 0;
    else
        s->rtc_level = level != 0;
    hpet_update_lines(s);
}

/* ---- device ---- */

static void hpet_reset(Device *dev)
{
    HPETState *s = (HPETState *)dev;

    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->t_enable = 0;
    for (uint32_t i = 0; i < s->num_timers; i++) {
        HPETTimer *t = &s->timers[i];

        timer_del(&t->timer);
        T_CONF(t) = TN_PER_INT_CAP | TN_SIZE_CAP | ((uint64_t)s->intcap << 32);
        T_CMP(t) = ~0ULL;
        T_PERIOD(t) = 0;
        s->tn_fsb[i] = 0;
    }
    hpet_update_lines(s);
}

static bool hpet_realize(Device *dev, Error **errp)
{
    HPETState *s = (HPETState *)dev;

    if (s->num_timers < HPET_MIN_TIMERS || s->num_timers > HPET_MAX_TIMERS) {
        error_setg(errp, "hpet: timers must be %d to %d", HPET_MIN_TIMERS, HPET_MAX_TIMERS);
        return false;
    }
    if (!s->intcap || (s->intcap >> HPET_NUM_ROUTES)) {
        error_setg(errp, "hpet: intcap must select GSIs 0 to %d", HPET_NUM_ROUTES - 1);
        return false;
    }
    for (uint32_t i = 0; i < s->num_timers; i++) {
        s->timers[i].s = s;
        s->timers[i].tn = i;
        timer_init(&s->timers[i].timer, hpet_timer_fire, &s->timers[i]);
    }
    device_init_gpio_in(dev, hpet_legacy_in, 2);
    device_init_gpio_out(dev, s->out, HPET_NUM_ROUTES);
    mr_init_io(&s->io, "hpet", 0x400, &hpet_ops, s);
    mr_add_subregion(&mr_system, HPET_DEFAULT_ADDRESS, &s->io);
    hpet_reset(dev);
    return true;
}

static int hpet_post_load(Device *dev)
{
    HPETState *s = (HPETState *)dev;

    for (uint32_t i = 0; i < s->num_timers; i++)
        hpet_timer_arm(&s->timers[i]);
    return 0;
}

Device *hpet_create(IrqLine **gsi)
{
    Device *dev = device_new(TYPE_HPET, NULL);

    device_realize_or_die(dev);
    for (int i = 0; gsi && i < HPET_NUM_ROUTES; i++)
        device_connect_gpio_out(dev, i, gsi[i]);
    return dev;
}

static const Property hpet_props[] = {
    DEFINE_PROP("timers", PROP_UINT32, HPETState, num_timers, HPET_MIN_TIMERS,
                "number of comparators (3-24)"),
    DEFINE_PROP("intcap", PROP_UINT32, HPETState, intcap, 0x4,
                "interrupt route capability of every timer (bit n: GSI n)"),
    DEFINE_PROP_END,
};

static const VMStateField hpet_vmstate_fields[] = {
    VMSTATE_FIELD(HPETState, config),
    VMSTATE_FIELD(HPETState, isr),
    VMSTATE_FIELD(HPETState, counter),
    VMSTATE_FIELD(HPETState, t_enable),
    VMSTATE_FIELD(HPETState, pit_level),
    VMSTATE_FIELD(HPETState, rtc_level),
    VMSTATE_FIELD(HPETState, out_levels),
    VMSTATE_ARRAY(HPETState, tn_config),
    VMSTATE_ARRAY(HPETState, tn_cmp),
    VMSTATE_ARRAY(HPETState, tn_period),
    VMSTATE_ARRAY(HPETState, tn_fsb),
    VMSTATE_END,
};

static const VMStateDesc hpet_vmstate = {
    .name = "hpet",
    .version = 1,
    .fields = hpet_vmstate_fields,
    .post_load = hpet_post_load,
};

static const DeviceClass hpet_class = {
    .name = TYPE_HPET,
    .desc = "High Precision Event Timer (the pc board creates it; -device hpet for tests)",
    .category = "misc",
    .bus = "sys",
    .instance_size = sizeof(HPETState),
    .props = hpet_props,
    .user_creatable = true,
    .realize = hpet_realize,
    .reset = hpet_reset,
    .vmsd = &hpet_vmstate,
};
DEVICE_CLASS(hpet_class)
