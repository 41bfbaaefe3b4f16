/* SPDX-License-Identifier: MIT */
/*
 * SSE4.2 packed string compares: PCMPESTRI, PCMPESTRM, PCMPISTRI,
 * PCMPISTRM (66 0F 3A 60-63).
 *
 * imm8[1:0] picks the element format (unsigned/signed bytes or words),
 * [3:2] the aggregation (equal any, ranges, equal each, equal ordered),
 * [5:4] the polarity and [6] the output form (least/most significant
 * index, or bit/element mask). String lengths are explicit (the absolute
 * value of EAX/EDX, RAX/RDX with REX.W, saturated to the element count) or
 * implicit (up to the first zero element). Comparisons involving elements
 * past a string's end are forced as SDM Vol 2 §4.1.6 Table 4-7 says.
 * Flags: CF = result != 0, ZF = the second string is short, SF = the
 * first string is short, OF = result bit 0, AF = PF = 0.
 * Reference: Intel SDM Vol 2 §4.1 "Imm8 Control Byte Operation for
 * PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM".
 */
#include "sse-int.h"

enum { AGG_EQUAL_ANY, AGG_RANGES, AGG_EQUAL_EACH, AGG_EQUAL_ORDERED };

typedef struct StrCmp {
    int32_t a[16], b[16];    /* elements of the first (xmm1) and second operand */
    unsigned n;              /* element count: 16 bytes or 8 words */
    unsigned la, lb;         /* valid lengths */
} StrCmp;

static int32_t element(const XMMReg *v, unsigned i, uint8_t fmt)
{
    switch (fmt & 3) {
    case 0: return v->b[i];
    case 1: return v->w[i];
    case 2: return (int8_t)v->b[i];
    default: return (int16_t)v->w[i];
    }
}

static unsigned explicit_len(uint64_t v, bool wide, unsigned n)
{
    uint64_t mag;

    if (wide)
        mag = (int64_t)v < 0 ? -v : v;
    else
        mag = (int32_t)v < 0 ? -(uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
    return mag > n ? n : (unsigned)mag;
}

static unsigned implicit_len(const int32_t *e, unsigned n)
{
    unsigned i = 0;

    while (i < n && e[i])
        i++;
    return i;
}

/* Comparison of a[i] with b[j] (ranges: b[j] >= a[i] for even i, b[j] <=
 * a[i] for odd i) with the override for invalid elements. */
static bool bool_res(const StrCmp *c, unsigned agg, unsigned i, unsigned j)
{
    bool va = i < c->la, vb = j < c->lb;

    if (!va || !vb) {
        if (agg == AGG_EQUAL_EACH)
            return !va && !vb;
        return agg == AGG_EQUAL_ORDERED && !va;
    }
    if (agg == AGG_RANGES)
        return (i & 1) ? c->b[j] <= c->a[i] : c->b[j] >= c->a[i];
    return c->a[i] == c->b[j];
}

/* IntRes1 bit j for element j of the second operand (of both for equal each). */
static bool aggregate_one(const StrCmp *c, unsigned agg, unsigned j)
{
    bool r;

    switch (agg) {
    case AGG_EQUAL_ANY:
        r = false;
        for (unsigned i = 0; i < c->n; i++)
            r |= bool_res(c, agg, i, j);
        return r;
    case AGG_RANGES:
        r = false;
        for (unsigned i = 0; i < c->n; i += 2)
            r |= bool_res(c, agg, i, j) && bool_res(c, agg, i + 1, j);
        return r;
    case AGG_EQUAL_EACH:
        return bool_res(c, agg, j, j);
    default:                         /* equal ordered: the first operand starts at j */
        r = true;
        for (unsigned i = 0; i < c->n - j; i++)
            r &= bool_res(c, agg, i, j + i);
        return r;
    }
}

static uint32_t aggregate(const StrCmp *c, unsigned agg)
{
    uint32_t res = 0;

    for (unsigned j = 0; j < c->n; j++)
        res |= (uint32_t)aggregate_one(c, agg, j) << j;
    return res;
}

static uint32_t polarity(const StrCmp *c, uint32_t res, uint8_t imm)
{
    uint32_t all = (1u << c->n) - 1;

    switch ((imm >> 4) & 3) {
    case 1: return res ^ all;
    case 3: return res ^ ((1u << c->lb) - 1);
    default: return res;
    }
}

static void write_mask(SSEExec *x, const StrCmp *c, uint32_t res)
{
    XMMReg m = { 0 };
    unsigned size = 16 / c->n;

    if (!(x->op->imm & 0x40)) {
        m.d[0] = res;
    } else {
        for (unsigned i = 0; i < c->n; i++)
            if (res & (1u << i))
                memset(m.b + i * size, 0xff, size);
    }
    x->s->xmm[0] = m;
}

int sse_op_pcmpstr(SSEExec *x)
{
    uint8_t imm = x->op->imm;
    bool explicit = x->op->opcode <= 0x61, index = x->op->opcode & 1;
    StrCmp c = { .n = (imm & 1) ? 8 : 16 };
    uint32_t res;

    for (unsigned i = 0; i < c.n; i++) {
        c.a[i] = element(sse_dst(x), i, imm);
        c.b[i] = element(&x->src, i, imm);
    }
    if (explicit) {
        c.la = explicit_len(x->op->rax, x->op->rex_w, c.n);
        c.lb = explicit_len(x->op->rdx, x->op->rex_w, c.n);
    } else {
        c.la = implicit_len(c.a, c.n);
        c.lb = implicit_len(c.b, c.n);
    }
    res = polarity(&c, aggregate(&c, (imm >> 2) & 3), imm);
    if (index)
        x->op->ecx = !res ? c.n : (imm & 0x40) ? 31 - (unsigned)__builtin_clz(res)
                                              : (unsigned)__builtin_ctz(res);
    else
        write_mask(x, &c, res);
    sse_set_eflags(x, (res ? SSE_CF : 0) | (c.lb < c.n ? SSE_ZF : 0) |
                          (c.la < c.n ? SSE_SF : 0) | ((res & 1) ? SSE_OF : 0));
    return 0;
}
