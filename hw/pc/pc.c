/* SPDX-License-Identifier: MIT */
/*
 * The "pc" machine: QEMU's Standard PC (i440FX + PIIX, 1996).
 *
 * Wiring only; every chip is its own device. Interrupts follow QEMU's PC:
 * 24 GSI lines, GSI n < 16 driving 8259 input n (but the cascade, 2) and
 * every GSI driving IOAPIC input n; the ISA bus's IRQ n is GSI n, and the PIIX3 routes PCI
 * PIRQs onto ISA IRQs. The master 8259's INT goes to LINT0 of the local
 * APICs (the CPU's INTR pin when no APIC is built), and the CPU's
 * interrupt acknowledge runs the APIC's (or the 8259's) INTA. The HPET,
 * when present, sits between the PIT/RTC and GSI 0/8 for its legacy
 * replacement mode. Port 0x92 and the i8042 both drive the A20 gate.
 *
 * Devices in QEMU's order: CPUs, memory map, PCI host and ISA bridge,
 * interrupt controllers, the VGA at 00:02.0 (-vga std, the default), RTC
 * (with the CMOS bytes), PIT and port 0x61, HPET, i8042, port 0x92, COM1-4
 * from -serial, fw_cfg, the ACPI PM function, then the ACPI and SMBIOS
 * tables for the firmware. Under qtest the same board is built; the core
 * does not run the CPUs. Reference: QEMU's hw/i386/pc_piix.c pc_init1() and
 * hw/i386/pc.c.
 */
#include "kemu/cpu.h"
#include "kemu/hw/acpi_pm.h"
#include "kemu/hw/apic.h"
#include "kemu/hw/hpet.h"
#include "kemu/hw/i440fx.h"
#include "kemu/hw/i8042.h"
#include "kemu/hw/i8254.h"
#include "kemu/hw/i8259.h"
#include "kemu/hw/ioapic.h"
#include "kemu/hw/mc146818.h"
#include "kemu/hw/pc-linux.h"
#include "kemu/hw/pc.h"
#include "kemu/hw/vga.h"
#include "kemu/x86.h"

/* TEMPORARY: parts of other helpers not yet in the build are skipped. */
#pragma weak x86_cpu_create
#pragma weak x86_cpu_state
#pragma weak x86_cpu_default_model
#pragma weak x86_cpu_set_intr_ack
#pragma weak x86_cpu_set_a20
#pragma weak x86_cpu_set_apic
#pragma weak i8259_init_pair
#pragma weak i8259_intack_fn
#pragma weak apic_create
#pragma weak apic_x86_ops
#pragma weak apic_intr_ack
#pragma weak apic_bus_pic_line
#pragma weak apic_bus_set_pic_ack
#pragma weak ioapic_create
#pragma weak hpet_create
#pragma weak piix4_pm_create

static PCMachineState *pc_current;

PCMachineState *pc_machine(void)
{
    return pc_current;
}

IrqLine *pc_gsi(int n)
{
    if (!pc_current || n < 0 || n >= PC_GSI_COUNT)
        return NULL;
    return pc_current->gsi[n];
}

/* ---- interrupt wiring ---- */

/* GSI 2 does not reach the 8259: its IR2 is the cascade (the IOAPIC's
 * input 0 takes the timer through redirection entry 2 instead). */
static void pc_gsi_handler(void *opaque, int n, int level)
{
    PCMachineState *pcms = opaque;

    if (n < 16 && n != 2 && pcms->pic_in)
        irq_set(pcms->pic_in[n], level);
    irq_set(pcms->ioapic_in[n], level);
}

/* The 8259's INT when there is no local APIC: the CPU's INTR pin. */
static void pc_cpu_intr(void *opaque, int n, int level)
{
    if (!first_cpu)
        return;
    if (level)
        cpu_interrupt(first_cpu, CPU_INTERRUPT_HARD);
    else
        cpu_reset_interrupt(first_cpu, CPU_INTERRUPT_HARD);
}

static void pc_a20_handler(void *opaque, int n, int level)
{
    PCMachineState *pcms = opaque;

    for (int i = 0; i < pcms->nr_cpus && x86_cpu_set_a20; i++)
        x86_cpu_set_a20(pcms->cpus[i], level != 0);
}

static bool pc_has_apic(void)
{
    return apic_create && apic_bus_pic_line && x86_cpu_set_apic;
}

static void pc_interrupts_init(PCMachineState *pcms)
{
    IrqLine *cpu_intr = pc_has_apic() ? apic_bus_pic_line() : irq_new(pc_cpu_intr, pcms, 0);

    pcms->gsi = irq_new_array(pc_gsi_handler, pcms, PC_GSI_COUNT);
    for (int i = 0; i < 16; i++)
        pcms->isa_bus.irqs[i] = pcms->gsi[i];
    isa_bus_set(&pcms->isa_bus);
    if (i8259_init_pair)
        pcms->pic_in = i8259_init_pair(cpu_intr, &pcms->pic_master);
    else
        warn_report("pc: no 8259 interrupt controllers in this build");
    if (ioapic_create) {
        Device *ioapic = ioapic_create();
        for (int i = 0; i < PC_GSI_COUNT; i++)
            pcms->ioapic_in[i] = device_gpio_in(ioapic, i);
    }
    if (pc_has_apic() && apic_bus_set_pic_ack && pcms->pic_master)
        apic_bus_set_pic_ack(i8259_intack_fn, pcms->pic_master);
    pcms->a20 = irq_new(pc_a20_handler, pcms, 0);
}

/* ---- CPUs ---- */

static void pc_cpus_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;
    const char *model = ms->cpu_model;
    Error *err = NULL;

    if (!x86_cpu_create) {
        warn_report("pc: no x86 CPU in this build");
        return;
    }
    if (!model)
        model = x86_cpu_default_model();
    pcms->cpus = xzalloc(sizeof(void *) * ms->smp_cpus);
    for (int i = 0; i < ms->smp_cpus; i++) {
        X86CPU *cpu = x86_cpu_create(model, i, &err);
        if (!cpu) {
            error_report_err(err);
            exit(1);
        }
        pcms->cpus[pcms->nr_cpus++] = cpu;
    }
}

/* After the interrupt controllers: each CPU's APIC and INTA path. */
static void pc_cpus_connect(PCMachineState *pcms)
{
    for (int i = 0; i < pcms->nr_cpus; i++) {
        X86CPU *cpu = pcms->cpus[i];

        if (pc_has_apic()) {
            Device *apic = apic_create(x86_cpu_state(cpu), i);
            x86_cpu_set_apic(cpu, &apic_x86_ops, apic);
            x86_cpu_set_intr_ack(cpu, apic_intr_ack, apic);
        } else if (i == 0 && pcms->pic_master) {
            x86_cpu_set_intr_ack(cpu, i8259_intack_fn, pcms->pic_master);
        }
    }
}

/* ---- ISA devices ---- */

/* Create and realize a device by class name, or NULL if not built. */
static Device *pc_isa_create(const char *name, const char *prop, const char *value)
{
    Error *err = NULL;
    Device *dev;

    if (!device_class_find(name)) {
        warn_report("pc: device '%s' is not in this build", name);
        return NULL;
    }
    dev = device_new(name, &err);
    if (dev && prop && !device_set_prop(dev, prop, value, &err))
        dev = NULL;
    if (!dev) {
        error_report_err(err);
        exit(1);
    }
    device_realize_or_die(dev);
    return dev;
}

static void pc_timers_init(PCMachineState *pcms)
{
    Device *pit;

    pcms->rtc = pc_isa_create(TYPE_MC146818_RTC, NULL, NULL);
    pit = pc_isa_create(TYPE_PIT, NULL, NULL);
    pc_isa_create(TYPE_PCSPK, NULL, NULL);
    if (hpet_create && !pcms->ms->no_hpet) {
        pcms->hpet = hpet_create(pcms->gsi);
        if (pit)
            device_connect_gpio_out(pit, 0, device_gpio_in(pcms->hpet, HPET_IN_PIT));
        if (pcms->rtc)
            device_connect_gpio_out(pcms->rtc, 0, device_gpio_in(pcms->hpet, HPET_IN_RTC));
    }
}

static void pc_serial_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;

    for (int i = 0; i < ms->nr_serial && i < MAX_SERIAL_PORTS; i++) {
        Error *err = NULL;
        Device *dev;
        char index[8];

        if (!ms->serial[i])
            continue;
        dev = device_new("isa-serial", &err);
        snprintf(index, sizeof(index), "%d", i);
        if (!dev || !device_set_prop(dev, "index", index, &err) ||
            !device_set_prop(dev, "chardev", ms->serial[i]->id, &err)) {
            error_report_err(err);
            exit(1);
        }
        device_realize_or_die(dev);
    }
}

static void pc_isa_devices_init(PCMachineState *pcms)
{
    Device *dev;

    pc_timers_init(pcms);
    pc_cmos_init(pcms);
    dev = pc_isa_create(TYPE_I8042, NULL, NULL);
    if (dev)
        device_connect_gpio_out(dev, I8042_OUT_A20, pcms->a20);
    dev = pc_isa_create("port92", NULL, NULL);
    if (dev)
        device_connect_gpio_out(dev, 0, pcms->a20);
    pc_serial_init(pcms);
}

/* ---- display ---- */

/* -vga std (the default): QEMU's standard VGA in slot 2, right after the
 * chipset; -vga none and -nodefaults leave it out. */
static void pc_vga_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;

    if (!ms->vga || !strcmp(ms->vga, "none"))
        return;
    if (!device_class_find(TYPE_PCI_VGA)) {
        warn_report("pc: device '%s' is not in this build", TYPE_PCI_VGA);
        return;
    }
    pci_create_simple(pcms->pci_bus, PCI_DEVFN(2, 0), TYPE_PCI_VGA);
    ms->vga_created = true;
}

/* ---- the machine ---- */

static void pc_init(MachineState *ms)
{
    PCMachineState *pcms = XNEW0(PCMachineState);

    pcms->ms = ms;
    ms->board = pcms;
    pc_current = pcms;
    pc_cpus_init(pcms);
    pc_memory_init(pcms);
    pcms->pci_bus = i440fx_init(&pcms->ram, &pcms->pci_mem, ms->ram_size);
    pc_interrupts_init(pcms);
    piix3_init(pcms->pci_bus);
    pc_cpus_connect(pcms);
    pc_vga_init(pcms);
    pc_isa_devices_init(pcms);
    pc_drives_init(pcms);
    pc_fw_cfg_init(pcms);
    if (piix4_pm_create)
        piix4_pm_create(pcms->pci_bus, PCI_DEVFN(1, 3), pcms->gsi[9], NULL);
    pc_firmware_tables_init(pcms, piix4_pm_create != NULL);
    pc_linux_setup(ms, pcms->fw_cfg);
}

/* The first reset follows the -device devices: the CMOS drive bytes can
 * be filled then. -boot once=: the first boot uses it, later resets the
 * normal order. */
static void pc_reset(MachineState *ms)
{
    PCMachineState *pcms = ms->board;

    if (pcms->boot_resets == 0) {
        pc_cmos_init_late(pcms);
        pc_fw_cfg_bootorder(pcms);
    }
    if (ms->boot_once && pcms->boot_resets == 1)
        pc_cmos_set_boot_order(pcms, ms->boot_order ? ms->boot_order : "cad");
    pcms->boot_resets++;
}

static const MachineClass pc_machine_class = {
    .name = PC_MACHINE_NAME,
    .alias = "pc",
    .desc = "Standard PC (i440FX + PIIX, 1996)",
    .is_default = true,
    .max_cpus = PC_MAX_CPUS,
    .default_ram_size = 128 * MiB,
    .accept_prefix = "pc-i440fx-",
    .init = pc_init,
    .reset = pc_reset,
};
MACHINE_CLASS(pc_machine_class)
