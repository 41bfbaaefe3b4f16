/* SPDX-License-Identifier: MIT */
/*
 * Private interfaces between the files of the PCI core (hw/pci/).
 */
#ifndef KEMU_HW_PCI_INTERNAL_H
#define KEMU_HW_PCI_INTERNAL_H

#include "kemu/hw/pci.h"

/* pci.c: INTx output = level && pin set && !INTX_DISABLE */
int pci_irq_pin(const PCIDevice *d);
bool pci_irq_output(const PCIDevice *d);
/* Bring the level the bus counts for d in line with pci_irq_output(). */
void pci_irq_sync(PCIDevice *d);

/* pci_bus.c */
void pci_bus_irq_change(PCIBus *bus, int pirq, int delta);
bool pci_bus_attach(PCIBus *bus, PCIDevice *d, Error **errp);
void pci_bus_detach(PCIBus *bus, PCIDevice *d);

/* pci_bar.c */
bool pci_rom_load(PCIDevice *d, Error **errp);
void pci_rom_free(PCIDevice *d);
void pci_bars_init(PCIDevice *d);
void pci_bars_unmap_all(PCIDevice *d);

#endif
