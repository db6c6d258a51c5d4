// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: delivery of the PF's invalidations to in-kernel listeners
 * (include/vfcb_vf.h) and to the character device's subscribed files.
 * Bits raised while nobody collected them are kept in vf->unconsumed for
 * the first listener or file to come (the files take them in
 * vfcb_vf_cdev.c).
 */
#include <linux/bitops.h>
#include <linux/poll.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

/* Hand @mask to listeners and files, or keep it.  vf->lock held. */
void vfcb_vf_deliver(struct vfcb_vf *vf, u64 mask)
{
	struct vfcb_vf_file *f;
	bool files = !list_empty(&vf->files);

	vf->stats.invalidations++;
	vf->stats.inv_bits += hweight64(mask);
	trace_vfcb_vf_invalidate(vf->trace_id, mask);

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
	unsigned long flags;
	u64 mask;

	mutex_lock(&vf->listener_mutex);
	spin_lock_irqsave(&vf->lock, flags);
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
	spin_unlock_irqrestore(&vf->lock, flags);

	if (mask)
		list_for_each_entry(l, &vf->listeners, node)
			l->invalidate(l, mask);
	mutex_unlock(&vf->listener_mutex);
}

void vfcb_vf_listen_init(struct vfcb_vf *vf)
{
	mutex_init(&vf->listener_mutex);
	INIT_LIST_HEAD(&vf->listeners);
	INIT_LIST_HEAD(&vf->files);
	init_waitqueue_head(&vf->inv_wq);
	INIT_WORK(&vf->inv_work, vfcb_vf_inv_work);
}

int vfcb_vf_register_listener(struct vfcb_vf *vf, struct vfcb_vf_listener *l)
{
	unsigned long flags;
	int err = 0;

	if (!l || !l->invalidate)
		return -EINVAL;

	mutex_lock(&vf->listener_mutex);
	spin_lock_irqsave(&vf->lock, flags);
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
	spin_unlock_irqrestore(&vf->lock, flags);
	mutex_unlock(&vf->listener_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(vfcb_vf_register_listener);

void vfcb_vf_unregister_listener(struct vfcb_vf *vf,
				 struct vfcb_vf_listener *l)
{
	unsigned long flags;

	mutex_lock(&vf->listener_mutex);
	spin_lock_irqsave(&vf->lock, flags);
	/* A second unregister finds the node empty: nothing to undo. */
	if (!list_empty(&l->node)) {
		list_del_init(&l->node);
		vf->nr_listeners--;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	mutex_unlock(&vf->listener_mutex);
}
EXPORT_SYMBOL_GPL(vfcb_vf_unregister_listener);
