/* SPDX-License-Identifier: MIT */
/*
 * SSE engine: XMM registers, MXCSR and every SSE to SSE4.2 data operation.
 *
 * Models the SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 instructions that
 * operate on XMM registers (Intel SDM Vol 1 ch 10-12, Vol 2 per
 * instruction), plus the GPR-only POPCNT, LZCNT, TZCNT and CRC32, AES-NI
 * and PCLMULQDQ. Floating point is bit-exact with the host processor: the
 * guest instruction runs on the host under the guest's MXCSR (rounding,
 * DAZ, FTZ) with every exception masked, and the engine derives from the
 * host's flags what the guest's exception masks make of them (sse-host.c).
 * That ties the engine to x86-64 hosts (RCPPS/RSQRTPS approximations are
 * even the host's own); a softfloat unit behind the same stubs is future
 * work. Integer, string, crypto and move operations are plain C, so their
 * results do not depend on the host. The packed-integer operations shared
 * with MMX come from packed_lookup() (mmx.h).
 *
 * How the CPU core calls the SSE engine
 * -------------------------------------
 * 1. State. Embed one SSEState (replacing xmm[16][16]/mxcsr) in
 *    CPUX86State. sse_reset() at RESET (XMM 0, MXCSR 1F80h); INIT leaves
 *    XMM and MXCSR alone (SDM Vol 1 §11.6.4).
 *
 * 2. Decode. For every 0F, 0F 38 and 0F 3A opcode the core does not
 *    execute itself, ask sse_insn_info(map, opcode, prefix, modrm, rex_w,
 *    osize) at decode time (the answer depends only on those). It never
 *    claims the no-prefix MMX forms (0F 60-7F, C4, C5, D1-FF, 0F 38 00-1E,
 *    0F 3A 0F: mmx.c), MOVBE, ADCX/ADOX, MOVNTI, the 0F AE group or
 *    BSF/BSR; it does claim F3 0F B8/BC/BD and F2 0F 38 F0/F1.
 *    - prefix is the mandatory prefix: the last F2/F3 prefix if any, else
 *      66 if present, else 0 (as the hardware decodes: F3 66 0F 58 is
 *      ADDSS, F2 F3 0F 58 is ADDSS, F3 F2 0F 58 is ADDSD).
 *    - osize is the integer operand size in bytes (2, 4, 8) from CS.D, a
 *      66 prefix and REX.W, as for any integer instruction; rex_w and the
 *      REX.R/REX.B register bits only exist in 64-bit mode.
 *    - SSE_I_IMM8: an imm8 follows the ModRM byte (always for 0F 3A).
 *    - SSE_I_UD: no such instruction, or a register/memory form that does
 *      not exist -> #UD. A LOCK prefix -> #UD.
 *
 * 3. Checks, in this order (SDM Vol 2 §2.4 exception classes):
 *    - Without SSE_I_NOSSE: CPUID lacks info.feature (SSEFeature lists the
 *      bits), CR0.EM = 1 or CR4.OSFXSR = 0 -> #UD; then CR0.TS = 1 -> #NM;
 *      then with SSE_I_MMX (the form reads or writes an MMX register:
 *      CVTPI2PS/PD from an MMX register, CVT(T)PS2PI, CVT(T)PD2PI,
 *      MOVQ2DQ, MOVDQ2Q): x87_pending_exception() -> #MF (CR0.NE=1) or
 *      FERR#, as for MMX.
 *    - With SSE_I_NOSSE (POPCNT, LZCNT, TZCNT, CRC32: no SSE state, no
 *      CR0/CR4 checks): CPUID lacks info.feature -> F3 0F BC/BD execute
 *      as BSF/BSR (the F3 is ignored), F3 0F B8 and CRC32 are #UD.
 *    - A memory operand (mod != 3) with SSE_I_ALIGN whose effective
 *      address is not 16-byte aligned -> #GP(0). Segment limits and pages
 *      as usual for info.mem_size bytes; probe a store (SSE_I_STORE) for
 *      writability before anything changes.
 *
 * 4. Fill an SSEOp: map, opcode, prefix, modrm, reg/rm (the ModRM fields
 *    with REX.R/REX.B: DecodedInsn regn/rmn), imm, rex_w, osize,
 *    osxmmexcpt = CR4.OSXMMEXCPT, and the inputs:
 *    - mod != 3 and SSE_I_LOAD: the info.mem_size bytes at the effective
 *      address in op.src (little-endian, the rest zero).
 *    - mod == 3, SSE_I_RM_GPR and not SSE_I_STORE: the GPR ModRM.rm in
 *      op.src.q[0] (the whole register; with SSE_I_RM_BYTE it is a byte
 *      register: AH/CH/DH/BH for rm 4-7 without REX, as for any r/m8).
 *    - SSE_I_REG_GPR_IN: the GPR ModRM.reg in op.gpr (CRC32 accumulator).
 *    - SSE_I_RAX_RDX_IN: RAX and RDX in op.rax, op.rdx (PCMPESTRx).
 *    - SSE_I_EFLAGS: the current EFLAGS in op.eflags.
 *    XMM and MMX register operands, and XMM0 for BLENDVPS/PD, PBLENDVB,
 *    are read by the engine itself.
 *
 * 5. r = sse_exec(&env->sse, &env->fpu, &op) is 0, 6 (#UD) or 19 (#XM: an
 *    unmasked SIMD floating-point exception with osxmmexcpt; without it
 *    the engine returns 6, SDM Vol 3A §6.15 interrupt 19). On r != 0 write
 *    nothing and raise the exception: the engine has only set the MXCSR
 *    flags of the unmasked exception (and made the x87-to-MMX transition
 *    of an MMX form), as the hardware does.
 *
 * 6. Outputs on r == 0 (XMM and MMX destinations are already written):
 *    - mod != 3 and SSE_I_STORE: store info.mem_size bytes of op.result.
 *    - mod == 3, SSE_I_RM_GPR and SSE_I_STORE: op.result.q[0] to the GPR
 *      ModRM.rm, a write of info.gpr_size bytes (4 zero-extends in 64-bit
 *      mode).
 *    - SSE_I_REG_GPR: op.result.q[0] to the GPR ModRM.reg, info.gpr_size
 *      bytes (2 keeps the upper bits, as a 16-bit write does).
 *    - SSE_I_ECX_OUT: op.ecx to ECX, a 32-bit write (PCMPxSTRI).
 *    - SSE_I_EFLAGS: CF, PF, AF, ZF, SF and OF from op.eflags (the engine
 *      computes all six; other bits are unchanged).
 *    - SSE_I_MASKMOV (MASKMOVDQU): byte i of op.result to DS:rDI + i
 *      (segment override allowed) for each bit i set in op.mask.
 *
 * 7. LDMXCSR/STMXCSR (0F AE /2, /3) and FXSAVE/FXRSTOR stay with the core,
 *    which does their checks and calls sse_ldmxcsr() (false -> #GP(0):
 *    reserved bits), sse_fxsave() and sse_fxrstor() (false -> #GP(0),
 *    before anything changes). XSAVE component 1 (SSE) is the same XMM
 *    bytes of the legacy area; MXCSR goes with components 1 and 2, and the
 *    SSE init state is XMM zero.
 */
#ifndef CPU_X86_SSE_H
#define CPU_X86_SSE_H

#include "x87.h"

/* MXCSR (SDM Vol 1 Fig 10-3) */
enum {
    SSE_MXCSR_IE = 1u << 0,      /* invalid operation */
    SSE_MXCSR_DE = 1u << 1,      /* denormal operand */
    SSE_MXCSR_ZE = 1u << 2,      /* divide by zero */
    SSE_MXCSR_OE = 1u << 3,      /* overflow */
    SSE_MXCSR_UE = 1u << 4,      /* underflow */
    SSE_MXCSR_PE = 1u << 5,      /* precision */
    SSE_MXCSR_DAZ = 1u << 6,     /* denormals are zeros */
    SSE_MXCSR_IM = 1u << 7,      /* exception masks: IM, DM, ZM, OM, UM, PM */
    SSE_MXCSR_DM = 1u << 8,
    SSE_MXCSR_ZM = 1u << 9,
    SSE_MXCSR_OM = 1u << 10,
    SSE_MXCSR_UM = 1u << 11,
    SSE_MXCSR_PM = 1u << 12,
    SSE_MXCSR_RC = 3u << 13,     /* rounding: 0 nearest, 1 down, 2 up, 3 toward zero */
    SSE_MXCSR_FZ = 1u << 15,     /* flush to zero */
    SSE_MXCSR_FLAGS = 0x3f,
    SSE_MXCSR_MASKS = 0x3f << 7,
    SSE_MXCSR_WRITABLE = 0xffff, /* MXCSR_MASK in the FXSAVE image (DAZ supported) */
    SSE_MXCSR_RESET = 0x1f80,
};

typedef union XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    float f[4];
    double fd[2];
} XMMReg;

typedef struct SSEState {
    XMMReg xmm[16];              /* XMM0-XMM15 (XMM8-15 only in 64-bit mode) */
    uint32_t mxcsr;              /* control/status */
} SSEState;

/* CPUID bit an instruction needs (SSEInfo.feature). */
typedef enum SSEFeature {
    SSE_F_NONE,
    SSE_F_SSE,                   /* CPUID.1:EDX[25] */
    SSE_F_SSE2,                  /* CPUID.1:EDX[26] */
    SSE_F_SSE3,                  /* CPUID.1:ECX[0] */
    SSE_F_SSSE3,                 /* CPUID.1:ECX[9] */
    SSE_F_SSE41,                 /* CPUID.1:ECX[19] */
    SSE_F_SSE42,                 /* CPUID.1:ECX[20] (PCMPxSTRx, PCMPGTQ, CRC32) */
    SSE_F_POPCNT,                /* CPUID.1:ECX[23] */
    SSE_F_AES,                   /* CPUID.1:ECX[25] */
    SSE_F_PCLMUL,                /* CPUID.1:ECX[1] */
    SSE_F_LZCNT,                 /* CPUID.80000001h:ECX[5] (ABM) */
    SSE_F_BMI1,                  /* CPUID.(7,0):EBX[3] (TZCNT) */
} SSEFeature;

/* SSEInfo.flags */
enum {
    SSE_I_UD = 1u << 0,          /* #UD: no such instruction or operand form */
    SSE_I_IMM8 = 1u << 1,        /* an imm8 follows the ModRM byte */
    SSE_I_LOAD = 1u << 2,        /* mod != 3: the memory operand is read (op.src) */
    SSE_I_STORE = 1u << 3,       /* the r/m operand is written (memory or GPR: op.result) */
    SSE_I_ALIGN = 1u << 4,       /* mod != 3: #GP(0) unless 16-byte aligned */
    SSE_I_RM_GPR = 1u << 5,      /* mod == 3: ModRM.rm is a GPR */
    SSE_I_RM_BYTE = 1u << 6,     /* ... a byte register (r/m8, CRC32 F0) */
    SSE_I_REG_GPR = 1u << 7,     /* op.result goes to GPR ModRM.reg */
    SSE_I_REG_GPR_IN = 1u << 8,  /* GPR ModRM.reg is also an input (op.gpr) */
    SSE_I_MMX = 1u << 9,         /* the form uses an MMX register: x87-to-MMX transition */
    SSE_I_EFLAGS = 1u << 10,     /* CF PF AF ZF SF OF <- op.eflags */
    SSE_I_ECX_OUT = 1u << 11,    /* ECX <- op.ecx */
    SSE_I_RAX_RDX_IN = 1u << 12, /* op.rax, op.rdx are inputs */
    SSE_I_MASKMOV = 1u << 13,    /* MASKMOVDQU: masked store to DS:rDI */
    SSE_I_FP = 1u << 14,         /* may raise SIMD floating-point exceptions */
    SSE_I_NOSSE = 1u << 15,      /* touches no SSE state: no CR0/CR4 checks */
};

typedef struct SSEInfo {
    uint32_t flags;              /* SSE_I_* */
    uint8_t mem_size;            /* memory operand bytes when mod != 3 (1-16) */
    uint8_t gpr_size;            /* GPR destination write size: 2, 4 or 8 */
    uint8_t feature;             /* SSEFeature */
} SSEInfo;

/* One instruction as the core hands it over (see the guide above). */
typedef struct SSEOp {
    uint8_t map;                 /* 1: 0F xx, 2: 0F 38 xx, 3: 0F 3A xx */
    uint8_t opcode;              /* the last opcode byte */
    uint8_t prefix;              /* mandatory prefix: 0, 0x66, 0xF3 or 0xF2 */
    uint8_t modrm;
    uint8_t reg, rm;             /* ModRM.reg and ModRM.rm with REX.R / REX.B */
    uint8_t imm;                 /* imm8 (SSE_I_IMM8) */
    bool rex_w;
    uint8_t osize;               /* integer operand size in bytes (2, 4, 8): POPCNT, LZCNT,
                                  * TZCNT, CRC32 r/m16-64 */
    bool osxmmexcpt;             /* CR4.OSXMMEXCPT */
    XMMReg src;                  /* in: memory operand or GPR ModRM.rm (q[0]) */
    uint64_t gpr;                /* in: GPR ModRM.reg (SSE_I_REG_GPR_IN) */
    uint64_t rax, rdx;           /* in: SSE_I_RAX_RDX_IN */
    uint32_t eflags;             /* in/out: SSE_I_EFLAGS */
    XMMReg result;               /* out: memory or GPR destination value */
    uint32_t ecx;                /* out: SSE_I_ECX_OUT */
    uint16_t mask;               /* out: MASKMOVDQU byte enables */
} SSEOp;

/* RESET: XMM 0, MXCSR 1F80h (INIT keeps both). */
void sse_reset(SSEState *s);
/* What an encoding is (see the guide); osize as in SSEOp. */
SSEInfo sse_insn_info(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t modrm, bool rex_w,
                      uint8_t osize);
/* Execute one instruction; returns 0, 6 (#UD) or 19 (#XM). */
int sse_exec(SSEState *s, X87State *x87, SSEOp *op);

/* LDMXCSR: false (state unchanged) when reserved bits are set: #GP(0). */
bool sse_ldmxcsr(SSEState *s, uint32_t val);
/* FXSAVE image bytes 24-31 (MXCSR, MXCSR_MASK) and XMM0..nxmm-1 at 160. */
void sse_fxsave(const SSEState *s, uint8_t img[512], unsigned nxmm);
/* FXRSTOR: false (state unchanged) when the image's MXCSR has reserved bits. */
bool sse_fxrstor(SSEState *s, const uint8_t img[512], unsigned nxmm);
/* Print MXCSR and XMM0..nxmm-1 (info registers). */
void sse_dump(const SSEState *s, unsigned nxmm, FILE *out);

#endif
