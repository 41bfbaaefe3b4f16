/* SPDX-License-Identifier: MIT */
/*
 * qtest: the line-based test protocol server.
 *
 * With "-qtest CHARDEV -machine accel=qtest" no CPU runs; a test program
 * drives the machine over the chardev, one command per line: port I/O
 * (outb/inw/...), memory access (readl/writeq/read/write/b64read/memset),
 * the virtual clock (clock_step/clock_set) and interrupt interception
 * (irq_intercept_in/out, set_irq_in). Each command gets one reply line
 * beginning with "OK" or "FAIL"; intercepted interrupt lines additionally
 * send asynchronous "IRQ raise N" / "IRQ lower N" lines whenever their
 * level changes. Reply formats follow QEMU (docs/devel/testing/qtest.rst,
 * the "QTest Protocol" section): port reads "OK 0x%04x", memory reads
 * "OK 0x%016x", clock commands "OK <ns>". Where QEMU asserts on a malformed
 * command, this server replies "FAIL <reason>" instead.
 * Traffic is logged with -d trace.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

#include "kemu/device.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"
#include "kemu/memory.h"
#include "kemu/qtest.h"
#include "kemu/timer.h"

#define QTEST_MAX_IRQ 256
#define QTEST_MAX_ARGS 16
#define QTEST_MAX_XFER (64 * MiB) /* largest read/write/memset accepted */

bool qtest_enabled;

typedef struct QtestExtCmd {
    const char *name;
    QtestCmdFn *fn;
} QtestExtCmd;

/* An intercepted line: where the original handler went. */
typedef struct QtestIrqHook {
    IrqHandler *handler; /* intercept_in: the pin's original handler */
    void *opaque;
    IrqLine *old_out;    /* intercept_out: the line the output drove before */
} QtestIrqHook;

static struct {
    Chardev *chr;
    char *inbuf;           /* bytes received, not yet a full line */
    size_t inlen, incap;
    int irq_levels[QTEST_MAX_IRQ];
    Device *intercept_dev; /* only one device may be intercepted (like QEMU) */
    QtestExtCmd *ext;
    unsigned nr_ext;
    int64_t start_ns;      /* host time the server started, for the log */
} qt;

/* ---- output ---- */

static void qtest_send(const char *str)
{
    size_t len = strlen(str);

    if (log_enabled(LOG_TRACE))
        log_printf("[S +%.6f] %s", (host_clock_ns() - qt.start_ns) / 1e9, str);
    if (qt.chr)
        chr_write(qt.chr, (const uint8_t *)str, (int)len);
}

static void KEMU_PRINTF(1, 0) qtest_vsendf(const char *fmt, va_list ap)
{
    char *buf;

    if (vasprintf(&buf, fmt, ap) < 0)
        return;
    qtest_send(buf);
    free(buf);
}

static void KEMU_PRINTF(1, 2) qtest_sendf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vsendf(fmt, ap);
    va_end(ap);
}

void qtest_reply(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vsendf(fmt, ap);
    va_end(ap);
}

/* ---- argument parsing ---- */

/* Parse an unsigned integer (strtoull base 0); false on junk or overflow. */
static bool qtest_parse_u64(const char *str, uint64_t *val)
{
    char *end;

    if (!str || !*str || *str == '-')
        return false;
    errno = 0;
    *val = strtoull(str, &end, 0);
    return errno == 0 && *end == '\0';
}

static bool qtest_parse_i64(const char *str, int64_t *val)
{
    char *end;

    if (!str || !*str)
        return false;
    errno = 0;
    *val = strtoll(str, &end, 0);
    return errno == 0 && *end == '\0';
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- base64 (RFC 4648, standard alphabet, '=' padding) ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *data, size_t len)
{
    char *out = xmalloc((len + 2) / 3 * 4 + 1);
    char *p = out;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        *p++ = b64_alphabet[(v >> 18) & 63];
        *p++ = b64_alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        *p++ = i + 2 < len ? b64_alphabet[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;

    return p ? (int)(p - b64_alphabet) : -1;
}

/* Decode into out (room for at most max bytes); returns the decoded length.
 * Characters outside the alphabet (padding, whitespace) are skipped. */
static size_t b64_decode(const char *str, uint8_t *out, size_t max)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;

    for (; *str; str++) {
        int v = b64_value(*str);
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < max)
                out[n] = (uint8_t)(acc >> bits);
            n++;
        }
    }
    return n;
}

/* ---- interrupt interception ---- */

static void qtest_irq_report(int n, int level)
{
    if (n < 0 || n >= QTEST_MAX_IRQ || qt.irq_levels[n] == level)
        return;
    qt.irq_levels[n] = level;
    qtest_sendf("IRQ %s %d\n", level ? "raise" : "lower", n);
}

static void qtest_irq_in_handler(void *opaque, int n, int level)
{
    QtestIrqHook *hook = opaque;

    hook->handler(hook->opaque, n, level);
    qtest_irq_report(n, level);
}

static void qtest_irq_out_handler(void *opaque, int n, int level)
{
    QtestIrqHook *hook = opaque;

    irq_set(hook->old_out, level);
    qtest_irq_report(n, level);
}

/* Names QEMU tests use for devices whose kemu class name differs. */
static const struct {
    const char *alias;
    const char *cls;
} qtest_dev_aliases[] = {
    { "pic", "i8259" },
    { "isa-i8259", "i8259" },
    { "pit", "i8254" },
    { "isa-pit", "i8254" },
    { "rtc", "mc146818rtc" },
    { "lapic", "apic" },
};

/* Resolve a QOM-like path: its last component, without a "[N]" suffix,
 * names a device id, then a class name, then an alias. */
static Device *qtest_find_device(const char *path)
{
    const char *base = strrchr(path, '/');
    char name[128];
    Device *dev;

    base = base ? base + 1 : path;
    snprintf(name, sizeof(name), "%s", base);
    if ((dev = device_find_by_id(name)) || (dev = device_find_by_class(name)))
        return dev;
    name[strcspn(name, "[")] = '\0';
    if ((dev = device_find_by_id(name)) || (dev = device_find_by_class(name)))
        return dev;
    for (size_t i = 0; i < ARRAY_SIZE(qtest_dev_aliases); i++) {
        if (strcmp(name, qtest_dev_aliases[i].alias) == 0 &&
            (dev = device_find_by_class(qtest_dev_aliases[i].cls)))
            return dev;
    }
    return NULL;
}

static bool qtest_intercept_in(Device *dev)
{
    for (int i = 0; i < dev->nr_gpio_in; i++) {
        IrqLine *line = dev->gpio_in[i];
        QtestIrqHook *hook = XNEW0(QtestIrqHook);

        hook->handler = line->handler;
        hook->opaque = line->opaque;
        line->handler = qtest_irq_in_handler;
        line->opaque = hook;
    }
    return dev->nr_gpio_in > 0;
}

static bool qtest_intercept_out(Device *dev)
{
    for (int i = 0; i < dev->nr_gpio_out; i++) {
        IrqLine **field = dev->gpio_out[i];
        QtestIrqHook *hook = XNEW0(QtestIrqHook);

        hook->old_out = *field;
        *field = irq_new(qtest_irq_out_handler, hook, i);
    }
    return dev->nr_gpio_out > 0;
}

static void cmd_irq_intercept(int argc, char **argv)
{
    bool out = strcmp(argv[0], "irq_intercept_out") == 0;
    Device *dev;

    if (argc < 2) {
        qtest_send("FAIL missing argument\n");
        return;
    }
    dev = qtest_find_device(argv[1]);
    if (!dev) {
        qtest_send("FAIL Unknown device\n");
        return;
    }
    /* kemu devices have only unnamed pins; accept QEMU's sysbus name. */
    if (argc > 2 && (!out || strcmp(argv[2], "sysbus-irq") != 0)) {
        qtest_send(out ? "FAIL No intercepts installed\n"
                       : "FAIL Interception of named in-GPIOs not yet supported\n");
        return;
    }
    if (qt.intercept_dev) {
        qtest_send(qt.intercept_dev == dev ? "OK\n" : "FAIL IRQ intercept already enabled\n");
        return;
    }
    if (!(out ? qtest_intercept_out(dev) : qtest_intercept_in(dev))) {
        qtest_send("FAIL No intercepts installed\n");
        return;
    }
    qt.intercept_dev = dev;
    qtest_send("OK\n");
}

static void cmd_set_irq_in(int argc, char **argv)
{
    Device *dev;
    int64_t num, level;

    if (argc < 5 || !qtest_parse_i64(argv[3], &num) || !qtest_parse_i64(argv[4], &level)) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    dev = qtest_find_device(argv[1]);
    if (!dev) {
        qtest_send("FAIL Unknown device\n");
        return;
    }
    if (strcmp(argv[2], "unnamed-gpio-in") != 0 || num < 0 || num >= dev->nr_gpio_in) {
        qtest_send("FAIL Unknown gpio\n");
        return;
    }
    irq_set(dev->gpio_in[num], (int)level);
    qtest_send("OK\n");
}

/* ---- port and memory access ---- */

static unsigned qtest_size_suffix(char c)
{
    switch (c) {
    case 'b': return 1;
    case 'w': return 2;
    case 'l': return 4;
    case 'q': return 8;
    default: return 0;
    }
}

static void cmd_out(int argc, char **argv)
{
    unsigned size = qtest_size_suffix(argv[0][3]);
    uint64_t addr, val;

    if (argc < 3 || !qtest_parse_u64(argv[1], &addr) || !qtest_parse_u64(argv[2], &val) ||
        addr > 0xffff) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    if (size < 8)
        val &= (1ULL << (size * 8)) - 1;
    as_st(&as_io, addr, val, size, NULL);
    qtest_send("OK\n");
}

static void cmd_in(int argc, char **argv)
{
    unsigned size = qtest_size_suffix(argv[0][2]);
    uint64_t addr;
    uint32_t val;

    if (argc < 2 || !qtest_parse_u64(argv[1], &addr) || addr > 0xffff) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    val = (uint32_t)as_ld(&as_io, addr, size, NULL);
    qtest_sendf("OK 0x%04x\n", val);
}

static void cmd_write_n(int argc, char **argv)
{
    unsigned size = qtest_size_suffix(argv[0][5]);
    uint64_t addr, val;

    if (argc < 3 || !qtest_parse_u64(argv[1], &addr) || !qtest_parse_u64(argv[2], &val)) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    if (size < 8)
        val &= (1ULL << (size * 8)) - 1;
    as_st(&as_memory, addr, val, size, NULL);
    qtest_send("OK\n");
}

static void cmd_read_n(int argc, char **argv)
{
    unsigned size = qtest_size_suffix(argv[0][4]);
    uint64_t addr, val;

    if (argc < 2 || !qtest_parse_u64(argv[1], &addr)) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    val = as_ld(&as_memory, addr, size, NULL);
    qtest_sendf("OK 0x%016" PRIx64 "\n", val);
}

/* Parse "ADDR SIZE" for the block commands; size 0 allowed if zero_ok. */
static bool qtest_parse_block(int argc, char **argv, int need, bool zero_ok, uint64_t *addr,
                              uint64_t *len)
{
    if (argc < need || !qtest_parse_u64(argv[1], addr) || !qtest_parse_u64(argv[2], len)) {
        qtest_send("FAIL bad arguments\n");
        return false;
    }
    if ((!zero_ok && *len == 0) || *len > QTEST_MAX_XFER) {
        qtest_send("FAIL invalid size\n");
        return false;
    }
    return true;
}

static void cmd_read(int argc, char **argv)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t addr, len;
    uint8_t *data;
    char *enc;

    if (!qtest_parse_block(argc, argv, 3, false, &addr, &len))
        return;
    data = xmalloc(len);
    as_read(&as_memory, addr, data, len);
    enc = xmalloc(len * 2 + 1);
    for (uint64_t i = 0; i < len; i++) {
        enc[i * 2] = hex[data[i] >> 4];
        enc[i * 2 + 1] = hex[data[i] & 15];
    }
    enc[len * 2] = '\0';
    qtest_sendf("OK 0x%s\n", enc);
    free(enc);
    free(data);
}

static void cmd_write(int argc, char **argv)
{
    uint64_t addr, len;
    size_t dlen;
    uint8_t *data;

    if (!qtest_parse_block(argc, argv, 4, true, &addr, &len))
        return;
    dlen = strlen(argv[3]);
    if (dlen < 3 || argv[3][0] != '0' || (argv[3][1] | 0x20) != 'x') {
        qtest_send("ERR invalid argument size\n");
        return;
    }
    /* DATA shorter than SIZE is zero-filled at the end. */
    data = xzalloc(len ? len : 1);
    for (uint64_t i = 0; i < len && i * 2 + 4 <= dlen; i++) {
        int hi = hex_nibble(argv[3][i * 2 + 2]), lo = hex_nibble(argv[3][i * 2 + 3]);
        if (hi < 0 || lo < 0) {
            free(data);
            qtest_send("FAIL invalid hex data\n");
            return;
        }
        data[i] = (uint8_t)(hi << 4 | lo);
    }
    as_write(&as_memory, addr, data, len);
    free(data);
    qtest_send("OK\n");
}

static void cmd_b64read(int argc, char **argv)
{
    uint64_t addr, len;
    uint8_t *data;
    char *enc;

    if (!qtest_parse_block(argc, argv, 3, true, &addr, &len))
        return;
    data = xmalloc(len ? len : 1);
    as_read(&as_memory, addr, data, len);
    enc = b64_encode(data, len);
    qtest_sendf("OK %s\n", enc);
    free(enc);
    free(data);
}

static void cmd_b64write(int argc, char **argv)
{
    uint64_t addr, len;
    uint8_t *data;
    size_t got;

    if (!qtest_parse_block(argc, argv, 4, true, &addr, &len))
        return;
    if (strlen(argv[3]) < 3) {
        qtest_send("ERR invalid argument size\n");
        return;
    }
    /* Like QEMU: a short payload is zero-filled, a long one truncated. */
    data = xzalloc(len ? len : 1);
    got = b64_decode(argv[3], data, len);
    if (got != len && log_enabled(LOG_TRACE))
        log_printf("qtest: b64write: data length mismatch (told %" PRIu64 ", found %zu)\n", len,
                   got);
    as_write(&as_memory, addr, data, len);
    free(data);
    qtest_send("OK\n");
}

static void cmd_memset(int argc, char **argv)
{
    uint64_t addr, len, pattern;
    uint8_t *data;

    if (!qtest_parse_block(argc, argv, 4, true, &addr, &len))
        return;
    if (!qtest_parse_u64(argv[3], &pattern)) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    if (len) {
        data = xmalloc(len);
        memset(data, (int)(pattern & 0xff), len);
        as_write(&as_memory, addr, data, len);
        free(data);
    }
    qtest_send("OK\n");
}

/* ---- clock ---- */

static void cmd_clock_step(int argc, char **argv)
{
    int64_t old_ns = vclock_get_ns(), ns;

    if (argc > 1) {
        if (!qtest_parse_i64(argv[1], &ns) || ns < 0) {
            qtest_send("FAIL bad arguments\n");
            return;
        }
    } else {
        int64_t deadline = timers_next_deadline();
        if (deadline == INT64_MAX) {
            qtest_send("FAIL cannot advance clock to the next deadline "
                       "because there is no pending deadline\n");
            return;
        }
        ns = deadline > old_ns ? deadline - old_ns : 0;
    }
    vclock_step(ns);
    timers_run_expired();
    if (vclock_get_ns() > old_ns || (argc == 1 && ns == 0))
        qtest_sendf("OK %" PRIi64 "\n", vclock_get_ns());
    else
        qtest_send("FAIL could not advance time\n");
}

static void cmd_clock_set(int argc, char **argv)
{
    int64_t ns, now;

    if (argc < 2 || !qtest_parse_i64(argv[1], &ns)) {
        qtest_send("FAIL bad arguments\n");
        return;
    }
    if (ns > vclock_get_ns())
        vclock_set(ns);
    timers_run_expired();
    now = vclock_get_ns();
    qtest_sendf("%s %" PRIi64 "\n", now == ns ? "OK" : "FAIL", now);
}

static void cmd_endianness(int argc, char **argv)
{
    qtest_send("OK little\n");
}

/* ---- dispatch ---- */

static const struct {
    const char *name;
    QtestCmdFn *fn;
} qtest_cmds[] = {
    { "outb", cmd_out },           { "outw", cmd_out },
    { "outl", cmd_out },           { "inb", cmd_in },
    { "inw", cmd_in },             { "inl", cmd_in },
    { "writeb", cmd_write_n },     { "writew", cmd_write_n },
    { "writel", cmd_write_n },     { "writeq", cmd_write_n },
    { "readb", cmd_read_n },       { "readw", cmd_read_n },
    { "readl", cmd_read_n },       { "readq", cmd_read_n },
    { "read", cmd_read },          { "write", cmd_write },
    { "b64read", cmd_b64read },    { "b64write", cmd_b64write },
    { "memset", cmd_memset },      { "clock_step", cmd_clock_step },
    { "clock_set", cmd_clock_set }, { "endianness", cmd_endianness },
    { "irq_intercept_in", cmd_irq_intercept },
    { "irq_intercept_out", cmd_irq_intercept },
    { "set_irq_in", cmd_set_irq_in },
};

void qtest_register_command(const char *name, QtestCmdFn *fn)
{
    qt.ext = xrealloc(qt.ext, sizeof(*qt.ext) * (qt.nr_ext + 1));
    qt.ext[qt.nr_ext].name = name;
    qt.ext[qt.nr_ext].fn = fn;
    qt.nr_ext++;
}

static QtestCmdFn *qtest_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(qtest_cmds); i++) {
        if (strcmp(qtest_cmds[i].name, name) == 0)
            return qtest_cmds[i].fn;
    }
    for (unsigned i = 0; i < qt.nr_ext; i++) {
        if (strcmp(qt.ext[i].name, name) == 0)
            return qt.ext[i].fn;
    }
    return NULL;
}

/* Split line in place into at most QTEST_MAX_ARGS words. */
static int qtest_split(char *line, char **argv)
{
    int argc = 0;
    char *p = line;

    while (argc < QTEST_MAX_ARGS) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (*p)
            *p++ = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

static void qtest_process_line(char *line)
{
    char *argv[QTEST_MAX_ARGS + 1];
    int argc;
    QtestCmdFn *fn;

    if (log_enabled(LOG_TRACE))
        log_printf("[R +%.6f] %s\n", (host_clock_ns() - qt.start_ns) / 1e9, line);
    argc = qtest_split(line, argv);
    if (argc == 0) {
        qtest_send("FAIL Unknown command ''\n");
        return;
    }
    fn = qtest_lookup(argv[0]);
    if (fn)
        fn(argc, argv);
    else
        qtest_sendf("FAIL Unknown command '%s'\n", argv[0]);
}

/* Run every complete line in the input buffer, keep the remainder. */
static void qtest_process_input(void)
{
    size_t start = 0;

    for (size_t i = 0; i < qt.inlen; i++) {
        if (qt.inbuf[i] != '\n')
            continue;
        qt.inbuf[i] = '\0';
        qtest_process_line(qt.inbuf + start);
        start = i + 1;
    }
    memmove(qt.inbuf, qt.inbuf + start, qt.inlen - start);
    qt.inlen -= start;
}

static int qtest_can_read(void *opaque)
{
    return 4096;
}

static void qtest_read(void *opaque, const uint8_t *buf, int len)
{
    if (len <= 0)
        return;
    if (qt.inlen + (size_t)len + 1 > qt.incap) {
        qt.incap = MAX(qt.incap * 2, qt.inlen + (size_t)len + 1);
        qt.inbuf = xrealloc(qt.inbuf, qt.incap);
    }
    memcpy(qt.inbuf + qt.inlen, buf, (size_t)len);
    qt.inlen += (size_t)len;
    qtest_process_input();
}

static void qtest_event(void *opaque, ChrEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        memset(qt.irq_levels, 0, sizeof(qt.irq_levels));
        qt.start_ns = host_clock_ns();
        log_mask_printf(LOG_TRACE, "[I +0.000000] OPENED\n");
        break;
    case CHR_EVENT_CLOSED:
        log_mask_printf(LOG_TRACE, "[I +%.6f] CLOSED\n", (host_clock_ns() - qt.start_ns) / 1e9);
        /* Nobody can talk to us any more: leave (QEMU's tests kill it). */
        if (!qemu_shutdown_pending())
            qemu_system_shutdown_request(SHUTDOWN_HOST_QUIT, 0);
        break;
    default:
        break;
    }
}

void qtest_server_init(Chardev *chr)
{
    qtest_enabled = true;
    if (vclock_mode() != VCLOCK_MANUAL)
        vclock_set_mode(VCLOCK_MANUAL, 0);
    qt.chr = chr;
    qt.start_ns = host_clock_ns();
    chr_set_handlers(chr, qtest_can_read, qtest_read, qtest_event, NULL);
}
