#!/bin/sh
# SPDX-License-Identifier: MIT
# test-media-memtest: Debian's memtest86+ CDs boot and start testing.
#
# memtest86+ writes only to the VGA text screen, so the test reads the
# screen through the human monitor (-monitor stdio, "xp /4000xb 0xb8000":
# the text buffer, character and attribute bytes) until it shows the
# banner "Memtest86+ vVERSION" and "Status: Testing", then checks that
# no error was counted. Both ISOs: memtest86+x64.iso (64-bit) and
# memtest86+ia32.iso (32-bit). Runs against QEMU too (KEMU=qemu-...).
# Skipped when the binary has no monitor yet or the media cannot be
# fetched (scripts/fetch-media.sh). Usage: test-media-memtest.sh KEMU. TAP.
KEMU=${1:-kemu-system-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
MEDIA=${KEMU_MEDIA:-$ROOT/cache/media}
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"

if [ ! -x "$KEMU" ] || ! command -v perl >/dev/null; then
    echo "1..0 # SKIP needs the kemu binary and perl"
    exit 0
fi
if ! timeout 10 "$KEMU" -cpu help 2>/dev/null | grep -q "^x86 "; then
    echo "1..0 # SKIP no x86 CPU in this build"
    exit 0
fi
if timeout 5 "$KEMU" -M none -display none -S -monitor stdio </dev/null 2>&1 |
    grep -q "not supported"; then
    echo "1..0 # SKIP no monitor (-monitor stdio) in this build"
    exit 0
fi
if ! KEMU_MEDIA=$MEDIA "$ROOT/scripts/fetch-media.sh" --check &&
    ! KEMU_MEDIA=$MEDIA "$ROOT/scripts/fetch-media.sh" >"$TMP/fetch.log" 2>&1; then
    echo "1..0 # SKIP no boot media in $MEDIA (scripts/fetch-media.sh failed)"
    exit 0
fi
VERSION=$(sed -n 's/^Package: memtest86+ Version: \([0-9.]*\).*/\1/p' "$MEDIA/versions")

# screen NAME: the text screen from the monitor's last xp dump, 80 columns
# per line, non-ASCII characters as '.'.
screen() {
    tr -d '\r' <"$TMP/$1.mon" | perl -ne '
        next unless /^0*b8[0-9a-f]{3}: (.*)/;
        my @b = split / /, $1;
        for (my $i = 0; $i < @b; $i += 2) {
            my $c = hex($b[$i]);
            $s .= ($c >= 32 && $c < 127) ? chr($c) : ".";
        }
        END { $s = substr($s, -2000) if length($s) > 2000;
              print substr($s, $_ * 80, 80), "\n" for 0 .. 24 }' >"$TMP/$1.txt"
}

# memtest NAME ISO: boot, poll the screen every 2 s (90 s at most) until
# memtest is testing.
memtest() {
    name=$1
    mkfifo "$TMP/$name.in"
    "$KEMU" -display none -serial none -monitor stdio -cdrom "$2" \
        <"$TMP/$name.in" >"$TMP/$name.mon" 2>"$TMP/$name.err" &
    PID=$!
    exec 3>"$TMP/$name.in"
    i=0
    while [ $i -lt 45 ] && kill -0 $PID 2>/dev/null; do
        sleep 2
        printf 'xp /4000xb 0xb8000\n' >&3
        sleep 0.5
        screen "$name"
        grep -q "Status: Testing" "$TMP/$name.txt" && break
        i=$((i + 1))
    done
    printf 'quit\n' >&3
    exec 3>&-
    sleep 0.5
    kill $PID 2>/dev/null
    wait $PID 2>/dev/null
    PID=""
}

for arch in x64 ia32; do
    memtest "$arch" "$MEDIA/memtest86+$arch.iso"
    grep -q "Memtest86+ v$VERSION" "$TMP/$arch.txt"
    ok $? "$arch: memtest86+ v$VERSION banner on the VGA text screen"
    grep -q "Status: Testing" "$TMP/$arch.txt"
    ok $? "$arch: it is testing the memory"
    grep -q "Errors: 0" "$TMP/$arch.txt"
    ok $? "$arch: no memory errors"
    if ! grep -q "Status: Testing" "$TMP/$arch.txt"; then
        sed 's/^/#   /' "$TMP/$arch.txt"
    fi
done
finish
