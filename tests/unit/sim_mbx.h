/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated PF/VF mailbox with the 82576's rules: one buffer per VF shared
 * by both directions, a doorbell and an ack each way, and a post refused
 * while the peer's message is unread.  Its message size is a parameter
 * (16 dwords on the 82576); an engine touching a dword past it, or past
 * what its negotiated wire version lets a message hold, is counted in @oob.  The unit tests and the fuzzers drive the real engine through it.
 */
#ifndef _SIM_MBX_H
#define _SIM_MBX_H

#include "vfcb_proto.h"

struct sim_side {
	bool msg_pending;	/* our message sits unread in the buffer */
	bool ack_pending;	/* the peer acked our message; not yet seen */
	unsigned int posts;	/* messages posted */
	unsigned int reads;	/* dwords read from the buffer */
	unsigned int writes;	/* dwords written to the buffer */
	bool refuse_post;	/* fault: the transport is busy */
};

/* A tiny in-memory block store the simulated PF serves from. */
#define SIM_BLOCKS 8
struct sim_store {
	u32 id[SIM_BLOCKS];
	u32 len[SIM_BLOCKS];
	u8 data[SIM_BLOCKS][VFCB_MAX_BLOCK_SIZE];
	bool used[SIM_BLOCKS];
	bool writable[SIM_BLOCKS];
};

struct sim_link {
	u32 buf[VFCB_MSG_MAX_DWORDS];
	unsigned int msg_dwords;	/* as the transports state it (0 = 16) */
	unsigned int size;		/* dwords the mailbox holds: 4..64 */
	unsigned int oob;	/* engine reads/posts beyond @size or its
				 * version's size (a bug)
				 */
	struct sim_side pf;	/* PF -> VF direction state */
	struct sim_side vf;	/* VF -> PF direction state */
	/* fault injection on PF -> VF posts */
	unsigned int drop_pf_post;	/* lose the Nth next post (1 = next) */
	struct vfcb_pf_ep pf_ep;
	struct vfcb_vf_ep vf_ep;
	struct vfcb_vf_req *vf_req;
	u64 vf_mask;		/* invalidations the VF received */
	unsigned int vf_events;	/* OR of vfcb_vfep_rx() events */
	unsigned int pf_requests; /* READ/WRITE/PING the PF served */
	unsigned int pf_ready;	  /* handshakes the PF saw complete */
	unsigned int pf_errors;	  /* VFCB_PF_RX_ERROR results */
	bool pf_mute;		/* the PF never answers requests */
	struct vfcb_pf_req last_req;
	struct sim_store store;	/* what the simulated PF serves */
};

void sim_link_init(struct sim_link *l, u8 vf_index, u32 serial);
/* The same with transports stating @msg_dwords (both ends alike). */
void sim_link_init_sz(struct sim_link *l, u8 vf_index, u32 serial,
		      unsigned int msg_dwords);
/* A misconfigured pair: the PF's and the VF's transports disagree. */
void sim_link_init_pair(struct sim_link *l, u8 vf_index, u32 serial,
			unsigned int pf_msg_dwords, unsigned int vf_msg_dwords);
/* The same, and the wire versions each end speaks (an older peer: v1). */
void sim_link_init_full(struct sim_link *l, u8 vf_index, u32 serial,
			unsigned int pf_msg_dwords, unsigned int vf_msg_dwords,
			u32 pf_versions, u32 vf_versions);

/* Deliver pending doorbells and acks until nothing moves (bounded). */
void sim_run(struct sim_link *l);

/* Raw access for hostile-peer tests: post a message as the VF would
 * (@ndw up to VFCB_MSG_MAX_DWORDS whatever the size: a peer may break the
 * rules).
 */
void sim_vf_post_raw(struct sim_link *l, const u32 *msg, unsigned int ndw);
void sim_pf_post_raw(struct sim_link *l, const u32 *msg, unsigned int ndw);

#endif /* _SIM_MBX_H */
