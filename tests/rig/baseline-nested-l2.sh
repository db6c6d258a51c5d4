#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Baseline, nested topology, L2 side: the VF passed through vfio-pci shows
# up as 8086:10ca, igbvf binds, completes its reset handshake with igb in L1
# through the emulated mailbox, reports link up and gets a set-MAC request
# ACKed.

. /vfcb/guest-lib.sh

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "VF (8086:10ca) visible in L2" || bail_out "no VF in L2"
diag "VF at $vf"

check "igbvf loads" load_mod igbvf
is "$(driver_of "$vf")" igbvf "VF bound to igbvf"
wait_for 10 test -n "$(netdev_of "$vf")"
n=$(netdev_of "$vf")
isnt "$n" "" "VF netdev registered"
mac=$(cat "/sys/class/net/$n/address" 2>/dev/null)
case "$mac" in
""|00:00:00:00:00:00) not_ok "VF has a MAC"; diag "mac '$mac'" ;;
*) ok "VF has a MAC ($mac)" ;;
esac
ip link set dev "$n" up
wait_for 20 grep -qx 1 "/sys/class/net/$n/carrier"
is "$(cat "/sys/class/net/$n/carrier" 2>/dev/null)" 1 "igbvf handshake done: link up"
check "set-MAC request accepted by the PF" ip link set dev "$n" address 02:00:00:00:20:01
is "$(cat "/sys/class/net/$n/address")" 02:00:00:00:20:01 "new MAC in place"
if dmesg_has 'PF still (in reset state|resetting)'; then
	not_ok "no igbvf reset-handshake errors"; diag "$(dmesg | grep igbvf)"
else
	ok "no igbvf reset-handshake errors"
fi
check "igbvf unloads" rmmod igbvf

done_testing
