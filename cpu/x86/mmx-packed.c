/* SPDX-License-Identifier: MIT */
/*
 * Packed-integer operations for any vector width (MMX 8 bytes, SSE2 16).
 *
 * One function per operation, written over the first width bytes of a
 * PackedVec, and a lookup from opcode and mandatory prefix to function so
 * the MMX (no prefix) and SSE2 (66 prefix) forms share the code. Covers the
 * MMX set, the SSE integer additions (PAVG, PMIN/PMAX, PSADBW, PSHUFW,
 * PEXTRW, PINSRW, PMOVMSKB), the SSE2 ones with MMX forms (PADDQ, PSUBQ,
 * PMULUDQ) and 128-bit-only ones (PSHUFD/HW/LW, PUNPCK*QDQ, PSLLDQ/PSRLDQ),
 * and SSSE3 (0F 38 00-1E, PALIGNR).
 * Reference: Intel SDM Vol 1 §9.4, §10.4.4, §11.4.3, §12.9; Vol 2 per
 * instruction.
 */
#include "mmx.h"

#define OP(name) static void name(PackedVec *d, const PackedVec *s, unsigned width, uint8_t imm)

static int8_t sat_s8(int v) { return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v; }
static uint8_t sat_u8(int v) { return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v; }
static int16_t sat_s16(int v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }
static uint16_t sat_u16(int v) { return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v; }

/* d->F[i] = EXPR(a, b) for every lane, with a = d->F[i], b = s->F[i] */
#define LANEWISE(name, F, EXPR)                                                                    \
    OP(name)                                                                                       \
    {                                                                                              \
        for (unsigned i = 0; i < width / sizeof(d->F[0]); i++) {                                   \
            KEMU_UNUSED __typeof__(d->F[0]) a = d->F[i];                                           \
            __typeof__(d->F[0]) b = s->F[i];                                                       \
            d->F[i] = (__typeof__(d->F[0]))(EXPR);                                                 \
        }                                                                                          \
    }

LANEWISE(p_paddb, b, a + b)
LANEWISE(p_paddw, w, a + b)
LANEWISE(p_paddd, d, a + b)
LANEWISE(p_paddq, q, a + b)
LANEWISE(p_psubb, b, a - b)
LANEWISE(p_psubw, w, a - b)
LANEWISE(p_psubd, d, a - b)
LANEWISE(p_psubq, q, a - b)
LANEWISE(p_paddsb, sb, sat_s8(a + b))
LANEWISE(p_paddsw, sw, sat_s16(a + b))
LANEWISE(p_paddusb, b, sat_u8(a + b))
LANEWISE(p_paddusw, w, sat_u16(a + b))
LANEWISE(p_psubsb, sb, sat_s8(a - b))
LANEWISE(p_psubsw, sw, sat_s16(a - b))
LANEWISE(p_psubusb, b, sat_u8(a - b))
LANEWISE(p_psubusw, w, sat_u16(a - b))
LANEWISE(p_pmullw, w, (uint32_t)a * b)
LANEWISE(p_pmulhw, sw, ((int32_t)a * b) >> 16)
LANEWISE(p_pmulhuw, w, ((uint32_t)a * b) >> 16)
LANEWISE(p_pmulhrsw, sw, ((((int32_t)a * b) >> 14) + 1) >> 1)
LANEWISE(p_pcmpeqb, b, a == b ? 0xff : 0)
LANEWISE(p_pcmpeqw, w, a == b ? 0xffff : 0)
LANEWISE(p_pcmpeqd, d, a == b ? 0xffffffffu : 0)
LANEWISE(p_pcmpgtb, sb, a > b ? -1 : 0)
LANEWISE(p_pcmpgtw, sw, a > b ? -1 : 0)
LANEWISE(p_pcmpgtd, sd, a > b ? -1 : 0)
LANEWISE(p_pand, q, a & b)
LANEWISE(p_pandn, q, ~a & b)
LANEWISE(p_por, q, a | b)
LANEWISE(p_pxor, q, a ^ b)
LANEWISE(p_pavgb, b, (a + b + 1) >> 1)
LANEWISE(p_pavgw, w, ((uint32_t)a + b + 1) >> 1)
LANEWISE(p_pminub, b, a < b ? a : b)
LANEWISE(p_pmaxub, b, a > b ? a : b)
LANEWISE(p_pminsw, sw, a < b ? a : b)
LANEWISE(p_pmaxsw, sw, a > b ? a : b)
LANEWISE(p_psignb, sb, b < 0 ? -a : b ? a : 0)
LANEWISE(p_psignw, sw, b < 0 ? -a : b ? a : 0)
LANEWISE(p_psignd, sd, b < 0 ? -(uint32_t)a : b ? (uint32_t)a : 0)
LANEWISE(p_pabsb, sb, b < 0 ? -b : b)
LANEWISE(p_pabsw, sw, b < 0 ? -b : b)
LANEWISE(p_pabsd, sd, b < 0 ? -(uint32_t)b : (uint32_t)b)

OP(p_pmuludq)
{
    for (unsigned i = 0; i < width / 8; i++)
        d->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i];
}

OP(p_pmaddwd)
{
    for (unsigned i = 0; i < width / 4; i++)
        d->d[i] = (uint32_t)((int32_t)d->sw[2 * i] * s->sw[2 * i] +
                             (int64_t)d->sw[2 * i + 1] * s->sw[2 * i + 1]);
}

OP(p_pmaddubsw)
{
    for (unsigned i = 0; i < width / 2; i++)
        d->sw[i] = sat_s16(d->b[2 * i] * s->sb[2 * i] + d->b[2 * i + 1] * s->sb[2 * i + 1]);
}

OP(p_psadbw)
{
    for (unsigned g = 0; g < width / 8; g++) {
        unsigned sum = 0;
        for (unsigned i = 8 * g; i < 8 * g + 8; i++)
            sum += d->b[i] > s->b[i] ? d->b[i] - s->b[i] : s->b[i] - d->b[i];
        d->q[g] = sum;
    }
}

/* ---- shifts: by the low 64 bits of s, or by imm (0F 71-73) ---- */

static void shift_lanes(PackedVec *d, unsigned width, unsigned size, uint64_t count, int kind)
{
    unsigned bits = 8 * size;

    for (unsigned i = 0; i < width / size; i++) {
        uint64_t v = 0;
        memcpy(&v, d->b + i * size, size);
        if (kind == 0) /* logical left */
            v = count >= bits ? 0 : v << count;
        else if (kind == 1) /* logical right */
            v = count >= bits ? 0 : v >> count;
        else { /* arithmetic right */
            int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
            v = (uint64_t)(sv >> (count >= bits ? bits - 1 : count));
        }
        memcpy(d->b + i * size, &v, size);
    }
}

#define SHIFTS(sfx, size)                                                                          \
    OP(p_psll##sfx) { shift_lanes(d, width, size, s->q[0], 0); }                                   \
    OP(p_psrl##sfx) { shift_lanes(d, width, size, s->q[0], 1); }                                   \
    OP(p_psll##sfx##_imm) { shift_lanes(d, width, size, imm, 0); }                                 \
    OP(p_psrl##sfx##_imm) { shift_lanes(d, width, size, imm, 1); }

SHIFTS(w, 2)
SHIFTS(d, 4)
SHIFTS(q, 8)
OP(p_psraw) { shift_lanes(d, width, 2, s->q[0], 2); }
OP(p_psrad) { shift_lanes(d, width, 4, s->q[0], 2); }
OP(p_psraw_imm) { shift_lanes(d, width, 2, imm, 2); }
OP(p_psrad_imm) { shift_lanes(d, width, 4, imm, 2); }

/* PSLLDQ/PSRLDQ: whole-register byte shifts (66 0F 73 /7, /3) */
OP(p_pslldq_imm)
{
    PackedVec r = { 0 };

    for (unsigned i = imm; i < width; i++)
        r.b[i] = d->b[i - imm];
    memcpy(d, &r, width);
}

OP(p_psrldq_imm)
{
    PackedVec r = { 0 };

    for (unsigned i = 0; i + imm < width; i++)
        r.b[i] = d->b[i + imm];
    memcpy(d, &r, width);
}

/* ---- packs and unpacks ---- */

OP(p_packsswb)
{
    PackedVec r;
    unsigned n = width / 2;

    for (unsigned i = 0; i < n; i++) {
        r.sb[i] = sat_s8(d->sw[i]);
        r.sb[n + i] = sat_s8(s->sw[i]);
    }
    memcpy(d, &r, width);
}

OP(p_packuswb)
{
    PackedVec r;
    unsigned n = width / 2;

    for (unsigned i = 0; i < n; i++) {
        r.b[i] = sat_u8(d->sw[i]);
        r.b[n + i] = sat_u8(s->sw[i]);
    }
    memcpy(d, &r, width);
}

OP(p_packssdw)
{
    PackedVec r;
    unsigned n = width / 4;

    for (unsigned i = 0; i < n; i++) {
        r.sw[i] = sat_s16(d->sd[i]);
        r.sw[n + i] = sat_s16(s->sd[i]);
    }
    memcpy(d, &r, width);
}

/* Interleave elements of size bytes from the low (high = 0) or high half. */
static void unpack(PackedVec *d, const PackedVec *s, unsigned width, unsigned size, bool high)
{
    PackedVec r;
    unsigned base = high ? width / 2 : 0;

    for (unsigned i = 0; i < width / (2 * size); i++) {
        memcpy(r.b + 2 * i * size, d->b + base + i * size, size);
        memcpy(r.b + (2 * i + 1) * size, s->b + base + i * size, size);
    }
    memcpy(d, &r, width);
}

OP(p_punpcklbw) { unpack(d, s, width, 1, false); }
OP(p_punpcklwd) { unpack(d, s, width, 2, false); }
OP(p_punpckldq) { unpack(d, s, width, 4, false); }
OP(p_punpcklqdq) { unpack(d, s, width, 8, false); }
OP(p_punpckhbw) { unpack(d, s, width, 1, true); }
OP(p_punpckhwd) { unpack(d, s, width, 2, true); }
OP(p_punpckhdq) { unpack(d, s, width, 4, true); }
OP(p_punpckhqdq) { unpack(d, s, width, 8, true); }

/* ---- horizontal add/subtract (SSSE3): pairs of d, then pairs of s ---- */

#define HORIZONTAL(name, F, EXPR)                                                                  \
    OP(name)                                                                                       \
    {                                                                                              \
        PackedVec r;                                                                               \
        unsigned n = width / sizeof(d->F[0]) / 2;                                                  \
        for (unsigned i = 0; i < 2 * n; i++) {                                                     \
            const PackedVec *v = i < n ? d : s;                                                    \
            unsigned j = 2 * (i % n);                                                              \
            __typeof__(d->F[0]) a = v->F[j], b = v->F[j + 1];                                      \
            r.F[i] = (__typeof__(d->F[0]))(EXPR);                                                  \
        }                                                                                          \
        memcpy(d, &r, width);                                                                      \
    }

HORIZONTAL(p_phaddw, w, a + b)
HORIZONTAL(p_phaddd, d, a + b)
HORIZONTAL(p_phaddsw, sw, sat_s16(a + b))
HORIZONTAL(p_phsubw, w, a - b)
HORIZONTAL(p_phsubd, d, a - b)
HORIZONTAL(p_phsubsw, sw, sat_s16(a - b))

/* ---- shuffles, inserts, extracts ---- */

OP(p_pshufb)
{
    PackedVec r;

    for (unsigned i = 0; i < width; i++)
        r.b[i] = (s->b[i] & 0x80) ? 0 : d->b[s->b[i] & (width - 1)];
    memcpy(d, &r, width);
}

OP(p_palignr)
{
    uint8_t cat[32];

    memcpy(cat, s->b, width);
    memcpy(cat + width, d->b, width);
    for (unsigned i = 0; i < width; i++)
        d->b[i] = imm + i < 2 * width ? cat[imm + i] : 0;
}

/* PSHUFW (MMX) / PSHUFLW (F2): words 0-3 from s by imm; PSHUFHW (F3): words 4-7 */
static void shuffle_words(PackedVec *d, const PackedVec *s, unsigned base, uint8_t imm)
{
    for (unsigned i = 0; i < 4; i++)
        d->w[base + i] = s->w[base + ((imm >> (2 * i)) & 3)];
}

OP(p_pshufw) { shuffle_words(d, s, 0, imm); }

OP(p_pshuflw)
{
    d->q[1] = s->q[1];
    shuffle_words(d, s, 0, imm);
}

OP(p_pshufhw)
{
    d->q[0] = s->q[0];
    shuffle_words(d, s, 4, imm);
}

OP(p_pshufd)
{
    PackedVec r;

    for (unsigned i = 0; i < 4; i++)
        r.d[i] = s->d[(imm >> (2 * i)) & 3];
    memcpy(d, &r, 16);
}

OP(p_pinsrw) { d->w[imm & (width / 2 - 1)] = s->w[0]; }
OP(p_pextrw) { d->q[0] = s->w[imm & (width / 2 - 1)]; }

OP(p_pmovmskb)
{
    uint64_t m = 0;

    for (unsigned i = 0; i < width && i < sizeof(s->b); i++)
        m |= (uint64_t)(s->b[i] >> 7) << i;
    d->q[0] = m;
}

/* ---- lookup ---- */

typedef struct PackedPair {
    PackedFn *mmx;           /* no prefix, width 8 */
    PackedFn *sse;           /* 66 prefix, width 16 */
} PackedPair;

#define BOTH(fn) { fn, fn }

static const PackedPair page_0f[256] = {
    [0x60] = BOTH(p_punpcklbw), [0x61] = BOTH(p_punpcklwd), [0x62] = BOTH(p_punpckldq),
    [0x63] = BOTH(p_packsswb), [0x64] = BOTH(p_pcmpgtb), [0x65] = BOTH(p_pcmpgtw),
    [0x66] = BOTH(p_pcmpgtd), [0x67] = BOTH(p_packuswb), [0x68] = BOTH(p_punpckhbw),
    [0x69] = BOTH(p_punpckhwd), [0x6a] = BOTH(p_punpckhdq), [0x6b] = BOTH(p_packssdw),
    [0x6c] = { NULL, p_punpcklqdq }, [0x6d] = { NULL, p_punpckhqdq },
    [0x70] = { p_pshufw, p_pshufd },
    [0x74] = BOTH(p_pcmpeqb), [0x75] = BOTH(p_pcmpeqw), [0x76] = BOTH(p_pcmpeqd),
    [0xc4] = BOTH(p_pinsrw), [0xc5] = BOTH(p_pextrw),
    [0xd1] = BOTH(p_psrlw), [0xd2] = BOTH(p_psrld), [0xd3] = BOTH(p_psrlq),
    [0xd4] = BOTH(p_paddq), [0xd5] = BOTH(p_pmullw), [0xd7] = BOTH(p_pmovmskb),
    [0xd8] = BOTH(p_psubusb), [0xd9] = BOTH(p_psubusw), [0xda] = BOTH(p_pminub),
    [0xdb] = BOTH(p_pand), [0xdc] = BOTH(p_paddusb), [0xdd] = BOTH(p_paddusw),
    [0xde] = BOTH(p_pmaxub), [0xdf] = BOTH(p_pandn),
    [0xe0] = BOTH(p_pavgb), [0xe1] = BOTH(p_psraw), [0xe2] = BOTH(p_psrad),
    [0xe3] = BOTH(p_pavgw), [0xe4] = BOTH(p_pmulhuw), [0xe5] = BOTH(p_pmulhw),
    [0xe8] = BOTH(p_psubsb), [0xe9] = BOTH(p_psubsw), [0xea] = BOTH(p_pminsw),
    [0xeb] = BOTH(p_por), [0xec] = BOTH(p_paddsb), [0xed] = BOTH(p_paddsw),
    [0xee] = BOTH(p_pmaxsw), [0xef] = BOTH(p_pxor),
    [0xf1] = BOTH(p_psllw), [0xf2] = BOTH(p_pslld), [0xf3] = BOTH(p_psllq),
    [0xf4] = BOTH(p_pmuludq), [0xf5] = BOTH(p_pmaddwd), [0xf6] = BOTH(p_psadbw),
    [0xf8] = BOTH(p_psubb), [0xf9] = BOTH(p_psubw), [0xfa] = BOTH(p_psubd),
    [0xfb] = BOTH(p_psubq), [0xfc] = BOTH(p_paddb), [0xfd] = BOTH(p_paddw),
    [0xfe] = BOTH(p_paddd),
};

static const PackedPair page_38[0x20] = {
    [0x00] = BOTH(p_pshufb), [0x01] = BOTH(p_phaddw), [0x02] = BOTH(p_phaddd),
    [0x03] = BOTH(p_phaddsw), [0x04] = BOTH(p_pmaddubsw), [0x05] = BOTH(p_phsubw),
    [0x06] = BOTH(p_phsubd), [0x07] = BOTH(p_phsubsw), [0x08] = BOTH(p_psignb),
    [0x09] = BOTH(p_psignw), [0x0a] = BOTH(p_psignd), [0x0b] = BOTH(p_pmulhrsw),
    [0x1c] = BOTH(p_pabsb), [0x1d] = BOTH(p_pabsw), [0x1e] = BOTH(p_pabsd),
};

/* 0F 71-73 by ModRM.reg */
static const PackedPair groups[3][8] = {
    { [2] = BOTH(p_psrlw_imm), [4] = BOTH(p_psraw_imm), [6] = BOTH(p_psllw_imm) },
    { [2] = BOTH(p_psrld_imm), [4] = BOTH(p_psrad_imm), [6] = BOTH(p_pslld_imm) },
    { [2] = BOTH(p_psrlq_imm), [3] = { NULL, p_psrldq_imm }, [6] = BOTH(p_psllq_imm),
      [7] = { NULL, p_pslldq_imm } },
};

static PackedFn *pick(const PackedPair *p, uint8_t prefix)
{
    return prefix == 0x66 ? p->sse : prefix == 0 ? p->mmx : NULL;
}

PackedFn *packed_lookup(uint16_t opcode, uint8_t prefix, uint8_t reg)
{
    uint8_t lo = opcode & 0xff;

    switch (opcode >> 8) {
    case 0x0f:
        if (lo == 0x70 && prefix == 0xf3)
            return p_pshufhw;
        if (lo == 0x70 && prefix == 0xf2)
            return p_pshuflw;
        if (lo >= 0x71 && lo <= 0x73)
            return pick(&groups[lo - 0x71][reg & 7], prefix);
        return pick(&page_0f[lo], prefix);
    case 0x38:
        return lo < ARRAY_SIZE(page_38) ? pick(&page_38[lo], prefix) : NULL;
    case 0x3a:
        return lo == 0x0f && (prefix == 0 || prefix == 0x66) ? p_palignr : NULL;
    default:
        return NULL;
    }
}
