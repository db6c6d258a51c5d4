/* SPDX-License-Identifier: GPL-2.0 */
/* vfcbctl commands and the helpers they share (defined in vfcbctl.c). */
#ifndef VFCBCTL_CMDS_H
#define VFCBCTL_CMDS_H

#include <stdint.h>

#include "args.h"

struct ctx;

struct cmd {
	const char *obj;	/* first word: "pf", "block", "ping", ... */
	const char *verb;	/* second word, NULL for one-word commands */
	enum dev_kind kind;	/* device the command opens */
	bool has_dev;		/* takes an optional leading DEV */
	int nargs;		/* positional arguments after DEV */
	const char *synopsis;	/* after "vfcbctl obj verb " */
	const struct opt *opts;
	const char *summary;	/* one line for the overview */
	const char *help;	/* paragraphs for "--help" */
	int (*run)(struct ctx *c);
};

struct ctx {
	const struct cmd *cmd;
	struct parsed p;
	const char *dev;	/* DEV argument, NULL to find the only one */
	char **arg;		/* the cmd->nargs arguments after DEV */
	char path[DEV_PATH_MAX];	/* resolved device node */
};

/* Value of option --@name, NULL if not given. */
const char *opt_val(const struct ctx *c, const char *name);

/* Print a usage error for the command and return EXIT_USAGE. */
int usage_err(const struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a number argument; on error print why and return EXIT_USAGE. */
int arg_u32(const struct ctx *c, const char *what, const char *s,
	    uint32_t min, uint32_t max, uint32_t *out);

/*
 * Block content from exactly one of --hex, --file, --string (at most
 * @cap bytes).  Returns EXIT_OK, EXIT_USAGE, or EXIT_FAIL (file error).
 */
int arg_data(const struct ctx *c, uint8_t *buf, size_t cap, size_t *len);

/* Resolve c->dev into c->path and open it; *fd set on EXIT_OK. */
int ctx_open(struct ctx *c, int oflags, int *fd);

/* Host side (pf_cmds.c). */
int cmd_pf_list(struct ctx *c);
int cmd_pf_show(struct ctx *c);
int cmd_vf_show(struct ctx *c);
int cmd_block_set(struct ctx *c);
int cmd_block_get(struct ctx *c);
int cmd_block_del(struct ctx *c);
int cmd_block_list(struct ctx *c);
int cmd_policy(struct ctx *c);
int cmd_invalidate(struct ctx *c);
int cmd_watch(struct ctx *c);
int cmd_cfg_read(struct ctx *c);
int cmd_cfg_write(struct ctx *c);

/* Guest side (vf_cmds.c). */
int cmd_vf_info(struct ctx *c);
int cmd_read(struct ctx *c);
int cmd_write(struct ctx *c);
int cmd_ping(struct ctx *c);
int cmd_wait(struct ctx *c);

/* "down", "ready", "gone" or "unknown(N)" into a static buffer. */
const char *state_name(uint32_t state);

#endif /* VFCBCTL_CMDS_H */
