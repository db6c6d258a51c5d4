// SPDX-License-Identifier: GPL-2.0
/*
 * igb_vfcb: igb's PF/VF mailbox as a vfcb PF transport
 * (include/vfcb_pf_transport.h).  It only moves dwords: a vfcb message is
 * igb message type VFCB_IGB_MSG_TYPE in dword 0 with the vfcb message in
 * dwords 1..15 (vfcb_igb_msg.h); everything else is vfcb_pf's.
 *
 * VF to PF.  igb serves the mailbox in its interrupt handler,
 * igb_msg_task(), under adapter->vfs_lock.  igb_rcv_msg_from_vf() reads
 * (and so acks to the VF) every message; a vfcb one is handed to
 * igb_vfcb_rx(), which copies it into a small per-VF ring, and igb sends no
 * reply of its own.  The vfcb core is told after igb_msg_task() dropped
 * vfs_lock (igb_vfcb_report()): the core calls ->post under its own lock,
 * and ->post needs vfs_lock, so the core must never be called under it.
 * The core sees one message at a time: the ring's head is reported, ->ack
 * pops it and the next is reported from the work item.
 *
 * PF to VF.  ->post puts the message in a per-VF outbox; it is written to
 * the VF's buffer (igb_vfcb_flush_vf()) under vfs_lock, at once if
 * spin_trylock() gets it, else from the work item, and at the end of every
 * igb_msg_task().  It waits while the buffer may hold something the VF has
 * not read: a VF message igb has not taken yet (VFREQ), a message of igb's
 * own (igb_out), or the previous vfcb message (tx_out).
 *
 * igb's own messages.  Its replies are written in igb_msg_task() under
 * vfs_lock, with the buffer still held from reading the VF's message, so
 * nothing can be in it unread.  Its unprompted ones, the link-change ping
 * (igb_ping_all_vfs(), not under vfs_lock) and the NACK to an ack from a
 * VF that is not clear to send, are written by igb_write_mbx(), which
 * clears VFREQ and overwrites the buffer whatever is in it: a vfcb message
 * the VF had not read became a ping, the VF acked the ping and the core
 * took that for its message consumed (the message was lost), or a VF
 * message igb had not taken was lost with its VFREQ.  igb_vfcb_igb_msg()
 * writes them instead, under vfs_lock and only when the buffer holds
 * nothing unread; else they wait (igb_msg) for igb_vfcb_flush_vf().  vfcb
 * does not wait for the VF to read them in turn: igbvf reads them only
 * from its watchdog, and not at all while the link or its netdev is down,
 * so even a 200 ms wait for that stalled vfcb at every link change.  A
 * vfcb message written over an unread one costs igbvf nothing it needs
 * (see igb_vfcb_igb_msg()); igbvf's own writes flush them unread too.
 *
 * "Consumed".  The VF acks the vfcb message (VFACK, seen by igb_msg_task()
 * as igb_rcv_ack_from_vf()), but igb's own writes to the mailbox clear
 * VFACK, so an ack may be lost.  A VF also reads the PF's message before it
 * writes one of its own (the patched igbvf does), so the VF's next message
 * counts as the ack too; either reports vfcb_pf_vf_consumed() once.
 *
 * Lost interrupts.  igb serves the mailbox only from its interrupt, and
 * QEMU now and then stops delivering the PF's "other causes" interrupt
 * while the causes stay latched (Documentation/reliability.rst: seen with
 * vfcb_82576_pf under VF FLRs, and with igb under link changes, until a
 * new cause came): every VF's message then waits, the VFs time out and
 * handshake again.  A watchdog
 * (every IGB_VFCB_WATCHDOG_MS) looks for a mailbox cause latched at two
 * checks in a row with no igb_msg_task() pass between, and raises igb's
 * interrupt again (ICS.VMMB, and EICS for its vector with MSI-X).
 *
 * Locks: the core's per-VF lock, then vfs_lock (trylock only), then
 * t->lock (a leaf: the rings, the outboxes, the pending events).
 * Events are reported with none of them held, by one reporter at a time.
 */
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "igb.h"
#include "igb_vfcb.h"
#include "vfcb_igb_msg.h"
#include "vfcb_pf_transport.h"

#define IGB_VFCB_RING	4	/* VF messages igb took before the core did */
#define IGB_VFCB_WATCHDOG_MS	250	/* look for a lost interrupt this often */
#define IGB_VFCB_BUSY_TRIES	250	/* a jiffy apart, while a VF holds VFU */
#define IGB_VFCB_BUSY_SLOW_MS	100	/* then this far apart */

struct igb_vfcb_vf {
	u32 rx[IGB_VFCB_RING][VFCB_IGB_MSG_DWORDS];
	unsigned int rx_head;
	unsigned int rx_count;
	bool rx_reported;	/* the head was reported, ->ack not seen yet */
	u32 tx[VFCB_IGB_MSG_DWORDS + 1];
	unsigned int tx_ndw;	/* outbox: dwords to write, 0 if empty */
	bool tx_out;		/* a vfcb message is in the VF's buffer */
	bool igb_out;		/* a reply of igb's may be unread there */
	bool igb_msg_wait;	/* igb_msg waits for the buffer */
	u32 igb_msg;		/* igb's unprompted message (ping, NACK) */
	bool ev_reset;
	bool ev_consumed;
	unsigned int busy_tries;	/* flushes the VF's VFU refused in a row */
	u64 rx_drops;
};

struct igb_vfcb {
	struct igb_adapter *adapter;
	struct vfcb_pf *pf;	/* NULL until registered: events wait */
	spinlock_t lock;	/* everything below and in vf[] */
	struct delayed_work work;
	struct delayed_work watchdog;
	unsigned long passes;	/* vfs_lock: igb_msg_task() passes */
	unsigned long wd_passes;	/* passes at the watchdog's last look */
	u32 wd_causes;		/* causes latched then */
	u64 wd_kicks;
	bool reporting;
	bool again;
	bool dead;
	bool asleep;	/* the PF may be in D3 or in error recovery */
	unsigned int num_vfs;
	struct igb_vfcb_vf vf[];
};

static struct igb_vfcb *igb_vfcb_locked(struct igb_adapter *adapter, u32 vf)
{
	struct igb_vfcb *t;

	t = rcu_dereference_check(adapter->vfcb,
				  lockdep_is_held(&adapter->vfs_lock));
	if (!t || vf >= t->num_vfs)
		return NULL;
	return t;
}

/* -------------------------------------------------- igb's hooks --- */

/* A message from @vf, read and acked by igb: true if it is vfcb's. */
bool igb_vfcb_rx(struct igb_adapter *adapter, u32 vf, const u32 *msg)
{
	struct igb_vfcb *t = igb_vfcb_locked(adapter, vf);
	bool vfcb = msg[0] == VFCB_IGB_MSG_TYPE;
	struct igb_vfcb_vf *v;
	unsigned int slot;

	/*
	 * Not registered (yet): the VFs probe inside pci_enable_sriov(),
	 * before igb hands them to vfcb.  A vfcb message is still ours:
	 * dropped unanswered, so the VF asks again later; igb's NACK would
	 * tell it this PF has no vfcb at all.
	 */
	if (!t)
		return vfcb;
	v = &t->vf[vf];
	spin_lock(&t->lock);
	/* The VF read our message before it wrote this one. */
	if (v->tx_out) {
		v->tx_out = false;
		v->ev_consumed = true;
	}
	/* igb answers every message it has not seen before. */
	v->igb_out = !vfcb && !(msg[0] & (E1000_VT_MSGTYPE_ACK |
					  E1000_VT_MSGTYPE_NACK));
	if (vfcb) {
		if (v->rx_count < IGB_VFCB_RING) {
			slot = (v->rx_head + v->rx_count) % IGB_VFCB_RING;
			memcpy(v->rx[slot], &msg[1], sizeof(v->rx[slot]));
			v->rx_count++;
		} else {
			/* Only a VF ignoring the protocol gets here. */
			v->rx_drops++;
			dev_warn_ratelimited(&adapter->pdev->dev,
					     "vfcb: VF %u floods its mailbox, message dropped (%llu)\n",
					     vf, v->rx_drops);
		}
	}
	spin_unlock(&t->lock);
	return vfcb;
}

/* The VF acked what the PF last wrote to its buffer. */
void igb_vfcb_vf_ack(struct igb_adapter *adapter, u32 vf)
{
	struct igb_vfcb *t = igb_vfcb_locked(adapter, vf);
	struct igb_vfcb_vf *v;

	if (!t)
		return;
	v = &t->vf[vf];
	spin_lock(&t->lock);
	if (v->tx_out) {
		v->tx_out = false;
		v->ev_consumed = true;
	} else {
		v->igb_out = false;
	}
	spin_unlock(&t->lock);
}

/* @vf was reset: what it had sent or not read is void. */
void igb_vfcb_vf_reset(struct igb_adapter *adapter, u32 vf)
{
	struct igb_vfcb *t = igb_vfcb_locked(adapter, vf);
	struct igb_vfcb_vf *v;

	if (!t)
		return;
	v = &t->vf[vf];
	spin_lock(&t->lock);
	v->rx_count = 0;
	v->rx_reported = false;
	v->tx_ndw = 0;
	v->tx_out = false;
	v->igb_out = false;
	v->igb_msg_wait = false;
	v->busy_tries = 0;
	v->ev_consumed = false;
	v->ev_reset = true;
	spin_unlock(&t->lock);
}

/*
 * Write @vf's outbox, else igb's waiting message, to the VF's buffer if
 * nothing there is unread.  vfs_lock and t->lock held.  Returns false if
 * the VF holds its buffer: try later.
 */
static bool igb_vfcb_flush_vf(struct igb_vfcb *t, u32 vf)
{
	struct e1000_hw *hw = &t->adapter->hw;
	struct igb_vfcb_vf *v = &t->vf[vf];
	unsigned int i;

	if ((!v->tx_ndw && !v->igb_msg_wait) || v->tx_out || v->igb_out)
		return true;
	/* Asleep: it waits for igb_vfcb_resume(), which flushes it. */
	if (t->asleep)
		return true;
	wr32(E1000_P2VMAILBOX(vf), E1000_P2VMAILBOX_PFU);
	if (!(rd32(E1000_P2VMAILBOX(vf)) & E1000_P2VMAILBOX_PFU))
		return false;
	/* The VF's message comes first; igb_msg_task() flushes after it. */
	if (rd32(E1000_MBVFICR) & (E1000_MBVFICR_VFREQ_VF1 << vf)) {
		wr32(E1000_P2VMAILBOX(vf), 0);
		return true;
	}
	/* A VFACK still pending is for igb's last message, not for this. */
	wr32(E1000_MBVFICR, E1000_MBVFICR_VFACK_VF1 << vf);
	if (!v->tx_ndw) {
		array_wr32(E1000_VMBMEM(vf), 0, v->igb_msg);
		wr32(E1000_P2VMAILBOX(vf), E1000_P2VMAILBOX_STS);
		v->igb_msg_wait = false;
		return true;
	}
	/* igb's waiting message would be overwritten at once: it goes. */
	v->igb_msg_wait = false;
	/*
	 * CTS as on igb's own pings: a VF igb does not count clear to send
	 * (after a PF reset, until its VF_RESET) must not take a vfcb
	 * message for "the PF is up and knows me", or it never asks igb
	 * for its MAC filter again.
	 */
	array_wr32(E1000_VMBMEM(vf), 0, v->tx[0] |
		   (t->adapter->vf_data[vf].flags & IGB_VF_FLAG_CTS ?
		    E1000_VT_MSGTYPE_CTS : 0));
	for (i = 1; i < v->tx_ndw; i++)
		array_wr32(E1000_VMBMEM(vf), i, v->tx[i]);
	/* STS without PFU: interrupts the VF, releases the buffer. */
	wr32(E1000_P2VMAILBOX(vf), E1000_P2VMAILBOX_STS);
	v->tx_ndw = 0;
	v->tx_out = true;
	return true;
}

/*
 * t->lock held: flush @vf, and if the VF holds its buffer (VFU) return
 * when to try again, else 0.  A VF driver holds VFU only to write its
 * message, then raises REQ; one that keeps it must not make the host poll
 * every jiffy for as long as it likes: after IGB_VFCB_BUSY_TRIES tries,
 * one each IGB_VFCB_BUSY_SLOW_MS.
 */
static unsigned long igb_vfcb_flush_or_wait(struct igb_vfcb *t, u32 vf)
{
	struct igb_vfcb_vf *v = &t->vf[vf];

	if (igb_vfcb_flush_vf(t, vf)) {
		v->busy_tries = 0;
		return 0;
	}
	if (v->busy_tries < IGB_VFCB_BUSY_TRIES) {
		v->busy_tries++;
		return 1;
	}
	if (v->busy_tries == IGB_VFCB_BUSY_TRIES) {
		v->busy_tries++;
		dev_warn_ratelimited(&t->adapter->pdev->dev,
				     "vfcb: VF %u holds its mailbox: messages to it wait, tried each %u ms\n",
				     vf, IGB_VFCB_BUSY_SLOW_MS);
	}
	return msecs_to_jiffies(IGB_VFCB_BUSY_SLOW_MS);
}

/* t->lock held: come back in @delay jiffies (0: no need). */
static void igb_vfcb_retry(struct igb_vfcb *t, unsigned long delay)
{
	if (!delay || t->dead || t->asleep)
		return;
	/* A slow retry never pushes back a sooner run of the work. */
	if (delay == 1)
		mod_delayed_work(system_wq, &t->work, 1);
	else
		queue_delayed_work(system_wq, &t->work, delay);
}

static void igb_vfcb_flush_all(struct igb_vfcb *t)
{
	unsigned long delay = 0, d;
	unsigned int vf;

	spin_lock(&t->lock);
	for (vf = 0; vf < t->num_vfs; vf++) {
		d = igb_vfcb_flush_or_wait(t, vf);
		if (d && (!delay || d < delay))
			delay = d;
	}
	igb_vfcb_retry(t, delay);
	spin_unlock(&t->lock);
}

/*
 * Test only (tests/integration/igb.sh): the watchdog is what brings a lost
 * interrupt back, and QEMU loses one too rarely to test it by.  Writing N
 * here makes the next N igb_msg_task() passes of adapters that carry vfcb
 * return at once, the causes left latched, as if their interrupt had not
 * come.  A writer's count is taken down by every adapter's passes.
 */
static unsigned int vfcb_lose_irqs;
module_param(vfcb_lose_irqs, uint, 0644);
MODULE_PARM_DESC(vfcb_lose_irqs,
		 "Test only: skip the next this many mailbox interrupts of a port carrying vfcb, as if lost (counts down; default 0)");

/* Start of igb_msg_task(), no lock held: true to skip the pass. */
bool igb_vfcb_lose_irq(struct igb_adapter *adapter)
{
	unsigned int n;

	if (!rcu_access_pointer(adapter->vfcb))
		return false;
	do {
		n = READ_ONCE(vfcb_lose_irqs);
		if (!n)
			return false;
	} while (cmpxchg(&vfcb_lose_irqs, n, n - 1) != n);
	return true;
}

/* End of igb_msg_task(), vfs_lock held. */
void igb_vfcb_flush(struct igb_adapter *adapter)
{
	struct igb_vfcb *t = igb_vfcb_locked(adapter, 0);

	if (t) {
		t->passes++;
		igb_vfcb_flush_all(t);
	}
}

/*
 * igb is about to write @msg, one dword it sends unprompted, to @vf's
 * buffer; vfs_lock held.  Returns false if vfcb is not there (igb writes
 * it itself), true if it was written or waits for the buffer.  A newer
 * message, or a vfcb message, replaces one still waiting or unread: what
 * igbvf needs of it is the interrupt, which makes it look at its link (and
 * read the buffer: a vfcb message carries igb's CTS flag for the VF, see
 * igb_vfcb_flush_vf(), so it reads as igb's own ping or NACK would).
 */
bool igb_vfcb_igb_msg(struct igb_adapter *adapter, u32 vf, u32 msg)
{
	struct igb_vfcb *t = igb_vfcb_locked(adapter, vf);

	if (!t)
		return false;
	spin_lock(&t->lock);
	t->vf[vf].igb_msg = msg;
	t->vf[vf].igb_msg_wait = true;
	igb_vfcb_retry(t, igb_vfcb_flush_or_wait(t, vf));
	spin_unlock(&t->lock);
	return true;
}

/* igb_ping_all_vfs(), no lock held: igb_vfcb_igb_msg() under vfs_lock. */
bool igb_vfcb_ping(struct igb_adapter *adapter, u32 vf, u32 msg)
{
	unsigned long flags;
	bool taken;

	spin_lock_irqsave(&adapter->vfs_lock, flags);
	taken = igb_vfcb_igb_msg(adapter, vf, msg);
	spin_unlock_irqrestore(&adapter->vfs_lock, flags);
	return taken;
}

/* ------------------------------------------------------- events --- */

#define IGB_VFCB_EV_RESET	BIT(0)
#define IGB_VFCB_EV_CONSUMED	BIT(1)
#define IGB_VFCB_EV_SENT	BIT(2)

/* t->lock held: the events of @vf to report now. */
static unsigned int igb_vfcb_collect(struct igb_vfcb_vf *v)
{
	unsigned int ev = 0;

	if (v->ev_reset)
		ev |= IGB_VFCB_EV_RESET;
	if (v->ev_consumed)
		ev |= IGB_VFCB_EV_CONSUMED;
	if (v->rx_count && !v->rx_reported) {
		v->rx_reported = true;
		ev |= IGB_VFCB_EV_SENT;
	}
	v->ev_reset = false;
	v->ev_consumed = false;
	return ev;
}

/*
 * Report what is pending, no lock held.  One reporter at a time (the
 * interrupt handler on one CPU, the work item on another): a second one
 * makes the first go round again, so the core sees each VF's events in
 * order.
 */
static void igb_vfcb_report_all(struct igb_vfcb *t)
{
	unsigned long flags;
	unsigned int vf, ev;
	struct vfcb_pf *pf;

	spin_lock_irqsave(&t->lock, flags);
	if (t->reporting) {
		t->again = true;
		spin_unlock_irqrestore(&t->lock, flags);
		return;
	}
	t->reporting = true;
	do {
		t->again = false;
		for (vf = 0; t->pf && !t->dead && vf < t->num_vfs; vf++) {
			ev = igb_vfcb_collect(&t->vf[vf]);
			if (!ev)
				continue;
			pf = t->pf;
			spin_unlock_irqrestore(&t->lock, flags);
			if (ev & IGB_VFCB_EV_RESET)
				vfcb_pf_vf_reset(pf, vf);
			if (ev & IGB_VFCB_EV_CONSUMED)
				vfcb_pf_vf_consumed(pf, vf);
			if (ev & IGB_VFCB_EV_SENT)
				vfcb_pf_vf_sent(pf, vf);
			spin_lock_irqsave(&t->lock, flags);
		}
	} while (t->again);
	t->reporting = false;
	spin_unlock_irqrestore(&t->lock, flags);
}

void igb_vfcb_report(struct igb_adapter *adapter)
{
	struct igb_vfcb *t;

	rcu_read_lock();
	t = rcu_dereference(adapter->vfcb);
	if (t)
		igb_vfcb_report_all(t);
	rcu_read_unlock();
}

/* Flush what the post could not, report what the ack left. */
static void igb_vfcb_work(struct work_struct *work)
{
	struct igb_vfcb *t = container_of(to_delayed_work(work),
					  struct igb_vfcb, work);
	unsigned long flags;

	spin_lock_irqsave(&t->adapter->vfs_lock, flags);
	igb_vfcb_flush_all(t);
	spin_unlock_irqrestore(&t->adapter->vfs_lock, flags);
	igb_vfcb_report_all(t);
}

static void igb_vfcb_watchdog(struct work_struct *work)
{
	struct igb_vfcb *t = container_of(to_delayed_work(work),
					  struct igb_vfcb, watchdog);
	struct igb_adapter *adapter = t->adapter;
	u32 vfs = GENMASK(t->num_vfs - 1, 0);
	struct e1000_hw *hw = &adapter->hw;
	bool lost = false, gone;
	unsigned long flags;
	u32 causes;

	/* igb_vfcb_suspend() cancels us; never read a sleeping PF. */
	if (READ_ONCE(t->asleep))
		return;
	spin_lock_irqsave(&adapter->vfs_lock, flags);
	/* VFREQ in bits 7:0, VFACK in 23:16, VFLRE's per-VF bits in 15:8. */
	causes = rd32(E1000_MBVFICR) & (vfs | vfs << 16);
	causes |= (rd32(E1000_VFLRE) & vfs) << 8;
	/*
	 * An all-ones read makes igb_rd32() drop the register mapping for
	 * good ("PCIe link lost"): every read is all ones from then on,
	 * every VF's causes latched and "lost".  Nothing to watch until
	 * remove.
	 */
	gone = E1000_REMOVED(READ_ONCE(hw->hw_addr));
	if (!gone && causes & t->wd_causes && t->passes == t->wd_passes &&
	    netif_running(adapter->netdev)) {
		lost = true;
		t->wd_kicks++;
		wr32(E1000_ICS, E1000_ICR_VMMB);
		if (adapter->flags & IGB_FLAG_HAS_MSIX)
			wr32(E1000_EICS, adapter->eims_other);
	}
	t->wd_causes = causes;
	t->wd_passes = t->passes;
	spin_unlock_irqrestore(&adapter->vfs_lock, flags);
	if (lost)
		dev_warn_ratelimited(&adapter->pdev->dev,
				     "vfcb: mailbox interrupt lost, raised again (%llu so far)\n",
				     t->wd_kicks);
	if (gone) {
		dev_warn(&adapter->pdev->dev,
			 "vfcb: igb lost the PF's registers: mailbox watchdog stopped\n");
		return;
	}
	if (!READ_ONCE(t->dead))
		mod_delayed_work(system_wq, &t->watchdog,
				 msecs_to_jiffies(IGB_VFCB_WATCHDOG_MS));
}

/* ------------------------------------------- PF resets and sleep --- */

/*
 * igb reset the PF (igb_reset(): CTRL.RST): every VF's buffer and mailbox
 * bits are cleared, vfcb's unread message with them, and each VF starts
 * over on the reset indication.  The core hears a reset of every VF, as
 * after vfcb_82576_pf's restart, so it waits for each VF's new handshake
 * and not for the ack of a message the reset destroyed.  Process context,
 * no lock held.
 */
void igb_vfcb_pf_reset(struct igb_adapter *adapter)
{
	unsigned long flags;
	struct igb_vfcb *t;
	u32 vf;

	spin_lock_irqsave(&adapter->vfs_lock, flags);
	t = igb_vfcb_locked(adapter, 0);
	for (vf = 0; t && vf < t->num_vfs; vf++)
		igb_vfcb_vf_reset(adapter, vf);
	spin_unlock_irqrestore(&adapter->vfs_lock, flags);
	igb_vfcb_report(adapter);
}

/*
 * The PF goes to sleep or into error recovery (__igb_shutdown(),
 * igb_io_error_detected()): until igb_vfcb_resume() its registers may
 * read all ones, and igb's rd32() takes an all-ones read for a removed
 * device and stops using it for good.  So vfcb leaves them alone: the
 * watchdog and the work stop, and what the core posts waits in the
 * outbox.  The pointer is stable: igb_vfcb_stop() runs from
 * sriov_configure and remove, under the device lock that system sleep
 * and error recovery hold too (a runtime suspend racing sriov_numvfs
 * would break igb's own SR-IOV teardown first: it writes the registers
 * as well).  Process context, no lock held.
 */
void igb_vfcb_suspend(struct igb_adapter *adapter)
{
	struct igb_vfcb *t = rcu_access_pointer(adapter->vfcb);
	unsigned long flags;

	if (!t)
		return;
	spin_lock_irqsave(&t->lock, flags);
	t->asleep = true;
	spin_unlock_irqrestore(&t->lock, flags);
	cancel_delayed_work_sync(&t->watchdog);
	cancel_delayed_work_sync(&t->work);
}

/* The PF is awake and reset (__igb_resume(), igb_io_resume()). */
void igb_vfcb_resume(struct igb_adapter *adapter)
{
	struct igb_vfcb *t = rcu_access_pointer(adapter->vfcb);
	unsigned long flags;

	if (!t)
		return;
	spin_lock_irqsave(&t->lock, flags);
	t->asleep = false;
	if (!t->dead)
		mod_delayed_work(system_wq, &t->work, 0);
	spin_unlock_irqrestore(&t->lock, flags);
	mod_delayed_work(system_wq, &t->watchdog,
			 msecs_to_jiffies(IGB_VFCB_WATCHDOG_MS));
}

/* ---------------------------------------------- transport ops --- */

static u32 igb_vfcb_read(void *priv, unsigned int vf, unsigned int i)
{
	struct igb_vfcb *t = priv;
	struct igb_vfcb_vf *v = &t->vf[vf];
	unsigned long flags;
	u32 val = 0;

	spin_lock_irqsave(&t->lock, flags);
	if (v->rx_reported && v->rx_count && i < VFCB_IGB_MSG_DWORDS)
		val = v->rx[v->rx_head][i];
	spin_unlock_irqrestore(&t->lock, flags);
	return val;
}

/* igb acked it to the VF when it read it: only the ring moves. */
static void igb_vfcb_ack(void *priv, unsigned int vf)
{
	struct igb_vfcb *t = priv;
	struct igb_vfcb_vf *v = &t->vf[vf];
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	/* Not after a reset: the core read a message of before it. */
	if (v->rx_reported && v->rx_count) {
		v->rx_head = (v->rx_head + 1) % IGB_VFCB_RING;
		v->rx_count--;
		v->rx_reported = false;
		/* No event from inside an op: the work reports the next. */
		if (v->rx_count && !t->dead)
			mod_delayed_work(system_wq, &t->work, 0);
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

static int igb_vfcb_post(void *priv, unsigned int vf, const u32 *msg,
			 unsigned int ndw)
{
	struct igb_vfcb *t = priv;
	struct igb_adapter *adapter = t->adapter;
	struct igb_vfcb_vf *v = &t->vf[vf];
	unsigned long flags;

	if (!ndw || ndw > VFCB_IGB_MSG_DWORDS)
		return -EINVAL;
	spin_lock_irqsave(&t->lock, flags);
	if (v->tx_ndw) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBUSY;
	}
	v->tx_ndw = vfcb_igb_frame(v->tx, msg, ndw);
	spin_unlock_irqrestore(&t->lock, flags);

	/* Interrupts are off: a plain trylock of the irqsave lock is fine. */
	if (spin_trylock(&adapter->vfs_lock)) {
		igb_vfcb_flush_all(t);
		spin_unlock(&adapter->vfs_lock);
	} else {
		mod_delayed_work(system_wq, &t->work, 0);
	}
	return 0;
}

static const struct vfcb_pf_transport_ops igb_vfcb_ops = {
	.read = igb_vfcb_read,
	.ack = igb_vfcb_ack,
	.post = igb_vfcb_post,
};

/* ---------------------------------------------------- lifetime --- */

void igb_vfcb_start(struct igb_adapter *adapter)
{
	unsigned int n = adapter->vfs_allocated_count;
	struct pci_dev *pdev = adapter->pdev;
	struct vfcb_pf_transport tr;
	unsigned long flags;
	struct igb_vfcb *t;
	struct vfcb_pf *pf;

	if (!n || rcu_access_pointer(adapter->vfcb))
		return;
	t = kzalloc(struct_size(t, vf, n), GFP_KERNEL);
	if (!t)
		return;
	t->num_vfs = n;
	t->adapter = adapter;
	spin_lock_init(&t->lock);
	INIT_DELAYED_WORK(&t->work, igb_vfcb_work);
	INIT_DELAYED_WORK(&t->watchdog, igb_vfcb_watchdog);

	/* Events are recorded from now on, reported once registered. */
	spin_lock_irqsave(&adapter->vfs_lock, flags);
	rcu_assign_pointer(adapter->vfcb, t);
	spin_unlock_irqrestore(&adapter->vfs_lock, flags);

	tr.ops = &igb_vfcb_ops;
	tr.priv = t;
	tr.msg_dwords = VFCB_IGB_MSG_DWORDS;
	pf = vfcb_pf_register(pdev, n, &tr);
	if (IS_ERR(pf)) {
		dev_warn(&pdev->dev, "vfcb: config blocks unavailable: %pe\n",
			 pf);
		spin_lock_irqsave(&adapter->vfs_lock, flags);
		RCU_INIT_POINTER(adapter->vfcb, NULL);
		spin_unlock_irqrestore(&adapter->vfs_lock, flags);
		synchronize_rcu();
		cancel_delayed_work_sync(&t->work);
		kfree(t);
		return;
	}
	spin_lock_irqsave(&t->lock, flags);
	t->pf = pf;
	mod_delayed_work(system_wq, &t->work, 0);
	spin_unlock_irqrestore(&t->lock, flags);
	mod_delayed_work(system_wq, &t->watchdog,
			 msecs_to_jiffies(IGB_VFCB_WATCHDOG_MS));
}

void igb_vfcb_stop(struct igb_adapter *adapter)
{
	struct igb_vfcb *t = rcu_access_pointer(adapter->vfcb);
	unsigned long flags;

	if (!t)
		return;
	/* igb_msg_task() keeps running: the VFs' acks come through it. */
	vfcb_pf_unregister(t->pf);

	spin_lock_irqsave(&adapter->vfs_lock, flags);
	RCU_INIT_POINTER(adapter->vfcb, NULL);
	spin_unlock_irqrestore(&adapter->vfs_lock, flags);
	synchronize_rcu();		/* no hook and no report runs now */
	spin_lock_irqsave(&t->lock, flags);
	WRITE_ONCE(t->dead, true);
	spin_unlock_irqrestore(&t->lock, flags);
	cancel_delayed_work_sync(&t->watchdog);
	cancel_delayed_work_sync(&t->work);
	vfcb_pf_put(t->pf);
	kfree(t);
}
