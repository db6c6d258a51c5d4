// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_82576_pf's teardown against its own watchdog, over the kernel-API
 * shim (tests/fuzz/kshim): e82576/vfcb_82576_pf_pci.c compiled unchanged,
 * its register layer (vfcb_82576_pf_hw.c) and the host core replaced by
 * stubs here.
 *
 * The watchdog timer reads the core's handle (pf->vfcb) as the interrupt
 * handler does and, once it found the interrupt lost, polls with it every
 * jiffy.  Turning SR-IOV off, and shutdown, put that handle.  A watchdog
 * run that read the handle before it was cleared must end before the put,
 * or it uses freed memory.  Here the watchdog runs on a thread of its own
 * and stops inside the register layer holding the handle it read, while
 * another thread turns SR-IOV off (or shuts the PF down).  The put must
 * wait for the watchdog; the handle is heap memory freed by the put, so a
 * use after it is also AddressSanitizer's to report.
 */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#include "../../e82576/vfcb_82576_pf_pci.c"

#include "tap.h"

#define HANDLE_MAGIC	0x76666362u

struct vfcb_pf {
	u32 magic;
};

static struct {
	pthread_mutex_t lock;		/* the timers' state, and below */
	pthread_cond_t cond;		/* a timer run ended */
	int num_vfs;			/* pci_enable_sriov() */
	irq_handler_t handler;		/* request_irq() */
	bool lost;			/* hw_watchdog() finds the irq lost */
	bool latched;			/* hw_poll() finds a cause latched */
	bool gone;			/* the registers read all ones */
	bool park;			/* hw_poll() stops in the middle */
	bool parked;			/* a poll holds its handle now */
	sem_t parked_sem, go_sem;
	struct vfcb_pf *polled;		/* the handle the last poll got */
	u32 used_magic;			/* what the parked poll read after */
	unsigned int registered, unregistered, puts;
	unsigned int puts_while_held;	/* put while a poll held the handle */
	int teardown_ret;
	bool teardown_done;
} T = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static struct pci_bus bus = { .number = 3 };
static struct pci_dev pdev = { .bus = &bus, .vendor = 0x8086 };

/* ---------------------------------------- timers, run by the harness */

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags)
{
	(void)flags;
	t->function = fn;
	t->pending = false;
	t->running = false;
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	int was;

	pthread_mutex_lock(&T.lock);
	was = t->pending;
	t->pending = true;
	t->expires = expires;
	pthread_mutex_unlock(&T.lock);
	return was;
}

/*
 * As the kernel's: wait for a run in progress to end, then deactivate
 * what is pending then (a run may re-arm itself) and say whether it was.
 */
int del_timer_sync(struct timer_list *t)
{
	int was;

	pthread_mutex_lock(&T.lock);
	while (t->running)
		pthread_cond_wait(&T.cond, &T.lock);
	was = t->pending;
	t->pending = false;
	pthread_mutex_unlock(&T.lock);
	return was;
}

/* Expire @t now, on the calling thread, if it is pending. */
static bool fire(struct timer_list *t)
{
	pthread_mutex_lock(&T.lock);
	if (!t->pending) {
		pthread_mutex_unlock(&T.lock);
		return false;
	}
	t->pending = false;
	t->running = true;
	pthread_mutex_unlock(&T.lock);
	t->function(t);
	pthread_mutex_lock(&T.lock);
	t->running = false;
	pthread_cond_broadcast(&T.cond);
	pthread_mutex_unlock(&T.lock);
	return true;
}

/* A flag another thread writes under T.lock. */
static bool read_locked(const bool *flag)
{
	bool v;

	pthread_mutex_lock(&T.lock);
	v = *flag;
	pthread_mutex_unlock(&T.lock);
	return v;
}

static bool pending(struct timer_list *t)
{
	return read_locked(&t->pending);
}

/* ------------------------------------------ SR-IOV and the interrupt */

int pci_enable_sriov(struct pci_dev *p, int n)
{
	T.num_vfs = n;
	return 0;
}

void pci_disable_sriov(struct pci_dev *p)
{
	T.num_vfs = 0;
}

int pci_num_vf(struct pci_dev *p)
{
	return T.num_vfs;
}

int request_irq(unsigned int irq, irq_handler_t fn, unsigned long flags,
		const char *name, void *data)
{
	T.handler = fn;
	return 0;
}

void free_irq(unsigned int irq, void *data)
{
	T.handler = NULL;
}

void synchronize_irq(unsigned int irq)
{
}

/* --------------------------------------------- the register layer's stubs */

const struct vfcb_pf_transport_ops vfcb_82576_pf_tr_ops;

void vfcb_82576_pf_hw_init(struct vfcb_82576_pf_hw *hw, void __iomem *bar0)
{
	hw->bar0 = bar0;
}

void vfcb_82576_pf_hw_reset(struct vfcb_82576_pf_hw *hw) {}
void vfcb_82576_pf_hw_mask_all(struct vfcb_82576_pf_hw *hw) {}
void vfcb_82576_pf_hw_setup_irq(struct vfcb_82576_pf_hw *hw,
				unsigned int vector, unsigned int itr_us) {}
void vfcb_82576_pf_hw_vfs_on(struct vfcb_82576_pf_hw *hw, unsigned int n) {}
void vfcb_82576_pf_hw_reset_done(struct vfcb_82576_pf_hw *hw) {}
void vfcb_82576_pf_hw_vfs_off(struct vfcb_82576_pf_hw *hw) {}
void vfcb_82576_pf_hw_service(struct vfcb_82576_pf_hw *hw,
			      struct vfcb_pf *vfcb, unsigned int vector) {}
void vfcb_82576_pf_hw_show(struct vfcb_82576_pf_hw *hw, struct seq_file *m) {}

bool vfcb_82576_pf_hw_watchdog(struct vfcb_82576_pf_hw *hw,
			       struct vfcb_pf *vfcb, unsigned int vector)
{
	return T.lost && !T.gone;
}

bool vfcb_82576_pf_hw_gone(struct vfcb_82576_pf_hw *hw)
{
	return T.gone;
}

/* wait: a semaphore, bounded so that a wrong order fails, not hangs */
static bool wait_sem(sem_t *s, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return !sem_timedwait(s, &ts);
}

/* The watchdog's poll: with T.park, hold the handle until told to go. */
bool vfcb_82576_pf_hw_poll(struct vfcb_82576_pf_hw *hw, struct vfcb_pf *vfcb,
			   unsigned int vector)
{
	T.polled = vfcb;
	if (T.gone)
		return false;
	if (!T.park || !vfcb)
		return T.latched;
	pthread_mutex_lock(&T.lock);
	T.parked = true;
	pthread_mutex_unlock(&T.lock);
	sem_post(&T.parked_sem);
	wait_sem(&T.go_sem, 5000);
	/* The use a run of the watchdog makes of the handle it read. */
	T.used_magic = READ_ONCE(vfcb->magic);
	pthread_mutex_lock(&T.lock);
	T.parked = false;
	pthread_mutex_unlock(&T.lock);
	return T.latched;
}

/* ------------------------------------------------------ the core's stubs */

struct vfcb_pf *vfcb_pf_register(struct pci_dev *p, unsigned int num_vfs,
				 const struct vfcb_pf_transport *tr)
{
	struct vfcb_pf *pf = calloc(1, sizeof(*pf));

	pf->magic = HANDLE_MAGIC;
	T.registered++;
	return pf;
}

void vfcb_pf_unregister(struct vfcb_pf *pf)
{
	T.unregistered++;
}

void vfcb_pf_put(struct vfcb_pf *pf)
{
	pthread_mutex_lock(&T.lock);
	if (T.parked)
		T.puts_while_held++;
	pthread_mutex_unlock(&T.lock);
	T.puts++;
	pf->magic = 0;
	free(pf);
}

void vfcb_pf_vf_reset(struct vfcb_pf *pf, unsigned int vf) {}

/* --------------------------------------------------------------- the test */

static struct vfcb_82576_pf *pf;

static void *watchdog_thread(void *arg)
{
	fire(&pf->watchdog);
	return NULL;
}

static void *teardown_thread(void *arg)
{
	if (arg)
		vfcb_82576_pf_shutdown(&pdev);
	else
		T.teardown_ret = vfcb_82576_pf_sriov_configure(&pdev, 0);
	pthread_mutex_lock(&T.lock);
	T.teardown_done = true;
	pthread_mutex_unlock(&T.lock);
	return NULL;
}

static bool teardown_done(void)
{
	return read_locked(&T.teardown_done);
}

/*
 * One race: the watchdog, polling, holds the handle it read while
 * @what ("SR-IOV off" or "shutdown") runs on another thread.
 */
static void race(const char *what, bool shutdown)
{
	pthread_t wd, td;
	unsigned int puts = T.puts, i;

	is(vfcb_82576_pf_sriov_configure(&pdev, 4), 4, "4 VFs enabled");
	ok(pf->vfcb && T.registered == T.puts + 1, "%s: the core's handle is held", what);

	/* The watchdog finds the interrupt lost and polls from then on. */
	T.lost = true;
	ok(fire(&pf->watchdog), "%s: the watchdog runs", what);
	ok(pf->polling && pending(&pf->watchdog),
	   "%s: it found the interrupt lost and polls each jiffy", what);

	T.park = true;
	T.teardown_done = false;
	pthread_create(&wd, NULL, watchdog_thread, NULL);
	ok(wait_sem(&T.parked_sem, 5000) && T.polled,
	   "%s: a watchdog run polls with the handle it read", what);

	pthread_create(&td, NULL, teardown_thread, shutdown ? &pdev : NULL);
	/*
	 * A teardown that does not wait for the watchdog puts the handle at
	 * once; one that does cannot get past del_timer_sync() until the
	 * run ends.  200 ms is ample for the first.
	 */
	for (i = 0; i < 200 && !teardown_done(); i++)
		usleep(1000);
	ok(!teardown_done(), "%s waits for the watchdog run holding the handle", what);
	sem_post(&T.go_sem);
	pthread_join(wd, NULL);
	pthread_join(td, NULL);
	T.park = false;

	is(T.puts_while_held, 0, "the handle was never put while a watchdog run held it");
	is(T.used_magic, HANDLE_MAGIC, "the watchdog's run used a live handle");
	is(T.puts, puts + 1, "the handle was put once");
	ok(!pf->vfcb, "%s: the PF holds no handle", what);
	if (shutdown) {
		ok(!pending(&pf->watchdog), "shutdown: the watchdog is stopped for good");
		return;
	}
	is(T.teardown_ret, 0, "SR-IOV off returned 0");
	/* The watchdog serves the PF's own causes with no VFs too. */
	ok(pending(&pf->watchdog), "SR-IOV off: the watchdog was armed again after");
	T.polled = (struct vfcb_pf *)&T;
	ok(fire(&pf->watchdog) && !T.polled,
	   "SR-IOV off: the watchdog's next run has no handle to use");
	T.lost = false;
}

/*
 * Polling after a lost interrupt ends when the handler runs again, and
 * the handler runs only when a VF rings: with idle VFs the host would
 * poll every jiffy for good.  Five seconds with nothing latched end it.
 */
static void idle_poll(void)
{
	unsigned long wd = msecs_to_jiffies(250);	/* watchdog_ms */

	is(vfcb_82576_pf_sriov_configure(&pdev, 2), 2, "idle: 2 VFs enabled");
	T.lost = true;
	ok(fire(&pf->watchdog) && pf->polling &&
	   pf->watchdog.expires == jiffies + 1,
	   "idle: the interrupt found lost, polling each jiffy");
	T.lost = false;
	T.latched = true;
	jiffies += 4 * HZ;
	ok(fire(&pf->watchdog) && pf->polling,
	   "idle: a cause latched 4 s on, still polling");
	T.latched = false;
	jiffies += 5 * HZ;
	ok(fire(&pf->watchdog) && pf->polling && pf->watchdog.expires == jiffies + 1,
	   "idle: 5 s after that cause, nothing latched: still polling");
	jiffies += 1;
	ok(fire(&pf->watchdog) && !pf->polling &&
	   pf->watchdog.expires == jiffies + wd,
	   "idle: more than 5 s with nothing latched: polling stops, the watchdog every 250 ms");
	ok(fire(&pf->watchdog) && !pf->polling && pf->watchdog.expires == jiffies + wd,
	   "idle: the watchdog's next run finds nothing lost");
	is(vfcb_82576_pf_sriov_configure(&pdev, 0), 0, "idle: SR-IOV off");
}

/*
 * A device that reads all ones: polling it every jiffy would cost the
 * host for nothing.  The watchdog keeps its own pace, and once the device
 * answers it finds a lost interrupt as before.
 */
static void gone(void)
{
	unsigned long wd = msecs_to_jiffies(250);	/* watchdog_ms */

	is(vfcb_82576_pf_sriov_configure(&pdev, 2), 2, "gone: 2 VFs enabled");
	T.lost = true;
	ok(fire(&pf->watchdog) && pf->polling, "gone: the interrupt found lost, polling");
	T.gone = true;
	ok(fire(&pf->watchdog) && !pf->polling && pf->gone &&
	   pf->watchdog.expires == jiffies + wd,
	   "gone while polling: polling stops, the watchdog every 250 ms");
	ok(fire(&pf->watchdog) && !pf->polling && pf->watchdog.expires == jiffies + wd,
	   "gone: the watchdog's next run does not poll either");
	T.gone = false;
	ok(fire(&pf->watchdog) && !pf->gone && pf->polling,
	   "answering again, a cause latched with no interrupt: found lost, polling");
	T.lost = false;
	is(vfcb_82576_pf_sriov_configure(&pdev, 0), 0, "gone: SR-IOV off");
}

int main(void)
{
	sem_init(&T.parked_sem, 0, 0);
	sem_init(&T.go_sem, 0, 0);

	is(vfcb_82576_pf_probe(&pdev, NULL), 0, "probe");
	pf = pci_get_drvdata(&pdev);
	ok(pf && T.handler && pending(&pf->watchdog),
	   "probe: the interrupt is requested and the watchdog armed");

	race("SR-IOV off", false);
	idle_poll();
	gone();
	race("shutdown", true);

	vfcb_82576_pf_remove(&pdev);
	ok(!T.handler && !pending(&pf->watchdog) && !pci_get_drvdata(&pdev),
	   "remove: the interrupt freed, the watchdog stopped, no driver data");
	is(T.registered, T.puts, "every handle registered was put");
	is(T.unregistered, T.registered, "every handle registered was unregistered");
	free(pf);
	return tap_done();
}
