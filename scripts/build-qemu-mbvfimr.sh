#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the QEMU the rig runs (Debian's, from bookworm-backports) with its
# igb honouring MBVFIMR (tests/rig/qemu/igb-mbvfimr.patch), to measure
# what a quiet VF saves on a device that masks it, as the 82576 does:
#
#   scripts/build-qemu-mbvfimr.sh
#   QEMU=build/qemu-mbvfimr/qemu CONTAIN_SMP=2 make contain
#
# Not part of make check: CI measures the emulator Debian ships.  Needs
# root (build dependencies), the Debian mirror and about 3 minutes on two
# cores.  Prints the wrapper to pass as QEMU.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/qemu-mbvfimr

ver=$(dpkg-query -W -f '${Version}' qemu-system-x86)	# 1:10.0.2+ds-2+...
up=${ver#*:}
up=${up%%-*}						# 10.0.2+ds
src=qemu-${up%+ds}
tarball=qemu_${up}.orig.tar.xz

export DEBIAN_FRONTEND=noninteractive
# QEMU 10 wants meson >= 1.5: bookworm's is 1.0.
apt-get install -y -q -t bookworm-backports meson python3-pycotap > /dev/null
apt-get install -y -q libglib2.0-dev libpixman-1-dev libslirp-dev \
	libcap-ng-dev libattr1-dev libfdt-dev ninja-build bzip2 curl > /dev/null

mkdir -p "$OUT"
cd "$OUT"
[ -f "$tarball" ] ||
	curl -fsSLO "http://deb.debian.org/debian/pool/main/q/qemu/$tarball"
rm -rf "$src"
tar xf "$tarball"
cd "$src"
patch -p1 -s < "$TOP/tests/rig/qemu/igb-mbvfimr.patch"
# Debian's +ds source carries no firmware: build none, use Debian's (-L).
sed -i 's/^\( *unpack_edk2_blobs = \)bzip2\.found()/\1false/' meson.build
mkdir build
cd build
# What the rig uses (TCG, q35, igb, intel-iommu, user netdev, virtfs), no
# more.  Debian's Python: meson and pycotap are its packages.
../configure --python=/usr/bin/python3 --target-list=x86_64-softmmu \
	--disable-install-blobs --disable-docs --disable-werror \
	--enable-slirp --enable-virtfs --disable-gtk --disable-sdl \
	--disable-vnc --disable-opengl --disable-spice --disable-curses \
	--disable-xen --disable-guest-agent --disable-tools --disable-capstone \
	--disable-libusb --disable-usb-redir --disable-vde --disable-brlapi \
	--disable-gnutls --disable-nettle --disable-gcrypt --disable-libssh \
	--disable-rbd --disable-glusterfs --disable-libiscsi --disable-libnfs \
	--disable-seccomp > "$OUT/configure.log"
ninja -j"$(nproc)" qemu-system-x86_64 > "$OUT/build.log"

cat > "$OUT/qemu" <<WRAP
#!/bin/sh
# QEMU $up with igb honouring MBVFIMR; firmware from Debian's packages.
exec "$OUT/$src/build/qemu-system-x86_64" -L /usr/share/qemu -L /usr/share/seabios "\$@"
WRAP
chmod +x "$OUT/qemu"
"$OUT/qemu" --version | head -1
echo "QEMU=$OUT/qemu"
