/* SPDX-License-Identifier: MIT */
/*
 * Fast handlers: the hottest instruction forms, specialised at decode time.
 *
 * x86_fast_select() sees each DecodedInsn after the decoder has chosen its
 * generic handler (ops-*.c) and, for outside-64-bit code, substitutes a
 * handler specialised for its form:
 *  - memory operands with 32-bit addressing: the effective address in 32
 *    bits (base + disp, or base + index * scale + disp), then the segment
 *    window and the TLB hit inline, no call;
 *  - MOV, MOVZX/MOVSX, LEA, the ALU operations, TEST, INC/DEC, PUSH/POP,
 *    CALL/RET near, Jcc, SETcc, CMOVcc: the operation inline, with
 *    conditions and the carry evaluated from the lazy flags without a call.
 * A fast handler changes no state until it knows it will complete; when
 * its inline path does not apply (the segment check or the TLB lookup
 * misses, a stack that is not 32-bit, a branch target beyond the CS limit)
 * it calls the generic handler, which does the whole instruction again, so
 * the results are the generic handler's by construction: faults, MMIO,
 * self-modifying code and page crossings all take the generic path.
 * tests/cpu/test-x86-fast.c runs instruction sequences both ways.
 * Reference: Intel SDM vol. 2 for each instruction; vol. 1, 3.4.3.1
 * "Status Flags" and appendix B "EFLAGS Condition Codes".
 */
#include "ops.h"
#include "ops-fast.h"

static bool fast_on = true;

void x86_fast_enable(bool on)
{
    fast_on = on;
}

/* ---- addresses and memory ---- */

ALWAYS_INLINE uint32_t ea_bd(const CPUX86State *env, const DecodedInsn *d)
{
    return (uint32_t)env->regs[d->base] + (uint32_t)d->disp;
}

ALWAYS_INLINE uint32_t ea_bisd(const CPUX86State *env, const DecodedInsn *d)
{
    return (uint32_t)env->regs[d->base] + ((uint32_t)env->regs[d->index] << d->scale) +
           (uint32_t)d->disp;
}

/*
 * Host address of [off, off + size) in segment seg for acc, or NULL: the
 * access must go the generic way (a segment fault, a TLB miss, MMIO, a
 * code page, a page crossing). Outside 64-bit code the linear address is
 * 32 bits wide (x86_lin with lin_mask 0xffffffff); the TLB compare takes
 * the page of the last byte in 64 bits, so a wrap at 4 GiB misses.
 */
ALWAYS_INLINE void *fast_ptr(CPUX86State *env, int seg, uint32_t off, unsigned size, int acc)
{
    const SegCache *sc = &env->segs[seg];
    const TLBEntry *e;
    uint64_t lin;

    if (unlikely((uint64_t)off - sc->lo[acc] + (size - 1) > sc->span[acc]))
        return NULL;
    lin = (uint32_t)(sc->base + off);
    e = &env->tlb[env->mmu_idx][(lin >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
    if (unlikely(e->tag[acc] != ((lin + size - 1) & TLB_PAGE_MASK)))
        return NULL;
    return (void *)(uintptr_t)(lin + e->addend);
}

/* ---- lazy flags, inline ---- */

static const uint64_t cc_mask[4] = { 0xff, 0xffff, 0xffffffffULL, ~0ULL };

/*
 * CF, OF and conditions from a lazy state op (a CC_OP_* with its size).
 * With a constant op (the flag setter is known at decode time, see
 * x86_fast_block) they fold to a compare or two; at run time they cost a
 * few tests of cc_op. -1: not evaluated inline (ADC, SBB, ...).
 */
ALWAYS_INLINE int carry_of(const CPUX86State *env, uint32_t op)
{
    uint64_t m = cc_mask[op & 3], dst = env->cc_dst & m, src = env->cc_src & m;
    uint32_t g = op & ~3u;

    if (op == CC_OP_EFLAGS)
        return env->cc_src & CC_C;
    if (g == CC_OP_SUB)
        return ((dst + src) & m) < src;
    if (g == CC_OP_LOGIC)
        return 0;
    if (g == CC_OP_ADD)
        return dst < src;
    if (g == CC_OP_INC || g == CC_OP_DEC)
        return src != 0;
    return -1;
}

ALWAYS_INLINE int overflow_of(const CPUX86State *env, uint32_t op)
{
    uint64_t m = cc_mask[op & 3], sign = (m >> 1) + 1;
    uint64_t dst = env->cc_dst & m, src = env->cc_src & m, a;
    uint32_t g = op & ~3u;

    if (g == CC_OP_SUB) {
        a = (dst + src) & m;
        return ((a ^ src) & (a ^ dst) & sign) != 0;
    }
    if (g == CC_OP_LOGIC)
        return 0;
    if (g == CC_OP_ADD) {
        a = (dst - src) & m;
        return (~(a ^ src) & (a ^ dst) & sign) != 0;
    }
    if (g == CC_OP_INC)
        return dst == sign;
    if (g == CC_OP_DEC)
        return dst == sign - 1;
    return -1;
}

/* Condition cc (the low nibble of Jcc/SETcc/CMOVcc, a constant at each
 * use) under lazy state op. ZF, SF and PF come from the result for every
 * lazy operation (ADD to DEC). */
ALWAYS_INLINE int cond_of(const CPUX86State *env, int cc, uint32_t op)
{
    uint64_t m = cc_mask[op & 3], sign = (m >> 1) + 1, dst = env->cc_dst & m;
    bool r, z = dst == 0, s = (dst & sign) != 0;
    int c, o;

    if (op == CC_OP_EFLAGS) {
        uint32_t f = env->cc_src;

        switch (cc >> 1) {
        case 0: r = f & CC_O; break;
        case 1: r = f & CC_C; break;
        case 2: r = f & CC_Z; break;
        case 3: r = f & (CC_C | CC_Z); break;
        case 4: r = f & CC_S; break;
        case 5: r = f & CC_P; break;
        case 6: r = !!(f & CC_S) != !!(f & CC_O); break;
        default: r = (f & CC_Z) || (!!(f & CC_S) != !!(f & CC_O)); break;
        }
        return r ^ (cc & 1);
    }
    if (op < CC_OP_ADD || op >= CC_OP_NB)
        return -1;
    /* Signed compares after SUB: a < b directly. */
    if ((op & ~3u) == CC_OP_SUB && (cc >> 1) >= 6) {
        int sh = 64 - (8 << (op & 3));
        int64_t a = (int64_t)(((dst + env->cc_src) & m) << sh) >> sh;
        int64_t b = (int64_t)((env->cc_src & m) << sh) >> sh;

        r = (cc >> 1) == 6 ? a < b : a <= b;
        return r ^ (cc & 1);
    }
    switch (cc >> 1) {
    case 0:
        if ((o = overflow_of(env, op)) < 0)
            return -1;
        r = o;
        break;
    case 1:
        if ((c = carry_of(env, op)) < 0)
            return -1;
        r = c;
        break;
    case 2: r = z; break;
    case 3:
        if ((c = carry_of(env, op)) < 0)
            return -1;
        r = c || z;
        break;
    case 4: r = s; break;
    case 5: r = x86_parity_table[dst & 0xff] & CC_P; break;
    case 6:
        if ((o = overflow_of(env, op)) < 0)
            return -1;
        r = s != o;
        break;
    default:
        if ((o = overflow_of(env, op)) < 0)
            return -1;
        r = z || s != o;
        break;
    }
    return r ^ (cc & 1);
}

/* The lazy state at run time (op < 0) or as known at decode time. */
ALWAYS_INLINE bool cond_full(const CPUX86State *env, int cc, int op)
{
    int r = cond_of(env, cc, op < 0 ? env->cc_op : (uint32_t)op);

    return r >= 0 ? r : x86_cond(env, cc);
}

ALWAYS_INLINE bool carry_full(const CPUX86State *env, int op)
{
    int c = carry_of(env, op < 0 ? env->cc_op : (uint32_t)op);

    return c >= 0 ? c : x86_cc_carry(env);
}

/* All six arithmetic flags (as x86_cc_compute) under lazy state op (-1:
 * cc_op at run time). */
ALWAYS_INLINE uint32_t flags_full(const CPUX86State *env, int op_k)
{
    uint32_t op = op_k < 0 ? env->cc_op : (uint32_t)op_k, g = op & ~3u, f;
    uint64_t m = cc_mask[op & 3], sign = (m >> 1) + 1;
    uint64_t dst = env->cc_dst & m, src = env->cc_src & m, a;

    if (op == CC_OP_EFLAGS)
        return env->cc_src & CC_ALL;
    if (g != CC_OP_ADD && g != CC_OP_SUB && g != CC_OP_LOGIC && g != CC_OP_INC &&
        g != CC_OP_DEC)
        return x86_cc_compute(env);
    f = x86_parity_table[dst & 0xff] | (dst == 0 ? CC_Z : 0) | ((dst & sign) ? CC_S : 0);
    switch (g) {
    case CC_OP_ADD:
        a = (dst - src) & m;
        f |= (dst < src ? CC_C : 0) | ((dst ^ a ^ src) & CC_A) |
             ((~(a ^ src) & (a ^ dst) & sign) ? CC_O : 0);
        break;
    case CC_OP_SUB:
        a = (dst + src) & m;
        f |= (a < src ? CC_C : 0) | ((dst ^ a ^ src) & CC_A) |
             (((a ^ src) & (a ^ dst) & sign) ? CC_O : 0);
        break;
    case CC_OP_INC:
        f |= (src ? CC_C : 0) | ((dst & 0xf) == 0 ? CC_A : 0) | (dst == sign ? CC_O : 0);
        break;
    case CC_OP_DEC:
        f |= (src ? CC_C : 0) | ((dst & 0xf) == 0xf ? CC_A : 0) | (dst == sign - 1 ? CC_O : 0);
        break;
    }
    return f;
}

/* ---- the operations ---- */

enum { A_ADD, A_OR, A_AND, A_SUB, A_XOR, A_CMP, A_TEST };

/* As ops-alu.c's alu() for the operations without carry in. */
ALWAYS_INLINE uint64_t f_alu(CPUX86State *env, int op, int sz, uint64_t a, uint64_t b)
{
    uint64_t m = sz_mask(sz), r;

    b &= m;
    switch (op) {
    case A_ADD:
        r = (a + b) & m;
        env->cc_op = CC_OP_ADD + sz;
        env->cc_src = b;
        break;
    case A_SUB:
    case A_CMP:
        r = (a - b) & m;
        env->cc_op = CC_OP_SUB + sz;
        env->cc_src = b;
        break;
    case A_OR:
        r = (a | b) & m;
        env->cc_op = CC_OP_LOGIC + sz;
        break;
    case A_AND:
    case A_TEST:
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

ALWAYS_INLINE bool alu_writes(int op)
{
    return op != A_CMP && op != A_TEST;
}

/* op: the lazy state before, if known at decode time (else -1) */
ALWAYS_INLINE uint64_t f_incdec(CPUX86State *env, int sz, uint64_t v, bool dec, int op)
{
    uint64_t r = (dec ? v - 1 : v + 1) & sz_mask(sz);

    env->cc_src = carry_full(env, op);
    env->cc_dst = r;
    env->cc_op = (dec ? CC_OP_DEC : CC_OP_INC) + sz;
    return r;
}

/* The generic handler of a form: hs.h[size][memory]. */
#define GEN(hs, sz, mem) ((hs).h[sz][mem])

/* A handler per effective-address shape from one body(env, d, ea). */
#define FAST_EA(name, body, ...)                                                                  \
    static void name##_bd(CPUX86State *env, const DecodedInsn *d)                                 \
    {                                                                                             \
        body(env, d, ea_bd(env, d), __VA_ARGS__);                                                 \
    }                                                                                             \
    static void name##_bisd(CPUX86State *env, const DecodedInsn *d)                               \
    {                                                                                             \
        body(env, d, ea_bisd(env, d), __VA_ARGS__);                                               \
    }

/* reg = [mem], zero- or sign-extended from ssz to sz */
ALWAYS_INLINE void b_load(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int sz, int ssz,
                          bool sign, const HSet *hs)
{
    void *p = fast_ptr(env, d->seg, ea, 1u << ssz, ACC_READ);
    uint64_t v;

    if (unlikely(!p)) {
        GEN(*hs, sz, 1)(env, d);
        return;
    }
    v = host_ld(p, ssz);
    reg_write(env, d->reg, sz, sign ? (uint64_t)sz_sext(v, ssz) : v);
    X86_NEXT(env, d);
}
FAST_EA(f_mov_ge_m0, b_load, 0, 0, false, &hs_mov_ge)
FAST_EA(f_mov_ge_m1, b_load, 1, 1, false, &hs_mov_ge)
FAST_EA(f_mov_ge_m2, b_load, 2, 2, false, &hs_mov_ge)
FAST_EA(f_movzx_b_m2, b_load, 2, 0, false, &hs_movzx_b)
FAST_EA(f_movzx_w_m2, b_load, 2, 1, false, &hs_movzx_w)
FAST_EA(f_movsx_b_m2, b_load, 2, 0, true, &hs_movsx_b)
FAST_EA(f_movsx_w_m2, b_load, 2, 1, true, &hs_movsx_w)

/* [mem] = reg or imm */
ALWAYS_INLINE void b_store(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int sz, bool imm,
                           const HSet *hs)
{
    void *p = fast_ptr(env, d->seg, ea, 1u << sz, ACC_WRITE);

    if (unlikely(!p)) {
        GEN(*hs, sz, 1)(env, d);
        return;
    }
    host_st(p, sz, imm ? d->imm : reg_read(env, d->reg, sz));
    X86_NEXT(env, d);
}
FAST_EA(f_mov_eg_m0, b_store, 0, false, &hs_mov_eg)
FAST_EA(f_mov_eg_m1, b_store, 1, false, &hs_mov_eg)
FAST_EA(f_mov_eg_m2, b_store, 2, false, &hs_mov_eg)
FAST_EA(f_mov_ei_m0, b_store, 0, true, &hs_mov_ei)
FAST_EA(f_mov_ei_m1, b_store, 1, true, &hs_mov_ei)
FAST_EA(f_mov_ei_m2, b_store, 2, true, &hs_mov_ei)

/* reg op= [mem] */
ALWAYS_INLINE void b_alu_ge(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int sz, int op,
                            const HSet *hs)
{
    void *p = fast_ptr(env, d->seg, ea, 1u << sz, ACC_READ);
    uint64_t r;

    if (unlikely(!p)) {
        GEN(*hs, sz, 1)(env, d);
        return;
    }
    r = f_alu(env, op, sz, reg_read(env, d->reg, sz), host_ld(p, sz));
    if (alu_writes(op))
        reg_write(env, d->reg, sz, r);
    X86_NEXT(env, d);
}

/* [mem] op= reg or imm (CMP and TEST only read) */
ALWAYS_INLINE void b_alu_e(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int sz, int op,
                           bool imm, const HSet *hs)
{
    void *p = fast_ptr(env, d->seg, ea, 1u << sz, alu_writes(op) ? ACC_WRITE : ACC_READ);
    uint64_t r;

    if (unlikely(!p)) {
        GEN(*hs, sz, 1)(env, d);
        return;
    }
    r = f_alu(env, op, sz, host_ld(p, sz), imm ? d->imm : reg_read(env, d->reg, sz));
    if (alu_writes(op))
        host_st(p, sz, r);
    X86_NEXT(env, d);
}

#define FAST_ALU(name, OP)                                                                        \
    FAST_EA(f_##name##_ge_m0, b_alu_ge, 0, OP, &hs_##name##_ge)                                   \
    FAST_EA(f_##name##_ge_m2, b_alu_ge, 2, OP, &hs_##name##_ge)                                   \
    FAST_EA(f_##name##_eg_m0, b_alu_e, 0, OP, false, &hs_##name##_eg)                             \
    FAST_EA(f_##name##_eg_m2, b_alu_e, 2, OP, false, &hs_##name##_eg)                             \
    FAST_EA(f_##name##_ei_m0, b_alu_e, 0, OP, true, &hs_##name##_ei)                              \
    FAST_EA(f_##name##_ei_m2, b_alu_e, 2, OP, true, &hs_##name##_ei)
FAST_ALU(add, A_ADD)
FAST_ALU(or, A_OR)
FAST_ALU(and, A_AND)
FAST_ALU(sub, A_SUB)
FAST_ALU(xor, A_XOR)
FAST_ALU(cmp, A_CMP)
FAST_EA(f_test_eg_m0, b_alu_e, 0, A_TEST, false, &hs_test_eg)
FAST_EA(f_test_eg_m2, b_alu_e, 2, A_TEST, false, &hs_test_eg)
FAST_EA(f_test_ei_m0, b_alu_e, 0, A_TEST, true, &hs_test_ei)
FAST_EA(f_test_ei_m2, b_alu_e, 2, A_TEST, true, &hs_test_ei)

/* INC/DEC [mem] */
ALWAYS_INLINE void b_incdec_m(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int sz,
                              bool dec, const HSet *hs)
{
    void *p = fast_ptr(env, d->seg, ea, 1u << sz, ACC_WRITE);

    if (unlikely(!p)) {
        GEN(*hs, sz, 1)(env, d);
        return;
    }
    host_st(p, sz, f_incdec(env, sz, host_ld(p, sz), dec, -1));
    X86_NEXT(env, d);
}
FAST_EA(f_inc_m2, b_incdec_m, 2, false, &hs_inc)
FAST_EA(f_dec_m2, b_incdec_m, 2, true, &hs_dec)

ALWAYS_INLINE void b_lea(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int unused)
{
    reg_write(env, d->reg, 2, ea);
    X86_NEXT(env, d);
}
FAST_EA(f_lea_m2, b_lea, 0)

/* ---- stack (32-bit stack segment) ---- */

static void f_push_r_2(CPUX86State *env, const DecodedInsn *d)
{
    uint32_t sp = (uint32_t)env->regs[R_ESP] - 4;
    void *p;

    if (unlikely(!(env->hflags & HF_SS32)) ||
        unlikely(!(p = fast_ptr(env, R_SS, sp, 4, ACC_WRITE)))) {
        GEN(hs_push_r, 2, 0)(env, d);
        return;
    }
    stl_le(p, reg_read(env, d->reg, 2));
    env->regs[R_ESP] = sp;
    X86_NEXT(env, d);
}

static void f_pop_r_2(CPUX86State *env, const DecodedInsn *d)
{
    uint32_t sp = env->regs[R_ESP];
    void *p;

    if (unlikely(!(env->hflags & HF_SS32)) ||
        unlikely(!(p = fast_ptr(env, R_SS, sp, 4, ACC_READ)))) {
        GEN(hs_pop_r, 2, 0)(env, d);
        return;
    }
    env->regs[R_ESP] = (uint32_t)(sp + 4);
    reg_write(env, d->reg, 2, ldl_le(p));
    X86_NEXT(env, d);
}

static void f_call_rel_2(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t next = NEXT_RIP(env);
    uint32_t target = next + d->imm, sp = (uint32_t)env->regs[R_ESP] - 4;
    void *p;

    if (unlikely(target > env->segs[R_CS].limit) || unlikely(!(env->hflags & HF_SS32)) ||
        unlikely(!(p = fast_ptr(env, R_SS, sp, 4, ACC_WRITE)))) {
        GEN(hs_call_rel, 2, 0)(env, d);
        return;
    }
    stl_le(p, next);
    env->regs[R_ESP] = sp;
    NEXT_RIP(env) = target;
    X86_NEXT(env, d);
}

ALWAYS_INLINE void b_ret(CPUX86State *env, const DecodedInsn *d, uint32_t imm, const HSet *hs)
{
    uint32_t sp = env->regs[R_ESP], ip;
    void *p;

    if (unlikely(!(env->hflags & HF_SS32)) ||
        unlikely(!(p = fast_ptr(env, R_SS, sp, 4, ACC_READ))) ||
        unlikely((ip = ldl_le(p)) > env->segs[R_CS].limit)) {
        GEN(*hs, 2, 0)(env, d);
        return;
    }
    env->regs[R_ESP] = (uint32_t)(sp + 4 + imm);
    NEXT_RIP(env) = ip;
    X86_NEXT(env, d);
}

static void f_ret_2(CPUX86State *env, const DecodedInsn *d)
{
    b_ret(env, d, 0, &hs_ret);
}

static void f_ret_i_2(CPUX86State *env, const DecodedInsn *d)
{
    b_ret(env, d, d->imm, &hs_ret_i);
}

/* ---- shifts, multiply ---- */

enum { S_SHL, S_SHR, S_SAR };

/*
 * SHL/SAL, SHR, SAR r32 by an immediate, by 1 or by CL, as ops-shift.c's
 * shift() for counts 1-31: flags computed now (CC_OP_EFLAGS), AF clear, OF
 * that of a 1-bit shift of the original value. A zero count (flags
 * unchanged) goes the generic way.
 */
ALWAYS_INLINE void b_shift(CPUX86State *env, const DecodedInsn *d, int op, int how,
                           X86Handler *gen)
{
    unsigned cnt = (how == 0 ? d->imm : how == 1 ? 1 : env->regs[R_ECX]) & 31;
    uint32_t v = reg_read(env, d->rm, 2), r, cf, of;

    if (unlikely(cnt == 0)) {
        gen(env, d);
        return;
    }
    switch (op) {
    case S_SHL:
        r = v << cnt;
        cf = (v >> (32 - cnt)) & 1;
        of = (v >> 31) ^ ((v >> 30) & 1);
        break;
    case S_SHR:
        r = v >> cnt;
        cf = (v >> (cnt - 1)) & 1;
        of = v >> 31;
        break;
    default:
        r = (uint32_t)((int32_t)v >> cnt);
        cf = ((int32_t)v >> (cnt - 1)) & 1;
        of = 0;
        break;
    }
    env->cc_src = flags_szp(r, 2) | (cf ? CC_C : 0) | (of ? CC_O : 0);
    env->cc_op = CC_OP_EFLAGS;
    reg_write(env, d->rm, 2, r);
    X86_NEXT(env, d);
}

#define DEF_SHIFT(name, op)                                                                           static void f_##name##_i(CPUX86State *env, const DecodedInsn *d)                                  {                                                                                                     b_shift(env, d, op, 0, GEN(hs_##name, 2, 0));                                                 }                                                                                                 static void f_##name##_1(CPUX86State *env, const DecodedInsn *d)                                  {                                                                                                     b_shift(env, d, op, 1, GEN(hs_##name##1, 2, 0));                                              }                                                                                                 static void f_##name##_c(CPUX86State *env, const DecodedInsn *d)                                  {                                                                                                     b_shift(env, d, op, 2, GEN(hs_##name##c, 2, 0));                                              }
DEF_SHIFT(shl, S_SHL)
DEF_SHIFT(sal, S_SHL)
DEF_SHIFT(shr, S_SHR)
DEF_SHIFT(sar, S_SAR)

/* IMUL r32, r/m32 [, imm]: as ops-muldiv.c, CF = OF = the signed product
 * does not fit, SF PF from the result, ZF AF clear (host behaviour). */
ALWAYS_INLINE void f_imul_done(CPUX86State *env, const DecodedInsn *d, uint32_t a, uint32_t b)
{
    int64_t r = (int64_t)(int32_t)a * (int32_t)b;
    uint32_t lo = (uint32_t)r;

    env->cc_src = (flags_szp(lo, 2) & ~CC_Z) | (r != (int32_t)lo ? CC_C | CC_O : 0);
    env->cc_op = CC_OP_EFLAGS;
    reg_write(env, d->reg, 2, lo);
    X86_NEXT(env, d);
}

static void f_imul_ge_r2(CPUX86State *env, const DecodedInsn *d)
{
    f_imul_done(env, d, reg_read(env, d->reg, 2), reg_read(env, d->rm, 2));
}

static void f_imul_gei_r2(CPUX86State *env, const DecodedInsn *d)
{
    f_imul_done(env, d, reg_read(env, d->rm, 2), d->imm);
}

ALWAYS_INLINE void b_imul_m(CPUX86State *env, const DecodedInsn *d, uint32_t ea, bool imm)
{
    void *p = fast_ptr(env, d->seg, ea, 4, ACC_READ);

    if (unlikely(!p)) {
        GEN(imm ? hs_imul_gei : hs_imul_ge, 2, 1)(env, d);
        return;
    }
    if (imm)
        f_imul_done(env, d, ldl_le(p), d->imm);
    else
        f_imul_done(env, d, reg_read(env, d->reg, 2), ldl_le(p));
}
FAST_EA(f_imul_ge_m2, b_imul_m, false)
FAST_EA(f_imul_gei_m2, b_imul_m, true)

/* ADC/SBB r32 with a register or immediate source, as ops-alu.c: the
 * carry in from the lazy flags. */
ALWAYS_INLINE void b_adc(CPUX86State *env, const DecodedInsn *d, bool sbb, bool imm)
{
    uint32_t a = reg_read(env, d->rm, 2);
    uint32_t b = imm ? (uint32_t)d->imm : (uint32_t)reg_read(env, d->reg, 2);
    uint32_t c = carry_full(env, -1), r = sbb ? a - b - c : a + b + c;

    env->cc_op = (sbb ? CC_OP_SBB : CC_OP_ADC) + 2;
    env->cc_src = b;
    env->cc_src2 = c;
    env->cc_dst = r;
    reg_write(env, d->rm, 2, r);
    X86_NEXT(env, d);
}

static void f_adc_eg_r2(CPUX86State *env, const DecodedInsn *d) { b_adc(env, d, false, false); }
static void f_sbb_eg_r2(CPUX86State *env, const DecodedInsn *d) { b_adc(env, d, true, false); }
static void f_adc_ei_r2(CPUX86State *env, const DecodedInsn *d) { b_adc(env, d, false, true); }
static void f_sbb_ei_r2(CPUX86State *env, const DecodedInsn *d) { b_adc(env, d, true, true); }

/* ---- conditions and INC/DEC, by what is known of the lazy flags ---- */

/*
 * Each consumer of the lazy flags comes in NK + 1 versions: one per flag
 * setter x86_fast_block may find before it in the block (the operation
 * and size, a constant there), and one that looks at cc_op at run time.
 */
#define NK 7
#define K_OPS(X)                                                                                  \
    X(0, CC_OP_SUB + 0) X(1, CC_OP_SUB + 2) X(2, CC_OP_LOGIC + 0) X(3, CC_OP_LOGIC + 2)           \
    X(4, CC_OP_ADD + 2) X(5, CC_OP_INC + 2) X(6, CC_OP_DEC + 2) X(7, -1)

static int k_index(uint32_t op)
{
    static const int ops[NK] = { CC_OP_SUB + 0, CC_OP_SUB + 2, CC_OP_LOGIC + 0, CC_OP_LOGIC + 2,
                                 CC_OP_ADD + 2, CC_OP_INC + 2, CC_OP_DEC + 2 };

    for (int k = 0; k < NK; k++) {
        if (ops[k] == (int)op)
            return k;
    }
    return NK;
}

static const HSet *const jcc_sets[16] = {
    &hs_jcc_0, &hs_jcc_1, &hs_jcc_2, &hs_jcc_3, &hs_jcc_4, &hs_jcc_5, &hs_jcc_6, &hs_jcc_7,
    &hs_jcc_8, &hs_jcc_9, &hs_jcc_10, &hs_jcc_11, &hs_jcc_12, &hs_jcc_13, &hs_jcc_14, &hs_jcc_15,
};

/* Jcc rel with a 16- or 32-bit operand size */
ALWAYS_INLINE void b_jcc(CPUX86State *env, const DecodedInsn *d, int cc, int sz, int op)
{
    if (cond_full(env, cc, op)) {
        uint64_t target = (NEXT_RIP(env) + d->imm) & sz_mask(sz);

        if (unlikely(target > env->segs[R_CS].limit)) {
            GEN(*jcc_sets[cc], sz, 0)(env, d);
            return;
        }
        NEXT_RIP(env) = target;
    }
    X86_NEXT(env, d);
}

ALWAYS_INLINE void b_setcc_r(CPUX86State *env, const DecodedInsn *d, int cc, int op)
{
    reg_write(env, d->rm, 0, cond_full(env, cc, op));
    X86_NEXT(env, d);
}

ALWAYS_INLINE void b_cmov(CPUX86State *env, const DecodedInsn *d, uint64_t v, int cc, int op)
{
    if (cond_full(env, cc, op))
        reg_write(env, d->reg, 2, v);
    else
        reg_write(env, d->reg, 2, reg_read(env, d->reg, 2));
    X86_NEXT(env, d);
}

ALWAYS_INLINE void b_cmov_r(CPUX86State *env, const DecodedInsn *d, int cc, int op)
{
    b_cmov(env, d, reg_read(env, d->rm, 2), cc, op);
}

ALWAYS_INLINE void b_cmov_m(CPUX86State *env, const DecodedInsn *d, uint32_t ea, int cc)
{
    void *p = fast_ptr(env, d->seg, ea, 4, ACC_READ);

    if (unlikely(!p)) {
        GEN(hs_cmovcc, 2, 1)(env, d);
        return;
    }
    b_cmov(env, d, ldl_le(p), cc, -1);
}

#define DEF_CC(k, op, cc)                                                                         \
    static void f_jcc_##k##_##cc##_1(CPUX86State *env, const DecodedInsn *d)                      \
    {                                                                                             \
        b_jcc(env, d, cc, 1, op);                                                                 \
    }                                                                                             \
    static void f_jcc_##k##_##cc##_2(CPUX86State *env, const DecodedInsn *d)                      \
    {                                                                                             \
        b_jcc(env, d, cc, 2, op);                                                                 \
    }                                                                                             \
    static void f_setcc_##k##_##cc(CPUX86State *env, const DecodedInsn *d)                        \
    {                                                                                             \
        b_setcc_r(env, d, cc, op);                                                                \
    }                                                                                             \
    static void f_cmov_##k##_##cc(CPUX86State *env, const DecodedInsn *d)                         \
    {                                                                                             \
        b_cmov_r(env, d, cc, op);                                                                 \
    }
#define DEF_CC16(k, op)                                                                           \
    DEF_CC(k, op, 0) DEF_CC(k, op, 1) DEF_CC(k, op, 2) DEF_CC(k, op, 3) DEF_CC(k, op, 4)          \
    DEF_CC(k, op, 5) DEF_CC(k, op, 6) DEF_CC(k, op, 7) DEF_CC(k, op, 8) DEF_CC(k, op, 9)          \
    DEF_CC(k, op, 10) DEF_CC(k, op, 11) DEF_CC(k, op, 12) DEF_CC(k, op, 13) DEF_CC(k, op, 14)     \
    DEF_CC(k, op, 15)

/* INC/DEC r32: 40+r / 48+r (d->reg), FF /0 /1 register form (d->rm) */
#define DEF_INCDEC(k, op)                                                                         \
    static void f_inc_r_##k(CPUX86State *env, const DecodedInsn *d)                               \
    {                                                                                             \
        reg_write(env, d->reg, 2, f_incdec(env, 2, reg_read(env, d->reg, 2), false, op));         \
        X86_NEXT(env, d);                                                                         \
    }                                                                                             \
    static void f_dec_r_##k(CPUX86State *env, const DecodedInsn *d)                               \
    {                                                                                             \
        reg_write(env, d->reg, 2, f_incdec(env, 2, reg_read(env, d->reg, 2), true, op));          \
        X86_NEXT(env, d);                                                                         \
    }                                                                                             \
    static void f_inc_e_##k(CPUX86State *env, const DecodedInsn *d)                               \
    {                                                                                             \
        reg_write(env, d->rm, 2, f_incdec(env, 2, reg_read(env, d->rm, 2), false, op));           \
        X86_NEXT(env, d);                                                                         \
    }                                                                                             \
    static void f_dec_e_##k(CPUX86State *env, const DecodedInsn *d)                               \
    {                                                                                             \
        reg_write(env, d->rm, 2, f_incdec(env, 2, reg_read(env, d->rm, 2), true, op));            \
        X86_NEXT(env, d);                                                                         \
    }

/*
 * ROL/ROR r32 by an immediate (C1 /0 /1) or by 1 (D1 /0 /1), as
 * ops-shift.c's rotate(): CF and OF change, the other flags stay; OF is
 * that of a 1-bit rotate, and is left alone by the immediate forms with a
 * count above 1 (as the host does). A zero count goes the generic way.
 */
ALWAYS_INLINE void b_rot(CPUX86State *env, const DecodedInsn *d, bool right, bool imm, int op,
                         const HSet *hs)
{
    unsigned cnt = imm ? d->imm & 31 : 1;
    uint32_t v = reg_read(env, d->rm, 2), r, f, cf, of;

    if (unlikely(cnt == 0)) {
        GEN(*hs, 2, 0)(env, d);
        return;
    }
    f = flags_full(env, op);
    if (right) {
        r = (v >> cnt) | (v << (32 - cnt));
        cf = r >> 31;
        of = (v & 1) ^ (v >> 31);
    } else {
        r = (v << cnt) | (v >> (32 - cnt));
        cf = r & 1;
        of = (v >> 31) ^ ((v >> 30) & 1);
    }
    if (!(imm && cnt > 1))
        f = (f & ~CC_O) | (of ? CC_O : 0);
    f = (f & ~CC_C) | (cf ? CC_C : 0);
    env->cc_src = f;
    env->cc_op = CC_OP_EFLAGS;
    reg_write(env, d->rm, 2, r);
    X86_NEXT(env, d);
}

#define DEF_ROT(k, op)                                                                                static void f_rol_i_##k(CPUX86State *env, const DecodedInsn *d)                                   {                                                                                                     b_rot(env, d, false, true, op, &hs_rol);                                                      }                                                                                                 static void f_ror_i_##k(CPUX86State *env, const DecodedInsn *d)                                   {                                                                                                     b_rot(env, d, true, true, op, &hs_ror);                                                       }                                                                                                 static void f_rol_1_##k(CPUX86State *env, const DecodedInsn *d)                                   {                                                                                                     b_rot(env, d, false, false, op, &hs_rol1);                                                    }                                                                                                 static void f_ror_1_##k(CPUX86State *env, const DecodedInsn *d)                                   {                                                                                                     b_rot(env, d, true, false, op, &hs_ror1);                                                     }

#define DEF_K(k, op) DEF_CC16(k, op) DEF_INCDEC(k, op) DEF_ROT(k, op)
K_OPS(DEF_K)

FAST_EA(f_cmov_m_0, b_cmov_m, 0) FAST_EA(f_cmov_m_1, b_cmov_m, 1)
FAST_EA(f_cmov_m_2, b_cmov_m, 2) FAST_EA(f_cmov_m_3, b_cmov_m, 3)
FAST_EA(f_cmov_m_4, b_cmov_m, 4) FAST_EA(f_cmov_m_5, b_cmov_m, 5)
FAST_EA(f_cmov_m_6, b_cmov_m, 6) FAST_EA(f_cmov_m_7, b_cmov_m, 7)
FAST_EA(f_cmov_m_8, b_cmov_m, 8) FAST_EA(f_cmov_m_9, b_cmov_m, 9)
FAST_EA(f_cmov_m_10, b_cmov_m, 10) FAST_EA(f_cmov_m_11, b_cmov_m, 11)
FAST_EA(f_cmov_m_12, b_cmov_m, 12) FAST_EA(f_cmov_m_13, b_cmov_m, 13)
FAST_EA(f_cmov_m_14, b_cmov_m, 14) FAST_EA(f_cmov_m_15, b_cmov_m, 15)

#define CC_ROW(pfx, k, sfx)                                                                       \
    {                                                                                             \
        pfx##k##_0##sfx, pfx##k##_1##sfx, pfx##k##_2##sfx, pfx##k##_3##sfx, pfx##k##_4##sfx,      \
        pfx##k##_5##sfx, pfx##k##_6##sfx, pfx##k##_7##sfx, pfx##k##_8##sfx, pfx##k##_9##sfx,      \
        pfx##k##_10##sfx, pfx##k##_11##sfx, pfx##k##_12##sfx, pfx##k##_13##sfx,                   \
        pfx##k##_14##sfx, pfx##k##_15##sfx                                                        \
    }
#define CC_ROWS(pfx, sfx)                                                                         \
    {                                                                                             \
        CC_ROW(pfx, 0, sfx), CC_ROW(pfx, 1, sfx), CC_ROW(pfx, 2, sfx), CC_ROW(pfx, 3, sfx),       \
        CC_ROW(pfx, 4, sfx), CC_ROW(pfx, 5, sfx), CC_ROW(pfx, 6, sfx), CC_ROW(pfx, 7, sfx)        \
    }
static X86Handler *const jcc1_fast[NK + 1][16] = CC_ROWS(f_jcc_, _1);
static X86Handler *const jcc2_fast[NK + 1][16] = CC_ROWS(f_jcc_, _2);
static X86Handler *const setcc_fast[NK + 1][16] = CC_ROWS(f_setcc_, );
static X86Handler *const cmov_fast[NK + 1][16] = CC_ROWS(f_cmov_, );
#define CMOV_M(sfx)                                                                               \
    {                                                                                             \
        f_cmov_m_0##sfx, f_cmov_m_1##sfx, f_cmov_m_2##sfx, f_cmov_m_3##sfx, f_cmov_m_4##sfx,      \
        f_cmov_m_5##sfx, f_cmov_m_6##sfx, f_cmov_m_7##sfx, f_cmov_m_8##sfx, f_cmov_m_9##sfx,      \
        f_cmov_m_10##sfx, f_cmov_m_11##sfx, f_cmov_m_12##sfx, f_cmov_m_13##sfx,                   \
        f_cmov_m_14##sfx, f_cmov_m_15##sfx                                                        \
    }
static X86Handler *const cmov_m_fast[2][16] = { CMOV_M(_bd), CMOV_M(_bisd) };
#define ROT_ROW(k) { f_rol_i_##k, f_ror_i_##k, f_rol_1_##k, f_ror_1_##k }
static X86Handler *const rot_fast[NK + 1][4] = {
    ROT_ROW(0), ROT_ROW(1), ROT_ROW(2), ROT_ROW(3), ROT_ROW(4), ROT_ROW(5), ROT_ROW(6), ROT_ROW(7),
};
#define INCDEC_ROW(k) { f_inc_r_##k, f_dec_r_##k, f_inc_e_##k, f_dec_e_##k }
static X86Handler *const incdec_fast[NK + 1][4] = {
    INCDEC_ROW(0), INCDEC_ROW(1), INCDEC_ROW(2), INCDEC_ROW(3),
    INCDEC_ROW(4), INCDEC_ROW(5), INCDEC_ROW(6), INCDEC_ROW(7),
};

/* ---- selection ---- */

/* What a generic handler is replaced with and what it does to the lazy
 * flags (for x86_fast_block). */
enum {
    K_NONE,      /* not replaced: only its effect on the flags is of use */
    K_PLAIN,     /* bd is the replacement, always */
    K_MEM32,     /* memory form with 32-bit addressing: bd or bisd */
    K_JCC,       /* Jcc: cc from the table, size from sz */
    K_SETCC_R,   /* SETcc register form */
    K_CMOV_R,    /* CMOVcc r32, r32 */
    K_CMOV_M,    /* CMOVcc r32, m32 */
    K_INCDEC,    /* INC/DEC r32: incdec_fast[][aux] */
    K_ROT,       /* ROL/ROR r32 by imm8 or 1: rot_fast[][aux] */
};

/* FastMap.fx: the lazy flags after the instruction */
enum {
    FX_UNKNOWN,  /* anything (or a fault): nothing known */
    FX_KEEP,     /* unchanged */
    FX_SET,      /* cc_op = FX_SET's operation + size, always */
};

typedef struct FastMap {
    const HSet *hs;
    uint8_t sz, mem, kind, fx, op; /* op: CC_OP_* group for FX_SET (the size is sz) */
    X86Handler *bd, *bisd;
    int aux;                       /* K_JCC: cc; K_INCDEC: column */
} FastMap;

#define M32(hs, sz, f, fx, op) { &(hs), sz, 1, K_MEM32, fx, op, f##_bd, f##_bisd, 0 }
#define ALU_MAP(name, op)                                                                         \
    M32(hs_##name##_ge, 0, f_##name##_ge_m0, FX_SET, op),                                        \
    M32(hs_##name##_ge, 2, f_##name##_ge_m2, FX_SET, op),                                        \
    M32(hs_##name##_eg, 0, f_##name##_eg_m0, FX_SET, op),                                        \
    M32(hs_##name##_eg, 2, f_##name##_eg_m2, FX_SET, op),                                        \
    M32(hs_##name##_ei, 0, f_##name##_ei_m0, FX_SET, op),                                        \
    M32(hs_##name##_ei, 2, f_##name##_ei_m2, FX_SET, op)
#define ONLY_FX(hs, sz, mem, fx, op) { &(hs), sz, mem, K_NONE, fx, op, NULL, NULL, 0 }
/* The register forms of an ALU operation, every size */
#define ALU_REG_FX(name, op)                                                                      \
    ONLY_FX(hs_##name##_eg, 0, 0, FX_SET, op), ONLY_FX(hs_##name##_eg, 1, 0, FX_SET, op),        \
    ONLY_FX(hs_##name##_eg, 2, 0, FX_SET, op), ONLY_FX(hs_##name##_ge, 0, 0, FX_SET, op),        \
    ONLY_FX(hs_##name##_ge, 1, 0, FX_SET, op), ONLY_FX(hs_##name##_ge, 2, 0, FX_SET, op),        \
    ONLY_FX(hs_##name##_ei, 0, 0, FX_SET, op), ONLY_FX(hs_##name##_ei, 1, 0, FX_SET, op),        \
    ONLY_FX(hs_##name##_ei, 2, 0, FX_SET, op)
#define JCC_MAP(cc)                                                                               \
    { &hs_jcc_##cc, 1, 0, K_JCC, FX_KEEP, 0, NULL, NULL, cc },                                    \
    { &hs_jcc_##cc, 2, 0, K_JCC, FX_KEEP, 0, NULL, NULL, cc }

static const FastMap fast_map[] = {
    M32(hs_mov_ge, 0, f_mov_ge_m0, FX_KEEP, 0), M32(hs_mov_ge, 1, f_mov_ge_m1, FX_KEEP, 0),
    M32(hs_mov_ge, 2, f_mov_ge_m2, FX_KEEP, 0), M32(hs_movzx_b, 2, f_movzx_b_m2, FX_KEEP, 0),
    M32(hs_movzx_w, 2, f_movzx_w_m2, FX_KEEP, 0), M32(hs_movsx_b, 2, f_movsx_b_m2, FX_KEEP, 0),
    M32(hs_movsx_w, 2, f_movsx_w_m2, FX_KEEP, 0),
    M32(hs_mov_eg, 0, f_mov_eg_m0, FX_KEEP, 0), M32(hs_mov_eg, 1, f_mov_eg_m1, FX_KEEP, 0),
    M32(hs_mov_eg, 2, f_mov_eg_m2, FX_KEEP, 0), M32(hs_mov_ei, 0, f_mov_ei_m0, FX_KEEP, 0),
    M32(hs_mov_ei, 1, f_mov_ei_m1, FX_KEEP, 0), M32(hs_mov_ei, 2, f_mov_ei_m2, FX_KEEP, 0),
    ALU_MAP(add, CC_OP_ADD), ALU_MAP(or, CC_OP_LOGIC), ALU_MAP(and, CC_OP_LOGIC),
    ALU_MAP(sub, CC_OP_SUB), ALU_MAP(xor, CC_OP_LOGIC), ALU_MAP(cmp, CC_OP_SUB),
    M32(hs_test_eg, 0, f_test_eg_m0, FX_SET, CC_OP_LOGIC),
    M32(hs_test_eg, 2, f_test_eg_m2, FX_SET, CC_OP_LOGIC),
    M32(hs_test_ei, 0, f_test_ei_m0, FX_SET, CC_OP_LOGIC),
    M32(hs_test_ei, 2, f_test_ei_m2, FX_SET, CC_OP_LOGIC),
    M32(hs_inc, 2, f_inc_m2, FX_SET, CC_OP_INC), M32(hs_dec, 2, f_dec_m2, FX_SET, CC_OP_DEC),
    M32(hs_lea, 2, f_lea_m2, FX_KEEP, 0),
    { &hs_inc_r, 2, 0, K_INCDEC, FX_SET, CC_OP_INC, NULL, NULL, 0 },
    { &hs_dec_r, 2, 0, K_INCDEC, FX_SET, CC_OP_DEC, NULL, NULL, 1 },
    { &hs_inc, 2, 0, K_INCDEC, FX_SET, CC_OP_INC, NULL, NULL, 2 },
    { &hs_dec, 2, 0, K_INCDEC, FX_SET, CC_OP_DEC, NULL, NULL, 3 },
    { &hs_rol, 2, 0, K_ROT, FX_UNKNOWN, 0, NULL, NULL, 0 },
    { &hs_ror, 2, 0, K_ROT, FX_UNKNOWN, 0, NULL, NULL, 1 },
    { &hs_rol1, 2, 0, K_ROT, FX_UNKNOWN, 0, NULL, NULL, 2 },
    { &hs_ror1, 2, 0, K_ROT, FX_UNKNOWN, 0, NULL, NULL, 3 },
    { &hs_shl, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shl_i, NULL, 0 },
    { &hs_shl1, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shl_1, NULL, 0 },
    { &hs_shlc, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shl_c, NULL, 0 },
    { &hs_sal, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sal_i, NULL, 0 },
    { &hs_sal1, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sal_1, NULL, 0 },
    { &hs_salc, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sal_c, NULL, 0 },
    { &hs_shr, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shr_i, NULL, 0 },
    { &hs_shr1, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shr_1, NULL, 0 },
    { &hs_shrc, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_shr_c, NULL, 0 },
    { &hs_sar, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sar_i, NULL, 0 },
    { &hs_sar1, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sar_1, NULL, 0 },
    { &hs_sarc, 2, 0, K_PLAIN, FX_UNKNOWN, 0, f_sar_c, NULL, 0 },
    { &hs_imul_ge, 2, 0, K_PLAIN, FX_SET, CC_OP_EFLAGS - 2, f_imul_ge_r2, NULL, 0 },
    { &hs_imul_gei, 2, 0, K_PLAIN, FX_SET, CC_OP_EFLAGS - 2, f_imul_gei_r2, NULL, 0 },
    M32(hs_imul_ge, 2, f_imul_ge_m2, FX_SET, CC_OP_EFLAGS - 2),
    M32(hs_imul_gei, 2, f_imul_gei_m2, FX_SET, CC_OP_EFLAGS - 2),
    { &hs_adc_eg, 2, 0, K_PLAIN, FX_SET, CC_OP_ADC, f_adc_eg_r2, NULL, 0 },
    { &hs_sbb_eg, 2, 0, K_PLAIN, FX_SET, CC_OP_SBB, f_sbb_eg_r2, NULL, 0 },
    { &hs_adc_ei, 2, 0, K_PLAIN, FX_SET, CC_OP_ADC, f_adc_ei_r2, NULL, 0 },
    { &hs_sbb_ei, 2, 0, K_PLAIN, FX_SET, CC_OP_SBB, f_sbb_ei_r2, NULL, 0 },
    { &hs_push_r, 2, 0, K_PLAIN, FX_KEEP, 0, f_push_r_2, NULL, 0 },
    { &hs_pop_r, 2, 0, K_PLAIN, FX_KEEP, 0, f_pop_r_2, NULL, 0 },
    { &hs_call_rel, 2, 0, K_PLAIN, FX_KEEP, 0, f_call_rel_2, NULL, 0 },
    { &hs_ret, 2, 0, K_PLAIN, FX_KEEP, 0, f_ret_2, NULL, 0 },
    { &hs_ret_i, 2, 0, K_PLAIN, FX_KEEP, 0, f_ret_i_2, NULL, 0 },
    { &hs_setcc, 1, 0, K_SETCC_R, FX_KEEP, 0, NULL, NULL, 0 },
    { &hs_setcc, 2, 0, K_SETCC_R, FX_KEEP, 0, NULL, NULL, 0 },
    { &hs_cmovcc, 2, 0, K_CMOV_R, FX_KEEP, 0, NULL, NULL, 0 },
    { &hs_cmovcc, 2, 1, K_CMOV_M, FX_KEEP, 0, NULL, NULL, 0 },
    JCC_MAP(0), JCC_MAP(1), JCC_MAP(2), JCC_MAP(3), JCC_MAP(4), JCC_MAP(5), JCC_MAP(6),
    JCC_MAP(7), JCC_MAP(8), JCC_MAP(9), JCC_MAP(10), JCC_MAP(11), JCC_MAP(12), JCC_MAP(13),
    JCC_MAP(14), JCC_MAP(15),
    /* generic handlers kept, known for their effect on the flags */
    ALU_REG_FX(add, CC_OP_ADD), ALU_REG_FX(or, CC_OP_LOGIC), ALU_REG_FX(and, CC_OP_LOGIC),
    ALU_REG_FX(sub, CC_OP_SUB), ALU_REG_FX(xor, CC_OP_LOGIC), ALU_REG_FX(cmp, CC_OP_SUB),
    ONLY_FX(hs_test_eg, 0, 0, FX_SET, CC_OP_LOGIC), ONLY_FX(hs_test_eg, 2, 0, FX_SET, CC_OP_LOGIC),
    ONLY_FX(hs_test_ei, 0, 0, FX_SET, CC_OP_LOGIC), ONLY_FX(hs_test_ei, 2, 0, FX_SET, CC_OP_LOGIC),
    ONLY_FX(hs_neg, 2, 0, FX_SET, CC_OP_SUB), ONLY_FX(hs_not, 2, 0, FX_KEEP, 0),
    ONLY_FX(hs_mov_eg, 0, 0, FX_KEEP, 0), ONLY_FX(hs_mov_eg, 1, 0, FX_KEEP, 0),
    ONLY_FX(hs_mov_eg, 2, 0, FX_KEEP, 0), ONLY_FX(hs_mov_ge, 0, 0, FX_KEEP, 0),
    ONLY_FX(hs_mov_ge, 1, 0, FX_KEEP, 0), ONLY_FX(hs_mov_ge, 2, 0, FX_KEEP, 0),
    ONLY_FX(hs_mov_ri, 0, 0, FX_KEEP, 0), ONLY_FX(hs_mov_ri, 1, 0, FX_KEEP, 0),
    ONLY_FX(hs_mov_ri, 2, 0, FX_KEEP, 0), ONLY_FX(hs_movzx_b, 2, 0, FX_KEEP, 0),
    ONLY_FX(hs_movzx_w, 2, 0, FX_KEEP, 0), ONLY_FX(hs_movsx_b, 2, 0, FX_KEEP, 0),
    ONLY_FX(hs_movsx_w, 2, 0, FX_KEEP, 0), ONLY_FX(hs_push_i, 2, 0, FX_KEEP, 0),
};

/* Open-addressed tables: generic handler -> its fast_map entry, and every
 * handler a block may hold (generic or fast) -> its entry, for the flags. */
#define SEL_BITS 10
typedef struct SelSlot {
    X86Handler *fn;
    const FastMap *map;
    int k;                   /* fast consumers: the NK index they were made for; -1 for
                              * the generic handlers and the other fast ones */
} SelSlot;
static SelSlot sel_table[1 << SEL_BITS], fx_table[1 << SEL_BITS];
static bool sel_ready;

static unsigned sel_hash(X86Handler *fn)
{
    return ((uintptr_t)fn * 0x9e3779b97f4a7c15ULL) >> (64 - SEL_BITS);
}

static void sel_add(SelSlot *t, X86Handler *fn, const FastMap *map, int k)
{
    unsigned h = sel_hash(fn);

    while (t[h].fn && t[h].fn != fn)
        h = (h + 1) & ((1 << SEL_BITS) - 1);
    t[h] = (SelSlot){ .fn = fn, .map = map, .k = k };
}

static const SelSlot *sel_find(const SelSlot *t, X86Handler *fn)
{
    unsigned h;

    for (h = sel_hash(fn); t[h].fn != fn; h = (h + 1) & ((1 << SEL_BITS) - 1)) {
        if (!t[h].fn)
            return NULL;
    }
    return &t[h];
}

static void sel_init(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(fast_map); i++) {
        const FastMap *m = &fast_map[i];
        X86Handler *gen = GEN(*m->hs, m->sz, m->mem);

        sel_add(sel_table, gen, m, NK);
        sel_add(fx_table, gen, m, -1);
        if (m->bd)
            sel_add(fx_table, m->bd, m, -1);
        if (m->bisd)
            sel_add(fx_table, m->bisd, m, -1);
    }
    /* The consumers, all versions */
    for (int k = 0; k <= NK; k++) {
        for (int i = 0; i < ARRAY_SIZE(fast_map); i++) {
            const FastMap *m = &fast_map[i];

            switch (m->kind) {
            case K_JCC:
                sel_add(fx_table, (m->sz == 1 ? jcc1_fast : jcc2_fast)[k][m->aux], m, k);
                break;
            case K_SETCC_R:
                for (int cc = 0; cc < 16; cc++)
                    sel_add(fx_table, setcc_fast[k][cc], m, k);
                break;
            case K_CMOV_R:
                for (int cc = 0; cc < 16; cc++)
                    sel_add(fx_table, cmov_fast[k][cc], m, k);
                break;
            case K_CMOV_M:
                for (int cc = 0; cc < 16 && k == NK; cc++) {
                    sel_add(fx_table, cmov_m_fast[0][cc], m, k);
                    sel_add(fx_table, cmov_m_fast[1][cc], m, k);
                }
                break;
            case K_INCDEC:
                sel_add(fx_table, incdec_fast[k][m->aux], m, k);
                break;
            case K_ROT:
                sel_add(fx_table, rot_fast[k][m->aux], m, k);
                break;
            }
        }
    }
    sel_ready = true;
}

X86Handler *x86_fast_select(const CPUX86State *env, uint32_t hflags, const DecodedInsn *d)
{
    const SelSlot *s;
    const FastMap *m;
    bool idx;

    if (!fast_on || (hflags & HF_CS64) || !d->fn)
        return d->fn;
    if (unlikely(!sel_ready))
        sel_init();
    s = sel_find(sel_table, d->fn);
    if (!s)
        return d->fn;
    m = s->map;
    idx = d->index != R_ZERO;
    switch (m->kind) {
    case K_PLAIN:
        return m->bd;
    case K_MEM32:
        if (d->asize != 2)
            return d->fn;
        return idx ? m->bisd : m->bd;
    case K_JCC:
        return (m->sz == 1 ? jcc1_fast : jcc2_fast)[NK][m->aux];
    case K_SETCC_R:
        return setcc_fast[NK][d->op & 15];
    case K_CMOV_R:
        return cmov_fast[NK][d->op & 15];
    case K_CMOV_M:
        if (d->asize != 2)
            return d->fn;
        return cmov_m_fast[idx][d->op & 15];
    case K_INCDEC:
        return incdec_fast[NK][m->aux];
    case K_ROT:
        return rot_fast[NK][m->aux];
    }
    return d->fn;
}

/*
 * Within a block, instructions run in order from the first: a consumer of
 * the lazy flags after a setter whose operation is fixed (CMP, TEST, DEC,
 * ...), with only flag-preserving instructions between, gets the version
 * made for that operation.
 */
void x86_fast_block(DecodedInsn *insns, int n)
{
    int known = -1; /* CC_OP_* of the lazy flags, -1 unknown */

    if (!fast_on || !sel_ready)
        return;
    for (int i = 0; i < n; i++) {
        DecodedInsn *d = &insns[i];
        const SelSlot *s = sel_find(fx_table, d->fn);
        const FastMap *m = s ? s->map : NULL;
        int k = known >= 0 ? k_index(known) : NK;

        if (!m) {
            known = -1;
            continue;
        }
        if (s->k == NK && k < NK) {
            switch (m->kind) {
            case K_JCC: d->fn = (m->sz == 1 ? jcc1_fast : jcc2_fast)[k][m->aux]; break;
            case K_SETCC_R: d->fn = setcc_fast[k][d->op & 15]; break;
            case K_CMOV_R: d->fn = cmov_fast[k][d->op & 15]; break;
            case K_INCDEC: d->fn = incdec_fast[k][m->aux]; break;
            case K_ROT: d->fn = rot_fast[k][m->aux]; break;
            }
        }
        if (m->fx == FX_SET)
            known = m->op + m->sz;
        else if (m->fx != FX_KEEP)
            known = -1;
    }
}
