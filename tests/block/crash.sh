#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash test: a writer (block-crash) making random writes to a qcow2 image
# through kemu's block layer is killed with SIGKILL at random points. After
# each kill, qemu-img check must find no corruption (leaked clusters are
# allowed) and every write covered by a completed flush must read back.
# Usage: crash.sh KEMU_IMG BLOCK_CRASH [ROUNDS]
KEMU_IMG=$(realpath "$1")
CRASH=$(realpath "$2")
ROUNDS=${3:-24}
if ! command -v qemu-img >/dev/null; then echo "1..0 # SKIP qemu-img not installed"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "1..$((ROUNDS * 3))"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
sizes=(512 4096 65536)
refbits=(16 1 8 64)
for r in $(seq 1 "$ROUNDS"); do
    cs=${sizes[$((r % 3))]}
    rb=${refbits[$((r % 4))]}
    img=$T/crash-$r.qcow2
    rm -f "$T/log"
    "$KEMU_IMG" create -q -f qcow2 -o cluster_size=$cs,refcount_bits=$rb "$img" 32M
    seed=$((r * 7919 + 17))
    "$CRASH" write "$img" "$T/log" $seed &
    pid=$!
    # Let it run 5..80 ms, then kill it wherever it is.
    sleep 0.0$(( (RANDOM % 75) + 5 ))
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    qemu-img check "$img" > "$T/check.out" 2>&1
    rc=$?
    [ $rc = 0 ] || [ $rc = 3 ]
    ok $? "round $r (cluster $cs, refcount $rb bits): qemu-img check finds no corruption (rc $rc)"
    [ $rc = 0 ] || [ $rc = 3 ] || sed 's/^/# /' "$T/check.out" | head -20
    qemu-img convert -O raw "$img" "$T/out.raw" && "$CRASH" verify "$T/out.raw" "$T/log" $seed
    ok $? "round $r: flushed writes intact"
    # The image must stay usable: repair leaks, then it must be clean.
    "$KEMU_IMG" check -q -r leaks "$img" >/dev/null 2>&1
    qemu-img check -q "$img"
    ok $? "round $r: clean after kemu-img check -r leaks"
done
