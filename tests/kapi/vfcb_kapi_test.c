// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_kapi_test: test-only consumer of the in-kernel APIs of vfcb_pf
 * (include/vfcb_pf.h) and vfcb_vf (include/vfcb_vf.h), for the host
 * topology where both drivers run in one kernel.  It binds to nothing: it
 * takes a reference on the PF given by pf= and on its VF number vf=, and
 * runs one group of checks per command written to debugfs:
 *
 *   insmod vfcb_kapi_test.ko pf=0000:01:00.0 vf=1
 *   echo pf > /sys/kernel/debug/vfcb_kapi_test/run
 *   cat /sys/kernel/debug/vfcb_kapi_test/results
 *
 * The results file holds the last command's lines, "ok - ..." or
 * "not ok - ..." for checks and "# ..." for comments, which
 * tests/integration/kapi.sh relays as TAP.  Commands, in the order the
 * script gives them:
 *
 *   pf          the PF API: blocks, policy, errors, config space, notifier
 *   vf          the VF API: content both ways, errors, ping
 *   listeners   invalidation listeners: two at once, process context,
 *               unregister waiting for a sleeping callback, a late listener
 *   arm         register a listener and keep it, for "unbound"
 *   unbound     after the VF is unbound from vfcb_vf: the held handle fails
 *               with -ENODEV; the PF keeps invalidations for the VF
 *   rebound     after the VF is bound again: a new handle works and gets
 *               the invalidations kept meanwhile, the old one stays dead
 *   pf-unbound  after the PF is unbound from vfcb_pf: the held PF handle
 *               fails with -ENODEV
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "vfcb_pf.h"
#include "vfcb_vf.h"

static char *pf_addr;
module_param_named(pf, pf_addr, charp, 0444);
MODULE_PARM_DESC(pf, "PCI address of the PF bound to vfcb_pf");

static unsigned int vf_index = 1;
module_param_named(vf, vf_index, uint, 0444);
MODULE_PARM_DESC(vf, "index of the VF (bound to vfcb_vf) to test");

#define KT_RES_SIZE	(32 * 1024)
#define KT_WAIT		(5 * HZ)	/* for anything crossing the mailbox */
#define KT_NEVENTS	32

/* Block IDs this test uses; the script leaves them alone. */
#define KT_BLK_PF	1000	/* set and read back through the PF API */
#define KT_BLK_RO	1001	/* read-only for the VF */
#define KT_BLK_RW	1002	/* writable by the VF */
#define KT_BLK_NONE	1003	/* never defined */
#define KT_BLK_RD	3	/* re-read by the listeners */

/* Invalidation bits of each step, distinct so no step sees another's. */
#define KT_INV_TWO	(BIT_ULL(5) | BIT_ULL(63))
#define KT_INV_SLEEP	BIT_ULL(6)
#define KT_INV_AFTER	BIT_ULL(7)
#define KT_INV_LATE	BIT_ULL(8)
#define KT_INV_AWAY	BIT_ULL(9)
#define KT_INV_SELF	BIT_ULL(10)
#define KT_INV_SELF2	BIT_ULL(11)
#define KT_INV_SELF3	BIT_ULL(12)
#define KT_INV_SELF4	BIT_ULL(13)

struct kt_listener {
	struct vfcb_vf_listener l;
	bool registered;
	u64 seen;		/* OR of the masks received */
	unsigned int calls;
	bool ctx_bad;		/* called in atomic or interrupt context */
	bool slept;		/* a sleep in the callback came back */
	unsigned int sleep_ms;	/* extra sleep in the callback */
	bool unreg_self;	/* unregister itself from the callback */
	bool queued;		/* its work was queued again, before that */
	bool still_queued;	/* ... and still was, after it */
	bool reread;		/* read KT_BLK_RD from the callback */
	int reread_ret;
	struct completion entered;
	bool returned;
};

static struct {
	struct mutex lock;	/* one command at a time; the results */
	char *res;
	size_t res_len;
	unsigned int nr_ok, nr_fail;

	struct pci_dev *pf_pdev, *vf_pdev;
	struct vfcb_pf *pf;
	struct vfcb_vf *vf;
	struct dentry *dir;

	/* PF notifier */
	struct notifier_block nb;
	bool nb_registered;
	spinlock_t ev_lock;	/* the fields below */
	struct vfcb_pf_event evs[KT_NEVENTS];
	unsigned int nr_evs;
	bool ntf_ctx_bad, ntf_slept;
	int ntf_get_ret;
	u32 ntf_get_len;

	/* listeners */
	wait_queue_head_t wq;	/* a listener or notifier call finished */
	atomic_t in_cb;
	bool overlap;		/* two callbacks of the VF ran at once */
	struct kt_listener a, b, late, armed, self;
} kt;

/* ---------------------------------------------------------- results --- */

static __printf(1, 2) void kt_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kt.res_len += vscnprintf(kt.res + kt.res_len,
				 KT_RES_SIZE - kt.res_len, fmt, ap);
	va_end(ap);
}

static __printf(2, 3) bool kt_ok(bool cond, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	kt_add("%s - %pV\n", cond ? "ok" : "not ok", &vaf);
	if (cond) {
		kt.nr_ok++;
	} else {
		kt.nr_fail++;
		pr_info("not ok - %pV\n", &vaf);
	}
	va_end(ap);
	return cond;
}

#define kt_diag(fmt, ...)	kt_add("# " fmt "\n", ##__VA_ARGS__)

/* kt_is(): an errno or count equals what the API documents. */
static __printf(3, 4) bool kt_is(long got, long want, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	ok = kt_ok(got == want, "%pV", &vaf);
	va_end(ap);
	if (!ok)
		kt_diag("got %ld, want %ld", got, want);
	return ok;
}

static void kt_fill(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 37 + (i >> 3);
}

/* ------------------------------------------------------- PF notifier --- */

/* Context check shared by the notifier and the listeners. */
static bool kt_can_sleep(void)
{
	if (!in_task() || irqs_disabled())
		return false;
	return !IS_ENABLED(CONFIG_PREEMPT_COUNT) || preemptible();
}

static int kt_notify(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	const struct vfcb_pf_event *ev = data;
	u8 buf[VFCB_MAX_BLOCK_SIZE];
	bool ctx_ok = kt_can_sleep();
	u32 len = sizeof(buf), flags;
	int ret = 0;

	if (ctx_ok)
		usleep_range(1000, 2000);
	/* No vfcb_pf lock is held here: the PF API may be called. */
	if (ctx_ok && action == VFCB_PF_EV_VF_WRITE)
		ret = vfcb_pf_get_block(kt.pf, ev->vf, ev->block_id, buf, &len,
					&flags);

	spin_lock(&kt.ev_lock);
	if (kt.nr_evs < KT_NEVENTS)
		kt.evs[kt.nr_evs++] = *ev;
	kt.ntf_ctx_bad |= !ctx_ok;
	kt.ntf_slept |= ctx_ok;
	if (action == VFCB_PF_EV_VF_WRITE) {
		kt.ntf_get_ret = ret;
		kt.ntf_get_len = len;
	}
	spin_unlock(&kt.ev_lock);
	wake_up(&kt.wq);
	return NOTIFY_OK;
}

static void kt_events_reset(void)
{
	spin_lock(&kt.ev_lock);
	kt.nr_evs = 0;
	kt.ntf_ctx_bad = false;
	kt.ntf_slept = false;
	kt.ntf_get_ret = 1;
	kt.ntf_get_len = 0;
	spin_unlock(&kt.ev_lock);
}

static bool kt_has_event(u32 type, u32 vf, u32 block_id, u32 len)
{
	unsigned int i;
	bool found = false;

	spin_lock(&kt.ev_lock);
	for (i = 0; i < kt.nr_evs; i++) {
		const struct vfcb_pf_event *e = &kt.evs[i];

		if (e->type == type && e->vf == vf && e->block_id == block_id &&
		    e->len == len)
			found = true;
	}
	spin_unlock(&kt.ev_lock);
	return found;
}

static unsigned int kt_nr_events(void)
{
	unsigned int n;

	spin_lock(&kt.ev_lock);
	n = kt.nr_evs;
	spin_unlock(&kt.ev_lock);
	return n;
}

/* --------------------------------------------------------- listeners --- */

static void kt_invalidate(struct vfcb_vf_listener *l, u64 mask)
{
	struct kt_listener *x = container_of(l, struct kt_listener, l);
	bool ctx_ok = kt_can_sleep();
	u8 buf[VFCB_MAX_BLOCK_SIZE];
	bool queued = false, still_queued = false;
	int ret = 0;

	if (atomic_inc_return(&kt.in_cb) > 1)
		WRITE_ONCE(kt.overlap, true);
	complete(&x->entered);
	if (ctx_ok) {
		usleep_range(1000, 2000);
		if (x->sleep_ms)
			msleep(x->sleep_ms);
		if (x->reread)
			ret = vfcb_vf_read_block(kt.vf, KT_BLK_RD, buf,
						 sizeof(buf), NULL);
		if (x->unreg_self) {
			queued = work_pending(&x->l.work);
			vfcb_vf_unregister_listener(kt.vf, &x->l);
			still_queued = work_pending(&x->l.work);
		}
	}
	atomic_dec(&kt.in_cb);

	spin_lock(&kt.ev_lock);
	x->seen |= mask;
	x->calls++;
	x->ctx_bad |= !ctx_ok;
	x->slept |= ctx_ok;
	if (x->reread)
		x->reread_ret = ret;
	x->queued |= queued;
	x->still_queued |= still_queued;
	x->returned = true;
	spin_unlock(&kt.ev_lock);
	wake_up(&kt.wq);
}

static void kt_listener_init(struct kt_listener *x)
{
	memset(x, 0, sizeof(*x));
	x->l.invalidate = kt_invalidate;
	init_completion(&x->entered);
}

static int kt_listener_register(struct vfcb_vf *vf, struct kt_listener *x)
{
	int ret = vfcb_vf_register_listener(vf, &x->l);

	x->registered = !ret;
	return ret;
}

static void kt_listener_unregister(struct vfcb_vf *vf, struct kt_listener *x)
{
	if (x->registered)
		vfcb_vf_unregister_listener(vf, &x->l);
	x->registered = false;
}

static u64 kt_seen(struct kt_listener *x)
{
	u64 seen;

	spin_lock(&kt.ev_lock);
	seen = x->seen;
	spin_unlock(&kt.ev_lock);
	return seen;
}

static bool kt_wait_seen(struct kt_listener *x, u64 mask)
{
	return wait_event_timeout(kt.wq, (kt_seen(x) & mask) == mask,
				  KT_WAIT) > 0;
}

/*
 * Take what the VF holds for the first listener (the all-ones mask of its
 * handshake, unless a file took it), so the tests' listeners see only what
 * they raise.
 */
static void kt_drain_listener(void)
{
	struct kt_listener *x = &kt.late;

	kt_listener_init(x);
	if (kt_listener_register(kt.vf, x))
		return;
	wait_event_timeout(kt.wq, READ_ONCE(x->calls), msecs_to_jiffies(500));
	kt_listener_unregister(kt.vf, x);
	kt_diag("drained %#llx left for the first listener", kt_seen(x));
}

/* ------------------------------------------------------------ the PF --- */

static void kt_pf_blocks(void)
{
	u8 in[VFCB_MAX_BLOCK_SIZE], out[VFCB_MAX_BLOCK_SIZE];
	unsigned int vf = vf_index;
	u32 ids[64], count = 0, len, flags, i;
	bool listed = false;
	int ret;

	vfcb_pf_del_block(kt.pf, vf, KT_BLK_PF);
	kt_fill(in, 77, 1);
	kt_is(vfcb_pf_set_block(kt.pf, vf, KT_BLK_PF, in, 77, 0), 0,
	      "pf: set_block of 77 bytes");
	len = sizeof(out);
	flags = ~0u;
	memset(out, 0, sizeof(out));
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_PF, out, &len, &flags);
	kt_ok(!ret && len == 77 && !flags && !memcmp(in, out, 77),
	      "pf: get_block reads it back: 77 bytes, flags 0, same content");
	len = 10;
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_PF, out, &len, &flags);
	kt_is(ret, -ERANGE, "pf: get_block into 10 bytes: -ERANGE");
	kt_is(len, 77, "pf: get_block -ERANGE reports the 77 bytes needed");

	ret = vfcb_pf_list_blocks(kt.pf, vf, ids, ARRAY_SIZE(ids), &count);
	for (i = 0; !ret && i < min_t(u32, count, ARRAY_SIZE(ids)); i++)
		listed |= ids[i] == KT_BLK_PF;
	kt_ok(!ret && listed, "pf: list_blocks lists the block");
	ret = vfcb_pf_list_blocks(kt.pf, vf, ids, 0, &i);
	kt_ok(!ret && i == count,
	      "pf: list_blocks with no room still counts every block");

	kt_fill(in, VFCB_MAX_BLOCK_SIZE, 2);
	kt_is(vfcb_pf_set_block(kt.pf, vf, KT_BLK_PF, in, VFCB_MAX_BLOCK_SIZE,
				VFCB_BLOCK_VF_WRITABLE), 0,
	      "pf: set_block replaces it: 128 bytes, VF-writable");
	len = sizeof(out);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_PF, out, &len, &flags);
	kt_ok(!ret && len == VFCB_MAX_BLOCK_SIZE &&
	      flags == VFCB_BLOCK_VF_WRITABLE && !memcmp(in, out, len),
	      "pf: get_block sees the new content and flags");

	/* All or nothing: a refused replacement leaves the block alone. */
	kt_is(vfcb_pf_set_block(kt.pf, vf, KT_BLK_PF, in,
				VFCB_MAX_BLOCK_SIZE + 1, 0), -EMSGSIZE,
	      "pf: set_block of 129 bytes: -EMSGSIZE");
	kt_is(vfcb_pf_set_block(kt.pf, vf, KT_BLK_PF, in, 4, 0x80), -EINVAL,
	      "pf: set_block with unknown flags: -EINVAL");
	len = sizeof(out);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_PF, out, &len, &flags);
	kt_ok(!ret && len == VFCB_MAX_BLOCK_SIZE &&
	      flags == VFCB_BLOCK_VF_WRITABLE && !memcmp(in, out, len),
	      "pf: refused set_block calls changed nothing");

	kt_is(vfcb_pf_del_block(kt.pf, vf, KT_BLK_PF), 0, "pf: del_block");
	kt_is(vfcb_pf_del_block(kt.pf, vf, KT_BLK_PF), -ENODATA,
	      "pf: del_block of a deleted block: -ENODATA");
	len = sizeof(out);
	kt_is(vfcb_pf_get_block(kt.pf, vf, KT_BLK_NONE, out, &len, &flags),
	      -ENODATA, "pf: get_block of a missing block: -ENODATA");
}

static void kt_pf_errors(void)
{
	unsigned int bad = vfcb_pf_num_vfs(kt.pf);
	struct vfcb_pf_vf_info info;
	u8 buf[8] = {}, *big;
	u32 len = sizeof(buf), flags;
	unsigned int vf = vf_index;

	kt_is(vfcb_pf_set_block(kt.pf, bad, KT_BLK_PF, buf, 1, 0), -ENOENT,
	      "pf: set_block on VF num_vfs (nonexistent): -ENOENT");
	kt_is(vfcb_pf_set_block(kt.pf, UINT_MAX, KT_BLK_PF, buf, 1, 0),
	      -ENOENT, "pf: set_block on VF UINT_MAX: -ENOENT");
	kt_is(vfcb_pf_get_block(kt.pf, bad, KT_BLK_PF, buf, &len, &flags),
	      -ENOENT, "pf: get_block on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_del_block(kt.pf, bad, KT_BLK_PF), -ENOENT,
	      "pf: del_block on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_get_vf_info(kt.pf, bad, &info), -ENOENT,
	      "pf: get_vf_info on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_set_policy(kt.pf, bad, 0, 8), -ENOENT,
	      "pf: set_policy on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_invalidate(kt.pf, bad, 1), -ENOENT,
	      "pf: invalidate on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_invalidate(kt.pf, vf, 0), -EINVAL,
	      "pf: invalidate with mask 0: -EINVAL");
	kt_is(vfcb_pf_invalidate(kt.pf, VFCB_PF_ALL_VFS, 0), -EINVAL,
	      "pf: invalidate of every VF with mask 0: -EINVAL");
	kt_is(vfcb_pf_invalidate(kt.pf, -2, 1), -EINVAL,
	      "pf: invalidate of VF -2: -EINVAL");
	kt_is(vfcb_pf_set_policy(kt.pf, vf, 0, 0), -EINVAL,
	      "pf: set_policy with quota 0: -EINVAL");
	kt_is(vfcb_pf_set_policy(kt.pf, vf, 0, VFCB_MAX_BLOCKS_PER_VF + 1),
	      -EINVAL, "pf: set_policy with quota above the maximum: -EINVAL");
	kt_is(vfcb_pf_set_policy(kt.pf, vf, 0x80, 8), -EINVAL,
	      "pf: set_policy with unknown flags: -EINVAL");
	kt_is(vfcb_pf_cfg_read(kt.pf, bad, 0, buf, 4), -ENOENT,
	      "pf: cfg_read on a nonexistent VF: -ENOENT");
	kt_is(vfcb_pf_cfg_read(kt.pf, vf, 0, buf, 0), -EINVAL,
	      "pf: cfg_read of 0 bytes: -EINVAL");
	kt_is(vfcb_pf_cfg_read(kt.pf, vf, 4096, buf, 4), -EINVAL,
	      "pf: cfg_read beyond config space: -EINVAL");
	big = kzalloc(VFCB_CFG_MAX_LEN + 4, GFP_KERNEL);
	if (big) {
		kt_is(vfcb_pf_cfg_read(kt.pf, vf, 0, big,
				       VFCB_CFG_MAX_LEN + 1), -EMSGSIZE,
		      "pf: cfg_read above VFCB_CFG_MAX_LEN: -EMSGSIZE");
		kfree(big);
	}
}

static void kt_pf_info_cfg(void)
{
	struct vfcb_pf_vf_info info = { .argsz = sizeof(info) };
	unsigned int vf = vf_index;
	u16 vendor = 0, device = 0;
	__le16 ids[2] = {};
	u32 bar = 0, bar_after = 0;
	u16 cmd = 0, cmd_after = 0;
	u8 cs[4] = {}, b, line = 0, line_after = 0;
	int ret;

	ret = vfcb_pf_num_vfs(kt.pf);
	kt_ok(ret > (int)vf, "pf: num_vfs (%d) covers VF %u", ret, vf);
	ret = vfcb_pf_get_vf_info(kt.pf, vf, &info);
	kt_ok(!ret && info.vf == vf && info.state == VFCB_VF_STATE_READY &&
	      info.version == VFCB_PROTO_V2,
	      "pf: get_vf_info: VF %u ready, protocol v2", vf);
	kt_diag("vf %u: state %u version %u serial %#x blocks %u/%u policy %#x pending %#llx",
		info.vf, info.state, info.version, info.serial,
		info.num_blocks, info.max_blocks, info.policy,
		info.pending_mask);

	pci_read_config_word(kt.vf_pdev, PCI_VENDOR_ID, &vendor);
	pci_read_config_word(kt.vf_pdev, PCI_DEVICE_ID, &device);
	ret = vfcb_pf_cfg_read(kt.pf, vf, 0, ids, sizeof(ids));
	kt_ok(ret == sizeof(ids) && le16_to_cpu(ids[0]) == vendor &&
	      le16_to_cpu(ids[1]) == device,
	      "pf: cfg_read of the IDs matches the VF's config space (%04x:%04x)",
	      vendor, device);
	pci_read_config_dword(kt.vf_pdev, PCI_BASE_ADDRESS_0, &bar);
	kt_is(vfcb_pf_cfg_write(kt.pf, vf, PCI_BASE_ADDRESS_0, &bar_after, 4),
	      -EPERM, "pf: cfg_write of a BAR: -EPERM");
	pci_read_config_dword(kt.vf_pdev, PCI_BASE_ADDRESS_0, &bar_after);
	kt_is(bar_after, bar, "pf: the refused cfg_write wrote nothing");

	/*
	 * The command word: its driver's bits (decode, bus mastering, INTx)
	 * may not change, the rest may.  Written with status (write 1 to
	 * clear: zeros clear nothing), the command as it is.
	 */
	pci_read_config_word(kt.vf_pdev, PCI_COMMAND, &cmd);
	cs[0] = cmd;
	cs[1] = cmd >> 8;
	kt_is(vfcb_pf_cfg_write(kt.pf, vf, PCI_COMMAND, cs, 4), 4,
	      "pf: cfg_write of command and status, the command as it is: accepted");
	pci_read_config_word(kt.vf_pdev, PCI_COMMAND, &cmd_after);
	kt_is(cmd_after, cmd, "pf: ... the command word unchanged");
	b = (cmd ^ PCI_COMMAND_MASTER) & 0xff;
	kt_is(vfcb_pf_cfg_write(kt.pf, vf, PCI_COMMAND, &b, 1), -EPERM,
	      "pf: cfg_write turning the VF's bus mastering over: -EPERM");
	pci_read_config_word(kt.vf_pdev, PCI_COMMAND, &cmd_after);
	kt_is(cmd_after, cmd, "pf: ... the command word unchanged");
	/* Interrupt Line: a byte for software, the VF's to write. */
	pci_read_config_byte(kt.vf_pdev, PCI_INTERRUPT_LINE, &line);
	b = line ^ 0x5a;
	kt_is(vfcb_pf_cfg_write(kt.pf, vf, PCI_INTERRUPT_LINE, &b, 1), 1,
	      "pf: cfg_write of Interrupt Line: accepted");
	pci_read_config_byte(kt.vf_pdev, PCI_INTERRUPT_LINE, &line_after);
	kt_is(line_after, b, "pf: ... and the VF's config space has it");
	kt_is(vfcb_pf_cfg_write(kt.pf, vf, PCI_INTERRUPT_LINE, &line, 1), 1,
	      "pf: ... and the old value written back");
}

/* The notifier sees the VF's write, driven through the VF API. */
static void kt_pf_notifier(void)
{
	u8 in[100], out[VFCB_MAX_BLOCK_SIZE];
	unsigned int vf = vf_index, n;
	u32 len = sizeof(out), flags;
	bool got;
	int ret;

	memset(in, 0, 4);
	kt_is(vfcb_pf_set_block(kt.pf, vf, KT_BLK_RW, in, 4,
				VFCB_BLOCK_VF_WRITABLE), 0,
	      "pf: set_block of a VF-writable block");
	kt_events_reset();
	ret = vfcb_pf_register_notifier(kt.pf, &kt.nb);
	kt.nb_registered = !ret;
	if (!kt_is(ret, 0, "pf: register_notifier"))
		return;

	kt_fill(in, sizeof(in), 3);
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, in, sizeof(in)), 0,
	      "vf: write_block of 100 bytes to the VF-writable block");
	got = wait_event_timeout(kt.wq,
				 kt_has_event(VFCB_PF_EV_VF_WRITE, vf,
					      KT_BLK_RW, sizeof(in)),
				 KT_WAIT) > 0;
	kt_ok(got, "pf: notifier gets VF_WRITE (vf %u, block %u, 100 bytes)",
	      vf, KT_BLK_RW);
	spin_lock(&kt.ev_lock);
	kt_ok(got && !kt.ntf_ctx_bad && kt.ntf_slept,
	      "pf: notifier runs in process context and may sleep");
	kt_ok(got && !kt.ntf_get_ret && kt.ntf_get_len == sizeof(in),
	      "pf: notifier may call the PF API (get_block of the block)");
	spin_unlock(&kt.ev_lock);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_RW, out, &len, &flags);
	kt_ok(!ret && len == sizeof(in) && !memcmp(in, out, len),
	      "pf: get_block reads the VF's write byte-identical");

	kt_is(vfcb_pf_unregister_notifier(kt.pf, &kt.nb), 0,
	      "pf: unregister_notifier");
	kt.nb_registered = false;
	kt_is(vfcb_pf_unregister_notifier(kt.pf, &kt.nb), -ENOENT,
	      "pf: unregister_notifier again: -ENOENT");
	n = kt_nr_events();
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, in, 8), 0,
	      "vf: write_block after the notifier left");
	msleep(300);
	kt_is(kt_nr_events(), n, "pf: an unregistered notifier is not called");
}

static void kt_cmd_pf(void)
{
	kt_pf_info_cfg();
	kt_pf_blocks();
	kt_pf_errors();
	kt_pf_notifier();
}

/* ------------------------------------------------------------ the VF --- */

static void kt_vf_info(void)
{
	struct vfcb_pf_vf_info pinfo = { .argsz = sizeof(pinfo) };
	struct vfcb_vf_info info;
	int ret;

	ret = vfcb_vf_info(kt.vf, &info);
	kt_ok(!ret && info.state == VFCB_VF_STATE_READY &&
	      info.vf_index == vf_index && info.version == VFCB_PROTO_V2 &&
	      info.max_block_size == VFCB_MAX_BLOCK_SIZE,
	      "vf: info: ready, VF index %u, protocol v1, 128-byte blocks",
	      vf_index);
	kt_diag("vf info: ret %d state %u index %u serial %#x version %u max %u",
		ret, info.state, info.vf_index, info.serial, info.version,
		info.max_block_size);
	ret = vfcb_pf_get_vf_info(kt.pf, vf_index, &pinfo);
	kt_ok(!ret && pinfo.serial == info.serial && info.serial,
	      "vf: serial number is the one the PF gave");
}

static void kt_vf_content(void)
{
	static const u32 lens[] = { 1, 55, 56, 57, 117, VFCB_MAX_BLOCK_SIZE };
	u8 in[VFCB_MAX_BLOCK_SIZE], out[VFCB_MAX_BLOCK_SIZE], *big;
	unsigned int vf = vf_index, i;
	size_t needed;
	u32 len, flags;
	int ret;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		kt_fill(in, lens[i], 10 + i);
		vfcb_pf_set_block(kt.pf, vf, KT_BLK_RO, in, lens[i], 0);
		memset(out, 0, sizeof(out));
		needed = 0;
		ret = vfcb_vf_read_block(kt.vf, KT_BLK_RO, out, sizeof(out),
					 &needed);
		kt_ok(ret == (int)lens[i] && needed == lens[i] &&
		      !memcmp(in, out, lens[i]),
		      "vf: read_block of a %u-byte block set by the PF: byte-identical",
		      lens[i]);
		if (ret != (int)lens[i])
			kt_diag("read_block returned %d, needed %zu", ret,
				needed);
	}
	vfcb_pf_set_block(kt.pf, vf, KT_BLK_RO, in, 0, 0);
	needed = 1;
	ret = vfcb_vf_read_block(kt.vf, KT_BLK_RO, out, sizeof(out), &needed);
	kt_ok(!ret && !needed, "vf: read_block of an empty block: 0 bytes");

	kt_fill(in, VFCB_MAX_BLOCK_SIZE, 20);
	vfcb_pf_set_block(kt.pf, vf, KT_BLK_RO, in, VFCB_MAX_BLOCK_SIZE, 0);
	needed = 0;
	ret = vfcb_vf_read_block(kt.vf, KT_BLK_RO, out, 16, &needed);
	kt_is(ret, -ERANGE, "vf: read_block of 128 bytes into 16: -ERANGE");
	kt_is(needed, VFCB_MAX_BLOCK_SIZE,
	      "vf: -ERANGE reports the 128 bytes needed");
	big = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (big) {
		ret = vfcb_vf_read_block(kt.vf, KT_BLK_RO, big, PAGE_SIZE,
					 NULL);
		kt_ok(ret == VFCB_MAX_BLOCK_SIZE &&
		      !memcmp(in, big, VFCB_MAX_BLOCK_SIZE),
		      "vf: read_block with a page-sized buffer and no needed");
		kfree(big);
	}

	needed = 1;
	ret = vfcb_vf_read_block(kt.vf, KT_BLK_NONE, out, sizeof(out),
				 &needed);
	kt_ok(ret == -ENOENT && !needed,
	      "vf: read_block of a missing block: -ENOENT, needed 0");
	kt_is(vfcb_vf_read_block(kt.vf, KT_BLK_RO, out, 0, NULL), -EINVAL,
	      "vf: read_block with a 0-byte buffer: -EINVAL");
	kt_is(vfcb_vf_read_block(kt.vf, KT_BLK_RO, NULL, 16, NULL), -EINVAL,
	      "vf: read_block into NULL: -EINVAL");

	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, in,
				  VFCB_MAX_BLOCK_SIZE + 1), -EMSGSIZE,
	      "vf: write_block of 129 bytes: -EMSGSIZE");
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RO, in, 4), -EPERM,
	      "vf: write_block of a read-only block: -EPERM");
	len = sizeof(out);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_RO, out, &len, &flags);
	kt_ok(!ret && len == VFCB_MAX_BLOCK_SIZE && !memcmp(in, out, len),
	      "vf: the refused write changed nothing on the PF");

	kt_fill(in, VFCB_MAX_BLOCK_SIZE, 30);
	vfcb_pf_set_block(kt.pf, vf, KT_BLK_RW, NULL, 0,
			  VFCB_BLOCK_VF_WRITABLE);
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, in, VFCB_MAX_BLOCK_SIZE),
	      0, "vf: write_block of 128 bytes to a VF-writable block");
	len = sizeof(out);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_RW, out, &len, &flags);
	kt_ok(!ret && len == VFCB_MAX_BLOCK_SIZE && !memcmp(in, out, len) &&
	      flags == VFCB_BLOCK_VF_WRITABLE,
	      "vf: the PF reads the VF's 128 bytes back byte-identical");
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, NULL, 0), 0,
	      "vf: write_block of 0 bytes (NULL buffer)");
	len = sizeof(out);
	ret = vfcb_pf_get_block(kt.pf, vf, KT_BLK_RW, out, &len, &flags);
	kt_ok(!ret && !len, "vf: the PF sees the block emptied");

	vfcb_pf_del_block(kt.pf, vf, KT_BLK_NONE);
	ret = vfcb_vf_write_block(kt.vf, KT_BLK_NONE, in, 4);
	kt_ok(ret < 0, "vf: creating a block without the create policy fails");
	kt_diag("write_block creating a block without the policy: %d", ret);
	len = sizeof(out);
	kt_is(vfcb_pf_get_block(kt.pf, vf, KT_BLK_NONE, out, &len, &flags),
	      -ENODATA, "vf: the refused creation created nothing");
}

static void kt_cmd_vf(void)
{
	kt_vf_info();
	kt_vf_content();
	kt_is(vfcb_vf_ping(kt.vf), 0, "vf: ping");
}

/* ----------------------------------------------------- invalidations --- */

static void kt_two_listeners(void)
{
	struct kt_listener *a = &kt.a, *b = &kt.b;
	struct kt_listener null = {};
	bool both;

	kt_is(vfcb_vf_register_listener(kt.vf, &null.l), -EINVAL,
	      "vf: register_listener without a callback: -EINVAL");
	kt_drain_listener();
	kt_listener_init(a);
	kt_listener_init(b);
	a->reread = true;
	b->reread = true;
	kt_is(kt_listener_register(kt.vf, a), 0, "vf: register listener A");
	kt_is(vfcb_vf_register_listener(kt.vf, &a->l), -EBUSY,
	      "vf: registering listener A again: -EBUSY, list intact");
	{
		/* Garbage in the private part: never registered, ignored. */
		struct kt_listener stray;

		memset(&stray, 0x6b, sizeof(stray));
		vfcb_vf_unregister_listener(kt.vf, &stray.l);
		kt_is(vfcb_vf_register_listener(kt.vf, &a->l), -EBUSY,
		      "vf: a stray unregister left listener A registered");
	}
	kt_is(kt_listener_register(kt.vf, b), 0, "vf: register listener B");
	kt_is(vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_TWO), 0,
	      "pf: invalidate VF %u, mask %#llx", vf_index, KT_INV_TWO);
	both = kt_wait_seen(a, KT_INV_TWO) && kt_wait_seen(b, KT_INV_TWO);
	kt_ok(both, "vf: both listeners get the mask");
	kt_diag("A saw %#llx in %u calls, B saw %#llx in %u calls",
		kt_seen(a), a->calls, kt_seen(b), b->calls);
	spin_lock(&kt.ev_lock);
	kt_ok(both && !a->ctx_bad && !b->ctx_bad && a->slept && b->slept,
	      "vf: listeners run in process context and may sleep");
	kt_ok(both && a->reread_ret > 0 && b->reread_ret > 0,
	      "vf: listeners may call read_block from the callback");
	spin_unlock(&kt.ev_lock);
	if (a->reread_ret <= 0 || b->reread_ret <= 0)
		kt_diag("re-read in the callbacks: A %d, B %d", a->reread_ret,
			b->reread_ret);
}

/*
 * A listener whose callback sleeps holds up nobody else, and unregistering
 * it waits for the callback.
 */
static void kt_unregister_waits(void)
{
	struct kt_listener *a = &kt.a, *b = &kt.b;
	unsigned int calls;
	bool entered, returned, b_first;
	s64 ms;
	ktime_t t0;

	reinit_completion(&a->entered);
	a->reread = false;
	b->reread = false;
	a->returned = false;
	WRITE_ONCE(a->sleep_ms, 1000);
	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_SLEEP);
	entered = wait_for_completion_timeout(&a->entered, KT_WAIT) > 0;
	kt_ok(entered, "vf: listener A's callback starts (it sleeps 1 s)");
	b_first = kt_wait_seen(b, KT_INV_SLEEP);
	spin_lock(&kt.ev_lock);
	b_first = b_first && !a->returned;
	spin_unlock(&kt.ev_lock);
	kt_ok(entered && b_first,
	      "vf: listener B gets the mask while A's callback still sleeps");
	t0 = ktime_get();
	kt_listener_unregister(kt.vf, a);
	ms = ktime_ms_delta(ktime_get(), t0);
	spin_lock(&kt.ev_lock);
	returned = a->returned;
	calls = a->calls;
	spin_unlock(&kt.ev_lock);
	kt_ok(entered && returned,
	      "vf: unregister_listener returns after the sleeping callback did");
	kt_ok(entered && ms >= 500,
	      "vf: unregister_listener waited for the sleeping callback");
	kt_diag("unregister_listener took %lld ms", ms);

	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_AFTER);
	kt_ok(kt_wait_seen(b, KT_INV_AFTER),
	      "vf: listener B still gets invalidations");
	msleep(100);
	spin_lock(&kt.ev_lock);
	kt_ok(a->calls == calls && !(a->seen & KT_INV_AFTER),
	      "vf: the unregistered listener A is not called again");
	spin_unlock(&kt.ev_lock);
	kt_listener_unregister(kt.vf, b);
	kt_ok(READ_ONCE(kt.overlap),
	      "vf: callbacks of two listeners ran at the same time");
}

/* A listener may unregister itself from its own callback. */
static void kt_unregister_self(void)
{
	struct kt_listener *x = &kt.self;
	unsigned int calls;
	bool returned;

	kt_listener_init(x);
	x->unreg_self = true;
	kt_is(kt_listener_register(kt.vf, x), 0, "vf: register a self-removing listener");
	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_SELF);
	kt_ok(kt_wait_seen(x, KT_INV_SELF),
	      "vf: the self-removing listener's callback returns (no deadlock)");
	x->registered = false;
	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_SELF2);
	msleep(300);
	spin_lock(&kt.ev_lock);
	calls = x->calls;
	returned = x->returned;
	spin_unlock(&kt.ev_lock);
	kt_ok(returned && calls == 1 && !(kt_seen(x) & KT_INV_SELF2),
	      "vf: ... and is not called again (%u calls)", calls);
}

/* Bits raised while nobody listened go to the next listener. */
static void kt_late_listener(void)
{
	struct vfcb_pf_vf_info info = { .argsz = sizeof(info) };
	struct kt_listener *x = &kt.late;
	unsigned long end = jiffies + KT_WAIT;
	bool delivered = false;

	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_LATE);
	/* Wait for the PF to have delivered it: the VF holds it now. */
	while (time_before(jiffies, end)) {
		if (!vfcb_pf_get_vf_info(kt.pf, vf_index, &info) &&
		    !(info.pending_mask & KT_INV_LATE)) {
			delivered = true;
			break;
		}
		msleep(20);
	}
	kt_ok(delivered, "pf: invalidation with no listener delivered to the VF");
	msleep(200);
	kt_listener_init(x);
	kt_is(kt_listener_register(kt.vf, x), 0,
	      "vf: register a listener after the bits were raised");
	kt_ok(kt_wait_seen(x, KT_INV_LATE),
	      "vf: the late listener gets the unconsumed bits");
	kt_diag("late listener saw %#llx", kt_seen(x));
	kt_listener_unregister(kt.vf, x);
}

/*
 * An invalidation that arrives while a self-removing listener's callback
 * runs queues its work again; unregistering from the callback must drop
 * that, or the work runs after the owner freed the listener.  The bits it
 * carried are kept for the next listener.
 */
static void kt_unregister_self_queued(void)
{
	struct kt_listener *x = &kt.self, *next = &kt.late;
	bool entered, returned, queued, still_queued;
	unsigned int calls;

	kt_listener_init(x);
	x->unreg_self = true;
	x->sleep_ms = 500;
	kt_is(kt_listener_register(kt.vf, x), 0,
	      "vf: register a self-removing listener whose callback sleeps 500 ms");
	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_SELF3);
	entered = wait_for_completion_timeout(&x->entered, KT_WAIT) > 0;
	vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_SELF4);
	wait_event_timeout(kt.wq, READ_ONCE(x->returned), KT_WAIT);
	x->registered = false;
	msleep(300);
	spin_lock(&kt.ev_lock);
	returned = x->returned;
	queued = x->queued;
	still_queued = x->still_queued;
	calls = x->calls;
	spin_unlock(&kt.ev_lock);
	kt_ok(entered && returned && queued,
	      "vf: an invalidation raised while its callback slept queued its work again");
	kt_ok(returned && !still_queued,
	      "vf: unregistering from the callback dropped the queued work");
	kt_ok(returned && calls == 1 && !(kt_seen(x) & KT_INV_SELF4),
	      "vf: ... and the listener is not called again (%u calls)", calls);
	kt_listener_init(next);
	kt_is(kt_listener_register(kt.vf, next), 0, "vf: register the next listener");
	kt_ok(kt_wait_seen(next, KT_INV_SELF4),
	      "vf: the next listener gets the bits the dropped work carried");
	kt_listener_unregister(kt.vf, next);
}

static void kt_cmd_listeners(void)
{
	char buf[VFCB_MAX_BLOCK_SIZE];

	/* The block the callbacks re-read. */
	kt_fill(buf, 16, 40);
	vfcb_pf_set_block(kt.pf, vf_index, KT_BLK_RD, buf, 16, 0);
	atomic_set(&kt.in_cb, 0);
	kt.overlap = false;
	kt_two_listeners();
	kt_unregister_waits();
	kt_unregister_self();
	kt_late_listener();
	kt_unregister_self_queued();
	kt_listener_unregister(kt.vf, &kt.a);
	kt_listener_unregister(kt.vf, &kt.b);
}

/* ----------------------------------------------------- unbind/rebind --- */

static void kt_cmd_arm(void)
{
	kt_listener_unregister(kt.vf, &kt.armed);
	kt_listener_init(&kt.armed);
	kt_is(kt_listener_register(kt.vf, &kt.armed), 0,
	      "vf: register a listener to keep across the unbind");
}

/* The VF was unbound from vfcb_vf with our handle held. */
static void kt_cmd_unbound(void)
{
	struct vfcb_pf_vf_info pinfo = { .argsz = sizeof(pinfo) };
	struct kt_listener x;
	struct vfcb_vf_info info;
	struct vfcb_vf *vf;
	u8 buf[16];
	int ret;

	ret = vfcb_vf_info(kt.vf, &info);
	kt_ok(ret == -ENODEV && info.state == VFCB_VF_STATE_GONE,
	      "vf: info on the held handle: -ENODEV, state GONE");
	kt_is(vfcb_vf_read_block(kt.vf, KT_BLK_RO, buf, sizeof(buf), NULL),
	      -ENODEV, "vf: read_block on the held handle: -ENODEV");
	kt_is(vfcb_vf_write_block(kt.vf, KT_BLK_RW, buf, 4), -ENODEV,
	      "vf: write_block on the held handle: -ENODEV");
	kt_is(vfcb_vf_ping(kt.vf), -ENODEV,
	      "vf: ping on the held handle: -ENODEV");
	kt_listener_init(&x);
	ret = vfcb_vf_register_listener(kt.vf, &x.l);
	kt_is(ret, -ENODEV, "vf: register_listener on the held handle: -ENODEV");
	if (!ret)
		vfcb_vf_unregister_listener(kt.vf, &x.l);
	kt_listener_unregister(kt.vf, &kt.armed);
	kt_ok(true, "vf: unregister_listener after the unbind returns");
	vf = vfcb_vf_get(kt.vf_pdev);
	kt_is(PTR_ERR_OR_ZERO(vf), -ENODEV,
	      "vf: vfcb_vf_get of the unbound VF: -ENODEV");
	if (!IS_ERR(vf))
		vfcb_vf_put(vf);

	/* For "rebound": the PF tells when the VF comes back. */
	kt_events_reset();
	ret = vfcb_pf_register_notifier(kt.pf, &kt.nb);
	kt.nb_registered = !ret;
	kt_is(ret, 0, "pf: register_notifier while the VF has no driver");

	/* The PF keeps what it raises while the VF has no driver. */
	kt_is(vfcb_pf_invalidate(kt.pf, vf_index, KT_INV_AWAY), 0,
	      "pf: invalidate the VF while it has no driver");
	ret = vfcb_pf_get_vf_info(kt.pf, vf_index, &pinfo);
	kt_ok(!ret && (pinfo.pending_mask & KT_INV_AWAY) &&
	      pinfo.state != VFCB_VF_STATE_READY,
	      "pf: the VF is not ready and the mask is pending");
	kt_diag("pf: VF %u state %u pending %#llx", vf_index, pinfo.state,
		pinfo.pending_mask);
}

/* The VF was bound to vfcb_vf again and its handshake is done. */
static void kt_cmd_rebound(void)
{
	struct vfcb_pf_vf_info pinfo = { .argsz = sizeof(pinfo) };
	struct kt_listener *x = &kt.late;
	struct vfcb_vf_info info;
	struct vfcb_vf *vf;
	u8 buf[16];
	int ret, i;

	kt_ok(wait_event_timeout(kt.wq,
				 kt_has_event(VFCB_PF_EV_VF_READY, vf_index,
					      0, 0), KT_WAIT) > 0,
	      "pf: notifier gets VF_READY when the rebound VF handshakes");
	kt_diag("notifier: VF_RESET %sseen",
		kt_has_event(VFCB_PF_EV_VF_RESET, vf_index, 0, 0) ? "" :
		"not ");
	if (kt.nb_registered)
		vfcb_pf_unregister_notifier(kt.pf, &kt.nb);
	kt.nb_registered = false;

	kt_is(vfcb_vf_ping(kt.vf), -ENODEV,
	      "vf: the handle held across unbind and rebind stays dead");
	vf = vfcb_vf_get(kt.vf_pdev);
	if (!kt_ok(!IS_ERR(vf), "vf: vfcb_vf_get of the rebound VF"))
		return;
	kt_ok(vf != kt.vf, "vf: the rebound VF has a new handle");
	ret = vfcb_vf_info(vf, &info);
	kt_ok(!ret && info.state == VFCB_VF_STATE_READY,
	      "vf: info on the new handle: ready");
	kt_listener_init(x);
	kt_is(kt_listener_register(vf, x), 0,
	      "vf: register a listener on the new handle");
	kt_ok(kt_wait_seen(x, VFCB_INVALIDATE_EVERYTHING),
	      "vf: a fresh probe tells the first listener to re-read everything");
	kt_listener_unregister(vf, x);
	/* The PF's INVALIDATE follows the handshake's answer: wait for its ack. */
	for (i = 0; i < 250; i++) {
		ret = vfcb_pf_get_vf_info(kt.pf, vf_index, &pinfo);
		if (ret || !pinfo.pending_mask)
			break;
		msleep(20);
	}
	kt_ok(!ret && !pinfo.pending_mask,
	      "pf: the mask raised while the VF had no driver was delivered");
	ret = vfcb_vf_read_block(vf, KT_BLK_RD, buf, sizeof(buf), NULL);
	kt_is(ret, 16, "vf: read_block on the new handle");
	kt_is(vfcb_vf_ping(vf), 0, "vf: ping on the new handle");
	vfcb_vf_put(vf);
}

/* The PF was unbound from vfcb_pf with our handle held. */
static void kt_cmd_pf_unbound(void)
{
	struct vfcb_pf_vf_info info = { .argsz = sizeof(info) };
	struct notifier_block nb = { .notifier_call = kt_notify };
	u8 buf[8] = {};
	u32 len = sizeof(buf), flags, count;
	struct vfcb_pf *pf;

	kt_is(vfcb_pf_num_vfs(kt.pf), -ENODEV,
	      "pf: num_vfs on the held handle: -ENODEV");
	kt_is(vfcb_pf_set_block(kt.pf, 0, KT_BLK_PF, buf, 1, 0), -ENODEV,
	      "pf: set_block on the held handle: -ENODEV");
	kt_is(vfcb_pf_get_block(kt.pf, 0, KT_BLK_PF, buf, &len, &flags),
	      -ENODEV, "pf: get_block on the held handle: -ENODEV");
	kt_is(vfcb_pf_list_blocks(kt.pf, 0, NULL, 0, &count), -ENODEV,
	      "pf: list_blocks on the held handle: -ENODEV");
	kt_is(vfcb_pf_get_vf_info(kt.pf, 0, &info), -ENODEV,
	      "pf: get_vf_info on the held handle: -ENODEV");
	kt_is(vfcb_pf_invalidate(kt.pf, VFCB_PF_ALL_VFS, 1), -ENODEV,
	      "pf: invalidate on the held handle: -ENODEV");
	kt_is(vfcb_pf_cfg_read(kt.pf, 0, 0, buf, 4), -ENODEV,
	      "pf: cfg_read on the held handle: -ENODEV");
	kt_is(vfcb_pf_register_notifier(kt.pf, &nb), -ENODEV,
	      "pf: register_notifier on the held handle: -ENODEV");
	pf = vfcb_pf_get(kt.pf_pdev);
	kt_is(PTR_ERR_OR_ZERO(pf), -ENODEV,
	      "pf: vfcb_pf_get of the unbound PF: -ENODEV");
	if (!IS_ERR(pf))
		vfcb_pf_put(pf);
}

/* ----------------------------------------------------------- debugfs --- */

static const struct {
	const char *name;
	void (*run)(void);
} kt_cmds[] = {
	{ "pf", kt_cmd_pf },
	{ "vf", kt_cmd_vf },
	{ "listeners", kt_cmd_listeners },
	{ "arm", kt_cmd_arm },
	{ "unbound", kt_cmd_unbound },
	{ "rebound", kt_cmd_rebound },
	{ "pf-unbound", kt_cmd_pf_unbound },
};

static ssize_t kt_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char cmd[32];
	size_t n = min(count, sizeof(cmd) - 1);
	unsigned int i;

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = '\0';
	strim(cmd);
	for (i = 0; i < ARRAY_SIZE(kt_cmds); i++)
		if (!strcmp(cmd, kt_cmds[i].name))
			break;
	if (i == ARRAY_SIZE(kt_cmds))
		return -EINVAL;

	mutex_lock(&kt.lock);
	kt.res_len = 0;
	kt.res[0] = '\0';
	kt.nr_ok = 0;
	kt.nr_fail = 0;
	kt_cmds[i].run();
	kt_diag("%s: %u ok, %u not ok", kt_cmds[i].name, kt.nr_ok,
		kt.nr_fail);
	pr_info("%s: %u ok, %u not ok\n", kt_cmds[i].name, kt.nr_ok,
		kt.nr_fail);
	mutex_unlock(&kt.lock);
	return count;
}

static ssize_t kt_results_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&kt.lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, kt.res, kt.res_len);
	mutex_unlock(&kt.lock);
	return ret;
}

static const struct file_operations kt_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = kt_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations kt_results_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = kt_results_read,
	.llseek = default_llseek,
};

/* ------------------------------------------------------- load/unload --- */

static struct pci_dev *kt_find_vf(struct pci_dev *pf, unsigned int index)
{
	struct pci_dev *dev = NULL;

	while ((dev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, dev)))
		if (dev->is_virtfn && pci_physfn(dev) == pf &&
		    pci_iov_vf_id(dev) == (int)index)
			return dev;
	return NULL;
}

static void kt_release(void)
{
	if (kt.nb_registered)
		vfcb_pf_unregister_notifier(kt.pf, &kt.nb);
	if (!IS_ERR_OR_NULL(kt.vf)) {
		kt_listener_unregister(kt.vf, &kt.a);
		kt_listener_unregister(kt.vf, &kt.b);
		kt_listener_unregister(kt.vf, &kt.late);
		kt_listener_unregister(kt.vf, &kt.armed);
		vfcb_vf_put(kt.vf);
	}
	if (!IS_ERR_OR_NULL(kt.pf))
		vfcb_pf_put(kt.pf);
	pci_dev_put(kt.vf_pdev);
	pci_dev_put(kt.pf_pdev);
	kfree(kt.res);
}

static int __init kt_init(void)
{
	unsigned int dom, bus, slot, fn;
	int ret = -ENODEV;

	mutex_init(&kt.lock);
	spin_lock_init(&kt.ev_lock);
	init_waitqueue_head(&kt.wq);
	kt.nb.notifier_call = kt_notify;

	if (!pf_addr || sscanf(pf_addr, "%x:%x:%x.%x", &dom, &bus, &slot,
			       &fn) != 4) {
		pr_err("pf=DOMAIN:BUS:SLOT.FN is required\n");
		return -EINVAL;
	}
	kt.res = kzalloc(KT_RES_SIZE, GFP_KERNEL);
	if (!kt.res)
		return -ENOMEM;
	kt.pf_pdev = pci_get_domain_bus_and_slot(dom, bus,
						 PCI_DEVFN(slot, fn));
	if (!kt.pf_pdev) {
		pr_err("no PCI device %s\n", pf_addr);
		goto err;
	}
	kt.pf = vfcb_pf_get(kt.pf_pdev);
	if (IS_ERR(kt.pf)) {
		ret = PTR_ERR(kt.pf);
		pr_err("%s is not bound to vfcb_pf: %d\n", pf_addr, ret);
		goto err;
	}
	kt.vf_pdev = kt_find_vf(kt.pf_pdev, vf_index);
	if (!kt.vf_pdev) {
		pr_err("%s has no VF %u\n", pf_addr, vf_index);
		goto err;
	}
	kt.vf = vfcb_vf_get(kt.vf_pdev);
	if (IS_ERR(kt.vf)) {
		ret = PTR_ERR(kt.vf);
		pr_err("%s is not bound to vfcb_vf: %d\n",
		       pci_name(kt.vf_pdev), ret);
		goto err;
	}

	kt.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, kt.dir, NULL, &kt_run_fops);
	debugfs_create_file("results", 0400, kt.dir, NULL, &kt_results_fops);
	pr_info("testing PF %s, VF %u (%s)\n", pf_addr, vf_index,
		pci_name(kt.vf_pdev));
	return 0;

err:
	kt_release();
	return ret;
}

static void __exit kt_exit(void)
{
	debugfs_remove_recursive(kt.dir);
	kt_release();
}

module_init(kt_init);
module_exit(kt_exit);

MODULE_DESCRIPTION("vfcb in-kernel API tests (test only)");
MODULE_LICENSE("GPL");
