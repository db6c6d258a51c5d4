// SPDX-License-Identifier: GPL-2.0
/*
 * vfcb_bench: the measuring half of `make bench` (scripts/bench.sh).  Runs
 * in the rig's guests, statically linked.  Each mode prints one or more
 * "BENCH key=value ..." lines that scripts/bench.sh turns into the table;
 * it judges nothing.
 *
 *   vfcb_bench lat op=ping|read|write dev=VFDEV [n=N] [warmup=N]
 *                  [block=ID] [len=BYTES] [label=NAME]
 *                  [pfvf=PF-VF-STATS] [pf=PF-STATS] [vf=VF-STATS]
 *                  [vfhw=VF-DRIVER-STATS]
 *       N timed round trips through the VF ioctls after the warm-up.  With
 *       the debugfs stats paths it also reports the counters' deltas over
 *       the timed loop divided by N (vfhw: the VF driver's register and
 *       interrupt counts, when they are not in the VF core's file).
 *   vfcb_bench inval pfdev=PFDEV vfidx=I dev=VFDEV [n=N] [gap_us=US]
 *                  [pfvf=..] [pf=..] [vf=..]
 *       Invalidate-to-wakeup: a reader thread blocks in read() on the VF
 *       device, the main thread raises one bit through the PF ioctl.
 *       Same kernel, so both timestamps come from one CLOCK_MONOTONIC.
 *   vfcb_bench mt op=ping|read|write dev=VFDEV [dev=VFDEV]... [n=N]
 *                  [warmup=N] [block=ID] [len=BYTES]
 *       One thread per VF device, all started together; N operations each.
 *   vfcb_bench setmac ifname=IF [n=N] [warmup=N]
 *       The in-tree igbvf baseline: SIOCSIFHWADDR, which igbvf turns into
 *       one VF->PF mailbox message (E1000_VF_SET_MAC_ADDR) and the PF's
 *       reply.
 *
 * Latency is per operation (clock_gettime around each call); ops/s is N
 * over the wall time of the whole timed loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfcb.h>

#define MAX_DEVS 16

/* ------------------------------------------------------------ options --- */

struct opts {
	const char *op, *dev[MAX_DEVS], *pfdev, *ifname, *label;
	const char *pfvf, *pf, *vf, *vfhw;
	unsigned int ndev, n, warmup, block, len, vfidx, gap_us;
};

static void usage(void)
{
	fprintf(stderr, "usage: vfcb_bench lat|inval|mt|setmac key=value...\n");
	exit(2);
}

static void parse(struct opts *o, int argc, char **argv)
{
	int i;

	*o = (struct opts){ .op = "ping", .n = 1000, .warmup = 100, .block = 1,
			    .len = VFCB_MAX_BLOCK_SIZE, .gap_us = 2000 };
	for (i = 0; i < argc; i++) {
		char *k = argv[i], *v = strchr(k, '=');

		if (!v)
			usage();
		*v++ = 0;
#define S(name) if (!strcmp(k, #name)) { o->name = v; continue; }
#define U(name) if (!strcmp(k, #name)) { o->name = strtoul(v, NULL, 0); continue; }
		S(op) S(pfdev) S(ifname) S(label) S(pfvf) S(pf) S(vf) S(vfhw)
		U(n) U(warmup) U(block) U(len) U(vfidx) U(gap_us)
#undef S
#undef U
		if (!strcmp(k, "dev") && o->ndev < MAX_DEVS) {
			o->dev[o->ndev++] = v;
			continue;
		}
		fprintf(stderr, "vfcb_bench: unknown option %s\n", k);
		usage();
	}
	if (!o->n)
		usage();
}

/* -------------------------------------------------------------- time --- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
static double pct(const uint64_t *v, size_t n, double p)
{
	size_t r = (size_t)(p * n + 0.999999);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1] / 1e3;
}

/* Prints "min_us= p50_us= p99_us= max_us= mean_us=" for n samples (sorts). */
static void print_lat(uint64_t *v, size_t n)
{
	double sum = 0;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf(" min_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f mean_us=%.1f",
	       v[0] / 1e3, pct(v, n, 0.50), pct(v, n, 0.99), v[n - 1] / 1e3,
	       sum / n / 1e3);
}

/* ------------------------------------------------------ debugfs stats --- */

/* One counter from a "name value" or "name: value" file; -1 if absent. */
static long long stat_get(const char *path, const char *name)
{
	char line[256];
	size_t l = strlen(name);
	long long v = -1;
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, l) || (line[l] != ' ' && line[l] != ':'))
			continue;
		v = strtoll(line + l + 1 + (line[l] == ':'), NULL, 0);
		break;
	}
	fclose(f);
	return v;
}

struct counters {
	long long pf_rx, pf_tx, pf_rd, pf_wr;		/* PF, per VF */
	long long pg_rd, pg_wr, pg_irqs;		/* PF, device-wide */
	long long vf_rx, vf_tx, vf_rd, vf_wr, vf_irqs, vf_polls;
	long long pf_throttle;
};

static void snap(const struct opts *o, struct counters *c)
{
	c->pf_rx = stat_get(o->pfvf, "rx_msgs");
	c->pf_tx = stat_get(o->pfvf, "tx_msgs");
	c->pf_rd = stat_get(o->pfvf, "mmio_reads");
	c->pf_wr = stat_get(o->pfvf, "mmio_writes");
	c->pf_throttle = stat_get(o->pfvf, "throttle_events");
	c->pg_rd = stat_get(o->pf, "mmio_reads");
	c->pg_wr = stat_get(o->pf, "mmio_writes");
	c->pg_irqs = stat_get(o->pf, "irqs");
	c->vf_rx = stat_get(o->vf, "engine_rx_msgs");
	c->vf_tx = stat_get(o->vf, "engine_tx_msgs");
	/* The VF driver's own counters, if it has them (vfcb_82576_vf's). */
	c->vf_rd = stat_get(o->vfhw ?: o->vf, "mmio_reads");
	c->vf_wr = stat_get(o->vfhw ?: o->vf, "mmio_writes");
	c->vf_irqs = stat_get(o->vfhw ?: o->vf, "irqs");
	c->vf_polls = stat_get(o->vf, "polls");
}

/* Prints the per-operation deltas of the counters that were readable. */
static void print_deltas(const struct counters *a, const struct counters *b,
			 unsigned int n)
{
#define D(key, f) do { if (a->f >= 0 && b->f >= 0) \
	printf(" " key "=%.2f", (double)(b->f - a->f) / n); } while (0)
	D("pf_rx_msgs", pf_rx);
	D("pf_tx_msgs", pf_tx);
	D("pf_vf_mmio_rd", pf_rd);
	D("pf_vf_mmio_wr", pf_wr);
	D("pf_dev_mmio_rd", pg_rd);
	D("pf_dev_mmio_wr", pg_wr);
	D("pf_irqs", pg_irqs);
	D("vf_rx_msgs", vf_rx);
	D("vf_tx_msgs", vf_tx);
	D("vf_mmio_rd", vf_rd);
	D("vf_mmio_wr", vf_wr);
	D("vf_irqs", vf_irqs);
	D("vf_polls", vf_polls);
#undef D
	if (a->pf_throttle >= 0 && b->pf_throttle >= 0)
		printf(" throttle_events=%lld", b->pf_throttle - a->pf_throttle);
}

/* ------------------------------------------------------ VF operations --- */

static int open_dev(const char *path, int flags)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		fprintf(stderr, "vfcb_bench: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

enum op { OP_PING, OP_READ, OP_WRITE };

static enum op op_of(const char *s)
{
	if (!strcmp(s, "ping"))
		return OP_PING;
	if (!strcmp(s, "read"))
		return OP_READ;
	if (!strcmp(s, "write"))
		return OP_WRITE;
	usage();
	return OP_PING;
}

struct vfop {
	enum op op;
	int fd;
	unsigned int block, len;
	struct vfcb_vf_block b;
	struct vfcb_vf_ping p;
};

static void vfop_init(struct vfop *v, enum op op, int fd, unsigned int block,
		      unsigned int len)
{
	unsigned int i;

	memset(v, 0, sizeof(*v));
	v->op = op;
	v->fd = fd;
	v->block = block;
	v->len = len;
	v->p.argsz = sizeof(v->p);
	for (i = 0; i < sizeof(v->b.data); i++)
		v->b.data[i] = i * 7 + 1;
}

/* One operation; 0 or -errno. */
static int vfop_do(struct vfop *v)
{
	unsigned long nr;
	void *arg;

	switch (v->op) {
	case OP_PING:
		nr = VFCB_VF_PING;
		arg = &v->p;
		break;
	case OP_READ:
		v->b.argsz = sizeof(v->b);
		v->b.block_id = v->block;
		v->b.len = v->len;	/* buffer size; the block is that long */
		nr = VFCB_VF_READ;
		arg = &v->b;
		break;
	default:
		v->b.argsz = sizeof(v->b);
		v->b.block_id = v->block;
		v->b.len = v->len;
		nr = VFCB_VF_WRITE;
		arg = &v->b;
		break;
	}
	return ioctl(v->fd, nr, arg) < 0 ? -errno : 0;
}

static const char *op_label(const struct opts *o)
{
	static char buf[64];

	if (o->label)
		return o->label;
	if (!strcmp(o->op, "ping"))
		return "ping";
	snprintf(buf, sizeof(buf), "%s_%u", o->op, o->len);
	return buf;
}

/* -------------------------------------------------------------- modes --- */

static int mode_lat(struct opts *o)
{
	struct counters c0, c1;
	struct vfop v;
	uint64_t *ns, t, t0, t1;
	unsigned int i, errs = 0;
	int err, fd;

	if (o->ndev != 1)
		usage();
	fd = open_dev(o->dev[0], 0);
	vfop_init(&v, op_of(o->op), fd, o->block, o->len);
	ns = calloc(o->n, sizeof(*ns));
	if (!ns)
		return 2;
	for (i = 0; i < o->warmup; i++) {
		err = vfop_do(&v);
		if (err) {
			fprintf(stderr, "vfcb_bench: %s: %s\n", o->op, strerror(-err));
			return 1;
		}
	}
	snap(o, &c0);
	t0 = now_ns();
	for (i = 0; i < o->n; i++) {
		t = now_ns();
		errs += vfop_do(&v) != 0;
		ns[i] = now_ns() - t;
	}
	t1 = now_ns();
	snap(o, &c1);
	printf("BENCH lat op=%s n=%u warmup=%u errors=%u", op_label(o), o->n,
	       o->warmup, errs);
	print_lat(ns, o->n);
	printf(" ops_s=%.0f", o->n / ((t1 - t0) / 1e9));
	print_deltas(&c0, &c1, o->n);
	printf("\n");
	free(ns);
	close(fd);
	return errs ? 1 : 0;
}

/* invalidate-to-wakeup */

struct inval_reader {
	int fd, pipe_w;
};

static void *inval_thread(void *arg)
{
	struct inval_reader *r = arg;
	uint64_t m, t;

	for (;;) {
		ssize_t n = read(r->fd, &m, sizeof(m));

		t = now_ns();
		if (n != sizeof(m)) {
			if (n < 0 && errno == EINTR)
				continue;
			t = 0;		/* error: tell the main thread */
		}
		if (write(r->pipe_w, &t, sizeof(t)) != sizeof(t) || !t)
			return NULL;
	}
}

static int mode_inval(struct opts *o)
{
	struct vfcb_pf_invalidate inv = { .argsz = sizeof(inv) };
	struct inval_reader r;
	struct counters c0, c1;
	pthread_t th;
	uint64_t *ns, m, t0, t1;
	unsigned int i, got = 0, lost = 0;
	int pfd, p[2], fl;

	if (o->ndev != 1 || !o->pfdev)
		usage();
	pfd = open_dev(o->pfdev, 0);
	r.fd = open_dev(o->dev[0], O_NONBLOCK);
	/* A file collects invalidations from its first read() or poll(). */
	while (read(r.fd, &m, sizeof(m)) == sizeof(m))
		;
	fl = fcntl(r.fd, F_GETFL);
	fcntl(r.fd, F_SETFL, fl & ~O_NONBLOCK);
	if (pipe(p))
		return 2;
	r.pipe_w = p[1];
	ns = calloc(o->n, sizeof(*ns));
	if (!ns || pthread_create(&th, NULL, inval_thread, &r))
		return 2;
	inv.vf = o->vfidx;
	snap(o, &c0);
	for (i = 0; i < o->n; i++) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		/* Let the reader get back into read() and sleep there. */
		usleep(o->gap_us);
		inv.mask = 1ull << (i % 64);
		t0 = now_ns();
		if (ioctl(pfd, VFCB_PF_INVALIDATE, &inv)) {
			fprintf(stderr, "vfcb_bench: PF_INVALIDATE: %s\n", strerror(errno));
			return 1;
		}
		if (poll(&pf, 1, 5000) != 1 || read(p[0], &t1, sizeof(t1)) != sizeof(t1) ||
		    !t1) {
			lost++;
			break;		/* the reader is stuck or gone */
		}
		ns[got++] = t1 - t0;
	}
	snap(o, &c1);
	printf("BENCH inval op=invalidate n=%u lost=%u", got, lost);
	if (got) {
		print_lat(ns, got);
		print_deltas(&c0, &c1, got);
	}
	printf("\n");
	fflush(stdout);
	/* The reader stays blocked in read(); exit ends it. */
	return lost ? 1 : 0;
}

/* all VFs at once */

struct mt_arg {
	const struct opts *o;
	const char *dev;
	pthread_barrier_t *bar;
	uint64_t t0, t1, *ns, *end;
	unsigned int errs;
};

static void *mt_thread(void *arg)
{
	struct mt_arg *a = arg;
	struct vfop v;
	uint64_t t;
	unsigned int i;

	vfop_init(&v, op_of(a->o->op), open_dev(a->dev, 0), a->o->block, a->o->len);
	for (i = 0; i < a->o->warmup; i++)
		vfop_do(&v);
	pthread_barrier_wait(a->bar);
	a->t0 = now_ns();
	for (i = 0; i < a->o->n; i++) {
		t = now_ns();
		a->errs += vfop_do(&v) != 0;
		a->end[i] = now_ns();
		a->ns[i] = a->end[i] - t;
	}
	a->t1 = now_ns();
	close(v.fd);
	return NULL;
}

/*
 * The spread is taken over the window in which all threads were busy (from
 * the last start to the first finish), so a VF that finishes early does not
 * leave the others a machine to themselves and flatter them.
 */
static int mode_mt(struct opts *o)
{
	struct mt_arg a[MAX_DEVS];
	pthread_t th[MAX_DEVS];
	pthread_barrier_t bar;
	uint64_t first = UINT64_MAX, last = 0, wstart = 0, wend = UINT64_MAX, *all, *ends;
	double fast = 0, slow = 1e300, r, win, inwin = 0;
	unsigned int i, j, c, errs = 0;
	size_t tot = (size_t)o->n * o->ndev;

	if (!o->ndev)
		usage();
	all = calloc(tot, sizeof(*all));
	ends = calloc(tot, sizeof(*ends));
	if (!all || !ends)
		return 2;
	pthread_barrier_init(&bar, NULL, o->ndev);
	for (i = 0; i < o->ndev; i++) {
		a[i] = (struct mt_arg){ .o = o, .dev = o->dev[i], .bar = &bar,
					.ns = all + (size_t)i * o->n,
					.end = ends + (size_t)i * o->n };
		if (pthread_create(&th[i], NULL, mt_thread, &a[i]))
			return 2;
	}
	for (i = 0; i < o->ndev; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < o->ndev; i++) {
		first = a[i].t0 < first ? a[i].t0 : first;
		last = a[i].t1 > last ? a[i].t1 : last;
		wstart = a[i].t0 > wstart ? a[i].t0 : wstart;
		wend = a[i].t1 < wend ? a[i].t1 : wend;
	}
	win = wend > wstart ? (wend - wstart) / 1e9 : 0;
	for (i = 0; i < o->ndev; i++) {
		for (j = 0, c = 0; j < o->n; j++)
			c += a[i].end[j] > wstart && a[i].end[j] <= wend;
		r = win > 0 ? c / win : 0;
		inwin += c;
		fast = r > fast ? r : fast;
		slow = r < slow ? r : slow;
		errs += a[i].errs;
		printf("BENCH mtvf op=%s vf=%s n=%u errors=%u", op_label(o), o->dev[i],
		       o->n, a[i].errs);
		print_lat(a[i].ns, o->n);
		printf(" ops_s=%.0f window_ops=%u window_ops_s=%.0f\n",
		       o->n / ((a[i].t1 - a[i].t0) / 1e9), c, r);
	}
	printf("BENCH mt op=%s vfs=%u n=%u errors=%u", op_label(o), o->ndev, o->n, errs);
	print_lat(all, tot);
	printf(" ops_s=%.0f window_s=%.3f window_ops_s=%.0f fastest_ops_s=%.0f slowest_ops_s=%.0f spread=%.2f\n",
	       (double)tot / ((last - first) / 1e9), win, win > 0 ? inwin / win : 0,
	       fast, slow, slow > 0 ? fast / slow : 0);
	free(all);
	free(ends);
	return errs ? 1 : 0;
}

/* the igbvf baseline */

static int mode_setmac(struct opts *o)
{
	static const unsigned char mac[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0xbe, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0xbe, 0x02 },
	};
	struct ifreq ifr;
	uint64_t *ns, t, t0, t1;
	unsigned int i, errs = 0, total = o->warmup + o->n;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || !o->ifname)
		usage();
	ns = calloc(o->n, sizeof(*ns));
	if (!ns)
		return 2;
	t0 = 0;
	for (i = 0; i < total; i++) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		memcpy(ifr.ifr_hwaddr.sa_data, mac[i & 1], 6);
		if (i == o->warmup)
			t0 = now_ns();
		t = now_ns();
		if (ioctl(s, SIOCSIFHWADDR, &ifr)) {
			if (i < o->warmup) {
				fprintf(stderr, "vfcb_bench: SIOCSIFHWADDR %s: %s\n",
					o->ifname, strerror(errno));
				return 1;
			}
			errs++;
		}
		if (i >= o->warmup)
			ns[i - o->warmup] = now_ns() - t;
	}
	t1 = now_ns();
	printf("BENCH lat op=%s n=%u warmup=%u errors=%u", o->label ?: "igbvf_setmac",
	       o->n, o->warmup, errs);
	print_lat(ns, o->n);
	printf(" ops_s=%.0f\n", o->n / ((t1 - t0) / 1e9));
	free(ns);
	close(s);
	return errs ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc;

	if (argc < 2)
		usage();
	parse(&o, argc - 2, argv + 2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "lat"))
		rc = mode_lat(&o);
	else if (!strcmp(argv[1], "inval"))
		rc = mode_inval(&o);
	else if (!strcmp(argv[1], "mt"))
		rc = mode_mt(&o);
	else if (!strcmp(argv[1], "setmac"))
		rc = mode_setmac(&o);
	else
		usage();
	return rc;
}
