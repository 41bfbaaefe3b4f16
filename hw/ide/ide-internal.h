/* SPDX-License-Identifier: MIT */
/*
 * IDE internals shared by the register file, the ATA and ATAPI command
 * sets, the bus-master engine and the PIIX3 function.
 *
 * An IDEBus is one channel: two IDEStates (master, slave), the device
 * control register, the selected unit and the INTRQ line. Each drive keeps
 * its own copy of the task file (every write goes to both drives, reads
 * come from the selected one, as ATA/ATAPI-6 section 5.2 describes), its
 * PIO data buffer and the state of the command in progress. Commands run
 * to completion synchronously: BSY is never seen by the guest between a
 * command write and its data/interrupt phase.
 *
 * What happens when the PIO buffer has been read or written by the host
 * is named by an IDEEnd value rather than a function pointer, so that the
 * whole state can be saved. References: ATA/ATAPI-6 (T13/1410D),
 * SFF-8038i (bus-master IDE), MMC-3/SPC-3 (ATAPI packets).
 */
#ifndef KEMU_HW_IDE_INTERNAL_H
#define KEMU_HW_IDE_INTERNAL_H

#include "kemu/hw/ide.h"
#include "kemu/log.h"

/* Status register (ATA/ATAPI-6 7.15.6) */
#define ATA_STAT_BSY 0x80
#define ATA_STAT_DRDY 0x40
#define ATA_STAT_DF 0x20
#define ATA_STAT_DSC 0x10
#define ATA_STAT_DRQ 0x08
#define ATA_STAT_ERR 0x01
/* Error register (7.9) */
#define ATA_ERR_UNC 0x40
#define ATA_ERR_IDNF 0x10
#define ATA_ERR_ABRT 0x04
/* Device register (7.10) */
#define ATA_DEV_OBS 0xa0
#define ATA_DEV_LBA 0x40
#define ATA_DEV_DEV 0x10
#define ATA_DEV_HEAD 0x0f
/* Device control register (7.8) */
#define ATA_CTL_NIEN 0x02
#define ATA_CTL_SRST 0x04
#define ATA_CTL_HOB 0x80
/* ATAPI interrupt reason, in the sector count register (8.21) */
#define ATAPI_INT_CD 0x01
#define ATAPI_INT_IO 0x02

#define IDE_SECTOR_SIZE 512
#define IDE_MAX_MULT 16
#define IDE_BUF_SIZE (64 * 1024)
#define ATAPI_SECTOR_SIZE 2048
#define ATAPI_RAW_SECTOR_SIZE 2352
#define ATAPI_PACKET_SIZE 12
#define ATA_LBA28_MAX 0x0fffffffULL

/* ATA command opcodes (ATA/ATAPI-6 chapter 8, table B.2) */
enum {
    ATA_NOP = 0x00,
    ATA_DEVICE_RESET = 0x08,
    ATA_RECALIBRATE = 0x10,
    ATA_READ_SECTORS = 0x20,
    ATA_READ_SECTORS_NORETRY = 0x21,
    ATA_READ_SECTORS_EXT = 0x24,
    ATA_READ_DMA_EXT = 0x25,
    ATA_READ_MULTIPLE_EXT = 0x29,
    ATA_WRITE_SECTORS = 0x30,
    ATA_WRITE_SECTORS_NORETRY = 0x31,
    ATA_WRITE_SECTORS_EXT = 0x34,
    ATA_WRITE_DMA_EXT = 0x35,
    ATA_WRITE_MULTIPLE_EXT = 0x39,
    ATA_WRITE_VERIFY = 0x3c,
    ATA_READ_VERIFY = 0x40,
    ATA_READ_VERIFY_NORETRY = 0x41,
    ATA_READ_VERIFY_EXT = 0x42,
    ATA_SEEK = 0x70,
    ATA_EXECUTE_DIAGNOSTIC = 0x90,
    ATA_INITIALIZE_PARAMS = 0x91,
    ATA_PACKET = 0xa0,
    ATA_IDENTIFY_PACKET = 0xa1,
    ATA_READ_MULTIPLE = 0xc4,
    ATA_WRITE_MULTIPLE = 0xc5,
    ATA_SET_MULTIPLE = 0xc6,
    ATA_READ_DMA = 0xc8,
    ATA_READ_DMA_NORETRY = 0xc9,
    ATA_WRITE_DMA = 0xca,
    ATA_WRITE_DMA_NORETRY = 0xcb,
    ATA_STANDBY_IMMEDIATE = 0xe0,
    ATA_IDLE_IMMEDIATE = 0xe1,
    ATA_STANDBY = 0xe2,
    ATA_IDLE = 0xe3,
    ATA_CHECK_POWER_MODE = 0xe5,
    ATA_SLEEP = 0xe6,
    ATA_FLUSH_CACHE = 0xe7,
    ATA_FLUSH_CACHE_EXT = 0xea,
    ATA_IDENTIFY = 0xec,
    ATA_SET_FEATURES = 0xef,
};

typedef enum IDEDriveKind { IDE_NONE, IDE_HD, IDE_CD } IDEDriveKind;

/* The BIOS's CHS translation of a disk, as CMOS 0x39 encodes it. */
typedef enum IDEBiosTranslation {
    IDE_TRANS_NONE = 0,
    IDE_TRANS_LBA = 1,
    IDE_TRANS_LARGE = 2,
} IDEBiosTranslation;

/* What to do once the host has emptied / filled the PIO buffer. */
typedef enum IDEEnd {
    IDE_END_NONE,        /* last block of data-in: back to idle */
    IDE_END_ATA_READ,    /* load the next block of a PIO read */
    IDE_END_ATA_WRITE,   /* write the block, then ask for the next one */
    IDE_END_ATAPI_CMD,   /* the 12-byte packet has arrived */
    IDE_END_ATAPI_DATA,  /* next DRQ block of a packet command's data */
} IDEEnd;

/* A DMA command waiting for (or running on) the bus master. */
typedef enum IDEDmaCmd {
    IDE_DMA_NONE,
    IDE_DMA_ATA_READ,    /* device -> memory */
    IDE_DMA_ATA_WRITE,   /* memory -> device */
    IDE_DMA_ATAPI,       /* packet command data-in */
} IDEDmaCmd;

typedef struct IDEState IDEState;
typedef struct BMDMAState BMDMAState;

struct IDEState {
    IDEBus *bus;
    int unit;
    IDEDriveKind kind;
    BlockBackend *blk;
    char serial[21];            /* identification strings (space padded) */
    char model[41];
    char fw_rev[9];
    uint64_t nb_sectors;        /* HD: 512-byte sectors */
    uint16_t cyls, heads, secs; /* HD: default geometry */
    uint8_t bios_trans;         /* HD: IDEBiosTranslation for the BIOS */

    /* Task file (this drive's copy) */
    uint8_t feature, nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t select;             /* device register */
    uint8_t status;
    uint8_t error;
    uint8_t irq_pending;        /* INTRQ pending (cleared by a status read) */

    /* Settings */
    uint16_t cur_cyls, cur_heads, cur_secs; /* INITIALIZE DEVICE PARAMETERS */
    uint8_t mult_sectors;       /* SET MULTIPLE MODE (0: disabled) */
    uint8_t write_cache;        /* SET FEATURES 02h/82h */
    uint8_t xfer_mode;          /* SET FEATURES 03h: 0x08|n PIO, 0x20|n MWDMA, 0x40|n UDMA */
    uint8_t standby;            /* power mode: 1 standby, 0 active/idle */

    /* Command in progress */
    uint8_t cmd;
    uint8_t lba48;              /* the command is an EXT one */
    uint8_t end;                /* IDEEnd */
    uint8_t dma_cmd;            /* IDEDmaCmd */
    uint64_t sector_num;        /* next sector of a read/write */
    uint32_t nsector_left;      /* sectors still to transfer */
    uint32_t req_sectors;       /* sectors per DRQ block */
    uint32_t data_ptr, data_end; /* PIO window in io_buffer */
    uint8_t pio_out;            /* 1: data flows device -> host */

    /* ATAPI */
    uint8_t packet[ATAPI_PACKET_SIZE];
    uint8_t sense_key, asc, ascq;
    uint8_t tray_open, tray_locked;
    uint8_t media_event;        /* GESN media event code pending (0: none) */
    int64_t atapi_lba;          /* next sector of a read, -1: reply in io_buffer */
    uint64_t atapi_left;        /* bytes of the command's data still to send */
    uint16_t atapi_bcl;         /* byte count limit given with the packet */
    uint32_t atapi_pos;         /* reply: offset in io_buffer; read: offset in the sector */
    uint32_t atapi_sector_size; /* bytes per sector sent: 2048 or 2352 */
    uint8_t atapi_dma;          /* packet command uses DMA */

    uint8_t io_buffer[IDE_BUF_SIZE];
    uint8_t cd_sector[ATAPI_RAW_SECTOR_SIZE]; /* one sector as sent (cache) */
    int64_t cd_sector_lba;      /* LBA held in cd_sector, -1 when none */
};

struct IDEBus {
    IDEState ifs[2];
    char name[16];              /* "ide.0", ... */
    uint8_t cmd;                /* device control register */
    uint8_t unit;               /* selected drive (device register DEV) */
    uint8_t irq_level;          /* level driven on the INTRQ line */
    IrqLine *irq;
    BMDMAState *bm;             /* bus master, or NULL */
    IDEBus *next;               /* all buses, for ide_bus_find() */
};

/* ---- core.c: register file, transfers, interrupts ---- */
void ide_bus_init(IDEBus *bus, IrqLine *irq, BMDMAState *bm);
void ide_bus_reset(IDEBus *bus);
void ide_bus_update_irq(IDEBus *bus);
uint64_t ide_ioport_read(IDEBus *bus, hwaddr addr, unsigned size);
void ide_ioport_write(IDEBus *bus, hwaddr addr, uint64_t val, unsigned size);
uint8_t ide_status_read(IDEBus *bus);
void ide_ctrl_write(IDEBus *bus, uint8_t val);
bool ide_drive_present(IDEState *s);
void ide_set_irq(IDEState *s);
void ide_cmd_done(IDEState *s);
void ide_abort(IDEState *s);
void ide_set_signature(IDEState *s);
void ide_drive_reset(IDEState *s, bool power_on);
/* Start a PIO data phase over io_buffer[start, start + len). */
void ide_pio_start(IDEState *s, uint32_t start, uint32_t len, bool out, IDEEnd end);
/* Start a DMA command: runs now if the bus master is started, else when it starts. */
void ide_dma_start(IDEState *s, IDEDmaCmd cmd);
void ide_bus_kick_dma(IDEBus *bus);
/* Put identification strings into IDENTIFY data (byte-swapped words). */
void ide_put_string(uint8_t *words, const char *str, int len);

/* ---- ata.c: the ATA command set ---- */
void ata_exec_cmd(IDEState *s, uint8_t cmd);
void ata_pio_end(IDEState *s);
/* Runs the bus-master part of an ATA DMA command. */
void ata_dma_run(IDEState *s);
void ata_identify_fill(IDEState *s, uint8_t *buf);
void ata_identify_packet_fill(IDEState *s, uint8_t *buf);
void ata_set_sector(IDEState *s, uint64_t sector);

/* ---- atapi.c: packet commands ---- */
void atapi_packet_start(IDEState *s);
void atapi_pio_end(IDEState *s);
void atapi_dma_run(IDEState *s);
void atapi_media_changed(IDEState *s, bool load);
uint64_t atapi_nb_sectors(IDEState *s);

/* ---- bmdma.c: SFF-8038i bus master ---- */
typedef enum BMDMAResult {
    BMDMA_OK,       /* the whole buffer moved */
    BMDMA_SHORT,    /* the PRD table ended first */
    BMDMA_FAULT,    /* bad table or memory error: the Error bit is set */
} BMDMAResult;

struct BMDMAState {
    uint8_t cmd;                /* command register */
    uint8_t status;             /* status register */
    uint32_t addr;              /* descriptor table pointer */
    uint32_t cur_prd;           /* address of the next descriptor */
    uint32_t cur_addr;          /* memory address in the current region */
    uint32_t cur_left;          /* bytes left in the current region */
    uint8_t prd_last;           /* the current region carries EOT */
    IDEBus *bus;
    PCIDevice *pci;
};

#define BM_CMD_START 0x01
#define BM_CMD_TO_MEMORY 0x08   /* "read/write control": 1 = bus master writes memory */
#define BM_STAT_ACTIVE 0x01
#define BM_STAT_ERROR 0x02
#define BM_STAT_INTR 0x04
#define BM_STAT_DRV0_DMA 0x20
#define BM_STAT_DRV1_DMA 0x40
#define BM_STAT_SIMPLEX 0x80

void bmdma_init(BMDMAState *bm, IDEBus *bus, PCIDevice *pci);
void bmdma_reset(BMDMAState *bm);
bool bmdma_started(BMDMAState *bm);
BMDMAResult bmdma_rw(BMDMAState *bm, uint8_t *buf, uint32_t len, bool to_memory);
/* The device finished its transfer: Active drops if the table is used up. */
void bmdma_transfer_end(BMDMAState *bm);
/* The PRD table ran out before the device's data (Active drops, no interrupt). */
void bmdma_transfer_short(BMDMAState *bm);
void bmdma_irq(BMDMAState *bm);
uint64_t bmdma_read(BMDMAState *bm, hwaddr addr);
void bmdma_write(BMDMAState *bm, hwaddr addr, uint8_t val);

/* ---- hd-geometry.c ---- */
/* QEMU's default geometry of a disk of total sectors (from its partition
 * table if any) and the BIOS translation that goes with it. */
IDEBiosTranslation hd_geometry_guess(BlockBackend *blk, uint64_t total, int *cyls, int *heads,
                                     int *secs);

/* ---- ide-dev.c ---- */
bool ide_drive_init(IDEState *s, BlockBackend *blk, bool cdrom, Error **errp);

#endif
