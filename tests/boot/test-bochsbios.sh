#!/bin/sh
# SPDX-License-Identifier: MIT
# test-bochsbios: the alternate firmware, Debian's bochsbios
# (/usr/share/bochs/BIOS-bochs-latest), boots on the pc machine to its
# boot attempt. Its messages go to the Bochs/QEMU debug port 0x402, caught
# here with isa-debugcon. TAP output; skipped when the image is missing.
# Usage: test-bochsbios.sh KEMU_BINARY
KEMU=${1:-kemu-system-x86_64}
BIOS=/usr/share/bochs/BIOS-bochs-latest
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "1..3"
if [ ! -r "$BIOS" ]; then
    for i in 1 2 3; do echo "ok $i - # SKIP $BIOS missing (package bochsbios)"; done
    exit 0
fi
log=$TMP/debug.txt
"$KEMU" -bios "$BIOS" -display none -no-reboot \
    -chardev file,id=dbg,path="$log" -device isa-debugcon,chardev=dbg,iobase=0x402 \
    >"$TMP/out.txt" 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -q "No bootable device" "$log" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=0
check() {
    n=$((n + 1))
    if grep -q "$1" "$log" 2>/dev/null; then echo "ok $n - $2"; else
        echo "not ok $n - $2"; sed 's/^/# /' "$log" | tail -20; fail=1; fi
}
fail=0
check "Starting rombios32" "rombios32 starts (32-bit init)"
check "ACPI tables: RSDP" "the BIOS builds its ACPI tables"
check "No bootable device" "reaches its boot attempt: No bootable device"
exit $fail
