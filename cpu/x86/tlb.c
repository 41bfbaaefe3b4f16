/* SPDX-License-Identifier: MIT */
/*
 * Paging and the softmmu TLB: page walks, protection, slow-path accesses.
 *
 * The TLB is direct-mapped, one per privilege (supervisor, user), each
 * entry tagging a linear page separately for read, write and execute. A
 * tag carries flag bits in its low bits that force the slow path: MMIO
 * (device or unassigned memory: as_ld/as_st), CODE (the page holds decoded
 * code, so a write must invalidate it first) or INVALID. A walk sets the
 * accessed bits, and the dirty bit only when a write happens, so a page
 * filled by a read is not writable in the TLB until a write walks again.
 * Supported: 32-bit paging with PSE (4 MiB pages, PSE-36), PAE with NX and
 * 2 MiB pages, 4-level long-mode paging with 1 GiB pages, CR0.WP, global
 * pages. The A20 mask applies to every physical address.
 * Reference: Intel SDM vol. 3A, ch. 4 "Paging" (4.3 32-bit paging, 4.4 PAE,
 * 4.5 4-level, 4.6 access rights, 4.7 page-fault exceptions, 4.10 TLBs).
 */
#include "access.h"
#include "exec.h"

#define PG_P 0x001
#define PG_RW 0x002
#define PG_US 0x004
#define PG_A 0x020
#define PG_D 0x040
#define PG_PS 0x080
#define PG_G 0x100
#define PG_NX (1ULL << 63)

#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_I 0x10

static void tlb_entry_clear(TLBEntry *e)
{
    e->tag[0] = e->tag[1] = e->tag[2] = ~0ULL;
    e->addend = 0;
}

void x86_tlb_flush(CPUX86State *env, bool global)
{
    for (int m = 0; m < MMU_NB; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            if (!global && env->tlbx[m][i].global)
                continue;
            tlb_entry_clear(&env->tlb[m][i]);
            env->tlbx[m][i].global = false;
        }
    }
    if (global) {
        env->tlb_large_lo = ~0ULL;
        env->tlb_large_hi = 0;
    }
    x86_jmp_cache_flush(env);
}

void x86_tlb_flush_page(CPUX86State *env, uint64_t lin)
{
    uint64_t page = lin & TLB_PAGE_MASK;

    if (page >= env->tlb_large_lo && page <= env->tlb_large_hi) {
        x86_tlb_flush(env, true);
        return;
    }
    for (int m = 0; m < MMU_NB; m++) {
        TLBEntry *e = &env->tlb[m][(page >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];

        for (int a = 0; a < 3; a++) {
            if ((e->tag[a] & TLB_PAGE_MASK) == page) {
                tlb_entry_clear(e);
                env->tlbx[m][(page >> TLB_PAGE_BITS) & (TLB_SIZE - 1)].global = false;
                break;
            }
        }
    }
    x86_jmp_cache_flush_page(env, page);
}

/* Mark every TLB entry mapping (mr, page_off) as a code page for writes. */
void x86_tlb_protect_code(CPUX86State *env, MemRegion *mr, hwaddr page_off)
{
    for (int m = 0; m < MMU_NB; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            TLBExtra *x = &env->tlbx[m][i];
            TLBEntry *e = &env->tlb[m][i];

            if (x->mr == mr && x->mr_off == page_off && !(e->tag[ACC_WRITE] & TLB_INVALID))
                e->tag[ACC_WRITE] |= TLB_CODE;
        }
    }
}

/* ---- page walk ---- */

typedef struct Walk {
    uint64_t paddr;     /* physical page address */
    uint64_t size;      /* page size */
    bool user, write, exec, dirty, global;
} Walk;

static uint64_t phys_mask(const CPUX86State *env)
{
    return x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_LM) ? 0x000000fffffff000ULL
                                                         : 0x0000000ffffff000ULL;
}

static uint64_t pte_read(CPUX86State *env, hwaddr a, bool pae)
{
    a &= env->a20_mask;
    return pae ? as_ldq(&as_memory, a) : as_ldl(&as_memory, a);
}

static void pte_write(CPUX86State *env, hwaddr a, uint64_t v, bool pae)
{
    a &= env->a20_mask;
    if (pae)
        as_stl(&as_memory, a, (uint32_t)v); /* A/D live in the low dword */
    else
        as_stl(&as_memory, a, v);
}

static KEMU_NORETURN void walk_fault(CPUX86State *env, uint64_t lin, int err)
{
    env->cr[2] = lin;
    log_mask_printf(LOG_MMU, "#PF lin=%016" PRIx64 " err=%x\n", lin, err);
    x86_raise_exception_err(env, EXCP_PF, err);
}

/* Walk the page tables for lin. Returns 0 or a #PF error code. */
static int walk(CPUX86State *env, uint64_t lin, int acc, bool user, Walk *w, bool update)
{
    bool pae = env->cr[4] & CR4_PAE;
    bool nxe = (env->efer & EFER_NXE) && pae;
    uint64_t pmask = phys_mask(env);
    uint64_t rsvd = pae ? (~pmask & 0x000ffffffffff000ULL) | (nxe ? 0 : PG_NX) : 0;
    uint64_t ptes[5];
    hwaddr addrs[5];
    int n = 0, levels, shift;
    uint64_t e = 0, table;
    bool u = true, rw = true, nx = false;
    int err_base = (acc == ACC_WRITE ? PF_W : 0) | (user ? PF_U : 0) |
                   (acc == ACC_EXEC && nxe ? PF_I : 0);

    if (env->hflags & HF_LMA) {
        levels = 4;
        shift = 39;
        table = env->cr[3] & pmask;
    } else if (pae) {
        uint64_t pdpte;
        hwaddr a = (env->cr[3] & 0xffffffe0u) + ((lin >> 30) & 3) * 8;

        pdpte = pte_read(env, a, true);
        if (!(pdpte & PG_P))
            return err_base;
        if (pdpte & ((rsvd & ~PG_NX) | 0x1e6))
            return err_base | PF_P | PF_RSVD;
        levels = 2;
        shift = 21;
        table = pdpte & pmask;
    } else {
        levels = 2;
        shift = 22;
        table = env->cr[3] & 0xfffff000u;
    }

    for (int lvl = levels; lvl >= 1; lvl--) {
        unsigned idx = pae || (env->hflags & HF_LMA) ? (lin >> shift) & 0x1ff : (lin >> shift) & 0x3ff;
        hwaddr a = table + idx * (pae ? 8 : 4);

        e = pte_read(env, a, pae);
        if (!(e & PG_P))
            return err_base;
        if (e & rsvd)
            return err_base | PF_P | PF_RSVD;
        /* 4-level: PS is reserved in a PML4E, and in a PDPTE without 1 GiB pages */
        if ((env->hflags & HF_LMA) && (e & PG_PS) &&
            (lvl == 4 || (lvl == 3 && !x86_has(env, FEAT_8000_0001_EDX, CPUID_EXT2_PDPE1GB))))
            return err_base | PF_P | PF_RSVD;
        addrs[n] = a;
        ptes[n++] = e;
        u &= !!(e & PG_US);
        rw &= !!(e & PG_RW);
        nx |= nxe && (e & PG_NX);
        if (lvl > 1 && (e & PG_PS) && (lvl == 2 || (lvl == 3 && (env->hflags & HF_LMA)))) {
            if (!pae && !(env->cr[4] & CR4_PSE))
                goto table;
            w->size = 1ULL << shift;
            if (pae) {
                if (e & ((w->size - 1) & 0x000ffffffffff000ULL & ~0x1000ULL))
                    return err_base | PF_P | PF_RSVD;
                w->paddr = (e & pmask & ~(w->size - 1)) | (lin & (w->size - 1) & TLB_PAGE_MASK);
            } else {
                uint64_t hi = (e >> 13) & 0xff; /* PSE-36 bits 32-39 */

                w->paddr = (e & 0xffc00000u) | (hi << 32) | (lin & 0x3ff000u);
                w->paddr &= 0x000000fffffff000ULL;
            }
            goto leaf;
        }
    table:
        if (lvl == 1) {
            w->size = TLB_PAGE_SIZE;
            w->paddr = e & (pae ? pmask : 0xfffff000u);
            goto leaf;
        }
        table = e & (pae ? pmask : 0xfffff000u);
        shift -= pae || (env->hflags & HF_LMA) ? 9 : 10;
    }
    return err_base; /* not reached */

leaf:
    /* Access rights (SDM 4.6) */
    if (user && !u)
        return err_base | PF_P;
    if (acc == ACC_WRITE && !rw && (user || (env->cr[0] & CR0_WP)))
        return err_base | PF_P;
    if (acc == ACC_EXEC && nx)
        return err_base | PF_P;
    if (acc == ACC_EXEC && !user && u && (env->cr[4] & CR4_SMEP))
        return err_base | PF_P;
    /* Accessed bits on every level, dirty on the leaf for writes */
    for (int i = 0; i < n && update; i++) {
        uint64_t v = ptes[i] | PG_A;

        if (i == n - 1 && acc == ACC_WRITE)
            v |= PG_D;
        if (v != ptes[i])
            pte_write(env, addrs[i], v, pae);
    }
    w->user = u;
    w->write = rw || (!user && !(env->cr[0] & CR0_WP));
    w->exec = !nx && !(!user && u && (env->cr[4] & CR4_SMEP));
    w->dirty = (e & PG_D) || acc == ACC_WRITE;
    w->global = (e & PG_G) && (env->cr[4] & CR4_PGE);
    return -1;
}

/* ---- fill ---- */

static bool canonical(uint64_t lin) { return (int64_t)(lin << 16) >> 16 == (int64_t)lin; }

bool x86_tlb_fill(CPUX86State *env, uint64_t lin, int acc, int mmu, bool fault)
{
    uint64_t page = lin & TLB_PAGE_MASK;
    unsigned idx = (page >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    TLBEntry *e = &env->tlb[mmu][idx];
    TLBExtra *x = &env->tlbx[mmu][idx];
    Walk w = { .size = TLB_PAGE_SIZE, .user = true, .write = true, .exec = true, .dirty = true };
    const FlatRange *fr;
    uint64_t pa, ram_flags = 0;

    if (env->hflags & HF_LMA) {
        if (!canonical(lin)) {
            if (!fault)
                return false;
            x86_raise_exception_err(env, EXCP_GP, 0);
        }
    }
    if (env->cr[0] & CR0_PG) {
        int err = walk(env, lin, acc, mmu == MMU_USER, &w, true);

        if (err >= 0) {
            if (!fault)
                return false;
            walk_fault(env, lin, err);
        }
    } else {
        w.paddr = page & 0xffffffffULL;
        if (env->hflags & HF_LMA)
            w.paddr = page;
    }
    if (w.size > TLB_PAGE_SIZE) {
        uint64_t lo = lin & ~(w.size - 1);

        env->tlb_large_lo = MIN(env->tlb_large_lo, lo);
        env->tlb_large_hi = MAX(env->tlb_large_hi, lo + w.size - 1);
    }
    pa = w.paddr & env->a20_mask;
    fr = as_lookup(&as_memory, pa);
    x->paddr = pa;
    x->global = w.global;
    x->mr = NULL;
    x->mr_off = 0;
    if (fr && (fr->mr->type == MR_RAM || fr->mr->type == MR_ROM) && fr->mr->ram &&
        fr->start <= pa && pa + TLB_PAGE_SIZE - 1 <= fr->last) {
        hwaddr off = pa - fr->start + fr->offset;

        x->mr = fr->mr;
        x->mr_off = off;
        e->addend = (uintptr_t)(fr->mr->ram + off) - page;
        if (fr->mr->code_bitmap && fr->mr->code_bitmap[off >> TLB_PAGE_BITS])
            ram_flags = TLB_CODE;
        e->tag[ACC_READ] = page;
        e->tag[ACC_EXEC] = w.exec ? page : ~0ULL;
        if (fr->readonly || fr->mr->type == MR_ROM)
            e->tag[ACC_WRITE] = w.write && w.dirty ? page | TLB_MMIO : ~0ULL;
        else
            e->tag[ACC_WRITE] = w.write && w.dirty ? page | ram_flags : ~0ULL;
    } else {
        e->addend = 0;
        e->tag[ACC_READ] = page | TLB_MMIO;
        e->tag[ACC_EXEC] = w.exec ? page | TLB_MMIO : ~0ULL;
        e->tag[ACC_WRITE] = w.write && w.dirty ? page | TLB_MMIO : ~0ULL;
    }
    if (log_enabled(LOG_MMU))
        log_printf("tlb fill lin=%016" PRIx64 " pa=%016" PRIx64 " acc=%d mmu=%d\n", lin, pa,
                   acc, mmu);
    return true;
}

hwaddr x86_debug_translate(CPUX86State *env, uint64_t lin)
{
    Walk w = { 0 };
    int err;

    if (!(env->cr[0] & CR0_PG))
        return lin & 0xffffffffULL & env->a20_mask;
    err = walk(env, lin, ACC_READ, false, &w, false);
    if (err >= 0)
        return (hwaddr)-1;
    return (w.paddr | (lin & (TLB_PAGE_SIZE - 1))) & env->a20_mask;
}

/* ---- slow paths ---- */

/* Entry for lin/acc/mmu, filled if needed (may fault). */
static TLBEntry *tlb_get(CPUX86State *env, uint64_t lin, int acc, int mmu)
{
    TLBEntry *e = tlb_entry(env, lin, mmu);

    if ((e->tag[acc] & (TLB_PAGE_MASK | TLB_INVALID)) != (lin & TLB_PAGE_MASK))
        x86_tlb_fill(env, lin, acc, mmu, true);
    return e;
}

static uint64_t ld_page(CPUX86State *env, uint64_t lin, unsigned size, int acc, int mmu)
{
    TLBEntry *e = tlb_get(env, lin, acc, mmu);
    TLBExtra *x = &env->tlbx[mmu][(lin >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];

    if (e->tag[acc] & TLB_MMIO) {
        uint64_t v = as_ld(&as_memory, x->paddr | (lin & ~TLB_PAGE_MASK), size, NULL);

        return v;
    }
    return ldn_le((void *)(uintptr_t)(lin + e->addend), size);
}

uint64_t x86_ld_slow(CPUX86State *env, uint64_t lin, unsigned size, int mmu)
{
    uint64_t v = 0;

    if (((lin & ~TLB_PAGE_MASK) + size) <= TLB_PAGE_SIZE)
        return ld_page(env, lin, size, ACC_READ, mmu);
    for (unsigned i = 0; i < size; i++)
        v |= ld_page(env, (lin + i) & env->lin_mask, 1, ACC_READ, mmu) << (8 * i);
    return v;
}

uint64_t x86_ld_code_slow(CPUX86State *env, uint64_t lin, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= ld_page(env, (lin + i) & env->lin_mask, 1, ACC_EXEC, env->mmu_idx) << (8 * i);
    return v;
}

static void st_page(CPUX86State *env, uint64_t lin, uint64_t val, unsigned size, int mmu)
{
    TLBEntry *e = tlb_get(env, lin, ACC_WRITE, mmu);
    unsigned idx = (lin >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    TLBExtra *x = &env->tlbx[mmu][idx];

    if (e->tag[ACC_WRITE] & TLB_MMIO) {
        as_st(&as_memory, x->paddr | (lin & ~TLB_PAGE_MASK), val, size, NULL);
        return;
    }
    if (e->tag[ACC_WRITE] & TLB_CODE) {
        hwaddr off = x->mr_off | (lin & ~TLB_PAGE_MASK);

        if (x->mr->code_bitmap[off >> TLB_PAGE_BITS])
            x86_code_invalidate(x->mr, off, size);
        if (!x->mr->code_bitmap[off >> TLB_PAGE_BITS])
            e->tag[ACC_WRITE] &= ~(uint64_t)TLB_CODE;
    }
    stn_le((void *)(uintptr_t)(lin + e->addend), size, val);
}

void x86_st_slow(CPUX86State *env, uint64_t lin, uint64_t val, unsigned size, int mmu)
{
    if (((lin & ~TLB_PAGE_MASK) + size) <= TLB_PAGE_SIZE) {
        st_page(env, lin, val, size, mmu);
        return;
    }
    /* Crossing a page: both pages must be writable before any byte lands. */
    tlb_get(env, lin, ACC_WRITE, mmu);
    tlb_get(env, (lin + size - 1) & env->lin_mask & TLB_PAGE_MASK, ACC_WRITE, mmu);
    for (unsigned i = 0; i < size; i++)
        st_page(env, (lin + i) & env->lin_mask, val >> (8 * i), 1, mmu);
}

void *x86_tlb_host_page(CPUX86State *env, uint64_t lin, int acc, int mmu)
{
    TLBEntry *e = tlb_get(env, lin, acc, mmu);

    if (e->tag[acc] & TLB_MMIO)
        return NULL;
    return (void *)(uintptr_t)((lin & TLB_PAGE_MASK) + e->addend);
}
