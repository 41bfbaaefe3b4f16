/* SPDX-License-Identifier: MIT */
/*
 * Data movement: MOV (all integer forms, moffs, segment registers), MOVZX,
 * MOVSX, MOVSXD, MOVBE, LEA, XCHG, XADD, CMPXCHG, CMPXCHG8B/16B, CBW/CWD
 * families, LDS/LES/LSS/LFS/LGS, XLAT, LAHF/SAHF and the flag bit
 * instructions (CLC STC CMC CLD STD, SALC).
 * Reference: Intel SDM vol. 2 for each instruction; 6.8.3 (vol. 3A) for
 * the interrupt shadow after MOV SS.
 */
#include "ops.h"

ALWAYS_INLINE void mov_eg(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    rm_store(env, d, sz, mem, reg_read(env, d->reg, sz));
}
X86_GEN8(hs_mov_eg, mov_eg);

ALWAYS_INLINE void mov_ge(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    reg_write(env, d->reg, sz, rm_load(env, d, sz, mem));
}
X86_GEN8(hs_mov_ge, mov_ge);

ALWAYS_INLINE void mov_ei(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    rm_store(env, d, sz, mem, d->imm);
}
X86_GEN8(hs_mov_ei, mov_ei);

ALWAYS_INLINE void mov_ri(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, d->reg, sz, d->imm);
}
X86_GEN4(hs_mov_ri, mov_ri);

ALWAYS_INLINE void mov_moffs_load(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, 0, sz, x86_ld_sz(env, d->seg, d->imm & x86_amask[d->asize], sz));
}
X86_GEN4(hs_mov_moffs_load, mov_moffs_load);

ALWAYS_INLINE void mov_moffs_store(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_st_sz(env, d->seg, d->imm & x86_amask[d->asize], reg_read(env, 0, sz), sz);
}
X86_GEN4(hs_mov_moffs_store, mov_moffs_store);

/* MOVZX/MOVSX: the source size is fixed by the form (byte or word). */
ALWAYS_INLINE void movx(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, int ssz,
                        bool sign)
{
    uint64_t v = rm_load(env, d, ssz, mem);

    reg_write(env, d->reg, sz, sign ? (uint64_t)sz_sext(v, ssz) : v);
}
ALWAYS_INLINE void movzx_b(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    movx(env, d, sz, mem, 0, false);
}
ALWAYS_INLINE void movzx_w(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    movx(env, d, sz, mem, 1, false);
}
ALWAYS_INLINE void movsx_b(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    movx(env, d, sz, mem, 0, true);
}
ALWAYS_INLINE void movsx_w(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    movx(env, d, sz, mem, 1, true);
}
ALWAYS_INLINE void movsxd(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    movx(env, d, sz, mem, sz == 3 ? 2 : sz, true);
}
X86_GEN8(hs_movzx_b, movzx_b);
X86_GEN8(hs_movzx_w, movzx_w);
X86_GEN8(hs_movsx_b, movsx_b);
X86_GEN8(hs_movsx_w, movsx_w);
X86_GEN8(hs_movsxd, movsxd);

ALWAYS_INLINE void movbe_ld(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = rm_load(env, d, sz, mem);

    v = sz == 1 ? __builtin_bswap16(v) : sz == 2 ? __builtin_bswap32(v) : __builtin_bswap64(v);
    reg_write(env, d->reg, sz, v);
}
ALWAYS_INLINE void movbe_st(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = reg_read(env, d->reg, sz);

    v = sz == 1 ? __builtin_bswap16(v) : sz == 2 ? __builtin_bswap32(v) : __builtin_bswap64(v);
    rm_store(env, d, sz, mem, v);
}
X86_GEN8(hs_movbe_ld, movbe_ld);
X86_GEN8(hs_movbe_st, movbe_st);

ALWAYS_INLINE void lea(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    reg_write(env, d->reg, sz, x86_ea(env, d));
}
X86_GEN8(hs_lea, lea);

/* ---- exchanges ---- */

ALWAYS_INLINE void xchg_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t a = reg_read(env, d->reg, sz), b;
    Rmw m;

    if (!mem) {
        b = reg_read(env, d->rm, sz);
        reg_write(env, d->rm, sz, a);
        reg_write(env, d->reg, sz, b);
        return;
    }
    b = rmw_load(env, d, sz, &m);
    rmw_store(env, &m, sz, a);
    reg_write(env, d->reg, sz, b);
}
X86_GEN8(hs_xchg, xchg_e);

ALWAYS_INLINE void xchg_ax(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t a = reg_read(env, 0, sz), b = reg_read(env, d->reg, sz);

    reg_write(env, d->reg, sz, a);
    reg_write(env, 0, sz, b);
}
X86_GEN4(hs_xchg_ax, xchg_ax);

ALWAYS_INLINE void xadd_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t src = reg_read(env, d->reg, sz), dst, r;
    Rmw m;

    dst = mem ? rmw_load(env, d, sz, &m) : reg_read(env, d->rm, sz);
    r = (dst + src) & sz_mask(sz);
    env->cc_op = CC_OP_ADD + sz;
    env->cc_src = src;
    env->cc_dst = r;
    if (mem) {
        rmw_store(env, &m, sz, r);
        reg_write(env, d->reg, sz, dst);
    } else {
        reg_write(env, d->reg, sz, dst);
        reg_write(env, d->rm, sz, r);
    }
}
X86_GEN8(hs_xadd, xadd_e);

ALWAYS_INLINE void cmpxchg_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t acc = reg_read(env, 0, sz), dst;
    Rmw m;
    bool eq;

    dst = mem ? rmw_load(env, d, sz, &m) : reg_read(env, d->rm, sz);
    env->cc_op = CC_OP_SUB + sz;
    env->cc_src = dst;
    env->cc_dst = (acc - dst) & sz_mask(sz);
    eq = acc == dst;
    if (mem)
        rmw_store(env, &m, sz, eq ? reg_read(env, d->reg, sz) : dst);
    else if (eq)
        reg_write(env, d->rm, sz, reg_read(env, d->reg, sz));
    if (!eq)
        reg_write(env, 0, sz, dst);
}
X86_GEN8(hs_cmpxchg, cmpxchg_e);

static HANDLER(cmpxchg8b)
{
    Rmw m;
    uint32_t f = x86_cc_compute(env) & ~CC_Z;

    if (d->flags & DI_REXW) {
        uint64_t ea = x86_ea(env, d), lo, hi;

        if (!x86_has(env, FEAT_1_ECX, CPUID_EXT_CX16))
            x86_raise_exception(env, EXCP_UD);
        if (ea & 15)
            x86_raise_exception_err(env, EXCP_GP, 0);
        lo = x86_ldq(env, d->seg, ea);
        hi = x86_ldq(env, d->seg, ea + 8);
        x86_lin(env, d->seg, ea, 16, ACC_WRITE);
        if (lo == env->regs[R_EAX] && hi == env->regs[R_EDX]) {
            x86_stq(env, d->seg, ea, env->regs[R_EBX]);
            x86_stq(env, d->seg, ea + 8, env->regs[R_ECX]);
            f |= CC_Z;
        } else {
            x86_stq(env, d->seg, ea, lo);
            x86_stq(env, d->seg, ea + 8, hi);
            env->regs[R_EAX] = lo;
            env->regs[R_EDX] = hi;
        }
        set_flags_eager(env, f);
        return;
    }
    {
        uint64_t v = rmw_load(env, d, 3, &m);
        uint64_t cmp = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];

        if (v == cmp) {
            rmw_store(env, &m, 3,
                      ((uint64_t)(uint32_t)env->regs[R_ECX] << 32) | (uint32_t)env->regs[R_EBX]);
            f |= CC_Z;
        } else {
            rmw_store(env, &m, 3, v);
            env->regs[R_EAX] = (uint32_t)v;
            env->regs[R_EDX] = v >> 32;
        }
        set_flags_eager(env, f);
    }
}
X86_GEN1_MEM(hs_cmpxchg8b, cmpxchg8b);

/* ---- sign extension of the accumulator ---- */

ALWAYS_INLINE void cbw(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, 0, sz, sz_sext(reg_read(env, 0, sz - 1), sz - 1));
}
X86_GEN4(hs_cbw, cbw);

ALWAYS_INLINE void cwd(CPUX86State *env, const DecodedInsn *d, int sz)
{
    reg_write(env, R_EDX * 8, sz, (reg_read(env, 0, sz) & sz_sign(sz)) ? ~0ULL : 0);
}
X86_GEN4(hs_cwd, cwd);

static HANDLER(nop)
{
}
X86_GEN1(hs_nop, nop);

/* ---- segment registers ---- */

ALWAYS_INLINE void mov_e_sreg(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    if (d->regn > R_GS)
        x86_raise_exception(env, EXCP_UD);
    if (mem)
        x86_stw(env, d->seg, x86_ea(env, d), env->segs[d->regn].sel);
    else
        reg_write(env, d->rm, sz, env->segs[d->regn].sel);
}
X86_GEN8(hs_mov_e_sreg, mov_e_sreg);

ALWAYS_INLINE void mov_sreg_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    int seg = d->regn;

    if (seg > R_GS || seg == R_CS)
        x86_raise_exception(env, EXCP_UD);
    x86_seg_load(env, seg, rm_load(env, d, 1, mem));
    if (seg == R_SS)
        env->hflags |= HF_INHIBIT_IRQ;
}
X86_GEN8(hs_mov_sreg_e, mov_sreg_e);

ALWAYS_INLINE void load_far(CPUX86State *env, const DecodedInsn *d, int sz, int seg)
{
    uint64_t ea = x86_ea(env, d);
    uint64_t off = x86_ld_sz(env, d->seg, ea, sz);
    uint16_t sel = x86_ldw(env, d->seg, (ea + (1 << sz)) & x86_amask[d->asize]);

    x86_seg_load(env, seg, sel);
    reg_write(env, d->reg, sz, off);
    if (seg == R_SS)
        env->hflags |= HF_INHIBIT_IRQ;
}
ALWAYS_INLINE void les(CPUX86State *env, const DecodedInsn *d, int sz) { load_far(env, d, sz, R_ES); }
ALWAYS_INLINE void lds(CPUX86State *env, const DecodedInsn *d, int sz) { load_far(env, d, sz, R_DS); }
ALWAYS_INLINE void lss(CPUX86State *env, const DecodedInsn *d, int sz) { load_far(env, d, sz, R_SS); }
ALWAYS_INLINE void lfs(CPUX86State *env, const DecodedInsn *d, int sz) { load_far(env, d, sz, R_FS); }
ALWAYS_INLINE void lgs(CPUX86State *env, const DecodedInsn *d, int sz) { load_far(env, d, sz, R_GS); }
static void les_1(CPUX86State *env, const DecodedInsn *d)
{
    les(env, d, 1);
    X86_NEXT(env, d);
}
static void les_2(CPUX86State *env, const DecodedInsn *d)
{
    les(env, d, 2);
    X86_NEXT(env, d);
}
static void lds_1(CPUX86State *env, const DecodedInsn *d)
{
    lds(env, d, 1);
    X86_NEXT(env, d);
}
static void lds_2(CPUX86State *env, const DecodedInsn *d)
{
    lds(env, d, 2);
    X86_NEXT(env, d);
}
static void lss_1(CPUX86State *env, const DecodedInsn *d)
{
    lss(env, d, 1);
    X86_NEXT(env, d);
}
static void lss_2(CPUX86State *env, const DecodedInsn *d)
{
    lss(env, d, 2);
    X86_NEXT(env, d);
}
static void lss_3(CPUX86State *env, const DecodedInsn *d)
{
    lss(env, d, 3);
    X86_NEXT(env, d);
}
static void lfs_1(CPUX86State *env, const DecodedInsn *d)
{
    lfs(env, d, 1);
    X86_NEXT(env, d);
}
static void lfs_2(CPUX86State *env, const DecodedInsn *d)
{
    lfs(env, d, 2);
    X86_NEXT(env, d);
}
static void lfs_3(CPUX86State *env, const DecodedInsn *d)
{
    lfs(env, d, 3);
    X86_NEXT(env, d);
}
static void lgs_1(CPUX86State *env, const DecodedInsn *d)
{
    lgs(env, d, 1);
    X86_NEXT(env, d);
}
static void lgs_2(CPUX86State *env, const DecodedInsn *d)
{
    lgs(env, d, 2);
    X86_NEXT(env, d);
}
static void lgs_3(CPUX86State *env, const DecodedInsn *d)
{
    lgs(env, d, 3);
    X86_NEXT(env, d);
}
#define FAR_SET(name, f3)                                                                         \
    const HSet hs_##name = { { { x86_op_ud, x86_op_ud }, { x86_op_ud, name##_1 },                 \
                               { x86_op_ud, name##_2 }, { x86_op_ud, f3 } } }
FAR_SET(les, x86_op_ud);
FAR_SET(lds, x86_op_ud);
FAR_SET(lss, lss_3);
FAR_SET(lfs, lfs_3);
FAR_SET(lgs, lgs_3);

static HANDLER(xlat)
{
    uint64_t ea = (env->regs[R_EBX] + (env->regs[R_EAX] & 0xff)) & x86_amask[d->asize];

    *REGP8(env, 0) = x86_ldb(env, d->seg, ea);
}
X86_GEN1(hs_xlat, xlat);

/* ---- flags ---- */

static HANDLER(lahf)
{
    if ((env->hflags & HF_CS64) && !x86_has(env, FEAT_8000_0001_ECX, CPUID_EXT3_LAHF_LM))
        x86_raise_exception(env, EXCP_UD);
    *REGP8(env, 1) = (x86_cc_compute(env) & (CC_S | CC_Z | CC_A | CC_P | CC_C)) | 2;
}
X86_GEN1(hs_lahf, lahf);

static HANDLER(sahf)
{
    uint32_t f;

    if ((env->hflags & HF_CS64) && !x86_has(env, FEAT_8000_0001_ECX, CPUID_EXT3_LAHF_LM))
        x86_raise_exception(env, EXCP_UD);
    f = x86_cc_compute(env) & CC_O;
    f |= *REGP8(env, 1) & (CC_S | CC_Z | CC_A | CC_P | CC_C);
    set_flags_eager(env, f);
}
X86_GEN1(hs_sahf, sahf);

static HANDLER(clc)
{
    set_flags_eager(env, x86_cc_compute(env) & ~CC_C);
}
X86_GEN1(hs_clc, clc);

static HANDLER(stc)
{
    set_flags_eager(env, x86_cc_compute(env) | CC_C);
}
X86_GEN1(hs_stc, stc);

static HANDLER(cmc)
{
    set_flags_eager(env, x86_cc_compute(env) ^ CC_C);
}
X86_GEN1(hs_cmc, cmc);

static HANDLER(cld)
{
    env->eflags &= ~DF_MASK;
}
X86_GEN1(hs_cld, cld);

static HANDLER(std)
{
    env->eflags |= DF_MASK;
}
X86_GEN1(hs_std, std);

static HANDLER(salc)
{
    *REGP8(env, 0) = x86_cc_carry(env) ? 0xff : 0;
}
X86_GEN1(hs_salc_op, salc);
