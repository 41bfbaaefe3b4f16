/* SPDX-License-Identifier: MIT */
/*
 * The opcode maps: one-byte, 0F, 0F 38 and 0F 3A.
 *
 * Each entry gives the operand format (what the decoder reads after the
 * opcode), flags (byte size, LOCK-able, 64-bit mode rules, block end, CPUID
 * gate) and the handler set. Group opcodes point to eight sub-entries
 * selected by ModRM.reg (sixteen for 0F 01 / 0F AE, whose register forms
 * differ). Empty entries are undefined opcodes (#UD). The SSE engine's
 * forms (sse.h) are looked up by the decoder before these tables, so the
 * MMX entries here see only the no-prefix forms.
 * Reference: Intel SDM vol. 2, appendix A "Opcode Map" (tables ).
 */
#include "ops.h"

#define E(f, fl, hs) { .fmt = (f), .flags = (fl), .h = &(hs) }
#define EG(f, fl, hs, w, b) { .fmt = (f), .flags = (fl), .h = &(hs), .feat_word = (w) + 1, .feat_bit = (b) }
#define GRP(tab) { .fmt = F_M, .flags = OF_GROUP, .h = (tab) }
#define GRP16(tab) { .fmt = F_M, .flags = OF_MOD3GRP, .h = (tab) }
#define UD { 0 }

#define B OF_BYTE
#define L OF_LOCK
#define END OF_END

/* ---- groups ---- */

#define GRP1(f, fl)                                                                               \
    {                                                                                             \
        E(f, (fl) | L, hs_add_ei), E(f, (fl) | L, hs_or_ei), E(f, (fl) | L, hs_adc_ei),           \
        E(f, (fl) | L, hs_sbb_ei), E(f, (fl) | L, hs_and_ei), E(f, (fl) | L, hs_sub_ei),          \
        E(f, (fl) | L, hs_xor_ei), E(f, (fl), hs_cmp_ei)                                          \
    }
static const OpEntry grp1_80[8] = GRP1(F_MIZ, B);
static const OpEntry grp1_81[8] = GRP1(F_MIZ, 0);
static const OpEntry grp1_82[8] = GRP1(F_MIZ, B | OF_INV64);
static const OpEntry grp1_83[8] = GRP1(F_MI8, 0);

static const OpEntry grp1a_8f[8] = { E(F_M, OF_DEF64, hs_pop_e) };

#define GRP2(f, fl, sfx)                                                                          \
    {                                                                                             \
        E(f, fl, hs_rol##sfx), E(f, fl, hs_ror##sfx), E(f, fl, hs_rcl##sfx),                      \
        E(f, fl, hs_rcr##sfx), E(f, fl, hs_shl##sfx), E(f, fl, hs_shr##sfx),                      \
        E(f, fl, hs_sal##sfx), E(f, fl, hs_sar##sfx)                                              \
    }
static const OpEntry grp2_c0[8] = GRP2(F_MIU8, B, );
static const OpEntry grp2_c1[8] = GRP2(F_MIU8, 0, );
static const OpEntry grp2_d0[8] = GRP2(F_M, B, 1);
static const OpEntry grp2_d1[8] = GRP2(F_M, 0, 1);
static const OpEntry grp2_d2[8] = GRP2(F_M, B, c);
static const OpEntry grp2_d3[8] = GRP2(F_M, 0, c);

static const OpEntry grp11_c6[8] = { E(F_MIZ, B, hs_mov_ei) };
static const OpEntry grp11_c7[8] = { E(F_MIZ, 0, hs_mov_ei) };

#define GRP3(fl)                                                                                  \
    {                                                                                             \
        E(F_MIZ, fl, hs_test_ei), E(F_MIZ, fl, hs_test_ei), E(F_M, (fl) | L, hs_not),             \
        E(F_M, (fl) | L, hs_neg), E(F_M, fl, hs_mul), E(F_M, fl, hs_imul1), E(F_M, fl, hs_div),   \
        E(F_M, fl, hs_idiv)                                                                       \
    }
static const OpEntry grp3_f6[8] = GRP3(B);
static const OpEntry grp3_f7[8] = GRP3(0);

static const OpEntry grp4_fe[8] = { E(F_M, B | L, hs_inc), E(F_M, B | L, hs_dec) };
static const OpEntry grp5_ff[8] = {
    E(F_M, L, hs_inc), E(F_M, L, hs_dec), E(F_M, OF_F64 | END, hs_call_e),
    E(F_M, OF_NOREG | END, hs_call_far_m), E(F_M, OF_F64 | END, hs_jmp_e),
    E(F_M, OF_NOREG | END, hs_jmp_far_m), E(F_M, OF_DEF64, hs_push_e), UD,
};

static const OpEntry grp6_0f00[8] = {
    E(F_M, 0, hs_sldt), E(F_M, 0, hs_str), E(F_M, END, hs_lldt), E(F_M, END, hs_ltr),
    E(F_M, 0, hs_verr), E(F_M, 0, hs_verw),
};

static const OpEntry grp7_0f01[16] = {
    /* memory forms */
    E(F_M, 0, hs_sgdt), E(F_M, 0, hs_sidt), E(F_M, END, hs_lgdt), E(F_M, END, hs_lidt),
    E(F_M, 0, hs_smsw), UD, E(F_M, END, hs_lmsw), E(F_M, END, hs_invlpg),
    /* register forms: C8 MONITOR C9 MWAIT, D0 XGETBV D1 XSETBV, F8 SWAPGS F9 RDTSCP */
    UD, E(F_M, 0, hs_grp7_c8), E(F_M, END, hs_grp7_d0), UD, E(F_M, 0, hs_smsw), UD,
    E(F_M, END, hs_lmsw), E(F_M, END, hs_grp7_f8),
};

static const OpEntry grp8_0fba[8] = {
    UD, UD, UD, UD, E(F_MIU8, 0, hs_bt_i), E(F_MIU8, L, hs_bts_i), E(F_MIU8, L, hs_btr_i),
    E(F_MIU8, L, hs_btc_i),
};

static const OpEntry grp9_0fc7[16] = {
    /* memory forms */
    UD, EG(F_M, L, hs_cmpxchg8b, FEAT_1_EDX, CPUID_CX8), UD, UD, UD, UD, UD, UD,
    /* register forms: /6 RDRAND, /7 RDSEED (F3: RDPID) */
    UD, UD, UD, UD, UD, UD, E(F_M, 0, hs_rdrand), E(F_M, 0, hs_rdseed),
};

static const OpEntry grp15_0fae[16] = {
    /* memory forms: /6 XSAVEOPT (66: CLWB), /7 CLFLUSH (66: CLFLUSHOPT) */
    E(F_M, 0, hs_fxsave), E(F_M, 0, hs_fxrstor), E(F_M, 0, hs_ldmxcsr), E(F_M, 0, hs_stmxcsr),
    E(F_M, 0, hs_xsave), E(F_M, END, hs_xrstor), E(F_M, 0, hs_grp15_6), E(F_M, 0, hs_clflush),
    /* register forms: F3 /0-/3 RD/WR FS/GS BASE, /5-/7 LFENCE MFENCE SFENCE */
    E(F_M, 0, hs_fsgsbase), E(F_M, 0, hs_fsgsbase), E(F_M, 0, hs_fsgsbase),
    E(F_M, 0, hs_fsgsbase), UD, E(F_M, 0, hs_fence), E(F_M, 0, hs_fence), E(F_M, 0, hs_fence),
};

static const OpEntry grp16_0f18[8] = {
    E(F_M, 0, hs_nop), E(F_M, 0, hs_nop), E(F_M, 0, hs_nop), E(F_M, 0, hs_nop),
    E(F_M, 0, hs_nop), E(F_M, 0, hs_nop), E(F_M, 0, hs_nop), E(F_M, 0, hs_nop),
};

/* ---- one-byte map ---- */

#define ALU_ROW(x, name)                                                                          \
    [x + 0] = E(F_M, B | L, hs_##name##_eg), [x + 1] = E(F_M, L, hs_##name##_eg),                 \
    [x + 2] = E(F_M, B, hs_##name##_ge), [x + 3] = E(F_M, 0, hs_##name##_ge),                     \
    [x + 4] = E(F_IZ, B, hs_##name##_ei), [x + 5] = E(F_IZ, 0, hs_##name##_ei)

#define R8(x, f, fl, hs)                                                                          \
    [x] = E(f, fl, hs), [x + 1] = E(f, fl, hs), [x + 2] = E(f, fl, hs), [x + 3] = E(f, fl, hs),   \
    [x + 4] = E(f, fl, hs), [x + 5] = E(f, fl, hs), [x + 6] = E(f, fl, hs), [x + 7] = E(f, fl, hs)
#define R16(x, f, fl, hs) R8(x, f, fl, hs), R8(x + 8, f, fl, hs)
#define JCC1(x, f, c) [x + c] = E(f, OF_F64 | END, hs_jcc_##c)
#define JCC16(x, f)                                                                               \
    JCC1(x, f, 0), JCC1(x, f, 1), JCC1(x, f, 2), JCC1(x, f, 3), JCC1(x, f, 4), JCC1(x, f, 5),     \
    JCC1(x, f, 6), JCC1(x, f, 7), JCC1(x, f, 8), JCC1(x, f, 9), JCC1(x, f, 10), JCC1(x, f, 11),   \
    JCC1(x, f, 12), JCC1(x, f, 13), JCC1(x, f, 14), JCC1(x, f, 15)

const OpEntry x86_map1[256] = {
    ALU_ROW(0x00, add), ALU_ROW(0x08, or), ALU_ROW(0x10, adc), ALU_ROW(0x18, sbb),
    ALU_ROW(0x20, and), ALU_ROW(0x28, sub), ALU_ROW(0x30, xor),
    [0x38] = E(F_M, B, hs_cmp_eg), [0x39] = E(F_M, 0, hs_cmp_eg),
    [0x3a] = E(F_M, B, hs_cmp_ge), [0x3b] = E(F_M, 0, hs_cmp_ge),
    [0x3c] = E(F_IZ, B, hs_cmp_ei), [0x3d] = E(F_IZ, 0, hs_cmp_ei),
    [0x06] = E(F_NONE, OF_INV64, hs_push_sreg), [0x07] = E(F_NONE, OF_INV64, hs_pop_sreg),
    [0x0e] = E(F_NONE, OF_INV64, hs_push_sreg),
    [0x16] = E(F_NONE, OF_INV64, hs_push_sreg), [0x17] = E(F_NONE, OF_INV64 | END, hs_pop_sreg),
    [0x1e] = E(F_NONE, OF_INV64, hs_push_sreg), [0x1f] = E(F_NONE, OF_INV64, hs_pop_sreg),
    [0x27] = E(F_NONE, OF_INV64, hs_daa), [0x2f] = E(F_NONE, OF_INV64, hs_das),
    [0x37] = E(F_NONE, OF_INV64, hs_aaa), [0x3f] = E(F_NONE, OF_INV64, hs_aas),
    R8(0x40, F_NONE, OF_OPREG, hs_inc_r), R8(0x48, F_NONE, OF_OPREG, hs_dec_r),
    R8(0x50, F_NONE, OF_OPREG | OF_DEF64, hs_push_r),
    R8(0x58, F_NONE, OF_OPREG | OF_DEF64, hs_pop_r),
    [0x60] = E(F_NONE, OF_INV64, hs_pusha), [0x61] = E(F_NONE, OF_INV64, hs_popa),
    [0x62] = E(F_M, OF_INV64 | OF_NOREG, hs_bound),
    [0x63] = E(F_M, OF_SIZE16, hs_arpl),
    [0x68] = E(F_IZ, OF_DEF64, hs_push_i), [0x69] = E(F_MIZ, 0, hs_imul_gei),
    [0x6a] = E(F_I8, OF_DEF64, hs_push_i), [0x6b] = E(F_MI8, 0, hs_imul_gei),
    [0x6c] = E(F_NONE, B | OF_STRING, hs_ins), [0x6d] = E(F_NONE, OF_STRING, hs_ins),
    [0x6e] = E(F_NONE, B | OF_STRING | END, hs_outs), [0x6f] = E(F_NONE, OF_STRING | END, hs_outs),
    JCC16(0x70, F_J8),
    [0x80] = GRP(grp1_80), [0x81] = GRP(grp1_81), [0x82] = GRP(grp1_82), [0x83] = GRP(grp1_83),
    [0x84] = E(F_M, B, hs_test_eg), [0x85] = E(F_M, 0, hs_test_eg),
    [0x86] = E(F_M, B | L, hs_xchg), [0x87] = E(F_M, L, hs_xchg),
    [0x88] = E(F_M, B, hs_mov_eg), [0x89] = E(F_M, 0, hs_mov_eg),
    [0x8a] = E(F_M, B, hs_mov_ge), [0x8b] = E(F_M, 0, hs_mov_ge),
    [0x8c] = E(F_M, 0, hs_mov_e_sreg), [0x8d] = E(F_M, OF_NOREG, hs_lea),
    [0x8e] = E(F_M, OF_SIZE16 | END, hs_mov_sreg_e), [0x8f] = GRP(grp1a_8f),
    R8(0x90, F_NONE, OF_OPREG, hs_xchg_ax),
    [0x98] = E(F_NONE, 0, hs_cbw), [0x99] = E(F_NONE, 0, hs_cwd),
    [0x9a] = E(F_AP, OF_INV64 | END, hs_call_far), [0x9b] = E(F_NONE, 0, hs_wait),
    [0x9c] = E(F_NONE, OF_DEF64, hs_pushf), [0x9d] = E(F_NONE, OF_DEF64 | END, hs_popf),
    [0x9e] = E(F_NONE, 0, hs_sahf), [0x9f] = E(F_NONE, 0, hs_lahf),
    [0xa0] = E(F_MOFFS, B, hs_mov_moffs_load), [0xa1] = E(F_MOFFS, 0, hs_mov_moffs_load),
    [0xa2] = E(F_MOFFS, B, hs_mov_moffs_store), [0xa3] = E(F_MOFFS, 0, hs_mov_moffs_store),
    [0xa4] = E(F_NONE, B | OF_STRING, hs_movs), [0xa5] = E(F_NONE, OF_STRING, hs_movs),
    [0xa6] = E(F_NONE, B | OF_STRING, hs_cmps), [0xa7] = E(F_NONE, OF_STRING, hs_cmps),
    [0xa8] = E(F_IZ, B, hs_test_ei), [0xa9] = E(F_IZ, 0, hs_test_ei),
    [0xaa] = E(F_NONE, B | OF_STRING, hs_stos), [0xab] = E(F_NONE, OF_STRING, hs_stos),
    [0xac] = E(F_NONE, B | OF_STRING, hs_lods), [0xad] = E(F_NONE, OF_STRING, hs_lods),
    [0xae] = E(F_NONE, B | OF_STRING, hs_scas), [0xaf] = E(F_NONE, OF_STRING, hs_scas),
    R8(0xb0, F_IV, B | OF_OPREG, hs_mov_ri), R8(0xb8, F_IV, OF_OPREG, hs_mov_ri),
    [0xc0] = GRP(grp2_c0), [0xc1] = GRP(grp2_c1),
    [0xc2] = E(F_I16, OF_F64 | END, hs_ret_i), [0xc3] = E(F_NONE, OF_F64 | END, hs_ret),
    [0xc4] = E(F_M, OF_INV64 | OF_NOREG, hs_les), [0xc5] = E(F_M, OF_INV64 | OF_NOREG, hs_lds),
    [0xc6] = GRP(grp11_c6), [0xc7] = GRP(grp11_c7),
    [0xc8] = E(F_I16I8, OF_DEF64, hs_enter), [0xc9] = E(F_NONE, OF_DEF64, hs_leave),
    [0xca] = E(F_I16, END, hs_retf_i), [0xcb] = E(F_NONE, END, hs_retf),
    [0xcc] = E(F_NONE, END, hs_int3), [0xcd] = E(F_IU8, END, hs_int),
    [0xce] = E(F_NONE, OF_INV64 | END, hs_into), [0xcf] = E(F_NONE, END, hs_iret),
    [0xd0] = GRP(grp2_d0), [0xd1] = GRP(grp2_d1), [0xd2] = GRP(grp2_d2), [0xd3] = GRP(grp2_d3),
    [0xd4] = E(F_IU8, OF_INV64, hs_aam), [0xd5] = E(F_IU8, OF_INV64, hs_aad),
    [0xd6] = E(F_NONE, OF_INV64, hs_salc_op), [0xd7] = E(F_NONE, 0, hs_xlat),
    R8(0xd8, F_M, 0, hs_esc),
    [0xe0] = E(F_J8, OF_F64 | END, hs_loopne), [0xe1] = E(F_J8, OF_F64 | END, hs_loope),
    [0xe2] = E(F_J8, OF_F64 | END, hs_loop), [0xe3] = E(F_J8, OF_F64 | END, hs_jcxz),
    [0xe4] = E(F_IU8, B, hs_in_i), [0xe5] = E(F_IU8, 0, hs_in_i),
    [0xe6] = E(F_IU8, B | END, hs_out_i), [0xe7] = E(F_IU8, END, hs_out_i),
    [0xe8] = E(F_JZ, OF_F64 | END, hs_call_rel), [0xe9] = E(F_JZ, OF_F64 | END, hs_jmp_rel),
    [0xea] = E(F_AP, OF_INV64 | END, hs_jmp_far), [0xeb] = E(F_J8, OF_F64 | END, hs_jmp_rel),
    [0xec] = E(F_NONE, B, hs_in_dx), [0xed] = E(F_NONE, 0, hs_in_dx),
    [0xee] = E(F_NONE, B | END, hs_out_dx), [0xef] = E(F_NONE, END, hs_out_dx),
    [0xf1] = E(F_NONE, END, hs_int1), [0xf4] = E(F_NONE, END, hs_hlt),
    [0xf5] = E(F_NONE, 0, hs_cmc), [0xf6] = GRP(grp3_f6), [0xf7] = GRP(grp3_f7),
    [0xf8] = E(F_NONE, 0, hs_clc), [0xf9] = E(F_NONE, 0, hs_stc),
    [0xfa] = E(F_NONE, 0, hs_cli), [0xfb] = E(F_NONE, END, hs_sti),
    [0xfc] = E(F_NONE, 0, hs_cld), [0xfd] = E(F_NONE, 0, hs_std),
    [0xfe] = GRP(grp4_fe), [0xff] = GRP(grp5_ff),
};

/* Replacements chosen by the decoder: NOP for 90 without REX.B, MOVSXD
 * for 63 in 64-bit mode. */
const OpEntry x86_entry_nop = E(F_NONE, 0, hs_nop);
const OpEntry x86_entry_movsxd = E(F_M, 0, hs_movsxd);
/* Every SSE-engine form (decode_sse in decode.c), without and with imm8. */
const OpEntry x86_entry_sse = E(F_M, 0, hs_sse);
const OpEntry x86_entry_sse_i8 = E(F_MIU8, 0, hs_sse);

/* ---- 0F map ---- */

#define MMX_M E(F_M, 0, hs_mmx)
#define MMX_I E(F_MIU8, 0, hs_mmx)

const OpEntry x86_map2[256] = {
    [0x00] = GRP(grp6_0f00), [0x01] = GRP16(grp7_0f01),
    [0x02] = E(F_M, 0, hs_lar), [0x03] = E(F_M, 0, hs_lsl),
    [0x05] = EG(F_NONE, END, hs_syscall, FEAT_8000_0001_EDX, CPUID_EXT2_SYSCALL),
    [0x06] = E(F_NONE, 0, hs_clts),
    [0x07] = EG(F_NONE, END, hs_sysret, FEAT_8000_0001_EDX, CPUID_EXT2_SYSCALL),
    [0x08] = E(F_NONE, 0, hs_invd), [0x09] = E(F_NONE, 0, hs_wbinvd),
    [0x0b] = E(F_NONE, END, hs_ud), [0x0d] = E(F_M, 0, hs_nop),
    [0x18] = GRP(grp16_0f18), [0x19] = E(F_M, 0, hs_nop), [0x1a] = E(F_M, 0, hs_nop),
    [0x1b] = E(F_M, 0, hs_nop), [0x1c] = E(F_M, 0, hs_nop), [0x1d] = E(F_M, 0, hs_nop),
    [0x1e] = E(F_M, 0, hs_nop), [0x1f] = E(F_M, 0, hs_nop),
    [0x20] = E(F_M, OF_FORCEREG, hs_mov_cr_load),
    [0x21] = E(F_M, OF_FORCEREG, hs_mov_dr_load),
    [0x22] = E(F_M, OF_FORCEREG | END, hs_mov_cr_store),
    [0x23] = E(F_M, OF_FORCEREG | END, hs_mov_dr_store),
    [0x30] = EG(F_NONE, END, hs_wrmsr, FEAT_1_EDX, CPUID_MSR),
    [0x31] = EG(F_NONE, 0, hs_rdtsc, FEAT_1_EDX, CPUID_TSC),
    [0x32] = EG(F_NONE, 0, hs_rdmsr, FEAT_1_EDX, CPUID_MSR),
    [0x33] = E(F_NONE, 0, hs_rdpmc),
    [0x34] = EG(F_NONE, END, hs_sysenter, FEAT_1_EDX, CPUID_SEP),
    [0x35] = EG(F_NONE, END, hs_sysexit, FEAT_1_EDX, CPUID_SEP),
    [0x40] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x41] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x42] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x43] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x44] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x45] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x46] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x47] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x48] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x49] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4a] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4b] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4c] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4d] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4e] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x4f] = EG(F_M, 0, hs_cmovcc, FEAT_1_EDX, CPUID_CMOV),
    [0x60] = MMX_M, [0x61] = MMX_M, [0x62] = MMX_M, [0x63] = MMX_M,
    [0x64] = MMX_M, [0x65] = MMX_M, [0x66] = MMX_M, [0x67] = MMX_M,
    [0x68] = MMX_M, [0x69] = MMX_M, [0x6a] = MMX_M, [0x6b] = MMX_M,
    [0x6e] = MMX_M, [0x6f] = MMX_M,
    [0x70] = MMX_I, [0x71] = MMX_I, [0x72] = MMX_I, [0x73] = MMX_I,
    [0x74] = MMX_M, [0x75] = MMX_M, [0x76] = MMX_M, [0x77] = E(F_NONE, 0, hs_emms),
    [0x7e] = MMX_M, [0x7f] = MMX_M,
    JCC16(0x80, F_JZ),
    R16(0x90, F_M, OF_RMBYTE, hs_setcc),
    [0xa0] = E(F_NONE, OF_DEF64, hs_push_sreg), [0xa1] = E(F_NONE, OF_DEF64, hs_pop_sreg),
    [0xa2] = E(F_NONE, 0, hs_cpuid), [0xa3] = E(F_M, 0, hs_bt),
    [0xa4] = E(F_MIU8, 0, hs_shld_i), [0xa5] = E(F_M, 0, hs_shld_c),
    [0xa8] = E(F_NONE, OF_DEF64, hs_push_sreg), [0xa9] = E(F_NONE, OF_DEF64, hs_pop_sreg),
    [0xaa] = E(F_NONE, END, hs_rsm), [0xab] = E(F_M, L, hs_bts),
    [0xac] = E(F_MIU8, 0, hs_shrd_i), [0xad] = E(F_M, 0, hs_shrd_c),
    [0xae] = GRP16(grp15_0fae), [0xaf] = E(F_M, 0, hs_imul_ge),
    [0xb0] = E(F_M, B | L, hs_cmpxchg), [0xb1] = E(F_M, L, hs_cmpxchg),
    [0xb2] = E(F_M, OF_NOREG, hs_lss), [0xb3] = E(F_M, L, hs_btr),
    [0xb4] = E(F_M, OF_NOREG, hs_lfs), [0xb5] = E(F_M, OF_NOREG, hs_lgs),
    [0xb6] = E(F_M, OF_RMBYTE, hs_movzx_b), [0xb7] = E(F_M, 0, hs_movzx_w),
    [0xb8] = UD, /* F3 0F B8 POPCNT: the SSE engine */
    [0xb9] = E(F_M, END, hs_ud), [0xba] = GRP(grp8_0fba), [0xbb] = E(F_M, L, hs_btc),
    [0xbc] = E(F_M, 0, hs_bsf), [0xbd] = E(F_M, 0, hs_bsr),
    [0xbe] = E(F_M, OF_RMBYTE, hs_movsx_b), [0xbf] = E(F_M, 0, hs_movsx_w),
    [0xc0] = E(F_M, B | L, hs_xadd), [0xc1] = E(F_M, L, hs_xadd),
    [0xc3] = E(F_M, OF_NOREG, hs_movnti),
    [0xc4] = MMX_I, [0xc5] = MMX_I, [0xc7] = GRP16(grp9_0fc7),
    R8(0xc8, F_NONE, OF_OPREG, hs_bswap),
    [0xd1] = MMX_M, [0xd2] = MMX_M, [0xd3] = MMX_M, [0xd4] = MMX_M, [0xd5] = MMX_M,
    [0xd7] = MMX_M, [0xd8] = MMX_M, [0xd9] = MMX_M, [0xda] = MMX_M, [0xdb] = MMX_M,
    [0xdc] = MMX_M, [0xdd] = MMX_M, [0xde] = MMX_M, [0xdf] = MMX_M,
    [0xe0] = MMX_M, [0xe1] = MMX_M, [0xe2] = MMX_M, [0xe3] = MMX_M, [0xe4] = MMX_M,
    [0xe5] = MMX_M, [0xe7] = MMX_M, [0xe8] = MMX_M, [0xe9] = MMX_M, [0xea] = MMX_M,
    [0xeb] = MMX_M, [0xec] = MMX_M, [0xed] = MMX_M, [0xee] = MMX_M, [0xef] = MMX_M,
    [0xf1] = MMX_M, [0xf2] = MMX_M, [0xf3] = MMX_M, [0xf4] = MMX_M, [0xf5] = MMX_M,
    [0xf6] = MMX_M, [0xf7] = MMX_M, [0xf8] = MMX_M, [0xf9] = MMX_M, [0xfa] = MMX_M,
    [0xfb] = MMX_M, [0xfc] = MMX_M, [0xfd] = MMX_M, [0xfe] = MMX_M,
    [0xff] = E(F_M, END, hs_ud),
};

/* ---- 0F 38 and 0F 3A ---- */

const OpEntry x86_map3[256] = {
    R8(0x00, F_M, 0, hs_mmx), [0x08] = MMX_M, [0x09] = MMX_M, [0x0a] = MMX_M, [0x0b] = MMX_M,
    [0x1c] = MMX_M, [0x1d] = MMX_M, [0x1e] = MMX_M,
    [0xf0] = EG(F_M, OF_NOREG, hs_movbe_ld, FEAT_1_ECX, CPUID_EXT_MOVBE),
    [0xf1] = EG(F_M, OF_NOREG, hs_movbe_st, FEAT_1_ECX, CPUID_EXT_MOVBE),
    [0xf6] = EG(F_M, 0, hs_adx, FEAT_7_0_EBX, CPUID_7_0_EBX_ADX),
};

const OpEntry x86_map4[256] = {
    [0x0f] = MMX_I,
};
