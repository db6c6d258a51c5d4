// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the guest core of vfcb.  A VF driver (such as vfcb_82576_vf for
 * the Intel 82576) registers its VF's mailbox as a transport; the core
 * speaks the vfcb protocol with the PF over it and serves VF configuration
 * blocks (read, write) and invalidations to other kernel drivers
 * (include/vfcb_vf.h) and to userspace (vfcb_vf_cdev.c).
 *
 * This file: registering and unregistering a VF, finding it by its PCI
 * device (vfcb_vf_get()), debugfs, module init and exit.  It binds no
 * device and touches no register.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "vfcb_version.h"
#include "vfcb_vf_core.h"

#define CREATE_TRACE_POINTS
#include "vfcb_vf_trace.h"

static struct dentry *vfcb_vf_dbg_root;

/* Protects vfcb_vf_devices, the registered VFs that vfcb_vf_get() finds. */
static DEFINE_MUTEX(vfcb_vf_devices_lock);
static LIST_HEAD(vfcb_vf_devices);

/* ------------------------------------------------------- debugfs --- */

static int vfcb_vf_stats_show(struct seq_file *m, void *unused)
{
	struct vfcb_vf *vf = m->private;
	struct vfcb_ep_stats es;
	struct vfcb_vf_stats st;
	enum vfcb_vf_dstate state;
	unsigned long flags;
	u64 unconsumed;
	u8 vfi, ver;
	u32 serial;

	spin_lock_irqsave(&vf->lock, flags);
	st = vf->stats;
	es = vf->ep.stats;
	state = vf->state;
	unconsumed = vf->unconsumed;
	vfi = vf->ep.vf_index;
	ver = vf->ep.version;
	serial = vf->ep.serial;
	spin_unlock_irqrestore(&vf->lock, flags);

	seq_printf(m, "state: %s\n", vfcb_vf_state_names[state]);
	seq_printf(m, "vf_index: %u\nserial: %#010x\nversion: %u\n",
		   vfi, serial, ver);
	seq_printf(m, "msg_dwords: %u\nunconsumed_mask: %#018llx\n",
		   vf->msg_dwords, unconsumed);
	seq_printf(m, "requests: %llu\ncompleted: %llu\nfailed: %llu\n",
		   st.requests, st.completed, st.failed);
	seq_printf(m, "timeouts: %llu\ninterrupted: %llu\nlost: %llu\n",
		   st.timeouts, st.interrupted, st.lost);
	seq_printf(m, "retries: %llu\nreposts: %llu\n", st.retries,
		   st.reposts);
	seq_printf(m, "invalidations: %llu\ninvalidated_bits: %llu\n",
		   st.invalidations, st.inv_bits);
	seq_printf(m, "events_sent: %llu\nevents_consumed: %llu\nevents_reset: %llu\n",
		   st.ev_sent, st.ev_consumed, st.ev_reset);
	seq_printf(m, "events_refused: %llu\npf_silent: %llu\n",
		   st.ev_refused, st.pf_silent);
	seq_printf(m, "handshakes: %llu\nhello_failures: %llu\nresyncs: %llu\n",
		   st.handshakes, st.hello_failures, st.resyncs);
	seq_printf(m, "pf_resets: %llu\npolls: %llu\nwatchdog: %llu\n",
		   st.pf_resets, st.polls, st.watchdog);
	seq_printf(m, "engine_rx_msgs: %llu\nengine_tx_msgs: %llu\n",
		   es.rx_msgs, es.tx_msgs);
	seq_printf(m, "engine_rx_errors: %llu\nengine_rx_stale: %llu\n",
		   es.rx_errors, es.rx_stale);
	seq_printf(m, "engine_tx_deferred: %llu\nengine_requests: %llu\n",
		   es.tx_deferred, es.requests);
	seq_printf(m, "engine_invalidations: %llu\nengine_resets: %llu\n",
		   es.invalidations, es.resets);
	seq_printf(m, "engine_last_error: %s\n",
		   vfcb_err_name(es.last_error));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_vf_stats);

/* ------------------------------------------------- registration --- */

static struct vfcb_vf *vfcb_vf_find(struct pci_dev *pdev)
{
	struct vfcb_vf *vf;

	lockdep_assert_held(&vfcb_vf_devices_lock);
	list_for_each_entry(vf, &vfcb_vf_devices, node)
		if (vf->pdev == pdev)
			return vf;
	return NULL;
}

struct vfcb_vf *vfcb_vf_register(struct pci_dev *pdev,
				 const struct vfcb_vf_transport *tr)
{
	struct vfcb_vf *vf;
	int err;

	if (!pdev || !tr || !tr->ops || !tr->ops->read || !tr->ops->ack ||
	    !tr->ops->post || !tr->ops->poll ||
	    tr->msg_dwords < VFCB_MSG_MIN_DWORDS ||
	    tr->msg_dwords > VFCB_MSG_MAX_DWORDS)
		return ERR_PTR(-EINVAL);

	vf = vfcb_vf_alloc(pdev);
	if (!vf)
		return ERR_PTR(-ENOMEM);
	vf->ops = tr->ops;
	vf->priv = tr->priv;
	vf->msg_dwords = tr->msg_dwords;
	vfcb_vf_listen_init(vf);
	vfcb_vf_mbx_init(vf);

	mutex_lock(&vfcb_vf_devices_lock);
	if (vfcb_vf_find(pdev)) {
		err = -EEXIST;
		goto err_unlock;
	}
	err = vfcb_vf_cdev_add(vf);
	if (err)
		goto err_unlock;
	vf->dbg = debugfs_create_dir(vf->name, vfcb_vf_dbg_root);
	debugfs_create_file("stats", 0444, vf->dbg, vf, &vfcb_vf_stats_fops);
	list_add_tail(&vf->node, &vfcb_vf_devices);
	mutex_unlock(&vfcb_vf_devices_lock);

	vfcb_vf_mbx_start(vf);
	return vf;

err_unlock:
	mutex_unlock(&vfcb_vf_devices_lock);
	vfcb_vf_put(vf);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(vfcb_vf_register);

void vfcb_vf_unregister(struct vfcb_vf *vf)
{
	mutex_lock(&vfcb_vf_devices_lock);
	list_del_init(&vf->node);
	mutex_unlock(&vfcb_vf_devices_lock);

	/* No new opens; open files now fail with -ENODEV. */
	vfcb_vf_cdev_del(vf);
	/* Requests end, events are ignored, no op is called any more. */
	vfcb_vf_mbx_stop(vf);
	/* Listener works still queued see REMOVED and call nobody. */

	debugfs_remove_recursive(vf->dbg);
	dev_info(&vf->pdev->dev, "unregistered\n");
	vfcb_vf_put(vf);
}
EXPORT_SYMBOL_GPL(vfcb_vf_unregister);

struct vfcb_vf *vfcb_vf_get(struct pci_dev *pdev)
{
	struct vfcb_vf *vf;

	mutex_lock(&vfcb_vf_devices_lock);
	vf = vfcb_vf_find(pdev);
	if (vf)
		vfcb_vf_ref(vf);
	mutex_unlock(&vfcb_vf_devices_lock);
	return vf ?: ERR_PTR(-ENODEV);
}
EXPORT_SYMBOL_GPL(vfcb_vf_get);

/* ------------------------------------------------------- module --- */

static int __init vfcb_vf_init(void)
{
	vfcb_vf_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	return 0;
}
module_init(vfcb_vf_init);

static void __exit vfcb_vf_exit(void)
{
	/* Every VF driver using us is gone: it held a module reference. */
	debugfs_remove_recursive(vfcb_vf_dbg_root);
}
module_exit(vfcb_vf_exit);

MODULE_DESCRIPTION("vfcb: SR-IOV VF configuration blocks, guest core");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
