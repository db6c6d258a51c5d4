#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Containment, nested topology, L2 (the attacker): the VF arrived through
# vfio-pci and runs hostile_vf.  After a HELLO and a quiet gap, the
# controls (idlebeacon: the same spinning loop reading STATUS, with a
# PING every 200 ms so L1 can see it; writebeacon: writing 0 to the
# mailbox register instead) and four sustained storms (REQ, ACK, HELLO,
# reset), each at least CONTAIN_N writes and CONTAIN_MS ms, with a
# quiet gap after each, so L1 (contain-l1.sh) can measure its victim VF
# before and during every one.
# L1 and L2 share no channel but the VF: L1 finds the storms from the PF's
# counters of this VF.  Sizes from the kernel command line:
# vfcb_contain.n=N, vfcb_contain.ms=MS, vfcb_contain.gap=S.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

N=100000 MS=10000 GAP=10
STORMS="idlebeacon writebeacon flood ackflood helloflood resetflood"
for a in $(cat /proc/cmdline); do
	case "$a" in
	vfcb_contain.n=*) N=${a#*=} ;;
	vfcb_contain.ms=*) MS=${a#*=} ;;
	vfcb_contain.gap=*) GAP=${a#*=} ;;
	esac
done

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "82576 VF visible in the guest"
check "hostile_vf loads" insmod /vfcb/hostile_vf.ko
check "the VF bound to hostile_vf (driver_override)" bind_driver "$vf" hostile_vf
HOSTILE=/sys/kernel/debug/hostile_vf/$vf/attack
hv_stat() { awk -v k="$1" '$1 == k { print $2 }' "$HOSTILE" 2>/dev/null; }
check "hostile VF: a correct HELLO" sh -c "echo hello > $HOSTILE"
diag "hostile VF: messages posted $(hv_stat sent), acked $(hv_stat acked)"
sleep "$GAP"		# L1 measures its victim before the first storm

for kind in $STORMS; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "$kind $N $MS" > "$HOSTILE" 2>/tmp/flood.err
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	is "$rc" 0 "hostile VF: '$kind $N $MS' accepted and returned"
	fs=$(hv_stat flood_start_ns) fe=$(hv_stat flood_end_ns)
	fsent=$(hv_stat flood_sent) fint=$(hv_stat flood_interrupted)
	dur_ms=$(( (${fe:-0} - ${fs:-0}) / 1000000 ))
	if [ "${fe:-0}" -gt "${fs:-0}" ] && [ "${fsent:-0}" -ge "$N" ] &&
	   [ "$dur_ms" -ge "$MS" ] && [ "$fint" = 0 ]; then
		ok "hostile VF: '$kind $N $MS' ran, >= $N writes for >= $MS ms, not cut short"
	else
		not_ok "hostile VF: '$kind $N $MS' ran, >= $N writes for >= $MS ms, not cut short"
		diag "start '$fs', end '$fe', writes '$fsent', interrupted '$fint' $(cat /tmp/flood.err 2>/dev/null)"
	fi
	[ "$dur_ms" -gt 0 ] || dur_ms=1
	diag "contain: $kind: $fsent writes in $dur_ms ms ($((fsent * 1000 / dur_ms))/s), L2 uptime $t0 -> $t1"
	sleep "$GAP"	# quiet: L1 sees the storm end, then measures again
done
check "no WARNING/BUG in L2" kernel_log_clean
done_testing
