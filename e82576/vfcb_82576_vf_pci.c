// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_vf: PCI driver of an Intel 82576 VF (8086:10ca) that gives
 * the VF's mailbox to the vfcb guest core (vfcb_vf.ko) as its transport.
 * The registers are vfcb_82576_vf_hw.c's business; this file maps them,
 * wires the interrupts and registers the VF.
 *
 * Interrupts: all three MSI-X vectors get the same handler and the mailbox
 * cause is programmed on vector mbx_vector (1): QEMU raises it on vector 0
 * (its off-by-one), silicon on vector 1.
 *
 * Binding: igbvf claims 8086:10ca too.  To give a VF to vfcb_82576_vf:
 *   echo vfcb_82576_vf > /sys/bus/pci/devices/<addr>/driver_override
 *   echo <addr> > /sys/bus/pci/devices/<addr>/driver/unbind   (if bound)
 *   echo <addr> > /sys/bus/pci/drivers_probe
 * or keep igbvf from loading ("blacklist igbvf" in modprobe.d).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfcb_version.h"
#include "vfcb_82576_vf_hw.h"

static unsigned int mbx_vector = 1;
module_param(mbx_vector, uint, 0444);
MODULE_PARM_DESC(mbx_vector,
		 "MSI-X vector the mailbox cause is programmed on (0..2; default 1); every vector is handled");

static struct dentry *vfcb_82576_vf_dbg_root;

/*
 * Calls of the PM and PCI error callbacks, for debugfs: with six VFs a log
 * line per VF and call would drown the PF's, and the tests need to know
 * each VF's callbacks ran.  Written under the VF's device lock (the PM and
 * AER cores hold it), read locklessly.
 */
struct vfcb_82576_vf_calls {
	unsigned int suspends;
	unsigned int resumes;
	unsigned int errors;
	unsigned int slot_resets;
	unsigned int error_resumes;
};

struct vfcb_82576_vf {
	struct vfcb_82576_vf_hw hw;
	struct pci_saved_state *probe_state;	/* see restore_lost */
	struct vfcb_vf *vf;
	void __iomem *regs;
	int nvec;		/* MSI-X vectors with a handler */
	struct dentry *dbg;
	struct vfcb_82576_vf_calls calls;
	bool err_stopped;	/* see vfcb_82576_vf_error_detected() */
};

static void vfcb_82576_vf_count(unsigned int *c)
{
	WRITE_ONCE(*c, *c + 1);
}

static int vfcb_82576_vf_stats_show(struct seq_file *m, void *unused)
{
	struct vfcb_82576_vf *e = m->private;

	vfcb_82576_vf_hw_show(m, &e->hw);
	seq_printf(m, "pm_suspends: %u\npm_resumes: %u\n",
		   READ_ONCE(e->calls.suspends), READ_ONCE(e->calls.resumes));
	seq_printf(m, "pci_errors: %u\nslot_resets: %u\nerror_resumes: %u\n",
		   READ_ONCE(e->calls.errors), READ_ONCE(e->calls.slot_resets),
		   READ_ONCE(e->calls.error_resumes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfcb_82576_vf_stats);

static void vfcb_82576_vf_free_irqs(struct pci_dev *pdev,
				    struct vfcb_82576_vf *e)
{
	while (e->nvec > 0)
		pci_free_irq(pdev, --e->nvec, &e->hw);
}

static int vfcb_82576_vf_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	struct vfcb_vf_transport tr = {
		.ops = &vfcb_82576_vf_hw_ops,
		.msg_dwords = VFCB_VF_MBX_DWORDS,
	};
	struct device *dev = &pdev->dev;
	struct vfcb_82576_vf *e;
	int err, i;

	e = devm_kzalloc(dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_regions(pdev, KBUILD_MODNAME);
	if (err)
		goto err_disable;
	e->regs = pci_iomap(pdev, 0, 0);
	if (!e->regs) {
		err = -ENOMEM;
		goto err_regions;
	}
	/* The VF's MSI-X messages are memory writes. */
	pci_set_master(pdev);
	vfcb_82576_vf_hw_init(&e->hw, pdev, e->regs,
			      min(READ_ONCE(mbx_vector), VFCB_VF_NVEC - 1u));

	err = pci_alloc_irq_vectors(pdev, VFCB_VF_NVEC, VFCB_VF_NVEC,
				    PCI_IRQ_MSIX);
	if (err < 0) {
		dev_err(dev, "cannot get %u MSI-X vectors: %d\n",
			VFCB_VF_NVEC, err);
		goto err_unmap;
	}
	for (i = 0; i < VFCB_VF_NVEC; i++) {
		err = pci_request_irq(pdev, i, vfcb_82576_vf_hw_irq, NULL,
				      &e->hw, "vfcb-vf-%s-%d", pci_name(pdev),
				      i);
		if (err) {
			dev_err(dev, "cannot request MSI-X vector %d: %d\n",
				i, err);
			goto err_irqs;
		}
		e->nvec++;
	}

	/*
	 * Start clean: a VF reset makes the PF drop what a previous driver
	 * instance left in flight (and keep the invalidations it had not
	 * acked); the core then handshakes from its poll.
	 */
	vfcb_82576_vf_hw_reset(&e->hw);

	tr.priv = &e->hw;
	e->vf = vfcb_vf_register(pdev, &tr);
	if (IS_ERR(e->vf)) {
		err = PTR_ERR(e->vf);
		dev_err(dev, "cannot register with vfcb: %d\n", err);
		goto err_irqs;
	}
	vfcb_82576_vf_hw_attach(&e->hw, e->vf);
	pci_set_drvdata(pdev, e);
	/* What a reset of the PF restores (vfcb_82576_pf_restore_vfs()). */
	pci_save_state(pdev);
	e->probe_state = pci_store_saved_state(pdev);
	e->dbg = debugfs_create_dir(pci_name(pdev), vfcb_82576_vf_dbg_root);
	debugfs_create_file("stats", 0444, e->dbg, e, &vfcb_82576_vf_stats_fops);
	return 0;

err_irqs:
	vfcb_82576_vf_hw_irq_disable(&e->hw);
	vfcb_82576_vf_free_irqs(pdev, e);
	pci_free_irq_vectors(pdev);
err_unmap:
	vfcb_82576_vf_hw_unmap(&e->hw);
	pci_clear_master(pdev);
	pci_iounmap(pdev, e->regs);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void vfcb_82576_vf_remove(struct pci_dev *pdev)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);
	int i;

	debugfs_remove_recursive(e->dbg);
	/*
	 * No event reaches the core from here on (@e->vf may be freed once
	 * unregistered): stop reporting, wait for handlers in flight.
	 */
	vfcb_82576_vf_hw_attach(&e->hw, NULL);
	for (i = 0; i < e->nvec; i++)
		synchronize_irq(pci_irq_vector(pdev, i));
	vfcb_vf_unregister(e->vf);

	vfcb_82576_vf_hw_irq_disable(&e->hw);
	vfcb_82576_vf_free_irqs(pdev, e);
	/* A VF reset tells the PF (VFLRE) that this VF left. */
	vfcb_82576_vf_hw_reset(&e->hw);
	vfcb_82576_vf_hw_unmap(&e->hw);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
	pci_iounmap(pdev, e->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	kfree(e->probe_state);
	dev_info(&pdev->dev, "unbound\n");
}

/* FLR (sysfs reset, vfio), AER recovery and resume all reset the VF. */
static void vfcb_82576_vf_reset_prepare(struct pci_dev *pdev)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);

	vfcb_82576_vf_hw_reset_prepare(&e->hw);
}

static void vfcb_82576_vf_reset_done(struct pci_dev *pdev)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);

	/* Restoring consumed the saved state: keep it for a PF reset. */
	pci_save_state(pdev);
	vfcb_82576_vf_hw_reset_done(&e->hw);
}

/*
 * As the PF's: a non-fatal error resets nothing, so requests go on (a
 * recovery the AER core gives up never calls resume_io, which would have
 * been the only way back); a fatal one resets the link, and the VF with
 * it.  @err_stopped is used under the VF's device lock.
 */
static pci_ers_result_t vfcb_82576_vf_error_detected(struct pci_dev *pdev,
						     pci_channel_state_t state)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);

	vfcb_82576_vf_count(&e->calls.errors);
	if (state == pci_channel_io_normal)
		return PCI_ERS_RESULT_CAN_RECOVER;
	vfcb_82576_vf_reset_prepare(pdev);
	e->err_stopped = true;
	return state == pci_channel_io_perm_failure ?
	       PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t vfcb_82576_vf_slot_reset(struct pci_dev *pdev)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);

	vfcb_82576_vf_count(&e->calls.slot_resets);
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void vfcb_82576_vf_resume_io(struct pci_dev *pdev)
{
	struct vfcb_82576_vf *e = pci_get_drvdata(pdev);

	vfcb_82576_vf_count(&e->calls.error_resumes);
	if (!e->err_stopped)
		return;
	e->err_stopped = false;
	vfcb_82576_vf_reset_done(pdev);
}

static const struct pci_error_handlers vfcb_82576_vf_err = {
	.error_detected = vfcb_82576_vf_error_detected,
	.slot_reset = vfcb_82576_vf_slot_reset,
	.resume = vfcb_82576_vf_resume_io,
	.reset_prepare = vfcb_82576_vf_reset_prepare,
	.reset_done = vfcb_82576_vf_reset_done,
};

static int vfcb_82576_vf_suspend(struct device *dev)
{
	struct vfcb_82576_vf *e = dev_get_drvdata(dev);

	vfcb_82576_vf_count(&e->calls.suspends);
	vfcb_82576_vf_reset_prepare(to_pci_dev(dev));
	return 0;
}

/*
 * PCI devices resume asynchronously, and a VF's parent is its PF's parent,
 * not the PF: the PCI core may restore the VF's config space (which uses
 * up what was saved) before the PF's own restore enables its VFs again,
 * into a VF not there yet.  The VF then comes back as at power-on, and
 * its mailbox is out of reach until the next sleep.  vfcb_pf links each
 * VF to its PF so that its restore waits (vfcb_pf_link_vfs()), but a PF
 * driver without vfcb makes no link, and the link may be missing.  MSI-X
 * disabled tells it: probe enabled it, and a restore enables it again.
 * (Not the command register: a real VF's memory decode bit reads 0
 * whatever is written, the PF's SR-IOV capability decides.)  Restore it
 * from the copy probe kept.
 */
static void vfcb_82576_vf_restore_lost(struct pci_dev *pdev,
				       struct vfcb_82576_vf *e)
{
	u16 ctl;

	if (!pdev->msix_cap || !e->probe_state ||
	    pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &ctl) ||
	    (ctl & PCI_MSIX_FLAGS_ENABLE) ||
	    pci_load_saved_state(pdev, e->probe_state))
		return;
	pci_restore_state(pdev);
	dev_info(&pdev->dev, "resume: config space found reset, restored as probe saved it\n");
}

static int vfcb_82576_vf_resume(struct device *dev)
{
	struct vfcb_82576_vf *e = dev_get_drvdata(dev);

	vfcb_82576_vf_count(&e->calls.resumes);
	vfcb_82576_vf_restore_lost(to_pci_dev(dev), e);
	vfcb_82576_vf_reset_done(to_pci_dev(dev));
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(vfcb_82576_vf_pm, vfcb_82576_vf_suspend,
				vfcb_82576_vf_resume);

static const struct pci_device_id vfcb_82576_vf_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x10ca) },	/* 82576 Virtual Function */
	{ }
};
MODULE_DEVICE_TABLE(pci, vfcb_82576_vf_ids);

static struct pci_driver vfcb_82576_vf_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfcb_82576_vf_ids,
	.probe = vfcb_82576_vf_probe,
	.remove = vfcb_82576_vf_remove,
	.err_handler = &vfcb_82576_vf_err,
	.driver.pm = pm_sleep_ptr(&vfcb_82576_vf_pm),
};

static int __init vfcb_82576_vf_init(void)
{
	int err;

	vfcb_82576_vf_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	err = pci_register_driver(&vfcb_82576_vf_driver);
	if (err)
		debugfs_remove_recursive(vfcb_82576_vf_dbg_root);
	return err;
}
module_init(vfcb_82576_vf_init);

static void __exit vfcb_82576_vf_exit(void)
{
	pci_unregister_driver(&vfcb_82576_vf_driver);
	debugfs_remove_recursive(vfcb_82576_vf_dbg_root);
}
module_exit(vfcb_82576_vf_exit);

MODULE_DESCRIPTION("vfcb: SR-IOV VF configuration blocks, 82576 VF driver");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
