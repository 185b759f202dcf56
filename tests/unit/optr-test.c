// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for optr.c: -q, the answers file (also across fork), the tty
 * prompt driven through a pseudo-terminal, the refusal to hang without a
 * terminal, the waiting time, and notices to the operator group through a
 * fake utmp file and a fake /dev.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include "opdump.h"
#include "testhelp.h"

static const struct optr_choice mount_q[] = {
	{ "yes", "Is the new volume mounted and ready to go?" },
	{ "abort", "Do you want to abort?" },
};
static const struct optr_choice write_q[] = {
	{ "rewrite", "Do you want to rewrite this volume?" },
	{ "next", "Do you want to start the next tape?" },
	{ "abort", "Do you want to abort?" },
};

static char tmpdir[] = "/tmp/optr-test.XXXXXX";
static int saved_stderr = -1;

static char *
tmppath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void
putfile(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

/* The whole of a small file, NUL-terminated, in a static buffer. */
static const char *
getfile(const char *path)
{
	static char buf[8192];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) == -1)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

/* Send stderr to a file until capture_end(), which returns what came. */
static void
capture_begin(void)
{
	int fd;

	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(tmppath("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

static const char *
capture_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	return getfile(tmppath("stderr"));
}

static void
dump_new(struct dump *d, int qflag)
{
	memset(d, 0, sizeof(*d));
	d->opt.qflag = qflag;
	d->outfd = -1;
	d->tocfd = -1;
}

static void
test_qflag(void)
{
	struct dump d;
	const char *err;

	/* -q wins over an answers file. */
	putfile(tmppath("answers"), "yes\n");
	setenv("OPDUMP_ANSWERS", tmppath("answers"), 1);
	dump_new(&d, 1);
	CHECK_EQ(optr_init(&d), 0);
	capture_begin();
	CHECK_EQ(optr_ask(&d, Q_MOUNT, "volume 1 is full", mount_q, 2), -1);
	err = capture_end();
	CHECK(strstr(err, "  DUMP: volume 1 is full\n") != NULL);
	CHECK(strstr(err, "  DUMP: Is the new volume mounted and ready to "
	    "go? - forced abort\n") != NULL);
	optr_free(&d);
	CHECK(d.optr == NULL);
	unsetenv("OPDUMP_ANSWERS");
}

static void
test_script(void)
{
	struct dump d;
	const char *err;

	putfile(tmppath("answers"),
	    "# a training run\nyes\n\n   next  \n#abort\nabort\nbogus\n");
	setenv("OPDUMP_ANSWERS", tmppath("answers"), 1);
	dump_new(&d, 0);
	CHECK_EQ(optr_init(&d), 0);
	capture_begin();
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), 0);
	CHECK_EQ(optr_ask(&d, Q_WRITE, "write error", write_q, 3), 1);
	CHECK_EQ(optr_ask(&d, Q_WRITE, NULL, write_q, 3), 2);
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), -1);	/* bogus */
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), -1);	/* EOF */
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), -1);
	err = capture_end();
	CHECK(strstr(err, "Is the new volume mounted and ready to go?: yes "
	    "(from ") != NULL);
	CHECK(strstr(err, "  DUMP: write error\n") != NULL);
	CHECK(strstr(err, "rewrite this volume?: next (from ") != NULL);
	CHECK(strstr(err, "rewrite this volume?: abort (from ") != NULL);
	CHECK(strstr(err, "unknown answer \"bogus\"") != NULL);
	CHECK(strstr(err, "\"yes\" or \"abort\"") != NULL);
	CHECK(strstr(err, "no answer left in ") != NULL);
	CHECK(strstr(err, " for: Is the new volume mounted and ready to go?")
	    != NULL);
	optr_free(&d);

	/* A missing answers file is an error at once. */
	setenv("OPDUMP_ANSWERS", tmppath("no-such-file"), 1);
	capture_begin();
	CHECK_EQ(optr_init(&d), -1);
	err = capture_end();
	CHECK(strstr(err, "no-such-file") != NULL);
	CHECK(d.optr == NULL);
	unsetenv("OPDUMP_ANSWERS");
}

/* Run one question in a child and return its answer, or -2. */
static int
ask_in_child(struct dump *d, const struct optr_choice *ch, int n)
{
	pid_t pid;
	int st, ans;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		ans = optr_ask(d, Q_MOUNT, NULL, ch, n);
		optr_free(d);
		_exit(ans + 1);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -2;
	return WEXITSTATUS(st) - 1;
}

static void
test_script_fork(void)
{
	struct dump d;

	putfile(tmppath("answers"), "yes\nrewrite\nabort\nnext\n");
	setenv("OPDUMP_ANSWERS", tmppath("answers"), 1);
	dump_new(&d, 0);
	CHECK_EQ(optr_init(&d), 0);
	capture_begin();
	CHECK_EQ(ask_in_child(&d, mount_q, 2), 0);	/* yes */
	CHECK_EQ(ask_in_child(&d, write_q, 3), 0);	/* rewrite */
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), 1);	/* abort */
	CHECK_EQ(ask_in_child(&d, write_q, 3), 1);	/* next */
	CHECK_EQ(optr_ask(&d, Q_MOUNT, NULL, mount_q, 2), -1);
	capture_end();
	optr_free(&d);
	unsetenv("OPDUMP_ANSWERS");
}

/*
 * Without a controlling terminal the question fails at once.  The child
 * is a new session leader, so it has none; alarm() only guards the test.
 */
static void
test_notty(void)
{
	struct dump d;
	struct timespec t0, t1;
	pid_t pid;
	int st;

	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == 0) {
		alarm(10);
		setsid();
		dump_new(&d, 0);
		if (optr_init(&d) != 0)
			_exit(2);
		capture_begin();
		st = optr_ask(&d, Q_MOUNT, NULL, mount_q, 2);
		optr_free(&d);
		if (strstr(capture_end(), "Cannot ask the operator \"Is the new "
		    "volume mounted and ready to go?\": no terminal (/dev/tty: ")
		    == NULL)
			_exit(3);
		_exit(st == -1 ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	CHECK(t1.tv_sec - t0.tv_sec < 5);
}

/*
 * Wait up to 10 seconds for want in the output of the pty master, after
 * what was matched before (*seen), which then moves past the match.
 */
static int
expect(int mfd, char *buf, size_t len, size_t *have, size_t *seen,
    const char *want)
{
	time_t end = time(NULL) + 10;
	char *p;
	ssize_t n;

	for (;;) {
		buf[*have] = '\0';
		if ((p = strstr(buf + *seen, want)) != NULL) {
			*seen = (size_t)(p - buf) + strlen(want);
			return 1;
		}
		if (time(NULL) > end || *have + 1 >= len)
			return 0;
		n = read(mfd, buf + *have, len - 1 - *have);
		if (n <= 0 && errno != EINTR && errno != EAGAIN)
			return 0;
		if (n > 0) {
			/* Output may hold NULs: show them as something. */
			for (p = buf + *have; p < buf + *have + n; p++)
				if (*p == '\0')
					*p = '@';
			*have += (size_t)n;
		}
		if (n <= 0)
			usleep(10000);
	}
}

struct ptyrun {
	int	mfd;		/* the master */
	pid_t	pid;
	int	res[2];		/* the child's answer and waited, via a pipe */
	char	buf[16384];
	size_t	have, seen;
};

/*
 * Fork a child whose controlling terminal and stderr are a new pty, and
 * let it ask choices; the parent plays the operator on the master.
 */
static int
pty_start(struct ptyrun *pr, const struct optr_choice *ch, int n)
{
	struct dump d;
	char *slave;
	long out[2];
	int sfd;

	memset(pr, 0, sizeof(*pr));
	if ((pr->mfd = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(pr->mfd) == -1 || unlockpt(pr->mfd) == -1 ||
	    (slave = ptsname(pr->mfd)) == NULL || pipe(pr->res) == -1)
		return -1;
	fcntl(pr->mfd, F_SETFL, O_NONBLOCK);
	fflush(NULL);
	if ((pr->pid = fork()) == 0) {
		alarm(20);
		close(pr->res[0]);
		setsid();
		if ((sfd = open(slave, O_RDWR)) == -1 ||
		    ioctl(sfd, TIOCSCTTY, 0) == -1)
			_exit(2);
		dup2(sfd, 2);
		setenv("OPDUMP_ALERT_SECS", "1", 1);
		dump_new(&d, 0);
		d.st.waited = 100;
		if (optr_init(&d) != 0)
			_exit(3);
		out[0] = optr_ask(&d, Q_WRITE, "a question", ch, n);
		out[1] = (long)d.st.waited;
		optr_free(&d);
		_exit(write(pr->res[1], out, sizeof(out)) == sizeof(out) ? 0 : 4);
	}
	close(pr->res[1]);
	return pr->pid == -1 ? -1 : 0;
}

static int
pty_expect(struct ptyrun *pr, const char *want)
{
	int ok = expect(pr->mfd, pr->buf, sizeof(pr->buf), &pr->have,
	    &pr->seen, want);

	if (!ok)
		fprintf(stderr, "pty: no \"%s\" in:\n%s\n", want, pr->buf);
	return ok;
}

/* Reap the child; its answer and waited time go to out. */
static void
pty_end(struct ptyrun *pr, long out[2])
{
	int st;

	out[0] = out[1] = -99;
	CHECK(waitpid(pr->pid, &st, 0) == pr->pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(read(pr->res[0], out, 2 * sizeof(long)) == 2 * sizeof(long));
	close(pr->res[0]);
	close(pr->mfd);
}

static void
test_tty(void)
{
	struct ptyrun pr;
	long out[2];
	char *p;

	if (pty_start(&pr, write_q, 3) == -1) {
		CHECK(!"cannot start the pty child");
		return;
	}
	CHECK(pty_expect(&pr, "  DUMP: a question"));
	CHECK(pty_expect(&pr, "  DUMP: Do you want to rewrite this volume?: "
	    "(\"yes\" or \"no\") "));
	CHECK(write(pr.mfd, "maybe\n", 6) == 6);
	CHECK(pty_expect(&pr, "  DUMP: \"Yes\" or \"No\"?"));
	CHECK(pty_expect(&pr, "rewrite this volume?: (\"yes\" or \"no\") "));
	CHECK(write(pr.mfd, "n\n", 2) == 2);
	CHECK(pty_expect(&pr, "  DUMP: Do you want to start the next tape?: "
	    "(\"yes\" or \"no\") "));
	CHECK(write(pr.mfd, "No\n", 3) == 3);
	CHECK(pty_expect(&pr, "Do you want to abort?: (\"yes\" or \"no\") "));
	CHECK(write(pr.mfd, "n\n", 2) == 2);
	/* After the last question, the first comes again. */
	CHECK(pty_expect(&pr, "rewrite this volume?: (\"yes\" or \"no\") "));
	CHECK(write(pr.mfd, "no\n", 3) == 3);
	CHECK(pty_expect(&pr, "next tape?: (\"yes\" or \"no\") "));
	/* Nobody answers for a while: bells and the question again. */
	CHECK(pty_expect(&pr, "\a\a  DUMP: Do you want to start the next "
	    "tape?: (\"yes\" or \"no\") "));
	p = strstr(pr.buf, "\a\a");
	CHECK(p != NULL && strstr(p, "rewrite") == NULL);
	CHECK(write(pr.mfd, "Y\n", 2) == 2);
	pty_end(&pr, out);
	CHECK_EQ(out[0], 1);
	/* At least a second waited, added to what was there. */
	CHECK(out[1] >= 101 && out[1] < 120);
}

/* End of file on the tty, again and again: give up, do not spin. */
static void
test_tty_eof(void)
{
	struct ptyrun pr;
	long out[2];
	int i;

	if (pty_start(&pr, mount_q, 2) == -1) {
		CHECK(!"cannot start the pty child");
		return;
	}
	for (i = 0; i < 3; i++) {
		CHECK(pty_expect(&pr, "ready to go?: (\"yes\" or \"no\") "));
		CHECK(write(pr.mfd, "\004", 1) == 1);
	}
	CHECK(pty_expect(&pr, "End of file on /dev/tty"));
	pty_end(&pr, out);
	CHECK_EQ(out[0], -1);
	CHECK(out[1] >= 100 && out[1] < 110);
}

static void
pututx(int fd, short type, const char *user, const char *line)
{
	struct utmpx ut;

	memset(&ut, 0, sizeof(ut));
	ut.ut_type = type;
	ut.ut_pid = 1234;
	strncpy(ut.ut_user, user, sizeof(ut.ut_user));
	strncpy(ut.ut_line, line, sizeof(ut.ut_line));
	CHECK(write(fd, &ut, sizeof(ut)) == (ssize_t)sizeof(ut));
}

static void
test_notify(void)
{
	const char *t0;
	char dev[300];
	int fd;

	snprintf(dev, sizeof(dev), "%s/dev", tmpdir);
	CHECK(mkdir(dev, 0700) == 0);
	putfile(tmppath("dev/t0"), "");
	putfile(tmppath("dev/t1"), "");
	putfile(tmppath("dev/t2"), "");
	putfile(tmppath("escape"), "");
	fd = open(tmppath("utmp"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd != -1);
	pututx(fd, LOGIN_PROCESS, "LOGIN", "t2");
	pututx(fd, USER_PROCESS, "root", "t0");
	pututx(fd, USER_PROCESS, "nobody", "t1");
	pututx(fd, DEAD_PROCESS, "root", "t2");
	pututx(fd, USER_PROCESS, "root", "../escape");
	pututx(fd, USER_PROCESS, "root", "missing");
	close(fd);

	CHECK_EQ(optr_notify("root", tmppath("utmp"), dev,
	    "mount volume 2\nof 3\033[2J\a\n"), 1);
	t0 = getfile(tmppath("dev/t0"));
	CHECK(strncmp(t0, "\r\n\a\a\aMessage from the dump program to all "
	    "operators at ", 50) == 0);
	CHECK(strstr(t0, " ...\r\n\r\nDUMP: NEEDS ATTENTION: mount volume 2"
	    "\r\nof 3?[2J\a\r\n") != NULL);
	CHECK_EQ(strlen(getfile(tmppath("dev/t1"))), 0);
	CHECK_EQ(strlen(getfile(tmppath("dev/t2"))), 0);
	CHECK_EQ(strlen(getfile(tmppath("escape"))), 0);

	/* With a trailing slash on the directory, and a missing utmp. */
	putfile(tmppath("dev/t0"), "");
	strcat(dev, "/");
	CHECK_EQ(optr_notify("root", tmppath("utmp"), dev, "x\n"), 1);
	CHECK(strstr(getfile(tmppath("dev/t0")), "ATTENTION: x\r\n") != NULL);
	CHECK_EQ(optr_notify("root", tmppath("no-utmp"), dev, "x"), 0);
	CHECK_EQ(optr_notify("no-such-group-here", tmppath("utmp"), dev, "x"),
	    -1);
}

/* Broadcasts without -n stay local; with one, they are remembered. */
static void
test_broadcast(void)
{
	struct dump d;
	const char *err;

	dump_new(&d, 1);
	CHECK_EQ(optr_init(&d), 0);
	capture_begin();
	optr_broadcast(&d, "first");
	optr_broadcast(&d, "second");
	err = capture_end();
	CHECK_EQ(strlen(err), 0);
	optr_free(&d);
}

static void
cleanup(void)
{
	const char *names[] = { "dev/t0", "dev/t1", "dev/t2", "dev", "escape",
	    "utmp", "answers", "stderr" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove(tmppath(names[i]));
	rmdir(tmpdir);
}

static void
setup(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	unsetenv("OPDUMP_ANSWERS");
	unsetenv("OPDUMP_ALERT_SECS");
	signal(SIGPIPE, SIG_IGN);
}

TEST_MAIN(setup, test_qflag, test_script, test_script_fork, test_notty,
    test_tty, test_tty_eof, test_notify, test_broadcast, cleanup)
