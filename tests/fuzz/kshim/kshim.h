/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim: the few kernel APIs the host core's request-serving files, its
 * registration (vfcb_pf_main.c) and the 82576 PF driver's PCI side
 * (e82576/vfcb_82576_pf_pci.c) and register layer (vfcb_82576_pf_hw.c)
 * use, for compiling them unchanged in userspace (tests/fuzz/fuzz_pf_core.c,
 * tests/unit/test_pf_register.c, tests/unit/test_82576_pf_teardown.c,
 * tests/unit/test_82576_pf_hw.c).  Every header under linux/ here
 * includes this file and nothing else.
 *
 * The harnesses are single-threaded (test_82576_pf_teardown's timer and
 * teardown threads take none of this shim's locks), so locks are flags:
 * taking one that is held is a self-deadlock, releasing one that is free
 * is a bug, and a sleeping call (mutex, rwsem, GFP_KERNEL allocation, cancel/flush of work,
 * waiting) with a spinlock held is "sleeping in atomic context": each traps.
 * Work items run when the harness says (kshim_run_work()), jiffies moves
 * when it says.  None of this is kernel code; it is written for the harness.
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <assert.h>
#include <asm/errno.h>		/* the kernel's numbers; linux/errno.h is ours */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <asm/types.h>		/* __u8 .. __u64 for the uapi headers */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;	/* as the kernel's, for %llu */
typedef int32_t s32;
typedef long long s64;

#define __init
#define __exit
#define __user
#define __must_check
#define __always_unused		__attribute__((unused))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define U8_MAX			((u8)~0U)
#define U32_MAX			((u32)~0U)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		({ t __a = (a); t __b = (b); __a < __b ? __a : __b; })
#define max_t(t, a, b)		({ t __a = (a); t __b = (b); __a > __b ? __a : __b; })
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define READ_ONCE(x)		(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof((p)->member[0]) * (n))

/* ---------------------------------------------------- errors as pointers */
#define MAX_ERRNO		4095
static inline void *ERR_PTR(long err) { return (void *)err; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p)
{
	return (unsigned long)p >= (unsigned long)-MAX_ERRNO;
}
static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

/* ------------------------------------------------------- module glue --- */
#define EXPORT_SYMBOL_GPL(sym)	_Static_assert(1, #sym)
#define EXPORT_SYMBOL(sym)	_Static_assert(1, #sym)
#define MODULE_PARM_DESC(n, d)	_Static_assert(1, d)
#define MODULE_DESCRIPTION(d)	_Static_assert(1, d)
#define MODULE_AUTHOR(d)	_Static_assert(1, d)
#define MODULE_LICENSE(d)	_Static_assert(1, d)
#define MODULE_VERSION(d)	_Static_assert(1, d)
/* module_init/exit: kept, never called (the harness makes no debugfs root). */
#define module_init(fn)	\
	static int (*kshim_module_init)(void) __attribute__((unused)) = fn
#define module_exit(fn)	\
	static void (*kshim_module_exit)(void) __attribute__((unused)) = fn
/*
 * module_param(): the harness can set an unsigned int parameter by name;
 * others (bool) keep their default.
 */
void kshim_param_register(const char *name, unsigned int *p);
unsigned int *kshim_param(const char *name);	/* for the harness */
static inline void kshim_param_ignore(const char *name, void *p)
{
	(void)name;
	(void)p;
}
#define module_param(name, type, perm)					\
	static void __attribute__((constructor)) kshim_param_##name(void) \
	{ _Generic(&name, unsigned int *: kshim_param_register,	\
		   default: kshim_param_ignore)(#name, &name); }	\
	_Static_assert(1, #type)

/* ---------------------------------------------------------- logging --- */
struct device { int kshim_unused; };
static inline __attribute__((format(printf, 2, 3)))
void kshim_log(const void *dev, const char *fmt, ...)
{
	(void)dev;
	(void)fmt;
}
#define dev_warn_ratelimited(dev, ...)	kshim_log(dev, __VA_ARGS__)
#define dev_warn(dev, ...)		kshim_log(dev, __VA_ARGS__)
#define dev_info(dev, ...)		kshim_log(dev, __VA_ARGS__)
#define dev_info_ratelimited(dev, ...)	kshim_log(dev, __VA_ARGS__)
#define pci_warn(pdev, ...)		kshim_log(pdev, __VA_ARGS__)
#define pci_info(pdev, ...)		kshim_log(pdev, __VA_ARGS__)
#define pr_warn(...)			kshim_log(NULL, __VA_ARGS__)

/* -------------------------------------------------------------- pci --- */
struct pci_bus { unsigned char number; };
struct pci_driver;
struct pci_dev {
	struct device dev;
	struct pci_bus *bus;
	unsigned int devfn;
	unsigned short vendor;
	bool is_virtfn;
	bool state_saved;
	struct pci_driver *driver;
	bool kshim_gone;	/* the harness removed it by surprise */
	int kshim_refs;		/* pci_dev_get() less pci_dev_put() */
	void *kshim_drvdata;	/* pci_set_drvdata() */
	u32 kshim_bar0;		/* what pci_iomap() maps */
};

static inline bool pci_device_is_present(struct pci_dev *pdev)
{
	return !pdev->kshim_gone;
}
static inline int pci_domain_nr(const struct pci_bus *bus)
{
	(void)bus;
	return 0;
}
/* The harness owns the device; it counts the references taken. */
static inline struct pci_dev *pci_dev_get(struct pci_dev *pdev)
{
	pdev->kshim_refs++;
	return pdev;
}
static inline void pci_dev_put(struct pci_dev *pdev)
{
	if (pdev && pdev->kshim_refs-- <= 0)
		__builtin_trap();	/* a put without its get */
}
static inline const char *pci_name(const struct pci_dev *pdev)
{
	(void)pdev;
	return "0000:03:00.0";
}
#define DL_FLAG_STATELESS	1u
struct device_link;
static inline struct device_link *device_link_add(struct device *c,
						  struct device *s, u32 f)
{
	(void)c;
	(void)s;
	(void)f;
	return (struct device_link *)c;
}
static inline void device_link_remove(struct device *c, struct device *s)
{
	(void)c;
	(void)s;
}
static inline u32 get_random_u32(void)
{
	return 0x5e000000u;
}

struct dentry;
struct kref { int refcount; };
static inline void kref_init(struct kref *k) { k->refcount = 1; }
static inline void kref_get(struct kref *k)
{
	if (k->refcount <= 0)
		__builtin_trap();	/* a get after the last put */
	k->refcount++;
}
static inline int kref_put(struct kref *k, void (*release)(struct kref *))
{
	if (k->refcount <= 0)
		__builtin_trap();
	if (--k->refcount)
		return 0;
	release(k);
	return 1;
}
struct miscdevice { int minor; const char *name; };

/* ------------------------------------------------------------- locks --- */
extern int kshim_atomic;	/* spinlocks held now */
void kshim_might_sleep(void);
void kshim_take(int *held);
void kshim_drop(int *held);

typedef struct { int held; } spinlock_t;
#define spin_lock_init(l)		((l)->held = 0)
#define spin_lock(l)			(kshim_take(&(l)->held), kshim_atomic++)
#define spin_unlock(l)			(kshim_drop(&(l)->held), kshim_atomic--)
#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_irqsave(l, f)		((f) = 0, spin_lock(l))
#define spin_unlock_irqrestore(l, f)	((void)(f), spin_unlock(l))

struct mutex { int held; };
#define mutex_init(m)		((m)->held = 0)
#define mutex_lock(m)		(kshim_might_sleep(), kshim_take(&(m)->held))
#define mutex_unlock(m)		kshim_drop(&(m)->held)
#define DEFINE_MUTEX(m)		struct mutex m = { 0 }
#define mutex_destroy(m)	do { if ((m)->held) __builtin_trap(); } while (0)

/* held: readers, or -1 for the writer */
struct rw_semaphore { int held; };
#define init_rwsem(s)		((s)->held = 0)
void down_read(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);

#define lockdep_assert_held(l)	do { if (!(l)->held) __builtin_trap(); } while (0)

/* -------------------------------------------------------------- time --- */
#define HZ			250
extern unsigned long jiffies;
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m * HZ, 1000);
}

/* ------------------------------------------------------------ memory --- */
typedef unsigned int gfp_t;
#define GFP_KERNEL		1u
#define GFP_ATOMIC		2u
void *kshim_alloc(size_t n, gfp_t gfp);
extern unsigned int kshim_alloc_fail;	/* harness: fail the next N */
extern unsigned int kshim_alloc_failed;	/* allocations failed so far */
#define kzalloc(n, gfp)		kshim_alloc(n, gfp)
#define kmalloc(n, gfp)		kshim_alloc(n, gfp)
#define kfree(p)		free(p)

/* -------------------------------------------------------------- list --- */
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD_INIT(n)	{ &(n), &(n) }
#define LIST_HEAD(n)		struct list_head n = LIST_HEAD_INIT(n)
static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;	/* a second del faults */
}
static inline void list_del_init(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	INIT_LIST_HEAD(n);
}
#define list_entry(p, type, member)	container_of(p, type, member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* ------------------------------------------------------------ rbtree --- */
/*
 * An unbalanced binary search tree with parent links: rb_insert_color()
 * balances nothing, rb_erase() is a plain BST deletion.  The API is the
 * kernel's, so the store's code is what runs; only the shape differs.
 */
struct rb_node {
	struct rb_node *rb_left, *rb_right, *kshim_parent;
};
struct rb_root { struct rb_node *rb_node; };
#define RB_ROOT			((struct rb_root){ NULL })
#define rb_entry(p, type, member)	container_of(p, type, member)
#define rb_entry_safe(p, type, member) \
	({ struct rb_node *__n = (p); __n ? rb_entry(__n, type, member) : NULL; })
static inline void rb_link_node(struct rb_node *n, struct rb_node *parent,
				struct rb_node **link)
{
	n->kshim_parent = parent;
	n->rb_left = n->rb_right = NULL;
	*link = n;
}
static inline void rb_insert_color(struct rb_node *n, struct rb_root *root)
{
	(void)n;
	(void)root;
}
void rb_erase(struct rb_node *n, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *n);
struct rb_node *rb_first_postorder(const struct rb_root *root);
struct rb_node *rb_next_postorder(const struct rb_node *n);
#define rbtree_postorder_for_each_entry_safe(pos, n, root, field)	\
	for (pos = rb_entry_safe(rb_first_postorder(root), __typeof__(*pos), field); \
	     pos && ({ n = rb_entry_safe(rb_next_postorder(&pos->field),	\
					 __typeof__(*pos), field); 1; });	\
	     pos = n)

/* -------------------------------------------------------- wait queues --- */
typedef struct { int kshim_unused; } wait_queue_head_t;
#define init_waitqueue_head(w)		((w)->kshim_unused = 0)
/* A wake-up is where a harness can run another "CPU"'s code (kshim_wake_hook). */
extern void (*kshim_wake_hook)(wait_queue_head_t *w);
void kshim_wake_up(wait_queue_head_t *w);
#define wake_up(w)			kshim_wake_up(w)
#define wake_up_interruptible(w)	kshim_wake_up(w)
#define wake_up_interruptible_all(w)	kshim_wake_up(w)
/* Nothing else runs while the caller waits, but the harness's hook. */
void kshim_wait_hook(void);
#define wait_event_timeout(wq, cond, t)					\
	({ long __r; (void)(wq); (void)(t); kshim_might_sleep();		\
	   __r = (cond) ? 1 : (kshim_wait_hook(), (cond) ? 1 : 0); __r; })

/* --------------------------------------------------------- workqueues --- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *);
struct work_struct {
	work_func_t func;
	bool pending;
	bool delayed;		/* the work of a struct delayed_work */
};
struct delayed_work {
	struct work_struct work;
	unsigned long expires;
};
struct workqueue_struct;
extern struct workqueue_struct *system_wq;
#define INIT_WORK(w, f)	\
	((w)->func = (f), (w)->pending = false, (w)->delayed = false)
#define INIT_DELAYED_WORK(d, f)	(INIT_WORK(&(d)->work, f), (d)->work.delayed = true)
#define to_delayed_work(w)	container_of(w, struct delayed_work, work)
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool schedule_work(struct work_struct *w);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
			unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
		      unsigned long delay);
#define delayed_work_pending(d)	((d)->work.pending)
bool cancel_work(struct work_struct *w);
bool cancel_work_sync(struct work_struct *w);
bool cancel_delayed_work_sync(struct delayed_work *d);
bool flush_work(struct work_struct *w);

/* For the harness: queued work, in order; run one; is it due. */
#define KSHIM_MAX_WORKS		64
extern struct work_struct *kshim_works[KSHIM_MAX_WORKS];
extern unsigned int kshim_nworks;
bool kshim_work_runnable(const struct work_struct *w);
void kshim_run_work(unsigned int i);

/* ---------------------------------------------------- notifier, rcu --- */
#define NOTIFY_DONE		0
#define NOTIFY_OK		1
#define rcu_access_pointer(p)	READ_ONCE(p)
struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action,
			     void *data);
struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next;
	int priority;
};
struct blocking_notifier_head {
	struct rw_semaphore rwsem;
	struct notifier_block *head;
};
#define BLOCKING_INIT_NOTIFIER_HEAD(h)	((h)->rwsem.held = 0, (h)->head = NULL)
int blocking_notifier_chain_register(struct blocking_notifier_head *h,
				     struct notifier_block *nb);
int blocking_notifier_chain_unregister(struct blocking_notifier_head *h,
				       struct notifier_block *nb);
int blocking_notifier_call_chain(struct blocking_notifier_head *h,
				 unsigned long action, void *data);

/* ------------------------------------------------------- tracepoints --- */
#define TP_PROTO(...)		__VA_ARGS__
#define TP_ARGS(...)		__VA_ARGS__
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(tmpl, name, proto, args)				\
	static inline void trace_##name(proto) {}
#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	static inline void trace_##name(proto) {}

/* ------------------------------------------------ a PCI device driver --- */
/*
 * What e82576/vfcb_82576_pf_pci.c needs to compile
 * (tests/unit/test_82576_pf_teardown.c).  The device's resources always
 * come; the harness counts what is held.  Timers, interrupts and the
 * SR-IOV calls are the harness's own (declared here, defined there).
 */
#define __iomem
#define KSHIM_PCI_MAX_VFS	8
struct pci_device_id { u32 vendor, device; };
#define PCI_VENDOR_ID_INTEL	0x8086
#define PCI_VDEVICE(v, d)	.vendor = PCI_VENDOR_ID_##v, .device = (d)
#define MODULE_DEVICE_TABLE(t, ids)	_Static_assert(1, #ids)
#define PCI_ANY_ID		(~0u)
#define PCI_IRQ_MSIX		4u
typedef unsigned int pci_ers_result_t;
#define PCI_ERS_RESULT_CAN_RECOVER	2u
#define PCI_ERS_RESULT_NEED_RESET	3u
#define PCI_ERS_RESULT_DISCONNECT	4u
#define PCI_ERS_RESULT_RECOVERED	5u
typedef unsigned int pci_channel_state_t;
#define pci_channel_io_normal		1u
#define pci_channel_io_frozen		2u
#define pci_channel_io_perm_failure	3u
struct pci_error_handlers {
	pci_ers_result_t (*error_detected)(struct pci_dev *, pci_channel_state_t);
	pci_ers_result_t (*slot_reset)(struct pci_dev *);
	void (*resume)(struct pci_dev *);
	void (*reset_prepare)(struct pci_dev *);
	void (*reset_done)(struct pci_dev *);
};
struct dev_pm_ops {
	int (*suspend)(struct device *);
	int (*resume)(struct device *);
};
#define DEFINE_SIMPLE_DEV_PM_OPS(name, s, r)	\
	const struct dev_pm_ops name = { .suspend = (s), .resume = (r) }
#define pm_sleep_ptr(p)		(p)
struct device_driver { const struct dev_pm_ops *pm; };
struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;
	int (*probe)(struct pci_dev *, const struct pci_device_id *);
	void (*remove)(struct pci_dev *);
	void (*shutdown)(struct pci_dev *);
	int (*sriov_configure)(struct pci_dev *, int);
	const struct pci_error_handlers *err_handler;
	struct device_driver driver;
};
static inline int pci_register_driver(struct pci_driver *d) { (void)d; return 0; }
static inline void pci_unregister_driver(struct pci_driver *d) { (void)d; }
#define pci_err(pdev, ...)		kshim_log(pdev, __VA_ARGS__)
#ifndef pr_fmt
#define pr_fmt(fmt)			fmt
#endif
static inline void *pci_get_drvdata(struct pci_dev *pdev)
{
	return pdev->kshim_drvdata;
}
static inline void pci_set_drvdata(struct pci_dev *pdev, void *data)
{
	pdev->kshim_drvdata = data;
}
static inline void *dev_get_drvdata(struct device *dev)
{
	return container_of(dev, struct pci_dev, dev)->kshim_drvdata;
}
static inline struct pci_dev *pci_physfn(struct pci_dev *pdev) { return pdev; }
static inline int pci_vfs_assigned(struct pci_dev *pdev) { (void)pdev; return 0; }
/* No other device: the PF's VFs are not looked at. */
static inline struct pci_dev *pci_get_device(unsigned int v, unsigned int d,
					     struct pci_dev *from)
{
	(void)v;
	(void)d;
	(void)from;
	return NULL;
}
static inline int pci_enable_device_mem(struct pci_dev *p) { (void)p; return 0; }
static inline void pci_disable_device(struct pci_dev *p) { (void)p; }
static inline int pci_request_mem_regions(struct pci_dev *p, const char *n)
{
	(void)p;
	(void)n;
	return 0;
}
static inline void pci_release_mem_regions(struct pci_dev *p) { (void)p; }
static inline void __iomem *pci_iomap(struct pci_dev *p, int bar, unsigned long n)
{
	(void)bar;
	(void)n;
	return &p->kshim_bar0;
}
static inline void pci_iounmap(struct pci_dev *p, void __iomem *a) { (void)p; (void)a; }
static inline void pci_set_master(struct pci_dev *p) { (void)p; }
static inline void pci_clear_master(struct pci_dev *p) { (void)p; }
static inline int pci_alloc_irq_vectors(struct pci_dev *p, unsigned int lo,
					unsigned int hi, unsigned int f)
{
	(void)p;
	(void)lo;
	(void)f;
	return hi;
}
static inline void pci_free_irq_vectors(struct pci_dev *p) { (void)p; }
static inline int pci_irq_vector(struct pci_dev *p, unsigned int n)
{
	(void)p;
	return 40 + n;
}
static inline int pci_sriov_set_totalvfs(struct pci_dev *p, u16 n) { (void)p; (void)n; return 0; }
static inline int pci_sriov_get_totalvfs(struct pci_dev *p) { (void)p; return 7; }
static inline int pci_save_state(struct pci_dev *p) { (void)p; return 0; }
static inline void pci_restore_state(struct pci_dev *p) { (void)p; }
int pci_enable_sriov(struct pci_dev *pdev, int n);
void pci_disable_sriov(struct pci_dev *pdev);
int pci_num_vf(struct pci_dev *pdev);
static inline void *devm_kzalloc(struct device *dev, size_t n, gfp_t gfp)
{
	(void)dev;
	return kshim_alloc(n, gfp);	/* the harness frees it */
}

/* interrupts */
typedef int irqreturn_t;
#define IRQ_HANDLED		1
typedef irqreturn_t (*irq_handler_t)(int, void *);
int request_irq(unsigned int irq, irq_handler_t fn, unsigned long flags,
		const char *name, void *data);
void free_irq(unsigned int irq, void *data);
void synchronize_irq(unsigned int irq);

/* timers: the harness fires them, from a thread of its own */
struct timer_list {
	void (*function)(struct timer_list *);
	unsigned long expires;
	bool pending;
	bool running;
};
#define from_timer(var, t, field)	container_of(t, __typeof__(*var), field)
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags);
int mod_timer(struct timer_list *t, unsigned long expires);
int del_timer_sync(struct timer_list *t);
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return j * (1000 / HZ);
}

/* debugfs and seq_file: nothing is created */
struct seq_file { void *private; };
struct file_operations { int (*show)(struct seq_file *, void *); };
#define DEFINE_SHOW_ATTRIBUTE(name)					\
	static const struct file_operations name##_fops = { .show = name##_show }
static inline struct dentry *debugfs_create_dir(const char *n, struct dentry *p)
{
	(void)n;
	(void)p;
	return NULL;
}
static inline struct dentry *debugfs_create_file(const char *n, unsigned int m,
						 struct dentry *p, void *d,
						 const struct file_operations *f)
{
	(void)n;
	(void)m;
	(void)p;
	(void)d;
	(void)f;
	return NULL;
}
static inline void debugfs_remove_recursive(struct dentry *d) { (void)d; }

#define BITS_PER_LONG		64
#define DECLARE_BITMAP(name, bits)	\
	unsigned long name[DIV_ROUND_UP(bits, BITS_PER_LONG)]
static inline void set_bit(unsigned int nr, unsigned long *a)
{
	a[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}
static inline void clear_bit(unsigned int nr, unsigned long *a)
{
	a[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}
static inline bool test_bit(unsigned int nr, const unsigned long *a)
{
	return a[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}
static inline void bitmap_zero(unsigned long *a, unsigned int nbits)
{
	memset(a, 0, DIV_ROUND_UP(nbits, BITS_PER_LONG) * sizeof(long));
}

/*
 * ------------------------------------------------ a device's registers ---
 * What e82576/vfcb_82576_pf_hw.c needs (tests/unit/test_82576_pf_hw.c):
 * the harness is the device, and defines readl() and writel().  Local
 * interrupts off count as a spinlock held: nothing may sleep there.
 */
u32 readl(const volatile void __iomem *addr);
void writel(u32 val, volatile void __iomem *addr);
static inline void usleep_range(unsigned long lo, unsigned long hi)
{
	(void)lo;
	(void)hi;
	kshim_might_sleep();
}
#define local_irq_save(f)	((f) = 0, kshim_atomic++)
#define local_irq_restore(f)	((void)(f), kshim_atomic--)
static inline __attribute__((format(printf, 2, 3)))
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	(void)m;
	(void)fmt;
}

/* Between two harness runs: no work queued, no lock held. */
void kshim_reset(void);

#endif /* _KSHIM_H */
