// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the VF end of the engine against a buggy PF.  Input
 * bytes script the PF's messages (any shape, or plausible completions with
 * fuzzed fields) and the VF driver's requests, timeouts and resets.  Read
 * buffers are allocated at their exact size so any overrun is caught, and
 * the engine may never touch a dword past the mailbox's message size or
 * what the negotiated wire version lets a message hold.
 */
#include <stdlib.h>

#include "fuzz_input.h"
#include "sim_mbx.h"

/*
 * The mailbox's message size, a build variant: fuzz_vf runs each input on
 * 16 dwords (the 82576) and again on 40 (a message-queue mailbox: 40 with
 * wire v2, 16 if the script's PF picks v1), fuzz_vf_4 on
 * VFCB_MSG_MIN_DWORDS.  All replay and grow the one corpus: an input means
 * the same script whatever the size.
 */
#ifdef FUZZ_MSG_DWORDS
static const unsigned int fuzz_sizes[] = { FUZZ_MSG_DWORDS };
#else
static const unsigned int fuzz_sizes[] = { 0, 40 };
#endif

static void fuzz_run(const u8 *data, size_t size, unsigned int msg_dwords)
{
	struct input in = { data, size };
	struct sim_link *l = calloc(1, sizeof(*l));
	struct vfcb_vf_req req = { 0 };
	u8 wbuf[VFCB_MAX_BLOCK_SIZE] = { 0 };
	u8 *rbuf = NULL;
	u32 msg[VFCB_MSG_MAX_DWORDS];
	u64 mask = 0;
	unsigned int i, ndw, nfrags, ver, eff;
	bool busy = false;
	u8 b;

	sim_link_init_sz(l, 0, 1, msg_dwords);
	while (in.n) {
		switch (take8(&in) % 7) {
		case 0:	/* the driver starts a request */
			if (busy)
				break;
			free(rbuf);
			rbuf = NULL;
			memset(&req, 0, sizeof(req));
			req.opcode = (u8[]){ VFCB_OP_HELLO, VFCB_OP_PING, VFCB_OP_READ,
					     VFCB_OP_WRITE }[take8(&in) % 4];
			req.block_id = take8(&in);
			req.len = 1 + take8(&in) % VFCB_MAX_BLOCK_SIZE;
			rbuf = malloc(req.len);
			req.rbuf = rbuf;
			req.wdata = wbuf;
			busy = vfcb_vfep_submit(&l->vf_ep, &req) == 0;
			break;
		case 1:
		case 2:	/* the PF posts anything, in the negotiated layout */
			ndw = take8(&in);	/* even too long */
			msg[0] = fuzz_set_ndw(take32(&in), l->vf_ep.version, &ndw);
			for (i = 1; i <= ndw; i++)
				msg[i] = take32(&in);
			sim_pf_post_raw(l, msg, ndw + 1);
			break;
		case 3: {	/* a plausible completion for the current request */
			ver = l->vf_ep.rx.opcode == VFCB_OP_HELLO ? VFCB_PROTO_V1 :
			      l->vf_ep.version;
			eff = vfcb_msg_dw_ver(l->vf_ep.msg_dw, ver);
			/* Fragment indices: 0..3 at 16 dwords, 0..12 at 4, 0..1 at 40. */
			nfrags = vfcb_write_msgs(VFCB_MAX_BLOCK_SIZE, eff);
			ndw = take8(&in) % eff;
			msg[0] = vfcb_hdr_v(ver, l->vf_ep.rx.opcode, ndw, take8(&in) % nfrags,
					    VFCB_HDR_RESP |
					    (take8(&in) & 1 ? VFCB_HDR_MORE : 0),
					    take8(&in) % 12, l->vf_ep.rx.tag);
			b = take8(&in);
			msg[1] = b;
			/* HELLO: version 0..3 and a good block size, so v1 and v2 run. */
			if (l->vf_ep.rx.opcode == VFCB_OP_HELLO)
				msg[1] = (b & 3) | (u32)VFCB_MAX_BLOCK_SIZE << VFCB_HELLO_MAXBLK_SHIFT;
			for (i = 2; i <= ndw; i++)
				msg[i] = take32(&in);
			sim_pf_post_raw(l, msg, ndw + 1);
			break;
		}
		case 4:	/* the PF consumes what the VF posted */
			if (l->vf.msg_pending) {
				l->vf.msg_pending = false;
				l->vf.ack_pending = true;
			}
			break;
		case 5:	/* timeout */
			if (busy && !req.done)
				vfcb_vfep_abort(&l->vf_ep);
			busy = false;
			break;
		case 6:
			vfcb_vfep_reset(&l->vf_ep);
			busy = false;
			break;
		}
		/* The VF driver's interrupt handler. */
		if (l->pf.msg_pending) {
			unsigned int ev = vfcb_vfep_rx(&l->vf_ep, &mask);

			if (ev & VFCB_VF_EV_COMPLETE) {
				if (!req.done)
					abort();
				if (req.opcode == VFCB_OP_READ && req.status == VFCB_ST_OK &&
				    req.out_len > req.len)
					abort();
				busy = false;
			}
		}
		if (l->vf.ack_pending) {
			l->vf.ack_pending = false;
			vfcb_vfep_tx_acked(&l->vf_ep);
		}
		vfcb_vfep_kick(&l->vf_ep);
		if (l->vf_ep.rx.done > l->vf_ep.rx.len || l->vf_ep.tx.done > l->vf_ep.tx.len ||
		    l->oob)
			abort();
	}
	if (busy)
		vfcb_vfep_abort(&l->vf_ep);
	free(rbuf);
	free(l);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fuzz_sizes); i++)
		fuzz_run(data, size, fuzz_sizes[i]);
	return 0;
}
