/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_82576_pf: the Intel 82576 PF registers, and the vfcb transport over
 * its per-VF mailboxes.  vfcb_82576_pf_hw.c is the only file that touches
 * MMIO or knows what a register bit means.
 */
#ifndef _VFCB_82576_PF_HW_H
#define _VFCB_82576_PF_HW_H

#include <linux/bitmap.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "vfcb_pf_transport.h"

#define VFCB_82576_MAX_VFS	7	/* 8 would leave the PF one vector */
#define VFCB_82576_MSG_DWORDS	16	/* VMBMEM: 16 dwords per VF */

/**
 * struct vfcb_82576_pf_hw - the PF's registers and VF mailboxes
 * @bar0: MMIO
 * @service_lock: one service pass at a time (the interrupt handler, the
 *	watchdog): a pass reports what it took from the registers before
 *	the next pass takes more, so one VF's ack is never reported after
 *	a message that came later.  Outermost: held while calling the core
 *	(which takes its per-VF lock, then @lock through the ops).
 * @lock: serialises the VF mailbox registers (P2VMAILBOX, VMBMEM) between
 *	the interrupt handler and the ops the vfcb core calls.  Innermost:
 *	taken inside the core's per-VF lock, never held while calling the
 *	core.
 * @num_vfs: VFs enabled
 * @unread: VF n's message was seen (VFREQ) and is not acked yet.  Set
 *	in the same hold of @lock that cleared VFREQ in MBVFICR, and tested
 *	by post under @lock after it took the PF lock, so no post falls
 *	between the two and a VF message is never overwritten in the buffer
 *	both directions share.
 * @quiet: VF n's mailbox interrupt is masked (bit n), as the core asked
 *	(->quiet) for a throttled VF; under @lock
 * @vector: the MSI-X vector of the mailbox, as set up; under @lock
 * @gone: the cause registers read all ones, the device no longer answers
 *	(vfcb_82576_pf_hw_gone()); under @lock
 */
struct vfcb_82576_pf_hw {
	void __iomem *bar0;
	spinlock_t service_lock;	/* one service pass, see above */
	spinlock_t lock;		/* mailbox registers, see above */
	unsigned int num_vfs;
	DECLARE_BITMAP(unread, VFCB_82576_MAX_VFS);
	u32 quiet;
	unsigned int vector;
	u64 services;		/* service passes: interrupt or watchdog */
	u64 wd_services;	/* @services at the watchdog's last check */
	bool wd_latched;	/* a cause was latched at that check */
	u64 lost_irqs;		/* causes the watchdog served */
	bool gone;
};

void vfcb_82576_pf_hw_init(struct vfcb_82576_pf_hw *hw, void __iomem *bar0);
void vfcb_82576_pf_hw_reset(struct vfcb_82576_pf_hw *hw);
void vfcb_82576_pf_hw_mask_all(struct vfcb_82576_pf_hw *hw);
void vfcb_82576_pf_hw_setup_irq(struct vfcb_82576_pf_hw *hw,
				unsigned int vector, unsigned int itr_us);
void vfcb_82576_pf_hw_vfs_on(struct vfcb_82576_pf_hw *hw,
			     unsigned int num_vfs);
void vfcb_82576_pf_hw_reset_done(struct vfcb_82576_pf_hw *hw);
void vfcb_82576_pf_hw_vfs_off(struct vfcb_82576_pf_hw *hw);
void vfcb_82576_pf_hw_service(struct vfcb_82576_pf_hw *hw,
			      struct vfcb_pf *vfcb, unsigned int vector);
bool vfcb_82576_pf_hw_watchdog(struct vfcb_82576_pf_hw *hw,
			       struct vfcb_pf *vfcb, unsigned int vector);
bool vfcb_82576_pf_hw_poll(struct vfcb_82576_pf_hw *hw, struct vfcb_pf *vfcb,
			   unsigned int vector);
bool vfcb_82576_pf_hw_gone(struct vfcb_82576_pf_hw *hw);

void vfcb_82576_pf_hw_show(struct vfcb_82576_pf_hw *hw, struct seq_file *m);

extern const struct vfcb_pf_transport_ops vfcb_82576_pf_tr_ops;

#endif /* _VFCB_82576_PF_HW_H */
