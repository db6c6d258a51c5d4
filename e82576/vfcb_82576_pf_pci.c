// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_pf: a standalone driver of the Intel 82576 PF (QEMU -device
 * igb) that enables its VFs and hands them to the vfcb host core
 * (vfcb_pf.ko) over the PF/VF mailbox.  Backchannel only: it replaces igb
 * on that PF and carries no network traffic.  To rebind a PF:
 *
 *   echo 0000:01:00.0 > /sys/bus/pci/drivers/igb/unbind
 *   echo vfcb_82576_pf > /sys/bus/pci/devices/0000:01:00.0/driver_override
 *   echo 0000:01:00.0 > /sys/bus/pci/drivers_probe
 *   echo 3 > /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs
 *
 * It uses nothing of vfcb_pf but the registration API of
 * include/vfcb_pf_transport.h, as a vendor's PF driver would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfcb_82576_pf_hw.h"
#include "vfcb_version.h"

static unsigned int watchdog_ms = 250;
module_param(watchdog_ms, uint, 0644);
MODULE_PARM_DESC(watchdog_ms,
		 "Look for mailbox causes whose interrupt was lost every this many ms (0: never; else at least 100; default 250)");

static bool lose_irqs;
module_param(lose_irqs, bool, 0644);
MODULE_PARM_DESC(lose_irqs,
		 "Test only: the mailbox interrupt handler drops every interrupt, as if lost (default N)");

static unsigned int mbx_itr_us = 50;
module_param(mbx_itr_us, uint, 0444);
MODULE_PARM_DESC(mbx_itr_us,
		 "Minimum interval between mailbox interrupts, in us (0: no moderation; default 50)");

/**
 * struct vfcb_82576_pf - one PF
 * @pdev: the PF
 * @hw: registers and mailboxes (the transport's context)
 * @irq: Linux IRQ of MSI-X vector 0 (mailbox and VF resets)
 * @vfcb: the core's handle while VFs are registered, else NULL.  Written
 *	by sriov_configure and remove (under the PF's device lock), read by
 *	the interrupt handler and @watchdog: both are waited for before the
 *	handle is put.
 * @watchdog: serves causes whose interrupt was lost (see
 *	vfcb_82576_pf_hw_watchdog()); runs from probe to remove, stopped
 *	across a reset.  Once it found the interrupt lost it polls every
 *	jiffy (@polling) until the interrupt handler runs again, or until
 *	the mailbox has been idle for VFCB_82576_PF_POLL_IDLE_S.
 * @irqs: runs of the interrupt handler (written there, read by @watchdog)
 * @polling: the interrupt was found lost; @watchdog serves each jiffy
 * @poll_irqs: @irqs when polling started or the set-up was last redone
 * @poll_start: jiffies when polling started
 * @poll_setup: jiffies when the interrupt set-up was last redone
 * @poll_busy: jiffies when a poll last found a cause latched
 * @name: IRQ name
 * @gone: the registers read all ones at the watchdog's last look (see
 *	vfcb_82576_pf_check_gone()); the watchdog's own
 * @err_stopped: error_detected stopped the mailbox (a fatal error) and
 *	nothing restarted it yet: the AER core's resume_io must.  Used under
 *	the PF's device lock, which the AER, PM and reset paths all hold.
 * @dbg: debugfs directory, vfcb_82576_pf/<pci address>
 */
struct vfcb_82576_pf {
	struct pci_dev *pdev;
	struct vfcb_82576_pf_hw hw;
	int irq;
	struct vfcb_pf *vfcb;
	struct timer_list watchdog;
	u64 irqs;
	bool polling;
	u64 poll_irqs;
	unsigned long poll_start, poll_setup, poll_busy;
	char name[32];
	bool gone;
	bool err_stopped;
	struct dentry *dbg;
};

static struct dentry *vfcb_82576_pf_dbg_root;

/* The mailbox's interrupt registers, read now: what the tests check. */
static int vfcb_82576_pf_regs_show(struct seq_file *m, void *unused)
{
	struct vfcb_82576_pf *pf = m->private;

	vfcb_82576_pf_hw_show(&pf->hw, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_82576_pf_regs);

/*
 * Polling stops after this long with nothing latched: long enough that a
 * VF pausing between requests keeps being served at once, short enough
 * that idle VFs do not cost the host two register reads a jiffy for long.
 */
#define VFCB_82576_PF_POLL_IDLE_S	5

static void vfcb_82576_pf_watchdog_arm(struct vfcb_82576_pf *pf)
{
	unsigned int ms = READ_ONCE(watchdog_ms);

	/* Re-read each time: writing 0 to the parameter stops it. */
	if (ms)
		mod_timer(&pf->watchdog,
			  jiffies + msecs_to_jiffies(max(ms, 100u)));
}

/*
 * The registers read all ones: the device does not answer, and a removal
 * or error callback may never come (a link down with no hotplug).  Polling
 * it every jiffy would cost the host for nothing: the watchdog looks at
 * its own pace, and once the device answers again it finds what latched
 * meanwhile as it finds any lost interrupt.  Said once each way.
 * Return: whether the device is gone.
 */
static bool vfcb_82576_pf_check_gone(struct vfcb_82576_pf *pf)
{
	bool gone = vfcb_82576_pf_hw_gone(&pf->hw);

	if (gone != pf->gone) {
		pf->gone = gone;
		if (gone)
			pci_err(pf->pdev,
				"mailbox registers read all ones: device not answering, mailbox not served until it does\n");
		else
			pci_info(pf->pdev, "mailbox registers answer again\n");
	}
	if (gone)
		pf->polling = false;
	return gone;
}

/*
 * Polling, after the interrupt was found lost: serve every jiffy, and
 * program the interrupt set-up again each second, until the handler runs
 * again.  Re-programming alone did not bring a lost interrupt back under
 * QEMU (the soak's VF FLR loop once saw 101 losses in a row, every VF
 * served twice a second and timing out), so the VFs are served meanwhile
 * instead of waiting for it.  The handler runs only when a VF rings, so
 * with idle VFs polling would go on for good, two register reads a jiffy
 * for nothing: after VFCB_82576_PF_POLL_IDLE_S with nothing latched it
 * stops, and the watchdog finds the next loss as it found this one.
 */
static void vfcb_82576_pf_poll(struct vfcb_82576_pf *pf)
{
	if (READ_ONCE(pf->irqs) != pf->poll_irqs) {
		pf->polling = false;
		dev_info(&pf->pdev->dev,
			 "mailbox interrupt back after %u ms of polling\n",
			 jiffies_to_msecs(jiffies - pf->poll_start));
		vfcb_82576_pf_watchdog_arm(pf);
		return;
	}
	if (vfcb_82576_pf_hw_poll(&pf->hw, READ_ONCE(pf->vfcb), 0)) {
		pf->poll_busy = jiffies;
	} else if (vfcb_82576_pf_check_gone(pf)) {
		vfcb_82576_pf_watchdog_arm(pf);
		return;
	} else if (time_after(jiffies, pf->poll_busy +
			      VFCB_82576_PF_POLL_IDLE_S * HZ)) {
		pf->polling = false;
		dev_info_ratelimited(&pf->pdev->dev,
				     "mailbox idle for %u s of polling: polling stops, the watchdog looks for the next loss\n",
				     VFCB_82576_PF_POLL_IDLE_S);
		vfcb_82576_pf_watchdog_arm(pf);
		return;
	}
	if (time_after(jiffies, pf->poll_setup + HZ)) {
		vfcb_82576_pf_hw_setup_irq(&pf->hw, 0, mbx_itr_us);
		pf->poll_setup = jiffies;
	}
	mod_timer(&pf->watchdog, jiffies + 1);
}

static void vfcb_82576_pf_watchdog(struct timer_list *t)
{
	struct vfcb_82576_pf *pf = from_timer(pf, t, watchdog);
	bool lost;

	if (pf->polling) {
		vfcb_82576_pf_poll(pf);
		return;
	}
	lost = vfcb_82576_pf_hw_watchdog(&pf->hw, READ_ONCE(pf->vfcb), 0);
	if (!vfcb_82576_pf_check_gone(pf) && lost) {
		/* Whatever stopped it, program the interrupt set-up again. */
		vfcb_82576_pf_hw_setup_irq(&pf->hw, 0, mbx_itr_us);
		dev_warn_ratelimited(&pf->pdev->dev,
				     "mailbox interrupt lost (%llu so far): served by polling every %u ms until it comes back\n",
				     pf->hw.lost_irqs, jiffies_to_msecs(1));
		pf->polling = true;
		pf->poll_irqs = READ_ONCE(pf->irqs);
		pf->poll_start = jiffies;
		pf->poll_setup = jiffies;
		pf->poll_busy = jiffies;
		mod_timer(&pf->watchdog, jiffies + 1);
		return;
	}
	vfcb_82576_pf_watchdog_arm(pf);
}

static irqreturn_t vfcb_82576_pf_irq(int irq, void *data)
{
	struct vfcb_82576_pf *pf = data;

	/* Test hook: the vector stays auto-masked, the causes latched. */
	if (READ_ONCE(lose_irqs))
		return IRQ_HANDLED;
	WRITE_ONCE(pf->irqs, pf->irqs + 1);
	vfcb_82576_pf_hw_service(&pf->hw, READ_ONCE(pf->vfcb), 0);
	return IRQ_HANDLED;
}

/*
 * VFs in use by guests.  pci_vfs_assigned() only knows the legacy
 * assignment flag, which vfio never sets, so a VF bound to a passthrough
 * driver counts as assigned too: vfio-pci, any vfio variant driver (they
 * are all named *vfio*: mlx5_vfio_pci, pds_vfio_pci, ...) and pci-stub.
 * Disabling SR-IOV under a running guest would block in vfio's remove
 * until the guest let go.  The driver pointer is read without the VF's
 * device lock: a bind racing with this check is caught by vfio's own
 * release wait, this only gives the clear errno.
 */
static bool vfcb_82576_pf_vfs_in_guests(struct pci_dev *pdev)
{
	struct pci_dev *vfdev = NULL;
	struct pci_driver *drv;
	bool used = false;

	if (pci_vfs_assigned(pdev))
		return true;
	/* pci_get_device() drops the reference of the device it starts at. */
	while (!used && (vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev))) {
		if (!vfdev->is_virtfn || pci_physfn(vfdev) != pdev)
			continue;
		drv = READ_ONCE(vfdev->driver);
		used = drv && (strstr(drv->name, "vfio") ||
			       !strcmp(drv->name, "pci-stub"));
	}
	pci_dev_put(vfdev);
	return used;
}

static void vfcb_82576_pf_sriov_disable(struct vfcb_82576_pf *pf)
{
	struct vfcb_pf *vfcb = pf->vfcb;
	bool armed;

	if (!vfcb)
		return;
	/* The interrupt keeps running: the VFs' acks come through it. */
	vfcb_pf_unregister(vfcb);
	WRITE_ONCE(pf->vfcb, NULL);
	/* Neither the handler nor the watchdog may still use the handle. */
	synchronize_irq(pf->irq);
	armed = del_timer_sync(&pf->watchdog);
	vfcb_pf_put(vfcb);
	if (armed)
		vfcb_82576_pf_watchdog_arm(pf);
	if (pci_vfs_assigned(pf->pdev))
		pci_warn(pf->pdev, "disabling VFs still assigned to guests\n");
	pci_disable_sriov(pf->pdev);
	vfcb_82576_pf_hw_vfs_off(&pf->hw);
	pci_info(pf->pdev, "SR-IOV disabled\n");
}

static int vfcb_82576_pf_sriov_enable(struct vfcb_82576_pf *pf, int n)
{
	struct vfcb_pf_transport tr = {
		.ops = &vfcb_82576_pf_tr_ops,
		.priv = &pf->hw,
		.msg_dwords = VFCB_82576_MSG_DWORDS,
		.shared_buffer = true,	/* VMBMEM; acks reported first */
	};
	struct vfcb_pf *vfcb;
	int ret;

	vfcb_82576_pf_hw_vfs_on(&pf->hw, n);
	ret = pci_enable_sriov(pf->pdev, n);
	if (ret) {
		pci_err(pf->pdev, "enabling %d VFs failed: %d\n", n, ret);
		goto err;
	}
	vfcb = vfcb_pf_register(pf->pdev, n, &tr);
	if (IS_ERR(vfcb)) {
		ret = PTR_ERR(vfcb);
		pci_err(pf->pdev, "vfcb_pf_register: %d\n", ret);
		pci_disable_sriov(pf->pdev);
		goto err;
	}
	WRITE_ONCE(pf->vfcb, vfcb);
	/* Only now may the VFs handshake: "PF reset done" sets their RSTD. */
	vfcb_82576_pf_hw_reset_done(&pf->hw);
	pci_info(pf->pdev, "%d VFs enabled\n", n);
	return n;

err:
	vfcb_82576_pf_hw_vfs_off(&pf->hw);
	return ret;
}

/* Called under the PF's device lock, as is remove. */
static int vfcb_82576_pf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct vfcb_82576_pf *pf = pci_get_drvdata(pdev);
	int cur = pci_num_vf(pdev);

	if (num_vfs < 0 || num_vfs > VFCB_82576_MAX_VFS)
		return -ERANGE;
	if (num_vfs == cur)
		return num_vfs;
	if (vfcb_82576_pf_vfs_in_guests(pdev)) {
		pci_err(pdev,
			"cannot change the number of VFs while VFs are assigned to guests (bound to a vfio driver or pci-stub)\n");
		return -EBUSY;
	}
	if (num_vfs && cur) {
		pci_err(pdev,
			"%d VFs are enabled: write 0 to sriov_numvfs before changing the count to %d\n",
			cur, num_vfs);
		return -EBUSY;
	}
	if (!num_vfs) {
		vfcb_82576_pf_sriov_disable(pf);
		return 0;
	}
	return vfcb_82576_pf_sriov_enable(pf, num_vfs);
}

static int vfcb_82576_pf_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	struct vfcb_82576_pf *pf;
	void __iomem *bar0;
	int ret;

	pf = devm_kzalloc(&pdev->dev, sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->pdev = pdev;
	snprintf(pf->name, sizeof(pf->name), "vfcb-82576-%s", pci_name(pdev));

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;
	ret = pci_request_mem_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	bar0 = pci_iomap(pdev, 0, 0);
	if (!bar0) {
		ret = -ENOMEM;
		goto err_release;
	}
	pci_set_master(pdev);	/* MSI-X writes are DMA */
	vfcb_82576_pf_hw_init(&pf->hw, bar0);
	vfcb_82576_pf_hw_reset(&pf->hw);
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	pci_set_drvdata(pdev, pf);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		pci_err(pdev, "MSI-X unavailable: %d\n", ret);
		goto err_unmap;
	}
	pf->irq = pci_irq_vector(pdev, 0);
	/* A hard handler: no VF's busy-wait can keep the mailbox unserved. */
	ret = request_irq(pf->irq, vfcb_82576_pf_irq, 0, pf->name, pf);
	if (ret) {
		pci_err(pdev, "requesting IRQ %d failed: %d\n", pf->irq, ret);
		goto err_vectors;
	}
	vfcb_82576_pf_hw_setup_irq(&pf->hw, 0, mbx_itr_us);
	vfcb_82576_pf_hw_reset_done(&pf->hw);
	timer_setup(&pf->watchdog, vfcb_82576_pf_watchdog, 0);
	vfcb_82576_pf_watchdog_arm(pf);

	ret = pci_sriov_set_totalvfs(pdev, VFCB_82576_MAX_VFS);
	if (ret) {
		pci_err(pdev, "cannot limit TotalVFs: %d\n", ret);
		goto err_irq;
	}
	/*
	 * What AER's slot_reset restores.  Without it the state restored is
	 * the one the PCI core saved when it added the device, before this
	 * probe enabled bus mastering: recovery then left the PF unable to
	 * raise its MSI-X interrupt, and only the watchdog served the mailbox.
	 */
	pci_save_state(pdev);
	pf->dbg = debugfs_create_dir(pci_name(pdev), vfcb_82576_pf_dbg_root);
	debugfs_create_file("regs", 0400, pf->dbg, pf, &vfcb_82576_pf_regs_fops);
	pci_info(pdev, "82576 PF ready for vfcb: up to %d VFs (sriov_numvfs)\n",
		 pci_sriov_get_totalvfs(pdev));
	return 0;

err_irq:
	del_timer_sync(&pf->watchdog);
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	free_irq(pf->irq, pf);
err_vectors:
	pci_free_irq_vectors(pdev);
err_unmap:
	pci_set_drvdata(pdev, NULL);
	pci_clear_master(pdev);
	pci_iounmap(pdev, bar0);
err_release:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void vfcb_82576_pf_remove(struct pci_dev *pdev)
{
	struct vfcb_82576_pf *pf = pci_get_drvdata(pdev);

	debugfs_remove_recursive(pf->dbg);
	vfcb_82576_pf_sriov_disable(pf);
	del_timer_sync(&pf->watchdog);
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	free_irq(pf->irq, pf);
	/* The last handler run may have unmasked its vector again. */
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	pci_free_irq_vectors(pdev);
	pci_sriov_set_totalvfs(pdev, 0);
	pci_set_drvdata(pdev, NULL);
	pci_clear_master(pdev);
	pci_iounmap(pdev, pf->hw.bar0);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
	pci_info(pdev, "82576 PF released\n");
}

static void vfcb_82576_pf_shutdown(struct pci_dev *pdev)
{
	struct vfcb_82576_pf *pf = pci_get_drvdata(pdev);
	struct vfcb_pf *vfcb = pf->vfcb;

	/* Tell the VFs and stop raising interrupts; SR-IOV stays as it is. */
	if (vfcb) {
		vfcb_pf_unregister(vfcb);
		WRITE_ONCE(pf->vfcb, NULL);
	}
	del_timer_sync(&pf->watchdog);
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	if (vfcb) {
		synchronize_irq(pf->irq);
		vfcb_pf_put(vfcb);
	}
}

/*
 * A reset of the PF (FLR through sysfs, AER recovery, resume) wipes its
 * interrupt set-up and every mailbox, and resets the VFs with it.  Before:
 * stop serving.  After: program the interrupts again, let the core forget
 * every VF's handshake (blocks and pending invalidations are kept), and
 * raise "PF reset done" so the VFs handshake again.  Both run under the
 * PF's device lock, like sriov_configure: pf->vfcb does not change.
 */
static void vfcb_82576_pf_quiesce(struct vfcb_82576_pf *pf)
{
	del_timer_sync(&pf->watchdog);
	pf->polling = false;	/* the restart sets the interrupt up anew */
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	synchronize_irq(pf->irq);
}

/*
 * Resetting the PF reset its VFs too: the PCI core restores the SR-IOV
 * capability (so the VFs exist again) but not the VFs' own config space,
 * which is back to power-on (no memory decoding, no MSI-X).  Restore what
 * each VF's driver saved (vfcb_82576_vf and vfio-pci save theirs once
 * set up); a VF whose driver saved nothing is left to its driver.
 */
static void vfcb_82576_pf_restore_vfs(struct pci_dev *pdev)
{
	struct pci_dev *vfdev = NULL;

	while ((vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev))) {
		if (!vfdev->is_virtfn || pci_physfn(vfdev) != pdev ||
		    !vfdev->state_saved)
			continue;
		pci_restore_state(vfdev);
		pci_save_state(vfdev);
	}
}

/* @why: what reset the PF, for the log line the tests look for. */
static void vfcb_82576_pf_restart(struct vfcb_82576_pf *pf, const char *why)
{
	unsigned int i, n = pf->vfcb ? pci_num_vf(pf->pdev) : 0;

	if (n)
		vfcb_82576_pf_restore_vfs(pf->pdev);
	vfcb_82576_pf_hw_mask_all(&pf->hw);
	vfcb_82576_pf_hw_setup_irq(&pf->hw, 0, mbx_itr_us);
	if (n)
		vfcb_82576_pf_hw_vfs_on(&pf->hw, n);
	for (i = 0; i < n; i++)
		vfcb_pf_vf_reset(pf->vfcb, i);
	vfcb_82576_pf_hw_reset_done(&pf->hw);
	vfcb_82576_pf_watchdog_arm(pf);
	pf->err_stopped = false;
	pci_info(pf->pdev, "%s: mailbox restarted, %u VFs to handshake again\n",
		 why, n);
}

static void vfcb_82576_pf_reset_prepare(struct pci_dev *pdev)
{
	vfcb_82576_pf_quiesce(pci_get_drvdata(pdev));
}

static void vfcb_82576_pf_reset_done(struct pci_dev *pdev)
{
	vfcb_82576_pf_restart(pci_get_drvdata(pdev), "PF reset");
}

/*
 * AER.  A non-fatal error resets nothing and the device stays reachable:
 * the mailbox keeps running.  It must: any device below the same port
 * without error handlers (an unbound VF, a VF on pci-stub) makes the AER
 * core give up after error_detected, and no resume_io would come to
 * restart a mailbox stopped here; the VFs were left without their PF
 * until it was reset by hand.  A fatal error resets the link, and the
 * device with it: stop, and let resume_io restart.  Each step is logged;
 * a recovery that stops half way shows there.
 */
static pci_ers_result_t vfcb_82576_pf_error_detected(struct pci_dev *pdev,
						     pci_channel_state_t state)
{
	struct vfcb_82576_pf *pf = pci_get_drvdata(pdev);

	if (state == pci_channel_io_normal) {
		pci_warn(pdev, "PCI error (non-fatal): mailbox kept running\n");
		return PCI_ERS_RESULT_CAN_RECOVER;
	}
	vfcb_82576_pf_quiesce(pf);
	pf->err_stopped = true;
	if (state == pci_channel_io_perm_failure) {
		pci_err(pdev, "PCI error: device lost, mailbox stopped for good\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	pci_warn(pdev, "PCI error (fatal): mailbox stopped until the link is reset\n");
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t vfcb_82576_pf_slot_reset(struct pci_dev *pdev)
{
	pci_restore_state(pdev);
	pci_save_state(pdev);
	pci_info(pdev, "PCI error: slot reset, config space restored\n");
	return PCI_ERS_RESULT_RECOVERED;
}

static void vfcb_82576_pf_resume_io(struct pci_dev *pdev)
{
	struct vfcb_82576_pf *pf = pci_get_drvdata(pdev);

	if (!pf->err_stopped) {
		pci_info(pdev, "PCI error recovered, mailbox never stopped\n");
		return;
	}
	vfcb_82576_pf_restart(pf, "PCI error recovered");
}

static const struct pci_error_handlers vfcb_82576_pf_err = {
	.error_detected = vfcb_82576_pf_error_detected,
	.slot_reset = vfcb_82576_pf_slot_reset,
	.resume = vfcb_82576_pf_resume_io,
	.reset_prepare = vfcb_82576_pf_reset_prepare,
	.reset_done = vfcb_82576_pf_reset_done,
};

/*
 * One line each way: the log shows the mailbox stopped and restarted
 * around a sleep, and the tests find that the callbacks ran.
 */
static int vfcb_82576_pf_suspend(struct device *dev)
{
	vfcb_82576_pf_quiesce(dev_get_drvdata(dev));
	dev_info(dev, "suspend: mailbox stopped\n");
	return 0;
}

static int vfcb_82576_pf_resume(struct device *dev)
{
	vfcb_82576_pf_restart(dev_get_drvdata(dev), "resume");
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(vfcb_82576_pf_pm, vfcb_82576_pf_suspend,
				vfcb_82576_pf_resume);

static const struct pci_device_id vfcb_82576_pf_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x10c9) },	/* 82576 PF */
	{ }
};
MODULE_DEVICE_TABLE(pci, vfcb_82576_pf_ids);

static struct pci_driver vfcb_82576_pf_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfcb_82576_pf_ids,
	.probe = vfcb_82576_pf_probe,
	.remove = vfcb_82576_pf_remove,
	.shutdown = vfcb_82576_pf_shutdown,
	.sriov_configure = vfcb_82576_pf_sriov_configure,
	.err_handler = &vfcb_82576_pf_err,
	.driver.pm = pm_sleep_ptr(&vfcb_82576_pf_pm),
};

static int __init vfcb_82576_pf_init(void)
{
	int ret;

	vfcb_82576_pf_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = pci_register_driver(&vfcb_82576_pf_driver);
	if (ret)
		debugfs_remove_recursive(vfcb_82576_pf_dbg_root);
	return ret;
}
module_init(vfcb_82576_pf_init);

static void __exit vfcb_82576_pf_exit(void)
{
	pci_unregister_driver(&vfcb_82576_pf_driver);
	debugfs_remove_recursive(vfcb_82576_pf_dbg_root);
}
module_exit(vfcb_82576_pf_exit);

MODULE_DESCRIPTION("vfcb: Intel 82576 PF driver carrying VF configuration blocks (no network data path)");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
