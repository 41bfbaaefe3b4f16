#!/bin/sh
# SPDX-License-Identifier: MIT
# CPUID of every CPU model against the recorded dumps in tests/cpu/cpuid/
# (QEMU 7.2's values, with kemu's documented differences marked there), and
# -cpu NAME,+feat,-feat. The dump ROM is tests/cpu/asm/cpuid-dump.asm.
# usage: cpuid-models.sh KEMU NASM SRCDIR (TAP output)
kemu=$1 nasm=$2 src=$3
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$nasm" -f bin -w-number-overflow -I "$src/asm/" -o "$tmp/dump.bin" "$src/asm/cpuid-dump.asm" ||
    exit 99

dump() { # dump CPU-STRING OUT
    rm -f "$2"
    timeout 30 "$kemu" -bios "$tmp/dump.bin" -cpu "$1" -display none -no-reboot -m 32 \
        -chardev file,id=dbg,path="$2" -device isa-debugcon,chardev=dbg,iobase=0xe9 \
        -device isa-debug-exit,iobase=0xf4,iosize=4 >"$tmp/stdout" 2>&1
    [ $? -eq 1 ] || { echo "# $1: exit status $?"; cat "$tmp/stdout" | sed 's/^/# /'; }
}

n=0
fail=0
models=$(cd "$src/cpuid" && ls *.txt | sed 's/\.txt$//')
set -- $models
echo "1..$(($# + 3))"
for m in $models; do
    n=$((n + 1))
    dump "$m" "$tmp/$m.out"
    grep -v '^#' "$src/cpuid/$m.txt" >"$tmp/$m.want"
    if cmp -s "$tmp/$m.want" "$tmp/$m.out"; then
        echo "ok $n - -cpu $m"
    else
        echo "not ok $n - -cpu $m"
        diff "$tmp/$m.want" "$tmp/$m.out" | head -20 | sed 's/^/# /'
        fail=1
    fi
done

# leaf 1 ECX of Nehalem is 80982201: -popcnt clears bit 23, +movbe sets 22, sse4_1=off bit 19
leaf1() { grep '^00000001\.0:' "$1" | cut -d' ' -f4; }
n=$((n + 1))
dump "Nehalem,-popcnt,+movbe,sse4_1=off" "$tmp/flags.out"
got=$(leaf1 "$tmp/flags.out")
if [ "$got" = "80502201" ]; then
    echo "ok $n - -cpu Nehalem,-popcnt,+movbe,sse4_1=off: CPUID.1:ECX $got"
else
    echo "not ok $n - -cpu Nehalem,-popcnt,+movbe,sse4_1=off: CPUID.1:ECX $got, want 80502201"
    fail=1
fi
n=$((n + 1))
timeout 10 "$kemu" -cpu "qemu64,+nosuchflag" -display none -nodefaults 2>"$tmp/err" </dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "nosuchflag" "$tmp/err"; then
    echo "ok $n - an unknown flag is an error naming it"
else
    echo "not ok $n - an unknown flag is an error naming it"
    sed 's/^/# /' "$tmp/err"
    fail=1
fi
n=$((n + 1))
if timeout 10 "$kemu" -cpu help 2>&1 | grep -q "^x86 SandyBridge "; then
    echo "ok $n - -cpu help lists SandyBridge"
else
    echo "not ok $n - -cpu help lists SandyBridge"
    fail=1
fi
exit $fail
