/* SPDX-License-Identifier: MIT */
/*
 * Undefined flags and results: kemu against the host CPU.
 *
 * kemu gives the flags (and results) the SDM leaves undefined the values
 * an Intel host produces (docs/cpu-x86.md). For each instruction here, the
 * same operands run natively (inline assembly) and in kemu (32-bit
 * protected mode through x86-test-api.h), and the registers and the six
 * arithmetic flags must agree. On a host that is not GenuineIntel the
 * comparison is skipped: other vendors choose differently.
 */
#include <cpuid.h>
#include <inttypes.h>

#include "kemu/memory.h"
#include "tap.h"
#include "x86-test-api.h"

typedef struct Regs {
    uint64_t eax, ecx, edx, ebx, flags;
} Regs;

#define NATIVE(name, insn)                                                                        \
    static void name(Regs *r)                                                                     \
    {                                                                                             \
        __asm__ volatile("pushq %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpopq %[f]"                 \
                         : "+a"(r->eax), "+c"(r->ecx), "+d"(r->edx), "+b"(r->ebx),                \
                           [f] "+r"(r->flags)                                                     \
                         :                                                                        \
                         : "cc");                                                                 \
    }

NATIVE(n_mul8, "mulb %%cl")
NATIVE(n_mul16, "mulw %%cx")
NATIVE(n_mul32, "mull %%ecx")
NATIVE(n_imul8, "imulb %%cl")
NATIVE(n_imul32, "imull %%ecx")
NATIVE(n_imul2, "imull %%ecx, %%eax")
NATIVE(n_imul3, "imull $-7, %%ecx, %%eax")
NATIVE(n_div16, "divw %%cx")
NATIVE(n_idiv32, "idivl %%ecx")
NATIVE(n_bsf16, "bsfw %%cx, %%ax")
NATIVE(n_bsf32, "bsfl %%ecx, %%eax")
NATIVE(n_bsr32, "bsrl %%ecx, %%eax")
NATIVE(n_bt32, "btl %%ecx, %%eax")
NATIVE(n_bts16, "btsw %%cx, %%ax")
NATIVE(n_btc_i, "btcl $5, %%eax")
NATIVE(n_shld16, "shldw %%cl, %%dx, %%ax")
NATIVE(n_shld32, "shldl %%cl, %%edx, %%eax")
NATIVE(n_shrd16, "shrdw %%cl, %%dx, %%ax")
NATIVE(n_shrd32, "shrdl %%cl, %%edx, %%eax")
NATIVE(n_shl8, "shlb %%cl, %%al")
NATIVE(n_shr16, "shrw %%cl, %%ax")
NATIVE(n_sar32, "sarl %%cl, %%eax")
NATIVE(n_rol8, "rolb %%cl, %%al")
NATIVE(n_ror16, "rorw %%cl, %%ax")
NATIVE(n_rcl8, "rclb %%cl, %%al")
NATIVE(n_rcr16, "rcrw %%cl, %%ax")
NATIVE(n_rcl32, "rcll %%cl, %%eax")
NATIVE(n_and32, "andl %%ecx, %%eax")
NATIVE(n_xor8, "xorb %%cl, %%al")
NATIVE(n_bswap16, ".byte 0x66, 0x0f, 0xc8")
NATIVE(n_neg8, "negb %%al")
NATIVE(n_adc16, "adcw %%cx, %%ax")
NATIVE(n_sbb32, "sbbl %%ecx, %%eax")

typedef struct Case {
    const char *name;
    void (*native)(Regs *);
    uint8_t bytes[8];
    int len;
    bool divide;       /* avoid #DE operands */
} Case;

static const Case cases[] = {
    { "mul cl", n_mul8, { 0xf6, 0xe1 }, 2 },
    { "mul cx", n_mul16, { 0x66, 0xf7, 0xe1 }, 3 },
    { "mul ecx", n_mul32, { 0xf7, 0xe1 }, 2 },
    { "imul cl", n_imul8, { 0xf6, 0xe9 }, 2 },
    { "imul ecx", n_imul32, { 0xf7, 0xe9 }, 2 },
    { "imul eax,ecx", n_imul2, { 0x0f, 0xaf, 0xc1 }, 3 },
    { "imul eax,ecx,-7", n_imul3, { 0x6b, 0xc1, 0xf9 }, 3 },
    { "div cx", n_div16, { 0x66, 0xf7, 0xf1 }, 3, true },
    { "idiv ecx", n_idiv32, { 0xf7, 0xf9 }, 2, true },
    { "bsf ax,cx", n_bsf16, { 0x66, 0x0f, 0xbc, 0xc1 }, 4 },
    { "bsf eax,ecx", n_bsf32, { 0x0f, 0xbc, 0xc1 }, 3 },
    { "bsr eax,ecx", n_bsr32, { 0x0f, 0xbd, 0xc1 }, 3 },
    { "bt eax,ecx", n_bt32, { 0x0f, 0xa3, 0xc8 }, 3 },
    { "bts ax,cx", n_bts16, { 0x66, 0x0f, 0xab, 0xc8 }, 4 },
    { "btc eax,5", n_btc_i, { 0x0f, 0xba, 0xf8, 0x05 }, 4 },
    { "shld ax,dx,cl", n_shld16, { 0x66, 0x0f, 0xa5, 0xd0 }, 4 },
    { "shld eax,edx,cl", n_shld32, { 0x0f, 0xa5, 0xd0 }, 3 },
    { "shrd ax,dx,cl", n_shrd16, { 0x66, 0x0f, 0xad, 0xd0 }, 4 },
    { "shrd eax,edx,cl", n_shrd32, { 0x0f, 0xad, 0xd0 }, 3 },
    { "shl al,cl", n_shl8, { 0xd2, 0xe0 }, 2 },
    { "shr ax,cl", n_shr16, { 0x66, 0xd3, 0xe8 }, 3 },
    { "sar eax,cl", n_sar32, { 0xd3, 0xf8 }, 2 },
    { "rol al,cl", n_rol8, { 0xd2, 0xc0 }, 2 },
    { "ror ax,cl", n_ror16, { 0x66, 0xd3, 0xc8 }, 3 },
    { "rcl al,cl", n_rcl8, { 0xd2, 0xd0 }, 2 },
    { "rcr ax,cl", n_rcr16, { 0x66, 0xd3, 0xd8 }, 3 },
    { "rcl eax,cl", n_rcl32, { 0xd3, 0xd0 }, 2 },
    { "and eax,ecx", n_and32, { 0x21, 0xc8 }, 2 },
    { "xor al,cl", n_xor8, { 0x30, 0xc8 }, 2 },
    { "bswap ax", n_bswap16, { 0x66, 0x0f, 0xc8 }, 3 },
    { "neg al", n_neg8, { 0xf6, 0xd8 }, 2 },
    { "adc ax,cx", n_adc16, { 0x66, 0x11, 0xc8 }, 3 },
    { "sbb eax,ecx", n_sbb32, { 0x19, 0xc8 }, 2 },
};

#define CODE 0x1000
#define FLAGS_MASK 0x8d5

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Operands: mostly random, often small or at the edges. */
static uint32_t operand(void)
{
    static const uint32_t edge[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                     0x7fffffff, 0x80000000u, 0xffffffffu };
    uint64_t r = rnd();

    switch (r & 3) {
    case 0: return edge[(r >> 8) % ARRAY_SIZE(edge)];
    case 1: return (r >> 16) & 0x3f;
    default: return r >> 32;
    }
}

static bool run_case(X86CPU *cpu, const Case *c, Regs in, Regs *out)
{
    X86TestState st = { 0 };
    uint8_t code[16];

    memcpy(code, c->bytes, c->len);
    code[c->len] = 0xf4;
    as_write(&as_memory, CODE, code, c->len + 1);
    st.regs[0] = in.eax;
    st.regs[1] = in.ecx;
    st.regs[2] = in.edx;
    st.regs[3] = in.ebx;
    st.regs[4] = 0x8000;
    st.rip = CODE;
    st.eflags = (in.flags & FLAGS_MASK) | 2;
    x86_test_set_halted(cpu, false);
    x86_test_set_state(cpu, &st);
    x86_test_run(cpu, 2);
    if (x86_test_take_exception(cpu, NULL) >= 0)
        return false;
    x86_test_get_state(cpu, &st);
    out->eax = (uint32_t)st.regs[0];
    out->ecx = (uint32_t)st.regs[1];
    out->edx = (uint32_t)st.regs[2];
    out->ebx = (uint32_t)st.regs[3];
    out->flags = st.eflags & FLAGS_MASK;
    return true;
}

static bool host_is_intel(void)
{
    unsigned a, b, c, d;

    __cpuid(0, a, b, c, d);
    return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

int main(void)
{
    static MemRegion ram;
    Error *err = NULL;
    X86CPU *cpu;
    int iters = getenv("KEMU_TEST_SLOW") ? 200000 : 3000;

    plan(ARRAY_SIZE(cases));
    if (!host_is_intel()) {
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
            ok(1, "# SKIP host is not an Intel CPU (%s)", cases[i].name);
        return done_testing();
    }
    mem_system_init();
    mr_init_ram(&ram, "ram", 1 * MiB);
    mr_add_subregion(&mr_system, 0, &ram);
    cpu = x86_cpu_create("max", 0, &err);
    x86_test_set_mode(cpu, X86_TEST_PM32);
    x86_test_trap_exceptions(cpu, true);

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const Case *c = &cases[i];
        int bad = 0, n = 0;
        char why[200] = "";

        for (int k = 0; k < iters; k++) {
            Regs in = { operand(), operand(), operand(), operand(),
                        (rnd() & FLAGS_MASK) | 0x202 }, nat = in, emu;

            if (c->divide) {
                if ((in.ecx & 0xffff) == 0)
                    in.ecx |= 3;
                in.edx &= 0xff; /* keep most quotients in range */
                nat = in;
            }
            if (!run_case(cpu, c, in, &emu))
                continue;      /* #DE in kemu: skip (the host would fault too) */
            c->native(&nat);
            nat.eax = (uint32_t)nat.eax;
            nat.ecx = (uint32_t)nat.ecx;
            nat.edx = (uint32_t)nat.edx;
            nat.ebx = (uint32_t)nat.ebx;
            nat.flags &= FLAGS_MASK;
            n++;
            if (memcmp(&nat, &emu, sizeof(nat)) && !bad++)
                snprintf(why, sizeof(why),
                         " first: in eax=%08" PRIx64 " ecx=%08" PRIx64 " edx=%08" PRIx64
                         " fl=%03" PRIx64 " host eax=%08" PRIx64 " edx=%08" PRIx64
                         " fl=%03" PRIx64 " kemu eax=%08" PRIx64 " edx=%08" PRIx64 " fl=%03" PRIx64,
                         in.eax, in.ecx, in.edx, in.flags & FLAGS_MASK, nat.eax, nat.edx,
                         nat.flags, emu.eax, emu.edx, emu.flags);
        }
        ok(bad == 0 && n > 0, "%s: %d/%d differ%s", c->name, bad, n, why);
    }
    return done_testing();
}
