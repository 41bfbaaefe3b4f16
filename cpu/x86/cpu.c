/* SPDX-License-Identifier: MIT */
/*
 * The x86 CPU object: creation, reset, mode bits, board hooks.
 *
 * Creates a CPU from a -cpu string, registers it with the main loop, and
 * keeps the cached mode bits (hflags) in step with CR0, CR4, EFER, EFLAGS
 * and the CS/SS caches. Control register writes flush the TLB when they
 * change how linear addresses translate.
 * Reference: Intel SDM vol. 3A, 9.1 "Initialization Overview" (table 9-1,
 * state after reset), 2.5 "Control Registers", 10.8 long-mode activation.
 */
#include "access.h"
#include "exec.h"
#include "kemu/machine.h"
#include "kemu/timer.h"

static const CPUOps x86_cpu_ops;

void x86_update_hflags(CPUX86State *env)
{
    uint32_t h = env->hflags & (HF_CPL_MASK | HF_INHIBIT_IRQ | HF_NMI_BLOCK);

    if (env->cr[0] & CR0_PE)
        h |= HF_PE;
    if (env->cr[0] & CR0_PG)
        h |= HF_PG;
    if (env->eflags & VM_MASK)
        h |= HF_VM;
    if (env->efer & EFER_LMA)
        h |= HF_LMA;
    if ((h & HF_LMA) && (env->segs[R_CS].flags & DESC_L_MASK) && (h & HF_PE) && !(h & HF_VM))
        h |= HF_CS64;
    else if (env->segs[R_CS].flags & DESC_B_MASK)
        h |= HF_CS32;
    if (env->segs[R_SS].flags & DESC_B_MASK)
        h |= HF_SS32;
    env->hflags = h;
    env->lin_mask = (h & HF_CS64) ? ~0ULL : 0xffffffffULL;
    env->mmu_idx = (h & HF_CPL_MASK) == 3 ? MMU_USER : MMU_SUP;
    for (int s = 0; s < X86_NSEGS; s++)
        x86_seg_update_window(env, &env->segs[s], s);
}

void x86_set_cpl(CPUX86State *env, int cpl)
{
    env->hflags = (env->hflags & ~HF_CPL_MASK) | cpl;
    env->mmu_idx = cpl == 3 ? MMU_USER : MMU_SUP;
}

void x86_update_cr0(CPUX86State *env, uint64_t val)
{
    uint64_t old = env->cr[0];

    val |= CR0_ET;
    if ((val ^ old) & (CR0_PG | CR0_WP | CR0_PE))
        x86_tlb_flush(env, true);
    if ((env->efer & EFER_LME) && (val & CR0_PG) && !(old & CR0_PG))
        env->efer |= EFER_LMA;
    if (!(val & CR0_PG) && (old & CR0_PG))
        env->efer &= ~EFER_LMA;
    env->cr[0] = val;
    if (!(val & CR0_PE) && (old & CR0_PE))
        x86_set_cpl(env, 0);
    x86_update_hflags(env);
}

void x86_update_cr3(CPUX86State *env, uint64_t val)
{
    env->cr[3] = val;
    if (env->cr[0] & CR0_PG)
        x86_tlb_flush(env, false);
}

void x86_update_cr4(CPUX86State *env, uint64_t val)
{
    if ((val ^ env->cr[4]) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_SMAP | CR4_PCIDE))
        x86_tlb_flush(env, true);
    env->cr[4] = val;
    x86_update_hflags(env);
}

void x86_update_efer(CPUX86State *env, uint64_t val)
{
    if ((val ^ env->efer) & EFER_NXE)
        x86_tlb_flush(env, true);
    env->efer = (val & ~EFER_LMA) | (env->efer & EFER_LMA);
    x86_update_hflags(env);
}

/* TSC: virtual nanoseconds (a 1 GHz TSC), plus instructions retired in the
 * current slice when time is driven by the instruction count. */
uint64_t x86_tsc_read(CPUX86State *env)
{
    int64_t ns = vclock_get_ns();

    if (vclock_mode() == VCLOCK_ICOUNT) {
        int64_t done = env->icount;

        done += x86_block_progress(env);
        ns += done << vclock_icount_shift();
    }
    return (uint64_t)ns + env->tsc_offset;
}

void x86_cpu_do_reset(CPUX86State *env)
{
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    memset(env->regs, 0, sizeof(env->regs));
    env->hflags = 0;
    env->eflags = 2;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = env->cc_dst = env->cc_src2 = 0;
    env->efer = 0;
    env->xcr0 = XSTATE_X87;
    memset(env->cr, 0, sizeof(env->cr));
    env->cr[0] = 0x60000010;
    for (int s = 0; s < X86_NSEGS; s++)
        env->segs[s] = (SegCache){ .sel = 0, .base = 0, .limit = 0xffff, .flags = data };
    env->segs[R_CS] = (SegCache){ .sel = 0xf000, .base = 0xffff0000, .limit = 0xffff,
                                  .flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                                           DESC_R_MASK | DESC_A_MASK };
    env->gdt = (DescTable){ 0, 0xffff };
    env->idt = (DescTable){ 0, 0xffff };
    env->ldt = (SegCache){ .limit = 0xffff, .flags = DESC_P_MASK | (2 << DESC_TYPE_SHIFT) };
    env->tr = (SegCache){ .limit = 0xffff, .flags = DESC_P_MASK | (3 << DESC_TYPE_SHIFT) };
    env->rip = 0xfff0;
    env->regs[R_EDX] = env->cpuid_version;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->a20_mask = ~0ULL;
    env->in_delivery = false;
    env->exc_pending_first = -1;
    env->test_vec = env->test_err = -1;
    env->exc.vector = -1;
    /* Application processors wait for a start-up IPI. */
    env->wait_sipi = env->parent.index != 0;
    env->parent.halted = env->wait_sipi;
    env->parent.interrupt_request = 0;
    sse_reset(&env->sse);
    env->ferr = false;
    x86_msr_reset(env);
    x86_fpu_reset(env);
    x86_update_hflags(env);
    x86_tlb_flush(env, true);
    if (log_enabled(LOG_CPU_RESET)) {
        log_printf("CPU Reset (CPU %d)\n", env->parent.index);
        x86_cpu_dump_state(&env->parent, log_file());
    }
}

/* INIT (SDM 9.1, table 9-1): like RESET, but the x87/SSE state, MTRRs,
 * PAT and the other MSRs are kept. Every CPU but the BSP then waits for a
 * start-up IPI. */
void x86_cpu_init(CPUX86State *env)
{
    X87State fpu = env->fpu;
    SSEState sse = env->sse;
    uint64_t mtrr_def = env->mtrr_def_type, pat = env->pat, tsc = env->tsc_offset;
    uint64_t fixed[11], vb[MSR_MTRR_VAR_COUNT], vm[MSR_MTRR_VAR_COUNT];
    uint32_t pending = env->parent.interrupt_request & ~CPU_INTERRUPT_INIT;
    bool wait;

    memcpy(fixed, env->mtrr_fixed, sizeof(fixed));
    memcpy(vb, env->mtrr_var_base, sizeof(vb));
    memcpy(vm, env->mtrr_var_mask, sizeof(vm));
    x86_cpu_do_reset(env);
    env->parent.interrupt_request = pending; /* a start-up IPI may already wait */
    env->fpu = fpu;
    env->sse = sse;
    env->mtrr_def_type = mtrr_def;
    env->pat = pat;
    env->tsc_offset = tsc;
    memcpy(env->mtrr_fixed, fixed, sizeof(fixed));
    memcpy(env->mtrr_var_base, vb, sizeof(vb));
    memcpy(env->mtrr_var_mask, vm, sizeof(vm));
    wait = env->apic && env->apic->init ? env->apic->init(env->apic_opaque)
                                        : env->parent.index != 0;
    env->wait_sipi = wait;
    env->parent.halted = wait;
}

/* Start-up IPI: CS = vector << 8, IP = 0, running. */
void x86_cpu_sipi(CPUX86State *env)
{
    int v = env->apic && env->apic->sipi ? env->apic->sipi(env->apic_opaque) : -1;

    if (!env->wait_sipi || v < 0)
        return;
    env->wait_sipi = false;
    env->parent.halted = false;
    x86_seg_set_cache(env, R_CS, v << 8, (uint64_t)v << 12, 0xffff, env->segs[R_CS].flags);
    env->rip = 0;
}

static void x86_cpu_reset_op(CPUState *cs)
{
    x86_cpu_do_reset((CPUX86State *)cs);
}

static const CPUOps x86_cpu_ops = {
    .exec = x86_cpu_exec,
    .reset = x86_cpu_reset_op,
    .dump_state = x86_cpu_dump_state,
    .has_work = x86_cpu_has_work,
    .debug_translate = x86_cpu_debug_translate,
    .get_register = x86_get_register,
    .code_bits = x86_code_bits,
};

static void x86_as_changed(void *opaque, AddressSpace *as)
{
    CPUX86State *env = opaque;

    (void)as;
    x86_tlb_flush(env, true);
}

X86CPU *x86_cpu_create(const char *model, int index, Error **errp)
{
    CPUX86State *env;

    if (posix_memalign((void **)&env, 64, sizeof(*env)))
        abort();
    memset(env, 0, sizeof(*env));
    if (!x86_cpu_parse_model(env, model ? model : x86_cpu_default_model(), errp)) {
        free(env);
        return NULL;
    }
    env->parent.ops = &x86_cpu_ops;
    env->parent.index = index;
    x86_exec_init(env);
    as_add_listener(&as_memory, x86_as_changed, env);
    cpu_register(&env->parent);
    x86_cpu_do_reset(env);
    return env;
}

CPUState *x86_cpu_state(X86CPU *cpu)
{
    return &cpu->parent;
}

const char *x86_cpu_default_model(void)
{
    return target_name && !strcmp(target_name, "i386") ? "qemu32" : "qemu64";
}

void x86_cpu_set_intr_ack(X86CPU *cpu, X86IntrAckFn *ack, void *opaque)
{
    cpu->intr_ack = ack;
    cpu->intr_ack_opaque = opaque;
}

void x86_cpu_set_a20(X86CPU *cpu, bool enabled)
{
    uint64_t mask = enabled ? ~0ULL : ~(1ULL << 20);

    if (mask == cpu->a20_mask)
        return;
    cpu->a20_mask = mask;
    x86_tlb_flush(cpu, true);
}

void x86_cpu_set_apic(X86CPU *cpu, const X86ApicOps *ops, void *opaque)
{
    cpu->apic = ops;
    cpu->apic_opaque = opaque;
}
