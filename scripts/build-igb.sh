#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-igb.sh KVER: igb and igbvf of kernel KVER, carrying vfcb.
#
# The drivers are the kernel's own sources (linux-source of exactly KVER's
# version, fetched by setup.sh into $RIG_DIR/src/KVER), patched with
# igb/igb.patch and igb/igbvf.patch (or igb/igb-SERIES.patch where a series
# needs its own), plus this repo's transport files igb/igb_vfcb.c and
# igb/igbvf_vfcb.c.  They link against vfcb_pf.ko and vfcb_vf.ko built by
# build-modules.sh for the same kernel (its Module.symvers).  The .ko files
# land in build/kvers/KVER/ko/ next to vfcb's.  Both carry MODULE_VERSION
# "vfcb-<VFCB_VERSION>" (the in-tree ones have none), so modinfo tells them
# apart and DKMS does not take them for the in-tree ones.
#
# make install IGB=1 and DKMS use other places (environment):
#   IGB_SRC        directory with igb/ and igbvf/ of exactly KVER
#                  (scripts/igb-src.sh finds one), default $RIG_DIR/src/KVER
#   VFCB_SYMVERS   Module.symvers of the vfcb build to link against
#   IGB_BUILD      build directory, default build/kvers/KVER/igb-form
#   IGB_KO         where igb.ko and igbvf.ko go, default build/kvers/KVER/ko
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
kver=${1:?usage: build-igb.sh KVER}
kdir=/lib/modules/$kver/build
series=$(echo "$kver" | cut -d. -f1,2)
src=${IGB_SRC:-$RIG_DIR/src/$kver}
out=${IGB_BUILD:-$top/build/kvers/$kver/igb-form}
ko=${IGB_KO:-$top/build/kvers/$kver/ko}
symvers=${VFCB_SYMVERS:-$top/build/kvers/$kver/src/Module.symvers}

[ -f "$kdir/Makefile" ] || die "no headers for $kver at $kdir (run make setup)"
[ -f "$src/igb/igb_main.c" ] || die "no igb sources for $kver in $src (scripts/igb-src.sh $kver says where to get them)"
[ -f "$symvers" ] || die "vfcb is not built for $kver: run scripts/build-modules.sh $kver"

# patch_for DRIVER: the series' own patch if there is one, else the common one.
patch_for() {
	if [ -f "$top/igb/$1-$series.patch" ]; then
		echo "$top/igb/$1-$series.patch"
	else
		echo "$top/igb/$1.patch"
	fi
}

# build_one DRIVER TRANSPORT: fresh copy, patch, add the transport, build.
build_one() {
	local drv=$1 tr=$2 d=$out/$1 p
	p=$(patch_for "$drv")
	rm -rf "$d" && mkdir -p "$d"
	cp "$src/$drv"/* "$d/"
	if [ -s "$p" ]; then
		patch -s -p1 -d "$d" --no-backup-if-mismatch < "$p" ||
			die "$(basename "$p") does not apply to $drv of $kver"
	fi
	cp "$top/igb/$tr.c" "$top/igb/$tr.h" "$top/igb/vfcb_igb_msg.h" "$d/"
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' \
		'#include <linux/module.h>' '#include "vfcb_version.h"' \
		'MODULE_VERSION("vfcb-" VFCB_VERSION);' > "$d/vfcb_modver.c"
	cat >> "$d/Makefile" <<-MK

	# vfcb: the transport between this driver's mailbox and the vfcb core.
	$drv-y += $tr.o vfcb_modver.o
	ccflags-y += -I$top/include -I$top/uapi
	MK
	make -s -j"$(nproc)" -C "$kdir" M="$d" KBUILD_EXTRA_SYMBOLS="$symvers" modules
	cp "$d/$drv.ko" "$ko/"
}

mkdir -p "$out" "$ko"
build_one igb igb_vfcb
build_one igbvf igbvf_vfcb
ls "$ko"/igb.ko "$ko"/igbvf.ko
