#!/bin/bash
# SPDX-License-Identifier: MIT
# Data interoperability with QEMU: images written by qemu-io are read by
# kemu's block layer, images written by kemu are read by qemu-io, pass
# qemu-img check and compare equal with qemu-img compare; kemu-img convert
# output matches qemu-img's. Every qcow2 variant is covered: cluster sizes
# 512 B..2 MiB, compat 0.10/1.1, refcount widths 1..64, zero and
# compressed clusters, internal snapshots.
# Usage: interop.sh KEMU_IMG BLOCK_IO
. "$(dirname "$0")/common.sh"

# Writes (offset length pattern) used in both directions: partial
# clusters, cluster-crossing, overwrites, a far-away L2 table.
WRITES=("0 4k 0x11" "3k 70k 0x22" "1M 64k 0x33" "1M 512 0x44" "5M 3M 0x55" "60M 1k 0x66"
        "6M 1M 0x77")
# The bytes each pattern should finally hold (later writes win).
READS=("0 3k 0x11" "3k 70k 0x22" "1M 512 0x44" "1049088 65024 0x33" "5M 1M 0x55" "6M 1M 0x77"
       "7M 1M 0x55" "60M 1k 0x66" "8M 1M 0" "73k 951k 0")

qemu_io_cmds() { for w in "${WRITES[@]}"; do set -- $w; printf -- '-c\nwrite -P %s %s %s\n' "$3" "$1" "$2"; done; }
read_cmds() { for r in "${READS[@]}"; do set -- $r; printf -- '-c\nread -P %s %s %s\n' "$3" "$1" "$2"; done; }

mapfile -t QW < <(qemu_io_cmds)
mapfile -t RD < <(read_cmds)

variants=("cluster_size=65536" "cluster_size=512" "cluster_size=4096,refcount_bits=1"
          "cluster_size=2M,refcount_bits=64" "compat=0.10" "refcount_bits=8,lazy_refcounts=on"
          "cluster_size=1024,refcount_bits=4" "cluster_size=32768,refcount_bits=32"
          "cluster_size=16384,refcount_bits=2")
for v in "${variants[@]}"; do
    # qemu writes, kemu reads
    rm -f a.qcow2
    qemu-img create -q -f qcow2 -o "$v" a.qcow2 64M
    qemu-io -f qcow2 "${QW[@]}" a.qcow2 > /dev/null
    "$BLOCK_IO" -f qcow2 -r "${RD[@]}" a.qcow2 > io.out
    ok $? "[$v] kemu reads what qemu-io wrote"
    qemu-img convert -O raw a.qcow2 q.raw && "$KEMU_IMG" convert -O raw a.qcow2 k.raw && cmp -s q.raw k.raw
    ok $? "[$v] kemu-img convert -O raw equals qemu-img's"
    # kemu writes, qemu reads and checks
    rm -f b.qcow2 ref.raw
    "$KEMU_IMG" create -q -f qcow2 -o "$v" b.qcow2 64M
    "$KEMU_IMG" create -q -f raw ref.raw 64M
    "$BLOCK_IO" -f qcow2 "${QW[@]}" b.qcow2 > /dev/null && "$BLOCK_IO" -f raw "${QW[@]}" ref.raw > /dev/null
    ok $? "[$v] kemu writes"
    qemu-img check -q b.qcow2
    ok $? "[$v] qemu-img check: image written by kemu is clean"
    qemu-io -r -f qcow2 "${RD[@]}" b.qcow2 | grep -q "Pattern verification failed"
    [ $? = 1 ]
    ok $? "[$v] qemu-io reads what kemu wrote"
    qemu-img compare -q -f qcow2 -F raw b.qcow2 ref.raw
    ok $? "[$v] qemu-img compare: qcow2 written by kemu equals the raw reference"
    # mixed: qemu then kemu on the same image
    qemu-io -f qcow2 -c "write -P 0x88 2M 100k" -c "write -z 5M 64k" b.qcow2 > /dev/null
    "$BLOCK_IO" -f qcow2 -c "read -P 0x88 2M 100k" -c "read -P 0 5M 64k" -c "write -P 0x99 5M 1k" \
        -c "read -P 0 5121k 63k" -c "read -P 0x55 5184k 64k" b.qcow2 > /dev/null
    ok $? "[$v] kemu continues an image qemu changed (zero cluster COW)"
    qemu-img check -q b.qcow2
    ok $? "[$v] qemu-img check after mixed writes"
done

# Compressed clusters both ways
qemu-img create -q -f qcow2 c.qcow2 16M
qemu-io -c "write -c -P 0x12 0 64k" -c "write -c -P 0x13 64k 64k" c.qcow2 > /dev/null
"$BLOCK_IO" -f qcow2 -c "read -P 0x12 0 64k" -c "read -P 0x13 64k 64k" -c "write -P 0x14 100k 1k" \
    -c "read -P 0x13 64k 36k" -c "read -P 0x14 100k 1k" c.qcow2 > /dev/null
ok $? "kemu reads qemu's compressed clusters and rewrites one"
qemu-img check -q c.qcow2
ok $? "qemu-img check after rewriting a compressed cluster"
"$KEMU_IMG" create -q -f qcow2 d.qcow2 16M
"$BLOCK_IO" -f qcow2 -c "write -c -P 0x21 0 64k" -c "write -c -P 0x22 64k 64k" \
    -c "write -c -P 0x23 1M 64k" d.qcow2 > /dev/null
qemu-io -r -c "read -P 0x21 0 64k" -c "read -P 0x22 64k 64k" -c "read -P 0x23 1M 64k" d.qcow2 |
    grep -q "verification failed"
[ $? = 1 ]
ok $? "qemu-io reads kemu's compressed clusters"
qemu-img check d.qcow2 | grep -q "compressed clusters"
ok $? "qemu-img check counts kemu's compressed clusters"
head -c 3000000 /dev/urandom > src.raw
cat src.raw src.raw > src2.raw; truncate -s 16M src2.raw
for o in "" "-c" "-o compat=0.10" "-c -o cluster_size=4k" "-o cluster_size=512"; do
    rm -f out.qcow2
    "$KEMU_IMG" convert $o -f raw -O qcow2 src2.raw out.qcow2 &&
        qemu-img check -q out.qcow2 && qemu-img compare -q -f raw -F qcow2 src2.raw out.qcow2
    ok $? "kemu-img convert $o raw->qcow2: clean and equal"
done
yes kemu | head -c 4M > text.raw
"$KEMU_IMG" convert -c -f raw -O qcow2 text.raw small.qcow2 && qemu-img compare -q text.raw small.qcow2
ok $? "kemu-img convert -c of compressible data compares equal"
[ "$(stat -c %s small.qcow2)" -lt 1000000 ]
ok $? "kemu-img convert -c makes compressible data small"

# Internal snapshots (made by qemu-img) survive kemu's writes
qemu-img create -q -f qcow2 s.qcow2 8M
qemu-io -c "write -P 0x41 0 2M" s.qcow2 > /dev/null
qemu-img snapshot -c snap1 s.qcow2
"$BLOCK_IO" -f qcow2 -c "write -P 0x42 1M 4k" -c "write -P 0x43 3M 64k" s.qcow2 > /dev/null
qemu-img check -q s.qcow2
ok $? "kemu writes to an image with a snapshot: qemu-img check clean"
qemu-io -r -c "read -P 0x42 1M 4k" -c "read -P 0x41 0 1M" s.qcow2 | grep -q "verification failed"
[ $? = 1 ]
ok $? "kemu's writes to shared clusters are visible"
qemu-img snapshot -a snap1 s.qcow2 &&
    ! qemu-io -r -c "read -P 0x41 0 2M" -c "read -P 0 3M 64k" s.qcow2 | grep -q "verification failed"
ok $? "the snapshot still holds the old data"
"$KEMU_IMG" check s.qcow2 > kc.out; qemu-img check s.qcow2 > qc.out
cmp -s kc.out qc.out
ok $? "kemu-img check agrees with qemu-img check on a snapshotted image"

# A dirty image (lazy refcounts, QEMU killed): repaired when kemu opens it
qemu-img create -q -f qcow2 -o lazy_refcounts=on lz.qcow2 16M
qemu-io -c "write -P 0x61 0 1M" -c abort lz.qcow2 > /dev/null 2>&1
qemu-img info lz.qcow2 | grep -q "cleanly shut down: no"
ok $? "qemu-io abort leaves a dirty lazy-refcounts image"
"$BLOCK_IO" -f qcow2 -r -c "read -P 0x61 0 1M" lz.qcow2 > /dev/null 2>&1
ok $? "a dirty image is readable read-only"
"$BLOCK_IO" -f qcow2 -c "read -P 0x61 0 1M" -c "write -P 0x62 2M 64k" lz.qcow2 > /dev/null 2>&1 &&
    qemu-img check -q lz.qcow2 && ! qemu-img info lz.qcow2 | grep -q "cleanly shut down"
ok $? "opening it read-write repairs the refcounts and clears the dirty bit"

# JSON output is valid JSON
"$KEMU_IMG" info --output=json s.qcow2 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format"] == "qcow2"'
ok $? "kemu-img info --output=json parses"
"$KEMU_IMG" map --output=json b.qcow2 | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "kemu-img map --output=json parses"
"$KEMU_IMG" check --output=json b.qcow2 | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "kemu-img check --output=json parses"
finish
