/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How vfcb rides igb's PF/VF mailbox protocol on the 82576 (shared by the
 * igb and igbvf transports, igb_vfcb.c and igbvf_vfcb.c).
 *
 * igb's messages put their type in bits 15:0 of dword 0 (E1000_VF_RESET
 * 0x01 .. E1000_VF_SET_PROMISC 0x06 from the VF, E1000_PF_CONTROL_MSG
 * 0x0100 from the PF), "message info" in bits 23:16 and the flags ACK,
 * NACK and CTS in bits 31:29.  A vfcb message is one more type: dword 0 is
 * VFCB_IGB_MSG_TYPE with no info and no flags but, from the PF, CTS when
 * igb counts the VF clear to send (as on its pings), and the vfcb message
 * (Documentation/protocol.rst) follows in dwords 1..15, so the vfcb
 * transport carries messages of VFCB_IGB_MSG_DWORDS dwords.  An igb that
 * does not know the type answers it the way it answers any unknown
 * message: the same dword 0 with NACK (and CTS) set.
 */
#ifndef _VFCB_IGB_MSG_H
#define _VFCB_IGB_MSG_H

#include <linux/string.h>
#include <linux/types.h>

#define VFCB_IGB_MSG_TYPE	0x0FCB	/* outside every E1000_VF_* type */
#define VFCB_IGB_TYPE_MASK	0xFFFF
#define VFCB_IGB_MSG_DWORDS	15	/* 16-dword mailbox less igb's dword 0 */

/*
 * Frame the @ndw-dword vfcb message @msg as an igb message at @out (room
 * for VFCB_IGB_MSG_DWORDS + 1 dwords); returns the igb message's length.
 */
static inline unsigned int vfcb_igb_frame(u32 *out, const u32 *msg,
					  unsigned int ndw)
{
	out[0] = VFCB_IGB_MSG_TYPE;
	memcpy(&out[1], msg, ndw * sizeof(*msg));
	return ndw + 1;
}

#endif /* _VFCB_IGB_MSG_H */
