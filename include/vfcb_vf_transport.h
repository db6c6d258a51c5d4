/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf transport API: how an SR-IOV VF driver embeds the vfcb guest core.
 *
 * The VF driver keeps its device.  It moves dwords through the VF's
 * mailbox and tells the core what happened there, as events; the core
 * (vfcb_vf.ko) owns everything else: the protocol engine, the request
 * path with its timeouts, the handshake and re-handshake, invalidation
 * listeners, the character device /dev/vfcb-vf-<pci address>, the in-kernel
 * API (include/vfcb_vf.h), debugfs and tracepoints.  The core does no MMIO
 * and knows no register.
 *
 * Lifetime: the driver registers the VF at probe, once its mailbox works,
 * and unregisters it at remove, before the mailbox stops working.  Other
 * modules find the VF's service with vfcb_vf_get(pdev) whoever owns it.
 * Documentation/integration.rst walks through an example.
 */
#ifndef _VFCB_VF_TRANSPORT_H
#define _VFCB_VF_TRANSPORT_H

#include <linux/types.h>

struct pci_dev;
struct vfcb_vf;

/**
 * struct vfcb_vf_transport_ops - the VF driver's side of the mailbox
 * @read: return dword @i of the message the PF sent.  Called only between
 *	vfcb_vf_pf_sent() for that message and @ack, for @i below the
 *	transport's @msg_dwords and no further than the message's own length.
 * @ack: the PF's message is consumed: free the buffer, tell the PF.
 * @post: send the @ndw dwords at @msg (1 <= @ndw <= @msg_dwords) to the PF
 *	and notify it.  Return 0 once the message is in the mailbox, or
 *	-EBUSY if it cannot be placed now (the PF holds the buffer, or a PF
 *	message reported or not yet reported is unread and the buffer is
 *	shared); the core posts it again after the next event or from its
 *	retry timer.  Never overwrite an unread PF message.
 * @poll: look at the mailbox now and report what changed through the
 *	event functions, exactly as the interrupt handler would.  The core
 *	calls it while it waits for the PF (on the 82576 a PF's "reset done"
 *	raises no interrupt) and as a slow watchdog once up.  Return true if
 *	the PF is ready to talk (not in reset), false otherwise.
 * @rearm: make sure events are delivered (program the interrupt causes
 *	again).  The core calls it before each handshake and once it
 *	completes, since a PF reset may have wiped the VF's set-up.  Optional.
 *
 * Context: @read, @ack and @post are called with the core's spinlock held
 * and interrupts disabled: they must not sleep nor call a vfcb_vf_*
 * function.  @poll and @rearm are called in process context with no core
 * lock held, and @poll calls the event functions.
 *
 * Ordering the core relies on: the PF's messages are reported in the
 * order it sent them, each once; the core posts one message and waits for
 * vfcb_vf_pf_consumed() before it posts the next.
 */
struct vfcb_vf_transport_ops {
	u32 (*read)(void *priv, unsigned int i);
	void (*ack)(void *priv);
	int (*post)(void *priv, const u32 *msg, unsigned int ndw);
	bool (*poll)(void *priv);
	void (*rearm)(void *priv);
};

/**
 * struct vfcb_vf_transport - the VF's mailbox, as registered
 * @ops: the operations above
 * @priv: passed to each op
 * @msg_dwords: the largest message the mailbox carries, in dwords,
 *	%VFCB_MSG_MIN_DWORDS..%VFCB_MSG_MAX_DWORDS; the PF side must state
 *	the same size.
 */
struct vfcb_vf_transport {
	const struct vfcb_vf_transport_ops *ops;
	void *priv;
	unsigned int msg_dwords;
};

/**
 * vfcb_vf_register() - give a VF's mailbox to the vfcb core
 * @pdev: the VF
 * @tr: the transport; copied, but @tr->ops and @tr->priv must stay valid
 *	until vfcb_vf_unregister() returns
 *
 * Creates /dev/vfcb-vf-<pci address>, makes the VF findable by
 * vfcb_vf_get() and starts the handshake with the PF (from a work item,
 * through @tr->ops->poll, which may run before this returns: a driver that
 * learns the handle only from the return value keeps what it sees until
 * then and reports it at the next poll).
 *
 * Context: process context; sleeps.
 * Return: the VF's handle, or ERR_PTR(): -EINVAL for a bad @tr, -EEXIST if
 * @pdev is registered already, -ENOMEM, or the misc device's error.
 */
struct vfcb_vf *vfcb_vf_register(struct pci_dev *pdev,
				 const struct vfcb_vf_transport *tr);

/**
 * vfcb_vf_unregister() - take the VF's mailbox back
 * @vf: as returned by vfcb_vf_register()
 *
 * Ends every request in flight with -ENODEV, wakes blocked readers, stops
 * every op call and removes the character device.  Handles from
 * vfcb_vf_get() stay valid and fail with -ENODEV.
 *
 * The driver stops reporting events for @vf before the call (clears its
 * pointer under its own lock, then synchronize_irq() for a handler in
 * flight): @vf may be freed when this returns.  Events that ->poll
 * reports during the call are fine; the core waits for it.
 *
 * Context: process context; sleeps.  Not with a lock held that the
 * driver's event path takes.
 */
void vfcb_vf_unregister(struct vfcb_vf *vf);

/*
 * Events, reported by the driver.  Each may be called from any context,
 * a hard interrupt handler included, holding a driver spinlock if the
 * ops never take it (the core calls them under its lock, which it takes
 * here), but not from inside a transport op.
 */

/* The PF put a message in the mailbox; the core reads it with ->read. */
void vfcb_vf_pf_sent(struct vfcb_vf *vf);
/* The PF consumed the message the core last posted. */
void vfcb_vf_pf_consumed(struct vfcb_vf *vf);
/*
 * The PF is in reset (@done false) or came out of one (@done true): what
 * was in flight is void and the core handshakes again once the PF is
 * ready (@done, or ->poll returning true).
 */
void vfcb_vf_pf_reset(struct vfcb_vf *vf, bool done);
/*
 * A reset of the VF itself (FLR, AER recovery, resume) wipes the mailbox
 * just the same: report it as vfcb_vf_pf_reset(vf, false) from the
 * driver's reset_prepare and vfcb_vf_pf_reset(vf, true) from reset_done,
 * and the core handshakes again at once.
 */
/*
 * The PF's driver answered the core's last message with a refusal of its
 * own protocol (as igb answers a message type it does not know): it has no
 * vfcb.  Requests fail with -EOPNOTSUPP and the core sends nothing more
 * until the PF resets (vfcb_vf_pf_reset(vf, true)), so a PF driver without
 * vfcb sees one message per reset of its own.
 */
void vfcb_vf_pf_refused(struct vfcb_vf *vf);
/*
 * The VF itself is absent: its registers read all ones and
 * pci_device_is_present() (which, for a VF, asks its PF) is false.  A
 * surprise removal looks so, and so does a VF bound on the host in the
 * middle of its PF's reset.
 * Report it each time it is seen (the core polls while it waits).  First
 * seen, the core treats it as a PF reset: the request in flight is sent
 * again after the next handshake.  Absent for the module parameter
 * gone_ms (5 s), the VF counts as removed: every request, waiting or new,
 * fails at once with -ENODEV, and nothing is posted or polled again.  Any
 * other event, or a poll that finds the PF ready, shows it present.  The
 * driver still calls vfcb_vf_unregister() from its remove().  The core
 * also looks for this itself when a request times out.
 */
void vfcb_vf_surprise_removed(struct vfcb_vf *vf);

#endif /* _VFCB_VF_TRANSPORT_H */
