/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: running a DiffCase in kemu (see kemu-side.h).
 *
 * The CPU runs with CR0.PE/MP/ET/NE/WP/AM/PG and CR4.OSFXSR/OSXMMEXCPT,
 * as a Linux process sees it, and CPL 3. The page tables map, identity,
 * exactly what the native helper maps for the instruction (the memory
 * window and the code page, user read/write) plus the GDT/TSS page for
 * the supervisor, so an access outside the window is a #PF on both sides,
 * with the same error code and CR2. The GDT copies the
 * descriptors an x86-64 Linux kernel gives a 32-bit process (entries 1-6:
 * kernel CS32, CS64, DS; user CS32 0x23, DS 0x2b, CS64 0x33; 8-9 the busy
 * TSS), so segment loads, LAR/LSL/VERR/VERW and far transfers behave as on
 * the host; TR points at a TSS without an I/O bitmap, so port I/O at CPL 3
 * faults. The instruction is decoded with x86_decode() and its handler
 * called directly; a REP instruction restarts itself with EIP unchanged,
 * so the stepper repeats it until EIP moves. Exceptions siglongjmp to
 * env->jmpbuf and are recorded, never delivered through the IDT.
 * Reference: Linux arch/x86/include/asm/segment.h (GDT layout, as
 * documented there); Intel SDM vol. 3A 3.4.5 (descriptor format).
 */
#include "kemu-side.h"

#include "access.h"
#include "decode.h"
#include "kemu/memory.h"

#define RAM_SIZE (1u << 20)
#define GDT_OFF 0x6000u    /* from the layout base: not part of the compared window */
#define TSS_OFF 0x6100u
#define PD_OFF 0x7000u     /* page directory and the one page table */
#define PT_OFF 0x8000u

static CPUX86State *env;
static MemRegion ram;
static uint32_t ram_base, lay_base;
static uint16_t host_sregs[6];

static uint8_t *host_ptr(uint32_t addr)
{
    return ram.ram + (addr - ram_base);
}

/* A descriptor in the form of Linux's GDT_ENTRY_INIT(flags, base, limit). */
static uint64_t desc(uint16_t flags, uint32_t base, uint32_t limit)
{
    uint32_t lo = (base << 16) | (limit & 0xffff);
    uint32_t hi = (base & 0xff000000u) | ((uint32_t)(flags & 0xf0ff) << 8) |
                  (limit & 0xf0000u) | ((base >> 16) & 0xff);

    return ((uint64_t)hi << 32) | lo;
}

static void gdt_setup(void)
{
    uint8_t *g = host_ptr(lay_base + GDT_OFF);
    uint64_t d[16] = { 0 };
    uint32_t tss = lay_base + TSS_OFF;

    d[1] = desc(0xc09b, 0, 0xfffff);   /* kernel CS, 32-bit */
    d[2] = desc(0xa09b, 0, 0xfffff);   /* kernel CS, 64-bit */
    d[3] = desc(0xc093, 0, 0xfffff);   /* kernel DS */
    d[4] = desc(0xc0fb, 0, 0xfffff);   /* user CS, 32-bit (0x23) */
    d[5] = desc(0xc0f3, 0, 0xfffff);   /* user DS (0x2b) */
    d[6] = desc(0xa0fb, 0, 0xfffff);   /* user CS, 64-bit (0x33) */
    d[8] = desc(0x008b, tss, 0x67);    /* busy TSS (low half) */
    for (int i = 0; i < 16; i++)
        for (int k = 0; k < 8; k++)
            g[i * 8 + k] = d[i] >> (8 * k);
    memset(host_ptr(tss), 0, 0x68);
    host_ptr(tss)[0x66] = 0xff;        /* I/O map base beyond the limit */
    host_ptr(tss)[0x67] = 0xff;
    env->gdt.base = lay_base + GDT_OFF;
    env->gdt.limit = 16 * 8 - 1;
    env->ldt = (SegCache){ 0 };
    env->tr = (SegCache){ .sel = 0x40, .base = tss, .limit = 0x67,
                          .flags = DESC_P_MASK | (0xb << DESC_TYPE_SHIFT) };
}

/* The hidden part of a selector as the host has it loaded. */
static void seg_default(int seg, uint16_t sel)
{
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK | DESC_B_MASK | DESC_G_MASK |
                     (3u << DESC_DPL_SHIFT);

    if ((sel & ~3) == 0) {
        x86_seg_set_cache(env, seg, sel, 0, 0, 0);
        return;
    }
    flags |= seg == R_CS ? DESC_CS_MASK | DESC_R_MASK : DESC_W_MASK;
    x86_seg_set_cache(env, seg, sel, 0, 0xffffffffu, flags);
}

static void wr32(uint8_t *p, uint32_t v);

static void paging_setup(void)
{
    uint8_t *pd = host_ptr(lay_base + PD_OFF), *pt = host_ptr(lay_base + PT_OFF);
    uint32_t ptp = lay_base + PT_OFF;
    static const struct {
        uint32_t off, flags;
    } map[] = { { 0, 7 }, { 0x1000, 7 }, { DIFF_CODE_OFF, 7 }, { GDT_OFF, 3 } };

    memset(pd, 0, 4096);
    memset(pt, 0, 4096);
    wr32(pd + 4 * (lay_base >> 22), ptp | 7);
    for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        uint32_t va = lay_base + map[i].off;

        wr32(pt + 4 * ((va >> 12) & 0x3ff), (va & ~0xfffu) | map[i].flags);
    }
    x86_update_cr3(env, lay_base + PD_OFF);
}

bool kemu_side_init(uint32_t base, const uint16_t sregs[6], const char *model)
{
    Error *err = NULL;

    lay_base = base;
    ram_base = base & ~(RAM_SIZE - 1);
    memcpy(host_sregs, sregs, sizeof(host_sregs));
    mem_system_init();
    mr_init_ram(&ram, "diff-ram", RAM_SIZE);
    mr_add_subregion(&mr_system, ram_base, &ram);
    env = x86_cpu_create(model, 0, &err);
    if (!env) {
        error_report_err(err);
        return false;
    }
    x86_update_cr4(env, CR4_OSFXSR | CR4_OSXMMEXCPT);
    paging_setup();
    x86_update_cr0(env, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG);
    gdt_setup();
    x86_set_cpl(env, 3);
    for (int s = 0; s < X86_NSEGS; s++)
        seg_default(s, host_sregs[s]);
    return true;
}

/* ---- FPU state <-> FNSAVE image (32-bit protected-mode layout) ---- */

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = v >> (8 * i);
}

static void fpu_load(X87State *s, const uint8_t *img)
{
    unsigned top;

    s->fcw = rd32(img);
    s->fsw = rd32(img + 4);
    s->ftw = rd32(img + 8);
    s->fip = rd32(img + 12);
    s->fcs = rd32(img + 16);
    s->fop = (rd32(img + 16) >> 16) & 0x7ff;
    s->fdp = rd32(img + 20);
    s->fds = rd32(img + 24);
    top = (s->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        const uint8_t *r = img + 28 + 10 * i;
        X87Reg *d = &s->regs[(top + i) & 7];

        d->mant = (uint64_t)rd32(r + 4) << 32 | rd32(r);
        d->sexp = r[8] | r[9] << 8;
    }
}

static void fpu_save(const X87State *s, uint8_t *img)
{
    unsigned top = (s->fsw >> 11) & 7;

    wr32(img, 0xffff0000u | s->fcw);
    wr32(img + 4, 0xffff0000u | s->fsw);
    wr32(img + 8, 0xffff0000u | s->ftw);
    wr32(img + 12, (uint32_t)s->fip);
    wr32(img + 16, s->fcs | (uint32_t)(s->fop & 0x7ff) << 16);
    wr32(img + 20, (uint32_t)s->fdp);
    wr32(img + 24, 0xffff0000u | s->fds);
    for (int i = 0; i < 8; i++) {
        uint8_t *r = img + 28 + 10 * i;
        const X87Reg *v = &s->regs[(top + i) & 7];

        wr32(r, (uint32_t)v->mant);
        wr32(r + 4, (uint32_t)(v->mant >> 32));
        r[8] = v->sexp;
        r[9] = v->sexp >> 8;
    }
}

/* ---- running ---- */

static void state_load(const DiffCase *c, uint32_t insn)
{
    uint8_t *code = host_ptr(lay_base + DIFF_CODE_OFF);

    memset(code, 0xf4, DIFF_CODE_SIZE);
    memcpy(code + DIFF_INSN_OFF, c->code, MIN(c->code_len, DIFF_CODE_MAX));
    x86_set_cpl(env, 3);
    for (int s = 0; s < X86_NSEGS; s++)
        seg_default(s, host_sregs[s]);
    for (int i = 0; i < 8; i++)
        env->regs[i] = c->regs[i];
    env->rip = insn - env->segs[R_CS].base;
    env->hflags &= ~HF_INHIBIT_IRQ;
    env->eflags = 2;
    x86_set_eflags(env, c->eflags, ~0u);
    x86_update_hflags(env);
    fpu_load(&env->fpu, c->fpu);
    env->exc.vector = -1;
    env->cur_block = NULL;
}

/* Decode and run the instruction at CS:EIP once. */
static void step(void)
{
    uint64_t pc = (env->segs[R_CS].base + env->rip) & env->lin_mask;
    const uint8_t *page = x86_tlb_host_page(env, pc & TLB_PAGE_MASK, ACC_EXEC, env->mmu_idx);
    X86Fetch f = { .env = env, .pc = pc, .page = page ? page + (pc & ~TLB_PAGE_MASK) : NULL,
                   .page_left = TLB_PAGE_SIZE - (pc & ~TLB_PAGE_MASK), .allow_fault = true };
    DecodedInsn d;
    uint32_t of = 0;

    if (env->rip > env->segs[R_CS].limit)
        x86_raise_exception_err(env, EXCP_GP, 0);
    memset(&d, 0, sizeof(d));
    x86_decode(env, env->hflags & HF_KEY_MASK, &f, &d, &of);
    env->cur_insn = &d;
    NEXT_RIP(env) = env->rip + d.len;
    d.fn(env, &d);
    env->rip = NEXT_RIP(env);
    env->cur_insn = NULL;
}

static bool has_error_code(int v)
{
    return v == EXCP_DF || (v >= EXCP_TS && v <= EXCP_PF) || v == EXCP_AC;
}

void kemu_side_run(const DiffCase *c, DiffResult *r)
{
    static uint8_t before[DIFF_MEM_SIZE];
    uint32_t insn = lay_base + DIFF_CODE_OFF + DIFF_INSN_OFF;
    uint8_t *win = host_ptr(lay_base);
    volatile int n = 0;

    diff_fill(before, c->mem_seed, c);
    memcpy(win, before, DIFF_MEM_SIZE);
    state_load(c, insn);
    memset(r, 0, DIFF_RESULT_HDR);
    r->id = c->id;
    r->vector = -1;
    r->error_code = -1;
    if (sigsetjmp(env->jmpbuf, 0) == 0) {
        uint64_t start = env->rip;

        do {
            step();
        } while (env->rip == start && ++n < 1000000);
    } else if (env->exc.vector >= 0) {
        r->vector = env->exc.vector;
        r->error_code = has_error_code(r->vector) ? env->exc.error_code : -1;
        if (r->vector == EXCP_PF)
            r->cr2 = env->cr[2];
        if (env->exc.soft || env->exc.icebp)
            env->rip = NEXT_RIP(env);
    } else {
        env->rip = NEXT_RIP(env);
    }
    for (int i = 0; i < 8; i++)
        r->regs[i] = env->regs[i];
    r->eflags = x86_eflags(env);
    r->eip = env->segs[R_CS].base + env->rip;
    for (int s = 0; s < X86_NSEGS; s++)
        r->sregs[s] = env->segs[s].sel;
    fpu_save(&env->fpu, r->fpu);
    diff_changes(r, before, win);
}
