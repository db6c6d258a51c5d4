// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf debugfs:
 *
 *   /sys/kernel/debug/vfcb_pf/<pci addr>/stats      PF-wide counters
 *   /sys/kernel/debug/vfcb_pf/<pci addr>/vf<N>/stats  per-VF counters
 *   /sys/kernel/debug/vfcb_pf/<pci addr>/vf<N>/mute   test knob, 0 or 1
 *
 * Every stats file is "name value" lines.  With mute = 1 the PF reads and
 * acks the VF's messages but never answers them, so VF-side timeouts can
 * be tested.  VF directories exist while SR-IOV is enabled.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vfcb_pf_core.h"

static struct dentry *vfcb_pf_dbg_root;

static int vfcb_pf_vf_stats_show(struct seq_file *m, void *unused)
{
	struct vfcb_pf_vf *vf = m->private;
	struct vfcb_pf_vf_stats ds;
	struct vfcb_ep_stats es;
	u64 pending, inflight;
	bool ready, throttled, quiet, unread, serving;
	u32 count, max, policy;
	u8 version;

	/* A consistent copy, then print outside the lock. */
	spin_lock_irq(&vf->lock);
	ds = vf->stats;
	throttled = vf->throttled && time_before(jiffies, vf->throttle_until);
	quiet = vf->quiet;
	es = vf->ep.stats;
	ready = vf->ep.ready;
	version = vf->ep.version;
	pending = vf->ep.pending_mask;
	inflight = vf->ep.inflight_mask;
	unread = vf->unread;
	serving = vf->serving;
	spin_unlock_irq(&vf->lock);
	vfcb_pf_blocks_info(&vf->blocks, &count, &max, &policy);

	seq_printf(m, "ready %u\n", ready);
	seq_printf(m, "version %u\n", version);
	seq_printf(m, "serial %u\n", vf->ep.serial);
	seq_printf(m, "rx_msgs %llu\n", es.rx_msgs);
	seq_printf(m, "tx_msgs %llu\n", es.tx_msgs);
	seq_printf(m, "rx_errors %llu\n", es.rx_errors);
	seq_printf(m, "rx_stale %llu\n", es.rx_stale);
	seq_printf(m, "tx_deferred %llu\n", es.tx_deferred);
	seq_printf(m, "requests %llu\n", es.requests);
	seq_printf(m, "invalidations %llu\n", es.invalidations);
	seq_printf(m, "resets %llu\n", es.resets);
	seq_printf(m, "last_error %u\n", es.last_error);
	seq_printf(m, "last_error_name %s\n",
		   vfcb_err_name(es.last_error));
	seq_printf(m, "pending_mask 0x%016llx\n", pending);
	seq_printf(m, "inflight_mask 0x%016llx\n", inflight);
	seq_printf(m, "reads_served %llu\n", ds.reads_served);
	seq_printf(m, "writes_served %llu\n", ds.writes_served);
	seq_printf(m, "pings_served %llu\n", ds.pings_served);
	seq_printf(m, "bad_msgs %llu\n", ds.bad_msgs);
	seq_printf(m, "bad_acks %llu\n", ds.bad_acks);
	seq_printf(m, "overwrites %llu\n", ds.overwrites);
	seq_printf(m, "vf_resets %llu\n", ds.vf_resets);
	seq_printf(m, "throttled %u\n", throttled);
	seq_printf(m, "quiet %u\n", quiet);
	seq_printf(m, "throttle_events %llu\n", ds.throttle_events);
	seq_printf(m, "throttled_msgs %llu\n", ds.throttled_msgs);
	seq_printf(m, "muted_msgs %llu\n", ds.muted_msgs);
	seq_printf(m, "kick_retries %llu\n", ds.kick_retries);
	seq_printf(m, "kick_giveups %llu\n", ds.kick_giveups);
	seq_printf(m, "unread %u\n", unread);
	seq_printf(m, "serving %u\n", serving);
	seq_printf(m, "blocks %u\n", count);
	seq_printf(m, "max_blocks %u\n", max);
	seq_printf(m, "policy 0x%x\n", policy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_pf_vf_stats);

static int vfcb_pf_stats_show(struct seq_file *m, void *unused)
{
	struct vfcb_pf *pf = m->private;
	unsigned long flags;
	u64 dropped;

	spin_lock_irqsave(&pf->ev_lock, flags);
	dropped = pf->ev_dropped;
	spin_unlock_irqrestore(&pf->ev_lock, flags);

	seq_printf(m, "num_vfs %u\n", pf->num_vfs);
	seq_printf(m, "msg_dwords %u\n", pf->tr.msg_dwords);
	seq_printf(m, "notifier_events_dropped %llu\n", dropped);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_pf_stats);

static int vfcb_pf_mute_get(void *data, u64 *val)
{
	struct vfcb_pf_vf *vf = data;

	*val = READ_ONCE(vf->mute);
	return 0;
}

static int vfcb_pf_mute_set(void *data, u64 val)
{
	struct vfcb_pf_vf *vf = data;

	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(vf->mute, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vfcb_pf_mute_fops, vfcb_pf_mute_get,
			 vfcb_pf_mute_set, "%llu\n");

void vfcb_pf_debugfs_module_init(void)
{
	vfcb_pf_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void vfcb_pf_debugfs_module_exit(void)
{
	debugfs_remove_recursive(vfcb_pf_dbg_root);
	vfcb_pf_dbg_root = NULL;
}

static void vfcb_pf_debugfs_vf_init(struct vfcb_pf_vf *vf)
{
	char name[8];

	snprintf(name, sizeof(name), "vf%u", vf->index);
	vf->dbg = debugfs_create_dir(name, vf->pf->dbg);
	debugfs_create_file("stats", 0400, vf->dbg, vf,
			    &vfcb_pf_vf_stats_fops);
	debugfs_create_file_unsafe("mute", 0600, vf->dbg, vf,
				   &vfcb_pf_mute_fops);
}

/* pf/stats and pf/vf<n>/{stats,mute}, until the PF is unregistered. */
void vfcb_pf_debugfs_pf_init(struct vfcb_pf *pf)
{
	unsigned int i;

	pf->dbg = debugfs_create_dir(pci_name(pf->pdev), vfcb_pf_dbg_root);
	debugfs_create_file("stats", 0400, pf->dbg, pf, &vfcb_pf_stats_fops);
	for (i = 0; i < pf->num_vfs; i++)
		vfcb_pf_debugfs_vf_init(&pf->vfs[i]);
}

void vfcb_pf_debugfs_pf_exit(struct vfcb_pf *pf)
{
	debugfs_remove_recursive(pf->dbg);
	pf->dbg = NULL;
}
