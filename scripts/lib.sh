# SPDX-License-Identifier: GPL-2.0
# Shared by the rig scripts: where the cache lives and how to speak.

: "${RIG_DIR:=$top/build/rig}"
export RIG_DIR

log() { printf 'vfcb-rig: %s\n' "$*" >&2; }
die() { printf 'vfcb-rig: error: %s\n' "$*" >&2; exit 1; }

# Load the kernel versions resolved by setup.sh; KVER from the environment
# wins.
load_kernels() {
	[ -f "$RIG_DIR/kernels.env" ] || die "rig not set up: run scripts/setup.sh (or make setup)"
	local k=${KVER:-}
	# shellcheck disable=SC1091
	. "$RIG_DIR/kernels.env"
	[ -n "$k" ] && KVER=$k
	case "$KVER" in
	6.1|6.12) eval "KVER=\${KVER_${KVER//./_}}" ;;
	esac
	export KVER
}
