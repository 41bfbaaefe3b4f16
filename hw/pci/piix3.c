/* SPDX-License-Identifier: MIT */
/*
 * Intel 82371SB (PIIX3) function 0: the PCI-to-ISA bridge.
 *
 * What the PC board needs of it:
 *  - PIRQRC[A:D] (0x60-0x63) route the PCI interrupt lines PIRQA#-PIRQD#
 *    to ISA IRQs: bits 3:0 name the IRQ, bit 7 disables the route (reset
 *    value 0x80). An ISA IRQ is driven high while any PIRQ routed to it is
 *    asserted; the lines reach the 8259s (and the IOAPIC) through the ISA
 *    bus's IRQ sinks. As in QEMU, any IRQ 0-15 may be named.
 *  - RC, the reset control register at port 0xcf9: writing RCPU (bit 2)
 *    resets the system (kemu does not tell hard from soft reset: both are
 *    a full machine reset); SRST (bit 1) is kept and read back.
 * The other registers (ISA clock, DMA, top of memory, ...) hold their
 * reset values from QEMU's model and whatever the guest writes.
 *
 * Reference: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator
 * datasheet, order 290550, sections 2.2 (function 0 configuration space)
 * and 4.1.4 (RC); QEMU's hw/isa/piix3.c register defaults.
 */
#include "kemu/hw/i440fx.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"

typedef struct PIIX3State {
    PCIDevice pci;
    uint8_t pirq_levels;  /* bit n: PIRQ n asserted on the bus */
    uint16_t isa_levels;  /* bit n: ISA IRQ n driven high by a PIRQ route */
    uint8_t rcr;          /* reset control register (0xcf9) */
} PIIX3State;

/* ---- PIRQ routing ---- */

static uint16_t piix3_routed_levels(PIIX3State *s)
{
    uint16_t levels = 0;

    for (int n = 0; n < PCI_NUM_PINS; n++) {
        uint8_t route = s->pci.config[PIIX3_PIRQRC + n];

        if ((s->pirq_levels & (1u << n)) && route < 16)
            levels |= 1u << route;
    }
    return levels;
}

static void piix3_update_irqs(PIIX3State *s)
{
    uint16_t levels = piix3_routed_levels(s), changed = levels ^ s->isa_levels;

    s->isa_levels = levels;
    for (int irq = 0; irq < 16; irq++) {
        if (changed & (1u << irq))
            irq_set(isa_get_irq(irq), (levels >> irq) & 1);
    }
}

static void piix3_pirq_handler(void *opaque, int n, int level)
{
    PIIX3State *s = opaque;

    if (level)
        s->pirq_levels |= 1u << n;
    else
        s->pirq_levels &= ~(1u << n);
    piix3_update_irqs(s);
}

static void piix3_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    pci_default_write_config(d, addr, val, len);
    if (pci_range_touches(addr, len, PIIX3_PIRQRC, PCI_NUM_PINS))
        piix3_update_irqs((PIIX3State *)d);
}

/* ---- reset control (0xcf9) ---- */

static uint64_t piix3_rcr_read(void *opaque)
{
    PIIX3State *s = opaque;

    return s->rcr;
}

static void piix3_rcr_write(void *opaque, uint8_t val)
{
    PIIX3State *s = opaque;

    if (val & PIIX3_RCR_RCPU) {
        qemu_system_reset_request();
        return;
    }
    s->rcr = val & PIIX3_RCR_SRST;
}

/* ---- device ---- */

static void piix3_reset(PCIDevice *d)
{
    PIIX3State *s = (PIIX3State *)d;
    uint8_t *c = d->config;

    memset(c + PCI_CONFIG_HEADER_SIZE, 0, PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    c[0x4c] = 0x4d; /* IORT: ISA I/O recovery timer */
    c[0x4e] = 0x03; /* XBCS: X-bus chip select */
    memset(c + PIIX3_PIRQRC, PIIX3_PIRQRC_DISABLE, PCI_NUM_PINS);
    c[0x69] = 0x02; /* TOM: top of memory */
    c[0x70] = 0x80; /* MBIRQ0: disabled */
    c[0x76] = 0x0c; /* MBDMA0-1: disabled */
    c[0x77] = 0x0c;
    c[0x78] = 0x02; /* PCSC: programmable chip select */
    c[0xa0] = 0x08; /* SMICNTL */
    c[0xa8] = 0x0f; /* SMIREQ */
    s->rcr = 0;
    piix3_update_irqs(s);
}

static bool piix3_realize(PCIDevice *d, Error **errp)
{
    PIIX3State *s = (PIIX3State *)d;

    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    device_init_gpio_in(&d->parent, piix3_pirq_handler, PCI_NUM_PINS);
    for (int n = 0; n < PCI_NUM_PINS; n++)
        pci_bus_set_pirq(d->bus, n, device_gpio_in(&d->parent, n));
    pci_host_set_cf9_handler(d->bus, piix3_rcr_read, piix3_rcr_write, s);
    piix3_reset(d);
    return true;
}

static const VMStateField piix3_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(PIIX3State, pci),
    VMSTATE_FIELD(PIIX3State, pirq_levels),
    VMSTATE_FIELD(PIIX3State, isa_levels),
    VMSTATE_FIELD(PIIX3State, rcr),
    VMSTATE_END,
};

static const VMStateDesc piix3_vmstate = {
    .name = TYPE_PIIX3,
    .version = 1,
    .fields = piix3_vmstate_fields,
    .post_load = pci_device_post_load,
};

static PCIDeviceClass piix3_class = {
    .parent = {
        .name = TYPE_PIIX3,
        .desc = "Intel 82371SB PIIX3 PCI-to-ISA bridge",
        .category = "bridge",
        .instance_size = sizeof(PIIX3State),
        .vmsd = &piix3_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371SB_0,
    .class_id = PCI_CLASS_BRIDGE_ISA,
    .header_type = PCI_HEADER_TYPE_MULTI_FUNCTION,
    .realize = piix3_realize,
    .reset = piix3_reset,
    .config_write = piix3_config_write,
};
PCI_DEVICE_CLASS(piix3_class)

PCIDevice *piix3_init(PCIBus *bus)
{
    return pci_create_simple(bus, PCI_DEVFN(1, 0), TYPE_PIIX3);
}
