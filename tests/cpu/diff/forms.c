/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: the table of instruction forms.
 *
 * Every user-level instruction of the 386 to P6 family that a 32-bit
 * Linux process can run, by encoding: integer (ALU, shifts, multiply and
 * divide, bit operations, moves and conversions, BCD, flags, stack,
 * strings, branches, segment loads, selector tests), the instructions
 * that must fault at CPL 3 (HLT, CLI, I/O, privileged 0F ops), x87 (every
 * D8-DF memory form and register form) and MMX (with the SSE and SSSE3
 * extensions the host has). Operand-size variants (66) are separate forms;
 * 16-bit addressing (67) and segment overrides are picked at random per
 * case for memory forms. Excluded, because the host cannot give a
 * comparable answer: RDTSC/RDPMC/CPUID (host values), INT n other than 3
 * (Linux's IDT; INT 80h is a system call), SYSENTER/SYSCALL (system calls
 * on Linux), SGDT/SIDT/SLDT/STR/SMSW (the
 * kernel emulates them under UMIP), GS loads (glibc's TLS), far transfers
 * to the 64-bit code selector, FXSAVE/FXRSTOR (host XMM state).
 * Reference: Intel SDM vol. 2 appendix A (opcode map) and the instruction
 * pages for the undefined flags.
 */
#include <stdio.h>
#include <string.h>

#include "forms.h"

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800
#define ARITH (CF | PF | AF | ZF | SF | OF)

static Form *tab;
static unsigned ntab, maxtab;

/* Add a form; ops is hex bytes, leading 66/F2/F3 are prefixes. */
static Form *add(const char *name, const char *ops, int enc, int regf, int osz, int msz, int imm,
                 int kind, int fl)
{
    static Form overflow;   /* absorbs forms beyond max, so callers need no check */
    Form *f = ntab < maxtab ? &tab[ntab++] : &overflow;
    const char *p = ops;
    unsigned v;
    int n;
    bool opseen = false;

    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", name);
    while (sscanf(p, "%x%n", &v, &n) == 1) {
        p += n;
        if (!opseen && (v == 0x66 || v == 0xf2 || v == 0xf3) && *p) {
            f->pfx[f->npfx++] = v;
            continue;
        }
        opseen = true;
        if (f->nop < sizeof(f->op))
            f->op[f->nop++] = v;
    }
    f->enc = enc;
    f->regf = regf;
    f->rmf = -1;
    f->osz = osz;
    f->msz = msz;
    f->imm = imm;
    f->kind = kind;
    f->fl = fl;
    return f;
}

static const char *szname(int osz)
{
    return osz == 1 ? "8" : osz == 2 ? "16" : osz == 4 ? "32" : "64";
}

/* Register and memory forms of one ModRM instruction of one size. */
static void rm2(const char *nm, const char *ops, int regf, int osz, int imm, int kind, int fl,
                int undef, bool lock)
{
    char name[48], o[64];
    Form *f;

    snprintf(o, sizeof(o), "%s%s", osz == 2 ? "66 " : "", ops);
    if (osz == 1)
        fl |= FF_BYTE;
    snprintf(name, sizeof(name), "%s/%s r", nm, szname(osz));
    if ((f = add(name, o, E_REG, regf, osz, osz, imm, kind, fl)))
        f->undef = undef;
    snprintf(name, sizeof(name), "%s/%s m", nm, szname(osz));
    if ((f = add(name, o, E_MEM, regf, osz, osz, imm, kind, fl | FF_SEGOVR)))
        f->undef = undef;
    if (!lock)
        return;
    snprintf(name, sizeof(name), "lock %s/%s m", nm, szname(osz));
    if ((f = add(name, o, E_MEM, regf, osz, osz, imm, kind, fl | FF_LOCK)))
        f->undef = undef;
}

/* Byte, word and dword forms: ob is the byte opcode, ov the word/dword one
 * (NULL: none). immv: immediate of the v forms (-1: 2 or 4 by size). */
static void rmbv(const char *nm, const char *ob, const char *ov, int regf, int immb, int immv,
                 int kind, int fl, int undef, bool lock)
{
    if (ob)
        rm2(nm, ob, regf, 1, immb, kind, fl, undef, lock);
    if (ov) {
        rm2(nm, ov, regf, 2, immv < 0 ? 2 : immv, kind, fl, undef, lock);
        rm2(nm, ov, regf, 4, immv < 0 ? 4 : immv, kind, fl, undef, lock);
    }
}

/* A form without ModRM, in 16- and 32-bit operand size (ov) or byte only. */
static Form *plain(const char *nm, const char *ops, int osz, int imm, int kind, int fl, int undef)
{
    char name[48], o[64];
    Form *f;

    snprintf(o, sizeof(o), "%s%s", osz == 2 ? "66 " : "", ops);
    snprintf(name, sizeof(name), "%s/%s", nm, szname(osz));
    if ((f = add(name, o, E_NONE, -1, osz, osz, imm, kind, fl)))
        f->undef = undef;
    return f;
}

static void plainv(const char *nm, const char *ops, int imm, int kind, int fl, int undef)
{
    plain(nm, ops, 2, imm < 0 ? 2 : imm, kind, fl, undef);
    plain(nm, ops, 4, imm < 0 ? 4 : imm, kind, fl, undef);
}

/* ---- integer ---- */

static void forms_alu(void)
{
    static const char *const alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    char nm[40], ob[8], ov[8];

    for (int i = 0; i < 8; i++) {
        int und = (i == 1 || i == 4 || i == 6) ? AF : 0;
        bool lk = i != 7;

        snprintf(ob, sizeof(ob), "%02x", i * 8);
        snprintf(ov, sizeof(ov), "%02x", i * 8 + 1);
        snprintf(nm, sizeof(nm), "%s Eb/v,Gb/v", alu[i]);
        rmbv(nm, ob, ov, -1, 0, 0, K_PLAIN, 0, und, lk);
        snprintf(ob, sizeof(ob), "%02x", i * 8 + 2);
        snprintf(ov, sizeof(ov), "%02x", i * 8 + 3);
        snprintf(nm, sizeof(nm), "%s Gb/v,Eb/v", alu[i]);
        rmbv(nm, ob, ov, -1, 0, 0, K_PLAIN, 0, und, false);
        snprintf(nm, sizeof(nm), "%s AL,Ib", alu[i]);
        snprintf(ob, sizeof(ob), "%02x", i * 8 + 4);
        plain(nm, ob, 1, 1, K_PLAIN, 0, und);
        snprintf(nm, sizeof(nm), "%s eAX,Iz", alu[i]);
        snprintf(ov, sizeof(ov), "%02x", i * 8 + 5);
        plainv(nm, ov, -1, K_PLAIN, 0, und);
        snprintf(nm, sizeof(nm), "%s Eb/v,Ib/z (80/81)", alu[i]);
        rmbv(nm, "80", "81", i, 1, -1, K_PLAIN, 0, und, lk);
        snprintf(nm, sizeof(nm), "%s Ev,Ib (83)", alu[i]);
        rmbv(nm, NULL, "83", i, 0, 1, K_PLAIN, 0, und, lk);
        snprintf(nm, sizeof(nm), "%s Eb,Ib (82)", alu[i]);
        rmbv(nm, "82", NULL, i, 1, 0, K_PLAIN, 0, und, false);
    }
    /* LOCK where it is not allowed: #UD */
    add("lock add Ev,Gv/32 r", "01", E_REG, -1, 4, 4, 0, K_PLAIN, FF_LOCK);
    add("lock cmp Ev,Gv/32 m", "39", E_MEM, -1, 4, 4, 0, K_PLAIN, FF_LOCK);
    add("lock mov Ev,Gv/32 m", "89", E_MEM, -1, 4, 4, 0, K_PLAIN, FF_LOCK);
    rmbv("test Eb/v,Gb/v", "84", "85", -1, 0, 0, K_PLAIN, 0, AF, false);
    plain("test AL,Ib", "a8", 1, 1, K_PLAIN, 0, AF);
    plainv("test eAX,Iz", "a9", -1, K_PLAIN, 0, AF);
    rmbv("test Eb/v,Ib/z (F6/F7 /0)", "f6", "f7", 0, 1, -1, K_PLAIN, 0, AF, false);
    rmbv("test Eb/v,Ib/z (F6/F7 /1)", "f6", "f7", 1, 1, -1, K_PLAIN, 0, AF, false);
    rmbv("not", "f6", "f7", 2, 0, 0, K_PLAIN, 0, 0, true);
    rmbv("neg", "f6", "f7", 3, 0, 0, K_PLAIN, 0, 0, true);
    rmbv("inc", "fe", "ff", 0, 0, 0, K_PLAIN, 0, 0, true);
    rmbv("dec", "fe", "ff", 1, 0, 0, K_PLAIN, 0, 0, true);
    add("inc r16 (40+r)", "66 40", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
    add("inc r32 (40+r)", "40", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
    add("dec r16 (48+r)", "66 48", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
    add("dec r32 (48+r)", "48", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
}

static void forms_shift(void)
{
    static const char *const sh[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal(/6)",
                                       "sar" };
    char nm[40];

    for (int i = 0; i < 8; i++) {
        int und = i < 4 ? OF : OF | AF;

        snprintf(nm, sizeof(nm), "%s E,1", sh[i]);
        rmbv(nm, "d0", "d1", i, 0, 0, K_PLAIN, 0, i < 4 ? 0 : AF, false);
        snprintf(nm, sizeof(nm), "%s E,CL", sh[i]);
        rmbv(nm, "d2", "d3", i, 0, 0, K_SHIFT, 0, und, false);
        snprintf(nm, sizeof(nm), "%s E,Ib", sh[i]);
        rmbv(nm, "c0", "c1", i, 1, 1, K_SHIFT, 0, und, false);
    }
    rmbv("shld Ev,Gv,Ib", NULL, "0f a4", -1, 0, 1, K_SHIFT, 0, OF | AF, false);
    rmbv("shld Ev,Gv,CL", NULL, "0f a5", -1, 0, 0, K_SHIFT, 0, OF | AF, false);
    rmbv("shrd Ev,Gv,Ib", NULL, "0f ac", -1, 0, 1, K_SHIFT, 0, OF | AF, false);
    rmbv("shrd Ev,Gv,CL", NULL, "0f ad", -1, 0, 0, K_SHIFT, 0, OF | AF, false);
}

static void forms_muldiv(void)
{
    int mu = SF | ZF | AF | PF;

    rmbv("mul", "f6", "f7", 4, 0, 0, K_PLAIN, 0, mu, false);
    rmbv("imul E", "f6", "f7", 5, 0, 0, K_PLAIN, 0, mu, false);
    rmbv("div", "f6", "f7", 6, 0, 0, K_DIV, 0, ARITH, false);
    rmbv("idiv", "f6", "f7", 7, 0, 0, K_IDIV, 0, ARITH, false);
    rmbv("imul Gv,Ev", NULL, "0f af", -1, 0, 0, K_PLAIN, 0, mu, false);
    rmbv("imul Gv,Ev,Iz", NULL, "69", -1, 0, -1, K_PLAIN, 0, mu, false);
    rmbv("imul Gv,Ev,Ib", NULL, "6b", -1, 0, 1, K_PLAIN, 0, mu, false);
}

static void forms_bits(void)
{
    static const char *const bt[4] = { "bt", "bts", "btr", "btc" };
    static const char *const btop[4] = { "0f a3", "0f ab", "0f b3", "0f bb" };
    char nm[40];

    for (int i = 0; i < 4; i++) {
        int und = OF | SF | AF | PF;

        snprintf(nm, sizeof(nm), "%s Ev,Gv", bt[i]);
        rm2(nm, btop[i], -1, 2, 0, K_BTMEM, FF_REGPIN, und, i > 0);
        rm2(nm, btop[i], -1, 4, 0, K_BTMEM, FF_REGPIN, und, i > 0);
        snprintf(nm, sizeof(nm), "%s Ev,Ib", bt[i]);
        rmbv(nm, NULL, "0f ba", 4 + i, 0, 1, K_PLAIN, 0, und, i > 0);
    }
    rmbv("bsf", NULL, "0f bc", -1, 0, 0, K_PLAIN, 0, CF | OF | SF | AF | PF, false);
    rmbv("bsr", NULL, "0f bd", -1, 0, 0, K_PLAIN, 0, CF | OF | SF | AF | PF, false);
    for (int cc = 0; cc < 16; cc++) {
        char op[8];

        snprintf(nm, sizeof(nm), "set%x", cc);
        snprintf(op, sizeof(op), "0f %02x", 0x90 + cc);
        rm2(nm, op, 0, 1, 0, K_PLAIN, 0, 0, false);
        snprintf(nm, sizeof(nm), "cmov%x", cc);
        snprintf(op, sizeof(op), "0f %02x", 0x40 + cc);
        rmbv(nm, NULL, op, -1, 0, 0, K_PLAIN, 0, 0, false);
    }
    add("bswap r32", "0f c8", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
    add("bswap r16 (undefined)", "66 0f c8", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
}

static void forms_move(void)
{
    rmbv("mov Eb/v,Gb/v", "88", "89", -1, 0, 0, K_PLAIN, 0, 0, false);
    rmbv("mov Gb/v,Eb/v", "8a", "8b", -1, 0, 0, K_PLAIN, 0, 0, false);
    rmbv("mov Eb/v,Ib/z", "c6", "c7", 0, 1, -1, K_PLAIN, 0, 0, false);
    add("mov r8,Ib (B0+r)", "b0", E_OPREG, -1, 1, 0, 1, K_PLAIN, FF_BYTE);
    add("mov r16,Iw (B8+r)", "66 b8", E_OPREG, -1, 2, 0, 2, K_PLAIN, 0);
    add("mov r32,Id (B8+r)", "b8", E_OPREG, -1, 4, 0, 4, K_PLAIN, 0);
    plain("mov AL,Ob", "a0", 1, 4, K_MOFFS, FF_SEGOVR, 0);
    plainv("mov eAX,Ov", "a1", 4, K_MOFFS, FF_SEGOVR, 0);
    plain("mov Ob,AL", "a2", 1, 4, K_MOFFS, FF_SEGOVR, 0);
    plainv("mov Ov,eAX", "a3", 4, K_MOFFS, FF_SEGOVR, 0);
    plain("mov AL,Ob a16", "a0", 1, 2, K_MOFFS, FF_SEGOVR | FF_A16 | FF_LOW, 0);
    plain("mov Ow,AX a16", "a3", 2, 2, K_MOFFS, FF_SEGOVR | FF_A16 | FF_LOW, 0);
    rmbv("movzx Gv,Eb", NULL, "0f b6", -1, 0, 0, K_PLAIN, 0, 0, false);
    rmbv("movsx Gv,Eb", NULL, "0f be", -1, 0, 0, K_PLAIN, 0, 0, false);
    rm2("movzx Gv,Ew", "0f b7", -1, 2, 0, K_PLAIN, 0, 0, false);
    rm2("movzx Gv,Ew", "0f b7", -1, 4, 0, K_PLAIN, 0, 0, false);
    rm2("movsx Gv,Ew", "0f bf", -1, 2, 0, K_PLAIN, 0, 0, false);
    rm2("movsx Gv,Ew", "0f bf", -1, 4, 0, K_PLAIN, 0, 0, false);
    rmbv("lea Gv,M", NULL, "8d", -1, 0, 0, K_PLAIN, FF_NOACC, 0, false);
    rmbv("xchg Eb/v,Gb/v", "86", "87", -1, 0, 0, K_PLAIN, 0, 0, true);
    add("xchg eAX,r16 (90+r)", "66 90", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
    add("xchg eAX,r32 (90+r)", "90", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
    rmbv("xadd", "0f c0", "0f c1", -1, 0, 0, K_PLAIN, 0, 0, true);
    rmbv("cmpxchg", "0f b0", "0f b1", -1, 0, 0, K_CMPXCHG, 0, 0, true);
    add("cmpxchg8b m64", "0f c7", E_MEM, 1, 8, 8, 0, K_CMPXCHG8B, FF_SEGOVR);
    add("lock cmpxchg8b m64", "0f c7", E_MEM, 1, 8, 8, 0, K_CMPXCHG8B, FF_LOCK);
    add("cmpxchg8b reg (#UD)", "0f c7", E_REG, 1, 8, 8, 0, K_PLAIN, 0);
    plain("cbw", "98", 2, 0, K_PLAIN, 0, 0);
    plain("cwde", "98", 4, 0, K_PLAIN, 0, 0);
    plain("cwd", "99", 2, 0, K_PLAIN, 0, 0);
    plain("cdq", "99", 4, 0, K_PLAIN, 0, 0);
    plain("xlat", "d7", 1, 0, K_XLAT, FF_SEGOVR, 0);
    plain("xlat a16", "d7", 1, 0, K_XLAT, FF_SEGOVR | FF_A16 | FF_LOW, 0);
    plain("nop", "90", 4, 0, K_PLAIN, 0, 0);
    plain("pause", "f3 90", 4, 0, K_PLAIN, 0, 0);
    rmbv("nop Ev (0F 1F)", NULL, "0f 1f", 0, 0, 0, K_PLAIN, FF_NOACC, 0, false);
    rmbv("hint nop Ev (0F 19)", NULL, "0f 19", -1, 0, 0, K_PLAIN, FF_NOACC, 0, false);
    rmbv("hint nop Ev (0F 1D)", NULL, "0f 1d", -1, 0, 0, K_PLAIN, FF_NOACC, 0, false);
    for (int i = 0; i < 4; i++) {
        char nm[32];

        snprintf(nm, sizeof(nm), "prefetch%d", i);
        add(nm, "0f 18", E_MEM, i, 1, 1, 0, K_PLAIN, FF_NOACC | FF_SEGOVR);
    }
}

static void forms_bcd_flags(void)
{
    plain("daa", "27", 1, 0, K_PLAIN, 0, OF);
    plain("das", "2f", 1, 0, K_PLAIN, 0, OF);
    plain("aaa", "37", 1, 0, K_PLAIN, 0, OF | SF | ZF | PF);
    plain("aas", "3f", 1, 0, K_PLAIN, 0, OF | SF | ZF | PF);
    plain("aam Ib", "d4", 1, 1, K_AAM, 0, OF | AF | CF);
    plain("aad Ib", "d5", 1, 1, K_PLAIN, 0, OF | AF | CF);
    plain("salc", "d6", 1, 0, K_PLAIN, 0, 0);
    plain("cmc", "f5", 4, 0, K_PLAIN, 0, 0);
    plain("clc", "f8", 4, 0, K_PLAIN, 0, 0);
    plain("stc", "f9", 4, 0, K_PLAIN, 0, 0);
    plain("cld", "fc", 4, 0, K_PLAIN, 0, 0);
    plain("std", "fd", 4, 0, K_PLAIN, 0, 0);
    plain("sahf", "9e", 4, 0, K_PLAIN, 0, 0);
    plain("lahf", "9f", 4, 0, K_PLAIN, 0, 0);
}

static void forms_stack(void)
{
    add("push r16 (50+r)", "66 50", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
    add("push r32 (50+r)", "50", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
    add("pop r16 (58+r)", "66 58", E_OPREG, -1, 2, 0, 0, K_PLAIN, 0);
    add("pop r32 (58+r)", "58", E_OPREG, -1, 4, 0, 0, K_PLAIN, 0);
    plainv("push Iz", "68", -1, K_PLAIN, 0, 0);
    plainv("push Ib", "6a", 1, K_PLAIN, 0, 0);
    rmbv("push Ev", NULL, "ff", 6, 0, 0, K_PLAIN, 0, 0, false);
    rmbv("pop Ev", NULL, "8f", 0, 0, 0, K_PLAIN, FF_STACKMEM, 0, false);
    plainv("pusha", "60", 0, K_PUSHA, 0, 0);
    plainv("popa", "61", 0, K_PUSHA, 0, 0);
    plainv("pushf", "9c", 0, K_PLAIN, 0, 0);
    plainv("popf", "9d", 0, K_POPF, 0, 0);
    plainv("enter", "c8", 3, K_ENTER, 0, 0);
    plainv("leave", "c9", 0, K_LEAVE, 0, 0);
    plainv("push es", "06", 0, K_PLAIN, 0, 0);
    plainv("push cs", "0e", 0, K_PLAIN, 0, 0);
    plainv("push ss", "16", 0, K_PLAIN, 0, 0);
    plainv("push ds", "1e", 0, K_PLAIN, 0, 0);
    plainv("push fs", "0f a0", 0, K_PLAIN, 0, 0);
    plainv("push gs", "0f a8", 0, K_PLAIN, 0, 0);
}

static void forms_string(void)
{
    static const struct {
        const char *nm;
        const char *ob, *ov;
        int sub;
    } s[] = {
        { "movs", "a4", "a5", S_MOVS }, { "cmps", "a6", "a7", S_CMPS },
        { "stos", "aa", "ab", S_STOS }, { "lods", "ac", "ad", S_LODS },
        { "scas", "ae", "af", S_SCAS },
    };
    static const char *const rp[3] = { "", "f3 ", "f2 " };
    static const char *const rn[3] = { "", "rep ", "repne " };

    for (unsigned i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        for (int r = 0; r < 3; r++) {
            bool cmp = s[i].sub == S_CMPS || s[i].sub == S_SCAS;

            if (r == 2 && !cmp)
                continue;
            for (int a16 = 0; a16 < 2; a16++) {
                for (int sz = 1; sz <= 4; sz *= 2) {
                    char nm[48], op[16];
                    Form *f;
                    int fl = a16 ? FF_A16 | FF_LOW : 0;

                    if (s[i].sub != S_STOS && s[i].sub != S_SCAS)
                        fl |= FF_SEGOVR;
                    snprintf(nm, sizeof(nm), "%s%s%s%s", rn[r], s[i].nm, cmp && r == 1 ? "(e)" : "",
                             a16 ? " a16" : "");
                    snprintf(op, sizeof(op), "%s%s", rp[r], sz == 1 ? s[i].ob : s[i].ov);
                    f = plain(nm, op, sz, 0, K_STRING, fl, 0);
                    if (f)
                        f->sub = s[i].sub;
                }
            }
        }
    }
}

static void forms_branch(void)
{
    char nm[32], op[16];

    for (int cc = 0; cc < 16; cc++) {
        snprintf(nm, sizeof(nm), "j%x rel8", cc);
        snprintf(op, sizeof(op), "%02x", 0x70 + cc);
        plain(nm, op, 4, 1, K_REL, 0, 0);
        snprintf(nm, sizeof(nm), "j%x rel32", cc);
        snprintf(op, sizeof(op), "0f %02x", 0x80 + cc);
        plain(nm, op, 4, 4, K_REL, 0, 0);
        snprintf(nm, sizeof(nm), "j%x rel16", cc);
        plain(nm, op, 2, 2, K_REL, FF_LOW, 0);
    }
    plain("jmp rel8", "eb", 4, 1, K_REL, 0, 0);
    plain("jmp rel32", "e9", 4, 4, K_REL, 0, 0);
    plain("jmp rel16", "e9", 2, 2, K_REL, FF_LOW, 0);
    plain("call rel32", "e8", 4, 4, K_REL, 0, 0);
    plain("call rel16", "e8", 2, 2, K_REL, FF_LOW, 0);
    plain("loop rel8", "e2", 4, 1, K_REL, 0, 0);
    plain("loope rel8", "e1", 4, 1, K_REL, 0, 0);
    plain("loopne rel8", "e0", 4, 1, K_REL, 0, 0);
    plain("jecxz rel8", "e3", 4, 1, K_REL, 0, 0);
    plain("loop rel8 a16", "e2", 4, 1, K_REL, FF_A16, 0);
    plain("loope rel8 a16", "e1", 4, 1, K_REL, FF_A16, 0);
    plain("loopne rel8 a16", "e0", 4, 1, K_REL, FF_A16, 0);
    plain("jcxz rel8 a16", "e3", 4, 1, K_REL, FF_A16, 0);
    rm2("jmp Ev", "ff", 4, 4, 0, K_IND, 0, 0, false);
    rm2("jmp Ev", "ff", 4, 2, 0, K_IND, FF_LOW, 0, false);
    rm2("call Ev", "ff", 2, 4, 0, K_IND, 0, 0, false);
    rm2("call Ev", "ff", 2, 2, 0, K_IND, FF_LOW, 0, false);
    plain("ret", "c3", 4, 0, K_RET, 0, 0);
    plain("ret", "c3", 2, 0, K_RET, FF_LOW, 0);
    plain("ret Iw", "c2", 4, 2, K_RET, 0, 0);
    plain("ret Iw", "c2", 2, 2, K_RET, FF_LOW, 0);
    plain("retf", "cb", 4, 0, K_RETF, 0, 0);
    plain("retf", "cb", 2, 0, K_RETF, FF_LOW, 0);
    plain("retf Iw", "ca", 4, 2, K_RETF, 0, 0);
    plain("iret", "cf", 4, 0, K_IRET, 0, 0);
    plain("iret", "cf", 2, 0, K_IRET, FF_LOW, 0);
    plain("jmpf ptr16:32", "ea", 4, 6, K_FARIMM, 0, 0);
    plain("jmpf ptr16:16", "ea", 2, 4, K_FARIMM, FF_LOW, 0);
    plain("callf ptr16:32", "9a", 4, 6, K_FARIMM, 0, 0);
    plain("callf ptr16:16", "9a", 2, 4, K_FARIMM, FF_LOW, 0);
    add("jmpf m16:32", "ff", E_MEM, 5, 4, 6, 0, K_FARMEM, FF_SEGOVR);
    add("jmpf m16:16", "66 ff", E_MEM, 5, 2, 4, 0, K_FARMEM, FF_SEGOVR | FF_LOW);
    add("callf m16:32", "ff", E_MEM, 3, 4, 6, 0, K_FARMEM, FF_SEGOVR);
    add("callf m16:16", "66 ff", E_MEM, 3, 2, 4, 0, K_FARMEM, FF_SEGOVR | FF_LOW);
    add("jmpf reg (#UD)", "ff", E_REG, 5, 4, 6, 0, K_PLAIN, 0);
}

static void forms_traps(void)
{
    plain("int3", "cc", 4, 0, K_PLAIN, 0, 0);
    plain("int 3 (CD 03)", "cd 03", 4, 0, K_PLAIN, 0, 0);
    plain("into", "ce", 4, 0, K_PLAIN, 0, 0);
    plain("int1 (F1)", "f1", 4, 0, K_PLAIN, 0, 0);
    rm2("bound Gv,Ma", "62", -1, 2, 0, K_BOUND, FF_REGPIN, 0, false);
    rm2("bound Gv,Ma", "62", -1, 4, 0, K_BOUND, FF_REGPIN, 0, false);
    plain("ud2", "0f 0b", 4, 0, K_PLAIN, 0, 0);
    plain("hlt", "f4", 4, 0, K_PLAIN, 0, 0);
    plain("cli", "fa", 4, 0, K_PLAIN, 0, 0);
    plain("sti", "fb", 4, 0, K_PLAIN, 0, 0);
    plain("in al,Ib", "e4", 1, 1, K_PLAIN, 0, 0);
    plain("out Ib,eax", "e7", 4, 1, K_PLAIN, 0, 0);
    plain("in eax,dx", "ed", 4, 0, K_PLAIN, 0, 0);
    plain("out dx,al", "ee", 1, 0, K_PLAIN, 0, 0);
    plain("insb", "6c", 1, 0, K_PLAIN, 0, 0);
    plain("outsd", "6f", 4, 0, K_PLAIN, 0, 0);
    plain("clts", "0f 06", 4, 0, K_PLAIN, 0, 0);
    plain("invd", "0f 08", 4, 0, K_PLAIN, 0, 0);
    plain("wbinvd", "0f 09", 4, 0, K_PLAIN, 0, 0);
    plain("wrmsr", "0f 30", 4, 0, K_PLAIN, 0, 0);
    plain("rdmsr", "0f 32", 4, 0, K_PLAIN, 0, 0);
    add("mov eax,cr0", "0f 20", E_REG, 0, 4, 0, 0, K_PLAIN, 0)->rmf = 0;
    add("mov cr0,eax", "0f 22", E_REG, 0, 4, 0, 0, K_PLAIN, 0)->rmf = 0;
    add("mov eax,dr7", "0f 21", E_REG, 7, 4, 0, 0, K_PLAIN, 0)->rmf = 0;
    add("lgdt", "0f 01", E_MEM, 2, 4, 6, 0, K_PLAIN, 0);
    add("lidt", "0f 01", E_MEM, 3, 4, 6, 0, K_PLAIN, 0);
    add("lmsw r", "0f 01", E_REG, 6, 2, 2, 0, K_PLAIN, 0);
    add("invlpg", "0f 01", E_MEM, 7, 4, 1, 0, K_PLAIN, 0);
    add("lldt r", "0f 00", E_REG, 2, 2, 2, 0, K_PLAIN, 0);
    add("ltr r", "0f 00", E_REG, 3, 2, 2, 0, K_PLAIN, 0);
    /* undefined encodings: #UD (none that a newer host gives a meaning:
     * no C4/C5/8F register forms (VEX/XOP), no C6/C7 /7 (RTM), no 0F 0D) */
    plain("#UD 0f 04", "0f 04", 4, 0, K_PLAIN, 0, 0);
    plain("#UD 0f 0a", "0f 0a", 4, 0, K_PLAIN, 0, 0);
    plain("#UD 0f 0e (femms)", "0f 0e", 4, 0, K_PLAIN, 0, 0);
    plain("#UD 0f 36", "0f 36", 4, 0, K_PLAIN, 0, 0);
    plain("#UD 0f a6", "0f a6", 4, 0, K_PLAIN, 0, 0);
    plain("#UD 0f a7", "0f a7", 4, 0, K_PLAIN, 0, 0);
    rm2("#UD ud1 (0f b9)", "0f b9", -1, 4, 0, K_PLAIN, 0, 0, false);
    rm2("#UD fe /7", "fe", 7, 1, 0, K_PLAIN, 0, 0, false);
    rm2("#UD ff /7", "ff", 7, 4, 0, K_PLAIN, 0, 0, false);
    add("#UD 8f /1 m", "8f", E_MEM, 1, 4, 4, 0, K_PLAIN, 0);
    /* the 15-byte limit: 14 prefixes + NOP runs, 15 + NOP is #GP(0) */
    plain("nop, 15 bytes", "3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 90", 4, 0, K_PLAIN, 0, 0);
    plain("nop, 16 bytes (#GP)", "3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 90", 4, 0, K_PLAIN,
          0, 0);
}

static void forms_segment(void)
{
    static const struct {
        const char *nm, *op;
        int regf;
    } movs[] = { { "mov es,Ew", "8e", 0 }, { "mov ss,Ew", "8e", 2 }, { "mov ds,Ew", "8e", 3 },
                 { "mov fs,Ew", "8e", 4 }, { "mov cs,Ew (#UD)", "8e", 1 } };

    for (unsigned i = 0; i < sizeof(movs) / sizeof(movs[0]); i++)
        rm2(movs[i].nm, movs[i].op, movs[i].regf, 2, 0, K_SREG, 0, 0, false);
    for (int r = 0; r < 6; r++) {
        static const char *const sn[6] = { "es", "cs", "ss", "ds", "fs", "gs" };
        char nm[32];

        snprintf(nm, sizeof(nm), "mov Ev,%s", sn[r]);
        rm2(nm, "8c", r, 2, 0, K_PLAIN, 0, 0, false);
        rm2(nm, "8c", r, 4, 0, K_PLAIN, 0, 0, false);
    }
    plainv("pop es", "07", 0, K_SREG, 0, 0);
    plainv("pop ss", "17", 0, K_SREG, 0, 0);
    plainv("pop ds", "1f", 0, K_SREG, 0, 0);
    plainv("pop fs", "0f a1", 0, K_SREG, 0, 0);
    add("les Gv,Mp/32", "c4", E_MEM, -1, 4, 6, 0, K_SELMEM, FF_SEGOVR);
    add("lds Gv,Mp/32", "c5", E_MEM, -1, 4, 6, 0, K_SELMEM, FF_SEGOVR);
    add("lss Gv,Mp/32", "0f b2", E_MEM, -1, 4, 6, 0, K_SELMEM, FF_SEGOVR);
    add("lfs Gv,Mp/32", "0f b4", E_MEM, -1, 4, 6, 0, K_SELMEM, FF_SEGOVR);
    add("les Gv,Mp/16", "66 c4", E_MEM, -1, 2, 4, 0, K_SELMEM, FF_SEGOVR);
    add("lds Gv,Mp/16", "66 c5", E_MEM, -1, 2, 4, 0, K_SELMEM, FF_SEGOVR);
    add("lfs Gv,Mp/16", "66 0f b4", E_MEM, -1, 2, 4, 0, K_SELMEM, FF_SEGOVR);
    add("lss reg (#UD)", "0f b2", E_REG, -1, 4, 6, 0, K_PLAIN, 0);
    rmbv("lar Gv,Ew", NULL, "0f 02", -1, 0, 0, K_SEL, 0, 0, false);
    rmbv("lsl Gv,Ew", NULL, "0f 03", -1, 0, 0, K_SEL, 0, 0, false);
    rm2("verr Ew", "0f 00", 4, 2, 0, K_SEL, 0, 0, false);
    rm2("verw Ew", "0f 00", 5, 2, 0, K_SEL, 0, 0, false);
    rm2("arpl Ew,Gw", "63", -1, 2, 0, K_SEL, 0, 0, false);
}

/* ---- x87 ---- */

/* Memory operand format of D8-DF /reg forms. */
static const uint8_t x87_mem_fmt[8][8] = {
    { X_F32, X_F32, X_F32, X_F32, X_F32, X_F32, X_F32, X_F32 },
    { X_F32, X_NONE, X_F32, X_F32, X_ENV, X_CW, X_ENV, X_CW },
    { X_I32, X_I32, X_I32, X_I32, X_I32, X_I32, X_I32, X_I32 },
    { X_I32, X_I32, X_I32, X_I32, X_NONE, X_F80, X_NONE, X_F80 },
    { X_F64, X_F64, X_F64, X_F64, X_F64, X_F64, X_F64, X_F64 },
    { X_F64, X_I64, X_F64, X_F64, X_SAVE, X_NONE, X_SAVE, X_SW },
    { X_I16, X_I16, X_I16, X_I16, X_I16, X_I16, X_I16, X_I16 },
    { X_I16, X_I16, X_I16, X_I16, X_BCD, X_I64, X_BCD, X_I64 },
};

static int x87_fmt_size(int fmt)
{
    static const uint8_t sz[] = { [X_NONE] = 4, [X_F32] = 4, [X_F64] = 8, [X_F80] = 10,
                                  [X_I16] = 2, [X_I32] = 4, [X_I64] = 8, [X_BCD] = 10,
                                  [X_ENV] = 28, [X_SAVE] = 108, [X_CW] = 2, [X_SW] = 2 };

    return sz[fmt];
}

/* Register forms whose ModRM.rm picks the operation, not a register. */
static bool x87_rm_is_op(int esc, int reg)
{
    return (esc == 1 && reg >= 4) || (esc == 1 && reg == 2) || (esc == 2 && reg == 5) ||
           (esc == 3 && reg == 4) || (esc == 6 && reg == 3) || (esc == 7 && reg == 4);
}

static void forms_x87(void)
{
    for (int esc = 0; esc < 8; esc++) {
        for (int reg = 0; reg < 8; reg++) {
            char nm[40], op[8];
            int fmt = x87_mem_fmt[esc][reg];
            Form *f;

            snprintf(op, sizeof(op), "%02x", 0xd8 + esc);
            snprintf(nm, sizeof(nm), "x87 %02x /%d m", 0xd8 + esc, reg);
            f = add(nm, op, E_MEM, reg, 4, x87_fmt_size(fmt), 0, K_X87, FF_FPU | FF_SEGOVR);
            if (f)
                f->sub = fmt;
            if (!x87_rm_is_op(esc, reg)) {
                snprintf(nm, sizeof(nm), "x87 %02x /%d r", 0xd8 + esc, reg);
                add(nm, op, E_REG, reg, 4, 0, 0, K_X87, FF_FPU);
                continue;
            }
            for (int rm = 0; rm < 8; rm++) {
                snprintf(nm, sizeof(nm), "x87 %02x %02x", 0xd8 + esc, 0xc0 + reg * 8 + rm);
                f = add(nm, op, E_REG, reg, 4, 0, 0, K_X87, FF_FPU);
                if (f)
                    f->rmf = rm;
            }
        }
    }
    add("x87 16-bit fnstenv", "66 d9", E_MEM, 6, 2, 14, 0, K_X87, FF_FPU)->sub = X_ENV;
    add("x87 16-bit fldenv", "66 d9", E_MEM, 4, 2, 14, 0, K_X87, FF_FPU)->sub = X_ENV;
    add("x87 16-bit fnsave", "66 dd", E_MEM, 6, 2, 94, 0, K_X87, FF_FPU)->sub = X_SAVE;
    add("x87 16-bit frstor", "66 dd", E_MEM, 4, 2, 94, 0, K_X87, FF_FPU)->sub = X_SAVE;
    plain("fwait", "9b", 4, 0, K_X87, FF_FPU, 0);
}

/* ---- MMX ---- */

static void mmx(const char *nm, const char *op, int imm, int sub, bool reg, bool mem, int regf,
                int msz)
{
    char name[48];
    Form *f;

    if (reg) {
        snprintf(name, sizeof(name), "%s r", nm);
        if ((f = add(name, op, E_REG, regf, 8, 8, imm, K_MMX, FF_MMX)))
            f->sub = sub;
    }
    if (mem) {
        snprintf(name, sizeof(name), "%s m", nm);
        if ((f = add(name, op, E_MEM, regf, 8, msz, imm, K_MMX, FF_MMX | FF_SEGOVR)))
            f->sub = sub;
    }
}

static void forms_mmx(void)
{
    static const struct {
        const char *nm;
        uint8_t op;
    } rr[] = {
        { "punpcklbw", 0x60 }, { "punpcklwd", 0x61 }, { "punpckldq", 0x62 },
        { "packsswb", 0x63 }, { "pcmpgtb", 0x64 }, { "pcmpgtw", 0x65 }, { "pcmpgtd", 0x66 },
        { "packuswb", 0x67 }, { "punpckhbw", 0x68 }, { "punpckhwd", 0x69 },
        { "punpckhdq", 0x6a }, { "packssdw", 0x6b }, { "movq Pq,Qq", 0x6f },
        { "pcmpeqb", 0x74 }, { "pcmpeqw", 0x75 }, { "pcmpeqd", 0x76 }, { "psrlw", 0xd1 },
        { "psrld", 0xd2 }, { "psrlq", 0xd3 }, { "paddq", 0xd4 }, { "pmullw", 0xd5 },
        { "psubusb", 0xd8 }, { "psubusw", 0xd9 }, { "pminub", 0xda }, { "pand", 0xdb },
        { "paddusb", 0xdc }, { "paddusw", 0xdd }, { "pmaxub", 0xde }, { "pandn", 0xdf },
        { "pavgb", 0xe0 }, { "psraw", 0xe1 }, { "psrad", 0xe2 }, { "pavgw", 0xe3 },
        { "pmulhuw", 0xe4 }, { "pmulhw", 0xe5 }, { "psubsb", 0xe8 }, { "psubsw", 0xe9 },
        { "pminsw", 0xea }, { "por", 0xeb }, { "paddsb", 0xec }, { "paddsw", 0xed },
        { "pmaxsw", 0xee }, { "pxor", 0xef }, { "psllw", 0xf1 }, { "pslld", 0xf2 },
        { "psllq", 0xf3 }, { "pmuludq", 0xf4 }, { "pmaddwd", 0xf5 }, { "psadbw", 0xf6 },
        { "psubb", 0xf8 }, { "psubw", 0xf9 }, { "psubd", 0xfa }, { "psubq", 0xfb },
        { "paddb", 0xfc }, { "paddw", 0xfd }, { "paddd", 0xfe },
    };
    static const struct {
        const char *nm;
        uint8_t op;
    } s3[] = {
        { "pshufb", 0x00 }, { "phaddw", 0x01 }, { "phaddd", 0x02 }, { "phaddsw", 0x03 },
        { "pmaddubsw", 0x04 }, { "phsubw", 0x05 }, { "phsubd", 0x06 }, { "phsubsw", 0x07 },
        { "psignb", 0x08 }, { "psignw", 0x09 }, { "psignd", 0x0a }, { "pmulhrsw", 0x0b },
        { "pabsb", 0x1c }, { "pabsw", 0x1d }, { "pabsd", 0x1e },
    };
    char op[16];

    for (unsigned i = 0; i < sizeof(rr) / sizeof(rr[0]); i++) {
        snprintf(op, sizeof(op), "0f %02x", rr[i].op);
        mmx(rr[i].nm, op, 0, 0, true, true, -1, rr[i].op >= 0x60 && rr[i].op <= 0x62 ? 4 : 8);
    }
    for (unsigned i = 0; i < sizeof(s3) / sizeof(s3[0]); i++) {
        snprintf(op, sizeof(op), "0f 38 %02x", s3[i].op);
        mmx(s3[i].nm, op, 0, 0, true, true, -1, 8);
    }
    mmx("palignr", "0f 3a 0f", 1, 0, true, true, -1, 8);
    mmx("pshufw", "0f 70", 1, 0, true, true, -1, 8);
    mmx("movd Pq,Ed", "0f 6e", 0, MMX_RM_GPR, true, true, -1, 4);
    mmx("movd Ed,Pq", "0f 7e", 0, MMX_RM_GPR, true, true, -1, 4);
    mmx("movq Qq,Pq", "0f 7f", 0, 0, true, true, -1, 8);
    mmx("movntq", "0f e7", 0, 0, false, true, -1, 8);
    mmx("pinsrw", "0f c4", 1, MMX_RM_GPR, true, true, -1, 2);
    mmx("pextrw", "0f c5", 1, MMX_REG_GPR, true, false, -1, 8);
    mmx("pmovmskb", "0f d7", 0, MMX_REG_GPR, true, false, -1, 8);
    mmx("psrlw Ib", "0f 71", 1, 0, true, false, 2, 8);
    mmx("psraw Ib", "0f 71", 1, 0, true, false, 4, 8);
    mmx("psllw Ib", "0f 71", 1, 0, true, false, 6, 8);
    mmx("psrld Ib", "0f 72", 1, 0, true, false, 2, 8);
    mmx("psrad Ib", "0f 72", 1, 0, true, false, 4, 8);
    mmx("pslld Ib", "0f 72", 1, 0, true, false, 6, 8);
    mmx("psrlq Ib", "0f 73", 1, 0, true, false, 2, 8);
    mmx("psllq Ib", "0f 73", 1, 0, true, false, 6, 8);
    plain("emms", "0f 77", 4, 0, K_MMX, FF_MMX, 0);
    add("maskmovq", "0f f7", E_REG, -1, 8, 8, 0, K_MASKMOVQ, FF_MMX | FF_SEGOVR);
}

unsigned forms_build(Form *t, unsigned max)
{
    tab = t;
    maxtab = max;
    ntab = 0;
    forms_alu();
    forms_shift();
    forms_muldiv();
    forms_bits();
    forms_move();
    forms_bcd_flags();
    forms_stack();
    forms_string();
    forms_branch();
    forms_traps();
    forms_segment();
    forms_x87();
    forms_mmx();
    return ntab;
}
