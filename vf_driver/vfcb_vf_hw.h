/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf: register access to an Intel 82576 VF (8086:10ca).  This is the
 * only part of the driver that touches MMIO.
 *
 * Locking: none inside.  The caller serializes every call for one
 * struct vfcb_vf_hw with the lock that also covers its protocol endpoint
 * (struct vfcb_vf::lock); nothing here sleeps.
 */
#ifndef _VFCB_VF_HW_H
#define _VFCB_VF_HW_H

#include <linux/types.h>
#include "vfcb_proto.h"

/* VF registers (byte offsets in BAR0). */
#define VFCB_VF_CTRL		0x0000
#define VFCB_VF_CTRL_RST	0x04000000u
#define VFCB_VF_VMBMEM		0x0800
#define VFCB_VF_V2PMAILBOX	0x0c40
#define VFCB_VF_EIMS		0x1524
#define VFCB_VF_EIMC		0x1528
#define VFCB_VF_EIAC		0x152c
#define VFCB_VF_EIAM		0x1530
#define VFCB_VF_IVAR_MISC	0x1740
#define VFCB_VF_IVAR_VALID	0x80u

/* V2PMAILBOX bits. */
#define VFCB_MBX_REQ		0x01u	/* VF: message for the PF */
#define VFCB_MBX_ACK		0x02u	/* VF: PF's message consumed */
#define VFCB_MBX_VFU		0x04u	/* VF holds the buffer */
#define VFCB_MBX_PFU		0x08u	/* PF holds the buffer */
#define VFCB_MBX_PFSTS		0x10u	/* PF posted a message (clear on read) */
#define VFCB_MBX_PFACK		0x20u	/* PF consumed ours (clear on read) */
#define VFCB_MBX_RSTI		0x40u	/* PF in reset */
#define VFCB_MBX_RSTD		0x80u	/* PF reset done (clear on read) */
#define VFCB_MBX_COR		(VFCB_MBX_PFSTS | VFCB_MBX_PFACK | VFCB_MBX_RSTD)

/* The VF has three MSI-X vectors. */
#define VFCB_VF_NVEC		3
#define VFCB_VF_VEC_MASK	0x7u

/**
 * struct vfcb_vf_hw - one VF's registers
 * @regs: BAR0, NULL once detached (every access then is a no-op and reads
 *	return all ones, which reads as "PF in reset")
 * @mbx_cor: clear-on-read V2PMAILBOX bits seen and not yet consumed
 * @mbx_last: the last value read from V2PMAILBOX
 * @trace_id: PCI domain/bus/devfn for tracepoints
 * @mmio_reads: register reads done
 * @mmio_writes: register writes done
 */
struct vfcb_vf_hw {
	void __iomem *regs;
	u32 mbx_cor;
	u32 mbx_last;
	u32 trace_id;
	u64 mmio_reads;
	u64 mmio_writes;
};

void vfcb_vf_hw_init(struct vfcb_vf_hw *hw, void __iomem *regs, u32 trace_id);
void vfcb_vf_hw_detach(struct vfcb_vf_hw *hw);

/* Read V2PMAILBOX, folding its clear-on-read bits into @hw->mbx_cor;
 * returns the level bits just read OR-ed with every unconsumed COR bit.
 */
u32 vfcb_vf_hw_mbx_read(struct vfcb_vf_hw *hw);
/* Consume COR bits: returns those of @bits that were pending, clears them. */
u32 vfcb_vf_hw_mbx_take(struct vfcb_vf_hw *hw, u32 bits);

/* Program IVAR_MISC (mailbox on @mbx_vector) and EIAC/EIAM/EIMS for every
 * vector.  Needed after each PF reset: the PF's reset wipes them.
 */
void vfcb_vf_hw_irq_setup(struct vfcb_vf_hw *hw, unsigned int mbx_vector);
/* Unmask every vector again (they are auto-masked when they fire). */
void vfcb_vf_hw_irq_rearm(struct vfcb_vf_hw *hw);
void vfcb_vf_hw_irq_disable(struct vfcb_vf_hw *hw);
/* Request a VF reset (CTRL.RST): the PF sees VFLRE. */
void vfcb_vf_hw_reset(struct vfcb_vf_hw *hw);

/* Transport of the protocol engine; ctx is the struct vfcb_vf_hw. */
extern const struct vfcb_transport_ops vfcb_vf_hw_transport_ops;

#endif /* _VFCB_VF_HW_H */
