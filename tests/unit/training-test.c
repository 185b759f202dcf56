// SPDX-License-Identifier: BSD-2-Clause
/*
 * opconsole --training without a terminal or an engine: scenario files
 * parsed (every keyword, defaults, errors with file:line), answers graded
 * (override of a protected volume, abort of a recoverable question, an
 * answer against the scenario's expectation, an answer from elsewhere,
 * the abort key) and the report written from the records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "training.h"
#include "testhelp.h"

static char path[] = "/tmp/training-test.XXXXXX";

/* Write text to the scratch scenario file and load it. */
static int
load(const char *text, struct scenario *sc, char *err, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -2;
	fputs(text, f);
	fclose(f);
	return scenario_load(path, sc, err, len);
}

/* The error names the file and the line, and says what. */
static void
bad(const char *text, int line, const char *what)
{
	struct scenario sc;
	char err[512], want[PATH_MAX + 32];

	CHECK_EQ(load(text, &sc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	CHECK(strstr(err, what) != NULL);
	if (strstr(err, what) == NULL)
		fprintf(stderr, "  got: %s\n", err);
}

static void
test_parse(void)
{
	struct scenario sc;
	char err[512];

	CHECK_EQ(load("# all of it\nname  A  test   run\nbrief one\n"
	    "brief two # comment\nseed 9\ndata 2M\nimage 20480\n"
	    "label SET-1\ncapacity 1200\ncapacity 2 600\neom 2 400 once\n"
	    "werror 1 300\nrate 800\nnoopen 3 always\nset SET-%n\n"
	    "cycle 3\nmin-age 7d\nprotect 2 SET-2\nexpect write rewrite\n"
	    "volumes 3\n", &sc, err, sizeof(err)), 0);
	CHECK(strcmp(sc.name, "A test run") == 0);
	CHECK(strcmp(sc.brief, "one two") == 0);
	CHECK_EQ(sc.seed, 9);
	CHECK_EQ(sc.data_kib, 2048);
	CHECK_EQ(sc.image_kib, 20480);
	CHECK(strcmp(sc.label, "SET-1") == 0);
	CHECK_EQ(sc.nplan, 6);
	CHECK(strcmp(sc.plan[1], "capacity 2 600") == 0);
	CHECK(strcmp(sc.plan[2], "eom 2 400 once") == 0);
	CHECK(strcmp(sc.plan[5], "noopen 3 always") == 0);
	CHECK_EQ(sc.npolicy, 3);
	CHECK(strcmp(sc.policy[0], "set SET-%n") == 0);
	CHECK_EQ(sc.protect_vol, 2);
	CHECK(strcmp(sc.protect_label, "SET-2") == 0);
	CHECK_EQ(sc.nexpect, 1);
	CHECK(strcmp(sc.expect[0].answer, "rewrite") == 0);
	CHECK_EQ(sc.volumes, 3);

	/* Defaults: 4 MiB of data, an image twice that plus 8 MiB. */
	CHECK_EQ(load("name x\n", &sc, err, sizeof(err)), 0);
	CHECK_EQ(sc.data_kib, 4096);
	CHECK_EQ(sc.image_kib, 4096 * 2 + 8192);
	CHECK(strcmp(sc.label, "TRAIN-1") == 0);
	CHECK_EQ(sc.nplan, 0);
}

static void
test_errors(void)
{
	struct scenario sc;
	char err[512];

	bad("name x\nbogus 1\n", 2, "unknown keyword 'bogus'");
	bad("name x\n\n\ncapacity 0 10\n", 4, "'0' is not a volume");
	bad("name x\neom 2\n", 2, "eom wants 2 numbers");
	bad("name x\nwerror 1 2 sometimes\n", 2, "neither once nor always");
	bad("name x\nrate fast\n", 2, "'fast' is not a number");
	bad("name x\ndata 5Q\n", 2, "data wants a size");
	bad("name x\ndata 10K\n", 2, "data must be from 64K to 256M");
	bad("name x\nlabel a;b\n", 2, "label wants one word");
	bad("name x\nlabel -x\n", 2, "label wants one word");
	bad("name x\nexpect eject yes\n", 2, "unknown question kind 'eject'");
	bad("name x\nprotect 0 A\n", 2, "protect wants a volume");
	bad("name x\nprotect 2 B\n", 2, "protect needs a rotation policy");
	bad("seed 3\n", 1, "no name line");
	bad("name\n", 1, "name wants some text");
	bad("name x\nimage 1M\n", 2, "image must be at least data + 4M");
	CHECK_EQ(scenario_load("/nonexistent/x.scenario", &sc, err,
	    sizeof(err)), -1);
	CHECK(strstr(err, "/nonexistent/x.scenario: No such file") != NULL);
}

static void
ask(struct training *t, int id, const char *kind, const char *protect,
    const char *c0, const char *c1, const char *c2)
{
	struct ctl_question q;

	memset(&q, 0, sizeof(q));
	q.id = id;
	q.volume = 2;
	snprintf(q.kind, sizeof(q.kind), "%s", kind);
	snprintf(q.protect, sizeof(q.protect), "%s", protect);
	snprintf(q.c0, sizeof(q.c0), "%s", c0);
	snprintf(q.c1, sizeof(q.c1), "%s", c1);
	snprintf(q.c2, sizeof(q.c2), "%s", c2);
	q.n = c2[0] != '\0' ? 3 : 2;
	snprintf(q.context, sizeof(q.context), "question %d", id);
	tr_asked(t, &q);
}

static void
test_grading(void)
{
	static struct training t;
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(load("name Grading\nexpect write rewrite\n", &t.sc, err,
	    sizeof(err)), 0);
	t.status = 0;
	t.exact = 1;
	t.t0 = tr_ms();
	ask(&t, 1, CTL_Q_MOUNT, "", "yes", "abort", "");
	ask(&t, 1, CTL_Q_MOUNT, "", "yes", "abort", "");	/* redrawn */
	tr_answered(&t, 1, "yes", "trainee");
	ask(&t, 2, CTL_Q_PROTECT, CTL_PR_YOUNG, "retry", "abort", "override");
	tr_answered(&t, 2, "override", "trainee");
	tr_answered(&t, 2, "retry", "trainee");		/* already settled */
	ask(&t, 3, CTL_Q_WRITE, "", "rewrite", "next", "abort");
	tr_answered(&t, 3, "next", "trainee");
	ask(&t, 4, CTL_Q_OPEN, "", "retry", "abort", "");
	tr_answered(&t, 4, "abort", "trainee");
	ask(&t, 5, CTL_Q_MOUNT, "", "yes", "abort", "");
	tr_answered(&t, 5, "yes", "bob@pts/9");
	tr_keyabort(&t);
	CHECK_EQ(t.nev, 6);
	CHECK_EQ(t.mistakes, 4);
	CHECK(t.ev[0].mistake[0] == '\0');
	CHECK(strcmp(t.ev[0].choices, "yes/abort") == 0);
	CHECK(strstr(t.ev[1].mistake, "overwrote a protected volume") != NULL);
	CHECK(strcmp(t.ev[1].answer, "override") == 0);
	CHECK(strstr(t.ev[2].mistake, "answered next; this scenario expects "
	    "rewrite") != NULL);
	CHECK(strstr(t.ev[3].mistake, "aborted a dump that could go on") !=
	    NULL);
	CHECK(t.ev[4].mistake[0] == '\0');
	CHECK(strstr(t.ev[4].remark, "answered by bob@pts/9") != NULL);
	CHECK(strcmp(t.ev[5].kind, "abort key") == 0);
	CHECK(t.ev[5].mistake[0] != '\0');

	CHECK((f = open_memstream(&text, &len)) != NULL);
	if (f == NULL)
		return;
	CHECK_EQ(tr_report(&t, f), 0);
	fclose(f);
	CHECK(strstr(text, "Scenario: Grading\n") != NULL);
	CHECK(strstr(text, "Questions and answers (6)\n") != NULL);
	CHECK(strstr(text, "     Answer: yes, by trainee, after 0.") != NULL);
	CHECK(strstr(text, "     Protected: young (it holds a dump younger "
	    "than the policy's min-age)\n") != NULL);
	CHECK(strstr(text, "Answers:  4, in 0.0 s on average; the slowest "
	    "0.0 s (question ") != NULL);
	CHECK(strstr(text, "Mistakes (4)\n  - question 2 (protect): overwrote")
	    != NULL);
	CHECK(strstr(text, "Verdict:  NOT PASSED: mistakes were made, and "
	    "the set restores exactly\n") != NULL);
	free(text);
}

static void
test_passed(void)
{
	static struct training t;
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(load("name Quiet\n", &t.sc, err, sizeof(err)), 0);
	t.exact = 0;
	t.status = 3;
	if ((f = open_memstream(&text, &len)) == NULL)
		return;
	tr_report(&t, f);
	fclose(f);
	CHECK(strstr(text, "none: the dump asked nothing") != NULL);
	CHECK(strstr(text, "Mistakes (0)\n  none\n") != NULL);
	CHECK(strstr(text, "NOT PASSED: no mistakes, and the dump did not "
	    "finish") != NULL);
	free(text);
}

static void
setup(void)
{
	int fd = mkstemp(path);

	CHECK(fd != -1);
	if (fd != -1)
		close(fd);
}

static void
cleanup(void)
{
	unlink(path);
}

TEST_MAIN(setup, test_parse, test_errors, test_grading, test_passed,
    cleanup)
