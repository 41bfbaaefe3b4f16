#!/bin/bash
# SPDX-License-Identifier: MIT
# Backing chains with QEMU as the oracle: relative backing paths (resolved
# against the image's directory), raw and qcow2 backing files, overlays
# larger than their backing file, copy-on-write of partial clusters,
# kemu-img commit and convert -B, missing backing files, -snapshot
# overlays and the warning for a probed raw image.
# Usage: backing.sh KEMU_IMG BLOCK_IO
. "$(dirname "$0")/common.sh"

mkdir -p img/sub
qemu-img create -q -f raw img/base.raw 4M
qemu-io -f raw -c "write -P 0x10 0 4M" img/base.raw > /dev/null
qemu-img create -q -f qcow2 -b ../base.raw -F raw img/sub/mid.qcow2 8M
qemu-io -c "write -P 0x20 1M 64k" img/sub/mid.qcow2 > /dev/null
"$KEMU_IMG" create -q -f qcow2 -b mid.qcow2 -F qcow2 img/sub/top.qcow2
[ "$("$KEMU_IMG" info img/sub/top.qcow2 | grep '^virtual size')" = "virtual size: 8 MiB (8388608 bytes)" ]
ok $? "kemu-img create takes the size of the backing file"
"$BLOCK_IO" -f qcow2 -c "read -P 0x10 0 1M" -c "read -P 0x20 1M 64k" -c "read -P 0x10 1088k 2944k" \
    -c "read -P 0 4M 4M" img/sub/top.qcow2 > /dev/null
ok $? "kemu reads through a raw <- qcow2 <- qcow2 chain (zeros past the base's end)"
(cd img && "$BLOCK_IO" -f qcow2 -c "read -P 0x20 1M 64k" sub/top.qcow2 > /dev/null)
ok $? "backing names are relative to the image's directory, not the cwd"
"$BLOCK_IO" -f qcow2 -c "write -P 0x30 1M 512" -c "write -P 0x31 100k 1k" -c "write -P 0x32 5M 1k" \
    -c "write -P 0x33 4095k 2k" img/sub/top.qcow2 > /dev/null
ok $? "kemu writes partial clusters into the overlay"
qemu-io -r -c "read -P 0x30 1M 512" -c "read -P 0x20 1049088 65024" -c "read -P 0x10 0 100k" \
    -c "read -P 0x31 100k 1k" -c "read -P 0x10 101k 27k" -c "read -P 0x32 5M 1k" \
    -c "read -P 0 5121k 63k" -c "read -P 0x33 4095k 2k" -c "read -P 0x10 4032k 63k" \
    -c "read -P 0 4097k 63k" img/sub/top.qcow2 | grep -q "verification failed"
[ $? = 1 ]
ok $? "qemu-io sees kemu's copy-on-write merged with the backing data"
qemu-img check -q img/sub/top.qcow2
ok $? "qemu-img check: overlay clean"
same_output_ro 'cp -a ../img .' map --output=json img/sub/top.qcow2
same_output_ro 'cp -a ../img .' info --backing-chain img/sub/top.qcow2

# convert: whole chain to one image, and -B keeping the backing file
"$KEMU_IMG" convert -O qcow2 img/sub/top.qcow2 flat.qcow2 && qemu-img compare -q img/sub/top.qcow2 flat.qcow2
ok $? "kemu-img convert flattens the chain"
"$KEMU_IMG" convert -O qcow2 -B mid.qcow2 -F qcow2 img/sub/top.qcow2 img/sub/new.qcow2 &&
    qemu-img compare -q img/sub/top.qcow2 img/sub/new.qcow2
ok $? "kemu-img convert -B keeps the backing file and the contents"
[ "$(qemu-img map --output=json img/sub/new.qcow2 | grep -c '"depth": 0, "present": true')" -le 4 ]
ok $? "kemu-img convert -B copies only what the top image holds"

# commit into the middle image
cp -a img img2
"$KEMU_IMG" commit img/sub/top.qcow2 > commit.out && grep -qx "Image committed." commit.out
ok $? "kemu-img commit"
qemu-img compare -q img/sub/mid.qcow2 img2/sub/top.qcow2 && qemu-img check -q img/sub/mid.qcow2
ok $? "after commit the backing file holds the overlay's data"
qemu-img compare -q img/sub/top.qcow2 img2/sub/top.qcow2 &&
    [ "$(qemu-img map --output=json img/sub/top.qcow2 | grep -c '"depth": 0, "present": true')" = 0 ]
ok $? "after commit the overlay is empty and still reads the same"

# missing backing file
mv img/base.raw img/base.moved
same_output_ro 'cp -a ../img .' map img/sub/mid.qcow2
same_output_ro 'cp -a ../img .' info img/sub/mid.qcow2
"$BLOCK_IO" -f qcow2 -c "length" img/sub/mid.qcow2 > /dev/null 2> err.out
[ $? = 1 ] && grep -q "Could not open backing file: Could not open 'img/sub/../base.raw': No such file or directory" err.out
ok $? "a missing backing file is refused with QEMU's message"
mv img/base.moved img/base.raw

# -snapshot: writes go to a temporary overlay
sum=$(md5sum < img/sub/mid.qcow2)
"$BLOCK_IO" -f qcow2 -s -c "write -P 0x77 0 2M" -c "read -P 0x77 0 2M" -c "read -P 0x10 2M 1M" \
    img/sub/mid.qcow2 > /dev/null
ok $? "snapshot mode: writes are visible in the session"
[ "$sum" = "$(md5sum < img/sub/mid.qcow2)" ] &&
    ! qemu-io -r -c "read -P 0x10 0 100k" -c "read -P 0x31 100k 1k" img/sub/mid.qcow2 | grep -q failed
ok $? "snapshot mode: the image is unchanged afterwards"
cp img/base.raw ro.raw && chmod a-w ro.raw
"$BLOCK_IO" -f raw -s -c "write -P 0x78 0 1k" -c "read -P 0x78 0 1k" ro.raw > /dev/null
ok $? "snapshot mode works on a read-only file"
"$BLOCK_IO" -f raw -r -c "write -P 0x78 0 1k" ro.raw > ro.out
[ $? = 1 ] && grep -q "write failed: Operation not permitted" ro.out
ok $? "read-only drive: writes fail with EPERM"

# probed raw: QEMU's warning, word for word
qemu-img create -q -f raw p.img 1M
qemu-io -c "read 0 512" p.img 2> q.err > /dev/null
"$BLOCK_IO" -c "read 0 512" p.img 2> k.err > /dev/null
cmp -s q.err k.err && grep -q "probing guessed raw" k.err
ok $? "probed raw image: the same warning as QEMU"
"$BLOCK_IO" -f raw -c "read 0 512" p.img 2> k2.err > /dev/null
[ ! -s k2.err ]
ok $? "no warning with an explicit format"
finish
