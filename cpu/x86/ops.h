/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the instruction handlers (ops-*.c).
 *
 * A handler is void fn(env, d). Size variants are generated from one
 * always-inline body taking the operand size (log2 bytes) and whether the
 * ModRM operand is memory; X86_GEN8 instantiates the eight combinations and
 * the HSet the opcode tables point to. Operand helpers read/write the
 * ModRM register or memory operand, do read-modify-write with a single
 * translation, and push/pop with the current stack size.
 */
#ifndef CPU_X86_OPS_H
#define CPU_X86_OPS_H

#include "access.h"
#include "decode.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define HANDLER(name) void name(CPUX86State *env, const DecodedInsn *d)

/*
 * Threaded dispatch: a handler ends by calling the next instruction's
 * handler itself (a tail call, so no stack builds up), committing rip on
 * the way. The block ends with a terminator entry whose handler returns.
 * Outside a block (env->cur_block NULL: a test calling one handler) it
 * just commits rip.
 */
#define X86_NEXT(env, d)                                                                          \
    do {                                                                                          \
        const DecodedInsn *n_ = (d) + 1;                                                          \
        (env)->rip = NEXT_RIP(env);                                                               \
        if (unlikely(!(env)->cur_block))                                                          \
            return;                                                                               \
        NEXT_RIP(env) = (env)->rip + n_->len;                                                     \
        n_->fn(env, n_);                                                                          \
    } while (0)

#define X86_GEN8_ONE(name, body, sz, mem)                                                         \
    static void name(CPUX86State *env, const DecodedInsn *d)                                      \
    {                                                                                             \
        body(env, d, sz, mem);                                                                    \
        X86_NEXT(env, d);                                                                         \
    }
#define X86_GEN8(name, body)                                                                      \
    X86_GEN8_ONE(name##_r0, body, 0, false)                                                       \
    X86_GEN8_ONE(name##_r1, body, 1, false)                                                       \
    X86_GEN8_ONE(name##_r2, body, 2, false)                                                       \
    X86_GEN8_ONE(name##_r3, body, 3, false)                                                       \
    X86_GEN8_ONE(name##_m0, body, 0, true)                                                        \
    X86_GEN8_ONE(name##_m1, body, 1, true)                                                        \
    X86_GEN8_ONE(name##_m2, body, 2, true)                                                        \
    X86_GEN8_ONE(name##_m3, body, 3, true)                                                        \
    const HSet name = { { { name##_r0, name##_m0 }, { name##_r1, name##_m1 },                      \
                          { name##_r2, name##_m2 }, { name##_r3, name##_m3 } } }

/* Sized, no memory operand distinction. */
#define X86_GEN4_ONE(name, body, sz)                                                              \
    static void name(CPUX86State *env, const DecodedInsn *d)                                      \
    {                                                                                             \
        body(env, d, sz);                                                                         \
        X86_NEXT(env, d);                                                                         \
    }
#define X86_GEN4(name, body)                                                                      \
    X86_GEN4_ONE(name##_0, body, 0)                                                               \
    X86_GEN4_ONE(name##_1, body, 1)                                                               \
    X86_GEN4_ONE(name##_2, body, 2)                                                               \
    X86_GEN4_ONE(name##_3, body, 3)                                                               \
    const HSet name = { { { name##_0, name##_0 }, { name##_1, name##_1 }, { name##_2, name##_2 },  \
                          { name##_3, name##_3 } } }

/* One handler for every size and form (fn is a plain handler body). */
#define X86_GEN1_T(name, fn)                                                                      \
    static void name##_t(CPUX86State *env, const DecodedInsn *d)                                  \
    {                                                                                             \
        fn(env, d);                                                                               \
        X86_NEXT(env, d);                                                                         \
    }
#define X86_GEN1(name, fn)                                                                        \
    X86_GEN1_T(name, fn)                                                                          \
    const HSet name = { { { name##_t, name##_t }, { name##_t, name##_t }, { name##_t, name##_t },  \
                          { name##_t, name##_t } } }
/* Register form only / memory form only (the other raises #UD). */
#define X86_GEN1_REG(name, fn)                                                                    \
    X86_GEN1_T(name, fn)                                                                          \
    const HSet name = { { { name##_t, x86_op_ud }, { name##_t, x86_op_ud },                        \
                          { name##_t, x86_op_ud }, { name##_t, x86_op_ud } } }
#define X86_GEN1_MEM(name, fn)                                                                    \
    X86_GEN1_T(name, fn)                                                                          \
    const HSet name = { { { x86_op_ud, name##_t }, { x86_op_ud, name##_t },                        \
                          { x86_op_ud, name##_t }, { x86_op_ud, name##_t } } }

ALWAYS_INLINE uint64_t sz_mask(int sz) { return sz == 3 ? ~0ULL : (1ULL << (8 << sz)) - 1; }
ALWAYS_INLINE uint64_t sz_sign(int sz) { return 1ULL << ((8 << sz) - 1); }
ALWAYS_INLINE int64_t sz_sext(uint64_t v, int sz)
{
    int sh = 64 - (8 << sz);
    return (int64_t)(v << sh) >> sh;
}

/* ---- host memory ---- */

ALWAYS_INLINE uint64_t host_ld(const void *p, int sz)
{
    switch (sz) {
    case 0: return *(const uint8_t *)p;
    case 1: return ldw_le(p);
    case 2: return ldl_le(p);
    default: return ldq_le(p);
    }
}

ALWAYS_INLINE void host_st(void *p, int sz, uint64_t v)
{
    switch (sz) {
    case 0: *(uint8_t *)p = v; break;
    case 1: stw_le(p, v); break;
    case 2: stl_le(p, v); break;
    default: stq_le(p, v); break;
    }
}

/* ---- ModRM operands ---- */

ALWAYS_INLINE uint64_t rm_load(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    if (mem)
        return x86_ld_sz(env, d->seg, x86_ea(env, d), sz);
    return reg_read(env, d->rm, sz);
}

ALWAYS_INLINE void rm_store(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, uint64_t v)
{
    if (mem)
        x86_st_sz(env, d->seg, x86_ea(env, d), v, sz);
    else
        reg_write(env, d->rm, sz, v);
}

typedef struct Rmw {
    void *host;
    uint64_t lin;
} Rmw;

ALWAYS_INLINE uint64_t rmw_load(CPUX86State *env, const DecodedInsn *d, int sz, Rmw *m)
{
    m->lin = x86_lin(env, d->seg, x86_ea(env, d), 1u << sz, ACC_WRITE);
    m->host = x86_rmw_ptr(env, m->lin, 1u << sz);
    if (likely(m->host))
        return host_ld(m->host, sz);
    return x86_ld_slow(env, m->lin, 1u << sz, env->mmu_idx);
}

ALWAYS_INLINE void rmw_store(CPUX86State *env, const Rmw *m, int sz, uint64_t v)
{
    if (likely(m->host))
        host_st(m->host, sz, v);
    else
        x86_st_slow(env, m->lin, v, 1u << sz, env->mmu_idx);
}

/* ---- stack ---- */

ALWAYS_INLINE void set_esp(CPUX86State *env, uint64_t sp, uint64_t mask)
{
    if (mask == 0xffff)
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffULL) | (sp & 0xffff);
    else
        env->regs[R_ESP] = sp & mask;
}

ALWAYS_INLINE void x86_push(CPUX86State *env, uint64_t v, int sz)
{
    uint64_t mask = x86_sp_mask(env);
    uint64_t sp = (env->regs[R_ESP] - (1u << sz)) & mask;

    x86_st_sz(env, R_SS, sp, v, sz);
    set_esp(env, sp, mask);
}

/* Read the value at the top of the stack (offset bytes in) without popping. */
ALWAYS_INLINE uint64_t x86_stack_peek(CPUX86State *env, int sz, unsigned offset)
{
    uint64_t mask = x86_sp_mask(env);

    return x86_ld_sz(env, R_SS, (env->regs[R_ESP] + offset) & mask, sz);
}

ALWAYS_INLINE void x86_stack_adjust(CPUX86State *env, int64_t n)
{
    uint64_t mask = x86_sp_mask(env);

    set_esp(env, env->regs[R_ESP] + n, mask);
}

ALWAYS_INLINE uint64_t x86_pop(CPUX86State *env, int sz)
{
    uint64_t v = x86_stack_peek(env, sz, 0);

    x86_stack_adjust(env, 1 << sz);
    return v;
}

/* ---- misc ---- */

ALWAYS_INLINE void set_flags_eager(CPUX86State *env, uint32_t f)
{
    env->cc_src = f & CC_ALL;
    env->cc_op = CC_OP_EFLAGS;
}

ALWAYS_INLINE uint32_t flags_szp(uint64_t r, int sz)
{
    uint32_t f = x86_parity_table[r & 0xff];

    if ((r & sz_mask(sz)) == 0)
        f |= CC_Z;
    if (r & sz_sign(sz))
        f |= CC_S;
    return f;
}

/* Privilege: CPL 0 only (raises #GP(0) otherwise). */
ALWAYS_INLINE void need_cpl0(CPUX86State *env)
{
    if (x86_cpl(env) != 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
}

ALWAYS_INLINE uint64_t next_ip_masked(CPUX86State *env, uint64_t ip, int osz)
{
    return osz == 1 ? ip & 0xffff : osz == 2 ? ip & 0xffffffffULL : ip;
}

/* A near branch target: within the CS limit, or canonical in 64-bit mode
 * (#GP(0) at the branch itself, SDM vol. 3A 6.15 "#GP"). */
ALWAYS_INLINE void check_branch_target(CPUX86State *env, uint64_t target)
{
    if (env->hflags & HF_CS64) {
        if (unlikely((uint64_t)((int64_t)(target << 16) >> 16) != target))
            x86_raise_exception_err(env, EXCP_GP, 0);
    } else if (unlikely(target > env->segs[R_CS].limit)) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
}

/* ---- handler sets, by file ---- */

/* ops-alu.c */
extern const HSet hs_add_eg, hs_add_ge, hs_add_ei, hs_or_eg, hs_or_ge, hs_or_ei;
extern const HSet hs_adc_eg, hs_adc_ge, hs_adc_ei, hs_sbb_eg, hs_sbb_ge, hs_sbb_ei;
extern const HSet hs_and_eg, hs_and_ge, hs_and_ei, hs_sub_eg, hs_sub_ge, hs_sub_ei;
extern const HSet hs_xor_eg, hs_xor_ge, hs_xor_ei, hs_cmp_eg, hs_cmp_ge, hs_cmp_ei;
extern const HSet hs_test_eg, hs_test_ei, hs_inc, hs_dec, hs_inc_r, hs_dec_r, hs_not, hs_neg;
extern const HSet hs_adx;
/* ops-shift.c */
extern const HSet hs_rol, hs_ror, hs_rcl, hs_rcr, hs_shl, hs_shr, hs_sal, hs_sar;
extern const HSet hs_rol1, hs_ror1, hs_rcl1, hs_rcr1, hs_shl1, hs_shr1, hs_sal1, hs_sar1;
extern const HSet hs_rolc, hs_rorc, hs_rclc, hs_rcrc, hs_shlc, hs_shrc, hs_salc, hs_sarc;
extern const HSet hs_shld_i, hs_shld_c, hs_shrd_i, hs_shrd_c;
/* ops-muldiv.c */
extern const HSet hs_mul, hs_imul1, hs_div, hs_idiv, hs_imul_ge, hs_imul_gei;
/* ops-bit.c */
extern const HSet hs_bt, hs_bts, hs_btr, hs_btc, hs_bt_i, hs_bts_i, hs_btr_i, hs_btc_i;
extern const HSet hs_bsf, hs_bsr, hs_bswap, hs_setcc, hs_cmovcc;
/* ops-mov.c */
extern const HSet hs_mov_eg, hs_mov_ge, hs_mov_ei, hs_mov_ri, hs_mov_moffs_load,
    hs_mov_moffs_store, hs_movzx_b, hs_movzx_w, hs_movsx_b, hs_movsx_w, hs_movsxd, hs_lea,
    hs_xchg, hs_xchg_ax, hs_xadd, hs_cmpxchg, hs_cmpxchg8b, hs_cbw, hs_cwd, hs_nop,
    hs_mov_e_sreg, hs_mov_sreg_e, hs_les, hs_lds, hs_lss, hs_lfs, hs_lgs, hs_xlat, hs_lahf,
    hs_sahf, hs_clc, hs_stc, hs_cmc, hs_cld, hs_std, hs_salc_op, hs_movbe_ld, hs_movbe_st;
/* ops-bcd.c */
extern const HSet hs_daa, hs_das, hs_aaa, hs_aas, hs_aam, hs_aad;
/* ops-stack.c */
extern const HSet hs_push_r, hs_pop_r, hs_push_i, hs_push_e, hs_pop_e, hs_push_sreg,
    hs_pop_sreg, hs_pusha, hs_popa, hs_pushf, hs_popf, hs_enter, hs_leave;
/* ops-branch.c */
extern const HSet hs_jcc_0, hs_jcc_1, hs_jcc_2, hs_jcc_3, hs_jcc_4, hs_jcc_5, hs_jcc_6, hs_jcc_7,
    hs_jcc_8, hs_jcc_9, hs_jcc_10, hs_jcc_11, hs_jcc_12, hs_jcc_13, hs_jcc_14, hs_jcc_15;
extern const HSet hs_jmp_rel, hs_call_rel, hs_ret, hs_ret_i, hs_jmp_e, hs_call_e,
    hs_jmp_far, hs_call_far, hs_jmp_far_m, hs_call_far_m, hs_retf, hs_retf_i, hs_loop,
    hs_loope, hs_loopne, hs_jcxz, hs_int3, hs_int, hs_into, hs_int1, hs_iret, hs_bound;
/* ops-string.c */
extern const HSet hs_movs, hs_cmps, hs_stos, hs_lods, hs_scas, hs_ins, hs_outs;
/* ops-io.c */
extern const HSet hs_in_i, hs_in_dx, hs_out_i, hs_out_dx;
/* ops-system.c */
extern const HSet hs_hlt, hs_cli, hs_sti, hs_cpuid, hs_rdtsc, hs_rdtscp, hs_rdmsr, hs_wrmsr,
    hs_rdpmc, hs_mov_cr_load, hs_mov_cr_store, hs_mov_dr_load, hs_mov_dr_store, hs_clts,
    hs_lgdt, hs_lidt, hs_sgdt, hs_sidt, hs_lldt, hs_ltr, hs_sldt, hs_str, hs_smsw, hs_lmsw,
    hs_invlpg, hs_invd, hs_lar, hs_lsl, hs_verr, hs_verw, hs_arpl, hs_sysenter, hs_sysexit,
    hs_syscall, hs_sysret, hs_ud, hs_swapgs, hs_wbinvd, hs_rsm, hs_monitor, hs_mwait,
    hs_clflush, hs_fence, hs_grp7_c8, hs_grp7_f8, hs_fsgsbase, hs_rdrand, hs_rdseed;
/* CLFLUSH/CLFLUSHOPT/CLWB address checks (ops-system.c) */
void x86_cache_line_check(CPUX86State *env, const DecodedInsn *d);
/* ops-fpu.c */
extern const HSet hs_esc, hs_wait, hs_fxsave, hs_fxrstor, hs_ldmxcsr, hs_stmxcsr, hs_emms, hs_mmx;
/* ops-sse.c */
extern const HSet hs_sse, hs_movnti;
/* ops-xsave.c */
extern const HSet hs_xsave, hs_xrstor, hs_grp15_6, hs_grp7_d0;

#endif
