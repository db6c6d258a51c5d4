/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfcb userspace ABI: the ioctls of the PF device (/dev/vfcb-pf-<pci addr>,
 * host) and of the VF device (/dev/vfcb-vf-<pci addr>, guest).
 *
 * The argsz rule (as in vfio).  Every argument struct starts with argsz and
 * flags.  Userspace sets argsz to sizeof the struct it was built with.  The
 * kernel:
 *  - refuses argsz below the size of the first version of the struct (the
 *    offset of the end of its last v1 field) with EINVAL;
 *  - reads the bytes it knows, min(argsz, its own sizeof); bytes of a newer
 *    userspace past that must all be zero, or the ioctl fails with EINVAL
 *    and changes nothing;
 *  - treats the fields an older userspace did not send as zero;
 *  - writes back at most min(argsz, its own sizeof) bytes.
 * So fields are only ever appended, and a new field's zero means "as before".
 * flags is input only: bits not defined for that ioctl give EINVAL; no ioctl
 * returns data in flags.  Fields named pad or reserved must be 0 on input
 * (EINVAL) and are 0 on output.  Every struct is a multiple of 8 bytes with
 * no implicit padding, so it lays out the same for 32- and 64-bit userspace.
 * Documentation/api.rst has every errno of every ioctl.
 */
#ifndef _UAPI_LINUX_VFCB_H
#define _UAPI_LINUX_VFCB_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfcb_wire.h>

/*
 * Version of this ABI; 2 gave output its own fields, put the ioctls at
 * 0xCB 20-3F and made every struct a multiple of 8 bytes.  The wire protocol
 * (linux/vfcb_wire.h) has its own versions.
 */
#define VFCB_API_VERSION	2

/*
 * Documentation/userspace-api/ioctl/ioctl-number.rst in Linux lists 0xCB
 * only for 00-1F (CBM serial IEC bus): vfcb uses 0xCB 20-3F, PF 20-2F and
 * VF 30-3F.
 */
#define VFCB_IOCTL_TYPE		0xCB
#define VFCB_PF_BASE		0x20
#define VFCB_VF_BASE		0x30

/* ---------------------------------------------------------------- PF --- */

/**
 * VFCB_PF_GET_INFO - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 0)
 * The PF device's SR-IOV state.
 */
struct vfcb_pf_info {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
	__u32 num_vfs;		/* VFs enabled now */
	__u32 total_vfs;	/* VFs the driver can enable */
	__u32 max_block_size;	/* VFCB_MAX_BLOCK_SIZE */
	__u32 proto_versions;	/* bitmap of wire versions spoken */
};

#define VFCB_PF_GET_INFO	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 0)

/* VF protocol state as seen by the PF. */
enum vfcb_vf_state {
	VFCB_VF_STATE_DOWN	= 0,	/* no handshake since the last reset */
	VFCB_VF_STATE_READY	= 1,	/* handshake done, requests served */
	VFCB_VF_STATE_GONE	= 2,	/* PF side going away */
	VFCB_VF_STATE_NO_VFCB	= 3,	/* the PF's driver has no vfcb */
};

/**
 * VFCB_PF_VF_INFO - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 1)
 * One VF: state, identity, policy, pending invalidations.
 */
struct vfcb_pf_vf_info {
	__u32 argsz;
	__u32 flags;		/* in: none defined, must be 0 */
	__u32 vf;		/* in: VF index */
	__u32 state;		/* out: enum vfcb_vf_state */
	__u32 version;		/* out: negotiated wire version, 0 if none */
	__u32 serial;		/* out: serial number given to the VF */
	__u32 num_blocks;	/* out: blocks defined for the VF */
	__u32 max_blocks;	/* out: block quota of the VF */
	__u32 policy;		/* out: VFCB_POLICY_* in force */
	__u32 reserved;		/* in: must be 0; out: 0 */
	__u64 pending_mask;	/* out: invalidations not yet delivered */
};

#define VFCB_PF_VF_INFO		_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 1)

/* Block flags. */
#define VFCB_BLOCK_VF_WRITABLE	(1u << 0)	/* the VF may write the block */

/**
 * VFCB_PF_SET_BLOCK - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 2)
 * Define a block of a VF or replace its content and block_flags.
 * VFCB_PF_GET_BLOCK - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 3)
 * Read a block: in len = buffer size, out len = block length; ERANGE if
 * the block is longer than len (len then holds the size needed).  Out
 * block_flags are the block's flags (their input is ignored).
 * VFCB_PF_DEL_BLOCK - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 4)
 * Delete a block (len, block_flags and data ignored).
 */
struct vfcb_pf_block {
	__u32 argsz;
	__u32 flags;		/* in: none defined, must be 0 */
	__u32 vf;
	__u32 block_id;
	__u32 len;		/* bytes of data, 0..VFCB_MAX_BLOCK_SIZE */
	__u32 block_flags;	/* VFCB_BLOCK_*: SET in, GET out */
	__u8  data[VFCB_MAX_BLOCK_SIZE];
};

#define VFCB_PF_SET_BLOCK	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 2)
#define VFCB_PF_GET_BLOCK	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 3)
#define VFCB_PF_DEL_BLOCK	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 4)

/**
 * VFCB_PF_LIST_BLOCKS - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 5)
 * IDs of a VF's blocks, ascending.  in count = capacity of the array at
 * ids; out count = number of blocks (may exceed the capacity: only the
 * first capacity IDs are written).
 */
struct vfcb_pf_block_list {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
	__u32 vf;
	__u32 count;
	__u64 ids;		/* user pointer to __u32[count] */
};

#define VFCB_PF_LIST_BLOCKS	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 5)

/* Policy flags. */
#define VFCB_POLICY_VF_CREATE	(1u << 0)	/* VF writes may create blocks */

/**
 * VFCB_PF_SET_POLICY - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 6)
 * Whether the VF may create blocks by writing, and its quota of blocks it
 * creates (1..VFCB_MAX_BLOCKS_PER_VF); the quota cannot go below the
 * number of blocks the VF has created (EBUSY).  The host's own blocks for
 * the VF do not count against it; the host may define up to
 * VFCB_MAX_BLOCKS_PER_VF of its own per VF.
 */
struct vfcb_pf_policy {
	__u32 argsz;
	__u32 flags;		/* in: VFCB_POLICY_* */
	__u32 vf;
	__u32 max_blocks;
};

#define VFCB_PF_SET_POLICY	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 6)
#define VFCB_MAX_BLOCKS_PER_VF	1024
#define VFCB_DEFAULT_MAX_BLOCKS	64

/* Invalidate flags. */
#define VFCB_INVALIDATE_ALL_VFS	(1u << 0)	/* ignore vf, raise on every VF */

/**
 * VFCB_PF_INVALIDATE - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 7)
 * OR mask into the VF's pending invalidations and deliver them as soon as
 * the VF can take them.  Never waits for the VF.
 */
struct vfcb_pf_invalidate {
	__u32 argsz;
	__u32 flags;		/* in: VFCB_INVALIDATE_* */
	__u32 vf;
	__u32 pad;		/* must be 0 */
	__u64 mask;		/* bit n invalidates block ID n; not 0 */
};

#define VFCB_PF_INVALIDATE	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 7)

/**
 * VFCB_PF_CFG_READ - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 8)
 * VFCB_PF_CFG_WRITE - _IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 9)
 * Read or write a VF's PCI configuration space (the equivalent of
 * NdisMGet/SetVirtualFunctionBusData).  Returns the number of bytes
 * transferred.  Documentation/api.rst lists the refused ranges.
 */
struct vfcb_pf_cfg {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
	__u32 vf;
	__u32 offset;		/* byte offset in config space */
	__u32 len;		/* 1..VFCB_CFG_MAX_LEN */
	__u32 pad;		/* must be 0 */
	__u64 buf;		/* user pointer */
};

#define VFCB_PF_CFG_READ	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 8)
#define VFCB_PF_CFG_WRITE	_IO(VFCB_IOCTL_TYPE, VFCB_PF_BASE + 9)
#define VFCB_CFG_MAX_LEN	4096

/*
 * read() on the PF device returns whole struct vfcb_pf_event records: what
 * the VFs did.  Each open file has its own queue.  A record equal in type,
 * VF and block to one not read yet replaces it (it moves to the end, with
 * the newest len): a VF resetting in a loop holds one record, not the
 * queue.  If the queue still overflows, the oldest records are dropped
 * and the next read starts with an OVERFLOW record: len = how many,
 * block_id = the VFs they concerned (bit n for VF n, bit 31 for VF 31 and
 * above).  The kernel notifier gets the same OVERFLOW event.
 */
enum vfcb_pf_event_type {
	VFCB_PF_EV_VF_WRITE	= 1,	/* VF wrote block_id (len bytes) */
	VFCB_PF_EV_VF_READY	= 2,	/* VF completed its handshake */
	VFCB_PF_EV_VF_RESET	= 3,	/* VF was reset (FLR / VF reset) */
	VFCB_PF_EV_OVERFLOW	= 4,	/* len dropped, block_id = their VFs */
};

struct vfcb_pf_event {
	__u32 type;
	__u32 vf;
	__u32 block_id;
	__u32 len;
};

/* ---------------------------------------------------------------- VF --- */

/**
 * VFCB_VF_GET_INFO - _IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 0)
 * Identity the PF gave this VF in the handshake.
 */
struct vfcb_vf_info {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
	__u32 state;		/* enum vfcb_vf_state */
	__u32 vf_index;
	__u32 serial;
	__u32 version;		/* wire version in use, 0 unless READY */
	__u32 max_block_size;
	__u32 pad;		/* in: must be 0; out: 0 */
};

#define VFCB_VF_GET_INFO	_IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 0)

/**
 * VFCB_VF_READ - _IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 1)
 * Read a block from the PF.  in len = buffer size (1..128); out len =
 * bytes read, or with ERANGE the size needed.
 * VFCB_VF_WRITE - _IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 2)
 * Write len bytes (0..128) of data to a block.
 */
struct vfcb_vf_block {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
	__u32 block_id;
	__u32 len;
	__u8  data[VFCB_MAX_BLOCK_SIZE];
};

#define VFCB_VF_READ		_IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 1)
#define VFCB_VF_WRITE		_IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 2)

/**
 * VFCB_VF_PING - _IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 3)
 * One no-op round trip to the PF (liveness, benchmarks).
 */
struct vfcb_vf_ping {
	__u32 argsz;
	__u32 flags;		/* none defined, must be 0 */
};

#define VFCB_VF_PING		_IO(VFCB_IOCTL_TYPE, VFCB_VF_BASE + 3)

/* The invalidation mask handed out after a handshake: re-read everything. */
#define VFCB_INVALIDATE_EVERYTHING	(~(__u64)0)

/*
 * read() on the VF device blocks until the file's accumulated invalidation
 * mask is non-zero, then returns it as one __u64 and clears it.  After
 * every handshake with the PF (the driver's probe, a VF or PF reset) the
 * mask is VFCB_INVALIDATE_EVERYTHING: changes may have gone unseen, re-read
 * every block.  The first file to subscribe takes what arrived while none
 * was subscribed.  poll()
 * reports POLLIN while it is non-zero, and POLLOUT while the handshake is
 * done and no request or unacked message is in the mailbox.  O_NONBLOCK:
 * read() gives EAGAIN with nothing to read, and an ioctl that would wait
 * for the handshake, for another caller's request or for the ack of an
 * earlier request's message gives EAGAIN.  VFCB_VF_WRITE needs a file
 * opened for writing (EBADF).
 */

#endif /* _UAPI_LINUX_VFCB_H */
