/* SPDX-License-Identifier: MIT */
/*
 * The fast handlers (cpu/x86/ops-fast.c) against the generic ones.
 *
 * Random programs of integer instructions (ALU, INC/DEC, shifts, MOV,
 * MOVZX/MOVSX, LEA, TEST, PUSH/POP, CALL/RET, Jcc, SETcc, CMOVcc, in
 * register and memory forms with every addressing shape) run twice from
 * the same state: once with the fast handlers off, once with them on. The
 * registers, EFLAGS, rip, the exception raised (vector, error code, CR2),
 * the instruction count and all of RAM must be the same. Every fast
 * handler falls back to the generic one when its inline path does not
 * apply, so the environments vary what makes it fall back: segment limits
 * and rights, a 16-bit stack, a non-zero segment base, paging with
 * read-only and absent pages, stores into the page holding the code, a
 * 16-bit code segment, accesses across a page or beyond the RAM (MMIO).
 * Conditions are evaluated after every kind of flag-setting instruction,
 * so each lazy flag state meets each condition.
 */
#include <inttypes.h>

#include "kemu/memory.h"
#include "ops-fast.h"
#include "ops.h"
#include "tap.h"
#include "x86-test-api.h"

#define RAM_SIZE (256 * KiB)
#define CODE 0x1000          /* program */
#define STACK 0x9000         /* initial ESP */
#define DATA 0x10000         /* pointer registers point around here */
#define PT 0x3e000           /* page directory, then one page table */
#define RO_PAGE 0x12000      /* read-only under paging */
#define NP_PAGE 0x14000      /* not present under paging */
#define MAX_INSNS 24

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned rn(unsigned n)
{
    return rnd() % n;
}

static uint32_t value(void)
{
    static const uint32_t edge[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                     0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffe };
    uint64_t r = rnd();

    switch (r & 3) {
    case 0: return edge[(r >> 8) % ARRAY_SIZE(edge)];
    case 1: return (r >> 16) & 0xff;
    default: return r >> 32;
    }
}

/* ---- program generation ---- */

typedef struct Prog {
    uint8_t b[512];
    int n;
} Prog;

static void emit(Prog *p, int byte)
{
    if (p->n < (int)sizeof(p->b))
        p->b[p->n++] = byte;
}

static void emit32(Prog *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit(p, v >> (8 * i));
}

/* Data registers (results) and pointer registers (bases). */
static int data_reg(void)
{
    static const int r[] = { 0, 1, 2 }; /* EAX ECX EDX */
    return r[rn(3)];
}

/* A ModRM memory operand (32-bit addressing) with reg field reg. */
static void emit_mem(Prog *p, int reg)
{
    static const int bases[] = { 3, 5, 6, 7 }; /* EBX EBP ESI EDI */
    int base = bases[rn(4)], shape = rn(6);
    int disp_kind = rn(3); /* none, disp8, disp32 */

    if (shape == 0) { /* disp32 only */
        emit(p, (reg << 3) | 5);
        emit32(p, DATA + rn(0x3000) - 0x100);
        return;
    }
    if (base == 5 && disp_kind == 0)
        disp_kind = 1;
    if (shape <= 3) { /* base + disp */
        emit(p, (disp_kind << 6) | (reg << 3) | base);
    } else { /* SIB: base + index * scale (+ disp); index EDI or ESI, or none */
        int index = shape == 4 ? 7 : rn(2) ? 6 : 4;

        if (base == 7 && index == 7)
            index = 6;
        emit(p, (disp_kind << 6) | (reg << 3) | 4);
        emit(p, (rn(4) << 6) | (index << 3) | base);
    }
    if (disp_kind == 1)
        emit(p, rn(256) - 128);
    else if (disp_kind == 2)
        emit32(p, (uint32_t)(rn(0x2000) - 0x1000));
}

static void emit_insn(Prog *p)
{
    int op = rn(8), r = data_reg(), r2 = rn(8), cc = rn(16);

    switch (rn(31)) {
    case 0: /* ALU r, r (32) */
        emit(p, (op << 3) | 1);
        emit(p, 0xc0 | (r2 << 3) | r);
        break;
    case 1: /* ALU r8, r8 */
        emit(p, (op << 3) | 0);
        emit(p, 0xc0 | (rn(8) << 3) | r);
        break;
    case 2: /* ALU r, imm8 / imm32 */
        if (rn(2)) {
            emit(p, 0x83);
            emit(p, 0xc0 | (op << 3) | r);
            emit(p, value());
        } else {
            emit(p, 0x81);
            emit(p, 0xc0 | (op << 3) | r);
            emit32(p, value());
        }
        break;
    case 3: /* ALU r, [m] / [m], r, 8 or 32 bits */
        emit(p, (op << 3) | rn(4)); /* Eb,Gb Ev,Gv Gb,Eb Gv,Ev */
        emit_mem(p, rn(2) ? r : rn(8));
        break;
    case 4: /* ALU [m], imm */
        switch (rn(3)) {
        case 0: emit(p, 0x80); emit_mem(p, op); emit(p, value()); break;
        case 1: emit(p, 0x83); emit_mem(p, op); emit(p, value()); break;
        default: emit(p, 0x81); emit_mem(p, op); emit32(p, value()); break;
        }
        break;
    case 5: /* INC/DEC r32 (40+r, 48+r, FF /0 /1), byte FE */
        switch (rn(3)) {
        case 0: emit(p, (rn(2) ? 0x40 : 0x48) + r); break;
        case 1: emit(p, 0xff); emit(p, 0xc0 | (rn(2) << 3) | r); break;
        default: emit(p, 0xfe); emit(p, 0xc0 | (rn(2) << 3) | r); break;
        }
        break;
    case 6: /* INC/DEC [m] */
        emit(p, rn(4) ? 0xff : 0xfe);
        emit_mem(p, rn(2));
        break;
    case 7: /* NEG/NOT, shifts and rotates (leave EFLAGS-form lazy state) */
        switch (rn(4)) {
        case 0: emit(p, 0xf7); emit(p, 0xc0 | ((2 + rn(2)) << 3) | r); break;
        case 1: emit(p, 0xc1); emit(p, 0xc0 | (rn(8) << 3) | r); emit(p, rn(40)); break;
        case 2: emit(p, 0xd1); emit(p, 0xc0 | (rn(8) << 3) | r); break;
        default: emit(p, 0xd3); emit(p, 0xc0 | (rn(8) << 3) | r); break;
        }
        break;
    case 8: /* ADC/SBB r, r / r, imm (lazy ADC/SBB states) */
        if (rn(2)) {
            emit(p, (rn(2) ? 0x11 : 0x19));
            emit(p, 0xc0 | (r2 << 3) | r);
        } else {
            emit(p, 0x83);
            emit(p, 0xc0 | ((2 + rn(2)) << 3) | r);
            emit(p, value());
        }
        break;
    case 9: /* TEST */
        switch (rn(4)) {
        case 0: emit(p, 0x85); emit(p, 0xc0 | (r2 << 3) | r); break;
        case 1: emit(p, 0x85); emit_mem(p, r); break;
        case 2: emit(p, 0xf6); emit_mem(p, 0); emit(p, value()); break;
        default: emit(p, 0xf7); emit_mem(p, 0); emit32(p, value()); break;
        }
        break;
    case 10: case 11: /* MOV loads and stores, 8/16/32 */
        switch (rn(6)) {
        case 0: emit(p, 0x8b); emit_mem(p, r); break;
        case 1: emit(p, 0x89); emit_mem(p, rn(8)); break;
        case 2: emit(p, 0x8a); emit_mem(p, rn(8)); break;
        case 3: emit(p, 0x88); emit_mem(p, rn(8)); break;
        case 4: emit(p, 0x66); emit(p, rn(2) ? 0x8b : 0x89); emit_mem(p, r); break;
        default: emit(p, 0x66); emit(p, rn(2) ? 0x8b : 0x89); emit_mem(p, rn(8)); break;
        }
        break;
    case 12: /* MOV [m], imm */
        switch (rn(3)) {
        case 0: emit(p, 0xc6); emit_mem(p, 0); emit(p, value()); break;
        case 1: emit(p, 0x66); emit(p, 0xc7); emit_mem(p, 0); emit(p, value()); emit(p, 7); break;
        default: emit(p, 0xc7); emit_mem(p, 0); emit32(p, value()); break;
        }
        break;
    case 13: /* MOVZX/MOVSX */
        emit(p, 0x0f);
        emit(p, 0xb6 + rn(2) + 8 * rn(2));
        emit_mem(p, r);
        break;
    case 14: /* LEA */
        emit(p, 0x8d);
        emit_mem(p, rn(4) ? r : rn(8));
        break;
    case 15: case 16: /* Jcc over the next instruction (rel8 or rel32) */
    {
        Prog next = { .n = 0 };

        emit_insn(&next);
        if (rn(2)) {
            emit(p, 0x70 + cc);
            emit(p, next.n);
        } else {
            emit(p, 0x0f);
            emit(p, 0x80 + cc);
            emit32(p, next.n);
        }
        for (int i = 0; i < next.n; i++)
            emit(p, next.b[i]);
        break;
    }
    case 17: /* SETcc r8 / [m] */
        emit(p, 0x0f);
        emit(p, 0x90 + cc);
        if (rn(3))
            emit(p, 0xc0 | rn(8));
        else
            emit_mem(p, 0);
        break;
    case 18: /* CMOVcc r, r / [m] */
        emit(p, 0x0f);
        emit(p, 0x40 + cc);
        if (rn(2))
            emit(p, 0xc0 | (r << 3) | r2);
        else
            emit_mem(p, r);
        break;
    case 19: /* PUSH r / POP r (a data register, or ESP itself now and then) */
        emit(p, (rn(2) ? 0x50 : 0x58) + (rn(8) ? r : 4));
        break;
    case 20: /* call L; jmp over; L: ret [imm16]; over: */
        if (rn(2)) {
            emit(p, 0xe8); emit32(p, 2); emit(p, 0xeb); emit(p, 1); emit(p, 0xc3);
        } else {
            emit(p, 0xe8); emit32(p, 2); emit(p, 0xeb); emit(p, 3); emit(p, 0xc2);
            emit(p, 4 * rn(3)); emit(p, 0);
        }
        break;
    case 21: /* CMP then Jcc: the compare-and-branch pair */
        emit(p, 0x39);
        emit(p, 0xc0 | (r2 << 3) | r);
        emit(p, 0x70 + cc);
        emit(p, 1);
        emit(p, 0x40 + r);
        break;
    case 24: /* IMUL r, r/m [, imm] */
        switch (rn(4)) {
        case 0: emit(p, 0x0f); emit(p, 0xaf); emit(p, 0xc0 | (r << 3) | r2); break;
        case 1: emit(p, 0x0f); emit(p, 0xaf); emit_mem(p, r); break;
        case 2: emit(p, 0x6b); emit(p, 0xc0 | (r << 3) | r2); emit(p, value()); break;
        default: emit(p, 0x69); emit_mem(p, r); emit32(p, value()); break;
        }
        break;
    case 22: /* store into the code page, past the program (code write path) */
        emit(p, 0x89);
        emit(p, 0x05);
        emit32(p, CODE + 0x800 + rn(0x100) * 4);
        break;
    case 23: /* a pointer register moves (page crossings, other pages) */
        emit(p, 0x81);
        emit(p, 0xc0 | ((rn(2) ? 0 : 5) << 3) | (rn(2) ? 3 : 6));
        emit32(p, rn(2) ? 0xffd + rn(6) : rn(0x8000));
        break;
    default: /* ALU r, r again (the most common form) */
        emit(p, (op << 3) | 3);
        emit(p, 0xc0 | (r << 3) | r2);
        break;
    }
}

/* ---- environments ---- */

enum {
    ENV_FLAT, ENV_DS_LIMIT, ENV_DS_BASE, ENV_DS_RO, ENV_SS16, ENV_PAGING, ENV_USER, ENV_CS16,
    ENV_CS_LIMIT, ENV_EXPAND_DOWN, ENV_NB
};
static const char *const env_names[ENV_NB] = {
    "flat", "DS limit", "DS base", "DS read-only", "16-bit stack", "paging", "CPL 3 paging",
    "16-bit code", "CS limit", "expand-down SS",
};

static X86CPU *cpu;
static X86CPU cpu_reset;      /* the CPU as created: every run starts from it */
static uint8_t *ram;

/* Identity map of the first 4 MiB; RO_PAGE read-only (supervisor-only
 * for CPL 3), NP_PAGE absent. */
static void build_page_tables(bool user)
{
    uint32_t *pd = (uint32_t *)(ram + PT), *pt = (uint32_t *)(ram + PT + 0x1000);

    memset(pd, 0, 0x2000);
    pd[0] = (PT + 0x1000) | 0x27;
    for (uint32_t i = 0; i < 1024; i++)
        pt[i] = (i << 12) | 0x67; /* present, writable, user, accessed, dirty */
    pt[RO_PAGE >> 12] &= user ? ~4u : ~2u;
    pt[(RO_PAGE >> 12) + 1] &= ~2u;
    pt[NP_PAGE >> 12] = 0;
}

static void setup(int kind, const Prog *prog, const uint64_t regs[8], uint32_t flags)
{
    X86TestState st = { 0 };

    /* Stray code at CPL 0 may have changed anything (control registers,
     * descriptor tables, MSRs, the FPU): start from the same CPU. */
    memcpy(cpu, &cpu_reset, sizeof(*cpu));
    x86_test_set_mode(cpu, kind == ENV_CS16 ? X86_TEST_PM16 : X86_TEST_PM32);
    memset(ram, 0, RAM_SIZE);
    for (int i = 0; i < RAM_SIZE; i += 4)
        *(uint32_t *)(ram + i) = i * 0x9e3779b1u;
    memcpy(ram + CODE, prog->b, prog->n);
    ram[CODE + prog->n] = 0xf4;
    memcpy(st.regs, regs, 8 * sizeof(uint64_t));
    st.rip = CODE;
    st.eflags = flags;
    x86_test_set_halted(cpu, false);
    x86_test_set_state(cpu, &st);
    switch (kind) {
    case ENV_DS_LIMIT: cpu->segs[R_DS].limit = DATA + 0x1800; break;
    case ENV_DS_BASE: cpu->segs[R_DS].base = 0x1004; break;
    case ENV_DS_RO: cpu->segs[R_DS].flags &= ~DESC_W_MASK; break;
    case ENV_SS16:
        cpu->segs[R_SS].flags &= ~DESC_B_MASK;
        cpu->segs[R_SS].limit = 0xffff;
        break;
    case ENV_CS_LIMIT: cpu->segs[R_CS].limit = CODE + prog->n / 2; break;
    case ENV_EXPAND_DOWN:
        cpu->segs[R_SS].flags |= DESC_E_MASK;
        cpu->segs[R_SS].limit = STACK - 0x20;
        break;
    case ENV_PAGING:
    case ENV_USER:
        build_page_tables(kind == ENV_USER);
        x86_test_set_cr(cpu, 3, PT);
        x86_test_set_cr(cpu, 0, x86_test_get_cr(cpu, 0) | CR0_PG | CR0_WP);
        if (kind == ENV_USER)
            x86_set_cpl(cpu, 3);
        break;
    }
    x86_update_hflags(cpu);
    for (int s = 0; s < X86_NSEGS; s++)
        x86_seg_update_window(cpu, &cpu->segs[s], s);
    x86_tlb_flush(cpu, true);
    x86_code_flush(cpu);
}

typedef struct Outcome {
    X86TestState st;
    int64_t insns;
    int vec, err;
    uint64_t cr2;
    bool halted;
    uint8_t mem[RAM_SIZE];
} Outcome;

static void run(bool fast, int kind, const Prog *prog, const uint64_t regs[8], uint32_t flags,
                Outcome *o)
{
    x86_fast_enable(fast);
    setup(kind, prog, regs, flags);
    x86_test_take_exception(cpu, NULL);
    cpu->cr[2] = 0;
    o->insns = x86_test_run(cpu, MAX_INSNS * 4);
    o->vec = x86_test_take_exception(cpu, &o->err);
    x86_test_get_state(cpu, &o->st);
    o->cr2 = cpu->cr[2];
    o->halted = x86_test_halted(cpu);
    memcpy(o->mem, ram, RAM_SIZE);
}

static void describe(char *buf, size_t len, const Outcome *a, const Outcome *b)
{
    int n = 0;

    for (int i = 0; i < 8 && n < (int)len; i++) {
        if (a->st.regs[i] != b->st.regs[i])
            n += snprintf(buf + n, len - n, " r%d %08" PRIx64 "/%08" PRIx64, i, a->st.regs[i],
                          b->st.regs[i]);
    }
    if (n < (int)len && a->st.eflags != b->st.eflags)
        n += snprintf(buf + n, len - n, " eflags %x/%x", a->st.eflags, b->st.eflags);
    if (n < (int)len && a->st.rip != b->st.rip)
        n += snprintf(buf + n, len - n, " rip %" PRIx64 "/%" PRIx64, a->st.rip, b->st.rip);
    if (n < (int)len && (a->vec != b->vec || a->err != b->err))
        n += snprintf(buf + n, len - n, " exc %d:%d/%d:%d", a->vec, a->err, b->vec, b->err);
    if (n < (int)len && a->insns != b->insns)
        n += snprintf(buf + n, len - n, " insns %" PRId64 "/%" PRId64, a->insns, b->insns);
    for (int i = 0; i < RAM_SIZE && n < (int)len; i++) {
        if (a->mem[i] != b->mem[i]) {
            n += snprintf(buf + n, len - n, " mem[%x] %02x/%02x", i, a->mem[i], b->mem[i]);
            break;
        }
    }
}

static void dump_case(const Prog *prog, const uint64_t regs[8], uint32_t flags)
{
    printf("# program:");
    for (int i = 0; i < prog->n; i++)
        printf(" %02x", prog->b[i]);
    printf("\n# registers:");
    for (int i = 0; i < 8; i++)
        printf(" %08" PRIx64, regs[i]);
    printf(" eflags %x\n", flags);
}

static bool same(const Outcome *a, const Outcome *b)
{
    return !memcmp(&a->st, &b->st, sizeof(a->st)) && a->insns == b->insns && a->vec == b->vec &&
           a->err == b->err && a->cr2 == b->cr2 && a->halted == b->halted &&
           !memcmp(a->mem, b->mem, RAM_SIZE);
}

int main(void)
{
    static MemRegion ram_mr;
    static Outcome slow, fast;
    Error *err = NULL;
    int iters = getenv("KEMU_TEST_SLOW") ? 20000 : 600;

    plan(ENV_NB + 1);
    mem_system_init();
    mr_init_ram(&ram_mr, "ram", RAM_SIZE);
    mr_add_subregion(&mr_system, 0, &ram_mr);
    ram = ram_mr.ram;
    /* No time stamp counter: RDTSC would differ between the two runs. */
    cpu = x86_cpu_create("max,-tsc,-rdtscp", 0, &err);
    if (!cpu) {
        error_report_err(err);
        return 1;
    }
    x86_test_trap_exceptions(cpu, true);
    memcpy(&cpu_reset, cpu, sizeof(cpu_reset));

    for (int kind = 0; kind < ENV_NB; kind++) {
        int bad = 0, faults = 0;
        int64_t insns = 0;
        char why[400] = "";

        for (int k = 0; k < iters; k++) {
            Prog prog = { .n = 0 };
            uint64_t regs[8];
            uint32_t flags = (rnd() & 0x8d5) | 2;

            for (int i = 0; i < MAX_INSNS; i++)
                emit_insn(&prog);
            for (int i = 0; i < 8; i++)
                regs[i] = value();
            regs[3] = DATA + rn(0x2000);     /* EBX */
            regs[4] = STACK;                 /* ESP */
            regs[5] = STACK - 0x100 - rn(0x100); /* EBP */
            regs[6] = DATA + rn(0x2000);     /* ESI */
            regs[7] = rn(0x400);             /* EDI: an index, or a low pointer */
            run(false, kind, &prog, regs, flags, &slow);
            run(true, kind, &prog, regs, flags, &fast);
            insns += slow.insns;
            faults += slow.vec >= 0;
            if (!same(&slow, &fast) && !bad++) {
                int n = snprintf(why, sizeof(why), " first: case %d:", k);

                describe(why + n, sizeof(why) - n, &slow, &fast);
                dump_case(&prog, regs, flags);
            }
        }
        ok(bad == 0, "%s: %d/%d programs differ (%" PRId64 " instructions, %d faults)%s",
           env_names[kind], bad, iters, insns, faults, why);
    }

    /* The fast forms really are in use. */
    {
        DecodedInsn d;
        uint8_t code[] = { 0x8b, 0x43, 0x04 }; /* mov eax, [ebx + 4] */
        X86Fetch f = { .env = cpu, .pc = CODE, .page = code, .page_left = sizeof(code),
                       .allow_fault = true };
        uint32_t of = 0;

        x86_fast_enable(true);
        x86_test_set_mode(cpu, X86_TEST_PM32);
        x86_decode(cpu, cpu->hflags & HF_KEY_MASK, &f, &d, &of);
        ok(d.fn != hs_mov_ge.h[2][1] && d.len == 3, "mov eax, [ebx + 4] gets a fast handler");
    }
    return done_testing();
}
