/* SPDX-License-Identifier: MIT */
/*
 * PCI devices: the type 0 configuration header, realize/reset, INTx and
 * capabilities.
 *
 * The generic code fills the header from the PCIDeviceClass (IDs, class,
 * subsystem IDs: QEMU's 1af4:1100 when the class names none), sets the
 * writable masks (command, cache line size, interrupt line, BARs, and, as
 * in QEMU, the whole device-specific area 0x40-0xff until a device or a
 * capability narrows it) and the write-1-to-clear error bits of the status
 * register. A config write merges the guest value through wmask, clears
 * the w1cmask bits written as 1, then remaps BARs if it touched them or the
 * command register. Reset clears the writable header bits (QEMU's
 * pci_do_device_reset) and then calls the device's own reset.
 *
 * INTx: the device's level goes out on its pin unless the command
 * register's Interrupt Disable bit is set; status bit 3 shows the level
 * either way (PCI 3.0 section 6.2.2 and 6.2.3).
 *
 * Reference: PCI Local Bus Specification 3.0, chapter 6.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "kemu/hw/pci.h"
#include "kemu/log.h"
#include "pci-internal.h"

const Property pci_device_props[] = {
    DEFINE_PCI_PROPS,
    DEFINE_PROP_END,
};

/* ---- config space ---- */

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len)
{
    if ((len != 1 && len != 2 && len != 4) || addr + len > PCI_CONFIG_SPACE_SIZE)
        return ~0u;
    return ldn_le(d->config + addr, len);
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    if ((len != 1 && len != 2 && len != 4) || addr + len > PCI_CONFIG_SPACE_SIZE)
        return;
    for (int i = 0; i < len; i++) {
        uint8_t v = val >> (i * 8), wm = d->wmask[addr + i], w1c = d->w1cmask[addr + i];
        uint8_t *c = &d->config[addr + i];

        *c = (*c & ~wm) | (v & wm);
        *c &= ~(v & w1c);
    }
    if (pci_range_touches(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        pci_range_touches(addr, len, PCI_ROM_ADDRESS, 4) ||
        pci_range_touches(addr, len, PCI_COMMAND, 2))
        pci_update_mappings(d);
    if (pci_range_touches(addr, len, PCI_COMMAND, 2))
        pci_irq_sync(d);
}

/* ---- INTx ---- */

int pci_irq_pin(const PCIDevice *d)
{
    return d->config[PCI_INTERRUPT_PIN];
}

bool pci_irq_output(const PCIDevice *d)
{
    return d->irq_state && pci_irq_pin(d) >= 1 && pci_irq_pin(d) <= PCI_NUM_PINS &&
           !(pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

void pci_irq_sync(PCIDevice *d)
{
    bool out = pci_irq_output(d);

    if (out == d->irq_out || !d->bus)
        return;
    d->irq_out = out;
    pci_bus_irq_change(d->bus, pci_bus_map_irq(d->bus, d->devfn, pci_irq_pin(d) - 1),
                       out ? 1 : -1);
}

void pci_set_irq(PCIDevice *d, int level)
{
    uint16_t status = pci_get_word(d->config + PCI_STATUS);

    level = level != 0;
    if (level == d->irq_state)
        return;
    d->irq_state = level;
    status = level ? (status | PCI_STATUS_INTERRUPT) : (status & ~PCI_STATUS_INTERRUPT);
    pci_set_word(d->config + PCI_STATUS, status);
    pci_irq_sync(d);
}

/* ---- capabilities ---- */

static bool pci_cap_space_free(PCIDevice *d, unsigned offset, unsigned size)
{
    for (unsigned i = offset; i < offset + size; i++) {
        if (d->cmask[i])
            return false;
    }
    return true;
}

static unsigned pci_cap_find_space(PCIDevice *d, unsigned size)
{
    for (unsigned off = PCI_CONFIG_HEADER_SIZE; off + size <= PCI_CONFIG_SPACE_SIZE; off += 4) {
        if (pci_cap_space_free(d, off, size))
            return off;
    }
    return 0;
}

int pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size, Error **errp)
{
    unsigned off = offset;

    if (size < 2) {
        error_setg(errp, "%s: capability 0x%02x: size %u too small", d->parent.cls->name,
                   cap_id, size);
        return 0;
    }
    if (!off)
        off = pci_cap_find_space(d, size);
    if (off < PCI_CONFIG_HEADER_SIZE || (off & 3) || off + size > PCI_CONFIG_SPACE_SIZE ||
        !pci_cap_space_free(d, off, size)) {
        error_setg(errp, "%s: no room for capability 0x%02x (%u bytes) at 0x%x",
                   d->parent.cls->name, cap_id, size, off);
        return 0;
    }
    d->config[off] = cap_id;
    d->config[off + 1] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = off;
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    memset(d->wmask + off, 0, size);
    memset(d->w1cmask + off, 0, size);
    memset(d->cmask + off, 0xff, size);
    return off;
}

uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id)
{
    uint8_t off = d->config[PCI_CAPABILITY_LIST];

    /* At most 48 capabilities fit in 192 bytes: bound the walk. */
    for (int n = 0; off && n < 48; n++) {
        if (off < PCI_CONFIG_HEADER_SIZE)
            return 0;
        if (d->config[off] == cap_id)
            return off;
        off = d->config[off + 1] & ~3;
    }
    return 0;
}

/* ---- DMA ---- */

static bool pci_dma_enabled(PCIDevice *d, uint64_t addr, const char *what)
{
    if (pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER)
        return true;
    log_guest_error("%s: DMA %s at 0x%" PRIx64 " with bus mastering disabled\n",
                    d->parent.cls->name, what, addr);
    return false;
}

MemTxResult pci_dma_read(PCIDevice *d, uint64_t addr, void *buf, uint64_t len)
{
    if (!pci_dma_enabled(d, addr, "read")) {
        memset(buf, 0xff, len);
        return MEMTX_UNASSIGNED;
    }
    return as_read(d->bus->dma_as, addr, buf, len);
}

MemTxResult pci_dma_write(PCIDevice *d, uint64_t addr, const void *buf, uint64_t len)
{
    if (!pci_dma_enabled(d, addr, "write"))
        return MEMTX_UNASSIGNED;
    return as_write(d->bus->dma_as, addr, buf, len);
}

/* ---- realize, reset, classes ---- */

static void pci_config_init(PCIDevice *d, const PCIDeviceClass *pc)
{
    uint8_t *c = d->config;

    pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
    c[PCI_REVISION_ID] = pc->revision;
    c[PCI_CLASS_PROG] = pc->prog_if;
    pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
    c[PCI_HEADER_TYPE] = pc->header_type | (d->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0);
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID,
                 pc->subsystem_vendor_id ? pc->subsystem_vendor_id
                                         : PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(c + PCI_SUBSYSTEM_ID,
                 pc->subsystem_vendor_id ? pc->subsystem_id : PCI_SUBDEVICE_ID_QEMU);

    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                                             PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
    memset(d->cmask, 0xff, PCI_CONFIG_HEADER_SIZE);
}

static bool pci_device_realize(Device *dev, Error **errp)
{
    PCIDevice *d = (PCIDevice *)dev;
    const PCIDeviceClass *pc = pci_device_class(d);
    PCIBus *bus = pci_bus_get();

    if (!bus) {
        error_setg(errp, "No 'PCI' bus found for device '%s'", dev->cls->name);
        return false;
    }
    pci_config_init(d, pc);
    pci_bars_init(d);
    if (!pci_bus_attach(bus, d, errp))
        return false;
    if (!pci_rom_load(d, errp) || (pc->realize && !pc->realize(d, errp))) {
        pci_bars_unmap_all(d);
        pci_rom_free(d);
        pci_bus_detach(bus, d);
        return false;
    }
    return true;
}

static void pci_device_reset(Device *dev)
{
    PCIDevice *d = (PCIDevice *)dev;
    const PCIDeviceClass *pc = pci_device_class(d);

    pci_set_irq(d, 0);
    for (int i = 0; i < PCI_CONFIG_HEADER_SIZE; i++)
        d->config[i] &= ~(d->wmask[i] | d->w1cmask[i]);
    pci_update_mappings(d);
    pci_irq_sync(d);
    if (pc->reset)
        pc->reset(d);
}

int pci_device_post_load(Device *dev)
{
    PCIDevice *d = (PCIDevice *)dev;

    pci_update_mappings(d);
    pci_irq_sync(d);
    return 0;
}

void pci_device_class_register(PCIDeviceClass *pc)
{
    pc->parent.bus = "pci";
    pc->parent.realize = pci_device_realize;
    pc->parent.reset = pci_device_reset;
    if (!pc->parent.props)
        pc->parent.props = pci_device_props;
    device_class_register(&pc->parent);
}
