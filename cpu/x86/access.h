/* SPDX-License-Identifier: MIT */
/*
 * Guest memory accesses from instruction handlers: the inline fast paths.
 *
 * An access goes segment check -> linear address -> TLB. The segment check
 * is one subtraction and one compare against a window precomputed at
 * segment load (limit, expand-down, read/write rights, null selector all
 * folded in; see x86_seg_update_window). The TLB hit is a compare of the
 * tag with the page of the access's last byte (so page-crossing accesses
 * and tags with flag bits miss) and an add of the host addend.
 * Everything else is in tlb.c (slow paths) and seg.c (faults).
 * Reference: Intel SDM vol. 3A, 5.3 "Limit Checking", 4 "Paging".
 */
#ifndef CPU_X86_ACCESS_H
#define CPU_X86_ACCESS_H

#include "cpu.h"

/* ---- registers ---- */

#define REGP8(env, off) ((uint8_t *)(env)->regs + (off))
static inline uint64_t reg_read(const CPUX86State *env, unsigned off, int sz)
{
    const uint8_t *p = (const uint8_t *)env->regs + off;

    switch (sz) {
    case 0: return *p;
    case 1: return *(const uint16_t *)p;
    case 2: return *(const uint32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

static inline void reg_write(CPUX86State *env, unsigned off, int sz, uint64_t v)
{
    uint8_t *p = (uint8_t *)env->regs + off;

    switch (sz) {
    case 0: *p = v; break;
    case 1: *(uint16_t *)p = v; break;
    case 2: *(uint64_t *)p = (uint32_t)v; break;
    default: *(uint64_t *)p = v; break;
    }
}

/* ---- segmentation ---- */

static inline uint64_t x86_lin(CPUX86State *env, int seg, uint64_t off, unsigned size, int acc)
{
    const SegCache *sc = &env->segs[seg];

    if (unlikely(off - sc->lo[acc] + (size - 1) > sc->span[acc]))
        x86_seg_fault(env, seg, off, size, acc);
    return (sc->base + off) & env->lin_mask;
}

/* ---- TLB ---- */

static inline TLBEntry *tlb_entry(CPUX86State *env, uint64_t lin, int mmu)
{
    return &env->tlb[mmu][(lin >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
}

static inline void *tlb_hit(CPUX86State *env, uint64_t lin, unsigned size, int acc, int mmu)
{
    TLBEntry *e = tlb_entry(env, lin, mmu);

    if (likely(e->tag[acc] == ((lin + size - 1) & TLB_PAGE_MASK)))
        return (void *)(uintptr_t)(lin + e->addend);
    return NULL;
}

#define X86_DEF_LIN_ACCESS(sfx, type, size, ld, st)                                               \
    static inline type x86_ld##sfx##_lin(CPUX86State *env, uint64_t lin, int mmu)                \
    {                                                                                             \
        void *p = tlb_hit(env, lin, size, ACC_READ, mmu);                                         \
        if (likely(p))                                                                            \
            return ld(p);                                                                         \
        return (type)x86_ld_slow(env, lin, size, mmu);                                            \
    }                                                                                             \
    static inline void x86_st##sfx##_lin(CPUX86State *env, uint64_t lin, type v, int mmu)         \
    {                                                                                             \
        void *p = tlb_hit(env, lin, size, ACC_WRITE, mmu);                                        \
        if (likely(p))                                                                            \
            st(p, v);                                                                             \
        else                                                                                      \
            x86_st_slow(env, lin, v, size, mmu);                                                  \
    }                                                                                             \
    static inline type x86_ld##sfx(CPUX86State *env, int seg, uint64_t off)                       \
    {                                                                                             \
        return x86_ld##sfx##_lin(env, x86_lin(env, seg, off, size, ACC_READ), env->mmu_idx);      \
    }                                                                                             \
    static inline void x86_st##sfx(CPUX86State *env, int seg, uint64_t off, type v)               \
    {                                                                                             \
        x86_st##sfx##_lin(env, x86_lin(env, seg, off, size, ACC_WRITE), v, env->mmu_idx);         \
    }

static inline uint8_t ldb_p(const void *p) { return *(const uint8_t *)p; }
static inline void stb_p(void *p, uint8_t v) { *(uint8_t *)p = v; }

X86_DEF_LIN_ACCESS(b, uint8_t, 1, ldb_p, stb_p)
X86_DEF_LIN_ACCESS(w, uint16_t, 2, ldw_le, stw_le)
X86_DEF_LIN_ACCESS(l, uint32_t, 4, ldl_le, stl_le)
X86_DEF_LIN_ACCESS(q, uint64_t, 8, ldq_le, stq_le)

/* Sized by log2 of the byte count. */
static inline uint64_t x86_ld_sz(CPUX86State *env, int seg, uint64_t off, int sz)
{
    switch (sz) {
    case 0: return x86_ldb(env, seg, off);
    case 1: return x86_ldw(env, seg, off);
    case 2: return x86_ldl(env, seg, off);
    default: return x86_ldq(env, seg, off);
    }
}

static inline void x86_st_sz(CPUX86State *env, int seg, uint64_t off, uint64_t v, int sz)
{
    switch (sz) {
    case 0: x86_stb(env, seg, off, v); break;
    case 1: x86_stw(env, seg, off, v); break;
    case 2: x86_stl(env, seg, off, v); break;
    default: x86_stq(env, seg, off, v); break;
    }
}

static inline uint64_t x86_ld_lin_sz(CPUX86State *env, uint64_t lin, int sz, int mmu)
{
    switch (sz) {
    case 0: return x86_ldb_lin(env, lin, mmu);
    case 1: return x86_ldw_lin(env, lin, mmu);
    case 2: return x86_ldl_lin(env, lin, mmu);
    default: return x86_ldq_lin(env, lin, mmu);
    }
}

static inline void x86_st_lin_sz(CPUX86State *env, uint64_t lin, uint64_t v, int sz, int mmu)
{
    switch (sz) {
    case 0: x86_stb_lin(env, lin, v, mmu); break;
    case 1: x86_stw_lin(env, lin, v, mmu); break;
    case 2: x86_stl_lin(env, lin, v, mmu); break;
    default: x86_stq_lin(env, lin, v, mmu); break;
    }
}

/* Read-modify-write: a host pointer when the whole operand is writable RAM
 * in one page, else NULL after making sure a write would not fault (so the
 * caller can use the slow load/store pair safely). */
static inline void *x86_rmw_ptr(CPUX86State *env, uint64_t lin, unsigned size)
{
    void *p = tlb_hit(env, lin, size, ACC_WRITE, env->mmu_idx);

    if (likely(p))
        return p;
    x86_tlb_fill(env, lin, ACC_WRITE, env->mmu_idx, true);
    if (((lin + size - 1) ^ lin) & TLB_PAGE_MASK)
        x86_tlb_fill(env, (lin + size - 1) & env->lin_mask & TLB_PAGE_MASK, ACC_WRITE,
                     env->mmu_idx, true);
    return tlb_hit(env, lin, size, ACC_WRITE, env->mmu_idx);
}

/* ---- stack ---- */

static inline uint64_t x86_sp_lin(CPUX86State *env, uint64_t sp, unsigned size, int acc)
{
    return x86_lin(env, R_SS, sp, size, acc);
}

#endif
