// SPDX-License-Identifier: GPL-2.0
/*
 * vfcbctl: one command line over the vfcb PF device (host) and VF device
 * (guest).  This file holds the command table, which drives parsing,
 * dispatch and --help alike so the help cannot drift from the parser, and
 * the helpers every command shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfcb.h>

#include "cmds.h"
#include "output.h"

/* The tool ships with the modules: one version for all (include/). */
#include "../include/vfcb_version.h"

/* ------------------------------------------------------------ options --- */

/* Where block content comes from, for "block set" and "write". */
#define DATA_OPTS \
	{ "hex", "HEX", "content as hex bytes: deadbeef, de:ad:be:ef, \"de ad\"" }, \
	{ "file", "FILE", "content read from FILE (\"-\" for stdin)" }, \
	{ "string", "STR", "content is the bytes of STR, without a NUL" }

static const struct opt data_opts[] = {
	DATA_OPTS,
	{ NULL }
};

static const struct opt block_set_opts[] = {
	DATA_OPTS,
	{ "vf-writable", NULL, "let the VF write the block (default: read-only)" },
	{ NULL }
};

static const struct opt raw_opts[] = {
	{ "raw", NULL, "write the content as raw bytes to stdout" },
	{ NULL }
};

static const struct opt policy_opts[] = {
	{ "vf-create", "on|off", "whether the VF may create blocks by writing" },
	{ "max-blocks", "N", "the VF's block quota, 1..1024" },
	{ NULL }
};

static const struct opt watch_opts[] = {
	{ "count", "N", "stop after N events" },
	{ "timeout", "MS", "stop after MS milliseconds" },
	{ NULL }
};

static const struct opt read_opts[] = {
	{ "len", "N", "buffer size in bytes, 1..128 (default 128)" },
	{ "raw", NULL, "write the content as raw bytes to stdout" },
	{ NULL }
};

static const struct opt ping_opts[] = {
	{ "count", "N", "round trips to time (default 100)" },
	{ NULL }
};

static const struct opt wait_opts[] = {
	{ "timeout", "MS", "give up after MS milliseconds (default: forever)" },
	{ NULL }
};

/* ------------------------------------------------------------ commands --- */

static const struct cmd cmds[] = {
	{ "pf", "list", DEV_PF, false, 0, "", NULL,
	  "list the PF devices with their VF counts",
	  "Lists every /dev/vfcb-pf-* node: PCI address, VFs enabled and\n"
	  "the most the driver can enable, protocol versions.",
	  cmd_pf_list },
	{ "pf", "show", DEV_PF, true, 0, "[PFDEV]", NULL,
	  "show a PF device and a summary line per VF",
	  "Shows the PF's SR-IOV state and, for each enabled VF, its state,\n"
	  "wire version, serial, blocks/quota and pending invalidations.",
	  cmd_pf_show },
	{ "vf", "show", DEV_PF, true, 1, "[PFDEV] VF", NULL,
	  "host: show one VF as the PF sees it",
	  "Shows VF (an index, 0..num_vfs-1) as seen from the PF: protocol\n"
	  "state, negotiated version, serial, number of blocks and quota, its\n"
	  "policy and the invalidate mask not yet delivered to it.",
	  cmd_vf_show },
	{ "block", "set", DEV_PF, true, 2,
	  "[PFDEV] VF ID (--hex HEX | --file FILE | --string STR) [--vf-writable]",
	  block_set_opts,
	  "define a block of a VF or replace its content",
	  "Defines block ID (0..4294967295, decimal or 0x hex) of VF with\n"
	  "0..128 bytes of content, or replaces the content and flags of an\n"
	  "existing one.  Blocks the host defines never count against the\n"
	  "VF's quota (the host has its own 1024).  The VF is not told:\n"
	  "follow with 'vfcbctl invalidate' for IDs 0..63.",
	  cmd_block_set },
	{ "block", "get", DEV_PF, true, 2, "[PFDEV] VF ID [--raw]", raw_opts,
	  "show a block of a VF",
	  "Shows block ID of VF: length, flags and a hex dump of the content.",
	  cmd_block_get },
	{ "block", "del", DEV_PF, true, 2, "[PFDEV] VF ID", NULL,
	  "delete a block of a VF",
	  "Deletes block ID of VF.  Deleting a block the VF created frees a\n"
	  "place in its quota.",
	  cmd_block_del },
	{ "block", "list", DEV_PF, true, 1, "[PFDEV] VF", NULL,
	  "list a VF's blocks with length and flags",
	  "Lists the IDs of VF's blocks in ascending order, each with its\n"
	  "length and flags.",
	  cmd_block_list },
	{ "policy", NULL, DEV_PF, true, 1,
	  "[PFDEV] VF [--vf-create on|off] [--max-blocks N]", policy_opts,
	  "show or change what a VF may do",
	  "Without options, shows VF's policy.  With options, changes the\n"
	  "given settings and keeps the others.  The quota cannot go below\n"
	  "the number of blocks the VF created itself (EBUSY); blocks the\n"
	  "host defined do not count.",
	  cmd_policy },
	{ "invalidate", NULL, DEV_PF, true, 2, "[PFDEV] (VF|all) MASK", NULL,
	  "tell a VF (or all) that blocks changed",
	  "ORs MASK (64-bit, decimal or 0x hex, not 0; bit n = block ID n)\n"
	  "into the pending invalidations of VF, or of every VF with 'all'.\n"
	  "Returns at once; the VF gets the mask when it can take it, and\n"
	  "repeated invalidations coalesce.",
	  cmd_invalidate },
	{ "watch", NULL, DEV_PF, true, 0, "[PFDEV] [--count N] [--timeout MS]",
	  watch_opts,
	  "print VF writes, handshakes and resets as they happen",
	  "Prints one line per event the VFs cause from the moment it starts\n"
	  "(events before that are not seen): a VF wrote a block, completed\n"
	  "its handshake, or was reset; and how many events were dropped if\n"
	  "it fell behind.  With --json, one JSON object per line.  Exits 0\n"
	  "after --count events or when --timeout ends without --count; exits\n"
	  "1 if --timeout ends before --count events came.",
	  cmd_watch },
	{ "cfg", "read", DEV_PF, true, 3, "[PFDEV] VF OFFSET LEN", NULL,
	  "read a VF's PCI configuration space",
	  "Reads LEN bytes (1..4096) at OFFSET (0..4095) of VF's PCI\n"
	  "configuration space and hex-dumps them at their config offsets.\n"
	  "Reads are never refused; a range past the VF's configuration\n"
	  "space (256 bytes, or 4096 with PCIe) fails with EINVAL.",
	  cmd_cfg_read },
	{ "cfg", "write", DEV_PF, true, 3, "[PFDEV] VF OFFSET HEX", NULL,
	  "write a VF's PCI configuration space",
	  "Writes the bytes HEX (as for --hex) at OFFSET of VF's PCI\n"
	  "configuration space, all or nothing.  Ranges the PCI core and\n"
	  "the VF's driver own (identity, BARs, the PM, MSI, MSI-X, PCIe,\n"
	  "SR-IOV, ARI, ATS and AER capabilities, the command register's\n"
	  "decode, bus-master and INTx bits) are refused with EPERM, as is\n"
	  "a caller without CAP_SYS_ADMIN or a kernel in lockdown.",
	  cmd_cfg_write },
	{ "vf", "info", DEV_VF, true, 0, "[VFDEV]", NULL,
	  "guest: show this VF's identity from its handshake",
	  "Shows what the PF told this VF in the handshake: state, VF index,\n"
	  "serial, wire version and maximum block size.",
	  cmd_vf_info },
	{ "read", NULL, DEV_VF, true, 1, "[VFDEV] ID [--len N] [--raw]", read_opts,
	  "guest: read a block from the PF",
	  "Reads block ID from the PF through the mailbox and hex-dumps it.\n"
	  "If the block is longer than --len, fails with ERANGE and says how\n"
	  "big it is.",
	  cmd_read },
	{ "write", NULL, DEV_VF, true, 1,
	  "[VFDEV] ID (--hex HEX | --file FILE | --string STR)", data_opts,
	  "guest: write a block to the PF",
	  "Writes 0..128 bytes to block ID.  The PF allows it if the block is\n"
	  "VF-writable, or if it does not exist and the policy lets the VF\n"
	  "create blocks.",
	  cmd_write },
	{ "ping", NULL, DEV_VF, true, 0, "[VFDEV] [--count N]", ping_opts,
	  "guest: time no-op round trips to the PF",
	  "Sends --count no-op requests one after the other and prints the\n"
	  "round-trip time (CLOCK_MONOTONIC) in microseconds: min, p50, p99,\n"
	  "max, mean, and operations per second.  Stops at the first error.",
	  cmd_ping },
	{ "wait", NULL, DEV_VF, true, 0, "[VFDEV] [--timeout MS]", wait_opts,
	  "guest: wait for an invalidation, print the mask",
	  "Blocks until the PF has invalidated blocks since this command\n"
	  "opened the device, then prints the mask and the IDs in it.  Bits\n"
	  "nobody collected before (no other reader, no in-kernel listener)\n"
	  "come at once: the first wait after the driver bound gets all ones,\n"
	  "its handshake's \"re-read everything\".  Exits 1 if --timeout ends\n"
	  "first.",
	  cmd_wait },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* --------------------------------------------------------------- help --- */

static void cmd_name(FILE *f, const struct cmd *cmd)
{
	fprintf(f, "%s%s%s", cmd->obj, cmd->verb ? " " : "",
		cmd->verb ? cmd->verb : "");
}

static void print_synopsis(FILE *f, const struct cmd *cmd)
{
	fputs("vfcbctl [--json] ", f);
	cmd_name(f, cmd);
	fprintf(f, "%s%s\n", *cmd->synopsis ? " " : "", cmd->synopsis);
}

static void overview(FILE *f)
{
	size_t i;

	fputs("usage: vfcbctl [--json] OBJECT [COMMAND] [ARGS...]\n"
	      "       vfcbctl help [OBJECT [COMMAND]] | --version\n\n"
	      "Host side (PF device /dev/vfcb-pf-*):\n", f);
	for (i = 0; i < NCMDS; i++) {
		/* The table lists the host commands first. */
		if (cmds[i].kind == DEV_VF && (!i || cmds[i - 1].kind == DEV_PF))
			fputs("Guest side (VF device /dev/vfcb-vf-*):\n", f);
		fputs("  ", f);
		print_synopsis(f, &cmds[i]);
		fprintf(f, "      %s\n", cmds[i].summary);
	}
	fputs("\nPFDEV/VFDEV: a PCI address (0000:01:00.0 or 01:00.0), a\n"
	      "vfcb-pf-*/vfcb-vf-* name or a /dev path; optional when exactly one\n"
	      "device of that kind exists.  VF is a VF index.  Numbers are decimal\n"
	      "or 0x hex.  --json anywhere gives JSON output.  Exit codes: 0 ok,\n"
	      "1 the operation failed, 2 usage error.\n"
	      "'vfcbctl OBJECT [COMMAND] --help' describes one command.\n", f);
}

static void print_opt(FILE *f, const char *name, const char *metavar,
		      const char *help)
{
	char left[48];

	snprintf(left, sizeof(left), "%s%s%s", name, metavar ? " " : "",
		 metavar ? metavar : "");
	fprintf(f, "  %-22s %s\n", left, help);
}

static void cmd_help(FILE *f, const struct cmd *cmd)
{
	const struct opt *o;
	char name[40];

	fputs("usage: ", f);
	print_synopsis(f, cmd);
	fprintf(f, "\n%s\n", cmd->help);
	if (cmd->has_dev)
		fprintf(f, "\n%s: the %s device: a PCI address (0000:01:00.0 or\n"
			"01:00.0), a vfcb-%s-* name or a path.  Optional when exactly\n"
			"one exists.\n",
			cmd->kind == DEV_PF ? "PFDEV" : "VFDEV",
			cmd->kind == DEV_PF ? "PF (host)" : "VF (guest)",
			dev_kind_name(cmd->kind));
	fputs("\nOptions:\n", f);
	for (o = cmd->opts; o && o->name; o++) {
		snprintf(name, sizeof(name), "--%s", o->name);
		print_opt(f, name, o->metavar, o->help);
	}
	print_opt(f, "--json, -j", NULL, "JSON output");
	print_opt(f, "--help, -h", NULL, "this help");
}

/* "vfcbctl block --help": the commands of one object. */
static void obj_help(FILE *f, const char *obj)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].obj, obj))
			continue;
		fputs("  ", f);
		print_synopsis(f, &cmds[i]);
		fprintf(f, "      %s\n", cmds[i].summary);
	}
	fprintf(f, "'vfcbctl %s COMMAND --help' describes one command.\n", obj);
}

static bool obj_known(const char *obj)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].obj, obj))
			return true;
	return false;
}

/* The command named by argv[0] (and argv[1] if the object has verbs). */
static const struct cmd *cmd_find(int argc, char **argv, int *words)
{
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].obj, argv[0]))
			continue;
		if (!cmds[i].verb) {
			*words = 1;
			return &cmds[i];
		}
		if (argc > 1 && !strcmp(cmds[i].verb, argv[1])) {
			*words = 2;
			return &cmds[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------ shared helpers --- */

const char *opt_val(const struct ctx *c, const char *name)
{
	return args_get(c->cmd->opts, &c->p, name);
}

int usage_err(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vfcbctl: ", stderr);
	cmd_name(stderr, c->cmd);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: ", stderr);
	print_synopsis(stderr, c->cmd);
	fputs("Try 'vfcbctl ", stderr);
	cmd_name(stderr, c->cmd);
	fputs(" --help'.\n", stderr);
	return EXIT_USAGE;
}

int arg_u32(const struct ctx *c, const char *what, const char *s,
	    uint32_t min, uint32_t max, uint32_t *out)
{
	int err = parse_u32(s, min, max, out);

	if (err == -ERANGE)
		return usage_err(c, "%s '%s' is out of range %u..%u", what, s,
				 min, max);
	if (err)
		return usage_err(c, "%s '%s' is not a number (decimal or 0x hex)",
				 what, s);
	return EXIT_OK;
}

/* Read all of FILE, failing if it holds more than @cap bytes. */
static int read_file(const struct ctx *c, const char *name, uint8_t *buf,
		     size_t cap, size_t *len)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	uint8_t extra;
	int rc = EXIT_OK;

	if (!f)
		return fail(name, errno, NULL);
	errno = 0;
	*len = fread(buf, 1, cap, f);
	if (ferror(f))
		rc = fail(name, errno ? errno : EIO, NULL);
	else if (*len == cap && fread(&extra, 1, 1, f) == 1)
		rc = usage_err(c, "%s is longer than %zu bytes", name, cap);
	if (f != stdin)
		fclose(f);
	return rc;
}

int arg_data(const struct ctx *c, uint8_t *buf, size_t cap, size_t *len)
{
	const char *hex = opt_val(c, "hex"), *file = opt_val(c, "file");
	const char *str = opt_val(c, "string");
	int err;

	if (!!hex + !!file + !!str != 1)
		return usage_err(c, "give the content with exactly one of --hex, --file, --string");
	if (file)
		return read_file(c, file, buf, cap, len);
	if (str) {
		*len = strlen(str);
		if (*len > cap)
			return usage_err(c, "--string is %zu bytes, at most %zu fit",
					 *len, cap);
		memcpy(buf, str, *len);
		return EXIT_OK;
	}
	err = parse_hex(hex, buf, cap, len);
	if (err == -EMSGSIZE)
		return usage_err(c, "--hex is longer than %zu bytes", cap);
	if (err == -EDOM)
		return usage_err(c, "--hex '%s' has an odd number of digits in a byte group", hex);
	if (err)
		return usage_err(c, "--hex '%s' is not hex bytes (e.g. deadbeef or de:ad:be:ef)", hex);
	return EXIT_OK;
}

static void print_candidates(const struct dev_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(stderr, "  %s\n", dev_addr(l->path[i]));
}

static int resolve(struct ctx *c)
{
	const char *dir = getenv("VFCB_DEV_DIR");
	const char *kind = c->cmd->kind == DEV_PF ? "PF" : "VF";
	struct dev_list cands;
	int err;

	err = dev_resolve(c->cmd->kind, dir ? dir : DEV_DIR_DEFAULT, c->dev,
			  c->path, sizeof(c->path), &cands);
	switch (err) {
	case 0:
		return EXIT_OK;
	case -EEXIST:
		fflush(stdout);
		fprintf(stderr, "vfcbctl: several %s devices exist; name one of:\n",
			kind);
		print_candidates(&cands);
		dev_list_free(&cands);
		return EXIT_USAGE;
	case -ENOENT:
		return fail_msg(c->cmd->obj, "no %s device (%s/vfcb-%s-*): is %s?",
				kind, dir ? dir : DEV_DIR_DEFAULT,
				dev_kind_name(c->cmd->kind),
				c->cmd->kind == DEV_PF ?
				"vfcb_pf loaded and SR-IOV enabled" :
				"vfcb_vf loaded");
	case -EXDEV:
		return usage_err(c, "'%s' is a %s device; this command needs a %s device",
				 c->dev, c->cmd->kind == DEV_PF ? "VF" : "PF", kind);
	case -EINVAL:
		return usage_err(c, "'%s' is neither a PCI address nor a device path",
				 c->dev);
	default:
		return fail(c->dev ? c->dev : "/dev", -err, NULL);
	}
}

/* Whether PCI address @dev names a device of the other kind. */
static bool other_kind_exists(const struct ctx *c)
{
	const char *dir = getenv("VFCB_DEV_DIR");
	char path[DEV_PATH_MAX];

	return c->dev && !strchr(c->dev, '/') && strncmp(c->dev, "vfcb-", 5) &&
	       !dev_path(c->cmd->kind == DEV_PF ? DEV_VF : DEV_PF,
			 dir ? dir : DEV_DIR_DEFAULT, c->dev, path, sizeof(path)) &&
	       !access(path, F_OK);
}

int ctx_open(struct ctx *c, int oflags, int *fd)
{
	int rc = resolve(c);

	if (rc)
		return rc;
	*fd = open(c->path, oflags | O_CLOEXEC);
	if (*fd >= 0)
		return EXIT_OK;
	if (errno == ENOENT && other_kind_exists(c))
		return usage_err(c, "%s is a %s device; this command needs a %s device",
				 c->dev, c->cmd->kind == DEV_PF ? "VF" : "PF",
				 c->cmd->kind == DEV_PF ? "PF" : "VF");
	if (errno == ENOENT)
		return fail(c->path, errno, "no such device: is %s loaded?",
			    c->cmd->kind == DEV_PF ? "vfcb_pf" : "vfcb_vf");
	if (errno == EACCES || errno == EPERM)
		return fail(c->path, errno, "run as root or see the udev rule");
	return fail(c->path, errno, NULL);
}

const char *state_name(uint32_t state)
{
	static char buf[24];

	switch (state) {
	case VFCB_VF_STATE_DOWN:
		return "down";
	case VFCB_VF_STATE_READY:
		return "ready";
	case VFCB_VF_STATE_GONE:
		return "gone";
	case VFCB_VF_STATE_NO_VFCB:
		return "no-vfcb";
	}
	snprintf(buf, sizeof(buf), "unknown(%u)", state);
	return buf;
}

/* --------------------------------------------------------------- main --- */

/* Run one command on its own arguments (after its name words). */
static int run(const struct cmd *cmd, int argc, char **argv, bool json)
{
	struct ctx c = { .cmd = cmd };
	char err[160];
	int want = cmd->nargs;

	if (args_parse(cmd->opts, argc, argv, &c.p, err, sizeof(err)))
		return usage_err(&c, "%s", err);
	if (c.p.help) {
		cmd_help(stdout, cmd);
		return EXIT_OK;
	}
	if (c.p.npos != want && !(cmd->has_dev && c.p.npos == want + 1))
		return usage_err(&c, c.p.npos < want ? "missing arguments" :
				 "too many arguments");
	/* DEV is the optional first positional: present iff one extra. */
	if (c.p.npos > want)
		c.dev = c.p.pos[0];
	c.arg = c.p.pos + (c.p.npos - want);
	out_json = json || c.p.json;
	return cmd->run(&c);
}

static int help_cmd(int argc, char **argv)
{
	const struct cmd *cmd;
	int words;

	if (!argc) {
		overview(stdout);
		return EXIT_OK;
	}
	cmd = cmd_find(argc, argv, &words);
	if (cmd && words == argc) {
		cmd_help(stdout, cmd);
		return EXIT_OK;
	}
	if (argc == 1 && obj_known(argv[0])) {
		obj_help(stdout, argv[0]);
		return EXIT_OK;
	}
	fprintf(stderr, "vfcbctl: help: no command '%s%s%s'\n", argv[0],
		argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
	return EXIT_USAGE;
}

/* An object without a (known) verb: --help lists its verbs. */
static int obj_only(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		obj_help(stdout, argv[0]);
		return EXIT_OK;
	}
	if (argc > 1)
		fprintf(stderr, "vfcbctl: %s: unknown command '%s'\n", argv[0], argv[1]);
	else
		fprintf(stderr, "vfcbctl: %s: missing command\n", argv[0]);
	obj_help(stderr, argv[0]);
	return EXIT_USAGE;
}

static bool is_json_opt(const char *arg)
{
	return !strcmp(arg, "--json") || !strcmp(arg, "-j");
}

/*
 * Output that did not reach stdout (a full disk, a closed pipe) is a
 * failure even if the command worked: "vfcbctl block get --raw > f" must
 * not report success for a truncated f.
 */
static int flush_stdout(int rc)
{
	int err;

	errno = 0;
	if (!fflush(stdout) && !ferror(stdout))
		return rc;
	err = errno ? errno : EIO;
	fprintf(stderr, "vfcbctl: standard output: %s\n", strerror(err));
	return EXIT_FAIL;
}

static int vfcbctl(int argc, char **argv)
{
	const struct cmd *cmd;
	bool json = false;
	int i, words;

	/* Options before the object apply to every command. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_json_opt(argv[i])) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			overview(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vfcbctl %s (ioctl ABI %u, wire protocol versions 0x%x)\n",
			       VFCB_VERSION, VFCB_API_VERSION, VFCB_PROTO_VERSIONS);
			return EXIT_OK;
		} else {
			fprintf(stderr, "vfcbctl: unknown option '%s'\n", argv[i]);
			overview(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= i;
	argv += i;
	if (!argc) {
		overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help"))
		return help_cmd(argc - 1, argv + 1);
	/* --json may also come between an object and its command. */
	while (argc > 2 && obj_known(argv[0]) && is_json_opt(argv[1])) {
		json = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	cmd = cmd_find(argc, argv, &words);
	if (cmd)
		return run(cmd, argc - words, argv + words, json);
	if (obj_known(argv[0]))
		return obj_only(argc, argv);
	fprintf(stderr, "vfcbctl: unknown object '%s'; try 'vfcbctl --help'\n",
		argv[0]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	return flush_stdout(vfcbctl(argc, argv));
}
