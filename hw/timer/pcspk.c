/* SPDX-License-Identifier: MIT */
/*
 * PC system control port B ("isa-pcspk", port 0x61): speaker, refresh, NMI status.
 *
 * Port 0x61 as on the PC/AT and the PIIX/ICH south bridges (Intel 82371AB
 * PIIX4 datasheet 4.1.14 NMI Status and Control Register):
 *   write bit 0: GATE2 of the 8254 (speaker timer gate)
 *   write bit 1: speaker data enable (no audio is produced)
 *   write bit 2: 1 = clear and disable the SERR# NMI source (bit 7)
 *   write bit 3: 1 = clear and disable the IOCHK# NMI source (bit 6)
 *   read  bit 4: refresh toggle; flips every 15.085 us of virtual time
 *                (18 ticks of the 8254 clock, the PC's refresh period)
 *   read  bit 5: OUT2 of the 8254
 *   read  bit 6: IOCHK# NMI source latched
 *   read  bit 7: SERR# NMI source latched
 * Input pins 0 (SERR#) and 1 (IOCHK#) set the status bits when enabled;
 * output pin 0 is the resulting NMI request level (the board gates it
 * with the RTC index port's NMI mask).
 * QEMU (hw/audio/pcspk.c) flips bit 4 on every read and has no NMI
 * sources; kemu derives bit 4 from the virtual clock so that guests
 * timing delays by counting refresh toggles see the real rate.
 */
#include "kemu/hw/i8254.h"
#include "kemu/isa.h"
#include "kemu/log.h"
#include "kemu/memory.h"
#include "kemu/timer.h"

#define PORTB_GATE2 0x01
#define PORTB_SPKR 0x02
#define PORTB_SERR_DIS 0x04
#define PORTB_IOCHK_DIS 0x08
#define PORTB_REFRESH 0x10
#define PORTB_OUT2 0x20
#define PORTB_IOCHK 0x40
#define PORTB_SERR 0x80
#define PORTB_WRITABLE 0x0f

/* 18 clocks of the 8254 = 15.0857 us */
#define PCSPK_REFRESH_NS (18LL * NANOSECONDS_PER_SECOND / PIT_FREQ)

typedef struct PCSpkState {
    Device parent;
    uint32_t iobase;     /* property */
    char *pit_id;        /* property: the 8254 whose counter 2 we gate */
    Device *pit;
    IrqLine *nmi;        /* NMI request */
    MemRegion io;
    uint8_t ctrl;        /* bits 3-0 as written */
    uint8_t status;      /* PORTB_SERR / PORTB_IOCHK latched */
} PCSpkState;

static Device *pcspk_pit(PCSpkState *s)
{
    if (!s->pit)
        s->pit = s->pit_id ? device_find_by_id(s->pit_id) : device_find_by_class(TYPE_PIT);
    return s->pit;
}

static void pcspk_update_nmi(PCSpkState *s)
{
    irq_set(s->nmi, s->status != 0);
}

static uint64_t pcspk_read(void *opaque, hwaddr addr, unsigned size)
{
    PCSpkState *s = opaque;
    Device *pit = pcspk_pit(s);
    uint8_t val = s->ctrl | s->status;

    if ((vclock_get_ns() / PCSPK_REFRESH_NS) & 1)
        val |= PORTB_REFRESH;
    if (pit && pit_get_out(pit, 2))
        val |= PORTB_OUT2;
    return val;
}

static void pcspk_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCSpkState *s = opaque;
    Device *pit = pcspk_pit(s);

    s->ctrl = val & PORTB_WRITABLE;
    if (val & PORTB_SERR_DIS)
        s->status &= ~PORTB_SERR;
    if (val & PORTB_IOCHK_DIS)
        s->status &= ~PORTB_IOCHK;
    if (pit)
        pit_set_gate(pit, 2, val & PORTB_GATE2);
    pcspk_update_nmi(s);
}

static const IoOps pcspk_ops = {
    .read = pcspk_read,
    .write = pcspk_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* Pin 0: SERR#, pin 1: IOCHK# (active high here). */
static void pcspk_nmi_in(void *opaque, int n, int level)
{
    PCSpkState *s = opaque;
    uint8_t bit = n ? PORTB_IOCHK : PORTB_SERR;
    uint8_t dis = n ? PORTB_IOCHK_DIS : PORTB_SERR_DIS;

    if (level && !(s->ctrl & dis))
        s->status |= bit;
    pcspk_update_nmi(s);
}

static void pcspk_reset(Device *dev)
{
    PCSpkState *s = (PCSpkState *)dev;

    s->ctrl = 0;
    s->status = 0;
    pcspk_update_nmi(s);
}

static bool pcspk_realize(Device *dev, Error **errp)
{
    PCSpkState *s = (PCSpkState *)dev;

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-pcspk: iobase 0x%x out of range", s->iobase);
        return false;
    }
    if (s->pit_id && !device_find_by_id(s->pit_id)) {
        error_setg(errp, "isa-pcspk: no device with id '%s'", s->pit_id);
        return false;
    }
    device_init_gpio_in(dev, pcspk_nmi_in, 2);
    device_init_gpio_out(dev, &s->nmi, 1);
    mr_init_io(&s->io, "pcspk", 1, &pcspk_ops, s);
    isa_register_ioport(&s->io, s->iobase);
    pcspk_reset(dev);
    return true;
}

static const VMStateField pcspk_vmstate_fields[] = {
    VMSTATE_FIELD(PCSpkState, ctrl),
    VMSTATE_FIELD(PCSpkState, status),
    VMSTATE_END,
};

static const VMStateDesc pcspk_vmstate = {
    .name = "pcspk",
    .version = 1,
    .fields = pcspk_vmstate_fields,
};

static const Property pcspk_props[] = {
    DEFINE_PROP("iobase", PROP_UINT32, PCSpkState, iobase, 0x61, "port"),
    DEFINE_PROP_STRING("pit", PCSpkState, pit_id, "id of the isa-pit (default: the first)"),
    DEFINE_PROP_END,
};

static const DeviceClass pcspk_class = {
    .name = TYPE_PCSPK,
    .desc = "PC speaker / system control port B (0x61)",
    .category = "sound",
    .bus = "isa",
    .instance_size = sizeof(PCSpkState),
    .props = pcspk_props,
    .user_creatable = true,
    .realize = pcspk_realize,
    .reset = pcspk_reset,
    .vmsd = &pcspk_vmstate,
};
DEVICE_CLASS(pcspk_class)
