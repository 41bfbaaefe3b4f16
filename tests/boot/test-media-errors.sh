#!/bin/sh
# SPDX-License-Identifier: MIT
# test-media-errors: the drive options' errors, as qemu-system-x86_64 7.2
# reports them: one line on stderr ("PROG: OPTION VALUE: message" where
# QEMU gives the option), exit status 1, nothing on stdout, no guest run
# and no image changed. Covers missing, unreadable and non-regular files,
# bad and mismatched formats, damaged qcow2 headers, index/bus/unit
# conflicts and limits, unknown interfaces, media and keys, duplicate ids,
# drives the pc board has no place for, read-only and empty disks.
# Usage: test-media-errors.sh KEMU KEMU_IMG. TAP output.
KEMU=${1:-kemu-system-x86_64}
KEMU_IMG=${2:-kemu-img}
SRC=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'chmod -R u+rw "$TMP"; rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"

case $KEMU in /*) ;; */*) KEMU=$(pwd)/$KEMU ;; esac
case $KEMU_IMG in /*) ;; */*) KEMU_IMG=$(pwd)/$KEMU_IMG ;; esac
if [ ! -x "$KEMU" ] || [ ! -x "$KEMU_IMG" ]; then
    echo "1..0 # SKIP needs the kemu and kemu-img binaries"
    exit 0
fi
P=$(basename "$KEMU")

cd "$TMP" || exit 1
truncate -s 1M a.img
truncate -s 1M b.img
"$KEMU_IMG" create -q -f qcow2 good.qcow2 1M
cp good.qcow2 v9.qcow2
printf '\000\000\000\011' | dd of=v9.qcow2 bs=1 seek=4 conv=notrunc 2>/dev/null
cp good.qcow2 magic.qcow2
printf 'QFJ\373' | dd of=magic.qcow2 bs=1 seek=0 conv=notrunc 2>/dev/null
mkdir dir
md5sum ./*.img ./*.qcow2 >sums

# expect NAME WANT ARGS...: exit 1, exactly WANT on stderr, empty stdout
expect() {
    name=$1 want=$2
    shift 2
    timeout 10 "$KEMU" -display none -S "$@" </dev/null >out.txt 2>err.txt
    st=$?
    is "$st" 1 "$name: exit status 1"
    is "$(cat err.txt)" "$want" "$name: message"
    [ ! -s out.txt ]
    ok $? "$name: nothing on stdout"
}

expect "missing file" \
    "$P: -hda /nonexistent/d.img: Could not open '/nonexistent/d.img': No such file or directory" \
    -hda /nonexistent/d.img
expect "missing -cdrom" \
    "$P: -cdrom nothere.iso: Could not open 'nothere.iso': No such file or directory" \
    -cdrom nothere.iso
expect "missing -fda" "$P: -fda nothere.img: Could not open 'nothere.img': No such file or directory" \
    -fda nothere.img
expect "missing bare image" "$P: nothere.img: Could not open 'nothere.img': No such file or directory" \
    nothere.img
expect "missing -drive file" \
    "$P: -drive file=nothere.img,if=none: Could not open 'nothere.img': No such file or directory" \
    -drive file=nothere.img,if=none
if [ "$(id -u)" != 0 ]; then
    cp a.img noperm.img
    chmod 000 noperm.img
    expect "unreadable file" \
        "$P: -drive file=noperm.img,format=raw: Could not open 'noperm.img': Permission denied" \
        -drive file=noperm.img,format=raw
else
    ok 0 "# SKIP unreadable file: running as root"
fi
expect "directory" "$P: -hda dir: 'file' driver requires 'dir' to be a regular file" -hda dir
expect "unknown format" "$P: -drive file=a.img,format=foo: Unknown driver 'foo'" \
    -drive file=a.img,format=foo
expect "raw file as qcow2" "$P: -drive file=a.img,format=qcow2: Image is not in qcow2 format" \
    -drive file=a.img,format=qcow2
expect "qcow2 version 9" "$P: -hda v9.qcow2: Unsupported qcow2 version 9" -hda v9.qcow2
expect "bad magic as qcow2" \
    "$P: -drive file=magic.qcow2,format=qcow2: Image is not in qcow2 format" \
    -drive file=magic.qcow2,format=qcow2
expect "index taken" "$P: -drive file=b.img,format=raw,index=0: drive with bus=0, unit=0 (index=0) exists" \
    -drive file=a.img,format=raw -drive file=b.img,format=raw,index=0
expect "-cdrom after -hdc" "$P: -cdrom b.img: drive with bus=1, unit=0 (index=2) exists" \
    -drive file=a.img,format=raw,index=2 -cdrom b.img
expect "-fda twice" "$P: -fda b.img: drive with bus=0, unit=0 (index=0) exists" \
    -drive file=a.img,format=raw,if=floppy -fda b.img
expect "unit too big" "$P: -drive file=a.img,format=raw,unit=2: unit 2 too big (max is 1)" \
    -drive file=a.img,format=raw,unit=2
expect "index with bus and unit" \
    "$P: -drive file=a.img,format=raw,bus=1,unit=1,index=1: index cannot be used with bus and unit" \
    -drive file=a.img,format=raw,bus=1,unit=1,index=1
expect "index not a number" "$P: -drive file=a.img,format=raw,index=x: Parameter 'index' expects a number" \
    -drive file=a.img,format=raw,index=x
expect "unknown interface" "$P: -drive file=a.img,if=foo: unsupported bus type 'foo'" -drive file=a.img,if=foo
expect "unknown media" "$P: -drive file=a.img,media=foo: 'foo' invalid media" -drive file=a.img,media=foo
expect "bad cache" "$P: -drive file=a.img,format=raw,cache=foo: invalid cache option" \
    -drive file=a.img,format=raw,cache=foo
expect "bad snapshot" "$P: -drive file=a.img,format=raw,snapshot=x: Parameter 'snapshot' expects 'on' or 'off'" \
    -drive file=a.img,format=raw,snapshot=x
expect "unknown key" "$P: -drive file=a.img,format=raw,bogus=1: Block format 'raw' does not support the option 'bogus'" \
    -drive file=a.img,format=raw,bogus=1
expect "duplicate id" "$P: -drive file=b.img,format=raw,id=d0: Duplicate ID 'd0' for drive" \
    -drive file=a.img,format=raw,id=d0 -drive file=b.img,format=raw,id=d0
expect "third IDE bus" "$P: -drive file=a.img,format=raw,bus=2: machine type does not support if=ide,bus=2,unit=0" \
    -drive file=a.img,format=raw,bus=2
expect "third floppy" "$P: -drive file=a.img,format=raw,if=floppy,index=2: machine type does not support if=floppy,bus=0,unit=2" \
    -drive file=a.img,format=raw,if=floppy,index=2
expect "if=scsi" "$P: -drive file=a.img,format=raw,if=scsi: machine type does not support if=scsi,bus=0,unit=0" \
    -drive file=a.img,format=raw,if=scsi
expect "read-only disk" "$P: Block node is read-only" -drive file=a.img,format=raw,readonly=on
expect "disk without medium" "$P: Device needs media, but drive is empty" -drive if=ide

md5sum -c --quiet sums >/dev/null 2>&1
ok $? "no image was changed"
finish
