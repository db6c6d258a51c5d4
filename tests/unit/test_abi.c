// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI of uapi/linux/vfcb.h, written out by hand: the offset and
 * size of every field of every struct, every struct's size, and every
 * ioctl number.  Built and run for -m64 and -m32 (make unit): a struct
 * must lay out the same for both, with no implicit padding, and be a
 * multiple of 8 bytes so that an appended __u64 lands at the same offset.
 * A reordered, resized or inserted field fails here; an appended one
 * needs its line added (and keeps every line above it).
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/vfcb.h>

#include "tap.h"

static size_t fields_size;	/* sum of the sizes of the fields checked */

#define FIELD(type, field, off, size) do {				\
	is(offsetof(struct type, field), off,				\
	   "offsetof(struct " #type ", " #field ") == " #off);		\
	is(sizeof(((struct type *)0)->field), size,			\
	   "sizeof(struct " #type "." #field ") == " #size);		\
	fields_size += sizeof(((struct type *)0)->field);		\
} while (0)

/* After the last FIELD of a struct: its size, no holes, multiple of 8. */
#define STRUCT(type, size) do {						\
	is(sizeof(struct type), size,					\
	   "sizeof(struct " #type ") == " #size);			\
	is(fields_size, sizeof(struct type),				\
	   "struct " #type ": no implicit padding");			\
	is(sizeof(struct type) % 8, 0,					\
	   "sizeof(struct " #type ") is a multiple of 8");		\
	fields_size = 0;						\
} while (0)

#define IOCTL(cmd, val) is(cmd, val, #cmd " == " #val)

int main(void)
{
	printf("# ABI %d, %zu-bit userspace\n", VFCB_API_VERSION,
	       8 * sizeof(void *));
	is(VFCB_API_VERSION, 2, "VFCB_API_VERSION == 2");
	is(VFCB_MAX_BLOCK_SIZE, 128, "VFCB_MAX_BLOCK_SIZE == 128");

	FIELD(vfcb_pf_info, argsz, 0, 4);
	FIELD(vfcb_pf_info, flags, 4, 4);
	FIELD(vfcb_pf_info, num_vfs, 8, 4);
	FIELD(vfcb_pf_info, total_vfs, 12, 4);
	FIELD(vfcb_pf_info, max_block_size, 16, 4);
	FIELD(vfcb_pf_info, proto_versions, 20, 4);
	STRUCT(vfcb_pf_info, 24);

	FIELD(vfcb_pf_vf_info, argsz, 0, 4);
	FIELD(vfcb_pf_vf_info, flags, 4, 4);
	FIELD(vfcb_pf_vf_info, vf, 8, 4);
	FIELD(vfcb_pf_vf_info, state, 12, 4);
	FIELD(vfcb_pf_vf_info, version, 16, 4);
	FIELD(vfcb_pf_vf_info, serial, 20, 4);
	FIELD(vfcb_pf_vf_info, num_blocks, 24, 4);
	FIELD(vfcb_pf_vf_info, max_blocks, 28, 4);
	FIELD(vfcb_pf_vf_info, policy, 32, 4);
	FIELD(vfcb_pf_vf_info, reserved, 36, 4);
	FIELD(vfcb_pf_vf_info, pending_mask, 40, 8);
	STRUCT(vfcb_pf_vf_info, 48);

	FIELD(vfcb_pf_block, argsz, 0, 4);
	FIELD(vfcb_pf_block, flags, 4, 4);
	FIELD(vfcb_pf_block, vf, 8, 4);
	FIELD(vfcb_pf_block, block_id, 12, 4);
	FIELD(vfcb_pf_block, len, 16, 4);
	FIELD(vfcb_pf_block, block_flags, 20, 4);
	FIELD(vfcb_pf_block, data, 24, 128);
	STRUCT(vfcb_pf_block, 152);

	FIELD(vfcb_pf_block_list, argsz, 0, 4);
	FIELD(vfcb_pf_block_list, flags, 4, 4);
	FIELD(vfcb_pf_block_list, vf, 8, 4);
	FIELD(vfcb_pf_block_list, count, 12, 4);
	FIELD(vfcb_pf_block_list, ids, 16, 8);
	STRUCT(vfcb_pf_block_list, 24);

	FIELD(vfcb_pf_policy, argsz, 0, 4);
	FIELD(vfcb_pf_policy, flags, 4, 4);
	FIELD(vfcb_pf_policy, vf, 8, 4);
	FIELD(vfcb_pf_policy, max_blocks, 12, 4);
	STRUCT(vfcb_pf_policy, 16);

	FIELD(vfcb_pf_invalidate, argsz, 0, 4);
	FIELD(vfcb_pf_invalidate, flags, 4, 4);
	FIELD(vfcb_pf_invalidate, vf, 8, 4);
	FIELD(vfcb_pf_invalidate, pad, 12, 4);
	FIELD(vfcb_pf_invalidate, mask, 16, 8);
	STRUCT(vfcb_pf_invalidate, 24);

	FIELD(vfcb_pf_cfg, argsz, 0, 4);
	FIELD(vfcb_pf_cfg, flags, 4, 4);
	FIELD(vfcb_pf_cfg, vf, 8, 4);
	FIELD(vfcb_pf_cfg, offset, 12, 4);
	FIELD(vfcb_pf_cfg, len, 16, 4);
	FIELD(vfcb_pf_cfg, pad, 20, 4);
	FIELD(vfcb_pf_cfg, buf, 24, 8);
	STRUCT(vfcb_pf_cfg, 32);

	FIELD(vfcb_pf_event, type, 0, 4);
	FIELD(vfcb_pf_event, vf, 4, 4);
	FIELD(vfcb_pf_event, block_id, 8, 4);
	FIELD(vfcb_pf_event, len, 12, 4);
	STRUCT(vfcb_pf_event, 16);

	FIELD(vfcb_vf_info, argsz, 0, 4);
	FIELD(vfcb_vf_info, flags, 4, 4);
	FIELD(vfcb_vf_info, state, 8, 4);
	FIELD(vfcb_vf_info, vf_index, 12, 4);
	FIELD(vfcb_vf_info, serial, 16, 4);
	FIELD(vfcb_vf_info, version, 20, 4);
	FIELD(vfcb_vf_info, max_block_size, 24, 4);
	FIELD(vfcb_vf_info, pad, 28, 4);
	STRUCT(vfcb_vf_info, 32);

	FIELD(vfcb_vf_block, argsz, 0, 4);
	FIELD(vfcb_vf_block, flags, 4, 4);
	FIELD(vfcb_vf_block, block_id, 8, 4);
	FIELD(vfcb_vf_block, len, 12, 4);
	FIELD(vfcb_vf_block, data, 16, 128);
	STRUCT(vfcb_vf_block, 144);

	FIELD(vfcb_vf_ping, argsz, 0, 4);
	FIELD(vfcb_vf_ping, flags, 4, 4);
	STRUCT(vfcb_vf_ping, 8);

	/* _IO(0xCB, nr): 0xCB 20-3F, free in Linux's ioctl-number.rst. */
	IOCTL(VFCB_PF_GET_INFO, 0xCB20);
	IOCTL(VFCB_PF_VF_INFO, 0xCB21);
	IOCTL(VFCB_PF_SET_BLOCK, 0xCB22);
	IOCTL(VFCB_PF_GET_BLOCK, 0xCB23);
	IOCTL(VFCB_PF_DEL_BLOCK, 0xCB24);
	IOCTL(VFCB_PF_LIST_BLOCKS, 0xCB25);
	IOCTL(VFCB_PF_SET_POLICY, 0xCB26);
	IOCTL(VFCB_PF_INVALIDATE, 0xCB27);
	IOCTL(VFCB_PF_CFG_READ, 0xCB28);
	IOCTL(VFCB_PF_CFG_WRITE, 0xCB29);
	IOCTL(VFCB_VF_GET_INFO, 0xCB30);
	IOCTL(VFCB_VF_READ, 0xCB31);
	IOCTL(VFCB_VF_WRITE, 0xCB32);
	IOCTL(VFCB_VF_PING, 0xCB33);

	return tap_done();
}
