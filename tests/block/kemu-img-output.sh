#!/bin/bash
# SPDX-License-Identifier: MIT
# kemu-img against qemu-img, side by side: the same commands on the same
# images must print the same text and exit with the same code (info,
# check, map in human and JSON form, create, resize, commit, convert, and
# their error messages). Images created by both tools must be identical.
# Usage: kemu-img-output.sh KEMU_IMG BLOCK_IO
. "$(dirname "$0")/common.sh"

Q1='qemu-img create -q -f qcow2 a.qcow2 64M'
QW='qemu-img create -q -f qcow2 a.qcow2 64M;
    qemu-io -c "write -P 0x11 0 100k" -c "write -z 1M 128k" -c "write -c -P 0x22 2M 64k" \
            -c "write -P 0x33 63M 1M" a.qcow2'
QB='qemu-img create -q -f raw base.img 8M; qemu-io -f raw -c "write -P 1 0 1M" base.img;
    mkdir sub; mv base.img sub/;
    qemu-img create -q -f qcow2 -b base.img -F raw sub/top.qcow2 16M;
    qemu-io -c "write -P 2 512k 1M" sub/top.qcow2'
RAW='qemu-img create -q -f raw r.img 1M; truncate -s 1000 odd.img'
LEAK='qemu-img create -q -f qcow2 a.qcow2 1M; qemu-io -c "write 0 64k" a.qcow2;
    truncate -s 1M a.qcow2;
    printf "\x00\x01\x00\x01" | dd of=a.qcow2 bs=1 seek=$((0x20000 + 16)) conv=notrunc'
BAD='qemu-img create -q -f qcow2 a.qcow2 1M; qemu-io -c "write 0 128k" a.qcow2;
    printf "\x00\x00\x00\x02" | dd of=a.qcow2 bs=1 seek=$((0x20000 + 10)) conv=notrunc'
SNAP='qemu-img create -q -f qcow2 a.qcow2 4M; qemu-io -c "write -P 5 0 1M" a.qcow2;
    qemu-img snapshot -c s1 a.qcow2; qemu-io -c "write -P 6 512k 1M" a.qcow2'

V2='qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=4k a.qcow2 8M;
    qemu-io -c "write -P 7 0 100k" a.qcow2'
LZ='qemu-img create -q -f qcow2 -o lazy_refcounts=on,refcount_bits=8 a.qcow2 8M;
    qemu-io -c "write -P 7 0 100k" -c abort a.qcow2'
for img in "$Q1" "$QW" "$SNAP" "$V2" "$LZ"; do
    same_output_ro "$img" info a.qcow2
    same_output_ro "$img" info --output=json a.qcow2
    same_output_ro "$img" check a.qcow2
    same_output_ro "$img" check --output=json a.qcow2
    same_output_ro "$img" map --output=json a.qcow2
done
same_output_ro "$Q1" map a.qcow2
same_output_ro "$QW" map a.qcow2
same_output_ro "$QB" info sub/top.qcow2
same_output_ro "$QB" info --output=json sub/top.qcow2
same_output_ro "$QB" info --backing-chain sub/top.qcow2
same_output_ro "$QB" info --backing-chain --output=json sub/top.qcow2
same_output_ro "$QB" map sub/top.qcow2
same_output_ro "$QB" map --output=json sub/top.qcow2
same_output_ro "$QB" map --output=json --start-offset=1M --max-length=2M sub/top.qcow2
same_output_ro "$RAW" info r.img
same_output_ro "$RAW" info --output=json odd.img
same_output_ro "$RAW" map --output=json odd.img
same_output_ro "$RAW" check r.img
same_output_ro "$LEAK" check a.qcow2
same_output_ro "$LEAK" check --output=json a.qcow2
same_output "$LEAK" check -r leaks a.qcow2
same_output_ro "$BAD" check a.qcow2
same_output_ro "$BAD" check --output=json a.qcow2

# create: the text, and byte-identical images
for args in "-f qcow2 c.qcow2 64M" "-f qcow2 -o compat=0.10 c.qcow2 10M" \
            "-f qcow2 -o cluster_size=512,refcount_bits=1 c.qcow2 5M" \
            "-f qcow2 -o cluster_size=2M c.qcow2 1T" "-f qcow2 -o lazy_refcounts=on c.qcow2 1M" \
            "-f qcow2 -o preallocation=metadata c.qcow2 10M" "-f raw c.qcow2 1000" \
            "-f qcow2 -b r.img -F raw c.qcow2" "-f qcow2 -b r.img -F raw -o cluster_size=4k c.qcow2 3M"
do
    same_output "$RAW" create $args
    cmp -s q/c.qcow2 k/c.qcow2
    ok $? "identical image from create $args"
done
for args in "-f qcow2 c.qcow2" "-f foo c.img 1M" "-f qcow2 -b r.img c.qcow2" \
            "-f qcow2 c.qcow2 1X" "-f qcow2 c.qcow2 1.5" "-f qcow2 -o cluster_size=1000 c.qcow2 1M" \
            "-f qcow2 -o compat=2 c.qcow2 1M" "-f qcow2 -o foo=bar c.qcow2 1M" \
            "-f raw -o preallocation=metadata c.img 1M" "-f qcow2 -b nonexist -F raw c.qcow2" \
            "-f qcow2 -o refcount_bits=3 c.qcow2 1M" "-f qcow2 -o compat=0.10,refcount_bits=8 c.qcow2 1M" \
            "-f qcow2 -o cluster_size=abc c.qcow2 1M" "-f qcow2 -o size=5M c.qcow2 1M" \
            "-f raw -b r.img -F raw c.img 1M" "-f qcow2 -o preallocation=foo c.qcow2 1M"
do
    same_output "$RAW" create $args
done

# resize and commit
Q2='qemu-img create -q -f raw r.img 1M; qemu-img create -q -f qcow2 q.qcow2 1M'
for args in "-f raw r.img 512K" "-f raw --shrink r.img 512K" "-f raw r.img -256K" \
            "-f raw r.img +1M" "q.qcow2 +1000" "q.qcow2 +10G" "q.qcow2 abc" "q.qcow2 100G"; do
    same_output "$Q2" resize $args
    cmp -s q/q.qcow2 k/q.qcow2 && cmp -s q/r.img k/r.img
    ok $? "identical images after resize $args"
done
same_output "$Q2" resize q.qcow2
same_output "$Q2" commit q.qcow2
same_output "$QB" commit sub/top.qcow2
cmp -s q/sub/base.img k/sub/base.img
ok $? "commit: identical base images"
qemu-img compare -q q/sub/top.qcow2 k/sub/top.qcow2
ok $? "commit: top images read the same"

# convert: errors, and identical raw output
for args in "-c -O raw q.qcow2 x.raw" "-O qcow2 nonexist x.qcow2" "-O foo q.qcow2 x.qcow2" \
            "-O qcow2 -o cluster_size=1000 q.qcow2 x.qcow2" "-O qcow2 -o foo=1 q.qcow2 x.qcow2" \
            "-O qcow2 q.qcow2 /nonexist/x.qcow2" "q.qcow2"; do
    same_output "$Q2" convert $args
done
same_output "$Q2" convert -n -O raw q.qcow2 r.img
same_output "$Q2" convert -n -O qcow2 r.img q.qcow2
same_output "$QW" convert -O raw a.qcow2 x.raw
cmp -s q/x.raw k/x.raw
ok $? "convert to raw: identical output"
same_output "$QW" convert -O qcow2 a.qcow2 x.qcow2
cmp -s q/x.qcow2 k/x.qcow2
ok $? "convert to qcow2: identical output"
(cd k && "$KEMU_IMG" convert -p -O raw a.qcow2 p.raw) > progress.out
tr '\r' '\n' < progress.out > progress.lines
[ "$(head -1 progress.lines)" = "    (0.00/100%)" ] &&
    [ "$(tail -2 progress.lines | head -1)" = "    (100.00/100%)" ] &&
    [ "$(tail -c 2 progress.out | od -An -c | tr -d ' ')" = '\r\n' ]
ok $? "convert -p prints qemu-img's progress lines"

# usage errors
same_output "$Q1" foo
same_output_ro "$Q1" info
same_output_ro "$Q1" info -x a.qcow2
same_output_ro "$Q1" info a.qcow2 b
same_output_ro "$Q1" info --output=xml a.qcow2
same_output_ro "$Q1" info nonexist
same_output_ro "$Q1" info -f foo a.qcow2
same_output_ro "$Q1" info -f raw nonexist
same_output_ro "$RAW" info -f qcow2 r.img
same_output "$Q1" check -r foo a.qcow2
same_output "$Q1" commit a.qcow2
finish
