/* SPDX-License-Identifier: MIT */
/*
 * Generic ACPI table builders: header, FACS, FADT, MADT, HPET, RSDT/XSDT
 * and RSDP, plus the byte buffer they are built in.
 *
 * Tables are appended to one buffer (the fw_cfg file "etc/acpi/tables").
 * Fields holding the address of another table are written as offsets in
 * that file and handed to the BIOS linker/loader, which relocates them
 * once the firmware has placed the file; checksums are likewise left zero
 * and computed by the loader after relocation, as QEMU does.
 *
 * References: ACPI Specification 6.4 sections 5.2.5 (RSDP), 5.2.6 (table
 * header), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9 (FADT; revision 1 is the ACPI
 * 1.0 layout of 116 bytes), 5.2.10 (FACS), 5.2.12 (MADT); IA-PC HPET
 * Specification 1.0a section 3.2.4 (the HPET description table).
 */
#include <assert.h>

#include "kemu/hw/acpi.h"

#define ACPI_CREATOR_ID "KEMU"
#define ACPI_CREATOR_REV 1
#define ACPI_OEM_REV 1

#define FACS_SIZE 64
#define FADT_REV1_SIZE 116
#define FADT_REV3_SIZE 244
#define RSDP_REV0_SIZE 20
#define RSDP_REV2_SIZE 36

/* MADT interrupt controller structure types */
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_INT_SRC_OVERRIDE 2
#define MADT_LOCAL_APIC_NMI 4
#define MADT_LOCAL_X2APIC 9
#define MADT_LOCAL_X2APIC_NMI 10
#define MADT_LAPIC_ENABLED 1

/* ---- AcpiBuf ---- */

void acpi_buf_free(AcpiBuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static void acpi_buf_reserve(AcpiBuf *b, size_t n)
{
    if (b->len + n <= b->cap)
        return;
    b->cap = MAX(b->cap * 2, b->len + n + 64);
    b->data = xrealloc(b->data, b->cap);
}

size_t acpi_buf_push(AcpiBuf *b, size_t n)
{
    size_t off = b->len;

    acpi_buf_reserve(b, n);
    memset(b->data + off, 0, n);
    b->len += n;
    return off;
}

void acpi_buf_append(AcpiBuf *b, const void *p, size_t n)
{
    if (!n)
        return;
    acpi_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void acpi_buf_append_byte(AcpiBuf *b, uint8_t v)
{
    acpi_buf_append(b, &v, 1);
}

void acpi_buf_append_int(AcpiBuf *b, uint64_t v, unsigned size)
{
    uint8_t tmp[8];

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    stq_le(tmp, v);
    acpi_buf_append(b, tmp, size);
}

void acpi_buf_append_padded(AcpiBuf *b, const char *s, size_t n, char pad)
{
    size_t len = s ? strnlen(s, n) : 0;
    size_t off;

    acpi_buf_append(b, s, len);
    off = acpi_buf_push(b, n - len);
    memset(b->data + off, pad, n - len);
}

void acpi_buf_align(AcpiBuf *b, size_t align)
{
    size_t rem = b->len % align;

    if (rem)
        acpi_buf_push(b, align - rem);
}

void acpi_buf_put_int(AcpiBuf *b, size_t off, uint64_t v, unsigned size)
{
    assert(off + size <= b->len);
    stn_le(b->data + off, size, v);
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    while (len--)
        sum += *p++;
    return sum;
}

/* ---- Header ---- */

void acpi_table_begin(AcpiTable *t, AcpiBuf *buf)
{
    assert(strlen(t->sig) == 4);
    t->buf = buf;
    t->start = buf->len;
    acpi_buf_append(buf, t->sig, 4);
    acpi_buf_append_int(buf, 0, 4);          /* Length, patched by _end */
    acpi_buf_append_byte(buf, t->rev);
    acpi_buf_append_byte(buf, 0);            /* Checksum, by the loader */
    acpi_buf_append_padded(buf, t->oem->id, 6, ' ');
    acpi_buf_append_padded(buf, t->oem->table_id, 8, ' ');
    acpi_buf_append_int(buf, ACPI_OEM_REV, 4);
    acpi_buf_append(buf, ACPI_CREATOR_ID, 4);
    acpi_buf_append_int(buf, ACPI_CREATOR_REV, 4);
}

void acpi_table_end(BiosLinker *l, AcpiTable *t)
{
    size_t len = t->buf->len - t->start;

    acpi_buf_put_int(t->buf, t->start + 4, len, 4);
    bios_linker_add_checksum(l, ACPI_BUILD_TABLE_FILE, t->start, len, t->start + 9);
}

/* Append a table pointer field: the offset now, the address after loading. */
static void append_table_pointer(AcpiBuf *tables, BiosLinker *l, size_t target, unsigned size)
{
    size_t off = tables->len;

    acpi_buf_push(tables, size);
    bios_linker_add_pointer(l, ACPI_BUILD_TABLE_FILE, off, size, ACPI_BUILD_TABLE_FILE, target);
}

static void append_gas(AcpiBuf *b, const AcpiGas *g)
{
    acpi_buf_append_byte(b, g->space_id);
    acpi_buf_append_byte(b, g->bit_width);
    acpi_buf_append_byte(b, g->bit_offset);
    acpi_buf_append_byte(b, g->access_width);
    acpi_buf_append_int(b, g->address, 8);
}

/* ---- FACS ---- */

size_t acpi_build_facs(AcpiBuf *tables)
{
    size_t off;

    acpi_buf_align(tables, 64);
    off = tables->len;
    acpi_buf_append(tables, "FACS", 4);
    acpi_buf_append_int(tables, FACS_SIZE, 4);
    acpi_buf_push(tables, FACS_SIZE - 8); /* signature, vectors, lock, flags: 0 */
    return off;
}

/* ---- FADT ---- */

static void fadt_append_blocks(AcpiBuf *b, const AcpiFadtData *f)
{
    acpi_buf_append_int(b, f->pm1a_evt_blk, 4);
    acpi_buf_append_int(b, 0, 4);                 /* PM1b_EVT_BLK */
    acpi_buf_append_int(b, f->pm1a_cnt_blk, 4);
    acpi_buf_append_int(b, 0, 4);                 /* PM1b_CNT_BLK */
    acpi_buf_append_int(b, 0, 4);                 /* PM2_CNT_BLK */
    acpi_buf_append_int(b, f->pm_tmr_blk, 4);
    acpi_buf_append_int(b, f->gpe0_blk, 4);
    acpi_buf_append_int(b, 0, 4);                 /* GPE1_BLK */
    acpi_buf_append_byte(b, f->pm1_evt_len);
    acpi_buf_append_byte(b, f->pm1_cnt_len);
    acpi_buf_append_byte(b, 0);                   /* PM2_CNT_LEN */
    acpi_buf_append_byte(b, f->pm_tmr_len);
    acpi_buf_append_byte(b, f->gpe0_blk_len);
    acpi_buf_append_byte(b, 0);                   /* GPE1_BLK_LEN */
    acpi_buf_append_byte(b, 0);                   /* GPE1_BASE */
    acpi_buf_append_byte(b, 0);                   /* CST_CNT */
    acpi_buf_append_int(b, f->plvl2_lat, 2);
    acpi_buf_append_int(b, f->plvl3_lat, 2);
    acpi_buf_append_int(b, 0, 2);                 /* FLUSH_SIZE */
    acpi_buf_append_int(b, 0, 2);                 /* FLUSH_STRIDE */
    acpi_buf_append_byte(b, 0);                   /* DUTY_OFFSET */
    acpi_buf_append_byte(b, 0);                   /* DUTY_WIDTH */
    acpi_buf_append_byte(b, 0);                   /* DAY_ALRM */
    acpi_buf_append_byte(b, 0);                   /* MON_ALRM */
    acpi_buf_append_byte(b, f->rtc_century);
    acpi_buf_append_int(b, f->rev >= 3 ? f->iapc_boot_arch : 0, 2);
    acpi_buf_append_byte(b, 0);                   /* reserved */
    acpi_buf_append_int(b, f->flags, 4);
}

/* The ACPI 2.0 extension: reset register and 64-bit addresses. */
static void fadt_append_rev3(AcpiBuf *b, BiosLinker *l, const AcpiFadtData *f, size_t dsdt_off)
{
    AcpiGas blk = { .space_id = AML_SYSTEM_IO };

    append_gas(b, &f->reset_reg);
    acpi_buf_append_byte(b, f->reset_val);
    acpi_buf_append_int(b, 0, 2);                 /* ARM_BOOT_ARCH */
    acpi_buf_append_byte(b, 0);                   /* FADT minor version */
    acpi_buf_append_int(b, 0, 8);                 /* X_FIRMWARE_CTRL: FACS is below 4G */
    append_table_pointer(b, l, dsdt_off, 8);      /* X_DSDT */
    blk.bit_width = f->pm1_evt_len * 8, blk.address = f->pm1a_evt_blk;
    append_gas(b, &blk);                          /* X_PM1a_EVT_BLK */
    append_gas(b, &(AcpiGas){ 0 });               /* X_PM1b_EVT_BLK */
    blk.bit_width = f->pm1_cnt_len * 8, blk.address = f->pm1a_cnt_blk;
    append_gas(b, &blk);                          /* X_PM1a_CNT_BLK */
    append_gas(b, &(AcpiGas){ 0 });               /* X_PM1b_CNT_BLK */
    append_gas(b, &(AcpiGas){ 0 });               /* X_PM2_CNT_BLK */
    blk.bit_width = f->pm_tmr_len * 8, blk.address = f->pm_tmr_blk;
    append_gas(b, &blk);                          /* X_PM_TMR_BLK */
    blk.bit_width = f->gpe0_blk_len * 8, blk.address = f->gpe0_blk;
    append_gas(b, &blk);                          /* X_GPE0_BLK */
    append_gas(b, &(AcpiGas){ 0 });               /* X_GPE1_BLK */
}

void acpi_build_fadt(AcpiBuf *tables, BiosLinker *l, const AcpiFadtData *f, size_t facs_off,
                     size_t dsdt_off, const AcpiOem *oem)
{
    AcpiTable t = { .sig = "FACP", .rev = f->rev, .oem = oem };

    assert(f->rev == 1 || f->rev == 3);
    acpi_table_begin(&t, tables);
    append_table_pointer(tables, l, facs_off, 4);  /* FIRMWARE_CTRL */
    append_table_pointer(tables, l, dsdt_off, 4);  /* DSDT */
    acpi_buf_append_byte(tables, f->int_model);    /* INT_MODEL (reserved since 2.0) */
    acpi_buf_append_byte(tables, 0);               /* Preferred_PM_Profile: unspecified */
    acpi_buf_append_int(tables, f->sci_int, 2);
    acpi_buf_append_int(tables, f->smi_cmd, 4);
    acpi_buf_append_byte(tables, f->acpi_enable_cmd);
    acpi_buf_append_byte(tables, f->acpi_disable_cmd);
    acpi_buf_append_byte(tables, 0);               /* S4BIOS_REQ */
    acpi_buf_append_byte(tables, 0);               /* PSTATE_CNT */
    fadt_append_blocks(tables, f);
    if (f->rev >= 3)
        fadt_append_rev3(tables, l, f, dsdt_off);
    assert(tables->len - t.start == (f->rev == 1 ? FADT_REV1_SIZE : FADT_REV3_SIZE));
    acpi_table_end(l, &t);
}

/* ---- MADT ---- */

static void madt_append_cpu(AcpiBuf *b, const AcpiMadtCpu *c)
{
    uint32_t flags = c->enabled ? MADT_LAPIC_ENABLED : 0;

    if (c->apic_id < 0xff && c->uid < 0xff) {
        acpi_buf_append_byte(b, MADT_LOCAL_APIC);
        acpi_buf_append_byte(b, 8);
        acpi_buf_append_byte(b, c->uid);
        acpi_buf_append_byte(b, c->apic_id);
        acpi_buf_append_int(b, flags, 4);
    } else {
        acpi_buf_append_byte(b, MADT_LOCAL_X2APIC);
        acpi_buf_append_byte(b, 16);
        acpi_buf_append_int(b, 0, 2);
        acpi_buf_append_int(b, c->apic_id, 4);
        acpi_buf_append_int(b, flags, 4);
        acpi_buf_append_int(b, c->uid, 4);
    }
}

static void madt_append_nmis(AcpiBuf *b, const AcpiMadtData *m, bool x2apic)
{
    acpi_buf_append_byte(b, MADT_LOCAL_APIC_NMI);
    acpi_buf_append_byte(b, 6);
    acpi_buf_append_byte(b, 0xff);                /* all processors */
    acpi_buf_append_int(b, 0, 2);                 /* flags: conforms to the bus */
    acpi_buf_append_byte(b, m->nmi_lint);
    if (!x2apic)
        return;
    acpi_buf_append_byte(b, MADT_LOCAL_X2APIC_NMI);
    acpi_buf_append_byte(b, 12);
    acpi_buf_append_int(b, 0, 2);
    acpi_buf_append_int(b, 0xffffffff, 4);        /* all processors */
    acpi_buf_append_byte(b, m->nmi_lint);
    acpi_buf_push(b, 3);
}

void acpi_build_madt(AcpiBuf *tables, BiosLinker *l, const AcpiMadtData *m, const AcpiOem *oem)
{
    AcpiTable t = { .sig = "APIC", .rev = 1, .oem = oem };
    bool x2apic = false;

    for (int i = 0; i < m->nr_cpus; i++)
        x2apic |= m->cpus[i].apic_id >= 0xff || m->cpus[i].uid >= 0xff;
    if (x2apic)
        t.rev = 3; /* ACPI 4.0 added the x2APIC structures */
    acpi_table_begin(&t, tables);
    acpi_buf_append_int(tables, m->lapic_addr, 4);
    acpi_buf_append_int(tables, m->flags, 4);
    for (int i = 0; i < m->nr_cpus; i++)
        madt_append_cpu(tables, &m->cpus[i]);
    acpi_buf_append_byte(tables, MADT_IO_APIC);
    acpi_buf_append_byte(tables, 12);
    acpi_buf_append_byte(tables, m->ioapic_id);
    acpi_buf_append_byte(tables, 0);
    acpi_buf_append_int(tables, m->ioapic_addr, 4);
    acpi_buf_append_int(tables, m->ioapic_gsi_base, 4);
    for (int i = 0; i < m->nr_overrides; i++) {
        acpi_buf_append_byte(tables, MADT_INT_SRC_OVERRIDE);
        acpi_buf_append_byte(tables, 10);
        acpi_buf_append_byte(tables, 0);          /* bus: ISA */
        acpi_buf_append_byte(tables, m->overrides[i].source);
        acpi_buf_append_int(tables, m->overrides[i].gsi, 4);
        acpi_buf_append_int(tables, m->overrides[i].flags, 2);
    }
    madt_append_nmis(tables, m, x2apic);
    acpi_table_end(l, &t);
}

/* ---- HPET ---- */

void acpi_build_hpet(AcpiBuf *tables, BiosLinker *l, uint32_t block_id, uint64_t addr,
                     const AcpiOem *oem)
{
    AcpiTable t = { .sig = "HPET", .rev = 1, .oem = oem };
    AcpiGas base = { .space_id = AML_SYSTEM_MEMORY, .address = addr };

    acpi_table_begin(&t, tables);
    acpi_buf_append_int(tables, block_id, 4);
    append_gas(tables, &base);
    acpi_buf_append_byte(tables, 0);              /* HPET number */
    acpi_buf_append_int(tables, 0, 2);            /* minimum clock tick in periodic mode */
    acpi_buf_append_byte(tables, 0);              /* page protection: none */
    acpi_table_end(l, &t);
}

/* ---- RSDT, XSDT, RSDP ---- */

static size_t build_sdt(AcpiBuf *tables, BiosLinker *l, const char *sig, unsigned ptr_size,
                        const size_t *offs, int n, const AcpiOem *oem)
{
    AcpiTable t = { .sig = sig, .rev = 1, .oem = oem };

    acpi_table_begin(&t, tables);
    for (int i = 0; i < n; i++)
        append_table_pointer(tables, l, offs[i], ptr_size);
    acpi_table_end(l, &t);
    return t.start;
}

size_t acpi_build_rsdt(AcpiBuf *tables, BiosLinker *l, const size_t *offs, int n,
                       const AcpiOem *oem)
{
    return build_sdt(tables, l, "RSDT", 4, offs, n, oem);
}

size_t acpi_build_xsdt(AcpiBuf *tables, BiosLinker *l, const size_t *offs, int n,
                       const AcpiOem *oem)
{
    return build_sdt(tables, l, "XSDT", 8, offs, n, oem);
}

void acpi_build_rsdp(AcpiBuf *rsdp, BiosLinker *l, uint8_t rev, size_t rsdt_off, size_t xsdt_off,
                     const AcpiOem *oem)
{
    assert(rev == 0 || rev == 2);
    assert(rsdp->len == 0);
    acpi_buf_append(rsdp, "RSD PTR ", 8);
    acpi_buf_append_byte(rsdp, 0);                /* checksum of the first 20 bytes */
    acpi_buf_append_padded(rsdp, oem->id, 6, ' ');
    acpi_buf_append_byte(rsdp, rev);
    acpi_buf_append_int(rsdp, rsdt_off, 4);       /* RsdtAddress */
    bios_linker_add_pointer(l, ACPI_BUILD_RSDP_FILE, 16, 4, ACPI_BUILD_TABLE_FILE, rsdt_off);
    if (rev == 2) {
        acpi_buf_append_int(rsdp, RSDP_REV2_SIZE, 4);
        acpi_buf_append_int(rsdp, xsdt_off, 8);   /* XsdtAddress */
        acpi_buf_append_byte(rsdp, 0);            /* extended checksum */
        acpi_buf_push(rsdp, 3);
        bios_linker_add_pointer(l, ACPI_BUILD_RSDP_FILE, 24, 8, ACPI_BUILD_TABLE_FILE,
                                xsdt_off);
    }
    bios_linker_add_checksum(l, ACPI_BUILD_RSDP_FILE, 0, RSDP_REV0_SIZE, 8);
    if (rev == 2)
        bios_linker_add_checksum(l, ACPI_BUILD_RSDP_FILE, 0, RSDP_REV2_SIZE, 32);
}
