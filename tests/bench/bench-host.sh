#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, host topology (run by scripts/bench.sh, not a test): one boot,
# two or three phases on the same PF.
#   1. baseline: igb on the PF, igbvf on one VF; the VF's set-MAC request
#      (one VF->PF mailbox message and the PF's reply), timed.
#   2. vfcb: igb gone, vfcb_pf on the PF, 7 VFs on vfcb_vf; ping, reads and
#      writes, invalidate-to-wakeup, all 7 VFs at once.
#   3. the igb form, if /vfcb/igb.ko and /vfcb/igbvf.ko were shipped (igb
#      and igbvf patched to carry vfcb, scripts/build-igb.sh): the patched
#      igb on the PF; set-MAC from the stock igbvf on one VF, then from the
#      patched igbvf, then vfcb ping, 4- and 128-byte reads and writes
#      through igb's mailbox, in that order.
# The numbers are "# BENCH ..." lines; the TAP results only say whether
# each phase could run, never anything about timing.
# Iteration counts come from the kernel command line (bench_n=, bench_mt_n=,
# bench_inval_n=) so scripts/bench.sh can change them without a new image.

. /vfcb/guest-lib.sh

B=/vfcb/vfcb_bench
CTL=/vfcb/vfcbctl
NVFS=7

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
N=$(arg bench_n); N=${N:-2000}
MT_N=$(arg bench_mt_n); MT_N=${MT_N:-1000}
INV_N=$(arg bench_inval_n); INV_N=${INV_N:-500}
W=$((N / 10))

# bench DESC CMD...: run a vfcb_bench mode, relay its BENCH lines as diag.
bench() {
	_d=$1; shift
	_out=$("$@" 2>&1)
	_rc=$?
	printf '%s\n' "$_out" | sed 's/^/# /'
	if [ $_rc = 0 ] && echo "$_out" | grep -q '^BENCH '; then ok "$_d"; else not_ok "$_d"; fi
}

mount -t debugfs none /sys/kernel/debug 2>/dev/null
pf=$(find_pf)
isnt "$pf" "" "igb PF present" || bail_out "no igb PF"
diag "BENCHINFO kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) n=$N mt_n=$MT_N inval_n=$INV_N"

# ---- phase 1: the in-tree igb/igbvf baseline ----------------------------

check "igb loads" load_mod igb
wait_for 10 test -n "$(netdev_of "$pf")"
pfnet=$(netdev_of "$pf")
check "PF netdev up (igb serves its mailbox only when up)" ip link set dev "$pfnet" up
vf=$(create_vfs "$pf" 1)
check "igbvf loads" load_mod igbvf
check "VF bound to igbvf" bind_driver "$vf" igbvf
wait_for 10 test -n "$(netdev_of "$vf")"
vfnet=$(netdev_of "$vf")
ip link set dev "$vfnet" up
wait_for 15 grep -qx 1 "/sys/class/net/$vfnet/carrier"
bench "baseline: igbvf set-MAC round trips" $B setmac ifname="$vfnet" n="$N" warmup="$W"
check "baseline over: sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "igbvf unloads" rmmod igbvf
check "igb unloads" rmmod igb

# ---- phase 2: vfcb ------------------------------------------------------

check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
PFDEV=/dev/vfcb-pf-$pf
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "$NVFS VFs"
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
devs=
i=0
head -c 128 /dev/urandom > /tmp/blk128
for v in $vfs; do
	d=/dev/vfcb-vf-$v
	wait_for 20 sh -c "$CTL vf info $d 2>/dev/null | grep -q ready"
	$CTL block set "$pf" $i 1 --file /tmp/blk128 --vf-writable >/dev/null &&
		$CTL block set "$pf" $i 2 --hex 01020304 --vf-writable >/dev/null ||
		not_ok "VF$i: blocks defined"
	devs="$devs dev=$d"
	eval "VF$i=$v"
	i=$((i + 1))
done
check "all $NVFS VFs ready" sh -c "for d in $devs; do $CTL vf info \${d#dev=} | grep -q ready || exit 1; done"

D0=/dev/vfcb-vf-$VF0
# The cores count messages; vfcb_82576_vf counts its register accesses
# and interrupts in its own file (the PF driver counts none since the
# cores were split from the 82576 drivers).
ST="pfvf=/sys/kernel/debug/vfcb_pf/$pf/vf0/stats pf=/sys/kernel/debug/vfcb_pf/$pf/stats vf=/sys/kernel/debug/vfcb_vf/$VF0/stats vfhw=/sys/kernel/debug/vfcb_82576_vf/$VF0/stats"
[ -r /sys/kernel/debug/vfcb_vf/$VF0/stats ] || diag "no VF debugfs stats at /sys/kernel/debug/vfcb_vf/$VF0/stats: $(ls /sys/kernel/debug/vfcb_vf 2>&1)"

# shellcheck disable=SC2086
{
bench "vfcb: ping" $B lat op=ping dev="$D0" n="$N" warmup="$W" $ST
bench "vfcb: 128-byte read" $B lat op=read block=1 len=128 dev="$D0" n="$N" warmup="$W" $ST
bench "vfcb: 128-byte write" $B lat op=write block=1 len=128 dev="$D0" n="$N" warmup="$W" $ST
bench "vfcb: 4-byte read" $B lat op=read block=2 len=4 dev="$D0" n="$N" warmup="$W" $ST
bench "vfcb: invalidate to wake-up" $B inval pfdev="$PFDEV" vfidx=0 dev="$D0" n="$INV_N" $ST
bench "vfcb: ping on all $NVFS VFs at once" $B mt op=ping n="$MT_N" warmup=20 $devs
bench "vfcb: 128-byte read on all $NVFS VFs at once" $B mt op=read block=1 len=128 n="$MT_N" warmup=20 $devs
}
diag "PF stats after the run:" "$(cat /sys/kernel/debug/vfcb_pf/$pf/stats)"

check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_vf" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf

# ---- phase 3: the igb form ----------------------------------------------

if [ -f /vfcb/igb.ko ] && [ -f /vfcb/igbvf.ko ]; then
	check "igb form: vfcb_pf, vfcb_vf load" sh -c "insmod /vfcb/vfcb_pf.ko && insmod /vfcb/vfcb_vf.ko"
	# igb's in-tree dependencies are still loaded from phase 1.
	check "igb form: patched igb loads" insmod /vfcb/igb.ko
	wait_for 10 test -n "$(netdev_of "$pf")"
	pfnet=$(netdev_of "$pf")
	check "igb form: PF netdev up" ip link set dev "$pfnet" up
	# igb pings its VFs when the link comes up: before there are VFs.
	wait_for 20 grep -qx 1 "/sys/class/net/$pfnet/carrier"
	vf=$(create_vfs "$pf" 1)
	# The stock igbvf on the patched igb first: which side a slower
	# set-MAC of the patched pair comes from.
	check "igb form: stock igbvf loads" load_mod igbvf
	is "$(driver_of "$vf")" igbvf "igb form: VF bound to the stock igbvf"
	wait_for 10 test -n "$(netdev_of "$vf")"
	vfnet=$(netdev_of "$vf")
	ip link set dev "$vfnet" up
	wait_for 20 grep -qx 1 "/sys/class/net/$vfnet/carrier"
	bench "igb form: stock igbvf's set-MAC on the patched igb" $B setmac ifname="$vfnet" n="$N" warmup="$W" label=igb_pf_setmac
	check "igb form: stock igbvf unloads" rmmod igbvf
	check "igb form: patched igbvf loads" insmod /vfcb/igbvf.ko
	is "$(driver_of "$vf")" igbvf "igb form: VF bound to the patched igbvf"
	wait_for 10 test -n "$(netdev_of "$vf")"
	vfnet=$(netdev_of "$vf")
	ip link set dev "$vfnet" up
	wait_for 20 grep -qx 1 "/sys/class/net/$vfnet/carrier"
	D=/dev/vfcb-vf-$vf
	wait_for 20 sh -c "$CTL vf info $D 2>/dev/null | grep -q ready"
	check "igb form: VF0 handshake with igb" sh -c "$CTL vf info $D | grep -q ready"
	$CTL block set "$pf" 0 1 --file /tmp/blk128 --vf-writable >/dev/null &&
		$CTL block set "$pf" 0 2 --hex 01020304 --vf-writable >/dev/null
	is "$?" 0 "igb form: VF0's blocks defined"
	ST="pfvf=/sys/kernel/debug/vfcb_pf/$pf/vf0/stats vf=/sys/kernel/debug/vfcb_vf/$vf/stats"
	# shellcheck disable=SC2086
	{
	bench "igb form: igbvf set-MAC round trips" $B setmac ifname="$vfnet" n="$N" warmup="$W" label=igb_setmac
	bench "igb form: vfcb ping" $B lat op=ping label=igb_ping dev="$D" n="$N" warmup="$W" $ST
	bench "igb form: vfcb 4-byte read" $B lat op=read label=igb_read_4 block=2 len=4 dev="$D" n="$N" warmup="$W" $ST
	bench "igb form: vfcb 128-byte read" $B lat op=read label=igb_read_128 block=1 len=128 dev="$D" n="$N" warmup="$W" $ST
	bench "igb form: vfcb 4-byte write" $B lat op=write label=igb_write_4 block=2 len=4 dev="$D" n="$N" warmup="$W" $ST
	bench "igb form: vfcb 128-byte write" $B lat op=write label=igb_write_128 block=1 len=128 dev="$D" n="$N" warmup="$W" $ST
	}
	diag "igb form: $(dmesg | grep -c 'vfcb') vfcb lines in dmesg; last: $(dmesg | grep vfcb | tail -n 3)"
	check "igb form: sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
	check "igb form: rmmod igbvf igb vfcb_vf vfcb_pf" sh -c "rmmod igbvf && rmmod igb && rmmod vfcb_vf && rmmod vfcb_pf"
else
	diag "igb form: no /vfcb/igb.ko and /vfcb/igbvf.ko, not measured"
fi
done_testing
