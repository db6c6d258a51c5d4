// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the PF end of the engine against an untrusted VF.
 * Input bytes script a hostile VF: raw messages of any shape, acks given or
 * withheld, resets, and host-side invalidations in between.  Besides the
 * sanitizers, it checks that no invalidation bit raised by the host is ever
 * lost: each is delivered, pending or in flight at every step, and that
 * the engine never reads or posts a dword past the mailbox's message size
 * or what the negotiated wire version lets a message hold.
 */
#include <stdlib.h>

#include "fuzz_input.h"
#include "sim_mbx.h"

/*
 * The mailbox's message size, a build variant: fuzz_pf runs each input on
 * 16 dwords (the 82576) and again on 40 (a message-queue mailbox: 40 with
 * wire v2, 16 if the script's HELLO offers v1 only), fuzz_pf_4 on
 * VFCB_MSG_MIN_DWORDS.  All replay and grow the one corpus: an input means
 * the same script whatever the size.
 */
#ifdef FUZZ_MSG_DWORDS
static const unsigned int fuzz_sizes[] = { FUZZ_MSG_DWORDS };
#else
static const unsigned int fuzz_sizes[] = { 0, 40 };
#endif

static u64 raised, delivered;

static void check(struct sim_link *l)
{
	struct vfcb_pf_ep *ep = &l->pf_ep;
	u64 held = delivered | ep->pending_mask | ep->inflight_mask;

	if (raised & ~held)
		abort();	/* an invalidation bit was lost */
	if (l->oob)
		abort();	/* a dword past the message size touched */
	if (ep->rx.len > VFCB_MAX_BLOCK_SIZE || ep->rx.done > ep->rx.len ||
	    ep->tx.len > VFCB_MAX_BLOCK_SIZE || ep->tx.done > ep->tx.len)
		abort();
}

/* The VF acks whatever the PF posted. */
static void vf_reads(struct sim_link *l)
{
	if (!l->pf.msg_pending)
		return;
	l->pf.msg_pending = false;
	l->pf.ack_pending = true;
}

static void fuzz_run(const u8 *data, size_t size, unsigned int msg_dwords)
{
	struct input in = { data, size };
	struct sim_link *l = calloc(1, sizeof(*l));
	struct vfcb_pf_req req;
	u32 msg[VFCB_MSG_MAX_DWORDS];
	unsigned int i, ndw, nfrags, eff;
	u8 tag;

	sim_link_init_sz(l, 3, 77, msg_dwords);
	raised = delivered = 0;
	while (in.n) {
		switch (take8(&in) % 8) {
		case 0:	/* a well-formed HELLO, so deeper states are reached */
			tag = take8(&in);
			msg[0] = vfcb_hdr(VFCB_OP_HELLO, 1, 0, 0, 0, tag);
			/* The tag's top bit picks a v1-only VF: both versions run. */
			msg[1] = tag & 0x80 ? BIT(VFCB_PROTO_V1) : VFCB_PROTO_VERSIONS;
			sim_vf_post_raw(l, msg, 2);
			break;
		case 1:
		case 2: {	/* any message at all, in the negotiated layout */
			ndw = take8(&in);	/* even too long */
			msg[0] = fuzz_set_ndw(take32(&in), l->pf_ep.version, &ndw);
			for (i = 1; i <= ndw; i++)
				msg[i] = take32(&in);
			sim_vf_post_raw(l, msg, ndw + 1);
			break;
		}
		case 3: {	/* a plausible request with fuzzed fields */
			static const u8 ops[] = { VFCB_OP_PING, VFCB_OP_READ, VFCB_OP_WRITE };
			u8 op = ops[take8(&in) % 3];

			/* Fragment indices: 0..3 at 16 dwords, 0..12 at 4, 0..1 at 40. */
			eff = vfcb_pfep_msg_dwords(&l->pf_ep);
			nfrags = vfcb_write_msgs(VFCB_MAX_BLOCK_SIZE, eff);
			ndw = take8(&in) % eff;
			msg[0] = vfcb_hdr_v(l->pf_ep.version, op, ndw, take8(&in) % nfrags,
					    take8(&in) & 1 ? VFCB_HDR_MORE : 0, 0, take8(&in));
			msg[1] = take8(&in) % 4;
			msg[2] = take8(&in);
			for (i = 3; i <= ndw; i++)
				msg[i] = take32(&in);
			sim_vf_post_raw(l, msg, ndw + 1);
			break;
		}
		case 4: {
			u64 m = (u64)take32(&in) << 32 | take32(&in);

			raised |= m;
			vfcb_pfep_invalidate(&l->pf_ep, m);
			break;
		}
		case 5:
			vf_reads(l);
			break;
		case 6:
			vfcb_pfep_vf_reset(&l->pf_ep);
			l->pf.msg_pending = false;	/* the reset wiped it */
			l->pf.ack_pending = false;
			break;
		case 7:
			l->pf.refuse_post = take8(&in) & 1;
			break;
		}
		/* The PF driver's interrupt handler, in its order. */
		if (l->vf.msg_pending) {
			enum vfcb_pf_rx_result r = vfcb_pfep_rx(&l->pf_ep, &req);

			if (r == VFCB_PF_RX_REQUEST) {
				if (req.len > VFCB_MAX_BLOCK_SIZE)
					abort();
				vfcb_pfep_complete(&l->pf_ep, &req, req.opcode == VFCB_OP_READ ?
						   VFCB_ST_OK : VFCB_ST_DENIED,
						   req.data, req.len);
			}
		}
		if (l->pf.ack_pending) {
			l->pf.ack_pending = false;
			if (l->pf_ep.tx_busy)	/* acked: the VF has it */
				delivered |= l->pf_ep.inflight_mask;
			vfcb_pfep_tx_acked(&l->pf_ep);
		}
		vfcb_pfep_kick(&l->pf_ep);
		check(l);
	}
	free(l);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fuzz_sizes); i++)
		fuzz_run(data, size, fuzz_sizes[i]);
	return 0;
}
