# SPDX-License-Identifier: MIT
# boot-lib.sh: shell helpers for the tests/boot/ scripts (sourced, POSIX sh).
#
#   ok STATUS DESCRIPTION      one TAP line; STATUS 0 is a pass
#   is GOT WANT DESCRIPTION    ok when the strings are equal (shows both if not)
#   kemu_run NAME SECS ARGS... run $KEMU headless with COM1 in $TMP/NAME.txt
#                              (\r removed), stderr in $TMP/NAME.err, exit
#                              status in $rc (124 on timeout)
#   line NAME PREFIX           the rest of the first COM1 line starting with
#                              "PREFIX " ("" if none)
#   bytesum FILE...            the files' byte sum, 8 uppercase hex digits
#   hex8 NUMBER                NUMBER as 8 uppercase hex digits
#   finish                     print the plan and exit with the result
# The caller sets KEMU and TMP (a scratch directory it removes).
n=0
fail=0

ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fail=1
    fi
}

is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}

kemu_run() {
    name=$1 secs=$2
    shift 2
    : >"$TMP/$name.out"
    timeout "$secs" "$KEMU" -display none -serial "file:$TMP/$name.out" "$@" \
        </dev/null >"$TMP/$name.log" 2>"$TMP/$name.err"
    rc=$?
    tr -d '\r' <"$TMP/$name.out" >"$TMP/$name.txt"
}

line() {
    sed -n "s/^$2 //p" "$TMP/$1.txt" | head -1
}

bytesum() {
    cat "$@" | od -An -v -tu1 |
        awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%08X\n", s }'
}

hex8() {
    printf "%08X\n" "$1"
}

finish() {
    echo "1..$n"
    exit $fail
}
