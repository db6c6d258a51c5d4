/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf: the Intel 82576 PF registers vfcb uses.  vfcb_pf_hw.c is the only
 * file that touches MMIO; everything else goes through these functions.
 */
#ifndef _VFCB_PF_HW_H
#define _VFCB_PF_HW_H

#include <linux/types.h>
#include <linux/bits.h>

#include "vfcb_proto.h"

struct pci_dev;

/* PF BAR0 registers (byte offsets) */
#define VFCB_HW_CTRL		0x00000
#define VFCB_HW_CTRL_RST	0x04000000
#define VFCB_HW_CTRL_EXT	0x00018
#define VFCB_HW_CTRL_EXT_PFRSTD	0x00004000
#define VFCB_HW_ICR		0x000c0
#define VFCB_HW_IMS		0x000d0
#define VFCB_HW_IMC		0x000d8
#define VFCB_HW_ICR_VMMB	0x00000100
#define VFCB_HW_GPIE		0x01514
#define VFCB_HW_GPIE_NSICR	0x00000001
#define VFCB_HW_GPIE_MSIX_MODE	0x00000010
#define VFCB_HW_GPIE_EIAME	0x40000000
#define VFCB_HW_GPIE_PBA	0x80000000
#define VFCB_HW_EIMS		0x01524
#define VFCB_HW_EIMC		0x01528
#define VFCB_HW_EIAC		0x0152c
#define VFCB_HW_EIAM		0x01530
#define VFCB_HW_IVAR_MISC	0x01740
#define VFCB_HW_IVAR_VALID	0x80
#define VFCB_HW_VMBMEM(vf)	(0x00800 + 64 * (vf))
#define VFCB_HW_P2VMAILBOX(vf)	(0x00c00 + 4 * (vf))
#define VFCB_HW_P2V_STS		0x00000001
#define VFCB_HW_P2V_ACK		0x00000002
#define VFCB_HW_P2V_VFU		0x00000004
#define VFCB_HW_P2V_PFU		0x00000008
#define VFCB_HW_P2V_RVFU	0x00000010
#define VFCB_HW_MBVFICR		0x00c80
#define VFCB_HW_MBVFICR_VFREQ(vf)	BIT(vf)
#define VFCB_HW_MBVFICR_VFACK(vf)	BIT(16 + (vf))
#define VFCB_HW_MBVFIMR		0x00c84
#define VFCB_HW_VFLRE		0x00c88
/*
 * Deliberately absent: the VF's V2PMAILBOX (0xc40 + 4 * vf).  QEMU lets the
 * PF read it there and the read clears the VF's PFSTS/PFACK/RSTD bits, so
 * the PF must never read it.
 */

/* The PF's MMIO window and the accesses not attributable to one VF. */
struct vfcb_pf_hw {
	void __iomem *bar0;
	const struct pci_dev *pdev;	/* for tracepoints only */
	/*
	 * Counters of PF-wide accesses (cause snapshot, bring-up), updated
	 * by the mailbox service under its mutex or during probe/remove.
	 */
	u64 reads;
	u64 writes;
};

/*
 * One VF's mailbox, the context of its struct vfcb_transport.  Every field
 * is protected by the owning VF's spinlock (struct vfcb_pf_vf.lock), which
 * the engine's transport callbacks always run under.
 */
struct vfcb_pf_hw_vf {
	struct vfcb_pf_hw *hw;
	unsigned int vf;
	/*
	 * The VF posted a message the PF has not consumed yet.  Set by the
	 * cause snapshot before it clears the VF's VFREQ bit in MBVFICR, and
	 * cleared by ack: post() refuses while it is set, so a PF message can
	 * never overwrite a VF message sitting unread in the shared buffer.
	 */
	bool unread;
	u32 rx_dw[3];		/* first dwords of the message read, for tracing */
	u64 reads;		/* MMIO reads on behalf of this VF */
	u64 writes;		/* MMIO writes on behalf of this VF */
	u64 post_busy;		/* posts refused: PF lock not granted */
	u64 post_unread;	/* posts refused: VF message unread */
};

extern const struct vfcb_transport_ops vfcb_pf_hw_tr_ops;

void vfcb_pf_hw_init(struct vfcb_pf_hw *hw, const struct pci_dev *pdev,
		     void __iomem *bar0);
void vfcb_pf_hw_vf_init(struct vfcb_pf_hw_vf *hv, struct vfcb_pf_hw *hw,
			unsigned int vf);
void vfcb_pf_hw_reset(struct vfcb_pf_hw *hw);
void vfcb_pf_hw_mask_all(struct vfcb_pf_hw *hw);
void vfcb_pf_hw_setup_irq(struct vfcb_pf_hw *hw, unsigned int vector);
void vfcb_pf_hw_irq_enable(struct vfcb_pf_hw *hw, unsigned int vector);
void vfcb_pf_hw_clear_vf_causes(struct vfcb_pf_hw *hw);
void vfcb_pf_hw_pf_reset_done(struct vfcb_pf_hw *hw);
u32 vfcb_pf_hw_read_icr(struct vfcb_pf_hw *hw);
u32 vfcb_pf_hw_read_mbvficr(struct vfcb_pf_hw *hw);
void vfcb_pf_hw_clear_mbvficr(struct vfcb_pf_hw *hw, u32 bits);
u32 vfcb_pf_hw_read_vflre(struct vfcb_pf_hw *hw);
void vfcb_pf_hw_clear_vflre(struct vfcb_pf_hw *hw, u32 bits);
bool vfcb_pf_hw_release_vf_lock(struct vfcb_pf_hw_vf *hv);
void vfcb_pf_hw_ack(struct vfcb_pf_hw_vf *hv);

#endif /* _VFCB_PF_HW_H */
