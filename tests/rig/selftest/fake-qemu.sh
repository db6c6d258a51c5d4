#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A stand-in for qemu-system-x86_64 (tests/rig/selftest.sh, QEMU=this):
# writes to the run's two serial files what a guest would, and counts its
# calls in $FAKE_QEMU_COUNT.  $FAKE_QEMU_MODE:
#   timer   the first call: the console of a vCPU whose timer interrupt
#           QEMU lost (as seen in CI), then hangs for 25 s; later calls
#           pass
#   timerbt the same, the halted vCPU shown by a whole NMI backtrace at
#           the halt instead of "idling at" (as seen in make contain)
#   warn    every call: a kernel WARNING, the test passed
#   frozen  the first call: a heartbeat, then nothing, every vCPU halted
#           with interrupts on (fake-monitor.py), then hangs for 25 s;
#           later calls pass
#   stale   the same, but only vCPU 1 asleep: the heartbeat shows its
#           timer count standing still
#   clihlt  every call: as frozen, but the vCPUs halted with interrupts
#           off, as a panic leaves them: not the emulator's
#   s3      every call: the guest suspends to RAM and its wake alarm never
#           comes; it passes once the monitor is sent system_wakeup,
#           and hangs for 25 s if it never is
con= tap= mon=
while [ $# -gt 0 ]; do
	if [ "$1" = -monitor ]; then
		mon=${2#unix:}
		mon=${mon%%,*}
		shift 2
		continue
	fi
	if [ "$1" = -serial ]; then
		case "$2" in
		file:*) if [ -z "$con" ]; then con=${2#file:}; else tap=${2#file:}; fi ;;
		esac
		shift 2
		continue
	fi
	shift
done
n=$(($(cat "$FAKE_QEMU_COUNT" 2>/dev/null || echo 0) + 1))
echo "$n" > "$FAKE_QEMU_COUNT"
echo '[    1.000000] Linux version 6.12' > "$con"
# monitor MODE: answer on the monitor's socket, as QEMU does from its start.
monitor() {
	python3 "$(dirname "$0")/fake-monitor.py" "$mon" "$1" &
	for _ in $(seq 50); do [ -S "$mon" ] && return; sleep 0.1; done
}
pass() { printf '%s\n' '# vfcb-rig: begin L1 pass.sh' 'ok 1 - fine' '1..1' '# vfcb-rig: exit 0' > "$tap"; }
case "$FAKE_QEMU_MODE:$n" in
timer:1)
	printf '%s\n' '[   93.449313] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:' \
		'[   72.563516] NMI backtrace for cpu 1 skipped: idling at native_safe_halt+0xb/0x10' \
		"[   93.453103] rcu: rcu_preempt kthread timer wakeup didn't happen for 5251 jiffies! g18573 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402" \
		>> "$con"
	printf '%s\n' '# vfcb-rig: begin L1 pass.sh' 'ok 1 - fine' > "$tap"
	exec sleep 25 ;;	# hung, as the guest was: the rig must not wait
timerbt:1)
	# a serial console's line ends: CR LF
	printf '%s\r\n' '[   23.495748] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:' \
		'[   23.501266] NMI backtrace for cpu 2' \
		'[   23.508162] CPU: 2 UID: 0 PID: 0 Comm: swapper/2 Not tainted 6.12.117+deb12-amd64 #1' \
		'[   23.509383] RIP: 0010:pv_native_safe_halt+0xf/0x20' \
		"[   23.520963] rcu: rcu_preempt kthread timer wakeup didn't happen for 5255 jiffies! g-1139 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402" \
		>> "$con"
	printf '%s\n' '# vfcb-rig: begin L1 pass.sh' 'ok 1 - fine' > "$tap"
	exec sleep 25 ;;
frozen:1|clihlt:*)
	monitor "$FAKE_QEMU_MODE"
	echo '[   10.000000] rig-heartbeat: LOC 1000 1200' >> "$con"
	printf '%s\n' '# vfcb-rig: begin L1 pass.sh' 'ok 1 - fine' > "$tap"
	exec sleep 25 ;;
stale:1)
	monitor stale
	for t in 10 20 30 40 50; do
		printf '[   %d.000000] rig-heartbeat: LOC %d 1200\r\n' "$t" $((t * 100)) >> "$con"
	done
	printf '%s\n' '# vfcb-rig: begin L1 pass.sh' 'ok 1 - fine' > "$tap"
	exec sleep 25 ;;
s3:*)
	monitor s3
	printf '%s\r\n' '[    5.000000] PM: suspend entry (deep)' \
		'[    5.100000] printk: Suspending console(s) (use no_console_suspend to debug)' >> "$con"
	printf '%s\n' '# vfcb-rig: begin L1 pass.sh' > "$tap"
	for _ in $(seq 250); do
		if [ -e "$mon.woken" ]; then
			echo '[    5.200000] ACPI: PM: Waking up from system sleep state S3' >> "$con"
			pass
			exit 0
		fi
		sleep 0.1
	done
	exit 0 ;;
warn:*)
	echo '[    5.000000] WARNING: CPU: 0 PID: 1 at drivers/x/y.c:1 f+0x1/0x2' >> "$con"
	pass ;;
*)
	pass ;;
esac
exit 0
