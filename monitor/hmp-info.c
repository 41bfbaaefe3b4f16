/* SPDX-License-Identifier: MIT */
/*
 * "info" subcommands of the human monitor.
 *
 * version, status, registers, cpus, mtree, qtree, pci, chardev, block,
 * history, name, kvm, uuid, and the kemu extension vga-text (the text on
 * the VGA screen). Layouts follow QEMU 7.2's output so scripts that parse
 * it keep working: "VM status: paused (prelaunch)", "* CPU #0:
 * thread_id=N", "  Bus  0, device   1, function 0:", the qtree's
 * "dev: NAME, id \"\"" lines with "prop = value" below them.
 * Reference: QEMU manual, "QEMU Monitor", "info".
 */
#include <inttypes.h>
#include <math.h>
#include <unistd.h>

#include "config-host.h"
#include "kemu/device.h"
#include "kemu/drive.h"
#include "kemu/hw/pci.h"
#include "kemu/hw/vga.h"
#include "kemu/machine.h"
#include "kemu/memory.h"
#include "monitor-internal.h"

/* ---- simple ones ---- */

static void info_version(Monitor *mon, HmpArgs *a)
{
    if (hmp_arg_end(a))
        monitor_printf(mon, "%s\n", KEMU_VERSION);
}

static void info_status(Monitor *mon, HmpArgs *a)
{
    RunState s = runstate_get();

    if (!hmp_arg_end(a))
        return;
    monitor_printf(mon, "VM status: %s", s == RUN_STATE_RUNNING ? "running" : "paused");
    if (s != RUN_STATE_RUNNING && s != RUN_STATE_PAUSED)
        monitor_printf(mon, " (%s)", runstate_name(s));
    monitor_puts(mon, "\n");
}

static void info_name(Monitor *mon, HmpArgs *a)
{
    if (hmp_arg_end(a) && current_machine && current_machine->name)
        monitor_printf(mon, "%s\n", current_machine->name);
}

static void info_kvm(Monitor *mon, HmpArgs *a)
{
    if (hmp_arg_end(a))
        monitor_puts(mon, "kvm support: disabled\n");
}

static void info_uuid(Monitor *mon, HmpArgs *a)
{
    if (hmp_arg_end(a))
        monitor_puts(mon, "00000000-0000-0000-0000-000000000000\n");
}

static void info_history(Monitor *mon, HmpArgs *a)
{
    const char *line;

    if (!hmp_arg_end(a))
        return;
    for (int i = 0; (line = readline_history(&mon->rl, i)); i++)
        monitor_printf(mon, "%d: '%s'\n", i, line);
}

static void info_chardev(Monitor *mon, HmpArgs *a)
{
    if (!hmp_arg_end(a))
        return;
    for (Chardev *chr = chardev_first(); chr; chr = chr->next)
        monitor_printf(mon, "%s: filename=%s\n", chr->id, chr->label);
}

static void info_vga_text(Monitor *mon, HmpArgs *a)
{
    Device *vga = vga_find();
    char *text;

    if (!hmp_arg_end(a))
        return;
    text = vga ? vga_text_dump(vga) : NULL;
    if (!vga)
        monitor_puts(mon, "There is no VGA device\n");
    else if (!text)
        monitor_puts(mon, "The VGA adapter is not in a text mode\n");
    else
        monitor_puts(mon, text);
    free(text);
}

/* ---- CPUs ---- */

static void info_dump_cpu(FILE *out, void *opaque)
{
    CPUState *cpu = opaque;

    fprintf(out, "\nCPU#%d\n", cpu->index);
    if (cpu->ops && cpu->ops->dump_state)
        cpu->ops->dump_state(cpu, out);
}

/* "info registers [-a|vcpu]" */
static void info_registers(Monitor *mon, HmpArgs *a)
{
    CPUState *cpu = mon_get_cpu();
    int64_t index;
    bool all = false;

    if (hmp_arg_more(a) && !strncmp(a->p, "-a", 2) && (!a->p[2] || a->p[2] == ' ')) {
        all = true;
        a->p += 2;
    } else if (hmp_arg_more(a)) {
        if (!hmp_arg_int(a, &index))
            return;
        for (cpu = first_cpu; cpu && cpu->index != index; cpu = cpu->next)
            ;
        if (!cpu) {
            monitor_printf(mon, "CPU#%" PRId64 " not available\n", index);
            return;
        }
    }
    if (!hmp_arg_end(a))
        return;
    if (!cpu) {
        monitor_puts(mon, "No CPU available\n");
        return;
    }
    for (CPUState *c = all ? first_cpu : cpu; c; c = all ? c->next : NULL)
        monitor_dump(mon, info_dump_cpu, c);
}

static void info_cpus(Monitor *mon, HmpArgs *a)
{
    CPUState *cur = mon_get_cpu();

    if (!hmp_arg_end(a))
        return;
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next)
        monitor_printf(mon, "%c CPU #%d: thread_id=%d\n", cpu == cur ? '*' : ' ', cpu->index,
                       (int)getpid());
}

/* ---- memory ---- */

static void info_dump_as(FILE *out, void *opaque)
{
    bool flat = *(bool *)opaque;
    AddressSpace *as;

    for (unsigned i = 0; (as = as_nth(i)); i++) {
        if (flat)
            as_dump(as, out);
        else
            as_dump_tree(as, out);
    }
}

/* "info mtree [-f][-d][-o][-D]": only -f changes anything here. */
static void info_mtree(Monitor *mon, HmpArgs *a)
{
    bool flat = false;

    while (hmp_arg_more(a) && a->p[0] == '-' && a->p[1] && strchr("fdoD", a->p[1]) &&
           (!a->p[2] || a->p[2] == ' ')) {
        flat |= a->p[1] == 'f';
        a->p += 2;
    }
    if (hmp_arg_end(a))
        monitor_dump(mon, info_dump_as, &flat);
}

/* ---- devices ---- */

static const char *pci_class_name(uint16_t class_id)
{
    static const struct {
        uint16_t id;
        const char *name;
    } names[] = {
        { 0x0100, "SCSI controller" },    { 0x0101, "IDE controller" },
        { 0x0102, "Floppy controller" },  { 0x0104, "RAID controller" },
        { 0x0106, "SATA controller" },    { 0x0180, "Storage controller" },
        { 0x0200, "Ethernet controller" }, { 0x0280, "Network controller" },
        { 0x0300, "VGA controller" },     { 0x0302, "3D controller" },
        { 0x0380, "Display controller" }, { 0x0401, "Audio controller" },
        { 0x0403, "Audio controller" },   { 0x0480, "Multimedia controller" },
        { 0x0500, "RAM controller" },     { 0x0580, "Memory controller" },
        { 0x0600, "Host bridge" },        { 0x0601, "ISA bridge" },
        { 0x0604, "PCI bridge" },         { 0x0680, "Bridge" },
        { 0x0700, "Serial port" },        { 0x0701, "Parallel port" },
        { 0x0c03, "USB controller" },     { 0x0c05, "SMBus" },
        { 0x00ff, "Unknown device" },     { 0x0880, "System peripheral" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].id == class_id)
            return names[i].name;
    }
    return NULL;
}

static void pci_print_class(Monitor *mon, const PCIDevice *d)
{
    uint16_t cls = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *name = pci_class_name(cls);

    if (name)
        monitor_puts(mon, name);
    else
        monitor_printf(mon, "Class %04x", cls);
}

/* ---- info pci ---- */

static void pci_print_bar(Monitor *mon, int n, const PCIIORegion *r)
{
    uint64_t last = r->addr + r->size - 1;

    monitor_printf(mon, "      BAR%d: ", n);
    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        monitor_printf(mon, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n", r->addr, last);
        return;
    }
    monitor_printf(mon, "%d bit%s memory at 0x%08" PRIx64 " [0x%08" PRIx64 "].\n",
                   (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) ? 64 : 32,
                   (r->type & PCI_BASE_ADDRESS_MEM_PREFETCH) ? " prefetchable" : "", r->addr,
                   last);
}

static void pci_print_device(Monitor *mon, PCIDevice *d)
{
    const uint8_t *c = d->config;
    uint8_t pin = c[PCI_INTERRUPT_PIN];

    monitor_printf(mon, "  Bus %2d, device %3d, function %d:\n    ", 0, PCI_SLOT(d->devfn),
                   PCI_FUNC(d->devfn));
    pci_print_class(mon, d);
    monitor_printf(mon, ": PCI device %04x:%04x\n", pci_get_word(c + PCI_VENDOR_ID),
                   pci_get_word(c + PCI_DEVICE_ID));
    if ((c[PCI_HEADER_TYPE] & 0x7f) == 0)
        monitor_printf(mon, "      PCI subsystem %04x:%04x\n",
                       pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID), pci_get_word(c + PCI_SUBSYSTEM_ID));
    if (pin)
        monitor_printf(mon, "      IRQ %d, pin %c\n", c[PCI_INTERRUPT_LINE], 'A' + pin - 1);
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        if (d->io_regions[i].size)
            pci_print_bar(mon, i, &d->io_regions[i]);
    }
    monitor_printf(mon, "      id \"%s\"\n", d->parent.id ? d->parent.id : "");
}

static void info_pci(Monitor *mon, HmpArgs *a)
{
    PCIBus *bus = pci_bus_get();

    if (!hmp_arg_end(a) || !bus)
        return;
    for (int devfn = 0; devfn < 256; devfn++) {
        if (bus->devices[devfn])
            pci_print_device(mon, bus->devices[devfn]);
    }
}

/* ---- info qtree ---- */

static void qtree_size(Monitor *mon, uint64_t v)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double d = (double)v;
    int i = 0;

    while (d >= 1024 && i < 6) {
        d /= 1024;
        i++;
    }
    monitor_printf(mon, "%" PRIu64 " (%.3g %s)", v, d, unit[i]);
}

static void qtree_prop(Monitor *mon, Device *dev, const Property *p, int indent)
{
    const void *f = (const char *)dev + p->offset;
    uint64_t u = 0;

    monitor_printf(mon, "%*s%s = ", indent, "", p->name);
    switch (p->type) {
    case PROP_BOOL: monitor_puts(mon, *(const bool *)f ? "true" : "false"); break;
    case PROP_UINT8: u = *(const uint8_t *)f; goto print_uint;
    case PROP_UINT16: u = *(const uint16_t *)f; goto print_uint;
    case PROP_UINT32: u = *(const uint32_t *)f; goto print_uint;
    case PROP_UINT64: u = *(const uint64_t *)f; goto print_uint;
    case PROP_INT32:
        monitor_printf(mon, "%d (0x%" PRIx64 ")", *(const int32_t *)f,
                       (uint64_t)(int64_t) * (const int32_t *)f);
        break;
    case PROP_SIZE: qtree_size(mon, *(const uint64_t *)f); break;
    case PROP_STRING:
        monitor_printf(mon, "\"%s\"", *(char *const *)f ? *(char *const *)f : "");
        break;
    case PROP_CHR:
        monitor_printf(mon, "\"%s\"", *(Chardev *const *)f ? (*(Chardev *const *)f)->id : "");
        break;
    }
    monitor_puts(mon, "\n");
    return;
print_uint:
    monitor_printf(mon, "%" PRIu64 " (0x%" PRIx64 ")\n", u, u);
}

static void qtree_device(Monitor *mon, Device *dev, int indent);

typedef struct QtreeBus {
    const char *name, *type;
    const char *bus;        /* the DeviceClass.bus of its devices */
} QtreeBus;

static bool qtree_on_bus(const Device *dev, const char *bus)
{
    const char *b = dev->cls->bus;

    if (!strcmp(bus, "sys"))
        return !b || (strcmp(b, "pci") && strcmp(b, "isa"));
    return b && !strcmp(b, bus);
}

/* Devices of a bus, the most recent first (QEMU's order). */
static void qtree_bus(Monitor *mon, const QtreeBus *b, int indent)
{
    Device **list = NULL;
    int n = 0;

    monitor_printf(mon, "%*sbus: %s\n%*stype %s\n", indent, "", b->name, indent + 2, "",
                   b->type);
    for (Device *d = device_first(); d; d = d->next) {
        if (d->realized && qtree_on_bus(d, b->bus)) {
            list = xrealloc(list, sizeof(*list) * (size_t)(n + 1));
            list[n++] = d;
        }
    }
    while (n--)
        qtree_device(mon, list[n], indent + 2);
    free(list);
}

static const QtreeBus qtree_sysbus = { "main-system-bus", "System", "sys" };
static const QtreeBus qtree_pcibus = { "pci.0", "PCI", "pci" };
static const QtreeBus qtree_isabus = { "isa.0", "ISA", "isa" };

/* The ISA bus hangs below the PCI-to-ISA bridge when there is one. */
static Device *qtree_isa_bridge(void)
{
    PCIBus *bus = pci_bus_get();

    for (int devfn = 0; bus && devfn < 256; devfn++) {
        PCIDevice *d = bus->devices[devfn];

        if (d && pci_get_word(d->config + PCI_CLASS_DEVICE) == PCI_CLASS_BRIDGE_ISA)
            return &d->parent;
    }
    return NULL;
}

static bool qtree_has_bus(const char *bus)
{
    for (Device *d = device_first(); d; d = d->next) {
        if (d->realized && qtree_on_bus(d, bus))
            return true;
    }
    return false;
}

static void qtree_pci_info(Monitor *mon, PCIDevice *d, int indent)
{
    const uint8_t *c = d->config;

    monitor_printf(mon, "%*sclass ", indent, "");
    pci_print_class(mon, d);
    monitor_printf(mon, ", addr %02x:%02x.%x, pci id %04x:%04x (sub %04x:%04x)\n", 0,
                   PCI_SLOT(d->devfn), PCI_FUNC(d->devfn), pci_get_word(c + PCI_VENDOR_ID),
                   pci_get_word(c + PCI_DEVICE_ID), pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID),
                   pci_get_word(c + PCI_SUBSYSTEM_ID));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *r = &d->io_regions[i];

        if (r->size)
            monitor_printf(mon, "%*sbar %d: %s at 0x%" PRIx64 " [0x%" PRIx64 "]\n", indent, "",
                           i, (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? "i/o" : "mem", r->addr,
                           r->addr + r->size - 1);
    }
}

static void qtree_device(Monitor *mon, Device *dev, int indent)
{
    bool pci = dev->cls->bus && !strcmp(dev->cls->bus, "pci");

    monitor_printf(mon, "%*sdev: %s, id \"%s\"\n", indent, "", dev->cls->name,
                   dev->id ? dev->id : "");
    indent += 2;
    if (dev->nr_gpio_in)
        monitor_printf(mon, "%*sgpio-in \"\" %d\n", indent, "", dev->nr_gpio_in);
    if (dev->nr_gpio_out)
        monitor_printf(mon, "%*sgpio-out \"\" %d\n", indent, "", dev->nr_gpio_out);
    for (const Property *p = dev->cls->props; p && p->name; p++) {
        if (pci && !strcmp(p->name, "addr")) /* the slot it got, as QEMU prints it */
            monitor_printf(mon, "%*saddr = %02x.%x\n", indent, "",
                           PCI_SLOT(((PCIDevice *)dev)->devfn), PCI_FUNC(((PCIDevice *)dev)->devfn));
        else
            qtree_prop(mon, dev, p, indent);
    }
    if (pci)
        qtree_pci_info(mon, (PCIDevice *)dev, indent);
    if (dev == qtree_isa_bridge() && qtree_has_bus("isa"))
        qtree_bus(mon, &qtree_isabus, indent);
}

static void info_qtree(Monitor *mon, HmpArgs *a)
{
    if (!hmp_arg_end(a))
        return;
    qtree_bus(mon, &qtree_sysbus, 0);
    if (pci_bus_get()) {
        monitor_puts(mon, "  dev: i440FX-pcihost, id \"\"\n");
        qtree_bus(mon, &qtree_pcibus, 4);
    }
    if (!qtree_isa_bridge() && qtree_has_bus("isa")) {
        monitor_puts(mon, "  dev: isabus-bridge, id \"\"\n");
        qtree_bus(mon, &qtree_isabus, 4);
    }
}

/* ---- info block ---- */

static void block_print(Monitor *mon, DriveInfo *d)
{
    BlockBackend *blk = d->blk;
    bool removable = d->cdrom || d->type == IF_FLOPPY;

    if (!blk || !blk_is_inserted(blk)) {
        monitor_printf(mon, "%s: [not inserted]\n", d->id);
    } else {
        monitor_printf(mon, "%s: %s (%s%s)\n", d->id, blk_filename(blk), blk_format_name(blk),
                       blk_is_read_only(blk) ? ", read-only" : "");
    }
    if (removable)
        monitor_puts(mon, "    Removable device: not locked, tray closed\n");
    if (blk && blk_is_inserted(blk))
        monitor_puts(mon, "    Cache mode:       writeback\n");
}

static void info_block(Monitor *mon, HmpArgs *a)
{
    char *name = hmp_arg_str(a, true);

    if (hmp_arg_end(a)) {
        bool first = true;

        for (DriveInfo *d = drive_first(); d; d = d->next) {
            if (name && strcmp(name, d->id))
                continue;
            if (!first)
                monitor_puts(mon, "\n");
            block_print(mon, d);
            first = false;
        }
    }
    free(name);
}

const HmpCmd hmp_info_cmds[] = {
    { "block", "[device]", "show info of one block device or all block devices", info_block },
    { "chardev", "", "show the character devices", info_chardev },
    { "cpus", "", "show infos for each CPU", info_cpus },
    { "history", "", "show the command line history", info_history },
    { "kvm", "", "show KVM information", info_kvm },
    { "mtree", "[-f][-d][-o][-D]",
      "show memory tree (-f: dump flat view for address spaces; -d, -o, -D: accepted, no "
      "effect)",
      info_mtree },
    { "name", "", "show the current VM name", info_name },
    { "pci", "", "show PCI info", info_pci },
    { "qtree", "", "show device tree", info_qtree },
    { "registers", "[-a|vcpu]",
      "show the cpu registers (-a: show register info for all cpus; vcpu: specific vCPU to "
      "query; show the current CPU's registers if no argument is specified)",
      info_registers },
    { "status", "", "show the current VM status (running|paused)", info_status },
    { "uuid", "", "show the current VM UUID", info_uuid },
    { "version", "", "show the version of kemu", info_version },
    { "vga-text", "", "show the text on the VGA screen (kemu extension)", info_vga_text },
    { NULL, NULL, NULL, NULL },
};
