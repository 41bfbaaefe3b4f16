/* SPDX-License-Identifier: MIT */
/*
 * SSE floating point on the host: stubs, MXCSR and the exception response.
 *
 * A guest floating-point instruction runs as the same instruction on the
 * host (a 16-byte stub per encoding and imm8: "op xmm0/eax, [rsi]"), under
 * the guest's rounding control, DAZ and FTZ with every exception masked,
 * so results, NaN propagation, denormal handling and the masked-response
 * flags are the host's own. From those flags the guest's masks decide the
 * outcome (Intel SDM Vol 1 §11.5.1-11.5.3 and what the hardware does):
 *  - a pre-computation exception (IE, DE, ZE) that is unmasked in any lane
 *    faults with the pre-computation flags of every lane and nothing else;
 *  - otherwise an unmasked OE, UE or PE faults with every lane's flags,
 *    where a lane whose overflow (underflow) is unmasked reports OE (UE)
 *    and PE only if the result rounded with an unbounded exponent is
 *    inexact (no denormalised or infinite result was produced);
 *  - underflow is detected on tininess when UE is unmasked (even for exact
 *    results), so those runs force FTZ on, which flags every tiny result;
 *  - a fault writes no destination but does set the MXCSR flags.
 * Per-lane flags come from rerunning the instruction with the other lanes'
 * inputs replaced by 1.0, which raises nothing; the unbounded-exponent
 * exactness is worked out on the operands' significands in C. This ties the engine to
 * x86-64 hosts; a softfloat unit could replace sse_host_call().
 */
#include "sse-int.h"

#if !defined(__x86_64__)
#error "sse-host.c runs guest SSE instructions on the host: it needs an x86-64 host"
#endif

typedef struct SSEHostFrame {
    XMMReg src;              /* 0: [rsi] */
    XMMReg dst;              /* 16: XMM0 */
    uint64_t rax;            /* 32 */
    uint64_t rflags;         /* 40 */
    uint32_t mxcsr;          /* 48: in: control, out: after */
    uint32_t pad[3];
} SSEHostFrame;

_Static_assert(offsetof(SSEHostFrame, dst) == 16, "frame layout");
_Static_assert(offsetof(SSEHostFrame, rax) == 32, "frame layout");
_Static_assert(offsetof(SSEHostFrame, rflags) == 40, "frame layout");
_Static_assert(offsetof(SSEHostFrame, mxcsr) == 48, "frame layout");

void sse_host_call(SSEHostFrame *f, const void *stub);

/* sse_host_call(frame, stub): rdi = frame, rsi = stub; the host MXCSR is
 * saved and restored around the stub. */
__asm__(".pushsection .text\n"
        ".p2align 4\n"
        ".type sse_host_call, @function\n"
        ".hidden sse_host_call\n"
        ".globl sse_host_call\n"
        "sse_host_call:\n"
        "    endbr64\n"
        "    push %rbx\n"
        "    sub $16, %rsp\n"
        "    stmxcsr (%rsp)\n"
        "    mov %rsi, %rbx\n"
        "    ldmxcsr 48(%rdi)\n"
        "    movdqa 16(%rdi), %xmm0\n"
        "    mov 32(%rdi), %rax\n"
        "    mov %rdi, %rsi\n"
        "    call *%rbx\n"
        "    pushfq\n"
        "    popq 40(%rdi)\n"
        "    mov %rax, 32(%rdi)\n"
        "    movdqa %xmm0, 16(%rdi)\n"
        "    stmxcsr 48(%rdi)\n"
        "    ldmxcsr (%rsp)\n"
        "    add $16, %rsp\n"
        "    pop %rbx\n"
        "    ret\n"
        ".size sse_host_call, . - sse_host_call\n"
        ".popsection\n");

/* One stub per imm8 value, 16 bytes apart: endbr64; bytes, 06, [imm]; ret */
#define SSE_HOST_STUB(name, bytes, nimm, lanes, kind)                                              \
    ".p2align 4\n"                                                                                 \
    ".hidden sse_stub_" #name "\n"                                                                 \
    ".globl sse_stub_" #name "\n"                                                                  \
    "sse_stub_" #name ":\n"                                                                        \
    ".if " #nimm "\n"                                                                              \
    "  .set imm_, 0\n"                                                                             \
    "  .rept " #nimm "\n"                                                                          \
    "    .byte 0xf3,0x0f,0x1e,0xfa," bytes ",0x06,imm_,0xc3\n"                                     \
    "    .p2align 4, 0xcc\n"                                                                       \
    "    .set imm_, imm_ + 1\n"                                                                    \
    "  .endr\n"                                                                                    \
    ".else\n"                                                                                      \
    "  .byte 0xf3,0x0f,0x1e,0xfa," bytes ",0x06,0xc3\n"                                            \
    "  .p2align 4, 0xcc\n"                                                                         \
    ".endif\n"

__asm__(".pushsection .text\n" SSE_HOST_OPS(SSE_HOST_STUB) ".popsection\n");

#define SSE_HOST_DECL(name, bytes, nimm, lanes, kind) extern const uint8_t sse_stub_##name[];
SSE_HOST_OPS(SSE_HOST_DECL)

typedef struct SSEHostOp {
    const uint8_t *stub;
    uint16_t nimm;
    uint8_t lanes;
    uint8_t kind;
} SSEHostOp;

#define SSE_HOST_ENTRY(name, bytes, nimm, lanes, kind) { sse_stub_##name, nimm, lanes, kind },
static const SSEHostOp host_ops[HOP_COUNT] = { SSE_HOST_OPS(SSE_HOST_ENTRY) };

/* MXCSR bits the host accepts (no DAZ on the earliest SSE2 processors,
 * whose guests then see DAZ ignored rather than a crash). */
static uint32_t host_mxcsr_mask = SSE_MXCSR_WRITABLE;

KEMU_CONSTRUCTOR static void sse_host_init(void)
{
    uint8_t img[512] __attribute__((aligned(16)));

    memset(img, 0, sizeof(img));
    __asm__ volatile("fxsave %0" : "+m"(img));
    host_mxcsr_mask = ldl_le(img + 28) ? ldl_le(img + 28) : 0xffbf;
}

enum {
    PRE = SSE_MXCSR_IE | SSE_MXCSR_DE | SSE_MXCSR_ZE,
    POST = SSE_MXCSR_OE | SSE_MXCSR_UE | SSE_MXCSR_PE,
};

/* Run the stub on r->d, r->s, r->rax with host MXCSR ctl; returns the flags. */
static uint32_t host_exec(const SSEHostOp *h, uint8_t imm, uint32_t ctl, SSEFpRun *r)
{
    SSEHostFrame f __attribute__((aligned(16)));
    unsigned idx = h->nimm ? imm % h->nimm : 0;

    f.src = r->s;
    f.dst = r->d;
    f.rax = r->rax;
    f.rflags = 0;
    f.mxcsr = ctl;
    sse_host_call(&f, h->stub + 16 * idx);
    r->d = f.dst;
    r->rax = f.rax;
    r->rflags = (uint32_t)f.rflags;
    return f.mxcsr & SSE_MXCSR_FLAGS;
}

/* ---- one lane of an overflowing/underflowing instruction ---- */

/* A finite operand as man * 2^exp (man without normalisation). */
typedef struct Unpacked {
    bool neg;
    int exp;
    uint64_t man;
} Unpacked;

static Unpacked unpack(uint64_t bits, unsigned size, bool daz)
{
    unsigned mbits = size == 4 ? 23 : 52, ebits = size == 4 ? 8 : 11;
    int bias = size == 4 ? 127 : 1023;
    unsigned e = (bits >> mbits) & ((1u << ebits) - 1);
    Unpacked u = { .neg = (bits >> (mbits + ebits)) & 1, .man = bits & ((1ull << mbits) - 1) };

    if (e == 0) {
        u.exp = 1 - bias - (int)mbits;
        if (daz)
            u.man = 0;
    } else {
        u.man |= 1ull << mbits;
        u.exp = (int)e - bias - (int)mbits;
    }
    return u;
}

/* Bits from the highest to the lowest set bit. */
static unsigned sig_bits(unsigned __int128 v)
{
    unsigned lo = 0, hi = 0;

    if (!v)
        return 0;
    while (!((v >> lo) & 1))
        lo++;
    for (hi = lo; hi < 127 && (v >> (hi + 1)); hi++)
        ;
    return hi - lo + 1;
}

/* Is a op b (or a converted) inexact when rounded to the destination
 * precision with an unbounded exponent? That decides PE for a lane whose
 * overflow or underflow exception is unmasked. */
static bool unbounded_inexact(unsigned kind, unsigned size, uint64_t ab, uint64_t bb, bool daz)
{
    unsigned prec = size == 4 ? 24 : 53;
    Unpacked a = unpack(ab, size, daz), b = unpack(bb, size, daz);
    __int128 x, y;
    unsigned shift;

    switch (kind) {
    case K_CVT:
        return sig_bits(a.man) > 24;
    case K_MUL:
        return sig_bits((unsigned __int128)a.man * b.man) > prec;
    case K_DIV:
        if (!a.man || !b.man)
            return false;
        while (!(b.man & 1))
            b.man >>= 1;
        return a.man % b.man != 0;
    default:                         /* K_ADD, K_SUB */
        if (kind == K_SUB)
            b.neg = !b.neg;
        if (!a.man || !b.man)
            return false;
        if (a.exp < b.exp) {
            Unpacked t = a;
            a = b, b = t;
        }
        shift = (unsigned)(a.exp - b.exp);
        if (shift > prec + 1)        /* b is below half an ulp of the sum */
            return true;
        x = (__int128)a.man << shift;
        y = (__int128)b.man;
        x = (a.neg ? -x : x) + (b.neg ? -y : y);
        return sig_bits((unsigned __int128)(x < 0 ? -x : x)) > prec;
    }
}

static unsigned lane_size(unsigned lanes)
{
    return lanes == L_SS || lanes == L_PS || lanes == L_HPS ? 4 : 8;
}

static unsigned lane_count(unsigned lanes)
{
    return lanes == L_PS || lanes == L_HPS ? 4 : lanes == L_PD || lanes == L_HPD ? 2 : 1;
}

static uint64_t elem(const XMMReg *v, unsigned size, unsigned i)
{
    return size == 4 ? v->d[i] : v->q[i];
}

static void set_elem(XMMReg *v, unsigned size, unsigned i, uint64_t x)
{
    if (size == 4)
        v->d[i] = (uint32_t)x;
    else
        v->q[i] = x;
}

/* The operands of lane g: (d[g], s[g]), or a horizontal pair of d or s. */
static void lane_operands(unsigned lanes, unsigned g, unsigned idx[2], bool *from_s)
{
    if (lanes == L_HPS || lanes == L_HPD) {
        unsigned half = lane_count(lanes) / 2;
        *from_s = g >= half;
        idx[0] = 2 * (g % half);
        idx[1] = idx[0] + 1;
    } else {
        *from_s = false;
        idx[0] = idx[1] = g;
    }
}

/* The lane's post-computation flags when it is the only one computed. */
static uint32_t lane_flags(const SSEHostOp *h, uint8_t imm, uint32_t ctl, const SSEFpRun *in,
                           unsigned g, uint32_t masks)
{
    unsigned size = lane_size(h->lanes), n = lane_count(h->lanes), idx[2];
    unsigned kind = h->kind == K_ADDSUB ? (g & 1 ? K_ADD : K_SUB) : h->kind;
    SSEFpRun t = *in;
    uint64_t one = size == 4 ? 0x3f800000u : 0x3ff0000000000000ull, a, b;
    bool from_s;
    uint32_t f;

    lane_operands(h->lanes, g, idx, &from_s);
    for (unsigned i = 0; i < n && n > 1; i++) {
        bool keep_d = h->lanes >= L_HPS ? !from_s && (i == idx[0] || i == idx[1]) : i == g;
        bool keep_s = h->lanes >= L_HPS ? from_s && (i == idx[0] || i == idx[1]) : i == g;
        if (!keep_d)
            set_elem(&t.d, size, i, one);
        if (!keep_s)
            set_elem(&t.s, size, i, one);
    }
    f = host_exec(h, imm, ctl, &t);
    if (kind == K_CVT) {
        a = elem(&in->s, 8, g), b = 0;
        size = 8;
    } else if (h->lanes >= L_HPS) {
        const XMMReg *v = from_s ? &in->s : &in->d;
        a = elem(v, size, idx[0]), b = elem(v, size, idx[1]);
    } else {
        a = elem(&in->d, size, g), b = elem(&in->s, size, g);
    }
    if (((f & SSE_MXCSR_OE) && !(masks & SSE_MXCSR_OE)) ||
        ((f & SSE_MXCSR_UE) && !(masks & SSE_MXCSR_UE))) {
        bool inexact = unbounded_inexact(kind, size, a, b, ctl & SSE_MXCSR_DAZ);
        return (f & SSE_MXCSR_OE ? SSE_MXCSR_OE : SSE_MXCSR_UE) | (inexact ? SSE_MXCSR_PE : 0);
    }
    return f & POST;
}

void sse_fp_run(unsigned hop, uint8_t imm, uint32_t mxcsr, SSEFpRun *r)
{
    const SSEHostOp *h = &host_ops[hop];
    uint32_t masks = (mxcsr & SSE_MXCSR_MASKS) >> 7;    /* at the flags' bit positions */
    uint32_t ctl = (mxcsr & (SSE_MXCSR_RC | SSE_MXCSR_DAZ | SSE_MXCSR_FZ) & host_mxcsr_mask) |
                   SSE_MXCSR_MASKS;
    SSEFpRun in = *r;
    uint32_t f, post = 0;

    if (h->kind != K_NONE && !(masks & SSE_MXCSR_UE))
        ctl |= SSE_MXCSR_FZ;         /* tininess is the exception: make every tiny result show */
    f = host_exec(h, imm, ctl, r);
    r->flags = f;
    r->fault = (f & ~masks) != 0;
    if (!r->fault)
        return;
    if (f & PRE & ~masks) {
        r->flags = f & PRE;
    } else if ((f & (SSE_MXCSR_OE | SSE_MXCSR_UE) & ~masks) && h->kind != K_DP) {
        for (unsigned g = 0; g < lane_count(h->lanes); g++)
            post |= lane_flags(h, imm, ctl, &in, g, masks);
        r->flags = (f & PRE) | post;
    }
}

int sse_fp_fault(SSEExec *x, uint32_t flags)
{
    x->s->mxcsr |= flags & SSE_MXCSR_FLAGS;
    return x->op->osxmmexcpt ? 19 : 6;
}

int sse_fp_commit(SSEExec *x, unsigned hop, XMMReg *d, const XMMReg *src)
{
    SSEFpRun r = { .d = *d, .s = *src };

    sse_fp_run(hop, x->op->imm, x->s->mxcsr, &r);
    if (r.fault)
        return sse_fp_fault(x, r.flags);
    *d = r.d;
    x->s->mxcsr |= r.flags;
    return 0;
}
