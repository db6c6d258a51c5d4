// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the request path.  One caller at a time owns the engine's
 * request slot (vf->req_mutex); every wait is bounded by timeout_ms.
 * Reads, writes and pings of include/vfcb_vf.h, and the same for the
 * character device.
 */
#include <linux/ktime.h>
#include <linux/module.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

/* Wait (bounded) for a pending handshake; returns the state's errno. */
static int vfcb_vf_wait_ready(struct vfcb_vf *vf)
{
	unsigned long tmo = msecs_to_jiffies(vfcb_vf_timeout_ms());
	long t;

	if (!vfcb_vf_settled(vf)) {
		t = wait_event_interruptible_timeout(vf->state_wq,
						     vfcb_vf_settled(vf), tmo);
		if (t < 0)
			return -EINTR;
	}
	return vfcb_vf_state_errno(vf);
}

/*
 * Run one request: wait for the handshake if pending, take the mailbox in
 * turn (req_mutex), submit, wait for the answer at most timeout_ms.  On
 * timeout or signal the request is aborted in the engine, so a late answer
 * is dropped by its tag.  A request ended by a PF reset (-EAGAIN) is sent
 * once more after the new handshake: reads and writes of a block are
 * idempotent, and the PF is likely back within timeout_ms.
 */
static int vfcb_vf_request(struct vfcb_vf *vf, struct vfcb_vf_wait *w)
{
	u32 id = vf->trace_id;
	ktime_t t0 = ktime_get();
	bool retry = false, retried = false;
	unsigned long tmo, flags;
	long left;
	int err;

	trace_vfcb_vf_req_start(id, w->req.opcode, w->req.block_id, w->req.len);

again:
	err = vfcb_vf_wait_ready(vf);
	if (err)
		goto out;
	if (mutex_lock_interruptible(&vf->req_mutex)) {
		err = -EINTR;
		goto out;
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

	tmo = msecs_to_jiffies(vfcb_vf_timeout_ms());
	left = wait_for_completion_interruptible_timeout(&w->done, tmo);

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
			 * The PF did not even take our message: it will not
			 * be overwritten (the engine keeps it outstanding),
			 * so the PF is lost, not slow: handshake again.
			 */
			if (vfcb_vfep_tx_pending(&vf->ep))
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
	retry = err == -EAGAIN && w->err == -EAGAIN && !retried;
	if (retry)
		vf->stats.retries++;
	spin_unlock_irqrestore(&vf->lock, flags);
unlock:
	mutex_unlock(&vf->req_mutex);
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
		    u32 *out_len)
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
	err = vfcb_vf_request(vf, &w);
	if (!err || err == -ERANGE)
		*out_len = w.req.out_len;
	return err;
}

int vfcb_vf_do_write(struct vfcb_vf *vf, u32 block_id, const void *buf,
		     u32 len)
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
	return vfcb_vf_request(vf, &w);
}

int vfcb_vf_read_block(struct vfcb_vf *vf, u32 block_id, void *buf,
		       size_t len, size_t *needed)
{
	u32 out = 0;
	int err;

	err = vfcb_vf_do_read(vf, block_id, buf,
			      min_t(size_t, len, VFCB_MAX_BLOCK_SIZE), &out);
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
	return vfcb_vf_do_write(vf, block_id, buf, len);
}
EXPORT_SYMBOL_GPL(vfcb_vf_write_block);

int vfcb_vf_ping(struct vfcb_vf *vf)
{
	struct vfcb_vf_wait w = {};

	w.req.opcode = VFCB_OP_PING;
	return vfcb_vf_request(vf, &w);
}
EXPORT_SYMBOL_GPL(vfcb_vf_ping);
