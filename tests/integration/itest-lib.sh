# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by vfcb's integration tests (busybox sh, in the guests).
# Source after /vfcb/guest-lib.sh.

CTL=/vfcb/vfcbctl
ITEST=/vfcb/vfcb_itest

# run_c CMD [ARG]...: run a C check program and relay its
# "ok - ..." / "not ok - ..." lines into this script's TAP stream.
run_c() {
	_o=/tmp/run_c.$$
	"$@" > "$_o" 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok "${_l#ok - }" ;;
		"not ok - "*) not_ok "${_l#not ok - }" ;;
		*) diag "$_l" ;;
		esac
	done < "$_o"
	[ $_rc -le 1 ] || not_ok "$(basename "$1") $2: exited with status $_rc"
	rm -f "$_o"
}

# fails_with ERRNO-TEXT DESC CMD...: CMD must fail and say ERRNO-TEXT.
fails_with() {
	_want=$1; _d=$2; shift 2
	if _out=$("$@" 2>&1); then
		not_ok "$_d"; diag "succeeded: $_out"
	elif echo "$_out" | grep -q "$_want"; then
		ok "$_d"
	else
		not_ok "$_d"; diag "wanted '$_want', got: $_out"
	fi
}

# pf_stat PF VF NAME: one counter from the PF's per-VF debugfs stats.
pf_stat() {
	awk -v k="$3" '$1 == k { print $2 }' \
		"/sys/kernel/debug/vfcb_pf/$1/vf$2/stats" 2>/dev/null
}

# vf_stat BDF NAME: one counter from the VF core's debugfs stats.
vf_stat() {
	awk -v k="$2:" '$1 == k { print $2 }' \
		"/sys/kernel/debug/vfcb_vf/$1/stats" 2>/dev/null
}

# pf_pending PF VF: the invalidations the host holds for VF.
pf_pending() {
	$CTL vf show "$1" "$2" | awk '$1 == "pending_mask" { print $2 }'
}

# block_is PF VF ID TEXT: the host's block ID of VF holds TEXT.
block_is() { [ "$($CTL block get "$1" "$2" "$3" --raw 2>/dev/null)" = "$4" ]; }

# vfio_pass BDF NAME: hand a VF to vfio-pci for an L2 guest; it must be
# alone in its IOMMU group.
vfio_pass() {
	_g=$(iommu_group_of "$1")
	is "$(ls "/sys/kernel/iommu_groups/$_g/devices" 2>/dev/null)" "$1" "$2 is alone in its IOMMU group"
	check "vfio-pci loads" load_mod vfio_pci
	check "vfio_iommu_type1 loads" load_mod vfio_iommu_type1
	check "$2 bound to vfio-pci" bind_driver "$1" vfio-pci
}

# vf_ready VFDEV: the VF device exists and its handshake is done.
vf_ready() { $CTL vf info "$1" 2>/dev/null | grep -q 'ready'; }

# kernel_log_clean: no WARNING/BUG so far (the runner checks too; this
# pins a failure to the step that caused it).
kernel_log_clean() { ! dmesg | grep -Eq 'WARNING:|BUG:|Oops|Call Trace'; }

# mkblob FILE LEN: LEN random bytes.
mkblob() { head -c "$2" /dev/urandom > "$1"; }

# aer_inject BDF UNCOR: have aer_inject (/dev/aer_inject, load_mod
# aer_inject) report an uncorrectable error with status UNCOR from BDF, as
# if its root port had received the message; the device's own severity
# register makes it fatal or not.  One write() of struct aer_error_inj:
# bus, dev, fn, a pad byte, then uncor_status, cor_status, header_log[4]
# and domain as little-endian u32s, 32 bytes.
aer_inject() {
	_u=$2 _s=$((0x${1%%:*})) _r=${1#*:}
	_b=$((0x${_r%%:*})) _r=${_r#*:}
	# the struct's 32 bytes, in decimal
	set -- $_b $((0x${_r%%.*})) ${_r#*.} 0 \
		$((_u & 255)) $((_u >> 8 & 255)) $((_u >> 16 & 255)) $((_u >> 24 & 255)) \
		0 0 0 0  0 0 0 0  0 0 0 0  0 0 0 0  0 0 0 0 \
		$((_s & 255)) $((_s >> 8 & 255)) 0 0
	# shellcheck disable=SC2059 # the format is the bytes, as octal escapes
	printf "$(printf '\\%03o' "$@")" > /tmp/aer_inj
	dd if=/tmp/aer_inj of=/dev/aer_inject bs=32 count=1
}
