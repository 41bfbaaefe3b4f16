/* SPDX-License-Identifier: MIT */
/*
 * Runs the SingleStepTests 80286 real-mode vectors (../shared/vectors/80286,
 * see its README) against kemu's CPU in real mode.
 *
 * usage: run-vectors [-n N] [-v] [-o STEM] DIR|FILE.json.gz...
 *   -n N     first N tests of each file (default: all)
 *   -v       print every failure in detail
 *   -o STEM  only the file whose stem (e.g. "F6.6") matches
 *
 * Each test: reset, load the registers (FLAGS & 0x0FFF), write the initial
 * bytes into 16 MiB of flat RAM, run until a HLT has executed, compare the
 * registers (FLAGS under the file's undefined-flag mask) and the final RAM
 * bytes. Known 80286-versus-386+ differences are counted as masked, with
 * the reason (see mask_reason and docs/cpu-x86.md). The last line is
 * "N passed, N failed"; masked tests count as passed.
 */
#include <ctype.h>
#include <inttypes.h>
#include <dirent.h>
#include <zlib.h>

#include "kemu/cpu.h"
#include "kemu/memory.h"
#include "kemu/x86.h"
#include "x86-test-api.h"

/* ---- a minimal JSON reader (objects, arrays, integers, strings) ---- */

typedef struct JVal JVal;
struct JVal {
    enum { J_NUM, J_STR, J_ARR, J_OBJ, J_NULL } type;
    long long num;
    char *str;
    JVal **items;    /* array items or object values */
    char **keys;     /* object keys */
    int n;
};

static const char *jp;

static void jskip(void)
{
    while (*jp && isspace((unsigned char)*jp))
        jp++;
}

static JVal *jparse(void);

static char *jstring(void)
{
    const char *start = ++jp;
    char *s;

    while (*jp && *jp != '"') {
        if (*jp == '\\' && jp[1])
            jp++;
        jp++;
    }
    s = strndup(start, jp - start);
    if (*jp)
        jp++;
    return s;
}

static void jpush(JVal *v, char *key, JVal *item)
{
    v->items = realloc(v->items, sizeof(JVal *) * (v->n + 1));
    v->keys = realloc(v->keys, sizeof(char *) * (v->n + 1));
    v->items[v->n] = item;
    v->keys[v->n] = key;
    v->n++;
}

static JVal *jparse(void)
{
    JVal *v = calloc(1, sizeof(*v));

    jskip();
    if (*jp == '{' || *jp == '[') {
        bool obj = *jp == '{';

        v->type = obj ? J_OBJ : J_ARR;
        jp++;
        for (;;) {
            char *key = NULL;

            jskip();
            if (*jp == '}' || *jp == ']') {
                jp++;
                break;
            }
            if (obj) {
                key = jstring();
                jskip();
                if (*jp == ':')
                    jp++;
            }
            jpush(v, key, jparse());
            jskip();
            if (*jp == ',')
                jp++;
        }
    } else if (*jp == '"') {
        v->type = J_STR;
        v->str = jstring();
    } else if (*jp == '-' || isdigit((unsigned char)*jp)) {
        v->type = J_NUM;
        v->num = strtoll(jp, (char **)&jp, 10);
    } else {
        v->type = J_NULL;
        while (*jp && isalpha((unsigned char)*jp))
            jp++;
    }
    return v;
}

static void jfree(JVal *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->n; i++) {
        jfree(v->items[i]);
        free(v->keys ? v->keys[i] : NULL);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static JVal *jget(const JVal *v, const char *key)
{
    if (!v || v->type != J_OBJ)
        return NULL;
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key))
            return v->items[i];
    return NULL;
}

static long long jnum(const JVal *v, const char *key, long long def)
{
    const JVal *x = jget(v, key);

    return x && x->type == J_NUM ? x->num : def;
}

/* ---- running one test ---- */

static const char *const reg_names[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const seg_names[] = { "es", "cs", "ss", "ds" };

typedef struct Result {
    uint16_t regs[8], segs[4], ip, flags;
    int vec;
} Result;

static X86CPU *cpu;
static bool verbose;

static void load_regs(const JVal *r, Result *out)
{
    for (int i = 0; i < 8; i++)
        out->regs[i] = jnum(r, reg_names[i], out->regs[i]);
    for (int i = 0; i < 4; i++)
        out->segs[i] = jnum(r, seg_names[i], out->segs[i]);
    out->ip = jnum(r, "ip", out->ip);
    out->flags = jnum(r, "flags", out->flags);
}

static void poke_ram(const JVal *ram)
{
    for (int i = 0; ram && i < ram->n; i++) {
        const JVal *e = ram->items[i];
        uint8_t b = e->items[1]->num;

        as_write(&as_memory, e->items[0]->num, &b, 1);
    }
}

static void run_one(const Result *init, Result *out)
{
    CPUState *cs = x86_cpu_state(cpu);
    X86TestState st = { 0 };

    cs->ops->reset(cs);
    x86_test_set_mode(cpu, X86_TEST_REAL);
    for (int i = 0; i < 8; i++)
        st.regs[i] = init->regs[i];
    for (int i = 0; i < 4; i++)
        st.sel[i] = init->segs[i];
    st.rip = init->ip;
    st.eflags = (init->flags & 0x0fff) | 2;
    x86_test_set_state(cpu, &st);
    x86_test_take_exception(cpu, NULL);
    x86_test_run(cpu, 64);
    x86_test_get_state(cpu, &st);
    for (int i = 0; i < 8; i++)
        out->regs[i] = st.regs[i];
    for (int i = 0; i < 4; i++)
        out->segs[i] = st.sel[i];
    out->ip = st.rip;
    out->flags = st.eflags;
    out->vec = x86_test_take_exception(cpu, NULL);
}

/* ---- masks: 80286 behaviour a 386+ does not reproduce ---- */

static int insn_len(const JVal *t)
{
    const JVal *b = jget(t, "bytes");

    return b ? b->n - 1 : 0; /* without the trailing HLT */
}

static bool has_lock(const JVal *t)
{
    const JVal *b = jget(t, "bytes");

    for (int i = 0; b && i < b->n; i++) {
        int x = b->items[i]->num;

        if (x == 0xf0)
            return true;
        if (x != 0x26 && x != 0x2e && x != 0x36 && x != 0x3e && x != 0xf2 && x != 0xf3)
            break;
    }
    return false;
}

static bool is_string_op(const char *stem)
{
    static const char *const ops[] = { "6C", "6D", "6E", "6F", "A4", "A5", "A6", "A7",
                                       "AA", "AB", "AC", "AD", "AE", "AF" };

    for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
        if (!strcmp(stem, ops[i]))
            return true;
    return false;
}

static const char *mask_reason(const char *stem, const JVal *t, int exp_vec, const Result *got,
                               const Result *exp, bool only_flags, uint16_t flag_diff)
{
    if (exp_vec == 13 && insn_len(t) > 10)
        return "instruction longer than 10 bytes: #GP on the 286, valid up to 15 on 386+";
    if (got->vec == 6 && exp_vec != 6 && has_lock(t))
        return "LOCK on a non-lockable instruction: ignored by the 286, #UD on 386+";
    if (exp_vec == 6 && (!strcmp(stem, "8C") || !strcmp(stem, "8E")))
        return "MOV Sreg with reg 4/5: #UD on the 286, FS/GS on 386+";
    if (exp_vec == 13 && got->vec == 12)
        return "stack-segment wrap: #GP(13) on the 286, #SS(12) on 386+";
    if (exp_vec == 13 && !strcmp(stem, "8F"))
        return "faulting POP m16: the 286 keeps SP incremented, 386+ restores it";
    if (only_flags && flag_diff == 0x800 && (!strncmp(stem, "C0.", 3) || !strncmp(stem, "C1.", 3)))
        return "shift/rotate OF with a count > 1 is undefined (upstream's C0/C1 masks omit it); "
               "kemu gives the host's value";
    if (exp_vec == 13 && (got->vec == 13 || got->vec == 12) && is_string_op(stem))
        return "string instruction faulting at a 64 KiB wrap: the 286 has already stepped "
               "SI/DI/CX, 386+ leaves them at the faulting iteration";
    (void)exp;
    return NULL;
}

/* ---- files ---- */

static long n_pass, n_fail, n_mask;
static const char *only_stem;

static void report(const char *stem, const JVal *t, const Result *exp, const Result *got,
                   const char *what)
{
    const JVal *name = jget(t, "name");

    if (!verbose)
        return;
    printf("FAIL %s #%lld \"%s\": %s\n", stem, jnum(t, "idx", -1),
           name ? name->str : "?", what);
    printf("   expected:");
    for (int i = 0; i < 8; i++)
        printf(" %s=%04x", reg_names[i], exp->regs[i]);
    printf(" cs=%04x ip=%04x fl=%04x\n        got:", exp->segs[1], exp->ip, exp->flags);
    for (int i = 0; i < 8; i++)
        printf(" %s=%04x", reg_names[i], got->regs[i]);
    printf(" cs=%04x ip=%04x fl=%04x vec=%d\n", got->segs[1], got->ip, got->flags, got->vec);
}

static void run_test(const char *stem, const JVal *t, unsigned flags_mask)
{
    const JVal *init = jget(t, "initial"), *fin = jget(t, "final"), *exc = jget(t, "exception");
    Result in = { 0 }, exp, got;
    int exp_vec = exc ? (int)jnum(exc, "number", -1) : -1;
    char what[256] = "";
    uint16_t fmask = flags_mask & 0x0fff, fdiff;
    bool regs_ok = true, ram_ok = true;
    const char *why;
    const JVal *ram;

    load_regs(jget(init, "regs"), &in);
    poke_ram(jget(init, "ram"));
    exp = in;
    load_regs(jget(fin, "regs"), &exp);
    run_one(&in, &got);

    for (int i = 0; i < 8; i++)
        if (got.regs[i] != exp.regs[i]) {
            regs_ok = false;
            snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s ", reg_names[i]);
        }
    for (int i = 0; i < 4; i++)
        if (got.segs[i] != exp.segs[i]) {
            regs_ok = false;
            snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s ", seg_names[i]);
        }
    if (got.ip != exp.ip) {
        regs_ok = false;
        strcat(what, "ip ");
    }
    fdiff = (got.flags ^ exp.flags) & fmask;
    ram = jget(fin, "ram");
    for (int i = 0; ram && i < ram->n; i++) {
        uint64_t a = ram->items[i]->items[0]->num;
        uint8_t want = ram->items[i]->items[1]->num, have;
        uint16_t m = 0xff;

        as_read(&as_memory, a, &have, 1);
        if (exc && flags_mask != 0xffff) {
            /* the pushed FLAGS word may hold undefined bits */
            uint64_t fa = ((uint64_t)exp.segs[2] << 4) + ((exp.regs[4] + 4) & 0xffff);

            if (a == fa)
                m = fmask & 0xff;
            else if (a == fa + 1)
                m = (fmask >> 8) & 0x0f;
        } else if (exc) {
            uint64_t fa = ((uint64_t)exp.segs[2] << 4) + ((exp.regs[4] + 4) & 0xffff);

            if (a == fa + 1)
                m = 0x0f; /* bits 12-15 of the pushed FLAGS */
        }
        if ((have ^ want) & m) {
            ram_ok = false;
            snprintf(what + strlen(what), sizeof(what) - strlen(what), "ram[%" PRIx64 "] ", a);
        }
    }
    if (fdiff)
        snprintf(what + strlen(what), sizeof(what) - strlen(what), "flags(%04x) ", fdiff);
    if (regs_ok && ram_ok && !fdiff) {
        n_pass++;
        return;
    }
    why = mask_reason(stem, t, exp_vec, &got, &exp, regs_ok && ram_ok, fdiff);
    if (why) {
        n_mask++;
        if (verbose)
            printf("masked %s #%lld: %s\n", stem, jnum(t, "idx", -1), why);
        return;
    }
    n_fail++;
    report(stem, t, &exp, &got, what);
}

static char *gz_slurp(const char *path)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 1 << 20, len = 0;
    char *buf;
    int n;

    if (!f)
        return NULL;
    buf = malloc(cap);
    while ((n = gzread(f, buf + len, cap - len - 1)) > 0) {
        len += n;
        if (cap - len < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    gzclose(f);
    buf[len] = 0;
    return buf;
}

static void run_file(const char *path, long limit)
{
    char *text = gz_slurp(path);
    JVal *doc, *tests, *stem;
    long before_fail = n_fail;

    if (!text) {
        fprintf(stderr, "run-vectors: cannot read %s\n", path);
        n_fail++;
        return;
    }
    jp = text;
    doc = jparse();
    tests = jget(doc, "tests");
    stem = jget(doc, "file");
    if (!tests || !stem) {
        fprintf(stderr, "run-vectors: %s: not a vector file\n", path);
        n_fail++;
    } else if (!only_stem || !strcmp(only_stem, stem->str)) {
        unsigned mask = jnum(doc, "flags_mask", 0xffff);

        for (int i = 0; i < tests->n && (limit < 0 || i < limit); i++)
            run_test(stem->str, tests->items[i], mask);
        if (verbose && n_fail != before_fail)
            printf("# %s: %ld failures\n", stem->str, n_fail - before_fail);
    }
    jfree(doc);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path, long limit)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **names = NULL;
    int n = 0;

    if (!d) {
        run_file(path, limit);
        return;
    }
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);

        if (l > 8 && !strcmp(e->d_name + l - 8, ".json.gz")) {
            names = realloc(names, sizeof(char *) * (n + 1));
            names[n++] = xasprintf("%s/%s", path, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_str);
    for (int i = 0; i < n; i++) {
        run_file(names[i], limit);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    static MemRegion ram;
    Error *err = NULL;
    long limit = -1;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            limit = atol(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            only_stem = argv[++i];
    }
    if (i >= argc) {
        fprintf(stderr, "usage: run-vectors [-n N] [-v] [-o STEM] DIR|FILE...\n");
        return 2;
    }
    mem_system_init();
    mr_init_ram(&ram, "ram", 16 * MiB);
    mr_add_subregion(&mr_system, 0, &ram);
    cpu = x86_cpu_create("qemu32", 0, &err);
    if (!cpu) {
        fprintf(stderr, "run-vectors: cannot create the CPU\n");
        return 2;
    }
    x86_test_set_mode(cpu, X86_TEST_REAL);
    for (; i < argc; i++)
        run_path(argv[i], limit);
    printf("%ld masked as 286-specific behaviour\n", n_mask);
    printf("%ld passed, %ld failed\n", n_pass + n_mask, n_fail);
    return n_fail ? 1 : 0;
}
