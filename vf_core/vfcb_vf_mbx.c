// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the mailbox as the core sees it, events from the VF driver's
 * transport into the protocol engine, and the handshake with the PF.
 *
 * Events
 * ------
 * The transport reports three events (include/vfcb_vf_transport.h): the
 * PF sent a message, the PF consumed ours, the PF is in reset or its reset
 * is done.  They may come from a hard interrupt handler, so vf->lock is an
 * IRQ-safe spinlock.  The engine reads, acks and posts through the
 * adapters below, which call the transport's ops with vf->lock held.
 *
 * Handshake and PF resets
 * -----------------------
 * A PF reset may arrive without any interrupt (on the 82576 the PF's
 * "reset done" raises none), so while the PF is not talking to us (state
 * WAIT_PF, or PF_GONE after it said it was going away) hs_work polls the
 * transport with a growing interval (10 ms to 1 s).  Once the transport
 * says the PF is ready and HELLO is allowed ("reset done" seen, or its
 * hold-off expired: 1 s after a RESTART notification, 10 s after
 * GOING_AWAY, growing after each failed HELLO), the transport is rearmed
 * and HELLO is posted (state HELLO); hs_work then acts as its timeout.
 * Its completion gives READY, and the transport is rearmed again: a PF
 * reset between the first rearm and now wiped it.
 *
 * Once READY everything is event driven.  hs_work becomes a slow watchdog
 * (module parameter watchdog_ms, default 5 s, 0 disables it): one poll
 * that notices a PF reset that was not announced, which would otherwise go
 * unseen forever because that very reset disabled our interrupts.  A
 * PF_RESET notification or a reset event while READY or in HELLO ends the
 * request in flight and goes back to waiting.
 */
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

#define VFCB_VF_POLL_MIN_MS		10
#define VFCB_VF_POLL_MAX_MS		1000
#define VFCB_VF_RESTART_HOLD_MS		1000	/* HELLO without reset done after */
#define VFCB_VF_GONE_HOLD_MS		10000
#define VFCB_VF_HELLO_BACKOFF_MIN_MS	100
#define VFCB_VF_HELLO_BACKOFF_MAX_MS	10000

/* ------------------------------------- engine transport adapters --- */

/* vf->lock held for all three: the transport's ops may not sleep. */
static u32 vfcb_vf_tr_read(void *ctx, unsigned int i)
{
	struct vfcb_vf *vf = ctx;
	u32 v;

	/* The transport's buffer ends at msg_dwords: past it is nothing. */
	if (i >= vf->msg_dwords)
		return 0;
	v = vf->ops->read(vf->priv, i);
	if (i == 0)
		trace_vfcb_vf_msg_rx(vf->trace_id, v,
				     (v & VFCB_HDR_NDW_MASK) >> VFCB_HDR_NDW_SHIFT);
	return v;
}

static void vfcb_vf_tr_ack(void *ctx)
{
	struct vfcb_vf *vf = ctx;

	vf->ops->ack(vf->priv);
}

static int vfcb_vf_tr_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct vfcb_vf *vf = ctx;
	int err;

	err = vf->ops->post(vf->priv, msg, ndw);
	if (!err) {
		vf->tx_posted = jiffies;
		trace_vfcb_vf_msg_tx(vf->trace_id, msg[0], ndw);
	}
	return err;
}

static const struct vfcb_transport_ops vfcb_vf_tr_ops = {
	.read = vfcb_vf_tr_read,
	.ack = vfcb_vf_tr_ack,
	.post = vfcb_vf_tr_post,
};

/* ------------------------------------------------------ handshake --- */

static void vfcb_vf_schedule(struct vfcb_vf *vf, unsigned int ms)
{
	mod_delayed_work(system_wq, &vf->hs_work, msecs_to_jiffies(ms));
}

static bool vfcb_vf_talking(const struct vfcb_vf *vf)
{
	return vf->state == VFCB_VFD_READY || vf->state == VFCB_VFD_HELLO;
}

static bool vfcb_vf_waiting(const struct vfcb_vf *vf)
{
	return vf->state == VFCB_VFD_WAIT_PF || vf->state == VFCB_VFD_PF_GONE;
}

/* Post what the engine has waiting; retry shortly if the mailbox is busy. */
void vfcb_vf_kick(struct vfcb_vf *vf)
{
	if (vfcb_vfep_kick(&vf->ep))
		mod_delayed_work(system_wq, &vf->retry_work, 1);
}

/* End the caller's request without an answer (err) or with one (0). */
static void vfcb_vf_end_inflight(struct vfcb_vf *vf, int err)
{
	struct vfcb_vf_wait *w = vf->inflight;

	if (!w)
		return;
	vf->inflight = NULL;
	w->err = err;
	w->finished = true;
	if (err)
		vf->stats.lost++;
	else
		vf->stats.completed++;
	complete(&w->done);
}

/*
 * The PF reset, restarts or leaves: fail the request in flight with @err,
 * forget the handshake and wait for the PF (@to: WAIT_PF or PF_GONE); HELLO
 * is allowed on "reset done" or after @hold_ms.
 */
static void vfcb_vf_pf_lost(struct vfcb_vf *vf, enum vfcb_vf_dstate to,
			    int err, unsigned int hold_ms)
{
	vfcb_vfep_reset(&vf->ep);
	vf->hello_active = false;
	vf->need_rearm = false;
	vfcb_vf_end_inflight(vf, err);
	vf->stats.pf_resets++;
	vf->wait_state = to;
	vf->rstd_seen = false;
	vf->hello_not_before = jiffies + msecs_to_jiffies(hold_ms);
	vf->hello_backoff_ms = 0;
	vf->poll_ms = VFCB_VF_POLL_MIN_MS;
	vfcb_vf_set_state(vf, to);
	vfcb_vf_schedule(vf, VFCB_VF_POLL_MIN_MS);
}

static void vfcb_vf_hello_failed(struct vfcb_vf *vf)
{
	vf->stats.hello_failures++;
	vf->hello_active = false;
	vfcb_vfep_reset(&vf->ep);
	vf->hello_backoff_ms = clamp(vf->hello_backoff_ms * 2,
				     VFCB_VF_HELLO_BACKOFF_MIN_MS,
				     VFCB_VF_HELLO_BACKOFF_MAX_MS);
	vf->hello_not_before = jiffies + msecs_to_jiffies(vf->hello_backoff_ms);
	vf->rstd_seen = false;
	vf->poll_ms = VFCB_VF_POLL_MIN_MS;
	vfcb_vf_set_state(vf, vf->wait_state);
	vfcb_vf_schedule(vf, vf->poll_ms);
}

static void vfcb_vf_hello_done(struct vfcb_vf *vf)
{
	struct device *dev = &vf->pdev->dev;
	u8 status = vf->hello.status;

	vf->hello_active = false;
	if (status != VFCB_ST_OK || !vf->ep.ready) {
		if (status == VFCB_ST_BAD_VERSION)
			dev_err_ratelimited(dev, "no common protocol version: PF speaks %#x, VF %#x\n",
					    vf->ep.pf_versions, VFCB_PROTO_VERSIONS);
		else
			dev_warn_ratelimited(dev, "handshake refused: status %u (%s)\n",
					     status,
					     vfcb_err_name(vf->ep.stats.last_error));
		vfcb_vf_hello_failed(vf);
		return;
	}

	vf->stats.handshakes++;
	vf->hello_backoff_ms = 0;
	vfcb_vf_set_state(vf, VFCB_VFD_READY);
	dev_info(dev, "handshake done: VF %u, serial %#010x, protocol version %u, max block %u bytes\n",
		 vf->ep.vf_index, vf->ep.serial, vf->ep.version,
		 vf->ep.max_block);
	/* Whatever happened before this handshake went unseen: re-read all. */
	vfcb_vf_resync(vf);

	/* Rearm again from hs_work (process context), then the watchdog. */
	vf->need_rearm = true;
	vfcb_vf_schedule(vf, 0);
}

static void vfcb_vf_start_hello(struct vfcb_vf *vf)
{
	int err;

	vfcb_vfep_reset(&vf->ep);
	memset(&vf->hello, 0, sizeof(vf->hello));
	vf->hello.opcode = VFCB_OP_HELLO;
	vf->wait_state = vf->state;
	err = vfcb_vfep_submit(&vf->ep, &vf->hello);
	if (err) {
		vfcb_vf_hello_failed(vf);
		return;
	}
	vf->hello_active = true;
	vfcb_vf_set_state(vf, VFCB_VFD_HELLO);
	vfcb_vf_schedule(vf, vfcb_vf_timeout_ms());
	vfcb_vf_kick(vf);
}

/* What the engine made of a PF message. */
static void vfcb_vf_engine_events(struct vfcb_vf *vf, unsigned int ev,
				  u64 mask)
{
	struct device *dev = &vf->pdev->dev;

	if (ev & VFCB_VF_EV_INVALIDATE)
		vfcb_vf_deliver(vf, mask);

	if (ev & VFCB_VF_EV_PF_RESET) {
		/* The engine ended the request in flight; so do we. */
		if (vf->ep.reset_reason == VFCB_RESET_GOING_AWAY) {
			dev_info(dev, "PF going away\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_PF_GONE, -ENODEV,
					VFCB_VF_GONE_HOLD_MS);
		} else {
			dev_info(dev, "PF restarting, handshake again when it is back\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN,
					VFCB_VF_RESTART_HOLD_MS);
		}
		return;
	}

	if (ev & VFCB_VF_EV_COMPLETE) {
		if (vf->hello_active) {
			vfcb_vf_hello_done(vf);
		} else if (vf->inflight &&
			   vf->inflight->req.status == VFCB_ST_NOT_READY) {
			/* The PF forgot our handshake (it restarted). */
			dev_info(dev, "PF lost the handshake, handshake again\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		} else {
			vfcb_vf_end_inflight(vf, 0);
		}
	}
}

/*
 * A request timed out with its message never acked: the PF stopped
 * taking messages.  Nothing is posted over that message; the PF counts as
 * lost and the core handshakes again (the reset forgets the message).
 * vf->lock held.
 */
void vfcb_vf_mbx_pf_silent(struct vfcb_vf *vf)
{
	lockdep_assert_held(&vf->lock);
	if (vf->state != VFCB_VFD_READY)
		return;
	vf->stats.pf_silent++;
	dev_warn_ratelimited(&vf->pdev->dev,
			     "the PF took no message for %u ms: handshake again\n",
			     vfcb_vf_timeout_ms());
	vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
}

/* ---------------------------------------------------------- events --- */

/*
 * Registers all ones and pci_device_is_present() false (which, for a VF,
 * reads its PF's vendor ID): a surprise removal, or a VF bound on the host
 * in the middle of its PF's reset, VF Enable clear and the PF not yet
 * answering config reads (the PCI core restores the VFs after).
 * First seen, it is taken for a PF reset: the request in flight ends with
 * -EAGAIN and is sent again after the next handshake, as after any PF
 * reset.  Still absent after gone_ms (the core polls while waiting, and
 * the transport reports it again each time), the VF is removed for good:
 * every request fails at once with -ENODEV.  vf->lock held.
 */
static void vfcb_vf_absent(struct vfcb_vf *vf)
{
	lockdep_assert_held(&vf->lock);
	if (vf->state == VFCB_VFD_REMOVED)
		return;
	if (!vf->absent) {
		vf->absent = true;
		vf->absent_since = jiffies;
		dev_warn(&vf->pdev->dev,
			 "the VF is not present (its PF resetting, or removed): waiting up to %u ms for it\n",
			 vfcb_vf_gone_ms());
		vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		return;
	}
	if (time_before(jiffies, vf->absent_since +
			msecs_to_jiffies(vfcb_vf_gone_ms())))
		return;
	dev_warn(&vf->pdev->dev,
		 "the VF is gone (absent for %u ms: surprise removal): requests fail with ENODEV\n",
		 jiffies_to_msecs(jiffies - vf->absent_since));
	vfcb_vf_end_inflight(vf, -ENODEV);
	vf->hello_active = false;
	vf->need_rearm = false;
	vfcb_vfep_reset(&vf->ep);
	vfcb_vf_set_state(vf, VFCB_VFD_REMOVED);
	wake_up_all(&vf->inv_wq);
}

/* Seen present (the transport read its registers): no longer absent. */
static void vfcb_vf_present(struct vfcb_vf *vf)
{
	lockdep_assert_held(&vf->lock);
	if (!vf->absent || vf->state == VFCB_VFD_REMOVED)
		return;
	vf->absent = false;
	dev_info(&vf->pdev->dev, "the VF is present again after %u ms\n",
		 jiffies_to_msecs(jiffies - vf->absent_since));
}

void vfcb_vf_surprise_removed(struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	vfcb_vf_absent(vf);
	spin_unlock_irqrestore(&vf->lock, flags);
}
EXPORT_SYMBOL_GPL(vfcb_vf_surprise_removed);

void vfcb_vf_pf_sent(struct vfcb_vf *vf)
{
	unsigned long flags;
	unsigned int ev;
	u64 mask = 0;

	spin_lock_irqsave(&vf->lock, flags);
	if (vf->state != VFCB_VFD_REMOVED) {
		vf->stats.ev_sent++;
		ev = vfcb_vfep_rx(&vf->ep, &mask);
		vfcb_vf_engine_events(vf, ev, mask);
		if (vfcb_vf_talking(vf))
			vfcb_vf_kick(vf);
	}
	spin_unlock_irqrestore(&vf->lock, flags);
}
EXPORT_SYMBOL_GPL(vfcb_vf_pf_sent);

void vfcb_vf_pf_consumed(struct vfcb_vf *vf)
{
	unsigned long flags;
	bool freed = false;

	spin_lock_irqsave(&vf->lock, flags);
	if (vf->state != VFCB_VFD_REMOVED) {
		vf->stats.ev_consumed++;
		freed = vfcb_vfep_tx_pending(&vf->ep);
		vfcb_vfep_tx_acked(&vf->ep);
		if (vfcb_vf_talking(vf))
			vfcb_vf_kick(vf);
		freed = freed && !vf->req_busy;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	/* A message with no request left behind it is acked: EPOLLOUT. */
	if (freed)
		wake_up_all(&vf->state_wq);
}
EXPORT_SYMBOL_GPL(vfcb_vf_pf_consumed);

void vfcb_vf_pf_reset(struct vfcb_vf *vf, bool done)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	vfcb_vf_present(vf);
	if (vf->state != VFCB_VFD_REMOVED) {
		vf->stats.ev_reset++;
		vf->reset_seq++;
		if (vf->state == VFCB_VFD_NO_VFCB && done) {
			/* Maybe another driver now: ask once more. */
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		} else if (vfcb_vf_talking(vf)) {
			/* The transport reports the VF's own resets here too. */
			dev_info(&vf->pdev->dev, done ?
				 "mailbox reset done (PF or VF reset), handshake again\n" :
				 "mailbox reset (PF or VF reset), waiting for the PF\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		}
		if (done)
			vf->rstd_seen = true;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
}
EXPORT_SYMBOL_GPL(vfcb_vf_pf_reset);

void vfcb_vf_pf_refused(struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	if (vfcb_vf_talking(vf)) {
		vf->stats.ev_refused++;
		dev_notice(&vf->pdev->dev,
			   "the PF's driver does not speak vfcb: config blocks unavailable (EOPNOTSUPP) until the PF resets\n");
		vfcb_vfep_reset(&vf->ep);
		vf->hello_active = false;
		vf->need_rearm = false;
		vfcb_vf_end_inflight(vf, -EOPNOTSUPP);
		/* No poll, no HELLO: the PF's driver hears nothing more. */
		vfcb_vf_set_state(vf, VFCB_VFD_NO_VFCB);
	}
	spin_unlock_irqrestore(&vf->lock, flags);
}
EXPORT_SYMBOL_GPL(vfcb_vf_pf_refused);

/* ------------------------------------------------------ work items --- */

static void vfcb_vf_rearm(struct vfcb_vf *vf)
{
	if (vf->ops->rearm)
		vf->ops->rearm(vf->priv);
}

/* The mailbox was busy: collect what the transport holds, post again. */
static void vfcb_vf_retry_work(struct work_struct *work)
{
	struct vfcb_vf *vf = container_of(to_delayed_work(work),
					  struct vfcb_vf, retry_work);
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	if (vf->state == VFCB_VFD_REMOVED) {
		spin_unlock_irqrestore(&vf->lock, flags);
		return;
	}
	vf->stats.reposts++;
	spin_unlock_irqrestore(&vf->lock, flags);

	/* A PF message may be what blocked us; the poll reports it. */
	vf->ops->poll(vf->priv);

	spin_lock_irqsave(&vf->lock, flags);
	if (vfcb_vf_talking(vf))
		vfcb_vf_kick(vf);
	spin_unlock_irqrestore(&vf->lock, flags);
}

/* READY: rearm after a handshake, else the watchdog's poll. */
static void vfcb_vf_hs_ready(struct vfcb_vf *vf, bool rearm)
{
	unsigned long flags;
	unsigned int wd;
	bool ready = true;

	if (rearm)
		vfcb_vf_rearm(vf);
	else
		ready = vf->ops->poll(vf->priv);

	spin_lock_irqsave(&vf->lock, flags);
	if (vf->state == VFCB_VFD_READY && !ready) {
		/* The transport saw the PF in reset without reporting it. */
		dev_info(&vf->pdev->dev, "PF in reset, waiting for it\n");
		vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
	}
	wd = vfcb_vf_watchdog_ms();
	if (vf->state == VFCB_VFD_READY && wd)
		vfcb_vf_schedule(vf, wd);
	spin_unlock_irqrestore(&vf->lock, flags);
}

/* WAIT_PF or PF_GONE: poll; HELLO once the PF is ready and it is time. */
static void vfcb_vf_hs_wait(struct vfcb_vf *vf)
{
	unsigned long flags;
	unsigned int seq;
	bool ready;

	ready = vf->ops->poll(vf->priv);

	spin_lock_irqsave(&vf->lock, flags);
	if (ready)
		vfcb_vf_present(vf);
	if (!vfcb_vf_waiting(vf))
		goto unlock;
	if (ready &&
	    (vf->rstd_seen || time_after_eq(jiffies, vf->hello_not_before))) {
		/* A PF reset wipes the VF's set-up: rearm before HELLO. */
		seq = vf->reset_seq;
		spin_unlock_irqrestore(&vf->lock, flags);
		vfcb_vf_rearm(vf);
		spin_lock_irqsave(&vf->lock, flags);
		if (vfcb_vf_waiting(vf) && seq == vf->reset_seq) {
			vfcb_vf_start_hello(vf);
			goto unlock;
		}
		/* Reset again meanwhile, or removed: poll again. */
		if (!vfcb_vf_waiting(vf))
			goto unlock;
	}
	vfcb_vf_schedule(vf, vf->poll_ms);
	vf->poll_ms = min(vf->poll_ms * 2, VFCB_VF_POLL_MAX_MS);
unlock:
	spin_unlock_irqrestore(&vf->lock, flags);
}

static void vfcb_vf_hs_work(struct work_struct *work)
{
	struct vfcb_vf *vf = container_of(to_delayed_work(work),
					  struct vfcb_vf, hs_work);
	enum vfcb_vf_dstate state;
	unsigned long flags;
	bool rearm;

	spin_lock_irqsave(&vf->lock, flags);
	state = vf->state;
	rearm = vf->need_rearm;
	vf->need_rearm = false;
	switch (state) {
	case VFCB_VFD_READY:
		if (!rearm)
			vf->stats.watchdog++;
		break;
	case VFCB_VFD_HELLO:
		/* HELLO timed out (its completion would have moved us on). */
		dev_dbg(&vf->pdev->dev, "no answer to HELLO\n");
		vfcb_vf_hello_failed(vf);
		break;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_PF_GONE:
		vf->stats.polls++;
		break;
	case VFCB_VFD_NO_VFCB:	/* silent until a PF reset event */
	case VFCB_VFD_REMOVED:
		break;
	}
	spin_unlock_irqrestore(&vf->lock, flags);

	/* The transport's poll and rearm run without vf->lock. */
	if (state == VFCB_VFD_READY)
		vfcb_vf_hs_ready(vf, rearm);
	else if (state == VFCB_VFD_WAIT_PF || state == VFCB_VFD_PF_GONE)
		vfcb_vf_hs_wait(vf);
}

/* ------------------------------------------------------ lifecycle --- */

/* Before the VF is visible: the engine on the transport, the works. */
void vfcb_vf_mbx_init(struct vfcb_vf *vf)
{
	struct vfcb_transport tr = {
		.ops = &vfcb_vf_tr_ops, .ctx = vf,
		.msg_dwords = vf->msg_dwords,
	};

	INIT_DELAYED_WORK(&vf->hs_work, vfcb_vf_hs_work);
	INIT_DELAYED_WORK(&vf->retry_work, vfcb_vf_retry_work);
	vf->poll_ms = VFCB_VF_POLL_MIN_MS;
	vfcb_vfep_init(&vf->ep, &tr, VFCB_PROTO_VERSIONS);
}

/* Start polling for the PF; HELLO as soon as it is ready. */
void vfcb_vf_mbx_start(struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	vf->hello_not_before = jiffies;
	vfcb_vf_schedule(vf, VFCB_VF_POLL_MIN_MS);
	spin_unlock_irqrestore(&vf->lock, flags);
}

/*
 * The VF is being unregistered: end the request in flight, state REMOVED
 * (events are ignored from now on), and wait for the work items, so that
 * no op is called once this returns.
 */
void vfcb_vf_mbx_stop(struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	vfcb_vf_end_inflight(vf, -ENODEV);
	vf->hello_active = false;
	vfcb_vfep_reset(&vf->ep);
	vfcb_vf_set_state(vf, VFCB_VFD_REMOVED);
	wake_up_all(&vf->inv_wq);
	spin_unlock_irqrestore(&vf->lock, flags);

	cancel_delayed_work_sync(&vf->hs_work);
	cancel_delayed_work_sync(&vf->retry_work);
}
