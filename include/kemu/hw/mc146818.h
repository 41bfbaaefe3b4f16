/* SPDX-License-Identifier: MIT */
/*
 * Motorola MC146818 real-time clock and CMOS RAM: the board's interface.
 *
 * "mc146818rtc" answers ports 0x70 (index, bit 7 = NMI mask, not stored)
 * and 0x71 (data) with 128 bytes: the clock registers 0x00-0x0d, the
 * century at 0x32 and battery-backed RAM the firmware uses. Output pin 0
 * is the IRQ line (ISA IRQ 8). The board fills the CMOS configuration
 * bytes (memory size, equipment, boot order) and their checksum through
 * rtc_set_cmos(); the checksum at 0x2e/0x2f over 0x10-0x2d is the board's.
 */
#ifndef KEMU_HW_MC146818_H
#define KEMU_HW_MC146818_H

#include "kemu/device.h"

#define TYPE_MC146818_RTC "mc146818rtc"

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32 /* QEMU's (and the IBM PS/2's) century byte */

/* Byte addr (0-127) of the CMOS, as the guest would see it. Clock
 * registers read the current time; writes store the byte as is. */
void rtc_set_cmos(Device *rtc, int addr, uint8_t val);
uint8_t rtc_get_cmos(Device *rtc, int addr);

#endif
