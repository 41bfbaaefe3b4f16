#!/bin/sh
# SPDX-License-Identifier: MIT
# test-linux-amd64: Debian 12's amd64 kernel and busybox on kemu-system-x86_64.
#
# Direct boot (-kernel vmlinuz -initrd initramfs.gz -append console=ttyS0)
# under -icount (deterministic), COM1 into a file; the guest's /init runs
# the checks of linux-guest.sh and powers off. The guests are fetched on
# first use (scripts/fetch-guests.sh); without network the test is skipped.
# KEMU_LINUX_CPU=model overrides the CPU model.
# Usage: test-linux-686.sh KEMU_BINARY (kemu-system-x86_64). TAP output.
KEMU=${1:-kemu-system-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/boot-lib.sh"
. "$SRC/linux-guest.sh"

if [ ! -x "$KEMU" ]; then
    echo "1..0 # SKIP no kemu binary at $KEMU"
    exit 0
fi
linux_guests_ready
linux_expect
LINUX_FLAGS="lm sse sse2"
linux_direct x86_64 amd64
linux_check x86_64 x86_64
finish
