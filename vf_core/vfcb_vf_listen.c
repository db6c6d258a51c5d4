// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: delivery of the PF's invalidations to in-kernel listeners
 * (include/vfcb_vf.h) and to the character device's subscribed files.
 * Bits raised while nobody collected them are kept in vf->unconsumed for
 * the first listener or file to come (the files take them in
 * vfcb_vf_cdev.c).
 *
 * After every handshake everyone is told to re-read everything (an all-ones
 * mask, as NDIS does when it cannot know): a fresh probe never saw what
 * changed before it, and across a reset the PF may have changed blocks or
 * raised bits that this side acknowledged but nobody had consumed yet.
 */
#include <linux/bitops.h>
#include <linux/poll.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

/* Hand @mask to listeners and files, or keep it.  vf->lock held. */
static void vfcb_vf_hand_out(struct vfcb_vf *vf, u64 mask)
{
	struct vfcb_vf_listener *l;
	struct vfcb_vf_file *f;
	bool files = !list_empty(&vf->files);

	trace_vfcb_vf_invalidate(vf->trace_id, mask);

	/* Each listener has its own work: a slow one holds up nobody. */
	list_for_each_entry(l, &vf->listeners, node) {
		l->pending |= mask;
		queue_work(system_wq, &l->work);
	}
	list_for_each_entry(f, &vf->files, node)
		f->mask |= mask;
	if (files)
		wake_up_interruptible_poll(&vf->inv_wq, EPOLLIN | EPOLLRDNORM);
	if (list_empty(&vf->listeners) && !files)
		vf->unconsumed |= mask;
}

/* The PF invalidated @mask.  vf->lock held. */
void vfcb_vf_deliver(struct vfcb_vf *vf, u64 mask)
{
	vf->stats.invalidations++;
	vf->stats.inv_bits += hweight64(mask);
	vfcb_vf_hand_out(vf, mask);
}

/* A handshake completed: every block may have changed.  vf->lock held. */
void vfcb_vf_resync(struct vfcb_vf *vf)
{
	vf->stats.resyncs++;
	vfcb_vf_hand_out(vf, VFCB_INVALIDATE_EVERYTHING);
}

static bool vfcb_vf_listening(struct vfcb_vf *vf, struct vfcb_vf_listener *l)
{
	struct vfcb_vf_listener *x;

	list_for_each_entry(x, &vf->listeners, node)
		if (x == l)
			return true;
	return false;
}

static void vfcb_vf_listener_work(struct work_struct *work)
{
	struct vfcb_vf_listener *l = container_of(work, struct vfcb_vf_listener,
						  work);
	struct vfcb_vf *vf = l->vf;
	unsigned long flags;
	u64 mask;

	spin_lock_irqsave(&vf->lock, flags);
	mask = l->pending;
	l->pending = 0;
	if (vf->state == VFCB_VFD_REMOVED || !vfcb_vf_listening(vf, l))
		mask = 0;
	spin_unlock_irqrestore(&vf->lock, flags);
	if (mask)
		l->invalidate(l, mask);
}

void vfcb_vf_listen_init(struct vfcb_vf *vf)
{
	INIT_LIST_HEAD(&vf->listeners);
	INIT_LIST_HEAD(&vf->files);
	init_waitqueue_head(&vf->inv_wq);
}

int vfcb_vf_register_listener(struct vfcb_vf *vf, struct vfcb_vf_listener *l)
{
	unsigned long flags;
	int err = 0;

	if (!l || !l->invalidate)
		return -EINVAL;

	spin_lock_irqsave(&vf->lock, flags);
	if (vf->state == VFCB_VFD_REMOVED) {
		err = -ENODEV;
	} else if (vfcb_vf_listening(vf, l)) {
		err = -EBUSY;
	} else {
		/*
		 * Not from its own callback, which unregistered itself and
		 * registers again: the work is running there, and
		 * re-initialising a running work lets it run twice at once.
		 */
		if (current_work() != &l->work)
			INIT_WORK(&l->work, vfcb_vf_listener_work);
		l->vf = vf;
		/* What nobody collected so far goes to the newcomer. */
		l->pending = vf->unconsumed;
		vf->unconsumed = 0;
		list_add_tail(&l->node, &vf->listeners);
		if (l->pending)
			queue_work(system_wq, &l->work);
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	return err;
}
EXPORT_SYMBOL_GPL(vfcb_vf_register_listener);

void vfcb_vf_unregister_listener(struct vfcb_vf *vf,
				 struct vfcb_vf_listener *l)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&vf->lock, flags);
	found = vfcb_vf_listening(vf, l);
	if (found) {
		list_del_init(&l->node);
		/* Bits not delivered yet are not lost with the listener. */
		if (list_empty(&vf->listeners) && list_empty(&vf->files))
			vf->unconsumed |= l->pending;
		l->pending = 0;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	if (!found)
		return;
	/*
	 * From its own callback the work cannot be waited for, but an
	 * invalidation that came while the callback ran has queued it again:
	 * drop that, or it would run after the owner freed @l.  Off the list,
	 * nothing queues it any more.
	 */
	if (current_work() == &l->work)
		cancel_work(&l->work);
	else
		cancel_work_sync(&l->work);
}
EXPORT_SYMBOL_GPL(vfcb_vf_unregister_listener);
