/* SPDX-License-Identifier: MIT */
/*
 * libqtest: the client side of the qtest protocol (see libqtest.h).
 *
 * kemu runs as a child process whose stdin/stdout are pipes carrying the
 * protocol ("-qtest stdio"); its stderr is the test's. Replies are read
 * line by line with a timeout; "IRQ raise/lower N" lines can arrive before
 * any reply and update the tracked line levels. Reference: QEMU
 * tests/qtest/libqtest.c (API and IRQ tracking), docs/devel/testing/qtest.rst.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "libqtest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef KEMU_BIN_DEFAULT
#define KEMU_BIN_DEFAULT "kemu-system-x86_64"
#endif

#define QTEST_MAX_IRQ 256
#define QTEST_TIMEOUT_MS 30000

struct QTestState {
    pid_t pid;
    int fd_out;               /* to kemu's stdin */
    int fd_in;                /* from kemu's stdout */
    char *buf;                /* received, not yet consumed */
    size_t len, cap;
    bool irq_level[QTEST_MAX_IRQ];
    unsigned irq_raises[QTEST_MAX_IRQ];
    int exit_status;          /* once reaped, else -1 */
    bool reaped;
};

QTestState *global_qtest;

static void qtest_bail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void qtest_bail(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    printf("Bail out! ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (global_qtest && !global_qtest->reaped)
        kill(global_qtest->pid, SIGKILL);
    exit(1);
}

static void *qt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        qtest_bail("out of memory");
    return p;
}

const char *qtest_binary(void)
{
    const char *bin = getenv("KEMU_BIN");

    return bin && *bin ? bin : KEMU_BIN_DEFAULT;
}

bool qtest_is_qemu(void)
{
    const char *bin = qtest_binary(), *base = strrchr(bin, '/');

    return strncmp(base ? base + 1 : bin, "qemu", 4) == 0;
}

bool qtest_has_machine(const char *name)
{
    char *cmd, line[512];
    bool found = false;
    FILE *p;

    if (asprintf(&cmd, "%s -M help 2>/dev/null", qtest_binary()) < 0)
        qtest_bail("out of memory");
    p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return false;
    while (fgets(line, sizeof(line), p)) {
        size_t n = strlen(name);
        if (strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '\n'))
            found = true;
    }
    pclose(p);
    return found;
}

const char *qtest_isa_machine(void)
{
    static const char *args;
    const char *env = getenv("KEMU_QTEST_MACHINE");

    if (env && *env)
        return env;
    if (!args)
        args = qtest_has_machine("pc") ? "-M pc -nodefaults" : "-M none";
    return args;
}

static int qtest_timeout_ms(void)
{
    const char *t = getenv("KEMU_QTEST_TIMEOUT");

    return t && atoi(t) > 0 ? atoi(t) * 1000 : QTEST_TIMEOUT_MS;
}

/* ---- process ---- */

static void qtest_child(int in_fd, int out_fd, const char *cmdline)
{
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execl("/bin/sh", "sh", "-c", cmdline, (char *)NULL);
    _exit(127);
}

QTestState *qtest_init(const char *extra_args)
{
    int to_child[2], from_child[2];
    QTestState *s = calloc(1, sizeof(*s));
    char *cmdline;
    const char *base = qtest_is_qemu()
                           ? "-qtest stdio -S -display none -qtest-log /dev/null"
                           : "-qtest stdio -machine accel=qtest -display none";

    if (!s || pipe2(to_child, O_CLOEXEC) < 0 || pipe2(from_child, O_CLOEXEC) < 0)
        qtest_bail("qtest_init: %s", strerror(errno));
    if (asprintf(&cmdline, "exec %s %s %s", qtest_binary(), base, extra_args ? extra_args : "") < 0)
        qtest_bail("out of memory");
    signal(SIGPIPE, SIG_IGN);
    fflush(stdout);
    s->pid = fork();
    if (s->pid < 0)
        qtest_bail("fork: %s", strerror(errno));
    if (s->pid == 0)
        qtest_child(to_child[0], from_child[1], cmdline);
    close(to_child[0]);
    close(from_child[1]);
    s->fd_out = to_child[1];
    s->fd_in = from_child[0];
    s->exit_status = -1;
    if (getenv("KEMU_QTEST_VERBOSE"))
        fprintf(stderr, "# qtest: %s\n", cmdline);
    free(cmdline);
    return s;
}

QTestState *qtest_start(const char *extra_args)
{
    global_qtest = qtest_init(extra_args);
    return global_qtest;
}

static bool qtest_reap(QTestState *s, bool block)
{
    int status;
    pid_t r;

    if (s->reaped)
        return true;
    do {
        r = waitpid(s->pid, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r != s->pid)
        return false;
    s->reaped = true;
    s->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

int qtest_wait_exit(QTestState *s, int timeout_ms)
{
    for (int waited = 0; !qtest_reap(s, false); waited += 5) {
        if (waited >= timeout_ms)
            return -1;
        usleep(5000);
    }
    return s->exit_status;
}

void qtest_quit(QTestState *s)
{
    if (!s)
        return;
    if (s->fd_out >= 0)
        close(s->fd_out);
    s->fd_out = -1;
    if (qtest_wait_exit(s, 2000) < 0) {
        kill(s->pid, SIGTERM);
        if (qtest_wait_exit(s, 2000) < 0) {
            kill(s->pid, SIGKILL);
            qtest_reap(s, true);
        }
    }
    close(s->fd_in);
    if (global_qtest == s)
        global_qtest = NULL;
    free(s->buf);
    free(s);
}

void qtest_end(void)
{
    qtest_quit(global_qtest);
}

/* ---- line I/O ---- */

static void qtest_send_line(QTestState *s, const char *line)
{
    size_t len = strlen(line), off = 0;

    if (getenv("KEMU_QTEST_VERBOSE"))
        fprintf(stderr, "# > %s", line);
    while (off < len) {
        ssize_t n = write(s->fd_out, line + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            qtest_bail("qtest: write to kemu failed: %s", strerror(errno));
        off += (size_t)n;
    }
}

/* Read one line (malloc'd, no newline) or NULL on EOF. */
static char *qtest_read_line(QTestState *s)
{
    for (;;) {
        char *nl = s->len ? memchr(s->buf, '\n', s->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - s->buf);
            char *line = qt_xmalloc(n + 1);
            memcpy(line, s->buf, n);
            line[n] = '\0';
            memmove(s->buf, nl + 1, s->len - n - 1);
            s->len -= n + 1;
            if (getenv("KEMU_QTEST_VERBOSE"))
                fprintf(stderr, "# < %s\n", line);
            return line;
        }
        if (s->len + 4096 > s->cap) {
            s->cap = s->cap * 2 + 4096;
            s->buf = realloc(s->buf, s->cap);
            if (!s->buf)
                qtest_bail("out of memory");
        }
        struct pollfd pfd = { .fd = s->fd_in, .events = POLLIN };
        int r = poll(&pfd, 1, qtest_timeout_ms());
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            qtest_bail("qtest: no reply from kemu within %d s", qtest_timeout_ms() / 1000);
        ssize_t got = read(s->fd_in, s->buf + s->len, s->cap - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return NULL;
        s->len += (size_t)got;
    }
}

/* Handle "IRQ raise N" / "IRQ lower N"; true if line was one. */
static bool qtest_async_line(QTestState *s, const char *line)
{
    char what[8];
    int n;

    if (strncmp(line, "IRQ ", 4) != 0)
        return false;
    if (sscanf(line + 4, "%7s %d", what, &n) == 2 && n >= 0 && n < QTEST_MAX_IRQ) {
        bool raise = strcmp(what, "raise") == 0;
        s->irq_level[n] = raise;
        if (raise)
            s->irq_raises[n]++;
    }
    return true;
}

static char *qtest_reply(QTestState *s)
{
    for (;;) {
        char *line = qtest_read_line(s);
        if (!line || !qtest_async_line(s, line))
            return line;
        free(line);
    }
}

static char *qtest_vcmd(QTestState *s, const char *fmt, va_list ap)
{
    char *cmd, *line;

    if (vasprintf(&cmd, fmt, ap) < 0)
        qtest_bail("out of memory");
    line = qt_xmalloc(strlen(cmd) + 2);
    sprintf(line, "%s\n", cmd);
    qtest_send_line(s, line);
    free(line);
    free(cmd);
    return qtest_reply(s);
}

char *qtest_cmd(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = qtest_vcmd(s, fmt, ap);
    va_end(ap);
    return r;
}

void qtest_send_nowait(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *cmd, *line;

    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        qtest_bail("out of memory");
    va_end(ap);
    line = qt_xmalloc(strlen(cmd) + 2);
    sprintf(line, "%s\n", cmd);
    qtest_send_line(s, line);
    free(line);
    free(cmd);
}

/* Run a command that must succeed; returns the text after "OK" (malloc'd,
 * possibly empty). */
static char * __attribute__((format(printf, 2, 3))) qtest_ok(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *cmd, *r, *rest;

    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        qtest_bail("out of memory");
    va_end(ap);
    r = qtest_cmd(s, "%s", cmd);
    if (!r)
        qtest_bail("qtest: kemu exited (command '%s')", cmd);
    if (strncmp(r, "OK", 2) != 0 || (r[2] != '\0' && r[2] != ' '))
        qtest_bail("qtest: unexpected reply '%s' (command '%s')", r, cmd);
    rest = strdup(r[2] ? r + 3 : "");
    free(r);
    free(cmd);
    return rest;
}

static uint64_t qtest_ok_u64(QTestState *s, const char *cmd, uint64_t arg)
{
    char *r = qtest_ok(s, "%s 0x%" PRIx64, cmd, arg), *end;
    uint64_t v;

    errno = 0;
    v = strtoull(r, &end, 0);
    if (errno || end == r || *end)
        qtest_bail("qtest: bad value '%s' for %s", r, cmd);
    free(r);
    return v;
}

/* ---- commands ---- */

static void qtest_out(QTestState *s, const char *cmd, uint16_t port, uint32_t val)
{
    free(qtest_ok(s, "%s 0x%x 0x%x", cmd, port, val));
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t val) { qtest_out(s, "outb", port, val); }
void qtest_outw(QTestState *s, uint16_t port, uint16_t val) { qtest_out(s, "outw", port, val); }
void qtest_outl(QTestState *s, uint16_t port, uint32_t val) { qtest_out(s, "outl", port, val); }
uint8_t qtest_inb(QTestState *s, uint16_t port) { return (uint8_t)qtest_ok_u64(s, "inb", port); }
uint16_t qtest_inw(QTestState *s, uint16_t port) { return (uint16_t)qtest_ok_u64(s, "inw", port); }
uint32_t qtest_inl(QTestState *s, uint16_t port) { return (uint32_t)qtest_ok_u64(s, "inl", port); }

static void qtest_write_n(QTestState *s, const char *cmd, uint64_t addr, uint64_t val)
{
    free(qtest_ok(s, "%s 0x%" PRIx64 " 0x%" PRIx64, cmd, addr, val));
}

void qtest_writeb(QTestState *s, uint64_t a, uint8_t v) { qtest_write_n(s, "writeb", a, v); }
void qtest_writew(QTestState *s, uint64_t a, uint16_t v) { qtest_write_n(s, "writew", a, v); }
void qtest_writel(QTestState *s, uint64_t a, uint32_t v) { qtest_write_n(s, "writel", a, v); }
void qtest_writeq(QTestState *s, uint64_t a, uint64_t v) { qtest_write_n(s, "writeq", a, v); }
uint8_t qtest_readb(QTestState *s, uint64_t a) { return (uint8_t)qtest_ok_u64(s, "readb", a); }
uint16_t qtest_readw(QTestState *s, uint64_t a) { return (uint16_t)qtest_ok_u64(s, "readw", a); }
uint32_t qtest_readl(QTestState *s, uint64_t a) { return (uint32_t)qtest_ok_u64(s, "readl", a); }
uint64_t qtest_readq(QTestState *s, uint64_t a) { return qtest_ok_u64(s, "readq", a); }

static int qt_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    char *r;
    uint8_t *out = data;

    if (size == 0)
        return;
    r = qtest_ok(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    if (strncmp(r, "0x", 2) != 0 || strlen(r) != 2 + size * 2)
        qtest_bail("qtest: bad read reply '%.40s'", r);
    for (size_t i = 0; i < size; i++) {
        int hi = qt_hexval(r[2 + i * 2]), lo = qt_hexval(r[3 + i * 2]);
        if (hi < 0 || lo < 0)
            qtest_bail("qtest: bad hex in read reply");
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    free(r);
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data, size_t size)
{
    const uint8_t *in = data;
    char *hex = qt_xmalloc(size * 2 + 1);

    for (size_t i = 0; i < size; i++)
        sprintf(hex + i * 2, "%02x", in[i]);
    hex[size * 2] = '\0';
    free(qtest_ok(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size, size ? hex : "0"));
    free(hex);
}

static const char qt_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data, size_t size)
{
    const uint8_t *in = data;
    char *enc = qt_xmalloc((size + 2) / 3 * 4 + 1), *p = enc;

    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < size ? in[i + 1] << 8 : 0) |
                     (i + 2 < size ? in[i + 2] : 0);
        *p++ = qt_b64[v >> 18 & 63];
        *p++ = qt_b64[v >> 12 & 63];
        *p++ = i + 1 < size ? qt_b64[v >> 6 & 63] : '=';
        *p++ = i + 2 < size ? qt_b64[v & 63] : '=';
    }
    *p = '\0';
    free(qtest_ok(s, "b64write 0x%" PRIx64 " 0x%zx %s", addr, size, enc));
    free(enc);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    char *r = qtest_ok(s, "b64read 0x%" PRIx64 " 0x%zx", addr, size);
    uint8_t *out = data;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;

    for (const char *c = r; *c && *c != '='; c++) {
        const char *pos = strchr(qt_b64, *c);
        if (!pos)
            qtest_bail("qtest: bad base64 reply");
        acc = acc << 6 | (uint32_t)(pos - qt_b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < size)
                out[n] = (uint8_t)(acc >> bits);
            n++;
        }
    }
    if (n != size)
        qtest_bail("qtest: b64read returned %zu bytes, wanted %zu", n, size);
    free(r);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    free(qtest_ok(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, size, pattern));
}

static int64_t qtest_clock_reply(char *r)
{
    int64_t v = strtoll(r, NULL, 0);

    free(r);
    return v;
}

int64_t qtest_clock_step(QTestState *s, int64_t ns)
{
    return qtest_clock_reply(qtest_ok(s, "clock_step %" PRIi64, ns));
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return qtest_clock_reply(qtest_ok(s, "clock_step"));
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    return qtest_clock_reply(qtest_ok(s, "clock_set %" PRIi64, ns));
}

void qtest_irq_intercept_in(QTestState *s, const char *path)
{
    free(qtest_ok(s, "irq_intercept_in %s", path));
}

void qtest_irq_intercept_out(QTestState *s, const char *path)
{
    free(qtest_ok(s, "irq_intercept_out %s", path));
}

void qtest_set_irq_in(QTestState *s, const char *path, const char *name, int num, int level)
{
    free(qtest_ok(s, "set_irq_in %s %s %d %d", path, name, num, level));
}

bool qtest_get_irq(QTestState *s, int n)
{
    if (n < 0 || n >= QTEST_MAX_IRQ)
        qtest_bail("qtest_get_irq: line %d out of range", n);
    /* A side-effect-free round trip flushes the IRQ messages before it. */
    free(qtest_ok(s, "endianness"));
    return s->irq_level[n];
}

unsigned qtest_irq_raise_count(QTestState *s, int n)
{
    qtest_get_irq(s, n);
    return s->irq_raises[n];
}

/* ---- files ---- */

static char **qt_tmpfiles;
static size_t qt_nr_tmpfiles;

static void qt_tmpfiles_cleanup(void)
{
    for (size_t i = 0; i < qt_nr_tmpfiles; i++)
        unlink(qt_tmpfiles[i]);
}

char *qtest_tmpfile(const char *tag)
{
    const char *dir = getenv("TMPDIR");
    char *path;
    int fd;

    if (asprintf(&path, "%s/kemu-qtest-%s-XXXXXX", dir && *dir ? dir : "/tmp", tag) < 0)
        qtest_bail("out of memory");
    fd = mkstemp(path);
    if (fd < 0)
        qtest_bail("mkstemp %s: %s", path, strerror(errno));
    close(fd);
    if (qt_nr_tmpfiles == 0)
        atexit(qt_tmpfiles_cleanup);
    qt_tmpfiles = realloc(qt_tmpfiles, sizeof(*qt_tmpfiles) * (qt_nr_tmpfiles + 1));
    if (!qt_tmpfiles)
        qtest_bail("out of memory");
    qt_tmpfiles[qt_nr_tmpfiles++] = path;
    return path;
}

char *qtest_file_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap * 2 + 4096;
            data = realloc(data, cap + 1);
            if (!data)
                qtest_bail("out of memory");
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

int qtest_socket_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof(addr.sun_path))
        qtest_bail("socket path too long: %s", path);
    strcpy(addr.sun_path, path);
    for (int tries = 0; tries < 500; tries++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            qtest_bail("socket: %s", strerror(errno));
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            return fd;
        close(fd);
        usleep(10000);
    }
    qtest_bail("cannot connect to %s: %s", path, strerror(errno));
}

/* ---- TAP ---- */

static unsigned qt_count, qt_failed;

static bool qt_vreport(bool cond, const char *fmt, va_list ap)
{
    printf("%sok %u - ", cond ? "" : "not ", ++qt_count);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    if (!cond)
        qt_failed++;
    return cond;
}

bool qt_ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qt_vreport(cond, fmt, ap);
    va_end(ap);
    return cond;
}

bool qt_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
    va_list ap;
    bool cond = got == want;

    va_start(ap, fmt);
    qt_vreport(cond, fmt, ap);
    va_end(ap);
    if (!cond)
        printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", got, want);
    return cond;
}

void qt_skip(const char *reason, const char *fmt, ...)
{
    va_list ap;

    printf("ok %u - ", ++qt_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" # SKIP %s\n", reason);
    fflush(stdout);
}

void qt_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

int qt_done(void)
{
    printf("1..%u\n", qt_count);
    fflush(stdout);
    return qt_failed ? 1 : 0;
}
