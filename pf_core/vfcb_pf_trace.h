/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_pf tracepoints: every mailbox message the PF sends or receives, and
 * the VF lifecycle events the driver acts on.
 *
 *   echo 1 > /sys/kernel/tracing/events/vfcb_pf/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfcb_pf

#if !defined(_VFCB_PF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VFCB_PF_TRACE_H

#include <linux/pci.h>
#include <linux/tracepoint.h>
#include <linux/vfcb_wire.h>

#ifndef _VFCB_PF_TRACE_HELPERS
#define _VFCB_PF_TRACE_HELPERS
/* A PCI address recorded as domain << 16 | bus << 8 | devfn. */
static inline u32 vfcb_pf_tp_dev(const struct pci_dev *pdev)
{
	return (u32)pci_domain_nr(pdev->bus) << 16 |
	       (u32)pdev->bus->number << 8 | pdev->devfn;
}
#endif

#define VFCB_PF_TP_DEV_FMT	"%04x:%02x:%02x.%u"

DECLARE_EVENT_CLASS(vfcb_pf_msg,
		    TP_PROTO(const struct pci_dev *pdev, unsigned int vf,
			     unsigned int ndw, u32 hdr, u32 dw1, u32 dw2),
		    TP_ARGS(pdev, vf, ndw, hdr, dw1, dw2),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u8, vf)
				     __field(u8, ndw)
				     __field(u32, hdr)
				     __field(u32, dw1)
				     __field(u32, dw2)),
		    TP_fast_assign(__entry->dev = vfcb_pf_tp_dev(pdev);
				   __entry->vf = vf;
				   __entry->ndw = ndw;
				   __entry->hdr = hdr;
				   __entry->dw1 = dw1;
				   __entry->dw2 = dw2;),
		    TP_printk(VFCB_PF_TP_DEV_FMT " vf=%u ndw=%u op=%#x frag=%u status=%u tag=%u%s%s dw1=%08x dw2=%08x",
			      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
			      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
			      __entry->vf, __entry->ndw,
			      __entry->hdr & VFCB_HDR_OPCODE_MASK,
			      (__entry->hdr & VFCB_HDR_FRAG_MASK) >> VFCB_HDR_FRAG_SHIFT,
			      (__entry->hdr & VFCB_HDR_STATUS_MASK) >>
				VFCB_HDR_STATUS_SHIFT,
			      __entry->hdr >> VFCB_HDR_TAG_SHIFT,
			      __entry->hdr & VFCB_HDR_RESP ? " RESP" : "",
			      __entry->hdr & VFCB_HDR_MORE ? " MORE" : "",
			      __entry->dw1, __entry->dw2)
);

/* A message the PF read from a VF's mailbox (traced when acked). */
DEFINE_EVENT(vfcb_pf_msg, vfcb_pf_rx,
	     TP_PROTO(const struct pci_dev *pdev, unsigned int vf,
		      unsigned int ndw, u32 hdr, u32 dw1, u32 dw2),
	     TP_ARGS(pdev, vf, ndw, hdr, dw1, dw2));

/* A message the PF posted to a VF. */
DEFINE_EVENT(vfcb_pf_msg, vfcb_pf_tx,
	     TP_PROTO(const struct pci_dev *pdev, unsigned int vf,
		      unsigned int ndw, u32 hdr, u32 dw1, u32 dw2),
	     TP_ARGS(pdev, vf, ndw, hdr, dw1, dw2));

/* VF lifecycle and policing: enum vfcb_pf_trace_event. */
TRACE_EVENT(vfcb_pf_vf_event,
	    TP_PROTO(const struct pci_dev *pdev, unsigned int vf,
		     unsigned int event, u32 arg),
	    TP_ARGS(pdev, vf, event, arg),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u8, vf)
			     __field(u8, event)
			     __field(u32, arg)),
	    TP_fast_assign(__entry->dev = vfcb_pf_tp_dev(pdev);
			   __entry->vf = vf;
			   __entry->event = event;
			   __entry->arg = arg;),
	    TP_printk(VFCB_PF_TP_DEV_FMT " vf=%u %s arg=%#x",
		      __entry->dev >> 16, (__entry->dev >> 8) & 0xff,
		      (__entry->dev >> 3) & 0x1f, __entry->dev & 7,
		      __entry->vf,
		      __print_symbolic(__entry->event,
				       { 0, "vf_reset" },
				       { 1, "ready" },
				       { 2, "bad_message" },
				       { 3, "throttled" },
				       { 4, "muted_drop" },
				       { 5, "going_away" },
				       { 6, "overwrite" }),
		      __entry->arg)
);

#endif /* _VFCB_PF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfcb_pf_trace
#include <trace/define_trace.h>
