#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, nested topology, L2: vfcb_vf on a VF passed through vfio-pci,
# talking to vfcb_pf in L1.  Iterations from the kernel command line
# (bench_n=, default 200).  Times are L2's CLOCK_MONOTONIC.

. /vfcb/guest-lib.sh

B=/vfcb/vfcb_bench
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
N=$(arg bench_n); N=${N:-200}
W=$((N / 10))

bench() {
	_d=$1; shift
	_out=$("$@" 2>&1)
	_rc=$?
	printf '%s\n' "$_out" | sed 's/^/# /'
	if [ $_rc = 0 ] && echo "$_out" | grep -q '^BENCH '; then ok "$_d"; else not_ok "$_d"; fi
}

vf=$(pci_find 8086 10ca | head -n 1)
isnt "$vf" "" "82576 VF visible in L2"
dev=/dev/vfcb-vf-$vf
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
wait_for 120 sh -c "/vfcb/vfcbctl vf info $dev 2>/dev/null | grep -q ready"
check "handshake with vfcb_pf in L1" sh -c "/vfcb/vfcbctl vf info $dev | grep -q ready"
diag "BENCHINFO side=L2 kernel=$(uname -r) n=$N"
ST="vf=/sys/kernel/debug/vfcb_vf/$vf/stats vfhw=/sys/kernel/debug/vfcb_82576_vf/$vf/stats"
bench "L2 vfcb: ping" $B lat op=ping label=l2_ping dev="$dev" n="$N" warmup="$W" $ST
bench "L2 vfcb: 128-byte read" $B lat op=read label=l2_read_128 block=1 len=128 dev="$dev" n="$N" warmup="$W" $ST
bench "L2 vfcb: 128-byte write" $B lat op=write label=l2_write_128 block=1 len=128 dev="$dev" n="$N" warmup="$W" $ST
done_testing
