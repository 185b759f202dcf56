// SPDX-License-Identifier: BSD-2-Clause
/*
 * A tiny test helper: CHECK() records a failure with its line and goes on,
 * TEST_MAIN() runs the named test functions and exits non-zero if any
 * check failed.  Enough for per-module self-tests; no framework needed.
 */
#ifndef TESTHELP_H
#define TESTHELP_H

#include <stdio.h>
#include <stdlib.h>

static int th_checks, th_failed;

#define CHECK(cond) do {						\
	th_checks++;							\
	if (!(cond)) {							\
		th_failed++;						\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long th_a = (long long)(a), th_b = (long long)(b);		\
	th_checks++;							\
	if (th_a != th_b) {						\
		th_failed++;						\
		fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n",	\
		    __FILE__, __LINE__, #a, #b, th_a, th_b);		\
	}								\
} while (0)

#define TEST_MAIN(...)							\
int									\
main(void)								\
{									\
	void (*th_tests[])(void) = { __VA_ARGS__ };			\
	size_t th_i;							\
									\
	for (th_i = 0; th_i < sizeof(th_tests) / sizeof(th_tests[0]); th_i++) \
		th_tests[th_i]();					\
	printf("%d checks, %d failed\n", th_checks, th_failed);	\
	return th_failed != 0;						\
}

#endif
