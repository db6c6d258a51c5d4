/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf.ko internals: the guest core, shared by its files.  No file here
 * touches a register; a VF driver registers its mailbox as a transport
 * (include/vfcb_vf_transport.h) and reports events.
 *
 * Files, and the verbs each gives the others (calls go down this list only):
 *
 *   vfcb_vf_core.c     register/unregister a VF, vfcb_vf_get(), debugfs,
 *                      module init/exit
 *   vfcb_vf_cdev.c     /dev/vfcb-vf-<addr>: vfcb_vf_cdev_add(), _del()
 *   vfcb_vf_request.c  one request to the PF, bounded: vfcb_vf_do_read(),
 *                      vfcb_vf_do_write() and the exported block API
 *   vfcb_vf_mbx.c      transport events -> engine; handshake state
 *                      machine, hs_work (poll, HELLO timeout, watchdog),
 *                      retry_work: vfcb_vf_mbx_init(), _start(), _stop(),
 *                      _pf_silent(), vfcb_vf_kick()
 *   vfcb_vf_listen.c   invalidations to listeners and files:
 *                      vfcb_vf_deliver(), vfcb_vf_listen_init()
 *   vfcb_vf_base.c     the object: refcount, state, tunables, info:
 *                      vfcb_vf_ref(), vfcb_vf_put(), vfcb_vf_set_state(),
 *                      vfcb_vf_state_errno(), vfcb_vf_settled(),
 *                      vfcb_vf_timeout_ms(), vfcb_vf_watchdog_ms()
 *   vfcb_vf_proto.c    the protocol engine (engine/vfcb_proto.c)
 *
 * Lock order (outer first):
 *   vfcb_vf_devices_lock (mutex, core.c): the registered VFs list
 *     -> vf->lock (spinlock, IRQ-safe: always spin_lock_irqsave)
 *        -> the transport's own lock, taken inside ->read/->ack/->post
 * The transport calls the event functions with its lock dropped, so the
 * reverse order never happens.  ->poll and ->rearm run with no vf lock.
 * Listener callbacks run from each listener's own work item, no lock held.
 */
#ifndef _VFCB_VF_CORE_H
#define _VFCB_VF_CORE_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/vfcb.h>
#include "vfcb_proto.h"
#include "vfcb_vf.h"
#include "vfcb_vf_transport.h"

/*
 * Driver states.  Only READY serves requests; see include/vfcb_vf.h for
 * the errno each state gives callers.
 */
enum vfcb_vf_dstate {
	VFCB_VFD_WAIT_PF,	/* PF in reset or not answered yet: polling */
	VFCB_VFD_HELLO,		/* HELLO posted, waiting for its completion */
	VFCB_VFD_READY,		/* handshake done */
	VFCB_VFD_PF_GONE,	/* PF said it is going away: polling slowly */
	VFCB_VFD_REMOVED,	/* VF unregistered: nothing more, ever */
	VFCB_VFD_NO_VFCB,	/* the PF's driver refused vfcb: silent until
				 * the PF resets
				 */
};

/* Core counters, in debugfs. */
struct vfcb_vf_stats {
	u64 requests;		/* requests submitted to the engine */
	u64 completed;		/* requests the PF answered */
	u64 failed;		/* answered with a non-OK status */
	u64 timeouts;		/* no answer within timeout_ms */
	u64 interrupted;	/* waiter interrupted by a signal */
	u64 lost;		/* ended by a PF reset / VF removal */
	u64 retries;		/* requests sent again after a PF reset */
	u64 reposts;		/* delayed re-posts (mailbox was busy) */
	u64 invalidations;	/* INVALIDATE notifications received */
	u64 inv_bits;		/* block bits in them, counted one by one */
	u64 ev_sent;		/* events: the PF sent a message */
	u64 ev_consumed;	/* events: the PF consumed ours */
	u64 ev_reset;		/* events: PF in reset or reset done */
	u64 ev_refused;		/* events: the PF's driver has no vfcb */
	u64 pf_silent;		/* timeouts with our message never acked */
	u64 handshakes;		/* HELLO completed successfully */
	u64 resyncs;		/* all-ones masks handed out after one */
	u64 hello_failures;	/* HELLO refused, malformed or timed out */
	u64 pf_resets;		/* PF resets acted on (notified or reported) */
	u64 polls;		/* polls while waiting for the PF */
	u64 watchdog;		/* watchdog runs while READY */
};

/* One request of a caller, on its stack; see vfcb_vf_request(). */
struct vfcb_vf_wait {
	struct vfcb_vf_req req;
	struct completion done;
	bool finished;		/* under vf->lock: answered or ended */
	int err;		/* under vf->lock: set when ended without answer */
};

/*
 * One open file of the character device.  It receives invalidations once
 * it has called read() or poll() (subscribed): a file opened only for
 * ioctls must not take the bits nobody has consumed yet.
 */
struct vfcb_vf_file {
	struct vfcb_vf *vf;
	struct list_head node;	/* in vf->files once subscribed, vf->lock */
	bool subscribed;	/* under vf->lock */
	u64 mask;		/* accumulated invalidations, under vf->lock */
};

struct vfcb_vf {
	struct kref kref;
	struct list_head node;	/* vfcb_vf_devices, under vfcb_vf_devices_lock */
	struct pci_dev *pdev;	/* referenced until the last kref is gone */
	char name[32];		/* PCI address */
	char devname[48];	/* "vfcb-vf-<PCI address>" */
	u32 trace_id;		/* domain << 16 | bus << 8 | devfn */

	/* The registered transport; ops are called only under vf->lock
	 * (read/ack/post) or from hs_work/retry_work (poll/rearm).
	 */
	const struct vfcb_vf_transport_ops *ops;
	void *priv;
	unsigned int msg_dwords;

	/*
	 * Protects: the engine endpoint (ep), state and handshake fields, the
	 * request in flight (inflight), the invalidation masks (unconsumed,
	 * every listener's pending bits, every file's mask), the listeners
	 * and files lists, and stats.  Taken from any context, hard IRQ included (the event
	 * functions): always with spin_lock_irqsave(); never sleep under it.
	 */
	spinlock_t lock;
	struct vfcb_vf_ep ep;
	enum vfcb_vf_dstate state;
	struct vfcb_vf_wait *inflight;
	struct vfcb_vf_req hello;
	bool hello_active;
	bool need_rearm;	/* handshake done: hs_work calls ->rearm */
	enum vfcb_vf_dstate wait_state;	/* WAIT_PF or PF_GONE: HELLO's origin */
	bool rstd_seen;		/* "reset done" seen while waiting: HELLO at once */
	unsigned int reset_seq;	/* bumped by every reset event */
	unsigned long hello_not_before;	/* jiffies; else wait for reset done */
	unsigned int hello_backoff_ms;	/* grows with each failed HELLO */
	unsigned int poll_ms;	/* current poll interval while waiting */
	/*
	 * The transport found the VF absent (vfcb_vf_surprise_removed()) and
	 * nothing since showed it present; since @absent_since (jiffies).
	 */
	bool absent;
	unsigned long absent_since;
	u64 unconsumed;		/* raised while nobody listened */
	struct list_head listeners;	/* each with its pending bits */
	struct list_head files;
	struct vfcb_vf_stats stats;

	/* A caller owns the engine's request slot (under vf->lock). */
	bool req_busy;
	/* jiffies of the engine's last post: how long the PF has had it. */
	unsigned long tx_posted;

	wait_queue_head_t state_wq;	/* state changed or request slot freed */
	wait_queue_head_t inv_wq;	/* a file's mask became non-zero */
	struct delayed_work hs_work;	/* poll, HELLO timeout, watchdog */
	struct delayed_work retry_work;	/* re-post when the mailbox was busy */

	struct miscdevice misc;
	bool misc_registered;
	struct dentry *dbg;
};

/* vfcb_vf_base.c */
struct vfcb_vf *vfcb_vf_alloc(struct pci_dev *pdev);
void vfcb_vf_ref(struct vfcb_vf *vf);
void vfcb_vf_set_state(struct vfcb_vf *vf, enum vfcb_vf_dstate to);
int vfcb_vf_state_errno(const struct vfcb_vf *vf);
bool vfcb_vf_settled(const struct vfcb_vf *vf);
unsigned int vfcb_vf_timeout_ms(void);
unsigned int vfcb_vf_watchdog_ms(void);
unsigned int vfcb_vf_gone_ms(void);
extern const char * const vfcb_vf_state_names[];

/* vfcb_vf_listen.c; deliver and resync with vf->lock held */
void vfcb_vf_listen_init(struct vfcb_vf *vf);
void vfcb_vf_deliver(struct vfcb_vf *vf, u64 mask);
void vfcb_vf_resync(struct vfcb_vf *vf);

/* vfcb_vf_mbx.c; vfcb_vf_kick() with vf->lock held */
void vfcb_vf_mbx_init(struct vfcb_vf *vf);
void vfcb_vf_mbx_start(struct vfcb_vf *vf);
void vfcb_vf_mbx_stop(struct vfcb_vf *vf);
void vfcb_vf_kick(struct vfcb_vf *vf);
void vfcb_vf_mbx_pf_silent(struct vfcb_vf *vf);

/* vfcb_vf_request.c */
/* How a request waits: the cdev's callers take signals, may not block. */
#define VFCB_VF_WAIT_USER	BIT(0)
#define VFCB_VF_WAIT_NONBLOCK	BIT(1)
int vfcb_vf_do_ping(struct vfcb_vf *vf, unsigned int how);
int vfcb_vf_do_read(struct vfcb_vf *vf, u32 block_id, void *buf, u32 len,
		    u32 *out_len, unsigned int how);
int vfcb_vf_do_write(struct vfcb_vf *vf, u32 block_id, const void *buf,
		     u32 len, unsigned int how);

/* vfcb_vf_cdev.c */
int vfcb_vf_cdev_add(struct vfcb_vf *vf);
void vfcb_vf_cdev_del(struct vfcb_vf *vf);

#endif /* _VFCB_VF_CORE_H */
