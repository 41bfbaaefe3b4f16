/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: the wire format shared by the two sides.
 *
 * The test driver (test-cpu-diff, 64-bit, linked with kemu) generates test
 * cases and sends them through a pipe to diff-native, a 32-bit helper that
 * runs each case on the host CPU; the driver runs the same case in kemu and
 * compares the two DiffResults. Both programs include this header, so it
 * uses only fixed-size fields in packed structs (i386 and x86-64 align
 * 64-bit fields differently).
 *
 * Guest/host address layout (identical on both sides, so register values
 * that are pointers need no translation): an 8 KiB memory window at
 * base (4 KiB of data, then 4 KiB of stack), an unmapped guard page, the
 * 4 KiB code page at base + 0x3000 with the instruction under test at
 * offset DIFF_INSN_OFF. Nothing else is mapped for the instruction (kemu
 * pages the same way), so a stray access faults on both sides. The low layout (base 0x4000) keeps everything
 * below 64 KiB, so 16-bit addressing and 16-bit branch targets work; it
 * needs vm.mmap_min_addr <= 0x4000. Otherwise the helper falls back to the
 * high layout and the driver skips forms that need the low one.
 * Reference: Intel SDM vol. 1 ch. 3 (basic execution environment).
 */
#ifndef TESTS_CPU_DIFF_H
#define TESTS_CPU_DIFF_H

#include <stdint.h>

#define DIFF_MAGIC 0x4b444631u          /* "KDF1" */
#define DIFF_BASE_LOW 0x00004000u
#define DIFF_BASE_HIGH 0x10000000u
#define DIFF_MEM_SIZE 0x2000u           /* data page + stack page */
#define DIFF_STACK_OFF 0x1000u          /* stack page within the window */
#define DIFF_CODE_OFF 0x3000u           /* code page, from base */
#define DIFF_CODE_SIZE 0x1000u
#define DIFF_INSN_OFF 0x800u            /* instruction, within the code page */
#define DIFF_STUB_SIZE 24u              /* room a native exit stub needs */
#define DIFF_CODE_MAX 16u
#define DIFF_PATCH_MAX 24u
#define DIFF_CHG_MAX 1024u
#define DIFF_FPU_SIZE 108u              /* FNSAVE image, 32-bit protected-mode layout */

/* DiffCase.flags */
enum {
    DC_ALT = 1 << 0,                    /* alt_target holds a second exit point */
};

/* Registers in encoding order: EAX ECX EDX EBX ESP EBP ESI EDI. */
typedef struct __attribute__((packed)) DiffPatch {
    uint16_t off;                       /* offset in the memory window */
    uint8_t len;                        /* 1..8 bytes */
    uint8_t val[8];
} DiffPatch;

typedef struct __attribute__((packed)) DiffCase {
    uint32_t id;
    uint32_t regs[8];
    uint32_t eflags;
    uint32_t mem_seed;                  /* initial window = diff_fill(seed), then patches */
    uint32_t ea;                        /* memory operand address (informational) */
    uint16_t alt_target;                /* code-page offset of the branch target (DC_ALT) */
    uint8_t code_len;
    uint8_t npatch;
    uint8_t flags;
    uint8_t pad[3];
    uint8_t code[DIFF_CODE_MAX];
    uint8_t fpu[DIFF_FPU_SIZE];         /* FPU state to load (FRSTOR image) */
    DiffPatch patch[DIFF_PATCH_MAX];
} DiffCase;

/* Segment registers in encoding order: ES CS SS DS FS GS. */
typedef struct __attribute__((packed)) DiffChange {
    uint16_t off;
    uint8_t val;
} DiffChange;

typedef struct __attribute__((packed)) DiffResult {
    uint32_t id;
    uint32_t regs[8];
    uint32_t eflags;
    uint32_t eip;
    uint16_t sregs[6];
    int32_t vector;                     /* exception vector, -1 for none */
    int32_t error_code;                 /* -1 when the vector has none */
    uint32_t cr2;                       /* faulting address of a #PF */
    uint8_t fpu[DIFF_FPU_SIZE];         /* FNSAVE image after the instruction */
    uint32_t mem_hash;                  /* FNV-1a of the whole window */
    uint16_t nchg;                      /* changed bytes listed (at most DIFF_CHG_MAX) */
    uint16_t pad;
    DiffChange chg[DIFF_CHG_MAX];       /* only nchg entries go over the pipe */
} DiffResult;

#define DIFF_RESULT_HDR ((unsigned)(sizeof(DiffResult) - sizeof(DiffChange) * DIFF_CHG_MAX))

/* First message from the helper. */
typedef struct __attribute__((packed)) DiffHello {
    uint32_t magic;
    uint32_t case_size, result_hdr;     /* both sides must agree on the layout */
    uint32_t base;                      /* DIFF_BASE_LOW or DIFF_BASE_HIGH */
    uint16_t sregs[6];                  /* the helper's selectors */
    uint32_t cpuid7_ebx;                /* host CPUID.(7,0).EBX (FPU CS/DS deprecation) */
    uint32_t cpuid1_ecx, cpuid1_edx;
} DiffHello;

/* The initial memory window: deterministic bytes from a seed, then patches. */
static inline void diff_fill(uint8_t *mem, uint32_t seed, const DiffCase *c)
{
    uint32_t x = seed * 2654435761u + 0x9e3779b9u;

    for (unsigned i = 0; i < DIFF_MEM_SIZE; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        mem[i] = x;
        mem[i + 1] = x >> 8;
        mem[i + 2] = x >> 16;
        mem[i + 3] = x >> 24;
    }
    for (unsigned p = 0; p < c->npatch && p < DIFF_PATCH_MAX; p++) {
        for (unsigned k = 0; k < c->patch[p].len && k < 8; k++) {
            unsigned off = c->patch[p].off + k;

            if (off < DIFF_MEM_SIZE)
                mem[off] = c->patch[p].val[k];
        }
    }
}

/* Fill in mem_hash and the change list of r from the window before/after. */
static inline void diff_changes(DiffResult *r, const uint8_t *before, const uint8_t *after)
{
    uint32_t h = 2166136261u;

    r->nchg = 0;
    for (unsigned i = 0; i < DIFF_MEM_SIZE; i++) {
        h = (h ^ after[i]) * 16777619u;
        if (before[i] != after[i] && r->nchg < DIFF_CHG_MAX) {
            r->chg[r->nchg].off = i;
            r->chg[r->nchg].val = after[i];
            r->nchg++;
        }
    }
    r->mem_hash = h;
}

#endif
