/* SPDX-License-Identifier: MIT */
/*
 * "edu": QEMU's educational PCI device (1234:11e8), for driver exercises.
 *
 * BAR0 is 1 MiB of MMIO; registers below 0x80 take 4-byte accesses only,
 * the DMA registers from 0x80 4 or 8 bytes (other accesses read all ones
 * and are dropped):
 *   0x00 RO  identification 0x010000ed (version 1.0)
 *   0x04 RW  liveness: reads the bitwise inverse of the value written
 *   0x08 RW  factorial: a write (while no computation runs) replaces the
 *            value with its factorial (mod 2^32)
 *   0x20 RW  status: bit 0 computing (RO), bit 7 raise interrupt 0x1 when
 *            a factorial finishes
 *   0x24 RO  interrupt status; 0x60 WO raise (ORs the value in);
 *            0x64 WO acknowledge (clears the bits written)
 *   0x80 src, 0x88 dst, 0x90 count, 0x98 command (bit 0 start, bit 1
 *            direction: 0 RAM -> device buffer, 1 buffer -> RAM; bit 2
 *            raise interrupt 0x100 when done)
 * The device buffer is 4 KiB at device address 0x40000; RAM addresses are
 * limited by dma_mask (28 bits unless set). INTA# is asserted while the
 * interrupt status is nonzero.
 *
 * Differences from QEMU, on purpose or for now: the factorial and the DMA
 * complete at once instead of on a worker thread / 100 ms timer (a guest
 * polling the busy bits sees them clear immediately); a DMA outside the
 * buffer or the mask is a guest error that is ignored where QEMU aborts;
 * there is no MSI capability yet.
 *
 * Reference: QEMU docs/specs/edu.rst.
 */
#include <inttypes.h>

#include "kemu/hw/pci.h"
#include "kemu/log.h"

#define TYPE_EDU "edu"
#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8
#define PCI_CLASS_OTHERS 0x00ff

#define EDU_BAR_SIZE (1 * MiB)
#define EDU_ID 0x010000ed
#define EDU_REG_ID 0x00
#define EDU_REG_LIVE 0x04
#define EDU_REG_FACT 0x08
#define EDU_REG_STATUS 0x20
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98

#define EDU_STATUS_COMPUTING 0x01
#define EDU_STATUS_IRQFACT 0x80
#define EDU_IRQ_FACT 0x001
#define EDU_IRQ_DMA 0x100
#define EDU_DMA_RUN 0x1
#define EDU_DMA_FROM_DEV 0x2
#define EDU_DMA_IRQ 0x4
#define EDU_DMA_START 0x40000
#define EDU_DMA_SIZE 4096

typedef struct EduState {
    PCIDevice pci;
    uint64_t dma_mask;            /* property */
    uint32_t live;                /* last liveness value */
    uint32_t fact;                /* factorial register */
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
    uint8_t dma_buf[EDU_DMA_SIZE];
    MemRegion mmio;
} EduState;

static void edu_update_irq(EduState *s)
{
    pci_set_irq(&s->pci, s->irq_status != 0);
}

static uint32_t edu_factorial(uint32_t n)
{
    uint32_t r = 1;

    for (uint32_t i = 2; i <= n; i++)
        r *= i;
    return r;
}

/* The device buffer window [addr, addr + len) as an offset, or -1. */
static int64_t edu_buf_offset(uint64_t addr, uint64_t len)
{
    if (addr < EDU_DMA_START || len > EDU_DMA_SIZE || addr - EDU_DMA_START > EDU_DMA_SIZE - len)
        return -1;
    return addr - EDU_DMA_START;
}

static void edu_dma_run(EduState *s)
{
    bool from_dev = s->dma_cmd & EDU_DMA_FROM_DEV;
    uint64_t ram = from_dev ? s->dma_dst : s->dma_src;
    int64_t off = edu_buf_offset(from_dev ? s->dma_src : s->dma_dst, s->dma_cnt);

    if (off < 0 || (ram & ~s->dma_mask) || ((ram + s->dma_cnt - 1) & ~s->dma_mask)) {
        log_guest_error("edu: DMA src 0x%" PRIx64 " dst 0x%" PRIx64 " count 0x%" PRIx64
                        " out of range\n", s->dma_src, s->dma_dst, s->dma_cnt);
    } else if (from_dev) {
        pci_dma_write(&s->pci, ram, s->dma_buf + off, s->dma_cnt);
    } else {
        pci_dma_read(&s->pci, ram, s->dma_buf + off, s->dma_cnt);
    }
    s->dma_cmd &= ~EDU_DMA_RUN;
    if (s->dma_cmd & EDU_DMA_IRQ) {
        s->irq_status |= EDU_IRQ_DMA;
        edu_update_irq(s);
    }
}

static uint64_t *edu_dma_reg(EduState *s, hwaddr addr)
{
    switch (addr & ~7ull) {
    case EDU_REG_DMA_SRC:
        return &s->dma_src;
    case EDU_REG_DMA_DST:
        return &s->dma_dst;
    case EDU_REG_DMA_COUNT:
        return &s->dma_cnt;
    case EDU_REG_DMA_CMD:
        return &s->dma_cmd;
    default:
        return NULL;
    }
}

static bool edu_access_ok(hwaddr addr, unsigned size)
{
    return addr < EDU_REG_DMA_SRC ? size == 4 : (size == 4 || size == 8);
}

static uint64_t edu_read(void *opaque, hwaddr addr, unsigned size)
{
    EduState *s = opaque;
    uint64_t *r;

    if (!edu_access_ok(addr, size))
        return ~0ull;
    switch (addr) {
    case EDU_REG_ID:
        return EDU_ID;
    case EDU_REG_LIVE:
        return ~s->live;
    case EDU_REG_FACT:
        return s->fact;
    case EDU_REG_STATUS:
        return s->status;
    case EDU_REG_IRQ_STATUS:
        return s->irq_status;
    }
    r = addr >= EDU_REG_DMA_SRC ? edu_dma_reg(s, addr) : NULL;
    if (!r)
        return ~0ull;
    return size == 8 ? *r : (uint32_t)(*r >> (addr & 4 ? 32 : 0));
}

static void edu_write_dma(EduState *s, hwaddr addr, uint64_t val, unsigned size)
{
    uint64_t *r = edu_dma_reg(s, addr);

    if (!r)
        return;
    if (r == &s->dma_cmd && (s->dma_cmd & EDU_DMA_RUN))
        return; /* busy */
    if (size == 8)
        *r = val;
    else if (addr & 4)
        *r = (*r & 0xffffffffull) | (val << 32);
    else
        *r = (*r & ~0xffffffffull) | (uint32_t)val;
    if (r == &s->dma_cmd && (val & EDU_DMA_RUN))
        edu_dma_run(s);
}

static void edu_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    EduState *s = opaque;

    if (!edu_access_ok(addr, size)) {
        log_guest_error("edu: %u-byte write at 0x%" PRIx64 " ignored\n", size, addr);
        return;
    }
    switch (addr) {
    case EDU_REG_LIVE:
        s->live = val;
        break;
    case EDU_REG_FACT:
        if (s->status & EDU_STATUS_COMPUTING)
            break;
        s->fact = edu_factorial(val);
        if (s->status & EDU_STATUS_IRQFACT) {
            s->irq_status |= EDU_IRQ_FACT;
            edu_update_irq(s);
        }
        break;
    case EDU_REG_STATUS:
        s->status = (s->status & ~EDU_STATUS_IRQFACT) | (val & EDU_STATUS_IRQFACT);
        break;
    case EDU_REG_IRQ_RAISE:
        s->irq_status |= val;
        edu_update_irq(s);
        break;
    case EDU_REG_IRQ_ACK:
        s->irq_status &= ~val;
        edu_update_irq(s);
        break;
    default:
        if (addr >= EDU_REG_DMA_SRC)
            edu_write_dma(s, addr, val, size);
        break;
    }
}

static const IoOps edu_ops = {
    .read = edu_read,
    .write = edu_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

static bool edu_realize(PCIDevice *d, Error **errp)
{
    EduState *s = (EduState *)d;

    d->config[PCI_INTERRUPT_PIN] = 1; /* INTA# */
    mr_init_io(&s->mmio, "edu-mmio", EDU_BAR_SIZE, &edu_ops, s);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    return true;
}

static void edu_reset(PCIDevice *d)
{
    EduState *s = (EduState *)d;

    s->live = s->fact = s->status = s->irq_status = 0;
    s->dma_src = s->dma_dst = s->dma_cnt = s->dma_cmd = 0;
}

static const Property edu_props[] = {
    DEFINE_PCI_PROPS,
    DEFINE_PROP("dma_mask", PROP_UINT64, EduState, dma_mask, (1ull << 28) - 1,
                "DMA address mask"),
    DEFINE_PROP_END,
};

static const VMStateField edu_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(EduState, pci),
    VMSTATE_FIELD(EduState, live),
    VMSTATE_FIELD(EduState, fact),
    VMSTATE_FIELD(EduState, status),
    VMSTATE_FIELD(EduState, irq_status),
    VMSTATE_FIELD(EduState, dma_src),
    VMSTATE_FIELD(EduState, dma_dst),
    VMSTATE_FIELD(EduState, dma_cnt),
    VMSTATE_FIELD(EduState, dma_cmd),
    VMSTATE_ARRAY(EduState, dma_buf),
    VMSTATE_END,
};

static const VMStateDesc edu_vmstate = {
    .name = TYPE_EDU,
    .version = 1,
    .fields = edu_vmstate_fields,
    .post_load = pci_device_post_load,
};

static PCIDeviceClass edu_class = {
    .parent = {
        .name = TYPE_EDU,
        .desc = "QEMU educational PCI device",
        .category = "misc",
        .instance_size = sizeof(EduState),
        .props = edu_props,
        .user_creatable = true,
        .vmsd = &edu_vmstate,
    },
    .vendor_id = EDU_VENDOR_ID,
    .device_id = EDU_DEVICE_ID,
    .revision = 0x10,
    .class_id = PCI_CLASS_OTHERS,
    .realize = edu_realize,
    .reset = edu_reset,
};
PCI_DEVICE_CLASS(edu_class)
