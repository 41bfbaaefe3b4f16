/* SPDX-License-Identifier: MIT */
/*
 * System instructions: HLT, CLI/STI, CPUID, RDTSC(P), RDMSR/WRMSR, RDPMC,
 * MOV to/from control and debug registers, CLTS, INVLPG, INVD/WBINVD,
 * SYSENTER/SYSEXIT/SYSCALL/SYSRET, SWAPGS, RDFSBASE/WRFSBASE and the GS
 * forms, MONITOR/MWAIT, UD0-2, RSM, RDRAND/RDSEED/RDPID, cache and fence
 * hints.
 *
 * CLI/STI follow IOPL, and CR4.VME/PVI for VIF. STI opens the interrupt
 * shadow when it sets IF. Control register writes validate reserved bits
 * and mode combinations (#GP) and end the current block, since they can
 * change how the following code is decoded or translated.
 * Reference: Intel SDM vol. 2 for each instruction; vol. 3A 2.5 (control
 * registers), 17.2 (debug registers), 20.4 (VME).
 */
#include <sys/random.h>

#include "ops.h"

static HANDLER(hlt)
{
    need_cpl0(env);
    env->parent.halted = true;
}
X86_GEN1(hs_hlt, hlt);

static HANDLER(cli)
{
    if (!(env->hflags & HF_PE) || x86_iopl(env) >= (x86_is_vm86(env) ? 3 : x86_cpl(env))) {
        env->eflags &= ~IF_MASK;
        return;
    }
    if ((x86_is_vm86(env) && (env->cr[4] & CR4_VME)) ||
        (!x86_is_vm86(env) && x86_cpl(env) == 3 && (env->cr[4] & CR4_PVI))) {
        env->eflags &= ~VIF_MASK;
        return;
    }
    x86_raise_exception_err(env, EXCP_GP, 0);
}
X86_GEN1(hs_cli, cli);

static HANDLER(sti)
{
    if (!(env->hflags & HF_PE) || x86_iopl(env) >= (x86_is_vm86(env) ? 3 : x86_cpl(env))) {
        if (!(env->eflags & IF_MASK))
            env->hflags |= HF_INHIBIT_IRQ;
        env->eflags |= IF_MASK;
        return;
    }
    if (((x86_is_vm86(env) && (env->cr[4] & CR4_VME)) ||
         (!x86_is_vm86(env) && x86_cpl(env) == 3 && (env->cr[4] & CR4_PVI))) &&
        !(env->eflags & VIP_MASK)) {
        env->eflags |= VIF_MASK;
        return;
    }
    x86_raise_exception_err(env, EXCP_GP, 0);
}
X86_GEN1(hs_sti, sti);

static HANDLER(cpuid)
{
    uint32_t a, b, c, dd;

    x86_cpuid(env, env->regs[R_EAX], env->regs[R_ECX], &a, &b, &c, &dd);
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = dd;
}
X86_GEN1(hs_cpuid, cpuid);

static void tsc_check(CPUX86State *env)
{
    if ((env->cr[4] & CR4_TSD) && x86_cpl(env) != 0 && (env->hflags & HF_PE))
        x86_raise_exception_err(env, EXCP_GP, 0);
}

static HANDLER(rdtsc)
{
    uint64_t t;

    tsc_check(env);
    t = x86_tsc_read(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = t >> 32;
}
X86_GEN1(hs_rdtsc, rdtsc);

static HANDLER(rdtscp)
{
    rdtsc(env, d);
    env->regs[R_ECX] = (uint32_t)env->tsc_aux;
}
X86_GEN1(hs_rdtscp, rdtscp);

static HANDLER(rdmsr)
{
    uint64_t v;

    need_cpl0(env);
    if (!x86_msr_read(env, env->regs[R_ECX], &v))
        x86_raise_exception_err(env, EXCP_GP, 0);
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
}
X86_GEN1(hs_rdmsr, rdmsr);

static HANDLER(wrmsr)
{
    uint64_t v = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];

    need_cpl0(env);
    if (!x86_msr_write(env, env->regs[R_ECX], v))
        x86_raise_exception_err(env, EXCP_GP, 0);
}
X86_GEN1(hs_wrmsr, wrmsr);

static HANDLER(rdpmc)
{
    if (!(env->cr[4] & CR4_PCE) && x86_cpl(env) != 0 && (env->hflags & HF_PE))
        x86_raise_exception_err(env, EXCP_GP, 0);
    if ((uint32_t)env->regs[R_ECX] > 1)
        x86_raise_exception_err(env, EXCP_GP, 0);
    env->regs[R_EAX] = 0;
    env->regs[R_EDX] = 0;
}
X86_GEN1(hs_rdpmc, rdpmc);

/* ---- control registers ---- */

static uint64_t cr4_valid_bits(CPUX86State *env)
{
    uint64_t v = CR4_TSD | CR4_DE | CR4_MCE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

    if (x86_has(env, FEAT_1_EDX, CPUID_VME))
        v |= CR4_VME | CR4_PVI;
    if (x86_has(env, FEAT_1_EDX, CPUID_PSE))
        v |= CR4_PSE;
    if (x86_has(env, FEAT_1_EDX, CPUID_PAE))
        v |= CR4_PAE;
    if (x86_has(env, FEAT_1_EDX, CPUID_PGE))
        v |= CR4_PGE;
    if (x86_has(env, FEAT_7_0_EBX, 1u << 7))
        v |= CR4_SMEP;
    if (x86_has(env, FEAT_7_0_ECX, 1u << 2))
        v |= CR4_UMIP;
    if (x86_has(env, FEAT_7_0_EBX, 1u << 0))
        v |= CR4_FSGSBASE;
    if (x86_has(env, FEAT_1_ECX, 1u << 26))
        v |= CR4_OSXSAVE;
    return v;
}

static void write_cr0(CPUX86State *env, uint64_t v)
{
    if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
        x86_raise_exception_err(env, EXCP_GP, 0);
    if ((v & CR0_PG) && !(env->cr[0] & CR0_PG) && (env->efer & EFER_LME) &&
        (!(env->cr[4] & CR4_PAE) || (env->segs[R_CS].flags & DESC_L_MASK)))
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (!(v & CR0_PG) && (env->hflags & HF_CS64))
        x86_raise_exception_err(env, EXCP_GP, 0);
    x86_update_cr0(env, v);
}

static void write_cr4(CPUX86State *env, uint64_t v)
{
    if (v & ~cr4_valid_bits(env))
        x86_raise_exception_err(env, EXCP_GP, 0);
    if ((env->hflags & HF_LMA) && !(v & CR4_PAE))
        x86_raise_exception_err(env, EXCP_GP, 0);
    x86_update_cr4(env, v);
}

static HANDLER(mov_cr_store)   /* MOV CRn, reg */
{
    int cr = d->regn;
    uint64_t v = env->regs[d->rmn];

    need_cpl0(env);
    if (!(env->hflags & HF_CS64))
        v = (uint32_t)v;
    switch (cr) {
    case 0:
        write_cr0(env, v);
        break;
    case 2:
        env->cr[2] = v;
        break;
    case 3:
        if ((env->hflags & HF_LMA) && (v >> 52))
            x86_raise_exception_err(env, EXCP_GP, 0);
        x86_update_cr3(env, v);
        break;
    case 4:
        write_cr4(env, v);
        break;
    case 8:
        if (v & ~0xfULL)
            x86_raise_exception_err(env, EXCP_GP, 0);
        env->cr[8] = v;
        if (env->apic && env->apic->set_tpr)
            env->apic->set_tpr(env->apic_opaque, v);
        break;
    default:
        x86_raise_exception(env, EXCP_UD);
    }
}

static HANDLER(mov_cr_load)    /* MOV reg, CRn */
{
    int cr = d->regn;
    uint64_t v;

    need_cpl0(env);
    switch (cr) {
    case 0: case 2: case 3: case 4:
        v = env->cr[cr];
        break;
    case 8:
        v = env->apic && env->apic->get_tpr ? env->apic->get_tpr(env->apic_opaque) : env->cr[8];
        break;
    default:
        x86_raise_exception(env, EXCP_UD);
    }
    env->regs[d->rmn] = (env->hflags & HF_CS64) ? v : (uint32_t)v;
}
X86_GEN1(hs_mov_cr_store, mov_cr_store);
X86_GEN1(hs_mov_cr_load, mov_cr_load);

/* ---- debug registers ---- */

static int dr_index(CPUX86State *env, int dr)
{
    if (dr > 7)
        x86_raise_exception(env, EXCP_UD);
    if (dr == 4 || dr == 5) {
        if (env->cr[4] & CR4_DE)
            x86_raise_exception(env, EXCP_UD);
        dr += 2;
    }
    if (env->dr[7] & 0x2000) { /* GD: general detect */
        env->dr[6] |= 0x2000;
        x86_raise_exception(env, EXCP_DB);
    }
    return dr;
}

static HANDLER(mov_dr_store)
{
    int dr;
    uint64_t v = env->regs[d->rmn];

    need_cpl0(env);
    dr = dr_index(env, d->regn);
    if (!(env->hflags & HF_CS64))
        v = (uint32_t)v;
    if (dr == 6)
        v = (v & 0xf00f) | 0xffff0ff0;
    else if (dr == 7) {
        v = (v & 0xffff2bff) | 0x400;
        if (v & 0xff)
            log_unimp("x86: hardware breakpoints (DR7=%#" PRIx64 ") not implemented\n", v);
    }
    env->dr[dr] = v;
}

static HANDLER(mov_dr_load)
{
    int dr;

    need_cpl0(env);
    dr = dr_index(env, d->regn);
    env->regs[d->rmn] = (env->hflags & HF_CS64) ? env->dr[dr] : (uint32_t)env->dr[dr];
}
X86_GEN1(hs_mov_dr_store, mov_dr_store);
X86_GEN1(hs_mov_dr_load, mov_dr_load);

static HANDLER(clts)
{
    need_cpl0(env);
    env->cr[0] &= ~CR0_TS;
}
X86_GEN1(hs_clts, clts);

static HANDLER(invlpg)
{
    uint64_t ea = x86_ea(env, d);

    need_cpl0(env);
    x86_tlb_flush_page(env, (env->segs[d->seg].base + ea) & env->lin_mask);
}
X86_GEN1_MEM(hs_invlpg, invlpg);

static HANDLER(invd)
{
    need_cpl0(env);
}
X86_GEN1(hs_invd, invd);
X86_GEN1(hs_wbinvd, invd);

/* ---- fast system calls ---- */

static HANDLER(sysenter)
{
    x86_sysenter(env);
}
X86_GEN1(hs_sysenter, sysenter);

ALWAYS_INLINE void sysexit(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_sysexit(env, sz);
}
X86_GEN4(hs_sysexit, sysexit);

static HANDLER(syscall)
{
    x86_syscall(env);
}
X86_GEN1(hs_syscall, syscall);

ALWAYS_INLINE void sysret(CPUX86State *env, const DecodedInsn *d, int sz)
{
    x86_sysret(env, sz);
}
X86_GEN4(hs_sysret, sysret);

static HANDLER(swapgs)
{
    uint64_t t;

    if (!(env->hflags & HF_CS64))
        x86_raise_exception(env, EXCP_UD);
    need_cpl0(env);
    t = env->segs[R_GS].base;
    x86_seg_set_base(env, R_GS, env->kernel_gs_base);
    env->kernel_gs_base = t;
}
X86_GEN1(hs_swapgs, swapgs);

/* ---- misc ---- */

HANDLER(x86_op_ud)
{
    log_mask_printf(LOG_UNIMP | LOG_GUEST_ERROR,
                    "x86: #UD at %04x:%08" PRIx64 " (map %d opcode %02x modrm %02x)\n",
                    env->segs[R_CS].sel, env->rip, d->map, d->op, d->modrm);
    x86_raise_exception(env, EXCP_UD);
}
X86_GEN1(hs_ud, x86_op_ud);

HANDLER(x86_op_gp0)
{
    x86_raise_exception_err(env, EXCP_GP, 0);
}

static HANDLER(rsm)
{
    x86_raise_exception(env, EXCP_UD);
}
X86_GEN1(hs_rsm, rsm);

static HANDLER(monitor)
{
    need_cpl0(env);
}
X86_GEN1(hs_monitor, monitor);

static HANDLER(mwait)
{
    need_cpl0(env);
    /* Behaves like a NOP: an interrupt or store would wake it anyway. */
}
X86_GEN1(hs_mwait, mwait);

/* CLFLUSH, CLFLUSHOPT, CLWB: no cache to act on, but the address must be
 * valid: segment checks as a one-byte read and a translation (#PF). */
void x86_cache_line_check(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t lin = x86_lin(env, d->seg, x86_ea(env, d), 1, ACC_READ);

    if (!tlb_hit(env, lin, 1, ACC_READ, env->mmu_idx))
        x86_tlb_fill(env, lin, ACC_READ, env->mmu_idx, true);
}

/* 0F AE /7: CLFLUSH, or with 66 CLFLUSHOPT */
static HANDLER(clflush)
{
    if ((d->flags & DI_OPSIZE) ? !x86_has(env, FEAT_7_0_EBX, CPUID_7_0_EBX_CLFLUSHOPT)
                               : !x86_has(env, FEAT_1_EDX, CPUID_CLFLUSH))
        x86_raise_exception(env, EXCP_UD);
    x86_cache_line_check(env, d);
}
X86_GEN1_MEM(hs_clflush, clflush);

/* 0F AE E8/F0/F8: LFENCE, MFENCE (SSE2), SFENCE (SSE or AMD MMX
 * extensions). Memory accesses are in order already. */
static HANDLER(fence)
{
    bool ok = ((d->modrm >> 3) & 7) == 7
                  ? x86_has(env, FEAT_1_EDX, CPUID_SSE) ||
                        x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_MMXEXT)
                  : x86_has(env, FEAT_1_EDX, CPUID_SSE2);

    if (!ok || (d->flags & DI_OPSIZE) || d->rep)
        x86_raise_exception(env, EXCP_UD);
}
X86_GEN1_REG(hs_fence, fence);

/* F3 0F AE /0-/3 (register): RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE. */
static HANDLER(fsgsbase)
{
    int op = (d->modrm >> 3) & 7, seg = (op & 1) ? R_GS : R_FS;
    int sz = (d->flags & DI_REXW) ? 3 : 2;
    uint64_t v;

    if (d->rep != REP_Z || !(env->hflags & HF_CS64) || !(env->cr[4] & CR4_FSGSBASE))
        x86_raise_exception(env, EXCP_UD);
    if (op < 2) {
        reg_write(env, reg_off(d->rmn), sz, env->segs[seg].base);
        return;
    }
    v = reg_read(env, reg_off(d->rmn), sz);
    if ((uint64_t)((int64_t)(v << 16) >> 16) != v)
        x86_raise_exception_err(env, EXCP_GP, 0);
    x86_seg_set_base(env, seg, v);
}
X86_GEN1_REG(hs_fsgsbase, fsgsbase);

/* ---- random numbers ---- */

/* RDRAND/RDSEED: host entropy (getrandom); CF = 1 when the value is
 * valid, OF SF ZF AF PF = 0 (SDM vol. 2 RDRAND). */
static void rand_to_reg(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t v = 0;
    int sz = d->osize;
    bool ok = getrandom(&v, 1u << sz, GRND_NONBLOCK) == (ssize_t)(1u << sz);

    reg_write(env, reg_off(d->rmn), sz, ok ? v : 0);
    set_flags_eager(env, ok ? CC_C : 0);
}

/* 0F C7 /6 (register): RDRAND */
static HANDLER(rdrand)
{
    if (!x86_has(env, FEAT_1_ECX, CPUID_EXT_RDRAND) || d->rep)
        x86_raise_exception(env, EXCP_UD);
    rand_to_reg(env, d);
}
X86_GEN1_REG(hs_rdrand, rdrand);

/* 0F C7 /7 (register): RDSEED, or with F3 RDPID (TSC_AUX, 64 bits in
 * 64-bit mode) */
static HANDLER(rdseed)
{
    if (d->rep == REP_Z) {
        if (!x86_has(env, FEAT_7_0_ECX, CPUID_7_0_ECX_RDPID))
            x86_raise_exception(env, EXCP_UD);
        reg_write(env, reg_off(d->rmn), (env->hflags & HF_CS64) ? 3 : 2,
                  (uint32_t)env->tsc_aux);
        return;
    }
    if (!x86_has(env, FEAT_7_0_EBX, CPUID_7_0_EBX_RDSEED) || d->rep)
        x86_raise_exception(env, EXCP_UD);
    rand_to_reg(env, d);
}
X86_GEN1_REG(hs_rdseed, rdseed);

/* 0F 01 with mod = 3, reg = 1: C8 MONITOR, C9 MWAIT. */
static HANDLER(grp7_c8)
{
    if (!x86_has(env, FEAT_1_ECX, 1u << 3))
        x86_raise_exception(env, EXCP_UD);
    if (d->modrm == 0xc8)
        monitor(env, d);
    else if (d->modrm == 0xc9)
        mwait(env, d);
    else
        x86_op_ud(env, d);
}
X86_GEN1(hs_grp7_c8, grp7_c8);

/* 0F 01 with mod = 3, reg = 7: F8 SWAPGS, F9 RDTSCP. */
static HANDLER(grp7_f8)
{
    if (d->modrm == 0xf8)
        swapgs(env, d);
    else if (d->modrm == 0xf9 && x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_RDTSCP))
        rdtscp(env, d);
    else
        x86_op_ud(env, d);
}
X86_GEN1(hs_grp7_f8, grp7_f8);
