#!/bin/sh
# Selftest guest: everything passes, including a skip.
. /vfcb/guest-lib.sh
plan 3
ok "the rig boots"
is "$(cat /vfcb/extra.txt)" "payload" "--file reaches /vfcb/"
skip "a skipped test" "selftest"
