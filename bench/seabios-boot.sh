#!/bin/sh
# SPDX-License-Identifier: MIT
# seabios-boot: wall time from process start until SeaBIOS prints
# "No bootable device." on the serial console, kemu next to QEMU.
#
# Both run Debian's SeaBIOS (bios-256k.bin) on the pc machine with
# -nographic (serial console on stdout) and no disks, as a user types it:
#   kemu-system-x86_64 -nographic -no-reboot -accel tcg
#   qemu-system-x86_64 -nographic -no-reboot -accel tcg -monitor none -net none
# (-net none: QEMU's default NIC would add its iPXE option ROM and a
# network boot attempt kemu does not have). The runs alternate kemu and
# QEMU, RUNS times each (default 3). Each time is measured from just
# before the process starts until its output contains the line, polled
# every 5 ms; the process is then killed. Prints every time, the mean and
# median per emulator and the kemu/QEMU ratios. Never passes or fails on
# timing; exits 1 only if a run does not reach the line within TIMEOUT
# seconds (default 60).
#
# Usage: bench/seabios-boot.sh [KEMU [QEMU]]
#   KEMU defaults to build/kemu-system-x86_64, else the newest build-*/ one;
#   QEMU defaults to qemu-system-x86_64 from PATH (package qemu-system-x86).
#   EXTRA_KEMU / EXTRA_QEMU add arguments (e.g. EXTRA_KEMU='-icount shift=0').
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-60}
PATTERN="No bootable device\\."

kemu=${1:-}
if [ -z "$kemu" ]; then
    kemu=$root/build/kemu-system-x86_64
    [ -x "$kemu" ] || kemu=$(ls -t "$root"/build-*/kemu-system-x86_64 2>/dev/null | head -1)
fi
qemu=${2:-$(command -v qemu-system-x86_64 || true)}
if [ -z "$kemu" ] || [ ! -x "$kemu" ]; then
    echo "seabios-boot: no kemu-system-x86_64 (build first, or give its path)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() {
    date +%s%N
}

# time_boot NAME ARGS...: prints the seconds until PATTERN, or fails.
time_boot() {
    name=$1
    shift
    out=$tmp/$name.out
    : >"$out"
    t0=$(now_ns)
    "$@" </dev/null >"$out" 2>"$tmp/$name.err" &
    pid=$!
    limit=$((t0 + TIMEOUT * 1000000000))
    while ! grep -q "$PATTERN" "$out"; do
        t1=$(now_ns)
        if [ "$t1" -gt "$limit" ] || ! kill -0 $pid 2>/dev/null; then
            kill $pid 2>/dev/null
            wait $pid 2>/dev/null
            echo "seabios-boot: $name did not print 'No bootable device.'" \
                "within ${TIMEOUT}s; its output:" >&2
            tr -d '\r' <"$out" | tail -5 >&2
            cat "$tmp/$name.err" >&2
            return 1
        fi
        sleep 0.005
    done
    t1=$(now_ns)
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }'
}

# stats "t1 t2 ...": mean and median
stats() {
    echo "$1" | tr ' ' '\n' | grep . | sort -n |
        awk '{ v[NR] = $1; s += $1 }
             END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                   printf "%.3f %.3f\n", s / NR, m }'
}

kemu_times="" qemu_times=""
i=1
while [ $i -le "$RUNS" ]; do
    # shellcheck disable=SC2086
    t=$(time_boot kemu "$kemu" -nographic -no-reboot -accel tcg ${EXTRA_KEMU:-}) || exit 1
    echo "run $i: kemu ${t} s"
    kemu_times="$kemu_times $t"
    if [ -n "$qemu" ]; then
        # shellcheck disable=SC2086
        t=$(time_boot qemu "$qemu" -nographic -no-reboot -accel tcg -monitor none -net none \
            ${EXTRA_QEMU:-}) || exit 1
        echo "run $i: qemu ${t} s"
        qemu_times="$qemu_times $t"
    fi
    i=$((i + 1))
done

set -- $(stats "$kemu_times")
kmean=$1 kmed=$2
echo "kemu: mean $kmean s, median $kmed s ($kemu)"
if [ -z "$qemu" ]; then
    echo "(no qemu-system-x86_64: kemu alone)"
    exit 0
fi
set -- $(stats "$qemu_times")
qmean=$1 qmed=$2
echo "qemu: mean $qmean s, median $qmed s ($qemu)"
echo "$kmean $qmean $kmed $qmed" |
    awk '{ printf "kemu/qemu time ratio: %.2f (means), %.2f (medians)\n", $1 / $2, $3 / $4 }'
