// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: register access to an Intel 82576 VF, and the mailbox transport
 * of the protocol engine.  The only file of the driver that touches MMIO.
 *
 * V2PMAILBOX has three clear-on-read bits (PFSTS, PFACK, RSTD): every read
 * of the register, wherever it happens, folds them into hw->mbx_cor, and
 * they leave it only through vfcb_vf_hw_mbx_take(), so no event is lost to
 * a read made for another purpose (such as taking the VFU lock).
 */
#include <linux/io.h>

#include "vfcb_vf_hw.h"
#include "vfcb_vf_trace.h"

static u32 vfcb_vf_rd(struct vfcb_vf_hw *hw, u32 reg)
{
	if (!hw->regs)
		return ~0u;
	hw->mmio_reads++;
	return readl(hw->regs + reg);
}

static void vfcb_vf_wr(struct vfcb_vf_hw *hw, u32 reg, u32 val)
{
	if (!hw->regs)
		return;
	hw->mmio_writes++;
	writel(val, hw->regs + reg);
}

void vfcb_vf_hw_init(struct vfcb_vf_hw *hw, void __iomem *regs, u32 trace_id)
{
	hw->regs = regs;
	hw->mbx_cor = 0;
	hw->mbx_last = 0;
	hw->trace_id = trace_id;
	hw->mmio_reads = 0;
	hw->mmio_writes = 0;
}

void vfcb_vf_hw_detach(struct vfcb_vf_hw *hw)
{
	hw->regs = NULL;
	hw->mbx_cor = 0;
}

u32 vfcb_vf_hw_mbx_read(struct vfcb_vf_hw *hw)
{
	u32 v = vfcb_vf_rd(hw, VFCB_VF_V2PMAILBOX);

	/* All ones: the device is gone (surprise removal); do not fold. */
	if (v == ~0u) {
		hw->mbx_last = v;
		return v;
	}
	hw->mbx_cor |= v & VFCB_MBX_COR;
	hw->mbx_last = v;
	return (v & ~VFCB_MBX_COR) | hw->mbx_cor;
}

u32 vfcb_vf_hw_mbx_take(struct vfcb_vf_hw *hw, u32 bits)
{
	u32 got = hw->mbx_cor & bits;

	hw->mbx_cor &= ~got;
	return got;
}

void vfcb_vf_hw_irq_setup(struct vfcb_vf_hw *hw, unsigned int mbx_vector)
{
	vfcb_vf_wr(hw, VFCB_VF_IVAR_MISC, mbx_vector | VFCB_VF_IVAR_VALID);
	vfcb_vf_wr(hw, VFCB_VF_EIAC, VFCB_VF_VEC_MASK);
	vfcb_vf_wr(hw, VFCB_VF_EIAM, VFCB_VF_VEC_MASK);
	vfcb_vf_wr(hw, VFCB_VF_EIMS, VFCB_VF_VEC_MASK);
}

void vfcb_vf_hw_irq_rearm(struct vfcb_vf_hw *hw)
{
	vfcb_vf_wr(hw, VFCB_VF_EIMS, VFCB_VF_VEC_MASK);
}

void vfcb_vf_hw_irq_disable(struct vfcb_vf_hw *hw)
{
	vfcb_vf_wr(hw, VFCB_VF_EIMC, VFCB_VF_VEC_MASK);
}

void vfcb_vf_hw_reset(struct vfcb_vf_hw *hw)
{
	vfcb_vf_wr(hw, VFCB_VF_CTRL, VFCB_VF_CTRL_RST);
}

/* ------------------------------------------------ engine transport --- */

static u32 vfcb_vf_tr_read(void *ctx, unsigned int i)
{
	struct vfcb_vf_hw *hw = ctx;
	u32 v = vfcb_vf_rd(hw, VFCB_VF_VMBMEM + 4 * i);

	if (i == 0)
		trace_vfcb_vf_msg_rx(hw->trace_id, v,
				     (v & VFCB_HDR_NDW_MASK) >> VFCB_HDR_NDW_SHIFT);
	return v;
}

static void vfcb_vf_tr_ack(void *ctx)
{
	vfcb_vf_wr(ctx, VFCB_VF_V2PMAILBOX, VFCB_MBX_ACK);
}

/*
 * Take the buffer (VFU, granted only if the PF does not hold it), refuse
 * while a PF message is unread (the buffer is shared by both directions),
 * write the message, then REQ: it releases VFU and interrupts the PF.
 */
static int vfcb_vf_tr_post(void *ctx, const u32 *msg, unsigned int ndw)
{
	struct vfcb_vf_hw *hw = ctx;
	unsigned int i;
	u32 mbx;

	if (!hw->regs)
		return -EBUSY;
	vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, VFCB_MBX_VFU);
	mbx = vfcb_vf_hw_mbx_read(hw);
	if (mbx == ~0u || !(mbx & VFCB_MBX_VFU))
		return -EBUSY;
	if (mbx & VFCB_MBX_PFSTS) {
		vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, 0);
		return -EBUSY;
	}
	for (i = 0; i < ndw; i++)
		vfcb_vf_wr(hw, VFCB_VF_VMBMEM + 4 * i, msg[i]);
	vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, VFCB_MBX_REQ);
	trace_vfcb_vf_msg_tx(hw->trace_id, msg[0], ndw);
	return 0;
}

const struct vfcb_transport_ops vfcb_vf_hw_transport_ops = {
	.read = vfcb_vf_tr_read,
	.ack = vfcb_vf_tr_ack,
	.post = vfcb_vf_tr_post,
};
