/* SPDX-License-Identifier: MIT */
/*
 * test-serial-rx: the 16550A receive path from a chardev.
 *
 * COM1's chardev is a unix socket server that the test connects to. Bytes
 * written to the socket arrive in RBR/the receive FIFO: in order, without
 * overruns however many are sent (the UART only accepts what it has room
 * for), raising the data-available interrupt at the FIFO trigger level and
 * the character timeout below it; in loopback mode the input waits.
 * Reference: PC16550D datasheet sections 8.4-8.6.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)

#define LSR_DR 0x01
#define LSR_OE 0x02
#define POLL_TRIES 2000

static int sock;
static int irq_line;

static void sock_send(const char *data, size_t len)
{
    if (write(sock, data, len) != (ssize_t)len) {
        printf("Bail out! write to the socket failed\n");
        exit(1);
    }
}

/* Round trips until LSR shows DR (the main loop polls the socket between
 * qtest commands); returns the last LSR. */
static uint8_t wait_dr(void)
{
    uint8_t lsr = 0;

    for (int i = 0; i < POLL_TRIES && !(lsr & LSR_DR); i++) {
        lsr = inb(LSR);
        if (!(lsr & LSR_DR))
            usleep(1000);
    }
    return lsr;
}

/* Read n bytes from RBR, waiting for each; false on overrun or timeout. */
static bool receive(char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t lsr = wait_dr();
        if (!(lsr & LSR_DR) || (lsr & LSR_OE))
            return false;
        buf[i] = (char)inb(RBR);
    }
    return true;
}

static void test_no_fifo(void)
{
    char buf[8] = "";

    sock_send("abc", 3);
    qt_ok(receive(buf, 3) && memcmp(buf, "abc", 3) == 0, "non-FIFO: 'abc' received in order");
    qt_eq(inb(LSR), 0x60, "non-FIFO: receiver empty, no overrun");
}

static void test_fifo_flow(void)
{
    char out[200], in[200];

    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (char)(' ' + i % 90);
    outb(FCR, 0xc7);
    sock_send(out, sizeof(out));
    qt_ok(receive(in, sizeof(in)) && memcmp(in, out, sizeof(out)) == 0,
          "FIFO: 200 bytes received in order without overrun");
    qt_eq(inb(LSR), 0x60, "FIFO: receiver empty afterwards");
}

static void test_trigger_irq(void)
{
    uint8_t iir = 0;

    outb(FCR, 0x47); /* trigger level 4 */
    outb(IER, 0x01);
    sock_send("1234", 4);
    for (int i = 0; i < POLL_TRIES && iir != 0xc4; i++) {
        iir = inb(IIR);
        if (iir != 0xc4)
            usleep(1000);
    }
    qt_eq(iir, 0xc4, "4 bytes at trigger level 4: received data interrupt");
    qt_ok(get_irq(irq_line), "interrupt line raised");
    for (int i = 0; i < 4; i++)
        inb(RBR);
    qt_ok(!get_irq(irq_line), "line lowered once the FIFO is read");
    outb(IER, 0x00);
}

static void test_timeout(void)
{
    if (qtest_is_qemu()) {
        qt_skip("needs accel=qtest clock", "receive timeout");
        return;
    }
    outb(LCR, 0x03);
    outb(FCR, 0xc7);
    outb(IER, 0x01);
    sock_send("z", 1);
    wait_dr();
    qt_eq(inb(IIR), 0xc1, "1 byte below trigger level 14: no interrupt yet");
    clock_step(4 * 1041666);
    qt_eq(inb(IIR), 0xcc, "character timeout after 4 frames (9600 8N1)");
    qt_eq(inb(RBR), 'z', "the byte");
    qt_eq(inb(IIR), 0xc1, "timeout cleared by reading RBR");
    outb(IER, 0x00);
}

static void test_loopback_holds_input(void)
{
    bool held = true;
    char c = 0;

    if (qtest_is_qemu()) {
        /* QEMU keeps receiving from the chardev in loopback mode. */
        qt_skip("QEMU does not disconnect the input in loopback", "loopback input");
        return;
    }
    outb(FCR, 0x00);
    outb(MCR, 0x18);
    sock_send("L", 1);
    for (int i = 0; i < 50; i++) {
        held &= !(inb(LSR) & LSR_DR);
        usleep(1000);
    }
    qt_ok(held, "loopback: input from the chardev is not received");
    outb(MCR, 0x08);
    qt_ok(receive(&c, 1) && c == 'L', "leaving loopback: the held byte arrives");
}

int main(void)
{
    char *path = qtest_tmpfile("serial-rx");
    char args[1024];

    unlink(path); /* the chardev creates the socket */
    snprintf(args, sizeof(args),
             "%s -chardev socket,id=s0,path=%s,server=on,wait=off "
             "-device isa-serial,id=com1,chardev=s0",
             qtest_isa_machine(), path);
    qtest_start(args);
    if (qtest_is_qemu()) {
        irq_intercept_in("ioapic");
        irq_line = 4;
    } else {
        irq_intercept_out("com1");
        irq_line = 0;
    }
    sock = qtest_socket_connect(path);
    test_no_fifo();
    test_fifo_flow();
    test_trigger_irq();
    test_timeout();
    test_loopback_holds_input();
    close(sock);
    qtest_end();
    return qt_done();
}
