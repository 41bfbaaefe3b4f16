/* SPDX-License-Identifier: MIT */
/*
 * Virtual time and timers.
 *
 * The virtual clock (ns) is what the guest sees. It has three drivers:
 *  - VCLOCK_HOST: follows the host's monotonic clock while the VM runs and
 *    stands still while it is stopped;
 *  - VCLOCK_ICOUNT: (-icount shift=N) advanced by retired guest instructions,
 *    1 instruction = 2^N ns, so a run replays identically;
 *  - VCLOCK_MANUAL: advanced only by vclock_step()/vclock_set() (qtest).
 * Timers are kept in one list sorted by deadline; the main loop runs the
 * expired ones and asks for the next deadline to size CPU slices and poll().
 * Timer callbacks may re-arm or delete any timer, including their own.
 */
#ifndef KEMU_TIMER_H
#define KEMU_TIMER_H

#include "kemu/types.h"

#define NANOSECONDS_PER_SECOND 1000000000LL

typedef enum VClockMode { VCLOCK_HOST, VCLOCK_ICOUNT, VCLOCK_MANUAL } VClockMode;

typedef void TimerCb(void *opaque);

typedef struct Timer {
    int64_t expire;      /* deadline in virtual ns, -1 when not armed */
    TimerCb *cb;
    void *opaque;
    struct Timer *next;
} Timer;

void vclock_set_mode(VClockMode mode, int icount_shift);
VClockMode vclock_mode(void);
int vclock_icount_shift(void);
/* Current virtual time in ns. */
int64_t vclock_get_ns(void);
/* VCLOCK_HOST: stop/start the clock (VM paused/running). */
void vclock_stop(void);
void vclock_start(void);
/* VCLOCK_ICOUNT: account n retired instructions. */
void vclock_add_icount(int64_t n);
/* VCLOCK_MANUAL: advance to t (never backwards) running expired timers
 * on the way, in deadline order, each with the clock set to its deadline. */
void vclock_set(int64_t t);
void vclock_step(int64_t ns);

/* Host monotonic and wall clock, ns. */
int64_t host_clock_ns(void);
int64_t host_realtime_ns(void);

void timer_init(Timer *t, TimerCb *cb, void *opaque);
/* Arm (or re-arm) t for virtual time expire_ns. */
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
static inline bool timer_pending(const Timer *t) { return t->expire >= 0; }
/* Deadline of the earliest timer, or INT64_MAX. */
int64_t timers_next_deadline(void);
/* Run every timer whose deadline is <= now. Returns true if any ran. */
bool timers_run_expired(void);

#endif
