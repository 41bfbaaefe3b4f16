/* SPDX-License-Identifier: MIT */
/*
 * Interrupt line allocation.
 *
 * An IrqLine is a sink pin: a handler, its opaque and the pin number. The
 * level-setting helpers are inline in include/kemu/irq.h; this file only
 * allocates lines (cf. QEMU's qemu_allocate_irqs in hw/core/irq.c).
 */
#include "kemu/irq.h"

IrqLine *irq_new(IrqHandler *handler, void *opaque, int n)
{
    IrqLine *irq = XNEW0(IrqLine);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

IrqLine **irq_new_array(IrqHandler *handler, void *opaque, int count)
{
    IrqLine **lines = XNEW0N(IrqLine *, count > 0 ? count : 1);

    for (int i = 0; i < count; i++)
        lines[i] = irq_new(handler, opaque, i);
    return lines;
}
