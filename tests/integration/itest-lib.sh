# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by vfcb's integration tests (busybox sh, in the guests).
# Source after /vfcb/guest-lib.sh.

CTL=/vfcb/vfcbctl
ITEST=/vfcb/vfcb_itest

# run_c CMD [ARG]...: run a C check program and relay its
# "ok - ..." / "not ok - ..." lines into this script's TAP stream.
run_c() {
	_o=/tmp/run_c.$$
	"$@" > "$_o" 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok "${_l#ok - }" ;;
		"not ok - "*) not_ok "${_l#not ok - }" ;;
		*) diag "$_l" ;;
		esac
	done < "$_o"
	[ $_rc -le 1 ] || not_ok "$(basename "$1") $2: exited with status $_rc"
	rm -f "$_o"
}

# netns_ready PID: PID, started as "unshare ... sh -c '...; exec sleep N'",
# has its own network namespace and reached its sleep.  Until then
# nsenter -t PID joins the caller's namespaces, and what it sets (a
# sysctl) lands there instead: check this before entering.
netns_ready() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ] &&
		[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

# fails_with ERRNO-TEXT DESC CMD...: CMD must fail and say ERRNO-TEXT.
fails_with() {
	_want=$1; _d=$2; shift 2
	if _out=$("$@" 2>&1); then
		not_ok "$_d"; diag "succeeded: $_out"
	elif echo "$_out" | grep -q "$_want"; then
		ok "$_d"
	else
		not_ok "$_d"; diag "wanted '$_want', got: $_out"
	fi
}

# pf_stat PF VF NAME: one counter from the PF's per-VF debugfs stats.
pf_stat() {
	awk -v k="$3" '$1 == k { print $2 }' \
		"/sys/kernel/debug/vfcb_pf/$1/vf$2/stats" 2>/dev/null
}

# vf_stat BDF NAME: one counter from the VF core's debugfs stats.
vf_stat() {
	awk -v k="$2:" '$1 == k { print $2 }' \
		"/sys/kernel/debug/vfcb_vf/$1/stats" 2>/dev/null
}

# pf_pending PF VF: the invalidations the host holds for VF.
pf_pending() {
	$CTL vf show "$1" "$2" | awk '$1 == "pending_mask" { print $2 }'
}

# pf_irqs: the mailbox interrupts of vfcb_82576_pf on the PF in $pf (its
# one MSI-X vector), from /proc/interrupts.
pf_irqs() {
	awk -v n="vfcb-82576-$pf" '$NF == n { s = 0; for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s }' /proc/interrupts
}

# VF0..VF(N-1) are the VFs whose addresses are in $VF0, $VF1, ...
# vf_counts BDF: "RESYNCS PM_SUSPENDS PM_RESUMES PCI_ERRORS SLOT_RESETS
# ERROR_RESUMES" from the VF core's and vfcb_82576_vf's debugfs stats
# (zeros for what a VF on another driver, igbvf, does not have: busybox
# awk prints nothing at all when one of its files is missing).
vf_counts() {
	cat "/sys/kernel/debug/vfcb_vf/$1/stats" "/sys/kernel/debug/vfcb_82576_vf/$1/stats" 2>/dev/null |
		awk '{ v[$1] = $2 }
		     END { print v["resyncs:"] + 0, v["pm_suspends:"] + 0, v["pm_resumes:"] + 0,
				 v["pci_errors:"] + 0, v["slot_resets:"] + 0, v["error_resumes:"] + 0 }'
}
# snap N: VF0..VF(N-1)'s counts before an event (in cnt0_0, cnt0_1, ...).
snap() {
	i=0
	while [ $i -lt "$1" ]; do
		eval "bdf=\$VF$i"
		eval "cnt0_$i=\"$(vf_counts "$bdf")\""
		i=$((i + 1))
	done
}
# all_back N [same]: every VF handshook again since snap (or, with
# "same", none did).
all_back() {
	i=0
	while [ $i -lt "$1" ]; do
		eval "bdf=\$VF$i c0=\$cnt0_$i"
		r=$(awk '$1 == "resyncs:" { print $2 }' "/sys/kernel/debug/vfcb_vf/$bdf/stats")
		if [ "${2:-}" = same ]; then
			[ "$r" = "${c0%% *}" ] || return 1
		else
			[ "$r" -gt "${c0%% *}" ] || return 1
		fi
		i=$((i + 1))
	done
}

# kmark NAME: a line in the kernel log; klog NAME: what came after it, in
# /tmp/klog; logged RE: that holds a line matching RE.
kmark() { echo "vfcb-itest: $1" > /dev/kmsg; }
klog() { dmesg | sed -n "/vfcb-itest: $1\$/,\$p" > /tmp/klog; }
logged() { grep -Eq "$1" /tmp/klog; }
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# block_is PF VF ID TEXT: the host's block ID of VF holds TEXT.
block_is() { [ "$($CTL block get "$1" "$2" "$3" --raw 2>/dev/null)" = "$4" ]; }

# vfio_pass BDF NAME: hand a VF to vfio-pci for an L2 guest; it must be
# alone in its IOMMU group.
vfio_pass() {
	_g=$(iommu_group_of "$1")
	is "$(ls "/sys/kernel/iommu_groups/$_g/devices" 2>/dev/null)" "$1" "$2 is alone in its IOMMU group"
	check "vfio-pci loads" load_mod vfio_pci
	check "vfio_iommu_type1 loads" load_mod vfio_iommu_type1
	check "$2 bound to vfio-pci" bind_driver "$1" vfio-pci
}

# vf_ready VFDEV: the VF device exists and its handshake is done.
vf_ready() { $CTL vf info "$1" 2>/dev/null | grep -q 'ready'; }

# kernel_log_clean: no WARNING/BUG so far (the runner checks too; this
# pins a failure to the step that caused it).
kernel_log_clean() { ! dmesg | grep -Eq 'WARNING:|BUG:|Oops|Call Trace'; }

# s3_sleep DESC: suspend to RAM as check DESC, the RTC's alarm 3 s ahead
# to wake the machine, and the sleep's length as a diagnostic.  An alarm
# that fires before the kernel is asleep (a guest stalled for seconds on
# a busy host) wakes nothing: the rig then wakes it after RIG_S3_WAKE_S
# (scripts/rig.sh) and says so; the length tells which.
s3_sleep() {
	echo +3 > /sys/class/rtc/rtc0/wakealarm
	_t0=$(cat /sys/class/rtc/rtc0/since_epoch)
	check "$1" sh -c "echo mem > /sys/power/state"
	diag "$1: echo mem returned after $(($(cat /sys/class/rtc/rtc0/since_epoch) - _t0)) s (RTC alarm 3 s ahead)"
}

# mkblob FILE LEN: LEN random bytes.
mkblob() { head -c "$2" /dev/urandom > "$1"; }

# aer_inject BDF UNCOR: have aer_inject (/dev/aer_inject, load_mod
# aer_inject) report an uncorrectable error with status UNCOR from BDF, as
# if its root port had received the message; the device's own severity
# register makes it fatal or not.  One write() of struct aer_error_inj:
# bus, dev, fn, a pad byte, then uncor_status, cor_status, header_log[4]
# and domain as little-endian u32s, 32 bytes.
aer_inject() {
	_u=$2 _s=$((0x${1%%:*})) _r=${1#*:}
	_b=$((0x${_r%%:*})) _r=${_r#*:}
	# the struct's 32 bytes, in decimal
	set -- $_b $((0x${_r%%.*})) ${_r#*.} 0 \
		$((_u & 255)) $((_u >> 8 & 255)) $((_u >> 16 & 255)) $((_u >> 24 & 255)) \
		0 0 0 0  0 0 0 0  0 0 0 0  0 0 0 0  0 0 0 0 \
		$((_s & 255)) $((_s >> 8 & 255)) 0 0
	# shellcheck disable=SC2059 # the format is the bytes, as octal escapes
	printf "$(printf '\\%03o' "$@")" > /tmp/aer_inj
	dd if=/tmp/aer_inj of=/dev/aer_inject bs=32 count=1
}

# The PF's service time: its mailbox vector's hard interrupt handler and
# vfcb_pf's work items, traced on the mono clock (CLOCK_MONOTONIC, as
# vfcb_itest's timestamps).  The kernels under test have no
# IRQ_TIME_ACCOUNTING and a tick never samples a hard IRQ, so /proc/stat
# cannot tell.  svc_trace_on IRQ [BUFFER_KB]: trace IRQ's handler and every
# work item (the buffer is per CPU; tracing inflates what it measures, the
# same for every window compared).
T=/sys/kernel/tracing
# trace_mount: tracefs at $T (busybox here has no mountpoint).
trace_mount() {
	grep -q " $T tracefs " /proc/mounts || mount -t tracefs nodev $T
}
svc_trace_on() {
	trace_mount
	echo 0 > $T/tracing_on
	echo mono > $T/trace_clock
	echo "${2:-16384}" > $T/buffer_size_kb
	echo "irq == ${1:-0}" > $T/events/irq/irq_handler_entry/filter
	echo "irq == ${1:-0}" > $T/events/irq/irq_handler_exit/filter
	echo 1 > $T/events/irq/irq_handler_entry/enable
	echo 1 > $T/events/irq/irq_handler_exit/enable
	echo 1 > $T/events/workqueue/workqueue_execute_start/enable
	echo 1 > $T/events/workqueue/workqueue_execute_end/enable
	echo > $T/trace
	echo 1 > $T/tracing_on
}
svc_trace_off() {
	echo 0 > $T/tracing_on
	for e in irq/irq_handler_entry irq/irq_handler_exit \
		 workqueue/workqueue_execute_start workqueue/workqueue_execute_end; do
		echo 0 > $T/events/$e/enable
	done
	echo 0 > $T/events/irq/irq_handler_entry/filter
	echo 0 > $T/events/irq/irq_handler_exit/filter
}
# svc_overrun: the events the trace lost (its buffer full), over all CPUs.
svc_overrun() {
	cat $T/per_cpu/cpu*/stats 2>/dev/null | awk '$1 == "overrun:" { n += $2 } END { print n + 0 }'
}
# svc_windows WINDOWS [FILE]: the service time in several windows in one
# pass over the trace (or FILE, a copy of it), for a long trace read
# under TCG.  WINDOWS has a line "KEY FROM_NS TO_NS" per window; prints
# "KEY IRQS HANDLER_US WORK_US" for each, in WINDOWS' order.  Per CPU an
# exit closes the entry before it; a handler or item that crosses a
# window's edge counts in neither window.
svc_windows() {
	awk '
	FNR == NR { key[++nw] = $1; a[nw] = $2 / 1e9; b[nw] = $3 / 1e9; next }
	/ irq_handler_entry: / || / irq_handler_exit: / || / workqueue_execute_(start|end): / {
		for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) { cpu = $i; break }
		for (; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; break }
	}
	/ irq_handler_entry: / { ie[cpu] = t }
	/ irq_handler_exit: / && (cpu in ie) {
		for (k = 1; k <= nw; k++)
			if (ie[cpu] >= a[k] && t <= b[k]) { h[k] += t - ie[cpu]; n[k]++ }
		delete ie[cpu]
	}
	/ workqueue_execute_start: .*function vfcb_pf_(serve|retry)_work/ { we[cpu] = t }
	/ workqueue_execute_end: / && (cpu in we) {
		for (k = 1; k <= nw; k++)
			if (we[cpu] >= a[k] && t <= b[k]) w[k] += t - we[cpu]
		delete we[cpu]
	}
	END { for (k = 1; k <= nw; k++) printf "%s %d %d %d\n", key[k], n[k], h[k] * 1e6, w[k] * 1e6 }
	' "$1" "${2:-$T/trace}"
}
