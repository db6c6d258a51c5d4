// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_pf's register layer (e82576/vfcb_82576_pf_hw.c), compiled
 * unchanged over the kernel-API shim (tests/fuzz/kshim), against a model
 * of the 82576's mailbox registers here: MBVFICR and VFLRE clear the bits
 * written (write 1 to clear), P2VMAILBOX grants the PF lock only while the
 * VF does not hold its own, and a device that stopped answering reads all
 * ones and ignores writes.  The core's three calls are logged in order.
 *
 * What it checks: the causes of one service pass, reported ack before
 * message and voided by a reset latched with them; a post that would
 * overwrite an unread message or take a lock the VF holds is refused; the
 * watchdog's "lost" (latched at two checks with no pass between, quiet
 * VFs excepted); and a device gone (all-ones reads) reported as nothing,
 * the vector left masked, and served again once it answers.
 */
#include "../../e82576/vfcb_82576_pf_hw.c"

#include "tap.h"

#define R(off)		D.regs[(off) / 4]
#define NVF		4

struct vfcb_pf {
	int unused;
};

static struct {
	u32 regs[0x2000 / 4];
	bool gone;		/* reads all ones, writes go nowhere */
	bool vfu[8];		/* the VF holds its mailbox lock */
	unsigned int sts[8];	/* PF messages posted (STS written) */
	unsigned int acks[8];	/* VF messages acked (ACK written) */
	unsigned int eims_writes, writes;
	char events[512];	/* the core's calls, in order */
} D;

static struct vfcb_pf core;

static unsigned int off_of(const volatile void *addr)
{
	return (const volatile char *)addr - (const volatile char *)D.regs;
}

u32 readl(const volatile void __iomem *addr)
{
	unsigned int off = off_of(addr);

	if (off >= sizeof(D.regs) || off % 4)
		__builtin_trap();
	return D.gone ? ~0u : R(off);
}

void writel(u32 val, volatile void __iomem *addr)
{
	unsigned int off = off_of(addr), vf;

	if (off >= sizeof(D.regs) || off % 4)
		__builtin_trap();
	if (D.gone)
		return;
	D.writes++;
	switch (off) {
	case VFCB_82576_MBVFICR:
	case VFCB_82576_VFLRE:
		R(off) &= ~val;
		return;
	case VFCB_82576_EIMS:
		R(off) |= val;
		D.eims_writes++;
		return;
	}
	if (off >= VFCB_82576_P2VMAILBOX(0) && off < VFCB_82576_P2VMAILBOX(8)) {
		vf = (off - VFCB_82576_P2VMAILBOX(0)) / 4;
		if (val & VFCB_82576_P2V_RVFU)
			D.vfu[vf] = false;
		if (val & VFCB_82576_P2V_STS)
			D.sts[vf]++;
		if (val & VFCB_82576_P2V_ACK)
			D.acks[vf]++;
		/* PFU is granted while the VF holds no lock; STS releases it. */
		R(off) = (val & VFCB_82576_P2V_PFU) && !D.vfu[vf] ?
			 VFCB_82576_P2V_PFU : 0;
		if (D.vfu[vf])
			R(off) |= VFCB_82576_P2V_VFU;
		return;
	}
	R(off) = val;
}

static void event(char kind, unsigned int vf)
{
	size_t n = strlen(D.events);

	snprintf(D.events + n, sizeof(D.events) - n, "%s%c%u",
		 n ? " " : "", kind, vf);
}

void vfcb_pf_vf_sent(struct vfcb_pf *pf, unsigned int vf)
{
	event('S', vf);
}

void vfcb_pf_vf_consumed(struct vfcb_pf *pf, unsigned int vf)
{
	event('C', vf);
}

void vfcb_pf_vf_reset(struct vfcb_pf *pf, unsigned int vf)
{
	event('R', vf);
}

static struct vfcb_82576_pf_hw hw;

static void service(void)
{
	D.events[0] = 0;
	vfcb_82576_pf_hw_service(&hw, &core, 0);
}

static void setup(void)
{
	memset(&D, 0, sizeof(D));
	memset(&hw, 0, sizeof(hw));
	vfcb_82576_pf_hw_init(&hw, D.regs);
	vfcb_82576_pf_hw_setup_irq(&hw, 0, 50);
	vfcb_82576_pf_hw_vfs_on(&hw, NVF);
	R(VFCB_82576_EIMS) = 0;		/* as EIAM leaves it in the handler */
}

/* One pass: acks first, a reset voids what was latched with it. */
static void one_pass(void)
{
	setup();
	R(VFCB_82576_MBVFICR) = VFCB_82576_MBVFICR_VFREQ(0) |
				VFCB_82576_MBVFICR_VFACK(1) |
				VFCB_82576_MBVFICR_VFREQ(2) |
				VFCB_82576_MBVFICR_VFACK(2);
	R(VFCB_82576_VFLRE) = BIT(0);
	service();
	ok(!strcmp(D.events, "R0 C1 C2 S2"),
	   "a pass reports VF0's reset (its message voided), VF1's ack, VF2's ack then message (got '%s')",
	   D.events);
	ok(!R(VFCB_82576_MBVFICR) && !R(VFCB_82576_VFLRE),
	   "the pass clears the causes it read");
	ok(R(VFCB_82576_EIMS) & BIT(0), "the pass unmasks the vector");
	ok(test_bit(2, hw.unread) && !test_bit(0, hw.unread),
	   "VF2's message is unread, VF0's voided one is not");
	is(hw.services, 1, "one service pass counted");

	/* The shared buffer holds VF2's message: no post over it. */
	is(vfcb_82576_pf_tr_ops.post(&hw, 2, (u32[]){ 1, 2 }, 2), -EBUSY,
	   "a post to VF2 before its message is acked: -EBUSY");
	is(D.sts[2], 0, "nothing was posted to VF2");
	vfcb_82576_pf_tr_ops.ack(&hw, 2);
	ok(D.acks[2] == 1 && !test_bit(2, hw.unread),
	   "the ack tells VF2 and frees the buffer");
	is(vfcb_82576_pf_tr_ops.post(&hw, 2, (u32[]){ 0x11, 0x22 }, 2), 0,
	   "then the post to VF2 goes out");
	ok(D.sts[2] == 1 && R(VFCB_82576_VMBMEM(2)) == 0x11 &&
	   R(VFCB_82576_VMBMEM(2) + 4) == 0x22,
	   "its two dwords are in VF2's buffer, STS written once");

	/* The VF holds its lock: the PF's is refused. */
	D.vfu[3] = true;
	is(vfcb_82576_pf_tr_ops.post(&hw, 3, (u32[]){ 7 }, 1), -EBUSY,
	   "a post while VF3 holds its mailbox lock: -EBUSY");
	is(D.sts[3], 0, "nothing was posted to VF3");
	/* A reset of VF3 releases the lock it held. */
	R(VFCB_82576_VFLRE) = BIT(3);
	service();
	ok(!D.vfu[3] && !strcmp(D.events, "R3"),
	   "VF3's reset: reported, and the lock it held released (RVFU)");
}

/* The watchdog: a cause latched at two checks with no pass between. */
static void watchdog(void)
{
	setup();
	ok(!vfcb_82576_pf_hw_watchdog(&hw, &core, 0) &&
	   !vfcb_82576_pf_hw_watchdog(&hw, &core, 0),
	   "nothing latched: nothing lost");
	R(VFCB_82576_MBVFICR) = VFCB_82576_MBVFICR_VFREQ(1);
	ok(!vfcb_82576_pf_hw_watchdog(&hw, &core, 0),
	   "a message latched at one check: not lost yet");
	D.events[0] = 0;
	ok(vfcb_82576_pf_hw_watchdog(&hw, &core, 0) && !strcmp(D.events, "S1"),
	   "still latched at the next, no pass between: lost, and served");
	is(hw.lost_irqs, 1, "one lost interrupt counted");

	vfcb_82576_pf_tr_ops.quiet(&hw, 1, true);
	ok(!(R(VFCB_82576_MBVFIMR) & BIT(1)), "a quiet VF: its bit in MBVFIMR cleared");
	R(VFCB_82576_MBVFICR) = VFCB_82576_MBVFICR_VFREQ(1);
	ok(!vfcb_82576_pf_hw_watchdog(&hw, &core, 0) &&
	   !vfcb_82576_pf_hw_watchdog(&hw, &core, 0),
	   "a quiet VF's message raises no interrupt: none lost");
	ok(vfcb_82576_pf_hw_poll(&hw, &core, 0),
	   "a poll finds it latched, and serves it");
}

/*
 * A device that stopped answering reads all ones.  Taken for causes that
 * is a reset and a message of every VF on every pass, and a watchdog that
 * finds them "lost" for good.
 */
static void gone(void)
{
	setup();
	D.gone = true;
	service();
	is(strlen(D.events), 0, "all ones: the pass reports nothing to the core");
	ok(vfcb_82576_pf_hw_gone(&hw), "all ones: the device counts as gone");
	ok(!vfcb_82576_pf_hw_watchdog(&hw, &core, 0) &&
	   !vfcb_82576_pf_hw_watchdog(&hw, &core, 0),
	   "all ones: the watchdog finds nothing lost, twice in a row");
	is(hw.lost_irqs, 0, "no lost interrupt counted");
	ok(!vfcb_82576_pf_hw_poll(&hw, &core, 0), "all ones: a poll finds nothing latched");

	ok(!D.events[0] && !R(VFCB_82576_EIMS), "all ones: the vector stays masked");

	/*
	 * It answers again.  Its vector still masked, what latches raises no
	 * interrupt: the watchdog finds it as any lost one.
	 */
	D.gone = false;
	R(VFCB_82576_MBVFICR) = VFCB_82576_MBVFICR_VFREQ(1);
	D.events[0] = 0;
	ok(!vfcb_82576_pf_hw_watchdog(&hw, &core, 0) && !vfcb_82576_pf_hw_gone(&hw),
	   "answering again: no longer gone; a message latched at one check");
	ok(vfcb_82576_pf_hw_watchdog(&hw, &core, 0) && !strcmp(D.events, "S1") &&
	   (R(VFCB_82576_EIMS) & BIT(0)),
	   "at the next: found lost, VF1's message served, the vector unmasked");

	/* One reserved bit is enough: no 82576 sets it. */
	R(VFCB_82576_VFLRE) = 0x100;
	service();
	ok(vfcb_82576_pf_hw_gone(&hw) && !D.events[0],
	   "a VFLRE bit beyond the 8 VFs: gone, nothing reported");
}

int main(void)
{
	one_pass();
	watchdog();
	gone();
	ok(!kshim_atomic, "no spinlock left held, interrupts on");
	return tap_done();
}
