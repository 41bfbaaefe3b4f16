/* SPDX-License-Identifier: MIT */
/*
 * The virtual clock and the sorted timer list.
 *
 * The guest sees one virtual clock in nanoseconds, driven by the host clock,
 * by retired instructions (-icount, QEMU manual "-icount") or by hand (qtest
 * clock_step/clock_set). Timers sit in a singly linked list sorted by
 * deadline; equal deadlines keep arming order. Callbacks may re-arm or delete
 * any timer, so the runner re-reads the list head after every callback.
 *
 * In icount mode vclock_set() is also allowed: the main loop uses it to jump
 * the clock to the next deadline while every CPU halts, which keeps a run
 * deterministic (QEMU's "-icount sleep=off" behaviour).
 */
#include <time.h>

#include "kemu/timer.h"

static VClockMode vc_mode = VCLOCK_HOST;
static int vc_shift;
static bool vc_host_running = true;
static bool vc_host_inited;
static int64_t vc_host_offset;   /* HOST running: vclock = host + offset */
static int64_t vc_host_frozen;   /* HOST stopped: the clock's value */
static int64_t vc_icount;        /* ICOUNT: retired instructions */
static int64_t vc_bias;          /* ICOUNT: ns added by jumps; MANUAL: the clock */
static Timer *timer_head;

int64_t host_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

int64_t host_realtime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static void vclock_host_init(void)
{
    if (!vc_host_inited) {
        vc_host_inited = true;
        vc_host_offset = -host_clock_ns();
    }
}

void vclock_set_mode(VClockMode mode, int icount_shift)
{
    vc_mode = mode;
    vc_shift = icount_shift;
    vc_icount = 0;
    vc_bias = 0;
    vc_host_inited = false;
    vc_host_running = true;
    vclock_host_init();
}

VClockMode vclock_mode(void)
{
    return vc_mode;
}

int vclock_icount_shift(void)
{
    return vc_shift;
}

int64_t vclock_get_ns(void)
{
    switch (vc_mode) {
    case VCLOCK_ICOUNT:
        return vc_bias + (vc_icount << vc_shift);
    case VCLOCK_MANUAL:
        return vc_bias;
    case VCLOCK_HOST:
    default:
        vclock_host_init();
        return vc_host_running ? host_clock_ns() + vc_host_offset : vc_host_frozen;
    }
}

void vclock_stop(void)
{
    if (vc_mode != VCLOCK_HOST || !vc_host_running)
        return;
    vc_host_frozen = vclock_get_ns();
    vc_host_running = false;
}

void vclock_start(void)
{
    if (vc_mode != VCLOCK_HOST || vc_host_running)
        return;
    vc_host_offset = vc_host_frozen - host_clock_ns();
    vc_host_running = true;
}

void vclock_add_icount(int64_t n)
{
    if (n > 0)
        vc_icount += n;
}

/* Move a hand-driven clock (MANUAL, or ICOUNT via the bias) to t. */
static void vclock_jump(int64_t t)
{
    int64_t now = vclock_get_ns();

    if (t > now)
        vc_bias += t - now;
}

static void timer_unlink(Timer *t)
{
    for (Timer **pp = &timer_head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
}

/* Remove and fire the list head (the caller checked that it is due). */
static void timer_fire_head(void)
{
    Timer *t = timer_head;

    timer_head = t->next;
    t->next = NULL;
    t->expire = -1;
    t->cb(t->opaque);
}

void vclock_set(int64_t t)
{
    if (vc_mode == VCLOCK_HOST)
        return;
    while (timer_head && timer_head->expire <= t) {
        vclock_jump(timer_head->expire);
        timer_fire_head();
    }
    vclock_jump(t);
}

void vclock_step(int64_t ns)
{
    if (ns > 0)
        vclock_set(vclock_get_ns() + ns);
}

void timer_init(Timer *t, TimerCb *cb, void *opaque)
{
    t->expire = -1;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Timer **pp;

    if (timer_pending(t))
        timer_unlink(t);
    if (expire_ns < 0)
        expire_ns = 0;
    t->expire = expire_ns;
    for (pp = &timer_head; *pp && (*pp)->expire <= expire_ns; pp = &(*pp)->next)
        ;
    t->next = *pp;
    *pp = t;
}

void timer_del(Timer *t)
{
    if (!timer_pending(t))
        return;
    timer_unlink(t);
    t->expire = -1;
}

int64_t timers_next_deadline(void)
{
    return timer_head ? timer_head->expire : INT64_MAX;
}

/* Bound on callbacks per call, so a timer that keeps re-arming itself in
 * the past cannot starve the main loop. */
#define TIMER_RUN_LIMIT 100000

bool timers_run_expired(void)
{
    int64_t now = vclock_get_ns();
    int ran = 0;

    while (timer_head && timer_head->expire <= now && ran < TIMER_RUN_LIMIT) {
        timer_fire_head();
        ran++;
    }
    return ran > 0;
}
