/* SPDX-License-Identifier: MIT */
/*
 * Intel 8042 keyboard controller ("i8042") with its PS/2 keyboard and mouse.
 *
 * Models the PC/AT and PS/2 keyboard controller firmware as documented in
 * the IBM PS/2 Hardware Interface Technical Reference ("Keyboard/Auxiliary
 * Device Controller") and A. Brouwer's "Keyboard scancodes", section 10:
 * the status register (OBF, IBF, SYS, C/D, keyboard lock, AUXB), the
 * 32 bytes of controller RAM with the command byte at 0 (interrupt
 * enables, system flag, keyboard/auxiliary disable, translation), the
 * commands 0x20-0x3f/0x60-0x7f (read/write RAM), 0xa4-0xa6 (password),
 * 0xa7-0xa9 (auxiliary port), 0xaa (self test -> 0x55), 0xab (interface
 * test), 0xad/0xae (keyboard port), 0xc0 (input port), 0xd0/0xd1 (output
 * port: bit 0 system reset, bit 1 A20 gate), 0xd2/0xd3 (write keyboard or
 * auxiliary output buffer), 0xd4 (write to the auxiliary device), 0xdd/0xdf
 * (A20 off/on, HP Vectra), 0xe0 (test inputs) and 0xf0-0xff (pulse output
 * port bits), and the set 2 to set 1 translation (table in Brouwer 9.3,
 * after Konzak's "PC 8042 Controller"; an 0xf0 prefix sets bit 7 of the
 * next code).
 *
 * The controller answers instantly, so IBF always reads 0. Its own replies
 * wait in a short queue until the output buffer is free and go ahead of
 * device data; keyboard data goes ahead of mouse data. Where the documents
 * leave it open, kemu does what QEMU does (hw/input/pckbd.c): reset leaves
 * the command byte at 0x03 (both interrupts on, translation off) and the
 * status at 0x18; the output port resets to 0xcf; reading port 0x60 with
 * the buffer empty returns the last byte again; writing a byte to the
 * keyboard or through 0xd4 to the mouse re-enables that port; the input
 * port reads 0x80 (keyboard not inhibited); 0xd2/0xd3 bytes are not
 * translated.
 */
#include "kemu/hw/i8042.h"
#include "kemu/hw/ps2.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/mainloop.h"
#include "kemu/memory.h"

/* Status register */
#define ST_OBF 0x01
#define ST_IBF 0x02
#define ST_SYS 0x04
#define ST_CMD 0x08  /* last write was to port 0x64 */
#define ST_KEYL 0x10 /* 1: keyboard not locked */
#define ST_AUXB 0x20 /* output buffer holds auxiliary data */
#define ST_TIMEOUT 0x40
#define ST_PARITY 0x80

/* Command byte (controller RAM 0) */
#define CB_KIE 0x01   /* IRQ1 on keyboard data */
#define CB_MIE 0x02   /* IRQ12 on auxiliary data */
#define CB_SYS 0x04
#define CB_IGNLK 0x08
#define CB_KD 0x10    /* keyboard port disabled */
#define CB_MD 0x20    /* auxiliary port disabled */
#define CB_XLATE 0x40 /* translate set 2 to set 1 */

/* Output port */
#define OUT_RESET 0x01 /* 0: reset the CPU */
#define OUT_A20 0x02
#define OUT_OBF 0x10   /* keyboard output buffer full (IRQ1) */
#define OUT_MOBF 0x20  /* auxiliary output buffer full (IRQ12) */

/* Controller commands (port 0x64) */
#define CMD_READ_RAM 0x20     /* 0x20-0x3f */
#define CMD_WRITE_RAM 0x60    /* 0x60-0x7f */
#define CMD_PW_INSTALLED 0xa4
#define CMD_PW_LOAD 0xa5
#define CMD_PW_CHECK 0xa6
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_INPORT 0xc0
#define CMD_POLL_IN_LOW 0xc1
#define CMD_POLL_IN_HIGH 0xc2
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_WRITE_KBD_OBUF 0xd2
#define CMD_WRITE_AUX_OBUF 0xd3
#define CMD_WRITE_AUX 0xd4
#define CMD_A20_OFF 0xdd
#define CMD_A20_ON 0xdf
#define CMD_READ_TEST 0xe0
#define CMD_PULSE 0xf0        /* 0xf0-0xff */

#define KBC_CQ_SIZE 8

enum { SRC_KBD, SRC_AUX };

typedef struct KBCState {
    Device parent;
    IrqLine *out[3];           /* IRQ1, IRQ12, A20 */
    MemRegion io_data;         /* 0x60 */
    MemRegion io_cmd;          /* 0x64 */
    Device *kbd;
    Device *mouse;
    uint8_t ram[32];           /* ram[0]: command byte */
    uint8_t status;
    uint8_t outport;
    uint8_t obuf;              /* output buffer (port 0x60) */
    uint8_t obuf_src;          /* SRC_KBD / SRC_AUX */
    uint8_t cq[KBC_CQ_SIZE];   /* controller replies waiting for the buffer */
    uint8_t cq_src[KBC_CQ_SIZE];
    uint8_t cq_count;
    uint8_t write_cmd;         /* command waiting for its data byte, 0 none */
    uint8_t xlate_break;       /* translation saw an 0xf0 prefix */
    uint8_t irq_kbd, irq_mouse; /* output levels */
    uint8_t in_pump;
} KBCState;

/* Set 2 -> set 1 for codes 0x00-0x7f (Brouwer 9.3; Konzak). */
static const uint8_t kbc_xlate_table[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

static uint8_t kbc_xlate(uint8_t b)
{
    if (b < 0x80)
        return kbc_xlate_table[b];
    if (b == 0x83) /* F7 */
        return 0x41;
    if (b == 0x84) /* Alt+SysRq */
        return 0x54;
    return b;
}

/* ---- output buffer and interrupts ---- */

static void kbc_update_irq(KBCState *s)
{
    bool full = s->status & ST_OBF;
    uint8_t kbd = full && s->obuf_src == SRC_KBD && (s->ram[0] & CB_KIE);
    uint8_t mouse = full && s->obuf_src == SRC_AUX && (s->ram[0] & CB_MIE);

    if (kbd != s->irq_kbd) {
        s->irq_kbd = kbd;
        irq_set(s->out[I8042_OUT_IRQ_KBD], kbd);
    }
    if (mouse != s->irq_mouse) {
        s->irq_mouse = mouse;
        irq_set(s->out[I8042_OUT_IRQ_MOUSE], mouse);
    }
}

/* Next keyboard byte through the translation, if any. */
static bool kbc_kbd_byte(KBCState *s, uint8_t *b)
{
    while (s->kbd && ps2_has_data(s->kbd)) {
        uint8_t v = ps2_read_data(s->kbd);

        if (!(s->ram[0] & CB_XLATE)) {
            *b = v;
            return true;
        }
        if (v == 0xf0) {
            s->xlate_break = 1;
            continue;
        }
        *b = kbc_xlate(v) | (s->xlate_break ? 0x80 : 0);
        s->xlate_break = 0;
        return true;
    }
    return false;
}

static bool kbc_fetch(KBCState *s, uint8_t *b, uint8_t *src)
{
    if (s->cq_count) {
        *b = s->cq[0];
        *src = s->cq_src[0];
        s->cq_count--;
        memmove(s->cq, s->cq + 1, s->cq_count);
        memmove(s->cq_src, s->cq_src + 1, s->cq_count);
        return true;
    }
    if (!(s->ram[0] & CB_KD) && kbc_kbd_byte(s, b)) {
        *src = SRC_KBD;
        return true;
    }
    if (!(s->ram[0] & CB_MD) && s->mouse && ps2_has_data(s->mouse)) {
        *b = ps2_read_data(s->mouse);
        *src = SRC_AUX;
        return true;
    }
    return false;
}

/* Fill an empty output buffer. Devices signal new data from inside
 * ps2_read_data(), hence the guard. */
static void kbc_pump(KBCState *s)
{
    uint8_t b, src;

    if (s->in_pump)
        return;
    s->in_pump = 1;
    if (!(s->status & ST_OBF) && kbc_fetch(s, &b, &src)) {
        s->obuf = b;
        s->obuf_src = src;
        s->status = (s->status & ~ST_AUXB) | ST_OBF | (src == SRC_AUX ? ST_AUXB : 0);
    }
    s->in_pump = 0;
    kbc_update_irq(s);
}

/* A byte the controller itself sends (command replies, 0xd2/0xd3). */
static void kbc_reply(KBCState *s, uint8_t b, uint8_t src)
{
    if (s->cq_count == KBC_CQ_SIZE) {
        log_guest_error("i8042: reply 0x%02x dropped, output not read\n", b);
        return;
    }
    s->cq[s->cq_count] = b;
    s->cq_src[s->cq_count++] = src;
    kbc_pump(s);
}

/* PS/2 device pins: 0 keyboard, 1 mouse have data. */
static void kbc_ps2_data(void *opaque, int n, int level)
{
    if (level)
        kbc_pump(opaque);
}

/* ---- output port ---- */

static void kbc_set_a20(KBCState *s, bool on)
{
    s->outport = on ? (s->outport | OUT_A20) : (s->outport & ~OUT_A20);
    irq_set(s->out[I8042_OUT_A20], on);
}

static void kbc_write_outport(KBCState *s, uint8_t val)
{
    if ((val ^ s->outport) & OUT_A20)
        kbc_set_a20(s, val & OUT_A20);
    s->outport = val;
    if (!(val & OUT_RESET))
        qemu_system_reset_request();
}

static uint8_t kbc_read_outport(KBCState *s)
{
    uint8_t v = s->outport & ~(OUT_OBF | OUT_MOBF);

    if (s->status & ST_OBF)
        v |= s->obuf_src == SRC_AUX ? OUT_MOBF : OUT_OBF;
    return v;
}

/* ---- commands (port 0x64) and their data bytes (port 0x60) ---- */

static void kbc_set_cmd_byte(KBCState *s, uint8_t val)
{
    s->ram[0] = val;
    s->status = (s->status & ~ST_SYS) | (val & CB_SYS);
    kbc_pump(s); /* enables and interrupt bits may have changed */
}

static void kbc_command_misc(KBCState *s, uint8_t val)
{
    switch (val) {
    case CMD_PW_INSTALLED:
        kbc_reply(s, 0xf1, SRC_KBD); /* no password */
        break;
    case CMD_PW_CHECK:
        break; /* no password: nothing to check */
    case CMD_AUX_TEST:
    case CMD_KBD_TEST:
        kbc_reply(s, 0x00, SRC_KBD); /* no clock/data line faults */
        break;
    case CMD_SELF_TEST:
        s->status |= ST_SYS;
        kbc_reply(s, 0x55, SRC_KBD);
        break;
    case CMD_READ_INPORT:
        kbc_reply(s, 0x80, SRC_KBD);
        break;
    case CMD_READ_OUTPORT:
        kbc_reply(s, kbc_read_outport(s), SRC_KBD);
        break;
    case CMD_READ_TEST:
        kbc_reply(s, 0x00, SRC_KBD);
        break;
    case CMD_A20_OFF:
    case CMD_A20_ON:
        kbc_set_a20(s, val == CMD_A20_ON);
        break;
    case CMD_POLL_IN_LOW:
    case CMD_POLL_IN_HIGH:
        log_unimp("i8042: input port poll command 0x%02x\n", val);
        break;
    default:
        log_guest_error("i8042: unknown command 0x%02x\n", val);
        break;
    }
}

static void kbc_command(KBCState *s, uint8_t val)
{
    s->write_cmd = 0;
    if (val >= CMD_READ_RAM && val < CMD_READ_RAM + 0x20) {
        kbc_reply(s, s->ram[val & 0x1f], SRC_KBD);
    } else if ((val >= CMD_WRITE_RAM && val < CMD_WRITE_RAM + 0x20) || val == CMD_PW_LOAD ||
               (val >= CMD_WRITE_OUTPORT && val <= CMD_WRITE_AUX)) {
        s->write_cmd = val;
    } else if (val >= CMD_PULSE) {
        if (!(val & OUT_RESET)) /* pulse bit 0 low: CPU reset */
            qemu_system_reset_request();
    } else if (val == CMD_AUX_DISABLE || val == CMD_AUX_ENABLE) {
        kbc_set_cmd_byte(s, val == CMD_AUX_DISABLE ? s->ram[0] | CB_MD : s->ram[0] & ~CB_MD);
    } else if (val == CMD_KBD_DISABLE || val == CMD_KBD_ENABLE) {
        kbc_set_cmd_byte(s, val == CMD_KBD_DISABLE ? s->ram[0] | CB_KD : s->ram[0] & ~CB_KD);
    } else {
        kbc_command_misc(s, val);
    }
}

static void kbc_write_data(KBCState *s, uint8_t val)
{
    uint8_t cmd = s->write_cmd;

    s->write_cmd = 0;
    if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
        if (cmd == CMD_WRITE_RAM)
            kbc_set_cmd_byte(s, val);
        else
            s->ram[cmd & 0x1f] = val;
        return;
    }
    switch (cmd) {
    case CMD_PW_LOAD:
        if (val)
            s->write_cmd = cmd; /* the password runs to a NUL; it is not kept */
        break;
    case CMD_WRITE_OUTPORT:
        kbc_write_outport(s, val);
        break;
    case CMD_WRITE_KBD_OBUF:
        kbc_reply(s, val, SRC_KBD);
        break;
    case CMD_WRITE_AUX_OBUF:
        kbc_reply(s, val, SRC_AUX);
        break;
    case CMD_WRITE_AUX:
        s->ram[0] &= ~CB_MD; /* sending to the mouse enables its port */
        if (s->mouse)
            ps2_write_data(s->mouse, val);
        kbc_pump(s);
        break;
    default:
        s->ram[0] &= ~CB_KD; /* sending to the keyboard enables its port */
        if (s->kbd)
            ps2_write_data(s->kbd, val);
        kbc_pump(s);
        break;
    }
}

/* ---- ports ---- */

static uint64_t kbc_data_read(void *opaque, hwaddr addr, unsigned size)
{
    KBCState *s = opaque;
    uint8_t val = s->obuf;

    if (s->status & ST_OBF) {
        s->status &= ~(ST_OBF | ST_AUXB);
        kbc_update_irq(s);
        kbc_pump(s);
    }
    return val;
}

static void kbc_data_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    KBCState *s = opaque;

    s->status &= ~ST_CMD;
    kbc_write_data(s, val);
}

static uint64_t kbc_status_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((KBCState *)opaque)->status;
}

static void kbc_cmd_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    KBCState *s = opaque;

    s->status |= ST_CMD;
    kbc_command(s, val);
}

static const IoOps kbc_data_ops = {
    .read = kbc_data_read,
    .write = kbc_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const IoOps kbc_cmd_ops = {
    .read = kbc_status_read,
    .write = kbc_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

Device *i8042_get_kbd(Device *dev)
{
    return ((KBCState *)dev)->kbd;
}

Device *i8042_get_mouse(Device *dev)
{
    return ((KBCState *)dev)->mouse;
}

static void kbc_reset(Device *dev)
{
    KBCState *s = (KBCState *)dev;

    memset(s->ram, 0, sizeof(s->ram));
    s->ram[0] = CB_KIE | CB_MIE;
    s->status = ST_CMD | ST_KEYL;
    s->outport = 0xcc | OUT_A20 | OUT_RESET;
    s->obuf = 0;
    s->obuf_src = SRC_KBD;
    s->cq_count = 0;
    s->write_cmd = 0;
    s->xlate_break = 0;
    irq_set(s->out[I8042_OUT_A20], 1);
    kbc_pump(s);
}

static Device *kbc_add_ps2(KBCState *s, const char *type, int pin, Error **errp)
{
    Device *d = device_new(type, errp);

    if (!d || !device_realize(d, errp))
        return NULL;
    device_connect_gpio_out(d, 0, device_gpio_in(&s->parent, pin));
    return d;
}

static bool kbc_realize(Device *dev, Error **errp)
{
    KBCState *s = (KBCState *)dev;

    s->out[I8042_OUT_IRQ_KBD] = isa_get_irq(1);
    s->out[I8042_OUT_IRQ_MOUSE] = isa_get_irq(12);
    device_init_gpio_out(dev, s->out, 3);
    device_init_gpio_in(dev, kbc_ps2_data, 2);
    s->kbd = kbc_add_ps2(s, TYPE_PS2_KBD, 0, errp);
    s->mouse = s->kbd ? kbc_add_ps2(s, TYPE_PS2_MOUSE, 1, errp) : NULL;
    if (!s->mouse)
        return false;
    mr_init_io(&s->io_data, "i8042-data", 1, &kbc_data_ops, s);
    mr_init_io(&s->io_cmd, "i8042-cmd", 1, &kbc_cmd_ops, s);
    isa_register_ioport(&s->io_data, 0x60);
    isa_register_ioport(&s->io_cmd, 0x64);
    kbc_reset(dev);
    return true;
}

static int kbc_post_load(Device *dev)
{
    KBCState *s = (KBCState *)dev;

    irq_set(s->out[I8042_OUT_IRQ_KBD], s->irq_kbd);
    irq_set(s->out[I8042_OUT_IRQ_MOUSE], s->irq_mouse);
    irq_set(s->out[I8042_OUT_A20], !!(s->outport & OUT_A20));
    return 0;
}

static const VMStateField kbc_vmstate_fields[] = {
    VMSTATE_ARRAY(KBCState, ram),
    VMSTATE_FIELD(KBCState, status),
    VMSTATE_FIELD(KBCState, outport),
    VMSTATE_FIELD(KBCState, obuf),
    VMSTATE_FIELD(KBCState, obuf_src),
    VMSTATE_ARRAY(KBCState, cq),
    VMSTATE_ARRAY(KBCState, cq_src),
    VMSTATE_FIELD(KBCState, cq_count),
    VMSTATE_FIELD(KBCState, write_cmd),
    VMSTATE_FIELD(KBCState, xlate_break),
    VMSTATE_FIELD(KBCState, irq_kbd),
    VMSTATE_FIELD(KBCState, irq_mouse),
    VMSTATE_END,
};

static const VMStateDesc kbc_vmstate = {
    .name = "pckbd",
    .version = 1,
    .fields = kbc_vmstate_fields,
    .post_load = kbc_post_load,
};

static const Property kbc_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass kbc_class = {
    .name = TYPE_I8042,
    .desc = "Intel 8042 PS/2 keyboard and mouse controller",
    .category = "input",
    .bus = "isa",
    .instance_size = sizeof(KBCState),
    .props = kbc_props,
    .user_creatable = true,
    .realize = kbc_realize,
    .reset = kbc_reset,
    .vmsd = &kbc_vmstate,
};
DEVICE_CLASS(kbc_class)
