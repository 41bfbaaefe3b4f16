/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus: device slots, configuration dispatch and the PIRQ lines.
 *
 * One bus (bus 0) per machine, 32 slots of 8 functions. A device takes the
 * slot its "addr" property names ("SLOT[.FN]", hex, as QEMU's -device
 * addr=03.0) or the first slot whose function 0 is free. A device at a
 * function other than 0 makes function 0 report a multi-function header
 * (PCI 3.0 section 6.2.1), so firmware scans the other functions.
 *
 * Each PIRQ line counts the INTx pins asserting it (the lines are wired-OR,
 * PCI 3.0 section 2.2.6) and drives the board's sink on the 0 <-> nonzero
 * transitions.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "kemu/hw/pci.h"
#include "pci-internal.h"

static PCIBus *pci_bus_current;

/* The bridge-spec swizzle; boards with another wiring set bus->map_irq. */
static int pci_map_irq_default(int devfn, int pin)
{
    return (PCI_SLOT(devfn) + pin) & 3;
}

PCIBus *pci_bus_new(MemRegion *mem_space, MemRegion *io_space, AddressSpace *dma_as)
{
    PCIBus *bus = XNEW0(PCIBus);

    bus->mem_space = mem_space;
    bus->io_space = io_space;
    bus->dma_as = dma_as;
    bus->map_irq = pci_map_irq_default;
    return bus;
}

PCIBus *pci_bus_get(void)
{
    return pci_bus_current;
}

void pci_bus_set(PCIBus *bus)
{
    pci_bus_current = bus;
}

void pci_bus_set_pirq(PCIBus *bus, int n, IrqLine *line)
{
    assert(n >= 0 && n < PCI_NUM_PINS);
    bus->pirq[n] = line;
}

int pci_bus_get_pirq_level(PCIBus *bus, int n)
{
    return n >= 0 && n < PCI_NUM_PINS && bus->pirq_count[n] > 0;
}

int pci_bus_map_irq(PCIBus *bus, int devfn, int pin)
{
    return bus->map_irq(devfn, pin) & 3;
}

void pci_bus_irq_change(PCIBus *bus, int pirq, int delta)
{
    int old = bus->pirq_count[pirq];

    bus->pirq_count[pirq] += delta;
    assert(bus->pirq_count[pirq] >= 0);
    if ((old == 0) != (bus->pirq_count[pirq] == 0))
        irq_set(bus->pirq[pirq], bus->pirq_count[pirq] != 0);
}

/* ---- slots ---- */

static bool pci_parse_addr(PCIDevice *d, int *devfn, Error **errp)
{
    const char *s = d->addr_prop;
    unsigned long slot, fn = 0;
    char *end;

    errno = 0;
    slot = strtoul(s, &end, 16);
    if (end != s && *end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f)
            end = (char *)s;
    }
    if (end == s || *end || errno || slot > 31 || fn > 7) {
        error_setg(errp, "Property '%s.addr' doesn't take value '%s'", d->parent.cls->name, s);
        return false;
    }
    *devfn = PCI_DEVFN(slot, fn);
    return true;
}

static int pci_bus_free_slot(PCIBus *bus)
{
    for (int devfn = 0; devfn < 256; devfn += 8) {
        if (!bus->devices[devfn])
            return devfn;
    }
    return -1;
}

/* Function 0 of a slot with other functions says so in its header. */
static void pci_bus_update_multifunction(PCIBus *bus, int devfn)
{
    int slot0 = devfn & ~7;
    PCIDevice *f0 = bus->devices[slot0];

    if (!f0)
        return;
    for (int fn = 1; fn < 8; fn++) {
        if (bus->devices[slot0 + fn]) {
            f0->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
            return;
        }
    }
}

bool pci_bus_attach(PCIBus *bus, PCIDevice *d, Error **errp)
{
    int devfn;

    if (d->addr_prop && *d->addr_prop) {
        if (!pci_parse_addr(d, &devfn, errp))
            return false;
    } else if ((devfn = pci_bus_free_slot(bus)) < 0) {
        error_setg(errp, "PCI: no slot/function available for %s, all in use",
                   d->parent.cls->name);
        return false;
    }
    if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, in use by %s",
                   PCI_SLOT(devfn), PCI_FUNC(devfn), d->parent.cls->name,
                   bus->devices[devfn]->parent.cls->name);
        return false;
    }
    d->bus = bus;
    d->devfn = devfn;
    bus->devices[devfn] = d;
    pci_bus_update_multifunction(bus, devfn);
    return true;
}

void pci_bus_detach(PCIBus *bus, PCIDevice *d)
{
    pci_set_irq(d, 0);
    if (bus->devices[d->devfn] == d)
        bus->devices[d->devfn] = NULL;
    d->bus = NULL;
}

PCIDevice *pci_find_device(PCIBus *bus, int devfn)
{
    if (!bus || devfn < 0 || devfn > 255)
        return NULL;
    return bus->devices[devfn];
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *name)
{
    Error *err = NULL;
    Device *dev = device_new(name, &err);
    char addr[16];

    assert(bus == pci_bus_get());
    if (dev && devfn != PCI_DEVFN_AUTO) {
        snprintf(addr, sizeof(addr), "%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
        if (!device_set_prop(dev, "addr", addr, &err))
            dev = NULL;
    }
    if (!dev) {
        error_report_err(err);
        exit(1);
    }
    device_realize_or_die(dev);
    return (PCIDevice *)dev;
}

/* ---- configuration dispatch ---- */

static bool pci_config_access_ok(uint32_t addr, int len)
{
    return (len == 1 || len == 2 || len == 4) && !(addr & (len - 1)) &&
           addr + len <= PCI_CONFIG_SPACE_SIZE;
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len)
{
    PCIDevice *d = pci_find_device(bus, devfn);
    const PCIDeviceClass *pc;

    if (!d || !pci_config_access_ok(addr, len))
        return len == 4 ? ~0u : (1u << (len * 8)) - 1;
    pc = pci_device_class(d);
    return pc->config_read ? pc->config_read(d, addr, len) : pci_default_read_config(d, addr, len);
}

void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, int len)
{
    PCIDevice *d = pci_find_device(bus, devfn);
    const PCIDeviceClass *pc;

    if (!d || !pci_config_access_ok(addr, len))
        return;
    pc = pci_device_class(d);
    if (pc->config_write)
        pc->config_write(d, addr, val, len);
    else
        pci_default_write_config(d, addr, val, len);
}
