#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vfcb's modules (and the test-only hostile VF module) for one guest
# kernel in a private copy of the tree, so builds for several kernels never
# share objects:  scripts/build-modules.sh KVER
# The .ko files land in build/kvers/KVER/ko/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
kver=${1:?usage: build-modules.sh KVER}
kdir=/lib/modules/$kver/build
[ -f "$kdir/Makefile" ] || die "no headers for $kver at $kdir (run make setup)"

src=$top/build/kvers/$kver/src
ko=$top/build/kvers/$kver/ko
mkdir -p "$src" "$ko"
cd "$top"
# Copy only what changed, so a rebuild is incremental.
for d in Kbuild engine pf_core vf_core e82576 uapi include tests/hostile_vf tests/kapi tests/loop tests/s3fw; do
	[ -e "$d" ] || continue
	mkdir -p "$src/$(dirname "$d")"
	cp -ru "$d" "$src/$(dirname "$d")/"
done
make -s -j"$(nproc)" -C "$kdir" M="$src" VFCB_TESTS=1 modules
find "$src" -name '*.ko' -exec cp {} "$ko"/ \;
ls "$ko"
