// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_pf_register()'s lifetime over the kernel-API shim
 * (tests/fuzz/kshim): pf_core/vfcb_pf_main.c compiled unchanged with the
 * core's serving files, the device files replaced by stubs here.
 *
 * The case a test cannot otherwise reach: the PF is on the core's list,
 * where vfcb_pf_get() finds it, before its character device exists.  If
 * that then fails, whoever found the PF meanwhile holds a reference to
 * one whose stores are destroyed.  The stub for the device file plays
 * that finder, inside the window, and fails; the finder's PF must then be
 * dead (every call -ENODEV, no transport op) and its memory freed by the
 * finder's put (AddressSanitizer's leak check).
 */
#include <linux/pci.h>

#include "vfcb_pf.h"
#include "vfcb_pf_core.h"
#include "vfcb_pf_transport.h"

#include "../unit/tap.h"

static struct {
	int cdev_err;			/* what the device file's stub returns */
	bool find_in_window;		/* the stub looks the PF up first */
	struct vfcb_pf *found;		/* what that look-up got */
	unsigned int cdevs;		/* device files registered, not removed */
	unsigned int ops;		/* transport ops called */
} T;

static struct pci_bus bus = { .number = 3 };
static struct pci_dev pdev = { .bus = &bus };

/* ---------------------------------------------- the device files' stubs */

int vfcb_pf_cdev_register(struct vfcb_pf *pf)
{
	if (T.find_in_window)
		T.found = vfcb_pf_get(pf->pdev);
	if (T.cdev_err)
		return T.cdev_err;
	T.cdevs++;
	return 0;
}

void vfcb_pf_cdev_unregister(struct vfcb_pf *pf)
{
	T.cdevs--;
}

void vfcb_pf_debugfs_pf_init(struct vfcb_pf *pf) {}
void vfcb_pf_debugfs_pf_exit(struct vfcb_pf *pf) {}
void vfcb_pf_debugfs_module_init(void) {}
void vfcb_pf_debugfs_module_exit(void) {}

/* No VF device exists here: the device links have nothing to link. */
struct pci_dev *vfcb_pf_vf_pdev(struct vfcb_pf *pf, unsigned int vf)
{
	return NULL;
}

void kshim_wait_hook(void) {}

/* ------------------------------------------------------ the transport */

static u32 tr_read(void *priv, unsigned int vf, unsigned int i)
{
	T.ops++;
	return 0;
}

static void tr_ack(void *priv, unsigned int vf)
{
	T.ops++;
}

static int tr_post(void *priv, unsigned int vf, const u32 *msg,
		   unsigned int n)
{
	T.ops++;
	return 0;
}

static const struct vfcb_pf_transport_ops tr_ops = {
	.read = tr_read, .ack = tr_ack, .post = tr_post,
};

static const struct vfcb_pf_transport tr = {
	.ops = &tr_ops, .msg_dwords = 16,
};

/* ------------------------------------------------------------- tests */

static void test_register_unregister(void)
{
	struct vfcb_pf *pf = vfcb_pf_register(&pdev, 2, &tr), *got;

	ok(!IS_ERR(pf), "register: 2 VFs");
	is(T.cdevs, 1, "register: its device file made");
	got = vfcb_pf_get(&pdev);
	ok(got == pf, "registered: vfcb_pf_get() finds it");
	is(vfcb_pf_num_vfs(got), 2, "registered: vfcb_pf_num_vfs() is 2");
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -EEXIST,
	   "register again on the same PF: -EEXIST");
	is(vfcb_pf_num_vfs(pf), 2, "the first registration still serves");
	vfcb_pf_unregister(pf);
	is(T.cdevs, 0, "unregister: its device file removed");
	is(vfcb_pf_num_vfs(got), -ENODEV,
	   "unregistered: a reference held across it gets -ENODEV");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "unregistered: vfcb_pf_get() finds nothing");
	vfcb_pf_put(got);
	vfcb_pf_put(pf);	/* the registration's own reference */
}

static void test_register_fails(void)
{
	T.cdev_err = -ENOMEM;
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -ENOMEM,
	   "device file fails: register returns its error");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "device file failed: vfcb_pf_get() finds nothing");
	T.cdev_err = 0;
}

static void test_found_in_window(void)
{
	struct vfcb_pf_vf_info info;
	u32 data = 0x5eed;
	unsigned int ops;

	T.cdev_err = -ENOMEM;
	T.find_in_window = true;
	is(PTR_ERR(vfcb_pf_register(&pdev, 2, &tr)), -ENOMEM,
	   "found before its device file failed: register returns the error");
	T.find_in_window = false;
	T.cdev_err = 0;
	if (!ok(!IS_ERR_OR_NULL(T.found),
		"vfcb_pf_get() inside the window found the PF"))
		return;
	is(vfcb_pf_num_vfs(T.found), -ENODEV,
	   "the PF found in the window is dead: vfcb_pf_num_vfs() -ENODEV");
	is(vfcb_pf_get_vf_info(T.found, 0, &info), -ENODEV,
	   "... vfcb_pf_get_vf_info() -ENODEV");
	is(vfcb_pf_set_block(T.found, 0, 7, &data, sizeof(data), 0), -ENODEV,
	   "... vfcb_pf_set_block() -ENODEV (its stores are destroyed)");
	is(vfcb_pf_invalidate(T.found, VFCB_PF_ALL_VFS, 1), -ENODEV,
	   "... vfcb_pf_invalidate() -ENODEV");
	ops = T.ops;
	vfcb_pf_vf_sent(T.found, 0);
	vfcb_pf_vf_consumed(T.found, 1);
	vfcb_pf_vf_reset(T.found, 1);
	is(T.ops, ops, "... a VF event reported to it calls no transport op");
	is(kshim_nworks, 0, "... and queues no work");
	is(PTR_ERR(vfcb_pf_get(&pdev)), -ENODEV,
	   "after the failure vfcb_pf_get() finds nothing");
	vfcb_pf_put(T.found);	/* the last reference: freed (leak check) */
	T.found = NULL;
}

int main(void)
{
	/* Line by line: a leak report ends the process without a flush. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_register_unregister();
	test_register_fails();
	test_found_in_window();
	is(pdev.kshim_refs, 0, "every reference to the PF's pci_dev dropped");
	is(kshim_atomic, 0, "no spinlock left held");
	return tap_done();
}
