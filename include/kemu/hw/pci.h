/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus: devices, configuration space, BARs and INTx.
 *
 * A PCI device is a struct whose first member is PCIDevice (itself starting
 * with Device). Its class is a PCIDeviceClass, whose first member is the
 * DeviceClass: the device registers it with PCI_DEVICE_CLASS(), which fills
 * in the generic realize/reset. The generic code owns the 256-byte type 0
 * configuration header: IDs, command/status, BARs (sizing by writing all
 * ones, mapping into the bus's memory and I/O spaces while the command
 * register enables them), the expansion ROM BAR (an option ROM file), the
 * interrupt pin and the capability list. Each config byte has a writable
 * mask (wmask) and a write-1-to-clear mask (w1cmask); everything else is
 * read-only to the guest.
 *
 * A device asserts INTx with pci_set_irq(); the bus maps its pin by its
 * slot onto four PIRQ lines (the board's swizzle: (slot + pin) mod 4 by
 * default as in the PCI-to-PCI Bridge spec 9.1; the i440FX board uses
 * (slot - 1 + pin) mod 4, which SeaBIOS and the ACPI tables assume) and the
 * board (the PIIX3 on a PC) routes those to interrupt controllers.
 *
 * The bus is found with pci_bus_get(). "-device NAME,addr=SLOT[.FN]" places
 * a device (hex, as QEMU: addr=03.0); without addr the first free slot is
 * taken. Reference: PCI Local Bus Specification 3.0, chapter 6
 * (Configuration Space); QEMU's hw/pci/pci.c behaviour.
 */
#ifndef KEMU_HW_PCI_H
#define KEMU_HW_PCI_H

#include "kemu/device.h"
#include "kemu/irq.h"
#include "kemu/memory.h"

/* ---- Configuration space registers (type 0 header) ---- */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_SPECIAL 0x0008
#define PCI_COMMAND_PARITY 0x0040
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_STATUS_66MHZ 0x0020
#define PCI_STATUS_FAST_BACK 0x0080
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define PCI_STATUS_W1C 0xf900 /* parity/abort/SERR error bits */
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST 0x0f
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_SPACE_MEMORY 0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_32 0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_BASE_ADDRESS_MEM_MASK (~0x0fULL)
#define PCI_BASE_ADDRESS_IO_MASK (~0x03ULL)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_ROM_ADDRESS_ENABLE 0x01
#define PCI_ROM_ADDRESS_MASK (~0x7ffULL)
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_MIN_GNT 0x3e
#define PCI_MAX_LAT 0x3f
#define PCI_CONFIG_HEADER_SIZE 0x40
#define PCI_CONFIG_SPACE_SIZE 0x100

/* Capability IDs (PCI 3.0 appendix H) */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/* Vendor / class codes used by the board */
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU 0x1100
#define PCI_CLASS_BRIDGE_HOST 0x0600
#define PCI_CLASS_BRIDGE_ISA 0x0601
#define PCI_CLASS_BRIDGE_OTHER 0x0680

/* Device/function numbers */
#define PCI_DEVFN(slot, fn) ((((slot) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)
#define PCI_DEVFN_AUTO (-1)

#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT 6
#define PCI_NUM_REGIONS 7
#define PCI_NUM_PINS 4 /* INTA# .. INTD# */
#define PCI_BAR_UNMAPPED (~(uint64_t)0)

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

typedef struct PCIIORegion {
    uint64_t size;  /* a power of two; 0 = BAR not implemented */
    uint8_t type;   /* PCI_BASE_ADDRESS_SPACE_IO or MEM_TYPE_xx | PREFETCH bits */
    MemRegion *mr;  /* the device's region, mapped at addr */
    uint64_t addr;  /* current bus address, PCI_BAR_UNMAPPED when not mapped */
} PCIIORegion;

struct PCIDevice {
    Device parent;
    /* Properties */
    char *addr_prop;              /* "addr": "SLOT[.FN]" in hex, NULL = auto */
    char *romfile;                /* "romfile": option ROM file, "" = none */
    bool multifunction;           /* "multifunction": set header bit 7 */
    bool rombar;                  /* "rombar": expose the ROM through the ROM BAR */
    /* State */
    PCIBus *bus;
    int devfn;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];  /* guest-visible configuration space */
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];   /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE]; /* bits a guest 1 clears */
    uint8_t cmask[PCI_CONFIG_SPACE_SIZE];   /* bytes in use (capability allocator) */
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int irq_state;                /* level the device drives on its INTx pin */
    bool irq_out;                 /* level the bus counts for it (after INTX_DISABLE) */
    MemRegion rom;                /* option ROM, when loaded */
    bool has_rom;
};

typedef struct PCIDeviceClass {
    DeviceClass parent;           /* filled by the device; realize/reset set by
                                     pci_device_class_init() */
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;            /* base class << 8 | subclass */
    uint8_t prog_if;
    uint16_t subsystem_vendor_id; /* 0: none */
    uint16_t subsystem_id;
    uint8_t header_type;          /* 0 (multifunction bit is generic) */
    const char *romfile;          /* default option ROM, NULL = none */
    /* Device hooks (any may be NULL) */
    bool (*realize)(PCIDevice *d, Error **errp);
    void (*reset)(PCIDevice *d);  /* after the generic reset of the header */
    uint32_t (*config_read)(PCIDevice *d, uint32_t addr, int len);
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val, int len);
} PCIDeviceClass;

/* Register a PCI device class (a static PCIDeviceClass). Sets
 * parent.bus = "pci" and the generic realize/reset before registering. */
void pci_device_class_register(PCIDeviceClass *pc);
#define PCI_DEVICE_CLASS(pc)                                                                       \
    static void KEMU_CONSTRUCTOR pc##_register(void) { pci_device_class_register(&(pc)); }

/* The common PCI properties, for a device's own property table (PCIDevice
 * is the first member of every PCI device, so the offsets hold for all):
 *   static const Property my_props[] = { DEFINE_PCI_PROPS, ..., DEFINE_PROP_END };
 * pci_device_props is the table for devices with no properties of their own. */
#define DEFINE_PCI_PROPS                                                                           \
    DEFINE_PROP_STRING("addr", PCIDevice, addr_prop, "Slot and function number (hex: 03.0)"),     \
    DEFINE_PROP_STRING("romfile", PCIDevice, romfile, "Option ROM file"),                         \
    DEFINE_PROP("multifunction", PROP_BOOL, PCIDevice, multifunction, 0,                           \
                "Set the multi-function bit of the header"),                                       \
    DEFINE_PROP("rombar", PROP_BOOL, PCIDevice, rombar, 1, "Expose the option ROM BAR")
extern const Property pci_device_props[];

/* Savestate: the config space (device vmsd tables include it). After loading,
 * call pci_device_post_load() to remap BARs and resend INTx. */
#define VMSTATE_PCI_DEVICE(_state, _pci) VMSTATE_ARRAY(_state, _pci.config), \
    VMSTATE_FIELD(_state, _pci.irq_state)
int pci_device_post_load(Device *dev);

/* ---- The bus ---- */

struct PCIBus {
    MemRegion *mem_space;   /* where memory BARs are mapped */
    MemRegion *io_space;    /* where I/O BARs are mapped */
    AddressSpace *dma_as;   /* what bus-master DMA reaches */
    PCIDevice *devices[256];  /* by devfn */
    IrqLine *pirq[PCI_NUM_PINS];  /* board sinks for PIRQA#..PIRQD# */
    int pirq_count[PCI_NUM_PINS]; /* asserted INTx pins per PIRQ line */
    /* PIRQ line (0-3) of pin (0 = INTA#) of the device at devfn */
    int (*map_irq)(int devfn, int pin);
    uint32_t config_addr;   /* CONFIG_ADDRESS (0xcf8) */
    MemRegion addr_mr, data_mr;
    /* Byte accesses to 0xcf9, which the PIIX3 decodes as its reset control
     * register: the index register at 0xcf8 only takes dword accesses, so
     * the two share one port region (see pci_host.c). */
    uint64_t (*cf9_read)(void *opaque);
    void (*cf9_write)(void *opaque, uint8_t val);
    void *cf9_opaque;
};

/* Create the bus; BARs map into mem_space/io_space, DMA goes to dma_as. */
PCIBus *pci_bus_new(MemRegion *mem_space, MemRegion *io_space, AddressSpace *dma_as);
/* The machine's PCI bus (NULL on a machine without one). */
PCIBus *pci_bus_get(void);
void pci_bus_set(PCIBus *bus);
/* Board: connect PIRQ line n (0-3) to a sink. */
void pci_bus_set_pirq(PCIBus *bus, int n, IrqLine *line);
/* Level of PIRQ line n (any device asserting it). */
int pci_bus_get_pirq_level(PCIBus *bus, int n);
/* The PIRQ line (0-3) that pin (0 = INTA#) of the device at devfn reaches. */
int pci_bus_map_irq(PCIBus *bus, int devfn, int pin);

/* Configuration mechanism #1: CONFIG_ADDRESS at iobase (0xcf8, dword only)
 * and CONFIG_DATA at iobase + 4 (0xcfc-0xcff, 1/2/4 bytes). */
void pci_host_init_ports(PCIBus *bus, uint16_t iobase);
/* Byte accesses to iobase + 1 (0xcf9) go to these handlers (PIIX3 RCR). */
void pci_host_set_cf9_handler(PCIBus *bus, uint64_t (*read)(void *opaque),
                              void (*write)(void *opaque, uint8_t val), void *opaque);
/* Configuration access by bus-relative address (bus 0 only), as the data
 * port does: devfn, register offset, length 1/2/4 within one dword. Absent
 * devices read all ones. */
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len);
void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, int len);

/* ---- Creating devices (board code) ---- */

/* Create, place at devfn (PCI_DEVFN_AUTO: first free slot) and realize, or
 * exit(1) with the error. */
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *name);
PCIDevice *pci_find_device(PCIBus *bus, int devfn);

/* ---- Device side ---- */

static inline const PCIDeviceClass *pci_device_class(const PCIDevice *d)
{
    return container_of(d->parent.cls, PCIDeviceClass, parent);
}

/* Register BAR n (0-5, or PCI_ROM_SLOT) backed by mr (size: a power of two,
 * at least 16 bytes for memory, 4 for I/O). type: PCI_BASE_ADDRESS_SPACE_IO,
 * or PCI_BASE_ADDRESS_SPACE_MEMORY | MEM_TYPE_32/64 [| MEM_PREFETCH]. A
 * 64-bit BAR also takes BAR n+1. */
void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemRegion *mr);
/* Current bus address of BAR n, or PCI_BAR_UNMAPPED. */
uint64_t pci_get_bar_addr(PCIDevice *d, int n);
/* Re-evaluate the BAR mappings (after a config change a device made itself). */
void pci_update_mappings(PCIDevice *d);

/* Drive the device's INTx pin (the one in PCI_INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *d, int level);
static inline void pci_irq_assert(PCIDevice *d) { pci_set_irq(d, 1); }
static inline void pci_irq_deassert(PCIDevice *d) { pci_set_irq(d, 0); }

/* Add a capability of size bytes with id; offset 0 picks free space at or
 * above 0x40. Returns the offset, or 0 with errp set when it does not fit. */
int pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size, Error **errp);
/* Offset of the first capability with id, or 0. */
uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id);

/* The default config handlers (devices with hooks call these first). */
uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len);
/* Does the access [addr, addr + len) touch [reg, reg + size)? */
static inline bool pci_range_touches(uint32_t addr, int len, uint32_t reg, uint32_t size)
{
    return addr < reg + size && reg < addr + (uint32_t)len;
}

/* DMA as a bus master (only while PCI_COMMAND_MASTER is set; otherwise reads
 * give all ones and writes are dropped, as in QEMU). */
MemTxResult pci_dma_read(PCIDevice *d, uint64_t addr, void *buf, uint64_t len);
MemTxResult pci_dma_write(PCIDevice *d, uint64_t addr, const void *buf, uint64_t len);

/* Little-endian config field helpers. */
static inline void pci_set_byte(uint8_t *p, uint8_t v) { *p = v; }
static inline void pci_set_word(uint8_t *p, uint16_t v) { stw_le(p, v); }
static inline void pci_set_long(uint8_t *p, uint32_t v) { stl_le(p, v); }
static inline void pci_set_quad(uint8_t *p, uint64_t v) { stq_le(p, v); }
static inline uint8_t pci_get_byte(const uint8_t *p) { return *p; }
static inline uint16_t pci_get_word(const uint8_t *p) { return ldw_le(p); }
static inline uint32_t pci_get_long(const uint8_t *p) { return ldl_le(p); }
static inline uint64_t pci_get_quad(const uint8_t *p) { return ldq_le(p); }

#endif
