/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for chardev/: option syntax, errors, backends, mux escapes.
 *
 * Drives the backends through the public API and the main loop: the file
 * backend's output, null, the -chardev and legacy -serial syntax and their
 * QEMU error messages, Unix and TCP socket servers and clients (round trips,
 * disconnect and re-accept, wait=on, telnet), the stdio backend on pipes
 * and on a pty (raw mode set and restored), input flow control, the
 * Ctrl-a multiplexer, and pty creation.
 * Reference: QEMU manual, "Character device options" and "-serial dev".
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../../chardev/chardev-internal.h"
#include "kemu/mainloop.h"
#include "tap.h"

/* ---- a recording front end ---- */

typedef struct TestFe {
    int room;          /* what can_read returns */
    char got[8192];
    int len;
    int opened, closed, breaks;
} TestFe;

static int fe_can_read(void *opaque)
{
    TestFe *fe = opaque;
    return fe->room;
}

static void fe_read(void *opaque, const uint8_t *buf, int len)
{
    TestFe *fe = opaque;

    if (len > fe->room) {
        diag("front end overrun: %d > %d", len, fe->room);
    }
    memcpy(fe->got + fe->len, buf, MIN(len, (int)sizeof(fe->got) - fe->len - 1));
    fe->len += MIN(len, (int)sizeof(fe->got) - fe->len - 1);
    fe->got[fe->len] = 0;
    fe->room -= len;
}

static void fe_event(void *opaque, ChrEvent ev)
{
    TestFe *fe = opaque;

    fe->opened += ev == CHR_EVENT_OPENED;
    fe->closed += ev == CHR_EVENT_CLOSED;
    fe->breaks += ev == CHR_EVENT_BREAK;
}

static void fe_attach(Chardev *chr, TestFe *fe, int room)
{
    memset(fe, 0, sizeof(*fe));
    fe->room = room;
    chr_set_handlers(chr, fe_can_read, fe_read, fe_event, fe);
}

/* Run the main loop until cond() holds or about 2 s pass. */
#define POLL_UNTIL(cond)                                                                           \
    ({                                                                                             \
        for (int poll_i_ = 0; poll_i_ < 200 && !(cond); poll_i_++)                                 \
            mainloop_poll(10 * 1000000LL);                                                         \
        (cond);                                                                                    \
    })

static void settle(void)
{
    for (int i = 0; i < 5; i++) {
        mainloop_poll(5 * 1000000LL);
    }
}

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

    if (fd >= 0) {
        close(fd);
    }
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static int read_avail(int fd, char *buf, int cap, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int len = 0;

    while (len < cap - 1 && poll(&p, 1, len ? 50 : wait_ms) > 0) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0) {
            break;
        }
        len += n;
    }
    buf[len] = 0;
    return len;
}

static void wr(int fd, const void *buf, size_t len)
{
    if (write(fd, buf, len) != (ssize_t)len) {
        diag("short write: %s", strerror(errno));
    }
}

static Chardev *new_opts(const char *text)
{
    Error *err = NULL;
    Chardev *chr = chardev_new_from_opts(text, &err);

    if (err) {
        diag("%s: %s", text, err->msg);
        error_free(err);
    }
    return chr;
}

/* The error message of a failing -chardev, or "" if it succeeded. */
static const char *opts_error(const char *text)
{
    static char msg[512];
    Error *err = NULL;
    Chardev *chr = chardev_new_from_opts(text, &err);

    snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
    error_free(err);
    ok(chr == NULL, "'%s' fails", text);
    return msg;
}

static const char *legacy_error(const char *label, const char *spec)
{
    static char msg[512];
    Error *err = NULL;
    Chardev *chr = chardev_new_legacy(label, spec, &err);

    snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
    error_free(err);
    ok(chr == NULL, "legacy '%s' fails", spec);
    return msg;
}

/* ---- null, file, options ---- */

static void test_null(void)
{
    Error *err = NULL;
    Chardev *chr = chardev_new_legacy("serial9", "null", &err);
    TestFe fe;

    ok(chr && !err, "legacy null");
    is_int(chr_write(chr, (const uint8_t *)"abc", 3), 3, "null swallows output");
    ok(chardev_find("serial9") == chr, "legacy chardev found by its label");
    fe_attach(chr, &fe, 10);
    is_int(fe.opened, 1, "null: OPENED on attach");
    chr = new_opts("null,id=nul2");
    ok(chr && chardev_find("nul2") == chr, "-chardev null,id=nul2");
}

static void test_file(void)
{
    char *path = tmp_path("out.txt");
    char *opt = xasprintf("file,id=f1,path=%s", path);
    Chardev *chr = new_opts(opt);

    ok(chr != NULL, "-chardev file");
    is_int(chr_write(chr, (const uint8_t *)"hello\n", 6), 6, "file write returns len");
    chr_write(chr, (const uint8_t *)"world", 5);
    is_str(slurp(path), "hello\nworld", "file holds exactly what was written");
    free(opt);

    opt = xasprintf("file,id=f2,path=%s,append=on", path);
    chr = new_opts(opt);
    chr_write(chr, (const uint8_t *)"!", 1);
    is_str(slurp(path), "hello\nworld!", "append=on appends");
    free(opt);

    char *spec = xasprintf("file:%s", path);
    Error *err = NULL;
    chr = chardev_new_legacy("serial8", spec, &err);
    ok(chr && !err, "legacy file:PATH");
    is_str(slurp(path), "", "legacy file truncates");
    chr_write(chr, (const uint8_t *)"x", 1);
    is_str(slurp(path), "x", "legacy file output");
    free(spec);
    free(path);
}

static void test_opt_errors(void)
{
    is_str(opts_error("null"), "chardev: no id specified", "missing id");
    is_str(opts_error("id=x"), "chardev: \"x\" missing backend", "missing backend");
    is_str(opts_error("null,id=nul2"), "Duplicate ID 'nul2' for chardev", "duplicate id");
    is_str(opts_error("bogus,id=a"), "'bogus' is not a valid char driver name",
           "unknown backend");
    is_str(opts_error("null,id=a,foo=1"), "Invalid parameter 'foo'", "unknown option");
    is_str(opts_error("file,id=a,path=/tmp/x,append=maybe"),
           "Parameter 'append' expects 'on' or 'off'", "bad boolean");
    is_str(opts_error("null,id=1a"),
           "Parameter 'id' expects an identifier\nIdentifiers consist of letters, digits, "
           "'-', '.', '_', starting with a letter.",
           "bad identifier");
    is_str(opts_error("file,id=a"), "chardev: file: no filename given", "file without path");
    is_str(opts_error("file,id=a,path=/nonexistent-dir/x"),
           "Could not open '/nonexistent-dir/x': No such file or directory", "file open error");
    is_str(opts_error("socket,id=a,host=localhost"), "chardev: socket: no port given",
           "socket without port");
    is_str(opts_error("socket,id=a,host=localhost,port=4444,wait=off"),
           "'wait' option is incompatible with socket in client connect mode",
           "wait with a client");
    is_str(opts_error("socket,id=a,path=/tmp/k.sock,server=on,reconnect=1"),
           "'reconnect' option is incompatible with socket in server listen mode",
           "reconnect with a server");
    is_str(opts_error("socket,id=a,path=/nonexistent-dir/x.sock"),
           "Failed to connect to '/nonexistent-dir/x.sock': No such file or directory",
           "unix client connect failure");
    is_str(opts_error("socket,id=a,path=/nonexistent-dir/x.sock,server=on,wait=off"),
           "Failed to bind socket to /nonexistent-dir/x.sock: No such file or directory",
           "unix server bind failure");
    ok(chardev_find("a") == NULL, "failed creations leave nothing behind");
}

/* Create a chardev from opt with stderr going to a file; return what it printed. */
static const char *capture_stderr(Chardev **out, const char *opt)
{
    char *path = tmp_path("stderr.txt");
    int saved = dup(2);
    int efd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    dup2(efd, 2);
    *out = new_opts(opt);
    dup2(saved, 2);
    close(saved);
    close(efd);
    const char *text = slurp(path);
    free(path);
    return text;
}

static void test_short_forms(void)
{
    char *path = tmp_path("sf.sock");
    char *opt = xasprintf("socket,id=sf,path=%s,server,nowait", path);
    Chardev *chr;
    const char *err = capture_stderr(&chr, opt);

    ok(chr != NULL && !chr->be_open, "-chardev short forms server,nowait work");
    is_str(err,
           "kemu-system-x86_64: warning: short-form boolean option 'server' deprecated\n"
           "Please use server=on instead\n"
           "kemu-system-x86_64: warning: short-form boolean option 'nowait' deprecated\n"
           "Please use wait=off instead\n",
           "QEMU's deprecation warnings");
    free(opt);
    opt = xasprintf("socket,id=sf2,path=%s,,x,server=on,wait=off", path);
    chr = new_opts(opt);
    ok(chr && strstr(chr->label, "sf.sock,x,server=on"), "',,' in a path: %s",
       chr ? chr->label : "");
    free(opt);
    opt = xasprintf("unix:%s,server,nowait", path);
    Error *e = NULL;
    chr = chardev_new_legacy("serial3", opt, &e);
    ok(chr && !e, "legacy unix:PATH,server,nowait");
    free(opt);
    free(path);
}

/* ---- legacy syntax ---- */

static void test_legacy(void)
{
    Error *err = NULL;
    Chardev *chr;

    chr = chardev_new_legacy("serial7", "none", &err);
    ok(chr == NULL && err == NULL, "none: NULL without error");
    is_str(legacy_error("serial0", "foo"),
           "'foo' is not a valid char driver\n"
           "kemu-system-x86_64: -serial foo: could not connect serial device to character "
           "backend 'foo'",
           "unknown legacy spec, QEMU's two lines");
    is_str(legacy_error("monitor0", "foo"), "'foo' is not a valid char driver",
           "unknown spec for a non-serial label");
    is_str(legacy_error("serial0", "chardev:zz"),
           "could not connect serial device to character backend 'chardev:zz'",
           "chardev:ID that does not exist");
    chr = chardev_new_legacy("serial6", "chardev:nul2", &err);
    ok(chr && chr == chardev_find("nul2"), "chardev:ID returns the existing chardev");
    chr = chardev_new_legacy("serial5", "vc", &err);
    ok(chr && !err && !strcmp(chr->label, "null"), "vc is accepted as null");
    is_str(legacy_error("serial0", "tcp:localhost"),
           "'tcp:localhost' is not a valid char driver\n"
           "kemu-system-x86_64: -serial tcp:localhost: could not connect serial device to "
           "character backend 'tcp:localhost'",
           "tcp: without a port");
    is_str(legacy_error("qtest", "unix:/nonexistent-dir/q.sock"),
           "Failed to connect to '/nonexistent-dir/q.sock': No such file or directory",
           "unix: client error");
    chr = new_opts("null,id=mx,mux=on");
    ok(chr && chr == chardev_find("mx") && chardev_find("mx-base"),
       "mux=on makes ID and ID-base");
    ok(chr && !strcmp(chr->label, "mux:null"), "mux label");
}

/* ---- sockets ---- */

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_connect(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_socket_unix(void)
{
    char *path = tmp_path("u.sock");
    char *opt = xasprintf("socket,id=us,path=%s,server=on,wait=off", path);
    char *want = xasprintf("disconnected:unix:%s,server=on", path);
    Chardev *chr = new_opts(opt);
    TestFe fe;
    char buf[64];
    int c;

    ok(chr != NULL, "unix server, wait=off");
    if (!chr) {
        return;
    }
    is_str(chr->label, want, "label while disconnected");
    fe_attach(chr, &fe, 100);
    is_int(fe.opened, 0, "no OPENED before a client");
    is_int(chr_write(chr, (const uint8_t *)"lost", 4), 4, "output without a client is dropped");
    c = unix_connect(path);
    ok(c >= 0, "client connects");
    ok(POLL_UNTIL(fe.opened == 1), "accept -> OPENED");
    wr(c, "abc", 3);
    ok(POLL_UNTIL(fe.len == 3), "client bytes reach the front end");
    is_str(fe.got, "abc", "input bytes");
    chr_write(chr, (const uint8_t *)"xyz", 3);
    read_avail(c, buf, sizeof(buf), 1000);
    is_str(buf, "xyz", "output reaches the client (nothing from before it connected)");
    close(c);
    ok(POLL_UNTIL(fe.closed == 1), "EOF -> CLOSED");
    is_str(chr->label, want, "label back to disconnected");
    c = unix_connect(path);
    ok(c >= 0 && POLL_UNTIL(fe.opened == 2), "a second client is accepted");
    wr(c, "2", 1);
    ok(POLL_UNTIL(fe.len == 4) && !strcmp(fe.got, "abc2"), "second client's input");
    close(c);
    POLL_UNTIL(fe.closed == 2);
    free(opt);
    free(want);
    free(path);
}

/* The port in "disconnected:tcp:127.0.0.1:PORT,server=on". */
static int label_port(const Chardev *chr)
{
    const char *p = strstr(chr->label, "127.0.0.1:");

    return p ? atoi(p + 10) : -1;
}

static void test_socket_tcp(void)
{
    Chardev *srv = new_opts("socket,id=ts,host=127.0.0.1,port=0,server=on,wait=off,nodelay=on");
    TestFe sfe, cfe;
    char *opt;
    int port;

    ok(srv != NULL, "tcp server on port 0");
    if (!srv) {
        return;
    }
    ok(!strncmp(srv->label, "disconnected:tcp:127.0.0.1:", 27) &&
           strstr(srv->label, ",server=on"),
       "tcp server label: %s", srv->label);
    port = label_port(srv);
    ok(port > 0, "bound port %d", port);
    fe_attach(srv, &sfe, 1000);
    opt = xasprintf("socket,id=tc,host=127.0.0.1,port=%d", port);
    Chardev *cli = new_opts(opt);
    free(opt);
    ok(cli != NULL, "tcp client connects at creation");
    if (!cli) {
        return;
    }
    fe_attach(cli, &cfe, 1000);
    is_int(cfe.opened, 1, "client: OPENED on attach");
    ok(POLL_UNTIL(sfe.opened == 1), "server accepted");
    ok(strstr(srv->label, " <-> 127.0.0.1:") != NULL, "connected label: %s", srv->label);
    chr_write(cli, (const uint8_t *)"ping", 4);
    ok(POLL_UNTIL(sfe.len == 4) && !strcmp(sfe.got, "ping"), "client -> server");
    chr_write(srv, (const uint8_t *)"pong!", 5);
    ok(POLL_UNTIL(cfe.len == 5) && !strcmp(cfe.got, "pong!"), "server -> client");

    /* A raw client is refused while one is connected; it gets in after. */
    int c2 = tcp_connect(port);
    settle();
    is_int(sfe.opened, 1, "one client at a time");
    /* Close the chardev client: the server sees EOF, then takes c2. */
    cli->ops->close(cli);
    chardev_free(cli);
    ok(POLL_UNTIL(sfe.closed == 1), "client gone -> CLOSED");
    ok(POLL_UNTIL(sfe.opened == 2), "queued client accepted next");
    wr(c2, "q", 1);
    ok(POLL_UNTIL(sfe.len == 5), "queued client's input");
    close(c2);
    POLL_UNTIL(sfe.closed == 2);
}

/* Legacy tcp syntax on a random high port, retried if the port is taken. */
static void test_socket_tcp_legacy(void)
{
    Chardev *chr = NULL;
    int port = 0;

    srand(getpid());
    for (int tries = 0; tries < 20 && !chr; tries++) {
        Error *err = NULL;
        port = 20000 + rand() % 40000;
        char *spec = xasprintf("tcp:127.0.0.1:%d,server,nowait", port);
        chr = chardev_new_legacy("serial4", spec, &err);
        error_free(err);
        free(spec);
    }
    ok(chr != NULL, "legacy tcp:127.0.0.1:PORT,server,nowait");
    if (!chr) {
        return;
    }
    char *want = xasprintf("disconnected:tcp:127.0.0.1:%d,server=on", port);
    is_str(chr->label, want, "legacy tcp label");
    free(want);
    TestFe fe;
    fe_attach(chr, &fe, 100);
    int c = tcp_connect(port);
    ok(c >= 0 && POLL_UNTIL(fe.opened == 1), "legacy tcp server accepts");
    wr(c, "L", 1);
    ok(POLL_UNTIL(fe.len == 1), "legacy tcp input");
    close(c);
    POLL_UNTIL(fe.closed == 1);
}

/* wait=on: creation blocks until a client connects; check the message. */
static void test_socket_wait(void)
{
    char *path = tmp_path("w.sock");
    char *opt = xasprintf("socket,id=uw,path=%s,server=on", path);
    pid_t pid = fork();

    if (pid == 0) {
        for (int i = 0; i < 200; i++) {
            int c = unix_connect(path);
            if (c >= 0) {
                wr(c, "W", 1);
                usleep(300000);
                _exit(0);
            }
            usleep(10000);
        }
        _exit(1);
    }
    Chardev *chr;
    const char *printed = capture_stderr(&chr, opt);
    char *want = xasprintf("kemu-system-x86_64: info: kemu waiting for connection on: "
                           "disconnected:unix:%s,server=on\n", path);
    is_str(printed, want, "waiting message");
    ok(chr && chr->be_open, "wait=on returns connected");
    if (chr) {
        TestFe fe;
        fe_attach(chr, &fe, 10);
        is_int(fe.opened, 1, "OPENED on attach after the wait");
        ok(POLL_UNTIL(fe.len == 1) && fe.got[0] == 'W', "input from the waited-for client");
    }
    int st;
    waitpid(pid, &st, 0);
    free(want);
    free(opt);
    free(path);
}

static void test_telnet(void)
{
    Chardev *srv = new_opts("socket,id=tn,host=127.0.0.1,port=0,server=on,wait=off,telnet=on");
    TestFe fe;
    uint8_t buf[64];

    ok(srv != NULL, "telnet server");
    if (!srv) {
        return;
    }
    fe_attach(srv, &fe, 1000);
    int c = tcp_connect(label_port(srv));
    ok(POLL_UNTIL(fe.opened == 1), "telnet client accepted");
    int n = read_avail(c, (char *)buf, sizeof(buf), 1000);
    ok(n == 12 && buf[0] == 255 && buf[1] == 251 && buf[2] == 1, "negotiation sent (%d bytes)",
       n);
    wr(c, "a\xff\xfb\x01" "b\xff\xff" "c\xff\xfa\x18\x01\xff\xf0" "d", 15);
    ok(POLL_UNTIL(fe.len == 5), "telnet commands stripped");
    ok(!memcmp(fe.got, "ab\xff" "cd", 5), "telnet data bytes kept, IAC IAC is 0xff");
    wr(c, "\xff\xf3", 2);
    ok(POLL_UNTIL(fe.breaks == 1), "IAC BRK -> CHR_EVENT_BREAK");
    chr_write(srv, (const uint8_t *)"\xff", 1);
    n = read_avail(c, (char *)buf, sizeof(buf), 1000);
    ok(n == 2 && buf[0] == 255 && buf[1] == 255, "0xff doubled on output");
    close(c);
    POLL_UNTIL(fe.closed == 1);
}

/* ---- stdio, flow control, mux ---- */

static void test_flow_control(void)
{
    int in[2];
    TestFe fe;

    if (pipe(in) < 0) {
        return;
    }
    Chardev *chr = chr_stdio_new_fds("fc", in[0], -1, true, NULL);
    fe_attach(chr, &fe, 4);
    wr(in[1], "0123456789", 10);
    ok(POLL_UNTIL(fe.len == 4), "first 4 bytes delivered");
    settle();
    is_int(fe.len, 4, "no more while the front end is full");
    ok(!mainloop_poll(0), "the read handler is removed while full");
    fe.room = 3;
    chr_accept_input(chr);
    ok(POLL_UNTIL(fe.len == 7), "accept_input resumes");
    fe.room = 100;
    chr_accept_input(chr);
    ok(POLL_UNTIL(fe.len == 10), "rest delivered");
    is_str(fe.got, "0123456789", "in order, nothing lost");
    close(in[1]);
    ok(POLL_UNTIL(fe.closed == 1), "EOF on stdin -> CLOSED");
}

/* Write s to the mux's input and let the main loop process it. */
static void mux_feed(int fd, const char *s)
{
    wr(fd, s, strlen(s));
    settle();
}

static void test_mux(void)
{
    int in[2], out[2];
    char buf[1024];
    TestFe fe, fe2;

    if (pipe(in) < 0 || pipe(out) < 0) {
        return;
    }
    Chardev *base = chr_stdio_new_fds("mb", in[0], out[1], true, NULL);
    Chardev *mux = chr_mux_new("m", base, NULL);
    fe_attach(mux, &fe, 100);
    is_int(fe.opened, 1, "mux: OPENED on attach");

    mux_feed(in[1], "a\x01\x01" "b");
    ok(POLL_UNTIL(fe.len == 3), "C-a C-a");
    ok(!memcmp(fe.got, "a\x01" "b", 3), "C-a C-a sends one C-a");

    mux_feed(in[1], "\x01h");
    read_avail(out[0], buf, sizeof(buf), 1000);
    ok(!strncmp(buf, "\n\rC-a h    print this help\n\rC-a x    exit emulator\n\r", 50),
       "C-a h prints the help");
    ok(strstr(buf, "C-a C-a  sends C-a\n\r") != NULL, "help ends with C-a C-a");
    is_int(fe.len, 3, "escapes are not input");

    mux_feed(in[1], "\x01" "b");
    ok(POLL_UNTIL(fe.breaks == 1), "C-a b sends a break");

    mux_feed(in[1], "\x01" "c");
    read_avail(out[0], buf, sizeof(buf), 1000);
    is_str(buf, "\r\nkemu: no monitor on this console, staying here\r\n",
           "C-a c without a monitor");

    chr_write(mux, (const uint8_t *)"out", 3);
    read_avail(out[0], buf, sizeof(buf), 1000);
    is_str(buf, "out", "front end output passes through");

    mux_feed(in[1], "\x01t");
    settle();
    chr_write(mux, (const uint8_t *)"a\nb", 3);
    read_avail(out[0], buf, sizeof(buf), 1000);
    is_str(buf, "a\n[00:00:00.000] b", "C-a t: timestamps at line starts");
    mux_feed(in[1], "\x01t");
    settle();

    /* The front end is full: escapes still work, data waits in the mux. */
    fe.room = 0;
    mux_feed(in[1], "xy\x01x");
    ok(POLL_UNTIL(qemu_shutdown_pending()), "C-a x while the front end is full");
    int status = -1;
    is_int(qemu_take_shutdown(&status), SHUTDOWN_HOST_QUIT, "C-a x: SHUTDOWN_HOST_QUIT");
    is_int(status, 0, "exit status 0");
    read_avail(out[0], buf, sizeof(buf), 1000);
    is_str(buf, "kemu: Terminated\n\r", "C-a x message");
    fe.room = 10;
    chr_accept_input(mux);
    ok(POLL_UNTIL(fe.len == 5) && !memcmp(fe.got + 3, "xy", 2), "buffered input delivered");

    /* A second front end takes the focus; C-a c rotates back. */
    fe_attach(mux, &fe2, 10);
    mux_feed(in[1], "2");
    ok(POLL_UNTIL(fe2.len == 1), "the last front end to attach has the focus");
    mux_feed(in[1], "\x01" "c1");
    ok(POLL_UNTIL(fe.len == 6) && fe.got[5] == '1', "C-a c switches to the first front end");
    is_int(fe2.len, 1, "second front end got nothing more");
    chr_write(mux, (const uint8_t *)"o", 1);
    read_avail(out[0], buf, sizeof(buf), 1000);
    is_str(buf, "o", "output from either front end");

    chr_mux_set_escape_char(0x02);
    mux_feed(in[1], "\x01\x02" "b");
    ok(POLL_UNTIL(fe.len == 7) && fe.got[6] == 1 && fe.breaks == 2,
       "-echr: C-b is the escape, C-a is data");
    chr_mux_set_escape_char(0x01);
    close(in[1]);
    ok(POLL_UNTIL(fe.closed == 1 && fe2.closed == 1), "backend EOF reaches every front end");
}

static void test_stdio_tty(void)
{
    int m, sl;
    struct termios t;

    if (openpty(&m, &sl, NULL, NULL, NULL) < 0) {
        ok(0, "openpty");
        return;
    }
    tcgetattr(sl, &t);
    ok((t.c_lflag & ICANON) && (t.c_lflag & ECHO), "pty starts cooked");
    Chardev *chr = chr_stdio_new_fds("tt", sl, sl, false, NULL);
    tcgetattr(sl, &t);
    ok(!(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)), "raw: no ICANON/ECHO/ISIG/IEXTEN");
    ok(!(t.c_iflag & (ICRNL | IXON)), "raw: no ICRNL/IXON");
    ok((t.c_oflag & OPOST) && (t.c_oflag & ONLCR), "output processing kept (OPOST|ONLCR)");
    TestFe fe;
    fe_attach(chr, &fe, 10);
    wr(m, "\r", 1);
    ok(POLL_UNTIL(fe.len == 1) && fe.got[0] == '\r', "CR arrives untranslated");
    chr->ops->close(chr);
    chardev_free(chr);
    tcgetattr(sl, &t);
    ok((t.c_lflag & ICANON) && (t.c_lflag & ECHO) && (t.c_lflag & ISIG),
       "terminal restored on close");
    close(m);
    close(sl);
}

static void test_pty(void)
{
    Chardev *chr;
    char *printed = xstrdup(capture_stderr(&chr, "pty,id=ptyx"));

    ok(chr && !strncmp(chr->label, "pty:/dev/pts/", 13), "pty label: %s", chr ? chr->label : "");
    if (!chr) {
        return;
    }
    char *want = xasprintf("char device redirected to %s (label ptyx)\n", chr->label + 4);
    is_str(printed, want, "pty message");
    free(want);
    int s = open(chr->label + 4, O_RDWR | O_NOCTTY);
    ok(s >= 0, "slave opens");
    TestFe fe;
    fe_attach(chr, &fe, 100);
    chr_write(chr, (const uint8_t *)"to-pty\n", 7);
    char buf[64];
    read_avail(s, buf, sizeof(buf), 1000);
    is_str(buf, "to-pty\n", "output on the slave, raw");
    wr(s, "from\r", 5);
    ok(POLL_UNTIL(fe.len == 5) && !strcmp(fe.got, "from\r"), "slave input reaches front end");
    close(s);
    free(printed);
}

static void test_close_all(void)
{
    char *path = tmp_path("c.sock");
    char *opt = xasprintf("socket,id=cs,path=%s,server=on,wait=off", path);

    ok(new_opts(opt) != NULL, "unix server for close_all");
    ok(access(path, F_OK) == 0, "socket file exists");
    chardev_close_all();
    ok(access(path, F_OK) != 0, "close_all removes the socket file");
    ok(chardev_find("nul2") == NULL && chardev_find("cs") == NULL, "registry emptied");
    chardev_close_all();
    ok(1, "close_all twice is safe");
    ok(new_opts("null,id=nul2") != NULL, "ids are free again");
    chardev_close_all();
    free(opt);
    free(path);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-chardev-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_null();
    test_file();
    test_opt_errors();
    test_short_forms();
    test_legacy();
    test_socket_unix();
    test_socket_tcp();
    test_socket_tcp_legacy();
    test_socket_wait();
    test_telnet();
    test_flow_control();
    test_mux();
    test_stdio_tty();
    test_pty();
    test_close_all();
    char *cmd = xasprintf("rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        diag("could not remove %s", tmpdir);
    }
    free(cmd);
    return done_testing();
}
