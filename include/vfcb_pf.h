/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf kernel API: lets another host driver own a VF's configuration
 * blocks and invalidate them without going through userspace.  The PF's
 * character device (/dev/vfcb-pf-<pci addr>) is a thin layer over these
 * same functions, so both interfaces behave identically.
 *
 * Errors, common to every function taking a VF index:
 *   -ENODEV  the PF is not bound to vfcb_pf any more, or SR-IOV is off
 *            (no VF exists at all);
 *   -ENOENT  SR-IOV is on but @vf is not below the number of VFs enabled;
 *   -ENODATA no block with that ID (a missing *block* is told apart from a
 *            missing *VF*);
 *   -EMSGSIZE a length above VFCB_MAX_BLOCK_SIZE (or VFCB_CFG_MAX_LEN);
 *   -EINVAL  unknown flags or another bad argument.
 * Every function is all-or-nothing: on error nothing was changed.
 *
 * A VF's blocks, policy and pending invalidations live from the moment its
 * VFs are enabled until SR-IOV is disabled; a VF reset keeps them.
 */
#ifndef _VFCB_PF_H
#define _VFCB_PF_H

#include <linux/notifier.h>
#include <linux/types.h>
#include <linux/vfcb.h>

struct pci_dev;
struct vfcb_pf;

struct vfcb_pf *vfcb_pf_get(struct pci_dev *pdev);
void vfcb_pf_put(struct vfcb_pf *pf);
int vfcb_pf_num_vfs(struct vfcb_pf *pf);

int vfcb_pf_set_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      const void *data, u32 len, u32 flags);
int vfcb_pf_get_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      void *buf, u32 *len, u32 *flags);
int vfcb_pf_del_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id);
int vfcb_pf_list_blocks(struct vfcb_pf *pf, unsigned int vf, u32 *ids,
			u32 cap, u32 *count);
int vfcb_pf_set_policy(struct vfcb_pf *pf, unsigned int vf, u32 flags,
		       u32 max_blocks);
int vfcb_pf_get_vf_info(struct vfcb_pf *pf, unsigned int vf,
			struct vfcb_pf_vf_info *info);

#define VFCB_PF_ALL_VFS		(-1)
int vfcb_pf_invalidate(struct vfcb_pf *pf, int vf, u64 mask);

ssize_t vfcb_pf_cfg_read(struct vfcb_pf *pf, unsigned int vf, u32 offset,
			 void *buf, u32 len);
ssize_t vfcb_pf_cfg_write(struct vfcb_pf *pf, unsigned int vf, u32 offset,
			  const void *buf, u32 len);

/*
 * Notifier of what the VFs do: called in process context from a work item,
 * with no vfcb_pf lock held, with action = enum vfcb_pf_event_type and
 * data = a const struct vfcb_pf_event *.  A callback may sleep and may call
 * any vfcb_pf function but these two, which take the chain's lock that
 * the call holds; events wait in a bounded queue meanwhile.
 */
int vfcb_pf_register_notifier(struct vfcb_pf *pf, struct notifier_block *nb);
int vfcb_pf_unregister_notifier(struct vfcb_pf *pf,
				struct notifier_block *nb);

#endif /* _VFCB_PF_H */
