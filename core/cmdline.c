/* SPDX-License-Identifier: MIT */
/*
 * The system emulator's command line.
 *
 * Follows QEMU's invocation syntax (QEMU manual, "Invocation"; option texts
 * from qemu-options.hx): "-opt value" or "--opt value", option values in the
 * "key=value,..." syntax of core/opts.c. Each option is one table row and a
 * short handler that records what it asks for in a VlConfig; nothing is
 * built here. Options kemu does not implement yet are parsed and refused
 * with "-opt: not supported yet" (exit 1) instead of being silently
 * ignored. A few are accepted and ignored because their value is exactly
 * what kemu does anyway (see docs/architecture.md, "Command line").
 */
#include <libgen.h>
#include <stdarg.h>

#include "config-host.h"
#include "kemu/device.h"
#include "kemu/drive.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"
#include "kemu/opts.h"
#include "vl.h"

/* The CPU may not be linked in yet: only call it if present. */
extern void x86_cpu_print_models(FILE *out) __attribute__((weak));

typedef struct VlOpt VlOpt;
typedef void VlOptFn(VlConfig *c, const char *opt, const char *arg);

struct VlOpt {
    const char *name;
    bool has_arg;
    VlOptFn *fn;
};

/* The option as the user typed it, for messages ("-m foo: ..."). */
static KEMU_NORETURN KEMU_PRINTF(3, 4) void vl_fail(const char *opt, const char *arg,
                                                    const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (arg)
        error_report("%s %s: %s", opt, arg, msg ? msg : fmt);
    else
        error_report("%s: %s", opt, msg ? msg : fmt);
    free(msg);
    exit(1);
}

static void vl_fail_err(const char *opt, const char *arg, Error *err)
{
    vl_fail(opt, arg, "%s", err->msg);
}

/* Parse a group or die with the QEMU-style message. */
static Opts *vl_opts(const char *opt, const char *arg, const char *implied)
{
    Error *err = NULL;
    Opts *o = opts_parse(arg, implied, &err);

    if (!o)
        vl_fail_err(opt, arg, err);
    return o;
}

static void vl_opts_done(const char *opt, const char *arg, Opts *o)
{
    Error *err = NULL;

    if (!opts_check_unused(o, &err))
        vl_fail_err(opt, arg, err);
    opts_free(o);
}

static const char **vl_append(const char **list, int *nr, const char *s)
{
    list = xrealloc(list, sizeof(*list) * (*nr + 1));
    list[(*nr)++] = s;
    return list;
}

/* ---- standard options ---- */

static void vl_usage(void);

static void opt_help(VlConfig *c, const char *opt, const char *arg)
{
    vl_usage();
    exit(0);
}

static void opt_version(VlConfig *c, const char *opt, const char *arg)
{
    printf("kemu emulator version " KEMU_VERSION "\n"
           "Copyright (c) the kemu developers; MIT licence\n");
    exit(0);
}

static void opt_m(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "size");
    const char *v = opts_get(o, "size");
    uint64_t size;

    if (opts_has(o, "slots") || opts_has(o, "maxmem"))
        vl_fail(opt, arg, "memory hotplug (slots, maxmem) not supported yet");
    if (v) {
        if (!parse_size(v, MiB, &size)) {
            Error *err = NULL;

            opts_error_size(&err, "size");
            vl_fail_err(opt, arg, err);
        }
        if (size > UINT64_MAX - 8191)
            vl_fail(opt, arg, "ram size too large");
        /* As QEMU: 0 keeps the board default; round up to 8 KiB. */
        c->ms.ram_size = ROUND_UP(size, 8192);
        c->ram_given = size != 0;
    }
    vl_opts_done(opt, arg, o);
}

static void smp_get(const char *opt, const char *arg, Opts *o, const char *key, uint64_t *out)
{
    const char *v = opts_get(o, key);

    if (v && !parse_uint64(v, out))
        vl_fail(opt, arg, "Parameter 'smp.%s' expects integer", key);
}

static void opt_smp(VlConfig *c, const char *opt, const char *arg)
{
    static const char *const topo[] = { "sockets", "dies", "clusters", "cores", "threads" };
    Opts *o = vl_opts(opt, arg, "cpus");
    uint64_t cpus = 0, maxcpus = 0, product = 1, v;
    bool has_topo = false;

    smp_get(opt, arg, o, "cpus", &cpus);
    smp_get(opt, arg, o, "maxcpus", &maxcpus);
    for (size_t i = 0; i < ARRAY_SIZE(topo); i++) {
        v = 0;
        smp_get(opt, arg, o, topo[i], &v);
        if (opts_has(o, topo[i])) {
            if (!v)
                vl_fail(opt, arg, "CPU topology parameters must be greater than zero");
            has_topo = true;
            product *= v;
        }
    }
    vl_opts_done(opt, arg, o);
    if (!cpus)
        cpus = maxcpus ? maxcpus : product;
    if (!maxcpus)
        maxcpus = has_topo ? product : cpus;
    if (maxcpus < cpus)
        vl_fail(opt, arg,
                "Invalid CPU topology: maxcpus must be equal to or greater than smp: "
                "maxcpus (%llu) < smp_cpus (%llu)",
                (unsigned long long)maxcpus, (unsigned long long)cpus);
    if (maxcpus > 4096)
        vl_fail(opt, arg, "Invalid SMP CPUs %llu", (unsigned long long)maxcpus);
    c->ms.smp_cpus = cpus;
    c->ms.smp_max_cpus = maxcpus;
    c->smp_given = true;
}

/* accel=a:b:c: the first accelerator kemu has wins; kvm is not there yet. */
static void vl_set_accel(VlConfig *c, const char *opt, const char *arg, const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    bool chosen = false, saw_kvm = false;

    for (char *a = strtok_r(copy, ":", &save); a && !chosen; a = strtok_r(NULL, ":", &save)) {
        if (!strcmp(a, "tcg")) {
            chosen = true;
        } else if (!strcmp(a, "qtest")) {
            c->accel_qtest = chosen = true;
        } else if (!strcmp(a, "kvm")) {
            saw_kvm = true;
        } else if (!strcmp(a, "xen") || !strcmp(a, "hax") || !strcmp(a, "hvf") ||
                   !strcmp(a, "nvmm") || !strcmp(a, "whpx")) {
            warn_report("%s %s: accelerator %s not supported", opt, arg, a);
        } else {
            vl_fail(opt, arg, "invalid accelerator %s", a);
        }
    }
    free(copy);
    if (!chosen && saw_kvm)
        vl_fail(opt, arg, "accelerator kvm: not supported yet");
    if (!chosen)
        vl_fail(opt, arg, "no accelerator found");
}

static void opt_machine(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "type");
    const char *type = opts_get(o, "type");
    const char *accel = opts_get(o, "accel");

    if (opts_is_help(type)) {
        machine_print_help(stdout);
        exit(0);
    }
    if (type)
        c->machine_name = xstrdup(type);
    if (accel)
        vl_set_accel(c, opt, arg, accel);
    OPTS_FOREACH(o, e)
    {
        if (!e->used)
            vl_fail(opt, arg, "machine property '%s' not supported yet", e->key);
    }
    opts_free(o);
}

static void opt_accel(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "accel");
    const char *accel = opts_get(o, "accel");
    const char *thread = opts_get(o, "thread");

    if (opts_is_help(accel)) {
        printf("Accelerators supported in kemu binary:\ntcg\nqtest\n");
        exit(0);
    }
    if (!accel)
        vl_fail(opt, arg, "Parameter 'accel' is missing");
    if (thread && strcmp(thread, "single"))
        vl_fail(opt, arg, "thread=%s: not supported yet", thread);
    vl_set_accel(c, opt, arg, accel);
    vl_opts_done(opt, arg, o);
}

static void opt_cpu(VlConfig *c, const char *opt, const char *arg)
{
    if (opts_is_help(arg)) {
        if (x86_cpu_print_models)
            x86_cpu_print_models(stdout);
        else
            printf("No CPU models are available in this build.\n");
        exit(0);
    }
    c->ms.cpu_model = arg;
}

static void opt_bios(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.bios_name = arg;
}

static void opt_L(VlConfig *c, const char *opt, const char *arg)
{
    if (!strcmp(arg, "help")) {
        const char *dirs[8];
        int n = firmware_builtin_dirs(dirs, ARRAY_SIZE(dirs));

        for (int i = 0; i < c->ms.nr_fw_dirs; i++)
            printf("%s\n", c->ms.fw_dirs[i]);
        for (int i = 0; i < n; i++)
            printf("%s\n", dirs[i]);
        exit(0);
    }
    if (c->ms.nr_fw_dirs >= MAX_FW_DIRS)
        vl_fail(opt, arg, "too many -L directories (at most %d)", MAX_FW_DIRS);
    c->ms.fw_dirs[c->ms.nr_fw_dirs++] = arg;
}

static void opt_nographic(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.nographic = true;
}

static void opt_display(VlConfig *c, const char *opt, const char *arg)
{
    static const char *const later[] = { "curses", "sdl", "gtk", "vnc", "egl-headless",
                                         "spice-app", "dbus", "cocoa", "default" };
    Opts *o = vl_opts(opt, arg, "type");
    const char *type = opts_get(o, "type");

    if (opts_is_help(type)) {
        printf("Available display backend types:\nnone\n");
        exit(0);
    }
    if (!type)
        vl_fail(opt, arg, "Parameter 'type' is missing");
    for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
        if (!strcmp(type, later[i]))
            vl_fail(opt, arg, "display '%s': not supported yet", type);
    }
    if (strcmp(type, "none"))
        vl_fail(opt, arg, "Parameter 'type' does not accept value '%s'", type);
    vl_opts_done(opt, arg, o);
}

static void opt_serial(VlConfig *c, const char *opt, const char *arg)
{
    c->serial_given = true;
    if (!strcmp(arg, "none"))
        return;
    if (c->nr_serial >= MAX_SERIAL_PORTS)
        vl_fail(opt, arg, "too many serial ports (at most %d)", MAX_SERIAL_PORTS);
    c->serial[c->nr_serial++] = arg;
}

static void opt_chardev(VlConfig *c, const char *opt, const char *arg)
{
    c->chardevs = vl_append(c->chardevs, &c->nr_chardevs, arg);
}

static void opt_device(VlConfig *c, const char *opt, const char *arg)
{
    if (device_opts_help(arg))
        exit(0);
    drive_note_device(arg);
    c->devices = vl_append(c->devices, &c->nr_devices, arg);
}

/* -drive, -hda..-hdd, -cdrom, -fda, -fdb: recorded, opened before the
 * board is built (core/drive.c). */
static void opt_drive(VlConfig *c, const char *opt, const char *arg)
{
    static const struct {
        const char *name;
        DriveOption kind;
    } kinds[] = {
        { "drive", DRIVE_OPT_DRIVE }, { "hda", DRIVE_OPT_HDA },     { "hdb", DRIVE_OPT_HDB },
        { "hdc", DRIVE_OPT_HDC },     { "hdd", DRIVE_OPT_HDD },     { "cdrom", DRIVE_OPT_CDROM },
        { "fda", DRIVE_OPT_FDA },     { "fdb", DRIVE_OPT_FDB },
    };
    const char *name = opt + (opt[1] == '-' ? 2 : 1);
    Error *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(name, kinds[i].name) && !drive_add(kinds[i].kind, arg, &err)) {
            error_report_err(err);
            exit(1);
        }
    }
}

static void opt_snapshot(VlConfig *c, const char *opt, const char *arg)
{
    drive_set_snapshot(true);
}

static void opt_noreboot(VlConfig *c, const char *opt, const char *arg)
{
    opt_no_reboot = true;
}

static void opt_noshutdown(VlConfig *c, const char *opt, const char *arg)
{
    opt_no_shutdown = true;
}

static void opt_d(VlConfig *c, const char *opt, const char *arg)
{
    Error *err = NULL;

    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        log_print_help();
        exit(0);
    }
    if (!log_parse_items(arg, &c->log_mask, &err))
        vl_fail_err(opt, arg, err);
}

static void opt_D(VlConfig *c, const char *opt, const char *arg)
{
    c->log_file = arg;
}

static void opt_name(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "guest");
    const char *guest = opts_get(o, "guest");

    (void)opts_get(o, "process");     /* host process name: cosmetic */
    (void)opts_get(o, "debug-threads");
    c->ms.name = guest ? xstrdup(guest) : NULL;
    vl_opts_done(opt, arg, o);
}

static void opt_icount(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "shift");
    const char *shift = opts_get(o, "shift");
    Error *err = NULL;
    uint64_t v = 3;

    if (opts_has(o, "align") || opts_has(o, "rr") || opts_has(o, "rrfile") ||
        opts_has(o, "rrsnapshot"))
        vl_fail(opt, arg, "icount align/record/replay: not supported yet");
    if (shift && strcmp(shift, "auto") && (!parse_uint64(shift, &v) || v > 10))
        vl_fail(opt, arg, "icount: Invalid shift value");
    if (!opts_get_bool(o, "sleep", true, &c->icount_sleep, &err))
        vl_fail_err(opt, arg, err);
    c->icount = true;
    c->icount_shift = v;
    vl_opts_done(opt, arg, o);
}

static void opt_qtest(VlConfig *c, const char *opt, const char *arg)
{
    c->qtest_chr = arg;
    c->accel_qtest = true;
}

static void opt_qtest_log(VlConfig *c, const char *opt, const char *arg)
{
    /* Accepted for libqtest compatibility; kemu's qtest server logs with
     * -d trace instead. */
}

static void opt_S(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.start_stopped = true;
}

/* Boot device letters: floppy a-b, disk c, CD-ROM d, network n-p. */
static void boot_check_order(const char *opt, const char *arg, const char *order)
{
    for (const char *p = order; *p; p++) {
        if (!(*p >= 'a' && *p <= 'd') && !(*p >= 'n' && *p <= 'p'))
            vl_fail(opt, arg, "Invalid boot device '%c'", *p);
        if (strchr(p + 1, *p))
            vl_fail(opt, arg, "Boot device '%c' was given twice", *p);
    }
}

static int boot_get_int(const char *opt, const char *arg, Opts *o, const char *key)
{
    const char *v = opts_get(o, key);
    uint64_t n;

    if (!v)
        return -1;
    if (!parse_uint64(v, &n) || n > 65535)
        vl_fail(opt, arg, "Parameter 'boot.%s' expects an integer 0-65535", key);
    return (int)n;
}

static void opt_boot(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, "order");
    const char *order = opts_get(o, "order");
    const char *once = opts_get(o, "once");
    Error *err = NULL;

    if (order)
        boot_check_order(opt, arg, order);
    if (once)
        boot_check_order(opt, arg, once);
    if (!opts_get_bool(o, "menu", false, &c->ms.boot_menu, &err))
        vl_fail(opt, arg, "Parameter 'boot.menu' expects 'on' or 'off'");
    if (!opts_get_bool(o, "strict", false, &(bool){ false }, &err))
        vl_fail(opt, arg, "Parameter 'boot.strict' expects 'on' or 'off'");
    (void)opts_get(o, "splash");
    c->ms.boot_splash_time = boot_get_int(opt, arg, o, "splash-time");
    c->ms.boot_menu_timeout = c->ms.boot_splash_time;
    c->ms.boot_reboot_timeout = boot_get_int(opt, arg, o, "reboot-timeout");
    OPTS_FOREACH(o, e)
    {
        if (!e->used)
            vl_fail(opt, arg, "Parameter 'boot.%s' is unexpected", e->key);
    }
    c->ms.boot_order = order ? xstrdup(order) : c->ms.boot_order;
    c->ms.boot_once = once ? xstrdup(once) : NULL;
    opts_free(o);
}

static void opt_kernel(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.kernel = arg;
}

static void opt_initrd(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.initrd = arg;
}

static void opt_append(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.append = arg;
}

static void opt_pidfile(VlConfig *c, const char *opt, const char *arg)
{
    c->pidfile = arg;
}

/* -monitor, -qmp, -qmp-pretty, -mon: created in order by runloop.c
 * (monitor/), each one suppresses the default monitor. */
static void opt_monitor(VlConfig *c, const char *opt, const char *arg)
{
    c->monitors = xrealloc(c->monitors, sizeof(*c->monitors) * (c->nr_monitors + 1));
    c->monitors[c->nr_monitors++] = (VlMonitor){ opt, arg };
    c->monitor_given = true;
}

/* ---- accepted because the value is what kemu does anyway ---- */

/* -vga: QEMU's display adapter types for the PC. "std" is the pc board's
 * default (the PCI "VGA" at 00:02.0), "none" leaves it out. */
static void opt_vga(VlConfig *c, const char *opt, const char *arg)
{
    static const char *const later[] = { "cirrus", "vmware", "qxl", "virtio" };

    if (opts_is_help(arg)) {
        printf("none                 no graphic card\n"
               "std                  standard VGA (default)\n");
        exit(0);
    }
    for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
        if (!strcmp(arg, later[i]))
            vl_fail(opt, arg, "not supported yet");
    }
    if (!strcmp(arg, "tcx") || !strcmp(arg, "cg3")) {
        error_report("%s framebuffer not available", !strcmp(arg, "tcx") ? "TCX" : "CG3");
        exit(1);
    }
    if (strcmp(arg, "std") && strcmp(arg, "none")) {
        error_report("unknown vga type: %s", arg);
        exit(1);
    }
    c->ms.vga = arg;
    c->vga_given = true;
}

/* -nodefaults: no default VGA, serial port or monitor (kemu has no
 * default parallel port to leave out). */
static void opt_nodefaults(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.nodefaults = true;
}

static void opt_rtc(VlConfig *c, const char *opt, const char *arg)
{
    Opts *o = vl_opts(opt, arg, NULL);
    const char *base = opts_get(o, "base");
    const char *clock = opts_get(o, "clock");
    const char *drift = opts_get(o, "driftfix");

    /* The RTC starts from host UTC and follows the host clock (QEMU's
     * defaults); any other setting is not implemented. */
    if ((base && strcmp(base, "utc")) || (clock && strcmp(clock, "host")) ||
        (drift && strcmp(drift, "none")))
        vl_fail(opt, NULL, "not supported yet");
    vl_opts_done(opt, arg, o);
}

static void opt_no_hpet(VlConfig *c, const char *opt, const char *arg)
{
    c->ms.no_hpet = true;
}

static void opt_unsupported(VlConfig *c, const char *opt, const char *arg)
{
    vl_fail(opt, NULL, "not supported yet");
}

static const VlOpt vl_opts_table[] = {
    { "h", false, opt_help },
    { "help", false, opt_help },
    { "version", false, opt_version },
    { "m", true, opt_m },
    { "smp", true, opt_smp },
    { "M", true, opt_machine },
    { "machine", true, opt_machine },
    { "accel", true, opt_accel },
    { "cpu", true, opt_cpu },
    { "bios", true, opt_bios },
    { "L", true, opt_L },
    { "nographic", false, opt_nographic },
    { "display", true, opt_display },
    { "serial", true, opt_serial },
    { "chardev", true, opt_chardev },
    { "device", true, opt_device },
    { "no-reboot", false, opt_noreboot },
    { "no-shutdown", false, opt_noshutdown },
    { "d", true, opt_d },
    { "D", true, opt_D },
    { "name", true, opt_name },
    { "icount", true, opt_icount },
    { "qtest", true, opt_qtest },
    { "qtest-log", true, opt_qtest_log },
    { "S", false, opt_S },
    { "boot", true, opt_boot },
    { "kernel", true, opt_kernel },
    { "initrd", true, opt_initrd },
    { "append", true, opt_append },
    { "pidfile", true, opt_pidfile },
    { "monitor", true, opt_monitor },
    { "qmp", true, opt_monitor },
    { "qmp-pretty", true, opt_monitor },
    { "mon", true, opt_monitor },
    { "vga", true, opt_vga },
    { "nodefaults", false, opt_nodefaults },
    { "rtc", true, opt_rtc },
    { "no-hpet", false, opt_no_hpet },
    { "cdrom", true, opt_drive },
    { "hda", true, opt_drive },
    { "hdb", true, opt_drive },
    { "hdc", true, opt_drive },
    { "hdd", true, opt_drive },
    { "fda", true, opt_drive },
    { "fdb", true, opt_drive },
    { "drive", true, opt_drive },
    { "snapshot", false, opt_snapshot },
    /* Parsed, then refused until the feature exists. */
    { "blockdev", true, opt_unsupported },
    { "netdev", true, opt_unsupported },
    { "net", true, opt_unsupported },
    { "nic", true, opt_unsupported },
    { "vnc", true, opt_unsupported },
    { "s", false, opt_unsupported },
    { "gdb", true, opt_unsupported },
    { "usb", false, opt_unsupported },
    { "usbdevice", true, opt_unsupported },
    { "soundhw", true, opt_unsupported },
    { "audiodev", true, opt_unsupported },
    { "global", true, opt_unsupported },
    { "loadvm", true, opt_unsupported },
    { "enable-kvm", false, opt_unsupported },
    { "k", true, opt_unsupported },
    { "full-screen", false, opt_unsupported },
    { "object", true, opt_unsupported },
    { "fw_cfg", true, opt_unsupported },
    { "parallel", true, opt_unsupported },
    { "debugcon", true, opt_unsupported },
    { "dtb", true, opt_unsupported },
    { "option-rom", true, opt_unsupported },
    { "pflash", true, opt_unsupported },
    { "numa", true, opt_unsupported },
    { "smbios", true, opt_unsupported },
    { "incoming", true, opt_unsupported },
    { "daemonize", false, opt_unsupported },
    { "mem-path", true, opt_unsupported },
    { "mem-prealloc", false, opt_unsupported },
    { "no-acpi", false, opt_unsupported },
    { "watchdog-action", true, opt_unsupported },
    { "virtfs", true, opt_unsupported },
    { "spice", true, opt_unsupported },
    { "trace", true, opt_unsupported },
    { "plugin", true, opt_unsupported },
    { "sandbox", true, opt_unsupported },
    { "overcommit", true, opt_unsupported },
    { "add-fd", true, opt_unsupported },
    { "action", true, opt_unsupported },
};

static void vl_usage(void)
{
    printf("kemu emulator version " KEMU_VERSION "\n"
           "usage: %s [options]\n\n"
           "Standard options:\n"
           "-h or -help     display this help and exit\n"
           "-version        display version information and exit\n"
           "-machine [type=]name[,accel=tcg|qtest]\n"
           "                selects emulated machine ('-machine help' for list)\n"
           "-accel [accel=]tcg|qtest\n"
           "                select accelerator ('-accel help' for a list)\n"
           "-cpu cpu        select CPU ('-cpu help' for list)\n"
           "-smp [[cpus=]n][,maxcpus=n][,sockets=n][,cores=n][,threads=n]\n"
           "                set the number of initial CPUs to 'n' [default=1]\n"
           "-m [size=]megs  configure guest RAM size (suffixes k, M, G, T)\n"
           "-boot [order=drives][,once=drives][,menu=on|off][,splash-time=ms]\n"
           "      [,reboot-timeout=ms]\n"
           "                boot order: 'a', 'b' (floppy), 'c' (disk), 'd' (CD-ROM),\n"
           "                'n'-'p' (network)\n"
           "-name string    set the name of the guest\n"
           "-device driver[,prop[=value][,...]]\n"
           "                add device driver ('-device help' for a list,\n"
           "                '-device driver,help' for its properties)\n\n"
           "Block device options:\n"
           "-fda/-fdb file  use 'file' as floppy disk 0/1 image\n"
           "-hda/-hdb file  use 'file' as hard disk 0/1 image\n"
           "-hdc/-hdd file  use 'file' as hard disk 2/3 image\n"
           "-cdrom file     use 'file' as CD-ROM image\n"
           "-drive [file=file][,if=ide|floppy|none][,bus=n][,unit=m][,index=i]\n"
           "       [,media=disk|cdrom][,format=raw|qcow2][,readonly=on|off]\n"
           "       [,snapshot=on|off][,cache=writethrough|writeback|none|directsync|unsafe]\n"
           "       [,id=name]\n"
           "                use 'file' as a drive image\n"
           "-snapshot       write to temporary files instead of disk image files\n\n"
           "Display options:\n"
           "-display none   no display (the only one for now)\n"
           "-nographic      no display; serial port and monitor on stdio\n"
           "-vga [std|none] select video card type ('-vga help' for a list)\n\n"
           "Character device options:\n"
           "-chardev backend,id=id[,options]\n"
           "                create a character device backend\n"
           "-serial dev     redirect the next serial port to host device 'dev'\n"
           "                (stdio, mon:stdio, null, pty, file:path, tcp:..., unix:...,\n"
           "                chardev:id or none)\n"
           "-monitor dev    redirect the monitor to char device 'dev'\n"
           "-qmp dev        like -monitor but opens in 'control' mode (QMP)\n"
           "-qmp-pretty dev like -qmp but uses pretty JSON formatting\n"
           "-mon [chardev=]name[,mode=readline|control][,pretty[=on|off]]\n"
           "                a monitor on the chardev 'name'\n\n"
           "Boot options:\n"
           "-bios file      set the filename for the BIOS\n"
           "-L path         set the directory for the BIOS and other firmware\n"
           "-kernel bzImage use 'bzImage' as kernel image\n"
           "-append cmdline use 'cmdline' as kernel command line\n"
           "-initrd file    use 'file' as initial ram disk\n\n"
           "Debug/Expert options:\n"
           "-d item1,...    enable logging of specified items (use '-d help' for a list)\n"
           "-D logfile      output log to logfile (default stderr)\n"
           "-S              freeze CPU at startup\n"
           "-icount [shift=N|auto][,sleep=on|off]\n"
           "                virtual time advances 2^N ns per instruction\n"
           "-no-reboot      exit instead of rebooting\n"
           "-no-shutdown    stop before shutdown\n"
           "-qtest chardev  enable the qtest protocol on a character device\n"
           "-pidfile file   write PID to 'file'\n"
           "-nodefaults     don't create default devices\n\n"
           "During emulation with -nographic, Ctrl-a h lists the console keys.\n",
           error_progname);
}

static const VlOpt *vl_find_opt(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(vl_opts_table); i++) {
        if (!strcmp(vl_opts_table[i].name, name))
            return &vl_opts_table[i];
    }
    return NULL;
}

void vl_set_progname(const char *argv0)
{
    char *copy = xstrdup(argv0 ? argv0 : "kemu-system-x86_64");
    const char *base = xstrdup(basename(copy));

    free(copy);
    error_progname = base;
    target_name = !strcmp(base, "kemu-system-i386") ? "i386" : "x86_64";
}

void vl_parse_cmdline(VlConfig *c, int argc, char **argv)
{
    c->ms.smp_cpus = c->ms.smp_max_cpus = 1;
    c->ms.boot_order = "cad";
    c->ms.boot_splash_time = c->ms.boot_menu_timeout = c->ms.boot_reboot_timeout = -1;
    c->icount_sleep = true;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *name = opt + 1;
        const VlOpt *o;

        if (opt[0] != '-') {
            Error *err = NULL;

            /* A bare argument is the first hard disk, as in QEMU. */
            if (!drive_add(DRIVE_OPT_IMAGE, opt, &err)) {
                error_report_err(err);
                exit(1);
            }
            continue;
        }
        if (name[0] == '-')
            name++;
        o = vl_find_opt(name);
        if (!o) {
            error_report("%s: invalid option", opt);
            exit(1);
        }
        if (o->has_arg && i + 1 >= argc) {
            error_report("%s: requires an argument", opt);
            exit(1);
        }
        o->fn(c, opt, o->has_arg ? argv[++i] : NULL);
    }
    if (!c->vga_given)
        c->ms.vga = c->ms.nodefaults ? "none" : "std";
}
