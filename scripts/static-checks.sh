#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of all kernel C, as TAP on stdout:
#   checkpatch.pl --strict on every kernel source and header,
#   one W=1 + sparse (C=2) build per kernel given, which must print no
#   warning at all.
#
#   scripts/static-checks.sh KVER [KVER...]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top" || exit 1

n=0
fails=0
tap() {	# tap <0|1 ok?> <description> [log file]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -40
	fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

checkpatch=$RIG_DIR/checkpatch/scripts/checkpatch.pl
kernel_c=$(git ls-files -co --exclude-standard -- \
	'engine/*.[ch]' 'pf_driver/*.[ch]' 'vf_driver/*.[ch]' 'include/*.h' \
	'uapi/*.h' 'tests/hostile_vf/*.[ch]' | sort -u)
for f in $kernel_c; do
	[ -f "$f" ] || continue
	# Trace headers follow the tracepoint macro idiom checkpatch dislikes.
	ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
	case $f in *_trace.h) ignore=$ignore,MACRO_ARG_REUSE,OPEN_ENDED_LINE,SPACING,COMPLEX_MACRO ;; esac
	"$checkpatch" --strict --no-tree --quiet --show-types --ignore "$ignore" \
		-f "$f" > "$log" 2>&1
	tap $? "checkpatch --strict $f" "$log"
done

for kver in "$@"; do
	kdir=/lib/modules/$kver/build
	out=$top/build/kvers/$kver/static
	rm -rf "$out" && mkdir -p "$out"
	# Build in a copy so two kernels' objects never mix in the tree.
	cp -r Kbuild engine pf_driver vf_driver uapi include "$out"/ 2>/dev/null
	[ -d tests/hostile_vf ] && mkdir -p "$out/tests" && cp -r tests/hostile_vf "$out/tests/"
	make -s -C "$kdir" M="$out" W=1 C=2 modules > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -qiE 'warning|error' "$log"; then rc=1; fi
	tap $rc "W=1 + sparse build against $kver" "$log"
done

echo "1..$n"
[ $fails = 0 ]
