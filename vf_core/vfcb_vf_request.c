// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the request path.  One caller at a time owns the engine's
 * request slot (vf->req_busy); every call is bounded by one deadline,
 * timeout_ms from its start.
 * Reads, writes and pings of include/vfcb_vf.h, and the same for the
 * character device.
 */
#include <linux/ktime.h>
#include <linux/module.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

/*
 * Enter the request slot: the handshake is not pending and nobody else owns
 * the engine's request.  A caller that may not block also needs the
 * mailbox free: a message of an earlier request (ended by a timeout or a
 * signal) not yet acked holds ours back, for up to timeout_ms.  vf->lock
 * taken here; true if entered.
 */
static bool vfcb_vf_try_enter(struct vfcb_vf *vf, unsigned int how)
{
	unsigned long flags;
	bool in = false;

	spin_lock_irqsave(&vf->lock, flags);
	if (vfcb_vf_settled(vf) && !vf->req_busy &&
	    (!(how & VFCB_VF_WAIT_NONBLOCK) || !vfcb_vfep_tx_pending(&vf->ep))) {
		vf->req_busy = true;
		in = true;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	return in;
}

static void vfcb_vf_leave(struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	vf->req_busy = false;
	spin_unlock_irqrestore(&vf->lock, flags);
	wake_up_all(&vf->state_wq);
}

static long vfcb_vf_left(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	return left > 0 ? left : 0;
}

/*
 * Wait until the request slot is ours, at most until @deadline.  Returns 0,
 * -EAGAIN (non-blocking, or the handshake still pending at the deadline),
 * -ETIMEDOUT (other requests held the slot), or -EINTR.
 */
static int vfcb_vf_enter(struct vfcb_vf *vf, unsigned long deadline,
			 unsigned int how)
{
	long t;

	if (vfcb_vf_try_enter(vf, how))
		return 0;
	if (how & VFCB_VF_WAIT_NONBLOCK)
		return -EAGAIN;
	if (how & VFCB_VF_WAIT_USER)
		t = wait_event_interruptible_timeout(vf->state_wq,
						     vfcb_vf_try_enter(vf, how),
						     vfcb_vf_left(deadline));
	else
		t = wait_event_killable_timeout(vf->state_wq,
						vfcb_vf_try_enter(vf, how),
						vfcb_vf_left(deadline));
	if (t < 0)
		return -EINTR;
	if (t > 0)
		return 0;
	return vfcb_vf_settled(vf) ? -ETIMEDOUT : -EAGAIN;
}

static long vfcb_vf_wait_done(struct vfcb_vf_wait *w, unsigned long deadline,
			      unsigned int how)
{
	if (how & VFCB_VF_WAIT_USER)
		return wait_for_completion_interruptible_timeout(&w->done,
							vfcb_vf_left(deadline));
	return wait_for_completion_killable_timeout(&w->done,
						    vfcb_vf_left(deadline));
}

/*
 * Run one request within one deadline, timeout_ms from the call: waiting
 * for a pending handshake, for the requests ahead of it, for the answer
 * and a retry all count.  On timeout or signal the request is aborted in
 * the engine, so a late answer is dropped by its tag.  A request ended by
 * a PF reset (-EAGAIN) is sent once more after the new handshake if time
 * is left: reads and writes of a block are idempotent.  In-kernel callers
 * (@how 0) wait killable: the freezer's fake signal does not fail them.
 */
static int vfcb_vf_request(struct vfcb_vf *vf, struct vfcb_vf_wait *w,
			   unsigned int how)
{
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(vfcb_vf_timeout_ms());
	u32 id = vf->trace_id;
	ktime_t t0 = ktime_get();
	bool retry = false, retried = false;
	unsigned long flags;
	long left;
	int err;

	trace_vfcb_vf_req_start(id, w->req.opcode, w->req.block_id, w->req.len);

again:
	err = vfcb_vf_enter(vf, deadline, how);
	if (err)
		goto out;
	/* Entered with no time left: a request posted now could not wait. */
	if (!vfcb_vf_left(deadline)) {
		spin_lock_irqsave(&vf->lock, flags);
		vf->stats.timeouts++;
		spin_unlock_irqrestore(&vf->lock, flags);
		err = -ETIMEDOUT;
		goto unlock;
	}

	init_completion(&w->done);
	w->finished = false;
	w->err = 0;
	spin_lock_irqsave(&vf->lock, flags);
	err = vfcb_vf_state_errno(vf);
	if (!err)
		err = vfcb_vfep_submit(&vf->ep, &w->req);
	if (!err) {
		vf->stats.requests++;
		vf->inflight = w;
		vfcb_vf_kick(vf);
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	if (err)
		goto unlock;

	left = vfcb_vf_wait_done(w, deadline, how);

	spin_lock_irqsave(&vf->lock, flags);
	if (!w->finished) {
		if (vf->inflight == w) {
			vf->inflight = NULL;
			vfcb_vfep_abort(&vf->ep);
		}
		if (left == 0) {
			vf->stats.timeouts++;
			err = -ETIMEDOUT;
			/*
			 * The PF did not take our message in a whole
			 * timeout_ms: it will not be overwritten (the engine
			 * keeps it outstanding), so the PF is lost, not slow:
			 * handshake again.  Posted later (behind another
			 * caller's message, or late in this call's deadline),
			 * it keeps waiting for the next request.
			 */
			if (vfcb_vfep_tx_pending(&vf->ep) &&
			    time_after_eq(jiffies, vf->tx_posted +
					  msecs_to_jiffies(vfcb_vf_timeout_ms())))
				vfcb_vf_mbx_pf_silent(vf);
		} else {
			vf->stats.interrupted++;
			err = -EINTR;
		}
	} else if (w->err) {
		err = w->err;
	} else if (w->req.status == VFCB_ST_BUF_TOO_SMALL) {
		err = -ERANGE;
	} else if (w->req.status != VFCB_ST_OK) {
		vf->stats.failed++;
		err = vfcb_status_to_errno(w->req.status);
	}
	retry = err == -EAGAIN && w->err == -EAGAIN && !retried &&
		vfcb_vf_left(deadline);
	if (retry)
		vf->stats.retries++;
	spin_unlock_irqrestore(&vf->lock, flags);
	/*
	 * No answer and no device: removed under us, or its PF resetting.
	 * Said -ENODEV once the core counts it removed (gone_ms absent).
	 */
	if (err == -ETIMEDOUT && !pci_device_is_present(vf->pdev)) {
		vfcb_vf_surprise_removed(vf);
		if (READ_ONCE(vf->state) == VFCB_VFD_REMOVED)
			err = -ENODEV;
	}
unlock:
	vfcb_vf_leave(vf);
	if (retry) {
		retried = true;
		retry = false;
		goto again;
	}
out:
	trace_vfcb_vf_req_done(id, w->req.opcode, w->req.block_id, err,
			       w->req.out_len,
			       (unsigned int)ktime_us_delta(ktime_get(), t0));
	return err;
}

int vfcb_vf_do_read(struct vfcb_vf *vf, u32 block_id, void *buf, u32 len,
		    u32 *out_len, unsigned int how)
{
	struct vfcb_vf_wait w = {};
	int err;

	*out_len = 0;
	if (!buf || !len)
		return -EINVAL;
	w.req.opcode = VFCB_OP_READ;
	w.req.block_id = block_id;
	w.req.len = min_t(u32, len, VFCB_MAX_BLOCK_SIZE);
	w.req.rbuf = buf;
	err = vfcb_vf_request(vf, &w, how);
	if (!err || err == -ERANGE)
		*out_len = w.req.out_len;
	return err;
}

int vfcb_vf_do_write(struct vfcb_vf *vf, u32 block_id, const void *buf,
		     u32 len, unsigned int how)
{
	struct vfcb_vf_wait w = {};

	if (len > VFCB_MAX_BLOCK_SIZE)
		return -EMSGSIZE;
	if (len && !buf)
		return -EINVAL;
	w.req.opcode = VFCB_OP_WRITE;
	w.req.block_id = block_id;
	w.req.len = len;
	w.req.wdata = buf;
	return vfcb_vf_request(vf, &w, how);
}

int vfcb_vf_read_block(struct vfcb_vf *vf, u32 block_id, void *buf,
		       size_t len, size_t *needed)
{
	u32 out = 0;
	int err;

	err = vfcb_vf_do_read(vf, block_id, buf,
			      min_t(size_t, len, VFCB_MAX_BLOCK_SIZE), &out, 0);
	if (needed)
		*needed = out;
	return err ? err : (int)out;
}
EXPORT_SYMBOL_GPL(vfcb_vf_read_block);

int vfcb_vf_write_block(struct vfcb_vf *vf, u32 block_id, const void *buf,
			size_t len)
{
	if (len > VFCB_MAX_BLOCK_SIZE)
		return -EMSGSIZE;
	return vfcb_vf_do_write(vf, block_id, buf, len, 0);
}
EXPORT_SYMBOL_GPL(vfcb_vf_write_block);

int vfcb_vf_do_ping(struct vfcb_vf *vf, unsigned int how)
{
	struct vfcb_vf_wait w = {};

	w.req.opcode = VFCB_OP_PING;
	return vfcb_vf_request(vf, &w, how);
}

int vfcb_vf_ping(struct vfcb_vf *vf)
{
	return vfcb_vf_do_ping(vf, 0);
}
EXPORT_SYMBOL_GPL(vfcb_vf_ping);
