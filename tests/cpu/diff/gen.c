/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: random cases for a form.
 *
 * Registers get random values biased towards the edges (0, 1, -1, the sign
 * bit and its neighbours, small numbers) in their low operand-size bits,
 * EFLAGS random arithmetic flags and DF, ESP a random slot of the stack
 * page. A memory operand gets a random address in the window, and the
 * generator then solves the chosen addressing form for it: a random ModRM
 * (and SIB) is picked, and a base, index or displacement that is still
 * free is set so that the sum lands on the address (mod 2^32, or 2^16 for
 * 16-bit addressing), so every addressing form runs with random registers.
 * The form's kind then adds the constraints that keep the instruction
 * meaningful: see forms.h.
 * Reference: Intel SDM vol. 2, 2.1.5 (ModRM and SIB tables 2-1 to 2-3).
 */
#include <string.h>

#include "forms.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

#define DF_BIT 0x400u
#define TF_BIT 0x100u
#define ARITH_FLAGS 0x8d5u

static uint64_t rs = 0x9e3779b97f4a7c15ull;

void gen_seed(uint64_t seed)
{
    rs = seed ? seed : 1;
    for (int i = 0; i < 4; i++)
        gen_rand();
}

uint32_t gen_rand(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (rs * 0x2545f4914f6cdd1dull) >> 32;
}

static uint32_t rnd(uint32_t n)
{
    return n ? gen_rand() % n : 0;
}

static uint64_t rnd64(void)
{
    return (uint64_t)gen_rand() << 32 | gen_rand();
}

static uint32_t szmask(int osz)
{
    return osz >= 4 ? 0xffffffffu : (1u << (8 * osz)) - 1;
}

/* A value whose low osz bytes are biased towards the interesting ones. */
static uint32_t interesting(int osz)
{
    uint32_t m = szmask(osz), sign = (m >> 1) + 1;

    switch (rnd(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return m;
    case 3: return sign;
    case 4: return sign - 1;
    case 5: return sign + 1;
    case 6: return rnd(40);
    case 7: return (0u - rnd(40)) & m;
    case 8: return (1u << rnd(8 * (osz > 4 ? 4 : osz))) & m;
    default: return gen_rand() & m;
    }
}

static uint32_t rval(int osz)
{
    uint32_t m = szmask(osz);

    if (rnd(3) == 0)
        return gen_rand();
    return (gen_rand() & ~m) | (interesting(osz) & m);
}

/* ---- generator state ---- */

typedef struct Gen {
    const Form *f;
    DiffCase *c;
    uint32_t base;
    uint32_t pinned;        /* registers whose value is constrained */
    int reg, rm;            /* ModRM fields (or opcode register) */
    bool a16;               /* 16-bit addressing */
    int seg;                /* segment override byte, 0 for none */
    uint32_t ea;            /* memory operand address */
    uint8_t modrm, sib, disp_len;
    bool has_sib;
    uint32_t disp;
    uint32_t imm, imm2;     /* immediate (imm2: ENTER level / far selector) */
    uint8_t pend[16];       /* value for the memory operand, written once ea is known */
    unsigned npend;
    unsigned imm_off;       /* where the immediate starts in the code */
} Gen;

static void patch(Gen *g, uint32_t addr, const void *val, unsigned len)
{
    const uint8_t *v = val;
    DiffCase *c = g->c;

    while (len) {
        unsigned n = len > 8 ? 8 : len;
        uint32_t off = addr - g->base;

        if (off < DIFF_MEM_SIZE && c->npatch < DIFF_PATCH_MAX) {
            DiffPatch *p = &c->patch[c->npatch++];

            p->off = off;
            p->len = n;
            memcpy(p->val, v, n);
        }
        addr += n;
        v += n;
        len -= n;
    }
}

static void patch32(Gen *g, uint32_t addr, uint32_t v, unsigned len)
{
    uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

    patch(g, addr, b, len > 4 ? 4 : len);
}

/* Register r as an operand of osz bytes (byte forms: 4-7 are AH..BH). */
static void set_reg(Gen *g, int r, int osz, uint32_t v, bool byteregs)
{
    uint32_t old;
    int sh = 0;

    if (osz == 1 && byteregs && r >= 4) {
        r -= 4;
        sh = 8;
    }
    old = g->c->regs[r];
    if (osz >= 4)
        g->c->regs[r] = v;
    else
        g->c->regs[r] = (old & ~(szmask(osz) << sh)) | ((v & szmask(osz)) << sh);
    g->pinned |= 1u << r;
}

static uint32_t get_reg(Gen *g, int r, int osz, bool byteregs)
{
    int sh = 0;

    if (osz == 1 && byteregs && r >= 4) {
        r -= 4;
        sh = 8;
    }
    return (g->c->regs[r] >> sh) & szmask(osz);
}

static bool pinned(Gen *g, int r)
{
    return g->pinned & (1u << r);
}

/* ---- memory operand addresses ---- */

static uint32_t pick_addr(Gen *g, unsigned size)
{
    unsigned room = DIFF_MEM_SIZE - size;

    if (g->f->fl & FF_STACKMEM)
        return g->base + DIFF_STACK_OFF + rnd(DIFF_STACK_OFF - size);
    if (rnd(8) == 0)
        return g->base + rnd(room + 1);
    return g->base + rnd(DIFF_STACK_OFF - size + 1);
}

static uint32_t rnd_disp(int mod, bool a16)
{
    if (mod == 1)
        return (uint32_t)(int32_t)(int8_t)interesting(1);
    if (a16)
        return interesting(2);
    return rnd(2) ? rval(4) : (uint32_t)(int32_t)(int16_t)rnd(0x10000);
}

/* 32-bit addressing: pick a form and solve it for ea. */
static bool solve32(Gen *g, uint32_t ea)
{
    int mod = rnd(3), rm = rnd(8), base = -1, index = -1, scale = 0;
    bool d32;
    uint32_t disp, bv, iv;

    g->has_sib = false;
    if (rm == 4) {
        int sb = rnd(8), si = rnd(8);

        scale = rnd(4);
        g->has_sib = true;
        g->sib = scale << 6 | si << 3 | sb;
        index = si == 4 ? -1 : si;
        base = (sb == 5 && mod == 0) ? -1 : sb;
    } else if (!(mod == 0 && rm == 5)) {
        base = rm;
    }
    d32 = mod == 2 || base < 0;
    disp = mod == 0 ? 0 : rnd_disp(mod, false);
    if (base < 0)
        disp = rval(4);
    iv = index >= 0 ? g->c->regs[index] : 0;
    bv = base >= 0 ? g->c->regs[base] : 0;
    if (base >= 0 && base == index) {
        uint32_t k = 1 + (1u << scale);

        if (pinned(g, base)) {
            if (!d32)
                return false;
            disp = ea - bv * k;
        } else if (d32) {
            disp = ea - bv * k;
        } else {
            return false;
        }
    } else if (base >= 0 && !pinned(g, base)) {
        bv = ea - (iv << scale) - disp;
        g->c->regs[base] = bv;
    } else if (index >= 0 && !pinned(g, index) && scale == 0) {
        iv = ea - bv - disp;
        g->c->regs[index] = iv;
    } else if (d32) {
        disp = ea - bv - (iv << scale);
    } else {
        return false;
    }
    if (base >= 0)
        g->pinned |= 1u << base;
    if (index >= 0)
        g->pinned |= 1u << index;
    g->modrm = mod << 6 | (g->reg & 7) << 3 | rm;
    g->disp = disp;
    g->disp_len = mod == 1 ? 1 : d32 ? 4 : 0;
    return true;
}

/* 16-bit addressing (67 prefix): BX/BP + SI/DI + disp, wrapping at 64 KiB. */
static bool solve16(Gen *g, uint32_t ea)
{
    static const int8_t rb[8] = { EBX, EBX, EBP, EBP, -1, -1, EBP, EBX };
    static const int8_t ri[8] = { ESI, EDI, ESI, EDI, ESI, EDI, -1, -1 };
    int mod = rnd(3), rm = rnd(8), b, i;
    bool d16;
    uint32_t disp, bv, iv;

    b = rb[rm];
    i = ri[rm];
    if (mod == 0 && rm == 6)
        b = -1;
    d16 = mod == 2 || (mod == 0 && rm == 6);
    disp = mod == 0 ? (d16 ? interesting(2) : 0) : rnd_disp(mod, true);
    bv = b >= 0 ? g->c->regs[b] : 0;
    iv = i >= 0 ? g->c->regs[i] : 0;
    if (b >= 0 && !pinned(g, b)) {
        bv = ea - iv - disp;
        g->c->regs[b] = (g->c->regs[b] & 0xffff0000u) | (bv & 0xffff);
    } else if (i >= 0 && !pinned(g, i)) {
        iv = ea - bv - disp;
        g->c->regs[i] = (g->c->regs[i] & 0xffff0000u) | (iv & 0xffff);
    } else if (d16) {
        disp = ea - bv - iv;
    } else {
        return false;
    }
    if (b >= 0)
        g->pinned |= 1u << b;
    if (i >= 0)
        g->pinned |= 1u << i;
    g->has_sib = false;
    g->modrm = mod << 6 | (g->reg & 7) << 3 | rm;
    g->disp = disp & 0xffff;
    g->disp_len = mod == 1 ? 1 : d16 ? 2 : 0;
    return true;
}

static void solve_ea(Gen *g, uint32_t ea)
{
    g->ea = ea;
    g->c->ea = ea;
    for (int tries = 0; tries < 200; tries++) {
        if (g->a16 ? solve16(g, ea & 0xffff) : solve32(g, ea))
            return;
    }
    /* Fallback that always works: disp32 only (16-bit: disp16 only). */
    if (g->a16) {
        g->modrm = (g->reg & 7) << 3 | 6;
        g->disp = ea & 0xffff;
        g->disp_len = 2;
    } else {
        g->modrm = (g->reg & 7) << 3 | 5;
        g->disp = ea;
        g->disp_len = 4;
    }
    g->has_sib = false;
}

/* An address nobody constrains (LEA, NOP Ev, prefetch). */
static void random_ea(Gen *g)
{
    int mod = rnd(3), rm = rnd(8);

    g->has_sib = false;
    if (g->a16) {
        g->modrm = mod << 6 | (g->reg & 7) << 3 | rm;
        g->disp_len = mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 6)) ? 2 : 0;
        g->disp = rnd_disp(mod == 0 ? 2 : mod, true);
        return;
    }
    g->modrm = mod << 6 | (g->reg & 7) << 3 | rm;
    if (rm == 4) {
        g->has_sib = true;
        g->sib = gen_rand() & 0xff;
    }
    g->disp_len = mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 5) ||
                                  (mod == 0 && rm == 4 && (g->sib & 7) == 5)) ? 4 : 0;
    g->disp = rnd_disp(mod == 0 ? 2 : mod, false);
}

/* ---- code ---- */

static void emit(DiffCase *c, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n && c->code_len < DIFF_CODE_MAX; i++)
        c->code[c->code_len++] = v >> (8 * i);
}

static void assemble(Gen *g)
{
    const Form *f = g->f;
    DiffCase *c = g->c;

    c->code_len = 0;
    if (f->fl & FF_LOCK)
        emit(c, 0xf0, 1);
    if (g->seg)
        emit(c, g->seg, 1);
    if (g->a16)
        emit(c, 0x67, 1);
    for (int i = 0; i < f->npfx; i++)
        emit(c, f->pfx[i], 1);
    for (int i = 0; i < f->nop; i++) {
        uint8_t b = f->op[i];

        if (f->enc == E_OPREG && i == f->nop - 1)
            b += g->reg & 7;
        emit(c, b, 1);
    }
    if (f->enc == E_REG)
        emit(c, 0xc0 | (g->reg & 7) << 3 | (g->rm & 7), 1);
    if (f->enc == E_MEM) {
        emit(c, g->modrm, 1);
        if (g->has_sib)
            emit(c, g->sib, 1);
        emit(c, g->disp, g->disp_len);
    }
    g->imm_off = c->code_len;
    if (f->imm == 3) {
        emit(c, g->imm, 2);
        emit(c, g->imm2, 1);
    } else if (f->kind == K_FARIMM) {
        emit(c, g->imm, f->imm - 2);
        emit(c, g->imm2, 2);
    } else {
        emit(c, g->imm, f->imm);
    }
}

/* ---- selectors ---- */

/* Data-segment selectors: the GDT entries of a 32-bit Linux process and
 * a few that must fault. Never the TLS (0x60-0x7f) selectors. */
static uint16_t data_sel(void)
{
    static const uint16_t s[] = { 0x2b, 0x2b, 0x2b, 0x23, 0x00, 0x03, 0x28, 0x2a, 0x33, 0x18,
                                  0x08, 0x1b, 0x38, 0x40, 0x80, 0x2f, 0xfffc };
    uint32_t i = rnd(sizeof(s) / sizeof(s[0]) + 1);

    return i < sizeof(s) / sizeof(s[0]) ? s[i] : (0x80 + rnd(0xff80));
}

/* Code selectors for far transfers: never index 6 (the 64-bit code
 * segment, which would switch the host into 64-bit mode). */
static uint16_t code_sel(void)
{
    static const uint16_t s[] = { 0x23, 0x23, 0x23, 0x23, 0x23, 0x20, 0x22, 0x2b, 0x08, 0x0b,
                                  0x10, 0x18, 0x00, 0x38, 0x40, 0x80 };

    return s[rnd(sizeof(s) / sizeof(s[0]))];
}

/* Selectors for LAR/LSL/VERR/VERW/ARPL: no TSS/LDT entries (their limits
 * are the host kernel's). */
static uint16_t test_sel(void)
{
    static const uint16_t s[] = { 0x2b, 0x23, 0x33, 0x08, 0x10, 0x18, 0x00, 0x03, 0x38, 0x2f,
                                  0x28, 0x1b, 0x31 };
    uint32_t i = rnd(sizeof(s) / sizeof(s[0]) + 1);

    return i < sizeof(s) / sizeof(s[0]) ? s[i] : (0x80 + rnd(0xff80));
}

/* ---- branch targets ---- */

static uint32_t code_addr(Gen *g, unsigned off)
{
    return g->base + DIFF_CODE_OFF + off;
}

/* A code-page offset for a stub that does not overlap the instruction or
 * the fall-through stub. */
static unsigned pick_target(Gen *g)
{
    unsigned next = DIFF_INSN_OFF + g->c->code_len;
    unsigned lo = DIFF_INSN_OFF - DIFF_STUB_SIZE, hi = next + DIFF_STUB_SIZE;
    unsigned t;

    do {
        t = rnd(DIFF_CODE_SIZE - DIFF_STUB_SIZE);
    } while (t >= lo && t < hi);
    return t;
}

static void set_alt(Gen *g, unsigned t)
{
    g->c->alt_target = t;
    g->c->flags |= DC_ALT;
}

static void imm_patch(Gen *g, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        g->c->code[g->imm_off + i] = v >> (8 * i);
}

static void gen_rel(Gen *g)
{
    const Form *f = g->f;
    unsigned next = DIFF_INSN_OFF + g->c->code_len, t;
    int rel;

    if (f->imm == 1) {
        if (rnd(2))
            rel = DIFF_STUB_SIZE + rnd(128 - DIFF_STUB_SIZE);
        else
            rel = -128 + (int)rnd(128 - DIFF_STUB_SIZE - g->c->code_len);
        t = next + rel;
    } else {
        t = pick_target(g);
        rel = (int)t - (int)next;
    }
    imm_patch(g, (uint32_t)rel, f->imm);
    set_alt(g, t);
}

/* ---- kinds ---- */

static uint32_t shift_count(void)
{
    static const uint8_t n[] = { 0, 1, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255 };

    return rnd(4) ? n[rnd(sizeof(n))] : rnd(256);
}

static int64_t sext(uint64_t v, int bytes)
{
    int sh = 64 - 8 * bytes;

    return (int64_t)(v << sh) >> sh;
}

/* DIV/IDIV: a dividend and divisor whose quotient fits, most of the time. */
static void gen_div(Gen *g, bool sgn)
{
    const Form *f = g->f;
    int osz = f->osz;
    uint64_t m = szmask(osz), n;
    uint32_t d;

    if (f->enc == E_REG && (osz == 1 ? (g->rm == 0 || g->rm == 4) : (g->rm == 0 || g->rm == 2)))
        return;
    if (rnd(6) == 0) {
        if (f->enc == E_REG)
            set_reg(g, g->rm, osz, 0, true);
        else
            g->npend = osz;    /* pend[] is zero */
        return;
    }
    d = rval(osz) & m;
    if (d == 0)
        d = 1 + rnd(7);
    if (!sgn) {
        uint64_t q = rval(osz) & m, r = rnd64() % d;

        n = q * d + r;
    } else {
        int64_t sd = sext(d, osz), q = sext(rval(osz) & m, osz), p, r;
        uint64_t ad = sd < 0 ? -(uint64_t)sd : (uint64_t)sd;

        p = q * sd;
        r = (int64_t)(rnd64() % ad);
        if (p < 0 || (p == 0 && rnd(2)))
            r = -r;
        n = (uint64_t)(p + r);
    }
    if (osz == 1) {
        set_reg(g, EAX, 2, n, false);
    } else {
        set_reg(g, EAX, osz, n, false);
        set_reg(g, EDX, osz, n >> (8 * osz), false);
    }
    if (f->enc == E_REG) {
        set_reg(g, g->rm, osz, d, true);
    } else {
        for (int i = 0; i < osz; i++)
            g->pend[i] = d >> (8 * i);
        g->npend = osz;
    }
}

/* String instructions: pointers and counts that keep every element in
 * the window, and runs of equal elements for REPE/REPNE. */
static void gen_string(Gen *g)
{
    const Form *f = g->f;
    DiffCase *c = g->c;
    int sz = f->osz, op = f->sub;
    bool rep = f->npfx > 0, df = c->eflags & DF_BIT;
    bool repne = rep && f->pfx[0] == 0xf2;
    uint32_t count = rep ? (rnd(5) == 0 ? rnd(400) : rnd(12)) : 1;
    uint32_t bytes = (count ? count : 1) * sz;
    uint32_t src, dst;
    static uint8_t win[DIFF_MEM_SIZE];

    if (bytes > DIFF_MEM_SIZE / 2) {
        count = DIFF_MEM_SIZE / 2 / sz;
        bytes = count * sz;
    }
#define PICKP() (df ? g->base + bytes - sz + rnd(DIFF_MEM_SIZE - bytes + 1) \
                    : g->base + rnd(DIFF_MEM_SIZE - bytes + 1))
    src = PICKP();
    dst = rnd(4) == 0 ? src + (rnd(2) ? sz : -sz) * rnd(4) : PICKP();
    if (dst < g->base + (df ? bytes - sz : 0) || dst > g->base + DIFF_MEM_SIZE - (df ? sz : bytes))
        dst = PICKP();
#undef PICKP
    if (rep) {
        if (g->a16)
            set_reg(g, ECX, 2, count, false);
        else
            set_reg(g, ECX, 4, count, false);
    }
    set_reg(g, ESI, g->a16 ? 2 : 4, src, false);
    set_reg(g, EDI, g->a16 ? 2 : 4, dst, false);
    if (op != S_CMPS && op != S_SCAS)
        return;
    /* Make elements equal: REPE a prefix, REPNE one element. */
    diff_fill(win, c->mem_seed, c);
    {
        uint32_t k = repne ? rnd(count + 1) : rnd(count + 1);
        uint32_t acc = c->regs[EAX] & szmask(sz);
        uint32_t from = repne ? k : 0, to = repne ? k + 1 : k;

        if (!rep)
            from = 0, to = rnd(2);
        for (uint32_t i = from; i < to && i < count + !rep && c->npatch + 1 < DIFF_PATCH_MAX; i++) {
            int64_t step = df ? -(int64_t)i * sz : (int64_t)i * sz;
            uint32_t d = dst + step, s = src + step;
            uint8_t v[4];

            for (int b = 0; b < sz; b++)
                v[b] = op == S_SCAS ? acc >> (8 * b) : win[(s - g->base + b) % DIFF_MEM_SIZE];
            patch(g, d, v, sz);
        }
    }
}

static void gen_cmpxchg(Gen *g)
{
    const Form *f = g->f;
    uint32_t acc = g->c->regs[EAX] & szmask(f->osz);

    if (rnd(2))
        return;
    if (f->enc == E_MEM)
        patch32(g, g->ea, acc, f->osz);
    else
        set_reg(g, g->rm, f->osz, acc, true);
}

static void gen_bound(Gen *g)
{
    int osz = g->f->osz;
    int64_t lo = sext(rval(osz), osz), hi = sext(rval(osz), osz), v;

    if (rnd(4) && lo > hi) {
        int64_t t = lo;

        lo = hi;
        hi = t;
    }
    switch (rnd(4)) {
    case 0: v = lo - 1 - rnd(3); break;
    case 1: v = hi + 1 + rnd(3); break;
    default: v = lo + (hi > lo ? (int64_t)(rnd64() % (uint64_t)(hi - lo + 1)) : 0); break;
    }
    for (int i = 0; i < osz; i++) {
        g->pend[i] = (uint64_t)lo >> (8 * i);
        g->pend[osz + i] = (uint64_t)hi >> (8 * i);
    }
    g->npend = 2 * osz;
    set_reg(g, g->reg, osz, v, false);
}

static void gen_stack_value(Gen *g, uint32_t v, unsigned n)
{
    patch32(g, g->c->regs[ESP], v, n);
}

/* ---- x87 / MMX state ---- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = v >> (8 * i);
}

void gen_fpu_default(uint8_t img[DIFF_FPU_SIZE])
{
    memset(img, 0, DIFF_FPU_SIZE);
    put32(img, 0xffff037f);
    put32(img + 4, 0xffff0000);
    put32(img + 8, 0xffffffff);
    put32(img + 24, 0xffff0000);
}

/* An 80-bit value: mant, sign|exponent. */
static void x87_value(uint64_t *mant, uint16_t *sexp)
{
    uint16_t s = rnd(2) ? 0x8000 : 0;
    uint64_t m = rnd64();

    switch (rnd(16)) {
    case 0: *mant = 0; *sexp = s; return;                                   /* zero */
    case 1: *mant = 1ull << 63; *sexp = s | 0x7fff; return;                  /* infinity */
    case 2: *mant = m | (3ull << 62); *sexp = s | 0x7fff; return;            /* QNaN */
    case 3: *mant = ((m | 1) & ~(1ull << 62)) | (1ull << 63); *sexp = s | 0x7fff; return; /* SNaN */
    case 4: *mant = (m >> rnd(63)) & ~(1ull << 63); *sexp = s; return;       /* denormal */
    case 5: *mant = (uint64_t)(1 + rnd(1000)) << 53 | 1ull << 63; *sexp = s | (0x3fff + rnd(10)); return;
    case 6: *mant = 1ull << 63; *sexp = s | 0x3fff; return;                 /* 1.0 */
    case 7: *mant = m | 1ull << 63; *sexp = s | (0x3fff + rnd(140) - 70); return;
    case 8: *mant = m | 1ull << 63; *sexp = s | (1 + rnd(0x7ffe)); return;
    case 9: *mant = m & ~(1ull << 63); *sexp = s | (1 + rnd(0x7ffe)); return; /* unnormal */
    case 10: *mant = m | 1ull << 63; *sexp = s; return;                     /* pseudo-denormal */
    case 11: *mant = (m | 1ull << 63) & ~0x7ffull; *sexp = s | (0x3fff + rnd(64)); return;
    default: *mant = m | 1ull << 63; *sexp = s | (0x3fff + rnd(40) - 20); return;
    }
}

static unsigned x87_tag(uint64_t mant, uint16_t sexp)
{
    uint16_t e = sexp & 0x7fff;

    if (e == 0x7fff)
        return 2;
    if (e == 0)
        return mant ? 2 : 1;
    return (mant >> 63) ? 0 : 2;
}

static void fpu_random(uint8_t *img, bool mmx)
{
    unsigned top = rnd(8), ftw = 0;
    uint16_t fcw = 0x037f, fsw, exc = 0;

    if (!mmx) {
        switch (rnd(8)) {
        case 0: fcw = 0x0040 | (gen_rand() & 0x0f3f); break;
        case 1: fcw = 0x037f & ~(gen_rand() & 0x3f); break;
        case 2: case 3: fcw = 0x007f | (rnd(4) << 8) | (rnd(4) << 10); break;
        default: fcw = 0x037f | (rnd(4) << 10); break;
        }
        if (rnd(8) == 0)
            exc = gen_rand() & 0x7f;
    } else if (rnd(16) == 0) {
        fcw = 0x037e;
        exc = 1;
    }
    fsw = top << 11 | (gen_rand() & 0x4700) | exc;
    if (exc & ~fcw & 0x3f)
        fsw |= 0x8080;
    put32(img, 0xffff0000u | fcw);
    put32(img + 4, 0xffff0000u | fsw);
    put32(img + 12, gen_rand());
    put32(img + 16, (gen_rand() & 0x07ff0000u) | 0x23);
    put32(img + 20, gen_rand());
    put32(img + 24, 0xffff002bu);
    for (int i = 0; i < 8; i++) {
        unsigned phys = (top + i) & 7, tag;
        uint8_t *r = img + 28 + 10 * i;
        uint64_t m;
        uint16_t se;

        if (mmx) {
            m = rnd64();
            se = rnd(2) ? 0xffff : gen_rand();
        } else {
            x87_value(&m, &se);
        }
        tag = x87_tag(m, se);
        if (rnd(mmx ? 8 : 4) == 0)
            tag = 3;
        ftw |= tag << (2 * phys);
        put32(r, m);
        put32(r + 4, m >> 32);
        put16(r + 8, se);
    }
    put32(img + 8, 0xffff0000u | ftw);
}

/* A memory operand in x87 format fmt at addr. */
static void x87_mem(Gen *g, int fmt, uint32_t addr)
{
    uint8_t b[DIFF_FPU_SIZE];
    uint64_t m;
    uint16_t se;

    switch (fmt) {
    case X_F32: case X_F64: case X_F80: {
        x87_value(&m, &se);
        if (fmt == X_F80) {
            memcpy(b, &m, 8);
            put16(b + 8, se);
            patch(g, addr, b, 10);
        } else if (fmt == X_F64) {
            int e = (se & 0x7fff) - 0x3fff + 1023;
            uint64_t v = (uint64_t)(se >> 15) << 63;

            if ((se & 0x7fff) == 0x7fff || rnd(8) == 0)
                e = (se & 0x7fff) == 0x7fff ? 0x7ff : rnd(2) ? 0 : 0x7ff;
            else if (e < 0 || e > 0x7fe)
                e = rnd(0x7ff);
            v |= (uint64_t)e << 52 | ((m << 1) >> 12);
            patch(g, addr, &v, 8);
        } else {
            int e = (se & 0x7fff) - 0x3fff + 127;
            uint32_t v = (uint32_t)(se >> 15) << 31;

            if ((se & 0x7fff) == 0x7fff || rnd(8) == 0)
                e = (se & 0x7fff) == 0x7fff ? 0xff : rnd(2) ? 0 : 0xff;
            else if (e < 0 || e > 0xfe)
                e = rnd(0xff);
            v |= (uint32_t)e << 23 | (uint32_t)((m << 1) >> 41);
            patch32(g, addr, v, 4);
        }
        return;
    }
    case X_I16: patch32(g, addr, rval(2), 2); return;
    case X_I32: patch32(g, addr, rval(4), 4); return;
    case X_I64: {
        uint64_t v = rnd(2) ? rnd64() : (uint64_t)(int64_t)(int32_t)rval(4);

        patch(g, addr, &v, 8);
        return;
    }
    case X_BCD:
        for (int i = 0; i < 9; i++)
            b[i] = rnd(16) ? rnd(10) << 4 | rnd(10) : gen_rand();
        b[9] = rnd(2) ? 0x80 : 0;
        if (rnd(16) == 0)
            b[9] |= gen_rand() & 0x7f;
        patch(g, addr, b, 10);
        return;
    case X_ENV: case X_SAVE:
        if (rnd(4) == 0)
            return;
        fpu_random(b, false);
        if (g->f->osz == 2) {
            uint8_t e[94];

            /* 16-bit protected-mode layout: seven words, then registers */
            for (int i = 0; i < 7; i++)
                put16(e + 2 * i, b[4 * i] | b[4 * i + 1] << 8);
            memcpy(e + 14, b + 28, 80);
            patch(g, addr, e, fmt == X_ENV ? 14 : 94);
        } else {
            patch(g, addr, b, fmt == X_ENV ? 28 : 108);
        }
        return;
    case X_CW: patch32(g, addr, gen_rand(), 2); return;
    default: return;
    }
}

/* ---- the case ---- */

/* The memory operand address; for BT* m,r the bit offset register moves
 * the accessed unit, so the address is chosen around it. */
static uint32_t mem_addr(Gen *g)
{
    const Form *f = g->f;

    if (f->kind == K_BTMEM) {
        int32_t off = (int32_t)get_reg(g, g->reg, f->osz, false);
        int sh = f->osz == 2 ? 4 : 5;

        if (f->osz == 2)
            off = (int16_t)off;
        return pick_addr(g, f->osz) - (uint32_t)((off >> sh) * f->osz);
    }
    return pick_addr(g, f->msz ? f->msz : 1);
}

static void gen_kind_pre(Gen *g)
{
    const Form *f = g->f;

    switch (f->kind) {
    case K_SHIFT:
        if (f->imm)
            g->imm = shift_count();
        else
            set_reg(g, ECX, 1, shift_count(), false);
        break;
    case K_BTMEM:
        if (f->enc == E_MEM) {
            int32_t off = (int32_t)rnd(8192) - 4096;

            set_reg(g, g->reg, f->osz, (uint32_t)off, false);
        }
        break;
    case K_BOUND:
        if (f->enc == E_MEM)
            gen_bound(g);
        break;
    case K_DIV:
    case K_IDIV:
        gen_div(g, f->kind == K_IDIV);
        break;
    case K_SEL:
        if (f->op[0] == 0x63)
            set_reg(g, g->reg, 2, test_sel(), false);
        break;
    case K_STRING:
        gen_string(g);
        break;
    case K_ENTER:
        set_reg(g, EBP, 4, g->base + DIFF_STACK_OFF + 0x200 + rnd(0xc00), false);
        g->imm = rnd(4) ? rnd(64) : rval(2);
        g->imm2 = rnd(4) == 0 ? rnd(64) : rnd(4);
        break;
    case K_LEAVE:
        set_reg(g, EBP, 4, g->base + DIFF_STACK_OFF + 0x80 + rnd(0xf00), false);
        break;
    case K_IND:
        if (f->enc == E_REG && g->rm == ESP)
            g->rm = EAX;
        break;
    default:
        break;
    }
}

static void gen_kind_post(Gen *g)
{
    const Form *f = g->f;
    DiffCase *c = g->c;
    int osz = f->osz;

    switch (f->kind) {
    case K_AAM: imm_patch(g, rnd(6) == 0 ? 0 : interesting(1), 1); break;
    case K_XLAT: {
        uint32_t ea = pick_addr(g, 1), al = c->regs[EAX] & 0xff;

        set_reg(g, EBX, g->a16 ? 2 : 4, ea - al, false);
        break;
    }
    case K_MOFFS:
        imm_patch(g, pick_addr(g, osz), f->imm);
        break;
    case K_CMPXCHG: gen_cmpxchg(g); break;
    case K_CMPXCHG8B:
        if (rnd(2)) {
            patch32(g, g->ea, c->regs[EAX], 4);
            patch32(g, g->ea + 4, c->regs[EDX], 4);
        }
        break;
    case K_POPF: gen_stack_value(g, rval(4) & ~TF_BIT, osz); break;
    case K_REL: {
        /* loop counters and JCXZ: small counts, in CX or ECX */
        if (f->op[0] >= 0xe0 && f->op[0] <= 0xe3) {
            uint32_t n = rnd(3) ? rnd(3) : rval(4);

            if (f->fl & FF_A16)
                set_reg(g, ECX, 2, n, false);
            else
                set_reg(g, ECX, 4, n, false);
        }
        gen_rel(g);
        break;
    }
    case K_IND: {
        unsigned t = pick_target(g);
        uint32_t v = code_addr(g, t);

        if (f->enc == E_REG)
            set_reg(g, g->rm, osz, v, false);
        else
            patch32(g, g->ea, v, osz);
        set_alt(g, t);
        break;
    }
    case K_RET: {
        unsigned t = pick_target(g);

        gen_stack_value(g, code_addr(g, t), osz);
        if (f->imm)
            imm_patch(g, rnd(2) ? rnd(32) * 2 : gen_rand(), 2);
        set_alt(g, t);
        break;
    }
    case K_RETF: {
        unsigned t = pick_target(g);

        gen_stack_value(g, code_addr(g, t), osz);
        patch32(g, c->regs[ESP] + osz, (rval(4) & ~0xffffu) | code_sel(), osz);
        if (f->imm)
            imm_patch(g, rnd(2) ? rnd(32) * 2 : gen_rand(), 2);
        set_alt(g, t);
        break;
    }
    case K_IRET: {
        unsigned t = pick_target(g);

        gen_stack_value(g, code_addr(g, t), osz);
        patch32(g, c->regs[ESP] + osz, (rval(4) & ~0xffffu) | code_sel(), osz);
        patch32(g, c->regs[ESP] + 2 * osz, rval(4) & ~TF_BIT, osz);
        set_alt(g, t);
        break;
    }
    case K_FARIMM: {
        unsigned t = pick_target(g);

        imm_patch(g, code_addr(g, t), osz);
        for (int i = 0; i < 2; i++)
            c->code[g->imm_off + osz + i] = code_sel() >> (8 * i);
        set_alt(g, t);
        break;
    }
    case K_FARMEM: {
        unsigned t = pick_target(g);

        patch32(g, g->ea, code_addr(g, t), osz);
        patch32(g, g->ea + osz, code_sel(), 2);
        set_alt(g, t);
        break;
    }
    case K_SELMEM: {
        uint16_t s = (f->op[0] == 0x0f && f->op[1] == 0xb2 && rnd(2)) ? 0x2b : data_sel();

        patch32(g, g->ea + osz, s, 2);
        break;
    }
    case K_SREG: {
        bool ss = (f->nop == 1 && f->op[0] == 0x17) || (f->op[0] == 0x8e && f->regf == 2);
        uint16_t s = ss && rnd(2) ? 0x2b : data_sel();

        if (f->enc == E_REG)
            set_reg(g, g->rm, 2, s, false);
        else if (f->enc == E_MEM)
            patch32(g, g->ea, s, 2);
        else
            gen_stack_value(g, (rval(4) & ~0xffffu) | s, osz);
        break;
    }
    case K_SEL:
        if (f->enc == E_REG)
            set_reg(g, g->rm, 2, test_sel(), false);
        else
            patch32(g, g->ea, test_sel(), 2);
        break;
    case K_X87:
        if (f->enc == E_MEM)
            x87_mem(g, f->sub, g->ea);
        break;
    case K_MMX:
        if (f->imm && f->op[1] >= 0x71 && f->op[1] <= 0x73)
            imm_patch(g, shift_count(), 1);
        break;
    case K_MASKMOVQ:
        set_reg(g, EDI, 4, pick_addr(g, 8), false);
        break;
    default:
        break;
    }
}

void gen_case(const Form *f, DiffCase *c, uint32_t base, uint32_t id)
{
    Gen g = { .f = f, .c = c, .base = base };

    memset(c, 0, sizeof(*c));
    c->id = id;
    c->mem_seed = gen_rand();
    for (int r = 0; r < 8; r++)
        c->regs[r] = rval(4);
    c->regs[ESP] = base + DIFF_STACK_OFF + 0x100 + rnd(0xd00);
    if (rnd(8))
        c->regs[ESP] &= ~3u;
    g.pinned = 1u << ESP;
    c->eflags = 0x202 | (gen_rand() & ARITH_FLAGS) | (rnd(2) ? DF_BIT : 0);
    if (f->fl & (FF_FPU | FF_MMX))
        fpu_random(c->fpu, f->fl & FF_MMX);
    else
        gen_fpu_default(c->fpu);

    g.reg = f->regf >= 0 ? f->regf : (int)rnd(8);
    g.rm = f->rmf >= 0 ? f->rmf : (int)rnd(8);
    g.a16 = (f->fl & FF_A16) && !(f->kind == K_REL);
    if (f->enc == E_MEM && base < 0x10000 && rnd(4) == 0)
        g.a16 = true;
    if ((f->fl & FF_SEGOVR) && rnd(5) == 0) {
        static const uint8_t segs[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64 };

        g.seg = segs[rnd(sizeof(segs))];
    }
    g.imm = f->imm == 1 ? interesting(1) : f->imm == 2 ? interesting(2) : rval(4);
    gen_kind_pre(&g);
    if (f->enc == E_MEM) {
        if (f->fl & FF_NOACC)
            random_ea(&g);
        else
            solve_ea(&g, mem_addr(&g));
        if (g.npend)
            patch(&g, g.ea, g.pend, g.npend);
    }
    assemble(&g);
    if ((f->fl & FF_A16) && f->kind == K_REL) {
        /* 67 before a LOOP/JCXZ selects CX; keep it in the code */
        memmove(c->code + 1, c->code, c->code_len);
        c->code[0] = 0x67;
        c->code_len++;
        g.imm_off++;
    }
    gen_kind_post(&g);
}
