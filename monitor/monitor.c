/* SPDX-License-Identifier: MIT */
/*
 * Monitor objects: creation from the command line, the chardev front end,
 * output, the banner, and QMP events from machine events.
 *
 * A monitor attaches to its chardev like any front end. Its peer arrives
 * with CHR_EVENT_OPENED (at once for stdio, on connect for a socket
 * server); an HMP monitor then prints QEMU's banner and prompt, a QMP
 * monitor its greeting. Until the machine is built (monitor_machine_ready)
 * both wait, so that on a mon:stdio multiplexer, where the serial port
 * attaches after the monitor and takes the focus, the banner appears only
 * when Ctrl-a c first gives the monitor the focus (QEMU's behaviour).
 * On CHR_EVENT_MUX_OUT an HMP monitor ends its line; on CHR_EVENT_MUX_IN it
 * shows a fresh prompt. Reference: QEMU manual, "QEMU Monitor", "-mon".
 */
#include <stdarg.h>

#include "config-host.h"
#include "kemu/opts.h"
#include "monitor-internal.h"

#define MON_HMP_READ_MAX 256  /* bytes taken per read (line editing is per byte) */
#define MON_QMP_READ_MAX 4096

Monitor *monitor_list;
int mon_cpu_index;

static bool mon_ready;           /* the machine is built */
static bool mon_listening;       /* the VM event listener is registered */
static int mon_compat_index;     /* "compat_monitorN" chardev names */
static bool mon_host_quit;       /* the monitor asked for the pending shutdown */
static bool mon_host_reset;      /* ... for the pending reset */

/* ---- output ---- */

static void monitor_capture_add(Monitor *mon, const char *s, size_t n)
{
    if (mon->capture_len + n + 1 > mon->capture_cap) {
        mon->capture_cap = MAX(mon->capture_cap * 2, mon->capture_len + n + 256);
        mon->capture = xrealloc(mon->capture, mon->capture_cap);
    }
    memcpy(mon->capture + mon->capture_len, s, n);
    mon->capture_len += n;
    mon->capture[mon->capture_len] = 0;
}

static void monitor_write(Monitor *mon, const char *s, size_t n)
{
    if (!n)
        return;
    if (mon->capturing)
        monitor_capture_add(mon, s, n);
    else if (mon->chr)
        chr_write(mon->chr, (const uint8_t *)s, (int)n);
}

void monitor_puts(Monitor *mon, const char *s)
{
    /* Every "\n" goes out as "\r\n", as QEMU's monitor_puts does. */
    while (*s) {
        size_t n = strcspn(s, "\n");

        monitor_write(mon, s, n);
        s += n;
        if (*s == '\n') {
            monitor_write(mon, "\r\n", 2);
            s++;
        }
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    char *buf;

    va_start(ap, fmt);
    if (vasprintf(&buf, fmt, ap) >= 0) {
        monitor_puts(mon, buf);
        free(buf);
    }
    va_end(ap);
}

void monitor_dump(Monitor *mon, MonDumpFn *fn, void *opaque)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        return;
    fn(f, opaque);
    fclose(f);
    if (buf)
        monitor_puts(mon, buf);
    free(buf);
}

CPUState *mon_get_cpu(void)
{
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next) {
        if (cpu->index == mon_cpu_index)
            return cpu;
    }
    return first_cpu;
}

char *monitor_hmp_capture(const char *line)
{
    Monitor tmp;
    char *out;

    memset(&tmp, 0, sizeof(tmp));
    tmp.capturing = true;
    readline_init(&tmp.rl);
    hmp_handle_line(&tmp, line);
    readline_free(&tmp.rl);
    out = tmp.capture ? tmp.capture : xstrdup("");
    return out;
}

/* ---- greeting ---- */

static void monitor_greet(Monitor *mon)
{
    if (mon->greeted || !mon->connected || !mon_ready)
        return;
    if (mon->qmp) {
        mon->greeted = true;
        qmp_greet(mon);
        return;
    }
    if (mon->mux_out)
        return;
    mon->greeted = true;
    monitor_printf(mon, "kemu %s monitor - type 'help' for more information\n", KEMU_VERSION);
    readline_restart(&mon->rl);
    readline_show_prompt(mon);
}

void monitor_machine_ready(void)
{
    mon_ready = true;
    for (Monitor *mon = monitor_list; mon; mon = mon->next)
        monitor_greet(mon);
}

/* ---- chardev front end ---- */

static int monitor_can_read(void *opaque)
{
    Monitor *mon = opaque;

    return mon->qmp ? MON_QMP_READ_MAX : MON_HMP_READ_MAX;
}

static void monitor_read(void *opaque, const uint8_t *buf, int len)
{
    Monitor *mon = opaque;

    if (mon->qmp) {
        qmp_receive(mon, buf, len);
        return;
    }
    for (int i = 0; i < len; i++)
        readline_handle_byte(mon, buf[i]);
}

static void monitor_disconnected(Monitor *mon)
{
    mon->connected = false;
    mon->greeted = false;
    mon->negotiated = false;
    readline_restart(&mon->rl);
    json_stream_reset(&mon->js);
}

static void monitor_mux_in(Monitor *mon)
{
    mon->mux_out = false;
    if (mon->qmp)
        return;
    if (!mon->greeted) {
        monitor_greet(mon);
        return;
    }
    readline_restart(&mon->rl);
    readline_show_prompt(mon);
}

static void monitor_mux_out(Monitor *mon)
{
    if (!mon->qmp && mon->greeted && !mon->mux_out)
        monitor_puts(mon, "\n");
    mon->mux_out = true;
}

static void monitor_event(void *opaque, ChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        mon->connected = true;
        monitor_greet(mon);
        break;
    case CHR_EVENT_CLOSED:
        monitor_disconnected(mon);
        break;
    case CHR_EVENT_MUX_IN:
        monitor_mux_in(mon);
        break;
    case CHR_EVENT_MUX_OUT:
        monitor_mux_out(mon);
        break;
    default:
        break;
    }
}

/* ---- QMP events from machine events ---- */

void monitor_note_host_request(bool reset)
{
    if (reset)
        mon_host_reset = true;
    else
        mon_host_quit = true;
}

static Json *monitor_cause_data(bool guest, const char *reason)
{
    Json *data = json_object();

    json_set(data, "guest", json_bool(guest));
    json_set(data, "reason", json_string(reason));
    return data;
}

static void monitor_shutdown_event(ShutdownCause cause)
{
    Json *data;

    switch (cause) {
    case SHUTDOWN_HOST_QUIT:
        data = monitor_cause_data(false, mon_host_quit ? "host-qmp-quit" : "host-signal");
        break;
    case SHUTDOWN_GUEST_RESET:
        data = monitor_cause_data(true, "guest-reset");
        break;
    default:
        data = monitor_cause_data(true, "guest-shutdown");
        break;
    }
    mon_host_quit = false;
    qmp_event("SHUTDOWN", data);
}

static void monitor_vm_event(void *opaque, VmEvent event, ShutdownCause cause)
{
    switch (event) {
    case VM_EVENT_STOP:
        qmp_event("STOP", NULL);
        break;
    case VM_EVENT_RESUME:
        qmp_event("RESUME", NULL);
        break;
    case VM_EVENT_RESET:
        qmp_event("RESET", monitor_cause_data(!mon_host_reset,
                                              mon_host_reset ? "host-qmp-system-reset"
                                                             : "guest-reset"));
        mon_host_reset = false;
        break;
    case VM_EVENT_SHUTDOWN:
        monitor_shutdown_event(cause);
        break;
    }
}

/* ---- creation ---- */

static Monitor *monitor_new(Chardev *chr, bool qmp, bool pretty)
{
    Monitor *mon = XNEW0(Monitor);
    Monitor **pp = &monitor_list;

    mon->chr = chr;
    mon->qmp = qmp;
    mon->pretty = pretty;
    readline_init(&mon->rl);
    json_stream_init(&mon->js);
    while (*pp)
        pp = &(*pp)->next;
    *pp = mon;
    if (!mon_listening) {
        mon_listening = true;
        vm_add_event_listener(monitor_vm_event, NULL);
    }
    chr_set_handlers(chr, monitor_can_read, monitor_read, monitor_event, mon);
    return mon;
}

Monitor *monitor_new_hmp(Chardev *chr)
{
    return monitor_new(chr, false, false);
}

Monitor *monitor_new_qmp(Chardev *chr, bool pretty)
{
    return monitor_new(chr, true, pretty);
}

/* -monitor / -qmp / -qmp-pretty SPEC */
static bool monitor_add_legacy(const char *spec, bool qmp, bool pretty, Error **errp)
{
    char label[32];
    Chardev *chr;

    if (!qmp && !strcmp(spec, "none"))
        return true;
    snprintf(label, sizeof(label), "compat_monitor%d", mon_compat_index++);
    chr = chardev_new_legacy(label, spec, errp);
    if (!chr) {
        if (errp && !*errp)
            error_setg(errp, "'%s' is not a valid char driver", spec);
        return false;
    }
    monitor_new(chr, qmp, pretty);
    return true;
}

/* -mon [chardev=]ID[,mode=readline|control][,pretty=on|off] */
static bool monitor_add_opts(const char *arg, Error **errp)
{
    Opts *o = opts_parse(arg, "chardev", errp);
    const char *id, *mode;
    bool pretty = false, ok = false;
    Chardev *chr;

    if (!o)
        return false;
    id = opts_get(o, "chardev");
    mode = opts_get(o, "mode");
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
    } else if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
    } else if (opts_get_bool(o, "pretty", false, &pretty, errp) && opts_check_unused(o, errp)) {
        bool qmp = mode && !strcmp(mode, "control");

        if (pretty && !qmp)
            error_setg(errp, "'pretty' is not compatible with HMP monitors");
        else if (!(chr = chardev_find(id)))
            error_setg(errp, "chardev \"%s\" not found", id);
        else
            ok = monitor_new(chr, qmp, pretty) != NULL;
    }
    opts_free(o);
    return ok;
}

bool monitor_add_cmdline(const char *opt, const char *arg, Error **errp)
{
    while (*opt == '-')
        opt++; /* "-mon" and "--mon" alike */
    if (!strcmp(opt, "mon"))
        return monitor_add_opts(arg, errp);
    if (!strcmp(opt, "qmp"))
        return monitor_add_legacy(arg, true, false, errp);
    if (!strcmp(opt, "qmp-pretty"))
        return monitor_add_legacy(arg, true, true, errp);
    return monitor_add_legacy(arg, false, false, errp);
}
