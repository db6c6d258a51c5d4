// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a libFuzzer target's inputs without libFuzzer (for gcc --coverage
 * builds): each argument is an input file or a directory of them.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) == (size_t)n)
		LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	fclose(f);
}

int main(int argc, char **argv)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	int i, runs = 0;
	DIR *d;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			run_file(argv[i]);
			runs++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			run_file(path);
			runs++;
		}
		if (d)
			closedir(d);
	}
	printf("%d inputs\n", runs);
	return 0;
}
