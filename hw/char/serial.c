/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART ("isa-serial"): the PC's COM1..COM4.
 *
 * Models the register file of the National Semiconductor PC16550D
 * (datasheet, June 1995: sections 8.1-8.10): RBR/THR, IER, IIR/FCR, LCR,
 * MCR, LSR, MSR, SCR and the DLAB divisor latch; the 16-byte receive FIFO
 * with trigger levels 1/4/8/14; the character timeout (4 character times
 * at the programmed baud rate and frame size); the five interrupt sources
 * with their IIR priorities; break and overrun reporting; and the
 * loopback mode, where transmitted bytes come back to the receiver and the
 * modem outputs drive the modem inputs (RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD) with their delta bits.
 *
 * As in QEMU, a byte written to THR is handed to the chardev at once, so
 * the transmitter is idle again (THRE and TEMT set, THRE interrupt
 * re-armed) by the time the write returns; the transmit FIFO therefore
 * never holds data. Also as in QEMU, the interrupt output is not gated by
 * MCR.OUT2 (on real PC hardware OUT2 enables the ISA IRQ driver; QEMU's
 * serial.c raises the line whenever IIR has a pending source, and guests
 * such as Linux work either way), and MCR resets to OUT2 rather than 0.
 * Reference for the PC wiring and defaults: QEMU's isa-serial
 * (hw/char/serial-isa.c) properties index/iobase/irq/chardev/baudbase.
 */
#include "kemu/chardev.h"
#include "kemu/device.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

#define SERIAL_FIFO_LEN 16
#define SERIAL_MAX_PORTS 4

/* Register offsets (DLAB=0 unless noted) */
enum {
    UART_RBR = 0, /* read: receiver buffer; write: THR; DLAB=1: DLL */
    UART_IER = 1, /* DLAB=1: DLM */
    UART_IIR = 2, /* read: IIR; write: FCR */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

/* IER */
#define UART_IER_ERBI 0x01  /* received data available */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI 0x04  /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

/* IIR: bit 0 = no interrupt pending, bits 3:1 = source, bits 7:6 = FIFOs on */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c
#define UART_IIR_ID_MASK 0x0e
#define UART_IIR_FIFO 0xc0

/* FCR */
#define UART_FCR_FE 0x01  /* FIFO enable */
#define UART_FCR_RFR 0x02 /* receiver FIFO reset */
#define UART_FCR_XFR 0x04 /* transmitter FIFO reset */
#define UART_FCR_DMS 0x08 /* DMA mode select */
#define UART_FCR_ITL 0xc0 /* receiver trigger level */

/* LCR */
#define UART_LCR_WLS 0x03  /* word length - 5 */
#define UART_LCR_STB 0x04  /* 2 stop bits */
#define UART_LCR_PEN 0x08  /* parity enable */
#define UART_LCR_BC 0x40   /* break control */
#define UART_LCR_DLAB 0x80 /* divisor latch access */

/* MCR */
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

/* LSR */
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_RXFE 0x80 /* error in receiver FIFO */
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* MSR */
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
#define UART_MSR_DELTA 0x0f
/* With nothing on the other end, the host side looks like a ready modem. */
#define UART_MSR_EXT_LINES (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

typedef struct SerialState {
    Device parent;
    /* properties */
    uint32_t index;        /* COM port number 0-3, UINT32_MAX: next free */
    uint32_t iobase;       /* UINT32_MAX: from index */
    uint32_t isairq;       /* UINT32_MAX: from index */
    uint32_t baudbase;     /* input clock / 16, Hz */
    Chardev *chr;
    /* wiring */
    IrqLine *irq;          /* output pin 0 */
    MemRegion io;
    Timer timeout_timer;   /* character timeout (FIFO mode) */
    /* guest-visible registers */
    uint16_t divider;      /* DLM:DLL */
    uint8_t rbr;           /* last byte read from the receiver */
    uint8_t thr;           /* last byte written to the transmitter */
    uint8_t ier;           /* interrupt enable, low 4 bits */
    uint8_t iir;           /* interrupt identification as last computed */
    uint8_t fcr;           /* FIFO control: FE, DMS, trigger level bits */
    uint8_t lcr;           /* line control */
    uint8_t mcr;           /* modem control, low 5 bits */
    uint8_t lsr;           /* line status (DR, OE, BI, THRE, TEMT kept here) */
    uint8_t msr;           /* modem status: lines in 7:4, deltas in 3:0 */
    uint8_t scr;           /* scratch */
    /* receiver FIFO (capacity 1 with FIFOs disabled: the RBR) */
    uint8_t rx_fifo[SERIAL_FIFO_LEN];
    uint8_t rx_brk[SERIAL_FIFO_LEN]; /* 1: this byte was received as a break */
    uint8_t rx_head;       /* index of the oldest byte */
    uint8_t rx_count;      /* bytes held */
    uint8_t rx_itl;        /* trigger level in bytes: 1, 4, 8, 14 */
    uint8_t thr_ipending;  /* THRE interrupt armed (cleared by IIR read / THR write) */
    uint8_t timeout_ipending; /* character timeout interrupt pending */
    int64_t char_time_ns;  /* one frame at the current baud rate */
} SerialState;

static const uint16_t serial_iobase_default[SERIAL_MAX_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const uint8_t serial_irq_default[SERIAL_MAX_PORTS] = { 4, 3, 4, 3 };

static bool serial_fifo_on(SerialState *s) { return s->fcr & UART_FCR_FE; }
static bool serial_loop(SerialState *s) { return s->mcr & UART_MCR_LOOP; }

/* ---- interrupts ---- */

/* The highest-priority pending source (PC16550D table IV), or NO_INT. */
static uint8_t serial_pending_source(SerialState *s)
{
    if ((s->ier & UART_IER_ELSI) && (s->lsr & UART_LSR_INT_ANY))
        return UART_IIR_RLSI;
    /* The timeout is masked by ERBI, as the datasheet's table says. */
    if ((s->ier & UART_IER_ERBI) && s->timeout_ipending)
        return UART_IIR_CTI;
    if ((s->ier & UART_IER_ERBI) && s->rx_count &&
        (!serial_fifo_on(s) || s->rx_count >= s->rx_itl))
        return UART_IIR_RDI;
    if ((s->ier & UART_IER_ETBEI) && s->thr_ipending)
        return UART_IIR_THRI;
    if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTA))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    uint8_t src = serial_pending_source(s);

    s->iir = src | (serial_fifo_on(s) ? UART_IIR_FIFO : 0);
    /* Not gated by MCR.OUT2: QEMU's model drives the line directly. */
    irq_set(s->irq, src != UART_IIR_NO_INT);
}

/* ---- timing ---- */

static void serial_update_params(SerialState *s)
{
    int frame = 1 + 5 + (s->lcr & UART_LCR_WLS) + ((s->lcr & UART_LCR_STB) ? 2 : 1);

    if (s->lcr & UART_LCR_PEN)
        frame++;
    if (s->divider == 0 || s->baudbase == 0)
        return; /* no clock: keep the previous timing */
    /* frame bits at baudbase/divider bits per second */
    s->char_time_ns = (int64_t)NANOSECONDS_PER_SECOND * frame * s->divider / s->baudbase;
}

static void serial_timeout_arm(SerialState *s)
{
    timer_mod(&s->timeout_timer, vclock_get_ns() + 4 * s->char_time_ns);
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if (serial_fifo_on(s) && s->rx_count) {
        s->timeout_ipending = 1;
        serial_update_irq(s);
    }
}

/* ---- receiver ---- */

/* LSR.BI reports a break when its byte reaches the top of the FIFO. */
static void serial_rx_sync_top(SerialState *s)
{
    if (s->rx_count && s->rx_brk[s->rx_head])
        s->lsr |= UART_LSR_BI;
}

static void serial_rx_reset(SerialState *s)
{
    s->rx_head = s->rx_count = 0;
    memset(s->rx_brk, 0, sizeof(s->rx_brk));
    s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
    s->timeout_ipending = 0;
    timer_del(&s->timeout_timer);
}

static void serial_rx_put(SerialState *s, uint8_t byte, bool brk)
{
    unsigned cap = serial_fifo_on(s) ? SERIAL_FIFO_LEN : 1;

    if (s->rx_count < cap) {
        unsigned pos = (s->rx_head + s->rx_count) % SERIAL_FIFO_LEN;
        s->rx_fifo[pos] = byte;
        s->rx_brk[pos] = brk;
        s->rx_count++;
    } else {
        /* Overrun: without FIFOs the new byte replaces RBR; with FIFOs
         * the byte in the shift register is lost and the FIFO kept. */
        s->lsr |= UART_LSR_OE;
        if (!serial_fifo_on(s)) {
            s->rx_fifo[s->rx_head] = byte;
            s->rx_brk[s->rx_head] = brk;
        }
    }
    s->lsr |= UART_LSR_DR;
    serial_rx_sync_top(s);
    if (serial_fifo_on(s))
        serial_timeout_arm(s);
    serial_update_irq(s);
}

static uint8_t serial_rx_pop(SerialState *s)
{
    if (s->rx_count == 0) {
        /* Like QEMU: an empty FIFO reads 0, an empty RBR its old value. */
        return serial_fifo_on(s) ? 0 : s->rbr;
    }
    s->rbr = s->rx_fifo[s->rx_head];
    s->rx_brk[s->rx_head] = 0;
    s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_LEN;
    s->rx_count--;
    if (s->rx_count == 0)
        s->lsr &= ~UART_LSR_DR;
    serial_rx_sync_top(s);
    if (serial_fifo_on(s)) {
        s->timeout_ipending = 0;
        if (s->rx_count)
            serial_timeout_arm(s);
        else
            timer_del(&s->timeout_timer);
    }
    return s->rbr;
}

static uint8_t serial_read_rbr(SerialState *s)
{
    uint8_t val = serial_rx_pop(s);

    serial_update_irq(s);
    /* In loopback the serial input is disconnected from the chardev. */
    if (s->chr && !serial_loop(s))
        chr_accept_input(s->chr);
    return val;
}

/* ---- transmitter ---- */

static void serial_write_thr(SerialState *s, uint8_t val)
{
    s->thr = val;
    s->thr_ipending = 0;
    s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    serial_update_irq(s);

    if (serial_loop(s))
        serial_rx_put(s, val, false);
    else if (s->chr)
        chr_write(s->chr, &val, 1);

    /* Sent at once: the holding register is empty again. */
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = 1;
    serial_update_irq(s);
}

/* ---- modem lines ---- */

/* Modem input lines as seen in MSR 7:4. */
static uint8_t serial_msr_lines(SerialState *s)
{
    uint8_t m = s->mcr, lines = 0;

    if (!serial_loop(s))
        return UART_MSR_EXT_LINES;
    if (m & UART_MCR_RTS)
        lines |= UART_MSR_CTS;
    if (m & UART_MCR_DTR)
        lines |= UART_MSR_DSR;
    if (m & UART_MCR_OUT1)
        lines |= UART_MSR_RI;
    if (m & UART_MCR_OUT2)
        lines |= UART_MSR_DCD;
    return lines;
}

/* Recompute MSR lines and set the delta bits for the ones that changed. */
static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr & 0xf0, lines = serial_msr_lines(s);
    uint8_t delta = (uint8_t)((old ^ lines) >> 4);

    /* TERI: only the trailing edge (1 -> 0) of RI counts. */
    if (!(old & UART_MSR_RI) || (lines & UART_MSR_RI))
        delta &= ~UART_MSR_TERI;
    s->msr = lines | (s->msr & UART_MSR_DELTA) | delta;
}

static void serial_write_mcr(SerialState *s, uint8_t val)
{
    s->mcr = val & UART_MCR_MASK;
    serial_update_msr(s);
    serial_update_irq(s);
    if (s->chr && !serial_loop(s))
        chr_accept_input(s->chr);
}

/* ---- FIFO control ---- */

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    static const uint8_t itl[4] = { 1, 4, 8, 14 };

    if (!(val & UART_FCR_FE)) {
        /* FCR0 clear: FIFOs off; the other bits are not programmed. */
        if (serial_fifo_on(s))
            serial_rx_reset(s);
        s->fcr = 0;
        serial_update_irq(s);
        return;
    }
    /* Switching the FIFOs on clears both. */
    if (!serial_fifo_on(s))
        val |= UART_FCR_RFR | UART_FCR_XFR;
    if (val & UART_FCR_RFR)
        serial_rx_reset(s);
    if (val & UART_FCR_XFR) {
        /* The transmit FIFO is always empty; a reset re-arms THRE. */
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->thr_ipending = 1;
    }
    s->fcr = val & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_ITL);
    s->rx_itl = itl[(val & UART_FCR_ITL) >> 6];
    serial_update_irq(s);
}

static void serial_write_ier(SerialState *s, uint8_t val)
{
    uint8_t changed = (s->ier ^ val) & 0x0f;

    s->ier = val & 0x0f;
    /*
     * Enabling ETBEI while THR is empty raises the THRE interrupt even if
     * an IIR read had cleared it (observed on real parts; QEMU and Bochs
     * do the same, and Windows relies on it). Disabling it forgets it.
     */
    if (changed & UART_IER_ETBEI)
        s->thr_ipending = (s->ier & UART_IER_ETBEI) && (s->lsr & UART_LSR_THRE);
    serial_update_irq(s);
}

/* ---- register access ---- */

static void serial_io_write(void *opaque, hwaddr addr, uint64_t val64, unsigned size)
{
    SerialState *s = opaque;
    uint8_t val = (uint8_t)val64;
    bool dlab = s->lcr & UART_LCR_DLAB;

    switch (addr & 7) {
    case UART_RBR:
        if (dlab) {
            s->divider = (s->divider & 0xff00) | val;
            serial_update_params(s);
        } else {
            serial_write_thr(s, val);
        }
        break;
    case UART_IER:
        if (dlab) {
            s->divider = (uint16_t)((s->divider & 0x00ff) | (val << 8));
            serial_update_params(s);
        } else {
            serial_write_ier(s, val);
        }
        break;
    case UART_IIR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        serial_update_params(s);
        break;
    case UART_MCR:
        serial_write_mcr(s, val);
        break;
    case UART_LSR:
    case UART_MSR:
        /* Factory test registers on the real part: writes are ignored. */
        log_guest_error("serial: write 0x%02x to read-only register %u\n", val,
                        (unsigned)(addr & 7));
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

static uint8_t serial_read_iir(SerialState *s)
{
    uint8_t val = s->iir;

    /* Reading IIR while it reports THRE clears that interrupt. */
    if ((val & UART_IIR_ID_MASK) == UART_IIR_THRI && !(val & UART_IIR_NO_INT)) {
        s->thr_ipending = 0;
        serial_update_irq(s);
    }
    return val;
}

static uint8_t serial_read_lsr(SerialState *s)
{
    uint8_t val = s->lsr & ~UART_LSR_RXFE;

    if (serial_fifo_on(s)) {
        for (unsigned i = 0; i < s->rx_count; i++) {
            if (s->rx_brk[(s->rx_head + i) % SERIAL_FIFO_LEN])
                val |= UART_LSR_RXFE;
        }
    }
    /* Error bits are cleared by reading LSR. */
    if (s->lsr & UART_LSR_INT_ANY) {
        s->lsr &= ~UART_LSR_INT_ANY;
        serial_update_irq(s);
    }
    return val;
}

static uint8_t serial_read_msr(SerialState *s)
{
    uint8_t val = s->msr;

    if (s->msr & UART_MSR_DELTA) {
        s->msr &= ~UART_MSR_DELTA;
        serial_update_irq(s);
    }
    return val;
}

static uint64_t serial_io_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    bool dlab = s->lcr & UART_LCR_DLAB;

    switch (addr & 7) {
    case UART_RBR:
        return dlab ? (s->divider & 0xff) : serial_read_rbr(s);
    case UART_IER:
        return dlab ? (s->divider >> 8) : s->ier;
    case UART_IIR:
        return serial_read_iir(s);
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        return serial_read_lsr(s);
    case UART_MSR:
        return serial_read_msr(s);
    default:
        return s->scr;
    }
}

static const IoOps serial_io_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- chardev front end ---- */

static int serial_can_read(void *opaque)
{
    SerialState *s = opaque;

    if (serial_loop(s))
        return 0;
    if (!serial_fifo_on(s))
        return s->rx_count ? 0 : 1;
    if (s->rx_count >= SERIAL_FIFO_LEN)
        return 0;
    /*
     * Offer bytes up to the trigger level, then one at a time, so that the
     * guest sees its trigger level honoured instead of a FIFO filled at
     * once (QEMU does the same).
     */
    return s->rx_count < s->rx_itl ? s->rx_itl - s->rx_count : 1;
}

static void serial_chr_read(void *opaque, const uint8_t *buf, int len)
{
    SerialState *s = opaque;

    for (int i = 0; i < len; i++)
        serial_rx_put(s, buf[i], false);
}

static void serial_chr_event(void *opaque, ChrEvent event)
{
    SerialState *s = opaque;

    /* A break is received as a NUL byte with BI (and FE on real parts;
     * QEMU reports only BI and so do we). */
    if (event == CHR_EVENT_BREAK && !serial_loop(s))
        serial_rx_put(s, 0, true);
}

/* ---- device ---- */

static void serial_reset(Device *dev)
{
    SerialState *s = (SerialState *)dev;

    s->rbr = s->thr = s->ier = s->lcr = s->scr = 0;
    s->fcr = 0;
    s->rx_itl = 1;
    serial_rx_reset(s);
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->mcr = UART_MCR_OUT2; /* QEMU's reset value (the datasheet says 0) */
    s->msr = UART_MSR_EXT_LINES;
    s->divider = 0x0c; /* 9600 baud (LCR=0: 5 data bits, no parity, 1 stop) */
    s->thr_ipending = 0;
    serial_update_params(s);
    serial_update_irq(s);
}

/* Number of isa-serial devices realized before this one. */
static unsigned serial_auto_index(Device *self)
{
    unsigned n = 0;

    for (Device *d = device_first(); d; d = d->next) {
        if (d != self && d->realized && d->cls == self->cls)
            n++;
    }
    return n;
}

static bool serial_realize(Device *dev, Error **errp)
{
    SerialState *s = (SerialState *)dev;

    if (s->index == UINT32_MAX)
        s->index = serial_auto_index(dev);
    if (s->index >= SERIAL_MAX_PORTS) {
        error_setg(errp, "Max. supported number of ISA serial ports is %d.", SERIAL_MAX_PORTS);
        return false;
    }
    if (s->iobase == UINT32_MAX)
        s->iobase = serial_iobase_default[s->index];
    if (s->isairq == UINT32_MAX)
        s->isairq = serial_irq_default[s->index];
    if (s->iobase > 0x10000 - 8) {
        error_setg(errp, "isa-serial: iobase 0x%x out of range", s->iobase);
        return false;
    }
    if (s->isairq >= 16) {
        error_setg(errp, "isa irq %u invalid", s->isairq);
        return false;
    }
    timer_init(&s->timeout_timer, serial_timeout_cb, s);
    s->irq = isa_get_irq((int)s->isairq);
    device_init_gpio_out(dev, &s->irq, 1);
    mr_init_io(&s->io, "serial", 8, &serial_io_ops, s);
    isa_register_ioport(&s->io, (uint16_t)s->iobase);
    serial_reset(dev);
    if (s->chr)
        chr_set_handlers(s->chr, serial_can_read, serial_chr_read, serial_chr_event, s);
    return true;
}

static void serial_unrealize(Device *dev)
{
    SerialState *s = (SerialState *)dev;

    timer_del(&s->timeout_timer);
    if (s->chr)
        chr_set_handlers(s->chr, NULL, NULL, NULL, NULL);
}

static int serial_post_load(Device *dev)
{
    SerialState *s = (SerialState *)dev;

    s->rx_head %= SERIAL_FIFO_LEN;
    s->rx_count = MIN(s->rx_count, serial_fifo_on(s) ? SERIAL_FIFO_LEN : 1);
    s->rx_itl = s->rx_itl ? MIN(s->rx_itl, 14) : 1;
    serial_update_params(s);
    if (serial_fifo_on(s) && s->rx_count && !s->timeout_ipending)
        serial_timeout_arm(s);
    else
        timer_del(&s->timeout_timer);
    serial_update_irq(s);
    return 0;
}

static const VMStateField serial_vmstate_fields[] = {
    VMSTATE_FIELD(SerialState, divider),
    VMSTATE_FIELD(SerialState, rbr),
    VMSTATE_FIELD(SerialState, thr),
    VMSTATE_FIELD(SerialState, ier),
    VMSTATE_FIELD(SerialState, iir),
    VMSTATE_FIELD(SerialState, fcr),
    VMSTATE_FIELD(SerialState, lcr),
    VMSTATE_FIELD(SerialState, mcr),
    VMSTATE_FIELD(SerialState, lsr),
    VMSTATE_FIELD(SerialState, msr),
    VMSTATE_FIELD(SerialState, scr),
    VMSTATE_ARRAY(SerialState, rx_fifo),
    VMSTATE_ARRAY(SerialState, rx_brk),
    VMSTATE_FIELD(SerialState, rx_head),
    VMSTATE_FIELD(SerialState, rx_count),
    VMSTATE_FIELD(SerialState, rx_itl),
    VMSTATE_FIELD(SerialState, thr_ipending),
    VMSTATE_FIELD(SerialState, timeout_ipending),
    VMSTATE_END,
};

static const VMStateDesc serial_vmstate = {
    .name = "serial",
    .version = 1,
    .fields = serial_vmstate_fields,
    .post_load = serial_post_load,
};

static const Property serial_props[] = {
    DEFINE_PROP("index", PROP_UINT32, SerialState, index, UINT32_MAX,
                "COM port number 0-3 (default: next free)"),
    DEFINE_PROP("iobase", PROP_UINT32, SerialState, iobase, UINT32_MAX,
                "I/O base (default: 0x3f8/0x2f8/0x3e8/0x2e8 by index)"),
    DEFINE_PROP("irq", PROP_UINT32, SerialState, isairq, UINT32_MAX,
                "ISA IRQ (default: 4/3/4/3 by index)"),
    DEFINE_PROP("baudbase", PROP_UINT32, SerialState, baudbase, 115200,
                "input clock divided by 16, in Hz"),
    DEFINE_PROP_CHR("chardev", SerialState, chr),
    DEFINE_PROP_END,
};

static const DeviceClass serial_class = {
    .name = "isa-serial",
    .desc = "16550A UART on the ISA bus",
    .category = "char",
    .bus = "isa",
    .instance_size = sizeof(SerialState),
    .props = serial_props,
    .user_creatable = true,
    .realize = serial_realize,
    .reset = serial_reset,
    .unrealize = serial_unrealize,
    .vmsd = &serial_vmstate,
};
DEVICE_CLASS(serial_class)
