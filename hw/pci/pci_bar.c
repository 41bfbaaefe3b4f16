/* SPDX-License-Identifier: MIT */
/*
 * PCI base address registers and the expansion ROM.
 *
 * A BAR's writable mask holds only the address bits above its size, so a
 * guest writing all ones reads back ~(size - 1) with the type bits: that is
 * how firmware sizes it (PCI 3.0 section 6.2.5.1). A BAR is mapped into the
 * bus's memory or I/O space while the command register enables that space
 * and its address is sane: not 0, not overlapping the top of the space
 * (which is where a BAR being sized points), and for the ROM BAR only while
 * its enable bit is set (section 6.2.5.2). BARs map with priority 1 over
 * whatever else the space holds, as in QEMU.
 *
 * The option ROM comes from the "romfile" property (or the class default),
 * found on the firmware path, padded to a power of two and exposed through
 * the expansion ROM BAR; firmware copies it to 0xc0000-0xdffff and runs it.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>

#include "kemu/hw/pci.h"
#include "kemu/log.h"
#include "kemu/machine.h"
#include "pci-internal.h"

#define PCI_ROM_MAX_SIZE (16 * MiB)

static uint32_t pci_bar_reg(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

static bool pci_bar_is_64(const PCIIORegion *r)
{
    return !(r->type & PCI_BASE_ADDRESS_SPACE_IO) && (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemRegion *mr)
{
    PCIIORegion *r = &d->io_regions[n];
    uint32_t reg = pci_bar_reg(n);
    uint64_t size = mr->size, wmask = ~(size - 1);

    assert(n >= 0 && n < PCI_NUM_REGIONS);
    assert(size && !(size & (size - 1)));
    r->size = size;
    r->type = type;
    r->mr = mr;
    r->addr = PCI_BAR_UNMAPPED;
    if (n == PCI_ROM_SLOT) {
        assert(size >= 2 * KiB);
        pci_set_long(d->wmask + reg, (uint32_t)wmask | PCI_ROM_ADDRESS_ENABLE);
        pci_set_long(d->config + reg, 0);
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        assert(size >= 4);
        pci_set_long(d->wmask + reg, (uint32_t)wmask & PCI_BASE_ADDRESS_IO_MASK);
        pci_set_long(d->config + reg, type);
    } else if (pci_bar_is_64(r)) {
        assert(size >= 16 && n < PCI_NUM_BARS - 1);
        pci_set_quad(d->wmask + reg, wmask & PCI_BASE_ADDRESS_MEM_MASK);
        pci_set_quad(d->config + reg, type);
    } else {
        assert(size >= 16 && size <= 2 * GiB);
        pci_set_long(d->wmask + reg, (uint32_t)wmask & PCI_BASE_ADDRESS_MEM_MASK);
        pci_set_long(d->config + reg, type);
    }
}

uint64_t pci_get_bar_addr(PCIDevice *d, int n)
{
    if (n < 0 || n >= PCI_NUM_REGIONS)
        return PCI_BAR_UNMAPPED;
    return d->io_regions[n].addr;
}

/* Where BAR n should be mapped now, or PCI_BAR_UNMAPPED. */
static uint64_t pci_bar_address(PCIDevice *d, int n)
{
    const PCIIORegion *r = &d->io_regions[n];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint32_t reg = pci_bar_reg(n);
    uint64_t addr, last, limit;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO))
            return PCI_BAR_UNMAPPED;
        addr = pci_get_long(d->config + reg) & ~(r->size - 1) & PCI_BASE_ADDRESS_IO_MASK;
        limit = d->bus->io_space->size - 1;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY))
            return PCI_BAR_UNMAPPED;
        if (n == PCI_ROM_SLOT && !(d->config[reg] & PCI_ROM_ADDRESS_ENABLE))
            return PCI_BAR_UNMAPPED;
        addr = pci_bar_is_64(r) ? pci_get_quad(d->config + reg) : pci_get_long(d->config + reg);
        addr &= ~(r->size - 1) & (n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS_MASK
                                                    : PCI_BASE_ADDRESS_MEM_MASK);
        limit = pci_bar_is_64(r) ? UINT64_MAX : UINT32_MAX;
    }
    last = addr + r->size - 1;
    /* 0 is "not assigned"; the top of the space is where a BAR being
     * sized points (all ones), never a real assignment. */
    if (addr == 0 || last < addr || last >= limit)
        return PCI_BAR_UNMAPPED;
    return addr;
}

void pci_update_mappings(PCIDevice *d)
{
    mem_transaction_begin();
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &d->io_regions[n];
        MemRegion *space;
        uint64_t addr;

        if (!r->size || !d->bus)
            continue;
        space = (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? d->bus->io_space : d->bus->mem_space;
        addr = pci_bar_address(d, n);
        if (addr == r->addr)
            continue;
        if (r->addr != PCI_BAR_UNMAPPED)
            mr_del_subregion(space, r->mr);
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED)
            mr_add_subregion_overlap(space, addr, r->mr, 1);
    }
    mem_transaction_commit();
}

void pci_bars_init(PCIDevice *d)
{
    for (int n = 0; n < PCI_NUM_REGIONS; n++)
        d->io_regions[n].addr = PCI_BAR_UNMAPPED;
}

void pci_bars_unmap_all(PCIDevice *d)
{
    pci_set_word(d->config + PCI_COMMAND, 0);
    pci_update_mappings(d);
}

/* ---- option ROM ---- */

static uint64_t pow2_ceil(uint64_t v)
{
    uint64_t p = 1;

    while (p < v)
        p <<= 1;
    return p;
}

static bool pci_rom_read_file(PCIDevice *d, const char *name, const char *path, Error **errp)
{
    FILE *f = fopen(path, "rb");
    char mr_name[80];
    long size;

    if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        error_setg_errno(errp, errno, "failed to read romfile \"%s\"", name);
        if (f)
            fclose(f);
        return false;
    }
    if (size == 0 || (uint64_t)size > PCI_ROM_MAX_SIZE) {
        error_setg(errp, "romfile \"%s\" is empty or too large", name);
        fclose(f);
        return false;
    }
    snprintf(mr_name, sizeof(mr_name), "%s.rom", d->parent.cls->name);
    mr_init_rom(&d->rom, mr_name, MAX(pow2_ceil(size), 2 * KiB));
    if (fread(d->rom.ram, 1, size, f) != (size_t)size) {
        error_setg(errp, "failed to read romfile \"%s\"", name);
        fclose(f);
        mr_destroy(&d->rom);
        return false;
    }
    fclose(f);
    return true;
}

bool pci_rom_load(PCIDevice *d, Error **errp)
{
    const char *name = d->romfile ? d->romfile : pci_device_class(d)->romfile;
    char *path;
    bool ok;

    if (!name || !*name)
        return true;
    if (!d->rombar) {
        log_unimp("%s: rombar=off: option ROM \"%s\" is not loaded\n", d->parent.cls->name,
                  name);
        return true;
    }
    path = firmware_find(name);
    if (!path) {
        error_setg(errp, "failed to find romfile \"%s\"", name);
        return false;
    }
    ok = pci_rom_read_file(d, name, path, errp);
    free(path);
    if (!ok)
        return false;
    d->has_rom = true;
    pci_register_bar(d, PCI_ROM_SLOT, 0, &d->rom);
    return true;
}

void pci_rom_free(PCIDevice *d)
{
    if (!d->has_rom)
        return;
    mr_destroy(&d->rom);
    d->has_rom = false;
}
