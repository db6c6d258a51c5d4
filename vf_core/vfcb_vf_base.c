// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the VF object every other file works on: its allocation and
 * reference count, its state and the errno that state gives callers, the
 * tunables (module parameters) and vfcb_vf_info().  Calls no other file.
 */
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vfcb_vf_core.h"
#include "vfcb_vf_trace.h"

static unsigned int timeout_ms = 1000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Time a request waits for the PF's answer, and for a pending handshake, in ms (10..60000; default 1000)");

static unsigned int watchdog_ms = 5000;
module_param(watchdog_ms, uint, 0644);
MODULE_PARM_DESC(watchdog_ms,
		 "Once up, look for an unannounced PF reset every this many ms (0: never; default 5000)");

unsigned int vfcb_vf_timeout_ms(void)
{
	return clamp(READ_ONCE(timeout_ms), 10u, 60000u);
}

static unsigned int gone_ms = 5000;
module_param(gone_ms, uint, 0644);
MODULE_PARM_DESC(gone_ms,
		 "A VF absent from config space this long counts as removed: requests fail with ENODEV until it is bound again (100..600000; default 5000)");

/*
 * Not at once: a VF bound on the host looks absent for the moment of its
 * PF's reset (VF Enable clear, the PF not answering config reads yet).
 */
unsigned int vfcb_vf_gone_ms(void)
{
	return clamp(READ_ONCE(gone_ms), 100u, 600000u);
}

/* 0: no watchdog; else at least 100 ms. */
unsigned int vfcb_vf_watchdog_ms(void)
{
	unsigned int wd = READ_ONCE(watchdog_ms);

	return wd ? max(wd, 100u) : 0;
}

const char * const vfcb_vf_state_names[] = {
	[VFCB_VFD_WAIT_PF]	= "wait_pf",
	[VFCB_VFD_HELLO]	= "hello",
	[VFCB_VFD_READY]	= "ready",
	[VFCB_VFD_PF_GONE]	= "pf_gone",
	[VFCB_VFD_REMOVED]	= "removed",
	[VFCB_VFD_NO_VFCB]	= "no_vfcb",
};

/* A new VF object, state WAIT_PF, one reference; NULL without memory. */
struct vfcb_vf *vfcb_vf_alloc(struct pci_dev *pdev)
{
	struct vfcb_vf *vf = kzalloc(sizeof(*vf), GFP_KERNEL);

	if (!vf)
		return NULL;
	kref_init(&vf->kref);
	INIT_LIST_HEAD(&vf->node);
	vf->pdev = pci_dev_get(pdev);
	strscpy(vf->name, pci_name(pdev), sizeof(vf->name));
	snprintf(vf->devname, sizeof(vf->devname), "vfcb-vf-%s", vf->name);
	vf->trace_id = (u32)pci_domain_nr(pdev->bus) << 16 | pci_dev_id(pdev);
	spin_lock_init(&vf->lock);
	init_waitqueue_head(&vf->state_wq);
	vf->state = VFCB_VFD_WAIT_PF;
	vf->wait_state = VFCB_VFD_WAIT_PF;
	return vf;
}

static void vfcb_vf_release(struct kref *kref)
{
	struct vfcb_vf *vf = container_of(kref, struct vfcb_vf, kref);

	pci_dev_put(vf->pdev);
	kfree(vf);
}

void vfcb_vf_ref(struct vfcb_vf *vf)
{
	kref_get(&vf->kref);
}

void vfcb_vf_put(struct vfcb_vf *vf)
{
	if (!IS_ERR_OR_NULL(vf))
		kref_put(&vf->kref, vfcb_vf_release);
}
EXPORT_SYMBOL_GPL(vfcb_vf_put);

/* With vf->lock held (or before the VF is registered). */
void vfcb_vf_set_state(struct vfcb_vf *vf, enum vfcb_vf_dstate to)
{
	trace_vfcb_vf_state(vf->trace_id, vf->state, to);
	WRITE_ONCE(vf->state, to);
	wake_up_all(&vf->state_wq);
}

int vfcb_vf_state_errno(const struct vfcb_vf *vf)
{
	switch (READ_ONCE(vf->state)) {
	case VFCB_VFD_READY:
		return 0;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_HELLO:
		return -EAGAIN;
	case VFCB_VFD_NO_VFCB:
		return -EOPNOTSUPP;
	default:
		return -ENODEV;
	}
}

/* Not waiting for a handshake: READY, PF_GONE, NO_VFCB or REMOVED. */
bool vfcb_vf_settled(const struct vfcb_vf *vf)
{
	enum vfcb_vf_dstate s = READ_ONCE(vf->state);

	return s != VFCB_VFD_WAIT_PF && s != VFCB_VFD_HELLO;
}

int vfcb_vf_info(struct vfcb_vf *vf, struct vfcb_vf_info *info)
{
	unsigned long flags;
	bool removed;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	spin_lock_irqsave(&vf->lock, flags);
	switch (vf->state) {
	case VFCB_VFD_READY:
		info->state = VFCB_VF_STATE_READY;
		break;
	case VFCB_VFD_WAIT_PF:
	case VFCB_VFD_HELLO:
		info->state = VFCB_VF_STATE_DOWN;
		break;
	case VFCB_VFD_NO_VFCB:
		info->state = VFCB_VF_STATE_NO_VFCB;
		break;
	default:
		info->state = VFCB_VF_STATE_GONE;
		break;
	}
	info->vf_index = vf->ep.vf_index;
	info->serial = vf->ep.serial;
	info->version = vf->ep.version;
	info->max_block_size = vf->ep.max_block;
	removed = vf->state == VFCB_VFD_REMOVED;
	spin_unlock_irqrestore(&vf->lock, flags);
	return removed ? -ENODEV : 0;
}
EXPORT_SYMBOL_GPL(vfcb_vf_info);
