/* SPDX-License-Identifier: MIT */
/*
 * The CPU side of the SSE engine: every SSE..SSE4.2 form (plus POPCNT,
 * LZCNT, TZCNT, CRC32, AES-NI, PCLMULQDQ) goes through one handler.
 *
 * The decoder has already asked the engine what the encoding is
 * (sse_insn_info(), kept in DecodedInsn.imm, see decode.h) and turned
 * unknown forms and forms whose CPUID bit is off into #UD. At run time
 * this file does what belongs to the CPU, in the order of the SDM's
 * exception classes: CR0.EM / CR4.OSFXSR (#UD), CR0.TS (#NM), a pending
 * x87 error for the forms that touch an MMX register (#MF or FERR#), the
 * 16-byte alignment of aligned forms (#GP(0)), segment limits and pages
 * for the memory operand (a store is probed before anything changes);
 * then it fetches the memory or GPR inputs, runs sse_exec() and writes
 * the outputs back (memory, GPRs, ECX, EFLAGS, the MASKMOVDQU bytes).
 * #XM (or #UD without CR4.OSXMMEXCPT) comes from the engine.
 * Reference: Intel SDM vol. 2A 2.4 (exception classes), vol. 1 ch. 10-12,
 * vol. 3A 13.1 (CR4.OSFXSR/OSXMMEXCPT), and cpu/x86/sse.h.
 */
#include "ops.h"
#include "sse.h"

/* Read size bytes (1-16) at lin into v (the rest zero). */
static void sse_mem_load(CPUX86State *env, uint64_t lin, unsigned size, XMMReg *v)
{
    void *p = tlb_hit(env, lin, size, ACC_READ, env->mmu_idx);

    memset(v, 0, sizeof(*v));
    if (likely(p)) {
        memcpy(v->b, p, size);
        return;
    }
    if (size == 16) {
        v->q[0] = x86_ld_slow(env, lin, 8, env->mmu_idx);
        v->q[1] = x86_ld_slow(env, (lin + 8) & env->lin_mask, 8, env->mmu_idx);
        return;
    }
    v->q[0] = x86_ld_slow(env, lin, size, env->mmu_idx);
}

/* Make sure [lin, lin+size) is writable; returns a host pointer when it is
 * plain RAM within one page (NULL: use sse_mem_store's slow path). */
static void *sse_mem_probe(CPUX86State *env, uint64_t lin, unsigned size)
{
    return x86_rmw_ptr(env, lin, size);
}

static void sse_mem_store(CPUX86State *env, uint64_t lin, unsigned size, void *host,
                          const XMMReg *v)
{
    if (likely(host)) {
        memcpy(host, v->b, size);
        return;
    }
    if (size == 16) {
        x86_st_slow(env, lin, v->q[0], 8, env->mmu_idx);
        x86_st_slow(env, (lin + 8) & env->lin_mask, v->q[1], 8, env->mmu_idx);
        return;
    }
    x86_st_slow(env, lin, v->q[0], size, env->mmu_idx);
}

/* #UD, #NM and #MF checks before anything else (sse.h, step 3). */
static void sse_prologue_checks(CPUX86State *env, uint32_t flags)
{
    if (flags & SSE_I_NOSSE)
        return;
    if ((env->cr[0] & CR0_EM) || !(env->cr[4] & CR4_OSFXSR))
        x86_raise_exception(env, EXCP_UD);
    if (env->cr[0] & CR0_TS)
        x86_raise_exception(env, EXCP_NM);
    if (flags & SSE_I_MMX)
        x86_fpu_check_pending(env);
}

static int log2_size(unsigned n)
{
    return n == 8 ? 3 : n == 4 ? 2 : n == 2 ? 1 : 0;
}

/* MASKMOVDQU: the selected bytes of the result to DS:rDI (overridable). */
static void sse_maskmov(CPUX86State *env, const DecodedInsn *d, const SSEOp *op)
{
    uint64_t di = env->regs[R_EDI] & x86_amask[d->asize], lin;
    uint8_t *host;

    if (!op->mask)
        return;
    lin = x86_lin(env, d->seg, di, 16, ACC_WRITE);
    host = sse_mem_probe(env, lin, 16);
    for (int i = 0; i < 16; i++) {
        if (!(op->mask & (1u << i)))
            continue;
        if (host)
            host[i] = op->result.b[i];
        else
            x86_st_slow(env, (lin + i) & env->lin_mask, op->result.b[i], 1, env->mmu_idx);
    }
}

static void sse_write_back(CPUX86State *env, const DecodedInsn *d, SSEInfo info, SSEOp *op,
                           bool mem, uint64_t lin, void *host)
{
    if (mem && (info.flags & SSE_I_STORE))
        sse_mem_store(env, lin, info.mem_size, host, &op->result);
    else if (!mem && (info.flags & SSE_I_RM_GPR) && (info.flags & SSE_I_STORE))
        reg_write(env, reg_off(d->rmn), log2_size(info.gpr_size), op->result.q[0]);
    if (info.flags & SSE_I_REG_GPR)
        reg_write(env, reg_off(d->regn), log2_size(info.gpr_size), op->result.q[0]);
    if (info.flags & SSE_I_ECX_OUT)
        reg_write(env, reg_off(R_ECX), 2, op->ecx);
    if (info.flags & SSE_I_EFLAGS)
        x86_set_eflags(env, op->eflags, CC_ALL);
    if (info.flags & SSE_I_MASKMOV)
        sse_maskmov(env, d, op);
}

static HANDLER(sse)
{
    SSEInfo info = x86_sse_unpack(d->imm);
    bool mem = d->flags & DI_MEM;
    SSEOp op = { .map = d->map, .opcode = d->op, .prefix = x86_sse_prefix(d),
                 .modrm = d->modrm, .reg = d->regn, .rm = d->rmn, .imm = d->imm,
                 .rex_w = d->flags & DI_REXW, .osize = 1u << d->osize,
                 .osxmmexcpt = env->cr[4] & CR4_OSXMMEXCPT };
    uint64_t lin = 0;
    void *host = NULL;
    int r;

    sse_prologue_checks(env, info.flags);
    if (mem && (info.flags & (SSE_I_LOAD | SSE_I_STORE))) {
        int acc = (info.flags & SSE_I_STORE) ? ACC_WRITE : ACC_READ;

        lin = x86_lin(env, d->seg, x86_ea(env, d), info.mem_size, acc);
        if ((info.flags & SSE_I_ALIGN) && (lin & 15))
            x86_raise_exception_err(env, EXCP_GP, 0);
        if (info.flags & SSE_I_STORE)
            host = sse_mem_probe(env, lin, info.mem_size);
        else
            sse_mem_load(env, lin, info.mem_size, &op.src);
    } else if (!mem && (info.flags & SSE_I_RM_GPR) && !(info.flags & SSE_I_STORE)) {
        op.src.q[0] = (info.flags & SSE_I_RM_BYTE)
                          ? *REGP8(env, reg8_off(d->rmn, d->flags & DI_REX))
                          : env->regs[d->rmn];
    }
    if (info.flags & SSE_I_REG_GPR_IN)
        op.gpr = env->regs[d->regn];
    if (info.flags & SSE_I_RAX_RDX_IN) {
        op.rax = env->regs[R_EAX];
        op.rdx = env->regs[R_EDX];
    }
    if (info.flags & SSE_I_EFLAGS)
        op.eflags = x86_eflags(env);
    r = sse_exec(&env->sse, &env->fpu, &op);
    if (r)
        x86_raise_exception(env, r);
    sse_write_back(env, d, info, &op, mem, lin, host);
}
X86_GEN1(hs_sse, sse);

/* MOVNTI m32/m64, r32/r64 (0F C3): an SSE2 instruction that touches no SSE
 * state, so only CPUID gates it. */
ALWAYS_INLINE void movnti(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    if (!x86_has(env, FEAT_1_EDX, CPUID_SSE2) || sz < 2)
        x86_raise_exception(env, EXCP_UD);
    x86_st_sz(env, d->seg, x86_ea(env, d), reg_read(env, d->reg, sz), sz);
}
X86_GEN8(hs_movnti, movnti);
