#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of igb and igbvf carrying vfcb (igb/igb.patch, igb/igbvf.patch),
# host topology: the kernel's own drivers, patched, on the PF and two VFs.
# Config blocks go through igb's mailbox while the VFs pass traffic, then
# each patched driver meets a stock peer:
#   1. patched igb + patched igbvf: blocks both ways, an invalidation,
#      ping PF <-> VF0 across network namespaces, a PF-set VF MAC and igb's
#      own VF messages while vfcb requests run;
#   2. patched igb + stock igbvf: networking, no vfcb error;
#   3. stock igb + patched igbvf: networking, vfcb fails fast with
#      EOPNOTSUPP, igb logs at most one "Unhandled Msg".
# Files: /vfcb/{vfcb_pf,vfcb_vf,igb,igbvf}.ko, vfcbctl, itest-lib.sh, vfmac
# (tests/integration/vfmac.c, built static: busybox ip has no "vf ... mac").
# The network backend is restrict=on: traffic stays in QEMU's igb switch.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=2
PFIP=10.77.0.1
VFIP=10.77.0.2

pf=$(find_pf)
isnt "$pf" "" "igb PF present" || bail_out "no igb PF"
PFDEV=/dev/vfcb-pf-$pf

# The in-tree igb's dependencies (dca, i2c_algo_bit, ptp...) from the
# guest image, for the patched igb.ko.
load_deps() {
	for f in $(grep "^igb " /lib/modules/load.list); do
		case "$f" in
		*/igb.ko|*/igb.ko.*) ;;
		*.ko) b=$(basename "$f" .ko | tr - _)
		      [ -d "/sys/module/$b" ] || insmod "$f" ;;
		esac
	done
}

# up_pf: the PF's netdev up (igb serves its mailbox only while it is open).
up_pf() {
	wait_for 10 test -n "$(netdev_of "$pf")"
	pfnet=$(netdev_of "$pf")
	isnt "$pfnet" "" "PF netdev registered"
	check "PF netdev $pfnet up" ip link set dev "$pfnet" up
	# igb pings every VF when its link comes up, overwriting whatever it
	# left in a VF's mailbox (a stock igb's refusal of vfcb included):
	# let that happen before there are VFs.
	wait_for 20 grep -qx 1 "/sys/class/net/$pfnet/carrier"
}

# up_vfs DRIVER: bind VF0/VF1 to DRIVER, netdevs up, carrier.
up_vfs() {
	i=0
	for vf in $vfs; do
		eval "VF$i=$vf"
		check "VF$i: bound to $1" bind_driver "$vf" "$1"
		wait_for 10 test -n "$(netdev_of "$vf")"
		n=$(netdev_of "$vf")
		eval "VFNET$i=$n"
		ip link set dev "$n" up
		wait_for 20 grep -qx 1 "/sys/class/net/$n/carrier"
		is "$(cat "/sys/class/net/$n/carrier" 2>/dev/null)" 1 "VF$i ($n): link up"
		i=$((i + 1))
	done
}

# ping_pf_vf0 WHAT: VF0's netdev into its own namespace, ping both ways.
ping_pf_vf0() {
	unshare -n sleep 600 &
	nspid=$!
	wait_for 10 netns_ready $nspid
	ip link set dev "$VFNET0" netns $nspid
	nsenter -t $nspid -n ip link set dev "$VFNET0" up
	nsenter -t $nspid -n ip addr add $VFIP/24 dev "$VFNET0"
	ip addr add $PFIP/24 dev "$pfnet" 2>/dev/null
	wait_for 20 nsenter -t $nspid -n grep -qx 1 "/sys/class/net/$VFNET0/carrier"
	check "$1: PF pings VF0" ping -c 3 -W 5 $VFIP
	check "$1: VF0 pings PF" nsenter -t $nspid -n ping -c 3 -W 5 $PFIP
	# Back to the initial namespace: the netdev goes where its ns goes.
	nsenter -t $nspid -n ip link set dev "$VFNET0" netns 1
	kill $nspid
	wait $nspid 2>/dev/null
	ip addr del $PFIP/24 dev "$pfnet" 2>/dev/null
	wait_for 10 test -e "/sys/class/net/$VFNET0"
}

teardown() {
	check "$1: sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
	check "$1: igbvf unloads" rmmod igbvf
	check "$1: igb unloads" rmmod igb
}

load_deps
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko

# ---- 1. patched igb, patched igbvf ----------------------------------------

check "patched igb loads" insmod /vfcb/igb.ko
up_pf
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS"
check "PF device $PFDEV exists" test -c "$PFDEV"
check "patched igbvf loads" insmod /vfcb/igbvf.ko
up_vfs igbvf
DEV0=/dev/vfcb-vf-$VF0
DEV1=/dev/vfcb-vf-$VF1
wait_for 20 vf_ready "$DEV0"
check "VF0: handshake with igb done" vf_ready "$DEV0"
wait_for 20 vf_ready "$DEV1"
check "VF1: handshake with igb done" vf_ready "$DEV1"
is "$($CTL vf info "$DEV1" | awk '$1 == "vf_index" { print $2 }')" 1 \
	"VF1 learns its index from igb"

mkblob /tmp/h 128
check "host sets VF0's block 7 (128 bytes)" $CTL block set "$pf" 0 7 --file /tmp/h
$CTL read "$DEV0" 7 --raw > /tmp/g
check "VF0 reads block 7 byte for byte" cmp /tmp/h /tmp/g
check "host sets VF0's writable block 9" $CTL block set "$pf" 0 9 --hex 00 --vf-writable
mkblob /tmp/w 100
check "VF0 writes block 9 (100 bytes)" $CTL write "$DEV0" 9 --file /tmp/w
$CTL block get "$pf" 0 9 --raw > /tmp/w2
check "host sees VF0's write" cmp /tmp/w /tmp/w2
fails_with "No such" "VF0 reading a missing block: ENOENT" $CTL read "$DEV0" 33

# The handshake of VF0's probe left an all-ones mask for its first
# reader (re-read everything): taken first, so the wait below sees the
# host's bits alone.
is "$($CTL wait "$DEV0" --timeout 5000 2>&1 | awk '{ print $2 }')" 0xffffffffffffffff \
	"VF0's first wait gets its probe's resync (all ones)"
$CTL wait "$DEV0" --timeout 20000 > /tmp/mask 2>&1 &
wpid=$!
sleep 1
check "host invalidates blocks 7 and 9 of VF0" $CTL invalidate "$pf" 0 0x280
wait $wpid
is "$(awk '{ print $2 }' /tmp/mask)" 0x0000000000000280 "VF0's wait gets the mask"

ping_pf_vf0 "patched pair"

# vfcb requests on VF0 and VF1 while igb's own VF messages and a PF-set
# MAC go through the same mailboxes.
(
	n=0 bad=0
	while [ ! -e /tmp/stop ]; do
		$CTL read "$DEV0" 7 --raw > /tmp/l0 && cmp -s /tmp/h /tmp/l0 || bad=$((bad + 1))
		$CTL write "$DEV0" 9 --file /tmp/w || bad=$((bad + 1))
		$CTL read "$DEV1" 33 > /dev/null 2>&1	# ENOENT: a round trip
		n=$((n + 1))
	done
	echo "$n $bad" > /tmp/loop
) &
lpid=$!
i=0
while [ $i -lt 10 ]; do
	ip link set dev "$VFNET1" address 02:00:00:00:11:0$i || echo x >> /tmp/macbad
	i=$((i + 1))
done
is "$(cat /tmp/macbad 2>/dev/null)" "" "VF1's set-MAC requests to igb succeed during vfcb traffic"
check "host sets VF0's MAC through igb (ip link set PF vf 0 mac)" /vfcb/vfmac "$pfnet" 0 02:00:00:00:00:aa
sleep 2
touch /tmp/stop
wait $lpid
diag "loop: $(cat /tmp/loop) (rounds, failures)"
is "$(awk '{ print $2 }' /tmp/loop)" 0 "vfcb requests never failed meanwhile"
isnt "$(awk '{ print $1 }' /tmp/loop)" 0 "vfcb requests ran meanwhile"
check "VF0 rebinds to igbvf" sh -c "echo $VF0 > /sys/bus/pci/drivers/igbvf/unbind && echo $VF0 > /sys/bus/pci/drivers/igbvf/bind"
wait_for 10 test -n "$(netdev_of "$VF0")"
VFNET0=$(netdev_of "$VF0")
is "$(cat /sys/class/net/$VFNET0/address 2>/dev/null)" 02:00:00:00:00:aa "VF0 has the MAC the host set"
wait_for 20 vf_ready "$DEV0"
$CTL read "$DEV0" 7 --raw > /tmp/g
check "VF0 reads block 7 again after rebinding" cmp /tmp/h /tmp/g
ip link set dev "$VFNET0" up
ping_pf_vf0 "patched pair, new MAC"
$CTL ping "$DEV1" --count 200 > /tmp/ping 2>&1
check "VF1: 200 vfcb round trips" grep -q "200 round trips" /tmp/ping
diag "$(cat /tmp/ping)"
# Resets: the VF's own (its netdev down and up resets it) and the PF's
# (igb resets the device when its netdev goes down); the VFs handshake again.
ip link set dev "$VFNET1" down
ip link set dev "$VFNET1" up
wait_for 20 vf_ready "$DEV1"
fails_with "No such" "VF1 gets ENOENT from the PF after its own reset" $CTL read "$DEV1" 33
ip link set dev "$pfnet" down
ip link set dev "$pfnet" up
wait_for 30 grep -qx 1 "/sys/class/net/$VFNET0/carrier"
wait_for 20 sh -c "$CTL read $DEV0 7 --raw > /tmp/g && cmp -s /tmp/h /tmp/g"
check "VF0 reads block 7 after the PF's reset" cmp /tmp/h /tmp/g
wait_for 20 grep -qx 1 "/sys/class/net/$VFNET1/carrier"
check "VF1 link up again after the PF's reset" grep -qx 1 "/sys/class/net/$VFNET1/carrier"
check "no vfcb error from igb/igbvf" sh -c "! dmesg | grep -Ei 'vfcb.*(drop|did not|unavailable)'"
check "kernel log clean" kernel_log_clean
teardown "patched pair"

# ---- 2. patched igb, stock igbvf ---------------------------------------------

dmesg -c > /dev/null
check "patched igb loads" insmod /vfcb/igb.ko
up_pf
vfs=$(create_vfs "$pf" $NVFS)
check "stock igbvf loads" load_mod igbvf
up_vfs igbvf
ping_pf_vf0 "patched igb, stock igbvf"
check "no vfcb error in dmesg" sh -c "! dmesg | grep -Ei 'vfcb.*(error|fail|drop|unavailable)'"
fails_with "" "no VF device without a vfcb VF driver" test -e "/dev/vfcb-vf-$VF0"
teardown "stock igbvf"

# ---- 3. stock igb, patched igbvf -----------------------------------------------

# Only VF0 gets a driver: a stock igb hears one vfcb message per VF.
dmesg -c > /dev/null
check "stock igb loads" load_mod igb
up_pf
echo 0 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
vfs=$(create_vfs "$pf" $NVFS)
check "patched igbvf loads" insmod /vfcb/igbvf.ko
vfs=$(echo $vfs | cut -d' ' -f1)
up_vfs igbvf
DEV0=/dev/vfcb-vf-$VF0
check "VF0 device exists" test -c "$DEV0"
sleep 2
t0=$(date +%s)
fails_with "Operation not supported" "VF0 read fails with EOPNOTSUPP" $CTL read "$DEV0" 7
fails_with "Operation not supported" "VF0 write fails with EOPNOTSUPP" $CTL write "$DEV0" 9 --hex 00
t1=$(date +%s)
check "and fails fast (< 3 s for both)" test $((t1 - t0)) -lt 3
ping_pf_vf0 "stock igb, patched igbvf"
n=$(dmesg | grep -c 'Unhandled Msg')
diag "$(dmesg | grep -E 'Unhandled Msg|vfcb')"
check "igb logged at most one 'Unhandled Msg' ($n)" test "$n" -le 1
echo 1 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
teardown "stock igb"

done_testing
