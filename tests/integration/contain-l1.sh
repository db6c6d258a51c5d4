#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Containment, nested topology, L1 (the SR-IOV host): vfcb_pf owns the PF;
# VF0, the victim, stays here on vfcb_82576_vf with a reader under load;
# VF1, the attacker, goes through vfio-pci to an L2 guest running
# hostile_vf (contain-l2.sh), which runs two controls (idlebeacon: its
# vCPU spinning on reads the PF never sees, with one PING every 200 ms;
# writebeacon: the same with writes of 0 to its mailbox register, which
# ask the PF for nothing) and then storms four times (REQ, ACK, HELLO, reset), each at least 100 000
# writes and 10 s.  The two sides share no channel: L1 finds each storm
# from the PF's counters of VF1 (vfcb_itest storm-watch) and measures,
# per storm, VF0's read rate before and during it, the PF's mailbox
# interrupts, and whether a write VF0 makes during it reaches a reader of
# the PF's events.  Each storm's rate is also set against the controls':
# what the storm costs VF0 beyond a guest spinning in the same place, and
# beyond one writing its mailbox register as fast.
#
# With 2 or more vCPUs (rig.sh --smp 3, as scripts/integration.sh
# --contain runs it, or CONTAIN_SMP=2) L2's QEMU is pinned to the last
# vCPU and everything else here (the reader, the PF's interrupt) to the
# others, so the
# attacker's spinning vCPU does not take the victim's; vfcb_contain.pin=0
# on L1's command line turns that off.  Judged: the storms happened as
# the PF saw them, VF0 was served in each and its event delivered, the
# interrupt rate stays under the EITR bound.  Rates are diagnostics.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

# flood_msgs stays at vfcb_pf's default unless vfcb_contain.flood_msgs=
# sets it: lowered (200 before), it throttled VF0's own reader on a fast
# machine, as in host.sh.
# vfcb_contain.itr_us= sets vfcb_82576_pf's mbx_itr_us (the PF vector's
# interrupt moderation), to measure what it costs the victim.
NSTORMS=6 QUIET_S=6 FLOOD_MSGS= PIN=1 MIN_MS=8000 ITR=
for a in $(cat /proc/cmdline); do
	case "$a" in
	vfcb_contain.pin=*) PIN=${a#*=} ;;
	vfcb_contain.itr_us=*) ITR="mbx_itr_us=${a#*=}" ;;
	vfcb_contain.flood_msgs=*) FLOOD_MSGS=${a#*=} ;;
	vfcb_contain.min_ms=*) MIN_MS=${a#*=} ;;
	esac
done
NCPU=$(nproc)

pf=$(find_pf)
PFDEV=/dev/vfcb-pf-$pf
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads ${ITR:-(default moderation)}" insmod /vfcb/vfcb_82576_pf.ko $ITR
vfs=$(create_vfs "$pf" 2)
is "$(echo $vfs | wc -w)" 2 "2 VFs created"
VF0=$(echo $vfs | cut -d' ' -f1)
VF1=$(echo $vfs | cut -d' ' -f2)
DEV0=/dev/vfcb-vf-$VF0
STATS1=/sys/kernel/debug/vfcb_pf/$pf/vf1/stats

vfio_pass "$VF1" "VF1 (the attacker's)"
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
wait_for 20 vf_ready "$DEV0"
check "VF0 (the victim, $VF0) handshake in L1" vf_ready "$DEV0"
[ -z "$FLOOD_MSGS" ] || echo "$FLOOD_MSGS" > /sys/module/vfcb_pf/parameters/flood_msgs
$CTL block set "$pf" 0 4242 --string "VF0's block, read in a loop"
$CTL block set "$pf" 0 9200 --hex 00 --vf-writable

PF_IRQNAME=vfcb-82576-$pf
PF_IRQ=$(awk -v n="$PF_IRQNAME" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts)
itr_us=$(cat /sys/module/vfcb_82576_pf/parameters/mbx_itr_us)
IRQ_BOUND=none	# mbx_itr_us 0: no moderation, no bound to check
[ "$itr_us" = 0 ] || IRQ_BOUND=$((1000000 / itr_us))

# The topology: which vCPUs the attacker's L2 and the rest of L1 get.
if [ "$PIN" = 1 ] && [ "$NCPU" -ge 2 ]; then
	all=$(( (1 << NCPU) - 1 )) l2cpu=$(( 1 << (NCPU - 1) ))
	rest=$(printf %x $((all & ~l2cpu))) l2mask=$(printf %x $l2cpu)
	check "L1's test and VF0's reader pinned to vCPUs mask 0x$rest" taskset -p "$rest" $$
	check "the PF's mailbox interrupt ($PF_IRQ) on vCPUs mask 0x$rest" \
		sh -c "echo $rest > /proc/irq/$PF_IRQ/smp_affinity"
	topo="L1 $NCPU vCPUs; L2's QEMU pinned to vCPU $((NCPU - 1)), VF0's reader and the PF's interrupt to the others"
else
	l2mask=
	topo="L1 $NCPU vCPUs, nothing pinned: L2's QEMU and VF0's reader share them"
fi
diag "contain: topology: $topo"

# VF0's reader, from now to the end.
rm -f /tmp/load.progress /tmp/load.log
$ITEST load "$DEV0" 4242 /tmp/load.progress /tmp/load.log 2>/tmp/load.err &
lpid=$!
load_started() { [ "$(awk '$1 == "ops" { print $2 }' /tmp/load.progress 2>/dev/null)" -ge 1 ] 2>/dev/null; }
wait_for 30 load_started
check "VF0's reader is running" load_started

# The attacker's guest; booted once more if it died before its driver
# spoke (see nested-l1.sh's run_guest: an emulator hiccup, not vfcb).
vf1_rx() { pf_stat "$pf" 1 rx_msgs; }
cat > /tmp/guest.sh <<EOF
. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh
rx=\$(pf_stat $pf 1 rx_msgs)
run_l2 $VF1
rc=\$?
if [ "\$(pf_stat $pf 1 rx_msgs)" = "\$rx" ]; then
	diag "L2 ended (status \$rc) before hostile_vf spoke; booting it once more"
	run_l2 $VF1
	rc=\$?
fi
exit \$rc
EOF
if [ -n "$l2mask" ]; then
	taskset "$l2mask" sh /tmp/guest.sh &
else
	sh /tmp/guest.sh &
fi
l2pid=$!
vf1_ready() { [ "$(pf_stat "$pf" 1 ready)" = 1 ]; }
wait_for 300 sh -c "[ \"\$(awk '\$1 == \"ready\" { print \$2 }' $STATS1)\" = 1 ] || ! kill -0 $l2pid"
check "L2's hostile VF said HELLO (the PF has VF1 ready)" vf1_ready
if [ -n "$l2mask" ]; then
	for p in $(pidof qemu-system-x86_64); do
		diag "L2 QEMU $p: $(taskset -p "$p" 2>&1)"
	done
fi
sleep 1
# The PF's service time, traced from now until the last storm ends.
svc_trace_on "$PF_IRQ" 65536
rm -f /tmp/storms
$ITEST storm-watch "$STATS1" "$PF_IRQNAME" /tmp/storms $NSTORMS 2500 2>/tmp/watch.err &
wpid=$!

dead() { ! kill -0 "$1" 2>/dev/null; }
storm_on() { grep -q "^on $1 " /tmp/storms 2>/dev/null; }
storm_done() { grep -q "^storm $1 " /tmp/storms 2>/dev/null; }
table=
rm -f /tmp/measured
i=1
for kind in idlebeacon writebeacon flood ackflood helloflood resetflood; do
	rm -f /tmp/ev.ready /tmp/ev.go
	$ITEST ev-hold "$PFDEV" /tmp/ev.ready /tmp/ev.go > /tmp/ev.out 2>&1 &
	evpid=$!
	wait_for 20 test -e /tmp/ev.ready
	wait_for 180 sh -c "grep -q '^on $i ' /tmp/storms || ! kill -0 $l2pid"
	if ! storm_on $i; then
		not_ok "$kind: the PF saw storm $i begin (VF1's counters grew)"
		diag "no storm $i within 180 s; L2 $(kill -0 $l2pid 2>/dev/null && echo running || echo gone); watch: $(cat /tmp/storms /tmp/watch.err 2>/dev/null)"
		touch /tmp/ev.go
		wait $evpid
		break
	fi
	ok "$kind: the PF saw storm $i begin (VF1's counters grew)"
	sleep 2
	val=$(printf %02x $i)
	if $CTL write "$DEV0" 9200 --hex "$val" >/tmp/w.err 2>&1; then
		wrote_in=$(storm_done $i && echo no || echo yes)
	else
		wrote_in="failed: $(cat /tmp/w.err)"
	fi
	is "$wrote_in" yes "$kind: VF0 writes block 9200 while the storm runs"
	wait_for 300 sh -c "grep -q '^storm $i ' /tmp/storms || ! kill -0 $wpid"
	touch /tmp/ev.go
	wait $evpid
	is "$(grep -c "^ev 1 0 0x23f0 1\$" /tmp/ev.out)" 1 \
		"$kind: the PF's event reader got VF0's write made during the storm (one record)"
	is "$(grep -c '^ev 4 ' /tmp/ev.out)" 0 "$kind: the event reader's queue did not overflow"
	line=$(grep "^storm $i " /tmp/storms)
	if [ -z "$line" ]; then
		not_ok "$kind: the PF saw storm $i end"
		break
	fi
	# storm I START END IRQS name=N...
	set -- $line
	fs=$3 fe=$4 dirq=$5
	shift 5
	for kv in "$@"; do eval "d_$kv"; done
	fdur_ms=$(( (fe - fs) / 1000000 ))
	[ $fdur_ms -gt 0 ] || fdur_ms=1
	irq_s=$((dirq * 1000 / fdur_ms))
	check "$kind: the PF saw it last >= $MIN_MS ms ($fdur_ms ms)" test $fdur_ms -ge "$MIN_MS"
	case $kind in
	idlebeacon|writebeacon)
		# At most one PING per 200 ms of the control, and nothing else.
		nb=$((fdur_ms / 200 + 2))
		check "$kind: the PF saw the control's PINGs and nothing else (rx_msgs +$d_rx_msgs <= $nb, no bad message, bad ack or reset)" \
			test "$d_rx_msgs" -ge 1 -a "$d_rx_msgs" -le $nb -a "$d_bad_msgs" = 0 \
			-a "$d_bad_acks" = 0 -a "$d_vf_resets" = 0 ;;
	flood) check "flood: the PF read VF1's doorbells (rx_msgs grew)" test "$d_rx_msgs" -ge 1 ;;
	ackflood) check "ackflood: the PF counted VF1's acks of nothing (bad_acks grew)" test "$d_bad_acks" -ge 1 ;;
	helloflood) check "helloflood: the PF read VF1's HELLOs (rx_msgs grew)" test "$d_rx_msgs" -ge 1 ;;
	resetflood) check "resetflood: the PF saw VF1's resets (vf_resets grew)" test "$d_vf_resets" -ge 1 ;;
	esac
	if [ "$IRQ_BOUND" = none ]; then
		diag "$kind: PF mailbox interrupts $irq_s/s, unmoderated (mbx_itr_us 0)"
	elif [ $irq_s -le $IRQ_BOUND ]; then
		ok "$kind: PF mailbox interrupts $irq_s/s, within 1/mbx_itr_us = $IRQ_BOUND/s"
	else
		not_ok "$kind: PF mailbox interrupts $irq_s/s, within 1/mbx_itr_us = $IRQ_BOUND/s"
	fi
	diag "contain: $kind: PF saw it for $fdur_ms ms; VF1 rx_msgs +$d_rx_msgs, bad_acks +$d_bad_acks, vf_resets +$d_vf_resets, bad_msgs +$d_bad_msgs, throttle_events +$d_throttle_events, throttled_msgs +$d_throttled_msgs"
	diag "contain: $kind: PF mailbox interrupts $dirq ($irq_s/s; bound $IRQ_BOUND/s)"
	delivered=$([ "$(grep -c "^ev 1 0 0x23f0 1\$" /tmp/ev.out)" = 1 ] && echo yes || echo no)
	echo "$kind $fs $fe $irq_s $delivered" >> /tmp/measured
	i=$((i + 1))
done
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
svc_trace_off
cat $T/trace > /tmp/svc.trace
diag "contain: service-time trace: $(grep -c . /tmp/svc.trace) lines, $(svc_overrun) events lost"

wait $l2pid
is "$?" 0 "L2 guest ran its storms and powered off"
kill -TERM $lpid 2>/dev/null
if wait_for 20 dead $lpid; then
	wait $lpid
	is $? 0 "VF0's reader stopped cleanly"
else
	not_ok "VF0's reader stopped within 20 s of SIGTERM"
	kill -KILL $lpid
fi
# The PF's service time in the same windows as VF0's rates below, in one
# pass over the trace.
while read -r kind fs fe irq_s delivered; do
	echo "$kind.before $((fs - QUIET_S * 1000000000)) $fs"
	echo "$kind.during $fs $fe"
done < /tmp/measured > /tmp/svc.win
svc_windows /tmp/svc.win /tmp/svc.trace > /tmp/svc.out
# VF0's rates, now that the reader has stopped: reads entirely inside each
# storm (as the PF saw it) against reads entirely inside the quiet
# QUIET_S s before it and the QUIET_S s after it (from 0.5 s past its
# end), so a drift of the machine's load during the run counts less.
while read -r kind fs fe irq_s delivered; do
	set -- $(awk -v fs="$fs" -v fe="$fe" -v w=$((QUIET_S * 1000000000)) '
		BEGIN { fs += 0; fe += 0; w += 0; a = fe + 500000000 }
		$1 >= fs - w && $2 <= fs { b++ }
		$1 >= a && $2 <= a + w { af++ }
		$1 >= fs && $2 <= fe { d++ }
		$2 >= fs && $1 <= fe { if ($3 != 0) fd++; if ($2 - $1 > lat) lat = $2 - $1 }
		END { printf "%d %d %d %d %d\n", b, af, d, fd, lat / 1000000 }' /tmp/load.log)
	nbefore=${1:-0} nafter=${2:-0} nduring=${3:-0} nfaildur=${4:-0} maxlat=${5:-0}
	fdur_ms=$(( (fe - fs) / 1000000 ))
	if [ "$nduring" -ge 1 ] && [ "$nfaildur" = 0 ]; then
		ok "$kind: VF0 served during the storm (>= 1 read inside it, none failed)"
	else
		not_ok "$kind: VF0 served during the storm (>= 1 read inside it, none failed)"
		diag "reads inside the storm: $nduring, failed reads overlapping it: $nfaildur"
	fi
	rates=$(awk -v b=$nbefore -v a=$nafter -v q=$QUIET_S -v d=$nduring -v dms=$fdur_ms 'BEGIN {
		rb = b / q; ra = a / q; rd = (dms > 0) ? d * 1000 / dms : 0
		k1 = "n/a"; k2 = "n/a"
		if (rb > 0) k1 = sprintf("%.0f", 100 * rd / rb)
		if (rb + ra > 0) k2 = sprintf("%.0f", 200 * rd / (rb + ra))
		printf "%.1f %.1f %.1f %s %s\n", rb, ra, rd, k1, k2 }')
	# The PF's service time, in % of one CPU, in the same windows.
	# shellcheck disable=SC2046 # word-split on purpose: three figures each
	set -- $(awk -v k="$kind.before" '$1 == k { print $2, $3, $4 }' /tmp/svc.out) \
		$(awk -v k="$kind.during" '$1 == k { print $2, $3, $4 }' /tmp/svc.out)
	svc=$(awk -v bh="${2:-0}" -v bw="${3:-0}" -v dh="${5:-0}" -v dw="${6:-0}" -v q=$QUIET_S -v dms=$fdur_ms \
		'BEGIN { printf "%.1f->%.1f", (bh + bw) / (q * 1e4), (dh + dw) / (dms * 10) }')
	diag "contain: $kind: PF service time (hard IRQ + vfcb work items, traced), % of one CPU before->during: $svc ($2 + $3 us in $QUIET_S s; $5 + $6 us in $fdur_ms ms)"
	set -- $rates
	# Against the control: what the storm costs beyond a spinning guest.
	[ "$kind" = idlebeacon ] && ctl_rd=$3
	[ "$kind" = writebeacon ] && wctl_rd=$3
	ofctl=$(awk -v d="$3" -v c="${ctl_rd:-0}" 'BEGIN { if (c > 0) printf "%.0f%%", 100 * d / c; else print "n/a" }')
	ofwctl=$(awk -v d="$3" -v c="${wctl_rd:-0}" 'BEGIN { if (c > 0) printf "%.0f%%", 100 * d / c; else print "n/a" }')
	diag "contain: $kind: VF0 reads/s: before $1 ($nbefore in $QUIET_S s), during $3 ($nduring in $fdur_ms ms), after $2 ($nafter in $QUIET_S s); kept $4 % of before, $5 % of the mean of before and after, $ofctl of its rate during the control; slowest read overlapping it $maxlat ms"
	table="$table
contain-table: $kind ${fdur_ms}ms irq/s=$irq_s svc%=$svc before=$1 during=$3 after=$2 kept=$5% (of before: $4%) of-control=$ofctl of-writebeacon=$ofwctl delivered=$delivered"
done < /tmp/measured
is "$(awk '$1 == "fails" { print $2 }' /tmp/load.progress)" 0 "none of VF0's $(awk '$1 == "ops" { print $2 }' /tmp/load.progress) reads failed"
grep -v ' 0$' /tmp/load.log 2>/dev/null | head -n 5 | while read -r l; do diag "failed read (start end errno): $l"; done
is "$(pf_stat "$pf" 0 bad_msgs)" 0 "VF0's stats show no bad messages"
is "$(pf_stat "$pf" 0 throttle_events)" 0 "VF0, the victim, was never throttled (throttle_events)"
diag "contain: topology: $topo"
awk -v n="$PF_IRQNAME" '$NF == n || $1 == "LOC:"' /proc/interrupts | while read -r l; do diag "interrupts: $l"; done
diag "$table"
check "VF1 unbinds from vfio-pci" unbind "$VF1"
check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_vf" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in L1" kernel_log_clean
done_testing
