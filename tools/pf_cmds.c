// SPDX-License-Identifier: GPL-2.0
/* vfcbctl host-side commands: the ioctls and read() of the PF device. */
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

#define VF_MAX	0xffff		/* PCI TotalVFs is 16 bits */
#define ID_MAX	UINT32_MAX

/* 0 or the errno of a failed ioctl. */
static int pf_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? errno : 0;
}

/* What an errno means coming from the PF device, where vfcb knows. */
static const char *pf_hint(int err)
{
	switch (err) {
	case ENODEV:
		return "SR-IOV is off on this PF, or the PF is going away";
	case ENOENT:
		return "no such VF: 'vfcbctl pf show' gives num_vfs";
	case ENODATA:
		return "the VF has no block with this ID";
	case ENOTTY:
		return "not a vfcb PF device, or a vfcb_pf older than vfcbctl";
	case EMSGSIZE:
		return "a block holds at most 128 bytes";
	case ENOSPC:
		/* Only SET_BLOCK: the VF's quota never limits the host. */
		return "the host already defined 1024 blocks for this VF: delete some ('vfcbctl block del')";
	case EINVAL:
		return "the driver refused an argument; see Documentation/api.rst";
	}
	return NULL;
}

static int pf_fail(const char *what, int err)
{
	const char *hint = pf_hint(err);

	return hint ? fail(what, err, "%s", hint) : fail(what, err, NULL);
}

static int get_vf_info(int fd, uint32_t vf, struct vfcb_pf_vf_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	vi->argsz = sizeof(*vi);
	vi->vf = vf;
	return pf_ioctl(fd, VFCB_PF_VF_INFO, vi);
}

static int get_pf_info(int fd, struct vfcb_pf_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->argsz = sizeof(*pi);
	return pf_ioctl(fd, VFCB_PF_GET_INFO, pi);
}

/* Parse the VF argument, and ID after it when @id is not NULL. */
static int vf_id_args(struct ctx *c, uint32_t *vf, uint32_t *id)
{
	int rc = arg_u32(c, "VF", c->arg[0], 0, VF_MAX, vf);

	if (!rc && id)
		rc = arg_u32(c, "block ID", c->arg[1], 0, ID_MAX, id);
	return rc;
}

/* ------------------------------------------------------------ pf list --- */

static void versions_human(uint32_t bitmap)
{
	const char *sep = "";
	int v;

	for (v = 0; v < 32; v++) {
		if (bitmap & (1u << v)) {
			printf("%sv%d", sep, v);
			sep = ",";
		}
	}
	if (!*sep)
		printf("-");
}

static void versions_json(const char *key, uint32_t bitmap)
{
	int v;

	js_arr_begin(key);
	for (v = 0; v < 32; v++)
		if (bitmap & (1u << v))
			js_u64(NULL, v);
	js_arr_end();
}

static void pf_info_json(const struct vfcb_pf_info *pi)
{
	js_u64("num_vfs", pi->num_vfs);
	js_u64("total_vfs", pi->total_vfs);
	js_u64("max_block_size", pi->max_block_size);
	versions_json("proto_versions", pi->proto_versions);
}

/* One row of "pf list"; returns the errno if the device did not answer. */
static int pf_list_one(const char *path)
{
	struct vfcb_pf_info pi;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	err = fd < 0 ? errno : get_pf_info(fd, &pi);
	if (fd >= 0)
		close(fd);
	if (out_json) {
		js_obj_begin(NULL);
		js_str("device", dev_addr(path));
		js_str("path", path);
		if (err)
			js_str("error", strerror(err));
		else
			pf_info_json(&pi);
		js_obj_end();
		return err;
	}
	printf("%-14s %-30s ", dev_addr(path), path);
	if (err) {
		printf("error: %s\n", strerror(err));
		return err;
	}
	printf("%3u/%-3u  ", pi.num_vfs, pi.total_vfs);
	versions_human(pi.proto_versions);
	putchar('\n');
	return 0;
}

int cmd_pf_list(struct ctx *c)
{
	const char *dir = getenv("VFCB_DEV_DIR");
	struct dev_list l;
	int err, failed = 0;
	size_t i;

	(void)c;
	err = dev_find(DEV_PF, dir ? dir : DEV_DIR_DEFAULT, &l);
	if (err && err != -ENOENT)
		return fail("pf list", -err, NULL);
	if (out_json)
		js_arr_begin(NULL);
	else if (l.n)
		printf("%-14s %-30s %-8s %s\n", "DEVICE", "PATH", "VFS", "VERSIONS");
	else
		fprintf(stderr, "no PF devices (is vfcb_pf loaded?)\n");
	for (i = 0; i < l.n; i++)
		failed |= pf_list_one(l.path[i]) != 0;
	if (out_json)
		js_arr_end();
	dev_list_free(&l);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------ pf show --- */

static void vf_row_human(uint32_t vf, const struct vfcb_pf_vf_info *vi)
{
	printf("%-4u %-7s %-7u 0x%08x %4u/%-4u  0x%016" PRIx64 "\n", vf,
	       state_name(vi->state), vi->version, vi->serial, vi->num_blocks,
	       vi->max_blocks, (uint64_t)vi->pending_mask);
}

static void vf_info_json(const struct vfcb_pf_vf_info *vi)
{
	js_u64("vf", vi->vf);
	js_str("state", state_name(vi->state));
	js_u64("version", vi->version);
	js_u64("serial", vi->serial);
	js_u64("num_blocks", vi->num_blocks);
	js_u64("max_blocks", vi->max_blocks);
	js_bool("vf_create", vi->policy & VFCB_POLICY_VF_CREATE);
	js_hex64("pending_mask", vi->pending_mask);
	js_ids("pending_ids", vi->pending_mask);
}

/* The per-VF table of "pf show"; stops at the first VF that fails. */
static int pf_show_vfs(int fd, uint32_t num_vfs)
{
	struct vfcb_pf_vf_info vi;
	uint32_t vf;
	int err = 0;

	if (out_json)
		js_arr_begin("vfs");
	else if (num_vfs)
		printf("\n%-4s %-7s %-7s %-10s %-10s %s\n", "VF", "STATE",
		       "VERSION", "SERIAL", "BLOCKS", "PENDING");
	for (vf = 0; vf < num_vfs; vf++) {
		err = get_vf_info(fd, vf, &vi);
		if (err)
			break;
		if (out_json) {
			js_obj_begin(NULL);
			vf_info_json(&vi);
			js_obj_end();
		} else {
			vf_row_human(vf, &vi);
		}
	}
	if (out_json)
		js_arr_end();
	return err;
}

int cmd_pf_show(struct ctx *c)
{
	struct vfcb_pf_info pi;
	int fd, rc, err;

	rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	err = get_pf_info(fd, &pi);
	if (err) {
		close(fd);
		return pf_fail("VFCB_PF_GET_INFO", err);
	}
	if (out_json) {
		js_obj_begin(NULL);
		js_str("device", dev_addr(c->path));
		js_str("path", c->path);
		pf_info_json(&pi);
	} else {
		kv("device", "%s", dev_addr(c->path));
		kv("path", "%s", c->path);
		kv("vfs", "%u of %u enabled", pi.num_vfs, pi.total_vfs);
		kv("max_block_size", "%u", pi.max_block_size);
		printf("%-15s ", "proto_versions");
		versions_human(pi.proto_versions);
		putchar('\n');
	}
	err = pf_show_vfs(fd, pi.num_vfs);
	if (out_json)
		js_obj_end();
	close(fd);
	return err ? pf_fail("VFCB_PF_VF_INFO", err) : EXIT_OK;
}

/* ------------------------------------------------------------ vf show --- */

int cmd_vf_show(struct ctx *c)
{
	struct vfcb_pf_vf_info vi;
	uint32_t vf;
	int fd, rc, err;

	rc = vf_id_args(c, &vf, NULL);
	if (!rc)
		rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	err = get_vf_info(fd, vf, &vi);
	close(fd);
	if (err)
		return pf_fail("VFCB_PF_VF_INFO", err);
	if (out_json) {
		js_obj_begin(NULL);
		vf_info_json(&vi);
		js_obj_end();
		return EXIT_OK;
	}
	kv("vf", "%u", vf);
	kv("state", "%s", state_name(vi.state));
	kv("version", "%u", vi.version);
	kv("serial", "0x%08x", vi.serial);
	kv("blocks", "%u of %u", vi.num_blocks, vi.max_blocks);
	kv("vf_create", "%s", vi.policy & VFCB_POLICY_VF_CREATE ? "on" : "off");
	printf("%-15s 0x%016" PRIx64 " (ids: ", "pending_mask",
	       (uint64_t)vi.pending_mask);
	print_ids(stdout, vi.pending_mask);
	printf(")\n");
	return EXIT_OK;
}

/* -------------------------------------------------------------- block --- */

int cmd_block_set(struct ctx *c)
{
	struct vfcb_pf_block b = { .argsz = sizeof(b) };
	size_t len;
	int fd, rc, err;

	rc = vf_id_args(c, &b.vf, &b.block_id);
	if (!rc)
		rc = arg_data(c, b.data, sizeof(b.data), &len);
	if (!rc)
		rc = ctx_open(c, O_RDWR, &fd);
	if (rc)
		return rc;
	b.len = (uint32_t)len;
	if (opt_val(c, "vf-writable"))
		b.block_flags |= VFCB_BLOCK_VF_WRITABLE;
	err = pf_ioctl(fd, VFCB_PF_SET_BLOCK, &b);
	close(fd);
	if (err)
		return pf_fail("VFCB_PF_SET_BLOCK", err);
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", b.vf);
		js_u64("block_id", b.block_id);
		js_u64("len", b.len);
		js_bool("vf_writable", b.block_flags & VFCB_BLOCK_VF_WRITABLE);
		js_obj_end();
	}
	return EXIT_OK;
}

/* GET_BLOCK into @b (vf and block_id set); the errno, 0 on success. */
static int get_block(int fd, struct vfcb_pf_block *b)
{
	b->argsz = sizeof(*b);
	b->flags = 0;
	b->len = sizeof(b->data);
	return pf_ioctl(fd, VFCB_PF_GET_BLOCK, b);
}

/* Content of a block or a read: raw, JSON or hex dump. */
static void print_block(const struct vfcb_pf_block *b)
{
	bool w = b->block_flags & VFCB_BLOCK_VF_WRITABLE;

	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", b->vf);
		js_u64("block_id", b->block_id);
		js_u64("len", b->len);
		js_bool("vf_writable", w);
		js_bytes("data", b->data, b->len);
		js_obj_end();
		return;
	}
	printf("vf %u block %u (0x%x): %u bytes, %s\n", b->vf, b->block_id,
	       b->block_id, b->len, w ? "vf-writable" : "read-only for the VF");
	hexdump(stdout, 0, b->data, b->len);
}

int cmd_block_get(struct ctx *c)
{
	struct vfcb_pf_block b;
	int fd, rc, err;

	memset(&b, 0, sizeof(b));
	rc = vf_id_args(c, &b.vf, &b.block_id);
	if (!rc && out_json && opt_val(c, "raw"))
		rc = usage_err(c, "--raw and --json exclude each other");
	if (!rc)
		rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	err = get_block(fd, &b);
	close(fd);
	if (err == ERANGE)
		return fail("VFCB_PF_GET_BLOCK", err, "block is %u bytes, buffer was %zu",
			    b.len, sizeof(b.data));
	if (err)
		return pf_fail("VFCB_PF_GET_BLOCK", err);
	if (opt_val(c, "raw"))
		fwrite(b.data, 1, b.len, stdout);
	else
		print_block(&b);
	return EXIT_OK;
}

int cmd_block_del(struct ctx *c)
{
	struct vfcb_pf_block b;
	int fd, rc, err;

	memset(&b, 0, sizeof(b));
	b.argsz = sizeof(b);
	rc = vf_id_args(c, &b.vf, &b.block_id);
	if (!rc)
		rc = ctx_open(c, O_RDWR, &fd);
	if (rc)
		return rc;
	err = pf_ioctl(fd, VFCB_PF_DEL_BLOCK, &b);
	close(fd);
	if (err)
		return pf_fail("VFCB_PF_DEL_BLOCK", err);
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", b.vf);
		js_u64("block_id", b.block_id);
		js_bool("deleted", true);
		js_obj_end();
	}
	return EXIT_OK;
}

/*
 * All block IDs of @vf into *ids (malloc'ed).  The count can grow between
 * two calls, so retry with the size the kernel reported a few times.
 */
static int list_ids(int fd, uint32_t vf, uint32_t **ids, uint32_t *n)
{
	struct vfcb_pf_block_list l;
	uint32_t cap = VFCB_DEFAULT_MAX_BLOCKS;
	int tries, err;

	*ids = NULL;
	for (tries = 0; tries < 4; tries++) {
		uint32_t *grown = realloc(*ids, cap * sizeof(**ids));

		if (!grown)
			return ENOMEM;
		*ids = grown;
		memset(&l, 0, sizeof(l));
		l.argsz = sizeof(l);
		l.vf = vf;
		l.count = cap;
		l.ids = (uintptr_t)*ids;
		err = pf_ioctl(fd, VFCB_PF_LIST_BLOCKS, &l);
		if (err)
			return err;
		if (l.count <= cap) {
			*n = l.count;
			return 0;
		}
		cap = l.count;
	}
	return EAGAIN;
}

static void block_row(const struct vfcb_pf_block *b)
{
	bool w = b->block_flags & VFCB_BLOCK_VF_WRITABLE;

	if (out_json) {
		js_obj_begin(NULL);
		js_u64("block_id", b->block_id);
		js_u64("len", b->len);
		js_bool("vf_writable", w);
		js_obj_end();
	} else {
		printf("%-10u 0x%08x %4u  %s\n", b->block_id, b->block_id,
		       b->len, w ? "vf-writable" : "-");
	}
}

int cmd_block_list(struct ctx *c)
{
	struct vfcb_pf_block b;
	uint32_t vf, n = 0, i, *ids = NULL;
	int fd, rc, err;

	rc = vf_id_args(c, &vf, NULL);
	if (!rc)
		rc = ctx_open(c, O_RDONLY, &fd);
	if (rc)
		return rc;
	err = list_ids(fd, vf, &ids, &n);
	if (err) {
		free(ids);
		close(fd);
		return pf_fail("VFCB_PF_LIST_BLOCKS", err);
	}
	if (out_json)
		js_arr_begin(NULL);
	else
		printf("%-10s %-10s %4s  %s\n", "ID", "ID(hex)", "LEN", "FLAGS");
	for (i = 0; i < n && !err; i++) {
		memset(&b, 0, sizeof(b));
		b.vf = vf;
		b.block_id = ids[i];
		err = get_block(fd, &b);
		if (err == ENODATA)	/* deleted since the list: skip it */
			err = 0;
		else if (!err)
			block_row(&b);
	}
	if (out_json)
		js_arr_end();
	free(ids);
	close(fd);
	return err ? pf_fail("VFCB_PF_GET_BLOCK", err) : EXIT_OK;
}

/* ------------------------------------------------------------- policy --- */

static void print_policy(uint32_t vf, uint32_t flags, uint32_t max_blocks,
			 uint32_t num_blocks)
{
	bool create = flags & VFCB_POLICY_VF_CREATE;

	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", vf);
		js_bool("vf_create", create);
		js_u64("max_blocks", max_blocks);
		js_u64("num_blocks", num_blocks);
		js_obj_end();
		return;
	}
	kv("vf", "%u", vf);
	kv("vf_create", "%s", create ? "on" : "off");
	kv("max_blocks", "%u (%u in use)", max_blocks, num_blocks);
}

/* Apply --vf-create/--max-blocks to @pol; EXIT_USAGE on a bad value. */
static int policy_opts(struct ctx *c, struct vfcb_pf_policy *pol)
{
	const char *create = opt_val(c, "vf-create");
	const char *max = opt_val(c, "max-blocks");
	bool on;

	if (create) {
		if (parse_onoff(create, &on))
			return usage_err(c, "--vf-create takes on or off, not '%s'",
					 create);
		pol->flags = on ? pol->flags | VFCB_POLICY_VF_CREATE :
				  pol->flags & ~VFCB_POLICY_VF_CREATE;
	}
	if (max)
		return arg_u32(c, "--max-blocks", max, 1, VFCB_MAX_BLOCKS_PER_VF,
			       &pol->max_blocks);
	return EXIT_OK;
}

int cmd_policy(struct ctx *c)
{
	struct vfcb_pf_policy pol = { .argsz = sizeof(pol) };
	struct vfcb_pf_vf_info vi;
	bool change = opt_val(c, "vf-create") || opt_val(c, "max-blocks");
	int fd, rc, err;

	rc = vf_id_args(c, &pol.vf, NULL);
	if (!rc)
		rc = policy_opts(c, &pol);	/* syntax check before opening */
	if (!rc)
		rc = ctx_open(c, change ? O_RDWR : O_RDONLY, &fd);
	if (rc)
		return rc;
	/* SET_POLICY sets both fields: start from what is in force. */
	err = get_vf_info(fd, pol.vf, &vi);
	if (err) {
		close(fd);
		return pf_fail("VFCB_PF_VF_INFO", err);
	}
	pol.flags = vi.policy;
	pol.max_blocks = vi.max_blocks;
	if (change) {
		policy_opts(c, &pol);
		err = pf_ioctl(fd, VFCB_PF_SET_POLICY, &pol);
	}
	close(fd);
	if (err == EBUSY)
		return fail("VFCB_PF_SET_POLICY", err,
			    "VF %u created more blocks than that itself; the quota cannot go below them (host blocks do not count)",
			    pol.vf);
	if (err)
		return pf_fail("VFCB_PF_SET_POLICY", err);
	if (!change || out_json)
		print_policy(pol.vf, pol.flags, pol.max_blocks, vi.num_blocks);
	return EXIT_OK;
}

/* --------------------------------------------------------- invalidate --- */

int cmd_invalidate(struct ctx *c)
{
	struct vfcb_pf_invalidate inv = { .argsz = sizeof(inv) };
	bool all = !strcmp(c->arg[0], "all");
	int fd, rc = EXIT_OK, err;
	uint64_t mask;

	if (all)
		inv.flags = VFCB_INVALIDATE_ALL_VFS;
	else
		rc = arg_u32(c, "VF", c->arg[0], 0, VF_MAX, &inv.vf);
	if (rc)
		return rc;
	err = parse_mask(c->arg[1], &mask);
	inv.mask = mask;
	if (err == -EDOM)
		return usage_err(c, "MASK must not be 0 (bit n invalidates block ID n)");
	if (err == -ERANGE)
		return usage_err(c, "MASK '%s' does not fit in 64 bits", c->arg[1]);
	if (err)
		return usage_err(c, "MASK '%s' is not a number (decimal or 0x hex)",
				 c->arg[1]);
	rc = ctx_open(c, O_RDWR, &fd);
	if (rc)
		return rc;
	err = pf_ioctl(fd, VFCB_PF_INVALIDATE, &inv);
	close(fd);
	if (err)
		return pf_fail("VFCB_PF_INVALIDATE", err);
	if (out_json) {
		js_obj_begin(NULL);
		if (all)
			js_str("vf", "all");
		else
			js_u64("vf", inv.vf);
		js_hex64("mask", inv.mask);
		js_ids("ids", inv.mask);
		js_obj_end();
	}
	return EXIT_OK;
}

/* -------------------------------------------------------------- watch --- */

static const char *const event_names[] = {
	[VFCB_PF_EV_VF_WRITE] = "write",
	[VFCB_PF_EV_VF_READY] = "ready",
	[VFCB_PF_EV_VF_RESET] = "reset",
	[VFCB_PF_EV_OVERFLOW] = "overflow",
};

static void print_event(const struct vfcb_pf_event *ev)
{
	const char *name = ev->type < sizeof(event_names) / sizeof(event_names[0]) ?
			   event_names[ev->type] : NULL;

	if (out_json) {
		js_obj_begin(NULL);
		js_str("event", name ? name : "unknown");
		if (!name)
			js_u64("type", ev->type);
		if (ev->type == VFCB_PF_EV_OVERFLOW) {
			js_u64("dropped", ev->len);
		} else {
			js_u64("vf", ev->vf);
			if (ev->type != VFCB_PF_EV_VF_READY &&
			    ev->type != VFCB_PF_EV_VF_RESET) {
				js_u64("block_id", ev->block_id);
				js_u64("len", ev->len);
			}
		}
		js_obj_end();
		return;
	}
	if (ev->type == VFCB_PF_EV_VF_WRITE)
		printf("vf %u write block %u len %u\n", ev->vf, ev->block_id, ev->len);
	else if (ev->type == VFCB_PF_EV_OVERFLOW)
		printf("overflow: %u events dropped\n", ev->len);
	else if (name)
		printf("vf %u %s\n", ev->vf, name);
	else
		printf("event type %u vf %u block %u len %u\n", ev->type, ev->vf,
		       ev->block_id, ev->len);
	fflush(stdout);		/* one line as it happens, also into a pipe */
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until @deadline for poll(), -1 for no deadline. */
static int ms_left(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)left;
}

/* Print events until @count (0: no limit) or @deadline; see --help. */
static int watch_loop(int fd, uint32_t count, int64_t deadline)
{
	struct vfcb_pf_event ev[16];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint32_t seen = 0;
	ssize_t n, i;
	int r;

	while (!count || seen < count) {
		r = poll(&pfd, 1, ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail("poll", errno, NULL);
		if (!r)		/* deadline */
			return count ? fail_msg("watch", "timed out after %u of %u events",
						seen, count) : EXIT_OK;
		n = read(fd, ev, sizeof(ev));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return pf_fail("read", errno);
		if (!n)
			return fail("read", ENODEV, "the PF device went away");
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]) &&
			    (!count || seen < count); i++, seen++)
			print_event(&ev[i]);
	}
	return EXIT_OK;
}

int cmd_watch(struct ctx *c)
{
	const char *cnt = opt_val(c, "count"), *tmo = opt_val(c, "timeout");
	uint32_t count = 0, timeout = 0;
	int fd, rc = EXIT_OK;

	if (cnt)
		rc = arg_u32(c, "--count", cnt, 1, UINT32_MAX, &count);
	if (!rc && tmo)
		rc = arg_u32(c, "--timeout", tmo, 0, INT32_MAX, &timeout);
	if (!rc)
		rc = ctx_open(c, O_RDONLY | O_NONBLOCK, &fd);
	if (rc)
		return rc;
	rc = watch_loop(fd, count, tmo ? now_ms() + timeout : -1);
	close(fd);
	return rc;
}

/* ---------------------------------------------------------------- cfg --- */

/* VF and OFFSET of a cfg command. */
static int cfg_args(struct ctx *c, struct vfcb_pf_cfg *cfg)
{
	int rc = arg_u32(c, "VF", c->arg[0], 0, VF_MAX, &cfg->vf);

	if (!rc)
		rc = arg_u32(c, "OFFSET", c->arg[1], 0, VFCB_CFG_MAX_LEN - 1,
			     &cfg->offset);
	return rc;
}

/* The cfg commands' own errnos, then the PF device's. */
static int cfg_fail(const char *what, int err)
{
	if (err == EPERM)
		return fail(what, err, "the range is one the PCI core or the VF's driver owns, or this needs CAP_SYS_ADMIN and no kernel lockdown ('vfcbctl cfg write --help')");
	if (err == EINVAL)
		return fail(what, err, "the range is past the VF's configuration space (256 bytes, or 4096 with PCIe)");
	return pf_fail(what, err);
}

/* Run a cfg ioctl: the bytes transferred, or -errno. */
static int cfg_xfer(struct ctx *c, unsigned long req, struct vfcb_pf_cfg *cfg,
		    int oflags, int *rc)
{
	int fd, n;

	*rc = ctx_open(c, oflags, &fd);
	if (*rc)
		return 0;
	n = ioctl(fd, req, cfg);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

int cmd_cfg_read(struct ctx *c)
{
	struct vfcb_pf_cfg cfg = { .argsz = sizeof(cfg) };
	uint8_t buf[VFCB_CFG_MAX_LEN];
	int rc, n;

	rc = cfg_args(c, &cfg);
	if (!rc)
		rc = arg_u32(c, "LEN", c->arg[2], 1, VFCB_CFG_MAX_LEN, &cfg.len);
	if (!rc && cfg.offset + cfg.len > VFCB_CFG_MAX_LEN)
		rc = usage_err(c, "OFFSET + LEN is past the %u bytes of config space",
			       VFCB_CFG_MAX_LEN);
	if (rc)
		return rc;
	cfg.buf = (uintptr_t)buf;
	n = cfg_xfer(c, VFCB_PF_CFG_READ, &cfg, O_RDONLY, &rc);
	if (rc)
		return rc;
	if (n < 0)
		return cfg_fail("VFCB_PF_CFG_READ", -n);
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", cfg.vf);
		js_u64("offset", cfg.offset);
		js_u64("len", n);
		js_bytes("data", buf, n);
		js_obj_end();
	} else {
		hexdump(stdout, cfg.offset, buf, n);
	}
	if ((uint32_t)n < cfg.len)
		return fail_msg("cfg read", "only %d of %u bytes were read; the "
				"driver refuses the rest", n, cfg.len);
	return EXIT_OK;
}

int cmd_cfg_write(struct ctx *c)
{
	struct vfcb_pf_cfg cfg = { .argsz = sizeof(cfg) };
	uint8_t buf[VFCB_CFG_MAX_LEN];
	size_t len = 0;
	int rc, n, err;

	rc = cfg_args(c, &cfg);
	if (rc)
		return rc;
	err = parse_hex(c->arg[2], buf, sizeof(buf), &len);
	if (err || !len)
		return usage_err(c, "HEX '%s' is not 1..%u hex bytes (e.g. 0600 or 06:00)",
				 c->arg[2], VFCB_CFG_MAX_LEN);
	if (cfg.offset + len > VFCB_CFG_MAX_LEN)
		return usage_err(c, "OFFSET + bytes is past the %u bytes of config space",
				 VFCB_CFG_MAX_LEN);
	cfg.len = (uint32_t)len;
	cfg.buf = (uintptr_t)buf;
	n = cfg_xfer(c, VFCB_PF_CFG_WRITE, &cfg, O_RDWR, &rc);
	if (rc)
		return rc;
	if (n < 0)
		return cfg_fail("VFCB_PF_CFG_WRITE", -n);
	if (out_json) {
		js_obj_begin(NULL);
		js_u64("vf", cfg.vf);
		js_u64("offset", cfg.offset);
		js_u64("len", n);
		js_obj_end();
	}
	if ((uint32_t)n < cfg.len)
		return fail_msg("cfg write", "only %d of %u bytes were written; "
				"the driver refuses the rest", n, cfg.len);
	return EXIT_OK;
}
