#!/bin/sh
# Selftest guest: starts, then sits idle.  The selftest stops its vCPUs
# from QEMU's monitor while they wait in HLT, which is what a lost timer
# interrupt leaves, and the rig must call the guest frozen.
. /vfcb/guest-lib.sh
plan 2
ok "about to idle"
sleep 600
