#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a busybox-static initramfs that boots a Debian guest kernel, runs one
# test script and powers off.  Used for both sides of the rig (L1 = SR-IOV
# host, L2 = nested guest that owns a VF through vfio-pci).
#
#   scripts/mkinitramfs.sh --kver VER --out FILE --test SCRIPT
#                          [--role l1|l2] [--file HOST[:GUEST]]...
#                          [--module NAME]... [--env KEY=VALUE]...
#
#   --kver VER     guest kernel (full version, or 6.1 / 6.12; default $KVER)
#   --out FILE     the cpio archive to write (gzip -1: smallest boot time)
#   --test SCRIPT  the guest test script, installed as /vfcb/test.sh
#   --role R       l1 or l2: only labels the output (VFCB_SIDE=L1/L2)
#   --file H[:G]   copy H into the image as /vfcb/G (default /vfcb/<basename H>)
#   --module NAME  another in-tree module to pack (with its dependencies)
#   --env K=V      add K=V to /vfcb/rig.env, which /init sources
#
# Guest layout: /init, /bin/busybox + applet links, /lib/modules/<ver>/ with
# the packed modules decompressed (busybox insmod can't read .ko.xz) and
# /lib/modules/load.list ("name path..." in load order, used by load_mod in
# guest-lib.sh), /vfcb/ with the test, guest-lib.sh, rig.env and --file files.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

# Modules every rig guest gets.  Small enough (a few MB) that one image fits
# both roles; the guest only loads what its test asks for.
DEFAULT_MODULES="igb igbvf vfio vfio_pci vfio_pci_core vfio_iommu_type1
	irqbypass 9p 9pnet 9pnet_virtio virtio_pci"

usage() { sed -n '5,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

out= test= role=l1
files=() modules=() envs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kver)   KVER=$2; shift 2 ;;
	--out)    out=$2; shift 2 ;;
	--test)   test=$2; shift 2 ;;
	--role)   role=$2; shift 2 ;;
	--file)   files+=("$2"); shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--env)    envs+=("$2"); shift 2 ;;
	-h|--help) usage ;;
	*) die "mkinitramfs: unknown argument '$1' (see --help)" ;;
	esac
done
[ -n "$out" ] || die "mkinitramfs: --out FILE is required"
[ -n "$test" ] || die "mkinitramfs: --test SCRIPT is required"
case "$role" in l1|l2) ;; *) die "mkinitramfs: --role must be l1 or l2" ;; esac
load_kernels
kdir="$RIG_DIR/kernels/$KVER"
[ -d "$kdir/modules/kernel" ] || die "no guest kernel $KVER under $kdir (run scripts/setup.sh)"
BUSYBOX=${BUSYBOX:-/bin/busybox}
file "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	die "$BUSYBOX is not statically linked (install busybox-static)"

# The Debian package ships no modules.dep (depmod runs at install time):
# generate it once per kernel.  depmod wants <base>/lib/modules/<ver>, so
# point a symlink farm at the unpacked tree.
ensure_moddep() {
	[ -s "$kdir/modules/modules.dep" ] && return 0
	local base="$RIG_DIR/depmod/$KVER"
	mkdir -p "$base/lib/modules"
	ln -sfn "$kdir/modules" "$base/lib/modules/$KVER"
	log "depmod for $KVER"
	depmod -b "$base" "$KVER" || die "depmod failed for $KVER"
}

# name (dashes folded to underscores, as the kernel does) -> path, and
# path -> its dependency paths, both from modules.dep.
declare -A mod_path mod_deps
read_moddep() {
	local line path deps name
	while IFS= read -r line; do
		path=${line%%:*}
		deps=${line#*:}
		name=${path##*/}
		name=${name%%.ko*}
		name=${name//-/_}
		mod_path[$name]=$path
		mod_deps[$path]=$deps
	done < "$kdir/modules/modules.dep"
}

# Depth-first walk: every module's dependencies come before the module.
declare -A visited
order=()
visit() {
	local p=$1 d
	[ -n "${visited[$p]:-}" ] && return 0
	visited[$p]=1
	for d in ${mod_deps[$p]}; do
		visit "$d"
	done
	order+=("$p")
}

ensure_moddep
read_moddep

stage=$(mktemp -d "${TMPDIR:-/tmp}/vfcb-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,mnt,vfcb,lib/modules/$KVER}

cp "$BUSYBOX" "$stage/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
# /dev/console must exist before devtmpfs is mounted, or the kernel starts
# /init without a console and its early output is lost.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

# Modules: builtin ones are skipped (load_mod treats them as loaded), missing
# ones are an error because a test would fail later in a confusing way.
builtin=$(sed 's|.*/||; s|\.ko.*||; s|-|_|g' "$kdir/modules/modules.builtin" 2>/dev/null || true)
loadlist="$stage/lib/modules/load.list"
: > "$loadlist"
# shellcheck disable=SC2206
want=($DEFAULT_MODULES ${modules[@]+"${modules[@]}"})
for m in "${want[@]}"; do
	n=${m//-/_}
	if [ -z "${mod_path[$n]:-}" ]; then
		if printf '%s\n' "$builtin" | grep -qx "$n"; then
			continue
		fi
		die "module $m not found in $KVER"
	fi
	order=()
	# A fresh walk per module gives each its own complete load list, even
	# when an earlier module already pulled in shared dependencies.
	visited=()
	visit "${mod_path[$n]}"
	line=$n
	for p in "${order[@]}"; do
		dst="lib/modules/$KVER/${p%%.ko*}.ko"
		if [ ! -f "$stage/$dst" ]; then
			mkdir -p "$(dirname "$stage/$dst")"
			case "$p" in
			*.ko.xz)  xz -dc "$kdir/modules/$p" > "$stage/$dst" ;;
			*.ko.zst) zstd -qdc "$kdir/modules/$p" > "$stage/$dst" ;;
			*.ko.gz)  gzip -dc "$kdir/modules/$p" > "$stage/$dst" ;;
			*)        cp "$kdir/modules/$p" "$stage/$dst" ;;
			esac
		fi
		line="$line /$dst"
	done
	echo "$line" >> "$loadlist"
done
printf '%s\n' "$builtin" > "$stage/lib/modules/builtin.list"

# The test and its helpers.
[ -f "$test" ] || die "test script $test not found"
cp "$test" "$stage/vfcb/test.sh"
cp "$top/tests/rig/guest-lib.sh" "$stage/vfcb/guest-lib.sh"
for f in ${files[@]+"${files[@]}"}; do
	src=${f%%:*}
	dst=${f#*:}
	[ "$dst" = "$f" ] && dst=$(basename "$src")
	[ -e "$src" ] || die "--file $src: not found"
	mkdir -p "$(dirname "$stage/vfcb/$dst")"
	cp -a "$src" "$stage/vfcb/$dst"
done
{
	echo "VFCB_SIDE=$(echo "$role" | tr a-z A-Z)"
	echo "VFCB_TEST=$(basename "$test")"
	echo "VFCB_KVER=$KVER"
	for e in ${envs[@]+"${envs[@]}"}; do
		# Quote values: paths and QEMU options carry spaces and commas.
		printf "%s='%s'\n" "${e%%=*}" "${e#*=}"
	done
} > "$stage/vfcb/rig.env"

cp "$top/tests/rig/init.sh" "$stage/init"
chmod 755 "$stage/init" "$stage/vfcb/test.sh"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --reproducible) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $out ($(du -k "$out" | cut -f1) KiB, $KVER, role $role, test $(basename "$test"))"
