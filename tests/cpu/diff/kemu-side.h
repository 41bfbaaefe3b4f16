/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: running a DiffCase in kemu.
 *
 * A thin test layer over the CPU's private interface (cpu/x86/cpu.h): one
 * x86 CPU in 32-bit flat protected mode at CPL 3, segment selectors and
 * GDT mirroring a 32-bit process on x86-64 Linux, RAM under the diff.h
 * layout, and a stepper that decodes and runs exactly one instruction
 * (repeating it while a REP keeps EIP in place) with faults caught, not
 * delivered.
 */
#ifndef TESTS_CPU_DIFF_KEMU_SIDE_H
#define TESTS_CPU_DIFF_KEMU_SIDE_H

#include <stdbool.h>

#include "diff.h"

/* Set up the machine once: layout base, the native helper's selectors
 * (ES CS SS DS FS GS) and a -cpu model string. Returns false on error. */
bool kemu_side_init(uint32_t base, const uint16_t sregs[6], const char *model);
/* Run one case; fills every field of r, including the change list. */
void kemu_side_run(const DiffCase *c, DiffResult *r);

#endif
