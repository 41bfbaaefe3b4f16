/* SPDX-License-Identifier: MIT */
/*
 * "pci-testdev": a PCI device for testing low-level I/O and BAR handling.
 *
 * As in QEMU's spec (docs/specs/pci-testdev.rst): PCI 1b36:0005, BAR0 is
 * memory (4 KiB), BAR1 is I/O (256 bytes), and BAR2, present only with
 * membar=SIZE (a power of two), is a 64-bit prefetchable memory BAR with no
 * backing storage (reads 0, writes vanish). BAR0 and BAR1 start with the
 * header
 *     u8 test (write-only: selects a test), u8 width_type, u8 pad[2],
 *     u32 offset, u32 data, u32 count, char name[]
 * (little-endian). For test n the guest writes data with the access width
 * width_type at offset in the same BAR; each such write bumps count.
 * kemu's tests are the three access widths: 0 = byte, 1 = word, 2 = long
 * (offsets 0x40, 0x48, 0x50); width_type 0xff marks the end of the list.
 * The test numbering and data are kemu's own: guests are meant to discover
 * them from the header, as the spec says.
 */
#include <inttypes.h>

#include "kemu/hw/pci.h"
#include "kemu/log.h"

#define TYPE_PCI_TESTDEV "pci-testdev"
#define PCI_VENDOR_ID_REDHAT 0x1b36
#define PCI_DEVICE_ID_REDHAT_TEST 0x0005
#define PCI_CLASS_OTHERS 0x00ff

#define TESTDEV_MEM_SIZE 0x1000
#define TESTDEV_IO_SIZE 0x100
#define TESTDEV_NR_TESTS 3
#define TESTDEV_HDR_SIZE 0x20
#define TESTDEV_TEST_BASE 0x40
#define TESTDEV_DATA 0xfacefeedu
#define TESTDEV_NOT_SUPPORTED 0xff

typedef struct TestBar {
    uint8_t test;                 /* selected test */
    uint32_t count;               /* matching writes seen */
    MemRegion mr;
} TestBar;

typedef struct PCITestDevState {
    PCIDevice pci;
    uint64_t membar;              /* property: BAR2 size, 0 = none */
    TestBar bar[2];               /* BAR0 (memory), BAR1 (I/O) */
    MemRegion membar_mr;
} PCITestDevState;

static const char *const testdev_names[TESTDEV_NR_TESTS] = { "byte", "word", "long" };

static unsigned testdev_width(uint8_t test)
{
    return test < TESTDEV_NR_TESTS ? 1u << test : 0;
}

/* The header of bar as bytes, for the test it has selected. */
static void testdev_header(const TestBar *b, uint8_t *h)
{
    unsigned w = testdev_width(b->test);

    memset(h, 0, TESTDEV_HDR_SIZE);
    h[0] = b->test;
    h[1] = w ? w : TESTDEV_NOT_SUPPORTED;
    if (w) {
        stl_le(h + 4, TESTDEV_TEST_BASE + 8 * b->test);
        stl_le(h + 8, TESTDEV_DATA & (w == 4 ? ~0u : (1u << (8 * w)) - 1));
        snprintf((char *)h + 16, TESTDEV_HDR_SIZE - 16, "%s", testdev_names[b->test]);
    }
    stl_le(h + 12, b->count);
}

static uint64_t testdev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestBar *b = opaque;
    uint8_t h[TESTDEV_HDR_SIZE + 8];

    if (addr >= TESTDEV_HDR_SIZE)
        return 0;
    testdev_header(b, h);
    return ldn_le(h + addr, size);
}

static void testdev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestBar *b = opaque;
    unsigned w = testdev_width(b->test);

    if (addr == 0 && size == 1) {
        b->test = val;
        return;
    }
    if (w && size == w && addr == TESTDEV_TEST_BASE + 8u * b->test &&
        val == (TESTDEV_DATA & (w == 4 ? ~0u : (1u << (8 * w)) - 1)))
        b->count++;
}

static const IoOps testdev_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static const IoOps testdev_membar_ops = {
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

static bool testdev_realize(PCIDevice *d, Error **errp)
{
    PCITestDevState *s = (PCITestDevState *)d;

    if (s->membar && (s->membar & (s->membar - 1) || s->membar < 16)) {
        error_setg(errp, "pci-testdev: membar size 0x%" PRIx64 " is not a power of two >= 16",
                   s->membar);
        return false;
    }
    mr_init_io(&s->bar[0].mr, "pci-testdev-mmio", TESTDEV_MEM_SIZE, &testdev_ops, &s->bar[0]);
    mr_init_io(&s->bar[1].mr, "pci-testdev-portio", TESTDEV_IO_SIZE, &testdev_ops, &s->bar[1]);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->bar[0].mr);
    pci_register_bar(d, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->bar[1].mr);
    if (s->membar) {
        mr_init_io(&s->membar_mr, "pci-testdev-membar", s->membar, &testdev_membar_ops, s);
        pci_register_bar(d, 2,
                         PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64 |
                             PCI_BASE_ADDRESS_MEM_PREFETCH,
                         &s->membar_mr);
    }
    return true;
}

static void testdev_reset(PCIDevice *d)
{
    PCITestDevState *s = (PCITestDevState *)d;

    for (int i = 0; i < 2; i++) {
        s->bar[i].test = 0;
        s->bar[i].count = 0;
    }
}

static const Property testdev_props[] = {
    DEFINE_PCI_PROPS,
    DEFINE_PROP("membar", PROP_SIZE, PCITestDevState, membar, 0,
                "Size of the 64-bit BAR2 (0: none)"),
    DEFINE_PROP_END,
};

static const VMStateField testdev_vmstate_fields[] = {
    VMSTATE_PCI_DEVICE(PCITestDevState, pci),
    VMSTATE_FIELD(PCITestDevState, bar[0].test),
    VMSTATE_FIELD(PCITestDevState, bar[0].count),
    VMSTATE_FIELD(PCITestDevState, bar[1].test),
    VMSTATE_FIELD(PCITestDevState, bar[1].count),
    VMSTATE_END,
};

static const VMStateDesc testdev_vmstate = {
    .name = TYPE_PCI_TESTDEV,
    .version = 1,
    .fields = testdev_vmstate_fields,
    .post_load = pci_device_post_load,
};

static PCIDeviceClass testdev_class = {
    .parent = {
        .name = TYPE_PCI_TESTDEV,
        .desc = "PCI Test Device",
        .category = "misc",
        .instance_size = sizeof(PCITestDevState),
        .props = testdev_props,
        .user_creatable = true,
        .vmsd = &testdev_vmstate,
    },
    .vendor_id = PCI_VENDOR_ID_REDHAT,
    .device_id = PCI_DEVICE_ID_REDHAT_TEST,
    .class_id = PCI_CLASS_OTHERS,
    .realize = testdev_realize,
    .reset = testdev_reset,
};
PCI_DEVICE_CLASS(testdev_class)
