#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kemu's monitor driven as a user drives QEMU's (TAP output).

HMP on a unix socket (-monitor unix:PATH,server,nowait) with SeaBIOS:
banner, info version/status/registers, xp of the reset vector, x /i,
stop/cont really stopping the clock (the ACPI PM timer is read with the
monitor's "i" command), system_powerdown setting PWRBTN_STS, system_reset,
quit. QMP on a unix socket: greeting, negotiation, errors, query-*,
human-monitor-command, events with timestamps, screendump, quit. -monitor
stdio over pipes, pretty QMP through -mon, the mon:stdio multiplexer over
a pty (Ctrl-a c), SIGTERM's SHUTDOWN event and option errors.

Usage: test-monitor.py KEMU_BINARY
"""
import atexit
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

KEMU = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="kemu-monitor-")
count = 0
failed = 0


def ok(cond, desc):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", count, desc), flush=True)
    return cond


def is_(got, want, desc):
    if not ok(got == want, desc):
        print("#   got:      %r\n#   expected: %r" % (got, want), flush=True)


PROCS = []
PIDS = []


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    for pid in PIDS:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    shutil.rmtree(TMP, ignore_errors=True)


atexit.register(cleanup)


def start(*args, **kw):
    proc = subprocess.Popen([KEMU, "-display", "none"] + list(args),
                            stdin=kw.get("stdin", subprocess.DEVNULL),
                            stdout=kw.get("stdout", subprocess.DEVNULL),
                            stderr=subprocess.DEVNULL)
    PROCS.append(proc)
    return proc


def finish(proc, timeout=10):
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return "timeout"


def connect(path):
    for _ in range(200):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.settimeout(10)
            return s
        except OSError:
            time.sleep(0.02)
    raise SystemExit("Bail out! cannot connect to " + path)


class Hmp:
    """A human monitor client: sends a line, returns the command's output."""

    def __init__(self, path):
        self.sock = connect(path)
        self.banner = self.read_prompt()

    def read_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            data = self.sock.recv(65536)
            if not data:
                break
            buf += data
        return buf.decode("latin-1")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r")
        out = self.read_prompt()
        # The echo ends with the redrawn line, ESC [ K and the newline.
        start = out.rfind("\x1b[K\r\n")
        out = out[start + 5:] if start >= 0 else out
        return out[:-len("(qemu) ")] if out.endswith("(qemu) ") else out


class Qmp:
    """A QMP client: reads whole lines, separates events from replies."""

    def __init__(self, path):
        self.sock = connect(path)
        self.buf = b""
        self.events = []
        self.greeting_raw = self.read_line()

    def read_line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode() + "\n"

    def send(self, text):
        self.sock.sendall(text.encode())
        while True:
            line = self.read_line()
            if line is None:
                return None
            msg = json.loads(line)
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def cmd(self, name, args=None, **extra):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(extra)
        return self.send(json.dumps(req))

    def event(self, name):
        for e in self.events:
            if e["event"] == name:
                return e
        line = self.read_line()
        while line is not None:
            e = json.loads(line)
            self.events.append(e)
            if e.get("event") == name:
                return e
            line = self.read_line()
        return None


def kemu_version():
    out = subprocess.run([KEMU, "-version"], capture_output=True, text=True).stdout
    return re.search(r"version (\S+)", out).group(1)


VERSION = kemu_version()
BANNER = "kemu %s monitor - type 'help' for more information\r\n(qemu) " % VERSION


def port(hmp, line):
    m = re.search(r"= 0x([0-9a-f]+)", hmp.cmd(line))
    return int(m.group(1), 16) if m else None


# ---- HMP on a unix socket ----

def test_hmp():
    path = os.path.join(TMP, "hmp.sock")
    proc = start("-S", "-monitor", "unix:%s,server,nowait" % path)
    hmp = Hmp(path)
    is_(hmp.banner, BANNER, "hmp: banner and prompt")
    is_(hmp.cmd("info version"), VERSION + "\r\n", "hmp: info version")
    is_(hmp.cmd("info status"), "VM status: paused (prelaunch)\r\n", "hmp: -S is prelaunch")
    is_(hmp.cmd("xp /8xb 0xffff0"),
        "00000000000ffff0: 0xea 0x5b 0xe0 0x00 0xf0 0x30 0x36 0x2f\r\n",
        "hmp: xp reads SeaBIOS's reset vector (jmp f000:e05b, date string)")
    dis = hmp.cmd("x /1i 0xffff0")
    if "capstone" in dis:
        print("ok %d - # SKIP x /i: built without capstone" % (count + 1))
        globals()["count"] += 1
    else:
        is_(dis, "0x000ffff0:  ea 5b e0 00 f0           ljmpw    $0xf000:$0xe05b\r\n",
            "hmp: x /i disassembles the reset vector (AT&T, QEMU's layout)")
    regs = hmp.cmd("info registers")
    ok(regs.startswith("\r\nCPU#0\r\nEAX=") and "EIP=0000fff0" in regs and
       "CS =f000 ffff0000 0000ffff" in regs, "hmp: info registers at reset")
    is_(hmp.cmd("p/x $pc"), "0xfffffff0\r\n", "hmp: $pc is CS base + EIP")

    hmp.cmd("cont")
    is_(hmp.cmd("info status"), "VM status: running\r\n", "hmp: cont runs the VM")
    time.sleep(0.3)
    is_(hmp.cmd("stop"), "", "hmp: stop prints nothing")
    is_(hmp.cmd("info status"), "VM status: paused\r\n", "hmp: stop pauses the VM")
    regs = hmp.cmd("info registers")
    ok("EIP=" in regs and "CS =f000 ffff0000" not in regs,
       "hmp: info registers after SeaBIOS ran (CS reloaded)")
    t1 = port(hmp, "i /w 0x608")
    time.sleep(0.2)
    t2 = port(hmp, "i /w 0x608")
    ok(t1 is not None and t1 != 0xffffffff and t1 == t2,
       "hmp: stopped, the ACPI PM timer stands still (%s, %s)" % (t1, t2))
    hmp.cmd("cont")
    time.sleep(0.05)
    t3 = port(hmp, "i /w 0x608")
    ok(t3 is not None and t3 != t2, "hmp: after cont the PM timer runs (%s)" % t3)
    hmp.cmd("stop")

    hmp.cmd("o /h 0x600 0xffff")
    ok((port(hmp, "i /h 0x600") or 0) & 0x100 == 0, "hmp: PWRBTN_STS clear")
    hmp.cmd("system_powerdown")
    ok((port(hmp, "i /h 0x600") or 0) & 0x100 == 0x100,
       "hmp: system_powerdown sets PWRBTN_STS (PM1a status bit 8)")
    is_(hmp.cmd("system_reset"), "", "hmp: system_reset")
    is_(hmp.cmd("info status"), "VM status: paused (prelaunch)\r\n",
        "hmp: a reset while paused leaves prelaunch")
    ok("EIP=0000fff0" in hmp.cmd("info registers"), "hmp: the CPU is back at the reset vector")
    is_(hmp.cmd("nosuch"), "unknown command: 'nosuch'\r\n", "hmp: unknown command")
    is_(hmp.cmd("xp"), "unexpected end of expression\r\nTry \"help xp\" for more information\r\n",
        "hmp: missing argument")
    hmp.sock.sendall(b"quit\r")
    is_(finish(proc), 0, "hmp: quit exits with status 0")


# ---- QMP on a unix socket ----

def test_qmp():
    path = os.path.join(TMP, "qmp.sock")
    proc = start("-S", "-qmp", "unix:%s,server,nowait" % path)
    qmp = Qmp(path)
    greeting = json.loads(qmp.greeting_raw)
    major, minor, micro = (int(x) for x in VERSION.split("."))
    is_(greeting, {"QMP": {"version": {"qemu": {"micro": micro, "minor": minor, "major": major},
                                       "package": ""}, "capabilities": []}},
        "qmp: greeting")
    ok(qmp.greeting_raw.endswith("}}\r\n"), "qmp: lines end with CR LF")
    is_(qmp.cmd("query-status"),
        {"error": {"class": "CommandNotFound",
                   "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}},
        "qmp: commands wait for qmp_capabilities")
    is_(qmp.cmd("qmp_capabilities"), {"return": {}}, "qmp: qmp_capabilities")
    is_(qmp.cmd("qmp_capabilities"),
        {"error": {"class": "CommandNotFound",
                   "desc": "Capabilities negotiation is already complete, command ignored"}},
        "qmp: qmp_capabilities twice")
    qmp.sock.sendall(b'{"execute": "query-status"}\n')
    is_(qmp.read_line(),
        '{"return": {"status": "prelaunch", "singlestep": false, "running": false}}\r\n',
        "qmp: query-status, byte for byte")
    is_(qmp.cmd("nosuch"),
        {"error": {"class": "CommandNotFound", "desc": "The command nosuch has not been found"}},
        "qmp: unknown command")
    is_(qmp.cmd("query-status", id={"n": [1, "a"]})["id"], {"n": [1, "a"]}, "qmp: id echoed")
    is_(qmp.send("garbage\n"),
        {"error": {"class": "GenericError", "desc": "JSON parse error, invalid keyword 'garbage'"}},
        "qmp: JSON parse error")
    is_(qmp.send('{"execute": "query-status", "foo": 1}'),
        {"error": {"class": "GenericError", "desc": "QMP input member 'foo' is unexpected"}},
        "qmp: unexpected member")
    is_(qmp.cmd("human-monitor-command"),
        {"error": {"class": "GenericError", "desc": "Parameter 'command-line' is missing"}},
        "qmp: missing argument")
    is_(qmp.cmd("screendump", {"filename": 5}),
        {"error": {"class": "GenericError",
                   "desc": "Invalid parameter type for 'filename', expected: string"}},
        "qmp: argument type")
    is_(qmp.cmd("human-monitor-command", {"command-line": "xp /2xb 0xffff0"}),
        {"return": "00000000000ffff0: 0xea 0x5b\r\n"}, "qmp: human-monitor-command")
    cpus = qmp.cmd("query-cpus-fast")["return"]
    ok(len(cpus) == 1 and cpus[0]["cpu-index"] == 0 and cpus[0]["target"] == "x86_64" and
       cpus[0]["qom-path"] == "/machine/unattached/device[0]", "qmp: query-cpus-fast")
    labels = [c["label"] for c in qmp.cmd("query-chardev")["return"]]
    ok("compat_monitor0" in labels, "qmp: query-chardev lists compat_monitor0")

    is_(qmp.cmd("cont"), {"return": {}}, "qmp: cont")
    resume = qmp.event("RESUME")
    ok(resume is not None and set(resume) == {"timestamp", "event"} and
       isinstance(resume["timestamp"]["seconds"], int) and
       0 <= resume["timestamp"]["microseconds"] < 1000000 and
       abs(resume["timestamp"]["seconds"] - time.time()) < 60, "qmp: RESUME event with timestamp")
    is_(qmp.cmd("query-status")["return"]["status"], "running", "qmp: running")
    time.sleep(0.2)
    is_(qmp.cmd("stop"), {"return": {}}, "qmp: stop")
    ok(qmp.event("STOP") is not None, "qmp: STOP event")
    is_(qmp.cmd("query-status")["return"],
        {"status": "paused", "singlestep": False, "running": False}, "qmp: paused")

    ppm = os.path.join(TMP, "screen.ppm")
    is_(qmp.cmd("screendump", {"filename": ppm}), {"return": {}}, "qmp: screendump")
    data = open(ppm, "rb").read()
    m = re.match(rb"P6\n(\d+) (\d+)\n255\n", data)
    ok(m and len(data) == m.end() + int(m.group(1)) * int(m.group(2)) * 3,
       "qmp: screendump writes a whole PPM")
    png = os.path.join(TMP, "screen.png")
    qmp.cmd("screendump", {"filename": png, "format": "png"})
    ok(open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "qmp: screendump format=png")
    is_(qmp.cmd("screendump", {"filename": os.path.join(TMP, "no/such/dir.ppm")})["error"]["desc"],
        "failed to open file '%s': No such file or directory" % os.path.join(TMP, "no/such/dir.ppm"),
        "qmp: screendump error")

    is_(qmp.cmd("system_powerdown"), {"return": {}}, "qmp: system_powerdown")
    ok(qmp.event("POWERDOWN") is not None, "qmp: POWERDOWN event")
    is_(qmp.cmd("system_reset"), {"return": {}}, "qmp: system_reset")
    is_(qmp.event("RESET").get("data"), {"guest": False, "reason": "host-qmp-system-reset"},
        "qmp: RESET event names the host")
    is_(qmp.cmd("quit"), {"return": {}}, "qmp: quit")
    is_(qmp.event("SHUTDOWN").get("data"), {"guest": False, "reason": "host-qmp-quit"},
        "qmp: SHUTDOWN event")
    is_(finish(proc), 0, "qmp: exit status 0")


# ---- -monitor stdio, pretty QMP, SIGTERM ----

def test_stdio():
    proc = start("-S", "-monitor", "stdio", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, _ = proc.communicate(b"info status\nquit\n", timeout=20)
    out = out.decode("latin-1")
    ok(out.startswith(BANNER), "-monitor stdio: banner on stdout")
    ok("\r\nVM status: paused (prelaunch)\r\n(qemu) " in out, "-monitor stdio: a command")
    is_(proc.returncode, 0, "-monitor stdio: quit")


def test_pretty_and_signal():
    path = os.path.join(TMP, "pretty.sock")
    proc = start("-S", "-chardev", "socket,id=q,path=%s,server=on,wait=off" % path,
                 "-mon", "chardev=q,mode=control,pretty=on")
    sock = connect(path)

    def read_message():
        # A pretty message ends with "}" alone on its line.
        buf = b""
        while not buf.endswith(b"\r\n}\r\n"):
            data = sock.recv(4096)
            if not data:
                break
            buf += data
        return buf

    buf = read_message()
    ok(buf.startswith(b'{\r\n    "QMP": {\r\n        "version": {\r\n') and
       buf.endswith(b'        "capabilities": [\r\n        ]\r\n    }\r\n}\r\n'), "pretty: greeting")
    sock.sendall(b'{"execute": "qmp_capabilities"}')
    is_(read_message(), b'{\r\n    "return": {\r\n    }\r\n}\r\n', "pretty: {\"return\": {}}")
    proc.send_signal(signal.SIGTERM)
    buf = read_message()
    ok(b'"event": "SHUTDOWN"' in buf and b'"reason": "host-signal"' in buf,
       "SIGTERM: SHUTDOWN event with reason host-signal")
    is_(finish(proc), 0, "SIGTERM: exit status 0")


# ---- the mon:stdio multiplexer on a pty ----

def pty_read(fd, wait):
    out = b""
    end = time.time() + wait
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out.decode("latin-1")


def test_mux():
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(KEMU, [KEMU, "-nographic", "-S"])
    PIDS.append(pid)
    time.sleep(0.5)
    is_(pty_read(fd, 0.3), "", "mux: the serial console has the focus, no banner yet")
    os.write(fd, b"\x01c")
    is_(pty_read(fd, 0.5).replace("\r\r\n", "\r\n"), BANNER, "mux: Ctrl-a c shows the monitor")
    os.write(fd, b"info status\r")
    out = pty_read(fd, 0.5).replace("\r\r\n", "\r\n")
    ok(out.endswith("info status\x1b[K\r\nVM status: paused (prelaunch)\r\n(qemu) "),
       "mux: a monitor command")
    os.write(fd, b"\x01c")
    is_(pty_read(fd, 0.3).replace("\r\r\n", "\r\n"), "\r\n", "mux: Ctrl-a c back to the console")
    os.write(fd, b"info version\r")
    is_(pty_read(fd, 0.3), "", "mux: input now goes to the serial port, not the monitor")
    os.write(fd, b"\x01c")
    is_(pty_read(fd, 0.3), "(qemu) ", "mux: Ctrl-a c again: a fresh prompt")
    os.write(fd, b"quit\r")
    pty_read(fd, 0.5)
    _, status = os.waitpid(pid, 0)
    PIDS.remove(pid)
    is_(os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1, 0, "mux: quit exits 0")
    os.close(fd)


# ---- option errors ----

def test_options():
    prog = os.path.basename(KEMU)
    cases = [
        (["-mon", "mode=readline"], "-mon mode=readline: Parameter 'chardev' is missing"),
        (["-mon", "foo"], "-mon foo: chardev \"foo\" not found"),
        (["-mon", "foo,mode=bad"], "-mon foo,mode=bad: Parameter 'mode' does not accept value 'bad'"),
        (["-chardev", "null,id=n", "-mon", "n,pretty=on"],
         "-mon n,pretty=on: 'pretty' is not compatible with HMP monitors"),
        (["-qmp", "bogus"], "-qmp bogus: 'bogus' is not a valid char driver"),
    ]
    for args, msg in cases:
        r = subprocess.run([KEMU, "-display", "none", "-S"] + args, capture_output=True,
                           text=True, timeout=10)
        is_((r.returncode, r.stderr), (1, "%s: %s\n" % (prog, msg)), "option error: " + msg)


test_hmp()
test_qmp()
test_stdio()
test_pretty_and_signal()
test_mux()
test_options()
print("1..%d" % count)
sys.exit(1 if failed else 0)
