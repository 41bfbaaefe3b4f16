/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU: the data, arithmetic, comparison and stack instructions.
 *
 * Each handler checks its stack operands (empty source: stack underflow;
 * full destination of a push: stack overflow), hands the operand values
 * to the arithmetic unit (x87-host.c) and places the results on the guest
 * stack. Responses follow Intel SDM Vol 1 §8.5 and §4.9.2: a masked stack
 * fault writes the QNaN indefinite; an unmasked invalid-operation,
 * denormal or zero-divide exception leaves the destination and the stack
 * unchanged (so does an unmasked overflow/underflow on a memory store),
 * while unmasked overflow/underflow/precision on a register destination
 * deliver the (bias-adjusted) result.
 */
#include "x87-int.h"

/* ---- arithmetic unit glue ---- */

static void host_init(X87Host *h, const X87State *n)
{
    memset(h, 0, sizeof(*h));
    h->fcw = n->fcw;
    h->fsw = n->fsw;
    h->ftw = 0xffff;
}

/* Load guest ST(i) into host slot (0: ST0, 1: ST1), with its tag. */
static void host_in(X87Host *h, unsigned slot, const X87State *n, unsigned i)
{
    h->in[slot] = n->regs[x87_phys(n, i)];
    if (!x87_empty(n, i))
        h->ftw &= ~(3u << (2 * slot));
}

/* Run; merge condition codes and exception flags. Returns the new flags. */
static uint16_t host_run(X87State *n, X87Host *h, uint8_t esc, uint8_t modrm)
{
    uint16_t flags;

    x87_host_exec(h, esc, modrm);
    flags = h->fsw & (X87_FSW_EXC | X87_FSW_SF);
    n->fsw = (n->fsw & ~X87_FSW_CC) | (h->fsw & X87_FSW_CC);
    x87_raise(n, flags);
    return flags;
}

static bool unmasked(const X87State *n, uint16_t flags, uint16_t which)
{
    return flags & ~n->fcw & which;
}

#define ABORT_ARITH (X87_FSW_IE | X87_FSW_DE | X87_FSW_ZE)
#define ABORT_STORE (X87_FSW_IE | X87_FSW_OE | X87_FSW_UE)

/* A stack fault in the instructions that report C2 (FPTAN, FPREM1, FPREM,
 * FSINCOS, FSIN, FCOS) also clears C2. */
static bool fault_c2(X87State *n, const X87Op *op, bool overflow)
{
    bool masked = x87_stack_fault(n, overflow);

    switch (op->modrm) {
    case 0xf2: case 0xf5: case 0xf8: case 0xfb: case 0xfe: case 0xff:
        n->fsw &= ~X87_FSW_C2;
        break;
    }
    return masked;
}

static unsigned modrm_reg(const X87Op *op) { return (op->modrm >> 3) & 7; }
static unsigned modrm_rm(const X87Op *op) { return op->modrm & 7; }

/* The host stub for a register form with ST(i) placed in host ST1. */
static uint8_t host_modrm_sti(const X87Op *op)
{
    return (op->modrm & 0xf8) | (modrm_rm(op) ? 1 : 0);
}

static unsigned mem_size(const X87Op *op)
{
    return x87_insn_info(op->esc, op->modrm, op->opsize) & X87_I_SIZE;
}

/* ---- arithmetic: FADD FMUL FSUB FSUBR FDIV FDIVR ---- */

/* D8: ST0 = ST0 op ST(i); DC: ST(i) = ST(i) op ST0; DE: the same, then pop. */
void x87_op_arith_reg(X87State *n, const X87Op *op)
{
    unsigned i = modrm_rm(op), dst = op->esc == 0 ? 0 : i;
    bool pop = op->esc == 6;
    X87Host h;

    if (x87_empty(n, 0) || x87_empty(n, i)) {
        if (x87_stack_fault(n, false)) {
            x87_set_st(n, dst, x87_indefinite);
            if (pop)
                x87_pop(n);
        }
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    if (i)
        host_in(&h, 1, n, i);
    if (unmasked(n, host_run(n, &h, op->esc, host_modrm_sti(op)), ABORT_ARITH))
        return;
    x87_set_st(n, dst, h.r[dst ? 1 : 0]);
    if (pop)
        x87_pop(n);
}

/* D8/DC/DA/DE with a memory operand: ST0 = ST0 op m. */
void x87_op_arith_mem(X87State *n, const X87Op *op)
{
    X87Host h;

    host_init(&h, n);
    x87_mem_load(op, 0, h.mem, mem_size(op));
    if (x87_empty(n, 0)) {
        if (x87_stack_fault(n, false))
            x87_set_st(n, 0, x87_indefinite);
        return;
    }
    host_in(&h, 0, n, 0);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    x87_set_st(n, 0, h.r[0]);
}

/* ---- comparisons ---- */

static void pop_n(X87State *n, unsigned pops)
{
    while (pops--)
        x87_pop(n);
}

/* FCOM/FUCOM families on ST0 and ST(i): condition codes, then pops. */
static void compare_reg(X87State *n, const X87Op *op, unsigned i, unsigned pops)
{
    X87Host h;

    if (x87_empty(n, 0) || x87_empty(n, i)) {
        bool masked = x87_stack_fault(n, false);
        n->fsw |= X87_FSW_C0 | X87_FSW_C2 | X87_FSW_C3;
        if (masked)
            pop_n(n, pops);
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    if (i)
        host_in(&h, 1, n, i);
    if (unmasked(n, host_run(n, &h, op->esc, (op->modrm & 0xf8) | (i ? 1 : 0)), ABORT_ARITH))
        return;
    pop_n(n, pops);
}

void x87_op_fcom(X87State *n, const X87Op *op) { compare_reg(n, op, modrm_rm(op), 0); }
void x87_op_fcomp(X87State *n, const X87Op *op) { compare_reg(n, op, modrm_rm(op), 1); }
/* FCOMPP (DE D9), FUCOMPP (DA E9) */
void x87_op_fcompp(X87State *n, const X87Op *op) { compare_reg(n, op, 1, 2); }

/* FCOM/FCOMP/FICOM/FICOMP with a memory operand */
void x87_op_fcom_mem(X87State *n, const X87Op *op)
{
    unsigned pops = modrm_reg(op) & 1;
    X87Host h;

    host_init(&h, n);
    x87_mem_load(op, 0, h.mem, mem_size(op));
    if (x87_empty(n, 0)) {
        bool masked = x87_stack_fault(n, false);
        n->fsw |= X87_FSW_C0 | X87_FSW_C2 | X87_FSW_C3;
        if (masked)
            pop_n(n, pops);
        return;
    }
    host_in(&h, 0, n, 0);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    pop_n(n, pops);
}

#define EFLAGS_FCOMI 0x8d5u /* CF PF AF ZF SF OF */
#define EFLAGS_UNORDERED 0x45u /* ZF PF CF */

static void set_eflags(const X87Op *op, uint32_t val)
{
    if (op->eflags)
        *op->eflags = (*op->eflags & ~EFLAGS_FCOMI) | (val & EFLAGS_FCOMI);
}

/* FCOMI/FUCOMI (DB) and FCOMIP/FUCOMIP (DF): EFLAGS instead of C0-C3. */
static void compare_eflags(X87State *n, const X87Op *op, unsigned pops)
{
    unsigned i = modrm_rm(op);
    X87Host h;

    if (x87_empty(n, 0) || x87_empty(n, i)) {
        bool masked = x87_stack_fault(n, false);
        set_eflags(op, EFLAGS_UNORDERED);
        if (masked)
            pop_n(n, pops);
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    if (i)
        host_in(&h, 1, n, i);
    h.eflags = op->eflags ? *op->eflags : 0;
    uint16_t flags = host_run(n, &h, op->esc, host_modrm_sti(op));
    set_eflags(op, h.eflags);
    if (!unmasked(n, flags, ABORT_ARITH))
        pop_n(n, pops);
}

void x87_op_fcomi(X87State *n, const X87Op *op) { compare_eflags(n, op, 0); }
void x87_op_fcomip(X87State *n, const X87Op *op) { compare_eflags(n, op, 1); }

/* FTST: compare ST0 with 0.0 */
void x87_op_ftst(X87State *n, const X87Op *op)
{
    X87Host h;

    if (x87_empty(n, 0)) {
        x87_stack_fault(n, false);
        n->fsw |= X87_FSW_C0 | X87_FSW_C2 | X87_FSW_C3;
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    host_run(n, &h, op->esc, op->modrm);
}

/* FXAM: classify ST0, empty included (never faults). */
void x87_op_fxam(X87State *n, const X87Op *op)
{
    X87Host h;

    host_init(&h, n);
    host_in(&h, 0, n, 0);
    host_run(n, &h, op->esc, op->modrm);
}

/* ---- one- and two-operand functions ---- */

/* ST0 = f(ST0): FCHS FABS FSQRT FRNDINT F2XM1 FSIN FCOS */
void x87_op_unary(X87State *n, const X87Op *op)
{
    X87Host h;

    if (x87_empty(n, 0)) {
        if (fault_c2(n, op, false))
            x87_set_st(n, 0, x87_indefinite);
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    x87_set_st(n, 0, h.r[0]);
}

/* ST0 = f(ST0, ST1): FPREM FPREM1 FSCALE */
void x87_op_binary(X87State *n, const X87Op *op)
{
    X87Host h;

    if (x87_empty(n, 0) || x87_empty(n, 1)) {
        if (fault_c2(n, op, false))
            x87_set_st(n, 0, x87_indefinite);
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    host_in(&h, 1, n, 1);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    x87_set_st(n, 0, h.r[0]);
}

/* ST1 = f(ST1, ST0), pop: FYL2X FYL2XP1 FPATAN */
void x87_op_binary_pop(X87State *n, const X87Op *op)
{
    X87Host h;

    if (x87_empty(n, 0) || x87_empty(n, 1)) {
        if (x87_stack_fault(n, false)) {
            x87_set_st(n, 1, x87_indefinite);
            x87_pop(n);
        }
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    host_in(&h, 1, n, 1);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    x87_set_st(n, 1, h.r[1]);
    x87_pop(n);
}

/* ST0 = a, push b: FPTAN (tan, 1.0) FSINCOS (sin, cos) FXTRACT (exponent, significand) */
void x87_op_push2(X87State *n, const X87Op *op)
{
    bool fxtract = op->modrm == 0xf4;
    X87Host h;

    if (x87_empty(n, 0) || !x87_empty(n, 7)) {
        if (fault_c2(n, op, !x87_empty(n, 0))) {
            x87_set_st(n, 0, x87_indefinite);
            x87_push(n);
            x87_set_st(n, 0, x87_indefinite);
        }
        return;
    }
    host_init(&h, n);
    host_in(&h, 0, n, 0);
    if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_ARITH))
        return;
    if (!fxtract && (h.fsw & X87_FSW_C2)) {
        /* operand out of range: unchanged, nothing pushed */
        return;
    }
    x87_set_st(n, 0, h.r[0]);
    x87_push(n);
    x87_set_st(n, 0, h.r[7]);
}

/* ---- loads ---- */

/* Push a value computed by the host from an empty stack. */
static void push_from_host(X87State *n, const X87Op *op, X87Host *h, uint8_t modrm)
{
    if (!x87_empty(n, 7)) {
        if (x87_stack_fault(n, true)) {
            x87_push(n);
            x87_set_st(n, 0, x87_indefinite);
        }
        return;
    }
    if (unmasked(n, host_run(n, h, op->esc, modrm), X87_FSW_IE))
        return;
    x87_push(n);
    x87_set_st(n, 0, h->r[7]);
}

/* FLD m32/m64/m80real, FILD m16/m32/m64int, FBLD */
void x87_op_fld_mem(X87State *n, const X87Op *op)
{
    X87Host h;

    host_init(&h, n);
    x87_mem_load(op, 0, h.mem, mem_size(op));
    push_from_host(n, op, &h, op->modrm);
}

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ */
void x87_op_fld_const(X87State *n, const X87Op *op)
{
    X87Host h;

    host_init(&h, n);
    push_from_host(n, op, &h, op->modrm);
}

/* FLD ST(i): push a copy (no conversion, no exception but stack faults) */
void x87_op_fld_sti(X87State *n, const X87Op *op)
{
    unsigned i = modrm_rm(op);
    X87Reg v = n->regs[x87_phys(n, i)];

    if (x87_empty(n, i) || !x87_empty(n, 7)) {
        if (x87_stack_fault(n, !x87_empty(n, i))) {
            x87_push(n);
            x87_set_st(n, 0, x87_indefinite);
        }
        return;
    }
    x87_set_c1(n, false);
    x87_push(n);
    x87_set_st(n, 0, v);
}

/* ---- stores ---- */

/* The masked response to a stack underflow, per destination format. */
static void store_indefinite(const X87Op *op, uint8_t *buf)
{
    static const uint8_t bcd_indef[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    unsigned size = mem_size(op);

    memset(buf, 0, 16);
    if (op->esc == 7 && modrm_reg(op) == 6)
        memcpy(buf, bcd_indef, 10);
    else if (op->esc == 1 || (op->esc == 5 && modrm_reg(op) != 1) || size == 10) {
        /* real formats: m32 FFC00000, m64 FFF8..., m80 FFFF C000... */
        if (size == 4)
            stl_le(buf, 0xffc00000u);
        else if (size == 8)
            stq_le(buf, 0xfff8000000000000ull);
        else {
            stq_le(buf, x87_indefinite.mant);
            stw_le(buf + 8, x87_indefinite.sexp);
        }
    } else {
        buf[size - 1] = 0x80; /* integer indefinite */
    }
}

/* FST/FSTP m32/m64real, FSTP m80real, FIST/FISTP/FISTTP m16/m32/m64int, FBSTP */
void x87_op_fst_mem(X87State *n, const X87Op *op)
{
    unsigned reg = modrm_reg(op);
    bool pop = (reg & 1) || reg == 6;
    X87Host h;

    host_init(&h, n);
    if (x87_empty(n, 0)) {
        if (!x87_stack_fault(n, false))
            return;
        store_indefinite(op, h.mem);
    } else {
        host_in(&h, 0, n, 0);
        if (unmasked(n, host_run(n, &h, op->esc, op->modrm), ABORT_STORE))
            return;
    }
    x87_mem_store(op, 0, h.mem, mem_size(op));
    if (pop)
        x87_pop(n);
}

/* FST/FSTP ST(i) and the aliases FSTP8 (DF D0), FSTP9 (DF D8) */
static void store_sti(X87State *n, const X87Op *op, bool pop)
{
    unsigned i = modrm_rm(op);

    if (x87_empty(n, 0)) {
        if (!x87_stack_fault(n, false))
            return;
        x87_set_st(n, i, x87_indefinite);
    } else {
        x87_set_c1(n, false);
        x87_set_st(n, i, n->regs[x87_phys(n, 0)]);
    }
    if (pop)
        x87_pop(n);
}

void x87_op_fst_sti(X87State *n, const X87Op *op) { store_sti(n, op, false); }
void x87_op_fstp_sti(X87State *n, const X87Op *op) { store_sti(n, op, true); }

/* FSTP1 (D9 D8+i) never faults: an empty ST0 is popped without a store. */
void x87_op_fstp1(X87State *n, const X87Op *op)
{
    x87_set_c1(n, false);
    if (!x87_empty(n, 0))
        x87_set_st(n, modrm_rm(op), n->regs[x87_phys(n, 0)]);
    x87_pop(n);
}

/* ---- register moves and stack control ---- */

/* FXCH ST(i) (and the aliases FXCH4, FXCH7) */
void x87_op_fxch(X87State *n, const X87Op *op)
{
    unsigned i = modrm_rm(op);
    X87Reg a, b;

    if (x87_empty(n, 0) || x87_empty(n, i)) {
        if (!x87_stack_fault(n, false))
            return;
        if (x87_empty(n, 0))
            x87_set_st(n, 0, x87_indefinite);
        if (x87_empty(n, i))
            x87_set_st(n, i, x87_indefinite);
    } else {
        x87_set_c1(n, false);
    }
    a = n->regs[x87_phys(n, 0)];
    b = n->regs[x87_phys(n, i)];
    x87_set_st(n, 0, b);
    x87_set_st(n, i, a);
}

/* FCMOVcc: DA = B E BE U, DB = NB NE NBE NU */
static bool fcmov_cond(const X87Op *op)
{
    uint32_t f = op->eflags ? *op->eflags : 0;
    bool cf = f & 1, pf = f & 4, zf = f & 0x40, c;

    switch (modrm_reg(op) & 3) {
    case 0: c = cf; break;
    case 1: c = zf; break;
    case 2: c = cf || zf; break;
    default: c = pf; break;
    }
    return op->esc == 3 ? !c : c;
}

void x87_op_fcmov(X87State *n, const X87Op *op)
{
    unsigned i = modrm_rm(op);

    if (x87_empty(n, 0) || x87_empty(n, i)) {
        if (x87_stack_fault(n, false))
            x87_set_st(n, 0, x87_indefinite);
        return;
    }
    if (fcmov_cond(op))
        x87_set_st(n, 0, n->regs[x87_phys(n, i)]);
}

void x87_op_ffree(X87State *n, const X87Op *op)
{
    x87_set_c1(n, false);
    x87_set_tag_phys(n, x87_phys(n, modrm_rm(op)), X87_TAG_EMPTY);
}

/* FFREEP (DF C0+i): free ST(i), then pop */
void x87_op_ffreep(X87State *n, const X87Op *op)
{
    x87_set_c1(n, false);
    x87_set_tag_phys(n, x87_phys(n, modrm_rm(op)), X87_TAG_EMPTY);
    x87_pop(n);
}

void x87_op_fincstp(X87State *n, const X87Op *op)
{
    x87_set_c1(n, false);
    x87_set_top(n, x87_top(n) + 1);
}

void x87_op_fdecstp(X87State *n, const X87Op *op)
{
    x87_set_c1(n, false);
    x87_set_top(n, x87_top(n) - 1);
}

void x87_op_fnop(X87State *n, const X87Op *op) {}
