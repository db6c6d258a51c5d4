// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: host driver of an Intel 82576 PF (QEMU -device igb) that serves
 * the VFs' configuration blocks over the PF/VF mailbox.
 *
 * It replaces igb on that PF (no network data path).  To rebind a PF:
 *
 *   echo 0000:01:00.0 > /sys/bus/pci/drivers/igb/unbind
 *   echo vfcb_pf > /sys/bus/pci/devices/0000:01:00.0/driver_override
 *   echo 0000:01:00.0 > /sys/bus/pci/drivers_probe
 *   echo 3 > /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs
 *
 * (and "echo > .../driver_override" then drivers_probe to give it back).
 *
 * The mailbox is served by a threaded MSI-X interrupt.  Each pass takes a
 * snapshot of the causes, then for every VF: VF reset, the VF's message
 * (read before anything is posted: the buffer is shared), the VF's ack of
 * our last message, then whatever waits to be posted.  Requests are served
 * from the block store outside the VF's spinlock.  A VF is untrusted: each
 * pass handles at most one message per VF, a flooding VF is throttled by
 * leaving its message unread (the hardware then stops it from sending
 * more), and the others keep being served.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "vfcb_pf_core.h"
#include "vfcb_version.h"

#define CREATE_TRACE_POINTS
#include "vfcb_pf_trace.h"

static unsigned int flood_msgs = 8192;
module_param(flood_msgs, uint, 0644);
MODULE_PARM_DESC(flood_msgs,
		 "Messages a VF may send per flood window before it is throttled (default 8192)");

static unsigned int flood_errors = 64;
module_param(flood_errors, uint, 0644);
MODULE_PARM_DESC(flood_errors,
		 "Bad messages a VF may send per flood window before it is throttled (default 64)");

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
		 "How long SR-IOV disable waits for the VFs to ack the PF's going away, in ms (default 1000)");

/* Posting retried every 2 ms, for at most 250 tries (0.5 s) in a row. */
#define VFCB_PF_RETRY_MS	2
#define VFCB_PF_RETRY_MAX	250

static LIST_HEAD(vfcb_pf_list);
static DEFINE_MUTEX(vfcb_pf_list_lock);	/* protects vfcb_pf_list */

/* ------------------------------------------------------------ events --- */

/* Queue a VF event to every open file and to the kernel listeners. */
void vfcb_pf_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
			u32 block_id, u32 len)
{
	struct vfcb_pf_event ev = {
		.type = type, .vf = vf, .block_id = block_id, .len = len,
	};
	unsigned long flags;
	bool work = false;

	spin_lock_irqsave(&pf->ev_lock, flags);
	vfcb_pf_cdev_queue_event(pf, &ev);
	if (rcu_access_pointer(pf->ntf_chain.head)) {
		if (pf->ntf_count < VFCB_PF_EVQ_LEN) {
			pf->ntf_ring[(pf->ntf_head + pf->ntf_count) %
				     VFCB_PF_EVQ_LEN] = ev;
			pf->ntf_count++;
			work = true;
		} else {
			pf->stats.events_dropped++;
		}
	}
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	wake_up_interruptible(&pf->ev_wq);
	if (work)
		schedule_work(&pf->ntf_work);
}

static void vfcb_pf_ntf_work(struct work_struct *work)
{
	struct vfcb_pf *pf = container_of(work, struct vfcb_pf, ntf_work);
	struct vfcb_pf_event ev;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&pf->ev_lock, flags);
		if (!pf->ntf_count) {
			spin_unlock_irqrestore(&pf->ev_lock, flags);
			return;
		}
		ev = pf->ntf_ring[pf->ntf_head];
		pf->ntf_head = (pf->ntf_head + 1) % VFCB_PF_EVQ_LEN;
		pf->ntf_count--;
		spin_unlock_irqrestore(&pf->ev_lock, flags);
		blocking_notifier_call_chain(&pf->ntf_chain, ev.type, &ev);
	}
}

/* ----------------------------------------------------- mailbox service --- */

static bool vfcb_pf_throttled(struct vfcb_pf_vf *vf)
{
	if (vf->throttled && time_before(jiffies, vf->throttle_until))
		return true;
	vf->throttled = false;
	return false;
}

/* Count a received message; throttle the VF if it floods. */
static void vfcb_pf_flood_account(struct vfcb_pf_vf *vf, bool bad)
{
	unsigned long now = jiffies;

	if (time_after(now, vf->win_start +
			    msecs_to_jiffies(READ_ONCE(flood_window_ms)))) {
		vf->win_start = now;
		vf->win_msgs = 0;
		vf->win_errs = 0;
	}
	vf->win_msgs++;
	if (bad)
		vf->win_errs++;
	if (vf->win_msgs <= READ_ONCE(flood_msgs) &&
	    vf->win_errs <= READ_ONCE(flood_errors))
		return;

	vf->throttled = true;
	vf->throttle_until = now + msecs_to_jiffies(READ_ONCE(throttle_ms));
	vf->stats.throttle_events++;
	trace_vfcb_pf_vf_event(vf->pf->pdev, vf->index, VFCB_PF_TR_THROTTLED,
			       vf->win_errs);
	dev_warn_ratelimited(&vf->pf->pdev->dev,
			     "VF %u floods the mailbox (%u messages, %u bad in %u ms): not served for %u ms\n",
			     vf->index, vf->win_msgs, vf->win_errs,
			     flood_window_ms, throttle_ms);
	vf->win_start = now;
	vf->win_msgs = 0;
	vf->win_errs = 0;
}

/* Serve a complete request from the VF's own block store. */
static void vfcb_pf_serve(struct vfcb_pf_vf *vf)
{
	struct vfcb_pf_req *req = &vf->req;
	u8 buf[VFCB_MAX_BLOCK_SIZE];
	u32 len = 0;
	u8 st;

	switch (req->opcode) {
	case VFCB_OP_READ:
		st = vfcb_pf_blocks_vf_read(&vf->blocks, req->block_id, buf,
					    min_t(u32, req->len, sizeof(buf)),
					    &len);
		vf->stats.reads_served++;
		break;
	case VFCB_OP_WRITE:
		st = vfcb_pf_blocks_vf_write(&vf->blocks, req->block_id,
					     req->data, req->len);
		vf->stats.writes_served++;
		if (st == VFCB_ST_OK)
			vfcb_pf_emit_event(vf->pf, VFCB_PF_EV_VF_WRITE,
					   vf->index, req->block_id, req->len);
		break;
	case VFCB_OP_PING:
		st = VFCB_ST_OK;
		vf->stats.pings_served++;
		break;
	default:
		st = VFCB_ST_UNSUPPORTED;
		break;
	}

	spin_lock(&vf->lock);
	vfcb_pfep_complete(&vf->ep, req, st, buf, len);
	spin_unlock(&vf->lock);
}

/* The VF's message waits in the mailbox: take it, unless policed. */
static void vfcb_pf_vf_rx(struct vfcb_pf_vf *vf)
{
	struct vfcb_pf *pf = vf->pf;
	enum vfcb_pf_rx_result res;
	u32 err;

	if (vfcb_pf_throttled(vf)) {
		/* Left unread: the VF cannot send more until we ack. */
		if (!vf->deferred) {
			vf->deferred = true;
			vf->stats.throttled_msgs++;
		}
		return;
	}
	vf->deferred = false;

	if (READ_ONCE(vf->mute)) {
		spin_lock(&vf->lock);
		vfcb_pf_hw_ack(&vf->hw);
		spin_unlock(&vf->lock);
		vf->stats.muted_msgs++;
		trace_vfcb_pf_vf_event(pf->pdev, vf->index, VFCB_PF_TR_MUTED, 0);
		vfcb_pf_flood_account(vf, false);
		return;
	}

	spin_lock(&vf->lock);
	res = vfcb_pfep_rx(&vf->ep, &vf->req);
	/* The engine always consumes (acks) the message it reads. */
	vf->hw.unread = false;
	err = vf->ep.stats.last_error;
	spin_unlock(&vf->lock);

	vfcb_pf_flood_account(vf, res == VFCB_PF_RX_ERROR);

	switch (res) {
	case VFCB_PF_RX_REQUEST:
		vfcb_pf_serve(vf);
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

/* The VF was reset (FLR, VF CTRL.RST): forget in-flight state only. */
static void vfcb_pf_vf_reset(struct vfcb_pf_vf *vf, bool new_msg)
{
	bool released;

	spin_lock(&vf->lock);
	vfcb_pfep_vf_reset(&vf->ep);
	released = vfcb_pf_hw_release_vf_lock(&vf->hw);
	/* A message from before the reset is void; one after it is not. */
	if (!new_msg)
		vf->hw.unread = false;
	spin_unlock(&vf->lock);

	vf->stats.vf_resets++;
	/* A VF resetting itself in a loop is flooding too. */
	vfcb_pf_flood_account(vf, false);
	if (released)
		vf->stats.lock_releases++;
	vf->kick_tries = 0;
	trace_vfcb_pf_vf_event(vf->pf->pdev, vf->index, VFCB_PF_TR_VF_RESET,
			       released);
	vfcb_pf_emit_event(vf->pf, VFCB_PF_EV_VF_RESET, vf->index, 0, 0);
}

/*
 * One pass over every VF.  Returns the delay in jiffies after which the
 * retry work should run again, or 0 if nothing needs it.
 */
static unsigned long vfcb_pf_service_vfs(struct vfcb_pf *pf, bool from_hw)
{
	unsigned long delay = 0, now = jiffies;
	u32 mbv = 0, vflre = 0;
	unsigned int i;

	if (from_hw) {
		/* VF resets first: a stuck lock goes before the snapshot. */
		vflre = vfcb_pf_hw_read_vflre(&pf->hw);
		if (vflre)
			vfcb_pf_hw_clear_vflre(&pf->hw, vflre);
	}
	mbv = vfcb_pf_hw_read_mbvficr(&pf->hw);
	/* Mark unread messages before clearing their VFREQ bit (see post). */
	for (i = 0; i < pf->num_active; i++) {
		if (!(mbv & VFCB_HW_MBVFICR_VFREQ(i)))
			continue;
		spin_lock(&pf->vfs[i].lock);
		pf->vfs[i].hw.unread = true;
		spin_unlock(&pf->vfs[i].lock);
	}
	if (mbv)
		vfcb_pf_hw_clear_mbvficr(&pf->hw, mbv);

	for (i = 0; i < pf->num_active; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];
		bool unread, more;

		if (vflre & BIT(i))
			vfcb_pf_vf_reset(vf, mbv & VFCB_HW_MBVFICR_VFREQ(i));

		spin_lock(&vf->lock);
		unread = vf->hw.unread;
		spin_unlock(&vf->lock);
		if (unread)
			vfcb_pf_vf_rx(vf);

		spin_lock(&vf->lock);
		if (mbv & VFCB_HW_MBVFICR_VFACK(i))
			vfcb_pfep_tx_acked(&vf->ep);
		more = vfcb_pfep_kick(&vf->ep);
		unread = vf->hw.unread;
		spin_unlock(&vf->lock);

		if (mbv & (VFCB_HW_MBVFICR_VFREQ(i) | VFCB_HW_MBVFICR_VFACK(i)))
			vf->kick_tries = 0;	/* the VF is alive: try again */
		if (unread) {
			/*
			 * Only a throttled VF's message stays unread; posting
			 * waits for it, and the end of the throttle for that.
			 */
			unsigned long left = time_after(vf->throttle_until, now) ?
					     vf->throttle_until - now + 1 : 1;

			if (!delay || left < delay)
				delay = left;
		} else if (!more) {
			vf->kick_tries = 0;
		} else if (vf->kick_tries < VFCB_PF_RETRY_MAX) {
			vf->kick_tries++;
			vf->stats.kick_retries++;
			delay = msecs_to_jiffies(VFCB_PF_RETRY_MS) ?: 1;
		} else if (vf->kick_tries == VFCB_PF_RETRY_MAX) {
			/* The VF holds its lock: its next event brings it back. */
			vf->kick_tries++;
			vf->stats.kick_giveups++;
		}
	}
	return delay;
}

/*
 * A service pass.  From the interrupt (@from_hw): also take the VF resets
 * and the cause register, and unmask the vector when done.
 */
static void vfcb_pf_service(struct vfcb_pf *pf, bool from_hw)
{
	unsigned long delay;

	mutex_lock(&pf->svc_lock);
	if (from_hw) {
		pf->stats.irqs++;
		vfcb_pf_hw_read_icr(&pf->hw);
	} else {
		pf->stats.retry_runs++;
	}
	pf->stats.service_passes++;
	delay = pf->num_active ? vfcb_pf_service_vfs(pf, from_hw) : 0;
	if (delay)
		mod_delayed_work(system_wq, &pf->retry_work, delay);
	if (from_hw)
		vfcb_pf_hw_irq_enable(&pf->hw, pf->vector);
	mutex_unlock(&pf->svc_lock);
	wake_up(&pf->idle_wq);
}

static void vfcb_pf_retry_work(struct work_struct *work)
{
	struct vfcb_pf *pf = container_of(to_delayed_work(work),
					  struct vfcb_pf, retry_work);

	/* VFLRE is left to the interrupt, which always comes with it. */
	vfcb_pf_service(pf, false);
}

static irqreturn_t vfcb_pf_irq_thread(int irq, void *data)
{
	vfcb_pf_service(data, true);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------- SR-IOV --- */

static void vfcb_pf_vf_setup(struct vfcb_pf *pf, unsigned int i)
{
	struct vfcb_pf_vf *vf = &pf->vfs[i];
	struct vfcb_transport tr = { .ops = &vfcb_pf_hw_tr_ops, .ctx = &vf->hw };

	memset(&vf->stats, 0, sizeof(vf->stats));
	vf->mute = false;
	vf->wait_idle = false;
	vf->throttled = false;
	vf->deferred = false;
	vf->win_start = jiffies;
	vf->win_msgs = 0;
	vf->win_errs = 0;
	vf->kick_tries = 0;
	vfcb_pf_hw_vf_init(&vf->hw, &pf->hw, i);
	vfcb_pfep_init(&vf->ep, &tr, i, pf->serial_base + i);
	vfcb_pf_blocks_init(&vf->blocks);
}

static bool vfcb_pf_all_idle(struct vfcb_pf *pf, unsigned int n)
{
	unsigned int i;
	bool idle = true;

	for (i = 0; i < n && idle; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];

		if (!vf->wait_idle)
			continue;
		spin_lock(&vf->lock);
		idle = vfcb_pfep_idle(&vf->ep);
		spin_unlock(&vf->lock);
	}
	return idle;
}

/* Tell every VF the PF is going away, give them a bounded time to ack. */
static void vfcb_pf_notify_going_away(struct vfcb_pf *pf, unsigned int n)
{
	unsigned int i, waiting = 0;

	for (i = 0; i < n; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];

		spin_lock(&vf->lock);
		vf->wait_idle = vf->ep.ready;
		vfcb_pfep_notify_reset(&vf->ep, VFCB_RESET_GOING_AWAY);
		spin_unlock(&vf->lock);
		waiting += vf->wait_idle;
		trace_vfcb_pf_vf_event(pf->pdev, i, VFCB_PF_TR_GOING_AWAY,
				       vf->wait_idle);
	}
	/* A VF holding its lock gets its notice from the retry work. */
	mutex_lock(&pf->svc_lock);
	mod_delayed_work(system_wq, &pf->retry_work, 0);
	mutex_unlock(&pf->svc_lock);

	if (waiting &&
	    !wait_event_timeout(pf->idle_wq, vfcb_pf_all_idle(pf, n),
				msecs_to_jiffies(teardown_ms)))
		pci_warn(pf->pdev,
			 "not every VF acknowledged the PF going away within %u ms\n",
			 teardown_ms);
}

/* Called with cfg_lock held. */
static void vfcb_pf_sriov_disable(struct vfcb_pf *pf)
{
	unsigned int i, n = pf->num_vfs;

	lockdep_assert_held(&pf->cfg_lock);
	if (!n)
		return;

	pf->going_away = true;
	vfcb_pf_notify_going_away(pf, n);
	if (pci_vfs_assigned(pf->pdev))
		pci_warn(pf->pdev, "disabling VFs still assigned to guests\n");
	pci_disable_sriov(pf->pdev);

	mutex_lock(&pf->svc_lock);
	pf->num_active = 0;
	mutex_unlock(&pf->svc_lock);
	cancel_delayed_work_sync(&pf->retry_work);

	for (i = 0; i < n; i++) {
		vfcb_pf_debugfs_vf_exit(&pf->vfs[i]);
		vfcb_pf_blocks_destroy(&pf->vfs[i].blocks);
	}
	pf->num_vfs = 0;
	pf->going_away = false;
	pci_info(pf->pdev, "SR-IOV disabled\n");
}

/* Called with cfg_lock held. */
static int vfcb_pf_sriov_enable(struct vfcb_pf *pf, unsigned int n)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&pf->cfg_lock);
	for (i = 0; i < n; i++)
		vfcb_pf_vf_setup(pf, i);

	mutex_lock(&pf->svc_lock);
	vfcb_pf_hw_clear_vf_causes(&pf->hw);
	pf->num_active = n;
	mutex_unlock(&pf->svc_lock);

	ret = pci_enable_sriov(pf->pdev, n);
	if (ret) {
		pci_err(pf->pdev, "enabling %u VFs failed: %d\n", n, ret);
		mutex_lock(&pf->svc_lock);
		pf->num_active = 0;
		mutex_unlock(&pf->svc_lock);
		cancel_delayed_work_sync(&pf->retry_work);
		for (i = 0; i < n; i++)
			vfcb_pf_blocks_destroy(&pf->vfs[i].blocks);
		return ret;
	}
	pf->num_vfs = n;
	vfcb_pf_hw_pf_reset_done(&pf->hw);
	for (i = 0; i < n; i++)
		vfcb_pf_debugfs_vf_init(&pf->vfs[i]);
	pci_info(pf->pdev, "%u VFs enabled, serving config blocks on %s\n",
		 n, pf->name);
	return n;
}

/*
 * VFs in use by guests.  pci_vfs_assigned() only knows the legacy
 * assignment flag, which vfio never sets, so a VF bound to a passthrough
 * driver counts as assigned too: disabling SR-IOV under a running guest
 * would block in vfio's remove until the guest let go.  The driver pointer
 * is read without the VF's device lock: a bind racing with this check is
 * caught by vfio's own release wait, this only gives the clear errno.
 */
static bool vfcb_pf_vfs_in_guests(struct pci_dev *pdev)
{
	static const char * const passthrough[] = { "vfio-pci", "pci-stub" };
	struct pci_dev *vfdev = NULL;
	struct pci_driver *drv;
	bool used = false;
	int j;

	if (pci_vfs_assigned(pdev))
		return true;
	/* pci_get_device() drops the reference of the device it starts at. */
	while (!used && (vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev))) {
		if (!vfdev->is_virtfn || pci_physfn(vfdev) != pdev)
			continue;
		drv = READ_ONCE(vfdev->driver);
		for (j = 0; drv && j < ARRAY_SIZE(passthrough); j++)
			used |= !strcmp(drv->name, passthrough[j]);
	}
	pci_dev_put(vfdev);
	return used;
}

static int vfcb_pf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct vfcb_pf *pf = pci_get_drvdata(pdev);
	int ret;

	if (num_vfs < 0 || num_vfs > VFCB_PF_MAX_VFS)
		return -ERANGE;

	mutex_lock(&pf->cfg_lock);
	if (pf->dead) {
		ret = -ENODEV;
	} else if ((unsigned int)num_vfs == pf->num_vfs) {
		ret = num_vfs;
	} else if (vfcb_pf_vfs_in_guests(pdev)) {
		pci_err(pdev,
			"cannot change the number of VFs while VFs are assigned to guests (bound to vfio-pci or pci-stub)\n");
		ret = -EBUSY;
	} else if (num_vfs && pf->num_vfs) {
		pci_err(pdev,
			"%u VFs are enabled: write 0 to sriov_numvfs before changing the count to %d\n",
			pf->num_vfs, num_vfs);
		ret = -EBUSY;
	} else if (!num_vfs) {
		vfcb_pf_sriov_disable(pf);
		ret = 0;
	} else {
		ret = vfcb_pf_sriov_enable(pf, num_vfs);
	}
	mutex_unlock(&pf->cfg_lock);
	return ret;
}

/* -------------------------------------------------------- kernel API --- */

static void vfcb_pf_release(struct kref *kref)
{
	struct vfcb_pf *pf = container_of(kref, struct vfcb_pf, kref);

	mutex_destroy(&pf->cfg_lock);
	mutex_destroy(&pf->svc_lock);
	pci_dev_put(pf->pdev);
	kfree(pf);
}

/**
 * vfcb_pf_get() - find the vfcb_pf instance bound to a PF
 * @pdev: the PF
 *
 * Context: process context; may sleep.
 * Return: the instance with a reference the caller drops with
 * vfcb_pf_put(), or ERR_PTR(-ENODEV) if vfcb_pf is not bound to @pdev.
 */
struct vfcb_pf *vfcb_pf_get(struct pci_dev *pdev)
{
	struct vfcb_pf *pf, *found = ERR_PTR(-ENODEV);

	mutex_lock(&vfcb_pf_list_lock);
	list_for_each_entry(pf, &vfcb_pf_list, node) {
		if (pf->pdev == pdev) {
			kref_get(&pf->kref);
			found = pf;
			break;
		}
	}
	mutex_unlock(&vfcb_pf_list_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get);

/**
 * vfcb_pf_put() - drop a reference taken by vfcb_pf_get()
 * @pf: the instance
 *
 * Once the PF is unbound every function fails with -ENODEV, but the memory
 * stays valid until the last reference is dropped.
 *
 * Context: any context that may sleep.
 */
void vfcb_pf_put(struct vfcb_pf *pf)
{
	kref_put(&pf->kref, vfcb_pf_release);
}
EXPORT_SYMBOL_GPL(vfcb_pf_put);

/* Look up VF @vf for a host-side operation; cfg_lock held. */
static struct vfcb_pf_vf *vfcb_pf_vf_lookup(struct vfcb_pf *pf,
					    unsigned int vf)
{
	lockdep_assert_held(&pf->cfg_lock);
	/* SR-IOV off: no VF exists at all. */
	if (pf->dead || !pf->num_vfs)
		return ERR_PTR(-ENODEV);
	if (vf >= pf->num_vfs)
		return ERR_PTR(-ENOENT);
	return &pf->vfs[vf];
}

/**
 * vfcb_pf_num_vfs() - number of VFs enabled
 * @pf: the instance
 *
 * Context: process context; may sleep.
 * Return: the number of VFs, 0 if SR-IOV is off, -ENODEV if unbound.
 */
int vfcb_pf_num_vfs(struct vfcb_pf *pf)
{
	int ret;

	mutex_lock(&pf->cfg_lock);
	ret = pf->dead ? -ENODEV : pf->num_vfs;
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_num_vfs);

/**
 * vfcb_pf_set_block() - define a block of a VF or replace it
 * @pf: the instance
 * @vf: VF index
 * @block_id: any 32-bit ID
 * @data: content
 * @len: bytes at @data, 0..VFCB_MAX_BLOCK_SIZE
 * @flags: VFCB_BLOCK_VF_WRITABLE if the VF may write it
 *
 * A new block counts against the VF's quota (max_blocks).
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for unknown @flags, -EMSGSIZE if @len is too big,
 * -ENOSPC if the quota is used up, -ENOMEM, or a VF lookup error.
 */
int vfcb_pf_set_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      const void *data, u32 len, u32 flags)
{
	struct vfcb_pf_vf *v;
	int ret;

	if (flags & ~VFCB_BLOCK_VF_WRITABLE)
		return -EINVAL;
	if (len > VFCB_MAX_BLOCK_SIZE)
		return -EMSGSIZE;
	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_set(&v->blocks, block_id, data, len, flags);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_set_block);

/**
 * vfcb_pf_get_block() - read a block of a VF
 * @pf: the instance
 * @vf: VF index
 * @block_id: the block
 * @buf: destination
 * @len: in: size of @buf; out: the block's length (also on -ERANGE)
 * @flags: out: the block's VFCB_BLOCK_* flags
 *
 * Context: process context; may sleep.
 * Return: 0; -ENODATA if there is no such block, -ERANGE if @buf is too
 * small, or a VF lookup error.
 */
int vfcb_pf_get_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      void *buf, u32 *len, u32 *flags)
{
	struct vfcb_pf_vf *v;
	int ret;

	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_get(&v->blocks, block_id, buf, len, flags);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get_block);

/**
 * vfcb_pf_del_block() - delete a block of a VF
 * @pf: the instance
 * @vf: VF index
 * @block_id: the block
 *
 * Context: process context; may sleep.
 * Return: 0; -ENODATA if there is no such block, or a VF lookup error.
 */
int vfcb_pf_del_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id)
{
	struct vfcb_pf_vf *v;
	int ret;

	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) : vfcb_pf_blocks_del(&v->blocks, block_id);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_del_block);

/**
 * vfcb_pf_list_blocks() - IDs of a VF's blocks, ascending
 * @pf: the instance
 * @vf: VF index
 * @ids: destination, room for @cap IDs
 * @cap: capacity of @ids
 * @count: out: number of blocks, which may exceed @cap
 *
 * Context: process context; may sleep.
 * Return: 0 or a VF lookup error.
 */
int vfcb_pf_list_blocks(struct vfcb_pf *pf, unsigned int vf, u32 *ids,
			u32 cap, u32 *count)
{
	struct vfcb_pf_vf *v;
	int ret;

	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_list(&v->blocks, ids, cap, count);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_list_blocks);

/**
 * vfcb_pf_set_policy() - what a VF may do with its blocks
 * @pf: the instance
 * @vf: VF index
 * @flags: VFCB_POLICY_VF_CREATE if the VF may create blocks by writing
 * @max_blocks: the VF's block quota, 1..VFCB_MAX_BLOCKS_PER_VF
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for unknown @flags or @max_blocks out of range,
 * -EBUSY if the VF already has more than @max_blocks blocks, or a VF lookup
 * error.
 */
int vfcb_pf_set_policy(struct vfcb_pf *pf, unsigned int vf, u32 flags,
		       u32 max_blocks)
{
	struct vfcb_pf_vf *v;
	int ret;

	if ((flags & ~VFCB_POLICY_VF_CREATE) || !max_blocks ||
	    max_blocks > VFCB_MAX_BLOCKS_PER_VF)
		return -EINVAL;
	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_set_policy(&v->blocks, flags, max_blocks);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_set_policy);

/**
 * vfcb_pf_get_vf_info() - a VF's state, identity, policy and pending mask
 * @pf: the instance
 * @vf: VF index
 * @info: out: state, version, serial, num_blocks, max_blocks, policy and
 *	pending_mask (@info->vf is set to @vf; argsz, flags and reserved are
 *	left alone)
 *
 * Context: process context; may sleep.
 * Return: 0 or a VF lookup error.
 */
int vfcb_pf_get_vf_info(struct vfcb_pf *pf, unsigned int vf,
			struct vfcb_pf_vf_info *info)
{
	struct vfcb_pf_vf *v;

	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	if (IS_ERR(v)) {
		mutex_unlock(&pf->cfg_lock);
		return PTR_ERR(v);
	}
	vfcb_pf_blocks_info(&v->blocks, &info->num_blocks, &info->max_blocks,
			    &info->policy);
	info->vf = vf;
	spin_lock(&v->lock);
	if (pf->going_away)
		info->state = VFCB_VF_STATE_GONE;
	else
		info->state = v->ep.ready ? VFCB_VF_STATE_READY :
					    VFCB_VF_STATE_DOWN;
	info->version = v->ep.version;
	info->serial = v->ep.serial;
	/* Posted but not acked is not delivered yet either. */
	info->pending_mask = v->ep.pending_mask | v->ep.inflight_mask;
	spin_unlock(&v->lock);
	mutex_unlock(&pf->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get_vf_info);

/**
 * vfcb_pf_invalidate() - tell VFs that blocks changed
 * @pf: the instance
 * @vf: VF index, or VFCB_PF_ALL_VFS for every VF enabled
 * @mask: bit n invalidates block ID n (0..63); must not be 0
 *
 * ORs @mask into each VF's pending invalidations and posts them as soon as
 * the VF can take them (handshake done, mailbox free); masks accumulate and
 * survive VF resets.  Never waits for a VF.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL if @mask is 0 or @vf is negative but not
 * VFCB_PF_ALL_VFS, or a VF lookup error.
 */
int vfcb_pf_invalidate(struct vfcb_pf *pf, int vf, u64 mask)
{
	unsigned int i, first, last;
	struct vfcb_pf_vf *v;
	bool more = false;

	if (!mask || (vf < 0 && vf != VFCB_PF_ALL_VFS))
		return -EINVAL;

	mutex_lock(&pf->cfg_lock);
	v = vfcb_pf_vf_lookup(pf, vf < 0 ? 0 : vf);
	if (IS_ERR(v)) {
		mutex_unlock(&pf->cfg_lock);
		return PTR_ERR(v);
	}
	first = vf < 0 ? 0 : vf;
	last = vf < 0 ? pf->num_vfs - 1 : (unsigned int)vf;
	for (i = first; i <= last; i++) {
		v = &pf->vfs[i];
		spin_lock(&v->lock);
		vfcb_pfep_invalidate(&v->ep, mask);
		more |= vfcb_pfep_kick(&v->ep);
		spin_unlock(&v->lock);
	}
	if (more) {
		/* Mailbox busy: the retry work delivers it. */
		mutex_lock(&pf->svc_lock);
		mod_delayed_work(system_wq, &pf->retry_work,
				 msecs_to_jiffies(VFCB_PF_RETRY_MS) ?: 1);
		mutex_unlock(&pf->svc_lock);
	}
	mutex_unlock(&pf->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfcb_pf_invalidate);

/**
 * vfcb_pf_register_notifier() - listen to what the VFs do
 * @pf: the instance
 * @nb: called with action = enum vfcb_pf_event_type and data = a
 *	const struct vfcb_pf_event *, in process context (a workqueue), with
 *	no vfcb_pf lock held: it may call every vfcb_pf function.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENODEV if the PF is unbound.
 */
int vfcb_pf_register_notifier(struct vfcb_pf *pf, struct notifier_block *nb)
{
	int ret;

	mutex_lock(&pf->cfg_lock);
	ret = pf->dead ? -ENODEV :
	      blocking_notifier_chain_register(&pf->ntf_chain, nb);
	mutex_unlock(&pf->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_register_notifier);

/**
 * vfcb_pf_unregister_notifier() - stop listening
 * @pf: the instance
 * @nb: as registered
 *
 * When this returns, @nb is not running and will not be called again.
 *
 * Context: process context; may sleep.  Not from @nb itself.
 * Return: 0 or -ENOENT if @nb was not registered.
 */
int vfcb_pf_unregister_notifier(struct vfcb_pf *pf,
				struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&pf->ntf_chain, nb);
}
EXPORT_SYMBOL_GPL(vfcb_pf_unregister_notifier);

/* -------------------------------------------------------- probe/remove --- */

static int vfcb_pf_setup_irq(struct vfcb_pf *pf)
{
	struct pci_dev *pdev = pf->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		pci_err(pdev, "MSI-X unavailable: %d\n", ret);
		return ret;
	}
	pf->vector = 0;
	pf->irq = pci_irq_vector(pdev, pf->vector);
	ret = request_threaded_irq(pf->irq, NULL, vfcb_pf_irq_thread,
				   IRQF_ONESHOT, pf->name, pf);
	if (ret) {
		pci_err(pdev, "requesting IRQ %d failed: %d\n", pf->irq, ret);
		pci_free_irq_vectors(pdev);
		return ret;
	}
	return 0;
}

static int vfcb_pf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfcb_pf *pf;
	void __iomem *bar0;
	unsigned int i;
	int ret;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	kref_init(&pf->kref);
	INIT_LIST_HEAD(&pf->node);
	pf->pdev = pci_dev_get(pdev);
	snprintf(pf->name, sizeof(pf->name), "vfcb-pf-%s", pci_name(pdev));
	mutex_init(&pf->cfg_lock);
	mutex_init(&pf->svc_lock);
	INIT_DELAYED_WORK(&pf->retry_work, vfcb_pf_retry_work);
	init_waitqueue_head(&pf->idle_wq);
	spin_lock_init(&pf->ev_lock);
	INIT_LIST_HEAD(&pf->files);
	init_waitqueue_head(&pf->ev_wq);
	BLOCKING_INIT_NOTIFIER_HEAD(&pf->ntf_chain);
	INIT_WORK(&pf->ntf_work, vfcb_pf_ntf_work);
	pf->serial_base = get_random_u32();
	for (i = 0; i < VFCB_PF_MAX_VFS; i++) {
		pf->vfs[i].pf = pf;
		pf->vfs[i].index = i;
		spin_lock_init(&pf->vfs[i].lock);
	}

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_put;
	ret = pci_request_mem_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	bar0 = pci_iomap(pdev, 0, 0);
	if (!bar0) {
		ret = -ENOMEM;
		goto err_release;
	}
	pci_set_master(pdev);	/* MSI-X writes are DMA */
	vfcb_pf_hw_init(&pf->hw, pdev, bar0);
	vfcb_pf_hw_reset(&pf->hw);
	vfcb_pf_hw_mask_all(&pf->hw);
	pci_set_drvdata(pdev, pf);

	ret = vfcb_pf_setup_irq(pf);
	if (ret)
		goto err_unmap;
	vfcb_pf_hw_setup_irq(&pf->hw, pf->vector);
	vfcb_pf_hw_pf_reset_done(&pf->hw);

	ret = pci_sriov_set_totalvfs(pdev, VFCB_PF_MAX_VFS);
	if (ret) {
		pci_err(pdev, "cannot limit TotalVFs: %d\n", ret);
		goto err_irq;
	}

	vfcb_pf_debugfs_pf_init(pf);
	ret = vfcb_pf_cdev_register(pf);
	if (ret)
		goto err_debugfs;

	mutex_lock(&vfcb_pf_list_lock);
	list_add_tail(&pf->node, &vfcb_pf_list);
	mutex_unlock(&vfcb_pf_list_lock);

	pci_info(pdev, "vfcb PF ready: /dev/%s, up to %u VFs (sriov_numvfs)\n",
		 pf->name, pci_sriov_get_totalvfs(pdev));
	return 0;

err_debugfs:
	vfcb_pf_debugfs_pf_exit(pf);
	pci_sriov_set_totalvfs(pdev, 0);
err_irq:
	vfcb_pf_hw_mask_all(&pf->hw);
	free_irq(pf->irq, pf);
	pci_free_irq_vectors(pdev);
err_unmap:
	pci_set_drvdata(pdev, NULL);
	pci_clear_master(pdev);
	pci_iounmap(pdev, bar0);
err_release:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put:
	vfcb_pf_put(pf);
	return ret;
}

static void vfcb_pf_remove(struct pci_dev *pdev)
{
	struct vfcb_pf *pf = pci_get_drvdata(pdev);

	mutex_lock(&vfcb_pf_list_lock);
	list_del_init(&pf->node);
	mutex_unlock(&vfcb_pf_list_lock);

	/* No new host operation from here on; SR-IOV off, VFs told first. */
	mutex_lock(&pf->cfg_lock);
	vfcb_pf_sriov_disable(pf);
	WRITE_ONCE(pf->dead, true);
	mutex_unlock(&pf->cfg_lock);

	vfcb_pf_cdev_unregister(pf);	/* wakes readers, who see dead */
	vfcb_pf_debugfs_pf_exit(pf);

	vfcb_pf_hw_mask_all(&pf->hw);
	free_irq(pf->irq, pf);
	/* The last IRQ thread run may have unmasked its vector again. */
	vfcb_pf_hw_mask_all(&pf->hw);
	pci_free_irq_vectors(pdev);
	cancel_delayed_work_sync(&pf->retry_work);
	cancel_work_sync(&pf->ntf_work);

	pci_sriov_set_totalvfs(pdev, 0);
	pci_set_drvdata(pdev, NULL);
	pci_clear_master(pdev);
	pci_iounmap(pdev, pf->hw.bar0);
	pf->hw.bar0 = NULL;
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
	pci_info(pdev, "vfcb PF removed\n");
	vfcb_pf_put(pf);
}

static void vfcb_pf_shutdown(struct pci_dev *pdev)
{
	struct vfcb_pf *pf = pci_get_drvdata(pdev);

	/* Quiesce only: tell the VFs and stop raising interrupts. */
	mutex_lock(&pf->cfg_lock);
	if (pf->num_vfs)
		vfcb_pf_notify_going_away(pf, pf->num_vfs);
	mutex_unlock(&pf->cfg_lock);
	vfcb_pf_hw_mask_all(&pf->hw);
}

static const struct pci_device_id vfcb_pf_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x10c9) },	/* 82576 PF */
	{ }
};
MODULE_DEVICE_TABLE(pci, vfcb_pf_ids);

static struct pci_driver vfcb_pf_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfcb_pf_ids,
	.probe = vfcb_pf_probe,
	.remove = vfcb_pf_remove,
	.shutdown = vfcb_pf_shutdown,
	.sriov_configure = vfcb_pf_sriov_configure,
};

static int __init vfcb_pf_init(void)
{
	int ret;

	vfcb_pf_debugfs_module_init();
	ret = pci_register_driver(&vfcb_pf_driver);
	if (ret)
		vfcb_pf_debugfs_module_exit();
	return ret;
}
module_init(vfcb_pf_init);

static void __exit vfcb_pf_exit(void)
{
	pci_unregister_driver(&vfcb_pf_driver);
	vfcb_pf_debugfs_module_exit();
}
module_exit(vfcb_pf_exit);

MODULE_DESCRIPTION("vfcb: SR-IOV VF configuration blocks, PF driver for the Intel 82576");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
