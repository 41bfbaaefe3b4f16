#!/bin/sh
# SPDX-License-Identifier: MIT
# test-seabios: boot Debian's SeaBIOS on the pc machine and check what it
# prints on COM1, as qemu-system-x86_64 -nographic does:
#  1. -nographic: the serial console shows the banner, tries the boot
#     devices and ends with "No bootable device."
#  2. -boot menu=on: "Press ESC for boot menu." (waits on the PIT's IRQ 0,
#     so it also checks timer interrupts), deterministic clock (-icount)
#  3. without -nographic SeaBIOS keeps quiet on the serial port (its
#     serial console is enabled by fw_cfg's NOGRAPHIC item only)
# Usage: test-seabios.sh KEMU_BINARY. TAP output; skipped when the binary
# has no CPU or the SeaBIOS image is missing.
KEMU=${1:-kemu-system-x86_64}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
fail=0

ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fail=1
    fi
}

# run NAME PATTERN SECONDS ARGS...: run kemu until PATTERN shows up in the
# serial output (or SECONDS pass), then stop it.
run() {
    name=$1 pattern=$2 secs=$3
    shift 3
    out="$TMP/$name.txt"
    : >"$out"
    "$KEMU" -display none -serial "file:$out" "$@" </dev/null >"$TMP/$name.log" 2>&1 &
    pid=$!
    i=0
    while [ $i -lt $((secs * 10)) ] && ! grep -q "$pattern" "$out" 2>/dev/null; do
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2 # let the rest of the line arrive
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    tr -d '\r' <"$out" >"$out.txt"
}

if [ ! -x "$KEMU" ]; then
    echo "1..0 # SKIP no kemu binary at $KEMU"
    exit 0
fi
if ! timeout 10 "$KEMU" -cpu help 2>/dev/null | grep -q "^x86 "; then
    echo "1..0 # SKIP no x86 CPU in this build"
    exit 0
fi
if [ ! -r /usr/share/seabios/bios-256k.bin ]; then
    echo "1..0 # SKIP SeaBIOS (package seabios) not installed"
    exit 0
fi

# 1. the plain -nographic boot
run nographic "No bootable device" 20 -nographic
f="$TMP/nographic.txt.txt"
grep -q "SeaBIOS (version" "$f"
ok $? "-nographic: SeaBIOS banner on COM1"
grep -q "Booting from Hard Disk\.\.\." "$f" && grep -q "Booting from Floppy\.\.\." "$f"
ok $? "-nographic: tries the hard disk and the floppy"
grep -q "Boot failed: could not read the boot disk" "$f"
ok $? "-nographic: reports the failed boots"
grep -q "No bootable device" "$f"
ok $? "-nographic: ends with 'No bootable device'"
[ "$(grep -n "SeaBIOS (version" "$f" | head -1 | cut -d: -f1)" -lt \
  "$(grep -n "No bootable device" "$f" | head -1 | cut -d: -f1)" ]
ok $? "-nographic: banner comes first"

# 2. the boot menu prompt and the timer interrupt
run menu "No bootable device\." 30 -nographic -icount shift=0 -boot menu=on,splash-time=500
f="$TMP/menu.txt.txt"
grep -q "Press ESC for boot menu\." "$f"
ok $? "-boot menu=on: 'Press ESC for boot menu.'"
grep -q "No bootable device\.$" "$f"
ok $? "-boot menu=on: the menu wait ends (IRQ 0 runs) and the last line is complete"

# 3. no serial console without -nographic
run quiet "No bootable device" 2
f="$TMP/quiet.txt.txt"
! grep -q "SeaBIOS" "$f"
ok $? "without -nographic: nothing on COM1"

echo "1..$n"
exit $fail
