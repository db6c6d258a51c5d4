// SPDX-License-Identifier: GPL-2.0
/* vfcbctl guest-side commands: the ioctls and read() of the VF device. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfcb.h>

#include "cmds.h"
#include "output.h"

#define PING_DEFAULT	100
#define PING_MAX	10000000	/* 80 MB of samples */

/* What an errno means coming from the VF device (include/vfcb_vf.h). */
static const char *vf_hint(int err)
{
	switch (err) {
	case ENOENT:
		return "the PF has no block with this ID for this VF";
	case EPERM:
		return "the PF denied it: the block is not VF-writable, or the policy does not let this VF create blocks";
	case ENOSPC:
		return "this VF's block quota on the PF is used up";
	case EBUSY:
		return "the PF is throttling this VF; retry later";
	case ETIMEDOUT:
		return "the PF did not answer in time: is vfcb_pf loaded on the host?";
	case EAGAIN:
		return "no handshake with the PF yet (PF resetting or not loaded); retry later";
	case ENODEV:
		return "the PF went away (vfcb_pf unloaded, SR-IOV off) or the VF was unbound";
	case EPROTO:
		return "malformed exchange with the PF; see the kernel log";
	case EOPNOTSUPP:
		return "the PF's driver does not speak vfcb (vfcbctl vf info: no-vfcb), or not this request";
	case EMSGSIZE:
		return "a block holds at most 128 bytes";
	case ENOTTY:
		return "not a vfcb VF device, or a vfcb_vf older than vfcbctl";
	case EINVAL:
		return "the driver refused an argument; see Documentation/api.rst";
	}
	return NULL;
}

static int vf_fail(const char *what, int err)
{
	const char *hint = vf_hint(err);

	return hint ? fail(what, err, "%s", hint) : fail(what, err, NULL);
}

static int vf_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? errno : 0;
}

/* ------------------------------------------------------------ vf info --- */

int cmd_vf_info(struct ctx *c)
{
	struct vfcb_vf_info vi;
	int fd, rc, err;

	rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	memset(&vi, 0, sizeof(vi));
	vi.argsz = sizeof(vi);
	err = vf_ioctl(fd, VFCB_VF_GET_INFO, &vi);
	close(fd);
	if (err)
		return vf_fail("VFCB_VF_GET_INFO", err);
	if (out_json) {
		js_obj_begin(NULL);
		js_str("device", dev_addr(c->path));
		js_str("path", c->path);
		js_str("state", state_name(vi.state));
		js_u64("vf_index", vi.vf_index);
		js_u64("serial", vi.serial);
		js_u64("version", vi.version);
		js_u64("max_block_size", vi.max_block_size);
		js_obj_end();
		return EXIT_OK;
	}
	kv("device", "%s", dev_addr(c->path));
	kv("path", "%s", c->path);
	kv("state", "%s", state_name(vi.state));
	kv("vf_index", "%u", vi.vf_index);
	kv("serial", "0x%08x", vi.serial);
	kv("version", "%u", vi.version);
	kv("max_block_size", "%u", vi.max_block_size);
	return EXIT_OK;
}

/* ------------------------------------------------------- read, write --- */

static int block_id_arg(struct ctx *c, uint32_t *id)
{
	return arg_u32(c, "block ID", c->arg[0], 0, UINT32_MAX, id);
}

static void print_read(const struct vfcb_vf_block *b)
{
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("block_id", b->block_id);
		js_u64("len", b->len);
		js_bytes("data", b->data, b->len);
		js_obj_end();
		return;
	}
	printf("block %u (0x%x): %u bytes\n", b->block_id, b->block_id, b->len);
	hexdump(stdout, 0, b->data, b->len);
}

int cmd_read(struct ctx *c)
{
	const char *len = opt_val(c, "len");
	struct vfcb_vf_block b;
	uint32_t bufsz = VFCB_MAX_BLOCK_SIZE;
	int fd, rc, err;

	memset(&b, 0, sizeof(b));
	rc = block_id_arg(c, &b.block_id);
	if (!rc && len)
		rc = arg_u32(c, "--len", len, 1, VFCB_MAX_BLOCK_SIZE, &bufsz);
	if (!rc && out_json && opt_val(c, "raw"))
		rc = usage_err(c, "--raw and --json exclude each other");
	if (!rc)
		rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	b.argsz = sizeof(b);
	b.len = bufsz;
	err = vf_ioctl(fd, VFCB_VF_READ, &b);
	close(fd);
	if (err == ERANGE)
		return fail("VFCB_VF_READ", err, "block is %u bytes, buffer was %u%s",
			    b.len, bufsz, b.len <= VFCB_MAX_BLOCK_SIZE ?
			    "; use a larger --len" : "");
	if (err)
		return vf_fail("VFCB_VF_READ", err);
	if (opt_val(c, "raw"))
		fwrite(b.data, 1, b.len, stdout);
	else
		print_read(&b);
	return EXIT_OK;
}

int cmd_write(struct ctx *c)
{
	struct vfcb_vf_block b;
	size_t len;
	int fd, rc, err;

	memset(&b, 0, sizeof(b));
	rc = block_id_arg(c, &b.block_id);
	if (!rc)
		rc = arg_data(c, b.data, sizeof(b.data), &len);
	if (!rc)
		rc = ctx_open(c, O_RDWR, &fd);
	if (rc)
		return rc;
	b.argsz = sizeof(b);
	b.len = (uint32_t)len;
	err = vf_ioctl(fd, VFCB_VF_WRITE, &b);
	close(fd);
	if (err)
		return vf_fail("VFCB_VF_WRITE", err);
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("block_id", b.block_id);
		js_u64("len", b.len);
		js_obj_end();
	}
	return EXIT_OK;
}

/* --------------------------------------------------------------- ping --- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void print_ping(const struct ctx *c, const struct rtt_stats *s,
		       double ops)
{
	if (out_json) {
		js_obj_begin(NULL);
		js_str("device", dev_addr(c->path));
		js_u64("count", s->n);
		js_double("min_us", s->min);
		js_double("p50_us", s->p50);
		js_double("p99_us", s->p99);
		js_double("max_us", s->max);
		js_double("mean_us", s->mean);
		js_double("ops_per_sec", ops);
		js_obj_end();
		return;
	}
	printf("%s: %zu round trips\n", dev_addr(c->path), s->n);
	printf("min %.3f us  p50 %.3f us  p99 %.3f us  max %.3f us  mean %.3f us\n",
	       s->min, s->p50, s->p99, s->max, s->mean);
	printf("%.0f ops/s\n", ops);
}

/*
 * Times each round trip on its own; clock_gettime through the vDSO costs
 * tens of nanoseconds, far below a mailbox round trip.
 */
int cmd_ping(struct ctx *c)
{
	struct vfcb_vf_ping p = { .argsz = sizeof(p) };
	const char *cnt = opt_val(c, "count");
	uint32_t count = PING_DEFAULT, i;
	uint64_t *ns, t0, start;
	struct rtt_stats s;
	int fd, rc = EXIT_OK, err = 0;

	if (cnt)
		rc = arg_u32(c, "--count", cnt, 1, PING_MAX, &count);
	if (!rc)
		rc = ctx_open(c, O_RDWR, &fd);
	if (rc)
		return rc;
	ns = malloc(count * sizeof(*ns));
	if (!ns) {
		close(fd);
		return fail("ping", ENOMEM, NULL);
	}
	start = now_ns();
	for (i = 0; i < count && !err; i++) {
		t0 = now_ns();
		err = vf_ioctl(fd, VFCB_VF_PING, &p);
		ns[i] = now_ns() - t0;
	}
	close(fd);
	if (err) {
		free(ns);
		fprintf(stderr, "vfcbctl: ping %u of %u failed\n", i, count);
		return vf_fail("VFCB_VF_PING", err);
	}
	rtt_stats(ns, count, &s);
	print_ping(c, &s, count / ((now_ns() - start) / 1e9));
	free(ns);
	return EXIT_OK;
}

/* --------------------------------------------------------------- wait --- */

static void print_mask(uint64_t mask)
{
	if (out_json) {
		js_obj_begin(NULL);
		js_hex64("mask", mask);
		js_ids("ids", mask);
		js_obj_end();
		return;
	}
	printf("mask 0x%016" PRIx64 " ids ", mask);
	print_ids(stdout, mask);
	putchar('\n');
}

/*
 * Wait for readability, then read the mask.  Another reader of the same
 * file may take the mask first (EAGAIN): then wait again, for what is
 * left of @timeout_ms (-1: forever).
 */
static int wait_mask(int fd, int timeout_ms, uint64_t *mask)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t deadline = now_ns() / 1000000 + timeout_ms, left = timeout_ms;
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&pfd, 1, timeout_ms < 0 ? -1 : (int)left);
		if (r < 0 && errno != EINTR)
			return errno;
		if (r == 0)
			return ETIMEDOUT;
		if (r > 0) {
			n = read(fd, mask, sizeof(*mask));
			if (n == sizeof(*mask))
				return 0;
			if (n >= 0)
				return EIO;	/* the ABI promises one __u64 */
			if (errno != EAGAIN && errno != EINTR)
				return errno;
		}
		left = deadline - (int64_t)(now_ns() / 1000000);
		if (timeout_ms >= 0 && left <= 0)
			return ETIMEDOUT;
	}
}

int cmd_wait(struct ctx *c)
{
	const char *tmo = opt_val(c, "timeout");
	uint32_t timeout = 0;
	uint64_t mask = 0;
	int fd, rc = EXIT_OK, err;

	if (tmo)
		rc = arg_u32(c, "--timeout", tmo, 0, INT32_MAX, &timeout);
	if (!rc)
		rc = ctx_open(c, O_RDONLY | O_NONBLOCK, &fd);
	if (rc)
		return rc;
	err = wait_mask(fd, tmo ? (int)timeout : -1, &mask);
	close(fd);
	if (err == ETIMEDOUT)
		return fail_msg("wait", "no invalidation within %u ms", timeout);
	if (err)
		return vf_fail("read", err);
	print_mask(mask);
	return EXIT_OK;
}
