/* SPDX-License-Identifier: MIT */
/*
 * Bit-count and checksum instructions on general-purpose registers:
 * POPCNT (F3 0F B8), TZCNT (F3 0F BC), LZCNT (F3 0F BD) and CRC32
 * (F2 0F 38 F0/F1, the Castagnoli polynomial 1EDC6F41h, bit-reflected).
 *
 * They use no SSE state (no CR0/CR4 checks); they live here because the
 * encodings share the mandatory-prefix scheme. Flags: POPCNT sets ZF for a
 * zero source and clears the rest; LZCNT/TZCNT set CF for a zero source and
 * ZF for a zero result, and clear OF, SF, AF, PF (undefined in the SDM;
 * cleared as current Intel processors do). CRC32 changes no flag.
 * Reference: Intel SDM Vol 2 POPCNT, LZCNT, TZCNT, CRC32.
 */
#include "sse-int.h"

static uint64_t src_value(const SSEExec *x)
{
    unsigned size = x->info.mem_size;

    return size >= 8 ? x->src.q[0] : x->src.q[0] & ((1ull << (8 * size)) - 1);
}

int sse_op_popcnt(SSEExec *x)
{
    uint64_t v = src_value(x);

    x->op->result.q[0] = (uint64_t)__builtin_popcountll(v);
    sse_set_eflags(x, v ? 0 : SSE_ZF);
    return 0;
}

static void count_result(SSEExec *x, unsigned n)
{
    unsigned bits = 8 * x->info.mem_size;

    x->op->result.q[0] = n;
    sse_set_eflags(x, (n == bits ? SSE_CF : 0) | (n == 0 ? SSE_ZF : 0));
}

int sse_op_lzcnt(SSEExec *x)
{
    uint64_t v = src_value(x);
    unsigned bits = 8 * x->info.mem_size;

    count_result(x, v ? (unsigned)__builtin_clzll(v) - (64 - bits) : bits);
    return 0;
}

int sse_op_tzcnt(SSEExec *x)
{
    uint64_t v = src_value(x);
    unsigned bits = 8 * x->info.mem_size;

    count_result(x, v ? (unsigned)__builtin_ctzll(v) : bits);
    return 0;
}

/* CRC32 r32/r64, r/m8/16/32/64: the reflected CRC-32C of the source bytes,
 * starting from the destination's low 32 bits; no inversion. */
int sse_op_crc32(SSEExec *x)
{
    uint32_t crc = (uint32_t)x->op->gpr;

    for (unsigned i = 0; i < x->info.mem_size; i++) {
        crc ^= x->src.b[i];
        for (unsigned k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
    }
    x->op->result.q[0] = crc;
    return 0;
}
