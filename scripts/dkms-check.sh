#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that DKMS builds vfcb against the given kernels' headers, as TAP on
# stdout:
#
#   scripts/dkms-check.sh KVER [KVER...]
#
# Everything happens in a private DKMS tree and source tree under a
# temporary directory (dkms --dkmstree/--sourcetree/--installtree), with a
# throw-away module-signing key, so neither /var/lib/dkms, /usr/src nor
# /lib/modules is touched; the last test checks that.  The source tree is
# what "scripts/install.sh dkms-source" stages, i.e. what an administrator
# gives DKMS.  Needs dkms and the headers in /lib/modules/KVER/build; the
# build itself does not need root, dkms's own checks may.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: scripts/dkms-check.sh KVER [KVER...]" >&2; exit 2; }

n=0
fails=0
tap() {	# tap <0 = ok> <description> [log file]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && [ -s "$3" ] && tail -40 "$3" | sed 's/^/#   /'
	fi
}

if ! command -v dkms > /dev/null; then
	echo "1..0 # SKIP dkms is not installed"
	exit 0
fi

tmp=$(mktemp -d /tmp/vfcb-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# State outside $tmp that must be the same at the end.
system_state() {
	{
		find /var/lib/dkms /usr/src -maxdepth 3 -name '*vfcb*' 2>/dev/null
		find /lib/modules -path '*vfcb*' 2>/dev/null
		ls -l /var/lib/dkms 2>/dev/null
		dkms status 2>/dev/null
	} | sort
}
state_before=$(system_state)

ver=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$top/dkms.conf")
name=$(sed -n 's/^PACKAGE_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$top/dkms.conf")

# One version string: include/vfcb_version.h's, which all four modules pass
# to MODULE_VERSION, must be dkms.conf's.
hv=$(sed -n 's/^#define VFCB_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' "$top/include/vfcb_version.h")
if [ "$hv" = "$ver" ]; then
	tap 0 "dkms.conf PACKAGE_VERSION $ver is VFCB_VERSION"
else
	tap 1 "dkms.conf PACKAGE_VERSION $ver is VFCB_VERSION"
	echo "#   include/vfcb_version.h: VFCB_VERSION is \"${hv:-?}\""
fi

# Every module dkms.conf names, with the directory it is built in: the
# four modules, each where kbuild builds it.
mods="vfcb_pf vfcb_vf vfcb_82576_pf vfcb_82576_vf"
for m in $mods; do
	i=$(sed -n "s/^BUILT_MODULE_NAME\[\([0-9]*\)\]=\"\{0,1\}$m\"\{0,1\}$/\1/p" "$top/dkms.conf")
	loc=""
	[ -z "$i" ] || loc=$(sed -n "s/^BUILT_MODULE_LOCATION\[$i\]=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$top/dkms.conf")
	if [ -n "$loc" ] && grep -qw "$m\.o" "$top/${loc%/}/Kbuild" 2>/dev/null; then
		tap 0 "dkms.conf builds $m in ${loc%/}/"
	else
		tap 1 "dkms.conf builds $m in ${loc:-?} (BUILT_MODULE_NAME/LOCATION)"
	fi
done

dk=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/install")
mkdir -p "$tmp/dkms" "$tmp/src" "$tmp/install"
# dkms signs what it builds; keep its key out of /var/lib/dkms.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub

"$top/scripts/install.sh" dkms-source "$tmp/src/$name-$ver" > "$log" 2>&1 &&
	dkms add -m "$name" -v "$ver" "${dk[@]}" >> "$log" 2>&1
added=$?
tap $added "dkms add $name/$ver (source tree from scripts/install.sh dkms-source)" "$log"

for kver in "$@"; do
	if [ ! -f "/lib/modules/$kver/build/Makefile" ]; then
		tap 1 "dkms build against $kver: no headers in /lib/modules/$kver/build"
		continue
	fi
	if [ $added != 0 ]; then
		tap 1 "dkms build against $kver (not added)"
		continue
	fi
	dkms build -m "$name" -v "$ver" -k "$kver" "${dk[@]}" > "$log" 2>&1
	rc=$?
	[ $rc = 0 ] || cat "$tmp/dkms/$name/$ver/build/make.log" >> "$log" 2>/dev/null
	tap $rc "dkms build against $kver" "$log"

	# The modules dkms would install: built for the right kernel, of
	# PACKAGE_VERSION, a PCI alias on the 82576 drivers and none on the
	# cores (they must never autoload for a device).
	bad=""
	for m in $mods; do
		ko=$(find "$tmp/dkms/$name/$ver/$kver" -name "$m.ko*" 2>/dev/null | head -1)
		if [ -z "$ko" ]; then
			bad="$bad $m.ko missing;"
			continue
		fi
		case $ko in
		*.xz)	xz -dc "$ko" > "$tmp/$m.ko"; ko=$tmp/$m.ko ;;
		*.zst)	zstd -qdc "$ko" > "$tmp/$m.ko"; ko=$tmp/$m.ko ;;
		*.gz)	gzip -dc "$ko" > "$tmp/$m.ko"; ko=$tmp/$m.ko ;;
		esac
		vm=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
		[ "$vm" = "$kver" ] || bad="$bad $m vermagic $vm;"
		mv=$(modinfo -F version "$ko")
		[ "$mv" = "$ver" ] || bad="$bad $m version ${mv:-none};"
		al=$(modinfo -F alias "$ko" | tr '\n' ' ')
		case $m in
		vfcb_82576_pf)	want='pci:v00008086d000010C9sv*sd*bc*sc*i* ' ;;
		vfcb_82576_vf)	want='pci:v00008086d000010CAsv*sd*bc*sc*i* ' ;;
		*)		want='' ;;
		esac
		[ "$al" = "$want" ] || bad="$bad $m aliases '${al% }';"
	done
	if [ -z "$bad" ]; then
		tap 0 "dkms built the four modules for $kver (version $ver, PCI aliases on the 82576 drivers only)"
	else
		tap 1 "dkms built the four modules for $kver:$bad"
	fi
done

if [ $added = 0 ]; then
	dkms remove -m "$name" -v "$ver" --all "${dk[@]}" > "$log" 2>&1
	rc=$?
	[ $rc != 0 ] || [ ! -e "$tmp/dkms/$name/$ver" ] || rc=1
	tap $rc "dkms remove $name/$ver --all" "$log"
fi

if [ "$(system_state)" = "$state_before" ]; then
	tap 0 "no DKMS state left in /var/lib/dkms, /usr/src or /lib/modules"
else
	diff <(echo "$state_before") <(system_state) > "$log"
	tap 1 "no DKMS state left in /var/lib/dkms, /usr/src or /lib/modules" "$log"
fi

echo "1..$n"
[ $fails = 0 ]
