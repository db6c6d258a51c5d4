# SPDX-License-Identifier: GPL-2.0
#
# Guest-side library for rig tests (busybox sh).  A test starts with
#
#   . /vfcb/guest-lib.sh
#
# and prints TAP through these helpers.  Its exit status only says whether
# the script itself broke: failed assertions are reported by not_ok, and a
# non-zero exit is a separate failure in the runner's report.  Don't use
# `set -e`: one failing probe would hide every later result.

. /vfcb/rig.env

# ---- TAP ---------------------------------------------------------------

_tap_n=0
_tap_failed=0
_tap_planned=

plan() { _tap_planned=$1; echo "1..$1"; }

ok()     { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }

# skip DESC [REASON]
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }

# diag TEXT...: each line becomes a TAP comment.
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# check DESC CMD [ARG]...: ok if CMD succeeds; its output goes to diag on
# failure.
check() {
	_d=$1; shift
	if _out=$("$@" 2>&1); then ok "$_d"; else not_ok "$_d"; diag "$* failed:" "$_out"; fi
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; diag "got '$1', want '$2'"; fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then ok "$3"; else not_ok "$3"; diag "got '$1'"; fi
}

# Print the plan if none was given; the runner checks the count either way.
done_testing() {
	[ -z "$_tap_planned" ] && echo "1..$_tap_n"
	diag "$_tap_n tests, $_tap_failed failed"
	return 0
}

# Abort the test: the runner reports it as a failure.
bail_out() { echo "Bail out! $*"; exit 255; }

# ---- waiting -----------------------------------------------------------

# wait_for SECONDS CMD [ARG]...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	_n=$(($1 * 5)); shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	"$@" >/dev/null 2>&1
}

# ---- modules -----------------------------------------------------------

# load_mod NAME [PARAM=VALUE]...: insmod NAME's dependencies, then NAME, in
# the order computed from modules.dep when the image was built.  Loaded and
# built-in modules are skipped.  A .ko shipped with --file can be loaded with
# plain insmod /vfcb/NAME.ko.
load_mod() {
	_m=$(echo "$1" | tr - _); shift
	[ -d "/sys/module/$_m" ] && return 0
	grep -qx "$_m" /lib/modules/builtin.list 2>/dev/null && return 0
	_l=$(grep "^$_m " /lib/modules/load.list) || {
		echo "load_mod: $_m not in the image" >&2; return 1; }
	set -- $_l "$@"
	shift		# the name
	while [ $# -gt 0 ]; do
		case "$1" in */*.ko) ;; *) break ;; esac
		_f=$1; shift
		_b=$(basename "$_f" .ko | tr - _)
		[ -d "/sys/module/$_b" ] && continue
		if [ "$_b" = "$_m" ]; then
			insmod "$_f" "$@" || return 1
			return 0
		fi
		insmod "$_f" || return 1
	done
}

# ---- PCI ---------------------------------------------------------------

# pci_find VENDOR DEVICE: BDFs (0000:01:00.0 form) of matching functions.
pci_find() {
	for _d in /sys/bus/pci/devices/*; do
		[ "$(cat "$_d/vendor")" = "0x$1" ] && [ "$(cat "$_d/device")" = "0x$2" ] &&
			basename "$_d"
	done
	return 0
}

# find_pf: the first igb PF (8086:10c9).
find_pf() { pci_find 8086 10c9 | head -n 1; }

# driver_of BDF: bound driver name, empty if none.
driver_of() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	return 0
}

# vfs_of PF: the PF's VFs, in VF-index order.
vfs_of() {
	_i=0
	while [ -e "/sys/bus/pci/devices/$1/virtfn$_i" ]; do
		basename "$(readlink "/sys/bus/pci/devices/$1/virtfn$_i")"
		_i=$((_i + 1))
	done
}

# create_vfs PF N: set sriov_numvfs to N (via 0, as the kernel requires for
# a change) and print the VF BDFs.
create_vfs() {
	_s=/sys/bus/pci/devices/$1/sriov_numvfs
	[ "$(cat "$_s")" = "$2" ] || {
		[ "$(cat "$_s")" = 0 ] || echo 0 > "$_s" || return 1
		echo "$2" > "$_s" || return 1
	}
	vfs_of "$1"
}

# unbind BDF: detach the device from its driver, if any.
unbind() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] || return 0
	echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
}

# bind_driver BDF DRIVER: rebind through driver_override + drivers_probe,
# which works for drivers whose id table doesn't list the device (vfio-pci).
bind_driver() {
	[ "$(driver_of "$1")" = "$2" ] && return 0
	unbind "$1" || return 1
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override" || return 1
	echo "$1" > /sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(driver_of "$1")" = "$2" ]
}

# netdev_of BDF: network interface names of a PCI function.
netdev_of() { ls "/sys/bus/pci/devices/$1/net" 2>/dev/null; }

# iommu_group_of BDF
iommu_group_of() {
	[ -e "/sys/bus/pci/devices/$1/iommu_group" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"
}

# dmesg_has EXTENDED-REGEX: is it in the kernel log?
dmesg_has() { dmesg | grep -Eq "$1"; }

# ---- nested: start L2 (only in an L1 image built by `rig.sh nested`) -----

# run_l2 VF_BDF...: boot the L2 guest with these VFs passed through
# vfio-pci (they must already be bound to vfio-pci).  QEMU comes from the
# build machine's root, shared read-only into L1 as 9p tag "hostroot"; L2's
# console and TAP channel go to L1's ttyS2/ttyS3, which the runner records.
# Returns L2 QEMU's exit status (0 = L2 powered off; 124 = L2 timed out).
run_l2() {
	[ -n "${L2_KERNEL:-}" ] || { echo "run_l2: not a nested L1 image" >&2; return 2; }
	_h=/host
	if ! grep -q " $_h 9p " /proc/mounts; then
		load_mod virtio_pci && load_mod 9pnet_virtio && load_mod 9p || return 2
		mkdir -p "$_h"
		# cache=loose: the share is read-only and static during a run,
		# and QEMU's binary and libraries get paged in much faster.
		mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 \
			hostroot "$_h" || return 2
		mount -t tmpfs tmpfs "$_h/tmp" || return 2
		for _m in dev proc sys; do mount -o bind "/$_m" "$_h/$_m" || return 2; done
		mkdir -p "$_h/tmp/out"
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 rigout "$_h/tmp/out" ||
			return 2
	fi
	# -accel kvm: L2 runs under KVM on L1's emulated AMD SVM (-cpu max
	# under TCG), much faster than TCG inside TCG.
	case "$L2_QEMU_ARGS" in
	*"-accel kvm"*)
		if ! load_mod kvm_amd || [ ! -c /dev/kvm ]; then
			diag "run_l2: no /dev/kvm in L1 (does L1's -cpu have svm?);" \
				"RIG_L2_ACCEL=tcg runs L2 without it" "$(dmesg | grep -i kvm)"
			return 2
		fi ;;
	esac
	# L2_SERIALS: other -serial options, for an L2 whose results must not
	# reach the runner (e.g. a guest a test kills on purpose).
	_dev=
	for _v in "$@"; do _dev="$_dev -device vfio-pci,host=$_v"; done
	# stty: QEMU's serial backend opens the ttys raw, but be explicit.
	stty -F /dev/ttyS2 raw -echo 2>/dev/null
	stty -F /dev/ttyS3 raw -echo 2>/dev/null
	diag "L2: qemu $L2_QEMU_ARGS$_dev (timeout ${L2_TIMEOUT}s)"
	# /usr/bin/timeout by path: busybox would run its own applet, which
	# returns QEMU's status (0 after SIGTERM) instead of 124.
	# shellcheck disable=SC2086
	chroot "$_h" /usr/bin/timeout -k 5 "$L2_TIMEOUT" qemu-system-x86_64 $L2_QEMU_ARGS $_dev \
		-kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$L2_APPEND" \
		${L2_SERIALS:--serial /dev/ttyS2 -serial /dev/ttyS3} \
		< /dev/null > /tmp/l2-qemu.log 2>&1
	_rc=$?
	[ -s /tmp/l2-qemu.log ] && diag "L2 qemu said:" "$(cat /tmp/l2-qemu.log)"
	return $_rc
}
