/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU: state helpers, decode tables and the instruction entry point.
 *
 * Holds the register stack discipline (TOP, tags, stack faults, ES/B) and
 * dispatches D8-DF encodings to the handlers of x87-ops.c and x87-env.c
 * through tables indexed by escape byte and ModRM (SDM Vol 2 Appendix A.4,
 * "Escape opcode instructions"). The undocumented aliases that real
 * processors execute (FSTP1, FCOM2, FCOMP3, FXCH4, FCOMP5, FXCH7, FSTP8,
 * FSTP9, FFREEP) and the 8087/287 no-ops (FNENI, FNDISI, FNSETPM) are
 * decoded too; everything else is #UD, as on the hardware.
 * References: Intel SDM Vol 1 ch 8, Vol 2 (FLD ... FYL2XP1).
 */
#include "x87-int.h"

const X87Reg x87_indefinite = { .mant = 0xc000000000000000ull, .sexp = 0xffff };

unsigned x87_classify(X87Reg r)
{
    unsigned exp = r.sexp & 0x7fff;

    if (exp == 0)
        return r.mant ? X87_TAG_SPECIAL : X87_TAG_ZERO;
    if (exp == 0x7fff || !(r.mant >> 63))
        return X87_TAG_SPECIAL;
    return X87_TAG_VALID;
}

void x87_set_tag_phys(X87State *s, unsigned p, unsigned tag)
{
    s->ftw = (s->ftw & ~(3u << (2 * p))) | (tag << (2 * p));
}

void x87_set_st(X87State *s, unsigned i, X87Reg v)
{
    unsigned p = x87_phys(s, i);

    s->regs[p] = v;
    x87_set_tag_phys(s, p, x87_classify(v));
}

void x87_set_top(X87State *s, unsigned top)
{
    s->fsw = (s->fsw & ~X87_FSW_TOP) | ((top & 7) << 11);
}

void x87_push(X87State *s) { x87_set_top(s, x87_top(s) - 1); }

void x87_pop(X87State *s)
{
    x87_set_tag_phys(s, x87_top(s), X87_TAG_EMPTY);
    x87_set_top(s, x87_top(s) + 1);
}

void x87_set_c1(X87State *s, bool c1)
{
    s->fsw = (s->fsw & ~X87_FSW_C1) | (c1 ? X87_FSW_C1 : 0);
}

void x87_update_es(X87State *s)
{
    if (s->fsw & ~s->fcw & X87_FSW_EXC)
        s->fsw |= X87_FSW_ES | X87_FSW_B;
    else
        s->fsw &= ~(X87_FSW_ES | X87_FSW_B);
}

void x87_raise(X87State *s, uint16_t flags)
{
    s->fsw |= flags & (X87_FSW_EXC | X87_FSW_SF);
    x87_update_es(s);
}

bool x87_stack_fault(X87State *s, bool overflow)
{
    x87_set_c1(s, overflow);
    x87_raise(s, X87_FSW_IE | X87_FSW_SF);
    return s->fcw & X87_FCW_IM;
}

uint16_t x87_tags_from_image(const X87State *s, uint16_t ftw)
{
    uint16_t out = 0;

    for (unsigned p = 0; p < 8; p++) {
        unsigned t = (ftw >> (2 * p)) & 3;
        if (t != X87_TAG_EMPTY)
            t = x87_classify(s->regs[p]);
        out |= t << (2 * p);
    }
    return out;
}

void x87_mem_load(const X87Op *op, uint32_t off, uint8_t *buf, unsigned size)
{
    while (size) {
        unsigned n = size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
        uint64_t v = op->ld(op->ctx, off, n);
        memcpy(buf, &v, n); /* little-endian host */
        buf += n, off += n, size -= n;
    }
}

void x87_mem_store(const X87Op *op, uint32_t off, const uint8_t *buf, unsigned size)
{
    while (size) {
        unsigned n = size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
        uint64_t v = 0;
        memcpy(&v, buf, n);
        op->st(op->ctx, off, v, n);
        buf += n, off += n, size -= n;
    }
}

void x87_reset(X87State *s)
{
    s->fcw = 0x037f;
    s->fsw = 0;
    s->ftw = 0xffff;
    s->fop = 0;
    s->fip = s->fdp = 0;
    s->fcs = s->fds = 0;
}

void x87_power_on(X87State *s)
{
    memset(s, 0, sizeof(*s));
    s->fcw = 0x0040;
    s->ftw = 0x5555;
}

bool x87_pending_exception(const X87State *s) { return s->fsw & X87_FSW_ES; }

/* ---- decode tables ---- */

#define I(fn_, info_) { .fn = fn_, .info = (info_) }
#define SUB(tab_) { .sub = tab_ }
#define UD { .info = X87_I_UD }
#define LD(n) (X87_I_LOAD | (n))
#define ST(n) (X87_I_STORE | (n))
#define CTL X87_I_CONTROL
#define NW (X87_I_NOWAIT | X87_I_CONTROL)
#define ENV 0xff
#define IMG 0xfe

static const X87Insn mem_table[8][8] = {
    /* D8: m32real */
    { I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)), I(x87_op_fcom_mem, LD(4)),
      I(x87_op_fcom_mem, LD(4)), I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)),
      I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)) },
    /* D9: FLD, -, FST, FSTP m32real, FLDENV, FLDCW, FNSTENV, FNSTCW */
    { I(x87_op_fld_mem, LD(4)), UD, I(x87_op_fst_mem, ST(4)), I(x87_op_fst_mem, ST(4)),
      I(x87_op_fldenv, LD(ENV) | CTL), I(x87_op_fldcw, LD(2) | CTL),
      I(x87_op_fnstenv, ST(ENV) | NW), I(x87_op_fnstcw, ST(2) | NW) },
    /* DA: m32int */
    { I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)), I(x87_op_fcom_mem, LD(4)),
      I(x87_op_fcom_mem, LD(4)), I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)),
      I(x87_op_arith_mem, LD(4)), I(x87_op_arith_mem, LD(4)) },
    /* DB: FILD, FISTTP, FIST, FISTP m32int, -, FLD m80real, -, FSTP m80real */
    { I(x87_op_fld_mem, LD(4)), I(x87_op_fst_mem, ST(4) | X87_I_SSE3),
      I(x87_op_fst_mem, ST(4)), I(x87_op_fst_mem, ST(4)), UD, I(x87_op_fld_mem, LD(10)), UD,
      I(x87_op_fst_mem, ST(10)) },
    /* DC: m64real */
    { I(x87_op_arith_mem, LD(8)), I(x87_op_arith_mem, LD(8)), I(x87_op_fcom_mem, LD(8)),
      I(x87_op_fcom_mem, LD(8)), I(x87_op_arith_mem, LD(8)), I(x87_op_arith_mem, LD(8)),
      I(x87_op_arith_mem, LD(8)), I(x87_op_arith_mem, LD(8)) },
    /* DD: FLD, FISTTP m64int, FST, FSTP m64real, FRSTOR, -, FNSAVE, FNSTSW */
    { I(x87_op_fld_mem, LD(8)), I(x87_op_fst_mem, ST(8) | X87_I_SSE3),
      I(x87_op_fst_mem, ST(8)), I(x87_op_fst_mem, ST(8)), I(x87_op_frstor, LD(IMG) | CTL), UD,
      I(x87_op_fnsave, ST(IMG) | NW), I(x87_op_fnstsw, ST(2) | NW) },
    /* DE: m16int */
    { I(x87_op_arith_mem, LD(2)), I(x87_op_arith_mem, LD(2)), I(x87_op_fcom_mem, LD(2)),
      I(x87_op_fcom_mem, LD(2)), I(x87_op_arith_mem, LD(2)), I(x87_op_arith_mem, LD(2)),
      I(x87_op_arith_mem, LD(2)), I(x87_op_arith_mem, LD(2)) },
    /* DF: FILD, FISTTP, FIST, FISTP m16int, FBLD, FILD m64int, FBSTP, FISTP m64int */
    { I(x87_op_fld_mem, LD(2)), I(x87_op_fst_mem, ST(2) | X87_I_SSE3),
      I(x87_op_fst_mem, ST(2)), I(x87_op_fst_mem, ST(2)), I(x87_op_fld_mem, LD(10)),
      I(x87_op_fld_mem, LD(8)), I(x87_op_fst_mem, ST(10)), I(x87_op_fst_mem, ST(8)) },
};

static const X87Insn d9_d0[8] = { I(x87_op_fnop, 0), UD, UD, UD, UD, UD, UD, UD };
static const X87Insn d9_e0[8] = {
    I(x87_op_unary, 0), I(x87_op_unary, 0), UD, UD, I(x87_op_ftst, 0), I(x87_op_fxam, 0), UD, UD,
};
static const X87Insn d9_e8[8] = {
    I(x87_op_fld_const, 0), I(x87_op_fld_const, 0), I(x87_op_fld_const, 0),
    I(x87_op_fld_const, 0), I(x87_op_fld_const, 0), I(x87_op_fld_const, 0),
    I(x87_op_fld_const, 0), UD,
};
/* F2XM1 FYL2X FPTAN FPATAN FXTRACT FPREM1 FDECSTP FINCSTP */
static const X87Insn d9_f0[8] = {
    I(x87_op_unary, 0), I(x87_op_binary_pop, 0), I(x87_op_push2, 0), I(x87_op_binary_pop, 0),
    I(x87_op_push2, 0), I(x87_op_binary, 0), I(x87_op_fdecstp, 0), I(x87_op_fincstp, 0),
};
/* FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS */
static const X87Insn d9_f8[8] = {
    I(x87_op_binary, 0), I(x87_op_binary_pop, 0), I(x87_op_unary, 0), I(x87_op_push2, 0),
    I(x87_op_unary, 0), I(x87_op_binary, 0), I(x87_op_unary, 0), I(x87_op_unary, 0),
};
static const X87Insn da_e8[8] = { UD, I(x87_op_fcompp, 0), UD, UD, UD, UD, UD, UD };
/* FNENI FNDISI FNCLEX FNINIT FNSETPM; FRSTPM and the rest are #UD */
static const X87Insn db_e0[8] = {
    I(x87_op_fnop, NW), I(x87_op_fnop, NW), I(x87_op_fnclex, NW), I(x87_op_fninit, NW),
    I(x87_op_fnop, NW), UD, UD, UD,
};
static const X87Insn de_d8[8] = { UD, I(x87_op_fcompp, 0), UD, UD, UD, UD, UD, UD };
static const X87Insn df_e0[8] = { I(x87_op_fnstsw_ax, X87_I_AX_OUT | NW), UD, UD, UD, UD, UD, UD, UD };

#define FCMOV I(x87_op_fcmov, X87_I_EFLAGS_IN)

static const X87Insn reg_table[8][8] = {
    /* D8: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR  ST0, ST(i) */
    { I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_fcom, 0), I(x87_op_fcomp, 0),
      I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0),
      I(x87_op_arith_reg, 0) },
    /* D9: FLD FXCH (D0) FSTP1 (E0) (E8) (F0) (F8) */
    { I(x87_op_fld_sti, 0), I(x87_op_fxch, 0), SUB(d9_d0), I(x87_op_fstp1, 0), SUB(d9_e0),
      SUB(d9_e8), SUB(d9_f0), SUB(d9_f8) },
    /* DA: FCMOVB FCMOVE FCMOVBE FCMOVU - (FUCOMPP) - - */
    { FCMOV, FCMOV, FCMOV, FCMOV, UD, SUB(da_e8), UD, UD },
    /* DB: FCMOVNB FCMOVNE FCMOVNBE FCMOVNU (E0) FUCOMI FCOMI - */
    { FCMOV, FCMOV, FCMOV, FCMOV, SUB(db_e0), I(x87_op_fcomi, X87_I_EFLAGS_OUT),
      I(x87_op_fcomi, X87_I_EFLAGS_OUT), UD },
    /* DC: FADD FMUL FCOM2 FCOMP3 FSUBR FSUB FDIVR FDIV  ST(i), ST0 */
    { I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_fcom, 0), I(x87_op_fcomp, 0),
      I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0),
      I(x87_op_arith_reg, 0) },
    /* DD: FFREE FXCH4 FST FSTP FUCOM FUCOMP - - */
    { I(x87_op_ffree, 0), I(x87_op_fxch, 0), I(x87_op_fst_sti, 0), I(x87_op_fstp_sti, 0),
      I(x87_op_fcom, 0), I(x87_op_fcomp, 0), UD, UD },
    /* DE: FADDP FMULP FCOMP5 (FCOMPP) FSUBRP FSUBP FDIVRP FDIVP */
    { I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_fcomp, 0), SUB(de_d8),
      I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0), I(x87_op_arith_reg, 0),
      I(x87_op_arith_reg, 0) },
    /* DF: FFREEP FXCH7 FSTP8 FSTP9 (FNSTSW AX) FUCOMIP FCOMIP - */
    { I(x87_op_ffreep, 0), I(x87_op_fxch, 0), I(x87_op_fstp_sti, 0), I(x87_op_fstp_sti, 0),
      SUB(df_e0), I(x87_op_fcomip, X87_I_EFLAGS_OUT), I(x87_op_fcomip, X87_I_EFLAGS_OUT), UD },
};

static const X87Insn *x87_lookup(uint8_t esc, uint8_t modrm)
{
    const X87Insn *in;

    esc &= 7;
    if ((modrm >> 6) != 3)
        return &mem_table[esc][(modrm >> 3) & 7];
    in = &reg_table[esc][(modrm >> 3) & 7];
    return in->sub ? &in->sub[modrm & 7] : in;
}

static unsigned info_size(unsigned info, unsigned opsize)
{
    unsigned size = info & X87_I_SIZE;

    if (size == ENV)
        return opsize == 16 ? 14 : 28;
    if (size == IMG)
        return opsize == 16 ? 94 : 108;
    return size;
}

unsigned x87_insn_info(uint8_t esc, uint8_t modrm, unsigned opsize)
{
    const X87Insn *in = x87_lookup(esc, modrm);

    return (in->info & ~(X87_I_SIZE | X87_I_CONTROL)) | info_size(in->info, opsize);
}

/* The last-instruction pointers of SDM Vol 1 §8.1.8-8.1.9. */
static void x87_update_pointers(X87State *n, const X87Op *op)
{
    n->fop = ((op->esc & 7) << 8) | op->modrm;
    n->fip = op->fip;
    n->fcs = op->fcs;
    if ((op->modrm >> 6) != 3) {
        n->fdp = op->fdp;
        n->fds = op->fds;
    }
}

int x87_exec(X87State *s, const X87Op *op)
{
    const X87Insn *in = x87_lookup(op->esc, op->modrm);
    X87State n;

    if (!in->fn || ((in->info & X87_I_SSE3) && !op->sse3))
        return 6;
    n = *s;
    if (!(in->info & X87_I_CONTROL))
        x87_update_pointers(&n, op);
    in->fn(&n, op);
    *s = n;
    return 0;
}

void x87_dump(const X87State *s, FILE *out)
{
    fprintf(out, "FCW=%04x FSW=%04x [ST=%u] FTW=%04x FOP=%04x FIP=%04x:%08llx FDP=%04x:%08llx\n",
            s->fcw, s->fsw, x87_top(s), s->ftw, s->fop, s->fcs, (unsigned long long)s->fip,
            s->fds, (unsigned long long)s->fdp);
    for (unsigned i = 0; i < 8; i++) {
        unsigned p = (x87_top(s) + i) & 7;
        fprintf(out, "ST%u=%04x %016llx%s", i, s->regs[p].sexp, (unsigned long long)s->regs[p].mant,
                (i & 1) ? "\n" : " ");
    }
}
