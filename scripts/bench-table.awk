# SPDX-License-Identifier: GPL-2.0
#
# Turns the "BENCH ..." lines of tests/bench/vfcb_bench.c (as relayed by the
# guest scripts, "# BENCH ...") into the reStructuredText tables of
# Documentation/performance.rst.  Used by scripts/bench.sh.
#
# Minimum messages per operation and the register-access model come from
# Documentation/protocol.rst, "Cost of each operation": a message of ndw
# payload dwords costs the VF->PF direction 2 (lock, read back) + 1 + ndw
# (buffer) + 1 (doorbell) on the sender and 1 (status) + 1 + ndw + 1 (ack)
# on the receiver, i.e. 7 + 2 ndw; PF->VF one more (the PF reads MBVFICR
# before taking the lock), 8 + 2 ndw.

function v(line, key,    r) {
	if (match(line, " " key "=[^ ]*")) {
		r = substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
		return r
	}
	return ""
}
function has(line, key) { return v(line, key) != "" }
function f1(x) { return x == "" ? "n/a" : sprintf("%.1f", x) }
function f0(x) { return x == "" ? "n/a" : sprintf("%.0f", x) }
function pad(s, w) { return sprintf("%-" w "s", s) }
function rpad(s, w) { return sprintf("%" w "s", s) }

BEGIN {
	# name shown, minimum messages, model register accesses (VF + PF)
	split("igbvf_setmac ping read_128 write_128 read_4 invalidate mt_ping mt_read_128 l2_ping l2_read_128 l2_write_128", order, " ")
	label["igbvf_setmac"] = "igbvf set-MAC (baseline)"
	label["ping"] = "ping"
	label["read_128"] = "read 128 B"
	label["write_128"] = "write 128 B"
	label["read_4"] = "read 4 B"
	label["invalidate"] = "invalidate to wake-up"
	label["mt_ping"] = "ping, 7 VFs at once"
	label["mt_read_128"] = "read 128 B, 7 VFs at once"
	label["l2_ping"] = "L2 via vfio: ping"
	label["l2_read_128"] = "L2 via vfio: read 128 B"
	label["l2_write_128"] = "L2 via vfio: write 128 B"
	minmsg["igbvf_setmac"] = 2; model["igbvf_setmac"] = ""
	minmsg["ping"] = 2;        model["ping"] = 7 + 8
	# READ: request ndw 2; answers ndw 15 (length + 14), 15, 3
	minmsg["read_128"] = 4;    model["read_128"] = 11 + 38 + 38 + 14
	# WRITE: requests ndw 15 (ID, length, 13), 15, 4; answer ndw 0
	minmsg["write_128"] = 4;   model["write_128"] = 37 + 37 + 15 + 8
	# READ of 4: request ndw 2; answer ndw 2 (length + 1)
	minmsg["read_4"] = 2;      model["read_4"] = 11 + 12
	minmsg["invalidate"] = 1;  model["invalidate"] = 8 + 4
	minmsg["mt_ping"] = 2;     model["mt_ping"] = model["ping"]
	minmsg["mt_read_128"] = 4; model["mt_read_128"] = model["read_128"]
	minmsg["l2_ping"] = 2;     model["l2_ping"] = 7 + 8
	minmsg["l2_read_128"] = 4; model["l2_read_128"] = model["read_128"]
	minmsg["l2_write_128"] = 4; model["l2_write_128"] = model["write_128"]
	# the model's VF share: VF->PF sender 4 + ndw, PF->VF receiver 3 + ndw
	# (the only share measured since the PF driver stopped counting)
	vfmodel["ping"] = 4 + 3
	vfmodel["read_128"] = 6 + 18 + 18 + 6
	vfmodel["write_128"] = 19 + 19 + 8 + 3
	vfmodel["read_4"] = 6 + 5
	vfmodel["invalidate"] = 3 + 2
	vfmodel["mt_ping"] = vfmodel["ping"]
	vfmodel["mt_read_128"] = vfmodel["read_128"]
	vfmodel["l2_ping"] = 4 + 3
	vfmodel["l2_read_128"] = 6 + 18 + 18 + 6
	vfmodel["l2_write_128"] = 19 + 19 + 8 + 3
}

{ sub(/^# /, "") }
/^BENCH (lat|inval|mt) / {
	op = v($0, "op")
	key = ($2 == "mt" ? "mt_" : "") op
	line[key] = $0
}
/^BENCH mtvf / { nvf++ }

END {
	# (a reference to line[k] would create it: test with "in" first)
	base = ("igbvf_setmac" in line) ? v(line["igbvf_setmac"], "p50_us") : ""
	w1 = 26; w = 9
	sep = sprintf("%s %s %s %s %s %s %s %s", "==========================", "=========", "=========", "=========", "=========", "=============", "=============", "=========")
	print "Summary"
	print "-------"
	print ""
	print sep
	printf "%s %s %s %s %s %s %s %s\n", pad("operation", w1), rpad("min us", w), rpad("p50 us", w), rpad("p99 us", w), rpad("ops/s", w), rpad("msgs/op (min)", 13), rpad("MMIO (model)", 13), rpad("p50/igbvf", w)
	print sep
	for (i = 1; i in order; i++) {
		k = order[i]
		if (!(k in line))
			continue
		l = line[k]
		if (has(l, "pf_rx_msgs"))
			msgs = sprintf("%.2f (%d)", v(l, "pf_rx_msgs") + v(l, "pf_tx_msgs"), minmsg[k])
		else if (has(l, "vf_rx_msgs"))
			msgs = sprintf("%.2f (%d)", v(l, "vf_rx_msgs") + v(l, "vf_tx_msgs"), minmsg[k])
		else
			msgs = sprintf("n/a (%d)", minmsg[k])
		if (has(l, "pf_vf_mmio_rd"))
			mmio = sprintf("%.1f (%d)", v(l, "vf_mmio_rd") + v(l, "vf_mmio_wr") + v(l, "pf_vf_mmio_rd") + v(l, "pf_vf_mmio_wr") + v(l, "pf_dev_mmio_rd") + v(l, "pf_dev_mmio_wr"), model[k])
		else if (has(l, "vf_mmio_rd"))
			mmio = sprintf("%.1f (%d) VF", v(l, "vf_mmio_rd") + v(l, "vf_mmio_wr"), vfmodel[k])
		else
			mmio = "n/a"
		ops = (k == "invalidate") ? "n/a" : f0(v(l, "ops_s"))
		ratio = (base == "" || k == "igbvf_setmac" || k == "invalidate" || k ~ /^l2_/) ? "" : sprintf("%.2f", v(l, "p50_us") / base)
		if (k == "igbvf_setmac")
			ratio = "1"
		printf "%s %s %s %s %s %s %s %s\n", pad(label[k], w1), rpad(f1(v(l, "min_us")), w), rpad(f1(v(l, "p50_us")), w), rpad(f1(v(l, "p99_us")), w), rpad(ops, w), rpad(msgs, 13), rpad(mmio, 13), rpad(ratio == "" ? "n/a" : ratio, w)
	}
	print sep
	print ""

	print "Register accesses and interrupts per operation"
	print "----------------------------------------------"
	print ""
	sep2 = "========================== ============ ============ ============ ========= ========="
	print sep2
	printf "%s %12s %12s %12s %9s %9s\n", pad("operation", w1), "VF rd/wr", "PF-VF rd/wr", "PF-dev rd/wr", "PF irqs", "VF irqs"
	print sep2
	for (i = 1; i in order; i++) {
		k = order[i]
		if (!(k in line) || !has(line[k], "vf_mmio_rd"))
			continue
		l = line[k]
		pfv = has(l, "pf_vf_mmio_rd") ? sprintf("%.1f/%.1f", v(l, "pf_vf_mmio_rd"), v(l, "pf_vf_mmio_wr")) : "n/a"
		pfd = has(l, "pf_dev_mmio_rd") ? sprintf("%.1f/%.1f", v(l, "pf_dev_mmio_rd"), v(l, "pf_dev_mmio_wr")) : "n/a"
		printf "%s %12s %12s %12s %9s %9s\n", pad(label[k], w1), sprintf("%.1f/%.1f", v(l, "vf_mmio_rd"), v(l, "vf_mmio_wr")), pfv, pfd, has(l, "pf_irqs") ? sprintf("%.2f", v(l, "pf_irqs")) : "n/a", sprintf("%.2f", v(l, "vf_irqs"))
	}
	print sep2
	print ""

	if ("igb_ping" in line) {
		# The igb form: one boot's rows with igbvf's own set-MAC of
		# the same drivers (label igb_setmac) as the reference.
		split("igb_pf_setmac igb_setmac igb_ping igb_read_4 igb_read_128 igb_write_4 igb_write_128", iorder, " ")
		ilabel["igb_pf_setmac"] = "set-MAC, stock igbvf"
		ilabel["igb_setmac"] = "set-MAC, patched igbvf"
		ilabel["igb_ping"] = "vfcb ping"
		ilabel["igb_read_4"] = "vfcb read 4 B"
		ilabel["igb_read_128"] = "vfcb read 128 B"
		ilabel["igb_write_4"] = "vfcb write 4 B"
		ilabel["igb_write_128"] = "vfcb write 128 B"
		imin["igb_ping"] = 2; imin["igb_read_4"] = 2; imin["igb_read_128"] = 4
		imin["igb_write_4"] = 2; imin["igb_write_128"] = 4
		smac = ("igb_setmac" in line) ? v(line["igb_setmac"], "p50_us") : ""
		iping = v(line["igb_ping"], "p50_us")
		print "The igb form: igb and igbvf carrying vfcb"
		print "-----------------------------------------"
		print ""
		# p50/set-MAC: against the patched pair's own set-MAC;
		# p50/stock: against phase 1's stock igb + stock igbvf.
		sep4 = "============================ ========= ========= ========= ========= ============= =========== =========== ==========="
		print sep4
		printf "%s %9s %9s %9s %9s %13s %11s %11s %11s\n", pad("operation (igb, patched)", 28), "min us", "p50 us", "p99 us", "ops/s", "msgs/op (min)", "p50/set-MAC", "p50/stock", "p50/ping"
		print sep4
		for (i = 1; i in iorder; i++) {
			k = iorder[i]
			if (!(k in line))
				continue
			l = line[k]
			if (has(l, "pf_rx_msgs"))
				msgs = sprintf("%.2f (%d)", v(l, "pf_rx_msgs") + v(l, "pf_tx_msgs"), imin[k])
			else
				msgs = "n/a"
			r1 = (smac == "") ? "n/a" : sprintf("%.2f", v(l, "p50_us") / smac)
			r2 = (iping == "" || k ~ /setmac/) ? "n/a" : sprintf("%.2f", v(l, "p50_us") / iping)
			r3 = (base == "") ? "n/a" : sprintf("%.2f", v(l, "p50_us") / base)
			printf "%s %9s %9s %9s %9s %13s %11s %11s %11s\n", pad(ilabel[k], 28), f1(v(l, "min_us")), f1(v(l, "p50_us")), f1(v(l, "p99_us")), f0(v(l, "ops_s")), msgs, r1, r3, r2
		}
		print sep4
		print ""
	}

	if ("mt_ping" in line || "mt_read_128" in line) {
		print "All seven VFs at once"
		print "---------------------"
		print ""
		sep3 = "========================== ========== ========== ============= ============= ========"
		print sep3
		printf "%s %10s %10s %13s %13s %8s\n", pad("operation", w1), "total/s", "all-busy/s", "fastest VF/s", "slowest VF/s", "spread"
		print sep3
		for (i = 1; i in order; i++) {
			k = order[i]
			if (k !~ /^mt_/ || !(k in line))
				continue
			l = line[k]
			printf "%s %10s %10s %13s %13s %8s\n", pad(label[k], w1), f0(v(l, "ops_s")), f0(v(l, "window_ops_s")), f0(v(l, "fastest_ops_s")), f0(v(l, "slowest_ops_s")), sprintf("%.2fx", v(l, "spread"))
		}
		print sep3
		print ""
	}
}
