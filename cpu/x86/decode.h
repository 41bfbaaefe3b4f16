/* SPDX-License-Identifier: MIT */
/*
 * Decoded instructions and the opcode tables that produce them.
 *
 * The decoder (decode.c) turns instruction bytes into a DecodedInsn: the
 * handler to call, the operand and address sizes, the register operands as
 * byte offsets into env->regs (so AH..BH and REX byte registers need no
 * run-time logic), the effective-address recipe (base + index << scale +
 * disp, with R_ZERO standing for "none" and R_NEXTIP for RIP-relative),
 * immediates and the length. Blocks of DecodedInsns are what the exec loop
 * runs, and what a later JIT would translate.
 *
 * Opcode tables (ops-table.c) map each opcode to an OpEntry: the operand
 * format (which tells the decoder what follows the opcode) and a handler
 * set indexed by operand size and by register/memory form.
 * Reference: Intel SDM vol. 2, ch. 2 "Instruction Format" and appendix A
 * "Opcode Map".
 */
#ifndef CPU_X86_DECODE_H
#define CPU_X86_DECODE_H

#include "cpu.h"

/* DecodedInsn.flags */
enum {
    DI_LOCK = 1 << 0,
    DI_MEM = 1 << 1,       /* the ModRM operand is memory */
    DI_REX = 1 << 2,       /* a REX prefix was present */
    DI_OPSIZE = 1 << 3,    /* 66 prefix present */
    DI_SEGOVR = 1 << 4,    /* explicit segment override */
    DI_REXW = 1 << 5,
};

enum { REP_NONE = 0, REP_Z = 1, REP_NZ = 2 };

struct DecodedInsn {
    X86Handler *fn;
    uint64_t imm;      /* first immediate (sign- or zero-extended as the form says) */
    int32_t disp;
    uint16_t imm2;     /* second immediate: ENTER level, far pointer selector */
    uint8_t len;
    uint8_t op;        /* last opcode byte */
    uint8_t map;       /* 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A */
    uint8_t modrm;
    uint8_t reg;       /* ModRM.reg operand (or opcode register): byte offset in regs */
    uint8_t rm;        /* ModRM.rm register operand: byte offset in regs */
    uint8_t base, index, scale; /* effective address */
    uint8_t seg;       /* segment of the memory operand / string source */
    uint8_t osize;     /* operand size, log2 bytes (0..3) */
    uint8_t asize;     /* address size: 1 = 16, 2 = 32, 3 = 64 */
    uint8_t rep;       /* REP_* */
    uint8_t flags;     /* DI_* */
    uint8_t regn;      /* ModRM.reg field as a number (with REX.R) */
    uint8_t rmn;       /* ModRM.rm field as a number (with REX.B) */
};

/* Register number -> byte offset in env->regs */
static inline uint8_t reg_off(unsigned r) { return r * 8; }
static inline uint8_t reg8_off(unsigned r, bool rex)
{
    return (r < 4 || r >= 8 || rex) ? r * 8 : (r - 4) * 8 + 1;
}

/* Handler set: [operand size log2][0 = register form, 1 = memory form].
 * Unsized handlers fill every slot with the same function. */
typedef struct HSet {
    X86Handler *h[4][2];
} HSet;

/* Operand formats: what follows the opcode and how operands are encoded. */
enum {
    F_NONE,     /* no ModRM, no immediate */
    F_M,        /* ModRM */
    F_MI8,      /* ModRM + imm8 (sign-extended) */
    F_MIU8,     /* ModRM + imm8 (zero-extended) */
    F_MIZ,      /* ModRM + imm16/32 by operand size (imm8 for byte ops) */
    F_I8,       /* imm8 sign-extended */
    F_IU8,      /* imm8 zero-extended */
    F_I16,      /* imm16 */
    F_IZ,       /* imm16/32 by operand size, sign-extended to 64 (imm8 for byte ops) */
    F_IV,       /* imm16/32/64 by operand size (MOV r, imm) */
    F_I16I8,    /* ENTER */
    F_J8,       /* rel8 */
    F_JZ,       /* rel16/32 */
    F_AP,       /* far pointer 16:16/16:32 */
    F_MOFFS,    /* address-size offset (MOV AL, moffs) */
    F_SPECIAL,  /* decoded by OpEntry.special */
};

/* OpEntry.flags */
enum {
    OF_BYTE = 1 << 0,      /* operand size is 8 bits (reg and rm are byte registers) */
    OF_RMBYTE = 1 << 1,    /* only the rm operand is a byte register (MOVZX, SETcc) */
    OF_RMWORD = 1 << 2,    /* rm operand is 16 bits (MOVZX Gv,Ew) */
    OF_LOCK = 1 << 3,      /* LOCK allowed with a memory destination */
    OF_DEF64 = 1 << 4,     /* operand size defaults to 64 in 64-bit mode */
    OF_F64 = 1 << 5,       /* operand size forced to 64 in 64-bit mode */
    OF_INV64 = 1 << 6,     /* invalid in 64-bit mode */
    OF_END = 1 << 7,       /* ends the block (branch, mode change) */
    OF_GROUP = 1 << 8,     /* h points to 8 OpEntries selected by ModRM.reg */
    OF_OPREG = 1 << 9,     /* register in the low 3 opcode bits (+REX.B) */
    OF_NOMEM = 1 << 10,    /* memory form is #UD */
    OF_NOREG = 1 << 11,    /* register form is #UD */
    OF_PRIV = 1 << 12,     /* informational: CPL 0 only */
    OF_STRING = 1 << 13,   /* string instruction: honours REP */
    OF_SIZE16 = 1 << 14,   /* operand size is always 16 (e.g. MOV Sreg) */
    OF_MOD3GRP = 1 << 15,  /* group with a second table for mod == 3 (0F 01) */
    OF_FORCEREG = 1 << 16, /* ModRM.mod is ignored: always a register (MOV CRn) */
};

typedef struct OpEntry OpEntry;
struct OpEntry {
    uint8_t fmt;
    uint8_t feat_word;      /* CPUID gate: feature word + 1 (0 = none) */
    uint32_t flags;
    uint32_t feat_bit;
    const void *h;          /* HSet, or OpEntry[8] (OF_GROUP), or OpEntry[16] (OF_MOD3GRP) */
};

extern const OpEntry x86_map1[256];
extern const OpEntry x86_map2[256];
extern const OpEntry x86_map3[256];
extern const OpEntry x86_map4[256];
extern const OpEntry x86_entry_nop, x86_entry_movsxd, x86_entry_sse, x86_entry_sse_i8;

/*
 * SSE forms (sse.h): the decoder asks sse_insn_info() and keeps the answer
 * in DecodedInsn.imm next to the imm8: bits 0-7 imm8, 16-31 SSEInfo.flags,
 * 32-39 mem_size, 40-47 gpr_size, 48-55 feature.
 */
static inline uint64_t x86_sse_pack(SSEInfo i, uint8_t imm8)
{
    return imm8 | (uint64_t)i.flags << 16 | (uint64_t)i.mem_size << 32 |
           (uint64_t)i.gpr_size << 40 | (uint64_t)i.feature << 48;
}
static inline SSEInfo x86_sse_unpack(uint64_t imm)
{
    return (SSEInfo){ .flags = (uint16_t)(imm >> 16), .mem_size = imm >> 32,
                      .gpr_size = imm >> 40, .feature = imm >> 48 };
}
/* The mandatory prefix of an SSE form: the last F2/F3, else 66, else 0. */
static inline uint8_t x86_sse_prefix(const DecodedInsn *d)
{
    return d->rep == REP_Z ? 0xf3 : d->rep == REP_NZ ? 0xf2 : (d->flags & DI_OPSIZE) ? 0x66 : 0;
}
/* Whether the CPU model has the CPUID bit of an SSEFeature. */
bool x86_sse_feature(const CPUX86State *env, int feature);

extern const uint64_t x86_amask[4];

/* Handlers used by the decoder itself */
X86Handler x86_op_ud;       /* #UD */
X86Handler x86_op_gp0;      /* #GP(0): instruction longer than 15 bytes */
X86Handler x86_op_fetch_fault;

/* Decode one instruction at linear address pc (code bytes fetched through
 * fetch). Returns the length, or 0 when the bytes are not all available
 * (fetch of the next page failed and first == false). */
typedef struct X86Fetch {
    CPUX86State *env;
    uint64_t pc;            /* linear address of byte 0 */
    const uint8_t *page;    /* host page holding pc (NULL: MMIO fetch) */
    unsigned page_left;     /* bytes available at page from pc */
    const uint8_t *page2;   /* next page, fetched on demand */
    bool allow_fault;       /* may raise #PF/#GP on fetch */
    bool crossed;           /* the instruction used page2 */
    bool failed;
} X86Fetch;

int x86_decode(CPUX86State *env, uint32_t hflags, X86Fetch *f, DecodedInsn *d, uint32_t *of);

static inline uint64_t x86_ea(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t ea = env->regs[d->base] + (env->regs[d->index] << d->scale) + (int64_t)d->disp;

    return ea & x86_amask[d->asize];
}

#endif
