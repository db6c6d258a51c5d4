#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, host topology: a real suspend to RAM (ACPI S3) with
# vfcb_pf on the 82576 PF and three VFs on vfcb_vf, a reader busy on every
# VF throughout.  host.sh tests suspend with pm_test, which runs every
# callback but never sleeps, so the devices keep their state.  Here the
# RTC's alarm wakes a machine that QEMU reset on the way, as a real sleep
# cuts the NIC's power: the PCI core restores config space and the drivers
# must rebuild the rest.  vfcb_s3fw_test does what SeaBIOS leaves undone
# on resume: it restores the chipset's MMCONFIG window (without it
# extended config space, SR-IOV's included, is gone) and ACPI I/O base
# (without it the next sleep or power-off goes nowhere).

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=3
CYCLES=${S3_CYCLES:-3}
pf=$(find_pf)
PFDEV=/dev/vfcb-pf-$pf

# reads I: how many reads VF I's reader has done.
reads() { cat "/tmp/load$1.progress" 2>/dev/null | awk '$1 == "ops" { n = $2 } END { print n + 0 }'; }
# all_read_since: every reader did a read since the counts in reads0_I.
all_read_since() {
	i=0
	while [ $i -lt $NVFS ]; do
		eval "r0=\$reads0_$i"
		[ "$(reads $i)" -gt "$r0" ] || return 1
		i=$((i + 1))
	done
}
# mark_reads: note each reader's count now, in reads0_I.
mark_reads() {
	i=0
	while [ $i -lt $NVFS ]; do
		eval "reads0_$i=$(reads $i)"
		i=$((i + 1))
	done
}

# restored_after_pf VF: in the wake logged in /tmp/klog, the PCI core began
# restoring VF's config space (its pci_pm_resume_noirq, logged with
# pm_print_times) after its PF's restore, which enables the VFs again, had
# returned.  vfcb_pf's device link from each VF to its PF gives that
# order; without it the VFs' restores start beside the PF's.
restored_after_pf() {
	awk -v pf=" $pf: " -v vf=" $1: " '
		!/pci_pm_resume_noirq/ { next }
		{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
		index($0, pf) && / returned / { done = t }
		index($0, vf) && / calling / { start = t }
		END { exit !(done != "" && start != "" && start + 0 >= done + 0) }' /tmp/klog
}

# cap_word BDF ID: the word after the header of BDF's capability ID.
cap_word() {
	_f=/sys/bus/pci/devices/$1/config
	_p=$(od -An -tu1 -j 52 -N1 "$_f" | tr -d ' ')
	while [ "${_p:-0}" -ne 0 ]; do
		if [ "$(od -An -tu1 -j "$_p" -N1 "$_f" | tr -d ' ')" -eq "$2" ]; then
			od -An -tx2 -j $((_p + 2)) -N2 "$_f"
			return
		fi
		_p=$(od -An -tu1 -j $((_p + 1)) -N1 "$_f" | tr -d ' ')
	done
}

# why_not_back: what each VF and the PF say, for a VF that did not
# handshake again.
why_not_back() {
	for v in $vfs; do
		diag "VF $v: $(cat /sys/kernel/debug/vfcb_vf/$v/stats /sys/kernel/debug/vfcb_82576_vf/$v/stats 2>&1 | tr '\n' ' ')"
		diag "VF $v: MSI-X control $(cap_word "$v" 17), command $(od -An -tx2 -j 4 -N2 /sys/bus/pci/devices/$v/config 2>&1)"
	done
	diag "$(grep vfcb /proc/interrupts)"
	for d in /sys/kernel/debug/vfcb_pf/$pf/*/; do
		diag "PF's $d: $(cat "$d/stats" 2>&1 | tr '\n' ' ')"
	done
	diag "$(grep -v 'PM: \|restor' /tmp/klog | tail -20)"
}

# ---- bring-up ------------------------------------------------------------

grep -qw deep /sys/power/mem_sleep 2>/dev/null ||
	bail_out "no S3 (mem_sleep: $(cat /sys/power/mem_sleep 2>&1))"
check "an RTC that can wake the machine" test -e /sys/class/rtc/rtc0/wakealarm
check "vfcb_s3fw_test loads (restores what SeaBIOS leaves reset on resume)" \
	insmod /vfcb/vfcb_s3fw_test.ko
S3FW=/sys/module/vfcb_s3fw_test/parameters/restored
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS created $NVFS VFs"
i=0
for v in $vfs; do eval "VF$i=$v DEV$i=/dev/vfcb-vf-$v"; i=$((i + 1)); done
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
i=0
while [ $i -lt $NVFS ]; do
	eval "dev=\$DEV$i"
	wait_for 20 vf_ready "$dev"
	check "VF$i: bound to vfcb_82576_vf, handshake done" vf_ready "$dev" ||
		bail_out "VF$i did not handshake before any sleep"
	$CTL block set "$pf" $i 72 --string "VF$i's block 72, set before the sleeps"
	$CTL block set "$pf" $i 7 --hex "$(head -c 128 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	i=$((i + 1))
done
$CTL block set "$pf" 1 9 --hex 00 --vf-writable

# The PCI core logs each config register it restores that differs from
# what it saved (pci_restore_config_dword, a debug message): after a real
# sleep the PF's BARs among them.  pm_test restores them unchanged.
dd=/sys/kernel/debug/dynamic_debug/control
[ -w $dd ] || dd=/proc/dynamic_debug/control
echo 'file drivers/pci/pci.c func pci_restore_config_dword +p' > $dd ||
	diag "no dynamic debug: the config-space check below will fail"
# Each device's PM callbacks, timed: the order of the restores.
echo 1 > /sys/power/pm_print_times

# A reader on each VF throughout: every 128-byte read of block 7 must
# succeed and match the first, across every sleep.
i=0
while [ $i -lt $NVFS ]; do
	eval "dev=\$DEV$i"
	$ITEST load "$dev" 7 /tmp/load$i.progress /tmp/load$i.log 2>/tmp/load$i.err &
	eval "LOAD$i=$!"
	i=$((i + 1))
done
# Proof the readers run before anything is judged on them.
i=0
while [ $i -lt $NVFS ]; do eval "reads0_$i=0"; i=$((i + 1)); done
wait_for 10 all_read_since
check "every VF's reader has started reading" all_read_since

# ---- the sleeps ------------------------------------------------------------

c=1
while [ $c -le $CYCLES ]; do
	w="S3 $c of $CYCLES"
	snap $NVFS
	# An acknowledged write just before the sleep must be on the host
	# after it.
	head -c 128 /dev/urandom > /tmp/w
	check "$w: VF1 writes 128 bytes to block 9 before the sleep" $CTL write "$DEV1" 9 --file /tmp/w
	mark_reads
	kmark "s3-$c"
	s3_sleep "$w: suspend to RAM and wake"
	wait_for 10 all_back $NVFS
	check "$w: all $NVFS VFs handshake again by themselves, within 10 s" all_back $NVFS
	klog "s3-$c"
	all_back $NVFS || why_not_back
	check "$w: the machine slept (ACPI S3)" logged 'ACPI: PM: Waking up from system sleep state S3'
	is "$(cat $S3FW)" $c "$w: the chipset was reset in the sleep (vfcb_s3fw_test restored it after $c of $c wakes)"
	# (6.1 words it "restoring config space at offset 0x10 (was ...")
	check "$w: the PF lost its config space in the sleep (the PCI core restored BAR0)" \
		logged "$pf: (restore config 0x10: |restoring config space at offset 0x10 )"
	check "$w: the PF's resume callback restarted the mailbox for $NVFS VFs" \
		logged "resume: mailbox restarted, $NVFS VFs"
	i=0
	while [ $i -lt $NVFS ]; do
		eval "v=\$VF$i"
		check "$w: VF$i's config space restored after its PF's had returned" \
			restored_after_pf "$v"
		i=$((i + 1))
	done
	bad=0 i=0
	while [ $i -lt $NVFS ]; do
		eval "dev=\$DEV$i"
		[ "$($CTL read "$dev" 72 --raw 2>&1)" = "VF$i's block 72, set before the sleeps" ] ||
			bad=$((bad + 1))
		i=$((i + 1))
	done
	is $bad 0 "$w: every VF reads its block 72 as the host set it"
	$CTL block get "$pf" 1 9 --raw > /tmp/h 2>&1
	check "$w: the host holds VF1's last write to block 9" cmp -s /tmp/w /tmp/h
	# A reader that subscribes now gets exactly what the host raises:
	# the resume's all-ones is over, and the PF's interrupt is alive.
	irq0=$(pf_irqs)
	run_c $ITEST inval "$PFDEV" 2 "$DEV2" $((1 << c))
	check "$w: VF2's requests raise the PF's mailbox interrupt ($irq0 before)" \
		test "$(pf_irqs)" -gt "${irq0:-0}"
	fails_with "" "$w: no mailbox interrupt lost" logged 'mailbox interrupt lost'
	wait_for 10 all_read_since
	check "$w: every VF's reader read on across the sleep" all_read_since
	c=$((c + 1))
done

# Each reader read on after the last wake, and none failed.
mark_reads
sleep 1
i=0
while [ $i -lt $NVFS ]; do
	eval "pid=\$LOAD$i ops0=\$reads0_$i"
	kill "$pid"
	wait "$pid"
	ops=$(reads $i)
	fails=$(awk '$1 == "fails" { print $2 }' /tmp/load$i.progress)
	check "VF$i's reader read on after the last wake ($ops reads, $ops0 a second before)" \
		test "$ops" -gt "$ops0"
	is "$fails" 0 "VF$i's reader: none of its $ops reads of 128 bytes failed or differed"
	[ "$fails" = 0 ] || diag "$(awk '$3 != 0' /tmp/load$i.log | head -5)"
	i=$((i + 1))
done

check "rmmod vfcb_82576_vf" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "sriov_numvfs back to 0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in the whole run" kernel_log_clean

done_testing
