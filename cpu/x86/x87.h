/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU: register state, instruction execution, save-image helpers.
 *
 * Models the x87 floating-point unit of Intel SDM Vol 1 ch 8 (data
 * registers, FCW/FSW/FTW, pointers, exceptions) and executes every D8-DF
 * instruction of SDM Vol 2 bit for bit as the host processor does. The
 * stack discipline (TOP, tags, stack faults, C1, pops, masked and unmasked
 * responses, FIP/FDP/FOP) is modelled in C (x87.c, x87-ops.c); the
 * arithmetic itself runs on the host's own x87 (x87-host.c), which ties
 * this engine to x86 hosts. A softfloat arithmetic unit behind the same
 * X87Host interface is future work.
 *
 * How the CPU core calls x87/MMX
 * ------------------------------
 * - Embed one X87State in the CPU state. x87_power_on() at RESET (INIT
 *   leaves it alone); FNINIT is x87_reset().
 * - For an opcode D8-DF: check CR0.EM/TS (#NM) first. Then, unless
 *   x87_insn_info() says X87_I_NOWAIT, raise #MF (CR0.NE=1) or assert FERR
 *   (CR0.NE=0) when x87_pending_exception(). FWAIT (9B) does only this
 *   check. Fill an X87Op and call x87_exec(); it returns 0 or 6 (#UD).
 * - Memory operands: x87_insn_info() gives the access size and direction
 *   (X87_I_SIZE) so the core can check limits/probe pages first. x87_exec
 *   reads through op->ld and writes through op->st, with offsets from the
 *   effective address, in pieces of at most 8 bytes. All loads happen
 *   before any state changes and all stores happen before the new state is
 *   committed, so a callback may longjmp (#PF, #GP) and the instruction can
 *   be restarted. The core should probe multi-piece stores (m80, FNSTENV,
 *   FNSAVE) for writability so a fault cannot hit half way.
 * - FCMOVcc reads *op->eflags (CF, ZF, PF); FCOMI/FUCOMI(P) write ZF, PF,
 *   CF into it and clear OF, SF, AF (X87_I_EFLAGS_IN / X87_I_EFLAGS_OUT).
 *   FNSTSW AX writes *op->ax (X87_I_AX_OUT).
 * - FXSAVE/FXRSTOR (and the XSAVE legacy area): x87_fxsave()/x87_fxrstor()
 *   fill/read bytes 0-23 and 32-159 of the image; MXCSR (24-31) and the XMM
 *   registers belong to the SSE code. Use the *64 variants with REX.W.
 * - MMX: see mmx.h; MMX registers alias the mantissas of regs[0..7].
 */
#ifndef CPU_X86_X87_H
#define CPU_X86_X87_H

#include "kemu/types.h"

/* FSW bits (SDM Vol 1 Fig 8-4) */
enum {
    X87_FSW_IE = 1u << 0,    /* invalid operation */
    X87_FSW_DE = 1u << 1,    /* denormal operand */
    X87_FSW_ZE = 1u << 2,    /* zero divide */
    X87_FSW_OE = 1u << 3,    /* overflow */
    X87_FSW_UE = 1u << 4,    /* underflow */
    X87_FSW_PE = 1u << 5,    /* precision */
    X87_FSW_SF = 1u << 6,    /* stack fault */
    X87_FSW_ES = 1u << 7,    /* error summary */
    X87_FSW_C0 = 1u << 8,
    X87_FSW_C1 = 1u << 9,
    X87_FSW_C2 = 1u << 10,
    X87_FSW_TOP = 7u << 11,  /* top of stack */
    X87_FSW_C3 = 1u << 14,
    X87_FSW_B = 1u << 15,    /* busy (mirrors ES) */
    X87_FSW_CC = X87_FSW_C0 | X87_FSW_C1 | X87_FSW_C2 | X87_FSW_C3,
    X87_FSW_EXC = 0x3f,      /* the six exception flags */
};

/* FCW bits (SDM Vol 1 Fig 8-6) */
enum {
    X87_FCW_IM = 1u << 0,
    X87_FCW_DM = 1u << 1,
    X87_FCW_ZM = 1u << 2,
    X87_FCW_OM = 1u << 3,
    X87_FCW_UM = 1u << 4,
    X87_FCW_PM = 1u << 5,
    X87_FCW_PC = 3u << 8,    /* precision control: 0 single, 2 double, 3 extended */
    X87_FCW_RC = 3u << 10,   /* rounding: 0 nearest, 1 down, 2 up, 3 toward zero */
    X87_FCW_X = 1u << 12,    /* infinity control (ignored since the 387) */
};

/* Tag values (2 bits per physical register in the full tag word) */
enum { X87_TAG_VALID = 0, X87_TAG_ZERO = 1, X87_TAG_SPECIAL = 2, X87_TAG_EMPTY = 3 };

/* One 80-bit data register. */
typedef struct X87Reg {
    uint64_t mant;           /* significand; bit 63 is the explicit integer bit */
    uint16_t sexp;           /* bit 15 sign, bits 14..0 biased exponent */
} X87Reg;

typedef struct X87State {
    uint16_t fcw;            /* control word */
    uint16_t fsw;            /* status word, TOP in bits 13..11 */
    uint16_t ftw;            /* full tag word, bits 2i+1..2i for physical register i */
    uint16_t fop;            /* opcode of the last non-control instruction (11 bits) */
    uint64_t fip;            /* its offset (eIP/RIP) */
    uint64_t fdp;            /* offset of its memory operand */
    uint16_t fcs;            /* its code selector */
    uint16_t fds;            /* its data selector */
    X87Reg regs[8];          /* physical registers R0..R7: ST(i) is regs[(TOP + i) & 7] */
} X87State;

/* One x87 instruction as the decoder hands it over. */
typedef struct X87Op {
    uint8_t esc;             /* low 3 bits of the opcode: 0-7 for D8-DF */
    uint8_t modrm;           /* the ModRM byte */
    bool has_mem;            /* ModRM.mod != 3 (must agree with modrm) */
    void *ctx;               /* opaque for ld/st */
    /* Memory operand access at effective address + off; size 1, 2, 4 or 8. */
    uint64_t (*ld)(void *ctx, uint32_t off, unsigned size);
    void (*st)(void *ctx, uint32_t off, uint64_t val, unsigned size);
    unsigned opsize;         /* 16 or 32 (also in 64-bit mode): FNSTENV/FNSAVE layouts */
    bool protected_mode;     /* protected-mode layout (PE=1 and not VM86); else real mode */
    bool sse3;               /* FISTTP exists (else it is #UD) */
    uint64_t fip, fdp;       /* offset of this instruction (its first prefix) and operand */
    uint16_t fcs, fds;       /* selectors; real-mode images store (sel << 4) + offset */
    uint32_t *eflags;        /* in: FCMOVcc; out: FCOMI family (may be NULL otherwise) */
    uint16_t *ax;            /* out: FNSTSW AX (may be NULL otherwise) */
} X87Op;

/* x87_insn_info() result bits */
enum {
    X87_I_SIZE = 0xff,       /* memory operand size in bytes (0: none) */
    X87_I_LOAD = 1u << 8,    /* reads the memory operand */
    X87_I_STORE = 1u << 9,   /* writes the memory operand */
    X87_I_NOWAIT = 1u << 10, /* FN* forms: no check for a pending #MF */
    X87_I_EFLAGS_IN = 1u << 11,
    X87_I_EFLAGS_OUT = 1u << 12,
    X87_I_AX_OUT = 1u << 13,
    X87_I_UD = 1u << 14,     /* invalid encoding: #UD */
    X87_I_SSE3 = 1u << 15,   /* FISTTP: #UD without SSE3 */
};

/* FNINIT: FCW 037F, FSW 0, all tags empty, pointers cleared, registers kept. */
void x87_reset(X87State *s);
/* Power-up/RESET state: FCW 0040, FSW 0, FTW 5555, pointers 0, registers +0.0. */
void x87_power_on(X87State *s);
/* Execute one D8-DF instruction. Returns 0, or 6 (#UD) for an invalid encoding. */
int x87_exec(X87State *s, const X87Op *op);
/* What an encoding touches (see X87_I_*); opsize as in X87Op. */
unsigned x87_insn_info(uint8_t esc, uint8_t modrm, unsigned opsize);
/* FSW.ES: the next waiting x87/MMX instruction must raise #MF (or FERR#). */
bool x87_pending_exception(const X87State *s);

/* FXSAVE image bytes 0-23 and 32-159 (SDM Vol 1 Table 10-2); fxsave64 with REX.W. */
void x87_fxsave(const X87State *s, uint8_t out[512]);
void x87_fxsave64(const X87State *s, uint8_t out[512]);
/* FXRSTOR: load the same bytes back (abridged tags expanded from contents). Never fails:
 * the only FXRSTOR #GP (reserved MXCSR bits) is checked by the SSE code. */
bool x87_fxrstor(X87State *s, const uint8_t in[512]);
bool x87_fxrstor64(X87State *s, const uint8_t in[512]);

/* Register helpers (for MMX, gdbstub and the monitor). */
static inline unsigned x87_top(const X87State *s) { return (s->fsw >> 11) & 7; }
static inline X87Reg *x87_st(X87State *s, unsigned i) { return &s->regs[(x87_top(s) + i) & 7]; }
/* The tag the hardware reports for a non-empty register holding r. */
unsigned x87_classify(X87Reg r);
/* Print FCW/FSW/FTW and ST0-ST7 (info registers). */
void x87_dump(const X87State *s, FILE *out);

#endif
