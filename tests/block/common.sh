# SPDX-License-Identifier: MIT
# Shared helpers of the tests/block/*.sh interop tests (TAP output).
# Each script is run as: script.sh KEMU_IMG BLOCK_IO; Debian's qemu-img and
# qemu-io are the oracle, and the script skips when they are missing.
KEMU_IMG=$(realpath "$1")
BLOCK_IO=$(realpath "$2")
if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
    echo "1..0 # SKIP qemu-img/qemu-io not installed"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
TAP_N=0
TAP_FAILED=0

ok() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $TAP_N - $2"
    else
        echo "not ok $TAP_N - $2"
        TAP_FAILED=1
    fi
}

# diag FILE: show a file as TAP comments
diag() { sed 's/^/# /' "$@"; }

# same_output SETUP ARGS...: run SETUP in a fresh directory and copy it,
# then "qemu-img ARGS" in one copy and "kemu-img ARGS" in the other; the outputs
# (stdout+stderr, program name normalised) and exit codes must match.
same_output() {
    local setup=$1
    shift
    rm -rf q k && mkdir q
    (cd q && eval "$setup") >/dev/null 2>&1
    cp -a q k
    (cd q && qemu-img "$@" > ../q.out 2>&1; echo "rc=$?" >> ../q.out)
    (cd k && "$KEMU_IMG" "$@" 2>&1 | sed 's/kemu-img/qemu-img/g' > ../k.out;
     echo "rc=${PIPESTATUS[0]}" >> ../k.out)
    cmp -s q.out k.out
    ok $? "same output as qemu-img: $*"
    cmp -s q.out k.out || diff q.out k.out | diag
}

# same_output_ro SETUP ARGS...: as same_output for commands that do not
# change the images: both tools run on the very same files (so that even
# "disk size" must agree).
same_output_ro() {
    local setup=$1
    shift
    rm -rf q k && mkdir q
    (cd q && eval "$setup") >/dev/null 2>&1
    (cd q && qemu-img "$@" > ../q.out 2>&1; echo "rc=$?" >> ../q.out)
    (cd q && "$KEMU_IMG" "$@" 2>&1 | sed 's/kemu-img/qemu-img/g' > ../k.out;
     echo "rc=${PIPESTATUS[0]}" >> ../k.out)
    cmp -s q.out k.out
    ok $? "same output as qemu-img: $*"
    cmp -s q.out k.out || diff q.out k.out | diag
}

finish() {
    echo "1..$TAP_N"
    exit $TAP_FAILED
}
