/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One version for both modules and dkms.conf: they ship together, even
 * though the wire protocol lets either side be upgraded alone.  The major
 * number follows VFCB_API_VERSION (uapi/linux/vfcb.h): 2.0 is the first
 * with the argsz rule, output in its own fields and ioctls at 0xCB 20-3F.
 */
#ifndef _VFCB_VERSION_H
#define _VFCB_VERSION_H

#define VFCB_VERSION	"2.0"

#endif /* _VFCB_VERSION_H */
