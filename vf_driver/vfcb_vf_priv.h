/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf internals shared by the core (vfcb_vf_main.c) and the character
 * device (vfcb_vf_cdev.c).
 */
#ifndef _VFCB_VF_PRIV_H
#define _VFCB_VF_PRIV_H

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
#include "vfcb_vf_hw.h"

/*
 * Driver states.  Only READY serves requests; see include/vfcb_vf.h for
 * the errno each state gives callers.
 */
enum vfcb_vf_dstate {
	VFCB_VFD_WAIT_PF,	/* PF in reset or not answered yet: polling */
	VFCB_VFD_HELLO,		/* HELLO posted, waiting for its completion */
	VFCB_VFD_READY,		/* handshake done */
	VFCB_VFD_PF_GONE,	/* PF said it is going away: polling slowly */
	VFCB_VFD_REMOVED,	/* VF unbound: nothing more, ever */
};

/* Driver counters, in debugfs. */
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
	u64 irqs;		/* interrupt thread runs */
	u64 handshakes;		/* HELLO completed successfully */
	u64 hello_failures;	/* HELLO refused, malformed or timed out */
	u64 pf_resets;		/* PF_RESET notifications, RSTI/RSTD seen */
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

	/*
	 * Protects: the registers and the soft mailbox copy (hw), the engine
	 * endpoint (ep), state and handshake fields, the request in flight
	 * (inflight), the invalidation masks (unconsumed, listener_mask, every
	 * file's mask), the files list, nr_listeners and stats.  Taken only in
	 * process context (IRQ thread, work items, syscalls); never sleep
	 * while holding it.
	 */
	spinlock_t lock;
	struct vfcb_vf_hw hw;
	struct vfcb_vf_ep ep;
	enum vfcb_vf_dstate state;
	struct vfcb_vf_wait *inflight;
	struct vfcb_vf_req hello;
	bool hello_active;
	enum vfcb_vf_dstate wait_state;	/* WAIT_PF or PF_GONE: HELLO's origin */
	bool rstd_seen;		/* RSTD seen while waiting: HELLO at once */
	unsigned long hello_not_before;	/* jiffies; else wait for RSTD */
	unsigned int hello_backoff_ms;	/* grows with each failed HELLO */
	unsigned int poll_ms;	/* current poll interval while waiting */
	u64 unconsumed;		/* raised while nobody listened */
	u64 listener_mask;	/* for the listeners, not yet delivered */
	unsigned int nr_listeners;
	struct list_head files;
	struct vfcb_vf_stats stats;

	/* Serializes requests: its holder owns the engine's request slot. */
	struct mutex req_mutex;

	/*
	 * Protects the listeners list for walking; held while callbacks run,
	 * so unregistering waits for a callback in flight.  Additions and
	 * removals also take vf->lock (for nr_listeners).
	 */
	struct mutex listener_mutex;
	struct list_head listeners;

	wait_queue_head_t state_wq;	/* state leaves WAIT_PF/HELLO */
	wait_queue_head_t inv_wq;	/* a file's mask became non-zero */
	struct delayed_work hs_work;	/* poll, HELLO timeout, watchdog */
	struct delayed_work retry_work;	/* re-post when the mailbox was busy */
	struct work_struct inv_work;	/* calls the listeners */

	struct miscdevice misc;
	bool misc_registered;
	struct dentry *dbg;
	void __iomem *regs;	/* BAR0, also in hw until detached */
	int nvec;		/* MSI-X vectors with a handler */
};

/* vfcb_vf_main.c */
void vfcb_vf_ref(struct vfcb_vf *vf);
int vfcb_vf_state_errno(const struct vfcb_vf *vf);
int vfcb_vf_do_read(struct vfcb_vf *vf, u32 block_id, void *buf, u32 len,
		    u32 *out_len);
int vfcb_vf_do_write(struct vfcb_vf *vf, u32 block_id, const void *buf,
		     u32 len);

/* vfcb_vf_cdev.c */
int vfcb_vf_cdev_add(struct vfcb_vf *vf);
void vfcb_vf_cdev_del(struct vfcb_vf *vf);

#endif /* _VFCB_VF_PRIV_H */
