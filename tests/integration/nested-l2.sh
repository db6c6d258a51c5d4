#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, nested topology, L2 (the guest): the VF arrived through
# vfio-pci; vfcb_vf talks to vfcb_pf in L1 through the emulated mailbox.
# With vfcb_phase=victim on the command line this guest only handshakes,
# writes block 8 and waits to be killed (nested-l1.sh).

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

say() { diag "demo: $*"; }

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "82576 VF visible in the guest"
dev=/dev/vfcb-vf-$vf
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
wait_for 120 vf_ready "$dev"
check "handshake with the host's vfcb_pf through vfio-pci" vf_ready "$dev"

if grep -q vfcb_phase=victim /proc/cmdline; then
	$CTL write "$dev" 8 --string victim
	diag "victim guest: up, waiting to be killed"
	sleep 100000
fi

say "guest: $($CTL vf info "$dev" | tr -s ' ' | tr '\n' ' ')"
run_c $ITEST expect-mask "$dev" 0xffffffffffffffff 120000
say "guest: vfcbctl wait  ->  woken with all ones: a new driver re-reads every block (0x80, raised before the guest existed, among them)"
check "guest says it has re-read (block 9)" $CTL write "$dev" 9 --string resynced
run_c $ITEST expect-mask "$dev" 0x4 120000
say "guest: vfcbctl wait  ->  woken with mask 0x4, raised by the host after that"
got=$($CTL read "$dev" 7 --raw)
is "$got" "hello from the host" "guest reads block 7 as the host set it"
say "guest: vfcbctl read 7  ->  '$got'"
check "guest writes block 8" $CTL write "$dev" 8 --string "hello from the guest"
say "guest: vfcbctl write 8 --string 'hello from the guest'"
fails_with "No such file" "guest reading a block the host never defined gets ENOENT" \
	$CTL read "$dev" 12345
run_c $ITEST vf-ioctl "$dev"
diag "round trips through vfio: $($CTL ping "$dev" --count 50 | tail -n 2 | tr '\n' ' ')"
check "no WARNING/BUG in L2" kernel_log_clean
done_testing
