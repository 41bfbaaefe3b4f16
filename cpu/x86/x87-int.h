/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU internals shared by x87.c, x87-ops.c, x87-env.c and x87-host.c.
 *
 * X87Host is the arithmetic unit: it runs one instruction on a two-register
 * stack (ST0, ST1 in R0, R1 with TOP 0) with the guest's control word and
 * condition codes, and returns the physical registers, status word and
 * memory operand after it. Everything else (which guest registers go in, where results go, stack
 * faults, pops, which exceptions abort the instruction) is decided by the
 * handlers in C.
 *
 * Handlers run on a copy of the guest state that x87_exec() commits only
 * when the handler returns, so a memory callback may longjmp at any point.
 */
#ifndef CPU_X86_X87_INT_H
#define CPU_X86_X87_INT_H

#include "x87.h"

typedef struct X87Host {
    uint16_t fcw;            /* in: control word */
    uint16_t fsw;            /* in: condition codes only; out: the status word after */
    uint16_t ftw;            /* in: tags of R0/R1 (R2-R7 forced empty); out: tag word after */
    X87Reg in[2];            /* in: ST0/ST1 (R0/R1) */
    X87Reg r[8];             /* out: physical registers after (R7 is ST0 after a push) */
    uint8_t mem[16];         /* in/out: memory operand (up to 10 bytes) */
    uint32_t eflags;         /* in: CF/PF/ZF/... for FCMOV; out: flags after */
    uint16_t ax;             /* out: AX after (FNSTSW AX) */
} X87Host;

/* Run esc/modrm on the host x87 (memory forms address h->mem). */
void x87_host_exec(X87Host *h, uint8_t esc, uint8_t modrm);

/* A handler works on the uncommitted new state n. */
typedef void X87Handler(X87State *n, const X87Op *op);

/* Internal x87_insn_info() bit: a control instruction (FIP/FDP/FOP kept). */
#define X87_I_CONTROL (1u << 16)

typedef struct X87Insn {
    X87Handler *fn;          /* NULL: #UD (or see sub) */
    unsigned info;           /* X87_I_* (size 0xff: environment, 0xfe: save image) */
    const struct X87Insn *sub; /* register forms decoded by ModRM.rm: 8 entries */
} X87Insn;

/* Handlers, x87-ops.c */
X87Handler x87_op_arith_reg, x87_op_arith_mem, x87_op_fcom_mem;
X87Handler x87_op_fcom, x87_op_fcomp, x87_op_fcompp, x87_op_fcomi, x87_op_fcomip;
X87Handler x87_op_unary, x87_op_ftst, x87_op_fxam, x87_op_binary, x87_op_binary_pop, x87_op_push2;
X87Handler x87_op_fld_mem, x87_op_fld_const, x87_op_fld_sti, x87_op_fst_mem;
X87Handler x87_op_fst_sti, x87_op_fstp_sti, x87_op_fstp1, x87_op_fxch, x87_op_fcmov;
X87Handler x87_op_ffree, x87_op_ffreep, x87_op_fincstp, x87_op_fdecstp, x87_op_fnop;
/* Handlers, x87-env.c */
X87Handler x87_op_fldcw, x87_op_fnstcw, x87_op_fnstsw, x87_op_fnstsw_ax, x87_op_fnclex;
X87Handler x87_op_fninit, x87_op_fldenv, x87_op_fnstenv, x87_op_frstor, x87_op_fnsave;

/* Stack and status helpers, x87.c */
static inline unsigned x87_phys(const X87State *s, unsigned i) { return (x87_top(s) + i) & 7; }
static inline unsigned x87_tag(const X87State *s, unsigned i)
{
    return (s->ftw >> (2 * x87_phys(s, i))) & 3;
}
static inline bool x87_empty(const X87State *s, unsigned i)
{
    return x87_tag(s, i) == X87_TAG_EMPTY;
}
void x87_set_tag_phys(X87State *s, unsigned p, unsigned tag);
void x87_set_st(X87State *s, unsigned i, X87Reg v);
void x87_set_top(X87State *s, unsigned top);
void x87_push(X87State *s);
void x87_pop(X87State *s);
void x87_set_c1(X87State *s, bool c1);
/* Recompute ES and B from the exception flags and masks. */
void x87_update_es(X87State *s);
/* Record exception flags (IE..PE, SF) and update ES/B. */
void x87_raise(X87State *s, uint16_t flags);
/* Signal a stack fault (IE|SF, C1 = overflow); returns true when IE is masked. */
bool x87_stack_fault(X87State *s, bool overflow);
/* Tag word as loaded by FLDENV/FRSTOR: empty stays empty, the rest is
 * re-classified from the register contents. */
uint16_t x87_tags_from_image(const X87State *s, uint16_t ftw);
/* Memory operand transfer in pieces of at most 8 bytes. */
void x87_mem_load(const X87Op *op, uint32_t off, uint8_t *buf, unsigned size);
void x87_mem_store(const X87Op *op, uint32_t off, const uint8_t *buf, unsigned size);

/* FCW as loaded by FLDCW/FLDENV/FRSTOR/FXRSTOR: reserved bits 13-15 and 7
 * read as 0, bit 6 as 1. */
static inline uint16_t x87_fcw_load(uint16_t v) { return (v & 0x1f3f) | 0x40; }

extern const X87Reg x87_indefinite; /* QNaN floating-point indefinite */

#endif
