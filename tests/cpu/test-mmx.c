/* SPDX-License-Identifier: MIT */
/*
 * MMX and packed-integer differential test: native versus mmx_exec.
 *
 * Every MMX opcode (0F 60-FE, 0F 38 00-1E, 0F 3A 0F; register and memory
 * forms, MOVD/MOVQ with and without REX.W, immediates) runs on the host
 * and through mmx_exec() from random x87 states (any TOP, tags and
 * contents, so the x87-to-MMX transition is checked too) with random
 * operands biased towards saturation boundaries. Compared bit for bit:
 * FCW, FSW, full tag word, the eight 80-bit registers, the memory operand
 * and RAX. The 16-byte (SSE2, 66-prefixed) forms of the same library are
 * checked against the host's XMM instructions. KEMU_TEST_SLOW=1 runs more
 * cases; KEMU_TEST_SEED picks the seed.
 * Reference: Intel SDM Vol 1 ch 9, Vol 2 per instruction.
 */
#include "../unit/tap.h"
#include "test-x87-native.h"
#include "mmx.h"

#include <inttypes.h>

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* 64 bits whose lanes often sit on saturation and sign boundaries. */
static uint64_t gen_vec(void)
{
    static const uint64_t pats[] = {
        0, ~0ull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full, 0x8000800080008000ull,
        0x7fff7fff7fff7fffull, 0x8000000080000000ull, 0x7fffffff7fffffffull,
        0x0101010101010101ull, 0x00ff00ff00ff00ffull, 0xff00ff00ff00ff00ull,
    };
    uint64_t v = rnd();

    switch (rndn(6)) {
    case 0: return pats[rndn(ARRAY_SIZE(pats))];
    case 1: return pats[rndn(ARRAY_SIZE(pats))] ^ (rnd() & rnd() & rnd());
    case 2: /* small signed lanes */
        for (unsigned i = 0; i < 8; i++)
            v = (v & ~(0xffull << (8 * i))) | ((uint64_t)(uint8_t)(rndn(9) - 4) << (8 * i));
        return v;
    case 3: return v & 0x00ff00ff00ff00ffull;
    default: return v;
    }
}

static void gen_state(X87State *s)
{
    memset(s, 0, sizeof(*s));
    s->fcw = 0x037f;
    s->fsw = (uint16_t)(rndn(8) << 11 | (rnd() & X87_FSW_CC));
    for (unsigned p = 0; p < 8; p++) {
        s->regs[p].mant = gen_vec();
        s->regs[p].sexp = rndn(2) ? 0xffff : (uint16_t)rnd();
        unsigned tag = rndn(3) == 0 ? X87_TAG_EMPTY : x87_classify(s->regs[p]);
        s->ftw |= tag << (2 * p);
    }
}

static void state_to_image(const X87State *s, uint8_t *img)
{
    memset(img, 0, 108);
    stw_le(img + 0, s->fcw);
    stw_le(img + 4, s->fsw);
    stw_le(img + 8, s->ftw);
    for (unsigned i = 0; i < 8; i++) {
        const X87Reg *r = &s->regs[(x87_top(s) + i) & 7];
        stq_le(img + 28 + 10 * i, r->mant);
        stw_le(img + 36 + 10 * i, r->sexp);
    }
}

static void image_to_state(const uint8_t *img, X87State *s)
{
    s->fcw = ldw_le(img + 0);
    s->fsw = ldw_le(img + 4);
    s->ftw = ldw_le(img + 8);
    for (unsigned i = 0; i < 8; i++) {
        X87Reg *r = &s->regs[(x87_top(s) + i) & 7];
        r->mant = ldq_le(img + 28 + 10 * i);
        r->sexp = ldw_le(img + 36 + 10 * i);
    }
}

static bool same_core(const X87State *a, const X87State *b)
{
    if (a->fcw != b->fcw || a->fsw != b->fsw || a->ftw != b->ftw)
        return false;
    for (unsigned p = 0; p < 8; p++)
        if (a->regs[p].mant != b->regs[p].mant || a->regs[p].sexp != b->regs[p].sexp)
            return false;
    return true;
}

static void fill_mem(uint8_t *b)
{
    for (unsigned i = 0; i < 64; i += 8)
        stq_le(b + i, gen_vec());
}

/* ---- MMX forms ---- */

typedef struct MmxForm {
    uint16_t opcode;
    uint8_t modrm, imm;
    bool rex_w;
    unsigned info;
    NativeFn *fn;
} MmxForm;

static char failmsg[2048];

static NativeFn *build_mmx(const MmxForm *f)
{
    uint8_t insn[32];
    unsigned n = 0;

    if (f->info & MMX_I_MASKMOV) {
        insn[n++] = 0x57;                                     /* push rdi */
        memcpy(insn + n, "\x48\x8d\xbf\x80\x00\x00\x00", 7); /* lea rdi, [rdi+128] */
        n += 7;
    }
    if (f->rex_w)
        insn[n++] = 0x48;
    insn[n++] = 0x0f;
    if (f->opcode >> 8 != 0x0f)
        insn[n++] = (uint8_t)(f->opcode >> 8);
    insn[n++] = (uint8_t)f->opcode;
    if (f->opcode != 0x0f77) /* EMMS has no ModRM */
        insn[n++] = f->modrm;
    if (f->info & MMX_I_IMM8)
        insn[n++] = f->imm;
    if (f->info & MMX_I_MASKMOV)
        insn[n++] = 0x5f;                                     /* pop rdi */
    return native_build(insn, n);
}

/* What the CPU core does around mmx_exec(), on a buffer and RAX. */
static int emulate_mmx(const MmxForm *f, X87State *s, uint8_t *mem, uint64_t *rax)
{
    bool is_mem = (f->modrm >> 6) != 3;
    unsigned size = f->info & MMX_I_SIZE;
    MMXOp op = { .opcode = f->opcode, .modrm = f->modrm, .imm = f->imm, .rex_w = f->rex_w };
    int r;

    if (is_mem && (f->info & MMX_I_LOAD))
        memcpy(&op.src, mem, size);
    else if (!is_mem && (f->info & MMX_I_RM_GPR) && !(f->info & MMX_I_STORE))
        op.src = *rax;
    r = mmx_exec(s, &op);
    if (r)
        return r;
    if (is_mem && (f->info & MMX_I_STORE))
        memcpy(mem, &op.result, size);
    if (!is_mem && (f->info & MMX_I_RM_GPR) && (f->info & MMX_I_STORE))
        *rax = op.result;
    if (f->info & MMX_I_REG_GPR)
        *rax = op.result;
    if (f->info & MMX_I_MASKMOV)
        for (unsigned i = 0; i < 8; i++)
            if (op.mask & (1u << i))
                mem[i] = (uint8_t)(op.result >> (8 * i));
    return 0;
}

static bool run_mmx_case(const MmxForm *f)
{
    X87State in, want, got;
    NativeCtx c;
    uint8_t mem[64];
    uint64_t rax;
    int rc;

    gen_state(&in);
    memset(&c, 0, sizeof(c));
    state_to_image(&in, c.image);
    fill_mem(c.mem);
    memcpy(mem, c.mem, sizeof(mem));
    c.rflags = 0x202;
    c.rax = rax = rnd();

    rc = native_run(f->fn, &c);
    want = in;
    image_to_state(c.image, &want);
    got = in;
    int r = emulate_mmx(f, &got, mem, &rax);
    if (rc || r) {
        snprintf(failmsg, sizeof(failmsg), "native signal %d, mmx_exec %d", rc, r);
        return false;
    }
    if (!same_core(&want, &got) || memcmp(mem, c.mem, sizeof(mem)) || rax != c.rax) {
        int k = snprintf(failmsg, sizeof(failmsg),
                         "in fsw %04x ftw %04x; want fsw %04x ftw %04x rax %016" PRIx64
                         " / got fsw %04x ftw %04x rax %016" PRIx64 "\n#  mem want %016" PRIx64
                         " got %016" PRIx64, in.fsw, in.ftw, want.fsw, want.ftw, c.rax, got.fsw,
                         got.ftw, rax, ldq_le(c.mem), ldq_le(mem));
        for (unsigned p = 0; p < 8 && k < (int)sizeof(failmsg); p++)
            k += snprintf(failmsg + k, sizeof(failmsg) - k,
                          "\n#  R%u in %04x:%016" PRIx64 " want %04x:%016" PRIx64
                          " got %04x:%016" PRIx64, p, in.regs[p].sexp, in.regs[p].mant,
                          want.regs[p].sexp, want.regs[p].mant, got.regs[p].sexp,
                          got.regs[p].mant);
        return false;
    }
    return true;
}

static uint8_t gen_imm(void)
{
    static const uint8_t counts[] = { 0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255 };

    return rndn(2) ? counts[rndn(ARRAY_SIZE(counts))] : (uint8_t)rnd();
}

static unsigned pick_reg_field(uint16_t opcode)
{
    static const uint8_t g12[] = { 2, 4, 6 }, g3[] = { 2, 6 };

    if (opcode == 0x0f71 || opcode == 0x0f72)
        return g12[rndn(3)];
    if (opcode == 0x0f73)
        return g3[rndn(2)];
    return rndn(8);
}

static void test_mmx_opcode(uint16_t opcode, unsigned forms, unsigned cases)
{
    unsigned fails = 0, total = 0;

    for (unsigned k = 0; k < forms; k++) {
        MmxForm f = { .opcode = opcode, .rex_w = (opcode == 0x0f6e || opcode == 0x0f7e) && (k & 1) };
        unsigned info = mmx_insn_info(opcode, 0xc0, f.rex_w);
        bool mem = !(info & MMX_I_REG_ONLY) && ((info & MMX_I_MEM_ONLY) || rndn(3) == 0);
        unsigned reg = pick_reg_field(opcode), rm = rndn(8);

        if ((info & MMX_I_REG_GPR) && !mem)
            reg = 0;                       /* GPR destination: eax */
        if ((info & MMX_I_RM_GPR) && !mem)
            rm = 0;                        /* GPR r/m: eax */
        f.modrm = (uint8_t)(mem ? (reg << 3 | 6) : (0xc0 | reg << 3 | rm));
        f.info = mmx_insn_info(opcode, f.modrm, f.rex_w);
        f.imm = gen_imm();
        f.fn = build_mmx(&f);
        for (unsigned i = 0; i < cases; i++, total++) {
            if (!run_mmx_case(&f)) {
                if (!fails)
                    diag("%04X modrm %02X imm %02X%s: %s", opcode, f.modrm, f.imm,
                         f.rex_w ? " REX.W" : "", failmsg);
                fails++;
            }
        }
    }
    ok(!fails, "MMX %04X: %u cases", opcode, total);
}

/* ---- 16-byte forms (SSE2/SSSE3 with 66, PSHUFHW/LW with F3/F2) ---- */

typedef struct SseForm {
    uint16_t opcode;
    uint8_t prefix, modrm, imm;
    NativeFn *fn;
    PackedFn *op;
} SseForm;

static bool has_imm(uint16_t opcode)
{
    return (opcode >= 0x0f70 && opcode <= 0x0f73) || opcode == 0x0fc4 || opcode == 0x0fc5 ||
           opcode == 0x3a0f;
}

static NativeFn *build_sse(const SseForm *f)
{
    uint8_t insn[40];
    unsigned n = 0;

    memcpy(insn + n, "\xf3\x0f\x6f\x06", 4), n += 4;          /* movdqu xmm0, [rsi] */
    memcpy(insn + n, "\xf3\x0f\x6f\x4e\x10", 5), n += 5;      /* movdqu xmm1, [rsi+16] */
    insn[n++] = f->prefix;
    insn[n++] = 0x0f;
    if (f->opcode >> 8 != 0x0f)
        insn[n++] = (uint8_t)(f->opcode >> 8);
    insn[n++] = (uint8_t)f->opcode;
    insn[n++] = f->modrm;
    if (has_imm(f->opcode))
        insn[n++] = f->imm;
    memcpy(insn + n, "\xf3\x0f\x7f\x06", 4), n += 4;          /* movdqu [rsi], xmm0 */
    return native_build(insn, n);
}

static void test_sse_opcode(uint16_t opcode, uint8_t prefix, unsigned reg, unsigned cases)
{
    unsigned fails = 0;
    SseForm f = { .opcode = opcode, .prefix = prefix };
    bool group = opcode >= 0x0f71 && opcode <= 0x0f73;

    f.op = packed_lookup(opcode, prefix, (uint8_t)reg);
    /* reg = xmm0 (or GPR eax for PEXTRW/PMOVMSKB), rm = xmm1 (eax for PINSRW, xmm0 for groups) */
    f.modrm = group ? (uint8_t)(0xc0 | reg << 3) : opcode == 0x0fc4 ? 0xc0 : 0xc1;
    for (unsigned k = 0; k < cases; k++) {
        NativeCtx c;
        PackedVec d, s;
        uint64_t rax = rnd();

        if (k % (cases / 16 + 1) == 0) {
            f.imm = has_imm(opcode) ? gen_imm() : 0;
            f.fn = build_sse(&f);
        }
        memset(&c, 0, sizeof(c));
        stw_le(c.image, 0x037f);
        stw_le(c.image + 8, 0xffff);
        fill_mem(c.mem);
        c.rflags = 0x202;
        c.rax = rax;
        memcpy(&d, c.mem, 16);
        memcpy(&s, c.mem + 16, 16);
        if (native_run(f.fn, &c)) {
            fails++;
            continue;
        }
        if (opcode == 0x0fc4)
            s.q[0] = rax;
        if (opcode == 0x0fc5 || opcode == 0x0fd7) {
            PackedVec r = { 0 };
            f.op(&r, &s, 16, f.imm);
            rax = r.q[0];
        } else {
            f.op(&d, group ? &d : &s, 16, f.imm);
        }
        if (rax != c.rax || memcmp(&d, c.mem, 16)) {
            if (!fails)
                diag("%02X %04X /%u imm %02X: want %016" PRIx64 "%016" PRIx64 " rax %" PRIx64
                     " got %016" PRIx64 "%016" PRIx64 " rax %" PRIx64, prefix, opcode, reg, f.imm,
                     ldq_le(c.mem + 8), ldq_le(c.mem), c.rax, d.q[1], d.q[0], rax);
            fails++;
        }
    }
    ok(!fails, "SSE %02X %04X%s: %u cases", prefix, opcode, group ? " (group)" : "", cases);
}

/* ---- directed ---- */

static void test_transitions(void)
{
    X87State s;

    memset(&s, 0, sizeof(s));
    x87_reset(&s);
    s.fsw = 5 << 11;
    s.regs[2] = (X87Reg){ 0x8000000000000000ull, 0x3fff };
    s.ftw = 0xffcf; /* R2 valid */
    ok(mmx_read(&s, 2) == 0x8000000000000000ull && x87_top(&s) == 0 && s.ftw == 0x5545,
       "mmx_read: TOP 0, every tag valid (classified from contents)");
    mmx_write(&s, 3, 0x1122334455667788ull);
    ok(s.regs[3].sexp == 0xffff && s.regs[3].mant == 0x1122334455667788ull &&
       ((s.ftw >> 6) & 3) == X87_TAG_SPECIAL, "mmx_write: exponent and sign all ones");
    s.fsw = 3 << 11;
    mmx_emms(&s);
    ok(s.ftw == 0xffff && x87_top(&s) == 0, "EMMS: every tag empty");

    MMXOp op = { .opcode = 0x0f77 };
    s.ftw = 0;
    ok(mmx_exec(&s, &op) == 0 && s.ftw == 0xffff, "mmx_exec(0F 77) is EMMS");
    op = (MMXOp){ .opcode = 0x0fd7, .modrm = 0x06 };
    ok(mmx_exec(&s, &op) == 6, "PMOVMSKB with a memory operand: #UD");
    op = (MMXOp){ .opcode = 0x0fe7, .modrm = 0xc1 };
    ok(mmx_exec(&s, &op) == 6, "MOVNTQ with a register operand: #UD");
    op = (MMXOp){ .opcode = 0x0f73, .modrm = 0xf9 };
    ok(mmx_exec(&s, &op) == 6, "PSLLDQ has no MMX form: #UD");
    ok(mmx_insn_info(0x0f6c, 0xc0, false) == MMX_I_UD && mmx_insn_info(0x0fd6, 0xc0, false) ==
       MMX_I_UD && mmx_insn_info(0x3810, 0xc0, false) == MMX_I_UD, "non-MMX opcodes are #UD");
    ok(mmx_insn_info(0x0f62, 0x06, false) == (MMX_I_LOAD | 4) &&
       mmx_insn_info(0x0f6e, 0x06, true) == (MMX_I_LOAD | MMX_I_RM_GPR | 8) &&
       mmx_insn_info(0x0fc4, 0x06, false) ==
           (MMX_I_LOAD | 2 | MMX_I_RM_GPR | MMX_I_IMM8 | MMX_I_SSE),
       "operand sizes: PUNPCKLDQ m32, MOVQ m64, PINSRW m16");
    ok(packed_lookup(0x0f70, 0xf3, 0) && packed_lookup(0x0f6c, 0x66, 0) &&
       !packed_lookup(0x0f6c, 0, 0) && !packed_lookup(0x0f73, 0, 7) &&
       packed_lookup(0x0f73, 0x66, 7), "packed_lookup prefix selection");
}

int main(void)
{
    const char *seed = getenv("KEMU_TEST_SEED");
    const char *slow = getenv("KEMU_TEST_SLOW");
    bool is_slow = slow && *slow && *slow != '0';
    unsigned forms = is_slow ? 48 : 8, cases = is_slow ? 500 : 40;

    if (seed)
        rng_state = strtoull(seed, NULL, 0) | 1;
    native_init();
    for (unsigned op = 0x0f00; op <= 0x0fff; op++)
        if (op != 0x0f77 && !(mmx_insn_info((uint16_t)op, 0xc0, false) & MMX_I_UD))
            test_mmx_opcode((uint16_t)op, forms, cases);
    for (unsigned op = 0x3800; op < 0x3820; op++)
        if (!(mmx_insn_info((uint16_t)op, 0xc0, false) & MMX_I_UD))
            test_mmx_opcode((uint16_t)op, forms, cases);
    test_mmx_opcode(0x3a0f, forms, cases);
    test_mmx_opcode(0x0f77, 2, cases);

    unsigned sse_cases = forms * cases;
    for (unsigned op = 0x0f00; op <= 0x0fff; op++) {
        if (op >= 0x0f71 && op <= 0x0f73) {
            for (unsigned reg = 0; reg < 8; reg++)
                if (packed_lookup((uint16_t)op, 0x66, (uint8_t)reg))
                    test_sse_opcode((uint16_t)op, 0x66, reg, sse_cases);
        } else if (packed_lookup((uint16_t)op, 0x66, 0)) {
            test_sse_opcode((uint16_t)op, 0x66, 0, sse_cases);
        }
    }
    for (unsigned op = 0x3800; op < 0x3820; op++)
        if (packed_lookup((uint16_t)op, 0x66, 0))
            test_sse_opcode((uint16_t)op, 0x66, 0, sse_cases);
    test_sse_opcode(0x3a0f, 0x66, 0, sse_cases);
    test_sse_opcode(0x0f70, 0xf3, 0, sse_cases);
    test_sse_opcode(0x0f70, 0xf2, 0, sse_cases);
    test_transitions();
    return done_testing();
}
