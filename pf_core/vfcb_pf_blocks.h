/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf: one VF's configuration blocks, in host memory.
 */
#ifndef _VFCB_PF_BLOCKS_H
#define _VFCB_PF_BLOCKS_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/rbtree.h>

/**
 * struct vfcb_pf_blocks - the blocks of one VF and the VF's policy
 * @lock: protects everything below (the entries in @tree included: an
 *	entry is only read or changed with @lock held).  A mutex: the host
 *	side and the serve work both run in process context, and block
 *	creation allocates with GFP_KERNEL.
 * @tree: struct vfcb_pf_block_ent by block ID.  An rbtree, not an xarray:
 *	one node per block whatever the IDs, so the memory a VF can make the
 *	host spend is its quota times one entry, even for scattered IDs.
 * @host_count: blocks the host created, at most VFCB_MAX_BLOCKS_PER_VF
 * @vf_count: blocks the VF created, at most @max_blocks
 * @max_blocks: the VF's quota, 1..VFCB_MAX_BLOCKS_PER_VF; the host's own
 *	blocks do not count against it, nor the VF's against the host
 * @policy: VFCB_POLICY_*
 */
struct vfcb_pf_blocks {
	struct mutex lock;	/* everything below, entries included */
	struct rb_root tree;
	u32 host_count;
	u32 vf_count;
	u32 max_blocks;
	u32 policy;
};

void vfcb_pf_blocks_init(struct vfcb_pf_blocks *b);
void vfcb_pf_blocks_destroy(struct vfcb_pf_blocks *b);

/* Host side; errno results (see include/vfcb_pf.h). */
int vfcb_pf_blocks_set(struct vfcb_pf_blocks *b, u32 id, const void *data,
		       u32 len, u32 flags);
int vfcb_pf_blocks_get(struct vfcb_pf_blocks *b, u32 id, void *buf,
		       u32 *len, u32 *flags);
int vfcb_pf_blocks_del(struct vfcb_pf_blocks *b, u32 id);
int vfcb_pf_blocks_list(struct vfcb_pf_blocks *b, u32 *ids, u32 cap,
			u32 *count);
int vfcb_pf_blocks_set_policy(struct vfcb_pf_blocks *b, u32 policy,
			      u32 max_blocks);
void vfcb_pf_blocks_info(struct vfcb_pf_blocks *b, u32 *count,
			 u32 *max_blocks, u32 *policy);

/* VF side: the request's answer, a VFCB_ST_* status. */
u8 vfcb_pf_blocks_vf_read(struct vfcb_pf_blocks *b, u32 id, void *buf,
			  u32 bufsize, u32 *len);
u8 vfcb_pf_blocks_vf_write(struct vfcb_pf_blocks *b, u32 id,
			   const void *data, u32 len);

#endif /* _VFCB_PF_BLOCKS_H */
