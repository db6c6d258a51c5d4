#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, nested topology, the igb form, L2 (the guest): the VF
# arrived through vfio-pci and the patched igbvf owns it.  Its netdev
# exchanges frames with the PF in L1 (counted), and vfcb through the same
# mailbox: the host's block read, one written back, the invalidation masks
# delivered: all ones after the handshake (0x80, raised before this guest
# existed, among them), then 0x4 raised once the guest has re-read
# (nested-igb-l1.sh).

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

A=198.18.0

# ping_ok TARGET N DESC: N pings, none lost; counts as diagnostics.
ping_ok() {
	_o=$(ping -q -c "$2" -i 0.05 -W 3 "$1" 2>&1)
	set -- "$1" "$2" "$3" $(echo "$_o" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p')
	diag "L2 VF -> PF $1: sent ${4:-0}, received ${5:-0}"
	if [ "${4:-0}" = "$2" ] && [ "${5:-0}" = "$2" ]; then ok "$3 ($2 sent, 0 lost)"
	else not_ok "$3 ($2 sent, 0 lost)"; diag "$_o"; fi
}
reach1() { ping -c 1 -W 1 "$1" > /dev/null 2>&1; }
has_netdev() { [ -n "$(netdev_of "$1")" ]; }

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "82576 VF visible in the guest" || bail_out "no VF in L2"
dev=/dev/vfcb-vf-$vf
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "patched igbvf loads" insmod /vfcb/igbvf.ko
is "$(driver_of "$vf")" igbvf "VF bound to igbvf"
wait_for 15 has_netdev "$vf"
n=$(netdev_of "$vf")
isnt "$n" "" "VF netdev registered"
check "VF netdev up, $A.10" sh -c "ip link set dev $n up && ip addr add $A.10/24 dev $n"
wait_for 20 grep -qx 1 "/sys/class/net/$n/carrier"
is "$(cat "/sys/class/net/$n/carrier" 2>/dev/null)" 1 "igbvf handshake done: link up"
wait_for 10 reach1 $A.1 || diag "no answer from the PF within 10 tries"
ping_ok $A.1 20 "L2's VF -> PF in L1 through vfio-pci"

wait_for 30 vf_ready "$dev"
check "vfcb: handshake with the host's vfcb_pf through igbvf's mailbox" vf_ready "$dev"
run_c $ITEST expect-mask "$dev" 0xffffffffffffffff 60000
check "vfcb: guest says it has re-read (block 9)" $CTL write "$dev" 9 --string resynced
run_c $ITEST expect-mask "$dev" 0x4 60000
is "$($CTL read "$dev" 7 --raw 2>&1)" "hello from the host" "vfcb: guest reads block 7 as the host set it"
check "vfcb: guest writes block 8" $CTL write "$dev" 8 --string "hello from the guest"
if [ -c "$dev" ]; then
	fails_with "No such file" "vfcb: a block the host never defined gives ENOENT" $CTL read "$dev" 12345
else
	not_ok "vfcb: a block the host never defined gives ENOENT"; diag "$dev does not exist"
fi
ping_ok $A.1 20 "L2's VF -> PF again after the vfcb requests"
diag "vfcb round trips through vfio: $($CTL ping "$dev" --count 20 2>&1 | tail -n 2 | tr '\n' ' ')"
check "igbvf unloads" rmmod igbvf
check "no WARNING/BUG in L2" kernel_log_clean
done_testing
