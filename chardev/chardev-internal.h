/* SPDX-License-Identifier: MIT */
/*
 * Character device internals shared by the backends in chardev/.
 *
 * Holds the backend table entry type (options arrive parsed by kemu/opts.h,
 * QEMU's "key=value,..." syntax), the helper that moves bytes between a
 * host file descriptor and a front end (flow control included), and the
 * constructors the unit tests call directly. Nothing
 * outside chardev/ and tests/unit/test-chardev.c includes this file.
 * Reference: QEMU manual, "Character device options" (-chardev).
 */
#ifndef KEMU_CHARDEV_INTERNAL_H
#define KEMU_CHARDEV_INTERNAL_H

#include "kemu/chardev.h"
#include "kemu/opts.h"

/* ---- backends ---- */

typedef struct ChrBackend {
    const char *name;
    const char *const *keys;  /* accepted options besides id, backend, mux */
    /* Fill chr (ops, label, priv) and open the host side. */
    bool (*open)(Chardev *chr, Opts *opts, Error **errp);
} ChrBackend;

extern const ChrBackend chr_backend_null;
extern const ChrBackend chr_backend_file;
extern const ChrBackend chr_backend_pipe;
extern const ChrBackend chr_backend_serial;
extern const ChrBackend chr_backend_tty;
extern const ChrBackend chr_backend_stdio;
extern const ChrBackend chr_backend_pty;
extern const ChrBackend chr_backend_socket;

/* Create a chardev from a parsed option list. -chardev checks that the id
 * is an identifier and warns about short-form flags; legacy specs do not. */
Chardev *chardev_create(Opts *opts, bool from_cmdline, Error **errp);
/* Allocate a chardev and add it to the list; free with chardev_free(). */
Chardev *chardev_alloc(const char *id);
void chardev_free(Chardev *chr);
/* True while chr is still in the list (not closed). */
bool chardev_is_live(const Chardev *chr);
void chardev_set_label(Chardev *chr, const char *label);

/* Backend side: room the front end has now (0 when none is attached). */
int chr_be_can_write(Chardev *chr);
/* Backend side: the peer connected (true) or went away (false). */
void chr_be_set_open(Chardev *chr, bool open);

/* ---- file descriptor plumbing ---- */

typedef struct ChrFd ChrFd;
struct ChrFd {
    Chardev *chr;
    int in_fd;        /* -1: no input */
    int out_fd;       /* -1: output dropped */
    bool is_socket;   /* use send(MSG_NOSIGNAL) */
    bool reading;     /* read handler installed */
    bool eof;         /* input hit end of file */
    bool stalled;     /* the last write timed out: drop until writable */
    int wait_ms;      /* how long a write may wait for a slow reader */
    /* Bytes read from in_fd (never more than can_write); default delivers. */
    void (*input)(ChrFd *f, const uint8_t *buf, int len);
    /* End of file or error on in_fd; default stops and sends CLOSED. */
    void (*hangup)(ChrFd *f);
};

void chr_fd_init(ChrFd *f, Chardev *chr, int in_fd, int out_fd, int wait_ms);
/* Install or remove the read handler according to the front end's room. */
void chr_fd_update(ChrFd *f);
void chr_fd_stop(ChrFd *f);
/* Write everything or drop it; returns len, or -1 on a hard error. */
int chr_fd_write(ChrFd *f, const uint8_t *buf, int len);
int chr_set_nonblock(int fd);

/* ---- constructors used by the tests and the legacy parser ---- */

/* The stdio backend on arbitrary descriptors (a pipe or pty in tests). */
Chardev *chr_stdio_new_fds(const char *id, int in_fd, int out_fd, bool allow_signal,
                           Error **errp);
/* Put a multiplexer with the Ctrl-a escapes on top of base. */
Chardev *chr_mux_new(const char *id, Chardev *base, Error **errp);

#endif
