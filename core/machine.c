/* SPDX-License-Identifier: MIT */
/*
 * Machine (board) registry, machine reset and the firmware search path.
 *
 * Boards register a MachineClass from a constructor; the command line picks
 * one by name, alias or accepted prefix (QEMU manual, "-machine"). The help
 * text follows `qemu-system-x86_64 -M help`. Firmware files are looked up
 * in the -L directories, then kemu's data directory and the Debian paths of
 * SeaBIOS, QEMU's ROMs, iPXE and Bochs' VGA BIOS. This file also defines
 * the trivial "none" machine (no CPU, no devices), the fallback default.
 */
#include <libgen.h>
#include <unistd.h>

#include "config-host.h"
#include "kemu/cpu.h"
#include "kemu/device.h"
#include "kemu/machine.h"

MachineState *current_machine;
const char *target_name = "x86_64";

static const MachineClass **mc_table;
static int mc_count;
static const MachineClass *current_mc;

void machine_class_register(const MachineClass *mc)
{
    int i;

    mc_table = xrealloc(mc_table, sizeof(*mc_table) * (mc_count + 1));
    for (i = mc_count; i > 0 && strcmp(mc_table[i - 1]->name, mc->name) > 0; i--)
        mc_table[i] = mc_table[i - 1];
    mc_table[i] = mc;
    mc_count++;
}

const MachineClass *machine_class_find(const char *name)
{
    for (int i = 0; i < mc_count; i++) {
        const MachineClass *mc = mc_table[i];

        if (!strcmp(mc->name, name) || (mc->alias && !strcmp(mc->alias, name)))
            return mc;
    }
    for (int i = 0; i < mc_count; i++) {
        const char *pfx = mc_table[i]->accept_prefix;

        if (pfx && !strncmp(name, pfx, strlen(pfx)))
            return mc_table[i];
    }
    return NULL;
}

const MachineClass *machine_class_default(void)
{
    for (int i = 0; i < mc_count; i++) {
        if (mc_table[i]->is_default)
            return mc_table[i];
    }
    return machine_class_find("none");
}

void machine_print_help(FILE *out)
{
    fprintf(out, "Supported machines are:\n");
    for (int i = 0; i < mc_count; i++) {
        const MachineClass *mc = mc_table[i];

        if (mc->alias)
            fprintf(out, "%-20s %s (alias of %s)\n", mc->alias, mc->desc, mc->name);
        fprintf(out, "%-20s %s%s\n", mc->name, mc->desc, mc->is_default ? " (default)" : "");
    }
}

void machine_set_current(MachineState *ms, const MachineClass *mc)
{
    current_machine = ms;
    current_mc = mc;
}

const MachineClass *machine_current_class(void)
{
    return current_mc;
}

void machine_reset(void)
{
    devices_reset_all();
    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next) {
        if (cpu->ops && cpu->ops->reset)
            cpu->ops->reset(cpu);
    }
    if (current_mc && current_mc->reset && current_machine)
        current_mc->reset(current_machine);
}

/* ---- firmware search path ---- */

/* The directory "pc-bios" next to the executable (a build tree), or NULL. */
static const char *firmware_build_dir(void)
{
    static char *dir;
    static bool done;
    char exe[4096];
    ssize_t n;

    if (done)
        return dir;
    done = true;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    dir = xasprintf("%s/pc-bios", dirname(exe));
    return dir;
}

int firmware_builtin_dirs(const char **dirs, int max)
{
    const char *all[] = { firmware_build_dir(), KEMU_DATADIR, "/usr/share/seabios",
                          "/usr/share/qemu", "/usr/lib/ipxe/qemu", "/usr/share/bochs" };
    int n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(all) && n < max; i++) {
        if (all[i])
            dirs[n++] = all[i];
    }
    return n;
}

static char *firmware_try(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);

    if (access(path, R_OK) == 0)
        return path;
    free(path);
    return NULL;
}

char *firmware_find(const char *name)
{
    const char *builtin[8];
    int nb = firmware_builtin_dirs(builtin, ARRAY_SIZE(builtin));
    char *path;

    if (!name || !*name)
        return NULL;
    if (strchr(name, '/'))
        return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
    for (int i = 0; current_machine && i < current_machine->nr_fw_dirs; i++) {
        if ((path = firmware_try(current_machine->fw_dirs[i], name)))
            return path;
    }
    for (int i = 0; i < nb; i++) {
        if ((path = firmware_try(builtin[i], name)))
            return path;
    }
    return NULL;
}

/* ---- the "none" machine ---- */

static void machine_none_init(MachineState *ms)
{
    (void)ms;
}

static const MachineClass machine_none = {
    .name = "none",
    .desc = "empty machine",
    .max_cpus = 1,
    .default_ram_size = 0,
    .init = machine_none_init,
};
MACHINE_CLASS(machine_none)
