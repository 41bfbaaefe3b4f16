/* SPDX-License-Identifier: MIT */
/*
 * String instructions: MOVS CMPS STOS LODS SCAS INS OUTS, with REP,
 * REPE and REPNE, in 16-, 32- and 64-bit address sizes.
 *
 * A repeated instruction runs at most REP_BATCH iterations per execution,
 * then restarts itself (rip unchanged) so the exec loop can take
 * interrupts and end the slice: a long REP is interruptible and resumable.
 * Registers are updated after every iteration, so a fault in the middle
 * leaves a restartable state, as on hardware. REP MOVS and REP STOS copy
 * or fill whole runs that stay inside one page of RAM on both sides with
 * memmove/memset.
 * Reference: Intel SDM vol. 2, MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS,
 * REP/REPE/REPZ/REPNE/REPNZ.
 */
#include "ops.h"

#define REP_BATCH 4096

ALWAYS_INLINE int64_t str_step(const CPUX86State *env, int sz)
{
    return (env->eflags & DF_MASK) ? -(1 << sz) : (1 << sz);
}

ALWAYS_INLINE uint64_t areg(CPUX86State *env, int r, int asz)
{
    return reg_read(env, r * 8, asz);
}

ALWAYS_INLINE void areg_add(CPUX86State *env, int r, int asz, int64_t n)
{
    reg_write(env, r * 8, asz, env->regs[r] + n);
}

/* How many repetitions to do now (0: none at all). */
ALWAYS_INLINE uint64_t rep_count(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t c;

    if (!d->rep)
        return 1;
    c = areg(env, R_ECX, d->asize);
    return c > REP_BATCH ? REP_BATCH : c;
}

/* After n iterations: decrement the counter, repeat the instruction if work
 * remains. */
ALWAYS_INLINE void rep_done(CPUX86State *env, const DecodedInsn *d, uint64_t n, bool stop)
{
    if (!d->rep)
        return;
    areg_add(env, R_ECX, d->asize, -(int64_t)n);
    if (!stop && areg(env, R_ECX, d->asize) != 0)
        NEXT_RIP(env) = env->rip;
}

/* ---- fast paths ---- */

/* Bytes available from linear address lin in its page going up (DF=0). */
ALWAYS_INLINE uint64_t page_room(uint64_t lin) { return TLB_PAGE_SIZE - (lin & ~TLB_PAGE_MASK); }

/* Try to do up to n forward iterations of MOVS with memmove. Returns the
 * number done (0 when the fast path does not apply). */
static uint64_t movs_fast(CPUX86State *env, const DecodedInsn *d, int sz, uint64_t n)
{
    int asz = d->asize;
    uint64_t si = areg(env, R_ESI, asz), di = areg(env, R_EDI, asz);
    uint64_t bytes = n << sz, k;
    uint64_t ls, ld;
    void *ps, *pd;

    if (env->eflags & DF_MASK)
        return 0;
    bytes = MIN(bytes, x86_amask[asz] - MAX(si, di) + 1);
    ls = x86_lin(env, d->seg, si, 1, ACC_READ);
    ld = x86_lin(env, R_ES, di, 1, ACC_WRITE);
    bytes = MIN(bytes, MIN(page_room(ls), page_room(ld)));
    k = bytes >> sz;
    if (k < 2)
        return 0;
    bytes = k << sz;
    x86_lin(env, d->seg, si, bytes, ACC_READ);
    x86_lin(env, R_ES, di, bytes, ACC_WRITE);
    ps = tlb_hit(env, ls, bytes, ACC_READ, env->mmu_idx);
    pd = tlb_hit(env, ld, bytes, ACC_WRITE, env->mmu_idx);
    if (!ps || !pd)
        return 0;
    /* A destination just above the source replicates data element by
     * element; leave that to the slow loop. */
    if ((uint8_t *)pd > (uint8_t *)ps && (uint64_t)((uint8_t *)pd - (uint8_t *)ps) < bytes)
        return 0;
    memmove(pd, ps, bytes);
    areg_add(env, R_ESI, asz, bytes);
    areg_add(env, R_EDI, asz, bytes);
    return k;
}

static uint64_t stos_fast(CPUX86State *env, const DecodedInsn *d, int sz, uint64_t n)
{
    int asz = d->asize;
    uint64_t di = areg(env, R_EDI, asz), bytes = n << sz, k, ld, v;
    uint8_t *pd;

    if (env->eflags & DF_MASK)
        return 0;
    bytes = MIN(bytes, x86_amask[asz] - di + 1);
    ld = x86_lin(env, R_ES, di, 1, ACC_WRITE);
    bytes = MIN(bytes, page_room(ld));
    k = bytes >> sz;
    if (k < 2)
        return 0;
    bytes = k << sz;
    x86_lin(env, R_ES, di, bytes, ACC_WRITE);
    pd = tlb_hit(env, ld, bytes, ACC_WRITE, env->mmu_idx);
    if (!pd)
        return 0;
    v = env->regs[R_EAX];
    if (sz == 0) {
        memset(pd, (uint8_t)v, bytes);
    } else {
        for (uint64_t i = 0; i < k; i++)
            host_st(pd + (i << sz), sz, v);
    }
    areg_add(env, R_EDI, asz, bytes);
    return k;
}

/* ---- the instructions ---- */

ALWAYS_INLINE void movs(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d), i = 0;
    int64_t step = str_step(env, sz);
    int asz = d->asize;

    if (d->rep && n >= 2) {
        i = movs_fast(env, d, sz, n);
        if (i) {
            rep_done(env, d, i, false);
            return;
        }
    }
    for (; i < n; i++) {
        uint64_t v = x86_ld_sz(env, d->seg, areg(env, R_ESI, asz), sz);

        x86_st_sz(env, R_ES, areg(env, R_EDI, asz), v, sz);
        areg_add(env, R_ESI, asz, step);
        areg_add(env, R_EDI, asz, step);
        if (d->rep)
            areg_add(env, R_ECX, asz, -1);
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_movs, movs);

ALWAYS_INLINE void stos(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d), i = 0;
    int64_t step = str_step(env, sz);
    int asz = d->asize;

    if (d->rep && n >= 2) {
        i = stos_fast(env, d, sz, n);
        if (i) {
            rep_done(env, d, i, false);
            return;
        }
    }
    for (; i < n; i++) {
        x86_st_sz(env, R_ES, areg(env, R_EDI, asz), env->regs[R_EAX], sz);
        areg_add(env, R_EDI, asz, step);
        if (d->rep)
            areg_add(env, R_ECX, asz, -1);
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_stos, stos);

ALWAYS_INLINE void lods(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d);
    int64_t step = str_step(env, sz);
    int asz = d->asize;

    for (uint64_t i = 0; i < n; i++) {
        reg_write(env, 0, sz, x86_ld_sz(env, d->seg, areg(env, R_ESI, asz), sz));
        areg_add(env, R_ESI, asz, step);
        if (d->rep)
            areg_add(env, R_ECX, asz, -1);
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_lods, lods);

/* Compare a - b like CMP; returns true when a REPE/REPNE loop must stop. */
ALWAYS_INLINE bool str_cmp(CPUX86State *env, const DecodedInsn *d, int sz, uint64_t a,
                           uint64_t b)
{
    uint64_t m = sz_mask(sz);

    env->cc_op = CC_OP_SUB + sz;
    env->cc_src = b & m;
    env->cc_dst = (a - b) & m;
    if (d->rep == REP_Z)
        return ((a ^ b) & m) != 0;
    if (d->rep == REP_NZ)
        return ((a ^ b) & m) == 0;
    return false;
}

ALWAYS_INLINE void cmps(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d);
    int64_t step = str_step(env, sz);
    int asz = d->asize;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = x86_ld_sz(env, d->seg, areg(env, R_ESI, asz), sz);
        uint64_t b = x86_ld_sz(env, R_ES, areg(env, R_EDI, asz), sz);
        bool stop = str_cmp(env, d, sz, a, b);

        areg_add(env, R_ESI, asz, step);
        areg_add(env, R_EDI, asz, step);
        if (d->rep) {
            areg_add(env, R_ECX, asz, -1);
            if (stop)
                return;
        }
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_cmps, cmps);

ALWAYS_INLINE void scas(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d);
    int64_t step = str_step(env, sz);
    int asz = d->asize;
    uint64_t a = reg_read(env, 0, sz);

    for (uint64_t i = 0; i < n; i++) {
        uint64_t b = x86_ld_sz(env, R_ES, areg(env, R_EDI, asz), sz);
        bool stop = str_cmp(env, d, sz, a, b);

        areg_add(env, R_EDI, asz, step);
        if (d->rep) {
            areg_add(env, R_ECX, asz, -1);
            if (stop)
                return;
        }
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_scas, scas);

ALWAYS_INLINE void ins(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d);
    int64_t step = str_step(env, sz);
    int asz = d->asize, bytes = sz == 3 ? 4 : 1 << sz;
    unsigned port = env->regs[R_EDX] & 0xffff;

    sz = sz == 3 ? 2 : sz;
    x86_check_io(env, port, bytes);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t di = areg(env, R_EDI, asz);
        uint64_t v;

        /* Probe the destination first: a fault must not lose port data. */
        x86_rmw_ptr(env, x86_lin(env, R_ES, di, bytes, ACC_WRITE), bytes);
        v = as_ld(&as_io, port, bytes, NULL);
        log_mask_printf(LOG_IOPORT, "ins %04x -> %" PRIx64 "\n", port, v);
        x86_st_sz(env, R_ES, di, v, sz);
        areg_add(env, R_EDI, asz, step);
        if (d->rep)
            areg_add(env, R_ECX, asz, -1);
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_ins, ins);

ALWAYS_INLINE void outs(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t n = rep_count(env, d);
    int64_t step = str_step(env, sz);
    int asz = d->asize, bytes = sz == 3 ? 4 : 1 << sz;
    unsigned port = env->regs[R_EDX] & 0xffff;

    sz = sz == 3 ? 2 : sz;
    x86_check_io(env, port, bytes);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = x86_ld_sz(env, d->seg, areg(env, R_ESI, asz), sz);

        log_mask_printf(LOG_IOPORT, "outs %04x <- %" PRIx64 "\n", port, v);
        as_st(&as_io, port, v, bytes, NULL);
        areg_add(env, R_ESI, asz, step);
        if (d->rep)
            areg_add(env, R_ECX, asz, -1);
    }
    if (d->rep && areg(env, R_ECX, asz) != 0)
        NEXT_RIP(env) = env->rip;
}
X86_GEN4(hs_outs, outs);
