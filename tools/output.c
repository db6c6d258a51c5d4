// SPDX-License-Identifier: GPL-2.0
/* vfcbctl output: hex dumps, a streaming JSON writer, error messages. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"

bool out_json;

void hexdump(FILE *f, uint32_t base, const uint8_t *data, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		fprintf(f, "%04zx  ", base + i);
		for (j = i; j < i + 16; j++) {
			if (j < len)
				fprintf(f, "%02x ", data[j]);
			else
				fputs("   ", f);
			if (j == i + 7)
				fputc(' ', f);
		}
		fputs(" |", f);
		for (j = i; j < i + 16 && j < len; j++)
			fputc(data[j] >= 0x20 && data[j] < 0x7f ? data[j] : '.', f);
		fputs("|\n", f);
	}
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ------------------------------------------------------- JSON writer --- */

static FILE *js_out;
static int js_depth;
static bool js_first[JS_DEPTH];

void js_set_output(FILE *f)
{
	js_out = f;
}

static FILE *jf(void)
{
	return js_out ? js_out : stdout;
}

/* Comma and member name before each value. */
static void js_key(const char *key)
{
	if (js_depth > 0) {
		if (!js_first[js_depth - 1])
			fputc(',', jf());
		js_first[js_depth - 1] = false;
	}
	if (key) {
		json_string(jf(), key);
		fputc(':', jf());
	}
}

static void js_open(const char *key, char c)
{
	js_key(key);
	fputc(c, jf());
	if (js_depth < JS_DEPTH)
		js_first[js_depth] = true;
	js_depth++;
}

/* The top-level value ends with a newline: one document per line. */
static void js_close(char c)
{
	fputc(c, jf());
	if (--js_depth == 0) {
		fputc('\n', jf());
		fflush(jf());
	}
}

void js_obj_begin(const char *key) { js_open(key, '{'); }
void js_obj_end(void) { js_close('}'); }
void js_arr_begin(const char *key) { js_open(key, '['); }
void js_arr_end(void) { js_close(']'); }

void js_str(const char *key, const char *v)
{
	js_key(key);
	json_string(jf(), v);
}

void js_u64(const char *key, uint64_t v)
{
	js_key(key);
	fprintf(jf(), "%" PRIu64, v);
}

void js_bool(const char *key, bool v)
{
	js_key(key);
	fputs(v ? "true" : "false", jf());
}

void js_double(const char *key, double v)
{
	js_key(key);
	fprintf(jf(), "%.3f", v);
}

void js_hex64(const char *key, uint64_t v)
{
	js_key(key);
	fprintf(jf(), "\"0x%016" PRIx64 "\"", v);
}

void js_bytes(const char *key, const uint8_t *d, size_t len)
{
	size_t i;

	js_key(key);
	fputc('"', jf());
	for (i = 0; i < len; i++)
		fprintf(jf(), "%02x", d[i]);
	fputc('"', jf());
}

void js_ids(const char *key, uint64_t mask)
{
	int i;

	js_arr_begin(key);
	for (i = 0; i < 64; i++)
		if (mask & (1ULL << i))
			js_u64(NULL, i);
	js_arr_end();
}

/* ------------------------------------------------------------ errors --- */

int fail(const char *what, int err, const char *hint_fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "vfcbctl: %s: %s", what, strerror(err));
	if (hint_fmt) {
		fputs(" (", stderr);
		va_start(ap, hint_fmt);
		vfprintf(stderr, hint_fmt, ap);
		va_end(ap);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int fail_msg(const char *what, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "vfcbctl: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

void print_ids(FILE *f, uint64_t mask)
{
	bool any = false;
	int i;

	for (i = 0; i < 64; i++) {
		if (mask & (1ULL << i)) {
			fprintf(f, "%s%d", any ? " " : "", i);
			any = true;
		}
	}
	if (!any)
		fputs("none", f);
}

void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-15s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ------------------------------------------------------------- stats --- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile @pct (1..100) of sorted @v. */
static uint64_t rank(const uint64_t *v, size_t n, unsigned int pct)
{
	size_t r = (n * pct + 99) / 100;	/* ceil(n * pct / 100) */

	return v[r ? r - 1 : 0];
}

void rtt_stats(uint64_t *ns, size_t n, struct rtt_stats *s)
{
	double sum = 0;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (i = 0; i < n; i++)
		sum += ns[i];
	s->min = ns[0] / 1e3;
	s->max = ns[n - 1] / 1e3;
	s->p50 = rank(ns, n, 50) / 1e3;
	s->p99 = rank(ns, n, 99) / 1e3;
	s->mean = sum / n / 1e3;
}
