/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_82576_vf: the Intel 82576 VF's mailbox as a vfcb transport
 * (include/vfcb_vf_transport.h).  vfcb_82576_vf_hw.c is the only file of
 * the driver that touches MMIO; it turns registers into the core's events.
 */
#ifndef _VFCB_82576_VF_HW_H
#define _VFCB_82576_VF_HW_H

#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "vfcb_vf_transport.h"

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

/* The mailbox buffer: 16 dwords. */
#define VFCB_VF_MBX_DWORDS	16

/* The VF has three MSI-X vectors. */
#define VFCB_VF_NVEC		3
#define VFCB_VF_VEC_MASK	0x7u

/**
 * struct vfcb_82576_vf_hw - one VF's registers and mailbox
 * @lock: protects every field below; taken inside the transport ops (so
 *	after the core's lock), in the interrupt handler and in ->poll, and
 *	never held while calling the core's event functions
 * @pdev: the VF, for telling a surprise removal from a PF reset
 * @regs: BAR0, NULL once unmapped (accesses are then no-ops and reads
 *	return all ones, which reads as "PF in reset")
 * @vf: the core's handle, NULL while events must not be reported (before
 *	registration completes, from detach on); the clear-on-read bits wait
 *	in @mbx_cor meanwhile
 * @reporting: a caller is reporting events to the core (see
 *	vfcb_vf_report())
 * @report_again: another caller saw the register meanwhile: collect again
 * @mbx_vector: MSI-X vector the mailbox cause is programmed on
 * @mbx_cor: clear-on-read V2PMAILBOX bits seen and not yet reported
 * @pf_unread: a PF message was reported (PFSTS taken) and the core has not
 *	acked it yet: the buffer still holds it, ->post must not overwrite it
 * @in_reset: the VF itself is being reset (from reset_prepare to
 *	reset_done, or @reset_until at the latest): the mailbox is not
 *	looked at and nothing is posted
 * @reset_until: jiffies when @in_reset stops counting
 * @mbx_last: the last value read from V2PMAILBOX
 * @irqs: interrupts handled
 * @mmio_reads: register reads done
 * @mmio_writes: register writes done
 */
struct vfcb_82576_vf_hw {
	spinlock_t lock;	/* see above: after the core's lock */
	struct pci_dev *pdev;
	void __iomem *regs;
	struct vfcb_vf *vf;
	bool reporting;
	bool report_again;
	unsigned int mbx_vector;
	u32 mbx_cor;
	bool pf_unread;
	bool in_reset;
	unsigned long reset_until;
	u32 mbx_last;
	u64 irqs;
	u64 mmio_reads;
	u64 mmio_writes;
};

void vfcb_82576_vf_hw_init(struct vfcb_82576_vf_hw *hw, struct pci_dev *pdev,
			   void __iomem *regs, unsigned int mbx_vector);
/* Report events to @vf from now on (NULL: stop; see the struct). */
void vfcb_82576_vf_hw_attach(struct vfcb_82576_vf_hw *hw, struct vfcb_vf *vf);
/* Forget BAR0: every later access is a no-op. */
void vfcb_82576_vf_hw_unmap(struct vfcb_82576_vf_hw *hw);

/* Mask every vector. */
void vfcb_82576_vf_hw_irq_disable(struct vfcb_82576_vf_hw *hw);
/* Around a reset of the VF by the PCI core: tell the vfcb core. */
void vfcb_82576_vf_hw_reset_prepare(struct vfcb_82576_vf_hw *hw);
void vfcb_82576_vf_hw_reset_done(struct vfcb_82576_vf_hw *hw);
/* Request a VF reset (CTRL.RST): the PF sees VFLRE. */
void vfcb_82576_vf_hw_reset(struct vfcb_82576_vf_hw *hw);

/* debugfs "name value" lines: irqs, register accesses, last V2PMAILBOX. */
void vfcb_82576_vf_hw_show(struct seq_file *m, struct vfcb_82576_vf_hw *hw);

/* Hard IRQ handler of every vector; @data is the struct vfcb_82576_vf_hw. */
irqreturn_t vfcb_82576_vf_hw_irq(int irq, void *data);

/* The transport's ops; priv is the struct vfcb_82576_vf_hw. */
extern const struct vfcb_vf_transport_ops vfcb_82576_vf_hw_ops;

#endif /* _VFCB_82576_VF_HW_H */
