/* SPDX-License-Identifier: MIT */
/*
 * Test entry points (x86-test-api.h): set up modes and registers directly,
 * run a bounded number of instructions, trap exceptions.
 */
#include "access.h"
#include "x86-test-api.h"

void x86_test_set_mode(X86CPU *cpu, int mode)
{
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK;
    uint32_t big = mode == X86_TEST_PM32 ? DESC_B_MASK | DESC_G_MASK : 0;
    uint32_t limit = mode == X86_TEST_PM32 ? 0xffffffff : 0xffff;

    x86_set_cpl(cpu, 0);
    if (mode == X86_TEST_REAL)
        x86_update_cr0(cpu, cpu->cr[0] & ~(uint64_t)(CR0_PE | CR0_PG));
    else
        x86_update_cr0(cpu, cpu->cr[0] | CR0_PE);
    for (int s = 0; s < X86_NSEGS; s++) {
        SegCache *sc = &cpu->segs[s];

        sc->limit = limit;
        sc->flags = (s == R_CS ? code : data) | big;
        if (mode == X86_TEST_REAL)
            sc->flags = s == R_CS ? code : data;
    }
    x86_update_hflags(cpu);
}

void x86_test_get_state(X86CPU *cpu, X86TestState *s)
{
    memcpy(s->regs, cpu->regs, sizeof(s->regs));
    s->rip = cpu->rip;
    s->eflags = x86_eflags(cpu);
    for (int i = 0; i < 6; i++) {
        s->sel[i] = cpu->segs[i].sel;
        s->base[i] = cpu->segs[i].base;
    }
}

void x86_test_set_state(X86CPU *cpu, const X86TestState *s)
{
    memcpy(cpu->regs, s->regs, sizeof(s->regs));
    cpu->rip = s->rip;
    x86_set_eflags(cpu, s->eflags, ~0u);
    for (int i = 0; i < 6; i++) {
        cpu->segs[i].sel = s->sel[i];
        cpu->segs[i].base = (cpu->hflags & HF_PE) ? 0 : (uint64_t)s->sel[i] << 4;
    }
    x86_update_hflags(cpu);
}

int64_t x86_test_run(X86CPU *cpu, int64_t max_insns)
{
    int64_t done = 0;

    cpu->test_stopped = false;
    while (done < max_insns && !cpu->parent.halted && !cpu->test_stopped) {
        int64_t n = x86_cpu_exec(&cpu->parent, max_insns - done);

        done += n;
        if (n == 0 && !cpu->parent.halted && !cpu->test_stopped && !cpu->parent.exit_request)
            break;
    }
    return done;
}

bool x86_test_halted(X86CPU *cpu)
{
    return cpu->parent.halted;
}

void x86_test_set_halted(X86CPU *cpu, bool halted)
{
    cpu->parent.halted = halted;
}

void x86_test_trap_exceptions(X86CPU *cpu, bool trap)
{
    cpu->test_trap = trap;
}

int x86_test_take_exception(X86CPU *cpu, int *error_code)
{
    int v = cpu->test_vec;

    if (error_code)
        *error_code = cpu->test_err;
    cpu->test_vec = -1;
    cpu->test_err = -1;
    return v;
}

void x86_test_set_cr(X86CPU *cpu, int cr, uint64_t val)
{
    switch (cr) {
    case 0: x86_update_cr0(cpu, val); break;
    case 3: x86_update_cr3(cpu, val); break;
    case 4: x86_update_cr4(cpu, val); break;
    default: cpu->cr[cr] = val; break;
    }
}

uint64_t x86_test_get_cr(X86CPU *cpu, int cr)
{
    return cpu->cr[cr];
}

void x86_test_enter_long64(X86CPU *cpu, uint64_t pml4)
{
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK |
                    DESC_L_MASK;

    x86_set_cpl(cpu, 0);
    x86_update_cr4(cpu, cpu->cr[4] | CR4_PAE);
    x86_update_cr3(cpu, pml4);
    x86_update_efer(cpu, cpu->efer | EFER_LME);
    x86_update_cr0(cpu, cpu->cr[0] | CR0_PE | CR0_PG);
    for (int s = 0; s < X86_NSEGS; s++)
        cpu->segs[s] = (SegCache){ .sel = s == R_CS ? 8 : 0x10, .limit = 0xffffffff,
                                   .flags = s == R_CS ? code : data };
    x86_update_hflags(cpu);
}

void x86_test_fxsave(X86CPU *cpu, uint8_t img[512])
{
    memset(img, 0, 512);
    x87_fxsave64(&cpu->fpu, img);
    sse_fxsave(&cpu->sse, img, 16);
}

bool x86_test_fxrstor(X86CPU *cpu, const uint8_t img[512])
{
    if (!sse_fxrstor(&cpu->sse, img, 16))
        return false;
    x87_fxrstor64(&cpu->fpu, img);
    return true;
}
