#!/bin/sh
# SPDX-License-Identifier: MIT
# test-media-disk: SeaBIOS boots media-boot.asm from every kind of drive
# the command line can give, and the program checks the BIOS disk services
# (INT 13h) through the IDE, ATAPI and floppy models:
#  1. a raw hard disk (-drive format=raw, -hda, index=1, a bare image
#     argument): boot drive 80h, the BIOS geometry, CHS and LBA reads at
#     known sectors, a write read back; the write reaches the image
#  2. the same disk as qcow2 (kemu-img convert): same results, the write
#     lands in the qcow2 image, which stays consistent (kemu-img check),
#     also when it allocates a cluster (written back when kemu exits)
#  3. -snapshot and snapshot=on: the guest's write succeeds, the image is
#     unchanged afterwards
#  4. 1 GiB and 4 GiB disks (sparse): the BIOS's LBA translation and the
#     last CHS sector; partitioned disks: the geometry QEMU guesses from
#     the partition table, and LARGE translation
#  5. a 1.44 MB floppy (-fda, -drive if=floppy): drive 00h, geometry 80/2/18,
#     reads and a write through the FDC and ISA DMA; an odd-sized image
#     (a 2.88 MB drive as in QEMU, zeros past its end)
#  6. an El Torito no-emulation CD (-cdrom, -boot d): drive E0h, a 2 KiB
#     sector read with INT 13h AH=42h through ATAPI; at index 3 it comes
#     after QEMU's default empty CD-ROM (E1h) unless -nodefaults
#  7. the boot order: -boot c|d|a and order= pick the drive among a disk,
#     a CD and a floppy; once=d boots the CD, and the disk after a reset
# The expected values are what qemu-system-x86_64 7.2 (same SeaBIOS) prints
# for the same images. Usage: test-media-disk.sh KEMU NASM KEMU_IMG. TAP.
KEMU=${1:-kemu-system-x86_64}
NASM=${2:-nasm}
KEMU_IMG=${3:-kemu-img}
SRC=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"

case $KEMU in /*) ;; */*) KEMU=$(pwd)/$KEMU ;; esac
case $KEMU_IMG in /*) ;; */*) KEMU_IMG=$(pwd)/$KEMU_IMG ;; esac
if [ ! -x "$KEMU" ] || ! command -v "$NASM" >/dev/null || ! command -v perl >/dev/null; then
    echo "1..0 # SKIP needs the kemu binary, nasm and perl"
    exit 0
fi
if ! timeout 10 "$KEMU" -cpu help 2>/dev/null | grep -q "^x86 "; then
    echo "1..0 # SKIP no x86 CPU in this build"
    exit 0
fi
"$NASM" -f bin -o "$TMP/boot.bin" "$SRC/media-boot.asm" || exit 1

# mkimg OUT SIZE SECTOR FIRST LAST [EXTRA_LBA...]: BOOT at offset 0 (unless
# BOOT=-), then "S" + the 32-bit LBA at the start of each sector FIRST..LAST
# and of each EXTRA_LBA.
mkimg() {
    perl -e '
        my ($boot, $out, $size, $ss, $first, $last, @extra) = @ARGV;
        open(my $o, "+>", $out) or die "$out: $!";
        binmode $o;
        truncate($o, $size) or die;
        for my $l (($first .. $last), @extra) {
            seek($o, $l * $ss, 0);
            print $o "S" . pack("V", $l);
        }
        if ($boot ne "-") {
            open(my $b, "<", $boot) or die;
            binmode $b;
            local $/;
            my $d = <$b>;
            seek($o, 0, 0);
            print $o $d;
        }
        close $o or die;' "${BOOT:-$TMP/boot.bin}" "$@"
}

# sector FILE LBA: the first 4 bytes of a 512-byte sector, as hex.
sector() {
    od -An -tx1 -j $(($2 * 512)) -N 4 "$1" | tr -d ' \n'
}

DBG="-device isa-debug-exit,iobase=0xf4,iosize=4"
boot() { # boot NAME ARGS...: run to the program's exit
    name=$1
    shift
    kemu_run "$name" 30 $DBG "$@"
}
out() { # the program's lines, joined
    grep '^KEMU-' "$TMP/$1.txt" | paste -sd'|' -
}

DISK_OUT="KEMU-DRIVE 80|KEMU-GEOM 0E 3F 0F 01|KEMU-FIRST 00000002|KEMU-LAST 00003B0F|KEMU-EXT 00000005|KEMU-WRITE ok"
PATTERN=00070e15 # the first bytes the program writes to LBA 3

# 1. raw hard disk
mkimg "$TMP/disk.img" 8388608 512 2 16383
cp "$TMP/disk.img" "$TMP/disk.orig"
boot raw -drive file="$TMP/disk.img",format=raw
is "$rc" 1 "raw disk: the program ran to its end (isa-debug-exit status 1)"
is "$(out raw)" "$DISK_OUT" "raw disk: drive 80h, geometry, CHS/LBA reads, write"
is "$(sector "$TMP/disk.img" 3)" "$PATTERN" "raw disk: the guest's write is in the image"
is "$(sector "$TMP/disk.img" 4)" "53040000" "raw disk: the next sector is untouched"
cp "$TMP/disk.orig" "$TMP/disk.img"
boot hda -hda "$TMP/disk.img"
is "$(out hda)" "$DISK_OUT" "-hda (probed raw): the same"
grep -q "^WARNING: Image format was not specified for '$TMP/disk.img' and probing guessed raw\.$" \
    "$TMP/hda.err"
ok $? "-hda: QEMU's probing warning on stderr"
cp "$TMP/disk.orig" "$TMP/disk.img"
boot hdb -drive file="$TMP/disk.img",format=raw,index=1
is "$(out hdb)" "$DISK_OUT" "-drive index=1 (primary slave): the BIOS's drive 80h"
cp "$TMP/disk.orig" "$TMP/disk.img"
(cd "$TMP" && kemu_run bare 30 $DBG disk.img)
is "$(out bare)" "$DISK_OUT" "a bare image argument is -hda"

# 2. qcow2
"$KEMU_IMG" convert -f raw -O qcow2 "$TMP/disk.orig" "$TMP/disk.qcow2"
boot qcow2 -hda "$TMP/disk.qcow2"
is "$(out qcow2)" "$DISK_OUT" "qcow2 disk (probed): the same"
"$KEMU_IMG" check "$TMP/disk.qcow2" >"$TMP/check.txt" 2>&1
ok $? "qcow2 disk: kemu-img check is clean after the guest's write"
"$KEMU_IMG" convert -O raw "$TMP/disk.qcow2" "$TMP/back.img"
is "$(sector "$TMP/back.img" 3)" "$PATTERN" "qcow2 disk: the guest's write is in the image"

# the guest's write allocates a cluster (512-byte clusters, LBA 3 absent):
# the L2 table cached by qcow2 must reach the image when kemu exits (QEMU's
# isa-debug-exit leaves without closing its images and loses this write)
mkimg "$TMP/sparse.img" 8388608 512 2 2 5 15119
"$KEMU_IMG" convert -S 512 -O qcow2 -o cluster_size=512 "$TMP/sparse.img" "$TMP/alloc.qcow2"
boot alloc -hda "$TMP/alloc.qcow2"
is "$(out alloc)" "$DISK_OUT" "qcow2 disk, write to an unallocated cluster: the same"
"$KEMU_IMG" check "$TMP/alloc.qcow2" >"$TMP/check2.txt" 2>&1
ok $? "qcow2 allocation: kemu-img check is clean after kemu exits (no leak)"
"$KEMU_IMG" convert -O raw "$TMP/alloc.qcow2" "$TMP/back2.img"
is "$(sector "$TMP/back2.img" 3)" "$PATTERN" "qcow2 allocation: the new cluster holds the write"

# 3. -snapshot
cp "$TMP/disk.orig" "$TMP/disk.img"
boot snap -snapshot -drive file="$TMP/disk.img",format=raw
is "$(out snap)" "$DISK_OUT" "-snapshot: the guest's write and read-back succeed"
cmp -s "$TMP/disk.img" "$TMP/disk.orig"
ok $? "-snapshot: the image is unchanged"
cp "$TMP/disk.qcow2" "$TMP/snap.qcow2"
boot snapq -drive file="$TMP/snap.qcow2",snapshot=on
is "$(out snapq)" "$DISK_OUT" "snapshot=on (qcow2): the same"
cmp -s "$TMP/disk.qcow2" "$TMP/snap.qcow2"
ok $? "snapshot=on: the qcow2 image is unchanged"

# 4. large disks: LBA translation (SeaBIOS reads it from CMOS 0x39)
mkimg "$TMP/big1.img" 1073741824 512 2 5 2062367
boot big1 -drive file="$TMP/big1.img",format=raw
is "$(out big1)" \
    "KEMU-DRIVE 80|KEMU-GEOM FE FF 1F 01|KEMU-FIRST 00000002|KEMU-LAST 001F781F|KEMU-EXT 00000005|KEMU-WRITE ok" \
    "1 GiB disk: 1023 x 32 x 63 translated geometry, last sector"
mkimg "$TMP/big4.raw" 4294967296 512 2 5 8369864
"$KEMU_IMG" convert -O qcow2 "$TMP/big4.raw" "$TMP/big4.qcow2"
rm -f "$TMP/big4.raw"
boot big4 -drive file="$TMP/big4.qcow2",format=qcow2
is "$(out big4)" \
    "KEMU-DRIVE 80|KEMU-GEOM 08 BF FE 01|KEMU-FIRST 00000002|KEMU-LAST 007FB6C8|KEMU-EXT 00000005|KEMU-WRITE ok" \
    "4 GiB qcow2 disk: 521 x 255 x 63 translated geometry, last sector"

# partition tables: QEMU takes the geometry from the first partition's
# ending CHS (8 heads x 32 sectors here); more than 16 heads means the BIOS
# translated, and a small enough disk gets LARGE translation (CMOS 0x39)
part() { # part IMAGE END_HEAD END_SECTOR END_CYL SECTORS: partition 1
    perl -e 'my ($f, $eh, $es, $ec, $n) = @ARGV;
        open(my $o, "+<", $f) or die; binmode $o; seek($o, 0x1be, 0);
        print $o pack("CCCCCCCCVV", 0x80, 0, 2, 0, 0x83, $eh, $es, $ec, 1, $n);
        close $o or die;' "$@"
}
mkimg "$TMP/p8.img" 8388608 512 2 16383
part "$TMP/p8.img" 7 32 63 16383
boot p8 -drive file="$TMP/p8.img",format=raw
is "$(out p8)" \
    "KEMU-DRIVE 80|KEMU-GEOM 3E 20 07 01|KEMU-FIRST 00000002|KEMU-LAST 00003EFF|KEMU-EXT 00000005|KEMU-WRITE ok" \
    "partitioned 8 MiB disk: the partition's 8 x 32 geometry"
mkimg "$TMP/p1g.img" 1073741824 512 2 5 2092607
part "$TMP/p1g.img" 254 255 255 2097151
boot p1g -drive file="$TMP/p1g.img",format=raw
is "$(out p1g)" \
    "KEMU-DRIVE 80|KEMU-GEOM 06 BF 3F 01|KEMU-FIRST 00000002|KEMU-LAST 001FEE3F|KEMU-EXT 00000005|KEMU-WRITE ok" \
    "partitioned 1 GiB disk with 255 heads: LARGE translation, 519 x 64 x 63"

# 5. floppy
FD_OUT="KEMU-DRIVE 00|KEMU-GEOM 4F 12 01 01|KEMU-FIRST 00000002|KEMU-LAST 00000B3F|KEMU-WRITE ok"
mkimg "$TMP/fd.img" 1474560 512 2 2879
cp "$TMP/fd.img" "$TMP/fd.orig"
boot fda -fda "$TMP/fd.img"
is "$rc" 1 "floppy: the program ran to its end"
is "$(out fda)" "$FD_OUT" "-fda: drive 00h, 80/2/18, CHS reads, write (FDC + DMA)"
is "$(sector "$TMP/fd.img" 3)" "$PATTERN" "-fda: the guest's write is in the image"
cp "$TMP/fd.orig" "$TMP/fd.img"
boot fdif -drive file="$TMP/fd.img",if=floppy,format=raw
is "$(out fdif)" "$FD_OUT" "-drive if=floppy: the same"
mkimg "$TMP/odd.img" 1296384 512 2 2531
boot odd -drive file="$TMP/odd.img",if=floppy,format=raw
is "$(out odd)" "KEMU-DRIVE 00|KEMU-GEOM 4F 24 01 01|KEMU-FIRST 00000002|KEMU-LAST ?|KEMU-WRITE ok" \
    "odd-sized floppy image: 2.88 MB geometry, the sectors past its end read as zeros"

# 6. CD-ROM
if command -v xorriso >/dev/null; then
    mkdir "$TMP/iso"
    cp "$TMP/boot.bin" "$TMP/iso/"
    xorriso -as mkisofs -quiet -b boot.bin -no-emul-boot -boot-load-size 4 \
        -o "$TMP/cd.iso" "$TMP/iso" 2>/dev/null
    # stamp the ISO's system area (2 KiB sectors 0-15, unused by ISO 9660)
    perl -e 'open(my $o, "+<", $ARGV[0]) or die; binmode $o;
        for my $l (0 .. 15) { seek($o, $l * 2048, 0); print $o "S" . pack("V", $l); }
        close $o or die;' "$TMP/cd.iso"
    boot cd -cdrom "$TMP/cd.iso" -boot d
    is "$(out cd)" "KEMU-DRIVE E0|KEMU-EXT 00000005" "-cdrom -boot d: drive E0h, 2 KiB LBA read"
    # the default empty CD-ROM (index 2) is the BIOS's E0h, this one E1h
    boot cdm -drive file="$TMP/cd.iso",media=cdrom,index=3 -boot d
    is "$(out cdm)" "KEMU-DRIVE E1|KEMU-EXT 00000005" \
        "-drive media=cdrom,index=3: drive E1h after the default CD-ROM"
    boot cdn -nodefaults -drive file="$TMP/cd.iso",media=cdrom,index=3 -boot d
    is "$(out cdn)" "KEMU-DRIVE E0|KEMU-EXT 00000005" "-nodefaults: no default CD-ROM, drive E0h"
else
    ok 0 "# SKIP no xorriso: CD-ROM boot"
fi

# -boot once=d: the CD first (it resets the machine), then the disk
if [ -f "$TMP/cd.iso" ]; then
    "$NASM" -f bin -DRESET_ON_CD -o "$TMP/iso/boot.bin" "$SRC/media-boot.asm"
    xorriso -as mkisofs -quiet -b boot.bin -no-emul-boot -boot-load-size 4 \
        -o "$TMP/reset.iso" "$TMP/iso" 2>/dev/null
    boot once -drive file="$TMP/disk.img",format=raw -snapshot -cdrom "$TMP/reset.iso" \
        -boot order=c,once=d
    is "$(grep '^KEMU-DRIVE' "$TMP/once.txt" | paste -sd' ' -)" "KEMU-DRIVE E0 KEMU-DRIVE 80" \
        "-boot order=c,once=d: the CD, then after the reset the disk"
fi

# 7. boot order among a disk, a floppy and a CD
cp "$TMP/disk.orig" "$TMP/disk.img"
cp "$TMP/fd.orig" "$TMP/fd.img"
MEDIA="-drive file=$TMP/disk.img,format=raw -drive file=$TMP/fd.img,if=floppy,format=raw -snapshot"
[ -f "$TMP/cd.iso" ] && MEDIA="$MEDIA -cdrom $TMP/cd.iso"
for b in "c 80" "a 00" "order=ca 80" "order=ac 00" "d E0"; do
    set -- $b
    [ "$2" = E0 ] && [ ! -f "$TMP/cd.iso" ] && continue
    boot order $MEDIA -boot "$1"
    is "$(line order KEMU-DRIVE)" "$2" "-boot $1: boots drive $2h"
done

finish
