/* SPDX-License-Identifier: MIT */
/*
 * Interrupt lines between devices.
 *
 * An IrqLine is the input pin of a device: a handler, its opaque and the
 * pin number. A source device keeps a pointer to the sink's IrqLine and sets
 * its level; the line remembers nothing else. qtest's irq_intercept swaps the
 * handler of a line in place, so every source sees the interception.
 */
#ifndef KEMU_IRQ_H
#define KEMU_IRQ_H

#include "kemu/types.h"

typedef void IrqHandler(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler *handler;
    void *opaque;
    int n;
} IrqLine;

IrqLine *irq_new(IrqHandler *handler, void *opaque, int n);
/* An array of count lines numbered 0..count-1. */
IrqLine **irq_new_array(IrqHandler *handler, void *opaque, int count);

/* Set the level of a line. A NULL line is a pin left unconnected. */
static inline void irq_set(IrqLine *irq, int level)
{
    if (irq)
        irq->handler(irq->opaque, irq->n, level);
}
static inline void irq_raise(IrqLine *irq) { irq_set(irq, 1); }
static inline void irq_lower(IrqLine *irq) { irq_set(irq, 0); }
static inline void irq_pulse(IrqLine *irq)
{
    irq_set(irq, 1);
    irq_set(irq, 0);
}

#endif
