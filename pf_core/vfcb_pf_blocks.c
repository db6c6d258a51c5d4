// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf: per-VF block store.  Each VF has its own store, reached only
 * through that VF's index: a VF's requests are served from its own store and
 * nothing else, which is the whole of the isolation between VFs.
 *
 * Blocks and policy live as long as the VF exists (SR-IOV enabled); a VF
 * reset keeps them.  Memory a VF can make the host allocate is bounded by
 * its quota: at most max_blocks entries of sizeof(struct vfcb_pf_block_ent),
 * one rbtree node each.  The host's blocks and the VF's are counted apart:
 * a VF using up its quota never makes the host's own SET_BLOCK fail.
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfcb.h>

#include "vfcb_pf_blocks.h"

struct vfcb_pf_block_ent {
	struct rb_node node;		/* in vfcb_pf_blocks.tree, by @id */
	u32 id;
	u32 flags;			/* VFCB_BLOCK_* */
	bool by_vf;			/* created by the VF: counts in its quota */
	u32 len;			/* 0..VFCB_MAX_BLOCK_SIZE */
	u8 data[VFCB_MAX_BLOCK_SIZE];
};

static struct vfcb_pf_block_ent *blocks_find(struct vfcb_pf_blocks *b, u32 id)
{
	struct rb_node *n = b->tree.rb_node;

	while (n) {
		struct vfcb_pf_block_ent *e = rb_entry(n, struct vfcb_pf_block_ent,
						       node);

		if (id < e->id)
			n = n->rb_left;
		else if (id > e->id)
			n = n->rb_right;
		else
			return e;
	}
	return NULL;
}

static void blocks_link(struct vfcb_pf_blocks *b, struct vfcb_pf_block_ent *e)
{
	struct rb_node **p = &b->tree.rb_node, *parent = NULL;

	while (*p) {
		struct vfcb_pf_block_ent *x = rb_entry(*p, struct vfcb_pf_block_ent,
						       node);

		parent = *p;
		p = e->id < x->id ? &(*p)->rb_left : &(*p)->rb_right;
	}
	rb_link_node(&e->node, parent, p);
	rb_insert_color(&e->node, &b->tree);
}

static void blocks_unlink(struct vfcb_pf_blocks *b, struct vfcb_pf_block_ent *e)
{
	rb_erase(&e->node, &b->tree);
	if (e->by_vf)
		b->vf_count--;
	else
		b->host_count--;
}

void vfcb_pf_blocks_init(struct vfcb_pf_blocks *b)
{
	mutex_init(&b->lock);
	b->tree = RB_ROOT;
	b->host_count = 0;
	b->vf_count = 0;
	b->max_blocks = VFCB_DEFAULT_MAX_BLOCKS;
	b->policy = 0;
}

void vfcb_pf_blocks_destroy(struct vfcb_pf_blocks *b)
{
	struct vfcb_pf_block_ent *e, *tmp;

	mutex_lock(&b->lock);
	rbtree_postorder_for_each_entry_safe(e, tmp, &b->tree, node)
		kfree(e);
	b->tree = RB_ROOT;
	b->host_count = 0;
	b->vf_count = 0;
	mutex_unlock(&b->lock);
	mutex_destroy(&b->lock);
}

/* Insert a new block; the caller holds b->lock and checked the quota. */
static int blocks_insert(struct vfcb_pf_blocks *b, u32 id,
			 const void *data, u32 len, u32 flags, bool by_vf)
{
	struct vfcb_pf_block_ent *e;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->id = id;
	e->flags = flags;
	e->by_vf = by_vf;
	e->len = len;
	memcpy(e->data, data, len);
	blocks_link(b, e);
	if (by_vf)
		b->vf_count++;
	else
		b->host_count++;
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
	e = blocks_find(b, id);
	if (e) {
		blocks_update(e, data, len);
		e->flags = flags;
	} else if (b->host_count >= VFCB_MAX_BLOCKS_PER_VF) {
		ret = -ENOSPC;
	} else {
		ret = blocks_insert(b, id, data, len, flags, false);
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
	e = blocks_find(b, id);
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
	e = blocks_find(b, id);
	if (e)
		blocks_unlink(b, e);
	mutex_unlock(&b->lock);
	if (!e)
		return -ENODATA;
	kfree(e);
	return 0;
}

int vfcb_pf_blocks_list(struct vfcb_pf_blocks *b, u32 *ids, u32 cap,
			u32 *count)
{
	struct rb_node *node;
	u32 n = 0;

	mutex_lock(&b->lock);
	for (node = rb_first(&b->tree); node; node = rb_next(node)) {
		if (n < cap)
			ids[n] = rb_entry(node, struct vfcb_pf_block_ent,
					  node)->id;
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
	if (max_blocks < b->vf_count) {
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
	*count = b->host_count + b->vf_count;
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
	e = blocks_find(b, id);
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
	e = blocks_find(b, id);
	if (e) {
		if (e->flags & VFCB_BLOCK_VF_WRITABLE)
			blocks_update(e, data, len);
		else
			st = VFCB_ST_DENIED;
	} else if (!(b->policy & VFCB_POLICY_VF_CREATE)) {
		st = VFCB_ST_DENIED;
	} else if (b->vf_count >= b->max_blocks) {
		st = VFCB_ST_NO_SPACE;
	} else if (blocks_insert(b, id, data, len, VFCB_BLOCK_VF_WRITABLE,
				 true)) {
		st = VFCB_ST_NO_SPACE;
	}
	mutex_unlock(&b->lock);
	return st;
}
