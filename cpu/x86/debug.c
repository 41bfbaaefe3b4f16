/* SPDX-License-Identifier: MIT */
/*
 * The x86 CPU's debugging hooks (CPUOps): register values by name for the
 * monitor's expressions ($eax, $rip, $pc, ...), the side-effect-free
 * translation of linear addresses for "x" and "memsave", and the code
 * width for disassembly.
 *
 * Register names are those of QEMU's i386 monitor: the general registers
 * (eax..edi, rax..r15 in full width), eip/rip, eflags, the segment
 * selectors, cr0-cr4, and "pc" = CS base + EIP (the linear address of the
 * next instruction). Reference: QEMU manual, "QEMU Monitor", "Integer
 * expressions"; Intel SDM vol. 3A ch. 4 (paging) for the translation.
 */
#include "exec.h"

static const char *const x86_reg_names[2][8] = {
    { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" },
    { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi" },
};
static const char *const x86_seg_names[X86_NSEGS] = { "es", "cs", "ss", "ds", "fs", "gs" };

static bool x86_get_gpr(CPUX86State *env, const char *name, uint64_t *val)
{
    for (int w = 0; w < 2; w++) {
        for (int i = 0; i < 8; i++) {
            if (!strcmp(name, x86_reg_names[w][i])) {
                *val = env->regs[i];
                return true;
            }
        }
    }
    if (name[0] == 'r' && name[1] >= '0' && name[1] <= '9') {
        int n = atoi(name + 1);

        if (n >= 8 && n <= 15 && (strlen(name) == 2 + (n >= 10))) {
            *val = env->regs[n];
            return true;
        }
    }
    return false;
}

bool x86_get_register(CPUState *cs, const char *name, uint64_t *val)
{
    CPUX86State *env = (CPUX86State *)cs;

    if (x86_get_gpr(env, name, val))
        return true;
    for (int i = 0; i < X86_NSEGS; i++) {
        if (!strcmp(name, x86_seg_names[i])) {
            *val = env->segs[i].sel;
            return true;
        }
    }
    if (!strcmp(name, "eip") || !strcmp(name, "rip"))
        *val = env->rip;
    else if (!strcmp(name, "pc"))
        *val = env->segs[R_CS].base + env->rip;
    else if (!strcmp(name, "eflags") || !strcmp(name, "rflags"))
        *val = x86_eflags(env);
    else if (!strcmp(name, "cr0") || !strcmp(name, "cr2") || !strcmp(name, "cr3") ||
             !strcmp(name, "cr4"))
        *val = env->cr[name[2] - '0'];
    else
        return false;
    return true;
}

hwaddr x86_cpu_debug_translate(CPUState *cs, uint64_t addr)
{
    return x86_debug_translate((CPUX86State *)cs, addr);
}

int x86_code_bits(CPUState *cs)
{
    CPUX86State *env = (CPUX86State *)cs;

    return (env->hflags & HF_CS64) ? 64 : (env->hflags & HF_CS32) ? 32 : 16;
}
