/* SPDX-License-Identifier: MIT */
/*
 * The stdio backend: the guest talks to kemu's own terminal.
 *
 * When stdin is a terminal it is switched to raw input the way QEMU's
 * stdio backend does: no echo, no line editing, no CR/LF translation or
 * flow control on input, 8-bit characters, one byte at a time; output
 * post-processing (OPOST, so ONLCR stays as the user had it) is kept, and
 * Ctrl-C still raises SIGINT unless signal=off. The saved settings come back
 * on close, on every exit path (mainloop_at_exit: normal exit, SIGTERM,
 * fatal signals) and are re-applied after SIGCONT (the shell's fg). When
 * stdin is not a terminal it is simply read and stdout written. stdin is
 * left blocking (it shares its file description with stdout/stderr on a
 * terminal); it is read only when poll() reports it readable.
 * Reference: QEMU manual, "-chardev stdio,id=id[,signal=on|off]".
 */
#include "chardev-internal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "kemu/mainloop.h"

typedef struct StdioChr {
    ChrFd io;
    bool owns_stdio; /* the real fds 0/1: only one chardev may use them */
} StdioChr;

/* Terminal state: global because the at-exit and SIGCONT hooks need it. */
static int stdio_tty_fd = -1;
static struct termios stdio_saved_tty;
static struct termios stdio_raw_tty;
static volatile sig_atomic_t stdio_tty_raw;
static bool stdio_in_use;

static void stdio_term_restore(void)
{
    if (stdio_tty_raw) {
        tcsetattr(stdio_tty_fd, TCSANOW, &stdio_saved_tty);
        stdio_tty_raw = 0;
    }
}

static void stdio_sigcont(int sig)
{
    if (stdio_tty_raw) {
        tcsetattr(stdio_tty_fd, TCSANOW, &stdio_raw_tty);
    }
}

static void stdio_term_init_hooks(void)
{
    static bool done;
    struct sigaction sa;

    if (done) {
        return;
    }
    done = true;
    mainloop_at_exit(stdio_term_restore);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = stdio_sigcont;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCONT, &sa, NULL);
}

/* Raw input, kept output processing, as QEMU's stdio backend. */
static void stdio_term_make_raw(struct termios *t, bool allow_signal)
{
    t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag |= OPOST;
    t->c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signal) {
        t->c_lflag &= ~ISIG;
    }
    t->c_cflag &= ~(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

static void stdio_term_setup(int fd, bool allow_signal)
{
    if (stdio_tty_raw || !isatty(fd) || tcgetattr(fd, &stdio_saved_tty) < 0) {
        return;
    }
    stdio_term_init_hooks();
    stdio_tty_fd = fd;
    stdio_raw_tty = stdio_saved_tty;
    stdio_term_make_raw(&stdio_raw_tty, allow_signal);
    if (tcsetattr(fd, TCSANOW, &stdio_raw_tty) == 0) {
        stdio_tty_raw = 1;
    }
}

static int stdio_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    StdioChr *s = chr->priv;

    chr_fd_write(&s->io, buf, len);
    return len;
}

static void stdio_chr_accept_input(Chardev *chr)
{
    StdioChr *s = chr->priv;

    chr_fd_update(&s->io);
}

static void stdio_chr_close(Chardev *chr)
{
    StdioChr *s = chr->priv;

    chr_fd_stop(&s->io);
    if (s->io.in_fd == stdio_tty_fd) {
        stdio_term_restore();
        stdio_tty_fd = -1;
    }
    if (s->owns_stdio) {
        stdio_in_use = false;
    }
    free(s);
    chr->priv = NULL;
}

static const ChardevOps stdio_ops = {
    .name = "stdio",
    .write = stdio_chr_write,
    .accept_input = stdio_chr_accept_input,
    .close = stdio_chr_close,
};

static void stdio_chr_setup(Chardev *chr, int in_fd, int out_fd, bool allow_signal)
{
    StdioChr *s = XNEW0(StdioChr);

    chr_fd_init(&s->io, chr, in_fd, out_fd, 2000);
    stdio_term_setup(in_fd, allow_signal);
    chr->priv = s;
    chr->ops = &stdio_ops;
    chr->be_open = true;
    chardev_set_label(chr, "stdio");
}

Chardev *chr_stdio_new_fds(const char *id, int in_fd, int out_fd, bool allow_signal,
                           Error **errp)
{
    Chardev *chr;

    if (chardev_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    chr = chardev_alloc(id);
    stdio_chr_setup(chr, in_fd, out_fd, allow_signal);
    return chr;
}

static bool stdio_open(Chardev *chr, Opts *opts, Error **errp)
{
    bool allow_signal;

    if (!opts_get_bool(opts, "signal", true, &allow_signal, errp)) {
        return false;
    }
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_chr_setup(chr, STDIN_FILENO, STDOUT_FILENO, allow_signal);
    ((StdioChr *)chr->priv)->owns_stdio = true;
    stdio_in_use = true;
    return true;
}

static const char *const stdio_keys[] = {"signal", NULL};

const ChrBackend chr_backend_stdio = {
    .name = "stdio",
    .keys = stdio_keys,
    .open = stdio_open,
};
