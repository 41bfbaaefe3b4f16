/* SPDX-License-Identifier: MIT */
/*
 * Fast handlers (ops-fast.c): specialised forms of the hottest
 * instructions, substituted by the decoder for the generic handler.
 *
 * The decoder calls x86_fast_select() once it has chosen an instruction's
 * generic handler; the answer is the handler to store in the DecodedInsn
 * (the generic one when no fast form applies). A fast handler gives
 * exactly the generic handler's results; when its inline path cannot (a
 * segment check or TLB lookup that misses, a lazy flag state it does not
 * evaluate inline) it calls the generic handler, which does the whole
 * instruction again.
 */
#ifndef CPU_X86_OPS_FAST_H
#define CPU_X86_OPS_FAST_H

#include "decode.h"

X86Handler *x86_fast_select(const CPUX86State *env, uint32_t hflags, const DecodedInsn *d);

/* Refine the fast handlers of a block of n instructions (decoded in
 * order, run from the first): flag consumers after a known flag setter. */
void x86_fast_block(DecodedInsn *insns, int n);

/* On by default; tests turn it off to compare against the generic
 * handlers (blocks decoded before the change keep their handlers: flush
 * the code cache). */
void x86_fast_enable(bool on);

#endif
