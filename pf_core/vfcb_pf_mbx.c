// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: the VFs' mailboxes, as the driver's transport reports them.
 *
 * The transport tells the core three things per VF: "sent" (a message
 * waits), "consumed" (our message was taken) and "reset".  Each is handled
 * at once, wherever it is reported (a hard interrupt handler included),
 * under the VF's spinlock: the engine reads, validates and acks the message
 * and posts what waits.  Only serving a READ or WRITE touches the block
 * store, which sleeps: that is deferred to the VF's serve_work, and the
 * VF's next message is left unread meanwhile (a well-behaved VF sends none
 * before its answer).
 *
 * A VF is untrusted.  Each message is counted in a flood window; a VF
 * that floods or keeps sending bad messages is throttled: its message is
 * left unread, so the mailbox stops it from sending more, and it is not
 * served again until the throttle ends.  A throttled VF's resets are still
 * carried out, but the host hears of them once, when the throttle ends:
 * a reset storm costs the PF's event readers a bounded number of wake-ups,
 * not one per reset.  Nothing a VF does is served on another VF's time:
 * every VF has its own lock and its own serve work.
 */
#include <linux/jiffies.h>
#include <linux/module.h>

#include "vfcb_pf_core.h"
#include "vfcb_pf_trace.h"

static unsigned int flood_msgs = 8192;
module_param(flood_msgs, uint, 0644);
MODULE_PARM_DESC(flood_msgs,
		 "Messages a VF may send per flood window before it is throttled (default 8192)");

static unsigned int flood_errors = 64;
module_param(flood_errors, uint, 0644);
MODULE_PARM_DESC(flood_errors,
		 "Bad messages a VF may send per flood window before it is throttled (default 64)");

/*
 * A VF handshakes once per reset or probe; thousands a second is a loop,
 * and each one costs the PF an answer and an event where a plain message
 * costs a lookup.
 */
static unsigned int flood_hellos = 16;
module_param(flood_hellos, uint, 0644);
MODULE_PARM_DESC(flood_hellos,
		 "Handshakes (HELLOs) a VF may make per flood window before it is throttled (default 16)");

static unsigned int flood_window_ms = 100;
module_param(flood_window_ms, uint, 0644);
MODULE_PARM_DESC(flood_window_ms, "Flood detection window in ms (default 100)");

static unsigned int throttle_ms = 1000;
module_param(throttle_ms, uint, 0644);
MODULE_PARM_DESC(throttle_ms,
		 "How long a flooding VF is left unserved, in ms (default 1000)");

static unsigned int teardown_ms = 1000;
module_param(teardown_ms, uint, 0644);
MODULE_PARM_DESC(teardown_ms,
		 "How long unregistering waits for the VFs to ack the PF's going away, in ms (default 1000)");

/* ------------------------------------------------- engine transport --- */

/*
 * The engine's transport for one VF: the driver's ops, with the VF index,
 * and the core's own bookkeeping of the message the VF left unread.
 */
static u32 vfcb_pf_tr_read(void *ctx, unsigned int i)
{
	struct vfcb_pf_vf *vf = ctx;
	struct vfcb_pf *pf = vf->pf;
	u32 v;

	if (i >= pf->tr.msg_dwords)
		return 0;
	v = pf->tr.ops->read(pf->tr.priv, vf->index, i);
	if (i == 0)
		memset(vf->rx_dw, 0, sizeof(vf->rx_dw));
	if (i < ARRAY_SIZE(vf->rx_dw))
		vf->rx_dw[i] = v;
	return v;
}

static void vfcb_pf_tr_ack(void *ctx)
{
	struct vfcb_pf_vf *vf = ctx;
	struct vfcb_pf *pf = vf->pf;

	pf->tr.ops->ack(pf->tr.priv, vf->index);
	vf->unread = false;
	trace_vfcb_pf_rx(pf->pdev, vf->index,
			 vfcb_hdr_ndw_v(vf->ep.version, vf->rx_dw[0]),
			 vf->rx_dw[0], vf->rx_dw[1], vf->rx_dw[2]);
}

static int vfcb_pf_tr_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct vfcb_pf_vf *vf = ctx;
	struct vfcb_pf *pf = vf->pf;
	int ret;

	if (ndw < 1 || ndw > pf->tr.msg_dwords)
		return -EINVAL;
	ret = pf->tr.ops->post(pf->tr.priv, vf->index, msg, ndw);
	if (!ret)
		trace_vfcb_pf_tx(pf->pdev, vf->index, ndw - 1, msg[0],
				 ndw > 1 ? msg[1] : 0, ndw > 2 ? msg[2] : 0);
	return ret;
}

static const struct vfcb_transport_ops vfcb_pf_tr_ops = {
	.read = vfcb_pf_tr_read,
	.ack = vfcb_pf_tr_ack,
	.post = vfcb_pf_tr_post,
};

/* ------------------------------------------------------ policing --- */

/*
 * Ask the transport to stop (@on) or start again the VF's interrupts, once
 * per change.  vf->lock held.
 */
static void vfcb_pf_quiet(struct vfcb_pf_vf *vf, bool on)
{
	struct vfcb_pf *pf = vf->pf;

	if (vf->quiet == on || !pf->tr.ops->quiet)
		return;
	pf->tr.ops->quiet(pf->tr.priv, vf->index, on);
	vf->quiet = on;
}

/* True while the VF is throttled; ends a throttle whose time is up. */
static bool vfcb_pf_throttled(struct vfcb_pf_vf *vf)
{
	if (vf->throttled && time_before(jiffies, vf->throttle_until))
		return true;
	vf->throttled = false;
	if (!vf->stopped)
		vfcb_pf_quiet(vf, false);
	return false;
}

/* What a VF did, for the flood accounting. */
enum vfcb_pf_flood_kind {
	VFCB_PF_FLOOD_MSG,	/* a message, a reset */
	VFCB_PF_FLOOD_BAD,	/* a refused message, an ack of nothing */
	VFCB_PF_FLOOD_HELLO,	/* a message that was a handshake */
};

/* Start a new flood window at @now, with nothing counted in it. */
static void vfcb_pf_flood_window_open(struct vfcb_pf_vf *vf, unsigned long now)
{
	vf->win_start = now;
	vf->win_msgs = 0;
	vf->win_errs = 0;
	vf->win_hellos = 0;
}

/* What a message the engine read counts as. */
static enum vfcb_pf_flood_kind vfcb_pf_flood_kind_of(enum vfcb_pf_rx_result res)
{
	switch (res) {
	case VFCB_PF_RX_ERROR:
		return VFCB_PF_FLOOD_BAD;
	case VFCB_PF_RX_READY:
		return VFCB_PF_FLOOD_HELLO;
	default:
		return VFCB_PF_FLOOD_MSG;
	}
}

/*
 * One work retries for every VF: bring it forward to @delay from now, but
 * never push back an earlier run (a throttled VF's retry comes in a second,
 * another VF's refused post wants one in VFCB_PF_RETRY_MS).
 */
static void vfcb_pf_retry_in(struct vfcb_pf *pf, unsigned long delay)
{
	unsigned long at, flags;

	delay = delay ?: 1;
	spin_lock_irqsave(&pf->retry_lock, flags);
	at = jiffies + delay;
	if (!delayed_work_pending(&pf->retry_work) ||
	    time_before(at, pf->retry_at)) {
		pf->retry_at = at;
		mod_delayed_work(system_wq, &pf->retry_work, delay);
	}
	spin_unlock_irqrestore(&pf->retry_lock, flags);
}

/* Count what the VF did; throttle the VF if it floods. */
static void vfcb_pf_flood_account(struct vfcb_pf_vf *vf,
				  enum vfcb_pf_flood_kind kind)
{
	unsigned long now = jiffies;

	if (time_after(now, vf->win_start +
			    msecs_to_jiffies(READ_ONCE(flood_window_ms))))
		vfcb_pf_flood_window_open(vf, now);
	vf->win_msgs++;
	if (kind == VFCB_PF_FLOOD_BAD)
		vf->win_errs++;
	if (kind == VFCB_PF_FLOOD_HELLO)
		vf->win_hellos++;
	if (vf->win_msgs <= READ_ONCE(flood_msgs) &&
	    vf->win_errs <= READ_ONCE(flood_errors) &&
	    vf->win_hellos <= READ_ONCE(flood_hellos))
		return;

	vf->throttled = true;
	vf->throttle_until = now + msecs_to_jiffies(READ_ONCE(throttle_ms));
	vf->stats.throttle_events++;
	/*
	 * Unserved, the VF need not interrupt the host either; the retry
	 * work ends the throttle on time, even if the VF falls silent.
	 */
	vfcb_pf_quiet(vf, true);
	vfcb_pf_retry_in(vf->pf, vf->throttle_until - now + 1);
	trace_vfcb_pf_vf_event(vf->pf->pdev, vf->index, VFCB_PF_TR_THROTTLED,
			       vf->win_errs);
	dev_warn_ratelimited(&vf->pf->pdev->dev,
			     "VF %u floods the mailbox (%u messages, %u bad, %u handshakes in %u ms): not served for %u ms\n",
			     vf->index, vf->win_msgs, vf->win_errs,
			     vf->win_hellos, flood_window_ms, throttle_ms);
	/* What earned the throttle is not held against the VF after it. */
	vfcb_pf_flood_window_open(vf, now);
}

/* ------------------------------------------------------- serving --- */

/*
 * A reset while throttled is held until the throttle ends, then told
 * here, before any message the VF sent after it is served: the host hears
 * RESET before the READY of the handshake that followed it.  Emitted
 * under vf->lock for the same order against the VF's other events.
 * False while the throttle lasts.  vf->lock held.
 */
static bool vfcb_pf_emit_held_reset(struct vfcb_pf_vf *vf)
{
	if (vfcb_pf_throttled(vf))
		return false;
	if (vf->reset_held && !vf->stopped) {
		vf->reset_held = false;
		vfcb_pf_emit_event(vf->pf, VFCB_PF_EV_VF_RESET, vf->index, 0, 0);
	}
	return true;
}

/* Take the VF's unread message, unless policed.  vf->lock held. */
static void vfcb_pf_vf_rx(struct vfcb_pf_vf *vf)
{
	struct vfcb_pf *pf = vf->pf;
	enum vfcb_pf_flood_kind kind;
	enum vfcb_pf_rx_result res;
	bool overwrote;
	u32 err;

	if (!vfcb_pf_emit_held_reset(vf)) {
		/* Left unread: the VF cannot send more until we ack. */
		if (!vf->deferred) {
			vf->deferred = true;
			vf->stats.throttled_msgs++;
		}
		vfcb_pf_retry_in(pf, vf->throttle_until - jiffies + 1);
		return;
	}
	vf->deferred = false;

	if (READ_ONCE(vf->mute)) {
		pf->tr.ops->ack(pf->tr.priv, vf->index);
		vf->unread = false;
		vf->stats.muted_msgs++;
		trace_vfcb_pf_vf_event(pf->pdev, vf->index, VFCB_PF_TR_MUTED, 0);
		vfcb_pf_flood_account(vf, VFCB_PF_FLOOD_MSG);
		return;
	}

	/*
	 * One buffer for both directions, our message unacked: the VF wrote
	 * over it without reading it (a well-behaved one reads and acks
	 * first, and the transport reports that ack first).  A doorbell
	 * storm does this with every doorbell: count it as a bad message,
	 * so it is throttled, and serve it as usual.  Our message is gone:
	 * its ack will never come, so it is not waited for (the VF's answer
	 * would never be posted), and its invalidations go out again.
	 */
	overwrote = pf->tr.shared_buffer && vf->ep.tx_busy;
	if (overwrote)
		vfcb_pfep_tx_lost(&vf->ep);
	res = vfcb_pfep_rx(&vf->ep, &vf->req);
	/* The engine always consumes (acks) the message it reads. */
	vf->unread = false;
	err = vf->ep.stats.last_error;
	kind = vfcb_pf_flood_kind_of(res);
	if (overwrote) {
		vf->stats.overwrites++;
		trace_vfcb_pf_vf_event(pf->pdev, vf->index,
				       VFCB_PF_TR_OVERWRITE, 0);
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u wrote a message over the PF's unread one\n",
				     vf->index);
		if (kind == VFCB_PF_FLOOD_MSG)
			kind = VFCB_PF_FLOOD_BAD;
	}
	vfcb_pf_flood_account(vf, kind);

	switch (res) {
	case VFCB_PF_RX_REQUEST:
		if (vf->req.opcode == VFCB_OP_PING) {
			/* Nothing to look up: answer at once. */
			vf->stats.pings_served++;
			vfcb_pfep_complete(&vf->ep, &vf->req, VFCB_ST_OK,
					   NULL, 0);
			break;
		}
		vf->serving = true;
		vf->req_epoch = vf->epoch;
		queue_work(system_wq, &vf->serve_work);
		break;
	case VFCB_PF_RX_READY:
		trace_vfcb_pf_vf_event(pf->pdev, vf->index, VFCB_PF_TR_READY,
				       vf->ep.version);
		vfcb_pf_emit_event(pf, VFCB_PF_EV_VF_READY, vf->index, 0, 0);
		break;
	case VFCB_PF_RX_ERROR:
		vf->stats.bad_msgs++;
		trace_vfcb_pf_vf_event(pf->pdev, vf->index, VFCB_PF_TR_BAD_MSG,
				       err);
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: refused a message: %s\n",
				     vf->index, vfcb_err_name(err));
		break;
	case VFCB_PF_RX_NONE:
		break;
	}
}

/*
 * Everything one VF's mailbox allows now: take its message, then post what
 * waits.  vf->lock held.  Returns true if a post was refused.
 */
static bool vfcb_pf_vf_run(struct vfcb_pf_vf *vf)
{
	lockdep_assert_held(&vf->lock);
	if (vf->stopped)
		return false;
	if (vf->unread && !vf->serving)
		vfcb_pf_vf_rx(vf);
	return vfcb_pfep_kick(&vf->ep);
}

/* After a post was refused: retry from the timer, a bounded number of times. */
static void vfcb_pf_vf_retry(struct vfcb_pf_vf *vf, bool more)
{
	if (!more) {
		vf->kick_tries = 0;
	} else if (vf->kick_tries < VFCB_PF_RETRY_MAX) {
		vf->kick_tries++;
		vf->stats.kick_retries++;
		vfcb_pf_retry_in(vf->pf, msecs_to_jiffies(VFCB_PF_RETRY_MS));
	} else if (vf->kick_tries == VFCB_PF_RETRY_MAX) {
		/* The VF holds its mailbox: its next event brings it back. */
		vf->kick_tries++;
		vf->stats.kick_giveups++;
	}
}

/* Serve a complete READ or WRITE from the VF's own block store. */
static void vfcb_pf_serve_work(struct work_struct *work)
{
	struct vfcb_pf_vf *vf = container_of(work, struct vfcb_pf_vf,
					     serve_work);
	struct vfcb_pf_req *req = &vf->req;
	u8 buf[VFCB_MAX_BLOCK_SIZE];
	unsigned long flags;
	u32 len = 0;
	bool more;
	u8 st;

	/* @req and @req_epoch are stable while @serving: nothing else writes them. */
	switch (req->opcode) {
	case VFCB_OP_READ:
		st = vfcb_pf_blocks_vf_read(&vf->blocks, req->block_id, buf,
					    min_t(u32, req->len, sizeof(buf)),
					    &len);
		break;
	case VFCB_OP_WRITE:
		st = vfcb_pf_blocks_vf_write(&vf->blocks, req->block_id,
					     req->data, req->len);
		if (st == VFCB_ST_OK)
			vfcb_pf_emit_event(vf->pf, VFCB_PF_EV_VF_WRITE,
					   vf->index, req->block_id, req->len);
		break;
	default:
		st = VFCB_ST_UNSUPPORTED;
		break;
	}

	spin_lock_irqsave(&vf->lock, flags);
	if (req->opcode == VFCB_OP_READ)
		vf->stats.reads_served++;
	else if (req->opcode == VFCB_OP_WRITE)
		vf->stats.writes_served++;
	/*
	 * A VF reset since the request was received voids it, even one
	 * before this work started: its answer would be stale.
	 */
	if (vf->epoch == vf->req_epoch && !vf->stopped)
		vfcb_pfep_complete(&vf->ep, req, st, buf, len);
	vf->serving = false;
	more = vfcb_pf_vf_run(vf);
	vfcb_pf_vf_retry(vf, more);
	spin_unlock_irqrestore(&vf->lock, flags);
}

/*
 * Retries refused posts, ends throttles (the VF's interrupts start again),
 * serves VFs whose throttle ended and tells the host of the resets held
 * while they were throttled.
 */
static void vfcb_pf_retry_work(struct work_struct *work)
{
	struct vfcb_pf *pf = container_of(to_delayed_work(work),
					  struct vfcb_pf, retry_work);
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < pf->num_vfs; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];
		bool more;

		spin_lock_irqsave(&vf->lock, flags);
		/* A throttle ends here if the VF sent nothing since. */
		if (vf->throttled && !vf->stopped && vfcb_pf_throttled(vf))
			vfcb_pf_retry_in(pf, vf->throttle_until - jiffies + 1);
		/* The held reset first: it came before the unread message. */
		if (vf->reset_held && !vf->stopped &&
		    !vfcb_pf_emit_held_reset(vf))	/* come back then */
			vfcb_pf_retry_in(pf, vf->throttle_until - jiffies + 1);
		if (vf->kick_tries || vf->unread) {
			more = vfcb_pf_vf_run(vf);
			if (vf->kick_tries)
				vfcb_pf_vf_retry(vf, more);
		}
		spin_unlock_irqrestore(&vf->lock, flags);
	}
	wake_up(&pf->idle_wq);
}

/* -------------------------------------------------- transport events --- */

static struct vfcb_pf_vf *vfcb_pf_event_vf(struct vfcb_pf *pf,
					   unsigned int vf)
{
	return vf < pf->num_vfs ? &pf->vfs[vf] : NULL;
}

/**
 * vfcb_pf_vf_sent() - VF @vf put a message in its mailbox
 * @pf: the PF
 * @vf: VF index
 *
 * Context: any, a hard interrupt handler included.
 */
void vfcb_pf_vf_sent(struct vfcb_pf *pf, unsigned int vf)
{
	struct vfcb_pf_vf *v = vfcb_pf_event_vf(pf, vf);
	unsigned long flags;
	bool more;

	if (!v)
		return;
	spin_lock_irqsave(&v->lock, flags);
	v->unread = true;
	v->kick_tries = 0;	/* the VF is alive: posting may work again */
	more = vfcb_pf_vf_run(v);
	vfcb_pf_vf_retry(v, more);
	spin_unlock_irqrestore(&v->lock, flags);
}
EXPORT_SYMBOL_GPL(vfcb_pf_vf_sent);

/**
 * vfcb_pf_vf_consumed() - VF @vf consumed the core's last message
 * @pf: the PF
 * @vf: VF index
 *
 * Context: any, a hard interrupt handler included.
 */
void vfcb_pf_vf_consumed(struct vfcb_pf *pf, unsigned int vf)
{
	struct vfcb_pf_vf *v = vfcb_pf_event_vf(pf, vf);
	unsigned long flags;
	bool more;

	if (!v)
		return;
	spin_lock_irqsave(&v->lock, flags);
	if (!v->stopped && !v->ep.tx_busy) {
		/* Nothing of ours to consume: an ACK storm costs the VF. */
		v->stats.bad_acks++;
		vfcb_pf_flood_account(v, VFCB_PF_FLOOD_BAD);
	} else if (!v->stopped) {
		vfcb_pfep_tx_acked(&v->ep);
	}
	v->kick_tries = 0;
	more = vfcb_pf_vf_run(v);
	vfcb_pf_vf_retry(v, more);
	spin_unlock_irqrestore(&v->lock, flags);
	wake_up(&pf->idle_wq);
}
EXPORT_SYMBOL_GPL(vfcb_pf_vf_consumed);

/**
 * vfcb_pf_vf_reset() - VF @vf was reset
 * @pf: the PF
 * @vf: VF index
 *
 * Forgets in-flight transfers and the handshake; keeps the VF's blocks,
 * policy and every invalidation it has not acknowledged.
 *
 * Context: any, a hard interrupt handler included.
 */
void vfcb_pf_vf_reset(struct vfcb_pf *pf, unsigned int vf)
{
	struct vfcb_pf_vf *v = vfcb_pf_event_vf(pf, vf);
	unsigned long flags;
	bool held;

	if (!v)
		return;
	spin_lock_irqsave(&v->lock, flags);
	if (v->stopped) {
		spin_unlock_irqrestore(&v->lock, flags);
		return;
	}
	vfcb_pfep_vf_reset(&v->ep);
	v->unread = false;	/* a message sent after the reset comes after */
	v->epoch++;
	v->kick_tries = 0;
	v->stats.vf_resets++;
	/* A VF resetting itself in a loop is flooding too. */
	vfcb_pf_flood_account(v, VFCB_PF_FLOOD_MSG);
	/* Throttled: the host hears of it when the throttle ends. */
	held = vfcb_pf_throttled(v);
	if (held && !v->reset_held) {
		v->reset_held = true;
		vfcb_pf_retry_in(pf, v->throttle_until - jiffies + 1);
	} else if (!held) {
		v->reset_held = false;	/* this event tells it */
	}
	/* Under v->lock: before the READY of a handshake that follows. */
	if (!held)
		vfcb_pf_emit_event(pf, VFCB_PF_EV_VF_RESET, vf, 0, 0);
	spin_unlock_irqrestore(&v->lock, flags);

	trace_vfcb_pf_vf_event(pf->pdev, vf, VFCB_PF_TR_VF_RESET, held);
	wake_up(&pf->idle_wq);
}
EXPORT_SYMBOL_GPL(vfcb_pf_vf_reset);

/* ------------------------------------------------- core's own verbs --- */

void vfcb_pf_mbx_init(struct vfcb_pf *pf)
{
	INIT_DELAYED_WORK(&pf->retry_work, vfcb_pf_retry_work);
	spin_lock_init(&pf->retry_lock);
	init_waitqueue_head(&pf->idle_wq);
}

void vfcb_pf_mbx_vf_init(struct vfcb_pf_vf *vf, unsigned int msg_dwords)
{
	struct vfcb_transport tr = {
		.ops = &vfcb_pf_tr_ops, .ctx = vf, .msg_dwords = msg_dwords,
	};

	spin_lock_init(&vf->lock);
	INIT_WORK(&vf->serve_work, vfcb_pf_serve_work);
	vf->win_start = jiffies;
	vfcb_pfep_init(&vf->ep, &tr, vf->index, vf->pf->serial_base + vf->index);
}

/* OR @mask into the VF's pending invalidations and post if possible. */
void vfcb_pf_mbx_invalidate(struct vfcb_pf_vf *vf, u64 mask)
{
	unsigned long flags;
	bool more;

	spin_lock_irqsave(&vf->lock, flags);
	vfcb_pfep_invalidate(&vf->ep, mask);
	more = vfcb_pf_vf_run(vf);
	vfcb_pf_vf_retry(vf, more);
	spin_unlock_irqrestore(&vf->lock, flags);
}

static bool vfcb_pf_all_idle(struct vfcb_pf *pf)
{
	unsigned long flags;
	unsigned int i;
	bool idle = true;

	for (i = 0; i < pf->num_vfs && idle; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];

		spin_lock_irqsave(&vf->lock, flags);
		idle = !vf->wait_idle || vfcb_pfep_idle(&vf->ep);
		spin_unlock_irqrestore(&vf->lock, flags);
	}
	return idle;
}

/* Tell every VF the PF is going away; give them a bounded time to ack. */
void vfcb_pf_mbx_going_away(struct vfcb_pf *pf)
{
	unsigned int i, waiting = 0;
	unsigned long flags;

	/* Removed by surprise: no VF can hear us or ack, do not wait. */
	if (!pci_device_is_present(pf->pdev)) {
		pci_warn(pf->pdev, "the PF is gone (surprise removal): VFs not told\n");
		return;
	}
	for (i = 0; i < pf->num_vfs; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];
		bool more;

		spin_lock_irqsave(&vf->lock, flags);
		/*
		 * A throttle ends here: its ack must interrupt us, and where
		 * the buffer is shared its unread message must be read (and
		 * refused) before the notice can be posted at all.
		 */
		vf->throttled = false;
		vfcb_pf_quiet(vf, false);
		vf->wait_idle = vf->ep.ready;
		vfcb_pfep_notify_reset(&vf->ep, VFCB_RESET_GOING_AWAY);
		more = vfcb_pf_vf_run(vf);
		vfcb_pf_vf_retry(vf, more);
		waiting += vf->wait_idle;
		spin_unlock_irqrestore(&vf->lock, flags);
		trace_vfcb_pf_vf_event(pf->pdev, i, VFCB_PF_TR_GOING_AWAY,
				       vf->wait_idle);
	}
	if (waiting &&
	    !wait_event_timeout(pf->idle_wq, vfcb_pf_all_idle(pf),
				msecs_to_jiffies(READ_ONCE(teardown_ms))))
		pci_warn(pf->pdev,
			 "not every VF acknowledged the PF going away within %u ms\n",
			 teardown_ms);
}

/* No op call after this returns; events are ignored from now on. */
void vfcb_pf_mbx_stop(struct vfcb_pf *pf)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < pf->num_vfs; i++) {
		spin_lock_irqsave(&pf->vfs[i].lock, flags);
		/* The driver gets its VFs back as it lent them: none quiet. */
		vfcb_pf_quiet(&pf->vfs[i], false);
		pf->vfs[i].stopped = true;
		spin_unlock_irqrestore(&pf->vfs[i].lock, flags);
	}
	cancel_delayed_work_sync(&pf->retry_work);
	for (i = 0; i < pf->num_vfs; i++)
		cancel_work_sync(&pf->vfs[i].serve_work);
}
