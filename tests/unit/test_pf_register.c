// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf_register()'s lifetime over the kernel-API shim
 * (tests/fuzz/kshim): pf_core/vfcb_pf_main.c compiled unchanged with the
 * core's serving files, the device files replaced by stubs here.
 *
 * The case a test cannot otherwise reach: the PF is on the core's list,
 * where vfcb_pf_get() finds it, before its character device exists.  If
 * that then fails, whoever found the PF meanwhile holds a reference to
 * one whose stores are destroyed.  The stub for the device file plays
 * that finder, inside the window, and fails; the finder's PF must then be
 * dead (every call -ENODEV, no transport op) and its memory freed by the
 * finder's put (AddressSanitizer's leak check).
 *
 * And two cases of the core's events: one whose report straddles
 * unregister may not leave work queued on a PF about to be freed, and a
 * reset held by a throttle reaches the host before the handshake after
 * it; and the PF's message a VF wrote over is not waited for.
 */
#include <linux/pci.h>

#include "vfcb_pf.h"
#include "vfcb_pf_core.h"
#include "vfcb_pf_transport.h"

#include "../unit/tap.h"

static struct {
	int cdev_err;			/* what the device file's stub returns */
	bool find_in_window;		/* the stub looks the PF up first */
	struct vfcb_pf *found;		/* what that look-up got */
	unsigned int cdevs;		/* device files registered, not removed */
	unsigned int ops;		/* transport ops called */
} T;

static struct pci_bus bus = { .number = 3 };
static struct pci_dev pdev = { .bus = &bus };

/* ---------------------------------------------- the device files' stubs */

int vfcb_pf_cdev_register(struct vfcb_pf *pf)
{
	if (T.find_in_window)
		T.found = vfcb_pf_get(pf->pdev);
	if (T.cdev_err)
		return T.cdev_err;
	T.cdevs++;
	return 0;
}

void vfcb_pf_cdev_unregister(struct vfcb_pf *pf)
{
	T.cdevs--;
}

void vfcb_pf_debugfs_pf_init(struct vfcb_pf *pf) {}
void vfcb_pf_debugfs_pf_exit(struct vfcb_pf *pf) {}
void vfcb_pf_debugfs_module_init(void) {}
void vfcb_pf_debugfs_module_exit(void) {}

/* No VF device exists here: the device links have nothing to link. */
struct pci_dev *vfcb_pf_vf_pdev(struct vfcb_pf *pf, unsigned int vf)
{
	return NULL;
}

void kshim_wait_hook(void) {}

/* ------------------------------------------------------ the transport */

/* What the VFs' mailbox holds (one for all: the tests use one VF). */
static u32 mbox[16];

static u32 tr_read(void *priv, unsigned int vf, unsigned int i)
{
	T.ops++;
	return mbox[i];
}

/* The VF's message is in the buffer, not acked (the 82576's VFU/REQ). */
static bool mbox_unread;

static void tr_ack(void *priv, unsigned int vf)
{
	T.ops++;
	mbox_unread = false;
}

static int tr_post(void *priv, unsigned int vf, const u32 *msg,
		   unsigned int n)
{
	T.ops++;
	return 0;
}

static const struct vfcb_pf_transport_ops tr_ops = {
	.read = tr_read, .ack = tr_ack, .post = tr_post,
};

static const struct vfcb_pf_transport tr = {
	.ops = &tr_ops, .msg_dwords = 16,
};

/* One buffer both ways, as the 82576's: the last message posted kept. */
static u32 posted[16];
static unsigned int nposted;

static int tr_shared_post(void *priv, unsigned int vf, const u32 *msg,
			  unsigned int n)
{
	if (mbox_unread)
		return -EBUSY;	/* never over the VF's unread message */
	memcpy(posted, msg, n * sizeof(*msg));
	nposted++;
	return 0;
}

static const struct vfcb_pf_transport_ops tr_shared_ops = {
	.read = tr_read, .ack = tr_ack, .post = tr_shared_post,
};

static const struct vfcb_pf_transport tr_shared = {
	.ops = &tr_shared_ops, .msg_dwords = 16, .shared_buffer = true,
};

/* ------------------------------------------------------------- tests */

static void test_register_unregister(void)
{
	struct vfcb_pf *pf = vfcb_pf_register(&pdev, 2, &tr), *got;

	ok(!IS_ERR(pf), "register: 2 VFs");
	is(T.cdevs, 1, "register: its device file made");
	got = vfcb_pf_get(&pdev);
	ok(got == pf, "registered: vfcb_pf_get() finds it");
	is(vfcb_pf_num_vfs(got), 2, "registered: vfcb_pf_num_vfs() is 2");
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -EEXIST,
	   "register again on the same PF: -EEXIST");
	is(vfcb_pf_num_vfs(pf), 2, "the first registration still serves");
	vfcb_pf_unregister(pf);
	is(T.cdevs, 0, "unregister: its device file removed");
	is(vfcb_pf_num_vfs(got), -ENODEV,
	   "unregistered: a reference held across it gets -ENODEV");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "unregistered: vfcb_pf_get() finds nothing");
	vfcb_pf_put(got);
	vfcb_pf_put(pf);	/* the registration's own reference */
}

static void test_register_fails(void)
{
	T.cdev_err = -ENOMEM;
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -ENOMEM,
	   "device file fails: register returns its error");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "device file failed: vfcb_pf_get() finds nothing");
	T.cdev_err = 0;
}

static void test_found_in_window(void)
{
	struct vfcb_pf_vf_info info;
	u32 data = 0x5eed;
	unsigned int ops;

	T.cdev_err = -ENOMEM;
	T.find_in_window = true;
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -ENOMEM,
	   "found before its device file failed: register returns the error");
	T.find_in_window = false;
	T.cdev_err = 0;
	if (!ok(!IS_ERR_OR_NULL(T.found),
		"vfcb_pf_get() inside the window found the PF"))
		return;
	is(vfcb_pf_num_vfs(T.found), -ENODEV,
	   "the PF found in the window is dead: vfcb_pf_num_vfs() -ENODEV");
	is(vfcb_pf_get_vf_info(T.found, 0, &info), -ENODEV,
	   "... vfcb_pf_get_vf_info() -ENODEV");
	is(vfcb_pf_set_block(T.found, 0, 7, &data, sizeof(data), 0), -ENODEV,
	   "... vfcb_pf_set_block() -ENODEV (its stores are destroyed)");
	is(vfcb_pf_invalidate(T.found, VFCB_PF_ALL_VFS, 1), -ENODEV,
	   "... vfcb_pf_invalidate() -ENODEV");
	ops = T.ops;
	vfcb_pf_vf_sent(T.found, 0);
	vfcb_pf_vf_consumed(T.found, 1);
	vfcb_pf_vf_reset(T.found, 1);
	is(T.ops, ops, "... a VF event reported to it calls no transport op");
	is(kshim_nworks, 0, "... and queues no work");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "after the failure vfcb_pf_get() finds nothing");
	vfcb_pf_put(T.found);	/* the last reference: freed (leak check) */
	T.found = NULL;
}

/*
 * An event reported while the PF unregisters on another CPU.  The
 * reporter has queued its event for the notifier and let go of the event
 * lock; unregister then runs to the end (the wake-up hook stands for the
 * other CPU).  Whatever work the event needs must be queued before
 * unregister's flush, or it runs after the driver's final put has freed
 * the PF.  The core's own reporters emit under the VF's lock, which
 * unregister's stop takes first, or from work it cancels; the event
 * file's contract ("any context") holds without that, so the reporter
 * here holds no lock.
 */
static struct vfcb_pf *racing_pf;
static unsigned int events_heard;

static void unregister_on_wake(wait_queue_head_t *w)
{
	if (w != &racing_pf->ev_wq)
		return;
	kshim_wake_hook = NULL;
	vfcb_pf_unregister(racing_pf);
}

static int count_event(struct notifier_block *nb, unsigned long type,
		       void *data)
{
	events_heard++;
	return NOTIFY_OK;
}

static void test_event_during_unregister(void)
{
	struct notifier_block nb = { .notifier_call = count_event };
	struct vfcb_pf *pf = vfcb_pf_register(&pdev, 2, &tr);
	bool queued;

	if (!ok(!IS_ERR(pf), "register: 2 VFs, for an event racing unregister"))
		return;
	is(vfcb_pf_register_notifier(pf, &nb), 0, "a notifier registered");
	racing_pf = pf;
	kshim_wake_hook = unregister_on_wake;
	vfcb_pf_emit_event(pf, VFCB_PF_EV_VF_RESET, 1, 0, 0);
	ok(!kshim_wake_hook, "unregister ran inside the event's report");
	queued = pf->ntf_work.pending;
	ok(!queued, "no notifier work left queued after unregister returned");
	is(events_heard, 1, "the event reached the notifier, once");
	if (queued)
		cancel_work(&pf->ntf_work);	/* or the next test runs it */
	vfcb_pf_unregister_notifier(pf, &nb);
	vfcb_pf_put(pf);
}

/* Run the queued work that is due, until none is. */
static void run_due_work(void)
{
	unsigned int i;

	for (i = 0; i < kshim_nworks; i++) {
		if (kshim_work_runnable(kshim_works[i])) {
			kshim_run_work(i);
			i = -1;		/* the list changed: from the start */
		}
	}
}

static void vf_hello(struct vfcb_pf *pf, unsigned int vf, u8 tag)
{
	memset(mbox, 0, sizeof(mbox));
	mbox[0] = VFCB_OP_HELLO | (1 << 8) | ((u32)tag << 24);
	mbox[1] = VFCB_PROTO_VERSIONS;
	mbox_unread = true;
	vfcb_pf_vf_sent(pf, vf);
	vfcb_pf_vf_consumed(pf, vf);	/* it reads the answer, if one came */
}

/*
 * A VF reset while the VF is throttled is held until the throttle ends;
 * the VF's handshake after it waits unread.  When the throttle ends the
 * host must hear them in the order they happened: RESET, then READY.  A
 * listener that tracks a VF's state from its events otherwise ends with
 * a ready VF it believes reset.
 */
static void test_held_reset_order(void)
{
	unsigned int *hellos = kshim_param("flood_hellos"), was = *hellos;
	static struct vfcb_pf_evq q;
	struct vfcb_pf_event ev[8];
	struct vfcb_pf *pf;
	unsigned int n;

	*hellos = 1;
	pf = vfcb_pf_register(&pdev, 1, &tr);
	if (!ok(!IS_ERR(pf), "register: 1 VF, for a reset held by a throttle"))
		goto out;
	vfcb_pf_evq_add(pf, &q);
	vf_hello(pf, 0, 1);
	vf_hello(pf, 0, 2);
	ok(pf->vfs[0].throttled,
	   "a second handshake in one window throttles the VF (flood_hellos 1)");
	vfcb_pf_evq_pop(pf, &q, ev, ARRAY_SIZE(ev));
	vfcb_pf_vf_reset(pf, 0);
	memset(mbox, 0, sizeof(mbox));
	mbox[0] = VFCB_OP_HELLO | (1 << 8) | (3u << 24);
	mbox[1] = VFCB_PROTO_VERSIONS;
	vfcb_pf_vf_sent(pf, 0);
	is(vfcb_pf_evq_pop(pf, &q, ev, ARRAY_SIZE(ev)), 0,
	   "throttled: the reset is held and the handshake after it unread");
	jiffies += msecs_to_jiffies(*kshim_param("throttle_ms") + 100);
	run_due_work();
	n = vfcb_pf_evq_pop(pf, &q, ev, ARRAY_SIZE(ev));
	ok(n == 2 && ev[0].type == VFCB_PF_EV_VF_RESET &&
	   ev[1].type == VFCB_PF_EV_VF_READY,
	   "throttle over: the host hears RESET, then READY (%u events: %u %u)",
	   n, n > 0 ? ev[0].type : 0, n > 1 ? ev[1].type : 0);
	ok(pf->vfs[0].ep.ready, "and the VF is ready");
	vfcb_pf_unregister(pf);
	vfcb_pf_evq_del(pf, &q);
	vfcb_pf_put(pf);
out:
	*hellos = was;
}

/*
 * A VF that writes over the PF's unacked message in a shared buffer
 * destroys it.  The PF must not wait for an ack that cannot come: the
 * invalidation the VF wrote over is posted again, and the VF's message
 * is answered.
 */
static void test_overwritten_message(void)
{
	struct vfcb_pf *pf = vfcb_pf_register(&pdev, 1, &tr_shared);
	unsigned int n;

	if (!ok(!IS_ERR(pf), "register: 1 VF on a shared buffer"))
		return;
	vf_hello(pf, 0, 1);
	ok(pf->vfs[0].ep.ready, "the VF handshook");
	n = nposted;
	is(vfcb_pf_invalidate(pf, 0, 0x4), 0, "invalidate block 2");
	ok(nposted == n + 1 && vfcb_hdr_opcode(posted[0]) == VFCB_OP_INVALIDATE,
	   "the INVALIDATE is posted");
	memset(mbox, 0, sizeof(mbox));
	mbox[0] = VFCB_OP_PING | (2u << 24);
	mbox_unread = true;
	vfcb_pf_vf_sent(pf, 0);		/* over the unread INVALIDATE */
	is(pf->vfs[0].stats.overwrites, 1, "counted as an overwrite");
	/* Invalidations go before a completion (the engine's order). */
	ok(nposted == n + 2 && vfcb_hdr_opcode(posted[0]) == VFCB_OP_INVALIDATE &&
	   posted[1] == 0x4,
	   "the lost INVALIDATE of 0x4 is posted again at once (%u posts)",
	   nposted - n);
	vfcb_pf_vf_consumed(pf, 0);
	ok(nposted == n + 3 && vfcb_hdr_opcode(posted[0]) == VFCB_OP_PING &&
	   (posted[0] & VFCB_HDR_RESP),
	   "once the VF read it, its PING is answered (last op %#x)",
	   vfcb_hdr_opcode(posted[0]));
	vfcb_pf_vf_consumed(pf, 0);
	ok(vfcb_pfep_idle(&pf->vfs[0].ep), "acked: nothing left to post");
	vfcb_pf_unregister(pf);
	vfcb_pf_put(pf);
}

/*
 * Unregister tells every VF the PF is going away, a throttled one too:
 * its unread message holds the shared buffer, so the notice can only go
 * once that message is read.  Waiting for the throttle to end would make
 * unregister wait the whole throttle, or time out without telling it.
 */
static void test_going_away_throttled(void)
{
	unsigned int *hellos = kshim_param("flood_hellos"), was = *hellos;
	struct vfcb_pf *pf;

	*hellos = 1;
	pf = vfcb_pf_register(&pdev, 1, &tr_shared);
	if (!ok(!IS_ERR(pf), "register: 1 VF on a shared buffer, to go away"))
		goto out;
	vf_hello(pf, 0, 1);
	vf_hello(pf, 0, 2);
	ok(pf->vfs[0].throttled, "the VF is throttled (flood_hellos 1)");
	memset(mbox, 0, sizeof(mbox));
	mbox[0] = VFCB_OP_PING | (3u << 24);
	mbox_unread = true;
	vfcb_pf_vf_sent(pf, 0);
	ok(mbox_unread, "throttled: its message left unread");
	vfcb_pf_unregister(pf);
	ok(!mbox_unread && vfcb_hdr_opcode(posted[0]) == VFCB_OP_PF_RESET &&
	   posted[1] == VFCB_RESET_GOING_AWAY,
	   "unregister read it and posted the going-away notice at once (last op %#x)",
	   vfcb_hdr_opcode(posted[0]));
	vfcb_pf_put(pf);
out:
	*hellos = was;
}

int main(void)
{
	/* Line by line: a leak report ends the process without a flush. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_register_unregister();
	test_register_fails();
	test_found_in_window();
	test_event_during_unregister();
	test_held_reset_order();
	test_overwritten_message();
	test_going_away_throttled();
	is(pdev.kshim_refs, 0, "every reference to the PF's pci_dev dropped");
	is(kshim_atomic, 0, "no spinlock left held");
	return tap_done();
}
