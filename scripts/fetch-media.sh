#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch the boot media kemu's storage tests use (tests/boot/test-media-*.sh).
#
#   scripts/fetch-media.sh [--check]
#
# Downloads (apt-get download) Debian 12's grub-rescue-pc and memtest86+
# and unpacks their images into cache/media/ (git-ignored; KEMU_MEDIA
# overrides the directory):
#   grub-rescue-cdrom.iso    GRUB 2 El Torito CD (BIOS), menu and prompt
#   grub-rescue-floppy.img   GRUB 2 on a 1.44 MB floppy
#   memtest86+x64.iso        memtest86+ 6 (64-bit) bootable CD
#   memtest86+ia32.iso       memtest86+ 6 (32-bit) bootable CD
#   versions                 the package versions
# --check only says (exit status) whether everything is already there.
# Needs apt-get with Debian's package lists (run `apt-get update` once).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KEMU_MEDIA:-$ROOT/cache/media}
FILES="grub-rescue-cdrom.iso grub-rescue-floppy.img memtest86+x64.iso memtest86+ia32.iso"

complete() {
    for f in $FILES; do
        [ -s "$CACHE/$f" ] || return 1
    done
}

case ${1:-} in
--check)
    complete
    exit $?
    ;;
"") ;;
*)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
complete && exit 0

log() { echo "fetch-media: $*" >&2; }

DEBS="$CACHE/debs"
mkdir -p "$DEBS"
chmod 777 "$DEBS" 2>/dev/null || true # apt-get download runs as _apt
rm -f "$DEBS"/*.deb
log "downloading grub-rescue-pc and memtest86+"
if ! (cd "$DEBS" && apt-get download -q grub-rescue-pc memtest86+); then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    log "apt-get update"
    $SUDO apt-get update -qq || true
    (cd "$DEBS" && apt-get download -q grub-rescue-pc memtest86+)
fi

X="$CACHE/x"
rm -rf "$X"
mkdir -p "$X"
: >"$CACHE/versions"
for deb in "$DEBS"/*.deb; do
    dpkg-deb -x "$deb" "$X"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' - >>"$CACHE/versions"
done
cp "$X/usr/lib/grub-rescue/grub-rescue-cdrom.iso" "$X/usr/lib/grub-rescue/grub-rescue-floppy.img" \
    "$X/usr/lib/memtest86+/memtest86+x64.iso" "$X/usr/lib/memtest86+/memtest86+ia32.iso" "$CACHE/"
rm -rf "$X" "$DEBS"
complete
log "done: $CACHE"
