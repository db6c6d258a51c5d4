#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the nested topology (host L1 with vfcb_pf, guest L2 with
# a VF through vfio-pci and vfcb_vf) and show, as it happens, the host
# writing a block for the VF, the guest reading it, the guest writing one
# back, and the host invalidating and the guest being woken with the mask.
# The narration is the "# demo:" lines of tests/integration/nested-l*.sh;
# the full logs stay in build/rig/logs/demo/.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 2
load_kernels
kver=${KVER_6_12:-$KVER}

make -s -C tools >/dev/null || die "vfcbctl does not build"
mkdir -p build/itest
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
	tests/integration/vfcb_itest.c -o build/itest/vfcb_itest || die "vfcb_itest does not build"
scripts/build-modules.sh "$kver" >/dev/null || die "modules do not build for $kver"
ko=build/kvers/$kver/ko
logs=build/rig/logs/demo

cat <<MSG
vfcb demo: an SR-IOV host (QEMU, igb = Intel 82576, vfcb_pf) and inside it a
guest (QEMU in QEMU) that owns VF0 through vfio-pci and runs vfcb_vf.
The host is emulated (TCG) and the guest runs under KVM on the host's
emulated SVM: the whole run takes one to two minutes.

MSG

# The demo shows one guest; the reboot scenario belongs to make check.
scripts/rig.sh nested --kver "$kver" --name demo --results-dir build/rig/demo-results \
	--l1-test tests/integration/nested-l1.sh --l2-test tests/integration/nested-l2.sh \
	--append NESTED_REBOOT=0 \
	--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_vf.ko" --file tools/vfcbctl \
	--file build/itest/vfcb_itest --file tests/integration/itest-lib.sh \
	--l2-file "$ko/vfcb_vf.ko" --l2-file tools/vfcbctl \
	--l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh \
	> build/rig/demo-run.log 2>&1 &
rig=$!

# Follow both sides' TAP channels and print the narration as it comes.
sleep 2
tail -n +1 -F "$logs/l1-tap.log" "$logs/l2-tap.log" 2>/dev/null |
	awk '/^==> .*l1-tap.log/ { side = "host " ; next }
	     /^==> .*l2-tap.log/ { side = "guest" ; next }
	     /^# demo: / { sub(/^# demo: (host|guest): /, ""); sub(/^# demo: /, "");
			   printf "%s | %s\n", side, $0; fflush() }' &
follower=$!
wait $rig
rc=$?
sleep 1
kill $follower 2>/dev/null
wait $follower 2>/dev/null
echo
grep -E 'passed|FAIL' build/rig/demo-run.log
if [ $rc = 0 ]; then
	echo "demo: done; every step above was checked (logs: $logs/)"
else
	echo "demo: something failed, see build/rig/demo-run.log and $logs/"
fi
exit $rc
