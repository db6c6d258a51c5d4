// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_vf: the character device of a registered VF, /dev/vfcb-vf-<PCI address>.
 *
 * ioctls (uapi/linux/vfcb.h, vfio's argsz/flags convention, vfcb_uarg_get()):
 * GET_INFO, READ, WRITE, PING; none defines a flag.  read() returns the
 * file's accumulated invalidation mask as one __u64 and clears it; poll()
 * says POLLIN while it is not zero, and POLLOUT while the handshake is done
 * and no request is in progress (a request would go at once).  With
 * O_NONBLOCK an ioctl that would wait for the handshake or for another
 * caller's request fails with -EAGAIN.  WRITE needs a file opened for
 * writing (-EBADF otherwise).
 * Every open file has its own mask, so every reader sees every bit.  A file
 * starts collecting invalidations at its first read() or poll(); the first
 * to do so (or the first in-kernel listener) also gets the bits raised while
 * nobody collected them, and bits a last collector closes without reading
 * are kept for the next one.
 *
 * Once the VF is unregistered every operation fails with -ENODEV (poll reports
 * EPOLLHUP | EPOLLERR), except that bits a file already holds are read once
 * first; the struct vfcb_vf stays allocated until the last file is closed.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfcb_uarg.h"
#include "vfcb_vf_core.h"

static int vfcb_vf_open(struct inode *inode, struct file *file)
{
	/* misc_open() set private_data and holds misc_mtx: vf is alive. */
	struct vfcb_vf *vf = container_of(file->private_data, struct vfcb_vf,
					  misc);
	struct vfcb_vf_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->vf = vf;
	INIT_LIST_HEAD(&f->node);

	if (READ_ONCE(vf->state) == VFCB_VFD_REMOVED) {
		kfree(f);
		return -ENODEV;
	}
	vfcb_vf_ref(vf);
	file->private_data = f;
	return stream_open(inode, file);
}

static int vfcb_vf_release_file(struct inode *inode, struct file *file)
{
	struct vfcb_vf_file *f = file->private_data;
	struct vfcb_vf *vf = f->vf;
	unsigned long flags;

	spin_lock_irqsave(&vf->lock, flags);
	if (f->subscribed) {
		list_del(&f->node);
		/* The last collector leaves: keep what it did not read. */
		if (list_empty(&vf->files) && list_empty(&vf->listeners))
			vf->unconsumed |= f->mask;
	}
	spin_unlock_irqrestore(&vf->lock, flags);
	kfree(f);
	vfcb_vf_put(vf);
	return 0;
}

/* Start collecting invalidations (vf->lock held). */
static void vfcb_vf_subscribe(struct vfcb_vf_file *f)
{
	struct vfcb_vf *vf = f->vf;

	if (f->subscribed || vf->state == VFCB_VFD_REMOVED)
		return;
	f->subscribed = true;
	list_add_tail(&f->node, &vf->files);
	/* Bits raised while nobody collected them go to the first to come. */
	f->mask |= vf->unconsumed;
	vf->unconsumed = 0;
}

/*
 * Take the file's mask.  Once the VF is unbound, what the file already
 * holds is still read once; then -ENODEV.
 */
static int vfcb_vf_take_mask(struct vfcb_vf_file *f, u64 *mask)
{
	struct vfcb_vf *vf = f->vf;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&vf->lock, flags);
	vfcb_vf_subscribe(f);
	*mask = f->mask;
	f->mask = 0;
	if (!*mask && vf->state == VFCB_VFD_REMOVED)
		err = -ENODEV;
	spin_unlock_irqrestore(&vf->lock, flags);
	return err;
}

static bool vfcb_vf_readable(struct vfcb_vf_file *f)
{
	return READ_ONCE(f->mask) ||
	       READ_ONCE(f->vf->state) == VFCB_VFD_REMOVED;
}

static ssize_t vfcb_vf_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct vfcb_vf_file *f = file->private_data;
	struct vfcb_vf *vf = f->vf;
	unsigned long flags;
	u64 mask = 0;
	int err;

	if (count < sizeof(mask))
		return -EINVAL;

	for (;;) {
		err = vfcb_vf_take_mask(f, &mask);
		if (err)
			return err;
		if (mask)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(vf->inv_wq, vfcb_vf_readable(f)))
			return -ERESTARTSYS;
	}

	if (copy_to_user(buf, &mask, sizeof(mask))) {
		/* Not delivered: give the bits back. */
		spin_lock_irqsave(&vf->lock, flags);
		f->mask |= mask;
		spin_unlock_irqrestore(&vf->lock, flags);
		return -EFAULT;
	}
	return sizeof(mask);
}

static __poll_t vfcb_vf_poll(struct file *file, poll_table *wait)
{
	struct vfcb_vf_file *f = file->private_data;
	struct vfcb_vf *vf = f->vf;
	unsigned long flags;
	__poll_t ev = 0;

	poll_wait(file, &vf->inv_wq, wait);
	poll_wait(file, &vf->state_wq, wait);
	spin_lock_irqsave(&vf->lock, flags);
	vfcb_vf_subscribe(f);
	if (f->mask)
		ev |= EPOLLIN | EPOLLRDNORM;
	if (vf->state == VFCB_VFD_REMOVED)
		ev |= EPOLLHUP | EPOLLERR;
	else if (vf->state == VFCB_VFD_READY && !vf->req_busy &&
		 !vfcb_vfep_tx_pending(&vf->ep))
		ev |= EPOLLOUT | EPOLLWRNORM;	/* a request goes at once */
	spin_unlock_irqrestore(&vf->lock, flags);
	return ev;
}

/* In-kernel -EINTR becomes a restartable syscall. */
static long vfcb_vf_ret(int err)
{
	return err == -EINTR ? -ERESTARTSYS : err;
}

static long vfcb_vf_ioctl_info(struct vfcb_vf *vf, void __user *uarg)
{
	struct vfcb_vf_info info;
	u32 argsz;
	int sz, err;

	sz = vfcb_uarg_get(&info, sizeof(info),
			   offsetofend(struct vfcb_vf_info, pad), uarg);
	if (sz < 0)
		return sz;
	if (info.flags || info.pad)
		return -EINVAL;
	argsz = info.argsz;
	err = vfcb_vf_info(vf, &info);
	if (err)
		return err;
	info.argsz = argsz;
	if (copy_to_user(uarg, &info, sz))
		return -EFAULT;
	return 0;
}

static long vfcb_vf_ioctl_read(struct vfcb_vf *vf, void __user *uarg,
			       unsigned int how)
{
	struct vfcb_vf_block *blk;
	u32 out = 0;
	long err;
	int sz;

	blk = kmalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	sz = vfcb_uarg_get(blk, sizeof(*blk),
			   offsetofend(struct vfcb_vf_block, data), uarg);
	if (sz < 0) {
		err = sz;
		goto out;
	}
	if (blk->flags || blk->len == 0) {
		err = -EINVAL;
		goto out;
	}
	if (blk->len > VFCB_MAX_BLOCK_SIZE) {
		err = -EMSGSIZE;
		goto out;
	}

	err = vfcb_vf_do_read(vf, blk->block_id, blk->data, blk->len, &out,
			      how);
	if (err == -ERANGE) {
		/* Tell the caller the size needed. */
		blk->len = out;
		if (copy_to_user(uarg, blk, offsetofend(struct vfcb_vf_block, len)))
			err = -EFAULT;
		goto out;
	}
	if (err)
		goto out;
	blk->len = out;
	if (copy_to_user(uarg, blk, sz))
		err = -EFAULT;
out:
	kfree(blk);
	return vfcb_vf_ret(err);
}

static long vfcb_vf_ioctl_write(struct vfcb_vf *vf, void __user *uarg,
				unsigned int how)
{
	struct vfcb_vf_block *blk;
	long err;
	int sz;

	blk = kmalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	sz = vfcb_uarg_get(blk, sizeof(*blk),
			   offsetofend(struct vfcb_vf_block, data), uarg);
	if (sz < 0) {
		err = sz;
		goto out;
	}
	if (blk->flags) {
		err = -EINVAL;
		goto out;
	}
	if (blk->len > VFCB_MAX_BLOCK_SIZE) {
		err = -EMSGSIZE;
		goto out;
	}
	err = vfcb_vf_do_write(vf, blk->block_id, blk->data, blk->len, how);
out:
	kfree(blk);
	return vfcb_vf_ret(err);
}

static long vfcb_vf_ioctl_ping(struct vfcb_vf *vf, void __user *uarg,
			       unsigned int how)
{
	struct vfcb_vf_ping ping;
	int sz;

	sz = vfcb_uarg_get(&ping, sizeof(ping),
			   offsetofend(struct vfcb_vf_ping, flags), uarg);
	if (sz < 0)
		return sz;
	if (ping.flags)
		return -EINVAL;
	return vfcb_vf_ret(vfcb_vf_do_ping(vf, how));
}

static long vfcb_vf_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct vfcb_vf_file *f = file->private_data;
	struct vfcb_vf *vf = f->vf;
	void __user *uarg = (void __user *)arg;
	unsigned int how = VFCB_VF_WAIT_USER;

	if (READ_ONCE(vf->state) == VFCB_VFD_REMOVED)
		return -ENODEV;
	/*
	 * O_NONBLOCK: -EAGAIN instead of waiting for a pending handshake or
	 * for other callers' requests; the round trip itself is still waited
	 * for (bounded by timeout_ms).  poll() says when requests can go.
	 */
	if (file->f_flags & O_NONBLOCK)
		how |= VFCB_VF_WAIT_NONBLOCK;

	switch (cmd) {
	case VFCB_VF_GET_INFO:
		return vfcb_vf_ioctl_info(vf, uarg);
	case VFCB_VF_READ:
		return vfcb_vf_ioctl_read(vf, uarg, how);
	case VFCB_VF_WRITE:
		/* Like write(2): a file opened read-only does not write. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return vfcb_vf_ioctl_write(vf, uarg, how);
	case VFCB_VF_PING:
		return vfcb_vf_ioctl_ping(vf, uarg, how);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vfcb_vf_fops = {
	.owner = THIS_MODULE,
	.open = vfcb_vf_open,
	.release = vfcb_vf_release_file,
	.read = vfcb_vf_read,
	.poll = vfcb_vf_poll,
	.unlocked_ioctl = vfcb_vf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

int vfcb_vf_cdev_add(struct vfcb_vf *vf)
{
	int err;

	vf->misc.minor = MISC_DYNAMIC_MINOR;
	vf->misc.name = vf->devname;
	vf->misc.fops = &vfcb_vf_fops;
	vf->misc.parent = &vf->pdev->dev;
	vf->misc.mode = 0600;
	err = misc_register(&vf->misc);
	if (err)
		return err;
	vf->misc_registered = true;
	return 0;
}

void vfcb_vf_cdev_del(struct vfcb_vf *vf)
{
	/* Waits for opens in progress (misc_mtx); none start afterwards. */
	if (vf->misc_registered)
		misc_deregister(&vf->misc);
	vf->misc_registered = false;
}
