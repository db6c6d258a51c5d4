#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault loop, nested topology, L2 (nested-soak-l1.sh).  With vfcb_phase=
# victim: check the bit raised before this guest, then write block 8 and
# read block 7 in a loop until L1 kills the guest.  Otherwise the last,
# normal guest: the same checks, then power off.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

K=0 BIT=0x1 VICTIM=0
for a in $(cat /proc/cmdline); do
	case "$a" in
	vfcb_soak.k=*) K=${a#*=} ;;
	vfcb_soak.bit=*) BIT=${a#*=} ;;
	vfcb_phase=victim) VICTIM=1 ;;
	esac
done
BLOCK7=$(printf 'vfcb-soak-block-7:%0110d' 7)

vf=$(pci_find 8086 10ca | head -n 1)
dev=/dev/vfcb-vf-$vf
check "vfcb_vf and vfcb_82576_vf load" sh -c "insmod /vfcb/vfcb_vf.ko && insmod /vfcb/vfcb_82576_vf.ko"
wait_for 120 vf_ready "$dev"
check "handshake with vfcb_pf in L1" vf_ready "$dev"
run_c /vfcb/vfcb_soak covers "$dev" "$BIT" 60000
is "$($CTL read "$dev" 7 --raw)" "$BLOCK7" "block 7 reads as the host set it"

if [ $VICTIM = 1 ]; then
	seq=1
	while :; do
		w=$(printf 'victim %d %d ' "$K" "$seq")
		w=$w$(printf '%*s' $((128 - ${#w})) '' | tr ' ' .)
		$CTL write "$dev" 8 --string "$w" || not_ok "victim $K: write $seq"
		[ "$($CTL read "$dev" 7 --raw)" = "$BLOCK7" ] || not_ok "victim $K: read $seq of block 7"
		seq=$((seq + 1))
	done
fi
check "the last guest writes block 8" $CTL write "$dev" 8 --string final
check "no WARNING/BUG in L2" kernel_log_clean
done_testing
