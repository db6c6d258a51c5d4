/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf transport API: how an SR-IOV PF driver embeds the vfcb host core.
 *
 * The PF driver keeps its device.  It moves dwords through its own PF/VF
 * mailbox and tells the core what happened there, as events; the core
 * (vfcb_pf.ko) owns everything else: the protocol engine, the VFs' block
 * stores and policy, invalidations, flood policing, the character device
 * /dev/vfcb-pf-<pci address>, the exported block API (include/vfcb_pf.h),
 * debugfs and tracepoints.  The core does no MMIO and knows no register.
 *
 * Lifetime: the driver registers the PF once its VFs exist (after
 * pci_enable_sriov()) and unregisters it before they go (before
 * pci_disable_sriov()).  The VFs' blocks live exactly that long; a VF reset
 * keeps them.  Documentation/integration.rst walks through an example.
 */
#ifndef _VFCB_PF_TRANSPORT_H
#define _VFCB_PF_TRANSPORT_H

#include <linux/types.h>

#include "vfcb_pf.h"	/* vfcb_pf_put() */

struct pci_dev;
struct vfcb_pf;

/* The HELLO completion carries the VF index in 8 bits. */
#define VFCB_PF_MAX_VFS		256

/**
 * struct vfcb_pf_transport_ops - the PF driver's side of one PF's mailboxes
 * @read: return dword @i of the message VF @vf sent.  Called only between
 *	vfcb_pf_vf_sent() for that message and @ack, for @i below the
 *	transport's @msg_dwords and no further than the message's own length.
 * @ack: the message VF @vf sent is consumed: free the buffer and tell the
 *	VF ("PF consumed your message").  After @ack the core never reads
 *	that message again.
 * @post: send the @ndw dwords at @msg (1 <= @ndw <= @msg_dwords) to VF @vf
 *	and notify it.  Return 0 once the message is in the VF's mailbox, or
 *	-EBUSY if it cannot be placed now; the core keeps the message and
 *	posts it again after the VF's next event, or from its retry timer.
 *	The transport must refuse (-EBUSY), never overwrite, while a message
 *	of the VF it has reported with vfcb_pf_vf_sent() has not been acked
 *	and the two directions share one buffer (as on the 82576).
 * @quiet: optional.  VF @vf is throttled (@on true) or its throttle ended
 *	(false): stop, or start again, raising the PF's interrupt for that
 *	VF's mailbox (the 82576's MBVFIMR), so a VF the core has stopped
 *	serving stops costing the host interrupts.  Whatever the driver still
 *	sees of the VF meanwhile it reports as usual; the core leaves it
 *	unread.  When the VF is unquieted, a cause it latched while quiet
 *	must reach the driver's event path again (the 82576 raises its
 *	vector once).  Without it, a flooding VF costs the host what the
 *	driver's interrupt moderation allows.
 *
 * Context of every op: called by the core with its per-VF spinlock held
 * and interrupts disabled.  An op must not sleep and must not call back
 * into the core (no vfcb_pf_* function).
 *
 * Ordering the core relies on: one VF's messages are reported in the order
 * the VF sent them, each once; the core posts one message to a VF and
 * waits for vfcb_pf_vf_consumed() before it posts the next.  An ack and a
 * message seen together are reported ack first: the ack is for what the
 * core posted before, and the core may post again while it takes the
 * message, so an ack reported after it would free the buffer over a
 * message the VF has not read.
 */
struct vfcb_pf_transport_ops {
	u32 (*read)(void *priv, unsigned int vf, unsigned int i);
	void (*ack)(void *priv, unsigned int vf);
	int (*post)(void *priv, unsigned int vf, const u32 *msg,
		    unsigned int ndw);
	void (*quiet)(void *priv, unsigned int vf, bool on);
};

/**
 * struct vfcb_pf_transport - one PF's mailboxes, as registered
 * @ops: the operations above
 * @priv: passed to each op
 * @msg_dwords: the largest message the mailbox carries, in dwords,
 *	%VFCB_MSG_MIN_DWORDS..%VFCB_MSG_MAX_DWORDS (16 on the 82576; one less
 *	if the driver puts a header dword of its own in front of vfcb's).
 *	Fragmentation follows from it; both ends of a VF's mailbox must state
 *	the same size.
 * @shared_buffer: both directions share one buffer per VF and the
 *	transport reports a VF's ack of the core's message before the VF's
 *	next message (as the 82576's does).  A VF message reported while the
 *	core's last one is unacked was then written over it, which the
 *	protocol forbids: the core counts it as a bad message (overwrites).
 *	Leave it false where a VF may send with the core's message unread
 *	(two buffers), or where the driver's own messages share the mailbox.
 */
struct vfcb_pf_transport {
	const struct vfcb_pf_transport_ops *ops;
	void *priv;
	unsigned int msg_dwords;
	bool shared_buffer;
};

/**
 * vfcb_pf_register() - hand a PF's VFs to the vfcb core
 * @pdev: the PF, with SR-IOV enabled
 * @num_vfs: the VFs enabled, 1..%VFCB_PF_MAX_VFS
 * @tr: the transport; copied, but @tr->ops and @tr->priv must stay valid
 *	until vfcb_pf_unregister() returns
 *
 * Creates the VFs' block stores and /dev/vfcb-pf-<pci address>, and links
 * each VF to @pdev (a stateless device link, removed by unregister) so the
 * PM core suspends the VFs before their PF and resumes them after it: a
 * VF's parent is the PF's parent, so nothing else orders them.  Events
 * may be reported as soon as this returns.
 *
 * Context: process context; sleeps.  The driver must not hold a lock its
 * own event path takes.
 * Return: the PF's handle, or ERR_PTR(): -EINVAL for a bad @num_vfs or
 * @tr, -EEXIST if @pdev is registered already, -ENOMEM, or the misc
 * device's error.
 */
struct vfcb_pf *vfcb_pf_register(struct pci_dev *pdev, unsigned int num_vfs,
				 const struct vfcb_pf_transport *tr);

/**
 * vfcb_pf_unregister() - take a PF's VFs back from the vfcb core
 * @pf: as returned by vfcb_pf_register()
 *
 * Tells every VF that completed its handshake that the PF is going away
 * and waits, at most the core's teardown_ms, for their acknowledgements
 * (the driver's event path must keep running meanwhile).  Then stops
 * every op call, removes the character device and frees the VFs' blocks.
 * Handles from vfcb_pf_get() stay valid and fail with -ENODEV.
 *
 * The driver's own handle stays valid too (events on it are ignored), so
 * an interrupt racing with unregister is harmless: the driver drops it with
 * vfcb_pf_put() once its event path is quiet (after free_irq() or
 * synchronize_irq()).
 *
 * Context: process context; sleeps.  Not with a lock held that the
 * driver's event path takes.
 */
void vfcb_pf_unregister(struct vfcb_pf *pf);

/*
 * Events, reported by the driver.  Each may be called from any context,
 * a hard interrupt handler included, holding a driver spinlock if the
 * ops never take it (the core calls them under its VF lock, which it
 * takes here); the core defers whatever must sleep.  @vf out of range is
 * ignored.
 */

/* VF @vf put a message in its mailbox; the core reads it with ->read. */
void vfcb_pf_vf_sent(struct vfcb_pf *pf, unsigned int vf);
/* VF @vf consumed the message the core last posted to it. */
void vfcb_pf_vf_consumed(struct vfcb_pf *pf, unsigned int vf);
/*
 * VF @vf was reset (FLR, the VF's own reset): a message it had not sent
 * completely is void and it must handshake again; its blocks, policy and
 * every invalidation it has not acknowledged are kept.  A message the VF
 * sent after the reset is reported with vfcb_pf_vf_sent() after this.
 */
void vfcb_pf_vf_reset(struct vfcb_pf *pf, unsigned int vf);

#endif /* _VFCB_PF_TRANSPORT_H */
