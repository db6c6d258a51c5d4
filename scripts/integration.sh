#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vfcb's integration runs in the QEMU rig:
#   scripts/integration.sh [--host KVER]... [--nested KVER] [--baseline]
#       [--selftest] [--igb KVER]... [--nested-igb KVER] [--contain KVER]
#       [--without-selftest]
# With no option: host topology on every set-up kernel, nested on 6.12,
# the in-tree igb/igbvf baseline, the rig's own selftest, and the igb form
# (igb and igbvf patched to carry vfcb, scripts/build-igb.sh): host-igb on
# every set-up kernel, nested-igb on 6.12.
# --contain KVER (never part of the default, it takes about 7 min): the
# containment measurement, hostile VF in an L2 guest storming, victim VF in
# L1 (tests/integration/contain-l1.sh, contain-l2.sh), run name
# contain-SERIES (CONTAIN_NAME overrides); L1 gets CONTAIN_SMP vCPUs (default 3, L2 pinned to one).
# --without-selftest: everything of the default but the rig's selftest
# (make check runs that beside its builds: it mostly waits).
# Results go to build/results/*.tap (scripts/summary.sh counts them).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 2
load_kernels

hosts=() nested= baseline=0 selftest=0 any=0 igbs=() nested_igb= contain=
without_selftest=0
while [ $# -gt 0 ]; do
	case "$1" in
	--host) hosts+=("$2"); any=1; shift 2 ;;
	--nested) nested=$2; any=1; shift 2 ;;
	--baseline) baseline=1; any=1; shift ;;
	--selftest) selftest=1; any=1; shift ;;
	--igb) igbs+=("$2"); any=1; shift 2 ;;
	--nested-igb) nested_igb=$2; any=1; shift 2 ;;
	--contain) contain=$2; any=1; shift 2 ;;
	--without-selftest) without_selftest=1; shift ;;
	*) die "unknown option $1" ;;
	esac
done
if [ $any = 0 ]; then
	hosts=("$KVER_6_12" "$KVER_6_1")
	nested=$KVER_6_12
	baseline=1
	selftest=1
	igbs=("$KVER_6_12" "$KVER_6_1")
	nested_igb=$KVER_6_12
fi
[ $without_selftest = 0 ] || selftest=0

# Userspace for the guests: static, the images have no libc.
build_tools() {
	make -s -C tools >/dev/null || die "vfcbctl does not build"
	mkdir -p build/itest
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
		tests/integration/vfcb_itest.c -o build/itest/vfcb_itest ||
		die "vfcb_itest does not build"
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
		tests/integration/vfcb_soak.c -o build/itest/vfcb_soak ||
		die "vfcb_soak does not build"
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static \
		tests/integration/igbt_net.c -o build/itest/igbt_net ||
		die "igbt_net does not build"
}

# files_for KVER: the --file arguments giving a guest vfcb's modules and tools.
files_for() {
	local ko=build/kvers/$1/ko
	echo --file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file "$ko/vfcb_vf.ko" --file "$ko/vfcb_82576_vf.ko" --file "$ko/hostile_vf.ko" \
	     --file tools/vfcbctl --file build/itest/vfcb_itest \
	     --file tests/integration/itest-lib.sh
}

rc=0
build_tools
case "$contain" in 6.1|6.12) eval "contain=\${KVER_${contain//./_}}" ;; esac
for k in $(printf '%s\n' ${hosts[@]+"${hosts[@]}"} $nested ${igbs[@]+"${igbs[@]}"} $nested_igb $contain | sort -u); do
	scripts/build-modules.sh "$k" >/dev/null || die "modules do not build for $k"
done
# The igb form links against vfcb_pf/vfcb_vf of the same build.
for k in $(printf '%s\n' ${igbs[@]+"${igbs[@]}"} $nested_igb | sort -u); do
	scripts/build-igb.sh "$k" >/dev/null || die "patched igb/igbvf do not build for $k"
done

for k in ${hosts[@]+"${hosts[@]}"}; do
	# aer_inject: host.sh's AER section reports errors through it.
	# shellcheck disable=SC2046
	scripts/rig.sh host --kver "$k" --test tests/integration/host.sh \
		--module aer_inject $(files_for "$k") --timeout 300 || rc=1
	# The exported kernel APIs, through the test-only consumer module.
	# shellcheck disable=SC2046
	scripts/rig.sh host --kver "$k" --test tests/integration/kapi.sh \
		$(files_for "$k") --file "build/kvers/$k/ko/vfcb_kapi_test.ko" \
		--timeout 300 || rc=1
	# Both cores joined by an in-memory transport: no device I/O.
	# shellcheck disable=SC2046
	scripts/rig.sh host --kver "$k" --test tests/integration/loop.sh \
		--module pci-pf-stub $(files_for "$k") \
		--file "build/kvers/$k/ko/vfcb_loop_test.ko" --timeout 300 || rc=1
	# A real suspend to RAM, woken by the RTC: QEMU resets the machine.
	# vfcb_s3fw_test restores the chipset registers SeaBIOS does not.
	# shellcheck disable=SC2046
	scripts/rig.sh host --kver "$k" --test tests/integration/s3.sh \
		$(files_for "$k") --file "build/kvers/$k/ko/vfcb_s3fw_test.ko" \
		--timeout 240 || rc=1
done
# The fault loops at make check's counts (tests/integration/soak.sh's
# defaults; make soak runs them at full count), on the newest kernel.
# The L2-kill loop is not here: one nested kill-and-reboot costs about as
# much as the rest together (Documentation/reliability.rst).
# QEMU traces every mailbox doorbell of that run, and scripts/mbx-trace-check
# replays them: no message may be posted over one not yet acked.
# Single-threaded TCG, as make soak's host loops: under FLR storms
# multi-threaded TCG loses a halted vCPU's timer now and then (seen twice
# in a row in one fresh-clone run, beyond the rig's one retry), a fault
# of the emulator's that single-threaded TCG has never shown
# (Documentation/testing.rst, "Emulator faults").
if [ ${#hosts[@]} -gt 0 ]; then
	k=${hosts[0]}
	name=soak-check-$(echo "$k" | cut -d. -f1,2)
	# shellcheck disable=SC2046
	QEMU_TRACE='igb_set_*,igb_core_vf_reset,igb_irq_write_eiac' \
	RIG_TCG_THREAD=single scripts/rig.sh host --kver "$k" --name "$name" \
		--test tests/integration/soak.sh $(files_for "$k") \
		--file build/itest/vfcb_soak --timeout 600 || rc=1
	trace=build/rig/logs/$name/l1-qemu-trace.log
	tap=build/results/mbx-trace-$name.tap
	if scripts/mbx-trace-check "$trace" > "$tap.out" 2>&1; then
		echo "ok 1 - $name: no mailbox message overwritten before its ack (QEMU trace)" > "$tap"
	else
		echo "not ok 1 - $name: no mailbox message overwritten before its ack (QEMU trace)" > "$tap"
		rc=1
	fi
	sed 's/^\([^#]\)/# \1/' "$tap.out" >> "$tap" && rm -f "$tap.out"
	echo "1..1" >> "$tap"
	grep -v '^# *VF\|^#  *>>\|^#    ' "$tap" | sed "s/^/$name mailbox trace: /"
	rm -f "$trace"	# hundreds of MB
fi
if [ $baseline = 1 ]; then
	scripts/rig.sh host --kver "$KVER_6_12" --test tests/rig/baseline-host.sh || rc=1
fi
if [ $selftest = 1 ]; then
	tests/rig/selftest.sh --kver "$KVER_6_12" || rc=1
fi
if [ -n "$nested" ]; then
	# shellcheck disable=SC2046
	scripts/rig.sh nested --kver "$nested" \
		--l1-test tests/integration/nested-l1.sh \
		--l2-test tests/integration/nested-l2.sh \
		$(files_for "$nested") \
		--l2-file "build/kvers/$nested/ko/vfcb_vf.ko" --l2-file "build/kvers/$nested/ko/vfcb_82576_vf.ko" --l2-file tools/vfcbctl \
		--l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh ||
		rc=1
fi
# The igb form, host topology (run name host-igb-SERIES): igb and igbvf
# carrying vfcb, traffic through the NIC's switch, vfcb alongside.
for k in ${igbs[@]+"${igbs[@]}"}; do
	ko=build/kvers/$k/ko
	# iomem=relaxed: igb.sh's guest writes VF2's mailbox register through
	# sysfs while igbvf has it, as a hostile guest kernel could.
	scripts/rig.sh host --kver "$k" --test tests/integration/igb.sh --module 8021q \
		--append iomem=relaxed \
		--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_vf.ko" --file "$ko/igb.ko" --file "$ko/igbvf.ko" \
		--file "$ko/vfcb_kapi_test.ko" --file "$ko/vfcb_s3fw_test.ko" --file tools/vfcbctl \
		--file build/itest/vfcb_itest --file build/itest/igbt_net --file build/itest/vfcb_soak \
		--file tests/integration/itest-lib.sh --timeout 360 || rc=1
done
if [ -n "$nested_igb" ]; then
	ko=build/kvers/$nested_igb/ko
	scripts/rig.sh nested --kver "$nested_igb" \
		--name "nested-igb-$(echo "$nested_igb" | cut -d. -f1,2)" \
		--l1-test tests/integration/nested-igb-l1.sh \
		--l2-test tests/integration/nested-igb-l2.sh \
		--file "$ko/vfcb_pf.ko" --file "$ko/igb.ko" --file tools/vfcbctl \
		--file tests/integration/itest-lib.sh \
		--l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/igbvf.ko" --l2-file tools/vfcbctl \
		--l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh \
		--timeout 300 || rc=1
fi
if [ -n "$contain" ]; then
	case "$contain" in 6.1|6.12) eval "contain=\${KVER_${contain//./_}}" ;; esac
	ko=build/kvers/$contain/ko
	# shellcheck disable=SC2046
	scripts/rig.sh nested --kver "$contain" --smp "${CONTAIN_SMP:-3}" \
		--name "${CONTAIN_NAME:-contain-$(echo "$contain" | cut -d. -f1,2)}" \
		--l1-test tests/integration/contain-l1.sh \
		--l2-test tests/integration/contain-l2.sh \
		$(files_for "$contain") \
		--l2-file "$ko/hostile_vf.ko" --l2-file tests/integration/itest-lib.sh \
		--append "${CONTAIN_APPEND:-}" --l2-append "${CONTAIN_L2_APPEND:-}" \
		--timeout 900 || rc=1
fi
exit $rc
