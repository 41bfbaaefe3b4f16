/* SPDX-License-Identifier: MIT */
/*
 * SSE differential test: the host processor versus sse_exec().
 *
 * Every encoding sse_insn_info() accepts (0F, 0F 38, 0F 3A with every
 * mandatory prefix; register and memory forms; REX.W, REX.R, REX.B and
 * operand-size variants; random imm8) runs natively and through the
 * engine from the same random state: XMM registers full of zeros,
 * denormals, infinities, quiet and signalling NaNs, boundary and ordinary
 * values, random MXCSR (every rounding mode, DAZ and FTZ on and off,
 * masked and unmasked exceptions, sticky flags), random x87/MMX state,
 * GPRs and EFLAGS. Unmasked SIMD exceptions are caught natively as SIGFPE
 * with the state at the fault. Compared bit for bit: the FXSAVE image
 * (x87, MMX, MXCSR, XMM0-15), RAX/RCX/RDX, EFLAGS, the memory operand and
 * the exception (#UD, #XM). The host's answer also checks the #UD forms and
 * the 16-byte alignment rule (a misaligned memory operand faults natively
 * exactly when SSE_I_ALIGN says so). Forms the host lacks are skipped with a
 * message. KEMU_TEST_SLOW=1 runs many more cases; KEMU_TEST_SEED picks the
 * seed. x86-64 Linux hosts only.
 * Reference: Intel SDM Vol 1 ch 10-12, Vol 2 per instruction.
 */
#include "../unit/tap.h"
#include "sse.h"

#include <cpuid.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

/* ---- random inputs ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* A float from one of the interesting classes (exp: exponent bits, man:
 * mantissa bits, bias, and the exponents of 2^31 and 2^63). */
typedef struct FloatFmt {
    unsigned man, emax, bias;
} FloatFmt;

static uint64_t gen_fp(const FloatFmt *f)
{
    uint64_t sign = rndn(2) ? 1ull << (f->man + (f->emax == 255 ? 8 : 11)) : 0;
    uint64_t mmask = (1ull << f->man) - 1, m = rnd() & mmask, e;
    unsigned top = f->man;      /* exponent field starts here */

    switch (rndn(15)) {
    case 0: return sign;                                           /* zero */
    case 1: return sign | (m ? m : 1);                             /* denormal */
    case 2: e = 1 + rndn(3); break;                                /* tiny normal */
    case 3: e = f->emax - 1 - rndn(3); break;                      /* huge */
    case 4: return sign | (uint64_t)f->emax << top;                /* infinity */
    case 5: return sign | (uint64_t)f->emax << top | 1ull << (top - 1) | (m >> 1);   /* QNaN */
    case 6: return sign | (uint64_t)f->emax << top | ((m >> 1) ? (m >> 1) : 1);      /* SNaN */
    case 7: e = f->bias + rndn(8); m &= ~(mmask >> 6); break;      /* small, few bits */
    case 8: e = f->bias + 30 + rndn(3); m = rndn(2) ? m & 7 : mmask - (m & 7); break; /* 2^31 */
    case 9: e = f->bias + 62 + rndn(3); m = rndn(2) ? m & 7 : mmask - (m & 7); break; /* 2^63 */
    case 10: e = f->bias; m &= 0xf; break;                         /* 1 + a few ulps */
    case 11: e = f->bias - 1 + rndn(4); m &= ~(mmask >> 3); break; /* halves */
    case 12: e = f->bias - 126 + rndn(40); break;                  /* near the float limits */
    default: e = 1 + rndn(f->emax - 1); break;
    }
    return sign | e << top | m;
}

static const FloatFmt fmt32 = { 23, 255, 127 }, fmt64 = { 52, 2047, 1023 };

static uint64_t gen_int64(void)
{
    static const uint64_t pats[] = {
        0, 1, ~0ull, 0x80, 0xff, 0x7f, 0x8000, 0xffff, 0x7fff, 0x80000000, 0x7fffffff,
        0xffffffff, 0x8000000000000000ull, 0x7fffffffffffffffull, 0xffffffff80000000ull,
        0x0001000100010001ull, 0x8080808080808080ull, 0x00ff00ff00ff00ffull,
    };

    switch (rndn(5)) {
    case 0: return pats[rndn(ARRAY_SIZE(pats))];
    case 1: return pats[rndn(ARRAY_SIZE(pats))] ^ (rnd() & rnd() & rnd());
    case 2: return (uint64_t)(int64_t)(int)(rndn(41) - 20);
    case 3: return rnd() >> rndn(64);
    default: return rnd();
    }
}

/* Characters for the string compares: a small alphabet with zeros. */
static void gen_string(XMMReg *v)
{
    static const uint8_t alpha[] = { 0, 'a', 'b', 'c', 'a', 'b', 0x80, 0xff, 0x7f, 1 };

    for (unsigned i = 0; i < 16; i++)
        v->b[i] = alpha[rndn(ARRAY_SIZE(alpha))];
    if (rndn(2))
        v->b[rndn(16)] = 0;
    if (rndn(3) == 0)
        for (unsigned i = 0; i < 16; i++)
            v->b[i] = v->b[i] ? v->b[i] : 'a';
}

typedef enum { GEN_ANY, GEN_STRING } GenKind;

static void gen_xmm(XMMReg *v, GenKind kind)
{
    if (kind == GEN_STRING && rndn(4)) {
        gen_string(v);
        return;
    }
    switch (rndn(5)) {
    case 0: case 1:
        for (unsigned i = 0; i < 4; i++)
            v->d[i] = (uint32_t)gen_fp(&fmt32);
        break;
    case 2: case 3:
        for (unsigned i = 0; i < 2; i++)
            v->q[i] = gen_fp(&fmt64);
        break;
    default:
        v->q[0] = gen_int64();
        v->q[1] = gen_int64();
        break;
    }
}

/* Make some lanes of s close to those of d (cancellation, equal values). */
static void correlate(XMMReg *s, const XMMReg *d)
{
    unsigned mode = rndn(4);

    for (unsigned i = 0; i < 4; i++) {
        if (mode == 0 || rndn(3))
            continue;
        s->d[i] = d->d[i] ^ (rndn(2) ? 0 : (uint32_t)rndn(4) | (mode == 1 ? 0x80000000u : 0));
    }
}

static uint32_t gen_mxcsr(void)
{
    uint32_t m = rndn(4) << 13;

    if (rndn(2))
        m |= SSE_MXCSR_DAZ;
    if (rndn(2))
        m |= SSE_MXCSR_FZ;
    switch (rndn(4)) {
    case 0: case 1: m |= SSE_MXCSR_MASKS; break;
    case 2: m |= rnd() & SSE_MXCSR_MASKS; break;
    default: m |= SSE_MXCSR_MASKS & ~(1u << (7 + rndn(6))); break;
    }
    if (rndn(2))
        m |= rnd() & SSE_MXCSR_FLAGS;
    return m;
}

/* ---- native execution ---- */

typedef struct SseCtx {
    uint8_t fx[512];         /* 0: FXSAVE64 image */
    uint64_t rflags;         /* 512 */
    uint64_t rax, rcx, rdx;  /* 520, 528, 536 */
    uint8_t mem[96];         /* 544: memory operand */
} __attribute__((aligned(64))) SseCtx;

_Static_assert(offsetof(SseCtx, rflags) == 512 && offsetof(SseCtx, mem) == 544, "ctx layout");

typedef void NativeFn(SseCtx *c);

static uint8_t *arena;
static size_t arena_used;
static sigjmp_buf native_jb;
static volatile sig_atomic_t native_sig;
static SseCtx *native_ctx;
static uint8_t clean_fx[512] __attribute__((aligned(16)));

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)si;
    native_sig = sig;
    if (native_ctx && uc->uc_mcontext.fpregs) {
        memcpy(native_ctx->fx, uc->uc_mcontext.fpregs, 416);
        native_ctx->rax = (uint64_t)uc->uc_mcontext.gregs[REG_RAX];
        native_ctx->rcx = (uint64_t)uc->uc_mcontext.gregs[REG_RCX];
        native_ctx->rdx = (uint64_t)uc->uc_mcontext.gregs[REG_RDX];
        native_ctx->rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    }
    siglongjmp(native_jb, 1);
}

static void native_init(void)
{
    struct sigaction sa;

    arena = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
    if (arena == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    __asm__ volatile("fxsave64 %0" : "=m"(clean_fx));
}

/* The oracle for one instruction: memory forms use [rsi] (misaligned by 8
 * with misalign); MASKMOVDQU stores through rdi = rsi. */
static NativeFn *native_build(const uint8_t *insn, unsigned len, bool maskmov, bool misalign)
{
    static const uint8_t head[] = {
        0x48, 0x0f, 0xae, 0x0f,                   /* fxrstor64 [rdi] */
        0x48, 0x8b, 0x87, 0x08, 0x02, 0, 0,       /* mov rax, [rdi+520] */
        0x48, 0x8b, 0x8f, 0x10, 0x02, 0, 0,       /* mov rcx, [rdi+528] */
        0x48, 0x8b, 0x97, 0x18, 0x02, 0, 0,       /* mov rdx, [rdi+536] */
        0xff, 0xb7, 0x00, 0x02, 0, 0,             /* push qword [rdi+512] */
        0x9d,                                     /* popfq */
        0x48, 0x8d, 0xb7, 0x20, 0x02, 0, 0,       /* lea rsi, [rdi+544] */
    };
    static const uint8_t tail[] = {
        0x9c,                                     /* pushfq */
        0x8f, 0x87, 0x00, 0x02, 0, 0,             /* pop qword [rdi+512] */
        0x48, 0x89, 0x87, 0x08, 0x02, 0, 0,       /* mov [rdi+520], rax */
        0x48, 0x89, 0x8f, 0x10, 0x02, 0, 0,       /* mov [rdi+528], rcx */
        0x48, 0x89, 0x97, 0x18, 0x02, 0, 0,       /* mov [rdi+536], rdx */
        0x48, 0x0f, 0xae, 0x07,                   /* fxsave64 [rdi] */
        0xc3,                                     /* ret */
    };
    uint8_t *p = arena + arena_used, *q = p;

    if (arena_used + 128 > (1 << 20)) {
        fprintf(stderr, "native arena full\n");
        exit(1);
    }
    memcpy(q, head, sizeof(head));
    if (misalign)
        q[sizeof(head) - 4] = 0x28;
    q += sizeof(head);
    if (maskmov) {
        memcpy(q, "\x57\x48\x89\xf7", 4);         /* push rdi; mov rdi, rsi */
        q += 4;
    }
    memcpy(q, insn, len);
    q += len;
    if (maskmov)
        *q++ = 0x5f;                              /* pop rdi */
    memcpy(q, tail, sizeof(tail));
    arena_used += 128;
    return (NativeFn *)(void *)p;
}

/* Returns 0 or the signal that stopped the instruction. */
static int native_run(NativeFn *fn, SseCtx *c)
{
    native_sig = 0;
    native_ctx = c;
    if (sigsetjmp(native_jb, 1)) {
        __asm__ volatile("fxrstor64 %0" : : "m"(clean_fx));
        native_ctx = NULL;
        return native_sig;
    }
    fn(c);
    __asm__ volatile("fxrstor64 %0" : : "m"(clean_fx));
    native_ctx = NULL;
    return 0;
}

/* ---- forms ---- */

typedef struct Form {
    uint8_t map, opcode, prefix;
    bool opsize16;           /* an extra 66 prefix (integer operand size 16) */
    bool rex_w, rex_r, rex_b;
    bool mem;
    uint8_t sel;             /* ModRM.reg of the 66 0F 71-73 groups */
    uint8_t rm_gpr;          /* GPR r/m register: 1 (ECX) or 5 (CH, byte forms) */
    uint8_t modrm;
    SSEInfo info;
} Form;

static bool is_group(uint8_t map, uint8_t opcode)
{
    return map == 1 && opcode >= 0x71 && opcode <= 0x73;
}

static uint8_t form_osize(const Form *f)
{
    return f->rex_w ? 8 : f->opsize16 ? 2 : 4;
}

/* ModRM: reg operand XMM2/MM2/EDX (or the group selector), r/m XMM1/MM1/ECX or [rsi]. */
static void form_finish(Form *f)
{
    unsigned reg = is_group(f->map, f->opcode) ? f->sel : 2;

    f->modrm = f->mem ? (uint8_t)(reg << 3 | 6) : (uint8_t)(0xc0 | reg << 3 | f->rm_gpr);
    f->info = sse_insn_info(f->map, f->opcode, f->prefix, f->modrm, f->rex_w, form_osize(f));
}

static unsigned encode(const Form *f, uint8_t imm, uint8_t *out)
{
    unsigned n = 0;
    uint8_t rex = 0x40 | f->rex_w << 3 | f->rex_r << 2 | f->rex_b;

    if (f->opsize16)
        out[n++] = 0x66;
    if (f->prefix)
        out[n++] = f->prefix;
    if (rex != 0x40)
        out[n++] = rex;
    out[n++] = 0x0f;
    if (f->map == 2)
        out[n++] = 0x38;
    if (f->map == 3)
        out[n++] = 0x3a;
    out[n++] = f->opcode;
    out[n++] = f->modrm;
    if (f->info.flags & SSE_I_IMM8 || f->map == 3)
        out[n++] = imm;
    return n;
}

static NativeFn *build_form(const Form *f, uint8_t imm, bool misalign)
{
    uint8_t insn[16];
    unsigned n = encode(f, imm, insn);

    return native_build(insn, n, f->info.flags & SSE_I_MASKMOV, misalign);
}

/* ---- what the CPU core does around sse_exec() (see sse.h) ---- */

static uint64_t *gpr_ptr(SseCtx *c, unsigned r)
{
    return r == 0 ? &c->rax : r == 1 ? &c->rcx : &c->rdx;
}

static void gpr_write(uint64_t *r, unsigned size, uint64_t v)
{
    if (size == 8)
        *r = v;
    else if (size == 4)
        *r = (uint32_t)v;
    else
        *r = (*r & ~0xffffull) | (uint16_t)v;
}

static int emulate(const Form *f, uint8_t imm, SseCtx *c)
{
    const SSEInfo *in = &f->info;
    X87State x87;
    SSEState s;
    SSEOp op = { .map = f->map, .opcode = f->opcode, .prefix = f->prefix, .modrm = f->modrm,
                 .reg = (uint8_t)(((f->modrm >> 3) & 7) | f->rex_r << 3),
                 .rm = (uint8_t)((f->modrm & 7) | f->rex_b << 3), .imm = imm, .rex_w = f->rex_w,
                 .osize = form_osize(f), .osxmmexcpt = true };
    int r;

    if (in->flags & SSE_I_UD)
        return 6;
    memset(&x87, 0, sizeof(x87));
    x87_fxrstor64(&x87, c->fx);
    if (!sse_fxrstor(&s, c->fx, 16))
        return -1;
    if (f->mem && (in->flags & SSE_I_LOAD))
        memcpy(op.src.b, c->mem, in->mem_size);
    else if (!f->mem && (in->flags & SSE_I_RM_GPR) && !(in->flags & SSE_I_STORE))
        op.src.q[0] = f->rm_gpr == 5 ? c->rcx >> 8 : c->rcx;   /* CH or ECX */
    if (in->flags & SSE_I_REG_GPR_IN)
        op.gpr = c->rdx;
    if (in->flags & SSE_I_RAX_RDX_IN)
        op.rax = c->rax, op.rdx = c->rdx;
    op.eflags = (uint32_t)c->rflags;
    r = sse_exec(&s, &x87, &op);
    if (!r) {
        if (f->mem && (in->flags & SSE_I_STORE))
            memcpy(c->mem, op.result.b, in->mem_size);
        if (!f->mem && (in->flags & SSE_I_RM_GPR) && (in->flags & SSE_I_STORE))
            gpr_write(gpr_ptr(c, f->rm_gpr), in->gpr_size, op.result.q[0]);
        if (in->flags & SSE_I_REG_GPR)
            gpr_write(&c->rdx, in->gpr_size, op.result.q[0]);
        if (in->flags & SSE_I_ECX_OUT)
            c->rcx = op.ecx;
        if (in->flags & SSE_I_EFLAGS)
            c->rflags = (c->rflags & ~0x8d5ull) | (op.eflags & 0x8d5);
        if (in->flags & SSE_I_MASKMOV)
            for (unsigned i = 0; i < 16; i++)
                if (op.mask & (1u << i))
                    c->mem[i] = op.result.b[i];
    }
    x87_fxsave64(&x87, c->fx);
    sse_fxsave(&s, c->fx, 16);
    return r;
}

/* ---- one case ---- */

static void gen_ctx(const Form *f, SseCtx *c)
{
    GenKind kind = f->map == 3 && f->opcode >= 0x60 && f->opcode <= 0x63 ? GEN_STRING : GEN_ANY;
    XMMReg v;

    memset(c, 0, sizeof(*c));
    stw_le(c->fx + 0, 0x037f);
    stw_le(c->fx + 2, (uint16_t)(rndn(8) << 11 | (rnd() & 0x4700)));
    c->fx[4] = (uint8_t)rnd();
    for (unsigned i = 0; i < 8; i++) {
        stq_le(c->fx + 32 + 16 * i, gen_int64());
        stw_le(c->fx + 40 + 16 * i, rndn(2) ? 0xffff : (uint16_t)rnd());
    }
    stl_le(c->fx + 24, gen_mxcsr());
    stl_le(c->fx + 28, SSE_MXCSR_WRITABLE);
    for (unsigned i = 0; i < 16; i++) {
        gen_xmm(&v, kind);
        memcpy(c->fx + 160 + 16 * i, v.b, 16);
    }
    for (unsigned i = 0; i < sizeof(c->mem); i += 16) {
        gen_xmm(&v, kind);
        memcpy(c->mem + i, v.b, 16);
    }
    /* source close to the destination sometimes (XMM1, XMM9, memory vs XMM2, XMM10) */
    for (unsigned k = 0; k < 2; k++) {
        const uint8_t *d = c->fx + 160 + 16 * (k ? 10 : 2);
        uint8_t *s = c->fx + 160 + 16 * (k ? 9 : 1);
        memcpy(&v, s, 16);
        correlate(&v, (const XMMReg *)d);
        memcpy(s, &v, 16);
    }
    memcpy(&v, c->mem, 16);
    correlate(&v, (const XMMReg *)(c->fx + 160 + 32));
    memcpy(c->mem, &v, 16);
    c->rflags = 0x202 | (rnd() & 0x8d5);
    c->rax = gen_int64();
    c->rcx = gen_int64();
    c->rdx = gen_int64();
    if (kind == GEN_STRING && rndn(4)) {
        c->rax = (uint64_t)(int64_t)(int)(rndn(41) - 20);
        c->rdx = (uint64_t)(int64_t)(int)(rndn(41) - 20);
    }
}

static char failmsg[4096];

static int describe(const SseCtx *in, const SseCtx *want, const SseCtx *got)
{
    int k = 0;
    size_t sz = sizeof(failmsg);

    k += snprintf(failmsg + k, sz - k, "mxcsr in %08x want %08x got %08x; rflags in %03" PRIx64
                  " want %03" PRIx64 " got %03" PRIx64, ldl_le(in->fx + 24), ldl_le(want->fx + 24),
                  ldl_le(got->fx + 24), in->rflags & 0x8d5, want->rflags & 0x8d5,
                  got->rflags & 0x8d5);
    k += snprintf(failmsg + k, sz - k, "\n#  rax %016" PRIx64 "/%016" PRIx64 " rcx %016" PRIx64
                  "/%016" PRIx64 " rdx %016" PRIx64 "/%016" PRIx64, want->rax, got->rax,
                  want->rcx, got->rcx, want->rdx, got->rdx);
    static const unsigned regs[] = { 0, 1, 2, 9, 10 };
    for (unsigned i = 0; i < ARRAY_SIZE(regs) && k < (int)sz - 200; i++) {
        const uint8_t *a = in->fx + 160 + 16 * regs[i], *b = want->fx + 160 + 16 * regs[i],
                      *g = got->fx + 160 + 16 * regs[i];
        k += snprintf(failmsg + k, sz - k, "\n#  xmm%-2u in %016" PRIx64 "%016" PRIx64
                      " want %016" PRIx64 "%016" PRIx64 " got %016" PRIx64 "%016" PRIx64,
                      regs[i], ldq_le(a + 8), ldq_le(a), ldq_le(b + 8), ldq_le(b),
                      ldq_le(g + 8), ldq_le(g));
    }
    k += snprintf(failmsg + k, sz - k, "\n#  mem in %016" PRIx64 "%016" PRIx64 " want %016"
                  PRIx64 "%016" PRIx64 " got %016" PRIx64 "%016" PRIx64, ldq_le(in->mem + 8),
                  ldq_le(in->mem), ldq_le(want->mem + 8), ldq_le(want->mem),
                  ldq_le(got->mem + 8), ldq_le(got->mem));
    k += snprintf(failmsg + k, sz - k, "\n#  x87 fsw %04x/%04x ftw %02x/%02x mm1 %016" PRIx64
                  "/%016" PRIx64 " mm2 %016" PRIx64 "/%016" PRIx64, ldw_le(want->fx + 2),
                  ldw_le(got->fx + 2), want->fx[4], got->fx[4], ldq_le(want->fx + 48),
                  ldq_le(got->fx + 48), ldq_le(want->fx + 64), ldq_le(got->fx + 64));
    return k;
}

/* Everything the instruction may change (ST slots: 10 bytes each). */
static bool same_state(const SseCtx *a, const SseCtx *b)
{
    if (memcmp(a->fx, b->fx, 32) || memcmp(a->fx + 160, b->fx + 160, 256))
        return false;
    for (unsigned i = 0; i < 8; i++)
        if (memcmp(a->fx + 32 + 16 * i, b->fx + 32 + 16 * i, 10))
            return false;
    return a->rax == b->rax && a->rcx == b->rcx && a->rdx == b->rdx &&
           (a->rflags & 0x8d5) == (b->rflags & 0x8d5) && !memcmp(a->mem, b->mem, sizeof(a->mem));
}

static unsigned xm_cases;    /* cases that raised #XM natively */

static int expected_code(int sig)
{
    return sig == 0 ? 0 : sig == SIGILL ? 6 : sig == SIGFPE ? 19 : 1000 + sig;
}

static bool run_case(const Form *f, NativeFn *fn, uint8_t imm)
{
    SseCtx in, want, got;
    int sig, r;

    gen_ctx(f, &in);
    want = in;
    got = in;
    sig = native_run(fn, &want);
    xm_cases += sig == SIGFPE;
    r = emulate(f, imm, &got);
    if (expected_code(sig) != r) {
        snprintf(failmsg, sizeof(failmsg), "native signal %d, sse_exec %d", sig, r);
        describe(&in, &want, &got);
        return false;
    }
    if (!same_state(&want, &got)) {
        describe(&in, &want, &got);
        return false;
    }
    return true;
}

/* ---- host features ---- */

static bool host_has(uint8_t feature)
{
    unsigned a, b, c, d;

    switch (feature) {
    case SSE_F_SSE: case SSE_F_SSE2:
        __cpuid(1, a, b, c, d);
        return d & (feature == SSE_F_SSE ? 1u << 25 : 1u << 26);
    case SSE_F_SSE3: case SSE_F_SSSE3: case SSE_F_SSE41: case SSE_F_SSE42: case SSE_F_POPCNT:
    case SSE_F_AES: case SSE_F_PCLMUL: {
        static const uint8_t bit[] = { [SSE_F_SSE3] = 0, [SSE_F_SSSE3] = 9, [SSE_F_SSE41] = 19,
                                       [SSE_F_SSE42] = 20, [SSE_F_POPCNT] = 23, [SSE_F_AES] = 25,
                                       [SSE_F_PCLMUL] = 1 };
        __cpuid(1, a, b, c, d);
        return c & (1u << bit[feature]);
    }
    case SSE_F_LZCNT:
        __cpuid(0x80000001, a, b, c, d);
        return c & (1u << 5);
    case SSE_F_BMI1:
        __cpuid_count(7, 0, a, b, c, d);
        return b & (1u << 3);
    default:
        return true;
    }
}

static const char *feature_name(uint8_t f)
{
    static const char *const names[] = { "-", "SSE", "SSE2", "SSE3", "SSSE3", "SSE4.1",
                                         "SSE4.2", "POPCNT", "AES", "PCLMULQDQ", "LZCNT", "BMI1" };
    return f < ARRAY_SIZE(names) ? names[f] : "?";
}

/* ---- per opcode ---- */

typedef struct Params {
    unsigned imms;           /* imm8 values per variant */
    unsigned cases;          /* cases per imm8 value */
} Params;

static uint8_t gen_imm(const Form *f)
{
    if (f->map == 3 && f->opcode >= 0x60 && f->opcode <= 0x63)
        return (uint8_t)(rnd() & 0x7f);
    if (is_group(f->map, f->opcode)) {
        static const uint8_t counts[] = { 0, 1, 7, 8, 15, 16, 17, 31, 32, 63, 64, 255 };
        return rndn(2) ? counts[rndn(ARRAY_SIZE(counts))] : (uint8_t)rnd();
    }
    return (uint8_t)rnd();
}

/* The variants of one (map, opcode, prefix[, group selector]). */
static unsigned make_variants(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t sel, Form *v)
{
    unsigned n = 0;

    for (unsigned mem = 0; mem < 2; mem++) {
        for (unsigned w = 0; w < 2; w++) {
            for (unsigned o16 = 0; o16 < 2; o16++) {
                Form f = { .map = map, .opcode = opcode, .prefix = prefix, .opsize16 = o16,
                           .rex_w = w, .mem = mem, .sel = sel, .rm_gpr = 1 };
                form_finish(&f);
                if (f.info.flags & SSE_I_UD)
                    continue;
                /* operand size only matters for the integer forms */
                if (o16 && !(f.info.flags & SSE_I_NOSSE))
                    continue;
                v[n++] = f;
            }
        }
    }
    return n;
}

/* Randomise register numbers for one batch (XMM operands only). */
static void pick_regs(Form *f)
{
    unsigned fl = f->info.flags;
    bool gpr_reg = fl & (SSE_I_REG_GPR | SSE_I_REG_GPR_IN);
    bool gpr_rm = fl & SSE_I_RM_GPR;

    f->rex_r = !gpr_reg && rndn(2);
    f->rex_b = !f->mem && !gpr_rm && rndn(2);
    /* a byte register r/m without REX: CL or CH */
    f->rm_gpr = !f->mem && (fl & SSE_I_RM_BYTE) && !f->rex_w && rndn(2) ? 5 : 1;
    form_finish(f);
}

static void test_opcode(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t sel, const Params *p)
{
    Form v[8];
    unsigned nv = make_variants(map, opcode, prefix, sel, v), fails = 0, total = 0;
    unsigned fp = v[0].info.flags & SSE_I_FP;
    char name[48];

    if (!nv)
        return;
    snprintf(name, sizeof(name), "%s%02X %s%02X%s", prefix ? "" : "--", prefix,
             map == 1 ? "0F " : map == 2 ? "0F 38 " : "0F 3A ", opcode, "");
    if (is_group(map, opcode))
        snprintf(name + strlen(name), sizeof(name) - strlen(name), " /%u", sel);
    if (!host_has(v[0].info.feature)) {
        ok(1, "# SKIP %s: the host lacks %s", name, feature_name(v[0].info.feature));
        return;
    }
    xm_cases = 0;
    for (unsigned k = 0; k < nv; k++) {
        bool has_imm = v[k].info.flags & SSE_I_IMM8;
        unsigned imms = has_imm ? p->imms : 2;

        for (unsigned b = 0; b < imms; b++) {
            Form f = v[k];
            uint8_t imm = has_imm ? gen_imm(&f) : 0;
            NativeFn *fn;

            pick_regs(&f);
            arena_used = 0;
            fn = build_form(&f, imm, false);
            for (unsigned i = 0; i < p->cases * (has_imm ? 1 : p->imms / 2); i++, total++) {
                if (!run_case(&f, fn, imm)) {
                    if (fails < 2)
                        diag("%s %s%s%s%s modrm %02X imm %02X: %s", name, f.mem ? "mem" : "reg",
                             f.rex_w ? " REX.W" : "", f.rex_r ? " REX.R" : "",
                             f.rex_b ? " REX.B" : "", f.modrm, imm, failmsg);
                    fails++;
                }
            }
        }
    }
    if (fp)
        ok(!fails, "%s: %u cases, %u of them #XM", name, total, xm_cases);
    else
        ok(!fails, "%s: %u cases", name, total);
    if (fails)
        diag("  %u of %u failed", fails, total);
}

/* ---- #UD and alignment against the host ---- */

/* Encodings the host runs that are not SSE-engine instructions. */
static bool foreign_insn(uint8_t map, uint8_t opcode, uint8_t prefix)
{
    if (map == 2 && opcode == 0xf6 && (prefix == 0x66 || prefix == 0xf3))
        return true;                             /* ADCX, ADOX: the CPU core (ADX) */
    if (map == 2 && opcode == 0xcf && prefix == 0x66)
        return true;                             /* GF2P8MULB (GFNI): not modelled */
    if (map == 3 && (opcode == 0xce || opcode == 0xcf) && prefix == 0x66)
        return true;                             /* GF2P8AFFINE(INV)QB (GFNI) */
    return false;
}

/* The engine has this opcode in a register or a memory form. */
static bool known_opcode(uint8_t map, uint8_t op, uint8_t prefix)
{
    return !(sse_insn_info(map, op, prefix, 0xd1, false, 4).flags & SSE_I_UD) ||
           !(sse_insn_info(map, op, prefix, 0x16, false, 4).flags & SSE_I_UD);
}

static bool sse_range(uint8_t map, uint8_t op, uint8_t prefix)
{
    if (map != 1)
        return prefix != 0;                      /* no-prefix 0F 38/3A: MMX, SHA, MOVBE */
    if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || (op >= 0x50 && op <= 0x5f) ||
        op == 0xc2 || op == 0xc6)
        return true;
    if ((op >= 0x60 && op <= 0x7f) || (op >= 0xc4 && op <= 0xc5) || op >= 0xd0)
        return prefix != 0;                      /* no prefix: MMX */
    return prefix == 0xf3 && (op == 0xb8 || op == 0xbc || op == 0xbd);
}

static void test_decode(void)
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };
    unsigned wrong = 0, checked = 0, foreign = 0, skipped = 0;

    for (unsigned map = 1; map <= 3; map++) {
        for (unsigned op = 0; op < 256; op++) {
            for (unsigned p = 0; p < 4; p++) {
                if (!sse_range(map, op, prefixes[p]))
                    continue;
                for (unsigned mem = 0; mem < 2; mem++) {
                    Form f = { .map = map, .opcode = op, .prefix = prefixes[p], .mem = mem,
                               .rm_gpr = 1, .sel = 2 };
                    SseCtx c;
                    int sig;
                    bool ud;

                    form_finish(&f);
                    ud = f.info.flags & SSE_I_UD;
                    if (mem && ud && !known_opcode(map, op, prefixes[p]))
                        continue;               /* unknown memory forms are not run */
                    if (!ud && !host_has(f.info.feature)) {
                        skipped++;
                        continue;
                    }
                    arena_used = 0;
                    gen_ctx(&f, &c);
                    stl_le(c.fx + 24, 0x1f80);   /* all masked: only #UD can stop it */
                    sig = native_run(build_form(&f, 0, false), &c);
                    checked++;
                    if ((sig == SIGILL) == ud)
                        continue;
                    if (ud && foreign_insn(map, op, prefixes[p])) {
                        diag("%02X map %u %02X %s: the host runs it; not an SSE-engine instruction",
                             prefixes[p], map, op, mem ? "mem" : "reg");
                        foreign++;
                        continue;
                    }
                    if (wrong++ < 8)
                        diag("%02X map %u %02X %s: host %s, sse_insn_info %s", prefixes[p], map, op,
                             mem ? "mem" : "reg", sig == SIGILL ? "#UD" : sig ? "faults" : "runs",
                             ud ? "#UD" : "valid");
                }
            }
        }
    }
    if (skipped)
        diag("skipped %u encodings the host lacks the CPUID feature for", skipped);
    ok(!wrong, "#UD forms agree with the host (%u encodings, %u not SSE-engine ones)", checked,
       foreign);
}

/* A misaligned memory operand faults natively exactly for SSE_I_ALIGN. */
static void test_alignment(void)
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };
    unsigned wrong = 0, checked = 0, skipped = 0;

    for (unsigned map = 1; map <= 3; map++) {
        for (unsigned op = 0; op < 256; op++) {
            for (unsigned p = 0; p < 4; p++) {
                Form f = { .map = map, .opcode = op, .prefix = prefixes[p], .mem = true,
                           .rm_gpr = 1, .sel = 2 };
                SseCtx c;
                int sig;
                bool align;

                form_finish(&f);
                if (f.info.flags & SSE_I_UD)
                    continue;
                if (!host_has(f.info.feature)) {
                    skipped++;
                    continue;
                }
                align = f.info.flags & SSE_I_ALIGN;
                arena_used = 0;
                gen_ctx(&f, &c);
                stl_le(c.fx + 24, 0x1f80);
                sig = native_run(build_form(&f, 0, true), &c);
                checked++;
                if ((sig == SIGSEGV) != align && wrong++ < 8)
                    diag("%02X map %u %02X: misaligned operand: host %s, SSE_I_ALIGN %u",
                         prefixes[p], map, op, sig == SIGSEGV ? "#GP" : sig ? "faults" : "runs",
                         align);
            }
        }
    }
    if (skipped)
        diag("skipped %u memory forms the host lacks the CPUID feature for", skipped);
    ok(!wrong, "16-byte alignment rule agrees with the host (%u memory forms)", checked);
}

/* ---- directed ---- */

static void test_state(void)
{
    SSEState s;
    uint8_t img[512];

    memset(&s, 0x5a, sizeof(s));
    sse_reset(&s);
    ok(s.mxcsr == 0x1f80 && !s.xmm[15].q[0] && !s.xmm[0].q[1], "sse_reset: MXCSR 1F80, XMM 0");
    ok(!sse_ldmxcsr(&s, 0x10000) && s.mxcsr == 0x1f80 && sse_ldmxcsr(&s, 0xffff) &&
       s.mxcsr == 0xffff, "LDMXCSR: reserved bits refused, DAZ accepted");
    memset(img, 0xee, sizeof(img));
    s.xmm[7].q[0] = 0x0123456789abcdefull;
    sse_fxsave(&s, img, 8);
    ok(ldl_le(img + 24) == 0xffff && ldl_le(img + 28) == 0xffff &&
       ldq_le(img + 160 + 7 * 16) == 0x0123456789abcdefull && img[160 + 8 * 16] == 0xee,
       "FXSAVE: MXCSR, MXCSR_MASK, XMM0-7 only");
    stl_le(img + 24, 0x12345);
    ok(!sse_fxrstor(&s, img, 8) && s.mxcsr == 0xffff, "FXRSTOR: reserved MXCSR bits refused");
    stl_le(img + 24, 0x1f80);
    s.xmm[7].q[0] = 0;
    ok(sse_fxrstor(&s, img, 8) && s.mxcsr == 0x1f80 && s.xmm[7].q[0] == 0x0123456789abcdefull,
       "FXRSTOR: loads MXCSR and XMM");
}

static void test_info(void)
{
    SSEInfo i;

    i = sse_insn_info(1, 0x58, 0x66, 0x06, false, 4);
    ok(i.flags == (SSE_I_LOAD | SSE_I_ALIGN | SSE_I_FP) && i.mem_size == 16 &&
       i.feature == SSE_F_SSE2, "ADDPD m128: aligned load, SSE2");
    i = sse_insn_info(1, 0x10, 0xf3, 0x06, false, 4);
    ok(i.flags == SSE_I_LOAD && i.mem_size == 4, "MOVSS m32: unaligned 4-byte load");
    i = sse_insn_info(1, 0x7e, 0x66, 0xc0, true, 8);
    ok((i.flags & SSE_I_RM_GPR) && (i.flags & SSE_I_STORE) && i.mem_size == 8 && i.gpr_size == 8,
       "MOVQ r/m64, xmm with REX.W: 8 bytes");
    i = sse_insn_info(2, 0xf0, 0xf2, 0xc0, true, 8);
    ok((i.flags & SSE_I_NOSSE) && (i.flags & SSE_I_RM_BYTE) && i.mem_size == 1 &&
       i.gpr_size == 8 && i.feature == SSE_F_SSE42, "CRC32 r64, r/m8");
    i = sse_insn_info(1, 0xb8, 0xf3, 0xc0, false, 2);
    ok(i.gpr_size == 2 && i.mem_size == 2 && (i.flags & SSE_I_EFLAGS), "POPCNT r16");
    ok(sse_insn_info(1, 0x2a, 0, 0xc1, false, 4).flags & SSE_I_MMX, "CVTPI2PS xmm, mm: MMX");
    ok(!(sse_insn_info(1, 0x2a, 0, 0x06, false, 4).flags & SSE_I_MMX), "CVTPI2PS xmm, m64: no MMX");
    ok(sse_insn_info(1, 0x2d, 0, 0x06, false, 4).flags & SSE_I_MMX, "CVTPS2PI mm, m64: MMX");
    i = sse_insn_info(3, 0x61, 0x66, 0xc1, true, 8);
    ok((i.flags & SSE_I_RAX_RDX_IN) && (i.flags & SSE_I_ECX_OUT) && (i.flags & SSE_I_IMM8) &&
       !(i.flags & SSE_I_ALIGN), "PCMPESTRI: RAX/RDX in, ECX out, unaligned");
    ok(sse_insn_info(2, 0xf0, 0, 0x06, false, 4).flags & SSE_I_UD, "MOVBE is not the engine's");
    ok(sse_insn_info(1, 0x13, 0, 0xc1, false, 4).flags & SSE_I_UD, "MOVLPS store, reg form: #UD");
    ok(sse_insn_info(1, 0x73, 0x66, 0xc9, false, 4).flags & SSE_I_UD, "66 0F 73 /1: #UD");
}

static void test_exceptions(void)
{
    SSEState s;
    X87State x87;
    SSEOp op = { .map = 1, .opcode = 0x5e, .prefix = 0xf3, .modrm = 0xc1, .reg = 0, .rm = 1 };

    memset(&x87, 0, sizeof(x87));
    sse_reset(&s);
    s.xmm[0].f[0] = 1.0f;
    s.xmm[1].f[0] = 0.0f;
    s.mxcsr = 0x1f80 & ~SSE_MXCSR_ZM;
    ok(sse_exec(&s, &x87, &op) == 6 && s.mxcsr == (0x1d80 | SSE_MXCSR_ZE) &&
       s.xmm[0].f[0] == 1.0f, "DIVSS 1/0, ZE unmasked, CR4.OSXMMEXCPT=0: #UD, ZE set, no write");
    op.osxmmexcpt = true;
    s.mxcsr = 0x1f80 & ~SSE_MXCSR_ZM;
    ok(sse_exec(&s, &x87, &op) == 19, "... with CR4.OSXMMEXCPT=1: #XM");
    s.mxcsr = 0x1f80;
    ok(sse_exec(&s, &x87, &op) == 0 && s.mxcsr == (0x1f80 | SSE_MXCSR_ZE) &&
       s.xmm[0].d[0] == 0x7f800000, "masked: +inf and ZE");
}

static void test_known_answers(void)
{
    SSEState s;
    X87State x87;
    SSEOp op;
    static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                     0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
    static const uint8_t pt[16] = { 0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d,
                                    0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34 };
    static const uint8_t ct[16] = { 0x39, 0x25, 0x84, 0x1d, 0x02, 0xdc, 0x09, 0xfb,
                                    0xdc, 0x11, 0x85, 0x97, 0x19, 0x6a, 0x0b, 0x32 };
    static const uint8_t rcon[10] = { 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
    XMMReg rk[11];
    uint32_t crc = ~0u;

    memset(&x87, 0, sizeof(x87));
    sse_reset(&s);
    /* AES-128 key schedule with AESKEYGENASSIST (FIPS-197 Appendix A.1) */
    memcpy(rk[0].b, key, 16);
    for (unsigned r = 1; r <= 10; r++) {
        XMMReg k = rk[r - 1];
        s.xmm[1] = k;
        op = (SSEOp){ .map = 3, .opcode = 0xdf, .prefix = 0x66, .modrm = 0xc1, .reg = 2,
                      .rm = 1, .imm = rcon[r - 1] };
        sse_exec(&s, &x87, &op);
        uint32_t t = s.xmm[2].d[3];
        for (unsigned i = 0; i < 4; i++) {
            t ^= k.d[i];
            rk[r].d[i] = t;
        }
    }
    ok(rk[10].d[3] == 0xa60c63b6u, "AESKEYGENASSIST: FIPS-197 round key 10");
    /* encrypt (FIPS-197 Appendix B) */
    memcpy(s.xmm[0].b, pt, 16);
    for (unsigned i = 0; i < 16; i++)
        s.xmm[0].b[i] ^= key[i];
    for (unsigned r = 1; r <= 10; r++) {
        s.xmm[1] = rk[r];
        op = (SSEOp){ .map = 2, .opcode = r < 10 ? 0xdc : 0xdd, .prefix = 0x66, .modrm = 0xc1,
                      .reg = 0, .rm = 1 };
        sse_exec(&s, &x87, &op);
    }
    ok(!memcmp(s.xmm[0].b, ct, 16), "AESENC x9 + AESENCLAST: FIPS-197 Appendix B ciphertext");
    /* decrypt with the equivalent inverse cipher (AESIMC'd round keys) */
    for (unsigned r = 9; r >= 1; r--) {
        op = (SSEOp){ .map = 2, .opcode = 0xdb, .prefix = 0x66, .modrm = 0xc1, .reg = 1,
                      .rm = 1 };
        s.xmm[1] = rk[r];
        sse_exec(&s, &x87, &op);
        s.xmm[0].q[0] ^= r == 9 ? rk[10].q[0] : 0;
        s.xmm[0].q[1] ^= r == 9 ? rk[10].q[1] : 0;
        op = (SSEOp){ .map = 2, .opcode = 0xde, .prefix = 0x66, .modrm = 0xc1, .reg = 0,
                      .rm = 1 };
        sse_exec(&s, &x87, &op);
    }
    s.xmm[1] = rk[0];
    op = (SSEOp){ .map = 2, .opcode = 0xdf, .prefix = 0x66, .modrm = 0xc1, .reg = 0, .rm = 1 };
    sse_exec(&s, &x87, &op);
    ok(!memcmp(s.xmm[0].b, pt, 16), "AESIMC + AESDEC x9 + AESDECLAST: plaintext back");
    /* CRC-32C("123456789") = E3069283 */
    for (const char *p = "123456789"; *p; p++) {
        op = (SSEOp){ .map = 2, .opcode = 0xf0, .prefix = 0xf2, .modrm = 0xc1, .gpr = crc,
                      .osize = 4 };
        op.src.q[0] = (uint8_t)*p;
        sse_exec(&s, &x87, &op);
        crc = (uint32_t)op.result.q[0];
    }
    ok(~crc == 0xe3069283u, "CRC32: CRC-32C check value");
    /* PCLMULQDQ: x^63 * x^63 = x^126 */
    s.xmm[0].q[0] = 1ull << 63;
    s.xmm[1].q[1] = 1ull << 63;
    op = (SSEOp){ .map = 3, .opcode = 0x44, .prefix = 0x66, .modrm = 0xc1, .reg = 0, .rm = 1,
                  .imm = 0x10 };
    sse_exec(&s, &x87, &op);
    ok(s.xmm[0].q[0] == 0 && s.xmm[0].q[1] == 1ull << 62, "PCLMULQDQ x^63 * x^63");
}

int main(void)
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };
    const char *seed = getenv("KEMU_TEST_SEED");
    const char *slow = getenv("KEMU_TEST_SLOW");
    bool is_slow = slow && *slow && *slow != '0';
    Params p = { .imms = is_slow ? 64 : 8, .cases = is_slow ? 60 : 16 };

    if (seed)
        rng_state = strtoull(seed, NULL, 0) | 1;
    native_init();
    test_state();
    test_info();
    test_exceptions();
    test_known_answers();
    test_decode();
    test_alignment();
    for (unsigned map = 1; map <= 3; map++)
        for (unsigned op = 0; op < 256; op++)
            for (unsigned k = 0; k < 4; k++) {
                if (is_group(map, op)) {
                    for (unsigned sel = 0; sel < 8; sel++)
                        test_opcode(map, op, prefixes[k], sel, &p);
                } else {
                    test_opcode(map, op, prefixes[k], 0, &p);
                }
            }
    return done_testing();
}
