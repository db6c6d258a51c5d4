#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, nested topology, the igb form, L1 (the SR-IOV host;
# run name nested-igb-SERIES): the patched igb owns the PF with its netdev
# up, VF0 goes through vfio-pci to an L2 guest where the patched igbvf owns
# it (nested-igb-l2.sh).  L2's netdev exchanges frames with the PF here
# and L2 reads the host's block, writes one back and is woken with the
# invalidation mask, as nested-l1.sh/nested-l2.sh do with vfcb's own
# 82576 drivers.  Addresses: 198.18.0.0/24 (RFC 2544's benchmarking range)
# on the PF and L2's VF only; QEMU's backend is restrict=on.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

A=198.18.0	# the PF is $A.1, L2's VF $A.10

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
pf_stats() { echo "$(cat /sys/class/net/$pfnet/statistics/rx_packets) $(cat /sys/class/net/$pfnet/statistics/tx_packets)"; }

sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "patched igb loads" load_igb
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
vfio_pass "$VF0" "VF0"

check "vfcb: PF device node $PFDEV exists (igb registered its VF with vfcb_pf)" test -c "$PFDEV"
check "vfcb: host sets VF0's block 7" $CTL block set "$pf" 0 7 --string "hello from the host"
check "vfcb: host defines VF0's writable block 8" $CTL block set "$pf" 0 8 --hex 00 --vf-writable
check "vfcb: host defines VF0's writable block 9" $CTL block set "$pf" 0 9 --hex 00 --vf-writable
check "vfcb: host invalidates 0x80 before the guest exists (kept pending)" $CTL invalidate "$pf" 0 0x80

# While L2 runs: invalidate 0x4 once the guest has re-read everything
# after its handshake (it writes "resynced" to block 9).
( wait_for 600 block_is "$pf" 0 9 resynced && $CTL invalidate "$pf" 0 0x4 && echo raised > /tmp/inv4 ) &
ipid=$!

# run_guest: run_l2, once more if that L2 never reached the PF (no frame
# arrived: its kernel died early, which happens now and then under the
# emulated SVM; see nested-l1.sh).
run_guest() {
	_s0=$(pf_stats)
	run_l2 "$@"
	_rc=$?
	if [ "$(pf_stats)" = "$_s0" ]; then
		diag "L2 ended (status $_rc) without a frame reaching the PF; booting it once more"
		run_l2 "$@"
		_rc=$?
	fi
	return $_rc
}
s0=$(pf_stats)
run_guest "$VF0"
is "$?" 0 "L2 guest ran and powered off"
s1=$(pf_stats)
set -- $s0 $s1
diag "PF $pfnet while L2 ran: rx_packets $1 -> $3 (+$(($3 - $1))), tx_packets $2 -> $4 (+$(($4 - $2)))"
check "frames from L2's VF reached the PF (rx_packets grew)" test "$3" -gt "$1"
kill $ipid 2>/dev/null
wait $ipid 2>/dev/null
check "vfcb: host raised 0x4 once L2 had re-read its blocks" test -e /tmp/inv4
is "$(pf_pending "$pf" 0)" 0x0000000000000000 "vfcb: the guest got 0x80 and 0x4, nothing left pending"
is "$($CTL block get "$pf" 0 8 --raw 2>&1)" "hello from the guest" \
	"vfcb: host reads what the L2 guest wrote to block 8"

check "VF0 unbinds from vfio-pci" unbind "$VF0"
check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod igb" rmmod igb
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in L1" kernel_log_clean
done_testing
