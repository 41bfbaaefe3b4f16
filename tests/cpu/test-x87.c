/* SPDX-License-Identifier: MIT */
/*
 * x87 differential test: every D8-DF encoding, native versus x87_exec.
 *
 * For each of the 576 encodings (8 escapes x (8 memory forms + 64 register
 * forms), plus the 16-bit FLDENV/FNSTENV/FRSTOR/FNSAVE layouts) random
 * FPU states (NaNs, infinities, denormals, pseudo-denormals, unnormals,
 * pseudo-NaNs, extreme exponents, rounding-boundary significands, every
 * precision and rounding control, masked and unmasked exceptions) and
 * random memory operands are run through the host CPU and through the
 * emulator, and the results are compared bit for bit: FCW, FSW (C0-C3,
 * flags, ES, B, TOP), full tag word, all eight 80-bit registers, the
 * memory operand, EFLAGS and AX. #UD encodings must agree too. Pointer
 * registers (FIP/FDP/FOP), the real-mode image layouts and FXSAVE are
 * checked by the directed tests at the end. KEMU_TEST_SLOW=1 runs 100x
 * more cases; KEMU_TEST_SEED picks the random seed.
 * Reference: Intel SDM Vol 1 ch 8, Vol 2 (x87 instructions).
 */
#include "../unit/tap.h"
#include "test-x87-native.h"
#include "x87.h"

#include <inttypes.h>

/* ---- random values ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

static X87Reg reg_from_int(int64_t v)
{
    X87Reg r = { 0, v < 0 ? 0x8000 : 0 };
    uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;

    if (m) {
        int sh = __builtin_clzll(m);
        r.mant = m << sh;
        r.sexp |= 0x3fff + 63 - sh;
    }
    return r;
}

static const int boundary_exps[] = { 126, 127, 128, 149, 150, 1022, 1023, 1024, 1074, 1075,
                                     14, 15, 16, 30, 31, 32, 62, 63, 64, 16382, 16383 };

static uint64_t rnd_mant_pattern(void)
{
    uint64_t m = rnd();

    switch (rndn(6)) {
    case 0: return m | (1ull << 63);
    case 1: return (m & ~0xffffffffffull) | 0x8000000000ull; /* single halfway */
    case 2: return (m & ~0x7ffull) | 0x400;                 /* double halfway */
    case 3: return ~0ull;
    case 4: return 1ull << 63;
    default: return (m & ~0xffffffffffull) | (rnd() & 0xffffffffffull & -(uint64_t)rndn(2));
    }
}

static X87Reg gen_reg(void)
{
    uint16_t sign = rndn(2) ? 0x8000 : 0;
    uint64_t m = rnd();
    int e;

    switch (rndn(18)) {
    case 0: return (X87Reg){ 0, sign };
    case 1: return (X87Reg){ (m & ~(1ull << 63)) | 1, sign };          /* denormal */
    case 2: return (X87Reg){ m | (1ull << 63), sign };                 /* pseudo-denormal */
    case 3: return (X87Reg){ m >> rndn(64), sign | (1 + rndn(0x7ffe)) }; /* unnormal */
    case 4: return (X87Reg){ 1ull << 63, sign | 0x7fff };              /* infinity */
    case 5: return (X87Reg){ m | (3ull << 62), sign | 0x7fff };        /* QNaN */
    case 6: return (X87Reg){ ((m | 1) & ~(1ull << 62)) | (1ull << 63), sign | 0x7fff }; /* SNaN */
    case 7: return (X87Reg){ m >> rndn(65 - 1), sign | 0x7fff };       /* pseudo-NaN/inf */
    case 8: return reg_from_int((int64_t)rndn(140001) - 70000);
    case 9: return (X87Reg){ rnd_mant_pattern(), sign | (0x3fff + rndn(9) - 4) };
    case 10: return (X87Reg){ m | (1ull << 63), sign | (0x400d + rndn(0x34)) };
    case 11:
        e = rndn(2) ? 1 + rndn(40) : 0x7ffe - rndn(40);
        return (X87Reg){ m | (1ull << 63), sign | e };
    case 12:
        e = boundary_exps[rndn(ARRAY_SIZE(boundary_exps))];
        e = 0x3fff + (rndn(2) ? e : -e) + (int)rndn(3) - 1;
        return (X87Reg){ rnd_mant_pattern(), sign | e };
    case 13: return (X87Reg){ rnd_mant_pattern(), sign | (0x3fff + rndn(130) - 65) };
    case 14: return (X87Reg){ 0xc000000000000000ull, 0xffff };        /* indefinite */
    case 15: /* near a multiple of pi/4 (FSIN, FPTAN, FPREM) */
        return (X87Reg){ 0xc90fdaa22168c234ull + rndn(5) - 2, sign | (0x3ffe + rndn(70)) };
    default: return (X87Reg){ m | (1ull << 63), sign | (0x3fbf + rndn(0x80)) };
    }
}

static uint32_t gen_f32(void)
{
    uint32_t sign = rndn(2) ? 0x80000000u : 0, m = (uint32_t)rnd() & 0x7fffff;

    switch (rndn(10)) {
    case 0: return sign;
    case 1: return sign | m | 1;                                   /* denormal */
    case 2: return sign | 0x7f800000u;                             /* infinity */
    case 3: return sign | 0x7fc00000u | m;                         /* QNaN */
    case 4: return sign | 0x7f800000u | ((m | 1) & 0x3fffff);      /* SNaN */
    case 5: return sign | (rndn(2) ? 0x7f000000u : 0x00800000u) | m;
    default: return sign | (uint32_t)(127 + rndn(60) - 30) << 23 | m;
    }
}

static uint64_t gen_f64(void)
{
    uint64_t sign = rndn(2) ? 1ull << 63 : 0, m = rnd() & 0xfffffffffffffull;

    switch (rndn(10)) {
    case 0: return sign;
    case 1: return sign | m | 1;
    case 2: return sign | 0x7ff0000000000000ull;
    case 3: return sign | 0x7ff8000000000000ull | m;
    case 4: return sign | 0x7ff0000000000000ull | ((m | 1) & 0x7ffffffffffffull);
    case 5: return sign | (rndn(2) ? 0x7fe0000000000000ull : 0x0010000000000000ull) | m;
    default: return sign | (uint64_t)(1023 + rndn(200) - 100) << 52 | m;
    }
}

static uint64_t gen_int(unsigned bits)
{
    uint64_t top = 1ull << (bits - 1);

    switch (rndn(6)) {
    case 0: return top;                          /* most negative */
    case 1: return top - 1 - rndn(3);            /* most positive */
    case 2: return (uint64_t)((int64_t)rndn(2001) - 1000);
    case 3: return 0;
    default: return rnd();
    }
}

static void gen_bcd(uint8_t *b)
{
    for (int i = 0; i < 9; i++)
        b[i] = (uint8_t)(rndn(10) << 4 | rndn(10));
    if (rndn(4) == 0)
        memset(b + rndn(9), 0, 1 + rndn(3)) ;
    if (rndn(10) == 0)
        b[rndn(9)] = (uint8_t)rnd();             /* invalid digit */
    b[9] = rndn(2) ? 0x80 : 0;
    if (rndn(10) == 0)
        b[9] |= (uint8_t)(rnd() & 0x7f);
    if (rndn(20) == 0) {
        memset(b, 0, 7);
        b[7] = 0xc0, b[8] = 0xff, b[9] = 0xff;   /* BCD indefinite */
    }
}

/* ---- FPU states ---- */

static void gen_state(X87State *s, bool pending_ok)
{
    unsigned empty_pct = (unsigned[]){ 0, 30, 60, 100 }[rndn(4)];
    uint16_t flags;

    memset(s, 0, sizeof(*s));
    s->fcw = 0x40 | (rndn(2) ? 0x3f : (uint16_t)(rnd() & 0x3f)) | rndn(4) << 8 | rndn(4) << 10 |
             rndn(2) << 12;
    for (unsigned p = 0; p < 8; p++) {
        s->regs[p] = gen_reg();
        unsigned tag = rndn(100) < empty_pct ? X87_TAG_EMPTY : x87_classify(s->regs[p]);
        s->ftw |= tag << (2 * p);
    }
    flags = (uint16_t)(rnd() & 0x7f & rnd());
    if (!pending_ok)
        flags &= (s->fcw & 0x3f) | X87_FSW_SF;
    s->fsw = (uint16_t)(rndn(8) << 11 | (rnd() & X87_FSW_CC) | flags);
    if (flags & ~s->fcw & 0x3f)
        s->fsw |= X87_FSW_ES | X87_FSW_B;
    s->fip = rnd() & 0xffffffff;
    s->fdp = rnd() & 0xffffffff;
    s->fcs = (uint16_t)rnd();
    s->fds = (uint16_t)rnd();
    s->fop = rnd() & 0x7ff;
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

/* FCW, FSW, FTW and registers of a native image into *s (pointers kept). */
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

/* ---- memory operands ---- */

enum { F_NONE, F_F32, F_F64, F_F80, F_I16, F_I32, F_I64, F_BCD, F_W16, F_ENV, F_IMG };

static int mem_format(unsigned esc, unsigned reg)
{
    static const int fmt[8][8] = {
        { F_F32, F_F32, F_F32, F_F32, F_F32, F_F32, F_F32, F_F32 },
        { F_F32, F_NONE, F_F32, F_F32, F_ENV, F_W16, F_ENV, F_W16 },
        { F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32 },
        { F_I32, F_I32, F_I32, F_I32, F_NONE, F_F80, F_NONE, F_F80 },
        { F_F64, F_F64, F_F64, F_F64, F_F64, F_F64, F_F64, F_F64 },
        { F_F64, F_I64, F_F64, F_F64, F_IMG, F_NONE, F_IMG, F_W16 },
        { F_I16, F_I16, F_I16, F_I16, F_I16, F_I16, F_I16, F_I16 },
        { F_I16, F_I16, F_I16, F_I16, F_BCD, F_I64, F_BCD, F_I64 },
    };
    return fmt[esc][reg];
}

static void gen_env(uint8_t *b, unsigned opsize)
{
    uint16_t fcw = (uint16_t)(rndn(3) ? (0x40 | (rnd() & 0xf3f)) : rnd());
    uint16_t fsw = (uint16_t)rnd(), ftw = (uint16_t)rnd();

    for (unsigned i = 0; i < 28; i++)
        b[i] = (uint8_t)rnd();
    if (opsize == 16) {
        stw_le(b + 0, fcw), stw_le(b + 2, fsw), stw_le(b + 4, ftw);
    } else {
        stw_le(b + 0, fcw), stw_le(b + 4, fsw), stw_le(b + 8, ftw);
    }
}

static void gen_mem(uint8_t *b, unsigned esc, unsigned reg, unsigned opsize)
{
    for (unsigned i = 0; i < 128; i++)
        b[i] = (uint8_t)rnd();
    switch (mem_format(esc, reg)) {
    case F_F32: stl_le(b, gen_f32()); break;
    case F_F64: stq_le(b, gen_f64()); break;
    case F_F80: {
        X87Reg r = gen_reg();
        stq_le(b, r.mant), stw_le(b + 8, r.sexp);
        break;
    }
    case F_I16: stw_le(b, (uint16_t)gen_int(16)); break;
    case F_I32: stl_le(b, (uint32_t)gen_int(32)); break;
    case F_I64: stq_le(b, gen_int(64)); break;
    case F_BCD: gen_bcd(b); break;
    case F_W16: if (rndn(2)) stw_le(b, (uint16_t)(0x40 | (rnd() & 0xf3f))); break;
    case F_ENV: gen_env(b, opsize); break;
    case F_IMG:
        gen_env(b, opsize);
        for (unsigned i = 0; i < 8; i++) {
            X87Reg r = gen_reg();
            unsigned o = (opsize == 16 ? 14 : 28) + 10 * i;
            stq_le(b + o, r.mant), stw_le(b + o + 8, r.sexp);
        }
        break;
    }
}

/* ---- the emulated side ---- */

typedef struct MemBuf {
    uint8_t b[256];
} MemBuf;

static uint64_t buf_ld(void *ctx, uint32_t off, unsigned size)
{
    MemBuf *m = ctx;
    uint64_t v = 0;

    if (off + size > sizeof(m->b))
        abort();
    memcpy(&v, m->b + off, size);
    return v;
}

static void buf_st(void *ctx, uint32_t off, uint64_t val, unsigned size)
{
    MemBuf *m = ctx;

    if (off + size > sizeof(m->b))
        abort();
    memcpy(m->b + off, &val, size);
}

static X87Op make_op(unsigned esc, unsigned modrm, unsigned opsize, MemBuf *m, uint32_t *ef,
                     uint16_t *ax)
{
    X87Op op = {
        .esc = (uint8_t)esc, .modrm = (uint8_t)modrm, .has_mem = (modrm >> 6) != 3,
        .ctx = m, .ld = buf_ld, .st = buf_st, .opsize = opsize, .protected_mode = true,
        .sse3 = true, .fip = 0x1234, .fcs = 0x23, .fdp = 0x5678, .fds = 0x2b,
        .eflags = ef, .ax = ax,
    };
    return op;
}

/* ---- one differential case ---- */

typedef struct Encoding {
    unsigned esc, modrm, opsize;
    NativeFn *fn;
    bool ud;                 /* native #UD */
    unsigned info;
} Encoding;

static char failmsg[4096];

static int describe(char *p, size_t n, const char *what, const X87State *in, const X87State *want,
                    const X87State *got)
{
    int k = snprintf(p, n, "%s\n#  input: fcw %04x fsw %04x ftw %04x\n", what, in->fcw, in->fsw,
                     in->ftw);
    for (unsigned i = 0; i < 8 && k < (int)n; i++) {
        unsigned pi = (x87_top(in) + i) & 7, pw = (x87_top(want) + i) & 7,
                 pg = (x87_top(got) + i) & 7;
        k += snprintf(p + k, n - k, "#  ST%u in %04x:%016" PRIx64 " want %04x:%016" PRIx64
                      " got %04x:%016" PRIx64 "\n", i, in->regs[pi].sexp, in->regs[pi].mant,
                      want->regs[pw].sexp, want->regs[pw].mant, got->regs[pg].sexp,
                      got->regs[pg].mant);
    }
    k += snprintf(p + k, n - k, "#  want fcw %04x fsw %04x ftw %04x / got fcw %04x fsw %04x ftw %04x",
                  want->fcw, want->fsw, want->ftw, got->fcw, got->fsw, got->ftw);
    return k;
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

/* Bytes of an FNSTENV/FNSAVE image that hold host pointers: not compared. */
static void mask_pointers(const Encoding *e, uint8_t *b)
{
    bool env_store = (e->modrm >> 6) != 3 && (e->info & X87_I_STORE) &&
                     (e->info & X87_I_SIZE) >= 14;
    if (!env_store)
        return;
    if (e->opsize == 16)
        memset(b + 6, 0, 8);
    else
        memset(b + 12, 0, 14);
}

static bool run_case(const Encoding *e)
{
    bool nowait = e->info & X87_I_NOWAIT;
    X87State in, want, got;
    NativeCtx c;
    MemBuf m;
    uint32_t ef;
    uint16_t ax;
    int rc;

    gen_state(&in, nowait);
    memset(&c, 0, sizeof(c));
    state_to_image(&in, c.image);
    gen_mem(c.mem, e->esc, (e->modrm >> 3) & 7, e->opsize);
    memcpy(m.b, c.mem, sizeof(m.b));
    ef = 0x202 | (uint32_t)(rnd() & 0x8d5);
    c.rflags = ef;
    ax = (uint16_t)rnd();
    c.rax = ax;

    rc = native_run(e->fn, &c);
    want = in;
    if (!rc)
        image_to_state(c.image, &want);

    got = in;
    X87Op op = make_op(e->esc, e->modrm, e->opsize, &m, &ef, &ax);
    int r = x87_exec(&got, &op);

    if ((rc == SIGILL) != (r == 6)) {
        snprintf(failmsg, sizeof(failmsg), "#UD mismatch: native signal %d, x87_exec %d", rc, r);
        return false;
    }
    if (rc && rc != SIGILL) {
        snprintf(failmsg, sizeof(failmsg), "native signal %d", rc);
        return false;
    }
    if (!same_core(&want, &got)) {
        describe(failmsg, sizeof(failmsg), "state differs", &in, &want, &got);
        return false;
    }
    mask_pointers(e, c.mem);
    mask_pointers(e, m.b);
    if (memcmp(c.mem, m.b, 128)) {
        int k = describe(failmsg, sizeof(failmsg), "memory differs", &in, &want, &got);
        k += snprintf(failmsg + k, sizeof(failmsg) - k, "\n#  want/got:");
        for (unsigned i = 0; i < 32; i++)
            k += snprintf(failmsg + k, sizeof(failmsg) - k, " %02x/%02x", c.mem[i], m.b[i]);
        return false;
    }
    if ((c.rflags & 0x8d5) != (ef & 0x8d5)) {
        int k = describe(failmsg, sizeof(failmsg), "eflags differ", &in, &want, &got);
        snprintf(failmsg + k, sizeof(failmsg) - k, "\n#  want %03x got %03x",
                 (unsigned)(c.rflags & 0x8d5), ef & 0x8d5);
        return false;
    }
    if ((uint16_t)c.rax != ax) {
        snprintf(failmsg, sizeof(failmsg), "ax differs: want %04x got %04x", (uint16_t)c.rax, ax);
        return false;
    }
    return true;
}

static void test_encoding(unsigned esc, unsigned modrm, unsigned opsize, unsigned cases)
{
    uint8_t insn[3];
    unsigned len = 0, fails = 0;
    Encoding e = { .esc = esc, .modrm = modrm, .opsize = opsize };

    if (opsize == 16)
        insn[len++] = 0x66;
    insn[len++] = (uint8_t)(0xd8 + esc);
    insn[len++] = (uint8_t)modrm;
    e.fn = native_build(insn, len);
    e.info = x87_insn_info((uint8_t)esc, (uint8_t)modrm, opsize);
    if (e.info & X87_I_UD)
        cases = MIN(cases, 20u); /* #UD is decided by the encoding alone */
    for (unsigned i = 0; i < cases; i++) {
        if (!run_case(&e)) {
            if (!fails)
                diag("%02X %02X%s: %s", 0xd8 + esc, modrm, opsize == 16 ? " (o16)" : "", failmsg);
            fails++;
        }
    }
    ok(!fails, "%s%02X %02X: %u cases%s", opsize == 16 ? "66 " : "", 0xd8 + esc, modrm, cases,
       fails ? " (failures)" : "");
    if (fails)
        diag("%u of %u cases failed", fails, cases);
}

/* ---- directed tests ---- */

static X87State base_state(void)
{
    X87State s;

    x87_reset(&s);
    s.fsw = 0x3800 | X87_FSW_C3;       /* TOP 7 */
    s.regs[7] = reg_from_int(3);
    s.regs[0] = reg_from_int(-5);
    s.ftw = 0x3ffc;                    /* R7 (ST0) and R0 (ST1) valid, the rest empty */
    s.fip = 0x12345, s.fcs = 0x1000, s.fdp = 0x6789, s.fds = 0x2000, s.fop = 0x5a5;
    return s;
}

static int exec1(X87State *s, unsigned esc, unsigned modrm, unsigned opsize, bool pm, MemBuf *m)
{
    uint32_t ef = 0;
    uint16_t ax = 0;
    X87Op op = make_op(esc, modrm, opsize, m, &ef, &ax);

    op.protected_mode = pm;
    op.fip = 0xabcd, op.fcs = 0x33, op.fdp = 0x4444, op.fds = 0x55;
    return x87_exec(s, &op);
}

static void test_reset_states(void)
{
    X87State s;

    memset(&s, 0xaa, sizeof(s));
    x87_power_on(&s);
    ok(s.fcw == 0x0040 && s.fsw == 0 && s.ftw == 0x5555 && s.fip == 0 && s.fdp == 0 &&
       s.regs[3].mant == 0 && s.regs[3].sexp == 0, "power-on state: FCW 0040 FSW 0 FTW 5555, +0.0");
    memset(&s, 0xaa, sizeof(s));
    x87_reset(&s);
    ok(s.fcw == 0x037f && s.fsw == 0 && s.ftw == 0xffff && s.fop == 0 && s.fip == 0 &&
       s.fcs == 0 && s.fdp == 0 && s.fds == 0 && s.regs[3].sexp == 0xaaaa,
       "FNINIT state: FCW 037F FSW 0 FTW FFFF, pointers 0, registers kept");
    s.fsw = X87_FSW_ES | X87_FSW_B | X87_FSW_PE;
    ok(x87_pending_exception(&s), "ES set: exception pending");
    s.fsw = X87_FSW_PE;
    ok(!x87_pending_exception(&s), "ES clear: nothing pending");
}

static void test_pointers(void)
{
    X87State s = base_state();
    MemBuf m;

    memset(&m, 0, sizeof(m));
    stl_le(m.b, 0x3f800000);
    exec1(&s, 0, 0x06, 32, true, &m);               /* FADD m32 */
    ok(s.fip == 0xabcd && s.fcs == 0x33 && s.fdp == 0x4444 && s.fds == 0x55 && s.fop == 0x006,
       "FADD m32 records FIP/FCS/FDP/FDS and FOP 006");
    s.fdp = 0x1111, s.fds = 0x22;
    exec1(&s, 6, 0xc1, 32, true, &m);               /* FADDP ST1, ST0 */
    ok(s.fop == 0x6c1 && s.fip == 0xabcd && s.fdp == 0x1111 && s.fds == 0x22,
       "FADDP records FIP/FOP, keeps FDP/FDS");
    s.fop = 0x123, s.fip = 0x77, s.fdp = 0x88;
    exec1(&s, 1, 0xf7, 32, true, &m);               /* FINCSTP */
    ok(s.fop == 0x1f7 && s.fip == 0xabcd, "FINCSTP is not a control instruction");
    static const uint8_t controls[][2] = {
        { 1, 0x2e }, { 1, 0x3e }, { 5, 0x3e }, { 7, 0xe0 }, { 3, 0xe2 }, { 1, 0x36 }, { 1, 0x26 },
    };
    bool same = true;
    for (unsigned i = 0; i < ARRAY_SIZE(controls); i++) {
        s.fop = 0x123, s.fip = 0x77, s.fcs = 0x9, s.fdp = 0x88, s.fds = 0xa;
        memset(&m, 0, sizeof(m));
        stw_le(m.b, 0x037f);
        exec1(&s, controls[i][0], controls[i][1], 32, true, &m);
        if (controls[i][1] == 0x26) /* FLDENV loads the pointers from the image */
            same &= s.fip == 0 && s.fop == 0;
        else
            same &= s.fop == 0x123 && s.fip == 0x77 && s.fcs == 9 && s.fdp == 0x88 && s.fds == 0xa;
    }
    ok(same, "FLDCW FNSTCW FNSTSW FNCLEX FNSTENV FLDENV keep the pointers");
    exec1(&s, 3, 0xe3, 32, true, &m);               /* FNINIT */
    ok(s.fop == 0 && s.fip == 0 && s.fcs == 0 && s.fdp == 0 && s.fds == 0, "FNINIT clears them");
}

/* FNSTENV layouts, byte for byte (SDM Vol 1 Figs 8-9 to 8-12). */
static void test_env_layouts(void)
{
    static const struct {
        unsigned opsize;
        bool pm;
        uint32_t words[7];
        const char *name;
    } cases[] = {
        { 32, true, { 0xffff037f, 0xffff3900, 0xffff3ffc, 0x00012345, 0x05a51000, 0x00006789,
                      0xffff2000 }, "32-bit protected mode" },
        { 32, false, { 0xffff037f, 0xffff3900, 0xffff3ffc, 0xffff2345, 0x000025a5, 0xffff6789,
                       0x00002000 }, "32-bit real mode" },
        { 16, true, { 0x3900037f, 0x23453ffc, 0x67891000, 0x2000 }, "16-bit protected mode" },
        { 16, false, { 0x3900037f, 0x23453ffc, 0x678925a5, 0x2000 }, "16-bit real mode" },
    };

    for (unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
        X87State s = base_state(), t;
        MemBuf m;
        unsigned size = cases[c].opsize == 16 ? 14 : 28;
        bool match = true;

        s.fsw = 0x3900; /* TOP 7, C0 */
        memset(&m, 0xee, sizeof(m));
        exec1(&s, 1, 0x36, cases[c].opsize, cases[c].pm, &m);
        for (unsigned i = 0; i < size; i += 4) {
            uint32_t want = cases[c].words[i / 4], got = ldl_le(m.b + i);
            if (size - i == 2)
                want &= 0xffff, got &= 0xffff;
            if (want != got) {
                diag("offset %u: want %08x got %08x", i, want, got);
                match = false;
            }
        }
        ok(match && m.b[size] == 0xee, "FNSTENV %s layout", cases[c].name);
        ok(s.fcw == 0x037f, "FNSTENV masks all exceptions (%s)", cases[c].name);

        /* FLDENV of the same image */
        x87_reset(&t);
        t.regs[0] = s.regs[0], t.regs[7] = s.regs[7];
        exec1(&t, 1, 0x26, cases[c].opsize, cases[c].pm, &m);
        bool back = t.fcw == 0x037f && t.fsw == 0x3900 && t.ftw == 0x3ffc;
        if (cases[c].pm)
            back &= t.fip == (cases[c].opsize == 16 ? 0x2345 : 0x12345) && t.fcs == 0x1000 &&
                    t.fdp == 0x6789 && t.fds == 0x2000 &&
                    t.fop == (cases[c].opsize == 16 ? 0 : 0x5a5);
        else
            back &= t.fip == 0x22345 && t.fdp == 0x26789 && t.fop == 0x5a5;
        ok(back, "FLDENV reads the %s layout back", cases[c].name);
    }
}

static void test_save_restore(void)
{
    for (unsigned opsize = 16; opsize <= 32; opsize += 16) {
        X87State s, t, orig;
        MemBuf m;
        unsigned env = opsize == 16 ? 14 : 28;

        gen_state(&s, true);
        orig = s;
        memset(&m, 0, sizeof(m));
        exec1(&s, 5, 0x36, opsize, false, &m);       /* FNSAVE, real mode */
        ok(s.fcw == 0x037f && s.fsw == 0 && s.ftw == 0xffff, "FNSAVE m%u reinitialises", env + 80);
        bool regs = true;
        for (unsigned i = 0; i < 8; i++) {
            const X87Reg *r = &orig.regs[(x87_top(&orig) + i) & 7];
            regs &= ldq_le(m.b + env + 10 * i) == r->mant && ldw_le(m.b + env + 10 * i + 8) == r->sexp;
        }
        ok(regs, "FNSAVE m%u stores ST0..ST7 in stack order", env + 80);
        x87_reset(&t);
        exec1(&t, 5, 0x26, opsize, false, &m);       /* FRSTOR */
        ok(same_core(&t, &orig) && t.fop == orig.fop, "FRSTOR m%u restores the state", env + 80);
    }
}

static void test_fxsave(unsigned cases)
{
    static uint8_t area[512] __attribute__((aligned(16)));
    unsigned bad_save = 0, bad_rstor = 0;

    for (unsigned c = 0; c < cases; c++) {
        X87State s, t, want;
        uint8_t img[108], ours[512];

        gen_state(&s, true);
        s.fop = 0;
        state_to_image(&s, img);
        memset(area, 0xcc, sizeof(area));
        __asm__ volatile("frstor %1\n\tfxsave %0\n\tfninit" : "=m"(area) : "m"(img));
        memset(ours, 0xcc, sizeof(ours));
        x87_fxsave(&s, ours);
        if (memcmp(area, ours, 8) || memcmp(area + 32, ours + 32, 128))
            bad_save++;

        /* FXRSTOR of our image (with junk in the reserved FCW bits) */
        stw_le(ours + 0, (uint16_t)rnd());
        stl_le(ours + 24, 0x1f80);                   /* MXCSR default */
        stl_le(ours + 28, 0xffff);
        memcpy(area, ours, sizeof(area));
        __asm__ volatile("fxrstor %1\n\tfnsave %0" : "=m"(img) : "m"(area));
        want = s;
        image_to_state(img, &want);
        t = s;
        x87_fxrstor(&t, ours);
        if (!same_core(&want, &t))
            bad_rstor++;
    }
    ok(!bad_save, "FXSAVE image matches the host (%u states)", cases);
    ok(!bad_rstor, "FXRSTOR matches the host (%u states)", cases);

    X87State s = base_state(), t;
    uint8_t img[512];
    x87_fxsave64(&s, img);
    x87_reset(&t);
    x87_fxrstor64(&t, img);
    ok(ldq_le(img + 8) == 0x12345 && ldq_le(img + 16) == 0x6789 && t.fip == 0x12345 &&
       t.fdp == 0x6789 && t.fop == 0x5a5 && same_core(&s, &t), "FXSAVE64/FXRSTOR64 round trip");
    x87_fxsave(&s, img);
    ok(ldl_le(img + 8) == 0x12345 && ldw_le(img + 12) == 0x1000 && ldl_le(img + 16) == 0x6789 &&
       ldw_le(img + 20) == 0x2000 && img[4] == 0x81, "FXSAVE pointers and abridged tags");
}

static void test_info(void)
{
    ok(x87_insn_info(1, 0x36, 32) == (X87_I_STORE | X87_I_NOWAIT | 28), "FNSTENV m28 info");
    ok(x87_insn_info(1, 0x36, 16) == (X87_I_STORE | X87_I_NOWAIT | 14), "FNSTENV m14 info");
    ok(x87_insn_info(5, 0x26, 32) == (X87_I_LOAD | 108), "FRSTOR m108 info");
    ok(x87_insn_info(5, 0x36, 16) == (X87_I_STORE | X87_I_NOWAIT | 94), "FNSAVE m94 info");
    ok(x87_insn_info(3, 0x3e, 32) == (X87_I_STORE | 10), "FSTP m80 info");
    ok(x87_insn_info(7, 0x26, 32) == (X87_I_LOAD | 10), "FBLD info");
    ok(x87_insn_info(3, 0x0e, 32) == (X87_I_STORE | X87_I_SSE3 | 4), "FISTTP m32 info");
    ok(x87_insn_info(2, 0xc1, 32) == X87_I_EFLAGS_IN, "FCMOVB info");
    ok(x87_insn_info(7, 0xf1, 32) == X87_I_EFLAGS_OUT, "FCOMIP info");
    ok(x87_insn_info(7, 0xe0, 32) == (X87_I_AX_OUT | X87_I_NOWAIT), "FNSTSW AX info");
    ok(x87_insn_info(3, 0xe3, 32) == X87_I_NOWAIT, "FNINIT info");
    ok(x87_insn_info(1, 0xd1, 32) == X87_I_UD, "D9 D1 is #UD");

    X87State s = base_state(), t = s;
    MemBuf m;
    uint32_t ef = 0;
    uint16_t ax = 0;
    X87Op op = make_op(7, 0x0e, 32, &m, &ef, &ax);
    op.sse3 = false;
    ok(x87_exec(&s, &op) == 6 && same_core(&s, &t) && s.fip == t.fip, "FISTTP without SSE3: #UD");
}

/* Memory callbacks that fault (longjmp) on the n-th access. */
static jmp_buf fault_jb;
static int fault_countdown;

static uint64_t fault_ld(void *ctx, uint32_t off, unsigned size)
{
    if (--fault_countdown == 0)
        longjmp(fault_jb, 1);
    return buf_ld(ctx, off, size);
}

static void fault_st(void *ctx, uint32_t off, uint64_t val, unsigned size)
{
    if (--fault_countdown == 0)
        longjmp(fault_jb, 1);
    buf_st(ctx, off, val, size);
}

static void test_faults(void)
{
    static const struct { unsigned esc, modrm, accesses; const char *name; } cases[] = {
        { 3, 0x3e, 2, "FSTP m80" }, { 7, 0x36, 2, "FBSTP" }, { 5, 0x36, 14, "FNSAVE m108" },
        { 1, 0x36, 4, "FNSTENV m28" }, { 5, 0x26, 14, "FRSTOR m108" }, { 3, 0x2e, 2, "FLD m80" },
        { 5, 0x1e, 1, "FSTP m64" },
    };

    for (volatile unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
        volatile bool unchanged = true;
        for (volatile unsigned k = 1; k <= cases[c].accesses; k++) {
            X87State s = base_state(), t = s;
            MemBuf m;
            uint32_t ef = 0;
            uint16_t ax = 0;
            X87Op op = make_op(cases[c].esc, cases[c].modrm, 32, &m, &ef, &ax);

            memset(&m, 0, sizeof(m));
            op.ld = fault_ld, op.st = fault_st;
            fault_countdown = (int)k;
            if (!setjmp(fault_jb)) {
                x87_exec(&s, &op);
                unchanged = false; /* must have faulted */
            }
            unchanged &= same_core(&s, &t) && s.fip == t.fip && s.fop == t.fop;
        }
        ok(unchanged, "%s: a fault at any access leaves the state unchanged", cases[c].name);
    }
}

/* ---- main ---- */

int main(void)
{
    const char *seed = getenv("KEMU_TEST_SEED");
    const char *slow = getenv("KEMU_TEST_SLOW");
    unsigned cases = slow && *slow && *slow != '0' ? 30000 : 300;

    if (seed)
        rng_state = strtoull(seed, NULL, 0) | 1;
    native_init();
    for (unsigned esc = 0; esc < 8; esc++) {
        for (unsigned reg = 0; reg < 8; reg++)
            test_encoding(esc, reg << 3 | 6, 32, cases);
        for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++)
            test_encoding(esc, modrm, 32, cases);
    }
    test_encoding(1, 4 << 3 | 6, 16, cases);  /* FLDENV m14 */
    test_encoding(1, 6 << 3 | 6, 16, cases);  /* FNSTENV m14 */
    test_encoding(5, 4 << 3 | 6, 16, cases);  /* FRSTOR m94 */
    test_encoding(5, 6 << 3 | 6, 16, cases);  /* FNSAVE m94 */
    test_reset_states();
    test_pointers();
    test_env_layouts();
    test_save_restore();
    test_fxsave(cases);
    test_info();
    test_faults();
    return done_testing();
}
