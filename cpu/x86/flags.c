/* SPDX-License-Identifier: MIT */
/*
 * Lazy arithmetic flags.
 *
 * Flag-setting instructions record what they did (cc_op) and their operands
 * (cc_src, cc_dst, cc_src2, zero-extended to the operand size); the six
 * arithmetic flags are computed here only when something reads them: a
 * conditional jump, PUSHF, LAHF, ADC... Conditions after CMP/SUB and the
 * logic instructions are evaluated directly from the operands, without
 * materialising EFLAGS (the common "cmp; jcc" pair).
 * Reference: Intel SDM vol. 1, 3.4.3.1 "Status Flags", and vol. 2 for each
 * instruction's flag definitions.
 */
#include "cpu.h"

const uint8_t x86_parity_table[256] = {
#define P2(n) n, n ^ CC_P, n ^ CC_P, n
#define P4(n) P2(n), P2(n ^ CC_P), P2(n ^ CC_P), P2(n)
#define P6(n) P4(n), P4(n ^ CC_P), P4(n ^ CC_P), P4(n)
    P6(CC_P), P6(0), P6(0), P6(CC_P),
#undef P2
#undef P4
#undef P6
};

static inline uint64_t sz_mask(int s) { return s == 3 ? ~0ULL : (1ULL << (8 << s)) - 1; }
static inline uint64_t sz_sign(int s) { return 1ULL << ((8 << s) - 1); }

static inline uint32_t flags_pzs(uint64_t res, int s)
{
    uint32_t f = x86_parity_table[res & 0xff];

    if ((res & sz_mask(s)) == 0)
        f |= CC_Z;
    if (res & sz_sign(s))
        f |= CC_S;
    return f;
}

static uint32_t flags_add(uint64_t res, uint64_t a, uint64_t b, bool cin, int s)
{
    uint64_t m = sz_mask(s);
    uint32_t f = flags_pzs(res, s);

    res &= m;
    a &= m;
    if (cin ? res <= a : res < a)
        f |= CC_C;
    f |= (res ^ a ^ b) & CC_A;
    if ((~(a ^ b) & (a ^ res)) & sz_sign(s))
        f |= CC_O;
    return f;
}

static uint32_t flags_sub(uint64_t res, uint64_t a, uint64_t b, bool bin, int s)
{
    uint64_t m = sz_mask(s);
    uint32_t f = flags_pzs(res, s);

    a &= m;
    b &= m;
    if (bin ? a <= b : a < b)
        f |= CC_C;
    f |= (res ^ a ^ b) & CC_A;
    if (((a ^ b) & (a ^ res)) & sz_sign(s))
        f |= CC_O;
    return f;
}

uint32_t x86_cc_compute(const CPUX86State *env)
{
    uint64_t dst = env->cc_dst, src = env->cc_src, c = env->cc_src2;
    int s = env->cc_op & 3;
    uint32_t f;

    switch (env->cc_op & ~3) {
    case CC_OP_EFLAGS:
        return (uint32_t)src & CC_ALL;
    case CC_OP_ADD:
        return flags_add(dst, dst - src, src, false, s);
    case CC_OP_ADC:
        return flags_add(dst, dst - src - c, src, c != 0, s);
    case CC_OP_SUB:
        return flags_sub(dst, dst + src, src, false, s);
    case CC_OP_SBB:
        return flags_sub(dst, dst + src + c, src, c != 0, s);
    case CC_OP_LOGIC:
        return flags_pzs(dst, s);
    case CC_OP_INC:
        f = flags_pzs(dst, s) | (src ? CC_C : 0);
        if ((dst & 0xf) == 0)
            f |= CC_A;
        if ((dst & sz_mask(s)) == sz_sign(s))
            f |= CC_O;
        return f;
    case CC_OP_DEC:
        f = flags_pzs(dst, s) | (src ? CC_C : 0);
        if ((dst & 0xf) == 0xf)
            f |= CC_A;
        if ((dst & sz_mask(s)) == sz_sign(s) - 1)
            f |= CC_O;
        return f;
    }
    return 0;
}

bool x86_cc_carry(const CPUX86State *env)
{
    uint64_t dst = env->cc_dst, src = env->cc_src, m = sz_mask(env->cc_op & 3);

    switch (env->cc_op & ~3) {
    case CC_OP_ADD:
        return (dst & m) < ((dst - src) & m);
    case CC_OP_SUB:
        return ((dst + src) & m) < (src & m);
    case CC_OP_LOGIC:
        return false;
    case CC_OP_INC:
    case CC_OP_DEC:
        return src != 0;
    default:
        return x86_cc_compute(env) & CC_C;
    }
}

static inline int64_t sext(uint64_t v, int s)
{
    int sh = 64 - (8 << s);
    return (int64_t)(v << sh) >> sh;
}

static bool cond_from_flags(uint32_t f, int cc)
{
    bool r;

    switch (cc >> 1) {
    case 0: r = f & CC_O; break;
    case 1: r = f & CC_C; break;
    case 2: r = f & CC_Z; break;
    case 3: r = f & (CC_C | CC_Z); break;
    case 4: r = f & CC_S; break;
    case 5: r = f & CC_P; break;
    case 6: r = !!(f & CC_S) != !!(f & CC_O); break;
    default: r = (f & CC_Z) || (!!(f & CC_S) != !!(f & CC_O)); break;
    }
    return r ^ (cc & 1);
}

/* Condition cc (0-15, the low nibble of Jcc/SETcc/CMOVcc). */
bool x86_cond(const CPUX86State *env, int cc)
{
    int s = env->cc_op & 3;
    uint64_t m = sz_mask(s);
    uint64_t dst = env->cc_dst, src = env->cc_src, a;
    bool r;

    switch (env->cc_op & ~3) {
    case CC_OP_SUB:
        a = (dst + src) & m;
        switch (cc >> 1) {
        case 1: r = a < src; break;
        case 2: r = (dst & m) == 0; break;
        case 3: r = a <= src; break;
        case 4: r = dst & sz_sign(s); break;
        case 6: r = sext(a, s) < sext(src, s); break;
        case 7: r = sext(a, s) <= sext(src, s); break;
        default: return cond_from_flags(x86_cc_compute(env), cc);
        }
        return r ^ (cc & 1);
    case CC_OP_LOGIC:
        switch (cc >> 1) {
        case 0: r = false; break;
        case 1: r = false; break;
        case 2: case 3: r = (dst & m) == 0; break;
        case 4: case 6: r = dst & sz_sign(s); break;
        case 7: r = (dst & m) == 0 || (dst & sz_sign(s)); break;
        default: return cond_from_flags(x86_cc_compute(env), cc);
        }
        return r ^ (cc & 1);
    default:
        return cond_from_flags(x86_cc_compute(env), cc);
    }
}

void x86_set_eflags(CPUX86State *env, uint32_t val, uint32_t mask)
{
    uint32_t cur = x86_eflags(env);

    val = (cur & ~mask) | (val & mask);
    env->cc_src = val & CC_ALL;
    env->cc_op = CC_OP_EFLAGS;
    env->eflags = (val & ~CC_ALL) | 2;
}
