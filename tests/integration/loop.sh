#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, host topology, no device I/O: the vfcb host core and
# the guest core connected in memory by the test module vfcb_loop_test
# (tests/loop/), for three message sizes: 16 (the 82576), 4 (the smallest)
# and 40 (a message-queue mailbox: wire v2 end to end, a 128-byte block in
# one message each way).  The 82576's PF only lends its
# identity: pci-pf-stub enables its VFs and they stay unbound, so neither
# core nor the test touches a register.
#
#   scripts/rig.sh host --kver 6.12 --test tests/integration/loop.sh \
#	--module pci-pf-stub --file build/kvers/KVER/ko/vfcb_pf.ko \
#	--file .../vfcb_vf.ko --file .../vfcb_loop_test.ko \
#	--file tools/vfcbctl --file tests/integration/itest-lib.sh

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=3
LT=/sys/kernel/debug/vfcb_loop_test

# loop_run MSG_DWORDS: load the loop with that message size, run, relay.
loop_run() {
	check "vfcb_loop_test loads ($1-dword messages)" \
		insmod /vfcb/vfcb_loop_test.ko pf="$pf" msg_dwords="$1"
	if ! echo all > "$LT/run" 2> /tmp/loop.err; then
		not_ok "loop ($1 dwords): the run command works"
		diag "$(cat /tmp/loop.err)"
	else
		_n=0
		while IFS= read -r _l; do
			case "$_l" in
			"ok - "*) ok "${_l#ok - }"; _n=$((_n + 1)) ;;
			"not ok - "*) not_ok "${_l#not ok - }"; _n=$((_n + 1)) ;;
			*) diag "${_l#\# }" ;;
			esac
		done < "$LT/results"
		[ $_n -gt 10 ] || not_ok "loop ($1 dwords): the module reported its results ($_n)"
	fi
	check "/dev/vfcb-pf-$pf exists while the loop is registered" test -c "/dev/vfcb-pf-$pf"
	check "the loop's VF0 has its node /dev/vfcb-vf-$VF0" test -c "/dev/vfcb-vf-$VF0"
	check "vfcbctl reads VF0's state through the guest core" vf_ready "/dev/vfcb-vf-$VF0"
	check "rmmod vfcb_loop_test ($1 dwords)" rmmod vfcb_loop_test
	fails_with "" "no PF node once the loop unregistered" test -e "/dev/vfcb-pf-$pf"
}

check "vfcb_pf (core) loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_vf (core) loads" insmod /vfcb/vfcb_vf.ko
# The absent-VF test's figures (vfcb_loop_test.c, lt_test_absent).
echo 250 > /sys/module/vfcb_vf/parameters/gone_ms
is "$(cat /sys/module/vfcb_vf/parameters/timeout_ms)" 1000 "vfcb_vf: timeout_ms 1000, as the loop test assumes"
check "pci-pf-stub loads" load_mod pci-pf-stub
pf=$(find_pf)
is "$(driver_of "$pf")" "" "the cores bind no PF: $pf has no driver"
check "PF $pf bound to pci-pf-stub" bind_driver "$pf" pci-pf-stub
echo 0 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "$NVFS VFs created"
VF0=$(echo $vfs | cut -d' ' -f1)
bound=0
for v in $vfs; do [ -z "$(driver_of "$v")" ] || bound=$((bound + 1)); done
is $bound 0 "the cores bind no VF: every VF is left without a driver"

loop_run 16
loop_run 4
loop_run 40

check "sriov_numvfs back to 0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in the whole run" kernel_log_clean

done_testing
