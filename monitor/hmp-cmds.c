/* SPDX-License-Identifier: MIT */
/*
 * The human monitor's command table and its machine-control commands:
 * stop, cont, quit, system_reset, system_powerdown, nmi, cpu, log,
 * logfile, sendkey, mouse_move, mouse_button, screendump.
 *
 * The mon_*() helpers are shared with QMP, so both protocols do the same
 * thing: "stop" pauses the CPUs and the clock (vm_stop), "cont" resumes
 * (refused after a guest power-off under -no-shutdown until a reset, as
 * in QEMU), "system_powerdown" presses the ACPI power button of the PIIX4
 * PM function (the guest decides what to do; SeaBIOS alone ignores it),
 * "nmi" pulses LINT1 of every local APIC (or raises NMI on a CPU without
 * one). "sendkey" presses the keys in order on the PS/2 keyboard and
 * releases them in reverse order after hold_ms (default 100) of virtual
 * time. Reference: QEMU manual, "QEMU Monitor" / "Commands".
 */
#include <ctype.h>

#include "kemu/device.h"
#include "kemu/hw/acpi_pm.h"
#include "kemu/hw/apic.h"
#include "kemu/hw/ps2.h"
#include "kemu/log.h"
#include "kemu/timer.h"
#include "monitor-internal.h"

#define SENDKEY_MAX 16
#define SENDKEY_HOLD_MS 100

/* ---- run control, shared with QMP ---- */

bool mon_cont(Error **errp)
{
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    vm_start();
    return true;
}

void mon_stop(void)
{
    if (runstate_is_running())
        vm_stop(RUN_STATE_PAUSED);
}

void mon_system_reset(void)
{
    monitor_note_host_request(true);
    qemu_system_reset_request();
}

void mon_system_powerdown(void)
{
    Device *pm = device_find_by_class(TYPE_PIIX4_PM);

    qmp_event("POWERDOWN", NULL);
    if (pm)
        acpi_pm_power_button(pm);
}

void mon_quit(void)
{
    monitor_note_host_request(false);
    qemu_system_shutdown_request(SHUTDOWN_HOST_QUIT, 0);
}

void mon_nmi(void)
{
    if (device_find_by_class(TYPE_APIC)) {
        apic_bus_nmi();
        return;
    }
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next)
        cpu_interrupt(cpu, CPU_INTERRUPT_NMI);
}

/* Commands without arguments. */
static bool hmp_no_args(HmpArgs *a)
{
    return hmp_arg_end(a);
}

static void hmp_stop(Monitor *mon, HmpArgs *a)
{
    if (hmp_no_args(a))
        mon_stop();
}

static void hmp_cont(Monitor *mon, HmpArgs *a)
{
    Error *err = NULL;

    if (hmp_no_args(a) && !mon_cont(&err))
        hmp_report_err(mon, err);
}

static void hmp_quit(Monitor *mon, HmpArgs *a)
{
    if (hmp_no_args(a))
        mon_quit();
}

static void hmp_system_reset(Monitor *mon, HmpArgs *a)
{
    if (hmp_no_args(a))
        mon_system_reset();
}

static void hmp_system_powerdown(Monitor *mon, HmpArgs *a)
{
    if (hmp_no_args(a))
        mon_system_powerdown();
}

static void hmp_nmi(Monitor *mon, HmpArgs *a)
{
    if (hmp_no_args(a))
        mon_nmi();
}

static void hmp_cpu(Monitor *mon, HmpArgs *a)
{
    int64_t index;

    if (!hmp_arg_int(a, &index) || !hmp_arg_end(a))
        return;
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next) {
        if (cpu->index == index) {
            mon_cpu_index = cpu->index;
            return;
        }
    }
    monitor_puts(mon, "invalid CPU index\n");
}

/* ---- logging ---- */

static void hmp_log(Monitor *mon, HmpArgs *a)
{
    char *items = hmp_arg_str(a, false);
    Error *err = NULL;
    unsigned mask = 0;

    if (!items || !hmp_arg_end(a)) {
        free(items);
        return;
    }
    if (strcmp(items, "none") && !log_parse_items(items, &mask, &err)) {
        monitor_printf(mon, "%s\n", err->msg);
        error_free(err);
    } else {
        log_mask = mask;
    }
    free(items);
}

static void hmp_logfile(Monitor *mon, HmpArgs *a)
{
    char *file = hmp_arg_file(a);
    Error *err = NULL;

    if (file && hmp_arg_end(a) && !log_set_file(file, &err))
        hmp_report_err(mon, err);
    free(file);
}

/* ---- input ---- */

static struct {
    Timer timer;
    bool timer_init;
    int keys[SENDKEY_MAX];
    int nr;                 /* keys held down, released by the timer */
} sendkey;

static void sendkey_release(void *opaque)
{
    Device *kbd = device_find_by_class(TYPE_PS2_KBD);

    for (int i = sendkey.nr - 1; i >= 0 && kbd; i--)
        ps2_keyboard_event(kbd, sendkey.keys[i], false);
    sendkey.nr = 0;
}

/* A key name ("ctrl", "f1", "a") or a key number ("0x1e"). */
static int sendkey_parse(const char *name, size_t len)
{
    char buf[32];
    char *end;
    long v;

    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, name, len);
    buf[len] = 0;
    if (!strncmp(buf, "0x", 2)) {
        v = strtol(buf, &end, 16);
        return *end || v < 0 || v > 0xff ? -1 : (int)v;
    }
    return ps2_keynum_from_name(buf);
}

static void hmp_sendkey(Monitor *mon, HmpArgs *a)
{
    char *keys = hmp_arg_str(a, false);
    int64_t hold = SENDKEY_HOLD_MS;
    int parsed[SENDKEY_MAX], n = 0;
    bool has_hold;
    Device *kbd;

    if (!keys || !hmp_arg_int_opt(a, &hold, &has_hold) || !hmp_arg_end(a)) {
        free(keys);
        return;
    }
    for (const char *p = keys; *p;) {
        size_t len = strcspn(p, "-");
        int k = sendkey_parse(p, len);

        if (k < 0 || n == SENDKEY_MAX) {
            monitor_printf(mon, k < 0 ? "invalid parameter: %.*s\n" : "too many keys\n",
                           (int)len, p);
            free(keys);
            return;
        }
        parsed[n++] = k;
        p += len + (p[len] == '-');
    }
    free(keys);
    if (!sendkey.timer_init) {
        timer_init(&sendkey.timer, sendkey_release, NULL);
        sendkey.timer_init = true;
    }
    if (sendkey.nr)
        sendkey_release(NULL); /* the previous keys come up first */
    kbd = device_find_by_class(TYPE_PS2_KBD);
    for (int i = 0; i < n && kbd; i++)
        ps2_keyboard_event(kbd, parsed[i], true);
    memcpy(sendkey.keys, parsed, sizeof(int) * (size_t)n);
    sendkey.nr = kbd ? n : 0;
    timer_mod(&sendkey.timer, vclock_get_ns() + MAX(hold, 0) * 1000000);
}

static unsigned mouse_buttons;

static void hmp_mouse_move(Monitor *mon, HmpArgs *a)
{
    int64_t dx, dy, dz = 0;
    bool has_dz;
    Device *mouse;

    if (!hmp_arg_int(a, &dx) || !hmp_arg_int(a, &dy) || !hmp_arg_int_opt(a, &dz, &has_dz) ||
        !hmp_arg_end(a))
        return;
    mouse = device_find_by_class(TYPE_PS2_MOUSE);
    if (mouse)
        ps2_mouse_event(mouse, (int)dx, (int)dy, (int)dz, mouse_buttons);
}

/* QEMU's button bits: 1 left, 2 middle, 4 right. */
static void hmp_mouse_button(Monitor *mon, HmpArgs *a)
{
    int64_t state;
    Device *mouse;

    if (!hmp_arg_int(a, &state) || !hmp_arg_end(a))
        return;
    mouse_buttons = ((state & 1) ? PS2_MOUSE_LEFT : 0) | ((state & 2) ? PS2_MOUSE_MIDDLE : 0) |
                    ((state & 4) ? PS2_MOUSE_RIGHT : 0);
    mouse = device_find_by_class(TYPE_PS2_MOUSE);
    if (mouse)
        ps2_mouse_event(mouse, 0, 0, 0, mouse_buttons);
}

/* "screendump FILE [-f FORMAT]" */
static void hmp_screendump(Monitor *mon, HmpArgs *a)
{
    char *file = hmp_arg_file(a), *flag = NULL, *format = NULL;
    Error *err = NULL;

    if (!file)
        return;
    flag = hmp_arg_str(a, true);
    if (flag && strcmp(flag, "-f")) {
        hmp_arg_fail(a, "screendump: unexpected argument '%s'", flag);
    } else if (!flag || (format = hmp_arg_str(a, false))) {
        if (hmp_arg_end(a) && !mon_screendump(file, format, &err))
            hmp_report_err(mon, err);
    }
    free(file);
    free(flag);
    free(format);
}

/* ---- the table (sorted, as "help" lists it) ---- */

const HmpCmd hmp_cmds[] = {
    { "cont|c", "", "resume emulation", hmp_cont },
    { "cpu", "index", "set the default CPU", hmp_cpu },
    { "gva2gpa", "addr",
      "print the guest physical address corresponding to a guest virtual address", hmp_gva2gpa },
    { "help|?", "[cmd]", "show the help", hmp_help },
    { "i", "/fmt addr", "I/O port read", hmp_ioport_read },
    { "info", "[subcommand]", "show various information about the system state", hmp_info },
    { "log", "item1[,...]", "activate logging of the specified items", hmp_log },
    { "logfile", "filename", "output logs to 'filename'", hmp_logfile },
    { "memsave", "addr size file",
      "save to disk virtual memory dump starting at 'addr' of size 'size'", hmp_memsave },
    { "mouse_button", "state", "change mouse button state (1=L, 2=M, 4=R)", hmp_mouse_button },
    { "mouse_move", "dx dy [dz]", "send mouse move events", hmp_mouse_move },
    { "nmi", "", "inject an NMI", hmp_nmi },
    { "o", "/fmt addr value", "I/O port write", hmp_ioport_write },
    { "pmemsave", "addr size file",
      "save to disk physical memory dump starting at 'addr' of size 'size'", hmp_pmemsave },
    { "print|p", "/fmt expr", "print expression value (use $reg for CPU register access)",
      hmp_print },
    { "quit|q", "", "quit the emulator", hmp_quit },
    { "screendump", "filename [-f format]",
      "save screen as image 'filename' (format 'ppm', the default, or 'png')", hmp_screendump },
    { "sendkey", "keys [hold_ms]",
      "send keys to the VM (e.g. 'sendkey ctrl-alt-f1', default hold time=100 ms)",
      hmp_sendkey },
    { "stop|s", "", "stop emulation", hmp_stop },
    { "sum", "addr size", "compute the checksum of a memory region", hmp_sum },
    { "system_powerdown", "", "send system power down event", hmp_system_powerdown },
    { "system_reset", "", "reset the system", hmp_system_reset },
    { "x", "/fmt addr", "virtual memory dump starting at 'addr'", hmp_x },
    { "xp", "/fmt addr", "physical memory dump starting at 'addr'", hmp_xp },
    { NULL, NULL, NULL, NULL },
};
