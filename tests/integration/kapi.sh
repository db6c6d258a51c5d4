#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, host topology: the in-kernel APIs of vfcb_pf
# (include/vfcb_pf.h) and vfcb_vf (include/vfcb_vf.h), exercised by the
# test module vfcb_kapi_test (tests/kapi/) with both drivers in one kernel.
# The module runs one group of checks per command written to its debugfs
# file; this script binds and unbinds between the groups and relays the
# module's results as TAP.
#
#   scripts/rig.sh host --kver 6.12 --test tests/integration/kapi.sh \
#	--file build/kvers/KVER/ko/vfcb_pf.ko --file .../vfcb_vf.ko --file .../vfcb_82576_vf.ko \
#	--file .../vfcb_kapi_test.ko --file tools/vfcbctl \
#	--file tests/integration/itest-lib.sh

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=2
KVF=1		# the VF the module tests; VF0 stays bound as a bystander
KT=/sys/kernel/debug/vfcb_kapi_test

# kapi CMD: run one group of the module's checks and relay its results.
kapi() {
	if ! echo "$1" > "$KT/run" 2> /tmp/kapi.err; then
		not_ok "kapi $1: the command runs"
		diag "$(cat /tmp/kapi.err)"
		return
	fi
	_n=0
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok "${_l#ok - }"; _n=$((_n + 1)) ;;
		"not ok - "*) not_ok "${_l#not ok - }"; _n=$((_n + 1)) ;;
		*) diag "${_l#\# }" ;;
		esac
	done < "$KT/results"
	[ $_n -gt 0 ] || not_ok "kapi $1: the command reported results"
}

# ---- bring-up ------------------------------------------------------------

check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
pf=$(find_pf)
is "$(driver_of "$pf")" vfcb_82576_pf "PF $pf bound to vfcb_82576_pf"
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo "$vfs" | wc -w)" $NVFS "sriov_numvfs=$NVFS created $NVFS VFs"
vf=$(echo "$vfs" | sed -n "$((KVF + 1))p")
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
for v in $vfs; do
	wait_for 20 vf_ready "/dev/vfcb-vf-$v"
	check "VF $v: bound to vfcb_82576_vf, handshake done" vf_ready "/dev/vfcb-vf-$v"
done

fails_with "" "vfcb_kapi_test refuses to load without pf=" \
	insmod /vfcb/vfcb_kapi_test.ko
fails_with "" "vfcb_kapi_test refuses to load for a VF that does not exist" \
	insmod /vfcb/vfcb_kapi_test.ko pf="$pf" vf=$NVFS
check "vfcb_kapi_test loads for PF $pf, VF $KVF ($vf)" \
	insmod /vfcb/vfcb_kapi_test.ko pf="$pf" vf=$KVF
check "debugfs command and result files exist" test -f "$KT/run" -a -f "$KT/results"
fails_with "" "an unknown command is refused" sh -c "echo bogus > $KT/run"

# ---- both APIs, every driver bound ---------------------------------------

kapi pf
kapi vf
# Nothing may open VF1's device from here to the late-listener check: an
# open file would collect the bits raised while no listener is registered.
kapi listeners
check "no WARNING/BUG after the API checks" kernel_log_clean

# ---- the VF unbound with its handle held, then bound again -----------------

kapi arm
check "unbind VF $vf from vfcb_82576_vf (the module holds a handle)" unbind "$vf"
is "$(driver_of "$vf")" "" "VF $vf has no driver"
kapi unbound
check "rebind VF $vf to vfcb_82576_vf" bind_driver "$vf" vfcb_82576_vf
wait_for 20 vf_ready "/dev/vfcb-vf-$vf"
check "VF $vf: handshake done again" vf_ready "/dev/vfcb-vf-$vf"
kapi rebound

# ---- the PF unbound with its handle held -----------------------------------

check "unbind PF $pf from vfcb_pf (the module holds a handle)" unbind "$pf"
is "$(cat "/sys/bus/pci/devices/$pf/sriov_numvfs" 2>/dev/null)" 0 "the PF's VFs are gone"
kapi pf-unbound

# ---- teardown ------------------------------------------------------------

check "rmmod vfcb_kapi_test (drops the dead handles)" rmmod vfcb_kapi_test
check "rmmod vfcb_82576_vf" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf
dmesg | grep -E 'vfcb_kapi_test' | sed 's/^/# /'
check "no WARNING/BUG in the whole run" kernel_log_clean

done_testing
