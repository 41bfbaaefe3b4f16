/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: instruction forms and the random case generator.
 *
 * A Form is one encoding shape of one instruction: prefixes and opcode
 * bytes, how its ModRM operand is encoded (register, memory, register in
 * the opcode, none), a fixed ModRM.reg for group opcodes, operand and
 * memory-operand sizes, immediate size, and a kind that tells the
 * generator which operand values make sense (divisors that mostly do not
 * fault, string pointers and counts that stay in the window, branch
 * targets that land on an exit stub, selectors from a known set, x87 and
 * MMX register files...). forms.c builds the table; gen.c turns a Form and
 * a random seed into a DiffCase.
 * Reference: Intel SDM vol. 2, appendix A (opcode map), 2.1 (ModRM/SIB).
 */
#ifndef TESTS_CPU_DIFF_FORMS_H
#define TESTS_CPU_DIFF_FORMS_H

#include <stdbool.h>

#include "diff.h"

/* Form.enc: where the operand of the ModRM byte lives */
enum {
    E_NONE,        /* no ModRM */
    E_REG,         /* ModRM with mod = 3 */
    E_MEM,         /* ModRM with a memory operand */
    E_OPREG,       /* register in the low three bits of the last opcode byte */
};

/* Form.fl */
enum {
    FF_LOCK = 1 << 0,     /* emit a LOCK prefix */
    FF_SEGOVR = 1 << 1,   /* a random segment override may precede it */
    FF_NOACC = 1 << 2,    /* memory operand is not accessed (LEA, NOP, prefetch) */
    FF_A16 = 1 << 3,      /* 67 prefix: 16-bit addressing */
    FF_LOW = 1 << 4,      /* needs the low layout (16-bit addresses or targets) */
    FF_FPU = 1 << 5,      /* random x87 state */
    FF_MMX = 1 << 6,      /* random MMX state */
    FF_BYTE = 1 << 7,     /* byte registers in ModRM (AH..BH for 4-7) */
    FF_REGPIN = 1 << 8,   /* the ModRM.reg register holds a constrained value */
    FF_STACKMEM = 1 << 9, /* memory operand is usually put in the stack page */
};

/* Form.kind: operand constraints the generator applies */
enum {
    K_PLAIN,
    K_SHIFT,       /* count in CL or imm8: interesting counts */
    K_DIV,         /* DIV: mostly non-faulting dividends */
    K_IDIV,
    K_AAM,         /* imm8 base, sometimes 0 */
    K_STRING,      /* string instruction: op in Form.sub */
    K_XLAT,
    K_MOFFS,       /* A0-A3: address as immediate */
    K_BTMEM,       /* BT* m, r: bit offset register */
    K_BOUND,
    K_CMPXCHG,
    K_CMPXCHG8B,
    K_ENTER,
    K_LEAVE,
    K_POPF,
    K_REL,         /* relative branch: Form.imm is the displacement size */
    K_IND,         /* indirect near JMP/CALL through r/m */
    K_RET,         /* RET / RET imm16 */
    K_RETF,
    K_IRET,        /* IRET to CPL 3: EIP, CS, EFLAGS on the stack */
    K_FARIMM,      /* JMPF/CALLF ptr16:16/32 */
    K_FARMEM,      /* JMPF/CALLF m16:16/32 */
    K_SELMEM,      /* LES/LDS/LSS/LFS: far pointer with a selector from the set */
    K_SREG,        /* MOV Sreg, r/m or POP Sreg: selector from the set */
    K_SEL,         /* LAR/LSL/VERR/VERW/ARPL: selector operands */
    K_PUSHA,
    K_X87,         /* x87 ESC instruction: memory format in Form.sub */
    K_MMX,         /* MMX instruction: Form.sub = MMX_* operand roles */
    K_MASKMOVQ,
};

/* Form.sub for K_STRING */
enum { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS };
/* Form.sub for K_X87: memory operand format */
enum { X_NONE, X_F32, X_F64, X_F80, X_I16, X_I32, X_I64, X_BCD, X_ENV, X_SAVE, X_CW, X_SW };
/* Form.sub for K_MMX: bits */
enum {
    MMX_RM_GPR = 1,    /* register form: ModRM.rm is a general register */
    MMX_REG_GPR = 2,   /* ModRM.reg is a general register (PEXTRW, PMOVMSKB) */
};

typedef struct Form {
    char name[48];
    uint8_t pfx[4], npfx;    /* fixed prefixes (66, F2, F3), in order */
    uint8_t op[16], nop;     /* opcode bytes (or a whole fixed instruction) */
    uint8_t enc;             /* E_* */
    int8_t regf;             /* fixed ModRM.reg (group opcodes), or -1 */
    int8_t rmf;              /* fixed ModRM.rm for E_REG, or -1 */
    uint8_t osz;             /* operand size in bytes (1, 2, 4, 8) */
    uint8_t msz;             /* memory operand size in bytes */
    uint8_t imm;             /* immediate bytes (ENTER: 3 = imm16 + imm8; far ptr: 6 or 4) */
    uint8_t kind;            /* K_* */
    uint8_t sub;             /* kind-specific */
    uint16_t fl;             /* FF_* */
    uint16_t undef;          /* EFLAGS bits the SDM leaves undefined (diagnosis only) */
} Form;

/* Build the table of every form; returns the count (at most max). */
unsigned forms_build(Form *tab, unsigned max);

/* Random numbers for the generator (xorshift; seeded once). */
void gen_seed(uint64_t seed);
uint32_t gen_rand(void);

/* Fill c with a random case of form f for the layout at base. */
void gen_case(const Form *f, DiffCase *c, uint32_t base, uint32_t id);

/* The default x87 state image (FNINIT). */
void gen_fpu_default(uint8_t img[DIFF_FPU_SIZE]);

#endif
