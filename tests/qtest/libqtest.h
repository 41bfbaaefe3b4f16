/* SPDX-License-Identifier: MIT */
/*
 * libqtest: drive a kemu process through the qtest protocol.
 *
 * qtest_init() starts kemu with "-qtest stdio -machine accel=qtest
 * -display none" plus the test's arguments, with the protocol on a pair of
 * pipes; the qtest_*() calls send one command each and parse the reply,
 * tracking the asynchronous "IRQ raise/lower N" lines on the way. A
 * protocol failure (FAIL reply, kemu gone, no answer within the timeout)
 * prints a TAP "Bail out!" line and exits. The program run is $KEMU_BIN,
 * or the build's kemu-system-x86_64; when $KEMU_BIN names a QEMU binary
 * the same tests run against QEMU (with -S instead of accel=qtest, as
 * Debian's QEMU has no qtest accelerator; clock commands then fail).
 * The API follows QEMU's tests/qtest/libqtest.h, plus small TAP helpers.
 */
#ifndef KEMU_LIBQTEST_H
#define KEMU_LIBQTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct QTestState QTestState;

/* Set by qtest_start(); used by the short global helpers below. */
extern QTestState *global_qtest;

/* Start kemu with extra_args (split by the shell). Bails out on failure. */
QTestState *qtest_init(const char *extra_args);
/* qtest_init() and make it global_qtest. */
QTestState *qtest_start(const char *extra_args);
/* Stop kemu (EOF on its input, then SIGTERM, then SIGKILL) and free s. */
void qtest_quit(QTestState *s);
/* qtest_quit(global_qtest). */
void qtest_end(void);
/* Wait up to timeout_ms for kemu to exit on its own; returns its exit
 * status, 128+signal if killed, or -1 on timeout. s stays valid for
 * qtest_quit(). */
int qtest_wait_exit(QTestState *s, int timeout_ms);
/* True when the QEMU reference binary is under test (see above). */
bool qtest_is_qemu(void);
/* The binary qtest_init() runs. */
const char *qtest_binary(void);
/* True if "-M help" of the binary lists machine name. */
bool qtest_has_machine(const char *name);
/* Machine options for ISA device tests: $KEMU_QTEST_MACHINE if set, else
 * "-M pc -nodefaults" when the pc machine exists (no default UART or VGA
 * in the way, for kemu and QEMU alike), else "-M none". */
const char *qtest_isa_machine(void);

/* Send a raw command line (no newline) and return the reply line
 * (malloc'd, without newline); IRQ lines are consumed. NULL if kemu went
 * away. Does not bail out on FAIL. */
char *qtest_cmd(QTestState *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Send a command without waiting for its reply (e.g. a write that exits). */
void qtest_send_nowait(QTestState *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void qtest_outb(QTestState *s, uint16_t port, uint8_t val);
void qtest_outw(QTestState *s, uint16_t port, uint16_t val);
void qtest_outl(QTestState *s, uint16_t port, uint32_t val);
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t val);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t val);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t val);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t val);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);

/* "read"/"write" (hex) and "b64read"/"b64write" (base64) block transfers. */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data, size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data, size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

/* Advance the virtual clock by ns / to the next timer deadline / to ns.
 * Each returns the new virtual time. */
int64_t qtest_clock_step(QTestState *s, int64_t ns);
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_set(QTestState *s, int64_t ns);

void qtest_irq_intercept_in(QTestState *s, const char *path);
void qtest_irq_intercept_out(QTestState *s, const char *path);
void qtest_set_irq_in(QTestState *s, const char *path, const char *name, int num, int level);
/* Level of intercepted line n, after a round trip that flushes the
 * pending IRQ messages. */
bool qtest_get_irq(QTestState *s, int n);
/* Number of "IRQ raise n" messages seen so far (counts pulses). */
unsigned qtest_irq_raise_count(QTestState *s, int n);

/* Short forms on global_qtest (QEMU's old libqtest style). */
static inline void outb(uint16_t p, uint8_t v) { qtest_outb(global_qtest, p, v); }
static inline void outw(uint16_t p, uint16_t v) { qtest_outw(global_qtest, p, v); }
static inline void outl(uint16_t p, uint32_t v) { qtest_outl(global_qtest, p, v); }
static inline uint8_t inb(uint16_t p) { return qtest_inb(global_qtest, p); }
static inline uint16_t inw(uint16_t p) { return qtest_inw(global_qtest, p); }
static inline uint32_t inl(uint16_t p) { return qtest_inl(global_qtest, p); }
static inline void writeb(uint64_t a, uint8_t v) { qtest_writeb(global_qtest, a, v); }
static inline void writew(uint64_t a, uint16_t v) { qtest_writew(global_qtest, a, v); }
static inline void writel(uint64_t a, uint32_t v) { qtest_writel(global_qtest, a, v); }
static inline void writeq(uint64_t a, uint64_t v) { qtest_writeq(global_qtest, a, v); }
static inline uint8_t readb(uint64_t a) { return qtest_readb(global_qtest, a); }
static inline uint16_t readw(uint64_t a) { return qtest_readw(global_qtest, a); }
static inline uint32_t readl(uint64_t a) { return qtest_readl(global_qtest, a); }
static inline uint64_t readq(uint64_t a) { return qtest_readq(global_qtest, a); }
static inline void memread(uint64_t a, void *d, size_t n) { qtest_memread(global_qtest, a, d, n); }
static inline void memwrite(uint64_t a, const void *d, size_t n)
{
    qtest_memwrite(global_qtest, a, d, n);
}
static inline int64_t clock_step(int64_t ns) { return qtest_clock_step(global_qtest, ns); }
static inline int64_t clock_step_next(void) { return qtest_clock_step_next(global_qtest); }
static inline int64_t clock_set(int64_t ns) { return qtest_clock_set(global_qtest, ns); }
static inline void irq_intercept_in(const char *p) { qtest_irq_intercept_in(global_qtest, p); }
static inline void irq_intercept_out(const char *p) { qtest_irq_intercept_out(global_qtest, p); }
static inline bool get_irq(int n) { return qtest_get_irq(global_qtest, n); }

/* Files for chardev output: a fresh empty temporary path (malloc'd, the
 * file is removed at exit), and a whole file read into a NUL-terminated
 * malloc'd buffer (NULL if missing). */
char *qtest_tmpfile(const char *tag);
char *qtest_file_read(const char *path, size_t *len);

/* Connect to a unix socket a chardev listens on (server=on), retrying
 * for up to 5 s; returns the fd. Bails out on failure. */
int qtest_socket_connect(const char *path);

/* TAP output: one "ok N - desc" / "not ok N - desc" line per check. */
bool qt_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Check got == want, printing both on failure. */
bool qt_eq(uint64_t got, uint64_t want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qt_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan "1..N"; returns the exit status (1 if any check failed). */
int qt_done(void);

#endif
