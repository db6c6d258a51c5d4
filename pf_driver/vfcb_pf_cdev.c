// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: the PF's character device, /dev/vfcb-pf-<pci address> (a misc
 * device, mode 0600), and VF configuration-space access.
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
 *   ENOSPC   block quota used up;  EBUSY  quota below the blocks in use
 *   EPERM    config write to a refused range (see vfcb_pf_cfg_refused)
 *   EFAULT   bad user pointer;  ENOTTY  unknown ioctl
 *
 * read() returns struct vfcb_pf_event records from a per-file queue of
 * VFCB_PF_EVQ_LEN; on overflow the oldest are dropped and the next read
 * starts with a VFCB_PF_EV_OVERFLOW record whose len is the number lost.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfcb_pf_core.h"
#include "vfcb_uarg.h"

/**
 * struct vfcb_pf_file - one open file of the PF device
 * @pf: the PF, referenced while the file is open
 * @node: in pf->files
 * @head: oldest record in @ev
 * @count: records in @ev
 * @dropped: records dropped since the last OVERFLOW record was read
 * @ev: ring of records
 *
 * @node, @head, @count, @dropped and @ev are protected by pf->ev_lock.
 */
struct vfcb_pf_file {
	struct vfcb_pf *pf;
	struct list_head node;
	unsigned int head;
	unsigned int count;
	u32 dropped;
	struct vfcb_pf_event ev[VFCB_PF_EVQ_LEN];
};

/* Called with pf->ev_lock held. */
void vfcb_pf_cdev_queue_event(struct vfcb_pf *pf,
			      const struct vfcb_pf_event *ev)
{
	struct vfcb_pf_file *f;

	lockdep_assert_held(&pf->ev_lock);
	list_for_each_entry(f, &pf->files, node) {
		if (f->count == VFCB_PF_EVQ_LEN) {
			f->head = (f->head + 1) % VFCB_PF_EVQ_LEN;
			f->count--;
			if (f->dropped < U32_MAX)
				f->dropped++;
		}
		f->ev[(f->head + f->count) % VFCB_PF_EVQ_LEN] = *ev;
		f->count++;
	}
}

/* ------------------------------------------------ VF config space --- */

/*
 * Ranges of a VF's configuration space the host may read but not write
 * through vfcb, because a write there would break the host's own
 * management of the VF (or is read-only anyway, and a write only a
 * mistake).  Writes elsewhere, e.g. to vendor-specific capabilities, go
 * through.
 */
struct vfcb_pf_cfg_range {
	u16 start;
	u16 len;
	const char *why;
};

static const struct vfcb_pf_cfg_range vfcb_pf_cfg_refused[] = {
	{ PCI_VENDOR_ID, 4, "identity, read-only" },
	{ PCI_CLASS_REVISION, 4, "identity, read-only" },
	{ PCI_HEADER_TYPE, 2, "header type; BIST would self-test (reset) the VF" },
	{ PCI_BASE_ADDRESS_0, 24,
	  "VF BARs are set by the PF's SR-IOV capability; the host's resources would go stale" },
	{ PCI_CARDBUS_CIS, 8, "identity, read-only" },
	{ PCI_ROM_ADDRESS, 4, "expansion ROM BAR" },
	{ PCI_CAPABILITY_LIST, 4, "capability list head" },
	{ PCI_INTERRUPT_PIN, 3, "read-only" },
};

/*
 * Capability structures refused as a whole: the PCI core and the VF's host
 * driver (vfio-pci, igbvf) own them.  PM: a D3 write makes the VF stop
 * answering.  MSI/MSI-X: enable and masks belong to the IRQ core; a write
 * breaks interrupt delivery to the VF's driver.  PCIe: Device Control holds
 * Initiate FLR, which would reset the VF under its driver (resets go
 * through the PCI core).  SR-IOV/ARI/ATS: the PCI core's configuration.
 */
static const struct {
	u8 id;
	u8 len;
} vfcb_pf_cfg_caps[] = {
	{ PCI_CAP_ID_PM, PCI_PM_SIZEOF },
	{ PCI_CAP_ID_MSI, 24 },
	{ PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF },
	{ PCI_CAP_ID_EXP, 0x3c },		/* v2 capability, 60 bytes */
};

static const struct {
	u16 id;
	u16 len;
} vfcb_pf_cfg_ext_caps[] = {
	{ PCI_EXT_CAP_ID_SRIOV, PCI_EXT_CAP_SRIOV_SIZEOF },
	{ PCI_EXT_CAP_ID_ARI, PCI_EXT_CAP_ARI_SIZEOF },
	{ PCI_EXT_CAP_ID_ATS, PCI_EXT_CAP_ATS_SIZEOF },
};

/* Command bits the VF's host driver owns: memory/IO decode, DMA, INTx. */
#define VFCB_PF_CMD_OWNED (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			   PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)

static bool overlaps(u32 off, u32 len, u32 start, u32 rlen)
{
	return off < start + rlen && start < off + len;
}

/* May [off, off + len) of @vfdev be written with @buf?  0 or -EPERM. */
static int vfcb_pf_cfg_check_write(struct pci_dev *vfdev, u32 off, u32 len,
				   const u8 *buf)
{
	unsigned int i;
	u16 cmd;
	int pos;

	for (i = 0; i < ARRAY_SIZE(vfcb_pf_cfg_refused); i++)
		if (overlaps(off, len, vfcb_pf_cfg_refused[i].start,
			     vfcb_pf_cfg_refused[i].len))
			return -EPERM;
	for (i = 0; i < ARRAY_SIZE(vfcb_pf_cfg_caps); i++) {
		pos = pci_find_capability(vfdev, vfcb_pf_cfg_caps[i].id);
		if (pos && overlaps(off, len, pos, vfcb_pf_cfg_caps[i].len))
			return -EPERM;
	}
	for (i = 0; i < ARRAY_SIZE(vfcb_pf_cfg_ext_caps); i++) {
		pos = pci_find_ext_capability(vfdev, vfcb_pf_cfg_ext_caps[i].id);
		if (pos && overlaps(off, len, pos, vfcb_pf_cfg_ext_caps[i].len))
			return -EPERM;
	}
	/* Command: only the bits the driver does not own may change. */
	if (overlaps(off, len, PCI_COMMAND, 2)) {
		u16 cur, want;

		if (pci_user_read_config_word(vfdev, PCI_COMMAND, &cur))
			return -EIO;
		want = cur;
		for (i = PCI_COMMAND; i < PCI_COMMAND + 2; i++)
			if (i >= off && i < off + len) {
				want &= ~(0xffu << (8 * (i - PCI_COMMAND)));
				want |= buf[i - off] << (8 * (i - PCI_COMMAND));
			}
		cmd = want ^ cur;
		if (cmd & VFCB_PF_CMD_OWNED)
			return -EPERM;
	}
	return 0;
}

/*
 * The VF's pci_dev with a reference, or NULL.  cfg_lock held, so SR-IOV
 * cannot be disabled meanwhile.
 */
static struct pci_dev *vfcb_pf_vf_pdev(struct vfcb_pf *pf, unsigned int vf)
{
	struct pci_dev *pdev = pf->pdev, *vfdev = NULL;

	while ((vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev))) {
		if (vfdev->is_virtfn && pci_physfn(vfdev) == pdev &&
		    pci_iov_vf_id(vfdev) == (int)vf)
			return vfdev;
	}
	return NULL;
}

/* Look up the VF and check the range; cfg_lock held. */
static struct pci_dev *vfcb_pf_cfg_begin(struct vfcb_pf *pf, unsigned int vf,
					 u32 off, u32 len)
{
	struct pci_dev *vfdev;

	lockdep_assert_held(&pf->cfg_lock);
	if (pf->dead || !pf->num_vfs)
		return ERR_PTR(-ENODEV);
	if (vf >= pf->num_vfs)
		return ERR_PTR(-ENOENT);
	if (!len)
		return ERR_PTR(-EINVAL);
	if (len > VFCB_CFG_MAX_LEN)
		return ERR_PTR(-EMSGSIZE);
	vfdev = vfcb_pf_vf_pdev(pf, vf);
	if (!vfdev)
		return ERR_PTR(-ENOENT);
	if (off >= vfdev->cfg_size || len > vfdev->cfg_size - off) {
		pci_dev_put(vfdev);
		return ERR_PTR(-EINVAL);
	}
	return vfdev;
}

/* Size of the next naturally aligned access at @off with @left bytes. */
static u32 cfg_step(u32 off, u32 left)
{
	if (!(off & 3) && left >= 4)
		return 4;
	if (!(off & 1) && left >= 2)
		return 2;
	return 1;
}

/**
 * vfcb_pf_cfg_read() - read a VF's PCI configuration space
 * @pf: the instance
 * @vf: VF index
 * @offset: byte offset
 * @buf: destination
 * @len: bytes, 1..VFCB_CFG_MAX_LEN; [@offset, @offset + @len) must lie
 *	within the VF's configuration space
 *
 * The equivalent of NdisMGetVirtualFunctionBusData.  Uses naturally aligned
 * accesses, and waits while the PCI core blocks config access (VF reset).
 *
 * Context: process context; may sleep.
 * Return: @len, or -EINVAL (zero length, out of range), -EMSGSIZE, -EIO,
 * or a VF lookup error.
 */
ssize_t vfcb_pf_cfg_read(struct vfcb_pf *pf, unsigned int vf, u32 offset,
			 void *buf, u32 len)
{
	struct pci_dev *vfdev;
	u8 *p = buf;
	u32 done = 0;
	int ret = 0;

	mutex_lock(&pf->cfg_lock);
	vfdev = vfcb_pf_cfg_begin(pf, vf, offset, len);
	if (IS_ERR(vfdev)) {
		mutex_unlock(&pf->cfg_lock);
		return PTR_ERR(vfdev);
	}
	while (done < len && !ret) {
		u32 off = offset + done, n = cfg_step(off, len - done);
		__le32 le;
		__le16 le16;
		u32 v32;
		u16 v16;
		u8 v8;

		if (n == 4) {
			ret = pci_user_read_config_dword(vfdev, off, &v32);
			le = cpu_to_le32(v32);
			memcpy(p + done, &le, 4);
		} else if (n == 2) {
			ret = pci_user_read_config_word(vfdev, off, &v16);
			le16 = cpu_to_le16(v16);
			memcpy(p + done, &le16, 2);
		} else {
			ret = pci_user_read_config_byte(vfdev, off, &v8);
			p[done] = v8;
		}
		done += n;
	}
	pci_dev_put(vfdev);
	mutex_unlock(&pf->cfg_lock);
	return ret ? -EIO : (ssize_t)len;
}
EXPORT_SYMBOL_GPL(vfcb_pf_cfg_read);

/**
 * vfcb_pf_cfg_write() - write a VF's PCI configuration space
 * @pf: the instance
 * @vf: VF index
 * @offset: byte offset
 * @buf: data
 * @len: bytes, 1..VFCB_CFG_MAX_LEN, within the VF's configuration space
 *
 * The equivalent of NdisMSetVirtualFunctionBusData.  The whole range is
 * checked before anything is written: a write touching a refused range
 * (BARs, identity, PM/MSI/MSI-X/PCIe/SR-IOV/ARI/ATS capabilities, the
 * command register's decode/bus-master/INTx bits) writes nothing.
 *
 * Context: process context; may sleep.
 * Return: @len, or -EPERM (refused range), -EINVAL, -EMSGSIZE, -EIO, or a
 * VF lookup error.
 */
ssize_t vfcb_pf_cfg_write(struct vfcb_pf *pf, unsigned int vf, u32 offset,
			  const void *buf, u32 len)
{
	struct pci_dev *vfdev;
	const u8 *p = buf;
	u32 done = 0;
	int ret;

	mutex_lock(&pf->cfg_lock);
	vfdev = vfcb_pf_cfg_begin(pf, vf, offset, len);
	if (IS_ERR(vfdev)) {
		mutex_unlock(&pf->cfg_lock);
		return PTR_ERR(vfdev);
	}
	ret = vfcb_pf_cfg_check_write(vfdev, offset, len, p);
	while (done < len && !ret) {
		u32 off = offset + done, n = cfg_step(off, len - done);
		__le32 le;
		__le16 le16;

		if (n == 4) {
			memcpy(&le, p + done, 4);
			ret = pci_user_write_config_dword(vfdev, off,
							  le32_to_cpu(le));
		} else if (n == 2) {
			memcpy(&le16, p + done, 2);
			ret = pci_user_write_config_word(vfdev, off,
							 le16_to_cpu(le16));
		} else {
			ret = pci_user_write_config_byte(vfdev, off, p[done]);
		}
		if (ret)
			ret = -EIO;
		done += n;
	}
	pci_dev_put(vfdev);
	mutex_unlock(&pf->cfg_lock);
	return ret ? ret : (ssize_t)len;
}
EXPORT_SYMBOL_GPL(vfcb_pf_cfg_write);

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
	/* No VF has more blocks than this: bounds the allocation. */
	cap = min_t(u32, bl.count, VFCB_MAX_BLOCKS_PER_VF);
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
	unsigned long flags;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->pf = pf;
	mutex_lock(&pf->cfg_lock);
	if (pf->dead) {
		mutex_unlock(&pf->cfg_lock);
		kfree(f);
		return -ENODEV;
	}
	kref_get(&pf->kref);
	spin_lock_irqsave(&pf->ev_lock, flags);
	list_add_tail(&f->node, &pf->files);
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	mutex_unlock(&pf->cfg_lock);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int vfcb_pf_release_file(struct inode *inode, struct file *file)
{
	struct vfcb_pf_file *f = file->private_data;
	struct vfcb_pf *pf = f->pf;
	unsigned long flags;

	spin_lock_irqsave(&pf->ev_lock, flags);
	list_del(&f->node);
	spin_unlock_irqrestore(&pf->ev_lock, flags);
	kfree(f);
	vfcb_pf_put(pf);
	return 0;
}

static bool vfcb_pf_file_ready(struct vfcb_pf_file *f)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&f->pf->ev_lock, flags);
	ready = f->count || f->dropped;
	spin_unlock_irqrestore(&f->pf->ev_lock, flags);
	return ready;
}

static ssize_t vfcb_pf_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct vfcb_pf_file *f = file->private_data;
	struct vfcb_pf *pf = f->pf;
	struct vfcb_pf_event out[16];
	unsigned int n = 0, max;
	unsigned long flags;
	int ret;

	max = min_t(size_t, count / sizeof(out[0]), ARRAY_SIZE(out));
	if (!max)
		return -EINVAL;

	for (;;) {
		spin_lock_irqsave(&pf->ev_lock, flags);
		if (f->dropped) {
			out[n].type = VFCB_PF_EV_OVERFLOW;
			out[n].vf = 0;
			out[n].block_id = 0;
			out[n].len = f->dropped;
			f->dropped = 0;
			n++;
		}
		while (n < max && f->count) {
			out[n++] = f->ev[f->head];
			f->head = (f->head + 1) % VFCB_PF_EVQ_LEN;
			f->count--;
		}
		spin_unlock_irqrestore(&pf->ev_lock, flags);
		if (n)
			break;
		if (READ_ONCE(pf->dead))
			return -ENODEV;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(pf->ev_wq,
					       vfcb_pf_file_ready(f) ||
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
	if (vfcb_pf_file_ready(f))
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
	pf->misc_registered = true;
	return 0;
}

void vfcb_pf_cdev_unregister(struct vfcb_pf *pf)
{
	if (!pf->misc_registered)
		return;
	misc_deregister(&pf->misc);
	pf->misc_registered = false;
	/* Open files keep the PF; their readers see it is dead. */
	wake_up_interruptible_all(&pf->ev_wq);
}
