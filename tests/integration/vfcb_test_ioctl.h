/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl helpers vfcb's integration test programs share (vfcb_itest.c,
 * vfcb_soak.c): each is a static guest binary built from one .c file.
 */
#ifndef VFCB_TEST_IOCTL_H
#define VFCB_TEST_IOCTL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vfcb.h>

/* ioctl(), with -errno on failure. */
static int xioctl(int fd, unsigned long nr, void *arg)
{
	int r = ioctl(fd, nr, arg);

	return r < 0 ? -errno : r;
}

/* Block content both sides can recompute: byte i of seed's pattern. */
static void pattern(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 17 + 3);
}

static int pf_set(int fd, uint32_t vf, uint32_t id, const void *d, uint32_t len,
		  uint32_t block_flags)
{
	struct vfcb_pf_block b = { .argsz = sizeof(b), .block_flags = block_flags,
				   .vf = vf, .block_id = id, .len = len };

	memcpy(b.data, d, len);
	return xioctl(fd, VFCB_PF_SET_BLOCK, &b);
}

static int pf_del(int fd, uint32_t vf, uint32_t id)
{
	struct vfcb_pf_block b = { .argsz = sizeof(b), .vf = vf, .block_id = id };

	return xioctl(fd, VFCB_PF_DEL_BLOCK, &b);
}

static int vf_read(int fd, uint32_t id, void *buf, uint32_t *len)
{
	struct vfcb_vf_block b = { .argsz = sizeof(b), .block_id = id, .len = *len };
	int r = xioctl(fd, VFCB_VF_READ, &b);

	*len = b.len;
	if (r >= 0)
		memcpy(buf, b.data, b.len);
	return r;
}

static int vf_write(int fd, uint32_t id, const void *buf, uint32_t len)
{
	struct vfcb_vf_block b = { .argsz = sizeof(b), .block_id = id, .len = len };

	memcpy(b.data, buf, len);
	return xioctl(fd, VFCB_VF_WRITE, &b);
}

#endif /* VFCB_TEST_IOCTL_H */
