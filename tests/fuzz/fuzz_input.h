/* SPDX-License-Identifier: GPL-2.0 */
/* How both fuzz targets read their input: bytes, then zeros once it ends. */
#ifndef _FUZZ_INPUT_H
#define _FUZZ_INPUT_H

#include "vfcb_proto.h"

struct input {
	const u8 *p;
	size_t n;
};

static inline u8 take8(struct input *in)
{
	u8 v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline u32 take32(struct input *in)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (u32)take8(in) << (8 * i);
	return v;
}

/*
 * Header @h with its ndw field set to @ndw, cut to what the layout says, in
 * the layout a receiver at version @ver decodes it with (HELLO: v1's).
 * The other bits of @h stay as the input gave them.
 */
static inline u32 fuzz_set_ndw(u32 h, unsigned int ver, unsigned int *ndw)
{
	if ((h & VFCB_HDR_OPCODE_MASK) == VFCB_OP_HELLO)
		ver = VFCB_PROTO_V1;
	*ndw %= vfcb_version_max_dwords(ver);
	h &= ~VFCB_HDR_NDW_MASK;
	if (ver >= VFCB_PROTO_V2)
		h &= ~VFCB_HDR2_NDW_HI_MASK;
	return h | vfcb_hdr_v(ver, 0, *ndw, 0, 0, 0, 0);
}

#endif /* _FUZZ_INPUT_H */
