// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_loop_test: a software transport that connects the vfcb host core
 * (vfcb_pf.ko) and the guest core (vfcb_vf.ko) in memory, in one kernel,
 * and runs the whole protocol through both: reads and writes at every
 * fragment boundary, invalidations, resets, timeouts.  No device I/O: the
 * PCI functions only lend their identity (the PF given by pf=, with SR-IOV
 * enabled by pci-pf-stub and its VFs left unbound), so the test shows the
 * cores know nothing of the 82576.  Test use only.  Above 16 dwords the
 * cores use wire v2, which both speak, end to end.
 *
 *   insmod vfcb_loop_test.ko pf=0000:01:00.0 msg_dwords=16
 *   echo all > /sys/kernel/debug/vfcb_loop_test/run
 *   cat /sys/kernel/debug/vfcb_loop_test/results
 *
 * Each VF has one slot per direction.  A post fills the slot and a work
 * item reports it to the other core ("sent"); the reader's ack empties it
 * and the work reports "consumed" back.  The transport ops only touch the
 * slots: every event is reported from the VF's work item, never from
 * inside an op, and in the order things happened.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "vfcb_pf.h"
#include "vfcb_pf_transport.h"
#include "vfcb_vf.h"
#include "vfcb_vf_transport.h"

static char *pf_addr;
module_param_named(pf, pf_addr, charp, 0444);
MODULE_PARM_DESC(pf, "PCI address of a PF whose VFs exist and are unbound");

static unsigned int msg_dwords = 16;
module_param(msg_dwords, uint, 0444);
MODULE_PARM_DESC(msg_dwords, "Message size of the loop transport, 4..64 dwords");

#define LT_MAX_VFS	8
#define LT_RES_SIZE	(64 * 1024)
#define LT_WAIT		(5 * HZ)

/* Events the work item reports, in this order. */
#define LT_EV_VF_SENT		BIT(0)	/* to the PF core */
#define LT_EV_PF_CONSUMED	BIT(1)	/* to the VF core: PF took its msg */
#define LT_EV_PF_SENT		BIT(2)	/* to the VF core */
#define LT_EV_VF_CONSUMED	BIT(3)	/* to the PF core: VF took its msg */

struct lt_vf {
	unsigned int index;
	struct pci_dev *pdev;
	struct vfcb_vf *vfcb;		/* NULL once unregistered */

	spinlock_t lock;		/* everything below */
	u32 to_pf[VFCB_MSG_MAX_DWORDS];
	bool to_pf_full;
	u32 to_vf[VFCB_MSG_MAX_DWORDS];
	bool to_vf_full;
	unsigned long events;
	bool drop_to_vf;		/* PF messages vanish: VF times out */
	bool absent;			/* the VF reads as gone from the bus */
	u64 posts_to_pf, posts_to_vf;
	struct work_struct work;
};

static struct {
	struct mutex lock;	/* one command at a time; the results */
	char *res;
	size_t res_len;
	unsigned int nr_ok, nr_fail;

	struct pci_dev *pf_pdev;
	struct vfcb_pf *pf;	/* as registered (the driver's reference) */
	unsigned int nr_vfs;
	struct lt_vf vfs[LT_MAX_VFS];
	struct dentry *dir;
} lt;

/* ---------------------------------------------------------- results --- */

static __printf(2, 3) void lt_line(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (lt.res_len >= LT_RES_SIZE - 128)
		return;
	lt.res_len += scnprintf(lt.res + lt.res_len, LT_RES_SIZE - lt.res_len,
				"%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	lt.res_len += vscnprintf(lt.res + lt.res_len,
				 LT_RES_SIZE - lt.res_len, fmt, ap);
	va_end(ap);
	lt.res_len += scnprintf(lt.res + lt.res_len, LT_RES_SIZE - lt.res_len,
				"\n");
	if (ok)
		lt.nr_ok++;
	else
		lt.nr_fail++;
}

static __printf(1, 2) void lt_diag(const char *fmt, ...)
{
	va_list ap;

	if (lt.res_len >= LT_RES_SIZE - 128)
		return;
	lt.res_len += scnprintf(lt.res + lt.res_len, LT_RES_SIZE - lt.res_len,
				"# ");
	va_start(ap, fmt);
	lt.res_len += vscnprintf(lt.res + lt.res_len,
				 LT_RES_SIZE - lt.res_len, fmt, ap);
	va_end(ap);
	lt.res_len += scnprintf(lt.res + lt.res_len, LT_RES_SIZE - lt.res_len,
				"\n");
}

#define lt_is(got, want, fmt, ...) do {					\
	long long _g = (got), _w = (want);				\
	lt_line(_g == _w, fmt, ##__VA_ARGS__);				\
	if (_g != _w)							\
		lt_diag("got %lld, want %lld", _g, _w);			\
} while (0)

/* -------------------------------------------------------- transport --- */

static void lt_event(struct lt_vf *v, unsigned long ev)
{
	v->events |= ev;
	queue_work(system_wq, &v->work);
}

static void lt_work(struct work_struct *work)
{
	struct lt_vf *v = container_of(work, struct lt_vf, work);
	unsigned long ev;

	spin_lock_irq(&v->lock);
	ev = v->events;
	v->events = 0;
	spin_unlock_irq(&v->lock);

	if ((ev & LT_EV_VF_SENT) && lt.pf)
		vfcb_pf_vf_sent(lt.pf, v->index);
	if ((ev & LT_EV_PF_CONSUMED) && v->vfcb)
		vfcb_vf_pf_consumed(v->vfcb);
	if ((ev & LT_EV_PF_SENT) && v->vfcb)
		vfcb_vf_pf_sent(v->vfcb);
	if ((ev & LT_EV_VF_CONSUMED) && lt.pf)
		vfcb_pf_vf_consumed(lt.pf, v->index);
}

/* PF side: the core's per-VF lock is held, interrupts off. */
static u32 lt_pf_read(void *priv, unsigned int vf, unsigned int i)
{
	struct lt_vf *v = &lt.vfs[vf];
	u32 dw;

	spin_lock(&v->lock);
	dw = i < msg_dwords ? v->to_pf[i] : 0;
	spin_unlock(&v->lock);
	return dw;
}

static void lt_pf_ack(void *priv, unsigned int vf)
{
	struct lt_vf *v = &lt.vfs[vf];

	spin_lock(&v->lock);
	v->to_pf_full = false;
	lt_event(v, LT_EV_PF_CONSUMED);
	spin_unlock(&v->lock);
}

static int lt_pf_post(void *priv, unsigned int vf, const u32 *msg,
		      unsigned int ndw)
{
	struct lt_vf *v = &lt.vfs[vf];
	int ret = 0;

	spin_lock(&v->lock);
	if (v->to_vf_full) {
		ret = -EBUSY;
	} else if (v->drop_to_vf) {
		/* Lost on the way: nobody is told, nothing is consumed. */
		v->posts_to_vf++;
	} else {
		memset(v->to_vf, 0, sizeof(v->to_vf));
		memcpy(v->to_vf, msg, ndw * sizeof(u32));
		v->to_vf_full = true;
		v->posts_to_vf++;
		lt_event(v, LT_EV_PF_SENT);
	}
	spin_unlock(&v->lock);
	return ret;
}

static const struct vfcb_pf_transport_ops lt_pf_ops = {
	.read = lt_pf_read,
	.ack = lt_pf_ack,
	.post = lt_pf_post,
};

/* VF side: the VF core's lock is held, interrupts off. */
static u32 lt_vf_read(void *priv, unsigned int i)
{
	struct lt_vf *v = priv;
	u32 dw;

	spin_lock(&v->lock);
	dw = i < msg_dwords ? v->to_vf[i] : 0;
	spin_unlock(&v->lock);
	return dw;
}

static void lt_vf_ack(void *priv)
{
	struct lt_vf *v = priv;

	spin_lock(&v->lock);
	v->to_vf_full = false;
	lt_event(v, LT_EV_VF_CONSUMED);
	spin_unlock(&v->lock);
}

static int lt_vf_post(void *priv, const u32 *msg, unsigned int ndw)
{
	struct lt_vf *v = priv;
	int ret = 0;

	spin_lock(&v->lock);
	if (v->to_pf_full) {
		ret = -EBUSY;
	} else {
		memset(v->to_pf, 0, sizeof(v->to_pf));
		memcpy(v->to_pf, msg, ndw * sizeof(u32));
		v->to_pf_full = true;
		v->posts_to_pf++;
		lt_event(v, LT_EV_VF_SENT);
	}
	spin_unlock(&v->lock);
	return ret;
}

/*
 * The loop's PF is never in reset.  A VF made absent is reported as a
 * real transport reports a VF whose registers read all ones and whose
 * config space is gone: at each poll.
 */
static bool lt_vf_poll(void *priv)
{
	struct lt_vf *v = priv;
	bool absent;

	spin_lock_irq(&v->lock);
	absent = v->absent;
	spin_unlock_irq(&v->lock);
	if (absent)
		vfcb_vf_surprise_removed(v->vfcb);
	return !absent;
}

static const struct vfcb_vf_transport_ops lt_vf_ops = {
	.read = lt_vf_read,
	.ack = lt_vf_ack,
	.post = lt_vf_post,
	.poll = lt_vf_poll,
};

/* Both ends lose what was in flight, as a VF reset (FLR) does. */
static void lt_vf_reset(struct lt_vf *v)
{
	spin_lock_irq(&v->lock);
	v->to_pf_full = false;
	v->to_vf_full = false;
	v->events = 0;
	spin_unlock_irq(&v->lock);
	flush_work(&v->work);
	vfcb_pf_vf_reset(lt.pf, v->index);
	/* The VF driver starts over after its own reset: handshake again. */
	vfcb_vf_pf_reset(v->vfcb, true);
}

/* ------------------------------------------------------------ tests --- */

static void lt_pattern(u8 *buf, unsigned int len, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed * 31 + i * 7 + 1);
}

static int lt_wait_ready(struct vfcb_vf *vf)
{
	struct vfcb_vf_info info;
	unsigned long end = jiffies + LT_WAIT;

	do {
		if (!vfcb_vf_info(vf, &info) &&
		    info.state == VFCB_VF_STATE_READY)
			return 0;
		msleep(20);
	} while (time_before(jiffies, end));
	return -ETIMEDOUT;
}

/* Sizes where a fragment boundary falls, for this message size. */
static bool lt_boundary(unsigned int len)
{
	unsigned int f0r = (msg_dwords - 2) * 4;	/* READ completion frag 0 */
	unsigned int f0w = (msg_dwords - 3) * 4;	/* WRITE request frag 0 */
	unsigned int fn = (msg_dwords - 1) * 4;
	int d;

	for (d = -1; d <= 1; d++) {
		if (len == f0r + d || len == f0w + d ||
		    (len > f0r && (len - f0r + d) % fn == 0) ||
		    (len > f0w && (len - f0w + d) % fn == 0))
			return true;
	}
	return len <= 1 || len >= VFCB_MAX_BLOCK_SIZE - 1;
}

/* Every size 0..128, both ways, byte-identical, on VF @v. */
static void lt_test_sizes(struct lt_vf *v)
{
	u8 in[VFCB_MAX_BLOCK_SIZE], out[VFCB_MAX_BLOCK_SIZE];
	unsigned int len, bad_rd = 0, bad_wr = 0, nb = 0;
	u32 glen, flags;
	size_t needed;
	int ret;

	for (len = 0; len <= VFCB_MAX_BLOCK_SIZE; len++) {
		lt_pattern(in, len, len + v->index);
		/* Host -> VF */
		ret = vfcb_pf_set_block(lt.pf, v->index, 100 + len, in, len, 0);
		if (ret) {
			bad_rd++;
			lt_diag("VF%u: set_block %u: %d", v->index, len, ret);
			continue;
		}
		memset(out, 0xee, sizeof(out));
		ret = vfcb_vf_read_block(v->vfcb, 100 + len, out, sizeof(out),
					 &needed);
		if (ret != (int)len || needed != len || memcmp(in, out, len)) {
			bad_rd++;
			lt_diag("VF%u: read of %u bytes: %d (needed %zu)",
				v->index, len, ret, needed);
		}
		/* VF -> host, into a block the VF may write. */
		lt_pattern(in, len, len * 3 + v->index);
		vfcb_pf_set_block(lt.pf, v->index, 400 + len, NULL, 0,
				  VFCB_BLOCK_VF_WRITABLE);
		ret = vfcb_vf_write_block(v->vfcb, 400 + len, in, len);
		glen = sizeof(out);
		if (!ret)
			ret = vfcb_pf_get_block(lt.pf, v->index, 400 + len, out,
						&glen, &flags);
		if (ret || glen != len || memcmp(in, out, len)) {
			bad_wr++;
			lt_diag("VF%u: write of %u bytes: %d (len %u)",
				v->index, len, ret, glen);
		}
		nb += lt_boundary(len);
		vfcb_pf_del_block(lt.pf, v->index, 100 + len);
		vfcb_pf_del_block(lt.pf, v->index, 400 + len);
	}
	lt_is(bad_rd, 0,
	      "VF%u: reads of 0..128 bytes byte-identical (%u-dword messages, %u sizes at a fragment boundary)",
	      v->index, msg_dwords, nb);
	lt_is(bad_wr, 0, "VF%u: writes of 0..128 bytes byte-identical (%u-dword messages)",
	      v->index, msg_dwords);
}

/* Messages to send @len bytes, @first data dwords in fragment 0. */
static unsigned int lt_xfer_msgs(unsigned int len, unsigned int first)
{
	unsigned int fn = (msg_dwords - 1) * 4;

	first *= 4;
	return len <= first ? 1 : 1 + DIV_ROUND_UP(len - first, fn);
}

static void lt_posts(struct lt_vf *v, u64 *n)
{
	spin_lock_irq(&v->lock);
	*n = v->posts_to_pf + v->posts_to_vf;
	spin_unlock_irq(&v->lock);
}

/*
 * The version both cores negotiate (v2: both speak it) and what a 128-byte
 * READ and WRITE cost in messages, requests and completions together,
 * against the spec's count (at 40 dwords: 2 and 2).
 */
static void lt_test_cost(struct lt_vf *v)
{
	unsigned int want_rd = 1 + lt_xfer_msgs(128, msg_dwords - 2);
	unsigned int want_wr = lt_xfer_msgs(128, msg_dwords - 3) + 1;
	struct vfcb_pf_vf_info pinfo = { .argsz = sizeof(pinfo), .vf = v->index };
	struct vfcb_vf_info info;
	u8 in[VFCB_MAX_BLOCK_SIZE], out[VFCB_MAX_BLOCK_SIZE];
	u64 n0, n1, n2;
	size_t needed;
	int ret;

	ret = vfcb_vf_info(v->vfcb, &info);
	lt_is(ret ? 0 : info.version, VFCB_PROTO_V2, "VF%u: guest core negotiated wire v2",
	      v->index);
	ret = vfcb_pf_get_vf_info(lt.pf, v->index, &pinfo);
	lt_is(ret ? 0 : pinfo.version, VFCB_PROTO_V2, "VF%u: host core agrees on v2",
	      v->index);

	lt_pattern(in, sizeof(in), 55);
	vfcb_pf_set_block(lt.pf, v->index, 900, in, sizeof(in),
			  VFCB_BLOCK_VF_WRITABLE);
	lt_posts(v, &n0);
	ret = vfcb_vf_read_block(v->vfcb, 900, out, sizeof(out), &needed);
	lt_posts(v, &n1);
	lt_line(ret == sizeof(in) && !memcmp(in, out, sizeof(in)),
		"VF%u: 128-byte READ intact", v->index);
	lt_is(n1 - n0, want_rd, "VF%u: a 128-byte READ costs %u messages (%u-dword messages)",
	      v->index, want_rd, msg_dwords);
	ret = vfcb_vf_write_block(v->vfcb, 900, in, sizeof(in));
	lt_posts(v, &n2);
	lt_is(ret, 0, "VF%u: 128-byte WRITE works", v->index);
	lt_is(n2 - n1, want_wr, "VF%u: a 128-byte WRITE costs %u messages (%u-dword messages)",
	      v->index, want_wr, msg_dwords);
	vfcb_pf_del_block(lt.pf, v->index, 900);
}

struct lt_listener {
	struct vfcb_vf_listener l;
	u64 seen;
	unsigned int calls;
	wait_queue_head_t wq;
};

static void lt_inv(struct vfcb_vf_listener *l, u64 mask)
{
	struct lt_listener *x = container_of(l, struct lt_listener, l);

	WRITE_ONCE(x->seen, x->seen | mask);
	WRITE_ONCE(x->calls, x->calls + 1);
	wake_up(&x->wq);
}

/* Invalidations OR-coalesced, delivered to a module that owns no VF. */
static void lt_test_invalidate(struct lt_vf *v)
{
	struct lt_listener x = { .l.invalidate = lt_inv };
	struct vfcb_vf *h;
	u64 want = BIT_ULL(1) | BIT_ULL(40) | BIT_ULL(63);
	int ret;

	init_waitqueue_head(&x.wq);
	h = vfcb_vf_get(v->pdev);
	lt_is(PTR_ERR_OR_ZERO(h), 0, "VF%u: vfcb_vf_get() finds the VF by its pci_dev",
	      v->index);
	if (IS_ERR(h))
		return;
	ret = vfcb_vf_register_listener(h, &x.l);
	lt_is(ret, 0, "VF%u: listener registered", v->index);
	if (!ret) {
		/* The handshake's all-ones mask waited for the first listener. */
		wait_event_timeout(x.wq, READ_ONCE(x.calls), LT_WAIT);
		lt_is(READ_ONCE(x.seen), VFCB_INVALIDATE_EVERYTHING,
		      "VF%u: the first listener is told to re-read everything",
		      v->index);
		WRITE_ONCE(x.seen, 0);
		WRITE_ONCE(x.calls, 0);
		vfcb_pf_invalidate(lt.pf, v->index, BIT_ULL(1));
		vfcb_pf_invalidate(lt.pf, v->index, BIT_ULL(40));
		vfcb_pf_invalidate(lt.pf, v->index, BIT_ULL(63));
		wait_event_timeout(x.wq, READ_ONCE(x.seen) == want, LT_WAIT);
		lt_is(READ_ONCE(x.seen), want,
		      "VF%u: three invalidations delivered, OR-ed (%u calls)",
		      v->index, READ_ONCE(x.calls));
		vfcb_vf_unregister_listener(h, &x.l);
	}
	vfcb_vf_put(h);
}

/* The PF delivered and the VF acknowledged everything raised for @v. */
static bool lt_nothing_pending(struct lt_vf *v)
{
	struct vfcb_pf_vf_info pinfo = { .argsz = sizeof(pinfo) };

	return !vfcb_pf_get_vf_info(lt.pf, v->index, &pinfo) &&
	       !pinfo.pending_mask;
}

/*
 * A VF reset keeps the blocks and the invalidations raised meanwhile: the
 * PF delivers them after the new handshake, and listeners are told to
 * re-read everything.
 */
static void lt_test_reset(struct lt_vf *v)
{
	struct lt_listener x = { .l.invalidate = lt_inv };
	u8 in[40], out[40];
	size_t needed;
	int ret, i;

	init_waitqueue_head(&x.wq);
	lt_pattern(in, sizeof(in), 99);
	vfcb_pf_set_block(lt.pf, v->index, 7, in, sizeof(in), 0);
	lt_vf_reset(v);
	vfcb_pf_invalidate(lt.pf, v->index, BIT_ULL(7));
	lt_is(lt_wait_ready(v->vfcb), 0, "VF%u: handshake again after a VF reset",
	      v->index);
	ret = vfcb_vf_read_block(v->vfcb, 7, out, sizeof(out), &needed);
	lt_line(ret == sizeof(in) && !memcmp(in, out, sizeof(in)),
		"VF%u: block kept across the VF reset", v->index);
	ret = vfcb_vf_register_listener(v->vfcb, &x.l);
	if (!ret) {
		wait_event_timeout(x.wq, READ_ONCE(x.seen) & BIT_ULL(7),
				   LT_WAIT);
		vfcb_vf_unregister_listener(v->vfcb, &x.l);
	}
	lt_line(READ_ONCE(x.seen) == VFCB_INVALIDATE_EVERYTHING,
		"VF%u: after the reset's handshake, re-read everything (mask %#llx)",
		v->index, READ_ONCE(x.seen));
	for (i = 0; i < 250 && !lt_nothing_pending(v); i++)
		msleep(20);
	lt_line(lt_nothing_pending(v),
		"VF%u: the bit raised across the reset delivered and acknowledged",
		v->index);
	vfcb_pf_del_block(lt.pf, v->index, 7);
}

/* The PF's answers get lost: the VF's request ends, bounded, ETIMEDOUT. */
static void lt_test_timeout(struct lt_vf *v)
{
	unsigned long t0;
	unsigned int ms;
	int ret;

	spin_lock_irq(&v->lock);
	v->drop_to_vf = true;
	spin_unlock_irq(&v->lock);
	t0 = jiffies;
	ret = vfcb_vf_ping(v->vfcb);
	ms = jiffies_to_msecs(jiffies - t0);
	lt_is(ret, -ETIMEDOUT, "VF%u: ping with the PF's answers lost: -ETIMEDOUT",
	      v->index);
	lt_diag("VF%u: ended after %u ms", v->index, ms);
	spin_lock_irq(&v->lock);
	v->drop_to_vf = false;
	spin_unlock_irq(&v->lock);
	/* The PF still waits for an ack of what it lost: start both over. */
	lt_vf_reset(v);
	lt_is(lt_wait_ready(v->vfcb), 0, "VF%u: handshake again after the loss",
	      v->index);
	lt_is(vfcb_vf_ping(v->vfcb), 0, "VF%u: ping works again", v->index);
}

struct lt_pinger {
	struct work_struct work;
	struct vfcb_vf *vf;
	int ret;
	unsigned long ended;	/* jiffies */
	struct completion done;
};

static void lt_pinger_work(struct work_struct *work)
{
	struct lt_pinger *p = container_of(work, struct lt_pinger, work);

	p->ret = vfcb_vf_ping(p->vf);
	p->ended = jiffies;
	complete(&p->done);
}

static void lt_set(struct lt_vf *v, bool *flag, bool on)
{
	spin_lock_irq(&v->lock);
	*flag = on;
	spin_unlock_irq(&v->lock);
}

static int lt_state(struct lt_vf *v)
{
	struct vfcb_vf_info info;

	return vfcb_vf_info(v->vfcb, &info) ? -ENODEV : info.state;
}

/*
 * A VF absent from the bus (registers all ones, no config space): a
 * surprise removal, or its PF's reset while VF Enable is clear, which a
 * VF bound on the host sees.  Run with vfcb_vf's gone_ms at 250
 * (tests/integration/loop.sh) and timeout_ms at 1000.
 *
 * Absent for less than gone_ms it is a PF reset: a request waiting across
 * it is sent again after the next handshake and succeeds.  Absent for
 * gone_ms the VF is removed: a waiting request ends at once with -ENODEV,
 * not at its deadline, and so does every later call.  Last: the VF stays
 * dead.
 */
static void lt_test_absent(struct lt_vf *v)
{
	struct lt_pinger p = { .vf = v->vfcb };
	unsigned long t0, removed = 0;
	unsigned int ms;
	long d;

	/* The PF's reset: absent for about 50 ms. */
	init_completion(&p.done);
	INIT_WORK_ONSTACK(&p.work, lt_pinger_work);
	lt_set(v, &v->drop_to_vf, true);
	queue_work(system_unbound_wq, &p.work);
	msleep(100);		/* the ping is posted and waits */
	lt_set(v, &v->absent, true);
	vfcb_vf_surprise_removed(v->vfcb);
	msleep(50);
	lt_is(lt_state(v), VFCB_VF_STATE_DOWN,
	      "VF%u: absent 50 ms: waiting for the PF as after its reset, not removed",
	      v->index);
	lt_set(v, &v->drop_to_vf, false);
	lt_set(v, &v->absent, false);
	lt_vf_reset(v);		/* back: both ends start over, as after FLR */
	wait_for_completion(&p.done);
	destroy_work_on_stack(&p.work);
	lt_is(p.ret, 0, "VF%u: a request waiting across the absence is sent again and answered",
	      v->index);
	/*
	 * Not at once: the core may handshake as soon as its poll finds the
	 * VF present, before lt_vf_reset() reports the reset that makes it
	 * handshake once more (seen: the ping answered in between).
	 */
	lt_is(lt_wait_ready(v->vfcb), 0, "VF%u: ready again", v->index);

	/* Removed: absent for good. */
	init_completion(&p.done);
	INIT_WORK_ONSTACK(&p.work, lt_pinger_work);
	lt_set(v, &v->absent, true);
	t0 = jiffies;
	vfcb_vf_surprise_removed(v->vfcb);
	queue_work(system_unbound_wq, &p.work);
	while (!removed && time_before(jiffies, t0 + LT_WAIT)) {
		if (lt_state(v) == -ENODEV)
			removed = jiffies;
		else
			usleep_range(5000, 6000);
	}
	wait_for_completion(&p.done);
	destroy_work_on_stack(&p.work);
	ms = jiffies_to_msecs(removed - t0);
	lt_line(removed && ms >= 250,
		"VF%u: absent for gone_ms (250): removed (after %u ms; the core polls at 10 ms doubling)",
		v->index, ms);
	lt_is(p.ret, -ENODEV,
	      "VF%u: a request waiting at removal: -ENODEV, not its deadline's error",
	      v->index);
	/* Seen here within 5 ms of it: the pinger may end before or after. */
	d = (long)(p.ended - removed);
	lt_line(removed && abs(d) < msecs_to_jiffies(100),
		"VF%u: ... at once (%ld ms from it; its deadline was 1000 ms after it started)",
		v->index, d * 1000 / HZ);
	t0 = jiffies;
	lt_is(vfcb_vf_ping(v->vfcb), -ENODEV, "VF%u: a request after it: -ENODEV",
	      v->index);
	lt_line(jiffies_to_msecs(jiffies - t0) < 100, "VF%u: ... at once",
		v->index);
	lt_set(v, &v->absent, false);
}

static void lt_run_all(void)
{
	unsigned int i;

	for (i = 0; i < lt.nr_vfs; i++)
		lt_is(lt_wait_ready(lt.vfs[i].vfcb), 0, "VF%u: handshake over the loop",
		      i);
	lt_is(vfcb_pf_num_vfs(lt.pf), lt.nr_vfs, "PF core: %u VFs registered",
	      lt.nr_vfs);
	for (i = 0; i < lt.nr_vfs; i++)
		lt_is(vfcb_vf_ping(lt.vfs[i].vfcb), 0, "VF%u: ping", i);
	lt_test_cost(&lt.vfs[0]);
	lt_test_sizes(&lt.vfs[0]);
	if (lt.nr_vfs > 1)
		lt_test_sizes(&lt.vfs[lt.nr_vfs - 1]);
	lt_test_invalidate(&lt.vfs[0]);
	lt_test_reset(&lt.vfs[0]);
	lt_test_timeout(&lt.vfs[lt.nr_vfs - 1]);
	lt_test_absent(&lt.vfs[lt.nr_vfs - 1]);
	for (i = 0; i < lt.nr_vfs; i++)
		lt_diag("VF%u: %llu messages to the PF, %llu to the VF", i,
			lt.vfs[i].posts_to_pf, lt.vfs[i].posts_to_vf);
}

/* ---------------------------------------------------------- debugfs --- */

static ssize_t lt_run_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char cmd[16] = "";

	if (len >= sizeof(cmd) || copy_from_user(cmd, ubuf, len))
		return -EINVAL;
	strim(cmd);
	if (strcmp(cmd, "all"))
		return -EINVAL;
	mutex_lock(&lt.lock);
	lt.res_len = 0;
	lt.res[0] = 0;
	lt.nr_ok = 0;
	lt.nr_fail = 0;
	lt_run_all();
	pr_info("%u ok, %u not ok\n", lt.nr_ok, lt.nr_fail);
	mutex_unlock(&lt.lock);
	return len;
}

static const struct file_operations lt_run_fops = {
	.owner = THIS_MODULE,
	.write = lt_run_write,
};

static ssize_t lt_results_read(struct file *f, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&lt.lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, lt.res, lt.res_len);
	mutex_unlock(&lt.lock);
	return ret;
}

static const struct file_operations lt_results_fops = {
	.owner = THIS_MODULE,
	.read = lt_results_read,
};

/* ------------------------------------------------------- module glue --- */

static void lt_unregister_vfs(void)
{
	unsigned int i;

	for (i = 0; i < lt.nr_vfs; i++) {
		struct lt_vf *v = &lt.vfs[i];
		struct vfcb_vf *h = v->vfcb;

		if (!h)
			continue;
		/* No more events for it, then give it back. */
		v->vfcb = NULL;
		cancel_work_sync(&v->work);
		vfcb_vf_unregister(h);
	}
}

static void lt_cleanup(void)
{
	unsigned int i;

	lt_unregister_vfs();
	if (lt.pf) {
		struct vfcb_pf *pf = lt.pf;

		/* Events keep flowing: the VFs are gone, nothing acks. */
		vfcb_pf_unregister(pf);
		lt.pf = NULL;
		for (i = 0; i < lt.nr_vfs; i++)
			cancel_work_sync(&lt.vfs[i].work);
		vfcb_pf_put(pf);
	}
	for (i = 0; i < lt.nr_vfs; i++)
		pci_dev_put(lt.vfs[i].pdev);
	pci_dev_put(lt.pf_pdev);
}

static int __init lt_init(void)
{
	struct vfcb_pf_transport ptr = {
		.ops = &lt_pf_ops, .msg_dwords = msg_dwords,
	};
	struct pci_dev *vfdev = NULL;
	unsigned int domain, bus, dev, fn;
	int ret;

	if (!pf_addr ||
	    sscanf(pf_addr, "%x:%x:%x.%x", &domain, &bus, &dev, &fn) != 4)
		return -EINVAL;
	if (msg_dwords < VFCB_MSG_MIN_DWORDS || msg_dwords > VFCB_MSG_MAX_DWORDS)
		return -EINVAL;
	mutex_init(&lt.lock);
	lt.res = kzalloc(LT_RES_SIZE, GFP_KERNEL);
	if (!lt.res)
		return -ENOMEM;
	lt.pf_pdev = pci_get_domain_bus_and_slot(domain, bus,
						 PCI_DEVFN(dev, fn));
	if (!lt.pf_pdev) {
		ret = -ENODEV;
		goto err;
	}
	while ((vfdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, vfdev)) &&
	       lt.nr_vfs < LT_MAX_VFS) {
		struct lt_vf *v = &lt.vfs[lt.nr_vfs];

		if (!vfdev->is_virtfn || pci_physfn(vfdev) != lt.pf_pdev)
			continue;
		v->index = pci_iov_vf_id(vfdev);
		if (v->index != lt.nr_vfs)
			continue;	/* VFs are listed in order */
		v->pdev = pci_dev_get(vfdev);
		spin_lock_init(&v->lock);
		INIT_WORK(&v->work, lt_work);
		lt.nr_vfs++;
	}
	pci_dev_put(vfdev);
	if (!lt.nr_vfs) {
		ret = -ENODEV;
		goto err;
	}

	lt.pf = vfcb_pf_register(lt.pf_pdev, lt.nr_vfs, &ptr);
	if (IS_ERR(lt.pf)) {
		ret = PTR_ERR(lt.pf);
		lt.pf = NULL;
		goto err;
	}
	for (vfdev = NULL; lt.nr_vfs && !vfdev; vfdev = ERR_PTR(-1)) {
		unsigned int i;

		for (i = 0; i < lt.nr_vfs; i++) {
			struct vfcb_vf_transport vtr = {
				.ops = &lt_vf_ops, .priv = &lt.vfs[i],
				.msg_dwords = msg_dwords,
			};
			struct vfcb_vf *h = vfcb_vf_register(lt.vfs[i].pdev,
							     &vtr);

			if (IS_ERR(h)) {
				ret = PTR_ERR(h);
				goto err;
			}
			lt.vfs[i].vfcb = h;
		}
	}

	lt.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, lt.dir, NULL, &lt_run_fops);
	debugfs_create_file("results", 0400, lt.dir, NULL, &lt_results_fops);
	pr_info("%u VFs of %s looped through vfcb in memory, %u-dword messages\n",
		lt.nr_vfs, pf_addr, msg_dwords);
	return 0;

err:
	lt_cleanup();
	kfree(lt.res);
	return ret;
}
module_init(lt_init);

static void __exit lt_exit(void)
{
	debugfs_remove_recursive(lt.dir);
	lt_cleanup();
	kfree(lt.res);
}
module_exit(lt_exit);

MODULE_DESCRIPTION("vfcb test: both cores connected by an in-memory transport");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
