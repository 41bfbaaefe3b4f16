/* SPDX-License-Identifier: MIT */
/*
 * Character devices: host-side byte streams that guest devices talk to.
 *
 * A Chardev is a backend (stdio, file, null, pty, tcp/unix socket, the
 * mon:stdio multiplexer). One front end (a UART, debugcon, the monitor) is
 * attached with chr_set_handlers(): the backend calls can_read() to learn
 * how many bytes the front end can take, then read() with at most that
 * many. Output is chr_write(), which never blocks the guest for long: a
 * backend with no peer (an unconnected socket) drops the bytes.
 *
 * Backends are created from QEMU's syntax: -chardev BACKEND,id=ID,opts or
 * the legacy forms of -serial ("stdio", "mon:stdio", "file:PATH", "null",
 * "pty", "tcp:HOST:PORT,server,nowait", "unix:PATH,server", "chardev:ID").
 */
#ifndef KEMU_CHARDEV_H
#define KEMU_CHARDEV_H

#include "kemu/error.h"
#include "kemu/types.h"

typedef enum ChrEvent {
    CHR_EVENT_OPENED,  /* a peer connected */
    CHR_EVENT_CLOSED,  /* the peer went away */
    CHR_EVENT_BREAK,   /* serial break (Ctrl-a b on stdio) */
    CHR_EVENT_MUX_IN,  /* a mux gave this front end the input focus */
    CHR_EVENT_MUX_OUT, /* a mux took the input focus away */
} ChrEvent;

typedef int ChrCanReadFn(void *opaque);
typedef void ChrReadFn(void *opaque, const uint8_t *buf, int len);
typedef void ChrEventFn(void *opaque, ChrEvent event);

typedef struct Chardev Chardev;

typedef struct ChardevOps {
    const char *name;  /* backend name for -chardev */
    /* Write len bytes; returns bytes accepted (all of them, or drop). */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* Front end made room: backend may resume reading. */
    void (*accept_input)(Chardev *chr);
    void (*close)(Chardev *chr);
    /* Optional: chr_set_handlers() changed the fe_* fields (the mux keeps
     * one slot per front end). */
    void (*frontend_changed)(Chardev *chr);
} ChardevOps;

struct Chardev {
    const ChardevOps *ops;
    char *id;
    char *label;              /* human-readable description (e.g. pty path) */
    /* Front end */
    ChrCanReadFn *fe_can_read;
    ChrReadFn *fe_read;
    ChrEventFn *fe_event;
    void *fe_opaque;
    bool fe_attached;
    bool be_open;             /* backend has a peer (OPENED sent on attach) */
    Chardev *next;
    void *priv;               /* backend state */
};

/* Create from -chardev option text; the id= is required. */
Chardev *chardev_new_from_opts(const char *optarg, Error **errp);
/* Create from the legacy -serial/-monitor syntax; id is generated from label. */
Chardev *chardev_new_legacy(const char *label, const char *spec, Error **errp);
Chardev *chardev_find(const char *id);
/* The first chardev in creation order (follow ->next), for listings. */
Chardev *chardev_first(void);
/* Close every backend (restores the terminal); safe to call twice. */
void chardev_close_all(void);

int chr_write(Chardev *chr, const uint8_t *buf, int len);
/* True when no further front end may attach: one is attached and chr is
 * no multiplexer, or chr is a multiplexer with every slot taken. */
bool chr_fe_busy(const Chardev *chr);
void chr_set_handlers(Chardev *chr, ChrCanReadFn *can_read, ChrReadFn *read,
                      ChrEventFn *event, void *opaque);
/* The front end now has room again (e.g. the UART FIFO was read). */
void chr_accept_input(Chardev *chr);
/* Backend side: hand bytes to the front end, honouring can_read. Returns the
 * number of bytes taken. */
int chr_be_deliver(Chardev *chr, const uint8_t *buf, int len);
void chr_be_event(Chardev *chr, ChrEvent event);

/* The mux (mon:stdio) hands Ctrl-a c to this, once a monitor exists. */
typedef struct ChrMuxMonitor {
    Chardev *chr;
} ChrMuxMonitor;

/* -echr: the mux escape character (default 0x01, Ctrl-a). */
void chr_mux_set_escape_char(int ch);

#endif
