/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration mechanism #1: CONFIG_ADDRESS (0xcf8) and CONFIG_DATA
 * (0xcfc-0xcff).
 *
 * A dword write to CONFIG_ADDRESS latches enable (bit 31), bus (23:16),
 * device (15:11), function (10:8) and register (7:2); reserved bits read
 * as 0. CONFIG_DATA then reaches that register of bus 0 with 1, 2 or 4
 * byte accesses at 0xcfc + (offset within the dword). While the enable bit
 * is clear, or for a bus other than 0 or an empty slot, reads return all
 * ones and writes are dropped (a master abort). Byte accesses to
 * 0xcf8-0xcfb are not the host bridge's: on a PC the PIIX3 claims 0xcf9 as
 * its reset control register, so byte accesses there go to the handler the
 * PIIX3 installs; the others float (all ones). This is why the bridge's
 * index register and the RCR share one port region here.
 *
 * Reference: PCI Local Bus Specification 3.0 section 3.2.2.3.2; Intel
 * 82371SB (PIIX3) datasheet section 4.1.4 (RC - Reset Control Register).
 */
#include "kemu/hw/pci.h"
#include "kemu/log.h"

#define CONFIG_ADDRESS_ENABLE 0x80000000u
#define CONFIG_ADDRESS_MASK 0x80fffffcu /* bits 30:24 and 1:0 are reserved */

static uint64_t pci_host_addr_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIBus *bus = opaque;

    if (addr == 0 && size == 4)
        return bus->config_addr;
    if (addr == 1 && size == 1 && bus->cf9_read)
        return bus->cf9_read(bus->cf9_opaque);
    return ~0ull;
}

static void pci_host_addr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIBus *bus = opaque;

    if (addr == 0 && size == 4)
        bus->config_addr = val & CONFIG_ADDRESS_MASK;
    else if (addr == 1 && size == 1 && bus->cf9_write)
        bus->cf9_write(bus->cf9_opaque, val);
    else
        log_guest_error("pci-conf-idx: %u-byte write to 0x%x ignored\n", size,
                        (unsigned)(0xcf8 + addr));
}

static const IoOps pci_host_addr_ops = {
    .read = pci_host_addr_read,
    .write = pci_host_addr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* devfn of the latched address on bus 0, or -1 when disabled/other bus. */
static int pci_host_devfn(PCIBus *bus)
{
    if (!(bus->config_addr & CONFIG_ADDRESS_ENABLE) || ((bus->config_addr >> 16) & 0xff))
        return -1;
    return (bus->config_addr >> 8) & 0xff;
}

static uint64_t pci_host_data_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIBus *bus = opaque;
    int devfn = pci_host_devfn(bus);

    if (devfn < 0)
        return ~0ull;
    return pci_bus_config_read(bus, devfn, (bus->config_addr & 0xfc) + addr, size);
}

static void pci_host_data_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIBus *bus = opaque;
    int devfn = pci_host_devfn(bus);

    if (devfn >= 0)
        pci_bus_config_write(bus, devfn, (bus->config_addr & 0xfc) + addr, val, size);
}

static const IoOps pci_host_data_ops = {
    .read = pci_host_data_read,
    .write = pci_host_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

void pci_host_init_ports(PCIBus *bus, uint16_t iobase)
{
    mr_init_io(&bus->addr_mr, "pci-conf-idx", 4, &pci_host_addr_ops, bus);
    mr_init_io(&bus->data_mr, "pci-conf-data", 4, &pci_host_data_ops, bus);
    mr_add_subregion(bus->io_space, iobase, &bus->addr_mr);
    mr_add_subregion(bus->io_space, iobase + 4, &bus->data_mr);
}

void pci_host_set_cf9_handler(PCIBus *bus, uint64_t (*read)(void *opaque),
                              void (*write)(void *opaque, uint8_t val), void *opaque)
{
    bus->cf9_read = read;
    bus->cf9_write = write;
    bus->cf9_opaque = opaque;
}
