// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for media-vtl.c: volume names, capacities and end of media
 * as short writes and ENOSPC, every kind of planned fault, faults that
 * fire once even across fork(), plan syntax errors with file:line, and
 * no writing through a planted symlink.  Each test works in its own
 * temporary directory and removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "testhelp.h"

#define KIB	1024

static char libdir[512];
static uint8_t buf[256 * KIB];

/* Make a fresh library directory, with a plan if plan is not NULL. */
static void
lib_make(const char *plan)
{
	const char *tmp = getenv("TMPDIR");
	char path[600];
	FILE *fp;

	snprintf(libdir, sizeof(libdir), "%s/vtl-test.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(libdir) == NULL)
		abort();
	if (plan == NULL)
		return;
	snprintf(path, sizeof(path), "%s/plan", libdir);
	if ((fp = fopen(path, "w")) == NULL || fputs(plan, fp) == EOF ||
	    fclose(fp) == EOF)
		abort();
}

/* Remove the library directory and everything in it (no subdirectories). */
static void
lib_remove(void)
{
	char path[1024];
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(libdir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", libdir, de->d_name);
		unlink(path);
	}
	closedir(dp);
	CHECK_EQ(rmdir(libdir), 0);
}

/* A library on a fresh directory with this plan; the test needs it. */
static struct vtl *
lib_open(const char *plan)
{
	struct vtl *v;

	lib_make(plan);
	if ((v = vtl_open(libdir)) == NULL) {
		fprintf(stderr, "vtl_open failed on plan:\n%s", plan);
		abort();
	}
	return v;
}

static void
lib_close(struct vtl *v)
{
	vtl_free(v);
	lib_remove();
}

/* The size of volume vol in bytes, -1 if it is missing. */
static long long
vol_size(const struct vtl *v, unsigned vol)
{
	char *path = vtl_path(v, vol);
	struct stat st;
	int rc = lstat(path, &st);

	free(path);
	return rc == -1 ? -1 : (long long)st.st_size;
}

/* vtl_write, with errno 0 on success so checks can compare it. */
static ssize_t
wr(struct vtl *v, unsigned vol, int fd, size_t len)
{
	ssize_t n;

	errno = 0;
	n = vtl_write(v, vol, fd, buf, len);
	if (n != -1)
		errno = 0;
	return n;
}

/*
 * Write len bytes to vol in a forked child, as a slave of the ring does:
 * did the child's vtl_write return want (and errno want_errno if -1)?
 */
static int
child_write(struct vtl *v, unsigned vol, int fd, size_t len, ssize_t want,
    int want_errno)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0)
		_exit(wr(v, vol, fd, len) == want && errno == want_errno ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Load vol, write len bytes of byte c and unload it. */
static void
vol_fill(struct vtl *v, unsigned vol, int c, size_t len)
{
	int fd = vtl_load(v, vol);

	CHECK(fd != -1);
	memset(buf, c, len);
	CHECK_EQ(wr(v, vol, fd, len), len);
	CHECK_EQ(vtl_unload(v, vol, fd), 0);
}

/* The first byte of what vtl_readback gives for vol, -1 on failure. */
static int
vol_first(struct vtl *v, unsigned vol)
{
	uint8_t c;
	int fd = vtl_readback(v, vol), rc;

	if (fd == -1)
		return -1;
	rc = read(fd, &c, 1) == 1 ? c : -1;
	close(fd);
	return rc;
}

static void
test_path(void)
{
	struct vtl *v = lib_open(NULL);
	char want[600], *p;

	snprintf(want, sizeof(want), "%s/vol001", libdir);
	CHECK(strcmp(p = vtl_path(v, 1), want) == 0);
	free(p);
	snprintf(want, sizeof(want), "%s/vol042", libdir);
	CHECK(strcmp(p = vtl_path(v, 42), want) == 0);
	free(p);
	snprintf(want, sizeof(want), "%s/vol1000", libdir);
	CHECK(strcmp(p = vtl_path(v, 1000), want) == 0);
	free(p);
	vtl_free(v);
	/* A trailing slash on DIR does not double. */
	snprintf(want, sizeof(want), "%s/", libdir);
	CHECK((v = vtl_open(want)) != NULL);
	snprintf(want, sizeof(want), "%s/vol007", libdir);
	CHECK(v != NULL && strcmp(p = vtl_path(v, 7), want) == 0);
	if (v != NULL)
		free(p);
	lib_close(v);
}

static void
test_noplan(void)
{
	struct vtl *v = lib_open(NULL);
	uint8_t back[4 * KIB];
	int fd, i;

	CHECK((fd = vtl_load(v, 1)) != -1);
	for (i = 0; i < 64; i++) {
		memset(buf, i, 4 * KIB);
		CHECK_EQ(wr(v, 1, fd, 4 * KIB), 4 * KIB);
	}
	CHECK_EQ(wr(v, 1, fd, sizeof(buf)), sizeof(buf));
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vol_size(v, 1), 64 * 4 * KIB + sizeof(buf));
	CHECK((fd = vtl_readback(v, 1)) != -1);
	CHECK_EQ(pread(fd, back, sizeof(back), 17 * 4 * KIB), sizeof(back));
	CHECK(back[0] == 17 && back[sizeof(back) - 1] == 17);
	close(fd);
	/* Loading again starts the volume over. */
	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vol_size(v, 1), 0);
	lib_close(v);
}

static void
test_capacity(void)
{
	struct vtl *v = lib_open("capacity 10\n");
	int fd;

	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, 8 * KIB), 8 * KIB);
	/* Only the whole records that fit, as a short count. */
	CHECK_EQ(wr(v, 1, fd, 4 * KIB + 100), 2 * KIB);
	CHECK_EQ(wr(v, 1, fd, KIB), -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(wr(v, 1, fd, 1), -1);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vol_size(v, 1), 10 * KIB);
	/* An exact fit is a full write; the next one is ENOSPC. */
	CHECK((fd = vtl_load(v, 2)) != -1);
	CHECK_EQ(wr(v, 2, fd, 10 * KIB), 10 * KIB);
	CHECK_EQ(wr(v, 2, fd, KIB), -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	/* Less than a record left: nothing fits. */
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(wr(v, 3, fd, 9 * KIB + 512), 9 * KIB + 512);
	CHECK_EQ(wr(v, 3, fd, KIB), -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	CHECK_EQ(vol_size(v, 3), 9 * KIB + 512);
	lib_close(v);
}

static void
test_volcapacity(void)
{
	struct vtl *v = lib_open("capacity 100\ncapacity 2 5\n"
	    "capacity 3 200\n");
	int fd;

	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, 64 * KIB), 64 * KIB);
	CHECK_EQ(wr(v, 1, fd, 64 * KIB), 36 * KIB);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK((fd = vtl_load(v, 2)) != -1);
	CHECK_EQ(wr(v, 2, fd, 8 * KIB), 5 * KIB);
	CHECK_EQ(wr(v, 2, fd, KIB), -1);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(wr(v, 3, fd, 150 * KIB), 150 * KIB);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	lib_close(v);
}

static void
test_eom(void)
{
	struct vtl *v = lib_open("capacity 100\neom 1 3\neom 2 3 once\n");
	int fd;

	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, 4 * KIB), 3 * KIB);
	CHECK_EQ(wr(v, 1, fd, KIB), -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	/* An eom is "always" by default: the same short tape again. */
	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, 4 * KIB), 3 * KIB);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	/*
	 * A once eom fired in a child stays in force for the rest of that
	 * load, in the parent too, and is gone when the volume is loaded
	 * again (a rewrite).
	 */
	CHECK((fd = vtl_load(v, 2)) != -1);
	CHECK(child_write(v, 2, fd, 4 * KIB, 3 * KIB, 0));
	CHECK_EQ(wr(v, 2, fd, KIB), -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	CHECK((fd = vtl_load(v, 2)) != -1);
	CHECK_EQ(wr(v, 2, fd, 4 * KIB), 4 * KIB);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	/* Other volumes get the capacity. */
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(wr(v, 3, fd, 64 * KIB), 64 * KIB);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	lib_close(v);
}

static void
test_werror(void)
{
	struct vtl *v = lib_open("werror 1 2\nwerror 2 0\n"
	    "werror 3 1 always\n");
	int fd;

	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, KIB), KIB);
	/* Records 1 and 2: covers record 2, fails, writes nothing. */
	CHECK_EQ(wr(v, 1, fd, 2 * KIB), -1);
	CHECK_EQ(errno, EIO);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), KIB);
	CHECK_EQ(wr(v, 1, fd, 2 * KIB), 2 * KIB);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vol_size(v, 1), 3 * KIB);
	/* The rewrite of the volume goes through. */
	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(wr(v, 1, fd, 8 * KIB), 8 * KIB);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	/* Fired by a forked slave: the parent's write goes through. */
	CHECK((fd = vtl_load(v, 2)) != -1);
	CHECK(child_write(v, 2, fd, KIB, -1, EIO));
	CHECK_EQ(wr(v, 2, fd, KIB), KIB);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	/* Always: every write covering record 1, in every load. */
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(wr(v, 3, fd, 4 * KIB), -1);
	CHECK_EQ(errno, EIO);
	CHECK_EQ(wr(v, 3, fd, 4 * KIB), -1);
	CHECK_EQ(wr(v, 3, fd, KIB), KIB);
	CHECK_EQ(wr(v, 3, fd, KIB), -1);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(wr(v, 3, fd, 4 * KIB), -1);
	CHECK_EQ(errno, EIO);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	lib_close(v);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_rate(void)
{
	struct vtl *v = lib_open("rate 1000\n");
	double t0, t;
	int fd, i;

	CHECK((fd = vtl_load(v, 1)) != -1);
	t0 = now();
	for (i = 0; i < 25; i++)
		CHECK_EQ(wr(v, 1, fd, 8 * KIB), 8 * KIB);
	t = now() - t0;
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK(t >= 0.15);
	CHECK(t < 5);
	/* A new load starts the clock again: no credit for the idle time. */
	usleep(200000);
	CHECK((fd = vtl_load(v, 2)) != -1);
	t0 = now();
	CHECK_EQ(wr(v, 2, fd, 100 * KIB), 100 * KIB);
	CHECK(now() - t0 >= 0.07);
	CHECK_EQ(vtl_unload(v, 2, fd), 0);
	lib_close(v);
	/* Without a rate the same writes are quick. */
	v = lib_open(NULL);
	CHECK((fd = vtl_load(v, 1)) != -1);
	t0 = now();
	for (i = 0; i < 25; i++)
		CHECK_EQ(wr(v, 1, fd, 8 * KIB), 8 * KIB);
	CHECK(now() - t0 < 0.15);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	lib_close(v);
}

static void
test_noopen(void)
{
	struct vtl *v = lib_open("noopen 1\nnoopen 2 always\n");
	int fd;

	errno = 0;
	CHECK_EQ(vtl_load(v, 1), -1);
	CHECK_EQ(errno, ENOMEDIUM);
	CHECK_EQ(vol_size(v, 1), -1);
	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vtl_load(v, 2), -1);
	CHECK_EQ(errno, ENOMEDIUM);
	CHECK_EQ(vtl_load(v, 2), -1);
	CHECK_EQ(errno, ENOMEDIUM);
	CHECK((fd = vtl_load(v, 3)) != -1);
	CHECK_EQ(vtl_unload(v, 3, fd), 0);
	/* The library opened again remembers what fired. */
	vtl_free(v);
	CHECK((v = vtl_open(libdir)) != NULL);
	CHECK((fd = vtl_load(v, 1)) != -1);
	CHECK_EQ(vtl_unload(v, 1, fd), 0);
	CHECK_EQ(vtl_load(v, 2), -1);
	lib_close(v);
}

static void
test_flip(void)
{
	struct vtl *v = lib_open("flip 1 5000\nflip 2 1 always\n");
	uint8_t back[8 * KIB];
	int fd, i, bad;

	vol_fill(v, 1, 0x5a, sizeof(back));
	CHECK((fd = vtl_readback(v, 1)) != -1);
	CHECK_EQ(read(fd, back, sizeof(back)), sizeof(back));
	close(fd);
	CHECK_EQ(back[5000], 0x5a ^ 0xff);
	for (bad = 0, i = 0; i < (int)sizeof(back); i++)
		bad += back[i] != 0x5a;
	CHECK_EQ(bad, 1);
	/* Once: the rewrite comes out whole. */
	vol_fill(v, 1, 0x5a, sizeof(back));
	CHECK((fd = vtl_readback(v, 1)) != -1);
	CHECK_EQ(read(fd, back, sizeof(back)), sizeof(back));
	close(fd);
	CHECK_EQ(back[5000], 0x5a);
	/* Always: every time. */
	vol_fill(v, 2, 0x11, KIB);
	vol_fill(v, 2, 0x11, KIB);
	CHECK((fd = vtl_readback(v, 2)) != -1);
	CHECK_EQ(read(fd, back, 2), 2);
	close(fd);
	CHECK(back[0] == 0x11 && back[1] == (0x11 ^ 0xff));
	lib_close(v);
}

static void
test_truncate(void)
{
	struct vtl *v = lib_open("truncate 1 3\ntruncate 2 100\n");

	vol_fill(v, 1, 1, 8 * KIB);
	CHECK_EQ(vol_size(v, 1), 3 * KIB);
	vol_fill(v, 1, 1, 8 * KIB);
	CHECK_EQ(vol_size(v, 1), 8 * KIB);
	/* A volume already shorter is not lengthened. */
	vol_fill(v, 2, 1, 8 * KIB);
	CHECK_EQ(vol_size(v, 2), 8 * KIB);
	lib_close(v);
}

static void
test_swap(void)
{
	struct vtl *v = lib_open("swap 1 2\nswap 3 1 always\n");

	vol_fill(v, 1, 'A', KIB);
	vol_fill(v, 2, 'B', KIB);
	vol_fill(v, 3, 'C', KIB);
	CHECK_EQ(vol_first(v, 1), 'B');
	CHECK_EQ(vol_first(v, 1), 'A');
	CHECK_EQ(vol_first(v, 2), 'B');
	CHECK_EQ(vol_first(v, 3), 'A');
	CHECK_EQ(vol_first(v, 3), 'A');
	CHECK_EQ(vol_first(v, 4), -1);
	lib_close(v);
}

/*
 * Open a library whose plan is bad and check that vtl_open fails and that
 * its message names DIR/plan:line and contains want.
 */
static void
check_badplan(const char *plan, unsigned line, const char *want)
{
	char errpath[700], where[700], text[2048];
	struct vtl *v;
	int fd, saved;
	ssize_t n;

	lib_make(plan);
	snprintf(errpath, sizeof(errpath), "%s/stderr", libdir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	v = vtl_open(libdir);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	snprintf(where, sizeof(where), "%s/plan:%u: ", libdir, line);
	CHECK(v == NULL);
	if (strstr(text, where) == NULL || strstr(text, want) == NULL) {
		fprintf(stderr, "plan \"%s\": want \"%s\" and \"%s\", got: %s",
		    plan, where, want, text);
		CHECK(0);
	}
	vtl_free(v);
	lib_remove();
}

static void
test_syntax(void)
{
	struct vtl *v;

	check_badplan("bogus 1\n", 1, "unknown directive \"bogus\"");
	check_badplan("# fine\n\ncapacity\n", 3, "size in KiB is missing");
	check_badplan("capacity 10k\n", 1, "\"10k\" is not a decimal number");
	check_badplan("capacity -5\n", 1, "not a decimal number");
	check_badplan("capacity 1 2 3\n", 1, "unexpected \"3\"");
	check_badplan("werror 0 5\n", 1, "volumes are numbered from 1");
	check_badplan("eom 1\n", 1, "eom V N [once|always]");
	check_badplan("werror 1 2 sometimes\n", 1, "unexpected \"sometimes\"");
	check_badplan("rate 0\n", 1, "at least 1 KiB/s");
	check_badplan("werror once 1 2\n", 1, "must be the last word");
	check_badplan("eom 1 2 once always\n", 1, "must be the last word");
	check_badplan("rate 5 once\n", 1, "takes no \"once\"");
	check_badplan("swap 1 1\n", 1, "itself");
	check_badplan("capacity 5\ncapacity 6\n", 2, "first at line 1");
	check_badplan("capacity 2 5\ncapacity 2 6\n", 2, "first at line 1");
	check_badplan("always\n", 1, "alone");
	check_badplan("noopen 99999999999\n", 1, "too large");
	check_badplan("truncate 1 99999999999999999999\n", 1, "too large");
	/* Comments, blank lines, tabs and CRLF are all fine. */
	lib_make("# a plan\n\n\tcapacity\t10 # KiB\r\neom 1 2 once\r\n"
	    "werror 1 5 always\nflip 2 0\ntruncate 2 1\nswap 1 2\n"
	    "noopen 3\nrate 100000\ncapacity 4 1\n");
	CHECK((v = vtl_open(libdir)) != NULL);
	lib_close(v);
}

static void
test_opendir(void)
{
	char path[700];
	int fd;

	lib_make(NULL);
	snprintf(path, sizeof(path), "%s/nonesuch", libdir);
	CHECK(vtl_open(path) == NULL);
	snprintf(path, sizeof(path), "%s/file", libdir);
	CHECK((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	close(fd);
	CHECK(vtl_open(path) == NULL);
	CHECK(vtl_open("") == NULL);
	/* A plan that is a directory cannot be read. */
	snprintf(path, sizeof(path), "%s/plan", libdir);
	CHECK_EQ(mkdir(path, 0700), 0);
	CHECK(vtl_open(libdir) == NULL);
	CHECK_EQ(rmdir(path), 0);
	lib_remove();
}

static void
test_nofollow(void)
{
	struct vtl *v = lib_open(NULL);
	char target[700], *link = vtl_path(v, 1);
	int fd;

	snprintf(target, sizeof(target), "%s/precious", libdir);
	CHECK((fd = open(target, O_WRONLY | O_CREAT, 0600)) != -1);
	CHECK_EQ(write(fd, "keep", 4), 4);
	close(fd);
	CHECK_EQ(symlink(target, link), 0);
	errno = 0;
	CHECK_EQ(vtl_load(v, 1), -1);
	CHECK_EQ(errno, ELOOP);
	CHECK_EQ(vtl_readback(v, 1), -1);
	free(link);
	link = vtl_path(v, 2);
	CHECK_EQ(symlink(target, link), 0);
	CHECK_EQ(vtl_readback(v, 2), -1);
	free(link);
	CHECK((fd = open(target, O_RDONLY)) != -1);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 4);
	close(fd);
	lib_close(v);
}

TEST_MAIN(test_path, test_noplan, test_capacity, test_volcapacity, test_eom,
    test_werror, test_rate, test_noopen, test_flip, test_truncate, test_swap,
    test_syntax, test_opendir, test_nofollow)
