#!/bin/sh
# SPDX-License-Identifier: MIT
# test-seabios: boot Debian's SeaBIOS on the pc machine and check what it
# prints on COM1, as qemu-system-x86_64 -nographic does:
#  1. -nographic on the host clock (no -icount): the banner, the boot
#     attempts, and the complete last line "No bootable device." (its
#     period comes out only when the PIT's IRQ 0 reaches the CPU: SeaBIOS's
#     serial console flushes on the timer interrupt)
#  2. -boot menu=on: "Press ESC for boot menu." and the menu wait ending
#     (the wait counts IRQ 0 ticks), on the host clock and with -icount
#  3. the boot order of the devices that exist follows -boot: with no
#     disk, SeaBIOS's own "Hard Disk" fallback entry comes last. (QEMU
#     prints "Hard Disk" first only because it loads its own kvmvapic.bin
#     ROM, whose BCV gets the disk priority; kemu loads no QEMU files.)
#     Any of QEMU's default DMA, floppy controller, drive A:, IDE function
#     or CD-ROM the board does not create is added with -device.
#  4. without -nographic SeaBIOS keeps quiet on the serial port (its
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

# The "Booting from ..." lines of a run, joined with commas.
boot_lines() {
    grep -o "Booting from [A-Za-z/ ]*" "$1" | sed 's/Booting from //' | paste -sd, -
}

# 1. the plain -nographic boot, host clock
run nographic "No bootable device\." 20 -nographic
f="$TMP/nographic.txt.txt"
grep -q "SeaBIOS (version" "$f"
ok $? "-nographic: SeaBIOS banner on COM1"
grep -q "Booting from Hard Disk\.\.\." "$f" && grep -q "Booting from Floppy\.\.\." "$f"
ok $? "-nographic: tries the hard disk and the floppy"
grep -q "Boot failed: could not read the boot disk" "$f"
ok $? "-nographic: reports the failed boots"
[ "$(tail -n 1 "$f")" = "No bootable device." ]
ok $? "-nographic, host clock: ends with the complete line 'No bootable device.' (IRQ 0 runs)"
[ "$(grep -n "SeaBIOS (version" "$f" | head -1 | cut -d: -f1)" -lt \
  "$(grep -n "No bootable device" "$f" | head -1 | cut -d: -f1)" ]
ok $? "-nographic: banner comes first"

# 2. the boot menu prompt and the timer interrupt: host clock, then -icount
for clock in host icount; do
    extra=""
    [ $clock = icount ] && extra="-icount shift=4"
    # shellcheck disable=SC2086
    run menu-$clock "No bootable device\." 30 -nographic $extra -boot menu=on,splash-time=500
    f="$TMP/menu-$clock.txt.txt"
    grep -q "Press ESC for boot menu\." "$f"
    ok $? "-boot menu=on, $clock clock: 'Press ESC for boot menu.'"
    [ "$(tail -n 1 "$f")" = "No bootable device." ]
    ok $? "-boot menu=on, $clock clock: the menu wait ends (IRQ 0 runs) and the last line is complete"
done

# The qtest replies of kemu's pc board to the commands in $1.
probe() {
    printf "$1" | timeout 10 "$KEMU" -M pc,accel=qtest -display none -qtest stdio 2>/dev/null
}

# The -device options that give kemu's pc QEMU's default ISA DMA, floppy
# controller with an empty drive A:, PIIX3 IDE and empty CD-ROM (ide1-cd0),
# for the parts the board does not create (yet).
missing_devices() {
    r=$(probe 'outb 0x87 0x5a\ninb 0x87\ninb 0x3f4\noutl 0xcf8 0x80000900\ninl 0xcfc\n')
    r=$(echo "$r" | grep "^OK 0x" | tr '\n' ' ')
    set -- $r
    [ "$2" = 0x005a ] || printf '%s ' -device i8257
    [ "$4" = 0x00ff ] && printf '%s ' -device isa-fdc
    [ "$(probe 'outb 0x70 0x10\ninb 0x71\n' | grep "^OK 0x")" = "OK 0x0000" ] &&
        printf '%s ' -device floppy,unit=0
    [ "$6" = 0x70108086 ] || printf '%s ' -device piix3-ide,addr=01.1
    grep -q "Booting from DVD/CD" "$TMP/nographic.txt.txt" ||
        printf '%s ' -device ide-cd,bus=ide.1,unit=0
}

# 3. the boot order, as QEMU's pc with its default empty floppy drive A:
# and CD-ROM (secondary master)
devs=$(missing_devices)
for case in "cad:Floppy,DVD/CD,Hard Disk" "dc:DVD/CD,Floppy,Hard Disk" \
    "a:Floppy,DVD/CD,Hard Disk"; do
    order=${case%%:*} want=${case#*:}
    # shellcheck disable=SC2086
    run order-$order "No bootable device\." 20 -nographic -boot order=$order $devs
    got=$(boot_lines "$TMP/order-$order.txt.txt")
    [ "$got" = "$want" ]
    ok $? "-boot order=$order: boots from $want (got: $got)"
done

# 4. no serial console without -nographic
run quiet "No bootable device" 2
f="$TMP/quiet.txt.txt"
! grep -q "SeaBIOS" "$f"
ok $? "without -nographic: nothing on COM1"

echo "1..$n"
exit $fail
