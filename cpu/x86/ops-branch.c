/* SPDX-License-Identifier: MIT */
/*
 * Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP family,
 * JCXZ, INT/INT3/INTO/INT1, IRET, BOUND.
 *
 * Near targets are truncated to the operand size and checked against the
 * CS limit outside 64-bit mode, for being canonical in 64-bit mode (#GP(0)
 * at the branch). Far transfers and IRET are in
 * farcall.c; software interrupts are raised here and delivered by excp.c.
 * Reference: Intel SDM vol. 2, Jcc, JMP, CALL, RET, LOOP, JCXZ, INT n,
 * IRET, BOUND.
 */
#include "ops.h"

ALWAYS_INLINE void branch(CPUX86State *env, uint64_t target, int osz)
{
    target = next_ip_masked(env, target, osz);
    check_branch_target(env, target);
    NEXT_RIP(env) = target;
}

/* One handler set per condition, so the condition folds into the code. */
#define JCC(cc)                                                                                   \
    ALWAYS_INLINE void jcc_##cc(CPUX86State *env, const DecodedInsn *d, int sz)                  \
    {                                                                                             \
        if (x86_cond_inline(env, cc))                                                             \
            branch(env, NEXT_RIP(env) + d->imm, sz);                                              \
    }                                                                                             \
    X86_GEN4(hs_jcc_##cc, jcc_##cc)
JCC(0); JCC(1); JCC(2); JCC(3); JCC(4); JCC(5); JCC(6); JCC(7);
JCC(8); JCC(9); JCC(10); JCC(11); JCC(12); JCC(13); JCC(14); JCC(15);

ALWAYS_INLINE void jmp_rel(CPUX86State *env, const DecodedInsn *d, int sz)
{
    branch(env, NEXT_RIP(env) + d->imm, sz);
}
X86_GEN4(hs_jmp_rel, jmp_rel);

ALWAYS_INLINE void call_rel(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t next = NEXT_RIP(env);
    uint64_t target = next_ip_masked(env, next + d->imm, sz);

    check_branch_target(env, target);
    x86_push(env, next, sz);
    NEXT_RIP(env) = target;
}
X86_GEN4(hs_call_rel, call_rel);

ALWAYS_INLINE void ret_n(CPUX86State *env, const DecodedInsn *d, int sz, unsigned imm)
{
    uint64_t ip = next_ip_masked(env, x86_stack_peek(env, sz, 0), sz);

    check_branch_target(env, ip);
    x86_stack_adjust(env, (1 << sz) + imm);
    NEXT_RIP(env) = ip;
}
ALWAYS_INLINE void ret(CPUX86State *env, const DecodedInsn *d, int sz) { ret_n(env, d, sz, 0); }
ALWAYS_INLINE void ret_i(CPUX86State *env, const DecodedInsn *d, int sz)
{
    ret_n(env, d, sz, d->imm);
}
X86_GEN4(hs_ret, ret);
X86_GEN4(hs_ret_i, ret_i);

ALWAYS_INLINE void jmp_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    branch(env, rm_load(env, d, sz, mem), sz);
}
X86_GEN8(hs_jmp_e, jmp_e);

ALWAYS_INLINE void call_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t target = next_ip_masked(env, rm_load(env, d, sz, mem), sz);

    check_branch_target(env, target);
    x86_push(env, NEXT_RIP(env), sz);
    NEXT_RIP(env) = target;
}
X86_GEN8(hs_call_e, call_e);

/* ---- far ---- */

ALWAYS_INLINE void jmp_far(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_far_jmp(env, d->imm2, d->imm, NEXT_RIP(env));
}
X86_GEN4(hs_jmp_far, jmp_far);

ALWAYS_INLINE void call_far(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_far_call(env, d->imm2, d->imm, sz, NEXT_RIP(env));
}
X86_GEN4(hs_call_far, call_far);

ALWAYS_INLINE void far_ptr(CPUX86State *env, const DecodedInsn *d, int sz, uint64_t *off,
                           uint16_t *sel)
{
    uint64_t ea = x86_ea(env, d);

    *off = x86_ld_sz(env, d->seg, ea, sz);
    *sel = x86_ldw(env, d->seg, (ea + (1 << sz)) & x86_amask[d->asize]);
}

ALWAYS_INLINE void jmp_far_m(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t off;
    uint16_t sel;

    far_ptr(env, d, sz, &off, &sel);
    x86_far_jmp(env, sel, off, NEXT_RIP(env));
}
X86_GEN8(hs_jmp_far_m, jmp_far_m);

ALWAYS_INLINE void call_far_m(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t off;
    uint16_t sel;

    far_ptr(env, d, sz, &off, &sel);
    x86_far_call(env, sel, off, sz, NEXT_RIP(env));
}
X86_GEN8(hs_call_far_m, call_far_m);

ALWAYS_INLINE void retf(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_far_ret(env, sz, 0);
}
ALWAYS_INLINE void retf_i(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_far_ret(env, sz, d->imm);
}
X86_GEN4(hs_retf, retf);
X86_GEN4(hs_retf_i, retf_i);

ALWAYS_INLINE void iret(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_iret(env, sz);
}
X86_GEN4(hs_iret, iret);

/* ---- loops ---- */

ALWAYS_INLINE void loop_common(CPUX86State *env, const DecodedInsn *d, int sz, int kind)
{
    uint64_t cnt = (reg_read(env, R_ECX * 8, d->asize) - 1) & x86_amask[d->asize];
    bool take = cnt != 0;

    if (kind == 1)
        take = take && x86_cond(env, 4);  /* LOOPE: ZF=1 */
    else if (kind == 2)
        take = take && x86_cond(env, 5);  /* LOOPNE: ZF=0 */
    if (take) {
        uint64_t target = next_ip_masked(env, NEXT_RIP(env) + d->imm, sz);

        check_branch_target(env, target);
        NEXT_RIP(env) = target;
    }
    reg_write(env, R_ECX * 8, d->asize, cnt);
}
ALWAYS_INLINE void loop(CPUX86State *env, const DecodedInsn *d, int sz) { loop_common(env, d, sz, 0); }
ALWAYS_INLINE void loope(CPUX86State *env, const DecodedInsn *d, int sz) { loop_common(env, d, sz, 1); }
ALWAYS_INLINE void loopne(CPUX86State *env, const DecodedInsn *d, int sz) { loop_common(env, d, sz, 2); }
X86_GEN4(hs_loop, loop);
X86_GEN4(hs_loope, loope);
X86_GEN4(hs_loopne, loopne);

ALWAYS_INLINE void jcxz(CPUX86State *env, const DecodedInsn *d, int sz)
{
    if (reg_read(env, R_ECX * 8, d->asize) == 0)
        branch(env, NEXT_RIP(env) + d->imm, sz);
}
X86_GEN4(hs_jcxz, jcxz);

/* ---- software interrupts ---- */

static HANDLER(int3)
{
    x86_raise_soft_int(env, EXCP_BP, false);
}
X86_GEN1(hs_int3, int3);

static HANDLER(int_n)
{
    x86_raise_soft_int(env, d->imm & 0xff, false);
}
X86_GEN1(hs_int, int_n);

static HANDLER(into)
{
    if (x86_cc_compute(env) & CC_O)
        x86_raise_soft_int(env, EXCP_OF, false);
}
X86_GEN1(hs_into, into);

static HANDLER(int1)
{
    x86_raise_soft_int(env, EXCP_DB, true);
}
X86_GEN1(hs_int1, int1);

ALWAYS_INLINE void bound(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t ea = x86_ea(env, d);
    int64_t idx = sz_sext(reg_read(env, d->reg, sz), sz);
    int64_t lo = sz_sext(x86_ld_sz(env, d->seg, ea, sz), sz);
    int64_t hi = sz_sext(x86_ld_sz(env, d->seg, (ea + (1 << sz)) & x86_amask[d->asize], sz), sz);

    if (idx < lo || idx > hi)
        x86_raise_exception(env, EXCP_BR);
}
X86_GEN8(hs_bound, bound);
