/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcbctl argument parsing: numbers, masks, hex bytes, options and device
 * names.  Everything here is pure (no ioctls) so tools/test_args.c can test
 * it; the parse_* functions return 0 or a negative errno that says why.
 */
#ifndef VFCBCTL_ARGS_H
#define VFCBCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of every command. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* the command line was wrong */

/*
 * Unsigned integers: decimal, or hex with a 0x prefix.  No sign, no
 * leading or trailing blanks, no octal (a leading 0 is decimal).
 * -EINVAL: not a number; -ERANGE: overflow or outside [min, max].
 */
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* A 64-bit invalidate mask: as parse_u64, and -EDOM for 0 (a no-op). */
int parse_mask(const char *s, uint64_t *out);

/* "on"/"off" (also yes/no, true/false, 1/0).  -EINVAL otherwise. */
int parse_onoff(const char *s, bool *out);

/*
 * Hex bytes: "deadbeef", "0xdeadbeef", "de:ad:be:ef", "de ad be ef",
 * "dead-beef"; groups are split by ':' or '-' or runs of blanks, and each
 * group must have an even number of digits.  "" is zero bytes.
 * -EINVAL: bad character or misplaced separator; -EDOM: a group with an
 * odd number of digits; -EMSGSIZE: more than @cap bytes.
 */
int parse_hex(const char *s, uint8_t *buf, size_t cap, size_t *len);

/*
 * PCI address [DOMAIN:]BUS:DEV.FN (hex, as lspci prints it), written to
 * @out in the kernel's canonical form "dddd:bb:dd.f".  -EINVAL if @s is
 * not one, -ERANGE if a field is too big.
 */
int parse_pci_addr(const char *s, char *out, size_t size);

/* ----------------------------------------------------------- devices --- */

enum dev_kind { DEV_PF, DEV_VF };

#define DEV_DIR_DEFAULT	"/dev"
#define DEV_PATH_MAX	256

/* "pf" or "vf"; and the node name prefix "vfcb-pf-" / "vfcb-vf-". */
const char *dev_kind_name(enum dev_kind kind);
const char *dev_prefix(enum dev_kind kind);

/*
 * Turn a DEV argument into the node path: a PCI address becomes
 * DIR/vfcb-<kind>-<addr>, a bare "vfcb-..." name DIR/<name>, and anything
 * with a '/' is taken as a path.  -EXDEV if the name is a vfcb node of the
 * other kind (a VF device given to a PF command or the reverse), -EINVAL
 * if it is neither a path nor a PCI address, -ENAMETOOLONG.
 */
int dev_path(enum dev_kind kind, const char *dir, const char *arg,
	     char *out, size_t size);

/* The PCI address part of a node path ("/dev/vfcb-pf-X" -> "X"). */
const char *dev_addr(const char *path);

/* The nodes of one kind in @dir, sorted by name. */
struct dev_list {
	size_t n;
	char **path;
};

int dev_find(enum dev_kind kind, const char *dir, struct dev_list *list);
void dev_list_free(struct dev_list *list);

/*
 * The device a command works on: @arg if given, else the only node of
 * @kind in @dir.  -ENOENT: none exists; -EEXIST: several do (@cands then
 * holds them for the error message; free it).  Otherwise as dev_path.
 */
int dev_resolve(enum dev_kind kind, const char *dir, const char *arg,
		char *out, size_t size, struct dev_list *cands);

/* ----------------------------------------------------------- options --- */

/* One --long option of a command; the same table drives --help. */
struct opt {
	const char *name;	/* without the leading "--" */
	const char *metavar;	/* NULL for a flag without a value */
	const char *help;
};

#define ARGS_MAX_OPTS	8
#define ARGS_MAX_POS	8

struct parsed {
	const char *val[ARGS_MAX_OPTS];	/* NULL: absent; "" for a set flag */
	char *pos[ARGS_MAX_POS];
	int npos;
	bool json;			/* --json / -j */
	bool help;			/* --help / -h */
};

/*
 * Parse argv[0..argc) against @opts (terminated by a NULL name): options
 * may come anywhere, as "--name VALUE" or "--name=VALUE"; "--" ends them.
 * --json/-j and --help/-h are known to every command.  Returns 0, or -1
 * with a message in @err.
 */
int args_parse(const struct opt *opts, int argc, char **argv,
	       struct parsed *p, char *err, size_t errsz);

/* The value of option @name after args_parse, NULL if not given. */
const char *args_get(const struct opt *opts, const struct parsed *p,
		     const char *name);

#endif /* VFCBCTL_ARGS_H */
