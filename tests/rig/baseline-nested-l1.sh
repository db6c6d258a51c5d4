#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Baseline, nested topology, L1 side: the PF runs igb (up, so it serves its
# VFs' mailbox), one VF is handed to vfio-pci in its own IOMMU group, and an
# L2 guest gets it with -device vfio-pci.  L2's own results come back on
# separate channels (tests/rig/baseline-nested-l2.sh).

. /vfcb/guest-lib.sh

NVFS=2

pf=$(find_pf)
isnt "$pf" "" "igb PF (8086:10c9) present" || bail_out "no igb PF"
if [ -d /sys/kernel/iommu_groups/0 ]; then ok "IOMMU groups exist (intel_iommu=on)"
else not_ok "IOMMU groups exist (intel_iommu=on)"; fi

check "igb loads" load_mod igb
wait_for 10 test -n "$(netdev_of "$pf")"
pfnet=$(netdev_of "$pf")
check "PF netdev up" ip link set dev "$pfnet" up

# Without igbvf in L1 the VFs stay driverless until vfio-pci takes one.
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" "$NVFS" "sriov_numvfs=$NVFS created $NVFS VFs"
vf=$(echo $vfs | cut -d' ' -f1)
diag "VFs: $(echo $vfs); passing $vf to L2"

g=$(iommu_group_of "$vf")
isnt "$g" "" "VF has an IOMMU group"
is "$(ls "/sys/kernel/iommu_groups/$g/devices" 2>/dev/null)" "$vf" "VF is alone in IOMMU group $g"

check "vfio-pci loads" load_mod vfio_pci
check "vfio_iommu_type1 loads" load_mod vfio_iommu_type1
check "VF bound to vfio-pci" bind_driver "$vf" vfio-pci
check "/dev/vfio/$g exists" test -c "/dev/vfio/$g"

run_l2 "$vf"
is "$?" 0 "L2 guest ran and powered off"

# After L2 is gone the VF goes back to the host side cleanly.
check "VF unbinds from vfio-pci" unbind "$vf"
check "sriov_numvfs=0 removes the VFs" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"

done_testing
