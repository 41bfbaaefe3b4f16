/* SPDX-License-Identifier: MIT */
/*
 * x87 arithmetic unit: the guest instruction runs on the host's own x87.
 *
 * For bit-exact results (rounding, precision control, C1, NaN propagation,
 * pseudo-denormals and unnormals, transcendental functions) the guest
 * instruction is executed by the host FPU: FRSTOR loads a small state (the
 * guest FCW and condition codes, its operands in ST0/ST1), the instruction
 * runs from a stub with the same escape and ModRM bytes (memory forms
 * address a buffer through RSI), FNSAVE reads everything back. Unmasked
 * guest exceptions never trap on the host: the only FP instruction after
 * the stub is FNSAVE, which does not wait, and it reinitialises the FPU.
 * The host's own FCW is saved and restored around the call.
 *
 * This ties the engine to x86-64 hosts; another host needs a softfloat
 * implementation of x87_host_exec(). Reference: Intel SDM Vol 1 ch 8,
 * Vol 2 FRSTOR/FNSAVE (32-bit protected-mode image, Fig 8-10).
 */
#include "x87-int.h"

#if !defined(__x86_64__)
#error "x87-host.c runs guest x87 instructions on the host: it needs an x86-64 host"
#endif

/* Frame shared with the assembly below; offsets are fixed. */
typedef struct X87HostFrame {
    uint8_t image[108];      /* 0: FNSAVE image, 32-bit protected-mode layout */
    uint8_t pad[4];
    uint64_t rflags;         /* 112 */
    uint64_t rax;            /* 120 */
    uint8_t mem[16];         /* 128: memory operand, addressed as [rsi] */
} X87HostFrame;

_Static_assert(offsetof(X87HostFrame, rflags) == 112, "frame layout");
_Static_assert(offsetof(X87HostFrame, rax) == 120, "frame layout");
_Static_assert(offsetof(X87HostFrame, mem) == 128, "frame layout");

void x87_host_call(X87HostFrame *f, const void *stub);
extern const uint8_t x87_host_stubs[];

/*
 * x87_host_call(frame, stub): rdi = frame, rsi = stub.
 * Stubs: 8 per escape byte for memory forms (ModRM = reg << 3 | 6, i.e.
 * [rsi]) then 64 register forms (ModRM C0..FF), 8 bytes each:
 * endbr64; esc modrm; ret; int3.
 */
__asm__(".text\n"
        ".p2align 4\n"
        ".type x87_host_call, @function\n"
        ".hidden x87_host_call\n"
        ".globl x87_host_call\n"
        "x87_host_call:\n"
        "    endbr64\n"
        "    push %rbx\n"
        "    sub $16, %rsp\n"
        "    fnstcw (%rsp)\n"
        "    mov %rsi, %rbx\n"
        "    frstor (%rdi)\n"
        "    lea 128(%rdi), %rsi\n"
        "    mov 120(%rdi), %rax\n"
        "    pushq 112(%rdi)\n"
        "    popfq\n"
        "    call *%rbx\n"
        "    pushfq\n"
        "    popq 112(%rdi)\n"
        "    mov %rax, 120(%rdi)\n"
        "    fnsave (%rdi)\n"
        "    fldcw (%rsp)\n"
        "    add $16, %rsp\n"
        "    pop %rbx\n"
        "    ret\n"
        ".size x87_host_call, . - x87_host_call\n"
        ".p2align 4\n"
        ".type x87_host_stubs, @object\n"
        ".hidden x87_host_stubs\n"
        ".globl x87_host_stubs\n"
        "x87_host_stubs:\n"
        ".set esc_, 0\n"
        ".rept 8\n"
        "  .set reg_, 0\n"
        "  .rept 8\n"
        "    .byte 0xf3, 0x0f, 0x1e, 0xfa, 0xd8 + esc_, (reg_ << 3) | 6, 0xc3, 0xcc\n"
        "    .set reg_, reg_ + 1\n"
        "  .endr\n"
        "  .set rm_, 0xc0\n"
        "  .rept 64\n"
        "    .byte 0xf3, 0x0f, 0x1e, 0xfa, 0xd8 + esc_, rm_, 0xc3, 0xcc\n"
        "    .set rm_, rm_ + 1\n"
        "  .endr\n"
        "  .set esc_, esc_ + 1\n"
        ".endr\n"
        ".size x87_host_stubs, . - x87_host_stubs\n");

/* EFLAGS bits the stub may see: arithmetic flags only (never TF, AC or DF). */
#define HOST_EFLAGS_IN 0x8d5u

static const void *host_stub(uint8_t esc, uint8_t modrm)
{
    unsigned idx = (modrm >> 6) == 3 ? 8 + (modrm & 0x3f) : (modrm >> 3) & 7;
    return x87_host_stubs + 8 * ((esc & 7) * 72 + idx);
}

static void host_put_reg(uint8_t *p, X87Reg r)
{
    stq_le(p, r.mant);
    stw_le(p + 8, r.sexp);
}

static X87Reg host_get_reg(const uint8_t *p)
{
    return (X87Reg){ .mant = ldq_le(p), .sexp = ldw_le(p + 8) };
}

void x87_host_exec(X87Host *h, uint8_t esc, uint8_t modrm)
{
    X87HostFrame f;

    memset(&f, 0, sizeof(f));
    stw_le(f.image + 0, h->fcw);
    stw_le(f.image + 4, h->fsw & X87_FSW_CC);
    stw_le(f.image + 8, h->ftw | 0xfff0);
    host_put_reg(f.image + 28, h->in[0]);
    host_put_reg(f.image + 38, h->in[1]);
    memcpy(f.mem, h->mem, sizeof(f.mem));
    f.rflags = 0x202 | (h->eflags & HOST_EFLAGS_IN);

    x87_host_call(&f, host_stub(esc, modrm));

    h->fsw = ldw_le(f.image + 4);
    h->ftw = ldw_le(f.image + 8);
    for (unsigned i = 0; i < 8; i++)
        h->r[(((h->fsw >> 11) & 7) + i) & 7] = host_get_reg(f.image + 28 + 10 * i);
    memcpy(h->mem, f.mem, sizeof(h->mem));
    h->eflags = (uint32_t)f.rflags;
    h->ax = (uint16_t)f.rax;
}
