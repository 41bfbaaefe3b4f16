/* SPDX-License-Identifier: MIT */
/*
 * test-i8042: the keyboard controller with its PS/2 keyboard and mouse.
 *
 * Uses the board's i8042 when the machine has one (port 0x64 answers),
 * else creates one with -device. Its outputs are intercepted: IRQ 0 of
 * the test is IRQ1, 1 is IRQ12, 2 is the A20 gate. Keys and mouse motion
 * come in through the kemu qtest commands "ps2_key" and "ps2_mouse".
 * Checks: status and command byte, self and interface tests, output
 * port and A20, the 0xd2/0xd3 buffers, keyboard reset/identify/LEDs/echo
 * and scancode sets 1-3 with and without translation, port disabling,
 * the mouse reset, identify, IntelliMouse knocks, packets, status and
 * remote mode, and reset through command 0xfe.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define DATA 0x60
#define CMD 0x64

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_AUXB 0x20

static void key(const char *name, const char *dir)
{
    char *r = qtest_cmd(global_qtest, "ps2_key %s %s", name, dir);

    if (!r || strcmp(r, "OK")) {
        qt_ok(false, "ps2_key %s %s: %s", name, dir, r ? r : "(no reply)");
    }
    free(r);
}

static void mouse(int dx, int dy, int dz, int buttons)
{
    free(qtest_cmd(global_qtest, "ps2_mouse %d %d %d %d", dx, dy, dz, buttons));
}

/* Read n bytes through port 0x60 and compare them with want[]; then the
 * output buffer must be empty. */
static void expect_arr(const char *what, int n, const int *want)
{
    char got_s[256] = "", want_s[256] = "";
    bool ok = true;

    for (int i = 0; i < n; i++) {
        int g = (inb(CMD) & ST_OBF) ? inb(DATA) : -1;

        snprintf(got_s + strlen(got_s), sizeof(got_s) - strlen(got_s), " %02x", g & 0xff);
        snprintf(want_s + strlen(want_s), sizeof(want_s) - strlen(want_s), " %02x", want[i]);
        ok &= g == want[i];
    }
    ok &= !(inb(CMD) & ST_OBF);
    if (!qt_ok(ok, "%s", what))
        qt_diag("got%s, want%s%s", got_s, want_s, (inb(CMD) & ST_OBF) ? " (more data left)" : "");
    while (inb(CMD) & ST_OBF)
        inb(DATA);
}

static void expect(const char *what, int n, ...)
{
    int want[32];
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n && i < 32; i++)
        want[i] = va_arg(ap, int);
    va_end(ap);
    expect_arr(what, n, want);
}

static void ctrl(uint8_t cmd) { outb(CMD, cmd); }

static void set_cmd_byte(uint8_t v)
{
    ctrl(0x60);
    outb(DATA, v);
}

static void aux(uint8_t v)
{
    ctrl(0xd4);
    outb(DATA, v);
}

static void test_controller(void)
{
    qt_eq(inb(CMD), 0x18, "status after reset: keyboard unlocked, last write a command");
    ctrl(0x20);
    expect("command byte after reset: 0x03 (both interrupts on)", 1, 0x03);
    ctrl(0xaa);
    qt_eq(inb(CMD) & (ST_OBF | ST_SYS), ST_OBF | ST_SYS, "self test sets SYS and fills the buffer");
    expect("self test answers 0x55", 1, 0x55);
    ctrl(0xab);
    expect("keyboard interface test: 0x00", 1, 0x00);
    ctrl(0xa9);
    expect("aux interface test: 0x00", 1, 0x00);
    ctrl(0xa4);
    expect("no password installed: 0xf1", 1, 0xf1);
    set_cmd_byte(0x65);
    ctrl(0x20);
    expect("command byte reads back", 1, 0x65);
    qt_eq(inb(CMD) & 0x08, 0x08, "C/D bit: last write went to port 0x64");
    set_cmd_byte(0x61);
    qt_eq(inb(CMD) & (ST_SYS | 0x08), 0x00, "writing the command byte copies SYS; C/D = data");
    ctrl(0x75);
    outb(DATA, 0x3c);
    ctrl(0x35);
    expect("controller RAM byte 0x15 reads back", 1, 0x3c);
    ctrl(0xd2);
    outb(DATA, 0x42);
    qt_eq(inb(CMD) & (ST_OBF | ST_AUXB), ST_OBF, "0xd2: keyboard data in the buffer");
    qt_ok(get_irq(0), "0xd2: IRQ1");
    expect("0xd2 byte comes back", 1, 0x42);
    qt_ok(!get_irq(0), "IRQ1 drops when the buffer is read");
    set_cmd_byte(0x03);
    ctrl(0xd3);
    outb(DATA, 0x43);
    qt_eq(inb(CMD) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB, "0xd3: auxiliary data in the buffer");
    qt_ok(get_irq(1) && !get_irq(0), "0xd3: IRQ12, not IRQ1");
    expect("0xd3 byte comes back", 1, 0x43);
    set_cmd_byte(0x00);
    ctrl(0xd2);
    outb(DATA, 0x44);
    qt_ok(!get_irq(0), "KIE off: no IRQ1");
    expect("data still readable by polling", 1, 0x44);
    qt_eq(inb(DATA), 0x44, "reading an empty buffer returns the last byte");
}

static void test_a20(void)
{
    ctrl(0xd1);
    outb(DATA, 0xdd);
    ctrl(0xd0);
    expect("output port reads back (A20 off)", 1, 0xcd);
    ctrl(0xd1);
    outb(DATA, 0xdf);
    qt_ok(get_irq(2), "output port bit 1 raises the A20 gate");
    ctrl(0xdd);
    qt_ok(!get_irq(2), "command 0xdd: A20 off");
    ctrl(0xdf);
    qt_ok(get_irq(2), "command 0xdf: A20 on");
    ctrl(0xd0);
    expect("output port: reset and A20 high", 1, 0xcf);
}

static void test_keyboard(void)
{
    int want[21];

    set_cmd_byte(0x05); /* KIE, SYS, no translation */
    outb(DATA, 0xff);
    qt_ok(get_irq(0), "keyboard reply raises IRQ1");
    expect("keyboard reset: ACK, BAT OK", 2, 0xfa, 0xaa);
    outb(DATA, 0xf2);
    expect("identify: ACK, 0xab 0x83", 3, 0xfa, 0xab, 0x83);
    outb(DATA, 0xee);
    expect("echo", 1, 0xee);
    outb(DATA, 0xed);
    outb(DATA, 0x07);
    expect("set LEDs: two ACKs", 2, 0xfa, 0xfa);
    outb(DATA, 0xf0);
    outb(DATA, 0x00);
    expect("get scancode set: ACK, ACK, 2", 3, 0xfa, 0xfa, 0x02);
    outb(DATA, 0xf3);
    outb(DATA, 0x20);
    expect("typematic rate: two ACKs", 2, 0xfa, 0xfa);
    outb(DATA, 0xd9);
    expect("unknown command: resend", 1, 0xfe);

    key("a", "down");
    key("a", "up");
    expect("set 2: 'a' make 1c, break f0 1c", 3, 0x1c, 0xf0, 0x1c);
    key("up", "down");
    key("up", "up");
    expect("set 2: Up is e0 75 / e0 f0 75", 5, 0xe0, 0x75, 0xe0, 0xf0, 0x75);
    key("pause", "down");
    key("pause", "up");
    expect("set 2: Pause sends 8 bytes on make only", 8, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14,
           0xf0, 0x77);

    set_cmd_byte(0x45); /* translation on */
    key("a", "down");
    key("a", "up");
    expect("translated: 'a' is 1e / 9e", 2, 0x1e, 0x9e);
    key("up", "down");
    key("up", "up");
    expect("translated: Up is e0 48 / e0 c8", 4, 0xe0, 0x48, 0xe0, 0xc8);
    key("f7", "down");
    expect("translated: F7 (set 2 0x83) is 0x41", 1, 0x41);
    key("f7", "up");
    expect("translated: F7 break 0xc1", 1, 0xc1);
    outb(DATA, 0xf2);
    expect("translated identify: 0xab 0x41", 3, 0xfa, 0xab, 0x41);
    outb(DATA, 0xf0);
    outb(DATA, 0x00);
    expect("translated scancode set query: 2 -> 0x41", 3, 0xfa, 0xfa, 0x41);

    set_cmd_byte(0x05);
    outb(DATA, 0xf0);
    outb(DATA, 0x01);
    expect("select set 1", 2, 0xfa, 0xfa);
    key("ctrl_r", "down");
    key("ctrl_r", "up");
    expect("set 1: right Ctrl e0 1d / e0 9d", 4, 0xe0, 0x1d, 0xe0, 0x9d);
    key("print", "down");
    key("print", "up");
    expect("set 1: Print Screen", 8, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);

    outb(DATA, 0xf0);
    outb(DATA, 0x03);
    expect("select set 3", 2, 0xfa, 0xfa);
    key("a", "down");
    key("a", "up");
    expect("set 3: 'a' is make-only by default", 1, 0x1c);
    key("shift", "down");
    key("shift", "up");
    expect("set 3: Shift sends make and break", 3, 0x12, 0xf0, 0x12);
    outb(DATA, 0xfc);
    outb(DATA, 0x1c);
    outb(DATA, 0xf4);
    expect("set 3: make/break for key 0x1c, then enable", 3, 0xfa, 0xfa, 0xfa);
    key("a", "down");
    key("a", "up");
    expect("set 3: 'a' now breaks too", 3, 0x1c, 0xf0, 0x1c);

    outb(DATA, 0xf5);
    expect("default disable: ACK", 1, 0xfa);
    key("b", "down");
    expect("scanning disabled: no key data", 0);
    outb(DATA, 0xf4);
    expect("enable: ACK", 1, 0xfa);
    key("b", "down");
    expect("F5 restored set 2: 'b' is 0x32", 1, 0x32);

    ctrl(0xad);
    key("c", "down");
    qt_eq(inb(CMD) & ST_OBF, 0, "keyboard port disabled: nothing delivered");
    ctrl(0xae);
    expect("enabling the port delivers the queued key", 1, 0x21);

    for (int i = 0; i < 20; i++)
        key("d", "down");
    qt_eq(inb(CMD) & ST_OBF, ST_OBF, "key data waiting");
    outb(DATA, 0xee);
    want[0] = 0x23; /* already in the controller's output buffer */
    want[1] = 0xee;
    for (int i = 2; i < 21; i++)
        want[i] = 0x23;
    expect_arr("a reply goes ahead of the 19 keys still in the keyboard", 21, want);
}

static void test_mouse(void)
{
    set_cmd_byte(0x07); /* KIE, MIE, SYS */
    aux(0xff);
    qt_eq(inb(CMD) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB, "mouse data sets AUXB");
    qt_ok(get_irq(1), "mouse data raises IRQ12");
    expect("mouse reset: ACK, BAT OK, ID 0", 3, 0xfa, 0xaa, 0x00);
    aux(0xf2);
    expect("mouse identify: 0", 2, 0xfa, 0x00);
    aux(0xf3); aux(200); aux(0xf3); aux(100); aux(0xf3); aux(80);
    expect("sample rate knock: six ACKs", 6, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    aux(0xf2);
    expect("IntelliMouse: ID 3", 2, 0xfa, 0x03);
    aux(0xf4);
    expect("enable reporting", 1, 0xfa);
    mouse(5, -3, 1, 1);
    expect("IntelliMouse packet: buttons, dx, dy (up), wheel", 4, 0x09, 0x05, 0x03, 0x01);
    mouse(-2, 4, -1, 0);
    expect("negative motion sets the sign bits", 4, 0x38, 0xfe, 0xfc, 0xff);
    mouse(300, 0, 0, 0);
    expect("motion beyond 255 is split over two packets", 8, 0x08, 0xff, 0x00, 0x00,
           0x08, 0x2d, 0x00, 0x00);

    aux(0xf3); aux(200); aux(0xf3); aux(200); aux(0xf3); aux(80);
    expect("explorer knock: six ACKs", 6, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    aux(0xf2);
    expect("IntelliMouse Explorer: ID 4", 2, 0xfa, 0x04);
    mouse(1, 1, 2, 0x11);
    expect("Explorer packet: 5th button in byte 4 bit 5", 4, 0x29, 0x01, 0xff, 0x22);

    aux(0xe8); aux(0x03);
    aux(0xe7);
    aux(0xe9);
    expect("status request: enabled, 2:1, left down; resolution 3; rate 80", 7, 0xfa, 0xfa,
           0xfa, 0xfa, 0x34, 0x03, 0x50);
}

static void test_mouse_modes(void)
{
    aux(0xff);
    expect("reset back to a plain mouse", 3, 0xfa, 0xaa, 0x00);
    aux(0xf4);
    aux(0xe7);
    expect("enable, 2:1 scaling", 2, 0xfa, 0xfa);
    mouse(4, 0, 0, 0);
    expect("2:1 scaling maps 4 to 6", 3, 0x08, 0x06, 0x00);
    aux(0xe6);
    aux(0xf0);
    expect("1:1 scaling, remote mode", 2, 0xfa, 0xfa);
    mouse(7, 0, 0, 2);
    expect("remote mode: nothing streamed", 0);
    aux(0xeb);
    expect("read data: ACK and the packet", 4, 0xfa, 0x0a, 0x07, 0x00);
    aux(0xea);
    aux(0xee);
    expect("stream mode, wrap mode", 2, 0xfa, 0xfa);
    aux(0x5a);
    expect("wrap mode echoes", 1, 0x5a);
    aux(0xec);
    expect("reset wrap mode", 1, 0xfa);
    ctrl(0xa7);
    aux(0xf2);
    expect("writing to the mouse re-enables its port", 2, 0xfa, 0x00);
    ctrl(0x20);
    expect("command byte shows the aux port enabled", 1, 0x07);
}

static void test_system_reset(void)
{
    set_cmd_byte(0x47);
    ctrl(0xfe);
    clock_step(1000);
    ctrl(0x20);
    expect("0xfe resets the machine: command byte back to 0x03", 1, 0x03);
}

int main(void)
{
    char args[512];

    qtest_start(qtest_isa_machine());
    if (inb(CMD) == 0xff) { /* no controller on this machine: add one */
        qtest_end();
        snprintf(args, sizeof(args), "%s -device i8042", qtest_isa_machine());
        qtest_start(args);
    }
    irq_intercept_out("i8042");

    test_controller();
    test_a20();
    test_keyboard();
    test_mouse();
    test_mouse_modes();
    test_system_reset();

    qtest_end();
    return qt_done();
}
