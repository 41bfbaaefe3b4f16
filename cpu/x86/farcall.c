/* SPDX-License-Identifier: MIT */
/*
 * Far control transfers: JMP/CALL/RET far, IRET, SYSENTER/SYSEXIT,
 * SYSCALL/SYSRET.
 *
 * In real and virtual-8086 mode a far transfer just reloads CS the
 * real-mode way. In protected mode the target is checked (code segment,
 * conforming or not, DPL against CPL and RPL, present), may be a call gate
 * (with a switch to the inner stack from the TSS and the copy of the
 * gate's parameter count of words/dwords), a TSS or a task gate. Returns
 * and IRET to an outer level pop SS:ESP too and null the data segment
 * registers the outer level may not use. IRET can also return to
 * virtual-8086 mode or, with NT set, to the previous task.
 * All reads and checks happen before any register changes, so a fault
 * leaves the state of the instruction's start.
 * Reference: Intel SDM vol. 2 (CALL, JMP, RET, IRET, SYSENTER, SYSEXIT,
 * SYSCALL, SYSRET pseudo-code), vol. 3A 5.8 "Privilege Level Checking When
 * Transferring Program Control Between Code Segments".
 */
#include "access.h"

/* A stack pointer being worked on before it is committed. */
typedef struct Stk {
    uint64_t base, sp, mask;
    int mmu;
    bool check;      /* the current SS: limit-checked accesses */
} Stk;

static Stk stk_current(CPUX86State *env)
{
    return (Stk){ .base = env->segs[R_SS].base, .sp = env->regs[R_ESP],
                  .mask = x86_sp_mask(env), .mmu = env->mmu_idx, .check = true };
}

static uint64_t stk_lin(CPUX86State *env, Stk *s, int sz, int acc)
{
    uint64_t off = s->sp & s->mask;

    if (s->check && !(env->hflags & HF_CS64))
        return x86_lin(env, R_SS, off, 1 << sz, acc);
    return (s->base + off) & env->lin_mask;
}

static void stk_push(CPUX86State *env, Stk *s, uint64_t v, int sz)
{
    s->sp -= 1 << sz;
    x86_st_lin_sz(env, stk_lin(env, s, sz, ACC_WRITE), v, sz, s->mmu);
}

static uint64_t stk_pop(CPUX86State *env, Stk *s, int sz)
{
    uint64_t v = x86_ld_lin_sz(env, stk_lin(env, s, sz, ACC_READ), sz, s->mmu);

    s->sp += 1 << sz;
    return v;
}

static void stk_commit(CPUX86State *env, const Stk *s)
{
    if (s->mask == 0xffff)
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffULL) | (s->sp & 0xffff);
    else if (s->mask == 0xffffffffULL)
        env->regs[R_ESP] = (uint32_t)s->sp;
    else
        env->regs[R_ESP] = s->sp;
}

static bool real_like(const CPUX86State *env)
{
    return !(env->hflags & HF_PE) || (env->eflags & VM_MASK);
}

static void load_cs(CPUX86State *env, uint16_t sel, uint32_t lo, uint32_t hi, int cpl)
{
    x86_desc_set_accessed(env, sel, hi);
    x86_set_cpl(env, cpl);
    x86_seg_set_cache(env, R_CS, (sel & 0xfffc) | cpl, x86_desc_base(lo, hi),
                      x86_desc_limit(lo, hi), (hi | DESC_A_MASK) & DESC_ATTR_MASK);
}

/* Checks for a direct JMP/CALL to a code segment (SDM 5.8.1). */
static void check_code_target(CPUX86State *env, uint16_t sel, uint32_t hi, int err_sel)
{
    int cpl = x86_cpl(env), dpl = (hi >> DESC_DPL_SHIFT) & 3, rpl = sel & 3;

    if (!(hi & DESC_S_MASK) || !(hi & DESC_CS_MASK))
        x86_raise_exception_err(env, EXCP_GP, err_sel);
    if (hi & DESC_C_MASK) {
        if (dpl > cpl)
            x86_raise_exception_err(env, EXCP_GP, err_sel);
    } else if (rpl > cpl || dpl != cpl) {
        x86_raise_exception_err(env, EXCP_GP, err_sel);
    }
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, err_sel);
}

static void check_eip(CPUX86State *env, uint64_t eip, uint32_t lo, uint32_t hi)
{
    if ((env->hflags & HF_LMA) && (hi & DESC_L_MASK)) {
        if ((uint64_t)((int64_t)(eip << 16) >> 16) != eip)
            x86_raise_exception_err(env, EXCP_GP, 0);
        return;
    }
    if (eip > x86_desc_limit(lo, hi))
        x86_raise_exception_err(env, EXCP_GP, 0);
}

typedef struct CallGate {
    uint16_t sel;
    uint64_t off;
    int params, sz;
    uint32_t clo, chi;   /* target code descriptor */
} CallGate;

/* Validate a call gate and its target (JMP and CALL). */
static void check_call_gate(CPUX86State *env, uint16_t gsel, uint32_t lo, uint32_t hi,
                            CallGate *g, bool is_call)
{
    int cpl = x86_cpl(env), gdpl = (hi >> DESC_DPL_SHIFT) & 3, dpl;

    if (gdpl < cpl || gdpl < (gsel & 3))
        x86_raise_exception_err(env, EXCP_GP, gsel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, gsel & 0xfffc);
    g->sel = lo >> 16;
    g->off = (hi & 0xffff0000u) | (lo & 0xffff);
    g->params = hi & 0x1f;
    g->sz = ((hi >> DESC_TYPE_SHIFT) & 8) ? 2 : 1;
    if (g->sz == 1)
        g->off &= 0xffff;
    if ((env->hflags & HF_LMA)) {
        /* 16-byte gate (SDM 5.8.3.1): only type 12; the second half's type
         * field must be 0 */
        uint32_t lo2, hi2;

        if (((hi >> DESC_TYPE_SHIFT) & 0x1f) != 12 ||
            !x86_load_desc(env, ((gsel & ~7u) + 8) | (gsel & 4), &lo2, &hi2) ||
            ((hi2 >> DESC_TYPE_SHIFT) & 0x1f) != 0)
            x86_raise_exception_err(env, EXCP_GP, gsel & 0xfffc);
        g->off |= (uint64_t)lo2 << 32;
        g->sz = 3;
        g->params = 0;
    }
    if ((g->sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (!x86_load_desc(env, g->sel, &g->clo, &g->chi))
        x86_raise_exception_err(env, EXCP_GP, g->sel & 0xfffc);
    dpl = (g->chi >> DESC_DPL_SHIFT) & 3;
    if (!(g->chi & DESC_S_MASK) || !(g->chi & DESC_CS_MASK) || dpl > cpl ||
        (!is_call && !(g->chi & DESC_C_MASK) && dpl != cpl) ||
        ((env->hflags & HF_LMA) && (!(g->chi & DESC_L_MASK) || (g->chi & DESC_B_MASK))))
        x86_raise_exception_err(env, EXCP_GP, g->sel & 0xfffc);
    if (!(g->chi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, g->sel & 0xfffc);
}

void x86_far_jmp(CPUX86State *env, uint16_t sel, uint64_t off, uint64_t next_rip)
{
    uint32_t lo, hi;
    int type;
    CallGate g;

    if (real_like(env)) {
        x86_seg_load_real(env, R_CS, sel);
        NEXT_RIP(env) = off;
        return;
    }
    if ((sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (!x86_load_desc(env, sel, &lo, &hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (hi & DESC_S_MASK) {
        check_code_target(env, sel, hi, sel & 0xfffc);
        check_eip(env, off, lo, hi);
        load_cs(env, sel, lo, hi, x86_cpl(env));
        NEXT_RIP(env) = off;
        return;
    }
    type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    switch (type) {
    case 1: case 9: case 5:
        if (env->hflags & HF_LMA)
            break;
        {
            int dpl = (hi >> DESC_DPL_SHIFT) & 3;

            if (dpl < x86_cpl(env) || dpl < (sel & 3))
                x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
        }
        x86_task_switch(env, sel, lo, hi, TASK_JMP, next_rip, -1);
        NEXT_RIP(env) = env->rip;
        return;
    case 4: case 12:
        check_call_gate(env, sel, lo, hi, &g, false);
        check_eip(env, g.off, g.clo, g.chi);
        load_cs(env, g.sel, g.clo, g.chi, x86_cpl(env));
        NEXT_RIP(env) = g.off;
        return;
    }
    x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
}

static void tss_inner_stack(CPUX86State *env, int dpl, uint32_t *ss, uint64_t *sp)
{
    int shift = (env->tr.flags >> (DESC_TYPE_SHIFT + 3)) & 1;
    uint32_t idx = (dpl * 4 + 2) << shift;
    uint64_t base = env->tr.base;

    if (env->hflags & HF_LMA) {
        if (4 + dpl * 8 + 7 > env->tr.limit)
            x86_raise_exception_err(env, EXCP_TS, env->tr.sel & 0xfffc);
        *sp = x86_ldq_lin(env, base + 4 + dpl * 8, MMU_SUP);
        *ss = dpl;
        return;
    }
    if (idx + (4u << shift) - 1 > env->tr.limit)
        x86_raise_exception_err(env, EXCP_TS, env->tr.sel & 0xfffc);
    if (shift) {
        *sp = x86_ldl_lin(env, (base + idx) & 0xffffffffULL, MMU_SUP);
        *ss = x86_ldw_lin(env, (base + idx + 4) & 0xffffffffULL, MMU_SUP);
    } else {
        *sp = x86_ldw_lin(env, (base + idx) & 0xffffffffULL, MMU_SUP);
        *ss = x86_ldw_lin(env, (base + idx + 2) & 0xffffffffULL, MMU_SUP);
    }
}

static void check_new_ss(CPUX86State *env, uint16_t ss, int dpl, uint32_t *lo, uint32_t *hi,
                         int excp)
{
    if ((ss & ~3) == 0)
        x86_raise_exception_err(env, excp, 0);
    if ((ss & 3) != dpl || !x86_load_desc(env, ss, lo, hi))
        x86_raise_exception_err(env, excp, ss & 0xfffc);
    if (((*hi >> DESC_DPL_SHIFT) & 3) != (uint32_t)dpl || !(*hi & DESC_S_MASK) ||
        (*hi & DESC_CS_MASK) || !(*hi & DESC_W_MASK))
        x86_raise_exception_err(env, excp, ss & 0xfffc);
    if (!(*hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_SS, ss & 0xfffc);
}

static void call_gate_inner(CPUX86State *env, const CallGate *g, uint64_t next_rip)
{
    int dpl = (g->chi >> DESC_DPL_SHIFT) & 3;
    uint32_t ss, slo = 0, shi = 0;
    uint64_t sp;
    Stk old = stk_current(env), stk;
    uint32_t params[32];

    tss_inner_stack(env, dpl, &ss, &sp);
    if (env->hflags & HF_LMA) {
        stk = (Stk){ .base = 0, .sp = sp, .mask = ~0ULL, .mmu = MMU_SUP };
    } else {
        check_new_ss(env, ss, dpl, &slo, &shi, EXCP_TS);
        stk = (Stk){ .base = x86_desc_base(slo, shi), .sp = sp,
                     .mask = (shi & DESC_B_MASK) ? 0xffffffffULL : 0xffff,
                     .mmu = dpl == 3 ? MMU_USER : MMU_SUP };
    }
    for (int i = 0; i < g->params; i++) {
        Stk p = old;

        p.sp += i << g->sz;
        params[i] = stk_pop(env, &p, g->sz);
    }
    stk_push(env, &stk, env->segs[R_SS].sel, g->sz);
    stk_push(env, &stk, env->regs[R_ESP], g->sz);
    for (int i = g->params - 1; i >= 0; i--)
        stk_push(env, &stk, params[i], g->sz);
    stk_push(env, &stk, env->segs[R_CS].sel, g->sz);
    stk_push(env, &stk, next_rip, g->sz);
    load_cs(env, g->sel, g->clo, g->chi, dpl);
    if (env->hflags & HF_LMA) {
        x86_seg_set_cache(env, R_SS, dpl, 0, 0, DESC_P_MASK | DESC_S_MASK | DESC_W_MASK);
    } else {
        x86_desc_set_accessed(env, ss, shi);
        x86_seg_set_cache(env, R_SS, ss, x86_desc_base(slo, shi), x86_desc_limit(slo, shi),
                          (shi | DESC_A_MASK) & DESC_ATTR_MASK);
    }
    stk_commit(env, &stk);
    NEXT_RIP(env) = g->off;
}

void x86_far_call(CPUX86State *env, uint16_t sel, uint64_t off, int opsize, uint64_t next_rip)
{
    uint32_t lo, hi;
    int type, dpl;
    CallGate g;
    Stk s = stk_current(env);

    if (real_like(env)) {
        stk_push(env, &s, env->segs[R_CS].sel, opsize);
        stk_push(env, &s, next_rip, opsize);
        stk_commit(env, &s);
        x86_seg_load_real(env, R_CS, sel);
        NEXT_RIP(env) = off;
        return;
    }
    if ((sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (!x86_load_desc(env, sel, &lo, &hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (hi & DESC_S_MASK) {
        check_code_target(env, sel, hi, sel & 0xfffc);
        check_eip(env, off, lo, hi);
        stk_push(env, &s, env->segs[R_CS].sel, opsize);
        stk_push(env, &s, next_rip, opsize);
        load_cs(env, sel, lo, hi, x86_cpl(env));
        stk_commit(env, &s);
        NEXT_RIP(env) = off;
        return;
    }
    type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    switch (type) {
    case 1: case 9: case 5:
        if (env->hflags & HF_LMA)
            break;
        if (dpl < x86_cpl(env) || dpl < (sel & 3))
            x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
        x86_task_switch(env, sel, lo, hi, TASK_CALL, next_rip, -1);
        NEXT_RIP(env) = env->rip;
        return;
    case 4: case 12:
        check_call_gate(env, sel, lo, hi, &g, true);
        check_eip(env, g.off, g.clo, g.chi);
        log_mask_printf(LOG_PCALL, "x86: call gate %04x -> %04x:%08" PRIx64 "\n", sel, g.sel,
                        g.off);
        if (!(g.chi & DESC_C_MASK) && ((g.chi >> DESC_DPL_SHIFT) & 3) < (uint32_t)x86_cpl(env)) {
            call_gate_inner(env, &g, next_rip);
            return;
        }
        stk_push(env, &s, env->segs[R_CS].sel, g.sz);
        stk_push(env, &s, next_rip, g.sz);
        load_cs(env, g.sel, g.clo, g.chi, x86_cpl(env));
        stk_commit(env, &s);
        NEXT_RIP(env) = g.off;
        return;
    }
    x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
}

/* Checks of the code segment a RET/IRET returns to (RPL >= CPL). */
static void check_return_cs(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    int rpl = sel & 3, dpl;

    if ((sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (!x86_load_desc(env, sel, lo, hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    dpl = (*hi >> DESC_DPL_SHIFT) & 3;
    if (!(*hi & DESC_S_MASK) || !(*hi & DESC_CS_MASK) || rpl < x86_cpl(env))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if ((*hi & DESC_C_MASK) ? dpl > rpl : dpl != rpl)
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!(*hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
}

/* Return to an outer privilege level: pop SS:ESP from s and load them. */
static void return_outer(CPUX86State *env, Stk *s, int sz, uint16_t cs, uint32_t clo,
                         uint32_t chi, uint16_t imm)
{
    int rpl = cs & 3;
    uint64_t new_sp = stk_pop(env, s, sz);
    uint16_t ss = stk_pop(env, s, sz);
    uint32_t slo = 0, shi = 0;
    bool null_ss64 = (env->hflags & HF_LMA) && (chi & DESC_L_MASK) && (ss & ~3) == 0 && rpl != 3;

    if (!null_ss64)
        check_new_ss(env, ss, rpl, &slo, &shi, EXCP_GP);
    load_cs(env, cs, clo, chi, rpl);
    if (null_ss64) {
        x86_seg_set_cache(env, R_SS, ss, 0, 0, DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                                                   (rpl << DESC_DPL_SHIFT));
    } else {
        x86_desc_set_accessed(env, ss, shi);
        x86_seg_set_cache(env, R_SS, ss, x86_desc_base(slo, shi), x86_desc_limit(slo, shi),
                          (shi | DESC_A_MASK) & DESC_ATTR_MASK);
    }
    s->mask = x86_sp_mask(env);
    s->sp = new_sp + imm;
    stk_commit(env, s);
    x86_seg_validate_outer(env, R_ES);
    x86_seg_validate_outer(env, R_DS);
    x86_seg_validate_outer(env, R_FS);
    x86_seg_validate_outer(env, R_GS);
}

void x86_far_ret(CPUX86State *env, int sz, uint16_t imm)
{
    Stk s = stk_current(env);
    uint64_t ip;
    uint16_t cs;
    uint32_t lo, hi;

    ip = stk_pop(env, &s, sz);
    cs = stk_pop(env, &s, sz);
    if (real_like(env)) {
        s.sp += imm;
        stk_commit(env, &s);
        x86_seg_load_real(env, R_CS, cs);
        NEXT_RIP(env) = ip;
        return;
    }
    check_return_cs(env, cs, &lo, &hi);
    check_eip(env, ip, lo, hi);
    if ((cs & 3) == x86_cpl(env)) {
        s.sp += imm;
        load_cs(env, cs, lo, hi, x86_cpl(env));
        stk_commit(env, &s);
    } else {
        s.sp += imm;
        return_outer(env, &s, sz, cs, lo, hi, imm);
    }
    NEXT_RIP(env) = ip;
}

/* ---- IRET ---- */

static uint32_t iret_eflags_mask(CPUX86State *env, int sz)
{
    uint32_t mask = TF_MASK | AC_MASK | ID_MASK | RF_MASK | NT_MASK | DF_MASK | CC_ALL;
    int cpl = x86_cpl(env);

    if (!(env->hflags & HF_PE) || cpl == 0)
        mask |= IOPL_MASK | IF_MASK;
    else if (cpl <= x86_iopl(env))
        mask |= IF_MASK;
    if (sz == 1)
        mask &= 0xffff;
    return mask;
}

static void iret_real(CPUX86State *env, int sz)
{
    Stk s = stk_current(env);
    uint64_t ip = stk_pop(env, &s, sz);
    uint16_t cs = stk_pop(env, &s, sz);
    uint32_t fl = stk_pop(env, &s, sz);
    uint32_t mask;

    if (env->eflags & VM_MASK) {
        mask = TF_MASK | AC_MASK | ID_MASK | RF_MASK | NT_MASK | DF_MASK | CC_ALL | IF_MASK;
        if (sz == 1)
            mask &= 0xffff;
    } else {
        mask = iret_eflags_mask(env, sz);
    }
    stk_commit(env, &s);
    x86_seg_load_real(env, R_CS, cs);
    x86_set_eflags(env, fl, mask);
    NEXT_RIP(env) = ip;
}

/* IRET in v86 mode with IOPL < 3 and CR4.VME (SDM 20.3.3.4). */
static void iret_vme(CPUX86State *env)
{
    Stk s = stk_current(env);
    uint64_t ip = stk_pop(env, &s, 1);
    uint16_t cs = stk_pop(env, &s, 1);
    uint32_t fl = stk_pop(env, &s, 1);

    if (((fl & IF_MASK) && (env->eflags & VIP_MASK)) || (fl & TF_MASK))
        x86_raise_exception_err(env, EXCP_GP, 0);
    stk_commit(env, &s);
    x86_seg_load_real(env, R_CS, cs);
    x86_set_eflags(env, fl, 0xffff & ~(IOPL_MASK | IF_MASK));
    env->eflags = (env->eflags & ~VIF_MASK) | ((fl & IF_MASK) ? VIF_MASK : 0);
    NEXT_RIP(env) = ip;
}

static void iret_to_vm86(CPUX86State *env, Stk *s, uint64_t ip, uint16_t cs, uint32_t fl)
{
    uint64_t esp = stk_pop(env, s, 2);
    uint16_t ss = stk_pop(env, s, 2);
    uint16_t es = stk_pop(env, s, 2), ds = stk_pop(env, s, 2);
    uint16_t fs = stk_pop(env, s, 2), gs = stk_pop(env, s, 2);
    uint32_t vmflags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                       (3 << DESC_DPL_SHIFT);

    x86_set_eflags(env, fl, ~0u & ~(0x8000u | 0x28u));
    x86_set_cpl(env, 3);
    x86_seg_set_cache(env, R_CS, cs, (uint64_t)cs << 4, 0xffff, vmflags | DESC_CS_MASK);
    x86_seg_set_cache(env, R_SS, ss, (uint64_t)ss << 4, 0xffff, vmflags);
    x86_seg_set_cache(env, R_ES, es, (uint64_t)es << 4, 0xffff, vmflags);
    x86_seg_set_cache(env, R_DS, ds, (uint64_t)ds << 4, 0xffff, vmflags);
    x86_seg_set_cache(env, R_FS, fs, (uint64_t)fs << 4, 0xffff, vmflags);
    x86_seg_set_cache(env, R_GS, gs, (uint64_t)gs << 4, 0xffff, vmflags);
    env->regs[R_ESP] = (uint32_t)esp;
    NEXT_RIP(env) = ip & 0xffff;
}

void x86_iret(CPUX86State *env, int sz)
{
    Stk s;
    uint64_t ip;
    uint16_t cs;
    uint32_t fl, lo, hi, mask;

    env->hflags &= ~HF_NMI_BLOCK;
    if (!(env->hflags & HF_PE)) {
        iret_real(env, sz);
        return;
    }
    if (env->eflags & VM_MASK) {
        if (x86_iopl(env) == 3)
            iret_real(env, sz);
        else if ((env->cr[4] & CR4_VME) && sz == 1)
            iret_vme(env);
        else
            x86_raise_exception_err(env, EXCP_GP, 0);
        return;
    }
    if (env->eflags & NT_MASK) {
        uint16_t link;

        if (env->hflags & HF_LMA)
            x86_raise_exception_err(env, EXCP_GP, 0);
        link = x86_ldw_lin(env, env->tr.base & 0xffffffffULL, MMU_SUP);
        if ((link & 4) || !x86_load_desc(env, link, &lo, &hi))
            x86_raise_exception_err(env, EXCP_TS, link & 0xfffc);
        x86_task_switch(env, link, lo, hi, TASK_IRET, NEXT_RIP(env), -1);
        NEXT_RIP(env) = env->rip;
        return;
    }
    s = stk_current(env);
    ip = stk_pop(env, &s, sz);
    cs = stk_pop(env, &s, sz);
    fl = stk_pop(env, &s, sz);
    if (sz == 2 && (fl & VM_MASK) && x86_cpl(env) == 0 && !(env->hflags & HF_LMA)) {
        iret_to_vm86(env, &s, ip, cs, fl);
        return;
    }
    check_return_cs(env, cs, &lo, &hi);
    check_eip(env, ip, lo, hi);
    mask = iret_eflags_mask(env, sz);
    if (x86_cpl(env) == 0 && sz == 2)
        mask |= VIF_MASK | VIP_MASK;
    /* 64-bit mode: IRET pops SS:RSP even without a privilege change */
    if ((cs & 3) == x86_cpl(env) && !(env->hflags & HF_CS64)) {
        load_cs(env, cs, lo, hi, x86_cpl(env));
        stk_commit(env, &s);
    } else {
        return_outer(env, &s, sz, cs, lo, hi, 0);
    }
    x86_set_eflags(env, fl, mask);
    NEXT_RIP(env) = ip;
}

/* ---- fast system calls ---- */

void x86_sysenter(CPUX86State *env)
{
    uint16_t cs = env->sysenter_cs;
    bool l64 = env->hflags & HF_LMA;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK |
                    DESC_G_MASK;

    if (!(env->hflags & HF_PE) || (cs & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    env->eflags &= ~(VM_MASK | IF_MASK | RF_MASK);
    x86_set_cpl(env, 0);
    x86_seg_set_cache(env, R_CS, cs & 0xfffc, 0, 0xffffffff,
                      code | (l64 ? DESC_L_MASK : DESC_B_MASK));
    x86_seg_set_cache(env, R_SS, (cs + 8) & 0xfffc, 0, 0xffffffff,
                      DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | DESC_B_MASK |
                          DESC_G_MASK);
    env->regs[R_ESP] = l64 ? env->sysenter_esp : (uint32_t)env->sysenter_esp;
    NEXT_RIP(env) = l64 ? env->sysenter_eip : (uint32_t)env->sysenter_eip;
}

void x86_sysexit(CPUX86State *env, int sz)
{
    uint16_t cs = env->sysenter_cs;
    uint32_t base = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK | DESC_G_MASK | (3 << DESC_DPL_SHIFT);

    if (!(env->hflags & HF_PE) || (cs & ~3) == 0 || x86_cpl(env) != 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    x86_set_cpl(env, 3);
    if (sz == 3) {
        x86_seg_set_cache(env, R_CS, ((cs + 32) & 0xfffc) | 3, 0, 0xffffffff,
                          base | DESC_CS_MASK | DESC_R_MASK | DESC_L_MASK);
        x86_seg_set_cache(env, R_SS, ((cs + 40) & 0xfffc) | 3, 0, 0xffffffff,
                          base | DESC_W_MASK | DESC_B_MASK);
        env->regs[R_ESP] = env->regs[R_ECX];
        NEXT_RIP(env) = env->regs[R_EDX];
        return;
    }
    x86_seg_set_cache(env, R_CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff,
                      base | DESC_CS_MASK | DESC_R_MASK | DESC_B_MASK);
    x86_seg_set_cache(env, R_SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff,
                      base | DESC_W_MASK | DESC_B_MASK);
    env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
    NEXT_RIP(env) = (uint32_t)env->regs[R_EDX];
}

void x86_syscall(CPUX86State *env)
{
    uint16_t sel = (env->star >> 32) & 0xffff;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK |
                    DESC_G_MASK;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | DESC_G_MASK |
                    DESC_B_MASK;

    if (!(env->efer & EFER_SCE))
        x86_raise_exception(env, EXCP_UD);
    env->regs[R_ECX] = NEXT_RIP(env);
    if (env->hflags & HF_LMA) {
        uint64_t target = (env->hflags & HF_CS64) ? env->lstar : env->cstar;

        env->regs[R_R11] = x86_eflags(env) & ~RF_MASK;
        x86_set_cpl(env, 0);
        x86_seg_set_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff, code | DESC_L_MASK);
        x86_seg_set_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, data);
        x86_set_eflags(env, x86_eflags(env) & ~env->fmask, ~0u);
        env->eflags &= ~RF_MASK;
        NEXT_RIP(env) = target;
        return;
    }
    x86_set_cpl(env, 0);
    x86_seg_set_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff, code | DESC_B_MASK);
    x86_seg_set_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, data);
    env->eflags &= ~(VM_MASK | IF_MASK | RF_MASK);
    NEXT_RIP(env) = (uint32_t)env->star;
}

void x86_sysret(CPUX86State *env, int sz)
{
    uint16_t sel = (env->star >> 48) & 0xffff;
    uint32_t base = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK | DESC_G_MASK | (3 << DESC_DPL_SHIFT);

    if (!(env->efer & EFER_SCE))
        x86_raise_exception(env, EXCP_UD);
    if (!(env->hflags & HF_PE) || x86_cpl(env) != 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    x86_set_cpl(env, 3);
    if (env->hflags & HF_LMA) {
        uint32_t fl = env->regs[R_R11];

        if (sz == 3) {
            x86_seg_set_cache(env, R_CS, ((sel + 16) & 0xfffc) | 3, 0, 0xffffffff,
                              base | DESC_CS_MASK | DESC_R_MASK | DESC_L_MASK);
            NEXT_RIP(env) = env->regs[R_ECX];
        } else {
            x86_seg_set_cache(env, R_CS, (sel & 0xfffc) | 3, 0, 0xffffffff,
                              base | DESC_CS_MASK | DESC_R_MASK | DESC_B_MASK);
            NEXT_RIP(env) = (uint32_t)env->regs[R_ECX];
        }
        x86_seg_set_cache(env, R_SS, ((sel + 8) & 0xfffc) | 3, 0, 0xffffffff,
                          base | DESC_W_MASK | DESC_B_MASK);
        x86_set_eflags(env, fl & 0x3c7fd7u, ~0u); /* RF and VM cleared */
        return;
    }
    x86_seg_set_cache(env, R_CS, (sel & 0xfffc) | 3, 0, 0xffffffff,
                      base | DESC_CS_MASK | DESC_R_MASK | DESC_B_MASK);
    x86_seg_set_cache(env, R_SS, ((sel + 8) & 0xfffc) | 3, 0, 0xffffffff,
                      base | DESC_W_MASK | DESC_B_MASK);
    env->eflags |= IF_MASK;
    NEXT_RIP(env) = (uint32_t)env->regs[R_ECX];
}
