/* SPDX-License-Identifier: MIT */
/*
 * Hardware task switching and the TSS I/O permission bitmap.
 *
 * A task switch (JMP/CALL to a TSS or task gate, an interrupt through a
 * task gate, IRET with NT set) saves the current state in the old TSS,
 * updates busy bits and the back link, loads the new TSS, sets CR0.TS and
 * reloads LDTR and the segment registers with the checks of a task switch
 * (faults there are #TS, raised in the context of the new task). 16-bit
 * (type 1/3) and 32-bit (type 9/11) TSSs are supported.
 * Reference: Intel SDM vol. 3A, ch. 8 "Task Management" (8.2 TSS layout,
 * 8.3 task switching, 8.4 task linking), 20.5 "I/O permission bit map"
 * (vol. 1, 19.5.2).
 */
#include "access.h"

typedef struct TssImage {
    uint32_t cr3, eip, eflags, regs[8];
    uint16_t segs[6], ldt;
    bool has_cr3;
} TssImage;

static uint32_t tss_ld(CPUX86State *env, uint64_t base, uint32_t off, int sz)
{
    uint64_t lin = (base + off) & 0xffffffffULL;

    return sz == 2 ? x86_ldl_lin(env, lin, MMU_SUP) : x86_ldw_lin(env, lin, MMU_SUP);
}

static void tss_st(CPUX86State *env, uint64_t base, uint32_t off, uint32_t v, int sz)
{
    uint64_t lin = (base + off) & 0xffffffffULL;

    if (sz == 2)
        x86_stl_lin(env, lin, v, MMU_SUP);
    else
        x86_stw_lin(env, lin, v, MMU_SUP);
}

static void tss_read(CPUX86State *env, uint64_t base, bool t32, TssImage *t)
{
    if (t32) {
        t->cr3 = tss_ld(env, base, 28, 2);
        t->has_cr3 = true;
        t->eip = tss_ld(env, base, 32, 2);
        t->eflags = tss_ld(env, base, 36, 2);
        for (int i = 0; i < 8; i++)
            t->regs[i] = tss_ld(env, base, 40 + i * 4, 2);
        for (int i = 0; i < 6; i++)
            t->segs[i] = tss_ld(env, base, 72 + i * 4, 1);
        t->ldt = tss_ld(env, base, 96, 1);
    } else {
        t->has_cr3 = false;
        t->eip = tss_ld(env, base, 14, 1);
        t->eflags = tss_ld(env, base, 16, 1);
        for (int i = 0; i < 8; i++)
            t->regs[i] = tss_ld(env, base, 18 + i * 2, 1) | 0xffff0000u;
        for (int i = 0; i < 4; i++)
            t->segs[i] = tss_ld(env, base, 34 + i * 2, 1);
        t->segs[R_FS] = t->segs[R_GS] = 0;
        t->ldt = tss_ld(env, base, 42, 1);
    }
}

static void tss_save(CPUX86State *env, uint64_t base, bool t32, uint32_t eip, uint32_t eflags)
{
    if (t32) {
        tss_st(env, base, 32, eip, 2);
        tss_st(env, base, 36, eflags, 2);
        for (int i = 0; i < 8; i++)
            tss_st(env, base, 40 + i * 4, env->regs[i], 2);
        for (int i = 0; i < 6; i++)
            tss_st(env, base, 72 + i * 4, env->segs[i].sel, 1);
    } else {
        tss_st(env, base, 14, eip, 1);
        tss_st(env, base, 16, eflags, 1);
        for (int i = 0; i < 8; i++)
            tss_st(env, base, 18 + i * 2, env->regs[i], 1);
        for (int i = 0; i < 4; i++)
            tss_st(env, base, 34 + i * 2, env->segs[i].sel, 1);
    }
}

static void set_busy(CPUX86State *env, uint16_t sel, bool busy)
{
    uint64_t lin = (env->gdt.base + (sel & ~7u) + 4) & 0xffffffffULL;
    uint32_t hi = x86_ldl_lin(env, lin, MMU_SUP);

    hi = busy ? hi | (2 << DESC_TYPE_SHIFT) : hi & ~(2u << DESC_TYPE_SHIFT);
    x86_stl_lin(env, lin, hi, MMU_SUP);
}

/* Load a segment register during a task switch: faults are #TS. */
static void task_load_seg(CPUX86State *env, int seg, uint16_t sel)
{
    uint32_t lo, hi, dpl, rpl = sel & 3;
    int cpl = x86_cpl(env);

    if ((sel & ~3) == 0) {
        if (seg == R_CS || seg == R_SS)
            x86_raise_exception_err(env, EXCP_TS, 0);
        x86_seg_set_cache(env, seg, sel, 0, 0, 0);
        return;
    }
    if (!x86_load_desc(env, sel, &lo, &hi) || !(hi & DESC_S_MASK))
        x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if (seg == R_CS) {
        if (!(hi & DESC_CS_MASK) || ((hi & DESC_C_MASK) ? dpl > rpl : dpl != rpl))
            x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    } else if (seg == R_SS) {
        if ((hi & DESC_CS_MASK) || !(hi & DESC_W_MASK) || dpl != (uint32_t)cpl ||
            rpl != (uint32_t)cpl)
            x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    } else {
        if ((hi & DESC_CS_MASK) && !(hi & DESC_R_MASK))
            x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
        if (!((hi & DESC_CS_MASK) && (hi & DESC_C_MASK)) && (dpl < (uint32_t)cpl || dpl < rpl))
            x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    }
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, seg == R_SS ? EXCP_SS : EXCP_NP, sel & 0xfffc);
    x86_desc_set_accessed(env, sel, hi);
    x86_seg_set_cache(env, seg, sel, x86_desc_base(lo, hi), x86_desc_limit(lo, hi),
                      (hi | DESC_A_MASK) & DESC_ATTR_MASK);
}

static void task_load_ldt(CPUX86State *env, uint16_t sel)
{
    uint32_t lo, hi;

    if ((sel & ~3) == 0) {
        env->ldt = (SegCache){ .sel = sel };
        return;
    }
    if ((sel & 4) || !x86_load_desc(env, sel, &lo, &hi) || (hi & DESC_S_MASK) ||
        ((hi >> DESC_TYPE_SHIFT) & 0xf) != 2)
        x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    env->ldt = (SegCache){ .sel = sel, .base = x86_desc_base(lo, hi),
                           .limit = x86_desc_limit(lo, hi), .flags = hi & DESC_ATTR_MASK };
}

static void task_load_state(CPUX86State *env, const TssImage *t, bool t32)
{
    if (t->has_cr3 && (env->cr[0] & CR0_PG))
        x86_update_cr3(env, t->cr3);
    for (int i = 0; i < 8; i++) {
        if (t32)
            env->regs[i] = t->regs[i];
        else
            env->regs[i] = (env->regs[i] & ~0xffffULL) | (t->regs[i] & 0xffff);
    }
    x86_set_eflags(env, t32 ? t->eflags : (x86_eflags(env) & 0xffff0000u) | t->eflags,
                   ~0u & ~(RF_MASK | 0x8000u | 0x28u));
    env->rip = t->eip;
    /* Selectors first (no checks), so a fault below sees the new task. */
    for (int s = 0; s < 6; s++)
        env->segs[s].sel = t->segs[s];
    if (env->eflags & VM_MASK) {
        x86_set_cpl(env, 3);
        for (int s = 0; s < 6; s++)
            x86_seg_set_cache(env, s, t->segs[s], (uint64_t)t->segs[s] << 4, 0xffff,
                              DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                                  (3 << DESC_DPL_SHIFT) | (s == R_CS ? DESC_CS_MASK : 0));
        task_load_ldt(env, t->ldt);
        return;
    }
    x86_set_cpl(env, t->segs[R_CS] & 3);
    x86_update_hflags(env);
    task_load_ldt(env, t->ldt);
    task_load_seg(env, R_CS, t->segs[R_CS]);
    task_load_seg(env, R_SS, t->segs[R_SS]);
    task_load_seg(env, R_DS, t->segs[R_DS]);
    task_load_seg(env, R_ES, t->segs[R_ES]);
    task_load_seg(env, R_FS, t->segs[R_FS]);
    task_load_seg(env, R_GS, t->segs[R_GS]);
}

void x86_task_switch(CPUX86State *env, uint16_t sel, uint32_t lo, uint32_t hi, int source,
                     uint64_t next_rip, int error_code)
{
    int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    bool t32, old32;
    uint32_t limit, old_eflags;
    uint64_t base;
    TssImage t;
    uint16_t old_sel = env->tr.sel;

    log_mask_printf(LOG_PCALL, "x86: task switch to %04x source %d\n", sel, source);
    if (type == 5) { /* task gate */
        if (!(hi & DESC_P_MASK))
            x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
        sel = lo >> 16;
        if ((sel & 4) || !x86_load_desc(env, sel, &lo, &hi))
            x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
        type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    }
    if ((hi & DESC_S_MASK) || (type & 5) != 1)
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (source == TASK_IRET ? !(type & 2) : (type & 2))
        x86_raise_exception_err(env, source == TASK_IRET ? EXCP_TS : EXCP_GP, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
    t32 = type & 8;
    limit = x86_desc_limit(lo, hi);
    if (limit < (t32 ? 103u : 43u))
        x86_raise_exception_err(env, EXCP_TS, sel & 0xfffc);
    base = x86_desc_base(lo, hi);
    old32 = (env->tr.flags >> (DESC_TYPE_SHIFT + 3)) & 1;

    /* Read the new state first: a fault here leaves the old task intact. */
    tss_read(env, base, t32, &t);

    old_eflags = x86_eflags(env);
    if (source == TASK_IRET)
        old_eflags &= ~NT_MASK;
    if (source == TASK_JMP || source == TASK_IRET)
        set_busy(env, old_sel, false);
    tss_save(env, env->tr.base, old32, next_rip, old_eflags);
    if (source == TASK_CALL || source == TASK_INT) {
        tss_st(env, base, 0, old_sel, 1);
        t.eflags |= NT_MASK;
    }
    if (source != TASK_IRET)
        set_busy(env, sel, true);
    env->tr = (SegCache){ .sel = sel, .base = base, .limit = limit,
                          .flags = (hi | (2 << DESC_TYPE_SHIFT)) & DESC_ATTR_MASK };
    env->cr[0] |= CR0_TS;
    task_load_state(env, &t, t32);

    if (error_code >= 0) {
        int sz = t32 ? 2 : 1;
        uint64_t mask = x86_sp_mask(env);
        uint64_t sp = (env->regs[R_ESP] - (1 << sz)) & mask;

        x86_st_lin_sz(env, (env->segs[R_SS].base + sp) & 0xffffffffULL, error_code, sz,
                      env->mmu_idx);
        env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | sp;
    }
    if (env->rip > env->segs[R_CS].limit)
        x86_raise_exception_err(env, EXCP_GP, 0);
}

void x86_check_io(CPUX86State *env, unsigned port, unsigned size)
{
    uint32_t iomap, off, bits;

    if (!(env->hflags & HF_PE))
        return;
    if (!(env->eflags & VM_MASK) && x86_cpl(env) <= x86_iopl(env))
        return;
    if (!(env->tr.flags & DESC_P_MASK) || !((env->tr.flags >> DESC_TYPE_SHIFT) & 8) ||
        env->tr.limit < 103)
        goto deny;
    iomap = x86_ldw_lin(env, (env->tr.base + 102) & env->lin_mask, MMU_SUP);
    off = iomap + port / 8;
    if (off + 1 > env->tr.limit)
        goto deny;
    bits = x86_ldw_lin(env, (env->tr.base + off) & env->lin_mask, MMU_SUP);
    if (bits & (((1u << size) - 1) << (port & 7)))
        goto deny;
    return;
deny:
    x86_raise_exception_err(env, EXCP_GP, 0);
}
