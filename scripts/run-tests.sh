#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one meson test suite and end with the plain "N passed, N failed" line.
#   scripts/run-tests.sh BUILDDIR SUITE
build=${1:-build}
suite=${2:-default}
shift 2 2>/dev/null || shift $#
meson test -C "$build" --suite "$suite" --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$build/test-$suite.out" | grep -v '^$'
rc=$?
out="$build/test-$suite.out"
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$out" | tail -1)
xf=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$out" | tail -1)
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$out" | tail -1)
upass=$(sed -n 's/^Unexpected Pass: *\([0-9]*\).*/\1/p' "$out" | tail -1)
skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$out" | tail -1)
to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$out" | tail -1)
failed=$(( ${fail:-0} + ${upass:-0} + ${to:-0} ))
echo "${ok:-0} passed, $failed failed, ${skip:-0} skipped"
[ "$failed" = 0 ] && [ "${ok:-0}" != 0 ]
