#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# igb-src.sh: where the igb form (scripts/build-igb.sh) finds the kernel's
# own igb and igbvf sources for kernel KVER.
#
#   scripts/igb-src.sh KVER [DIR]    print a directory holding igb/ and
#                                    igbvf/ of exactly KVER; extract them
#                                    into DIR if need be (default
#                                    build/kvers/KVER/igb-src)
#   scripts/igb-src.sh --check KVER  exit 0 if they can be had (silent,
#                                    extracts nothing)
#
# The patches (igb/*.patch) are for the sources of exactly the running
# kernel's version; another version's may not apply, or worse, build a
# driver that does not match the kernel.  In order:
#
#   1. $IGB_SRC, if set: a directory with igb/ and igbvf/ that you vouch is
#      of KVER (drivers/net/ethernet/intel/{igb,igbvf} of its source tree)
#   2. $RIG_DIR/src/KVER (default build/rig/src/KVER): what scripts/setup.sh
#      extracted for the QEMU rig's kernels
#   3. DIR, extracted before by this script (its VERSION must still be
#      that of linux-headers-KVER)
#   4. Debian: /usr/src/linux-source-SERIES.tar.xz, the package
#      linux-source-SERIES, installed at the same version as
#      linux-headers-KVER (dpkg says so); igb/ and igbvf/ are extracted
#      into DIR.  LINUX_SOURCE_DIR replaces /usr/src (the checks set it to
#      nowhere to see what happens without)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
kver=${1:?usage: igb-src.sh [--check] KVER [DIR]}
cache=${2:-$top/build/kvers/$kver/igb-src}
series=$(echo "$kver" | cut -d. -f1,2)
rig=${RIG_DIR:-$top/build/rig}

fail() {
	[ $check = 1 ] && exit 1
	printf 'vfcb igb-src: %s\n' "$*" >&2
	exit 1
}
have() { [ -f "$1/igb/igb_main.c" ] && [ -f "$1/igbvf/netdev.c" ]; }
found() {
	[ $check = 1 ] || echo "$1"
	exit 0
}

if [ -n "${IGB_SRC:-}" ]; then
	have "$IGB_SRC" || fail "IGB_SRC=$IGB_SRC has no igb/igb_main.c and igbvf/netdev.c"
	found "$IGB_SRC"
fi
have "$rig/src/$kver" && found "$rig/src/$kver"

# The Debian package version of KVER's headers, and of linux-source-SERIES.
pkgver() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 == "ii" { print $2 }' || true
}
hver=""
! command -v dpkg-query > /dev/null || hver=$(pkgver "linux-headers-$kver")
if [ -n "$hver" ] && have "$cache" &&
   [ "$(cat "$cache/VERSION" 2>/dev/null)" = "$hver" ]; then
	found "$cache"
fi
tarball=${LINUX_SOURCE_DIR:-/usr/src}/linux-source-$series.tar.xz
sver=""
[ -z "$hver" ] || sver=$(pkgver "linux-source-$series")
if [ -z "$hver" ]; then
	fail "the igb form needs the igb and igbvf sources of exactly $kver." \
	     "No Debian package linux-headers-$kver: take drivers/net/ethernet/intel/{igb,igbvf}" \
	     "from that kernel's source tree and set IGB_SRC to the directory holding both."
elif [ "$sver" != "$hver" ] || [ ! -f "$tarball" ]; then
	fail "the igb form needs the igb and igbvf sources of exactly $kver:" \
	     "apt-get install linux-source-$series=$hver (it provides $tarball;" \
	     "installed now: ${sver:-none}), or unpack drivers/net/ethernet/intel/{igb,igbvf}" \
	     "of that version into a directory and set IGB_SRC to it."
fi
[ $check = 1 ] && exit 0

rm -rf "${cache:?}" && mkdir -p "$cache"
tar -xJf "$tarball" -C "$cache" --strip-components=5 --wildcards \
	'*/drivers/net/ethernet/intel/igb/*' '*/drivers/net/ethernet/intel/igbvf/*' ||
	fail "could not extract igb/ and igbvf/ from $tarball"
have "$cache" || fail "$tarball has no igb/ and igbvf/"
echo "$hver" > "$cache/VERSION"
found "$cache"
