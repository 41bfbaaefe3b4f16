/* SPDX-License-Identifier: MIT */
/*
 * SMBIOS structure table and entry point for the PC.
 *
 * Each structure is a formatted area (type, length, handle, fields) then
 * a string set: the strings the fields refer to by 1-based number, each
 * NUL-terminated, closed by one more NUL (two NULs when there are none).
 * Handles and contents follow QEMU's x86 machines so that guests and
 * tools (dmidecode, Linux's DMI quirks) see the same layout; the strings
 * name kemu.
 *
 * Reference: DMTF DSP0134 SMBIOS Reference Specification 3.0.0: 5.2.1 and
 * 5.2.2 (2.1 and 3.0 entry points), 6.1.2/6.1.3 (structure and strings),
 * 7.1 (type 0), 7.2 (1), 7.4 (3), 7.5 (4), 7.17 (16), 7.18 (17), 7.20
 * (19), 7.33 (32), 7.45 (127).
 */
#include <assert.h>

#include "kemu/hw/acpi.h"
#include "kemu/hw/fw_cfg.h"
#include "kemu/hw/smbios.h"
#include "kemu/log.h"

#define T0_HANDLE 0x0000
#define T1_HANDLE 0x0100
#define T3_HANDLE 0x0300
#define T4_HANDLE 0x0400
#define T16_HANDLE 0x1000
#define T17_HANDLE 0x1100
#define T19_HANDLE 0x1300
#define T32_HANDLE 0x2000
#define T127_HANDLE 0x7f00

#define SMBIOS_DIMM_MAX (16 * GiB)     /* as QEMU: one type 17 per 16 GiB */
#define HANDLE_NONE 0xffff             /* no cache information etc. */
#define HANDLE_NOT_PROVIDED 0xfffe     /* no memory error information */

/* One structure being built: the formatted area, then the strings. */
typedef struct SmbiosStruct {
    AcpiBuf *out;
    size_t start;
    AcpiBuf strings;
    int nr_strings;
} SmbiosStruct;

typedef struct SmbiosBuilder {
    AcpiBuf out;
    int count;
    size_t max_size;
} SmbiosBuilder;

static void st_begin(SmbiosBuilder *b, SmbiosStruct *st, uint8_t type, uint16_t handle)
{
    memset(st, 0, sizeof(*st));
    st->out = &b->out;
    st->start = b->out.len;
    acpi_buf_append_byte(&b->out, type);
    acpi_buf_append_byte(&b->out, 0);        /* length, set by st_end */
    acpi_buf_append_int(&b->out, handle, 2);
}

static void st_byte(SmbiosStruct *st, uint8_t v) { acpi_buf_append_byte(st->out, v); }
static void st_word(SmbiosStruct *st, uint16_t v) { acpi_buf_append_int(st->out, v, 2); }
static void st_dword(SmbiosStruct *st, uint32_t v) { acpi_buf_append_int(st->out, v, 4); }
static void st_qword(SmbiosStruct *st, uint64_t v) { acpi_buf_append_int(st->out, v, 8); }

/* A string field: its number in the set, or 0 for none (NULL or ""). */
static void st_str(SmbiosStruct *st, const char *s)
{
    if (!s || !*s) {
        st_byte(st, 0);
        return;
    }
    acpi_buf_append(&st->strings, s, strlen(s) + 1);
    st_byte(st, ++st->nr_strings);
}

static void st_end(SmbiosBuilder *b, SmbiosStruct *st)
{
    size_t formatted = b->out.len - st->start;

    assert(formatted <= 0xff);
    b->out.data[st->start + 1] = formatted;
    acpi_buf_append(&b->out, st->strings.data, st->strings.len);
    acpi_buf_append_byte(&b->out, 0);
    if (!st->nr_strings)
        acpi_buf_append_byte(&b->out, 0);
    acpi_buf_free(&st->strings);
    b->count++;
    b->max_size = MAX(b->max_size, b->out.len - st->start);
}

/* ---- The structures ---- */

static void build_type0(SmbiosBuilder *b, const SmbiosConfig *cfg)
{
    SmbiosStruct st;

    st_begin(b, &st, 0, T0_HANDLE);
    st_str(&st, cfg->bios_vendor);
    st_str(&st, cfg->bios_version);
    st_word(&st, 0xe800);                  /* BIOS starting segment (SeaBIOS) */
    st_str(&st, cfg->bios_date);
    st_byte(&st, 0);                       /* ROM size */
    st_qword(&st, 0x08);                   /* characteristics: not supported */
    st_byte(&st, 0);                       /* extension byte 1 */
    st_byte(&st, 0x14);                    /* byte 2: targeted content distribution, VM */
    st_byte(&st, 0);                       /* system BIOS major release */
    st_byte(&st, 0);                       /* minor release */
    st_byte(&st, 0xff);                    /* no embedded controller */
    st_byte(&st, 0xff);
    st_end(b, &st);
}

/* UUID in the SMBIOS 2.6+ wire format: the first three fields little-endian. */
static void uuid_to_smbios(const uint8_t in[16], uint8_t out[16])
{
    static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

    for (int i = 0; i < 16; i++)
        out[i] = in[order[i]];
}

static void build_type1(SmbiosBuilder *b, const SmbiosConfig *cfg)
{
    uint8_t uuid[16] = { 0 };
    SmbiosStruct st;

    if (cfg->has_uuid)
        uuid_to_smbios(cfg->uuid, uuid);
    st_begin(b, &st, 1, T1_HANDLE);
    st_str(&st, cfg->manufacturer);
    st_str(&st, cfg->product);
    st_str(&st, cfg->version);
    st_str(&st, NULL);                     /* serial number */
    acpi_buf_append(st.out, uuid, 16);
    st_byte(&st, 0x06);                    /* wake-up type: power switch */
    st_str(&st, NULL);                     /* SKU */
    st_str(&st, NULL);                     /* family */
    st_end(b, &st);
}

static void build_type3(SmbiosBuilder *b, const SmbiosConfig *cfg)
{
    SmbiosStruct st;

    st_begin(b, &st, 3, T3_HANDLE);
    st_str(&st, cfg->manufacturer);
    st_byte(&st, 0x01);                    /* type: other */
    st_str(&st, cfg->version);
    st_str(&st, NULL);                     /* serial number */
    st_str(&st, NULL);                     /* asset tag */
    st_byte(&st, 0x03);                    /* boot-up state: safe */
    st_byte(&st, 0x03);                    /* power supply state: safe */
    st_byte(&st, 0x03);                    /* thermal state: safe */
    st_byte(&st, 0x02);                    /* security status: unknown */
    st_dword(&st, 0);                      /* OEM defined */
    st_byte(&st, 0);                       /* height: unspecified */
    st_byte(&st, 0);                       /* power cords: unspecified */
    st_byte(&st, 0);                       /* contained elements */
    st_byte(&st, 0);                       /* contained element record length */
    st_str(&st, NULL);                     /* SKU */
    st_end(b, &st);
}

static void build_type4(SmbiosBuilder *b, const SmbiosConfig *cfg, int socket)
{
    unsigned threads = cfg->cores * cfg->threads;
    char name[32];
    SmbiosStruct st;

    snprintf(name, sizeof(name), "CPU%2x", socket);
    st_begin(b, &st, 4, T4_HANDLE + socket);
    st_str(&st, name);
    st_byte(&st, 0x03);                    /* processor type: central */
    st_byte(&st, 0x01);                    /* family: other */
    st_str(&st, cfg->manufacturer);
    st_dword(&st, cfg->cpuid_signature);   /* processor ID */
    st_dword(&st, cfg->cpuid_features);
    st_str(&st, cfg->version);
    st_byte(&st, 0);                       /* voltage */
    st_word(&st, 0);                       /* external clock: unknown */
    st_word(&st, cfg->cpu_speed_mhz);      /* max speed */
    st_word(&st, cfg->cpu_speed_mhz);      /* current speed */
    st_byte(&st, 0x41);                    /* socket populated, CPU enabled */
    st_byte(&st, 0x01);                    /* upgrade: other */
    st_word(&st, HANDLE_NONE);             /* L1, L2, L3 cache handles */
    st_word(&st, HANDLE_NONE);
    st_word(&st, HANDLE_NONE);
    st_str(&st, NULL);                     /* serial number */
    st_str(&st, NULL);                     /* asset tag */
    st_str(&st, NULL);                     /* part number */
    st_byte(&st, MIN(cfg->cores, 0xff));   /* core count */
    st_byte(&st, MIN(cfg->cores, 0xff));   /* cores enabled */
    st_byte(&st, MIN(threads, 0xff));      /* thread count */
    st_word(&st, 0x02);                    /* characteristics: unknown */
    st_word(&st, 0x01);                    /* family 2: other */
    if (cfg->smbios3) {
        st_word(&st, cfg->cores);          /* core count 2 */
        st_word(&st, cfg->cores);          /* cores enabled 2 */
        st_word(&st, threads);             /* thread count 2 */
    }
    st_end(b, &st);
}

static uint64_t ram_total(const SmbiosConfig *cfg)
{
    return cfg->ram_below_4g + cfg->ram_above_4g;
}

static int dimm_count(const SmbiosConfig *cfg)
{
    return (ram_total(cfg) + SMBIOS_DIMM_MAX - 1) / SMBIOS_DIMM_MAX;
}

static void build_type16(SmbiosBuilder *b, const SmbiosConfig *cfg)
{
    uint64_t kib = ram_total(cfg) / KiB;
    SmbiosStruct st;

    st_begin(b, &st, 16, T16_HANDLE);
    st_byte(&st, 0x01);                    /* location: other */
    st_byte(&st, 0x03);                    /* use: system memory */
    st_byte(&st, 0x06);                    /* error correction: multi-bit ECC */
    st_dword(&st, kib < 0x80000000u ? kib : 0x80000000u);
    st_word(&st, HANDLE_NOT_PROVIDED);     /* memory error information */
    st_word(&st, dimm_count(cfg));
    st_qword(&st, kib < 0x80000000u ? 0 : ram_total(cfg)); /* extended capacity, bytes */
    st_end(b, &st);
}

static void build_type17(SmbiosBuilder *b, const SmbiosConfig *cfg, int i, uint64_t size)
{
    uint64_t mib = size / MiB;
    char locator[32];
    SmbiosStruct st;

    snprintf(locator, sizeof(locator), "DIMM %d", i);
    st_begin(b, &st, 17, T17_HANDLE + i);
    st_word(&st, T16_HANDLE);              /* physical memory array */
    st_word(&st, HANDLE_NOT_PROVIDED);     /* memory error information */
    st_word(&st, 0xffff);                  /* total width: unknown */
    st_word(&st, 0xffff);                  /* data width: unknown */
    st_word(&st, mib < 0x7fff ? mib : 0x7fff); /* size in MiB (bit 15 clear) */
    st_byte(&st, 0x09);                    /* form factor: DIMM */
    st_byte(&st, 0);                       /* device set: none */
    st_str(&st, locator);
    st_str(&st, NULL);                     /* bank locator */
    st_byte(&st, 0x07);                    /* memory type: RAM */
    st_word(&st, 0x02);                    /* type detail: other */
    st_word(&st, 0);                       /* speed: unknown */
    st_str(&st, cfg->manufacturer);
    st_str(&st, NULL);                     /* serial number */
    st_str(&st, NULL);                     /* asset tag */
    st_str(&st, NULL);                     /* part number */
    st_byte(&st, 0);                       /* attributes: rank unknown */
    st_dword(&st, mib < 0x7fff ? 0 : mib); /* extended size */
    st_word(&st, 0);                       /* configured clock speed */
    st_word(&st, 0);                       /* minimum voltage */
    st_word(&st, 0);                       /* maximum voltage */
    st_word(&st, 0);                       /* configured voltage */
    st_end(b, &st);
}

static void build_type19(SmbiosBuilder *b, int i, uint64_t start, uint64_t size)
{
    uint64_t start_kib = start / KiB, end_kib = (start + size) / KiB - 1;
    bool ext = end_kib >= 0xffffffffu;
    SmbiosStruct st;

    st_begin(b, &st, 19, T19_HANDLE + i);
    st_dword(&st, ext ? 0xffffffffu : start_kib);
    st_dword(&st, ext ? 0xffffffffu : end_kib);
    st_word(&st, T16_HANDLE);
    st_byte(&st, 1);                       /* partition width */
    st_qword(&st, ext ? start : 0);        /* extended starting address, bytes */
    st_qword(&st, ext ? start + size - 1 : 0);
    st_end(b, &st);
}

static void build_type32(SmbiosBuilder *b)
{
    SmbiosStruct st;

    st_begin(b, &st, 32, T32_HANDLE);
    acpi_buf_push(st.out, 6);              /* reserved */
    st_byte(&st, 0);                       /* boot status: no errors */
    st_end(b, &st);
}

static void build_type127(SmbiosBuilder *b)
{
    SmbiosStruct st;

    st_begin(b, &st, 127, T127_HANDLE);
    st_end(b, &st);
}

static void build_memory(SmbiosBuilder *b, const SmbiosConfig *cfg)
{
    uint64_t left = ram_total(cfg);
    int n = 0;

    build_type16(b, cfg);
    for (int i = 0; i < dimm_count(cfg); i++) {
        uint64_t size = MIN(left, SMBIOS_DIMM_MAX);

        build_type17(b, cfg, i, size);
        left -= size;
    }
    if (cfg->ram_below_4g)
        build_type19(b, n++, 0, cfg->ram_below_4g);
    if (cfg->ram_above_4g)
        build_type19(b, n++, 4 * GiB, cfg->ram_above_4g);
}

/* ---- Entry points ---- */

static void build_ep21(SmbiosTables *t)
{
    uint8_t *ep = t->anchor;

    memset(ep, 0, SMBIOS_21_EP_SIZE);
    memcpy(ep, "_SM_", 4);
    ep[5] = SMBIOS_21_EP_SIZE;
    ep[6] = 2;                             /* version 2.8 */
    ep[7] = 8;
    stw_le(ep + 8, t->max_structure_size);
    memcpy(ep + 16, "_DMI_", 5);
    stw_le(ep + 22, t->tables_len);
    stl_le(ep + 24, 0);                    /* table address: set by the firmware */
    stw_le(ep + 28, t->nr_structures);
    ep[30] = 0x28;                         /* BCD revision */
    ep[21] = -acpi_checksum(ep + 16, SMBIOS_21_EP_SIZE - 16);
    ep[4] = -acpi_checksum(ep, SMBIOS_21_EP_SIZE);
    t->anchor_len = SMBIOS_21_EP_SIZE;
}

static void build_ep30(SmbiosTables *t)
{
    uint8_t *ep = t->anchor;

    memset(ep, 0, SMBIOS_30_EP_SIZE);
    memcpy(ep, "_SM3_", 5);
    ep[6] = SMBIOS_30_EP_SIZE;
    ep[7] = 3;                             /* version 3.0.0 */
    ep[8] = 0;
    ep[9] = 0;
    ep[10] = 1;                            /* entry point revision */
    stl_le(ep + 12, t->tables_len);        /* structure table maximum size */
    stq_le(ep + 16, 0);                    /* table address: set by the firmware */
    ep[5] = -acpi_checksum(ep, SMBIOS_30_EP_SIZE);
    t->anchor_len = SMBIOS_30_EP_SIZE;
}

/* ---- Public ---- */

void smbios_config_defaults(SmbiosConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->manufacturer = "kemu";
    cfg->product = "Standard PC (i440FX + PIIX, 1996)";
    cfg->version = "pc-i440fx";
    cfg->sockets = 1;
    cfg->cores = 1;
    cfg->threads = 1;
    cfg->cpu_speed_mhz = 2000;
}

void smbios_build(const SmbiosConfig *cfg, SmbiosTables *out)
{
    SmbiosBuilder b = { 0 };

    memset(out, 0, sizeof(*out));
    if (cfg->bios_vendor)
        build_type0(&b, cfg);
    build_type1(&b, cfg);
    build_type3(&b, cfg);
    for (int i = 0; i < cfg->sockets; i++)
        build_type4(&b, cfg, i);
    build_memory(&b, cfg);
    build_type32(&b);
    build_type127(&b);

    out->tables = b.out.data;
    out->tables_len = b.out.len;
    out->nr_structures = b.count;
    out->max_structure_size = b.max_size;
    if (cfg->smbios3)
        build_ep30(out);
    else
        build_ep21(out);
}

void smbios_tables_free(SmbiosTables *t)
{
    free(t->tables);
    t->tables = NULL;
}

void smbios_install(const SmbiosConfig *cfg)
{
    FWCfgState *fw = fw_cfg_find();
    SmbiosTables t;

    if (!fw) {
        log_unimp("smbios: no fw_cfg device, no SMBIOS tables\n");
        return;
    }
    smbios_build(cfg, &t);
    if (!cfg->smbios3 && t.tables_len > 0xffff) {
        /* the 2.1 entry point has a 16-bit length: cannot happen with the
         * structures above, but never hand the firmware a truncated table */
        log_unimp("smbios: table too large for a 2.1 entry point\n");
        smbios_tables_free(&t);
        return;
    }
    fw_cfg_add_file(fw, SMBIOS_TABLES_FILE, t.tables, t.tables_len);
    fw_cfg_add_file(fw, SMBIOS_ANCHOR_FILE, t.anchor, t.anchor_len);
    smbios_tables_free(&t);
}
