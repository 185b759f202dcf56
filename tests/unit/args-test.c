// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for args.c: dump's letters, the old key form Amanda and cron
 * scripts use, and refusal of bad values and unimplemented letters.
 */
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

#include "opdump.h"
#include "testhelp.h"

/* args_parse on a copy of the words, as main() would get them. */
static int
parse(struct options *o, const char *const *words)
{
	static char *argv[32];
	int argc = 0, i;

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	argv[argc++] = strdup("opdump");
	while (*words != NULL)
		argv[argc++] = strdup(*words++);
	argv[argc] = NULL;
	return args_parse(o, argc, argv);
}

#define PARSE(o, ...) parse(o, (const char *const []){ __VA_ARGS__, NULL })

static void
test_keys(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "0usf", "1048576", "-", "/dev/sda1"), 0);
	CHECK_EQ(o.level, 0);
	CHECK_EQ(o.update, 1);
	CHECK_EQ(o.tsize, 1048576L * 120);
	CHECK(strcmp(o.tape, "-") == 0);
	CHECK(strcmp(o.source, "/dev/sda1") == 0);
	CHECK_EQ(PARSE(&o, "0uf", "/dev/nst0", "/home"), 0);
	CHECK(strcmp(o.tape, "/dev/nst0") == 0);
	CHECK(strcmp(o.source, "/home") == 0);
	CHECK_EQ(PARSE(&o, "0bfL", "64", "out", "mylabel", "img"), 0);
	CHECK_EQ(o.ntrec, 64);
	CHECK(strcmp(o.label, "mylabel") == 0);
	CHECK_EQ(PARSE(&o, "0f"), -1);		/* -f without its argument */
	args_free(&o);
}

static void
test_options(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "-0", "-b", "32", "-f", "x", "--slaves", "5",
	    "-h", "0", "-q", "-v", "img"), 0);
	CHECK_EQ(o.ntrec, 32);
	CHECK_EQ(o.bflag, 1);
	CHECK_EQ(o.nslaves, 5);
	CHECK_EQ(o.honor_level, 0);
	CHECK_EQ(o.qflag, 1);
	CHECK_EQ(o.unlimited, 1);
	CHECK_EQ(PARSE(&o, "-0", "-B", "2000,3000", "-f", "x", "img"), 0);
	CHECK_EQ(o.blocksperfile, 2000);
	CHECK_EQ(o.nvolsizes, 2);
	CHECK_EQ(o.volsizes[1], 3000);
	CHECK_EQ(o.unlimited, 0);
	CHECK_EQ(PARSE(&o, "-0", "-f", "a,b,vtape:c", "-M", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "a,b,vtape:c", "-nF", "s", "img"), 0);
	CHECK_EQ(o.ntapes, 3);
	CHECK(strcmp(o.tape, "a") == 0);
	CHECK(strcmp(o.tapes[2], "vtape:c") == 0);
	CHECK(strcmp(o.eot_script, "s") == 0);
	CHECK_EQ(o.notify, 1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "vtape:", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "a,,b", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "p", "-M", "--verify", "img"), 0);
	CHECK_EQ(o.multifile, 1);
	CHECK_EQ(o.verify, 1);
	CHECK_EQ(PARSE(&o, "-0", "-a", "-B", "100", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-B", "100,x", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-d", "6250", "-s", "100", "img"), 0);
	CHECK_EQ(o.density, 625);
	CHECK_EQ(o.tsize, 12000);
	args_free(&o);
}

static void
test_refused(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "-0", "-b", "0", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-b", "2000", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-b", "12x", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "--slaves", "0", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "--slaves", "33", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-z10", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-zx", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-j0", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-z", "-j", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-y", "img"), -1);	/* LZO in dump */
	CHECK_EQ(PARSE(&o, "-0", "-f", "host:", "img"), -1);	/* rmt */
	CHECK_EQ(PARSE(&o, "-0", "-f", ":/dev/nst0", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "a b@host:/dev/nst0", "img"), -1);
	setenv("RSH", "/nonexistent/rsh", 1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "host:/dev/nst0", "img"), -1);
	setenv("RSH", "true", 1);
	CHECK_EQ(PARSE(&o, "-0", "-f", "op@host:/a,/b,h2:c", "img"), 0);
	CHECK_EQ(o.ntapes, 3);
	CHECK(strcmp(o.tapes[1], "op@host:/b") == 0);
	CHECK(strcmp(o.tapes[2], "h2:c") == 0);
	unsetenv("RSH");
	CHECK_EQ(PARSE(&o, "-0"), -1);			/* no filesystem */
	CHECK_EQ(PARSE(&o, "-0", "a", "b"), -1);	/* two of them */
	CHECK_EQ(PARSE(&o, "-0", "-f", "./a:b", "img"), 0);	/* local */
	args_free(&o);
}

/* -z and -j: an optional level attached, dump's default 2, key form. */
static void
test_compress(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "-0", "img"), 0);
	CHECK_EQ(o.zmethod, ZM_NONE);
	CHECK_EQ(PARSE(&o, "-0", "-z", "img"), 0);
	CHECK_EQ(o.zmethod, ZM_ZLIB);
	CHECK_EQ(o.zlevel, 2);
	CHECK_EQ(PARSE(&o, "-0", "-j9", "img"), 0);
	CHECK_EQ(o.zmethod, ZM_BZIP2);
	CHECK_EQ(o.zlevel, 9);
	/* A separate word is not a level: "9" would be the filesystem. */
	CHECK_EQ(PARSE(&o, "-z", "9", "img"), -1);
	CHECK_EQ(PARSE(&o, "0z7f", "out", "img"), 0);
	CHECK_EQ(o.zmethod, ZM_ZLIB);
	CHECK_EQ(o.zlevel, 7);
	CHECK_EQ(o.level, 0);
	CHECK(strcmp(o.tape, "out") == 0);
	CHECK_EQ(PARSE(&o, "0jf", "out", "img"), 0);
	CHECK_EQ(o.zmethod, ZM_BZIP2);
	CHECK_EQ(o.zlevel, 2);
	args_free(&o);
}

/* Levels, -T, -e, -W: the letters of incremental dumps. */
static void
test_incremental(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "-5", "img"), 0);
	CHECK_EQ(o.level, 5);
	CHECK_EQ(PARSE(&o, "9uf", "x", "img"), 0);
	CHECK_EQ(o.level, 9);
	CHECK_EQ(PARSE(&o, "-1", "-0", "img"), -1);	/* level 10 */
	CHECK_EQ(PARSE(&o, "-1", "-T", "Sat Nov 21 09:24:30 2026 +0100",
	    "img"), 0);
	CHECK_EQ(o.Tflag, 1);
	CHECK_EQ(o.Tdate, 1795249470L);
	CHECK_EQ(PARSE(&o, "-1", "-T", "Nov 21 09:24:30 2026", "img"), -1);
	CHECK_EQ(PARSE(&o, "-1u", "-T", "Sat Nov 21 09:24:30 2026 +0000",
	    "img"), -1);				/* dump refuses T with u */
	CHECK_EQ(PARSE(&o, "-0", "-e", "12,13", "-e", "99", "img"), 0);
	CHECK_EQ(o.exclude.n, 3);
	CHECK_EQ(o.exclude.ino[2], 99);
	CHECK_EQ(PARSE(&o, "-0", "-e", "12,,13", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-e", "2", "img"), -1);	/* the root */
	CHECK_EQ(PARSE(&o, "-0", "-e", "12x", "img"), -1);
	CHECK_EQ(PARSE(&o, "-0", "-E", "/nonexistent/list", "img"), -1);
	CHECK_EQ(PARSE(&o, "-W"), 0);			/* no filesystem */
	CHECK_EQ(o.lastdump, 'W');
	CHECK_EQ(PARSE(&o, "-D", "dd", "-w"), 0);
	CHECK_EQ(o.lastdump, 'w');
	CHECK_EQ(PARSE(&o, "-0", "-A", "toc", "img"), 0);
	CHECK(strcmp(o.archive, "toc") == 0);
	args_free(&o);
}

/* Free what the last parse left, so leak checkers see a clean exit. */
static void
test_done(void)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(PARSE(&o, "0f", "x", "img"), 0);
	args_free(&o);
	PARSE(&o, "--help");
}

TEST_MAIN(test_keys, test_options, test_refused, test_compress,
    test_incremental, test_done)
