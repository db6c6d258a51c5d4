#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of all kernel C, as TAP on stdout:
#   checkpatch.pl --strict on every kernel source and header,
#   one W=1 + sparse (C=2) build per kernel given, which must print no
#   warning at all; and every .rst document parses with no warning.
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
	'engine/*.[ch]' 'pf_core/*.[ch]' 'vf_core/*.[ch]' 'e82576/*.[ch]' 'include/*.h' \
	'uapi/*.h' 'igb/*.[ch]' 'tests/hostile_vf/*.[ch]' 'tests/kapi/*.[ch]' 'tests/loop/*.[ch]' 'tests/s3fw/*.[ch]' | sort -u)

# checkpatch_one FILE: checkpatch's verdict on one file into FILE's log.
checkpatch_one() {
	local f=$1 ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
	case $f in
	# Trace headers follow the tracepoint macro idiom checkpatch dislikes.
	*_trace.h) ignore=$ignore,MACRO_ARG_REUSE,OPEN_ENDED_LINE,SPACING,COMPLEX_MACRO ;;
	# The engine's userspace shim defines the kernel types themselves.
	engine/vfcb_compat.h) ignore=$ignore,PREFER_KERNEL_TYPES ;;
	# BIT() does not exist for userspace; uapi headers spell shifts out.
	uapi/*) ignore=$ignore,BIT_MACRO ;;
	esac
	"$checkpatch" --strict --no-tree --quiet --show-types --ignore "$ignore" \
		-f "$f" > "$cpdir/$(echo "$f" | tr / _).log" 2>&1
	echo $? > "$cpdir/$(echo "$f" | tr / _).rc"
}
export -f checkpatch_one
export checkpatch
cpdir=$(mktemp -d)
export cpdir
# Both cores: checkpatch is a perl start-up per file.
printf '%s\n' $kernel_c | xargs -P "$(nproc)" -I{} bash -c 'checkpatch_one {}'
for f in $kernel_c; do
	b=$cpdir/$(echo "$f" | tr / _)
	tap "$(cat "$b.rc")" "checkpatch --strict $f" "$b.log"
done
rm -rf "$cpdir"

for kver in "$@"; do
	kdir=/lib/modules/$kver/build
	# A persistent copy per kernel, so an unchanged tree rebuilds nothing:
	# W=1 warnings come from the compiler and sparse (C=1) from each file
	# compiled, so only changed files are checked again.  A failed run
	# removes the copy so the next one sees every warning again.
	out=$top/build/kvers/$kver/static
	mkdir -p "$out"
	for d in Kbuild engine pf_core vf_core e82576 uapi include tests/hostile_vf tests/kapi tests/loop tests/s3fw; do
		[ -e "$d" ] || continue
		mkdir -p "$out/$(dirname "$d")"
		cp -ru "$d" "$out/$(dirname "$d")/"
	done
	make -s -j"$(nproc)" -C "$kdir" M="$out" W=1 C=1 VFCB_TESTS=1 modules > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -qiE 'warning|error' "$log"; then rc=1; fi
	[ $rc = 0 ] || rm -rf "$out"
	tap $rc "W=1 + sparse build against $kver" "$log"

	# The 82576 drivers reach the cores through the registration API
	# only, as a vendor's driver would: no other vfcb symbol crosses.
	if [ $rc = 0 ]; then
		api='^(vfcb_pf_(register|unregister|put|vf_sent|vf_consumed|vf_reset)|vfcb_vf_(register|unregister|pf_sent|pf_consumed|pf_reset|pf_refused|surprise_removed))$'
		extra=$(nm -u "$out"/e82576/*.ko | awk '{ print $2 }' | grep '^vfcb_' |
			grep -Ev "$api" | sort -u | tr '\n' ' ')
		n_used=$(nm -u "$out"/e82576/*.ko | awk '{ print $2 }' | grep -c '^vfcb_')
		echo "${extra:+uses $extra}" > "$log"
		[ -z "$extra" ] && [ "$n_used" -gt 0 ]
		tap $? "e82576 drivers use only the cores' registration API ($n_used imports, $kver)" "$log"
	fi
done

# The documentation parses: a malformed table or section renders as text.
for f in README.rst Documentation/*.rst; do
	python3 - "$f" > "$log" 2>&1 <<'PY'
import io
import sys

import docutils.core

err = io.StringIO()
docutils.core.publish_string(open(sys.argv[1]).read(), writer_name="null",
                             settings_overrides={"warning_stream": err,
                                                 "report_level": 2})
print(err.getvalue(), end="")
PY
	rc=$?
	[ $rc = 0 ] && [ -s "$log" ] && rc=1
	tap $rc "$f parses as reStructuredText with no warning (docutils)" "$log"
done

echo "1..$n"
[ $fails = 0 ]
