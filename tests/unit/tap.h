/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP producer for the userspace tests. */
#ifndef _TAP_H
#define _TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;
static const char *tap_prefix = "";	/* e.g. the shape a test ran on */

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - %s", cond ? "ok" : "not ok", ++tap_n, tap_prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
static inline int tap_is(long long got, long long want, const char *file,
			 int line, const char *what)
{
	int r = tap_ok(got == want, file, line, "%s", what);

	if (!r)
		printf("#   got %lld, want %lld\n", got, want);
	return r;
}

#define is(got, want, what) \
	tap_is((long long)(got), (long long)(want), __FILE__, __LINE__, what)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
