/* SPDX-License-Identifier: MIT */
/*
 * AML byte-code builder.
 *
 * Builds ACPI Machine Language (the byte code of DSDT/SSDT definition
 * blocks) from a small tree of nodes. A node holds the bytes of its body
 * and a kind saying how to wrap them when it is appended to its parent or
 * emitted: as is, behind an opcode, or behind an opcode and a PkgLength
 * (scopes, devices, methods, if/else/while), or as a Package, Buffer or
 * resource template (a Buffer of resource descriptors closed by an End
 * Tag). Every function taking nodes consumes them; see kemu/hw/acpi.h.
 *
 * Reference: ACPI Specification 6.4, chapter 20 (AML grammar: 20.2.3
 * PkgLength, 20.2.2 NameString, 20.2.5 terms) and section 6.4 (resource
 * data types: small IO 6.4.2.5, IRQ 6.4.2.1, DMA 6.4.2.2, End Tag 6.4.2.9;
 * large Memory32Fixed 6.4.3.4, address space 6.4.3.5, Extended Interrupt
 * 6.4.3.6).
 */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>

#include "kemu/hw/acpi.h"

/* AML opcodes (ACPI 6.4 section 20.3) */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_VAR_PACKAGE_OP 0x13
#define AML_METHOD_OP 0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX_CHAR '^'
#define AML_LOCAL0_OP 0x60
#define AML_ARG0_OP 0x68
#define AML_STORE_OP 0x70
#define AML_ADD_OP 0x72
#define AML_INCREMENT_OP 0x75
#define AML_SHIFT_LEFT_OP 0x79
#define AML_SHIFT_RIGHT_OP 0x7a
#define AML_AND_OP 0x7b
#define AML_OR_OP 0x7d
#define AML_INDEX_OP 0x88
#define AML_CREATE_DWORD_FIELD_OP 0x8a
#define AML_LAND_OP 0x90
#define AML_LOR_OP 0x91
#define AML_LNOT_OP 0x92
#define AML_LEQUAL_OP 0x93
#define AML_LGREATER_OP 0x94
#define AML_LLESS_OP 0x95
#define AML_IF_OP 0xa0
#define AML_ELSE_OP 0xa1
#define AML_WHILE_OP 0xa2
#define AML_RETURN_OP 0xa4
#define AML_ONES_OP 0xff
/* after AML_EXT_OP_PREFIX */
#define AML_EXT_OP_REGION_OP 0x80
#define AML_EXT_FIELD_OP 0x81
#define AML_EXT_DEVICE_OP 0x82

/* Resource descriptor tags (ACPI 6.4 section 6.4) */
#define RES_IRQ_NO_FLAGS 0x22      /* small item 0x04, length 2 */
#define RES_DMA 0x2a               /* small item 0x05, length 2 */
#define RES_IO 0x47                /* small item 0x08, length 7 */
#define RES_END_TAG 0x79           /* small item 0x0f, length 1 */
#define RES_MEMORY32_FIXED 0x86
#define RES_DWORD_ADDRESS 0x87
#define RES_WORD_ADDRESS 0x88
#define RES_EXT_INTERRUPT 0x89
#define RES_QWORD_ADDRESS 0x8a
#define RES_TYPE_MEMORY 0
#define RES_TYPE_IO 1
#define RES_TYPE_BUS 2

typedef enum {
    AML_K_RAW,       /* body as is */
    AML_K_OP,        /* op, body */
    AML_K_PKG_OP,    /* op, PkgLength, body */
    AML_K_PACKAGE,   /* PackageOp, PkgLength, NumElements, body */
    AML_K_BUFFER,    /* BufferOp, PkgLength, BufferSize, body */
    AML_K_RES,       /* as a Buffer, with an End Tag after body */
} AmlKind;

struct Aml {
    AmlKind kind;
    uint8_t op[2];
    unsigned oplen;
    unsigned count;  /* package elements */
    AcpiBuf body;
};

static Aml *aml_new(AmlKind kind)
{
    Aml *a = XNEW0(Aml);

    a->kind = kind;
    return a;
}

static Aml *aml_new_op(AmlKind kind, uint8_t op)
{
    Aml *a = aml_new(kind);

    a->op[0] = op;
    a->oplen = 1;
    return a;
}

static Aml *aml_new_ext_op(AmlKind kind, uint8_t op)
{
    Aml *a = aml_new(kind);

    a->op[0] = AML_EXT_OP_PREFIX;
    a->op[1] = op;
    a->oplen = 2;
    return a;
}

void aml_free(Aml *a)
{
    if (!a)
        return;
    acpi_buf_free(&a->body);
    free(a);
}

Aml *aml_block(void)
{
    return aml_new(AML_K_RAW);
}

/* ---- PkgLength and integers ---- */

/* value in n bytes of PkgLength format: lead byte has the byte count in
 * bits 7:6 and, with n > 1, the low nibble of value in bits 3:0. */
static void pkglen_put(uint8_t *out, uint32_t value, unsigned n)
{
    if (n == 1) {
        out[0] = value;
        return;
    }
    out[0] = ((n - 1) << 6) | (value & 0xf);
    for (unsigned i = 1; i < n; i++)
        out[i] = value >> (4 + 8 * (i - 1));
}

static unsigned pkglen_raw_size(uint32_t value)
{
    if (value <= 0x3f)
        return 1;
    if (value <= 0xfff)
        return 2;
    if (value <= 0xfffff)
        return 3;
    return value <= 0xfffffff ? 4 : 0;
}

unsigned aml_pkglen_encode(uint8_t out[4], size_t body_len)
{
    for (unsigned n = 1; n <= 4; n++) {
        size_t total = body_len + n;

        if (total <= 0xfffffff && pkglen_raw_size(total) == n) {
            pkglen_put(out, total, n);
            return n;
        }
    }
    return 0;
}

static void append_pkglen(AcpiBuf *b, size_t body_len)
{
    uint8_t enc[4];
    unsigned n = aml_pkglen_encode(enc, body_len);

    assert(n);
    acpi_buf_append(b, enc, n);
}

/* A field unit's length in bits: PkgLength format, not counting itself. */
static void append_field_len(AcpiBuf *b, uint32_t bits)
{
    uint8_t enc[4];
    unsigned n = pkglen_raw_size(bits);

    assert(n);
    pkglen_put(enc, bits, n);
    acpi_buf_append(b, enc, n);
}

static void append_integer(AcpiBuf *b, uint64_t v)
{
    if (v == 0) {
        acpi_buf_append_byte(b, AML_ZERO_OP);
    } else if (v == 1) {
        acpi_buf_append_byte(b, AML_ONE_OP);
    } else if (v == UINT64_MAX) {
        acpi_buf_append_byte(b, AML_ONES_OP);
    } else if (v <= 0xff) {
        acpi_buf_append_byte(b, AML_BYTE_PREFIX);
        acpi_buf_append_int(b, v, 1);
    } else if (v <= 0xffff) {
        acpi_buf_append_byte(b, AML_WORD_PREFIX);
        acpi_buf_append_int(b, v, 2);
    } else if (v <= 0xffffffff) {
        acpi_buf_append_byte(b, AML_DWORD_PREFIX);
        acpi_buf_append_int(b, v, 4);
    } else {
        acpi_buf_append_byte(b, AML_QWORD_PREFIX);
        acpi_buf_append_int(b, v, 8);
    }
}

/* ---- NameString ---- */

static bool name_char_ok(char c, bool first)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

static void append_nameseg(AcpiBuf *b, const char *seg, size_t len)
{
    assert(len >= 1 && len <= 4);
    for (size_t i = 0; i < 4; i++) {
        char c = i < len ? seg[i] : '_';

        assert(name_char_ok(c, i == 0));
        acpi_buf_append_byte(b, c);
    }
}

void aml_append_namestring(AcpiBuf *b, const char *name)
{
    const char *p = name;
    unsigned nsegs = 0;

    if (*p == AML_ROOT_CHAR) {
        acpi_buf_append_byte(b, *p++);
    } else {
        while (*p == AML_PARENT_PREFIX_CHAR)
            acpi_buf_append_byte(b, *p++);
    }
    if (*p == '\0') {
        acpi_buf_append_byte(b, AML_ZERO_OP); /* NullName */
        return;
    }
    for (const char *q = p; q; q = strchr(q, '.'), q = q ? q + 1 : NULL)
        nsegs++;
    if (nsegs == 2) {
        acpi_buf_append_byte(b, AML_DUAL_NAME_PREFIX);
    } else if (nsegs > 2) {
        assert(nsegs <= 255);
        acpi_buf_append_byte(b, AML_MULTI_NAME_PREFIX);
        acpi_buf_append_byte(b, nsegs);
    }
    while (*p) {
        size_t len = strcspn(p, ".");

        append_nameseg(b, p, len);
        p += len;
        if (*p == '.')
            p++;
    }
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0)
        abort(); /* host out of memory */
    return s;
}

/* ---- Serialization ---- */

static void aml_serialize(const Aml *a, AcpiBuf *out)
{
    AcpiBuf head = { 0 };
    size_t body_len = a->body.len;

    switch (a->kind) {
    case AML_K_RAW:
        acpi_buf_append(out, a->body.data, a->body.len);
        return;
    case AML_K_OP:
        acpi_buf_append(out, a->op, a->oplen);
        acpi_buf_append(out, a->body.data, a->body.len);
        return;
    case AML_K_PKG_OP:
        acpi_buf_append(out, a->op, a->oplen);
        break;
    case AML_K_PACKAGE:
        if (a->count <= 255) {
            acpi_buf_append_byte(out, AML_PACKAGE_OP);
            acpi_buf_append_byte(&head, a->count);
        } else {
            acpi_buf_append_byte(out, AML_VAR_PACKAGE_OP);
            append_integer(&head, a->count);
        }
        break;
    case AML_K_BUFFER:
    case AML_K_RES:
        body_len += a->kind == AML_K_RES ? 2 : 0;
        acpi_buf_append_byte(out, AML_BUFFER_OP);
        append_integer(&head, body_len);
        break;
    }
    append_pkglen(out, head.len + body_len);
    acpi_buf_append(out, head.data, head.len);
    acpi_buf_append(out, a->body.data, a->body.len);
    if (a->kind == AML_K_RES) {
        /* End Tag; a zero checksum means "treat as valid" (ACPI 6.4.2.9) */
        acpi_buf_append_byte(out, RES_END_TAG);
        acpi_buf_append_byte(out, 0);
    }
    acpi_buf_free(&head);
}

void aml_emit(Aml *a, AcpiBuf *out)
{
    aml_serialize(a, out);
    aml_free(a);
}

void aml_append(Aml *parent, Aml *child)
{
    if (parent->kind == AML_K_PACKAGE)
        parent->count++;
    aml_emit(child, &parent->body);
}

/* Append an argument node (consumed) to a's body; NULL is a NullName target. */
static void aml_put(Aml *a, Aml *arg)
{
    if (arg)
        aml_emit(arg, &a->body);
    else
        acpi_buf_append_byte(&a->body, AML_ZERO_OP);
}

/* ---- Data objects and names ---- */

Aml *aml_int(uint64_t v)
{
    Aml *a = aml_new(AML_K_RAW);

    append_integer(&a->body, v);
    return a;
}

Aml *aml_string(const char *fmt, ...)
{
    Aml *a = aml_new_op(AML_K_OP, AML_STRING_PREFIX);
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    acpi_buf_append(&a->body, s, strlen(s) + 1);
    free(s);
    return a;
}

static uint8_t eisa_letter(char c)
{
    assert(c >= 'A' && c <= 'Z');
    return c - '@'; /* 'A' = 1 */
}

static uint8_t hex_digit(char c)
{
    assert(isxdigit((unsigned char)c));
    return isdigit((unsigned char)c) ? c - '0' : (toupper((unsigned char)c) - 'A' + 10);
}

Aml *aml_eisaid(const char *id)
{
    Aml *a = aml_new(AML_K_RAW);
    uint16_t mfg;

    assert(strlen(id) == 7);
    /* three 5-bit letters, big-endian in the first two bytes, then the
     * four hex digits of the product number in order */
    mfg = (eisa_letter(id[0]) << 10) | (eisa_letter(id[1]) << 5) | eisa_letter(id[2]);
    acpi_buf_append_byte(&a->body, AML_DWORD_PREFIX);
    acpi_buf_append_byte(&a->body, mfg >> 8);
    acpi_buf_append_byte(&a->body, mfg & 0xff);
    acpi_buf_append_byte(&a->body, (hex_digit(id[3]) << 4) | hex_digit(id[4]));
    acpi_buf_append_byte(&a->body, (hex_digit(id[5]) << 4) | hex_digit(id[6]));
    return a;
}

Aml *aml_name(const char *fmt, ...)
{
    Aml *a = aml_new(AML_K_RAW);
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    aml_append_namestring(&a->body, s);
    free(s);
    return a;
}

Aml *aml_local(int n)
{
    Aml *a = aml_new(AML_K_RAW);

    assert(n >= 0 && n <= 7);
    acpi_buf_append_byte(&a->body, AML_LOCAL0_OP + n);
    return a;
}

Aml *aml_arg(int n)
{
    Aml *a = aml_new(AML_K_RAW);

    assert(n >= 0 && n <= 6);
    acpi_buf_append_byte(&a->body, AML_ARG0_OP + n);
    return a;
}

Aml *aml_buffer(const uint8_t *data, size_t len)
{
    Aml *a = aml_new(AML_K_BUFFER);

    if (data)
        acpi_buf_append(&a->body, data, len);
    else
        acpi_buf_push(&a->body, len);
    return a;
}

Aml *aml_package(void)
{
    return aml_new(AML_K_PACKAGE);
}

/* ---- Named objects and containers ---- */

Aml *aml_name_decl(const char *name, Aml *val)
{
    Aml *a = aml_new_op(AML_K_OP, AML_NAME_OP);

    aml_append_namestring(&a->body, name);
    aml_put(a, val);
    return a;
}

static Aml *aml_named_pkg(Aml *a, const char *fmt, va_list ap)
{
    char *s = vformat(fmt, ap);

    aml_append_namestring(&a->body, s);
    free(s);
    return a;
}

Aml *aml_scope(const char *fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, fmt);
    a = aml_named_pkg(aml_new_op(AML_K_PKG_OP, AML_SCOPE_OP), fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_device(const char *fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, fmt);
    a = aml_named_pkg(aml_new_ext_op(AML_K_PKG_OP, AML_EXT_DEVICE_OP), fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_method(const char *name, int nargs, AmlSerializeFlag serialized)
{
    Aml *a = aml_new_op(AML_K_PKG_OP, AML_METHOD_OP);

    assert(nargs >= 0 && nargs <= 7);
    aml_append_namestring(&a->body, name);
    acpi_buf_append_byte(&a->body, nargs | (serialized << 3)); /* SyncLevel 0 */
    return a;
}

Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset, Aml *len)
{
    Aml *a = aml_new_ext_op(AML_K_OP, AML_EXT_OP_REGION_OP);

    aml_append_namestring(&a->body, name);
    acpi_buf_append_byte(&a->body, space);
    aml_put(a, offset);
    aml_put(a, len);
    return a;
}

Aml *aml_field(const char *region, AmlAccessType acc, AmlLockRule lock, AmlUpdateRule upd)
{
    Aml *a = aml_new_ext_op(AML_K_PKG_OP, AML_EXT_FIELD_OP);

    aml_append_namestring(&a->body, region);
    acpi_buf_append_byte(&a->body, acc | (lock << 4) | (upd << 5));
    return a;
}

Aml *aml_named_field(const char *name, unsigned bits)
{
    Aml *a = aml_new(AML_K_RAW);

    append_nameseg(&a->body, name, strlen(name));
    append_field_len(&a->body, bits);
    return a;
}

Aml *aml_reserved_field(unsigned bits)
{
    Aml *a = aml_new(AML_K_RAW);

    acpi_buf_append_byte(&a->body, 0x00); /* ReservedField */
    append_field_len(&a->body, bits);
    return a;
}

Aml *aml_create_dword_field(Aml *srcbuf, Aml *byte_index, const char *name)
{
    Aml *a = aml_new_op(AML_K_OP, AML_CREATE_DWORD_FIELD_OP);

    aml_put(a, srcbuf);
    aml_put(a, byte_index);
    aml_append_namestring(&a->body, name);
    return a;
}

/* ---- Statements ---- */

Aml *aml_if(Aml *predicate)
{
    Aml *a = aml_new_op(AML_K_PKG_OP, AML_IF_OP);

    aml_put(a, predicate);
    return a;
}

Aml *aml_else(void)
{
    return aml_new_op(AML_K_PKG_OP, AML_ELSE_OP);
}

Aml *aml_while(Aml *predicate)
{
    Aml *a = aml_new_op(AML_K_PKG_OP, AML_WHILE_OP);

    aml_put(a, predicate);
    return a;
}

static Aml *aml_op1(uint8_t op, Aml *x)
{
    Aml *a = aml_new_op(AML_K_OP, op);

    aml_put(a, x);
    return a;
}

static Aml *aml_op2(uint8_t op, Aml *x, Aml *y)
{
    Aml *a = aml_op1(op, x);

    aml_put(a, y);
    return a;
}

/* op x y target */
static Aml *aml_op3(uint8_t op, Aml *x, Aml *y, Aml *target)
{
    Aml *a = aml_op2(op, x, y);

    aml_put(a, target);
    return a;
}

Aml *aml_return(Aml *val) { return aml_op1(AML_RETURN_OP, val); }
Aml *aml_store(Aml *val, Aml *target) { return aml_op2(AML_STORE_OP, val, target); }
Aml *aml_increment(Aml *target) { return aml_op1(AML_INCREMENT_OP, target); }
Aml *aml_add(Aml *a, Aml *b, Aml *t) { return aml_op3(AML_ADD_OP, a, b, t); }
Aml *aml_and(Aml *a, Aml *b, Aml *t) { return aml_op3(AML_AND_OP, a, b, t); }
Aml *aml_or(Aml *a, Aml *b, Aml *t) { return aml_op3(AML_OR_OP, a, b, t); }
Aml *aml_shiftleft(Aml *a, Aml *n, Aml *t) { return aml_op3(AML_SHIFT_LEFT_OP, a, n, t); }
Aml *aml_shiftright(Aml *a, Aml *n, Aml *t) { return aml_op3(AML_SHIFT_RIGHT_OP, a, n, t); }
Aml *aml_index(Aml *o, Aml *i, Aml *t) { return aml_op3(AML_INDEX_OP, o, i, t); }
Aml *aml_equal(Aml *a, Aml *b) { return aml_op2(AML_LEQUAL_OP, a, b); }
Aml *aml_lless(Aml *a, Aml *b) { return aml_op2(AML_LLESS_OP, a, b); }
Aml *aml_lgreater(Aml *a, Aml *b) { return aml_op2(AML_LGREATER_OP, a, b); }
Aml *aml_lnot(Aml *a) { return aml_op1(AML_LNOT_OP, a); }
Aml *aml_land(Aml *a, Aml *b) { return aml_op2(AML_LAND_OP, a, b); }
Aml *aml_lor(Aml *a, Aml *b) { return aml_op2(AML_LOR_OP, a, b); }

Aml *aml_call(const char *method, int nargs, ...)
{
    Aml *a = aml_new(AML_K_RAW);
    va_list ap;

    assert(nargs >= 0 && nargs <= 7);
    aml_append_namestring(&a->body, method);
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        aml_put(a, va_arg(ap, Aml *));
    va_end(ap);
    return a;
}

/* ---- Resource templates ---- */

Aml *aml_resource_template(void)
{
    return aml_new(AML_K_RES);
}

static Aml *res_new(uint8_t tag)
{
    Aml *a = aml_new(AML_K_RAW);

    acpi_buf_append_byte(&a->body, tag);
    return a;
}

Aml *aml_io(AmlIODecode dec, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    Aml *a = res_new(RES_IO);

    acpi_buf_append_byte(&a->body, dec);
    acpi_buf_append_int(&a->body, min, 2);
    acpi_buf_append_int(&a->body, max, 2);
    acpi_buf_append_byte(&a->body, align);
    acpi_buf_append_byte(&a->body, len);
    return a;
}

Aml *aml_irq_no_flags(uint8_t irq)
{
    Aml *a = res_new(RES_IRQ_NO_FLAGS);

    assert(irq < 16);
    acpi_buf_append_int(&a->body, 1u << irq, 2);
    return a;
}

Aml *aml_dma(uint8_t channel_mask, uint8_t flags)
{
    Aml *a = res_new(RES_DMA);

    acpi_buf_append_byte(&a->body, channel_mask);
    acpi_buf_append_byte(&a->body, flags);
    return a;
}

Aml *aml_interrupt(AmlConsumer c, AmlTrigger t, AmlPolarity p, AmlShare s, const uint32_t *irqs,
                   unsigned n)
{
    Aml *a = res_new(RES_EXT_INTERRUPT);

    assert(n >= 1 && n <= 255);
    acpi_buf_append_int(&a->body, 2 + 4 * n, 2);
    acpi_buf_append_byte(&a->body, c | (t << 1) | (p << 2) | (s << 3));
    acpi_buf_append_byte(&a->body, n);
    for (unsigned i = 0; i < n; i++)
        acpi_buf_append_int(&a->body, irqs[i], 4);
    return a;
}

Aml *aml_memory32_fixed(uint32_t base, uint32_t len, AmlReadWrite rw)
{
    Aml *a = res_new(RES_MEMORY32_FIXED);

    acpi_buf_append_int(&a->body, 9, 2);
    acpi_buf_append_byte(&a->body, rw);
    acpi_buf_append_int(&a->body, base, 4);
    acpi_buf_append_int(&a->body, len, 4);
    return a;
}

/* Address space descriptor header; the device produces the resource. */
static Aml *res_address(uint8_t tag, unsigned field_size, uint8_t rtype, AmlDecode dec,
                        AmlMinFixed minf, AmlMaxFixed maxf, uint8_t type_flags)
{
    Aml *a = res_new(tag);

    acpi_buf_append_int(&a->body, 3 + 5 * field_size, 2);
    acpi_buf_append_byte(&a->body, rtype);
    acpi_buf_append_byte(&a->body, (dec << 1) | (minf << 2) | (maxf << 3));
    acpi_buf_append_byte(&a->body, type_flags);
    return a;
}

static void res_address_fields(Aml *a, unsigned size, uint64_t gran, uint64_t min, uint64_t max,
                               uint64_t tra, uint64_t len)
{
    acpi_buf_append_int(&a->body, gran, size);
    acpi_buf_append_int(&a->body, min, size);
    acpi_buf_append_int(&a->body, max, size);
    acpi_buf_append_int(&a->body, tra, size);
    acpi_buf_append_int(&a->body, len, size);
}

Aml *aml_word_bus_number(AmlMinFixed minf, AmlMaxFixed maxf, AmlDecode dec, uint16_t gran,
                         uint16_t min, uint16_t max, uint16_t tra, uint16_t len)
{
    Aml *a = res_address(RES_WORD_ADDRESS, 2, RES_TYPE_BUS, dec, minf, maxf, 0);

    res_address_fields(a, 2, gran, min, max, tra, len);
    return a;
}

Aml *aml_word_io(AmlMinFixed minf, AmlMaxFixed maxf, AmlDecode dec, AmlIsaRanges rng,
                 uint16_t gran, uint16_t min, uint16_t max, uint16_t tra, uint16_t len)
{
    Aml *a = res_address(RES_WORD_ADDRESS, 2, RES_TYPE_IO, dec, minf, maxf, rng);

    res_address_fields(a, 2, gran, min, max, tra, len);
    return a;
}

Aml *aml_dword_memory(AmlDecode dec, AmlMinFixed minf, AmlMaxFixed maxf, AmlCacheable cache,
                      AmlReadWrite rw, uint32_t gran, uint32_t min, uint32_t max, uint32_t tra,
                      uint32_t len)
{
    Aml *a = res_address(RES_DWORD_ADDRESS, 4, RES_TYPE_MEMORY, dec, minf, maxf,
                         rw | (cache << 1));

    res_address_fields(a, 4, gran, min, max, tra, len);
    return a;
}

Aml *aml_qword_memory(AmlDecode dec, AmlMinFixed minf, AmlMaxFixed maxf, AmlCacheable cache,
                      AmlReadWrite rw, uint64_t gran, uint64_t min, uint64_t max, uint64_t tra,
                      uint64_t len)
{
    Aml *a = res_address(RES_QWORD_ADDRESS, 8, RES_TYPE_MEMORY, dec, minf, maxf,
                         rw | (cache << 1));

    res_address_fields(a, 8, gran, min, max, tra, len);
    return a;
}
