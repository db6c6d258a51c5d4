/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igbvf_vfcb: the vfcb VF transport inside igbvf (igbvf_vfcb.c).  The
 * hooks igbvf.patch adds to mbx.c and netdev.c; each one is a no-op while
 * the VF is not registered with vfcb.
 */
#ifndef _IGBVF_VFCB_H
#define _IGBVF_VFCB_H

#include <linux/types.h>

struct e1000_hw;
struct igbvf_adapter;

/* Probe, once igbvf talks to the PF / remove, before the mailbox stops. */
void igbvf_vfcb_probe(struct igbvf_adapter *adapter);
void igbvf_vfcb_remove(struct igbvf_adapter *adapter);

/* mbx.c, hw->mbx_lock held. */
bool igbvf_vfcb_pf_msg(struct e1000_hw *hw);
void igbvf_vfcb_read(struct e1000_hw *hw, u32 *msg);
void igbvf_vfcb_tx_wait(struct e1000_hw *hw);
void igbvf_vfcb_rst(struct e1000_hw *hw);
void igbvf_vfcb_vf_reset(struct e1000_hw *hw);

/* The mailbox interrupt (hard IRQ). */
void igbvf_vfcb_irq(struct e1000_hw *hw);

#endif /* _IGBVF_VFCB_H */
