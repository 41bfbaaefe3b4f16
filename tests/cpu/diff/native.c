/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: the native oracle (a 32-bit Linux program).
 *
 * Reads batches of DiffCases on stdin and runs each one on the host CPU at
 * CPL 3: the memory window and code page are mapped at the fixed addresses
 * of diff.h, the instruction is copied into the code page (filled with HLT
 * elsewhere, so a stray jump faults), exit stubs are written after it and
 * at the branch target, and native-entry.S loads the registers and runs
 * it. Faults arrive as signals on an alternate stack; the handler takes
 * the vector, error code, registers and FPU state from the signal frame.
 * Writes one DiffResult per case on stdout. Protocol: a DiffHello first;
 * then per batch the driver sends a uint32 count and count DiffCases, and
 * gets count results back (header plus nchg change entries each); a count
 * of 0 ends the program.
 * Reference: Linux i386 signal frames (ucontext_t, REG_TRAPNO, REG_ERR,
 * struct _libc_fpstate, which is the FNSAVE layout).
 */
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "diff.h"

/* Shared with native-entry.S */
uint32_t diff_in_regs[8], diff_in_eflags, diff_in_eip;
uint8_t diff_in_fpu[DIFF_FPU_SIZE] __attribute__((aligned(16)));
uint32_t diff_out_regs[8], diff_out_eflags, diff_out_path;
uint16_t diff_out_sregs[6];
uint8_t diff_out_fpu[DIFF_FPU_SIZE] __attribute__((aligned(16)));
uint32_t diff_host_esp;
uint16_t diff_host_ds, diff_host_fs;
void *diff_save_ptr;
void diff_enter(void);
void diff_save(void);

static uint8_t *mem, *code;
static uint32_t base;
static sigjmp_buf jb;
static volatile int faulted;
static DiffResult fault_res;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int gr[8] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                               REG_UESP, REG_EBP, REG_ESI, REG_EDI };

    (void)sig;
    (void)si;
    for (int i = 0; i < 8; i++)
        fault_res.regs[i] = g[gr[i]];
    fault_res.eflags = g[REG_EFL];
    fault_res.eip = g[REG_EIP];
    fault_res.sregs[0] = g[REG_ES];
    fault_res.sregs[1] = g[REG_CS];
    fault_res.sregs[2] = g[REG_SS];
    fault_res.sregs[3] = g[REG_DS];
    fault_res.sregs[4] = g[REG_FS];
    fault_res.sregs[5] = g[REG_GS];
    fault_res.vector = g[REG_TRAPNO];
    fault_res.error_code = g[REG_ERR];
    fault_res.cr2 = uc->uc_mcontext.cr2;
    if (uc->uc_mcontext.fpregs)
        memcpy(fault_res.fpu, uc->uc_mcontext.fpregs, DIFF_FPU_SIZE);
    else
        memset(fault_res.fpu, 0, DIFF_FPU_SIZE);
    faulted = 1;
    siglongjmp(jb, 1);
}

static void install_handlers(void)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    struct sigaction sa;
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };

    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

static int map_layout(uint32_t b)
{
    void *m = mmap((void *)(uintptr_t)b, DIFF_MEM_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *c;

    if (m != (void *)(uintptr_t)b) {
        if (m != MAP_FAILED)
            munmap(m, DIFF_MEM_SIZE);
        return -1;
    }
    c = mmap((void *)(uintptr_t)(b + DIFF_CODE_OFF), DIFF_CODE_SIZE,
             PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (c != (void *)(uintptr_t)(b + DIFF_CODE_OFF)) {
        munmap(m, DIFF_MEM_SIZE);
        if (c != MAP_FAILED)
            munmap(c, DIFF_CODE_SIZE);
        return -1;
    }
    mem = m;
    code = c;
    base = b;
    return 0;
}

/* movl $path, %ss:diff_out_path; jmp *%ss:diff_save_ptr (18 bytes) */
static void write_stub(uint8_t *p, uint32_t path)
{
    uint32_t a = (uint32_t)(uintptr_t)&diff_out_path;
    uint32_t j = (uint32_t)(uintptr_t)&diff_save_ptr;

    p[0] = 0x36;
    p[1] = 0xc7;
    p[2] = 0x05;
    memcpy(p + 3, &a, 4);
    memcpy(p + 7, &path, 4);
    p[11] = 0x36;
    p[12] = 0xff;
    p[13] = 0x25;
    memcpy(p + 14, &j, 4);
}

static void run_case(const DiffCase *c, DiffResult *r)
{
    static uint8_t before[DIFF_MEM_SIZE];
    uint32_t insn = base + DIFF_CODE_OFF + DIFF_INSN_OFF;
    unsigned len = c->code_len < DIFF_CODE_MAX ? c->code_len : DIFF_CODE_MAX;

    diff_fill(before, c->mem_seed, c);
    memcpy(mem, before, DIFF_MEM_SIZE);
    memset(code, 0xf4, DIFF_CODE_SIZE);
    memcpy(code + DIFF_INSN_OFF, c->code, len);
    write_stub(code + DIFF_INSN_OFF + len, 0);
    if ((c->flags & DC_ALT) && c->alt_target <= DIFF_CODE_SIZE - DIFF_STUB_SIZE)
        write_stub(code + c->alt_target, 1);
    memcpy(diff_in_regs, c->regs, sizeof(diff_in_regs));
    diff_in_eflags = c->eflags;
    diff_in_eip = insn;
    memcpy(diff_in_fpu, c->fpu, DIFF_FPU_SIZE);
    diff_out_path = ~0u;
    faulted = 0;
    memset(r, 0, DIFF_RESULT_HDR);
    if (sigsetjmp(jb, 0) == 0) {
        diff_enter();
        memcpy(r->regs, diff_out_regs, sizeof(r->regs));
        r->eflags = diff_out_eflags;
        r->eip = diff_out_path == 1 ? base + DIFF_CODE_OFF + c->alt_target : insn + len;
        memcpy(r->sregs, diff_out_sregs, sizeof(r->sregs));
        memcpy(r->fpu, diff_out_fpu, DIFF_FPU_SIZE);
        r->vector = -1;
        r->error_code = -1;
    } else {
        uint16_t fs = diff_host_fs;

        __asm__ volatile("movw %0, %%fs" : : "r"(fs));
        __asm__ volatile("fninit");
        memcpy(r, &fault_res, DIFF_RESULT_HDR);
    }
    r->id = c->id;
    diff_changes(r, before, mem);
}

static int read_all(void *buf, size_t n)
{
    uint8_t *p = buf;

    while (n) {
        ssize_t k = read(0, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

static void hello(void)
{
    DiffHello h = { .magic = DIFF_MAGIC, .case_size = sizeof(DiffCase),
                    .result_hdr = DIFF_RESULT_HDR, .base = base };
    unsigned a, b, c, d;

    memcpy(h.sregs, (uint16_t[6]){ 0 }, sizeof(h.sregs));
    __asm__ volatile("movw %%es, %0" : "=m"(h.sregs[0]));
    __asm__ volatile("movw %%cs, %0" : "=m"(h.sregs[1]));
    __asm__ volatile("movw %%ss, %0" : "=m"(h.sregs[2]));
    __asm__ volatile("movw %%ds, %0" : "=m"(h.sregs[3]));
    __asm__ volatile("movw %%fs, %0" : "=m"(h.sregs[4]));
    __asm__ volatile("movw %%gs, %0" : "=m"(h.sregs[5]));
    diff_host_ds = h.sregs[3];
    diff_host_fs = h.sregs[4];
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
        h.cpuid7_ebx = b;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        h.cpuid1_ecx = c;
        h.cpuid1_edx = d;
    }
    fwrite(&h, sizeof(h), 1, stdout);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static DiffResult res;
    DiffCase *cases = NULL;
    uint32_t cap = 0;

    bool high = argc > 1 && !strcmp(argv[1], "--high");

    if ((high || map_layout(DIFF_BASE_LOW)) && map_layout(DIFF_BASE_HIGH)) {
        fprintf(stderr, "diff-native: cannot map the test layout\n");
        return 1;
    }
    diff_save_ptr = (void *)diff_save;
    install_handlers();
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    hello();
    for (;;) {
        uint32_t n;

        if (read_all(&n, 4) || n == 0)
            break;
        if (n > cap) {
            cap = n;
            cases = realloc(cases, (size_t)cap * sizeof(*cases));
            if (!cases)
                return 1;
        }
        if (read_all(cases, (size_t)n * sizeof(*cases)))
            return 1;
        for (uint32_t i = 0; i < n; i++) {
            run_case(&cases[i], &res);
            fwrite(&res, DIFF_RESULT_HDR + res.nchg * sizeof(DiffChange), 1, stdout);
        }
        fflush(stdout);
    }
    free(cases);
    return 0;
}
