/* SPDX-License-Identifier: MIT */
/*
 * Unit test of core/timer.c: deadline ordering, FIFO among equal deadlines,
 * re-arming and deleting from callbacks, the manual clock running timers
 * at their own deadlines, icount accounting and the host clock modes.
 */
#include "kemu/timer.h"
#include "tap.h"

static char order[64];
static int norder;
static int64_t fired_at[8];

typedef struct TestTimer {
    Timer t;
    char tag;
    int rearm_count;      /* re-arm this many times, period ns apart */
    int64_t period;
    Timer *victim;        /* delete this timer when firing */
    Timer *mover;         /* move this timer to move_to when firing */
    int64_t move_to;
} TestTimer;

static void test_cb(void *opaque)
{
    TestTimer *tt = opaque;

    if (norder < (int)sizeof(order) - 1)
        order[norder++] = tt->tag;
    order[norder] = '\0';
    if (tt->tag >= 'a' && tt->tag < 'a' + 8)
        fired_at[tt->tag - 'a'] = vclock_get_ns();
    if (tt->victim)
        timer_del(tt->victim);
    if (tt->mover)
        timer_mod(tt->mover, tt->move_to);
    if (tt->rearm_count > 0) {
        tt->rearm_count--;
        timer_mod(&tt->t, vclock_get_ns() + tt->period);
    }
}

static void reset_order(void)
{
    norder = 0;
    order[0] = '\0';
}

static void tt_init(TestTimer *tt, char tag)
{
    memset(tt, 0, sizeof(*tt));
    tt->tag = tag;
    timer_init(&tt->t, test_cb, tt);
}

static void test_ordering(void)
{
    TestTimer a, b, c, d;

    vclock_set_mode(VCLOCK_MANUAL, 0);
    reset_order();
    tt_init(&a, 'a');
    tt_init(&b, 'b');
    tt_init(&c, 'c');
    tt_init(&d, 'd');
    ok(!timer_pending(&a.t), "fresh timer not pending");
    is_int(timers_next_deadline(), INT64_MAX, "no timers: deadline INT64_MAX");
    timer_mod(&a.t, 300);
    timer_mod(&b.t, 100);
    timer_mod(&c.t, 200);
    timer_mod(&d.t, 200);
    ok(timer_pending(&a.t), "armed timer pending");
    is_int(timers_next_deadline(), 100, "earliest deadline first");
    ok(!timers_run_expired(), "nothing expired at t=0");
    vclock_set(250);
    is_str(order, "bcd", "fired in deadline order, equal deadlines FIFO");
    is_int(fired_at[1], 100, "b ran with the clock at its deadline");
    is_int(fired_at[2], 200, "c ran with the clock at its deadline");
    is_int(vclock_get_ns(), 250, "clock ends at the target");
    ok(!timer_pending(&b.t), "fired timer no longer pending");
    timer_mod(&a.t, 260);
    is_int(timers_next_deadline(), 260, "re-arming moves the timer");
    vclock_step(10);
    is_str(order, "bcda", "vclock_step fires at 260");
    vclock_set(100);
    is_int(vclock_get_ns(), 260, "manual clock never goes backwards");
}

static void test_rearm_and_delete(void)
{
    TestTimer a, b, c;

    vclock_set_mode(VCLOCK_MANUAL, 0);
    reset_order();
    tt_init(&a, 'a');
    tt_init(&b, 'b');
    tt_init(&c, 'c');
    a.rearm_count = 3;
    a.period = 10;
    timer_mod(&a.t, 10);
    timer_mod(&b.t, 25);
    vclock_set(100);
    is_str(order, "aabaa", "periodic re-arm from its own callback interleaves");
    is_int(fired_at[0], 40, "last periodic firing at 40");

    reset_order();
    tt_init(&a, 'a');
    tt_init(&b, 'b');
    a.victim = &b.t;
    timer_mod(&a.t, 110);
    timer_mod(&b.t, 120);
    vclock_set(200);
    is_str(order, "a", "a callback deleted a later timer");
    is_int(timers_next_deadline(), INT64_MAX, "list empty after delete");

    reset_order();
    tt_init(&a, 'a');
    tt_init(&b, 'b');
    tt_init(&c, 'c');
    a.mover = &c.t;
    a.move_to = 205;
    timer_mod(&a.t, 201);
    timer_mod(&b.t, 210);
    timer_mod(&c.t, 300);
    vclock_set(250);
    is_str(order, "acb", "a callback moved a timer earlier");
    is_int(fired_at[2], 205, "moved timer fired at its new deadline");

    tt_init(&a, 'a');
    timer_mod(&a.t, 500);
    timer_del(&a.t);
    timer_del(&a.t);
    ok(!timer_pending(&a.t), "double delete is harmless");
    is_int(timers_next_deadline(), INT64_MAX, "deleted timer gone");
}

static void test_run_expired(void)
{
    TestTimer a;

    vclock_set_mode(VCLOCK_MANUAL, 0);
    reset_order();
    tt_init(&a, 'a');
    timer_mod(&a.t, -5);
    is_int(a.t.expire, 0, "negative deadline clamps to 0");
    ok(timers_run_expired(), "timer at 0 runs at t=0");
    is_str(order, "a", "it ran once");
}

static void test_icount(void)
{
    TestTimer a;

    vclock_set_mode(VCLOCK_ICOUNT, 3);
    reset_order();
    tt_init(&a, 'a');
    is_int(vclock_icount_shift(), 3, "shift recorded");
    is_int(vclock_get_ns(), 0, "icount clock starts at 0");
    vclock_add_icount(100);
    is_int(vclock_get_ns(), 800, "100 insns at shift 3 = 800 ns");
    timer_mod(&a.t, 1000);
    vclock_add_icount(24);
    ok(!timers_run_expired(), "992 ns: not yet");
    vclock_add_icount(1);
    ok(timers_run_expired(), "1000 ns: fires");
    vclock_set(5000);
    is_int(vclock_get_ns(), 5000, "idle jump in icount mode");
    vclock_add_icount(1);
    is_int(vclock_get_ns(), 5008, "instructions count on after a jump");
}

static void test_host(void)
{
    int64_t t0, t1;

    vclock_set_mode(VCLOCK_HOST, 0);
    t0 = vclock_get_ns();
    ok(t0 >= 0 && t0 < NANOSECONDS_PER_SECOND, "host clock starts near 0");
    vclock_stop();
    t0 = vclock_get_ns();
    for (volatile int i = 0; i < 1000000; i++)
        ;
    is_int(vclock_get_ns(), t0, "stopped clock stands still");
    vclock_start();
    t1 = vclock_get_ns();
    ok(t1 >= t0 && t1 - t0 < NANOSECONDS_PER_SECOND / 10, "restarted clock continues from there");
    vclock_set(t1 + NANOSECONDS_PER_SECOND);
    ok(vclock_get_ns() < t1 + NANOSECONDS_PER_SECOND / 2, "vclock_set ignored in host mode");
    ok(host_realtime_ns() > 1500000000LL * NANOSECONDS_PER_SECOND, "realtime clock is wall time");
}

int main(void)
{
    test_ordering();
    test_rearm_and_delete();
    test_run_expired();
    test_icount();
    test_host();
    return done_testing();
}
