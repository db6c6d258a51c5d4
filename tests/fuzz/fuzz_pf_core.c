// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the host core's request serving, its kernel sources
 * compiled unchanged in userspace (pf_core/vfcb_pf_{blocks,events,mbx,api}.c
 * and the engine) over the kshim/ headers.  One PF with 1..4 VFs on a
 * simulated shared-buffer mailbox.  Input bytes script:
 *
 *  - the VFs: each has a real VF engine (the guest driver's), whose
 *    requests go through the mailbox, and may also post raw dwords, ack
 *    what was never posted, reset, give up a request;
 *  - the transport: doorbells and acks delivered when the script says,
 *    posts refused (mailbox busy);
 *  - the host: set/get/del/list blocks, policy and quota, invalidate, VF
 *    info, through the exported API; open files reading the event queues;
 *  - time: work items (serving, retries, the notifier) run when and in the
 *    order the script says, jiffies advance (from near the wrap).
 *
 * Besides the sanitizers and kshim's lock checks (self-deadlock, sleeping
 * with a spinlock held), it checks after every step:
 *  - the store equals a model kept here: each VF's blocks, served only from
 *    its own store; host and VF blocks counted apart; the quota and
 *    VF-writable flags respected; every host call's result as documented;
 *  - no invalidation raised for a VF is lost or invented: raised ==
 *    delivered | pending | in flight, each INVALIDATE carries only bits
 *    raised for that VF;
 *  - every message the core posts is well formed for the negotiated
 *    version, is posted only into a free mailbox, and is accepted by the VF
 *    engine as long as that VF broke no rule since its last reset; answers
 *    then match the model;
 *  - each reader's event queue and the notifier's equal a model of the
 *    documented merge/OVERFLOW rules, record by record;
 *  - once the PF told its VFs it is going away, no VF becomes ready again
 *    and the core posts nothing but PF_RESET and refusals: no OK answer
 *    (a HELLO that crossed the notice included), no INVALIDATE;
 *  - a message left unread is being served or has a retry queued.
 *
 * The one seam: vfcb_pf_mbx.c is compiled with -Dvfcb_pf_emit_event=
 * fuzz_emit_event, so the events it emits reach the models on their way.
 */
#include "vfcb_pf_core.h"
#include "fuzz_input.h"

#define FUZZ_MAX_VFS	4
#define FUZZ_READERS	3
#define check(c)	do { if (!(c)) __builtin_trap(); } while (0)

void fuzz_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
		     u32 block_id, u32 len);

/* ---------------------------------------------------------- models --- */

struct mblock {
	u32 id;
	u32 len;
	u32 flags;
	bool by_vf;
	u8 data[VFCB_MAX_BLOCK_SIZE];
};

struct mstore {
	struct mblock *b;
	unsigned int n;
	unsigned int cap;
	u32 host_count;
	u32 vf_count;
	u32 max_blocks;
	u32 policy;
};

struct mqueue {
	struct vfcb_pf_event ev[VFCB_PF_EVQ_LEN];
	unsigned int n;
	u32 dropped;
	u32 lost;
};

/* One VF: its mailbox, its engine (the guest driver's), the model. */
struct hvf {
	u32 buf[VFCB_MSG_MAX_DWORDS];	/* the one buffer both directions use */
	bool vf_msg;		/* the VF's message is in buf, not acked */
	bool sent_due;		/* its doorbell is not delivered yet */
	bool reported;		/* the core was told since the last ack */
	bool pf_msg;		/* the core's message is in buf, not read */
	bool outstanding;	/* the core posted; no "consumed" since */
	bool read_hello;	/* the last message the core took was a HELLO */
	bool overwrote;		/* ...or was written over the core's unacked one */
	bool hello_taken;	/* either, and the model has not settled it yet */
	bool ack_due;		/* the core acked; the VF engine not told */
	bool consumed_due;	/* the VF engine read; the core not told */
	bool refuse;		/* the transport refuses posts */
	bool quiet;		/* ->quiet(on) was called last */
	u64 posted_mask;	/* INVALIDATE bits of the outstanding post */
	u64 raised;
	u64 delivered;
	u64 received;		/* what the VF engine got */

	struct vfcb_vf_ep ep;
	struct vfcb_vf_req req;
	u8 rbuf[VFCB_MAX_BLOCK_SIZE];
	u8 wbuf[VFCB_MAX_BLOCK_SIZE];
	bool busy;		/* req submitted, not completed */
	bool clean;		/* no rule broken since the last reset */
	u32 gen;		/* resets */
	u32 req_gen;		/* gen when the core last acked an engine message */
	bool from_engine;	/* buf's VF message came from the engine */
	bool expect;		/* exp_* is the answer to req */
	u8 exp_status;
	u32 exp_len;
	u8 exp_data[VFCB_MAX_BLOCK_SIZE];

	struct mstore m;
	bool dirty;		/* compare the store with the model */
};

static struct {
	struct vfcb_pf *pf;
	struct pci_dev pdev;
	struct pci_bus bus;
	unsigned int nvf;
	unsigned int msg_dwords;
	bool stopped;
	bool gone;		/* the core told the VFs the PF goes away */
	struct hvf v[FUZZ_MAX_VFS];
	struct vfcb_pf_evq *rd[FUZZ_READERS];
	struct mqueue rm[FUZZ_READERS];
	bool ntf;		/* a notifier is registered */
	struct notifier_block nb;
	struct mqueue nm;
	u64 ntf_drops;
	unsigned int bursts;	/* event_burst() calls */
	int serving;		/* VF whose serve work runs, or -1 */
	bool write_ok;		/* the model said its WRITE succeeds */
} H;

static struct hvf *hv(unsigned int vf)
{
	check(vf < H.nvf);
	return &H.v[vf];
}

static struct mblock *mfind(struct mstore *m, u32 id)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->b[i].id == id)
			return &m->b[i];
	return NULL;
}

static struct mblock *madd(struct mstore *m, u32 id, bool by_vf)
{
	struct mblock *b;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->b = realloc(m->b, m->cap * sizeof(*m->b));
		check(m->b);
	}
	b = &m->b[m->n++];
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->by_vf = by_vf;
	if (by_vf)
		m->vf_count++;
	else
		m->host_count++;
	return b;
}

static void mdel(struct mstore *m, struct mblock *b)
{
	if (b->by_vf)
		m->vf_count--;
	else
		m->host_count--;
	*b = m->b[--m->n];
}

static void mset(struct mblock *b, const void *data, u32 len)
{
	memset(b->data, 0, sizeof(b->data));
	memcpy(b->data, data, len);
	b->len = len;
}

/* The documented queue: merge an unread equal record, drop the oldest. */
static void mq_push(struct mqueue *q, const struct vfcb_pf_event *ev)
{
	unsigned int i;

	for (i = 0; i < q->n; i++) {
		if (q->ev[i].type == ev->type && q->ev[i].vf == ev->vf &&
		    q->ev[i].block_id == ev->block_id) {
			memmove(&q->ev[i], &q->ev[i + 1],
				(q->n - i - 1) * sizeof(*ev));
			q->n--;
			break;
		}
	}
	if (q->n == VFCB_PF_EVQ_LEN) {
		q->lost |= 1u << min_t(u32, q->ev[0].vf, 31);
		if (q->dropped < U32_MAX)
			q->dropped++;
		memmove(&q->ev[0], &q->ev[1], (q->n - 1) * sizeof(*ev));
		q->n--;
	}
	q->ev[q->n++] = *ev;
}

static bool mq_pop(struct mqueue *q, struct vfcb_pf_event *ev)
{
	if (q->dropped) {
		*ev = (struct vfcb_pf_event){ .type = VFCB_PF_EV_OVERFLOW,
			.block_id = q->lost, .len = q->dropped };
		q->dropped = 0;
		q->lost = 0;
		return true;
	}
	if (!q->n)
		return false;
	*ev = q->ev[0];
	memmove(&q->ev[0], &q->ev[1], (q->n - 1) * sizeof(*ev));
	q->n--;
	return true;
}

static void same_event(const struct vfcb_pf_event *a,
		       const struct vfcb_pf_event *b)
{
	check(a->type == b->type && a->vf == b->vf &&
	      a->block_id == b->block_id && a->len == b->len);
}

/* --------------------------------------------- the core's transport --- */

static void locked(unsigned int vf)
{
	check(!H.stopped);	/* no op call after vfcb_pf_mbx_stop() */
	check(H.pf->vfs[vf].lock.held);
}

static u32 core_read(void *priv, unsigned int vf, unsigned int i)
{
	struct hvf *h = hv(vf);
	unsigned int ver;

	locked(vf);
	check(h->vf_msg && h->reported);	/* only between sent and ack */
	check(i < H.msg_dwords);
	if (i) {	/* no further than the message's own length */
		ver = vfcb_hdr_opcode(h->buf[0]) == VFCB_OP_HELLO ? VFCB_PROTO_V1 :
		      H.pf->vfs[vf].ep.version;
		check(i <= vfcb_hdr_ndw_v(ver, h->buf[0]));
	}
	return h->buf[i];
}

static void core_ack(void *priv, unsigned int vf)
{
	struct hvf *h = hv(vf);

	locked(vf);
	check(h->vf_msg && h->reported);
	h->read_hello = vfcb_hdr_opcode(h->buf[0]) == VFCB_OP_HELLO &&
			!(h->buf[0] & VFCB_HDR_RESP);
	/* Shared buffer: a message taken while ours was unacked went over it. */
	h->overwrote = h->outstanding;
	h->hello_taken = h->read_hello || h->overwrote;
	h->vf_msg = false;
	h->reported = false;
	h->sent_due = false;
	h->ack_due = true;
	if (h->from_engine)
		h->req_gen = h->gen;
}

/* What the core posts must be a message a VF can take. */
static void check_posted(struct hvf *h, unsigned int vf, const u32 *msg,
			 unsigned int ndw)
{
	u8 op = vfcb_hdr_opcode(msg[0]);
	unsigned int ver = op == VFCB_OP_HELLO ? VFCB_PROTO_V1 :
			   H.pf->vfs[vf].ep.version;
	u64 mask;

	check(vfcb_hdr_ndw_v(ver, msg[0]) == ndw - 1);
	check(ndw <= vfcb_msg_dwords_ver(H.msg_dwords, ver));
	h->posted_mask = 0;
	/* A PF going away serves nothing and delivers nothing: only refusals. */
	if (H.gone)
		check((msg[0] & VFCB_HDR_RESP) ?
		      vfcb_hdr_status_v(ver, msg[0]) != VFCB_ST_OK :
		      op == VFCB_OP_PF_RESET);
	if (msg[0] & VFCB_HDR_RESP)
		return;		/* an answer, a refusal of any opcode included */
	/* A notification: tag 0, never a fragment. */
	check(!(msg[0] & (VFCB_HDR_TAG_MASK | VFCB_HDR_MORE | VFCB_HDR_FRAG_MASK)));
	if (op == VFCB_OP_INVALIDATE) {
		check(ndw == 3);
		mask = msg[1] | (u64)msg[2] << 32;
		check(mask && !(mask & ~h->raised));	/* only this VF's bits */
		h->posted_mask = mask;
	} else {
		check(op == VFCB_OP_PF_RESET && ndw == 2);
	}
}

static int core_post(void *priv, unsigned int vf, const u32 *msg,
		     unsigned int ndw)
{
	struct hvf *h = hv(vf);

	locked(vf);
	check(ndw >= 1 && ndw <= H.msg_dwords);
	/* The buffer holds the VF's message: refuse, never overwrite. */
	if (h->refuse || h->vf_msg)
		return -EBUSY;
	/*
	 * One message, then wait for "consumed"; unless the VF's HELLO or
	 * another message of the VF's took the buffer since: the core's
	 * message is gone, and its bits with it (the engine has them pending
	 * again).
	 */
	if (h->outstanding) {
		check(h->read_hello || h->overwrote);
		h->outstanding = false;
		h->pf_msg = false;
		h->posted_mask = 0;
	}
	check_posted(h, vf, msg, ndw);
	memcpy(h->buf, msg, ndw * sizeof(u32));
	h->pf_msg = true;
	h->outstanding = true;
	return 0;
}

/* Each call a change: the core tells the transport once per change. */
static void core_quiet(void *priv, unsigned int vf, bool on)
{
	struct hvf *h = hv(vf);

	locked(vf);
	check(h->quiet != on);
	h->quiet = on;
}

static const struct vfcb_pf_transport_ops core_ops = {
	.read = core_read, .ack = core_ack, .post = core_post,
	.quiet = core_quiet,
};

/* ------------------------------------------- the VF engine's transport --- */

static u32 vf_read(void *ctx, unsigned int i)
{
	struct hvf *h = ctx;

	check(h->pf_msg && i < H.msg_dwords);
	return h->buf[i];
}

static void vf_ack(void *ctx)
{
	struct hvf *h = ctx;

	h->pf_msg = false;
	h->consumed_due = true;
}

static int vf_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct hvf *h = ctx;

	check(ndw >= 1 && ndw <= H.msg_dwords);
	if (h->pf_msg || h->vf_msg)
		return -EBUSY;
	memcpy(h->buf, msg, ndw * sizeof(u32));
	h->vf_msg = true;
	h->sent_due = true;
	h->reported = false;
	h->from_engine = true;
	return 0;
}

static const struct vfcb_transport_ops vf_ops = {
	.read = vf_read, .ack = vf_ack, .post = vf_post,
};

/* ---------------------------------------------------------- events --- */

/* An event goes to every open file's queue and, with a listener, the notifier's. */
static void model_emit(const struct vfcb_pf_event *ev)
{
	unsigned int i;

	for (i = 0; i < FUZZ_READERS; i++)
		if (H.rd[i])
			mq_push(&H.rm[i], ev);
	if (H.ntf) {
		u32 before = H.nm.dropped;

		mq_push(&H.nm, ev);
		H.ntf_drops += H.nm.dropped - before;
	}
}

/* Many events at once, as VFs writing many blocks would emit: queues fill. */
static void event_burst(struct input *in, unsigned int k)
{
	unsigned int i, n = 1 + take8(in) * 2;
	unsigned int base = take8(in), spread = 1 + take8(in);

	/* Two fill every queue; more only make the input slow. */
	if (H.bursts++ >= 2)
		return;

	for (i = 0; i < n; i++) {
		struct vfcb_pf_event ev = {
			.type = VFCB_PF_EV_VF_WRITE, .vf = (k + i % 3) % H.nvf,
			.block_id = base + i % spread, .len = i,
		};

		model_emit(&ev);
		vfcb_pf_emit_event(H.pf, ev.type, ev.vf, ev.block_id, ev.len);
	}
}

void fuzz_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
		     u32 block_id, u32 len)
{
	struct vfcb_pf_event ev = {
		.type = type, .vf = vf, .block_id = block_id, .len = len,
	};

	check(pf == H.pf && vf < H.nvf);
	switch (type) {
	case VFCB_PF_EV_VF_WRITE:	/* only a WRITE the store took */
		check(H.serving == (int)vf && H.write_ok);
		check(block_id == pf->vfs[vf].req.block_id &&
		      len == pf->vfs[vf].req.len);
		break;
	case VFCB_PF_EV_VF_READY:
		check(!block_id && !len && pf->vfs[vf].ep.ready && !H.gone);
		break;
	case VFCB_PF_EV_VF_RESET:
		check(!block_id && !len);
		break;
	default:
		check(0);
	}
	model_emit(&ev);
	vfcb_pf_emit_event(pf, type, vf, block_id, len);
}

static int notifier_cb(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	const struct vfcb_pf_event *ev = data;
	struct vfcb_pf_vf_info info;
	struct vfcb_pf_event want;

	check(kshim_atomic == 0);
	check(mq_pop(&H.nm, &want));
	same_event(ev, &want);
	check(action == ev->type);
	/* A listener may call back into the core. */
	if (ev->type != VFCB_PF_EV_OVERFLOW)
		check(vfcb_pf_get_vf_info(H.pf, ev->vf, &info) ==
		      (H.pf->dead ? -ENODEV : 0));
	return NOTIFY_OK;
}

static void read_events(unsigned int r, unsigned int max)
{
	struct vfcb_pf_event out[8], want;
	unsigned int i, n;

	check(vfcb_pf_evq_ready(H.pf, H.rd[r]) ==
	      (H.rm[r].n || H.rm[r].dropped));
	n = vfcb_pf_evq_pop(H.pf, H.rd[r], out, max);
	for (i = 0; i < n; i++) {
		check(mq_pop(&H.rm[r], &want));
		same_event(&out[i], &want);
	}
	if (n < max)
		check(!mq_pop(&H.rm[r], &want));
}

/* ---------------------------------------------------------- checks --- */

static bool work_queued(const struct work_struct *w)
{
	unsigned int i;

	for (i = 0; i < kshim_nworks; i++)
		if (kshim_works[i] == w)
			return true;
	return false;
}

/*
 * The core took a HELLO, or a message written over its unacked one
 * (wherever: the doorbell, a work item, a retry): that gave up the core's
 * unacked message, answer posted or not (a posted answer replaced it in
 * core_post()).  Settled once per such message, so a tx_busy the engine
 * drops for any other reason still fails check_all().
 */
static void settle_hello(unsigned int k)
{
	struct hvf *h = &H.v[k];

	if (!h->hello_taken)
		return;
	h->hello_taken = false;
	if (h->outstanding && !H.pf->vfs[k].ep.tx_busy) {
		h->outstanding = false;
		h->pf_msg = false;
		h->posted_mask = 0;
	}
}

/* The VF's store, every block of it, against the model. */
static void compare_store(unsigned int vf)
{
	struct hvf *h = hv(vf);
	struct vfcb_pf_blocks *b = &H.pf->vfs[vf].blocks;
	u32 ids[64], count, len, flags, prev = 0, i;
	u8 data[VFCB_MAX_BLOCK_SIZE];
	struct mblock *mb;

	h->dirty = false;
	check(b->host_count == h->m.host_count && b->vf_count == h->m.vf_count);
	check(b->max_blocks == h->m.max_blocks && b->policy == h->m.policy);
	check(b->vf_count <= b->max_blocks);	/* the quota */
	check(b->host_count <= VFCB_MAX_BLOCKS_PER_VF);
	if (h->m.n > ARRAY_SIZE(ids))
		return;		/* counts only: too many to list here */
	check(vfcb_pf_list_blocks(H.pf, vf, ids, ARRAY_SIZE(ids), &count) == 0);
	check(count == h->m.n);
	for (i = 0; i < count; i++) {
		check(!i || ids[i] > prev);	/* ascending, no duplicate */
		prev = ids[i];
		mb = mfind(&h->m, ids[i]);
		check(mb);
		len = sizeof(data);
		check(vfcb_pf_get_block(H.pf, vf, ids[i], data, &len, &flags) == 0);
		check(len == mb->len && flags == mb->flags &&
		      !memcmp(data, mb->data, len));
	}
}

static void check_all(void)
{
	unsigned int i;

	check(kshim_atomic == 0 && H.pf->api_lock.held == 0 &&
	      H.pf->ev_lock.held == 0);
	for (i = 0; i < H.nvf; i++) {
		struct vfcb_pf_vf *v = &H.pf->vfs[i];
		struct vfcb_pf_ep *ep = &v->ep;
		struct hvf *h = &H.v[i];
		u64 held;

		settle_hello(i);	/* a HELLO another path took this step */
		held = h->delivered | ep->pending_mask | ep->inflight_mask;
		check(!v->lock.held && !v->blocks.lock.held);
		/* No invalidation lost, none invented. */
		check(!(h->raised & ~held) && !(held & ~h->raised));
		check(!(h->received & ~h->raised));
		check(!ep->inflight_mask || ep->tx_busy);
		check(!H.gone || !ep->ready);	/* nothing undoes the notice */
		check(ep->rx.len <= VFCB_MAX_BLOCK_SIZE && ep->rx.done <= ep->rx.len);
		check(ep->tx.len <= VFCB_MAX_BLOCK_SIZE && ep->tx.done <= ep->tx.len);
		if (!H.stopped) {
			check(ep->tx_busy == h->outstanding);
			check(v->unread == (h->vf_msg && h->reported));
			/* Nothing left behind: served, or a retry comes. */
			check(!v->serving || work_queued(&v->serve_work));
			check(!v->unread || v->serving ||
			      work_queued(&H.pf->retry_work.work));
			/*
			 * A refused post is retried within VFCB_PF_RETRY_MS,
			 * whatever another VF's retry waits for.
			 */
			if (v->kick_tries && v->kick_tries <= VFCB_PF_RETRY_MAX)
				check(work_queued(&H.pf->retry_work.work) &&
				      time_before_eq(H.pf->retry_work.expires,
						     jiffies + msecs_to_jiffies(VFCB_PF_RETRY_MS)));
			/*
			 * Quiet exactly while throttled (going away, every VF
			 * is heard), and a throttle ends on time: the retry
			 * work is due by its end.
			 */
			check(h->quiet == v->quiet && (!v->quiet || v->throttled));
			check(v->quiet == v->throttled || H.gone);
			if (v->throttled)
				check(work_queued(&H.pf->retry_work.work) &&
				      time_before_eq(H.pf->retry_work.expires,
						     v->throttle_until + 1));
		} else {
			check(!h->quiet);	/* given back unquieted */
		}
		if (h->dirty)
			compare_store(i);
	}
	for (i = 0; i < FUZZ_READERS; i++) {
		if (!H.rd[i])
			continue;
		check(H.rd[i]->count == H.rm[i].n &&
		      H.rd[i]->dropped == H.rm[i].dropped &&
		      H.rd[i]->lost_vfs == H.rm[i].lost);
	}
	check(H.pf->ntf_count == H.nm.n && H.pf->ntf_dropped == H.nm.dropped &&
	      H.pf->ntf_lost_vfs == H.nm.lost && H.pf->ev_dropped == H.ntf_drops);
}

/* -------------------------------------------------------- the VFs --- */

static u32 take_id(struct input *in)
{
	u8 b = take8(in);

	return b < 0xf0 ? b % 12 : take32(in);
}

/* The core was told "consumed": the outstanding message was delivered. */
static void consumed(unsigned int k)
{
	struct hvf *h = &H.v[k];
	struct vfcb_pf_vf *v = &H.pf->vfs[k];
	u64 bad = v->stats.bad_acks;
	bool busy = v->ep.tx_busy;

	if (h->outstanding) {
		h->delivered |= h->posted_mask;
		h->outstanding = false;
	}
	vfcb_pf_vf_consumed(H.pf, k);
	settle_hello(k);
	if (!H.stopped)
		check(v->stats.bad_acks == bad + !busy);
}

/* The VF engine's request completed: as the model said. */
static void completed(unsigned int k)
{
	struct hvf *h = &H.v[k];
	struct vfcb_vf_req *r = &h->req;

	h->busy = false;
	check(r->done);
	if (!h->clean)
		return;
	switch (r->opcode) {
	case VFCB_OP_HELLO:
		check(r->status == VFCB_ST_OK && h->ep.vf_index == k &&
		      h->ep.serial == H.pf->serial_base + k);
		break;
	case VFCB_OP_PING:
		check(r->status == VFCB_ST_OK);
		break;
	default:
		if (!h->expect)
			break;
		check(r->status == h->exp_status);
		if (r->opcode == VFCB_OP_READ && r->status == VFCB_ST_OK)
			check(r->out_len == h->exp_len &&
			      !memcmp(h->rbuf, h->exp_data, h->exp_len));
		if (r->status == VFCB_ST_BUF_TOO_SMALL)
			check(r->out_len == h->exp_len);
		break;
	}
	h->expect = false;
}

/* The VF engine reads the core's message. */
static void vf_takes(unsigned int k)
{
	struct hvf *h = &H.v[k];
	unsigned int ev;
	u64 mask = 0;

	if (!h->pf_msg)
		return;
	ev = vfcb_vfep_rx(&h->ep, &mask);
	h->received |= mask;
	/* A VF that broke no rule finds nothing wrong in what it gets. */
	if (h->clean)
		check(!(ev & VFCB_VF_EV_ERROR));
	if (ev & VFCB_VF_EV_PF_RESET) {
		/* Its request ends NOT_READY; answers to what it sent before
		 * may follow, and are dropped as stale.
		 */
		h->busy = false;
		h->clean = false;
	}
	else if ((ev & VFCB_VF_EV_COMPLETE) && h->busy)
		completed(k);
	if (h->consumed_due) {
		h->consumed_due = false;
		consumed(k);
	}
	vfcb_vfep_kick(&h->ep);	/* what the driver does after a message */
}

static void vf_acked(unsigned int k)
{
	struct hvf *h = &H.v[k];

	if (!h->ack_due)
		return;
	h->ack_due = false;
	vfcb_vfep_tx_acked(&h->ep);
}

static void vf_doorbell(unsigned int k)
{
	struct hvf *h = &H.v[k];
	struct vfcb_pf_vf *v = &H.pf->vfs[k];
	u64 ow = v->stats.overwrites;
	bool busy = v->ep.tx_busy;

	if (!h->sent_due)
		return;
	h->sent_due = false;
	h->reported = true;
	vfcb_pf_vf_sent(H.pf, k);
	settle_hello(k);
	/*
	 * An overwrite is a message over the core's unacked one, and a VF
	 * that broke no rule (its engine, acks reported first) never makes
	 * one.
	 */
	check(v->stats.overwrites == ow || (busy && v->stats.overwrites == ow + 1));
	if (h->clean && h->from_engine)
		check(v->stats.overwrites == ow);
}

/* Deliver everything due on VF @k's mailbox, both ways. */
static void pump(unsigned int k)
{
	struct hvf *h = &H.v[k];
	unsigned int n;

	for (n = 0; n < 64; n++) {
		if (h->sent_due)
			vf_doorbell(k);
		else if (h->ack_due)
			vf_acked(k);
		else if (h->pf_msg)
			vf_takes(k);
		else
			break;
	}
}

static void vf_reset(unsigned int k)
{
	struct hvf *h = &H.v[k];

	vfcb_vfep_reset(&h->ep);
	h->vf_msg = h->sent_due = h->reported = false;
	h->pf_msg = h->outstanding = h->ack_due = h->consumed_due = false;
	h->busy = false;
	h->expect = false;
	h->clean = true;
	h->gen++;
	vfcb_pf_vf_reset(H.pf, k);
}

/* The VF writes raw dwords into its mailbox: any shape, or a plausible request. */
static void vf_raw(struct input *in, unsigned int k)
{
	static const u8 ops[] = { VFCB_OP_PING, VFCB_OP_READ, VFCB_OP_WRITE,
				  VFCB_OP_HELLO };
	struct hvf *h = &H.v[k];
	struct vfcb_pf_ep *ep = &H.pf->vfs[k].ep;
	unsigned int i, ndw, eff, nfrags;
	u32 msg[VFCB_MSG_MAX_DWORDS];
	u8 sel = take8(in);

	if (sel & 1) {
		ndw = take8(in);
		msg[0] = fuzz_set_ndw(take32(in), ep->version, &ndw);
		for (i = 1; i <= ndw; i++)
			msg[i] = take32(in);
	} else {
		u8 op = ops[(sel >> 1) % 4];
		unsigned int ver = op == VFCB_OP_HELLO ? VFCB_PROTO_V1 : ep->version;

		eff = vfcb_msg_dwords_ver(H.msg_dwords, ver);
		nfrags = vfcb_write_msgs(VFCB_MAX_BLOCK_SIZE, eff);
		ndw = take8(in) % eff;
		msg[0] = vfcb_hdr_v(ver, op, ndw, sel & 8 ? take8(in) % nfrags : 0,
				    sel & 16 ? VFCB_HDR_MORE : 0, 0, take8(in));
		msg[1] = op == VFCB_OP_HELLO ? take8(in) & 7 : take_id(in);
		msg[2] = take8(in) % 130;
		for (i = 3; i <= ndw; i++)
			msg[i] = take32(in);
	}
	memcpy(h->buf, msg, min_t(u32, ndw + 1, H.msg_dwords) * sizeof(u32));
	h->pf_msg = false;	/* overwritten, if it was there */
	h->vf_msg = true;
	h->sent_due = true;
	h->from_engine = false;
	h->clean = false;
	if (sel & 32)
		vf_doorbell(k);
}

static void vf_submit(struct input *in, unsigned int k)
{
	static const u8 ops[] = { VFCB_OP_HELLO, VFCB_OP_PING, VFCB_OP_READ,
				  VFCB_OP_WRITE };
	struct hvf *h = &H.v[k];
	struct vfcb_vf_req *r = &h->req;
	u8 sel = take8(in), fill = take8(in);
	unsigned int i;

	if (h->busy)
		return;
	memset(r, 0, sizeof(*r));
	r->opcode = ops[sel % 4];
	r->block_id = take_id(in);
	r->len = take8(in) % (VFCB_MAX_BLOCK_SIZE + 1);
	if (r->opcode == VFCB_OP_READ && !r->len)
		r->len = 1;
	for (i = 0; i < sizeof(h->wbuf); i++)
		h->wbuf[i] = fill + i;
	r->wdata = h->wbuf;
	r->rbuf = h->rbuf;
	h->expect = false;
	h->busy = vfcb_vfep_submit(&h->ep, r) == 0;
	if (sel & 4)
		pump(k);
}

/* ----------------------------------------------------------- work --- */

/* Serve work of VF @k about to run: what the model says it does. */
static void before_serve(unsigned int k)
{
	struct hvf *h = &H.v[k];
	struct vfcb_pf_req *req = &H.pf->vfs[k].req;
	struct mstore *m = &h->m;
	struct mblock *b = mfind(m, req->block_id);
	bool mine = h->clean && h->busy && h->req_gen == h->gen &&
		    req->opcode == h->req.opcode &&
		    req->block_id == h->req.block_id;
	u8 st;

	H.serving = k;
	H.write_ok = false;
	h->dirty = true;
	if (req->opcode == VFCB_OP_READ) {
		u32 bufsize = min_t(u32, req->len, VFCB_MAX_BLOCK_SIZE);

		check(req->len >= 1);
		h->exp_len = 0;
		if (!b) {
			st = VFCB_ST_NOT_FOUND;
		} else if (b->len > bufsize) {
			st = VFCB_ST_BUF_TOO_SMALL;
			h->exp_len = b->len;
		} else {
			st = VFCB_ST_OK;
			h->exp_len = b->len;
			memcpy(h->exp_data, b->data, b->len);
		}
	} else {
		check(req->opcode == VFCB_OP_WRITE);
		check(req->len <= VFCB_MAX_BLOCK_SIZE);
		if (b) {
			st = b->flags & VFCB_BLOCK_VF_WRITABLE ? VFCB_ST_OK :
								 VFCB_ST_DENIED;
		} else if (!(m->policy & VFCB_POLICY_VF_CREATE)) {
			st = VFCB_ST_DENIED;
		} else if (m->vf_count >= m->max_blocks || kshim_alloc_fail) {
			st = VFCB_ST_NO_SPACE;
		} else {
			b = madd(m, req->block_id, true);
			b->flags = VFCB_BLOCK_VF_WRITABLE;
			st = VFCB_ST_OK;
		}
		if (st == VFCB_ST_OK) {
			mset(b, req->data, req->len);
			H.write_ok = true;
		}
	}
	h->exp_status = st;
	h->expect = mine;
}

static void run_work(unsigned int pick)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < kshim_nworks; i++)
		n += kshim_work_runnable(kshim_works[i]);
	if (!n)
		return;
	pick %= n;
	for (i = 0; i < kshim_nworks; i++) {
		if (!kshim_work_runnable(kshim_works[i]))
			continue;
		if (pick--)
			continue;
		for (k = 0; k < H.nvf; k++)
			if (kshim_works[i] == &H.pf->vfs[k].serve_work)
				before_serve(k);
		kshim_run_work(i);
		H.serving = -1;
		for (k = 0; k < H.nvf; k++)
			settle_hello(k);
		return;
	}
}

/* Unregister waits for the VFs' acks: they answer meanwhile. */
void kshim_wait_hook(void)
{
	unsigned int k;

	for (k = 0; k < H.nvf; k++)
		if (H.v[k].clean)
			pump(k);
}

/* ----------------------------------------------------------- host --- */

static void host_op(struct input *in)
{
	u8 sel = take8(in);
	unsigned int vf = take8(in) % (H.nvf + 1);	/* nvf: no such VF */
	struct hvf *h = vf < H.nvf ? &H.v[vf] : NULL;
	struct mstore *m = h ? &h->m : NULL;
	u8 data[VFCB_MAX_BLOCK_SIZE + 1];
	struct vfcb_pf_vf_info info;
	u32 id = take_id(in), len, flags, count, ids[4];
	struct mblock *b = m ? mfind(m, id) : NULL;
	bool nomem = kshim_alloc_fail;
	int ret, want;
	unsigned int i;
	u64 mask;

	if (h)
		h->dirty = true;
	switch (sel % 8) {
	case 0:	/* set */
		len = take8(in);
		len = len <= VFCB_MAX_BLOCK_SIZE ? len : len & 1 ? 129 : 0;
		flags = take8(in) % 3;
		for (i = 0; i < sizeof(data); i++)
			data[i] = sel + i;
		ret = vfcb_pf_set_block(H.pf, vf, id, data, len, flags);
		if (flags > VFCB_BLOCK_VF_WRITABLE)
			want = -EINVAL;
		else if (len > VFCB_MAX_BLOCK_SIZE)
			want = -EMSGSIZE;
		else if (!h)
			want = -ENOENT;
		else if (!b && m->host_count >= VFCB_MAX_BLOCKS_PER_VF)
			want = -ENOSPC;
		else if (!b && nomem)
			want = -ENOMEM;
		else
			want = 0;
		check(ret == want);
		if (!ret) {
			if (!b)
				b = madd(m, id, false);
			mset(b, data, len);
			b->flags = flags;
		}
		break;
	case 1:	/* get */
		len = take8(in) % (VFCB_MAX_BLOCK_SIZE + 1);
		want = !h ? -ENOENT : !b ? -ENODATA : b->len > len ? -ERANGE : 0;
		ret = vfcb_pf_get_block(H.pf, vf, id, data, &len, &flags);
		check(ret == want);
		if (b)
			check(len == b->len);
		if (!ret)
			check(flags == b->flags && !memcmp(data, b->data, len));
		break;
	case 2:	/* del */
		ret = vfcb_pf_del_block(H.pf, vf, id);
		check(ret == (!h ? -ENOENT : !b ? -ENODATA : 0));
		if (b)
			mdel(m, b);
		break;
	case 3:	/* list, into a small array */
		ret = vfcb_pf_list_blocks(H.pf, vf, ids, ARRAY_SIZE(ids), &count);
		check(ret == (h ? 0 : -ENOENT));
		if (h)
			check(count == m->n);
		break;
	case 4: {	/* policy */
		u32 pol = take8(in) % 3, max = take8(in);

		max = max < 0xf0 ? max % 10 : max & 1 ? 1025 : 1024;
		ret = vfcb_pf_set_policy(H.pf, vf, pol, max);
		if (pol > VFCB_POLICY_VF_CREATE || !max || max > VFCB_MAX_BLOCKS_PER_VF)
			want = -EINVAL;
		else if (!h)
			want = -ENOENT;
		else if (max < m->vf_count)
			want = -EBUSY;
		else
			want = 0;
		check(ret == want);
		if (!ret) {
			m->policy = pol;
			m->max_blocks = max;
		}
		break;
	}
	case 5:	/* info */
		ret = vfcb_pf_get_vf_info(H.pf, vf, &info);
		check(ret == (h ? 0 : -ENOENT));
		if (!h)
			break;
		check(info.vf == vf && info.num_blocks == m->n &&
		      info.max_blocks == m->max_blocks && info.policy == m->policy);
		check(info.state == (H.pf->vfs[vf].ep.ready ? VFCB_VF_STATE_READY :
				     VFCB_VF_STATE_DOWN));
		/* What is not delivered yet is what info says pending. */
		check(!(h->raised & ~(h->delivered | info.pending_mask)));
		break;
	case 6:	/* invalidate one VF or all */
	case 7: {
		int target = sel & 0x80 ? VFCB_PF_ALL_VFS :
			     sel & 0x40 ? -2 : (int)vf;

		mask = take8(in) < 0x10 ? 0 : (u64)take32(in) << (take8(in) % 33);
		if (!mask || target == -2)
			want = -EINVAL;
		else if (target >= (int)H.nvf)
			want = -ENOENT;
		else
			want = 0;
		/* Raised before the call: the core posts at once if it can. */
		for (i = 0; i < H.nvf && !want; i++)
			if (target < 0 || (unsigned int)target == i)
				H.v[i].raised |= mask;
		ret = vfcb_pf_invalidate(H.pf, target, mask);
		check(ret == want);
		break;
	}
	}
}

/* ---------------------------------------------------------- a run --- */

static void setup(struct input *in)
{
	static const unsigned int sizes[] = { 16, 15, 4, 40, 64, 6, 16, 16 };
	struct vfcb_pf_transport tr;
	u8 cfg = take8(in), pol = take8(in);
	unsigned int i;

	kshim_reset();
	memset(&H, 0, sizeof(H));
	H.serving = -1;
	/* From near the wrap, as the kernel starts (INITIAL_JIFFIES). */
	jiffies = (unsigned long)(-300L * HZ) + take8(in) * 1000UL;
	H.nvf = 1 + cfg % FUZZ_MAX_VFS;
	H.msg_dwords = sizes[(cfg >> 2) % 8];
	H.ntf = cfg & 0x20;
	/* Policing limits low enough to be reached, or the defaults. */
	*kshim_param("flood_msgs") = pol & 0x80 ? 8192 : 2 + (pol & 0x3f);
	*kshim_param("flood_errors") = pol & 0x80 ? 64 : 1 + (pol & 7);
	*kshim_param("flood_window_ms") = pol & 0x40 ? 100 : 4 + (pol & 0x1f);
	*kshim_param("throttle_ms") = pol & 0x40 ? 1000 : 8 + (pol & 0x3c);
	*kshim_param("teardown_ms") = 1000;

	H.bus.number = 3;
	H.pdev.bus = &H.bus;
	H.pf = calloc(1, struct_size(H.pf, vfs, H.nvf));
	check(H.pf);
	tr = (struct vfcb_pf_transport){ .ops = &core_ops, .priv = &H,
					 .msg_dwords = H.msg_dwords,
					 .shared_buffer = true };
	/* What vfcb_pf_register() does, less the device files. */
	H.pf->pdev = &H.pdev;
	H.pf->tr = tr;
	H.pf->num_vfs = H.nvf;
	init_rwsem(&H.pf->api_lock);
	H.pf->serial_base = 0x5e000000u + cfg;
	vfcb_pf_events_init(H.pf);
	vfcb_pf_mbx_init(H.pf);
	for (i = 0; i < H.nvf; i++) {
		struct vfcb_pf_vf *vf = &H.pf->vfs[i];
		struct vfcb_transport vtr = { .ops = &vf_ops, .ctx = &H.v[i],
					      .msg_dwords = H.msg_dwords };

		vf->pf = H.pf;
		vf->index = i;
		vfcb_pf_blocks_init(&vf->blocks);
		vfcb_pf_mbx_vf_init(vf, tr.msg_dwords);
		H.v[i].m.max_blocks = VFCB_DEFAULT_MAX_BLOCKS;
		H.v[i].clean = true;
		vfcb_vfep_init(&H.v[i].ep, &vtr,
			       cfg & (0x40 << (i & 1)) ? BIT(VFCB_PROTO_V1) :
							 VFCB_PROTO_VERSIONS);
	}
	if (H.ntf) {
		H.nb.notifier_call = notifier_cb;
		check(vfcb_pf_register_notifier(H.pf, &H.nb) == 0);
	}
}

/* vfcb_pf_unregister()'s order, the VFs answering while it waits. */
static void teardown(bool going_away)
{
	unsigned int rd_count[FUZZ_READERS];
	struct vfcb_pf_vf_info info;
	unsigned int i;

	if (going_away) {
		down_write(&H.pf->api_lock);
		H.pf->going_away = true;
		up_write(&H.pf->api_lock);
		H.gone = true;	/* each VF's notice is queued inside */
		vfcb_pf_mbx_going_away(H.pf);
		check_all();
	}
	down_write(&H.pf->api_lock);
	WRITE_ONCE(H.pf->dead, true);
	up_write(&H.pf->api_lock);
	vfcb_pf_mbx_stop(H.pf);
	H.stopped = true;
	/* Events after stop are ignored: no op is called (core_* check). */
	for (i = 0; i < H.nvf; i++) {
		H.v[i].sent_due = H.v[i].vf_msg = true;
		vfcb_pf_vf_sent(H.pf, i);
		vfcb_pf_vf_consumed(H.pf, i);
		vfcb_pf_vf_reset(H.pf, i);
		check(!work_queued(&H.pf->vfs[i].serve_work));
	}
	check(!work_queued(&H.pf->retry_work.work));
	vfcb_pf_events_stop(H.pf);	/* the notifier gets what it had */
	check(!H.ntf || (!H.nm.n && !H.nm.dropped));
	/*
	 * A reporter that found its VF running before the stop may emit
	 * after it: no reader gets the event and no notifier work is queued,
	 * which unregister's flush would no longer wait for.
	 */
	for (i = 0; i < FUZZ_READERS; i++)
		rd_count[i] = H.rd[i] ? H.rd[i]->count + H.rd[i]->dropped : 0;
	vfcb_pf_emit_event(H.pf, VFCB_PF_EV_VF_RESET, 0, 0, 0);
	check(!work_queued(&H.pf->ntf_work));
	for (i = 0; i < FUZZ_READERS; i++)
		check(!H.rd[i] ||
		      H.rd[i]->count + H.rd[i]->dropped == rd_count[i]);
	check(vfcb_pf_get_vf_info(H.pf, 0, &info) == -ENODEV);
	check(vfcb_pf_num_vfs(H.pf) == -ENODEV);
	if (H.ntf)
		check(vfcb_pf_unregister_notifier(H.pf, &H.nb) == 0);
	for (i = 0; i < FUZZ_READERS; i++) {
		if (!H.rd[i])
			continue;
		read_events(i, 8);
		vfcb_pf_evq_del(H.pf, H.rd[i]);
		free(H.rd[i]);
	}
	for (i = 0; i < H.nvf; i++) {
		vfcb_pf_blocks_destroy(&H.pf->vfs[i].blocks);
		free(H.v[i].m.b);
	}
	check(kshim_atomic == 0);
	free(H.pf);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	bool nomem = false;
	unsigned int k, r;
	u8 op;

	setup(&in);
	while (in.n) {
		op = take8(&in);
		k = take8(&in) % H.nvf;
		kshim_alloc_fail = nomem;	/* armed by the step before */
		nomem = false;
		switch (op % 20) {
		case 0:
		case 1:
			vf_submit(&in, k);
			break;
		case 2:
			vf_raw(&in, k);
			break;
		case 3:
		case 4:
			pump(k);
			break;
		case 5:
			vf_doorbell(k);
			break;
		case 6:
			vf_takes(k);
			break;
		case 7:
			vf_acked(k);
			break;
		case 8:	/* an ack for what the VF never read, or for nothing */
			if (H.v[k].pf_msg)
				H.v[k].clean = false;
			H.v[k].pf_msg = false;
			H.v[k].consumed_due = false;
			consumed(k);
			break;
		case 9:
			vf_reset(k);
			break;
		case 10:	/* the VF driver gives up (timeout) */
			vfcb_vfep_abort(&H.v[k].ep);
			H.v[k].busy = false;
			H.v[k].clean = false;
			break;
		case 11:
			H.v[k].refuse = !H.v[k].refuse;
			break;
		case 12:
		case 13:
			run_work(take8(&in));
			break;
		case 14: {	/* time passes */
			u8 d = take8(&in);

			jiffies += d < 200 ? d : (d - 200) * 50UL;
			break;
		}
		case 15:
		case 16:
			host_op(&in);
			break;
		case 17: {	/* a reader opens, reads or closes its file */
			u8 b = take8(&in);

			r = b % FUZZ_READERS;
			if (!H.rd[r]) {
				H.rd[r] = calloc(1, sizeof(*H.rd[r]));
				memset(&H.rm[r], 0, sizeof(H.rm[r]));
				vfcb_pf_evq_add(H.pf, H.rd[r]);
			} else if (b & 0x80) {
				vfcb_pf_evq_del(H.pf, H.rd[r]);
				free(H.rd[r]);
				H.rd[r] = NULL;
			} else {
				read_events(r, 1 + (b >> 2) % 8);
			}
			break;
		}
		case 18:	/* fault injection and test knobs */
			switch (take8(&in) % 5) {
			case 0:	/* the next step's allocation fails */
				nomem = true;
				break;
			case 1:
				H.pf->vfs[k].mute = !H.pf->vfs[k].mute;
				H.v[k].clean = false;	/* answers never come */
				break;
			case 2:	/* events for a VF that does not exist */
				vfcb_pf_vf_sent(H.pf, H.nvf + k);
				vfcb_pf_vf_consumed(H.pf, H.nvf + k);
				vfcb_pf_vf_reset(H.pf, VFCB_PF_MAX_VFS + k);
				break;
			case 3:	/* "sent" with the buffer as it is */
				H.v[k].pf_msg = false;
				H.v[k].vf_msg = true;
				H.v[k].sent_due = true;
				H.v[k].from_engine = false;
				H.v[k].clean = false;
				vf_doorbell(k);
				break;
			case 4:
				event_burst(&in, k);
				break;
			}
			break;
		case 19:	/* everything settles */
			for (r = 0; r < 8; r++) {
				for (k = 0; k < H.nvf; k++)
					pump(k);
				run_work(0);
			}
			break;
		}
		kshim_alloc_fail = 0;
		check_all();
	}
	teardown(size & 1);
	return 0;
}
