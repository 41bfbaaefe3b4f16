/* SPDX-License-Identifier: MIT */
/*
 * Model-specific registers (RDMSR/WRMSR).
 *
 * TSC, APIC base (forwarded to the local APIC when one is attached), MTRRs
 * (capabilities, fixed, variable, default type), PAT, SYSENTER, the
 * long-mode and syscall MSRs, machine-check banks, MISC_ENABLE, TSC_AUX.
 * As QEMU's TCG does, unknown MSRs read as 0 and ignore writes (logged as
 * unimplemented) instead of raising #GP; invalid values written to known
 * MSRs (reserved EFER bits, non-canonical bases) do raise #GP.
 * Reference: Intel SDM vol. 4 "Model-Specific Registers", vol. 3A 11.11
 * "Memory Type Range Registers", 11.12 "PAT".
 */
#include "cpu.h"

enum {
    MSR_TSC = 0x10,
    MSR_APIC_BASE = 0x1b,
    MSR_FEATURE_CONTROL = 0x3a,
    MSR_TSC_ADJUST = 0x3b,
    MSR_TSC_DEADLINE = 0x6e0,
    MSR_BIOS_SIGN_ID = 0x8b,
    MSR_MTRRCAP = 0xfe,
    MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175,
    MSR_SYSENTER_EIP = 0x176,
    MSR_MCG_CAP = 0x179,
    MSR_MCG_STATUS = 0x17a,
    MSR_MCG_CTL = 0x17b,
    MSR_MISC_ENABLE = 0x1a0,
    MSR_MTRR_PHYSBASE0 = 0x200,
    MSR_MTRR_FIX64K = 0x250,
    MSR_MTRR_FIX16K_80000 = 0x258,
    MSR_MTRR_FIX16K_A0000 = 0x259,
    MSR_MTRR_FIX4K_C0000 = 0x268,
    MSR_MTRR_FIX4K_F8000 = 0x26f,
    MSR_PAT = 0x277,
    MSR_MTRR_DEF_TYPE = 0x2ff,
    MSR_MC0_CTL = 0x400,
    MSR_EFER = 0xc0000080,
    MSR_STAR = 0xc0000081,
    MSR_LSTAR = 0xc0000082,
    MSR_CSTAR = 0xc0000083,
    MSR_FMASK = 0xc0000084,
    MSR_FS_BASE = 0xc0000100,
    MSR_GS_BASE = 0xc0000101,
    MSR_KERNEL_GS_BASE = 0xc0000102,
    MSR_TSC_AUX = 0xc0000103,
};

#define MTRRCAP_VALUE (MSR_MTRR_VAR_COUNT | (1 << 8) | (1 << 10)) /* VCNT, FIX, WC */
#define MCG_CAP_VALUE (0x0100010aULL)                                 /* 10 banks, CTL_P, SER_P */
#define MCE_BANKS 10

void x86_msr_reset(CPUX86State *env)
{
    env->tsc_offset = 0;
    env->apic_base = 0xfee00000ULL | (env->parent.index == 0 ? 0x100 : 0) | 0x800;
    env->mtrr_def_type = 0;
    memset(env->mtrr_fixed, 0, sizeof(env->mtrr_fixed));
    memset(env->mtrr_var_base, 0, sizeof(env->mtrr_var_base));
    memset(env->mtrr_var_mask, 0, sizeof(env->mtrr_var_mask));
    env->pat = 0x0007040600070406ULL;
    env->sysenter_cs = env->sysenter_esp = env->sysenter_eip = 0;
    env->star = env->lstar = env->cstar = env->fmask = env->kernel_gs_base = 0;
    env->tsc_aux = 0;
    env->misc_enable = 1; /* fast strings */
    env->mcg_status = 0;
    env->mcg_ctl = ~0ULL;
    for (int i = 0; i < MCE_BANKS; i++) {
        env->mc_bank[i * 4] = ~0ULL;
        env->mc_bank[i * 4 + 1] = env->mc_bank[i * 4 + 2] = env->mc_bank[i * 4 + 3] = 0;
    }
    env->tsc_adjust = 0;
}

static bool canonical(uint64_t v) { return (int64_t)(v << 16) >> 16 == (int64_t)v; }

static uint64_t *mtrr_reg(CPUX86State *env, uint32_t msr)
{
    if (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + 2 * MSR_MTRR_VAR_COUNT) {
        unsigned i = (msr - MSR_MTRR_PHYSBASE0) / 2;

        return (msr & 1) ? &env->mtrr_var_mask[i] : &env->mtrr_var_base[i];
    }
    if (msr == MSR_MTRR_FIX64K)
        return &env->mtrr_fixed[0];
    if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
        return &env->mtrr_fixed[1 + msr - MSR_MTRR_FIX16K_80000];
    if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000)
        return &env->mtrr_fixed[3 + msr - MSR_MTRR_FIX4K_C0000];
    return NULL;
}

static uint64_t *msr_plain(CPUX86State *env, uint32_t msr)
{
    switch (msr) {
    case MSR_SYSENTER_CS: return &env->sysenter_cs;
    case MSR_SYSENTER_ESP: return &env->sysenter_esp;
    case MSR_SYSENTER_EIP: return &env->sysenter_eip;
    case MSR_PAT: return &env->pat;
    case MSR_MTRR_DEF_TYPE: return &env->mtrr_def_type;
    case MSR_STAR: return &env->star;
    case MSR_LSTAR: return &env->lstar;
    case MSR_CSTAR: return &env->cstar;
    case MSR_FMASK: return &env->fmask;
    case MSR_KERNEL_GS_BASE: return &env->kernel_gs_base;
    case MSR_TSC_AUX: return &env->tsc_aux;
    case MSR_MISC_ENABLE: return &env->misc_enable;
    case MSR_MCG_STATUS: return &env->mcg_status;
    case MSR_MCG_CTL: return &env->mcg_ctl;
    case MSR_TSC_ADJUST: return &env->tsc_adjust;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCE_BANKS)
        return &env->mc_bank[msr - MSR_MC0_CTL];
    return mtrr_reg(env, msr);
}

bool x86_msr_read(CPUX86State *env, uint32_t msr, uint64_t *val)
{
    uint64_t *p;

    switch (msr) {
    case MSR_TSC:
        *val = x86_tsc_read(env);
        return true;
    case MSR_APIC_BASE:
        *val = env->apic && env->apic->get_base ? env->apic->get_base(env->apic_opaque)
                                                : env->apic_base;
        return true;
    case MSR_EFER:
        *val = env->efer;
        return true;
    case MSR_FS_BASE:
        *val = env->segs[R_FS].base;
        return true;
    case MSR_GS_BASE:
        *val = env->segs[R_GS].base;
        return true;
    case MSR_MTRRCAP:
        *val = MTRRCAP_VALUE;
        return true;
    case MSR_TSC_DEADLINE:
        *val = env->tsc_deadline;
        return true;
    case MSR_MCG_CAP:
        *val = MCG_CAP_VALUE;
        return true;
    case MSR_FEATURE_CONTROL:
    case MSR_BIOS_SIGN_ID:
        *val = 0;
        return true;
    }
    if (msr >= 0x800 && msr <= 0x8ff) {
        if (env->apic && env->apic->msr_read)
            return env->apic->msr_read(env->apic_opaque, msr, val);
        return false;
    }
    p = msr_plain(env, msr);
    if (p) {
        *val = *p;
        return true;
    }
    log_unimp("x86: rdmsr %#x not implemented (reads 0)\n", msr);
    *val = 0;
    return true;
}

static bool efer_write(CPUX86State *env, uint64_t val)
{
    uint64_t ok = 0;

    if (x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_SYSCALL))
        ok |= EFER_SCE;
    if (x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_LM))
        ok |= EFER_LME | EFER_LMA;
    if (x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_NX))
        ok |= EFER_NXE;
    if (val & ~ok)
        return false;
    /* LME may not change while paging is on */
    if ((env->cr[0] & CR0_PG) && ((val ^ env->efer) & EFER_LME))
        return false;
    x86_update_efer(env, val);
    return true;
}

bool x86_msr_write(CPUX86State *env, uint32_t msr, uint64_t val)
{
    uint64_t *p;

    switch (msr) {
    case MSR_TSC:
        env->tsc_offset += val - x86_tsc_read(env);
        return true;
    case MSR_APIC_BASE:
        if (env->apic && env->apic->set_base)
            env->apic->set_base(env->apic_opaque, val);
        env->apic_base = val;
        return true;
    case MSR_EFER:
        return efer_write(env, val);
    case MSR_FS_BASE:
    case MSR_GS_BASE:
        if (!canonical(val))
            return false;
        x86_seg_set_base(env, msr == MSR_FS_BASE ? R_FS : R_GS, val);
        return true;
    case MSR_KERNEL_GS_BASE:
    case MSR_LSTAR:
    case MSR_CSTAR:
        if (!canonical(val))
            return false;
        break;
    case MSR_MTRRCAP:
    case MSR_MCG_CAP:
        return false;
    case MSR_TSC_DEADLINE:
        env->tsc_deadline = val;
        if (env->apic && env->apic->set_tsc_deadline)
            env->apic->set_tsc_deadline(env->apic_opaque,
                                        val ? (int64_t)(val - env->tsc_offset) : -1);
        return true;
    case MSR_FEATURE_CONTROL:
    case MSR_BIOS_SIGN_ID:
        return true;
    }
    if (msr >= 0x800 && msr <= 0x8ff) {
        if (env->apic && env->apic->msr_write)
            return env->apic->msr_write(env->apic_opaque, msr, val);
        return false;
    }
    p = msr_plain(env, msr);
    if (p) {
        *p = val;
        return true;
    }
    log_unimp("x86: wrmsr %#x <- %#" PRIx64 " not implemented (ignored)\n", msr, val);
    return true;
}
