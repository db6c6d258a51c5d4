#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run guest tests in QEMU's emulated 82576 (-device igb) under TCG.
#
#   scripts/rig.sh host   --test SCRIPT [options]
#   scripts/rig.sh nested --l1-test SCRIPT --l2-test SCRIPT [options]
#   scripts/rig.sh check  LOGDIR            # re-judge a finished run's logs
#
# Topologies:
#   host    one guest (L1) that is the SR-IOV host: q35, igb behind a PCIe
#           root port (VF BARs must stay below 4 GiB in QEMU 10), runs SCRIPT.
#   nested  L1 adds intel-iommu (intel_iommu=on) and the build machine's root
#           over 9p; the L1 script binds VFs to vfio-pci and calls run_l2
#           (tests/rig/guest-lib.sh), which starts an L2 QEMU inside L1 with
#           those VFs; L2 runs the L2 script from its own initramfs.
#
# Options:
#   --kver VER          guest kernel: full version, 6.1 or 6.12 (default $KVER)
#   --l2-kver VER       L2's kernel (default: the same as L1)
#   --test, --l1-test S L1's test script
#   --l2-test S         L2's test script (nested)
#   --file H[:G]        extra file for L1, at /vfcb/G (repeatable)
#   --l2-file H[:G]     extra file for L2 (repeatable)
#   --module NAME       extra in-tree module for both images (repeatable)
#   --name NAME         run name (default TOPOLOGY-TEST-KSERIES)
#   --timeout S         kill L1 after S seconds (default host 180, nested 360;
#                       900 with RIG_L2_ACCEL=tcg)
#   --l2-timeout S      L1 kills L2 after S seconds (default: timeout - 60)
#   --mem MB, --smp N   L1 size (default 1024/2048 host/nested, 2 vCPUs)
#   --l2-mem MB         L2 memory (default 128)
#   --append ARGS       extra kernel arguments for L1 (--l2-append for L2)
#   --results-dir DIR   where <name>.tap goes (default build/results)
#   -v, --verbose       stream the consoles and TAP channels while running
#
# Environment: KVER, QEMU_TRACE (e.g. 'igb_*' or 'igb_*,e1000e_irq_*':
# trace events of every QEMU, written to the run's log directory),
# QEMU_TRACE_L2 (L2 only, overrides), QEMU (binary, default qemu-system-x86_64), RIG_CPU / RIG_L2_CPU (-cpu,
# default max), RIG_L2_ACCEL (kvm or tcg, default kvm), RIG_L2_MACHINE
# (default pc), RIG_L2_QEMU_EXTRA (more L2 QEMU arguments), RIG_TCG_THREAD
# (L1's TCG: multi, one host thread per vCPU, the default; or single),
# RIG_EMULATOR_RETRY (1, the default: a failed run that shows a fault of
# the emulator's own is run once more, its first logs kept in
# <name>.emulator-fault/; 0: fail at once), RIG_SILENT_S (45: seconds of
# a silent L1 console before the rig asks QEMU's monitor, monitor.sock in
# the log directory, whether every vCPU is frozen in HLT; such a run is
# stopped, its registers kept in frozen.txt), RIG_S3_WAKE_S (10: seconds
# of S3 sleep after which the rig wakes L1 through the monitor, as a
# missed wake alarm would otherwise end the run only at its timeout).
#
# Exit status: 0 when every test passed on every side, 1 otherwise, 2 on a
# usage or set-up error.  Logs: build/rig/logs/<name>/.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

usage() { sed -n '5,49p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Kernel messages that fail a run wherever they appear on a console.  Only
# lines carrying a printk timestamp count, so a test that prints the word
# "WARNING:" on its own output does not trip it.
KERNEL_BAD='BUG:|WARNING:|Oops|Call Trace|Kernel panic|kernel BUG at|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|\*\*\* DEADLOCK \*\*\*|suspicious RCU usage|INFO: task .* blocked|rcu: .*detected stalls|UBSAN:|KASAN:|list_(add|del) corruption'

# ---- judging -------------------------------------------------------------

results=()	# "ok|not ok<TAB>description" lines of the run's TAP
failures=()	# human-readable failure messages
add()  { results+=("$1	$2	${3:-}"); [ "$1" = ok ] || failures+=("$2${3:+: $3}"); }

# judge_side SIDE TESTNAME CONSOLE TAPLOG TIMED_OUT
#   TIMED_OUT: "" or a message explaining why the side didn't finish.
judge_side() {
	local side=$1 name=$2 console=$3 tap=$4 why=$5
	local where="$side ($name)"

	if [ ! -s "$tap" ] || ! grep -q '^# vfcb-rig: begin' "$tap"; then
		add "not ok" "$side: $name: started" \
			"${why:-the guest never ran the test (kernel or /init failed; see $console)}"
		judge_kernel "$side" "$name" "$console"
		return
	fi

	# One pass of awk: guest results with the side prefixed, then a
	# summary line "#SUM plan run rc bailout".
	local line kind desc
	while IFS= read -r line; do
		case "$line" in
		"#SUM "*)
			set -- ${line#\#SUM }
			local plan=$1 run=$2 rc=$3 bail=$4 ;;
		*)
			kind=${line%%	*}; desc=${line#*	}
			if [ "$kind" = ok ]; then
				add ok "$side: $desc"
			else
				add "not ok" "$side: $desc" "failed in $where"
			fi ;;
		esac
	done < <(tr -d '\r' < "$tap" | awk '
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan = $1 + 0; next }
		/^(not )?ok( |$)/ {
			kind = ($1 == "ok") ? "ok" : "not ok"
			d = $0
			sub(/^(not )?ok */, "", d); sub(/^[0-9]+ */, "", d); sub(/^- */, "", d)
			# A "not ok ... # TODO" is an expected failure: keep it
			# as ok with its directive, as TAP consumers do.
			if (kind == "not ok" && d ~ /# *TODO/) kind = "ok"
			run++; printf "%s\t%s\n", kind, d; next
		}
		/^Bail out!/ { bail = 1; next }
		/^# vfcb-rig: exit / { rc = $4 }
		END { printf "#SUM %s %d %s %d\n", (plan == "" ? "-" : plan), run, (rc == "" ? "-" : rc), bail }')

	if [ "$bail" = 1 ]; then
		add "not ok" "$side: $name: no bail out" \
			"$(grep -m1 '^Bail out!' "$tap" | tr -d '\r') in $where"
	fi
	if [ "$plan" = - ]; then
		add "not ok" "$side: $name: TAP plan present" "no 1..N plan from $where"
	elif [ "$plan" != "$run" ]; then
		add "not ok" "$side: $name: TAP plan complete" \
			"$where planned $plan tests and ran $run"
	else
		add ok "$side: $name: TAP plan complete ($run tests)"
	fi
	if [ "$rc" = - ]; then
		add "not ok" "$side: $name: finished" \
			"${why:-$where did not finish (hang or crash); last console line: $(last_kernel_line "$console")}"
	elif [ "$rc" != 0 ]; then
		add "not ok" "$side: $name: script exit status 0" "$where exited with status $rc"
	elif [ -n "$why" ]; then
		# The test finished but the guest did not power off.
		add "not ok" "$side: $name: powered off" "$why"
	else
		add ok "$side: $name: finished"
	fi
	judge_kernel "$side" "$name" "$console"
}

last_kernel_line() {
	tr -d '\r' < "$1" 2>/dev/null | grep -v -e '^$' -e '\] rig-heartbeat: ' | tail -n 1 | cut -c1-200
}

judge_kernel() {
	local side=$1 name=$2 console=$3 bad
	bad=$(tr -d '\r' < "$console" 2>/dev/null |
	      grep -E "\[ *[0-9]+\.[0-9]+\] .*($KERNEL_BAD)" | head -n 5 || true)
	if [ -n "$bad" ]; then
		add "not ok" "$side: $name: kernel log clean" \
			"kernel log of $side ($name) has: $(echo "$bad" | head -n 1 | sed 's/^.*\] //')"
		diags+=("kernel log of $side ($name), first lines (from $console):")
		while IFS= read -r l; do diags+=("  $l"); done <<< "$bad"
	else
		add ok "$side: $name: kernel log clean"
	fi
}

diags=()
# A run again after an emulator fault says so in its results.
[ -n "${RIG_RETRY_OF:-}" ] && diags+=("rig: this is the second run: the first stopped on an emulator fault, $RIG_RETRY_OF")
write_results() {
	local out="$results_dir/$run_name.tap" i=0 r
	mkdir -p "$results_dir"
	{
		echo "1..${#results[@]}"
		for r in "${results[@]}"; do
			i=$((i + 1))
			IFS='	' read -r kind desc why <<< "$r"
			echo "$kind $i - $desc"
			[ -z "$why" ] || echo "# $why"
		done
		for r in ${diags[@]+"${diags[@]}"}; do echo "# $r"; done
	} > "$out.tmp"
	mv "$out.tmp" "$out"
	local pass=0 fail=0
	for r in "${results[@]}"; do
		case "$r" in "ok	"*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
	done
	for r in ${failures[@]+"${failures[@]}"}; do
		printf 'rig: FAIL %s: %s\n' "$run_name" "$r" >&2
	done
	[ "$fail" = 0 ] || log "logs: $logdir"
	echo "$run_name: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# emulator_fault LOGDIR: names a fault of QEMU's multi-threaded TCG that a
# failed run shows, or prints nothing.  Each is a signature no driver under
# test can produce (Documentation/testing.rst, "Emulator faults"):
# - a vCPU idle in HLT whose timer interrupt never came: RCU's grace-period
#   thread "timer wakeup didn't happen" while the CPU it waits on is
#   "idling at" the halt instruction, or, when the kernel does not count
#   that spot as idle, its NMI backtrace shows it at the halt (RIP in
#   [pv_]native_safe_halt): a CPU held by a driver with its interrupts off
#   would be caught running, not halted;
# - the same fault seen from outside, when the console says nothing of it:
#   the watch below found vCPUs halted with interrupts on while the
#   heartbeat showed their timers silent (frozen.txt, rig-vcpus-frozen);
# - an int3 oops: a breakpoint the kernel's own code patching left, seen by
#   another vCPU (cross-modifying code);
# - QEMU itself aborting (an assertion).
lost_timer() {	# lost_timer CONSOLE
	grep -q "kthread timer wakeup didn't happen" "$1" 2>/dev/null &&
		awk '/NMI backtrace for cpu [0-9]+ skipped: idling at/ { f = 1 }
		     /NMI backtrace for cpu [0-9]+\r?$/ { n = NR }
		     n && NR - n <= 8 && /RIP: 0010:(pv_)?native_safe_halt\+/ { f = 1 }
		     END { exit !f }' "$1"
}
# stale_timers CONSOLE: the CPUs (comma-separated) whose count of local
# timer interrupts stood still over the last 30 s of the guest's
# heartbeat lines (tests/rig/init.sh), or nothing.  Each CPU of a live
# guest takes at least the soft-lockup watchdog's timer every 4 s, idle
# or not; a CPU spinning with interrupts off stalls its count too, which
# rig-vcpus-frozen tells apart.
stale_timers() {
	tr -d '\r' < "$1" 2>/dev/null | awk '
		/^\[ *[0-9]+\.[0-9]+\] rig-heartbeat: LOC( [0-9]+)+$/ {
			t = substr($0, 2) + 0
			sub(/.*: LOC /, "")
			for (c = 0; c < split($0, v, " "); c++) {
				if (!(c in n) || n[c] != v[c + 1]) { n[c] = v[c + 1]; since[c] = t }
				stale[c] = (t - since[c] >= 30)
			}
		}
		END { for (c in stale) if (stale[c]) s = s (s == "" ? "" : ",") c; print s }'
}
emulator_fault() {
	local d=$1 c
	if [ -f "$d/frozen.txt" ]; then
		echo "$(head -n 1 "$d/frozen.txt") (frozen.txt)"
		return
	fi
	for c in "$d"/l1-console.log "$d"/l2-console.log; do
		[ -f "$c" ] || continue
		if lost_timer "$c"; then
			echo "a halted vCPU's timer interrupt lost ($(basename "$c"))"
			return
		fi
		if grep -q 'Oops: int3' "$c"; then
			echo "int3 at a patched instruction ($(basename "$c"))"
			return
		fi
	done
	if grep -q 'Assertion .* failed' "$d/l1-qemu.log" 2>/dev/null; then
		echo "QEMU aborted: $(grep -m1 'Assertion' "$d/l1-qemu.log")"
	fi
}

# Judge a finished (or killed) run from its log directory.
judge_run() {
	# shellcheck disable=SC1091
	. "$logdir/run.env"
	local why1= why2=
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		# Which side hung: L1 waits for L2, so an L2 that started and
		# never wrote its exit line is the one to blame.
		if [ "$topology" = nested ] && grep -q '^# vfcb-rig: begin' "$logdir/l2-tap.log" 2>/dev/null &&
		   ! grep -q '^# vfcb-rig: exit' "$logdir/l2-tap.log"; then
			why2="L2 ($l2_name) hung: no result after ${timeout}s, QEMU killed; last console line: $(last_kernel_line "$logdir/l2-console.log")"
			why1="L1 ($l1_name) was still waiting for L2 when killed"
		else
			why1="L1 ($l1_name) hung: no result after ${timeout}s, QEMU killed; last console line: $(last_kernel_line "$logdir/l1-console.log")"
			why2="L1 was killed before L2 ($l2_name) finished"
		fi
	elif [ "$qemu_rc" != 0 ]; then
		why1="QEMU exited with status $qemu_rc: $(tail -n 3 "$logdir/l1-qemu.log" 2>/dev/null | tr '\n' ' ')"
		why2=$why1
	fi
	if [ -f "$logdir/frozen.txt" ]; then
		why1="L1 ($l1_name) frozen, QEMU stopped: $(head -n 1 "$logdir/frozen.txt")"
		why2="L1 was stopped frozen before L2 ($l2_name) finished"
	fi
	judge_side L1 "$l1_name" "$logdir/l1-console.log" "$logdir/l1-tap.log" "$why1"
	if [ "$topology" = nested ]; then
		judge_side L2 "$l2_name" "$logdir/l2-console.log" "$logdir/l2-tap.log" "$why2"
	fi
	write_results
}

# ---- running -------------------------------------------------------------

KARGS="console=ttyS0 loglevel=7 panic=-1 sysctl.kernel.hung_task_timeout_secs=30"
# Nested only: page table isolation in L1 flushes QEMU's soft TLB on every
# kernel entry; mitigations=off on both sides cut L2's boot (TCG in TCG) to
# /init from about 400 to about 260 (L2) seconds; the drivers under test
# don't depend on it.
NESTED_KARGS="mitigations=off"
# L2's console costs about 1.7 ms per character under nested KVM (each UART
# access is an exit from L2 through L1's emulated SVM to L2's QEMU, which
# writes it to L1's ttyS2): flushing the early printk buffer alone took
# 17.5 s.  loglevel=5 keeps KERN_WARNING and worse (WARNING:, BUG:, Oops,
# lockdep, RCU stalls, hung tasks...: everything judge_kernel looks for)
# and the rig's own start/end lines; the rest stays in L2's dmesg.
L2_KARGS="$NESTED_KARGS loglevel=5"

rig_args=("$@")		# for a run again after an emulator fault
topology=${1:-}
[ $# -gt 0 ] && shift
case "$topology" in
host|nested) ;;
check)
	[ $# = 1 ] || usage
	logdir=$(cd "$1" && pwd)
	results_dir=${RIG_RESULTS_DIR:-$top/build/results}
	run_name=$(basename "$logdir")
	judge_run && exit 0 || exit 1 ;;
-h|--help|"") usage ;;
*) die "unknown topology '$topology' (host, nested, check)" ;;
esac

l1_test= l2_test= run_name= timeout= l2_timeout= mem= smp=2 l2_mem=128
append= l2_append= l2_kver= verbose=0
results_dir=${RIG_RESULTS_DIR:-$top/build/results}
l1_files=() l2_files=() mods=() l1_mods=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) KVER=$2; shift 2 ;;
	--l2-kver) l2_kver=$2; shift 2 ;;
	--test|--l1-test) l1_test=$2; shift 2 ;;
	--l2-test) l2_test=$2; shift 2 ;;
	--file) l1_files+=(--file "$2"); shift 2 ;;
	--l2-file) l2_files+=(--file "$2"); shift 2 ;;
	--module) mods+=(--module "$2"); shift 2 ;;
	--name) run_name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--l2-timeout) l2_timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--l2-mem) l2_mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--l2-append) l2_append=$2; shift 2 ;;
	--results-dir) results_dir=$2; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ -n "$l1_test" ] || die "$topology: --test (or --l1-test) SCRIPT is required"
[ -f "$l1_test" ] || die "test script $l1_test not found"
if [ "$topology" = nested ]; then
	[ -n "$l2_test" ] || die "nested: --l2-test SCRIPT is required"
	[ -f "$l2_test" ] || die "test script $l2_test not found"
fi
load_kernels
l1_kver=$KVER
if [ -n "$l2_kver" ]; then KVER=$l2_kver; load_kernels; l2_kver=$KVER; KVER=$l1_kver; fi
: "${l2_kver:=$l1_kver}"
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || die "$QEMU not found (run scripts/setup.sh)"

l1_name=$(basename "$l1_test")
l2_name=$(basename "${l2_test:-none}")
kseries=$(echo "$l1_kver" | cut -d. -f1,2)
: "${run_name:=$topology-$(basename "$l1_test" .sh)-$kseries}"
if [ "$topology" = nested ]; then
	# L2 under KVM: a baseline run takes 40-120 s depending on load;
	# TCG inside TCG (RIG_L2_ACCEL=tcg) about 640 s.
	case "${RIG_L2_ACCEL:-kvm}" in
	kvm) : "${timeout:=360}" ;;
	*)   : "${timeout:=900}" ;;
	esac
	: "${mem:=2048}"
else
	: "${timeout:=180}" "${mem:=1024}"
fi
: "${l2_timeout:=$((timeout > 120 ? timeout - 60 : timeout * 2 / 3))}"

logdir=$top/build/rig/logs/$run_name
rm -rf "$logdir"
mkdir -p "$logdir"
results_dir=$(mkdir -p "$results_dir" && cd "$results_dir" && pwd)
# A stale result must not survive a run that dies before judging.
rm -f "$results_dir/$run_name.tap"

trace_args() {	# trace_args PATTERN[,PATTERN...] FILE
	local p
	[ -n "$1" ] || return 0
	for p in $(echo "$1" | tr ',' ' '); do
		echo "-trace enable=$p"
	done
	echo "-trace file=$2"
}

# L2 first: its image and kernel must exist before L1 boots.  They go to
# the run's own share ("rigout", /tmp/out in L1's chroot), not through the
# 9p share of /: run_l2 mounts a tmpfs on the chroot's /tmp, which would
# hide them whenever the tree itself lives under /tmp.
l2_env=()
if [ "$topology" = nested ]; then
	mkdir -p "$logdir/l2share"
	"$top/scripts/mkinitramfs.sh" --kver "$l2_kver" --role l2 --test "$l2_test" \
		--out "$logdir/l2share/l2.cpio.gz" ${l2_files[@]+"${l2_files[@]}"} ${mods[@]+"${mods[@]}"}
	cp "$RIG_DIR/kernels/$l2_kver/vmlinuz" "$logdir/l2share/vmlinuz"
	l2_trace=${QEMU_TRACE_L2:-${QEMU_TRACE:-}}
	# Inside L1 the writable share "rigout" is mounted at /tmp/out of
	# the chroot, which is where L2's QEMU trace goes.
	# Measured on the 2-core machine, baseline test, 6.12 (see
	# Documentation/testing.rst, Timings), whole nested run 640 s -> ~40 s:
	# - -accel kvm: L1's -cpu max under TCG is an AMD CPU with SVM and
	#   nested paging, so kvm_amd loads in L1 and L2 runs under KVM on the
	#   emulated SVM: one level of translation instead of TCG inside TCG.
	#   L2 to /init: ~360 s -> ~45 s (L2 clock), run 640 s -> 120 s.
	#   RIG_L2_ACCEL=tcg gives the old TCG-in-TCG L2 back.
	# - qboot instead of SeaBIOS (no PCI/option-ROM set-up through
	#   nested exits): L2 kernel to /init 27 -> 17 s, run_l2 74 -> 55 s.
	# - -m 128 (was 256): vfio pins and maps all of L2's RAM through L1's
	#   emulated VT-d before L2 starts: run_l2 30 -> 24 s.
	# - -M pc (was q35): config space through CF8/CFC instead of
	#   emulated MMCONFIG; pci_subsys_init 3 s -> gone, L2 to /init
	#   12.3 -> 8.0 s.  RIG_L2_MACHINE=q35 for a PCIe topology in L2.
	l2_accel=${RIG_L2_ACCEL:-kvm}
	l2_bios=
	[ -f /usr/share/qemu/qboot.rom ] && l2_bios="-bios /usr/share/qemu/qboot.rom"
	l2_qemu="-M ${RIG_L2_MACHINE:-pc} -accel $l2_accel -cpu ${RIG_L2_CPU:-max} -smp 1 -m $l2_mem
		-nodefaults -no-user-config -display none -no-reboot $l2_bios ${RIG_L2_QEMU_EXTRA:-}
		$(trace_args "$l2_trace" /tmp/out/l2-qemu-trace.log)"
	# kvm_amd (and kvm) go into L1's image only.
	[ "$l2_accel" = kvm ] && l1_mods=(--module kvm_amd)
	l2_env=(--env "L2_KERNEL=/tmp/out/vmlinuz"
		--env "L2_INITRD=/tmp/out/l2.cpio.gz"
		--env "L2_APPEND=$KARGS $L2_KARGS $l2_append"
		--env "L2_TIMEOUT=$l2_timeout"
		--env "L2_QEMU_ARGS=$(echo $l2_qemu)")
fi
"$top/scripts/mkinitramfs.sh" --kver "$l1_kver" --role l1 --test "$l1_test" \
	--out "$logdir/l1.cpio.gz" ${l1_files[@]+"${l1_files[@]}"} ${mods[@]+"${mods[@]}"} \
	${l1_mods[@]+"${l1_mods[@]}"} \
	${l2_env[@]+"${l2_env[@]}"}

cmd=("$QEMU" -M q35 -accel "tcg,thread=${RIG_TCG_THREAD:-multi}" -cpu "${RIG_CPU:-max}" -smp "$smp" -m "$mem"
     -nodefaults -no-user-config -display none -no-reboot)
kargs="$KARGS"
if [ "$topology" = nested ]; then
	# The vIOMMU must be created before any other PCI device.
	cmd+=(-device intel-iommu,intremap=on,caching-mode=on)
	kargs="$kargs intel_iommu=on $NESTED_KARGS"
fi
# The root port's link as the 82576's own (2.5 GT/s x4), not QEMU's
# default 16 GT/s x32: above 5 GT/s the kernel waits after a secondary bus
# reset for the port's Data Link Layer Link Active bit, which QEMU's root
# port left clear (Link Status 0x0011), and AER's recovery of a fatal
# error failed ("Data Link Layer Link Active not set in 100 msec").  At
# 2.5 GT/s it waits for the device's config space instead (host.sh, "AER").
cmd+=(-device pcie-root-port,id=rp0,chassis=1,x-speed=2_5,x-width=4
      -device igb,netdev=n0,bus=rp0 -netdev user,id=n0,restrict=on
      -kernel "$RIG_DIR/kernels/$l1_kver/vmlinuz" -initrd "$logdir/l1.cpio.gz"
      -append "$kargs $append"
      -serial "file:$logdir/l1-console.log" -serial "file:$logdir/l1-tap.log")
# The monitor, for the watch below.  A socket's path has at most 107
# bytes; a deep log directory gets one in /tmp.
mon=$logdir/monitor.sock
[ ${#mon} -lt 100 ] || mon=$(mktemp -u /tmp/vfcb-rig-monitor.XXXXXX)
cmd+=(-monitor "unix:$mon,server=on,wait=off")
touch "$logdir/l1-console.log" "$logdir/l1-tap.log"
if [ "$topology" = nested ]; then
	touch "$logdir/l2-console.log" "$logdir/l2-tap.log"
	cmd+=(-serial "file:$logdir/l2-console.log" -serial "file:$logdir/l2-tap.log"
	      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	      -virtfs "local,path=$logdir/l2share,mount_tag=rigout,security_model=none,multidevs=remap")
fi
# shellcheck disable=SC2207
[ -n "${QEMU_TRACE:-}" ] && cmd+=($(trace_args "$QEMU_TRACE" "$logdir/l1-qemu-trace.log"))

printf '%q ' "${cmd[@]}" > "$logdir/l1-qemu.cmd"
echo >> "$logdir/l1-qemu.cmd"
log "$run_name: booting L1 ($l1_kver${l2_test:+, L2 $l2_kver}), timeout ${timeout}s, logs in ${logdir#$top/}"

tailpid=
if [ "$verbose" = 1 ]; then
	tail -n +1 -F "$logdir"/l*-console.log "$logdir"/l*-tap.log 2>/dev/null &
	tailpid=$!
fi
start=$(date +%s)
qemu_rc=0
# -k: a QEMU that ignores SIGTERM (stuck in a TCG loop) still dies.
timeout -k 10 "$timeout" "${cmd[@]}" < /dev/null > "$logdir/l1-qemu.log" 2>&1 &
qemu_pid=$!
# A vCPU whose timer interrupt QEMU lost does not wake again (seen asleep
# for more than 15 minutes): stop such a run when its console shows it,
# not at its timeout, since it is run again (emulator_fault()).  When
# every vCPU lost it, nothing is printed at all: a console silent for
# RIG_SILENT_S (45 s: four heartbeats missed), or a heartbeat whose timer
# count stood still, has the monitor asked whether those vCPUs wait in
# HLT (rig-vcpus-frozen); that is then stopped too, on a rerun as well,
# as it can only end at the timeout.
silent_s=${RIG_SILENT_S:-45}
# A guest asleep in S3 well past the wake alarm a test set before "echo
# mem" (tests/integration/s3.sh: 3 s ahead) missed it: the alarm fired
# while the kernel was still on its way down, guest stalled on a busy
# host, and nothing else will wake it: the run hangs to its timeout (a
# CI run's results matched that, Documentation/testing.rst, "A real
# suspend to RAM").  After RIG_S3_WAKE_S of sleep the rig wakes it through
# QEMU's monitor, as any wake event would, and says so in the results.
s3_wake_s=${RIG_S3_WAKE_S:-10}
woken_size=
con_size=0 con_since=$start next_ask=$start
while kill -0 "$qemu_pid" 2>/dev/null; do
	sleep 1
	if [ "${RIG_EMULATOR_RETRY:-1}" = 1 ] && [ -z "${RIG_RETRY_OF:-}" ] &&
	   { lost_timer "$logdir/l1-console.log" || lost_timer "$logdir/l2-console.log"; }; then
		log "$run_name: a halted vCPU's timer interrupt was lost: stopping QEMU"
		kill -TERM "$qemu_pid" 2>/dev/null || true
		break
	fi
	now=$(date +%s)
	size=$(stat -c %s "$logdir/l1-console.log" 2>/dev/null || echo 0)
	[ "$size" = "$con_size" ] || con_size=$size con_since=$now
	if [ $((now - con_since)) -ge "$s3_wake_s" ] && [ "$con_size" != "$woken_size" ] &&
	   last_kernel_line "$logdir/l1-console.log" | grep -q 'Suspending console' &&
	   "$top/scripts/qemu_monitor.py" "$mon" "info status" 2>/dev/null | grep -q '(suspended)'; then
		"$top/scripts/qemu_monitor.py" "$mon" system_wakeup > /dev/null 2>&1 || true
		woken_size=$con_size
		why="L1 asleep in S3 for $((now - con_since)) s, past its wake alarm: woken through QEMU's monitor (system_wakeup)"
		log "$run_name: $why"
		diags+=("rig: $why")
	fi
	[ "$now" -ge "$next_ask" ] || continue
	why= cpus=$(stale_timers "$logdir/l1-console.log")
	if [ -n "$cpus" ]; then
		why="vCPU $cpus: no timer interrupt for 30 s (heartbeat)"
	elif [ $((now - con_since)) -ge "$silent_s" ] &&
	     grep -q 'rig-heartbeat: ' "$logdir/l1-console.log"; then
		cpus=all why="console silent for $((now - con_since)) s, heartbeat missed"
	fi
	[ -n "$why" ] || continue
	if said=$("$top/scripts/rig-vcpus-frozen" "$mon" "$cpus" "$logdir/frozen.txt" "$why"); then
		log "$run_name: $(head -n 1 "$logdir/frozen.txt"): stopping QEMU"
		kill -TERM "$qemu_pid" 2>/dev/null || true
		break
	fi
	log "$run_name: $why; $said"
	next_ask=$((now + silent_s))
done
wait "$qemu_pid" || qemu_rc=$?
[ "$mon" = "$logdir/monitor.sock" ] || rm -f "$mon"
elapsed=$(($(date +%s) - start))
[ -n "$tailpid" ] && kill "$tailpid" 2>/dev/null
log "$run_name: QEMU exited ($qemu_rc) after ${elapsed}s"

# What `rig.sh check` needs to judge the logs again later.
for v in topology run_name l1_name l2_name timeout qemu_rc elapsed; do
	printf '%s=%q\n' "$v" "${!v}"
done > "$logdir/run.env"
judge_run && exit 0
# An emulator fault is QEMU's, not a test result: run once more, keeping
# the first run's logs beside (RIG_EMULATOR_RETRY=0: fail at once).
fault=$(emulator_fault "$logdir")
if [ -n "$fault" ] && [ "${RIG_EMULATOR_RETRY:-1}" = 1 ] && [ -z "${RIG_RETRY_OF:-}" ]; then
	rm -rf "$logdir.emulator-fault"
	mv "$logdir" "$logdir.emulator-fault"
	mv "$results_dir/$run_name.tap" "$logdir.emulator-fault/results.tap"
	log "$run_name: emulator fault, $fault: running again once (first run's logs: ${logdir#$top/}.emulator-fault)"
	RIG_RETRY_OF="$fault; its logs: ${logdir#$top/}.emulator-fault" exec "$top/scripts/rig.sh" "${rig_args[@]}"
fi
exit 1
