/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf core internals, shared by its files.  Each file has one job and
 * calls only the files listed under it (dependencies run one way):
 *
 *   vfcb_pf_main.c     registration, lifetime, lookup; module init/exit
 *                      -> cdev, debugfs, mbx, events, blocks, cfg
 *   vfcb_pf_cdev.c     /dev/vfcb-pf-<pci address>  -> api, cfg, events
 *   vfcb_pf_api.c      exported block API          -> mbx, blocks, events
 *   vfcb_pf_cfg.c      VF config-space access (exported)
 *   vfcb_pf_mbx.c      transport events -> engine; serving, policing
 *                                                  -> blocks, events
 *   vfcb_pf_events.c   VF events to open files and the notifier
 *   vfcb_pf_blocks.c   one VF's block store
 *   vfcb_pf_debugfs.c  counters                    -> blocks
 *
 * Locking, outermost first:
 *   vfcb_pf_list_lock   (mutex)  the registered PFs (vfcb_pf_main.c)
 *   vfcb_pf.api_lock    (rwsem)  read: a host operation uses the VFs;
 *                                write: unregister marks the PF dead
 *   vfcb_pf_blocks.lock (mutex)  a VF's block store
 *   vfcb_pf_vf.lock     (spin, irqsave) a VF's endpoint and mailbox state;
 *                                the transport's ops run under it
 *   vfcb_pf.ev_lock     (spin, irqsave) event queues and notifier ring
 *   vfcb_pf.retry_lock  (spin, irqsave) when @retry_work is due; a leaf,
 *                                like ev_lock (neither takes the other)
 * No lock is held across a notifier callback, misc_register/deregister,
 * or a wait for a VF.
 */
#ifndef _VFCB_PF_CORE_H
#define _VFCB_PF_CORE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/vfcb.h>

#include "vfcb_proto.h"
#include "vfcb_pf_blocks.h"
#include "vfcb_pf.h"
#include "vfcb_pf_transport.h"

/* Posting retried every 2 ms, for at most 250 tries (0.5 s) in a row. */
#define VFCB_PF_RETRY_MS	2
#define VFCB_PF_RETRY_MAX	250

/* Events queued per reader; fuzz_pf_core builds with 16, to overflow sooner. */
#ifndef VFCB_PF_EVQ_LEN
#define VFCB_PF_EVQ_LEN		256
#endif

enum vfcb_pf_trace_event {
	VFCB_PF_TR_VF_RESET	= 0,
	VFCB_PF_TR_READY	= 1,
	VFCB_PF_TR_BAD_MSG	= 2,
	VFCB_PF_TR_THROTTLED	= 3,
	VFCB_PF_TR_MUTED	= 4,
	VFCB_PF_TR_GOING_AWAY	= 5,
	VFCB_PF_TR_OVERWRITE	= 6,
};

/* Core counters of one VF, beside the engine's; see vfcb_pf_debugfs.c. */
struct vfcb_pf_vf_stats {
	u64 reads_served;
	u64 writes_served;
	u64 pings_served;
	u64 bad_msgs;
	u64 bad_acks;		/* "consumed" with nothing posted */
	u64 overwrites;		/* messages over our unacked one (shared buffer) */
	u64 vf_resets;
	u64 throttle_events;	/* times the VF was throttled */
	u64 throttled_msgs;	/* messages left unread while throttled */
	u64 muted_msgs;		/* messages acked unanswered (mute) */
	u64 kick_retries;	/* deferred posts retried from the timer */
	u64 kick_giveups;	/* retries abandoned (VF holds its mailbox) */
};

/**
 * struct vfcb_pf_vf - the core's state for one VF
 * @pf: owner
 * @index: VF index
 * @lock: protects every field from @ep to @stats: the engine endpoint, the
 *	mailbox state and the policing state.  A spinlock taken with
 *	interrupts disabled, since transports report events from hard IRQs.
 * @ep: engine endpoint
 * @unread: the VF's message was reported and is not consumed yet
 * @serving: @req is being served by @serve_work
 * @stopped: the PF is unregistered; events are ignored
 * @epoch: bumped by each VF reset; an answer served across one is dropped
 * @req: the request being served (@serving) or just received
 * @req_epoch: @epoch when @req was received
 * @mute: debugfs test knob: read and ack, never answer
 * @wait_idle: unregister waits for this VF's ack (it was handshaken)
 * @throttle_until: jiffies until which the VF is throttled
 * @throttled: @throttle_until is meaningful
 * @quiet: the transport was told to stop the VF's interrupts (->quiet) for
 *	the throttle, and not yet to start them again
 * @deferred: a message left unread by throttling has been counted
 * @reset_held: the VF was reset while throttled and no VF_RESET event has
 *	told it yet: one is emitted when the throttle ends
 * @win_start: start of the flood-detection window (jiffies)
 * @win_msgs: messages received in the window
 * @win_errs: bad messages received in the window
 * @win_hellos: handshakes in the window
 * @kick_tries: consecutive retries that could not post
 * @rx_dw: first dwords of the message being read, for tracing
 * @stats: counters
 * @blocks: the VF's block store, its own lock
 * @serve_work: serves @req from @blocks (the store sleeps)
 * @dbg: debugfs directory
 */
struct vfcb_pf_vf {
	struct vfcb_pf *pf;
	unsigned int index;
	spinlock_t lock;		/* @ep .. @stats, see above */
	struct vfcb_pf_ep ep;
	bool unread;
	bool serving;
	bool stopped;
	u32 epoch;
	struct vfcb_pf_req req;
	u32 req_epoch;
	bool mute;
	bool wait_idle;
	unsigned long throttle_until;
	bool throttled;
	bool quiet;
	bool deferred;
	bool reset_held;
	unsigned long win_start;
	u32 win_msgs;
	u32 win_errs;
	u32 win_hellos;
	u32 kick_tries;
	u32 rx_dw[3];
	struct vfcb_pf_vf_stats stats;

	struct vfcb_pf_blocks blocks;
	struct work_struct serve_work;
	struct dentry *dbg;
};

/**
 * struct vfcb_pf - one registered PF
 * @kref: lives until the driver's handle, every open file and every
 *	vfcb_pf_get() user are gone
 * @node: in the list of registered PFs (vfcb_pf_list_lock)
 * @pdev: the PF, referenced until the last put
 * @name: "vfcb-pf-<pci address>", the misc device's name
 * @tr: the driver's transport
 * @num_vfs: VFs handed to the core, fixed for the registration
 * @api_lock: see the lock list above; protects @dead
 * @dead: unregistered: every host operation fails with -ENODEV
 * @going_away: unregister is telling the VFs (state reported as GONE)
 * @retry_work: retries posts the transport refused, ends throttling
 * @retry_lock: protects @retry_at, and orders the changes of @retry_work's
 *	timer, so one VF's late retry never pushes back another's earlier one
 * @retry_at: jiffies when @retry_work runs, while it is pending
 * @idle_wq: unregister waits here for the VFs' acks
 * @serial_base: random; VF n is told serial_base + n
 * @misc: the character device
 * @ev_lock: protects @readers (the list and each queue), @ntf_*, @ev_dropped,
 *	@ev_stopped
 * @readers: event queues of open files (struct vfcb_pf_evq)
 * @ev_wq: readers of the character device wait here
 * @ntf_chain: kernel listeners of VF events
 * @ntf_ring: events waiting for @ntf_work
 * @ntf_head: first entry of @ntf_ring
 * @ntf_count: entries in @ntf_ring
 * @ntf_dropped: events dropped since the last OVERFLOW sent to the chain
 * @ntf_lost_vfs: their VFs, as in an OVERFLOW record
 * @ev_dropped: events the notifier ring had no room for, ever
 * @ntf_work: calls @ntf_chain outside every lock
 * @ev_stopped: unregister stopped the events: none is queued any more, so
 *	a reporter that checked its VF before the stop cannot queue
 *	@ntf_work after unregister flushed it
 * @dbg: debugfs directory of the PF
 * @vfs: per-VF state, @num_vfs entries
 */
struct vfcb_pf {
	struct kref kref;
	struct list_head node;
	struct pci_dev *pdev;
	char name[48];
	struct vfcb_pf_transport tr;
	unsigned int num_vfs;

	struct rw_semaphore api_lock;	/* @dead, see above */
	bool dead;
	bool going_away;

	struct delayed_work retry_work;
	spinlock_t retry_lock;		/* @retry_at, see above */
	unsigned long retry_at;
	wait_queue_head_t idle_wq;
	u32 serial_base;

	struct miscdevice misc;

	spinlock_t ev_lock;		/* @readers, @ntf_*, @ev_*, see above */
	struct list_head readers;
	wait_queue_head_t ev_wq;
	struct blocking_notifier_head ntf_chain;
	struct vfcb_pf_event ntf_ring[VFCB_PF_EVQ_LEN];
	unsigned int ntf_head;
	unsigned int ntf_count;
	u32 ntf_dropped;
	u32 ntf_lost_vfs;
	u64 ev_dropped;
	struct work_struct ntf_work;
	bool ev_stopped;

	struct dentry *dbg;
	struct vfcb_pf_vf vfs[];
};

/* vfcb_pf_main.c */
void vfcb_pf_ref(struct vfcb_pf *pf);

/* vfcb_pf_api.c: the VF of a host operation, with api_lock held for read */
struct vfcb_pf_vf *vfcb_pf_vf_lookup(struct vfcb_pf *pf, unsigned int vf);

/* vfcb_pf_cfg.c */
struct pci_dev *vfcb_pf_vf_pdev(struct vfcb_pf *pf, unsigned int vf);

/* vfcb_pf_mbx.c */
void vfcb_pf_mbx_init(struct vfcb_pf *pf);
void vfcb_pf_mbx_vf_init(struct vfcb_pf_vf *vf, unsigned int msg_dwords);
void vfcb_pf_mbx_invalidate(struct vfcb_pf_vf *vf, u64 mask);
void vfcb_pf_mbx_going_away(struct vfcb_pf *pf);
void vfcb_pf_mbx_stop(struct vfcb_pf *pf);

/* vfcb_pf_events.c */
struct vfcb_pf_evq {
	struct list_head node;	/* in pf->readers */
	unsigned int head;
	unsigned int count;
	u32 dropped;
	u32 lost_vfs;	/* VFs of the dropped records, vfcb_pf_vf_bit() */
	struct vfcb_pf_event ev[VFCB_PF_EVQ_LEN];
};

void vfcb_pf_events_init(struct vfcb_pf *pf);
void vfcb_pf_emit_event(struct vfcb_pf *pf, u32 type, unsigned int vf,
			u32 block_id, u32 len);
void vfcb_pf_evq_add(struct vfcb_pf *pf, struct vfcb_pf_evq *q);
void vfcb_pf_evq_del(struct vfcb_pf *pf, struct vfcb_pf_evq *q);
bool vfcb_pf_evq_ready(struct vfcb_pf *pf, struct vfcb_pf_evq *q);
unsigned int vfcb_pf_evq_pop(struct vfcb_pf *pf, struct vfcb_pf_evq *q,
			     struct vfcb_pf_event *out, unsigned int max);
void vfcb_pf_events_stop(struct vfcb_pf *pf);

/* vfcb_pf_cdev.c */
int vfcb_pf_cdev_register(struct vfcb_pf *pf);
void vfcb_pf_cdev_unregister(struct vfcb_pf *pf);

/* vfcb_pf_debugfs.c */
void vfcb_pf_debugfs_module_init(void);
void vfcb_pf_debugfs_module_exit(void);
void vfcb_pf_debugfs_pf_init(struct vfcb_pf *pf);
void vfcb_pf_debugfs_pf_exit(struct vfcb_pf *pf);

#endif /* _VFCB_PF_CORE_H */
