/* SPDX-License-Identifier: MIT */
/*
 * The PC's ACPI and SMBIOS tables, handed to the firmware through fw_cfg.
 *
 * Wiring only: the board tells the table builders (hw/acpi/pc-acpi.c,
 * hw/smbios/smbios.c) what it built -- CPUs, RAM split, HPET, RTC, i8042,
 * serial ports -- and they add "etc/acpi/tables", "etc/acpi/rsdp",
 * "etc/table-loader", "etc/smbios/smbios-tables" and
 * "etc/smbios/smbios-anchor", which SeaBIOS installs as QEMU's pc does.
 * Without the PIIX4 PM function there are no ACPI tables (the FADT
 * describes that function) and SeaBIOS builds its own.
 * Reference: QEMU's hw/i386/acpi-build.c and hw/smbios/smbios.c callers in
 * hw/i386/pc.c (pc_machine_done).
 */
#include "kemu/hw/acpi.h"
#include "kemu/hw/i8042.h"
#include "kemu/hw/pc.h"
#include "kemu/hw/smbios.h"

static void pc_acpi_tables_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;
    PcAcpiConfig acfg;

    pc_acpi_config_defaults(&acfg, pcms->nr_cpus ? pcms->nr_cpus : ms->smp_cpus,
                            pcms->below_4g_mem_size, pcms->above_4g_mem_size);
    acfg.max_cpus = MAX(ms->smp_max_cpus, ms->smp_cpus);
    acfg.hpet = pcms->hpet != NULL;
    acfg.rtc = pcms->rtc != NULL;
    acfg.i8042 = device_find_by_class(TYPE_I8042) != NULL;
    for (int i = 0; i < PC_ACPI_MAX_SERIAL; i++)
        acfg.serial[i] = i < ms->nr_serial && ms->serial[i];
    acfg.fdc = false; /* no floppy controller yet */
    pc_acpi_build(&acfg);
}

static void pc_smbios_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;
    SmbiosConfig scfg;

    smbios_config_defaults(&scfg);
    scfg.version = PC_MACHINE_NAME;
    scfg.sockets = ms->smp_cpus;
    scfg.ram_below_4g = pcms->below_4g_mem_size;
    scfg.ram_above_4g = pcms->above_4g_mem_size;
    smbios_install(&scfg);
}

void pc_firmware_tables_init(PCMachineState *pcms, bool have_pm)
{
    if (have_pm)
        pc_acpi_tables_init(pcms);
    pc_smbios_init(pcms);
}
