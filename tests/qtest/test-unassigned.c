/* SPDX-License-Identifier: MIT */
/*
 * test-unassigned: accesses that hit nothing read as all ones.
 *
 * Unused I/O ports and unmapped physical memory return all ones and
 * swallow writes (kemu's rule, see docs: QEMU reads unassigned memory as
 * 0, so the memory half is skipped when testing QEMU).
 */
#include <stdio.h>

#include "libqtest.h"

#define NOWHERE 0x4000000000ULL /* 256 GiB: far above any RAM */

int main(void)
{
    uint8_t buf[8];
    bool all_ff = true;

    qtest_start(qtest_isa_machine());
    qt_eq(inb(0x1234), 0xff, "inb from an unused port");
    qt_eq(inw(0x1234), 0xffff, "inw from an unused port");
    qt_eq(inl(0x1234), 0xffffffff, "inl from an unused port");
    outl(0x1234, 0);
    qt_eq(inl(0x1234), 0xffffffff, "writes to an unused port are dropped");
    if (qtest_is_qemu()) {
        qt_skip("QEMU reads unassigned memory as 0", "unassigned memory");
    } else {
        qt_eq(readb(NOWHERE), 0xff, "readb of unassigned memory");
        qt_eq(readw(NOWHERE), 0xffff, "readw of unassigned memory");
        qt_eq(readl(NOWHERE), 0xffffffff, "readl of unassigned memory");
        qt_eq(readq(NOWHERE), UINT64_MAX, "readq of unassigned memory");
        writel(NOWHERE, 0x12345678);
        qt_eq(readl(NOWHERE), 0xffffffff, "writes to unassigned memory are dropped");
        memread(NOWHERE, buf, sizeof(buf));
        for (size_t i = 0; i < sizeof(buf); i++)
            all_ff &= buf[i] == 0xff;
        qt_ok(all_ff, "block read of unassigned memory is all 0xff");
    }
    qtest_end();
    return qt_done();
}
