#!/bin/sh
# Selftest guest: starts, then never finishes.
. /vfcb/guest-lib.sh
plan 2
ok "about to hang"
while :; do sleep 1; done
