#!/bin/sh
# Selftest guest: one failing assertion among passing ones.
. /vfcb/guest-lib.sh
ok "first"
is 1 2 "one equals two"
ok "third"
done_testing
