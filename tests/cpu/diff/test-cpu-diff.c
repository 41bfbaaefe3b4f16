/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: native host CPU versus kemu, form by form.
 *
 * Starts diff-native (argv[1]), builds the table of instruction forms,
 * and for every form generates random cases, runs them on both sides and
 * compares registers, EFLAGS (undefined flags included: the host is the
 * reference), EIP, segment selectors, the exception raised (vector and
 * error code), the x87/MMX state and every byte of the memory window.
 * One TAP line per form; the first mismatching case of a failing form is
 * printed with its inputs and both results.
 *
 * Environment: KEMU_TEST_SLOW=1 runs 2000 cases per form (default 32);
 * KEMU_DIFF_CASES=n overrides; KEMU_TEST_SEED=n picks the seed;
 * KEMU_DIFF_FILTER=substr runs only forms whose name contains substr;
 * KEMU_DIFF_CPU=model is the -cpu string; KEMU_DIFF_REPORT=file writes a
 * markdown list of the failing forms; KEMU_DIFF_HIGH=1 forces the high
 * address layout; KEMU_DIFF_VERBOSE=n prints up to n mismatches per form;
 * KEMU_DIFF_DUMP=1 prints every case, matching or not.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config-host.h"
#include "../../unit/tap.h"
#include "forms.h"
#include "kemu-side.h"

#if CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

#define MAX_FORMS 4096
#define RF_BIT 0x10000u

static const char *const regname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const segname[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

static int to_native = -1, from_native = -1;
static pid_t native_pid;
static DiffHello hello;
static FILE *report;
static unsigned verbose = 1;
static bool dump_all;

/* ---- the native helper ---- */

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;

    while (n) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    uint8_t *p = buf;

    while (n) {
        ssize_t k = read(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

static bool native_start(const char *path, bool high)
{
    int in[2], out[2];

    if (pipe(in) || pipe(out))
        return false;
    native_pid = fork();
    if (native_pid < 0)
        return false;
    if (native_pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(path, path, high ? "--high" : NULL, (char *)NULL);
        perror(path);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_native = in[1];
    from_native = out[0];
    if (read_all(from_native, &hello, sizeof(hello)) || hello.magic != DIFF_MAGIC ||
        hello.case_size != sizeof(DiffCase) || hello.result_hdr != DIFF_RESULT_HDR)
        return false;
    return true;
}

static void native_stop(void)
{
    uint32_t zero = 0;

    if (to_native >= 0) {
        write_all(to_native, &zero, 4);
        close(to_native);
    }
    if (native_pid > 0)
        waitpid(native_pid, NULL, 0);
}

static bool native_run(const DiffCase *cases, DiffResult *res, uint32_t n)
{
    if (write_all(to_native, &n, 4) || write_all(to_native, cases, (size_t)n * sizeof(*cases)))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        if (read_all(from_native, &res[i], DIFF_RESULT_HDR) || res[i].nchg > DIFF_CHG_MAX ||
            read_all(from_native, res[i].chg, res[i].nchg * sizeof(DiffChange)))
            return false;
    }
    return true;
}

/* ---- comparison ---- */

typedef struct Mismatch {
    unsigned regs;       /* bit per GPR */
    uint32_t flags;      /* differing EFLAGS bits */
    bool eip, exc, mem;
    unsigned sregs;
    unsigned fpu;        /* bit per FPU field (see fpu_field) */
} Mismatch;

enum { FP_FCW, FP_FSW, FP_FTW, FP_FIP, FP_FCS, FP_FOP, FP_FDP, FP_FDS, FP_REGS, FP_N };
static const char *const fpname[FP_N] = { "fcw", "fsw", "ftw", "fip", "fcs", "fop", "fdp", "fds",
                                          "st" };

static uint32_t img32(const uint8_t *img, int off, int n)
{
    uint32_t v = 0;

    for (int i = 0; i < n; i++)
        v |= (uint32_t)img[off + i] << (8 * i);
    return v;
}

static uint32_t fpu_field(const uint8_t *img, int f)
{
    switch (f) {
    case FP_FCW: return img32(img, 0, 2);
    case FP_FSW: return img32(img, 4, 2);
    case FP_FTW: return img32(img, 8, 2);
    case FP_FIP: return img32(img, 12, 4);
    case FP_FCS: return img32(img, 16, 2);
    case FP_FOP: return img32(img, 18, 2) & 0x7ff;
    case FP_FDP: return img32(img, 20, 4);
    case FP_FDS: return img32(img, 24, 2);
    default: return 0;
    }
}

/* FPU fields the host does not keep (SDM vol. 1 8.1.8, 8.1.9): CPUID.(7,0)
 * .EBX bit 13 deprecates FCS/FDS (stored as 0), bit 6 updates FDP (and
 * FDS) only on unmasked x87 exceptions; and since the Pentium 4 FOP too is
 * only updated on unmasked exceptions unless IA32_MISC_ENABLE[2] turns on
 * the compatibility mode, which no CPUID bit reports, so FOP is never
 * compared. */
static unsigned fpu_ignored(void)
{
    unsigned m = 1u << FP_FOP;

    if (hello.cpuid7_ebx & (1u << 13))
        m |= 1u << FP_FCS | 1u << FP_FDS;
    if (hello.cpuid7_ebx & (1u << 6))
        m |= 1u << FP_FDP | 1u << FP_FDS;
    return m;
}

static bool vector_has_error(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* Bytes of an FNSTENV/FNSAVE image the host does not keep (see
 * fpu_ignored): a bit per byte of the 28-byte (14-byte for 16-bit) header. */
static uint32_t image_ignored(const Form *f)
{
    unsigned ign = fpu_ignored();
    uint32_t m = 0;
    bool o16 = f->osz == 2;

    if (f->kind != K_X87 || f->enc != E_MEM || f->regf != 6 ||
        (f->sub != X_ENV && f->sub != X_SAVE))
        return 0;
    if (o16) {
        if (ign & (1u << FP_FCS))
            m |= 3u << 8;
        if (ign & (1u << FP_FDP))
            m |= 3u << 10;
        if (ign & (1u << FP_FDS))
            m |= 3u << 12;
        return m;
    }
    m |= 3u << 18; /* FOP */
    if (ign & (1u << FP_FCS))
        m |= 3u << 16;
    if (ign & (1u << FP_FDP))
        m |= 0xfu << 20;
    if (ign & (1u << FP_FDS))
        m |= 3u << 24;
    return m;
}

/* The change list of r without the bytes in the ignore mask at ea. */
static unsigned changes_filtered(const DiffResult *r, const DiffCase *c, uint32_t mask,
                                 uint32_t base, DiffChange *out)
{
    unsigned n = 0;

    for (unsigned i = 0; i < r->nchg; i++) {
        uint32_t rel = base + r->chg[i].off - c->ea;

        if (rel < 32 && (mask & (1u << rel)))
            continue;
        out[n++] = r->chg[i];
    }
    return n;
}

static bool compare(const Form *f, const DiffCase *c, const DiffResult *n, const DiffResult *k,
                    Mismatch *m)
{
    unsigned ign = fpu_ignored();
    uint32_t imask = image_ignored(f);

    memset(m, 0, sizeof(*m));
    for (int i = 0; i < 8; i++)
        if (n->regs[i] != k->regs[i])
            m->regs |= 1u << i;
    m->flags = (n->eflags ^ k->eflags) & ~RF_BIT;
    m->eip = n->eip != k->eip;
    for (int s = 0; s < 6; s++)
        if (n->sregs[s] != k->sregs[s])
            m->sregs |= 1u << s;
    m->exc = n->vector != k->vector ||
             (vector_has_error(n->vector) && n->error_code != k->error_code) ||
             (n->vector == 14 && n->cr2 != k->cr2);
    for (int i = 0; i < FP_REGS; i++)
        if (!(ign & (1u << i)) && fpu_field(n->fpu, i) != fpu_field(k->fpu, i))
            m->fpu |= 1u << i;
    if (memcmp(n->fpu + 28, k->fpu + 28, 80))
        m->fpu |= 1u << FP_REGS;
    if (imask) {
        static DiffChange a[DIFF_CHG_MAX], b[DIFF_CHG_MAX];
        unsigned na = changes_filtered(n, c, imask, hello.base, a);
        unsigned nb = changes_filtered(k, c, imask, hello.base, b);

        m->mem = na != nb || memcmp(a, b, na * sizeof(DiffChange));
    } else {
        m->mem = n->mem_hash != k->mem_hash || n->nchg != k->nchg ||
                 memcmp(n->chg, k->chg, n->nchg * sizeof(DiffChange));
    }
    return !m->regs && !m->flags && !m->eip && !m->sregs && !m->exc && !m->fpu && !m->mem;
}

/* ---- printing ---- */

static void disasm(const DiffCase *c, char *out, size_t n)
{
    int p = 0;

    for (unsigned i = 0; i < c->code_len && p < (int)n - 4; i++)
        p += snprintf(out + p, n - p, "%02x ", c->code[i]);
#if CONFIG_CAPSTONE
    {
        csh h;
        cs_insn *insn;

        if (cs_open(CS_ARCH_X86, CS_MODE_32, &h) == CS_ERR_OK) {
            if (cs_disasm(h, c->code, c->code_len, 0, 1, &insn) == 1) {
                snprintf(out + p, n - p, " (%s %s)", insn->mnemonic, insn->op_str);
                cs_free(insn, 1);
            }
            cs_close(&h);
        }
    }
#endif
}

static void print_fpu(const char *who, const uint8_t *img)
{
    diag("  %s fpu: fcw=%04x fsw=%04x ftw=%04x fip=%08x fcs=%04x fop=%03x fdp=%08x fds=%04x", who,
         fpu_field(img, FP_FCW), fpu_field(img, FP_FSW), fpu_field(img, FP_FTW),
         fpu_field(img, FP_FIP), fpu_field(img, FP_FCS), fpu_field(img, FP_FOP),
         fpu_field(img, FP_FDP), fpu_field(img, FP_FDS));
    for (int i = 0; i < 8; i += 2) {
        const uint8_t *a = img + 28 + 10 * i, *b = a + 10;

        diag("  %s   st%d=%04x:%016" PRIx64 "  st%d=%04x:%016" PRIx64, who, i,
             img32(a, 8, 2), (uint64_t)img32(a, 4, 4) << 32 | img32(a, 0, 4), i + 1,
             img32(b, 8, 2), (uint64_t)img32(b, 4, 4) << 32 | img32(b, 0, 4));
    }
}

static void print_result(const char *who, const DiffResult *r, const Mismatch *m, bool fpu)
{
    char line[512];
    int p = 0;

    p += snprintf(line + p, sizeof(line) - p, "  %s:", who);
    if (r->vector >= 0)
        p += snprintf(line + p, sizeof(line) - p, " #%d(%d)", r->vector,
                      vector_has_error(r->vector) ? r->error_code : -1);
    if (r->vector == 14)
        p += snprintf(line + p, sizeof(line) - p, " cr2=%08x", r->cr2);
    p += snprintf(line + p, sizeof(line) - p, " eip=%08x fl=%08x", r->eip, r->eflags & ~RF_BIT);
    for (int i = 0; i < 8; i++)
        p += snprintf(line + p, sizeof(line) - p, " %s=%08x", regname[i], r->regs[i]);
    diag("%s", line);
    if (m->sregs) {
        p = 0;
        for (int s = 0; s < 6; s++)
            p += snprintf(line + p, sizeof(line) - p, " %s=%04x", segname[s], r->sregs[s]);
        diag("  %s:%s", who, line);
    }
    if (m->mem) {
        p = snprintf(line, sizeof(line), "  %s mem: %u changed, hash %08x:", who, r->nchg,
                     r->mem_hash);
        for (unsigned i = 0; i < r->nchg && i < 24; i++)
            p += snprintf(line + p, sizeof(line) - p, " %04x=%02x", r->chg[i].off, r->chg[i].val);
        diag("%s", line);
    }
    if (fpu)
        print_fpu(who, r->fpu);
}

static void print_mismatch(const Form *f, const DiffCase *c, const DiffResult *n,
                           const DiffResult *k, const Mismatch *m)
{
    char line[512];
    int p = 0;

    disasm(c, line, sizeof(line));
    diag("  case %u: %s", c->id, line);
    p = snprintf(line, sizeof(line), "  in: fl=%08x", c->eflags);
    for (int i = 0; i < 8; i++)
        p += snprintf(line + p, sizeof(line) - p, " %s=%08x", regname[i], c->regs[i]);
    diag("%s", line);
    if (c->npatch) {
        p = snprintf(line, sizeof(line), "  in mem (window +off): seed %08x", c->mem_seed);
        for (unsigned i = 0; i < c->npatch && p < (int)sizeof(line) - 40; i++) {
            p += snprintf(line + p, sizeof(line) - p, " %04x=", c->patch[i].off);
            for (int b = c->patch[i].len - 1; b >= 0; b--)
                p += snprintf(line + p, sizeof(line) - p, "%02x", c->patch[i].val[b]);
        }
        diag("%s", line);
    }
    if (f->fl & (FF_FPU | FF_MMX))
        print_fpu("in", c->fpu);
    print_result("native", n, m, m->fpu != 0);
    print_result("kemu  ", k, m, m->fpu != 0);
    p = snprintf(line, sizeof(line), "  differs:");
    for (int i = 0; i < 8; i++)
        if (m->regs & (1u << i))
            p += snprintf(line + p, sizeof(line) - p, " %s", regname[i]);
    if (m->flags)
        p += snprintf(line + p, sizeof(line) - p, " eflags(%04x%s)", m->flags,
                      (m->flags & ~f->undef) ? "" : ", undefined flags only");
    if (m->eip)
        p += snprintf(line + p, sizeof(line) - p, " eip");
    if (m->exc)
        p += snprintf(line + p, sizeof(line) - p, " exception");
    for (int s = 0; s < 6; s++)
        if (m->sregs & (1u << s))
            p += snprintf(line + p, sizeof(line) - p, " %s", segname[s]);
    for (int i = 0; i < FP_N; i++)
        if (m->fpu & (1u << i))
            p += snprintf(line + p, sizeof(line) - p, " %s", fpname[i]);
    if (m->mem)
        p += snprintf(line + p, sizeof(line) - p, " memory");
    diag("%s", line);
}

/* One-line summary of a mismatch for the report file. */
static void report_line(const Form *f, const DiffCase *c, const DiffResult *n,
                        const DiffResult *k, const Mismatch *m, unsigned bad, unsigned total)
{
    char code[256], what[256];
    int p = 0;

    if (!report)
        return;
    disasm(c, code, sizeof(code));
    what[0] = 0;
    for (int i = 0; i < 8; i++)
        if (m->regs & (1u << i))
            p += snprintf(what + p, sizeof(what) - p, "%s ", regname[i]);
    if (m->flags)
        p += snprintf(what + p, sizeof(what) - p, "eflags^%04x%s ", m->flags,
                      (m->flags & ~f->undef) ? "" : "(undef only)");
    if (m->eip)
        p += snprintf(what + p, sizeof(what) - p, "eip ");
    if (m->exc)
        p += snprintf(what + p, sizeof(what) - p, "exception(native #%d, kemu #%d) ", n->vector,
                      k->vector);
    if (m->sregs)
        p += snprintf(what + p, sizeof(what) - p, "sregs ");
    for (int i = 0; i < FP_N; i++)
        if (m->fpu & (1u << i))
            p += snprintf(what + p, sizeof(what) - p, "%s ", fpname[i]);
    if (m->mem)
        p += snprintf(what + p, sizeof(what) - p, "memory ");
    fprintf(report, "| `%s` | %u/%u | %s| `%s` |\n", f->name, bad, total, what, code);
}

/* ---- main ---- */

static unsigned env_uint(const char *name, unsigned dflt)
{
    const char *v = getenv(name);

    return v && *v ? (unsigned)strtoul(v, NULL, 0) : dflt;
}

static bool run_form(const Form *f, unsigned ncases, DiffCase *cases, DiffResult *nres,
                     DiffResult *kres, uint32_t *id)
{
    unsigned bad = 0, shown = 0, first = 0;
    Mismatch m, m0 = { 0 };

    for (unsigned i = 0; i < ncases; i++)
        gen_case(f, &cases[i], hello.base, (*id)++);
    if (!native_run(cases, nres, ncases)) {
        printf("Bail out! diff-native died\n");
        exit(1);
    }
    for (unsigned i = 0; i < ncases; i++) {
        kemu_side_run(&cases[i], kres);
        if (compare(f, &cases[i], &nres[i], kres, &m)) {
            if (dump_all) {
                Mismatch all = { .regs = 0xff, .sregs = 0x3f, .mem = true };

                print_mismatch(f, &cases[i], &nres[i], kres, &all);
            }
            continue;
        }
        if (bad++ == 0) {
            first = i;
            m0 = m;
            kres[1 + 0] = *kres; /* keep the first kemu result in slot 1 */
        }
        if (shown < verbose) {
            if (shown == 0)
                diag("%s: mismatch", f->name);
            print_mismatch(f, &cases[i], &nres[i], kres, &m);
            shown++;
        }
    }
    ok(bad == 0, "%s (%u cases%s)", f->name, ncases, bad ? ", some differ" : "");
    if (bad) {
        diag("  %u of %u cases differ", bad, ncases);
        report_line(f, &cases[first], &nres[first], &kres[1], &m0, bad, ncases);
    }
    return bad == 0;
}

int main(int argc, char **argv)
{
    static Form forms[MAX_FORMS];
    const char *filter = getenv("KEMU_DIFF_FILTER");
    const char *model = getenv("KEMU_DIFF_CPU");
    const char *rpath = getenv("KEMU_DIFF_REPORT");
    bool slow = env_uint("KEMU_TEST_SLOW", 0) != 0;
    unsigned ncases = env_uint("KEMU_DIFF_CASES", slow ? 2000 : 32);
    unsigned nforms, nsel = 0, nfail = 0;
    uint32_t id = 0;
    DiffCase *cases;
    DiffResult *nres, *kres;
    static bool sel[MAX_FORMS];

    verbose = env_uint("KEMU_DIFF_VERBOSE", 1);
    dump_all = env_uint("KEMU_DIFF_DUMP", 0) != 0;
    gen_seed(env_uint("KEMU_TEST_SEED", 20240601));
    if (argc < 2) {
        printf("1..0 # SKIP usage: test-cpu-diff PATH-TO-diff-native\n");
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    if (!native_start(argv[1], env_uint("KEMU_DIFF_HIGH", 0) != 0)) {
        printf("1..0 # SKIP cannot run the native helper %s\n", argv[1]);
        return 0;
    }
    uint16_t sregs[6];

    memcpy(sregs, hello.sregs, sizeof(sregs));
    if (!kemu_side_init(hello.base, sregs, model ? model : "pentium3,+sse2,+pni,+ssse3")) {
        printf("Bail out! cannot create the kemu CPU\n");
        return 1;
    }
    nforms = forms_build(forms, MAX_FORMS);
    for (unsigned i = 0; i < nforms; i++) {
        sel[i] = !filter || strstr(forms[i].name, filter);
        nsel += sel[i];
    }
    if (ncases < 1)
        ncases = 1;
    cases = calloc(ncases, sizeof(*cases));
    nres = calloc(ncases, sizeof(*nres));
    kres = calloc(2, sizeof(*kres));
    if (!cases || !nres || !kres)
        return 1;
    if (rpath) {
        report = fopen(rpath, "w");
        if (report) {
            fprintf(report, "# cpu-diff: forms where kemu differs from the host\n\n"
                            "Generated by tests/cpu/diff/test-cpu-diff (KEMU_DIFF_REPORT); "
                            "%u cases per form, seed %u, layout base %#x.\n"
                            "Columns: form, differing cases, what differs in the first one, "
                            "its bytes.\n\n| form | bad | differs | first case |\n|---|---|---|---|\n",
                    ncases, env_uint("KEMU_TEST_SEED", 20240601), hello.base);
        }
    }
    diag("host layout base %#x, %u forms (%u selected), %u cases each", hello.base, nforms, nsel,
         ncases);
    plan(nsel);
    for (unsigned i = 0; i < nforms; i++) {
        if (!sel[i])
            continue;
        if ((forms[i].fl & FF_LOW) && hello.base != DIFF_BASE_LOW) {
            ok(1, "%s # SKIP needs the low address layout (vm.mmap_min_addr)", forms[i].name);
            continue;
        }
        if (!run_form(&forms[i], ncases, cases, nres, kres, &id))
            nfail++;
    }
    diag("%u of %u forms differ", nfail, nsel);
    if (report) {
        fprintf(report, "\n%u of %u forms differ.\n", nfail, nsel);
        fclose(report);
    }
    native_stop();
    free(cases);
    free(nres);
    free(kres);
    return done_testing();
}
