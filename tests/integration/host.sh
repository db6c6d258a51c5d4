#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, host topology: vfcb_pf on the 82576 PF, seven VFs, six
# of them on vfcb_vf in the same kernel and one on the hostile test driver.
# Everything goes through the real (emulated) mailbox.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=7
NGOOD=6		# VF0..VF5 on vfcb_vf, VF6 on hostile_vf
pf=$(find_pf)
PFDEV=/dev/vfcb-pf-$pf

# ---- bring-up ------------------------------------------------------------

check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
is "$(driver_of "$pf")" vfcb_pf "PF $pf bound to vfcb_pf"
check "PF device node $PFDEV exists" test -c "$PFDEV"
is "$(stat -c %a "$PFDEV" 2>/dev/null)" 600 "PF device node is root-only (0600)"
is "$(cat /sys/bus/pci/devices/$pf/sriov_totalvfs)" 7 "PF offers 7 VFs"
fails_with "" "8 VFs are refused" sh -c "echo 8 > /sys/bus/pci/devices/$pf/sriov_numvfs"

check "hostile_vf test driver loads" insmod /vfcb/hostile_vf.ko
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS created $NVFS VFs"
fails_with "" "changing 7 VFs to 3 without going through 0 is refused" \
	sh -c "echo 3 > /sys/bus/pci/devices/$pf/sriov_numvfs"
i=0
for v in $vfs; do eval "VF$i=$v"; i=$((i + 1)); done
check "VF6 bound to hostile_vf" bind_driver "$VF6" hostile_vf

check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "vfcb_82576_vf loads" insmod /vfcb/vfcb_82576_vf.ko
good_devs=
i=0
while [ $i -lt $NGOOD ]; do
	eval "bdf=\$VF$i"
	dev=/dev/vfcb-vf-$bdf
	eval "DEV$i=$dev"
	good_devs="$good_devs $dev"
	wait_for 20 vf_ready "$dev"
	check "VF$i ($bdf): bound to vfcb_82576_vf, handshake done" vf_ready "$dev"
	is "$($CTL vf info "$dev" | awk '$1 == "vf_index" { print $2 }')" $i \
		"VF$i: learns its VF index from the PF"
	i=$((i + 1))
done
serials=$(for d in $good_devs; do $CTL vf info "$d" | awk '$1 == "serial" { print $2 }'; done)
is "$(echo "$serials" | sort -u | wc -l)" $NGOOD "serial numbers are unique per VF"
# modinfo needs modules.dep, which the guest lacks: read .modinfo directly.
check "modinfo: vfcb_pf has description, license, version, PCI alias" \
	sh -c "strings /vfcb/vfcb_pf.ko | grep -q '^description=.' && strings /vfcb/vfcb_pf.ko | grep -q '^license=GPL' && strings /vfcb/vfcb_pf.ko | grep -q '^version=.' && strings /vfcb/vfcb_pf.ko | grep -qi '^alias=pci:v00008086d000010C9'"
check "modinfo: vfcb_vf has description, parameters, no PCI alias" \
	sh -c "strings /vfcb/vfcb_vf.ko | grep -q '^description=.' && strings /vfcb/vfcb_vf.ko | grep -q '^parm=timeout_ms:.' && ! strings /vfcb/vfcb_vf.ko | grep -qi '^alias=pci:'"
check "modinfo: vfcb_82576_vf has description, parameters, PCI alias" \
	sh -c "strings /vfcb/vfcb_82576_vf.ko | grep -q '^description=.' && strings /vfcb/vfcb_82576_vf.ko | grep -q '^parm=mbx_vector:.' && strings /vfcb/vfcb_82576_vf.ko | grep -qi '^alias=pci:v00008086d000010CA'"

# ---- the ioctl bad-input matrices (first: no earlier test's state) -------

run_c $ITEST pf-ioctl "$PFDEV" $NVFS "$VF0"
run_c $ITEST vf-ioctl "$DEV0"

# ---- content: host to VF, byte for byte, on every VF ---------------------

for len in 1 55 56 57 116 117 128; do
	bad=0
	i=0
	while [ $i -lt $NGOOD ]; do
		eval "dev=\$DEV$i"
		mkblob /tmp/h$i $len
		$CTL block set "$pf" $i 7 --file /tmp/h$i || bad=$((bad + 1))
		$CTL read "$dev" 7 --raw > /tmp/g$i || bad=$((bad + 1))
		cmp -s /tmp/h$i /tmp/g$i || bad=$((bad + 1))
		i=$((i + 1))
	done
	is $bad 0 "$len-byte block set by the host reads back byte-identical on all $NGOOD VFs"
done

# ---- content: VF to host, with the host woken ----------------------------

$CTL block set "$pf" 2 9 --hex 00 --vf-writable
$CTL watch "$pf" --count 1 --timeout 10000 > /tmp/watch.out 2>&1 &
wpid=$!
sleep 0.5
mkblob /tmp/w 128
check "VF2 writes 128 bytes to its writable block 9" $CTL write "$DEV2" 9 --file /tmp/w
wait $wpid
is $? 0 "host watch wakes for the VF write"
check "watch names VF 2, block 9, 128 bytes" grep -q "vf 2 write block 9 len 128" /tmp/watch.out
$CTL block get "$pf" 2 9 --raw > /tmp/wb
check "host reads the VF's write back byte-identical" cmp -s /tmp/w /tmp/wb

# ---- isolation and policy -------------------------------------------------

$CTL block set "$pf" 0 4242 --string "only for VF0"
fails_with "No such file" "VF1 cannot read VF0's block (ENOENT)" $CTL read "$DEV1" 4242
check "VF0 reads its own block" $CTL read "$DEV0" 4242
fails_with "not permitted" "VF0 writing a read-only block gets EPERM" \
	$CTL write "$DEV0" 4242 --string x
is "$($CTL block get "$pf" 0 4242 --raw)" "only for VF0" "refused write changed nothing"
fails_with "" "VF3 creating a block without the create policy is refused" \
	$CTL write "$DEV3" 5000 --string new
check "host allows VF3 to create, quota 3" $CTL policy "$pf" 3 --vf-create on --max-blocks 3
check "VF3 creates block 5000" $CTL write "$DEV3" 5000 --string new
is "$($CTL block get "$pf" 3 5000 --raw)" new "host sees VF3's new block"
$CTL write "$DEV3" 5001 --string a >/dev/null 2>&1
$CTL write "$DEV3" 5002 --string b >/dev/null 2>&1
fails_with "space" "VF3 over its quota gets ENOSPC" $CTL write "$DEV3" 5003 --string c
fails_with "busy" "quota below the blocks in use is refused (EBUSY)" $CTL policy "$pf" 3 --max-blocks 1
check "host raises VF3's quota again" $CTL policy "$pf" 3 --max-blocks 64

# ---- tracepoints -----------------------------------------------------------

T=/sys/kernel/tracing
mountpoint -q $T || mount -t tracefs nodev $T
echo 1 > $T/events/vfcb_pf/enable
echo 1 > $T/events/vfcb_vf/enable
echo > $T/trace
$CTL read "$DEV0" 4242 > /dev/null
for ev in vfcb_pf_rx vfcb_pf_tx vfcb_vf_msg_tx vfcb_vf_msg_rx vfcb_vf_req_done; do
	check "tracepoint $ev fires for a VF read" grep -q "$ev:" $T/trace
done
echo 0 > $T/events/vfcb_pf/enable
echo 0 > $T/events/vfcb_vf/enable

# ---- everything at once ---------------------------------------------------

run_c $ITEST stress "$PFDEV" 40 $good_devs

# ---- invalidations ---------------------------------------------------------

run_c $ITEST readers "$PFDEV" 1 "$DEV1"

# While VF4 has no driver the masks accumulate; a new handshake delivers
# them OR-ed, and a VF reset (FLR) in between loses nothing.
check "unbind VF4 from vfcb_82576_vf" unbind "$VF4"
$CTL invalidate "$pf" 4 0x1
$CTL invalidate "$pf" 4 0x8000000000000000
$CTL invalidate "$pf" 4 0x10
check "FLR of VF4 while it has no driver" sh -c "echo 1 > /sys/bus/pci/devices/$VF4/reset"
pending=$($CTL vf show "$pf" 4 | awk '$1 == "pending" || $1 == "pending_mask" { print $2 }')
is "$pending" 0x8000000000000011 "host holds the OR of the masks raised while VF4 was away"
check "rebind VF4 to vfcb_82576_vf" bind_driver "$VF4" vfcb_82576_vf
wait_for 20 vf_ready "$DEV4"
run_c $ITEST expect-mask "$DEV4" 0x8000000000000011 10000

# ---- a PF that does not answer ---------------------------------------------

echo 1 > /sys/kernel/debug/vfcb_pf/$pf/vf5/mute
run_c $ITEST timeout "$DEV5" 3000
echo 0 > /sys/kernel/debug/vfcb_pf/$pf/vf5/mute
check "VF5 works again after the PF answers again" $CTL read "$DEV5" 7

# ---- config space ------------------------------------------------------------

# A VF's own ID registers read as the hardware has them (the kernel takes
# the IDs from the PF's SR-IOV capability), so compare with sysfs.
is "$($CTL cfg read "$pf" 0 0 8 | cut -c7-29)" "$(od -An -tx1 -N8 /sys/bus/pci/devices/$VF0/config | xargs)" \
	"vfcbctl cfg read shows VF0's config space as sysfs does"
fails_with "not permitted" "writing a VF BAR through the PF is refused (EPERM)" $CTL cfg write "$pf" 0 0x10 00000000

# ---- a hostile VF next to well-behaved ones ----------------------------------

HOSTILE=/sys/kernel/debug/hostile_vf/$VF6/attack
bad0=$(pf_stat "$pf" 6 bad_msgs)
for a in "badhdr" "garbage 200" "truncated" "wrongtag" "reorder" "hello" \
	 "badhdr" "truncated" "wrongtag" "reorder" "holdlock 300"; do
	echo "$a" > "$HOSTILE" || not_ok "hostile VF: attack '$a' could not be started"
	$CTL read "$DEV0" 4242 > /dev/null || not_ok "VF0 not served during hostile '$a'"
done
bad1=$(pf_stat "$pf" 6 bad_msgs)
diag "hostile VF: bad_msgs $bad0 -> $bad1, last error: $(awk '$1 == "last_error_name"' /sys/kernel/debug/vfcb_pf/$pf/vf6/stats)"
# garbage is random: a few of the 200 may happen to be well formed.
check "PF counted the hostile VF's bad messages" test "${bad1:-0}" -gt $((${bad0:-0} + 100))
# A flood: lower the threshold so TCG's slow VF can reach it.
echo 200 > /sys/module/vfcb_pf/parameters/flood_msgs
(while :; do $CTL read "$DEV0" 4242 >/dev/null || echo fail; done) > /tmp/during &
rpid=$!
echo "flood 5000" > "$HOSTILE"
kill $rpid
wait $rpid 2>/dev/null
is "$(grep -c fail /tmp/during)" 0 "VF0 served throughout the hostile VF's flood"
check "the flood was throttled" test "$(pf_stat "$pf" 6 throttle_events)" -ge 1
diag "throttled_msgs $(pf_stat "$pf" 6 throttled_msgs)"
check "VF0's stats show no errors" test "$(pf_stat "$pf" 0 bad_msgs)" = 0
echo 8192 > /sys/module/vfcb_pf/parameters/flood_msgs
run_c $ITEST stress "$PFDEV" 10 $good_devs
check "no WARNING/BUG after the hostile VF" kernel_log_clean

# ---- teardown with callers blocked --------------------------------------------

run_c $ITEST blocked "$DEV2" "$VF2"
check "rmmod vfcb_82576_vf with VFs bound" rmmod vfcb_82576_vf
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod hostile_vf" rmmod hostile_vf
check "sriov_numvfs back to 0" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
check "rmmod vfcb_pf" rmmod vfcb_pf
check "no WARNING/BUG in the whole run" kernel_log_clean

done_testing
