/* SPDX-License-Identifier: MIT */
/*
 * Local APIC ("apic"), one per CPU, and the APIC bus between them.
 *
 * Models the xAPIC of Intel SDM Vol. 3A chapter 10 (11 in recent editions):
 * ID, version 0x50014 (as QEMU: version 0x14, six LVT entries), TPR/PPR,
 * EOI with the EOI broadcast of level-triggered vectors to the IOAPIC,
 * LDR/DFR (flat and cluster logical destinations), SVR, the 256-bit ISR,
 * TMR and IRR, the latched ESR, the ICR (fixed, lowest priority, SMI, NMI,
 * INIT, INIT level de-assert, start-up; destination shorthands; physical
 * and logical destinations), the LVT entries (timer, thermal, performance
 * counter, LINT0, LINT1, error) and the timer in one-shot, periodic and
 * TSC-deadline modes with its divide configuration, counting on the
 * virtual clock with a 1 GHz bus clock as QEMU does. Interrupts are
 * accepted by priority class against the PPR. The x2APIC MSR interface
 * (SDM 10.12; MSRs 0x800-0x8ff, IA32_APIC_BASE bit 10) is implemented.
 *
 * Where the SDM leaves room, kemu follows QEMU (hw/intc/apic.c): the BSP's
 * LINT0 resets to ExtINT (0x700) so that the 8259 works with the APIC
 * enabled; a software-disabled APIC still latches fixed interrupts in IRR
 * and lets ExtINT through LINT0; an ExtINT from the 8259 is acknowledged
 * before any vector in IRR; writes to the first 16 bytes of the register
 * page are MSI messages. The arbitration priority register reads 0 and
 * lowest-priority delivery picks the target with the lowest PPR.
 * Disabling the APIC in IA32_APIC_BASE resets its registers (SDM 10.4.3:
 * "prior initialization may be lost"); it may be re-enabled.
 *
 * The APIC bus (message routing, MSI, the shared register page) is in
 * apic_bus.c.
 */
#include "apic-internal.h"
#include "kemu/log.h"

/* Register indices: MMIO offset >> 4, x2APIC MSR - 0x800 (SDM table 10-1, 10-6). */
#define APIC_ID 0x02
#define APIC_LVR 0x03
#define APIC_TPR 0x08
#define APIC_APR 0x09
#define APIC_PPR 0x0a
#define APIC_EOI 0x0b
#define APIC_LDR 0x0d
#define APIC_DFR 0x0e
#define APIC_SVR 0x0f
#define APIC_ISR 0x10
#define APIC_TMR 0x18
#define APIC_IRR 0x20
#define APIC_ESR 0x28
#define APIC_ICR 0x30
#define APIC_ICR2 0x31
#define APIC_LVT0 0x32 /* first LVT register (timer) */
#define APIC_TMICT 0x38
#define APIC_TMCCT 0x39
#define APIC_TDCR 0x3e
#define APIC_SELF_IPI 0x3f

#define LVT_VECTOR 0xff
#define LVT_DM_SHIFT 8
#define LVT_POLARITY (1u << 13)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_LEVEL (1u << 15)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
enum { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };

/* SVR */
#define SVR_ENABLE (1u << 8)
#define SVR_WRITE_MASK 0x1ff

/* ESR */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_ADDRESS (1u << 7)

/* ICR */
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18
#define ICR_LO_WRITE_MASK 0x000ccfffu

/* QEMU's version register: version 0x14, max LVT entry 5. */
#define APIC_VERSION_DEFAULT 0x14

/* Periodic timers never fire more often than this (guards the timer list). */
#define APIC_TIMER_MIN_PERIOD_NS 1000

static void apic_update_irq(ApicState *s);
static void apic_timer_update(ApicState *s);
static void apic_set_irq(ApicState *s, int vector, bool level);

/* ---- 256-bit vectors ---- */

static bool apic_bit_get(const uint32_t *v, int n) { return (v[n >> 5] >> (n & 31)) & 1; }
static void apic_bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void apic_bit_clear(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }

/* Highest set bit of a 256-bit vector, -1 if none. */
static int apic_highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    }
    return -1;
}

/* ---- state helpers ---- */

static bool apic_sw_enabled(const ApicState *s) { return s->svr & SVR_ENABLE; }
static bool apic_is_bsp(const ApicState *s) { return s->apicbase & APICBASE_BSP; }
static int apic_lvt_dm(uint32_t lvt) { return (lvt >> LVT_DM_SHIFT) & 7; }
static int apic_timer_mode(const ApicState *s)
{
    return (s->lvt[LVT_TIMER] >> LVT_TIMER_MODE_SHIFT) & 3;
}

/* SDM 10.8.3.1: PPR is the TPR or the class of the highest in-service vector. */
uint8_t apic_ppr(const ApicState *s)
{
    int isrv = apic_highest(s->isr);
    uint8_t isr_class = isrv < 0 ? 0 : (isrv & 0xf0);

    return (s->tpr & 0xf0) >= isr_class ? s->tpr : isr_class;
}

/* >0: vector the CPU may take; 0: nothing; -1: something, masked by PPR. */
static int apic_pending_vector(const ApicState *s)
{
    int irrv;

    if (!apic_hw_enabled(s) || !apic_sw_enabled(s))
        return 0;
    irrv = apic_highest(s->irr);
    if (irrv < 0)
        return 0;
    return (irrv & 0xf0) > (apic_ppr(s) & 0xf0) ? irrv : -1;
}

/* Level of LINT n after the LVT's polarity. */
static bool apic_lint_active(const ApicState *s, int n)
{
    bool level = s->lint_level[n];

    if (apic_hw_enabled(s) && (s->lvt[LVT_LINT0 + n] & LVT_POLARITY))
        level = !level;
    return level;
}

/* The 8259 may interrupt through this APIC (QEMU's apic_accept_pic_intr). */
static bool apic_accepts_pic(const ApicState *s)
{
    uint32_t lvt0 = s->lvt[LVT_LINT0];

    if (!apic_hw_enabled(s))
        return true;
    return !(lvt0 & LVT_MASKED) && apic_lvt_dm(lvt0) == APIC_DM_EXTINT;
}

static bool apic_extint_pending(const ApicState *s)
{
    return s->extint_msg || (apic_accepts_pic(s) && apic_lint_active(s, 0));
}

/* Keep CPU_INTERRUPT_HARD equal to "the CPU has something to acknowledge". */
static void apic_update_irq(ApicState *s)
{
    bool level = apic_pending_vector(s) > 0 || apic_extint_pending(s);

    if (level != s->intr_level) {
        s->intr_level = level;
        irq_set(s->intr, level);
    }
    if (!s->cpu)
        return;
    if (level)
        cpu_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    else
        cpu_reset_interrupt(s->cpu, CPU_INTERRUPT_HARD);
}

/* ---- errors and local delivery ---- */

static void apic_error(ApicState *s, uint32_t bits)
{
    uint32_t lvt = s->lvt[LVT_ERROR];

    s->esr_pending |= bits;
    if (lvt & LVT_MASKED)
        return;
    if ((lvt & LVT_VECTOR) < 16) {
        s->esr_pending |= ESR_RECV_ILLEGAL_VECTOR; /* no second error interrupt */
        return;
    }
    apic_set_irq(s, lvt & LVT_VECTOR, false);
}

static void apic_cpu_signal(ApicState *s, uint32_t mask)
{
    if (s->cpu)
        cpu_interrupt(s->cpu, mask);
}

/* Deliver the interrupt of LVT entry n (SDM 10.5.1). */
static void apic_local_deliver(ApicState *s, int n)
{
    uint32_t lvt = s->lvt[n];
    bool level = (n == LVT_LINT0 || n == LVT_LINT1) && (lvt & LVT_LEVEL);

    if (lvt & LVT_MASKED)
        return;
    switch (apic_lvt_dm(lvt)) {
    case APIC_DM_FIXED:
        if (level)
            s->lvt[n] |= LVT_REMOTE_IRR;
        apic_set_irq(s, lvt & LVT_VECTOR, level);
        break;
    case APIC_DM_SMI:
        apic_cpu_signal(s, CPU_INTERRUPT_SMI);
        break;
    case APIC_DM_NMI:
        apic_cpu_signal(s, CPU_INTERRUPT_NMI);
        break;
    case APIC_DM_INIT:
        apic_cpu_signal(s, CPU_INTERRUPT_INIT);
        break;
    case APIC_DM_EXTINT:
        apic_update_irq(s);
        break;
    default:
        log_guest_error("apic: LVT %d: reserved delivery mode %d\n", n, apic_lvt_dm(lvt));
        break;
    }
}

/* Accept a fixed/lowest-priority interrupt into IRR (SDM 10.8.3). */
static void apic_set_irq(ApicState *s, int vector, bool level)
{
    if (vector < 16) {
        apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    apic_bit_set(s->irr, vector);
    if (level)
        apic_bit_set(s->tmr, vector);
    else
        apic_bit_clear(s->tmr, vector);
    apic_update_irq(s);
}

/* ---- LINT pins ---- */

void apic_lint_set(ApicState *s, int n, int level)
{
    bool was = apic_lint_active(s, n), now;
    uint32_t lvt = s->lvt[LVT_LINT0 + n];

    s->lint_level[n] = level != 0;
    now = apic_lint_active(s, n);
    if (!apic_hw_enabled(s)) {
        /* No APIC: LINT0 is the INTR pin, LINT1 the NMI pin. */
        if (n == 0)
            apic_update_irq(s);
        else if (now && !was)
            apic_cpu_signal(s, CPU_INTERRUPT_NMI);
        return;
    }
    if (apic_lvt_dm(lvt) == APIC_DM_EXTINT) {
        apic_update_irq(s);
    } else if (apic_lvt_dm(lvt) == APIC_DM_FIXED && (lvt & LVT_LEVEL)) {
        if (now && !(lvt & LVT_REMOTE_IRR))
            apic_local_deliver(s, LVT_LINT0 + n);
    } else if (now && !was) {
        apic_local_deliver(s, LVT_LINT0 + n);
    }
}


/* Pins 0/1: LINT0/LINT1. Pin 2: a rising edge runs an INTA cycle, as the
 * CPU's apic_intr_ack() does (for tests, which have no CPU). */
static void apic_gpio_set(void *opaque, int n, int level)
{
    if (n < 2)
        apic_lint_set(opaque, n, level);
    else if (level)
        apic_intr_ack(opaque);
}

/* ---- EOI ---- */

static void apic_eoi(ApicState *s)
{
    int v = apic_highest(s->isr);

    if (v < 0)
        return;
    apic_bit_clear(s->isr, v);
    if (apic_bit_get(s->tmr, v)) {
        for (int n = 0; n < 2; n++) {
            uint32_t *lvt = &s->lvt[LVT_LINT0 + n];

            if ((*lvt & LVT_REMOTE_IRR) && (*lvt & LVT_VECTOR) == v) {
                *lvt &= ~LVT_REMOTE_IRR;
                apic_lint_set(s, n, s->lint_level[n]);
            }
        }
        apic_bus_eoi(v);
    }
    apic_update_irq(s);
}

/* ---- receiving bus messages ---- */

void apic_accept(ApicState *s, int dm, uint8_t vector, bool level)
{
    switch (dm) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI:
        apic_set_irq(s, vector, level);
        break;
    case APIC_DM_SMI:
        apic_cpu_signal(s, CPU_INTERRUPT_SMI);
        break;
    case APIC_DM_NMI:
        apic_cpu_signal(s, CPU_INTERRUPT_NMI);
        break;
    case APIC_DM_INIT:
        apic_cpu_signal(s, CPU_INTERRUPT_INIT);
        break;
    case APIC_DM_SIPI:
        if (s->wait_for_sipi) {
            s->sipi_vector = vector;
            apic_cpu_signal(s, CPU_INTERRUPT_SIPI);
        }
        break;
    case APIC_DM_EXTINT:
        s->extint_msg = 1;
        apic_update_irq(s);
        break;
    default:
        log_guest_error("apic: reserved delivery mode %d\n", dm);
        break;
    }
}

/* ---- ICR ---- */

static void apic_send_ipi(ApicState *s)
{
    uint32_t lo = s->icr_lo;
    int dm = (lo >> 8) & 7, shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;
    uint8_t vector = lo & 0xff;
    uint32_t dest = apic_x2(s) ? s->icr_hi : s->icr_hi >> 24;

    if (dm == APIC_DM_INIT && !(lo & ICR_LEVEL_ASSERT) && (lo & ICR_TRIGGER_LEVEL))
        return; /* INIT level de-assert: only synchronizes arbitration IDs */
    if (dm == 3 || dm == APIC_DM_EXTINT) {
        log_guest_error("apic: ICR: reserved delivery mode %d\n", dm);
        return;
    }
    if ((dm == APIC_DM_FIXED || dm == APIC_DM_LOWPRI) && vector < 16) {
        apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    apic_bus_send(s, shorthand, dest, lo & ICR_DEST_LOGICAL, apic_x2(s), dm, vector,
                  lo & ICR_TRIGGER_LEVEL);
}

/* ---- timer ---- */

static unsigned apic_timer_divisor(const ApicState *s)
{
    unsigned v = (s->tdcr & 3) | ((s->tdcr >> 1) & 4);

    return 1u << ((v + 1) & 7);
}

/* Bus clock ticks since t0 (1 GHz bus, divided). */
static uint64_t apic_timer_ticks(const ApicState *s, int64_t now)
{
    return now > s->t0 ? (uint64_t)(now - s->t0) / apic_timer_divisor(s) : 0;
}

static uint32_t apic_timer_count(const ApicState *s, int64_t now)
{
    uint64_t ticks = apic_timer_ticks(s, now);

    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE)
        return 0;
    if (ticks < s->count0)
        return s->count0 - ticks;
    if (apic_timer_mode(s) == TIMER_PERIODIC && s->tmict)
        return s->tmict - (ticks - s->count0) % s->tmict;
    return 0;
}

/* Virtual time of the next expiry after now, or -1. */
static int64_t apic_timer_next(const ApicState *s, int64_t now)
{
    uint64_t ticks = apic_timer_ticks(s, now), div = apic_timer_divisor(s), n;

    if (ticks < s->count0)
        return s->t0 + (int64_t)(s->count0 * div);
    if (apic_timer_mode(s) != TIMER_PERIODIC || !s->tmict)
        return -1;
    n = (ticks - s->count0) / s->tmict + 1;
    return MAX(s->t0 + (int64_t)((s->count0 + n * s->tmict) * div),
               now + APIC_TIMER_MIN_PERIOD_NS);
}

static void apic_timer_update(ApicState *s)
{
    int64_t next = -1;

    if (!(s->lvt[LVT_TIMER] & LVT_MASKED)) {
        if (apic_timer_mode(s) == TIMER_TSC_DEADLINE)
            next = s->tsc_deadline;
        else
            next = apic_timer_next(s, vclock_get_ns());
    }
    if (next >= 0)
        timer_mod(&s->timer, next);
    else
        timer_del(&s->timer);
}

/* Restart counting from the current count (divide or mode change). */
static void apic_timer_rebase(ApicState *s)
{
    int64_t now = vclock_get_ns();

    s->count0 = apic_timer_count(s, now);
    s->t0 = now;
}

static void apic_timer_fire(void *opaque)
{
    ApicState *s = opaque;

    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE)
        s->tsc_deadline = -1;
    apic_local_deliver(s, LVT_TIMER);
    apic_timer_update(s);
}

/* ---- registers ---- */

static void apic_write_lvt(ApicState *s, int n, uint32_t val)
{
    static const uint32_t mask[LVT_NB] = { 0x000700ffu, 0x000107ffu, 0x000107ffu,
                                           0x0001a7ffu, 0x0001a7ffu, 0x000100ffu };
    int old_mode = apic_timer_mode(s);

    s->lvt[n] = (val & mask[n]) | (s->lvt[n] & LVT_REMOTE_IRR);
    if (n == LVT_TIMER) {
        if (apic_timer_mode(s) != old_mode) {
            apic_timer_rebase(s);
            s->tsc_deadline = -1;
        }
        apic_timer_update(s);
    } else if (n == LVT_LINT0 || n == LVT_LINT1) {
        apic_lint_set(s, n - LVT_LINT0, s->lint_level[n - LVT_LINT0]);
        apic_update_irq(s);
    }
}

static uint32_t apic_x2_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Read register index; false for an invalid register (xAPIC: illegal
 * register address error; x2APIC: #GP). */
static bool apic_reg_read(ApicState *s, unsigned index, uint64_t *val)
{
    bool x2 = apic_x2(s);

    switch (index) {
    case APIC_ID: *val = x2 ? s->id : s->id << 24; break;
    case APIC_LVR: *val = s->version | ((LVT_NB - 1) << 16); break;
    case APIC_TPR: *val = s->tpr; break;
    case APIC_APR: *val = 0; return !x2;
    case APIC_PPR: *val = apic_ppr(s); break;
    case APIC_EOI: *val = 0; return !x2;
    case APIC_LDR: *val = s->ldr; break;
    case APIC_DFR: *val = s->dfr | 0x0fffffff; return !x2;
    case APIC_SVR: *val = s->svr; break;
    case APIC_ISR ... APIC_ISR + 7: *val = s->isr[index & 7]; break;
    case APIC_TMR ... APIC_TMR + 7: *val = s->tmr[index & 7]; break;
    case APIC_IRR ... APIC_IRR + 7: *val = s->irr[index & 7]; break;
    case APIC_ESR: *val = s->esr; break;
    case APIC_ICR: *val = s->icr_lo | (x2 ? (uint64_t)s->icr_hi << 32 : 0); break;
    case APIC_ICR2: *val = s->icr_hi; return !x2;
    case APIC_LVT0 ... APIC_LVT0 + LVT_NB - 1: *val = s->lvt[index - APIC_LVT0]; break;
    case APIC_TMICT: *val = s->tmict; break;
    case APIC_TMCCT: *val = apic_timer_count(s, vclock_get_ns()); break;
    case APIC_TDCR: *val = s->tdcr; break;
    default: *val = 0; return false;
    }
    return true;
}

static void apic_write_svr(ApicState *s, uint32_t val)
{
    s->svr = val & SVR_WRITE_MASK;
    apic_update_irq(s);
}

static void apic_write_icr(ApicState *s, uint64_t val)
{
    if (apic_x2(s))
        s->icr_hi = val >> 32;
    s->icr_lo = val & ICR_LO_WRITE_MASK;
    apic_send_ipi(s);
}

static void apic_write_tmict(ApicState *s, uint32_t val)
{
    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE)
        return; /* SDM 10.5.4.1: ignored in TSC-deadline mode */
    s->tmict = val;
    s->count0 = val;
    s->t0 = vclock_get_ns();
    apic_timer_update(s);
}

static void apic_write_tdcr(ApicState *s, uint32_t val)
{
    apic_timer_rebase(s);
    s->tdcr = val & 0xb;
    apic_timer_update(s);
}

/* Registers both interfaces write the same way. */
static bool apic_reg_write_common(ApicState *s, unsigned index, uint64_t val)
{
    switch (index) {
    case APIC_TPR: s->tpr = val & 0xff; apic_update_irq(s); break;
    case APIC_EOI: apic_eoi(s); break;
    case APIC_SVR: apic_write_svr(s, val); break;
    case APIC_ESR: s->esr = s->esr_pending; s->esr_pending = 0; break;
    case APIC_ICR: apic_write_icr(s, val); break;
    case APIC_LVT0 ... APIC_LVT0 + LVT_NB - 1: apic_write_lvt(s, index - APIC_LVT0, val); break;
    case APIC_TMICT: apic_write_tmict(s, val); break;
    case APIC_TDCR: apic_write_tdcr(s, val); break;
    default: return false;
    }
    return true;
}

/* xAPIC MMIO write (32 bits). */
static void apic_reg_write_mmio(ApicState *s, unsigned index, uint32_t val)
{
    switch (index) {
    case APIC_ID: s->id = val >> 24; return;
    case APIC_LDR: s->ldr = val & 0xff000000u; return;
    case APIC_DFR: s->dfr = val | 0x0fffffff; return;
    case APIC_ICR2: s->icr_hi = val & 0xff000000u; return;
    case APIC_LVR: case APIC_APR: case APIC_PPR: case APIC_TMCCT:
    case APIC_ISR ... APIC_IRR + 7:
        return; /* read-only: writes ignored */
    }
    if (!apic_reg_write_common(s, index, val))
        apic_error(s, ESR_ILLEGAL_ADDRESS);
}

/* x2APIC MSR write; false raises #GP (SDM 10.12.1.2). */
static bool apic_reg_write_msr(ApicState *s, unsigned index, uint64_t val)
{
    if (index != APIC_ICR && (val >> 32))
        return false;
    switch (index) {
    case APIC_EOI:
    case APIC_ESR:
        if (val)
            return false;
        break;
    case APIC_SELF_IPI:
        apic_set_irq(s, val & 0xff, false);
        return true;
    case APIC_SVR:
    case APIC_TPR:
    case APIC_ICR:
    case APIC_LVT0 ... APIC_LVT0 + LVT_NB - 1:
    case APIC_TMICT:
    case APIC_TDCR:
        break;
    default:
        return false;
    }
    return apic_reg_write_common(s, index, val);
}

/* ---- the register page (dispatched by apic_bus.c) ---- */

uint64_t apic_mmio_read(ApicState *s, hwaddr addr, unsigned size)
{
    uint64_t val;

    if ((addr & 0xf) + size > 4) {
        log_guest_error("apic: read of reserved bytes at 0x%03x\n", (unsigned)addr);
        return 0;
    }
    if (!apic_reg_read(s, addr >> 4, &val)) {
        log_guest_error("apic: read of reserved register 0x%03x\n", (unsigned)addr);
        apic_error(s, ESR_ILLEGAL_ADDRESS);
    }
    return (val >> ((addr & 3) * 8)) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

void apic_mmio_write(ApicState *s, hwaddr addr, uint64_t val, unsigned size)
{
    if (size != 4 || (addr & 0xf)) {
        log_guest_error("apic: %u-byte write at 0x%03x ignored\n", size, (unsigned)addr);
        return;
    }
    apic_reg_write_mmio(s, addr >> 4, val);
}

/* ---- X86ApicOps: the CPU's side ---- */

static uint64_t apic_get_base(void *opaque)
{
    return ((ApicState *)opaque)->apicbase;
}

/* INIT reset (SDM 10.4.7.3): everything but the ID and IA32_APIC_BASE. */
static void apic_init_reset(ApicState *s)
{
    s->tpr = 0;
    s->svr = 0xff;
    s->ldr = apic_x2(s) ? apic_x2_ldr(s->id) : 0;
    s->dfr = 0xffffffffu;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    for (int i = 0; i < LVT_NB; i++)
        s->lvt[i] = LVT_MASKED;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    s->tmict = s->tdcr = s->count0 = 0;
    s->t0 = 0;
    s->tsc_deadline = -1;
    s->extint_msg = 0;
    timer_del(&s->timer);
}

static void apic_set_base(void *opaque, uint64_t val)
{
    ApicState *s = opaque;
    bool en = val & APICBASE_ENABLE, extd = val & APICBASE_EXTD;

    if ((extd && !en) || (apic_x2(s) && en && !extd)) {
        log_guest_error("apic: invalid IA32_APIC_BASE transition 0x%llx\n",
                        (unsigned long long)val);
        return;
    }
    if (extd && !apic_x2(s)) {
        s->id = s->initial_id;
        s->ldr = apic_x2_ldr(s->id);
    }
    s->apicbase = (val & (APICBASE_ADDR | APICBASE_ENABLE | APICBASE_EXTD)) |
                  (s->apicbase & APICBASE_BSP);
    if (!en) {
        s->id = s->initial_id;
        apic_init_reset(s);
    }
    apic_bus_update_page();
    apic_update_irq(s);
}

static uint8_t apic_get_tpr(void *opaque)
{
    return ((ApicState *)opaque)->tpr >> 4;
}

static void apic_set_tpr(void *opaque, uint8_t val)
{
    ApicState *s = opaque;

    s->tpr = (val & 0xf) << 4;
    apic_update_irq(s);
}

static bool apic_msr_read(void *opaque, uint32_t msr, uint64_t *val)
{
    ApicState *s = opaque;
    unsigned index = msr - 0x800;

    if (!apic_x2(s) || msr < 0x800 || msr > 0x8ff || index == APIC_SELF_IPI)
        return false;
    return apic_reg_read(s, index, val);
}

static bool apic_msr_write(void *opaque, uint32_t msr, uint64_t val)
{
    ApicState *s = opaque;

    if (!apic_x2(s) || msr < 0x800 || msr > 0x8ff)
        return false;
    return apic_reg_write_msr(s, msr - 0x800, val);
}

static bool apic_cpu_init(void *opaque)
{
    ApicState *s = opaque;

    apic_init_reset(s);
    s->wait_for_sipi = !apic_is_bsp(s);
    apic_update_irq(s);
    return s->wait_for_sipi;
}

static int apic_cpu_sipi(void *opaque)
{
    ApicState *s = opaque;

    if (!s->wait_for_sipi)
        return -1;
    s->wait_for_sipi = 0;
    return s->sipi_vector;
}

static void apic_cpu_enter(void *opaque)
{
    apic_bus_set_current(opaque);
}

static void apic_set_tsc_deadline(void *opaque, int64_t expire_ns)
{
    ApicState *s = opaque;

    if (apic_timer_mode(s) != TIMER_TSC_DEADLINE)
        return; /* SDM 10.5.4.1: writes ignored in the other modes */
    s->tsc_deadline = expire_ns;
    apic_timer_update(s);
}

const X86ApicOps apic_x86_ops = {
    .get_base = apic_get_base,
    .set_base = apic_set_base,
    .get_tpr = apic_get_tpr,
    .set_tpr = apic_set_tpr,
    .msr_read = apic_msr_read,
    .msr_write = apic_msr_write,
    .init = apic_cpu_init,
    .sipi = apic_cpu_sipi,
    .cpu_enter = apic_cpu_enter,
    .set_tsc_deadline = apic_set_tsc_deadline,
};

/* INTA: ExtINT first (its priority is outside the APIC's), then IRR. */
int apic_intr_ack(void *opaque)
{
    ApicState *s = opaque;
    int v;

    if (apic_extint_pending(s)) {
        s->extint_msg = 0;
        v = apic_bus_pic_ack();
        if (v < 0)
            v = s->svr & 0xff; /* no 8259: spurious */
    } else {
        v = apic_pending_vector(s);
        if (v > 0) {
            apic_bit_clear(s->irr, v);
            apic_bit_set(s->isr, v);
        } else if (v < 0) {
            v = s->svr & 0xff; /* spurious: masked by the TPR since */
        } else {
            v = -1;
        }
    }
    apic_update_irq(s);
    return v;
}

/* ---- device ---- */

static void apic_reset(Device *dev)
{
    ApicState *s = (ApicState *)dev;

    s->apicbase = APIC_DEFAULT_ADDRESS | APICBASE_ENABLE | (s->bus_index == 0 ? APICBASE_BSP : 0);
    s->id = s->initial_id;
    apic_init_reset(s);
    s->wait_for_sipi = !apic_is_bsp(s);
    if (apic_is_bsp(s))
        s->lvt[LVT_LINT0] = APIC_DM_EXTINT << LVT_DM_SHIFT; /* QEMU: the 8259 gets through */
    s->sipi_vector = 0;
    apic_bus_update_page();
    apic_update_irq(s);
}

static bool apic_realize(Device *dev, Error **errp)
{
    ApicState *s = (ApicState *)dev;

    if (s->initial_id >= APIC_BUS_MAX - 1) {
        error_setg(errp, "APIC ID %u is invalid", s->initial_id);
        return false;
    }
    if (!apic_bus_attach(s, errp))
        return false;
    timer_init(&s->timer, apic_timer_fire, s);
    device_init_gpio_in(dev, apic_gpio_set, 3);
    device_init_gpio_out(dev, &s->intr, 1);
    apic_reset(dev);
    return true;
}

static int apic_post_load(Device *dev)
{
    ApicState *s = (ApicState *)dev;

    apic_bus_update_page();
    apic_timer_update(s);
    apic_update_irq(s);
    return 0;
}

Device *apic_create(CPUState *cpu, int apic_id)
{
    Device *dev = device_new(TYPE_APIC, NULL);
    char id[16];

    snprintf(id, sizeof(id), "%d", apic_id);
    device_set_prop(dev, "apic-id", id, NULL);
    ((ApicState *)dev)->cpu = cpu;
    device_realize_or_die(dev);
    return dev;
}

static const Property apic_props[] = {
    DEFINE_PROP("apic-id", PROP_UINT32, ApicState, initial_id, 0, "APIC ID after reset"),
    DEFINE_PROP("version", PROP_UINT32, ApicState, version, APIC_VERSION_DEFAULT,
                "version field of the version register"),
    DEFINE_PROP_END,
};

static const VMStateField apic_vmstate_fields[] = {
    VMSTATE_FIELD(ApicState, apicbase),
    VMSTATE_FIELD(ApicState, id),
    VMSTATE_FIELD(ApicState, tpr),
    VMSTATE_FIELD(ApicState, svr),
    VMSTATE_FIELD(ApicState, ldr),
    VMSTATE_FIELD(ApicState, dfr),
    VMSTATE_ARRAY(ApicState, isr),
    VMSTATE_ARRAY(ApicState, tmr),
    VMSTATE_ARRAY(ApicState, irr),
    VMSTATE_FIELD(ApicState, esr),
    VMSTATE_FIELD(ApicState, esr_pending),
    VMSTATE_FIELD(ApicState, icr_lo),
    VMSTATE_FIELD(ApicState, icr_hi),
    VMSTATE_ARRAY(ApicState, lvt),
    VMSTATE_FIELD(ApicState, tmict),
    VMSTATE_FIELD(ApicState, tdcr),
    VMSTATE_FIELD(ApicState, count0),
    VMSTATE_FIELD(ApicState, t0),
    VMSTATE_FIELD(ApicState, tsc_deadline),
    VMSTATE_ARRAY(ApicState, lint_level),
    VMSTATE_FIELD(ApicState, extint_msg),
    VMSTATE_FIELD(ApicState, wait_for_sipi),
    VMSTATE_FIELD(ApicState, sipi_vector),
    VMSTATE_END,
};

static const VMStateDesc apic_vmstate = {
    .name = "apic",
    .version = 1,
    .fields = apic_vmstate_fields,
    .post_load = apic_post_load,
};

static const DeviceClass apic_class = {
    .name = TYPE_APIC,
    .desc = "local APIC (one per CPU; -device apic only for tests without CPUs)",
    .category = "misc",
    .bus = "sys",
    .instance_size = sizeof(ApicState),
    .props = apic_props,
    .user_creatable = true,
    .realize = apic_realize,
    .reset = apic_reset,
    .vmsd = &apic_vmstate,
};
DEVICE_CLASS(apic_class)
