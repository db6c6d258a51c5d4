// SPDX-License-Identifier: GPL-2.0
/*
 * kshim runtime: what kshim.h declares.  Written for the fuzz harness, not
 * taken from the kernel: a work registry the harness drains, flag locks,
 * an unbalanced BST behind the rbtree API, a notifier chain.
 */
#include "kshim.h"

unsigned long jiffies;
int kshim_atomic;
struct workqueue_struct *system_wq;

/* ---------------------------------------------------------- params --- */
static struct {
	const char *name;
	unsigned int *p;
} kshim_params[16];
static unsigned int kshim_nparams;

void kshim_param_register(const char *name, unsigned int *p)
{
	if (kshim_nparams == ARRAY_SIZE(kshim_params))
		__builtin_trap();
	kshim_params[kshim_nparams].name = name;
	kshim_params[kshim_nparams].p = p;
	kshim_nparams++;
}

unsigned int *kshim_param(const char *name)
{
	unsigned int i;

	for (i = 0; i < kshim_nparams; i++)
		if (!strcmp(kshim_params[i].name, name))
			return kshim_params[i].p;
	__builtin_trap();
}

/* ----------------------------------------------------------- locks --- */
void kshim_might_sleep(void)
{
	if (kshim_atomic)
		__builtin_trap();	/* sleeping with a spinlock held */
}

void kshim_take(int *held)
{
	if (*held)
		__builtin_trap();	/* self-deadlock */
	*held = 1;
}

void kshim_drop(int *held)
{
	if (*held != 1)
		__builtin_trap();	/* unlock of a free lock */
	*held = 0;
}

void down_read(struct rw_semaphore *s)
{
	kshim_might_sleep();
	if (s->held < 0)
		__builtin_trap();
	s->held++;
}

void up_read(struct rw_semaphore *s)
{
	if (s->held <= 0)
		__builtin_trap();
	s->held--;
}

void down_write(struct rw_semaphore *s)
{
	kshim_might_sleep();
	if (s->held)
		__builtin_trap();
	s->held = -1;
}

void up_write(struct rw_semaphore *s)
{
	if (s->held != -1)
		__builtin_trap();
	s->held = 0;
}

/* ---------------------------------------------------------- memory --- */
unsigned int kshim_alloc_fail;
unsigned int kshim_alloc_failed;

void *kshim_alloc(size_t n, gfp_t gfp)
{
	if (gfp == GFP_KERNEL)
		kshim_might_sleep();
	if (kshim_alloc_fail) {
		kshim_alloc_fail--;
		kshim_alloc_failed++;
		return NULL;
	}
	return calloc(1, n);
}

/* ---------------------------------------------------------- rbtree --- */
static struct rb_node *leftmost(struct rb_node *n)
{
	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

/* Put @v where @u hangs. */
static void transplant(struct rb_root *root, struct rb_node *u,
		       struct rb_node *v)
{
	struct rb_node *p = u->kshim_parent;

	if (!p)
		root->rb_node = v;
	else if (p->rb_left == u)
		p->rb_left = v;
	else
		p->rb_right = v;
	if (v)
		v->kshim_parent = p;
}

void rb_erase(struct rb_node *n, struct rb_root *root)
{
	struct rb_node *s;

	if (!n->rb_left) {
		transplant(root, n, n->rb_right);
	} else if (!n->rb_right) {
		transplant(root, n, n->rb_left);
	} else {
		s = leftmost(n->rb_right);	/* successor, no left child */
		if (s->kshim_parent != n) {
			transplant(root, s, s->rb_right);
			s->rb_right = n->rb_right;
			s->rb_right->kshim_parent = s;
		}
		transplant(root, n, s);
		s->rb_left = n->rb_left;
		s->rb_left->kshim_parent = s;
	}
	n->rb_left = n->rb_right = n->kshim_parent = NULL;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return leftmost(root->rb_node);
}

struct rb_node *rb_next(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->rb_right)
		return leftmost(n->rb_right);
	for (p = n->kshim_parent; p && n == p->rb_right; p = p->kshim_parent)
		n = p;
	return (struct rb_node *)p;
}

/* The first node in post-order under @n: the deepest, leftmost leaf. */
static struct rb_node *deepest(struct rb_node *n)
{
	for (;;) {
		if (n->rb_left)
			n = n->rb_left;
		else if (n->rb_right)
			n = n->rb_right;
		else
			return n;
	}
}

struct rb_node *rb_first_postorder(const struct rb_root *root)
{
	return root->rb_node ? deepest(root->rb_node) : NULL;
}

struct rb_node *rb_next_postorder(const struct rb_node *n)
{
	struct rb_node *p = n->kshim_parent;

	if (p && n == p->rb_left && p->rb_right)
		return deepest(p->rb_right);
	return p;
}

/* ------------------------------------------------------ workqueues --- */
/*
 * Queued work, in queueing order; the harness runs the ones it picks
 * (kshim_run_work()).  A delayed work is runnable once jiffies reach its
 * expiry.
 */
struct work_struct *kshim_works[KSHIM_MAX_WORKS];
unsigned int kshim_nworks;

static bool enqueue(struct work_struct *w)
{
	if (w->pending)
		return false;
	if (kshim_nworks == KSHIM_MAX_WORKS)
		__builtin_trap();
	w->pending = true;
	kshim_works[kshim_nworks++] = w;
	return true;
}

static bool dequeue(struct work_struct *w)
{
	unsigned int i;

	if (!w->pending)
		return false;
	for (i = 0; i < kshim_nworks; i++)
		if (kshim_works[i] == w)
			break;
	if (i == kshim_nworks)
		__builtin_trap();	/* pending but not queued */
	memmove(&kshim_works[i], &kshim_works[i + 1],
		(kshim_nworks - i - 1) * sizeof(kshim_works[0]));
	kshim_nworks--;
	w->pending = false;
	return true;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	(void)wq;
	return enqueue(w);
}

bool schedule_work(struct work_struct *w)
{
	return enqueue(w);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
			unsigned long delay)
{
	(void)wq;
	if (!d->work.delayed)
		__builtin_trap();	/* not INIT_DELAYED_WORK()ed */
	if (d->work.pending)
		return false;
	d->expires = jiffies + delay;
	return enqueue(&d->work);
}

/* Pending or not, it runs @delay from now. */
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
		      unsigned long delay)
{
	bool was = dequeue(&d->work);

	queue_delayed_work(wq, d, delay);
	return was;
}

bool kshim_work_runnable(const struct work_struct *w)
{
	if (!w->pending)
		return false;
	return !w->delayed ||
	       time_after_eq(jiffies, container_of(w, struct delayed_work,
						   work)->expires);
}

/* Run queued work @i (dequeued first, as the kernel does). */
void kshim_run_work(unsigned int i)
{
	struct work_struct *w = kshim_works[i];

	if (kshim_atomic)
		__builtin_trap();
	dequeue(w);
	w->func(w);
	if (kshim_atomic)
		__builtin_trap();	/* a work item left a spinlock held */
}

bool cancel_work(struct work_struct *w)
{
	return dequeue(w);
}

bool cancel_work_sync(struct work_struct *w)
{
	kshim_might_sleep();
	return dequeue(w);
}

bool cancel_delayed_work_sync(struct delayed_work *d)
{
	kshim_might_sleep();
	return dequeue(&d->work);
}

bool flush_work(struct work_struct *w)
{
	kshim_might_sleep();
	if (!dequeue(w))
		return false;
	w->func(w);
	return true;
}

/* ------------------------------------------------------ wait queues --- */
void (*kshim_wake_hook)(wait_queue_head_t *w);

void kshim_wake_up(wait_queue_head_t *w)
{
	if (kshim_wake_hook)
		kshim_wake_hook(w);
}

/* -------------------------------------------------------- notifier --- */
int blocking_notifier_chain_register(struct blocking_notifier_head *h,
				     struct notifier_block *nb)
{
	struct notifier_block **p;

	down_write(&h->rwsem);
	for (p = &h->head; *p && (*p)->priority >= nb->priority; p = &(*p)->next)
		;
	nb->next = *p;
	*p = nb;
	up_write(&h->rwsem);
	return 0;
}

int blocking_notifier_chain_unregister(struct blocking_notifier_head *h,
				       struct notifier_block *nb)
{
	struct notifier_block **p;
	int ret = -ENOENT;

	down_write(&h->rwsem);
	for (p = &h->head; *p; p = &(*p)->next) {
		if (*p == nb) {
			*p = nb->next;
			ret = 0;
			break;
		}
	}
	up_write(&h->rwsem);
	return ret;
}

int blocking_notifier_call_chain(struct blocking_notifier_head *h,
				 unsigned long action, void *data)
{
	struct notifier_block *nb;
	int ret = NOTIFY_DONE;

	down_read(&h->rwsem);
	for (nb = h->head; nb; nb = nb->next)
		ret = nb->notifier_call(nb, action, data);
	up_read(&h->rwsem);
	return ret;
}

void kshim_reset(void)
{
	kshim_nworks = 0;
	kshim_atomic = 0;
	kshim_alloc_fail = 0;
	kshim_alloc_failed = 0;
}
