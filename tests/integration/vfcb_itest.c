// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_itest: integration checks that need more than a shell: the ioctl
 * bad-input matrices, many threads on many VFs, several readers of one VF,
 * callers blocked across an unbind.  Runs in the rig's guests; prints
 * "ok - ..." / "not ok - ..." lines that tests/integration/lib.sh turns
 * into the run's TAP stream.  Exit status 0 if all passed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vfcb.h>

#include "vfcb_test_ioctl.h"

#define PCI_INTERRUPT_LINE_OFF 0x3c

static int failures;

static void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failures++;
}

/* ioctl that returns -errno, 0 or a positive count. */

static void expect_err(int got, int want, const char *what)
{
	check(got == -want, "%s gives %s (got %s)", what, strerrorname_np(want) ?: "?",
	      got >= 0 ? "success" : (strerrorname_np(-got) ?: "?"));
}

static int open_dev(const char *path, int flags)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ------------------------------------------------------- argsz --- */

/*
 * The argsz rule (uapi/linux/vfcb.h) for ioctl @nr, whose argument @arg of
 * @size bytes is valid as it is.  The refusals, each of which must give
 * EINVAL and leave the caller's bytes as they were: argsz one byte below
 * the v1 size (every struct is still v1), a newer caller's larger struct
 * with a non-zero byte past what the kernel knows, and an unknown flag.
 */
#define ARGSZ_TAIL 16

/* argsz and flags of the struct at @p. */
static void set_hdr(void *p, uint32_t argsz, uint32_t flags)
{
	memcpy(p, &argsz, 4);
	memcpy((uint8_t *)p + 4, &flags, 4);
}

static uint32_t get_flags(const void *p)
{
	uint32_t flags;

	memcpy(&flags, (const uint8_t *)p + 4, 4);
	return flags;
}

static void argsz_refusals(int fd, unsigned long nr, const void *arg,
			   size_t size, const char *name)
{
	uint64_t big[(VFCB_MAX_BLOCK_SIZE + 64 + ARGSZ_TAIL) / 8];
	uint8_t before[sizeof(big)];
	uint32_t flags = get_flags(arg);
	char what[128];

	memset(big, 0, sizeof(big));
	memcpy(big, arg, size);
	set_hdr(big, size - 1, flags);
	memcpy(before, big, sizeof(big));
	snprintf(what, sizeof(what), "%s argsz %zu (below v1)", name, size - 1);
	expect_err(xioctl(fd, nr, big), EINVAL, what);
	check(!memcmp(big, before, sizeof(big)), "%s short argsz wrote nothing", name);

	set_hdr(big, size + ARGSZ_TAIL, flags);
	((uint8_t *)big)[size + 5] = 0x40;
	memcpy(before, big, sizeof(big));
	snprintf(what, sizeof(what), "%s argsz %zu with a non-zero byte past %zu",
		 name, size + ARGSZ_TAIL, size);
	expect_err(xioctl(fd, nr, big), EINVAL, what);
	check(!memcmp(big, before, sizeof(big)), "%s non-zero tail wrote nothing", name);

	memcpy(big, arg, size);
	memset((uint8_t *)big + size, 0, ARGSZ_TAIL);
	set_hdr(big, size + ARGSZ_TAIL, flags | 1u << 31);
	memcpy(before, big, sizeof(big));
	snprintf(what, sizeof(what), "%s flags bit 31", name);
	expect_err(xioctl(fd, nr, big), EINVAL, what);
	check(!memcmp(big, before, sizeof(big)), "%s unknown flag wrote nothing", name);
}

/*
 * A newer caller's larger struct with a zero tail must work as the struct
 * itself does: the same result as @want (0, a count or -errno), and the
 * tail left zero.  @arg gets the kernel's answer.
 */
static void argsz_zero_tail(int fd, unsigned long nr, void *arg, size_t size,
			    int want, const char *name)
{
	uint64_t big[(VFCB_MAX_BLOCK_SIZE + 64 + ARGSZ_TAIL) / 8];
	uint8_t zero[ARGSZ_TAIL] = { 0 };
	int r;

	memset(big, 0, sizeof(big));
	memcpy(big, arg, size);
	set_hdr(big, size + ARGSZ_TAIL, get_flags(arg));
	r = xioctl(fd, nr, big);
	check(r == want, "%s argsz %zu with a zero tail is accepted (got %d, want %d)",
	      name, size + ARGSZ_TAIL, r, want);
	check(!memcmp((uint8_t *)big + size, zero, ARGSZ_TAIL),
	      "%s wrote nothing past the struct it knows", name);
	memcpy(arg, big, size);
	set_hdr(arg, size, get_flags(arg));
}

static void argsz_matrix(int fd, unsigned long nr, void *arg, size_t size,
			 int want, const char *name)
{
	argsz_refusals(fd, nr, arg, size, name);
	argsz_zero_tail(fd, nr, arg, size, want, name);
}

/* ------------------------------------------------------------ PF --- */

static int pf_get(int fd, uint32_t vf, uint32_t id, struct vfcb_pf_block *b)
{
	memset(b, 0, sizeof(*b));
	b->argsz = sizeof(*b);
	b->vf = vf;
	b->block_id = id;
	b->len = VFCB_MAX_BLOCK_SIZE;
	return xioctl(fd, VFCB_PF_GET_BLOCK, b);
}

static int pf_invalidate(int fd, uint32_t vf, uint64_t mask, uint32_t flags)
{
	struct vfcb_pf_invalidate inv = { .argsz = sizeof(inv), .flags = flags,
					  .vf = vf, .mask = mask };

	return xioctl(fd, VFCB_PF_INVALIDATE, &inv);
}

/*
 * The argsz rule and the flags of every PF ioctl (VF 0's blocks 0xa0 and
 * 0xa1 are new here, and gone after).
 */
static void pf_argsz_matrix(int fd, uint32_t nvf)
{
	struct vfcb_pf_info info = { .argsz = sizeof(info) };
	struct vfcb_pf_vf_info vi = { .argsz = sizeof(vi) }, vi2;
	struct vfcb_pf_block b, g;
	struct vfcb_pf_block_list bl;
	struct vfcb_pf_policy pol;
	struct vfcb_pf_invalidate inv;
	struct vfcb_pf_cfg cfg;
	uint32_t ids[4], dw = 0;
	uint8_t line = 0;

	argsz_matrix(fd, VFCB_PF_GET_INFO, &info, sizeof(info), 0, "PF GET_INFO");
	check(info.num_vfs == nvf && info.flags == 0,
	      "PF GET_INFO with a zero tail reports %u VFs, flags 0", nvf);

	vi.reserved = 1;
	expect_err(xioctl(fd, VFCB_PF_VF_INFO, &vi), EINVAL, "PF VF_INFO non-zero reserved");
	vi.reserved = 0;
	argsz_matrix(fd, VFCB_PF_VF_INFO, &vi, sizeof(vi), 0, "PF VF_INFO");
	check(vi.flags == 0 && vi.reserved == 0 && vi.max_blocks >= 1 &&
	      !(vi.policy & ~VFCB_POLICY_VF_CREATE),
	      "PF VF_INFO: policy in its own field, flags and reserved left 0");

	b = (struct vfcb_pf_block){ .argsz = sizeof(b), .vf = 0, .block_id = 0xa0,
				    .len = 3, .data = "abc" };
	argsz_refusals(fd, VFCB_PF_SET_BLOCK, &b, sizeof(b), "PF SET_BLOCK");
	expect_err(pf_get(fd, 0, 0xa0, &g), ENODATA,
		   "PF SET_BLOCKs refused for argsz or flags created nothing");
	argsz_zero_tail(fd, VFCB_PF_SET_BLOCK, &b, sizeof(b), 0, "PF SET_BLOCK");
	b.block_flags = VFCB_BLOCK_VF_WRITABLE;
	memcpy(b.data, "xyz", 3);
	argsz_refusals(fd, VFCB_PF_SET_BLOCK, &b, sizeof(b), "PF SET_BLOCK (replace)");
	check(pf_get(fd, 0, 0xa0, &g) == 0 && g.len == 3 && !memcmp(g.data, "abc", 3) &&
	      g.block_flags == 0,
	      "PF SET_BLOCKs refused for argsz or flags changed nothing");

	g = (struct vfcb_pf_block){ .argsz = sizeof(g), .vf = 0, .block_id = 0xa0,
				    .len = VFCB_MAX_BLOCK_SIZE };
	argsz_matrix(fd, VFCB_PF_GET_BLOCK, &g, sizeof(g), 0, "PF GET_BLOCK");
	check(g.len == 3 && !memcmp(g.data, "abc", 3) && g.flags == 0 && g.block_flags == 0,
	      "PF GET_BLOCK with a zero tail reads the block, flags left 0");
	check(pf_set(fd, 0, 0xa1, "w", 1, VFCB_BLOCK_VF_WRITABLE) == 0 &&
	      pf_get(fd, 0, 0xa1, &g) == 0 && g.flags == 0 &&
	      g.block_flags == VFCB_BLOCK_VF_WRITABLE,
	      "PF GET_BLOCK returns VF-writable in block_flags, flags left 0");

	bl = (struct vfcb_pf_block_list){ .argsz = sizeof(bl), .vf = 0, .count = 4,
					  .ids = (uintptr_t)ids };
	argsz_matrix(fd, VFCB_PF_LIST_BLOCKS, &bl, sizeof(bl), 0, "PF LIST_BLOCKS");
	check(bl.count >= 3, "PF LIST_BLOCKS with a zero tail counts %u blocks", bl.count);

	b = (struct vfcb_pf_block){ .argsz = sizeof(b), .vf = 0, .block_id = 0xa0 };
	argsz_refusals(fd, VFCB_PF_DEL_BLOCK, &b, sizeof(b), "PF DEL_BLOCK");
	check(pf_get(fd, 0, 0xa0, &g) == 0, "PF DEL_BLOCKs refused for argsz or flags deleted nothing");
	argsz_zero_tail(fd, VFCB_PF_DEL_BLOCK, &b, sizeof(b), 0, "PF DEL_BLOCK");
	expect_err(pf_get(fd, 0, 0xa0, &g), ENODATA, "PF DEL_BLOCK with a zero tail deleted it");
	b.block_id = 0xa1;
	check(xioctl(fd, VFCB_PF_DEL_BLOCK, &b) == 0, "PF DEL_BLOCK of 0xa1");

	vi = (struct vfcb_pf_vf_info){ .argsz = sizeof(vi), .vf = 0 };
	xioctl(fd, VFCB_PF_VF_INFO, &vi);
	pol = (struct vfcb_pf_policy){ .argsz = sizeof(pol), .vf = 0, .flags = vi.policy,
				       .max_blocks = vi.max_blocks + 1 };
	argsz_refusals(fd, VFCB_PF_SET_POLICY, &pol, sizeof(pol), "PF SET_POLICY");
	vi2 = (struct vfcb_pf_vf_info){ .argsz = sizeof(vi2), .vf = 0 };
	check(xioctl(fd, VFCB_PF_VF_INFO, &vi2) == 0 && vi2.max_blocks == vi.max_blocks,
	      "PF SET_POLICYs refused for argsz or flags changed nothing");
	argsz_zero_tail(fd, VFCB_PF_SET_POLICY, &pol, sizeof(pol), 0, "PF SET_POLICY");
	check(xioctl(fd, VFCB_PF_VF_INFO, &vi2) == 0 && vi2.max_blocks == vi.max_blocks + 1,
	      "PF SET_POLICY with a zero tail set the quota");
	pol.max_blocks = vi.max_blocks;
	check(xioctl(fd, VFCB_PF_SET_POLICY, &pol) == 0, "PF SET_POLICY back");

	/* No VF past the last: accepted arguments give ENOENT, not EINVAL. */
	inv = (struct vfcb_pf_invalidate){ .argsz = sizeof(inv), .vf = nvf, .mask = 1 };
	argsz_matrix(fd, VFCB_PF_INVALIDATE, &inv, sizeof(inv), -ENOENT, "PF INVALIDATE");

	cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0, .offset = 0, .len = 4,
				    .buf = (uintptr_t)&dw };
	argsz_matrix(fd, VFCB_PF_CFG_READ, &cfg, sizeof(cfg), 4, "PF CFG_READ");
	cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0,
				    .offset = PCI_INTERRUPT_LINE_OFF, .len = 1,
				    .buf = (uintptr_t)&line };
	check(xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 1, "PF CFG_READ of the interrupt line");
	dw = line;
	line ^= 0xff;
	argsz_refusals(fd, VFCB_PF_CFG_WRITE, &cfg, sizeof(cfg), "PF CFG_WRITE");
	check(xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 1 && line == dw,
	      "PF CFG_WRITEs refused for argsz or flags changed nothing");
	argsz_zero_tail(fd, VFCB_PF_CFG_WRITE, &cfg, sizeof(cfg), 1, "PF CFG_WRITE");
}

/*
 * The host's blocks for VF 0 are at its limit (@nhost of them): VF 0
 * creates two of its own, which count apart, so its store holds more
 * than VFCB_MAX_BLOCKS_PER_VF and LIST_BLOCKS must still list them all.
 */
static void list_past_host_limit(int fd, const char *vf0_bdf, uint32_t nhost)
{
	struct vfcb_pf_vf_info vi = { .argsz = sizeof(vi), .vf = 0 };
	struct vfcb_pf_policy pol = { .argsz = sizeof(pol), .vf = 0 };
	const uint32_t vid = 0x7b000000;
	uint32_t want = nhost + 2, i, mine = 0;
	struct vfcb_pf_block_list bl;
	uint32_t *all = calloc(want, sizeof(*all));
	uint8_t d[4] = { 9, 8, 7, 6 };
	char path[64];
	int vfd, r;

	snprintf(path, sizeof(path), "/dev/vfcb-vf-%s", vf0_bdf);
	vfd = open(path, O_RDWR | O_CLOEXEC);
	r = xioctl(fd, VFCB_PF_VF_INFO, &vi);
	pol.flags = VFCB_POLICY_VF_CREATE;
	pol.max_blocks = vi.max_blocks;
	check(all && vfd >= 0 && !r && !xioctl(fd, VFCB_PF_SET_POLICY, &pol) &&
	      !vf_write(vfd, vid, d, 4) && !vf_write(vfd, vid + 1, d, 4),
	      "VF 0 creates 2 blocks of its own beside the host's %u", nhost);
	bl = (struct vfcb_pf_block_list){ .argsz = sizeof(bl), .vf = 0,
					  .count = want, .ids = (uintptr_t)all };
	r = all ? xioctl(fd, VFCB_PF_LIST_BLOCKS, &bl) : -ENOMEM;
	for (i = 0; !r && i < want && i < bl.count; i++)
		mine += all[i] == vid || all[i] == vid + 1;
	check(!r && bl.count == want && mine == 2,
	      "PF LIST_BLOCKS lists all %u blocks, past %u (count %u, the VF's 2 among them: %u)",
	      want, VFCB_MAX_BLOCKS_PER_VF, bl.count, mine);
	pf_del(fd, 0, vid);
	pf_del(fd, 0, vid + 1);
	pol.flags = vi.policy;
	xioctl(fd, VFCB_PF_SET_POLICY, &pol);
	if (vfd >= 0)
		close(vfd);
	free(all);
}

static int cmd_pf_ioctl(int argc, char **argv)
{
	int fd = open_dev(argv[0], 0);
	uint32_t nvf = strtoul(argv[1], NULL, 0);
	struct vfcb_pf_info info = { .argsz = sizeof(info) };
	struct vfcb_pf_vf_info vi = { .argsz = sizeof(vi) };
	struct vfcb_pf_block b;
	struct vfcb_pf_policy pol;
	struct vfcb_pf_block_list bl;
	struct vfcb_pf_cfg cfg;
	struct vfcb_pf_event ev;
	uint8_t buf[VFCB_MAX_BLOCK_SIZE] = { 1, 2, 3 };
	uint32_t ids[4];
	uint16_t w = 0;

	(void)argc;
	check(xioctl(fd, VFCB_PF_GET_INFO, &info) == 0 && info.num_vfs == nvf &&
	      info.max_block_size == VFCB_MAX_BLOCK_SIZE,
	      "PF GET_INFO reports %u VFs and 128-byte blocks", nvf);
	info.argsz = 4;
	expect_err(xioctl(fd, VFCB_PF_GET_INFO, &info), EINVAL, "PF GET_INFO argsz 4");
	info = (struct vfcb_pf_info){ .argsz = sizeof(info), .flags = 1 };
	expect_err(xioctl(fd, VFCB_PF_GET_INFO, &info), EINVAL, "PF GET_INFO unknown flag");
	expect_err(xioctl(fd, VFCB_PF_GET_INFO, (void *)8), EFAULT, "PF GET_INFO bad pointer");
	expect_err(xioctl(fd, _IO(VFCB_IOCTL_TYPE, 0x3f), &info), ENOTTY, "PF unknown ioctl");

	vi.vf = nvf;
	expect_err(xioctl(fd, VFCB_PF_VF_INFO, &vi), ENOENT, "PF VF_INFO of VF past the last");
	vi.vf = 0;
	check(xioctl(fd, VFCB_PF_VF_INFO, &vi) == 0, "PF VF_INFO of VF 0 works");

	/* SET_BLOCK refusals must leave no block behind. */
	memset(&b, 0, sizeof(b));
	b = (struct vfcb_pf_block){ .argsz = sizeof(b), .vf = 0, .block_id = 0xbad1,
				    .len = VFCB_MAX_BLOCK_SIZE + 1 };
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, &b), EMSGSIZE, "PF SET_BLOCK 129 bytes");
	b.len = 4;
	b.block_flags = 1u << 7;
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, &b), EINVAL, "PF SET_BLOCK unknown block flag");
	b.block_flags = 0;
	b.flags = 1;
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, &b), EINVAL, "PF SET_BLOCK flags 1");
	b.flags = 0;
	b.argsz = 8;
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, &b), EINVAL, "PF SET_BLOCK short argsz");
	b.argsz = sizeof(b);
	b.vf = nvf + 3;
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, &b), ENOENT, "PF SET_BLOCK nonexistent VF");
	expect_err(xioctl(fd, VFCB_PF_SET_BLOCK, (void *)16), EFAULT, "PF SET_BLOCK bad pointer");
	expect_err(pf_get(fd, 0, 0xbad1, &b), ENODATA, "PF refused SET_BLOCKs created nothing");

	check(pf_set(fd, 0, 0xb0, buf, 10, 0) == 0, "PF SET_BLOCK 10 bytes");
	memset(&b, 0, sizeof(b));
	b = (struct vfcb_pf_block){ .argsz = sizeof(b), .vf = 0, .block_id = 0xb0, .len = 2 };
	expect_err(xioctl(fd, VFCB_PF_GET_BLOCK, &b), ERANGE, "PF GET_BLOCK into 2 bytes");
	check(b.len == 10, "PF GET_BLOCK ERANGE reports the 10 bytes needed (got %u)", b.len);
	check(pf_get(fd, 0, 0xb0, &b) == 0 && b.len == 10 && !memcmp(b.data, buf, 10),
	      "PF GET_BLOCK reads back what SET_BLOCK stored");
	expect_err(pf_get(fd, 0, 0xb1, &b), ENODATA, "PF GET_BLOCK unknown ID");
	b = (struct vfcb_pf_block){ .argsz = sizeof(b), .vf = 0, .block_id = 0xb1 };
	expect_err(xioctl(fd, VFCB_PF_DEL_BLOCK, &b), ENODATA, "PF DEL_BLOCK unknown ID");

	bl = (struct vfcb_pf_block_list){ .argsz = sizeof(bl), .vf = 0, .count = 4,
					  .ids = 24 };
	expect_err(xioctl(fd, VFCB_PF_LIST_BLOCKS, &bl), EFAULT, "PF LIST_BLOCKS bad ids pointer");
	bl.ids = (uintptr_t)ids;
	check(xioctl(fd, VFCB_PF_LIST_BLOCKS, &bl) == 0 && bl.count >= 1,
	      "PF LIST_BLOCKS lists the block");

	/*
	 * The host's own limit: VFCB_MAX_BLOCKS_PER_VF blocks per VF, then
	 * ENOSPC for a new one (not for rewriting one it has), which
	 * creates nothing; deleting them brings the count back.
	 */
	{
		uint32_t n0, made = 0, id = 0x7a000000;
		int r = 0;

		bl.count = 0;
		xioctl(fd, VFCB_PF_LIST_BLOCKS, &bl);
		n0 = bl.count;
		while (made <= VFCB_MAX_BLOCKS_PER_VF) {
			r = pf_set(fd, 0, id + made, buf, 4, 0);
			if (r)
				break;
			made++;
		}
		expect_err(r, ENOSPC, "PF SET_BLOCK past the host's limit of blocks for a VF");
		check(made >= VFCB_MAX_BLOCKS_PER_VF - n0 && made <= VFCB_MAX_BLOCKS_PER_VF,
		      "the host's limit came after %u new blocks (%u there before, limit %u)",
		      made, n0, VFCB_MAX_BLOCKS_PER_VF);
		expect_err(pf_get(fd, 0, id + made, &b), ENODATA,
			   "PF SET_BLOCK refused for the limit created nothing");
		check(made && pf_set(fd, 0, id, buf, 8, 0) == 0,
		      "PF SET_BLOCK rewrites a block it has at the limit");
		list_past_host_limit(fd, argv[2], n0 + made);
		while (made && !pf_del(fd, 0, id + made - 1))
			made--;
		bl.count = 0;
		r = xioctl(fd, VFCB_PF_LIST_BLOCKS, &bl);
		check(made == 0 && r == 0 && bl.count == n0,
		      "PF DEL_BLOCK of them all: %u blocks again (got %u)", n0, bl.count);
	}

	pol = (struct vfcb_pf_policy){ .argsz = sizeof(pol), .vf = 0, .max_blocks = 0 };
	expect_err(xioctl(fd, VFCB_PF_SET_POLICY, &pol), EINVAL, "PF SET_POLICY quota 0");
	pol.max_blocks = VFCB_MAX_BLOCKS_PER_VF + 1;
	expect_err(xioctl(fd, VFCB_PF_SET_POLICY, &pol), EINVAL, "PF SET_POLICY quota above max");
	pol.max_blocks = 8;
	pol.flags = 1u << 9;
	expect_err(xioctl(fd, VFCB_PF_SET_POLICY, &pol), EINVAL, "PF SET_POLICY unknown flag");

	expect_err(pf_invalidate(fd, 0, 0, 0), EINVAL, "PF INVALIDATE empty mask");
	expect_err(pf_invalidate(fd, nvf, 1, 0), ENOENT, "PF INVALIDATE nonexistent VF");
	expect_err(pf_invalidate(fd, 0, 1, 1u << 5), EINVAL, "PF INVALIDATE unknown flag");
	{
		struct vfcb_pf_invalidate inv = { .argsz = sizeof(inv), .vf = 0,
						  .pad = 1, .mask = 1 };

		expect_err(xioctl(fd, VFCB_PF_INVALIDATE, &inv), EINVAL,
			   "PF INVALIDATE non-zero pad");
	}

	/* The PF's view of VF 0's config space is what sysfs shows. */
	{
		uint8_t mine[64], sys[64];
		char path[128];
		int sfd;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[2]);
		sfd = open(path, O_RDONLY);
		cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0, .offset = 0,
					    .len = sizeof(mine), .buf = (uintptr_t)mine };
		check(sfd >= 0 && read(sfd, sys, sizeof(sys)) == sizeof(sys) &&
		      xioctl(fd, VFCB_PF_CFG_READ, &cfg) == sizeof(mine) &&
		      !memcmp(mine, sys, sizeof(mine)),
		      "PF CFG_READ of VF 0's header: 64 bytes, identical to sysfs config");
		if (sfd >= 0)
			close(sfd);
		w = 0;
		cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0,
					    .offset = PCI_INTERRUPT_LINE_OFF, .len = 1,
					    .buf = (uintptr_t)&w };
		w = 0x5a;
		check(xioctl(fd, VFCB_PF_CFG_WRITE, &cfg) == 1,
		      "PF CFG_WRITE of the interrupt line register: 1 byte written");
		w = 0;
		check(xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 1 && w == 0x5a,
		      "PF CFG_READ reads the written byte back (got 0x%02x)", w);
		{
			/* Without CAP_SYS_ADMIN, even on a root-opened fd: EPERM. */
			struct __user_cap_header_struct h = {
				.version = _LINUX_CAPABILITY_VERSION_3 };
			struct __user_cap_data_struct d[2];
			pid_t kid = fork();
			int st = -1;

			if (kid == 0) {
				uint32_t v = 0x33;

				cfg.buf = (uintptr_t)&v;
				if (syscall(SYS_capget, &h, d))
					_exit(3);
				d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
				if (syscall(SYS_capset, &h, d))
					_exit(3);
				_exit(xioctl(fd, VFCB_PF_CFG_WRITE, &cfg) == -EPERM ? 0 : 1);
			}
			waitpid(kid, &st, 0);
			w = 0;
			check(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
			      xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 1 && w == 0x5a,
			      "PF CFG_WRITE without CAP_SYS_ADMIN: EPERM, byte unchanged (exit %d)",
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		}
		cfg.offset = 0x10;	/* BAR0 */
		cfg.len = 4;
		expect_err(xioctl(fd, VFCB_PF_CFG_WRITE, &cfg), EPERM, "PF CFG_WRITE of a VF BAR");
		check(xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 4 && !memcmp(&mine[0x10], &w, 2),
		      "refused CFG_WRITE left BAR0 as it was");
	}
	/* AER belongs to the AER driver: refused like the other capabilities. */
	{
		uint32_t hdr = 0, before = 0, after = 0, probe = 0;
		unsigned int pos = 0x100, hops = 0, aer = 0;

		cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0, .len = 4,
					    .buf = (uintptr_t)&hdr };
		while (pos >= 0x100 && pos < 4096 && hops++ < 64) {
			cfg.offset = pos;
			if (xioctl(fd, VFCB_PF_CFG_READ, &cfg) != 4 || !hdr || hdr == ~0u)
				break;
			if ((hdr & 0xffff) == 0x0001) {	/* PCI_EXT_CAP_ID_ERR */
				aer = pos;
				break;
			}
			pos = hdr >> 20;
		}
		if (!aer) {
			printf("# VF 0 has no AER capability here: AER refusal not checked\n");
		} else {
			/* Uncorrectable error mask, at AER + 8. */
			cfg.offset = aer + 8;
			cfg.buf = (uintptr_t)&before;
			xioctl(fd, VFCB_PF_CFG_READ, &cfg);
			probe = ~before;
			cfg.buf = (uintptr_t)&probe;
			expect_err(xioctl(fd, VFCB_PF_CFG_WRITE, &cfg), EPERM,
				   "PF CFG_WRITE into the AER capability");
			cfg.buf = (uintptr_t)&after;
			check(xioctl(fd, VFCB_PF_CFG_READ, &cfg) == 4 && after == before,
			      "refused AER write left its mask as it was (%#x)", after);
		}
	}
	cfg = (struct vfcb_pf_cfg){ .argsz = sizeof(cfg), .vf = 0, .offset = 2, .len = 2,
				    .buf = (uintptr_t)&w };
	cfg.len = 0;
	expect_err(xioctl(fd, VFCB_PF_CFG_READ, &cfg), EINVAL, "PF CFG_READ length 0");
	cfg.len = 8;
	cfg.offset = 4094;
	expect_err(xioctl(fd, VFCB_PF_CFG_READ, &cfg), EINVAL, "PF CFG_READ past the end");
	cfg.offset = 0;
	cfg.buf = 32;
	expect_err(xioctl(fd, VFCB_PF_CFG_READ, &cfg), EFAULT, "PF CFG_READ bad buffer");
	cfg.vf = nvf;
	cfg.buf = (uintptr_t)&w;
	expect_err(xioctl(fd, VFCB_PF_CFG_READ, &cfg), ENOENT, "PF CFG_READ nonexistent VF");

	pf_argsz_matrix(fd, nvf);

	expect_err(read(fd, &ev, 4) < 0 ? -errno : 0, EINVAL, "PF read() of 4 bytes");
	close(fd);
	fd = open_dev(argv[0], O_NONBLOCK);
	expect_err(read(fd, &ev, sizeof(ev)) < 0 ? -errno : 0, EAGAIN,
		   "PF read() with O_NONBLOCK and no event");
	close(fd);
	return failures ? 1 : 0;
}

/* ------------------------------------------------------------ VF --- */

/* Subscribe @fd and throw away what earlier tests left for it. */
static void drain(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	uint64_t m;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (read(fd, &m, sizeof(m)) == sizeof(m))
		;
	fcntl(fd, F_SETFL, fl);
}

/* vf-ioctl VFDEV: the VF device's bad-input matrix (block 0xdead0 must not exist). */
static int cmd_vf_ioctl(int argc, char **argv)
{
	int fd = open_dev(argv[0], 0);
	struct vfcb_vf_info info = { .argsz = sizeof(info) };
	struct vfcb_vf_block b;
	struct vfcb_vf_ping p = { .argsz = sizeof(p) };
	uint64_t mask;
	uint32_t len;
	uint8_t buf[VFCB_MAX_BLOCK_SIZE];

	(void)argc;
	{
		/* Like write(2): a read-only file does not write. */
		int ro = open(argv[0], O_RDONLY | O_CLOEXEC);
		uint8_t one = 1;

		expect_err(ro < 0 ? -errno : vf_write(ro, 0xdead0, &one, 1), EBADF,
			   "VF WRITE on a file opened read-only");
		if (ro >= 0)
			close(ro);
	}
	check(xioctl(fd, VFCB_VF_GET_INFO, &info) == 0 && info.state == VFCB_VF_STATE_READY &&
	      info.version == VFCB_PROTO_V2 && info.max_block_size == VFCB_MAX_BLOCK_SIZE,
	      "VF GET_INFO: ready, version 2 (the newest both speak), 128-byte blocks");
	info.argsz = 4;
	expect_err(xioctl(fd, VFCB_VF_GET_INFO, &info), EINVAL, "VF GET_INFO argsz 4");
	info = (struct vfcb_vf_info){ .argsz = sizeof(info), .flags = 2 };
	expect_err(xioctl(fd, VFCB_VF_GET_INFO, &info), EINVAL, "VF GET_INFO unknown flag");
	check(xioctl(fd, VFCB_VF_PING, &p) == 0, "VF PING");
	expect_err(xioctl(fd, _IO(VFCB_IOCTL_TYPE, 0x7f), &p), ENOTTY, "VF unknown ioctl");

	b = (struct vfcb_vf_block){ .argsz = sizeof(b), .block_id = 0xdead0, .len = 0 };
	expect_err(xioctl(fd, VFCB_VF_READ, &b), EINVAL, "VF READ into 0 bytes");
	b.len = VFCB_MAX_BLOCK_SIZE + 1;
	expect_err(xioctl(fd, VFCB_VF_READ, &b), EMSGSIZE, "VF READ of 129 bytes");
	expect_err(xioctl(fd, VFCB_VF_WRITE, &b), EMSGSIZE, "VF WRITE of 129 bytes");
	b.len = 4;
	b.flags = 1;
	expect_err(xioctl(fd, VFCB_VF_READ, &b), EINVAL, "VF READ unknown flag");
	expect_err(xioctl(fd, VFCB_VF_READ, (void *)8), EFAULT, "VF READ bad pointer");
	expect_err(xioctl(fd, VFCB_VF_WRITE, (void *)8), EFAULT, "VF WRITE bad pointer");
	len = 16;
	expect_err(vf_read(fd, 0xdead0, buf, &len), ENOENT, "VF READ of an unknown block");

	/* The argsz rule; block 0xdead0 does not exist and is not VF-writable. */
	info = (struct vfcb_vf_info){ .argsz = sizeof(info), .pad = 1 };
	expect_err(xioctl(fd, VFCB_VF_GET_INFO, &info), EINVAL, "VF GET_INFO non-zero pad");
	info.pad = 0;
	argsz_matrix(fd, VFCB_VF_GET_INFO, &info, sizeof(info), 0, "VF GET_INFO");
	check(info.state == VFCB_VF_STATE_READY && info.flags == 0 && info.pad == 0,
	      "VF GET_INFO with a zero tail: ready, flags and pad left 0");
	p = (struct vfcb_vf_ping){ .argsz = sizeof(p) };
	argsz_matrix(fd, VFCB_VF_PING, &p, sizeof(p), 0, "VF PING");
	b = (struct vfcb_vf_block){ .argsz = sizeof(b), .block_id = 0xdead0, .len = 16 };
	argsz_matrix(fd, VFCB_VF_READ, &b, sizeof(b), -ENOENT, "VF READ");
	b = (struct vfcb_vf_block){ .argsz = sizeof(b), .block_id = 0xdead0, .len = 4 };
	argsz_matrix(fd, VFCB_VF_WRITE, &b, sizeof(b), -EPERM, "VF WRITE");

	expect_err(read(fd, &mask, 4) < 0 ? -errno : 0, EINVAL, "VF read() of 4 bytes");
	close(fd);
	fd = open_dev(argv[0], O_NONBLOCK);
	drain(fd);	/* what the handshake left for the first reader */
	expect_err(read(fd, &mask, 8) < 0 ? -errno : 0, EAGAIN,
		   "VF read() with O_NONBLOCK and no invalidation");
	close(fd);
	return failures ? 1 : 0;
}

/* ------------------------------------------------------- stress --- */

struct worker {
	const char *dev;
	unsigned int vf;	/* index the PF knows it by */
	unsigned int iters;
	bool writer;
	unsigned long ops, bad;
	uint8_t last[VFCB_MAX_BLOCK_SIZE];
	uint32_t last_len;
	double us;
};

/* Readers check block 1 against the VF's pattern; writers write block 2
 * and read it back.  Each VF gets one of each, all VFs at once.
 */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	uint8_t want[VFCB_MAX_BLOCK_SIZE], got[VFCB_MAX_BLOCK_SIZE];
	int fd = open_dev(w->dev, 0);
	double t0 = now_us();
	unsigned int i;
	uint32_t len;

	pattern(want, sizeof(want), w->vf);
	for (i = 0; i < w->iters; i++) {
		if (!w->writer) {
			len = sizeof(got);
			if (vf_read(fd, 1, got, &len) || len != VFCB_MAX_BLOCK_SIZE ||
			    memcmp(got, want, len))
				w->bad++;
		} else {
			uint32_t n = 1 + (i * 37 + w->vf) % VFCB_MAX_BLOCK_SIZE;

			pattern(w->last, n, w->vf * 1000 + i);
			if (vf_write(fd, 2, w->last, n)) {
				w->bad++;
				continue;
			}
			w->last_len = n;
			len = sizeof(got);
			if (vf_read(fd, 2, got, &len) || len != n || memcmp(got, w->last, n))
				w->bad++;
		}
		w->ops++;
	}
	w->us = now_us() - t0;
	close(fd);
	return NULL;
}

/* stress PFDEV ITERS VFDEV...: VFDEV k is VF index k. */
static int cmd_stress(int argc, char **argv)
{
	int pf = open_dev(argv[0], 0);
	unsigned int iters = strtoul(argv[1], NULL, 0), n = argc - 2, i;
	struct worker *w = calloc(2 * n, sizeof(*w));
	pthread_t *th = calloc(2 * n, sizeof(*th));
	uint8_t blk[VFCB_MAX_BLOCK_SIZE];
	struct vfcb_pf_block b;
	unsigned long ops = 0, bad = 0;
	double t0;

	for (i = 0; i < n; i++) {
		pattern(blk, sizeof(blk), i);
		if (pf_set(pf, i, 1, blk, sizeof(blk), 0) ||
		    pf_set(pf, i, 2, blk, 0, VFCB_BLOCK_VF_WRITABLE)) {
			check(false, "stress: host defines blocks 1 and 2 of VF %u", i);
			return 1;
		}
	}
	t0 = now_us();
	for (i = 0; i < 2 * n; i++) {
		w[i] = (struct worker){ .dev = argv[2 + i / 2], .vf = i / 2,
					.iters = iters, .writer = i % 2 };
		pthread_create(&th[i], NULL, worker_run, &w[i]);
	}
	for (i = 0; i < 2 * n; i++) {
		pthread_join(th[i], NULL);
		ops += w[i].ops;
		bad += w[i].bad;
	}
	printf("# %lu operations on %u VFs in %.0f ms\n", ops, n, (now_us() - t0) / 1000);
	check(bad == 0 && ops == 2ul * n * iters,
	      "stress: %u VFs x 2 threads x %u requests, every byte as the host set it (%lu bad)",
	      n, iters, bad);
	for (i = 0; i < n; i++) {
		struct worker *wr = &w[2 * i + 1];

		check(pf_get(pf, i, 2, &b) == 0 && b.len == wr->last_len &&
		      !memcmp(b.data, wr->last, b.len),
		      "stress: host reads VF %u's last write back byte-identical", i);
	}
	close(pf);
	return failures ? 1 : 0;
}

/* --------------------------------------------------- invalidations --- */

/* Read one mask with a timeout; 0 on timeout. */
static uint64_t wait_mask(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t m = 0;

	if (poll(&p, 1, timeout_ms) != 1 || !(p.revents & POLLIN))
		return 0;
	if (read(fd, &m, sizeof(m)) != sizeof(m))
		return 0;
	return m;
}

/* Collect masks until @want is covered or @ms pass. */
static uint64_t collect(int fd, uint64_t want, int ms)
{
	double end = now_us() + ms * 1000.0;
	uint64_t got = 0;

	while ((got & want) != want && now_us() < end)
		got |= wait_mask(fd, 200);
	return got;
}

/* readers PFDEV VF VFDEV: two readers of one VF each see every bit. */
static int cmd_readers(int argc, char **argv)
{
	int pf = open_dev(argv[0], 0);
	unsigned int vf = strtoul(argv[1], NULL, 0), i;
	int a = open_dev(argv[2], 0), b = open_dev(argv[2], O_NONBLOCK);
	struct pollfd p = { .fd = b, .events = POLLIN };
	uint64_t m, got_a, got_b, all = ~0ull;
	double t0;

	(void)argc;
	/* A file collects invalidations from its first read() or poll(). */
	drain(a);
	drain(b);
	check(poll(&p, 1, 0) == 0, "readers: nothing to read before an invalidation");
	t0 = now_us();
	check(pf_invalidate(pf, vf, 0x5, 0) == 0, "readers: host invalidates 0x5");
	m = wait_mask(a, 5000);
	printf("# invalidate to wake-up: %.0f us\n", now_us() - t0);
	check(m == 0x5, "readers: first reader gets 0x5 (got 0x%llx)", (unsigned long long)m);
	m = wait_mask(b, 5000);
	check(m == 0x5, "readers: second reader gets 0x5 too (got 0x%llx)",
	      (unsigned long long)m);
	check(read(b, &m, 8) < 0 && errno == EAGAIN,
	      "readers: mask cleared by read, O_NONBLOCK gives EAGAIN");

	/* A burst of 64 invalidations, one bit each: coalesced, none lost. */
	for (i = 0; i < 64; i++)
		pf_invalidate(pf, vf, 1ull << i, 0);
	got_a = collect(a, all, 10000);
	got_b = collect(b, all, 10000);
	check(got_a == all, "readers: burst of 64 invalidations, reader 1 sees all bits (0x%llx)",
	      (unsigned long long)got_a);
	check(got_b == all, "readers: burst of 64 invalidations, reader 2 sees all bits (0x%llx)",
	      (unsigned long long)got_b);

	/* All-VF invalidation reaches this VF as well. */
	check(pf_invalidate(pf, 0, 0x100, VFCB_INVALIDATE_ALL_VFS) == 0 &&
	      collect(a, 0x100, 5000) == 0x100, "readers: all-VF invalidation arrives");
	close(a);
	close(b);
	close(pf);
	return failures ? 1 : 0;
}

/* pending VFDEV MASK: the file's first read returns exactly MASK. */
static int cmd_expect_mask(int argc, char **argv)
{
	int fd = open_dev(argv[0], 0);
	uint64_t want = strtoull(argv[1], NULL, 0);
	uint64_t got = collect(fd, want, argc > 2 ? atoi(argv[2]) : 5000);

	check(got == want, "invalidation mask 0x%llx delivered (got 0x%llx)",
	      (unsigned long long)want, (unsigned long long)got);
	close(fd);
	return failures ? 1 : 0;
}

/*
 * inval PFDEV VF VFDEV MASK: a reader of the VF that subscribes now gets
 * the mask the host raises next, exactly: after a resume or an error
 * recovery, the new handshake's all-ones is over and nothing is lost.
 */
static int cmd_inval(int argc, char **argv)
{
	int pf = open_dev(argv[0], 0), fd = open_dev(argv[2], 0);
	unsigned int vf = strtoul(argv[1], NULL, 0);
	uint64_t want = strtoull(argv[3], NULL, 0), got;
	double t0;

	(void)argc;
	drain(fd);	/* subscribes, and takes what was raised before */
	t0 = now_us();
	check(pf_invalidate(pf, vf, want, 0) == 0, "inval: host invalidates 0x%llx for VF %u",
	      (unsigned long long)want, vf);
	got = wait_mask(fd, 5000);
	printf("# invalidate to wake-up: %.0f us\n", now_us() - t0);
	check(got == want, "inval: VF %u's reader gets exactly 0x%llx (got 0x%llx)",
	      vf, (unsigned long long)want, (unsigned long long)got);
	close(fd);
	close(pf);
	return failures ? 1 : 0;
}

/* ----------------------------------------------------- unbind ---- */

/*
 * blocked VFDEV BDF: callers blocked in read(), poll() and a muted-PF
 * ioctl are woken when the VF is unbound, with an error, in bounded time.
 */
static int cmd_blocked(int argc, char **argv)
{
	const char *dev = argv[0], *bdf = argv[1];
	char path[256];
	pid_t kids[2];
	int i, st, fd, held = -1;
	uint64_t m = 0;
	double t0;

	/* With PFDEV VF: a file holding unread bits at unbind reads them once. */
	if (argc >= 4) {
		int pfd = open_dev(argv[2], 0);
		struct pollfd p;

		held = open_dev(dev, 0);
		drain(held);
		p = (struct pollfd){ .fd = held, .events = POLLIN };
		poll(&p, 1, 0);		/* subscribe */
		check(pf_invalidate(pfd, strtoul(argv[3], NULL, 0), 1ull << 44, 0) == 0,
		      "blocked: host invalidates bit 44 for the file to hold");
		p.revents = 0;
		check(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN),
		      "blocked: the file holds the bit before the unbind");
		close(pfd);
	}
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			uint64_t m;
			struct pollfd p;
			int r;

			fd = open_dev(dev, 0);
			drain(fd);
			if (i == 0) {
				r = read(fd, &m, sizeof(m));
				if (r < 0 && errno == ENODEV)
					_exit(0);
				printf("# read() returned %d, errno %s\n", r,
				       strerrorname_np(errno) ?: "?");
				_exit(1);
			}
			p = (struct pollfd){ .fd = fd, .events = POLLIN };
			r = poll(&p, 1, 20000);
			_exit(r == 1 && (p.revents & (POLLERR | POLLHUP)) ? 0 : 1);
		}
	}
	usleep(300 * 1000);	/* let both block */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	fd = open(path, O_WRONLY);
	t0 = now_us();
	check(fd >= 0 && write(fd, bdf, strlen(bdf)) == (ssize_t)strlen(bdf),
	      "blocked: unbind %s while callers wait", bdf);
	if (fd >= 0)
		close(fd);
	printf("# unbind took %.0f ms\n", (now_us() - t0) / 1000);
	waitpid(kids[0], &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked: read() woken with ENODEV");
	waitpid(kids[1], &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked: poll() woken with POLLHUP/POLLERR");
	if (held >= 0) {
		ssize_t r = read(held, &m, sizeof(m));

		check(r == sizeof(m) && m == 1ull << 44,
		      "blocked: after the unbind the held bits are read once (%#llx)",
		      (unsigned long long)m);
		r = read(held, &m, sizeof(m));
		expect_err(r < 0 ? -errno : 0, ENODEV, "blocked: then read() says ENODEV");
		close(held);
	}
	return failures ? 1 : 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * timeout VFDEV MAX_MS: a request to a muted PF ends in ETIMEDOUT in time,
 * and a signal ends one early.
 */
struct bg_read {
	int fd;
	int r;
	double ms;
};

static void *bg_read_fn(void *arg)
{
	struct bg_read *b = arg;
	uint8_t buf[16];
	uint32_t len = sizeof(buf);
	double t0 = now_us();

	b->r = vf_read(b->fd, 1, buf, &len);
	b->ms = (now_us() - t0) / 1000;
	return NULL;
}

/* The VF core's timeout_ms, as the module has it now. */
static double vf_timeout_ms(void)
{
	FILE *f = fopen("/sys/module/vfcb_vf/parameters/timeout_ms", "r");
	double t = 0;

	if (f) {
		if (fscanf(f, "%lf", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

/*
 * With one request stuck on a silent PF: a second caller ends within one
 * timeout of its own start (the time queued counts), a non-blocking one
 * gets EAGAIN at once, and poll() says POLLOUT only once the slot is free.
 */
static void timeout_queue(const char *dev, int fd, double max_ms)
{
	struct bg_read a = { .fd = fd }, b = { .fd = fd };
	int nb = open_dev(dev, O_NONBLOCK);
	double tmo = vf_timeout_ms(), t0, ms;
	struct pollfd pfd = { .fd = nb, .events = POLLOUT };
	pthread_t ta, tb;
	uint8_t buf[16];
	uint32_t len = sizeof(buf);
	int r, pr;

	check(tmo > 0, "deadline: timeout_ms is %.0f", tmo);
	pthread_create(&ta, NULL, bg_read_fn, &a);
	usleep(tmo * 1000 / 4);		/* a owns the slot, its answer never comes */
	pr = poll(&pfd, 1, 0);
	check(pr == 0, "poll: no POLLOUT while another request is in flight (got %d, %#x)",
	      pr, pfd.revents);
	t0 = now_us();
	r = vf_read(nb, 1, buf, &len);
	ms = (now_us() - t0) / 1000;
	expect_err(r, EAGAIN, "O_NONBLOCK: READ behind a request in flight");
	check(ms < tmo / 2, "O_NONBLOCK: returned after %.0f ms, without waiting", ms);
	pthread_create(&tb, NULL, bg_read_fn, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	expect_err(a.r, ETIMEDOUT, "deadline: the first caller times out");
	expect_err(b.r, ETIMEDOUT, "deadline: the caller queued behind it times out too");
	/* Queued for ~3/4 of a timeout: one deadline ends it then, not a full one later. */
	check(b.ms < tmo * 1.5, "deadline: the queued caller took %.0f ms, within 1.5 x %.0f ms",
	      b.ms, tmo);
	printf("# deadline: first caller %.0f ms, queued caller %.0f ms (bound %.0f)\n",
	       a.ms, b.ms, max_ms);
	pfd.revents = 0;
	pr = poll(&pfd, 1, (int)max_ms);
	check(pr == 1 && (pfd.revents & POLLOUT),
	      "poll: POLLOUT once no request is in flight (got %d, %#x)", pr, pfd.revents);
	close(nb);
}

static int cmd_timeout(int argc, char **argv)
{
	int fd = open_dev(argv[0], 0);
	double max_ms = atof(argv[1]), t0, ms;
	uint8_t buf[16];
	uint32_t len = sizeof(buf);
	int r;

	(void)argc;
	t0 = now_us();
	r = vf_read(fd, 1, buf, &len);
	ms = (now_us() - t0) / 1000;
	expect_err(r, ETIMEDOUT, "timeout: READ while the PF does not answer");
	check(ms <= max_ms, "timeout: returned after %.0f ms (bound %.0f ms)", ms, max_ms);

	/* A signal ends the wait at once (no SA_RESTART: EINTR, not a retry). */
	{
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);
		ualarm(200 * 1000, 0);
		t0 = now_us();
		len = sizeof(buf);
		r = vf_read(fd, 1, buf, &len);
		ms = (now_us() - t0) / 1000;
		expect_err(r, EINTR, "signal: READ waiting on a silent PF interrupted by SIGALRM");
		check(ms < max_ms / 2, "signal: returned after %.0f ms, not at the timeout", ms);
	}
	timeout_queue(argv[0], fd, max_ms);
	close(fd);
	return failures ? 1 : 0;
}

/* --------------------------------------------------------- events --- */

/*
 * ev-hold PFDEV READY GO: open the PF device (its event queue starts now),
 * create READY, wait (at most 300 s) until GO exists, then print every
 * queued record as "ev TYPE VF BLOCK LEN", without blocking.
 */
static int cmd_ev_hold(int argc, char **argv)
{
	int fd = open_dev(argv[0], O_NONBLOCK);
	struct vfcb_pf_event ev[16];
	int i, n, waited = 0;
	ssize_t r;

	(void)argc;
	close(open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	while (access(argv[2], F_OK) && waited++ < 6000)
		usleep(50 * 1000);
	while ((r = read(fd, ev, sizeof(ev))) > 0) {
		n = r / sizeof(ev[0]);
		for (i = 0; i < n; i++)
			printf("ev %u %u %#x %u\n", ev[i].type, ev[i].vf,
			       ev[i].block_id, ev[i].len);
	}
	close(fd);
	return 0;
}

/*
 * ev-wake PFDEV READY STOP: open the PF device, create READY, then read its
 * events blocking (poll, 100 ms at most) until STOP exists, and print
 * "wakeups N\nrecords M\n": how often a reader that waits for events is
 * woken with something to read, and what it read.
 */
static int cmd_ev_wake(int argc, char **argv)
{
	int fd = open_dev(argv[0], O_NONBLOCK);
	struct vfcb_pf_event ev[16];
	unsigned long wakeups = 0, records = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t r;

	(void)argc;
	close(open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	while (access(argv[2], F_OK)) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(fd, ev, sizeof(ev));
		if (r > 0) {
			wakeups++;
			records += r / sizeof(ev[0]);
		}
	}
	printf("wakeups %lu\nrecords %lu\n", wakeups, records);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------ load --- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Replace @path by "ops N\nfails M\nlast_end_ns T\n" (rename: never torn). */
static void write_progress(const char *path, unsigned long ops,
			   unsigned long fails, uint64_t last)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "ops %lu\nfails %lu\nlast_end_ns %llu\n", ops, fails,
		(unsigned long long)last);
	if (fclose(f) == 0)
		rename(tmp, path);
}

/*
 * load VFDEV BLOCK PROGRESS LOG: read BLOCK on VFDEV in a loop until
 * SIGTERM or SIGINT.  After every read, PROGRESS says how many were done
 * and how many failed; LOG gets one line per read, "START_NS END_NS RESULT"
 * (CLOCK_MONOTONIC, the clock of the kernel's ktime_get_ns; RESULT 0, a
 * negative errno, or -1000 when the content differs from the first read's),
 * so a test can count what completed inside any window afterwards.  The
 * signals are blocked and taken between reads only: a stop never fails a
 * read.  Exit status 0, or 2 if the files cannot be opened.
 */
static int cmd_load(int argc, char **argv)
{
	int fd = open_dev(argv[0], 0);
	uint32_t id = strtoul(argv[1], NULL, 0), len, first_len = 0;
	uint8_t buf[VFCB_MAX_BLOCK_SIZE], first[VFCB_MAX_BLOCK_SIZE];
	unsigned long ops = 0, fails = 0;
	struct timespec zero = { 0, 0 };
	bool have_first = false;
	sigset_t stop;
	FILE *log;
	int r;

	(void)argc;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	log = fopen(argv[3], "w");
	if (!log) {
		fprintf(stderr, "open %s: %s\n", argv[3], strerror(errno));
		return 2;
	}
	while (sigtimedwait(&stop, NULL, &zero) < 0) {
		uint64_t t0 = mono_ns(), t1;

		len = sizeof(buf);
		r = vf_read(fd, id, buf, &len);
		t1 = mono_ns();
		if (r >= 0 && !have_first) {
			memcpy(first, buf, len);
			first_len = len;
			have_first = true;
		} else if (r >= 0 && (len != first_len || memcmp(buf, first, len))) {
			r = -1000;
		}
		ops++;
		if (r < 0)
			fails++;
		fprintf(log, "%llu %llu %d\n", (unsigned long long)t0,
			(unsigned long long)t1, r < 0 ? r : 0);
		write_progress(argv[2], ops, fails, t1);
	}
	fclose(log);
	close(fd);
	return 0;
}

/* ---------------------------------------------------- storm-watch --- */

/* The counters of a PF per-VF stats file that a storm makes grow. */
static const char *const sw_keys[] = {
	"rx_msgs", "rx_errors", "bad_msgs", "bad_acks", "vf_resets",
	"throttled_msgs", "throttle_events", "muted_msgs",
};
#define SW_NKEYS (sizeof(sw_keys) / sizeof(sw_keys[0]))

static bool sw_read_stats(const char *path, unsigned long long *v)
{
	char line[256], key[64];
	unsigned long long x;
	unsigned int i, found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", key, &x) != 2)
			continue;
		for (i = 0; i < SW_NKEYS; i++)
			if (!strcmp(key, sw_keys[i])) {
				v[i] = x;
				found++;
			}
	}
	fclose(f);
	return found == SW_NKEYS;
}

/* The interrupts of the /proc/interrupts line named @name, all CPUs. */
static unsigned long long sw_irqs(const char *name)
{
	char line[1024], *tok, *save;
	unsigned long long sum = 0, x;
	size_t nl = strlen(name);
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\n");

		line[l] = 0;
		if (l < nl || strcmp(line + l - nl, name) ||
		    (l > nl && line[l - nl - 1] != ' '))
			continue;
		tok = strtok_r(line, " ", &save);	/* "NN:" */
		while ((tok = strtok_r(NULL, " ", &save))) {
			char *end;

			x = strtoull(tok, &end, 10);
			if (*end)
				break;
			sum += x;
		}
	}
	fclose(f);
	return sum;
}

/*
 * storm-watch STATS IRQNAME OUT NSTORMS [IDLE_MS]: tell when a VF storms,
 * from the PF's side only.  Poll STATS (a PF per-VF debugfs stats file)
 * every 20 ms; a storm starts at the first poll that sees one of its
 * counters grow and ends IDLE_MS (default 2500, longer than a throttle)
 * after the last poll that did.  Appends to OUT "on I START_NS" when storm
 * I starts and, when it ends, "storm I START_NS END_NS IRQS" followed by
 * each counter's growth as "name=N": END is the last poll that saw growth
 * (so START..END lies inside the storm), IRQS the interrupts of the
 * /proc/interrupts line named IRQNAME between the two, times
 * CLOCK_MONOTONIC as in "load".  Exits after NSTORMS storms, or with
 * status 2 if STATS cannot be read.
 */
static int cmd_storm_watch(int argc, char **argv)
{
	unsigned long long base[SW_NKEYS], last[SW_NKEYS], cur[SW_NKEYS];
	unsigned long long irq0 = 0, irq_last = 0;
	uint64_t start = 0, last_t = 0, idle_ns;
	int nstorms = atoi(argv[3]), i = 0;
	bool on = false;
	unsigned int k;
	FILE *out;

	idle_ns = (argc > 4 ? strtoull(argv[4], NULL, 0) : 2500) * 1000000ull;
	if (!sw_read_stats(argv[0], last)) {
		fprintf(stderr, "storm-watch: cannot read %s\n", argv[0]);
		return 2;
	}
	out = fopen(argv[2], "a");
	if (!out)
		return 2;
	setvbuf(out, NULL, _IOLBF, 0);
	while (i < nstorms || on) {
		uint64_t t;
		bool grew = false;

		usleep(20 * 1000);
		if (!sw_read_stats(argv[0], cur))
			continue;
		t = mono_ns();
		for (k = 0; k < SW_NKEYS; k++)
			if (cur[k] != last[k])
				grew = true;
		if (grew && !on) {
			on = true;
			start = t;
			irq0 = sw_irqs(argv[1]);
			memcpy(base, last, sizeof(base));
			i++;
			fprintf(out, "on %d %llu\n", i, (unsigned long long)t);
		}
		if (grew) {
			last_t = t;
			irq_last = sw_irqs(argv[1]);
			memcpy(last, cur, sizeof(last));
		} else if (on && t - last_t > idle_ns) {
			on = false;
			fprintf(out, "storm %d %llu %llu %llu", i,
				(unsigned long long)start,
				(unsigned long long)last_t, irq_last - irq0);
			for (k = 0; k < SW_NKEYS; k++)
				fprintf(out, " %s=%llu", sw_keys[k], last[k] - base[k]);
			fprintf(out, "\n");
		}
	}
	fclose(out);
	return 0;
}

/*
 * A guest holding its VF's mailbox lock: VFU set in V2PMAILBOX through the
 * VF's BAR 0 (sysfs resource0), kept MS milliseconds, taken again every
 * 10 ms if the VF's driver released it, then let go.  Prints "held MS
 * retakes N".
 */
#define ITEST_V2PMAILBOX	0xc40
#define ITEST_VFU		0x4u
static int cmd_holdvfu(int argc, char **argv)
{
	unsigned int ms = strtoul(argv[1], NULL, 0), retakes = 0;
	volatile uint32_t *mbx;
	double end;
	char path[128];
	void *bar;
	int fd;

	(void)argc;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", argv[0]);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	bar = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mbx = (volatile uint32_t *)((char *)bar + ITEST_V2PMAILBOX);
	*mbx = ITEST_VFU;
	end = now_us() + ms * 1e3;
	while (now_us() < end) {
		usleep(10000);
		if (!(*mbx & ITEST_VFU)) {
			*mbx = ITEST_VFU;
			retakes++;
		}
	}
	*mbx = 0;
	printf("held %u retakes %u\n", ms, retakes);
	munmap(bar, 0x1000);
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int nargs;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "pf-ioctl", 3, cmd_pf_ioctl, "PFDEV NUM_VFS VF0_BDF" },
	{ "vf-ioctl", 1, cmd_vf_ioctl, "VFDEV" },
	{ "stress", 3, cmd_stress, "PFDEV ITERS VFDEV..." },
	{ "readers", 3, cmd_readers, "PFDEV VF VFDEV" },
	{ "expect-mask", 2, cmd_expect_mask, "VFDEV MASK [TIMEOUT_MS]" },
	{ "inval", 4, cmd_inval, "PFDEV VF VFDEV MASK" },
	{ "blocked", 2, cmd_blocked, "VFDEV BDF [PFDEV VF]" },
	{ "timeout", 2, cmd_timeout, "VFDEV MAX_MS" },
	{ "load", 4, cmd_load, "VFDEV BLOCK PROGRESS LOG" },
	{ "ev-hold", 3, cmd_ev_hold, "PFDEV READY GO" },
	{ "storm-watch", 4, cmd_storm_watch, "STATS IRQNAME OUT NSTORMS [IDLE_MS]" },
	{ "ev-wake", 3, cmd_ev_wake, "PFDEV READY STOP" },
	{ "holdvfu", 2, cmd_holdvfu, "VF_BDF MS" },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name) && argc - 2 >= cmds[i].nargs)
			return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "usage: vfcb_itest COMMAND ARGS\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %s %s\n", cmds[i].name, cmds[i].usage);
	return 2;
}
