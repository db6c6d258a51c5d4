// SPDX-License-Identifier: GPL-2.0
/*
 * igbt_net: the few iproute2 operations the igb-form integration tests need
 * and busybox's ip lacks, for the rig's guests (static, no libc there):
 *
 *   igbt_net vf-mac IFACE VF MAC     ip link set IFACE vf VF mac MAC
 *   igbt_net vf-vlan IFACE VF VLAN   ip link set IFACE vf VF vlan VLAN
 *   igbt_net vf-show IFACE           "vf N mac M vlan V" per VF, as the PF
 *                                    reports them (ip link show IFACE)
 *   igbt_net join IFACE GROUP        join IPv4 multicast GROUP on IFACE,
 *                                    print "joined", stay until killed
 *   igbt_net flap IFACE SECONDS      take IFACE's link down and up again
 *                                    through its PHY, for SECONDS; print
 *                                    "flaps N tries T" (N: carrier went 0
 *                                    and back to 1)
 *   igbt_net mii-writable IFACE      can flap work: write BMCR back as read
 *                                    (changes nothing); exit 0 if the
 *                                    driver takes PHY writes, 3 if it
 *                                    refuses them (6.1's igb: EOPNOTSUPP)
 *
 * flap is for igb's link-change mailbox ping (igb_ping_all_vfs()), which
 * igb sends when its watchdog sees the link change, without resetting
 * anything.  Restarting autonegotiation (BMCR.ANRESTART through
 * SIOCSMIIREG) takes QEMU's link down for 500 ms, but QEMU raises the link
 * interrupt only when it comes back, and igb looks at the PHY only after
 * an interrupt: so the restart is repeated the moment BMSR shows the link
 * back, before igb's watchdog reads the PHY, and igb sees it down.
 *
 * Exit status 0 on success, 1 when the kernel refused (its error on
 * stderr), 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/mii.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define BUFSZ 65536

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[1024];
};

static void die(const char *what)
{
	fprintf(stderr, "igbt_net: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct rtattr *add_attr(struct nlmsghdr *nh, unsigned short type,
			       const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void end_nest(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

static int ifindex(const char *name)
{
	int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "igbt_net: no interface %s\n", name);
		exit(1);
	}
	return i;
}

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		die("netlink socket");
	return fd;
}

/* Send one request and wait for its ack (or error). */
static int nl_do(struct nlmsghdr *nh)
{
	static char buf[BUFSZ];
	int fd = nl_open();
	ssize_t n;

	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = 1;
	if (send(fd, nh, nh->nlmsg_len, 0) < 0)
		die("netlink send");
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("netlink recv");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				close(fd);
				if (e->error) {
					errno = -e->error;
					fprintf(stderr, "igbt_net: kernel: %s\n", strerror(errno));
					return 1;
				}
				return 0;
			}
		}
	}
}

static void setlink_init(struct req *r, const char *iface)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->nh.nlmsg_type = RTM_SETLINK;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = ifindex(iface);
}

static int vf_set(const char *iface, unsigned short type, const void *data, size_t len)
{
	struct req r;
	struct rtattr *list, *info;

	setlink_init(&r, iface);
	list = add_attr(&r.nh, IFLA_VFINFO_LIST | NLA_F_NESTED, NULL, 0);
	info = add_attr(&r.nh, IFLA_VF_INFO | NLA_F_NESTED, NULL, 0);
	add_attr(&r.nh, type, data, len);
	end_nest(&r.nh, info);
	end_nest(&r.nh, list);
	return nl_do(&r.nh);
}

static int cmd_vf_mac(char **argv)
{
	struct ifla_vf_mac m = { .vf = strtoul(argv[1], NULL, 0) };
	unsigned int b[6], i;

	if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
		fprintf(stderr, "igbt_net: bad MAC %s\n", argv[2]);
		return 2;
	}
	for (i = 0; i < 6; i++)
		m.mac[i] = b[i];
	return vf_set(argv[0], IFLA_VF_MAC, &m, sizeof(m));
}

static int cmd_vf_vlan(char **argv)
{
	struct ifla_vf_vlan v = {
		.vf = strtoul(argv[1], NULL, 0),
		.vlan = strtoul(argv[2], NULL, 0),
	};

	return vf_set(argv[0], IFLA_VF_VLAN, &v, sizeof(v));
}

static int cmd_vf_show(char **argv)
{
	static char buf[BUFSZ];
	struct req r;
	uint32_t mask = RTEXT_FILTER_VF;
	int fd = nl_open(), found = 0;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_GETLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.nh.nlmsg_seq = 1;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex(argv[0]);
	add_attr(&r.nh, IFLA_EXT_MASK, &mask, sizeof(mask));
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		die("netlink send");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		die("netlink recv");
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct ifinfomsg *ifi = NLMSG_DATA(h);
		int len = IFLA_PAYLOAD(h);

		if (h->nlmsg_type == NLMSG_ERROR) {
			errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			die("RTM_GETLINK");
		}
		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			int l1 = RTA_PAYLOAD(a);

			if ((a->rta_type & NLA_TYPE_MASK) != IFLA_VFINFO_LIST)
				continue;
			for (struct rtattr *vi = RTA_DATA(a); RTA_OK(vi, l1); vi = RTA_NEXT(vi, l1)) {
				int l2 = RTA_PAYLOAD(vi);
				long vf = -1, vlan = -1;
				unsigned char mac[6] = { 0 };

				for (struct rtattr *x = RTA_DATA(vi); RTA_OK(x, l2); x = RTA_NEXT(x, l2)) {
					if (x->rta_type == IFLA_VF_MAC) {
						struct ifla_vf_mac *m = RTA_DATA(x);

						vf = m->vf;
						memcpy(mac, m->mac, 6);
					} else if (x->rta_type == IFLA_VF_VLAN) {
						vlan = ((struct ifla_vf_vlan *)RTA_DATA(x))->vlan;
					}
				}
				printf("vf %ld mac %02x:%02x:%02x:%02x:%02x:%02x vlan %ld\n", vf,
				       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], vlan);
				found++;
			}
		}
	}
	close(fd);
	return found ? 0 : 1;
}

static int cmd_join(char **argv)
{
	struct ip_mreqn mr = { .imr_ifindex = ifindex(argv[0]) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (inet_pton(AF_INET, argv[1], &mr.imr_multiaddr) != 1) {
		fprintf(stderr, "igbt_net: bad group %s\n", argv[1]);
		return 2;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		die("IP_ADD_MEMBERSHIP");
	printf("joined\n");
	fflush(stdout);
	for (;;)
		pause();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mii(int fd, struct ifreq *ifr, unsigned long req, int reg, int val)
{
	struct mii_ioctl_data *d = (struct mii_ioctl_data *)&ifr->ifr_data;

	d->reg_num = reg;
	d->val_in = val;
	if (ioctl(fd, req, ifr) < 0)
		die(req == SIOCGMIIREG ? "SIOCGMIIREG" : "SIOCSMIIREG");
	return d->val_out;
}

static int carrier(const char *iface)
{
	char path[128], c = '0';
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", iface);
	f = fopen(path, "r");
	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = '0';
		fclose(f);
	}
	return c == '1';
}

/* Wait up to @s seconds for the carrier to be @want. */
static int carrier_wait(const char *iface, int want, double s)
{
	double end = now_s() + s;

	while (carrier(iface) != want) {
		if (now_s() > end)
			return 0;
		usleep(10000);
	}
	return 1;
}

/* @ifr addresses @iface's PHY, through socket @fd. */
static void mii_open(int fd, struct ifreq *ifr, const char *iface)
{
	if (fd < 0)
		die("socket");
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGMIIPHY, ifr) < 0)
		die("SIOCGMIIPHY");
}

static int cmd_flap(char **argv)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	double end = now_s() + atof(argv[1]), t;
	unsigned int flaps = 0, tries = 0;
	struct ifreq ifr;
	int bmcr;

	mii_open(fd, &ifr, argv[0]);
	while (now_s() < end) {
		if (!carrier_wait(argv[0], 1, 10))
			break;
		tries++;
		bmcr = mii(fd, &ifr, SIOCGMIIREG, MII_BMCR, 0);
		mii(fd, &ifr, SIOCSMIIREG, MII_BMCR, bmcr | BMCR_ANRESTART);
		/* Latched low: the first read may still say down. */
		t = now_s() + 3;
		while (!(mii(fd, &ifr, SIOCGMIIREG, MII_BMSR, 0) & BMSR_LSTATUS) &&
		       now_s() < t)
			;
		mii(fd, &ifr, SIOCSMIIREG, MII_BMCR, bmcr | BMCR_ANRESTART);
		if (carrier_wait(argv[0], 0, 1) && carrier_wait(argv[0], 1, 10))
			flaps++;
		usleep(100000 + rand() % 200000);
	}
	printf("flaps %u tries %u\n", flaps, tries);
	close(fd);
	return 0;
}

static int cmd_mii_writable(char **argv)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct mii_ioctl_data *d;
	struct ifreq ifr;

	mii_open(fd, &ifr, argv[0]);
	d = (struct mii_ioctl_data *)&ifr.ifr_data;
	d->val_in = mii(fd, &ifr, SIOCGMIIREG, MII_BMCR, 0);
	d->reg_num = MII_BMCR;
	if (ioctl(fd, SIOCSMIIREG, &ifr) < 0) {
		printf("SIOCSMIIREG: %s\n", strerror(errno));
		close(fd);
		return 3;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "vf-mac"))
		return cmd_vf_mac(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "vf-vlan"))
		return cmd_vf_vlan(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "vf-show"))
		return cmd_vf_show(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "join"))
		return cmd_join(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "flap"))
		return cmd_flap(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "mii-writable"))
		return cmd_mii_writable(argv + 2);
	fprintf(stderr,
		"usage: igbt_net vf-mac IFACE VF MAC | vf-vlan IFACE VF VLAN | vf-show IFACE | join IFACE GROUP | flap IFACE SECONDS | mii-writable IFACE\n");
	return 2;
}
