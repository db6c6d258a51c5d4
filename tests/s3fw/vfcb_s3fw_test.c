// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_s3fw_test: the rig's stand-in for the part of a resume from S3
 * that firmware does on real hardware.  Test use only.
 *
 * Waking QEMU's q35 machine from S3 resets every device, the chipset
 * included, and the firmware must restore the chipset before it jumps to
 * the OS's waking vector.  SeaBIOS restores none of it (seen with 1.16.3):
 *  - the MCH's MMCONFIG window (PCIEXBAR) comes back disabled: extended
 *    config space reads as zeros, the PCI core can put back no SR-IOV
 *    capability and every VF is gone;
 *  - the LPC bridge's ACPI I/O base (PMBASE, ACPI_CNTL) comes back
 *    disabled: the PM1 registers vanish, ACPI cannot disable its RTC event
 *    and the next suspend or power-off is a write that goes nowhere.
 * This module saves those registers when the machine goes to sleep and
 * writes back the ones found reset first thing on resume, as a chipset's
 * firmware does from its S3 boot script.
 *
 * Syscore callbacks run on one CPU with interrupts off, after the sleep
 * and before any device's resume_noirq.  Every register here lies below
 * offset 256, so the legacy configuration mechanism reaches it without
 * the MMCONFIG window.
 *
 *   insmod vfcb_s3fw_test.ko
 *   cat /sys/module/vfcb_s3fw_test/parameters/restored
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/syscore_ops.h>

#define Q35_MCH_DEVFN		PCI_DEVFN(0, 0)
#define Q35_MCH_DEVICE		0x29c0
#define Q35_LPC_DEVFN		PCI_DEVFN(31, 0)
#define Q35_LPC_DEVICE		0x2918

/*
 * The registers, in the order they are written back: the window's high
 * half before the low one that holds its enable bit.
 */
static struct s3fw_reg {
	unsigned int devfn;
	unsigned short device;	/* the function expected at devfn */
	u8 offset;
	const char *name;
	struct pci_dev *dev;
	u32 saved;	/* as the last suspend found it; syscore only */
} s3fw_regs[] = {
	{ Q35_MCH_DEVFN, Q35_MCH_DEVICE, 0x64, "MCH PCIEXBAR[63:32]" },
	{ Q35_MCH_DEVFN, Q35_MCH_DEVICE, 0x60, "MCH PCIEXBAR" },
	{ Q35_LPC_DEVFN, Q35_LPC_DEVICE, 0x40, "LPC PMBASE" },
	{ Q35_LPC_DEVFN, Q35_LPC_DEVICE, 0x44, "LPC ACPI_CNTL" },
};

/* Resumes that found any of the registers reset and wrote it back. */
static unsigned int restored;
module_param(restored, uint, 0444);
MODULE_PARM_DESC(restored, "resumes that found chipset registers reset and restored them");

static int s3fw_suspend(void *data)
{
	struct s3fw_reg *r;

	for (r = s3fw_regs; r < s3fw_regs + ARRAY_SIZE(s3fw_regs); r++)
		pci_read_config_dword(r->dev, r->offset, &r->saved);
	return 0;
}

static void s3fw_resume(void *data)
{
	struct s3fw_reg *r;
	bool any = false;
	u32 now;

	for (r = s3fw_regs; r < s3fw_regs + ARRAY_SIZE(s3fw_regs); r++) {
		pci_read_config_dword(r->dev, r->offset, &now);
		if (now == r->saved)
			continue;
		pci_write_config_dword(r->dev, r->offset, r->saved);
		pr_info("resume: %s was %#010x, restored %#010x\n", r->name, now, r->saved);
		any = true;
	}
	if (any)
		restored++;
}

#ifdef S3FW_SYSCORE_DATA
static const struct syscore_ops s3fw_ops = {
	.suspend = s3fw_suspend,
	.resume = s3fw_resume,
};

static struct syscore s3fw_syscore = { .ops = &s3fw_ops };

static void s3fw_register(void)
{
	register_syscore(&s3fw_syscore);
}

static void s3fw_unregister(void)
{
	unregister_syscore(&s3fw_syscore);
}
#else
static int s3fw_suspend_old(void)
{
	return s3fw_suspend(NULL);
}

static void s3fw_resume_old(void)
{
	s3fw_resume(NULL);
}

static struct syscore_ops s3fw_ops = {
	.suspend = s3fw_suspend_old,
	.resume = s3fw_resume_old,
};

static void s3fw_register(void)
{
	register_syscore_ops(&s3fw_ops);
}

static void s3fw_unregister(void)
{
	unregister_syscore_ops(&s3fw_ops);
}
#endif

static void s3fw_put(void)
{
	struct s3fw_reg *r;

	for (r = s3fw_regs; r < s3fw_regs + ARRAY_SIZE(s3fw_regs); r++)
		pci_dev_put(r->dev);
}

static int __init s3fw_init(void)
{
	struct s3fw_reg *r;

	for (r = s3fw_regs; r < s3fw_regs + ARRAY_SIZE(s3fw_regs); r++) {
		r->dev = pci_get_domain_bus_and_slot(0, 0, r->devfn);
		if (!r->dev || r->dev->vendor != PCI_VENDOR_ID_INTEL ||
		    r->dev->device != r->device) {
			pr_err("not QEMU's q35: no 8086:%04x at 0000:00:%02x.%d\n", r->device,
			       PCI_SLOT(r->devfn), PCI_FUNC(r->devfn));
			s3fw_put();
			return -ENODEV;
		}
	}
	s3fw_register();
	pr_info("restores q35's MMCONFIG window and ACPI I/O base on resume from S3\n");
	return 0;
}

static void __exit s3fw_exit(void)
{
	s3fw_unregister();
	s3fw_put();
}

module_init(s3fw_init);
module_exit(s3fw_exit);
MODULE_DESCRIPTION("vfcb rig: restore q35's chipset registers on resume from S3 (test only)");
MODULE_AUTHOR("vfcb developers");
MODULE_LICENSE("GPL");
