/* The unit tests' one reporting idiom: TAP lines, then the "N passed, N failed" summary tests/run-all.sh
 * counts. Each test file is one program, so the counters are the program's own. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

static int n, failed;

static void check(bool ok, const char *name)
{
	n++;
	if (!ok)
		failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n, name);
}

/* The last line of main: the plan and the summary; the exit status. */
static int tap_done(void)
{
	printf("1..%d\n%d passed, %d failed\n", n, n - failed, failed);
	return failed ? 1 : 0;
}
