/* SPDX-License-Identifier: MIT */
/*
 * test-pci: the PC's PCI side through qtest.
 *
 * Configuration mechanism #1 (0xcf8/0xcfc), the i440FX and PIIX3 headers,
 * writable masks, BAR sizing and mapping (with pci-testdev: 32-bit memory,
 * I/O and 64-bit BARs, and an expansion ROM), bus-master DMA and INTx
 * routing through the PIIX3's PIRQ registers (with edu), the four PAM
 * modes at 0xc0000-0xfffff, the SMRAM window at 0xa0000 and the PIIX3
 * reset control register at 0xcf9. References: PCI Local Bus Spec 3.0
 * chapter 6; Intel 440FX datasheet 3.2.18-19; PIIX3 datasheet 2.2, 4.1.4.
 * Runs against QEMU too (KEMU_BIN=qemu-system-x86_64); the few checks
 * where kemu deliberately differs (or that need kemu's pci-testdev test
 * list) are skipped there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"

#define DEVFN(slot, fn) (((slot) << 3) | (fn))
#define HOST DEVFN(0, 0)
#define PIIX3 DEVFN(1, 0)
#define TESTDEV DEVFN(3, 0)
#define EDU_A DEVFN(5, 0)   /* INTA# of slot 5 -> PIRQA */
#define EDU_B DEVFN(6, 0)   /* INTA# of slot 6 -> PIRQB */
#define ROMDEV DEVFN(7, 0)
#define FNDEV DEVFN(4, 2)

#define PAM0 0x59
#define SMRAM 0x72
#define PIRQRC 0x60

#define BAR0_ADDR 0xfe000000u
#define BAR1_PORT 0xc000
#define EDU_A_ADDR 0xfd000000u
#define EDU_B_ADDR 0xfd100000u
#define ROM_ADDR 0xfe800000u
#define BIOS_TOP 0x100000000ull

/* What a read of nothing returns: all ones in kemu (its memory API's
 * rule), 0 in QEMU. */
static uint32_t unassigned(unsigned size)
{
    if (qtest_is_qemu())
        return 0;
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* ---- config space helpers ---- */

static uint32_t cfg_addr(int devfn, int reg)
{
    return 0x80000000u | (unsigned)devfn << 8 | (reg & 0xfc);
}

static uint32_t cfg_readl(int devfn, int reg)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    return inl(0xcfc);
}

static uint16_t cfg_readw(int devfn, int reg)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    return inw(0xcfc + (reg & 2));
}

static uint8_t cfg_readb(int devfn, int reg)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    return inb(0xcfc + (reg & 3));
}

static void cfg_writel(int devfn, int reg, uint32_t v)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    outl(0xcfc, v);
}

static void cfg_writew(int devfn, int reg, uint16_t v)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    outw(0xcfc + (reg & 2), v);
}

static void cfg_writeb(int devfn, int reg, uint8_t v)
{
    outl(0xcf8, cfg_addr(devfn, reg));
    outb(0xcfc + (reg & 3), v);
}

/* ---- mechanism #1 and the fixed devices ---- */

static void test_config_mechanism(void)
{
    outl(0xcf8, 0x80000000);
    qt_eq(inl(0xcf8), 0x80000000, "CONFIG_ADDRESS reads back what was written");
    if (!qtest_is_qemu()) {
        outl(0xcf8, 0xffffffff);
        qt_eq(inl(0xcf8), 0x80fffffc, "CONFIG_ADDRESS reserved bits read 0");
    }
    outl(0xcf8, 0x00000000);
    qt_eq(inl(0xcfc), 0xffffffff, "enable bit clear: CONFIG_DATA reads all ones");
    qt_eq(cfg_readl(DEVFN(0x1f, 0), 0), 0xffffffff, "empty slot reads all ones (dword)");
    qt_eq(cfg_readw(DEVFN(0x1f, 0), 2), 0xffff, "empty slot reads all ones (word)");
    qt_eq(cfg_readb(DEVFN(0x1f, 7), 3), 0xff, "empty slot reads all ones (byte)");
    outl(0xcf8, 0x80010000); /* bus 1 */
    qt_eq(inl(0xcfc), 0xffffffff, "bus 1 reads all ones");
}

static void test_host_bridge(void)
{
    qt_eq(cfg_readl(HOST, 0x00), 0x12378086, "i440FX vendor:device 8086:1237");
    qt_eq(cfg_readw(HOST, 0x02), 0x1237, "word read at offset 2");
    qt_eq(cfg_readb(HOST, 0x08), 0x02, "i440FX revision 2");
    qt_eq(cfg_readw(HOST, 0x0a), 0x0600, "host bridge class 0600");
    qt_eq(cfg_readb(HOST, 0x0e), 0x00, "single-function header");
    qt_eq(cfg_readl(HOST, 0x2c), 0x11001af4, "subsystem 1af4:1100");
    qt_eq(cfg_readb(HOST, SMRAM), 0x02, "SMRAM resets to 0x02");
    qt_eq(cfg_readb(HOST, 0x57), 0x10, "0x57: 128 MiB in 8 MiB units");
    cfg_writew(HOST, 0x00, 0x1234);
    qt_eq(cfg_readw(HOST, 0x00), 0x8086, "vendor ID is read-only");
}

static void test_piix3(void)
{
    qt_eq(cfg_readl(PIIX3, 0x00), 0x70008086, "PIIX3 vendor:device 8086:7000");
    qt_eq(cfg_readw(PIIX3, 0x0a), 0x0601, "ISA bridge class 0601");
    qt_eq(cfg_readb(PIIX3, 0x0e), 0x80, "multi-function header");
    qt_eq(cfg_readw(PIIX3, 0x06), 0x0200, "status: medium DEVSEL");
    qt_eq(cfg_readl(PIIX3, PIRQRC), 0x80808080, "PIRQRC[A:D] reset to disabled");
    qt_eq(cfg_readb(PIIX3, 0x4c), 0x4d, "IORT reset value");
}

static void test_writable_masks(void)
{
    cfg_writew(TESTDEV, 0x04, 0xffff);
    qt_eq(cfg_readw(TESTDEV, 0x04), 0x0507,
          "command: IO, MEM, MASTER, SERR, INTX_DISABLE writable");
    cfg_writew(TESTDEV, 0x04, 0);
    cfg_writeb(TESTDEV, 0x3c, 0x0b);
    qt_eq(cfg_readb(TESTDEV, 0x3c), 0x0b, "interrupt line is writable");
    cfg_writeb(TESTDEV, 0x3d, 0x03);
    qt_eq(cfg_readb(TESTDEV, 0x3d), 0x00, "interrupt pin is read-only");
    cfg_writeb(TESTDEV, 0x0c, 0x10);
    qt_eq(cfg_readb(TESTDEV, 0x0c), 0x10, "cache line size is writable");
    cfg_writew(TESTDEV, 0x06, 0xffff);
    qt_eq(cfg_readw(TESTDEV, 0x06), 0x0000, "status: error bits are write-1-to-clear");
}

/* ---- BARs ---- */

static void test_bar_sizing(void)
{
    cfg_writel(TESTDEV, 0x10, 0xffffffff);
    qt_eq(cfg_readl(TESTDEV, 0x10), 0xfffff000, "BAR0: 4 KiB 32-bit memory");
    cfg_writel(TESTDEV, 0x14, 0xffffffff);
    qt_eq(cfg_readl(TESTDEV, 0x14), 0xffffff01, "BAR1: 256-byte I/O");
    cfg_writel(TESTDEV, 0x18, 0xffffffff);
    cfg_writel(TESTDEV, 0x1c, 0xffffffff);
    qt_eq(cfg_readl(TESTDEV, 0x18), 0xfff0000c, "BAR2 low: 1 MiB 64-bit prefetchable");
    qt_eq(cfg_readl(TESTDEV, 0x1c), 0xffffffff, "BAR2 high: all address bits writable");
    cfg_writel(TESTDEV, 0x20, 0xffffffff);
    qt_eq(cfg_readl(TESTDEV, 0x20), 0, "BAR4 not implemented: reads 0");
}

static void test_bar_mapping(void)
{
    if (qtest_is_qemu()) {
        qt_skip("QEMU's pci-testdev reads as zeros", "BAR mapping");
        return;
    }
    cfg_writel(TESTDEV, 0x10, BAR0_ADDR);
    cfg_writel(TESTDEV, 0x14, BAR1_PORT);
    qt_eq(readb(BAR0_ADDR + 1), unassigned(1), "memory BAR not mapped while MEM is disabled");
    cfg_writew(TESTDEV, 0x04, 0x0003);
    qt_ok(readb(BAR0_ADDR + 0x10) != unassigned(1), "memory BAR mapped once MEM is enabled");
    qt_ok(inb(BAR1_PORT + 0x10) != 0xff, "I/O BAR mapped once IO is enabled");
    {
        qt_eq(readb(BAR0_ADDR + 1), 1, "pci-testdev test 0 is a byte write");
        writeb(BAR0_ADDR, 2);
        qt_eq(readl(BAR0_ADDR + 4), 0x50, "test 2: offset");
        qt_eq(readl(BAR0_ADDR + 8), 0xfacefeed, "test 2: data");
        writel(BAR0_ADDR + 0x50, 0xfacefeed);
        writel(BAR0_ADDR + 0x50, 0x12345678);
        qt_eq(readl(BAR0_ADDR + 12), 1, "memory BAR: the matching write was counted");
        outb(BAR1_PORT, 1);
        outw(BAR1_PORT + 0x48, 0xfeed);
        qt_eq(inl(BAR1_PORT + 12), 1, "I/O BAR: the matching write was counted");
    }
    cfg_writel(TESTDEV, 0x10, BAR0_ADDR + 0x100000);
    qt_eq(readb(BAR0_ADDR + 1), unassigned(1), "moved BAR: old address unassigned");
    qt_ok(readb(BAR0_ADDR + 0x100000 + 0x10) != unassigned(1), "moved BAR: new address mapped");
    cfg_writew(TESTDEV, 0x04, 0x0001);
    qt_eq(readb(BAR0_ADDR + 0x100000 + 1), unassigned(1), "MEM disabled: BAR unmapped again");
    qt_ok(inb(BAR1_PORT + 0x10) != 0xff, "I/O BAR stays mapped with IO enabled");
    cfg_writew(TESTDEV, 0x04, 0);
    qt_eq(inb(BAR1_PORT + 0x10), 0xff, "IO disabled: I/O BAR unmapped");
}

static void test_bar_64bit(void)
{
    uint64_t addr = 0x800000000ull; /* 32 GiB: in the 64-bit PCI hole */

    if (qtest_is_qemu()) {
        qt_skip("QEMU reads unassigned memory as 0, like this BAR", "64-bit BAR mapping");
        return;
    }
    cfg_writel(TESTDEV, 0x18, (uint32_t)addr);
    cfg_writel(TESTDEV, 0x1c, addr >> 32);
    qt_eq(readl(addr), 0xffffffff, "64-bit BAR unmapped while MEM is disabled");
    cfg_writew(TESTDEV, 0x04, 0x0002);
    qt_eq(readl(addr), 0, "64-bit BAR above 4 GiB mapped (no backing: reads 0)");
    cfg_writel(TESTDEV, 0x1c, 0);
    qt_eq(readl(addr), 0xffffffff, "high dword cleared: mapping moved");
    cfg_writew(TESTDEV, 0x04, 0);
}

static void test_bar_under_ram(void)
{
    writel(0x100000, 0x5a5aa5a5);
    cfg_writel(TESTDEV, 0x10, 0x100000);
    cfg_writew(TESTDEV, 0x04, 0x0002);
    qt_eq(readl(0x100000), 0x5a5aa5a5, "a BAR placed over RAM does not hide the RAM");
    cfg_writew(TESTDEV, 0x04, 0);
}

static void test_option_rom(void)
{
    cfg_writel(ROMDEV, 0x30, 0xfffff800);
    uint32_t size = ~(cfg_readl(ROMDEV, 0x30) & 0xfffff800) + 1;
    qt_ok(size >= 0x8000 && size <= 0x40000 && !(size & (size - 1)),
          "ROM BAR sizes to a power of two (%u bytes)", size);
    cfg_writel(ROMDEV, 0x30, ROM_ADDR);
    cfg_writew(ROMDEV, 0x04, 0x0002);
    qt_eq(readw(ROM_ADDR), unassigned(2), "ROM hidden while its enable bit is clear");
    cfg_writel(ROMDEV, 0x30, ROM_ADDR | 1);
    qt_eq(readw(ROM_ADDR), 0xaa55, "enabled ROM BAR shows the option ROM signature");
    cfg_writew(ROMDEV, 0x04, 0);
}

static void test_multifunction(void)
{
    qt_eq(cfg_readw(FNDEV, 0x00), 0x1b36, "device at function 2 answers");
    qt_eq(cfg_readl(DEVFN(4, 1), 0x00), 0xffffffff, "empty function 1 reads all ones");
    if (!qtest_is_qemu())
        qt_eq(cfg_readb(DEVFN(4, 0), 0x0e) & 0x80, 0x80,
              "function 0 of a slot with function 2 is multi-function");
}

/* ---- INTx through the PIIX3 ---- */

static void edu_setup(int devfn, uint32_t addr)
{
    cfg_writel(devfn, 0x10, addr);
    cfg_writew(devfn, 0x04, 0x0006);
}

static void test_intx_routing(void)
{
    edu_setup(EDU_A, EDU_A_ADDR);
    edu_setup(EDU_B, EDU_B_ADDR);
    qt_eq(cfg_readb(EDU_A, 0x3d), 1, "edu uses INTA#");
    irq_intercept_in("ioapic");
    cfg_writeb(PIIX3, PIRQRC + 0, 11);
    writel(EDU_A_ADDR + 0x60, 1);
    qt_ok(get_irq(11), "slot 5 INTA# -> PIRQA -> IRQ 11 raised");
    qt_eq(cfg_readw(EDU_A, 0x06) & 0x08, 0x08, "status shows the interrupt");
    cfg_writew(EDU_A, 0x04, 0x0406);
    qt_ok(!get_irq(11), "INTX_DISABLE lowers the line");
    qt_eq(cfg_readw(EDU_A, 0x06) & 0x08, 0x08, "status still shows the interrupt");
    cfg_writew(EDU_A, 0x04, 0x0006);
    qt_ok(get_irq(11), "clearing INTX_DISABLE raises it again");
    cfg_writeb(PIIX3, PIRQRC + 0, 10);
    qt_ok(!get_irq(11) && get_irq(10), "rerouting PIRQA moves the interrupt to IRQ 10");
    cfg_writeb(PIIX3, PIRQRC + 0, 0x8a);
    qt_ok(!get_irq(10), "disabled route: IRQ 10 low");
    cfg_writeb(PIIX3, PIRQRC + 0, 11);
    cfg_writeb(PIIX3, PIRQRC + 1, 11);
    writel(EDU_B_ADDR + 0x60, 1);
    qt_ok(get_irq(11), "slot 6 INTA# -> PIRQB, shared IRQ 11");
    writel(EDU_A_ADDR + 0x64, 1);
    qt_ok(get_irq(11), "shared IRQ stays high while PIRQB is asserted");
    writel(EDU_B_ADDR + 0x64, 1);
    qt_ok(!get_irq(11), "shared IRQ low once both are acknowledged");
}

static void test_dma(void)
{
    static const char msg[] = "kemu bus-master DMA";
    char buf[sizeof(msg)] = { 0 };

    memwrite(0x10000, msg, sizeof(msg));
    writel(EDU_A_ADDR + 0x80, 0x10000);   /* src: RAM */
    writel(EDU_A_ADDR + 0x88, 0x40000);   /* dst: device buffer */
    writel(EDU_A_ADDR + 0x90, sizeof(msg));
    writel(EDU_A_ADDR + 0x98, 1);         /* RAM -> device */
    writel(EDU_A_ADDR + 0x80, 0x40000);
    writel(EDU_A_ADDR + 0x88, 0x20000);
    writel(EDU_A_ADDR + 0x98, 3);         /* device -> RAM */
    if (!qtest_is_qemu()) {
        memread(0x20000, buf, sizeof(buf));
        qt_ok(!memcmp(buf, msg, sizeof(msg)), "DMA round trip through the device buffer");
        cfg_writew(EDU_A, 0x04, 0x0002); /* bus master off */
        writel(EDU_A_ADDR + 0x88, 0x30000);
        writel(EDU_A_ADDR + 0x98, 3);
        qt_eq(readl(0x30000), 0, "no DMA while bus mastering is disabled");
        cfg_writew(EDU_A, 0x04, 0x0006);
    }
}

/* ---- the i440FX memory controls ---- */

static void test_pam(void)
{
    uint32_t rom = readl(BIOS_TOP - 0x10000);
    uint8_t rom_ec = readb(BIOS_TOP - 0x14000);

    qt_eq(readl(0xf0000), rom, "PAM0=0: 0xf0000 shows the BIOS ROM");
    qt_eq(readb(0xec000), rom_ec, "PAM6=0: 0xec000 shows the BIOS ROM");
    writel(0xf0000, ~rom);
    qt_eq(readl(0xf0000), rom, "PAM0=0: writes do not reach RAM");
    cfg_writeb(HOST, PAM0, 0x30);
    qt_eq(cfg_readb(HOST, PAM0), 0x30, "PAM0 reads back");
    qt_eq(readl(0xf0000), 0, "PAM0=3: shadow RAM (empty)");
    writel(0xf0000, 0x11223344);
    qt_eq(readl(0xf0000), 0x11223344, "PAM0=3: RAM read/write");
    if (qtest_is_qemu()) {
        qt_skip("QEMU models PAM modes 1 and 2 as plain RAM", "PAM read-only and write-only");
        goto pam_segments;
    }
    cfg_writeb(HOST, PAM0, 0x10);
    writel(0xf0000, 0x55667788);
    qt_eq(readl(0xf0000), 0x11223344, "PAM0=1: read-only RAM");
    cfg_writeb(HOST, PAM0, 0x20);
    qt_eq(readl(0xf0000), rom, "PAM0=2: reads from the ROM");
    writel(0xf0000, 0x99aabbcc);
    cfg_writeb(HOST, PAM0, 0x30);
    qt_eq(readl(0xf0000), 0x99aabbcc, "PAM0=2: writes went to RAM");
pam_segments:
    cfg_writeb(HOST, PAM0, 0x00);
    qt_eq(readl(0xf0000), rom, "PAM0=0 again: ROM");

    cfg_writeb(HOST, PAM0 + 1, 0x03);
    writeb(0xc0000, 0x5a);
    writeb(0xc4000, 0x5a);
    qt_eq(readb(0xc0000), 0x5a, "PAM1 low nibble: 0xc0000 is RAM");
    qt_ok(readb(0xc4000) != 0x5a, "PAM1 high nibble: 0xc4000 still PCI");
    cfg_writeb(HOST, PAM0 + 6, 0x30);
    writeb(0xec000, (uint8_t)~rom_ec);
    qt_eq(readb(0xec000), (uint8_t)~rom_ec, "PAM6 high nibble: 0xec000 is RAM");
    qt_eq(readb(0xe8000), readb(BIOS_TOP - 0x18000), "PAM6 low nibble: 0xe8000 still ROM");
    cfg_writeb(HOST, PAM0 + 1, 0);
    cfg_writeb(HOST, PAM0 + 6, 0);
}

static void test_smram(void)
{
    cfg_writeb(HOST, SMRAM, 0x4a); /* D_OPEN | G_SMRAME | 2 */
    writeb(0xa0000, 0x3c);
    qt_eq(readb(0xa0000), 0x3c, "D_OPEN: 0xa0000 is RAM");
    if (qtest_is_qemu()) {
        qt_skip("QEMU shows RAM through an empty VGA window", "SMRAM closed");
        return;
    }
    cfg_writeb(HOST, SMRAM, 0x0a);
    qt_eq(readb(0xa0000), 0xff, "D_OPEN clear: 0xa0000 is the PCI window (master abort)");
    cfg_writeb(HOST, SMRAM, 0x4a);
    qt_eq(readb(0xa0000), 0x3c, "reopened: RAM contents kept");
    cfg_writeb(HOST, SMRAM, 0x05);
    qt_eq(cfg_readb(HOST, SMRAM), 0x02, "C_BASE_SEG is read-only");
    {
        cfg_writeb(HOST, SMRAM, 0x5a); /* D_OPEN | D_LCK */
        qt_eq(cfg_readb(HOST, SMRAM), 0x1a, "D_LCK clears D_OPEN");
        cfg_writeb(HOST, SMRAM, 0x4a);
        qt_eq(cfg_readb(HOST, SMRAM), 0x1a, "locked: D_OPEN cannot be set");
    }
}

/* ---- reset control ---- */

static void test_reset_control(void)
{
    qt_eq(inb(0xcf9), 0x00, "RC resets to 0");
    outb(0xcf9, 0x02);
    qt_eq(inb(0xcf9), 0x02, "RC keeps SRST");
    cfg_writeb(HOST, PAM0, 0x30);
    outl(0xcf8, 0x80000400); /* byte 1 = 0x04: must not reach RC */
    qt_eq(cfg_readb(HOST, PAM0), 0x30, "a dword write to 0xcf8 is no RC write");
    if (qtest_is_qemu())
        return;
    outb(0xcf9, 0x06);
    qt_eq(cfg_readb(HOST, PAM0), 0x00, "RCPU: machine reset (PAM back to 0)");
    qt_eq(inb(0xcf9), 0x00, "RCPU: RC cleared by the reset");
    qt_eq(cfg_readl(PIIX3, PIRQRC), 0x80808080, "RCPU: PIRQ routes reset");
}

int main(void)
{
    char args[1024];
    const char *rom = "vgabios-stdvga.bin";

    snprintf(args, sizeof(args),
             "-M pc -nodefaults -device pci-testdev,addr=03.0,membar=1M -device edu,addr=05.0 "
             "-device edu,addr=06.0 -device pci-testdev,addr=07.0,romfile=%s "
             "-device pci-testdev,addr=04.2",
             rom);
    qtest_start(args);
    test_config_mechanism();
    test_host_bridge();
    test_piix3();
    test_writable_masks();
    test_bar_sizing();
    test_bar_mapping();
    test_bar_64bit();
    test_bar_under_ram();
    test_option_rom();
    test_multifunction();
    test_intx_routing();
    test_dma();
    test_pam();
    test_smram();
    test_reset_control();
    qtest_end();
    return qt_done();
}
