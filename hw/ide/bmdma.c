/* SPDX-License-Identifier: MIT */
/*
 * Bus-master IDE (SFF-8038i rev 1.0): one engine per channel.
 *
 * Registers, 8 bytes per channel in BAR4:
 *   +0 command: bit 0 Start/Stop Bus Master, bit 3 Read/Write Control
 *      (1: the bus master writes memory, i.e. a device read)
 *   +2 status: bit 0 Active (RO), bit 1 Error and bit 2 Interrupt (write 1
 *      to clear), bits 5/6 drive 0/1 DMA capable (RW), bit 7 simplex (0)
 *   +4 descriptor table pointer (dword aligned: bits 1:0 read 0)
 *
 * The table holds 8-byte Physical Region Descriptors: a 32-bit memory
 * address (bit 0 ignored), a byte count in bits 15:0 of the second dword
 * (bit 0 ignored, 0 means 64 KiB) and EOT in bit 31. Setting Start loads
 * the table pointer and sets Active; the device then pulls regions as it
 * moves data. Every descriptor is read through the PCI bus master path
 * (nothing with Bus Master Enable off), and the table may not leave the
 * 64 KiB-aligned block it starts in (SFF-8038i 2.1.4: "The descriptor
 * table must not cross a 64K boundary"): a walk past it, or a memory
 * error, sets Error and clears Active, so neither an oversized nor a
 * never-ending table can run away.
 *
 * Completion (SFF-8038i table 2.3): the device's interrupt sets the
 * Interrupt bit; Active clears when the table is used up exactly, stays
 * set when regions remain; a table shorter than the transfer clears
 * Active without an interrupt.
 */
#include "ide-internal.h"

#define BM_TABLE_BLOCK 0x10000u

void bmdma_init(BMDMAState *bm, IDEBus *bus, PCIDevice *pci)
{
    bm->bus = bus;
    bm->pci = pci;
    bmdma_reset(bm);
}

void bmdma_reset(BMDMAState *bm)
{
    bm->cmd = 0;
    bm->status = 0;
    bm->addr = 0;
    bm->cur_prd = bm->cur_addr = bm->cur_left = 0;
    bm->prd_last = 0;
}

bool bmdma_started(BMDMAState *bm)
{
    return (bm->cmd & BM_CMD_START) && (bm->status & BM_STAT_ACTIVE);
}

static void bmdma_fault(BMDMAState *bm, const char *why)
{
    log_guest_error("ide: %s: bus master error: %s\n", bm->bus->name, why);
    bm->status = (bm->status | BM_STAT_ERROR) & ~BM_STAT_ACTIVE;
}

/* Load the next descriptor; false (Error set) when the table is bad. */
static bool bmdma_next_prd(BMDMAState *bm)
{
    uint8_t prd[8];
    uint32_t count;

    if ((bm->cur_prd & ~(BM_TABLE_BLOCK - 1)) != (bm->addr & ~(BM_TABLE_BLOCK - 1))) {
        bmdma_fault(bm, "descriptor table runs past its 64 KiB block");
        return false;
    }
    if (pci_dma_read(bm->pci, bm->cur_prd, prd, sizeof(prd)) != MEMTX_OK) {
        bmdma_fault(bm, "descriptor table unreadable");
        return false;
    }
    count = ldw_le(prd + 4) & 0xfffe;
    bm->cur_addr = ldl_le(prd) & ~1u;
    bm->cur_left = count ? count : 0x10000;
    bm->prd_last = prd[7] & 0x80;
    bm->cur_prd += sizeof(prd);
    return true;
}

BMDMAResult bmdma_rw(BMDMAState *bm, uint8_t *buf, uint32_t len, bool to_memory)
{
    while (len) {
        uint32_t n;
        MemTxResult r;

        if (!bm->cur_left) {
            if (bm->prd_last)
                return BMDMA_SHORT;
            if (!bmdma_next_prd(bm))
                return BMDMA_FAULT;
        }
        n = MIN(len, bm->cur_left);
        r = to_memory ? pci_dma_write(bm->pci, bm->cur_addr, buf, n)
                      : pci_dma_read(bm->pci, bm->cur_addr, buf, n);
        if (r != MEMTX_OK) {
            bmdma_fault(bm, "memory access failed");
            return BMDMA_FAULT;
        }
        bm->cur_addr += n;
        bm->cur_left -= n;
        buf += n;
        len -= n;
    }
    return BMDMA_OK;
}

void bmdma_transfer_end(BMDMAState *bm)
{
    if (!bm->cur_left && bm->prd_last)
        bm->status &= ~BM_STAT_ACTIVE;
}

void bmdma_transfer_short(BMDMAState *bm)
{
    bm->status &= ~BM_STAT_ACTIVE;
}

void bmdma_irq(BMDMAState *bm)
{
    bm->status |= BM_STAT_INTR;
}

uint64_t bmdma_read(BMDMAState *bm, hwaddr addr)
{
    switch (addr) {
    case 0:
        return bm->cmd;
    case 2:
        return bm->status;
    case 4 ... 7:
        return (bm->addr >> (8 * (addr - 4))) & 0xff;
    default:
        return 0; /* device-specific / reserved */
    }
}

static void bmdma_write_cmd(BMDMAState *bm, uint8_t val)
{
    bool was = bm->cmd & BM_CMD_START, now = val & BM_CMD_START;

    if (was && (val ^ bm->cmd) & BM_CMD_TO_MEMORY)
        log_guest_error("ide: %s: direction changed while the bus master runs\n", bm->bus->name);
    bm->cmd = val & (BM_CMD_START | BM_CMD_TO_MEMORY);
    if (!was && now) {
        bm->status |= BM_STAT_ACTIVE;
        bm->cur_prd = bm->addr;
        bm->cur_left = 0;
        bm->prd_last = 0;
        ide_bus_kick_dma(bm->bus);
    } else if (was && !now) {
        bm->status &= ~BM_STAT_ACTIVE;
    }
}

void bmdma_write(BMDMAState *bm, hwaddr addr, uint8_t val)
{
    unsigned shift;

    switch (addr) {
    case 0:
        bmdma_write_cmd(bm, val);
        break;
    case 2:
        bm->status = (bm->status & ~(BM_STAT_DRV0_DMA | BM_STAT_DRV1_DMA)) |
                     (val & (BM_STAT_DRV0_DMA | BM_STAT_DRV1_DMA));
        bm->status &= ~(val & (BM_STAT_ERROR | BM_STAT_INTR));
        break;
    case 4 ... 7:
        shift = 8 * (unsigned)(addr - 4);
        bm->addr = (bm->addr & ~(0xffu << shift)) | (uint32_t)val << shift;
        bm->addr &= ~3u;
        break;
    }
}
