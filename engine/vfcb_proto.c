// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb protocol engine.  Documentation/protocol.rst is the specification.
 *
 * Everything read from the mailbox is validated here before it is used: the
 * PF end treats its VF as hostile, the VF end treats its PF as buggy.  A bad
 * message is counted, recorded in stats.last_error and, on the PF, answered
 * with an error completion; it never changes state beyond dropping the
 * transfer it claimed to belong to.
 */
#include "vfcb_proto.h"

static const char * const vfcb_err_names[VFCB_ERR_COUNT] = {
	[VFCB_ERR_NONE]		= "none",
	[VFCB_ERR_OPCODE]	= "unknown or misdirected opcode",
	[VFCB_ERR_LENGTH]	= "bad length",
	[VFCB_ERR_RESERVED]	= "reserved bits set",
	[VFCB_ERR_FLAGS]	= "bad header flags",
	[VFCB_ERR_FRAGMENT]	= "fragment out of sequence",
	[VFCB_ERR_TAG]		= "completion with unexpected tag",
	[VFCB_ERR_STATE]	= "request before handshake",
	[VFCB_ERR_VERSION]	= "no common protocol version",
};

const char *vfcb_err_name(enum vfcb_err err)
{
	if ((unsigned int)err < VFCB_ERR_COUNT)
		return vfcb_err_names[err];
	return "unknown";
}

static const struct {
	u8 status;
	int err;
} vfcb_status_map[] = {
	{ VFCB_ST_OK,		 0 },
	{ VFCB_ST_NOT_FOUND,	 ENOENT },
	{ VFCB_ST_DENIED,	 EPERM },
	{ VFCB_ST_TOO_BIG,	 EMSGSIZE },
	{ VFCB_ST_BUF_TOO_SMALL, ERANGE },
	{ VFCB_ST_BAD_REQUEST,	 EPROTO },
	{ VFCB_ST_NOT_READY,	 EAGAIN },
	{ VFCB_ST_BAD_VERSION,	 EPROTONOSUPPORT },
	{ VFCB_ST_UNSUPPORTED,	 EOPNOTSUPP },
	{ VFCB_ST_NO_SPACE,	 ENOSPC },
	{ VFCB_ST_BUSY,		 EBUSY },
};

int vfcb_status_to_errno(u8 status)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfcb_status_map); i++)
		if (vfcb_status_map[i].status == status)
			return -vfcb_status_map[i].err;
	return -EIO;	/* a status this side does not know */
}

u8 vfcb_errno_to_status(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfcb_status_map); i++)
		if (vfcb_status_map[i].err == -err)
			return vfcb_status_map[i].status;
	return VFCB_ST_BAD_REQUEST;
}

/* ------------------------------------------------ fragment geometry --- */

/*
 * The frag field counts 16 fragments: the longest transfer, a 128-byte
 * WRITE (2 head words) at the smallest message size, must fit in them.
 */
#define VFCB_WORST_FRAGS						\
	(1 + (VFCB_MAX_BLOCK_SIZE - VFCB_WRITE_FRAG0_DATA(VFCB_MSG_MIN_DWORDS) * 4 + \
	      VFCB_FRAGN_DATA(VFCB_MSG_MIN_DWORDS) * 4 - 1) /			\
	 (VFCB_FRAGN_DATA(VFCB_MSG_MIN_DWORDS) * 4))
static_assert(VFCB_WORST_FRAGS <= (VFCB_HDR_FRAG_MASK >> VFCB_HDR_FRAG_SHIFT) + 1,
	      "a 128-byte transfer at VFCB_MSG_MIN_DWORDS overflows the frag field");

/* Each version's ndw field says exactly its largest message - 1. */
static_assert((VFCB_HDR_NDW_MASK >> VFCB_HDR_NDW_SHIFT) + 1 == VFCB_MSG_V1_MAX_DWORDS,
	      "v1 ndw field and VFCB_MSG_V1_MAX_DWORDS disagree");
static_assert(((VFCB_HDR_NDW_MASK >> VFCB_HDR_NDW_SHIFT) |
	       (VFCB_HDR2_NDW_HI_MASK >> (VFCB_HDR2_NDW_HI_SHIFT - 4))) + 1 ==
	      VFCB_MSG_V2_MAX_DWORDS, "v2 ndw field and VFCB_MSG_V2_MAX_DWORDS disagree");
/* v2 splits v1's status field: its top bits are ndw 5:4. */
static_assert((VFCB_HDR2_STATUS_MASK | VFCB_HDR2_NDW_HI_MASK) == VFCB_HDR_STATUS_MASK &&
	      !(VFCB_HDR2_STATUS_MASK & VFCB_HDR2_NDW_HI_MASK),
	      "v2 status and ndw 5:4 must split v1's status field");
static_assert(VFCB_HDR2_STATUS_MASK >> VFCB_HDR_STATUS_SHIFT == VFCB_HDR2_STATUS_MAX,
	      "VFCB_HDR2_STATUS_MAX is not the v2 status field's maximum");
/* Every status the protocol defines is one v2 can say. */
static_assert(VFCB_ST_BUSY <= VFCB_HDR2_STATUS_MAX, "a status v2 cannot say");
/* A 128-byte block fits one message either way at the v2 maximum. */
static_assert(VFCB_MSG_V2_MAX_DWORDS >= 3 + VFCB_MAX_BLOCK_SIZE / 4,
	      "v2 cannot carry a 128-byte WRITE in one message");

unsigned int vfcb_msg_dwords(unsigned int msg_dwords)
{
	if (msg_dwords == 0)
		return VFCB_MSG_V1_MAX_DWORDS;	/* the 82576's */
	if (msg_dwords > VFCB_MSG_MAX_DWORDS)
		return VFCB_MSG_MAX_DWORDS;
	if (msg_dwords < VFCB_MSG_MIN_DWORDS)
		return 0;
	return msg_dwords;
}

/*
 * The version whose header layout a message with @opcode uses when
 * @version is negotiated (0: none yet): HELLO and its completion are v1's
 * in every version.  opcode sits at the same bits in every layout, so a
 * receiver can tell from it before decoding the rest.
 */
static unsigned int layout_ver(u8 opcode, unsigned int version)
{
	if (opcode == VFCB_OP_HELLO || version < VFCB_PROTO_V1)
		return VFCB_PROTO_V1;
	return version;
}

/*
 * Data dwords fragment @frag can carry in messages of @msg_dw dwords, given
 * @nhead head words in frag 0 (@msg_dw >= VFCB_MSG_MIN_DWORDS > 1 + nhead).
 */
static unsigned int frag_data_dw(unsigned int msg_dw, unsigned int frag,
				 unsigned int nhead)
{
	return frag ? msg_dw - 1 : msg_dw - 1 - nhead;
}

/* Data bytes fragment @frag carries of a @len byte transfer. */
static u32 frag_bytes(unsigned int msg_dw, u32 len, u32 done,
		      unsigned int frag, unsigned int nhead)
{
	return min_t(u32, len - done, frag_data_dw(msg_dw, frag, nhead) * 4);
}

static unsigned int xfer_msgs(unsigned int msg_dw, u32 len, unsigned int nhead)
{
	u32 first = frag_data_dw(msg_dw, 0, nhead) * 4;

	if (len <= first)
		return 1;
	return 1 + DIV_ROUND_UP(len - first, frag_data_dw(msg_dw, 1, 0) * 4);
}

unsigned int vfcb_read_msgs(u32 len, unsigned int msg_dwords)
{
	unsigned int msg_dw = vfcb_msg_dwords(msg_dwords);

	return msg_dw ? 1 + xfer_msgs(msg_dw, len, 1) : 0;
}

unsigned int vfcb_write_msgs(u32 len, unsigned int msg_dwords)
{
	unsigned int msg_dw = vfcb_msg_dwords(msg_dwords);

	return msg_dw ? xfer_msgs(msg_dw, len, 2) + 1 : 0;
}

/* Block data travels as little-endian bytes packed into dwords. */
static void pack_bytes(u32 *dw, const u8 *src, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (i % 4 == 0)
			dw[i / 4] = 0;
		dw[i / 4] |= (u32)src[i] << (8 * (i % 4));
	}
}

/* Unpack @n bytes; false if the padding of the last dword is not zero. */
static bool unpack_bytes(u8 *dst, const u32 *dw, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		dst[i] = dw[i / 4] >> (8 * (i % 4));
	if (n % 4 && dw[n / 4] >> (8 * (n % 4)))
		return false;
	return true;
}

/* ------------------------------------------------ sending ------------ */

/*
 * Encode the next fragment of @x into @msg, in messages of @msg_dw dwords
 * and the header layout of version @ver; returns its size in dwords.
 * The transfer only advances in xfer_advance(), once the post succeeded.
 */
static unsigned int xfer_encode(const struct vfcb_xfer *x, unsigned int msg_dw,
				unsigned int ver, u32 *msg, u32 resp)
{
	u32 n = frag_bytes(msg_dw, x->len, x->done, x->frag, x->nhead);
	unsigned int ndw = 0;
	u32 flags = resp;

	if (x->frag == 0) {
		memcpy(&msg[1], x->head, x->nhead * sizeof(u32));
		ndw = x->nhead;
	}
	pack_bytes(&msg[1 + ndw], &x->data[x->done], n);
	ndw += DIV_ROUND_UP(n, 4);
	if (x->done + n < x->len)
		flags |= VFCB_HDR_MORE;
	msg[0] = vfcb_hdr_v(ver, x->opcode, ndw, x->frag, flags, x->status, x->tag);
	return ndw + 1;
}

static void xfer_advance(struct vfcb_xfer *x, unsigned int msg_dw)
{
	x->done += frag_bytes(msg_dw, x->len, x->done, x->frag, x->nhead);
	x->frag++;
	if (x->done >= x->len)
		x->active = false;
}

static void xfer_start(struct vfcb_xfer *x, u8 opcode, u8 tag, u8 status)
{
	x->active = true;
	x->opcode = opcode;
	x->tag = tag;
	x->status = status;
	x->frag = 0;
	x->nhead = 0;
	x->len = 0;
	x->done = 0;
}

/* Post @ndw dwords; false if the transport could not take them now. */
static bool ep_post(const struct vfcb_transport *tr, struct vfcb_ep_stats *st,
		    const u32 *msg, unsigned int ndw)
{
	if (tr->ops->post(tr->ctx, msg, ndw)) {
		st->tx_deferred++;
		return false;
	}
	st->tx_msgs++;
	return true;
}

/* ------------------------------------------------ receiving ---------- */

struct vfcb_msg {
	u32 dw[VFCB_MSG_MAX_DWORDS];
	unsigned int ndw;	/* dwords after the header */
	unsigned int ver;	/* the header layout it was read with */
	unsigned int size;	/* message size for that version */
};

/*
 * Read exactly the dwords the header announces, then free the buffer.  The
 * header is decoded with @version's layout (HELLO's with v1's), and may
 * announce up to what a message of @msg_dw dwords, at most the version's
 * maximum, holds.  Returns false, having read the header only, if it
 * announces more (every message, for an unusable 0).
 */
static bool ep_read(const struct vfcb_transport *tr, unsigned int msg_dw,
		    unsigned int version, struct vfcb_msg *m)
{
	unsigned int i;

	m->dw[0] = tr->ops->read(tr->ctx, 0);
	m->ver = layout_ver(vfcb_hdr_opcode(m->dw[0]), version);
	m->size = vfcb_msg_dw_ver(msg_dw, m->ver);
	m->ndw = vfcb_hdr_ndw_v(m->ver, m->dw[0]);
	if (m->ndw >= m->size) {
		tr->ops->ack(tr->ctx);
		return false;
	}
	for (i = 1; i <= m->ndw; i++)
		m->dw[i] = tr->ops->read(tr->ctx, i);
	tr->ops->ack(tr->ctx);
	return true;
}

/*
 * Take one data-carrying fragment into reassembly @x.  Fragment 0 has
 * already set @x up (opcode, tag, len, nhead).  Checks that the fragment is
 * the expected one and is exactly as long as the remaining data demands in
 * messages of the size @m was read with.
 */
static enum vfcb_err xfer_take(struct vfcb_xfer *x, const struct vfcb_msg *m)
{
	u32 h = m->dw[0];
	unsigned int frag = vfcb_hdr_frag(h);
	unsigned int skip = frag ? 0 : x->nhead;
	u32 n;
	bool more;

	if (frag != x->frag || vfcb_hdr_tag(h) != x->tag ||
	    vfcb_hdr_opcode(h) != x->opcode)
		return VFCB_ERR_FRAGMENT;
	if (frag && x->done >= x->len)
		return VFCB_ERR_FRAGMENT;
	n = frag_bytes(m->size, x->len, x->done, frag, x->nhead);
	more = x->done + n < x->len;
	if (m->ndw != skip + DIV_ROUND_UP(n, 4))
		return VFCB_ERR_LENGTH;
	if (!!(h & VFCB_HDR_MORE) != more)
		return VFCB_ERR_FRAGMENT;
	if (!unpack_bytes(&x->data[x->done], &m->dw[1 + skip], n))
		return VFCB_ERR_RESERVED;
	x->done += n;
	x->frag++;
	x->active = more;
	return VFCB_ERR_NONE;
}

/* ================================================================ PF === */

void vfcb_pfep_init(struct vfcb_pf_ep *ep, const struct vfcb_transport *tr,
		    u8 vf_index, u32 serial)
{
	memset(ep, 0, sizeof(*ep));
	ep->tr = *tr;
	ep->msg_dw = vfcb_msg_dwords(tr->msg_dwords);
	ep->vf_index = vf_index;
	ep->serial = serial;
	ep->versions = VFCB_PROTO_VERSIONS;
}

static unsigned int highest_bit(u32 v)
{
	unsigned int b = 0;

	while (v >>= 1)
		b++;
	return b;
}

/*
 * Queue a completion without data.  A completion not yet fully posted is
 * replaced: its VF has moved on to a new request (after a timeout, or out
 * of turn), so the old answer would only be dropped by tag there.
 */
static void pf_answer(struct vfcb_pf_ep *ep, u8 opcode, u8 tag, u8 status)
{
	xfer_start(&ep->tx, opcode, tag, status);
}

static enum vfcb_pf_rx_result pf_refuse(struct vfcb_pf_ep *ep,
					const struct vfcb_msg *m,
					enum vfcb_err err, u8 status)
{
	ep->stats.rx_errors++;
	ep->stats.last_error = err;
	ep->rx.active = false;
	pf_answer(ep, vfcb_hdr_opcode(m->dw[0]), vfcb_hdr_tag(m->dw[0]), status);
	vfcb_pfep_kick(ep);
	return VFCB_PF_RX_ERROR;
}

static enum vfcb_pf_rx_result pf_hello(struct vfcb_pf_ep *ep,
				       const struct vfcb_msg *m)
{
	u8 tag = vfcb_hdr_tag(m->dw[0]);
	u32 common;

	/* Newer VFs may append words to HELLO: read dw1, ignore the rest. */
	if (m->ndw < 1 || (m->dw[0] & VFCB_HDR_MORE))
		return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);

	/*
	 * A new handshake drops whatever the VF's previous life left.  That
	 * includes a message of ours it never acked: its HELLO took the
	 * buffer that message was in (a VF reset discarded it unread, or it
	 * was the answer to a request sent before the reset).  Waiting for
	 * that ack would hold the HELLO's answer back for good; what the
	 * message carried of invalidations goes back to pending.
	 */
	ep->rx.active = false;
	ep->ready = false;
	ep->version = 0;
	ep->tx_busy = false;
	ep->pending_mask |= ep->inflight_mask;
	ep->inflight_mask = 0;

	common = m->dw[1] & ep->versions;
	pf_answer(ep, VFCB_OP_HELLO, tag, VFCB_ST_OK);
	ep->tx.nhead = 3;
	ep->tx.head[1] = ep->serial;
	ep->tx.head[2] = ep->versions;
	/*
	 * A PF going away must not become ready again: a HELLO that crossed
	 * its PF_RESET notice in the mailbox would undo the notice, and the
	 * VF would be served after it.  NOT_READY, as any request before a
	 * handshake gets, in the HELLO answer's frozen shape with version 0
	 * so that the VF reads it (-EAGAIN); a VF that has taken the notice
	 * drops it as stale.
	 */
	if (ep->going_away || !common) {
		ep->tx.status = ep->going_away ? VFCB_ST_NOT_READY :
						 VFCB_ST_BAD_VERSION;
		ep->tx.head[0] = 0;
		ep->stats.rx_errors++;
		ep->stats.last_error = ep->going_away ? VFCB_ERR_STATE :
							VFCB_ERR_VERSION;
		vfcb_pfep_kick(ep);
		return VFCB_PF_RX_ERROR;
	}
	ep->version = highest_bit(common);
	ep->ready = true;
	ep->tx.head[0] = ep->version |
			 ((u32)ep->vf_index << VFCB_HELLO_VF_SHIFT) |
			 ((u32)VFCB_MAX_BLOCK_SIZE << VFCB_HELLO_MAXBLK_SHIFT);
	vfcb_pfep_kick(ep);
	return VFCB_PF_RX_READY;
}

/* First (or only) fragment of a request other than HELLO. */
static enum vfcb_pf_rx_result pf_request(struct vfcb_pf_ep *ep,
					 const struct vfcb_msg *m,
					 struct vfcb_pf_req *req)
{
	u32 h = m->dw[0];
	u8 op = vfcb_hdr_opcode(h);
	struct vfcb_xfer *x = &ep->rx;
	enum vfcb_err err;
	u32 len;

	/* Every field the driver may look at is set, whatever the opcode. */
	req->block_id = 0;
	req->len = 0;
	switch (op) {
	case VFCB_OP_PING:
		if (m->ndw != 0 || (h & VFCB_HDR_MORE))
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);
		break;
	case VFCB_OP_READ:
		if (m->ndw != 2 || (h & VFCB_HDR_MORE))
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);
		if (m->dw[2] & ~VFCB_LEN_MASK)
			return pf_refuse(ep, m, VFCB_ERR_RESERVED, VFCB_ST_BAD_REQUEST);
		len = m->dw[2];
		if (len == 0)
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);
		if (len > VFCB_MAX_BLOCK_SIZE)
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_TOO_BIG);
		req->block_id = m->dw[1];
		req->len = len;
		break;
	case VFCB_OP_WRITE:
		if (m->ndw < 2)
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);
		if (m->dw[2] & ~VFCB_LEN_MASK)
			return pf_refuse(ep, m, VFCB_ERR_RESERVED, VFCB_ST_BAD_REQUEST);
		if (m->dw[2] > VFCB_MAX_BLOCK_SIZE)
			return pf_refuse(ep, m, VFCB_ERR_LENGTH, VFCB_ST_TOO_BIG);
		xfer_start(x, op, vfcb_hdr_tag(h), 0);
		x->nhead = 2;
		x->head[0] = m->dw[1];
		x->len = m->dw[2];
		err = xfer_take(x, m);
		if (err)
			return pf_refuse(ep, m, err, VFCB_ST_BAD_REQUEST);
		if (x->active)
			return VFCB_PF_RX_NONE;	/* more fragments to come */
		req->block_id = x->head[0];
		req->len = x->len;
		memcpy(req->data, x->data, x->len);
		break;
	default:
		return pf_refuse(ep, m, VFCB_ERR_OPCODE, VFCB_ST_UNSUPPORTED);
	}
	req->opcode = op;
	req->tag = vfcb_hdr_tag(h);
	ep->stats.requests++;
	return VFCB_PF_RX_REQUEST;
}

enum vfcb_pf_rx_result vfcb_pfep_rx(struct vfcb_pf_ep *ep,
				    struct vfcb_pf_req *req)
{
	struct vfcb_xfer *x = &ep->rx;
	struct vfcb_msg m;
	enum vfcb_err err;
	bool ok;
	u32 h;

	ok = ep_read(&ep->tr, ep->msg_dw, ep->version, &m);
	ep->stats.rx_msgs++;
	h = m.dw[0];

	/* Longer than the mailbox's messages: not even read. */
	if (!ok)
		return pf_refuse(ep, &m, VFCB_ERR_LENGTH, VFCB_ST_BAD_REQUEST);
	if (h & (VFCB_HDR_RESP | vfcb_hdr_status_mask(m.ver)))
		return pf_refuse(ep, &m, VFCB_ERR_FLAGS, VFCB_ST_BAD_REQUEST);

	if (vfcb_hdr_frag(h)) {
		/* A continuation must extend the transfer in progress. */
		if (!x->active)
			return pf_refuse(ep, &m, VFCB_ERR_FRAGMENT, VFCB_ST_BAD_REQUEST);
		err = xfer_take(x, &m);
		if (err)
			return pf_refuse(ep, &m, err, VFCB_ST_BAD_REQUEST);
		if (x->active)
			return VFCB_PF_RX_NONE;
		req->opcode = x->opcode;
		req->tag = x->tag;
		req->block_id = x->head[0];
		req->len = x->len;
		memcpy(req->data, x->data, x->len);
		ep->stats.requests++;
		return VFCB_PF_RX_REQUEST;
	}

	if (x->active) {
		/* The VF abandoned a fragmented request: nobody awaits it. */
		x->active = false;
		ep->stats.rx_errors++;
		ep->stats.last_error = VFCB_ERR_FRAGMENT;
	}

	if (vfcb_hdr_opcode(h) == VFCB_OP_HELLO)
		return pf_hello(ep, &m);
	if (!ep->ready)
		return pf_refuse(ep, &m, VFCB_ERR_STATE, VFCB_ST_NOT_READY);
	return pf_request(ep, &m, req);
}

void vfcb_pfep_complete(struct vfcb_pf_ep *ep, const struct vfcb_pf_req *req,
			u8 status, const void *data, u32 len)
{
	struct vfcb_xfer *x = &ep->tx;

	/*
	 * The PF_RESET notice failed the request at the VF (NOT_READY): an
	 * answer now would be dropped there as stale, an OK would tell of a
	 * PF still serving, and posting it delays the idle the PF's teardown
	 * waits for.
	 */
	if (ep->going_away)
		return;
	/* A status the version cannot say would be misread: say "bad". */
	pf_answer(ep, req->opcode, req->tag,
		  status > vfcb_hdr_status_max(ep->version) ?
		  VFCB_ST_BAD_REQUEST : status);
	if (req->opcode == VFCB_OP_READ &&
	    (status == VFCB_ST_OK || status == VFCB_ST_BUF_TOO_SMALL)) {
		x->nhead = 1;
		x->head[0] = min_t(u32, len, VFCB_MAX_BLOCK_SIZE);
		if (status == VFCB_ST_OK) {
			x->len = x->head[0];
			memcpy(x->data, data, x->len);
		}
	}
	vfcb_pfep_kick(ep);
}

void vfcb_pfep_tx_acked(struct vfcb_pf_ep *ep)
{
	if (!ep->tx_busy)
		return;		/* an ack we did not ask for: ignore it */
	ep->tx_busy = false;
	ep->inflight_mask = 0;
	vfcb_pfep_kick(ep);
}

void vfcb_pfep_tx_lost(struct vfcb_pf_ep *ep)
{
	if (!ep->tx_busy)
		return;
	ep->tx_busy = false;
	ep->pending_mask |= ep->inflight_mask;
	ep->inflight_mask = 0;
	ep->tx.active = false;
}

bool vfcb_pfep_kick(struct vfcb_pf_ep *ep)
{
	u32 msg[VFCB_MSG_MAX_DWORDS];
	unsigned int ndw, ver, size;
	bool hello_first;

	if (!ep->msg_dw) {
		/* Nothing fits an unusable transport: nothing is posted. */
		ep->tx.active = false;
		ep->reset_pending = false;
		return false;
	}
	if (ep->tx_busy)
		return false;	/* the VF's ack will bring us back */

	if (ep->reset_pending) {
		msg[0] = vfcb_hdr_v(ep->version, VFCB_OP_PF_RESET, 1, 0, 0, 0, 0);
		msg[1] = ep->reset_reason;
		if (!ep_post(&ep->tr, &ep->stats, msg, 2))
			return true;
		ep->reset_pending = false;
		ep->tx_busy = true;
		return false;
	}

	/*
	 * Invalidations go before a queued completion so a VF that keeps
	 * requesting cannot starve them; the HELLO completion goes first
	 * because the VF must learn the handshake is done before anything
	 * else arrives.
	 */
	hello_first = ep->tx.active && ep->tx.opcode == VFCB_OP_HELLO;
	if (ep->ready && ep->pending_mask && !hello_first) {
		msg[0] = vfcb_hdr_v(ep->version, VFCB_OP_INVALIDATE, 2, 0, 0, 0, 0);
		msg[1] = (u32)ep->pending_mask;
		msg[2] = (u32)(ep->pending_mask >> 32);
		if (!ep_post(&ep->tr, &ep->stats, msg, 3))
			return true;
		ep->inflight_mask = ep->pending_mask;
		ep->pending_mask = 0;
		ep->stats.invalidations++;
		ep->tx_busy = true;
		return false;
	}

	if (!ep->tx.active)
		return false;
	ver = layout_ver(ep->tx.opcode, ep->version);
	size = vfcb_msg_dw_ver(ep->msg_dw, ver);
	ndw = xfer_encode(&ep->tx, size, ver, msg, VFCB_HDR_RESP);
	if (!ep_post(&ep->tr, &ep->stats, msg, ndw))
		return true;
	xfer_advance(&ep->tx, size);
	ep->tx_busy = true;
	return false;
}

void vfcb_pfep_invalidate(struct vfcb_pf_ep *ep, u64 mask)
{
	ep->pending_mask |= mask;
	vfcb_pfep_kick(ep);
}

void vfcb_pfep_vf_reset(struct vfcb_pf_ep *ep)
{
	/* An invalidation the VF did not ack may not have reached anyone. */
	ep->pending_mask |= ep->inflight_mask;
	ep->inflight_mask = 0;
	ep->tx_busy = false;
	ep->rx.active = false;
	ep->tx.active = false;
	ep->reset_pending = false;
	/* going_away is the PF's state, not the VF's: it stays. */
	ep->ready = false;
	ep->version = 0;
	ep->stats.resets++;
}

void vfcb_pfep_notify_reset(struct vfcb_pf_ep *ep, u8 reason)
{
	ep->reset_pending = true;
	ep->reset_reason = reason;
	/* A restarting PF answers the VF's next HELLO; a leaving one never. */
	if (reason == VFCB_RESET_GOING_AWAY)
		ep->going_away = true;
	ep->ready = false;
	ep->tx.active = false;
	ep->rx.active = false;
	vfcb_pfep_kick(ep);
}

bool vfcb_pfep_idle(const struct vfcb_pf_ep *ep)
{
	return !ep->tx_busy && !ep->reset_pending && !ep->tx.active &&
	       !(ep->ready && ep->pending_mask);
}

/* ================================================================ VF === */

void vfcb_vfep_init(struct vfcb_vf_ep *ep, const struct vfcb_transport *tr,
		    u32 versions)
{
	memset(ep, 0, sizeof(*ep));
	ep->tr = *tr;
	ep->msg_dw = vfcb_msg_dwords(tr->msg_dwords);
	ep->versions = versions;
	ep->next_tag = 1;
}

int vfcb_vfep_submit(struct vfcb_vf_ep *ep, struct vfcb_vf_req *req)
{
	struct vfcb_xfer *x = &ep->tx;
	u8 tag;

	switch (req->opcode) {
	case VFCB_OP_HELLO:
	case VFCB_OP_PING:
		break;
	case VFCB_OP_READ:
		if (req->len == 0 || req->len > VFCB_MAX_BLOCK_SIZE || !req->rbuf)
			return -EINVAL;
		break;
	case VFCB_OP_WRITE:
		if (req->len > VFCB_MAX_BLOCK_SIZE || (req->len && !req->wdata))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!ep->msg_dw)
		return -EINVAL;
	if (ep->cur)
		return -EBUSY;
	if (!ep->ready && req->opcode != VFCB_OP_HELLO)
		return -EAGAIN;

	/* Tag 0 is left to notifications, so a stray one never matches. */
	tag = ep->next_tag++;
	if (!ep->next_tag)
		ep->next_tag = 1;

	xfer_start(x, req->opcode, tag, 0);
	switch (req->opcode) {
	case VFCB_OP_HELLO:
		x->nhead = 1;
		x->head[0] = ep->versions;
		break;
	case VFCB_OP_READ:
		x->nhead = 2;
		x->head[0] = req->block_id;
		x->head[1] = req->len;
		break;
	case VFCB_OP_WRITE:
		x->nhead = 2;
		x->head[0] = req->block_id;
		x->head[1] = req->len;
		x->len = req->len;
		if (req->len)
			memcpy(x->data, req->wdata, req->len);
		break;
	}

	/* The completion is reassembled in ep->rx, fragment 0 first. */
	xfer_start(&ep->rx, req->opcode, tag, 0);
	ep->rx.active = false;

	req->done = false;
	req->status = 0;
	req->out_len = 0;
	ep->cur = req;
	vfcb_vfep_kick(ep);
	return 0;
}

static unsigned int vf_finish(struct vfcb_vf_ep *ep, u8 status)
{
	struct vfcb_vf_req *req = ep->cur;

	req->status = status;
	req->done = true;
	ep->cur = NULL;
	ep->tx.active = false;
	ep->rx.active = false;
	ep->stats.requests++;
	return VFCB_VF_EV_COMPLETE;
}

/* A bad completion for the current request fails it, so its caller learns
 * at once instead of waiting for a timeout.
 */
static unsigned int vf_bad_completion(struct vfcb_vf_ep *ep, enum vfcb_err err)
{
	ep->stats.rx_errors++;
	ep->stats.last_error = err;
	return vf_finish(ep, VFCB_ST_BAD_REQUEST) | VFCB_VF_EV_ERROR;
}

static unsigned int vf_drop(struct vfcb_vf_ep *ep, enum vfcb_err err)
{
	ep->stats.rx_errors++;
	ep->stats.last_error = err;
	return VFCB_VF_EV_ERROR;
}

/*
 * An INVALIDATE we cannot read still says blocks changed, and the PF
 * forgets its bits once we ack it: re-read everything rather than lose
 * them.
 */
static unsigned int vf_drop_invalidate(struct vfcb_vf_ep *ep,
				       enum vfcb_err err, u64 *mask)
{
	*mask |= ~(u64)0;	/* VFCB_INVALIDATE_EVERYTHING */
	ep->stats.invalidations++;
	return vf_drop(ep, err) | VFCB_VF_EV_INVALIDATE;
}

static unsigned int vf_notification(struct vfcb_vf_ep *ep,
				    const struct vfcb_msg *m, u64 *mask)
{
	u32 h = m->dw[0];
	unsigned int ev = 0;
	u64 bits;

	if (h & (VFCB_HDR_TAG_MASK | vfcb_hdr_status_mask(m->ver) | VFCB_HDR_MORE |
		 VFCB_HDR_FRAG_MASK))
		return vfcb_hdr_opcode(h) == VFCB_OP_INVALIDATE ?
		       vf_drop_invalidate(ep, VFCB_ERR_FLAGS, mask) :
		       vf_drop(ep, VFCB_ERR_FLAGS);

	switch (vfcb_hdr_opcode(h)) {
	case VFCB_OP_INVALIDATE:
		if (m->ndw != 2)
			return vf_drop_invalidate(ep, VFCB_ERR_LENGTH, mask);
		bits = m->dw[1] | (u64)m->dw[2] << 32;
		if (!bits)
			return vf_drop(ep, VFCB_ERR_LENGTH);
		*mask |= bits;
		ep->stats.invalidations++;
		return VFCB_VF_EV_INVALIDATE;
	case VFCB_OP_PF_RESET:
		if (m->ndw != 1)
			return vf_drop(ep, VFCB_ERR_LENGTH);
		/*
		 * Only GOING_AWAY keeps us from handshaking again; a reason
		 * we do not know (a newer PF's, or a corrupt one) reads as a
		 * restart, never truncated into GOING_AWAY.
		 */
		ep->reset_reason = m->dw[1] == VFCB_RESET_GOING_AWAY ?
				   VFCB_RESET_GOING_AWAY : VFCB_RESET_RESTART;
		/* The request in flight will never be answered. */
		if (ep->cur)
			ev = vf_finish(ep, VFCB_ST_NOT_READY);
		vfcb_vfep_reset(ep);
		return ev | VFCB_VF_EV_PF_RESET;
	default:
		return vf_drop(ep, VFCB_ERR_OPCODE);
	}
}

static unsigned int vf_hello_done(struct vfcb_vf_ep *ep, const struct vfcb_msg *m)
{
	u8 status = vfcb_hdr_status_v(m->ver, m->dw[0]);
	u32 w = m->dw[1];
	u8 version = w & VFCB_HELLO_VERSION_MASK;
	u8 maxblk = (w & VFCB_HELLO_MAXBLK_MASK) >> VFCB_HELLO_MAXBLK_SHIFT;

	/* This layout is frozen for every version: exactly three words. */
	if (m->ndw != 3)
		return vf_bad_completion(ep, VFCB_ERR_LENGTH);
	if (m->dw[0] & VFCB_HDR_MORE)	/* as the PF refuses it in a HELLO */
		return vf_bad_completion(ep, VFCB_ERR_FRAGMENT);
	ep->pf_versions = m->dw[3];
	if (status != VFCB_ST_OK)
		return vf_finish(ep, status);
	if (w & 0xff000000u)
		return vf_bad_completion(ep, VFCB_ERR_RESERVED);
	if (version >= 32 || !(ep->versions & BIT(version)))
		return vf_bad_completion(ep, VFCB_ERR_VERSION);
	if (maxblk == 0 || maxblk > VFCB_MAX_BLOCK_SIZE)
		return vf_bad_completion(ep, VFCB_ERR_LENGTH);
	ep->version = version;
	ep->vf_index = (w & VFCB_HELLO_VF_MASK) >> VFCB_HELLO_VF_SHIFT;
	ep->max_block = maxblk;
	ep->serial = m->dw[2];
	ep->ready = true;
	return vf_finish(ep, VFCB_ST_OK);
}

static unsigned int vf_completion(struct vfcb_vf_ep *ep, const struct vfcb_msg *m)
{
	struct vfcb_vf_req *req = ep->cur;
	struct vfcb_xfer *x = &ep->rx;
	u32 h = m->dw[0];
	u8 status = vfcb_hdr_status_v(m->ver, h);
	enum vfcb_err err;
	u32 len;

	/* Late answers to aborted requests, answers from before a reset. */
	if (!req || vfcb_hdr_tag(h) != x->tag) {
		ep->stats.rx_stale++;
		ep->stats.last_error = VFCB_ERR_TAG;
		return VFCB_VF_EV_ERROR;
	}
	if (vfcb_hdr_opcode(h) != x->opcode)
		return vf_bad_completion(ep, VFCB_ERR_OPCODE);

	if (vfcb_hdr_frag(h)) {
		/* Only an OK READ has more fragments: they say OK too. */
		if (!x->active || status != VFCB_ST_OK)
			return vf_bad_completion(ep, VFCB_ERR_FRAGMENT);
		err = xfer_take(x, m);
		if (err)
			return vf_bad_completion(ep, err);
		goto read_progress;
	}
	if (x->active)	/* a second fragment 0 while reassembling */
		return vf_bad_completion(ep, VFCB_ERR_FRAGMENT);

	if (x->opcode == VFCB_OP_HELLO)
		return vf_hello_done(ep, m);

	if ((h & VFCB_HDR_MORE) &&
	    !(x->opcode == VFCB_OP_READ && status == VFCB_ST_OK))
		return vf_bad_completion(ep, VFCB_ERR_FRAGMENT);

	if (x->opcode == VFCB_OP_READ &&
	    (status == VFCB_ST_OK || status == VFCB_ST_BUF_TOO_SMALL)) {
		if (m->ndw < 1)
			return vf_bad_completion(ep, VFCB_ERR_LENGTH);
		if (m->dw[1] & ~VFCB_LEN_MASK)
			return vf_bad_completion(ep, VFCB_ERR_RESERVED);
		len = m->dw[1];
		if (len > VFCB_MAX_BLOCK_SIZE)
			return vf_bad_completion(ep, VFCB_ERR_LENGTH);
		if (status == VFCB_ST_BUF_TOO_SMALL) {
			if (m->ndw != 1 || len <= req->len)
				return vf_bad_completion(ep, VFCB_ERR_LENGTH);
			req->out_len = len;
			return vf_finish(ep, status);
		}
		if (len > req->len)	/* the PF must have said too small */
			return vf_bad_completion(ep, VFCB_ERR_LENGTH);
		x->nhead = 1;
		x->len = len;
		x->done = 0;
		x->frag = 0;
		err = xfer_take(x, m);
		if (err)
			return vf_bad_completion(ep, err);
		goto read_progress;
	}

	/*
	 * Success for a request we are still sending: no PF has it all.  A
	 * refusal may come early (the PF refuses at a bad fragment).
	 */
	if (ep->tx.active && status == VFCB_ST_OK)
		return vf_bad_completion(ep, VFCB_ERR_FRAGMENT);

	/* Every other completion is the bare header. */
	if (m->ndw != 0)
		return vf_bad_completion(ep, VFCB_ERR_LENGTH);
	return vf_finish(ep, status);

read_progress:
	if (x->active)
		return 0;	/* more fragments to come */
	memcpy(req->rbuf, x->data, x->len);
	req->out_len = x->len;
	return vf_finish(ep, VFCB_ST_OK);
}

unsigned int vfcb_vfep_rx(struct vfcb_vf_ep *ep, u64 *mask)
{
	struct vfcb_msg m;

	if (!ep_read(&ep->tr, ep->msg_dw, ep->version, &m)) {
		ep->stats.rx_msgs++;
		/* Longer than the mailbox's messages: it fails what it answers. */
		if ((m.dw[0] & VFCB_HDR_RESP) && ep->cur &&
		    vfcb_hdr_tag(m.dw[0]) == ep->rx.tag)
			return vf_bad_completion(ep, VFCB_ERR_LENGTH);
		return vf_drop(ep, VFCB_ERR_LENGTH);
	}
	ep->stats.rx_msgs++;
	if (m.dw[0] & VFCB_HDR_RESP)
		return vf_completion(ep, &m);
	return vf_notification(ep, &m, mask);
}

void vfcb_vfep_tx_acked(struct vfcb_vf_ep *ep)
{
	if (!ep->tx_busy)
		return;
	ep->tx_busy = false;
	vfcb_vfep_kick(ep);
}

bool vfcb_vfep_kick(struct vfcb_vf_ep *ep)
{
	u32 msg[VFCB_MSG_MAX_DWORDS];
	unsigned int ndw, ver, size;

	if (ep->tx_busy || !ep->tx.active)
		return false;
	ver = layout_ver(ep->tx.opcode, ep->version);
	size = vfcb_msg_dw_ver(ep->msg_dw, ver);
	ndw = xfer_encode(&ep->tx, size, ver, msg, 0);
	if (!ep_post(&ep->tr, &ep->stats, msg, ndw))
		return true;
	xfer_advance(&ep->tx, size);
	ep->tx_busy = true;
	return false;
}

void vfcb_vfep_abort(struct vfcb_vf_ep *ep)
{
	ep->cur = NULL;
	ep->tx.active = false;
	ep->rx.active = false;
	/*
	 * tx_busy stays: a message we posted and the PF has not acked may
	 * still be being read out of a buffer both sides share, so the next
	 * request waits for that ack (vfcb_vfep_tx_pending() tells the
	 * driver).  Only vfcb_vfep_reset(), once the PF is known to have
	 * started over, forgets it.
	 */
}

bool vfcb_vfep_tx_pending(const struct vfcb_vf_ep *ep)
{
	return ep->tx_busy;
}

void vfcb_vfep_reset(struct vfcb_vf_ep *ep)
{
	vfcb_vfep_abort(ep);
	ep->tx_busy = false;
	ep->ready = false;
	ep->version = 0;
	ep->stats.resets++;
}
