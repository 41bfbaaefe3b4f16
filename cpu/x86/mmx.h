/* SPDX-License-Identifier: MIT */
/*
 * MMX technology and the width-generic packed-integer library.
 *
 * MMX registers MM0-MM7 alias the significands of the x87 physical
 * registers R0-R7 (Intel SDM Vol 1 ch 9): any MMX instruction sets TOP to 0
 * and tags every register valid; a write to MMi also sets R_i's sign and
 * exponent to all ones; EMMS tags every register empty. The packed-integer
 * operations (SDM Vol 1 §9.4, Vol 2 per instruction) are written once for
 * any vector width, 8 bytes for MMX and 16 for the SSE2 forms, so the SSE
 * code reuses them through packed_lookup().
 *
 * How the CPU core calls x87/MMX
 * ------------------------------
 * - For an MMX-form opcode (no 66/F2/F3 prefix: 0F 60-7F, 0F C4, C5, D1-FF,
 *   0F 38 00-1E, 0F 3A 0F; EMMS is 0F 77): CR0.EM=1 -> #UD, CR0.TS=1 ->
 *   #NM, x87_pending_exception() -> #MF. Then info = mmx_insn_info();
 *   MMX_I_UD, or mod == 3 with MMX_I_MEM_ONLY, or mod != 3 with
 *   MMX_I_REG_ONLY -> #UD; feature bits (MMX_I_SSE, ...) -> #UD when the
 *   CPU model lacks them.
 * - Fill an MMXOp: src is the memory operand (MMX_I_LOAD, size bytes,
 *   zero-extended) when mod != 3, or the GPR ModRM.rm when mod == 3 and
 *   MMX_I_RM_GPR (0F 6E, C4); MMX register sources are read by mmx_exec.
 * - mmx_exec() updates the MMX registers and returns 0 (or 6). Then write
 *   op.result: to memory (mod != 3 and MMX_I_STORE, size bytes), to GPR
 *   ModRM.rm (mod == 3 and MMX_I_RM_GPR with MMX_I_STORE: 0F 7E; 32-bit
 *   forms zero-extend), to GPR ModRM.reg (MMX_I_REG_GPR: PEXTRW,
 *   PMOVMSKB), or, for MMX_I_MASKMOV, the bytes of result selected by
 *   op.mask to DS:rDI (segment override allowed).
 * - SSE code touching MMX registers (CVTPI2PS, MOVQ2DQ, ...) uses
 *   mmx_read()/mmx_write(), which perform the x87-to-MMX transition.
 *   SSE2 integer forms (66 prefix) call packed_lookup(op, 0x66, reg) with
 *   width 16.
 */
#ifndef CPU_X86_MMX_H
#define CPU_X86_MMX_H

#include "x87.h"

/* ---- packed-integer library (any width: 8 or 16 bytes) ---- */

typedef union PackedVec {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t d[4];
    int32_t sd[4];
    uint64_t q[2];
    int64_t sq[2];
} PackedVec;

/* d = op(d, s) on the first width bytes (d is the ModRM.reg operand; for
 * the immediate shifts 0F 71-73 it is ModRM.rm and s is unused). For
 * PEXTRW and PMOVMSKB the result is d->q[0]; PINSRW takes s->w[0]. */
typedef void PackedFn(PackedVec *d, const PackedVec *s, unsigned width, uint8_t imm);

/* The operation of opcode (0x0Fxx, 0x38xx for 0F 38 xx, 0x3Axx for 0F 3A xx)
 * with mandatory prefix 0 (MMX, width 8), 0x66 (SSE2, width 16), or F3/F2
 * for PSHUFHW/PSHUFLW; reg is ModRM.reg (selects 0F 71-73). NULL if none. */
PackedFn *packed_lookup(uint16_t opcode, uint8_t prefix, uint8_t reg);

/* ---- MMX ---- */

/* mmx_insn_info() bits */
enum {
    MMX_I_SIZE = 0xf,          /* memory operand size in bytes (mod != 3) */
    MMX_I_LOAD = 1u << 4,      /* mod != 3: pass the memory operand in op.src */
    MMX_I_STORE = 1u << 5,     /* mod != 3: store op.result (0F 7E: also GPR rm) */
    MMX_I_RM_GPR = 1u << 6,    /* mod == 3: ModRM.rm is a GPR (0F 6E, 0F 7E, C4) */
    MMX_I_REG_GPR = 1u << 7,   /* op.result goes to GPR ModRM.reg (C5, D7) */
    MMX_I_REG_ONLY = 1u << 8,  /* a memory operand is #UD */
    MMX_I_MEM_ONLY = 1u << 9,  /* a register operand is #UD (MOVNTQ) */
    MMX_I_IMM8 = 1u << 10,     /* an imm8 follows */
    MMX_I_MASKMOV = 1u << 11,  /* MASKMOVQ: masked store of op.result to DS:rDI */
    MMX_I_UD = 1u << 12,       /* not an MMX instruction */
    MMX_I_SSE = 1u << 13,      /* needs CPUID SSE (or AMD MMX extensions) */
    MMX_I_SSE2 = 1u << 14,     /* needs SSE2 (PADDQ, PSUBQ, PMULUDQ) */
    MMX_I_SSSE3 = 1u << 15,    /* needs SSSE3 (0F 38, 0F 3A 0F) */
};

typedef struct MMXOp {
    uint16_t opcode;           /* 0x0Fxx, 0x38xx or 0x3Axx */
    uint8_t modrm;
    uint8_t imm;               /* imm8 (MMX_I_IMM8) */
    bool rex_w;                /* 0F 6E/7E: MOVQ with a 64-bit GPR/memory operand */
    uint64_t src;              /* in: memory or GPR operand (see above) */
    uint64_t result;           /* out: value for a GPR or memory destination */
    uint8_t mask;              /* out: MASKMOVQ byte enables */
} MMXOp;

unsigned mmx_insn_info(uint16_t opcode, uint8_t modrm, bool rex_w);
/* Execute one MMX instruction; returns 0 or 6 (#UD). */
int mmx_exec(X87State *s, MMXOp *op);
/* EMMS (0F 77): every tag empty (and TOP 0, as the hardware does). */
void mmx_emms(X87State *s);
/* The x87-to-MMX transition: TOP 0, every register tagged valid. */
void mmx_enter(X87State *s);
/* MMX register access with the transition (for the SSE code). */
uint64_t mmx_read(X87State *s, unsigned reg);
void mmx_write(X87State *s, unsigned reg, uint64_t val);

#endif
