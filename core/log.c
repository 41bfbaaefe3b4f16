/* SPDX-License-Identifier: MIT */
/*
 * Debug logging: -d items and the -D log file.
 *
 * Models QEMU's logging options (QEMU manual, "Debug/Expert options": -d,
 * -D). The item names and help lines follow `qemu-system-x86_64 -d help`;
 * "ioport" and "trace" are kemu extensions. Output goes to stderr unless a
 * log file is set.
 */
#include <errno.h>
#include <stdarg.h>

#include "kemu/log.h"

unsigned log_mask;
static FILE *log_fp;

typedef struct LogItem {
    const char *name;
    unsigned mask;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { "in_asm", LOG_IN_ASM, "show target assembly code for each compiled TB" },
    { "int", LOG_INT, "show interrupts/exceptions in short format" },
    { "exec", LOG_EXEC, "show trace before each executed TB (lots of logs)" },
    { "cpu", LOG_CPU, "show CPU registers before entering a TB (lots of logs)" },
    { "mmu", LOG_MMU, "log MMU-related activities" },
    { "pcall", LOG_PCALL, "x86 only: show protected mode far calls/returns/exceptions" },
    { "cpu_reset", LOG_CPU_RESET, "show CPU state before CPU resets" },
    { "unimp", LOG_UNIMP, "log unimplemented functionality" },
    { "guest_errors", LOG_GUEST_ERROR,
      "log when the guest OS does something invalid (eg accessing a\nnon-existent register)" },
    { "ioport", LOG_IOPORT, "show every port I/O access" },
    { "trace", LOG_TRACE, "show device trace messages" },
};

FILE *log_file(void)
{
    return log_fp ? log_fp : stderr;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(log_file(), fmt, ap);
    va_end(ap);
}

static const LogItem *log_item_find(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        if (strlen(log_items[i].name) == len && !strncmp(log_items[i].name, name, len))
            return &log_items[i];
    }
    return NULL;
}

bool log_parse_items(const char *str, unsigned *mask, Error **errp)
{
    unsigned m = 0;
    const char *p = str;

    while (*p) {
        size_t len = strcspn(p, ",");
        const LogItem *item = log_item_find(p, len);

        if (len == 3 && !strncmp(p, "all", 3)) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
                m |= log_items[i].mask;
        } else if (item) {
            m |= item->mask;
        } else if (len) {
            error_setg(errp, "unknown log item '%.*s' (try -d help)", (int)len, p);
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return true;
}

void log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
        printf("%-15s %s\n", log_items[i].name, log_items[i].help);
}

bool log_set_file(const char *path, Error **errp)
{
    FILE *fp = fopen(path, "w");

    if (!fp) {
        error_setg_errno(errp, errno, "Error opening logfile %s", path);
        return false;
    }
    setvbuf(fp, NULL, _IOLBF, 0);
    if (log_fp)
        fclose(log_fp);
    log_fp = fp;
    return true;
}
