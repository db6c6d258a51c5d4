/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf tracepoints: every mailbox message, every request, every
 * invalidation and state change.  A device is named by its PCI address,
 * recorded as domain << 16 | bus << 8 | devfn.
 *
 *   echo 1 > /sys/kernel/tracing/events/vfcb_vf/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfcb_vf

#if !defined(_VFCB_VF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VFCB_VF_TRACE_H

#include <linux/tracepoint.h>
#include <linux/vfcb_wire.h>

#define VFCB_VF_TP_DEV_FMT	"%04x:%02x:%02x.%u"

DECLARE_EVENT_CLASS(vfcb_vf_msg,
		    TP_PROTO(u32 dev, u32 hdr, unsigned int ndw),
		    TP_ARGS(dev, hdr, ndw),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u32, hdr)
				     __field(unsigned int, ndw)),
		    TP_fast_assign(__entry->dev = dev;
				   __entry->hdr = hdr;
				   __entry->ndw = ndw;),
		    TP_printk(VFCB_VF_TP_DEV_FMT " hdr=%08x op=%#x ndw=%u frag=%u tag=%u status=%u%s%s",
			      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
			      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
			      __entry->hdr, __entry->hdr & VFCB_HDR_OPCODE_MASK,
			      __entry->ndw,
			      (__entry->hdr & VFCB_HDR_FRAG_MASK) >> VFCB_HDR_FRAG_SHIFT,
			      __entry->hdr >> VFCB_HDR_TAG_SHIFT,
			      (__entry->hdr & VFCB_HDR_STATUS_MASK) >>
				VFCB_HDR_STATUS_SHIFT,
			      __entry->hdr & VFCB_HDR_RESP ? " RESP" : "",
			      __entry->hdr & VFCB_HDR_MORE ? " MORE" : "")
);

/* A message posted to the PF (@ndw dwords in all, header included). */
DEFINE_EVENT(vfcb_vf_msg, vfcb_vf_msg_tx,
	     TP_PROTO(u32 dev, u32 hdr, unsigned int ndw),
	     TP_ARGS(dev, hdr, ndw));

/* A message read from the PF (@ndw dwords after the header). */
DEFINE_EVENT(vfcb_vf_msg, vfcb_vf_msg_rx,
	     TP_PROTO(u32 dev, u32 hdr, unsigned int ndw),
	     TP_ARGS(dev, hdr, ndw));

/* A caller's request starts (before waiting for the handshake/mailbox). */
TRACE_EVENT(vfcb_vf_req_start,
	    TP_PROTO(u32 dev, u8 opcode, u32 block_id, u32 len),
	    TP_ARGS(dev, opcode, block_id, len),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u8, opcode)
			     __field(u32, block_id)
			     __field(u32, len)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->opcode = opcode;
			   __entry->block_id = block_id;
			   __entry->len = len;),
	    TP_printk(VFCB_VF_TP_DEV_FMT " op=%#x block=%#x len=%u",
		      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
		      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
		      __entry->opcode, __entry->block_id, __entry->len)
);

/* It ends: errno, bytes read (or needed), time taken. */
TRACE_EVENT(vfcb_vf_req_done,
	    TP_PROTO(u32 dev, u8 opcode, u32 block_id, int err, u32 len,
		     unsigned int usecs),
	    TP_ARGS(dev, opcode, block_id, err, len, usecs),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u8, opcode)
			     __field(u32, block_id)
			     __field(int, err)
			     __field(u32, len)
			     __field(unsigned int, usecs)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->opcode = opcode;
			   __entry->block_id = block_id;
			   __entry->err = err;
			   __entry->len = len;
			   __entry->usecs = usecs;),
	    TP_printk(VFCB_VF_TP_DEV_FMT " op=%#x block=%#x err=%d len=%u %uus",
		      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
		      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
		      __entry->opcode, __entry->block_id, __entry->err,
		      __entry->len, __entry->usecs)
);

/* An INVALIDATE notification arrived. */
TRACE_EVENT(vfcb_vf_invalidate,
	    TP_PROTO(u32 dev, u64 mask),
	    TP_ARGS(dev, mask),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, mask)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->mask = mask;),
	    TP_printk(VFCB_VF_TP_DEV_FMT " mask=%016llx",
		      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
		      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
		      (unsigned long long)__entry->mask)
);

/* Core state change (enum vfcb_vf_dstate). */
TRACE_EVENT(vfcb_vf_state,
	    TP_PROTO(u32 dev, unsigned int from, unsigned int to),
	    TP_ARGS(dev, from, to),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(unsigned int, from)
			     __field(unsigned int, to)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->from = from;
			   __entry->to = to;),
	    TP_printk(VFCB_VF_TP_DEV_FMT " state %u -> %u",
		      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
		      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
		      __entry->from, __entry->to)
);

#endif /* _VFCB_VF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfcb_vf_trace
#include <trace/define_trace.h>
