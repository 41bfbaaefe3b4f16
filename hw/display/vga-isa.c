/* SPDX-License-Identifier: MIT */
/*
 * "isa-vga": the standard VGA on the ISA bus.
 *
 * The same core as the PCI "VGA" without configuration space: legacy
 * ports, the 0xa0000 window, the Bochs VBE ports and the linear
 * framebuffer at the fixed address 0xe0000000, all in the ISA memory
 * space (the PCI memory space on a PC, system memory otherwise). No VGA
 * BIOS is loaded yet (QEMU passes vgabios.bin to SeaBIOS through fw_cfg);
 * the device serves tests and guests that program the hardware directly.
 *
 * Reference: QEMU docs/specs/standard-vga.rst ("isa variant"); QEMU
 * hw/display/vga-isa.c.
 */
#include "kemu/hw/pci.h"
#include "kemu/isa.h"
#include "vga-int.h"

typedef struct ISAVGAState {
    Device parent;
    /* Properties */
    uint32_t vgamem_mb;           /* video memory in MiB */
    /* State */
    VGAState vga;
} ISAVGAState;

/* The ISA memory space: PCI memory on a PC, else system memory. */
static MemRegion *isa_vga_mem_space(void)
{
    PCIBus *bus = pci_bus_get();

    return bus && bus->mem_space ? bus->mem_space : &mr_system;
}

static bool isa_vga_realize(Device *dev, Error **errp)
{
    ISAVGAState *d = (ISAVGAState *)dev;
    VGAState *s = &d->vga;
    MemRegion *mem = isa_vga_mem_space();

    vga_common_init(s, d->vgamem_mb, "vga.vram");
    vga_init_legacy(s, mem, &mr_system_io);
    mr_add_subregion(mem, VBE_DISPI_LFB_PHYSICAL_ADDRESS, &s->vram_mr);
    vga_common_reset(s);
    return true;
}

static void isa_vga_reset(Device *dev)
{
    vga_common_reset(&((ISAVGAState *)dev)->vga);
}

static int isa_vga_post_load(Device *dev)
{
    vbe_post_load(&((ISAVGAState *)dev)->vga);
    return 0;
}

static const Property isa_vga_props[] = {
    DEFINE_PROP("vgamem_mb", PROP_UINT32, ISAVGAState, vgamem_mb, 8,
                "Video memory in MiB (1-512, rounded up to a power of two)"),
    DEFINE_PROP_END,
};

static const VMStateField isa_vga_vmstate_fields[] = {
    VMSTATE_VGA(ISAVGAState, vga),
    VMSTATE_END,
};

static const VMStateDesc isa_vga_vmstate = {
    .name = "isa-vga",
    .version = 1,
    .fields = isa_vga_vmstate_fields,
    .post_load = isa_vga_post_load,
};

static const DeviceClass isa_vga_class = {
    .name = TYPE_ISA_VGA,
    .desc = "standard VGA with Bochs VBE extensions (ISA)",
    .category = "display",
    .bus = "isa",
    .instance_size = sizeof(ISAVGAState),
    .props = isa_vga_props,
    .user_creatable = true,
    .realize = isa_vga_realize,
    .reset = isa_vga_reset,
    .vmsd = &isa_vga_vmstate,
};
DEVICE_CLASS(isa_vga_class)

VGAState *vga_isa_state(Device *dev)
{
    return dev->cls == &isa_vga_class ? &((ISAVGAState *)dev)->vga : NULL;
}
