/* SPDX-License-Identifier: MIT */
/*
 * Motorola MC146818A real-time clock with CMOS RAM ("mc146818rtc").
 *
 * Models the MC146818A / Dallas DS12887 (Motorola datasheet MC146818A,
 * "Registers" and "Interrupts"): the time, calendar and alarm bytes in BCD
 * or binary and in 12- or 24-hour format (register B DM, 24/12), the SET
 * bit (updates inhibited, UIP and UIE cleared), the divider chain select
 * of register A (11x holds the chain in reset; the first update comes
 * 500 ms after release), UIP from 244 us before each update, the
 * periodic, alarm (with "don't care" values 0xc0-0xff) and update-ended
 * interrupts with their flags in register C (read clears them and the IRQ
 * line), IRQF, and register D's VRT bit. 128 bytes of RAM on ports
 * 0x70/0x71, century byte at 0x32.
 *
 * Like QEMU (hw/rtc/mc146818rtc.c), the registers show the new second at
 * the boundary itself and UIP covers only the 244 us before it (the chip
 * keeps UIP up for the whole 1984 us update); the clock starts from the
 * host's wall clock (-rtc base=utc; "base" property: utc, localtime or a
 * date) and then follows the virtual clock; writing a time register while
 * the clock runs sets the time at once; the divider values 000 and 001
 * also count. Nothing is stepped: the time and the flags are computed
 * from the virtual clock when read, and timers run only while an enabled
 * interrupt needs to be delivered on time.
 */
#include <time.h>

#include "kemu/hw/mc146818.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

#define RTC_CMOS_SIZE 128
#define NS_PER_SEC NANOSECONDS_PER_SECOND
#define RTC_UIP_HOLD_NS (8 * NS_PER_SEC / 32768) /* 244.14 us */

/* Register A */
#define REG_A_UIP 0x80
#define REG_A_DV 0x70
#define REG_A_RS 0x0f
/* Register B */
#define REG_B_SET 0x80
#define REG_B_PIE 0x40
#define REG_B_AIE 0x20
#define REG_B_UIE 0x10
#define REG_B_SQWE 0x08
#define REG_B_DM 0x04  /* 1 = binary */
#define REG_B_24H 0x02
#define REG_B_DSE 0x01
/* Register C */
#define REG_C_IRQF 0x80
#define REG_C_PF 0x40
#define REG_C_AF 0x20
#define REG_C_UF 0x10
/* Register D */
#define REG_D_VRT 0x80

typedef struct RTCState {
    Device parent;
    /* properties */
    uint32_t iobase;
    uint32_t isairq;
    char *base;              /* "utc", "localtime" or "YYYY-MM-DD[THH:MM:SS]" */
    /* wiring */
    IrqLine *irq;
    MemRegion io;
    Timer update_timer;      /* next update while UIE/AIE need it */
    Timer periodic_timer;    /* next periodic tick while PIE needs it */
    /* state */
    uint8_t cmos[RTC_CMOS_SIZE]; /* clock bytes valid while stopped or just refreshed */
    uint8_t index;           /* port 0x70 */
    uint8_t irq_level;
    int64_t sec;             /* time (s since 1970, UTC-like) at update sec_ns */
    int64_t sec_ns;          /* virtual ns of an update boundary */
    int64_t divider_ns;      /* virtual ns when the divider chain started */
    int64_t checked_ns;      /* flags are up to date until this time */
} RTCState;

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12). */
static int64_t rtc_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void rtc_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- register encoding ---- */

static bool rtc_binary(RTCState *s) { return s->cmos[RTC_REG_B] & REG_B_DM; }

static uint8_t rtc_to_reg(RTCState *s, int v)
{
    return rtc_binary(s) ? v : (v / 10) << 4 | (v % 10);
}

static int rtc_from_reg(RTCState *s, uint8_t v)
{
    return rtc_binary(s) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t rtc_hour_to_reg(RTCState *s, int h)
{
    if (s->cmos[RTC_REG_B] & REG_B_24H)
        return rtc_to_reg(s, h);
    return rtc_to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static int rtc_hour_from_reg(RTCState *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & REG_B_24H)
        return rtc_from_reg(s, v);
    return rtc_from_reg(s, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* Write time t (seconds) into the clock bytes in the current format. */
static void rtc_store_time(RTCState *s, int64_t t)
{
    int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
    int m, d;

    rtc_civil_from_days(days, &y, &m, &d);
    s->cmos[RTC_SECONDS] = rtc_to_reg(s, secs % 60);
    s->cmos[RTC_MINUTES] = rtc_to_reg(s, secs / 60 % 60);
    s->cmos[RTC_HOURS] = rtc_hour_to_reg(s, secs / 3600);
    s->cmos[RTC_DAY_OF_WEEK] = rtc_to_reg(s, (days % 7 + 11) % 7 + 1); /* 1 = Sunday */
    s->cmos[RTC_DAY_OF_MONTH] = rtc_to_reg(s, d);
    s->cmos[RTC_MONTH] = rtc_to_reg(s, m);
    s->cmos[RTC_YEAR] = rtc_to_reg(s, (int)(((y % 100) + 100) % 100));
    s->cmos[RTC_CENTURY] = rtc_to_reg(s, (int)(((y / 100) % 100 + 100) % 100));
}

/* The time the clock bytes hold; out-of-range fields are clamped. */
static int64_t rtc_load_time(RTCState *s)
{
    int sec = rtc_from_reg(s, s->cmos[RTC_SECONDS]);
    int min = rtc_from_reg(s, s->cmos[RTC_MINUTES]);
    int hour = rtc_hour_from_reg(s, s->cmos[RTC_HOURS]);
    int day = rtc_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]);
    int mon = rtc_from_reg(s, s->cmos[RTC_MONTH]);
    int64_t year = rtc_from_reg(s, s->cmos[RTC_YEAR]) + 100 * rtc_from_reg(s, s->cmos[RTC_CENTURY]);

    mon = MIN(MAX(mon, 1), 12);
    return rtc_days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

/* ---- the clock ---- */

static bool rtc_divider_on(RTCState *s)
{
    return (s->cmos[RTC_REG_A] & REG_A_DV) <= 0x20; /* 000, 001, 010 */
}

static bool rtc_running(RTCState *s)
{
    return rtc_divider_on(s) && !(s->cmos[RTC_REG_B] & REG_B_SET);
}

/* Updates since sec_ns, up to now. */
static int64_t rtc_elapsed(RTCState *s, int64_t now)
{
    return floor_div(now - s->sec_ns, NS_PER_SEC);
}

static int64_t rtc_now_sec(RTCState *s, int64_t now)
{
    return s->sec + rtc_elapsed(s, now);
}

/* Make the clock bytes show the current time (no-op while stopped). */
static void rtc_refresh(RTCState *s, int64_t now)
{
    if (rtc_running(s))
        rtc_store_time(s, rtc_now_sec(s, now));
}

/* Take the clock bytes as the time of the last update boundary. */
static void rtc_restart_from_regs(RTCState *s, int64_t now)
{
    s->sec_ns += rtc_elapsed(s, now) * NS_PER_SEC;
    s->sec = rtc_load_time(s);
}

static bool rtc_uip(RTCState *s, int64_t now)
{
    return rtc_running(s) && now - s->sec_ns - rtc_elapsed(s, now) * NS_PER_SEC >=
                                 NS_PER_SEC - RTC_UIP_HOLD_NS;
}

/* ---- interrupts ---- */

/* Periodic interrupt period in 32.768 kHz ticks, 0 if off. */
static int64_t rtc_period(RTCState *s)
{
    int rs = s->cmos[RTC_REG_A] & REG_A_RS;

    if (!rs || !rtc_divider_on(s))
        return 0;
    return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
}

static int64_t rtc_tick32k(RTCState *s, int64_t ns)
{
    return floor_div(ns - s->divider_ns, NS_PER_SEC) * 32768 +
           (((ns - s->divider_ns) % NS_PER_SEC + NS_PER_SEC) % NS_PER_SEC) * 32768 / NS_PER_SEC;
}

static int64_t rtc_ns_of_tick32k(RTCState *s, int64_t tick)
{
    int64_t secs = floor_div(tick, 32768), rem = tick - secs * 32768;

    return s->divider_ns + secs * NS_PER_SEC + (rem * NS_PER_SEC + 32767) / 32768;
}

static bool rtc_alarm_match(RTCState *s, int64_t t)
{
    int64_t secs = t - floor_div(t, 86400) * 86400;
    uint8_t now[3] = { rtc_to_reg(s, secs % 60), rtc_to_reg(s, secs / 60 % 60),
                       rtc_hour_to_reg(s, secs / 3600) };
    uint8_t alarm[3] = { s->cmos[RTC_SECONDS_ALARM], s->cmos[RTC_MINUTES_ALARM],
                         s->cmos[RTC_HOURS_ALARM] };

    for (int i = 0; i < 3; i++) {
        if ((alarm[i] & 0xc0) != 0xc0 && alarm[i] != now[i])
            return false;
    }
    return true;
}

static void rtc_update_irq(RTCState *s)
{
    uint8_t c = s->cmos[RTC_REG_C], b = s->cmos[RTC_REG_B];

    if (c & b & (REG_C_PF | REG_C_AF | REG_C_UF))
        s->cmos[RTC_REG_C] |= REG_C_IRQF;
    if (!!(s->cmos[RTC_REG_C] & REG_C_IRQF) != s->irq_level) {
        s->irq_level = !!(s->cmos[RTC_REG_C] & REG_C_IRQF);
        irq_set(s->irq, s->irq_level);
    }
}

/* Updates that completed in (checked_ns, now]: UF, and AF when one matched. */
static void rtc_catch_up_updates(RTCState *s, int64_t now)
{
    int64_t first, last;

    if (!rtc_running(s))
        return;
    first = rtc_elapsed(s, s->checked_ns) + 1;
    last = rtc_elapsed(s, now);
    if (last < first)
        return;
    s->cmos[RTC_REG_C] |= REG_C_UF;
    /* alarms repeat at most daily: the last day of updates is enough */
    for (int64_t k = MAX(first, last - 86399); k <= last; k++) {
        if (rtc_alarm_match(s, s->sec + k)) {
            s->cmos[RTC_REG_C] |= REG_C_AF;
            break;
        }
    }
}

static void rtc_catch_up(RTCState *s, int64_t now)
{
    int64_t period = rtc_period(s);

    if (now <= s->checked_ns)
        return;
    rtc_catch_up_updates(s, now);
    if (period && floor_div(rtc_tick32k(s, now), period) >
                      floor_div(rtc_tick32k(s, s->checked_ns), period))
        s->cmos[RTC_REG_C] |= REG_C_PF;
    s->checked_ns = now;
    rtc_update_irq(s);
}

/* Arm the timers that deliver enabled interrupts on time. */
static void rtc_arm(RTCState *s, int64_t now)
{
    int64_t period = rtc_period(s);
    uint8_t b = s->cmos[RTC_REG_B];

    if (rtc_running(s) && (b & (REG_B_UIE | REG_B_AIE)))
        timer_mod(&s->update_timer, s->sec_ns + (rtc_elapsed(s, now) + 1) * NS_PER_SEC);
    else
        timer_del(&s->update_timer);
    if (period && (b & REG_B_PIE))
        timer_mod(&s->periodic_timer,
                  rtc_ns_of_tick32k(s, (floor_div(rtc_tick32k(s, now), period) + 1) * period));
    else
        timer_del(&s->periodic_timer);
}

static void rtc_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = vclock_get_ns();

    rtc_catch_up(s, now);
    rtc_arm(s, now);
}

/* ---- register writes ---- */

static void rtc_write_reg_a(RTCState *s, uint8_t val, int64_t now)
{
    bool was_reset = (s->cmos[RTC_REG_A] & 0x60) == 0x60;
    bool was_on = rtc_divider_on(s);

    rtc_refresh(s, now);
    s->cmos[RTC_REG_A] = val & ~REG_A_UIP;
    if (was_reset && rtc_divider_on(s)) {
        /* chain released: first update half a second later */
        s->divider_ns = now;
        s->sec_ns = now + NS_PER_SEC / 2 - NS_PER_SEC;
        s->sec = rtc_load_time(s);
    } else if (!was_on && rtc_divider_on(s)) {
        s->sec_ns += rtc_elapsed(s, now) * NS_PER_SEC;
        s->sec = rtc_load_time(s);
    }
}

static void rtc_write_reg_b(RTCState *s, uint8_t val, int64_t now)
{
    bool was_set = s->cmos[RTC_REG_B] & REG_B_SET;

    rtc_refresh(s, now);
    if (val & REG_B_SET)
        val &= ~REG_B_UIE; /* SET clears UIE (and inhibits UIP) */
    if (val & REG_B_DSE)
        log_unimp("mc146818rtc: daylight savings enable (DSE) ignored\n");
    s->cmos[RTC_REG_B] = val;
    if (was_set && !(val & REG_B_SET) && rtc_divider_on(s))
        rtc_restart_from_regs(s, now);
    else
        rtc_refresh(s, now); /* a format change shows at once while running */
}

static void rtc_write(RTCState *s, uint8_t addr, uint8_t val)
{
    int64_t now = vclock_get_ns();

    rtc_catch_up(s, now);
    switch (addr) {
    case RTC_REG_A:
        rtc_write_reg_a(s, val, now);
        break;
    case RTC_REG_B:
        rtc_write_reg_b(s, val, now);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        log_guest_error("mc146818rtc: write 0x%02x to read-only register 0x%x\n", val, addr);
        return;
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        rtc_refresh(s, now);
        s->cmos[addr] = val;
        if (rtc_running(s))
            rtc_restart_from_regs(s, now);
        break;
    default:
        s->cmos[addr] = val;
        return;
    }
    s->checked_ns = now;
    rtc_update_irq(s);
    rtc_arm(s, now);
}

static uint8_t rtc_read(RTCState *s, uint8_t addr)
{
    int64_t now = vclock_get_ns();
    uint8_t val;

    rtc_catch_up(s, now);
    switch (addr) {
    case RTC_REG_A:
        return (s->cmos[RTC_REG_A] & ~REG_A_UIP) | (rtc_uip(s, now) ? REG_A_UIP : 0);
    case RTC_REG_C:
        val = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0;
        rtc_update_irq(s);
        rtc_arm(s, now);
        return val;
    case RTC_REG_D:
        return REG_D_VRT;
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        rtc_refresh(s, now);
        return s->cmos[addr];
    default:
        return s->cmos[addr];
    }
}

void rtc_set_cmos(Device *dev, int addr, uint8_t val)
{
    if (addr >= 0 && addr < RTC_CMOS_SIZE)
        rtc_write((RTCState *)dev, addr, val);
}

uint8_t rtc_get_cmos(Device *dev, int addr)
{
    if (addr < 0 || addr >= RTC_CMOS_SIZE)
        return 0xff;
    if (addr == RTC_REG_C) /* peek: the board must not clear the flags */
        return ((RTCState *)dev)->cmos[RTC_REG_C];
    return rtc_read((RTCState *)dev, addr);
}

/* ---- ports ---- */

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0)
        return 0xff; /* the index register is write-only */
    return rtc_read(s, s->index);
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0)
        s->index = val & 0x7f; /* bit 7 is the NMI mask, not the RTC's */
    else
        rtc_write(s, s->index, val);
}

static const IoOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

/* Start time from the "base" property: utc, localtime or a date. */
static bool rtc_base_time(RTCState *s, int64_t *t, Error **errp)
{
    int64_t host_ns = host_realtime_ns();
    int y, mo, d, h = 0, mi = 0, sec = 0;

    *t = floor_div(host_ns, NS_PER_SEC);
    if (!s->base || !strcmp(s->base, "utc"))
        return true;
    if (!strcmp(s->base, "localtime")) {
        time_t tt = *t;
        struct tm tm;

        localtime_r(&tt, &tm);
        *t += tm.tm_gmtoff;
        return true;
    }
    if (sscanf(s->base, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 3 || mo < 1 ||
        mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 59) {
        error_setg(errp, "invalid date format '%s' (use utc, localtime or YYYY-MM-DDTHH:MM:SS)",
                   s->base);
        return false;
    }
    *t = rtc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return true;
}

/* The RESET pin: interrupt enables and flags cleared, time kept. */
static void rtc_reset(Device *dev)
{
    RTCState *s = (RTCState *)dev;
    int64_t now = vclock_get_ns();

    rtc_catch_up(s, now);
    s->cmos[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    s->cmos[RTC_REG_C] = 0;
    rtc_update_irq(s);
    rtc_arm(s, now);
}

static bool rtc_realize(Device *dev, Error **errp)
{
    RTCState *s = (RTCState *)dev;
    int64_t now = vclock_get_ns(), t;

    if (s->iobase > 0xfffe) {
        error_setg(errp, "mc146818rtc: iobase 0x%x out of range", s->iobase);
        return false;
    }
    if (!rtc_base_time(s, &t, errp))
        return false;
    s->irq = isa_get_irq((int)s->isairq);
    device_init_gpio_out(dev, &s->irq, 1);
    timer_init(&s->update_timer, rtc_timer_cb, s);
    timer_init(&s->periodic_timer, rtc_timer_cb, s);
    /* power-on: 32.768 kHz, 1024 Hz rate; 24-hour BCD; VRT */
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = REG_B_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = REG_D_VRT;
    /* keep the host's sub-second phase: the next update is on its second */
    s->sec = t;
    s->sec_ns = now - host_realtime_ns() % NS_PER_SEC;
    s->divider_ns = s->sec_ns - NS_PER_SEC / 2;
    s->checked_ns = now;
    rtc_store_time(s, t);
    mr_init_io(&s->io, "rtc", 2, &rtc_io_ops, s);
    isa_register_ioport(&s->io, s->iobase);
    rtc_reset(dev);
    return true;
}

static void rtc_unrealize(Device *dev)
{
    RTCState *s = (RTCState *)dev;

    timer_del(&s->update_timer);
    timer_del(&s->periodic_timer);
}

static int rtc_post_load(Device *dev)
{
    RTCState *s = (RTCState *)dev;

    irq_set(s->irq, s->irq_level);
    rtc_arm(s, vclock_get_ns());
    return 0;
}

static const VMStateField rtc_vmstate_fields[] = {
    VMSTATE_ARRAY(RTCState, cmos),
    VMSTATE_FIELD(RTCState, index),
    VMSTATE_FIELD(RTCState, irq_level),
    VMSTATE_FIELD(RTCState, sec),
    VMSTATE_FIELD(RTCState, sec_ns),
    VMSTATE_FIELD(RTCState, divider_ns),
    VMSTATE_FIELD(RTCState, checked_ns),
    VMSTATE_END,
};

static const VMStateDesc rtc_vmstate = {
    .name = "mc146818rtc",
    .version = 1,
    .fields = rtc_vmstate_fields,
    .post_load = rtc_post_load,
};

static const Property rtc_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, RTCState, iobase, 0x70, "index port (data at +1)"),
    DEFINE_PROP("irq", PROP_UINT32, RTCState, isairq, 8, "ISA interrupt"),
    DEFINE_PROP_STRING("base", RTCState, base, "start time: utc, localtime or a date"),
    DEFINE_PROP_END,
};

static const DeviceClass rtc_class = {
    .name = TYPE_MC146818_RTC,
    .desc = "MC146818 real-time clock and CMOS RAM",
    .category = "misc",
    .bus = "isa",
    .instance_size = sizeof(RTCState),
    .props = rtc_props,
    .user_creatable = true,
    .realize = rtc_realize,
    .reset = rtc_reset,
    .unrealize = rtc_unrealize,
    .vmsd = &rtc_vmstate,
};
DEVICE_CLASS(rtc_class)
