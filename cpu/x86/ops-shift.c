/* SPDX-License-Identifier: MIT */
/*
 * Shifts and rotates: ROL ROR RCL RCR SHL SHR SAL SAR (by 1, CL, imm8),
 * SHLD, SHRD.
 *
 * The count is masked to 5 bits (6 for 64-bit operands); a masked count of
 * zero changes nothing, flags included. Flags are computed eagerly.
 * Undefined flags follow the host (an Intel x86-64), measured over all
 * sizes and counts:
 *  - SHL/SHR/SAR clear AF; rotates leave SF ZF AF PF alone.
 *  - OF for counts > 1 is what a 1-bit operation on the original value
 *    would give: SHL/ROL/RCL msb^msb-1, SHR msb, SAR 0, ROR lsb^msb,
 *    RCR CF-in^msb.
 *  - RCL/RCR of 8/16-bit operands whose count is a multiple of 9/17 change
 *    nothing (not even OF).
 *  - SHLD/SHRD: see shld_flags below.
 * Reference: Intel SDM vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR",
 * "SHLD", "SHRD".
 */
#include "ops.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };
#define SH_IMM 0x10 /* count from an immediate (C0/C1) */

ALWAYS_INLINE uint64_t msb_of(uint64_t v, int sz) { return (v >> ((8 << sz) - 1)) & 1; }
ALWAYS_INLINE uint64_t msb1_of(uint64_t v, int sz) { return (v >> ((8 << sz) - 2)) & 1; }

/* Shift v (zero-extended) by cnt (1..63, already masked); updates flags. */
ALWAYS_INLINE uint64_t shift(CPUX86State *env, int op, int sz, uint64_t v, unsigned cnt)
{
    int bits = 8 << sz;
    uint64_t m = sz_mask(sz), r, cf, of;
    uint32_t f;

    switch (op) {
    case SH_SHL:
    case SH_SAL:
        r = cnt >= (unsigned)bits ? 0 : (v << cnt) & m;
        cf = cnt > (unsigned)bits ? 0 : (v >> (bits - cnt)) & 1;
        of = msb_of(v, sz) ^ msb1_of(v, sz);
        break;
    case SH_SHR:
        r = cnt >= (unsigned)bits ? 0 : v >> cnt;
        cf = cnt > (unsigned)bits ? 0 : (v >> (cnt - 1)) & 1;
        of = msb_of(v, sz);
        break;
    case SH_SAR: {
        int64_t sv = sz_sext(v, sz);
        unsigned c = cnt >= (unsigned)bits ? bits - 1 : cnt;

        r = (uint64_t)(sv >> c) & m;
        cf = (uint64_t)(sv >> (cnt - 1 >= (unsigned)bits ? bits - 1 : cnt - 1)) & 1;
        of = 0;
        break;
    }
    default:
        __builtin_unreachable();
    }
    f = flags_szp(r, sz) | (cf ? CC_C : 0) | (of ? CC_O : 0);
    set_flags_eager(env, f);
    return r;
}

ALWAYS_INLINE uint64_t rotate(CPUX86State *env, int op, int sz, uint64_t v, unsigned cnt)
{
    int bits = 8 << sz;
    uint64_t m = sz_mask(sz), r, cf, of;
    uint32_t f = x86_cc_compute(env);
    bool keep_of = (op & SH_IMM) && cnt > 1 && (op & 15) <= SH_ROR;
    unsigned k;

    op &= 15;
    switch (op) {
    case SH_ROL:
        k = cnt & (bits - 1);
        r = k ? ((v << k) | (v >> (bits - k))) & m : v;
        cf = r & 1;
        of = msb_of(v, sz) ^ msb1_of(v, sz);
        break;
    case SH_ROR:
        k = cnt & (bits - 1);
        r = k ? ((v >> k) | (v << (bits - k))) & m : v;
        cf = msb_of(r, sz);
        of = (v & 1) ^ msb_of(v, sz);
        break;
    case SH_RCL:
    case SH_RCR: {
        uint64_t cin = f & CC_C;

        k = bits < 32 ? cnt % (bits + 1) : cnt;
        if (k == 0)
            return v;
        if (op == SH_RCL) {
            /* (CF:v) rotated left by k within bits+1 bits */
            cf = (v >> (bits - k)) & 1;
            r = ((v << k) | (cin << (k - 1)) | (k > 1 ? v >> (bits + 1 - k) : 0)) & m;
            of = msb_of(v, sz) ^ msb1_of(v, sz);
        } else {
            cf = (v >> (k - 1)) & 1;
            r = ((v >> k) | (cin << (bits - k)) | (k > 1 ? v << (bits + 1 - k) : 0)) & m;
            of = cin ^ msb_of(v, sz);
        }
        break;
    }
    default:
        __builtin_unreachable();
    }
    if (keep_of) /* ROL/ROR reg, imm > 1: the host leaves OF alone */
        of = f & CC_O;
    f = (f & ~(CC_C | CC_O)) | (cf ? CC_C : 0) | (of ? CC_O : 0);
    set_flags_eager(env, f);
    return r;
}

ALWAYS_INLINE uint64_t shift_any(CPUX86State *env, int op, int sz, uint64_t v, unsigned cnt)
{
    if ((op & 15) <= SH_RCR)
        return rotate(env, op, sz, v, cnt);
    return shift(env, op & 15, sz, v, cnt);
}

ALWAYS_INLINE void shift_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, int op,
                           unsigned cnt)
{
    Rmw m;
    uint64_t v;

    cnt &= sz == 3 ? 63 : 31;
    if (!mem) {
        if (cnt)
            reg_write(env, d->rm, sz, shift_any(env, op, sz, reg_read(env, d->rm, sz), cnt));
        else if (sz == 2)
            reg_write(env, d->rm, sz, reg_read(env, d->rm, sz)); /* zero-extends */
        return;
    }
    v = rmw_load(env, d, sz, &m);
    if (cnt)
        rmw_store(env, &m, sz, shift_any(env, op & ~SH_IMM, sz, v, cnt));
}

#define SHIFT_OP(name, OP)                                                                        \
    ALWAYS_INLINE void name##_i(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)        \
    {                                                                                             \
        shift_e(env, d, sz, mem, (OP) | SH_IMM, d->imm);                                          \
    }                                                                                             \
    ALWAYS_INLINE void name##_1(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)        \
    {                                                                                             \
        shift_e(env, d, sz, mem, OP, 1);                                                          \
    }                                                                                             \
    ALWAYS_INLINE void name##_c(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)        \
    {                                                                                             \
        shift_e(env, d, sz, mem, OP, env->regs[R_ECX] & 0xff);                                    \
    }                                                                                             \
    X86_GEN8(hs_##name, name##_i);                                                                \
    X86_GEN8(hs_##name##1, name##_1);                                                             \
    X86_GEN8(hs_##name##c, name##_c)

SHIFT_OP(rol, SH_ROL);
SHIFT_OP(ror, SH_ROR);
SHIFT_OP(rcl, SH_RCL);
SHIFT_OP(rcr, SH_RCR);
SHIFT_OP(shl, SH_SHL);
SHIFT_OP(shr, SH_SHR);
SHIFT_OP(sal, SH_SAL);
SHIFT_OP(sar, SH_SAR);

/* ---- SHLD / SHRD ---- */

/*
 * Double shifts. For 16-bit operands with counts above 16 the result is
 * what the host gives: the three-way concatenation dst:src:dst shifted
 * (Intel). OF as for a 1-bit shift of the original destination, AF cleared,
 * CF the last bit out.
 */
ALWAYS_INLINE uint64_t dshift(CPUX86State *env, int sz, uint64_t dst, uint64_t src,
                              unsigned cnt, bool left)
{
    int bits = 8 << sz;
    uint64_t m = sz_mask(sz), r, cf, of;
    uint32_t f;

    if (bits == 16) {
        /* Counts up to 31: the host shifts the 48-bit pattern dst:src:dst. */
        uint64_t w = left ? (dst << 32) | (src << 16) | dst : dst | (src << 16) | (dst << 32);

        r = (left ? w >> (32 - cnt) : w >> cnt) & m;
        cf = (left ? w >> (48 - cnt) : w >> (cnt - 1)) & 1;
    } else if (left) {
        r = ((dst << cnt) | (src >> (bits - cnt))) & m;
        cf = (dst >> (bits - cnt)) & 1;
    } else {
        r = ((dst >> cnt) | (src << (bits - cnt))) & m;
        cf = (dst >> (cnt - 1)) & 1;
    }
    of = left ? msb_of(dst, sz) ^ msb1_of(dst, sz) : msb_of(dst, sz) ^ (src & 1);
    f = flags_szp(r, sz) | (cf ? CC_C : 0) | (of ? CC_O : 0);
    set_flags_eager(env, f);
    return r;
}

ALWAYS_INLINE void dshift_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem,
                            unsigned cnt, bool left)
{
    uint64_t src = reg_read(env, d->reg, sz), v;
    Rmw m;

    cnt &= sz == 3 ? 63 : 31;
    if (!mem) {
        v = reg_read(env, d->rm, sz);
        reg_write(env, d->rm, sz, cnt ? dshift(env, sz, v, src, cnt, left) : v);
        return;
    }
    v = rmw_load(env, d, sz, &m);
    if (cnt)
        rmw_store(env, &m, sz, dshift(env, sz, v, src, cnt, left));
}

ALWAYS_INLINE void shld_i(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    dshift_e(env, d, sz, mem, d->imm, true);
}
ALWAYS_INLINE void shld_c(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    dshift_e(env, d, sz, mem, env->regs[R_ECX] & 0xff, true);
}
ALWAYS_INLINE void shrd_i(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    dshift_e(env, d, sz, mem, d->imm, false);
}
ALWAYS_INLINE void shrd_c(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    dshift_e(env, d, sz, mem, env->regs[R_ECX] & 0xff, false);
}
X86_GEN8(hs_shld_i, shld_i);
X86_GEN8(hs_shld_c, shld_c);
X86_GEN8(hs_shrd_i, shrd_i);
X86_GEN8(hs_shrd_c, shrd_c);
