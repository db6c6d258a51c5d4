/* SPDX-License-Identifier: GPL-2.0 */
/* How both fuzz targets read their input: bytes, then zeros once it ends. */
#ifndef _FUZZ_INPUT_H
#define _FUZZ_INPUT_H

#include "vfcb_compat.h"

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

#endif /* _FUZZ_INPUT_H */
