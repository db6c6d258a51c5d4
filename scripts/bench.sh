#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vfcb's benchmark (`make bench`): boots the rig, measures, prints tables.
# A benchmark, not a test: it reports numbers and fails only when it could
# not measure (a module that does not load, a guest that hangs).
# The host run measures the in-tree igbvf's set-MAC, vfcb's own drivers,
# and, when scripts/build-igb.sh builds them, the igb form (igb and igbvf
# patched to carry vfcb) with its own set-MAC in the same boot.
#
#   scripts/bench.sh [--nested] [--doc] [--kver VER]
#
#   --nested   also the nested topology: vfcb through vfio-pci in L2
#              (slow: L2 boots in minutes under TCG); NESTED=1 does the same
#   --doc      write the results into Documentation/performance.rst (between
#              its "bench-results" markers); DOC=1 does the same
#   --kver     guest kernel (default: KVER, the newest 6.12)
#
# Iterations: BENCH_N (single-VF operations, default 2000), BENCH_MT_N (per
# VF with all seven busy, 1000), BENCH_INVAL_N (500), BENCH_L2_N (200).
# Raw lines and tables: build/bench/.  One QEMU at a time on a small
# machine: the script waits up to BENCH_WAIT seconds (default 900) for other
# QEMUs to finish, and records the load it ran under.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 2
load_kernels

nested=${NESTED:-0} doc=${DOC:-0} kver=$KVER
# The command line, for the record.
if [ -n "${MAKELEVEL:-}" ]; then
	cmdline="make bench"
	[ "$nested" = 1 ] && cmdline="$cmdline NESTED=1"
	[ "$doc" = 1 ] && cmdline="$cmdline DOC=1"
else
	cmdline="scripts/bench.sh${*:+ $*}"
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--nested) nested=1; shift ;;
	--doc) doc=1; shift ;;
	--kver) kver=$2; shift 2 ;;
	*) die "unknown option $1 (see the head of $0)" ;;
	esac
done
case "$kver" in 6.1|6.12) eval "kver=\${KVER_${kver//./_}}" ;; esac

N=${BENCH_N:-2000} MT_N=${BENCH_MT_N:-1000} INV_N=${BENCH_INVAL_N:-500} L2_N=${BENCH_L2_N:-200}
out=$top/build/bench
mkdir -p "$out"
series=${kver%%.*}.$(echo "$kver" | cut -d. -f2 | cut -d- -f1)

# ---- build ------------------------------------------------------------------

scripts/build-modules.sh "$kver" >/dev/null || die "modules do not build for $kver"
make -s -C tools >/dev/null || die "vfcbctl does not build"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
	tests/bench/vfcb_bench.c -o "$out/vfcb_bench" || die "vfcb_bench does not build"
ko=build/kvers/$kver/ko
# The igb form (igb and igbvf patched to carry vfcb): measured in the same
# boot when they build; the other rows do not depend on it.
igb_files=()
if scripts/build-igb.sh "$kver" >/dev/null 2>"$out/build-igb.log"; then
	igb_files=(--file "$ko/igb.ko" --file "$ko/igbvf.ko")
else
	log "the patched igb/igbvf do not build for $kver (see $out/build-igb.log): no igb-form rows"
fi

# ---- run ----------------------------------------------------------------------

other_qemus() { pgrep -x qemu-system-x86 >/dev/null; }
wait_quiet() {
	local t=${BENCH_WAIT:-900}
	while other_qemus && [ "$t" -gt 0 ]; do
		[ "$t" = "${BENCH_WAIT:-900}" ] && log "waiting for other QEMUs to finish (up to ${t}s)"
		sleep 5; t=$((t - 5))
	done
	other_qemus && log "other QEMUs still running: numbers may be disturbed"
	return 0
}
# busy_note: what else ran, for the record.
busy_note() {
	echo "load $(cut -d' ' -f1-3 /proc/loadavg), other QEMUs running: $(pgrep -xc qemu-system-x86 || true)"
}

raw=$out/bench-raw.txt
: > "$raw"
rc=0

wait_quiet
host_note_before=$(busy_note)
log "host topology ($kver): baseline igb/igbvf, then vfcb${igb_files[*]:+, then the igb form}"
scripts/rig.sh host --kver "$kver" --test tests/bench/bench-host.sh \
	--name "bench-host-$series" --results-dir "$out/results" --timeout 900 \
	--append "bench_n=$N bench_mt_n=$MT_N bench_inval_n=$INV_N" \
	--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file "$ko/vfcb_vf.ko" --file "$ko/vfcb_82576_vf.ko" --file tools/vfcbctl \
	--file "$out/vfcb_bench" ${igb_files[@]+"${igb_files[@]}"} || rc=1
host_note_after=$(busy_note)
hostlog=build/rig/logs/bench-host-$series/l1-tap.log
grep -h 'BENCH' "$hostlog" 2>/dev/null | sed 's/^# //' >> "$raw"

if [ "$nested" = 1 ]; then
	wait_quiet
	log "nested topology ($kver): vfcb through vfio-pci in L2 (several minutes)"
	scripts/rig.sh nested --kver "$kver" \
		--l1-test tests/bench/bench-nested-l1.sh --l2-test tests/bench/bench-nested-l2.sh \
		--name "bench-nested-$series" --results-dir "$out/results" \
		--timeout "${BENCH_NESTED_TIMEOUT:-1200}" --l2-append "bench_n=$L2_N" \
		--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file tools/vfcbctl \
		--l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/vfcb_82576_vf.ko" --l2-file tools/vfcbctl --l2-file "$out/vfcb_bench" || rc=1
	for f in l1-tap.log l2-tap.log; do
		grep -h 'BENCH' "build/rig/logs/bench-nested-$series/$f" 2>/dev/null |
			sed 's/^# //' >> "$raw"
	done
fi

# ---- report -----------------------------------------------------------------

tables=$out/tables.rst
awk -f scripts/bench-table.awk "$raw" > "$tables"
qemu_v=$(qemu-system-x86_64 --version | head -n 1)
rev=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD -- pf_core vf_core e82576 engine uapi tools igb tests/bench 2>/dev/null ||
	rev="$rev (with uncommitted changes)"
{
	echo "Command: \`\`$cmdline\`\`, $(date -u '+%Y-%m-%d %H:%M UTC'), vfcb $rev."
	echo ""
	echo "Guest kernel $kver; $qemu_v, TCG; build machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')."
	echo "Iterations: $N per single-VF operation (after $((N / 10)) warm-up), $MT_N per VF with seven busy, $INV_N invalidations$([ "$nested" = 1 ] && echo ", $L2_N per operation in L2")."
	echo "Machine load: before the host run $host_note_before; after $host_note_after."
	echo ""
	cat "$tables"
} > "$out/results.rst"

echo
cat "$out/results.rst"
echo "raw lines: $raw"

if [ "$doc" = 1 ]; then
	doc_file=Documentation/performance.rst
	if grep -q '^\.\. bench-results-begin' "$doc_file" 2>/dev/null; then
		awk -v f="$out/results.rst" '
			/^\.\. bench-results-begin/ { print; print ""; while ((getline l < f) > 0) print l; skip = 1; next }
			/^\.\. bench-results-end/ { skip = 0; print ""; print; next }
			!skip' "$doc_file" > "$doc_file.tmp" && mv "$doc_file.tmp" "$doc_file"
		log "results written to $doc_file"
	else
		log "no bench-results markers in $doc_file: not updated"
	fi
fi
[ "$rc" = 0 ] || log "a benchmark run did not complete cleanly: see build/rig/logs/bench-*"
exit $rc
