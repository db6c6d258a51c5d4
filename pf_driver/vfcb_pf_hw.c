// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: register access for the Intel 82576 PF.  The only file of the
 * driver that touches MMIO.  Every access is counted, per VF where it is done
 * on behalf of one VF, so the benchmark can report register accesses per
 * operation.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/pci.h>

#include "vfcb_pf_hw.h"
#include "vfcb_pf_trace.h"

static u32 pf_rd(struct vfcb_pf_hw *hw, u32 reg)
{
	hw->reads++;
	return readl(hw->bar0 + reg);
}

static void pf_wr(struct vfcb_pf_hw *hw, u32 reg, u32 val)
{
	hw->writes++;
	writel(val, hw->bar0 + reg);
}

static u32 vf_rd(struct vfcb_pf_hw_vf *hv, u32 reg)
{
	hv->reads++;
	return readl(hv->hw->bar0 + reg);
}

static void vf_wr(struct vfcb_pf_hw_vf *hv, u32 reg, u32 val)
{
	hv->writes++;
	writel(val, hv->hw->bar0 + reg);
}

void vfcb_pf_hw_init(struct vfcb_pf_hw *hw, const struct pci_dev *pdev,
		     void __iomem *bar0)
{
	hw->bar0 = bar0;
	hw->pdev = pdev;
	hw->reads = 0;
	hw->writes = 0;
}

void vfcb_pf_hw_vf_init(struct vfcb_pf_hw_vf *hv, struct vfcb_pf_hw *hw,
			unsigned int vf)
{
	memset(hv, 0, sizeof(*hv));
	hv->hw = hw;
	hv->vf = vf;
}

/*
 * Global reset, as at power-on: wipes the interrupt set-up and whatever a
 * previous driver (igb) left behind.  Process context; sleeps.
 */
void vfcb_pf_hw_reset(struct vfcb_pf_hw *hw)
{
	pf_wr(hw, VFCB_HW_IMC, ~0u);
	pf_wr(hw, VFCB_HW_EIMC, ~0u);
	pf_wr(hw, VFCB_HW_CTRL, pf_rd(hw, VFCB_HW_CTRL) | VFCB_HW_CTRL_RST);
	/* The 82576 needs about 1 ms; allow ten times that. */
	usleep_range(10000, 20000);
}

/* Mask every interrupt source and drop what is latched. */
void vfcb_pf_hw_mask_all(struct vfcb_pf_hw *hw)
{
	pf_wr(hw, VFCB_HW_IMC, ~0u);
	pf_wr(hw, VFCB_HW_EIMC, ~0u);
	pf_wr(hw, VFCB_HW_MBVFIMR, 0);
	pf_rd(hw, VFCB_HW_ICR);
}

/*
 * Route the "other causes" (the mailbox and VF resets, ICR.VMMB) to MSI-X
 * @vector.  GPIE must be in MSI-X mode with NSICR before any VF programs its
 * own interrupt registers: without MSIX_MODE the VFs' interrupts are never
 * delivered, without NSICR VMMB stays latched after the first interrupt.
 */
void vfcb_pf_hw_setup_irq(struct vfcb_pf_hw *hw, unsigned int vector)
{
	u32 bit = BIT(vector);

	pf_wr(hw, VFCB_HW_GPIE, VFCB_HW_GPIE_MSIX_MODE | VFCB_HW_GPIE_PBA |
				VFCB_HW_GPIE_EIAME | VFCB_HW_GPIE_NSICR);
	pf_wr(hw, VFCB_HW_IVAR_MISC, (vector | VFCB_HW_IVAR_VALID) << 8);
	/* Auto-clear and auto-mask: the IRQ thread re-enables when done. */
	pf_wr(hw, VFCB_HW_EIAC, bit);
	pf_wr(hw, VFCB_HW_EIAM, bit);
	pf_wr(hw, VFCB_HW_EIMS, bit);
	pf_wr(hw, VFCB_HW_MBVFIMR, 0xff);
	pf_wr(hw, VFCB_HW_IMS, VFCB_HW_ICR_VMMB);
}

void vfcb_pf_hw_irq_enable(struct vfcb_pf_hw *hw, unsigned int vector)
{
	pf_wr(hw, VFCB_HW_EIMS, BIT(vector));
}

/* Forget mailbox and reset causes left from a previous set of VFs. */
void vfcb_pf_hw_clear_vf_causes(struct vfcb_pf_hw *hw)
{
	pf_wr(hw, VFCB_HW_MBVFICR, ~0u);
	pf_wr(hw, VFCB_HW_VFLRE, ~0u);
}

/* Tell the VFs the PF is ready: clears their RSTI, sets RSTD. */
void vfcb_pf_hw_pf_reset_done(struct vfcb_pf_hw *hw)
{
	pf_wr(hw, VFCB_HW_CTRL_EXT,
	      pf_rd(hw, VFCB_HW_CTRL_EXT) | VFCB_HW_CTRL_EXT_PFRSTD);
}

u32 vfcb_pf_hw_read_icr(struct vfcb_pf_hw *hw)
{
	return pf_rd(hw, VFCB_HW_ICR);
}

u32 vfcb_pf_hw_read_mbvficr(struct vfcb_pf_hw *hw)
{
	return pf_rd(hw, VFCB_HW_MBVFICR);
}

void vfcb_pf_hw_clear_mbvficr(struct vfcb_pf_hw *hw, u32 bits)
{
	pf_wr(hw, VFCB_HW_MBVFICR, bits);
}

u32 vfcb_pf_hw_read_vflre(struct vfcb_pf_hw *hw)
{
	return pf_rd(hw, VFCB_HW_VFLRE);
}

void vfcb_pf_hw_clear_vflre(struct vfcb_pf_hw *hw, u32 bits)
{
	pf_wr(hw, VFCB_HW_VFLRE, bits);
}

/*
 * After a VF reset: a mailbox lock the VF held is not released by the
 * reset.  Clear it (RVFU) only if it is actually held, since RVFU also
 * clears the VF's pending mailbox causes.  Returns true if it was held.
 */
bool vfcb_pf_hw_release_vf_lock(struct vfcb_pf_hw_vf *hv)
{
	u32 p2v = vf_rd(hv, VFCB_HW_P2VMAILBOX(hv->vf));

	if (!(p2v & VFCB_HW_P2V_VFU))
		return false;
	vf_wr(hv, VFCB_HW_P2VMAILBOX(hv->vf), VFCB_HW_P2V_RVFU);
	return true;
}

/* The VF's message is consumed: the buffer is free and the VF is told. */
void vfcb_pf_hw_ack(struct vfcb_pf_hw_vf *hv)
{
	vf_wr(hv, VFCB_HW_P2VMAILBOX(hv->vf), VFCB_HW_P2V_ACK);
	hv->unread = false;
}

/* ------------------------------------------------- engine transport --- */

static u32 vfcb_pf_tr_read(void *ctx, unsigned int i)
{
	struct vfcb_pf_hw_vf *hv = ctx;
	u32 v;

	if (i >= VFCB_MBX_DWORDS)
		return 0;
	v = vf_rd(hv, VFCB_HW_VMBMEM(hv->vf) + 4 * i);
	if (i == 0)
		memset(hv->rx_dw, 0, sizeof(hv->rx_dw));
	if (i < ARRAY_SIZE(hv->rx_dw))
		hv->rx_dw[i] = v;
	return v;
}

static void vfcb_pf_tr_ack(void *ctx)
{
	struct vfcb_pf_hw_vf *hv = ctx;

	vfcb_pf_hw_ack(hv);
	trace_vfcb_pf_rx(hv->hw->pdev, hv->vf, vfcb_hdr_ndw(hv->rx_dw[0]),
			 hv->rx_dw[0], hv->rx_dw[1], hv->rx_dw[2]);
}

static int vfcb_pf_tr_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct vfcb_pf_hw_vf *hv = ctx;
	u32 mbx = VFCB_HW_P2VMAILBOX(hv->vf);
	unsigned int i;

	if (ndw < 1 || ndw > VFCB_MBX_DWORDS)
		return -EINVAL;
	/* The VF's message is still in the shared buffer: read it first. */
	if (hv->unread) {
		hv->post_unread++;
		return -EBUSY;
	}
	/* Take the PF lock; the hardware refuses it while the VF holds VFU. */
	vf_wr(hv, mbx, VFCB_HW_P2V_PFU);
	if (!(vf_rd(hv, mbx) & VFCB_HW_P2V_PFU)) {
		hv->post_busy++;
		return -EBUSY;
	}
	/* The VF posted since the last cause snapshot: release, read it. */
	if (vf_rd(hv, VFCB_HW_MBVFICR) & VFCB_HW_MBVFICR_VFREQ(hv->vf)) {
		vf_wr(hv, mbx, 0);
		hv->post_unread++;
		return -EBUSY;
	}
	for (i = 0; i < ndw; i++)
		vf_wr(hv, VFCB_HW_VMBMEM(hv->vf) + 4 * i, msg[i]);
	/* STS without PFU: interrupts the VF and releases the lock. */
	vf_wr(hv, mbx, VFCB_HW_P2V_STS);
	trace_vfcb_pf_tx(hv->hw->pdev, hv->vf, ndw - 1, msg[0],
			 ndw > 1 ? msg[1] : 0, ndw > 2 ? msg[2] : 0);
	return 0;
}

const struct vfcb_transport_ops vfcb_pf_hw_tr_ops = {
	.read = vfcb_pf_tr_read,
	.ack = vfcb_pf_tr_ack,
	.post = vfcb_pf_tr_post,
};
