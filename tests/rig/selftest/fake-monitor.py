#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for QEMU's human monitor (tests/rig/selftest/fake-qemu.sh).

    fake-monitor.py SOCKET MODE

Answers "info registers -a" on the Unix socket SOCKET with two vCPUs in
the state MODE names, as QEMU 10 prints them, until the process that
started it exits:
  frozen  both halted (HLT=1) with interrupts on (RFL 0x246): asleep
          for an interrupt that never comes
  stale   vCPU 1 so, vCPU 0 running
  clihlt  both halted with interrupts off (RFL 0x46), as a panic or a
          driver's cli; hlt leaves them: not the emulator's
  s3      asleep in S3 ("info status": suspended) until sent
          system_wakeup, which it notes by creating SOCKET.woken
"""

import os
import socket
import sys

STATE = {  # mode -> ((HLT, RFL) of vCPU 0, of vCPU 1)
    "frozen": ((1, 0x246), (1, 0x246)),
    "stale": ((0, 0x246), (1, 0x246)),
    "clihlt": ((1, 0x46), (1, 0x46)),
}


def registers(mode):
    out = ""
    for i, (hlt, rfl) in enumerate(STATE[mode]):
        out += ("\r\nCPU#%d\r\n"
                "RAX=0000000000000000 RBX=0000000000000001 RCX=0000000000000000 RDX=0000000000000000\r\n"
                "RIP=ffffffff90e53907 RFL=%08x [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=%d\r\n"
                % (i, rfl, hlt))
    return out


def answer(line, mode, path):
    if mode == "s3":
        if line == "system_wakeup":
            open(path + ".woken", "w").close()
            return ""
        if line == "info status":
            if os.path.exists(path + ".woken"):
                return "VM status: running\r\n"
            return "VM status: paused (suspended)\r\n"
        return ""
    if line == "info registers -a":
        return registers(mode)
    if line == "info lapic":
        return "dumping local APIC state for CPU 0\r\n\r\nLVTT\t 0x000400ec active-hi edge  tsc-deadline\r\n"
    return ""


def main():
    path, mode = sys.argv[1], sys.argv[2]
    parent = os.getppid()
    for stale in (path, path + ".woken"):
        try:
            os.unlink(stale)
        except FileNotFoundError:
            pass
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(1)
    while os.getppid() == parent:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        with conn:
            conn.sendall(b"QEMU 10.0.2 monitor - type 'help' for more information\r\n(qemu) ")
            buf = b""
            while not buf.endswith(b"\n"):
                d = conn.recv(4096)
                if not d:
                    break
                buf += d
            line = buf.decode().strip()
            # QEMU echoes the line first, then answers, then prompts.
            conn.sendall((line + "\r\n" + answer(line, mode, path) + "(qemu) ").encode())
    os.unlink(path)


if __name__ == "__main__":
    main()
