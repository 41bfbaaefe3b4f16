/* SPDX-License-Identifier: MIT */
/*
 * ACPI table building: byte buffers, the AML byte-code builder, the
 * generic table builders, QEMU's BIOS linker/loader and the PC's tables.
 *
 * The firmware tables reach the guest as QEMU hands them to SeaBIOS and
 * OVMF: every table but the RSDP is concatenated in the fw_cfg file
 * "etc/acpi/tables", the RSDP is "etc/acpi/rsdp", and "etc/table-loader"
 * holds 128-byte commands telling the firmware where to put the two files
 * (ALLOCATE), which table fields to relocate (ADD_POINTER) and which
 * checksums to compute (ADD_CHECKSUM). See docs/acpi.md.
 *
 * AML builder: every aml_* function that takes Aml * arguments CONSUMES
 * them (encodes them into the result and frees them), so an Aml node is
 * used exactly once: write aml_local(0) twice rather than keeping one.
 * Containers (scope, device, method, if/else/while, package, buffer,
 * resource template, field) collect children with aml_append(); their
 * PkgLength is computed when they are themselves appended or emitted.
 *
 * References: ACPI Specification 6.4, chapters 5 (tables: 5.2.5 RSDP,
 * 5.2.7 RSDT, 5.2.9 FADT, 5.2.10 FACS, 5.2.12 MADT), 6.4 (resource
 * descriptors) and 20 (AML grammar); IA-PC HPET Specification 1.0a,
 * section 3.2.4; QEMU docs/specs/acpi*.rst and its linker/loader command
 * format (hw/acpi/bios-linker-loader.c, SeaBIOS src/fw/romfile_loader.c).
 */
#ifndef KEMU_HW_ACPI_H
#define KEMU_HW_ACPI_H

#include "kemu/types.h"

/* ------------------------------------------------------------------ */
/* Growable byte buffer                                                */

typedef struct AcpiBuf {
    uint8_t *data;
    size_t len;
    size_t cap;
} AcpiBuf;

void acpi_buf_free(AcpiBuf *b);
/* Append n zero bytes; returns the offset of the first. */
size_t acpi_buf_push(AcpiBuf *b, size_t n);
void acpi_buf_append(AcpiBuf *b, const void *p, size_t n);
void acpi_buf_append_byte(AcpiBuf *b, uint8_t v);
/* Append v as a size-byte little-endian integer (size 1, 2, 4 or 8). */
void acpi_buf_append_int(AcpiBuf *b, uint64_t v, unsigned size);
/* Append a fixed-size text field: s, padded with pad, truncated to n. */
void acpi_buf_append_padded(AcpiBuf *b, const char *s, size_t n, char pad);
/* Pad with zeros up to a multiple of align. */
void acpi_buf_align(AcpiBuf *b, size_t align);
/* Overwrite size little-endian bytes at off (must lie inside). */
void acpi_buf_put_int(AcpiBuf *b, size_t off, uint64_t v, unsigned size);

/* 8-bit sum of a byte range (a valid ACPI table sums to 0). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

/* ------------------------------------------------------------------ */
/* AML builder                                                         */

typedef struct Aml Aml;

typedef enum { AML_NOTSERIALIZED = 0, AML_SERIALIZED = 1 } AmlSerializeFlag;
typedef enum { AML_SYSTEM_MEMORY = 0, AML_SYSTEM_IO = 1, AML_PCI_CONFIG = 2 } AmlRegionSpace;
typedef enum {
    AML_ANY_ACC = 0, AML_BYTE_ACC = 1, AML_WORD_ACC = 2, AML_DWORD_ACC = 3, AML_QWORD_ACC = 4,
    AML_BUFFER_ACC = 5,
} AmlAccessType;
typedef enum { AML_NOLOCK = 0, AML_LOCK = 1 } AmlLockRule;
typedef enum { AML_PRESERVE = 0, AML_WRITE_AS_ONES = 1, AML_WRITE_AS_ZEROS = 2 } AmlUpdateRule;

/* Resource descriptor flags, with the ACPI spec's bit meanings. */
typedef enum { AML_DECODE10 = 0, AML_DECODE16 = 1 } AmlIODecode;
typedef enum { AML_CONSUMER = 1, AML_PRODUCER = 0 } AmlConsumer;
typedef enum { AML_LEVEL = 0, AML_EDGE = 1 } AmlTrigger;
typedef enum { AML_ACTIVE_HIGH = 0, AML_ACTIVE_LOW = 1 } AmlPolarity;
typedef enum { AML_EXCLUSIVE = 0, AML_SHARED = 1 } AmlShare;
typedef enum { AML_READ_ONLY = 0, AML_READ_WRITE = 1 } AmlReadWrite;
typedef enum {
    AML_NON_CACHEABLE = 0, AML_CACHEABLE = 1, AML_WRITE_COMBINING = 2, AML_PREFETCHABLE = 3,
} AmlCacheable;
typedef enum { AML_MIN_NOT_FIXED = 0, AML_MIN_FIXED = 1 } AmlMinFixed;
typedef enum { AML_MAX_NOT_FIXED = 0, AML_MAX_FIXED = 1 } AmlMaxFixed;
typedef enum { AML_POS_DECODE = 0, AML_SUB_DECODE = 1 } AmlDecode;
typedef enum { AML_ISA_ONLY = 1, AML_NON_ISA_ONLY = 2, AML_ENTIRE_RANGE = 3 } AmlIsaRanges;

/* Encode a node (and free it) into out / free a node not used. */
void aml_emit(Aml *a, AcpiBuf *out);
void aml_free(Aml *a);
/* Append child (consumed) to a container; for packages it is one element. */
void aml_append(Aml *parent, Aml *child);
/* A plain sequence of terms (e.g. a definition block's body). */
Aml *aml_block(void);

/* Data objects and names */
Aml *aml_int(uint64_t v);            /* Zero, One, Ones or the smallest prefix */
Aml *aml_string(const char *fmt, ...) KEMU_PRINTF(1, 2);
Aml *aml_eisaid(const char *id);     /* "PNP0A03" -> compressed DWord */
Aml *aml_name(const char *fmt, ...) KEMU_PRINTF(1, 2); /* a NameString ("\\_SB.PCI0") */
Aml *aml_local(int n);               /* Local0-7 */
Aml *aml_arg(int n);                 /* Arg0-6 */
Aml *aml_buffer(const uint8_t *data, size_t len); /* Buffer(len) {data}; data may be NULL */
Aml *aml_package(void);              /* Package () { elements appended } */

/* Named objects and containers */
Aml *aml_name_decl(const char *name, Aml *val);
Aml *aml_scope(const char *fmt, ...) KEMU_PRINTF(1, 2);
Aml *aml_device(const char *fmt, ...) KEMU_PRINTF(1, 2);
Aml *aml_method(const char *name, int nargs, AmlSerializeFlag serialized);
Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset, Aml *len);
Aml *aml_field(const char *region, AmlAccessType acc, AmlLockRule lock, AmlUpdateRule upd);
Aml *aml_named_field(const char *name, unsigned bits);
Aml *aml_reserved_field(unsigned bits);
Aml *aml_create_dword_field(Aml *srcbuf, Aml *byte_index, const char *name);

/* Statements */
Aml *aml_if(Aml *predicate);
Aml *aml_else(void);
Aml *aml_while(Aml *predicate);
Aml *aml_return(Aml *val);
Aml *aml_store(Aml *val, Aml *target);
Aml *aml_increment(Aml *target);
/* A method invocation: name(args...), nargs 0-7 (args consumed). */
Aml *aml_call(const char *method, int nargs, ...);

/* Expressions; target may be NULL (result not stored) */
Aml *aml_add(Aml *a, Aml *b, Aml *target);
Aml *aml_and(Aml *a, Aml *b, Aml *target);
Aml *aml_or(Aml *a, Aml *b, Aml *target);
Aml *aml_shiftleft(Aml *a, Aml *count, Aml *target);
Aml *aml_shiftright(Aml *a, Aml *count, Aml *target);
Aml *aml_index(Aml *obj, Aml *index, Aml *target);
Aml *aml_equal(Aml *a, Aml *b);      /* LEqual */
Aml *aml_lless(Aml *a, Aml *b);
Aml *aml_lgreater(Aml *a, Aml *b);
Aml *aml_lnot(Aml *a);
Aml *aml_land(Aml *a, Aml *b);
Aml *aml_lor(Aml *a, Aml *b);

/* Resource templates: a Buffer of descriptors closed by an End Tag. */
Aml *aml_resource_template(void);
Aml *aml_io(AmlIODecode dec, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
Aml *aml_irq_no_flags(uint8_t irq);
Aml *aml_interrupt(AmlConsumer c, AmlTrigger t, AmlPolarity p, AmlShare s, const uint32_t *irqs,
                   unsigned n);
Aml *aml_dma(uint8_t channel_mask, uint8_t flags);
Aml *aml_memory32_fixed(uint32_t base, uint32_t len, AmlReadWrite rw);
Aml *aml_word_bus_number(AmlMinFixed minf, AmlMaxFixed maxf, AmlDecode dec, uint16_t gran,
                         uint16_t min, uint16_t max, uint16_t tra, uint16_t len);
Aml *aml_word_io(AmlMinFixed minf, AmlMaxFixed maxf, AmlDecode dec, AmlIsaRanges rng,
                 uint16_t gran, uint16_t min, uint16_t max, uint16_t tra, uint16_t len);
Aml *aml_dword_memory(AmlDecode dec, AmlMinFixed minf, AmlMaxFixed maxf, AmlCacheable cache,
                      AmlReadWrite rw, uint32_t gran, uint32_t min, uint32_t max, uint32_t tra,
                      uint32_t len);
Aml *aml_qword_memory(AmlDecode dec, AmlMinFixed minf, AmlMaxFixed maxf, AmlCacheable cache,
                      AmlReadWrite rw, uint64_t gran, uint64_t min, uint64_t max, uint64_t tra,
                      uint64_t len);

/* Encoding helpers, exposed for tests. */
/* Encode a PkgLength for a body of body_len bytes (the encoding counts
 * itself); returns the number of bytes written to out (1-4), 0 if too big. */
unsigned aml_pkglen_encode(uint8_t out[4], size_t body_len);
/* Append a NameString ("\\_SB.PCI0", "^LNKA", "_HID") to b. */
void aml_append_namestring(AcpiBuf *b, const char *name);

/* ------------------------------------------------------------------ */
/* BIOS linker/loader ("etc/table-loader")                             */

#define BIOS_LINKER_FILESZ 56          /* = FW_CFG_MAX_FILE_PATH */
#define BIOS_LINKER_ENTRY_SIZE 128
#define BIOS_LINKER_CMD_ALLOCATE 1
#define BIOS_LINKER_CMD_ADD_POINTER 2
#define BIOS_LINKER_CMD_ADD_CHECKSUM 3
#define BIOS_LINKER_CMD_WRITE_POINTER 4
#define BIOS_LINKER_ZONE_HIGH 1
#define BIOS_LINKER_ZONE_FSEG 2

#define ACPI_BUILD_TABLE_FILE "etc/acpi/tables"
#define ACPI_BUILD_RSDP_FILE "etc/acpi/rsdp"
#define ACPI_BUILD_LOADER_FILE "etc/table-loader"

typedef struct BiosLinker BiosLinker;

BiosLinker *bios_linker_new(void);
void bios_linker_free(BiosLinker *l);
/* The firmware allocates file (whose contents are blob) aligned to align
 * (a power of two) in high memory or in the F segment. */
void bios_linker_alloc(BiosLinker *l, const char *file, AcpiBuf *blob, uint32_t align, bool fseg);
/* Relocate the size-byte field at dst_off in dst_file: it is set to
 * src_off now and the firmware adds src_file's address. */
void bios_linker_add_pointer(BiosLinker *l, const char *dst_file, uint32_t dst_off, uint8_t size,
                             const char *src_file, uint32_t src_off);
/* The byte at cksum_off of file is made to sum [start, start+len) to 0. */
void bios_linker_add_checksum(BiosLinker *l, const char *file, uint32_t start, uint32_t len,
                              uint32_t cksum_off);
/* The firmware writes the address of src_file + src_off back into the
 * writable fw_cfg file dst_file at dst_off (size bytes). */
void bios_linker_write_pointer(BiosLinker *l, const char *dst_file, uint32_t dst_off,
                               uint8_t size, const char *src_file, uint32_t src_off);
/* The command blob (n * 128 bytes). */
const AcpiBuf *bios_linker_commands(const BiosLinker *l);

/* ------------------------------------------------------------------ */
/* Generic tables                                                      */

#define ACPI_TABLE_HEADER_SIZE 36

typedef struct AcpiOem {
    const char *id;                /* 6 characters, e.g. "BOCHS " */
    const char *table_id;          /* 8 characters, e.g. "BXPC    " */
} AcpiOem;

typedef struct AcpiTable {
    const char *sig;               /* 4 characters */
    uint8_t rev;
    const AcpiOem *oem;
    AcpiBuf *buf;                  /* set by acpi_table_begin() */
    size_t start;                  /* offset of the header in buf */
} AcpiTable;

/* Append the 36-byte header (length and checksum filled by _end). */
void acpi_table_begin(AcpiTable *t, AcpiBuf *buf);
/* Patch the length; the loader computes the checksum ("etc/acpi/tables"). */
void acpi_table_end(BiosLinker *l, AcpiTable *t);

/* ACPI Generic Address Structure */
typedef struct AcpiGas {
    uint8_t space_id;              /* AML_SYSTEM_MEMORY, AML_SYSTEM_IO, ... */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_width;
    uint64_t address;
} AcpiGas;

/* FADT flags (ACPI 6.4 table 5.10) */
#define ACPI_FADT_F_WBINVD (1u << 0)
#define ACPI_FADT_F_PROC_C1 (1u << 2)
#define ACPI_FADT_F_PWR_BUTTON (1u << 4)   /* set: no fixed-feature power button */
#define ACPI_FADT_F_SLP_BUTTON (1u << 5)   /* set: no fixed-feature sleep button */
#define ACPI_FADT_F_RTC_S4 (1u << 7)
#define ACPI_FADT_F_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_F_USE_PLATFORM_CLOCK (1u << 15)
#define ACPI_FADT_F_FORCE_APIC_CLUSTER_MODEL (1u << 18)

typedef struct AcpiFadtData {
    uint8_t rev;                   /* 1 (ACPI 1.0, 116 bytes) or 3 (ACPI 2.0, 244 bytes) */
    uint8_t int_model;             /* rev 1: 1 = multiple APIC */
    uint16_t sci_int;
    uint32_t smi_cmd;
    uint8_t acpi_enable_cmd, acpi_disable_cmd;
    uint32_t pm1a_evt_blk, pm1a_cnt_blk, pm_tmr_blk, gpe0_blk;
    uint8_t pm1_evt_len, pm1_cnt_len, pm_tmr_len, gpe0_blk_len;
    uint16_t plvl2_lat, plvl3_lat;
    uint8_t rtc_century;           /* CMOS index of the century, 0 = none */
    uint16_t iapc_boot_arch;       /* rev >= 3 */
    uint32_t flags;
    AcpiGas reset_reg;             /* rev >= 3 */
    uint8_t reset_val;
} AcpiFadtData;

/* FACS (64 bytes, 64-byte aligned in the table file). Returns its offset. */
size_t acpi_build_facs(AcpiBuf *tables);
/* FADT pointing at the FACS and DSDT at the given offsets of the table file. */
void acpi_build_fadt(AcpiBuf *tables, BiosLinker *l, const AcpiFadtData *f, size_t facs_off,
                     size_t dsdt_off, const AcpiOem *oem);

typedef struct AcpiMadtCpu {
    uint32_t uid;                  /* ACPI processor UID (= _UID of the CPU object) */
    uint32_t apic_id;
    bool enabled;
} AcpiMadtCpu;

typedef struct AcpiMadtOverride {
    uint8_t source;                /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags;                /* MPS INTI flags */
} AcpiMadtOverride;

#define ACPI_MADT_FLAG_PCAT_COMPAT 1
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_ACTIVE_LOW 0x3
#define MPS_INTI_EDGE 0x4
#define MPS_INTI_LEVEL 0xc

typedef struct AcpiMadtData {
    uint32_t lapic_addr;
    uint32_t flags;
    const AcpiMadtCpu *cpus;
    int nr_cpus;
    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    uint32_t ioapic_gsi_base;
    const AcpiMadtOverride *overrides;
    int nr_overrides;
    uint8_t nmi_lint;              /* LINT pin of the local APIC NMI (all CPUs) */
} AcpiMadtData;

/* MADT: LAPIC (or x2APIC for IDs >= 255), IOAPIC, overrides, LAPIC NMI. */
void acpi_build_madt(AcpiBuf *tables, BiosLinker *l, const AcpiMadtData *m, const AcpiOem *oem);
/* HPET table for the event timer block at addr. */
void acpi_build_hpet(AcpiBuf *tables, BiosLinker *l, uint32_t block_id, uint64_t addr,
                     const AcpiOem *oem);
/* RSDT listing the tables at offs[0..n) of the table file. Returns its offset. */
size_t acpi_build_rsdt(AcpiBuf *tables, BiosLinker *l, const size_t *offs, int n,
                       const AcpiOem *oem);
/* XSDT, the same with 64-bit pointers. Returns its offset. */
size_t acpi_build_xsdt(AcpiBuf *tables, BiosLinker *l, const size_t *offs, int n,
                       const AcpiOem *oem);
/* RSDP in its own file: revision 0 points at the RSDT (xsdt_off unused),
 * revision 2 at both (36 bytes, extended checksum). */
void acpi_build_rsdp(AcpiBuf *rsdp, BiosLinker *l, uint8_t rev, size_t rsdt_off, size_t xsdt_off,
                     const AcpiOem *oem);

/* ------------------------------------------------------------------ */
/* The PC (i440FX + PIIX3/PIIX4 PM)                                    */

#define PC_ACPI_MAX_SERIAL 4

typedef struct PcAcpiConfig {
    int nr_cpus;                   /* present CPUs */
    int max_cpus;                  /* > 8: FADT FORCE_APIC_CLUSTER_MODEL */
    const uint32_t *apic_ids;      /* nr_cpus APIC IDs; NULL: APIC ID = CPU index */
    uint64_t ram_below_4g;         /* RAM from 0; the 32-bit PCI hole starts there */
    uint64_t ram_above_4g;         /* RAM from 4 GiB */
    uint64_t pci_hole64_size;      /* 64-bit PCI window after high RAM (0: none) */
    uint32_t ioapic_addr;          /* 0: 0xfec00000; also ends the 32-bit PCI hole */
    uint8_t ioapic_id;
    bool hpet;                     /* HPET table and \_SB.HPET */
    uint32_t hpet_block_id;        /* 0: 0x8086a201 (QEMU's HPET) */
    uint16_t pm_io_base;           /* PIIX4 PMBA: 0x600 */
    uint8_t sci_irq;               /* 9 */
    uint16_t gpe0_blk;             /* 0xafe0 */
    uint8_t gpe0_blk_len;          /* 4 */
    uint16_t smi_cmd;              /* 0xb2; 0: no SMI command port */
    uint8_t acpi_enable, acpi_disable; /* 0xf1, 0xf0 */
    uint8_t s5_slp_typ;            /* SLP_TYP for S5 (PIIX4 PM: 0) */
    bool serial[PC_ACPI_MAX_SERIAL]; /* COM1-4 present */
    bool i8042;                    /* KBD and MOU */
    bool rtc;
    bool fdc;                      /* FDC0 (one controller at 0x3f0) */
    const char *oem_id;            /* NULL: "BOCHS " */
    const char *oem_table_id;      /* NULL: "BXPC    " */
} PcAcpiConfig;

/* The three fw_cfg files. */
typedef struct AcpiBuildTables {
    AcpiBuf tables;                /* etc/acpi/tables */
    AcpiBuf rsdp;                  /* etc/acpi/rsdp */
    AcpiBuf loader;                /* etc/table-loader */
} AcpiBuildTables;

/* Fill cfg with the PC's defaults (QEMU's pc-i440fx values) for the given
 * CPUs and RAM; the board then adjusts what differs. */
void pc_acpi_config_defaults(PcAcpiConfig *cfg, int nr_cpus, uint64_t below_4g,
                             uint64_t above_4g);
/* Build the tables into t (free with acpi_build_tables_free()). */
void pc_acpi_build_tables(const PcAcpiConfig *cfg, AcpiBuildTables *t);
void acpi_build_tables_free(AcpiBuildTables *t);
/* Build the tables and add the three files to the machine's fw_cfg. */
void pc_acpi_build(const PcAcpiConfig *cfg);

#endif
