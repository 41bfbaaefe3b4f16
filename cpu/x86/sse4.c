/* SPDX-License-Identifier: MIT */
/*
 * SSE4.1 and SSE4.2 integer, blend, insert and extract instructions.
 *
 * PMULLD, PMULDQ, PMINSB/SD/UW/UD, PMAXSB/SD/UW/UD, PCMPEQQ, PCMPGTQ,
 * PACKUSDW, PMOVSX/PMOVZX, PHMINPOSUW, PTEST, MPSADBW, BLENDPS/PD,
 * PBLENDW, BLENDVPS/PD and PBLENDVB (implicit XMM0 mask), PINSRB/D/Q,
 * PEXTRB/W/D/Q, INSERTPS, EXTRACTPS. None raises SIMD floating-point
 * exceptions (INSERTPS/EXTRACTPS move bits). Reference: Intel SDM Vol 2 per
 * instruction, Vol 1 §12.10 (SSE4.1).
 */
#include "sse-int.h"

static uint16_t sat_u16(int32_t v) { return v < 0 ? 0 : v > 0xffff ? 0xffff : (uint16_t)v; }

/* Lanewise SSE4.1/4.2 integer operations, by opcode (0F 38 xx). */
int sse_op_int41(SSEExec *x)
{
    XMMReg *d = sse_dst(x), s = x->src, r = *d;

    switch (x->op->opcode) {
    case 0x28: /* PMULDQ */
        for (unsigned i = 0; i < 2; i++)
            r.q[i] = (uint64_t)((int64_t)(int32_t)d->d[2 * i] * (int32_t)s.d[2 * i]);
        break;
    case 0x29: /* PCMPEQQ */
        for (unsigned i = 0; i < 2; i++)
            r.q[i] = d->q[i] == s.q[i] ? ~0ull : 0;
        break;
    case 0x2b: /* PACKUSDW */
        for (unsigned i = 0; i < 4; i++) {
            r.w[i] = sat_u16((int32_t)d->d[i]);
            r.w[4 + i] = sat_u16((int32_t)s.d[i]);
        }
        break;
    case 0x37: /* PCMPGTQ */
        for (unsigned i = 0; i < 2; i++)
            r.q[i] = (int64_t)d->q[i] > (int64_t)s.q[i] ? ~0ull : 0;
        break;
    case 0x38: /* PMINSB */
    case 0x3c: /* PMAXSB */
        for (unsigned i = 0; i < 16; i++) {
            bool less = (int8_t)s.b[i] < (int8_t)d->b[i];
            r.b[i] = less == (x->op->opcode == 0x38) ? s.b[i] : d->b[i];
        }
        break;
    case 0x39: /* PMINSD */
    case 0x3d: /* PMAXSD */
        for (unsigned i = 0; i < 4; i++) {
            bool less = (int32_t)s.d[i] < (int32_t)d->d[i];
            r.d[i] = less == (x->op->opcode == 0x39) ? s.d[i] : d->d[i];
        }
        break;
    case 0x3a: /* PMINUW */
    case 0x3e: /* PMAXUW */
        for (unsigned i = 0; i < 8; i++) {
            bool less = s.w[i] < d->w[i];
            r.w[i] = less == (x->op->opcode == 0x3a) ? s.w[i] : d->w[i];
        }
        break;
    case 0x3b: /* PMINUD */
    case 0x3f: /* PMAXUD */
        for (unsigned i = 0; i < 4; i++) {
            bool less = s.d[i] < d->d[i];
            r.d[i] = less == (x->op->opcode == 0x3b) ? s.d[i] : d->d[i];
        }
        break;
    case 0x40: /* PMULLD */
        for (unsigned i = 0; i < 4; i++)
            r.d[i] = d->d[i] * s.d[i];
        break;
    default:
        return 6;
    }
    *d = r;
    return 0;
}

/* PMOVSX/PMOVZX: 0F 38 20-25 (sign) and 30-35 (zero); low nibble 0 BW,
 * 1 BD, 2 BQ, 3 WD, 4 WQ, 5 DQ. */
int sse_op_pmovx(SSEExec *x)
{
    static const uint8_t from[6] = { 1, 1, 1, 2, 2, 4 }, to[6] = { 2, 4, 8, 4, 8, 8 };
    unsigned k = x->op->opcode & 0xf, fs = from[k], ts = to[k];
    bool sign = x->op->opcode < 0x30;
    XMMReg r;

    for (unsigned i = 0; i < 16 / ts; i++) {
        uint64_t v = 0;

        memcpy(&v, x->src.b + i * fs, fs);
        if (sign && (v >> (8 * fs - 1)))
            v |= ~0ull << (8 * fs);
        memcpy(r.b + i * ts, &v, ts);
    }
    *sse_dst(x) = r;
    return 0;
}

/* PHMINPOSUW: the smallest word (first of equals) and its index. */
int sse_op_phminposuw(SSEExec *x)
{
    XMMReg r = { 0 };
    unsigned best = 0;

    for (unsigned i = 1; i < 8; i++)
        if (x->src.w[i] < x->src.w[best])
            best = i;
    r.w[0] = x->src.w[best];
    r.w[1] = (uint16_t)best;
    *sse_dst(x) = r;
    return 0;
}

/* PTEST: ZF = (d AND s) == 0, CF = (NOT d AND s) == 0, the rest 0. */
int sse_op_ptest(SSEExec *x)
{
    const XMMReg *d = sse_dst(x);
    uint32_t fl = 0;

    if (!((d->q[0] & x->src.q[0]) | (d->q[1] & x->src.q[1])))
        fl |= SSE_ZF;
    if (!((~d->q[0] & x->src.q[0]) | (~d->q[1] & x->src.q[1])))
        fl |= SSE_CF;
    sse_set_eflags(x, fl);
    return 0;
}

/* MPSADBW: eight sums of absolute differences of 4-byte blocks. */
int sse_op_mpsadbw(SSEExec *x)
{
    const XMMReg *d = sse_dst(x);
    unsigned doff = ((x->op->imm >> 2) & 1) * 4, soff = (x->op->imm & 3) * 4;
    XMMReg r;

    for (unsigned i = 0; i < 8; i++) {
        unsigned sum = 0;

        for (unsigned j = 0; j < 4; j++) {
            int a = d->b[doff + i + j], b = x->src.b[soff + j];
            sum += a > b ? a - b : b - a;
        }
        r.w[i] = (uint16_t)sum;
    }
    *sse_dst(x) = r;
    return 0;
}

/* Copy element i (size bytes) of s into d where bit i of sel is set. */
static void blend_elems(XMMReg *d, const XMMReg *s, unsigned size, uint32_t sel)
{
    for (unsigned i = 0; i < 16 / size; i++)
        if (sel & (1u << i))
            memcpy(d->b + i * size, s->b + i * size, size);
}

/* BLENDPS (0F 3A 0C), BLENDPD (0D), PBLENDW (0E) by imm8. */
int sse_op_blend(SSEExec *x)
{
    static const uint8_t size[3] = { 4, 8, 2 };

    blend_elems(sse_dst(x), &x->src, size[x->op->opcode - 0x0c], x->op->imm);
    return 0;
}

/* PBLENDVB (arg 1), BLENDVPS (4), BLENDVPD (8): by the top bit of each
 * element of XMM0. */
int sse_op_blendv(SSEExec *x)
{
    unsigned size = x->e->arg;
    const XMMReg *m = &x->s->xmm[0];
    uint32_t sel = 0;

    for (unsigned i = 0; i < 16 / size; i++)
        sel |= (uint32_t)(m->b[(i + 1) * size - 1] >> 7) << i;
    blend_elems(sse_dst(x), &x->src, size, sel);
    return 0;
}

/* PEXTRB/PEXTRW/PEXTRD/PEXTRQ r/m, xmm, imm8 (arg = size; D/Q by REX.W). */
int sse_op_pextr(SSEExec *x)
{
    unsigned size = x->e->arg == 4 && x->op->rex_w ? 8 : x->e->arg;
    unsigned idx = x->op->imm & (16 / size - 1);

    memcpy(&x->op->result.q[0], sse_dst(x)->b + idx * size, size);
    return 0;
}

/* PINSRB/PINSRD/PINSRQ xmm, r/m, imm8 (arg = size; D/Q by REX.W). */
int sse_op_pinsr(SSEExec *x)
{
    unsigned size = x->e->arg == 4 && x->op->rex_w ? 8 : x->e->arg;
    unsigned idx = x->op->imm & (16 / size - 1);

    memcpy(sse_dst(x)->b + idx * size, x->src.b, size);
    return 0;
}

/* EXTRACTPS r/m32, xmm, imm8 */
int sse_op_extractps(SSEExec *x)
{
    x->op->result.q[0] = sse_dst(x)->d[x->op->imm & 3];
    return 0;
}

/* INSERTPS xmm, xmm/m32, imm8: source lane imm[7:6] (register form),
 * destination lane imm[5:4], zero mask imm[3:0]. */
int sse_op_insertps(SSEExec *x)
{
    XMMReg *d = sse_dst(x);
    uint8_t imm = x->op->imm;

    d->d[(imm >> 4) & 3] = x->mem ? x->src.d[0] : x->src.d[imm >> 6];
    for (unsigned i = 0; i < 4; i++)
        if (imm & (1u << i))
            d->d[i] = 0;
    return 0;
}
