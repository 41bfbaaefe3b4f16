/* SPDX-License-Identifier: MIT */
/*
 * Moving bytes between host file descriptors and a chardev front end.
 *
 * Input: the read handler is installed in the main loop only while the
 * front end has room (can_read() > 0); when it has none the handler is
 * removed and chr_accept_input() re-installs it, so a slow guest UART
 * pushes back on the host instead of losing bytes. End of file sends
 * CHR_EVENT_CLOSED. Output: every byte is written or, when the reader is
 * gone or stays stuck longer than wait_ms, dropped; after one such timeout
 * later writes do not wait until the descriptor drains again, so a guest
 * printing to an unread pty or socket is not slowed down.
 * Reference: QEMU manual, "Character device options" (backend behaviour).
 */
#include "chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kemu/mainloop.h"

int chr_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

static void chr_fd_default_input(ChrFd *f, const uint8_t *buf, int len)
{
    chr_be_deliver(f->chr, buf, len);
}

static void chr_fd_default_hangup(ChrFd *f)
{
    chr_be_set_open(f->chr, false);
}

void chr_fd_init(ChrFd *f, Chardev *chr, int in_fd, int out_fd, int wait_ms)
{
    *f = (ChrFd){
        .chr = chr,
        .in_fd = in_fd,
        .out_fd = out_fd,
        .wait_ms = wait_ms,
        .input = chr_fd_default_input,
        .hangup = chr_fd_default_hangup,
    };
}

static void chr_fd_readable(void *opaque)
{
    ChrFd *f = opaque;
    uint8_t buf[4096];
    int room = chr_be_can_write(f->chr);
    ssize_t n;

    if (room <= 0 || f->in_fd < 0) {
        chr_fd_update(f);
        return;
    }
    n = read(f->in_fd, buf, MIN((size_t)room, sizeof(buf)));
    if (n > 0) {
        f->input(f, buf, (int)n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
        f->eof = true;
        chr_fd_stop(f);
        f->hangup(f);
        return;
    }
    chr_fd_update(f);
}

void chr_fd_stop(ChrFd *f)
{
    if (f->reading && f->in_fd >= 0) {
        mainloop_set_fd_handler(f->in_fd, NULL, NULL, NULL);
    }
    f->reading = false;
}

void chr_fd_update(ChrFd *f)
{
    bool want = f->in_fd >= 0 && !f->eof && chr_be_can_write(f->chr) > 0;

    if (want && !f->reading) {
        mainloop_set_fd_handler(f->in_fd, chr_fd_readable, NULL, f);
        f->reading = true;
    } else if (!want && f->reading) {
        chr_fd_stop(f);
    }
}

/* Wait up to ms for fd to become writable; true if it did. */
static bool chr_fd_wait_writable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int rc;

    do {
        rc = poll(&p, 1, ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0 && (p.revents & POLLOUT);
}

static ssize_t chr_fd_write_once(ChrFd *f, const uint8_t *buf, size_t len)
{
    if (f->is_socket) {
        return send(f->out_fd, buf, len, MSG_NOSIGNAL);
    }
    return write(f->out_fd, buf, len);
}

int chr_fd_write(ChrFd *f, const uint8_t *buf, int len)
{
    int done = 0;

    if (f->out_fd < 0) {
        return len;
    }
    while (done < len) {
        ssize_t n = chr_fd_write_once(f, buf + done, len - done);

        if (n > 0) {
            done += n;
            f->stalled = false;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (f->stalled || !chr_fd_wait_writable(f->out_fd, f->wait_ms)) {
                f->stalled = true;
                return len; /* reader stuck: drop the rest */
            }
        } else {
            return -1;
        }
    }
    return len;
}
