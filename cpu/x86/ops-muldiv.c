/* SPDX-License-Identifier: MIT */
/*
 * Multiplication and division: MUL, IMUL (one, two and three operands),
 * DIV, IDIV.
 *
 * CF and OF report a significant upper half. The undefined SF ZF AF PF
 * follow the host (Intel): see mul_flags. Division by zero and quotients
 * that do not fit raise #DE before any register changes (the faulting
 * instruction is restarted, as on hardware).
 * Reference: Intel SDM vol. 2, MUL, IMUL, DIV, IDIV.
 */
#include "ops.h"

/* Flags after a multiply: CF=OF=ovf; SF and PF from the low half, ZF and
 * AF clear (host behaviour, see docs/cpu-x86.md). */
ALWAYS_INLINE void mul_flags(CPUX86State *env, uint64_t lo, bool ovf, int sz)
{
    set_flags_eager(env, (flags_szp(lo, sz) & ~CC_Z) | (ovf ? CC_C | CC_O : 0));
}

ALWAYS_INLINE void mul_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t b = rm_load(env, d, sz, mem);
    uint64_t a = reg_read(env, 0, sz);

    switch (sz) {
    case 0: {
        uint16_t r = (uint16_t)a * (uint8_t)b;

        reg_write(env, 0, 1, r);
        mul_flags(env, r & 0xff, r >> 8, 0);
        break;
    }
    case 1: {
        uint32_t r = (uint32_t)a * (uint16_t)b;

        reg_write(env, 0, 1, r);
        reg_write(env, R_EDX * 8, 1, r >> 16);
        mul_flags(env, r & 0xffff, r >> 16, 1);
        break;
    }
    case 2: {
        uint64_t r = (uint64_t)(uint32_t)a * (uint32_t)b;

        reg_write(env, 0, 2, r);
        reg_write(env, R_EDX * 8, 2, r >> 32);
        mul_flags(env, (uint32_t)r, r >> 32, 2);
        break;
    }
    default: {
        unsigned __int128 r = (unsigned __int128)a * b;

        env->regs[R_EAX] = (uint64_t)r;
        env->regs[R_EDX] = (uint64_t)(r >> 64);
        mul_flags(env, (uint64_t)r, (r >> 64) != 0, 3);
        break;
    }
    }
}
X86_GEN8(hs_mul, mul_e);

/* Signed product of a and b at size sz; returns the low half, sets *hi. */
ALWAYS_INLINE uint64_t imul_calc(int sz, uint64_t a, uint64_t b, uint64_t *hi, bool *ovf)
{
    if (sz == 3) {
        __int128 r = (__int128)(int64_t)a * (int64_t)b;

        *hi = (uint64_t)((unsigned __int128)r >> 64);
        *ovf = r != (int64_t)r;
        return (uint64_t)r;
    } else {
        int64_t r = sz_sext(a, sz) * sz_sext(b, sz);
        int bits = 8 << sz;

        *hi = (uint64_t)(r >> bits) & sz_mask(sz);
        *ovf = r != sz_sext(r, sz);
        return (uint64_t)r & sz_mask(sz);
    }
}

ALWAYS_INLINE void imul1_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t b = rm_load(env, d, sz, mem), hi;
    bool ovf;
    uint64_t lo = imul_calc(sz, reg_read(env, 0, sz), b, &hi, &ovf);

    if (sz == 0) {
        reg_write(env, 0, 1, lo | (hi << 8));
    } else {
        reg_write(env, 0, sz, lo);
        reg_write(env, R_EDX * 8, sz, hi);
    }
    mul_flags(env, lo, ovf, sz);
}
X86_GEN8(hs_imul1, imul1_e);

ALWAYS_INLINE void imul_ge(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t hi;
    bool ovf;
    uint64_t lo = imul_calc(sz, reg_read(env, d->reg, sz), rm_load(env, d, sz, mem), &hi, &ovf);

    reg_write(env, d->reg, sz, lo);
    mul_flags(env, lo, ovf, sz);
}
X86_GEN8(hs_imul_ge, imul_ge);

ALWAYS_INLINE void imul_gei(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t hi;
    bool ovf;
    uint64_t lo = imul_calc(sz, rm_load(env, d, sz, mem), d->imm, &hi, &ovf);

    reg_write(env, d->reg, sz, lo);
    mul_flags(env, lo, ovf, sz);
}
X86_GEN8(hs_imul_gei, imul_gei);

/* ---- division ---- */

ALWAYS_INLINE void div_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t b = rm_load(env, d, sz, mem);

    if (b == 0)
        x86_raise_exception(env, EXCP_DE);
    if (sz == 3) {
        unsigned __int128 n = ((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX];
        unsigned __int128 q = n / b;

        if (q >> 64)
            x86_raise_exception(env, EXCP_DE);
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)(n % b);
    } else {
        int bits = 8 << sz;
        uint64_t n = sz == 0 ? env->regs[R_EAX] & 0xffff
                             : (reg_read(env, R_EDX * 8, sz) << bits) | reg_read(env, 0, sz);
        uint64_t q = n / b, r = n % b;

        if (q > sz_mask(sz))
            x86_raise_exception(env, EXCP_DE);
        if (sz == 0) {
            reg_write(env, 0, 1, q | (r << 8));
        } else {
            reg_write(env, 0, sz, q);
            reg_write(env, R_EDX * 8, sz, r);
        }
    }
}
X86_GEN8(hs_div, div_e);

ALWAYS_INLINE void idiv_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    int64_t b = sz_sext(rm_load(env, d, sz, mem), sz);

    if (b == 0)
        x86_raise_exception(env, EXCP_DE);
    if (sz == 3) {
        __int128 n = (__int128)(((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX]);
        __int128 q;

        if (b == -1 && (unsigned __int128)n == ((unsigned __int128)1 << 127))
            x86_raise_exception(env, EXCP_DE);
        q = n / b;
        if (q != (int64_t)q)
            x86_raise_exception(env, EXCP_DE);
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)(n % b);
    } else {
        int bits = 8 << sz;
        uint64_t raw = (reg_read(env, R_EDX * 8, sz) << bits) | reg_read(env, 0, sz);
        int64_t n = sz == 0 ? (int16_t)env->regs[R_EAX]
                            : (int64_t)(raw << (64 - 2 * bits)) >> (64 - 2 * bits);
        int64_t q, r;

        if (b == -1 && n == INT64_MIN)
            x86_raise_exception(env, EXCP_DE);
        q = n / b;
        r = n % b;
        if (q != sz_sext(q, sz))
            x86_raise_exception(env, EXCP_DE);
        if (sz == 0) {
            reg_write(env, 0, 1, (q & 0xff) | ((r & 0xff) << 8));
        } else {
            reg_write(env, 0, sz, q);
            reg_write(env, R_EDX * 8, sz, r);
        }
    }
}
X86_GEN8(hs_idiv, idiv_e);
