// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: per-VF block store.  Each VF has its own store, reached only
 * through that VF's index: a VF's requests are served from its own store and
 * nothing else, which is the whole of the isolation between VFs.
 *
 * Blocks and policy live as long as the VF exists (SR-IOV enabled); a VF
 * reset keeps them.  Memory a VF can make the host allocate is bounded by
 * its quota: at most max_blocks entries of sizeof(struct vfcb_pf_block_ent).
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfcb.h>

#include "vfcb_pf_blocks.h"

struct vfcb_pf_block_ent {
	u32 flags;			/* VFCB_BLOCK_* */
	u32 len;			/* 0..VFCB_MAX_BLOCK_SIZE */
	u8 data[VFCB_MAX_BLOCK_SIZE];
};

void vfcb_pf_blocks_init(struct vfcb_pf_blocks *b)
{
	mutex_init(&b->lock);
	xa_init(&b->xa);
	b->count = 0;
	b->max_blocks = VFCB_DEFAULT_MAX_BLOCKS;
	b->policy = 0;
}

void vfcb_pf_blocks_destroy(struct vfcb_pf_blocks *b)
{
	struct vfcb_pf_block_ent *e;
	unsigned long id;

	mutex_lock(&b->lock);
	xa_for_each(&b->xa, id, e)
		kfree(e);
	xa_destroy(&b->xa);
	b->count = 0;
	mutex_unlock(&b->lock);
	mutex_destroy(&b->lock);
}

/* Insert a new block; the caller holds b->lock and checked the quota. */
static int blocks_insert(struct vfcb_pf_blocks *b, u32 id,
			 const void *data, u32 len, u32 flags)
{
	struct vfcb_pf_block_ent *e;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->flags = flags;
	e->len = len;
	memcpy(e->data, data, len);
	ret = xa_insert(&b->xa, id, e, GFP_KERNEL);
	if (ret) {
		kfree(e);
		return ret;
	}
	b->count++;
	return 0;
}

static void blocks_update(struct vfcb_pf_block_ent *e, const void *data,
			  u32 len)
{
	memcpy(e->data, data, len);
	memset(e->data + len, 0, sizeof(e->data) - len);
	e->len = len;
}

int vfcb_pf_blocks_set(struct vfcb_pf_blocks *b, u32 id, const void *data,
		       u32 len, u32 flags)
{
	struct vfcb_pf_block_ent *e;
	int ret = 0;

	if (flags & ~VFCB_BLOCK_VF_WRITABLE)
		return -EINVAL;
	if (len > VFCB_MAX_BLOCK_SIZE)
		return -EMSGSIZE;

	mutex_lock(&b->lock);
	e = xa_load(&b->xa, id);
	if (e) {
		blocks_update(e, data, len);
		e->flags = flags;
	} else if (b->count >= b->max_blocks) {
		ret = -ENOSPC;
	} else {
		ret = blocks_insert(b, id, data, len, flags);
	}
	mutex_unlock(&b->lock);
	return ret;
}

int vfcb_pf_blocks_get(struct vfcb_pf_blocks *b, u32 id, void *buf,
		       u32 *len, u32 *flags)
{
	struct vfcb_pf_block_ent *e;
	int ret = 0;

	mutex_lock(&b->lock);
	e = xa_load(&b->xa, id);
	if (!e) {
		ret = -ENODATA;
	} else if (e->len > *len) {
		*len = e->len;
		ret = -ERANGE;
	} else {
		memcpy(buf, e->data, e->len);
		*len = e->len;
		*flags = e->flags;
	}
	mutex_unlock(&b->lock);
	return ret;
}

int vfcb_pf_blocks_del(struct vfcb_pf_blocks *b, u32 id)
{
	struct vfcb_pf_block_ent *e;

	mutex_lock(&b->lock);
	e = xa_erase(&b->xa, id);
	if (e)
		b->count--;
	mutex_unlock(&b->lock);
	if (!e)
		return -ENODATA;
	kfree(e);
	return 0;
}

int vfcb_pf_blocks_list(struct vfcb_pf_blocks *b, u32 *ids, u32 cap,
			u32 *count)
{
	struct vfcb_pf_block_ent *e;
	unsigned long id;
	u32 n = 0;

	mutex_lock(&b->lock);
	xa_for_each(&b->xa, id, e) {
		if (n < cap)
			ids[n] = id;
		n++;
	}
	mutex_unlock(&b->lock);
	*count = n;
	return 0;
}

int vfcb_pf_blocks_set_policy(struct vfcb_pf_blocks *b, u32 policy,
			      u32 max_blocks)
{
	int ret = 0;

	if (policy & ~VFCB_POLICY_VF_CREATE)
		return -EINVAL;
	if (max_blocks < 1 || max_blocks > VFCB_MAX_BLOCKS_PER_VF)
		return -EINVAL;

	mutex_lock(&b->lock);
	if (max_blocks < b->count) {
		ret = -EBUSY;
	} else {
		b->policy = policy;
		b->max_blocks = max_blocks;
	}
	mutex_unlock(&b->lock);
	return ret;
}

void vfcb_pf_blocks_info(struct vfcb_pf_blocks *b, u32 *count,
			 u32 *max_blocks, u32 *policy)
{
	mutex_lock(&b->lock);
	*count = b->count;
	*max_blocks = b->max_blocks;
	*policy = b->policy;
	mutex_unlock(&b->lock);
}

/*
 * A VF's READ of @bufsize bytes (1..128, validated by the engine).  On
 * VFCB_ST_BUF_TOO_SMALL, *len is the size the VF needs.
 */
u8 vfcb_pf_blocks_vf_read(struct vfcb_pf_blocks *b, u32 id, void *buf,
			  u32 bufsize, u32 *len)
{
	struct vfcb_pf_block_ent *e;
	u8 st = VFCB_ST_OK;

	*len = 0;
	mutex_lock(&b->lock);
	e = xa_load(&b->xa, id);
	if (!e) {
		st = VFCB_ST_NOT_FOUND;
	} else if (e->len > bufsize) {
		*len = e->len;
		st = VFCB_ST_BUF_TOO_SMALL;
	} else {
		memcpy(buf, e->data, e->len);
		*len = e->len;
	}
	mutex_unlock(&b->lock);
	return st;
}

/*
 * A VF's WRITE of @len bytes (0..128, validated by the engine).  The VF may
 * replace a block the host marked VF-writable, or create one if its policy
 * allows and its quota is not used up; blocks it creates are VF-writable.
 */
u8 vfcb_pf_blocks_vf_write(struct vfcb_pf_blocks *b, u32 id,
			   const void *data, u32 len)
{
	struct vfcb_pf_block_ent *e;
	u8 st = VFCB_ST_OK;

	if (len > VFCB_MAX_BLOCK_SIZE)
		return VFCB_ST_TOO_BIG;

	mutex_lock(&b->lock);
	e = xa_load(&b->xa, id);
	if (e) {
		if (e->flags & VFCB_BLOCK_VF_WRITABLE)
			blocks_update(e, data, len);
		else
			st = VFCB_ST_DENIED;
	} else if (!(b->policy & VFCB_POLICY_VF_CREATE)) {
		st = VFCB_ST_DENIED;
	} else if (b->count >= b->max_blocks) {
		st = VFCB_ST_NO_SPACE;
	} else if (blocks_insert(b, id, data, len, VFCB_BLOCK_VF_WRITABLE)) {
		st = VFCB_ST_NO_SPACE;
	}
	mutex_unlock(&b->lock);
	return st;
}
