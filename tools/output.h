/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfcbctl output: human text by default, JSON with --json.  JSON is built
 * with a small streaming writer so every command's output is one valid
 * document (watch prints one document per line).  64-bit masks are JSON
 * strings ("0x...") because JSON numbers lose precision past 2^53.
 */
#ifndef VFCBCTL_OUTPUT_H
#define VFCBCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern bool out_json;

/* Hex dump: "OFFSET  16 bytes in hex  |ASCII|", offsets start at @base. */
void hexdump(FILE *f, uint32_t base, const uint8_t *data, size_t len);

/* Escape @s as a JSON string, with quotes. */
void json_string(FILE *f, const char *s);

/*
 * JSON writer.  @key is the member name inside an object, NULL inside an
 * array or at the top level.  Nesting up to JS_DEPTH.
 */
#define JS_DEPTH 8
void js_obj_begin(const char *key);
void js_obj_end(void);
void js_arr_begin(const char *key);
void js_arr_end(void);
void js_str(const char *key, const char *v);
void js_u64(const char *key, uint64_t v);
void js_bool(const char *key, bool v);
void js_double(const char *key, double v);
void js_hex64(const char *key, uint64_t v);		/* "0x%016llx" */
void js_bytes(const char *key, const uint8_t *d, size_t len);	/* "hex" */
void js_ids(const char *key, uint64_t mask);	/* [bit numbers set] */
void js_set_output(FILE *f);	/* default stdout; for the unit tests */

/*
 * Print "vfcbctl: WHAT: <strerror(err)>[ (HINT)]" to stderr and return
 * EXIT_FAIL, so a command can end with "return fail(...)".
 */
int fail(const char *what, int err, const char *hint_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As fail() for a failure that has no errno: "vfcbctl: WHAT: MESSAGE". */
int fail_msg(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Human text: the IDs set in @mask, "0 2 63", or "none". */
void print_ids(FILE *f, uint64_t mask);

/* Human text: one "key           value" line. */
void kv(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Round-trip statistics of "ping", in microseconds. */
struct rtt_stats {
	size_t n;
	double min, p50, p99, max, mean;
};

/*
 * Sorts @ns (n round trips in nanoseconds) and fills @s; percentiles are
 * nearest-rank, so p99 of 100 samples is the 99th smallest.
 */
void rtt_stats(uint64_t *ns, size_t n, struct rtt_stats *s);

#endif /* VFCBCTL_OUTPUT_H */
