/* SPDX-License-Identifier: MIT */
/*
 * The pty backend: a new pseudo-terminal for the guest's serial port.
 *
 * kemu allocates a master/slave pair, puts the slave in raw mode and reports
 * its name on stderr as QEMU does ("char device redirected to /dev/pts/N
 * (label ID)"); the user attaches screen or minicom to it. kemu keeps its
 * own descriptor of the slave open, so the master never sees a hang-up
 * while no client is attached: output then fills the pty buffer and the
 * rest is dropped, and nothing spins in the main loop.
 * Reference: QEMU manual, "-chardev pty,id=id".
 */
#include "chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

typedef struct PtyChr {
    ChrFd io;
    int master;
    int slave;  /* held open: see above */
} PtyChr;

static int pty_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChr *s = chr->priv;

    chr_fd_write(&s->io, buf, len);
    return len;
}

static void pty_chr_accept_input(Chardev *chr)
{
    PtyChr *s = chr->priv;

    chr_fd_update(&s->io);
}

static void pty_chr_close(Chardev *chr)
{
    PtyChr *s = chr->priv;

    chr_fd_stop(&s->io);
    close(s->master);
    close(s->slave);
    free(s);
    chr->priv = NULL;
}

static const ChardevOps pty_ops = {
    .name = "pty",
    .write = pty_chr_write,
    .accept_input = pty_chr_accept_input,
    .close = pty_chr_close,
};

static bool pty_open(Chardev *chr, Opts *opts, Error **errp)
{
    char name[256];
    struct termios t;
    PtyChr *s;
    int master, slave;

    if (openpty(&master, &slave, name, NULL, NULL) < 0) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        return false;
    }
    if (tcgetattr(slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(slave, TCSAFLUSH, &t);
    }
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    chr_set_nonblock(master);
    s = XNEW0(PtyChr);
    s->master = master;
    s->slave = slave;
    chr_fd_init(&s->io, chr, master, master, 100);
    chr->priv = s;
    chr->ops = &pty_ops;
    chr->be_open = true;
    char *label = xasprintf("pty:%s", name);
    chardev_set_label(chr, label);
    free(label);
    fprintf(stderr, "char device redirected to %s (label %s)\n", name, chr->id);
    return true;
}

const ChrBackend chr_backend_pty = {
    .name = "pty",
    .open = pty_open,
};
