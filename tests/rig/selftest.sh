#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test of the rig itself: run deliberately broken guest tests and check that
# scripts/rig.sh fails them, naming the side and the test.  Also judges
# canned L2 logs with `rig.sh check` (a real nested boot would take minutes)
# and checks scripts/summary.sh.
#
#   tests/rig/selftest.sh [--kver VER]
#
# Writes its own TAP to build/results/rig-selftest.tap; the inner runs write
# theirs to build/rig/selftest/results so that their intended failures don't
# count in `scripts/summary.sh`.

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/lib.sh"

kver=${KVER:-6.12}
[ "${1:-}" = --kver ] && kver=${2:?usage: selftest.sh [--kver VER]}
sdir=$top/tests/rig/selftest
work=$top/build/rig/selftest
rm -rf "$work"
mkdir -p "$work/results"
export RIG_RESULTS_DIR=$work/results
results=$top/build/results
mkdir -p "$results"
tapfile=$results/rig-selftest.tap
: > "$tapfile.tmp"

n=0 failed=0
t_ok()     { n=$((n + 1)); echo "ok $n - $*" | tee -a "$tapfile.tmp"; }
t_not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*" | tee -a "$tapfile.tmp"; }
t_diag()   { sed 's/^/# /' | tee -a "$tapfile.tmp"; }

# expect DESC WANT_RC CASE-OUTPUT-FILE RC PATTERN...: RC must be WANT_RC and
# the output must match every extended regex.
expect() {
	local desc=$1 want=$2 out=$3 rc=$4 p bad=
	shift 4
	[ "$rc" = "$want" ] || bad="exit status $rc, want $want"
	for p in "$@"; do
		grep -Eq -- "$p" "$out" || bad="${bad:+$bad; }no line matching /$p/"
	done
	if [ -z "$bad" ]; then
		t_ok "$desc"
	else
		t_not_ok "$desc"
		{ echo "$bad"; echo "runner output:"; cat "$out"; } | t_diag
	fi
}

# guest_case NAME TIMEOUT [rig.sh args]: one host-topology run.
guest_case() {
	local name=$1 timeout=$2
	shift 2
	local out=$work/$name.out rc=0
	"$top/scripts/rig.sh" host --kver "$kver" --name "selftest-$name" \
		--timeout "$timeout" --test "$sdir/$name.sh" "$@" > "$out" 2>&1 || rc=$?
	echo "$rc"
}

start=$(date +%s)
echo payload > "$work/extra.txt"

out=$work/pass.out
rc=$(guest_case pass 120 --file "$work/extra.txt")
expect "passing guest test: runner succeeds" 0 "$out" "$rc" \
	'^selftest-pass: 6 passed, 0 failed$'
grep -q '^ok .* - L1: a skipped test # SKIP' "$RIG_RESULTS_DIR/selftest-pass.tap" &&
	t_ok "SKIP directive kept in the run's TAP" || t_not_ok "SKIP directive kept in the run's TAP"

out=$work/fail-assert.out
rc=$(guest_case fail-assert 120)
expect "failing assertion: runner fails, names side, test and assertion" 1 "$out" "$rc" \
	'FAIL selftest-fail-assert: L1: one equals two: failed in L1 \(fail-assert\.sh\)' \
	'^selftest-fail-assert: [0-9]+ passed, 1 failed$'

# Asked after 20 s of silence, the monitor would find this idle guest's
# vCPUs in HLT: only the heartbeat keeps it from being called frozen.
out=$work/hang.out
rc=$(RIG_SILENT_S=20 guest_case hang 40)
expect "hanging guest: runner times out and says L1 hung" 1 "$out" "$rc" \
	'FAIL selftest-hang: .*L1 \(hang\.sh\) hung: no result after 40s'
grep -Eq '\] rig-heartbeat: LOC [0-9]+ [0-9]+.$' "$top/build/rig/logs/selftest-hang/l1-console.log" &&
   ! grep -q 'frozen\|stopping QEMU' "$out" &&
	t_ok "a live guest's heartbeat (each CPU's timer count) keeps it from being called frozen" ||
	t_not_ok "a live guest's heartbeat (each CPU's timer count) keeps it from being called frozen"

# A real guest frozen as a lost timer interrupt leaves it: every vCPU
# waiting in HLT with interrupts on, and never woken.  The monitor's
# "stop" (taken when it finds them so) stands in for the lost interrupt.
out=$work/idle.out rc=0
d=$top/build/rig/logs/selftest-idle
# A previous run's console must not pass for this one's heartbeat.
rm -rf "$d"
RIG_SILENT_S=20 RIG_EMULATOR_RETRY=0 "$top/scripts/rig.sh" host --kver "$kver" \
	--name selftest-idle --timeout 120 --test "$sdir/idle.sh" > "$out" 2>&1 &
rig_pid=$!
# Whatever happens below, the runner does not outlive the selftest (its
# QEMU ends at the 120 s timeout at the latest).
trap 'kill $rig_pid 2>/dev/null' EXIT
for _ in $(seq 90); do
	grep -q 'rig-heartbeat: ' "$d/l1-console.log" 2>/dev/null && break
	sleep 1
done
for _ in $(seq 50); do
	"$top/scripts/qemu_monitor.py" "$d/monitor.sock" stop "info registers -a" > "$work/idle.regs" 2>&1 || true
	[ "$(grep -c 'HLT=1' "$work/idle.regs")" = 2 ] && break
	"$top/scripts/qemu_monitor.py" "$d/monitor.sock" cont > /dev/null 2>&1 || true
	sleep 0.2
done
wait $rig_pid || rc=$?
trap - EXIT
expect "a real guest whose vCPUs wait in HLT, never woken: QEMU stopped, the run fails as frozen" 1 "$out" "$rc" \
	'console silent for [0-9]+ s, heartbeat missed; vCPU 0,1 halted with interrupts on in 6 samples over 2\.5 s: stopping QEMU' \
	'L1 \(idle\.sh\) frozen, QEMU stopped'
waiting=0
for r in $(sed -n 's/^RIP=.* RFL=\([0-9a-f]*\) .* HLT=1$/\1/p' "$d/frozen.txt" 2>/dev/null); do
	[ $((0x$r & 0x200)) = 0 ] || waiting=$((waiting + 1))
done
[ "$waiting" = 2 ] && grep -q '^== cpu 1: info lapic' "$d/frozen.txt" &&
	t_ok "frozen.txt has QEMU's own registers (both vCPUs HLT=1, IF set) and local APICs" ||
	t_not_ok "frozen.txt has QEMU's own registers (both vCPUs HLT=1, IF set) and local APICs"

out=$work/kwarn.out
rc=$(guest_case kwarn 120)
expect "kernel WARNING: runner fails on the kernel log, names side and test" 1 "$out" "$rc" \
	'FAIL selftest-kwarn: L1: kwarn\.sh: kernel log clean: kernel log of L1 \(kwarn\.sh\) has: WARNING: CPU: 0' \
	'^selftest-kwarn: [0-9]+ passed, 1 failed$'

out=$work/crash.out
rc=$(guest_case crash 120)
expect "crashing test: runner reports missing plan and exit status" 1 "$out" "$rc" \
	'L1: crash\.sh: TAP plan present: no 1\.\.N plan from L1 \(crash\.sh\)' \
	'L1 \(crash\.sh\) exited with status 3'

# ---- emulator faults: run once more, and only for those ----------------

# fake_qemu_case NAME MODE [TIMEOUT]: a host run whose QEMU is tests/rig/
# selftest/fake-qemu.sh; prints the runner's exit status, then the QEMU
# calls.  A console silent for 3 s counts as missed heartbeats.
fake_qemu_case() {
	local name=$1 rc=0
	rm -f "$work/$name.count"
	QEMU=$sdir/fake-qemu.sh FAKE_QEMU_MODE=$2 FAKE_QEMU_COUNT=$work/$name.count RIG_SILENT_S=3 \
		"$top/scripts/rig.sh" host --kver "$kver" --name "selftest-$name" \
		--timeout "${3:-30}" --test "$sdir/pass.sh" > "$work/$name.out" 2>&1 || rc=$?
	echo "$rc $(cat "$work/$name.count" 2>/dev/null || echo 0)"
}

read -r rc calls < <(fake_qemu_case emufault timer)
expect "a lost timer interrupt (QEMU's): QEMU stopped at once, the run goes again once and passes" 0 \
	"$work/emufault.out" "$rc" \
	"timer interrupt was lost: stopping QEMU" 'QEMU exited \(143\) after [0-9]s$' \
	"emulator fault, a halted vCPU's timer interrupt lost \\(l1-console\\.log\\): running again once" \
	'^selftest-emufault: [0-9]+ passed, [1-9][0-9]* failed$' '^selftest-emufault: [0-9]+ passed, 0 failed$'
[ "$calls" = 2 ] && grep -q '^# rig: this is the second run' "$RIG_RESULTS_DIR/selftest-emufault.tap" &&
   grep -q '^not ok' "$top/build/rig/logs/selftest-emufault.emulator-fault/results.tap" &&
	t_ok "the second run's TAP says so; the first run's results and logs are kept" ||
	t_not_ok "the second run's TAP says so; the first run's results and logs are kept ($calls QEMU calls)"

read -r rc calls < <(fake_qemu_case emufault-bt timerbt)
expect "a lost timer interrupt shown by the halted vCPU's backtrace: the same" 0 \
	"$work/emufault-bt.out" "$rc" \
	"timer interrupt was lost: stopping QEMU" 'QEMU exited \(143\) after [0-9]s$' \
	"emulator fault, a halted vCPU's timer interrupt lost \\(l1-console\\.log\\): running again once" \
	'^selftest-emufault-bt: [0-9]+ passed, 0 failed$'
[ "$calls" = 2 ] && t_ok "run twice ($calls QEMU calls)" || t_not_ok "run twice ($calls QEMU calls)"

read -r rc calls < <(fake_qemu_case frozen frozen)
expect "every vCPU asleep, nothing printed: the monitor finds them halted, QEMU stopped, the run goes again once" 0 \
	"$work/frozen.out" "$rc" \
	'console silent for [0-9]+ s, heartbeat missed; vCPU 0,1 halted with interrupts on in 6 samples over 2\.5 s: stopping QEMU' \
	'QEMU exited \(143\) after [0-9]+s$' \
	'emulator fault, console silent .*\(frozen\.txt\): running again once' \
	'^selftest-frozen: [0-9]+ passed, 0 failed$'
[ "$calls" = 2 ] && grep -q '^RIP=.*HLT=1' "$top/build/rig/logs/selftest-frozen.emulator-fault/frozen.txt" &&
   grep -q '^== cpu 1: info lapic' "$top/build/rig/logs/selftest-frozen.emulator-fault/frozen.txt" &&
   grep -q 'L1 (pass.sh) frozen, QEMU stopped' "$top/build/rig/logs/selftest-frozen.emulator-fault/results.tap" &&
	t_ok "frozen.txt keeps every vCPU's registers and local APIC; the first run's results say frozen ($calls QEMU calls)" ||
	t_not_ok "frozen.txt keeps every vCPU's registers and local APIC; the first run's results say frozen ($calls QEMU calls)"

read -r rc calls < <(fake_qemu_case stale stale)
expect "one vCPU's timer count still over 30 s of heartbeats: that vCPU found asleep, the run goes again once" 0 \
	"$work/stale.out" "$rc" \
	'vCPU 1: no timer interrupt for 30 s \(heartbeat\); vCPU 1 halted with interrupts on' \
	'^selftest-stale: [0-9]+ passed, 0 failed$'
[ "$calls" = 2 ] && t_ok "run twice ($calls QEMU calls)" || t_not_ok "run twice ($calls QEMU calls)"

read -r rc calls < <(fake_qemu_case clihlt clihlt 12)
expect "silent, vCPUs halted with interrupts off (a panic's, a driver's): not stopped early, not run again" 1 \
	"$work/clihlt.out" "$rc" \
	'console silent for [0-9]+ s, heartbeat missed; vCPU 0 halted with interrupts off \(sample 1 of 6\): not frozen' \
	'L1 \(pass\.sh\) hung: no result after 12s'
[ "$calls" = 1 ] && ! grep -q 'emulator fault\|stopping QEMU' "$work/clihlt.out" &&
	t_ok "run once ($calls QEMU call)" || t_not_ok "run once ($calls QEMU calls)"

read -r rc calls < <(RIG_S3_WAKE_S=2 fake_qemu_case s3wake s3)
expect "a guest asleep in S3 past its wake alarm: the rig wakes it through the monitor, the run passes" 0 \
	"$work/s3wake.out" "$rc" \
	"L1 asleep in S3 for [0-9]+ s, past its wake alarm: woken through QEMU's monitor \\(system_wakeup\\)" \
	'^selftest-s3wake: [0-9]+ passed, 0 failed$'
[ "$calls" = 1 ] && grep -q "^# rig: L1 asleep in S3 for [0-9]* s, past its wake alarm" "$RIG_RESULTS_DIR/selftest-s3wake.tap" &&
	t_ok "the wake is named in the run's TAP; the run is not repeated ($calls QEMU call)" ||
	t_not_ok "the wake is named in the run's TAP; the run is not repeated ($calls QEMU calls)"

read -r rc calls < <(fake_qemu_case kwarn-once warn)
expect "a kernel WARNING is not the emulator's: no second run" 1 \
	"$work/kwarn-once.out" "$rc" 'kernel log clean'
[ "$calls" = 1 ] && ! grep -q 'emulator fault' "$work/kwarn-once.out" &&
	t_ok "a driver's failure is run once ($calls QEMU call)" ||
	t_not_ok "a driver's failure is run once ($calls QEMU calls)"

# ---- canned nested logs, judged by `rig.sh check` ----------------------

# fake_nested NAME QEMU_RC: a log directory as a nested run leaves it.
fake_nested() {
	local d=$work/logs/$1
	mkdir -p "$d"
	printf '%s\n' topology=nested "run_name=$1" l1_name=l1.sh l2_name=l2.sh \
		timeout=400 "qemu_rc=$2" elapsed=1 > "$d/run.env"
	printf '%s\n' '# vfcb-rig: begin L1 l1.sh' 'ok 1 - L1 fine' '1..1' \
		'# vfcb-rig: exit 0' > "$d/l1-tap.log"
	echo '[    1.000000] Linux version 6.12' > "$d/l1-console.log"
	echo '[    1.000000] Linux version 6.12' > "$d/l2-console.log"
	echo "$d"
}

d=$(fake_nested selftest-l2-fail 0)
printf '%s\n' '# vfcb-rig: begin L2 l2.sh' 'ok 1 - igbvf loads' 'not ok 2 - igbvf handshake' \
	'1..2' '# vfcb-rig: exit 0' > "$d/l2-tap.log"
echo '[   40.000000] BUG: unable to handle page fault for address: 0000000000000008' >> "$d/l2-console.log"
out=$work/l2-fail.out rc=0
"$top/scripts/rig.sh" check "$d" > "$out" 2>&1 || rc=$?
expect "L2 failure and L2 kernel BUG are attributed to L2 and its test" 1 "$out" "$rc" \
	'FAIL selftest-l2-fail: L2: igbvf handshake: failed in L2 \(l2\.sh\)' \
	'kernel log of L2 \(l2\.sh\) has: BUG: unable to handle'
if grep -q '^not ok .* - L1:' "$RIG_RESULTS_DIR/selftest-l2-fail.tap"; then
	t_not_ok "an L2-only failure leaves L1's results passing"
else
	t_ok "an L2-only failure leaves L1's results passing"
fi
grep -q '^ok [0-9]* - L2: igbvf loads$' "$RIG_RESULTS_DIR/selftest-l2-fail.tap" &&
	t_ok "L2 results are prefixed 'L2:' in the run's TAP" ||
	t_not_ok "L2 results are prefixed 'L2:' in the run's TAP"

d=$(fake_nested selftest-l2-hang 124)
printf '%s\n' '# vfcb-rig: begin L1 l1.sh' 'ok 1 - L1 fine' > "$d/l1-tap.log"
printf '%s\n' '# vfcb-rig: begin L2 l2.sh' '1..3' 'ok 1 - igbvf loads' > "$d/l2-tap.log"
out=$work/l2-hang.out rc=0
"$top/scripts/rig.sh" check "$d" > "$out" 2>&1 || rc=$?
expect "a run killed while L2 was running blames L2" 1 "$out" "$rc" \
	'L2 \(l2\.sh\) hung: no result after 400s' \
	'L2 \(l2\.sh\) planned 3 tests and ran 1'

d=$(fake_nested selftest-l2-never 0)
: > "$d/l2-tap.log"
out=$work/l2-never.out rc=0
"$top/scripts/rig.sh" check "$d" > "$out" 2>&1 || rc=$?
expect "an L2 that never started is a failure" 1 "$out" "$rc" 'L2: l2\.sh: started'

# ---- summary.sh ---------------------------------------------------------

s=$work/summary
mkdir -p "$s/good" "$s/bad"
printf '%s\n' 1..3 'ok 1 - a' 'ok 2 - b # SKIP no' 'not ok 3 - c # TODO later' > "$s/good/a.tap"
printf '%s\n' 'ok 1 - d' 1..1 > "$s/good/b.tap"
rc=0; line=$("$top/scripts/summary.sh" "$s/good" 2>/dev/null) || rc=$?
[ "$line" = "2 passed, 0 failed, 2 skipped" ] && [ $rc = 0 ] &&
	t_ok "summary.sh counts passed/skipped (got '$line')" ||
	t_not_ok "summary.sh counts passed/skipped (got '$line', rc $rc)"
printf '%s\n' 1..3 'ok 1 - a' 'not ok 2 - b' > "$s/bad/c.tap"
rc=0; line=$("$top/scripts/summary.sh" "$s/bad" 2>"$s/err") || rc=$?
[ "$line" = "1 passed, 1 failed, 0 skipped" ] && [ $rc != 0 ] && grep -q 'c.tap is incomplete' "$s/err" &&
	t_ok "summary.sh fails on failures and a plan mismatch" ||
	t_not_ok "summary.sh fails on failures and a plan mismatch (got '$line', rc $rc)"

echo "1..$n" >> "$tapfile.tmp"
mv "$tapfile.tmp" "$tapfile"
echo "1..$n"
echo "rig-selftest: $((n - failed)) passed, $failed failed ($(($(date +%s) - start))s)"
[ "$failed" = 0 ]
