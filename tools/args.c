// SPDX-License-Identifier: GPL-2.0
/* vfcbctl argument parsing; see args.h for the accepted forms. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* ----------------------------------------------------------- numbers --- */

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Hand-written rather than strtoull: strtoull accepts a sign ("-1" wraps
 * to 2^64-1), leading blanks and octal, all of which would turn a typo
 * into a valid but wrong VF index or mask.
 */
int parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	}
	for (; *s; s++) {
		d = hex_digit((unsigned char)*s);
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = parse_u64(s, &v);

	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int parse_mask(const char *s, uint64_t *out)
{
	uint64_t v;
	int err = parse_u64(s, &v);

	if (err)
		return err;
	if (!v)
		return -EDOM;
	*out = v;
	return 0;
}

int parse_onoff(const char *s, bool *out)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (!strcmp(s, on[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, off[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* ------------------------------------------------------------- bytes --- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * One group of digits at *sp, appended to buf.  Groups must be whole bytes
 * so "a:b" is never silently read as 0x0a 0x0b or as 0xab.
 */
static int parse_hex_group(const char **sp, uint8_t *buf, size_t cap,
			   size_t *len)
{
	const char *s = *sp;
	size_t digits = 0;
	int hi = 0, d;

	for (; (d = hex_digit((unsigned char)*s)) >= 0; s++, digits++) {
		if (!(digits & 1)) {
			hi = d;
			continue;
		}
		if (*len >= cap)
			return -EMSGSIZE;
		buf[(*len)++] = (uint8_t)(hi << 4 | d);
	}
	/* A group ends at a separator, a blank or the end, never at junk. */
	if (!digits || (*s && *s != ':' && *s != '-' && !is_blank(*s)))
		return -EINVAL;
	*sp = s;
	return (digits & 1) ? -EDOM : 0;
}

int parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *len)
{
	int err;

	*len = 0;
	while (is_blank(*s))
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		err = parse_hex_group(&s, buf, cap, len);
		if (err)
			return err;
		if (*s == ':' || *s == '-') {
			s++;
			if (!*s)	/* a trailing separator is a cut-off value */
				return -EINVAL;
			continue;
		}
		while (is_blank(*s))
			s++;
	}
	return 0;
}

/* --------------------------------------------------------------- PCI --- */

/* Up to @maxd hex digits ending at @stop; -ERANGE past @maxv. */
static int pci_field(const char **sp, char stop, int maxd, unsigned long maxv,
		     unsigned long *out)
{
	const char *s = *sp;
	unsigned long v = 0;
	int n = 0, d;

	while ((d = hex_digit((unsigned char)*s)) >= 0) {
		if (++n > maxd)
			return -ERANGE;
		v = v << 4 | d;
		s++;
	}
	if (!n || *s != stop)
		return -EINVAL;
	if (v > maxv)
		return -ERANGE;
	*out = v;
	*sp = *s ? s + 1 : s;
	return 0;
}

int parse_pci_addr(const char *s, char *out, size_t size)
{
	unsigned long dom = 0, bus, dev, fn;
	const char *colon = strchr(s, ':');
	int err;

	/* Two colons: the domain is given; one: it is 0, as lspci omits it. */
	if (colon && strchr(colon + 1, ':')) {
		err = pci_field(&s, ':', 8, 0xffffffffUL, &dom);
		if (err)
			return err;
	}
	err = pci_field(&s, ':', 2, 0xff, &bus);
	if (!err)
		err = pci_field(&s, '.', 2, 0x1f, &dev);
	if (!err)
		err = pci_field(&s, '\0', 1, 7, &fn);
	if (err)
		return err;
	if ((size_t)snprintf(out, size, "%04lx:%02lx:%02lx.%lx",
			     dom, bus, dev, fn) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* ----------------------------------------------------------- devices --- */

const char *dev_kind_name(enum dev_kind kind)
{
	return kind == DEV_PF ? "pf" : "vf";
}

const char *dev_prefix(enum dev_kind kind)
{
	return kind == DEV_PF ? "vfcb-pf-" : "vfcb-vf-";
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *dev_addr(const char *path)
{
	const char *b = base_name(path);

	if (!strncmp(b, "vfcb-pf-", 8) || !strncmp(b, "vfcb-vf-", 8))
		return b + 8;
	return b;
}

/* A node name of the other kind is refused here, before any ioctl. */
static int check_kind(enum dev_kind kind, const char *name)
{
	enum dev_kind other = kind == DEV_PF ? DEV_VF : DEV_PF;
	const char *b = base_name(name);

	return strncmp(b, dev_prefix(other), 8) ? 0 : -EXDEV;
}

int dev_path(enum dev_kind kind, const char *dir, const char *arg,
	     char *out, size_t size)
{
	char addr[32];
	int err, n;

	if (!*arg)
		return -EINVAL;
	if (strchr(arg, '/') || !strncmp(arg, "vfcb-", 5)) {
		err = check_kind(kind, arg);
		if (err)
			return err;
		n = strchr(arg, '/') ? snprintf(out, size, "%s", arg) :
				       snprintf(out, size, "%s/%s", dir, arg);
	} else {
		err = parse_pci_addr(arg, addr, sizeof(addr));
		if (err)
			return -EINVAL;
		n = snprintf(out, size, "%s/%s%s", dir, dev_prefix(kind), addr);
	}
	return (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dev_list_add(struct dev_list *list, const char *dir,
			const char *name)
{
	char **grown = realloc(list->path, (list->n + 1) * sizeof(*grown));
	size_t sz = strlen(dir) + strlen(name) + 2;

	if (!grown)
		return -ENOMEM;
	list->path = grown;
	list->path[list->n] = malloc(sz);
	if (!list->path[list->n])
		return -ENOMEM;
	snprintf(list->path[list->n++], sz, "%s/%s", dir, name);
	return 0;
}

int dev_find(enum dev_kind kind, const char *dir, struct dev_list *list)
{
	const char *prefix = dev_prefix(kind);
	struct dirent *de;
	DIR *d;
	int err = 0;

	list->n = 0;
	list->path = NULL;
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)) &&
		    de->d_name[strlen(prefix)])
			err = dev_list_add(list, dir, de->d_name);
	closedir(d);
	if (err) {
		dev_list_free(list);
		return err;
	}
	if (list->n)
		qsort(list->path, list->n, sizeof(*list->path), cmp_str);
	return 0;
}

void dev_list_free(struct dev_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->path[i]);
	free(list->path);
	list->path = NULL;
	list->n = 0;
}

int dev_resolve(enum dev_kind kind, const char *dir, const char *arg,
		char *out, size_t size, struct dev_list *cands)
{
	int err;

	cands->n = 0;
	cands->path = NULL;
	if (arg)
		return dev_path(kind, dir, arg, out, size);
	err = dev_find(kind, dir, cands);
	if (err)
		return err;
	if (cands->n != 1) {
		err = cands->n ? -EEXIST : -ENOENT;
		if (!cands->n)
			dev_list_free(cands);
		return err;
	}
	err = (size_t)snprintf(out, size, "%s", cands->path[0]) >= size ?
	      -ENAMETOOLONG : 0;
	dev_list_free(cands);
	return err;
}

/* ----------------------------------------------------------- options --- */

static int find_opt(const struct opt *opts, const char *name, size_t len)
{
	int i;

	for (i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return i;
	return -1;
}

/* One "--name[=value]" at argv[*i]; may consume argv[*i + 1]. */
static int parse_long(const struct opt *opts, int argc, char **argv, int *i,
		      struct parsed *p, char *err, size_t errsz)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int k = find_opt(opts, name, len);

	if (k < 0) {
		if (len == 4 && !strncmp(name, "json", 4) && !eq)
			return p->json = true, 0;
		if (len == 4 && !strncmp(name, "help", 4) && !eq)
			return p->help = true, 0;
		snprintf(err, errsz, "unknown option '--%.*s'", (int)len, name);
		return -1;
	}
	if (!opts[k].metavar) {
		if (eq) {
			snprintf(err, errsz, "option '--%s' takes no value",
				 opts[k].name);
			return -1;
		}
		p->val[k] = "";
		return 0;
	}
	if (eq) {
		p->val[k] = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		snprintf(err, errsz, "option '--%s' needs a value (%s)",
			 opts[k].name, opts[k].metavar);
		return -1;
	}
	p->val[k] = argv[++*i];
	return 0;
}

int args_parse(const struct opt *opts, int argc, char **argv,
	       struct parsed *p, char *err, size_t errsz)
{
	bool only_pos = false;
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (only_pos || a[0] != '-' || !a[1]) {
			if (p->npos >= ARGS_MAX_POS) {
				snprintf(err, errsz, "too many arguments");
				return -1;
			}
			p->pos[p->npos++] = argv[i];
		} else if (!strcmp(a, "--")) {
			only_pos = true;
		} else if (a[1] == '-') {
			if (parse_long(opts, argc, argv, &i, p, err, errsz))
				return -1;
		} else if (!strcmp(a, "-j")) {
			p->json = true;
		} else if (!strcmp(a, "-h")) {
			p->help = true;
		} else {
			snprintf(err, errsz, "unknown option '%s'", a);
			return -1;
		}
	}
	return 0;
}

const char *args_get(const struct opt *opts, const struct parsed *p,
		     const char *name)
{
	int k = find_opt(opts, name, strlen(name));

	return k < 0 ? NULL : p->val[k];
}
