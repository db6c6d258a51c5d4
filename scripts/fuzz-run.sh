#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/fuzz-run.sh NAME RUNS|SECONDSs
#
# Runs build/fuzz/fuzz_NAME (make fuzz builds it) for RUNS executions
# (e.g. 50000000) or SECONDS seconds (e.g. 600s), from a scratch copy of its
# committed corpus (build/fuzz/run-NAME; the tree's corpus is not touched),
# and prints one line: execs, exec/s, coverage.  FUZZ_MAX_LEN caps an
# input's length (default 1024 bytes, a script of a few hundred mailbox
# events; empty: libFuzzer's own): a longer input runs slower.  A crash
# leaves its input in build/fuzz/ (crash-*) and the exit status is 1.
# To keep what it found:
#   build/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/NAME build/fuzz/run-NAME
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: fuzz-run.sh NAME RUNS|SECONDSs}
limit=${2:?usage: fuzz-run.sh NAME RUNS|SECONDSs}
bin=$top/build/fuzz/fuzz_$name
corpus=$top/tests/fuzz/corpus/${name%_4}
run=$top/build/fuzz/run-$name
log=$top/build/fuzz/run-$name.log
[ -x "$bin" ] || { echo "fuzz-run: $bin missing (make fuzz)" >&2; exit 2; }
case $limit in
*s) arg=-max_total_time=${limit%s} ;;
*) arg=-runs=$limit ;;
esac
maxlen=${FUZZ_MAX_LEN-1024}
maxlen=${maxlen:+-max_len=$maxlen}
rm -rf "$run" && mkdir -p "$run"
[ -d "$corpus" ] && cp "$corpus"/* "$run"/ 2>/dev/null || true
rc=0
"$bin" $arg $maxlen -print_final_stats=1 -artifact_prefix="$top/build/fuzz/" \
	"$run" > "$log" 2>&1 || rc=1
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
echo "fuzz_$name: execs ${execs:-?}, exec/s ${rate:-?}, coverage ${cov:-?} (edges, features), corpus $(ls "$run" | wc -l)"
if [ $rc != 0 ]; then
	grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
	echo "fuzz_$name: crashed, log $log"
fi
exit $rc
