/* SPDX-License-Identifier: MIT */
/*
 * test-acpi-pm: the PIIX4 power management function through qtest.
 *
 * On the pc machine the function sits at 00:01.3 and its SCI reaches
 * IOAPIC input 9 (intercepted). Checks the PCI identity and PMBA /
 * PMREGMISC decoding (programmed at 0x600 as SeaBIOS does), the PM timer
 * (3.579545 MHz, 24 bits) and its TMR_STS / SCI at each bit 23 toggle,
 * PM1_STS write-1-to-clear, the GPE0 block at 0xafe0, ACPI enable and
 * disable through the APM port 0xb2, and that SLP_EN with SLP_TYP 0 (S5)
 * makes the emulator exit with status 0. References: PIIX4 datasheet
 * section 7; ACPI 6.4 section 4.8. Runs against QEMU too (KEMU_BIN);
 * the clock checks are skipped there.
 */
#include <stdio.h>

#include "libqtest.h"

#define PM_DEVFN_ADDR 0x80000b00u /* bus 0, device 1, function 3 */
#define PMBASE 0x600
#define PM1_STS (PMBASE + 0)
#define PM1_EN (PMBASE + 2)
#define PM1_CNT (PMBASE + 4)
#define PM_TMR (PMBASE + 8)
#define GPE0 0xafe0
#define APM_CNT 0xb2
#define APM_STS 0xb3
#define SCI_GSI 9

#define PM_FREQ 3579545ULL

static uint32_t cfg_rd(unsigned reg)
{
    outl(0xcf8, PM_DEVFN_ADDR | reg);
    return inl(0xcfc);
}

static void cfg_wr(unsigned reg, uint32_t v)
{
    outl(0xcf8, PM_DEVFN_ADDR | reg);
    outl(0xcfc, v);
}

static void start(void)
{
    qtest_start(qtest_isa_machine());
}

/* Program the PM I/O base as SeaBIOS's piix4_pm_config_setup() does. */
static void pm_setup(void)
{
    cfg_wr(0x40, PMBASE | 1);
    cfg_wr(0x80, 0x01);
}

static void test_config(void)
{
    qt_eq(cfg_rd(0x00), 0x71138086, "8086:7113 at 00:01.3");
    qt_eq(cfg_rd(0x08), 0x06800003, "class 0680, revision 03");
    qt_eq(cfg_rd(0x3c) >> 8 & 0xff, 1, "interrupt pin INTA#");
    qt_eq(cfg_rd(0x40), 0x00000001, "PMBA resets to 1 (I/O space indicator)");
    qt_eq(cfg_rd(0x80) & 0xff, 0, "PM I/O space disabled at reset");
    if (!qtest_is_qemu())
        qt_eq(cfg_rd(0x58) >> 24, 0x02, "DEVACTB.APMC_EN set: no SMM (SeaBIOS skips SMM set-up)");
    if (!qtest_is_qemu()) { /* QEMU keeps every bit written */
        cfg_wr(0x40, 0xffffffff);
        qt_eq(cfg_rd(0x40), 0x0000ffc1, "PMBA: I/O base bits 15:6 (datasheet)");
    }
    cfg_wr(0x40, PMBASE | 1);
    qt_eq(inw(PM_TMR) | (uint32_t)inw(PM_TMR + 2) << 16, 0xffffffff, "PM block not decoded yet");
    cfg_wr(0x80, 0x01);
    qt_ok(inl(PM_TMR) < 0x1000000, "PMREGMISC.PMIOSE: the PM timer reads (24 bits)");
}

static void test_timer(void)
{
    uint32_t t1, t2;

    if (qtest_is_qemu()) {
        qt_skip("needs the qtest clock", "PM timer rate");
        return;
    }
    t1 = inl(PM_TMR);
    clock_step(1000000000);
    t2 = inl(PM_TMR);
    qt_eq((t2 - t1) & 0xffffff, PM_FREQ, "3579545 ticks per second");
    qt_eq(inw(PM1_STS) & 1, 0, "TMR_STS clear before bit 23 toggles");
    clock_step(1400000000); /* 2.4 s: past 2^23 ticks (2.3435 s) */
    qt_eq(inw(PM1_STS) & 1, 1, "TMR_STS set when bit 23 toggles");
    outw(PM1_STS, 0x0001);
    qt_eq(inw(PM1_STS) & 1, 0, "TMR_STS is write-1-to-clear");
    clock_step(5000000000LL);
    qt_ok(inl(PM_TMR) < 0x1000000, "timer wraps at 24 bits");
    outw(PM1_STS, 0x0001);

    qtest_irq_intercept_in(global_qtest, "ioapic");
    outw(PM1_EN, 0x0001);
    qt_eq(inw(PM1_EN), 0x0001, "PM1_EN.TMR_EN");
    qt_ok(!get_irq(SCI_GSI), "no SCI before the next toggle");
    clock_step(2400000000LL);
    qt_ok(get_irq(SCI_GSI), "TMR_EN: SCI on IRQ 9 at the toggle");
    outw(PM1_STS, 0x0001);
    qt_ok(!get_irq(SCI_GSI), "clearing TMR_STS drops the SCI");
    outw(PM1_EN, 0);
}

static void test_gpe_apm(void)
{
    outb(GPE0 + 2, 0x05);
    qt_eq(inb(GPE0 + 2), 0x05, "GPE0_EN holds its value");
    qt_eq(inb(GPE0), 0x00, "GPE0_STS clear");
    outb(GPE0 + 2, 0);
    qt_eq(inw(PM1_CNT) & 1, 0, "SCI_EN clear at reset");
    outb(APM_CNT, 0xf1);
    qt_eq(inw(PM1_CNT) & 1, 1, "APM 0xf1 (ACPI_ENABLE) sets SCI_EN");
    qt_eq(inb(APM_CNT), 0xf1, "APMC reads back");
    outb(APM_CNT, 0xf0);
    qt_eq(inw(PM1_CNT) & 1, 0, "APM 0xf0 (ACPI_DISABLE) clears SCI_EN");
    outb(APM_STS, 0x5a);
    qt_eq(inb(APM_STS), 0x5a, "APMS is a scratch register");
    outw(PM1_CNT, 0x0401);
    qt_eq(inw(PM1_CNT), 0x0401, "SLP_TYP and SCI_EN without SLP_EN just stick");
    outw(PM1_CNT, 0);
}

static void test_poweroff(void)
{
    int status;

    start();
    pm_setup();
    qtest_send_nowait(global_qtest, "outw 0x%x 0x2000", PM1_CNT);
    status = qtest_wait_exit(global_qtest, 10000);
    qt_eq(status, 0, "SLP_EN with SLP_TYP 0 (S5): power off, exit status 0");
    qtest_end();
}

int main(void)
{
    start();
    test_config();
    test_timer();
    test_gpe_apm();
    qtest_end();
    test_poweroff();
    return qt_done();
}
