/* SPDX-License-Identifier: MIT */
/*
 * CPU models and the CPUID instruction.
 *
 * The models follow QEMU's of the same name (checked against Debian's
 * qemu-system-x86_64 7.2 by running CPUID under it): vendor, family/model/
 * stepping, feature words, cache leaves, brand string. "-cpu NAME,+feat,
 * -feat,feat=on|off" flips feature bits by their QEMU names. Differences
 * from QEMU: "svm" is never offered (kemu does not emulate SVM), and "max"
 * is the set of features kemu implements.
 * Reference: Intel SDM vol. 2A, CPUID; AMD CPUID Specification #25481;
 * QEMU manual "QEMU / KVM CPU model configuration".
 */
#include <ctype.h>

#include "cpu.h"

#define INTEL "GenuineIntel"
#define AMD "AuthenticAMD"

/* The bits of CPUID.1:EDX that AMD also reports in CPUID.80000001h:EDX. */
#define AMD_EXT2_ALIASES 0x0183f3ffu

/* CPUID.1:EDX of QEMU's x86-64 models (fpu de pse tsc msr pae mce cx8 apic
 * sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2) */
#define EDX_X86_64 0x078bfbfdu
#define ECX_NEHALEM                                                                               \
    (CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_CX16 | CPUID_EXT_SSE41 | CPUID_EXT_SSE42 |      \
     CPUID_EXT_POPCNT | CPUID_EXT_HYPERVISOR)
#define ECX_WESTMERE (ECX_NEHALEM | CPUID_EXT_AES | CPUID_EXT_PCLMULQDQ)
#define EXT2_INTEL64 (CPUID_EXT2_SYSCALL | CPUID_EXT2_NX | CPUID_EXT2_LM)

static const X86CPUModel x86_models[] = {
    { "486", "", 1, 0, INTEL, 4, 8, 0, { 0x00000009, 0x80000000 }, "" },
    { "pentium", "", 1, 0, INTEL, 5, 4, 3, { 0x008003bd, 0x80000000 }, "" },
    { "pentium2", "", 2, 0, INTEL, 6, 5, 2, { 0x0183fbfd, 0x80000000 }, "" },
    { "pentium3", "", 3, 0, INTEL, 6, 7, 3, { 0x0383fbfd, 0x80000000 }, "" },
    { "qemu32", "QEMU Virtual CPU version 2.5+", 4, 0x80000004, INTEL, 6, 6, 3,
      { 0x0781abfd, 0x80000001 }, "QEMU Virtual CPU version 2.5+" },
    { "qemu64", "QEMU Virtual CPU version 2.5+", 0xd, 0x8000000a, AMD, 15, 107, 1,
      { EDX_X86_64, 0x80002001, EXT2_INTEL64, CPUID_EXT3_LAHF_LM },
      "QEMU Virtual CPU version 2.5+" },
    { "Nehalem", "Intel Core i7 9xx (Nehalem Class Core i7)", 0xb, 0x80000008, INTEL, 6, 26, 3,
      { EDX_X86_64, ECX_NEHALEM, EXT2_INTEL64, CPUID_EXT3_LAHF_LM },
      "Intel Core i7 9xx (Nehalem Class Core i7)" },
    { "Westmere", "Westmere E56xx/L56xx/X56xx (Nehalem-C)", 0xb, 0x80000008, INTEL, 6, 44, 1,
      { EDX_X86_64, ECX_WESTMERE, EXT2_INTEL64, CPUID_EXT3_LAHF_LM,
        [FEAT_6_EAX] = CPUID_6_EAX_ARAT },
      "Westmere E56xx/L56xx/X56xx (Nehalem-C)" },
    /* QEMU's SandyBridge under TCG (no x2apic, no tsc-deadline) without AVX:
     * kemu has no VEX decoding */
    { "SandyBridge", "Intel Xeon E312xx (Sandy Bridge)", 0xd, 0x80000008, INTEL, 6, 42, 1,
      { EDX_X86_64, ECX_WESTMERE | CPUID_EXT_XSAVE, EXT2_INTEL64 | CPUID_EXT2_RDTSCP,
        CPUID_EXT3_LAHF_LM, [FEAT_6_EAX] = CPUID_6_EAX_ARAT,
        [FEAT_D_1_EAX] = CPUID_D_1_EAX_XSAVEOPT },
      "Intel Xeon E312xx (Sandy Bridge)" },
    /* Everything kemu implements (QEMU's TCG "max" less AVX/AVX2/FMA/F16C,
     * BMI1/BMI2 (VEX), SVM, 3DNow!, SSE4a, SMAP, PKU, LA57, MPX) */
    { "max", "Enables all features supported by the accelerator in the current host",
      0xd, 0x8000000a, AMD, 15, 107, 1,
      { EDX_X86_64 | CPUID_ACPI | CPUID_SS,
        CPUID_EXT_SSE3 | CPUID_EXT_PCLMULQDQ | CPUID_EXT_MONITOR | CPUID_EXT_SSSE3 |
            CPUID_EXT_CX16 | CPUID_EXT_SSE41 | CPUID_EXT_SSE42 | CPUID_EXT_MOVBE |
            CPUID_EXT_POPCNT | CPUID_EXT_AES | CPUID_EXT_XSAVE | CPUID_EXT_RDRAND |
            CPUID_EXT_HYPERVISOR,
        EXT2_INTEL64 | CPUID_EXT2_MMXEXT | CPUID_EXT2_PDPE1GB | CPUID_EXT2_RDTSCP,
        CPUID_EXT3_LAHF_LM | CPUID_EXT3_ABM,
        CPUID_7_0_EBX_FSGSBASE | CPUID_7_0_EBX_SMEP | CPUID_7_0_EBX_ERMS |
            CPUID_7_0_EBX_RDSEED | CPUID_7_0_EBX_ADX | CPUID_7_0_EBX_CLFLUSHOPT |
            CPUID_7_0_EBX_CLWB,
        CPUID_7_0_ECX_UMIP | CPUID_7_0_ECX_RDPID, 0, CPUID_6_EAX_ARAT,
        CPUID_D_1_EAX_XSAVEOPT },
      "QEMU TCG CPU version 2.5+" },
};

/* Feature names by word and bit, as QEMU spells them. */
static const char *const feat_names[FEAT_WORDS][32] = {
    [FEAT_1_EDX] = { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
                     NULL, "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn",
                     "clflush", NULL, "ds", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht",
                     "tm", "ia64", "pbe" },
    [FEAT_1_ECX] = { "pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
                     "tm2", "ssse3", "cid", NULL, "fma", "cx16", "xtpr", "pdcm", NULL,
                     "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
                     "tsc-deadline", "aes", "xsave", NULL, "avx", "f16c", "rdrand",
                     "hypervisor" },
    [FEAT_8000_0001_EDX] = { [11] = "syscall", [20] = "nx", [22] = "mmxext",
                             [25] = "fxsr-opt", [26] = "pdpe1gb", [27] = "rdtscp",
                             [29] = "lm", [30] = "3dnowext", [31] = "3dnow" },
    [FEAT_8000_0001_ECX] = { "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm",
                             "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
                             "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid-msr",
                             NULL, "tbm", "topoext", "perfctr-core", "perfctr-nb" },
    [FEAT_7_0_EBX] = { "fsgsbase", "tsc-adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
                       "bmi2", "erms", "invpcid", "rtm", NULL, NULL, "mpx", NULL, "avx512f",
                       "avx512dq", "rdseed", "adx", "smap", "avx512ifma", "pcommit",
                       "clflushopt", "clwb", "intel-pt", "avx512pf", "avx512er", "avx512cd",
                       "sha-ni", "avx512bw", "avx512vl" },
    [FEAT_7_0_ECX] = { NULL, "avx512vbmi", "umip", "pku", NULL, "waitpkg", "avx512vbmi2",
                       NULL, "gfni", "vaes", "vpclmulqdq", "avx512vnni", "avx512bitalg",
                       NULL, "avx512-vpopcntdq", NULL, "la57", NULL, NULL, NULL, NULL, NULL,
                       "rdpid", NULL, "bus-lock-detect", "cldemote", NULL, "movdiri",
                       "movdir64b" },
    [FEAT_7_0_EDX] = { [4] = "fsrm", [10] = "md-clear", [26] = "spec-ctrl", [27] = "stibp",
                       [29] = "arch-capabilities", [31] = "ssbd" },
    [FEAT_6_EAX] = { [2] = "arat" },
    [FEAT_D_1_EAX] = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" },
};

static const struct {
    const char *alias, *name;
} feat_aliases[] = {
    { "sse3", "pni" }, { "sse4-1", "sse4.1" }, { "sse4-2", "sse4.2" }, { "i64", "lm" },
    { "lahf_lm", "lahf-lm" }, { "tsc_adjust", "tsc-adjust" },
};

static const X86CPUModel *model_find(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(x86_models); i++) {
        const char *n = x86_models[i].name;

        if (strlen(n) == len && !strncmp(n, name, len))
            return &x86_models[i];
        /* The versioned name ("qemu64-v1") is the same model. */
        if (len == strlen(n) + 3 && !strncmp(n, name, strlen(n)) &&
            !strncmp(name + strlen(n), "-v1", 3))
            return &x86_models[i];
    }
    return NULL;
}

static bool feat_lookup(const char *name, int *word, int *bit)
{
    char buf[64];
    size_t i;

    for (i = 0; name[i] && i < sizeof(buf) - 1; i++)
        buf[i] = name[i] == '_' ? '-' : tolower((unsigned char)name[i]);
    buf[i] = 0;
    for (i = 0; i < ARRAY_SIZE(feat_aliases); i++) {
        if (!strcmp(buf, feat_aliases[i].alias)) {
            snprintf(buf, sizeof(buf), "%s", feat_aliases[i].name);
            break;
        }
    }
    for (int w = 0; w < FEAT_WORDS; w++) {
        for (int b = 0; b < 32; b++) {
            if (feat_names[w][b] && !strcmp(feat_names[w][b], buf)) {
                *word = w;
                *bit = b;
                return true;
            }
        }
    }
    return false;
}

static void model_apply(CPUX86State *env, const X86CPUModel *m)
{
    int fam = m->family, model = m->model;

    env->model_name = m->name;
    env->cpuid_level = m->level;
    env->cpuid_xlevel = m->xlevel;
    memcpy(env->cpuid_vendor, m->vendor, 12);
    env->cpuid_version = m->stepping | ((model & 0xf) << 4) | ((fam > 0xf ? 0xf : fam) << 8) |
                         ((model >> 4) << 16) | ((fam > 0xf ? fam - 0xf : 0) << 20);
    memcpy(env->features, m->features, sizeof(env->features));
    snprintf(env->model_id, sizeof(env->model_id), "%s", m->model_id);
}

/* Parse "name,+feat,-feat,feat=on|off". */
bool x86_cpu_parse_model(CPUX86State *env, const char *str, Error **errp)
{
    const char *comma = strchr(str, ',');
    size_t len = comma ? (size_t)(comma - str) : strlen(str);
    const X86CPUModel *m = model_find(str, len);
    char *opts, *tok, *save = NULL;
    bool ok = true;

    if (!m) {
        error_setg(errp, "unable to find CPU model '%.*s'", (int)len, str);
        return false;
    }
    model_apply(env, m);
    if (!comma)
        return true;
    opts = xstrdup(comma + 1);
    for (tok = strtok_r(opts, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        bool on;
        int w, b;

        if (tok[0] == '+' || tok[0] == '-') {
            on = tok[0] == '+';
            tok++;
        } else if (eq) {
            *eq = 0;
            if (!strcmp(eq + 1, "on") || !strcmp(eq + 1, "true") || !strcmp(eq + 1, "yes"))
                on = true;
            else if (!strcmp(eq + 1, "off") || !strcmp(eq + 1, "false") || !strcmp(eq + 1, "no"))
                on = false;
            else if (!strcmp(tok, "model-id")) {
                snprintf(env->model_id, sizeof(env->model_id), "%s", eq + 1);
                continue;
            } else {
                error_setg(errp, "Property '%s' doesn't take value '%s'", tok, eq + 1);
                ok = false;
                break;
            }
        } else {
            on = true;
        }
        if (!feat_lookup(tok, &w, &b)) {
            error_setg(errp, "Property '%s.%s' not found", env->model_name, tok);
            ok = false;
            break;
        }
        if (on)
            env->features[w] |= 1u << b;
        else
            env->features[w] &= ~(1u << b);
    }
    free(opts);
    return ok;
}

void x86_cpu_print_models(FILE *out)
{
    fprintf(out, "Available CPUs:\n");
    for (size_t i = 0; i < ARRAY_SIZE(x86_models); i++) {
        const X86CPUModel *m = &x86_models[i];

        if (!strcmp(m->name, "max")) {
            fprintf(out, "x86 %-20s  %s\n", m->name, m->desc);
            continue;
        }
        char vname[32];

        snprintf(vname, sizeof(vname), "%s-v1", m->name);
        fprintf(out, "x86 %-20s  %s\n", m->name, "(alias configured by machine type)");
        fprintf(out, "x86 %-20s  %s\n", vname, m->desc);
    }
    fprintf(out, "\nRecognized CPUID flags:\n");
    {
        const char *names[FEAT_WORDS * 32];
        int n = 0, col = 0;

        for (int w = 0; w < FEAT_WORDS; w++)
            for (int b = 0; b < 32; b++)
                if (feat_names[w][b])
                    names[n++] = feat_names[w][b];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (strcmp(names[j], names[i]) < 0) {
                    const char *t = names[i];

                    names[i] = names[j];
                    names[j] = t;
                }
        for (int i = 0; i < n; i++) {
            int l = strlen(names[i]);

            if (col && col + 1 + l > 75) {
                fprintf(out, "\n");
                col = 0;
            }
            fprintf(out, "%s%s", col ? " " : "  ", names[i]);
            col += l + (col ? 1 : 2);
        }
        fprintf(out, "\n");
    }
}

static bool vendor_is_amd(const CPUX86State *env)
{
    return !memcmp(env->cpuid_vendor, AMD, 12);
}

static void cpuid_brand(const CPUX86State *env, uint32_t leaf, uint32_t *r)
{
    char brand[48] = { 0 };

    memcpy(brand, env->model_id, strnlen(env->model_id, 48));
    memcpy(r, brand + (leaf - 0x80000002) * 16, 16);
}

/* Intel deterministic cache parameters (leaf 4) for one core. */
static void cpuid_leaf4(uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    static const uint32_t l4[4][4] = {
        { 0x121, 0x01c0003f, 0x3f, 1 },
        { 0x122, 0x01c0003f, 0x3f, 1 },
        { 0x143, 0x03c0003f, 0xfff, 1 },
        { 0x163, 0x03c0003f, 0x3fff, 6 },
    };

    if (sub < 4) {
        *a = l4[sub][0];
        *b = l4[sub][1];
        *c = l4[sub][2];
        *d = l4[sub][3];
    } else {
        *a = *b = *c = *d = 0;
    }
}

/* XSAVE state enumeration (leaf 0Dh): x87 and SSE, both in the 576-byte
 * legacy area + header. */
static void cpuid_xsave(const CPUX86State *env, uint32_t sub, uint32_t r[4])
{
    if (!x86_has(env, FEAT_1_ECX, CPUID_EXT_XSAVE))
        return;
    if (sub == 0) {
        r[0] = XSTATE_SUPPORTED;
        r[1] = 0x240;           /* size for the components enabled in XCR0 */
        r[2] = 0x240;           /* size for every supported component */
    } else if (sub == 1) {
        r[0] = env->features[FEAT_D_1_EAX];
        r[1] = 0x240;
    }
}

void x86_cpuid(CPUX86State *env, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
               uint32_t *c, uint32_t *d)
{
    bool amd = vendor_is_amd(env);
    uint32_t r[4] = { 0 };

    if (leaf >= 0x80000000) {
        if (leaf > env->cpuid_xlevel) {
            if (amd) {
                *a = *b = *c = *d = 0;
                return;
            }
            leaf = env->cpuid_level;
        }
    } else if (leaf > env->cpuid_level) {
        if (amd) {
            *a = *b = *c = *d = 0;
            return;
        }
        leaf = env->cpuid_level;
    }
    switch (leaf) {
    case 0:
    case 0x80000000:
        r[0] = leaf ? env->cpuid_xlevel : env->cpuid_level;
        r[1] = env->cpuid_vendor[0];
        r[2] = env->cpuid_vendor[2];
        r[3] = env->cpuid_vendor[1];
        break;
    case 1:
        r[0] = env->cpuid_version;
        r[1] = 0x800 | ((uint32_t)env->parent.index << 24);
        r[2] = env->features[FEAT_1_ECX] & ~CPUID_EXT_OSXSAVE;
        if ((env->cr[4] & CR4_OSXSAVE) && (r[2] & CPUID_EXT_XSAVE))
            r[2] |= CPUID_EXT_OSXSAVE;
        r[3] = env->features[FEAT_1_EDX];
        break;
    case 2:
        if (!amd) {
            r[0] = 1;
            r[2] = 0x4d;
            r[3] = 0x002c307d;
        }
        break;
    case 4:
        if (!amd)
            cpuid_leaf4(sub, &r[0], &r[1], &r[2], &r[3]);
        break;
    case 5:
        r[2] = 3;
        break;
    case 6:
        r[0] = env->features[FEAT_6_EAX];
        break;
    case 7:
        if (sub == 0) {
            r[1] = env->features[FEAT_7_0_EBX];
            r[2] = env->features[FEAT_7_0_ECX];
            r[3] = env->features[FEAT_7_0_EDX];
        }
        break;
    case 0xd:
        cpuid_xsave(env, sub, r);
        break;
    case 0xb:
        r[2] = sub & 0xff;
        if (sub == 0) {
            r[1] = 1;
            r[2] |= 0x100;
        } else if (sub == 1) {
            r[1] = 1;
            r[2] |= 0x200;
        }
        r[3] = env->parent.index;
        break;
    case 0x80000001:
        r[0] = env->cpuid_version;
        r[2] = env->features[FEAT_8000_0001_ECX];
        r[3] = env->features[FEAT_8000_0001_EDX];
        if (amd)
            r[3] |= env->features[FEAT_1_EDX] & AMD_EXT2_ALIASES;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
        cpuid_brand(env, leaf, r);
        break;
    case 0x80000005:
        r[0] = 0x01ff01ff;
        r[1] = 0x01ff01ff;
        r[2] = 0x40020140;
        r[3] = 0x40020140;
        break;
    case 0x80000006:
        r[1] = 0x42004200;
        r[2] = 0x02008140;
        r[3] = 0x00808140;
        break;
    case 0x80000008:
        r[0] = (env->features[FEAT_8000_0001_EDX] & CPUID_EXT2_LM) ? 0x3028 : 0x3024;
        break;
    default:
        break;
    }
    *a = r[0];
    *b = r[1];
    *c = r[2];
    *d = r[3];
}
