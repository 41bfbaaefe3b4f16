/* SPDX-License-Identifier: MIT */
/*
 * Bit instructions: BT BTS BTR BTC (register and immediate offsets), BSF,
 * BSR, BSWAP, SETcc, CMOVcc. (POPCNT, TZCNT and LZCNT, the F3 forms, run
 * in the SSE engine: sse-bits.c.)
 *
 * With a register bit offset and a memory operand, the offset is a signed
 * number of bits from the effective address (it may reach outside the
 * operand); with an immediate it is taken modulo the operand size.
 * Undefined flags follow the host (Intel): BT* change only CF; BSF/BSR set
 * ZF, clear nothing else, and leave the destination unchanged for a zero
 * source.
 * Reference: Intel SDM vol. 2, BT/BTS/BTR/BTC, BSF, BSR, BSWAP,
 * SETcc, CMOVcc.
 */
#include "ops.h"

enum { BT_TEST, BT_SET, BT_RESET, BT_COMP };

ALWAYS_INLINE uint64_t bt_apply(CPUX86State *env, int op, uint64_t v, unsigned bit)
{
    uint32_t f = x86_cc_compute(env) & ~CC_C;

    if ((v >> bit) & 1)
        f |= CC_C;
    set_flags_eager(env, f);
    switch (op) {
    case BT_SET: return v | (1ULL << bit);
    case BT_RESET: return v & ~(1ULL << bit);
    case BT_COMP: return v ^ (1ULL << bit);
    default: return v;
    }
}

ALWAYS_INLINE void bt_common(CPUX86State *env, const DecodedInsn *d, int sz, bool mem, int op,
                             uint64_t off, bool reg_offset)
{
    int bits = 8 << sz;
    unsigned bit = off & (bits - 1);
    uint64_t ea, v;
    Rmw m;

    if (!mem) {
        v = bt_apply(env, op, reg_read(env, d->rm, sz), bit);
        if (op != BT_TEST)
            reg_write(env, d->rm, sz, v);
        return;
    }
    ea = x86_ea(env, d);
    if (reg_offset)
        ea = (ea + (sz_sext(off, sz) >> (3 + sz)) * (1 << sz)) & x86_amask[d->asize];
    if (op == BT_TEST) {
        bt_apply(env, op, x86_ld_sz(env, d->seg, ea, sz), bit);
        return;
    }
    m.lin = x86_lin(env, d->seg, ea, 1u << sz, ACC_WRITE);
    m.host = x86_rmw_ptr(env, m.lin, 1u << sz);
    v = m.host ? host_ld(m.host, sz) : x86_ld_slow(env, m.lin, 1u << sz, env->mmu_idx);
    rmw_store(env, &m, sz, bt_apply(env, op, v, bit));
}

#define BT_OP(name, OP)                                                                           \
    ALWAYS_INLINE void name##_g(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)        \
    {                                                                                             \
        bt_common(env, d, sz, mem, OP, reg_read(env, d->reg, sz), true);                          \
    }                                                                                             \
    ALWAYS_INLINE void name##_i(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)        \
    {                                                                                             \
        bt_common(env, d, sz, mem, OP, d->imm, false);                                            \
    }                                                                                             \
    X86_GEN8(hs_##name, name##_g);                                                                \
    X86_GEN8(hs_##name##_i, name##_i)

BT_OP(bt, BT_TEST);
BT_OP(bts, BT_SET);
BT_OP(btr, BT_RESET);
BT_OP(btc, BT_COMP);

/* ---- bit scans and counts ---- */

/* BSF/BSR flags on the host: ZF for a zero source, PF from the result (set
 * for a zero source, whose destination stays unchanged), the others clear. */
ALWAYS_INLINE uint32_t scan_flags(uint64_t result, bool zero)
{
    return (x86_parity_table[result & 0xff]) | (zero ? CC_Z : 0);
}

ALWAYS_INLINE void bsf_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = rm_load(env, d, sz, mem);

    if (v == 0) {
        set_flags_eager(env, scan_flags(0, true));
        return;
    }
    reg_write(env, d->reg, sz, __builtin_ctzll(v));
    set_flags_eager(env, scan_flags(__builtin_ctzll(v), false));
}
X86_GEN8(hs_bsf, bsf_e);

ALWAYS_INLINE void bsr_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = rm_load(env, d, sz, mem);

    if (v == 0) {
        set_flags_eager(env, scan_flags(0, true));
        return;
    }
    reg_write(env, d->reg, sz, 63 - __builtin_clzll(v));
    set_flags_eager(env, scan_flags(63 - __builtin_clzll(v), false));
}
X86_GEN8(hs_bsr, bsr_e);

ALWAYS_INLINE void bswap_r(CPUX86State *env, const DecodedInsn *d, int sz)
{
    uint64_t v = reg_read(env, d->reg, sz);

    switch (sz) {
    case 1: reg_write(env, d->reg, 1, 0); break; /* undefined; the host zeroes it */
    case 2: reg_write(env, d->reg, 2, __builtin_bswap32(v)); break;
    default: reg_write(env, d->reg, 3, __builtin_bswap64(v)); break;
    }
}
X86_GEN4(hs_bswap, bswap_r);

/* ---- SETcc / CMOVcc ---- */

ALWAYS_INLINE void setcc_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    rm_store(env, d, 0, mem, x86_cond(env, d->op & 15));
}
X86_GEN8(hs_setcc, setcc_e);

ALWAYS_INLINE void cmovcc_e(CPUX86State *env, const DecodedInsn *d, int sz, bool mem)
{
    uint64_t v = rm_load(env, d, sz, mem);

    if (x86_cond(env, d->op & 15))
        reg_write(env, d->reg, sz, v);
    else if (sz == 2)
        reg_write(env, d->reg, 2, reg_read(env, d->reg, 2));
}
X86_GEN8(hs_cmovcc, cmovcc_e);
