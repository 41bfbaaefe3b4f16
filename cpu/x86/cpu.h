/* SPDX-License-Identifier: MIT */
/*
 * The x86 CPU state (private to cpu/x86/).
 *
 * CPUX86State holds everything the architecture defines (Intel SDM vol. 3A
 * ch. 2 "System Architecture Overview", vol. 1 ch. 3 "Basic Execution
 * Environment") plus the emulator's caches: lazy arithmetic flags, cached
 * mode bits (hflags), the softmmu TLB and the decoded-block cache. General
 * registers are always 64 bits wide so the same state serves long mode.
 *
 * Arithmetic flags (CF PF AF ZF SF OF) are lazy: the last flag-setting
 * instruction records its operation in cc_op and its operands/result in
 * cc_src/cc_dst/cc_src2; x86_eflags() computes them only when read.
 * env->eflags holds every other EFLAGS bit.
 */
#ifndef CPU_X86_CPU_H
#define CPU_X86_CPU_H

#include <inttypes.h>
#include <setjmp.h>

#include "kemu/cpu.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/x86.h"
#include "sse.h"
#include "x87.h"

typedef struct X86CPU CPUX86State;
typedef struct DecodedInsn DecodedInsn;
typedef struct X86Block X86Block;
typedef struct X86CodeCache X86CodeCache;
typedef void X86Handler(CPUX86State *env, const DecodedInsn *d);

/* General registers, in encoding order. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
    R_ZERO = 16,   /* always 0: the "no base/index" slot of an address */
    R_NEXTIP = 17, /* rip of the next instruction (RIP-relative base) */
    X86_NREGS = 18,
};

/* Segment registers, in encoding order. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, X86_NSEGS };

/* EFLAGS bits */
#define CC_C 0x0001
#define CC_P 0x0004
#define CC_A 0x0010
#define CC_Z 0x0040
#define CC_S 0x0080
#define CC_O 0x0800
#define CC_ALL (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define TF_MASK 0x00000100
#define IF_MASK 0x00000200
#define DF_MASK 0x00000400
#define IOPL_MASK 0x00003000
#define IOPL_SHIFT 12
#define NT_MASK 0x00004000
#define RF_MASK 0x00010000
#define VM_MASK 0x00020000
#define AC_MASK 0x00040000
#define VIF_MASK 0x00080000
#define VIP_MASK 0x00100000
#define ID_MASK 0x00200000

/* Control register bits */
#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_EM 0x00000004
#define CR0_TS 0x00000008
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_AM 0x00040000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR0_PG 0x80000000u

#define CR4_VME 0x00000001
#define CR4_PVI 0x00000002
#define CR4_TSD 0x00000004
#define CR4_DE 0x00000008
#define CR4_PSE 0x00000010
#define CR4_PAE 0x00000020
#define CR4_MCE 0x00000040
#define CR4_PGE 0x00000080
#define CR4_PCE 0x00000100
#define CR4_OSFXSR 0x00000200
#define CR4_OSXMMEXCPT 0x00000400
#define CR4_UMIP 0x00000800
#define CR4_FSGSBASE 0x00010000
#define CR4_PCIDE 0x00020000
#define CR4_OSXSAVE 0x00040000
#define CR4_SMEP 0x00100000
#define CR4_SMAP 0x00200000

#define EFER_SCE 0x001
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define EFER_NXE 0x800

/* Descriptor attribute bits, as in the high dword of a descriptor. */
#define DESC_TYPE_SHIFT 8
#define DESC_A_MASK (1u << 8)
#define DESC_W_MASK (1u << 9)  /* data: writable */
#define DESC_R_MASK (1u << 9)  /* code: readable */
#define DESC_E_MASK (1u << 10) /* data: expand-down */
#define DESC_C_MASK (1u << 10) /* code: conforming */
#define DESC_CS_MASK (1u << 11) /* code (with S) */
#define DESC_S_MASK (1u << 12)
#define DESC_DPL_SHIFT 13
#define DESC_DPL_MASK (3u << 13)
#define DESC_P_MASK (1u << 15)
#define DESC_AVL_MASK (1u << 20)
#define DESC_L_MASK (1u << 21)
#define DESC_B_MASK (1u << 22)
#define DESC_G_MASK (1u << 23)
#define DESC_ATTR_MASK 0x00f0ff00u

/* hflags: mode bits cached from CR0/CR4/EFER/EFLAGS/segments */
enum {
    HF_CPL_MASK = 3,
    HF_CS32 = 1 << 2,   /* default operand/address size 32 */
    HF_SS32 = 1 << 3,   /* 32-bit stack */
    HF_PE = 1 << 4,     /* protected mode */
    HF_VM = 1 << 5,     /* virtual-8086 mode */
    HF_CS64 = 1 << 6,   /* 64-bit code segment (long mode) */
    HF_LMA = 1 << 7,    /* long mode active */
    HF_KEY_MASK = 0xff, /* bits that select how code is decoded */
    HF_INHIBIT_IRQ = 1 << 8, /* STI / MOV SS shadow */
    HF_NMI_BLOCK = 1 << 9,   /* in an NMI handler (until IRET) */
    HF_PG = 1 << 10,
};

/* Exception vectors */
enum {
    EXCP_DE = 0, EXCP_DB = 1, EXCP_NMI = 2, EXCP_BP = 3, EXCP_OF = 4, EXCP_BR = 5,
    EXCP_UD = 6, EXCP_NM = 7, EXCP_DF = 8, EXCP_TS = 10, EXCP_NP = 11, EXCP_SS = 12,
    EXCP_GP = 13, EXCP_PF = 14, EXCP_MF = 16, EXCP_AC = 17, EXCP_MC = 18, EXCP_XM = 19,
};

/* Lazy flag operations. The low two bits of the sized ones are log2 of the
 * operand size in bytes. */
enum {
    CC_OP_EFLAGS = 0, /* cc_src holds the six flags in EFLAGS positions */
    CC_OP_ADD = 4,    /* dst = result, src = second operand */
    CC_OP_ADC = 8,    /* as ADD, src2 = carry in */
    CC_OP_SUB = 12,   /* dst = result, src = second operand */
    CC_OP_SBB = 16,   /* as SUB, src2 = borrow in */
    CC_OP_LOGIC = 20, /* dst = result */
    CC_OP_INC = 24,   /* dst = result, src = CF before */
    CC_OP_DEC = 28,   /* dst = result, src = CF before */
    CC_OP_NB = 32,
};

typedef struct SegCache {
    uint64_t base;
    uint32_t limit;  /* byte granular */
    uint32_t flags;  /* DESC_* attribute bits */
    uint16_t sel;
    /* Fast-path window: an access [off, off+size-1] is allowed when
     * off - lo + size - 1 <= span (unsigned 64-bit), per read/write. */
    uint64_t lo[2], span[2];
} SegCache;

typedef struct DescTable {
    uint64_t base;
    uint32_t limit;
} DescTable;

/* Softmmu TLB */
#define TLB_BITS 9
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE (1 << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(uint64_t)(TLB_PAGE_SIZE - 1))
/* Tag flag bits: any of them sends the access to the slow path. */
#define TLB_INVALID 1u   /* no translation */
#define TLB_MMIO 2u      /* not plain RAM: go through as_ld/as_st */
#define TLB_CODE 4u      /* writes must invalidate decoded code first */
#define TLB_FLAGS_MASK 7u
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };
enum { MMU_SUP = 0, MMU_USER = 1, MMU_NB = 2 };

typedef struct TLBEntry {
    uint64_t tag[3];    /* linear page | flags, per ACC_*; -1 when empty */
    uintptr_t addend;   /* host address = linear + addend (RAM pages) */
} TLBEntry;

typedef struct TLBExtra {
    hwaddr paddr;       /* physical page */
    MemRegion *mr;      /* terminal region (RAM pages), NULL for MMIO */
    hwaddr mr_off;      /* page offset within mr */
    bool global;
} TLBExtra;

/* CPUID feature words */
enum {
    FEAT_1_EDX, FEAT_1_ECX, FEAT_8000_0001_EDX, FEAT_8000_0001_ECX,
    FEAT_7_0_EBX, FEAT_7_0_ECX, FEAT_7_0_EDX, FEAT_6_EAX, FEAT_D_1_EAX, FEAT_WORDS,
};
#define CPUID_FPU (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_CLFLUSH (1u << 19)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE (1u << 25)
#define CPUID_SSE2 (1u << 26)
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_PCLMULQDQ (1u << 1)
#define CPUID_EXT_MONITOR (1u << 3)
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_X2APIC (1u << 21)
#define CPUID_EXT_MOVBE (1u << 22)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_TSC_DEADLINE (1u << 24)
#define CPUID_EXT_AES (1u << 25)
#define CPUID_EXT_XSAVE (1u << 26)
#define CPUID_EXT_OSXSAVE (1u << 27)
#define CPUID_EXT_AVX (1u << 28)
#define CPUID_EXT_RDRAND (1u << 30)
#define CPUID_EXT_HYPERVISOR (1u << 31)
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_RDTSCP (1u << 27)
#define CPUID_EXT2_LM (1u << 29)
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_ABM (1u << 5)
#define CPUID_EXT3_SSE4A (1u << 6)
#define CPUID_EXT3_3DNOWPREFETCH (1u << 8)
#define CPUID_EXT2_PDPE1GB (1u << 26)
#define CPUID_7_0_EBX_FSGSBASE (1u << 0)
#define CPUID_7_0_EBX_BMI1 (1u << 3)
#define CPUID_7_0_EBX_SMEP (1u << 7)
#define CPUID_7_0_EBX_BMI2 (1u << 8)
#define CPUID_7_0_EBX_ERMS (1u << 9)
#define CPUID_7_0_EBX_INVPCID (1u << 10)
#define CPUID_7_0_EBX_RDSEED (1u << 18)
#define CPUID_7_0_EBX_ADX (1u << 19)
#define CPUID_7_0_EBX_SMAP (1u << 20)
#define CPUID_7_0_EBX_CLFLUSHOPT (1u << 23)
#define CPUID_7_0_EBX_CLWB (1u << 24)
#define CPUID_7_0_ECX_UMIP (1u << 2)
#define CPUID_7_0_ECX_RDPID (1u << 22)
#define CPUID_6_EAX_ARAT (1u << 2)
#define CPUID_D_1_EAX_XSAVEOPT (1u << 0)
#define CPUID_ACPI (1u << 22)
#define CPUID_SS (1u << 27)
#define CPUID_EXT2_MMXEXT (1u << 22)
/* XSAVE state components kemu implements (XCR0 bits): x87 and SSE */
#define XSTATE_X87 1u
#define XSTATE_SSE 2u
#define XSTATE_SUPPORTED (XSTATE_X87 | XSTATE_SSE)

typedef struct X86CPUModel {
    const char *name;
    const char *desc;
    uint32_t level, xlevel;
    const char *vendor;      /* 12 characters */
    int family, model, stepping;
    uint32_t features[FEAT_WORDS];
    const char *model_id;
} X86CPUModel;

/* Exception being raised (set by x86_raise_exception before longjmp). */
typedef struct X86Exception {
    int vector;         /* -1: none (plain exit from the block loop) */
    int error_code;     /* -1: no error code */
    bool soft;          /* INT n / INT3 / INTO: pushes next_rip, checks DPL */
    bool icebp;         /* INT1 (F1) */
} X86Exception;

/* MTRRs */
#define MSR_MTRR_VAR_COUNT 8

struct X86CPU {
    CPUState parent;                 /* must be first (include/kemu/cpu.h) */

    /* Architectural registers */
    uint64_t regs[X86_NREGS];        /* GPRs, then R_ZERO */
    uint64_t rip;                    /* start of the executing instruction */
    uint32_t eflags;                 /* all bits except the lazy CC_ALL */
    uint32_t cc_op;                  /* CC_OP_* */
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t hflags;                 /* HF_* */
    int mmu_idx;                     /* MMU_USER when CPL 3 */
    uint64_t lin_mask;               /* 0xffffffff unless in 64-bit code */

    SegCache segs[X86_NSEGS];
    SegCache ldt, tr;
    DescTable gdt, idt;
    uint64_t cr[9];                  /* CR0, CR2, CR3, CR4, CR8 (TPR) used */
    uint64_t dr[8];
    uint64_t efer;
    uint64_t xcr0;                   /* XSAVE feature mask (XSETBV) */

    /* MSRs */
    uint64_t tsc_offset;             /* guest TSC = virtual clock ticks + offset */
    uint64_t apic_base;
    uint64_t mtrr_cap_dummy;
    uint64_t mtrr_def_type;
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_var_base[MSR_MTRR_VAR_COUNT], mtrr_var_mask[MSR_MTRR_VAR_COUNT];
    uint64_t pat;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t tsc_aux;
    uint64_t misc_enable;
    uint64_t mcg_status, mcg_ctl, mc_bank[4 * 10];
    uint64_t smbase;
    uint64_t tsc_adjust;

    /* x87/MMX (x87.c, mmx.c) and SSE (sse*.c) state */
    X87State fpu;
    SSEState sse;
    bool ferr;                       /* FERR# asserted (CR0.NE=0: IRQ13) */
    struct IrqLine *ferr_irq;

    /* CPU model */
    uint32_t cpuid_level, cpuid_xlevel;
    uint32_t cpuid_vendor[3];
    uint32_t cpuid_version;          /* leaf 1 EAX */
    uint32_t features[FEAT_WORDS];
    char model_id[49];
    const char *model_name;

    /* Board hooks */
    X86IntrAckFn *intr_ack;
    void *intr_ack_opaque;
    const X86ApicOps *apic;
    void *apic_opaque;
    uint64_t a20_mask;               /* physical address mask */

    /* Softmmu TLB */
    TLBEntry tlb[MMU_NB][TLB_SIZE];
    TLBExtra tlbx[MMU_NB][TLB_SIZE];
    uint64_t tlb_large_lo, tlb_large_hi; /* range covered by large pages */

    /* Decoded code */
    X86CodeCache *cc;
    void *jmp_cache;                 /* X86Block *[JC_SIZE], by linear pc */
    X86Block *cur_block;
    uint64_t block_rip;              /* rip at the start of cur_block */
    DecodedInsn *patched_insn;       /* temporary terminator of a partly run block */
    int64_t chain_limit;             /* icount beyond which blocks are not chained */
    bool chain_off;                  /* -d exec/cpu: every block through the loop */
    bool block_done;                 /* cur_block's terminator has accounted it */
    X86Handler *patched_fn;
    const DecodedInsn *cur_insn;     /* unused by the core (test harnesses) */

    /* Exceptions */
    sigjmp_buf jmpbuf;
    X86Exception exc;
    int exc_pending_first;           /* for double-fault classification, -1 none */
    bool in_delivery;
    int64_t icount;                  /* retired instructions in this exec() */
    int64_t budget;

    bool wait_sipi;                  /* halted until a start-up IPI */
    uint64_t tsc_deadline;           /* IA32_TSC_DEADLINE */

    /* Test hooks (x86-test-api.h) */
    bool test_trap;                  /* stop at exceptions instead of delivering */
    bool test_stopped;
    int test_vec, test_err;          /* last exception/interrupt raised */
};

/* ---- accessors ---- */

static inline int x86_cpl(const CPUX86State *env) { return env->hflags & HF_CPL_MASK; }
static inline bool x86_is_pe(const CPUX86State *env) { return env->hflags & HF_PE; }
static inline bool x86_is_vm86(const CPUX86State *env) { return env->eflags & VM_MASK; }
static inline bool x86_is_long(const CPUX86State *env) { return env->hflags & HF_LMA; }
static inline bool x86_is_code64(const CPUX86State *env) { return env->hflags & HF_CS64; }
static inline int x86_iopl(const CPUX86State *env) { return (env->eflags >> IOPL_SHIFT) & 3; }
static inline bool x86_has(const CPUX86State *env, int word, uint32_t bit)
{
    return (env->features[word] & bit) != 0;
}

/* rip after the executing instruction; branches write it. */
#define NEXT_RIP(env) ((env)->regs[R_NEXTIP])

/* Stack pointer mask for the current SS size. */
static inline uint64_t x86_sp_mask(const CPUX86State *env)
{
    if (env->hflags & HF_CS64)
        return ~0ULL;
    return (env->hflags & HF_SS32) ? 0xffffffffULL : 0xffffULL;
}

/* ---- flags.c ---- */
uint32_t x86_cc_compute(const CPUX86State *env);
bool x86_cc_carry(const CPUX86State *env);
bool x86_cond(const CPUX86State *env, int cc);
extern const uint8_t x86_parity_table[256];
/* Full EFLAGS value, with the lazy flags folded in. */
static inline uint32_t x86_eflags(const CPUX86State *env)
{
    return env->eflags | x86_cc_compute(env);
}
/* x86_cond with the common cases (after CMP/SUB and the logic
 * instructions) inline; meant for a constant cc. */
static inline __attribute__((always_inline)) bool x86_cond_inline(const CPUX86State *env, int cc)
{
    uint32_t op = env->cc_op;
    int s = op & 3, bits = 8 << s;
    uint64_t m = s == 3 ? ~0ULL : (1ULL << bits) - 1, dst = env->cc_dst, src = env->cc_src, a;
    bool r;

    if ((op & ~3) == CC_OP_SUB && (cc >> 1) != 0 && (cc >> 1) != 5) {
        a = (dst + src) & m;
        switch (cc >> 1) {
        case 1: r = a < src; break;
        case 2: r = (dst & m) == 0; break;
        case 3: r = a <= src; break;
        case 4: r = (dst >> (bits - 1)) & 1; break;
        case 6: r = (int64_t)(a << (64 - bits)) < (int64_t)(src << (64 - bits)); break;
        default: r = (int64_t)(a << (64 - bits)) <= (int64_t)(src << (64 - bits)); break;
        }
        return r ^ (cc & 1);
    }
    if ((op & ~3) == CC_OP_LOGIC && (cc >> 1) != 5) {
        switch (cc >> 1) {
        case 0: case 1: r = false; break;
        case 2: case 3: r = (dst & m) == 0; break;
        case 4: case 6: r = (dst >> (bits - 1)) & 1; break;
        default: r = (dst & m) == 0 || ((dst >> (bits - 1)) & 1); break;
        }
        return r ^ (cc & 1);
    }
    return x86_cond(env, cc);
}

/* Load EFLAGS bits selected by mask (arithmetic bits go into cc_src). */
void x86_set_eflags(CPUX86State *env, uint32_t val, uint32_t mask);
/* Make the lazy flags concrete (CC_OP_EFLAGS). */
static inline void x86_cc_flush(CPUX86State *env)
{
    if (env->cc_op != CC_OP_EFLAGS) {
        env->cc_src = x86_cc_compute(env);
        env->cc_op = CC_OP_EFLAGS;
    }
}

/* ---- cpu.c ---- */
void x86_update_hflags(CPUX86State *env);
void x86_set_cpl(CPUX86State *env, int cpl);
void x86_update_cr0(CPUX86State *env, uint64_t val);
void x86_update_cr4(CPUX86State *env, uint64_t val);
void x86_update_cr3(CPUX86State *env, uint64_t val);
void x86_update_efer(CPUX86State *env, uint64_t val);
void x86_cpu_do_reset(CPUX86State *env);
void x86_cpu_init(CPUX86State *env);
void x86_cpu_sipi(CPUX86State *env);
uint64_t x86_tsc_read(CPUX86State *env);

/* ---- excp.c: exceptions and interrupts ---- */
KEMU_NORETURN void x86_raise_exception(CPUX86State *env, int vector);
KEMU_NORETURN void x86_raise_exception_err(CPUX86State *env, int vector, int error_code);
KEMU_NORETURN void x86_raise_soft_int(CPUX86State *env, int vector, bool icebp);
/* Leave the block loop at the current instruction boundary (rip already set). */
KEMU_NORETURN void x86_exit_loop(CPUX86State *env);
/* Deliver env->exc (called by the exec loop). */
void x86_deliver_exception(CPUX86State *env);
/* Deliver an external interrupt or NMI. */
void x86_do_interrupt(CPUX86State *env, int vector, bool soft, int error_code,
                      uint64_t next_rip, bool hw);

/* ---- seg.c ---- */
void x86_seg_set_cache(CPUX86State *env, int seg, uint16_t sel, uint64_t base, uint32_t limit,
                       uint32_t flags);
void x86_seg_load_real(CPUX86State *env, int seg, uint16_t sel);
/* Change only the base (FS/GS base MSRs, SWAPGS, WRFSBASE). */
void x86_seg_set_base(CPUX86State *env, int seg, uint64_t base);
/* Load a segment register by MOV/POP/LxS (all protected-mode checks). */
void x86_seg_load(CPUX86State *env, int seg, uint16_t sel);
void x86_seg_update_window(CPUX86State *env, SegCache *sc, int seg);
KEMU_NORETURN void x86_seg_fault(CPUX86State *env, int seg, uint64_t off, unsigned size,
                                 int acc);
/* Read the 8-byte descriptor for sel from the GDT/LDT; false if beyond limit. */
bool x86_load_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi);
void x86_desc_set_accessed(CPUX86State *env, uint16_t sel, uint32_t hi);
uint64_t x86_desc_base(uint32_t lo, uint32_t hi);
uint32_t x86_desc_limit(uint32_t lo, uint32_t hi);
void x86_far_jmp(CPUX86State *env, uint16_t sel, uint64_t off, uint64_t next_rip);
void x86_far_call(CPUX86State *env, uint16_t sel, uint64_t off, int opsize, uint64_t next_rip);
void x86_far_ret(CPUX86State *env, int opsize, uint16_t imm);
void x86_iret(CPUX86State *env, int opsize);
void x86_load_ldtr(CPUX86State *env, uint16_t sel);
void x86_seg_validate_outer(CPUX86State *env, int seg);
void x86_sysenter(CPUX86State *env);
void x86_sysexit(CPUX86State *env, int sz);
void x86_syscall(CPUX86State *env);
void x86_sysret(CPUX86State *env, int sz);
void x86_load_tr(CPUX86State *env, uint16_t sel);

/* ---- task.c ---- */
enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };
void x86_task_switch(CPUX86State *env, uint16_t sel, uint32_t lo, uint32_t hi, int source,
                     uint64_t next_rip, int error_code);
/* I/O permission check (IOPL, TSS bitmap); raises #GP(0) when denied. */
void x86_check_io(CPUX86State *env, unsigned port, unsigned size);

/* ---- tlb.c ---- */
void x86_tlb_flush(CPUX86State *env, bool global);
void x86_tlb_flush_page(CPUX86State *env, uint64_t lin);
/* Fill the TLB for lin; raises #PF (or returns false when !fault). */
bool x86_tlb_fill(CPUX86State *env, uint64_t lin, int acc, int mmu, bool fault);
/* Translate a linear address for a debugger/logger: -1 on failure. */
hwaddr x86_debug_translate(CPUX86State *env, uint64_t lin);
uint64_t x86_ld_slow(CPUX86State *env, uint64_t lin, unsigned size, int mmu);
void x86_st_slow(CPUX86State *env, uint64_t lin, uint64_t val, unsigned size, int mmu);
uint64_t x86_ld_code_slow(CPUX86State *env, uint64_t lin, unsigned size);
/* Host pointer for a RAM page mapped for acc, filling the TLB (may fault). */
void *x86_tlb_host_page(CPUX86State *env, uint64_t lin, int acc, int mmu);
void x86_tlb_protect_code(CPUX86State *env, MemRegion *mr, hwaddr page_off);

/* ---- exec.c ---- */
void x86_exec_init(CPUX86State *env);
void x86_code_flush(CPUX86State *env);
void x86_jmp_cache_flush(CPUX86State *env);
void x86_jmp_cache_flush_page(CPUX86State *env, uint64_t lin);
int64_t x86_cpu_exec(CPUState *cs, int64_t budget);
int x86_block_progress(const CPUX86State *env);
bool x86_cpu_has_work(CPUState *cs);

/* ---- msr.c / cpuid.c ---- */
bool x86_msr_read(CPUX86State *env, uint32_t msr, uint64_t *val);
bool x86_msr_write(CPUX86State *env, uint32_t msr, uint64_t val);
void x86_cpuid(CPUX86State *env, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
               uint32_t *c, uint32_t *d);
bool x86_cpu_parse_model(CPUX86State *env, const char *str, Error **errp);
void x86_msr_reset(CPUX86State *env);

/* ---- dump.c ---- */
void x86_cpu_dump_state(CPUState *cs, FILE *out);

/* ---- debug.c: CPUOps hooks for the monitor ---- */
bool x86_get_register(CPUState *cs, const char *name, uint64_t *val);
hwaddr x86_cpu_debug_translate(CPUState *cs, uint64_t addr);
int x86_code_bits(CPUState *cs);
void x86_log_block(CPUX86State *env, uint64_t pc, const uint8_t *code, unsigned len);

/* ---- fpu glue (ops-fpu.c) ---- */
void x86_fpu_reset(CPUX86State *env);
void x86_fpu_dump(const CPUX86State *env, FILE *out);
/* A pending unmasked x87 error at a waiting x87/MMX instruction: #MF
 * (CR0.NE=1) or FERR# (IRQ13). */
void x86_fpu_check_pending(CPUX86State *env);
/* The legacy 512-byte FXSAVE/XSAVE region: x87 part and/or MXCSR+XMM part;
 * restore fails (nothing changed) for reserved MXCSR bits. */
void x86_fx_image_save(CPUX86State *env, uint8_t img[512], bool rexw, bool x87, bool sse);
bool x86_fx_image_restore(CPUX86State *env, const uint8_t img[512], bool rexw, bool x87,
                          bool sse);
/* len (a multiple of 8) bytes at a checked linear address; writes probe
 * every page first. */
void x86_mem_read_lin(CPUX86State *env, uint64_t lin, uint8_t *buf, unsigned len);
void x86_mem_write_lin(CPUX86State *env, uint64_t lin, const uint8_t *buf, unsigned len);
/* Fault now (#PF) unless every page of [lin, lin+len) is writable. */
void x86_probe_write_lin(CPUX86State *env, uint64_t lin, unsigned len);

#endif
