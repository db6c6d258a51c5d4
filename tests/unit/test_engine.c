// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the protocol engine: the real engine source, a simulated
 * mailbox, two simulated VFs and their PF.  Output is TAP.
 *
 * Every test runs once per mailbox shape (message size and wire versions):
 * 16 dwords, the 82576 (stated as 0, the default), 15 (behind a host
 * driver's header dword), 6 and 4 (VFCB_MSG_MIN_DWORDS), all with both ends
 * speaking v1 and v2 (v2 negotiated), and 40 (a message-queue mailbox) with
 * v2, and with a v1-only VF or PF (v1 negotiated: 16-dword messages).
 * Descriptions start with the shape.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim_mbx.h"
#include "tap.h"

static struct sim_link vf0, vf1;
static void test_all(void);
static void test_v2(void);

/*
 * The shape under test, and what it costs, worked out by hand from the
 * spec rather than from the engine: bytes of data in fragment 0 of a READ
 * completion / WRITE request, in later fragments, and messages of a
 * 128-byte READ / WRITE and fragments of a 128-byte WRITE request.
 */
#define V12	VFCB_PROTO_VERSIONS
#define V1	BIT(VFCB_PROTO_V1)

static const struct shape {
	unsigned int msg_dwords;	/* as the transport states it */
	u32 pf_versions, vf_versions;	/* what each end speaks */
	unsigned int ver;		/* the version that negotiates */
	unsigned int size;		/* the size the ends then use */
	const char *name;
	u32 rd0, wr0, fragn;
	unsigned int read128, write128, wfrags128;
} shapes[] = {
	{ 0, V12, V12, 2, 16, "[16] ", 56, 52, 60, 4, 4, 3 },
	{ 15, V12, V12, 2, 15, "[15] ", 52, 48, 56, 4, 4, 3 },
	{ 6, V12, V12, 2, 6, "[6] ", 16, 12, 20, 8, 8, 7 },
	{ 4, V12, V12, 2, 4, "[4] ", 8, 4, 12, 12, 13, 12 },
	/*
	 * 40 dwords, v2: READ completion 1 + 1 + 32 data = 34 dwords, WRITE
	 * 1 + 2 + 32 = 35: one message each, 1 request + 1 completion.
	 */
	{ 40, V12, V12, 2, 40, "[40] ", 152, 148, 156, 2, 2, 1 },
	/* 40 dwords, one end v1 only: 16-dword messages, as [16]. */
	{ 40, V12, V1, 1, 16, "[40, v1 VF] ", 56, 52, 60, 4, 4, 3 },
	{ 40, V1, V12, 1, 16, "[40, v1 PF] ", 56, 52, 60, 4, 4, 3 },
};
static const struct shape *sh = &shapes[0];
static unsigned int oob_total;	/* dwords touched past the message size */

/* A header in the layout the shape negotiates, and its status. */
#define hdr(...)	vfcb_hdr_v(sh->ver, __VA_ARGS__)
static u8 st(u32 h)
{
	return vfcb_hdr_status_v(sh->ver, h);
}

/* Report @n tests not run on this shape, and why. */
static void skip(unsigned int n, const char *why)
{
	while (n--)
		printf("ok %d - %s# SKIP %s\n", ++tap_n, tap_prefix, why);
}

/* Messages of a transfer carrying @first bytes in fragment 0. */
static unsigned int xfer_cost(u32 len, u32 first)
{
	return len <= first ? 1 : 1 + (len - first + sh->fragn - 1) / sh->fragn;
}

static void fill(u8 *p, u32 n, u8 seed)
{
	u32 i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed * 31 + i * 7 + 1);
}

static void store_put(struct sim_link *l, int slot, u32 id, const u8 *d,
		      u32 len, bool writable)
{
	l->store.used[slot] = true;
	l->store.id[slot] = id;
	l->store.len[slot] = len;
	l->store.writable[slot] = writable;
	memcpy(l->store.data[slot], d, len);
}

/* Run one request to completion; returns the errno-style result. */
static int do_req(struct sim_link *l, struct vfcb_vf_req *r)
{
	int err = vfcb_vfep_submit(&l->vf_ep, r);

	if (err)
		return err;
	sim_run(l);
	if (!r->done)
		return -ETIMEDOUT;
	return vfcb_status_to_errno(r->status);
}

static int hello(struct sim_link *l)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };

	return do_req(l, &r);
}

static int vf_read(struct sim_link *l, u32 id, void *buf, u32 len, u32 *out)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_READ, .block_id = id,
				 .len = len, .rbuf = buf };
	int err = do_req(l, &r);

	*out = r.out_len;
	return err;
}

static int vf_write(struct sim_link *l, u32 id, const void *buf, u32 len)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_WRITE, .block_id = id,
				 .len = len, .wdata = buf };

	return do_req(l, &r);
}

static unsigned int msgs(struct sim_link *l)
{
	return l->pf.posts + l->vf.posts;
}

static void fresh(struct sim_link *l, u8 idx, u32 serial)
{
	oob_total += l->oob;
	sim_link_init_full(l, idx, serial, sh->msg_dwords, sh->msg_dwords,
			   sh->pf_versions, sh->vf_versions);
}

/* The header of what the PF last posted to the VF. */
static u32 pf_reply_hdr(struct sim_link *l)
{
	return l->buf[0];
}

static void test_handshake(void)
{
	fresh(&vf0, 0, 1000);
	fresh(&vf1, 1, 1001);
	is(hello(&vf0), 0, "handshake: VF0 HELLO completes");
	is(hello(&vf1), 0, "handshake: VF1 HELLO completes");
	ok(vf0.vf_ep.ready && vf0.pf_ep.ready, "handshake: both ends ready");
	tap_ok(vf0.vf_ep.version == sh->ver, __FILE__, __LINE__,
	       "handshake: version %u negotiated", sh->ver);
	tap_ok(vf0.pf_ep.version == sh->ver, __FILE__, __LINE__,
	       "handshake: PF agrees on version %u", sh->ver);
	is(vf0.vf_ep.vf_index, 0, "handshake: VF0 learns index 0");
	is(vf1.vf_ep.vf_index, 1, "handshake: VF1 learns index 1");
	is(vf0.vf_ep.serial, 1000, "handshake: VF0 learns its serial");
	is(vf1.vf_ep.serial, 1001, "handshake: VF1 learns its own serial");
	is(vf0.vf_ep.max_block, VFCB_MAX_BLOCK_SIZE, "handshake: max block 128");
	is(vf0.vf_ep.pf_versions, sh->pf_versions, "handshake: PF versions told");
	is(msgs(&vf0), 2, "handshake: costs 2 messages");
	is(vf0.pf_ready, 1, "handshake: PF reports VF ready once");
}

static void test_before_handshake(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };
	u32 m[3];

	fresh(&vf0, 0, 1);
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EAGAIN,
	   "not ready: VF engine refuses requests before HELLO");
	m[0] = hdr(VFCB_OP_READ, 2, 0, 0, 0, 9);
	m[1] = 5;
	m[2] = 16;
	sim_vf_post_raw(&vf0, m, 3);
	sim_run(&vf0);
	is(vf0.pf_errors, 1, "not ready: PF refuses READ before HELLO");
	is(vf0.pf_ep.stats.last_error, VFCB_ERR_STATE, "not ready: recorded as state error");
	is(st(pf_reply_hdr(&vf0)), VFCB_ST_NOT_READY,
	   "not ready: answered NOT_READY");
	is(vfcb_hdr_tag(pf_reply_hdr(&vf0)), 9, "not ready: answer echoes the tag");
	is(vf0.vf_ep.stats.rx_stale, 1, "not ready: VF drops the unawaited answer");
	is(vf0.pf_requests, 0, "not ready: nothing served");
}

static void test_ping(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };
	unsigned int before, reads;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	before = msgs(&vf0);
	reads = vf0.pf.reads;
	is(do_req(&vf0, &r), 0, "ping: completes OK");
	is(msgs(&vf0) - before, 2, "ping: one message each way");
	is(vf0.pf.reads - reads, 1, "ping: PF reads only the header dword");
	is(vf0.pf_requests, 1, "ping: handed to the PF driver");
	ok(vf0.last_req.len == 0 && vf0.last_req.block_id == 0,
	   "ping: request fields the driver may read are all set");
}

static void test_read_all_sizes(void)
{
	u8 blk[VFCB_MAX_BLOCK_SIZE], buf[VFCB_MAX_BLOCK_SIZE];
	int bad_data = 0, bad_len = 0, bad_msgs = 0, bad_err = 0, bad_cost = 0;
	u32 len, out;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	for (len = 0; len <= VFCB_MAX_BLOCK_SIZE; len++) {
		unsigned int before = msgs(&vf0);

		fill(blk, len, (u8)len);
		store_put(&vf0, 0, 0x1000 + len, blk, len, false);
		memset(buf, 0xee, sizeof(buf));
		if (vf_read(&vf0, 0x1000 + len, buf, sizeof(buf), &out))
			bad_err++;
		if (out != len)
			bad_len++;
		if (memcmp(buf, blk, len) || (len < sizeof(buf) && buf[len] != 0xee))
			bad_data++;
		if (msgs(&vf0) - before != vfcb_read_msgs(len, sh->size))
			bad_msgs++;
		if (vfcb_read_msgs(len, sh->size) != 1 + xfer_cost(len, sh->rd0))
			bad_cost++;
	}
	is(bad_err, 0, "read: every size 0..128 succeeds");
	is(bad_len, 0, "read: every size returns its byte count");
	is(bad_data, 0, "read: every size is byte-identical, nothing past it written");
	is(bad_msgs, 0, "read: message count matches vfcb_read_msgs()");
	is(bad_cost, 0, "read: vfcb_read_msgs() steps at every fragment boundary");
	tap_ok(vfcb_read_msgs(128, sh->size) == sh->read128, __FILE__, __LINE__,
	       "read: 128 bytes cost %u messages", sh->read128);
	tap_ok(vfcb_read_msgs(sh->rd0, sh->size) == 2, __FILE__, __LINE__,
	       "read: %u bytes fit one completion", sh->rd0);
	tap_ok(vfcb_read_msgs(sh->rd0 + 1, sh->size) == 3, __FILE__, __LINE__,
	       "read: %u bytes need two completion fragments", sh->rd0 + 1);
}

static void test_read_errors(void)
{
	u8 blk[100], buf[64];
	u32 out = 0;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	fill(blk, sizeof(blk), 3);
	store_put(&vf0, 0, 7, blk, sizeof(blk), false);
	is(vf_read(&vf0, 7, buf, sizeof(buf), &out), -ERANGE,
	   "read: short buffer gives ERANGE");
	is(out, 100, "read: short buffer reports the size needed");
	is(vf_read(&vf0, 8, buf, sizeof(buf), &out), -ENOENT,
	   "read: unknown block gives ENOENT");
	is(vf_read(&vf0, 7, blk, sizeof(blk), &out), 0,
	   "read: exact-size buffer works after ERANGE");
}

static void test_write_all_sizes(void)
{
	u8 blk[VFCB_MAX_BLOCK_SIZE];
	int bad = 0, bad_msgs = 0, bad_cost = 0;
	u32 len;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 42, blk, 0, true);
	for (len = 0; len <= VFCB_MAX_BLOCK_SIZE; len++) {
		unsigned int before = msgs(&vf0);

		fill(blk, len, (u8)(len + 100));
		if (vf_write(&vf0, 42, blk, len) ||
		    vf0.store.len[0] != len || memcmp(vf0.store.data[0], blk, len))
			bad++;
		if (msgs(&vf0) - before != vfcb_write_msgs(len, sh->size))
			bad_msgs++;
		if (vfcb_write_msgs(len, sh->size) != xfer_cost(len, sh->wr0) + 1)
			bad_cost++;
	}
	is(bad, 0, "write: every size 0..128 lands byte-identical in the PF");
	is(bad_msgs, 0, "write: message count matches vfcb_write_msgs()");
	is(bad_cost, 0, "write: vfcb_write_msgs() steps at every fragment boundary");
	tap_ok(vfcb_write_msgs(128, sh->size) == sh->write128, __FILE__, __LINE__,
	       "write: 128 bytes cost %u messages", sh->write128);
	tap_ok(vfcb_write_msgs(sh->wr0, sh->size) == 2, __FILE__, __LINE__,
	       "write: %u bytes fit one request", sh->wr0);
	tap_ok(vfcb_write_msgs(sh->wr0 + 1, sh->size) == 3, __FILE__, __LINE__,
	       "write: %u bytes need two request fragments", sh->wr0 + 1);
}

static void test_write_errors(void)
{
	u8 blk[16] = { 1, 2, 3 };

	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, blk, 3, false);
	is(vf_write(&vf0, 1, blk, 16), -EPERM, "write: read-only block gives EPERM");
	is(vf0.store.len[0], 3, "write: refused write changes nothing");
	is(vf_write(&vf0, 2, blk, 16), -ENOENT, "write: unknown block gives ENOENT");
}

static void test_submit_validation(void)
{
	struct vfcb_vf_req r;
	u8 buf[200];

	fresh(&vf0, 0, 1);
	hello(&vf0);
	r = (struct vfcb_vf_req){ .opcode = 0x77 };
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EINVAL, "submit: unknown opcode refused");
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_READ, .len = 0, .rbuf = buf };
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EINVAL, "submit: zero-length read refused");
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_READ, .len = 129, .rbuf = buf };
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EINVAL, "submit: 129-byte read refused");
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_WRITE, .len = 129, .wdata = buf };
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EINVAL, "submit: 129-byte write refused");
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_PING };
	vf0.pf_mute = true;
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), 0, "submit: ping accepted");
	{
		struct vfcb_vf_req r2 = { .opcode = VFCB_OP_PING };

		is(vfcb_vfep_submit(&vf0.vf_ep, &r2), -EBUSY,
		   "submit: second request while one is in flight gives EBUSY");
	}
	vfcb_vfep_abort(&vf0.vf_ep);
}

static void test_isolation_two_vfs(void)
{
	u8 a[20], b[20], buf[20];
	u32 out;

	fresh(&vf0, 0, 10);
	fresh(&vf1, 1, 11);
	hello(&vf0);
	hello(&vf1);
	fill(a, 20, 1);
	fill(b, 20, 2);
	store_put(&vf0, 0, 5, a, 20, true);
	store_put(&vf1, 0, 5, b, 20, true);
	vf_read(&vf1, 5, buf, 20, &out);
	ok(!memcmp(buf, b, 20), "two VFs: same ID reads each VF's own data");
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x10);
	sim_run(&vf0);
	sim_run(&vf1);
	is(vf0.vf_mask, 0x10, "two VFs: VF0 gets its invalidation");
	is(vf1.vf_mask, 0, "two VFs: VF1 gets none of VF0's");
}

static void test_invalidate_before_handshake(void)
{
	fresh(&vf0, 0, 1);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x1);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x8000000000000000ull);
	sim_run(&vf0);
	is(vf0.pf.posts, 0, "invalidate: nothing posted to a VF without handshake");
	ok(vf0.pf_ep.pending_mask == 0x8000000000000001ull,
	   "invalidate: masks OR-accumulate while the VF is absent");
	is(hello(&vf0), 0, "invalidate: VF handshakes later");
	ok(vf0.vf_mask == 0x8000000000000001ull,
	   "invalidate: accumulated mask delivered after the handshake");
	is(vf0.vf_ep.stats.invalidations, 1, "invalidate: coalesced into one message");
	is(vf0.pf_ep.pending_mask, 0, "invalidate: nothing left pending");
}

static void test_invalidate_busy(void)
{
	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x1);	/* posted, VF not yet run */
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x2);	/* mailbox busy: pending */
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x4);
	is(vf0.pf_ep.inflight_mask, 0x1, "busy: first mask in flight");
	is(vf0.pf_ep.pending_mask, 0x6, "busy: later masks OR-ed while busy");
	sim_run(&vf0);
	is(vf0.vf_mask, 0x7, "busy: every bit delivered");
	is(vf0.vf_ep.stats.invalidations, 2, "busy: in two messages, not three");
}

static void test_invalidate_across_reset(void)
{
	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x30);
	/* The VF is reset before it reads the message: it never sees it. */
	vf0.pf.msg_pending = false;
	vfcb_pfep_vf_reset(&vf0.pf_ep);
	vfcb_vfep_reset(&vf0.vf_ep);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x1);
	ok(vf0.pf_ep.pending_mask == 0x31,
	   "reset: unacked invalidation put back and OR-ed with new ones");
	ok(!vf0.pf_ep.ready, "reset: VF must handshake again");
	is(hello(&vf0), 0, "reset: VF handshakes again");
	is(vf0.vf_mask, 0x31, "reset: no invalidation bit lost across the reset");
}

static void test_versions(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };

	fresh(&vf0, 0, 1);
	vf0.vf_ep.versions = BIT(5);		/* a VF that only speaks v5 */
	is(do_req(&vf0, &r), -EPROTONOSUPPORT, "version: no common version refused");
	is(vf0.vf_ep.pf_versions, sh->pf_versions,
	   "version: refusal tells the VF what the PF speaks");
	ok(!vf0.vf_ep.ready && !vf0.pf_ep.ready, "version: nobody ready after refusal");
	is(vf0.pf_ep.stats.last_error, VFCB_ERR_VERSION, "version: PF records it");

	fresh(&vf0, 0, 1);
	vf0.vf_ep.versions = BIT(1) | BIT(7);	/* a newer VF */
	is(hello(&vf0), 0, "version: newer VF still gets an answer it understands");
	is(vf0.vf_ep.version, 1, "version: highest common version chosen");

	fresh(&vf0, 0, 1);
	vf0.pf_ep.versions = BIT(1) | BIT(3);	/* a newer PF */
	is(hello(&vf0), 0, "version: newer PF talks v1 to an old VF");
	is(vf0.pf_ep.version, 1, "version: newer PF picks v1");

	/* A newer VF may append words to its HELLO: they are ignored. */
	{
		u32 m[4] = { vfcb_hdr(VFCB_OP_HELLO, 3, 0, 0, 0, 4),
			     VFCB_PROTO_VERSIONS, 0xdead, 0xbeef };

		fresh(&vf0, 0, 1);
		sim_vf_post_raw(&vf0, m, 4);
		sim_run(&vf0);
		ok(vf0.pf_ep.ready, "version: HELLO with extra words accepted");
	}
}

static unsigned int frame_write(u32 (*f)[VFCB_MSG_MAX_DWORDS], unsigned int *ndw, u8 tag,
				u32 id, const u8 *d, u32 len);

/* Post raw VF fragments and check the PF refuses with @status / @err. */
static void hostile(const char *what, const u32 *m, unsigned int ndw,
		    u8 status, enum vfcb_err err)
{
	unsigned int errors;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	errors = vf0.pf_errors;
	sim_vf_post_raw(&vf0, m, ndw);
	sim_run(&vf0);
	ok(vf0.pf_errors == errors + 1 &&
	   st(pf_reply_hdr(&vf0)) == status &&
	   vf0.pf_ep.stats.last_error == err &&
	   vfcb_hdr_tag(pf_reply_hdr(&vf0)) == vfcb_hdr_tag(m[0]) &&
	   vf0.pf_requests == 0,
	   "hostile VF: %s refused (status %u, %s)", what, status, vfcb_err_name(err));
}

static void test_hostile_vf(void)
{
	u32 m[VFCB_MSG_MAX_DWORDS] = { 0 };
	unsigned int full = sh->size - 1;	/* ndw of a full message */

	m[0] = hdr(VFCB_OP_PING, 0, 0, VFCB_HDR_RESP, 0, 3);
	hostile("RESP flag", m, 1, VFCB_ST_BAD_REQUEST, VFCB_ERR_FLAGS);
	m[0] = hdr(VFCB_OP_PING, 0, 0, 0, 5, 3);
	hostile("status bits", m, 1, VFCB_ST_BAD_REQUEST, VFCB_ERR_FLAGS);
	m[0] = vfcb_hdr(0x99, 0, 0, 0, 0, 3);
	hostile("unknown opcode", m, 1, VFCB_ST_UNSUPPORTED, VFCB_ERR_OPCODE);
	m[0] = hdr(VFCB_OP_INVALIDATE, 2, 0, 0, 0, 3);
	hostile("notification opcode", m, 3, VFCB_ST_UNSUPPORTED, VFCB_ERR_OPCODE);
	m[0] = hdr(VFCB_OP_PING, 1, 0, 0, 0, 3);
	hostile("PING with payload", m, 2, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_PING, 0, 0, VFCB_HDR_MORE, 0, 3);
	hostile("PING with MORE", m, 1, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_READ, 1, 0, 0, 0, 3);
	hostile("short READ", m, 2, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_READ, 2, 0, 0, 0, 3);
	m[1] = 1;
	m[2] = 0;
	hostile("READ of 0 bytes", m, 3, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	m[2] = 200;
	hostile("READ of 200 bytes", m, 3, VFCB_ST_TOO_BIG, VFCB_ERR_LENGTH);
	m[2] = 0x100 | 16;
	hostile("READ reserved bits", m, 3, VFCB_ST_BAD_REQUEST, VFCB_ERR_RESERVED);
	m[0] = hdr(VFCB_OP_WRITE, 2, 0, 0, 0, 3);
	m[2] = 129;
	hostile("WRITE of 129 bytes", m, 3, VFCB_ST_TOO_BIG, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_WRITE, 3, 0, 0, 0, 3);
	m[2] = 2;
	m[3] = 0x00ff0101;	/* 2 bytes, but padding not zero */
	hostile("WRITE padding", m, 4, VFCB_ST_BAD_REQUEST, VFCB_ERR_RESERVED);
	m[0] = hdr(VFCB_OP_WRITE, 4, 0, 0, 0, 3);
	m[2] = 4;
	hostile("WRITE longer than its length", m, 5, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_WRITE, full, 1, 0, 0, 3);
	hostile("continuation without a start", m, full + 1, VFCB_ST_BAD_REQUEST,
		VFCB_ERR_FRAGMENT);
	m[0] = hdr(VFCB_OP_WRITE, 5, 0, 0, 0, 3);	/* 12 bytes, no MORE */
	m[2] = 60;
	/* Where 12 bytes fill fragment 0 (6 dwords), MORE is what is wrong. */
	hostile("WRITE missing MORE", m, 6, VFCB_ST_BAD_REQUEST,
		full == 5 ? VFCB_ERR_FRAGMENT : VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_WRITE, full, 0, 0, 0, 3);	/* full, no MORE */
	m[2] = 128;
	/* Where 128 bytes fit one message, the length is what is wrong. */
	hostile("full WRITE fragment 0 of 128 bytes without MORE", m, full + 1,
		VFCB_ST_BAD_REQUEST,
		sh->wfrags128 > 1 ? VFCB_ERR_FRAGMENT : VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_WRITE, full - 1, 0, VFCB_HDR_MORE, 0, 3);
	hostile("WRITE fragment 0 not full although MORE is set", m, full,
		VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);
	if (sh->size < vfcb_version_max_dwords(sh->ver)) {
		unsigned int reads;

		m[0] = hdr(VFCB_OP_WRITE, sh->size, 0, VFCB_HDR_MORE, 0, 3);
		fresh(&vf0, 0, 1);
		hello(&vf0);
		reads = vf0.pf.reads;
		sim_vf_post_raw(&vf0, m, sh->size + 1);
		sim_run(&vf0);
		ok(vf0.pf_errors == 1 && vf0.pf_ep.stats.last_error == VFCB_ERR_LENGTH &&
		   st(pf_reply_hdr(&vf0)) == VFCB_ST_BAD_REQUEST &&
		   vf0.pf.reads - reads == 1 && vf0.oob == 0,
		   "hostile VF: ndw above the message size refused, header read only");
	}
	m[0] = vfcb_hdr(VFCB_OP_HELLO, 0, 0, 0, 0, 3);
	hostile("HELLO without versions", m, 1, VFCB_ST_BAD_REQUEST, VFCB_ERR_LENGTH);

	/* A continuation shorter than it must be although MORE is set. */
	if (sh->wfrags128 < 2) {
		skip(1, "a 128-byte WRITE is one message: no continuation");
	} else {
		u8 d[128];
		u32 f[16][VFCB_MSG_MAX_DWORDS];
		unsigned int ndw[16];

		fill(d, 128, 4);
		frame_write(f, ndw, 3, 1, d, 128);
		fresh(&vf0, 0, 1);
		hello(&vf0);
		sim_vf_post_raw(&vf0, f[0], ndw[0]);
		sim_run(&vf0);
		f[1][0] = hdr(VFCB_OP_WRITE, full - 1, 1, VFCB_HDR_MORE, 0, 3);
		sim_vf_post_raw(&vf0, f[1], full);
		sim_run(&vf0);
		ok(vf0.pf_errors == 1 && vf0.pf_ep.stats.last_error == VFCB_ERR_LENGTH &&
		   vf0.pf_requests == 0,
		   "hostile VF: continuation not full although MORE is set refused");
	}
}

/* Frame a WRITE of @len bytes into fragments of the shape by hand. */
static unsigned int frame_write(u32 (*f)[VFCB_MSG_MAX_DWORDS], unsigned int *ndw, u8 tag,
				u32 id, const u8 *d, u32 len)
{
	u32 done = 0, i;
	unsigned int k = 0;

	while (k == 0 || done < len) {
		unsigned int head = k ? 0 : 2;
		unsigned int cap = k ? sh->size - 1 : sh->size - 3;
		u32 n = min_t(u32, len - done, cap * 4);

		memset(f[k], 0, sizeof(f[k]));
		if (!k) {
			f[k][1] = id;
			f[k][2] = len;
		}
		for (i = 0; i < n; i++)
			f[k][1 + head + i / 4] |= (u32)d[done + i] << (8 * (i % 4));
		ndw[k] = 1 + head + (n + 3) / 4;
		done += n;
		f[k][0] = hdr(VFCB_OP_WRITE, ndw[k] - 1, k,
				   done < len ? VFCB_HDR_MORE : 0, 0, tag);
		k++;
	}
	return k;
}

static void test_fragments(void)
{
	u32 f[16][VFCB_MSG_MAX_DWORDS];
	unsigned int ndw[16], n;
	u8 d[128], orig[8] = { 9 };

	fill(d, 128, 77);
	n = frame_write(f, ndw, 5, 1, d, 128);
	tap_ok(n == sh->wfrags128, __FILE__, __LINE__,
	       "fragments: 128-byte write is %u fragments", sh->wfrags128);

	if (sh->wfrags128 < 3) {
		skip(5, "a 128-byte WRITE is under 3 messages: nothing to lose or reorder");
		goto in_order;
	}
	/* loss: 0 then 2 */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, orig, 8, true);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	sim_vf_post_raw(&vf0, f[2], ndw[2]);
	sim_run(&vf0);
	ok(vf0.pf_ep.stats.last_error == VFCB_ERR_FRAGMENT &&
	   st(pf_reply_hdr(&vf0)) == VFCB_ST_BAD_REQUEST,
	   "fragments: lost fragment detected and refused");
	ok(vf0.store.len[0] == 8 && vf0.pf_requests == 0,
	   "fragments: nothing glued, block unchanged");

	/* duplication: 0 1 1 */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, orig, 8, true);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	sim_vf_post_raw(&vf0, f[1], ndw[1]);
	sim_run(&vf0);
	sim_vf_post_raw(&vf0, f[1], ndw[1]);
	sim_run(&vf0);
	ok(vf0.pf_ep.stats.last_error == VFCB_ERR_FRAGMENT && vf0.pf_requests == 0,
	   "fragments: duplicated fragment detected, nothing served");

	/* reorder: 0 2 1 */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, orig, 8, true);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	sim_vf_post_raw(&vf0, f[2], ndw[2]);
	sim_run(&vf0);
	sim_vf_post_raw(&vf0, f[1], ndw[1]);
	sim_run(&vf0);
	ok(vf0.pf_errors == 2 && vf0.pf_requests == 0 && vf0.store.len[0] == 8,
	   "fragments: reordered fragments refused, block unchanged");

	/* a fragment with another tag cannot join the transfer */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	f[1][0] = (f[1][0] & ~VFCB_HDR_TAG_MASK) | (6u << VFCB_HDR_TAG_SHIFT);
	sim_vf_post_raw(&vf0, f[1], ndw[1]);
	sim_run(&vf0);
	ok(vf0.pf_ep.stats.last_error == VFCB_ERR_FRAGMENT && vf0.pf_requests == 0,
	   "fragments: fragment with a foreign tag refused");

in_order:
	/* in order, by hand: served */
	n = frame_write(f, ndw, 5, 1, d, 128);
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, orig, 8, true);
	for (unsigned int k = 0; k < n; k++) {
		sim_vf_post_raw(&vf0, f[k], ndw[k]);
		sim_run(&vf0);
	}
	ok(vf0.store.len[0] == 128 && !memcmp(vf0.store.data[0], d, 128),
	   "fragments: hand-framed fragments in order are served");

	/* A new request abandons an unfinished one. */
	if (sh->wfrags128 < 2) {
		skip(2, "a 128-byte WRITE is one message: never unfinished");
		return;
	}
	fresh(&vf0, 0, 1);
	hello(&vf0);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	{
		struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };

		is(do_req(&vf0, &r), 0, "fragments: new request after an abandoned one works");
		is(vf0.pf_ep.stats.rx_errors, 1, "fragments: abandoned transfer counted");
	}
}

static void test_completion_loss(void)
{
	u8 blk[128], buf[128];
	u32 out;

	if (sh->read128 < 3) {
		skip(4, "a 128-byte READ completion is one message: no fragment to lose");
		return;
	}
	fresh(&vf0, 0, 1);
	hello(&vf0);
	fill(blk, 128, 9);
	store_put(&vf0, 0, 3, blk, 128, false);
	/* Lose the completion's next to last fragment (the second of three at
	 * 16 dwords): the last one then finds the gap, nothing follows it.
	 */
	vf0.drop_pf_post = sh->read128 - 2;
	memset(buf, 0, sizeof(buf));
	is(vf_read(&vf0, 3, buf, 128, &out), -EPROTO,
	   "completion loss: lost fragment fails the read with EPROTO");
	is(vf0.vf_ep.stats.last_error, VFCB_ERR_FRAGMENT,
	   "completion loss: VF records a fragment error");
	is(vf_read(&vf0, 3, buf, 128, &out), 0, "completion loss: next read works");
	ok(!memcmp(buf, blk, 128), "completion loss: and is byte-identical");
}

static void test_stale_tag(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };
	u8 blk[4] = { 1, 2, 3, 4 }, buf[4];
	u32 out;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, blk, 4, false);
	vf0.pf_mute = true;
	is(do_req(&vf0, &r), -ETIMEDOUT, "stale: muted PF leaves the request pending");
	vfcb_vfep_abort(&vf0.vf_ep);	/* the caller timed out */
	vf0.pf_mute = false;
	/* The PF answers the old request late. */
	vfcb_pfep_complete(&vf0.pf_ep, &vf0.last_req, VFCB_ST_OK, NULL, 0);
	sim_run(&vf0);
	is(vf0.vf_ep.stats.rx_stale, 1, "stale: late answer dropped and counted");
	is(vf_read(&vf0, 1, buf, 4, &out), 0, "stale: next request completes");
	ok(out == 4 && !memcmp(buf, blk, 4), "stale: with its own data");

	/* A late answer arriving while a new request waits is not delivered. */
	vf0.pf_mute = true;
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_PING };
	do_req(&vf0, &r);
	vfcb_vfep_abort(&vf0.vf_ep);
	{
		struct vfcb_pf_req old = vf0.last_req;
		struct vfcb_vf_req r2 = { .opcode = VFCB_OP_READ, .block_id = 1,
					  .len = 4, .rbuf = buf };

		vfcb_vfep_submit(&vf0.vf_ep, &r2);
		sim_run(&vf0);	/* PF muted: r2 waits */
		vfcb_pfep_complete(&vf0.pf_ep, &old, VFCB_ST_NOT_FOUND, NULL, 0);
		sim_run(&vf0);
		ok(!r2.done, "stale: old answer not delivered to the new caller");
		vf0.pf_mute = false;
		vfcb_pfep_complete(&vf0.pf_ep, &vf0.last_req, VFCB_ST_OK, blk, 4);
		sim_run(&vf0);
		ok(r2.done && r2.status == VFCB_ST_OK && r2.out_len == 4,
		   "stale: the right answer completes the new caller");
	}
}

/*
 * A request given up (timeout, signal) before the PF even read it: the
 * next request must not be posted over the unread message, and the late
 * ack of the old message must not be credited to the new one.
 */
/*
 * A VF reset the PF has not heard of yet (the VF discards a PF message
 * latched before it): the PF's message is never acked, and the VF's next
 * HELLO must still be answered, the message's bits delivered after it.
 */
static void test_hello_after_lost_message(void)
{
	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x30);
	ok(vf0.pf_ep.tx_busy, "lost: the invalidation is posted, its ack awaited");
	vf0.pf.msg_pending = false;		/* the VF's reset discards it */
	vfcb_vfep_reset(&vf0.vf_ep);
	is(hello(&vf0), 0, "lost: the VF's HELLO is answered all the same");
	ok(vf0.pf_ep.ready, "lost: the PF has the VF ready");
	is(vf0.vf_mask, 0x30, "lost: the unacked bits are delivered after the handshake");
	is(vf0.pf_ep.inflight_mask | vf0.pf_ep.pending_mask, 0,
	   "lost: nothing left pending or in flight");
}

static void test_abort_unacked(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };
	u8 blk[4] = { 9, 8, 7, 6 }, buf[4] = { 0 };
	struct vfcb_vf_req r2 = { .opcode = VFCB_OP_READ, .block_id = 2,
				  .len = 4, .rbuf = buf };
	unsigned int posts;
	u32 hdr;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 2, blk, 4, false);
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), 0, "abort: a PING is posted");
	posts = vf0.vf.posts;
	hdr = vf0.buf[0];
	vfcb_vfep_abort(&vf0.vf_ep);	/* given up before the PF read it */
	ok(vfcb_vfep_tx_pending(&vf0.vf_ep), "abort: the unacked PING stays outstanding");
	is(vfcb_vfep_submit(&vf0.vf_ep, &r2), 0, "abort: the next request is accepted");
	is(vf0.vf.posts, posts, "abort: ... but not posted over the unread PING");
	is(vf0.buf[0], hdr, "abort: the PING is still what the buffer holds");
	sim_run(&vf0);
	is(vf0.pf_errors, 0, "abort: the PF saw no malformed message");
	ok(r2.done && r2.status == VFCB_ST_OK && r2.out_len == 4 &&
	   !memcmp(buf, blk, 4), "abort: the next request completes with its own data");
	is(vf0.vf_ep.stats.rx_stale, 1, "abort: the PING's late answer dropped as stale");
	ok(!vfcb_vfep_tx_pending(&vf0.vf_ep), "abort: nothing outstanding at the end");

	/* A reset (the PF started over) forgets the outstanding message. */
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_PING };
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	vfcb_vfep_abort(&vf0.vf_ep);
	vfcb_vfep_reset(&vf0.vf_ep);
	ok(!vfcb_vfep_tx_pending(&vf0.vf_ep), "abort: a reset forgets the unacked message");
}

static void test_reset_mid_transfer(void)
{
	u32 f[16][VFCB_MSG_MAX_DWORDS];
	unsigned int ndw[16];
	u8 d[128], orig[8] = { 1 };

	if (sh->wfrags128 < 2) {
		skip(5, "a 128-byte WRITE is one message: no middle to reset in");
		return;
	}
	fill(d, 128, 5);
	frame_write(f, ndw, 7, 1, d, 128);
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 1, orig, 8, true);
	sim_vf_post_raw(&vf0, f[0], ndw[0]);
	sim_run(&vf0);
	vfcb_pfep_vf_reset(&vf0.pf_ep);		/* FLR in the middle */
	vfcb_vfep_reset(&vf0.vf_ep);
	sim_vf_post_raw(&vf0, f[1], ndw[1]);
	sim_run(&vf0);
	ok(vf0.pf_requests == 0 && vf0.store.len[0] == 8,
	   "reset: half transfer from before the reset is not completed");
	is(st(pf_reply_hdr(&vf0)), VFCB_ST_BAD_REQUEST,
	   "reset: its leftover fragment is refused");
	is(hello(&vf0), 0, "reset: new handshake");
	is(vf_write(&vf0, 1, d, 128), 0, "reset: new write works");
	ok(vf0.store.len[0] == 128 && !memcmp(vf0.store.data[0], d, 128),
	   "reset: and lands intact");
}

static void test_pf_reset_notification(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };

	fresh(&vf0, 0, 1);
	hello(&vf0);
	vf0.pf_mute = true;
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	sim_run(&vf0);
	vfcb_pfep_notify_reset(&vf0.pf_ep, VFCB_RESET_GOING_AWAY);
	sim_run(&vf0);
	ok(r.done && r.status == VFCB_ST_NOT_READY,
	   "PF reset: waiting request fails with NOT_READY");
	is(vfcb_status_to_errno(r.status), -EAGAIN, "PF reset: which is EAGAIN");
	ok(vf0.vf_events & VFCB_VF_EV_PF_RESET, "PF reset: VF told");
	ok(!vf0.vf_ep.ready, "PF reset: VF must handshake again");
	is(vf0.vf_ep.reset_reason, VFCB_RESET_GOING_AWAY, "PF reset: reason kept");
	ok(vfcb_pfep_idle(&vf0.pf_ep), "PF reset: PF idle after the VF acked");
	vf0.pf_mute = false;
	is(hello(&vf0), -EAGAIN, "PF reset: no handshake with a PF going away");

	/* A PF that restarts comes back: the VF's next HELLO is answered. */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_notify_reset(&vf0.pf_ep, VFCB_RESET_RESTART);
	sim_run(&vf0);
	is(vf0.vf_ep.reset_reason, VFCB_RESET_RESTART, "PF restart: VF told");
	is(hello(&vf0), 0, "PF restart: handshake again works");
}

/*
 * Once the PF said it is going away, nothing the VF sent makes it ready
 * again or is answered OK: not a HELLO that crossed the PF_RESET notice in
 * the mailbox (found by fuzz_pf_core), not a later HELLO, not a request
 * the PF was serving when it decided to go.  Only a new PF life does.
 */
static void test_going_away(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };
	struct vfcb_transport tr;
	unsigned int posts;
	u8 buf[16];
	u32 h;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x2);
	sim_run(&vf0);
	/* The VF says HELLO again; the PF decides to go before reading it. */
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	vfcb_pfep_notify_reset(&vf0.pf_ep, VFCB_RESET_GOING_AWAY);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x4);
	sim_run(&vf0);
	h = pf_reply_hdr(&vf0);
	ok(!vf0.pf_ep.ready, "going away: a HELLO sent before PF_RESET does not make the VF ready");
	is(vf0.pf_ready, 1, "going away: no handshake reported for it");
	ok(vfcb_hdr_opcode(h) == VFCB_OP_HELLO && (h & VFCB_HDR_RESP) &&
	   vfcb_hdr_status(h) == VFCB_ST_NOT_READY,
	   "going away: it is answered NOT_READY, not OK");
	ok(r.done && r.status == VFCB_ST_NOT_READY && !vf0.vf_ep.ready &&
	   vf0.vf_ep.reset_reason == VFCB_RESET_GOING_AWAY,
	   "going away: the VF took the PF_RESET, its HELLO failed");
	ok(vfcb_pfep_idle(&vf0.pf_ep) && vf0.pf_ep.pending_mask == 0x4 &&
	   vf0.vf_mask == 0x2, "going away: PF idle, the later bit kept, not posted");

	is(hello(&vf0), -EAGAIN, "going away: a later HELLO is answered NOT_READY");
	ok(!vf0.pf_ep.ready && vf0.pf_ep.stats.last_error == VFCB_ERR_STATE,
	   "going away: refused as a request out of state");

	/* A VF reset does not end the PF's going away. */
	vfcb_pfep_vf_reset(&vf0.pf_ep);
	vfcb_vfep_reset(&vf0.vf_ep);
	is(hello(&vf0), -EAGAIN, "going away: after a VF reset too");

	/* A READ being served when the PF decides to go gets no answer. */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	store_put(&vf0, 0, 5, buf, 4, false);
	r = (struct vfcb_vf_req){ .opcode = VFCB_OP_READ, .block_id = 5,
				  .len = sizeof(buf), .rbuf = buf };
	vf0.pf_mute = true;
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	sim_run(&vf0);
	vfcb_pfep_notify_reset(&vf0.pf_ep, VFCB_RESET_GOING_AWAY);
	sim_run(&vf0);
	posts = vf0.pf.posts;
	vfcb_pfep_complete(&vf0.pf_ep, &vf0.last_req, VFCB_ST_OK, buf, 4);
	sim_run(&vf0);
	ok(vf0.pf.posts == posts && vfcb_pfep_idle(&vf0.pf_ep) &&
	   r.status == VFCB_ST_NOT_READY,
	   "going away: a request served after PF_RESET is not answered");

	/* A new PF life (the PF driver binds again) handshakes. */
	tr = vf0.pf_ep.tr;
	vfcb_pfep_init(&vf0.pf_ep, &tr, 0, 1);
	vf0.pf_ep.versions = sh->pf_versions;
	vf0.pf_mute = false;
	is(hello(&vf0), 0, "going away: a new PF life handshakes");
	ok(vf0.pf_ep.ready && vf0.vf_ep.ready, "going away: both ends ready again");
}

/*
 * The VF gets PF message @m, which it must drop with @err (failing the
 * request of opcode @request, if not 0), handing out @mask.
 */
static void vf_gets_mask(const char *what, const u32 *m, unsigned int ndw,
			 u8 request, enum vfcb_err err, u64 mask)
{
	bool with_request = request != 0;
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };
	u8 buf[128];

	fresh(&vf0, 0, 1);
	hello(&vf0);
	if (with_request) {
		if (request == VFCB_OP_READ)
			r = (struct vfcb_vf_req){ .opcode = VFCB_OP_READ, .len = 16,
						  .rbuf = buf };
		vf0.pf_mute = true;
		vfcb_vfep_submit(&vf0.vf_ep, &r);
		sim_run(&vf0);
	}
	{
		u32 mm[VFCB_MSG_MAX_DWORDS];

		memcpy(mm, m, ndw * 4);
		if (with_request)	/* use the real tag */
			mm[0] = (mm[0] & ~VFCB_HDR_TAG_MASK) |
				((u32)vf0.vf_ep.rx.tag << VFCB_HDR_TAG_SHIFT);
		sim_pf_post_raw(&vf0, mm, ndw);
	}
	sim_run(&vf0);
	ok(vf0.vf_ep.stats.last_error == err &&
	   (!with_request || (r.done && r.status == VFCB_ST_BAD_REQUEST)) &&
	   vf0.vf_mask == mask,
	   "buggy PF: %s dropped (%s)%s%s", what, vfcb_err_name(err),
	   with_request ? ", request fails" : "",
	   mask ? ", everything invalidated" : "");
}

static void vf_gets(const char *what, const u32 *m, unsigned int ndw,
		    u8 request, enum vfcb_err err)
{
	vf_gets_mask(what, m, ndw, request, err, 0);
}

static void test_buggy_pf(void)
{
	u32 m[VFCB_MSG_MAX_DWORDS] = { 0 };

	m[0] = hdr(VFCB_OP_INVALIDATE, 2, 0, 0, 0, 9);
	m[1] = 1;
	/* The PF forgets an INVALIDATE's bits once acked: re-read all. */
	vf_gets_mask("INVALIDATE with a tag", m, 3, 0, VFCB_ERR_FLAGS, ~0ULL);
	m[0] = hdr(VFCB_OP_INVALIDATE, 1, 0, 0, 0, 0);
	vf_gets_mask("short INVALIDATE", m, 2, 0, VFCB_ERR_LENGTH, ~0ULL);
	m[0] = hdr(VFCB_OP_INVALIDATE, 2, 0, 0, 0, 0);
	m[1] = 0;
	m[2] = 0;
	vf_gets("empty INVALIDATE", m, 3, 0, VFCB_ERR_LENGTH);
	m[0] = hdr(0x55, 0, 0, 0, 0, 0);
	vf_gets("unknown notification", m, 1, 0, VFCB_ERR_OPCODE);
	m[0] = hdr(VFCB_OP_READ, 0, 0, VFCB_HDR_RESP, 0, 0);
	vf_gets("completion with the wrong opcode", m, 1, VFCB_OP_PING, VFCB_ERR_OPCODE);
	m[0] = hdr(VFCB_OP_PING, 1, 0, VFCB_HDR_RESP, 0, 0);
	vf_gets("PING completion with payload", m, 2, VFCB_OP_PING, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_READ, 2, 0, VFCB_HDR_RESP, 0, 0);
	m[1] = 100;	/* longer than the 16-byte buffer, yet "OK" */
	vf_gets("READ completion longer than the buffer", m, 3, VFCB_OP_READ, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_READ, 2, 0, VFCB_HDR_RESP, 0, 0);
	m[1] = 8;	/* 8 bytes need 2 data dwords, only 1 sent */
	vf_gets("READ completion shorter than its length", m, 3, VFCB_OP_READ, VFCB_ERR_LENGTH);
	m[0] = hdr(VFCB_OP_READ, 3, 1, VFCB_HDR_RESP, 0, 0);
	vf_gets("READ completion starting at fragment 1", m, 4, VFCB_OP_READ, VFCB_ERR_FRAGMENT);
	m[0] = hdr(VFCB_OP_READ, 1, 0, VFCB_HDR_RESP, VFCB_ST_BUF_TOO_SMALL, 0);
	m[1] = 4;	/* "too small" although 4 fits in 16 */
	vf_gets("bogus BUF_TOO_SMALL", m, 2, VFCB_OP_READ, VFCB_ERR_LENGTH);
	memset(m, 0, sizeof(m));
	m[0] = hdr(VFCB_OP_READ, sh->size - 2, 0, VFCB_HDR_RESP | VFCB_HDR_MORE, 0, 0);
	m[1] = 16;
	vf_gets("READ completion fragment 0 not full although MORE is set", m,
		sh->size - 1, VFCB_OP_READ, VFCB_ERR_LENGTH);
	if (sh->size < vfcb_version_max_dwords(sh->ver)) {
		m[0] = hdr(VFCB_OP_READ, sh->size, 0, VFCB_HDR_RESP, 0, 0);
		m[1] = 4;
		vf_gets("completion with ndw above the message size", m,
			sh->size + 1, VFCB_OP_READ, VFCB_ERR_LENGTH);
		m[0] = hdr(VFCB_OP_INVALIDATE, sh->size, 0, 0, 0, 0);
		m[1] = 1;
		vf_gets("notification with ndw above the message size", m,
			sh->size + 1, 0, VFCB_ERR_LENGTH);
	}

	/* A completion when nothing was asked: counted as stale. */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	m[0] = hdr(VFCB_OP_PING, 0, 0, VFCB_HDR_RESP, 0, 77);
	sim_pf_post_raw(&vf0, m, 1);
	sim_run(&vf0);
	is(vf0.vf_ep.stats.rx_stale, 1, "buggy PF: unsolicited completion counted stale");

	/*
	 * "OK" to a WRITE still being sent: the PF has read one fragment of
	 * several, so no PF has done the write.  The request fails.
	 */
	{
		u8 data[VFCB_MAX_BLOCK_SIZE] = { 1, 2, 3 };
		struct vfcb_vf_req r = { .opcode = VFCB_OP_WRITE, .block_id = 5,
					 .len = sizeof(data), .wdata = data };

		fresh(&vf0, 0, 1);
		hello(&vf0);
		vfcb_vfep_submit(&vf0.vf_ep, &r);
		if (vf0.vf_ep.tx.active) {	/* 128 bytes take several */
			vf0.vf.msg_pending = false;	/* the PF read one */
			m[0] = hdr(VFCB_OP_WRITE, 0, 0, VFCB_HDR_RESP,
				   VFCB_ST_OK, vf0.vf_ep.rx.tag);
			sim_pf_post_raw(&vf0, m, 1);
			sim_run(&vf0);
			ok(r.done && r.status == VFCB_ST_BAD_REQUEST &&
			   vf0.vf_ep.stats.last_error == VFCB_ERR_FRAGMENT,
			   "buggy PF: OK after fragment 0 of a 128-byte WRITE fails it (%s)",
			   vfcb_err_name(vf0.vf_ep.stats.last_error));
		}
		vfcb_vfep_abort(&vf0.vf_ep);	/* @r goes out of scope */
	}

	/*
	 * A READ completion's later fragments carry fragment 0's status:
	 * a refusal half-way through a block is no answer a PF gives.
	 */
	if (sh->rd0 < VFCB_MAX_BLOCK_SIZE) {
		u32 n1 = min_t(u32, VFCB_MAX_BLOCK_SIZE - sh->rd0, sh->fragn);
		struct vfcb_vf_req r = { .opcode = VFCB_OP_READ,
					 .len = VFCB_MAX_BLOCK_SIZE };
		u8 buf[VFCB_MAX_BLOCK_SIZE];
		bool taken;

		r.rbuf = buf;
		fresh(&vf0, 0, 1);
		hello(&vf0);
		vf0.pf_mute = true;
		vfcb_vfep_submit(&vf0.vf_ep, &r);
		sim_run(&vf0);
		memset(m, 0, sizeof(m));
		m[0] = hdr(VFCB_OP_READ, 1 + sh->rd0 / 4, 0,
			   VFCB_HDR_RESP | VFCB_HDR_MORE, VFCB_ST_OK,
			   vf0.vf_ep.rx.tag);
		m[1] = VFCB_MAX_BLOCK_SIZE;
		sim_pf_post_raw(&vf0, m, 2 + sh->rd0 / 4);
		sim_run(&vf0);
		taken = !r.done && vf0.vf_ep.rx.active;
		memset(m, 0, sizeof(m));
		m[0] = hdr(VFCB_OP_READ, DIV_ROUND_UP(n1, 4), 1,
			   VFCB_HDR_RESP | (sh->rd0 + n1 < VFCB_MAX_BLOCK_SIZE ?
					    VFCB_HDR_MORE : 0),
			   VFCB_ST_NOT_FOUND, vf0.vf_ep.rx.tag);
		sim_pf_post_raw(&vf0, m, 1 + DIV_ROUND_UP(n1, 4));
		sim_run(&vf0);
		ok(taken && r.done && r.status == VFCB_ST_BAD_REQUEST &&
		   vf0.vf_ep.stats.last_error == VFCB_ERR_FRAGMENT,
		   "buggy PF: READ fragment 1 saying NOT_FOUND after an OK fragment 0 fails the read (%s)",
		   vfcb_err_name(vf0.vf_ep.stats.last_error));
		vf0.pf_mute = false;
	}

	/* A PF_RESET reason beyond the VF's u8 is not cut to GOING_AWAY. */
	fresh(&vf0, 0, 1);
	hello(&vf0);
	m[0] = hdr(VFCB_OP_PF_RESET, 1, 0, 0, 0, 0);
	m[1] = 0x100;
	sim_pf_post_raw(&vf0, m, 2);
	sim_run(&vf0);
	ok((vf0.vf_events & VFCB_VF_EV_PF_RESET) &&
	   vf0.vf_ep.reset_reason == VFCB_RESET_RESTART,
	   "buggy PF: PF_RESET reason 0x100 reads as RESTART, not GOING_AWAY");

	/* A HELLO answer with reserved bits fails the handshake. */
	{
		struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };

		fresh(&vf0, 0, 1);
		vf0.vf_ep.next_tag = 1;
		vfcb_vfep_submit(&vf0.vf_ep, &r);
		vf0.vf.msg_pending = false;	/* the PF never sees it */
		vf0.vf.ack_pending = true;
		m[0] = vfcb_hdr(VFCB_OP_HELLO, 3, 0, VFCB_HDR_RESP, 0, 1);
		m[1] = 1 | (128u << 16) | 0x01000000u;
		m[2] = 5;
		m[3] = VFCB_PROTO_VERSIONS;
		sim_pf_post_raw(&vf0, m, 4);
		sim_run(&vf0);
		ok(r.done && r.status == VFCB_ST_BAD_REQUEST && !vf0.vf_ep.ready,
		   "buggy PF: HELLO answer with reserved bits refused");
	}
	/* ...and one with MORE, which no HELLO answer has. */
	{
		struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };

		fresh(&vf0, 0, 1);
		vf0.vf_ep.next_tag = 1;
		vfcb_vfep_submit(&vf0.vf_ep, &r);
		vf0.vf.msg_pending = false;
		vf0.vf.ack_pending = true;
		m[0] = vfcb_hdr(VFCB_OP_HELLO, 3, 0,
				VFCB_HDR_RESP | VFCB_HDR_MORE, 0, 1);
		m[1] = 1 | (128u << 16);
		m[2] = 5;
		m[3] = VFCB_PROTO_VERSIONS;
		sim_pf_post_raw(&vf0, m, 4);
		sim_run(&vf0);
		ok(r.done && r.status == VFCB_ST_BAD_REQUEST && !vf0.vf_ep.ready &&
		   vf0.vf_ep.stats.last_error == VFCB_ERR_FRAGMENT,
		   "buggy PF: HELLO answer with MORE refused (%s)",
		   vfcb_err_name(vf0.vf_ep.stats.last_error));
	}
}

static void test_invalidate_between_fragments(void)
{
	u8 blk[128], buf[128];
	struct vfcb_vf_req r = { .opcode = VFCB_OP_READ, .block_id = 1,
				 .len = 128, .rbuf = buf };

	fresh(&vf0, 0, 1);
	hello(&vf0);
	fill(blk, 128, 1);
	store_put(&vf0, 0, 1, blk, 128, false);
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	/* Hand-step: PF takes the request and posts fragment 0. */
	{
		struct vfcb_pf_req req;

		is(vfcb_pfep_rx(&vf0.pf_ep, &req), VFCB_PF_RX_REQUEST,
		   "interleave: PF gets the READ");
		vfcb_pfep_complete(&vf0.pf_ep, &req, VFCB_ST_OK, blk, 128);
	}
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x42);	/* queued behind fragment 0 */
	sim_run(&vf0);
	ok(r.done && r.status == VFCB_ST_OK && !memcmp(buf, blk, 128),
	   "interleave: read completes intact with a notification in between");
	is(vf0.vf_mask, 0x42, "interleave: the notification is delivered too");
}

static void test_flood(void)
{
	u32 m[2] = { vfcb_hdr(0x99, 0, 0, 0, 0, 1), 0 };
	int i;

	fresh(&vf0, 0, 1);
	hello(&vf0);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x5);
	/* The VF never reads what the PF posts and keeps sending garbage. */
	for (i = 0; i < 1000; i++) {
		vf0.pf.msg_pending = false;
		sim_vf_post_raw(&vf0, m, 1);
		{
			struct vfcb_pf_req req;

			vfcb_pfep_rx(&vf0.pf_ep, &req);
		}
	}
	is(vf0.pf_ep.stats.rx_errors, 1000, "flood: every garbage message counted");
	ok(vf0.pf_ep.inflight_mask == 0x5 || vf0.pf_ep.pending_mask == 0x5,
	   "flood: pending invalidation survives the flood");
	vfcb_pfep_vf_reset(&vf0.pf_ep);
	vfcb_vfep_reset(&vf0.vf_ep);
	vf0.pf.msg_pending = false;
	vf0.vf.msg_pending = false;
	is(hello(&vf0), 0, "flood: the VF recovers after a reset");
	is(vf0.vf_mask, 0x5, "flood: and still gets the invalidation");
}

static void test_transport_busy(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };

	fresh(&vf0, 0, 1);
	hello(&vf0);
	vf0.vf.refuse_post = true;
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	ok(!r.done && vf0.vf_ep.stats.tx_deferred == 1,
	   "busy transport: post deferred and counted");
	ok(vfcb_vfep_kick(&vf0.vf_ep), "busy transport: kick reports work waiting");
	vf0.vf.refuse_post = false;
	sim_run(&vf0);
	ok(r.done && r.status == VFCB_ST_OK, "busy transport: retried and completed");

	vf0.pf.refuse_post = true;
	vfcb_pfep_invalidate(&vf0.pf_ep, 1);
	ok(vfcb_pfep_kick(&vf0.pf_ep) && vf0.pf_ep.pending_mask == 1,
	   "busy transport: PF keeps the mask while it cannot post");
	vf0.pf.refuse_post = false;
	sim_run(&vf0);
	is(vf0.vf_mask, 1, "busy transport: delivered once free");
}

static void test_status_map(void)
{
	int bad = 0;
	u8 st;

	for (st = 0; st <= VFCB_ST_BUSY; st++)
		if (vfcb_errno_to_status(vfcb_status_to_errno(st)) != st)
			bad++;
	is(bad, 0, "status: every status maps to an errno and back");
	is(vfcb_status_to_errno(VFCB_ST_MAX), -EIO, "status: unknown status is EIO");
	is(vfcb_status_to_errno(VFCB_ST_NOT_FOUND), -ENOENT, "status: NOT_FOUND is ENOENT");
	is(vfcb_status_to_errno(VFCB_ST_DENIED), -EPERM, "status: DENIED is EPERM");
	is(vfcb_status_to_errno(VFCB_ST_TOO_BIG), -EMSGSIZE, "status: TOO_BIG is EMSGSIZE");
	is(vfcb_errno_to_status(-EXDEV), VFCB_ST_BAD_REQUEST,
	   "status: unmapped errno becomes BAD_REQUEST");
	ok(strcmp(vfcb_err_name(VFCB_ERR_TAG), "completion with unexpected tag") == 0 &&
	   strcmp(vfcb_err_name((enum vfcb_err)99), "unknown") == 0,
	   "status: error names readable, out-of-range safe");
}

/* Per shape: the ends use its size and never touch a dword past it. */
static void test_shape(void)
{
	unsigned int tr = vfcb_msg_dwords(sh->msg_dwords);

	fresh(&vf0, 0, 1);
	ok(vf0.pf_ep.msg_dw == tr && vf0.vf_ep.msg_dw == tr,
	   "size: both ends take the transport's %u dwords", tr);
	ok(vfcb_pfep_msg_dwords(&vf0.pf_ep) == min_t(u32, tr, 16) &&
	   vfcb_vfep_msg_dwords(&vf0.vf_ep) == min_t(u32, tr, 16),
	   "size: before the handshake both ends use at most v1's 16");
	hello(&vf0);
	ok(vfcb_pfep_msg_dwords(&vf0.pf_ep) == sh->size &&
	   vfcb_vfep_msg_dwords(&vf0.vf_ep) == sh->size,
	   "size: after it both ends use %u-dword messages (v%u)", sh->size, sh->ver);
	fresh(&vf0, 0, 1);
	fresh(&vf1, 1, 1);
	is(oob_total, 0, "size: no dword past the message size read or posted");
	oob_total = 0;
}

/* The message size rule, and what a bad or mismatched size does. */
static void test_msg_dwords(void)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_HELLO };
	u32 m[2] = { vfcb_hdr(VFCB_OP_HELLO, 1, 0, 0, 0, 1), VFCB_PROTO_VERSIONS };
	u8 d[128], orig[4] = { 1 };

	ok(vfcb_msg_dwords(0) == 16 && vfcb_msg_dwords(64) == 64 &&
	   vfcb_msg_dwords(65) == 64 && vfcb_msg_dwords(1024) == 64,
	   "msg_dwords: 0 means 16, above 64 is clamped to 64");
	ok(vfcb_msg_dwords(4) == 4 && vfcb_msg_dwords(15) == 15 &&
	   vfcb_msg_dwords(16) == 16 && vfcb_msg_dwords(17) == 17 &&
	   vfcb_msg_dwords(40) == 40,
	   "msg_dwords: 4..64 used as stated");
	ok(vfcb_msg_dwords(1) == 0 && vfcb_msg_dwords(3) == 0,
	   "msg_dwords: 1..3 unusable");
	ok(vfcb_msg_dwords_ver(40, 0) == 16 && vfcb_msg_dwords_ver(40, 1) == 16 &&
	   vfcb_msg_dwords_ver(40, 2) == 40 && vfcb_msg_dwords_ver(0, 2) == 16 &&
	   vfcb_msg_dwords_ver(100, 2) == 64 && vfcb_msg_dwords_ver(15, 1) == 15 &&
	   vfcb_msg_dwords_ver(3, 2) == 0,
	   "msg_dwords: a version caps it: 16 before the handshake and in v1, 64 in v2");
	ok(vfcb_read_msgs(1, 3) == 0 && vfcb_write_msgs(1, 3) == 0 &&
	   vfcb_read_msgs(128, 40) == 2 && vfcb_write_msgs(128, 40) == 2 &&
	   vfcb_read_msgs(128, vfcb_msg_dwords_ver(40, 1)) == 4,
	   "msg_dwords: message counts follow the same rule");
	ok(vfcb_read_msgs(128, 34) == 2 && vfcb_read_msgs(128, 33) == 3 &&
	   vfcb_write_msgs(128, 35) == 2 && vfcb_write_msgs(128, 34) == 3,
	   "msg_dwords: 128 bytes fit one completion from 34 dwords, one WRITE from 35");

	sim_link_init_sz(&vf0, 0, 1, 100);
	is(vf0.pf_ep.msg_dw, 64, "msg_dwords: a 100-dword mailbox carries 64");
	{
		u8 a[128], b[128];
		unsigned int before;
		u32 out;

		is(hello(&vf0), 0, "msg_dwords: and works");
		fill(a, 128, 8);
		store_put(&vf0, 0, 1, a, 0, true);
		before = msgs(&vf0);
		ok(!vf_write(&vf0, 1, a, 128) && !vf_read(&vf0, 1, b, 128, &out) &&
		   out == 128 && !memcmp(a, b, 128) && msgs(&vf0) - before == 4 &&
		   !vf0.oob, "msg_dwords: 128 bytes written and read back in 2 + 2 messages");
	}

	sim_link_init_sz(&vf0, 0, 1, 3);
	is(vfcb_vfep_submit(&vf0.vf_ep, &r), -EINVAL,
	   "msg_dwords: unusable size: VF refuses requests");
	sim_vf_post_raw(&vf0, m, 2);
	sim_run(&vf0);
	ok(vf0.pf_errors == 1 && vf0.pf.posts == 0 && vf0.pf.reads == 1 &&
	   !vf0.pf_ep.ready && vf0.pf_ep.stats.last_error == VFCB_ERR_LENGTH,
	   "msg_dwords: unusable size: PF reads the header only, posts nothing");
	vfcb_pfep_notify_reset(&vf0.pf_ep, VFCB_RESET_GOING_AWAY);
	ok(vfcb_pfep_idle(&vf0.pf_ep) && vf0.pf.posts == 0 && vf0.oob == 0,
	   "msg_dwords: unusable size: PF idle, never posts");

	/* Both ends must state the same size: it is not negotiated. */
	sim_link_init_pair(&vf0, 0, 1, 4, 16);
	is(hello(&vf0), 0, "mismatch: HELLO fits both sizes");
	fill(d, 128, 6);
	store_put(&vf0, 0, 1, orig, 4, true);
	ok(vf_write(&vf0, 1, d, 128) == -EPROTO && vf0.store.len[0] == 4 &&
	   vf0.pf_ep.stats.last_error == VFCB_ERR_LENGTH,
	   "mismatch: 16-dword fragments refused by a 4-dword PF, not misread");
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		sh = &shapes[i];
		tap_prefix = sh->name;
		test_all();
	}
	tap_prefix = "";
	test_msg_dwords();
	tap_prefix = "[v2] ";
	test_v2();
	return tap_done();
}

static void test_all(void)
{
	test_handshake();
	test_before_handshake();
	test_ping();
	test_read_all_sizes();
	test_read_errors();
	test_write_all_sizes();
	test_write_errors();
	test_submit_validation();
	test_isolation_two_vfs();
	test_invalidate_before_handshake();
	test_invalidate_busy();
	test_invalidate_across_reset();
	test_versions();
	test_hostile_vf();
	test_fragments();
	test_completion_loss();
	test_stale_tag();
	test_abort_unacked();
	test_hello_after_lost_message();
	test_reset_mid_transfer();
	test_pf_reset_notification();
	test_going_away();
	test_buggy_pf();
	test_invalidate_between_fragments();
	test_flood();
	test_transport_busy();
	test_status_map();
	test_shape();
}

/* ------------------------------------------------------------ v2 --- */

/* The v2 header, field by field, and where it equals v1's. */
static void test_v2_header(void)
{
	unsigned int ndw, status, bad = 0, same = 0, differ = 0;
	u32 h1, h2;

	for (ndw = 0; ndw < VFCB_MSG_V2_MAX_DWORDS; ndw++)
		for (status = 0; status <= VFCB_HDR2_STATUS_MAX; status++) {
			h2 = vfcb_hdr_v(2, 0x41, ndw, 0xa, VFCB_HDR_RESP | VFCB_HDR_MORE,
					status, 0xc3);
			if (vfcb_hdr_ndw_v(2, h2) != ndw || vfcb_hdr_status_v(2, h2) != status ||
			    vfcb_hdr_opcode(h2) != 0x41 || vfcb_hdr_frag(h2) != 0xa ||
			    vfcb_hdr_tag(h2) != 0xc3 || !(h2 & VFCB_HDR_RESP) ||
			    !(h2 & VFCB_HDR_MORE))
				bad++;
			h1 = vfcb_hdr(0x41, ndw, 0xa, VFCB_HDR_RESP | VFCB_HDR_MORE, status, 0xc3);
			if (ndw < 16)
				same += h1 == h2;
			else
				differ += h1 != h2;
		}
	is(bad, 0, "header: every ndw 0..63 and status 0..15 round-trips, other fields intact");
	is(same, 16 * 16, "header: with ndw below 16 it is v1's, bit for bit");
	is(differ, 48 * 16, "header: ndw 16..63 differs from v1 (v1 cannot say it)");
	h2 = vfcb_hdr_v(2, VFCB_OP_WRITE, 34, 0, 0, 0, 9);
	ok(h2 == (0x09000000u | 0x00800000u | 0x00000200u | VFCB_OP_WRITE) &&
	   vfcb_hdr_ndw(h2) == 2 && vfcb_hdr_status(h2) == 32,
	   "header: ndw 34 is bits 11:8 = 2 and 23:22 = 2; read as v1: ndw 2, status 32");
	ok(vfcb_hdr_status_max(1) == 63 && vfcb_hdr_status_max(2) == 15 &&
	   vfcb_hdr_status_mask(2) == 0x003c0000u && vfcb_hdr_ndw_v(1, h2) == 2,
	   "header: status 0..63 in v1, 0..15 in v2");
}

/* A status the version cannot say is sent as BAD_REQUEST, not truncated. */
static unsigned int status_sent(u32 pf_versions, u8 status)
{
	struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };

	sim_link_init_full(&vf0, 0, 1, 40, 40, pf_versions, VFCB_PROTO_VERSIONS);
	hello(&vf0);
	vf0.pf_mute = true;
	vfcb_vfep_submit(&vf0.vf_ep, &r);
	sim_run(&vf0);
	vfcb_pfep_complete(&vf0.pf_ep, &vf0.last_req, status, NULL, 0);
	sim_run(&vf0);
	return r.done ? r.status : 0xff;
}

static void test_v2_status(void)
{
	is(status_sent(VFCB_PROTO_VERSIONS, VFCB_ST_BUSY), VFCB_ST_BUSY,
	   "status: v2 carries BUSY (10)");
	is(status_sent(VFCB_PROTO_VERSIONS, 15), 15, "status: v2 carries 15");
	is(status_sent(VFCB_PROTO_VERSIONS, 16), VFCB_ST_BAD_REQUEST,
	   "status: 16 is more than v2 says: sent as BAD_REQUEST");
	is(status_sent(BIT(VFCB_PROTO_V1), 40), 40, "status: v1 carries 40 (the VF: EIO)");
	is(status_sent(BIT(VFCB_PROTO_V1), 64), VFCB_ST_BAD_REQUEST,
	   "status: 64 is more than v1 says: sent as BAD_REQUEST, not as OK");
}

/* Every size 4..64 with each pair of versions: 128 bytes both ways. */
static void test_v2_sizes(void)
{
	static const u32 pairs[3][2] = {
		{ VFCB_PROTO_VERSIONS, VFCB_PROTO_VERSIONS },
		{ VFCB_PROTO_VERSIONS, BIT(VFCB_PROTO_V1) },
		{ BIT(VFCB_PROTO_V1), VFCB_PROTO_VERSIONS },
	};
	unsigned int size, p, bad_data = 0, bad_msgs = 0, bad_ver = 0, oob = 0;
	u8 a[128], b[128];

	fill(a, 128, 12);
	for (size = VFCB_MSG_MIN_DWORDS; size <= VFCB_MSG_MAX_DWORDS; size++)
		for (p = 0; p < 3; p++) {
			unsigned int ver = p ? 1 : 2, eff = vfcb_msg_dwords_ver(size, ver);
			unsigned int before;
			u32 out = 0;

			sim_link_init_full(&vf0, 0, 1, size, size, pairs[p][0], pairs[p][1]);
			store_put(&vf0, 0, 1, a, 0, true);
			if (hello(&vf0) || vf0.pf_ep.version != ver || vf0.vf_ep.version != ver)
				bad_ver++;
			before = msgs(&vf0);
			memset(b, 0, sizeof(b));
			if (vf_write(&vf0, 1, a, 128) || vf_read(&vf0, 1, b, 128, &out) ||
			    out != 128 || memcmp(a, b, 128))
				bad_data++;
			if (msgs(&vf0) - before !=
			    vfcb_write_msgs(128, eff) + vfcb_read_msgs(128, eff))
				bad_msgs++;
			oob += vf0.oob;
		}
	is(bad_ver, 0, "sizes 4..64: v2 when both speak it, v1 with a v1-only PF or VF");
	is(bad_data, 0, "sizes 4..64, each pair of versions: 128 bytes written and read intact");
	is(bad_msgs, 0, "sizes 4..64: message counts are those of min(size, the version's)");
	is(oob, 0, "sizes 4..64: no end reads or posts past the version's size");
}

/* Messages that cross versions: never misread. */
static void test_v2_cross(void)
{
	u32 m[VFCB_MSG_MAX_DWORDS] = { 0 };
	u8 d[128], buf[128];
	unsigned int reads;
	u32 out;

	fill(d, 128, 3);

	/* The PF lost the handshake (restarted without PF_RESET). */
	sim_link_init_sz(&vf0, 0, 1, 40);
	hello(&vf0);
	store_put(&vf0, 0, 1, d, 0, true);
	vfcb_pfep_vf_reset(&vf0.pf_ep);
	{
		struct vfcb_vf_req r = { .opcode = VFCB_OP_PING };

		is(do_req(&vf0, &r), -EAGAIN,
		   "PF lost the handshake: a v2 PING gets a NOT_READY the VF reads");
	}
	reads = vf0.pf.reads;
	is(vf_write(&vf0, 1, d, 128), -EPROTO,
	   "PF lost the handshake: a 35-dword v2 WRITE is refused, not misread");
	ok(vf0.pf_ep.stats.last_error == VFCB_ERR_FLAGS && vf0.pf.reads - reads == 3 &&
	   vf0.store.len[0] == 0 && !vf0.oob,
	   "PF lost the handshake: it read it as v1 (ndw 2, status bits), 3 dwords only");
	is(hello(&vf0), 0, "PF lost the handshake: HELLO again");
	is(vf_write(&vf0, 1, d, 128), 0, "PF lost the handshake: then the WRITE works");

	/* A v1-only PF, and a v2 message from a hostile VF. */
	sim_link_init_full(&vf0, 0, 1, 40, 40, BIT(VFCB_PROTO_V1), VFCB_PROTO_VERSIONS);
	hello(&vf0);
	m[0] = vfcb_hdr_v(2, VFCB_OP_WRITE, 34, 0, 0, 0, 5);
	m[1] = 1;
	m[2] = 128;
	reads = vf0.pf.reads;
	sim_vf_post_raw(&vf0, m, 35);
	sim_run(&vf0);
	ok(vf0.pf_errors == 1 && vf0.pf_ep.stats.last_error == VFCB_ERR_FLAGS &&
	   vf0.pf.reads - reads == 3 && !vf0.oob && vf0.pf_requests == 0,
	   "v1 PF: a 35-dword v2 message is refused after 3 dwords");

	/* A v1-only VF, and a v2 completion from a buggy PF. */
	sim_link_init_full(&vf0, 0, 1, 40, 40, VFCB_PROTO_VERSIONS, BIT(VFCB_PROTO_V1));
	hello(&vf0);
	vf0.pf_mute = true;
	{
		struct vfcb_vf_req r = { .opcode = VFCB_OP_READ, .block_id = 1,
					 .len = 128, .rbuf = buf };

		vfcb_vfep_submit(&vf0.vf_ep, &r);
		sim_run(&vf0);
		m[0] = vfcb_hdr_v(2, VFCB_OP_READ, 33, 0, VFCB_HDR_RESP, 0, vf0.vf_ep.rx.tag);
		m[1] = 128;
		memset(&m[2], 0x11, 32 * 4);
		reads = vf0.vf.reads;
		sim_pf_post_raw(&vf0, m, 34);
		sim_run(&vf0);
		ok(r.done && r.status == VFCB_ST_BAD_REQUEST && vf0.vf.reads - reads == 2 &&
		   vf0.vf_ep.stats.last_error == VFCB_ERR_LENGTH && !vf0.oob,
		   "v1 VF: a 34-dword v2 completion fails the READ after 2 dwords");
	}

	/* HELLO is v1's whatever is negotiated. */
	sim_link_init_sz(&vf0, 0, 1, 40);
	hello(&vf0);
	m[0] = vfcb_hdr_v(2, VFCB_OP_HELLO, 17, 0, 0, 0, 6);
	m[1] = VFCB_PROTO_VERSIONS;
	reads = vf0.pf.reads;
	sim_vf_post_raw(&vf0, m, 18);
	sim_run(&vf0);
	ok(vf0.pf_errors == 1 && vf0.pf_ep.stats.last_error == VFCB_ERR_FLAGS &&
	   vf0.pf.reads - reads == 2 && vf0.pf_ready == 1,
	   "a v2-ready PF reads HELLO as v1: ndw 17 is status bits there, refused");

	/* A ready v2 VF says HELLO again while a v2 notification is in flight. */
	sim_link_init_sz(&vf0, 0, 1, 40);
	hello(&vf0);
	store_put(&vf0, 0, 1, d, 128, false);
	vfcb_pfep_invalidate(&vf0.pf_ep, 0x3);	/* posted, not read yet */
	is(hello(&vf0), 0, "re-HELLO: completes with a notification in flight");
	ok(vf0.vf_mask == 0x3 && vf0.vf_ep.version == 2 && vf0.pf_ep.version == 2,
	   "re-HELLO: the notification delivered, v2 again");
	reads = msgs(&vf0);
	ok(!vf_read(&vf0, 1, buf, 128, &out) && out == 128 && !memcmp(buf, d, 128) &&
	   msgs(&vf0) - reads == 2, "re-HELLO: a 128-byte READ is still 2 messages");
}

static void test_v2(void)
{
	test_v2_header();
	test_v2_status();
	test_v2_sizes();
	test_v2_cross();
}
