/* SPDX-License-Identifier: MIT */
/*
 * test-acpi: the AML encoder, the PC's ACPI tables and the SMBIOS tables.
 *
 * The ACPI files are run through a small linker/loader interpreter that
 * behaves like SeaBIOS's romfile_loader (allocate in a fake guest memory,
 * relocate pointers, compute checksums); the tables are then found from
 * the RSDP as an OS finds them and checked field by field. The DSDT is
 * disassembled with iasl (acpica-tools) when it is installed. SMBIOS: the
 * entry point checksums and a walk over every structure.
 */
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kemu/hw/acpi.h"
#include "kemu/hw/smbios.h"
#include "tap.h"

/* ------------------------------------------------------------------ */
/* AML encoding                                                        */

static bool aml_bytes_are(Aml *a, const uint8_t *want, size_t n)
{
    AcpiBuf b = { 0 };
    bool same;

    aml_emit(a, &b);
    same = b.len == n && !memcmp(b.data, want, n);
    if (!same) {
        diag("  got %zu bytes:", b.len);
        for (size_t i = 0; i < b.len; i++)
            diag("   [%zu] %02x", i, b.data[i]);
    }
    acpi_buf_free(&b);
    return same;
}

#define AML_IS(a, ...)                                                                             \
    ({                                                                                             \
        static const uint8_t want_[] = { __VA_ARGS__ };                                            \
        aml_bytes_are((a), want_, sizeof(want_));                                                  \
    })

static void test_pkglen(void)
{
    uint8_t enc[4];

    is_int(aml_pkglen_encode(enc, 62), 1, "pkglen: 62-byte body takes 1 byte");
    is_int(enc[0], 63, "pkglen: 1-byte encoding counts itself");
    is_int(aml_pkglen_encode(enc, 63), 2, "pkglen: 63-byte body takes 2 bytes");
    ok(enc[0] == 0x41 && enc[1] == 0x04, "pkglen: 65 = 0x41 0x04");
    is_int(aml_pkglen_encode(enc, 0xffd), 2, "pkglen: largest 2-byte length");
    ok(enc[0] == 0x4f && enc[1] == 0xff, "pkglen: 0xfff = 0x4f 0xff");
    is_int(aml_pkglen_encode(enc, 0xffe), 3, "pkglen: 0xffe-byte body takes 3 bytes");
    ok(enc[0] == 0x81 && enc[1] == 0x00 && enc[2] == 0x01, "pkglen: 0x1001 = 0x81 0x00 0x01");
    is_int(aml_pkglen_encode(enc, 0x100000), 4, "pkglen: 1 MiB body takes 4 bytes");
}

static void test_aml_terms(void)
{
    ok(AML_IS(aml_int(0), 0x00), "aml: Zero");
    ok(AML_IS(aml_int(1), 0x01), "aml: One");
    ok(AML_IS(aml_int(0x80), 0x0a, 0x80), "aml: BytePrefix");
    ok(AML_IS(aml_int(0x1234), 0x0b, 0x34, 0x12), "aml: WordPrefix");
    ok(AML_IS(aml_int(0x00010000), 0x0c, 0x00, 0x00, 0x01, 0x00), "aml: DWordPrefix");
    ok(AML_IS(aml_int(0x100000000ull), 0x0e, 0, 0, 0, 0, 1, 0, 0, 0), "aml: QWordPrefix");
    ok(AML_IS(aml_string("AB"), 0x0d, 'A', 'B', 0), "aml: String");
    ok(AML_IS(aml_eisaid("PNP0A03"), 0x0c, 0x41, 0xd0, 0x0a, 0x03), "aml: EISAID PNP0A03");
    ok(AML_IS(aml_name("\\_SB.PCI0"), '\\', 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'),
       "aml: dual name path from the root");
    ok(AML_IS(aml_name("PCI0.ISA.P40C"), 0x2f, 3, 'P', 'C', 'I', '0', 'I', 'S', 'A', '_', 'P',
              '4', '0', 'C'),
       "aml: multi name path, short segment padded");
    ok(AML_IS(aml_name("^LNK"), '^', 'L', 'N', 'K', '_'), "aml: parent prefix");
    ok(AML_IS(aml_name_decl("_UID", aml_int(2)), 0x08, '_', 'U', 'I', 'D', 0x0a, 2),
       "aml: Name(_UID, 2)");
    ok(AML_IS(aml_store(aml_arg(0), aml_local(1)), 0x70, 0x68, 0x61), "aml: Store(Arg0, Local1)");
    ok(AML_IS(aml_and(aml_local(0), aml_int(3), NULL), 0x7b, 0x60, 0x0a, 3, 0x00),
       "aml: And with NullName target");
}

static void test_aml_blocks(void)
{
    Aml *m = aml_method("_STA", 0, AML_NOTSERIALIZED);
    Aml *dev = aml_device("\\_SB.D");
    Aml *pkg = aml_package();
    Aml *rt = aml_resource_template();

    aml_append(m, aml_return(aml_int(0x0f)));
    ok(AML_IS(m, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xa4, 0x0a, 0x0f),
       "aml: Method with PkgLength and flags");
    ok(AML_IS(dev, 0x5b, 0x82, 0x0b, '\\', 0x2e, '_', 'S', 'B', '_', 'D', '_', '_', '_'),
       "aml: Device is ExtOp 0x82 + PkgLength + name");
    aml_append(pkg, aml_int(0));
    aml_append(pkg, aml_int(5));
    ok(AML_IS(pkg, 0x12, 0x05, 0x02, 0x00, 0x0a, 0x05), "aml: Package counts its elements");
    aml_append(rt, aml_io(AML_DECODE16, 0x3f8, 0x3f8, 0, 8));
    aml_append(rt, aml_irq_no_flags(4));
    ok(AML_IS(rt, 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08, 0x22,
              0x10, 0x00, 0x79, 0x00),
       "aml: ResourceTemplate = Buffer + IO + IRQNoFlags + EndTag");
    ok(AML_IS(aml_interrupt(AML_CONSUMER, AML_LEVEL, AML_ACTIVE_HIGH, AML_SHARED,
                            (const uint32_t[]){ 9 }, 1),
              0x89, 0x06, 0x00, 0x09, 0x01, 0x09, 0x00, 0x00, 0x00),
       "aml: Extended Interrupt descriptor, IRQ at offset 5");
}

/* ------------------------------------------------------------------ */
/* A linker/loader interpreter on a fake guest memory                  */

#define MEM_SIZE (4 * MiB)
#define FSEG_BASE 0xf0000u
#define FSEG_END 0x100000u
#define HIGH_BASE 0x200000u

typedef struct LoaderFile {
    const char *name;
    const AcpiBuf *blob;
    uint32_t addr;           /* 0: not allocated */
} LoaderFile;

typedef struct Guest {
    uint8_t *mem;
    uint32_t fseg_next, high_next;
    LoaderFile files[3];
    int errors;
} Guest;

static void loader_error(Guest *g, const char *fmt, ...)
{
    va_list ap;

    g->errors++;
    va_start(ap, fmt);
    printf("# loader: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static LoaderFile *loader_file(Guest *g, const uint8_t *name)
{
    char n[BIOS_LINKER_FILESZ + 1] = { 0 };

    memcpy(n, name, BIOS_LINKER_FILESZ);
    for (int i = 0; i < 3; i++) {
        if (!strcmp(g->files[i].name, n))
            return &g->files[i];
    }
    loader_error(g, "unknown file '%s'", n);
    return NULL;
}

static void loader_allocate(Guest *g, const uint8_t *e)
{
    LoaderFile *f = loader_file(g, e + 4);
    uint32_t align = ldl_le(e + 60), zone = e[64], *next;

    if (!f)
        return;
    if (f->addr || !align || (align & (align - 1)) ||
        (zone != BIOS_LINKER_ZONE_HIGH && zone != BIOS_LINKER_ZONE_FSEG)) {
        loader_error(g, "bad ALLOCATE of %s", f->name);
        return;
    }
    next = zone == BIOS_LINKER_ZONE_FSEG ? &g->fseg_next : &g->high_next;
    *next = ROUND_UP(*next, align);
    if (*next + f->blob->len > (zone == BIOS_LINKER_ZONE_FSEG ? FSEG_END : MEM_SIZE)) {
        loader_error(g, "%s does not fit", f->name);
        return;
    }
    f->addr = *next;
    memcpy(g->mem + f->addr, f->blob->data, f->blob->len);
    *next += f->blob->len;
}

static void loader_add_pointer(Guest *g, const uint8_t *e)
{
    LoaderFile *dst = loader_file(g, e + 4), *src = loader_file(g, e + 60);
    uint32_t off = ldl_le(e + 116);
    unsigned size = e[120];
    uint8_t *p;

    if (!dst || !src || !dst->addr || !src->addr ||
        (size != 1 && size != 2 && size != 4 && size != 8) ||
        (uint64_t)off + size > dst->blob->len) {
        loader_error(g, "bad ADD_POINTER");
        return;
    }
    p = g->mem + dst->addr + off;
    stn_le(p, size, ldn_le(p, size) + src->addr);
}

static void loader_add_checksum(Guest *g, const uint8_t *e)
{
    LoaderFile *f = loader_file(g, e + 4);
    uint32_t off = ldl_le(e + 60), start = ldl_le(e + 64), len = ldl_le(e + 68);

    if (!f || !f->addr || off >= f->blob->len || (uint64_t)start + len > f->blob->len) {
        loader_error(g, "bad ADD_CHECKSUM");
        return;
    }
    g->mem[f->addr + off] -= acpi_checksum(g->mem + f->addr + start, len);
}

static void loader_run(Guest *g, const AcpiBuildTables *t)
{
    memset(g, 0, sizeof(*g));
    g->mem = xzalloc(MEM_SIZE);
    g->fseg_next = FSEG_BASE;
    g->high_next = HIGH_BASE;
    g->files[0] = (LoaderFile){ ACPI_BUILD_TABLE_FILE, &t->tables, 0 };
    g->files[1] = (LoaderFile){ ACPI_BUILD_RSDP_FILE, &t->rsdp, 0 };
    g->files[2] = (LoaderFile){ ACPI_BUILD_LOADER_FILE, &t->loader, 0 };
    if (t->loader.len % BIOS_LINKER_ENTRY_SIZE)
        loader_error(g, "loader file is not whole commands");
    for (size_t off = 0; off + BIOS_LINKER_ENTRY_SIZE <= t->loader.len;
         off += BIOS_LINKER_ENTRY_SIZE) {
        const uint8_t *e = t->loader.data + off;

        switch (ldl_le(e)) {
        case BIOS_LINKER_CMD_ALLOCATE: loader_allocate(g, e); break;
        case BIOS_LINKER_CMD_ADD_POINTER: loader_add_pointer(g, e); break;
        case BIOS_LINKER_CMD_ADD_CHECKSUM: loader_add_checksum(g, e); break;
        default: loader_error(g, "unexpected command %u", ldl_le(e)); break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Checking the tables as an OS finds them                             */

static uint32_t find_rsdp(Guest *g)
{
    for (uint32_t a = FSEG_BASE; a < FSEG_END; a += 16) {
        if (!memcmp(g->mem + a, "RSD PTR ", 8) && acpi_checksum(g->mem + a, 20) == 0)
            return a;
    }
    return 0;
}

/* A table at addr with this signature, sane length, checksum 0. */
static bool table_ok(Guest *g, uint32_t addr, const char *sig, const char *what)
{
    uint32_t len;
    bool good;

    if (addr < HIGH_BASE || addr + ACPI_TABLE_HEADER_SIZE > MEM_SIZE)
        return ok(0, "%s: %s address 0x%x inside the tables", what, sig, addr);
    len = ldl_le(g->mem + addr + 4);
    good = !memcmp(g->mem + addr, sig, 4) && len >= ACPI_TABLE_HEADER_SIZE &&
           addr + len <= g->high_next && acpi_checksum(g->mem + addr, len) == 0;
    return ok(good, "%s: %s signature, length %u and checksum", what, sig, len);
}

static uint32_t rsdt_find(Guest *g, uint32_t rsdt, const char *sig)
{
    uint32_t len = ldl_le(g->mem + rsdt + 4);

    for (uint32_t p = rsdt + ACPI_TABLE_HEADER_SIZE; p + 4 <= rsdt + len; p += 4) {
        uint32_t t = ldl_le(g->mem + p);

        if (t + 4 <= MEM_SIZE && !memcmp(g->mem + t, sig, 4))
            return t;
    }
    return 0;
}

static void check_fadt(Guest *g, uint32_t fadt, const PcAcpiConfig *cfg, const char *what)
{
    const uint8_t *f = g->mem + fadt;
    uint32_t facs = ldl_le(f + 36), dsdt = ldl_le(f + 40);
    uint32_t flags = ACPI_FADT_F_WBINVD | ACPI_FADT_F_PROC_C1 | ACPI_FADT_F_SLP_BUTTON |
                     ACPI_FADT_F_RTC_S4 | ACPI_FADT_F_USE_PLATFORM_CLOCK;

    ok(ldl_le(f + 4) == 116 && f[8] == 1, "%s: FADT is revision 1, 116 bytes", what);
    ok(facs % 64 == 0 && !memcmp(g->mem + facs, "FACS", 4) && ldl_le(g->mem + facs + 4) == 64,
       "%s: FIRMWARE_CTRL -> 64-byte aligned FACS", what);
    table_ok(g, dsdt, "DSDT", what);
    ok(ldw_le(f + 46) == 9 && ldl_le(f + 48) == 0xb2 && f[52] == 0xf1 && f[53] == 0xf0,
       "%s: SCI_INT 9, SMI_CMD 0xb2, ACPI_ENABLE 0xf1, ACPI_DISABLE 0xf0", what);
    ok(ldl_le(f + 56) == 0x600 && ldl_le(f + 64) == 0x604 && ldl_le(f + 76) == 0x608 &&
           ldl_le(f + 80) == 0xafe0,
       "%s: PM1a_EVT 0x600, PM1a_CNT 0x604, PM_TMR 0x608, GPE0 0xafe0", what);
    ok(f[88] == 4 && f[89] == 2 && f[91] == 4 && f[92] == 4,
       "%s: PM1_EVT_LEN 4, PM1_CNT_LEN 2, PM_TMR_LEN 4, GPE0_BLK_LEN 4", what);
    ok(ldl_le(f + 60) == 0 && ldl_le(f + 68) == 0 && ldl_le(f + 72) == 0 && ldl_le(f + 84) == 0,
       "%s: no PM1b, PM2 or GPE1 blocks", what);
    ok(ldw_le(f + 96) == 0xfff && ldw_le(f + 98) == 0xfff && f[108] == 0x32,
       "%s: no C2/C3, RTC century at CMOS 0x32", what);
    is_int(ldl_le(f + 112), flags | (cfg->max_cpus > 8 ? ACPI_FADT_F_FORCE_APIC_CLUSTER_MODEL : 0),
           "%s: FADT flags (fixed power button, WBINVD, C1, RTC_S4, platform clock)", what);
}

static void check_madt(Guest *g, uint32_t madt, const PcAcpiConfig *cfg, const char *what)
{
    const uint8_t *m = g->mem + madt;
    uint32_t len = ldl_le(m + 4);
    int lapics = 0, ioapics = 0, nmis = 0, bad = 0;
    uint32_t ovr_mask = 0, gsi_of_0 = ~0u;

    ok(ldl_le(m + 36) == 0xfee00000 && ldl_le(m + 40) == ACPI_MADT_FLAG_PCAT_COMPAT,
       "%s: MADT local APIC at 0xfee00000, PCAT_COMPAT", what);
    for (uint32_t p = 44; p + 2 <= len && m[p + 1] >= 2; p += m[p + 1]) {
        const uint8_t *e = m + p;

        switch (e[0]) {
        case 0: /* processor local APIC */
            bad += e[1] != 8 || e[2] != lapics || e[3] != lapics || ldl_le(e + 4) != 1;
            lapics++;
            break;
        case 1:
            bad += e[1] != 12 || e[2] != 0 || ldl_le(e + 4) != 0xfec00000 || ldl_le(e + 8) != 0;
            ioapics++;
            break;
        case 2:
            ovr_mask |= 1u << e[3];
            if (e[3] == 0) {
                gsi_of_0 = ldl_le(e + 4);
                bad += ldw_le(e + 8) != 0;
            } else {
                bad += ldl_le(e + 4) != e[3] || ldw_le(e + 8) != 0xd;
            }
            break;
        case 4:
            bad += e[1] != 6 || e[2] != 0xff || ldw_le(e + 3) != 0 || e[5] != 1;
            nmis++;
            break;
        default:
            bad++;
        }
    }
    is_int(lapics, cfg->nr_cpus, "%s: one enabled LAPIC entry per CPU, UID = APIC ID", what);
    is_int(ioapics, 1, "%s: one IOAPIC (id 0, 0xfec00000, GSI base 0)", what);
    is_int(ovr_mask, (1u << 0) | (1u << 5) | (1u << 9) | (1u << 10) | (1u << 11),
           "%s: overrides for IRQ 0, 5, 9, 10, 11", what);
    is_int(gsi_of_0, 2, "%s: IRQ0 -> GSI2", what);
    is_int(nmis, 1, "%s: LAPIC NMI on LINT1 of all CPUs", what);
    is_int(bad, 0, "%s: every MADT entry as expected", what);
}

static void check_hpet(Guest *g, uint32_t hpet, const char *what)
{
    const uint8_t *h = g->mem + hpet;

    ok(ldl_le(h + 4) == 56 && ldl_le(h + 36) == 0x8086a201 && h[40] == 0 &&
           ldq_le(h + 44) == 0xfed00000 && h[52] == 0,
       "%s: HPET block id 0x8086a201, memory at 0xfed00000, number 0", what);
}

/* ------------------------------------------------------------------ */
/* iasl                                                                */

static bool have_iasl(void)
{
    return system("iasl -v >/dev/null 2>&1") == 0;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s;
    long n;

    if (!f)
        return xstrdup("");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    s = xzalloc(n + 1);
    if (fread(s, 1, n, f) != (size_t)n)
        s[0] = 0;
    fclose(f);
    return s;
}

static int count_str(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void check_dsdt_iasl(Guest *g, uint32_t dsdt, const PcAcpiConfig *cfg, const char *what,
                            const char *want_crs)
{
    char dir[] = "/tmp/kemu-acpi-XXXXXX", cmd[512], path[256];
    char *log, *dsl;
    FILE *f;
    int rc;

    if (!have_iasl()) {
        printf("ok %d # SKIP iasl not installed\n", ++tap_run);
        return;
    }
    if (!mkdtemp(dir)) {
        ok(0, "%s: temporary directory", what);
        return;
    }
    snprintf(path, sizeof(path), "%s/dsdt.aml", dir);
    f = fopen(path, "wb");
    fwrite(g->mem + dsdt, 1, ldl_le(g->mem + dsdt + 4), f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -d dsdt.aml >log 2>&1", dir);
    rc = system(cmd);
    snprintf(path, sizeof(path), "%s/log", dir);
    log = read_text(path);
    snprintf(path, sizeof(path), "%s/dsdt.dsl", dir);
    dsl = read_text(path);
    ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s: iasl -d exits 0", what);
    ok(!strstr(log, "Error") && !strstr(log, "error") && !strstr(log, "Warning") &&
           !strstr(dsl, "Error"),
       "%s: iasl -d reports no error or warning", what);
    ok(strstr(dsl, "PNP0A03") && strstr(dsl, "_PRT") && strstr(dsl, "LNKD") &&
           strstr(dsl, "Name (_S5, Package (0x04)") && strstr(dsl, "PNP0B00") &&
           strstr(dsl, "PNP0303") && strstr(dsl, "PNP0F13") && strstr(dsl, "PNP0103"),
       "%s: disassembly has PCI0, _PRT, links, _S5, RTC, KBD, MOU, HPET", what);
    is_int(count_str(dsl, "\"ACPI0007\""), cfg->nr_cpus, "%s: one processor device per CPU",
           what);
    is_int(count_str(dsl, "PNP0501"), 1 + cfg->serial[1], "%s: a COM device per serial port",
           what);
    ok(strstr(dsl, want_crs) != NULL, "%s: PCI hole in _CRS (%s)", what, want_crs);

    /* the disassembly compiles back without errors */
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -p re dsdt.dsl >log2 2>&1", dir);
    rc = system(cmd);
    snprintf(path, sizeof(path), "%s/log2", dir);
    free(log);
    log = read_text(path);
    ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 0 && strstr(log, " 0 Errors, 0 Warnings"),
       "%s: disassembly recompiles with iasl, no errors or warnings", what);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    free(log);
    free(dsl);
}

/* ------------------------------------------------------------------ */

static void test_pc_tables(int cpus, uint64_t below, uint64_t above, bool com2,
                           const char *want_crs)
{
    PcAcpiConfig cfg;
    AcpiBuildTables t;
    char what[64];
    uint32_t rsdp, rsdt, fadt, madt, hpet;
    Guest g;

    snprintf(what, sizeof(what), "%d cpu, %llu MiB", cpus,
             (unsigned long long)((below + above) / MiB));
    pc_acpi_config_defaults(&cfg, cpus, below, above);
    cfg.serial[1] = com2;
    pc_acpi_build_tables(&cfg, &t);
    loader_run(&g, &t);
    is_int(g.errors, 0, "%s: the loader commands run cleanly", what);
    is_int(ldl_le(t.loader.data), BIOS_LINKER_CMD_ALLOCATE, "%s: first command allocates", what);
    is_int(t.rsdp.len, 20, "%s: RSDP revision 0 is 20 bytes", what);

    rsdp = find_rsdp(&g);
    ok(rsdp && g.mem[rsdp + 15] == 0 && !memcmp(g.mem + rsdp + 9, "BOCHS ", 6),
       "%s: RSDP in the F segment, revision 0, checksum 0", what);
    rsdt = ldl_le(g.mem + rsdp + 16);
    table_ok(&g, rsdt, "RSDT", what);
    is_int(ldl_le(g.mem + rsdt + 4), 36 + 3 * 4, "%s: RSDT lists three tables", what);
    fadt = rsdt_find(&g, rsdt, "FACP");
    madt = rsdt_find(&g, rsdt, "APIC");
    hpet = rsdt_find(&g, rsdt, "HPET");
    table_ok(&g, fadt, "FACP", what);
    table_ok(&g, madt, "APIC", what);
    table_ok(&g, hpet, "HPET", what);
    check_fadt(&g, fadt, &cfg, what);
    check_madt(&g, madt, &cfg, what);
    check_hpet(&g, hpet, what);
    check_dsdt_iasl(&g, ldl_le(g.mem + fadt + 40), &cfg, what, want_crs);
    free(g.mem);
    acpi_build_tables_free(&t);
}

static void test_rsdp_rev2(void)
{
    AcpiBuildTables t = { 0 };
    AcpiOem oem = { "KEMU  ", "KEMUTEST" };
    BiosLinker *l = bios_linker_new();
    size_t offs[1], rsdt, xsdt;
    AcpiFadtData f = { .rev = 3, .int_model = 1, .sci_int = 9, .reset_val = 6,
                       .reset_reg = { .space_id = AML_SYSTEM_IO, .bit_width = 8,
                                      .address = 0xcf9 },
                       .flags = ACPI_FADT_F_RESET_REG_SUP };
    size_t facs, dsdt;
    uint32_t rsdp, x, fadt;
    Guest g;
    AcpiTable dt = { .sig = "DSDT", .rev = 2, .oem = &oem };

    bios_linker_alloc(l, ACPI_BUILD_TABLE_FILE, &t.tables, 64, false);
    facs = acpi_build_facs(&t.tables);
    dsdt = t.tables.len;
    acpi_table_begin(&dt, &t.tables);
    acpi_table_end(l, &dt);
    offs[0] = t.tables.len;
    acpi_build_fadt(&t.tables, l, &f, facs, dsdt, &oem);
    rsdt = acpi_build_rsdt(&t.tables, l, offs, 1, &oem);
    xsdt = acpi_build_xsdt(&t.tables, l, offs, 1, &oem);
    bios_linker_alloc(l, ACPI_BUILD_RSDP_FILE, &t.rsdp, 16, true);
    acpi_build_rsdp(&t.rsdp, l, 2, rsdt, xsdt, &oem);
    acpi_buf_append(&t.loader, bios_linker_commands(l)->data, bios_linker_commands(l)->len);
    bios_linker_free(l);

    loader_run(&g, &t);
    is_int(g.errors, 0, "rev 2: loader runs cleanly");
    rsdp = find_rsdp(&g);
    ok(rsdp && g.mem[rsdp + 15] == 2 && ldl_le(g.mem + rsdp + 20) == 36 &&
           acpi_checksum(g.mem + rsdp, 36) == 0,
       "rev 2: RSDP 36 bytes, both checksums hold");
    x = ldq_le(g.mem + rsdp + 24);
    table_ok(&g, x, "XSDT", "rev 2");
    fadt = ldq_le(g.mem + x + 36);
    table_ok(&g, fadt, "FACP", "rev 2");
    ok(ldl_le(g.mem + fadt + 4) == 244 && g.mem[fadt + 8] == 3, "rev 2: FADT revision 3, 244 bytes");
    ok(ldq_le(g.mem + fadt + 140) == ldl_le(g.mem + fadt + 40) && g.mem[fadt + 116] == 1 &&
           ldq_le(g.mem + fadt + 120) == 0xcf9 && g.mem[fadt + 128] == 6,
       "rev 2: X_DSDT = DSDT, reset register 0xcf9 value 6");
    free(g.mem);
    acpi_build_tables_free(&t);
}

/* ------------------------------------------------------------------ */
/* SMBIOS                                                              */

typedef struct SmbiosWalk {
    int count, t4, t17, t19, bad;
    uint16_t last_type;
    size_t max;
    uint64_t dimm_mib;
    char t1_manufacturer[32], t1_product[64];
} SmbiosWalk;

static const char *smbios_string(const uint8_t *s, int n)
{
    const char *p = (const char *)s + s[1];

    if (n == 0)
        return "";
    while (--n > 0)
        p += strlen(p) + 1;
    return p;
}

static void smbios_walk(const uint8_t *p, size_t len, SmbiosWalk *w)
{
    size_t off = 0;
    uint16_t handles[64];

    memset(w, 0, sizeof(*w));
    while (off + 4 <= len) {
        const uint8_t *s = p + off;
        size_t end = off + s[1];

        if (s[1] < 4 || end + 2 > len) {
            w->bad++;
            break;
        }
        while (end + 1 < len && (p[end] || p[end + 1]))
            end++;
        end += 2;
        for (int i = 0; i < w->count && i < 64; i++)
            w->bad += handles[i] == ldw_le(s + 2);
        if (w->count < 64)
            handles[w->count] = ldw_le(s + 2);
        w->count++;
        w->max = MAX(w->max, end - off);
        w->last_type = s[0];
        w->t4 += s[0] == 4;
        w->t19 += s[0] == 19;
        if (s[0] == 17) {
            w->t17++;
            w->dimm_mib += ldw_le(s + 12);
        }
        if (s[0] == 1) {
            snprintf(w->t1_manufacturer, sizeof(w->t1_manufacturer), "%s", smbios_string(s, s[4]));
            snprintf(w->t1_product, sizeof(w->t1_product), "%s", smbios_string(s, s[5]));
        }
        off = end;
        if (s[0] == 127)
            break;
    }
    w->bad += off != len;
}

static void test_smbios(int sockets, uint64_t below, uint64_t above, bool v3)
{
    SmbiosConfig cfg;
    SmbiosTables t;
    SmbiosWalk w;
    char what[64];

    snprintf(what, sizeof(what), "smbios %s, %d sockets, %llu MiB", v3 ? "3.0" : "2.8", sockets,
             (unsigned long long)((below + above) / MiB));
    smbios_config_defaults(&cfg);
    cfg.sockets = sockets;
    cfg.ram_below_4g = below;
    cfg.ram_above_4g = above;
    cfg.smbios3 = v3;
    cfg.cpuid_signature = 0x663;
    smbios_build(&cfg, &t);
    smbios_walk(t.tables, t.tables_len, &w);
    is_int(w.bad, 0, "%s: structures walk cleanly to type 127, handles unique", what);
    is_int(w.last_type, 127, "%s: last structure is type 127", what);
    is_int(w.t4, sockets, "%s: one type 4 per socket", what);
    is_int(w.t17, (below + above + 16 * GiB - 1) / (16 * GiB), "%s: one type 17 per 16 GiB", what);
    is_int(w.dimm_mib, (below + above) / MiB, "%s: type 17 sizes add up to the RAM", what);
    is_int(w.t19, above ? 2 : 1, "%s: one type 19 per RAM range", what);
    is_str(w.t1_manufacturer, "kemu", "%s: type 1 manufacturer", what);
    is_str(w.t1_product, "Standard PC (i440FX + PIIX, 1996)", "%s: type 1 product", what);
    if (v3) {
        ok(t.anchor_len == 24 && !memcmp(t.anchor, "_SM3_", 5) && t.anchor[6] == 24 &&
               t.anchor[7] == 3 && acpi_checksum(t.anchor, 24) == 0 &&
               ldl_le(t.anchor + 12) == t.tables_len,
           "%s: 3.0 entry point, checksum, table size", what);
    } else {
        ok(t.anchor_len == 31 && !memcmp(t.anchor, "_SM_", 4) && t.anchor[5] == 31 &&
               t.anchor[6] == 2 && t.anchor[7] == 8 && !memcmp(t.anchor + 16, "_DMI_", 5),
           "%s: 2.1 entry point for version 2.8", what);
        ok(acpi_checksum(t.anchor, 31) == 0 && acpi_checksum(t.anchor + 16, 15) == 0,
           "%s: entry point and intermediate checksums", what);
        ok(ldw_le(t.anchor + 22) == t.tables_len && ldw_le(t.anchor + 28) == w.count &&
               ldw_le(t.anchor + 8) == w.max,
           "%s: table length, structure count, largest structure", what);
    }
    smbios_tables_free(&t);
}

int main(void)
{
    test_pkglen();
    test_aml_terms();
    test_aml_blocks();
    test_pc_tables(1, 128 * MiB, 0, false, "0x08000000,         // Range Minimum");
    test_pc_tables(4, 3 * GiB, 3 * GiB, true, "0x00000001C0000000, // Range Minimum");
    test_rsdp_rev2();
    test_smbios(1, 128 * MiB, 0, false);
    test_smbios(4, 3 * GiB, 3 * GiB, false);
    test_smbios(2, 3 * GiB, 30 * GiB, true);
    return done_testing();
}
