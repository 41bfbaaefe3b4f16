/* SPDX-License-Identifier: MIT */
/*
 * Native x87/MMX oracle for the differential tests: runs one instruction
 * on the host CPU with a given FPU state.
 *
 * Each encoding gets a small generated function: FRSTOR the state image,
 * load RFLAGS and RAX, run the instruction (memory forms address a buffer
 * through [rsi]), store RFLAGS and RAX, FNSAVE the state. Unmasked
 * exceptions never trap because FNSAVE does not wait. SIGILL (#UD) is
 * caught and reported. x86-64 Linux hosts only.
 */
#ifndef TEST_X87_NATIVE_H
#define TEST_X87_NATIVE_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct NativeCtx {
    uint8_t image[108];      /* 0: FNSAVE image, 32-bit protected-mode layout */
    uint8_t pad[4];
    uint64_t rflags;         /* 112 */
    uint64_t rax;            /* 120 */
    uint8_t mem[256];        /* 128: memory operand */
} NativeCtx;

typedef void NativeFn(NativeCtx *c);

static uint8_t *native_arena;
static size_t native_used;
static sigjmp_buf native_jb;
static volatile sig_atomic_t native_sig;

static void native_handler(int sig)
{
    native_sig = sig;
    siglongjmp(native_jb, 1);
}

static void native_init(void)
{
    struct sigaction sa;

    native_arena = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (native_arena == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = native_handler;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

/* Build the oracle for one instruction (memory forms must use [rsi]). */
static NativeFn *native_build(const uint8_t *insn, unsigned len)
{
    static const uint8_t head[] = {
        0xdd, 0x27,                               /* frstor [rdi] */
        0x48, 0x8d, 0xb7, 0x80, 0x00, 0x00, 0x00, /* lea rsi, [rdi+128] */
        0x48, 0x8b, 0x47, 0x78,                   /* mov rax, [rdi+120] */
        0xff, 0x77, 0x70,                         /* push qword [rdi+112] */
        0x9d,                                     /* popfq */
    };
    static const uint8_t tail[] = {
        0x9c,                                     /* pushfq */
        0x8f, 0x47, 0x70,                         /* pop qword [rdi+112] */
        0x48, 0x89, 0x47, 0x78,                   /* mov [rdi+120], rax */
        0xdd, 0x37,                               /* fnsave [rdi] */
        0xc3,                                     /* ret */
    };
    uint8_t *p = native_arena + native_used;

    if (native_used + 64 > (1 << 20)) {
        fprintf(stderr, "native arena full\n");
        exit(1);
    }
    memcpy(p, head, sizeof(head));
    memcpy(p + sizeof(head), insn, len);
    memcpy(p + sizeof(head) + len, tail, sizeof(tail));
    native_used += 64;
    return (NativeFn *)(void *)p;
}

/* Returns 0, or the signal (SIGILL for #UD) that stopped the instruction. */
static int native_run(NativeFn *fn, NativeCtx *c)
{
    native_sig = 0;
    if (sigsetjmp(native_jb, 0)) {
        __asm__ volatile("fninit");
        return native_sig;
    }
    fn(c);
    return 0;
}

#endif
