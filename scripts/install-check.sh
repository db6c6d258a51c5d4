#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a staging root, as TAP: every file
# lands where Documentation/admin-guide.rst says, the modules are indexed
# by depmod with their PCI aliases, and uninstall leaves nothing behind.
# Then the igb form (make install IGB=1): igb.ko and igbvf.ko land in
# updates/vfcb instead of the standalone drivers, and in a root that has
# in-tree igb/igbvf (kernel/...) and depmod indexes, like a real system,
# depmod resolves igb and igbvf to ours after install and to the in-tree
# ones again after uninstall.
#   scripts/install-check.sh
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
n=0 fails=0
tap() {	# tap <0|1> DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
log=$root.log

make -s -j"$(nproc)" install DESTDIR="$root" > "$log" 2>&1
tap $? "make install DESTDIR=... succeeds"
mods=$(find "$root/lib/modules" -name 'vfcb_*.ko' 2>/dev/null | wc -l)
[ "$mods" = 4 ]; tap $? "the four modules installed under /lib/modules ($mods found)"
for m in vfcb_pf vfcb_vf vfcb_82576_pf vfcb_82576_vf; do
	[ -n "$(find "$root/lib/modules" -name "$m.ko" 2>/dev/null)" ]
	tap $? "$m.ko installed"
done
alias_file=$(find "$root/lib/modules" -name modules.alias 2>/dev/null | head -n 1)
grep -qix 'alias pci:v00008086d000010C9sv\*sd\*bc\*sc\*i\* vfcb_82576_pf' "$alias_file" 2>/dev/null
tap $? "depmod indexed vfcb_82576_pf's PCI alias (8086:10c9)"
grep -qix 'alias pci:v00008086d000010CAsv\*sd\*bc\*sc\*i\* vfcb_82576_vf' "$alias_file" 2>/dev/null
tap $? "depmod indexed vfcb_82576_vf's PCI alias (8086:10ca)"
# The cores bind nothing: no alias may make them autoload.
[ -f "$alias_file" ] && ! grep -qE ' vfcb_(pf|vf)$' "$alias_file"
tap $? "no alias for the cores vfcb_pf and vfcb_vf"
# The drivers pull their core in: modprobe vfcb_82576_pf loads vfcb_pf first.
dep_file=$(find "$root/lib/modules" -name modules.dep 2>/dev/null | head -n 1)
grep -qE '/vfcb_82576_pf\.ko:.*/vfcb_pf\.ko' "$dep_file" 2>/dev/null &&
	grep -qE '/vfcb_82576_vf\.ko:.*/vfcb_vf\.ko' "$dep_file" 2>/dev/null
tap $? "depmod: vfcb_82576_pf depends on vfcb_pf, vfcb_82576_vf on vfcb_vf"
[ -x "$root/usr/local/sbin/vfcbctl" ]; tap $? "vfcbctl installed in /usr/local/sbin"
[ -f "$root/usr/local/include/linux/vfcb.h" ] && [ -f "$root/usr/local/include/linux/vfcb_wire.h" ]
tap $? "uapi headers installed in /usr/local/include/linux"
[ -f "$root/etc/udev/rules.d/90-vfcb.rules" ]; tap $? "udev rule installed"
[ -f "$root/etc/modprobe.d/vfcb.conf" ]; tap $? "modprobe.d snippet installed"
echo '#include <linux/vfcb.h>
int main(void) { struct vfcb_vf_block b = { .argsz = sizeof(b) }; return b.len; }' |
	gcc -x c -Wall -Werror -I"$root/usr/local/include" -o /dev/null - 2>>"$log"
tap $? "a program builds against the installed uapi headers"

make -s uninstall DESTDIR="$root" >> "$log" 2>&1
tap $? "make uninstall DESTDIR=... succeeds"
left=$(find "$root" -mindepth 1 | head -n 5)
[ -z "$left" ]; tap $? "uninstall leaves nothing behind${left:+ (left: ${left//$'\n'/ })}"

# ------------------------------------------------------ the igb form ---

kver=$(modinfo -F vermagic pf_core/vfcb_pf.ko 2>/dev/null | awk '{ print $1 }')
root2=$(mktemp -d)
root3=$(mktemp -d)
trap 'rm -rf "$root" "$root2" "$root3"' EXIT
md=lib/modules/$kver

make -s -j"$(nproc)" install IGB=1 DESTDIR="$root2" >> "$log" 2>&1
tap $? "make install IGB=1 DESTDIR=... succeeds (builds igb.ko, igbvf.ko for $kver)"
[ -f "$root2/$md/updates/vfcb/igb.ko" ] && [ -f "$root2/$md/updates/vfcb/igbvf.ko" ]
tap $? "IGB=1: igb.ko and igbvf.ko installed in /$md/updates/vfcb"
[ -f "$root2/$md/extra/vfcb/vfcb_pf.ko" ] && [ -f "$root2/$md/extra/vfcb/vfcb_vf.ko" ] &&
	[ -z "$(find "$root2/lib/modules" -name 'vfcb_82576_*')" ]
tap $? "IGB=1: the cores installed, the standalone 82576 drivers not"
[ "$(modinfo -F version "$root2/$md/updates/vfcb/igb.ko" 2>/dev/null)" = "vfcb-$(modinfo -F version pf_core/vfcb_pf.ko)" ] &&
	grep -qE '^updates/vfcb/igb\.ko:.*extra/vfcb/vfcb_pf\.ko' "$root2/$md/modules.dep" 2>/dev/null &&
	grep -qE '^updates/vfcb/igbvf\.ko:.*extra/vfcb/vfcb_vf\.ko' "$root2/$md/modules.dep" 2>/dev/null
tap $? "IGB=1: igb is version vfcb-<version>; depmod: igb depends on vfcb_pf, igbvf on vfcb_vf"
make -s uninstall DESTDIR="$root2" >> "$log" 2>&1
left=$(find "$root2" -mindepth 1 | head -n 5)
[ -z "$left" ]; tap $? "IGB=1: uninstall leaves nothing behind${left:+ (left: ${left//$'\n'/ })}"

# Precedence.  The in-tree igb and igbvf of $kver if this machine has
# them, else stand-ins (ours, under kernel/: depmod knows modules by name
# and path only).
intree=$root3/$md/kernel/drivers/net/ethernet/intel
for m in igb igbvf; do
	mkdir -p "$intree/$m"
	f=$(find "/$md/kernel/drivers/net/ethernet/intel/$m" -name "$m.ko*" 2>/dev/null | head -n 1)
	cp "${f:-build/kvers/$kver/ko/$m.ko}" "$intree/$m/" 2>> "$log"
done
depmod -b "$root3" "$kver" 2>&1 | grep -v 'WARNING: could not open modules\.' >> "$log"
resolves() {	# resolves MODULE: the path under $root3/$md modprobe would load
	local p
	p=$(modinfo -b "$root3" -k "$kver" -n "$1" 2>/dev/null)
	echo "${p#"$root3/$md/"}"
}
b_igb=$(resolves igb) b_igbvf=$(resolves igbvf)
case "$b_igb $b_igbvf" in
"kernel/"*" kernel/"*) tap 0 "a root with in-tree igb/igbvf and depmod indexes ($b_igb, $b_igbvf)" ;;
*) tap 1 "a root with in-tree igb/igbvf and depmod indexes (igb: '$b_igb', igbvf: '$b_igbvf')" ;;
esac
DESTDIR=$root3 IGB=1 scripts/install.sh install >> "$log" 2>&1
tap $? "IGB=1 scripts/install.sh install into it succeeds"
a_igb=$(resolves igb) a_igbvf=$(resolves igbvf)
[ "$a_igb" = updates/vfcb/igb.ko ] && [ "$a_igbvf" = updates/vfcb/igbvf.ko ] &&
	grep -q '^updates/vfcb/igb\.ko:' "$root3/$md/modules.dep" &&
	! grep -q '^kernel/.*/igb\.ko' "$root3/$md/modules.dep"
tap $? "depmod resolves igb and igbvf to ours in updates/vfcb, over the in-tree ones ($a_igb, $a_igbvf)"
make -s uninstall DESTDIR="$root3" >> "$log" 2>&1
tap $? "make uninstall of the igb form succeeds"
u_igb=$(resolves igb) u_igbvf=$(resolves igbvf)
[ "$u_igb" = "$b_igb" ] && [ "$u_igbvf" = "$b_igbvf" ] && [ ! -e "$root3/$md/updates" ]
tap $? "after uninstall igb and igbvf resolve to the in-tree ones again ($u_igb, $u_igbvf)"
left=$(find "$root3" -mindepth 1 -not -path "$root3/$md/kernel*" -not -name 'modules.*' \
	-not -path "$root3/$md" -not -path "$root3/lib/modules" -not -path "$root3/lib" | head -n 5)
[ -z "$left" ]; tap $? "uninstall leaves the in-tree modules and the indexes only${left:+ (left: ${left//$'\n'/ })}"

# Where the sources come from (scripts/igb-src.sh).
if msg=$(RIG_DIR=/nonexistent IGB_SRC='' scripts/igb-src.sh 0.0.0-vfcb-none 2>&1); then
	false
else
	case $msg in *IGB_SRC*) true ;; *) false ;; esac
fi
tap $? "igb-src.sh: no sources for a kernel, exit 1 and a message saying what to provide"
series=$(echo "$kver" | cut -d. -f1,2)
if RIG_DIR=/nonexistent IGB_SRC='' scripts/igb-src.sh --check "$kver" 2> /dev/null &&
   [ -d "build/rig/src/$kver" ]; then
	ext=$(RIG_DIR=/nonexistent IGB_SRC='' scripts/igb-src.sh "$kver" "$root3/src" 2>> "$log") &&
		diff -r -x VERSION "$ext" "build/rig/src/$kver" >> "$log" 2>&1
	tap $? "igb-src.sh extracts igb/, igbvf/ from /usr/src/linux-source-$series.tar.xz, as setup.sh did"
else
	n=$((n + 1)); echo "ok $n - # SKIP linux-source-$series of $kver's version is not installed"
fi

[ $fails = 0 ] || sed 's/^/#   /' "$log" | tail -20
rm -f "$log"
echo "1..$n"
[ $fails = 0 ]
