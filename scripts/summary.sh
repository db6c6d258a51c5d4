#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the results of every TAP file in build/results/ (or the directory
# given) and print exactly one line:
#
#   N passed, N failed, N skipped
#
#   scripts/summary.sh [RESULTS_DIR]
#
# "ok ... # SKIP" counts as skipped, "not ok ... # TODO" as skipped too (an
# expected failure is not a pass), every other "not ok" as failed.  A file
# without a plan, with a plan that doesn't match the number of results, or
# with a "Bail out!" is incomplete: it is named on stderr and makes the exit
# status non-zero, like any failure.  No TAP file at all is an error too,
# so a CI job that ran nothing can't pass.  A run the rig repeated after an
# emulator fault is named on stderr.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${RIG_RESULTS_DIR:-$top/build/results}}

shopt -s nullglob
files=("$dir"/*.tap)
if [ ${#files[@]} = 0 ]; then
	echo "0 passed, 0 failed, 0 skipped"
	echo "summary: no TAP files in $dir" >&2
	exit 1
fi

# awk prints "pass fail skip incomplete-files..." ; per-file state is reset
# at each new file (FNR == 1).
read -r pass fail skip bad < <(awk '
	function finish() {
		if (file == "") return
		if (plan == "" || plan != n || bail) { badlist = badlist " " file }
	}
	FNR == 1 { finish(); file = FILENAME; plan = ""; n = 0; bail = 0 }
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+/ { p = $0; sub(/^1\.\./, "", p); plan = p + 0; next }
	/^Bail out!/ { bail = 1; next }
	/^(not )?ok( |$)/ {
		n++
		if ($0 ~ /^ok/ && $0 ~ /# *[Ss][Kk][Ii][Pp]/) skip++
		else if ($0 ~ /^not ok/ && $0 ~ /# *[Tt][Oo][Dd][Oo]/) skip++
		else if ($0 ~ /^ok/) pass++
		else fail++
	}
	END { finish(); printf "%d %d %d%s\n", pass, fail, skip, badlist }
' "${files[@]}")

echo "$pass passed, $fail failed, $skip skipped"
status=0
[ "$fail" = 0 ] || status=1
for f in ${bad:-}; do
	echo "summary: $f is incomplete (no plan, plan mismatch or bail out)" >&2
	status=1
done
# Runs the rig ran twice (scripts/rig.sh, RIG_EMULATOR_RETRY): named, so a
# fault of the emulator's is seen even when the second run passed.
for f in "${files[@]}"; do
	grep -h '^# rig: this is the second run' "$f" 2>/dev/null |
		sed "s|^# rig: |summary: $(basename "$f" .tap): |" >&2 || true
done
exit $status
