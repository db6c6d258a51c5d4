#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault loop, nested topology, L1 (Documentation/testing.rst, "Fault
# loops"): an L2 guest with VF0 (vfio-pci) is killed in the middle of its
# transfers, then a new one is started, vfcb_soak.l2kill=N times (default
# 1); the last guest (nested-soak-l2.sh) powers off normally and reports to
# the runner.  All along VF1, on vfcb_vf in L1, is read in a loop: it must
# stay served.  Prints "# soak: l2-kill ..." as tests/integration/soak.sh.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

N=1
for a in $(cat /proc/cmdline); do
	case "$a" in vfcb_soak.l2kill=*) N=${a#*=} ;; esac
done
now_s() { awk '{ print $1 }' /proc/uptime; }
splats() { dmesg | grep -cE 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN'; }

pf=$(find_pf)
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
vfs=$(create_vfs "$pf" 2)
VF0=$(echo $vfs | cut -d' ' -f1)
VF1=$(echo $vfs | cut -d' ' -f2)
check "vfio-pci loads" load_mod vfio_pci
check "vfio_iommu_type1 loads" load_mod vfio_iommu_type1
check "VF0 bound to vfio-pci" bind_driver "$VF0" vfio-pci
check "vfcb_vf and vfcb_82576_vf load (VF1 in L1)" sh -c "insmod /vfcb/vfcb_vf.ko && insmod /vfcb/vfcb_82576_vf.ko"
wait_for 20 vf_ready "/dev/vfcb-vf-$VF1"
check "VF1 handshake in L1" vf_ready "/dev/vfcb-vf-$VF1"

# Block 7: 128 bytes both sides know (nested-soak-l2.sh has the same).
BLOCK7=$(printf 'vfcb-soak-block-7:%0110d' 7)
$CTL block set "$pf" 0 7 --string "$BLOCK7"
$CTL block set "$pf" 0 8 --hex 00 --vf-writable
$CTL block set "$pf" 1 7 --string "VF1 in L1"

# VF1 read in a loop the whole time.  Its requests compete with nested
# L2 boots on L1's two emulated vCPUs, where a 1 s request timeout has
# been overrun without any message lost (two ETIMEDOUT in 30000 reads,
# "hrtimer: interrupt took 122 ms" in the same run): give them 5 s, so a
# failure here is vfcb's and not the emulator's pace.
echo 5000 > /sys/module/vfcb_vf/parameters/timeout_ms
rm -f /tmp/vf1.progress /tmp/vf1.log
$ITEST load "/dev/vfcb-vf-$VF1" 7 /tmp/vf1.progress /tmp/vf1.log 2>/tmp/vf1.err &
lpid=$!

vf0_state() { $CTL vf show "$pf" 0 | awk '$1 == "state" { print $2 }'; }
vf0_rx() { pf_stat "$pf" 0 rx_msgs; }
# block8_seq K: the sequence number of victim K's last write, or nothing.
block8_seq() { $CTL block get "$pf" 0 8 --raw 2>/dev/null | awk -v k="$1" '$1 == "victim" && $2 == k { print $3 + 0 }'; }

T0=$(now_s) S0=$(splats)
k=0 lost=0 corrupt=0 bad=0 slowest=0
while [ $k -lt "$N" ]; do
	t=$(now_s)
	bit=$(printf '0x%x' $((1 << (k % 62))))
	# Raised while VF0 has no driver anywhere: the new guest must get it.
	$CTL invalidate "$pf" 0 "$bit"
	rx=$(vf0_rx)
	L2_SAVE=$L2_APPEND
	L2_APPEND="$L2_APPEND vfcb_phase=victim vfcb_soak.k=$k vfcb_soak.bit=$bit"
	# Paths inside the chroot run_l2 starts QEMU in: /host/tmp in L1.
	L2_SERIALS="-serial file:/tmp/victim-console.log -serial file:/tmp/victim-tap.log"
	rm -f /host/tmp/victim-console.log /host/tmp/victim-tap.log
	run_l2 "$VF0" > /tmp/victim.out 2>&1 &
	l2pid=$!
	L2_APPEND=$L2_SAVE
	unset L2_SERIALS
	# Transfers are running once the guest wrote block 8 three times.
	running() { [ "$(block8_seq $k)" -ge 3 ] 2>/dev/null; }
	wait_for 300 sh -c "[ \"\$($CTL block get $pf 0 8 --raw 2>/dev/null | awk -v k=$k '\$1 == \"victim\" && \$2 == k { print \$3 + 0 }')\" -ge 3 ] 2>/dev/null || ! kill -0 $l2pid"
	if ! running; then
		# An L2 that died in its early boot (the emulator, see
		# nested-l1.sh's run_guest) is not counted against vfcb.
		if [ "$(vf0_rx)" = "$rx" ] && ! kill -0 $l2pid 2>/dev/null; then
			diag "L2 $k ended before vfcb_vf spoke; once more"
			wait $l2pid
			continue
		fi
		bad=$((bad + 1))
		diag "L2 $k: no transfers seen (block 8: '$($CTL block get "$pf" 0 8 --raw 2>&1)'); its TAP:" "$(cat /host/tmp/victim-tap.log 2>/dev/null | tail -n 5)"
	fi
	grep -q "^ok .* $bit delivered" /host/tmp/victim-tap.log 2>/dev/null ||
		{ lost=$((lost + 1)); diag "L2 $k: bit $bit raised before it started not delivered:" "$(grep delivered /host/tmp/victim-tap.log 2>/dev/null)"; }
	grep -q '^not ok' /host/tmp/victim-tap.log 2>/dev/null &&
		{ corrupt=$((corrupt + 1)); diag "L2 $k failed:" "$(grep "^not ok" /host/tmp/victim-tap.log)"; }
	# Killed in the middle of a transfer: no goodbye, no FLR from the guest.
	kill -9 $(pidof qemu-system-x86_64) 2>/dev/null
	wait $l2pid
	wait_for 20 sh -c "[ \"\$($CTL vf show $pf 0 | awk '\$1 == \"state\" { print \$2 }')\" = down ]"
	[ "$(vf0_state)" = down ] || { bad=$((bad + 1)); diag "L2 $k killed: VF0 state $(vf0_state), not down"; }
	[ "$($CTL block get "$pf" 0 7 --raw)" = "$BLOCK7" ] || { corrupt=$((corrupt + 1)); diag "L2 $k killed: block 7 changed"; }
	b8=$($CTL block get "$pf" 0 8 --raw)
	echo "$b8" | grep -Eq "^victim $k [0-9]+ \.+$" && [ ${#b8} = 128 ] ||
		{ corrupt=$((corrupt + 1)); diag "L2 $k killed: block 8 is '$b8' (${#b8} bytes), not one whole write"; }
	$CTL ping "/dev/vfcb-vf-$VF1" --count 3 >/dev/null || { bad=$((bad + 1)); diag "L2 $k killed: VF1 does not answer"; }
	d=$(awk -v a="$t" -v b="$(now_s)" 'BEGIN { printf "%.0f", b - a }')
	[ "$d" -gt $slowest ] && slowest=$d
	diag "L2 $k: killed after $(block8_seq $k) writes; iteration took $d s"
	k=$((k + 1))
done
secs=$(awk -v a="$T0" -v b="$(now_s)" 'BEGIN { printf "%.0f", b - a }')
is "$bad" 0 "l2-kill: $N guests killed during transfers, each seen running and VF0 down after"
is "$corrupt" 0 "l2-kill: blocks intact after every kill (no torn 128-byte write)"
is "$lost" 0 "l2-kill: every new guest got the bit raised while VF0 had none"

# The last guest powers off normally; its results go to the runner.
bit=$(printf '0x%x' $((1 << (N % 62))))
$CTL invalidate "$pf" 0 "$bit"
L2_APPEND="$L2_APPEND vfcb_soak.bit=$bit"
run_l2 "$VF0"
is "$?" 0 "last L2 guest ran and powered off"
is "$($CTL block get "$pf" 0 8 --raw)" "final" "the last guest wrote block 8"

kill -TERM $lpid 2>/dev/null
wait $lpid
ops=$(awk '$1 == "ops" { print $2 }' /tmp/vf1.progress 2>/dev/null)
fails=$(awk '$1 == "fails" { print $2 }' /tmp/vf1.progress 2>/dev/null)
check "VF1 in L1 served all along (${ops:-0} reads)" test "${ops:-0}" -gt 0
is "${fails:-?}" 0 "none of VF1's reads failed"
awk '$3 != 0 { n[$3]++ } END { for (e in n) printf "VF1: %d reads failed with %s (-errno; -1000: content differs)\n", n[e], e }' /tmp/vf1.log 2>/dev/null |
	while read -r l; do diag "$l"; done
echo "$(awk '$3 != 0 { print $1 }' /tmp/vf1.log 2>/dev/null | head -n 3)" | while read -r t; do
	[ -n "$t" ] && diag "a failed VF1 read started at $t ns (CLOCK_MONOTONIC)"; done
sp=$(($(splats) - S0))
is "$sp" 0 "no kernel splat in L1 during the loop"
st=ok; [ "$_tap_failed" -gt 0 ] && st=FAIL
echo "# soak: l2-kill count=$N lost_bits=$lost corrupt=$corrupt errors=$bad resyncs=- hung=0 splats=$sp seconds=$secs status=$st"
diag "l2-kill: $N iterations in $secs s ($(awk -v s="$secs" -v n="$N" 'BEGIN { printf "%.0f", n ? s / n : 0 }') s each, slowest $slowest s)"

check "VF0 unbinds from vfio-pci" unbind "$VF0"
check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_vf vfcb_vf vfcb_82576_pf vfcb_pf" sh -c "rmmod vfcb_82576_vf && rmmod vfcb_vf && rmmod vfcb_82576_pf && rmmod vfcb_pf"
check "no WARNING/BUG in L1" kernel_log_clean
done_testing
