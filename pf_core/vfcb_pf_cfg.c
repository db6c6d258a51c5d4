// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: a VF's PCI configuration space, read and written by the host
 * (NdisMGetVirtualFunctionBusData / NdisMSetVirtualFunctionBusData), with
 * the ranges the PCI core and the VF's own driver manage refused.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfcb_pf_core.h"

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
 * AER: its masks and severities belong to the AER driver.
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

/* AER up to the TLP prefix log; the AER core owns its masks and severity. */
#define VFCB_PF_AER_SIZEOF	0x48

static const struct {
	u16 id;
	u16 len;
} vfcb_pf_cfg_ext_caps[] = {
	{ PCI_EXT_CAP_ID_SRIOV, PCI_EXT_CAP_SRIOV_SIZEOF },
	{ PCI_EXT_CAP_ID_ARI, PCI_EXT_CAP_ARI_SIZEOF },
	{ PCI_EXT_CAP_ID_ATS, PCI_EXT_CAP_ATS_SIZEOF },
	{ PCI_EXT_CAP_ID_ERR, VFCB_PF_AER_SIZEOF },
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
 * The VF's pci_dev with a reference, or NULL.  The caller keeps the VFs
 * from being disabled meanwhile (api_lock held, or between register and
 * unregister).  (The PCI core exports no lookup by VF index:
 * pci_iov_virtfn_bus() is private, so the PF's VFs are scanned.)
 */
struct pci_dev *vfcb_pf_vf_pdev(struct vfcb_pf *pf, unsigned int vf)
{
	struct pci_dev *pdev = pf->pdev, *vfdev = NULL;

	while ((vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev))) {
		if (vfdev->is_virtfn && pci_physfn(vfdev) == pdev &&
		    pci_iov_vf_id(vfdev) == (int)vf)
			return vfdev;
	}
	return NULL;
}

/* Look up the VF and check the range; api_lock held for read. */
static struct pci_dev *vfcb_pf_cfg_begin(struct vfcb_pf *pf, unsigned int vf,
					 u32 off, u32 len)
{
	struct vfcb_pf_vf *v = vfcb_pf_vf_lookup(pf, vf);
	struct pci_dev *vfdev;

	if (IS_ERR(v))
		return ERR_CAST(v);
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

/*
 * A write of @n bytes at @off (@v, its bytes in config-space order) keeps
 * the command bits the VF's driver owns as they are now.
 * vfcb_pf_cfg_check_write() refused a change of them before the transfer
 * began; read again right before the write, a change the driver made
 * since (vfio-pci enabling decode) is kept, not undone.  What is left is
 * one read and one write, as in the PCI core's own pci_set_master().
 */
static int cfg_keep_owned(struct pci_dev *vfdev, u32 off, u32 n, u32 *v)
{
	u32 i, owned, cmd;
	u16 cur;

	if (!overlaps(off, n, PCI_COMMAND, 2))
		return 0;
	if (pci_user_read_config_word(vfdev, PCI_COMMAND, &cur))
		return -EIO;
	for (i = PCI_COMMAND; i < PCI_COMMAND + 2; i++) {
		if (i < off || i >= off + n)
			continue;
		owned = (VFCB_PF_CMD_OWNED >> (8 * (i - PCI_COMMAND))) & 0xff;
		cmd = (cur >> (8 * (i - PCI_COMMAND))) & owned;
		*v &= ~(owned << (8 * (i - off)));
		*v |= cmd << (8 * (i - off));
	}
	return 0;
}

/*
 * Move @len bytes between @buf and @vfdev's config space at @offset, in
 * naturally aligned accesses, waiting while the PCI core blocks config
 * access (a VF reset).  Returns 0 or -EIO; *@done says how far it got.
 */
static int cfg_xfer(struct pci_dev *vfdev, u32 offset, u8 *buf, u32 len,
		    bool write, u32 *done)
{
	int ret = 0;

	for (*done = 0; *done < len && !ret;) {
		u32 off = offset + *done, n = cfg_step(off, len - *done);
		u8 *p = buf + *done;
		u32 v = 0, i;
		u16 v16;
		u8 v8;

		if (write) {
			for (i = 0; i < n; i++)
				v |= (u32)p[i] << (8 * i);
			ret = cfg_keep_owned(vfdev, off, n, &v);
			if (ret)
				break;
			if (n == 4)
				ret = pci_user_write_config_dword(vfdev, off, v);
			else if (n == 2)
				ret = pci_user_write_config_word(vfdev, off, v);
			else
				ret = pci_user_write_config_byte(vfdev, off, v);
		} else {
			if (n == 4) {
				ret = pci_user_read_config_dword(vfdev, off, &v);
			} else if (n == 2) {
				ret = pci_user_read_config_word(vfdev, off, &v16);
				v = v16;
			} else {
				ret = pci_user_read_config_byte(vfdev, off, &v8);
				v = v8;
			}
			for (i = 0; i < n; i++)
				p[i] = v >> (8 * i);
		}
		if (!ret)
			*done += n;
	}
	return ret ? -EIO : 0;
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
	u32 done;
	int ret;

	down_read(&pf->api_lock);
	vfdev = vfcb_pf_cfg_begin(pf, vf, offset, len);
	if (IS_ERR(vfdev)) {
		up_read(&pf->api_lock);
		return PTR_ERR(vfdev);
	}
	ret = cfg_xfer(vfdev, offset, buf, len, false, &done);
	pci_dev_put(vfdev);
	up_read(&pf->api_lock);
	return ret ? ret : (ssize_t)len;
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
 * (BARs, identity, PM/MSI/MSI-X/PCIe/SR-IOV/ARI/ATS/AER capabilities, the
 * command register's decode/bus-master/INTx bits) writes nothing.  The
 * range is read first, so a write that fails part-way (-EIO) puts back
 * what it had already changed: all or nothing, as far as the device lets.
 *
 * Context: process context; may sleep.
 * Return: @len, or -EPERM (refused range), -EINVAL, -EMSGSIZE, -EIO, or a
 * VF lookup error.
 */
ssize_t vfcb_pf_cfg_write(struct vfcb_pf *pf, unsigned int vf, u32 offset,
			  const void *buf, u32 len)
{
	struct pci_dev *vfdev;
	u32 done, undone;
	u8 *old;
	int ret;

	old = kmalloc(min_t(u32, len, VFCB_CFG_MAX_LEN), GFP_KERNEL);
	if (!old)
		return -ENOMEM;
	down_read(&pf->api_lock);
	vfdev = vfcb_pf_cfg_begin(pf, vf, offset, len);
	if (IS_ERR(vfdev)) {
		up_read(&pf->api_lock);
		kfree(old);
		return PTR_ERR(vfdev);
	}
	ret = vfcb_pf_cfg_check_write(vfdev, offset, len, buf);
	if (!ret)
		ret = cfg_xfer(vfdev, offset, old, len, false, &done);
	if (!ret) {
		/* cfg_xfer() only reads @buf when writing. */
		ret = cfg_xfer(vfdev, offset, (u8 *)buf, len, true, &done);
		if (ret && done) {
			cfg_xfer(vfdev, offset, old, done, true, &undone);
			pci_warn(pf->pdev,
				 "VF %u config write at %#x failed after %u of %u bytes; %u put back\n",
				 vf, offset, done, len, undone);
		}
	}
	pci_dev_put(vfdev);
	up_read(&pf->api_lock);
	kfree(old);
	return ret ? ret : (ssize_t)len;
}
EXPORT_SYMBOL_GPL(vfcb_pf_cfg_write);
