#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Talk to a QEMU human monitor (HMP) on a Unix socket.

    scripts/qemu_monitor.py SOCKET COMMAND...

Sends each COMMAND (one monitor line, e.g. "info registers -a") and prints
its answer after a "== COMMAND" line.  Exits 2 when the monitor cannot be
reached.  scripts/qemu-dump-on-reset and scripts/rig-vcpus-frozen import
Monitor and per_cpu from here.
"""

import re
import socket
import sys


class Monitor:
    def __init__(self, path):
        self.path = path

    def cmd(self, line):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(self.path)
            # First the monitor's greeting, then the answer to the line.
            for send in (False, True):
                buf = b""
                if send:
                    s.sendall(line.encode() + b"\n")
                while not buf.endswith(b"(qemu) "):
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
        out = buf.decode(errors="replace")
        # The monitor echoes what it is sent with terminal escapes.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
        lines = out.splitlines()
        return "\n".join(l for l in lines[1:] if l != "(qemu) ") + "\n"


def per_cpu(regs_all):
    """(index, text) of each vCPU's block in "info registers -a"."""
    return [(int(m.group(1)), m.group(2)) for m in
            re.finditer(r"^CPU#(\d+)$(.*?)(?=^CPU#|\Z)", regs_all, re.M | re.S)]


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: qemu_monitor.py SOCKET COMMAND...")
    mon = Monitor(sys.argv[1])
    for line in sys.argv[2:]:
        try:
            out = mon.cmd(line)
        except OSError as e:
            print("qemu_monitor.py: %s: %s" % (sys.argv[1], e), file=sys.stderr)
            sys.exit(2)
        sys.stdout.write("== %s\n%s" % (line, out))


if __name__ == "__main__":
    main()
