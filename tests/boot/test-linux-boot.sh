#!/bin/sh
# SPDX-License-Identifier: MIT
# test-linux-boot: -kernel/-initrd/-append with a stand-in bzImage.
#
# bzimage-stub.asm (assembled here) is entered by kemu's boot ROM like a
# Linux setup and prints what it was handed; each value is checked against
# the Linux x86 boot protocol and kemu's (QEMU's) layout:
#  1. registers at entry: CS = setup_seg + 0x20, DS = ES = SS = 0x1000,
#     SP = 0xfff0, IF clear
#  2. header fields: type_of_loader 0xb0, CAN_USE_HEAP, heap_end_ptr
#     0xfe00, cmd_line_ptr 0x20000 with the -append text, "vga=" in vid_mode
#  3. the protected-mode kernel at 1 MiB, byte for byte
#  4. two -initrd files joined by a comma: concatenated (the first padded
#     to 4 bytes), placed page-aligned as high as the RAM the BIOS reports
#     (INT 15h E801h) allows, or below initrd_addr_max
#  5. the same through the ROM's port-I/O path (no fw_cfg DMA), SeaBIOS
#     booting the ROM before any disk
#  6. errors: old protocol, non-kernel file, command line too long, initrd
#     too large, bad vga=, missing files, -initrd/-append without -kernel
# Usage: test-linux-boot.sh KEMU_BINARY NASM. TAP output.
KEMU=${1:-kemu-system-x86_64}
NASM=${2:-nasm}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
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

EXIT_OK=33 # the stub's isa-debug-exit status
DBG="-device isa-debug-exit,iobase=0xf4,iosize=4"
RAM_MB=128
stub() { # stub NAME [NASM -D options]
    name=$1
    shift
    "$NASM" -f bin "$@" -o "$TMP/$name" "$SRC/bzimage-stub.asm"
}
stub bz
stub bz-old -DVERSION=0x0201
stub bz-short -DCMDLINE_SIZE=16
stub bz-low -DINITRD_MAX=0x3ffffff
KSUM=$(tail -c 4096 "$TMP/bz" | bytesum)
head -c 100001 /dev/urandom >"$TMP/rd1"
printf 'abc' >"$TMP/rd2"
RD_SIZE=$((4 + 100001))
RD_SUM=$(bytesum "$TMP/rd2" "$TMP/rd1")
CMDLINE="console=ttyS0 vga=0x317 root=/dev/ram0 x"

# check_run NAME WHAT: the values every good boot must show
check_run() {
    is "$rc" "$EXIT_OK" "$2: the stub ran to the end (exit status)"
    is "$(line "$1" BZ-SEGS)" "00001020 00001000 00001000 00001000 0000FFF0 00000002" \
        "$2: CS DS ES SS SP FLAGS at entry"
    is "$(line "$1" BZ-LOADER)" "000000B0 00000081 0000FE00 00000317" \
        "$2: type_of_loader, loadflags, heap_end_ptr, vid_mode"
    is "$(line "$1" BZ-CMDLINE)" "00020000 $CMDLINE" "$2: cmd_line_ptr and the command line"
    is "$(line "$1" BZ-KERNEL)" "$KSUM" "$2: the kernel at 1 MiB"
    top=$((0x$(line "$1" BZ-E801)))
    [ $top -gt $(((RAM_MB - 1) << 20)) ] && [ $top -le $((RAM_MB << 20)) ]
    ok $? "$2: E801 says the RAM ends in the last MiB of -m $RAM_MB"
    is "$(line "$1" BZ-INITRD)" "$(hex8 $(((top - RD_SIZE) & ~4095))) $(hex8 $RD_SIZE) $RD_SUM" \
        "$2: two initrds concatenated at the top of RAM"
}

# 1-4. the DMA path
kemu_run dma 30 -m $RAM_MB $DBG -kernel "$TMP/bz" -initrd "$TMP/rd2,$TMP/rd1" -append "$CMDLINE"
check_run dma "fw_cfg DMA"

# 5. the port-I/O path, with SeaBIOS's console on COM1 (-nographic)
mkdir "$TMP/pio"
"$NASM" -f bin -DFORCE_PIO -I "$ROOT/pc-bios/" -o "$TMP/pio/raw" "$ROOT/pc-bios/kemu-linuxboot.asm"
python3 "$ROOT/pc-bios/rom-sign.py" "$TMP/pio/raw" "$TMP/pio/kemu-linuxboot.bin"
kemu_run pio 30 -nographic -L "$TMP/pio" -m $RAM_MB $DBG -kernel "$TMP/bz" \
    -initrd "$TMP/rd2,$TMP/rd1" -append "$CMDLINE"
check_run pio "port I/O"
grep -q "^Booting from ROM" "$TMP/pio.txt" &&
    ! grep -q "Booting from \(Floppy\|Hard\)" "$TMP/pio.txt"
ok $? "SeaBIOS boots the ROM first"

# 4b. initrd_addr_max below the RAM; no -append, no initrd
kemu_run low 30 -m $RAM_MB $DBG -kernel "$TMP/bz-low" -initrd "$TMP/rd1"
is "$(line low BZ-INITRD)" \
    "$(hex8 $(((0x4000000 - 100001) & ~4095))) $(hex8 100001) $(bytesum "$TMP/rd1")" \
    "initrd placed below initrd_addr_max"
is "$(line low BZ-CMDLINE)" "00020000 " "no -append: an empty command line"
kemu_run none 30 -m $RAM_MB $DBG -kernel "$TMP/bz"
is "$(line none BZ-INITRD)" "00000000 00000000 00000000" "no -initrd: ramdisk fields stay 0"
is "$(line none BZ-LOADER)" "000000B0 00000081 0000FE00 0000FFFF" "no vga=: vid_mode untouched"

# 6. errors: exit status 1 and a message, before the guest runs
fails() { # fails DESCRIPTION PATTERN ARGS...
    desc=$1 pattern=$2
    shift 2
    kemu_run err 10 -m $RAM_MB "$@"
    [ "$rc" = 1 ] && grep -q -- "$pattern" "$TMP/err.err"
    ok $? "error: $desc"
    [ "$rc" = 1 ] || sed 's/^/#   /' "$TMP/err.err"
}
fails "boot protocol 2.01" "boot protocol 2.01: kemu needs 2.02" -kernel "$TMP/bz-old"
printf 'this is not a kernel' >"$TMP/junk"
fails "not a kernel" "neither a Linux bzImage" -kernel "$TMP/junk"
fails "command line too long" "command line is 21 bytes long" \
    -kernel "$TMP/bz-short" -append "0123456789 0123456789"
head -c $((20 * 1024 * 1024)) /dev/zero >"$TMP/big"
fails "initrd larger than the RAM" "initrd is too large" -m 16 -kernel "$TMP/bz" -initrd "$TMP/big"
fails "bad vga=" "invalid 'vga=' kernel parameter" -kernel "$TMP/bz" -append "vga=fast"
fails "missing kernel" "could not open" -kernel "$TMP/nonexistent"
fails "missing initrd" "initrd: could not open" -kernel "$TMP/bz" -initrd "$TMP/rd1,$TMP/nope"
fails "-initrd without -kernel" "-initrd only allowed with -kernel option" -initrd "$TMP/rd1"
fails "-append without -kernel" "-append only allowed with -kernel option" -append "x"

finish
