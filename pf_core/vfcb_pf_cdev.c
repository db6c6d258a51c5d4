// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: the PF's character device, /dev/vfcb-pf-<pci address> (a misc
 * device, mode 0600): ioctls over the exported API, read() and poll()
 * over the PF's VF events.
 *
 * ioctls follow vfio: argsz first (the rule at the top of uapi/linux/vfcb.h,
 * vfcb_uarg_get()); argsz below the v1 size, non-zero bytes past the struct
 * the driver knows, unknown flags or non-zero pad give EINVAL, and an ioctl
 * that fails changes nothing.  Every ioctl calls the
 * same function the kernel API exports (include/vfcb_pf.h), so the errnos
 * are the ones documented there:
 *   ENODEV   SR-IOV off (no VF exists) or the PF is being unbound
 *   ENOENT   VF index not below the number of VFs enabled
 *   ENODATA  no such block
 *   EMSGSIZE block longer than VFCB_MAX_BLOCK_SIZE, config access longer
 *            than VFCB_CFG_MAX_LEN
 *   ERANGE   GET_BLOCK buffer too small (len = size needed)
 *   ENOSPC   the host defined VFCB_MAX_BLOCKS_PER_VF blocks for the VF
 *   EBUSY    quota below the blocks the VF created
 *   EPERM    config write to a refused range (see vfcb_pf_cfg.c), or
 *            without CAP_SYS_ADMIN, or under kernel lockdown
 *   EFAULT   bad user pointer;  ENOTTY  unknown ioctl
 *
 * read() returns struct vfcb_pf_event records from a per-file queue of
 * VFCB_PF_EVQ_LEN; on overflow the oldest are dropped and the next read
 * starts with a VFCB_PF_EV_OVERFLOW record whose len is the number lost
 * and block_id the VFs they concerned; repeated records merge (see
 * vfcb_pf_events.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfcb_pf_core.h"
#include "vfcb_uarg.h"

/**
 * struct vfcb_pf_file - one open file of the PF device
 * @pf: the PF, referenced while the file is open
 * @evq: the file's event queue (vfcb_pf_events.c, under pf->ev_lock)
 */
struct vfcb_pf_file {
	struct vfcb_pf *pf;
	struct vfcb_pf_evq evq;
};

/* ------------------------------------------------------------ ioctls --- */

static int vfcb_ioctl_get_info(struct vfcb_pf *pf, void __user *uarg)
{
	struct vfcb_pf_info info;
	int sz, n;

	sz = vfcb_uarg_get(&info, sizeof(info),
			   offsetofend(struct vfcb_pf_info, proto_versions), uarg);
	if (sz < 0)
		return sz;
	if (info.flags)
		return -EINVAL;
	n = vfcb_pf_num_vfs(pf);
	if (n < 0)
		return n;
	info.num_vfs = n;
	info.total_vfs = pci_sriov_get_totalvfs(pf->pdev);
	info.max_block_size = VFCB_MAX_BLOCK_SIZE;
	info.proto_versions = VFCB_PROTO_VERSIONS;
	return copy_to_user(uarg, &info, sz) ? -EFAULT : 0;
}

static int vfcb_ioctl_vf_info(struct vfcb_pf *pf, void __user *uarg)
{
	struct vfcb_pf_vf_info info;
	int sz, ret;

	sz = vfcb_uarg_get(&info, sizeof(info),
			   offsetofend(struct vfcb_pf_vf_info, pending_mask), uarg);
	if (sz < 0)
		return sz;
	if (info.flags || info.reserved)
		return -EINVAL;
	ret = vfcb_pf_get_vf_info(pf, info.vf, &info);
	if (ret)
		return ret;
	return copy_to_user(uarg, &info, sz) ? -EFAULT : 0;
}

static int vfcb_ioctl_block(struct vfcb_pf *pf, unsigned int cmd,
			    void __user *uarg)
{
	struct vfcb_pf_block *blk;
	int sz, ret;

	blk = kmalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	sz = vfcb_uarg_get(blk, sizeof(*blk),
			   offsetofend(struct vfcb_pf_block, data), uarg);
	if (sz < 0) {
		ret = sz;
		goto out;
	}
	if (blk->flags) {
		ret = -EINVAL;
		goto out;
	}
	switch (cmd) {
	case VFCB_PF_SET_BLOCK:
		ret = vfcb_pf_set_block(pf, blk->vf, blk->block_id, blk->data,
					blk->len, blk->block_flags);
		break;
	case VFCB_PF_GET_BLOCK:
		if (blk->len > VFCB_MAX_BLOCK_SIZE) {
			ret = -EMSGSIZE;
			break;
		}
		ret = vfcb_pf_get_block(pf, blk->vf, blk->block_id, blk->data,
					&blk->len, &blk->block_flags);
		/* ERANGE reports the size needed in len. */
		if (ret == -ERANGE) {
			if (copy_to_user(uarg, blk, sz))
				ret = -EFAULT;
		} else if (!ret && copy_to_user(uarg, blk, sz)) {
			ret = -EFAULT;
		}
		break;
	case VFCB_PF_DEL_BLOCK:
		ret = vfcb_pf_del_block(pf, blk->vf, blk->block_id);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
out:
	kfree(blk);
	return ret;
}

static int vfcb_ioctl_list(struct vfcb_pf *pf, void __user *uarg)
{
	struct vfcb_pf_block_list bl;
	u32 cap, count = 0;
	u32 *ids = NULL;
	int sz, ret;

	sz = vfcb_uarg_get(&bl, sizeof(bl),
			   offsetofend(struct vfcb_pf_block_list, ids), uarg);
	if (sz < 0)
		return sz;
	if (bl.flags)
		return -EINVAL;
	/*
	 * No VF has more blocks than this (the host's own and the VF's own
	 * count apart, each up to the limit): bounds the allocation, and a
	 * caller that asks for the count it was told gets every ID.
	 */
	cap = min_t(u32, bl.count, 2 * VFCB_MAX_BLOCKS_PER_VF);
	if (cap) {
		ids = kcalloc(cap, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
	}
	ret = vfcb_pf_list_blocks(pf, bl.vf, ids, cap, &count);
	if (ret)
		goto out;
	if (cap && copy_to_user(u64_to_user_ptr(bl.ids), ids,
				min(cap, count) * sizeof(*ids))) {
		ret = -EFAULT;
		goto out;
	}
	bl.count = count;
	if (copy_to_user(uarg, &bl, sz))
		ret = -EFAULT;
out:
	kfree(ids);
	return ret;
}

static int vfcb_ioctl_policy(struct vfcb_pf *pf, void __user *uarg)
{
	struct vfcb_pf_policy pol;
	int sz;

	sz = vfcb_uarg_get(&pol, sizeof(pol),
			   offsetofend(struct vfcb_pf_policy, max_blocks), uarg);
	if (sz < 0)
		return sz;
	return vfcb_pf_set_policy(pf, pol.vf, pol.flags, pol.max_blocks);
}

static int vfcb_ioctl_invalidate(struct vfcb_pf *pf, void __user *uarg)
{
	struct vfcb_pf_invalidate inv;
	int sz, vf;

	sz = vfcb_uarg_get(&inv, sizeof(inv),
			   offsetofend(struct vfcb_pf_invalidate, mask), uarg);
	if (sz < 0)
		return sz;
	if ((inv.flags & ~VFCB_INVALIDATE_ALL_VFS) || inv.pad || !inv.mask)
		return -EINVAL;
	if (inv.flags & VFCB_INVALIDATE_ALL_VFS)
		vf = VFCB_PF_ALL_VFS;
	else if (inv.vf <= VFCB_PF_MAX_VFS)
		vf = inv.vf;
	else	/* no such VF: say so as the lookup would */
		return vfcb_pf_num_vfs(pf) > 0 ? -ENOENT : -ENODEV;
	return vfcb_pf_invalidate(pf, vf, inv.mask);
}

static long vfcb_ioctl_cfg(struct vfcb_pf *pf, unsigned int cmd,
			   void __user *uarg)
{
	struct vfcb_pf_cfg cfg;
	void __user *ubuf;
	ssize_t ret;
	void *buf;
	int sz;

	sz = vfcb_uarg_get(&cfg, sizeof(cfg),
			   offsetofend(struct vfcb_pf_cfg, buf), uarg);
	if (sz < 0)
		return sz;
	if (cfg.flags || cfg.pad || !cfg.len)
		return -EINVAL;
	if (cfg.len > VFCB_CFG_MAX_LEN)
		return -EMSGSIZE;
	ubuf = u64_to_user_ptr(cfg.buf);
	if (cmd == VFCB_PF_CFG_WRITE) {
		/* As the PCI core's own config files: admin, not locked down. */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
		if (ret)
			return ret;
		buf = memdup_user(ubuf, cfg.len);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = vfcb_pf_cfg_write(pf, cfg.vf, cfg.offset, buf, cfg.len);
	} else {
		buf = kmalloc(cfg.len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		ret = vfcb_pf_cfg_read(pf, cfg.vf, cfg.offset, buf, cfg.len);
		if (ret > 0 && copy_to_user(ubuf, buf, ret))
			ret = -EFAULT;
	}
	kfree(buf);
	return ret;
}

static long vfcb_pf_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct vfcb_pf_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct vfcb_pf *pf = f->pf;

	switch (cmd) {
	case VFCB_PF_GET_INFO:
		return vfcb_ioctl_get_info(pf, uarg);
	case VFCB_PF_VF_INFO:
		return vfcb_ioctl_vf_info(pf, uarg);
	case VFCB_PF_SET_BLOCK:
	case VFCB_PF_GET_BLOCK:
	case VFCB_PF_DEL_BLOCK:
		return vfcb_ioctl_block(pf, cmd, uarg);
	case VFCB_PF_LIST_BLOCKS:
		return vfcb_ioctl_list(pf, uarg);
	case VFCB_PF_SET_POLICY:
		return vfcb_ioctl_policy(pf, uarg);
	case VFCB_PF_INVALIDATE:
		return vfcb_ioctl_invalidate(pf, uarg);
	case VFCB_PF_CFG_READ:
	case VFCB_PF_CFG_WRITE:
		return vfcb_ioctl_cfg(pf, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

/* ------------------------------------------------------- file ops --- */

static int vfcb_pf_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct vfcb_pf *pf = container_of(misc, struct vfcb_pf, misc);
	struct vfcb_pf_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->pf = pf;
	/*
	 * misc_open() holds misc_mtx here, so no vfcb_pf lock that is held
	 * across misc_deregister() may be taken: unregister marks the PF
	 * dead before it removes the node, and a file opened in between
	 * only ever sees -ENODEV.
	 */
	if (READ_ONCE(pf->dead)) {
		kfree(f);
		return -ENODEV;
	}
	vfcb_pf_ref(pf);
	vfcb_pf_evq_add(pf, &f->evq);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int vfcb_pf_release_file(struct inode *inode, struct file *file)
{
	struct vfcb_pf_file *f = file->private_data;
	struct vfcb_pf *pf = f->pf;

	vfcb_pf_evq_del(pf, &f->evq);
	kfree(f);
	vfcb_pf_put(pf);
	return 0;
}

static ssize_t vfcb_pf_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct vfcb_pf_file *f = file->private_data;
	struct vfcb_pf *pf = f->pf;
	struct vfcb_pf_event out[16];
	unsigned int n, max;
	int ret;

	max = min_t(size_t, count / sizeof(out[0]), ARRAY_SIZE(out));
	if (!max)
		return -EINVAL;

	for (;;) {
		n = vfcb_pf_evq_pop(pf, &f->evq, out, max);
		if (n)
			break;
		if (READ_ONCE(pf->dead))
			return -ENODEV;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(pf->ev_wq,
					       vfcb_pf_evq_ready(pf, &f->evq) ||
					       READ_ONCE(pf->dead));
		if (ret)
			return ret;
	}
	if (copy_to_user(ubuf, out, n * sizeof(out[0])))
		return -EFAULT;
	return n * sizeof(out[0]);
}

static __poll_t vfcb_pf_poll(struct file *file, poll_table *wait)
{
	struct vfcb_pf_file *f = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &f->pf->ev_wq, wait);
	if (vfcb_pf_evq_ready(f->pf, &f->evq))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(f->pf->dead))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

static const struct file_operations vfcb_pf_fops = {
	.owner = THIS_MODULE,
	.open = vfcb_pf_open,
	.release = vfcb_pf_release_file,
	.read = vfcb_pf_read,
	.poll = vfcb_pf_poll,
	.unlocked_ioctl = vfcb_pf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

int vfcb_pf_cdev_register(struct vfcb_pf *pf)
{
	int ret;

	pf->misc.minor = MISC_DYNAMIC_MINOR;
	pf->misc.name = pf->name;
	pf->misc.fops = &vfcb_pf_fops;
	pf->misc.mode = 0600;
	pf->misc.parent = &pf->pdev->dev;
	ret = misc_register(&pf->misc);
	if (ret) {
		pci_err(pf->pdev, "cannot register /dev/%s: %d\n", pf->name,
			ret);
		return ret;
	}
	return 0;
}

void vfcb_pf_cdev_unregister(struct vfcb_pf *pf)
{
	misc_deregister(&pf->misc);
}
