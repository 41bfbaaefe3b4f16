/* SPDX-License-Identifier: MIT */
/*
 * Machine start-up from the parsed command line, and the main loop.
 *
 * Start-up order (as QEMU's qemu_init): log settings, board class, memory
 * roots, clock mode, -chardev backends, monitors, -serial backends, the
 * qtest server, board init, -device devices in order, machine reset; then
 * the monitors greet their peers. The loop then runs
 * CPU slices that end at the next timer deadline, runs expired timers and
 * polls host descriptors, and carries out reset and shutdown requests
 * between slices (QEMU's main_loop_should_exit()).
 */
#include <assert.h>
#include <unistd.h>

#include "kemu/chardev.h"
#include "kemu/cpu.h"
#include "kemu/device.h"
#include "kemu/drive.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"
#include "kemu/memory.h"
#include "kemu/monitor.h"
#include "kemu/qtest.h"
#include "kemu/timer.h"
#include "vl.h"

/* Longest CPU slice without polling host descriptors. */
#define VL_POLL_PERIOD_NS (10 * 1000 * 1000LL)

static VlConfig *vl_cfg;
static bool vm_running;
static RunState vl_runstate = RUN_STATE_PRELAUNCH;
static double vl_insn_per_ns = 1.0;   /* VCLOCK_HOST speed estimate */

static KEMU_NORETURN void vl_die(const char *opt, const char *arg, Error *err)
{
    error_report("%s %s: %s", opt, arg, err->msg);
    exit(1);
}

static KEMU_NORETURN void vl_die_err(Error *err)
{
    error_report_err(err);
    exit(1);
}

static const MachineClass *vl_select_machine(VlConfig *c)
{
    const MachineClass *mc =
        c->machine_name ? machine_class_find(c->machine_name) : machine_class_default();

    if (!mc) {
        error_report("unsupported machine type\nUse -machine help to list supported machines");
        exit(1);
    }
    if (c->ms.smp_cpus > MAX(mc->max_cpus, 1) || c->ms.smp_max_cpus > MAX(mc->max_cpus, 1)) {
        error_report("Invalid SMP CPUs %d. The max CPUs supported by machine '%s' is %d",
                     MAX(c->ms.smp_cpus, c->ms.smp_max_cpus), mc->name, MAX(mc->max_cpus, 1));
        exit(1);
    }
    if (!c->ram_given)
        c->ms.ram_size = mc->default_ram_size;
    return mc;
}

static void vl_setup_logging(VlConfig *c)
{
    Error *err = NULL;

    if (c->log_file && !log_set_file(c->log_file, &err)) {
        error_report_err(err);
        exit(1);
    }
    log_mask = c->log_mask;
}

static void vl_write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f || fprintf(f, "%d\n", (int)getpid()) < 0) {
        error_report("cannot write pid file %s", path);
        exit(1);
    }
    fclose(f);
}

/* Is there a default monitor? Not with -monitor/-qmp/-mon, -nodefaults
 * or a "-serial mon:..." port (which has its own), as in QEMU. */
static bool vl_default_monitor(VlConfig *c)
{
    for (int i = 0; i < c->nr_serial; i++) {
        if (!strncmp(c->serial[i], "mon:", 4))
            return false;
    }
    return !c->monitor_given && !c->ms.nodefaults;
}

/* -monitor/-qmp/-mon in order; with -nographic and no default serial
 * port the default monitor goes to stdio on its own (QEMU's rule). A
 * default monitor on a virtual console would go nowhere: none is made. */
static void vl_create_monitors(VlConfig *c)
{
    Error *err = NULL;

    for (int i = 0; i < c->nr_monitors; i++) {
        if (!monitor_add_cmdline(c->monitors[i].opt, c->monitors[i].arg, &err))
            vl_die(c->monitors[i].opt, c->monitors[i].arg, err);
    }
    if (c->ms.nographic && vl_default_monitor(c) && c->serial_given &&
        !monitor_add_cmdline("-monitor", "stdio", &err))
        vl_die("-monitor", "stdio", err);
}

static void vl_create_chardevs(VlConfig *c)
{
    Error *err = NULL;
    bool default_monitor = vl_default_monitor(c);

    for (int i = 0; i < c->nr_chardevs; i++) {
        if (!chardev_new_from_opts(c->chardevs[i], &err))
            vl_die("-chardev", c->chardevs[i], err);
    }
    vl_create_monitors(c);
    /* QEMU's default serial port: the console with -nographic (shared
     * with the default monitor), else a virtual console, which without a
     * display goes nowhere (null). */
    if (!c->serial_given && !c->ms.nodefaults)
        c->serial[c->nr_serial++] =
            c->ms.nographic ? (default_monitor ? "mon:stdio" : "stdio") : "null";
    for (int i = 0; i < c->nr_serial; i++) {
        char label[24];
        Chardev *chr;

        snprintf(label, sizeof(label), "serial%d", i);
        chr = chardev_new_legacy(label, c->serial[i], &err);
        if (!chr)
            vl_die("-serial", c->serial[i], err);
        /* "mon:" puts a monitor on the port's multiplexer. */
        if (!strncmp(c->serial[i], "mon:", 4))
            monitor_new_hmp(chr);
        c->ms.serial[c->ms.nr_serial++] = chr;
    }
}

static void vl_start_qtest(VlConfig *c)
{
    Error *err = NULL;
    Chardev *chr;

    if (!c->accel_qtest)
        return;
    qtest_enabled = true;
    c->ms.qtest = true;
    if (!c->qtest_chr)
        return;
    chr = chardev_new_legacy("qtest", c->qtest_chr, &err);
    if (!chr)
        vl_die("-qtest", c->qtest_chr, err);
    qtest_server_init(chr);
}

static void vl_create_devices(VlConfig *c)
{
    Error *err = NULL;

    for (int i = 0; i < c->nr_devices; i++) {
        if (!device_create_from_opts(c->devices[i], &err))
            vl_die("-device", c->devices[i], err);
    }
}

static void vl_setup(VlConfig *c)
{
    const MachineClass *mc;
    Error *err = NULL;

    vl_cfg = c;
    mainloop_init();
    mainloop_at_exit(chardev_close_all);
    vl_setup_logging(c);
    mc = vl_select_machine(c);
    if (c->pidfile)
        vl_write_pidfile(c->pidfile);
    mem_system_init();
    if (c->accel_qtest)
        vclock_set_mode(VCLOCK_MANUAL, 0);
    else if (c->icount)
        vclock_set_mode(VCLOCK_ICOUNT, c->icount_shift);
    else
        vclock_set_mode(VCLOCK_HOST, 0);
    vl_create_chardevs(c);
    vl_start_qtest(c);
    /* Drives open after the chardevs and before the board (QEMU's
     * configure_blockdev); the board then takes its interfaces' drives. */
    if (!drive_open_all(&err))
        vl_die_err(err);
    machine_set_current(&c->ms, mc);
    mc->init(&c->ms);
    if (!drive_check_orphans(&err))
        vl_die_err(err);
    if (c->vga_given && strcmp(c->ms.vga, "none") && !c->ms.vga_created)
        warn_report("A -vga option was passed but this machine type does not use that option; "
                    "No VGA device has been created");
    vl_create_devices(c);
    machine_reset();
}

/* ---- run state (QEMU's runstate.c, the part kemu needs) ---- */

#define VL_MAX_LISTENERS 8
static struct {
    VmEventFn *fn;
    void *opaque;
} vl_listeners[VL_MAX_LISTENERS];
static int vl_nr_listeners;

void vm_add_event_listener(VmEventFn *fn, void *opaque)
{
    assert(vl_nr_listeners < VL_MAX_LISTENERS);
    vl_listeners[vl_nr_listeners].fn = fn;
    vl_listeners[vl_nr_listeners++].opaque = opaque;
}

static void vl_notify(VmEvent event, ShutdownCause cause)
{
    for (int i = 0; i < vl_nr_listeners; i++)
        vl_listeners[i].fn(vl_listeners[i].opaque, event, cause);
}

RunState runstate_get(void)
{
    return vl_runstate;
}

const char *runstate_name(RunState state)
{
    static const char *const names[] = {
        [RUN_STATE_PRELAUNCH] = "prelaunch", [RUN_STATE_RUNNING] = "running",
        [RUN_STATE_PAUSED] = "paused",       [RUN_STATE_SHUTDOWN] = "shutdown",
        [RUN_STATE_DEBUG] = "debug",
    };

    return (unsigned)state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

bool runstate_is_running(void)
{
    return vl_runstate == RUN_STATE_RUNNING;
}

void vm_stop(RunState state)
{
    if (!vm_running || state == RUN_STATE_RUNNING)
        return;
    vl_runstate = state;
    vm_running = false;
    vclock_stop();
    cpu_exit_all();
    vl_notify(VM_EVENT_STOP, SHUTDOWN_NONE);
}

void vm_start(void)
{
    if (vm_running)
        return;
    vl_runstate = RUN_STATE_RUNNING;
    vm_running = true;
    vclock_start();
    mainloop_notify();
    vl_notify(VM_EVENT_RESUME, SHUTDOWN_NONE);
}

/* A reset leaves a VM that is not running in "prelaunch", as QEMU does. */
static void vl_reset(void)
{
    machine_reset();
    vl_notify(VM_EVENT_RESET, SHUTDOWN_NONE);
    if (!vm_running)
        vl_runstate = RUN_STATE_PRELAUNCH;
}

/* ---- the loop ---- */

static bool vl_cpus_may_run(void)
{
    return vm_running && !vl_cfg->ms.qtest;
}

static bool vl_any_runnable(void)
{
    if (!vl_cpus_may_run())
        return false;
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next) {
        if (cpu_runnable(cpu))
            return true;
    }
    return false;
}

/* Instructions the CPU may run before the next deadline (and before host
 * descriptors must be polled again in real-time mode). */
static int64_t vl_slice_budget(void)
{
    int64_t now = vclock_get_ns();
    int64_t until = timers_next_deadline() - now;

    if (until < 1)
        until = 1;
    if (vclock_mode() == VCLOCK_ICOUNT) {
        int shift = vclock_icount_shift();
        int64_t n = (until + (1LL << shift) - 1) >> shift;

        return MIN(n, (VL_POLL_PERIOD_NS * 10) >> shift);
    }
    until = MIN(until, VL_POLL_PERIOD_NS);
    return MAX((int64_t)(until * vl_insn_per_ns), 1);
}

/* Run one slice on every runnable CPU. */
static void vl_run_cpus(void)
{
    for (CPUState *cpu = first_cpu; cpu && vl_cpus_may_run(); cpu = cpu->next) {
        int64_t budget, t0, n;

        if (!cpu_runnable(cpu))
            continue;
        budget = vl_slice_budget();
        t0 = host_clock_ns();
        cpu->exit_request = 0;
        n = cpu->ops->exec(cpu, budget);
        if (vclock_mode() == VCLOCK_ICOUNT) {
            vclock_add_icount(n);
        } else if (n == budget) {
            /* Full slice: refine the speed estimate (never below 1/ns/16). */
            int64_t dt = MAX(host_clock_ns() - t0, 1);

            vl_insn_per_ns = MAX(0.0625, 0.75 * vl_insn_per_ns + 0.25 * ((double)n / dt));
        }
        timers_run_expired();
    }
}

/* icount idle: with sleep=on (QEMU's default) idle time follows the host
 * and a full wait lands exactly on the deadline, so runs without host
 * input repeat exactly; with sleep=off the clock jumps at once. */
static void vl_idle_icount(int64_t now, int64_t deadline, int64_t wait)
{
    int64_t t0 = host_clock_ns(), target;
    bool woken;

    if (!vl_cfg->icount_sleep) {
        mainloop_poll(0);
        if (vl_any_runnable())
            return;
        if (deadline == INT64_MAX)
            mainloop_poll(-1);
        else
            vclock_set(deadline);
        return;
    }
    woken = mainloop_poll(wait);
    target = now + (host_clock_ns() - t0);
    if (deadline != INT64_MAX && (!woken || target > deadline))
        target = deadline;
    vclock_set(target);
}

/* Nothing runnable: wait for the next deadline or host input. */
static void vl_idle(void)
{
    int64_t deadline = timers_next_deadline();
    int64_t now = vclock_get_ns();
    int64_t wait = deadline == INT64_MAX ? -1 : MAX(deadline - now, 0);

    if (!vm_running || vclock_mode() == VCLOCK_MANUAL)
        mainloop_poll(-1);
    else if (vclock_mode() == VCLOCK_ICOUNT)
        vl_idle_icount(now, deadline, wait);
    else
        mainloop_poll(wait);
}

/* Carry out a pending shutdown. Returns true when kemu should exit. */
static bool vl_handle_shutdown(int *status)
{
    ShutdownCause cause = qemu_take_shutdown(status);

    if (cause == SHUTDOWN_GUEST_RESET && !opt_no_reboot) {
        qemu_system_reset_request();
        return false;
    }
    if (cause == SHUTDOWN_GUEST && opt_no_shutdown) {
        /* QEMU's -no-shutdown: the VM stops, the process stays. */
        vl_notify(VM_EVENT_SHUTDOWN, cause);
        vm_stop(RUN_STATE_SHUTDOWN);
        return false;
    }
    if (cause != SHUTDOWN_EXIT_STATUS) {
        *status = 0;
        vl_notify(VM_EVENT_SHUTDOWN, cause);
    }
    return true;
}

static int vl_main_loop(void)
{
    int status = 0;

    vm_running = !vl_cfg->ms.start_stopped;
    vl_runstate = vm_running ? RUN_STATE_RUNNING : RUN_STATE_PRELAUNCH;
    if (!vm_running)
        vclock_stop();
    for (;;) {
        if (qemu_shutdown_pending() && vl_handle_shutdown(&status))
            return status;
        if (qemu_take_reset())
            vl_reset();
        if (vl_any_runnable()) {
            vl_run_cpus();
            timers_run_expired();
            mainloop_poll(0);
        } else {
            timers_run_expired();
            if (!qemu_shutdown_pending() && !qemu_reset_pending() && !vl_any_runnable())
                vl_idle();
            timers_run_expired();
        }
    }
}

int vl_run(VlConfig *c)
{
    vl_setup(c);
    monitor_machine_ready();
    return vl_main_loop();
}
