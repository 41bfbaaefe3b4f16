/* SPDX-License-Identifier: MIT */
/*
 * kemu-img -p progress output, in qemu-img's form: "    (12.34/100%)\r"
 * on stdout, reprinted each time the progress grows by at least one
 * percent, and once more with a newline at the end.
 * Reference: QEMU util/qemu-progress.c behaviour as seen on a terminal.
 */
#include "tools/kemu-img.h"

static bool progress_enabled;
static double progress_last = -1.0;

static void img_progress_show(double percent)
{
    printf("    (%3.2f/100%%)\r", percent);
    fflush(stdout);
}

void img_progress_init(bool enabled)
{
    progress_enabled = enabled;
    progress_last = 0.0;
    if (enabled)
        img_progress_show(0.0);
}

void img_progress_print(double percent)
{
    if (!progress_enabled)
        return;
    if (percent > 100.0)
        percent = 100.0;
    if (percent - progress_last >= 1.0 || (percent == 100.0 && progress_last < 100.0)) {
        progress_last = percent;
        img_progress_show(percent);
    }
}

void img_progress_end(void)
{
    if (!progress_enabled)
        return;
    img_progress_show(100.0);
    printf("\n");
    fflush(stdout);
    progress_enabled = false;
}
