// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_pf: the Intel 82576 PF's registers, turned into vfcb events.
 * The only file of the driver that touches MMIO.
 *
 * Each VF has a 16-dword buffer (VMBMEM) shared by both directions and a
 * PF-side control register (P2VMAILBOX).  A VF's message sets its VFREQ bit
 * in MBVFICR, the VF's ack of ours its VFACK bit, a VF reset its bit in
 * VFLRE; any of them raises the "other causes" interrupt.  The handler
 * turns those bits into vfcb_pf_vf_sent(), _consumed() and _reset().
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/pci.h>

#include "vfcb_82576_pf_hw.h"

/* PF BAR0 registers (byte offsets) */
#define VFCB_82576_CTRL		0x00000
#define VFCB_82576_CTRL_RST	0x04000000
#define VFCB_82576_CTRL_EXT	0x00018
#define VFCB_82576_CTRL_EXT_PFRSTD	0x00004000
#define VFCB_82576_ICR		0x000c0
#define VFCB_82576_IMS		0x000d0
#define VFCB_82576_IMC		0x000d8
#define VFCB_82576_ICR_VMMB	0x00000100
#define VFCB_82576_GPIE		0x01514
#define VFCB_82576_GPIE_NSICR	0x00000001
#define VFCB_82576_GPIE_MSIX_MODE	0x00000010
#define VFCB_82576_GPIE_EIAME	0x40000000
#define VFCB_82576_GPIE_PBA	0x80000000
#define VFCB_82576_EICS		0x01520
#define VFCB_82576_EIMS		0x01524
#define VFCB_82576_EIMC		0x01528
#define VFCB_82576_EIAC		0x0152c
#define VFCB_82576_EIAM		0x01530
#define VFCB_82576_EITR(n)	(0x01680 + 4 * (n))
#define VFCB_82576_EITR_US_SHIFT	2	/* interval in us, bits 14:2 */
#define VFCB_82576_EITR_MAX_US	0x1fff
#define VFCB_82576_IVAR_MISC	0x01740
#define VFCB_82576_IVAR_VALID	0x80
#define VFCB_82576_VMBMEM(vf)	(0x00800 + 64 * (vf))
#define VFCB_82576_P2VMAILBOX(vf)	(0x00c00 + 4 * (vf))
#define VFCB_82576_P2V_STS		0x00000001
#define VFCB_82576_P2V_ACK		0x00000002
#define VFCB_82576_P2V_VFU		0x00000004
#define VFCB_82576_P2V_PFU		0x00000008
#define VFCB_82576_P2V_RVFU	0x00000010
#define VFCB_82576_MBVFICR		0x00c80
#define VFCB_82576_MBVFICR_VFREQ(vf)	BIT(vf)
#define VFCB_82576_MBVFICR_VFACK(vf)	BIT(16 + (vf))
#define VFCB_82576_MBVFICR_VALID	0x00ff00ff	/* VFREQ, VFACK: 8 VFs */
#define VFCB_82576_MBVFIMR		0x00c84
#define VFCB_82576_MBVFIMR_ALL		0xff	/* bit n: VF n may interrupt */
#define VFCB_82576_VFLRE		0x00c88
#define VFCB_82576_VFLRE_VALID		0xff
/*
 * Deliberately absent: the VF's V2PMAILBOX (0xc40 + 4 * vf).  QEMU lets the
 * PF read it there and the read clears the VF's PFSTS/PFACK/RSTD bits, so
 * the PF must never read it.
 */

static u32 rd(struct vfcb_82576_pf_hw *hw, u32 reg)
{
	return readl(hw->bar0 + reg);
}

static void wr(struct vfcb_82576_pf_hw *hw, u32 reg, u32 val)
{
	writel(val, hw->bar0 + reg);
}

/*
 * The cause registers as read, with a bit no 82576 sets: the read came back
 * all ones, from a device that does not answer (surprise removal, a link
 * down with no hotplug or error callback to say so).  Taken for causes, it
 * would report a reset and a message of every VF on each pass, and the
 * watchdog would find it "lost" and poll it every jiffy until remove.
 * Nothing is served then, and the vector stays masked: once the device
 * answers again, what latched meanwhile is the watchdog's to find, as
 * after any lost interrupt.  hw->lock held.
 */
static bool vfcb_82576_pf_check_gone(struct vfcb_82576_pf_hw *hw, u32 mbv,
				     u32 vflre)
{
	hw->gone = (mbv & ~VFCB_82576_MBVFICR_VALID) ||
		   (vflre & ~VFCB_82576_VFLRE_VALID);
	return hw->gone;
}

void vfcb_82576_pf_hw_init(struct vfcb_82576_pf_hw *hw, void __iomem *bar0)
{
	hw->bar0 = bar0;
	spin_lock_init(&hw->service_lock);
	spin_lock_init(&hw->lock);
	hw->num_vfs = 0;
	hw->gone = false;
	bitmap_zero(hw->unread, VFCB_82576_MAX_VFS);
}

/*
 * Global reset, as at power-on: wipes the interrupt set-up and whatever a
 * previous driver (igb) left behind.  Process context; sleeps.
 */
void vfcb_82576_pf_hw_reset(struct vfcb_82576_pf_hw *hw)
{
	wr(hw, VFCB_82576_IMC, ~0u);
	wr(hw, VFCB_82576_EIMC, ~0u);
	wr(hw, VFCB_82576_CTRL, rd(hw, VFCB_82576_CTRL) | VFCB_82576_CTRL_RST);
	/* The 82576 needs about 1 ms; allow ten times that. */
	usleep_range(10000, 20000);
}

/* Mask every interrupt source and drop what is latched. */
void vfcb_82576_pf_hw_mask_all(struct vfcb_82576_pf_hw *hw)
{
	wr(hw, VFCB_82576_IMC, ~0u);
	wr(hw, VFCB_82576_EIMC, ~0u);
	wr(hw, VFCB_82576_MBVFIMR, 0);
	rd(hw, VFCB_82576_ICR);
}

/*
 * Route the "other causes" (the mailbox and VF resets, ICR.VMMB) to MSI-X
 * @vector.  GPIE must be in MSI-X mode with NSICR before any VF programs its
 * own interrupt registers: without MSIX_MODE the VFs' interrupts are never
 * delivered, without NSICR VMMB stays latched after the first interrupt.
 */
void vfcb_82576_pf_hw_setup_irq(struct vfcb_82576_pf_hw *hw,
				unsigned int vector, unsigned int itr_us)
{
	u32 bit = BIT(vector);
	unsigned long flags;

	wr(hw, VFCB_82576_GPIE, VFCB_82576_GPIE_MSIX_MODE |
	   VFCB_82576_GPIE_PBA | VFCB_82576_GPIE_EIAME |
	   VFCB_82576_GPIE_NSICR);
	wr(hw, VFCB_82576_IVAR_MISC, (vector | VFCB_82576_IVAR_VALID) << 8);
	/*
	 * Interrupt moderation: at most one mailbox interrupt per @itr_us,
	 * whatever a VF writes to its mailbox (each REQ or ACK write raises
	 * one), so a flooding VF costs the host a bounded interrupt rate.
	 * Causes that arrive meanwhile are served by the next interrupt.
	 */
	wr(hw, VFCB_82576_EITR(vector),
	   min(itr_us, VFCB_82576_EITR_MAX_US) << VFCB_82576_EITR_US_SHIFT);
	/* Auto-clear and auto-mask: the handler re-enables when done. */
	wr(hw, VFCB_82576_EIAC, bit);
	wr(hw, VFCB_82576_EIAM, bit);
	wr(hw, VFCB_82576_EIMS, bit);
	/* Every VF but those the core quieted (a PF reset keeps them so). */
	spin_lock_irqsave(&hw->lock, flags);
	hw->vector = vector;
	wr(hw, VFCB_82576_MBVFIMR, VFCB_82576_MBVFIMR_ALL & ~hw->quiet);
	spin_unlock_irqrestore(&hw->lock, flags);
	wr(hw, VFCB_82576_IMS, VFCB_82576_ICR_VMMB);
}

/* VFs were enabled: forget causes a previous set of VFs left. */
void vfcb_82576_pf_hw_vfs_on(struct vfcb_82576_pf_hw *hw,
			     unsigned int num_vfs)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	wr(hw, VFCB_82576_MBVFICR, ~0u);
	wr(hw, VFCB_82576_VFLRE, ~0u);
	bitmap_zero(hw->unread, VFCB_82576_MAX_VFS);
	WRITE_ONCE(hw->num_vfs, num_vfs);
	spin_unlock_irqrestore(&hw->lock, flags);
}

/* Tell the VFs the PF is ready: clears their RSTI, sets RSTD. */
void vfcb_82576_pf_hw_reset_done(struct vfcb_82576_pf_hw *hw)
{
	wr(hw, VFCB_82576_CTRL_EXT,
	   rd(hw, VFCB_82576_CTRL_EXT) | VFCB_82576_CTRL_EXT_PFRSTD);
}

void vfcb_82576_pf_hw_vfs_off(struct vfcb_82576_pf_hw *hw)
{
	WRITE_ONCE(hw->num_vfs, 0);
}

/*
 * After a VF reset: a mailbox lock the VF held is not released by the
 * reset.  Clear it (RVFU) only if it is actually held, since RVFU also
 * clears the VF's pending mailbox causes.  hw->lock held.
 */
static void vfcb_82576_pf_release_vf_lock(struct vfcb_82576_pf_hw *hw,
					  unsigned int vf)
{
	u32 p2v = rd(hw, VFCB_82576_P2VMAILBOX(vf));

	if (p2v & VFCB_82576_P2V_VFU)
		wr(hw, VFCB_82576_P2VMAILBOX(vf), VFCB_82576_P2V_RVFU);
}

/**
 * vfcb_82576_pf_hw_service() - report every mailbox and reset cause
 * @hw: the PF
 * @vfcb: the vfcb core's handle, or NULL while no VF is registered (the
 *	causes are then only cleared)
 * @vector: the MSI-X vector to unmask when done
 *
 * Context: the hard interrupt handler, or the watchdog with local
 * interrupts off.
 */
void vfcb_82576_pf_hw_service(struct vfcb_82576_pf_hw *hw,
			      struct vfcb_pf *vfcb, unsigned int vector)
{
	unsigned int i, n;
	u32 vflre, mbv;

	spin_lock(&hw->service_lock);
	spin_lock(&hw->lock);
	hw->services++;
	n = hw->num_vfs;
	rd(hw, VFCB_82576_ICR);
	/* VF resets first: a stale lock goes before the VF's new message. */
	vflre = rd(hw, VFCB_82576_VFLRE);
	mbv = rd(hw, VFCB_82576_MBVFICR);
	if (vfcb_82576_pf_check_gone(hw, mbv, vflre)) {
		/* Nothing to serve; the vector stays masked (EIAM). */
		spin_unlock(&hw->lock);
		spin_unlock(&hw->service_lock);
		return;
	}
	if (vflre)
		wr(hw, VFCB_82576_VFLRE, vflre);
	if (mbv)
		wr(hw, VFCB_82576_MBVFICR, mbv);
	for (i = 0; i < n; i++) {
		if (vflre & BIT(i)) {
			vfcb_82576_pf_release_vf_lock(hw, i);
			/*
			 * A message or ack latched with the reset is from
			 * before it (the VF holds its mailbox until its reset
			 * is done): void.  Answering it would post into the
			 * mailbox of a VF that has forgotten it.
			 */
			clear_bit(i, hw->unread);
			mbv &= ~(VFCB_82576_MBVFICR_VFREQ(i) |
				 VFCB_82576_MBVFICR_VFACK(i));
		}
		/* Marked unread before the lock is dropped: see post. */
		if (mbv & VFCB_82576_MBVFICR_VFREQ(i))
			set_bit(i, hw->unread);
	}
	spin_unlock(&hw->lock);

	/*
	 * An ack latched with a message acks what was posted before this
	 * pass: report it first.  Reported after the message, it acked the
	 * answer the core posts while taking the message, and the core posted
	 * again over an answer the VF had not read (a dword of a transfer
	 * read stale under the soak's VF FLR loop).
	 */
	for (i = 0; vfcb && i < n; i++) {
		if (vflre & BIT(i))
			vfcb_pf_vf_reset(vfcb, i);
		if (mbv & VFCB_82576_MBVFICR_VFACK(i))
			vfcb_pf_vf_consumed(vfcb, i);
		if (mbv & VFCB_82576_MBVFICR_VFREQ(i))
			vfcb_pf_vf_sent(vfcb, i);
	}
	wr(hw, VFCB_82576_EIMS, BIT(vector));
	spin_unlock(&hw->service_lock);
}

/* The MBVFICR bits (message, ack) of the VFs in @vfs. */
static u32 vfcb_82576_pf_causes(u32 vfs)
{
	return vfs | vfs << 16;
}

/**
 * vfcb_82576_pf_hw_watchdog() - serve causes whose interrupt was lost
 * @hw: the PF
 * @vfcb: as for vfcb_82576_pf_hw_service()
 * @vector: as for vfcb_82576_pf_hw_service()
 *
 * A mailbox or reset cause still latched at two checks in a row, with no
 * service pass between them, lost its interrupt (or the vector stayed
 * masked): serve it, which unmasks the vector again.  Without this one
 * lost interrupt silences every VF for good; the soak's VF FLR loop met
 * it every few hundred FLRs under QEMU.
 *
 * Context: process or softirq; takes hw->lock, runs the service with
 * local interrupts off as the interrupt handler would.
 *
 * Return: true if it served lost causes; false too for a device gone
 * (vfcb_82576_pf_hw_gone()).
 */
bool vfcb_82576_pf_hw_watchdog(struct vfcb_82576_pf_hw *hw,
			       struct vfcb_pf *vfcb, unsigned int vector)
{
	unsigned long flags;
	bool latched, lost;
	u32 mbv, vflre;

	spin_lock_irqsave(&hw->lock, flags);
	mbv = rd(hw, VFCB_82576_MBVFICR);
	vflre = rd(hw, VFCB_82576_VFLRE);
	if (vfcb_82576_pf_check_gone(hw, mbv, vflre)) {
		hw->wd_latched = false;
		spin_unlock_irqrestore(&hw->lock, flags);
		return false;
	}
	/* A quiet VF's causes raise no interrupt: none of them is lost. */
	latched = (mbv & ~vfcb_82576_pf_causes(hw->quiet)) || vflre;
	lost = latched && hw->wd_latched && hw->services == hw->wd_services;
	hw->wd_latched = latched && !lost;
	hw->wd_services = hw->services;
	if (lost)
		hw->lost_irqs++;
	spin_unlock_irqrestore(&hw->lock, flags);
	if (lost) {
		local_irq_save(flags);
		vfcb_82576_pf_hw_service(hw, vfcb, vector);
		local_irq_restore(flags);
	}
	return lost;
}

/**
 * vfcb_82576_pf_hw_poll() - serve whatever is latched, interrupt or not
 * @hw: the PF
 * @vfcb: as for vfcb_82576_pf_hw_service()
 * @vector: as for vfcb_82576_pf_hw_service()
 *
 * For the polling the driver falls back to once the watchdog found the
 * interrupt lost: one service pass if a mailbox or reset cause waits.
 *
 * Context: process or softirq.
 * Return: whether a cause was latched (and served); false for a device
 * gone (vfcb_82576_pf_hw_gone()).
 */
bool vfcb_82576_pf_hw_poll(struct vfcb_82576_pf_hw *hw, struct vfcb_pf *vfcb,
			   unsigned int vector)
{
	unsigned long flags;
	bool latched;
	u32 mbv, vflre;

	spin_lock_irqsave(&hw->lock, flags);
	mbv = rd(hw, VFCB_82576_MBVFICR);
	vflre = rd(hw, VFCB_82576_VFLRE);
	latched = !vfcb_82576_pf_check_gone(hw, mbv, vflre) && (mbv || vflre);
	spin_unlock_irqrestore(&hw->lock, flags);
	if (latched) {
		local_irq_save(flags);
		vfcb_82576_pf_hw_service(hw, vfcb, vector);
		local_irq_restore(flags);
	}
	return latched;
}

/**
 * vfcb_82576_pf_hw_gone() - whether the cause registers read all ones
 * @hw: the PF
 *
 * As the last service pass, watchdog check or poll read them.
 *
 * Context: any.
 */
bool vfcb_82576_pf_hw_gone(struct vfcb_82576_pf_hw *hw)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&hw->lock, flags);
	gone = hw->gone;
	spin_unlock_irqrestore(&hw->lock, flags);
	return gone;
}

/* ------------------------------------------------------- transport --- */

static u32 vfcb_82576_pf_read(void *priv, unsigned int vf, unsigned int i)
{
	struct vfcb_82576_pf_hw *hw = priv;

	if (i >= VFCB_82576_MSG_DWORDS)
		return 0;
	return readl(hw->bar0 + VFCB_82576_VMBMEM(vf) + 4 * i);
}

/* The VF's message is consumed: the buffer is free and the VF is told. */
static void vfcb_82576_pf_ack(void *priv, unsigned int vf)
{
	struct vfcb_82576_pf_hw *hw = priv;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	wr(hw, VFCB_82576_P2VMAILBOX(vf), VFCB_82576_P2V_ACK);
	clear_bit(vf, hw->unread);
	spin_unlock_irqrestore(&hw->lock, flags);
}

static int vfcb_82576_pf_post(void *priv, unsigned int vf, const u32 *msg,
			      unsigned int ndw)
{
	struct vfcb_82576_pf_hw *hw = priv;
	u32 mbx = VFCB_82576_P2VMAILBOX(vf);
	unsigned long flags;
	int ret = -EBUSY;
	unsigned int i;

	if (!ndw || ndw > VFCB_82576_MSG_DWORDS)
		return -EINVAL;
	spin_lock_irqsave(&hw->lock, flags);
	/* The VF's message is still in the shared buffer: it goes first. */
	if (test_bit(vf, hw->unread))
		goto out;
	/* Take the PF lock; the hardware refuses it while the VF holds VFU. */
	wr(hw, mbx, VFCB_82576_P2V_PFU);
	if (!(rd(hw, mbx) & VFCB_82576_P2V_PFU))
		goto out;
	/* The VF posted since the last interrupt: release, read it first. */
	if (rd(hw, VFCB_82576_MBVFICR) & VFCB_82576_MBVFICR_VFREQ(vf)) {
		wr(hw, mbx, 0);
		goto out;
	}
	for (i = 0; i < ndw; i++)
		wr(hw, VFCB_82576_VMBMEM(vf) + 4 * i, msg[i]);
	/* STS without PFU: interrupts the VF and releases the lock. */
	wr(hw, mbx, VFCB_82576_P2V_STS);
	ret = 0;
out:
	spin_unlock_irqrestore(&hw->lock, flags);
	return ret;
}

/*
 * The VF's mailbox stops (or starts again) raising the PF's interrupt:
 * MBVFIMR gates a VF's causes, which still latch in MBVFICR and are served
 * by the next pass for any other cause.  Unquieted, a cause it latched
 * meanwhile would wait for one: raise the vector for it (EICS).
 * QEMU's igb ignores MBVFIMR (documented in reliability.rst), so there
 * this only changes the register.
 */
static void vfcb_82576_pf_quiet(void *priv, unsigned int vf, bool on)
{
	struct vfcb_82576_pf_hw *hw = priv;
	unsigned long flags;

	if (vf >= VFCB_82576_MAX_VFS)
		return;
	spin_lock_irqsave(&hw->lock, flags);
	if (on)
		hw->quiet |= BIT(vf);
	else
		hw->quiet &= ~BIT(vf);
	wr(hw, VFCB_82576_MBVFIMR, VFCB_82576_MBVFIMR_ALL & ~hw->quiet);
	if (!on && (rd(hw, VFCB_82576_MBVFICR) & vfcb_82576_pf_causes(BIT(vf))))
		wr(hw, VFCB_82576_EICS, BIT(hw->vector));
	spin_unlock_irqrestore(&hw->lock, flags);
}

const struct vfcb_pf_transport_ops vfcb_82576_pf_tr_ops = {
	.read = vfcb_82576_pf_read,
	.ack = vfcb_82576_pf_ack,
	.post = vfcb_82576_pf_post,
	.quiet = vfcb_82576_pf_quiet,
};

/**
 * vfcb_82576_pf_hw_show() - the mailbox's interrupt registers, for debugfs
 * @hw: the PF
 * @m: where to print
 *
 * Context: process context, the device powered.
 */
void vfcb_82576_pf_hw_show(struct vfcb_82576_pf_hw *hw, struct seq_file *m)
{
	u32 mbvfimr, mbvficr, vflre, quiet;
	unsigned long flags;
	u64 services, lost;
	bool gone;

	spin_lock_irqsave(&hw->lock, flags);
	mbvfimr = rd(hw, VFCB_82576_MBVFIMR);
	mbvficr = rd(hw, VFCB_82576_MBVFICR);
	vflre = rd(hw, VFCB_82576_VFLRE);
	quiet = hw->quiet;
	services = hw->services;
	lost = hw->lost_irqs;
	gone = hw->gone;
	spin_unlock_irqrestore(&hw->lock, flags);
	seq_printf(m, "mbvfimr 0x%02x\n", mbvfimr);
	seq_printf(m, "mbvficr 0x%08x\n", mbvficr);
	seq_printf(m, "vflre 0x%02x\n", vflre);
	seq_printf(m, "quiet 0x%02x\n", quiet);
	seq_printf(m, "services %llu\n", services);
	seq_printf(m, "lost_irqs %llu\n", lost);
	seq_printf(m, "gone %d\n", gone);
}
