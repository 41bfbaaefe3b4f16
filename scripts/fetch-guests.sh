#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch the Linux guests kemu's boot tests, benchmark and demo run.
#
#   scripts/fetch-guests.sh [--check] [--no-iso]
#
# Downloads (apt-get download) Debian 12's current linux-image-*-amd64 and
# linux-image-*-686 and busybox-static for amd64 and i386, unpacks the
# kernel and busybox into cache/guests/<arch>/ and builds, for each arch:
#   vmlinuz         the Debian kernel (bzImage)
#   initramfs.gz    cpio newc + gzip: busybox and the /init below
#   linux.iso       GRUB (BIOS) CD holding both, unless --no-iso or the
#                   grub-pc-bin/xorriso/mtools tools are missing
# --check only says (exit status) whether everything is already there.
# Runs once: later calls only rebuild the initramfs when this script
# changed. The cache is git-ignored.
#
# The /init script mounts /proc and /sys, prints "KEMU-BOOT-OK", then one
# "KEMU-<NAME>: value" line per check, "KEMU-DONE", and powers off (or, with
# "kemu.shell" on the kernel command line, starts an interactive shell).
# tests/boot/linux-expect.sh computes the values the host expects.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KEMU_GUESTS:-$ROOT/cache/guests}
SELF="$ROOT/scripts/fetch-guests.sh"
STAMP=$(md5sum "$SELF" | cut -d' ' -f1)
ARCHES="amd64 i386"
CHECK=0
ISO=1
for a in "$@"; do
    case $a in
    --check) CHECK=1 ;;
    --no-iso) ISO=0 ;;
    *) echo "usage: $0 [--check] [--no-iso]" >&2; exit 2 ;;
    esac
done

log() { echo "fetch-guests: $*" >&2; }

complete() {
    for arch in $ARCHES; do
        d="$CACHE/$arch"
        [ -s "$d/vmlinuz" ] && [ -s "$d/initramfs.gz" ] && [ -x "$d/busybox" ] || return 1
        [ "$(cat "$d/stamp" 2>/dev/null)" = "$STAMP" ] || return 1
    done
}

if [ $CHECK = 1 ]; then
    complete
    exit $?
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# ---- packages ----

# The versioned package a meta-package depends on (linux-image-amd64 ->
# linux-image-6.1.0-NN-amd64).
kernel_package() {
    apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' |
        head -1
}

ensure_i386_lists() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        log "adding the i386 architecture to dpkg (for the 686 kernel and busybox)"
        $SUDO dpkg --add-architecture i386
    fi
    if [ -z "$(kernel_package linux-image-686:i386)" ]; then
        log "apt-get update"
        $SUDO apt-get update -qq || true # a half-synced mirror is not fatal
    fi
}

# download DEBDIR PACKAGE...: apt-get download into DEBDIR (as _apt can
# write there).
download() {
    dir=$1
    shift
    mkdir -p "$dir"
    chmod 777 "$dir" 2>/dev/null || true
    (cd "$dir" && apt-get download -q "$@")
}

# unpack DEB DEST PATTERN...: the files of a .deb matching the patterns
# (the kernel packages are mostly modules, which the guests do not need).
unpack() {
    deb=$1 dest=$2
    shift 2
    mkdir -p "$dest"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" --wildcards "$@"
}

fetch_arch() {
    arch=$1 flavour=$2 suffix=$3
    d="$CACHE/$arch"
    debs="$CACHE/debs"
    [ -s "$d/vmlinuz" ] && [ -x "$d/busybox" ] && return 0
    pkg=$(kernel_package "linux-image-$flavour$suffix")
    if [ -z "$pkg" ]; then
        log "no linux-image-$flavour$suffix in the apt lists"
        return 1
    fi
    pkg=${pkg%:*}
    log "downloading $pkg$suffix and busybox-static$suffix"
    rm -f "$debs/$pkg"_*.deb "$debs/busybox-static_"*"_$arch.deb"
    download "$debs" "$pkg$suffix" "busybox-static$suffix"
    rm -rf "$d/root"
    unpack "$debs/$pkg"_*_"$arch".deb "$d/root" './boot/vmlinuz-*'
    unpack "$debs"/busybox-static_*_"$arch".deb "$d/root" ./bin/busybox
    cp "$d/root"/boot/vmlinuz-* "$d/vmlinuz"
    cp "$d/root/bin/busybox" "$d/busybox"
    echo "$pkg" >"$d/kernel-package"
    rm -rf "$d/root"
}

# ---- initramfs ----

write_init() {
    cat >"$1" <<'EOF'
#!/bin/busybox sh
# kemu test guest: checks printed as "KEMU-<NAME>: value" on the console.
/bin/busybox mkdir -p /proc /sys /dev /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "KEMU-BOOT-OK"
echo "KEMU-UNAME: $(uname -m)"
echo "KEMU-FLAGS: $(grep -m1 '^flags' /proc/cpuinfo | sed 's/^flags[^:]*: *//')"
echo "KEMU-WORK-START"
seq 1 20000 >/tmp/f
echo "KEMU-MD5: $(md5sum </tmp/f | cut -d' ' -f1)"
echo "KEMU-SHA256: $(sha256sum </tmp/f | cut -d' ' -f1)"
echo "KEMU-GZIP: $(gzip -c /tmp/f | gunzip -c | md5sum | cut -d' ' -f1)"
echo "KEMU-GUNZIP: $(gunzip -c /data.gz | md5sum | cut -d' ' -f1)"
i=0
s=0
while [ $i -lt 20000 ]; do
    s=$(((s * 31 + i) % 1000003))
    i=$((i + 1))
done
echo "KEMU-ARITH: $s"
i=0
n=0
while [ $i -lt 200 ]; do
    /bin/true && n=$((n + 1))
    i=$((i + 1))
done
echo "KEMU-FORK: $n"
echo "KEMU-DONE"
if grep -q kemu.shell /proc/cmdline; then
    echo "kemu: busybox shell (poweroff -f to quit)"
    exec setsid cttyhack sh -l
fi
poweroff -f
EOF
    chmod 755 "$1"
}

# The data the guest decompresses: a stream made by the host's gzip.
write_data() {
    seq 1 3000 | sed 's/$/ kemu/' | gzip -9 -n >"$1"
}

build_initramfs() {
    arch=$1
    d="$CACHE/$arch"
    r="$d/initramfs"
    rm -rf "$r"
    mkdir -p "$r/bin"
    cp "$d/busybox" "$r/bin/busybox"
    write_init "$r/init"
    write_data "$r/data.gz"
    find "$r" -exec touch -h -d @0 {} + # the same bytes on every rebuild
    (cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
        gzip -9 -n >"$d/initramfs.gz"
    rm -rf "$r"
}

# ---- ISO ----

build_iso() {
    arch=$1
    d="$CACHE/$arch"
    for t in grub-mkrescue xorriso mformat; do
        if ! command -v $t >/dev/null; then
            log "no $t (grub-pc-bin, xorriso, mtools): no ISO"
            return 0
        fi
    done
    if [ ! -d /usr/lib/grub/i386-pc ]; then
        log "no /usr/lib/grub/i386-pc (grub-pc-bin): no ISO"
        return 0
    fi
    iso="$d/iso"
    rm -rf "$iso"
    mkdir -p "$iso/boot/grub"
    cp "$d/vmlinuz" "$d/initramfs.gz" "$iso/boot/"
    cat >"$iso/boot/grub/grub.cfg" <<'EOF'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "kemu test guest" {
    linux /boot/vmlinuz console=ttyS0 panic=-1
    initrd /boot/initramfs.gz
}
EOF
    grub-mkrescue -d /usr/lib/grub/i386-pc -o "$d/linux.iso" "$iso" >/dev/null 2>&1 || {
        log "grub-mkrescue failed: no ISO"
        rm -f "$d/linux.iso"
    }
    rm -rf "$iso"
}

# ---- main ----

complete && exit 0
mkdir -p "$CACHE"
# One fetch at a time (tests run in parallel); the winner does the work.
if command -v flock >/dev/null && [ -z "$KEMU_FETCH_LOCKED" ]; then
    KEMU_FETCH_LOCKED=1 exec flock "$CACHE/.lock" "$0" "$@"
fi
complete && exit 0
if ! command -v cpio >/dev/null; then
    log "cpio is missing (scripts/install-deps.sh installs it)"
    exit 1
fi
ensure_i386_lists
fetch_arch amd64 amd64 ""
fetch_arch i386 686 ":i386"
for arch in $ARCHES; do
    build_initramfs $arch
    [ $ISO = 1 ] && build_iso $arch
    echo "$STAMP" >"$CACHE/$arch/stamp"
done
log "guests ready in $CACHE"
