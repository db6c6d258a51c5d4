#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, nested topology, L1 (run by scripts/bench.sh NESTED=1): vfcb_pf
# owns the PF, VF0 goes through vfio-pci to L2, where bench-nested-l2.sh
# times ping, reads and writes.  Not a test: TAP only says what ran.

. /vfcb/guest-lib.sh

CTL=/vfcb/vfcbctl
pf=$(find_pf)
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_82576_pf loads" insmod /vfcb/vfcb_82576_pf.ko
VF0=$(create_vfs "$pf" 1)
isnt "$VF0" "" "VF0 created"
head -c 128 /dev/urandom > /tmp/blk128
check "VF0 block 1: 128 bytes" $CTL block set "$pf" 0 1 --file /tmp/blk128 --vf-writable
check "VF0 block 2: 4 bytes" $CTL block set "$pf" 0 2 --hex 01020304 --vf-writable
check "vfio-pci loads" load_mod vfio_pci
check "vfio_iommu_type1 loads" load_mod vfio_iommu_type1
check "VF0 bound to vfio-pci" bind_driver "$VF0" vfio-pci
S=/sys/kernel/debug/vfcb_pf/$pf/vf0/stats
diag "BENCHINFO side=L1 kernel=$(uname -r)"
run_l2 "$VF0"
is "$?" 0 "L2 ran and powered off"
diag "L1 PF counters for VF0 over the whole L2 run (handshake and warm-up included):" \
	"$(grep -E '^(rx_msgs|tx_msgs|mmio_reads|mmio_writes|pings_served|reads_served|writes_served|throttle_events) ' "$S")"
check "VF0 unbinds from vfio-pci" unbind "$VF0"
check "sriov_numvfs=0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_82576_pf" rmmod vfcb_82576_pf
check "rmmod vfcb_pf" rmmod vfcb_pf
done_testing
