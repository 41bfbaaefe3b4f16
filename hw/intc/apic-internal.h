/* SPDX-License-Identifier: MIT */
/*
 * Local APIC internals shared by hw/intc/apic.c (one APIC: registers,
 * LVT, timer, the CPU side) and hw/intc/apic_bus.c (the APIC bus: message
 * routing by destination, MSI, the shared register page, the 8259 line
 * and the EOI listeners). Nothing outside these two files includes it.
 */
#ifndef HW_INTC_APIC_INTERNAL_H
#define HW_INTC_APIC_INTERNAL_H

#include "kemu/hw/apic.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

#define APIC_BUS_MAX 256

/* IA32_APIC_BASE */
#define APICBASE_BSP (1ULL << 8)
#define APICBASE_EXTD (1ULL << 10)
#define APICBASE_ENABLE (1ULL << 11)
#define APICBASE_ADDR 0x000ffffffffff000ULL

/* LVT entries, in register order */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_NB };

/* ICR destination shorthands */
enum { SH_NONE, SH_SELF, SH_ALL, SH_OTHERS };

/* One local APIC. */
typedef struct ApicState {
    Device parent;
    /* properties */
    uint32_t initial_id;        /* APIC ID after reset */
    uint32_t version;           /* version field of the LVR */
    /* wiring */
    CPUState *cpu;              /* NULL: no CPU (tests) */
    IrqLine *intr;              /* output 0: the CPU's INTR as the APIC drives it */
    int bus_index;              /* position on the APIC bus; 0 is the BSP */
    Timer timer;
    /* guest-visible registers */
    uint64_t apicbase;          /* IA32_APIC_BASE */
    uint32_t id;                /* APIC ID (8 bits xAPIC, 32 bits x2APIC) */
    uint8_t tpr;                /* task priority */
    uint32_t svr;               /* spurious interrupt vector register */
    uint32_t ldr;               /* logical destination (xAPIC: bits 31:24) */
    uint32_t dfr;               /* destination format (model in 31:28) */
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr;               /* errors latched at the last ESR write */
    uint32_t esr_pending;       /* errors seen since the last ESR write */
    uint32_t icr_lo, icr_hi;    /* interrupt command */
    uint32_t lvt[LVT_NB];
    uint32_t tmict;             /* timer initial count */
    uint32_t tdcr;              /* timer divide configuration */
    /* timer state */
    uint32_t count0;            /* current count at time t0 */
    int64_t t0;
    int64_t tsc_deadline;       /* TSC-deadline expiry in ns, -1 disarmed */
    /* pins and CPU handshakes */
    uint8_t lint_level[2];      /* LINT0/LINT1 input levels */
    uint8_t extint_msg;         /* an ExtINT message awaits acknowledge */
    uint8_t wait_for_sipi;      /* INIT done, start-up IPI expected */
    uint8_t sipi_vector;
    uint8_t intr_level;         /* level of the intr output */
} ApicState;


static inline bool apic_hw_enabled(const ApicState *s) { return s->apicbase & APICBASE_ENABLE; }
static inline bool apic_x2(const ApicState *s) { return s->apicbase & APICBASE_EXTD; }

/* apic.c: the receiving APIC */
uint8_t apic_ppr(const ApicState *s);
/* Accept a message with delivery mode dm (SDM 10.6). */
void apic_accept(ApicState *s, int dm, uint8_t vector, bool level);
void apic_lint_set(ApicState *s, int n, int level);
/* Register page access of the running CPU's APIC. */
uint64_t apic_mmio_read(ApicState *s, hwaddr addr, unsigned size);
void apic_mmio_write(ApicState *s, hwaddr addr, uint64_t val, unsigned size);

/* apic_bus.c */
/* Put s on the bus (and map the windows on first use); s->bus_index is its
 * position, 0 for the BSP. False with errp set on a duplicate ID. */
bool apic_bus_attach(ApicState *s, Error **errp);
/* Send a message from src (NULL: IOAPIC/MSI) with a shorthand or to dest
 * (x2msg: a 32-bit x2APIC destination). */
void apic_bus_send(ApicState *src, int shorthand, uint32_t dest, bool logical, bool x2msg,
                   int dm, uint8_t vector, bool level);
/* EOI broadcast of a level-triggered vector. */
void apic_bus_eoi(int vector);
/* The 8259's INTA, or -1 without an 8259. */
int apic_bus_pic_ack(void);
/* The running CPU's APIC (X86ApicOps.cpu_enter). */
void apic_bus_set_current(ApicState *s);
/* Follow the BSP's IA32_APIC_BASE with the register page. */
void apic_bus_update_page(void);

#endif
