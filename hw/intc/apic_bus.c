/* SPDX-License-Identifier: MIT */
/*
 * The APIC bus: messages between the local APICs, the IOAPIC and PCI MSI.
 *
 * Holds every local APIC of the machine and routes interrupt messages to
 * them by destination (Intel SDM Vol. 3A 10.6.2: physical APIC ID or
 * broadcast; logical flat and cluster models; x2APIC 32-bit logical IDs,
 * 10.12.10), shorthand (self, all, all but self) and lowest-priority
 * arbitration (here: the lowest PPR, the first on a tie). It owns the
 * 0xfee00000-0xfeefffff window where PCI devices write MSIs (SDM 10.11)
 * and the xAPIC register page inside it, which follows the BSP's
 * IA32_APIC_BASE and dispatches to the running CPU's APIC; the 8259 INT
 * line that reaches every LINT0 and the 8259 acknowledge for ExtINT; and
 * the EOI broadcast to the IOAPICs. As the bus of one machine, its state
 * is module-level and reached only through apic-internal.h and apic.h.
 */
#include "apic-internal.h"
#include "kemu/log.h"

/* The APIC bus: every local APIC of the machine, the shared MMIO windows,
 * the 8259 acknowledge and the EOI listeners (IOAPICs). */
static struct {
    ApicState *apics[APIC_BUS_MAX];
    int nr;
    ApicState *current;         /* APIC of the running CPU */
    X86IntrAckFn *pic_ack;
    void *pic_opaque;
    struct {
        ApicEoiFn *fn;
        void *opaque;
    } eoi[4];
    int nr_eoi;
    IrqLine pic_line;
    MemRegion page;             /* the xAPIC register page */
    MemRegion msi;              /* 0xfee00000-0xfeefffff: MSI writes */
    bool mapped;
} apic_bus;

static void apic_bus_map(void);

/* ---- membership ---- */

bool apic_bus_attach(ApicState *s, Error **errp)
{
    for (int i = 0; i < apic_bus.nr; i++) {
        if (apic_bus.apics[i]->initial_id == s->initial_id) {
            error_setg(errp, "APIC ID %u is already in use", s->initial_id);
            return false;
        }
    }
    if (apic_bus.nr >= APIC_BUS_MAX) {
        error_setg(errp, "too many local APICs");
        return false;
    }
    s->bus_index = apic_bus.nr;
    apic_bus.apics[apic_bus.nr++] = s;
    apic_bus_map();
    return true;
}

void apic_bus_set_current(ApicState *s)
{
    apic_bus.current = s;
}

/* ---- destinations ---- */


/* Logical destination match (SDM 10.6.2.2, 10.12.10.2). */
static bool apic_match_logical(const ApicState *s, uint32_t dest, bool x2msg)
{
    uint8_t d8 = dest, l8 = s->ldr >> 24;

    if (apic_x2(s)) {
        if (!x2msg)
            return d8 == 0xff || (d8 & s->ldr & 0xff);
        return dest == 0xffffffffu ||
               ((dest >> 16) == (s->ldr >> 16) && (dest & s->ldr & 0xffff));
    }
    if (d8 == 0xff)
        return true;
    if ((s->dfr >> 28) == 0xf)
        return (d8 & l8) != 0;
    return (d8 >> 4) == (l8 >> 4) && (d8 & l8 & 0xf);
}

static bool apic_match_dest(const ApicState *s, uint32_t dest, bool logical, bool x2msg)
{
    if (!apic_hw_enabled(s))
        return false;
    if (logical)
        return apic_match_logical(s, dest, x2msg);
    if (x2msg ? dest == 0xffffffffu : (dest & 0xff) == 0xff)
        return true;
    return s->id == (x2msg ? dest : (dest & 0xff));
}

/* Collect the targets of a message; returns their count. */
static int apic_bus_targets(ApicState **out, ApicState *src, int shorthand, uint32_t dest,
                            bool logical, bool x2msg)
{
    int n = 0;

    if (shorthand == SH_SELF) {
        out[0] = src;
        return 1;
    }
    for (int i = 0; i < apic_bus.nr; i++) {
        ApicState *t = apic_bus.apics[i];

        if (shorthand == SH_OTHERS && t == src)
            continue;
        if (shorthand != SH_NONE ? apic_hw_enabled(t) : apic_match_dest(t, dest, logical, x2msg))
            out[n++] = t;
    }
    return n;
}

/* Lowest-priority arbitration: the target with the lowest PPR. */
static ApicState *apic_lowest_priority(ApicState **t, int n)
{
    ApicState *best = NULL;

    for (int i = 0; i < n; i++) {
        if (!best || apic_ppr(t[i]) < apic_ppr(best))
            best = t[i];
    }
    return best;
}

void apic_bus_send(ApicState *src, int shorthand, uint32_t dest, bool logical, bool x2msg,
                   int dm, uint8_t vector, bool level)
{
    ApicState *targets[APIC_BUS_MAX];
    int n = apic_bus_targets(targets, src, shorthand, dest, logical, x2msg);

    if (dm == APIC_DM_LOWPRI && n > 1) {
        targets[0] = apic_lowest_priority(targets, n);
        n = 1;
    }
    for (int i = 0; i < n; i++)
        apic_accept(targets[i], dm, vector, level);
}

void apic_bus_deliver(uint32_t dest, bool logical, int delivery_mode, uint8_t vector, bool level)
{
    apic_bus_send(NULL, SH_NONE, dest & 0xff, logical, false, delivery_mode, vector, level);
}

void apic_bus_deliver_msi(uint64_t addr, uint32_t data)
{
    uint8_t dest = (addr >> 12) & 0xff;
    bool logical = (addr >> 2) & 1;
    int dm = (data >> 8) & 7;
    bool level = (data >> 15) & 1;

    if ((addr & 0xfff00000ULL) != APIC_DEFAULT_ADDRESS) {
        log_guest_error("apic: MSI to bad address 0x%llx\n", (unsigned long long)addr);
        return;
    }
    apic_bus_deliver(dest, logical, dm, data & 0xff, level);
}

void apic_bus_add_eoi_listener(ApicEoiFn *fn, void *opaque)
{
    if (apic_bus.nr_eoi >= (int)ARRAY_SIZE(apic_bus.eoi)) {
        log_unimp("apic: too many EOI listeners\n");
        return;
    }
    apic_bus.eoi[apic_bus.nr_eoi].fn = fn;
    apic_bus.eoi[apic_bus.nr_eoi].opaque = opaque;
    apic_bus.nr_eoi++;
}

static void apic_bus_pic_set(void *opaque, int n, int level)
{
    for (int i = 0; i < apic_bus.nr; i++)
        apic_lint_set(apic_bus.apics[i], 0, level);
}

IrqLine *apic_bus_pic_line(void)
{
    apic_bus.pic_line.handler = apic_bus_pic_set;
    return &apic_bus.pic_line;
}

void apic_bus_set_pic_ack(X86IntrAckFn *ack, void *opaque)
{
    apic_bus.pic_ack = ack;
    apic_bus.pic_opaque = opaque;
}

void apic_bus_nmi(void)
{
    for (int i = 0; i < apic_bus.nr; i++) {
        ApicState *s = apic_bus.apics[i];
        int level = s->lint_level[1];

        apic_lint_set(s, 1, 1);
        apic_lint_set(s, 1, level);
    }
}

void apic_bus_eoi(int vector)
{
    for (int i = 0; i < apic_bus.nr_eoi; i++)
        apic_bus.eoi[i].fn(apic_bus.eoi[i].opaque, vector);
}

int apic_bus_pic_ack(void)
{
    return apic_bus.pic_ack ? apic_bus.pic_ack(apic_bus.pic_opaque) : -1;
}

/* ---- the MSI window and the register page ---- */


static ApicState *apic_bus_current(void)
{
    return apic_bus.current ? apic_bus.current : (apic_bus.nr ? apic_bus.apics[0] : NULL);
}

static uint64_t apic_page_read(void *opaque, hwaddr addr, unsigned size)
{
    ApicState *s = apic_bus_current();

    if (!s || !apic_hw_enabled(s) || apic_x2(s))
        return ~0ULL; /* the page is not claimed: as unassigned */
    return apic_mmio_read(s, addr, size);
}

/* The first 16 bytes are no register: writes there are MSIs (QEMU). */
static void apic_page_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ApicState *s = apic_bus_current();

    if (addr < 0x10 && size == 4) {
        apic_bus_deliver_msi(APIC_DEFAULT_ADDRESS + addr, val);
        return;
    }
    if (s && apic_hw_enabled(s) && !apic_x2(s))
        apic_mmio_write(s, addr, val, size);
}

static const IoOps apic_page_ops = {
    .read = apic_page_read,
    .write = apic_page_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t apic_msi_read(void *opaque, hwaddr addr, unsigned size)
{
    log_guest_error("apic: read of the MSI window at 0x%llx\n",
                    (unsigned long long)(APIC_DEFAULT_ADDRESS + addr));
    return ~0ULL;
}

static void apic_msi_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    apic_bus_deliver_msi(APIC_DEFAULT_ADDRESS + addr, val);
}

static const IoOps apic_msi_ops = {
    .read = apic_msi_read,
    .write = apic_msi_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* Place the register page at the BSP's base; hide it when disabled. */
void apic_bus_update_page(void)
{
    ApicState *bsp = apic_bus.nr ? apic_bus.apics[0] : NULL;

    if (!apic_bus.mapped || !bsp)
        return;
    mem_transaction_begin();
    mr_set_address(&apic_bus.page, bsp->apicbase & APICBASE_ADDR);
    mr_set_enabled(&apic_bus.page, apic_hw_enabled(bsp) && !apic_x2(bsp));
    mem_transaction_commit();
}

static void apic_bus_map(void)
{
    if (apic_bus.mapped)
        return;
    mr_init_io(&apic_bus.msi, "apic-msi", APIC_MSI_SIZE, &apic_msi_ops, NULL);
    mr_init_io(&apic_bus.page, "apic", 0x1000, &apic_page_ops, NULL);
    mr_add_subregion_overlap(&mr_system, APIC_DEFAULT_ADDRESS, &apic_bus.msi, 1);
    mr_add_subregion_overlap(&mr_system, APIC_DEFAULT_ADDRESS, &apic_bus.page, 2);
    apic_bus.mapped = true;
}

