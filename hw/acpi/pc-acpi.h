/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the PC's table assembly (pc-acpi.c) and its
 * DSDT (pc-dsdt.c).
 */
#ifndef KEMU_HW_ACPI_PC_ACPI_H
#define KEMU_HW_ACPI_PC_ACPI_H

#include "kemu/hw/acpi.h"

#define PC_HPET_ADDRESS 0xfed00000u

/* Append the DSDT for cfg to tables. */
void pc_build_dsdt(AcpiBuf *tables, BiosLinker *l, const PcAcpiConfig *cfg, const AcpiOem *oem);

#endif
