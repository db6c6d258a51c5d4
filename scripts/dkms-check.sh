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
#
# Three passes: the standalone drivers; the igb form (IGB=1 dkms-source)
# on every KVER, with igb and igbvf where the kernel's sources are found
# (scripts/igb-src.sh: the rig's build/rig/src/KVER, or linux-source), the
# cores alone where not; and the igb form on the first KVER with the
# sources hidden, which must still build the cores.
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

# One version string: include/vfcb_version.h's, which the modules pass to
# MODULE_VERSION (igb and igbvf with "vfcb-" before it), must be
# dkms.conf's.
hv=$(sed -n 's/^#define VFCB_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' "$top/include/vfcb_version.h")
if [ "$hv" = "$ver" ]; then
	tap 0 "dkms.conf PACKAGE_VERSION $ver is VFCB_VERSION"
else
	tap 1 "dkms.conf PACKAGE_VERSION $ver is VFCB_VERSION"
	echo "#   include/vfcb_version.h: VFCB_VERSION is \"${hv:-?}\""
fi

# The modules a staged source tree's dkms.conf gives DKMS for kernel KVER,
# "NAME LOCATION" a line: dkms.conf is a bash fragment, sourced the way
# DKMS does (kernelver, arch, dkms_tree set).
conf_modules() {	# conf_modules SRCDIR KVER DKMSTREE
	(
		# shellcheck disable=SC2034 # dkms.conf reads them
		kernelver=$2 arch=$(uname -m) dkms_tree=$3
		# shellcheck disable=SC2034
		kernel_source_dir=/lib/modules/$2/build
		# shellcheck disable=SC1091
		. "$1/dkms.conf" > /dev/null
		for i in "${!BUILT_MODULE_NAME[@]}"; do
			echo "${BUILT_MODULE_NAME[i]} ${BUILT_MODULE_LOCATION[i]}"
		done
	)
}

# check_built DKMSTREE KVER MODULES...: the modules dkms built for KVER are
# all there, for that kernel, of PACKAGE_VERSION (igb, igbvf: "vfcb-"
# PACKAGE_VERSION), a PCI alias on the 82576 drivers (igb and igbvf have
# the in-tree ones, 82576 PF and VF among them) and none on the cores
# (they must never autoload for a device); igb and igbvf need the cores.
# Prints what is wrong, nothing if all is right.
check_built() {
	local tree=$1 kver=$2 m ko vm mv al dep bad=""
	shift 2
	for m in "$@"; do
		ko=$(find "$tree/$name/$ver/$kver" -name "$m.ko*" 2>/dev/null | head -1)
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
		case $m in
		igb|igbvf)	[ "$mv" = "vfcb-$ver" ] || bad="$bad $m version ${mv:-none};" ;;
		*)		[ "$mv" = "$ver" ] || bad="$bad $m version ${mv:-none};" ;;
		esac
		al=$(modinfo -F alias "$ko" | tr '\n' ' ')
		dep=,$(modinfo -F depends "$ko"),
		case $m in
		vfcb_82576_pf)	[ "$al" = 'pci:v00008086d000010C9sv*sd*bc*sc*i* ' ] ;;
		vfcb_82576_vf)	[ "$al" = 'pci:v00008086d000010CAsv*sd*bc*sc*i* ' ] ;;
		igb)		[[ $al == *'pci:v00008086d000010C9sv*sd*bc*sc*i* '* && $dep == *,vfcb_pf,* ]] ;;
		igbvf)		[[ $al == *'pci:v00008086d000010CAsv*sd*bc*sc*i* '* && $dep == *,vfcb_vf,* ]] ;;
		*)		[ -z "$al" ] ;;
		esac || bad="$bad $m aliases '${al% }' depends '${dep//,/ }';"
	done
	echo "$bad"
}

# Whether each module of conf_modules' list is built where dkms.conf says:
# kbuild's per its Kbuild, igb and igbvf where build-igb.sh puts them.
where_ok() {	# where_ok SRCDIR KVER "NAME LOCATION" lines
	local m loc
	while read -r m loc; do
		case $m in
		igb|igbvf)	[ "$loc" = "build/kvers/$2/ko/" ] || return 1 ;;
		*)		grep -qw "$m\.o" "$1/${loc%/}/Kbuild" 2>/dev/null || return 1 ;;
		esac
	done <<< "$3"
}

# dkms_pass LABEL IGB KVER...: stage the source tree (IGB=1: the igb
# form), dkms add, and for each kernel: what dkms.conf names, dkms build,
# check_built; then dkms remove.  Each pass has its own DKMS and source
# trees.
dkms_pass() {
	local label=$1 igb=$2 t=$tmp/$1 kver list mods want rc bad
	shift 2
	local dk=(--dkmstree "$t/dkms" --sourcetree "$t/src" --installtree "$t/install")
	mkdir -p "$t/dkms" "$t/src" "$t/install"

	# A relative destination, as an administrator types it.
	(cd "$t/src" && IGB=$igb "$top/scripts/install.sh" dkms-source "$name-$ver") > "$log" 2>&1 &&
		dkms add -m "$name" -v "$ver" "${dk[@]}" >> "$log" 2>&1
	local added=$?
	tap $added "$label: dkms add $name/$ver (source tree from IGB=$igb scripts/install.sh dkms-source)" "$log"

	for kver in "$@"; do
		list=$(conf_modules "$t/src/$name-$ver" "$kver" "$t/dkms")
		mods=$(echo "$list" | awk '{ print $1 }' | tr '\n' ' ')
		mods=${mods% }
		if [ "$igb" != 1 ]; then
			want="vfcb_pf vfcb_vf vfcb_82576_pf vfcb_82576_vf"
		elif "$top/scripts/igb-src.sh" --check "$kver"; then
			want="vfcb_pf vfcb_vf igb igbvf"
		else
			want="vfcb_pf vfcb_vf"
		fi
		[ "$mods" = "$want" ] && where_ok "$t/src/$name-$ver" "$kver" "$list"
		tap $? "$label: dkms.conf for $kver: $mods (want $want, each where it is built)"

		if [ ! -f "/lib/modules/$kver/build/Makefile" ]; then
			tap 1 "$label: dkms build against $kver: no headers in /lib/modules/$kver/build"
			continue
		fi
		if [ $added != 0 ]; then
			tap 1 "$label: dkms build against $kver (not added)"
			continue
		fi
		dkms build -m "$name" -v "$ver" -k "$kver" "${dk[@]}" > "$log" 2>&1
		rc=$?
		[ $rc = 0 ] || cat "$t/dkms/$name/$ver/build/make.log" >> "$log" 2>/dev/null
		tap $rc "$label: dkms build against $kver" "$log"

		# shellcheck disable=SC2086 # a list of names
		bad=$(check_built "$t/dkms" "$kver" $want)
		if [ -z "$bad" ]; then
			tap 0 "$label: dkms built $want for $kver (versions, aliases, dependencies)"
		else
			tap 1 "$label: dkms built $want for $kver:$bad"
		fi
	done

	if [ $added = 0 ]; then
		dkms remove -m "$name" -v "$ver" --all "${dk[@]}" > "$log" 2>&1
		rc=$?
		[ $rc != 0 ] || [ ! -e "$t/dkms/$name/$ver" ] || rc=1
		tap $rc "$label: dkms remove $name/$ver --all" "$log"
	fi
}

# dkms signs what it builds; keep its key out of /var/lib/dkms.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
# The igb form's driver sources: the rig's (scripts/setup.sh), else what
# scripts/igb-src.sh finds on this machine.
export RIG_DIR=${RIG_DIR:-$top/build/rig}

dkms_pass standalone 0 "$@"
dkms_pass igb-form 1 "$@"
# Without the kernel's igb/igbvf sources the igb form's package still
# builds, and installs, the cores.
RIG_DIR=/nonexistent LINUX_SOURCE_DIR=/nonexistent dkms_pass igb-form-no-sources 1 "$1"

if [ "$(system_state)" = "$state_before" ]; then
	tap 0 "no DKMS state left in /var/lib/dkms, /usr/src or /lib/modules"
else
	diff <(echo "$state_before") <(system_state) > "$log"
	tap 1 "no DKMS state left in /var/lib/dkms, /usr/src or /lib/modules" "$log"
fi

echo "1..$n"
[ $fails = 0 ]
