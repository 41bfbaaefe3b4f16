/* SPDX-License-Identifier: MIT */
/*
 * MMX instructions: register aliasing onto the x87 stack and dispatch.
 *
 * MMi is the significand of x87 physical register R_i. Every MMX
 * instruction first makes the x87-to-MMX transition (TOP = 0, all tags
 * valid); writing MMi sets R_i's sign and exponent bits to ones; EMMS
 * empties the tag word (SDM Vol 1 §9.5, Table 9-2; TOP also reads 0 after
 * EMMS on the hardware). The operations themselves come from the
 * width-generic library in mmx-packed.c. Operand kinds per opcode follow
 * SDM Vol 2 (MOVD/MOVQ, PINSRW, PEXTRW, PMOVMSKB, MOVNTQ, MASKMOVQ and the
 * m32 sources of PUNPCKL*).
 */
#include "mmx.h"

#define L4 (MMX_I_LOAD | 4)
#define L8 (MMX_I_LOAD | 8)
#define SHIFT_IMM (MMX_I_REG_ONLY | MMX_I_IMM8)

static const uint16_t info_0f[256] = {
    [0x60] = L4, [0x61] = L4, [0x62] = L4, [0x63] = L8, [0x64] = L8, [0x65] = L8, [0x66] = L8,
    [0x67] = L8, [0x68] = L8, [0x69] = L8, [0x6a] = L8, [0x6b] = L8,
    [0x6e] = L4 | MMX_I_RM_GPR, [0x6f] = L8,
    [0x70] = L8 | MMX_I_IMM8 | MMX_I_SSE,
    [0x71] = SHIFT_IMM, [0x72] = SHIFT_IMM, [0x73] = SHIFT_IMM,
    [0x74] = L8, [0x75] = L8, [0x76] = L8, [0x77] = 0,
    [0x7e] = MMX_I_STORE | 4 | MMX_I_RM_GPR, [0x7f] = MMX_I_STORE | 8,
    [0xc4] = MMX_I_LOAD | 2 | MMX_I_RM_GPR | MMX_I_IMM8 | MMX_I_SSE,
    [0xc5] = MMX_I_REG_ONLY | MMX_I_REG_GPR | MMX_I_IMM8 | MMX_I_SSE,
    [0xd1] = L8, [0xd2] = L8, [0xd3] = L8, [0xd4] = L8 | MMX_I_SSE2, [0xd5] = L8,
    [0xd7] = MMX_I_REG_ONLY | MMX_I_REG_GPR | MMX_I_SSE,
    [0xd8] = L8, [0xd9] = L8, [0xda] = L8 | MMX_I_SSE, [0xdb] = L8, [0xdc] = L8, [0xdd] = L8,
    [0xde] = L8 | MMX_I_SSE, [0xdf] = L8,
    [0xe0] = L8 | MMX_I_SSE, [0xe1] = L8, [0xe2] = L8, [0xe3] = L8 | MMX_I_SSE,
    [0xe4] = L8 | MMX_I_SSE, [0xe5] = L8, [0xe7] = MMX_I_STORE | 8 | MMX_I_MEM_ONLY | MMX_I_SSE,
    [0xe8] = L8, [0xe9] = L8, [0xea] = L8 | MMX_I_SSE, [0xeb] = L8, [0xec] = L8, [0xed] = L8,
    [0xee] = L8 | MMX_I_SSE, [0xef] = L8,
    [0xf1] = L8, [0xf2] = L8, [0xf3] = L8, [0xf4] = L8 | MMX_I_SSE2, [0xf5] = L8,
    [0xf6] = L8 | MMX_I_SSE, [0xf7] = MMX_I_REG_ONLY | MMX_I_MASKMOV | MMX_I_SSE,
    [0xf8] = L8, [0xf9] = L8, [0xfa] = L8, [0xfb] = L8 | MMX_I_SSE2, [0xfc] = L8, [0xfd] = L8,
    [0xfe] = L8,
};

static bool valid_0f(uint8_t op)
{
    return info_0f[op] || op == 0x77;
}

unsigned mmx_insn_info(uint16_t opcode, uint8_t modrm, bool rex_w)
{
    uint8_t lo = opcode & 0xff;
    unsigned reg = (modrm >> 3) & 7;

    switch (opcode >> 8) {
    case 0x0f:
        if (!valid_0f(lo))
            return MMX_I_UD;
        if (lo >= 0x71 && lo <= 0x73 && !packed_lookup(opcode, 0, reg))
            return MMX_I_UD;
        if ((lo == 0x6e || lo == 0x7e) && rex_w)
            return (info_0f[lo] & ~MMX_I_SIZE) | 8;
        return info_0f[lo];
    case 0x38:
        return packed_lookup(opcode, 0, reg) ? L8 | MMX_I_SSSE3 : MMX_I_UD;
    case 0x3a:
        return lo == 0x0f ? L8 | MMX_I_IMM8 | MMX_I_SSSE3 : MMX_I_UD;
    default:
        return MMX_I_UD;
    }
}

/* ---- register file ---- */

void mmx_enter(X87State *s)
{
    s->fsw &= ~X87_FSW_TOP;
    s->ftw = 0;
    for (unsigned p = 0; p < 8; p++)
        s->ftw |= x87_classify(s->regs[p]) << (2 * p);
}

void mmx_emms(X87State *s)
{
    s->fsw &= ~X87_FSW_TOP;
    s->ftw = 0xffff;
}

static void mmx_set(X87State *s, unsigned reg, uint64_t val)
{
    s->regs[reg].mant = val;
    s->regs[reg].sexp = 0xffff;
    s->ftw = (s->ftw & ~(3u << (2 * reg))) | (X87_TAG_SPECIAL << (2 * reg));
}

uint64_t mmx_read(X87State *s, unsigned reg)
{
    mmx_enter(s);
    return s->regs[reg & 7].mant;
}

void mmx_write(X87State *s, unsigned reg, uint64_t val)
{
    mmx_enter(s);
    mmx_set(s, reg & 7, val);
}

/* ---- execution ---- */

static uint8_t byte_msbs(uint64_t v)
{
    uint8_t m = 0;

    for (unsigned i = 0; i < 8; i++)
        m |= ((v >> (8 * i + 7)) & 1) << i;
    return m;
}

/* Everything but the moves: an operation of the packed library. */
static void mmx_packed(X87State *s, MMXOp *op, unsigned info, uint64_t src)
{
    unsigned reg = (op->modrm >> 3) & 7, rm = op->modrm & 7;
    PackedFn *fn = packed_lookup(op->opcode, 0, (uint8_t)reg);
    PackedVec d = { 0 }, v = { .q = { src } };
    uint8_t lo = op->opcode & 0xff;

    if (op->opcode >> 8 == 0x0f && lo >= 0x71 && lo <= 0x73) {
        d.q[0] = s->regs[rm].mant;       /* immediate shifts work on ModRM.rm */
        fn(&d, &d, 8, op->imm);
        mmx_set(s, rm, d.q[0]);
    } else if (info & MMX_I_REG_GPR) {   /* PEXTRW, PMOVMSKB */
        fn(&d, &v, 8, op->imm);
        op->result = d.q[0];
    } else {
        d.q[0] = s->regs[reg].mant;
        fn(&d, &v, 8, op->imm);
        mmx_set(s, reg, d.q[0]);
    }
}

int mmx_exec(X87State *s, MMXOp *op)
{
    unsigned info = mmx_insn_info(op->opcode, op->modrm, op->rex_w);
    unsigned reg = (op->modrm >> 3) & 7, rm = op->modrm & 7;
    bool mem = (op->modrm >> 6) != 3;
    uint64_t src;

    if ((info & MMX_I_UD) || (mem && (info & MMX_I_REG_ONLY)) ||
        (!mem && (info & MMX_I_MEM_ONLY)))
        return 6;
    if (op->opcode == 0x0f77) {
        mmx_emms(s);
        return 0;
    }
    src = mem || (info & MMX_I_RM_GPR) ? op->src : s->regs[rm].mant;
    mmx_enter(s);
    switch (op->opcode) {
    case 0x0f6e: /* MOVD/MOVQ mm, r/m */
        mmx_set(s, reg, op->rex_w ? src : (uint32_t)src);
        break;
    case 0x0f6f: /* MOVQ mm, mm/m64 */
        mmx_set(s, reg, src);
        break;
    case 0x0f7e: /* MOVD/MOVQ r/m, mm */
        op->result = op->rex_w ? s->regs[reg].mant : (uint32_t)s->regs[reg].mant;
        break;
    case 0x0f7f: /* MOVQ mm/m64, mm */
        if (mem)
            op->result = s->regs[reg].mant;
        else
            mmx_set(s, rm, s->regs[reg].mant);
        break;
    case 0x0fe7: /* MOVNTQ m64, mm */
        op->result = s->regs[reg].mant;
        break;
    case 0x0ff7: /* MASKMOVQ mm1, mm2 */
        op->result = s->regs[reg].mant;
        op->mask = byte_msbs(s->regs[rm].mant);
        break;
    default:
        mmx_packed(s, op, info, src);
        break;
    }
    return 0;
}
