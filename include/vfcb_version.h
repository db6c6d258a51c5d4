/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One version for both modules and dkms.conf: they ship together, even
 * though the wire protocol lets either side be upgraded alone.
 */
#ifndef _VFCB_VERSION_H
#define _VFCB_VERSION_H

#define VFCB_VERSION	"1.0"

#endif /* _VFCB_VERSION_H */
