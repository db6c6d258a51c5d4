// SPDX-License-Identifier: GPL-2.0
/*
 * igbvf_vfcb: igbvf's mailbox as a vfcb VF transport
 * (include/vfcb_vf_transport.h).  It only moves dwords: a vfcb message is
 * igb message type VFCB_IGB_MSG_TYPE in dword 0 with the vfcb message in
 * dwords 1..15 (vfcb_igb_msg.h); everything else is vfcb_vf's.
 *
 * igbvf serialises every mailbox use with hw->mbx_lock and polls.  Every
 * path of igbvf that takes a PF message goes through a hook here, so a
 * vfcb message is never taken for igbvf's own:
 *  - e1000_check_for_msg_vf() (igbvf's wait for a reply, and the flush
 *    before it writes the buffer) calls igbvf_vfcb_pf_msg() once it saw
 *    PFSTS: a vfcb message is read into a small ring and acked, and igbvf
 *    is told there is no message (it goes on waiting for its reply);
 *  - e1000_read_mbx_vf() (also used by the link check, which reads the
 *    buffer whether or not the PF wrote) calls igbvf_vfcb_read(): an unread
 *    vfcb message is taken the same way, and a vfcb message, read or not,
 *    reads as the PF's CTS flag in it says: "clear to send" (the PF is up
 *    and knows us), or without it a NACK, as igb's own answer to a VF it
 *    no longer knows (after a PF reset) would, so igbvf resets and asks
 *    for its MAC filter again;
 *  - a stock igb answers vfcb's message with the same type and NACK: that
 *    is taken the same way and becomes vfcb_vf_pf_refused().
 * igbvf_vfcb_tx_wait() makes igbvf's own write wait until the PF took an
 * unacked vfcb message (PFACK), so neither side overwrites the other; if
 * the PF does not take it in time, igbvf's write overwrites it, and it is
 * sent again after (the core is not told it was consumed).
 * igbvf_vfcb_rst() sees the reset bits before igbvf's reset check clears
 * them.
 *
 * A vfcb message from the PF is copied out and acked as soon as it is seen
 * (igbvf_vfcb_take()), before anything is written to the buffer, so the
 * core never reads the buffer itself and ->post cannot overwrite a PF
 * message the core was told of (the window vfcb_82576_vf closes with its
 * pf_unread).  An igb message (the link-change ping, a NACK) that igbvf
 * has not read is overwritten by the outbox, as igbvf's own writes flush
 * it: what igbvf needs of it is the interrupt, which makes its watchdog
 * look at the link and read the buffer (where a vfcb message reads as
 * igb's CTS or NACK would, from the CTS flag the PF sets in it); waiting
 * for that read stalled vfcb for nothing while the link was down, when
 * igbvf does not read at all.
 *
 * ->post only fills an outbox: the work item writes it with igbvf's
 * non-posted write under mbx_lock and notes PFACK as "consumed".  The
 * work runs on the mailbox interrupt (igbvf_vfcb_irq(): in QEMU it comes
 * on the rx vector, so both handlers call it), after each post and, while
 * vfcb is busy, every jiffy (interrupts are off while the netdev is down).
 *
 * V2PMAILBOX's clear-on-read bits are kept in igbvf's own shadow
 * (hw->dev_spec.vf.v2p_mailbox) by every read here, as igbvf does.
 *
 * Locks: mbx_lock, then t->lock (a leaf).  The core calls the ops under
 * its lock, and the ops take t->lock only; events are reported with no
 * lock held, by one reporter at a time.
 */
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "igbvf.h"
#include "igbvf_vfcb.h"
#include "vfcb_igb_msg.h"
#include "vfcb_vf_transport.h"

#define IGBVF_VFCB_RING		4	/* PF messages taken, not yet read */
#define IGBVF_VFCB_BUSY_MS	200	/* poll this long after activity */
#define IGBVF_VFCB_ACK_WAIT_US	1000000	/* igbvf waits for our PFACK */

#define IGBVF_VFCB_EV_RESET	BIT(0)	/* PF in reset */
#define IGBVF_VFCB_EV_CONSUMED	BIT(1)
#define IGBVF_VFCB_EV_SENT	BIT(2)
#define IGBVF_VFCB_EV_REFUSED	BIT(3)
#define IGBVF_VFCB_EV_RESET_DONE BIT(4)
#define IGBVF_VFCB_EV_GONE	BIT(5)	/* surprise removal */

struct igbvf_vfcb {
	struct e1000_hw *hw;
	struct pci_dev *pdev;
	struct vfcb_vf *vf;	/* NULL until registered and once removing */
	struct delayed_work work;
	unsigned long busy_until;
	bool rstd_reported;	/* mbx_lock: RSTD in the shadow was seen */
	bool ready;		/* mbx_lock: the PF is not in reset */
	spinlock_t lock;	/* everything below */
	u32 rx[IGBVF_VFCB_RING][VFCB_IGB_MSG_DWORDS];
	unsigned int rx_head;
	unsigned int rx_count;
	bool rx_reported;
	u32 tx[VFCB_IGB_MSG_DWORDS + 1];
	unsigned int tx_ndw;	/* outbox: dwords to write, 0 if empty */
	bool tx_out;		/* our message is in the buffer, not acked */
	unsigned int tx_out_ndw;	/* its length, to send it again */
	unsigned int ev;
	bool reporting;
	bool again;
	bool dead;
	u64 rx_drops;
};

static struct igbvf_vfcb *igbvf_vfcb_of(struct e1000_hw *hw)
{
	return rcu_dereference_check(hw->vfcb, lockdep_is_held(&hw->mbx_lock));
}

static void igbvf_vfcb_kick(struct igbvf_vfcb *t, unsigned long delay)
{
	if (!t->dead)
		mod_delayed_work(system_wq, &t->work, delay);
}

/* Read V2PMAILBOX, keeping its clear-on-read bits in igbvf's shadow. */
static u32 igbvf_vfcb_v2p(struct e1000_hw *hw)
{
	u32 v = er32(V2PMAILBOX(0));

	hw->dev_spec.vf.v2p_mailbox |= v & E1000_V2PMAILBOX_R2C_BITS;
	return v | hw->dev_spec.vf.v2p_mailbox;
}

/* t->lock held: a reset voids whatever was in flight either way. */
static void igbvf_vfcb_reset_locked(struct igbvf_vfcb *t, bool done)
{
	t->rx_count = 0;
	t->rx_reported = false;
	t->tx_ndw = 0;
	t->tx_out = false;
	t->ev &= ~(IGBVF_VFCB_EV_CONSUMED | IGBVF_VFCB_EV_REFUSED);
	t->ev |= done ? IGBVF_VFCB_EV_RESET_DONE : IGBVF_VFCB_EV_RESET;
}

/* Note a reset for the next report; no work is kicked. */
static void igbvf_vfcb_note_reset(struct igbvf_vfcb *t, bool done)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	igbvf_vfcb_reset_locked(t, done);
	spin_unlock_irqrestore(&t->lock, flags);
}

/* From igbvf's paths: note the reset and report it from the work. */
static void igbvf_vfcb_reset(struct igbvf_vfcb *t, bool done)
{
	igbvf_vfcb_note_reset(t, done);
	igbvf_vfcb_kick(t, 0);
}

/*
 * mbx_lock held, the PF's message unread (its PFSTS taken by the caller):
 * if it is vfcb's, or a stock igb's refusal of vfcb's, take it and ack it
 * (unless @ack is false: the caller acks), and return true.
 */
static bool igbvf_vfcb_take(struct igbvf_vfcb *t, bool ack)
{
	struct e1000_hw *hw = t->hw;
	u32 msg[VFCB_IGB_MSG_DWORDS];
	bool vfcb, held = !ack;
	unsigned long flags;
	unsigned int i;
	u32 dw0;

	dw0 = array_er32(VMBMEM(0), 0);
	vfcb = (dw0 & ~E1000_VT_MSGTYPE_CTS) == VFCB_IGB_MSG_TYPE;
	if (!vfcb && ((dw0 & VFCB_IGB_TYPE_MASK) != VFCB_IGB_MSG_TYPE ||
		      !(dw0 & E1000_VT_MSGTYPE_NACK)))
		return false;
	if (ack) {
		held = igbvf_vfcb_v2p(hw) & E1000_V2PMAILBOX_VFU;
		if (!held) {
			ew32(V2PMAILBOX(0), E1000_V2PMAILBOX_VFU);
			if (!(igbvf_vfcb_v2p(hw) & E1000_V2PMAILBOX_VFU)) {
				/* The PF holds the buffer: later. */
				hw->dev_spec.vf.v2p_mailbox |=
					E1000_V2PMAILBOX_PFSTS;
				igbvf_vfcb_kick(t, 1);
				return true;
			}
		}
	}
	for (i = 0; vfcb && i < VFCB_IGB_MSG_DWORDS; i++)
		msg[i] = array_er32(VMBMEM(0), (i + 1));
	/* ACK releases the buffer unless the caller holds it. */
	if (ack)
		ew32(V2PMAILBOX(0), E1000_V2PMAILBOX_ACK |
		     (held ? E1000_V2PMAILBOX_VFU : 0));

	spin_lock_irqsave(&t->lock, flags);
	if (!vfcb) {
		t->ev |= IGBVF_VFCB_EV_REFUSED;
	} else if (t->rx_count < IGBVF_VFCB_RING) {
		i = (t->rx_head + t->rx_count) % IGBVF_VFCB_RING;
		memcpy(t->rx[i], msg, sizeof(msg));
		t->rx_count++;
	} else {
		t->rx_drops++;
		dev_warn_ratelimited(&t->pdev->dev,
				     "vfcb: PF message dropped, the core is not reading (%llu)\n",
				     t->rx_drops);
	}
	t->busy_until = jiffies + msecs_to_jiffies(IGBVF_VFCB_BUSY_MS);
	spin_unlock_irqrestore(&t->lock, flags);
	igbvf_vfcb_kick(t, 0);
	return true;
}

/* ------------------------------------------------- igbvf's hooks --- */

/* e1000_check_for_msg_vf() saw PFSTS: true if the message was vfcb's. */
bool igbvf_vfcb_pf_msg(struct e1000_hw *hw)
{
	struct igbvf_vfcb *t = igbvf_vfcb_of(hw);

	return t && igbvf_vfcb_take(t, true);
}

/* e1000_read_mbx_vf() read @msg with the buffer held; it acks after. */
void igbvf_vfcb_read(struct e1000_hw *hw, u32 *msg)
{
	struct igbvf_vfcb *t = igbvf_vfcb_of(hw);

	if (!t || (msg[0] & VFCB_IGB_TYPE_MASK) != VFCB_IGB_MSG_TYPE)
		return;
	if (igbvf_vfcb_v2p(hw) & E1000_V2PMAILBOX_PFSTS) {
		hw->dev_spec.vf.v2p_mailbox &= ~E1000_V2PMAILBOX_PFSTS;
		if (!igbvf_vfcb_take(t, false))
			hw->dev_spec.vf.v2p_mailbox |= E1000_V2PMAILBOX_PFSTS;
	}
	/*
	 * The PF's CTS is igb's word on whether it knows us: without it
	 * (after a PF reset) read as igb's NACK, which makes igbvf reset and
	 * ask for its MAC filter again.
	 */
	if (!(msg[0] & E1000_VT_MSGTYPE_NACK))
		msg[0] = msg[0] & E1000_VT_MSGTYPE_CTS ? E1000_VT_MSGTYPE_CTS :
			 E1000_VT_MSGTYPE_NACK;
}

/* igbvf is about to write the buffer: let the PF take ours first. */
void igbvf_vfcb_tx_wait(struct e1000_hw *hw)
{
	struct igbvf_vfcb *t = igbvf_vfcb_of(hw);
	unsigned long flags;
	bool out;
	int timeout;
	u32 v2p;

	if (!t)
		return;
	spin_lock_irqsave(&t->lock, flags);
	out = t->tx_out;
	spin_unlock_irqrestore(&t->lock, flags);
	if (!out)
		return;
	timeout = read_poll_timeout_atomic(igbvf_vfcb_v2p, v2p,
					   v2p & (E1000_V2PMAILBOX_PFACK |
						  E1000_V2PMAILBOX_RSTI),
					   10, IGBVF_VFCB_ACK_WAIT_US, false, hw);
	if (timeout)
		dev_warn_ratelimited(&t->pdev->dev,
				     "vfcb: the PF did not take our message, it is sent again later\n");
	hw->dev_spec.vf.v2p_mailbox &= ~E1000_V2PMAILBOX_PFACK;
	spin_lock_irqsave(&t->lock, flags);
	if (t->tx_out) {
		t->tx_out = false;
		if (v2p & E1000_V2PMAILBOX_PFACK)
			t->ev |= IGBVF_VFCB_EV_CONSUMED;
		/*
		 * igbvf's write overwrites it unread: the outbox has it again
		 * (the core posts nothing before it is consumed, so t->tx
		 * still holds it).  After RSTI the reset voids it.
		 */
		else if (!(v2p & E1000_V2PMAILBOX_RSTI))
			t->tx_ndw = t->tx_out_ndw;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	igbvf_vfcb_kick(t, 0);
}

/* e1000_check_for_rst_vf() is about to clear RSTD/RSTI in the shadow. */
void igbvf_vfcb_rst(struct e1000_hw *hw)
{
	struct igbvf_vfcb *t = igbvf_vfcb_of(hw);
	u32 v2p;

	if (!t)
		return;
	v2p = igbvf_vfcb_v2p(hw);
	if (v2p & E1000_V2PMAILBOX_RSTI)
		igbvf_vfcb_reset(t, false);
	else if ((v2p & E1000_V2PMAILBOX_RSTD) && !t->rstd_reported)
		igbvf_vfcb_reset(t, true);
	t->rstd_reported = false;
}

/*
 * e1000_reset_hw_vf() reset the VF: the PF forgets our handshake (it sees
 * VFLRE).  QEMU sets neither RSTI nor RSTD for it, so say it here.
 */
void igbvf_vfcb_vf_reset(struct e1000_hw *hw)
{
	struct igbvf_vfcb *t = igbvf_vfcb_of(hw);

	if (t)
		igbvf_vfcb_reset(t, false);
}

void igbvf_vfcb_irq(struct e1000_hw *hw)
{
	struct igbvf_vfcb *t;

	rcu_read_lock();
	t = rcu_dereference(hw->vfcb);
	if (t)
		igbvf_vfcb_kick(t, 0);
	rcu_read_unlock();
}

/* ------------------------------------------------- the mailbox --- */

/* mbx_lock held: look at the mailbox, write the outbox if we may. */
static void igbvf_vfcb_service(struct igbvf_vfcb *t)
{
	struct e1000_hw *hw = t->hw;
	u32 *shadow = &hw->dev_spec.vf.v2p_mailbox;
	u32 tx[VFCB_IGB_MSG_DWORDS + 1];
	unsigned long flags;
	unsigned int ndw;
	u32 v2p;

	v2p = igbvf_vfcb_v2p(hw);
	/* All ones and absent from config space too: gone, no reset ends it. */
	if (v2p == ~0u && !pci_device_is_present(t->pdev)) {
		t->ready = false;
		spin_lock_irqsave(&t->lock, flags);
		t->ev |= IGBVF_VFCB_EV_GONE;
		spin_unlock_irqrestore(&t->lock, flags);
		return;
	}
	/*
	 * The PF is in reset until it raises RSTD: igb only does when its
	 * netdev comes up again, which may be never.  Say so once, when it
	 * begins, and do not come back by ourselves: RSTD is seen by the
	 * core's poll and igbvf_vfcb_rst().  A report (and its kick) on
	 * every pass ran this work back to back for as long as the PF's
	 * netdev stayed down.
	 */
	if (v2p & E1000_V2PMAILBOX_RSTI) {
		if (t->ready)
			igbvf_vfcb_note_reset(t, false);
		t->ready = false;
		return;
	}
	t->ready = true;
	if ((v2p & E1000_V2PMAILBOX_RSTD) && !t->rstd_reported) {
		t->rstd_reported = true;
		igbvf_vfcb_reset(t, true);
	}
	if (*shadow & E1000_V2PMAILBOX_PFSTS) {
		*shadow &= ~E1000_V2PMAILBOX_PFSTS;
		/* Not vfcb's: igbvf's, leave it to igbvf. */
		if (!igbvf_vfcb_take(t, true))
			*shadow |= E1000_V2PMAILBOX_PFSTS;
	}

	spin_lock_irqsave(&t->lock, flags);
	if (t->tx_out && (*shadow & E1000_V2PMAILBOX_PFACK)) {
		*shadow &= ~E1000_V2PMAILBOX_PFACK;
		t->tx_out = false;
		t->ev |= IGBVF_VFCB_EV_CONSUMED;
	}
	ndw = t->tx_out ? 0 : t->tx_ndw;
	memcpy(tx, t->tx, sizeof(tx));
	spin_unlock_irqrestore(&t->lock, flags);
	if (!ndw)
		return;

	/* igbvf's own non-posted write: it takes a vfcb message first. */
	if (hw->mbx.ops.write(hw, tx, ndw)) {
		igbvf_vfcb_kick(t, 1);	/* the PF holds the buffer */
		return;
	}
	spin_lock_irqsave(&t->lock, flags);
	t->tx_ndw = 0;
	t->tx_out = true;
	t->tx_out_ndw = ndw;
	spin_unlock_irqrestore(&t->lock, flags);
}

/* ------------------------------------------------------- events --- */

static unsigned int igbvf_vfcb_collect(struct igbvf_vfcb *t)
{
	unsigned int ev = t->ev;

	t->ev = 0;
	if (t->rx_count && !t->rx_reported) {
		t->rx_reported = true;
		ev |= IGBVF_VFCB_EV_SENT;
	}
	return ev;
}

/* No lock held.  One reporter at a time; a second one makes it loop. */
static void igbvf_vfcb_report(struct igbvf_vfcb *t)
{
	unsigned long flags;
	struct vfcb_vf *vf;
	unsigned int ev;

	spin_lock_irqsave(&t->lock, flags);
	if (t->reporting) {
		t->again = true;
		spin_unlock_irqrestore(&t->lock, flags);
		return;
	}
	t->reporting = true;
	do {
		t->again = false;
		vf = t->vf;
		if (!vf)
			break;		/* keep it for when we may report */
		ev = igbvf_vfcb_collect(t);
		if (!ev)
			break;
		spin_unlock_irqrestore(&t->lock, flags);
		if (ev & IGBVF_VFCB_EV_GONE)
			vfcb_vf_surprise_removed(vf);
		if (ev & IGBVF_VFCB_EV_RESET)
			vfcb_vf_pf_reset(vf, false);
		if (ev & IGBVF_VFCB_EV_CONSUMED)
			vfcb_vf_pf_consumed(vf);
		if (ev & IGBVF_VFCB_EV_SENT)
			vfcb_vf_pf_sent(vf);
		if (ev & IGBVF_VFCB_EV_REFUSED)
			vfcb_vf_pf_refused(vf);
		if (ev & IGBVF_VFCB_EV_RESET_DONE)
			vfcb_vf_pf_reset(vf, true);
		spin_lock_irqsave(&t->lock, flags);
		t->again = true;
	} while (t->again);
	t->reporting = false;
	spin_unlock_irqrestore(&t->lock, flags);
}

/* Returns whether the PF is ready. */
static bool igbvf_vfcb_poll_now(struct igbvf_vfcb *t)
{
	struct e1000_hw *hw = t->hw;
	bool ready;

	spin_lock_bh(&hw->mbx_lock);
	igbvf_vfcb_service(t);
	ready = t->ready;
	spin_unlock_bh(&hw->mbx_lock);
	igbvf_vfcb_report(t);
	return ready;
}

static void igbvf_vfcb_work(struct work_struct *work)
{
	struct igbvf_vfcb *t = container_of(to_delayed_work(work),
					    struct igbvf_vfcb, work);
	struct e1000_hw *hw = t->hw;

	/*
	 * igbvf holds mbx_lock across its own polled exchanges (set-MAC and
	 * the like, up to its mailbox timeout): do not spin beside it, come
	 * back.  A vfcb message that arrives meanwhile is diverted by igbvf's
	 * own reads (igbvf_vfcb_pf_msg()).
	 */
	if (!spin_trylock_bh(&hw->mbx_lock)) {
		igbvf_vfcb_kick(t, 1);
		return;
	}
	igbvf_vfcb_service(t);
	spin_unlock_bh(&hw->mbx_lock);
	igbvf_vfcb_report(t);
	/* Interrupts may be off (netdev down): poll while vfcb is busy. */
	if (time_before(jiffies, READ_ONCE(t->busy_until)) &&
	    !delayed_work_pending(&t->work))
		igbvf_vfcb_kick(t, 1);
}

/* ---------------------------------------------- transport ops --- */

static u32 igbvf_vfcb_op_read(void *priv, unsigned int i)
{
	struct igbvf_vfcb *t = priv;
	unsigned long flags;
	u32 val = 0;

	spin_lock_irqsave(&t->lock, flags);
	if (t->rx_reported && t->rx_count && i < VFCB_IGB_MSG_DWORDS)
		val = t->rx[t->rx_head][i];
	spin_unlock_irqrestore(&t->lock, flags);
	return val;
}

/* Acked to the PF when taken: only the ring moves. */
static void igbvf_vfcb_op_ack(void *priv)
{
	struct igbvf_vfcb *t = priv;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (t->rx_reported && t->rx_count) {
		t->rx_head = (t->rx_head + 1) % IGBVF_VFCB_RING;
		t->rx_count--;
		t->rx_reported = false;
		if (t->rx_count)
			igbvf_vfcb_kick(t, 0);	/* reports the next */
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

static int igbvf_vfcb_op_post(void *priv, const u32 *msg, unsigned int ndw)
{
	struct igbvf_vfcb *t = priv;
	unsigned long flags;

	if (!ndw || ndw > VFCB_IGB_MSG_DWORDS)
		return -EINVAL;
	spin_lock_irqsave(&t->lock, flags);
	if (t->tx_ndw) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBUSY;
	}
	t->tx_ndw = vfcb_igb_frame(t->tx, msg, ndw);
	t->busy_until = jiffies + msecs_to_jiffies(IGBVF_VFCB_BUSY_MS);
	spin_unlock_irqrestore(&t->lock, flags);
	igbvf_vfcb_kick(t, 0);
	return 0;
}

static bool igbvf_vfcb_op_poll(void *priv)
{
	return igbvf_vfcb_poll_now(priv);
}

/* No ->rearm: igbvf sets its interrupts up again after every reset. */
static const struct vfcb_vf_transport_ops igbvf_vfcb_ops = {
	.read = igbvf_vfcb_op_read,
	.ack = igbvf_vfcb_op_ack,
	.post = igbvf_vfcb_op_post,
	.poll = igbvf_vfcb_op_poll,
};

/* ---------------------------------------------------- lifetime --- */

void igbvf_vfcb_probe(struct igbvf_adapter *adapter)
{
	struct e1000_hw *hw = &adapter->hw;
	struct vfcb_vf_transport tr;
	struct igbvf_vfcb *t;
	unsigned long flags;
	struct vfcb_vf *vf;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return;
	t->hw = hw;
	t->pdev = adapter->pdev;
	spin_lock_init(&t->lock);
	INIT_DELAYED_WORK(&t->work, igbvf_vfcb_work);

	/* The hooks divert vfcb's messages from now on. */
	spin_lock_bh(&hw->mbx_lock);
	rcu_assign_pointer(hw->vfcb, t);
	spin_unlock_bh(&hw->mbx_lock);

	tr.ops = &igbvf_vfcb_ops;
	tr.priv = t;
	tr.msg_dwords = VFCB_IGB_MSG_DWORDS;
	vf = vfcb_vf_register(adapter->pdev, &tr);
	if (IS_ERR(vf)) {
		dev_warn(&adapter->pdev->dev,
			 "vfcb: config blocks unavailable: %pe\n", vf);
		spin_lock_bh(&hw->mbx_lock);
		RCU_INIT_POINTER(hw->vfcb, NULL);
		spin_unlock_bh(&hw->mbx_lock);
		synchronize_rcu();
		t->dead = true;
		cancel_delayed_work_sync(&t->work);
		kfree(t);
		return;
	}
	spin_lock_irqsave(&t->lock, flags);
	t->vf = vf;
	spin_unlock_irqrestore(&t->lock, flags);
	igbvf_vfcb_kick(t, 0);	/* what came before we could report */
}

void igbvf_vfcb_remove(struct igbvf_adapter *adapter)
{
	struct e1000_hw *hw = &adapter->hw;
	struct igbvf_vfcb *t;
	unsigned long flags;
	struct vfcb_vf *vf;

	t = rcu_access_pointer(hw->vfcb);
	if (!t)
		return;
	/* No more events from the work; the core's own poll may report. */
	spin_lock_irqsave(&t->lock, flags);
	vf = t->vf;
	t->vf = NULL;
	spin_unlock_irqrestore(&t->lock, flags);
	cancel_delayed_work_sync(&t->work);
	vfcb_vf_unregister(vf);

	spin_lock_bh(&hw->mbx_lock);
	RCU_INIT_POINTER(hw->vfcb, NULL);
	spin_unlock_bh(&hw->mbx_lock);
	synchronize_rcu();
	spin_lock_irqsave(&t->lock, flags);
	t->dead = true;
	spin_unlock_irqrestore(&t->lock, flags);
	cancel_delayed_work_sync(&t->work);
	kfree(t);
}
