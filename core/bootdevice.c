/* SPDX-License-Identifier: MIT */
/*
 * Boot devices chosen with bootindex=: the firmware's "bootorder" list.
 *
 * Devices register their firmware device path with their bootindex; the
 * list is kept sorted by index, and bootdevice_list() renders it as QEMU
 * renders the fw_cfg "bootorder" file: paths separated by '\n', the whole
 * ended by one NUL. Reference: QEMU docs/system/bootindex.rst; SeaBIOS
 * src/boot.c (loadBootOrder).
 */
#include "kemu/bootdevice.h"

typedef struct BootDevice {
    int bootindex;
    char *path;
    struct BootDevice *next;
} BootDevice;

static BootDevice *boot_devices; /* ascending bootindex */

bool bootdevice_add(int bootindex, const char *path, Error **errp)
{
    BootDevice **p = &boot_devices, *b;

    while (*p && (*p)->bootindex < bootindex)
        p = &(*p)->next;
    if (*p && (*p)->bootindex == bootindex) {
        error_setg(errp, "The bootindex %d has already been used", bootindex);
        return false;
    }
    b = XNEW0(BootDevice);
    b->bootindex = bootindex;
    b->path = xstrdup(path);
    b->next = *p;
    *p = b;
    return true;
}

char *bootdevice_list(size_t *len)
{
    size_t total = 0;
    char *list, *q;

    for (BootDevice *b = boot_devices; b; b = b->next)
        total += strlen(b->path) + 1; /* its '\n', or the final NUL */
    *len = total;
    if (!total)
        return NULL;
    q = list = xmalloc(total);
    for (BootDevice *b = boot_devices; b; b = b->next) {
        size_t n = strlen(b->path);

        memcpy(q, b->path, n);
        q += n;
        *q++ = b->next ? '\n' : '\0';
    }
    return list;
}

void bootdevice_reset(void)
{
    while (boot_devices) {
        BootDevice *b = boot_devices;

        boot_devices = b->next;
        free(b->path);
        free(b);
    }
}
