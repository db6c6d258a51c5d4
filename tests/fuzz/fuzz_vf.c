// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the VF end of the engine against a buggy PF.  Input
 * bytes script the PF's messages (any shape, or plausible completions with
 * fuzzed fields) and the VF driver's requests, timeouts and resets.  Read
 * buffers are allocated at their exact size so any overrun is caught, and
 * the engine may never touch a dword past the mailbox's message size.
 */
#include <stdlib.h>

#include "fuzz_input.h"
#include "sim_mbx.h"

/*
 * The mailbox's message size, a build variant: fuzz_vf (16 dwords, the
 * 82576) and fuzz_vf_4 (VFCB_MSG_MIN_DWORDS).  Both replay and grow the one
 * corpus: an input means the same script whatever the size.
 */
#ifndef FUZZ_MSG_DWORDS
#define FUZZ_MSG_DWORDS 0
#endif

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct sim_link *l = calloc(1, sizeof(*l));
	struct vfcb_vf_req req = { 0 };
	u8 wbuf[VFCB_MAX_BLOCK_SIZE] = { 0 };
	u8 *rbuf = NULL;
	u32 msg[VFCB_MSG_MAX_DWORDS];
	u64 mask = 0;
	unsigned int i, ndw, nfrags;
	bool busy = false;

	sim_link_init_sz(l, 0, 1, FUZZ_MSG_DWORDS);
	/* Fragment indices of plausible messages: 0..3 at 16 dwords, 0..12 at 4. */
	nfrags = vfcb_write_msgs(VFCB_MAX_BLOCK_SIZE, l->msg_dwords);
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
		case 2:	/* the PF posts anything */
			ndw = take8(&in) % VFCB_MSG_MAX_DWORDS;	/* even too long */
			msg[0] = take32(&in);
			msg[0] = (msg[0] & ~VFCB_HDR_NDW_MASK) |
				 (ndw << VFCB_HDR_NDW_SHIFT);
			for (i = 1; i <= ndw; i++)
				msg[i] = take32(&in);
			sim_pf_post_raw(l, msg, ndw + 1);
			break;
		case 3: {	/* a plausible completion for the current request */
			ndw = take8(&in) % l->size;
			msg[0] = vfcb_hdr(l->vf_ep.rx.opcode, ndw, take8(&in) % nfrags,
					  VFCB_HDR_RESP |
					  (take8(&in) & 1 ? VFCB_HDR_MORE : 0),
					  take8(&in) % 12, l->vf_ep.rx.tag);
			msg[1] = take8(&in);
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
	return 0;
}
