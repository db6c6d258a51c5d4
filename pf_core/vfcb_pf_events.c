// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: what the VFs do (handshake, write, reset), told to every reader
 * of the PF's character device and to the kernel notifier.
 *
 * Events are emitted from wherever the mailbox is served, hard interrupts
 * included, so queueing only takes a spinlock; the notifier chain is called
 * from a work item, outside every lock, since its callbacks may sleep and
 * call back into vfcb_pf.
 *
 * A VF must not be able to push the others' events out: a record equal in
 * type, VF and block to one still unread replaces it (moved to the tail,
 * with the newest length), so a VF resetting or handshaking in a loop
 * holds one record per kind.  Each reader has a ring of VFCB_PF_EVQ_LEN;
 * if it still fills up, the oldest record goes and the reader is told how
 * many it lost and for which VFs (a VFCB_PF_EV_OVERFLOW record).  The
 * notifier's ring works the same way and ends with an OVERFLOW event.
 */
#include <linux/rcupdate.h>

#include "vfcb_pf_core.h"

static void vfcb_pf_ntf_work(struct work_struct *work)
{
	struct vfcb_pf *pf = container_of(work, struct vfcb_pf, ntf_work);
	struct vfcb_pf_event ev;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&pf->ev_lock, flags);
		if (pf->ntf_dropped) {
			/* Lost events first: listeners re-check those VFs. */
			ev = (struct vfcb_pf_event){
				.type = VFCB_PF_EV_OVERFLOW,
				.block_id = pf->ntf_lost_vfs,
				.len = pf->ntf_dropped,
			};
			pf->ntf_dropped = 0;
			pf->ntf_lost_vfs = 0;
		} else if (pf->ntf_count) {
			ev = pf->ntf_ring[pf->ntf_head];
			pf->ntf_head = (pf->ntf_head + 1) % VFCB_PF_EVQ_LEN;
			pf->ntf_count--;
		} else {
			spin_unlock_irqrestore(&pf->ev_lock, flags);
			return;
		}
		spin_unlock_irqrestore(&pf->ev_lock, flags);
		blocking_notifier_call_chain(&pf->ntf_chain, ev.type, &ev);
	}
}

void vfcb_pf_events_init(struct vfcb_pf *pf)
{
	spin_lock_init(&pf->ev_lock);
	INIT_LIST_HEAD(&pf->readers);
	init_waitqueue_head(&pf->ev_wq);
	BLOCKING_INIT_NOTIFIER_HEAD(&pf->ntf_chain);
	INIT_WORK(&pf->ntf_work, vfcb_pf_ntf_work);
}

/* Bit of @vf in an OVERFLOW record's VF set; the last bit stands for the rest. */
static u32 vfcb_pf_vf_bit(u32 vf)
{
	return BIT(min_t(u32, vf, 31));
}

/*
 * Append @ev to a ring of @len slots, merging it with an unread equal
 * record; if full, drop the oldest into *@dropped / *@lost_vfs.
 */
static void vfcb_pf_ring_push(struct vfcb_pf_event *ring, unsigned int *head,
			      unsigned int *count, u32 *dropped, u32 *lost_vfs,
			      const struct vfcb_pf_event *ev)
{
	unsigned int i, at = *count;

	for (i = 0; i < *count; i++) {
		struct vfcb_pf_event *e = &ring[(*head + i) % VFCB_PF_EVQ_LEN];

		if (e->type == ev->type && e->vf == ev->vf &&
		    e->block_id == ev->block_id) {
			at = i;
			break;
		}
	}
	if (at < *count) {
		/* Close the gap, so the merged record goes last. */
		for (i = at; i + 1 < *count; i++)
			ring[(*head + i) % VFCB_PF_EVQ_LEN] =
				ring[(*head + i + 1) % VFCB_PF_EVQ_LEN];
		(*count)--;
	} else if (*count == VFCB_PF_EVQ_LEN) {
		*lost_vfs |= vfcb_pf_vf_bit(ring[*head].vf);
		*head = (*head + 1) % VFCB_PF_EVQ_LEN;
		(*count)--;
		if (*dropped < U32_MAX)
			(*dropped)++;
	}
	ring[(*head + *count) % VFCB_PF_EVQ_LEN] = *ev;
	(*count)++;
}

/* Queue a VF event to every reader and to the kernel listeners.  Any context. */
void vfcb_pf_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
			u32 block_id, u32 len)
{
	struct vfcb_pf_event ev = {
		.type = type, .vf = vf, .block_id = block_id, .len = len,
	};
	struct vfcb_pf_evq *q;
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	if (pf->ev_stopped) {
		spin_unlock_irqrestore(&pf->ev_lock, flags);
		return;
	}
	list_for_each_entry(q, &pf->readers, node)
		vfcb_pf_ring_push(q->ev, &q->head, &q->count, &q->dropped,
				  &q->lost_vfs, &ev);
	if (rcu_access_pointer(pf->ntf_chain.head)) {
		u32 before = pf->ntf_dropped;

		vfcb_pf_ring_push(pf->ntf_ring, &pf->ntf_head, &pf->ntf_count,
				  &pf->ntf_dropped, &pf->ntf_lost_vfs, &ev);
		pf->ev_dropped += pf->ntf_dropped - before;
		/*
		 * Queued under ev_lock: once vfcb_pf_events_stop() has set
		 * ev_stopped, its flush_work() has every work an event queued.
		 * Queued after the unlock, it could follow the flush and run
		 * on a PF the driver's last put has freed.
		 */
		schedule_work(&pf->ntf_work);
	}
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	wake_up_interruptible(&pf->ev_wq);
}

void vfcb_pf_evq_add(struct vfcb_pf *pf, struct vfcb_pf_evq *q)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	list_add_tail(&q->node, &pf->readers);
	spin_unlock_irqrestore(&pf->ev_lock, flags);
}

void vfcb_pf_evq_del(struct vfcb_pf *pf, struct vfcb_pf_evq *q)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	list_del(&q->node);
	spin_unlock_irqrestore(&pf->ev_lock, flags);
}

bool vfcb_pf_evq_ready(struct vfcb_pf *pf, struct vfcb_pf_evq *q)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&pf->ev_lock, flags);
	ready = q->count || q->dropped;
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	return ready;
}

/*
 * Take up to @max records, an OVERFLOW record first if some were lost.
 * Returns how many were stored at @out.
 */
unsigned int vfcb_pf_evq_pop(struct vfcb_pf *pf, struct vfcb_pf_evq *q,
			     struct vfcb_pf_event *out, unsigned int max)
{
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	if (q->dropped && n < max) {
		out[n].type = VFCB_PF_EV_OVERFLOW;
		out[n].vf = 0;
		out[n].block_id = q->lost_vfs;
		out[n].len = q->dropped;
		q->dropped = 0;
		q->lost_vfs = 0;
		n++;
	}
	while (n < max && q->count) {
		out[n++] = q->ev[q->head];
		q->head = (q->head + 1) % VFCB_PF_EVQ_LEN;
		q->count--;
	}
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	return n;
}

/*
 * Unregister: queue nothing more (a reporter may still be on its way here
 * from a VF it found running), deliver what the notifier has queued, then
 * wake the readers.
 */
void vfcb_pf_events_stop(struct vfcb_pf *pf)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	pf->ev_stopped = true;
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	flush_work(&pf->ntf_work);
	wake_up_interruptible_all(&pf->ev_wq);
}
