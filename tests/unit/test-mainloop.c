/* SPDX-License-Identifier: MIT */
/*
 * Unit test of core/mainloop.c: fd handlers (dispatch, removal from inside
 * a handler), poll timeouts, mainloop_notify, shutdown/reset requests
 * (-no-reboot turns a reset into a shutdown) and at-exit handlers running
 * in reverse order on exit and on SIGTERM-free fatal signals.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kemu/mainloop.h"
#include "kemu/timer.h"
#include "tap.h"

static int fds[2];
static int reads;
static char last;

static void on_read(void *opaque)
{
    char c;

    if (read(fds[0], &c, 1) == 1) {
        reads++;
        last = c;
    }
    if (opaque)
        mainloop_set_fd_handler(fds[0], NULL, NULL, NULL);
}

static void test_fd(void)
{
    int64_t t0;

    ok(pipe(fds) == 0, "pipe");
    mainloop_set_fd_handler(fds[0], on_read, NULL, NULL);
    ok(!mainloop_poll(0), "nothing ready: no handler ran");
    t0 = host_clock_ns();
    ok(!mainloop_poll(20 * 1000000LL), "timeout with nothing ready");
    ok(host_clock_ns() - t0 >= 19 * 1000000LL, "poll waited for the timeout");
    ok(write(fds[1], "x", 1) == 1, "write");
    ok(mainloop_poll(-1), "handler ran");
    is_int(reads, 1, "one read");
    is_int(last, 'x', "byte delivered");
    mainloop_set_fd_handler(fds[0], on_read, NULL, (void *)1);
    ok(write(fds[1], "yz", 2) == 2, "write two");
    ok(mainloop_poll(0), "handler ran and removed itself");
    ok(!mainloop_poll(0), "removed handler no longer runs");
    is_int(reads, 2, "only one read after removal");
}

static void test_notify(void)
{
    int64_t t0 = host_clock_ns();

    mainloop_notify();
    mainloop_poll(5 * NANOSECONDS_PER_SECOND);
    ok(host_clock_ns() - t0 < NANOSECONDS_PER_SECOND, "notify wakes a blocked poll");
}

static void test_requests(void)
{
    int status = -1;

    ok(!qemu_shutdown_pending() && !qemu_reset_pending(), "nothing pending");
    qemu_system_reset_request();
    ok(qemu_reset_pending(), "reset pending");
    ok(qemu_take_reset(), "take reset");
    ok(!qemu_take_reset(), "reset consumed");
    qemu_system_shutdown_request(SHUTDOWN_EXIT_STATUS, 7);
    qemu_system_shutdown_request(SHUTDOWN_GUEST, 0);
    ok(qemu_shutdown_pending(), "shutdown pending");
    is_int(qemu_take_shutdown(&status), SHUTDOWN_EXIT_STATUS, "first request wins");
    is_int(status, 7, "its status");
    is_int(qemu_take_shutdown(&status), SHUTDOWN_NONE, "consumed");
    opt_no_reboot = true;
    qemu_system_reset_request();
    ok(!qemu_reset_pending(), "-no-reboot: no reset");
    is_int(qemu_take_shutdown(&status), SHUTDOWN_GUEST, "-no-reboot: a shutdown instead");
    opt_no_reboot = false;
}

static int exit_pipe[2];

static void exit_a(void)
{
    ssize_t r = write(exit_pipe[1], "a", 1);
    (void)r;
}

static void exit_b(void)
{
    ssize_t r = write(exit_pipe[1], "b", 1);
    (void)r;
}

/* Fork a child that registers a, b and then dies as told; read back the
 * order the handlers ran in. */
static void child_exit_order(int how, char *out, int *wstatus)
{
    pid_t pid;
    ssize_t n;

    if (pipe(exit_pipe) != 0)
        return;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        mainloop_at_exit(exit_a);
        mainloop_at_exit(exit_b);
        if (how == 0)
            exit(3);
        raise(SIGSEGV);
        _exit(99);
    }
    close(exit_pipe[1]);
    waitpid(pid, wstatus, 0);
    n = read(exit_pipe[0], out, 7);
    out[n > 0 ? n : 0] = '\0';
    close(exit_pipe[0]);
}

static void test_at_exit(void)
{
    char order[8];
    int ws;

    child_exit_order(0, order, &ws);
    is_str(order, "ba", "exit: handlers in reverse order");
    ok(WIFEXITED(ws) && WEXITSTATUS(ws) == 3, "exit status kept");
    child_exit_order(1, order, &ws);
    is_str(order, "ba", "fatal signal: handlers ran");
    ok(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV, "then died of the signal");
}

int main(void)
{
    test_fd();
    test_notify();
    test_requests();
    test_at_exit();
    return done_testing();
}
