/* SPDX-License-Identifier: MIT */
/*
 * AES-NI and PCLMULQDQ in portable C.
 *
 * AESENC/AESENCLAST/AESDEC/AESDECLAST perform one AES round on the
 * destination with the round key in the source, AESIMC is InvMixColumns,
 * AESKEYGENASSIST the key-expansion helper; the state is the 16 bytes in
 * FIPS-197 column-major order (byte r + 4c is row r, column c). The S-box
 * is computed at start-up from its definition (multiplicative inverse in
 * GF(2^8) modulo x^8+x^4+x^3+x+1, then the affine map). PCLMULQDQ is the
 * 64x64 -> 128-bit carry-less product of the quadwords imm[0] and imm[4]
 * select. Reference: Intel SDM Vol 2 per instruction; Intel "Advanced
 * Encryption Standard (AES) New Instructions Set" white paper; FIPS-197
 * §5.1-5.3.
 */
#include "sse-int.h"

static uint8_t sbox[256], inv_sbox[256];

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;

    while (b) {
        if (b & 1)
            p ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return p;
}

static uint8_t rotl8(uint8_t v, unsigned n) { return (uint8_t)((v << n) | (v >> (8 - n))); }

/* Inverses through powers of the generator 03, then the affine map. */
KEMU_CONSTRUCTOR static void aes_tables_init(void)
{
    uint8_t pow3[255], log3[256] = { 0 }, p = 1;

    for (unsigned i = 0; i < 255; i++) {
        pow3[i] = p;
        log3[p] = (uint8_t)i;
        p = gf_mul(p, 3);
    }
    for (unsigned x = 0; x < 256; x++) {
        uint8_t inv = x ? pow3[(255 - log3[x]) % 255] : 0;
        uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;

        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
}

static void shift_rows(XMMReg *st, bool inverse)
{
    XMMReg t = *st;

    for (unsigned r = 0; r < 4; r++)
        for (unsigned c = 0; c < 4; c++)
            st->b[r + 4 * c] = t.b[r + 4 * ((inverse ? c + 4 - r : c + r) & 3)];
}

static void sub_bytes(XMMReg *st, const uint8_t *box)
{
    for (unsigned i = 0; i < 16; i++)
        st->b[i] = box[st->b[i]];
}

/* MixColumns (coefficients 2 3 1 1) or InvMixColumns (14 11 13 9). */
static void mix_columns(XMMReg *st, bool inverse)
{
    static const uint8_t fwd[4] = { 2, 3, 1, 1 }, inv[4] = { 14, 11, 13, 9 };
    const uint8_t *k = inverse ? inv : fwd;

    for (unsigned c = 0; c < 4; c++) {
        uint8_t a[4], *col = st->b + 4 * c;

        memcpy(a, col, 4);
        for (unsigned r = 0; r < 4; r++)
            col[r] = gf_mul(a[0], k[(4 - r) & 3]) ^ gf_mul(a[1], k[(5 - r) & 3]) ^
                     gf_mul(a[2], k[(6 - r) & 3]) ^ gf_mul(a[3], k[(7 - r) & 3]);
    }
}

/* AESENC (0F 38 DC), AESENCLAST (DD), AESDEC (DE), AESDECLAST (DF) */
int sse_op_aes(SSEExec *x)
{
    XMMReg *st = sse_dst(x);
    bool dec = x->op->opcode >= 0xde, last = x->op->opcode & 1;

    shift_rows(st, dec);
    sub_bytes(st, dec ? inv_sbox : sbox);
    if (!last)
        mix_columns(st, dec);
    st->q[0] ^= x->src.q[0];
    st->q[1] ^= x->src.q[1];
    return 0;
}

int sse_op_aesimc(SSEExec *x)
{
    XMMReg st = x->src;

    mix_columns(&st, true);
    *sse_dst(x) = st;
    return 0;
}

static uint32_t sub_word(uint32_t w)
{
    return (uint32_t)sbox[w & 0xff] | (uint32_t)sbox[(w >> 8) & 0xff] << 8 |
           (uint32_t)sbox[(w >> 16) & 0xff] << 16 | (uint32_t)sbox[w >> 24] << 24;
}

static uint32_t rot_word(uint32_t w) { return (w >> 8) | (w << 24); }

int sse_op_aeskeygen(SSEExec *x)
{
    XMMReg *d = sse_dst(x);
    uint32_t rcon = x->op->imm, x1 = sub_word(x->src.d[1]), x3 = sub_word(x->src.d[3]);

    d->d[0] = x1;
    d->d[1] = rot_word(x1) ^ rcon;
    d->d[2] = x3;
    d->d[3] = rot_word(x3) ^ rcon;
    return 0;
}

int sse_op_pclmul(SSEExec *x)
{
    XMMReg *d = sse_dst(x);
    uint64_t a = d->q[x->op->imm & 1], b = x->src.q[(x->op->imm >> 4) & 1], lo = 0, hi = 0;

    for (unsigned i = 0; i < 64; i++) {
        if (b & (1ull << i)) {
            lo ^= a << i;
            hi ^= i ? a >> (64 - i) : 0;
        }
    }
    d->q[0] = lo;
    d->q[1] = hi;
    return 0;
}
