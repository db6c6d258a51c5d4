#!/bin/sh
# Selftest guest: dies half-way (like a segfaulting test binary) before
# printing its plan.
. /vfcb/guest-lib.sh
ok "before the crash"
exit 3
