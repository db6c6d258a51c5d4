// SPDX-License-Identifier: GPL-2.0
/* Simulated 82576-style mailbox: see sim_mbx.h. */
#include "sim_mbx.h"

/*
 * Past the mailbox, or past what the endpoint's negotiated version lets a
 * message hold (@eff, 0 for an unusable endpoint, which reads headers only).
 */
static bool sim_past(struct sim_link *l, unsigned int i, unsigned int eff)
{
	return i >= l->size || (i && i >= eff);
}

/* ---- transport ops, PF end ---- */
static u32 pf_read(void *ctx, unsigned int i)
{
	struct sim_link *l = ctx;

	l->pf.reads++;
	if (sim_past(l, i, vfcb_pfep_msg_dwords(&l->pf_ep)))
		l->oob++;
	return l->buf[i % VFCB_MSG_MAX_DWORDS];
}

static void pf_ack(void *ctx)
{
	struct sim_link *l = ctx;

	l->vf.msg_pending = false;
	l->vf.ack_pending = true;
}

static int pf_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct sim_link *l = ctx;

	if (ndw < 1 || sim_past(l, ndw - 1, vfcb_pfep_msg_dwords(&l->pf_ep))) {
		l->oob++;
		return -EINVAL;
	}
	/* The 82576 rule: never overwrite the peer's unread message. */
	if (l->pf.refuse_post || l->vf.msg_pending)
		return -EBUSY;
	if (l->drop_pf_post && --l->drop_pf_post == 0) {
		/* lost on the way: as if the PF's write never landed and the
		 * VF acked anyway (the worst a broken device could do)
		 */
		l->pf.posts++;
		l->pf.ack_pending = true;
		return 0;
	}
	memcpy(l->buf, msg, ndw * sizeof(u32));
	l->pf.writes += ndw;
	l->pf.posts++;
	l->pf.msg_pending = true;
	return 0;
}

/* ---- transport ops, VF end ---- */
static u32 vf_read(void *ctx, unsigned int i)
{
	struct sim_link *l = ctx;

	l->vf.reads++;
	if (sim_past(l, i, vfcb_vfep_msg_dwords(&l->vf_ep)))
		l->oob++;
	return l->buf[i % VFCB_MSG_MAX_DWORDS];
}

static void vf_ack(void *ctx)
{
	struct sim_link *l = ctx;

	l->pf.msg_pending = false;
	l->pf.ack_pending = true;
}

static int vf_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct sim_link *l = ctx;

	if (ndw < 1 || sim_past(l, ndw - 1, vfcb_vfep_msg_dwords(&l->vf_ep))) {
		l->oob++;
		return -EINVAL;
	}
	if (l->vf.refuse_post || l->pf.msg_pending)
		return -EBUSY;
	memcpy(l->buf, msg, ndw * sizeof(u32));
	l->vf.writes += ndw;
	l->vf.posts++;
	l->vf.msg_pending = true;
	return 0;
}

static const struct vfcb_transport_ops sim_pf_ops = {
	.read = pf_read, .ack = pf_ack, .post = pf_post,
};

static const struct vfcb_transport_ops sim_vf_ops = {
	.read = vf_read, .ack = vf_ack, .post = vf_post,
};

/* The mailbox holds what the transport states: 0 is 16, 64 at most. */
static unsigned int sim_size(unsigned int msg_dwords)
{
	if (!msg_dwords)
		return VFCB_MSG_V1_MAX_DWORDS;
	return msg_dwords < VFCB_MSG_MAX_DWORDS ? msg_dwords : VFCB_MSG_MAX_DWORDS;
}

void sim_link_init_pair(struct sim_link *l, u8 vf_index, u32 serial,
			unsigned int pf_msg_dwords, unsigned int vf_msg_dwords)
{
	sim_link_init_full(l, vf_index, serial, pf_msg_dwords, vf_msg_dwords,
			   VFCB_PROTO_VERSIONS, VFCB_PROTO_VERSIONS);
}

void sim_link_init_full(struct sim_link *l, u8 vf_index, u32 serial,
			unsigned int pf_msg_dwords, unsigned int vf_msg_dwords,
			u32 pf_versions, u32 vf_versions)
{
	struct vfcb_transport pt = { &sim_pf_ops, l, pf_msg_dwords };
	struct vfcb_transport vt = { &sim_vf_ops, l, vf_msg_dwords };

	memset(l, 0, sizeof(*l));
	l->msg_dwords = pf_msg_dwords;
	l->size = sim_size(pf_msg_dwords);
	if (sim_size(vf_msg_dwords) > l->size)
		l->size = sim_size(vf_msg_dwords);
	vfcb_pfep_init(&l->pf_ep, &pt, vf_index, serial);
	l->pf_ep.versions = pf_versions;	/* an older PF speaks fewer */
	vfcb_vfep_init(&l->vf_ep, &vt, vf_versions);
}

void sim_link_init_sz(struct sim_link *l, u8 vf_index, u32 serial,
		      unsigned int msg_dwords)
{
	sim_link_init_pair(l, vf_index, serial, msg_dwords, msg_dwords);
}

void sim_link_init(struct sim_link *l, u8 vf_index, u32 serial)
{
	sim_link_init_sz(l, vf_index, serial, 0);
}

static int store_find(struct sim_store *s, u32 id)
{
	int i;

	for (i = 0; i < SIM_BLOCKS; i++)
		if (s->used[i] && s->id[i] == id)
			return i;
	return -1;
}

/* What a PF driver does with a request: serve it from the store. */
static void sim_serve(struct sim_link *l, const struct vfcb_pf_req *req)
{
	struct sim_store *s = &l->store;
	int i = store_find(s, req->block_id);

	l->pf_requests++;
	l->last_req = *req;
	if (l->pf_mute)
		return;
	switch (req->opcode) {
	case VFCB_OP_PING:
		vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_OK, NULL, 0);
		return;
	case VFCB_OP_READ:
		if (i < 0)
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_NOT_FOUND, NULL, 0);
		else if (s->len[i] > req->len)
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_BUF_TOO_SMALL,
					   NULL, s->len[i]);
		else
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_OK,
					   s->data[i], s->len[i]);
		return;
	case VFCB_OP_WRITE:
		if (i < 0) {
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_NOT_FOUND, NULL, 0);
		} else if (!s->writable[i]) {
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_DENIED, NULL, 0);
		} else {
			memcpy(s->data[i], req->data, req->len);
			s->len[i] = req->len;
			vfcb_pfep_complete(&l->pf_ep, req, VFCB_ST_OK, NULL, 0);
		}
		return;
	}
}

void sim_run(struct sim_link *l)
{
	struct vfcb_pf_req req;
	unsigned int rounds, posts;
	bool moved = true;

	for (rounds = 0; moved && rounds < 1000; rounds++) {
		moved = false;
		/*
		 * PF interrupt.  An ack latched with a message is for what was
		 * posted before, so it goes first, as the transports report
		 * them (include/vfcb_pf_transport.h); then the message, read
		 * before anything is posted (shared buffer).
		 */
		if (l->pf.ack_pending) {
			l->pf.ack_pending = false;
			vfcb_pfep_tx_acked(&l->pf_ep);
			moved = true;
		}
		if (l->vf.msg_pending) {
			enum vfcb_pf_rx_result r;

			/* Poison: the engine must set every field it hands out. */
			memset(&req, 0xa5, sizeof(req));
			r = vfcb_pfep_rx(&l->pf_ep, &req);

			if (r == VFCB_PF_RX_REQUEST)
				sim_serve(l, &req);
			else if (r == VFCB_PF_RX_READY)
				l->pf_ready++;
			else if (r == VFCB_PF_RX_ERROR)
				l->pf_errors++;
			moved = true;
		}
		posts = l->pf.posts + l->vf.posts;
		vfcb_pfep_kick(&l->pf_ep);
		/* VF interrupt, in the same order. */
		if (l->vf.ack_pending) {
			l->vf.ack_pending = false;
			vfcb_vfep_tx_acked(&l->vf_ep);
			moved = true;
		}
		if (l->pf.msg_pending) {
			l->vf_events |= vfcb_vfep_rx(&l->vf_ep, &l->vf_mask);
			moved = true;
		}
		vfcb_vfep_kick(&l->vf_ep);
		if (l->pf.posts + l->vf.posts != posts)
			moved = true;
	}
}

void sim_vf_post_raw(struct sim_link *l, const u32 *msg, unsigned int ndw)
{
	memcpy(l->buf, msg, ndw * sizeof(u32));
	l->vf.msg_pending = true;
}

void sim_pf_post_raw(struct sim_link *l, const u32 *msg, unsigned int ndw)
{
	memcpy(l->buf, msg, ndw * sizeof(u32));
	l->pf.msg_pending = true;
}
