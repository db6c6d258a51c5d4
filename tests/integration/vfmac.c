// SPDX-License-Identifier: GPL-2.0
/*
 * vfmac PFIF VF MAC: set VF number VF's MAC address through the PF's
 * netdev PFIF, as "ip link set PFIF vf VF mac MAC" does (the guests'
 * busybox ip cannot).  One RTM_SETLINK with IFLA_VFINFO_LIST.
 * Build: gcc -static -O2 -Wall tests/integration/vfmac.c -o build/itest/vfmac
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[256];
};

static struct rtattr *put(struct nlmsghdr *nh, unsigned short type,
			  const void *data, unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

int main(int argc, char **argv)
{
	struct ifla_vf_mac vm = { 0 };
	struct rtattr *list, *info;
	struct req r = { 0 };
	unsigned int b[6];
	char buf[1024];
	int fd, i, n;

	if (argc != 4 || sscanf(argv[3], "%x:%x:%x:%x:%x:%x", &b[0], &b[1],
				&b[2], &b[3], &b[4], &b[5]) != 6) {
		fprintf(stderr, "usage: vfmac PFIF VF MAC\n");
		return 2;
	}
	vm.vf = atoi(argv[2]);
	for (i = 0; i < 6; i++)
		vm.mac[i] = b[i];
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.nh.nlmsg_type = RTM_SETLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = if_nametoindex(argv[1]);
	if (!r.ifi.ifi_index) {
		perror(argv[1]);
		return 1;
	}
	list = put(&r.nh, IFLA_VFINFO_LIST, NULL, 0);
	info = put(&r.nh, IFLA_VF_INFO, NULL, 0);
	put(&r.nh, IFLA_VF_MAC, &vm, sizeof(vm));
	end(&r.nh, info);
	end(&r.nh, list);

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || send(fd, &r, r.nh.nlmsg_len, 0) < 0) {
		perror("netlink");
		return 1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (int)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)buf);

		if (e->error) {
			fprintf(stderr, "vfmac: %s\n", strerror(-e->error));
			return 1;
		}
		return 0;
	}
	perror("netlink reply");
	return 1;
}
