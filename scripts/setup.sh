#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the vfcb rig needs on a Debian 12 machine, and nothing
# that is already there.  Safe to run again: a second run only resolves
# versions and checks files.
#
#   scripts/setup.sh            # default guest kernel (newest 6.12) + 6.1
#   KVER=6.12.117+deb12-amd64 scripts/setup.sh
#   KVERS="<ver> <ver>" scripts/setup.sh
#
# Prints the resolved kernel versions, one "KVER_<series>=<ver>" per line,
# into $RIG_DIR/kernels.env so the Makefile and the runner agree on them.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

need_root() {
	if [ "$(id -u)" != 0 ]; then
		die "setup must run as root to install packages (try: sudo $0)"
	fi
}

apt_updated=0
apt_update_once() {
	if [ $apt_updated = 0 ]; then
		log "apt-get update"
		apt-get update -qq || die "apt-get update failed"
		apt_updated=1
	fi
}

# Packages from bookworm itself.
BASE_PKGS="build-essential bc flex bison kmod cpio xz-utils zstd busybox-static
	   sparse clang llvm libclang-rt-14-dev perl python3 python3-docutils pciutils
	   linux-source-6.12 dkms openssl gcc-multilib qemu-user"

missing_pkgs() {
	local p out=
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || out="$out $p"
	done
	echo $out
}

install_pkgs() {
	local miss
	miss=$(missing_pkgs "$@")
	[ -z "$miss" ] && return 0
	need_root
	apt_update_once
	log "installing:$miss"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $miss \
		>/dev/null || die "could not install:$miss"
}

# QEMU 7.2 in bookworm has no igb model: take qemu-system-x86 alone from
# bookworm-backports.  Backports is NotAutomatic, so adding the suite pulls
# nothing else in by itself.
setup_qemu() {
	if command -v qemu-system-x86_64 >/dev/null &&
	   qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'; then
		return 0
	fi
	need_root
	local src=/etc/apt/sources.list.d/vfcb-backports.sources
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "adding bookworm-backports to $src (for qemu-system-x86 only)"
		cat > "$src" <<-EOF
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: bookworm-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		apt_updated=0
	fi
	apt_update_once
	# Take from backports exactly the dependencies whose bookworm version
	# is too old, found by asking apt (the set changes as backports moves).
	local pkgs="qemu-system-x86/bookworm-backports" more i
	for i in 1 2 3 4 5 6; do
		more=$(apt-get install -s --no-install-recommends $pkgs 2>&1 |
		       sed -n 's/.*Depends: \([^ ]*\) .* but .* is to be installed.*/\1/p' |
		       sort -u | sed 's|$|/bookworm-backports|' | tr '\n' ' ') || true
		[ -z "$more" ] && break
		pkgs="$pkgs $more"
	done
	log "installing from bookworm-backports: $pkgs"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$pkgs >/dev/null ||
		die "could not install qemu-system-x86 from bookworm-backports"
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' ||
		die "installed QEMU has no igb device model"
}

# Newest linux-image-<series>.*-amd64 for which headers exist too.
resolve_kver() {
	local series=$1 v
	apt_update_once
	for v in $(apt-cache search --names-only "^linux-image-${series//./\\.}\.[0-9].*-amd64\$" |
		   awk '{print $1}' | sed -e 's/^linux-image-//' |
		   grep -v -e cloud -e rt -e unsigned -e dbg | sort -rV); do
		if apt-cache show "linux-headers-$v" >/dev/null 2>&1; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# The guest kernel image and its modules are unpacked into the rig cache
# (installing them would touch the host's /boot); the headers are installed
# normally so /lib/modules/<ver>/build exists for out-of-tree builds.
setup_kernel() {
	local ver=$1
	local dir="$RIG_DIR/kernels/$ver"
	if [ ! -f "$dir/vmlinuz" ] || [ ! -d "$dir/modules/kernel" ]; then
		need_root
		apt_update_once
		log "fetching guest kernel linux-image-$ver"
		local tmp
		tmp=$(mktemp -d)
		# apt downloads as its _apt user when that user can write here.
		chown _apt "$tmp" 2>/dev/null || chmod 777 "$tmp"
		(cd "$tmp" && apt-get download -qq "linux-image-$ver" >/dev/null) ||
			die "linux-image-$ver cannot be downloaded (override with KVER=...)"
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg -x "$tmp"/linux-image-*.deb "$tmp/x"
		cp "$tmp/x/boot/vmlinuz-$ver" "$dir/vmlinuz"
		mv "$tmp/x/lib/modules/$ver" "$dir/modules"
		rm -rf "$tmp"
	fi
	install_pkgs "linux-headers-$ver"
	[ -f "/lib/modules/$ver/build/Makefile" ] ||
		die "headers for $ver installed but /lib/modules/$ver/build is missing"
}

# checkpatch.pl and its spelling list come out of the linux-source tarball.
setup_checkpatch() {
	local d="$RIG_DIR/checkpatch"
	[ -x "$d/scripts/checkpatch.pl" ] && return 0
	local tarball
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "linux-source-6.12 tarball not found under /usr/src"
	log "extracting checkpatch.pl from $tarball"
	mkdir -p "$d"
	tar -xaf "$tarball" -C "$d" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' 2>/dev/null ||
		die "could not extract checkpatch.pl"
}

# setup_driver_src KVER: igb and igbvf sources of exactly that kernel (the
# Debian linux-source package of the same version as its headers), for the
# patched igb/igbvf that carry vfcb.  Only the two driver folders are kept,
# in $RIG_DIR/src/KVER/{igb,igbvf}; the .deb is not kept.
setup_driver_src() {
	local kver=$1 dir="$RIG_DIR/src/$1" ver series tmp
	[ -f "$dir/igb/igb_main.c" ] && [ -f "$dir/igbvf/netdev.c" ] && return 0
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver") ||
		die "linux-headers-$kver is not installed"
	series=$(echo "$kver" | cut -d. -f1,2)
	need_root
	apt_update_once
	log "fetching linux-source-$series=$ver (igb, igbvf for $kver)"
	tmp=$(mktemp -d)
	chown _apt "$tmp" 2>/dev/null || chmod 777 "$tmp"
	(cd "$tmp" && apt-get download -qq "linux-source-$series=$ver" >/dev/null) ||
		die "linux-source-$series=$ver cannot be downloaded"
	rm -rf "$dir" && mkdir -p "$dir"
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$dir" --strip-components=5 --wildcards \
			'*/drivers/net/ethernet/intel/igb/*' \
			'*/drivers/net/ethernet/intel/igbvf/*' ||
		die "could not extract igb/igbvf from linux-source-$series=$ver"
	rm -rf "$tmp"
	echo "$ver" > "$dir/VERSION"
}

main() {
	mkdir -p "$RIG_DIR"
	install_pkgs $BASE_PKGS
	setup_qemu
	setup_checkpatch

	local kvers=${KVERS:-}
	# Versions resolved by an earlier run are kept unless overridden, so
	# a second run does not ask the mirror again.
	if [ -z "$kvers" ] && [ -z "${KVER:-}" ] && [ -f "$RIG_DIR/kernels.env" ]; then
		kvers=$(sed -n 's/^KVER_[0-9_]*=//p' "$RIG_DIR/kernels.env" | tr '\n' ' ')
		kvers=${kvers% }
	fi
	if [ -z "$kvers" ]; then
		apt_update_once	# resolve_kver runs in a subshell
		local k612 k61
		k612=${KVER:-$(resolve_kver 6.12)} || die "no 6.12 kernel with headers found"
		k61=$(resolve_kver 6.1) || die "no 6.1 kernel with headers found"
		kvers="$k612 $k61"
	fi
	local v env=
	for v in $kvers; do
		setup_kernel "$v"
		setup_driver_src "$v"
		env="${env}KVER_$(echo "$v" | cut -d. -f1,2 | tr . _)=$v
"
	done
	# The first kernel is the default one.
	printf 'KVER=%s\n%s' "${kvers%% *}" "$env" > "$RIG_DIR/kernels.env"
	log "ready: $(tr '\n' ' ' < "$RIG_DIR/kernels.env")"
}

main "$@"
