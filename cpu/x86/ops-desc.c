/* SPDX-License-Identifier: MIT */
/*
 * Descriptor-table instructions: LGDT LIDT SGDT SIDT LLDT LTR SLDT STR,
 * LAR LSL VERR VERW ARPL, SMSW LMSW.
 *
 * LLDT, LTR, SLDT, STR, LAR, LSL, VERR, VERW and ARPL exist only in
 * protected mode (#UD in real and virtual-8086 mode). With CR4.UMIP set,
 * SGDT SIDT SLDT SMSW STR need CPL 0.
 * Reference: Intel SDM vol. 2, LGDT/LIDT, SGDT, SIDT, LLDT, LTR, SLDT,
 * STR, LAR, LSL, VERR/VERW, ARPL, SMSW, LMSW.
 */
#include "ops.h"

static void need_pm(CPUX86State *env)
{
    if (!(env->hflags & HF_PE) || (env->eflags & VM_MASK))
        x86_raise_exception(env, EXCP_UD);
}

static void umip_check(CPUX86State *env)
{
    if ((env->cr[4] & CR4_UMIP) && x86_cpl(env) > 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
}

static void load_dtr(CPUX86State *env, const DecodedInsn *d, DescTable *dt)
{
    uint64_t ea = x86_ea(env, d), base;
    uint16_t limit;

    need_cpl0(env);
    limit = x86_ldw(env, d->seg, ea);
    if (env->hflags & HF_CS64) {
        base = x86_ldq(env, d->seg, ea + 2);
    } else {
        base = x86_ldl(env, d->seg, (ea + 2) & x86_amask[d->asize]);
        if (d->osize == 1)
            base &= 0xffffff;
    }
    dt->limit = limit;
    dt->base = base;
}

static void store_dtr(CPUX86State *env, const DecodedInsn *d, const DescTable *dt)
{
    uint64_t ea = x86_ea(env, d);

    umip_check(env);
    x86_lin(env, d->seg, ea, (env->hflags & HF_CS64) ? 10 : 6, ACC_WRITE);
    x86_stw(env, d->seg, ea, dt->limit);
    if (env->hflags & HF_CS64)
        x86_stq(env, d->seg, ea + 2, dt->base);
    else
        x86_stl(env, d->seg, (ea + 2) & x86_amask[d->asize], dt->base);
}

static HANDLER(lgdt)
{
    load_dtr(env, d, &env->gdt);
}
static HANDLER(lidt)
{
    load_dtr(env, d, &env->idt);
}
static HANDLER(sgdt)
{
    store_dtr(env, d, &env->gdt);
}
static HANDLER(sidt)
{
    store_dtr(env, d, &env->idt);
}
X86_GEN1_MEM(hs_lgdt, lgdt);
X86_GEN1_MEM(hs_lidt, lidt);
X86_GEN1_MEM(hs_sgdt, sgdt);
X86_GEN1_MEM(hs_sidt, sidt);

ALWAYS_INLINE void lldt(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    need_pm(env);
    need_cpl0(env);
    x86_load_ldtr(env, rm_load(env, d, 1, mem));
}
X86_GEN8(hs_lldt, lldt);

ALWAYS_INLINE void ltr(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    need_pm(env);
    need_cpl0(env);
    x86_load_tr(env, rm_load(env, d, 1, mem));
}
X86_GEN8(hs_ltr, ltr);

/* Store a selector-sized value: registers get the operand size, memory 16 bits. */
ALWAYS_INLINE void store_sel(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, uint16_t v)
{
    if (mem)
        x86_stw(env, d->seg, x86_ea(env, d), v);
    else
        reg_write(env, d->rm, sz, v);
}

ALWAYS_INLINE void sldt(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    need_pm(env);
    umip_check(env);
    store_sel(env, d, sz, mem, env->ldt.sel);
}
X86_GEN8(hs_sldt, sldt);

ALWAYS_INLINE void str_(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    need_pm(env);
    umip_check(env);
    store_sel(env, d, sz, mem, env->tr.sel);
}
X86_GEN8(hs_str, str_);

ALWAYS_INLINE void smsw(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    umip_check(env);
    if (mem)
        x86_stw(env, d->seg, x86_ea(env, d), env->cr[0]);
    else
        reg_write(env, d->rm, sz, env->cr[0]);
}
X86_GEN8(hs_smsw, smsw);

ALWAYS_INLINE void lmsw(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint16_t v;

    need_cpl0(env);
    v = rm_load(env, d, 1, mem);
    /* PE can be set but not cleared; MP EM TS are loaded. */
    x86_update_cr0(env, (env->cr[0] & ~0xeULL) | (v & 0xf) | (env->cr[0] & CR0_PE));
}
X86_GEN8(hs_lmsw, lmsw);

/* ---- access-rights queries ---- */

static void set_zf(CPUX86State *env, bool z)
{
    set_flags_eager(env, (x86_cc_compute(env) & ~CC_Z) | (z ? CC_Z : 0));
}

/* Descriptor visible at the current privilege for LAR/LSL/VERR/VERW. */
static bool query_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    int dpl, cpl = x86_cpl(env);

    if ((sel & ~3) == 0 || !x86_load_desc(env, sel, lo, hi))
        return false;
    dpl = (*hi >> DESC_DPL_SHIFT) & 3;
    if ((*hi & DESC_S_MASK) && (*hi & DESC_CS_MASK) && (*hi & DESC_C_MASK))
        return true;
    return dpl >= cpl && dpl >= (sel & 3);
}

static bool sys_type_ok(uint32_t hi, bool lsl, bool l64)
{
    int type = (hi >> DESC_TYPE_SHIFT) & 0xf;

    if (hi & DESC_S_MASK)
        return true;
    if (l64)
        return type == 2 || type == 9 || type == 11 || (!lsl && type == 12);
    switch (type) {
    case 1: case 2: case 3: case 9: case 11:
        return true;
    case 4: case 5: case 12:
        return !lsl;
    }
    return false;
}

ALWAYS_INLINE void lar_lsl(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, bool lsl)
{
    uint16_t sel;
    uint32_t lo, hi;

    need_pm(env);
    sel = rm_load(env, d, 1, mem);
    if (!query_desc(env, sel, &lo, &hi) || !sys_type_ok(hi, lsl, env->hflags & HF_LMA)) {
        set_zf(env, false);
        return;
    }
    if (lsl)
        reg_write(env, d->reg, sz, x86_desc_limit(lo, hi));
    else
        reg_write(env, d->reg, sz, hi & 0x00ffff00); /* limit 19:16 too, as the host */
    set_zf(env, true);
}
ALWAYS_INLINE void lar(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    lar_lsl(env, d, sz, mem, false);
}
ALWAYS_INLINE void lsl(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    lar_lsl(env, d, sz, mem, true);
}
X86_GEN8(hs_lar, lar);
X86_GEN8(hs_lsl, lsl);

ALWAYS_INLINE void verrw(CPUX86State *env, const DecodedInsn *d, bool mem, bool write)
{
    uint16_t sel;
    uint32_t lo, hi;
    bool ok;

    need_pm(env);
    sel = rm_load(env, d, 1, mem);
    ok = query_desc(env, sel, &lo, &hi) && (hi & DESC_S_MASK);
    if (ok) {
        if (hi & DESC_CS_MASK)
            ok = !write && (hi & DESC_R_MASK);
        else
            ok = !write || (hi & DESC_W_MASK);
    }
    set_zf(env, ok);
}
ALWAYS_INLINE void verr(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    verrw(env, d, mem, false);
}
ALWAYS_INLINE void verw(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    verrw(env, d, mem, true);
}
X86_GEN8(hs_verr, verr);
X86_GEN8(hs_verw, verw);

ALWAYS_INLINE void arpl(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint16_t dst, src = reg_read(env, d->reg, 1);

    need_pm(env);
    /* The destination is checked for writing only when ARPL adjusts it:
     * with a read-only segment and no adjustment, hardware does not fault
     * (measured on the host by tests/cpu/diff). */
    dst = rm_load(env, d, 1, mem);
    if ((dst & 3) < (src & 3)) {
        dst = (dst & ~3) | (src & 3);
        rm_store(env, d, 1, mem, dst);
        set_zf(env, true);
    } else {
        set_zf(env, false);
    }
}
X86_GEN8(hs_arpl, arpl);
