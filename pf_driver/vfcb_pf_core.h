/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf internals shared by the driver's files.
 *
 * Locking, outermost first:
 *   vfcb_pf.cfg_lock      (mutex)  SR-IOV state; every host-side operation
 *   vfcb_pf.svc_lock      (mutex)  one mailbox service pass at a time
 *   vfcb_pf_blocks.lock   (mutex)  a VF's block store
 *   vfcb_pf_vf.lock       (spin)   a VF's engine endpoint and its mailbox
 *   vfcb_pf.ev_lock       (spin)   event queues of open files and notifier
 * The mailbox service never takes cfg_lock, so SR-IOV teardown can hold
 * cfg_lock while it waits for the service to collect the VFs' acks.
 */
#ifndef _VFCB_PF_CORE_H
#define _VFCB_PF_CORE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/vfcb.h>

#include "vfcb_proto.h"
#include "vfcb_pf_blocks.h"
#include "vfcb_pf_hw.h"
#include "../include/vfcb_pf.h"

#define VFCB_PF_MAX_VFS		7	/* 82576: 8 would leave the PF 1 vector */
#define VFCB_PF_EVQ_LEN		256	/* events queued per open file */

enum vfcb_pf_trace_event {
	VFCB_PF_TR_VF_RESET	= 0,
	VFCB_PF_TR_READY	= 1,
	VFCB_PF_TR_BAD_MSG	= 2,
	VFCB_PF_TR_THROTTLED	= 3,
	VFCB_PF_TR_MUTED	= 4,
	VFCB_PF_TR_GOING_AWAY	= 5,
};

/* Driver counters of one VF, beside the engine's; see vfcb_pf_debugfs.c. */
struct vfcb_pf_vf_stats {
	u64 reads_served;
	u64 writes_served;
	u64 pings_served;
	u64 bad_msgs;
	u64 vf_resets;
	u64 lock_releases;	/* RVFU of a lock held across a VF reset */
	u64 throttle_events;	/* times the VF was throttled */
	u64 throttled_msgs;	/* messages left unread while throttled */
	u64 muted_msgs;		/* messages acked unanswered (mute) */
	u64 kick_retries;	/* deferred posts retried from the work */
	u64 kick_giveups;	/* retries abandoned (VF holds its lock) */
};

/**
 * struct vfcb_pf_vf - the PF's state for one VF
 * @pf: owner
 * @index: VF index
 * @lock: protects @ep and @hw (the engine endpoint and the VF's mailbox
 *	registers: every engine call and every MMIO access for this VF).
 *	A spinlock because the engine asks for one; never held across
 *	anything that sleeps.
 * @ep: engine endpoint
 * @hw: mailbox registers of this VF (transport context)
 * @blocks: the VF's block store, its own lock
 * @req: request being served; only the service pass (svc_lock) uses it
 * @mute: debugfs test knob: read and ack, never answer
 * @wait_idle: teardown waits for this VF's ack (it was handshaken)
 * @throttle_until: jiffies until which the VF is throttled
 * @throttled: @throttle_until is meaningful
 * @deferred: a message left unread by throttling has been counted
 * @win_start: start of the flood-detection window (jiffies)
 * @win_msgs: messages received in the window
 * @win_errs: bad messages received in the window
 * @kick_tries: consecutive service passes that could not post
 * @stats: driver counters
 * @dbg: debugfs directory
 *
 * Fields from @throttle_until to @stats are only touched by the service
 * pass (svc_lock); debugfs reads them racily for display.
 */
struct vfcb_pf_vf {
	struct vfcb_pf *pf;
	unsigned int index;
	spinlock_t lock;		/* @ep and @hw, see above */
	struct vfcb_pf_ep ep;
	struct vfcb_pf_hw_vf hw;
	struct vfcb_pf_blocks blocks;
	struct vfcb_pf_req req;
	bool mute;
	bool wait_idle;

	unsigned long throttle_until;
	bool throttled;
	bool deferred;
	unsigned long win_start;
	u32 win_msgs;
	u32 win_errs;
	u32 kick_tries;
	struct vfcb_pf_vf_stats stats;
	struct dentry *dbg;
};

/* PF-wide counters (service pass, svc_lock). */
struct vfcb_pf_stats {
	u64 irqs;
	u64 service_passes;
	u64 retry_runs;
	u64 events_dropped;	/* kernel notifier ring overflowed */
};

/**
 * struct vfcb_pf - one PF bound to vfcb_pf
 * @kref: the PF lives until the last open file / vfcb_pf_get() user is gone
 * @node: in the global list of PFs (vfcb_pf_list_lock)
 * @pdev: the PF; NULL-free: kept with a reference until the last put
 * @name: "vfcb-pf-<pci address>", the misc device's name
 * @hw: MMIO
 * @vector: MSI-X vector of the mailbox (0)
 * @irq: its Linux IRQ
 * @cfg_lock: protects @num_vfs, @dead, @going_away and the validity of
 *	@vfs[0..num_vfs-1] for host-side operations
 * @num_vfs: VFs enabled
 * @dead: the driver is unbinding; every operation fails with -ENODEV
 * @going_away: SR-IOV is being disabled (VF state reported as GONE)
 * @svc_lock: serialises mailbox service passes (IRQ thread, retry work)
 *	and protects @num_active
 * @num_active: VFs the service pass looks at
 * @stats: PF-wide counters (under @svc_lock)
 * @retry_work: retries posts a VF's lock prevented, ends throttling
 * @idle_wq: teardown waits here for the VFs' acks
 * @serial_base: random; VF n is told serial_base + n
 * @vfs: per-VF state, preallocated for every possible VF
 * @misc: the character device
 * @misc_registered: @misc is registered (probe/remove only)
 * @ev_lock: protects @files (the list and each file's queue), @ntf_*
 * @files: open files (struct vfcb_pf_file)
 * @ev_wq: readers of the character device wait here
 * @ntf_chain: kernel listeners of VF events
 * @ntf_ring: events waiting for @ntf_work
 * @ntf_head: first entry of @ntf_ring
 * @ntf_count: entries in @ntf_ring
 * @ntf_work: calls @ntf_chain outside every lock
 * @dbg: debugfs directory of the PF
 */
struct vfcb_pf {
	struct kref kref;
	struct list_head node;
	struct pci_dev *pdev;
	char name[48];
	struct vfcb_pf_hw hw;
	unsigned int vector;
	int irq;

	struct mutex cfg_lock;		/* SR-IOV state, see above */
	unsigned int num_vfs;
	bool dead;
	bool going_away;

	struct mutex svc_lock;		/* service passes, @num_active */
	unsigned int num_active;
	struct vfcb_pf_stats stats;
	struct delayed_work retry_work;
	wait_queue_head_t idle_wq;

	u32 serial_base;
	struct vfcb_pf_vf vfs[VFCB_PF_MAX_VFS];

	struct miscdevice misc;
	bool misc_registered;

	spinlock_t ev_lock;		/* @files and their queues, @ntf_* */
	struct list_head files;
	wait_queue_head_t ev_wq;
	struct blocking_notifier_head ntf_chain;
	struct vfcb_pf_event ntf_ring[VFCB_PF_EVQ_LEN];
	unsigned int ntf_head;
	unsigned int ntf_count;
	struct work_struct ntf_work;

	struct dentry *dbg;
};

/* vfcb_pf_main.c */
void vfcb_pf_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
			u32 block_id, u32 len);

/* vfcb_pf_cdev.c */
int vfcb_pf_cdev_register(struct vfcb_pf *pf);
void vfcb_pf_cdev_unregister(struct vfcb_pf *pf);
void vfcb_pf_cdev_queue_event(struct vfcb_pf *pf,
			      const struct vfcb_pf_event *ev);

/* vfcb_pf_debugfs.c */
void vfcb_pf_debugfs_module_init(void);
void vfcb_pf_debugfs_module_exit(void);
void vfcb_pf_debugfs_pf_init(struct vfcb_pf *pf);
void vfcb_pf_debugfs_pf_exit(struct vfcb_pf *pf);
void vfcb_pf_debugfs_vf_init(struct vfcb_pf_vf *vf);
void vfcb_pf_debugfs_vf_exit(struct vfcb_pf_vf *vf);

#endif /* _VFCB_PF_CORE_H */
