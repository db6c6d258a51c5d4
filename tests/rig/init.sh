#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of every rig guest (packed by scripts/mkinitramfs.sh).  Mounts the
# pseudo file systems, runs /vfcb/test.sh with its output on the TAP channel
# and powers off.  The runner decides pass/fail from what it sees on the
# serial ports, so this script only has to report honestly:
#
#   ttyS0  kernel console (plus a start/end line through /dev/kmsg)
#   ttyS1  the TAP channel: "# vfcb-rig: begin SIDE TEST", the test's
#          stdout+stderr, then "# vfcb-rig: exit RC"
#
# Kernel messages never go to ttyS1, so a WARNING cannot split a TAP line.
# A missing, crashing or hanging test shows up as a missing or non-zero
# exit line.

export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

. /vfcb/rig.env

tap=/dev/ttyS1
[ -c "$tap" ] || tap=/dev/console
# Raw output: no \n -> \r\n translation, no echo of anything the host sends.
stty -F "$tap" raw -echo 2>/dev/null

kmsg() { echo "vfcb-rig: $*" > /dev/kmsg; }

# heartbeat: every 10 s, each CPU's count of local timer interrupts on the
# console.  A CPU that QEMU stopped sending its timer interrupt to never
# wakes again; this is how the rig sees it, even when nothing else is
# printed (scripts/rig.sh, "stale_timers" and "frozen").  Not in dmesg's
# words "vfcb" or "WARNING", which tests look for.  L1 only: L2 runs
# under KVM, whose timers are L1's.
heartbeat() {
	while sleep 10; do
		awk '$1 == "LOC:" { s = "<6>rig-heartbeat: LOC"
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s = s " " $i
			print s }' /proc/interrupts > /dev/kmsg
	done
}

kmsg "$VFCB_SIDE start $VFCB_TEST on $(uname -r)"
[ "$VFCB_SIDE" = L1 ] && heartbeat < /dev/null > /dev/null 2>&1 &
echo "# vfcb-rig: begin $VFCB_SIDE $VFCB_TEST" > "$tap"
if [ -f /vfcb/test.sh ]; then
	# A subshell, so a test that calls exit (or dies) cannot take init
	# down with it: that would panic the kernel before the exit line.
	(cd /vfcb && exec sh /vfcb/test.sh) > "$tap" 2>&1 < /dev/null
	rc=$?
else
	echo "# vfcb-rig: /vfcb/test.sh is missing" > "$tap"
	rc=127
fi
# The last close of a tty waits until its output has left the UART, so this
# line is on the host before poweroff.
echo "# vfcb-rig: exit $rc" > "$tap"
kmsg "$VFCB_SIDE end $VFCB_TEST rc=$rc"
sync
poweroff -f
