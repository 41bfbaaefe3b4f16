/* SPDX-License-Identifier: MIT */
/*
 * SSE engine internals shared by the sse*.c files.
 *
 * sse.c looks an encoding up in the opcode tables (sse-table.c), gathers
 * the operands into an SSEExec and calls the entry's handler. Handlers
 * write XMM/MMX destinations directly and GPR/memory destinations to
 * op->result. Floating-point handlers run their instruction on the host
 * through one of the stubs listed in SSE_HOST_OPS (sse-host.c), which also
 * turns the host's exception flags into the guest's masked or unmasked
 * response.
 */
#ifndef CPU_X86_SSE_INT_H
#define CPU_X86_SSE_INT_H

#include "sse.h"
#include "mmx.h"

/* SSEEntry.how: operand-form details behind SSEInfo */
enum {
    H_REG_ONLY = 1u << 0,    /* a memory operand is #UD */
    H_MEM_ONLY = 1u << 1,    /* a register operand is #UD */
    H_MEM_W = 1u << 2,       /* REX.W: the r/m operand is 8 bytes */
    H_GPR_W = 1u << 3,       /* REX.W: the GPR destination is 8 bytes */
    H_MEM_OSIZE = 1u << 4,   /* the r/m operand has the operand size */
    H_GPR_OSIZE = 1u << 5,   /* the GPR destination has the operand size */
    H_RM_MMX = 1u << 6,      /* mod == 3: ModRM.rm is an MMX register */
    H_REG_MMX = 1u << 7,     /* ModRM.reg is an MMX register */
    H_GROUP = 1u << 8,       /* 66 0F 71-73: valid per ModRM.reg */
};

typedef struct SSEExec SSEExec;
typedef int SSEHandler(SSEExec *x);

typedef struct SSEEntry {
    SSEHandler *fn;          /* NULL: #UD */
    uint32_t flags;          /* SSE_I_* common to every form */
    uint16_t how;            /* H_* */
    uint8_t size;            /* memory operand bytes */
    uint8_t feature;         /* SSEFeature */
    uint16_t arg;            /* handler parameter (host op, packed opcode, ...) */
} SSEEntry;

struct SSEExec {
    SSEState *s;
    X87State *x87;
    SSEOp *op;
    const SSEEntry *e;
    SSEInfo info;
    bool mem;                /* the r/m operand is memory */
    unsigned reg, rm;        /* register numbers 0-15 */
    XMMReg src;              /* the r/m operand: XMM, memory, GPR or MMX value */
};

/* sse_op_mov_store() arg flag: the register form zero-extends (66 0F D6) */
#define SSE_MOV_ZX 0x100

/* The encoding's table entry (NULL: none). */
const SSEEntry *sse_lookup(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t modrm);

/* ---- host floating point (sse-host.c) ---- */

/* Lanes of a host op: scalar float/double, packed, horizontal pairs */
enum { L_SS, L_SD, L_PS, L_PD, L_HPS, L_HPD };
/* What a lane computes, for ops that can overflow or underflow (K_NONE:
 * cannot; K_DP: DPPS/DPPD, replayed step by step instead) */
enum { K_NONE, K_ADD, K_SUB, K_MUL, K_DIV, K_ADDSUB, K_CVT, K_DP };

/*
 * Every instruction run on the host: name, encoding bytes up to the
 * opcode (the stub adds ModRM 06 = XMM0/EAX, [rsi]), number of imm8
 * variants (0: no imm8), lanes, lane operation.
 */
#define SSE_HOST_OPS(X)                                                                            \
    X(CVTSI2SS, "0xf3,0x0f,0x2a", 0, L_SS, K_NONE)                                                 \
    X(CVTSI2SSQ, "0xf3,0x48,0x0f,0x2a", 0, L_SS, K_NONE)                                           \
    X(CVTSI2SD, "0xf2,0x0f,0x2a", 0, L_SS, K_NONE)                                                 \
    X(CVTSI2SDQ, "0xf2,0x48,0x0f,0x2a", 0, L_SS, K_NONE)                                           \
    X(CVTPI2PS, "0x0f,0x2a", 0, L_SS, K_NONE)                                                      \
    X(CVTTSS2SI, "0xf3,0x0f,0x2c", 0, L_SS, K_NONE)                                                \
    X(CVTTSS2SIQ, "0xf3,0x48,0x0f,0x2c", 0, L_SS, K_NONE)                                          \
    X(CVTTSD2SI, "0xf2,0x0f,0x2c", 0, L_SS, K_NONE)                                                \
    X(CVTTSD2SIQ, "0xf2,0x48,0x0f,0x2c", 0, L_SS, K_NONE)                                          \
    X(CVTSS2SI, "0xf3,0x0f,0x2d", 0, L_SS, K_NONE)                                                 \
    X(CVTSS2SIQ, "0xf3,0x48,0x0f,0x2d", 0, L_SS, K_NONE)                                           \
    X(CVTSD2SI, "0xf2,0x0f,0x2d", 0, L_SS, K_NONE)                                                 \
    X(CVTSD2SIQ, "0xf2,0x48,0x0f,0x2d", 0, L_SS, K_NONE)                                           \
    X(UCOMISS, "0x0f,0x2e", 0, L_SS, K_NONE)                                                       \
    X(UCOMISD, "0x66,0x0f,0x2e", 0, L_SS, K_NONE)                                                  \
    X(COMISS, "0x0f,0x2f", 0, L_SS, K_NONE)                                                        \
    X(COMISD, "0x66,0x0f,0x2f", 0, L_SS, K_NONE)                                                   \
    X(SQRTPS, "0x0f,0x51", 0, L_SS, K_NONE)                                                        \
    X(SQRTPD, "0x66,0x0f,0x51", 0, L_SS, K_NONE)                                                   \
    X(SQRTSS, "0xf3,0x0f,0x51", 0, L_SS, K_NONE)                                                   \
    X(SQRTSD, "0xf2,0x0f,0x51", 0, L_SS, K_NONE)                                                   \
    X(RSQRTPS, "0x0f,0x52", 0, L_SS, K_NONE)                                                       \
    X(RSQRTSS, "0xf3,0x0f,0x52", 0, L_SS, K_NONE)                                                  \
    X(RCPPS, "0x0f,0x53", 0, L_SS, K_NONE)                                                         \
    X(RCPSS, "0xf3,0x0f,0x53", 0, L_SS, K_NONE)                                                    \
    X(ADDPS, "0x0f,0x58", 0, L_PS, K_ADD)                                                          \
    X(ADDPD, "0x66,0x0f,0x58", 0, L_PD, K_ADD)                                                     \
    X(ADDSS, "0xf3,0x0f,0x58", 0, L_SS, K_ADD)                                                     \
    X(ADDSD, "0xf2,0x0f,0x58", 0, L_SD, K_ADD)                                                     \
    X(MULPS, "0x0f,0x59", 0, L_PS, K_MUL)                                                          \
    X(MULPD, "0x66,0x0f,0x59", 0, L_PD, K_MUL)                                                     \
    X(MULSS, "0xf3,0x0f,0x59", 0, L_SS, K_MUL)                                                     \
    X(MULSD, "0xf2,0x0f,0x59", 0, L_SD, K_MUL)                                                     \
    X(CVTPS2PD, "0x0f,0x5a", 0, L_SS, K_NONE)                                                      \
    X(CVTPD2PS, "0x66,0x0f,0x5a", 0, L_PD, K_CVT)                                                  \
    X(CVTSS2SD, "0xf3,0x0f,0x5a", 0, L_SS, K_NONE)                                                 \
    X(CVTSD2SS, "0xf2,0x0f,0x5a", 0, L_SD, K_CVT)                                                  \
    X(CVTDQ2PS, "0x0f,0x5b", 0, L_SS, K_NONE)                                                      \
    X(CVTPS2DQ, "0x66,0x0f,0x5b", 0, L_SS, K_NONE)                                                 \
    X(CVTTPS2DQ, "0xf3,0x0f,0x5b", 0, L_SS, K_NONE)                                                \
    X(SUBPS, "0x0f,0x5c", 0, L_PS, K_SUB)                                                          \
    X(SUBPD, "0x66,0x0f,0x5c", 0, L_PD, K_SUB)                                                     \
    X(SUBSS, "0xf3,0x0f,0x5c", 0, L_SS, K_SUB)                                                     \
    X(SUBSD, "0xf2,0x0f,0x5c", 0, L_SD, K_SUB)                                                     \
    X(MINPS, "0x0f,0x5d", 0, L_SS, K_NONE)                                                         \
    X(MINPD, "0x66,0x0f,0x5d", 0, L_SS, K_NONE)                                                    \
    X(MINSS, "0xf3,0x0f,0x5d", 0, L_SS, K_NONE)                                                    \
    X(MINSD, "0xf2,0x0f,0x5d", 0, L_SS, K_NONE)                                                    \
    X(DIVPS, "0x0f,0x5e", 0, L_PS, K_DIV)                                                          \
    X(DIVPD, "0x66,0x0f,0x5e", 0, L_PD, K_DIV)                                                     \
    X(DIVSS, "0xf3,0x0f,0x5e", 0, L_SS, K_DIV)                                                     \
    X(DIVSD, "0xf2,0x0f,0x5e", 0, L_SD, K_DIV)                                                     \
    X(MAXPS, "0x0f,0x5f", 0, L_SS, K_NONE)                                                         \
    X(MAXPD, "0x66,0x0f,0x5f", 0, L_SS, K_NONE)                                                    \
    X(MAXSS, "0xf3,0x0f,0x5f", 0, L_SS, K_NONE)                                                    \
    X(MAXSD, "0xf2,0x0f,0x5f", 0, L_SS, K_NONE)                                                    \
    X(HADDPD, "0x66,0x0f,0x7c", 0, L_HPD, K_ADD)                                                   \
    X(HADDPS, "0xf2,0x0f,0x7c", 0, L_HPS, K_ADD)                                                   \
    X(HSUBPD, "0x66,0x0f,0x7d", 0, L_HPD, K_SUB)                                                   \
    X(HSUBPS, "0xf2,0x0f,0x7d", 0, L_HPS, K_SUB)                                                   \
    X(CMPPS, "0x0f,0xc2", 8, L_SS, K_NONE)                                                         \
    X(CMPPD, "0x66,0x0f,0xc2", 8, L_SS, K_NONE)                                                    \
    X(CMPSS, "0xf3,0x0f,0xc2", 8, L_SS, K_NONE)                                                    \
    X(CMPSD, "0xf2,0x0f,0xc2", 8, L_SS, K_NONE)                                                    \
    X(ADDSUBPD, "0x66,0x0f,0xd0", 0, L_PD, K_ADDSUB)                                               \
    X(ADDSUBPS, "0xf2,0x0f,0xd0", 0, L_PS, K_ADDSUB)                                               \
    X(CVTTPD2DQ, "0x66,0x0f,0xe6", 0, L_SS, K_NONE)                                                \
    X(CVTDQ2PD, "0xf3,0x0f,0xe6", 0, L_SS, K_NONE)                                                 \
    X(CVTPD2DQ, "0xf2,0x0f,0xe6", 0, L_SS, K_NONE)                                                 \
    X(ROUNDPS, "0x66,0x0f,0x3a,0x08", 16, L_SS, K_NONE)                                            \
    X(ROUNDPD, "0x66,0x0f,0x3a,0x09", 16, L_SS, K_NONE)                                            \
    X(ROUNDSS, "0x66,0x0f,0x3a,0x0a", 16, L_SS, K_NONE)                                            \
    X(ROUNDSD, "0x66,0x0f,0x3a,0x0b", 16, L_SS, K_NONE)                                            \
    X(DPPS, "0x66,0x0f,0x3a,0x40", 256, L_SS, K_DP)                                                \
    X(DPPD, "0x66,0x0f,0x3a,0x41", 256, L_SD, K_DP)

#define SSE_HOST_ENUM(name, bytes, nimm, lanes, kind) HOP_##name,
enum { SSE_HOST_OPS(SSE_HOST_ENUM) HOP_COUNT };
#undef SSE_HOST_ENUM

/* One host run: inputs and outputs of the stub. */
typedef struct SSEFpRun {
    XMMReg d;                /* in/out: XMM0 (the destination register) */
    XMMReg s;                /* in: the source operand ([rsi]) */
    uint64_t rax;            /* in/out: RAX (CVTSI2SS source is in s; CVTSS2SI result) */
    uint32_t rflags;         /* out: EFLAGS (COMISS) */
    uint32_t flags;          /* out: MXCSR flags for the guest */
    bool fault;              /* out: an unmasked exception: nothing may be written */
} SSEFpRun;

/* Run host op hop under guest MXCSR mxcsr and work out the guest response:
 * r->flags are the flags the guest MXCSR receives in either case. */
void sse_fp_run(unsigned hop, uint8_t imm, uint32_t mxcsr, SSEFpRun *r);
/* sse_fp_run() on d and src, then commit: *d and the MXCSR flags on
 * success; only the flags, and the return value 19/6, on a fault. */
int sse_fp_commit(SSEExec *x, unsigned hop, XMMReg *d, const XMMReg *src);
/* The exception code for an unmasked SIMD FP exception (19, or 6 without
 * CR4.OSXMMEXCPT). */
int sse_fp_fault(SSEExec *x, uint32_t flags);

/* ---- handlers ---- */

/* sse-float.c */
SSEHandler sse_op_fp, sse_op_comis, sse_op_dpps, sse_op_dppd;
/* sse-convert.c */
SSEHandler sse_op_cvtpi2ps, sse_op_cvtpi2pd, sse_op_cvtsi2sx, sse_op_cvt2pi, sse_op_cvt2si;
/* sse-move.c */
SSEHandler sse_op_mov_load, sse_op_mov_store, sse_op_movlhps, sse_op_movhps_store;
SSEHandler sse_op_movdup, sse_op_movmsk, sse_op_movd_load, sse_op_movd_store, sse_op_movq_load;
SSEHandler sse_op_movq2dq, sse_op_movdq2q, sse_op_maskmov, sse_op_shuf;
SSEHandler sse_op_packed, sse_op_packed_alias;
/* sse4.c */
SSEHandler sse_op_blend, sse_op_blendv, sse_op_ptest, sse_op_pmovx, sse_op_int41;
SSEHandler sse_op_phminposuw, sse_op_mpsadbw, sse_op_pextr, sse_op_pinsr, sse_op_extractps;
SSEHandler sse_op_insertps;
/* sse-string.c */
SSEHandler sse_op_pcmpstr;
/* sse-crypto.c */
SSEHandler sse_op_aes, sse_op_aesimc, sse_op_aeskeygen, sse_op_pclmul;
/* sse-bits.c */
SSEHandler sse_op_popcnt, sse_op_lzcnt, sse_op_tzcnt, sse_op_crc32;

/* The destination register ModRM.reg. */
static inline XMMReg *sse_dst(SSEExec *x) { return &x->s->xmm[x->reg]; }

/* EFLAGS arithmetic bits */
enum {
    SSE_CF = 1u << 0, SSE_PF = 1u << 2, SSE_AF = 1u << 4, SSE_ZF = 1u << 6, SSE_SF = 1u << 7,
    SSE_OF = 1u << 11, SSE_ARITH = 0x8d5,
};

static inline void sse_set_eflags(SSEExec *x, uint32_t bits)
{
    x->op->eflags = (x->op->eflags & ~SSE_ARITH) | (bits & SSE_ARITH);
}

#endif
