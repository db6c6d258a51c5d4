#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the nested topology and show, as it happens, the host
# writing a block for a VF, the guest that owns the VF reading it and
# writing one back, and the guest being woken by the host's invalidation.
#
#   scripts/demo.sh [--form igb|82576]     (or DEMO_FORM=...)
#
#   igb    (default) the igb form: the kernel's own igb and igbvf, patched
#          with hooks only (igb/*.patch), carry vfcb beside their own
#          mailbox protocol; the guest's VF netdev pings the host's PF
#          netdev all the while.  Scripts tests/integration/demo-igb-l*.sh.
#   82576  vfcb's own drivers (vfcb_82576_pf, vfcb_82576_vf), no netdev.
#          Scripts tests/integration/nested-l*.sh.
#
# The narration is the "# demo:" lines of those scripts; the full logs stay
# in build/rig/logs/demo/.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 2
load_kernels
kver=${KVER_6_12:-$KVER}
form=${DEMO_FORM:-igb}
while [ $# -gt 0 ]; do
	case "$1" in
	--form) form=$2; shift 2 ;;
	*) die "unknown option $1 (see the head of $0)" ;;
	esac
done
case "$form" in igb|82576) ;; *) die "--form igb or 82576, not '$form'" ;; esac

make -s -C tools >/dev/null || die "vfcbctl does not build"
mkdir -p build/itest
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
	tests/integration/vfcb_itest.c -o build/itest/vfcb_itest || die "vfcb_itest does not build"
scripts/build-modules.sh "$kver" >/dev/null || die "modules do not build for $kver"
if [ "$form" = igb ]; then
	scripts/build-igb.sh "$kver" >/dev/null || die "the patched igb/igbvf do not build for $kver"
fi
ko=build/kvers/$kver/ko
logs=build/rig/logs/demo

if [ "$form" = igb ]; then
	cat <<MSG
vfcb demo, the igb form: an SR-IOV host (QEMU, Intel 82576) whose PF runs
the kernel's own igb, and inside it a guest (QEMU in QEMU) that owns VF0
through vfio-pci and runs the kernel's own igbvf.  Both drivers are
patched with hooks only (igb/igb.patch, igb/igbvf.patch) and carry vfcb
through igb's mailbox while the guest's VF netdev pings the host's PF
netdev (198.18.1.0/24; frames stay in QEMU's emulated switch).
The host is emulated (TCG), the guest runs under KVM on the host's
emulated SVM: one to three minutes.  (--form 82576: vfcb's own drivers.)

MSG
	l1_test=tests/integration/demo-igb-l1.sh l2_test=tests/integration/demo-igb-l2.sh
	files=(--file "$ko/vfcb_pf.ko" --file "$ko/igb.ko" --file tools/vfcbctl
	       --file tests/integration/itest-lib.sh
	       --l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/igbvf.ko" --l2-file tools/vfcbctl
	       --l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh)
else
	cat <<MSG
vfcb demo: an SR-IOV host (QEMU, igb = Intel 82576, vfcb_pf) and inside it a
guest (QEMU in QEMU) that owns VF0 through vfio-pci and runs vfcb_vf.
The host is emulated (TCG) and the guest runs under KVM on the host's
emulated SVM: the whole run takes one to two minutes.

MSG
	l1_test=tests/integration/nested-l1.sh l2_test=tests/integration/nested-l2.sh
	files=(--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file "$ko/vfcb_vf.ko"
	       --file "$ko/vfcb_82576_vf.ko" --file tools/vfcbctl
	       --file build/itest/vfcb_itest --file tests/integration/itest-lib.sh
	       --l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/vfcb_82576_vf.ko" --l2-file tools/vfcbctl
	       --l2-file build/itest/vfcb_itest --l2-file tests/integration/itest-lib.sh)
fi

# A previous demo's logs must not be narrated again.
rm -rf "$logs"
# The demo shows one guest; the reboot scenario belongs to make check.
scripts/rig.sh nested --kver "$kver" --name demo --results-dir build/rig/demo-results \
	--l1-test "$l1_test" --l2-test "$l2_test" --append NESTED_REBOOT=0 \
	"${files[@]}" > build/rig/demo-run.log 2>&1 &
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
