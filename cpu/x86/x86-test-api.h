/* SPDX-License-Identifier: MIT */
/*
 * Driving the x86 CPU from C tests, without a board.
 *
 * A test creates a CPU (x86_cpu_create), maps memory in as_memory itself,
 * sets registers and segments, runs a number of instructions and inspects
 * the result. Exceptions are either delivered normally (through the
 * IVT/IDT in guest memory) or trapped: with trapping on, the CPU stops at
 * the faulting instruction and the test reads the vector and error code.
 * Used by tests/cpu (the 80286 vector runner, the asm harness) and meant
 * for native-vs-emulated differential tests.
 */
#ifndef CPU_X86_TEST_API_H
#define CPU_X86_TEST_API_H

#include "kemu/x86.h"

typedef struct X86TestState {
    uint64_t regs[16];     /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15 */
    uint64_t rip;
    uint32_t eflags;
    uint16_t sel[6];       /* ES CS SS DS FS GS */
    uint64_t base[6];      /* segment bases (read back) */
} X86TestState;

enum {
    X86_TEST_REAL,         /* real mode, 64 KiB segments, base = sel << 4 */
    X86_TEST_PM32,         /* flat 32-bit protected mode (cached descriptors, CPL 0) */
    X86_TEST_PM16,         /* flat 16-bit protected mode */
};                         /* (64-bit mode: x86_test_enter_long64) */

/* Put the CPU in a mode without going through guest code. */
void x86_test_set_mode(X86CPU *cpu, int mode);
void x86_test_get_state(X86CPU *cpu, X86TestState *s);
/* Load registers, EFLAGS and rip; segments are loaded the way the current
 * mode loads them (real mode: base = sel << 4; PM32/PM16: flat, sel kept). */
void x86_test_set_state(X86CPU *cpu, const X86TestState *s);
/* Run at most max_insns instructions; stops early at HLT (halted) or when a
 * trapped exception occurs. Returns the number of instructions retired. */
int64_t x86_test_run(X86CPU *cpu, int64_t max_insns);
bool x86_test_halted(X86CPU *cpu);
void x86_test_set_halted(X86CPU *cpu, bool halted);
/* Trap exceptions instead of delivering them. */
void x86_test_trap_exceptions(X86CPU *cpu, bool trap);
/* The first exception or interrupt raised since the last call (vector, -1
 * if none) and its error code (-1 if none). Clears the record. */
int x86_test_take_exception(X86CPU *cpu, int *error_code);
/* Control registers (CR0, CR3, CR4) with all side effects. */
void x86_test_set_cr(X86CPU *cpu, int cr, uint64_t val);
uint64_t x86_test_get_cr(X86CPU *cpu, int cr);
/* 64-bit mode at CPL 0 (flat segments): CR4.PAE, EFER.LME/LMA, CR3 = pml4
 * (4-level tables the caller has built), CR0.PE/PG, a 64-bit CS. */
void x86_test_enter_long64(X86CPU *cpu, uint64_t pml4);
/* The x87/MMX/SSE state as a 64-bit FXSAVE image (SDM vol. 1 table 10-2:
 * MXCSR at 24, XMM0-15 at 160), whatever the mode and CR4.OSFXSR. */
void x86_test_fxsave(X86CPU *cpu, uint8_t img[512]);
/* Load it back; false (nothing changed) for reserved MXCSR bits. */
bool x86_test_fxrstor(X86CPU *cpu, const uint8_t img[512]);

#endif
