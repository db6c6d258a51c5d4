#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, L1 (the SR-IOV host), the igb form: the kernel's own igb,
# patched with igb/igb.patch, owns the PF with its netdev up and carries
# vfcb (vfcb_pf) beside its own mailbox protocol.  VF0 goes through
# vfio-pci to an L2 guest where the patched igbvf owns it
# (demo-igb-l2.sh): L2 pings this PF's netdev while the host writes a
# block, the guest reads it and writes one back, and the guest is woken by
# an invalidation.  Lines "# demo: ..." are the narration scripts/demo.sh
# shows.  Addresses: 198.18.1.0/24 (RFC 2544's benchmarking range) on the
# PF and L2's VF only; QEMU's network backend is restrict=on, so frames
# stay in QEMU's emulated 82576 switch.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

say() { diag "demo: $*"; }

A=198.18.1	# the PF is $A.1, L2's VF $A.10

pf=$(find_pf)
isnt "$pf" "" "igb PF (8086:10c9) present" || bail_out "no igb PF"
PFDEV=/dev/vfcb-pf-$pf

# load_igb: igb's in-tree dependencies (from the image), then the patched igb.
load_igb() {
	for _f in $(grep '^igb ' /lib/modules/load.list); do
		case "$_f" in igb|*/igb.ko) ;; *)
			_b=$(basename "$_f" .ko | tr - _)
			[ -d "/sys/module/$_b" ] || insmod "$_f" || return 1 ;;
		esac
	done
	insmod /vfcb/igb.ko
}
has_netdev() { [ -n "$(netdev_of "$1")" ]; }
# icmp_in_echos: echo requests this kernel received (/proc/net/snmp).
icmp_in_echos() {
	awk '$1 == "Icmp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
			     else print $(c["InEchos"]) }' /proc/net/snmp
}
rx_packets() { cat "/sys/class/net/$pfnet/statistics/rx_packets"; }

sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "patched igb loads (igb.patch: 11 lines of hooks)" load_igb
is "$(driver_of "$pf")" igb "PF $pf bound to igb"
wait_for 15 has_netdev "$pf"
pfnet=$(netdev_of "$pf")
isnt "$pfnet" "" "PF netdev registered"
sysctl -qw "net.ipv6.conf.$pfnet.disable_ipv6=1" 2>/dev/null
check "PF netdev up, $A.1" sh -c "ip link set dev $pfnet up && ip addr add $A.1/24 dev $pfnet"
wait_for 15 grep -qx 1 "/sys/class/net/$pfnet/carrier"
is "$(cat "/sys/class/net/$pfnet/carrier" 2>/dev/null)" 1 "PF has carrier"

vfs=$(create_vfs "$pf" 1)
VF0=$(echo $vfs | cut -d' ' -f1)
isnt "$VF0" "" "sriov_numvfs=1 created VF0"
check "igb registered its VF with vfcb_pf ($PFDEV)" test -c "$PFDEV"
say "host: the kernel's igb, patched, drives PF $pf as $pfnet ($A.1) and serves vfcb; VF0 is $VF0"

vfio_pass "$VF0" "VF0"

check "host sets VF0's block 7" $CTL block set "$pf" 0 7 --string "hello from the host"
check "host defines VF0's writable block 8" $CTL block set "$pf" 0 8 --hex 00 --vf-writable
check "host defines VF0's writable block 9" $CTL block set "$pf" 0 9 --hex 00 --vf-writable
say "host: vfcbctl block set $pf 0 7 --string 'hello from the host'"
check "host invalidates 0x80 before the guest exists" $CTL invalidate "$pf" 0 0x80
say "host: vfcbctl invalidate $pf 0 0x80   (VF0 has no driver yet: kept pending)"

# While L2 runs: narrate what VF0 does, and invalidate 0x4 once the guest
# has re-read everything after its handshake (block 9 says "resynced").
( $CTL watch "$pf" --timeout 900000 2>&1 | while IFS= read -r l; do
	case "$l" in *ready*|*write*) say "host: vfcbctl watch: $l" ;; esac; done ) &
wpid=$!
( wait_for 600 block_is "$pf" 0 9 resynced && $CTL invalidate "$pf" 0 0x4 && touch /tmp/inv4 &&
	say "host: the guest has re-read its blocks; vfcbctl invalidate $pf 0 0x4" ) &
ipid=$!

# run_guest: run_l2, once more if no frame of that L2 reached the PF (its
# kernel died early, which happens now and then under the emulated SVM;
# see nested-l1.sh).
run_guest() {
	_r0=$(rx_packets)
	run_l2 "$@"
	_rc=$?
	if [ "$(rx_packets)" = "$_r0" ]; then
		diag "L2 ended (status $_rc) without a frame reaching the PF; booting it once more"
		run_l2 "$@"
		_rc=$?
	fi
	return $_rc
}
say "host: starting the L2 guest with VF0 passed through vfio-pci"
e0=$(icmp_in_echos)
r0=$(rx_packets)
run_guest "$VF0"
is "$?" 0 "L2 guest ran and powered off"
e1=$(icmp_in_echos)
r1=$(rx_packets)
# The narration's watch holds the PF device open: end it before rmmod.
killall vfcbctl 2>/dev/null
kill $wpid $ipid 2>/dev/null
wait $wpid $ipid 2>/dev/null

check "host raised 0x4 once L2 had re-read its blocks" test -e /tmp/inv4
is "$(pf_pending "$pf" 0)" 0x0000000000000000 "the guest got 0x80 and 0x4, nothing left pending"
is "$($CTL block get "$pf" 0 8 --raw 2>&1)" "hello from the guest" \
	"host reads what the L2 guest wrote to block 8"
say "host: vfcbctl block get $pf 0 8  ->  '$($CTL block get "$pf" 0 8 --raw 2>&1)'"
check "echo requests from L2's VF reached this host ($((e1 - e0)))" test "$e1" -gt "$e0"
say "host: $pfnet received $((r1 - r0)) frames from the guest's VF; this kernel answered $((e1 - e0)) echo requests (the guest's probe and ping)"

check "VF0 unbinds from vfio-pci" unbind "$VF0"
check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod igb" rmmod igb
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in L1" kernel_log_clean
done_testing
