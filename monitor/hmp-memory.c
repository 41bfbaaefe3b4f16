/* SPDX-License-Identifier: MIT */
/*
 * Memory and port commands of the human monitor: x, xp, print, memsave,
 * pmemsave, sum, gva2gpa, i and o.
 *
 * "x" takes virtual (linear) addresses, translated page by page through
 * the default CPU's MMU (CPUOps.debug_translate; physical when the CPU has
 * none); "xp" takes physical addresses. The dump layout is QEMU's: the
 * address, then 8 bytes or 16 bytes of units per line, hex as 0x%0Nx,
 * octal, signed or unsigned decimal right-aligned, characters quoted, and
 * "i" disassembled with capstone in AT&T syntax. A line that cannot be
 * read prints "Cannot access memory" and ends the dump.
 * Reference: QEMU manual, "QEMU Monitor", commands x, xp, print, memsave.
 */
#include <errno.h>
#include <inttypes.h>

#include "config-host.h"
#include "kemu/machine.h"
#include "kemu/memory.h"
#include "monitor-internal.h"
#if CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

#define MON_PAGE_SIZE 4096
#define MON_DUMP_MAX (1 * MiB)  /* largest x/xp dump (QEMU has no limit) */
#define MON_INSN_MAX 15         /* longest x86 instruction */
#define MON_DISAS_MAX 65536     /* most instructions one x /i shows */

/* ---- reading guest memory ---- */

static bool mon_read_phys(uint64_t addr, void *buf, size_t len)
{
    return as_read(&as_memory, addr, buf, len) == MEMTX_OK;
}

bool mon_read_memory(uint64_t addr, void *buf, size_t len, bool physical)
{
    CPUState *cpu = mon_get_cpu();
    uint8_t *out = buf;

    if (physical || !cpu || !cpu->ops || !cpu->ops->debug_translate)
        return mon_read_phys(addr, buf, len);
    while (len) {
        size_t l = MIN(len, MON_PAGE_SIZE - (addr & (MON_PAGE_SIZE - 1)));
        hwaddr pa = cpu->ops->debug_translate(cpu, addr);

        if (pa == (hwaddr)-1 || !mon_read_phys(pa, out, l))
            return false;
        addr += l;
        out += l;
        len -= l;
    }
    return true;
}

/* ---- value formats ---- */

static void mon_print_char(Monitor *mon, unsigned c)
{
    switch (c) {
    case '\'': monitor_puts(mon, "'\\''"); return;
    case '\\': monitor_puts(mon, "'\\\\'"); return;
    case '\n': monitor_puts(mon, "'\\n'"); return;
    case '\r': monitor_puts(mon, "'\\r'"); return;
    default: break;
    }
    if (c >= 32 && c <= 126)
        monitor_printf(mon, "'%c'", c);
    else
        monitor_printf(mon, "'\\x%02x'", c & 0xff);
}

/* Digits a unit of size bytes needs in the format (QEMU's widths). */
static int mon_digits(int format, int size)
{
    switch (format) {
    case 'o': return (size * 8 + 2) / 3;
    case 'u':
    case 'd': return (size * 8 * 10 + 32) / 33;
    default: return size * 2;
    }
}

static void mon_print_unit(Monitor *mon, int format, int size, uint64_t v)
{
    int w = mon_digits(format, size);
    int64_t sv;

    switch (format) {
    case 'o':
        monitor_printf(mon, " %#*" PRIo64, w, v);
        break;
    case 'u':
        monitor_printf(mon, " %*" PRIu64, w, v);
        break;
    case 'd':
        sv = size == 8 ? (int64_t)v : (int64_t)(v << (64 - size * 8)) >> (64 - size * 8);
        monitor_printf(mon, " %*" PRId64, w, sv);
        break;
    case 'c':
        monitor_puts(mon, " ");
        mon_print_char(mon, (unsigned)v);
        break;
    default:
        monitor_printf(mon, " 0x%0*" PRIx64, w, v);
        break;
    }
}

static void mon_print_addr(Monitor *mon, uint64_t addr, bool physical)
{
    /* Virtual addresses have the target's width, physical ones 64 bits. */
    if (!physical && target_name && !strcmp(target_name, "i386"))
        monitor_printf(mon, "%08" PRIx64 ":", addr);
    else
        monitor_printf(mon, "%016" PRIx64 ":", addr);
}

/* ---- disassembly ---- */

static int mon_code_bits(void)
{
    CPUState *cpu = mon_get_cpu();

    if (cpu && cpu->ops && cpu->ops->code_bits)
        return cpu->ops->code_bits(cpu);
    return 32;
}

/* Read up to MON_INSN_MAX bytes at addr, as many as are accessible. */
static size_t mon_read_code(uint64_t addr, uint8_t *buf, bool physical)
{
    size_t n = 0;

    while (n < MON_INSN_MAX && mon_read_memory(addr + n, buf + n, 1, physical))
        n++;
    return n;
}

static void mon_print_insn(Monitor *mon, uint64_t addr, const uint8_t *code, size_t len,
                           const char *mnemonic, const char *ops)
{
    char bytes[3 * MON_INSN_MAX + 1];
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += (size_t)snprintf(bytes + n, sizeof(bytes) - n, "%02x ", code[i]);
    monitor_printf(mon, "0x%08" PRIx64 ":  %-24s %-8s %s\n", addr, bytes, mnemonic, ops);
}

#if CONFIG_CAPSTONE
static void mon_disas(Monitor *mon, uint64_t addr, int count, bool physical)
{
    int bits = mon_code_bits();
    cs_mode mode = bits == 64 ? CS_MODE_64 : bits == 16 ? CS_MODE_16 : CS_MODE_32;
    csh h;

    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        monitor_puts(mon, "Cannot disassemble: capstone failed to start\n");
        return;
    }
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    for (int i = 0; i < MIN(count, MON_DISAS_MAX); i++) {
        uint8_t code[MON_INSN_MAX];
        size_t n = mon_read_code(addr, code, physical);
        cs_insn *insn = NULL;
        char byte[16];

        if (!n) {
            monitor_printf(mon, "0x%08" PRIx64 ": Cannot access memory\n", addr);
            break;
        }
        if (cs_disasm(h, code, n, addr, 1, &insn) == 1) {
            mon_print_insn(mon, addr, code, insn->size, insn->mnemonic, insn->op_str);
            addr += insn->size;
            cs_free(insn, 1);
            continue;
        }
        snprintf(byte, sizeof(byte), "0x%02x", code[0]);
        mon_print_insn(mon, addr, code, 1, ".byte", byte);
        addr++;
    }
    cs_close(&h);
}
#else
static void mon_disas(Monitor *mon, uint64_t addr, int count, bool physical)
{
    monitor_puts(mon, "Disassembly needs capstone (libcapstone-dev), not in this build\n");
}
#endif

/* ---- x / xp ---- */

static void mon_memory_dump(Monitor *mon, const HmpFormat *f, uint64_t addr, bool physical)
{
    int size = f->size, format = f->format;
    int64_t len = (int64_t)size * f->count;
    int line = size == 1 ? 8 : 16;
    uint8_t buf[16];

    if (format == 'i') {
        mon_disas(mon, addr, f->count, physical);
        return;
    }
    if (format == 'c')
        size = 1;
    len = MIN(len, (int64_t)MON_DUMP_MAX);
    while (len > 0) {
        int l = (int)MIN(len, (int64_t)line);

        mon_print_addr(mon, addr, physical);
        if (!mon_read_memory(addr, buf, (size_t)l, physical)) {
            monitor_puts(mon, " Cannot access memory\n");
            break;
        }
        for (int i = 0; i + size <= l; i += size)
            mon_print_unit(mon, format, size, ldn_le(buf + i, (unsigned)size));
        monitor_puts(mon, "\n");
        addr += (uint64_t)l;
        len -= l;
    }
}

static void hmp_dump(Monitor *mon, HmpArgs *a, bool physical)
{
    HmpFormat f;
    int64_t addr;

    if (!hmp_arg_format(a, &f) || !hmp_arg_int(a, &addr) || !hmp_arg_end(a))
        return;
    mon_memory_dump(mon, &f, (uint64_t)addr, physical);
}

void hmp_x(Monitor *mon, HmpArgs *a)
{
    hmp_dump(mon, a, false);
}

void hmp_xp(Monitor *mon, HmpArgs *a)
{
    hmp_dump(mon, a, true);
}

void hmp_print(Monitor *mon, HmpArgs *a)
{
    HmpFormat f;
    int64_t v;

    if (!hmp_arg_format(a, &f) || !hmp_arg_int(a, &v) || !hmp_arg_end(a))
        return;
    switch (f.format) {
    case 'o': monitor_printf(mon, "%#" PRIo64, (uint64_t)v); break;
    case 'x': monitor_printf(mon, "%#" PRIx64, (uint64_t)v); break;
    case 'u': monitor_printf(mon, "%" PRIu64, (uint64_t)v); break;
    case 'c': mon_print_char(mon, (unsigned)v & 0xff); break;
    default: monitor_printf(mon, "%" PRId64, v); break;
    }
    monitor_puts(mon, "\n");
}

/* ---- memsave / pmemsave ---- */

bool mon_save_memory(uint64_t addr, int64_t len, const char *file, bool physical, Error **errp)
{
    uint64_t orig = addr;
    int64_t orig_len = len;
    uint8_t buf[1024];
    FILE *f;

    if (len < 0) {
        error_setg(errp, "Invalid parameter 'size'");
        return false;
    }
    f = fopen(file, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "Could not open '%s'", file);
        return false;
    }
    for (; len > 0; len -= (int64_t)sizeof(buf), addr += sizeof(buf)) {
        size_t l = (size_t)MIN(len, (int64_t)sizeof(buf));

        /* Physical reads of holes give all ones, as in QEMU. */
        if (!mon_read_memory(addr, buf, l, physical) && !physical) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64 " specified", orig,
                       orig_len);
            break;
        }
        if (fwrite(buf, 1, l, f) != l) {
            error_setg(errp, "An IO error has occurred");
            break;
        }
    }
    if (fclose(f) != 0 && len <= 0) {
        error_setg(errp, "An IO error has occurred");
        return false;
    }
    return len <= 0;
}

static void hmp_save(Monitor *mon, HmpArgs *a, bool physical)
{
    int64_t addr, size;
    Error *err = NULL;
    char *file = NULL;

    if (hmp_arg_int(a, &addr) && hmp_arg_int(a, &size) && (file = hmp_arg_file(a)) &&
        hmp_arg_end(a) && !mon_save_memory((uint64_t)addr, size, file, physical, &err))
        hmp_report_err(mon, err);
    free(file);
}

void hmp_memsave(Monitor *mon, HmpArgs *a)
{
    hmp_save(mon, a, false);
}

void hmp_pmemsave(Monitor *mon, HmpArgs *a)
{
    hmp_save(mon, a, true);
}

/* "sum addr size": the BSD checksum (sum(1)) of guest physical memory. */
void hmp_sum(Monitor *mon, HmpArgs *a)
{
    int64_t addr, size;
    uint16_t sum = 0;
    uint8_t buf[1024];

    if (!hmp_arg_int(a, &addr) || !hmp_arg_int(a, &size) || !hmp_arg_end(a))
        return;
    for (uint64_t off = 0; off < (uint64_t)size;) {
        size_t l = (size_t)MIN((uint64_t)size - off, (uint64_t)sizeof(buf));

        mon_read_phys((uint64_t)addr + off, buf, l);
        for (size_t i = 0; i < l; i++)
            sum = (uint16_t)(((sum >> 1) | (sum << 15)) + buf[i]);
        off += l;
    }
    monitor_printf(mon, "%05d\n", sum);
}

void hmp_gva2gpa(Monitor *mon, HmpArgs *a)
{
    CPUState *cpu = mon_get_cpu();
    int64_t addr;
    hwaddr pa;

    if (!hmp_arg_int(a, &addr) || !hmp_arg_end(a))
        return;
    if (!cpu || !cpu->ops || !cpu->ops->debug_translate) {
        monitor_puts(mon, "Error: No CPU available\n");
        return;
    }
    pa = cpu->ops->debug_translate(cpu, (uint64_t)addr);
    if (pa == (hwaddr)-1)
        monitor_puts(mon, "Unmapped\n");
    else
        monitor_printf(mon, "gpa: %#" PRIx64 "\n", pa);
}

/* ---- port I/O ---- */

/* "i /fmt port": read 1, 2 or 4 bytes (b, h, w) from an I/O port. */
void hmp_ioport_read(Monitor *mon, HmpArgs *a)
{
    HmpFormat f;
    int64_t port;
    uint64_t v;
    int size;

    if (!hmp_arg_format(a, &f) || !hmp_arg_int(a, &port) || !hmp_arg_end(a))
        return;
    size = f.size == 2 || f.size == 4 ? f.size : 1;
    port &= 0xffff;
    v = as_ld(&as_io, (hwaddr)port, (unsigned)size, NULL);
    monitor_printf(mon, "port%c[0x%04x] = 0x%0*" PRIx64 "\n", "bbwbl"[size], (unsigned)port,
                   size * 2, v);
}

void hmp_ioport_write(Monitor *mon, HmpArgs *a)
{
    HmpFormat f;
    int64_t port, val;
    int size;

    if (!hmp_arg_format(a, &f) || !hmp_arg_int(a, &port) || !hmp_arg_int(a, &val) ||
        !hmp_arg_end(a))
        return;
    size = f.size == 2 || f.size == 4 ? f.size : 1;
    as_st(&as_io, (hwaddr)port & 0xffff, (uint64_t)val, (unsigned)size, NULL);
}
