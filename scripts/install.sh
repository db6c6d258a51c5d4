#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install or uninstall vfcb.  "make install" builds first and runs
# "scripts/install.sh install"; "make uninstall" runs the reverse.
# "make install IGB=1" installs the igb form instead of the standalone
# 82576 drivers: the kernel's igb and igbvf carrying vfcb, built first by
# scripts/build-igb.sh from that kernel's own sources (scripts/igb-src.sh).
#
#   scripts/install.sh install      copy the built files, run depmod
#   scripts/install.sh uninstall    remove exactly what install installed
#   scripts/install.sh dkms-source DIR
#                                   copy the DKMS source tree (dkms.conf,
#                                   Kbuild and the module sources) to DIR,
#                                   e.g. /usr/src/vfcb-<PACKAGE_VERSION>;
#                                   with IGB=1 the igb form's too
#
# What goes where ($DESTDIR is prepended to every path):
#
#   pf_core/vfcb_pf.ko, vf_core/vfcb_vf.ko (the cores),
#   e82576/vfcb_82576_pf.ko, e82576/vfcb_82576_vf.ko (the 82576 drivers;
#   not with IGB=1)
#                        /lib/modules/$KVER/$MODDIR/      (then depmod)
#   with IGB=1: build/kvers/$KVER/ko/igb.ko, igbvf.ko (the igb form)
#                        /lib/modules/$KVER/$IGBMODDIR/   (then depmod)
#   tools/vfcbctl        $PREFIX/sbin/vfcbctl
#   uapi/linux/vfcb.h, uapi/linux/vfcb_wire.h
#                        $PREFIX/include/linux/
#   udev/90-vfcb.rules   $UDEVRULESDIR/90-vfcb.rules
#   modprobe.d/vfcb.conf $MODPROBEDIR/vfcb.conf
#   the list of all of the above
#                        $PREFIX/share/vfcb/install-manifest
#
# Environment (make passes its command-line variables through):
#   DESTDIR        staging root, default none (install into the system)
#   PREFIX         default /usr/local
#   KVER           kernel the modules are for; default: the one they were
#                  built for (their vermagic).  A KVER that differs from
#                  the vermagic is refused.
#   MODDIR         default extra/vfcb (dkms installs to updates/dkms,
#                  which depmod prefers: use one or the other)
#   IGB            1: the igb form instead of the standalone 82576 drivers
#   IGBMODDIR      default updates/vfcb: depmod's default search order
#                  ("search updates built-in", depmod.d(5)) prefers
#                  updates/ to the in-tree kernel/ igb and igbvf; install
#                  checks that igb and igbvf resolve to these after depmod
#   UDEVRULESDIR   default /etc/udev/rules.d
#   MODPROBEDIR    default /etc/modprobe.d
#
# The manifest makes uninstall exact: it removes the files and the
# directories install created, the depmod indexes if install created them
# from nothing (a fresh DESTDIR), and otherwise runs depmod again.  The
# udev rule and the modprobe.d file are configuration: if they were edited
# since install, uninstall keeps them, and install never overwrites a copy
# that differs from vfcb's (it says so instead).  Installing over a
# previous installation uninstalls that one first.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=vfcb-install

DESTDIR=${DESTDIR:-}
DESTDIR=${DESTDIR%/}
PREFIX=${PREFIX:-/usr/local}
PREFIX=${PREFIX%/}
MODDIR=${MODDIR:-extra/vfcb}
IGB=${IGB:-0}
IGBMODDIR=${IGBMODDIR:-updates/vfcb}
UDEVRULESDIR=${UDEVRULESDIR:-/etc/udev/rules.d}
MODPROBEDIR=${MODPROBEDIR:-/etc/modprobe.d}
MANIFEST_REL=$PREFIX/share/vfcb/install-manifest
MANIFEST=$DESTDIR$MANIFEST_REL

say() { printf '%s: %s\n' "$prog" "$*"; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

usage() {
	echo "usage: scripts/install.sh install|uninstall|dkms-source DIR" >&2
	echo "       (DESTDIR, PREFIX, KVER, MODDIR, IGB, IGBMODDIR, UDEVRULESDIR, MODPROBEDIR" >&2
	echo "       from the environment)" >&2
	exit 2
}

sum() { sha256sum "$1" | cut -d' ' -f1; }

# Manifest lines, paths relative to DESTDIR:
#   kver KVER          kernel whose module tree was used
#   form igb           the igb form was installed
#   d PATH             directory install created
#   f SUM PATH         file installed
#   c SUM PATH         configuration file installed
#   g PATH             depmod index that did not exist before
# Built in $entries, written at the end.
entries=()

# mkdir -p, recording every directory it creates.
mkdir_rec() {
	local rel=$1 path="" comp
	local IFS=/
	for comp in $rel; do
		[ -n "$comp" ] || continue
		path=$path/$comp
		if [ ! -d "$DESTDIR$path" ]; then
			mkdir "$DESTDIR$path"
			entries+=("d $path")
		fi
	done
}

# install_file SRC DEST_REL MODE [config]
install_file() {
	local src=$1 rel=$2 mode=$3 kind=${4:-f} dst
	dst=$DESTDIR$rel
	mkdir_rec "$(dirname "$rel")"
	if [ "$kind" = c ] && [ -e "$dst" ]; then
		if cmp -s "$src" "$dst"; then
			# Identical: adopt it, so uninstall may remove it.
			entries+=("c $(sum "$dst") $rel")
		else
			warn "$rel exists and differs from vfcb's $(basename "$src"): kept, not overwritten"
		fi
		return
	fi
	install -m "$mode" "$src" "$dst"
	entries+=("$kind $(sum "$dst") $rel")
	say "installed $rel"
}

# Kernel release a module was built for.
vermagic() {
	modinfo -F vermagic "$1" 2>/dev/null | awk '{ print $1; exit }'
}

# The file modprobe would load for module $2 of kernel $1, per the
# depmod indexes (of DESTDIR if set); empty if none.
resolve() {
	modinfo -b "${DESTDIR:-/}" -k "$1" -n "$2" 2>/dev/null || true
}

run_depmod() {
	local kver=$1
	if ! command -v depmod > /dev/null; then
		warn "depmod not found: run 'depmod $kver' yourself"
		return 1
	fi
	if [ -n "$DESTDIR" ]; then
		# A fresh staging tree has no modules.order/builtin: not an error.
		depmod -b "$DESTDIR" "$kver" 2>&1 |
			{ grep -v 'WARNING: could not open modules\.' >&2 || true; }
		return "${PIPESTATUS[0]}"
	else
		depmod "$kver"
	fi
}

# The depmod indexes in a module tree, one name a line.
depmod_files() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -maxdepth 1 -type f -name 'modules.*' | sed 's|^\./||' | sort)
}

reload_udev() {
	[ -z "$DESTDIR" ] || return 0
	command -v udevadm > /dev/null || return 0
	[ -S /run/udev/control ] || return 0
	udevadm control --reload || true
	# Apply the rule to nodes that exist already.
	udevadm trigger --subsystem-match=misc --sysname-match='vfcb-*' || true
}

do_install() {
	# The cores, then the drivers that use them: the standalone 82576
	# drivers, or with IGB=1 the igb form's igb and igbvf (their kernel
	# is known only once the cores' is).
	local cores=("$top/pf_core/vfcb_pf.ko" "$top/vf_core/vfcb_vf.ko")
	local kos=("${cores[@]}") igbkos=() ctl=$top/tools/vfcbctl
	local kver v ko moddir before f r

	case $IGB in
	0|"")	kos+=("$top/e82576/vfcb_82576_pf.ko" "$top/e82576/vfcb_82576_vf.ko") ;;
	1)	;;
	*)	die "IGB=$IGB: 1 for the igb form, 0 (default) for the standalone drivers" ;;
	esac
	for f in "${kos[@]}" "$ctl" "$top/uapi/linux/vfcb.h" \
		 "$top/uapi/linux/vfcb_wire.h" "$top/udev/90-vfcb.rules" \
		 "$top/modprobe.d/vfcb.conf"; do
		[ -e "$f" ] || die "${f#"$top"/} missing: run 'make' first (or 'make install')"
	done
	command -v modinfo > /dev/null || die "modinfo (kmod) is needed"
	# One kernel for all of them.
	kver=""
	if [ "$IGB" = 1 ]; then
		v=$(vermagic "${cores[0]}")
		igbkos=("$top/build/kvers/$v/ko/igb.ko" "$top/build/kvers/$v/ko/igbvf.ko")
		for f in "${igbkos[@]}"; do
			[ -e "$f" ] || die "${f#"$top"/} missing: 'make install IGB=1' builds it"
		done
	fi
	for ko in "${kos[@]}" "${igbkos[@]}"; do
		v=$(vermagic "$ko")
		[ -n "$v" ] || die "cannot read the vermagic of ${ko#"$top"/}"
		[ -z "$kver" ] || [ "$v" = "$kver" ] ||
			die "${ko#"$top"/} is built for $v but ${kos[0]#"$top"/} for $kver: 'make clean all'"
		kver=$v
	done
	[ "${KVER:-$kver}" = "$kver" ] ||
		die "the modules are built for $kver, not KVER=$KVER: 'make clean all KVER=$KVER'"
	if [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then
		die "installing into the system needs root (or set DESTDIR)"
	fi
	[ -z "$DESTDIR" ] || mkdir -p "$DESTDIR"

	if [ -f "$MANIFEST" ]; then
		say "a previous installation is recorded in $MANIFEST_REL: removing it first"
		do_uninstall
	fi
	if [ -z "$DESTDIR" ] && command -v dkms > /dev/null &&
	   dkms status vfcb 2>/dev/null | grep -q installed; then
		warn "vfcb is also installed through dkms (updates/dkms wins over $MODDIR)"
	fi

	entries=("kver $kver")
	[ "$IGB" != 1 ] || entries+=("form igb")
	moddir=/lib/modules/$kver
	# The depmod indexes that exist now are not ours.
	before=$(depmod_files "$DESTDIR$moddir")

	for ko in "${kos[@]}"; do
		install_file "$ko" "$moddir/$MODDIR/$(basename "$ko")" 0644
	done
	for ko in "${igbkos[@]}"; do
		install_file "$ko" "$moddir/$IGBMODDIR/$(basename "$ko")" 0644
	done
	install_file "$ctl" "$PREFIX/sbin/vfcbctl" 0755
	install_file "$top/uapi/linux/vfcb.h" "$PREFIX/include/linux/vfcb.h" 0644
	install_file "$top/uapi/linux/vfcb_wire.h" \
		     "$PREFIX/include/linux/vfcb_wire.h" 0644
	install_file "$top/udev/90-vfcb.rules" "$UDEVRULESDIR/90-vfcb.rules" 0644 c
	install_file "$top/modprobe.d/vfcb.conf" "$MODPROBEDIR/vfcb.conf" 0644 c

	if run_depmod "$kver"; then
		say "depmod $kver done"
		# Indexes created from nothing are removed by uninstall;
		# existing ones are rebuilt by depmod instead.
		if [ -z "$before" ]; then
			for f in $(depmod_files "$DESTDIR$moddir"); do
				entries+=("g $moddir/$f")
			done
		fi
		# The igb form works only if modprobe picks it over the
		# in-tree drivers.
		for ko in "${igbkos[@]}"; do
			f=$(basename "$ko" .ko)
			r=$(resolve "$kver" "$f")
			if [ "$r" = "$DESTDIR$moddir/$IGBMODDIR/$f.ko" ]; then
				say "$f resolves to $moddir/$IGBMODDIR/$f.ko"
			else
				warn "depmod resolves $f to ${r:-nothing}, not to $moddir/$IGBMODDIR/$f.ko: is updates/ missing from a 'search' line in /etc/depmod.d or /lib/depmod.d?"
			fi
		done
	fi
	if [ "$IGB" = 1 ] && [ -z "$DESTDIR" ]; then
		say "the igb form takes effect when igb and igbvf next load (reboot, or"
		say "'modprobe -r igb && modprobe igb', which takes igb's ports down a moment);"
		say "if the initramfs holds igb, 'update-initramfs -u -k $kver'"
	fi
	reload_udev

	mkdir_rec "$(dirname "$MANIFEST_REL")"
	entries+=("f - $MANIFEST_REL")
	printf '%s\n' "${entries[@]}" > "$MANIFEST"
	say "manifest: $MANIFEST_REL ('make uninstall' reverses this)"
}

do_uninstall() {
	local kind a b kver="" form="" depmod_again=1 dirs=() i m r

	[ -f "$MANIFEST" ] ||
		die "nothing to uninstall: no $MANIFEST (same DESTDIR and PREFIX as install?)"
	if [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then
		die "uninstalling from the system needs root"
	fi

	while read -r kind a b; do
		case $kind in
		kver)	kver=$a ;;
		form)	form=$a ;;
		d)	dirs+=("$a") ;;
		f)	[ "$b" = "$MANIFEST_REL" ] && continue
			rm -f "$DESTDIR$b" && say "removed $b" ;;
		c)	if [ ! -e "$DESTDIR$b" ]; then
				:
			elif [ "$(sum "$DESTDIR$b")" = "$a" ]; then
				rm -f "$DESTDIR$b" && say "removed $b"
			else
				warn "$b was edited since install: kept"
			fi ;;
		g)	depmod_again=0
			rm -f "$DESTDIR$a" ;;
		*)	warn "manifest: ignored line '$kind $a $b'" ;;
		esac
	done < "$MANIFEST"
	rm -f "$MANIFEST"

	if [ -n "$kver" ] && [ "$depmod_again" = 1 ]; then
		if run_depmod "$kver"; then
			say "depmod $kver done"
			if [ "$form" = igb ]; then
				for m in igb igbvf; do
					r=$(resolve "$kver" $m)
					say "$m resolves to ${r:+${r#"$DESTDIR"}}${r:-nothing (no in-tree $m)} again"
				done
			fi
		fi
	elif [ -n "$kver" ]; then
		say "removed the depmod indexes install created"
	fi
	reload_udev

	# Deepest first; a directory something else uses now stays.
	for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do
		rmdir "$DESTDIR${dirs[i]}" 2>/dev/null || true
	done
	say "uninstalled"
}

# What DKMS needs to build the modules, and nothing else (no tests/, no
# build products).  With IGB=1 also the igb form: igb/ (its presence is
# what selects the form in dkms.conf) and the scripts that build it.
do_dkms_source() {
	local dst f extra=()

	# Absolute, because the globs and the copy below run from the source
	# tree.
	dst=$(realpath -m -- "${1:?}")
	cd "$top"
	case $IGB in
	0|"")	;;
	1)	extra=(igb/*.[ch] igb/*.patch scripts/build-igb.sh scripts/lib.sh
		       scripts/igb-src.sh) ;;
	*)	die "IGB=$IGB: 1 for the igb form, 0 (default) for the standalone drivers" ;;
	esac
	[ ! -e "$dst" ] || [ -z "$(ls -A "$dst")" ] ||
		die "$dst exists and is not empty"
	mkdir -p "$dst"
	for f in dkms.conf Kbuild engine/*.[ch] include/*.h uapi/linux/*.h \
		 pf_core/Kbuild pf_core/*.[ch] vf_core/Kbuild vf_core/*.[ch] \
		 e82576/Kbuild e82576/*.[ch] "${extra[@]}"; do
		case $f in
		*.mod.c) continue ;;	# kbuild output
		esac
		[ -f "$f" ] || die "$f missing"
		mkdir -p "$dst/$(dirname "$f")"
		cp -p "$f" "$dst/$f"
	done
	say "DKMS source tree in $dst (vfcb $(dkms_version)${extra[0]:+, the igb form}): dkms install vfcb/$(dkms_version)"
}

dkms_version() {
	sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$top/dkms.conf"
}

case ${1:-} in
install)	[ $# = 1 ] || usage; do_install ;;
uninstall)	[ $# = 1 ] || usage; do_uninstall ;;
dkms-source)	[ $# = 2 ] || usage; do_dkms_source "$2" ;;
*)		usage ;;
esac
