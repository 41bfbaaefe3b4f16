/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the human monitor without a machine: expressions and the
 * print formats, x/xp dumps of a RAM region (virtual addresses through a
 * fake CPU's debug_translate hook), memsave/pmemsave, sum, the command
 * table and help texts, parse errors worded as QEMU's, and the line
 * editor's terminal output (the bytes QEMU's readline sends).
 */
#include <fcntl.h>
#include <unistd.h>

#include "config-host.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "monitor/monitor-internal.h"
#include "tests/unit/tap.h"

#define RAM_SIZE (64 * 1024)

static MemRegion ram;

/* ---- a fake CPU: $eax, virtual pages 0 and 1 swapped, nothing above 64K ---- */

static bool fake_get_register(CPUState *cpu, const char *name, uint64_t *val)
{
    if (strcmp(name, "eax"))
        return false;
    *val = 0x1234 + (uint64_t)cpu->index;
    return true;
}

static hwaddr fake_translate(CPUState *cpu, uint64_t addr)
{
    return addr >= RAM_SIZE ? (hwaddr)-1 : addr ^ 0x1000;
}

static void fake_dump(CPUState *cpu, FILE *out)
{
    fprintf(out, "FAKE STATE %d\n", cpu->index);
}

static const CPUOps fake_ops = {
    .dump_state = fake_dump,
    .debug_translate = fake_translate,
    .get_register = fake_get_register,
};
static CPUState cpu0 = { .ops = &fake_ops, .index = 0 };
static CPUState cpu1 = { .ops = &fake_ops, .index = 1 };

/* Run a command; compare its whole output. */
static void check(const char *line, const char *want)
{
    char *got = monitor_hmp_capture(line);

    is_str(got, want, "%s", line);
    free(got);
}

static void setup(void)
{
    mem_system_init();
    mr_init_ram(&ram, "ram", RAM_SIZE);
    mr_add_subregion(&mr_system, 0, &ram);
    for (int i = 0; i < RAM_SIZE; i++)
        ram.ram[i] = (uint8_t)i;
    memcpy(ram.ram + 0x100, "\xff\xff\xff\xff", 4);
    memcpy(ram.ram + 0x200, "Hi\n'", 4);
    cpu_register(&cpu0);
    cpu_register(&cpu1);
}

static void test_print(void)
{
    check("p 1+2", "0x3\r\n");
    check("print 0x10 * 3 + 2", "0x32\r\n");
    check("p/x 1 + 2 & 3", "0x3\r\n"); /* QEMU: & binds tighter than + */
    check("p (1+2)*3", "0x9\r\n");
    check("p -1", "0xffffffffffffffff\r\n");
    check("p ~0xff & 0xfff", "0xf00\r\n");
    check("p 'A'", "0x41\r\n");
    check("p 10 % 3", "0x1\r\n");
    check("p/x 0", "0\r\n");
    check("p/d 10/3", "3\r\n");
    check("p 7", "7\r\n"); /* the last format stays, as in QEMU */
    check("p/d -7/2", "-3\r\n");
    check("p/o 8", "010\r\n");
    check("p/u -1", "18446744073709551615\r\n");
    check("p/c 65", "'A'\r\n");
    check("p/c 10", "'\\n'\r\n");
    check("p/x $eax", "0x1234\r\n");
    check("p/x $eax + 1", "0x1235\r\n");
    check("p 1/0", "division by zero\r\nTry \"help p\" for more information\r\n");
    check("p (1", "')' expected\r\nTry \"help p\" for more information\r\n");
    check("p (1 << 4)", "')' expected\r\nTry \"help p\" for more information\r\n");
    check("p", "unexpected end of expression\r\nTry \"help p\" for more information\r\n");
    check("p 08", "print|p: extraneous characters at the end of line\r\n"
                 "Try \"help p\" for more information\r\n");
    check("p $foo", "unknown register\r\nTry \"help p\" for more information\r\n");
    check("p #", "invalid char '#' in expression\r\nTry \"help p\" for more information\r\n");
    check("p 99999999999999999999", "number too large\r\nTry \"help p\" for more information\r\n");
    check("p/q 1", "invalid char in format: 'q'\r\nTry \"help p\" for more information\r\n");
}

static void test_dump(void)
{
    check("xp /4xb 0", "0000000000000000: 0x00 0x01 0x02 0x03\r\n");
    check("xp /9xb 0", "0000000000000000: 0x00 0x01 0x02 0x03 0x04 0x05 0x06 0x07\r\n"
                       "0000000000000008: 0x08\r\n");
    check("xp /2xh 0x10", "0000000000000010: 0x1110 0x1312\r\n");
    check("xp /2xw 0x10", "0000000000000010: 0x13121110 0x17161514\r\n");
    check("xp /1xg 0x10", "0000000000000010: 0x1716151413121110\r\n");
    check("xp /5xw 0x10", "0000000000000010: 0x13121110 0x17161514 0x1b1a1918 0x1f1e1d1c\r\n"
                          "0000000000000020: 0x23222120\r\n");
    check("xp /1dw 0x100", "0000000000000100:         -1\r\n");
    check("xp /1uw 0x100", "0000000000000100: 4294967295\r\n");
    check("xp /2dh 0x100", "0000000000000100:    -1    -1\r\n");
    check("xp /2ob 0x8", "0000000000000008: 010 011\r\n");
    check("xp /4cb 0x200", "0000000000000200: 'H' 'i' '\\n' '\\''\r\n");
    check("xp 0x10", "0000000000000010: '\\x10'\r\n"); /* the last format (/cb) stays */
    check("x /2xb 0x1000", "0000000000001000: 0x00 0x01\r\n");
    check("x /2xb 0x0004", "0000000000000004: 0x04 0x05\r\n");
    check("x /1xb 0x20000", "0000000000020000: Cannot access memory\r\n");
    check("xp /1xb 0x100000", "0000000000100000: Cannot access memory\r\n");
    check("xp /0x 0", "");
    check("xp /2y 0", "invalid char in format: 'y'\r\nTry \"help xp\" for more information\r\n");
    check("xp", "unexpected end of expression\r\nTry \"help xp\" for more information\r\n");
    check("xp /x 0 1", "xp: extraneous characters at the end of line\r\n"
                       "Try \"help xp\" for more information\r\n");
}

static void test_files(void)
{
    char path[] = "/tmp/kemu-test-hmp-XXXXXX";
    int fd = mkstemp(path);
    uint8_t buf[32];
    char *cmd;
    unsigned sum = 0;

    close(fd);
    cmd = xasprintf("pmemsave 16 0x10 %s", path);
    check(cmd, "");
    free(cmd);
    fd = open(path, O_RDONLY);
    is_int(read(fd, buf, sizeof(buf)), 16, "pmemsave: 16 bytes (a '/' path is a file name)");
    close(fd);
    ok(!memcmp(buf, ram.ram + 16, 16), "pmemsave: the bytes of physical memory");
    cmd = xasprintf("memsave 0x1000 4 %s", path);
    check(cmd, "");
    free(cmd);
    fd = open(path, O_RDONLY);
    is_int(read(fd, buf, sizeof(buf)), 4, "memsave: 4 bytes");
    close(fd);
    ok(!memcmp(buf, ram.ram, 4), "memsave: virtual 0x1000 is physical 0 on the fake CPU");
    cmd = xasprintf("memsave 0x20000 4 %s", path);
    check(cmd, "Error: Invalid addr 0x0000000000020000/size 4 specified\r\n");
    free(cmd);
    check("pmemsave 0 4 /nonexistent/dir/f",
          "Error: Could not open '/nonexistent/dir/f': No such file or directory\r\n");
    check("memsave 0 4", "memsave: filename expected\r\n"
                         "Try \"help memsave\" for more information\r\n");
    unlink(path);
    for (int i = 0; i < 16; i++)
        sum = (((sum >> 1) | (sum << 15)) + ram.ram[i]) & 0xffff;
    cmd = xasprintf("%05u\r\n", sum);
    check("sum 0 16", cmd);
    free(cmd);
    check("gva2gpa 0x1234", "gpa: 0x234\r\n");
    check("gva2gpa 0x30000", "Unmapped\r\n");
}

static void test_commands(void)
{
    char *want;

    check("info registers", "\r\nCPU#0\r\nFAKE STATE 0\r\n");
    check("cpu 1", "");
    check("info registers", "\r\nCPU#1\r\nFAKE STATE 1\r\n");
    check("p/x $eax", "0x1235\r\n");
    want = xasprintf("  CPU #0: thread_id=%d\r\n* CPU #1: thread_id=%d\r\n", (int)getpid(),
                     (int)getpid());
    check("info cpus", want);
    free(want);
    check("cpu 7", "invalid CPU index\r\n");
    check("cpu 0", "");
    check("info registers -a", "\r\nCPU#0\r\nFAKE STATE 0\r\n\r\nCPU#1\r\nFAKE STATE 1\r\n");
    check("info registers 1", "\r\nCPU#1\r\nFAKE STATE 1\r\n");
    check("info registers 9", "CPU#9 not available\r\n");
    check("info version", KEMU_VERSION "\r\n");
    check("info status", "VM status: paused (prelaunch)\r\n");
    check("help p", "print|p /fmt expr -- print expression value (use $reg for CPU register "
                    "access)\r\n");
    check("help c", "cont|c  -- resume emulation\r\n");
    check("help info status", "info status  -- show the current VM status (running|paused)\r\n");
    check("help nosuch", "unknown command: 'nosuch'\r\n");
    check("nosuch 1 2", "unknown command: 'nosuch'\r\n");
    check("info nosuch", "unknown command: 'info nosuch'\r\n");
    check("   ", "");
    check("log none", "");
    is_int(log_mask, 0, "log none clears the -d items");
    check("log int,guest_errors", "");
    is_int(log_mask, LOG_INT | LOG_GUEST_ERROR, "log int,guest_errors");
    check("log bogus", "unknown log item 'bogus' (try -d help)\r\n");
    check("log", "log: string expected\r\nTry \"help log\" for more information\r\n");
    check("log none", "");
    check("sendkey nosuchkey", "invalid parameter: nosuchkey\r\n");
    check("screendump", "screendump: filename expected\r\n"
                        "Try \"help screendump\" for more information\r\n");
    check("screendump /tmp/kemu-no.ppm", "Error: There is no display device to screendump "
                                         "from\r\n");
}

/* ---- line editing ---- */

static Monitor *rl_mon(void)
{
    Monitor *mon = XNEW0(Monitor);

    mon->capturing = true;
    readline_init(&mon->rl);
    return mon;
}

/* Feed bytes; return what the monitor wrote meanwhile. */
static char *rl_feed(Monitor *mon, const char *bytes)
{
    char *out;

    mon->capture_len = 0;
    if (mon->capture)
        mon->capture[0] = 0;
    for (const char *p = bytes; *p; p++)
        readline_handle_byte(mon, (uint8_t)*p);
    out = xstrdup(mon->capture ? mon->capture : "");
    return out;
}

static void check_rl(Monitor *mon, const char *bytes, const char *want, const char *desc)
{
    char *got = rl_feed(mon, bytes);

    is_str(got, want, "readline: %s", desc);
    free(got);
}

static void test_readline(void)
{
    Monitor *mon = rl_mon();

    check_rl(mon, "ab", "a\033[K\033[Dab\033[K", "typing redraws the line as QEMU does");
    check_rl(mon, "\033[D", "\033[D", "left arrow");
    check_rl(mon, "c", "\033[Dacb\033[K\033[D", "insert in the middle");
    check_rl(mon, "\033[3~", "\033[D\033[Dac\033[K", "delete at the cursor");
    check_rl(mon, "\x7f", "\033[D\033[Da\033[K", "backspace");
    check_rl(mon, "\x01", "\033[D", "Ctrl-A: start of line");
    check_rl(mon, "\x05", "\033[C", "Ctrl-E: end of line");
    check_rl(mon, "\r", "\r\nunknown command: 'a'\r\n(qemu) ", "enter runs the line");
    check_rl(mon, "p 2\r", "p\033[K\033[Dp \033[K\033[D\033[Dp 2\033[K\r\n0x2\r\n(qemu) ",
             "a command and its output");
    check_rl(mon, "\033[A", "p 2\033[K", "up: the last line");
    check_rl(mon, "\033[A", "\033[D\033[D\033[Da\033[K", "up again: the line before");
    check_rl(mon, "\033[A", "", "up at the oldest line: nothing");
    check_rl(mon, "\033[B\033[B", "\033[Dp 2\033[K\033[D\033[D\033[D\033[K", "down, down: empty");
    check_rl(mon, "x y\x17", "x\033[K\033[Dx \033[K\033[D\033[Dx y\033[K\033[D\033[D\033[Dx "
                             "\033[K",
             "Ctrl-W deletes the word before the cursor");
    check_rl(mon, "\x17\x17", "\033[D\033[D\033[K", "Ctrl-W again: the line is empty");
    check_rl(mon, "\r\n", "\r\n(qemu) \r\n(qemu) ", "CR and LF each end a line (as QEMU)");
    free(rl_feed(mon, "p 3\r"));
    is_str(readline_history(&mon->rl, 0), "a", "history: the oldest line");
    is_str(readline_history(&mon->rl, 1), "p 2", "history: a repeated line moved ...");
    is_str(readline_history(&mon->rl, 2), "p 3", "... behind the newer one");
    ok(readline_history(&mon->rl, 3) == NULL, "history: three distinct lines");
    check_rl(mon, "inf\t", "i\033[K\033[Din\033[K\033[D\033[Dinf\033[K\033[D\033[D\033[Dinfo "
                           "\033[K",
             "tab completes a command");
    check_rl(mon, "vers\t", "\033[D\033[D\033[D\033[D\033[Dinfo v\033[K\033[D\033[D\033[D"
                            "\033[D\033[D\033[Dinfo ve\033[K\033[D\033[D\033[D\033[D\033[D"
                            "\033[D\033[Dinfo ver\033[K\033[D\033[D\033[D\033[D\033[D\033[D"
                            "\033[D\033[Dinfo vers\033[K\033[D\033[D\033[D\033[D\033[D\033[D"
                            "\033[D\033[D\033[Dinfo version \033[K",
             "tab completes an info subcommand");
    readline_free(&mon->rl);
    free(mon->capture);
    free(mon);
}

int main(void)
{
    setup();
    test_print();
    test_dump();
    test_files();
    test_commands();
    test_readline();
    return done_testing();
}
