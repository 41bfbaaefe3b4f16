/* SPDX-License-Identifier: MIT */
/*
 * The multiplexer: several front ends on one backend, with Ctrl-a escapes.
 *
 * mon:stdio and -chardev ...,mux=on put this on top of a backend. Each
 * front end that calls chr_set_handlers() gets a slot and the focus (the
 * last to attach, normally the UART, has it at start). Input goes to the
 * focused front end; output from every front end goes to the backend. The
 * escape character (Ctrl-a, -echr) introduces commands: h or ? help,
 * x quit, s commit disks, t timestamps, b break, c next front end (the
 * front ends get CHR_EVENT_MUX_OUT / CHR_EVENT_MUX_IN, so the monitor can
 * show its prompt), and Ctrl-a Ctrl-a for a literal Ctrl-a. Each slot buffers a few bytes so the
 * escapes are seen even while the focused front end cannot take input.
 * Reference: QEMU manual, "Keys in the character backend multiplexer".
 */
#include "chardev-internal.h"

#include <time.h>

#include "kemu/log.h"
#include "kemu/mainloop.h"

#define MUX_MAX_FE 4
#define MUX_BUF_SIZE 32

typedef struct MuxSlot {
    ChrCanReadFn *can_read;
    ChrReadFn *read;
    ChrEventFn *event;
    void *opaque;
    uint8_t buf[MUX_BUF_SIZE]; /* input waiting for this front end */
    unsigned prod, cons;
} MuxSlot;

typedef struct MuxChr {
    Chardev *chr;
    Chardev *base;
    MuxSlot slot[MUX_MAX_FE];
    int nr_slots;
    int focus;            /* -1 until a front end attaches */
    bool got_escape;
    bool timestamps;      /* Ctrl-a t */
    bool linestart;       /* next output byte starts a line */
    int64_t ts_start_ms;  /* first stamp, -1 before it */
} MuxChr;

static int mux_escape_char = 0x01; /* Ctrl-a */

void chr_mux_set_escape_char(int ch)
{
    mux_escape_char = ch & 0xff;
}

/* ---- output ---- */

static int64_t mux_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mux_write_stamp(MuxChr *m)
{
    char buf[40];
    int64_t now = mux_now_ms(), ms;

    if (m->ts_start_ms < 0) {
        m->ts_start_ms = now;
    }
    ms = now - m->ts_start_ms;
    int n = snprintf(buf, sizeof(buf), "[%02d:%02d:%02d.%03d] ", (int)(ms / 3600000),
                     (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000));
    chr_write(m->base, (const uint8_t *)buf, n);
}

static int mux_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChr *m = chr->priv;

    if (!m->timestamps) {
        chr_write(m->base, buf, len);
        return len;
    }
    for (int i = 0; i < len; i++) {
        if (m->linestart) {
            mux_write_stamp(m);
            m->linestart = false;
        }
        chr_write(m->base, buf + i, 1);
        if (buf[i] == '\n') {
            m->linestart = true;
        }
    }
    return len;
}

static void mux_puts(MuxChr *m, const char *s)
{
    mux_chr_write(m->chr, (const uint8_t *)s, (int)strlen(s));
}

static void mux_print_help(MuxChr *m)
{
    static const char *const help[] = {
        "h    print this help",
        "x    exit emulator",
        "s    save disk data back to file (if -snapshot)",
        "t    toggle console timestamps",
        "b    send break (magic sysrq)",
        "c    switch between console and monitor",
    };
    char esc[16], line[96];

    if (mux_escape_char > 0 && mux_escape_char < 27) {
        snprintf(esc, sizeof(esc), "C-%c", mux_escape_char - 1 + 'a');
    } else {
        snprintf(esc, sizeof(esc), "0x%02x", mux_escape_char);
    }
    mux_puts(m, "\n\r");
    for (size_t i = 0; i < ARRAY_SIZE(help); i++) {
        snprintf(line, sizeof(line), "%s %s\n\r", esc, help[i]);
        mux_puts(m, line);
    }
    snprintf(line, sizeof(line), "%s %s  sends %s\n\r", esc, esc, esc);
    mux_puts(m, line);
}

/* ---- focus and input ---- */

static void mux_set_focus(MuxChr *m, int i)
{
    MuxSlot *sl = &m->slot[i];

    m->focus = i;
    m->chr->fe_can_read = sl->can_read;
    m->chr->fe_read = sl->read;
    m->chr->fe_event = sl->event;
    m->chr->fe_opaque = sl->opaque;
    m->chr->fe_attached = true;
}

/* Tell a front end it gained or lost the focus (the monitor prints its
 * prompt or ends its line). */
static void mux_focus_event(MuxChr *m, int i, ChrEvent ev)
{
    if (i >= 0 && i < m->nr_slots && m->slot[i].event) {
        m->slot[i].event(m->slot[i].opaque, ev);
    }
}

/* Move the focus to slot i, with MUX_OUT to the old and MUX_IN to the new. */
static void mux_move_focus(MuxChr *m, int i)
{
    int old = m->focus;

    if (old != i) {
        mux_focus_event(m, old, CHR_EVENT_MUX_OUT);
    }
    mux_set_focus(m, i);
    if (old != i) {
        mux_focus_event(m, i, CHR_EVENT_MUX_IN);
    }
}

static void mux_switch_focus(MuxChr *m)
{
    if (m->nr_slots < 2) {
        mux_puts(m, "\r\nkemu: no monitor on this console, staying here\r\n");
        return;
    }
    mux_move_focus(m, (m->focus + 1) % m->nr_slots);
    chr_accept_input(m->chr);
}

static void mux_do_escape(MuxChr *m, uint8_t ch)
{
    switch (ch) {
    case '?':
    case 'h':
        mux_print_help(m);
        break;
    case 'x':
        mux_puts(m, "kemu: Terminated\n\r");
        qemu_system_shutdown_request(SHUTDOWN_HOST_QUIT, 0);
        break;
    case 's':
        log_unimp("mux: Ctrl-a s: committing disk data is not supported\n");
        break;
    case 'b':
        chr_be_event(m->chr, CHR_EVENT_BREAK);
        break;
    case 'c':
        mux_switch_focus(m);
        break;
    case 't':
        m->timestamps = !m->timestamps;
        m->ts_start_ms = -1;
        m->linestart = false;
        break;
    default:
        break;
    }
}

/* Returns true if ch is data for the focused front end. */
static bool mux_proc_byte(MuxChr *m, uint8_t ch)
{
    if (m->got_escape) {
        m->got_escape = false;
        if (ch == mux_escape_char) {
            return true;
        }
        mux_do_escape(m, ch);
        return false;
    }
    if (ch == mux_escape_char) {
        m->got_escape = true;
        return false;
    }
    return true;
}

static unsigned mux_used(const MuxSlot *sl)
{
    return sl->prod - sl->cons;
}

static int mux_fe_room(MuxSlot *sl)
{
    int n = sl->can_read && sl->read ? sl->can_read(sl->opaque) : 0;
    return n > 0 ? n : 0;
}

/* Hand buffered bytes to the focused front end while it has room. */
static void mux_drain(MuxChr *m)
{
    if (m->focus < 0) {
        return;
    }
    MuxSlot *sl = &m->slot[m->focus];
    while (mux_used(sl) && mux_fe_room(sl) > 0) {
        uint8_t ch = sl->buf[sl->cons++ % MUX_BUF_SIZE];
        sl->read(sl->opaque, &ch, 1);
    }
}

static int mux_can_read(void *opaque)
{
    MuxChr *m = opaque;

    if (m->focus < 0) {
        return MUX_BUF_SIZE; /* nobody to feed yet: escapes still work */
    }
    MuxSlot *sl = &m->slot[m->focus];
    unsigned used = mux_used(sl);
    return (int)(MUX_BUF_SIZE - used) + (used ? 0 : mux_fe_room(sl));
}

static void mux_read(void *opaque, const uint8_t *buf, int len)
{
    MuxChr *m = opaque;

    for (int i = 0; i < len; i++) {
        if (!mux_proc_byte(m, buf[i]) || m->focus < 0) {
            continue;
        }
        MuxSlot *sl = &m->slot[m->focus];
        if (!mux_used(sl) && mux_fe_room(sl) > 0) {
            sl->read(sl->opaque, &buf[i], 1);
        } else if (mux_used(sl) < MUX_BUF_SIZE) {
            sl->buf[sl->prod++ % MUX_BUF_SIZE] = buf[i];
        }
    }
}

static void mux_event(void *opaque, ChrEvent event)
{
    MuxChr *m = opaque;

    if (event == CHR_EVENT_OPENED || event == CHR_EVENT_CLOSED) {
        m->chr->be_open = event == CHR_EVENT_OPENED;
    }
    for (int i = 0; i < m->nr_slots; i++) {
        if (m->slot[i].event) {
            m->slot[i].event(m->slot[i].opaque, event);
        }
    }
}

/* ---- ChardevOps ---- */

static void mux_chr_accept_input(Chardev *chr)
{
    MuxChr *m = chr->priv;

    mux_drain(m);
    chr_accept_input(m->base);
}

static int mux_find_slot(MuxChr *m, void *opaque)
{
    for (int i = 0; i < m->nr_slots; i++) {
        if (m->slot[i].opaque == opaque) {
            return i;
        }
    }
    return -1;
}

static void mux_remove_slot(MuxChr *m, int i)
{
    memmove(&m->slot[i], &m->slot[i + 1], sizeof(m->slot[0]) * (m->nr_slots - i - 1));
    m->nr_slots--;
    if (m->nr_slots == 0) {
        m->focus = -1;
        m->chr->fe_attached = false;
        return;
    }
    mux_set_focus(m, m->focus > i ? m->focus - 1 : MIN(m->focus, m->nr_slots - 1));
}

/* chr_set_handlers() on the mux: add, update or drop the caller's slot. */
static void mux_chr_frontend_changed(Chardev *chr)
{
    MuxChr *m = chr->priv;
    int i = mux_find_slot(m, chr->fe_opaque);

    if (!chr->fe_attached) {
        /* Detaching: the caller's opaque, else the focused front end. */
        i = i >= 0 ? i : m->focus;
        if (i >= 0) {
            mux_remove_slot(m, i);
        }
        return;
    }
    if (i < 0) {
        if (m->nr_slots == MUX_MAX_FE) {
            log_unimp("mux: more than %d front ends on '%s'\n", MUX_MAX_FE, chr->id);
            mux_set_focus(m, m->focus);
            return;
        }
        i = m->nr_slots++;
        memset(&m->slot[i], 0, sizeof(m->slot[i]));
    }
    m->slot[i].can_read = chr->fe_can_read;
    m->slot[i].read = chr->fe_read;
    m->slot[i].event = chr->fe_event;
    m->slot[i].opaque = chr->fe_opaque;
    mux_move_focus(m, i);
}

static void mux_chr_close(Chardev *chr)
{
    MuxChr *m = chr->priv;

    if (chardev_is_live(m->base)) {
        chr_set_handlers(m->base, NULL, NULL, NULL, NULL);
    }
    free(m);
    chr->priv = NULL;
}

static const ChardevOps mux_ops = {
    .name = "mux",
    .write = mux_chr_write,
    .accept_input = mux_chr_accept_input,
    .close = mux_chr_close,
    .frontend_changed = mux_chr_frontend_changed,
};

bool chr_fe_busy(const Chardev *chr)
{
    if (chr->ops == &mux_ops) {
        return ((const MuxChr *)chr->priv)->nr_slots >= MUX_MAX_FE;
    }
    return chr->fe_attached;
}

Chardev *chr_mux_new(const char *id, Chardev *base, Error **errp)
{
    MuxChr *m;
    Chardev *chr;

    if (chardev_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    chr = chardev_alloc(id);
    m = XNEW0(MuxChr);
    m->chr = chr;
    m->base = base;
    m->focus = -1;
    m->ts_start_ms = -1;
    chr->priv = m;
    chr->ops = &mux_ops;
    char *label = xasprintf("mux:%s", base->label);
    chardev_set_label(chr, label);
    free(label);
    chr->be_open = base->be_open;
    chr_set_handlers(base, mux_can_read, mux_read, mux_event, m);
    return chr;
}
