#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a staging root, as TAP: every file
# lands where Documentation/admin-guide.rst says, the modules are indexed
# by depmod with their PCI aliases, and uninstall leaves nothing behind.
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

make -s install DESTDIR="$root" > "$log" 2>&1
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

[ $fails = 0 ] || sed 's/^/#   /' "$log" | tail -20
rm -f "$log"
echo "1..$n"
[ $fails = 0 ]
