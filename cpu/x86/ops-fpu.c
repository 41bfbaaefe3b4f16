/* SPDX-License-Identifier: MIT */
/*
 * The CPU side of x87, MMX, FXSAVE/FXRSTOR and MXCSR.
 *
 * x87.c and mmx.c execute the instructions; this file does what belongs to
 * the CPU: CR0.EM/TS/MP (#NM, #UD), pending x87 errors (#MF with CR0.NE,
 * else FERR# to IRQ13), CPUID gates, memory operands through segmentation
 * and paging (probing stores first so a fault cannot hit half way), EFLAGS
 * and AX for FCOMI/FCMOV/FNSTSW, and the FXSAVE image around the x87 part.
 * Reference: Intel SDM vol. 1, 8.1 (x87 state), 8.7 (x87 exceptions in
 * the PC-AT compatible mode), 9.5 (MMX), 10.5 (FXSAVE/FXRSTOR); vol. 3A
 * 2.5 (CR0.EM/TS/MP/NE) and table 2-2.
 */
#include "ops.h"
#include "kemu/irq.h"
#include "mmx.h"

void x86_fpu_reset(CPUX86State *env)
{
    x87_power_on(&env->fpu);
    env->ferr = false;
}

void x86_cpu_set_ferr_irq(X86CPU *cpu, struct IrqLine *irq)
{
    cpu->ferr_irq = irq;
}

void x86_cpu_clear_ferr(X86CPU *cpu)
{
    cpu->ferr = false;
    irq_lower(cpu->ferr_irq);
}

void x86_fpu_dump(const CPUX86State *env, FILE *out)
{
    const X87State *s = &env->fpu;
    unsigned ftw = 0;

    for (int i = 0; i < 8; i++)
        if (((s->ftw >> (2 * i)) & 3) != X87_TAG_EMPTY)
            ftw |= 1u << i;
    fprintf(out, "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n", s->fcw, s->fsw, x87_top(s),
            ftw, env->sse.mxcsr);
    for (int i = 0; i < 8; i++)
        fprintf(out, "FPR%d=%016" PRIx64 " %04x%s", i, s->regs[i].mant, s->regs[i].sexp,
                (i & 1) ? "\n" : " ");
}

/* A pending unmasked x87 error at a waiting instruction. */
void x86_fpu_check_pending(CPUX86State *env)
{
    if (!x87_pending_exception(&env->fpu))
        return;
    if (env->cr[0] & CR0_NE)
        x86_raise_exception(env, EXCP_MF);
    if (!env->ferr) {
        env->ferr = true;
        irq_raise(env->ferr_irq);
    }
}

/* ---- x87 ---- */

typedef struct FpuMem {
    CPUX86State *env;
    int seg;
    uint64_t ea, amask;
} FpuMem;

static uint64_t fpu_ld(void *ctx, uint32_t off, unsigned size)
{
    FpuMem *m = ctx;

    return x86_ld_sz(m->env, m->seg, (m->ea + off) & m->amask, __builtin_ctz(size));
}

static void fpu_st(void *ctx, uint32_t off, uint64_t val, unsigned size)
{
    FpuMem *m = ctx;

    x86_st_sz(m->env, m->seg, (m->ea + off) & m->amask, val, __builtin_ctz(size));
}

/* Make sure [ea, ea+size) can be written before any byte is (size <= 4 KiB). */
static void probe_store(CPUX86State *env, int seg, uint64_t ea, unsigned size)
{
    uint64_t lin = x86_lin(env, seg, ea, size, ACC_WRITE);

    x86_tlb_fill(env, lin, ACC_WRITE, env->mmu_idx, true);
    x86_tlb_fill(env, (lin + size - 1) & env->lin_mask & TLB_PAGE_MASK, ACC_WRITE, env->mmu_idx,
                 true);
}

static HANDLER(esc)
{
    unsigned opsize = d->osize == 1 ? 16 : 32;
    unsigned info = x87_insn_info(d->op & 7, d->modrm, opsize);
    bool mem = d->flags & DI_MEM;
    FpuMem m = { .env = env, .seg = d->seg, .amask = x86_amask[d->asize] };
    uint32_t fl = x86_eflags(env);
    uint16_t ax = env->regs[R_EAX];
    X87Op op = { .esc = d->op & 7, .modrm = d->modrm, .has_mem = mem, .ctx = &m, .ld = fpu_ld,
                 .st = fpu_st, .opsize = opsize,
                 .protected_mode = (env->hflags & HF_PE) && !(env->eflags & VM_MASK),
                 .sse3 = x86_has(env, FEAT_1_ECX, CPUID_EXT_SSE3), .fip = env->rip,
                 .fcs = env->segs[R_CS].sel, .fds = env->segs[d->seg].sel, .eflags = &fl,
                 .ax = &ax };
    int r;

    if (env->cr[0] & (CR0_EM | CR0_TS))
        x86_raise_exception(env, EXCP_NM);
    if ((info & X87_I_UD) || ((info & X87_I_SSE3) && !op.sse3))
        x86_raise_exception(env, EXCP_UD);
    if (!(info & X87_I_NOWAIT))
        x86_fpu_check_pending(env);
    if (mem) {
        m.ea = x86_ea(env, d);
        op.fdp = m.ea;
        /* Environment images (FNSTENV/FNSAVE) are probed so no byte is written
         * before a fault. Data stores are not: an unmasked exception
         * suppresses them and hardware then does not check the destination
         * at all (tests/cpu/diff measured it), and the engine stores before
         * it commits any state, so a fault leaves the instruction restartable. */
        if ((info & X87_I_STORE) && (info & X87_I_SIZE) > 10)
            probe_store(env, d->seg, m.ea, info & X87_I_SIZE);
    }
    r = x87_exec(&env->fpu, &op);
    if (r)
        x86_raise_exception(env, r);
    if (info & X87_I_EFLAGS_OUT)
        x86_set_eflags(env, fl, CC_ALL);
    if (info & X87_I_AX_OUT)
        reg_write(env, 0, 1, ax);
}
X86_GEN1(hs_esc, esc);

static HANDLER(fwait)
{
    if ((env->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        x86_raise_exception(env, EXCP_NM);
    x86_fpu_check_pending(env);
}
X86_GEN1(hs_wait, fwait);

/* ---- MMX ---- */

static void mmx_prologue(CPUX86State *env)
{
    if (env->cr[0] & CR0_EM)
        x86_raise_exception(env, EXCP_UD);
    if (env->cr[0] & CR0_TS)
        x86_raise_exception(env, EXCP_NM);
    x86_fpu_check_pending(env);
}

static uint16_t mmx_opcode(const DecodedInsn *d)
{
    return d->map == 1 ? 0x0f00 | d->op : d->map == 2 ? 0x3800 | d->op : 0x3a00 | d->op;
}

static bool mmx_features_ok(CPUX86State *env, unsigned info)
{
    if (!x86_has(env, FEAT_1_EDX, CPUID_MMX))
        return false;
    if ((info & MMX_I_SSE) && !x86_has(env, FEAT_1_EDX, CPUID_SSE) &&
        !x86_has(env, FEAT_8000_0001_EDX, 1u << 22))
        return false;
    if ((info & MMX_I_SSE2) && !x86_has(env, FEAT_1_EDX, CPUID_SSE2))
        return false;
    if ((info & MMX_I_SSSE3) && !x86_has(env, FEAT_1_ECX, CPUID_EXT_SSSE3))
        return false;
    return true;
}

static HANDLER(mmx)
{
    bool mem = d->flags & DI_MEM, rex_w = d->flags & DI_REXW;
    MMXOp op = { .opcode = mmx_opcode(d), .modrm = d->modrm, .imm = d->imm, .rex_w = rex_w };
    unsigned info = mmx_insn_info(op.opcode, d->modrm, rex_w), size = info & MMX_I_SIZE;
    uint64_t ea = 0;

    /* With a 66/F2/F3 prefix this is no MMX form, and the SSE engine (which
     * the decoder asked first) has none either. */
    if ((d->flags & DI_OPSIZE) || d->rep)
        x86_raise_exception(env, EXCP_UD);
    if ((info & MMX_I_UD) || (mem && (info & MMX_I_REG_ONLY)) ||
        (!mem && (info & MMX_I_MEM_ONLY)) || !mmx_features_ok(env, info))
        x86_raise_exception(env, EXCP_UD);
    mmx_prologue(env);
    /* A store reads its MMX register first: on the host even a faulting
     * store leaves TOP = 0 (the tags change only when it completes). */
    if (mem && (info & MMX_I_STORE))
        env->fpu.fsw &= ~X87_FSW_TOP;
    if (mem) {
        ea = x86_ea(env, d);
        if (info & MMX_I_STORE)
            probe_store(env, d->seg, ea, size);
        if (info & MMX_I_LOAD)
            op.src = size == 8 ? x86_ldq(env, d->seg, ea) : x86_ld_sz(env, d->seg, ea, __builtin_ctz(size));
    } else if (info & MMX_I_RM_GPR) {
        op.src = env->regs[d->rmn];
    }
    if (mmx_exec(&env->fpu, &op))
        x86_raise_exception(env, EXCP_UD);
    if (mem && (info & MMX_I_STORE))
        x86_st_sz(env, d->seg, ea, op.result, __builtin_ctz(size));
    else if (!mem && (info & MMX_I_RM_GPR) && (info & MMX_I_STORE))
        env->regs[d->rmn] = rex_w ? op.result : (uint32_t)op.result;
    if (info & MMX_I_REG_GPR)
        env->regs[d->regn] = (uint32_t)op.result;
    if (info & MMX_I_MASKMOV) {
        uint64_t di = env->regs[R_EDI] & x86_amask[d->asize];

        for (int i = 0; i < 8; i++)
            if (op.mask & (1u << i))
                x86_stb(env, d->seg, (di + i) & x86_amask[d->asize], op.result >> (8 * i));
    }
}
X86_GEN1(hs_mmx, mmx);

static HANDLER(emms)
{
    if ((d->flags & DI_OPSIZE) || d->rep)
        x86_raise_exception(env, EXCP_UD);
    mmx_prologue(env);
    mmx_emms(&env->fpu);
}
X86_GEN1(hs_emms, emms);

/* ---- FXSAVE / FXRSTOR / MXCSR ---- */

/* FXSAVE/FXRSTOR: #UD without FXSR or with CR0.EM, #NM with CR0.TS, #GP(0)
 * for an image not 16-byte aligned. Returns the image's linear address. */
static uint64_t fx_prologue(CPUX86State *env, const DecodedInsn *d, unsigned len, int acc)
{
    uint64_t lin;

    if (!x86_has(env, FEAT_1_EDX, CPUID_FXSR) || (env->cr[0] & CR0_EM))
        x86_raise_exception(env, EXCP_UD);
    if (env->cr[0] & CR0_TS)
        x86_raise_exception(env, EXCP_NM);
    lin = x86_lin(env, d->seg, x86_ea(env, d), len, acc);
    if (lin & 15)
        x86_raise_exception_err(env, EXCP_GP, 0);
    return lin;
}

/* XMM registers in the image: 16 in 64-bit mode, else 8. */
static unsigned fx_nxmm(const CPUX86State *env)
{
    return (env->hflags & HF_CS64) ? 16 : 8;
}

/* The legacy region of an FXSAVE/XSAVE image (SDM vol. 1 table 10-2):
 * x87 always, MXCSR and XMM when sse (CR4.OSFXSR for FXSAVE, as QEMU). */
void x86_fx_image_save(CPUX86State *env, uint8_t img[512], bool rexw, bool x87, bool sse)
{
    if (x87) {
        if (rexw)
            x87_fxsave64(&env->fpu, img);
        else
            x87_fxsave(&env->fpu, img);
    }
    if (sse)
        sse_fxsave(&env->sse, img, fx_nxmm(env));
}

bool x86_fx_image_restore(CPUX86State *env, const uint8_t img[512], bool rexw, bool x87,
                          bool sse)
{
    SSEState tmp = env->sse;

    if (sse && !sse_fxrstor(&tmp, img, fx_nxmm(env)))
        return false;
    if (x87) {
        if (rexw)
            x87_fxrstor64(&env->fpu, img);
        else
            x87_fxrstor(&env->fpu, img);
    }
    if (sse)
        env->sse = tmp;
    return true;
}

/* Copy len bytes between guest memory at lin (already checked) and buf. */
void x86_mem_read_lin(CPUX86State *env, uint64_t lin, uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len; i += 8)
        stq_le(buf + i, x86_ldq_lin(env, (lin + i) & env->lin_mask, env->mmu_idx));
}

void x86_probe_write_lin(CPUX86State *env, uint64_t lin, unsigned len)
{
    for (unsigned i = 0; i < len; i += TLB_PAGE_SIZE)
        x86_tlb_fill(env, (lin + i) & env->lin_mask, ACC_WRITE, env->mmu_idx, true);
    x86_tlb_fill(env, (lin + len - 1) & env->lin_mask, ACC_WRITE, env->mmu_idx, true);
}

void x86_mem_write_lin(CPUX86State *env, uint64_t lin, const uint8_t *buf, unsigned len)
{
    /* probe every page first so a fault cannot hit half way */
    x86_probe_write_lin(env, lin, len);
    for (unsigned i = 0; i < len; i += 8)
        x86_stq_lin(env, (lin + i) & env->lin_mask, ldq_le(buf + i), env->mmu_idx);
}

static HANDLER(fxsave)
{
    unsigned len = 160 + fx_nxmm(env) * 16;
    uint64_t lin = fx_prologue(env, d, len, ACC_WRITE);
    uint8_t img[512];

    bool sse = env->cr[4] & CR4_OSFXSR;

    memset(img, 0, sizeof(img));
    x86_fx_image_save(env, img, d->flags & DI_REXW, true, sse);
    if (sse) {
        x86_mem_write_lin(env, lin, img, len);
    } else { /* MXCSR and XMM stay as they are in memory */
        x86_tlb_fill(env, (lin + 159) & env->lin_mask, ACC_WRITE, env->mmu_idx, true);
        x86_mem_write_lin(env, lin, img, 24);
        x86_mem_write_lin(env, (lin + 32) & env->lin_mask, img + 32, 128);
    }
}
X86_GEN1_MEM(hs_fxsave, fxsave);

static HANDLER(fxrstor)
{
    unsigned len = 160 + fx_nxmm(env) * 16;
    uint64_t lin = fx_prologue(env, d, len, ACC_READ);
    uint8_t img[512];

    x86_mem_read_lin(env, lin, img, len);
    if (!x86_fx_image_restore(env, img, d->flags & DI_REXW, true, env->cr[4] & CR4_OSFXSR))
        x86_raise_exception_err(env, EXCP_GP, 0);
}
X86_GEN1_MEM(hs_fxrstor, fxrstor);

/* LDMXCSR/STMXCSR: the checks of any SSE instruction (sse.h, step 3). */
static void mxcsr_prologue(CPUX86State *env)
{
    if (!x86_has(env, FEAT_1_EDX, CPUID_SSE) || (env->cr[0] & CR0_EM) ||
        !(env->cr[4] & CR4_OSFXSR))
        x86_raise_exception(env, EXCP_UD);
    if (env->cr[0] & CR0_TS)
        x86_raise_exception(env, EXCP_NM);
}

static HANDLER(ldmxcsr)
{
    uint32_t v;

    mxcsr_prologue(env);
    v = x86_ldl(env, d->seg, x86_ea(env, d));
    if (!sse_ldmxcsr(&env->sse, v))
        x86_raise_exception_err(env, EXCP_GP, 0);
}
X86_GEN1_MEM(hs_ldmxcsr, ldmxcsr);

static HANDLER(stmxcsr)
{
    mxcsr_prologue(env);
    x86_stl(env, d->seg, x86_ea(env, d), env->sse.mxcsr);
}
X86_GEN1_MEM(hs_stmxcsr, stmxcsr);
