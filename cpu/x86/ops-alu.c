/* SPDX-License-Identifier: MIT */
/*
 * Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST,
 * INC DEC NOT NEG, ADCX ADOX.
 *
 * Each of the eight classic ALU operations has three forms (E,G / G,E /
 * E,imm; AL/eAX,imm reuses E,imm with the accumulator as register operand)
 * in four sizes, register or memory. Flags are lazy (flags.c). AND, OR,
 * XOR and TEST leave AF undefined; kemu clears it, as the host (Intel)
 * does.
 * Reference: Intel SDM vol. 2, ADD/ADC/SUB/SBB/AND/OR/XOR/CMP/TEST/INC/
 * DEC/NEG/NOT, ADCX, ADOX.
 */
#include "ops.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

ALWAYS_INLINE uint64_t alu(CPUX86State *env, int op, int sz, uint64_t a, uint64_t b)
{
    uint64_t m = sz_mask(sz), r, c;

    b &= m;
    switch (op) {
    case ALU_ADD:
        r = (a + b) & m;
        env->cc_op = CC_OP_ADD + sz;
        env->cc_src = b;
        break;
    case ALU_ADC:
        c = x86_cc_carry(env);
        r = (a + b + c) & m;
        env->cc_op = CC_OP_ADC + sz;
        env->cc_src = b;
        env->cc_src2 = c;
        break;
    case ALU_SBB:
        c = x86_cc_carry(env);
        r = (a - b - c) & m;
        env->cc_op = CC_OP_SBB + sz;
        env->cc_src = b;
        env->cc_src2 = c;
        break;
    case ALU_SUB:
    case ALU_CMP:
        r = (a - b) & m;
        env->cc_op = CC_OP_SUB + sz;
        env->cc_src = b;
        break;
    case ALU_OR:
        r = (a | b) & m;
        env->cc_op = CC_OP_LOGIC + sz;
        break;
    case ALU_AND:
        r = (a & b) & m;
        env->cc_op = CC_OP_LOGIC + sz;
        break;
    default:
        r = (a ^ b) & m;
        env->cc_op = CC_OP_LOGIC + sz;
        break;
    }
    env->cc_dst = r;
    return r;
}

/* op E, b */
ALWAYS_INLINE void alu_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, int op,
                         uint64_t b)
{
    Rmw m;
    uint64_t r;

    if (!mem) {
        r = alu(env, op, sz, reg_read(env, d->rm, sz), b);
        if (op != ALU_CMP)
            reg_write(env, d->rm, sz, r);
        return;
    }
    if (op == ALU_CMP) {
        alu(env, op, sz, x86_ld_sz(env, d->seg, x86_ea(env, d), sz), b);
        return;
    }
    r = rmw_load(env, d, sz, &m);
    rmw_store(env, &m, sz, alu(env, op, sz, r, b));
}

#define ALU_OP(name, OP)                                                                          \
    ALWAYS_INLINE void name##_eg(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)       \
    {                                                                                             \
        alu_e(env, d, sz, mem, OP, reg_read(env, d->reg, sz));                                    \
    }                                                                                             \
    ALWAYS_INLINE void name##_ei(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)       \
    {                                                                                             \
        alu_e(env, d, sz, mem, OP, d->imm);                                                       \
    }                                                                                             \
    ALWAYS_INLINE void name##_ge(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)       \
    {                                                                                             \
        uint64_t r = alu(env, OP, sz, reg_read(env, d->reg, sz), rm_load(env, d, sz, mem));       \
        if (OP != ALU_CMP)                                                                        \
            reg_write(env, d->reg, sz, r);                                                        \
    }                                                                                             \
    X86_GEN8(hs_##name##_eg, name##_eg);                                                          \
    X86_GEN8(hs_##name##_ei, name##_ei);                                                          \
    X86_GEN8(hs_##name##_ge, name##_ge)

ALU_OP(add, ALU_ADD);
ALU_OP(or, ALU_OR);
ALU_OP(adc, ALU_ADC);
ALU_OP(sbb, ALU_SBB);
ALU_OP(and, ALU_AND);
ALU_OP(sub, ALU_SUB);
ALU_OP(xor, ALU_XOR);
ALU_OP(cmp, ALU_CMP);

ALWAYS_INLINE void test_eg(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    env->cc_dst = rm_load(env, d, sz, mem) & reg_read(env, d->reg, sz);
    env->cc_op = CC_OP_LOGIC + sz;
}
X86_GEN8(hs_test_eg, test_eg);

ALWAYS_INLINE void test_ei(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    env->cc_dst = rm_load(env, d, sz, mem) & d->imm & sz_mask(sz);
    env->cc_op = CC_OP_LOGIC + sz;
}
X86_GEN8(hs_test_ei, test_ei);

/* ---- INC / DEC ---- */

ALWAYS_INLINE uint64_t incdec(CPUX86State *env, int sz, uint64_t v, bool dec)
{
    uint64_t r = (dec ? v - 1 : v + 1) & sz_mask(sz);

    env->cc_src = x86_cc_carry(env);
    env->cc_dst = r;
    env->cc_op = (dec ? CC_OP_DEC : CC_OP_INC) + sz;
    return r;
}

ALWAYS_INLINE void incdec_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, bool dec)
{
    Rmw m;

    if (!mem) {
        reg_write(env, d->rm, sz, incdec(env, sz, reg_read(env, d->rm, sz), dec));
        return;
    }
    rmw_store(env, &m, sz, incdec(env, sz, rmw_load(env, d, sz, &m), dec));
}

ALWAYS_INLINE void inc_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    incdec_e(env, d, sz, mem, false);
}
ALWAYS_INLINE void dec_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    incdec_e(env, d, sz, mem, true);
}
X86_GEN8(hs_inc, inc_e);
X86_GEN8(hs_dec, dec_e);

/* 40+r / 48+r: the register is in the opcode (d->reg). */
ALWAYS_INLINE void inc_r(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, d->reg, sz, incdec(env, sz, reg_read(env, d->reg, sz), false));
}
ALWAYS_INLINE void dec_r(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, d->reg, sz, incdec(env, sz, reg_read(env, d->reg, sz), true));
}
X86_GEN4(hs_inc_r, inc_r);
X86_GEN4(hs_dec_r, dec_r);

/* ---- NOT / NEG ---- */

ALWAYS_INLINE void not_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    Rmw m;

    if (!mem) {
        reg_write(env, d->rm, sz, ~reg_read(env, d->rm, sz));
        return;
    }
    rmw_store(env, &m, sz, ~rmw_load(env, d, sz, &m));
}
X86_GEN8(hs_not, not_e);

ALWAYS_INLINE uint64_t neg_val(CPUX86State *env, int sz, uint64_t v)
{
    uint64_t r = (0 - v) & sz_mask(sz);

    env->cc_op = CC_OP_SUB + sz;
    env->cc_src = v & sz_mask(sz);
    env->cc_dst = r;
    return r;
}

ALWAYS_INLINE void neg_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    Rmw m;

    if (!mem) {
        reg_write(env, d->rm, sz, neg_val(env, sz, reg_read(env, d->rm, sz)));
        return;
    }
    rmw_store(env, &m, sz, neg_val(env, sz, rmw_load(env, d, sz, &m)));
}
X86_GEN8(hs_neg, neg_e);

/* ADCX (66 0F 38 F6) and ADOX (F3 0F 38 F6): add with carry through CF or
 * OF only, 32 or 64 bits (REX.W); no other flag changes (SDM vol. 2 ADCX,
 * ADOX). */
static HANDLER(adx)
{
    bool ox = d->rep == REP_Z, mem = d->flags & DI_MEM;
    int sz = (d->flags & DI_REXW) ? 3 : 2;
    uint32_t f = x86_cc_compute(env), bit = ox ? CC_O : CC_C;
    uint64_t a, b, c, r;

    if (d->rep == REP_NZ || (!ox && !(d->flags & DI_OPSIZE)))
        x86_raise_exception(env, EXCP_UD);
    b = mem ? x86_ld_sz(env, d->seg, x86_ea(env, d), sz) : reg_read(env, reg_off(d->rmn), sz);
    a = reg_read(env, reg_off(d->regn), sz);
    c = (f & bit) ? 1 : 0;
    r = (a + b + c) & sz_mask(sz);
    reg_write(env, reg_off(d->regn), sz, r);
    set_flags_eager(env, (f & ~bit) | ((r < a || (c && r == a)) ? bit : 0));
}
X86_GEN1(hs_adx, adx);
