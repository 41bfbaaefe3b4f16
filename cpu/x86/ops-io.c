/* SPDX-License-Identifier: MIT */
/*
 * Port I/O: IN and OUT with an immediate port or DX.
 *
 * Ports go to the as_io address space. In protected mode with CPL > IOPL,
 * and always in virtual-8086 mode, the TSS I/O permission bitmap decides
 * (task.c).
 * Reference: Intel SDM vol. 2, IN, OUT; vol. 1, 19.5 "Protected-Mode I/O".
 */
#include "ops.h"

ALWAYS_INLINE void do_in(CPUX86State *env, int sz, unsigned port)
{
    unsigned bytes = sz == 3 ? 4 : 1u << sz;
    uint64_t v;

    x86_check_io(env, port, bytes);
    v = as_ld(&as_io, port, bytes, NULL);
    log_mask_printf(LOG_IOPORT, "in%c %04x -> %0*" PRIx64 "\n", "bwl"[sz > 2 ? 2 : sz], port,
                    bytes * 2, v);
    reg_write(env, 0, sz == 3 ? 2 : sz, v);
}

ALWAYS_INLINE void do_out(CPUX86State *env, int sz, unsigned port)
{
    unsigned bytes = sz == 3 ? 4 : 1u << sz;
    uint64_t v = reg_read(env, 0, sz == 3 ? 2 : sz);

    x86_check_io(env, port, bytes);
    log_mask_printf(LOG_IOPORT, "out%c %04x <- %0*" PRIx64 "\n", "bwl"[sz > 2 ? 2 : sz], port,
                    bytes * 2, v);
    as_st(&as_io, port, v, bytes, NULL);
}

ALWAYS_INLINE void in_i(CPUX86State *env, const DecodedInsn *d, int sz) { do_in(env, sz, d->imm & 0xff); }
ALWAYS_INLINE void in_dx(CPUX86State *env, const DecodedInsn *d, int sz)
{
    do_in(env, sz, env->regs[R_EDX] & 0xffff);
}
ALWAYS_INLINE void out_i(CPUX86State *env, const DecodedInsn *d, int sz) { do_out(env, sz, d->imm & 0xff); }
ALWAYS_INLINE void out_dx(CPUX86State *env, const DecodedInsn *d, int sz)
{
    do_out(env, sz, env->regs[R_EDX] & 0xffff);
}
X86_GEN4(hs_in_i, in_i);
X86_GEN4(hs_in_dx, in_dx);
X86_GEN4(hs_out_i, out_i);
X86_GEN4(hs_out_dx, out_dx);
