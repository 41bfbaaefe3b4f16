/* SPDX-License-Identifier: MIT */
/*
 * Intel 8042 keyboard controller: the board's interface.
 *
 * "i8042" answers ports 0x60 (data) and 0x64 (status/command) and creates
 * its PS/2 keyboard and mouse ("ps2-kbd", "ps2-mouse", see ps2.h).
 * Output pins: 0 = IRQ1 (keyboard), 1 = IRQ12 (mouse), both taken from the
 * ISA bus at realize, and 2 = the A20 gate (output port bit 1), which the
 * board connects to the CPU's x86_cpu_set_a20(). Output port bit 0 low
 * (command 0xfe, or 0xd1 with bit 0 clear) requests a system reset.
 */
#ifndef KEMU_HW_I8042_H
#define KEMU_HW_I8042_H

#include "kemu/device.h"

#define TYPE_I8042 "i8042"

enum {
    I8042_OUT_IRQ_KBD = 0,
    I8042_OUT_IRQ_MOUSE = 1,
    I8042_OUT_A20 = 2,
};

/* The controller's PS/2 devices (for front ends and boards). */
Device *i8042_get_kbd(Device *i8042);
Device *i8042_get_mouse(Device *i8042);

#endif
