// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: driver of an Intel 82576 VF (8086:10ca) speaking the vfcb
 * protocol with vfcb_pf over the PF/VF mailbox: VF configuration blocks
 * (read, write) and invalidations, for other kernel drivers (include/vfcb_vf.h)
 * and for userspace (vfcb_vf_cdev.c).
 *
 * Handshake and PF resets
 * -----------------------
 * A PF reset sets RSTI on every VF and wipes their interrupt programming;
 * the PF's "reset done" (PFRSTD) clears RSTI and sets RSTD without any
 * interrupt.  So while the PF is not talking to us (state WAIT_PF, or
 * PF_GONE after it said it was going away) hs_work polls V2PMAILBOX with a
 * growing interval (10 ms to 1 s).  Once RSTI is clear and HELLO is allowed
 * (RSTD seen, or its hold-off expired: 1 s after a RESTART notification,
 * 10 s after GOING_AWAY, growing after each failed HELLO), the interrupt
 * registers are programmed again and HELLO is posted (state HELLO); hs_work
 * then acts as its timeout.  Its completion gives READY.
 *
 * Once READY everything is interrupt driven.  hs_work becomes a slow
 * watchdog (module parameter watchdog_ms, default 5 s, 0 disables it): one
 * register read that notices a PF reset that was not announced, which would
 * otherwise go unseen forever because that very reset disabled our
 * interrupts.  A PF_RESET notification, RSTI, or a fresh RSTD while READY
 * or in HELLO ends the request in flight and goes back to waiting.
 *
 * Interrupts: all three MSI-X vectors get the same threaded handler and the
 * mailbox cause is programmed on vector mbx_vector (1): QEMU raises it on
 * vector 0 (its off-by-one), silicon on vector 1.
 *
 * Binding: igbvf claims 8086:10ca too.  To give a VF to vfcb_vf:
 *   echo vfcb_vf > /sys/bus/pci/devices/<addr>/driver_override
 *   echo <addr> > /sys/bus/pci/devices/<addr>/driver/unbind   (if bound)
 *   echo <addr> > /sys/bus/pci/drivers_probe
 * or keep igbvf from loading ("blacklist igbvf" in modprobe.d).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vfcb_version.h"
#include "vfcb_vf_priv.h"

#define CREATE_TRACE_POINTS
#include "vfcb_vf_trace.h"

static unsigned int timeout_ms = 1000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Time a request waits for the PF's answer, and for a pending handshake, in ms (10..60000; default 1000)");

static unsigned int watchdog_ms = 5000;
module_param(watchdog_ms, uint, 0644);
MODULE_PARM_DESC(watchdog_ms,
		 "Once up, look for an unannounced PF reset every this many ms (0: never; default 5000)");

static unsigned int mbx_vector = 1;
module_param(mbx_vector, uint, 0444);
MODULE_PARM_DESC(mbx_vector,
		 "MSI-X vector the mailbox cause is programmed on (0..2; default 1); every vector is handled");

#define VFCB_VF_POLL_MIN_MS		10
#define VFCB_VF_POLL_MAX_MS		1000
#define VFCB_VF_RESTART_HOLD_MS		1000	/* HELLO without RSTD after */
#define VFCB_VF_GONE_HOLD_MS		10000
#define VFCB_VF_HELLO_BACKOFF_MIN_MS	100
#define VFCB_VF_HELLO_BACKOFF_MAX_MS	10000

static struct dentry *vfcb_vf_dbg_root;

/* Protects vfcb_vf_devices, the bound VFs that vfcb_vf_get() finds. */
static DEFINE_MUTEX(vfcb_vf_devices_lock);
static LIST_HEAD(vfcb_vf_devices);

static unsigned int vfcb_vf_timeout_ms(void)
{
	return clamp(READ_ONCE(timeout_ms), 10u, 60000u);
}

static unsigned int vfcb_vf_mbx_vector(void)
{
	return min(READ_ONCE(mbx_vector), VFCB_VF_NVEC - 1u);
}

/* ------------------------------------------------------- state --- */

static void vfcb_vf_set_state(struct vfcb_vf *vf, enum vfcb_vf_dstate to)
{
	trace_vfcb_vf_state(vf->hw.trace_id, vf->state, to, vf->hw.mbx_last);
	WRITE_ONCE(vf->state, to);
	wake_up_all(&vf->state_wq);
}

int vfcb_vf_state_errno(const struct vfcb_vf *vf)
{
	switch (READ_ONCE(vf->state)) {
	case VFCB_VFD_READY:
		return 0;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_HELLO:
		return -EAGAIN;
	default:
		return -ENODEV;
	}
}

static bool vfcb_vf_settled(const struct vfcb_vf *vf)
{
	enum vfcb_vf_dstate s = READ_ONCE(vf->state);

	return s != VFCB_VFD_WAIT_PF && s != VFCB_VFD_HELLO;
}

static void vfcb_vf_schedule(struct vfcb_vf *vf, unsigned int ms)
{
	mod_delayed_work(system_wq, &vf->hs_work, msecs_to_jiffies(ms));
}

/* Post what the engine has waiting; retry shortly if the mailbox is busy. */
static void vfcb_vf_kick(struct vfcb_vf *vf)
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
 * is allowed on RSTD or after @hold_ms.
 */
static void vfcb_vf_pf_lost(struct vfcb_vf *vf, enum vfcb_vf_dstate to,
			    int err, unsigned int hold_ms)
{
	vfcb_vfep_reset(&vf->ep);
	vfcb_vf_hw_mbx_take(&vf->hw, VFCB_MBX_PFACK);
	vf->hello_active = false;
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
	unsigned int wd;

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

	/* Again: a PF reset between our programming and now wiped it. */
	vfcb_vf_hw_irq_setup(&vf->hw, vfcb_vf_mbx_vector());
	vf->stats.handshakes++;
	vf->hello_backoff_ms = 0;
	vfcb_vf_set_state(vf, VFCB_VFD_READY);
	dev_info(dev, "handshake done: VF %u, serial %#010x, protocol version %u, max block %u bytes\n",
		 vf->ep.vf_index, vf->ep.serial, vf->ep.version,
		 vf->ep.max_block);

	wd = READ_ONCE(watchdog_ms);
	if (wd)
		vfcb_vf_schedule(vf, max(wd, 100u));
	else
		cancel_delayed_work(&vf->hs_work);
}

static void vfcb_vf_start_hello(struct vfcb_vf *vf)
{
	int err;

	vfcb_vf_hw_irq_setup(&vf->hw, vfcb_vf_mbx_vector());
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

/* ------------------------------------------------- invalidations --- */

static void vfcb_vf_deliver(struct vfcb_vf *vf, u64 mask)
{
	struct vfcb_vf_file *f;
	bool files = !list_empty(&vf->files);

	vf->stats.invalidations++;
	vf->stats.inv_bits += hweight64(mask);
	trace_vfcb_vf_invalidate(vf->hw.trace_id, mask);

	if (vf->nr_listeners) {
		vf->listener_mask |= mask;
		queue_work(system_wq, &vf->inv_work);
	}
	list_for_each_entry(f, &vf->files, node)
		f->mask |= mask;
	if (files)
		wake_up_interruptible_poll(&vf->inv_wq, EPOLLIN | EPOLLRDNORM);
	if (!vf->nr_listeners && !files)
		vf->unconsumed |= mask;
}

static void vfcb_vf_inv_work(struct work_struct *work)
{
	struct vfcb_vf *vf = container_of(work, struct vfcb_vf, inv_work);
	struct vfcb_vf_listener *l;
	u64 mask;

	mutex_lock(&vf->listener_mutex);
	spin_lock(&vf->lock);
	mask = vf->listener_mask;
	vf->listener_mask = 0;
	if (vf->state == VFCB_VFD_REMOVED) {
		mask = 0;
	} else if (mask && list_empty(&vf->listeners)) {
		/* Every listener left meanwhile: keep the bits. */
		if (list_empty(&vf->files))
			vf->unconsumed |= mask;
		mask = 0;
	}
	spin_unlock(&vf->lock);

	if (mask)
		list_for_each_entry(l, &vf->listeners, node)
			l->invalidate(l, mask);
	mutex_unlock(&vf->listener_mutex);
}

/* ------------------------------------------------------- mailbox --- */

static void vfcb_vf_events(struct vfcb_vf *vf, unsigned int ev, u64 mask)
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
 * Handle everything the mailbox reports: PF reset, our message acked, a
 * message from the PF; then post what waits.  Called with vf->lock held
 * from the IRQ thread, the work items and the request path.  Returns the
 * V2PMAILBOX bits (level bits as read, COR bits still pending).
 */
static u32 vfcb_vf_service(struct vfcb_vf *vf)
{
	struct device *dev = &vf->pdev->dev;
	unsigned int ev;
	u64 mask = 0;
	u32 mbx;

	if (vf->state == VFCB_VFD_REMOVED)
		return ~0u;

	mbx = vfcb_vf_hw_mbx_read(&vf->hw);
	if (mbx & VFCB_MBX_RSTI) {
		/* PF in reset (or device gone): the buffer means nothing. */
		vfcb_vf_hw_mbx_take(&vf->hw, VFCB_MBX_PFSTS | VFCB_MBX_PFACK);
		if (vf->state == VFCB_VFD_READY || vf->state == VFCB_VFD_HELLO) {
			dev_info(dev, "PF in reset, waiting for it\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		}
		return mbx;
	}

	if (vfcb_vf_hw_mbx_take(&vf->hw, VFCB_MBX_PFACK))
		vfcb_vfep_tx_acked(&vf->ep);

	if (vfcb_vf_hw_mbx_take(&vf->hw, VFCB_MBX_PFSTS)) {
		ev = vfcb_vfep_rx(&vf->ep, &mask);
		vfcb_vf_events(vf, ev, mask);
	}

	if (vfcb_vf_hw_mbx_take(&vf->hw, VFCB_MBX_RSTD)) {
		if (vf->state == VFCB_VFD_READY || vf->state == VFCB_VFD_HELLO) {
			dev_info(dev, "PF was reset, handshake again\n");
			vfcb_vf_pf_lost(vf, VFCB_VFD_WAIT_PF, -EAGAIN, 0);
		}
		vf->rstd_seen = true;
	}

	if (vf->state == VFCB_VFD_READY || vf->state == VFCB_VFD_HELLO)
		vfcb_vf_kick(vf);
	return mbx;
}

static irqreturn_t vfcb_vf_irq_thread(int irq, void *data)
{
	struct vfcb_vf *vf = data;

	spin_lock(&vf->lock);
	if (vf->state != VFCB_VFD_REMOVED) {
		vf->stats.irqs++;
		vfcb_vf_service(vf);
		vfcb_vf_hw_irq_rearm(&vf->hw);
	}
	spin_unlock(&vf->lock);
	return IRQ_HANDLED;
}

static void vfcb_vf_retry_work(struct work_struct *work)
{
	struct vfcb_vf *vf = container_of(to_delayed_work(work),
					  struct vfcb_vf, retry_work);

	spin_lock(&vf->lock);
	if (vf->state != VFCB_VFD_REMOVED) {
		vf->stats.reposts++;
		vfcb_vf_service(vf);
	}
	spin_unlock(&vf->lock);
}

static void vfcb_vf_hs_work(struct work_struct *work)
{
	struct vfcb_vf *vf = container_of(to_delayed_work(work),
					  struct vfcb_vf, hs_work);
	unsigned int wd;
	u32 mbx;

	spin_lock(&vf->lock);
	switch (vf->state) {
	case VFCB_VFD_READY:
		vf->stats.watchdog++;
		vfcb_vf_service(vf);
		wd = READ_ONCE(watchdog_ms);
		if (vf->state == VFCB_VFD_READY && wd)
			vfcb_vf_schedule(vf, max(wd, 100u));
		break;
	case VFCB_VFD_HELLO:
		/* HELLO timed out (its completion would have moved us on). */
		dev_dbg(&vf->pdev->dev, "no answer to HELLO\n");
		vfcb_vf_hello_failed(vf);
		break;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_PF_GONE:
		vf->stats.polls++;
		mbx = vfcb_vf_service(vf);
		if (vf->state != VFCB_VFD_WAIT_PF && vf->state != VFCB_VFD_PF_GONE)
			break;
		if (!(mbx & VFCB_MBX_RSTI) &&
		    (vf->rstd_seen || time_after_eq(jiffies, vf->hello_not_before))) {
			vfcb_vf_start_hello(vf);
			break;
		}
		vfcb_vf_schedule(vf, vf->poll_ms);
		vf->poll_ms = min(vf->poll_ms * 2, VFCB_VF_POLL_MAX_MS);
		break;
	case VFCB_VFD_REMOVED:
		break;
	}
	spin_unlock(&vf->lock);
}

/* ------------------------------------------------------ requests --- */

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
	u32 id = vf->hw.trace_id;
	ktime_t t0 = ktime_get();
	bool retry = false, retried = false;
	unsigned long tmo;
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
	spin_lock(&vf->lock);
	err = vfcb_vf_state_errno(vf);
	if (!err)
		err = vfcb_vfep_submit(&vf->ep, &w->req);
	if (!err) {
		vf->stats.requests++;
		vf->inflight = w;
		vfcb_vf_kick(vf);
	}
	spin_unlock(&vf->lock);
	if (err)
		goto unlock;

	tmo = msecs_to_jiffies(vfcb_vf_timeout_ms());
	left = wait_for_completion_interruptible_timeout(&w->done, tmo);

	spin_lock(&vf->lock);
	if (!w->finished) {
		if (vf->inflight == w) {
			vf->inflight = NULL;
			vfcb_vfep_abort(&vf->ep);
		}
		if (left == 0) {
			vf->stats.timeouts++;
			err = -ETIMEDOUT;
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
	spin_unlock(&vf->lock);
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

/* ------------------------------------------------ in-kernel API --- */

static void vfcb_vf_release(struct kref *kref)
{
	struct vfcb_vf *vf = container_of(kref, struct vfcb_vf, kref);

	mutex_destroy(&vf->req_mutex);
	mutex_destroy(&vf->listener_mutex);
	pci_dev_put(vf->pdev);
	kfree(vf);
}

void vfcb_vf_ref(struct vfcb_vf *vf)
{
	kref_get(&vf->kref);
}

struct vfcb_vf *vfcb_vf_get(struct pci_dev *pdev)
{
	struct vfcb_vf *vf, *found = ERR_PTR(-ENODEV);

	mutex_lock(&vfcb_vf_devices_lock);
	list_for_each_entry(vf, &vfcb_vf_devices, node) {
		if (vf->pdev == pdev) {
			kref_get(&vf->kref);
			found = vf;
			break;
		}
	}
	mutex_unlock(&vfcb_vf_devices_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfcb_vf_get);

void vfcb_vf_put(struct vfcb_vf *vf)
{
	if (!IS_ERR_OR_NULL(vf))
		kref_put(&vf->kref, vfcb_vf_release);
}
EXPORT_SYMBOL_GPL(vfcb_vf_put);

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

int vfcb_vf_register_listener(struct vfcb_vf *vf, struct vfcb_vf_listener *l)
{
	int err = 0;

	if (!l || !l->invalidate)
		return -EINVAL;

	mutex_lock(&vf->listener_mutex);
	spin_lock(&vf->lock);
	if (vf->state == VFCB_VFD_REMOVED) {
		err = -ENODEV;
	} else {
		list_add_tail(&l->node, &vf->listeners);
		vf->nr_listeners++;
		if (vf->unconsumed) {
			vf->listener_mask |= vf->unconsumed;
			vf->unconsumed = 0;
			queue_work(system_wq, &vf->inv_work);
		}
	}
	spin_unlock(&vf->lock);
	mutex_unlock(&vf->listener_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(vfcb_vf_register_listener);

void vfcb_vf_unregister_listener(struct vfcb_vf *vf,
				 struct vfcb_vf_listener *l)
{
	mutex_lock(&vf->listener_mutex);
	spin_lock(&vf->lock);
	/* A second unregister finds the node empty: nothing to undo. */
	if (!list_empty(&l->node)) {
		list_del_init(&l->node);
		vf->nr_listeners--;
	}
	spin_unlock(&vf->lock);
	mutex_unlock(&vf->listener_mutex);
}
EXPORT_SYMBOL_GPL(vfcb_vf_unregister_listener);

int vfcb_vf_info(struct vfcb_vf *vf, struct vfcb_vf_info *info)
{
	bool removed;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	spin_lock(&vf->lock);
	switch (vf->state) {
	case VFCB_VFD_READY:
		info->state = VFCB_VF_STATE_READY;
		break;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_HELLO:
		info->state = VFCB_VF_STATE_DOWN;
		break;
	default:
		info->state = VFCB_VF_STATE_GONE;
		break;
	}
	info->vf_index = vf->ep.vf_index;
	info->serial = vf->ep.serial;
	info->version = vf->ep.version;
	info->max_block_size = vf->ep.max_block;
	removed = vf->state == VFCB_VFD_REMOVED;
	spin_unlock(&vf->lock);
	return removed ? -ENODEV : 0;
}
EXPORT_SYMBOL_GPL(vfcb_vf_info);

/* ------------------------------------------------------- debugfs --- */

static const char * const vfcb_vf_state_names[] = {
	[VFCB_VFD_WAIT_PF]	= "wait_pf",
	[VFCB_VFD_HELLO]	= "hello",
	[VFCB_VFD_READY]	= "ready",
	[VFCB_VFD_PF_GONE]	= "pf_gone",
	[VFCB_VFD_REMOVED]	= "removed",
};

static int vfcb_vf_stats_show(struct seq_file *m, void *unused)
{
	struct vfcb_vf *vf = m->private;
	struct vfcb_ep_stats es;
	struct vfcb_vf_stats st;
	enum vfcb_vf_dstate state;
	u64 rd, wr, unconsumed;
	u32 mbx;
	u8 vfi, ver;
	u32 serial;

	spin_lock(&vf->lock);
	st = vf->stats;
	es = vf->ep.stats;
	state = vf->state;
	rd = vf->hw.mmio_reads;
	wr = vf->hw.mmio_writes;
	mbx = vf->hw.mbx_last;
	unconsumed = vf->unconsumed;
	vfi = vf->ep.vf_index;
	ver = vf->ep.version;
	serial = vf->ep.serial;
	spin_unlock(&vf->lock);

	seq_printf(m, "state: %s\n", vfcb_vf_state_names[state]);
	seq_printf(m, "vf_index: %u\nserial: %#010x\nversion: %u\n",
		   vfi, serial, ver);
	seq_printf(m, "mailbox_last: %#x\nunconsumed_mask: %#018llx\n",
		   mbx, unconsumed);
	seq_printf(m, "requests: %llu\ncompleted: %llu\nfailed: %llu\n",
		   st.requests, st.completed, st.failed);
	seq_printf(m, "timeouts: %llu\ninterrupted: %llu\nlost: %llu\n",
		   st.timeouts, st.interrupted, st.lost);
	seq_printf(m, "retries: %llu\nreposts: %llu\n", st.retries,
		   st.reposts);
	seq_printf(m, "invalidations: %llu\ninvalidated_bits: %llu\n",
		   st.invalidations, st.inv_bits);
	seq_printf(m, "irqs: %llu\nhandshakes: %llu\nhello_failures: %llu\n",
		   st.irqs, st.handshakes, st.hello_failures);
	seq_printf(m, "pf_resets: %llu\npolls: %llu\nwatchdog: %llu\n",
		   st.pf_resets, st.polls, st.watchdog);
	seq_printf(m, "mmio_reads: %llu\nmmio_writes: %llu\n", rd, wr);
	seq_printf(m, "engine_rx_msgs: %llu\nengine_tx_msgs: %llu\n",
		   es.rx_msgs, es.tx_msgs);
	seq_printf(m, "engine_rx_errors: %llu\nengine_rx_stale: %llu\n",
		   es.rx_errors, es.rx_stale);
	seq_printf(m, "engine_tx_deferred: %llu\nengine_requests: %llu\n",
		   es.tx_deferred, es.requests);
	seq_printf(m, "engine_invalidations: %llu\nengine_resets: %llu\n",
		   es.invalidations, es.resets);
	seq_printf(m, "engine_last_error: %s\n",
		   vfcb_err_name(es.last_error));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_vf_stats);

/* ------------------------------------------------------ PCI glue --- */

static void vfcb_vf_free_irqs(struct vfcb_vf *vf)
{
	while (vf->nvec > 0)
		pci_free_irq(vf->pdev, --vf->nvec, vf);
}

static int vfcb_vf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfcb_transport tr = { .ops = &vfcb_vf_hw_transport_ops };
	struct device *dev = &pdev->dev;
	struct vfcb_vf *vf;
	int err, i;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	kref_init(&vf->kref);
	INIT_LIST_HEAD(&vf->node);
	vf->pdev = pci_dev_get(pdev);
	strscpy(vf->name, pci_name(pdev), sizeof(vf->name));
	snprintf(vf->devname, sizeof(vf->devname), "vfcb-vf-%s", vf->name);
	spin_lock_init(&vf->lock);
	mutex_init(&vf->req_mutex);
	mutex_init(&vf->listener_mutex);
	INIT_LIST_HEAD(&vf->listeners);
	INIT_LIST_HEAD(&vf->files);
	init_waitqueue_head(&vf->state_wq);
	init_waitqueue_head(&vf->inv_wq);
	INIT_DELAYED_WORK(&vf->hs_work, vfcb_vf_hs_work);
	INIT_DELAYED_WORK(&vf->retry_work, vfcb_vf_retry_work);
	INIT_WORK(&vf->inv_work, vfcb_vf_inv_work);
	vf->state = VFCB_VFD_WAIT_PF;
	vf->wait_state = VFCB_VFD_WAIT_PF;
	vf->poll_ms = VFCB_VF_POLL_MIN_MS;

	err = pci_enable_device(pdev);
	if (err)
		goto err_put;
	err = pci_request_regions(pdev, KBUILD_MODNAME);
	if (err)
		goto err_disable;
	vf->regs = pci_iomap(pdev, 0, 0);
	if (!vf->regs) {
		err = -ENOMEM;
		goto err_regions;
	}
	/* The VF's MSI-X messages are memory writes. */
	pci_set_master(pdev);

	vfcb_vf_hw_init(&vf->hw, vf->regs,
			(u32)pci_domain_nr(pdev->bus) << 16 | pci_dev_id(pdev));
	tr.ctx = &vf->hw;
	vfcb_vfep_init(&vf->ep, &tr, VFCB_PROTO_VERSIONS);

	err = pci_alloc_irq_vectors(pdev, VFCB_VF_NVEC, VFCB_VF_NVEC,
				    PCI_IRQ_MSIX);
	if (err < 0) {
		dev_err(dev, "cannot get %u MSI-X vectors: %d\n",
			VFCB_VF_NVEC, err);
		goto err_unmap;
	}
	for (i = 0; i < VFCB_VF_NVEC; i++) {
		err = pci_request_irq(pdev, i, NULL, vfcb_vf_irq_thread, vf,
				      "vfcb-vf-%s-%d", vf->name, i);
		if (err) {
			dev_err(dev, "cannot request MSI-X vector %d: %d\n",
				i, err);
			goto err_irqs;
		}
		vf->nvec++;
	}

	vf->dbg = debugfs_create_dir(vf->name, vfcb_vf_dbg_root);
	debugfs_create_file("stats", 0444, vf->dbg, vf, &vfcb_vf_stats_fops);

	err = vfcb_vf_cdev_add(vf);
	if (err)
		goto err_debugfs;

	pci_set_drvdata(pdev, vf);
	mutex_lock(&vfcb_vf_devices_lock);
	list_add_tail(&vf->node, &vfcb_vf_devices);
	mutex_unlock(&vfcb_vf_devices_lock);

	/*
	 * Start clean: a VF reset makes the PF drop what a previous driver
	 * instance left in flight (and keep the invalidations it had not
	 * acked), then handshake from the poll.
	 */
	spin_lock(&vf->lock);
	vfcb_vf_hw_reset(&vf->hw);
	vf->hello_not_before = jiffies;
	vfcb_vf_schedule(vf, VFCB_VF_POLL_MIN_MS);
	spin_unlock(&vf->lock);
	return 0;

err_debugfs:
	debugfs_remove_recursive(vf->dbg);
err_irqs:
	vfcb_vf_free_irqs(vf);
	pci_free_irq_vectors(pdev);
err_unmap:
	vfcb_vf_hw_detach(&vf->hw);
	pci_clear_master(pdev);
	pci_iounmap(pdev, vf->regs);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put:
	vfcb_vf_put(vf);
	return err;
}

static void vfcb_vf_remove(struct pci_dev *pdev)
{
	struct vfcb_vf *vf = pci_get_drvdata(pdev);

	mutex_lock(&vfcb_vf_devices_lock);
	list_del_init(&vf->node);
	mutex_unlock(&vfcb_vf_devices_lock);

	/* No new opens; open files now fail with -ENODEV. */
	vfcb_vf_cdev_del(vf);

	spin_lock(&vf->lock);
	vfcb_vf_hw_irq_disable(&vf->hw);
	vfcb_vf_end_inflight(vf, -ENODEV);
	vf->hello_active = false;
	vfcb_vfep_reset(&vf->ep);
	vfcb_vf_set_state(vf, VFCB_VFD_REMOVED);
	wake_up_all(&vf->inv_wq);
	spin_unlock(&vf->lock);

	vfcb_vf_free_irqs(vf);
	cancel_delayed_work_sync(&vf->hs_work);
	cancel_delayed_work_sync(&vf->retry_work);
	cancel_work_sync(&vf->inv_work);

	spin_lock(&vf->lock);
	/* A VF reset tells the PF (VFLRE) that this VF left. */
	vfcb_vf_hw_reset(&vf->hw);
	vfcb_vf_hw_detach(&vf->hw);
	spin_unlock(&vf->lock);

	debugfs_remove_recursive(vf->dbg);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
	pci_iounmap(pdev, vf->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	dev_info(&pdev->dev, "unbound\n");
	vfcb_vf_put(vf);
}

static const struct pci_device_id vfcb_vf_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x10ca) },	/* 82576 Virtual Function */
	{ }
};
MODULE_DEVICE_TABLE(pci, vfcb_vf_ids);

static struct pci_driver vfcb_vf_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfcb_vf_ids,
	.probe = vfcb_vf_probe,
	.remove = vfcb_vf_remove,
};

static int __init vfcb_vf_init(void)
{
	int err;

	vfcb_vf_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	err = pci_register_driver(&vfcb_vf_driver);
	if (err)
		debugfs_remove_recursive(vfcb_vf_dbg_root);
	return err;
}
module_init(vfcb_vf_init);

static void __exit vfcb_vf_exit(void)
{
	pci_unregister_driver(&vfcb_vf_driver);
	debugfs_remove_recursive(vfcb_vf_dbg_root);
}
module_exit(vfcb_vf_exit);

MODULE_DESCRIPTION("vfcb: SR-IOV VF configuration blocks, 82576 VF driver");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
