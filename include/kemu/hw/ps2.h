/* SPDX-License-Identifier: MIT */
/*
 * PS/2 keyboard and mouse: the controller's and the front ends' interface.
 *
 * "ps2-kbd" and "ps2-mouse" are created by the i8042 controller (they are
 * not user-creatable). Each holds a queue of bytes for the host; its output
 * pin 0 is high while the queue is not empty, and the controller pulls
 * the bytes with ps2_read_data(). Bytes the controller sends to the device
 * (commands and their arguments) go through ps2_write_data().
 *
 * Front ends find the devices with device_find_by_class(TYPE_PS2_KBD) and
 * report input with ps2_keyboard_event() / ps2_mouse_event().
 */
#ifndef KEMU_HW_PS2_H
#define KEMU_HW_PS2_H

#include "kemu/device.h"

#define TYPE_PS2_KBD "ps2-kbd"
#define TYPE_PS2_MOUSE "ps2-mouse"

/* Controller side */
void ps2_write_data(Device *ps2, uint8_t val);
/* Pop the next byte; with nothing queued, the last byte read again. */
uint8_t ps2_read_data(Device *ps2);
bool ps2_has_data(Device *ps2);

/*
 * Keys are numbered like QEMU's "key numbers" (the -sendkey/VNC/"number"
 * convention): the scancode set 1 make code, plus 0x80 for keys whose set 1
 * code is prefixed by 0xe0 (e.g. 0x9d right Ctrl, 0xc8 Up); Pause is 0xc6.
 * ps2_keynum_from_name() maps QEMU's QKeyCode names ("a", "ret", "shift",
 * "ctrl_r", "kp_enter", "f12", ...) to these numbers, -1 if unknown.
 */
int ps2_keynum_from_name(const char *name);
void ps2_keyboard_event(Device *kbd, int keynum, bool down);
/* Current LED state as set by the guest: bit 0 Scroll, 1 Num, 2 Caps Lock. */
int ps2_keyboard_leds(Device *kbd);

/* Mouse buttons for ps2_mouse_event() */
#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04
#define PS2_MOUSE_SIDE 0x08  /* 4th button (IntelliMouse Explorer) */
#define PS2_MOUSE_EXTRA 0x10 /* 5th button */

/* Relative motion: dx > 0 right, dy > 0 down (screen direction), dz > 0
 * wheel towards the user (scroll down); buttons is the new button state. */
void ps2_mouse_event(Device *mouse, int dx, int dy, int dz, unsigned buttons);

#endif
