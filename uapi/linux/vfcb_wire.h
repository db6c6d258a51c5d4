/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfcb wire protocol: the messages vfcb_pf and vfcb_vf exchange through a
 * PF/VF mailbox.  A message is 4..64 dwords, header included (4..16 in wire
 * version 1); the largest a mailbox carries is a property of the
 * transport, not negotiated (Intel 82576 VMBMEM: 16 dwords; 15 behind a
 * host driver's own header dword; a message-queue mailbox more).
 * The two modules are
 * installed and upgraded independently, so this is an ABI: values are
 * append-only and the HELLO exchange never changes shape.
 *
 * Documentation/protocol.rst is the specification; this file is its C form.
 */
#ifndef _UAPI_LINUX_VFCB_WIRE_H
#define _UAPI_LINUX_VFCB_WIRE_H

#include <linux/types.h>

/*
 * Protocol versions.  A side announces the set it speaks as a bitmap; the
 * PF picks the highest common one in HELLO.  v2 differs from v1 only in the
 * header: a 6-bit ndw (messages up to 64 dwords) and a 4-bit status.
 */
#define VFCB_PROTO_V1			1
#define VFCB_PROTO_V2			2
#define VFCB_PROTO_VERSIONS		((1u << VFCB_PROTO_V1) | (1u << VFCB_PROTO_V2))

/*
 * Largest message, header included, in dwords.  The 4-bit ndw field of
 * wire v1 caps a message at 1 + 15 dwords, the 6-bit ndw of v2 at 1 + 63:
 * a transport may state up to VFCB_MSG_MAX_DWORDS, and two ends use
 * min(that, the negotiated version's maximum) (a v1 peer: 16).  At 35
 * dwords and v2 a 128-byte block travels in one message either way.  The
 * smallest size with which every message still fits is 4, the HELLO
 * completion (header + 3 dwords); at 4 dwords a 128-byte WRITE takes 12
 * fragments, within the 16 the frag field counts.
 */
#define VFCB_MSG_MIN_DWORDS		4
#define VFCB_MSG_V1_MAX_DWORDS		16
#define VFCB_MSG_V2_MAX_DWORDS		64
#define VFCB_MSG_MAX_DWORDS		VFCB_MSG_V2_MAX_DWORDS
#define VFCB_MBX_DWORDS			VFCB_MSG_V1_MAX_DWORDS	/* the 82576's */
#define VFCB_MAX_BLOCK_SIZE		128	/* bytes in one config block */
#define VFCB_INVALIDATE_IDS		64	/* block IDs 0..63 can be invalidated */

/*
 * Header, dword 0 of every message, wire version 1 (and HELLO and its
 * completion in every version):
 *
 *   31      24 23    18 17  16  15  12 11   8 7       0
 *  +----------+--------+----+----+------+------+---------+
 *  |   tag    | status |MORE|RESP| frag | ndw  | opcode  |
 *  +----------+--------+----+----+------+------+---------+
 *
 * opcode: VFCB_OP_*.
 * ndw:    number of dwords that follow the header (0..15, and at most
 *         the transport's message size - 1); the receiver reads exactly
 *         that many.
 * frag:   fragment index of a multi-message transfer, 0 for the first.
 * RESP:   set on a completion (PF to VF answer to a request).
 * MORE:   another fragment of this transfer follows.
 * status: VFCB_ST_* on a completion; 0 on requests and notifications.
 * tag:    chosen by the VF per request and echoed in its completion;
 *         0 on notifications.
 *
 * Wire version 2 gives the two top bits of v1's status field to ndw:
 *
 *   31      24 23 22 21  18 17  16  15  12 11   8 7       0
 *  +----------+-----+------+----+----+------+------+---------+
 *  |   tag    |ndw  |status|MORE|RESP| frag | ndw  | opcode  |
 *  |          |5:4  |      |    |    |      | 3:0  |         |
 *  +----------+-----+------+----+----+------+------+---------+
 *
 * ndw:    0..63 (ndw 3:0 in bits 11:8, ndw 5:4 in bits 23:22).
 * status: 0..15 (VFCB_HDR2_STATUS_MAX).
 * Every other field is v1's, bit for bit, so a message of at most 16
 * dwords with a status below 16 (every message a v1 peer sends or can
 * take) reads the same in both versions.
 */
#define VFCB_HDR_OPCODE_MASK		0x000000ffu
#define VFCB_HDR_NDW_SHIFT		8
#define VFCB_HDR_NDW_MASK		0x00000f00u
#define VFCB_HDR_FRAG_SHIFT		12
#define VFCB_HDR_FRAG_MASK		0x0000f000u
#define VFCB_HDR_RESP			0x00010000u
#define VFCB_HDR_MORE			0x00020000u
#define VFCB_HDR_STATUS_SHIFT		18
#define VFCB_HDR_STATUS_MASK		0x00fc0000u
#define VFCB_HDR_TAG_SHIFT		24
#define VFCB_HDR_TAG_MASK		0xff000000u

/* Wire v2: what differs from v1. */
#define VFCB_HDR2_NDW_HI_SHIFT		22	/* ndw bits 5:4 */
#define VFCB_HDR2_NDW_HI_MASK		0x00c00000u
#define VFCB_HDR2_STATUS_MASK		0x003c0000u
#define VFCB_HDR2_STATUS_MAX		15

/* Opcodes.  Requests go VF to PF and get exactly one completion. */
enum vfcb_opcode {
	VFCB_OP_HELLO		= 0x01,	/* version negotiation, identity */
	VFCB_OP_PING		= 0x02,	/* no-op, liveness / bare round trip */
	VFCB_OP_READ		= 0x03,	/* read a config block */
	VFCB_OP_WRITE		= 0x04,	/* write a config block */
	/* Notifications go PF to VF, carry tag 0 and are never answered. */
	VFCB_OP_INVALIDATE	= 0x40,	/* 64-bit mask of invalidated IDs */
	VFCB_OP_PF_RESET	= 0x41,	/* PF leaving or resetting */
};

/* Completion status, header bits 23:18 (v1), 21:18 (v2). */
enum vfcb_status {
	VFCB_ST_OK		= 0,
	VFCB_ST_NOT_FOUND	= 1,	/* no such block */
	VFCB_ST_DENIED		= 2,	/* policy forbids this VF the access */
	VFCB_ST_TOO_BIG		= 3,	/* length above the block size limit */
	VFCB_ST_BUF_TOO_SMALL	= 4,	/* READ: block longer than the buffer */
	VFCB_ST_BAD_REQUEST	= 5,	/* malformed message or fragment */
	VFCB_ST_NOT_READY	= 6,	/* request before the handshake */
	VFCB_ST_BAD_VERSION	= 7,	/* no common protocol version */
	VFCB_ST_UNSUPPORTED	= 8,	/* unknown opcode */
	VFCB_ST_NO_SPACE	= 9,	/* VF's block quota exhausted */
	VFCB_ST_BUSY		= 10,	/* VF is throttled, retry later */
	/* The largest v1 carries; v2 carries 0..VFCB_HDR2_STATUS_MAX, and
	 * new statuses stay below that.  A PF asked to send a status the
	 * version cannot carry sends VFCB_ST_BAD_REQUEST.
	 */
	VFCB_ST_MAX		= 63,
};

/*
 * Payloads (dwords after the header), by opcode:
 *
 * HELLO request:     dw1 = bitmap of versions the VF speaks.
 * HELLO completion:  dw1 = version (7:0) | VF index (15:8) |
 *                          max block size (23:16) | reserved (31:24);
 *                    dw2 = serial number, unique per VF of this PF;
 *                    dw3 = bitmap of versions the PF speaks.
 *                    This layout, and the v1 header of HELLO and of its
 *                    completion, are frozen for every version: a VF of any
 *                    version can decode it.  On VFCB_ST_BAD_VERSION the
 *                    version field is 0 and dw3 tells the VF what to speak.
 * PING:              no payload either way.
 * READ request:      dw1 = block ID; dw2 = buffer length (7:0), 1..128.
 * READ completion:   fragment 0: dw1 = block length (7:0); data follows.
 *                    Later fragments: data only.  On VFCB_ST_BUF_TOO_SMALL
 *                    dw1 is the length needed and no data follows.
 * WRITE request:     fragment 0: dw1 = block ID; dw2 = length (7:0),
 *                    0..128; data follows.  Later fragments: data only.
 * WRITE completion:  no payload.
 * INVALIDATE:        dw1 = mask bits 31:0, dw2 = mask bits 63:32.
 * PF_RESET:          dw1 = VFCB_RESET_* reason.
 *
 * Data is packed little-endian into dwords; the last dword of a transfer
 * is zero padded.  Every fragment except the last is full (ndw = message
 * size - 1, the size the two ends use for the negotiated version).
 */
#define VFCB_HELLO_VERSION_MASK		0x000000ffu
#define VFCB_HELLO_VF_SHIFT		8
#define VFCB_HELLO_VF_MASK		0x0000ff00u
#define VFCB_HELLO_MAXBLK_SHIFT		16
#define VFCB_HELLO_MAXBLK_MASK		0x00ff0000u
#define VFCB_LEN_MASK			0x000000ffu

enum vfcb_reset_reason {
	VFCB_RESET_GOING_AWAY	= 0,	/* PF driver unbinding / SR-IOV off */
	VFCB_RESET_RESTART	= 1,	/* PF resetting, will be back */
};

/* Dwords of block data in the first fragment of a READ completion, of a
 * WRITE request, and in every later fragment, for messages of @msg_dw
 * dwords (VFCB_MSG_MIN_DWORDS..VFCB_MSG_MAX_DWORDS, the size the two ends
 * use for the negotiated version).
 */
#define VFCB_READ_FRAG0_DATA(msg_dw)	((msg_dw) - 2)
#define VFCB_WRITE_FRAG0_DATA(msg_dw)	((msg_dw) - 3)
#define VFCB_FRAGN_DATA(msg_dw)		((msg_dw) - 1)

/* The same for 16-dword messages (the 82576's mailbox). */
#define VFCB_READ_FRAG0_DATA_DW		VFCB_READ_FRAG0_DATA(VFCB_MBX_DWORDS)
#define VFCB_WRITE_FRAG0_DATA_DW	VFCB_WRITE_FRAG0_DATA(VFCB_MBX_DWORDS)
#define VFCB_FRAGN_DATA_DW		VFCB_FRAGN_DATA(VFCB_MBX_DWORDS)

#endif /* _UAPI_LINUX_VFCB_WIRE_H */
