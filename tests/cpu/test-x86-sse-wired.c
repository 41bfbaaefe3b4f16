/* SPDX-License-Identifier: MIT */
/*
 * SSE through the CPU: kemu's decoder and ops-sse.c against the host.
 *
 * test-sse checks the SSE engine (sse_exec) alone; this test checks the
 * wiring: every form the engine knows is encoded as real instruction
 * bytes (mandatory prefix, an optional extra 66, REX.W/R/B in 64-bit
 * mode, register and [base+disp8] memory operands, RIP-relative operands
 * in 64-bit mode, imm8), decoded and executed by a kemu CPU in flat 32-bit
 * protected mode and in 64-bit mode, and run natively from the same state:
 * GPRs, EFLAGS, x87/MMX, MXCSR, XMM0-15 and a two-page data window.
 * Compared: every GPR (address registers relative to the window), the
 * arithmetic flags, the FXSAVE image (x87/MMX registers, MXCSR, XMM), the
 * window's bytes, and the exception (#UD, #GP for misaligned operands, #PF,
 * #XM). Then known answers for what the host cannot show: CR0.EM/TS,
 * CR4.OSFXSR/OSXMMEXCPT, a store straddling a non-present page, LOCK,
 * pending x87 errors before MMX forms, CPUID gates, LDMXCSR/STMXCSR,
 * FXSAVE/FXRSTOR, MOVNTI.
 * x86-64 Linux hosts only; KEMU_TEST_SLOW=1 runs more cases.
 * Reference: Intel SDM vol. 2A 2.4 (exception classes), vol. 1 ch. 10-12.
 */
#include <cpuid.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "kemu/memory.h"
#include "sse.h"
#include "tap.h"
#include "x86-test-api.h"

/* ---- guest layout (physical = linear) ---- */

#define PML4 0x1000            /* PML4, PDPT, PD, PT at 0x1000-0x4fff */
#define CODE 0x10000
#define DATA 0x11000           /* the two-page window */
#define HOLE 0x13000           /* not present in 64-bit mode */
#define WIN 0x2000
#define STACK 0x9000

/* ---- native side ---- */

typedef struct WCtx {
    uint64_t gpr[16];
    uint64_t rflags;
    uint64_t pad;
    uint8_t fx[512];
} __attribute__((aligned(16))) WCtx;

void wired_enter(WCtx *c, void *code);
void wired_exit(void);

__asm__(".text\n"
        ".globl wired_enter\n"
        ".hidden wired_enter\n"
        "wired_enter:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  mov %rsp, wired_rsp(%rip)\n"
        "  mov %rdi, wired_ctx(%rip)\n"
        "  mov %rsi, wired_code(%rip)\n"
        "  fxrstor64 144(%rdi)\n"
        "  pushq 128(%rdi)\n  popfq\n"
        "  mov 0(%rdi), %rax\n  mov 8(%rdi), %rcx\n  mov 16(%rdi), %rdx\n"
        "  mov 24(%rdi), %rbx\n  mov 40(%rdi), %rbp\n  mov 48(%rdi), %rsi\n"
        "  mov 64(%rdi), %r8\n  mov 72(%rdi), %r9\n  mov 80(%rdi), %r10\n"
        "  mov 88(%rdi), %r11\n  mov 96(%rdi), %r12\n  mov 104(%rdi), %r13\n"
        "  mov 112(%rdi), %r14\n  mov 120(%rdi), %r15\n  mov 56(%rdi), %rdi\n"
        "  jmp *wired_code(%rip)\n"
        ".globl wired_exit\n"
        ".hidden wired_exit\n"
        "wired_exit:\n"
        "  mov %rdi, wired_tmp(%rip)\n"
        "  mov wired_ctx(%rip), %rdi\n"
        "  mov %rax, 0(%rdi)\n  mov %rcx, 8(%rdi)\n  mov %rdx, 16(%rdi)\n"
        "  mov %rbx, 24(%rdi)\n  mov %rbp, 40(%rdi)\n  mov %rsi, 48(%rdi)\n"
        "  mov %r8, 64(%rdi)\n  mov %r9, 72(%rdi)\n  mov %r10, 80(%rdi)\n"
        "  mov %r11, 88(%rdi)\n  mov %r12, 96(%rdi)\n  mov %r13, 104(%rdi)\n"
        "  mov %r14, 112(%rdi)\n  mov %r15, 120(%rdi)\n"
        "  mov wired_tmp(%rip), %rax\n  mov %rax, 56(%rdi)\n"
        "  pushfq\n  popq 128(%rdi)\n"
        "  fxsave64 144(%rdi)\n"
        "  mov wired_rsp(%rip), %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n"
        ".bss\n"
        ".align 8\n"
        "wired_rsp: .zero 8\n"
        "wired_ctx: .zero 8\n"
        "wired_code: .zero 8\n"
        "wired_tmp: .zero 8\n"
        ".text\n");

static uint8_t *native_page;   /* code page; the window follows, then a PROT_NONE page */
static sigjmp_buf native_jb;
static volatile sig_atomic_t native_vec;
static uint8_t clean_fx[512] __attribute__((aligned(16)));

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)si;
    native_vec = sig == SIGILL ? 6 : (int)uc->uc_mcontext.gregs[REG_TRAPNO];
    siglongjmp(native_jb, 1);
}

static void native_init(void)
{
    struct sigaction sa;

    native_page = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (native_page == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    mprotect(native_page + 3 * 4096, 4096, PROT_NONE);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    __asm__ volatile("fxsave64 %0" : "=m"(clean_fx));
}

/* Run insn natively from c (the window already filled); -1 or the vector. */
static int native_run(const uint8_t *insn, unsigned len, WCtx *c)
{
    uint8_t *p = native_page;
    uint64_t exit_addr = (uint64_t)(uintptr_t)wired_exit;

    memcpy(p, insn, len);
    memcpy(p + len, "\xff\x25\x00\x00\x00\x00", 6); /* jmp [rip+0] */
    memcpy(p + len + 6, &exit_addr, 8);
    native_vec = -1;
    if (sigsetjmp(native_jb, 1) == 0)
        wired_enter(c, p);
    __asm__ volatile("fxrstor64 %0" : : "m"(clean_fx));
    return native_vec;
}

/* ---- kemu side ---- */

static X86CPU *cpu32, *cpu64;

static void build_page_tables(void)
{
    uint64_t e;

    for (uint64_t a = PML4; a < PML4 + 0x4000; a += 8)
        as_write(&as_memory, a, "\0\0\0\0\0\0\0\0", 8);
    e = (PML4 + 0x1000) | 3;
    as_write(&as_memory, PML4, &e, 8);
    e = (PML4 + 0x2000) | 3;
    as_write(&as_memory, PML4 + 0x1000, &e, 8);
    e = (PML4 + 0x3000) | 3;                      /* PD[0] -> PT: 4 KiB pages */
    as_write(&as_memory, PML4 + 0x2000, &e, 8);
    for (uint64_t i = 1; i < 512; i++) {          /* the rest: 2 MiB pages */
        e = (i << 21) | 0x83;
        as_write(&as_memory, PML4 + 0x2000 + i * 8, &e, 8);
    }
    for (uint64_t i = 0; i < 512; i++) {
        e = (i << 12) == HOLE ? 0 : (i << 12) | 3;
        as_write(&as_memory, PML4 + 0x3000 + i * 8, &e, 8);
    }
}

static X86CPU *kemu_cpu(const char *model, int index, bool long64)
{
    Error *err = NULL;
    X86CPU *cpu = x86_cpu_create(model, index, &err);

    if (!cpu) {
        error_report_err(err);
        exit(1);
    }
    x86_test_trap_exceptions(cpu, true);
    if (long64)
        x86_test_enter_long64(cpu, PML4);
    else
        x86_test_set_mode(cpu, X86_TEST_PM32);
    x86_test_set_cr(cpu, 0, x86_test_get_cr(cpu, 0) | 0x22); /* MP, NE */
    x86_test_set_cr(cpu, 4, x86_test_get_cr(cpu, 4) | 0x600); /* OSFXSR, OSXMMEXCPT */
    return cpu;
}

/* Run insn (followed by HLT) in kemu from c; -1 or the vector. */
static int kemu_run(X86CPU *cpu, const uint8_t *insn, unsigned len, WCtx *c)
{
    X86TestState st;
    uint8_t code[32];
    int vec;

    memcpy(code, insn, len);
    code[len] = 0xf4;
    as_write(&as_memory, CODE, code, len + 1);
    x86_test_get_state(cpu, &st);
    memcpy(st.regs, c->gpr, sizeof(st.regs));
    st.regs[4] = STACK;
    st.rip = CODE;
    st.eflags = (uint32_t)c->rflags;
    x86_test_set_state(cpu, &st);
    if (!x86_test_fxrstor(cpu, c->fx))
        return 13;
    x86_test_set_halted(cpu, false);
    x86_test_take_exception(cpu, NULL);
    x86_test_run(cpu, 1);
    vec = x86_test_take_exception(cpu, NULL);
    x86_test_get_state(cpu, &st);
    memcpy(c->gpr, st.regs, sizeof(st.regs));
    c->rflags = st.eflags;
    x86_test_fxsave(cpu, c->fx);
    return vec;
}

/* ---- random state ---- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

static uint64_t gen_u64(void)
{
    static const uint64_t pats[] = {
        0, 1, ~0ULL, 0x80, 0x7f, 0xffff, 0x8000, 0x80000000, 0x7fffffff, 0xffffffff,
        0x8000000000000000ULL, 0x3ff0000000000000ULL, 0x3f8000003f800000ULL,
        0x7ff8000000000000ULL, 0x7f8000007fc00000ULL, 0x0000000100000001ULL, 16, 5,
    };

    switch (rndn(4)) {
    case 0: return pats[rndn(ARRAY_SIZE(pats))];
    case 1: return (uint64_t)(int64_t)(int)(rndn(41) - 20);
    case 2: return rnd() >> rndn(64);
    default: return rnd();
    }
}

static uint32_t gen_mxcsr(void)
{
    uint32_t m = (uint32_t)rnd() & 0x603f;           /* RC, flags */

    if (rndn(3))
        m &= ~0x3fu;
    m |= rndn(6) ? 0x1f80 : (uint32_t)(rnd() & 0x1f80);
    if (rndn(4) == 0)
        m |= 0x8040;                                 /* FZ, DAZ */
    return m;
}

static void gen_fx(uint8_t fx[512])
{
    memset(fx, 0, 512);
    fx[0] = 0x7f;                                    /* FCW 037F */
    fx[1] = 0x03;
    stl_le(fx + 24, gen_mxcsr());
    stl_le(fx + 28, 0xffff);
    for (int i = 0; i < 8; i++) {
        stq_le(fx + 32 + 16 * i, gen_u64());
        stw_le(fx + 40 + 16 * i, rnd());
    }
    for (int i = 0; i < 16; i++) {
        stq_le(fx + 160 + 16 * i, gen_u64());
        stq_le(fx + 168 + 16 * i, rndn(3) ? gen_u64() : ldq_le(fx + 160 + 16 * i));
    }
}

/* ---- forms ---- */

typedef struct Form {
    uint8_t map, opcode, prefix, sel;
    SSEInfo reg_info, mem_info;  /* flags SSE_I_UD when the form lacks reg/mem */
} Form;

typedef struct Enc {
    uint8_t bytes[24];
    unsigned len;
    bool mem, rip_rel;
    uint8_t base;                /* GPR holding the window address (mem, not rip_rel) */
    uint8_t reg, rm;             /* with REX bits */
    SSEInfo info;
} Enc;

/* Encode f with random registers, REX (long64) and operand. */
static void encode(const Form *f, bool long64, bool mem, Enc *e)
{
    uint8_t rex = 0, *p = e->bytes;
    int disp_at = -1;

    memset(e, 0, sizeof(*e));
    e->mem = mem;
    e->info = mem ? f->mem_info : f->reg_info;
    if ((e->info.flags & SSE_I_NOSSE) && f->prefix != 0x66 && rndn(4) == 0)
        *p++ = 0x66;                                 /* 16-bit integer operand size */
    if (f->prefix)
        *p++ = f->prefix;
    if (long64 && rndn(2))
        rex = 0x40 | (rnd() & 0xd);                  /* W, R, B (no SIB: X unused) */
    for (;;) {
        e->reg = rndn(8) | ((rex & 4) ? 8 : 0);
        e->rm = rndn(8) | ((rex & 1) ? 8 : 0);
        if ((f->map == 1 && f->opcode >= 0x71 && f->opcode <= 0x73))
            e->reg = f->sel | ((rex & 4) ? 8 : 0);
        if ((e->info.flags & (SSE_I_REG_GPR | SSE_I_REG_GPR_IN)) && (e->reg & 7) == 4 &&
            !(e->reg & 8))
            continue;                                /* not RSP */
        if ((e->info.flags & (SSE_I_REG_GPR | SSE_I_REG_GPR_IN)) && e->reg == 7)
            continue;                                /* RDI is an address */
        if (!mem && (e->info.flags & SSE_I_RM_GPR) && (e->rm == 4 || e->rm == 7))
            continue;
        if (mem && (e->reg & 7) == 3 && (e->info.flags & (SSE_I_REG_GPR | SSE_I_REG_GPR_IN)))
            continue;                                /* not the base */
        break;
    }
    if (rex)
        *p++ = rex;
    *p++ = 0x0f;
    if (f->map == 2)
        *p++ = 0x38;
    else if (f->map == 3)
        *p++ = 0x3a;
    *p++ = f->opcode;
    if (!mem) {
        *p++ = 0xc0 | (e->reg & 7) << 3 | (e->rm & 7);
    } else if (long64 && rndn(4) == 0) {
        e->rip_rel = true;
        *p++ = 0x05 | (e->reg & 7) << 3;
        disp_at = p - e->bytes;
        p += 4;
    } else {
        e->base = 3 | ((rex & 1) ? 8 : 0);           /* [rbx/r11 + disp8] */
        *p++ = 0x43 | (e->reg & 7) << 3;
        *p++ = rndn(0x40);
    }
    if (e->info.flags & SSE_I_IMM8)
        *p++ = rnd();
    e->len = p - e->bytes;
    if (disp_at >= 0) {                              /* RIP-relative: into the window */
        int32_t target = 0x1000 + (int32_t)rndn(0xfc0);

        if ((e->info.flags & SSE_I_ALIGN) && rndn(8))
            target &= ~15;
        stl_le(e->bytes + disp_at, target - (int32_t)e->len);
    }
}

/* Random inputs; the base register points into the window (gpr values are
 * window offsets for the address registers until place() adds a base). */
static void gen_case(const Enc *e, bool long64, WCtx *c, uint8_t win[WIN])
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < 16; i++)
        c->gpr[i] = long64 ? gen_u64() : (uint32_t)gen_u64();
    if (e->info.flags & SSE_I_RAX_RDX_IN) {
        c->gpr[0] = rndn(2) ? rndn(40) - 20 : c->gpr[0];
        c->gpr[2] = rndn(2) ? rndn(40) - 20 : c->gpr[2];
    }
    if (e->mem && !e->rip_rel) {
        uint64_t off = rndn(0x1f80);

        if ((e->info.flags & SSE_I_ALIGN) && rndn(8))
            off = (off & ~15ULL) + 16 - (e->bytes[e->len - ((e->info.flags & SSE_I_IMM8) ? 2 : 1)] & 15);
        c->gpr[e->base] = off;
    }
    c->gpr[7] = rndn(0x1ff0);                         /* MASKMOVDQU: DS:rDI */
    c->rflags = 0x202 | (rnd() & 0x8d5);
    gen_fx(c->fx);
    for (int i = 0; i < WIN; i += 8)
        stq_le(win + i, gen_u64());
}

static bool is_addr_reg(const Enc *e, int r)
{
    return r == 7 || (e->mem && !e->rip_rel && r == e->base);
}

/* ---- comparison ---- */

static char why[1024];

static void hexdump(char *buf, size_t n, const uint8_t *b, unsigned len)
{
    size_t o = 0;

    for (unsigned i = 0; i < len && o + 4 < n; i++)
        o += snprintf(buf + o, n - o, "%02x ", b[i]);
}

static bool compare(const Enc *e, bool long64, const WCtx *in, const WCtx *nat, int nv,
                    const uint8_t *nwin, const WCtx *kem, int kv, const uint8_t *kwin)
{
    uint64_t mask = long64 ? ~0ULL : 0xffffffffULL;
    char bytes[80];
    size_t o;

    hexdump(bytes, sizeof(bytes), e->bytes, e->len);
    o = snprintf(why, sizeof(why), "[%s] %s: ", long64 ? "64" : "32", bytes);
    if (nv != kv) {
        snprintf(why + o, sizeof(why) - o, "exception native %d kemu %d (MXCSR %08x)", nv, kv,
                 ldl_le(in->fx + 24));
        return false;
    }
    if (memcmp(nwin, kwin, WIN)) {
        for (int i = 0; i < WIN; i++)
            if (nwin[i] != kwin[i]) {
                snprintf(why + o, sizeof(why) - o, "window byte %#x native %02x kemu %02x", i,
                         nwin[i], kwin[i]);
                break;
            }
        return false;
    }
    if (nv >= 0)
        return true;
    for (int r = 0; r < 16; r++) {
        if (r == 4 || (!long64 && r >= 8))
            continue;
        if ((nat->gpr[r] & mask) != (kem->gpr[r] & mask)) {
            snprintf(why + o, sizeof(why) - o, "r%d native %" PRIx64 " kemu %" PRIx64, r,
                     nat->gpr[r], kem->gpr[r]);
            return false;
        }
    }
    if ((nat->rflags ^ kem->rflags) & 0x8d5) {
        snprintf(why + o, sizeof(why) - o, "flags native %03" PRIx64 " kemu %03" PRIx64,
                 nat->rflags & 0x8d5, kem->rflags & 0x8d5);
        return false;
    }
    /* FCW FSW, abridged FTW, MXCSR, ST/MM0-7, XMM0-15 (0-7 in 32-bit mode) */
    static const struct { unsigned off, len; const char *what; } parts[] = {
        { 0, 5, "FCW/FSW/FTW" }, { 24, 4, "MXCSR" }, { 32, 128, "ST/MM" }, { 160, 256, "XMM" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        unsigned len = parts[i].off == 160 && !long64 ? 128 : parts[i].len;

        for (unsigned b = parts[i].off; b < parts[i].off + len; b++) {
            if ((b - 32) % 16 >= 10 && b >= 32 && b < 160)
                continue;                            /* reserved bytes of ST slots */
            if (nat->fx[b] != kem->fx[b]) {
                snprintf(why + o, sizeof(why) - o, "%s byte %u native %02x kemu %02x",
                         parts[i].what, b, nat->fx[b], kem->fx[b]);
                return false;
            }
        }
    }
    return true;
}

/* One random case of f; false with why[] on a mismatch. */
static bool run_one(const Form *f, bool long64)
{
    static WCtx in, nat, kem;
    static uint8_t win[WIN], nwin[WIN], kwin[WIN];
    bool mem = (f->reg_info.flags & SSE_I_UD) ? true
               : (f->mem_info.flags & SSE_I_UD) ? false : rndn(2);
    X86CPU *cpu = long64 ? cpu64 : cpu32;
    Enc e;
    int nv, kv;

    encode(f, long64, mem, &e);
    gen_case(&e, long64, &in, win);
    nat = in;
    kem = in;
    for (int r = 0; r < 16; r++) {
        if (is_addr_reg(&e, r)) {
            nat.gpr[r] = (uint64_t)(uintptr_t)(native_page + 0x1000) + in.gpr[r];
            kem.gpr[r] = DATA + in.gpr[r];
        }
    }
    memcpy(native_page + 0x1000, win, WIN);
    nv = native_run(e.bytes, e.len, &nat);
    memcpy(nwin, native_page + 0x1000, WIN);
    as_write(&as_memory, DATA, win, WIN);
    kv = kemu_run(cpu, e.bytes, e.len, &kem);
    as_read(&as_memory, DATA, kwin, WIN);
    for (int r = 0; r < 16; r++) {
        if (is_addr_reg(&e, r)) {
            nat.gpr[r] -= (uint64_t)(uintptr_t)(native_page + 0x1000);
            kem.gpr[r] -= DATA;
        }
    }
    return compare(&e, long64, &in, &nat, nv, nwin, &kem, kv, kwin);
}

static bool host_has(uint8_t feature)
{
    unsigned a, b, c, d;

    __cpuid(1, a, b, c, d);
    switch (feature) {
    case SSE_F_SSE: return d & (1u << 25);
    case SSE_F_SSE2: return d & (1u << 26);
    case SSE_F_SSE3: return c & 1;
    case SSE_F_SSSE3: return c & (1u << 9);
    case SSE_F_SSE41: return c & (1u << 19);
    case SSE_F_SSE42: return c & (1u << 20);
    case SSE_F_POPCNT: return c & (1u << 23);
    case SSE_F_AES: return c & (1u << 25);
    case SSE_F_PCLMUL: return c & (1u << 1);
    case SSE_F_LZCNT:
        __cpuid(0x80000001, a, b, c, d);
        return c & (1u << 5);
    default: return false;  /* BMI1: kemu has no VEX, so no TZCNT */
    }
}

static void test_forms(int cases)
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };

    for (int map = 1; map <= 3; map++) {
        for (int op = 0; op < 256; op++) {
            for (int pi = 0; pi < 4; pi++) {
                for (int sel = 0; sel < 8; sel++) {
                    bool group = map == 1 && op >= 0x71 && op <= 0x73;
                    Form f = { map, op, prefixes[pi], sel };
                    int bad = 0;

                    if (!group && sel)
                        break;
                    f.reg_info = sse_insn_info(map, op, f.prefix, 0xc0 | sel << 3, false, 4);
                    f.mem_info = sse_insn_info(map, op, f.prefix, 0x40 | sel << 3, false, 4);
                    if ((f.reg_info.flags & f.mem_info.flags & SSE_I_UD))
                        continue;
                    if (!host_has((f.reg_info.flags & SSE_I_UD) ? f.mem_info.feature
                                                                : f.reg_info.feature))
                        continue;
                    why[0] = 0;
                    for (int k = 0; k < cases; k++) {
                        if (!run_one(&f, k & 1)) {
                            if (!bad++)
                                diag("%s", why);
                        }
                    }
                    ok(!bad, "map %d opcode %02x prefix %02x%s%.0d: %d/%d cases differ", map, op,
                       f.prefix, group ? " /" : "", group ? sel : 0, bad, cases);
                }
            }
        }
    }
}

/* ---- known answers ---- */

/* Run bytes in cpu from a zero state with the given CR0/CR4 bits; -1 or the vector. */
static int ka_run(X86CPU *cpu, const char *bytes, unsigned len, uint64_t cr0_or,
                  uint64_t cr4_and, WCtx *c)
{
    uint64_t cr0 = x86_test_get_cr(cpu, 0), cr4 = x86_test_get_cr(cpu, 4);
    int v;

    x86_test_set_cr(cpu, 0, cr0 | cr0_or);
    x86_test_set_cr(cpu, 4, cr4 & cr4_and);
    v = kemu_run(cpu, (const uint8_t *)bytes, len, c);
    x86_test_set_cr(cpu, 0, cr0);
    x86_test_set_cr(cpu, 4, cr4);
    return v;
}

static void ka_state(WCtx *c)
{
    memset(c, 0, sizeof(*c));
    c->fx[0] = 0x7f;
    c->fx[1] = 0x03;
    stl_le(c->fx + 24, 0x1f80);
    c->rflags = 2;
    c->gpr[3] = DATA;
    c->gpr[7] = DATA;
}

#define KA(cpu, s, cr0, cr4, c) ka_run(cpu, s, sizeof(s) - 1, cr0, cr4, c)

static void test_control_bits(void)
{
    WCtx c;

    ka_state(&c);
    ok(KA(cpu32, "\x0f\x58\x03", 0x8, ~0ULL, &c) == 7, "ADDPS with CR0.TS: #NM");
    ka_state(&c);
    ok(KA(cpu32, "\x0f\x58\x03", 0x4, ~0ULL, &c) == 6, "ADDPS with CR0.EM: #UD");
    ka_state(&c);
    ok(KA(cpu32, "\x0f\x58\x03", 0xc, ~0ULL, &c) == 6, "CR0.EM and TS: #UD first");
    ka_state(&c);
    ok(KA(cpu32, "\x0f\x58\x03", 0, ~0x200ULL, &c) == 6, "ADDPS without CR4.OSFXSR: #UD");
    ka_state(&c);
    ok(KA(cpu32, "\x0f\xae\x13", 0, ~0x200ULL, &c) == 6, "LDMXCSR without CR4.OSFXSR: #UD");
    ka_state(&c);
    ok(KA(cpu32, "\x0f\xae\x1b", 0x8, ~0ULL, &c) == 7, "STMXCSR with CR0.TS: #NM");
    ka_state(&c);
    c.gpr[1] = 0xf0f0;
    ok(KA(cpu32, "\xf3\x0f\xb8\xc1", 0xc, ~0x200ULL, &c) == -1 && c.gpr[0] == 8,
       "POPCNT ignores CR0.EM/TS and CR4.OSFXSR");
    ka_state(&c);
    c.gpr[3] = DATA + 8;
    ok(KA(cpu32, "\x0f\x28\x03", 0, ~0ULL, &c) == 13, "MOVAPS misaligned: #GP");
    ka_state(&c);
    c.gpr[3] = DATA + 8;
    ok(KA(cpu32, "\x0f\x10\x03", 0, ~0ULL, &c) == -1, "MOVUPS misaligned: no fault");
    ka_state(&c);
    ok(KA(cpu32, "\xf0\x0f\x58\x03", 0, ~0ULL, &c) == 6, "LOCK ADDPS: #UD");
    /* #XM, or #UD without CR4.OSXMMEXCPT: 1.0 / 0.0 with ZE unmasked */
    ka_state(&c);
    stl_le(c.fx + 24, 0x1f80 & ~0x200);
    stl_le(c.fx + 160, 0x3f800000);
    ok(KA(cpu32, "\xf3\x0f\x5e\xc1", 0, ~0ULL, &c) == 19 && (ldl_le(c.fx + 24) & 4),
       "DIVSS by zero, ZE unmasked: #XM, ZE set");
    ka_state(&c);
    stl_le(c.fx + 24, 0x1f80 & ~0x200);
    stl_le(c.fx + 160, 0x3f800000);
    ok(KA(cpu32, "\xf3\x0f\x5e\xc1", 0, ~0x400ULL, &c) == 6, "... without CR4.OSXMMEXCPT: #UD");
    /* a pending x87 error before an MMX-register form: #MF */
    ka_state(&c);
    c.fx[2] = 0x81;                                  /* FSW: IE | ES */
    c.fx[0] = 0x7e;                                  /* FCW: IM clear */
    ok(KA(cpu32, "\x0f\x2d\xc1", 0, ~0ULL, &c) == 16, "CVTPS2PI with a pending x87 error: #MF");
    ka_state(&c);
    c.fx[2] = 0x81;
    c.fx[0] = 0x7e;
    ok(KA(cpu32, "\x0f\x58\xc1", 0, ~0ULL, &c) == -1, "ADDPS ignores a pending x87 error");
}

static void test_page_fault(void)
{
    WCtx c;
    uint8_t before[32], after[32];

    /* MOVUPS [rbx], xmm1 with the last 8 bytes on the non-present page */
    ka_state(&c);
    c.gpr[3] = HOLE - 8;
    memset(c.fx + 176, 0xab, 16);
    as_read(&as_memory, HOLE - 16, before, 32);
    ok(KA(cpu64, "\x0f\x11\x0b", 0, ~0ULL, &c) == 14, "MOVUPS store straddling a hole: #PF");
    as_read(&as_memory, HOLE - 16, after, 32);
    ok(!memcmp(before, after, 32), "... and no byte written");
    ka_state(&c);
    c.gpr[3] = HOLE - 8;
    ok(KA(cpu64, "\x0f\x10\x0b", 0, ~0ULL, &c) == 14, "MOVUPS load straddling a hole: #PF");
    ka_state(&c);
    c.gpr[7] = HOLE - 8;
    memset(c.fx + 160, 0x80, 16);                    /* mask: every byte */
    ok(KA(cpu64, "\x66\x0f\xf7\xc8", 0, ~0ULL, &c) == 14, "MASKMOVDQU into a hole: #PF");
    as_read(&as_memory, HOLE - 16, after, 32);
    ok(!memcmp(before, after, 32), "... and no byte written");
}

static void test_gates(void)
{
    Error *err = NULL;
    X86CPU *old = x86_cpu_create("qemu64", 2, &err);
    WCtx c;

    x86_test_trap_exceptions(old, true);
    x86_test_set_mode(old, X86_TEST_PM32);
    x86_test_set_cr(old, 4, 0x600);
    ka_state(&c);
    ok(KA(old, "\x66\x0f\x38\x00\xc1", 0, ~0ULL, &c) == 6, "qemu64: PSHUFB (SSSE3) is #UD");
    ka_state(&c);
    ok(KA(old, "\xf3\x0f\xb8\xc1", 0, ~0ULL, &c) == 6, "qemu64: POPCNT is #UD");
    ka_state(&c);
    c.gpr[1] = 0x100;
    c.gpr[0] = 77;
    ok(KA(old, "\xf3\x0f\xbc\xc1", 0, ~0ULL, &c) == -1 && c.gpr[0] == 8,
       "qemu64 (no BMI1): F3 0F BC is BSF");
    ka_state(&c);
    ok(KA(old, "\x66\x0f\xef\xc1", 0, ~0ULL, &c) == -1, "qemu64: PXOR xmm runs");
    ka_state(&c);
    c.gpr[1] = 0;
    c.gpr[0] = 77;
    ok(KA(cpu32, "\xf3\x0f\xbd\xc1", 0, ~0ULL, &c) == -1 && c.gpr[0] == 32,
       "max: LZCNT of 0 is 32");
}

static void test_state_insns(void)
{
    WCtx c;
    uint8_t img[512], buf[4];

    /* STMXCSR / LDMXCSR */
    ka_state(&c);
    stl_le(c.fx + 24, 0x3f85);
    ok(KA(cpu32, "\x0f\xae\x1b", 0, ~0ULL, &c) == -1, "STMXCSR [ebx]");
    as_read(&as_memory, DATA, buf, 4);
    ok(ldl_le(buf) == 0x3f85, "... stores MXCSR (%08x)", ldl_le(buf));
    stl_le(buf, 0xffc0);
    as_write(&as_memory, DATA, buf, 4);
    ka_state(&c);
    ok(KA(cpu32, "\x0f\xae\x13", 0, ~0ULL, &c) == -1 && ldl_le(c.fx + 24) == 0xffc0,
       "LDMXCSR [ebx]");
    stl_le(buf, 0x10000);
    as_write(&as_memory, DATA, buf, 4);
    ka_state(&c);
    ok(KA(cpu32, "\x0f\xae\x13", 0, ~0ULL, &c) == 13, "LDMXCSR with a reserved bit: #GP");
    /* FXSAVE64 / FXRSTOR64 round trip in 64-bit mode */
    ka_state(&c);
    for (int i = 0; i < 256; i++)
        c.fx[160 + i] = i;
    stl_le(c.fx + 24, 0x1234 & 0xffbf);
    ok(KA(cpu64, "\x48\x0f\xae\x03", 0, ~0ULL, &c) == -1, "FXSAVE64 [rbx]");
    as_read(&as_memory, DATA, img, 512);
    ok(ldl_le(img + 24) == (0x1234 & 0xffbf) && ldl_le(img + 28) == 0xffff &&
           img[160] == 0 && img[415] == 255,
       "... MXCSR, MXCSR_MASK and XMM0-15 in the image");
    img[160] = 0x5a;
    as_write(&as_memory, DATA, img, 512);
    ka_state(&c);
    ok(KA(cpu64, "\x48\x0f\xae\x0b", 0, ~0ULL, &c) == -1 && c.fx[160] == 0x5a &&
           c.fx[415] == 255 && ldl_le(c.fx + 24) == (0x1234 & 0xffbf),
       "FXRSTOR64 [rbx] loads them back");
    stl_le(img + 24, 0x20000);
    as_write(&as_memory, DATA, img, 512);
    ka_state(&c);
    ok(KA(cpu64, "\x48\x0f\xae\x0b", 0, ~0ULL, &c) == 13, "FXRSTOR with a reserved MXCSR bit: #GP");
    ka_state(&c);
    c.gpr[3] = DATA + 8;
    ok(KA(cpu64, "\x0f\xae\x03", 0, ~0ULL, &c) == 13, "FXSAVE misaligned: #GP");
    /* MOVNTI */
    ka_state(&c);
    c.gpr[0] = 0x1122334455667788ULL;
    ok(KA(cpu64, "\x48\x0f\xc3\x43\x10", 0, ~0ULL, &c) == -1, "MOVNTI [rbx+16], rax");
    as_read(&as_memory, DATA + 16, img, 8);
    ok(ldq_le(img) == 0x1122334455667788ULL, "... stores RAX");
    ka_state(&c);
    ok(KA(cpu64, "\x0f\xc3\xc3", 0, ~0ULL, &c) == 6, "MOVNTI with a register operand: #UD");
}

int main(void)
{
    static MemRegion ram;
    int cases = getenv("KEMU_TEST_SLOW") ? 400 : 16;

    if (getenv("KEMU_TEST_SEED"))
        rng_state = strtoull(getenv("KEMU_TEST_SEED"), NULL, 0) | 1;
    mem_system_init();
    mr_init_ram(&ram, "ram", 4 * MiB);
    mr_add_subregion(&mr_system, 0, &ram);
    build_page_tables();
    native_init();
    cpu32 = kemu_cpu("max", 0, false);
    cpu64 = kemu_cpu("max", 1, true);
    test_control_bits();
    test_page_fault();
    test_gates();
    test_state_insns();
    test_forms(cases);
    return done_testing();
}
