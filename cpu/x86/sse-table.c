/* SPDX-License-Identifier: MIT */
/*
 * SSE opcode tables: 0F, 0F 38 and 0F 3A by mandatory prefix.
 *
 * One entry per (map, opcode, prefix): handler, operand kinds, memory
 * operand size, alignment and CPUID feature, from the instruction pages and
 * opcode maps of Intel SDM Vol 2 (Appendix A, Tables ). Memory
 * operands of 16 bytes must be aligned except for MOVUPS/UPD, MOVDQU,
 * LDDQU and PCMPxSTRx (Vol 1 §11.6.7, §12.10.3). The SSE2 packed-integer
 * forms (66 prefix) are whatever packed_lookup() implements.
 */
#include "sse-int.h"

enum { P_NONE, P_66, P_F3, P_F2 };

#define F(name) SSE_F_##name
#define ENT(fn_, fl, how_, sz, feat, arg_)                                                         \
    { .fn = sse_op_##fn_, .flags = (fl), .how = (how_), .size = (sz), .feature = F(feat),         \
      .arg = (arg_) }
/* a load of sz bytes; 16-byte operands must be aligned */
#define LD(sz) (SSE_I_LOAD | ((sz) == 16 ? SSE_I_ALIGN : 0))
#define LDU SSE_I_LOAD
#define ST SSE_I_STORE
#define STA (SSE_I_STORE | SSE_I_ALIGN)
#define I8 SSE_I_IMM8
#define FPX SSE_I_FP
#define GPR_IN (SSE_I_LOAD | SSE_I_RM_GPR)
#define GPR_OUT (SSE_I_STORE | SSE_I_RM_GPR)

/* floating point on the host */
#define FP(hop, sz, feat) ENT(fp, LD(sz) | FPX, 0, sz, feat, HOP_##hop)
#define FPI(hop, sz, feat) ENT(fp, LD(sz) | FPX | I8, 0, sz, feat, HOP_##hop)
#define ARITH(x)                                                                                   \
    { FP(x##PS, 16, SSE), FP(x##PD, 16, SSE2), FP(x##SS, 4, SSE), FP(x##SD, 8, SSE2) }
/* packed integer (packed_lookup) */
#define PK(feat) ENT(packed, LD(16), 0, 16, feat, 0)
#define PKI(feat) ENT(packed, LD(16) | I8, 0, 16, feat, 0)
#define ALIAS(opc, feat) ENT(packed_alias, LD(16), 0, 16, feat, opc)
/* MOVxPS/PD/DQA/DQU/SS/SD: arg is the moved size */
#define MOVL(fl, how, sz, feat) ENT(mov_load, fl, how, sz, feat, sz)
#define MOVS(fl, how, sz, feat) ENT(mov_store, fl, how, sz, feat, sz)
#define LOGIC(opc) { ALIAS(opc, SSE), ALIAS(opc, SSE2) }
#define CVT2SI(hs, hd)                                                                             \
    ENT(cvt2si, LDU | SSE_I_REG_GPR | FPX, H_GPR_W, 4, SSE, HOP_##hs),                             \
        ENT(cvt2si, LDU | SSE_I_REG_GPR | FPX, H_GPR_W, 8, SSE2, HOP_##hd)
#define BITS(fn, feat)                                                                             \
    { [P_F3] = ENT(fn, SSE_I_NOSSE | GPR_IN | SSE_I_REG_GPR | SSE_I_EFLAGS,                       \
                   H_MEM_OSIZE | H_GPR_OSIZE, 4, feat, 0) }

static const SSEEntry map_0f[256][4] = {
    [0x10] = { MOVL(LDU, 0, 16, SSE), MOVL(LDU, 0, 16, SSE2), MOVL(LDU, 0, 4, SSE),
               MOVL(LDU, 0, 8, SSE2) },
    [0x11] = { MOVS(ST, 0, 16, SSE), MOVS(ST, 0, 16, SSE2), MOVS(ST, 0, 4, SSE),
               MOVS(ST, 0, 8, SSE2) },
    [0x12] = { ENT(movlhps, LDU, 0, 8, SSE, 0), ENT(movlhps, LDU, H_MEM_ONLY, 8, SSE2, 0),
               ENT(movdup, LD(16), 0, 16, SSE3, 0), ENT(movdup, LDU, 0, 8, SSE3, 2) },
    [0x13] = { MOVS(ST, H_MEM_ONLY, 8, SSE), MOVS(ST, H_MEM_ONLY, 8, SSE2) },
    [0x14] = { ALIAS(0x0f62, SSE), ALIAS(0x0f6c, SSE2) },
    [0x15] = { ALIAS(0x0f6a, SSE), ALIAS(0x0f6d, SSE2) },
    [0x16] = { ENT(movlhps, LDU, 0, 8, SSE, 1), ENT(movlhps, LDU, H_MEM_ONLY, 8, SSE2, 1),
               ENT(movdup, LD(16), 0, 16, SSE3, 1) },
    [0x17] = { ENT(movhps_store, ST, H_MEM_ONLY, 8, SSE, 0),
               ENT(movhps_store, ST, H_MEM_ONLY, 8, SSE2, 0) },
    [0x28] = { MOVL(LD(16), 0, 16, SSE), MOVL(LD(16), 0, 16, SSE2) },
    [0x29] = { MOVS(STA, 0, 16, SSE), MOVS(STA, 0, 16, SSE2) },
    [0x2a] = { ENT(cvtpi2ps, LDU | FPX, H_RM_MMX, 8, SSE, 0),
               ENT(cvtpi2pd, LDU, H_RM_MMX, 8, SSE2, 0),
               ENT(cvtsi2sx, GPR_IN | FPX, H_MEM_W, 4, SSE, HOP_CVTSI2SS),
               ENT(cvtsi2sx, GPR_IN | FPX, H_MEM_W, 4, SSE2, HOP_CVTSI2SD) },
    [0x2b] = { MOVS(STA, H_MEM_ONLY, 16, SSE), MOVS(STA, H_MEM_ONLY, 16, SSE2) },
    [0x2c] = { ENT(cvt2pi, LDU | FPX, H_REG_MMX, 8, SSE, HOP_CVTTPS2DQ),
               ENT(cvt2pi, LD(16) | FPX, H_REG_MMX, 16, SSE2, HOP_CVTTPD2DQ),
               CVT2SI(CVTTSS2SI, CVTTSD2SI) },
    [0x2d] = { ENT(cvt2pi, LDU | FPX, H_REG_MMX, 8, SSE, HOP_CVTPS2DQ),
               ENT(cvt2pi, LD(16) | FPX, H_REG_MMX, 16, SSE2, HOP_CVTPD2DQ),
               CVT2SI(CVTSS2SI, CVTSD2SI) },
    [0x2e] = { ENT(comis, LDU | SSE_I_EFLAGS | FPX, 0, 4, SSE, HOP_UCOMISS),
               ENT(comis, LDU | SSE_I_EFLAGS | FPX, 0, 8, SSE2, HOP_UCOMISD) },
    [0x2f] = { ENT(comis, LDU | SSE_I_EFLAGS | FPX, 0, 4, SSE, HOP_COMISS),
               ENT(comis, LDU | SSE_I_EFLAGS | FPX, 0, 8, SSE2, HOP_COMISD) },
    [0x50] = { ENT(movmsk, SSE_I_REG_GPR, H_REG_ONLY, 0, SSE, 4),
               ENT(movmsk, SSE_I_REG_GPR, H_REG_ONLY, 0, SSE2, 8) },
    [0x51] = ARITH(SQRT),
    [0x52] = { FP(RSQRTPS, 16, SSE), [P_F3] = FP(RSQRTSS, 4, SSE) },
    [0x53] = { FP(RCPPS, 16, SSE), [P_F3] = FP(RCPSS, 4, SSE) },
    [0x54] = LOGIC(0x0fdb),
    [0x55] = LOGIC(0x0fdf),
    [0x56] = LOGIC(0x0feb),
    [0x57] = LOGIC(0x0fef),
    [0x58] = ARITH(ADD),
    [0x59] = ARITH(MUL),
    [0x5a] = { FP(CVTPS2PD, 8, SSE2), FP(CVTPD2PS, 16, SSE2), FP(CVTSS2SD, 4, SSE2),
               FP(CVTSD2SS, 8, SSE2) },
    [0x5b] = { FP(CVTDQ2PS, 16, SSE2), FP(CVTPS2DQ, 16, SSE2), FP(CVTTPS2DQ, 16, SSE2) },
    [0x5c] = ARITH(SUB),
    [0x5d] = ARITH(MIN),
    [0x5e] = ARITH(DIV),
    [0x5f] = ARITH(MAX),
    [0x60 ... 0x6d] = { [P_66] = PK(SSE2) },
    [0x6e] = { [P_66] = ENT(movd_load, GPR_IN, H_MEM_W, 4, SSE2, 0) },
    [0x6f] = { [P_66] = MOVL(LD(16), 0, 16, SSE2), [P_F3] = MOVL(LDU, 0, 16, SSE2) },
    [0x70] = { [P_66] = PKI(SSE2), [P_F3] = PKI(SSE2), [P_F2] = PKI(SSE2) },
    [0x71 ... 0x73] = { [P_66] = ENT(packed, I8, H_REG_ONLY | H_GROUP, 0, SSE2, 0) },
    [0x74 ... 0x76] = { [P_66] = PK(SSE2) },
    [0x7c] = { [P_66] = FP(HADDPD, 16, SSE3), [P_F2] = FP(HADDPS, 16, SSE3) },
    [0x7d] = { [P_66] = FP(HSUBPD, 16, SSE3), [P_F2] = FP(HSUBPS, 16, SSE3) },
    [0x7e] = { [P_66] = ENT(movd_store, GPR_OUT, H_MEM_W | H_GPR_W, 4, SSE2, 0),
               [P_F3] = ENT(movq_load, LDU, 0, 8, SSE2, 0) },
    [0x7f] = { [P_66] = MOVS(STA, 0, 16, SSE2), [P_F3] = MOVS(ST, 0, 16, SSE2) },
    [0xb8] = BITS(popcnt, POPCNT),
    [0xbc] = BITS(tzcnt, BMI1),
    [0xbd] = BITS(lzcnt, LZCNT),
    [0xc2] = { FPI(CMPPS, 16, SSE), FPI(CMPPD, 16, SSE2), FPI(CMPSS, 4, SSE),
               FPI(CMPSD, 8, SSE2) },
    [0xc4] = { [P_66] = ENT(packed, GPR_IN | I8, 0, 2, SSE2, 0) },
    [0xc5] = { [P_66] = ENT(packed, SSE_I_REG_GPR | I8, H_REG_ONLY, 0, SSE2, 0) },
    [0xc6] = { ENT(shuf, LD(16) | I8, 0, 16, SSE, 4), ENT(shuf, LD(16) | I8, 0, 16, SSE2, 8) },
    [0xd0] = { [P_66] = FP(ADDSUBPD, 16, SSE3), [P_F2] = FP(ADDSUBPS, 16, SSE3) },
    [0xd1 ... 0xd5] = { [P_66] = PK(SSE2) },
    [0xd6] = { [P_66] = ENT(mov_store, ST, 0, 8, SSE2, 8 | SSE_MOV_ZX),
               [P_F3] = ENT(movq2dq, 0, H_REG_ONLY | H_RM_MMX, 0, SSE2, 0),
               [P_F2] = ENT(movdq2q, 0, H_REG_ONLY | H_REG_MMX, 0, SSE2, 0) },
    [0xd7] = { [P_66] = ENT(packed, SSE_I_REG_GPR, H_REG_ONLY, 0, SSE2, 0) },
    [0xd8 ... 0xe5] = { [P_66] = PK(SSE2) },
    [0xe6] = { [P_66] = FP(CVTTPD2DQ, 16, SSE2), [P_F3] = FP(CVTDQ2PD, 8, SSE2),
               [P_F2] = FP(CVTPD2DQ, 16, SSE2) },
    [0xe7] = { [P_66] = MOVS(STA, H_MEM_ONLY, 16, SSE2) },
    [0xe8 ... 0xef] = { [P_66] = PK(SSE2) },
    [0xf0] = { [P_F2] = MOVL(LDU, H_MEM_ONLY, 16, SSE3) },
    [0xf1 ... 0xf6] = { [P_66] = PK(SSE2) },
    [0xf7] = { [P_66] = ENT(maskmov, SSE_I_MASKMOV, H_REG_ONLY, 0, SSE2, 0) },
    [0xf8 ... 0xfe] = { [P_66] = PK(SSE2) },
};

#define S41(fn, sz) { [P_66] = ENT(fn, LD(sz), 0, sz, SSE41, 0) }
#define PMOVX(sz) { [P_66] = ENT(pmovx, LDU, 0, sz, SSE41, 0) }

static const SSEEntry map_38[256][4] = {
    [0x00 ... 0x0b] = { [P_66] = PK(SSSE3) },
    [0x10] = { [P_66] = ENT(blendv, LD(16), 0, 16, SSE41, 1) },
    [0x14] = { [P_66] = ENT(blendv, LD(16), 0, 16, SSE41, 4) },
    [0x15] = { [P_66] = ENT(blendv, LD(16), 0, 16, SSE41, 8) },
    [0x17] = { [P_66] = ENT(ptest, LD(16) | SSE_I_EFLAGS, 0, 16, SSE41, 0) },
    [0x1c ... 0x1e] = { [P_66] = PK(SSSE3) },
    [0x20] = PMOVX(8), [0x21] = PMOVX(4), [0x22] = PMOVX(2),
    [0x23] = PMOVX(8), [0x24] = PMOVX(4), [0x25] = PMOVX(8),
    [0x28] = S41(int41, 16), [0x29] = S41(int41, 16),
    [0x2a] = { [P_66] = MOVL(LD(16), H_MEM_ONLY, 16, SSE41) },
    [0x2b] = S41(int41, 16),
    [0x30] = PMOVX(8), [0x31] = PMOVX(4), [0x32] = PMOVX(2),
    [0x33] = PMOVX(8), [0x34] = PMOVX(4), [0x35] = PMOVX(8),
    [0x37] = { [P_66] = ENT(int41, LD(16), 0, 16, SSE42, 0) },
    [0x38 ... 0x40] = S41(int41, 16),
    [0x41] = S41(phminposuw, 16),
    [0xdb] = { [P_66] = ENT(aesimc, LD(16), 0, 16, AES, 0) },
    [0xdc ... 0xdf] = { [P_66] = ENT(aes, LD(16), 0, 16, AES, 0) },
    [0xf0] = { [P_F2] = ENT(crc32, SSE_I_NOSSE | GPR_IN | SSE_I_RM_BYTE | SSE_I_REG_GPR |
                                       SSE_I_REG_GPR_IN, H_GPR_W, 1, SSE42, 0) },
    [0xf1] = { [P_F2] = ENT(crc32, SSE_I_NOSSE | GPR_IN | SSE_I_REG_GPR | SSE_I_REG_GPR_IN,
                            H_MEM_OSIZE | H_GPR_W, 4, SSE42, 0) },
};

#define S41I(fn, fl, how, sz, arg) { [P_66] = ENT(fn, (fl) | I8, how, sz, SSE41, arg) }
#define PCMPSTR(fl) { [P_66] = ENT(pcmpstr, LDU | I8 | SSE_I_EFLAGS | (fl), 0, 16, SSE42, 0) }

static const SSEEntry map_3a[256][4] = {
    [0x08] = { [P_66] = FPI(ROUNDPS, 16, SSE41) },
    [0x09] = { [P_66] = FPI(ROUNDPD, 16, SSE41) },
    [0x0a] = { [P_66] = FPI(ROUNDSS, 4, SSE41) },
    [0x0b] = { [P_66] = FPI(ROUNDSD, 8, SSE41) },
    [0x0c ... 0x0e] = S41I(blend, LD(16), 0, 16, 0),
    [0x0f] = { [P_66] = PKI(SSSE3) },
    [0x14] = S41I(pextr, GPR_OUT, 0, 1, 1),
    [0x15] = S41I(pextr, GPR_OUT, 0, 2, 2),
    [0x16] = S41I(pextr, GPR_OUT, H_MEM_W | H_GPR_W, 4, 4),
    [0x17] = S41I(extractps, GPR_OUT, 0, 4, 0),
    [0x20] = S41I(pinsr, GPR_IN, 0, 1, 1),
    [0x21] = S41I(insertps, LDU, 0, 4, 0),
    [0x22] = S41I(pinsr, GPR_IN, H_MEM_W, 4, 4),
    [0x40] = { [P_66] = ENT(dpps, LD(16) | I8 | FPX, 0, 16, SSE41, 0) },
    [0x41] = { [P_66] = ENT(dppd, LD(16) | I8 | FPX, 0, 16, SSE41, 0) },
    [0x42] = S41I(mpsadbw, LD(16), 0, 16, 0),
    [0x44] = { [P_66] = ENT(pclmul, LD(16) | I8, 0, 16, PCLMUL, 0) },
    [0x60] = PCMPSTR(SSE_I_RAX_RDX_IN),
    [0x61] = PCMPSTR(SSE_I_RAX_RDX_IN | SSE_I_ECX_OUT),
    [0x62] = PCMPSTR(0),
    [0x63] = PCMPSTR(SSE_I_ECX_OUT),
    [0xdf] = { [P_66] = ENT(aeskeygen, LD(16) | I8, 0, 16, AES, 0) },
};

static int prefix_index(uint8_t prefix)
{
    switch (prefix) {
    case 0x66: return P_66;
    case 0xf3: return P_F3;
    case 0xf2: return P_F2;
    case 0: return P_NONE;
    default: return -1;
    }
}

const SSEEntry *sse_lookup(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t modrm)
{
    int p = prefix_index(prefix);
    const SSEEntry *e;

    if (p < 0)
        return NULL;
    switch (map) {
    case 1: e = &map_0f[opcode][p]; break;
    case 2: e = &map_38[opcode][p]; break;
    case 3: e = &map_3a[opcode][p]; break;
    default: return NULL;
    }
    if (!e->fn)
        return NULL;
    if ((e->how & H_GROUP) && !packed_lookup(0x0f00 | opcode, prefix, (modrm >> 3) & 7))
        return NULL;
    return e;
}
