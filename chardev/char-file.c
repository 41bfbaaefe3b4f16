/* SPDX-License-Identifier: MIT */
/*
 * Path backends: file (output only), pipe and serial/tty (host devices).
 *
 * file,path=P[,append=on] writes everything to P (truncated unless append);
 * input is never read, as in QEMU. pipe,path=P uses P.in and P.out when
 * both exist, else P for both directions. serial,path=/dev/ttyS0 (alias
 * tty, legacy "/dev/...") opens a host terminal device in raw mode; the
 * guest's line settings are not forwarded to it.
 * Reference: QEMU manual, "Character device options" (-chardev file, pipe,
 * serial).
 */
#include "chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

typedef struct FileChr {
    ChrFd io;
    int in_fd;
    int out_fd;
} FileChr;

static int file_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    FileChr *s = chr->priv;

    chr_fd_write(&s->io, buf, len);
    return len;
}

static void file_chr_accept_input(Chardev *chr)
{
    FileChr *s = chr->priv;

    chr_fd_update(&s->io);
}

static void file_chr_close(Chardev *chr)
{
    FileChr *s = chr->priv;

    chr_fd_stop(&s->io);
    if (s->in_fd >= 0 && s->in_fd != s->out_fd) {
        close(s->in_fd);
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
    }
    free(s);
    chr->priv = NULL;
}

static const ChardevOps file_ops = {
    .name = "file",
    .write = file_chr_write,
    .accept_input = file_chr_accept_input,
    .close = file_chr_close,
};

static void file_chr_setup(Chardev *chr, int in_fd, int out_fd, const char *label)
{
    FileChr *s = XNEW0(FileChr);

    s->in_fd = in_fd;
    s->out_fd = out_fd;
    chr_fd_init(&s->io, chr, in_fd, out_fd, 1000);
    chr->priv = s;
    chr->ops = &file_ops;
    chr->be_open = true;
    chardev_set_label(chr, label);
}

static const char *file_chr_path(Opts *opts, const char *backend, Error **errp)
{
    const char *path = opts_get(opts, "path");

    if (!path) {
        error_setg(errp, "chardev: %s: no filename given", backend);
    }
    return path;
}

static int file_chr_open_path(const char *path, int flags, Error **errp)
{
    int fd = open(path, flags | O_CLOEXEC, 0666);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
    }
    return fd;
}

/* ---- file ---- */

static bool file_open(Chardev *chr, Opts *opts, Error **errp)
{
    const char *path = file_chr_path(opts, "file", errp);
    bool append;
    int fd;

    if (!path || !opts_get_bool(opts, "append", false, &append, errp)) {
        return false;
    }
    fd = file_chr_open_path(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), errp);
    if (fd < 0) {
        return false;
    }
    char *label = xasprintf("file:%s", path);
    file_chr_setup(chr, -1, fd, label);
    free(label);
    return true;
}

static const char *const file_keys[] = {"path", "append", NULL};

const ChrBackend chr_backend_file = {
    .name = "file",
    .keys = file_keys,
    .open = file_open,
};

/* ---- pipe ---- */

static bool pipe_open(Chardev *chr, Opts *opts, Error **errp)
{
    const char *path = file_chr_path(opts, "pipe", errp);
    int in_fd, out_fd;

    if (!path) {
        return false;
    }
    char *in_path = xasprintf("%s.in", path);
    char *out_path = xasprintf("%s.out", path);
    in_fd = open(in_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    out_fd = open(out_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    free(in_path);
    free(out_path);
    if (in_fd < 0 || out_fd < 0) {
        if (in_fd >= 0) {
            close(in_fd);
        }
        if (out_fd >= 0) {
            close(out_fd);
        }
        in_fd = out_fd = file_chr_open_path(path, O_RDWR | O_NONBLOCK, errp);
        if (in_fd < 0) {
            return false;
        }
    }
    char *label = xasprintf("pipe:%s", path);
    file_chr_setup(chr, in_fd, out_fd, label);
    free(label);
    return true;
}

static const char *const path_keys[] = {"path", NULL};

const ChrBackend chr_backend_pipe = {
    .name = "pipe",
    .keys = path_keys,
    .open = pipe_open,
};

/* ---- serial / tty ---- */

static void serial_make_raw(int fd)
{
    struct termios t;

    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        tcsetattr(fd, TCSANOW, &t);
    }
}

static bool serial_open(Chardev *chr, Opts *opts, Error **errp)
{
    const char *path = file_chr_path(opts, "serial", errp);
    int fd;

    if (!path) {
        return false;
    }
    fd = file_chr_open_path(path, O_RDWR | O_NOCTTY | O_NONBLOCK, errp);
    if (fd < 0) {
        return false;
    }
    serial_make_raw(fd);
    char *label = xasprintf("serial:%s", path);
    file_chr_setup(chr, fd, fd, label);
    free(label);
    return true;
}

const ChrBackend chr_backend_serial = {
    .name = "serial",
    .keys = path_keys,
    .open = serial_open,
};

const ChrBackend chr_backend_tty = {
    .name = "tty",
    .keys = path_keys,
    .open = serial_open,
};
