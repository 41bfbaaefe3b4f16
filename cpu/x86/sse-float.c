/* SPDX-License-Identifier: MIT */
/*
 * SSE floating-point arithmetic: ADD/SUB/MUL/DIV/SQRT/MIN/MAX/RCP/RSQRT,
 * ADDSUB, HADD/HSUB, CMPcc, COMISS/UCOMISS, ROUND and DPPS/DPPD.
 *
 * Each runs on the host (sse-host.c) on the destination register and the
 * r/m operand. DPPS and DPPD are chains of multiplies and adds rounded at
 * every step; when an unmasked exception occurs, the flags the hardware
 * reports are those of the steps up to the first faulting one, so the
 * chain is replayed step by step (multiply, pairwise add, final add) to
 * find them. Reference: Intel SDM Vol 2 per instruction (DPPS "Operation"),
 * Vol 1 §11.5.
 */
#include "sse-int.h"

int sse_op_fp(SSEExec *x)
{
    return sse_fp_commit(x, x->e->arg, sse_dst(x), &x->src);
}

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the compare, OF SF AF 0. */
int sse_op_comis(SSEExec *x)
{
    SSEFpRun r = { .d = *sse_dst(x), .s = x->src };

    sse_fp_run(x->e->arg, 0, x->s->mxcsr, &r);
    if (r.fault)
        return sse_fp_fault(x, r.flags);
    x->s->mxcsr |= r.flags;
    sse_set_eflags(x, r.rflags & (SSE_CF | SSE_PF | SSE_ZF));
    return 0;
}

/* One step of a replayed chain: accumulate its flags; true if it faults. */
static bool dp_step(unsigned hop, uint32_t mxcsr, SSEFpRun *r, uint32_t *flags)
{
    sse_fp_run(hop, 0, mxcsr, r);
    *flags |= r->flags;
    return r->fault;
}

/* DPPS: products of the lanes in imm[7:4] (others +0.0), then
 * (p0 + p1) and (p2 + p3) in parallel, then their sum. */
static bool dpps_steps(uint32_t mxcsr, uint8_t imm, const XMMReg *d, const XMMReg *s,
                       uint32_t *flags)
{
    SSEFpRun r = { 0 };
    XMMReg t;

    for (unsigned i = 0; i < 4; i++)
        if (imm & (0x10 << i))
            r.d.d[i] = d->d[i], r.s.d[i] = s->d[i];
    if (dp_step(HOP_MULPS, mxcsr, &r, flags))
        return true;
    t = r.d;
    memset(&r, 0, sizeof(r));
    r.d.d[0] = t.d[0], r.d.d[1] = t.d[2];
    r.s.d[0] = t.d[1], r.s.d[1] = t.d[3];
    if (dp_step(HOP_ADDPS, mxcsr, &r, flags))
        return true;
    t = r.d;
    memset(&r, 0, sizeof(r));
    r.d.d[0] = t.d[0];
    r.s.d[0] = t.d[1];
    return dp_step(HOP_ADDSS, mxcsr, &r, flags);
}

/* DPPD: products of the lanes in imm[5:4], then their sum. */
static bool dppd_steps(uint32_t mxcsr, uint8_t imm, const XMMReg *d, const XMMReg *s,
                       uint32_t *flags)
{
    SSEFpRun r = { 0 };
    XMMReg t;

    for (unsigned i = 0; i < 2; i++)
        if (imm & (0x10 << i))
            r.d.q[i] = d->q[i], r.s.q[i] = s->q[i];
    if (dp_step(HOP_MULPD, mxcsr, &r, flags))
        return true;
    t = r.d;
    memset(&r, 0, sizeof(r));
    r.d.q[0] = t.q[0];
    r.s.q[0] = t.q[1];
    return dp_step(HOP_ADDSD, mxcsr, &r, flags);
}

typedef bool DpSteps(uint32_t mxcsr, uint8_t imm, const XMMReg *d, const XMMReg *s,
                     uint32_t *flags);

static int dp_exec(SSEExec *x, unsigned hop, DpSteps *steps)
{
    SSEFpRun r = { .d = *sse_dst(x), .s = x->src };
    uint32_t flags = 0;

    sse_fp_run(hop, x->op->imm, x->s->mxcsr, &r);
    if (!r.fault) {
        *sse_dst(x) = r.d;
        x->s->mxcsr |= r.flags;
        return 0;
    }
    if (steps(x->s->mxcsr, x->op->imm, sse_dst(x), &x->src, &flags))
        return sse_fp_fault(x, flags);
    return sse_fp_fault(x, r.flags);
}

int sse_op_dpps(SSEExec *x)
{
    return dp_exec(x, HOP_DPPS, dpps_steps);
}

int sse_op_dppd(SSEExec *x)
{
    return dp_exec(x, HOP_DPPD, dppd_steps);
}
