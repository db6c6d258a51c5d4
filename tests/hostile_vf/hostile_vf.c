// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_vf: a test-only driver for an 82576 VF that attacks vfcb_pf the
 * way a malicious guest could.  It has no ID table: bind it to a VF with
 * driver_override.  Attacks are started by writing a command to
 * /sys/kernel/debug/hostile_vf/<pci address>/attack:
 *
 *   hello          a correct HELLO, so later attacks pass the handshake
 *   garbage N      N messages of random dwords and random length
 *   badhdr         one message each with RESP set, status bits, a
 *                  notification opcode, an unknown opcode, a short READ
 *   truncated      a 128-byte WRITE that stops after its first fragment,
 *                  then a PING
 *   wrongtag       WRITE fragment 0 with one tag, fragment 1 with another
 *   reorder        WRITE fragments 0, 2, 1
 *   flood N [MS]   doorbells (REQ over a PING) back to back without
 *                  waiting for acks: at least N of them and for at least
 *                  MS milliseconds, whichever ends later (N <= 10 000 000,
 *                  MS <= 600 000); the write returns when the flood ends,
 *                  or early on a signal (so a caller can bound it)
 *   ackflood N [MS]    the same with ACK written to V2PMAILBOX: acks of
 *                  nothing the PF posted (or of its answers, unread)
 *   helloflood N [MS]  the same with a correct HELLO posted with REQ each
 *                  time, without waiting for the ack: every message the PF
 *                  reads is a valid handshake it must act on, at whatever
 *                  rate the PF reads them (waiting for the ack would let
 *                  the VF's own polling set the pace)
 *   resetflood N [MS]  the same with CTRL.RST: VF resets back to back
 *   idleflood N [MS]   the control: the same loop reading the VF's STATUS
 *                  register, which no one else sees.  It costs the guest
 *                  and the emulator what a storm costs, and the PF nothing,
 *                  so the good VFs' rate during it is the rate a storm
 *                  should leave them
 *   idlebeacon N [MS]  the control for a PF that cannot see the guest:
 *                  idleflood, plus one correct PING every 200 ms whose
 *                  answer is read and acked as a driver would, so the PF
 *                  sees the control run (5 requests/s, what a quiet VF
 *                  costs it) and nothing else
 *   writebeacon N [MS]  idlebeacon writing 0 to V2PMAILBOX instead of
 *                  reading STATUS: a mailbox register write that asks for
 *                  nothing (no request, ack or lock), so the PF takes no
 *                  interrupt for it; what a storm costs beyond it is the
 *                  PF's part, what it costs beyond idlebeacon includes the
 *                  emulator's work for a mailbox write
 *   holdlock MS    take the VF's mailbox lock and keep it MS milliseconds
 *   reset          VF reset through CTRL.RST
 *
 * Messages are posted without taking the lock unless said, and what the PF
 * posts back is never read or acked.  Between messages the module waits
 * (bounded) for the PF's ack so each message is really seen; "flood" does
 * not.  This is test code: it sleeps and polls where the real drivers use
 * interrupts.
 *
 * Reading the attack file reports "name value" lines: messages posted and
 * acked since bind, and for the last flood of any kind its start and end
 * (ktime_get_ns, i.e. CLOCK_MONOTONIC; end 0 while it runs), the register
 * accesses it made (doorbells, acks, HELLOs, resets or reads: flood_sent) and
 * whether a signal cut it short.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include <linux/vfcb_wire.h>
#include "vfcb_proto.h"

#define HV_CTRL		0x0000
#define HV_CTRL_RST	0x04000000
#define HV_STATUS	0x0008
#define HV_V2PMAILBOX	0x0c40
#define HV_MBX_REQ	0x01
#define HV_MBX_ACK	0x02
#define HV_MBX_VFU	0x04
#define HV_MBX_PFSTS	0x10
#define HV_MBX_PFACK	0x20
#define HV_VMBMEM	0x0800

struct hostile_vf {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct dentry *dir;
	struct mutex lock;	/* serializes attacks on this VF */
	u8 tag;
	unsigned long sent;	/* messages posted, for the report */
	unsigned long acked;	/* of which the PF acked */
	/* the last flood, for the report (written under @lock, read without) */
	u64 flood_start_ns, flood_end_ns;
	unsigned long flood_sent;
	bool flood_interrupted;
};

static struct dentry *hostile_root;

static u32 hv_rd(struct hostile_vf *hv, u32 reg)
{
	return readl(hv->regs + reg);
}

static void hv_wr(struct hostile_vf *hv, u32 reg, u32 val)
{
	writel(val, hv->regs + reg);
}

/* Post without the lock and wait up to 20 ms for the PF's ack. */
static void hv_post(struct hostile_vf *hv, const u32 *msg, unsigned int ndw,
		    bool wait)
{
	unsigned int i;

	for (i = 0; i < ndw; i++)
		hv_wr(hv, HV_VMBMEM + 4 * i, msg[i]);
	hv_wr(hv, HV_V2PMAILBOX, HV_MBX_REQ);
	hv->sent++;
	if (!wait)
		return;
	for (i = 0; i < 40; i++) {
		if (hv_rd(hv, HV_V2PMAILBOX) & HV_MBX_PFACK) {
			hv->acked++;
			return;
		}
		usleep_range(400, 600);
	}
}

static void hv_hello(struct hostile_vf *hv)
{
	u32 m[2] = { vfcb_hdr(VFCB_OP_HELLO, 1, 0, 0, 0, ++hv->tag),
		     VFCB_PROTO_VERSIONS };

	hv_post(hv, m, 2, true);
}

static void hv_garbage(struct hostile_vf *hv, unsigned int n)
{
	u32 m[VFCB_MBX_DWORDS];
	unsigned int i;

	while (n--) {
		get_random_bytes(m, sizeof(m));
		/* keep ndw honest half the time so deeper checks are reached */
		if (m[1] & 1)
			m[0] = (m[0] & ~VFCB_HDR_NDW_MASK) |
			       ((m[2] % VFCB_MBX_DWORDS) << VFCB_HDR_NDW_SHIFT);
		i = 1 + vfcb_hdr_ndw(m[0]);
		hv_post(hv, m, i, true);
	}
}

static void hv_badhdr(struct hostile_vf *hv)
{
	u32 m[3];

	m[0] = vfcb_hdr(VFCB_OP_PING, 0, 0, VFCB_HDR_RESP, 0, ++hv->tag);
	hv_post(hv, m, 1, true);
	m[0] = vfcb_hdr(VFCB_OP_PING, 0, 0, 0, 9, ++hv->tag);
	hv_post(hv, m, 1, true);
	m[0] = vfcb_hdr(VFCB_OP_INVALIDATE, 2, 0, 0, 0, ++hv->tag);
	m[1] = ~0u;
	m[2] = ~0u;
	hv_post(hv, m, 3, true);
	m[0] = vfcb_hdr(0xee, 0, 0, 0, 0, ++hv->tag);
	hv_post(hv, m, 1, true);
	m[0] = vfcb_hdr(VFCB_OP_READ, 1, 0, 0, 0, ++hv->tag);
	m[1] = 1;
	hv_post(hv, m, 2, true);
}

/* WRITE of 128 bytes to block 1, as fragments; @order lists which to send. */
static void hv_write_frags(struct hostile_vf *hv, const int *order, int n,
			   bool retag)
{
	u32 f[3][VFCB_MBX_DWORDS];
	u8 tag = ++hv->tag;
	int i;

	memset(f, 0x5a, sizeof(f));
	f[0][0] = vfcb_hdr(VFCB_OP_WRITE, 15, 0, VFCB_HDR_MORE, 0, tag);
	f[0][1] = 1;
	f[0][2] = VFCB_MAX_BLOCK_SIZE;
	f[1][0] = vfcb_hdr(VFCB_OP_WRITE, 15, 1, VFCB_HDR_MORE, 0,
			   retag ? tag + 1 : tag);
	f[2][0] = vfcb_hdr(VFCB_OP_WRITE, 4, 2, 0, 0, tag);
	for (i = 0; i < n; i++)
		hv_post(hv, f[order[i]], 1 + vfcb_hdr_ndw(f[order[i]][0]), true);
}

enum hv_storm { HV_DOORBELLS, HV_ACKS, HV_HELLOS, HV_RESETS, HV_IDLE,
		HV_IDLE_BEACON, HV_WRITE_BEACON };

#define HV_BEACON_NS	(200 * NSEC_PER_MSEC)

/*
 * One request the way a driver makes it: post, wait (bounded) for the
 * PF's ack and its answer, ack the answer.  PFSTS and PFACK clear when
 * V2PMAILBOX is read, so every read's bits are kept.
 */
static void hv_request(struct hostile_vf *hv, const u32 *msg, unsigned int ndw)
{
	unsigned int i;
	u32 seen = 0;

	for (i = 0; i < ndw; i++)
		hv_wr(hv, HV_VMBMEM + 4 * i, msg[i]);
	hv_wr(hv, HV_V2PMAILBOX, HV_MBX_REQ);
	hv->sent++;
	for (i = 0; i < 40; i++) {
		seen |= hv_rd(hv, HV_V2PMAILBOX);
		if ((seen & (HV_MBX_PFACK | HV_MBX_PFSTS)) ==
		    (HV_MBX_PFACK | HV_MBX_PFSTS))
			break;
		usleep_range(400, 600);
	}
	if (seen & HV_MBX_PFACK)
		hv->acked++;
	if (seen & HV_MBX_PFSTS)
		hv_wr(hv, HV_V2PMAILBOX, HV_MBX_ACK);
}

/* One register write (or message) of a storm. */
static void hv_storm_one(struct hostile_vf *hv, enum hv_storm kind,
			 const u32 *m)
{
	switch (kind) {
	case HV_DOORBELLS:
		hv_post(hv, m, 1, false);
		break;
	case HV_ACKS:
		hv_wr(hv, HV_V2PMAILBOX, HV_MBX_ACK);
		break;
	case HV_HELLOS:
		/* the same dwords each time: a read mid-rewrite sees them */
		hv_post(hv, m, 2, false);
		break;
	case HV_RESETS:
		hv_wr(hv, HV_CTRL, HV_CTRL_RST);
		break;
	case HV_IDLE:
	case HV_IDLE_BEACON:
		hv_rd(hv, HV_STATUS);
		break;
	case HV_WRITE_BEACON:
		hv_wr(hv, HV_V2PMAILBOX, 0);
		break;
	}
}

/*
 * At least @n writes of @kind and at least @ms milliseconds, whichever is
 * longer; a pending signal ends it early.
 */
static void hv_flood(struct hostile_vf *hv, enum hv_storm kind,
		     unsigned int n, unsigned int ms)
{
	u32 m[2] = { vfcb_hdr(VFCB_OP_PING, 0, 0, 0, 0, ++hv->tag), 0 };
	u64 start = ktime_get_ns(), end = start + (u64)ms * NSEC_PER_MSEC;
	u64 beacon = start, now;
	unsigned long sent = 0;

	if (kind == HV_HELLOS) {
		m[0] = vfcb_hdr(VFCB_OP_HELLO, 1, 0, 0, 0, hv->tag);
		m[1] = VFCB_PROTO_VERSIONS;
	}
	WRITE_ONCE(hv->flood_end_ns, 0);
	WRITE_ONCE(hv->flood_sent, 0);
	WRITE_ONCE(hv->flood_interrupted, false);
	WRITE_ONCE(hv->flood_start_ns, start);
	for (;;) {
		hv_storm_one(hv, kind, m);
		sent++;
		if (sent % 256)
			continue;
		WRITE_ONCE(hv->flood_sent, sent);
		now = ktime_get_ns();
		if (sent >= n && now >= end)
			break;
		if ((kind == HV_IDLE_BEACON || kind == HV_WRITE_BEACON) &&
		    now >= beacon) {
			m[0] = vfcb_hdr(VFCB_OP_PING, 0, 0, 0, 0, ++hv->tag);
			hv_request(hv, m, 1);
			beacon = now + HV_BEACON_NS;
		}
		if (signal_pending(current)) {
			WRITE_ONCE(hv->flood_interrupted, true);
			break;
		}
		cond_resched();
	}
	WRITE_ONCE(hv->flood_sent, sent);
	WRITE_ONCE(hv->flood_end_ns, ktime_get_ns());
}

static void hv_holdlock(struct hostile_vf *hv, unsigned int ms)
{
	hv_wr(hv, HV_V2PMAILBOX, HV_MBX_VFU);
	msleep(min(ms, 10000u));
	hv_wr(hv, HV_V2PMAILBOX, 0);
}

static ssize_t attack_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct hostile_vf *hv = file->private_data;
	static const int trunc[] = { 0 }, wrongtag[] = { 0, 1 }, reorder[] = { 0, 2, 1 };
	char cmd[48], word[16];
	unsigned int n = 0, ms = 0;
	ssize_t ret = len;
	u32 ping;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = 0;
	if (sscanf(cmd, "%15s %u %u", word, &n, &ms) < 1)
		return -EINVAL;
	if (!strstr(word, "flood"))
		n = min(n, 100000u);
	n = min(n, 10000000u);
	ms = min(ms, 600000u);

	mutex_lock(&hv->lock);
	if (!strcmp(word, "hello")) {
		hv_hello(hv);
	} else if (!strcmp(word, "garbage")) {
		hv_garbage(hv, n);
	} else if (!strcmp(word, "badhdr")) {
		hv_badhdr(hv);
	} else if (!strcmp(word, "truncated")) {
		hv_write_frags(hv, trunc, 1, false);
		ping = vfcb_hdr(VFCB_OP_PING, 0, 0, 0, 0, ++hv->tag);
		hv_post(hv, &ping, 1, true);
	} else if (!strcmp(word, "wrongtag")) {
		hv_write_frags(hv, wrongtag, 2, true);
	} else if (!strcmp(word, "reorder")) {
		hv_write_frags(hv, reorder, 3, false);
	} else if (!strcmp(word, "flood")) {
		hv_flood(hv, HV_DOORBELLS, n, ms);
	} else if (!strcmp(word, "ackflood")) {
		hv_flood(hv, HV_ACKS, n, ms);
	} else if (!strcmp(word, "helloflood")) {
		hv_flood(hv, HV_HELLOS, n, ms);
	} else if (!strcmp(word, "resetflood")) {
		hv_flood(hv, HV_RESETS, n, ms);
	} else if (!strcmp(word, "idleflood")) {
		hv_flood(hv, HV_IDLE, n, ms);
	} else if (!strcmp(word, "idlebeacon")) {
		hv_flood(hv, HV_IDLE_BEACON, n, ms);
	} else if (!strcmp(word, "writebeacon")) {
		hv_flood(hv, HV_WRITE_BEACON, n, ms);
	} else if (!strcmp(word, "holdlock")) {
		hv_holdlock(hv, n);
	} else if (!strcmp(word, "reset")) {
		hv_wr(hv, HV_CTRL, HV_CTRL_RST);
		msleep(20);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&hv->lock);
	return ret;
}

static ssize_t attack_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct hostile_vf *hv = file->private_data;
	char buf[256];
	int n;

	n = scnprintf(buf, sizeof(buf),
		      "sent %lu\nacked %lu\nflood_start_ns %llu\nflood_end_ns %llu\n"
		      "flood_sent %lu\nflood_interrupted %u\n",
		      READ_ONCE(hv->sent), READ_ONCE(hv->acked),
		      READ_ONCE(hv->flood_start_ns), READ_ONCE(hv->flood_end_ns),
		      READ_ONCE(hv->flood_sent), READ_ONCE(hv->flood_interrupted));
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations attack_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = attack_write,
	.read = attack_read,
};

static int hostile_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct hostile_vf *hv;
	int err;

	hv = devm_kzalloc(&pdev->dev, sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	err = pcim_enable_device(pdev);
	if (err)
		return err;
	hv->regs = pcim_iomap(pdev, 0, 0);
	if (!hv->regs)
		return -ENOMEM;
	hv->pdev = pdev;
	mutex_init(&hv->lock);
	hv->dir = debugfs_create_dir(pci_name(pdev), hostile_root);
	debugfs_create_file("attack", 0600, hv->dir, hv, &attack_fops);
	pci_set_drvdata(pdev, hv);
	dev_info(&pdev->dev, "hostile_vf: bound, test use only\n");
	return 0;
}

static void hostile_remove(struct pci_dev *pdev)
{
	struct hostile_vf *hv = pci_get_drvdata(pdev);

	debugfs_remove_recursive(hv->dir);
	mutex_destroy(&hv->lock);
}

static struct pci_driver hostile_driver = {
	.name = "hostile_vf",
	.probe = hostile_probe,
	.remove = hostile_remove,
};

static int __init hostile_init(void)
{
	int err;

	hostile_root = debugfs_create_dir("hostile_vf", NULL);
	err = pci_register_driver(&hostile_driver);
	if (err)
		debugfs_remove_recursive(hostile_root);
	return err;
}

static void __exit hostile_exit(void)
{
	pci_unregister_driver(&hostile_driver);
	debugfs_remove_recursive(hostile_root);
}

module_init(hostile_init);
module_exit(hostile_exit);
MODULE_DESCRIPTION("vfcb test: a hostile 82576 VF driver (test use only)");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
