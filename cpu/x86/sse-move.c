/* SPDX-License-Identifier: MIT */
/*
 * SSE data movement, logic, shuffles and the SSE2/SSSE3 packed integers.
 *
 * MOVAPS/UPS/APD/UPD/DQA/DQU/SS/SD/LPS/HPS/LPD/HPD/HLPS/LHPS/NTPS/NTPD/
 * NTDQ/NTDQA, LDDQU, MOVD/MOVQ (GPR and XMM forms), MOVQ2DQ/MOVDQ2Q,
 * MOVSLDUP/MOVSHDUP/MOVDDUP, MOVMSKPS/PD, MASKMOVDQU, SHUFPS/PD, and the
 * operations shared with MMX through packed_lookup(): the 66-prefixed
 * integer instructions and the aliases ANDPS/ANDNPS/ORPS/XORPS (PAND...)
 * and UNPCKLPS/HPS/LPD/HPD (PUNPCKLDQ...). No exception but #UD.
 * Reference: Intel SDM Vol 2 per instruction; register forms of the scalar
 * moves merge, memory forms zero-extend (MOVSS, MOVSD).
 */
#include "sse-int.h"

/* MOVxPS/PD/DQA/DQU/SS/SD xmm, xmm/m (arg = bytes moved): register forms
 * of the scalar moves merge into the destination, loads zero-extend. */
int sse_op_mov_load(SSEExec *x)
{
    if (!x->mem && x->e->arg < 16)
        memcpy(sse_dst(x)->b, x->src.b, x->e->arg);
    else
        *sse_dst(x) = x->src;
    return 0;
}

/* Stores xmm/m, xmm (arg = bytes, | SSE_MOV_ZX: the register form
 * zero-extends as MOVQ does, instead of merging as MOVSS/MOVSD do). */
int sse_op_mov_store(SSEExec *x)
{
    unsigned size = x->e->arg & 0xff;
    XMMReg v = *sse_dst(x);

    if (x->mem) {
        x->op->result = v;
    } else if (size == 16 || (x->e->arg & SSE_MOV_ZX)) {
        memset(v.b + size, 0, 16 - size);
        x->s->xmm[x->rm] = v;
    } else {
        memcpy(x->s->xmm[x->rm].b, v.b, size);
    }
    return 0;
}

/* 0F 12 (arg 0): MOVLPS/MOVLPD m64, MOVHLPS xmm; 0F 16 (arg 1): MOVHPS/
 * MOVHPD m64, MOVLHPS xmm. */
int sse_op_movlhps(SSEExec *x)
{
    XMMReg *d = sse_dst(x);

    if (x->e->arg)
        d->q[1] = x->src.q[0];
    else
        d->q[0] = x->mem ? x->src.q[0] : x->src.q[1];
    return 0;
}

/* MOVHPS/MOVHPD m64, xmm */
int sse_op_movhps_store(SSEExec *x)
{
    x->op->result.q[0] = sse_dst(x)->q[1];
    return 0;
}

/* MOVSLDUP (arg 0), MOVSHDUP (1), MOVDDUP (2) */
int sse_op_movdup(SSEExec *x)
{
    XMMReg *d = sse_dst(x), s = x->src;

    if (x->e->arg == 2) {
        d->q[0] = d->q[1] = s.q[0];
        return 0;
    }
    for (unsigned i = 0; i < 4; i++)
        d->d[i] = s.d[(i & ~1u) + x->e->arg];
    return 0;
}

/* MOVMSKPS/MOVMSKPD r32, xmm: the sign bits (arg = element bytes). */
int sse_op_movmsk(SSEExec *x)
{
    unsigned n = 16 / x->e->arg;
    uint64_t m = 0;

    for (unsigned i = 0; i < n; i++)
        m |= (uint64_t)(x->src.b[(i + 1) * x->e->arg - 1] >> 7) << i;
    x->op->result.q[0] = m;
    return 0;
}

/* MOVD/MOVQ xmm, r/m32 (r/m64 with REX.W): zero-extended. */
int sse_op_movd_load(SSEExec *x)
{
    XMMReg v = { .q = { x->op->rex_w ? x->src.q[0] : x->src.d[0], 0 } };

    *sse_dst(x) = v;
    return 0;
}

/* MOVD/MOVQ r/m32 (r/m64), xmm */
int sse_op_movd_store(SSEExec *x)
{
    x->op->result.q[0] = x->op->rex_w ? sse_dst(x)->q[0] : sse_dst(x)->d[0];
    return 0;
}

/* MOVQ xmm, xmm/m64 (F3 0F 7E): zero-extended. */
int sse_op_movq_load(SSEExec *x)
{
    XMMReg v = { .q = { x->src.q[0], 0 } };

    *sse_dst(x) = v;
    return 0;
}

/* MOVQ2DQ xmm, mm */
int sse_op_movq2dq(SSEExec *x)
{
    return sse_op_movq_load(x);
}

/* MOVDQ2Q mm, xmm */
int sse_op_movdq2q(SSEExec *x)
{
    mmx_write(x->x87, x->reg & 7, x->src.q[0]);
    return 0;
}

/* MASKMOVDQU xmm1, xmm2: bytes of xmm1 where xmm2's byte has its top bit. */
int sse_op_maskmov(SSEExec *x)
{
    uint16_t m = 0;

    for (unsigned i = 0; i < 16; i++)
        m |= (uint16_t)((x->src.b[i] >> 7) << i);
    x->op->result = *sse_dst(x);
    x->op->mask = m;
    return 0;
}

/* SHUFPS (arg 4) / SHUFPD (arg 8) */
int sse_op_shuf(SSEExec *x)
{
    XMMReg *d = sse_dst(x), r;
    uint8_t imm = x->op->imm;

    if (x->e->arg == 8) {
        r.q[0] = d->q[imm & 1];
        r.q[1] = x->src.q[(imm >> 1) & 1];
    } else {
        r.d[0] = d->d[imm & 3];
        r.d[1] = d->d[(imm >> 2) & 3];
        r.d[2] = x->src.d[(imm >> 4) & 3];
        r.d[3] = x->src.d[(imm >> 6) & 3];
    }
    *d = r;
    return 0;
}

/* ---- packed integers through the MMX library ---- */

static void packed_run(SSEExec *x, PackedFn *fn)
{
    uint8_t lo = x->op->opcode;
    PackedVec d, s;

    if (x->op->map == 1 && lo >= 0x71 && lo <= 0x73) {   /* shift ModRM.rm by imm8 */
        memcpy(&d, &x->s->xmm[x->rm], 16);
        fn(&d, &d, 16, x->op->imm);
        memcpy(&x->s->xmm[x->rm], &d, 16);
    } else if (x->info.flags & SSE_I_REG_GPR) {          /* PEXTRW, PMOVMSKB */
        memset(&d, 0, sizeof(d));
        memcpy(&s, &x->src, 16);
        fn(&d, &s, 16, x->op->imm);
        x->op->result.q[0] = d.q[0];
    } else {
        memcpy(&d, sse_dst(x), 16);
        memcpy(&s, &x->src, 16);
        fn(&d, &s, 16, x->op->imm);
        memcpy(sse_dst(x), &d, 16);
    }
}

int sse_op_packed(SSEExec *x)
{
    static const uint16_t base[4] = { 0, 0x0f00, 0x3800, 0x3a00 };
    PackedFn *fn = packed_lookup(base[x->op->map & 3] | x->op->opcode, x->op->prefix,
                                 (x->op->modrm >> 3) & 7);

    if (!fn)
        return 6;
    packed_run(x, fn);
    return 0;
}

/* ANDPS... and UNPCKLPS...: arg is the packed opcode with the same effect. */
int sse_op_packed_alias(SSEExec *x)
{
    PackedFn *fn = packed_lookup(x->e->arg, 0x66, 0);

    if (!fn)
        return 6;
    packed_run(x, fn);
    return 0;
}
