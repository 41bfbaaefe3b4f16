#!/bin/sh
# SPDX-License-Identifier: MIT
# Command-line behaviour of the system emulator, checked as a user sees it:
# exact messages and exit statuses. Usage: test-cli.sh PATH/TO/kemu-system-x86_64
# Prints TAP.
bin=$1
dir=$(dirname "$bin")
n=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

report() { # cond desc
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

# run PROG ARGS...: stdout in $tmp/out, stderr in $tmp/err, status in $rc
run() {
    timeout 10 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

expect() { # desc want_rc want_stderr (exact, may be empty) ARGS...
    desc=$1 want_rc=$2 want_err=$3
    shift 3
    run "$bin" "$@"
    report "$([ "$rc" = "$want_rc" ]; echo $?)" "$desc: exit status $want_rc (got $rc)"
    printf '%s\n' "$want_err" >"$tmp/want"
    [ -z "$want_err" ] && : >"$tmp/want"
    if cmp -s "$tmp/err" "$tmp/want"; then report 0 "$desc: message"; else
        report 1 "$desc: message"; echo "# got: $(cat "$tmp/err")"; echo "# want: $want_err"; fi
}

P=kemu-system-x86_64
expect "unknown option" 1 "$P: -foo: invalid option" -foo
expect "unknown --option" 1 "$P: --bar: invalid option" --bar
expect "missing argument" 1 "$P: -m: requires an argument" -m
expect "-m foo" 1 "$P: -m foo: Parameter 'size' expects a non-negative number below 2^64
Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-
and exabytes, respectively." -m foo
expect "-m 1X" 1 "$P: -m 1X: Parameter 'size' expects a non-negative number below 2^64
Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-
and exabytes, respectively." -m 1X
expect "-m unknown key" 1 "$P: -m size=1G,foo=1: Invalid parameter 'foo'" -m size=1G,foo=1
expect "-cdrom" 1 "$P: -cdrom /nonexistent/x.iso: Could not open '/nonexistent/x.iso': No such file or directory" -cdrom /nonexistent/x.iso
expect "-hda" 1 "$P: -hda /nonexistent/x.img: Could not open '/nonexistent/x.img': No such file or directory" -hda /nonexistent/x.img
expect "-enable-kvm" 1 "$P: -enable-kvm: not supported yet" -enable-kvm
expect "accel=kvm" 1 "$P: -M accel=kvm: accelerator kvm: not supported yet" -M accel=kvm
expect "-display sdl" 1 "$P: -display sdl: display 'sdl': not supported yet" -display sdl
expect "-display bogus" 1 "$P: -display bogus: Parameter 'type' does not accept value 'bogus'" -display bogus
expect "-M bogus" 1 "$P: unsupported machine type
Use -machine help to list supported machines" -M bogus
expect "-smp over the machine limit" 1 "$P: Invalid SMP CPUs 2. The max CPUs supported by machine 'none' is 1" -M none -smp 2
expect "-smp maxcpus < cpus" 1 "$P: -smp cpus=2,maxcpus=1: Invalid CPU topology: maxcpus must be equal to or greater than smp: maxcpus (1) < smp_cpus (2)" -smp cpus=2,maxcpus=1
expect "-boot bad device" 1 "$P: -boot order=x: Invalid boot device 'x'" -boot order=x
expect "-boot twice" 1 "$P: -boot cc: Boot device 'c' was given twice" -boot cc
expect "-boot bad key" 1 "$P: -boot order=c,foo=1: Parameter 'boot.foo' is unexpected" -boot order=c,foo=1
expect "-boot menu" 1 "$P: -boot menu=maybe: Parameter 'boot.menu' expects 'on' or 'off'" -boot menu=maybe
expect "-icount bad shift" 1 "$P: -icount shift=x: icount: Invalid shift value" -icount shift=x
expect "-d bad item" 1 "$P: -d int,bogus: unknown log item 'bogus' (try -d help)" -d int,bogus
expect "-device unknown" 1 "$P: -device nope: 'nope' is not a valid device model name" -M none -device nope
expect "-vga cirrus" 1 "$P: -vga cirrus: not supported yet" -vga cirrus
expect "-vga unknown" 1 "$P: unknown vga type: bogus" -vga bogus
expect "-vga tcx" 1 "$P: TCX framebuffer not available" -vga tcx
expect "-vga std on -M none" 0 "$P: warning: A -vga option was passed but this machine type does not use that option; No VGA device has been created" -M none -vga std -display none -qtest stdio
expect "-vga none on -M none" 0 "" -M none -vga none -display none -qtest stdio
expect "-nodefaults" 0 "" -M none -nodefaults -display none -qtest stdio
run "$bin" -vga help
report "$([ $rc = 0 ] && grep -qx 'std                  standard VGA (default)' "$tmp/out" && grep -qx 'none                 no graphic card' "$tmp/out"; echo $?)" "-vga help"
expect "-monitor bad spec" 1 "$P: -monitor bogus:x: 'bogus:x' is not a valid char driver" -monitor bogus:x
expect "-rtc base=localtime" 1 "$P: -rtc: not supported yet" -rtc base=localtime
expect "-accel kvm" 1 "$P: -accel kvm: accelerator kvm: not supported yet" -accel kvm
expect "-serial five times" 1 "$P: -serial null: too many serial ports (at most 4)" -serial null -serial null -serial null -serial null -serial null
expect "-machine unknown property" 1 "$P: -M none,foo=1: machine property 'foo' not supported yet" -M none,foo=1
expect "-smp zero topology" 1 "$P: -smp 1,cores=0: CPU topology parameters must be greater than zero" -smp 1,cores=0
expect "-icount shift too big" 1 "$P: -icount 11: icount: Invalid shift value" -icount 11
expect "disk image argument" 1 "$P: /nonexistent/disk.img: Could not open '/nonexistent/disk.img': No such file or directory" /nonexistent/disk.img

# The program name picks the target and the message prefix.
ln -s "$(cd "$dir" && pwd)/$(basename "$bin")" "$tmp/kemu-system-i386"
run "$tmp/kemu-system-i386" -foo
report "$(grep -qx 'kemu-system-i386: -foo: invalid option' "$tmp/err"; echo $?)" "prefix follows the program name"

run "$bin" -version
report "$([ $rc = 0 ] && grep -q '^kemu emulator version [0-9]*\.[0-9]*\.[0-9]*$' "$tmp/out"; echo $?)" "-version"
run "$bin" --version
report "$([ $rc = 0 ] && grep -q '^kemu emulator version' "$tmp/out"; echo $?)" "--version"
run "$bin" -h
report "$([ $rc = 0 ] && grep -q '^usage: kemu-system-x86_64 \[options\]' "$tmp/out" && grep -q '^-machine' "$tmp/out"; echo $?)" "-h prints usage"
run "$bin" -help
report "$([ $rc = 0 ] && grep -q '^usage:' "$tmp/out"; echo $?)" "-help"

run "$bin" -M help
report "$([ $rc = 0 ] && [ "$(head -1 "$tmp/out")" = "Supported machines are:" ]; echo $?)" "-M help header"
report "$(grep -qx 'none                 empty machine' "$tmp/out"; echo $?)" "-M help lists none"
run "$bin" -machine '?'
report "$([ $rc = 0 ] && grep -q '^none ' "$tmp/out"; echo $?)" "-machine ? lists machines"

run "$bin" -device help
report "$([ $rc = 0 ] && [ ! -s "$tmp/err" ]; echo $?)" "-device help exits 0 silently on stderr"
# Every line is a category header, a blank line or a device entry.
report "$(grep -v -e '^[A-Za-z/]* devices:$' -e '^$' -e '^name "[^"]*"\(, bus [A-Za-z-]*\)\?\(, desc "[^"]*"\)\?$' "$tmp/out" | grep -q .; [ $? = 1 ]; echo $?)" "-device help format"
if grep -q '^name "isa-debugcon"' "$tmp/out"; then
    run "$bin" -device isa-debugcon,help
    report "$([ $rc = 0 ] && grep -q '^isa-debugcon options:$' "$tmp/out" && grep -q '^  iobase=<' "$tmp/out"; echo $?)" "-device isa-debugcon,help"
fi
run "$bin" -device nope,help
report "$([ $rc = 1 ] && grep -qx "$P: 'nope' is not a valid device model name" "$tmp/err"; echo $?)" "-device nope,help"

run "$bin" -accel help
report "$([ $rc = 0 ] && grep -qx tcg "$tmp/out"; echo $?)" "-accel help"
run "$bin" -display help
report "$([ $rc = 0 ] && grep -qx none "$tmp/out"; echo $?)" "-display help"
run "$bin" -L /x/y -L help
report "$([ $rc = 0 ] && [ "$(head -1 "$tmp/out")" = /x/y ] && grep -qx /usr/share/seabios "$tmp/out"; echo $?)" "-L help lists -L dirs first"

run "$bin" -d help
report "$([ $rc = 0 ] && head -1 "$tmp/out" | grep -qx 'Log items (comma separated):' && grep -q '^guest_errors ' "$tmp/out" && grep -q '^unimp ' "$tmp/out"; echo $?)" "-d help"

# A clean run of the empty machine, stopped by SIGTERM: exit status 0.
"$bin" -M none -display none -serial none -d guest_errors -D "$tmp/log" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.3
kill -TERM $pid
wait $pid
rc=$?
report "$([ $rc = 0 ]; echo $?)" "SIGTERM ends a run with status 0 (got $rc)"
report "$(grep -qx "$P: terminating on signal 15" "$tmp/err"; echo $?)" "SIGTERM message"
report "$([ -f "$tmp/log" ]; echo $?)" "-D creates the log file"

echo "1..$n"
exit $fail
