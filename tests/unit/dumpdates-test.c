// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for dumpdates.c: the date and line parsers, the choice of the
 * dump an incremental builds on, the refusal of a malformed file (named by
 * line number), and -u's in-place rewrite, read back by the parser.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "testhelp.h"

static char dir[] = "/tmp/dumpdates-test.XXXXXX";

/* Write text to the file name below the test directory; return its path. */
static const char *
put(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return path;
	fputs(text, f);
	fclose(f);
	return path;
}

/* The whole of a small file, in a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f;
	size_t n = 0;

	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static time_t
date(const char *s)
{
	time_t t = -12345;

	if (dumpdates_parse_date(s, &t) == -1)
		return -1;
	return t;
}

static void
test_date(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 +0000"), 1795253070L);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 +0100"), 1795249470L);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 -0530"), 1795272870L);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026"), 1795253070L);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026   +0000\n"), 1795253070L);
	CHECK_EQ(date("Sun Nov  1 00:00:00 2026 +0000"), 1793491200L);
	/* Local time when there is no offset; the offset wins when given. */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026"), 1795253070L - 19800);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 +0000"), 1795253070L);
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_EQ(date("Sat Nov 1 09:24:30 2026"), -1);	/* not ctime's columns */
	CHECK_EQ(date("Nov 21 09:24:30 2026"), -1);
	CHECK_EQ(date("Xyz Nov 21 09:24:30 2026"), -1);
	CHECK_EQ(date("Sat Noe 21 09:24:30 2026"), -1);
	CHECK_EQ(date("Sat Nov 31 09:24:30 2026"), -1);	/* no such day */
	CHECK_EQ(date("Sat Nov 21 24:00:00 2026"), -1);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 junk"), -1);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 +01"), -1);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026+0000"), -1);
	CHECK_EQ(date("Sat Nov 21 09:24:30 2026 +2400"), -1);
	CHECK_EQ(date("Sat Nov 21 09:24:30 20x6"), -1);
	CHECK_EQ(date(""), -1);
}

static void
test_line(void)
{
	size_t n = 0;
	int level = -1;
	time_t t = 0;

	CHECK_EQ(dumpdates_parse_line("/dev/sda1 3 Sat Nov 21 09:24:30 2026 "
	    "+0000\n", &n, &level, &t), 0);
	CHECK_EQ(n, 9);
	CHECK_EQ(level, 3);
	CHECK_EQ(t, 1795253070L);
	CHECK_EQ(dumpdates_parse_line("img\t0\tSat Nov 21 09:24:30 2026",
	    &n, &level, &t), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(dumpdates_parse_line("  \n", &n, &level, &t), 1);
	CHECK_EQ(dumpdates_parse_line("", &n, &level, &t), 1);
	CHECK_EQ(dumpdates_parse_line("/dev/sda1\n", &n, &level, &t), -1);
	CHECK_EQ(dumpdates_parse_line("/dev/sda1 x Sat Nov 21 09:24:30 2026\n",
	    &n, &level, &t), -1);
	CHECK_EQ(dumpdates_parse_line("/dev/sda1 10 Sat Nov 21 09:24:30 2026\n",
	    &n, &level, &t), -1);
	CHECK_EQ(dumpdates_parse_line("/dev/sda1 1\n", &n, &level, &t), -1);
	CHECK_EQ(dumpdates_parse_line(" /dev/sda1 1 Sat Nov 21 09:24:30 2026\n",
	    &n, &level, &t), -1);
}

static void
test_choice(void)
{
	struct ddates dd;
	const struct ddent *e;

	/* Levels 0, 3, 1 in date order: a level 5 or 2 builds on the 1. */
	CHECK_EQ(dumpdates_read(put("choice",
	    "/dev/a 0 Sat Nov 21 09:24:30 2026 +0000\n"
	    "/dev/a 3 Sat Nov 21 09:25:00 2026 +0000\n"
	    "/dev/b 0 Sat Nov 21 10:00:00 2026 +0000\n"
	    "\n"
	    "/dev/a 1 Sat Nov 21 09:26:05 2026 +0000\n"
	    "/dev/a 2 Sat Nov 21 09:26:05 2026 +0000\n"), 0, &dd), 0);
	CHECK_EQ(dd.n, 5);
	CHECK((e = dumpdates_last(&dd, "/dev/a", 5)) && e->level == 1);
	CHECK((e = dumpdates_last(&dd, "/dev/a", 2)) && e->level == 1);
	CHECK((e = dumpdates_last(&dd, "/dev/a", 1)) && e->level == 0 &&
	    e->date == 1795253070L);
	CHECK(dumpdates_last(&dd, "/dev/a", 0) == NULL);
	CHECK(dumpdates_last(&dd, "/dev/c", 9) == NULL);
	/* A tie goes to the first listed. */
	CHECK((e = dumpdates_last(&dd, "/dev/a", 9)) && e->level == 1);
	CHECK((e = dumpdates_last(&dd, "/dev/b", 9)) && e->level == 0);
	dumpdates_free(&dd);
}

/* dumpdates_read with stderr caught, to see what it says. */
static int
read_caught(const char *path, int create, struct ddates *dd, char *out,
    size_t len)
{
	char errpath[256];
	int saved, fd, rc;
	FILE *f;
	size_t n;

	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	rc = dumpdates_read(path, create, dd);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = 0;
	if ((f = fopen(errpath, "r")) != NULL) {
		n = fread(out, 1, len - 1, f);
		fclose(f);
	}
	out[n] = '\0';
	return rc;
}

static void
test_malformed(void)
{
	struct ddates dd;
	char err[1024];
	const char *path;

	path = put("bad", "/dev/a 0 Sat Nov 21 09:24:30 2026 +0000\n"
	    "\n"
	    "/dev/a one Sat Nov 21 09:25:00 2026 +0000\n"
	    "/dev/a 1 Sat Nov 21 09:26:05 2026 +0000\n");
	CHECK_EQ(read_caught(path, 0, &dd, err, sizeof(err)), -1);
	CHECK(strstr(err, ", line 3: /dev/a one") != NULL);
	CHECK_EQ(dd.n, 0);
	/* A missing file is a warning, or made with -u. */
	path = put("none", "");
	unlink(path);
	CHECK_EQ(read_caught(path, 0, &dd, err, sizeof(err)), 0);
	CHECK(strstr(err, "WARNING: no file `") != NULL);
	CHECK(access(path, F_OK) == -1);
	CHECK_EQ(read_caught(path, 1, &dd, err, sizeof(err)), 0);
	CHECK(strstr(err, "making an empty one") != NULL);
	CHECK(access(path, F_OK) == 0);
	CHECK_EQ(dd.n, 0);
}

static void
test_since(void)
{
	struct dump d;

	memset(&d, 0, sizeof(d));
	d.opt.dumpdates = put("since", "img 0 Sat Nov 21 09:24:30 2026 +0000\n"
	    "img 2 Sat Nov 21 09:30:00 2026 +0000\n");
	d.opt.source = "img";
	d.opt.level = 2;
	CHECK_EQ(dumpdates_since(&d), 0);
	CHECK_EQ(d.ddate, 1795253070L);
	CHECK_EQ(d.lastlevel, 0);
	CHECK_EQ(d.opt.level, 2);
	d.opt.level = 3;
	CHECK_EQ(dumpdates_since(&d), 0);
	CHECK_EQ(d.lastlevel, 2);
	/* Nothing below: a level 0 after two warnings. */
	d.opt.source = "other";
	d.opt.level = 4;
	CHECK_EQ(dumpdates_since(&d), 0);
	CHECK_EQ(d.ddate, 0);
	CHECK_EQ(d.opt.level, 0);
	CHECK_EQ(d.st.warnings, 2);
	/* -T: its date, and no level. */
	d.opt.Tflag = 1;
	d.opt.Tdate = 1234567890L;
	d.opt.level = 1;
	CHECK_EQ(dumpdates_since(&d), 0);
	CHECK_EQ(d.ddate, 1234567890L);
	CHECK_EQ(d.lastlevel, -1);
}

/* -u: the entry replaced where it was, others untouched, then appended. */
static void
test_update(void)
{
	struct dump d;
	struct ddates dd;
	const struct ddent *e;

	setenv("TZ", "IST-5:30", 1);
	tzset();
	memset(&d, 0, sizeof(d));
	d.opt.dumpdates = put("upd", "img 0 Sat Nov 21 09:24:30 2026 +0000\n"
	    "img 1 Sat Nov 21 09:30:00 2026 +0000\n"
	    "garbage kept as it is\n"
	    "img 1 Sat Nov 21 09:40:00 2026 +0000\n"
	    "other 1 Sat Nov 21 09:30:00 2026 +0000");
	d.opt.source = "img";
	d.opt.level = 1;
	d.st.start = 1795300000L;
	CHECK_EQ(dumpdates_update(&d), 0);
	CHECK(strcmp(slurp(d.opt.dumpdates),
	    "img 0 Sat Nov 21 09:24:30 2026 +0000\n"
	    "img 1 Sun Nov 22 03:56:40 2026 +0530\n"
	    "garbage kept as it is\n"
	    "other 1 Sat Nov 21 09:30:00 2026 +0000\n") == 0);
	d.opt.level = 5;
	CHECK_EQ(dumpdates_update(&d), 0);
	/* Without the garbage line, which would stop a read. */
	put("upd", strstr(slurp(d.opt.dumpdates), "other"));
	CHECK_EQ(dumpdates_read(d.opt.dumpdates, 0, &dd), 0);
	CHECK_EQ(dd.n, 2);
	CHECK((e = dumpdates_last(&dd, "img", 9)) && e->level == 5 &&
	    e->date == 1795300000L);
	dumpdates_free(&dd);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* A symlinked dumpdates stays a link; the file keeps its permissions. */
static void
test_update_link(void)
{
	struct dump d;
	struct stat st;
	char real[256], link[256];

	snprintf(real, sizeof(real), "%s", put("real", ""));
	snprintf(link, sizeof(link), "%s/link", dir);
	CHECK_EQ(chmod(real, 0600), 0);
	CHECK_EQ(symlink("real", link), 0);
	memset(&d, 0, sizeof(d));
	d.opt.dumpdates = link;
	d.opt.source = "img";
	d.st.start = 1795253070L;
	CHECK_EQ(dumpdates_update(&d), 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat(real, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(strcmp(slurp(real), "img 0 Sat Nov 21 09:24:30 2026 +0000\n") ==
	    0);
}

static void
test_cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
}

static void
test_setup(void)
{
	CHECK(mkdtemp(dir) != NULL);
}

TEST_MAIN(test_setup, test_date, test_line, test_choice, test_malformed,
    test_since, test_update, test_update_link, test_cleanup)
