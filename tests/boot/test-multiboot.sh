#!/bin/sh
# SPDX-License-Identifier: MIT
# test-multiboot: multiboot v1 kernels given to -kernel.
#
# multiboot-kernel.asm (assembled here, as an a.out-kludge image and as an
# ELF32 whose entry point is virtual) prints what it was handed; checked:
#  1. EAX = 0x2BADB002, the info flags (mem, boot device, cmdline, mods,
#     mmap, loader name), mem_lower = 639 KiB and mem_upper = the E820 RAM
#     at 1 MiB, which ends within the last MiB of -m
#  2. the command line "<kernel> <-append>" and boot loader name "kemu"
#  3. two modules from -initrd "file args,file args" (",," in a file
#     name): page-aligned, byte-exact, with their strings
#  4. the memory map: RAM at 0 and at 1 MiB, the BIOS area reserved
#  5. CPU state: protected mode, paging off, IF clear, flat segments
#     loaded (CS 0x08, DS = SS 0x10 of the ROM's GDT), bss zeroed
#  6. errors: unknown required flags, a 64-bit ELF, a missing module
# Usage: test-multiboot.sh KEMU_BINARY NASM. TAP output.
KEMU=${1:-kemu-system-x86_64}
NASM=${2:-nasm}
SRC=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"

if [ ! -x "$KEMU" ] || ! command -v "$NASM" >/dev/null; then
    echo "1..0 # SKIP needs the kemu binary and nasm"
    exit 0
fi
if ! timeout 10 "$KEMU" -cpu help 2>/dev/null | grep -q "^x86 "; then
    echo "1..0 # SKIP no x86 CPU in this build"
    exit 0
fi

EXIT_OK=33
RAM_MB=128
DBG="-device isa-debug-exit,iobase=0xf4,iosize=4"
"$NASM" -f bin -o "$TMP/k-aout" "$SRC/multiboot-kernel.asm"
"$NASM" -f bin -DELF -o "$TMP/k-elf" "$SRC/multiboot-kernel.asm"
"$NASM" -f bin -DBADFLAGS -o "$TMP/k-bad" "$SRC/multiboot-kernel.asm"
printf 'hello module one\n' >"$TMP/mod1"
head -c 70000 /dev/urandom >"$TMP/a,b"
MODS="$TMP/mod1 arg1 arg2,$TMP/a,,b"

check_kernel() { # check_kernel KIND
    k="$TMP/k-$1"
    kemu_run "$1" 30 -m $RAM_MB $DBG -kernel "$k" -initrd "$MODS" -append "hello world"
    is "$rc" "$EXIT_OK" "$1: the kernel ran to the end (exit status)"
    is "$(line "$1" MB-MAGIC)" "2BADB002" "$1: EAX = 0x2BADB002"
    is "$(line "$1" MB-FLAGS)" "0000024F" "$1: flags: mem, boot device, cmdline, mods, mmap, name"
    mem=$(line "$1" MB-MEM)
    ram1m=$(sed -n 's/^MB-MMAP 00000000 00100000 00000000 \([0-9A-F]*\) 00000001$/\1/p' \
        "$TMP/$1.txt")
    is "${mem% *}" "0000027F" "$1: mem_lower = 639 KiB"
    is "${mem#* }" "$(hex8 $((0x${ram1m:-0} / 1024)))" "$1: mem_upper = the E820 RAM at 1 MiB"
    top=$((0x100000 + 0x${ram1m:-0}))
    [ $top -le $((RAM_MB << 20)) ] && [ $top -gt $(((RAM_MB - 1) << 20)) ]
    ok $? "$1: the RAM at 1 MiB ends in the last MiB of -m $RAM_MB"
    is "$(line "$1" MB-CMDLINE)" "$k hello world" "$1: command line"
    is "$(line "$1" MB-LOADER)" "kemu" "$1: boot loader name"
    is "$(line "$1" MB-MODS)" "00000002" "$1: two modules"
    sed -n 's/^MB-MOD //p' "$TMP/$1.txt" >"$TMP/$1.mods"
    m1=$(sed -n 1p "$TMP/$1.mods")
    m2=$(sed -n 2p "$TMP/$1.mods")
    s1=$((0x${m1%% *}))
    s2=$((0x${m2%% *}))
    is "$m1" "$(hex8 $s1) $(hex8 $((s1 + 17))) $(bytesum "$TMP/mod1") $TMP/mod1 arg1 arg2" \
        "$1: module 1: range, contents, string"
    is "$m2" "$(hex8 $s2) $(hex8 $((s2 + 70000))) $(bytesum "$TMP/a,b") $TMP/a,b" \
        "$1: module 2 (',,' in its name)"
    [ $((s1 & 4095)) = 0 ] && [ $((s2 & 4095)) = 0 ] && [ $s1 -ge $((0x100000)) ] &&
        [ $s2 -ge $((s1 + 17)) ]
    ok $? "$1: modules page-aligned, after the kernel, in order"
    grep -q "^MB-MMAP 00000000 00000000 00000000 0009FC00 00000001$" "$TMP/$1.txt"
    ok $? "$1: mmap: 639 KiB of RAM at 0"
    grep -q "^MB-MMAP 00000000 000F0000 00000000 00010000 00000002$" "$TMP/$1.txt"
    ok $? "$1: mmap: the BIOS at 0xf0000 reserved"
    cpu=$(line "$1" MB-CPU)
    set -- "$1" $cpu
    [ $((0x$2 & 0x80000001)) = 1 ]
    ok $? "$1: CR0: protected mode, paging off"
    [ $((0x$3 & 0x200)) = 0 ]
    ok $? "$1: interrupts off"
    is "$4 $5 $6" "00000008 00000010 00000010" "$1: CS, DS, SS"
    is "$(line "$1" MB-BSS)" "00000000" "$1: bss zeroed"
}
check_kernel aout
check_kernel elf

fails() { # fails DESCRIPTION PATTERN ARGS...
    desc=$1 pattern=$2
    shift 2
    kemu_run err 10 -m $RAM_MB "$@"
    [ "$rc" = 1 ] && grep -q -- "$pattern" "$TMP/err.err"
    ok $? "error: $desc"
    [ "$rc" = 1 ] || sed 's/^/#   /' "$TMP/err.err"
}
fails "unknown required flag" "requires unknown multiboot features" -kernel "$TMP/k-bad"
cp "$TMP/k-elf" "$TMP/k-elf64"
printf '\002' | dd of="$TMP/k-elf64" bs=1 seek=4 conv=notrunc 2>/dev/null
fails "64-bit ELF" "64-bit ELF: multiboot v1 needs a 32-bit kernel" -kernel "$TMP/k-elf64"
fails "missing module" "multiboot module: could not open" -kernel "$TMP/k-aout" \
    -initrd "$TMP/mod1,$TMP/nope arg"

finish
