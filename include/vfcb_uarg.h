/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argsz rule of uapi/linux/vfcb.h, shared by the PF and VF devices.
 */
#ifndef _VFCB_UARG_H
#define _VFCB_UARG_H

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>

/**
 * vfcb_uarg_get() - copy in an ioctl argument struct
 * @karg: the kernel's struct
 * @ksize: sizeof the kernel's struct
 * @minsz: size of the struct's first version
 * @uarg: user pointer, whose first __u32 is argsz
 *
 * Fields an older userspace did not send are zeroed; bytes a newer one sent
 * past @ksize must be zero.
 *
 * Return: the number of bytes to copy back, min(argsz, @ksize); -EINVAL if
 * argsz is below @minsz or a byte past @ksize is not zero; -EFAULT.
 */
static inline int vfcb_uarg_get(void *karg, size_t ksize, size_t minsz,
				void __user *uarg)
{
	u32 argsz;
	int ret;

	if (get_user(argsz, (u32 __user *)uarg))
		return -EFAULT;
	if (argsz < minsz)
		return -EINVAL;
	ret = copy_struct_from_user(karg, ksize, uarg, argsz);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	return min_t(size_t, argsz, ksize);
}

#endif /* _VFCB_UARG_H */
