// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: the exported block API (include/vfcb_pf.h), what a host driver
 * or the PF's character device does with the VFs' blocks.  Each function
 * holds api_lock for read, so unregistering waits for it and it never sees
 * a VF being torn down; none waits for a VF.
 */
#include <linux/module.h>

#include "vfcb_pf_core.h"

/* Look up VF @vf for a host-side operation; api_lock held for read. */
struct vfcb_pf_vf *vfcb_pf_vf_lookup(struct vfcb_pf *pf, unsigned int vf)
{
	lockdep_assert_held(&pf->api_lock);
	/* Unregistered: SR-IOV is off or going, no VF exists any more. */
	if (pf->dead)
		return ERR_PTR(-ENODEV);
	if (vf >= pf->num_vfs)
		return ERR_PTR(-ENOENT);
	return &pf->vfs[vf];
}

/**
 * vfcb_pf_num_vfs() - number of VFs enabled
 * @pf: the instance
 *
 * Context: process context; may sleep.
 * Return: the number of VFs, 0 if SR-IOV is off, -ENODEV if unbound.
 */
int vfcb_pf_num_vfs(struct vfcb_pf *pf)
{
	int ret;

	down_read(&pf->api_lock);
	ret = pf->dead ? -ENODEV : pf->num_vfs;
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_num_vfs);

/**
 * vfcb_pf_set_block() - define a block of a VF or replace it
 * @pf: the instance
 * @vf: VF index
 * @block_id: any 32-bit ID
 * @data: content
 * @len: bytes at @data, 0..VFCB_MAX_BLOCK_SIZE
 * @flags: VFCB_BLOCK_VF_WRITABLE if the VF may write it
 *
 * The host's blocks do not count against the VF's quota (max_blocks,
 * which limits blocks the VF creates): the host may define up to
 * VFCB_MAX_BLOCKS_PER_VF of its own per VF.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for unknown @flags, -EMSGSIZE if @len is too big,
 * -ENOSPC if the host already defined VFCB_MAX_BLOCKS_PER_VF blocks for
 * this VF, -ENOMEM, or a VF lookup error.
 */
int vfcb_pf_set_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      const void *data, u32 len, u32 flags)
{
	struct vfcb_pf_vf *v;
	int ret;

	if (flags & ~VFCB_BLOCK_VF_WRITABLE)
		return -EINVAL;
	if (len > VFCB_MAX_BLOCK_SIZE)
		return -EMSGSIZE;
	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_set(&v->blocks, block_id, data, len, flags);
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_set_block);

/**
 * vfcb_pf_get_block() - read a block of a VF
 * @pf: the instance
 * @vf: VF index
 * @block_id: the block
 * @buf: destination
 * @len: in: size of @buf; out: the block's length (also on -ERANGE)
 * @flags: out: the block's VFCB_BLOCK_* flags
 *
 * Context: process context; may sleep.
 * Return: 0; -ENODATA if there is no such block, -ERANGE if @buf is too
 * small, or a VF lookup error.
 */
int vfcb_pf_get_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id,
		      void *buf, u32 *len, u32 *flags)
{
	struct vfcb_pf_vf *v;
	int ret;

	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_get(&v->blocks, block_id, buf, len, flags);
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get_block);

/**
 * vfcb_pf_del_block() - delete a block of a VF
 * @pf: the instance
 * @vf: VF index
 * @block_id: the block
 *
 * Context: process context; may sleep.
 * Return: 0; -ENODATA if there is no such block, or a VF lookup error.
 */
int vfcb_pf_del_block(struct vfcb_pf *pf, unsigned int vf, u32 block_id)
{
	struct vfcb_pf_vf *v;
	int ret;

	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) : vfcb_pf_blocks_del(&v->blocks, block_id);
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_del_block);

/**
 * vfcb_pf_list_blocks() - IDs of a VF's blocks, ascending
 * @pf: the instance
 * @vf: VF index
 * @ids: destination, room for @cap IDs
 * @cap: capacity of @ids
 * @count: out: number of blocks, which may exceed @cap
 *
 * Context: process context; may sleep.
 * Return: 0 or a VF lookup error.
 */
int vfcb_pf_list_blocks(struct vfcb_pf *pf, unsigned int vf, u32 *ids,
			u32 cap, u32 *count)
{
	struct vfcb_pf_vf *v;
	int ret;

	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_list(&v->blocks, ids, cap, count);
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_list_blocks);

/**
 * vfcb_pf_set_policy() - what a VF may do with its blocks
 * @pf: the instance
 * @vf: VF index
 * @flags: VFCB_POLICY_VF_CREATE if the VF may create blocks by writing
 * @max_blocks: the VF's block quota, 1..VFCB_MAX_BLOCKS_PER_VF
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for unknown @flags or @max_blocks out of range,
 * -EBUSY if the VF already created more than @max_blocks blocks, or a VF lookup
 * error.
 */
int vfcb_pf_set_policy(struct vfcb_pf *pf, unsigned int vf, u32 flags,
		       u32 max_blocks)
{
	struct vfcb_pf_vf *v;
	int ret;

	if ((flags & ~VFCB_POLICY_VF_CREATE) || !max_blocks ||
	    max_blocks > VFCB_MAX_BLOCKS_PER_VF)
		return -EINVAL;
	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	ret = IS_ERR(v) ? PTR_ERR(v) :
	      vfcb_pf_blocks_set_policy(&v->blocks, flags, max_blocks);
	up_read(&pf->api_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfcb_pf_set_policy);

/**
 * vfcb_pf_get_vf_info() - a VF's state, identity, policy and pending mask
 * @pf: the instance
 * @vf: VF index
 * @info: out: state, version, serial, num_blocks, max_blocks, policy and
 *	pending_mask (@info->vf is set to @vf; argsz, flags and reserved are
 *	left alone)
 *
 * Context: process context; may sleep.
 * Return: 0 or a VF lookup error.
 */
int vfcb_pf_get_vf_info(struct vfcb_pf *pf, unsigned int vf,
			struct vfcb_pf_vf_info *info)
{
	struct vfcb_pf_vf *v;

	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf);
	if (IS_ERR(v)) {
		up_read(&pf->api_lock);
		return PTR_ERR(v);
	}
	vfcb_pf_blocks_info(&v->blocks, &info->num_blocks, &info->max_blocks,
			    &info->policy);
	info->vf = vf;
	spin_lock_irq(&v->lock);
	if (pf->going_away)
		info->state = VFCB_VF_STATE_GONE;
	else
		info->state = v->ep.ready ? VFCB_VF_STATE_READY :
					    VFCB_VF_STATE_DOWN;
	info->version = v->ep.version;
	info->serial = v->ep.serial;
	/* Posted but not acked is not delivered yet either. */
	info->pending_mask = v->ep.pending_mask | v->ep.inflight_mask;
	spin_unlock_irq(&v->lock);
	up_read(&pf->api_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfcb_pf_get_vf_info);

/**
 * vfcb_pf_invalidate() - tell VFs that blocks changed
 * @pf: the instance
 * @vf: VF index, or VFCB_PF_ALL_VFS for every VF enabled
 * @mask: bit n invalidates block ID n (0..63); must not be 0
 *
 * ORs @mask into each VF's pending invalidations and posts them as soon as
 * the VF can take them (handshake done, mailbox free); masks accumulate and
 * survive VF resets.  Never waits for a VF.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL if @mask is 0 or @vf is negative but not
 * VFCB_PF_ALL_VFS, or a VF lookup error.
 */
int vfcb_pf_invalidate(struct vfcb_pf *pf, int vf, u64 mask)
{
	unsigned int i, first, last;
	struct vfcb_pf_vf *v;

	if (!mask || (vf < 0 && vf != VFCB_PF_ALL_VFS))
		return -EINVAL;

	down_read(&pf->api_lock);
	v = vfcb_pf_vf_lookup(pf, vf < 0 ? 0 : vf);
	if (IS_ERR(v)) {
		up_read(&pf->api_lock);
		return PTR_ERR(v);
	}
	first = vf < 0 ? 0 : vf;
	last = vf < 0 ? pf->num_vfs - 1 : (unsigned int)vf;
	for (i = first; i <= last; i++)
		vfcb_pf_mbx_invalidate(&pf->vfs[i], mask);
	up_read(&pf->api_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfcb_pf_invalidate);

/**
 * vfcb_pf_register_notifier() - listen to what the VFs do
 * @pf: the instance
 * @nb: called with action = enum vfcb_pf_event_type and data = a
 *	const struct vfcb_pf_event *, in process context (a workqueue), with
 *	no vfcb_pf lock held: it may call every vfcb_pf function but
 *	vfcb_pf_register_notifier() and vfcb_pf_unregister_notifier(), which
 *	wait for the chain's rwsem that the call holds (a deadlock).
 *
 * Context: process context; may sleep.  Not from a notifier callback.
 * Return: 0 or -ENODEV if the PF is unbound.
 */
int vfcb_pf_register_notifier(struct vfcb_pf *pf, struct notifier_block *nb)
{
	/*
	 * Not under api_lock: the chain's own rwsem waits for a running
	 * callback, which may be waiting for api_lock behind unregister.
	 * A registration racing with unregister is harmless: once
	 * vfcb_pf_events_stop() has flushed the last events, nothing calls
	 * the chain again.
	 */
	if (READ_ONCE(pf->dead))
		return -ENODEV;
	return blocking_notifier_chain_register(&pf->ntf_chain, nb);
}
EXPORT_SYMBOL_GPL(vfcb_pf_register_notifier);

/**
 * vfcb_pf_unregister_notifier() - stop listening
 * @pf: the instance
 * @nb: as registered
 *
 * When this returns, @nb is not running and will not be called again.
 *
 * Context: process context; may sleep.  Not from a notifier callback
 * (@nb's or another's): the call holds the chain's rwsem.
 * Return: 0 or -ENOENT if @nb was not registered.
 */
int vfcb_pf_unregister_notifier(struct vfcb_pf *pf,
				struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&pf->ntf_chain, nb);
}
EXPORT_SYMBOL_GPL(vfcb_pf_unregister_notifier);

