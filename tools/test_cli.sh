#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vfcbctl's command line as a user meets it, without a device: what main()
# does with options, output errors and versions.  TAP on stdout.
#
#   tools/test_cli.sh [VFCBCTL]
#
# VFCB_DEV_DIR points at an empty directory, so a command that gets as
# far as looking for its device fails with "no PF device" (exit 1), which
# tells a parsed command line from a refused one (exit 2).

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=${1:-$top/tools/vfcbctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VFCB_DEV_DIR=$tmp/dev
mkdir "$VFCB_DEV_DIR"

n=0
check() {	# check <0 = ok> <description>
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$tmp/err" "$tmp/out" 2>/dev/null
	fi
}

run() {		# run ARGS...: exit status in $rc, output in $tmp/out, $tmp/err
	"$ctl" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

echo "1..8"

# A help or a listing that never reached its reader is not a success.
"$ctl" --help > /dev/full 2> "$tmp/err"
rc=$?
[ "$rc" = 1 ] && grep -q "standard output: No space left on device" "$tmp/err"
check $? "--help to a full disk: exit 1, says why (exit $rc)"
"$ctl" block set --help > /dev/full 2> "$tmp/err"
rc=$?
[ "$rc" = 1 ]
check $? "a command's --help to a full disk: exit 1 (exit $rc)"
run --help
[ "$rc" = 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]
check $? "--help to a file: exit 0, nothing on stderr (exit $rc)"

# --json is accepted wherever the documentation says: before the object,
# between object and command, and among the arguments.
for line in "--json block get 0 16" "block --json get 0 16" \
	    "block get --json 0 16"; do
	# shellcheck disable=SC2086
	run $line
	[ "$rc" = 1 ] && grep -q "no PF device" "$tmp/err"
	check $? "'vfcbctl $line' is parsed and looks for its device (exit $rc)"
done

# One version for the tool, the modules and dkms.conf.
want=$(sed -n 's/^#define VFCB_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' \
	"$top/include/vfcb_version.h")
run --version
[ "$rc" = 0 ] && [ -n "$want" ] && grep -q "^vfcbctl $want " "$tmp/out"
check $? "--version gives VFCB_VERSION $want: $(head -c 80 "$tmp/out")"

# A content file that cannot be read is named with its own errno.
run write 1 --file "$tmp"
[ "$rc" = 1 ] && grep -q "Is a directory" "$tmp/err"
check $? "write --file DIR: exit 1, 'Is a directory' (exit $rc)"
