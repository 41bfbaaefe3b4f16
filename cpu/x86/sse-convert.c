/* SPDX-License-Identifier: MIT */
/*
 * SSE conversions with MMX or general-purpose register operands.
 *
 * CVTPI2PS/CVTPI2PD (MMX or m64 source), CVTSI2SS/SD (r/m32, r/m64 with
 * REX.W), CVT(T)PS2PI/CVT(T)PD2PI (MMX destination) and CVT(T)SS2SI/SD2SI
 * (GPR destination). The conversions between XMM registers are plain host
 * operations (sse-float.c's sse_op_fp). The MMX forms run on the host as
 * their XMM counterparts (CVTPS2DQ on the two low lanes, the upper two
 * zero, which raise nothing), so the host's MMX state is never touched.
 * Reference: Intel SDM Vol 2 per instruction, Vol 1 §11.6.5 (x87-to-MMX
 * transition of the MMX forms).
 */
#include "sse-int.h"

/* CVTPI2PS xmm, mm/m64: the low two lanes; the upper two are kept. */
int sse_op_cvtpi2ps(SSEExec *x)
{
    XMMReg s = { .q = { x->src.q[0], 0 } };

    return sse_fp_commit(x, HOP_CVTPI2PS, sse_dst(x), &s);
}

/* CVTPI2PD xmm, mm/m64: exact, no exception. */
int sse_op_cvtpi2pd(SSEExec *x)
{
    XMMReg *d = sse_dst(x);
    int32_t a = (int32_t)x->src.d[0], b = (int32_t)x->src.d[1];

    d->fd[0] = a;
    d->fd[1] = b;
    return 0;
}

/* CVTSI2SS/CVTSI2SD xmm, r/m32 (r/m64 with REX.W). */
int sse_op_cvtsi2sx(SSEExec *x)
{
    return sse_fp_commit(x, x->e->arg + x->op->rex_w, sse_dst(x), &x->src);
}

/* CVT(T)PS2PI / CVT(T)PD2PI mm, xmm/m: through CVT(T)PS2DQ / CVT(T)PD2DQ. */
int sse_op_cvt2pi(SSEExec *x)
{
    SSEFpRun r = { .s = x->src };

    mmx_enter(x->x87);               /* even when the conversion faults */
    if (x->e->arg == HOP_CVTPS2DQ || x->e->arg == HOP_CVTTPS2DQ)
        r.s.q[1] = 0;
    sse_fp_run(x->e->arg, 0, x->s->mxcsr, &r);
    if (r.fault)
        return sse_fp_fault(x, r.flags);
    x->s->mxcsr |= r.flags;
    mmx_write(x->x87, x->reg & 7, r.d.q[0]);
    return 0;
}

/* CVT(T)SS2SI / CVT(T)SD2SI r32/r64, xmm/m. */
int sse_op_cvt2si(SSEExec *x)
{
    SSEFpRun r = { .s = x->src };

    sse_fp_run(x->e->arg + x->op->rex_w, 0, x->s->mxcsr, &r);
    if (r.fault)
        return sse_fp_fault(x, r.flags);
    x->s->mxcsr |= r.flags;
    x->op->result.q[0] = x->op->rex_w ? r.rax : (uint32_t)r.rax;
    return 0;
}
