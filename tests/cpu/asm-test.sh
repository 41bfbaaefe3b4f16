#!/bin/sh
# SPDX-License-Identifier: MIT
# Assemble a bare-metal test ROM (tests/cpu/asm/*.asm) and run it as the BIOS
# of the pc machine. The ROM reports on the debug console (port 0xE9) and
# exits through isa-debug-exit (port 0xF4): status (code << 1) | 1.
# usage: asm-test.sh KEMU NASM SRC [EXPECTED_STATUS [kemu args...]]
kemu=$1 nasm=$2 src=$3
want=${4:-1}
[ $# -ge 4 ] && shift 4 || shift 3
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$nasm" -f bin -w-number-overflow -I "$(dirname "$src")/" -o "$tmp/rom.bin" "$src" || exit 99
timeout 30 "$kemu" -bios "$tmp/rom.bin" -display none -no-reboot -m 32 \
    -chardev file,id=dbg,path="$tmp/out.txt" \
    -device isa-debugcon,chardev=dbg,iobase=0xe9 \
    -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" > "$tmp/stdout.txt" 2>&1
rc=$?
cat "$tmp/out.txt" 2>/dev/null
cat "$tmp/stdout.txt"
if [ "$rc" -ne "$want" ]; then
    echo "exit status $rc, expected $want"
    exit 1
fi
exit 0
