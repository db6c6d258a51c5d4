/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igb_vfcb: the vfcb PF transport inside igb (igb_vfcb.c).  The hooks
 * igb.patch adds to igb_main.c; each one is a no-op while no VF is
 * registered with vfcb.
 */
#ifndef _IGB_VFCB_H
#define _IGB_VFCB_H

#include <linux/types.h>

struct igb_adapter;
struct igb_vfcb;

/* Process context, no lock held: after the VFs exist / before they go. */
void igb_vfcb_start(struct igb_adapter *adapter);
void igb_vfcb_stop(struct igb_adapter *adapter);

/*
 * Process context, no lock held: igb_reset() after its CTRL.RST; the PF
 * going to sleep or into error recovery, and back.
 */
void igb_vfcb_pf_reset(struct igb_adapter *adapter);
void igb_vfcb_suspend(struct igb_adapter *adapter);
void igb_vfcb_resume(struct igb_adapter *adapter);

/* Start of igb_msg_task(), no lock held. */
bool igb_vfcb_lose_irq(struct igb_adapter *adapter);

/* igb_msg_task(), adapter->vfs_lock held. */
bool igb_vfcb_rx(struct igb_adapter *adapter, u32 vf, const u32 *msg);
void igb_vfcb_vf_ack(struct igb_adapter *adapter, u32 vf);
void igb_vfcb_vf_reset(struct igb_adapter *adapter, u32 vf);
void igb_vfcb_flush(struct igb_adapter *adapter);
bool igb_vfcb_igb_msg(struct igb_adapter *adapter, u32 vf, u32 msg);

/* igb_ping_all_vfs(), no lock held. */
bool igb_vfcb_ping(struct igb_adapter *adapter, u32 vf, u32 msg);

/* igb_msg_task(), after dropping adapter->vfs_lock. */
void igb_vfcb_report(struct igb_adapter *adapter);

#endif /* _IGB_VFCB_H */
