/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU: control instructions and the saved-state images.
 *
 * FLDCW, FNSTCW, FNSTSW, FNCLEX, FNINIT, and the environment/state images
 * of FLDENV/FNSTENV (14 or 28 bytes) and FRSTOR/FNSAVE (94 or 108 bytes)
 * in their four layouts (16/32-bit operand size, real/protected mode;
 * Intel SDM Vol 1 §8.1.10, Figs 8-9 to 8-12), plus the first 160 bytes of
 * the FXSAVE image (SDM Vol 1 §10.5.1, Table 10-2). As on the hardware,
 * ES/B are recomputed from flags and masks whenever either is loaded, the
 * reserved upper halves of the 32-bit layouts are stored as FFFFh, and
 * loaded tags only say empty/non-empty: the rest is re-derived from the
 * register contents.
 */
#include "x87-int.h"

/* ---- control and status words ---- */

void x87_op_fldcw(X87State *n, const X87Op *op)
{
    n->fcw = x87_fcw_load((uint16_t)op->ld(op->ctx, 0, 2));
    x87_update_es(n);
}

void x87_op_fnstcw(X87State *n, const X87Op *op) { op->st(op->ctx, 0, n->fcw, 2); }
void x87_op_fnstsw(X87State *n, const X87Op *op) { op->st(op->ctx, 0, n->fsw, 2); }

void x87_op_fnstsw_ax(X87State *n, const X87Op *op)
{
    if (op->ax)
        *op->ax = n->fsw;
}

void x87_op_fnclex(X87State *n, const X87Op *op)
{
    n->fsw &= ~(X87_FSW_EXC | X87_FSW_SF | X87_FSW_ES | X87_FSW_B);
}

void x87_op_fninit(X87State *n, const X87Op *op) { x87_reset(n); }

/* ---- FLDENV/FNSTENV images ---- */

/* Linear address stored by the real-mode layouts. */
static uint32_t real_linear(uint16_t sel, uint64_t off) { return ((uint32_t)sel << 4) + (uint32_t)off; }

static void env_store16(const X87State *s, bool pm, uint8_t *b)
{
    stw_le(b + 0, s->fcw);
    stw_le(b + 2, s->fsw);
    stw_le(b + 4, s->ftw);
    if (pm) {
        stw_le(b + 6, (uint16_t)s->fip);
        stw_le(b + 8, s->fcs);
        stw_le(b + 10, (uint16_t)s->fdp);
        stw_le(b + 12, s->fds);
    } else {
        uint32_t ip = real_linear(s->fcs, s->fip), dp = real_linear(s->fds, s->fdp);
        stw_le(b + 6, (uint16_t)ip);
        stw_le(b + 8, (uint16_t)(((ip >> 16) & 0xf) << 12 | (s->fop & 0x7ff)));
        stw_le(b + 10, (uint16_t)dp);
        stw_le(b + 12, (uint16_t)(((dp >> 16) & 0xf) << 12));
    }
}

static void env_store32(const X87State *s, bool pm, uint8_t *b)
{
    stl_le(b + 0, 0xffff0000u | s->fcw);
    stl_le(b + 4, 0xffff0000u | s->fsw);
    stl_le(b + 8, 0xffff0000u | s->ftw);
    if (pm) {
        stl_le(b + 12, (uint32_t)s->fip);
        stl_le(b + 16, (uint32_t)(s->fop & 0x7ff) << 16 | s->fcs);
        stl_le(b + 20, (uint32_t)s->fdp);
        stl_le(b + 24, 0xffff0000u | s->fds);
    } else {
        uint32_t ip = real_linear(s->fcs, s->fip), dp = real_linear(s->fds, s->fdp);
        stl_le(b + 12, 0xffff0000u | (ip & 0xffff));
        stl_le(b + 16, (ip >> 16) << 12 | (s->fop & 0x7ff));
        stl_le(b + 20, 0xffff0000u | (dp & 0xffff));
        stl_le(b + 24, (dp >> 16) << 12);
    }
}

/* Load an environment; the tag word is applied by the caller once the
 * registers are in place. Returns the tag word image. */
static uint16_t env_load16(X87State *s, bool pm, const uint8_t *b)
{
    s->fcw = x87_fcw_load(ldw_le(b + 0));
    s->fsw = ldw_le(b + 2);
    if (pm) {
        s->fip = ldw_le(b + 6);
        s->fcs = ldw_le(b + 8);
        s->fdp = ldw_le(b + 10);
        s->fds = ldw_le(b + 12);
        s->fop = 0;
    } else {
        uint16_t w = ldw_le(b + 8);
        s->fip = ldw_le(b + 6) | (uint32_t)(w >> 12) << 16;
        s->fop = w & 0x7ff;
        s->fdp = ldw_le(b + 10) | (uint32_t)(ldw_le(b + 12) >> 12) << 16;
        s->fcs = s->fds = 0;
    }
    return ldw_le(b + 4);
}

static uint16_t env_load32(X87State *s, bool pm, const uint8_t *b)
{
    s->fcw = x87_fcw_load(ldw_le(b + 0));
    s->fsw = ldw_le(b + 4);
    if (pm) {
        uint32_t w = ldl_le(b + 16);
        s->fip = ldl_le(b + 12);
        s->fcs = (uint16_t)w;
        s->fop = (w >> 16) & 0x7ff;
        s->fdp = ldl_le(b + 20);
        s->fds = ldw_le(b + 24);
    } else {
        uint32_t w = ldl_le(b + 16);
        s->fip = ldw_le(b + 12) | ((w >> 12) & 0xffff) << 16;
        s->fop = w & 0x7ff;
        s->fdp = ldw_le(b + 20) | ((ldl_le(b + 24) >> 12) & 0xffff) << 16;
        s->fcs = s->fds = 0;
    }
    return ldw_le(b + 8);
}

static unsigned env_size(const X87Op *op) { return op->opsize == 16 ? 14 : 28; }

static void env_store(const X87State *s, const X87Op *op, uint8_t *b)
{
    if (op->opsize == 16)
        env_store16(s, op->protected_mode, b);
    else
        env_store32(s, op->protected_mode, b);
}

static uint16_t env_load(X87State *s, const X87Op *op, const uint8_t *b)
{
    if (op->opsize == 16)
        return env_load16(s, op->protected_mode, b);
    return env_load32(s, op->protected_mode, b);
}

void x87_op_fldenv(X87State *n, const X87Op *op)
{
    uint8_t b[28];

    x87_mem_load(op, 0, b, env_size(op));
    n->ftw = x87_tags_from_image(n, env_load(n, op, b));
    x87_update_es(n);
}

void x87_op_fnstenv(X87State *n, const X87Op *op)
{
    uint8_t b[28];

    env_store(n, op, b);
    x87_mem_store(op, 0, b, env_size(op));
    n->fcw |= X87_FSW_EXC; /* FNSTENV masks every exception */
    x87_update_es(n);
}

/* ---- FRSTOR/FNSAVE images: environment, then ST0..ST7 ---- */

void x87_op_frstor(X87State *n, const X87Op *op)
{
    uint8_t b[108];
    unsigned env = env_size(op);
    uint16_t ftw;

    x87_mem_load(op, 0, b, env + 80);
    ftw = env_load(n, op, b);
    for (unsigned i = 0; i < 8; i++) {
        X87Reg *r = &n->regs[x87_phys(n, i)];
        r->mant = ldq_le(b + env + 10 * i);
        r->sexp = ldw_le(b + env + 10 * i + 8);
    }
    n->ftw = x87_tags_from_image(n, ftw);
    x87_update_es(n);
}

void x87_op_fnsave(X87State *n, const X87Op *op)
{
    uint8_t b[108];
    unsigned env = env_size(op);

    env_store(n, op, b);
    for (unsigned i = 0; i < 8; i++) {
        const X87Reg *r = &n->regs[x87_phys(n, i)];
        stq_le(b + env + 10 * i, r->mant);
        stw_le(b + env + 10 * i + 8, r->sexp);
    }
    x87_mem_store(op, 0, b, env + 80);
    x87_reset(n);
}

/* ---- FXSAVE/FXRSTOR (bytes 0-23 and 32-159) ---- */

static uint8_t abridged_tags(uint16_t ftw)
{
    uint8_t t = 0;

    for (unsigned p = 0; p < 8; p++)
        if (((ftw >> (2 * p)) & 3) != X87_TAG_EMPTY)
            t |= 1u << p;
    return t;
}

static void fxsave_common(const X87State *s, uint8_t *out)
{
    stw_le(out + 0, s->fcw);
    stw_le(out + 2, s->fsw);
    out[4] = abridged_tags(s->ftw);
    out[5] = 0;
    stw_le(out + 6, s->fop & 0x7ff);
    for (unsigned i = 0; i < 8; i++) {
        uint8_t *p = out + 32 + 16 * i;
        const X87Reg *r = &s->regs[x87_phys(s, i)];
        stq_le(p, r->mant);
        stw_le(p + 8, r->sexp);
        memset(p + 10, 0, 6);
    }
}

void x87_fxsave(const X87State *s, uint8_t out[512])
{
    fxsave_common(s, out);
    stl_le(out + 8, (uint32_t)s->fip);
    stl_le(out + 12, s->fcs);
    stl_le(out + 16, (uint32_t)s->fdp);
    stl_le(out + 20, s->fds);
}

void x87_fxsave64(const X87State *s, uint8_t out[512])
{
    fxsave_common(s, out);
    stq_le(out + 8, s->fip);
    stq_le(out + 16, s->fdp);
}

static void fxrstor_common(X87State *s, const uint8_t *in)
{
    uint16_t ftw = 0;

    s->fcw = x87_fcw_load(ldw_le(in + 0));
    s->fsw = ldw_le(in + 2);
    s->fop = ldw_le(in + 6) & 0x7ff;
    for (unsigned i = 0; i < 8; i++) {
        const uint8_t *p = in + 32 + 16 * i;
        X87Reg *r = &s->regs[x87_phys(s, i)];
        r->mant = ldq_le(p);
        r->sexp = ldw_le(p + 8);
    }
    for (unsigned p = 0; p < 8; p++)
        if (!(in[4] & (1u << p)))
            ftw |= X87_TAG_EMPTY << (2 * p);
    s->ftw = x87_tags_from_image(s, ftw);
    x87_update_es(s);
}

bool x87_fxrstor(X87State *s, const uint8_t in[512])
{
    fxrstor_common(s, in);
    s->fip = ldl_le(in + 8);
    s->fcs = ldw_le(in + 12);
    s->fdp = ldl_le(in + 16);
    s->fds = ldw_le(in + 20);
    return true;
}

bool x87_fxrstor64(X87State *s, const uint8_t in[512])
{
    fxrstor_common(s, in);
    s->fip = ldq_le(in + 8);
    s->fdp = ldq_le(in + 16);
    s->fcs = s->fds = 0;
    return true;
}
