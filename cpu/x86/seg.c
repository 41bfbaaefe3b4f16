/* SPDX-License-Identifier: MIT */
/*
 * Segmentation: descriptor tables, segment register loads, limit checks.
 *
 * A segment register's hidden part (base, limit, attributes) is loaded
 * from the GDT/LDT in protected mode, or only the base (selector << 4) in
 * real and virtual-8086 mode, so the limit and attributes stay cached:
 * this is what makes "unreal mode" work. From the cache this file derives
 * the access window used by the inline fast path (access.h), folding
 * limit, expand-down direction, read/write rights and null selectors into
 * one range per access type; in 64-bit mode the window is the canonical
 * range instead.
 * Reference: Intel SDM vol. 3A, ch. 3 "Protected-Mode Memory Management"
 * (3.4.5 segment descriptors), 5.3-5.6 (limit and type checking, privilege
 * levels for data and stack segments), 5.10 LDT/TSS descriptors.
 */
#include "access.h"

uint64_t x86_desc_base(uint32_t lo, uint32_t hi)
{
    return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
}

uint32_t x86_desc_limit(uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000u);

    if (hi & DESC_G_MASK)
        limit = (limit << 12) | 0xfff;
    return limit;
}

void x86_seg_update_window(CPUX86State *env, SegCache *sc, int seg)
{
    uint32_t f = sc->flags;
    uint64_t upper;

    if (env->hflags & HF_CS64) {
        /* No limits or rights, but base + off must be canonical (#GP(0),
         * #SS(0) for the stack): the window [-2^47 - base, 2^47 - base)
         * wraps around 2^64, so a plain offset compare still works. */
        for (int a = 0; a < 2; a++) {
            sc->lo[a] = 0xffff800000000000ULL - sc->base;
            sc->span[a] = (1ULL << 48) - 1;
        }
        return;
    }
    if (!(env->hflags & HF_PE) || (env->eflags & VM_MASK)) {
        for (int a = 0; a < 2; a++) {
            sc->lo[a] = 0;
            sc->span[a] = sc->limit;
        }
        return;
    }
    /* Protected mode: rights first, with "never" as an empty window. */
    for (int a = 0; a < 2; a++) {
        sc->lo[a] = ~0ULL;
        sc->span[a] = 0;
    }
    if (!(f & DESC_P_MASK) || !(f & DESC_S_MASK))
        return; /* null selector or not a code/data segment */
    if (f & DESC_CS_MASK) {
        if (f & DESC_R_MASK) {
            sc->lo[ACC_READ] = 0;
            sc->span[ACC_READ] = sc->limit;
        }
        return;
    }
    if (f & DESC_E_MASK) {
        upper = (f & DESC_B_MASK) ? 0xffffffffULL : 0xffffULL;
        sc->lo[ACC_READ] = (uint64_t)sc->limit + 1;
        sc->span[ACC_READ] = upper - sc->lo[ACC_READ];
        if ((uint64_t)sc->limit >= upper) {
            sc->lo[ACC_READ] = ~0ULL;
            sc->span[ACC_READ] = 0;
        }
    } else {
        sc->lo[ACC_READ] = 0;
        sc->span[ACC_READ] = sc->limit;
    }
    if (f & DESC_W_MASK) {
        sc->lo[ACC_WRITE] = sc->lo[ACC_READ];
        sc->span[ACC_WRITE] = sc->span[ACC_READ];
    }
}

void x86_seg_set_base(CPUX86State *env, int seg, uint64_t base)
{
    env->segs[seg].base = base;
    x86_seg_update_window(env, &env->segs[seg], seg);
}

void x86_seg_set_cache(CPUX86State *env, int seg, uint16_t sel, uint64_t base, uint32_t limit,
                       uint32_t flags)
{
    SegCache *sc = &env->segs[seg];

    sc->sel = sel;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;
    if (seg == R_CS || seg == R_SS) {
        x86_update_hflags(env); /* recomputes every window */
        return;
    }
    x86_seg_update_window(env, sc, seg);
}

void x86_seg_load_real(CPUX86State *env, int seg, uint16_t sel)
{
    SegCache *sc = &env->segs[seg];

    sc->sel = sel;
    sc->base = (uint64_t)sel << 4;
}

KEMU_NORETURN void x86_seg_fault(CPUX86State *env, int seg, uint64_t off, unsigned size,
                                 int acc)
{
    log_guest_error("x86: segment %d access at %#" PRIx64 " size %u (%s) outside limit/rights\n",
                    seg, off, size, acc == ACC_WRITE ? "write" : "read");
    x86_raise_exception_err(env, seg == R_SS ? EXCP_SS : EXCP_GP, 0);
}

/* ---- descriptor tables ---- */

bool x86_load_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    const DescTable *dt;
    DescTable ldt;
    uint32_t idx = sel & ~7u;
    uint64_t lin;

    if (sel & 4) {
        ldt.base = env->ldt.base;
        ldt.limit = env->ldt.limit;
        if (!(env->ldt.flags & DESC_P_MASK) || (env->ldt.sel & ~3) == 0)
            return false;
        dt = &ldt;
    } else {
        dt = &env->gdt;
    }
    if (idx + 7 > dt->limit)
        return false;
    lin = (dt->base + idx) & env->lin_mask;
    if (!(env->hflags & HF_LMA))
        lin &= 0xffffffffULL;
    *lo = x86_ldl_lin(env, lin, MMU_SUP);
    *hi = x86_ldl_lin(env, lin + 4, MMU_SUP);
    return true;
}

void x86_desc_set_accessed(CPUX86State *env, uint16_t sel, uint32_t hi)
{
    uint64_t base = (sel & 4) ? env->ldt.base : env->gdt.base;

    if (hi & DESC_A_MASK)
        return;
    x86_stl_lin(env, (base + (sel & ~7u) + 4) & env->lin_mask, hi | DESC_A_MASK, MMU_SUP);
}

/* ---- loads with protection checks ---- */

static void seg_load_null(CPUX86State *env, int seg, uint16_t sel)
{
    x86_seg_set_cache(env, seg, sel, 0, 0, 0);
}

static void seg_load_ss(CPUX86State *env, uint16_t sel)
{
    int cpl = x86_cpl(env);
    uint32_t lo, hi, dpl;

    if ((sel & ~3) == 0) {
        if ((env->hflags & HF_CS64) && cpl != 3 && (sel & 3) == cpl) {
            x86_seg_set_cache(env, R_SS, sel, 0, 0xffffffff,
                              DESC_S_MASK | DESC_P_MASK | DESC_W_MASK | DESC_B_MASK |
                                  (cpl << DESC_DPL_SHIFT));
            return;
        }
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if (!x86_load_desc(env, sel, &lo, &hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if ((sel & 3) != cpl || dpl != cpl || !(hi & DESC_S_MASK) || (hi & DESC_CS_MASK) ||
        !(hi & DESC_W_MASK))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_SS, sel & 0xfffc);
    x86_desc_set_accessed(env, sel, hi);
    x86_seg_set_cache(env, R_SS, sel, x86_desc_base(lo, hi), x86_desc_limit(lo, hi),
                      (hi | DESC_A_MASK) & DESC_ATTR_MASK);
}

static void seg_load_data(CPUX86State *env, int seg, uint16_t sel)
{
    int cpl = x86_cpl(env);
    uint32_t lo, hi, dpl, rpl = sel & 3;

    if ((sel & ~3) == 0) {
        seg_load_null(env, seg, sel);
        return;
    }
    if (!x86_load_desc(env, sel, &lo, &hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if (!(hi & DESC_S_MASK) || ((hi & DESC_CS_MASK) && !(hi & DESC_R_MASK)))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    /* data or non-conforming code: DPL >= max(CPL, RPL) */
    if (!((hi & DESC_CS_MASK) && (hi & DESC_C_MASK)) && (rpl > dpl || (uint32_t)cpl > dpl))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
    x86_desc_set_accessed(env, sel, hi);
    x86_seg_set_cache(env, seg, sel, x86_desc_base(lo, hi), x86_desc_limit(lo, hi),
                      (hi | DESC_A_MASK) & DESC_ATTR_MASK);
}

void x86_seg_load(CPUX86State *env, int seg, uint16_t sel)
{
    if (!(env->hflags & HF_PE) || (env->eflags & VM_MASK)) {
        x86_seg_load_real(env, seg, sel);
        return;
    }
    if (seg == R_SS)
        seg_load_ss(env, sel);
    else
        seg_load_data(env, seg, sel);
}

/* After a privilege drop (RET/IRET to an outer level), data segments the
 * new CPL may not use are nulled (SDM RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
void x86_seg_validate_outer(CPUX86State *env, int seg)
{
    SegCache *sc = &env->segs[seg];
    int dpl = (sc->flags >> DESC_DPL_SHIFT) & 3;

    if ((sc->sel & ~3) == 0)
        return;
    if ((!(sc->flags & DESC_CS_MASK) || !(sc->flags & DESC_C_MASK)) && dpl < x86_cpl(env))
        x86_seg_set_cache(env, seg, 0, 0, 0, 0);
}

/* ---- LDTR and TR ---- */

static void load_system_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi,
                             uint64_t *base)
{
    if (sel & 4)
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!x86_load_desc(env, sel, lo, hi))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    *base = x86_desc_base(*lo, *hi);
    if (env->hflags & HF_LMA) {
        uint64_t lin = (env->gdt.base + (sel & ~7u) + 8) & env->lin_mask;

        if ((sel & ~7u) + 15 > env->gdt.limit)
            x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
        *base |= (uint64_t)x86_ldl_lin(env, lin, MMU_SUP) << 32;
    }
}

void x86_load_ldtr(CPUX86State *env, uint16_t sel)
{
    uint32_t lo, hi;
    uint64_t base;

    if ((sel & ~3) == 0) {
        env->ldt = (SegCache){ .sel = sel };
        return;
    }
    load_system_desc(env, sel, &lo, &hi, &base);
    if ((hi & DESC_S_MASK) || ((hi >> DESC_TYPE_SHIFT) & 0xf) != 2)
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
    env->ldt = (SegCache){ .sel = sel, .base = base, .limit = x86_desc_limit(lo, hi),
                           .flags = hi & DESC_ATTR_MASK };
}

void x86_load_tr(CPUX86State *env, uint16_t sel)
{
    uint32_t lo, hi, type;
    uint64_t base;

    if ((sel & ~3) == 0)
        x86_raise_exception_err(env, EXCP_GP, 0);
    load_system_desc(env, sel, &lo, &hi, &base);
    type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    if ((hi & DESC_S_MASK) || (type != 1 && type != 9))
        x86_raise_exception_err(env, EXCP_GP, sel & 0xfffc);
    if (!(hi & DESC_P_MASK))
        x86_raise_exception_err(env, EXCP_NP, sel & 0xfffc);
    hi |= 2 << DESC_TYPE_SHIFT; /* busy */
    x86_stl_lin(env, (env->gdt.base + (sel & ~7u) + 4) & env->lin_mask, hi, MMU_SUP);
    env->tr = (SegCache){ .sel = sel, .base = base, .limit = x86_desc_limit(lo, hi),
                          .flags = hi & DESC_ATTR_MASK };
}
