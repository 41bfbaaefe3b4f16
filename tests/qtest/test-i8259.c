/* SPDX-License-Identifier: MIT */
/*
 * test-i8259: the 8259A PIC through its ports, input pins and INTA.
 *
 * A master/slave pair is created with -device on ports 0x120/0x1a0 (ELCR
 * 0x4d8/0x4d9), away from any board PIC, and cascaded with the kemu
 * "slave=" property. Inputs are driven with set_irq_in, the master's INT
 * pin is intercepted (IRQ 0 of the test), and INTA cycles go through the
 * "i8259_intack" qtest command. Checks follow the Intel 8259A datasheet:
 * ICW1-4, OCW1-3, priorities and rotation, EOI modes, auto-EOI, poll,
 * special mask and special fully nested modes, ELCR level triggering and
 * the spurious IR7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define M 0x120
#define S 0x1a0
#define M_ELCR 0x4d8
#define S_ELCR 0x4d9

static void pin(const char *id, int n, int level)
{
    qtest_set_irq_in(global_qtest, id, "unnamed-gpio-in", n, level);
}

static void mpin(int n, int level) { pin("tpic0", n, level); }
static void spin(int n, int level) { pin("tpic1", n, level); }

static void pulse(int n)
{
    mpin(n, 1);
    mpin(n, 0);
}

static int intack(void)
{
    char *r = qtest_cmd(global_qtest, "i8259_intack tpic0");
    int v = -1;

    if (r && !strncmp(r, "OK ", 3))
        v = (int)strtol(r + 3, NULL, 0);
    free(r);
    return v;
}

static uint8_t read_isr(int base)
{
    outb(base, 0x0b); /* OCW3: read ISR */
    return inb(base);
}

static uint8_t read_irr(int base)
{
    outb(base, 0x0a); /* OCW3: read IRR */
    return inb(base);
}

/* ICW1-ICW4 for the cascaded pair: master vectors 0x08, slave 0x70. */
static void init_pair(uint8_t icw4_master, uint8_t icw4_slave)
{
    outb(M, 0x11);
    outb(M + 1, 0x08);
    outb(M + 1, 0x04);
    outb(M + 1, icw4_master);
    outb(S, 0x11);
    outb(S + 1, 0x70);
    outb(S + 1, 0x02);
    outb(S + 1, icw4_slave);
}

static void eoi_all(void)
{
    for (int i = 0; i < 8; i++) {
        outb(S, 0x20);
        outb(M, 0x20);
    }
}

static void test_init_and_mask(void)
{
    outb(M + 1, 0xff);
    init_pair(0x01, 0x01);
    qt_eq(inb(M + 1), 0x00, "ICW1 clears the mask register");
    outb(M + 1, 0xa5);
    qt_eq(inb(M + 1), 0xa5, "OCW1 mask reads back");
    outb(M + 1, 0x00);
    qt_eq(inb(M), 0x00, "after init port A0=0 reads IRR (empty)");
    qt_ok(!get_irq(0), "INT low with nothing pending");
}

static void test_edge_request_and_ack(void)
{
    mpin(3, 1);
    qt_ok(get_irq(0), "rising edge on IR3 raises INT");
    qt_eq(read_irr(M), 0x08, "IRR shows IR3");
    qt_eq(intack(), 0x0b, "INTA returns vector base + 3");
    qt_ok(!get_irq(0), "INT drops once IR3 is in service");
    qt_eq(read_isr(M), 0x08, "ISR shows IR3");
    qt_eq(read_irr(M), 0x00, "edge request cleared from IRR by INTA");
    mpin(3, 0);
    mpin(5, 1);
    qt_ok(!get_irq(0), "lower-priority IR5 waits while IR3 is in service");
    mpin(1, 1);
    qt_ok(get_irq(0), "higher-priority IR1 nests over IR3");
    qt_eq(intack(), 0x09, "INTA returns IR1");
    qt_eq(read_isr(M), 0x0a, "ISR holds IR1 and IR3");
    outb(M, 0x20); /* non-specific EOI */
    qt_eq(read_isr(M), 0x08, "non-specific EOI clears the highest (IR1)");
    qt_ok(!get_irq(0), "IR5 still blocked by IR3");
    outb(M, 0x20);
    qt_eq(read_isr(M), 0x00, "second EOI clears IR3");
    qt_ok(get_irq(0), "IR5 now raises INT");
    qt_eq(intack(), 0x0d, "INTA returns IR5");
    outb(M, 0x65); /* specific EOI IR5 */
    qt_eq(read_isr(M), 0x00, "specific EOI clears IR5");
    mpin(1, 0);
    mpin(5, 0);
    outb(M + 1, 0x40);
    mpin(6, 1);
    qt_ok(!get_irq(0), "masked IR6 does not raise INT");
    qt_eq(read_irr(M), 0x40, "masked request still visible in IRR");
    qt_eq(intack(), 0x0f, "INTA with only a masked request answers spurious IR7");
    outb(M + 1, 0x00);
    qt_ok(get_irq(0), "unmasking IR6 raises INT");
    qt_eq(intack(), 0x0e, "INTA returns IR6");
    outb(M, 0x20);
    mpin(6, 0);
}

static void test_spurious_and_level(void)
{
    outb(M_ELCR, 0x20);
    qt_eq(inb(M_ELCR), 0x20, "ELCR reads back");
    mpin(5, 1);
    qt_ok(get_irq(0), "level IR5 high raises INT");
    mpin(5, 0);
    qt_ok(!get_irq(0), "level IR5 low drops the request");
    qt_eq(intack(), 0x0f, "INTA without a request answers spurious IR7");
    qt_eq(read_isr(M), 0x00, "spurious IR7 sets no ISR bit");
    mpin(5, 1);
    qt_eq(intack(), 0x0d, "level IR5 acknowledged");
    qt_eq(read_irr(M), 0x20, "level request stays in IRR while the pin is high");
    outb(M, 0x20);
    qt_ok(get_irq(0), "after EOI the still-high level line requests again");
    qt_eq(intack(), 0x0d, "and is acknowledged again");
    outb(M, 0x20);
    mpin(5, 0);
    qt_ok(!get_irq(0), "level line low: no request");
    outb(M_ELCR, 0x00);
    /* edge: a request that goes away before INTA stays latched */
    pulse(4);
    qt_eq(intack(), 0x0c, "edge pulse stays latched until INTA");
    outb(M, 0x20);
}

static void test_elcr_mask(void)
{
    outb(S_ELCR, 0xff);
    qt_eq(inb(S_ELCR), 0xde, "elcr_mask=0xde keeps IRQ8 and IRQ13 edge-only");
    outb(S_ELCR, 0x00);
}

static void test_edge_rearm_after_icw1(void)
{
    mpin(6, 1);
    qt_eq(read_irr(M), 0x40, "IR6 edge latched");
    init_pair(0x01, 0x01);
    qt_eq(read_irr(M), 0x00, "ICW1 clears the edge latch of a line that is still high");
    mpin(6, 1);
    qt_ok(!get_irq(0), "staying high is not a new edge");
    mpin(6, 0);
    mpin(6, 1);
    qt_ok(get_irq(0), "low then high requests again");
    qt_eq(intack(), 0x0e, "IR6 acknowledged after re-arm");
    outb(M, 0x20);
    mpin(6, 0);
}

static void test_auto_eoi_and_rotation(void)
{
    init_pair(0x03, 0x01); /* master: AEOI */
    pulse(3);
    qt_eq(intack(), 0x0b, "AEOI: IR3 acknowledged");
    qt_eq(read_isr(M), 0x00, "AEOI: no ISR bit set");
    outb(M, 0x80); /* rotate in AEOI mode: set */
    pulse(1);
    qt_eq(intack(), 0x09, "IR1 acknowledged with rotation");
    pulse(0);
    pulse(4);
    qt_eq(intack(), 0x0c, "after rotation IR2 is highest: IR4 beats IR0");
    qt_eq(intack(), 0x08, "then IR0");
    outb(M, 0x00); /* rotate in AEOI mode: clear */
    init_pair(0x01, 0x01);
    outb(M, 0xc4); /* set priority: IR4 lowest, IR5 highest */
    pulse(3);
    pulse(6);
    qt_eq(intack(), 0x0e, "set priority 4: IR6 beats IR3");
    qt_eq(read_isr(M), 0x40, "IR6 in service");
    qt_ok(!get_irq(0), "IR3 ranks below IR6 after set priority");
    outb(M, 0xa0); /* rotate on non-specific EOI: IR6 becomes lowest */
    qt_eq(read_isr(M), 0x00, "rotating EOI clears IR6");
    qt_eq(intack(), 0x0b, "IR3 acknowledged");
    pulse(1);
    qt_ok(get_irq(0), "IR1 ranks above IR3 after the rotation");
    qt_eq(intack(), 0x09, "IR1 acknowledged");
    pulse(7);
    qt_ok(get_irq(0), "IR7, now the highest, nests over IR1");
    qt_eq(intack(), 0x0f, "IR7 acknowledged");
    qt_eq(read_isr(M), 0x8a, "IR7 really in service (not spurious): ISR holds IR7, IR3, IR1");
    eoi_all();
}

static void test_rotate_specific(void)
{
    init_pair(0x01, 0x01);
    pulse(5);
    qt_eq(intack(), 0x0d, "IR5 acknowledged");
    outb(M, 0xe5); /* rotate on specific EOI 5: IR6 highest */
    qt_eq(read_isr(M), 0x00, "specific rotate EOI clears IR5");
    pulse(0);
    pulse(6);
    qt_eq(intack(), 0x0e, "IR6 highest after rotation");
    qt_eq(intack(), 0x0f, "IR0 ranks below IR6 in service: spurious IR7");
    qt_eq(read_isr(M), 0x40, "spurious answer left ISR alone");
    outb(M, 0x20);
    qt_eq(intack(), 0x08, "after EOI IR0 is acknowledged");
    outb(M, 0x20);
}

static void test_poll(void)
{
    init_pair(0x01, 0x01);
    outb(M, 0x0c); /* OCW3 poll */
    qt_eq(inb(M), 0x00, "poll with nothing pending reads 0");
    pulse(6);
    outb(M, 0x0c);
    qt_eq(inb(M), 0x86, "poll reads 0x80 | 6");
    qt_eq(read_isr(M), 0x40, "poll acknowledges: IR6 in service");
    qt_eq(inb(M), 0x40, "poll mode is one-shot: next read is ISR again");
    outb(M, 0x20);
}

static void test_special_mask(void)
{
    init_pair(0x01, 0x01);
    pulse(3);
    qt_eq(intack(), 0x0b, "IR3 in service");
    pulse(5);
    qt_ok(!get_irq(0), "IR5 blocked by IR3");
    outb(M + 1, 0x08);
    outb(M, 0x68); /* OCW3: set special mask mode */
    qt_ok(get_irq(0), "special mask + IR3 masked: IR5 enabled");
    qt_eq(intack(), 0x0d, "IR5 acknowledged under SMM");
    outb(M, 0x20);
    qt_eq(read_isr(M), 0x08, "non-specific EOI in SMM skips the masked IR3");
    outb(M, 0x48); /* reset special mask mode */
    outb(M + 1, 0x00);
    outb(M, 0x63);
    qt_eq(read_isr(M), 0x00, "specific EOI clears IR3");
}

static void test_cascade(void)
{
    init_pair(0x01, 0x01);
    spin(1, 1);
    qt_ok(get_irq(0), "slave IR1 (IRQ9) raises master INT through IR2");
    qt_eq(read_irr(M), 0x04, "master IRR shows the cascade input");
    qt_eq(intack(), 0x71, "INTA answers the slave vector");
    qt_eq(read_isr(M), 0x04, "master ISR2 set");
    qt_eq(read_isr(S), 0x02, "slave ISR1 set");
    spin(0, 1);
    qt_ok(!get_irq(0), "fully nested: slave IR0 waits while master IR2 is in service");
    outb(S, 0x20);
    outb(M, 0x20);
    qt_ok(get_irq(0), "after both EOIs the slave's IR0 comes through");
    qt_eq(intack(), 0x70, "INTA answers slave IR0");
    outb(S, 0x20);
    outb(M, 0x20);
    spin(0, 0);
    spin(1, 0);
    /* slave request that vanishes: slave spurious IR7 */
    outb(S_ELCR, 0x08);
    spin(3, 1);
    qt_ok(get_irq(0), "level slave IR3 raises INT");
    outb(S + 1, 0x08); /* mask it on the slave after the master latched IR2 */
    qt_eq(intack(), 0x77, "slave request gone: slave answers spurious IR7");
    qt_eq(read_isr(S), 0x00, "slave spurious sets no slave ISR bit");
    qt_eq(read_isr(M), 0x04, "master still marks IR2 in service");
    outb(M, 0x20);
    outb(S + 1, 0x00);
    outb(S_ELCR, 0x00);
    spin(3, 0);
    eoi_all();
}

static void test_sfnm(void)
{
    init_pair(0x11, 0x01); /* master: special fully nested mode */
    spin(4, 1);
    qt_eq(intack(), 0x74, "slave IR4 acknowledged");
    spin(1, 1);
    qt_ok(get_irq(0), "SFNM: higher slave IR1 interrupts the slave in service");
    qt_eq(intack(), 0x71, "slave IR1 acknowledged");
    qt_eq(read_isr(S), 0x12, "slave ISR holds IR1 and IR4");
    spin(1, 0);
    spin(4, 0);
    eoi_all();
}

int main(void)
{
    char args[512];

    snprintf(args, sizeof(args),
             "%s -device isa-i8259,id=tpic1,master=off,iobase=0x%x,elcr_addr=0x%x,elcr_mask=0xde"
             " -device isa-i8259,id=tpic0,iobase=0x%x,elcr_addr=0x%x,slave=tpic1",
             qtest_isa_machine(), S, S_ELCR, M, M_ELCR);
    qtest_start(args);
    irq_intercept_out("tpic0");

    test_init_and_mask();
    test_edge_request_and_ack();
    test_spurious_and_level();
    test_elcr_mask();
    test_edge_rearm_after_icw1();
    test_auto_eoi_and_rotation();
    test_rotate_specific();
    test_poll();
    test_special_mask();
    test_cascade();
    test_sfnm();

    qtest_end();
    return qt_done();
}
