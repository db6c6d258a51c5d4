/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcb_vf: in-kernel API of the vfcb VF driver, for other drivers of a
 * guest (or host) that owns an 82576 VF bound to vfcb_vf.
 *
 * The Linux counterpart of Windows' VPCI_INTERFACE_STANDARD
 * (ReadVfConfigBlock, WriteVfConfigBlock, the invalidation IRP) and of
 * Hyper-V's hyperv_read_cfg_blk(), hyperv_write_cfg_blk() and
 * hyperv_reg_block_invalidate(), without their flaws: every wait is
 * bounded, callbacks run in process context, several listeners may
 * register, registration is race-free, and invalidations raised while
 * nobody listened are kept for the first listener or open file.
 */
#ifndef _VFCB_VF_H
#define _VFCB_VF_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/vfcb.h>

struct pci_dev;
struct vfcb_vf;

/**
 * DOC: vfcb_vf errno conventions
 *
 * Every request has one deadline, ``timeout_ms`` (module parameter,
 * default 1000 ms) from the call: waiting for a pending handshake, for
 * other callers' requests (one is in the mailbox at a time, not served in
 * arrival order), for the answer and for a retry all count.  The waits are
 * killable: only a fatal signal ends them early.
 *
 * * ``-ENODEV``: the VF was unbound from vfcb_vf (the handle is dead: put
 *   it), or the PF said it is going away (PF driver unloading, SR-IOV being
 *   disabled).  Requests in flight at that moment also end with -ENODEV.
 *   vfcb_vf keeps watching and handshakes again if the PF comes back.
 * * ``-EAGAIN``: the PF is resetting or restarting and the handshake has not
 *   completed (before the deadline).  A request in flight when the PF
 *   announced or underwent a reset is sent once more after the new
 *   handshake (block reads and writes are idempotent); -EAGAIN if that
 *   fails too.  Retry later.
 * * ``-ETIMEDOUT``: the deadline passed (no answer, or other callers held
 *   the mailbox until then); the request was abandoned and a late answer
 *   is discarded.
 * * ``-EINTR``: a fatal signal interrupted the wait; the request was
 *   abandoned.
 * * ``-EOPNOTSUPP``: also when the PF's driver refused the protocol (it has
 *   no vfcb); nothing is sent to it until the PF resets.
 * * ``-ERANGE``: read only, the block is longer than the buffer; the size
 *   needed is reported.
 * * ``-EMSGSIZE``: write of more than %VFCB_MAX_BLOCK_SIZE bytes.
 * * ``-EINVAL``: a read with a zero-length buffer, a NULL buffer.
 * * otherwise the PF's answer as vfcb_status_to_errno() maps it: -ENOENT
 *   (no such block), -EPERM (denied), -ENOSPC (quota), -EBUSY (VF
 *   throttled), -EPROTO (malformed exchange), -EOPNOTSUPP, -EIO.
 */

/**
 * struct vfcb_vf_listener - an invalidation listener
 * @invalidate: called with the IDs (bit n = block ID n) invalidated since
 *	its last call; VFCB_INVALIDATE_EVERYTHING (all ones) after every
 *	handshake with the PF (probe, VF or PF reset), when anything may have
 *	changed unseen.  Runs in process context from a work item of its own
 *	and may sleep, e.g. to re-read the blocks with vfcb_vf_read_block():
 *	calls of one listener never overlap, and a slow listener does not
 *	hold up the others.  It may unregister itself, and register itself
 *	again; and unregister another listener, unless that one's callback
 *	may be unregistering this one at the same time (each would wait for
 *	the other to return).
 *
 * Embed it in your own structure and use container_of() in the callback.
 */
struct vfcb_vf_listener {
	void (*invalidate)(struct vfcb_vf_listener *l, u64 mask);
	/* private: */
	struct list_head node;
	struct vfcb_vf *vf;
	u64 pending;
	struct work_struct work;
};

/**
 * vfcb_vf_get() - get the vfcb handle of a VF
 * @pdev: the VF, bound to vfcb_vf
 *
 * Context: process context; may sleep.
 * Return: a referenced handle to release with vfcb_vf_put(), or
 * ERR_PTR(-ENODEV) if @pdev is not bound to vfcb_vf.
 */
struct vfcb_vf *vfcb_vf_get(struct pci_dev *pdev);

/**
 * vfcb_vf_put() - release a handle from vfcb_vf_get()
 * @vf: the handle
 *
 * The handle may outlive the VF's binding; every call on it then fails
 * with -ENODEV.  Unregister your listeners before putting it.
 *
 * Context: process context.
 */
void vfcb_vf_put(struct vfcb_vf *vf);

/**
 * vfcb_vf_read_block() - read a configuration block from the PF
 * @vf: the VF
 * @block_id: the block
 * @buf: destination
 * @len: size of @buf, at least 1; sizes above %VFCB_MAX_BLOCK_SIZE are
 *	treated as %VFCB_MAX_BLOCK_SIZE
 * @needed: if not NULL, set to the block's length on success and on
 *	-ERANGE, and to 0 on other errors
 *
 * Context: process context; sleeps until answered, at most timeout_ms
 * from the call.
 * Return: bytes read (0..128), -ERANGE if the block does not fit in @buf
 * (*@needed tells its size), or a negative errno (see "vfcb_vf errno
 * conventions").
 */
int vfcb_vf_read_block(struct vfcb_vf *vf, u32 block_id, void *buf,
		       size_t len, size_t *needed);

/**
 * vfcb_vf_write_block() - write a configuration block to the PF
 * @vf: the VF
 * @block_id: the block
 * @buf: data, may be NULL if @len is 0
 * @len: bytes, 0..%VFCB_MAX_BLOCK_SIZE
 *
 * Context: process context; sleeps, as vfcb_vf_read_block().
 * Return: 0, -EMSGSIZE if @len is too big, or a negative errno (see
 * "vfcb_vf errno conventions").
 */
int vfcb_vf_write_block(struct vfcb_vf *vf, u32 block_id, const void *buf,
			size_t len);

/**
 * vfcb_vf_ping() - one bare round trip to the PF
 * @vf: the VF
 *
 * Context: process context; sleeps, as vfcb_vf_read_block().
 * Return: 0 if the PF answered, or a negative errno.
 */
int vfcb_vf_ping(struct vfcb_vf *vf);

/**
 * vfcb_vf_register_listener() - receive the VF's invalidations
 * @vf: the VF
 * @l: the listener, with @l->invalidate set; must stay valid until
 *	vfcb_vf_unregister_listener() returns.  A listener that unregistered
 *	itself from its callback registers again from that callback, or
 *	once the callback has returned.
 *
 * Invalidations raised while no listener was registered and no file of the
 * VF's character device collected them (read or polled) are delivered to
 * the first listener(s) to register (or file to read or poll), shortly
 * after registration.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL if @l->invalidate is NULL, -EBUSY if @l is already
 * registered on @vf, -ENODEV if the VF was unbound.
 */
int vfcb_vf_register_listener(struct vfcb_vf *vf, struct vfcb_vf_listener *l);

/**
 * vfcb_vf_unregister_listener() - stop receiving invalidations
 * @vf: the VF
 * @l: a listener registered on @vf; anything else is ignored (a listener
 *	never registered, or unregistered twice, changes nothing)
 *
 * On return, @l's callback is not running and will not be called again,
 * except when called from @l's own callback: it then returns at once and
 * the callback is not called again once it returns.  Bits raised for @l
 * and not delivered go back to the VF's unconsumed bits if no other
 * listener or file takes them.  Works after the VF was unbound too.
 *
 * Context: process context; may sleep.
 */
void vfcb_vf_unregister_listener(struct vfcb_vf *vf,
				 struct vfcb_vf_listener *l);

/**
 * vfcb_vf_info() - the VF's identity and state
 * @vf: the VF
 * @info: filled in: state (enum vfcb_vf_state: READY once the handshake is
 *	done, DOWN while waiting for the PF, GONE if the PF went away or the
 *	VF was unbound), and the VF index, serial number, negotiated protocol
 *	version and block size limit the PF gave in the last handshake (0
 *	before the first one)
 *
 * Context: process context; does not sleep.
 * Return: 0, or -ENODEV if the VF was unbound (@info is filled anyway).
 */
int vfcb_vf_info(struct vfcb_vf *vf, struct vfcb_vf_info *info);

#endif /* _VFCB_VF_H */
