#!/bin/sh
# SPDX-License-Identifier: MIT
# test-linux-iso: Debian's kernel booted by GRUB from a CD (slow suite).
#
# cache/guests/ARCH/linux.iso (grub-mkrescue, made by
# scripts/fetch-guests.sh) holds the kernel and the test initramfs; GRUB's
# menu entry boots them with console=ttyS0. Run as
#   kemu -m 512 -cdrom linux.iso -boot d
# then the checks of linux-guest.sh (without -icount for now:
# docs/linux.md, "Status").
# Usage: test-linux-iso.sh KEMU_BINARY ARCH (i386 or amd64). TAP output.
KEMU=${1:-kemu-system-x86_64}
ARCH=${2:-amd64}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"
. "$SRC/linux-guest.sh"

if [ ! -x "$KEMU" ]; then
    echo "1..0 # SKIP no kemu binary at $KEMU"
    exit 0
fi
linux_guests_ready
ISO="$GUESTS/$ARCH/linux.iso"
if [ ! -s "$ISO" ]; then
    echo "1..0 # SKIP no $ISO (needs grub-pc-bin, xorriso, mtools)"
    exit 0
fi
linux_expect
case $ARCH in
i386) uname=i686 LINUX_FLAGS="" ;;
*) uname=x86_64 LINUX_FLAGS="lm sse sse2" ;;
esac
cpu=""
[ -n "$LINUX_CPU" ] && cpu="-cpu $LINUX_CPU"
cd_args="-cdrom $ISO"
# No -icount yet: under it SeaBIOS's CD reads crawl (docs/linux.md).
echo "# $KEMU $cpu -no-reboot -m 512 $cd_args -boot d"
start=$(date +%s)
# shellcheck disable=SC2086
kemu_run iso 900 $cpu -no-reboot -m 512 $cd_args -boot d
echo "# iso: $(($(date +%s) - start)) s, exit status $rc"
grep -q "Booting .kemu test guest'" "$TMP/iso.txt"
ok $? "GRUB boots its menu entry from the CD"
linux_check iso $uname
finish
