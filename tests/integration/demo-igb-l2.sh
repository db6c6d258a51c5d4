#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, L2 (the guest), the igb form: the VF arrived through
# vfio-pci and the kernel's own igbvf, patched with igb/igbvf.patch, owns
# it.  A ping to the host's PF netdev runs in the background while vfcb
# goes through the same mailbox: the guest is woken with all ones after its
# handshake (re-read everything; 0x80, raised before this guest existed, is
# among them), says so in block 9, is woken again with 0x4 (demo-igb-l1.sh),
# reads the host's block 7 and writes block 8.
# Then the ping's count: every echo answered.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

say() { diag "demo: $*"; }

A=198.18.1
NPING=40	# at 0.25 s: 10 s of traffic, longer than the vfcb steps

reach1() { ping -c 1 -W 1 "$1" > /dev/null 2>&1; }
has_netdev() { [ -n "$(netdev_of "$1")" ]; }
stat_of() { cat "/sys/class/net/$n/statistics/$1"; }

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "82576 VF visible in the guest" || bail_out "no VF in L2"
dev=/dev/vfcb-vf-$vf
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "patched igbvf loads (igbvf.patch: 14 lines of hooks)" insmod /vfcb/igbvf.ko
is "$(driver_of "$vf")" igbvf "VF bound to igbvf"
wait_for 15 has_netdev "$vf"
n=$(netdev_of "$vf")
isnt "$n" "" "VF netdev registered"
check "VF netdev up, $A.10" sh -c "ip link set dev $n up && ip addr add $A.10/24 dev $n"
wait_for 20 grep -qx 1 "/sys/class/net/$n/carrier"
is "$(cat "/sys/class/net/$n/carrier" 2>/dev/null)" 1 "igbvf handshake with igb done: link up"
say "guest: the kernel's igbvf, patched, drives VF $vf as $n ($A.10), link up"
# One probe first (ARP and the PF's link): the host counts it too.
wait_for 10 reach1 $A.1 || diag "no answer from the PF within 10 tries"

# The traffic, in the background, while vfcb works.
rx0=$(stat_of rx_packets) tx0=$(stat_of tx_packets)
ping -q -c $NPING -i 0.25 -W 3 $A.1 > /tmp/ping.out 2>&1 &
ppid=$!
say "guest: ping -c $NPING $A.1 (the host's PF) running in the background"

wait_for 30 vf_ready "$dev"
check "vfcb handshake with igb in L1, through igbvf's mailbox" vf_ready "$dev"
say "guest: vfcbctl vf info: $($CTL vf info "$dev" | awk '$1 ~ /^(state|vf_index|version|max_block_size)$/ { printf "%s%s %s", (n++ ? "  " : ""), $1, $2 }')"
run_c $ITEST expect-mask "$dev" 0xffffffffffffffff 60000
say "guest: vfcbctl wait  ->  woken with all ones: a new driver re-reads every block (0x80, raised before the guest existed, among them)"
check "guest says it has re-read (block 9)" $CTL write "$dev" 9 --string resynced
run_c $ITEST expect-mask "$dev" 0x4 60000
say "guest: vfcbctl wait  ->  woken with mask 0x4, raised by the host after that"
got=$($CTL read "$dev" 7 --raw 2>&1)
is "$got" "hello from the host" "guest reads block 7 as the host set it"
say "guest: vfcbctl read 7  ->  '$got'"
check "guest writes block 8" $CTL write "$dev" 8 --string "hello from the guest"
say "guest: vfcbctl write 8 --string 'hello from the guest'"
fails_with "No such file" "a block the host never defined gives ENOENT" $CTL read "$dev" 12345
if kill -0 $ppid 2>/dev/null; then
	say "guest: (the ping was still running through all of this)"
else
	diag "the ping ended before the vfcb steps did"
fi

wait $ppid
set -- $(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' /tmp/ping.out)
is "${1:-0} ${2:-0}" "$NPING $NPING" "ping to the PF: $NPING sent, $NPING answered"
rx1=$(stat_of rx_packets) tx1=$(stat_of tx_packets)
say "guest: ping: ${1:-0} sent, ${2:-0} answered; $n sent $((tx1 - tx0)) frames and received $((rx1 - rx0)) meanwhile"
[ "${2:-0}" = "$NPING" ] || diag "$(cat /tmp/ping.out)"
p50=$($CTL ping "$dev" --count 50 2>&1 | sed -n 's/.* p50 \([0-9]*\)\.[0-9]* us.*/\1/p')
isnt "$p50" "" "50 vfcb round trips (vfcbctl ping)"
say "guest: vfcbctl ping --count 50  ->  p50 $p50 us per vfcb round trip through vfio and igbvf"
check "igbvf unloads" rmmod igbvf
check "no WARNING/BUG in L2" kernel_log_clean
done_testing
