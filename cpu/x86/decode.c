/* SPDX-License-Identifier: MIT */
/*
 * The x86 instruction decoder: bytes to DecodedInsn.
 *
 * Prefixes (66, 67, F2/F3, segment, LOCK) come in any order; within a
 * group the last one wins. REX is honoured only in 64-bit code and only
 * when it immediately precedes the opcode. The opcode selects an OpEntry in
 * one of four maps (one-byte, 0F, 0F 38, 0F 3A); its format says whether a
 * ModRM byte and which immediates follow. Errors never fault here: they
 * select a handler that raises the fault when (and if) the instruction
 * executes: #UD for undefined opcodes, disabled features and misplaced
 * LOCK, #GP(0) for instructions longer than 15 bytes.
 * Reference: Intel SDM vol. 2A, 2.1 "Instruction Format for Protected Mode,
 * Real-Address Mode, and Virtual-8086 Mode", 2.2 "IA-32e Mode", and
 * table 2-1/2-2 (16- and 32-bit ModRM), 2-3 (SIB).
 */
#include "decode.h"
#include "ops-fast.h"

const uint64_t x86_amask[4] = { 0, 0xffffULL, 0xffffffffULL, ~0ULL };

/* Bytes of the instruction, from host memory while on the first page. */
static uint8_t fetch_byte(X86Fetch *f, unsigned i)
{
    uint64_t lin;

    if (i < f->page_left && f->page)
        return f->page[i];
    lin = (f->pc + i) & f->env->lin_mask;
    if (!f->page) {
        /* MMIO or unassigned code: byte by byte through the slow path */
        if (i >= f->page_left)
            f->crossed = true;
        return x86_ld_code_slow(f->env, lin, 1);
    }
    if (!f->page2) {
        if (!f->allow_fault &&
            !x86_tlb_fill(f->env, lin, ACC_EXEC, f->env->mmu_idx, false)) {
            f->failed = true;
            return 0;
        }
        f->page2 = x86_tlb_host_page(f->env, lin, ACC_EXEC, f->env->mmu_idx);
        if (!f->page2) {
            f->crossed = true;
            return x86_ld_code_slow(f->env, lin, 1);
        }
    }
    f->crossed = true;
    return f->page2[i - f->page_left];
}

typedef struct DecodeState {
    X86Fetch *f;
    unsigned pos;
    uint8_t rex;
    bool too_long;
} DecodeState;

static uint8_t next8(DecodeState *s)
{
    if (s->pos >= 15) {
        s->too_long = true;
        s->pos++;
        return 0;
    }
    return fetch_byte(s->f, s->pos++);
}

static uint64_t next_n(DecodeState *s, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)next8(s) << (8 * i);
    return v;
}

static int64_t next_s(DecodeState *s, int bytes)
{
    uint64_t v = next_n(s, bytes);
    int sh = 64 - 8 * bytes;

    return (int64_t)(v << sh) >> sh;
}

/* 16-bit ModRM memory forms: base, index, default segment (Table 2-1). */
static const uint8_t modrm16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
static const uint8_t modrm16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ZERO, R_ZERO, R_ZERO,
                                          R_ZERO };

static void decode_ea16(DecodeState *s, DecodedInsn *d, int mod, int rm)
{
    d->scale = 0;
    if (mod == 0 && rm == 6) {
        d->base = R_ZERO;
        d->index = R_ZERO;
        d->disp = next_s(s, 2);
        d->seg = R_DS;
        return;
    }
    d->base = modrm16_base[rm];
    d->index = modrm16_index[rm];
    d->seg = (rm == 2 || rm == 3 || rm == 6) ? R_SS : R_DS;
    if (mod == 1)
        d->disp = next_s(s, 1);
    else if (mod == 2)
        d->disp = next_s(s, 2);
    else
        d->disp = 0;
}

static void decode_ea32(DecodeState *s, DecodedInsn *d, int mod, int rm, bool mode64)
{
    int rex = s->rex;
    int base;

    d->index = R_ZERO;
    d->scale = 0;
    if (rm == 4) {
        uint8_t sib = next8(s);
        int idx = ((sib >> 3) & 7) | ((rex & 2) << 2);

        d->scale = sib >> 6;
        if (idx != 4)
            d->index = idx;
        base = sib & 7;
        if (base == 5 && mod == 0) {
            d->base = R_ZERO;
            d->disp = next_s(s, 4);
            d->seg = R_DS;
            return;
        }
        base |= (rex & 1) << 3;
    } else if (rm == 5 && mod == 0) {
        d->base = mode64 ? R_NEXTIP : R_ZERO;
        d->disp = next_s(s, 4);
        d->seg = R_DS;
        return;
    } else {
        base = rm | ((rex & 1) << 3);
    }
    d->base = base;
    d->seg = (base == R_ESP || base == R_EBP) ? R_SS : R_DS;
    if (mod == 1)
        d->disp = next_s(s, 1);
    else if (mod == 2)
        d->disp = next_s(s, 4);
    else
        d->disp = 0;
}

static void decode_imm(DecodeState *s, DecodedInsn *d, int fmt, bool byte)
{
    int osz = d->osize;

    switch (fmt) {
    case F_MI8:
    case F_I8:
    case F_J8:
        d->imm = next_s(s, 1);
        break;
    case F_MIU8:
    case F_IU8:
        d->imm = next_n(s, 1);
        break;
    case F_I16:
        d->imm = next_n(s, 2);
        break;
    case F_MIZ:
    case F_IZ:
        d->imm = byte ? (uint64_t)next_s(s, 1) : (uint64_t)next_s(s, osz == 1 ? 2 : 4);
        break;
    case F_JZ:
        d->imm = next_s(s, osz == 1 ? 2 : 4);
        break;
    case F_IV:
        d->imm = byte ? next_n(s, 1) : next_n(s, 1 << osz);
        break;
    case F_I16I8:
        d->imm = next_n(s, 2);
        d->imm2 = next_n(s, 1);
        break;
    case F_AP:
        d->imm = next_n(s, osz == 1 ? 2 : 4);
        d->imm2 = next_n(s, 2);
        break;
    case F_MOFFS:
        d->imm = next_n(s, 1 << d->asize);
        break;
    }
}

static bool fmt_has_modrm(int fmt)
{
    return fmt == F_M || fmt == F_MI8 || fmt == F_MIU8 || fmt == F_MIZ;
}

/* Collect prefixes; returns the first opcode byte. */
typedef struct Prefixes {
    bool opsize, addrsize, lock;
    int rep;            /* REP_* */
    int last_rep_byte;  /* 0, 0xf2, 0xf3: mandatory prefix of SSE forms */
    int seg;            /* -1: none */
} Prefixes;

static uint8_t decode_prefixes(DecodeState *s, Prefixes *p, bool mode64)
{
    uint8_t b;

    for (;;) {
        b = next8(s);
        if (s->too_long)
            return 0x90;
        switch (b) {
        case 0x66: p->opsize = true; break;
        case 0x67: p->addrsize = true; break;
        case 0xf0: p->lock = true; break;
        case 0xf2: p->rep = REP_NZ; p->last_rep_byte = 0xf2; break;
        case 0xf3: p->rep = REP_Z; p->last_rep_byte = 0xf3; break;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            if (!mode64)
                p->seg = (b >> 3) & 3;
            break;
        case 0x64: p->seg = R_FS; break;
        case 0x65: p->seg = R_GS; break;
        default:
            if (mode64 && (b & 0xf0) == 0x40) {
                s->rex = b;
                b = next8(s);
                if (s->too_long)
                    return 0x90;
                /* A REX followed by another prefix is ignored. */
                if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
                    b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
                    b == 0x65 || (b & 0xf0) == 0x40) {
                    s->rex = 0;
                    s->pos--;
                    continue;
                }
            }
            return b;
        }
        s->rex = 0;
    }
}

static const OpEntry *decode_opcode(DecodeState *s, uint8_t b, DecodedInsn *d)
{
    if (b != 0x0f) {
        d->map = 0;
        d->op = b;
        return &x86_map1[b];
    }
    b = next8(s);
    if (b == 0x38) {
        d->map = 2;
        d->op = next8(s);
        return &x86_map3[d->op];
    }
    if (b == 0x3a) {
        d->map = 3;
        d->op = next8(s);
        return &x86_map4[d->op];
    }
    d->map = 1;
    d->op = b;
    return &x86_map2[b];
}

static int decode_osize(const OpEntry *e, const Prefixes *p, int rex, uint32_t hflags)
{
    if (e->flags & OF_BYTE)
        return 0;
    if (e->flags & OF_SIZE16)
        return 1;
    if (hflags & HF_CS64) {
        if (rex & 8)
            return 3;
        if (e->flags & OF_F64)
            return 3;
        if (p->opsize)
            return 1;
        return (e->flags & OF_DEF64) ? 3 : 2;
    }
    return ((hflags & HF_CS32) != 0) ^ p->opsize ? 2 : 1;
}

bool x86_sse_feature(const CPUX86State *env, int feature)
{
    switch (feature) {
    case SSE_F_NONE: return true;
    case SSE_F_SSE: return x86_has(env, FEAT_1_EDX, CPUID_SSE);
    case SSE_F_SSE2: return x86_has(env, FEAT_1_EDX, CPUID_SSE2);
    case SSE_F_SSE3: return x86_has(env, FEAT_1_ECX, CPUID_EXT_SSE3);
    case SSE_F_SSSE3: return x86_has(env, FEAT_1_ECX, CPUID_EXT_SSSE3);
    case SSE_F_SSE41: return x86_has(env, FEAT_1_ECX, CPUID_EXT_SSE41);
    case SSE_F_SSE42: return x86_has(env, FEAT_1_ECX, CPUID_EXT_SSE42);
    case SSE_F_POPCNT: return x86_has(env, FEAT_1_ECX, CPUID_EXT_POPCNT);
    case SSE_F_AES: return x86_has(env, FEAT_1_ECX, CPUID_EXT_AES);
    case SSE_F_PCLMUL: return x86_has(env, FEAT_1_ECX, CPUID_EXT_PCLMULQDQ);
    case SSE_F_LZCNT: return x86_has(env, FEAT_8000_0001_ECX, CPUID_EXT3_ABM);
    case SSE_F_BMI1: return x86_has(env, FEAT_7_0_EBX, CPUID_7_0_EBX_BMI1);
    }
    return false;
}

/*
 * 0F, 0F 38 and 0F 3A opcodes: the SSE engine's forms (sse.h, step 2) take
 * precedence over the core's table when the engine knows the encoding
 * under its mandatory prefix; otherwise the core entry (MMX, integer or
 * empty) decides. A form whose CPUID bit is off is #UD, except F3 0F
 * BC/BD, which are BSF/BSR then.
 */
static const OpEntry *decode_sse(CPUX86State *env, DecodeState *s, const Prefixes *p,
                                 uint32_t hflags, DecodedInsn *d, const OpEntry *e,
                                 SSEInfo *info)
{
    uint8_t prefix = p->last_rep_byte ? p->last_rep_byte : p->opsize ? 0x66 : 0;
    uint8_t modrm = next8(s);
    int osz;

    s->pos--; /* only a peek at ModRM */
    if (s->too_long)
        return e;
    osz = decode_osize(&x86_entry_sse, p, s->rex, hflags);
    *info = sse_insn_info(d->map, d->op, prefix, modrm, s->rex & 8, 1 << osz);
    if (info->flags & SSE_I_UD) {
        *info = (SSEInfo){ 0 };
        return e;
    }
    if (!x86_sse_feature(env, info->feature)) {
        if ((info->flags & SSE_I_NOSSE) && d->map == 1 && (d->op == 0xbc || d->op == 0xbd)) {
            *info = (SSEInfo){ 0 };
            return e;
        }
        info->flags = SSE_I_UD | (info->flags & SSE_I_IMM8);
    }
    return (info->flags & SSE_I_IMM8) ? &x86_entry_sse_i8 : &x86_entry_sse;
}

static X86Handler *decode_fail(DecodedInsn *d, X86Handler *fn)
{
    d->fn = fn;
    return fn;
}

/*
 * Decode one instruction. *of receives the OpEntry flags (for block ending).
 * Returns the length, or 0 if fetching failed without faulting.
 */
int x86_decode(CPUX86State *env, uint32_t hflags, X86Fetch *f, DecodedInsn *d, uint32_t *of)
{
    DecodeState s = { .f = f };
    Prefixes p = { .seg = -1 };
    bool mode64 = hflags & HF_CS64;
    const OpEntry *e;
    const HSet *hs;
    SSEInfo sse = { 0 };
    uint8_t b;
    int mod = 3, reg = 0, rm = 0;
    bool byte, is_mem = false;

    memset(d, 0, sizeof(*d));
    d->base = d->index = R_ZERO;
    b = decode_prefixes(&s, &p, mode64);
    e = decode_opcode(&s, b, d);
    if (d->map == 0 && d->op == 0x90 && !(s.rex & 1))
        e = &x86_entry_nop;
    else if (d->map == 0 && d->op == 0x63 && mode64)
        e = &x86_entry_movsxd;
    else if (d->map)
        e = decode_sse(env, &s, &p, hflags, d, e, &sse);
    if (mode64)
        d->asize = p.addrsize ? 2 : 3;
    else
        d->asize = ((hflags & HF_CS32) != 0) ^ p.addrsize ? 2 : 1;
    if (s.rex) {
        d->flags |= DI_REX;
        if (s.rex & 8)
            d->flags |= DI_REXW;
    }
    if (p.opsize)
        d->flags |= DI_OPSIZE;
    d->rep = p.rep;
    d->seg = R_DS;

    if ((e->flags & (OF_GROUP | OF_MOD3GRP)) || fmt_has_modrm(e->fmt)) {
        d->modrm = next8(&s);
        mod = d->modrm >> 6;
        reg = ((d->modrm >> 3) & 7) | ((s.rex & 4) << 1);
        rm = (d->modrm & 7) | ((s.rex & 1) << 3);
        if (e->flags & OF_MOD3GRP)
            e = &((const OpEntry *)e->h)[((d->modrm >> 3) & 7) + (mod == 3 ? 8 : 0)];
        else if (e->flags & OF_GROUP)
            e = &((const OpEntry *)e->h)[(d->modrm >> 3) & 7];
    }
    *of = e->flags;
    byte = e->flags & OF_BYTE;
    d->osize = decode_osize(e, &p, s.rex, hflags);
    d->regn = reg;
    d->rmn = rm;

    if (fmt_has_modrm(e->fmt)) {
        d->reg = byte ? reg8_off(reg, s.rex) : reg_off(reg);
        if (mod == 3 || (e->flags & OF_FORCEREG)) {
            d->rm = (byte || (e->flags & OF_RMBYTE)) ? reg8_off(rm, s.rex) : reg_off(rm);
        } else {
            is_mem = true;
            d->flags |= DI_MEM;
            if (d->asize == 1)
                decode_ea16(&s, d, mod, d->modrm & 7);
            else
                decode_ea32(&s, d, mod, d->modrm & 7, mode64);
        }
    } else if (e->flags & OF_OPREG) {
        int r = (d->op & 7) | ((s.rex & 1) << 3);

        d->regn = r;
        d->reg = byte ? reg8_off(r, s.rex) : reg_off(r);
    }
    if (p.seg >= 0) {
        d->seg = p.seg;
        d->flags |= DI_SEGOVR;
    }
    if (e->fmt == F_MOFFS && (hflags & HF_CS64) && p.addrsize)
        d->asize = 2;
    decode_imm(&s, d, e->fmt, byte);
    if (e == &x86_entry_sse || e == &x86_entry_sse_i8)
        d->imm = x86_sse_pack(sse, d->imm);
    d->len = s.pos;
    if (f->failed)
        return 0;
    if (s.too_long) {
        d->len = 15;
        decode_fail(d, x86_op_gp0);
        *of |= OF_END;
        return d->len;
    }

    hs = e->h;
    if (e->fmt == F_SPECIAL || !hs || (e->flags & (OF_GROUP | OF_MOD3GRP)))
        d->fn = x86_op_ud;
    else
        d->fn = hs->h[d->osize][is_mem];
    if (!d->fn || (sse.flags & SSE_I_UD) ||
        (is_mem && (e->flags & OF_NOMEM)) || (!is_mem && fmt_has_modrm(e->fmt) && (e->flags & OF_NOREG)) ||
        (mode64 && (e->flags & OF_INV64)) ||
        (e->feat_word && !(env->features[e->feat_word - 1] & e->feat_bit)) ||
        (p.lock && (!(e->flags & OF_LOCK) || !is_mem)))
        d->fn = x86_op_ud;
    if (p.lock)
        d->flags |= DI_LOCK;
    if (d->fn == x86_op_ud)
        *of |= OF_END;
    d->fn = x86_fast_select(env, hflags, d);
    return d->len;
}
