/* SPDX-License-Identifier: MIT */
/*
 * Register dumps and instruction logging in QEMU's formats.
 *
 * x86_cpu_dump_state prints what QEMU's "info registers" and "-d cpu"
 * print: the 32-bit layout unless the CPU runs 64-bit code, segment caches
 * with their decoded type, control and debug registers, the lazy-flag
 * state, EFER, then the x87/SSE registers. x86_log_block prints a decoded
 * block for "-d in_asm" with capstone (AT&T syntax, as QEMU does).
 * Reference: QEMU manual, "Debug/Expert options" (-d) and the monitor's
 * "info registers" output.
 */
#include "exec.h"
#include "kemu/machine.h"
#include "config-host.h"
#if CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

static const char *const sys_types[2][16] = {
    { "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16",
      "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32",
      "Reserved", "IntGate32", "TrapGate32" },
    { "<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved",
      "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
      "Reserved", "IntGate64", "TrapGate64" },
};

static void dump_seg_type(const CPUX86State *env, FILE *out, uint32_t f)
{
    fprintf(out, " DPL=%u ", (f & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
    if (!(f & DESC_S_MASK)) {
        fprintf(out, "%s", sys_types[(env->hflags & HF_LMA) ? 1 : 0][(f >> 8) & 15]);
        return;
    }
    if (f & DESC_CS_MASK) {
        fprintf(out, "%s [%c%c", (f & DESC_L_MASK) ? "CS64" : (f & DESC_B_MASK) ? "CS32" : "CS16",
                (f & DESC_C_MASK) ? 'C' : '-', (f & DESC_R_MASK) ? 'R' : '-');
    } else {
        fprintf(out, "%s [%c%c", ((f & DESC_B_MASK) || (env->hflags & HF_LMA)) ? "DS  " : "DS16",
                (f & DESC_E_MASK) ? 'E' : '-', (f & DESC_W_MASK) ? 'W' : '-');
    }
    fprintf(out, "%c]", (f & DESC_A_MASK) ? 'A' : '-');
}

static void dump_seg(const CPUX86State *env, FILE *out, const char *name, const SegCache *sc)
{
    if (env->hflags & HF_CS64)
        fprintf(out, "%-3s=%04x %016" PRIx64 " %08x %08x", name, sc->sel, sc->base, sc->limit,
                sc->flags & 0x00ffff00);
    else
        fprintf(out, "%-3s=%04x %08x %08x %08x", name, sc->sel, (uint32_t)sc->base, sc->limit,
                sc->flags & 0x00ffff00);
    if ((env->hflags & HF_PE) && (sc->flags & DESC_P_MASK))
        dump_seg_type(env, out, sc->flags);
    fprintf(out, "\n");
}

static const char *cc_op_name(uint32_t op)
{
    static const char *const base[] = { "EFLAGS", "ADD", "ADC", "SUB", "SBB", "LOGIC", "INC",
                                        "DEC" };
    static char buf[16];

    if (op == CC_OP_EFLAGS)
        return "EFLAGS";
    if (op / 4 >= ARRAY_SIZE(base))
        return "???";
    snprintf(buf, sizeof(buf), "%s%c", base[op / 4], "BWLQ"[op & 3]);
    return buf;
}

static void dump_fpu(const CPUX86State *env, FILE *out)
{
    int nxmm = (env->hflags & HF_LMA) ? 16 : 8;

    x86_fpu_dump(env, out);
    for (int i = 0; i < nxmm; i++) {
        const uint32_t *x = env->sse.xmm[i].d;

        fprintf(out, "XMM%02d=%08x%08x%08x%08x", i, x[3], x[2], x[1], x[0]);
        fprintf(out, (i & 1) ? "\n" : " ");
    }
}

void x86_cpu_dump_state(CPUState *cs, FILE *out)
{
    CPUX86State *env = (CPUX86State *)cs;
    uint32_t fl = x86_eflags(env);
    static const char *const segn[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    char flags[8];

    snprintf(flags, sizeof(flags), "%c%c%c%c%c%c%c", (fl & DF_MASK) ? 'D' : '-',
             (fl & CC_O) ? 'O' : '-', (fl & CC_S) ? 'S' : '-', (fl & CC_Z) ? 'Z' : '-',
             (fl & CC_A) ? 'A' : '-', (fl & CC_P) ? 'P' : '-', (fl & CC_C) ? 'C' : '-');
    if (env->hflags & HF_CS64) {
        static const char *const rn[16] = { "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP",
                                            "RSP", "R8 ", "R9 ", "R10", "R11", "R12", "R13",
                                            "R14", "R15" };
        static const int ri[16] = { 0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15 };

        for (int i = 0; i < 16; i++)
            fprintf(out, "%s=%016" PRIx64 "%s", rn[i], env->regs[ri[i]], (i & 3) == 3 ? "\n" : " ");
        fprintf(out, "RIP=%016" PRIx64 " RFL=%08x [%s] CPL=%d II=%d A20=%d SMM=0 HLT=%d\n",
                env->rip, fl, flags, x86_cpl(env), !!(env->hflags & HF_INHIBIT_IRQ),
                env->a20_mask == ~0ULL, cs->halted);
    } else {
        fprintf(out, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", (uint32_t)env->regs[R_EAX],
                (uint32_t)env->regs[R_EBX], (uint32_t)env->regs[R_ECX],
                (uint32_t)env->regs[R_EDX]);
        fprintf(out, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", (uint32_t)env->regs[R_ESI],
                (uint32_t)env->regs[R_EDI], (uint32_t)env->regs[R_EBP],
                (uint32_t)env->regs[R_ESP]);
        fprintf(out, "EIP=%08x EFL=%08x [%s] CPL=%d II=%d A20=%d SMM=0 HLT=%d\n",
                (uint32_t)env->rip, fl, flags, x86_cpl(env), !!(env->hflags & HF_INHIBIT_IRQ),
                env->a20_mask == ~0ULL, cs->halted);
    }
    for (int s = 0; s < 6; s++)
        dump_seg(env, out, segn[s], &env->segs[s]);
    dump_seg(env, out, "LDT", &env->ldt);
    dump_seg(env, out, "TR", &env->tr);
    if (env->hflags & HF_CS64) {
        fprintf(out, "GDT=     %016" PRIx64 " %08x\n", env->gdt.base, env->gdt.limit);
        fprintf(out, "IDT=     %016" PRIx64 " %08x\n", env->idt.base, env->idt.limit);
        fprintf(out, "CR0=%08x CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08x\n",
                (uint32_t)env->cr[0], env->cr[2], env->cr[3], (uint32_t)env->cr[4]);
        for (int i = 0; i < 4; i++)
            fprintf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
        fprintf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n", env->dr[6], env->dr[7]);
        if (out == log_file())
            fprintf(out, "CCS=%016" PRIx64 " CCD=%016" PRIx64 " CCO=%s\n", env->cc_src,
                    env->cc_dst, cc_op_name(env->cc_op));
    } else {
        fprintf(out, "GDT=     %08x %08x\n", (uint32_t)env->gdt.base, env->gdt.limit);
        fprintf(out, "IDT=     %08x %08x\n", (uint32_t)env->idt.base, env->idt.limit);
        fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", (uint32_t)env->cr[0],
                (uint32_t)env->cr[2], (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
        for (int i = 0; i < 4; i++)
            fprintf(out, "DR%d=%08x ", i, (uint32_t)env->dr[i]);
        fprintf(out, "\nDR6=%08x DR7=%08x\n", (uint32_t)env->dr[6], (uint32_t)env->dr[7]);
        if (out == log_file())
            fprintf(out, "CCS=%08x CCD=%08x CCO=%s\n", (uint32_t)env->cc_src,
                    (uint32_t)env->cc_dst, cc_op_name(env->cc_op));
    }
    fprintf(out, "EFER=%016" PRIx64 "\n", env->efer);
    if (out != log_file())
        dump_fpu(env, out);
}

/* ---- -d in_asm ---- */

void x86_log_block(CPUX86State *env, uint64_t pc, const uint8_t *code, unsigned len)
{
    FILE *out = log_file();

    log_printf("----------------\nIN: \n");
#if CONFIG_CAPSTONE
    {
        csh h;
        cs_insn *insn;
        cs_mode mode = (env->hflags & HF_CS64) ? CS_MODE_64
                       : (env->hflags & HF_CS32) ? CS_MODE_32 : CS_MODE_16;
        size_t n;

        if (cs_open(CS_ARCH_X86, mode, &h) == CS_ERR_OK) {
            cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
            n = cs_disasm(h, code, len, pc, 0, &insn);
            for (size_t i = 0; i < n; i++) {
                char bytes[64] = "";
                int p = 0;

                for (int j = 0; j < insn[i].size && p < 60; j++)
                    p += snprintf(bytes + p, sizeof(bytes) - p, "%02x ", insn[i].bytes[j]);
                fprintf(out, "0x%08" PRIx64 ":  %-25s%-8s %s\n", insn[i].address, bytes,
                        insn[i].mnemonic, insn[i].op_str);
            }
            if (n)
                cs_free(insn, n);
            cs_close(&h);
            fprintf(out, "\n");
            return;
        }
    }
#endif
    for (unsigned i = 0; i < len; i++)
        fprintf(out, "%s%02x", i % 16 ? " " : (i ? "\n0x" : "0x"), code[i]);
    fprintf(out, "\n\n");
    (void)pc;
}
