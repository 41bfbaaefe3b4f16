#!/bin/sh
# SPDX-License-Identifier: MIT
# test-media-grub: Debian's GRUB rescue images boot from CD, floppy and
# hard disk, and GRUB's command line works over SeaBIOS's serial console
# (-nographic: GRUB writes through INT 10h, which SeaBIOS mirrors to COM1,
# and reads keys that SeaBIOS takes from COM1):
#  1. -cdrom grub-rescue-cdrom.iso -boot d (plus an empty 8 MiB qcow2
#     -hda): "Booting from DVD/CD...", the menu; 'c' gives "grub>"; "ls"
#     lists (hd0) (cd) (cd,msdos1) (fd0); the disk's and the empty default
#     floppy drive's sizes; the CD's root directory
#  2. -fda grub-rescue-floppy.img: "Booting from Floppy...", GRUB loading,
#     the menu, GRUB reads the floppy's ISO 9660 file system
#  3. the floppy image as a qcow2 hard disk (-hda): "Booting from Hard
#     Disk...", the same through INT 13h on the IDE disk
# Every expected line is what qemu-system-x86_64 7.2 prints in the same
# run. The images come from scripts/fetch-media.sh (cache/media/); the
# test is skipped when they cannot be fetched.
# Usage: test-media-grub.sh KEMU KEMU_IMG. TAP output.
KEMU=${1:-kemu-system-x86_64}
KEMU_IMG=${2:-kemu-img}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
MEDIA=${KEMU_MEDIA:-$ROOT/cache/media}
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"

if [ ! -x "$KEMU" ]; then
    echo "1..0 # SKIP no kemu binary at $KEMU"
    exit 0
fi
if ! timeout 10 "$KEMU" -cpu help 2>/dev/null | grep -q "^x86 "; then
    echo "1..0 # SKIP no x86 CPU in this build"
    exit 0
fi
if ! KEMU_MEDIA=$MEDIA "$ROOT/scripts/fetch-media.sh" --check &&
    ! KEMU_MEDIA=$MEDIA "$ROOT/scripts/fetch-media.sh" >"$TMP/fetch.log" 2>&1; then
    echo "1..0 # SKIP no boot media in $MEDIA (scripts/fetch-media.sh failed)"
    exit 0
fi
VERSION=$(sed -n 's/^Package: grub-rescue-pc Version: //p' "$MEDIA/versions")
ESC=$(printf '\033')

# clean NAME: the console text without carriage returns and escape codes.
clean() {
    tr -d '\r' <"$TMP/$1.raw" | sed "s/$ESC\[[0-9;?]*[A-Za-z]//g; s/${ESC}c//g" >"$TMP/$1.txt"
}

# wait_for NAME PATTERN COUNT: until the console shows PATTERN COUNT times
# (60 s at most); false if not.
wait_for() {
    i=0
    while [ $i -lt 600 ]; do
        clean "$1"
        [ "$(grep -c -- "$2" "$TMP/$1.txt")" -ge "$3" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# session NAME "CMD1;CMD2;..." ARGS...: boot with -nographic, wait for the
# menu, press 'c', then type each command and wait for the next prompt.
session() {
    name=$1 cmds=$2
    shift 2
    mkfifo "$TMP/$name.in"
    "$KEMU" -nographic "$@" <"$TMP/$name.in" >"$TMP/$name.raw" 2>"$TMP/$name.err" &
    PID=$!
    exec 3>"$TMP/$name.in"
    if wait_for "$name" "automatically in" 1; then
        printf c >&3
        prompts=1
        wait_for "$name" "^grub>" $prompts
        old_ifs=$IFS
        IFS=';'
        for c in $cmds; do
            printf '%s\r' "$c" >&3
            prompts=$((prompts + 1))
            wait_for "$name" "^grub>" $prompts || break
        done
        IFS=$old_ifs
    fi
    exec 3>&-
    kill $PID 2>/dev/null
    wait $PID 2>/dev/null
    PID=""
    clean "$name"
}

# after NAME CMD: the first line of output after "grub> CMD"
after() {
    awk -v cmd="grub> $2" 'f { print; exit } $0 == cmd { f = 1 }' "$TMP/$1.txt" | sed 's/ *$//'
}
# after2 NAME CMD: the first two lines after it, joined by a space
after2() {
    awk -v cmd="grub> $2" 'f { print; if (++n == 2) exit } $0 == cmd { f = 1 }' "$TMP/$1.txt" |
        sed 's/ *$//' | paste -sd' ' -
}
has() { # has NAME TEXT DESCRIPTION: the console shows TEXT
    grep -qF -- "$2" "$TMP/$1.txt"
    ok $? "$3"
}

# 1. the rescue CD
"$KEMU_IMG" create -q -f qcow2 "$TMP/blank.qcow2" 8M
session cd "ls;ls (hd0);ls (cd)/;ls (fd0)" -cdrom "$MEDIA/grub-rescue-cdrom.iso" -boot d \
    -hda "$TMP/blank.qcow2"
has cd "Booting from DVD/CD..." "CD: SeaBIOS boots the DVD/CD"
has cd "GNU GRUB  version $VERSION" "CD: GRUB's menu ($VERSION)"
is "$(after cd ls)" "(hd0) (cd) (cd,msdos1) (fd0)" "CD: GRUB sees the disk, the CD and the floppy drive"
is "$(after2 cd "ls (hd0)")" \
    "Device hd0: No known filesystem detected - Sector size 512B - Total size 8192KiB" \
    "CD: the 8 MiB qcow2 disk through INT 13h"
is "$(after cd "ls (cd)/")" "boot/ boot.catalog" "CD: the CD's root directory (ATAPI reads)"
is "$(after2 cd "ls (fd0)")" \
    "Device fd0: No known filesystem detected - Sector size 512B - Total size 2880KiB" \
    "CD: the empty default floppy drive is a 2.88 MB drive (CMOS type 5)"

# 2. the rescue floppy
cp "$MEDIA/grub-rescue-floppy.img" "$TMP/floppy.img"
session fd "ls;ls (fd0)" -drive file="$TMP/floppy.img",if=floppy,format=raw -snapshot
has fd "Booting from Floppy..." "floppy: SeaBIOS boots the floppy"
has fd "GRUB loading." "floppy: GRUB's boot sector loads its core"
has fd "GNU GRUB  version $VERSION" "floppy: GRUB's menu"
is "$(after fd ls)" "(fd0) (fd0,msdos1)" "floppy: GRUB sees the floppy"
after fd "ls (fd0)" | grep -q "^Device fd0: Filesystem type iso9660 - Label .ISOIMAGE'"
ok $? "floppy: GRUB reads its ISO 9660 file system (FDC + DMA)"

# 3. the same image as a qcow2 hard disk
"$KEMU_IMG" convert -O qcow2 "$TMP/floppy.img" "$TMP/grub.qcow2"
session hd "ls;ls (hd0)" -hda "$TMP/grub.qcow2" -snapshot
has hd "Booting from Hard Disk..." "disk: SeaBIOS boots the hard disk"
has hd "GNU GRUB  version $VERSION" "disk: GRUB's menu"
is "$(after hd ls)" "(hd0) (hd0,msdos1) (fd0)" "disk: GRUB sees the disk and the floppy drive"
after hd "ls (hd0)" | grep -q "^Device hd0: Filesystem type iso9660 - Label .ISOIMAGE'"
ok $? "disk: GRUB reads the file system on the qcow2 disk"

finish
