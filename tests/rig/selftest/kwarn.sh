#!/bin/sh
# Selftest guest: every assertion passes, but the kernel log gets a WARNING
# splat.  The runner only sees the serial console, so text written to
# /dev/kmsg is exactly what a real WARN_ON() would look like to it.
. /vfcb/guest-lib.sh
echo "WARNING: CPU: 0 PID: 1 at drivers/fake/selftest.c:42 selftest_warn+0x0/0x10" > /dev/kmsg
echo "Call Trace:" > /dev/kmsg
ok "all fine from userspace"
# The runner must not flag the word in test output (no printk timestamp).
diag "WARNING: this diag line alone must not fail the run"
done_testing
