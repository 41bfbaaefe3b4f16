/* SPDX-License-Identifier: MIT */
/*
 * The execution loop and the decoded-block cache.
 *
 * exec() runs blocks until the instruction budget is spent, the CPU halts,
 * or a device asks the CPU to stop (exit_request). External interrupts and
 * NMIs are taken between blocks, honouring IF and the one-instruction
 * shadow after STI / MOV SS / POP SS. Faults siglongjmp back here with rip
 * still at the faulting instruction (handlers commit rip only when they
 * finish) and are delivered through the IDT/IVT.
 *
 * Blocks live in one arena, shared by all CPUs (code is physical); when it
 * fills up, everything is dropped and decoding starts again. See exec.h for
 * lookup and invalidation.
 * Reference: Intel SDM vol. 3A, 6.8 "Enabling and Disabling Interrupts"
 * (interrupt shadow), 6.9 "Priority Among Simultaneous Exceptions".
 */
#include <assert.h>

#include "exec.h"
#include "access.h"
#include "ops-fast.h"
#include "kemu/mainloop.h"

#define ARENA_SIZE (64 * MiB)
#define HASH_BITS 16
#define PAGE_HASH_BITS 14
#define JC_BITS 12
#define JC_SIZE (1 << JC_BITS)

typedef struct CodePage {
    MemRegion *mr;
    hwaddr page;             /* page offset within mr */
    X86Block *blocks;        /* linked through page_next[k] */
    struct CodePage *next;
    /* One bit per byte of the page covered by a block on the list (a
     * superset after invalidations, until the next rebuild): a write that
     * misses every bit needs no walk of the list. */
    uint64_t code[TLB_PAGE_SIZE / 64];
} CodePage;

struct X86CodeCache {
    uint8_t *arena;
    size_t used;
    X86Block *hash[1 << HASH_BITS];
    CodePage *pages[1 << PAGE_HASH_BITS];
    uint64_t flushes;
};

static X86CodeCache code_cache;

/* ---- arena ---- */

static void *arena_alloc(size_t n)
{
    void *p;

    n = ROUND_UP(n, 16);
    if (code_cache.used + n > ARENA_SIZE)
        return NULL;
    p = code_cache.arena + code_cache.used;
    code_cache.used += n;
    return p;
}

static void code_cache_init(void)
{
    if (!code_cache.arena)
        code_cache.arena = xmalloc(ARENA_SIZE);
}

void x86_code_flush(CPUX86State *env)
{
    (void)env;
    code_cache.used = 0;
    memset(code_cache.hash, 0, sizeof(code_cache.hash));
    memset(code_cache.pages, 0, sizeof(code_cache.pages));
    code_cache.flushes++;
    for (CPUState *cs = first_cpu; cs; cs = cs->next) {
        CPUX86State *e = (CPUX86State *)cs;

        if (e->cc == &code_cache)
            x86_jmp_cache_flush(e);
    }
}

/* ---- jump cache (linear pc -> block) ---- */

static inline unsigned jc_hash(uint64_t pc)
{
    /* A page's entries are contiguous, so flushing a page is cheap. */
    return (((pc >> TLB_PAGE_BITS) << 6) | ((pc ^ (pc >> 6)) & 63)) & (JC_SIZE - 1);
}

/* Bumped whenever a linear-to-code mapping may have changed: cached block
 * successors from before are stale. */
static uint64_t chain_gen = 1;

void x86_jmp_cache_flush(CPUX86State *env)
{
    chain_gen++;
    X86Block **jc = (X86Block **)env->jmp_cache;

    if (jc)
        memset(jc, 0, sizeof(X86Block *) * JC_SIZE);
}

void x86_jmp_cache_flush_page(CPUX86State *env, uint64_t lin)
{
    chain_gen++;
    X86Block **jc = (X86Block **)env->jmp_cache;
    unsigned start = jc_hash(lin & TLB_PAGE_MASK);

    if (jc)
        memset(&jc[start], 0, sizeof(X86Block *) * 64);
}

/* ---- hash tables ---- */

static inline unsigned block_hash(const uint8_t *host, uint32_t hflags)
{
    uint64_t h = (uintptr_t)host * 0x9e3779b97f4a7c15ULL ^ hflags;

    return (h >> (64 - HASH_BITS)) & ((1 << HASH_BITS) - 1);
}

static inline unsigned page_hash(MemRegion *mr, hwaddr page)
{
    uint64_t h = ((uintptr_t)mr ^ page) * 0x9e3779b97f4a7c15ULL;

    return h >> (64 - PAGE_HASH_BITS);
}

static CodePage *page_find(MemRegion *mr, hwaddr page, bool create)
{
    unsigned h = page_hash(mr, page);
    CodePage *p;

    for (p = code_cache.pages[h]; p; p = p->next) {
        if (p->mr == mr && p->page == page)
            return p;
    }
    if (!create)
        return NULL;
    p = arena_alloc(sizeof(*p));
    if (!p)
        return NULL;
    *p = (CodePage){ .mr = mr, .page = page, .next = code_cache.pages[h] };
    code_cache.pages[h] = p;
    return p;
}

static void page_unlink(X86Block *b, int k)
{
    CodePage *p = page_find(b->mr[k], b->mr_page[k], false);
    X86Block **pp;

    if (!p)
        return;
    for (pp = &p->blocks; *pp; ) {
        X86Block *x = *pp;
        int xk = (x->mr[0] == p->mr && x->mr_page[0] == p->page) ? 0 : 1;

        if (x == b) {
            *pp = x->page_next[xk];
            return;
        }
        pp = &x->page_next[xk];
    }
}

/* Instructions of the current block completed before rip (the start of the
 * executing instruction, or the resume point after x86_exit_loop). */
int x86_block_progress(const CPUX86State *env)
{
    const X86Block *b = env->cur_block;
    uint64_t off, sum = 0;

    if (!b)
        return 0;
    off = env->rip - env->block_rip;
    for (int i = 0; i < b->ninsns; i++) {
        if (sum == off)
            return i;
        sum += b->insns[i].len;
    }
    return sum == off ? b->ninsns : 0;
}

static void block_end(CPUX86State *env, const DecodedInsn *d);

static void op_stop(CPUX86State *env, const DecodedInsn *d)
{
    x86_exit_loop(env);
}

/* A store of the executing instruction changed the code of its own block:
 * the instructions after it must not run from the stale decode. The block
 * is invalid from now on, so its remaining entries are turned into stops. */
static void block_stop_after_current(CPUX86State *env, X86Block *b)
{
    for (int i = x86_block_progress(env) + 1; i < b->ninsns; i++)
        b->insns[i].fn = op_stop;
}

static void block_invalidate(X86Block *b)
{
    unsigned h = block_hash(b->host, b->hflags);
    X86Block **pp;

    b->valid = false;
    chain_gen++;
    for (pp = &code_cache.hash[h]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == b) {
            *pp = b->hash_next;
            break;
        }
    }
    page_unlink(b, 0);
    if (b->mr[1])
        page_unlink(b, 1);
    for (CPUState *cs = first_cpu; cs; cs = cs->next) {
        CPUX86State *e = (CPUX86State *)cs;

        if (e->cur_block == b)
            block_stop_after_current(e, b);
    }
}

/* The bytes [*start, *end) of page k of b (0: the first page, 1: the page
 * a crossing block continues on). */
static void block_page_range(const X86Block *b, int k, unsigned *start, unsigned *end)
{
    unsigned off = b->pc & ~TLB_PAGE_MASK;

    if (k == 0) {
        *start = off;
        *end = MIN(off + b->size, TLB_PAGE_SIZE);
    } else {
        *start = 0;
        *end = off + b->size - TLB_PAGE_SIZE;
    }
}

static void bitmap_set_range(uint64_t *map, unsigned start, unsigned end)
{
    for (unsigned i = start; i < end; i++)
        map[i >> 6] |= 1ULL << (i & 63);
}

static bool bitmap_test_range(const uint64_t *map, unsigned start, unsigned end)
{
    while (start < end) {
        unsigned w = start >> 6, lo = start & 63;
        unsigned n = MIN(end - start, 64 - lo);
        uint64_t bits = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << lo;

        if (map[w] & bits)
            return true;
        start += n;
    }
    return false;
}

static inline int block_page_index(const X86Block *b, const CodePage *p)
{
    return (b->mr[0] == p->mr && b->mr_page[0] == p->page) ? 0 : 1;
}

/* Whether b has code in [ws, we) of page p; with mark, set its bytes in
 * p's bitmap instead. Both of a crossing block's pages may be p. */
static bool block_on_page(const X86Block *b, CodePage *p, unsigned ws, unsigned we, bool mark)
{
    bool hit = false;

    for (int k = 0; k < (b->crosses ? 2 : 1); k++) {
        unsigned bs, be;

        if (b->mr[k] != p->mr || b->mr_page[k] != p->page)
            continue;
        block_page_range(b, k, &bs, &be);
        if (mark)
            bitmap_set_range(p->code, bs, be);
        else
            hit |= ws < be && bs < we;
    }
    return hit;
}

void x86_code_invalidate(MemRegion *mr, hwaddr offset, uint64_t len)
{
    hwaddr page = offset & TLB_PAGE_MASK;
    unsigned ws = offset & ~TLB_PAGE_MASK;
    unsigned we = MIN((uint64_t)ws + len, TLB_PAGE_SIZE);
    CodePage *p = page_find(mr, page, false);
    X86Block *b, *next;

    if (p) {
        if (!bitmap_test_range(p->code, ws, we))
            return;
        for (b = p->blocks; b; b = next) {
            next = b->page_next[block_page_index(b, p)];
            if (block_on_page(b, p, ws, we, false))
                block_invalidate(b);
        }
        memset(p->code, 0, sizeof(p->code));
        for (b = p->blocks; b; b = b->page_next[block_page_index(b, p)])
            block_on_page(b, p, 0, 0, true);
        if (p->blocks)
            return;
    }
    if (mr->code_bitmap)
        mr->code_bitmap[offset >> TLB_PAGE_BITS] = 0;
}

static void code_write_hook(MemRegion *mr, hwaddr offset, uint64_t len)
{
    hwaddr end = offset + len;

    while (offset < end) {
        hwaddr pend = MIN(end, (offset & TLB_PAGE_MASK) + TLB_PAGE_SIZE);

        x86_code_invalidate(mr, offset, pend - offset);
        offset = pend;
    }
}

static void page_add_block(X86Block *b, int k)
{
    CodePage *p = page_find(b->mr[k], b->mr_page[k], true);
    MemRegion *mr = b->mr[k];
    unsigned bs, be;

    if (!p)
        return;
    b->page_next[k] = p->blocks;
    p->blocks = b;
    block_page_range(b, k, &bs, &be);
    bitmap_set_range(p->code, bs, be);
    if (mr->code_bitmap && !mr->code_bitmap[b->mr_page[k] >> TLB_PAGE_BITS]) {
        mr->code_bitmap[b->mr_page[k] >> TLB_PAGE_BITS] = 1;
        for (CPUState *cs = first_cpu; cs; cs = cs->next)
            x86_tlb_protect_code((CPUX86State *)cs, mr, b->mr_page[k]);
    }
}

/* ---- decoding a block ---- */

typedef struct CodeLoc {
    const uint8_t *host;     /* NULL: not RAM */
    MemRegion *mr;
    hwaddr mr_off;
} CodeLoc;

static void code_locate(CPUX86State *env, uint64_t pc, CodeLoc *loc)
{
    unsigned idx = (pc >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    const uint8_t *page = x86_tlb_host_page(env, pc, ACC_EXEC, env->mmu_idx);
    TLBExtra *x = &env->tlbx[env->mmu_idx][idx];

    loc->host = page ? page + (pc & ~TLB_PAGE_MASK) : NULL;
    loc->mr = x->mr;
    loc->mr_off = x->mr_off + (pc & ~TLB_PAGE_MASK);
    if (!page || !x->mr)
        loc->host = NULL;
}

static DecodedInsn decode_buf[BLOCK_MAX_INSNS];

/* Decode up to a block end into decode_buf; returns the instruction count. */
static int block_decode(CPUX86State *env, uint64_t pc, uint32_t key, const uint8_t *host,
                        unsigned *size, bool *crosses, uint64_t *pc2)
{
    unsigned page_left = TLB_PAGE_SIZE - (pc & ~TLB_PAGE_MASK);
    unsigned off = 0;
    int n = 0;
    uint64_t limit = env->segs[R_CS].limit;

    *crosses = false;
    while (n < BLOCK_MAX_INSNS) {
        X86Fetch f = { .env = env, .pc = (pc + off) & env->lin_mask,
                       .page = host ? host + off : NULL, .page_left = page_left - off,
                       .allow_fault = n == 0 };
        uint32_t of = 0;
        int len = x86_decode(env, key, &f, &decode_buf[n], &of);

        if (len == 0 || (f.crossed && n > 0))
            break;
        n++;
        off += len;
        if (f.crossed) {
            *crosses = true;
            *pc2 = (pc + page_left) & env->lin_mask;
            break;
        }
        if ((of & OF_END) || ((of & OF_STRING) && decode_buf[n - 1].rep) || off >= page_left ||
            !host)
            break;
        if (!(key & HF_CS64) && env->rip + off > limit)
            break;
    }
    *size = off;
    x86_fast_block(decode_buf, n);
    return n;
}

static uint8_t scratch_block[sizeof(X86Block) + 2 * sizeof(DecodedInsn)] __attribute__((aligned(16)));

static void scratch_end(CPUX86State *env, const DecodedInsn *d);

static void terminate(DecodedInsn *d, X86Block *b)
{
    memset(d, 0, sizeof(*d));
    d->fn = b ? block_end : scratch_end;
    d->imm = (uintptr_t)b;
}

/* Successor slots start out pointing here: a pc no block has. */
static X86Block no_block = { .pc = ~0ULL };

static X86Block *block_new(CPUX86State *env, uint64_t pc, uint32_t key, const CodeLoc *loc)
{
    unsigned size;
    bool crosses;
    uint64_t pc2 = 0;
    int n = block_decode(env, pc, key, loc->host, &size, &crosses, &pc2);
    CodeLoc loc2 = { 0 };
    X86Block *b;

    if (crosses)
        code_locate(env, pc2, &loc2);
    if (!loc->host || (crosses && !loc2.host)) {
        /* Not cacheable (code in MMIO): run one instruction from a scratch block. */
        b = (X86Block *)scratch_block;
        memset(b, 0, sizeof(*b));
        b->pc = pc;
        b->hflags = key;
        b->ninsns = 1;
        b->size = decode_buf[0].len;
        b->insns[0] = decode_buf[0];
        terminate(&b->insns[1], NULL);
        return b;
    }
    b = arena_alloc(sizeof(X86Block) + (n + 1) * sizeof(DecodedInsn));
    if (!b) {
        x86_code_flush(env);
        b = arena_alloc(sizeof(X86Block) + (n + 1) * sizeof(DecodedInsn));
        assert(b); /* an empty arena always holds one block */
    }
    memset(b, 0, sizeof(*b));
    b->pc = pc;
    b->hflags = key;
    b->ninsns = n;
    b->size = size;
    b->valid = true;
    b->succ[0].blk = b->succ[1].blk = &no_block;
    b->crosses = crosses;
    b->host = loc->host;
    b->mr[0] = loc->mr;
    b->mr_page[0] = loc->mr_off & TLB_PAGE_MASK;
    if (crosses) {
        b->mr[1] = loc2.mr;
        b->mr_page[1] = loc2.mr_off & TLB_PAGE_MASK;
    }
    memcpy(b->insns, decode_buf, n * sizeof(DecodedInsn));
    terminate(&b->insns[n], b);
    {
        unsigned h = block_hash(b->host, key);

        b->hash_next = code_cache.hash[h];
        code_cache.hash[h] = b;
    }
    page_add_block(b, 0);
    if (crosses)
        page_add_block(b, 1);
    if (log_enabled(LOG_IN_ASM))
        x86_log_block(env, pc, loc->host, size);
    return b;
}

static X86Block *block_find_slow(CPUX86State *env, uint64_t pc, uint32_t key)
{
    CodeLoc loc;
    X86Block *b;

    if (!(key & HF_CS64) && env->rip > env->segs[R_CS].limit)
        x86_raise_exception_err(env, EXCP_GP, 0);
    code_locate(env, pc, &loc);
    if (loc.host) {
        for (b = code_cache.hash[block_hash(loc.host, key)]; b; b = b->hash_next) {
            /* The pc must match too: the jump cache is keyed on it. */
            if (b->host == loc.host && b->hflags == key && b->pc == pc)
                return b;
        }
    }
    return block_new(env, pc, key, &loc);
}

static inline X86Block *block_lookup(CPUX86State *env)
{
    uint64_t pc = (env->segs[R_CS].base + env->rip) & env->lin_mask;
    uint32_t key = env->hflags & HF_KEY_MASK;
    X86Block **jc = (X86Block **)env->jmp_cache;
    unsigned h = jc_hash(pc);
    X86Block *b = jc[h];

    if (likely(b && b->pc == pc && b->hflags == key && b->valid))
        return b;
    b = block_find_slow(env, pc, key);
    if (b->valid)
        jc[h] = b;
    return b;
}

/* ---- chaining ---- */

/* Instructions run back to back (blocks chained by their terminators)
 * before the loop looks again: bounds the stack when handlers are not
 * compiled as tail calls (unoptimised builds). */
#define CHAIN_INSNS 4096

/* Go on with block n (rip is at its first instruction). */
static inline void chain_run(CPUX86State *env, X86Block *n)
{
    env->cur_block = n;
    env->block_rip = env->rip;
    NEXT_RIP(env) = env->rip + n->insns[0].len;
    n->insns[0].fn(env, n->insns);
}

/*
 * The successor of prev at pc when the first slot does not have it: the
 * second slot, else the jump cache (the block found is remembered in a
 * slot). Runs it, or returns to the loop.
 */
static __attribute__((noinline)) void chain_slow(CPUX86State *env, X86Block *prev, uint64_t pc)
{
    X86Block **jc = (X86Block **)env->jmp_cache;
    uint32_t key = env->hflags & HF_KEY_MASK;
    X86Block *b = prev->succ[1].blk;
    int k;

    if (!(b->pc == pc && prev->succ[1].gen == chain_gen && b->hflags == key)) {
        b = jc[jc_hash(pc)];
        if (!b || b->pc != pc || b->hflags != key || !b->valid)
            goto stop;
        k = prev->succ[0].gen == chain_gen && prev->succ[0].blk != &no_block;
        prev->succ[k].blk = b;
        prev->succ[k].gen = chain_gen;
    }
    if (env->icount + b->ninsns > env->chain_limit)
        goto stop;
    chain_run(env, b);
    return;
stop:
    env->block_done = true;
}

/*
 * The entry after a block's last instruction: account the block, and unless
 * something needs the exec loop (an interrupt or exit request, a halt, the
 * chain limit: end of the budget or logging, TF, the interrupt shadow), go
 * straight on with the next block. rip is already committed. A successor
 * slot is good while chain_gen has not moved: it moves on every TLB or
 * jump cache flush and every block invalidation.
 */
_Static_assert(HF_INHIBIT_IRQ == TF_MASK, "block_end tests both with one mask");

static void block_end(CPUX86State *env, const DecodedInsn *d)
{
    X86Block *b = (X86Block *)(uintptr_t)d->imm, *n;
    CPUState *cs = &env->parent;
    uint32_t ef = env->eflags, req;
    uint64_t pc;

    env->icount += b->ninsns;
    /* A pending INTR with IF clear waits: it must not stop every block.
     * TF (EFLAGS bit 8) and the interrupt shadow (hflags bit 8) stop. */
    req = cs->interrupt_request & ~((ef & IF_MASK) ? 0 : CPU_INTERRUPT_HARD);
    if (unlikely(req | cs->exit_request | cs->halted | ((ef | env->hflags) & TF_MASK)))
        goto stop;
    pc = (env->segs[R_CS].base + env->rip) & env->lin_mask;
    n = b->succ[0].blk;
    if (unlikely(n->pc != pc || b->succ[0].gen != chain_gen ||
                 n->hflags != (env->hflags & HF_KEY_MASK))) {
        chain_slow(env, b, pc);
        return;
    }
    if (unlikely(env->icount + n->ninsns > env->chain_limit))
        goto stop;
    chain_run(env, n);
    return;
stop:
    env->block_done = true;
}

/* The end of an uncached single-instruction block (code outside RAM). */
static void scratch_end(CPUX86State *env, const DecodedInsn *d)
{
    env->icount++;
    env->block_done = true;
}

/* Temporary end of a partly run block. */
static void partial_end(CPUX86State *env, const DecodedInsn *d)
{
}

static void unpatch(CPUX86State *env)
{
    env->patched_insn->fn = env->patched_fn;
    env->patched_insn = NULL;
}

/* Run the first n instructions of b. The handlers call each other (see
 * X86_NEXT); running fewer than all of them moves the terminator. */
static inline void block_run(CPUX86State *env, X86Block *b, int n)
{
    DecodedInsn *stop = &b->insns[n];

    env->cur_block = b;
    env->block_rip = env->rip;
    if (unlikely(n < b->ninsns)) {
        env->patched_insn = stop;
        env->patched_fn = stop->fn;
        stop->fn = partial_end;
    }
    env->chain_limit = env->chain_off ? 0 : MIN(env->budget, env->icount + CHAIN_INSNS);
    env->block_done = false;
    NEXT_RIP(env) = env->rip + b->insns[0].len;
    b->insns[0].fn(env, b->insns);
    if (unlikely(env->patched_insn)) {
        unpatch(env);
        env->icount += n;
    }
    env->cur_block = NULL;
}

/* Take a pending NMI or external interrupt; true if one was delivered. */
static bool handle_interrupts(CPUX86State *env)
{
    CPUState *cs = &env->parent;
    uint32_t req = cs->interrupt_request;

    if (req & CPU_INTERRUPT_INIT) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_INIT);
        x86_cpu_init(env);
        return true;
    }
    if (req & CPU_INTERRUPT_SIPI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SIPI);
        x86_cpu_sipi(env);
        return true;
    }
    if (env->wait_sipi)
        return false;
    if (req & CPU_INTERRUPT_SMI) {
        log_unimp("x86: SMI not implemented\n");
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SMI);
    }
    if (req & (CPU_INTERRUPT_POLL | CPU_INTERRUPT_TPR))
        cpu_reset_interrupt(cs, CPU_INTERRUPT_POLL | CPU_INTERRUPT_TPR);
    if (env->hflags & HF_INHIBIT_IRQ)
        return false;
    if ((req & CPU_INTERRUPT_NMI) && !(env->hflags & HF_NMI_BLOCK)) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        env->hflags |= HF_NMI_BLOCK;
        cs->halted = false;
        x86_do_interrupt(env, EXCP_NMI, false, -1, env->rip, true);
        return true;
    }
    if ((req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) {
        int vec = env->intr_ack ? env->intr_ack(env->intr_ack_opaque) : -1;

        cs->halted = false;
        if (vec < 0) {
            cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
            return false;
        }
        x86_do_interrupt(env, vec & 0xff, false, -1, env->rip, true);
        return true;
    }
    return false;
}

bool x86_cpu_has_work(CPUState *cs)
{
    CPUX86State *env = (CPUX86State *)cs;
    uint32_t req = cs->interrupt_request;

    if (env->wait_sipi)
        return req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI);
    return ((req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) ||
           ((req & CPU_INTERRUPT_NMI) && !(env->hflags & HF_NMI_BLOCK)) ||
           (req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI | CPU_INTERRUPT_SMI));
}

static void log_exec(CPUX86State *env, X86Block *b)
{
    if (log_enabled(LOG_CPU))
        x86_cpu_dump_state(&env->parent, log_file());
    if (log_enabled(LOG_EXEC))
        log_printf("Trace %d: %p [%08" PRIx64 "/%016" PRIx64 "/%08x/%08x] \n",
                   env->parent.index, (void *)b, env->segs[R_CS].base, b->pc, b->hflags, 0);
}

/* One block with the rare cases: logging, the interrupt shadow, TF, the end
 * of the budget. */
static void block_run_special(CPUX86State *env, X86Block *b)
{
    int64_t left = env->budget - env->icount;
    int n = b->ninsns < left ? b->ninsns : (int)left;

    if (unlikely(log_mask & (LOG_EXEC | LOG_CPU)))
        log_exec(env, b);
    if ((env->hflags & HF_INHIBIT_IRQ) || (env->eflags & TF_MASK)) {
        bool tf = env->eflags & TF_MASK;

        block_run(env, b, 1);
        env->hflags &= ~HF_INHIBIT_IRQ;
        if (tf) {
            env->dr[6] |= 0x4000; /* BS */
            x86_do_interrupt(env, EXCP_DB, false, -1, env->rip, false);
        }
        return;
    }
    block_run(env, b, n);
}

static void exec_loop(CPUX86State *env)
{
    CPUState *cs = &env->parent;
    bool logging = log_mask & (LOG_EXEC | LOG_CPU);

    for (;;) {
        X86Block *b;

        if (unlikely(cs->interrupt_request | cs->exit_request | cs->halted)) {
            if (cs->interrupt_request)
                handle_interrupts(env);
            if (cs->halted || cs->exit_request)
                return;
        }
        if (env->icount >= env->budget)
            return;
        b = block_lookup(env);
        if (unlikely(logging | (env->hflags & HF_INHIBIT_IRQ) | (env->eflags & TF_MASK) |
                     (env->icount + b->ninsns > env->budget))) {
            block_run_special(env, b);
            continue;
        }
        block_run(env, b, b->ninsns);
    }
}

int64_t x86_cpu_exec(CPUState *cs, int64_t budget)
{
    CPUX86State *env = (CPUX86State *)cs;

    env->icount = 0;
    env->budget = budget;
    cs->exit_request = 0;
    if (env->apic && env->apic->cpu_enter)
        env->apic->cpu_enter(env->apic_opaque);
    env->chain_off = log_mask & (LOG_EXEC | LOG_CPU);
    if (sigsetjmp(env->jmpbuf, 0)) {
        if (env->patched_insn)
            unpatch(env);
        if (env->cur_block) {
            if (!env->block_done)
                env->icount += x86_block_progress(env);
            env->cur_block = NULL;
        }
        env->hflags &= ~HF_INHIBIT_IRQ;
        if (env->exc.vector >= 0)
            x86_deliver_exception(env);
    }
    if (cs->halted && !x86_cpu_has_work(cs))
        return env->icount;
    exec_loop(env);
    return env->icount;
}

#include <signal.h>
#include <sys/time.h>
static CPUX86State *prof_env;
static uint32_t prof_pc[1 << 20];
static unsigned prof_n;
static void prof_sig(int sig)
{
    static int dumped;
    if (prof_env && prof_n < (1 << 20))
        prof_pc[prof_n++] = prof_env->segs[R_CS].base + prof_env->rip;
    if (!dumped && getenv("KEMU_GDUMP") && prof_n > 100) {
        uint64_t a = strtoull(getenv("KEMU_GDUMP"), NULL, 16);
        uint32_t pc = prof_pc[prof_n - 1];
        if (pc >= a && pc < a + 0x1000) {
            uint8_t buf[4096];
            FILE *g = fopen("/tmp/cpuperf/gdump.bin", "wb");
            as_read(&as_memory, a, buf, sizeof(buf));
            fwrite(buf, 1, sizeof(buf), g);
            fclose(g);
            dumped = 1;
        }
    }
}
static void prof_dump(void)
{
    FILE *f = fopen(getenv("KEMU_GPROF"), "w");
    for (unsigned i = 0; i < prof_n; i++)
        fprintf(f, "%08x\n", prof_pc[i]);
    fclose(f);
}
void x86_exec_init(CPUX86State *env)
{
    if (getenv("KEMU_GPROF") && !prof_env) {
        struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
        prof_env = env;
        signal(SIGPROF, prof_sig);
        setitimer(ITIMER_PROF, &it, NULL);
        atexit(prof_dump);
    }

    code_cache_init();
    env->cc = &code_cache;
    env->jmp_cache = XNEW0N(X86Block *, JC_SIZE);
    mem_code_write_hook = code_write_hook;
}
