#!/bin/bash
# SPDX-License-Identifier: MIT
# Damaged qcow2 images: each must be refused when opened, with one clear
# message (QEMU's own text where qemu-img refuses the image too), and must
# not be modified by the attempt. Covers bad magic and version, cluster
# size out of range, header and extension sizes, feature bits, refcount
# width, table sizes and offsets, tables past the end of the file,
# overlapping metadata, bad L2 pointers and truncated files.
# Usage: corrupt.sh KEMU_IMG BLOCK_IO
. "$(dirname "$0")/common.sh"

# poke FILE OFFSET HEXBYTES: overwrite bytes in place
poke() { printf "$(echo "$3" | sed 's/../\\x&/g')" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none; }

fresh() {
    rm -f c.qcow2
    qemu-img create -q -f qcow2 "$@" c.qcow2 1M
    qemu-io -c "write -P 0x5a 0 128k" c.qcow2 > /dev/null
}

# refused NAME EXPECTED_MESSAGE: kemu must refuse c.qcow2 for reading and
# for writing with exactly that one-line message, leaving it unchanged.
refused() {
    local name=$1 msg=$2 sum
    sum=$(md5sum < c.qcow2)
    "$KEMU_IMG" info -f qcow2 c.qcow2 > /dev/null 2> info.err
    local rc=$?
    "$BLOCK_IO" -f qcow2 -c "write 0 64k" c.qcow2 > /dev/null 2> io.err
    local rc2=$?
    [ $rc = 1 ] && [ $rc2 = 1 ] &&
        [ "$(cat info.err)" = "kemu-img: Could not open 'c.qcow2': $msg" ] &&
        [ "$(cat io.err)" = "block-io: $msg" ] && [ "$sum" = "$(md5sum < c.qcow2)" ]
    ok $? "$name: refused ('$msg'), image unchanged"
    [ "$(cat info.err)" = "kemu-img: Could not open 'c.qcow2': $msg" ] || diag info.err io.err
}

# refused_like_qemu NAME: qemu-img refuses it too, with the same text
refused_like_qemu() {
    same_output_ro "cp ../c.qcow2 ." info -f qcow2 c.qcow2
}

fresh; poke c.qcow2 0 51464900
refused "bad magic" "Image is not in qcow2 format"; refused_like_qemu
fresh; poke c.qcow2 4 00000004
refused "version 4" "Unsupported qcow2 version 4"; refused_like_qemu
fresh; poke c.qcow2 4 00000001
refused "version 1" "Unsupported qcow2 version 1"; refused_like_qemu
fresh; poke c.qcow2 20 00000008
refused "cluster_bits 8" "Unsupported cluster size: 2^8"; refused_like_qemu
fresh; poke c.qcow2 20 00000016
refused "cluster_bits 22" "Unsupported cluster size: 2^22"; refused_like_qemu
fresh; poke c.qcow2 100 00000060
refused "header_length 96" "qcow2 header too short"; refused_like_qemu
fresh; poke c.qcow2 100 00020000
refused "header_length > cluster" "qcow2 header exceeds cluster size"; refused_like_qemu
fresh; poke c.qcow2 8 0000000000020000
refused "backing file offset" "Invalid backing file offset"; refused_like_qemu
fresh; poke c.qcow2 8 0000000000000200; poke c.qcow2 16 00000800
refused "backing name too long" "Backing file name too long"; refused_like_qemu
fresh; poke c.qcow2 72 0000000000000100
refused "unknown incompatible bit" "Unsupported qcow2 feature(s): Unknown incompatible feature: 100"
refused_like_qemu
fresh; poke c.qcow2 72 0000000000000004
refused "external data file bit" "Unsupported qcow2 feature(s): external data file"
fresh; poke c.qcow2 96 00000007
refused "refcount_order 7" "Reference count entry width too large; may not exceed 64 bits"
refused_like_qemu
fresh; poke c.qcow2 56 00000000
refused "no refcount table" "Image does not contain a reference count table"; refused_like_qemu
fresh; poke c.qcow2 48 0000000000010200
refused "refcount table unaligned" "Reference count table offset invalid"; refused_like_qemu
fresh; poke c.qcow2 56 00100000
refused "refcount table too large" "Reference count table too large"; refused_like_qemu
fresh; poke c.qcow2 36 01000000
refused "L1 table too large" "Active L1 table too large"; refused_like_qemu
fresh; poke c.qcow2 40 0000000000030008
refused "L1 table unaligned" "Active L1 table offset invalid"; refused_like_qemu
fresh; poke c.qcow2 24 0000010000000000
refused "size beyond L1" "L1 table is too small"; refused_like_qemu
fresh; poke c.qcow2 24 7fffffffffffffff
refused "absurd size" "Image is too big"
fresh; poke c.qcow2 60 00000001; poke c.qcow2 64 0000000000000100
refused "snapshot table unaligned" "Snapshot table offset invalid"; refused_like_qemu
fresh; poke c.qcow2 104 05
refused "compression type 5" "qcow2: unknown compression type: 5"; refused_like_qemu
fresh; poke c.qcow2 104 01
refused "zstd without its feature bit" "qcow2: Compression type incompatible feature bit must be set"
refused_like_qemu
fresh; poke c.qcow2 32 00000001
refused "encrypted" "Unsupported encryption method 1: encrypted qcow2 images are not supported"
fresh; poke c.qcow2 0x70 6803f85700010000
refused "extension too large" "Header extension too large"; refused_like_qemu
# Checks kemu makes at open where QEMU only fails later
fresh; poke c.qcow2 40 0000000000100000
refused "L1 table past the end of the file" "Active L1 table is beyond the end of the image file"
fresh; poke c.qcow2 40 0000000000010000
refused "L1 table over the refcount table" "Reference count table overlaps with Active L1 table"
fresh; poke c.qcow2 48 0000000000000000
refused "refcount table over the header" "Reference count table overlaps with qcow2 header"
fresh; poke c.qcow2 0x30000 8000000000040200
refused "L2 pointer unaligned" "L2 table offset 0x40200 invalid (L1 index: 0)"
fresh; poke c.qcow2 0x30000 8000000001000000
refused "L2 pointer past the end" "L2 table offset 0x1000000 invalid (L1 index: 0)"
fresh; truncate -s 100000 c.qcow2
refused "truncated file" "Reference count table is beyond the end of the image file"
rm -f c.qcow2; : > c.qcow2
refused "empty file" "Image is not in qcow2 format"; refused_like_qemu
fresh; poke c.qcow2 72 0000000000000002
sum=$(md5sum < c.qcow2)
"$BLOCK_IO" -f qcow2 -c "write 0 64k" c.qcow2 > /dev/null 2> io.err
[ $? = 1 ] && [ "$(cat io.err)" = "block-io: qcow2: Image is corrupt; cannot be opened read/write" ] &&
    [ "$sum" = "$(md5sum < c.qcow2)" ]
ok $? "corrupt bit: refused read/write, image unchanged"
"$BLOCK_IO" -f qcow2 -r -c "read -P 0x5a 0 128k" c.qcow2 > /dev/null
ok $? "corrupt bit: still readable read-only"
same_output_ro "cp ../c.qcow2 ." check c.qcow2

# Corruption found while running: a data cluster pointing at the L1 table
fresh; poke c.qcow2 0x40000 8000000000030000
cp c.qcow2 c2.qcow2
"$BLOCK_IO" -f qcow2 -c "write -P 1 0 512" c.qcow2 > io.out 2> io.err
qemu-io -c "write -P 1 0 512" c2.qcow2 > /dev/null 2> q.err
[ "$(cat io.err)" = "$(cat q.err)" ] && grep -q "write failed: Input/output error" io.out &&
    cmp -s c.qcow2 c2.qcow2
ok $? "a write through an L2 entry aimed at the L1 table: -EIO, marked corrupt, as QEMU"
diff io.err q.err | diag
qemu-img info c.qcow2 | grep -q "corrupt: true"
ok $? "the image is marked corrupt"
finish
