/* SPDX-License-Identifier: MIT */
/*
 * test-serial: the 16550A UART (isa-serial) through qtest.
 *
 * COM1 at 0x3f8 with its output in a file chardev. Checks reset values,
 * scratch and divisor latch, transmission, the THRE interrupt and its
 * re-arming, loopback (data and modem lines), FIFO trigger levels, the
 * character timeout on the virtual clock, overruns, and the IIR priority
 * order. Reference: PC16550D datasheet sections 8.4-8.8. Runs against QEMU
 * too (KEMU_BIN=qemu-system-x86_64); the checks where kemu follows the
 * datasheet rather than QEMU, or that need the clock, are skipped there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

#define MCR_LOOP 0x10
#define MCR_OUT2 0x08

static char *out_path;
static int irq_line; /* intercepted line number of COM1's interrupt */

static void serial_start(void)
{
    char args[1024];

    out_path = qtest_tmpfile("serial");
    snprintf(args, sizeof(args), "%s -chardev file,id=s0,path=%s -device isa-serial,id=com1,chardev=s0",
             qtest_isa_machine(), out_path);
    qtest_start(args);
    if (qtest_is_qemu()) {
        /* QEMU's isa-serial has no GPIO output; watch IRQ 4 at the IOAPIC. */
        irq_intercept_in("ioapic");
        irq_line = 4;
    } else {
        irq_intercept_out("com1");
        irq_line = 0;
    }
}

static void test_reset_values(void)
{
    qt_eq(inb(IER), 0x00, "IER resets to 0");
    qt_eq(inb(IIR), 0x01, "IIR resets to 'no interrupt'");
    qt_eq(inb(LCR), 0x00, "LCR resets to 0");
    qt_eq(inb(MCR), MCR_OUT2, "MCR resets to OUT2 (QEMU's value)");
    qt_eq(inb(LSR), 0x60, "LSR resets to THRE|TEMT");
    qt_eq(inb(MSR), 0xb0, "MSR: DCD, DSR, CTS asserted, no deltas");
    qt_eq(inb(SCR), 0x00, "SCR resets to 0");
    qt_ok(!get_irq(irq_line), "interrupt line low after reset");
}

static void test_scratch_and_dlab(void)
{
    outb(SCR, 0x55);
    qt_eq(inb(SCR), 0x55, "SCR holds 0x55");
    outb(SCR, 0xaa);
    qt_eq(inb(SCR), 0xaa, "SCR holds 0xaa");

    outb(IER, 0x05);
    outb(LCR, 0x83);
    qt_eq(inb(LCR), 0x83, "LCR reads back with DLAB");
    qt_eq(inb(DLL), 0x0c, "DLL resets to 12 (9600 baud)");
    qt_eq(inb(DLM), 0x00, "DLM resets to 0");
    outb(DLL, 0x01);
    outb(DLM, 0x12);
    qt_eq(inb(DLL), 0x01, "DLL written through DLAB");
    qt_eq(inb(DLM), 0x12, "DLM written through DLAB");
    outb(LCR, 0x03);
    qt_eq(inb(IER), 0x05, "IER untouched by DLM writes");
    outb(LCR, 0x80);
    outb(DLM, 0x00);
    outb(DLL, 0x0c);
    outb(LCR, 0x03);
    outb(IER, 0xff);
    qt_eq(inb(IER), 0x0f, "IER keeps only bits 3:0");
    outb(IER, 0x00);
    outb(MCR, 0xff);
    qt_eq(inb(MCR), 0x1f, "MCR keeps only bits 4:0");
    outb(MCR, MCR_OUT2);
    outb(LSR, 0x00);
    qt_eq(inb(LSR), 0x60, "LSR ignores writes");
}

static void test_transmit(void)
{
    const char *msg = "Hello, kemu!\n";
    bool lsr_ok = true;
    char *data;

    for (const char *p = msg; *p; p++) {
        outb(THR, (uint8_t)*p);
        lsr_ok &= inb(LSR) == 0x60;
    }
    qt_ok(lsr_ok, "THRE and TEMT set again after each byte");
    data = qtest_file_read(out_path, NULL);
    qt_ok(data && strcmp(data, msg) == 0, "bytes reach the chardev in order");
    if (data && strcmp(data, msg) != 0)
        qt_diag("file holds '%s'", data);
    free(data);
}

static void test_thre_interrupt(void)
{
    unsigned raises;

    qt_ok(!get_irq(irq_line), "no interrupt with IER=0");
    outb(IER, 0x02);
    qt_ok(get_irq(irq_line), "enabling ETBEI with THR empty raises the line");
    qt_eq(inb(IIR), 0x02, "IIR reports THRE");
    qt_ok(!get_irq(irq_line), "reading IIR cleared the THRE interrupt");
    qt_eq(inb(IIR), 0x01, "IIR: nothing pending after the read");

    raises = qtest_irq_raise_count(global_qtest, irq_line);
    outb(THR, 'x');
    qt_ok(get_irq(irq_line), "THR write re-arms THRE once the byte is sent");
    qt_eq(qtest_irq_raise_count(global_qtest, irq_line), raises + 1, "one new rising edge");
    qt_eq(inb(IIR), 0x02, "IIR reports THRE after transmission");

    outb(IER, 0x02);
    qt_eq(inb(IIR), 0x01, "rewriting the same IER does not re-arm THRE");
    outb(IER, 0x00);
    outb(IER, 0x02);
    qt_ok(get_irq(irq_line), "toggling ETBEI off and on re-arms THRE");
    outb(IER, 0x00);
    qt_ok(!get_irq(irq_line), "disabling ETBEI lowers the line");
    qt_eq(inb(IIR), 0x01, "IIR idle with ETBEI off");
}

static void test_loopback_data(void)
{
    size_t before, after;
    char *data = qtest_file_read(out_path, &before);

    free(data);
    outb(FCR, 0x00);
    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(THR, 0x5a);
    qt_eq(inb(LSR), 0x61, "loopback: byte received (DR) and transmitter idle");
    qt_eq(inb(RBR), 0x5a, "loopback: RBR returns the transmitted byte");
    qt_eq(inb(LSR), 0x60, "loopback: DR clears after reading RBR");

    /* Without FIFOs a second byte overruns the first. */
    outb(THR, 'a');
    outb(THR, 'b');
    qt_eq(inb(LSR), 0x63, "non-FIFO overrun sets OE");
    qt_eq(inb(LSR), 0x61, "reading LSR clears OE");
    qt_eq(inb(RBR), 'b', "non-FIFO overrun keeps the newest byte");
    qt_eq(inb(LSR), 0x60, "receiver empty again");

    data = qtest_file_read(out_path, &after);
    free(data);
    qt_eq(after, before, "loopback bytes never reach the chardev");
    outb(MCR, MCR_OUT2);
    inb(MSR);
}

static void test_loopback_modem(void)
{
    outb(MCR, MCR_LOOP | 0x0f);
    qt_eq(inb(MSR) & 0xf0, 0xf0, "loopback: DTR,RTS,OUT1,OUT2 -> DSR,CTS,RI,DCD");
    outb(MCR, MCR_LOOP | 0x02);
    qt_eq(inb(MSR) & 0xf0, 0x10, "loopback: RTS -> CTS");
    outb(MCR, MCR_LOOP | 0x01);
    qt_eq(inb(MSR) & 0xf0, 0x20, "loopback: DTR -> DSR");
    outb(MCR, MCR_LOOP | 0x04);
    qt_eq(inb(MSR) & 0xf0, 0x40, "loopback: OUT1 -> RI");
    outb(MCR, MCR_LOOP | 0x08);
    qt_eq(inb(MSR) & 0xf0, 0x80, "loopback: OUT2 -> DCD");
    outb(MCR, MCR_OUT2);
    inb(MSR);

    if (qtest_is_qemu()) {
        qt_skip("QEMU sets no delta bits in loopback", "loopback modem deltas");
        return;
    }
    outb(MCR, MCR_LOOP);
    qt_eq(inb(MSR), 0x0b, "entering loopback drops DCD/DSR/CTS: DDCD|DDSR|DCTS");
    qt_eq(inb(MSR), 0x00, "reading MSR clears the deltas");
    outb(MCR, MCR_LOOP | 0x04);
    qt_eq(inb(MSR), 0x40, "RI rising edge sets no TERI");
    outb(MCR, MCR_LOOP);
    qt_eq(inb(MSR), 0x04, "RI falling edge sets TERI");
    outb(IER, 0x08);
    outb(MCR, MCR_LOOP | 0x02);
    qt_eq(inb(IIR), 0x00, "CTS change raises the modem status interrupt");
    qt_ok(get_irq(irq_line), "modem status interrupt drives the line");
    qt_eq(inb(MSR), 0x11, "MSR: CTS and DCTS");
    qt_eq(inb(IIR), 0x01, "reading MSR cleared the interrupt");
    outb(IER, 0x00);
    outb(MCR, MCR_OUT2);
    qt_eq(inb(MSR), 0xba, "leaving loopback restores DCD and DSR with their deltas");
}

/* Loopback with FIFOs at trigger level itl: RDI exactly from itl bytes on. */
static void check_trigger_level(uint8_t fcr, int itl)
{
    bool quiet = true;

    outb(FCR, fcr | 0x07);
    for (int i = 0; i < itl - 1; i++) {
        outb(THR, (uint8_t)i);
        quiet &= inb(IIR) == 0xc1;
    }
    qt_ok(quiet, "trigger level %d: no RDI below %d bytes", itl, itl);
    outb(THR, 0xee);
    qt_eq(inb(IIR), 0xc4, "trigger level %d: RDI at %d bytes", itl, itl);
    qt_ok(get_irq(irq_line), "trigger level %d: line raised", itl);
    qt_eq(inb(RBR), itl == 1 ? 0xee : 0x00, "trigger level %d: FIFO returns the first byte", itl);
    qt_eq(inb(IIR), 0xc1, "trigger level %d: RDI gone below the trigger level", itl);
    outb(FCR, fcr | 0x03);
    qt_eq(inb(LSR), 0x60, "trigger level %d: FCR RFR empties the FIFO", itl);
    qt_ok(!get_irq(irq_line), "trigger level %d: line low after reset", itl);
}

static void test_fifo_levels(void)
{
    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(FCR, 0x01);
    qt_eq(inb(IIR), 0xc1, "IIR bits 7:6 report FIFOs on");
    outb(IER, 0x01);
    check_trigger_level(0x00, 1);
    check_trigger_level(0x40, 4);
    check_trigger_level(0x80, 8);
    check_trigger_level(0xc0, 14);
    outb(IER, 0x00);
    outb(FCR, 0x00);
    qt_eq(inb(IIR), 0x01, "FCR=0 turns the FIFOs off");
    outb(MCR, MCR_OUT2);
}

static void test_fifo_overrun(void)
{
    bool order = true;

    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(FCR, 0x07);
    for (int i = 0; i < 17; i++)
        outb(THR, (uint8_t)(0x40 + i));
    qt_eq(inb(LSR), 0x63, "17th byte overruns the 16-byte FIFO");
    for (int i = 0; i < 16; i++)
        order &= inb(RBR) == 0x40 + i;
    qt_ok(order, "FIFO keeps the first 16 bytes in order");
    qt_eq(inb(LSR), 0x60, "FIFO empty, OE cleared by the earlier LSR read");
    qt_eq(inb(RBR), 0x00, "empty FIFO reads 0");
    outb(FCR, 0x00);
    outb(MCR, MCR_OUT2);
    inb(MSR);
}

static void test_char_timeout(void)
{
    const int64_t t9600 = 4 * 1041666; /* 4 frames of 10 bits at 9600 baud */
    const int64_t t115200 = 4 * 86805;

    if (qtest_is_qemu()) {
        qt_skip("needs accel=qtest clock", "character timeout");
        return;
    }
    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(FCR, 0xc7);
    outb(IER, 0x01);
    outb(THR, 'T');
    qt_eq(inb(IIR), 0xc1, "one byte below trigger level 14: no interrupt");
    clock_step(t9600 - 1);
    qt_eq(inb(IIR), 0xc1, "no timeout before 4 character times");
    clock_step(1);
    qt_eq(inb(IIR), 0xcc, "character timeout after 4 character times at 9600 8N1");
    qt_ok(get_irq(irq_line), "timeout drives the line");
    outb(THR, 'U');
    qt_eq(inb(IIR), 0xcc, "a new byte does not clear a pending timeout");
    qt_eq(inb(RBR), 'T', "RBR returns the first byte");
    qt_eq(inb(IIR), 0xc1, "reading RBR clears the timeout");
    clock_step(t9600);
    qt_eq(inb(IIR), 0xcc, "timeout re-armed while bytes remain");
    outb(IER, 0x00);
    qt_eq(inb(IIR), 0xc1, "timeout masked by ERBI");
    outb(IER, 0x01);
    qt_eq(inb(RBR), 'U', "second byte");
    qt_eq(inb(IIR), 0xc1, "FIFO empty: no timeout");

    /* 115200 baud (divisor 1), 8N1 */
    outb(LCR, 0x83);
    outb(DLL, 0x01);
    outb(LCR, 0x03);
    outb(THR, 'V');
    clock_step(t115200 - 1);
    qt_eq(inb(IIR), 0xc1, "115200 baud: no timeout just before 4 frames");
    clock_step(1);
    qt_eq(inb(IIR), 0xcc, "115200 baud: timeout after 4 frames");
    inb(RBR);
    /* 7E2 at 115200: frame = 1 + 7 + 1 + 2 = 11 bits */
    outb(LCR, 0x1e);
    outb(THR, 'W');
    clock_step(4 * 95486 - 1);
    qt_eq(inb(IIR), 0xc1, "7E2: no timeout just before 4 frames of 11 bits");
    clock_step(1);
    qt_eq(inb(IIR), 0xcc, "7E2: timeout after 4 frames of 11 bits");
    inb(RBR);
    outb(LCR, 0x83);
    outb(DLL, 0x0c);
    outb(LCR, 0x03);
    outb(IER, 0x00);
    outb(FCR, 0x00);
    outb(MCR, MCR_OUT2);
}

static void test_iir_priority(void)
{
    outb(MCR, MCR_LOOP | MCR_OUT2);
    inb(MSR);
    outb(FCR, 0xc7);
    for (int i = 0; i < 17; i++)
        outb(THR, (uint8_t)i);
    outb(MCR, MCR_LOOP | MCR_OUT2 | 0x02); /* CTS changes: modem status */
    outb(IER, 0x0f);
    qt_eq(inb(IIR), 0xc6, "priority 1: receiver line status (overrun)");
    inb(LSR);
    qt_eq(inb(IIR), 0xc4, "priority 2: received data at trigger level");
    for (int i = 0; i < 3; i++)
        inb(RBR);
    qt_eq(inb(IIR), 0xc2, "priority 3: THR empty, once RX is below the trigger");
    qt_eq(inb(IIR), qtest_is_qemu() ? 0xc1 : 0xc0,
          "priority 4: modem status, after the IIR read cleared THRE");
    inb(MSR);
    qt_eq(inb(IIR), 0xc1, "nothing pending");
    qt_ok(!get_irq(irq_line), "line low with nothing pending");
    outb(IER, 0x00);
    outb(FCR, 0x00);
    outb(MCR, MCR_OUT2);
    inb(MSR);
}

static void test_wide_access(void)
{
    size_t before, after;
    char *data = qtest_file_read(out_path, &before);

    free(data);
    /* A 16-bit write is split into bytes: THR then IER (QEMU does the same). */
    outw(THR, 0x0241);
    qt_eq(inb(IER), 0x02, "outw: high byte lands in IER");
    outb(IER, 0x00);
    data = qtest_file_read(out_path, &after);
    qt_ok(data && after == before + 1 && data[before] == 'A', "outw: low byte transmitted");
    free(data);
}

int main(void)
{
    serial_start();
    test_reset_values();
    test_scratch_and_dlab();
    test_transmit();
    test_thre_interrupt();
    test_loopback_data();
    test_loopback_modem();
    test_fifo_levels();
    test_fifo_overrun();
    test_char_timeout();
    test_iir_priority();
    test_wide_access();
    qtest_end();
    return qt_done();
}
