/* SPDX-License-Identifier: MIT */
/*
 * "VGA": QEMU's standard VGA on PCI (1234:1111, class 0300).
 *
 * BAR0 is the video memory (prefetchable, vgamem_mb MiB: the VBE linear
 * framebuffer), BAR2 a 4 KiB MMIO block: the VGA ports 0x3c0-0x3df at
 * 0x400 (byte or little-endian word accesses, index first), the Bochs VBE
 * registers at 0x500 (register n at 2 * n, 16 bits) and, with
 * qemu-extended-regs, QEMU's extended registers at 0x600 (region size,
 * framebuffer byte order); the EDID blob at 0 is not implemented (reads
 * zero). The PCI revision is 2 when the extended registers exist. The
 * expansion ROM BAR holds the VGA BIOS, SeaBIOS's vgabios-stdvga.bin by
 * default. The legacy ports and the 0xa0000 window are decoded from
 * realize on, independent of the command register, as QEMU does.
 *
 * Reference: QEMU docs/specs/standard-vga.rst; QEMU hw/display/vga-pci.c.
 */
#include <inttypes.h>

#include "kemu/hw/pci.h"
#include "kemu/log.h"
#include "vga-int.h"

#define PCI_VENDOR_ID_QEMU 0x1234
#define PCI_DEVICE_ID_QEMU_VGA 0x1111
#define PCI_CLASS_DISPLAY_VGA 0x0300

#define PCI_VGA_MMIO_SIZE 0x1000
#define PCI_VGA_IOPORT_OFFSET 0x400
#define PCI_VGA_IOPORT_SIZE 0x20
#define PCI_VGA_BOCHS_OFFSET 0x500
#define PCI_VGA_BOCHS_SIZE (VBE_DISPI_INDEX_NB * 2)
#define PCI_VGA_QEXT_OFFSET 0x600
#define PCI_VGA_QEXT_SIZE 8
#define PCI_VGA_QEXT_REG_SIZE 0
#define PCI_VGA_QEXT_REG_BYTEORDER 4
#define PCI_VGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1e
#define PCI_VGA_QEXT_BIG_ENDIAN 0xbebebebe

typedef struct PCIVGAState {
    PCIDevice pci;
    /* Properties */
    uint32_t vgamem_mb;           /* video memory in MiB (BAR0 size) */
    bool mmio;                    /* BAR2 */
    bool qext;                    /* QEMU extended registers in BAR2 */
    /* State */
    VGAState vga;
    MemRegion mmio_mr;            /* BAR2 container */
    MemRegion edid_mr, ioport_mr, bochs_mr, qext_mr;
} PCIVGAState;

/* ---- BAR2 ---- */

static uint64_t pci_vga_edid_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void pci_vga_edid_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    log_guest_error("VGA: write to the read-only EDID area at 0x%03x\n", (unsigned)addr);
}

static const IoOps pci_vga_edid_ops = {
    .read = pci_vga_edid_read,
    .write = pci_vga_edid_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t pci_vga_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;
    uint64_t val = vga_ioport_read(s, VGA_ATT_W + addr);

    if (size == 2)
        val |= vga_ioport_read(s, VGA_ATT_W + addr + 1) << 8;
    return val;
}

static void pci_vga_ioport_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VGAState *s = opaque;

    vga_ioport_write(s, VGA_ATT_W + addr, val & 0xff);
    if (size == 2)
        vga_ioport_write(s, VGA_ATT_W + addr + 1, (val >> 8) & 0xff);
}

static const IoOps pci_vga_ioport_ops = {
    .read = pci_vga_ioport_read,
    .write = pci_vga_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

static uint64_t pci_vga_bochs_read(void *opaque, hwaddr addr, unsigned size)
{
    return vbe_read_reg(opaque, addr >> 1);
}

static void pci_vga_bochs_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vbe_write_reg(opaque, addr >> 1, val);
}

static const IoOps pci_vga_bochs_ops = {
    .read = pci_vga_bochs_read,
    .write = pci_vga_bochs_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t pci_vga_qext_read(void *opaque, hwaddr addr, unsigned size)
{
    switch (addr) {
    case PCI_VGA_QEXT_REG_SIZE:
        return PCI_VGA_QEXT_SIZE;
    case PCI_VGA_QEXT_REG_BYTEORDER:
        return PCI_VGA_QEXT_LITTLE_ENDIAN;
    default:
        return 0;
    }
}

static void pci_vga_qext_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (addr == PCI_VGA_QEXT_REG_BYTEORDER && val == PCI_VGA_QEXT_BIG_ENDIAN)
        log_unimp("VGA: big-endian framebuffer\n");
    else if (addr != PCI_VGA_QEXT_REG_BYTEORDER || val != PCI_VGA_QEXT_LITTLE_ENDIAN)
        log_guest_error("VGA: write 0x%" PRIx64 " to extended register 0x%x\n", val,
                        (unsigned)addr);
}

static const IoOps pci_vga_qext_ops = {
    .read = pci_vga_qext_read,
    .write = pci_vga_qext_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static void pci_vga_mmio_init(PCIVGAState *d)
{
    VGAState *s = &d->vga;

    mr_init_container(&d->mmio_mr, "vga.mmio", PCI_VGA_MMIO_SIZE);
    mr_init_io(&d->edid_mr, "edid", PCI_VGA_IOPORT_OFFSET, &pci_vga_edid_ops, s);
    mr_init_io(&d->ioport_mr, "vga ioports remapped", PCI_VGA_IOPORT_SIZE, &pci_vga_ioport_ops,
               s);
    mr_init_io(&d->bochs_mr, "bochs dispi interface", PCI_VGA_BOCHS_SIZE, &pci_vga_bochs_ops, s);
    mr_add_subregion(&d->mmio_mr, 0, &d->edid_mr);
    mr_add_subregion(&d->mmio_mr, PCI_VGA_IOPORT_OFFSET, &d->ioport_mr);
    mr_add_subregion(&d->mmio_mr, PCI_VGA_BOCHS_OFFSET, &d->bochs_mr);
    if (d->qext) {
        mr_init_io(&d->qext_mr, "qemu extended regs", PCI_VGA_QEXT_SIZE, &pci_vga_qext_ops, s);
        mr_add_subregion(&d->mmio_mr, PCI_VGA_QEXT_OFFSET, &d->qext_mr);
    }
    pci_register_bar(&d->pci, 2, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32,
                     &d->mmio_mr);
}

/* ---- device ---- */

static bool pci_vga_realize(PCIDevice *pd, Error **errp)
{
    PCIVGAState *d = (PCIVGAState *)pd;
    VGAState *s = &d->vga;

    vga_common_init(s, d->vgamem_mb, "vga.vram");
    vga_init_legacy(s, pd->bus->mem_space, pd->bus->io_space);
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &s->vram_mr);
    if (d->mmio)
        pci_vga_mmio_init(d);
    pd->config[PCI_REVISION_ID] = d->mmio && d->qext ? 2 : 0;
    vga_common_reset(s);
    return true;
}

static void pci_vga_reset(PCIDevice *pd)
{
    vga_common_reset(&((PCIVGAState *)pd)->vga);
}

static int pci_vga_post_load(Device *dev)
{
    vbe_post_load(&((PCIVGAState *)dev)->vga);
    return pci_device_post_load(dev);
}

static const Property pci_vga_props[] = {
    DEFINE_PCI_PROPS,
    DEFINE_PROP("vgamem_mb", PROP_UINT32, PCIVGAState, vgamem_mb, 16,
                "Video memory in MiB (1-512, rounded up to a power of two)"),
    DEFINE_PROP("mmio", PROP_BOOL, PCIVGAState, mmio, 1, "MMIO register BAR (BAR2)"),
    DEFINE_PROP("qemu-extended-regs", PROP_BOOL, PCIVGAState, qext, 1,
                "QEMU extended registers in the MMIO BAR"),
    DEFINE_PROP_END,
};

static const VMStateField pci_vga_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(PCIVGAState, pci),
    VMSTATE_VGA(PCIVGAState, vga),
    VMSTATE_END,
};

static const VMStateDesc pci_vga_vmstate = {
    .name = "vga",
    .version = 1,
    .fields = pci_vga_vmstate_fields,
    .post_load = pci_vga_post_load,
};

static PCIDeviceClass pci_vga_class = {
    .parent = {
        .name = TYPE_PCI_VGA,
        .desc = "standard VGA with Bochs VBE extensions (PCI)",
        .category = "display",
        .instance_size = sizeof(PCIVGAState),
        .props = pci_vga_props,
        .user_creatable = true,
        .vmsd = &pci_vga_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_QEMU,
    .device_id = PCI_DEVICE_ID_QEMU_VGA,
    .class_id = PCI_CLASS_DISPLAY_VGA,
    .romfile = "vgabios-stdvga.bin",
    .realize = pci_vga_realize,
    .reset = pci_vga_reset,
};
PCI_DEVICE_CLASS(pci_vga_class)

VGAState *vga_pci_state(Device *dev)
{
    return dev->cls == &pci_vga_class.parent ? &((PCIVGAState *)dev)->vga : NULL;
}
