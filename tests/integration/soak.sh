#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault loops, host topology (Documentation/testing.rst, "Fault loops"):
# vfcb_pf on the 82576 PF and four VFs on vfcb_82576_vf in the same guest.
# Each loop prints TAP and one line
#   # soak: LOOP count=N lost_bits=N corrupt=N errors=N resyncs=N hung=N splats=N seconds=S status=ok|FAIL|TODO
# that scripts/soak.sh gathers into its table.  Counts come from the
# kernel command line (rig.sh --append), e.g.
#   vfcb_soak.flr=1000 vfcb_soak.unbind=100 vfcb_soak.numvfs=100
#   vfcb_soak.fuzz_s=600 vfcb_soak.seed=1 vfcb_soak.pfflr=100
# A count of 0 skips the loop.  The defaults are make check's; the PF FLR
# loop is off there: until the 82576 PF driver handles a PF reset, each
# reset leaves every VF down and the loop spends a minute finding that out.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

SOAK=/vfcb/vfcb_soak
FLR=20 UNBIND=5 NUMVFS=5 FUZZ_S=20 SEED=1 PFFLR=5 CONTROL_S=5
# vfcb_soak.pfflr_todo=1 marks the PF FLR loop's failures TODO, for a PF
# driver without reset_prepare/reset_done.
PFFLR_TODO=0
# vfcb_soak.corrupt_todo=1: a corrupt block in the FLR loops is an
# expected failure, printed, not a red run.  For multi-threaded TCG
# only, where one dword of a transfer now and then reads wrong under VF
# FLRs (Documentation/reliability.rst, "A dword of a transfer read wrong
# under VF FLRs"); make check and make soak run this on single-threaded
# TCG, which never showed it, and fail on a corrupt block (the default, 0).
CORRUPT_TODO=0
for a in $(cat /proc/cmdline); do
	case "$a" in
	vfcb_soak.flr=*) FLR=${a#*=} ;;
	vfcb_soak.unbind=*) UNBIND=${a#*=} ;;
	vfcb_soak.numvfs=*) NUMVFS=${a#*=} ;;
	vfcb_soak.fuzz_s=*) FUZZ_S=${a#*=} ;;
	vfcb_soak.seed=*) SEED=${a#*=} ;;
	vfcb_soak.pfflr=*) PFFLR=${a#*=} ;;
	vfcb_soak.pfflr_todo=*) PFFLR_TODO=${a#*=} ;;
	vfcb_soak.control_s=*) CONTROL_S=${a#*=} ;;
	vfcb_soak.corrupt_todo=*) CORRUPT_TODO=${a#*=} ;;
	esac
done
[ "$CORRUPT_TODO" = 1 ] &&
	export VFCB_SOAK_CORRUPT_TODO="known open defect: under VF FLRs a dword of a 128-byte transfer now and then reads stale"
TODO_WHY="marked TODO by vfcb_soak.pfflr_todo=1"

NVFS=4
pf=$(find_pf)

# Kernel trouble so far: splats and hung-task reports.
splats() { dmesg | grep -cE 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|list_(add|del) corruption'; }
hungs() { dmesg | grep -c 'INFO: task .* blocked'; }
now_s() { awk '{ print $1 }' /proc/uptime; }

# soak_run LOOP [TODO] CMD...: run a vfcb_soak command, relay its TAP
# (with "# TODO ..." when TODO is "todo") and remember its figures line.
SOAK_FIG=
soak_run() {
	_todo=; [ "$2" = todo ] && { _todo=" # TODO $TODO_WHY"; }
	shift 2
	# A loop that stops before its figures must not report the last one's.
	SOAK_FIG=
	_o=/tmp/soak.out _rc=2
	# Streamed, so a hang still shows how far the loop got.
	{ "$@" 2>&1; echo "soak-rc: $?"; } | tee "$_o" | while IFS= read -r _l; do
		case "$_l" in
		"ok - "*|"not ok - "*|"soak-figures: "*|"soak-rc: "*) ;;
		*) diag "$_l" ;;
		esac
	done
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok "${_l#ok - }$_todo" ;;
		"not ok - "*) not_ok "${_l#not ok - }$_todo" ;;
		"soak-figures: "*) SOAK_FIG=${_l#soak-figures: } ;;
		"soak-rc: "*) _rc=${_l#soak-rc: } ;;
		esac
	done < "$_o"
	[ "$_rc" -le 1 ] || not_ok "$(basename "$1") $2: exited with status $_rc$_todo"
	return "$_rc"
}

# A loop that stops making progress for 180 s (/tmp/soak.progress, which
# vfcb_soak and the shell loops rewrite as they go): dump what the cores
# and the kernel know (blocked tasks, every CPU's backtrace), once.
watchdog() {
	_last="" _same=0
	while sleep 30; do
		_p=$(cat /tmp/soak.progress 2>/dev/null)
		if [ "$_p" = "$_last" ]; then _same=$((_same + 1)); else _same=0; _last=$_p; fi
		if [ $_same = 6 ]; then
			echo "# soak watchdog: no progress for 180 s ($_p)"
			for _f in /sys/kernel/debug/vfcb_vf/*/stats /sys/kernel/debug/vfcb_pf/*/vf*/stats; do
				echo "# $_f: $(tr '\n' ' ' < "$_f")"
			done
			echo w > /proc/sysrq-trigger
			echo l > /proc/sysrq-trigger
		fi
	done
}
watchdog &
WDPID=$!

# fig KEY: a value from the last figures line.
fig() { echo "$SOAK_FIG" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
# fig0 KEY: the same, 0 if the loop gave no figures (its failure is in the TAP).
fig0() { _v=$(fig "$1"); echo "${_v:-0}"; }

# report LOOP COUNT LOST CORRUPT ERRORS RESYNCS HUNG T0 SPLATS0 HUNGS0 FAILED0 [todo]
report() {
	_sp=$(($(splats) - $9)) _hu=$(($7 + $(hungs) - ${10}))
	_st=ok
	[ "$_tap_failed" -gt "${11}" ] && _st=FAIL
	[ "$_sp" -gt 0 ] && _st=FAIL
	[ "${12:-}" = todo ] && _st=TODO
	check "$1: no kernel splat during the loop" test "$_sp" = 0
	echo "# soak: $1 count=$2 lost_bits=$3 corrupt=$4 errors=$5 resyncs=$6 hung=$_hu splats=$_sp seconds=$(awk -v a="$8" -v b="$(now_s)" 'BEGIN { printf "%.0f", b - a }') status=$_st"
}

# Loop bookkeeping: begin LOOP sets T0 S0 H0 F0.
begin() { T0=$(now_s) S0=$(splats) H0=$(hungs) F0=$_tap_failed; echo "$1" > /tmp/soak.progress; diag "---- $1"; }

vfs_ready() { for _v in $vfs; do vf_ready "/dev/vfcb-vf-$_v" || return 1; done; }

# ---- bring-up -------------------------------------------------------------

check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS created $NVFS VFs"
wait_for 30 vfs_ready
check "all $NVFS VFs bound to vfcb_82576_vf and ready" vfs_ready
VF0=$(echo $vfs | cut -d' ' -f1)
diag "soak counts: flr=$FLR unbind=$UNBIND numvfs=$NUMVFS fuzz_s=$FUZZ_S seed=$SEED pfflr=$PFFLR (todo $PFFLR_TODO)"

# ---- a seeded random ioctl fuzzer on both device nodes ----------------------

if [ "$FUZZ_S" -gt 0 ]; then
	begin fuzz
	# shellcheck disable=SC2086
	soak_run fuzz - $SOAK fuzz "$SEED" "$FUZZ_S" "$pf" $vfs
	check "fuzz: every VF still ready" vfs_ready
	report "ioctl-fuzz(seed=$SEED,${FUZZ_S}s)" "$(fig count)" "$(fig lost_bits)" "$(fig corrupt)" \
		"$(fig errors)" "$(fig resyncs)" "$(fig hung)" "$T0" "$S0" "$H0" "$F0"
fi

# ---- the control: the same transfers and invalidations, no reset ----------

# What the FLR loop asserts must hold without any fault first.
if [ "$CONTROL_S" -gt 0 ]; then
	begin control
	# shellcheck disable=SC2086
	soak_run control - $SOAK flr none "$CONTROL_S" "$pf" 1 $vfs
	for v in $vfs; do diag "$v: $(grep -E '^(invalidations|invalidated_bits|engine_rx_errors|engine_rx_stale|engine_last_error|engine_invalidations|events_refused):' /sys/kernel/debug/vfcb_vf/*$v*/stats 2>/dev/null | tr '\n' ' ')"; done
	i=0; while [ $i -lt $NVFS ]; do diag "PF vf$i: $(grep -E '^(invalidations|rx_errors|rx_stale|bad_msgs|bad_acks|last_error_name|kick_retries|kick_giveups) ' /sys/kernel/debug/vfcb_pf/$pf/vf$i/stats | tr '\n' ' ')"; i=$((i + 1)); done
	report "control(${CONTROL_S}s,no-reset)" "$(fig count)" "$(fig lost_bits)" "$(fig corrupt)" \
		"$(fig errors)" "$(fig resyncs)" "$(fig hung)" "$T0" "$S0" "$H0" "$F0"
fi

# ---- VF FLR in the middle of 128-byte transfers ----------------------------

if [ "$FLR" -gt 0 ]; then
	begin vf-flr
	# VF0..VF2 are reset in turn, VF3 is the reference, never reset.
	# shellcheck disable=SC2086
	soak_run vf-flr - $SOAK flr vf "$FLR" "$pf" 1 $vfs
	report vf-flr "$(fig count)" "$(fig lost_bits)" "$(fig corrupt)" \
		"$(fig errors)" "$(fig resyncs)" "$(fig hung)" "$T0" "$S0" "$H0" "$F0"
	diag "vf-flr: $(fig ops) transfer pairs (128-byte read + write/read-back), $(fig raised) bits raised"
	i=0; while [ $i -lt $NVFS ]; do diag "vf-flr: PF vf$i: $(grep -E '^(vf_resets|rx_errors|bad_msgs|bad_acks|kick_retries|kick_giveups) ' /sys/kernel/debug/vfcb_pf/$pf/vf$i/stats | tr '\n' ' ')"; i=$((i + 1)); done
	# A PF interrupt lost for good shows as a count that stopped.
	diag "vf-flr: interrupts: $(grep -E 'vfcb' /proc/interrupts | tr -s ' ' | tr '\n' ';')"
fi

# ---- unbind / rmmod with callers blocked in read, poll, ioctl --------------

if [ "$UNBIND" -gt 0 ]; then
	begin unbind
	TO_P=/sys/module/vfcb_vf/parameters/timeout_ms
	to0=$(cat $TO_P)
	i=0 lost=0 bad=0 hung=0 resyncs=0
	while [ $i -lt "$UNBIND" ]; do
		echo "unbind $i" > /tmp/soak.progress
		# A request to the muted PF waits, not times out, meanwhile.
		echo 30000 > $TO_P
		case $((i % 3)) in
		0) act="echo $VF0 > /sys/bus/pci/devices/$VF0/driver/unbind" ;;
		*) act="rmmod vfcb_82576_vf" ;;
		esac
		soak_run unbind - $SOAK blocked "$pf" 0 "$VF0" "$act"
		hung=$((hung + $(fig0 hung)))
		# While VF0 has no driver the host keeps a bit for it.
		bit=$(printf '0x%x' $((1 << (i % 62))))
		$CTL invalidate "$pf" 0 "$bit" || bad=$((bad + 1))
		case $((i % 3)) in
		0) echo "$VF0" > /sys/bus/pci/drivers/vfcb_82576_vf/bind || bad=$((bad + 1)) ;;
		1) insmod /vfcb/vfcb_82576_vf.ko || bad=$((bad + 1)) ;;
		2) # vfcb_vf too, once the woken callers closed their files.
		   rmmod vfcb_vf || bad=$((bad + 1))
		   insmod /vfcb/vfcb_vf.ko && insmod /vfcb/vfcb_82576_vf.ko || bad=$((bad + 1)) ;;
		esac
		echo 1000 > $TO_P 2>/dev/null
		wait_for 20 vfs_ready || { bad=$((bad + 1)); diag "unbind $i: VFs not ready again within 20 s"; }
		soak_run unbind - $SOAK covers "/dev/vfcb-vf-$VF0" "$bit" 10000
		lost=$((lost + $(fig0 lost))) resyncs=$((resyncs + $(fig0 resyncs)))
		i=$((i + 1))
	done
	echo "$to0" > $TO_P
	check "unbind: $UNBIND rounds of unbind/rmmod with callers blocked, VFs back each time ($bad failed steps)" test $bad = 0
	check "unbind: VF0 reads a 128-byte block afterwards" sh -c \
		"head -c 128 /dev/urandom > /tmp/u && $CTL block set $pf 0 5 --file /tmp/u && $CTL read /dev/vfcb-vf-$VF0 5 --raw > /tmp/u2 && cmp -s /tmp/u /tmp/u2"
	report unbind-blocked "$i" "$lost" 0 "$bad" "$resyncs" "$hung" "$T0" "$S0" "$H0" "$F0"
fi

# ---- sriov_numvfs N -> 0 -> N with VFs bound and a PF file open -----------

if [ "$NUMVFS" -gt 0 ]; then
	begin numvfs
	soak_run numvfs - $SOAK numvfs "$pf" $NVFS "$NUMVFS"
	vfs=$(vfs_of "$pf")
	wait_for 20 vfs_ready
	check "numvfs: $NVFS VFs ready afterwards" vfs_ready
	report "numvfs-N-0-N" "$(fig count)" "$(fig lost_bits)" "$(fig corrupt)" \
		"$(fig errors)" "$(fig resyncs)" "$(fig hung)" "$T0" "$S0" "$H0" "$F0"
fi

# ---- PF FLR / reset while VFs are busy --------------------------------------

if [ "$PFFLR" -gt 0 ]; then
	begin pf-flr
	todo=-; [ "$PFFLR_TODO" = 1 ] && todo=todo
	vfs=$(vfs_of "$pf")
	# shellcheck disable=SC2086
	soak_run pf-flr $todo $SOAK flr pf "$PFFLR" "$pf" 0 $vfs
	wait_for 30 vfs_ready
	if vfs_ready; then ok "pf-flr: every VF ready afterwards"
	elif [ $todo = todo ]; then not_ok "pf-flr: every VF ready afterwards # TODO $TODO_WHY"
	else not_ok "pf-flr: every VF ready afterwards"; fi
	for v in $vfs; do diag "pf-flr: $v: $($CTL vf info /dev/vfcb-vf-$v 2>&1 | tr -s ' ' | tr '\n' ' ')"; done
	report pf-flr "$(fig count)" "$(fig lost_bits)" "$(fig corrupt)" \
		"$(fig errors)" "$(fig resyncs)" "$(fig hung)" "$T0" "$S0" "$H0" "$F0" $todo
fi

if [ "$PFFLR" = 0 ]; then
	skip "pf-flr: PF reset while the VFs are busy" "vfcb_soak.pfflr=0"
	echo "# soak: pf-flr count=0 lost_bits=- corrupt=- errors=- resyncs=- hung=- splats=- seconds=0 status=SKIP"
fi

# ---- teardown -----------------------------------------------------------------

kill $WDPID 2>/dev/null
check "sriov_numvfs back to 0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_vf" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in the whole run" kernel_log_clean
done_testing
