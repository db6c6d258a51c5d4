// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_vf: the Intel 82576 VF's mailbox as a vfcb transport.  The
 * only file of the driver that touches MMIO: it turns V2PMAILBOX into the
 * core's events (include/vfcb_vf_transport.h) and moves dwords.
 *
 * V2PMAILBOX has three clear-on-read bits (PFSTS, PFACK, RSTD): every read
 * of the register, wherever it happens (the interrupt handler, ->poll, or
 * ->post taking the VFU lock), folds them into hw->mbx_cor, and they leave
 * it only when reported, so no event is lost to a read made for another
 * purpose.  ->post runs under the core's lock and cannot report: what it
 * folds is reported by the next interrupt or ->poll (the core polls after
 * a refused post).
 *
 * RSTI set (or all ones: the device is gone) means the PF is in reset and
 * the buffer means nothing: pending PFSTS/PFACK are dropped and only "PF in
 * reset" is reported.  RSTD, "reset done", raises no interrupt: the core
 * finds it through ->poll.
 *
 * Events are collected under hw->lock and reported after dropping it: the
 * core calls ->post under its own lock and ->post takes hw->lock, so the
 * order is core lock, then hw->lock, never the reverse.
 */
#include <linux/io.h>
#include <linux/jiffies.h>

#include "vfcb_82576_vf_hw.h"

#define VFCB_82576_EV_SENT	BIT(0)
#define VFCB_82576_EV_CONSUMED	BIT(1)
#define VFCB_82576_EV_RESET	BIT(2)
#define VFCB_82576_EV_RESET_DONE BIT(3)
#define VFCB_82576_EV_GONE	BIT(4)

/* An FLR takes about 100 ms, AER recovery seconds: past this, go on. */
#define VFCB_82576_VF_RESET_MAX	(10 * HZ)

/* ------------------------------------------- registers (hw->lock) --- */

static u32 vfcb_vf_rd(struct vfcb_82576_vf_hw *hw, u32 reg)
{
	if (!hw->regs)
		return ~0u;
	hw->mmio_reads++;
	return readl(hw->regs + reg);
}

static void vfcb_vf_wr(struct vfcb_82576_vf_hw *hw, u32 reg, u32 val)
{
	if (!hw->regs)
		return;
	hw->mmio_writes++;
	writel(val, hw->regs + reg);
}

/*
 * Read V2PMAILBOX, folding its clear-on-read bits into hw->mbx_cor;
 * returns the level bits just read OR-ed with every unreported COR bit.
 */
static u32 vfcb_vf_mbx_read(struct vfcb_82576_vf_hw *hw)
{
	u32 v = vfcb_vf_rd(hw, VFCB_VF_V2PMAILBOX);

	hw->mbx_last = v;
	/* All ones: the device is gone (surprise removal); do not fold. */
	if (v == ~0u)
		return v;
	hw->mbx_cor |= v & VFCB_MBX_COR;
	return (v & ~VFCB_MBX_COR) | hw->mbx_cor;
}

/*
 * Between reset_prepare and reset_done; bounded, since a recovery the
 * kernel abandons calls no reset_done (a PF reset must still revive us).
 */
static bool vfcb_vf_in_reset(struct vfcb_82576_vf_hw *hw)
{
	return hw->in_reset && time_before(jiffies, hw->reset_until);
}

/* Consume COR bits: returns those of @bits that were pending, clears them. */
static u32 vfcb_vf_mbx_take(struct vfcb_82576_vf_hw *hw, u32 bits)
{
	u32 got = hw->mbx_cor & bits;

	hw->mbx_cor &= ~got;
	return got;
}

/*
 * Look at the mailbox and take the events to report to @hw->vf, in the
 * order the core must see them.  *@ready: the PF is not in reset.
 */
static unsigned int vfcb_vf_collect(struct vfcb_82576_vf_hw *hw, bool *ready)
{
	unsigned int ev = 0;
	u32 mbx;

	/* The VF's own reset: nothing to see until it is done. */
	if (vfcb_vf_in_reset(hw)) {
		*ready = false;
		return 0;
	}
	mbx = vfcb_vf_mbx_read(hw);

	/*
	 * All ones reads as RSTI ("PF in reset") too; with the VF absent from
	 * config space as well it is a surprise removal, which no reset ends.
	 */
	if (mbx == ~0u && hw->regs && !pci_device_is_present(hw->pdev)) {
		*ready = false;
		return hw->vf ? VFCB_82576_EV_GONE : 0;
	}
	if (mbx & VFCB_MBX_RSTI) {
		vfcb_vf_mbx_take(hw, VFCB_MBX_PFSTS | VFCB_MBX_PFACK);
		hw->pf_unread = false;	/* the buffer means nothing now */
		*ready = false;
		return VFCB_82576_EV_RESET;
	}
	*ready = true;
	if (!hw->vf)
		return 0;	/* keep the COR bits for when we may report */
	if (vfcb_vf_mbx_take(hw, VFCB_MBX_PFACK))
		ev |= VFCB_82576_EV_CONSUMED;
	if (vfcb_vf_mbx_take(hw, VFCB_MBX_PFSTS)) {
		/* Unread until the core acks it: see vfcb_82576_post(). */
		hw->pf_unread = true;
		ev |= VFCB_82576_EV_SENT;
	}
	if (vfcb_vf_mbx_take(hw, VFCB_MBX_RSTD))
		ev |= VFCB_82576_EV_RESET_DONE;
	return ev;
}

static void vfcb_vf_deliver(struct vfcb_vf *vf, unsigned int ev)
{
	if (ev & VFCB_82576_EV_GONE) {
		vfcb_vf_surprise_removed(vf);
		return;
	}
	if (ev & VFCB_82576_EV_RESET) {
		vfcb_vf_pf_reset(vf, false);
		return;
	}
	if (ev & VFCB_82576_EV_CONSUMED)
		vfcb_vf_pf_consumed(vf);
	if (ev & VFCB_82576_EV_SENT)
		vfcb_vf_pf_sent(vf);
	if (ev & VFCB_82576_EV_RESET_DONE)
		vfcb_vf_pf_reset(vf, true);
}

/*
 * Collect under hw->lock, report without it.  Returns the PF's readiness.
 *
 * One reporter at a time (the interrupt handler on one CPU, ->poll on
 * another): a second one only folds the register into hw->mbx_cor and
 * makes the first collect again, so the core sees the events in the
 * order the register showed them (our message consumed before the PF's
 * answer to it).
 */
static bool vfcb_vf_report(struct vfcb_82576_vf_hw *hw, bool irq)
{
	struct vfcb_vf *vf;
	unsigned long flags;
	unsigned int ev;
	bool ready;

	spin_lock_irqsave(&hw->lock, flags);
	if (irq)
		hw->irqs++;
	if (hw->reporting) {
		ready = !vfcb_vf_in_reset(hw) &&
			!(vfcb_vf_mbx_read(hw) & VFCB_MBX_RSTI);
		hw->report_again = true;
		spin_unlock_irqrestore(&hw->lock, flags);
		return ready;
	}
	hw->reporting = true;
	ev = vfcb_vf_collect(hw, &ready);
	for (;;) {
		vf = hw->vf;
		spin_unlock_irqrestore(&hw->lock, flags);
		if (vf && ev)
			vfcb_vf_deliver(vf, ev);
		spin_lock_irqsave(&hw->lock, flags);
		if (!hw->report_again)
			break;
		hw->report_again = false;
		ev = vfcb_vf_collect(hw, &ready);
	}
	hw->reporting = false;
	spin_unlock_irqrestore(&hw->lock, flags);
	return ready;
}

/* ---------------------------------------------------- driver verbs --- */

void vfcb_82576_vf_hw_init(struct vfcb_82576_vf_hw *hw, struct pci_dev *pdev,
			   void __iomem *regs, unsigned int mbx_vector)
{
	spin_lock_init(&hw->lock);
	hw->pdev = pdev;
	hw->regs = regs;
	hw->vf = NULL;
	hw->reporting = false;
	hw->report_again = false;
	hw->mbx_vector = mbx_vector;
	hw->mbx_cor = 0;
	hw->pf_unread = false;
	hw->in_reset = false;
	hw->mbx_last = 0;
}

void vfcb_82576_vf_hw_attach(struct vfcb_82576_vf_hw *hw, struct vfcb_vf *vf)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	hw->vf = vf;
	hw->pf_unread = false;	/* no core has a message to ack */
	spin_unlock_irqrestore(&hw->lock, flags);
}

void vfcb_82576_vf_hw_unmap(struct vfcb_82576_vf_hw *hw)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	hw->regs = NULL;
	hw->mbx_cor = 0;
	spin_unlock_irqrestore(&hw->lock, flags);
}

void vfcb_82576_vf_hw_irq_disable(struct vfcb_82576_vf_hw *hw)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_EIMC, VFCB_VF_VEC_MASK);
	spin_unlock_irqrestore(&hw->lock, flags);
}

void vfcb_82576_vf_hw_reset(struct vfcb_82576_vf_hw *hw)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_CTRL, VFCB_VF_CTRL_RST);
	spin_unlock_irqrestore(&hw->lock, flags);
}

/*
 * The VF itself is reset (FLR through sysfs or by vfio, AER recovery,
 * resume): its interrupt set-up and mailbox are wiped, and the PF forgets
 * its handshake.  Reported to the core as a reset of the mailbox: what is
 * in flight is void; after it, a handshake at once (which rearms the
 * interrupts) instead of waiting for a request to find the PF NOT_READY.
 */
void vfcb_82576_vf_hw_reset_prepare(struct vfcb_82576_vf_hw *hw)
{
	struct vfcb_vf *vf;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_EIMC, VFCB_VF_VEC_MASK);
	hw->mbx_cor = 0;
	hw->pf_unread = false;	/* the core will not ack a message now */
	hw->in_reset = true;
	hw->reset_until = jiffies + VFCB_82576_VF_RESET_MAX;
	vf = hw->vf;
	spin_unlock_irqrestore(&hw->lock, flags);
	if (vf)
		vfcb_vf_pf_reset(vf, false);
}

void vfcb_82576_vf_hw_reset_done(struct vfcb_82576_vf_hw *hw)
{
	struct vfcb_vf *vf;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	/*
	 * A PFSTS or PFACK still latched is from before the reset, which
	 * the PF forgot with it (it posts nothing to a VF that has not
	 * handshaken, and the core posted nothing since reset_prepare):
	 * read it away, or the core reads that message and acks it, an ack
	 * the PF counts against the VF.  RSTI, a level, is still seen.
	 */
	vfcb_vf_rd(hw, VFCB_VF_V2PMAILBOX);
	hw->mbx_cor = 0;
	hw->in_reset = false;
	vf = hw->vf;
	spin_unlock_irqrestore(&hw->lock, flags);
	if (vf)
		vfcb_vf_pf_reset(vf, true);
}

void vfcb_82576_vf_hw_show(struct seq_file *m, struct vfcb_82576_vf_hw *hw)
{
	u64 irqs, rd, wr;
	unsigned long flags;
	u32 mbx;

	spin_lock_irqsave(&hw->lock, flags);
	irqs = hw->irqs;
	rd = hw->mmio_reads;
	wr = hw->mmio_writes;
	mbx = hw->mbx_last;
	spin_unlock_irqrestore(&hw->lock, flags);

	seq_printf(m, "irqs: %llu\nmmio_reads: %llu\nmmio_writes: %llu\n",
		   irqs, rd, wr);
	seq_printf(m, "mailbox_last: %#x\n", mbx);
}

/*
 * Every vector gets this handler: the mailbox cause fires vector
 * mbx_vector on silicon, the one below it in QEMU.  The vectors are
 * auto-masked when they fire (EIAM): unmask them again at the end.
 */
irqreturn_t vfcb_82576_vf_hw_irq(int irq, void *data)
{
	struct vfcb_82576_vf_hw *hw = data;
	unsigned long flags;

	vfcb_vf_report(hw, true);
	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_EIMS, VFCB_VF_VEC_MASK);
	spin_unlock_irqrestore(&hw->lock, flags);
	return IRQ_HANDLED;
}

/* ------------------------------------------------- transport ops --- */

static u32 vfcb_82576_read(void *priv, unsigned int i)
{
	struct vfcb_82576_vf_hw *hw = priv;
	unsigned long flags;
	u32 v;

	spin_lock_irqsave(&hw->lock, flags);
	v = vfcb_vf_rd(hw, VFCB_VF_VMBMEM + 4 * i);
	spin_unlock_irqrestore(&hw->lock, flags);
	return v;
}

static void vfcb_82576_ack(void *priv)
{
	struct vfcb_82576_vf_hw *hw = priv;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, VFCB_MBX_ACK);
	hw->pf_unread = false;
	spin_unlock_irqrestore(&hw->lock, flags);
}

/*
 * Take the buffer (VFU, granted only if the PF does not hold it), refuse
 * while a PF message is unread (the buffer is shared by both directions),
 * write the message, then REQ: it releases VFU and interrupts the PF.
 *
 * "Unread" is PFSTS not yet reported, and also a message reported and not
 * yet acked (@pf_unread): between vfcb_vf_report() taking PFSTS and the
 * core reading the buffer under its own lock, a request being submitted
 * on another CPU would otherwise find PFSTS clear and overwrite the PF's
 * message; the core then reads its own request back, drops it ("bad
 * header flags") and acks it, and the PF takes the ack for its message.
 * An invalidation was lost that way (soak.sh's control loop).
 */
static int vfcb_82576_post(void *priv, const u32 *msg, unsigned int ndw)
{
	struct vfcb_82576_vf_hw *hw = priv;
	unsigned long flags;
	unsigned int i;
	int err = -EBUSY;
	u32 mbx;

	spin_lock_irqsave(&hw->lock, flags);
	if (!hw->regs || hw->pf_unread || vfcb_vf_in_reset(hw))
		goto out;
	vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, VFCB_MBX_VFU);
	mbx = vfcb_vf_mbx_read(hw);
	if (mbx == ~0u || !(mbx & VFCB_MBX_VFU))
		goto out;
	if (mbx & VFCB_MBX_PFSTS) {
		vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, 0);
		goto out;
	}
	for (i = 0; i < ndw; i++)
		vfcb_vf_wr(hw, VFCB_VF_VMBMEM + 4 * i, msg[i]);
	vfcb_vf_wr(hw, VFCB_VF_V2PMAILBOX, VFCB_MBX_REQ);
	err = 0;
out:
	spin_unlock_irqrestore(&hw->lock, flags);
	return err;
}

static bool vfcb_82576_poll(void *priv)
{
	return vfcb_vf_report(priv, false);
}

/*
 * IVAR_MISC (mailbox on mbx_vector), EIAC/EIAM/EIMS for every vector.
 * Needed after each PF reset: the PF's reset wipes them.
 */
static void vfcb_82576_rearm(void *priv)
{
	struct vfcb_82576_vf_hw *hw = priv;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	vfcb_vf_wr(hw, VFCB_VF_IVAR_MISC, hw->mbx_vector | VFCB_VF_IVAR_VALID);
	vfcb_vf_wr(hw, VFCB_VF_EIAC, VFCB_VF_VEC_MASK);
	vfcb_vf_wr(hw, VFCB_VF_EIAM, VFCB_VF_VEC_MASK);
	vfcb_vf_wr(hw, VFCB_VF_EIMS, VFCB_VF_VEC_MASK);
	spin_unlock_irqrestore(&hw->lock, flags);
}

const struct vfcb_vf_transport_ops vfcb_82576_vf_hw_ops = {
	.read = vfcb_82576_read,
	.ack = vfcb_82576_ack,
	.post = vfcb_82576_post,
	.poll = vfcb_82576_poll,
	.rearm = vfcb_82576_rearm,
};
