#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/mbx-trace-check on made-up traces: it must pass clean mailbox
# traffic and fail each way of overwriting a message (TAP on stdout).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
chk=$top/scripts/mbx-trace-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

vf() { echo "igb_set_vfmailbox VFMailbox[${2:-3}]: $1"; }
pf() { echo "igb_set_pfmailbox PFMailbox[${2:-3}]: $1"; }
# one VF request answered: VFU, REQ, PF ACK; PFU, STS, VF ACK
exchange() { vf 0x4; vf 0x1; pf 0x2; pf 0x8; pf 0x1; vf 0x2; }

# expect RC WHAT [NAME]: feed stdin to the checker, want exit status RC
# and, for a failure, WHAT in its report.
expect() {
	local want=$1 what=$2 name=${3:-$2} rc
	n=$((n + 1))
	cat > "$tmp/trace"
	"$chk" "$tmp/trace" > "$tmp/out" 2>&1
	rc=$?
	# a failure names what failed; a pass with a NAME of its own names
	# WHAT among the notes
	if [ $rc = "$want" ] && { [ "$want" = 2 ] || [ "$name" = "$what" ] ||
				  grep -q "$what" "$tmp/out"; }; then
		echo "ok $n - $name (exit $rc)"
	else
		echo "not ok $n - $name (exit $rc, want $want)"
		sed 's/^/# /' "$tmp/out"
		failed=$((failed + 1))
	fi
}

expect 0 "clean request/answer exchanges on two VFs" < <(exchange; exchange; vf 0x4 5; vf 0x1 5; pf 0x2 5)
expect 1 "PF STS over an unacked PF message" < <({ vf 0x4; vf 0x1; pf 0x2; pf 0x8; pf 0x1; pf 0x8; pf 0x1; })
expect 1 "VF REQ over an unacked PF message" < <({ pf 0x8; pf 0x1; vf 0x4; vf 0x1; })
expect 1 "PF STS over an unacked VF message" < <({ vf 0x4; vf 0x1; pf 0x8; pf 0x1; })
expect 0 "PF STS without the PF lock" "a post without the lock (as replayed) is only noted" < <({ pf 0x1; })
expect 0 "VF REQ without the VF lock" "a VF post without the lock is only noted" < <({ vf 0x1; })
# the VF holds VFU: the PF's PFU is refused, so its STS is unlocked
expect 0 "PF STS without the PF lock" "PFU refused while the VF holds VFU: noted" < <({ vf 0x4; pf 0x8; pf 0x1; })
# QEMU: RVFU clears the VF's copy of VFU only, PFU is still refused
expect 0 "PF STS without the PF lock" "PFU refused after RVFU (QEMU): noted" < <({ vf 0x4; pf 0x10; pf 0x8; pf 0x1; })
expect 0 "a VF reset voids that VF's messages" < <({ pf 0x8; pf 0x1; echo "igb_core_vf_reset VF3"; pf 0x8; pf 0x1; })
expect 0 "the PF's interrupt set-up voids every message" < <({ pf 0x8; pf 0x1; echo "igb_irq_write_eiac Update EIAC: 0x1"; pf 0x8; pf 0x1; })
expect 1 "PF STS over an unacked PF message" "another VF's reset voids nothing of VF 2's" < <({ pf 0x8 2; pf 0x1 2; echo "igb_core_vf_reset VF3"; pf 0x8 2; pf 0x1 2; })
expect 0 "mailbox writes" "after its reset a VF's first message may go over what the PF posted since, and the PF's answer over that" < <({ echo "igb_core_vf_reset VF3"; pf 0x8; pf 0x1; vf 0x4; vf 0x1; pf 0x2; pf 0x8; pf 0x1; vf 0x2; })
expect 1 "VF REQ over an unacked PF message" "... its second message may not" < <({ echo "igb_core_vf_reset VF3"; vf 0x4; vf 0x1; pf 0x2; pf 0x8; pf 0x1; vf 0x4; vf 0x1; })
expect 0 "a VF posting over its own unacked message is only noted" < <({ vf 0x4; vf 0x1; vf 0x4; vf 0x1; })
expect 2 "an empty trace is an error" < /dev/null

echo "1..$n"
[ $failed = 0 ]
