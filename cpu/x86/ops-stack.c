/* SPDX-License-Identifier: MIT */
/*
 * Stack instructions: PUSH/POP (registers, immediates, memory, segment
 * registers), PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE.
 *
 * Pushing a segment register with a 32-bit operand size writes only the
 * low 16 bits of the slot, as recent Intel processors do. POPF changes IF
 * and IOPL only as privilege allows, and in virtual-8086 mode needs IOPL 3
 * (or CR4.VME, which works on VIF). POP SS inhibits interrupts for one
 * instruction.
 * Reference: Intel SDM vol. 2, PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER,
 * LEAVE; vol. 3A 20.2.7 (v86 sensitive instructions).
 */
#include "ops.h"

ALWAYS_INLINE void push_r(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_push(env, reg_read(env, d->reg, sz), sz);
}
X86_GEN4(hs_push_r, push_r);

ALWAYS_INLINE void pop_r(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t v = x86_stack_peek(env, sz, 0);

    x86_stack_adjust(env, 1 << sz);
    reg_write(env, d->reg, sz, v);
}
X86_GEN4(hs_pop_r, pop_r);

ALWAYS_INLINE void push_i(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_push(env, d->imm, sz);
}
X86_GEN4(hs_push_i, push_i);

ALWAYS_INLINE void push_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    x86_push(env, rm_load(env, d, sz, mem), sz);
}
X86_GEN8(hs_push_e, push_e);

ALWAYS_INLINE void pop_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = x86_stack_peek(env, sz, 0), old = env->regs[R_ESP], ea;

    if (!mem) {
        x86_stack_adjust(env, 1 << sz);
        reg_write(env, d->rm, sz, v);
        return;
    }
    /* The address uses the incremented stack pointer. */
    x86_stack_adjust(env, 1 << sz);
    ea = x86_ea(env, d);
    env->regs[R_ESP] = old;
    x86_st_sz(env, d->seg, ea, v, sz);
    x86_stack_adjust(env, 1 << sz);
}
X86_GEN8(hs_pop_e, pop_e);

/* Segment register in bits 3-5 of the opcode (06 0E 16 1E, 0F A0 A8). */
static int sreg_of(const DecodedInsn *d)
{
    return d->map == 1 ? (d->op == 0xa0 || d->op == 0xa1 ? R_FS : R_GS) : (d->op >> 3) & 3;
}

ALWAYS_INLINE void push_sreg(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t mask = x86_sp_mask(env);
    uint64_t sp = (env->regs[R_ESP] - (1 << sz)) & mask;

    x86_stw(env, R_SS, sp, env->segs[sreg_of(d)].sel);
    set_esp(env, sp, mask);
}
X86_GEN4(hs_push_sreg, push_sreg);

ALWAYS_INLINE void pop_sreg(CPUX86State *env, const DecodedInsn *d, int sz)
{
    int seg = sreg_of(d);
    uint16_t sel = x86_stack_peek(env, 1, 0);

    x86_seg_load(env, seg, sel);
    x86_stack_adjust(env, 1 << sz);
    if (seg == R_SS)
        env->hflags |= HF_INHIBIT_IRQ;
}
X86_GEN4(hs_pop_sreg, pop_sreg);

ALWAYS_INLINE void pusha(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t mask = x86_sp_mask(env), sp = env->regs[R_ESP];

    for (int r = 0; r < 8; r++) {
        sp = (sp - (1 << sz)) & mask;
        x86_st_sz(env, R_SS, sp, reg_read(env, r * 8, sz), sz);
    }
    set_esp(env, sp, mask);
}
X86_GEN4(hs_pusha, pusha);

ALWAYS_INLINE void popa(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t mask = x86_sp_mask(env), sp = env->regs[R_ESP], v[8];

    for (int r = 7; r >= 0; r--) {
        v[r] = x86_ld_sz(env, R_SS, sp & mask, sz);
        sp += 1 << sz;
    }
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP)
            reg_write(env, r * 8, sz, v[r]);
    }
    set_esp(env, sp, mask);
}
X86_GEN4(hs_popa, popa);

/* ---- flags ---- */

ALWAYS_INLINE void pushf(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint32_t fl = x86_eflags(env) & ~(VM_MASK | RF_MASK);

    if ((env->eflags & VM_MASK) && x86_iopl(env) < 3) {
        if (!(env->cr[4] & CR4_VME) || sz != 1)
            x86_raise_exception_err(env, EXCP_GP, 0);
        fl = (fl & ~IF_MASK) | ((env->eflags & VIF_MASK) ? IF_MASK : 0) | IOPL_MASK;
    }
    x86_push(env, fl, sz);
}
X86_GEN4(hs_pushf, pushf);

ALWAYS_INLINE void popf(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint32_t mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;
    int cpl = x86_cpl(env);
    uint32_t v;

    if (env->eflags & VM_MASK) {
        if (x86_iopl(env) < 3) {
            if (!(env->cr[4] & CR4_VME) || sz != 1)
                x86_raise_exception_err(env, EXCP_GP, 0);
            v = x86_stack_peek(env, 1, 0);
            if ((v & TF_MASK) || ((v & IF_MASK) && (env->eflags & VIP_MASK)))
                x86_raise_exception_err(env, EXCP_GP, 0);
            x86_stack_adjust(env, 2);
            x86_set_eflags(env, v, mask & 0xffff);
            env->eflags = (env->eflags & ~VIF_MASK) | ((v & IF_MASK) ? VIF_MASK : 0);
            return;
        }
        mask |= IF_MASK;
    } else if (cpl == 0 || !(env->hflags & HF_PE)) {
        mask |= IF_MASK | IOPL_MASK;
    } else if (cpl <= x86_iopl(env)) {
        mask |= IF_MASK;
    }
    v = x86_stack_peek(env, sz, 0);
    x86_stack_adjust(env, 1 << sz);
    if (sz == 1)
        mask &= 0xffff;
    x86_set_eflags(env, v, mask);
    env->eflags &= ~RF_MASK;
}
X86_GEN4(hs_popf, popf);

/* ---- ENTER / LEAVE ---- */

ALWAYS_INLINE void enter(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t mask = x86_sp_mask(env);
    unsigned level = d->imm2 & 31, bytes = 1u << sz;
    uint64_t sp = env->regs[R_ESP], bp = env->regs[R_EBP], frame;

    sp = (sp - bytes) & mask;
    x86_st_sz(env, R_SS, sp, bp, sz);
    frame = sp;
    if (level) {
        for (unsigned i = 1; i < level; i++) {
            uint64_t v;

            bp = (bp - bytes) & mask;
            v = x86_ld_sz(env, R_SS, bp, sz);
            sp = (sp - bytes) & mask;
            x86_st_sz(env, R_SS, sp, v, sz);
        }
        sp = (sp - bytes) & mask;
        x86_st_sz(env, R_SS, sp, frame, sz);
    }
    sp = (sp - d->imm) & mask;
    /* After the pushes, the host probes the new stack top for writing. */
    x86_rmw_ptr(env, x86_lin(env, R_SS, sp, 1, ACC_WRITE), 1);
    reg_write(env, R_EBP * 8, sz, frame);
    set_esp(env, sp, mask);
}
X86_GEN4(hs_enter, enter);

ALWAYS_INLINE void leave(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t mask = x86_sp_mask(env);
    uint64_t bp = env->regs[R_EBP] & mask;
    uint64_t v = x86_ld_sz(env, R_SS, bp, sz);

    set_esp(env, bp + (1 << sz), mask);
    reg_write(env, R_EBP * 8, sz, v);
}
X86_GEN4(hs_leave, leave);
