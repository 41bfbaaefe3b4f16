/* SPDX-License-Identifier: MIT */
/*
 * Decimal arithmetic: DAA DAS AAA AAS AAM AAD (invalid in 64-bit mode).
 *
 * AAM with an immediate of 0 raises #DE. The flags these instructions
 * leave undefined follow the host (Intel), see docs/cpu-x86.md.
 * Reference: Intel SDM vol. 2, DAA, DAS, AAA, AAS, AAM, AAD.
 */
#include "ops.h"

static HANDLER(daa)
{
    uint32_t f = x86_cc_compute(env);
    uint8_t al = env->regs[R_EAX], old = al;
    bool cf = f & CC_C, af = f & CC_A;

    f &= ~(CC_C | CC_A);
    if ((al & 0xf) > 9 || af) {
        al += 6;
        f |= CC_A;
    }
    if (old > 0x99 || cf) {
        al += 0x60;
        f |= CC_C;
    }
    *REGP8(env, 0) = al;
    f = (f & (CC_C | CC_A)) | flags_szp(al, 0); /* OF undefined: the host clears it */
    set_flags_eager(env, f);
}
X86_GEN1(hs_daa, daa);

static HANDLER(das)
{
    uint32_t f = x86_cc_compute(env);
    uint8_t al = env->regs[R_EAX], old = al;
    bool cf = f & CC_C, af = f & CC_A;

    f &= ~(CC_C | CC_A);
    if ((al & 0xf) > 9 || af) {
        if (al < 6 || cf)
            f |= CC_C; /* borrow from AL - 6, or the old CF */
        al -= 6;
        f |= CC_A;
    }
    if (old > 0x99 || cf) {
        al -= 0x60;
        f |= CC_C;
    }
    *REGP8(env, 0) = al;
    f = (f & (CC_C | CC_A)) | flags_szp(al, 0); /* OF undefined: the host clears it */
    set_flags_eager(env, f);
}
X86_GEN1(hs_das, das);

static void ascii_adjust(CPUX86State *env, bool sub)
{
    uint32_t f = x86_cc_compute(env);
    uint16_t ax = env->regs[R_EAX];
    bool adj = (ax & 0xf) > 9 || (f & CC_A);

    /* AX +/- 0x106 (the carry into AH as the 286 and later do it), AL & 0x0F */
    if (adj)
        ax = ((ax + (sub ? -0x106 : 0x106)) & 0xff0f);
    else
        ax &= 0xff0f;
    reg_write(env, 0, 1, ax);
    f = flags_szp(ax & 0xff, 0) | (adj ? CC_A | CC_C : 0);
    set_flags_eager(env, f);
}

static HANDLER(aaa)
{
    ascii_adjust(env, false);
}
X86_GEN1(hs_aaa, aaa);

static HANDLER(aas)
{
    ascii_adjust(env, true);
}
X86_GEN1(hs_aas, aas);

static HANDLER(aam)
{
    uint8_t base = d->imm, al = env->regs[R_EAX];

    if (base == 0)
        x86_raise_exception(env, EXCP_DE);
    reg_write(env, 0, 1, ((al / base) << 8) | (al % base));
    set_flags_eager(env, flags_szp(al % base, 0));
}
X86_GEN1(hs_aam, aam);

static HANDLER(aad)
{
    uint8_t base = d->imm, al = env->regs[R_EAX], ah = env->regs[R_EAX] >> 8;
    uint8_t t = ah * base, r = al + t;

    reg_write(env, 0, 1, r);
    /* The host sets all six flags as for the byte addition AL + AH * imm8. */
    env->cc_op = CC_OP_ADD;
    env->cc_src = t;
    env->cc_dst = r;
}
X86_GEN1(hs_aad, aad);
