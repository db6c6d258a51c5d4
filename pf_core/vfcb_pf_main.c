// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: the host core of vfcb, SR-IOV VF configuration blocks.
 *
 * A PF driver that has enabled its VFs registers them here with the
 * transport of its PF/VF mailbox (include/vfcb_pf_transport.h); from then
 * on the core serves the VFs' requests, keeps their blocks, raises their
 * invalidations and offers all of it to host userspace (/dev/vfcb-pf-<pci
 * address>) and to host drivers (include/vfcb_pf.h), until the driver
 * unregisters before it disables the VFs.  This file holds that lifetime:
 * registration, lookup, teardown.  The core binds no device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "vfcb_pf_core.h"
#include "vfcb_version.h"

#define CREATE_TRACE_POINTS
#include "vfcb_pf_trace.h"

static LIST_HEAD(vfcb_pf_list);
static DEFINE_MUTEX(vfcb_pf_list_lock);	/* protects vfcb_pf_list */

static void vfcb_pf_release(struct kref *kref)
{
	struct vfcb_pf *pf = container_of(kref, struct vfcb_pf, kref);

	pci_dev_put(pf->pdev);
	kfree(pf);
}

void vfcb_pf_ref(struct vfcb_pf *pf)
{
	kref_get(&pf->kref);
}

/**
 * vfcb_pf_get() - find the vfcb instance of a PF
 * @pdev: the PF
 *
 * Context: process context; may sleep.
 * Return: the instance with a reference the caller drops with
 * vfcb_pf_put(), or ERR_PTR(-ENODEV) if no driver has registered @pdev's
 * VFs with vfcb (SR-IOV off, or a driver without vfcb).
 */
struct vfcb_pf *vfcb_pf_get(struct pci_dev *pdev)
{
	struct vfcb_pf *pf, *found = ERR_PTR(-ENODEV);

	mutex_lock(&vfcb_pf_list_lock);
	list_for_each_entry(pf, &vfcb_pf_list, node) {
		if (pf->pdev == pdev) {
			kref_get(&pf->kref);
			found = pf;
			break;
		}
	}
	mutex_unlock(&vfcb_pf_list_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get);

/**
 * vfcb_pf_put() - drop a reference taken by vfcb_pf_get()
 * @pf: the instance
 *
 * Once the PF is unregistered every function fails with -ENODEV, but the
 * memory stays valid until the last reference is dropped.
 *
 * Context: any context that may sleep.
 */
void vfcb_pf_put(struct vfcb_pf *pf)
{
	if (!IS_ERR_OR_NULL(pf))
		kref_put(&pf->kref, vfcb_pf_release);
}
EXPORT_SYMBOL_GPL(vfcb_pf_put);

/*
 * Order each VF after its PF for system sleep (@link), or stop.  A VF's
 * parent is the PF's parent, not the PF, so without a link the PM core may
 * resume a VF (and restore its config space, its driver then its mailbox)
 * before or beside the PF whose resume enables the VFs again.  A stateless
 * link is only that order: it binds or unbinds no driver.  Best effort:
 * without it the VFs still work, as they would without vfcb.  Removed by
 * the pair, not a saved pointer: a VF removed meanwhile took its link.
 */
static void vfcb_pf_link_vfs(struct vfcb_pf *pf, bool link)
{
	struct pci_dev *vfdev;
	unsigned int i;

	for (i = 0; i < pf->num_vfs; i++) {
		vfdev = vfcb_pf_vf_pdev(pf, i);
		if (!vfdev)
			continue;
		if (!link)
			device_link_remove(&vfdev->dev, &pf->pdev->dev);
		else if (!device_link_add(&vfdev->dev, &pf->pdev->dev,
					  DL_FLAG_STATELESS))
			pci_warn(vfdev, "vfcb: no device link to its PF: suspend and resume may not wait for the PF\n");
		pci_dev_put(vfdev);
	}
}

static bool vfcb_pf_tr_valid(const struct vfcb_pf_transport *tr)
{
	return tr && tr->ops && tr->ops->read && tr->ops->ack &&
	       tr->ops->post && tr->msg_dwords >= VFCB_MSG_MIN_DWORDS &&
	       tr->msg_dwords <= VFCB_MSG_MAX_DWORDS;
}

struct vfcb_pf *vfcb_pf_register(struct pci_dev *pdev, unsigned int num_vfs,
				 const struct vfcb_pf_transport *tr)
{
	struct vfcb_pf *pf, *other;
	unsigned int i;
	int ret;

	if (!pdev || !num_vfs || num_vfs > VFCB_PF_MAX_VFS ||
	    !vfcb_pf_tr_valid(tr))
		return ERR_PTR(-EINVAL);

	pf = kzalloc(struct_size(pf, vfs, num_vfs), GFP_KERNEL);
	if (!pf)
		return ERR_PTR(-ENOMEM);
	kref_init(&pf->kref);
	INIT_LIST_HEAD(&pf->node);
	pf->pdev = pci_dev_get(pdev);
	snprintf(pf->name, sizeof(pf->name), "vfcb-pf-%s", pci_name(pdev));
	pf->tr = *tr;
	pf->num_vfs = num_vfs;
	init_rwsem(&pf->api_lock);
	pf->serial_base = get_random_u32();
	vfcb_pf_events_init(pf);
	vfcb_pf_mbx_init(pf);
	for (i = 0; i < num_vfs; i++) {
		struct vfcb_pf_vf *vf = &pf->vfs[i];

		vf->pf = pf;
		vf->index = i;
		vfcb_pf_blocks_init(&vf->blocks);
		vfcb_pf_mbx_vf_init(vf, tr->msg_dwords);
	}

	mutex_lock(&vfcb_pf_list_lock);
	list_for_each_entry(other, &vfcb_pf_list, node) {
		if (other->pdev == pdev) {
			mutex_unlock(&vfcb_pf_list_lock);
			ret = -EEXIST;
			goto err_free;
		}
	}
	list_add_tail(&pf->node, &vfcb_pf_list);
	mutex_unlock(&vfcb_pf_list_lock);

	ret = vfcb_pf_cdev_register(pf);
	if (ret)
		goto err_unlist;
	vfcb_pf_debugfs_pf_init(pf);
	vfcb_pf_link_vfs(pf, true);
	pci_info(pdev, "vfcb: %u VFs, %u-dword mailbox, serving config blocks on /dev/%s\n",
		 num_vfs, tr->msg_dwords, pf->name);
	return pf;

err_unlist:
	mutex_lock(&vfcb_pf_list_lock);
	list_del_init(&pf->node);
	mutex_unlock(&vfcb_pf_list_lock);
	/*
	 * On the list, it could be found (vfcb_pf_get()): whoever holds it
	 * now sees a dead PF, whose stores and transport are never touched.
	 */
	down_write(&pf->api_lock);
	WRITE_ONCE(pf->dead, true);
	up_write(&pf->api_lock);
	vfcb_pf_mbx_stop(pf);
err_free:
	for (i = 0; i < num_vfs; i++)
		vfcb_pf_blocks_destroy(&pf->vfs[i].blocks);
	vfcb_pf_put(pf);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vfcb_pf_register);

void vfcb_pf_unregister(struct vfcb_pf *pf)
{
	unsigned int i;

	mutex_lock(&vfcb_pf_list_lock);
	list_del_init(&pf->node);
	mutex_unlock(&vfcb_pf_list_lock);

	/* Host operations in progress finish; new ones see the PF going. */
	down_write(&pf->api_lock);
	pf->going_away = true;
	up_write(&pf->api_lock);

	/* The driver's event path still runs: the VFs' acks come through it. */
	vfcb_pf_mbx_going_away(pf);

	down_write(&pf->api_lock);
	WRITE_ONCE(pf->dead, true);
	up_write(&pf->api_lock);

	vfcb_pf_mbx_stop(pf);
	vfcb_pf_link_vfs(pf, false);
	/* No lock held: misc_deregister() takes misc_mtx, which open() holds. */
	vfcb_pf_cdev_unregister(pf);
	vfcb_pf_debugfs_pf_exit(pf);
	vfcb_pf_events_stop(pf);
	for (i = 0; i < pf->num_vfs; i++)
		vfcb_pf_blocks_destroy(&pf->vfs[i].blocks);
	pci_info(pf->pdev, "vfcb: VFs unregistered\n");
}
EXPORT_SYMBOL_GPL(vfcb_pf_unregister);

static int __init vfcb_pf_init(void)
{
	vfcb_pf_debugfs_module_init();
	return 0;
}
module_init(vfcb_pf_init);

static void __exit vfcb_pf_exit(void)
{
	vfcb_pf_debugfs_module_exit();
}
module_exit(vfcb_pf_exit);

MODULE_DESCRIPTION("vfcb: SR-IOV VF configuration blocks, host core");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFCB_VERSION);
