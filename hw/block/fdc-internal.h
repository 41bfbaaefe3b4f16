/* SPDX-License-Identifier: MIT */
/*
 * Floppy controller internals shared by the register file (fdc.c), the
 * command set (fdc-cmds.c) and the drives (fdc-drive.c).
 *
 * The controller moves through three phases (82078 datasheet 5.0,
 * "Controller Phases"): command (bytes into cmd[]), execution (sector data
 * through fifo[], by DMA or PIO) and result (status bytes out of fifo[]).
 * Every index into cmd[] and fifo[] is checked against the array size on
 * each access: whatever the guest writes or reads in whatever phase, the
 * position cannot leave the buffers (the CVE-2015-3456 "VENOM" overflow
 * came from a command whose byte counter was never reset).
 */
#ifndef KEMU_HW_FDC_INTERNAL_H
#define KEMU_HW_FDC_INTERNAL_H

#include "kemu/hw/fdc.h"
#include "kemu/log.h"
#include "kemu/memory.h"

#define FD_SECTOR_LEN 512
#define FD_CMD_MAX 16
#define FD_RESET_SENSEI_COUNT 4

/* Registers (offsets from 0x3f0) */
#define FD_REG_SRA 0
#define FD_REG_SRB 1
#define FD_REG_DOR 2
#define FD_REG_TDR 3
#define FD_REG_MSR 4   /* read; DSR on write */
#define FD_REG_FIFO 5
#define FD_REG_DIR 7   /* read; CCR on write */

/* Digital output register */
#define FD_DOR_SELMASK 0x03
#define FD_DOR_NRESET 0x04
#define FD_DOR_DMAGATE 0x08
#define FD_DOR_MOTEN0 0x10
#define FD_DOR_MOTEN1 0x20
/* Main status register */
#define FD_MSR_DRV_BUSY 0x0f
#define FD_MSR_CMDBUSY 0x10
#define FD_MSR_NONDMA 0x20
#define FD_MSR_DIO 0x40
#define FD_MSR_RQM 0x80
/* Data rate select register */
#define FD_DSR_RATEMASK 0x03
#define FD_DSR_PWRDOWN 0x40
#define FD_DSR_SWRESET 0x80
/* Digital input register */
#define FD_DIR_DSKCHG 0x80
/* Status register A */
#define FD_SRA_NDRV2 0x40
#define FD_SRA_INTPEND 0x80

/* ST0 */
#define FD_ST0_DS_MASK 0x03
#define FD_ST0_HEAD 0x04
#define FD_ST0_EC 0x10
#define FD_ST0_SE 0x20
#define FD_ST0_ABNTERM 0x40
#define FD_ST0_INVCMD 0x80
#define FD_ST0_RDYCHG 0xc0
/* ST1 */
#define FD_ST1_MA 0x01
#define FD_ST1_NW 0x02
#define FD_ST1_ND 0x04
#define FD_ST1_EN 0x80
/* ST3 */
#define FD_ST3_TS 0x08
#define FD_ST3_T0 0x10
#define FD_ST3_RDY 0x20
#define FD_ST3_WP 0x40

/* CONFIGURE byte 2 */
#define FD_CONFIG_POLL_OFF 0x10
#define FD_CONFIG_EFIFO 0x20

/* Data rates (DSR/CCR bits 1:0) */
#define FD_RATE_500K 0x00
#define FD_RATE_300K 0x01
#define FD_RATE_250K 0x02
#define FD_RATE_1M 0x03

typedef enum FDPhase { FD_PHASE_COMMAND, FD_PHASE_EXECUTION, FD_PHASE_RESULT } FDPhase;
typedef enum FDDir { FD_DIR_READ, FD_DIR_WRITE, FD_DIR_FORMAT } FDDir;
typedef enum FDDriveType { FDRIVE_NONE, FDRIVE_144, FDRIVE_288, FDRIVE_120 } FDDriveType;

typedef struct FDrive {
    BlockBackend *blk;
    uint8_t present;      /* a drive is attached (with or without a disk) */
    uint8_t drive_type;   /* FDDriveType */
    uint8_t track;        /* head position: present cylinder number */
    uint8_t head;
    uint8_t sect;         /* next sector under the head (READ ID) */
    uint8_t last_sect;    /* medium geometry: sectors per track, */
    uint8_t max_track;    /*   tracks */
    uint8_t sides;        /*   and sides (0 without a medium) */
    uint8_t media_rate;   /* data rate the medium needs */
    uint8_t media_changed; /* disk change line */
    uint8_t spec;         /* DRIVE SPECIFICATION byte */
} FDrive;

typedef struct FDCState {
    Device parent;
    uint32_t iobase, irq_num, dma_chan;   /* properties */
    IrqLine *irq;
    MemRegion io, io_dir;
    FDrive drives[FDC_MAX_DRIVES];

    uint8_t dor, tdr, dsr;
    uint8_t msr;
    uint8_t irq_pending;  /* INTPEND */
    uint8_t phase;        /* FDPhase */
    uint8_t cmd[FD_CMD_MAX];
    uint8_t fifo[FD_SECTOR_LEN];
    uint32_t data_pos;    /* command bytes received / result bytes read */
    uint32_t data_len;    /* command or result length (<= buffer size) */
    uint8_t cmd_index;    /* entry of the command being received */

    /* Execution phase */
    uint8_t xfer_dir;     /* FDDir */
    uint8_t xfer_dma;     /* 1: by DMA, 0: PIO */
    uint8_t xfer_drive;
    uint8_t xfer_c, xfer_h, xfer_r, xfer_n, xfer_eot, xfer_mt;
    uint8_t xfer_fill;    /* FORMAT filler byte */
    uint32_t xfer_pos;    /* bytes moved in this command */
    uint32_t xfer_len;    /* bytes to EOT (FORMAT: 4 per sector) */

    /* Interrupt status for SENSE INTERRUPT STATUS */
    uint8_t status0;
    uint8_t sense_pending;
    uint8_t reset_sensei;

    /* Settings */
    uint8_t timer0, timer1;  /* SPECIFY: SRT/HUT, HLT/ND */
    uint8_t config, pretrk;  /* CONFIGURE */
    uint8_t lock;
    uint8_t perpendicular;
    uint8_t pwrdown;         /* POWERDOWN MODE byte */
} FDCState;

/* ---- fdc.c ---- */
void fdc_raise_irq(FDCState *s);
void fdc_lower_irq(FDCState *s);
void fdc_to_command_phase(FDCState *s);
void fdc_to_result_phase(FDCState *s, uint32_t len);
FDrive *fdc_drive(FDCState *s, int unit);

/* ---- fdc-cmds.c ---- */
/* Length of the command starting with byte b, and its table index. */
uint32_t fdc_cmd_length(uint8_t b, uint8_t *index);
/* A byte of a variable-length command was stored: is it complete? */
bool fdc_cmd_complete(FDCState *s);
void fdc_cmd_execute(FDCState *s);
uint8_t fdc_pio_read(FDCState *s);
void fdc_pio_write(FDCState *s, uint8_t v);
int fdc_dma_transfer(void *opaque, int nchan, int pos, int size);
/* Raise DREQ when a DMA transfer waits and the DOR's DMA gate is open. */
void fdc_dma_kick(FDCState *s);

/* ---- fdc-drive.c ---- */
void fd_drive_revalidate(FDrive *d);
bool fd_drive_inserted(FDrive *d);
bool fd_drive_read_only(FDrive *d);
int fd_drive_cmos_type(FDrive *d);
/* Byte offset of (track, head, sector) on the medium, or -1. */
int64_t fd_sector_offset(FDrive *d, uint8_t track, uint8_t head, uint8_t sect);

#endif
