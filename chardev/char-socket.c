/* SPDX-License-Identifier: MIT */
/*
 * The socket backend: TCP and Unix stream sockets, server or client.
 *
 * A server listens and takes one client at a time from the main loop; with
 * wait=on (the default for servers, as in QEMU) start-up blocks until the
 * first client connects, after printing "info: kemu waiting for connection
 * on: disconnected:tcp:ADDR:PORT,server=on". A client connects while the
 * chardev is created and fails if it cannot. Output while no peer is
 * connected is dropped. When the peer hangs up the front end gets
 * CHR_EVENT_CLOSED and a server accepts the next client. telnet=on adds the
 * server-side telnet option negotiation, strips telnet commands from the
 * input (IAC BREAK becomes CHR_EVENT_BREAK) and escapes 0xff on output.
 * Reference: QEMU manual, "-chardev socket" (TCP and unix options, server,
 * wait, telnet, nodelay); RFC 854 (telnet) for the IAC command bytes.
 */
#include "chardev-internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kemu/mainloop.h"

/* RFC 854 command bytes */
enum {
    TN_SE = 240,
    TN_BRK = 243,
    TN_SB = 250,
    TN_WILL = 251,
    TN_DONT = 254,
    TN_IAC = 255,
    TN_OPT_BINARY = 0,
    TN_OPT_ECHO = 1,
    TN_OPT_SGA = 3,
    TN_DO = 253,
};

typedef enum TelnetState { TS_DATA, TS_IAC, TS_OPT, TS_SB, TS_SB_IAC } TelnetState;

typedef struct SocketCfg {
    const char *path, *host, *port;
    bool server, wait, nodelay, telnet, ipv4, ipv6, abstract;
} SocketCfg;

typedef struct SocketChr {
    ChrFd io;          /* the connection; in_fd/out_fd -1 while none */
    Chardev *chr;
    int listen_fd;     /* -1 for a client */
    bool is_unix, telnet, nodelay;
    char *unlink_path; /* server Unix socket file, removed at close */
    char *desc;        /* "tcp:127.0.0.1:4444,server=on", "unix:/p" */
    TelnetState tn;
} SocketChr;

/* ---- addresses ---- */

static char *socket_inet_desc(const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV)) {
        return xstrdup("?");
    }
    if (sa->sa_family == AF_INET6) {
        return xasprintf("[%s]:%s", host, serv);
    }
    return xasprintf("%s:%s", host, serv);
}

static char *socket_fd_desc(int fd, bool peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);

    return rc < 0 ? xstrdup("?") : socket_inet_desc((struct sockaddr *)&ss, len);
}

static bool socket_unix_addr(const SocketCfg *c, struct sockaddr_un *sun, socklen_t *len,
                             Error **errp)
{
    size_t n = strlen(c->path);
    size_t off = c->abstract ? 1 : 0;

    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (n + off >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", c->path);
        return false;
    }
    memcpy(sun->sun_path + off, c->path, n);
    *len = offsetof(struct sockaddr_un, sun_path) + off + n + (c->abstract ? 0 : 1);
    return true;
}

static struct addrinfo *socket_resolve(const SocketCfg *c, bool passive, Error **errp)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
    struct addrinfo *res;
    const char *host = c->host && *c->host ? c->host : NULL;
    int rc;

    if (c->ipv4 != c->ipv6) {
        hints.ai_family = c->ipv4 ? AF_INET : AF_INET6;
    }
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    rc = getaddrinfo(host ? host : (passive ? NULL : "localhost"), c->port, &hints, &res);
    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host ? host : "", c->port,
                   gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* ---- listening and connecting ---- */

static int socket_listen_tcp(const SocketCfg *c, Error **errp)
{
    struct addrinfo *res = socket_resolve(c, true, errp);
    int fd = -1, err = 0, one = 1, zero = 0;

    if (!res) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6 && !c->ipv6) {
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to find an available port");
    }
    return fd;
}

static int socket_connect_tcp(const SocketCfg *c, Error **errp)
{
    struct addrinfo *res = socket_resolve(c, false, errp);
    int fd = -1, err = 0;

    if (!res) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            err = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'", c->host ? c->host : "",
                         c->port);
    }
    return fd;
}

static int socket_unix(const SocketCfg *c, Error **errp)
{
    struct sockaddr_un sun;
    socklen_t len;
    int fd;

    if (!socket_unix_addr(c, &sun, &len, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    if (c->server) {
        if (!c->abstract && unlink(c->path) < 0 && errno != ENOENT) {
            error_setg_errno(errp, errno, "Failed to unlink socket %s", c->path);
        } else if (bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "Failed to bind socket to %s", c->path);
        } else {
            return fd;
        }
    } else if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", c->path);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* ---- telnet ---- */

static void socket_telnet_init(SocketChr *s)
{
    static const uint8_t init[] = {
        TN_IAC, TN_WILL, TN_OPT_ECHO,   TN_IAC, TN_WILL, TN_OPT_SGA,
        TN_IAC, TN_WILL, TN_OPT_BINARY, TN_IAC, TN_DO,   TN_OPT_BINARY,
    };

    chr_fd_write(&s->io, init, sizeof(init));
}

/* Strip telnet commands; returns the next state, *keep says emit ch. */
static TelnetState socket_telnet_step(TelnetState st, uint8_t ch, bool *keep)
{
    *keep = false;
    switch (st) {
    case TS_DATA:
        *keep = ch != TN_IAC;
        return ch == TN_IAC ? TS_IAC : TS_DATA;
    case TS_IAC:
        if (ch == TN_IAC) {
            *keep = true;
            return TS_DATA;
        }
        if (ch == TN_SB) {
            return TS_SB;
        }
        return ch >= TN_WILL && ch <= TN_DONT ? TS_OPT : TS_DATA;
    case TS_OPT:
        return TS_DATA;
    case TS_SB:
        return ch == TN_IAC ? TS_SB_IAC : TS_SB;
    case TS_SB_IAC:
        return ch == TN_SE ? TS_DATA : TS_SB;
    }
    return TS_DATA;
}

static void socket_input(ChrFd *f, const uint8_t *buf, int len)
{
    SocketChr *s = container_of(f, SocketChr, io);
    uint8_t out[4096];
    int n = 0;

    if (!s->telnet) {
        chr_be_deliver(s->chr, buf, len);
        return;
    }
    for (int i = 0; i < len; i++) {
        bool keep;

        if (s->tn == TS_IAC && buf[i] == TN_BRK) {
            /* Bytes before the break reach the front end first. */
            chr_be_deliver(s->chr, out, n);
            n = 0;
            chr_be_event(s->chr, CHR_EVENT_BREAK);
        }
        s->tn = socket_telnet_step(s->tn, buf[i], &keep);
        if (keep && n < (int)sizeof(out)) {
            out[n++] = buf[i];
        }
    }
    chr_be_deliver(s->chr, out, n);
}

/* ---- connection state ---- */

static void socket_accept(void *opaque);

static void socket_set_label(SocketChr *s, const char *peer)
{
    char *label = peer ? (s->is_unix ? xstrdup(s->desc) : xasprintf("%s <-> %s", s->desc, peer))
                       : xasprintf("disconnected:%s", s->desc);

    chardev_set_label(s->chr, label);
    free(label);
}

static void socket_disconnect(SocketChr *s, bool notify)
{
    if (s->io.in_fd < 0) {
        return;
    }
    chr_fd_stop(&s->io);
    close(s->io.in_fd);
    s->io.in_fd = s->io.out_fd = -1;
    socket_set_label(s, NULL);
    if (s->listen_fd >= 0) {
        mainloop_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
    }
    if (notify) {
        chr_be_set_open(s->chr, false);
    } else {
        s->chr->be_open = false;
    }
}

static void socket_hangup(ChrFd *f)
{
    socket_disconnect(container_of(f, SocketChr, io), true);
}

static void socket_connected(SocketChr *s, int fd)
{
    int one = 1;

    chr_set_nonblock(fd);
    if (!s->is_unix && s->nodelay) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (s->listen_fd >= 0) {
        mainloop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    }
    chr_fd_init(&s->io, s->chr, fd, fd, 1000);
    s->io.is_socket = true;
    s->io.input = socket_input;
    s->io.hangup = socket_hangup;
    s->tn = TS_DATA;
    char *peer = s->is_unix ? NULL : socket_fd_desc(fd, true);
    socket_set_label(s, peer ? peer : "");
    free(peer);
    if (s->telnet && s->listen_fd >= 0) {
        socket_telnet_init(s);
    }
    chr_be_set_open(s->chr, true);
    chr_fd_update(&s->io);
}

static void socket_accept(void *opaque)
{
    SocketChr *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd >= 0) {
        socket_connected(s, fd);
    }
}

/* wait=on: block start-up until the first client connects. */
static void socket_wait_first(SocketChr *s)
{
    struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};

    fprintf(stderr, "%s: info: kemu waiting for connection on: %s\n", error_progname,
            s->chr->label);
    while (s->io.in_fd < 0) {
        if (qemu_shutdown_pending()) {
            /* SIGINT/SIGTERM during start-up: leave quietly, as QEMU does
             * (the at-exit handlers close this chardev). */
            exit(0);
        }
        if (poll(&p, 1, 100) > 0) {
            socket_accept(s);
        }
    }
}

/* ---- ChardevOps ---- */

static int socket_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChr *s = chr->priv;
    int rc;

    if (s->io.out_fd < 0) {
        return len;
    }
    if (s->telnet && memchr(buf, TN_IAC, len)) {
        uint8_t *esc = xmalloc(2 * (size_t)len);
        int n = 0;
        for (int i = 0; i < len; i++) {
            esc[n++] = buf[i];
            if (buf[i] == TN_IAC) {
                esc[n++] = TN_IAC;
            }
        }
        rc = chr_fd_write(&s->io, esc, n);
        free(esc);
    } else {
        rc = chr_fd_write(&s->io, buf, len);
    }
    if (rc < 0) {
        socket_disconnect(s, true);
    }
    return len;
}

static void socket_chr_accept_input(Chardev *chr)
{
    SocketChr *s = chr->priv;

    if (s->io.in_fd >= 0) {
        chr_fd_update(&s->io);
    }
}

static void socket_chr_close(Chardev *chr)
{
    SocketChr *s = chr->priv;

    socket_disconnect(s, false);
    if (s->listen_fd >= 0) {
        mainloop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
    }
    if (s->unlink_path) {
        unlink(s->unlink_path);
    }
    free(s->unlink_path);
    free(s->desc);
    free(s);
    chr->priv = NULL;
}

static const ChardevOps socket_ops = {
    .name = "socket",
    .write = socket_chr_write,
    .accept_input = socket_chr_accept_input,
    .close = socket_chr_close,
};

/* ---- creation ---- */

static bool socket_parse(Opts *opts, SocketCfg *c, Error **errp)
{
    bool has_wait = opts_get(opts, "wait") != NULL;

    c->path = opts_get(opts, "path");
    c->host = opts_get(opts, "host");
    c->port = opts_get(opts, "port");
    if (!opts_get_bool(opts, "server", false, &c->server, errp) ||
        !opts_get_bool(opts, "wait", true, &c->wait, errp) ||
        !opts_get_bool(opts, "nodelay", false, &c->nodelay, errp) ||
        !opts_get_bool(opts, "telnet", false, &c->telnet, errp) ||
        !opts_get_bool(opts, "ipv4", false, &c->ipv4, errp) ||
        !opts_get_bool(opts, "ipv6", false, &c->ipv6, errp) ||
        !opts_get_bool(opts, "abstract", false, &c->abstract, errp)) {
        return false;
    }
    if (!c->path && !c->port) {
        error_setg(errp, c->host ? "chardev: socket: no port given"
                                 : "chardev: socket: no path or port given");
        return false;
    }
    if (!c->server && has_wait) {
        error_setg(errp, "'wait' option is incompatible with socket in client connect mode");
        return false;
    }
    if (opts_get(opts, "reconnect")) {
        if (c->server) {
            error_setg(errp, "'reconnect' option is incompatible with socket in server "
                             "listen mode");
            return false;
        }
        warn_report("chardev: socket: 'reconnect' is not supported yet, ignored");
    }
    return true;
}

static char *socket_make_desc(const SocketCfg *c, int fd)
{
    const char *suffix = c->server ? ",server=on" : "";

    if (c->path) {
        return xasprintf("unix:%s%s", c->path, suffix);
    }
    if (c->server) {
        char *local = socket_fd_desc(fd, false);
        char *d = xasprintf("tcp:%s%s", local, suffix);
        free(local);
        return d;
    }
    return xasprintf("tcp:%s:%s", c->host ? c->host : "", c->port);
}

static bool socket_open(Chardev *chr, Opts *opts, Error **errp)
{
    SocketCfg c = {0};
    SocketChr *s;
    int fd;

    if (!socket_parse(opts, &c, errp)) {
        return false;
    }
    fd = c.path ? socket_unix(&c, errp)
                : (c.server ? socket_listen_tcp(&c, errp) : socket_connect_tcp(&c, errp));
    if (fd < 0) {
        return false;
    }
    s = XNEW0(SocketChr);
    s->chr = chr;
    s->is_unix = c.path != NULL;
    s->telnet = c.telnet;
    s->nodelay = c.nodelay;
    s->listen_fd = c.server ? fd : -1;
    s->unlink_path = c.server && c.path && !c.abstract ? xstrdup(c.path) : NULL;
    s->desc = socket_make_desc(&c, fd);
    chr_fd_init(&s->io, chr, -1, -1, 1000);
    chr->priv = s;
    chr->ops = &socket_ops;
    if (!c.server) {
        socket_connected(s, fd);
        return true;
    }
    chr_set_nonblock(fd);
    socket_set_label(s, NULL);
    mainloop_set_fd_handler(fd, socket_accept, NULL, s);
    if (c.wait) {
        socket_wait_first(s);
    }
    return true;
}

static const char *const socket_keys[] = {
    "path", "host",   "port", "to",       "ipv4",     "ipv6",  "server",
    "wait", "nodelay", "telnet", "reconnect", "abstract", "tight", NULL,
};

const ChrBackend chr_backend_socket = {
    .name = "socket",
    .keys = socket_keys,
    .open = socket_open,
};
