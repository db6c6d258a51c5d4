// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vfcbctl's argument parsing (args.c) and of the pieces of
 * output.c that need no device: hex dump, JSON writer, ping statistics.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "args.h"
#include "output.h"

#define HEXCAP 128	/* a block's size, as the commands use it */

/* ----------------------------------------------------------- numbers --- */

static void test_u32_case(const char *s, uint32_t min, uint32_t max,
			  int want_err, uint32_t want)
{
	uint32_t v = 0xdeadbeef;
	int err = parse_u32(s, min, max, &v);
	char what[96];

	snprintf(what, sizeof(what), "parse_u32 \"%s\" [%u..%u] -> %s",
		 s ? s : "(null)", min, max, want_err ? strerror(-want_err) : "ok");
	if (want_err)
		ok(err == want_err && v == 0xdeadbeef, "%s", what);
	else
		ok(!err && v == want, "%s (%u)", what, want);
}

static void test_numbers(void)
{
	test_u32_case("0", 0, UINT32_MAX, 0, 0);
	test_u32_case("42", 0, UINT32_MAX, 0, 42);
	test_u32_case("0x2a", 0, UINT32_MAX, 0, 42);
	test_u32_case("0X2A", 0, UINT32_MAX, 0, 42);
	test_u32_case("010", 0, UINT32_MAX, 0, 10);	/* decimal, not octal */
	test_u32_case("4294967295", 0, UINT32_MAX, 0, UINT32_MAX);
	test_u32_case("0xffffffff", 0, UINT32_MAX, 0, UINT32_MAX);
	test_u32_case("4294967296", 0, UINT32_MAX, -ERANGE, 0);
	test_u32_case("0x100000000", 0, UINT32_MAX, -ERANGE, 0);
	test_u32_case("99999999999999999999999", 0, UINT32_MAX, -ERANGE, 0);
	test_u32_case("255", 0, 255, 0, 255);
	test_u32_case("256", 0, 255, -ERANGE, 0);
	test_u32_case("0", 1, 1024, -ERANGE, 0);
	test_u32_case("1024", 1, 1024, 0, 1024);
	test_u32_case("1025", 1, 1024, -ERANGE, 0);
	test_u32_case("", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case(NULL, 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("-1", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("+1", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case(" 1", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("1 ", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("12a", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("0x", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("0xg", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("1e3", 0, UINT32_MAX, -EINVAL, 0);
	test_u32_case("all", 0, UINT32_MAX, -EINVAL, 0);
}

static void test_u64(void)
{
	uint64_t v = 0;

	ok(!parse_u64("18446744073709551615", &v) && v == UINT64_MAX,
	   "parse_u64 2^64-1 decimal");
	ok(!parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX,
	   "parse_u64 2^64-1 hex");
	is(parse_u64("18446744073709551616", &v), -ERANGE, "parse_u64 2^64 decimal overflows");
	is(parse_u64("0x10000000000000000", &v), -ERANGE, "parse_u64 2^64 hex overflows");
	ok(!parse_u64("0x00000000000000000000001", &v) && v == 1,
	   "parse_u64 leading zeros do not overflow");
}

static void test_masks(void)
{
	uint64_t m = 7;

	is(parse_mask("0", &m), -EDOM, "parse_mask 0 is refused");
	is(parse_mask("0x0", &m), -EDOM, "parse_mask 0x0 is refused");
	ok(m == 7, "parse_mask leaves the output alone on error");
	ok(!parse_mask("5", &m) && m == 5, "parse_mask decimal 5");
	ok(!parse_mask("0x8000000000000000", &m) && m == 1ULL << 63,
	   "parse_mask bit 63");
	ok(!parse_mask("0xFFFFFFFFFFFFFFFF", &m) && m == UINT64_MAX,
	   "parse_mask all 64 bits");
	is(parse_mask("0x1ffffffffffffffff", &m), -ERANGE, "parse_mask 65 bits overflows");
	is(parse_mask("-1", &m), -EINVAL, "parse_mask -1 is refused");
	is(parse_mask("1,2", &m), -EINVAL, "parse_mask list syntax is refused");
}

static void test_onoff(void)
{
	bool b = false;

	ok(!parse_onoff("on", &b) && b, "parse_onoff on");
	ok(!parse_onoff("off", &b) && !b, "parse_onoff off");
	ok(!parse_onoff("yes", &b) && b, "parse_onoff yes");
	ok(!parse_onoff("0", &b) && !b, "parse_onoff 0");
	is(parse_onoff("maybe", &b), -EINVAL, "parse_onoff maybe is refused");
	is(parse_onoff("", &b), -EINVAL, "parse_onoff empty is refused");
}

/* ------------------------------------------------------------- bytes --- */

/* A TAP description must stay on one line: blanks shown as '_'. */
static void printable(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < size; i++)
		out[i] = (s[i] == '\n' || s[i] == '\t') ? '_' : s[i];
	strcpy(out + i, s[i] ? "..." : "");
}

static void hex_case(const char *s, int want_err, const char *want_hex)
{
	uint8_t buf[HEXCAP];
	char got[2 * HEXCAP + 1] = "";
	char shown[24];
	size_t len = 99, i;
	int err = parse_hex(s, buf, sizeof(buf), &len);

	printable(s, shown, sizeof(shown));
	if (want_err) {
		ok(err == want_err, "parse_hex \"%s\" -> %s", shown, strerror(-want_err));
		if (err != want_err)
			printf("#   got %d\n", err);
		return;
	}
	for (i = 0; !err && i < len; i++)
		sprintf(got + 2 * i, "%02x", buf[i]);
	ok(!err && !strcmp(got, want_hex), "parse_hex \"%s\" -> %zu bytes",
	   shown, strlen(want_hex) / 2);
	if (err || strcmp(got, want_hex))
		printf("#   err %d, got \"%s\"\n", err, got);
}

static void test_hex(void)
{
	char big[2 * HEXCAP + 3];

	hex_case("deadbeef", 0, "deadbeef");
	hex_case("0xDEADBEEF", 0, "deadbeef");
	hex_case("de:ad:be:ef", 0, "deadbeef");
	hex_case("de ad be ef", 0, "deadbeef");
	hex_case("de-ad-be-ef", 0, "deadbeef");
	hex_case("dead beef", 0, "deadbeef");
	hex_case("  de\tad\nbe ef\n", 0, "deadbeef");	/* xxd -p output */
	hex_case("de:ad beef", 0, "deadbeef");
	hex_case("00", 0, "00");
	hex_case("", 0, "");
	hex_case("   ", 0, "");
	hex_case("0x", 0, "");
	hex_case("abc", -EDOM, NULL);			/* odd length */
	hex_case("a:b", -EDOM, NULL);			/* no single digits */
	hex_case("dea dbeef", -EDOM, NULL);
	hex_case("de:", -EINVAL, NULL);
	hex_case(":de", -EINVAL, NULL);
	hex_case("de::ad", -EINVAL, NULL);
	hex_case("zz", -EINVAL, NULL);
	hex_case("0x0x12", -EINVAL, NULL);
	hex_case("de,ad", -EINVAL, NULL);

	memset(big, 'a', 2 * HEXCAP);
	big[2 * HEXCAP] = '\0';
	hex_case(big, 0, big);				/* exactly 128 bytes */
	strcpy(big + 2 * HEXCAP, "bb");
	hex_case(big, -EMSGSIZE, NULL);			/* 129 bytes */
}

/* --------------------------------------------------------------- PCI --- */

static void pci_case(const char *s, int want_err, const char *want)
{
	char out[32] = "";
	int err = parse_pci_addr(s, out, sizeof(out));

	if (want_err)
		ok(err == want_err, "parse_pci_addr \"%s\" -> %s", s, strerror(-want_err));
	else
		ok(!err && !strcmp(out, want), "parse_pci_addr \"%s\" -> %s", s, want);
}

static void test_pci(void)
{
	char small[8];

	pci_case("0000:01:00.0", 0, "0000:01:00.0");
	pci_case("01:00.0", 0, "0000:01:00.0");		/* lspci's short form */
	pci_case("0000:0A:1F.7", 0, "0000:0a:1f.7");
	pci_case("1:2.3", 0, "0000:01:02.3");
	pci_case("10000:00:00.0", 0, "10000:00:00.0");	/* VMD domains */
	pci_case("0000:01:20.0", -ERANGE, NULL);	/* device > 0x1f */
	pci_case("0000:01:00.8", -ERANGE, NULL);	/* function > 7 */
	pci_case("0000:01:00.10", -ERANGE, NULL);
	pci_case("0000:100:00.0", -ERANGE, NULL);	/* bus > 0xff */
	pci_case("123456789:00:00.0", -ERANGE, NULL);
	pci_case("0000:01:00", -EINVAL, NULL);
	pci_case("0000:01:00.0x", -EINVAL, NULL);
	pci_case("0000:01:00.", -EINVAL, NULL);
	pci_case("x:01:00.0", -EINVAL, NULL);
	pci_case("", -EINVAL, NULL);
	pci_case("eth0", -EINVAL, NULL);
	pci_case("0000:01:00.0 ", -EINVAL, NULL);
	is(parse_pci_addr("0000:01:00.0", small, sizeof(small)), -ENAMETOOLONG,
	   "parse_pci_addr reports a short output buffer");
}

/* ----------------------------------------------------------- devices --- */

static void path_case(enum dev_kind kind, const char *arg, int want_err,
		      const char *want)
{
	char out[DEV_PATH_MAX] = "";
	int err = dev_path(kind, "/dev", arg, out, sizeof(out));

	if (want_err)
		ok(err == want_err, "dev_path %s \"%s\" -> %s", dev_kind_name(kind),
		   arg, strerror(-want_err));
	else
		ok(!err && !strcmp(out, want), "dev_path %s \"%s\" -> %s",
		   dev_kind_name(kind), arg, want);
}

static void test_dev_path(void)
{
	char longarg[DEV_PATH_MAX + 8];

	path_case(DEV_PF, "0000:01:00.0", 0, "/dev/vfcb-pf-0000:01:00.0");
	path_case(DEV_VF, "01:10.0", 0, "/dev/vfcb-vf-0000:01:10.0");
	path_case(DEV_PF, "vfcb-pf-0000:01:00.0", 0, "/dev/vfcb-pf-0000:01:00.0");
	path_case(DEV_PF, "/dev/vfcb-pf-0000:01:00.0", 0, "/dev/vfcb-pf-0000:01:00.0");
	path_case(DEV_VF, "./my-vf", 0, "./my-vf");	/* a udev symlink */
	path_case(DEV_PF, "/dev/vfcb-vf-0000:01:10.0", -EXDEV, NULL);
	path_case(DEV_VF, "/dev/vfcb-pf-0000:01:00.0", -EXDEV, NULL);
	path_case(DEV_VF, "vfcb-pf-0000:01:00.0", -EXDEV, NULL);
	path_case(DEV_PF, "eth0", -EINVAL, NULL);
	path_case(DEV_PF, "", -EINVAL, NULL);
	memset(longarg, 'a', sizeof(longarg) - 1);
	longarg[0] = '/';
	longarg[sizeof(longarg) - 1] = '\0';
	path_case(DEV_PF, longarg, -ENAMETOOLONG, NULL);
	ok(!strcmp(dev_addr("/dev/vfcb-pf-0000:01:00.0"), "0000:01:00.0"),
	   "dev_addr strips the directory and prefix");
	ok(!strcmp(dev_addr("vfcb-vf-0000:01:10.1"), "0000:01:10.1"),
	   "dev_addr of a bare name");
}

static void touch(const char *dir, const char *name)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

static void test_dev_resolve(void)
{
	char dir[] = "/tmp/vfcbctl-test-XXXXXX", out[DEV_PATH_MAX], want[512];
	struct dev_list l;
	int err;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	is(dev_resolve(DEV_PF, dir, NULL, out, sizeof(out), &l), -ENOENT,
	   "dev_resolve: no device -> ENOENT");
	touch(dir, "vfcb-vf-0000:01:10.0");
	touch(dir, "vfcb-pf-");			/* no address: not a device */
	is(dev_resolve(DEV_PF, dir, NULL, out, sizeof(out), &l), -ENOENT,
	   "dev_resolve: VF nodes do not count for a PF command");
	touch(dir, "vfcb-pf-0000:02:00.0");
	snprintf(want, sizeof(want), "%s/vfcb-pf-0000:02:00.0", dir);
	err = dev_resolve(DEV_PF, dir, NULL, out, sizeof(out), &l);
	ok(!err && !strcmp(out, want), "dev_resolve: the only PF is chosen");
	snprintf(want, sizeof(want), "%s/vfcb-vf-0000:01:10.0", dir);
	err = dev_resolve(DEV_VF, dir, NULL, out, sizeof(out), &l);
	ok(!err && !strcmp(out, want), "dev_resolve: the only VF is chosen");
	touch(dir, "vfcb-pf-0000:01:00.0");
	err = dev_resolve(DEV_PF, dir, NULL, out, sizeof(out), &l);
	is(err, -EEXIST, "dev_resolve: two PFs -> EEXIST");
	ok(l.n == 2 && strstr(l.path[0], "0000:01:00.0") &&
	   strstr(l.path[1], "0000:02:00.0"), "dev_resolve: candidates sorted");
	dev_list_free(&l);
	snprintf(want, sizeof(want), "%s/vfcb-pf-0000:01:00.0", dir);
	err = dev_resolve(DEV_PF, dir, "01:00.0", out, sizeof(out), &l);
	ok(!err && !strcmp(out, want), "dev_resolve: a given address wins");
	is(dev_resolve(DEV_PF, dir, "/x/vfcb-vf-0000:01:10.0", out, sizeof(out), &l),
	   -EXDEV, "dev_resolve: a VF path for a PF command -> EXDEV");
	ok(!dev_find(DEV_PF, dir, &l) && l.n == 2, "dev_find counts two PFs");
	dev_list_free(&l);
	is(dev_find(DEV_PF, "/nonexistent-vfcb-dir", &l), -ENOENT,
	   "dev_find: missing directory -> ENOENT");
	is(dev_resolve(DEV_PF, "/nonexistent-vfcb-dir", NULL, out, sizeof(out), &l),
	   -ENOENT, "dev_resolve: missing directory -> ENOENT");

	snprintf(want, sizeof(want), "rm -rf '%s'", dir);
	if (system(want))
		printf("# could not remove %s\n", dir);
}

/* ----------------------------------------------------------- options --- */

static const struct opt t_opts[] = {
	{ "hex", "HEX", "" },
	{ "vf-writable", NULL, "" },
	{ "count", "N", "" },
	{ NULL }
};

/* Parse a command line given as a NULL-terminated list of words. */
static int parse_words(struct parsed *p, char *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	while (argc < 16 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return args_parse(t_opts, argc, argv, p, err, 128);
}

static void test_options(void)
{
	struct parsed p;
	char err[128];

	ok(!parse_words(&p, err, "0", "16", "--hex", "ab", "--vf-writable", NULL) &&
	   p.npos == 2 && !strcmp(p.pos[1], "16") &&
	   !strcmp(args_get(t_opts, &p, "hex"), "ab") &&
	   args_get(t_opts, &p, "vf-writable") && !args_get(t_opts, &p, "count"),
	   "args_parse: positionals, a value and a flag");
	ok(!parse_words(&p, err, "--hex=cd", "0", NULL) &&
	   !strcmp(args_get(t_opts, &p, "hex"), "cd") && p.npos == 1,
	   "args_parse: --name=value before a positional");
	ok(!parse_words(&p, err, "--hex=", NULL) &&
	   !strcmp(args_get(t_opts, &p, "hex"), ""), "args_parse: --hex= is empty");
	ok(!parse_words(&p, err, "--hex", "-x", NULL) &&
	   !strcmp(args_get(t_opts, &p, "hex"), "-x"),
	   "args_parse: a value may start with '-'");
	ok(parse_words(&p, err, "--hex", NULL) && strstr(err, "needs a value"),
	   "args_parse: missing value");
	ok(parse_words(&p, err, "--bogus", NULL) && strstr(err, "--bogus"),
	   "args_parse: unknown long option");
	ok(parse_words(&p, err, "-x", NULL) && strstr(err, "-x"),
	   "args_parse: unknown short option");
	ok(parse_words(&p, err, "--vf-writable=1", NULL) && strstr(err, "no value"),
	   "args_parse: a flag takes no value");
	ok(!parse_words(&p, err, "--json", "-h", NULL) && p.json && p.help,
	   "args_parse: --json and -h are global");
	ok(!parse_words(&p, err, "-j", "--help", NULL) && p.json && p.help,
	   "args_parse: -j and --help are global");
	ok(!parse_words(&p, err, "--", "--hex", "-", NULL) && p.npos == 2 &&
	   !args_get(t_opts, &p, "hex"), "args_parse: -- ends the options");
	ok(parse_words(&p, err, "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL) &&
	   strstr(err, "too many"), "args_parse: too many positionals");
	ok(!parse_words(&p, err, "--count", "1", "--count", "2", NULL) &&
	   !strcmp(args_get(t_opts, &p, "count"), "2"),
	   "args_parse: the last repeat wins");
	ok(!args_get(t_opts, &p, "nope"), "args_get: unknown name is NULL");
}

/* ------------------------------------------------------------ output --- */

/* hexdump() output as a string (free it). */
static char *capture_hexdump(uint32_t base, const uint8_t *d, size_t len)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	hexdump(f, base, d, len);
	fclose(f);
	return buf;
}

static void test_output(void)
{
	const uint8_t hello[17] = "Hello, vfcb!\x01\x7f\xff\x00";
	char *buf = NULL, *s;
	size_t sz = 0;
	FILE *f;

	s = capture_hexdump(0, hello, 17);
	ok(!strcmp(s, "0000  48 65 6c 6c 6f 2c 20 76  66 63 62 21 01 7f ff 00  |Hello, vfcb!....|\n"
		      "0010  00                                                |.|\n"),
	   "hexdump: two lines, padding, dots for non-printables");
	if (strncmp(s, "0000", 4))
		printf("# got:\n%s", s);
	free(s);
	s = capture_hexdump(0x40, hello, 2);
	ok(!strncmp(s, "0040  48 65 ", 12), "hexdump: offsets start at base");
	free(s);
	s = capture_hexdump(0, hello, 0);
	ok(!strcmp(s, ""), "hexdump: nothing for 0 bytes");
	free(s);

	f = open_memstream(&buf, &sz);
	json_string(f, "a\"b\\c\n\x01");
	fclose(f);
	ok(!strcmp(buf, "\"a\\\"b\\\\c\\n\\u0001\""), "json_string escapes");
	free(buf);

	f = open_memstream(&buf, &sz);
	js_set_output(f);
	js_obj_begin(NULL);
	js_u64("vf", 3);
	js_arr_begin("ids");
	js_u64(NULL, 0);
	js_u64(NULL, 2);
	js_arr_end();
	js_hex64("mask", 5);
	js_bytes("data", hello, 2);
	js_bool("w", true);
	js_ids("none", 0);
	js_obj_end();
	js_set_output(NULL);
	fclose(f);
	ok(!strcmp(buf, "{\"vf\":3,\"ids\":[0,2],\"mask\":\"0x0000000000000005\","
		   "\"data\":\"4865\",\"w\":true,\"none\":[]}\n"),
	   "JSON writer: commas, nesting, one line");
	if (buf[0] != '{' || strchr(buf, '\n') != buf + strlen(buf) - 1)
		printf("# got: %s", buf);
	free(buf);
}

static void test_stats(void)
{
	uint64_t ns[100], one = 5000;
	struct rtt_stats s;
	int i;

	for (i = 0; i < 100; i++)	/* 100..1 us, reversed on purpose */
		ns[i] = (uint64_t)(100 - i) * 1000;
	rtt_stats(ns, 100, &s);
	ok(s.min == 1 && s.max == 100, "rtt_stats: min and max");
	ok(s.p50 == 50 && s.p99 == 99, "rtt_stats: nearest-rank p50 and p99");
	ok(s.mean == 50.5, "rtt_stats: mean");
	rtt_stats(&one, 1, &s);
	ok(s.min == 5 && s.p50 == 5 && s.p99 == 5 && s.max == 5,
	   "rtt_stats: one sample is every percentile");
	rtt_stats(ns, 0, &s);
	ok(s.n == 0 && s.max == 0, "rtt_stats: no samples");
}

int main(void)
{
	test_numbers();
	test_u64();
	test_masks();
	test_onoff();
	test_hex();
	test_pci();
	test_dev_path();
	test_dev_resolve();
	test_options();
	test_output();
	test_stats();
	return tap_done();
}
