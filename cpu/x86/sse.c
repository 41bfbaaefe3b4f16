/* SPDX-License-Identifier: MIT */
/*
 * SSE engine entry points: reset, instruction info, dispatch, MXCSR and
 * the FXSAVE image.
 *
 * sse_exec() looks the encoding up (sse-table.c), gathers the r/m operand
 * (an XMM register, the memory value or GPR the core fetched, or an MMX
 * register read with the x87-to-MMX transition) and runs the handler.
 * MXCSR and the FXSAVE layout follow Intel SDM Vol 1 §10.2.3 and Table
 * 10-2; reset values Vol 3A Table 9-1.
 */
#include "sse-int.h"

#include <inttypes.h>

void sse_reset(SSEState *s)
{
    memset(s->xmm, 0, sizeof(s->xmm));
    s->mxcsr = SSE_MXCSR_RESET;
}

static uint8_t valid_osize(uint8_t osize)
{
    return osize == 2 || osize == 8 ? osize : 4;
}

static SSEInfo entry_info(const SSEEntry *e, uint8_t modrm, bool rex_w, uint8_t osize)
{
    SSEInfo info = { .flags = e->flags, .mem_size = e->size, .gpr_size = 4,
                     .feature = e->feature };
    bool mem = modrm < 0xc0;

    osize = valid_osize(osize);
    if ((mem && (e->how & H_REG_ONLY)) || (!mem && (e->how & H_MEM_ONLY)))
        return (SSEInfo){ .flags = SSE_I_UD };
    if ((e->how & H_MEM_W) && rex_w)
        info.mem_size = 8;
    if (e->how & H_MEM_OSIZE)
        info.mem_size = osize;
    if ((e->how & H_GPR_W) && rex_w)
        info.gpr_size = 8;
    if (e->how & H_GPR_OSIZE)
        info.gpr_size = osize;
    if ((e->how & H_REG_MMX) || (!mem && (e->how & H_RM_MMX)))
        info.flags |= SSE_I_MMX;
    return info;
}

SSEInfo sse_insn_info(uint8_t map, uint8_t opcode, uint8_t prefix, uint8_t modrm, bool rex_w,
                      uint8_t osize)
{
    const SSEEntry *e = sse_lookup(map, opcode, prefix, modrm);

    if (!e)
        return (SSEInfo){ .flags = SSE_I_UD };
    return entry_info(e, modrm, rex_w, osize);
}

/* The r/m operand as the handlers see it. */
static void load_src(SSEExec *x)
{
    const SSEOp *op = x->op;

    memset(&x->src, 0, sizeof(x->src));
    if (x->mem) {
        if (x->info.flags & SSE_I_LOAD)
            memcpy(x->src.b, op->src.b, x->info.mem_size);
    } else if (x->e->flags & SSE_I_RM_GPR) {
        x->src.q[0] = op->src.q[0];
    } else if (x->e->how & H_RM_MMX) {
        x->src.q[0] = mmx_read(x->x87, x->rm & 7);
    } else {
        x->src = x->s->xmm[x->rm];
    }
}

int sse_exec(SSEState *s, X87State *x87, SSEOp *op)
{
    const SSEEntry *e = sse_lookup(op->map, op->opcode, op->prefix, op->modrm);
    SSEExec x = { .s = s, .x87 = x87, .op = op, .e = e, .mem = op->modrm < 0xc0,
                  .reg = op->reg & 15, .rm = op->rm & 15 };

    if (!e)
        return 6;
    x.info = entry_info(e, op->modrm, op->rex_w, op->osize);
    if (x.info.flags & SSE_I_UD)
        return 6;
    load_src(&x);
    memset(&op->result, 0, sizeof(op->result));
    return e->fn(&x);
}

bool sse_ldmxcsr(SSEState *s, uint32_t val)
{
    if (val & ~SSE_MXCSR_WRITABLE)
        return false;
    s->mxcsr = val;
    return true;
}

void sse_fxsave(const SSEState *s, uint8_t img[512], unsigned nxmm)
{
    stl_le(img + 24, s->mxcsr);
    stl_le(img + 28, SSE_MXCSR_WRITABLE);
    for (unsigned i = 0; i < nxmm && i < 16; i++)
        memcpy(img + 160 + 16 * i, s->xmm[i].b, 16);
}

bool sse_fxrstor(SSEState *s, const uint8_t img[512], unsigned nxmm)
{
    if (!sse_ldmxcsr(s, ldl_le(img + 24)))
        return false;
    for (unsigned i = 0; i < nxmm && i < 16; i++)
        memcpy(s->xmm[i].b, img + 160 + 16 * i, 16);
    return true;
}

void sse_dump(const SSEState *s, unsigned nxmm, FILE *out)
{
    fprintf(out, "MXCSR=%08x\n", s->mxcsr);
    for (unsigned i = 0; i < nxmm && i < 16; i++)
        fprintf(out, "XMM%02u=%016" PRIx64 "%016" PRIx64 "%s", i, s->xmm[i].q[1], s->xmm[i].q[0],
                (i & 1) ? "\n" : " ");
    if (nxmm & 1)
        fputc('\n', out);
}
