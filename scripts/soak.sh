#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vfcb's fault loops and fuzzers at full count, one table at the end
# (make soak; Documentation/testing.rst, "Fault loops"):
#   scripts/soak.sh [--kver KVER] [--only host|nested|fuzz]...
# Counts (environment; SOAK_SCALE multiplies the loop counts, e.g. 0.1):
#   SOAK_FLR=1000 SOAK_PFFLR=100 SOAK_L2KILL=20 SOAK_UNBIND=100
#   SOAK_NUMVFS=100 SOAK_FUZZ_S=600 SOAK_SEED=1 SOAK_CONTROL_S=30
#   SOAK_LIBFUZZER_RUNS=50000000 (per libFuzzer target; or
#   SOAK_LIBFUZZER_S=N for -max_total_time=N instead)
#   SOAK_LIBFUZZER_MAX_LEN=1024 (bytes per input; empty: libFuzzer's own)
#   SOAK_PFFLR_TODO=0 (1: the PF FLR loop's failures are TODO)
#   SOAK_HOST_TCG_THREAD=single (the host loops' RIG_TCG_THREAD)
#   SOAK_L2KILL_L1_ARGS="slub_debug=FZPU page_poison=1 kfence.sample_interval=5"
#   (L1's extra kernel arguments in the nested loop; empty: none)
# The host loops run on single-threaded TCG by default: multi-threaded TCG
# does not survive long VF FLR storms on a small machine (it misreads MMIO,
# loses interrupts and timers; Documentation/reliability.rst, "The emulator
# under the FLR storm"), while make check's reduced soak keeps it.  The
# nested loop is always multi-threaded: its L2 (KVM inside L1) does not
# boot under single-threaded TCG.
# Wrap it as any rig user: /work/qslot-style slot holders may wrap each
# QEMU run with SOAK_QEMU_WRAP (e.g. SOAK_QEMU_WRAP=/work/qslot).
# The table goes to stdout and build/results/soak-table.txt; the runs' TAP
# to build/results/soak-*.tap.  Exit status 0 if every loop passed (TODO
# rows apart).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 2
load_kernels

kver=$KVER_6_12 only=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift 2 ;;
	--only) only+=("$2"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
want() { [ ${#only[@]} = 0 ] || printf '%s\n' "${only[@]}" | grep -qx "$1"; }

scale() { awk -v n="$1" -v s="${SOAK_SCALE:-1}" 'BEGIN { v = int(n * s + 0.5); if (n > 0 && v < 1) v = 1; print v }'; }
FLR=$(scale "${SOAK_FLR:-1000}") PFFLR=$(scale "${SOAK_PFFLR:-100}")
L2KILL=$(scale "${SOAK_L2KILL:-20}") UNBIND=$(scale "${SOAK_UNBIND:-100}")
NUMVFS=$(scale "${SOAK_NUMVFS:-100}") FUZZ_S=$(scale "${SOAK_FUZZ_S:-600}")
CONTROL_S=$(scale "${SOAK_CONTROL_S:-30}")
SEED=${SOAK_SEED:-1} PFFLR_TODO=${SOAK_PFFLR_TODO:-0}
LF_RUNS=${SOAK_LIBFUZZER_RUNS:-50000000} LF_S=${SOAK_LIBFUZZER_S:-}
LF_MAX_LEN=${SOAK_LIBFUZZER_MAX_LEN-1024}
wrap=${SOAK_QEMU_WRAP:-}
# The nested loop's L1 runs with memory debugging: every iteration frees
# an L2's memory and the next guest reuses it, so a driver that writes
# freed memory is named (slab redzones and poison, page poisoning,
# KFENCE's sampled guard pages) and its splat fails the loop.
L2KILL_L1_ARGS=${SOAK_L2KILL_L1_ARGS-slub_debug=FZPU page_poison=1 kfence.sample_interval=5}
results=$top/build/results
mkdir -p "$results"
table=$results/soak-table.txt
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
rc=0

# row LOOP COUNT LOST CORRUPT HUNG/SPLATS RESYNCS SECONDS STATUS
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$rows"; }

# rows_from TAPLOG: the "# soak: ..." lines of a run.
rows_from() {
	local log=$1 l kv k v
	while IFS= read -r l; do
		declare -A f=()
		for kv in ${l#*soak: * }; do k=${kv%%=*} v=${kv#*=}; f[$k]=$v; done
		set -- ${l#*soak: }
		row "$1" "${f[count]:-?}" "${f[lost_bits]:-?}" "${f[corrupt]:-?}" \
			"${f[hung]:-?}/${f[splats]:-?}" "${f[resyncs]:--}" "${f[seconds]:-?}" "${f[status]:-?}"
		case "${f[status]:-}" in ok|TODO|SKIP) ;; *) rc=1 ;; esac
		unset f
	done < <(tr -d '\r' < "$log" | grep '^# soak: ')
}

# The guests' userspace and modules, as integration.sh builds them.
if want host || want nested; then
	make -s -C tools >/dev/null || die "vfcbctl does not build"
	mkdir -p build/itest
	for t in vfcb_itest vfcb_soak; do
		gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -pthread -Iuapi \
			"tests/integration/$t.c" -o "build/itest/$t" || die "$t does not build"
	done
	scripts/build-modules.sh "$kver" >/dev/null || die "modules do not build for $kver"
fi
ko=build/kvers/$kver/ko
files=(--file "$ko/vfcb_pf.ko" --file "$ko/vfcb_82576_pf.ko" --file "$ko/vfcb_vf.ko"
       --file "$ko/vfcb_82576_vf.ko" --file tools/vfcbctl --file build/itest/vfcb_itest
       --file build/itest/vfcb_soak --file tests/integration/itest-lib.sh)

if want host; then
	# Generous: a loop that hangs is killed by the guest's own checks first.
	to=$((600 + FLR + 8 * UNBIND + 8 * NUMVFS + FUZZ_S + CONTROL_S + 30 * PFFLR))
	name=soak-host
	RIG_TCG_THREAD=${SOAK_HOST_TCG_THREAD:-single} $wrap scripts/rig.sh host --kver "$kver" --name $name --test tests/integration/soak.sh \
		"${files[@]}" --timeout $to --results-dir "$results" \
		--append "vfcb_soak.flr=$FLR vfcb_soak.unbind=$UNBIND vfcb_soak.numvfs=$NUMVFS vfcb_soak.fuzz_s=$FUZZ_S vfcb_soak.seed=$SEED vfcb_soak.pfflr=$PFFLR vfcb_soak.pfflr_todo=$PFFLR_TODO vfcb_soak.control_s=$CONTROL_S vfcb_soak.corrupt_todo=0" ||
		rc=1
	rows_from "build/rig/logs/$name/l1-tap.log"
fi

if want nested && [ "$L2KILL" -gt 0 ]; then
	name=soak-nested
	RIG_TCG_THREAD=multi $wrap scripts/rig.sh nested --kver "$kver" --name $name \
		--l1-test tests/integration/nested-soak-l1.sh \
		--l2-test tests/integration/nested-soak-l2.sh "${files[@]}" \
		--l2-file "$ko/vfcb_vf.ko" --l2-file "$ko/vfcb_82576_vf.ko" --l2-file tools/vfcbctl \
		--l2-file build/itest/vfcb_soak --l2-file tests/integration/itest-lib.sh \
		--append "vfcb_soak.l2kill=$L2KILL $L2KILL_L1_ARGS" --timeout $((400 + 150 * L2KILL)) \
		--results-dir "$results" || rc=1
	rows_from "build/rig/logs/$name/l1-tap.log"
fi

# libFuzzer on the engine (PF and VF ends) and on the host core's request
# serving (fuzz_pf_core), from a scratch copy of the corpus: a soak does
# not grow the committed one.
if want fuzz; then
	fdir=$top/build/fuzz
	for t in pf vf pf_core; do
		bin=$fdir/fuzz_$t
		make -s "$bin" >/dev/null || { row "libfuzzer:fuzz_$t" - - - - - 0 FAIL; rc=1; continue; }
		scratch=$(mktemp -d)
		corpus=tests/fuzz/corpus/$t
		[ -d "$corpus" ] && cp -r "$corpus/." "$scratch/"
		if [ -n "$LF_S" ]; then lim=(-max_total_time="$LF_S"); else lim=(-runs="$LF_RUNS"); fi
		[ -z "$LF_MAX_LEN" ] || lim+=(-max_len="$LF_MAX_LEN")
		t0=$(date +%s)
		"$bin" "${lim[@]}" -print_final_stats=1 -print_coverage=0 "$scratch" \
			> "$results/soak-libfuzzer-$t.log" 2>&1
		frc=$?
		secs=$(($(date +%s) - t0))
		execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$results/soak-libfuzzer-$t.log")
		cov=$(grep -Eo 'DONE +cov: [0-9]+ ft: [0-9]+' "$results/soak-libfuzzer-$t.log" | tail -n 1 | awk '{ print $3 "/" $5 }')
		st=ok; [ $frc = 0 ] || { st=FAIL; rc=1; }
		row "libfuzzer:fuzz_$t(cov/ft=${cov:-?})" "${execs:-?}" - - "-/$([ $frc = 0 ] && echo 0 || echo crash)" - "$secs" "$st"
		rm -rf "$scratch"
	done
fi

{
	printf '%-34s %10s %9s %8s %12s %8s %8s  %s\n' loop count lost_bits corrupt hung/splats resyncs seconds status
	while IFS=$'\t' read -r a b c d e f g h; do
		printf '%-34s %10s %9s %8s %12s %8s %8s  %s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h"
	done < "$rows"
} | tee "$table"
exit $rc
