# SPDX-License-Identifier: MIT
# linux-guest.sh: boot a Debian kernel with the test initramfs and check its
# report (sourced by test-linux-686.sh, test-linux-amd64.sh, test-linux-iso.sh).
#
#   linux_guests_ready       fetch the guests (scripts/fetch-guests.sh) unless
#                            present; prints a TAP SKIP and exits when that fails
#   linux_expect             the host's values for the guest's checks, as
#                            "KEMU-<NAME>: value" lines in $TMP/expect
#   linux_check NAME UNAME   TAP checks of the COM1 output of run NAME
#
# The initramfs's /init (written by scripts/fetch-guests.sh) prints
# KEMU-BOOT-OK, KEMU-UNAME, KEMU-FLAGS, then the workload results KEMU-MD5,
# KEMU-SHA256 (of `seq 1 20000`), KEMU-GZIP (md5 after a gzip round trip),
# KEMU-GUNZIP (md5 of a host-made gzip stream), KEMU-ARITH (a shell loop),
# KEMU-FORK (200 fork+exec of /bin/true), KEMU-DONE, and powers off.
# The caller sets KEMU, TMP and ROOT and sources boot-lib.sh first.
GUESTS=${KEMU_GUESTS:-$ROOT/cache/guests}
LINUX_CPU=${KEMU_LINUX_CPU:-}  # e.g. qemu32,-sse,-sse2 (see notes)
LINUX_RAM=256
LINUX_APPEND="console=ttyS0 panic=-1" # a panic reboots, -no-reboot exits

linux_guests_ready() {
    if ! "$ROOT/scripts/fetch-guests.sh" --check; then
        echo "# fetching the guests (scripts/fetch-guests.sh)"
        if ! "$ROOT/scripts/fetch-guests.sh" >"$TMP/fetch.log" 2>&1; then
            sed 's/^/# /' "$TMP/fetch.log" | tail -5
            echo "1..0 # SKIP the Debian guests are not fetched and cannot be fetched"
            exit 0
        fi
    fi
}

linux_expect() {
    seq 1 20000 >"$TMP/f"
    arith=$(i=0 s=0
        while [ $i -lt 20000 ]; do
            s=$(((s * 31 + i) % 1000003))
            i=$((i + 1))
        done
        echo $s)
    {
        echo "KEMU-MD5: $(md5sum <"$TMP/f" | cut -d' ' -f1)"
        echo "KEMU-SHA256: $(sha256sum <"$TMP/f" | cut -d' ' -f1)"
        echo "KEMU-GZIP: $(md5sum <"$TMP/f" | cut -d' ' -f1)"
        echo "KEMU-GUNZIP: $(seq 1 3000 | sed 's/$/ kemu/' | md5sum | cut -d' ' -f1)"
        echo "KEMU-ARITH: $arith"
        echo "KEMU-FORK: 200"
    } >"$TMP/expect"
}

# The value of "KEMU-NAME: value" in run NAME's output.
kemu_value() {
    sed -n "s/^$2: //p" "$TMP/$1.txt" | head -1
}

linux_check() {
    run=$1 uname=$2
    booted=1
    grep -q "^KEMU-BOOT-OK$" "$TMP/$run.txt" && booted=0
    ok $booted "$run: the kernel boots and runs /init (KEMU-BOOT-OK)"
    if [ $booted != 0 ] || ! grep -q "^KEMU-DONE$" "$TMP/$run.txt"; then
        echo "# last lines on COM1:"
        tail -15 "$TMP/$run.txt" | sed 's/^/#   /'
    fi
    is "$(kemu_value "$run" KEMU-UNAME)" "$uname" "$run: uname -m"
    flags=" $(kemu_value "$run" KEMU-FLAGS) "
    missing=""
    for f in fpu tsc cx8 cmov $LINUX_FLAGS; do
        case $flags in *" $f "*) ;; *) missing="$missing $f" ;; esac
    done
    is "$missing" "" "$run: /proc/cpuinfo flags include fpu tsc cx8 cmov $LINUX_FLAGS"
    while IFS= read -r want; do
        name=${want%%:*}
        is "$(kemu_value "$run" "$name")" "${want#*: }" "$run: $name"
    done <"$TMP/expect"
    grep -q "^KEMU-DONE$" "$TMP/$run.txt"
    ok $? "$run: the workload completes (KEMU-DONE)"
    is "$rc" 0 "$run: poweroff -f ends kemu (ACPI S5), exit status 0"
}

# linux_direct NAME ARCH BINARY: boot $GUESTS/ARCH with -kernel/-initrd.
linux_direct() {
    cpu=""
    [ -n "$LINUX_CPU" ] && cpu="-cpu $LINUX_CPU"
    echo "# $KEMU $cpu -icount shift=0,sleep=off -no-reboot -m $LINUX_RAM" \
        "-kernel $GUESTS/$2/vmlinuz -initrd $GUESTS/$2/initramfs.gz -append '$LINUX_APPEND'"
    start=$(date +%s)
    # shellcheck disable=SC2086
    kemu_run "$1" 600 $cpu -icount shift=0,sleep=off -no-reboot -m $LINUX_RAM \
        -kernel "$GUESTS/$2/vmlinuz" -initrd "$GUESTS/$2/initramfs.gz" -append "$LINUX_APPEND"
    echo "# $1: $(($(date +%s) - start)) s, exit status $rc"
}
