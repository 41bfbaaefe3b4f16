/* SPDX-License-Identifier: MIT */
/*
 * Host file descriptors, run-state requests and exit handling.
 *
 * One thread polls the registered descriptors with poll(); a self-pipe lets
 * signal handlers (and later other threads) wake a blocked poll. Devices ask
 * for shutdown or reset with qemu_system_*_request(); the main loop in
 * core/main.c consumes the requests between CPU slices. At-exit handlers run
 * on normal exit and on SIGINT/SIGTERM/SIGHUP and fatal signals, so the
 * terminal is always restored (QEMU's behaviour: "terminating on signal N").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "kemu/error.h"
#include "kemu/mainloop.h"

bool opt_no_reboot;
bool opt_no_shutdown;

typedef struct FdWatch {
    int fd;
    FdHandler *read;
    FdHandler *write;
    void *opaque;
} FdWatch;

static FdWatch *ml_fds;
static int ml_nr_fds;
static int ml_notify_pipe[2] = { -1, -1 };

static volatile sig_atomic_t ml_shutdown_cause;
static volatile sig_atomic_t ml_shutdown_status;
static volatile sig_atomic_t ml_reset_pending;

#define ML_MAX_EXIT_FNS 32
static void (*ml_exit_fns[ML_MAX_EXIT_FNS])(void);
static int ml_nr_exit_fns;
static volatile sig_atomic_t ml_exiting;
static volatile sig_atomic_t ml_quit_signals;

static void mainloop_notify_init(void)
{
    if (ml_notify_pipe[0] >= 0)
        return;
    if (pipe2(ml_notify_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        error_report("cannot create the main loop pipe: %s", strerror(errno));
        exit(1);
    }
}

void mainloop_notify(void)
{
    int saved = errno;
    char c = 0;

    if (ml_notify_pipe[1] >= 0 && write(ml_notify_pipe[1], &c, 1) < 0) {
        /* Pipe full: a wake-up is already pending. */
    }
    errno = saved;
}

static void mainloop_drain_notify(void)
{
    char buf[64];

    while (read(ml_notify_pipe[0], buf, sizeof(buf)) > 0)
        ;
}

static FdWatch *mainloop_find_fd(int fd)
{
    for (int i = 0; i < ml_nr_fds; i++) {
        if (ml_fds[i].fd == fd)
            return &ml_fds[i];
    }
    return NULL;
}

void mainloop_set_fd_handler(int fd, FdHandler *read_fn, FdHandler *write_fn, void *opaque)
{
    FdWatch *w = mainloop_find_fd(fd);

    if (!read_fn && !write_fn) {
        if (w) {
            /* Keep the slot (fd -1) so a dispatch loop in progress stays valid. */
            w->fd = -1;
            w->read = w->write = NULL;
        }
        return;
    }
    if (!w)
        w = mainloop_find_fd(-1);
    if (!w) {
        ml_fds = xrealloc(ml_fds, sizeof(*ml_fds) * (ml_nr_fds + 1));
        w = &ml_fds[ml_nr_fds++];
    }
    *w = (FdWatch){ .fd = fd, .read = read_fn, .write = write_fn, .opaque = opaque };
}

static int mainloop_timeout_ms(int64_t timeout_ns)
{
    if (timeout_ns < 0)
        return -1;
    if (timeout_ns > (int64_t)INT32_MAX * 1000000)
        return INT32_MAX;
    return (int)((timeout_ns + 999999) / 1000000);
}

/* Call the handlers of the descriptors poll() reported, by fd (the watch
 * table may change under a handler). */
static bool mainloop_dispatch(struct pollfd *pfd, int n)
{
    bool ran = false;

    for (int i = 0; i < n; i++) {
        FdWatch *w = mainloop_find_fd(pfd[i].fd);
        short ev = pfd[i].revents;

        if (!w || !ev)
            continue;
        if (w->read && (ev & (POLLIN | POLLHUP | POLLERR))) {
            w->read(w->opaque);
            ran = true;
            w = mainloop_find_fd(pfd[i].fd);
        }
        if (w && w->write && (ev & (POLLOUT | POLLERR))) {
            w->write(w->opaque);
            ran = true;
        }
    }
    return ran;
}

bool mainloop_poll(int64_t timeout_ns)
{
    static struct pollfd *pfd;
    static int pfd_cap;
    int n = 0, rc;

    mainloop_notify_init();
    if (qemu_shutdown_pending() || qemu_reset_pending())
        timeout_ns = 0;
    if (pfd_cap < ml_nr_fds + 1) {
        pfd_cap = ml_nr_fds + 1;
        pfd = xrealloc(pfd, sizeof(*pfd) * pfd_cap);
    }
    pfd[n++] = (struct pollfd){ .fd = ml_notify_pipe[0], .events = POLLIN };
    for (int i = 0; i < ml_nr_fds; i++) {
        if (ml_fds[i].fd < 0)
            continue;
        pfd[n++] = (struct pollfd){ .fd = ml_fds[i].fd,
                                    .events = (ml_fds[i].read ? POLLIN : 0) |
                                              (ml_fds[i].write ? POLLOUT : 0) };
    }
    rc = poll(pfd, n, mainloop_timeout_ms(timeout_ns));
    if (rc <= 0)
        return false;
    if (pfd[0].revents)
        mainloop_drain_notify();
    /* Handlers may add descriptors (realloc of ml_fds) but never touch pfd. */
    return mainloop_dispatch(pfd + 1, n - 1);
}

void qemu_system_shutdown_request(ShutdownCause cause, int status)
{
    if (ml_shutdown_cause == SHUTDOWN_NONE) {
        ml_shutdown_cause = cause;
        ml_shutdown_status = status;
    }
    mainloop_notify();
}

void qemu_system_reset_request(void)
{
    if (opt_no_reboot) {
        qemu_system_shutdown_request(SHUTDOWN_GUEST, 0);
        return;
    }
    ml_reset_pending = 1;
    mainloop_notify();
}

bool qemu_shutdown_pending(void)
{
    return ml_shutdown_cause != SHUTDOWN_NONE;
}

bool qemu_reset_pending(void)
{
    return ml_reset_pending != 0;
}

ShutdownCause qemu_take_shutdown(int *status)
{
    ShutdownCause cause = ml_shutdown_cause;

    if (status)
        *status = ml_shutdown_status;
    ml_shutdown_cause = SHUTDOWN_NONE;
    ml_shutdown_status = 0;
    return cause;
}

bool qemu_take_reset(void)
{
    bool pending = ml_reset_pending != 0;

    ml_reset_pending = 0;
    return pending;
}

/* ---- exit handling ---- */

static void mainloop_run_exit_fns(void)
{
    /* Each handler runs once even if exit is re-entered from a signal. */
    while (ml_nr_exit_fns > 0) {
        void (*fn)(void) = ml_exit_fns[--ml_nr_exit_fns];

        fn();
    }
}

static void mainloop_signal_quit(int sig)
{
    char msg[96];
    int len;

    if (ml_exiting)
        return;
    if (ml_quit_signals++) {
        /* Second signal: the main loop is not answering; leave now. */
        ml_exiting = 1;
        mainloop_run_exit_fns();
        _exit(1);
    }
    /* Like QEMU: the request goes through the main loop (clean exit). */
    len = snprintf(msg, sizeof(msg), "%s: terminating on signal %d\n", error_progname, sig);
    if (len > 0 && write(STDERR_FILENO, msg, MIN((size_t)len, sizeof(msg) - 1)) < 0) {
        /* nothing to do */
    }
    qemu_system_shutdown_request(SHUTDOWN_HOST_QUIT, 0);
}

static void mainloop_signal_fatal(int sig)
{
    if (!ml_exiting) {
        ml_exiting = 1;
        mainloop_run_exit_fns();
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void mainloop_install_signals(void)
{
    static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
    static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = mainloop_signal_quit;
    for (size_t i = 0; i < ARRAY_SIZE(quit_sigs); i++)
        sigaction(quit_sigs[i], &sa, NULL);
    sa.sa_handler = mainloop_signal_fatal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < ARRAY_SIZE(fatal_sigs); i++)
        sigaction(fatal_sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void mainloop_atexit_hook(void)
{
    ml_exiting = 1;
    mainloop_run_exit_fns();
}

void mainloop_init(void)
{
    static bool installed;

    if (installed)
        return;
    installed = true;
    mainloop_notify_init();
    atexit(mainloop_atexit_hook);
    mainloop_install_signals();
}

void mainloop_at_exit(void (*fn)(void))
{
    mainloop_init();
    if (ml_nr_exit_fns >= ML_MAX_EXIT_FNS) {
        error_report("too many exit handlers");
        return;
    }
    ml_exit_fns[ml_nr_exit_fns++] = fn;
}
