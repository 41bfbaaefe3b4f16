/* SPDX-License-Identifier: MIT */
/*
 * The PC's fw_cfg items, as QEMU's pc machine provides them to SeaBIOS.
 *
 *   FW_CFG_UUID           16 zero bytes (no -uuid yet)
 *   FW_CFG_RAM_SIZE       u64, all the RAM
 *   FW_CFG_NOGRAPHIC      u16, 1 with -nographic: SeaBIOS then runs its
 *                         serial console on COM1 by itself ("etc/sercon-port"
 *                         is not set by QEMU for the PC and not here either)
 *   FW_CFG_NB_CPUS        u16, CPUs present at boot
 *   FW_CFG_MAX_CPUS       u16, highest APIC ID + 1
 *   FW_CFG_NUMA           u64 array: node count (0), one node per APIC ID,
 *                         no node sizes
 *   FW_CFG_BOOT_MENU      u16, -boot menu=on
 *   FW_CFG_IRQ0_OVERRIDE  u32 1: the IOAPIC takes ISA IRQ 0 on input 2
 *   "etc/e820"            the memory map (RAM below and above 4 GiB)
 *   "etc/boot-menu-wait"  u16 ms, only with -boot splash-time=
 *   "etc/boot-fail-wait"  u32 ms, -boot reboot-timeout= or -1 (never)
 *   "bootorder"           the device paths of bootindex= devices (QEMU's
 *                         get_boot_devices_list()), filled at the first
 *                         reset once -device devices exist
 *   "bios-geometry"       disk geometry overrides: empty
 *   (no "genroms/kvmvapic.bin": that ROM is QEMU's own binary, and kemu
 *   never loads QEMU files. Without its BCV, SeaBIOS lists "Hard Disk"
 *   only for a real disk, so the no-disk boot order differs from QEMU's
 *   by that one line; see docs/pc.md.)
 *
 * ACPI ("etc/acpi/...", "etc/table-loader"), SMBIOS ("etc/smbios/..."), the
 * HPET item and option ROMs are added by their own subsystems through
 * pc_machine()->fw_cfg. Reference: QEMU's hw/i386/fw_cfg.c
 * fw_cfg_arch_create(), hw/nvram/fw_cfg.c fw_cfg_init1() and
 * fw_cfg_bootsplash()/fw_cfg_reboot(), checked against qemu-system-x86_64
 * 7.2 -M pc.
 */
#include "kemu/bootdevice.h"
#include "kemu/hw/pc.h"

#define FW_CFG_BOOT_WAIT_MAX 0xffff

static void pc_fw_cfg_numa(PCMachineState *pcms, int apic_id_limit)
{
    size_t len = (1 + (size_t)apic_id_limit) * sizeof(uint64_t);
    uint8_t *numa = xzalloc(len);

    fw_cfg_add_bytes(pcms->fw_cfg, FW_CFG_NUMA, numa, len);
    free(numa);
}

static void pc_fw_cfg_boot(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;
    FWCfgState *fw = pcms->fw_cfg;
    uint8_t b[4];

    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, ms->boot_menu);
    if (ms->boot_splash_time >= 0) {
        if (ms->boot_splash_time > FW_CFG_BOOT_WAIT_MAX) {
            error_report("splash-time is invalid,it should be a value between 0 and 65535");
            exit(1);
        }
        stw_le(b, ms->boot_splash_time);
        fw_cfg_add_file(fw, "etc/boot-menu-wait", b, 2);
    }
    if (ms->boot_reboot_timeout > FW_CFG_BOOT_WAIT_MAX) {
        error_report("reboot timeout is invalid,it should be a value between -1 and 65535");
        exit(1);
    }
    stl_le(b, ms->boot_reboot_timeout < 0 ? UINT32_MAX : (uint32_t)ms->boot_reboot_timeout);
    fw_cfg_add_file(fw, "etc/boot-fail-wait", b, 4);
    fw_cfg_add_file(fw, "bootorder", NULL, 0);
    fw_cfg_add_file(fw, "bios-geometry", NULL, 0);
}

void pc_fw_cfg_init(PCMachineState *pcms)
{
    MachineState *ms = pcms->ms;
    int max_cpus = ms->smp_max_cpus > ms->smp_cpus ? ms->smp_max_cpus : ms->smp_cpus;
    static const uint8_t uuid[16];
    FWCfgState *fw;

    pcms->fw_cfg = fw = fw_cfg_init_io_dma(FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE, &as_memory);
    fw_cfg_add_bytes(fw, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, ms->nographic);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp_cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, max_cpus);
    pc_fw_cfg_numa(pcms, max_cpus);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    pc_fw_cfg_boot(pcms);
    pc_e820_publish(pcms);
}

/* After -device: the bootindex= devices' paths, behind what the board put
 * there already (the -kernel boot ROM). */
void pc_fw_cfg_bootorder(PCMachineState *pcms)
{
    size_t len, old_len = 0;
    char *list = bootdevice_list(&len), *order;
    const uint8_t *old = fw_cfg_file_data(pcms->fw_cfg, "bootorder", &old_len);

    if (!list)
        return;
    while (old && old_len && (old[old_len - 1] == 0 || old[old_len - 1] == '\n'))
        old_len--;
    order = xasprintf("%.*s%s%s", (int)old_len, old ? (const char *)old : "", old_len ? "\n" : "",
                      list);
    fw_cfg_modify_file(pcms->fw_cfg, "bootorder", order, strlen(order) + 1);
    free(order);
    free(list);
}
