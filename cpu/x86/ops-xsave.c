/* SPDX-License-Identifier: MIT */
/*
 * XSAVE, XSAVEOPT, XRSTOR (standard form) and XGETBV/XSETBV, with the two
 * state components kemu has: x87 (XCR0 bit 0) and SSE (bit 1: XMM and
 * MXCSR). The image is the FXSAVE legacy region (bytes 0-511) plus the
 * 64-byte XSAVE header (XSTATE_BV at 512, XCOMP_BV at 520), 576 bytes,
 * 64-byte aligned. XSAVE marks every requested component as in use
 * (XINUSE may report an initialised component as in use), so XSAVEOPT is
 * the same operation. XRSTOR loads a component whose XSTATE_BV bit is set
 * and initialises the others; MXCSR comes from the image whenever SSE is
 * requested. The compacted form (XSAVEC/XSAVES) is not offered.
 * Reference: Intel SDM vol. 1 ch. 13 "Managing State Using the XSAVE
 * Feature Set" (13.4 XSAVE area, 13.7 XSAVE, 13.8 XRSTOR), vol. 2 XGETBV,
 * XSETBV, XSAVE, XSAVEOPT, XRSTOR.
 */
#include "ops.h"

#define XSAVE_SIZE 576
#define XSAVE_HDR 512

static void need_osxsave(CPUX86State *env)
{
    if (!x86_has(env, FEAT_1_ECX, CPUID_EXT_XSAVE) || !(env->cr[4] & CR4_OSXSAVE))
        x86_raise_exception(env, EXCP_UD);
}

/* #UD, #NM, alignment; returns the image's linear address. */
static uint64_t xsave_prologue(CPUX86State *env, const DecodedInsn *d, int acc)
{
    uint64_t lin;

    need_osxsave(env);
    if (env->cr[0] & CR0_TS)
        x86_raise_exception(env, EXCP_NM);
    lin = x86_lin(env, d->seg, x86_ea(env, d), XSAVE_SIZE, acc);
    if (lin & 63)
        x86_raise_exception_err(env, EXCP_GP, 0);
    return lin;
}

/* The requested-feature bitmap: XCR0 and EDX:EAX. */
static uint64_t xsave_rfbm(CPUX86State *env)
{
    return env->xcr0 & (((uint64_t)(uint32_t)env->regs[R_EDX] << 32) |
                        (uint32_t)env->regs[R_EAX]);
}

static unsigned nxmm(const CPUX86State *env)
{
    return (env->hflags & HF_CS64) ? 16 : 8;
}

static void xsave_common(CPUX86State *env, const DecodedInsn *d)
{
    uint64_t lin = xsave_prologue(env, d, ACC_WRITE), rfbm = xsave_rfbm(env), bv;
    uint8_t img[XSAVE_SIZE];

    memset(img, 0, sizeof(img));
    x86_mem_read_lin(env, (lin + XSAVE_HDR) & env->lin_mask, img + XSAVE_HDR, 8);
    x86_probe_write_lin(env, lin, XSAVE_SIZE);
    x86_fx_image_save(env, img, d->flags & DI_REXW, rfbm & XSTATE_X87, rfbm & XSTATE_SSE);
    if (rfbm & XSTATE_X87) {
        x86_mem_write_lin(env, lin, img, 24);
        x86_mem_write_lin(env, (lin + 32) & env->lin_mask, img + 32, 128);
    }
    if (rfbm & XSTATE_SSE) {
        x86_mem_write_lin(env, (lin + 24) & env->lin_mask, img + 24, 8);
        x86_mem_write_lin(env, (lin + 160) & env->lin_mask, img + 160, 16 * nxmm(env));
    }
    bv = (ldq_le(img + XSAVE_HDR) & ~rfbm) | (rfbm & XSTATE_SUPPORTED);
    stq_le(img + XSAVE_HDR, bv);
    x86_mem_write_lin(env, (lin + XSAVE_HDR) & env->lin_mask, img + XSAVE_HDR, 8);
}

static HANDLER(xsave)
{
    xsave_common(env, d);
}
X86_GEN1_MEM(hs_xsave, xsave);

static HANDLER(xsaveopt)
{
    if (!x86_has(env, FEAT_D_1_EAX, CPUID_D_1_EAX_XSAVEOPT))
        x86_raise_exception(env, EXCP_UD);
    xsave_common(env, d);
}

/* XRSTOR's header checks (SDM 13.8.1): no compacted form, no component
 * outside XCR0, reserved bytes zero. */
static bool xrstor_header_ok(CPUX86State *env, const uint8_t *hdr)
{
    if (ldq_le(hdr) & ~env->xcr0)
        return false;
    for (int i = 8; i < 64; i++)
        if (hdr[i])
            return false;
    return true;
}

static void x87_init_state(X87State *s)
{
    x87_reset(s);
    for (int i = 0; i < 8; i++)
        s->regs[i] = (X87Reg){ 0, 0 };
}

static HANDLER(xrstor)
{
    uint64_t lin = xsave_prologue(env, d, ACC_READ), rfbm = xsave_rfbm(env), bv;
    uint8_t img[XSAVE_SIZE];
    SSEState sse = env->sse;

    x86_mem_read_lin(env, lin, img, XSAVE_SIZE);
    if (!xrstor_header_ok(env, img + XSAVE_HDR))
        x86_raise_exception_err(env, EXCP_GP, 0);
    bv = ldq_le(img + XSAVE_HDR);
    if (rfbm & XSTATE_SSE) {
        if (!sse_ldmxcsr(&sse, ldl_le(img + 24)))
            x86_raise_exception_err(env, EXCP_GP, 0);
        if (bv & XSTATE_SSE)
            memcpy(sse.xmm, img + 160, 16 * nxmm(env));
        else
            memset(sse.xmm, 0, 16 * nxmm(env));
        env->sse = sse;
    }
    if (rfbm & XSTATE_X87) {
        if (!(bv & XSTATE_X87))
            x87_init_state(&env->fpu);
        else if (d->flags & DI_REXW)
            x87_fxrstor64(&env->fpu, img);
        else
            x87_fxrstor(&env->fpu, img);
    }
}
X86_GEN1_MEM(hs_xrstor, xrstor);

/* 0F AE /6: XSAVEOPT, or with 66 CLWB (a write-back hint: only the
 * address checks of a one-byte access). */
static HANDLER(grp15_6)
{
    if (d->flags & DI_OPSIZE) {
        if (!x86_has(env, FEAT_7_0_EBX, CPUID_7_0_EBX_CLWB))
            x86_raise_exception(env, EXCP_UD);
        x86_cache_line_check(env, d);
        return;
    }
    xsaveopt(env, d);
}
X86_GEN1_MEM(hs_grp15_6, grp15_6);

/* ---- XCR0 ---- */

/* 0F 01 D0 XGETBV, 0F 01 D1 XSETBV */
static HANDLER(grp7_d0)
{
    uint64_t v;

    if (d->modrm != 0xd0 && d->modrm != 0xd1)
        x86_op_ud(env, d);
    need_osxsave(env);
    if ((uint32_t)env->regs[R_ECX] != 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    if (d->modrm == 0xd0) {
        env->regs[R_EAX] = (uint32_t)env->xcr0;
        env->regs[R_EDX] = env->xcr0 >> 32;
        return;
    }
    need_cpl0(env);
    v = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];
    if (!(v & XSTATE_X87) || (v & ~(uint64_t)XSTATE_SUPPORTED))
        x86_raise_exception_err(env, EXCP_GP, 0);
    env->xcr0 = v;
}
X86_GEN1(hs_grp7_d0, grp7_d0);
