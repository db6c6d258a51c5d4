#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration test, host topology, the igb form (run name host-igb-SERIES):
# igb owns the PF with its netdev up, igbvf owns VF0..VF2 with their
# netdevs up, both patched to carry vfcb (scripts/build-igb.sh).  While
# frames flow PF<->VF and VF<->VF through the emulated NIC's internal
# switch, every config-block operation of host.sh and kapi.sh runs on the
# same VFs; igb's own mailbox requests (VF MAC, VLAN, MTU, multicast) are
# interleaved with vfcb reads; the PF's link goes down and up under
# vfcb_soak's control loop (igb's link-change pings share the buffer with
# vfcb's messages); VF FLR, igbvf unbind/rebind, sriov_numvfs N->0->N and
# an igb reload follow.
#
#   scripts/build-modules.sh 6.12 && scripts/build-igb.sh 6.12
#   scripts/rig.sh host --kver 6.12 --test tests/integration/igb.sh \
#	--module 8021q --file build/kvers/KVER/ko/{vfcb_pf,vfcb_vf,igb,igbvf,vfcb_kapi_test}.ko \
#	--file tools/vfcbctl --file build/itest/vfcb_itest --file build/itest/igbt_net \
#	--file build/itest/vfcb_soak --file tests/integration/itest-lib.sh
#
# Addresses: 198.18.0.0/24 and 198.18.1.0/24 (RFC 2544's benchmarking
# range, never routed) on the PF and the VFs only, each VF in a network
# namespace of its own so frames cross the NIC.  QEMU's backend is
# "-netdev user,restrict=on": nothing leaves QEMU.  IPv6 is off on these
# interfaces, so they send nothing but the test's own frames.

. /vfcb/guest-lib.sh
. /vfcb/itest-lib.sh

NVFS=3
NET=/vfcb/igbt_net
SOAK=/vfcb/vfcb_soak
A=198.18.0	# VF i is $A.(10 + i), the PF $A.1
KT=/sys/kernel/debug/vfcb_kapi_test
# Fragment boundaries of the igb form's 15-dword messages
# (Documentation/protocol.rst): a READ completion carries 52 bytes in
# fragment 0 and 56 in each later one (boundaries 52, 108), a WRITE 48 and
# 56 (boundaries 48, 104); each boundary with its neighbours, and the ends.
LENS="1 47 48 49 51 52 53 103 104 105 107 108 109 128"

pf=$(find_pf)
PFDEV=/dev/vfcb-pf-$pf
isnt "$pf" "" "igb PF (8086:10c9) present" || bail_out "no igb PF"

# ---- helpers ---------------------------------------------------------------

# run_here DESC CMD...: check, but CMD runs in this shell (it may set
# variables); its output goes to diag on failure.
run_here() {
	_d=$1; shift
	if "$@" > /tmp/run_here.out 2>&1; then ok "$_d"
	else not_ok "$_d"; diag "$(cat /tmp/run_here.out)"; fi
}

# ns I CMD...: run CMD in VF I's network namespace (with its own sysfs).
ns() { _i=$1; shift; eval "nsenter -t \$NSP$_i -n -m \"\$@\""; }
# Entered before it unshared, the sysctls below went to this shell's
# namespace: VF0's kept IPv6 on and ignored echoes to a multicast group,
# and the multicast check failed in one run of six.
ns_start() {	# I
	unshare -n -m sh -c 'mount -t sysfs sysfs /sys && exec sleep 100000' &
	eval "NSP$1=$!"
	wait_for 10 netns_ready $! || { echo "no namespace of its own within 10 s"; return 1; }
	ns "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv4.icmp_echo_ignore_broadcasts=0
	_s=$(ns "$1" cat /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts | xargs)
	[ "$_s" = "1 0" ] || { echo "sysctls not set in the namespace (disable_ipv6, icmp_echo_ignore_broadcasts: $_s)"; return 1; }
}
has_netdev() { [ -n "$(netdev_of "$1")" ]; }
carrier() { ns "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null | grep -qx 1; }
pf_carrier() { grep -qx 1 "/sys/class/net/$pfnet/carrier" 2>/dev/null; }

# vf_net_up I: VF I's igbvf netdev into namespace I, addressed, up, with
# carrier.  Sets NETI.
vf_net_up() {
	eval "_v=\$VF$1 _p=\$NSP$1"
	wait_for 15 has_netdev "$_v" || { echo "VF$1 ($_v): no netdev within 15 s (driver: $(driver_of "$_v"))"; return 1; }
	_n=$(netdev_of "$_v")
	eval "NET$1=$_n"
	ip link set dev "$_n" netns "$_p" || { echo "VF$1: $_n not moved into its namespace"; return 1; }
	ns "$1" ip link set dev lo up
	ns "$1" ip link set dev "$_n" up || return 1
	ns "$1" ip addr add "$A.$((10 + $1))/24" dev "$_n" || return 1
	wait_for 15 carrier "$1" "$_n" || { echo "VF$1 ($_n): no carrier within 15 s"; return 1; }
}

# pf_up: igb's netdev up and addressed.  Sets pfnet.
pf_up() {
	wait_for 15 has_netdev "$pf" || { echo "PF $pf: no netdev within 15 s"; return 1; }
	pfnet=$(netdev_of "$pf")
	sysctl -qw "net.ipv6.conf.$pfnet.disable_ipv6=1"
	ip link set dev "$pfnet" up || return 1
	ip addr add "$A.1/24" dev "$pfnet" 2>/dev/null
	wait_for 15 pf_carrier || { echo "PF $pfnet: no carrier within 15 s"; return 1; }
}

# load_igb: igb's in-tree dependencies (from the image), then the patched igb.
load_igb() {
	for _f in $(grep '^igb ' /lib/modules/load.list); do
		case "$_f" in igb|*/igb.ko) ;; *)
			_b=$(basename "$_f" .ko | tr - _)
			[ -d "/sys/module/$_b" ] || insmod "$_f" || return 1 ;;
		esac
	done
	insmod /vfcb/igb.ko
}

# Counted pings: TOT_SENT/TOT_RECV over the whole run.
TOT_SENT=0 TOT_RECV=0
# pingc WHERE TARGET COUNT WAIT [ARGS]: WHERE is "-" (the PF's namespace)
# or a VF index; WAIT seconds for late replies.  Prints "sent received".
pingc() {
	_w=$1 _t=$2 _c=$3 _W=$4; shift 4
	if [ "$_w" = - ]; then _o=$(ping -q -c "$_c" -i 0.05 -W "$_W" "$@" "$_t" 2>&1)
	else _o=$(ns "$_w" ping -q -c "$_c" -i 0.05 -W "$_W" "$@" "$_t" 2>&1); fi
	_s=$(echo "$_o" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p')
	echo "${_s:-0 0}"
}
where_name() { [ "$1" = - ] && echo PF || echo "VF$1"; }
# ping_ok WHERE TARGET DESC [ARGS]: 20 pings, none lost.
ping_ok() {
	_w=$1 _t=$2 _d=$3; shift 3
	set -- $(pingc "$_w" "$_t" 20 3 "$@")
	TOT_SENT=$((TOT_SENT + $1)) TOT_RECV=$((TOT_RECV + $2))
	diag "$(where_name "$_w") -> $_t: sent $1, received $2"
	if [ "$1" = 20 ] && [ "$2" = 20 ]; then ok "$_d (20 sent, 0 lost)"
	else not_ok "$_d (20 sent, 0 lost)"; diag "sent $1, received $2"; fi
}
# ping_fails WHERE TARGET DESC [ARGS]: 3 pings, none answered.
ping_fails() {
	_w=$1 _t=$2 _d=$3; shift 3
	set -- $(pingc "$_w" "$_t" 3 2 "$@")
	if [ "$1" = 3 ] && [ "$2" = 0 ]; then ok "$_d"
	else not_ok "$_d"; diag "$(where_name "$_w") -> $_t: sent $1, received $2 (want 3 sent, none answered)"; fi
}
# reach WHERE TARGET SECONDS: until one ping is answered (ARP, a link
# coming back), one try a second at most SECONDS times.
reach1() { [ "$(pingc "$1" "$2" 1 1 | cut -d' ' -f2)" = 1 ]; }
reach() {
	_n=$3
	while [ "$_n" -gt 0 ]; do reach1 "$1" "$2" && return 0; _n=$((_n - 1)); done
	diag "$(where_name "$1") -> $2: no ping answered in $3 tries of 1 s"
	return 1
}

# Background traffic: a stream is rounds of 20 pings until its stop file
# appears; every round's "sent received" goes to /tmp/stream.NAME.
stream_start() {	# NAME WHERE TARGET
	rm -f "/tmp/stream.$1" "/tmp/stop.$1"
	( while [ ! -e "/tmp/stop.$1" ]; do pingc "$2" "$3" 20 3 >> "/tmp/stream.$1"; done ) &
	eval "SPID_$1=$!"
}
stream_replied() { awk '$2 > 0 { f = 1 } END { exit !f }' "/tmp/stream.$1" 2>/dev/null; }
# stream_started NAME DESC: the stream has had a reply (proof it runs).
stream_started() {
	if wait_for 30 stream_replied "$1"; then ok "$2"
	else not_ok "$2"; diag "stream $1: no ping answered within 30 s: $(cat "/tmp/stream.$1" 2>/dev/null | tr '\n' ' ')"; fi
}
# stream_stop NAME DESC: stop it, let the round in flight finish, count.
stream_stop() {
	touch "/tmp/stop.$1"
	eval "_p=\$SPID_$1"
	if ! wait_for 30 dead "$_p"; then
		not_ok "$2: stream stopped"; diag "stream $1 still running 30 s after its stop"
		kill "$_p"
	fi
	set -- "$1" "$2" $(awk '{ s += $1; r += $2; n++ } END { print s + 0, r + 0, n + 0 }' "/tmp/stream.$1")
	TOT_SENT=$((TOT_SENT + $3)) TOT_RECV=$((TOT_RECV + $4))
	diag "stream $1: $5 rounds, sent $3, received $4, lost $(($3 - $4))"
	if [ "$3" -gt 0 ] && [ "$3" = "$4" ]; then ok "$2 ($3 sent, 0 lost)"
	else not_ok "$2 ($3 sent, $(($3 - $4)) lost)"; fi
}
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }

# refused ERRNO-TEXT DESC NODE CMD...: fails_with, once the device node
# NODE exists (without it any command fails, for the wrong reason).
refused() {
	_e=$1 _d=$2 _n=$3; shift 3
	if [ -c "$_n" ]; then fails_with "$_e" "$_d" "$@"
	else not_ok "$_d"; diag "$_n does not exist"; fi
}

# vfcb readiness of every VF in $@ (indexes).
all_ready() { for _i in "$@"; do eval "vf_ready \$DEV$_i" || return 1; done; }
# check_ready DESC I...: bounded wait, then one result naming who is not ready.
check_ready() {
	_d=$1; shift
	if wait_for 15 all_ready "$@"; then ok "$_d"; return; fi
	not_ok "$_d"
	for _i in "$@"; do
		eval "_dev=\$DEV$_i _v=\$VF$_i"
		vf_ready "$_dev" || diag "VF$_i ($_v, driver '$(driver_of "$_v")'): $_dev $(test -e "$_dev" && echo 'exists, not ready' || echo 'does not exist') within 15 s"
	done
}

# kapi CMD: one group of vfcb_kapi_test's checks, relayed (as kapi.sh).
kapi() {
	if ! { echo "$1" > "$KT/run"; } 2> /tmp/kapi.err; then
		not_ok "kapi $1: the command runs"
		diag "$(cat /tmp/kapi.err)"
		return
	fi
	_n=0
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok "kapi: ${_l#ok - }"; _n=$((_n + 1)) ;;
		"not ok - "*) not_ok "kapi: ${_l#not ok - }"; _n=$((_n + 1)) ;;
		*) diag "${_l#\# }" ;;
		esac
	done < "$KT/results"
	[ $_n -gt 0 ] || not_ok "kapi $1: the command reported results"
}

# set_read VF ID LEN: host sets LEN random bytes, the VF reads them back
# byte-identical.  Says what went wrong.
set_read() {
	eval "_dev=\$DEV$1"
	mkblob "/tmp/h$1" "$3"
	if ! $CTL block set "$pf" "$1" "$2" --file "/tmp/h$1" 2>&1; then echo "(host set failed)"; return 1; fi
	if ! $CTL read "$_dev" "$2" --raw > "/tmp/g$1"; then echo "(VF read failed)"; return 1; fi
	cmp "/tmp/h$1" "/tmp/g$1" 2>&1
}

# mark SECTION: where the time goes (diagnostics only).
mark() { diag "time: $1 at $(awk -v t0="$T0" '{ printf "%.0f", $1 - t0 }' /proc/uptime) s"; }

# ---- bring-up ----------------------------------------------------------------

T0=$(cut -d' ' -f1 /proc/uptime)
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
check "vfcb_pf loads" insmod /vfcb/vfcb_pf.ko
check "vfcb_vf loads" insmod /vfcb/vfcb_vf.ko
check "8021q loads (VLAN interface on the PF)" load_mod 8021q
check "patched igb loads" load_igb
is "$(driver_of "$pf")" igb "PF $pf bound to igb"
run_here "PF netdev up with carrier" pf_up
diag "PF netdev $pfnet, $A.1"
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS created $NVFS VFs"
i=0
for v in $vfs; do eval "VF$i=$v DEV$i=/dev/vfcb-vf-$v"; i=$((i + 1)); done
check "patched igbvf loads" insmod /vfcb/igbvf.ko
i=0
while [ $i -lt $NVFS ]; do
	eval "v=\$VF$i"
	wait_for 10 sh -c "[ -e /sys/bus/pci/devices/$v/driver ]"
	is "$(driver_of "$v")" igbvf "VF$i ($v) bound to igbvf"
	run_here "VF$i: namespace for its netdev" ns_start $i
	run_here "VF$i: igbvf netdev up in its namespace, carrier" vf_net_up $i
	i=$((i + 1))
done
diag "VF netdevs: $NET0 $NET1 $NET2 (namespaces of pids $NSP0 $NSP1 $NSP2)"
diag "bring-up done at $(cut -d' ' -f1 /proc/uptime) s (test started at $T0 s)"

check "vfcb: PF device node $PFDEV exists (igb registered its VFs with vfcb_pf)" test -c "$PFDEV"
check_ready "vfcb: VF0..VF2 handshaken through igbvf's mailbox" 0 1 2
i=0
while [ $i -lt $NVFS ]; do
	eval "dev=\$DEV$i"
	is "$($CTL vf info "$dev" 2>/dev/null | awk '$1 == "vf_index" { print $2 }')" $i \
		"vfcb: VF$i learns its VF index from the PF"
	i=$((i + 1))
done

mark "traffic checks"
# ---- traffic through the NIC's switch ------------------------------------------

ping_ok - $A.10 "PF -> VF0 through the NIC"
ping_ok 1 $A.10 "VF1 -> VF0 through the NIC"
ping_ok 2 $A.1 "VF2 -> PF through the NIC"

mark "vfcb operations under traffic"
# ---- vfcb operations while traffic flows ---------------------------------------

stream_start pf0 - $A.10
stream_start v10 1 $A.10
stream_started pf0 "background traffic PF -> VF0 is flowing"
stream_started v10 "background traffic VF1 -> VF0 is flowing"
mark "content"

run_c $ITEST pf-ioctl "$PFDEV" $NVFS "$VF0"
run_c $ITEST vf-ioctl "$DEV0"

for len in $LENS; do
	bad=
	for i in 0 1 2; do set_read $i 7 $len > /tmp/sr.err 2>&1 || bad="$bad VF$i: $(head -c 120 /tmp/sr.err | tr '\n' ' ');"; done
	is "${bad:-none}" none "$len-byte block set by the host reads back byte-identical on VF0..VF2"
done

# VF writes at every boundary, each reported to the host's watch.  The
# watch is proven listening (a sentinel write shows up) before they start.
for i in 0 1 2; do
	$CTL block set "$pf" $i 8 --hex 00 --vf-writable 2>/dev/null
	$CTL block set "$pf" $i 9 --hex 00 --vf-writable 2>/dev/null
done
rm -f /tmp/watch.out
$CTL watch "$pf" --timeout 120000 > /tmp/watch.out 2>&1 &
wpid=$!
sentinel() {
	$CTL write "$DEV0" 8 --string s >/dev/null 2>&1
	grep -q "vf 0 write block 8" /tmp/watch.out || dead $wpid
}
if wait_for 20 sentinel && alive $wpid; then ok "host watch is listening (a sentinel write from VF0 reported)"
else not_ok "host watch is listening (a sentinel write from VF0 reported)"; diag "watch said: $(head -c 300 /tmp/watch.out)"; fi
for len in $LENS; do
	bad=
	for i in 0 1 2; do
		eval "dev=\$DEV$i"
		mkblob /tmp/w$i $len
		if ! $CTL write "$dev" 9 --file /tmp/w$i > /tmp/wr.err 2>&1; then bad="$bad VF$i(write: $(head -c 80 /tmp/wr.err))"
		elif ! $CTL block get "$pf" $i 9 --raw > /tmp/wb$i || ! cmp -s /tmp/w$i /tmp/wb$i; then bad="$bad VF$i(content)"; fi
	done
	is "${bad:-none}" none "$len-byte write from VF0..VF2 reaches the host byte-identical"
done
seen_all() {
	for _l in $LENS; do for _i in 0 1 2; do
		grep -q "vf $_i write block 9 len $_l\$" /tmp/watch.out || return 1
	done; done
}
if wait_for 10 seen_all; then ok "host watch reports all $(( $(echo $LENS | wc -w) * 3 )) VF writes (VF, block, length)"
else
	not_ok "host watch reports all $(( $(echo $LENS | wc -w) * 3 )) VF writes (VF, block, length)"
	diag "watch output: $(grep -c 'write block 9' /tmp/watch.out 2>/dev/null) writes of block 9 seen; first lines: $(head -n 3 /tmp/watch.out | tr '\n' ' ')"
fi
kill $wpid 2>/dev/null; wait $wpid 2>/dev/null

mark "isolation, policy, tracepoints, kapi, stress"
# Isolation and policy (host.sh), on the igb form's VFs.
$CTL block set "$pf" 0 4242 --string "only for VF0" 2>/dev/null
refused "No such file" "VF1 cannot read VF0's block (ENOENT)" "$DEV1" $CTL read "$DEV1" 4242
check "VF0 reads its own block" $CTL read "$DEV0" 4242
refused "not permitted" "VF0 writing a read-only block gets EPERM" "$DEV0" $CTL write "$DEV0" 4242 --string x
is "$($CTL block get "$pf" 0 4242 --raw 2>&1)" "only for VF0" "refused write changed nothing"
refused "" "VF2 creating a block without the create policy is refused" "$DEV2" $CTL write "$DEV2" 5000 --string new
check "host allows VF2 to create" $CTL policy "$pf" 2 --vf-create on
check "VF2 creates block 5000" $CTL write "$DEV2" 5000 --string new
is "$($CTL block get "$pf" 2 5000 --raw 2>&1)" new "host sees VF2's new block"

# Tracepoints of both cores fire for a read through igbvf/igb.
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
echo 1 > $T/events/vfcb_pf/enable
echo 1 > $T/events/vfcb_vf/enable
echo > $T/trace
$CTL read "$DEV0" 4242 > /dev/null 2>&1
for ev in vfcb_pf_rx vfcb_pf_tx vfcb_vf_msg_tx vfcb_vf_msg_rx vfcb_vf_req_done; do
	check "tracepoint $ev fires for a VF read" grep -q "$ev:" $T/trace
done
echo 0 > $T/events/vfcb_pf/enable
echo 0 > $T/events/vfcb_vf/enable

# The second kernel module, which owns no VF: vfcb_vf_get() by pci_dev.
refused "" "vfcb_kapi_test refuses to load for a VF that does not exist" "$PFDEV" \
	insmod /vfcb/vfcb_kapi_test.ko pf="$pf" vf=$NVFS
check "vfcb_kapi_test loads for PF $pf, VF1 ($VF1)" insmod /vfcb/vfcb_kapi_test.ko pf="$pf" vf=1
kapi pf
kapi vf
kapi listeners

run_c $ITEST stress "$PFDEV" 20 $DEV0 $DEV1 $DEV2
run_c $ITEST readers "$PFDEV" 1 "$DEV1"

# A PF that does not answer: the VF's request times out, then works again.
MUTE=/sys/kernel/debug/vfcb_pf/$pf/vf2/mute
check "the PF stops answering VF2 (debugfs mute)" sh -c "echo 1 > $MUTE"
run_c $ITEST timeout "$DEV2" 3000
check "the PF answers VF2 again (debugfs mute)" sh -c "echo 0 > $MUTE"
check "VF2 works again after the PF answers again" $CTL read "$DEV2" 7

# A lost mailbox interrupt: igb serves the mailbox only from its
# interrupt, and vfcb's watchdog raises it again when a cause stayed
# latched through two of its looks (every 250 ms) with no pass between.
# igb.vfcb_lose_irqs (test only) skips the next pass, the cause left
# latched, as QEMU now and then loses one: VF0's 128-byte read (four
# requests) must still be served, each within its 1 s deadline.
LOSE=/sys/module/igb/parameters/vfcb_lose_irqs
big=$(printf 'lost interrupt! %.0s' 1 2 3 4 5 6 7 8)	# 128 bytes
$CTL block set "$pf" 0 72 --string "$big"
kicks0=$(dmesg | grep -c 'vfcb: mailbox interrupt lost, raised again')
vf0_st() { echo "$(vf_stat "$VF0" timeouts) $(vf_stat "$VF0" handshakes) $(vf_stat "$VF0" resyncs)"; }
st0=$(vf0_st)
echo 1 > $LOSE
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
out=$($CTL read "$DEV0" 72 --raw 2>&1)
t1=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
is "$out" "$big" "lost interrupt: VF0's 128-byte read is served"
is "$(cat $LOSE)" 0 "lost interrupt: igb skipped the pass (vfcb_lose_irqs counted down)"
check "lost interrupt: vfcb's watchdog raised igb's interrupt again (its log line)" \
	test "$(dmesg | grep -c 'vfcb: mailbox interrupt lost, raised again')" -gt "$kicks0"
is "$(vf0_st)" "$st0" "lost interrupt: no request of VF0 timed out, no new handshake, no resync (timeouts handshakes resyncs)"
diag "lost interrupt: the read took $((t1 - t0)) ms; $(dmesg | grep 'mailbox interrupt lost' | tail -n 1 | sed 's/.*vfcb: //')"

is "$($CTL cfg read "$pf" 0 0 8 2>/dev/null | cut -c7-29)" "$(od -An -tx1 -N8 /sys/bus/pci/devices/$VF0/config | xargs)" \
	"vfcbctl cfg read shows VF0's config space as sysfs does"

stream_stop pf0 "PF -> VF0 traffic during the vfcb operations"
stream_stop v10 "VF1 -> VF0 traffic during the vfcb operations"
check "no WARNING/BUG after the vfcb operations under traffic" kernel_log_clean

mark "igb's requests"
# ---- igb's own mailbox requests interleaved with vfcb's -------------------------

# A vfcb reader on every VF, each proven running before igb's requests.
for i in 0 1 2; do
	mkblob /tmp/l$i 128
	$CTL block set "$pf" $i 7 --file /tmp/l$i 2>/dev/null
	rm -f /tmp/load$i.progress /tmp/load$i.log
	eval "dev=\$DEV$i"
	$ITEST load "$dev" 7 /tmp/load$i.progress /tmp/load$i.log 2>/tmp/load$i.err &
	eval "LPID$i=$!"
done
load_ops() { awk '$1 == "ops" { print $2 }' "/tmp/load$1.progress" 2>/dev/null; }
load_started() { [ "$(load_ops "$1")" -ge 1 ] 2>/dev/null; }
load_started_or_dead() { eval "_p=\$LPID$1"; load_started "$1" || dead "$_p"; }
for i in 0 1 2; do
	if wait_for 30 load_started_or_dead $i && load_started $i; then ok "vfcb reader on VF$i running before igb's requests"
	else eval "p=\$LPID$i"; not_ok "vfcb reader on VF$i running before igb's requests"
		diag "no read of VF$i within 30 s; reader $(alive $p && echo 'still running' || echo exited): $(cat /tmp/load$i.err 2>/dev/null)"; fi
done
stream_start pfB - $A.10
stream_started pfB "background traffic PF -> VF0 is flowing during igb's requests"

# Multicast (E1000_VF_SET_MULTICAST) on VF0: join, then the PF's ping to
# the group is answered by VF0.
rm -f /tmp/join.out
nsenter -t "$NSP0" -n $NET join "$NET0" 239.1.2.3 > /tmp/join.out 2>&1 &
jpid=$!
joined() { grep -q joined /tmp/join.out; }
run_here "VF0 joins 239.1.2.3" wait_for 10 joined
check "VF0's multicast list has 01:00:5e:01:02:03 (ip maddr)" sh -c "nsenter -t $NSP0 -n cat /proc/net/dev_mcast | grep -q '$NET0 .*01005e010203'"
ip route add 239.0.0.0/8 dev "$pfnet" 2>/dev/null
# VF0's side, to tell a filter the PF never set from a reply that got lost
vf0_echo() {
	ns 0 awk '$1 == "Icmp:" && !h { for (i = 2; i <= NF; i++) n[$i] = i; h = 1; next }
		  $1 == "Icmp:" { print "InEchos " $(n["InEchos"]) " OutEchoReps " $(n["OutEchoReps"]) }' /proc/net/snmp
	echo "rx_multicast $(ns 0 cat "/sys/class/net/$NET0/statistics/multicast")"
}
echo0=$(vf0_echo | xargs)
ping -c 3 -W 3 239.1.2.3 > /tmp/mping.out 2>&1
diag "multicast ping: $(grep 'packets' /tmp/mping.out); VF0 before: $echo0; after: $(vf0_echo | xargs)"
check "PF's ping to 239.1.2.3 answered by VF0" grep -q "bytes from $A.10" /tmp/mping.out
kill $jpid 2>/dev/null

# VF MAC set by the host (ip link set PF vf 2 mac): igbvf takes it at its
# next reset (down/up), and frames reach it there.
check "ip link set $pfnet vf 2 mac 02:00:00:00:aa:02" $NET vf-mac "$pfnet" 2 02:00:00:00:aa:02
check "the PF reports VF2's MAC (ip link show $pfnet)" sh -c "$NET vf-show $pfnet | grep -q 'vf 2 mac 02:00:00:00:aa:02'"
ns 2 ip link set dev "$NET2" down
ns 2 ip link set dev "$NET2" up
run_here "VF2 has carrier after its reset" wait_for 15 carrier 2 "$NET2"
is "$(ns 2 cat /sys/class/net/$NET2/address)" 02:00:00:00:aa:02 "VF2's netdev has the MAC the host set"
ip neigh flush dev "$pfnet" > /dev/null 2>&1
reach - $A.12 15
ping_ok - $A.12 "PF -> VF2 at its new MAC"

# Port VLAN (ip link set PF vf 1 vlan 100): untagged frames no longer
# reach VF1, frames on the PF's VLAN 100 interface do; VLAN 0 undoes it.
check "ip link set $pfnet vf 1 vlan 100" $NET vf-vlan "$pfnet" 1 100
check "the PF reports VF1's VLAN 100 (ip link show $pfnet)" sh -c "$NET vf-show $pfnet | grep -q 'vf 1 .* vlan 100'"
ip neigh flush dev "$pfnet" > /dev/null 2>&1
ping_fails - $A.11 "untagged PF -> VF1 is not delivered once VF1 is on VLAN 100"
ping_fails 0 $A.11 "VF0 -> VF1 is not delivered once VF1 is on VLAN 100"
check "VLAN 100 interface on the PF" sh -c "vconfig add $pfnet 100 >/dev/null && ip link set dev $pfnet.100 up && ip addr add 198.18.1.1/24 dev $pfnet.100"
ns 1 ip addr add 198.18.1.11/24 dev "$NET1"
reach - 198.18.1.11 10
ping_ok - 198.18.1.11 "PF's VLAN 100 -> VF1 (tagged by the NIC for VF1)"
check "ip link set $pfnet vf 1 vlan 0" $NET vf-vlan "$pfnet" 1 0
ip neigh flush dev "$pfnet" > /dev/null 2>&1
reach - $A.11 10
ping_ok - $A.11 "untagged PF -> VF1 again after VLAN 0"
ping_fails - 198.18.1.11 "PF's VLAN 100 no longer reaches VF1"

# MTU (E1000_VF_SET_LPE): VF1 and VF2 at 1800 pass 1700-byte pings
# unfragmented; VF1 back at 1500 no longer takes them.
check "VF1 accepts MTU 1800" ns 1 ip link set dev "$NET1" mtu 1800
check "VF2 accepts MTU 1800" ns 2 ip link set dev "$NET2" mtu 1800
is "$(ns 1 cat /sys/class/net/$NET1/mtu) $(ns 2 cat /sys/class/net/$NET2/mtu)" "1800 1800" "VF1 and VF2 report MTU 1800"
both_carrier() { wait_for 15 carrier 1 "$NET1" && wait_for 15 carrier 2 "$NET2" ||
	{ echo "no carrier on VF1 or VF2 within 15 s of the MTU change"; return 1; }; }
run_here "VF1 and VF2 have carrier after the MTU change" both_carrier
reach 2 $A.11 10
ping_ok 2 $A.11 "VF2 -> VF1 1700-byte frames at MTU 1800" -s 1700
check "VF1 accepts MTU 1500 again" ns 1 ip link set dev "$NET1" mtu 1500
wait_for 15 carrier 1 "$NET1"
ping_fails 2 $A.11 "VF2 -> VF1 1700-byte frames dropped with VF1 back at 1500" -s 1700
check "VF2 accepts MTU 1500 again" ns 2 ip link set dev "$NET2" mtu 1500
wait_for 15 carrier 2 "$NET2"
reach 2 $A.11 10
ping_ok 2 $A.11 "VF2 -> VF1 at MTU 1500"

stream_stop pfB "PF -> VF0 traffic during igb's requests"
for i in 0 1 2; do
	eval "p=\$LPID$i"
	kill -TERM "$p" 2>/dev/null
	if wait_for 20 dead "$p"; then wait "$p"; is $? 0 "vfcb reader on VF$i stopped cleanly"
	else not_ok "vfcb reader on VF$i stopped within 20 s of SIGTERM"; kill -KILL "$p"; fi
	set -- $(awk '{ n++; if ($3 != 0) f++ } END { print n + 0, f + 0 }' /tmp/load$i.log 2>/dev/null)
	diag "vfcb reader on VF$i: ${1:-0} reads of 128 bytes during igb's requests, ${2:-0} failed"
	grep -v ' 0$' /tmp/load$i.log 2>/dev/null | head -n 3 | while read -r l; do diag "failed read on VF$i (start end errno): $l"; done
	if [ "${1:-0}" -ge 1 ] && [ "${2:-1}" = 0 ]; then ok "no vfcb read of VF$i failed or differed while igb's requests ran"
	else not_ok "no vfcb read of VF$i failed or differed while igb's requests ran"; fi
done
check "no WARNING/BUG after igb's requests" kernel_log_clean

mark "link changes"
# ---- igb's link-change pings beside vfcb's messages ----------------------------

# igb pings every VF when its watchdog sees the link change, outside its
# mailbox lock (igb_ping_all_vfs()), into the buffer vfcb's messages share.
# Written over a vfcb message the VF had not read, the ping took its place
# and the VF's ack of the ping counted as that message consumed; written
# over a VF message igb had not taken, it cleared its VFREQ and the VF's
# request timed out (its core handshook again: a resync).  vfcb_soak's
# control loop (128-byte reads and writes on every VF, invalidations raised
# at random) runs while the PF's link goes down and up (igbt_net flap); VF2
# is its reference: exactly the bits raised, no resync.  Nothing resets
# here, so no transfer may fail either.  20 s: about 16 link changes;
# before the fix 45 s of them made 47 requests time out.
# 6.1's igb takes no PHY write (SIOCSMIIREG: EOPNOTSUPP), so nothing can
# take its link down without resetting it: the section is skipped there.
if $NET mii-writable "$pfnet" > /tmp/mii.out 2>&1; then
	FLAP_S=20
	resyncs0=$(for i in 0 1 2; do eval "vf_stat \$VF$i resyncs"; done | xargs)
	$NET flap "$pfnet" $FLAP_S > /tmp/flap.out 2>&1 &
	fpid=$!
	$SOAK flr none $((FLAP_S + 5)) "$pf" 1 "$VF0" "$VF1" "$VF2" > /tmp/soak.out 2>&1
	src=$?
	run_c cat /tmp/soak.out
	is "$src" 0 "vfcb_soak flr none under link changes exits 0"
	wait $fpid
	diag "link changes: $(cat /tmp/flap.out); igb's mailbox interrupt raised again by vfcb's watchdog: $(dmesg | grep -c 'mailbox interrupt lost') times (rate-limited messages)"
	set -- $(cat /tmp/flap.out)
	if [ "${1:-}" = flaps ] && [ "${2:-0}" -ge 5 ]; then ok "the PF's link went down and up at least 5 times ($2, each two pings to every VF)"
	else not_ok "the PF's link went down and up at least 5 times"; fi
	fig=$(sed -n 's/^soak-figures: //p' /tmp/soak.out)
	is "$(echo "$fig" | tr ' ' '\n' | sed -n 's/^errors=//p')" 0 "no vfcb transfer failed under link changes"
	is "$(for i in 0 1 2; do eval "vf_stat \$VF$i resyncs"; done | xargs)" "$resyncs0" \
		"no VF's core resynced under link changes (resyncs $resyncs0)"
else
	why="this kernel's igb takes no PHY write ($(cat /tmp/mii.out))"
	for t in "vfcb_soak flr none under link changes exits 0" \
		 "the PF's link went down and up at least 5 times" \
		 "no vfcb transfer failed under link changes" \
		 "no VF's core resynced under link changes"; do
		skip "$t" "$why"
	done
fi
run_here "PF has carrier after the link changes" wait_for 15 pf_carrier
for i in 0 1 2; do eval "run_here \"VF$i has carrier after the link changes\" wait_for 15 carrier $i \$NET$i"; done
check "no WARNING/BUG after the link changes" kernel_log_clean

mark "resets"
# ---- resets -----------------------------------------------------------------------

# FLR with igbvf bound: blocks kept, the VF handshakes again, frames flow.
mkblob /tmp/k2 100
check "vfcb: host sets VF2's block 11 (100 bytes) before the resets" $CTL block set "$pf" 2 11 --file /tmp/k2
check "FLR of VF2 with igbvf bound" sh -c "echo 1 > /sys/bus/pci/devices/$VF2/reset"
check_ready "vfcb: VF2 handshaken again after its FLR" 2
$CTL read "$DEV2" 11 --raw > /tmp/k2r 2>/dev/null
check "vfcb: VF2's block kept across its FLR (byte-identical)" cmp -s /tmp/k2 /tmp/k2r
run_here "VF2 has carrier after its FLR" wait_for 20 carrier 2 "$NET2"
ip neigh flush dev "$pfnet" > /dev/null 2>&1
# 6.1's in-tree igbvf does not recover its rings from an FLR by itself
# (stock igb/igbvf: no frame in 28 s, three FLRs in a row; 6.12's does,
# in ~10 s).  The vfcb messages igb sends after the FLR carry no CTS, so
# igbvf may also reset itself (its reset task); a netdev down/up racing
# that task trips igbvf_close()'s WARN_ON (seen once in five 6.1 runs).
# So after 30 s without a frame, igbvf is unbound and bound again: its
# remove cancels the reset task before it closes the netdev.
if ! reach - $A.12 30; then
	diag "igbvf did not pass frames within 30 s of VF2's FLR by itself: igbvf unbound and bound again"
	unbind "$VF2" && bind_driver "$VF2" igbvf && vf_net_up 2
	reach - $A.12 15
fi
ping_ok - $A.12 "PF -> VF2 after its FLR"

# host.sh's check: masks raised while VF2 has no driver are kept OR-ed,
# across an FLR, and delivered when igbvf binds again, where the handshake
# tells VF2's readers to re-read everything.
check "unbind VF2 from igbvf" unbind "$VF2"
check "host invalidates 0x1, 0x8000000000000000, 0x10 for VF2 (no driver)" sh -c \
	"$CTL invalidate $pf 2 0x1 && $CTL invalidate $pf 2 0x8000000000000000 && $CTL invalidate $pf 2 0x10"
check "FLR of VF2 while it has no driver" sh -c "echo 1 > /sys/bus/pci/devices/$VF2/reset"
is "$($CTL vf show "$pf" 2 2>/dev/null | awk '$1 == "pending" || $1 == "pending_mask" { print $2 }')" \
	0x8000000000000011 "vfcb: host holds the OR of the masks raised while VF2 was away"
check "rebind VF2 to igbvf" bind_driver "$VF2" igbvf
run_here "VF2: new igbvf netdev up in its namespace" vf_net_up 2
check_ready "vfcb: VF2 handshaken again after rebinding igbvf" 2
run_c $ITEST expect-mask "$DEV2" 0xffffffffffffffff 10000
vf2_delivered() { [ "$(pf_pending "$pf" 2)" = 0x0000000000000000 ]; }
wait_for 10 vf2_delivered
check "vfcb: the host delivered the held masks, none pending" vf2_delivered
check "vfcb: VF2's core handed out an all-ones mask after the handshake" \
	test "$(vf_stat "$VF2" resyncs)" -ge 1
$CTL read "$DEV2" 11 --raw > /tmp/k2r 2>/dev/null
check "vfcb: VF2's block kept across unbind, FLR and rebind" cmp -s /tmp/k2 /tmp/k2r
reach - $A.12 20
ping_ok - $A.12 "PF -> VF2 after igbvf rebound"

# The second module holds a handle across VF1's unbind and rebind (kapi.sh).
kapi arm
check "unbind VF1 from igbvf (vfcb_kapi_test holds a handle)" unbind "$VF1"
kapi unbound
check "rebind VF1 to igbvf" bind_driver "$VF1" igbvf
run_here "VF1: new igbvf netdev up in its namespace" vf_net_up 1
check_ready "vfcb: VF1 handshaken again" 1
kapi rebound
check "rmmod vfcb_kapi_test" rmmod vfcb_kapi_test
reach 1 $A.10 20
ping_ok 1 $A.10 "VF1 -> VF0 after igbvf rebound"

mark "PF down"
# ---- the PF's netdev down and up -------------------------------------------------

# igb_down() resets the NIC (CTRL.RST), which puts every VF's mailbox in
# reset (RSTI) until igb_up() says it is done (PFRSTD): with the PF's
# netdev down the VFs wait, for as long as it stays down.  vfcb on igbvf
# hears of it once and waits quietly; before the fix its work requeued
# itself back to back until the PF came up (in 3 s here: 26 000 reset
# events per VF and a vCPU busy).
for i in 0 1 2; do
	eval "rst$i=\$(vf_stat \$VF$i events_reset) hs$i=\$(vf_stat \$VF$i handshakes)"
done
idle0=$(awk '$1 == "cpu" { print $5 }' /proc/stat) t0=$(now_ms)
check "the PF's netdev down (igb resets the NIC: RSTI on every VF)" ip link set dev "$pfnet" down
sleep 3
idle1=$(awk '$1 == "cpu" { print $5 }' /proc/stat) t1=$(now_ms)
diag "PF down: CPUs idle $(( (idle1 - idle0) * 10 )) ms of $(( $(nproc) * (t1 - t0) )) ms"
for i in 0 1 2; do
	eval "r0=\$rst$i v=\$VF$i"
	r=$(vf_stat "$v" events_reset)
	check "VF$i: its vfcb heard of the PF's reset, once or a few times (events_reset +$((r - r0)) in 3 s, 1..4)" \
		test $((r - r0)) -ge 1 -a $((r - r0)) -le 4
done
check "the PF's netdev up again (PFRSTD: reset done)" ip link set dev "$pfnet" up
# vfcb traffic while igbvf finds out: VF1's buffer mostly holds a vfcb
# message when igbvf reads it, not igb's ping or NACK.
for j in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	$CTL invalidate "$pf" 1 0x40 > /dev/null 2>&1
	sleep 0.2
done
run_here "PF has carrier after its netdev came up" wait_for 20 pf_carrier
check_ready "vfcb: VF0..VF2 ready after the PF came up" 0 1 2
for i in 0 1 2; do
	eval "h0=\$hs$i v=\$VF$i"
	check "VF$i: its vfcb handshook again after the PF's reset" \
		test "$(vf_stat "$v" handshakes)" -gt "$h0"
done
check "vfcb: 128-byte block reads back byte-identical on VF2 after the PF came up" set_read 2 7 128
for i in 0 1 2; do
	eval "n=\$NET$i"
	run_here "VF$i has carrier after the PF came up" wait_for 20 carrier $i "$n"
done
# Each VF's igbvf must ask igb for its MAC filter again (VF_RESET): igb
# forgot the ones it had not set itself (VF1's, random).
for i in 0 1 2; do
	reach - $A.1$i 20
	ping_ok - $A.1$i "PF -> VF$i after the PF came up"
done

mark "VF holds its mailbox"
# ---- a guest that keeps its VF's mailbox lock ---------------------------------------

# VFU held (through VF2's BAR, as a guest can) locks the PF out of VF2's
# buffer.  A message for VF2 waits; the host tries a jiffy apart for 250
# tries, then one each 100 ms, rather than every jiffy for as long as the
# guest holds it (before the fix: ~250 runs of igb's vfcb work a second).
# Once VF2 lets go, the message goes.
trace_mount
echo 0 > $T/tracing_on
echo 4096 > $T/buffer_size_kb
echo 1 > $T/events/workqueue/workqueue_execute_start/enable
echo > $T/trace
echo 1 > $T/tracing_on
inv0=$(vf_stat "$VF2" invalidations)
kmark hold
$ITEST holdvfu "$VF2" 5000 > /tmp/hold.out 2>&1 &
hpid=$!
sleep 0.3
check "host invalidates 0x20 for VF2 while VF2 holds its mailbox" $CTL invalidate "$pf" 2 0x20
sleep 2
echo vfcb-hold-from > $T/trace_marker
sleep 2
echo vfcb-hold-to > $T/trace_marker
echo 0 > $T/tracing_on
echo 0 > $T/events/workqueue/workqueue_execute_start/enable
wait $hpid
diag "holdvfu: $(cat /tmp/hold.out)"
n=$(awk '/vfcb-hold-from/ { on = 1 } /vfcb-hold-to/ { on = 0 } on && /igb_vfcb_work/ { n++ } END { print n + 0 }' $T/trace)
check "the host tried VF2's held mailbox once per 100 ms, not every jiffy (igb's vfcb work ran $n times in 2 s, 5..30)" \
	test "$n" -ge 5 -a "$n" -le 30
klog hold
check "igb said VF2 holds its mailbox" logged "VF 2 holds its mailbox"
vf2_got() { [ "$(pf_pending "$pf" 2)" = 0x0000000000000000 ] && [ "$(vf_stat "$VF2" invalidations)" -gt "$inv0" ]; }
wait_for 10 vf2_got
check "VF2 got the invalidation once it let go of its mailbox" vf2_got
check_ready "vfcb: VF2 still ready" 2

mark "suspend to RAM"
# ---- a real suspend to RAM ---------------------------------------------------------

# s3.sh's sleep with igb and igbvf: the RTC's alarm wakes a machine QEMU
# reset on the way, and vfcb_s3fw_test restores the chipset registers
# SeaBIOS leaves reset (Documentation/testing.rst, "A real suspend to
# RAM").  igb and igbvf bring their netdevs back; vfcb's VFs handshake
# again, and an acknowledged write from before the sleep stays with the
# host.
check "vfcb_s3fw_test loads (restores what SeaBIOS leaves reset on resume)" \
	insmod /vfcb/vfcb_s3fw_test.ko
$CTL block set "$pf" 0 13 --hex 00 --vf-writable 2>/dev/null
mkblob /tmp/s3w 128
check "vfcb: VF0 writes 128 bytes to its block 13 before the sleep" $CTL write "$DEV0" 13 --file /tmp/s3w
snap $NVFS
s3_sleep "suspend to RAM with igb and igbvf bound, and wake"
is "$(cat /sys/module/vfcb_s3fw_test/parameters/restored)" 1 \
	"the chipset was reset in the sleep (vfcb_s3fw_test restored it)"
wait_for 15 all_back $NVFS
check "vfcb: VF0..VF2 handshake again by themselves after the wake, within 15 s" all_back $NVFS
check_ready "vfcb: VF0..VF2 ready after the wake" 0 1 2
$CTL block get "$pf" 0 13 --raw > /tmp/s3h 2>/dev/null
check "vfcb: the host holds VF0's 128-byte write from before the sleep" cmp -s /tmp/s3w /tmp/s3h
check "vfcb: 128-byte block reads back byte-identical on VF1 after the wake" set_read 1 7 128
run_c $ITEST inval "$PFDEV" 2 "$DEV2" 0x4
run_here "PF has carrier after the wake" wait_for 20 pf_carrier
for i in 0 1 2; do
	eval "n=\$NET$i"
	run_here "VF$i has carrier after the wake" wait_for 20 carrier $i "$n"
done
reach - $A.10 20
ping_ok - $A.10 "PF -> VF0 after the wake"
reach 1 $A.12 20
ping_ok 1 $A.12 "VF1 -> VF2 after the wake"
check "rmmod vfcb_s3fw_test" rmmod vfcb_s3fw_test

mark "sriov_numvfs N->0->N"
# sriov_numvfs N -> 0 -> N: the stores go with the VFs (design.rst, "PF
# removal and SR-IOV disable"); new VFs handshake and pass frames.
$CTL block set "$pf" 0 12 --string "before numvfs=0" 2>/dev/null
had=$(test -c "$PFDEV" && echo yes)
check "sriov_numvfs=0 with igbvf bound" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
is "$(vfs_of "$pf" | wc -l)" 0 "no VFs left"
is "${had:-no} $(test -e "$PFDEV" && echo yes || echo no)" "yes no" "vfcb: the PF device node goes away with the VFs"
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS again"
for i in 0 1 2; do run_here "VF$i: igbvf netdev up again in its namespace" vf_net_up $i; done
check "vfcb: PF device node back" test -c "$PFDEV"
check_ready "vfcb: VF0..VF2 handshaken after sriov_numvfs 0 -> $NVFS" 0 1 2
refused "No such file" "vfcb: VF0's block from before numvfs=0 is gone (ENOENT)" "$DEV0" $CTL read "$DEV0" 12
check "vfcb: 128-byte block reads back byte-identical on the new VF0" set_read 0 7 128
check "vfcb: 128-byte block reads back byte-identical on the new VF1" set_read 1 7 128
check "vfcb: 108-byte block reads back byte-identical on the new VF2" set_read 2 7 108
reach - $A.10 20
ping_ok - $A.10 "PF -> VF0 after sriov_numvfs 0 -> $NVFS"
reach 1 $A.12 20
ping_ok 1 $A.12 "VF1 -> VF2 after sriov_numvfs 0 -> $NVFS"

mark "igb reload"
# igb reload with igbvf bound to the VFs.
had=$(test -c "$PFDEV" && echo yes)
check "rmmod igb with VFs on igbvf" rmmod igb
is "$(vfs_of "$pf" | wc -l)" 0 "igb's removal took the VFs away"
is "${had:-no} $(test -e "$PFDEV" && echo yes || echo no)" "yes no" "vfcb: the PF device node goes away with igb"
check "patched igb loads again" load_igb
run_here "PF netdev up with carrier again" pf_up
vfs=$(create_vfs "$pf" $NVFS)
is "$(echo $vfs | wc -w)" $NVFS "sriov_numvfs=$NVFS after the reload"
for i in 0 1 2; do run_here "VF$i: igbvf netdev up after igb's reload" vf_net_up $i; done
check_ready "vfcb: VF0..VF2 handshaken after igb's reload" 0 1 2
check "vfcb: 128-byte block reads back byte-identical on VF0 after the reload" set_read 0 7 128
check "vfcb: 52-byte block reads back byte-identical on VF2 after the reload" set_read 2 7 52
$CTL block set "$pf" 1 9 --hex 00 --vf-writable 2>/dev/null
mkblob /tmp/w1 104
$CTL write "$DEV1" 9 --file /tmp/w1 2>/dev/null
$CTL block get "$pf" 1 9 --raw > /tmp/wb1 2>/dev/null
check "vfcb: VF1's 104-byte write reaches the host after the reload" cmp -s /tmp/w1 /tmp/wb1
reach - $A.11 20
ping_ok - $A.11 "PF -> VF1 after igb's reload"
ping_ok 0 $A.12 "VF0 -> VF2 after igb's reload"

# The PF unbound from igb while a second module holds its handle (kapi.sh).
check "vfcb_kapi_test loads after the reload" insmod /vfcb/vfcb_kapi_test.ko pf="$pf" vf=1
check "unbind PF $pf from igb (vfcb_kapi_test holds a handle)" unbind "$pf"
is "$(cat "/sys/bus/pci/devices/$pf/sriov_numvfs" 2>/dev/null)" 0 "the PF's VFs are gone"
kapi pf-unbound

mark "teardown"
# ---- teardown -------------------------------------------------------------------

check "rmmod vfcb_kapi_test" rmmod vfcb_kapi_test
check "rmmod igbvf" rmmod igbvf
check "rmmod igb" rmmod igb
check "rmmod vfcb_vf" rmmod vfcb_vf
check "rmmod vfcb_pf" rmmod vfcb_pf
for i in 0 1 2; do eval "kill \$NSP$i" 2>/dev/null; done
diag "frames: $TOT_SENT pings sent, $TOT_RECV answered, $((TOT_SENT - TOT_RECV)) lost (counted checks only)"
diag "run took $(awk -v t0="$T0" '{ printf "%.0f", $1 - t0 }' /proc/uptime) s in the guest"
check "no WARNING/BUG in the whole run" kernel_log_clean
done_testing
