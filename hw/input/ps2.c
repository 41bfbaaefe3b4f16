/* SPDX-License-Identifier: MIT */
/*
 * PS/2 keyboard ("ps2-kbd") and mouse ("ps2-mouse").
 *
 * The keyboard follows the IBM PS/2 keyboard command set (IBM Personal
 * System/2 Hardware Interface Technical Reference, "Keyboard"): reset with
 * BAT (0xff -> 0xfa 0xaa), set LEDs, echo, identify (0xab 0x83), scancode
 * set get/set 1/2/3, typematic rate, enable/disable/defaults, resend, and
 * the set 3 per-key type commands (0xf7-0xfd). Key presses are encoded in
 * the current set (the i8042 translates set 2 to set 1 when asked), with
 * the multi-byte Print Screen and Pause sequences and an overrun code
 * when the buffer fills up. Set 3 defaults follow A. Brouwer's "Keyboard
 * scancodes" (only Caps Lock, the Shifts, left Ctrl/Alt and the Windows
 * keys send break codes). Typematic repeat is left to the host.
 *
 * The mouse follows the PS/2 mouse protocol (IBM reference, "Pointing
 * Device"): reset (0xfa 0xaa 0x00), identify, sample rate, resolution,
 * 1:1/2:1 scaling, status request, stream/remote/wrap modes, read data,
 * and Microsoft's IntelliMouse extensions: the sample-rate knock 200, 100,
 * 80 switches to ID 3 with a wheel byte, 200, 200, 80 to ID 4 (wheel plus
 * buttons 4 and 5), as in QEMU (hw/input/ps2.c).
 *
 * As in QEMU, replies to commands go ahead of key or movement data already
 * queued (a real device stops sending while the host talks to it), BAT
 * completes at once, and the queue holds 256 bytes. Motion beyond a
 * packet's 9-bit range is carried into the next packets instead of being
 * reported with the overflow bits.
 */
#include "kemu/hw/ps2.h"
#include "kemu/log.h"
#include "kemu/qtest.h"

#define PS2_QUEUE_SIZE 256

/* Device replies */
#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa
#define PS2_ECHO 0xee

/* Keyboard commands */
#define KBD_CMD_SET_LEDS 0xed
#define KBD_CMD_ECHO 0xee
#define KBD_CMD_SCANCODE 0xf0
#define KBD_CMD_GET_ID 0xf2
#define KBD_CMD_SET_RATE 0xf3
#define KBD_CMD_ENABLE 0xf4
#define KBD_CMD_DEFAULT_DISABLE 0xf5
#define KBD_CMD_SET_DEFAULT 0xf6
#define KBD_CMD_ALL_TYPEMATIC 0xf7
#define KBD_CMD_ALL_MAKE_BREAK 0xf8
#define KBD_CMD_ALL_MAKE 0xf9
#define KBD_CMD_ALL_TMB 0xfa
#define KBD_CMD_KEY_TYPEMATIC 0xfb
#define KBD_CMD_KEY_MAKE_BREAK 0xfc
#define KBD_CMD_KEY_MAKE 0xfd
#define KBD_CMD_RESEND 0xfe
#define KBD_CMD_RESET 0xff
#define KBD_CMD_FIRST 0xed /* bytes below are arguments */

/* Mouse commands */
#define MOUSE_CMD_SCALING_1_1 0xe6
#define MOUSE_CMD_SCALING_2_1 0xe7
#define MOUSE_CMD_SET_RES 0xe8
#define MOUSE_CMD_STATUS 0xe9
#define MOUSE_CMD_STREAM 0xea
#define MOUSE_CMD_READ_DATA 0xeb
#define MOUSE_CMD_RESET_WRAP 0xec
#define MOUSE_CMD_WRAP 0xee
#define MOUSE_CMD_REMOTE 0xf0
#define MOUSE_CMD_GET_ID 0xf2
#define MOUSE_CMD_SET_RATE 0xf3
#define MOUSE_CMD_ENABLE 0xf4
#define MOUSE_CMD_DISABLE 0xf5
#define MOUSE_CMD_DEFAULTS 0xf6
#define MOUSE_CMD_RESEND 0xfe
#define MOUSE_CMD_RESET 0xff

/* Mouse status byte (status request) */
#define MOUSE_ST_REMOTE 0x40
#define MOUSE_ST_ENABLED 0x20
#define MOUSE_ST_SCALE21 0x10

/* Set 3 key types */
#define KT_TYPEMATIC 0x01
#define KT_BREAK 0x02

typedef struct PS2State {
    Device parent;
    IrqLine *irq;              /* high while bytes are queued */
    uint8_t q[PS2_QUEUE_SIZE]; /* bytes for the host */
    uint16_t q_head;           /* index of the oldest byte */
    uint16_t q_count;
    uint16_t q_replies;        /* leading bytes that are command replies */
    uint8_t last;              /* last byte the host read (resend, empty reads) */
    uint8_t pending;           /* command waiting for its argument, 0 none */
} PS2State;

typedef struct PS2Kbd {
    PS2State ps2;
    uint8_t scan_enabled;      /* F4/F5 */
    uint8_t scancode_set;      /* 1, 2 or 3 */
    uint8_t leds;              /* ED: scroll, num, caps */
    uint8_t typematic;         /* F3: rate and delay */
    uint8_t overrun;           /* overrun code queued, buffer still full */
    uint8_t key_type[256];     /* set 3: KT_* per set 3 code */
} PS2Kbd;

typedef struct PS2Mouse {
    PS2State ps2;
    uint8_t status;            /* MOUSE_ST_* */
    uint8_t resolution;        /* 0-3: 1, 2, 4, 8 counts/mm */
    uint8_t sample_rate;       /* reports/s */
    uint8_t wrap;              /* echo mode */
    uint8_t type;              /* device ID: 0, 3 (IntelliMouse), 4 (Explorer) */
    uint8_t knock;             /* sample-rate knock progress */
    uint8_t buttons;           /* PS2_MOUSE_* now */
    uint8_t sent_buttons;      /* as last reported */
    int32_t dx, dy, dz;        /* motion not yet reported; dy > 0 up */
    uint8_t busy;              /* a packet is being queued (not saved) */
} PS2Mouse;

static const DeviceClass ps2_kbd_class;
static const DeviceClass ps2_mouse_class;

static bool ps2_is_kbd(Device *dev) { return dev->cls == &ps2_kbd_class; }
static bool ps2_is_mouse(Device *dev) { return dev->cls == &ps2_mouse_class; }

/* ---- the byte queue ---- */

static void ps2_update_irq(PS2State *s)
{
    irq_set(s->irq, s->q_count > 0);
}

static unsigned ps2_free(PS2State *s)
{
    return PS2_QUEUE_SIZE - s->q_count;
}

static void ps2_queue(PS2State *s, uint8_t b)
{
    if (!ps2_free(s))
        return;
    s->q[(s->q_head + s->q_count++) % PS2_QUEUE_SIZE] = b;
    ps2_update_irq(s);
}

/* A command reply: after earlier replies, before queued input data. */
static void ps2_reply(PS2State *s, uint8_t b)
{
    if (!ps2_free(s)) {
        if (s->q_replies == s->q_count)
            return;
        s->q_count--; /* drop the newest input byte */
    }
    for (unsigned i = s->q_count; i > s->q_replies; i--)
        s->q[(s->q_head + i) % PS2_QUEUE_SIZE] = s->q[(s->q_head + i - 1) % PS2_QUEUE_SIZE];
    s->q[(s->q_head + s->q_replies) % PS2_QUEUE_SIZE] = b;
    s->q_count++;
    s->q_replies++;
    ps2_update_irq(s);
}

/* Drop queued input data (replies stay). */
static void ps2_clear_data(PS2State *s)
{
    s->q_count = s->q_replies;
    ps2_update_irq(s);
}

static void ps2_clear(PS2State *s)
{
    s->q_count = 0;
    s->q_replies = 0;
    s->pending = 0;
    ps2_update_irq(s);
}

bool ps2_has_data(Device *dev)
{
    return ((PS2State *)dev)->q_count > 0;
}

static void mouse_sync(PS2Mouse *m);

uint8_t ps2_read_data(Device *dev)
{
    PS2State *s = (PS2State *)dev;

    if (!s->q_count)
        return s->last;
    s->last = s->q[s->q_head];
    s->q_head = (s->q_head + 1) % PS2_QUEUE_SIZE;
    s->q_count--;
    if (s->q_replies)
        s->q_replies--;
    if (ps2_is_kbd(dev) && !s->q_count)
        ((PS2Kbd *)dev)->overrun = 0;
    if (ps2_is_mouse(dev) && !s->q_count)
        mouse_sync((PS2Mouse *)dev); /* motion left over from a big move */
    ps2_update_irq(s);
    return s->last;
}

/* ---- key table ---- */

#define E0 0x100 /* set 2 code with the 0xe0 prefix */
#define KEYNUM_PRINT 0xb7
#define KEYNUM_PAUSE 0xc6

typedef struct PS2Key {
    const char *name;   /* QEMU QKeyCode name */
    uint8_t keynum;     /* set 1 code, | 0x80 for 0xe0-prefixed keys */
    uint16_t set2;      /* set 2 make code, | E0 */
    uint8_t set3;       /* set 3 code, 0: same as set 2 */
    uint8_t set3_break; /* set 3 default sends break codes */
} PS2Key;

/* Codes from the IBM PS/2 technical reference keyboard tables (101/102
 * and 104-key layouts) and A. Brouwer's "Keyboard scancodes". */
static const PS2Key ps2_keys[] = {
    { "esc", 0x01, 0x76, 0x08, 0 },      { "1", 0x02, 0x16, 0, 0 },
    { "2", 0x03, 0x1e, 0, 0 },           { "3", 0x04, 0x26, 0, 0 },
    { "4", 0x05, 0x25, 0, 0 },           { "5", 0x06, 0x2e, 0, 0 },
    { "6", 0x07, 0x36, 0, 0 },           { "7", 0x08, 0x3d, 0, 0 },
    { "8", 0x09, 0x3e, 0, 0 },           { "9", 0x0a, 0x46, 0, 0 },
    { "0", 0x0b, 0x45, 0, 0 },           { "minus", 0x0c, 0x4e, 0, 0 },
    { "equal", 0x0d, 0x55, 0, 0 },       { "backspace", 0x0e, 0x66, 0, 0 },
    { "tab", 0x0f, 0x0d, 0, 0 },         { "q", 0x10, 0x15, 0, 0 },
    { "w", 0x11, 0x1d, 0, 0 },           { "e", 0x12, 0x24, 0, 0 },
    { "r", 0x13, 0x2d, 0, 0 },           { "t", 0x14, 0x2c, 0, 0 },
    { "y", 0x15, 0x35, 0, 0 },           { "u", 0x16, 0x3c, 0, 0 },
    { "i", 0x17, 0x43, 0, 0 },           { "o", 0x18, 0x44, 0, 0 },
    { "p", 0x19, 0x4d, 0, 0 },           { "bracket_left", 0x1a, 0x54, 0, 0 },
    { "bracket_right", 0x1b, 0x5b, 0, 0 }, { "ret", 0x1c, 0x5a, 0, 0 },
    { "ctrl", 0x1d, 0x14, 0x11, 1 },     { "a", 0x1e, 0x1c, 0, 0 },
    { "s", 0x1f, 0x1b, 0, 0 },           { "d", 0x20, 0x23, 0, 0 },
    { "f", 0x21, 0x2b, 0, 0 },           { "g", 0x22, 0x34, 0, 0 },
    { "h", 0x23, 0x33, 0, 0 },           { "j", 0x24, 0x3b, 0, 0 },
    { "k", 0x25, 0x42, 0, 0 },           { "l", 0x26, 0x4b, 0, 0 },
    { "semicolon", 0x27, 0x4c, 0, 0 },   { "apostrophe", 0x28, 0x52, 0, 0 },
    { "grave_accent", 0x29, 0x0e, 0, 0 }, { "shift", 0x2a, 0x12, 0, 1 },
    { "backslash", 0x2b, 0x5d, 0x5c, 0 }, { "z", 0x2c, 0x1a, 0, 0 },
    { "x", 0x2d, 0x22, 0, 0 },           { "c", 0x2e, 0x21, 0, 0 },
    { "v", 0x2f, 0x2a, 0, 0 },           { "b", 0x30, 0x32, 0, 0 },
    { "n", 0x31, 0x31, 0, 0 },           { "m", 0x32, 0x3a, 0, 0 },
    { "comma", 0x33, 0x41, 0, 0 },       { "dot", 0x34, 0x49, 0, 0 },
    { "slash", 0x35, 0x4a, 0, 0 },       { "shift_r", 0x36, 0x59, 0, 1 },
    { "kp_multiply", 0x37, 0x7c, 0x7e, 0 }, { "asterisk", 0x37, 0x7c, 0x7e, 0 },
    { "alt", 0x38, 0x11, 0x19, 1 },      { "spc", 0x39, 0x29, 0, 0 },
    { "caps_lock", 0x3a, 0x58, 0x14, 1 }, { "f1", 0x3b, 0x05, 0x07, 0 },
    { "f2", 0x3c, 0x06, 0x0f, 0 },       { "f3", 0x3d, 0x04, 0x17, 0 },
    { "f4", 0x3e, 0x0c, 0x1f, 0 },       { "f5", 0x3f, 0x03, 0x27, 0 },
    { "f6", 0x40, 0x0b, 0x2f, 0 },       { "f7", 0x41, 0x83, 0x37, 0 },
    { "f8", 0x42, 0x0a, 0x3f, 0 },       { "f9", 0x43, 0x01, 0x47, 0 },
    { "f10", 0x44, 0x09, 0x4f, 0 },      { "num_lock", 0x45, 0x77, 0x76, 0 },
    { "scroll_lock", 0x46, 0x7e, 0x5f, 0 }, { "kp_7", 0x47, 0x6c, 0, 0 },
    { "kp_8", 0x48, 0x75, 0, 0 },        { "kp_9", 0x49, 0x7d, 0, 0 },
    { "kp_subtract", 0x4a, 0x7b, 0x84, 0 }, { "kp_4", 0x4b, 0x6b, 0, 0 },
    { "kp_5", 0x4c, 0x73, 0, 0 },        { "kp_6", 0x4d, 0x74, 0, 0 },
    { "kp_add", 0x4e, 0x79, 0x7c, 0 },   { "kp_1", 0x4f, 0x69, 0, 0 },
    { "kp_2", 0x50, 0x72, 0, 0 },        { "kp_3", 0x51, 0x7a, 0, 0 },
    { "kp_0", 0x52, 0x70, 0, 0 },        { "kp_decimal", 0x53, 0x71, 0, 0 },
    { "sysrq", 0x54, 0x84, 0x57, 0 },    { "less", 0x56, 0x61, 0x13, 0 },
    { "f11", 0x57, 0x78, 0x56, 0 },      { "f12", 0x58, 0x07, 0x5e, 0 },
    { "katakanahiragana", 0x70, 0x13, 0x87, 0 }, { "ro", 0x73, 0x51, 0x51, 0 },
    { "henkan", 0x79, 0x64, 0x86, 0 },   { "muhenkan", 0x7b, 0x67, 0x85, 0 },
    { "yen", 0x7d, 0x6a, 0x5d, 0 },      { "kp_comma", 0x7e, 0x6d, 0x7b, 0 },
    { "kp_enter", 0x9c, E0 | 0x5a, 0x79, 0 }, { "ctrl_r", 0x9d, E0 | 0x14, 0x58, 0 },
    { "audiomute", 0xa0, E0 | 0x23, 0x9c, 0 }, { "calculator", 0xa1, E0 | 0x2b, 0xa3, 0 },
    { "audioplay", 0xa2, E0 | 0x34, 0xa2, 0 }, { "audiostop", 0xa4, E0 | 0x3b, 0xa4, 0 },
    { "volumedown", 0xae, E0 | 0x21, 0x9d, 0 }, { "volumeup", 0xb0, E0 | 0x32, 0x95, 0 },
    { "ac_home", 0xb2, E0 | 0x3a, 0x97, 0 }, { "kp_divide", 0xb5, E0 | 0x4a, 0x77, 0 },
    { "print", KEYNUM_PRINT, E0 | 0x7c, 0x57, 0 }, { "alt_r", 0xb8, E0 | 0x11, 0x39, 0 },
    { "pause", KEYNUM_PAUSE, 0, 0x62, 0 }, { "home", 0xc7, E0 | 0x6c, 0x6e, 0 },
    { "up", 0xc8, E0 | 0x75, 0x63, 0 },  { "pgup", 0xc9, E0 | 0x7d, 0x6f, 0 },
    { "left", 0xcb, E0 | 0x6b, 0x61, 0 }, { "right", 0xcd, E0 | 0x74, 0x6a, 0 },
    { "end", 0xcf, E0 | 0x69, 0x65, 0 }, { "down", 0xd0, E0 | 0x72, 0x60, 0 },
    { "pgdn", 0xd1, E0 | 0x7a, 0x6d, 0 }, { "insert", 0xd2, E0 | 0x70, 0x67, 0 },
    { "delete", 0xd3, E0 | 0x71, 0x64, 0 }, { "meta_l", 0xdb, E0 | 0x1f, 0x8b, 1 },
    { "meta_r", 0xdc, E0 | 0x27, 0x8c, 1 }, { "compose", 0xdd, E0 | 0x2f, 0x8d, 1 },
    { "menu", 0xdd, E0 | 0x2f, 0x8d, 1 }, { "power", 0xde, E0 | 0x37, 0, 1 },
    { "sleep", 0xdf, E0 | 0x3f, 0x54, 1 }, { "wake", 0xe3, E0 | 0x5e, 0, 1 },
};

static const PS2Key *ps2_key_find(int keynum)
{
    for (size_t i = 0; i < ARRAY_SIZE(ps2_keys); i++) {
        if (ps2_keys[i].keynum == keynum)
            return &ps2_keys[i];
    }
    return NULL;
}

int ps2_keynum_from_name(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(ps2_keys); i++) {
        if (!strcmp(ps2_keys[i].name, name))
            return ps2_keys[i].keynum;
    }
    return -1;
}

static uint8_t ps2_key_set3(const PS2Key *k)
{
    return k->set3 ? k->set3 : (k->set2 & 0xff);
}

/* ---- keyboard ---- */

static void kbd_set_defaults(PS2Kbd *k)
{
    k->scancode_set = 2;
    k->leds = 0;
    k->typematic = 0x2b; /* 10.9 characters/s after 500 ms */
    for (int i = 0; i < 256; i++)
        k->key_type[i] = KT_TYPEMATIC;
    for (size_t i = 0; i < ARRAY_SIZE(ps2_keys); i++) {
        if (ps2_keys[i].set3_break)
            k->key_type[ps2_key_set3(&ps2_keys[i])] = KT_BREAK;
    }
}

/* Make/break bytes of key k in the current set; returns the count. */
static int kbd_encode(PS2Kbd *k, const PS2Key *key, bool down, uint8_t *buf)
{
    static const uint8_t pause1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
    static const uint8_t pause2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
    static const uint8_t print1[2][4] = { { 0xe0, 0xb7, 0xe0, 0xaa }, { 0xe0, 0x2a, 0xe0, 0x37 } };
    static const uint8_t print2[2][6] = { { 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 },
                                          { 0xe0, 0x12, 0xe0, 0x7c } };
    int n = 0;

    if (k->scancode_set == 3) {
        uint8_t code = ps2_key_set3(key);

        if (!down && !(k->key_type[code] & KT_BREAK))
            return 0;
        if (!down)
            buf[n++] = 0xf0;
        buf[n++] = code;
        return n;
    }
    if (key->keynum == KEYNUM_PAUSE) {
        if (!down)
            return 0;
        n = k->scancode_set == 1 ? sizeof(pause1) : sizeof(pause2);
        memcpy(buf, k->scancode_set == 1 ? pause1 : pause2, n);
        return n;
    }
    if (key->keynum == KEYNUM_PRINT) {
        n = k->scancode_set == 1 ? 4 : (down ? 4 : 6);
        memcpy(buf, k->scancode_set == 1 ? print1[down] : print2[down], n);
        return n;
    }
    if (k->scancode_set == 1) {
        if (key->keynum & 0x80)
            buf[n++] = 0xe0;
        buf[n++] = (key->keynum & 0x7f) | (down ? 0 : 0x80);
        return n;
    }
    if (key->set2 & E0)
        buf[n++] = 0xe0;
    if (!down)
        buf[n++] = 0xf0;
    buf[n++] = key->set2 & 0xff;
    return n;
}

void ps2_keyboard_event(Device *dev, int keynum, bool down)
{
    PS2Kbd *k = (PS2Kbd *)dev;
    const PS2Key *key = ps2_key_find(keynum);
    uint8_t buf[8];
    int n;

    if (!key) {
        log_unimp("ps2-kbd: no scancode for key number 0x%x\n", keynum);
        return;
    }
    if (!k->scan_enabled)
        return;
    n = kbd_encode(k, key, down, buf);
    if (n == 0 || k->overrun)
        return;
    if (ps2_free(&k->ps2) < (unsigned)n + 1) {
        ps2_queue(&k->ps2, k->scancode_set == 1 ? 0xff : 0x00); /* overrun */
        k->overrun = 1;
        return;
    }
    for (int i = 0; i < n; i++)
        ps2_queue(&k->ps2, buf[i]);
}

int ps2_keyboard_leds(Device *dev)
{
    return ((PS2Kbd *)dev)->leds;
}

static void kbd_write_arg(PS2Kbd *k, uint8_t val)
{
    PS2State *s = &k->ps2;

    switch (s->pending) {
    case KBD_CMD_SET_LEDS:
        k->leds = val & 7;
        break;
    case KBD_CMD_SET_RATE:
        k->typematic = val & 0x7f;
        break;
    case KBD_CMD_SCANCODE:
        if (val > 3) {
            ps2_reply(s, PS2_RESEND); /* invalid: the host sends it again */
            return;
        }
        ps2_reply(s, PS2_ACK);
        if (val == 0)
            ps2_reply(s, k->scancode_set);
        else
            k->scancode_set = val;
        s->pending = 0;
        return;
    case KBD_CMD_KEY_TYPEMATIC:
    case KBD_CMD_KEY_MAKE_BREAK:
    case KBD_CMD_KEY_MAKE:
        /* a list of set 3 codes, ended by the next command */
        k->key_type[val] = s->pending == KBD_CMD_KEY_TYPEMATIC    ? KT_TYPEMATIC
                           : s->pending == KBD_CMD_KEY_MAKE_BREAK ? KT_BREAK
                                                                  : 0;
        ps2_reply(s, PS2_ACK);
        return;
    }
    ps2_reply(s, PS2_ACK);
    s->pending = 0;
}

static void kbd_set_all_types(PS2Kbd *k, uint8_t type)
{
    memset(k->key_type, type, sizeof(k->key_type));
    ps2_reply(&k->ps2, PS2_ACK);
}

static void kbd_command(PS2Kbd *k, uint8_t val)
{
    PS2State *s = &k->ps2;

    switch (val) {
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SET_RATE:
    case KBD_CMD_SCANCODE:
    case KBD_CMD_KEY_TYPEMATIC:
    case KBD_CMD_KEY_MAKE_BREAK:
    case KBD_CMD_KEY_MAKE:
        ps2_reply(s, PS2_ACK);
        s->pending = val;
        break;
    case KBD_CMD_ECHO:
        ps2_reply(s, PS2_ECHO);
        break;
    case KBD_CMD_GET_ID:
        ps2_reply(s, PS2_ACK);
        ps2_reply(s, 0xab);
        ps2_reply(s, 0x83); /* MF2 keyboard */
        break;
    case KBD_CMD_ENABLE:
        ps2_clear_data(s);
        k->overrun = 0;
        k->scan_enabled = 1;
        ps2_reply(s, PS2_ACK);
        break;
    case KBD_CMD_DEFAULT_DISABLE:
    case KBD_CMD_SET_DEFAULT:
        ps2_clear_data(s);
        k->overrun = 0;
        kbd_set_defaults(k);
        k->scan_enabled = val == KBD_CMD_SET_DEFAULT;
        ps2_reply(s, PS2_ACK);
        break;
    case KBD_CMD_ALL_TYPEMATIC:
        kbd_set_all_types(k, KT_TYPEMATIC);
        break;
    case KBD_CMD_ALL_MAKE_BREAK:
        kbd_set_all_types(k, KT_BREAK);
        break;
    case KBD_CMD_ALL_MAKE:
        kbd_set_all_types(k, 0);
        break;
    case KBD_CMD_ALL_TMB:
        kbd_set_all_types(k, KT_TYPEMATIC | KT_BREAK);
        break;
    case KBD_CMD_RESEND:
        ps2_reply(s, s->last);
        break;
    case KBD_CMD_RESET:
        ps2_clear(s);
        k->overrun = 0;
        kbd_set_defaults(k);
        k->scan_enabled = 1;
        ps2_reply(s, PS2_ACK);
        ps2_reply(s, PS2_BAT_OK);
        break;
    default:
        log_guest_error("ps2-kbd: unknown command 0x%02x\n", val);
        ps2_reply(s, PS2_RESEND);
        break;
    }
}

static void kbd_write(PS2Kbd *k, uint8_t val)
{
    if (k->ps2.pending && val < KBD_CMD_FIRST) {
        kbd_write_arg(k, val);
        return;
    }
    k->ps2.pending = 0; /* a command ends an argument list */
    kbd_command(k, val);
}

/* ---- mouse ---- */

static void mouse_set_defaults(PS2Mouse *m)
{
    m->status = 0;
    m->resolution = 2;
    m->sample_rate = 100;
    m->wrap = 0;
    m->dx = m->dy = m->dz = 0;
    m->sent_buttons = m->buttons;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* 2:1 scaling (stream mode only): the PS/2 table for |d| < 6, else 2d. */
static int mouse_scale(PS2Mouse *m, int d, bool stream)
{
    static const int table[6] = { 0, 1, 1, 3, 6, 9 };
    int a = d < 0 ? -d : d;

    if (!stream || !(m->status & MOUSE_ST_SCALE21))
        return d;
    a = a < 6 ? table[a] : 2 * a;
    return clamp(d < 0 ? -a : a, -256, 255);
}

static unsigned mouse_packet_size(PS2Mouse *m)
{
    return m->type ? 4 : 3;
}

static void mouse_send_packet(PS2Mouse *m, bool stream, bool reply)
{
    int dx = clamp(m->dx, -256, 255), dy = clamp(m->dy, -256, 255), dz = clamp(m->dz, -8, 7);
    int sx = mouse_scale(m, dx, stream), sy = mouse_scale(m, dy, stream);
    uint8_t b[4];

    b[0] = 0x08 | (m->buttons & 7) | (sx < 0 ? 0x10 : 0) | (sy < 0 ? 0x20 : 0);
    b[1] = sx;
    b[2] = sy;
    b[3] = m->type == 4 ? (dz & 0x0f) | ((m->buttons & 0x18) << 1) : (uint8_t)dz;
    m->dx -= dx;
    m->dy -= dy;
    m->dz = m->type ? m->dz - dz : 0;
    m->sent_buttons = m->buttons;
    /* The controller may read the first bytes while we queue the rest:
     * keep mouse_sync() from slipping another packet in between. */
    m->busy = 1;
    for (unsigned i = 0; i < mouse_packet_size(m); i++) {
        if (reply)
            ps2_reply(&m->ps2, b[i]);
        else
            ps2_queue(&m->ps2, b[i]);
    }
    m->busy = 0;
}

static bool mouse_has_report(PS2Mouse *m)
{
    return m->dx || m->dy || (m->type && m->dz) || m->buttons != m->sent_buttons;
}

/* Stream mode: send what has accumulated while there is room. */
static void mouse_sync(PS2Mouse *m)
{
    if (m->busy || !(m->status & MOUSE_ST_ENABLED) || (m->status & MOUSE_ST_REMOTE))
        return;
    for (int i = 0; i < 16 && mouse_has_report(m); i++) {
        if (ps2_free(&m->ps2) < mouse_packet_size(m))
            break;
        mouse_send_packet(m, true, false);
    }
}

void ps2_mouse_event(Device *dev, int dx, int dy, int dz, unsigned buttons)
{
    PS2Mouse *m = (PS2Mouse *)dev;
    const int lim = 1 << 20;

    if (!(m->status & (MOUSE_ST_ENABLED | MOUSE_ST_REMOTE)))
        return; /* disabled in stream mode: the mouse reports nothing */
    m->dx = clamp(m->dx + dx, -lim, lim);
    m->dy = clamp(m->dy - dy, -lim, lim);
    m->dz = clamp(m->dz + dz, -lim, lim);
    m->buttons = buttons & 0x1f;
    mouse_sync(m);
}

/* Sample rates 200,100,80 -> ID 3; 200,200,80 -> ID 4. */
static void mouse_knock(PS2Mouse *m, uint8_t rate)
{
    switch (m->knock) {
    case 1:
        m->knock = rate == 100 ? 2 : (rate == 200 ? 3 : 0);
        break;
    case 2:
        if (rate == 80)
            m->type = 3;
        m->knock = rate == 200 ? 1 : 0;
        break;
    case 3:
        if (rate == 80)
            m->type = 4;
        m->knock = rate == 200 ? 3 : (rate == 100 ? 2 : 0);
        break;
    default:
        m->knock = rate == 200 ? 1 : 0;
        break;
    }
}

static void mouse_write_arg(PS2Mouse *m, uint8_t val)
{
    if (m->ps2.pending == MOUSE_CMD_SET_RES) {
        m->resolution = val & 3;
    } else {
        m->sample_rate = val;
        mouse_knock(m, val);
    }
    m->ps2.pending = 0;
    ps2_reply(&m->ps2, PS2_ACK);
}

static void mouse_status(PS2Mouse *m)
{
    /* buttons in the status byte: left bit 2, middle bit 1, right bit 0 */
    uint8_t b = (m->buttons & PS2_MOUSE_LEFT ? 4 : 0) | (m->buttons & PS2_MOUSE_MIDDLE ? 2 : 0) |
                (m->buttons & PS2_MOUSE_RIGHT ? 1 : 0);

    ps2_reply(&m->ps2, PS2_ACK);
    ps2_reply(&m->ps2, m->status | b);
    ps2_reply(&m->ps2, m->resolution);
    ps2_reply(&m->ps2, m->sample_rate);
}

static void mouse_set_status(PS2Mouse *m, uint8_t bit, bool on)
{
    m->status = on ? (m->status | bit) : (m->status & ~bit);
}

static void mouse_command(PS2Mouse *m, uint8_t val)
{
    PS2State *s = &m->ps2;

    switch (val) {
    case MOUSE_CMD_SCALING_1_1:
    case MOUSE_CMD_SCALING_2_1:
        mouse_set_status(m, MOUSE_ST_SCALE21, val == MOUSE_CMD_SCALING_2_1);
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_SET_RES:
    case MOUSE_CMD_SET_RATE:
        s->pending = val;
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_STATUS:
        mouse_status(m);
        break;
    case MOUSE_CMD_STREAM:
    case MOUSE_CMD_REMOTE:
        mouse_set_status(m, MOUSE_ST_REMOTE, val == MOUSE_CMD_REMOTE);
        m->dx = m->dy = m->dz = 0;
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_READ_DATA:
        ps2_reply(s, PS2_ACK);
        mouse_send_packet(m, false, true);
        break;
    case MOUSE_CMD_WRAP:
    case MOUSE_CMD_RESET_WRAP:
        m->wrap = val == MOUSE_CMD_WRAP;
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_GET_ID:
        ps2_reply(s, PS2_ACK);
        ps2_reply(s, m->type);
        break;
    case MOUSE_CMD_ENABLE:
    case MOUSE_CMD_DISABLE:
        ps2_clear_data(s);
        mouse_set_status(m, MOUSE_ST_ENABLED, val == MOUSE_CMD_ENABLE);
        m->dx = m->dy = m->dz = 0;
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_DEFAULTS:
        ps2_clear_data(s);
        mouse_set_defaults(m);
        ps2_reply(s, PS2_ACK);
        break;
    case MOUSE_CMD_RESEND:
        ps2_reply(s, s->last);
        break;
    case MOUSE_CMD_RESET:
        ps2_clear(s);
        mouse_set_defaults(m);
        m->type = 0;
        m->knock = 0;
        ps2_reply(s, PS2_ACK);
        ps2_reply(s, PS2_BAT_OK);
        ps2_reply(s, m->type);
        break;
    default:
        log_guest_error("ps2-mouse: unknown command 0x%02x\n", val);
        ps2_reply(s, PS2_RESEND);
        break;
    }
}

static void mouse_write(PS2Mouse *m, uint8_t val)
{
    if (m->wrap && val != MOUSE_CMD_RESET_WRAP && val != MOUSE_CMD_RESET) {
        ps2_reply(&m->ps2, val); /* wrap mode echoes */
        return;
    }
    if (m->ps2.pending) {
        mouse_write_arg(m, val);
        return;
    }
    mouse_command(m, val);
}

void ps2_write_data(Device *dev, uint8_t val)
{
    if (ps2_is_kbd(dev))
        kbd_write((PS2Kbd *)dev, val);
    else if (ps2_is_mouse(dev))
        mouse_write((PS2Mouse *)dev, val);
}

/* ---- qtest commands: "ps2_key NAME|NUM down|up", "ps2_mouse DX DY DZ BUTTONS" ---- */

static void ps2_qtest_key(int argc, char **argv)
{
    Device *kbd = device_find_by_class(TYPE_PS2_KBD);
    int keynum;

    if (argc != 3 || !kbd || (strcmp(argv[2], "down") && strcmp(argv[2], "up"))) {
        qtest_reply("FAIL usage: ps2_key NAME|NUMBER down|up\n");
        return;
    }
    keynum = ps2_keynum_from_name(argv[1]);
    if (keynum < 0)
        keynum = (int)strtol(argv[1], NULL, 0);
    if (!ps2_key_find(keynum)) {
        qtest_reply("FAIL unknown key %s\n", argv[1]);
        return;
    }
    ps2_keyboard_event(kbd, keynum, !strcmp(argv[2], "down"));
    qtest_reply("OK\n");
}

static void ps2_qtest_mouse(int argc, char **argv)
{
    Device *mouse = device_find_by_class(TYPE_PS2_MOUSE);

    if (argc != 5 || !mouse) {
        qtest_reply("FAIL usage: ps2_mouse DX DY DZ BUTTONS\n");
        return;
    }
    ps2_mouse_event(mouse, (int)strtol(argv[1], NULL, 0), (int)strtol(argv[2], NULL, 0),
                    (int)strtol(argv[3], NULL, 0), (unsigned)strtoul(argv[4], NULL, 0));
    qtest_reply("OK\n");
}

/* ---- devices ---- */

static void kbd_reset(Device *dev)
{
    PS2Kbd *k = (PS2Kbd *)dev;

    ps2_clear(&k->ps2);
    k->ps2.last = 0;
    k->overrun = 0;
    kbd_set_defaults(k);
    k->scan_enabled = 1;
}

static void mouse_reset(Device *dev)
{
    PS2Mouse *m = (PS2Mouse *)dev;

    ps2_clear(&m->ps2);
    m->ps2.last = 0;
    m->buttons = 0;
    mouse_set_defaults(m);
    m->type = 0;
    m->knock = 0;
}

static bool ps2_realize(Device *dev, Error **errp)
{
    static bool qtest_cmds_done;
    PS2State *s = (PS2State *)dev;

    device_init_gpio_out(dev, &s->irq, 1);
    if (!qtest_cmds_done) {
        qtest_register_command("ps2_key", ps2_qtest_key);
        qtest_register_command("ps2_mouse", ps2_qtest_mouse);
        qtest_cmds_done = true;
    }
    dev->cls->reset(dev);
    return true;
}

static int ps2_post_load(Device *dev)
{
    ps2_update_irq((PS2State *)dev);
    return 0;
}

#define PS2_VMSTATE_COMMON(type)                                                                   \
    VMSTATE_ARRAY(type, ps2.q), VMSTATE_FIELD(type, ps2.q_head),                                   \
        VMSTATE_FIELD(type, ps2.q_count), VMSTATE_FIELD(type, ps2.q_replies),                      \
        VMSTATE_FIELD(type, ps2.last), VMSTATE_FIELD(type, ps2.pending)

static const VMStateField kbd_vmstate_fields[] = {
    PS2_VMSTATE_COMMON(PS2Kbd),
    VMSTATE_FIELD(PS2Kbd, scan_enabled),
    VMSTATE_FIELD(PS2Kbd, scancode_set),
    VMSTATE_FIELD(PS2Kbd, leds),
    VMSTATE_FIELD(PS2Kbd, typematic),
    VMSTATE_FIELD(PS2Kbd, overrun),
    VMSTATE_ARRAY(PS2Kbd, key_type),
    VMSTATE_END,
};

static const VMStateDesc kbd_vmstate = {
    .name = "ps2kbd",
    .version = 1,
    .fields = kbd_vmstate_fields,
    .post_load = ps2_post_load,
};

static const VMStateField mouse_vmstate_fields[] = {
    PS2_VMSTATE_COMMON(PS2Mouse),
    VMSTATE_FIELD(PS2Mouse, status),
    VMSTATE_FIELD(PS2Mouse, resolution),
    VMSTATE_FIELD(PS2Mouse, sample_rate),
    VMSTATE_FIELD(PS2Mouse, wrap),
    VMSTATE_FIELD(PS2Mouse, type),
    VMSTATE_FIELD(PS2Mouse, knock),
    VMSTATE_FIELD(PS2Mouse, buttons),
    VMSTATE_FIELD(PS2Mouse, sent_buttons),
    VMSTATE_FIELD(PS2Mouse, dx),
    VMSTATE_FIELD(PS2Mouse, dy),
    VMSTATE_FIELD(PS2Mouse, dz),
    VMSTATE_END,
};

static const VMStateDesc mouse_vmstate = {
    .name = "ps2mouse",
    .version = 1,
    .fields = mouse_vmstate_fields,
    .post_load = ps2_post_load,
};

static const DeviceClass ps2_kbd_class = {
    .name = TYPE_PS2_KBD,
    .desc = "PS/2 keyboard (on the i8042)",
    .category = "input",
    .instance_size = sizeof(PS2Kbd),
    .user_creatable = false,
    .realize = ps2_realize,
    .reset = kbd_reset,
    .vmsd = &kbd_vmstate,
};
DEVICE_CLASS(ps2_kbd_class)

static const DeviceClass ps2_mouse_class = {
    .name = TYPE_PS2_MOUSE,
    .desc = "PS/2 mouse (on the i8042)",
    .category = "input",
    .instance_size = sizeof(PS2Mouse),
    .user_creatable = false,
    .realize = ps2_realize,
    .reset = mouse_reset,
    .vmsd = &mouse_vmstate,
};
DEVICE_CLASS(ps2_mouse_class)
