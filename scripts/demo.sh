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

# A previous demo's logs must not be narrated again.
rm -rf "$logs"
# The demo shows one guest; the reboot scenario belongs to make check.
scripts/rig.sh nested --kver "$kver" --name demo --results-dir build/rig/demo-results \
	--l1-test tests/integration/nested-l1.sh --l2-test tests/integration/nested-l2.sh \
	--append NESTED_REBOOT=0 \
	--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file "$ko/vfcb_vf.ko" --file "$ko/vfcb_82576_vf.ko" --file tools/vfcbctl \
	--file build/itest/vfcb_itest --file tests/integration/itest-lib.sh \
	--l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/vfcb_82576_vf.ko" --l2-file tools/vfcbctl \
	--l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh \
	> build/rig/demo-run.log 2>&1 &
rig=$!

# Print the narration of both sides' TAP channels as it comes: poll the
# files once a second, showing each complete "# demo:" line once.
shown_l1=0 shown_l2=0
narrate() {	# narrate FILE LABEL VAR: print narration past the VAR-th line
	local data lines n shown=${!3}
	[ -f "$1" ] || return 0
	# Read once; a last line QEMU is still writing waits for the next tick.
	data=$(cat "$1"; echo .)
	data=${data%.}
	case "$data" in *$'\n') ;; *) data=${data%$'\n'*} ;; esac
	lines=$(printf '%s' "$data" | sed -n 's/^# demo: \(host: \|guest: \)\{0,1\}//p')
	n=0
	[ -n "$lines" ] && n=$(printf '%s\n' "$lines" | wc -l)
	[ "$n" -lt "$shown" ] && shown=0	# the run started over
	if [ "$n" -gt "$shown" ]; then
		printf '%s\n' "$lines" | tail -n +"$((shown + 1))" | sed "s/^/$2 | /"
	fi
	printf -v "$3" '%s' "$n"
}
while kill -0 $rig 2>/dev/null; do
	narrate "$logs/l1-tap.log" "host " shown_l1
	narrate "$logs/l2-tap.log" "guest" shown_l2
	sleep 1
done
wait $rig
rc=$?
narrate "$logs/l1-tap.log" "host " shown_l1
narrate "$logs/l2-tap.log" "guest" shown_l2
echo
grep -E 'passed|FAIL' build/rig/demo-run.log
if [ $rc = 0 ]; then
	echo "demo: done; every step above was checked (logs: $logs/)"
else
	echo "demo: something failed, see build/rig/demo-run.log and $logs/"
fi
exit $rc
