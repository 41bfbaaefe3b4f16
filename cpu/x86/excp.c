/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts: raising, double-fault rules, delivery.
 *
 * Raising records the vector and error code and siglongjmps to the exec
 * loop with rip still at the faulting instruction. Delivery goes through
 * the real-mode IVT, the protected-mode IDT (interrupt, trap and task
 * gates, with a stack switch from the TSS on a privilege change and the
 * extra segment pushes when leaving virtual-8086 mode) or the long-mode IDT
 * (16-byte gates, IST stacks). A fault during delivery is combined with the
 * first one per the double-fault table; a fault while delivering #DF is a
 * triple fault, which asks the machine for a reset.
 * Reference: Intel SDM vol. 3A, ch. 6 "Interrupt and Exception Handling"
 * (6.11-6.14 IDT, gates, procedures, 6.15 exception reference: table 6-5
 * for the double-fault conditions); ch. 20 "8086 Emulation" for v86.
 */
#include "access.h"
#include "exec.h"
#include "kemu/mainloop.h"

KEMU_NORETURN void x86_raise_exception_err(CPUX86State *env, int vector, int error_code)
{
    env->exc.vector = vector;
    env->exc.error_code = error_code;
    env->exc.soft = false;
    env->exc.icebp = false;
    siglongjmp(env->jmpbuf, 1);
}

KEMU_NORETURN void x86_raise_exception(CPUX86State *env, int vector)
{
    x86_raise_exception_err(env, vector, -1);
}

KEMU_NORETURN void x86_raise_soft_int(CPUX86State *env, int vector, bool icebp)
{
    env->exc.vector = vector;
    env->exc.error_code = -1;
    env->exc.soft = !icebp;
    env->exc.icebp = icebp;
    siglongjmp(env->jmpbuf, 1);
}

KEMU_NORETURN void x86_exit_loop(CPUX86State *env)
{
    env->exc.vector = -1;
    if (env->cur_block) {
        if (!env->block_done)
            env->icount += x86_block_progress(env);
        env->cur_block = NULL;
    }
    siglongjmp(env->jmpbuf, 1);
}

static bool excp_contributory(int v)
{
    return v == EXCP_DE || (v >= EXCP_TS && v <= EXCP_GP);
}

static bool excp_has_error_code(int v)
{
    return v == EXCP_DF || (v >= EXCP_TS && v <= EXCP_PF) || v == EXCP_AC;
}

static void triple_fault(CPUX86State *env)
{
    log_mask_printf(LOG_INT | LOG_GUEST_ERROR, "x86: triple fault\n");
    if (log_enabled(LOG_INT))
        x86_cpu_dump_state(&env->parent, log_file());
    env->in_delivery = false;
    env->parent.halted = true;
    env->parent.exit_request = 1;
    qemu_system_reset_request();
}

void x86_deliver_exception(CPUX86State *env)
{
    int vec = env->exc.vector, err = env->exc.error_code;
    bool soft = env->exc.soft;
    uint64_t next = (soft || env->exc.icebp) ? NEXT_RIP(env) : env->rip;

    env->exc.vector = -1;
    if (env->in_delivery) {
        int first = env->exc_pending_first;

        env->in_delivery = false;
        if (first == EXCP_DF) {
            triple_fault(env);
            return;
        }
        if ((excp_contributory(first) && excp_contributory(vec)) ||
            (first == EXCP_PF && (vec == EXCP_PF || excp_contributory(vec)))) {
            vec = EXCP_DF;
            err = 0;
            soft = false;
            env->exc.icebp = false;
            next = env->rip;
        }
    }
    if (err < 0 && excp_has_error_code(vec) && !soft)
        err = 0;
    if (unlikely(env->test_trap)) {
        env->test_vec = vec;
        env->test_err = err;
        env->test_stopped = true;
        env->parent.exit_request = 1;
        return;
    }
    x86_do_interrupt(env, vec, soft, err, next, false);
}

/* ---- stack frames ---- */

typedef struct Frame {
    uint64_t base, sp, mask;
    int mmu;
    bool l64;        /* linear addresses are 64-bit */
} Frame;

static void frame_push(CPUX86State *env, Frame *f, uint64_t v, int sz)
{
    uint64_t lin;

    f->sp -= 1 << sz;
    lin = f->base + (f->sp & f->mask);
    if (!f->l64)
        lin &= 0xffffffffULL;
    x86_st_lin_sz(env, lin, v, sz, f->mmu);
}

static void set_sp(CPUX86State *env, uint64_t sp, uint64_t mask)
{
    if (mask == 0xffff)
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffULL) | (sp & 0xffff);
    else if (mask == 0xffffffffULL)
        env->regs[R_ESP] = (uint32_t)sp;
    else
        env->regs[R_ESP] = sp;
}

static void log_interrupt(CPUX86State *env, int vec, bool soft, int err, bool hw)
{
    static int count;

    log_printf("%6d: v=%02x e=%04x i=%d cpl=%d IP=%04x:%016" PRIx64 " pc=%016" PRIx64
               " SP=%04x:%016" PRIx64,
               count++, vec, err < 0 ? 0 : err, soft, x86_cpl(env), env->segs[R_CS].sel,
               env->rip, (env->segs[R_CS].base + env->rip) & env->lin_mask,
               env->segs[R_SS].sel, env->regs[R_ESP]);
    if (vec == EXCP_PF)
        log_printf(" CR2=%016" PRIx64 "\n", env->cr[2]);
    else
        log_printf(" env->regs[R_EAX]=%016" PRIx64 "\n", env->regs[R_EAX]);
    if (!hw)
        x86_cpu_dump_state(&env->parent, log_file());
}

/* ---- real mode ---- */

static void interrupt_real(CPUX86State *env, int vec, uint64_t next_rip)
{
    Frame f = { .base = env->segs[R_SS].base, .sp = env->regs[R_ESP],
                .mask = x86_sp_mask(env), .mmu = MMU_SUP };
    uint64_t ent;
    uint16_t ip, cs;

    if ((uint32_t)vec * 4 + 3 > env->idt.limit)
        x86_raise_exception_err(env, EXCP_GP, vec * 8 + 2);
    ent = (env->idt.base + vec * 4) & 0xffffffffULL;
    ip = x86_ldw_lin(env, ent, MMU_SUP);
    cs = x86_ldw_lin(env, ent + 2, MMU_SUP);
    frame_push(env, &f, x86_eflags(env), 1);
    frame_push(env, &f, env->segs[R_CS].sel, 1);
    frame_push(env, &f, next_rip, 1);
    set_sp(env, f.sp, f.mask);
    env->eflags &= ~(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    x86_seg_load_real(env, R_CS, cs);
    env->rip = ip;
}

/* ---- protected mode ---- */

static void tss_stack(CPUX86State *env, int dpl, uint32_t *ss, uint32_t *esp, int ext)
{
    int shift = (env->tr.flags >> (DESC_TYPE_SHIFT + 3)) & 1;
    uint32_t idx = (dpl * 4 + 2) << shift;

    if (!(env->tr.flags & DESC_P_MASK))
        log_guest_error("x86: interrupt stack switch with an invalid TR\n");
    if (idx + (4u << shift) - 1 > env->tr.limit)
        x86_raise_exception_err(env, EXCP_TS, (env->tr.sel & 0xfffc) | ext);
    if (shift) {
        *esp = x86_ldl_lin(env, (env->tr.base + idx) & 0xffffffffULL, MMU_SUP);
        *ss = x86_ldw_lin(env, (env->tr.base + idx + 4) & 0xffffffffULL, MMU_SUP);
    } else {
        *esp = x86_ldw_lin(env, (env->tr.base + idx) & 0xffffffffULL, MMU_SUP);
        *ss = x86_ldw_lin(env, (env->tr.base + idx + 2) & 0xffffffffULL, MMU_SUP);
    }
}

/* Check the inner stack segment for a privilege change to dpl. */
static void check_inner_ss(CPUX86State *env, uint16_t ss, int dpl, int ext, uint32_t *lo,
                           uint32_t *hi)
{
    if ((ss & ~3) == 0)
        x86_raise_exception_err(env, EXCP_TS, ext);
    if ((ss & 3) != dpl || !x86_load_desc(env, ss, lo, hi))
        x86_raise_exception_err(env, EXCP_TS, (ss & 0xfffc) | ext);
    if (((*hi >> DESC_DPL_SHIFT) & 3) != (uint32_t)dpl || !(*hi & DESC_S_MASK) ||
        (*hi & DESC_CS_MASK) || !(*hi & DESC_W_MASK))
        x86_raise_exception_err(env, EXCP_TS, (ss & 0xfffc) | ext);
    if (!(*hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_SS, (ss & 0xfffc) | ext);
}

typedef struct Gate {
    uint32_t lo, hi;
    int type, dpl;
    uint16_t sel;
    uint64_t off;
} Gate;

static void read_gate(CPUX86State *env, int vec, bool soft, int ext, Gate *g, bool l64)
{
    int esz = l64 ? 16 : 8;
    uint64_t lin;

    if ((uint32_t)vec * esz + esz - 1 > env->idt.limit)
        x86_raise_exception_err(env, EXCP_GP, vec * 8 + 2 + ext);
    lin = env->idt.base + vec * esz;
    if (!l64)
        lin &= 0xffffffffULL;
    g->lo = x86_ldl_lin(env, lin, MMU_SUP);
    g->hi = x86_ldl_lin(env, lin + 4, MMU_SUP);
    g->type = (g->hi >> DESC_TYPE_SHIFT) & 0x1f;
    g->dpl = (g->hi >> DESC_DPL_SHIFT) & 3;
    g->sel = g->lo >> 16;
    g->off = (g->hi & 0xffff0000u) | (g->lo & 0xffff);
    if (l64)
        g->off |= (uint64_t)x86_ldl_lin(env, lin + 8, MMU_SUP) << 32;
    if (l64 ? (g->type != 14 && g->type != 15)
            : (g->type != 5 && g->type != 6 && g->type != 7 && g->type != 14 && g->type != 15))
        x86_raise_exception_err(env, EXCP_GP, vec * 8 + 2 + ext);
    if (soft && g->dpl < x86_cpl(env))
        x86_raise_exception_err(env, EXCP_GP, vec * 8 + 2);
    if (!(g->hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, vec * 8 + 2 + ext);
}

/* The gate's target code segment: returns its descriptor and new CPL. */
static int gate_target(CPUX86State *env, const Gate *g, int ext, uint32_t *lo, uint32_t *hi)
{
    int dpl;

    if ((g->sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, ext);
    if (!x86_load_desc(env, g->sel, lo, hi))
        x86_raise_exception_err(env, EXCP_GP, (g->sel & 0xfffc) | ext);
    dpl = (*hi >> DESC_DPL_SHIFT) & 3;
    if (!(*hi & DESC_S_MASK) || !(*hi & DESC_CS_MASK) || dpl > x86_cpl(env))
        x86_raise_exception_err(env, EXCP_GP, (g->sel & 0xfffc) | ext);
    if (!(*hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, (g->sel & 0xfffc) | ext);
    if ((*hi & DESC_C_MASK) || dpl >= x86_cpl(env))
        return x86_cpl(env);
    return dpl;
}

static void interrupt_prot(CPUX86State *env, int vec, bool soft, int err, uint64_t next_rip)
{
    int ext = soft ? 0 : 1, cpl = x86_cpl(env), new_cpl, sz;
    bool vm = env->eflags & VM_MASK;
    Gate g;
    uint32_t clo, chi, slo = 0, shi = 0, new_ss = 0, new_esp = 0;
    Frame f;
    uint32_t eflags = x86_eflags(env);

    read_gate(env, vec, soft, ext, &g, false);
    if (g.type == 5) {
        uint32_t tlo, thi;

        if (!x86_load_desc(env, g.sel, &tlo, &thi) || (g.sel & 4))
            x86_raise_exception_err(env, EXCP_GP, (g.sel & 0xfffc) | ext);
        x86_task_switch(env, g.sel, tlo, thi, TASK_INT, next_rip, err);
        return;
    }
    sz = (g.type & 8) ? 2 : 1;
    new_cpl = gate_target(env, &g, ext, &clo, &chi);
    if (new_cpl < cpl) {
        if (vm && new_cpl != 0)
            x86_raise_exception_err(env, EXCP_GP, (g.sel & 0xfffc) | ext);
        tss_stack(env, new_cpl, &new_ss, &new_esp, ext);
        check_inner_ss(env, new_ss, new_cpl, ext, &slo, &shi);
        f = (Frame){ .base = x86_desc_base(slo, shi), .sp = new_esp,
                     .mask = (shi & DESC_B_MASK) ? 0xffffffffULL : 0xffff, .mmu = MMU_SUP };
    } else {
        if (vm)
            x86_raise_exception_err(env, EXCP_GP, (g.sel & 0xfffc) | ext);
        f = (Frame){ .base = env->segs[R_SS].base, .sp = env->regs[R_ESP],
                     .mask = x86_sp_mask(env), .mmu = new_cpl == 3 ? MMU_USER : MMU_SUP };
    }
    if (vm) {
        frame_push(env, &f, env->segs[R_GS].sel, sz);
        frame_push(env, &f, env->segs[R_FS].sel, sz);
        frame_push(env, &f, env->segs[R_DS].sel, sz);
        frame_push(env, &f, env->segs[R_ES].sel, sz);
    }
    if (new_cpl < cpl) {
        frame_push(env, &f, env->segs[R_SS].sel, sz);
        frame_push(env, &f, env->regs[R_ESP], sz);
    }
    frame_push(env, &f, eflags, sz);
    frame_push(env, &f, env->segs[R_CS].sel, sz);
    frame_push(env, &f, next_rip, sz);
    if (err >= 0)
        frame_push(env, &f, err, sz);

    /* commit */
    if (new_cpl < cpl) {
        x86_set_cpl(env, new_cpl);
        x86_desc_set_accessed(env, new_ss, shi);
        x86_seg_set_cache(env, R_SS, (new_ss & ~3) | new_cpl, x86_desc_base(slo, shi),
                          x86_desc_limit(slo, shi), (shi | DESC_A_MASK) & DESC_ATTR_MASK);
    }
    set_sp(env, f.sp, f.mask);
    if (vm) {
        for (int s = R_ES; s <= R_GS; s++) {
            if (s != R_CS && s != R_SS)
                x86_seg_set_cache(env, s, 0, 0, 0, 0);
        }
    }
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    if (!(g.type & 1))
        env->eflags &= ~IF_MASK;
    x86_desc_set_accessed(env, g.sel, chi);
    x86_set_cpl(env, new_cpl);
    x86_seg_set_cache(env, R_CS, (g.sel & 0xfffc) | new_cpl, x86_desc_base(clo, chi),
                      x86_desc_limit(clo, chi), (chi | DESC_A_MASK) & DESC_ATTR_MASK);
    env->rip = sz == 1 ? g.off & 0xffff : g.off;
}

/* ---- long mode ---- */

static uint64_t tss64_read(CPUX86State *env, uint32_t off)
{
    if (off + 7 > env->tr.limit)
        x86_raise_exception_err(env, EXCP_TS, env->tr.sel & 0xfffc);
    return x86_ldq_lin(env, env->tr.base + off, MMU_SUP);
}

static void interrupt_long(CPUX86State *env, int vec, bool soft, int err, uint64_t next_rip)
{
    int ext = soft ? 0 : 1, cpl = x86_cpl(env), new_cpl, ist;
    Gate g;
    uint32_t clo, chi;
    Frame f = { .mask = ~0ULL, .mmu = MMU_SUP, .l64 = true };
    uint64_t old_ss = env->segs[R_SS].sel, old_rsp = env->regs[R_ESP];
    uint32_t eflags = x86_eflags(env);

    read_gate(env, vec, soft, ext, &g, true);
    new_cpl = gate_target(env, &g, ext, &clo, &chi);
    if (!(chi & DESC_L_MASK) || (chi & DESC_B_MASK))
        x86_raise_exception_err(env, EXCP_GP, (g.sel & 0xfffc) | ext);
    ist = g.hi & 7;
    if (ist)
        f.sp = tss64_read(env, 36 + (ist - 1) * 8);
    else if (new_cpl < cpl)
        f.sp = tss64_read(env, 4 + new_cpl * 8);
    else
        f.sp = env->regs[R_ESP];
    f.sp &= ~0xfULL;
    frame_push(env, &f, old_ss, 3);
    frame_push(env, &f, old_rsp, 3);
    frame_push(env, &f, eflags, 3);
    frame_push(env, &f, env->segs[R_CS].sel, 3);
    frame_push(env, &f, next_rip, 3);
    if (err >= 0)
        frame_push(env, &f, err, 3);

    if (new_cpl < cpl) {
        x86_set_cpl(env, new_cpl);
        x86_seg_set_cache(env, R_SS, new_cpl, 0, 0,
                          DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | (new_cpl << DESC_DPL_SHIFT));
    }
    env->regs[R_ESP] = f.sp;
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    if (!(g.type & 1))
        env->eflags &= ~IF_MASK;
    x86_set_cpl(env, new_cpl);
    x86_seg_set_cache(env, R_CS, (g.sel & 0xfffc) | new_cpl, x86_desc_base(clo, chi),
                      x86_desc_limit(clo, chi), (chi | DESC_A_MASK) & DESC_ATTR_MASK);
    env->rip = g.off;
}

/* ---- v86 software interrupts ---- */

/* INT n in virtual-8086 mode with CR4.VME: redirect through the v86 IVT
 * when the TSS redirection bitmap bit is clear (SDM 20.3.3.5 method 5/6).
 * Returns true if handled. */
static bool vme_redirect(CPUX86State *env, int vec, uint64_t next_rip)
{
    uint32_t iomap, bit;
    Frame f;
    uint32_t fl;
    uint16_t ip, cs;

    if (!(env->cr[4] & CR4_VME))
        return false;
    if (env->tr.limit < 0x67)
        x86_raise_exception_err(env, EXCP_GP, 0);
    iomap = x86_ldw_lin(env, (env->tr.base + 0x66) & 0xffffffffULL, MMU_SUP);
    if (iomap < 32 || iomap - 32 + vec / 8 > env->tr.limit)
        x86_raise_exception_err(env, EXCP_GP, 0);
    bit = x86_ldb_lin(env, (env->tr.base + iomap - 32 + vec / 8) & 0xffffffffULL, MMU_SUP);
    if (bit & (1 << (vec & 7)))
        return false;
    f = (Frame){ .base = env->segs[R_SS].base, .sp = env->regs[R_ESP], .mask = 0xffff,
                 .mmu = MMU_USER };
    fl = x86_eflags(env);
    if (x86_iopl(env) < 3)
        fl = (fl & ~IF_MASK) | ((fl & VIF_MASK) ? IF_MASK : 0) | IOPL_MASK;
    ip = x86_ldw_lin(env, vec * 4, MMU_USER);
    cs = x86_ldw_lin(env, vec * 4 + 2, MMU_USER);
    frame_push(env, &f, fl, 1);
    frame_push(env, &f, env->segs[R_CS].sel, 1);
    frame_push(env, &f, next_rip, 1);
    set_sp(env, f.sp, 0xffff);
    if (x86_iopl(env) < 3)
        env->eflags &= ~VIF_MASK;
    else
        env->eflags &= ~IF_MASK;
    env->eflags &= ~(TF_MASK | RF_MASK);
    x86_seg_load_real(env, R_CS, cs);
    env->rip = ip;
    return true;
}

void x86_do_interrupt(CPUX86State *env, int vec, bool soft, int err, uint64_t next_rip,
                      bool hw)
{
    if (log_enabled(LOG_INT))
        log_interrupt(env, vec, soft, err, hw);
    if (env->test_vec < 0) {
        env->test_vec = vec;
        env->test_err = err;
    }
    env->in_delivery = true;
    env->exc_pending_first = (soft || hw) ? -1 : vec;
    if (!(env->hflags & HF_PE)) {
        interrupt_real(env, vec, next_rip);
    } else if (env->hflags & HF_LMA) {
        interrupt_long(env, vec, soft, err, next_rip);
    } else {
        if (soft && (env->eflags & VM_MASK) && !env->exc.icebp) {
            if (vme_redirect(env, vec, next_rip))
                goto done;
            if (x86_iopl(env) < 3)
                x86_raise_exception_err(env, EXCP_GP, 0);
        }
        interrupt_prot(env, vec, soft, err, next_rip);
    }
done:
    env->in_delivery = false;
    env->exc_pending_first = -1;
}
