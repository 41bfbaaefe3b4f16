/* SPDX-License-Identifier: MIT */
/*
 * The main loop: host file descriptors, run state, shutdown and reset.
 *
 * One thread runs everything: a CPU slice, the expired timers, then poll()
 * on the registered host file descriptors (non-blocking while a CPU is
 * runnable, until the next timer deadline while every CPU halts).
 * Devices and backends request shutdown or reset; the loop carries them out
 * between slices, never from inside a device callback.
 */
#ifndef KEMU_MAINLOOP_H
#define KEMU_MAINLOOP_H

#include "kemu/types.h"

typedef void FdHandler(void *opaque);

/* Install the signal handlers (SIGINT/SIGTERM/SIGHUP request a clean
 * shutdown, fatal signals run the at-exit handlers) and the wake-up pipe.
 * Called by main(); safe to call more than once. */
void mainloop_init(void);

/* Watch fd: read/write are called when it is readable/writable. Passing
 * both NULL removes the fd. */
void mainloop_set_fd_handler(int fd, FdHandler *read, FdHandler *write, void *opaque);
/* poll() once, waiting at most timeout_ns (0: don't wait, -1: forever),
 * and dispatch ready handlers. Returns true if any handler ran. */
bool mainloop_poll(int64_t timeout_ns);
/* Wake a blocked mainloop_poll() (from a signal handler or another thread). */
void mainloop_notify(void);

/* Called at exit, in reverse registration order (terminal restore etc.).
 * Runs on normal exit and on fatal signals. */
void mainloop_at_exit(void (*fn)(void));

typedef enum ShutdownCause {
    SHUTDOWN_NONE,
    SHUTDOWN_HOST_QUIT,     /* Ctrl-a x, monitor quit, signal */
    SHUTDOWN_GUEST,         /* ACPI power-off, triple fault with -no-reboot */
    SHUTDOWN_GUEST_RESET,   /* the guest asked for reset */
    SHUTDOWN_EXIT_STATUS,   /* isa-debug-exit: exit with a given status */
} ShutdownCause;

/* Request that the VM stops and kemu exits with status. */
void qemu_system_shutdown_request(ShutdownCause cause, int status);
/* The guest asked for a reset; under -no-reboot this becomes a shutdown. */
void qemu_system_reset_request(void);
bool qemu_shutdown_pending(void);
bool qemu_reset_pending(void);
/* Consume the pending request. */
ShutdownCause qemu_take_shutdown(int *status);
bool qemu_take_reset(void);

/*
 * Run state (a subset of QEMU's RunState, with its names). The VM runs
 * when the state is RUN_STATE_RUNNING: CPUs execute and the host-driven
 * virtual clock advances. Any other state stops both; the main loop keeps
 * serving host input (the monitor) and carrying out requests.
 */
typedef enum RunState {
    RUN_STATE_PRELAUNCH, /* -S: built, never started ("cont" starts it) */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,    /* stopped by the monitor ("stop") */
    RUN_STATE_SHUTDOWN,  /* the guest powered off under -no-shutdown */
    RUN_STATE_DEBUG,     /* stopped by a debugger */
} RunState;

RunState runstate_get(void);
/* "prelaunch", "running", "paused", "shutdown", "debug" */
const char *runstate_name(RunState state);
bool runstate_is_running(void);
/* A running VM stops its CPUs and clock and enters state (not RUNNING),
 * sending VM_EVENT_STOP; a VM that is not running stays as it is. */
void vm_stop(RunState state);
/* Start or resume the VM; sends VM_EVENT_RESUME. No-op when running. */
void vm_start(void);

/* Machine events, for the monitor's QMP events. cause is the shutdown
 * cause for VM_EVENT_SHUTDOWN (SHUTDOWN_NONE otherwise). */
typedef enum VmEvent {
    VM_EVENT_STOP,      /* the VM stopped (any state but RUNNING) */
    VM_EVENT_RESUME,    /* the VM runs again */
    VM_EVENT_RESET,     /* a machine reset was carried out */
    VM_EVENT_SHUTDOWN,  /* kemu is about to exit (or stop, -no-shutdown) */
} VmEvent;
typedef void VmEventFn(void *opaque, VmEvent event, ShutdownCause cause);
void vm_add_event_listener(VmEventFn *fn, void *opaque);

/* Global run options set from the command line. */
extern bool opt_no_reboot;
extern bool opt_no_shutdown;

#endif
