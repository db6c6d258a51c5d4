/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb protocol engine: message encoding and validation, fragmentation,
 * request matching and the PF's per-VF invalidation bookkeeping.  It knows
 * nothing of registers, interrupts, locks or allocation: the drivers (and
 * the userspace tests) feed it mailbox events and give it a transport.
 *
 * Concurrency: an endpoint is not locked by the engine.  Its owner calls
 * every function below for one endpoint under one lock that also covers the
 * transport; no function sleeps or allocates, so that lock may be a spinlock.
 *
 * Mailbox model (shared by the 82576 and the simulated mailbox of the
 * tests): one buffer per VF, used by both directions, holding one message
 * of up to the transport's msg_dwords (16 on the 82576) and, since the
 * header says how long a message is, at most what the negotiated wire
 * version can say (16 dwords in v1, 64 in v2).  A side
 * may post a message only when it has consumed (acked) everything the peer
 * posted, and only after the peer acked its own previous message.  The
 * transport's post() enforces the first rule; the engine the second.
 */
#ifndef _VFCB_PROTO_H
#define _VFCB_PROTO_H

#include "vfcb_compat.h"
#include <linux/vfcb_wire.h>

/**
 * struct vfcb_transport_ops - how an endpoint touches its mailbox
 * @read: return dword @i (0..msg_dwords - 1) of the message the peer posted.
 * @ack: tell the peer its message has been consumed; the buffer is free.
 * @post: write @ndw (1..msg_dwords) dwords of @msg and ring the peer's
 *	doorbell.
 *	Returns 0, or -EBUSY if the mailbox cannot be taken now (the peer
 *	holds it, or its own message is still unread); the engine keeps the
 *	message and posts it again from vfcb_*ep_kick().
 */
struct vfcb_transport_ops {
	u32 (*read)(void *ctx, unsigned int i);
	void (*ack)(void *ctx);
	int (*post)(void *ctx, const u32 *msg, unsigned int ndw);
};

/**
 * struct vfcb_transport - a mailbox and the largest message it carries
 * @ops: how to touch it
 * @ctx: passed to every op
 * @msg_dwords: the largest message, header included, in dwords; both ends
 *	of a mailbox must state the same.  0 means VFCB_MSG_V1_MAX_DWORDS (16,
 *	the 82576), so a transport that does not set it keeps working.  Above
 *	VFCB_MSG_MAX_DWORDS (64) it is clamped to it.  The ends use at most
 *	what the negotiated version can say: 16 with v1 (and for HELLO), 64
 *	with v2 (see vfcb_msg_dwords_ver()).  Below VFCB_MSG_MIN_DWORDS
 *	(1..3) some message would not fit: the endpoint is initialised
 *	unusable (see vfcb_msg_dwords()).
 */
struct vfcb_transport {
	const struct vfcb_transport_ops *ops;
	void *ctx;
	unsigned int msg_dwords;
};

/*
 * The message size a transport stating @msg_dwords gives an endpoint:
 * 16 for 0, at most VFCB_MSG_MAX_DWORDS, and 0 for a size too small for the
 * protocol (1..VFCB_MSG_MIN_DWORDS - 1).  An endpoint initialised with such
 * a transport posts nothing, refuses every message it receives after
 * reading its header only, and its VF end refuses every request with
 * -EINVAL.
 */
unsigned int vfcb_msg_dwords(unsigned int msg_dwords);

/* The largest message wire version @version can say: 16 for v1 and for 0
 * (before the handshake, whose messages are v1's), 64 for v2.
 */
static inline unsigned int vfcb_version_max_dwords(unsigned int version)
{
	return version >= VFCB_PROTO_V2 ? VFCB_MSG_V2_MAX_DWORDS :
					  VFCB_MSG_V1_MAX_DWORDS;
}

/* @msg_dw (a vfcb_msg_dwords() result), at most what @version can say. */
static inline unsigned int vfcb_msg_dw_ver(unsigned int msg_dw,
					   unsigned int version)
{
	unsigned int max = vfcb_version_max_dwords(version);

	return msg_dw < max ? msg_dw : max;
}

/*
 * The message size two ends use with @version negotiated, for transports
 * stating @msg_dwords: min(vfcb_msg_dwords(@msg_dwords), what @version can
 * say); 0 for an unusable size.
 */
static inline unsigned int vfcb_msg_dwords_ver(unsigned int msg_dwords,
					       unsigned int version)
{
	return vfcb_msg_dw_ver(vfcb_msg_dwords(msg_dwords), version);
}

/* Why the last bad message was refused; vfcb_err_name() spells it out. */
enum vfcb_err {
	VFCB_ERR_NONE = 0,
	VFCB_ERR_OPCODE,	/* unknown or misdirected opcode */
	VFCB_ERR_LENGTH,	/* ndw or a length field not as the opcode needs */
	VFCB_ERR_RESERVED,	/* reserved bits set */
	VFCB_ERR_FLAGS,		/* RESP/status/tag where they must not be */
	VFCB_ERR_FRAGMENT,	/* fragment out of sequence or unexpected */
	VFCB_ERR_TAG,		/* completion for no request / stale tag */
	VFCB_ERR_STATE,		/* request before the handshake */
	VFCB_ERR_VERSION,	/* no common version */
	VFCB_ERR_COUNT
};

const char *vfcb_err_name(enum vfcb_err err);

/**
 * struct vfcb_ep_stats - per-endpoint counters, read by the drivers' stats
 * @rx_msgs: messages received
 * @tx_msgs: messages posted
 * @rx_errors: messages refused as malformed or out of place
 * @rx_stale: completions dropped for a tag that was not awaited
 * @tx_deferred: posts refused by the transport (mailbox busy), retried later
 * @requests: complete requests (PF) or completions (VF) handled
 * @invalidations: INVALIDATE notifications sent (PF) or received (VF)
 * @resets: endpoint resets (VF reset, PF restart)
 * @last_error: the last enum vfcb_err recorded
 */
struct vfcb_ep_stats {
	u64 rx_msgs;
	u64 tx_msgs;
	u64 rx_errors;
	u64 rx_stale;
	u64 tx_deferred;
	u64 requests;
	u64 invalidations;
	u64 resets;
	u32 last_error;
};

/*
 * Message header helpers, shared with the tests and fuzzers.  vfcb_hdr()
 * and vfcb_hdr_ndw()/vfcb_hdr_status() are wire v1's layout; the _v forms
 * take the version whose layout to use (0 and 1: v1).  opcode, frag, RESP,
 * MORE and tag sit at the same bits in every version.
 */
static inline u32 vfcb_hdr(u8 opcode, unsigned int ndw, unsigned int frag,
			   u32 flags, u8 status, u8 tag)
{
	return opcode | (ndw << VFCB_HDR_NDW_SHIFT) |
	       (frag << VFCB_HDR_FRAG_SHIFT) | flags |
	       ((u32)status << VFCB_HDR_STATUS_SHIFT) |
	       ((u32)tag << VFCB_HDR_TAG_SHIFT);
}

static inline u32 vfcb_hdr_v(unsigned int version, u8 opcode, unsigned int ndw,
			     unsigned int frag, u32 flags, u8 status, u8 tag)
{
	if (version < VFCB_PROTO_V2)
		return vfcb_hdr(opcode, ndw, frag, flags, status, tag);
	return vfcb_hdr(opcode, ndw & 0xf, frag, flags, status, tag) |
	       ((ndw >> 4) << VFCB_HDR2_NDW_HI_SHIFT);
}

/* The status bits of @version's header, and the largest status it says. */
static inline u32 vfcb_hdr_status_mask(unsigned int version)
{
	return version < VFCB_PROTO_V2 ? VFCB_HDR_STATUS_MASK :
					 VFCB_HDR2_STATUS_MASK;
}

static inline u8 vfcb_hdr_status_max(unsigned int version)
{
	return version < VFCB_PROTO_V2 ? VFCB_ST_MAX : VFCB_HDR2_STATUS_MAX;
}

static inline u8 vfcb_hdr_opcode(u32 h) { return h & VFCB_HDR_OPCODE_MASK; }
static inline unsigned int vfcb_hdr_ndw(u32 h)
{
	return (h & VFCB_HDR_NDW_MASK) >> VFCB_HDR_NDW_SHIFT;
}

static inline unsigned int vfcb_hdr_frag(u32 h)
{
	return (h & VFCB_HDR_FRAG_MASK) >> VFCB_HDR_FRAG_SHIFT;
}

static inline u8 vfcb_hdr_status(u32 h)
{
	return (h & VFCB_HDR_STATUS_MASK) >> VFCB_HDR_STATUS_SHIFT;
}

static inline u8 vfcb_hdr_tag(u32 h) { return h >> VFCB_HDR_TAG_SHIFT; }

static inline unsigned int vfcb_hdr_ndw_v(unsigned int version, u32 h)
{
	if (version < VFCB_PROTO_V2)
		return vfcb_hdr_ndw(h);
	return vfcb_hdr_ndw(h) |
	       ((h & VFCB_HDR2_NDW_HI_MASK) >> (VFCB_HDR2_NDW_HI_SHIFT - 4));
}

static inline u8 vfcb_hdr_status_v(unsigned int version, u32 h)
{
	return (h & vfcb_hdr_status_mask(version)) >> VFCB_HDR_STATUS_SHIFT;
}

/* Completion status <-> errno, the same mapping on both sides. */
int vfcb_status_to_errno(u8 status);
u8 vfcb_errno_to_status(int err);

/*
 * Messages one operation on @len bytes costs with messages of @msg_dwords
 * (0 = 16, as in struct vfcb_transport; pass vfcb_msg_dwords_ver() for a
 * transport larger than the negotiated version says), for the spec, the
 * tests and the benchmark: requests and completions together.  0 for an
 * unusable size.
 */
unsigned int vfcb_read_msgs(u32 len, unsigned int msg_dwords);
unsigned int vfcb_write_msgs(u32 len, unsigned int msg_dwords);

/* ------------------------------------------------------------------ */

/*
 * A transfer (request or completion) of up to 128 bytes of block data
 * being sent fragment by fragment, or being reassembled.
 */
struct vfcb_xfer {
	bool active;
	u8 opcode;
	u8 tag;
	u8 status;
	u8 frag;		/* next fragment to send / expect */
	u8 nhead;		/* dwords of @head before the data in fragment 0 */
	u32 head[3];		/* opcode-specific words (block ID, length ...) */
	u32 len;		/* bytes of block data carried */
	u32 done;		/* data bytes sent / received so far */
	u8 data[VFCB_MAX_BLOCK_SIZE];
};

/* ------------------------------------------------------------ PF --- */

/**
 * struct vfcb_pf_req - a complete, validated PING, READ or WRITE from a VF
 * @opcode: VFCB_OP_PING, VFCB_OP_READ or VFCB_OP_WRITE
 * @tag: the VF's tag, echoed by vfcb_pfep_complete()
 * @block_id: the block
 * @len: READ: the VF's buffer size (1..128); WRITE: data length (0..128)
 * @data: WRITE: the data
 */
struct vfcb_pf_req {
	u8 opcode;
	u8 tag;
	u32 block_id;
	u32 len;
	u8 data[VFCB_MAX_BLOCK_SIZE];
};

enum vfcb_pf_rx_result {
	VFCB_PF_RX_NONE,	/* consumed; nothing for the driver */
	VFCB_PF_RX_REQUEST,	/* *req is ready: serve it, vfcb_pfep_complete() */
	VFCB_PF_RX_READY,	/* the VF completed its handshake */
	VFCB_PF_RX_ERROR,	/* refused and answered; stats.last_error says why */
};

/**
 * struct vfcb_pf_ep - the PF's end of one VF's mailbox
 * @tr: transport to that VF's mailbox
 * @msg_dw: the transport's message size, vfcb_msg_dwords(tr.msg_dwords);
 *	0: unusable.  The size in use is vfcb_pfep_msg_dwords().
 * @vf_index: the VF's index, told to the VF in the handshake
 * @serial: serial number told to the VF, unique per VF of this PF
 * @versions: bitmap of wire versions this PF speaks
 * @version: version negotiated with the VF, 0 before the handshake; its
 *	header layout is used for every message but HELLO and its completion
 *	(v1's), v1's before the handshake
 * @ready: handshake done; requests are served, notifications delivered
 * @tx_busy: a message was posted and the VF has not acked it yet
 * @rx: request being reassembled
 * @tx: completion being sent
 * @pending_mask: invalidations raised and not yet posted (OR-accumulated)
 * @inflight_mask: invalidations posted and not yet acked by the VF
 * @reset_pending: a PF_RESET notification waits to be posted
 * @reset_reason: its VFCB_RESET_* reason
 * @going_away: the PF said it is going away (VFCB_RESET_GOING_AWAY):
 *	requests, HELLO included, are refused NOT_READY and no answer is OK.
 *	Only vfcb_pfep_init(), a new PF life, clears it.
 * @stats: counters
 */
struct vfcb_pf_ep {
	struct vfcb_transport tr;
	unsigned int msg_dw;
	u8 vf_index;
	u32 serial;
	u32 versions;

	u8 version;
	bool ready;
	bool tx_busy;
	struct vfcb_xfer rx;
	struct vfcb_xfer tx;
	u64 pending_mask;
	u64 inflight_mask;
	bool reset_pending;
	u8 reset_reason;
	bool going_away;
	struct vfcb_ep_stats stats;
};

void vfcb_pfep_init(struct vfcb_pf_ep *ep, const struct vfcb_transport *tr,
		    u8 vf_index, u32 serial);

/* The message size in use: the transport's, at most the version's. */
static inline unsigned int vfcb_pfep_msg_dwords(const struct vfcb_pf_ep *ep)
{
	return vfcb_msg_dw_ver(ep->msg_dw, ep->version);
}

/* The VF posted a message (doorbell seen): read, validate, answer. */
enum vfcb_pf_rx_result vfcb_pfep_rx(struct vfcb_pf_ep *ep,
				    struct vfcb_pf_req *req);

/*
 * Answer the request @req returned by vfcb_pfep_rx().  For a successful READ,
 * @data/@len is the block; for VFCB_ST_BUF_TOO_SMALL, @len is the size
 * needed.  Other answers carry no data.  Once the PF said it is going away
 * nothing is answered: the PF_RESET notice has failed the request.
 */
void vfcb_pfep_complete(struct vfcb_pf_ep *ep, const struct vfcb_pf_req *req,
			u8 status, const void *data, u32 len);

/* The VF acked our last message. */
void vfcb_pfep_tx_acked(struct vfcb_pf_ep *ep);

/*
 * Our last message is gone unread: the VF wrote its own over it in a
 * buffer both directions share.  What it carried of invalidations is
 * pending again; the rest of a completion is dropped (the VF has moved on
 * from the request it answered).  Call before vfcb_pfep_rx() of the VF's
 * message, so that its answer can be posted.
 */
void vfcb_pfep_tx_lost(struct vfcb_pf_ep *ep);

/* Post whatever waits, if the mailbox is free.  Returns true if a message
 * still waits for the mailbox (the caller should retry later).
 */
bool vfcb_pfep_kick(struct vfcb_pf_ep *ep);

/* OR @mask into the VF's pending invalidations; post if possible. */
void vfcb_pfep_invalidate(struct vfcb_pf_ep *ep, u64 mask);

/* The VF was reset: forget in-flight transfers, keep every invalidation
 * not yet acked, require a new handshake.  A PF going away stays so.
 */
void vfcb_pfep_vf_reset(struct vfcb_pf_ep *ep);

/*
 * Tell the VF the PF is leaving or restarting (VFCB_RESET_*).  After
 * VFCB_RESET_GOING_AWAY the VF is not served again, nor handshaken with,
 * until vfcb_pfep_init(); after VFCB_RESET_RESTART its next HELLO is
 * answered as usual.
 */
void vfcb_pfep_notify_reset(struct vfcb_pf_ep *ep, u8 reason);

/* Nothing posted and unacked, nothing waiting to be posted. */
bool vfcb_pfep_idle(const struct vfcb_pf_ep *ep);

/* ------------------------------------------------------------ VF --- */

/**
 * struct vfcb_vf_req - one request from the VF, owned by its caller until it
 * completes or is aborted
 * @opcode: VFCB_OP_HELLO, PING, READ or WRITE
 * @block_id: READ/WRITE: the block
 * @len: WRITE: bytes at @wdata (0..128); READ: size of @rbuf (1..128)
 * @wdata: WRITE data
 * @rbuf: READ destination
 * @status: on completion, the VFCB_ST_* the PF answered
 * @out_len: on completion of READ, bytes read, or with
 *	VFCB_ST_BUF_TOO_SMALL the size needed
 * @done: completion arrived
 */
struct vfcb_vf_req {
	u8 opcode;
	u32 block_id;
	u32 len;
	const void *wdata;
	void *rbuf;
	u8 status;
	u32 out_len;
	bool done;
};

/* Events vfcb_vfep_rx() reports, OR-ed. */
#define VFCB_VF_EV_COMPLETE	BIT(0)	/* the current request completed */
#define VFCB_VF_EV_INVALIDATE	BIT(1)	/* *mask holds invalidated IDs */
#define VFCB_VF_EV_PF_RESET	BIT(2)	/* PF leaving/restarting: re-HELLO */
#define VFCB_VF_EV_ERROR	BIT(3)	/* a message was dropped */

/**
 * struct vfcb_vf_ep - the VF's end of its mailbox
 * @tr: transport
 * @msg_dw: the transport's message size, vfcb_msg_dwords(tr.msg_dwords);
 *	0: unusable.  The size in use is vfcb_vfep_msg_dwords().
 * @versions: bitmap of wire versions this VF speaks
 * @ready: handshake done
 * @version: negotiated version, 0 before the handshake (as for the PF)
 * @vf_index: identity the PF gave in the handshake
 * @serial: serial number the PF gave in the handshake
 * @max_block: the PF's block size limit
 * @pf_versions: versions the PF said it speaks
 * @reset_reason: reason of the last PF_RESET notification
 * @next_tag: tag of the next request
 * @tx_busy: a message was posted and the PF has not acked it yet
 * @cur: request in progress, NULL if none
 * @tx: @cur's request being sent
 * @rx: @cur's completion being reassembled
 * @stats: counters
 */
struct vfcb_vf_ep {
	struct vfcb_transport tr;
	unsigned int msg_dw;
	u32 versions;

	bool ready;
	u8 version;
	u8 vf_index;
	u32 serial;
	u8 max_block;
	u32 pf_versions;
	u8 reset_reason;

	u8 next_tag;
	bool tx_busy;
	struct vfcb_vf_req *cur;
	struct vfcb_xfer tx;
	struct vfcb_xfer rx;
	struct vfcb_ep_stats stats;
};

void vfcb_vfep_init(struct vfcb_vf_ep *ep, const struct vfcb_transport *tr,
		    u32 versions);

/* The message size in use: the transport's, at most the version's. */
static inline unsigned int vfcb_vfep_msg_dwords(const struct vfcb_vf_ep *ep)
{
	return vfcb_msg_dw_ver(ep->msg_dw, ep->version);
}

/*
 * Start @req.  Returns 0 (posted or waiting for the mailbox), -EBUSY if a
 * request is in progress, -EAGAIN if @req is not HELLO and the handshake
 * has not been done, -EINVAL for a malformed @req (bad opcode or length)
 * or an endpoint whose transport's message size is unusable.
 */
int vfcb_vfep_submit(struct vfcb_vf_ep *ep, struct vfcb_vf_req *req);

/* The PF posted a message: read, validate, reassemble.  Returns events. */
unsigned int vfcb_vfep_rx(struct vfcb_vf_ep *ep, u64 *mask);

/* The PF acked our last message. */
void vfcb_vfep_tx_acked(struct vfcb_vf_ep *ep);

/* Post whatever waits; returns true if a message still waits. */
bool vfcb_vfep_kick(struct vfcb_vf_ep *ep);

/* Give up the current request (timeout, signal); a late completion for it
 * is dropped by tag.  A message already posted and not acked stays
 * outstanding: nothing is posted over it until its ack.
 */
void vfcb_vfep_abort(struct vfcb_vf_ep *ep);

/* A posted message waits for the PF's ack. */
bool vfcb_vfep_tx_pending(const struct vfcb_vf_ep *ep);

/* Start over after a reset of either side: no request, no handshake.
 * The request in progress, if any, is aborted.
 */
void vfcb_vfep_reset(struct vfcb_vf_ep *ep);

#endif /* _VFCB_PROTO_H */
