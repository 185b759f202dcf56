// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for the control protocol (ctl-proto.c) and the engine's end
 * of it: every message type survives encode and decode, hostile strings
 * stay one line, over-long lines are refused, unknown types and keys are
 * ignored; the run directory refuses a directory others can enter; and a
 * question asked through the board (optr-chan.c) is answered by a console
 * speaking to the real control server over its socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"
#include "testhelp.h"

static void
test_roundtrip(void)
{
	struct ctl_question q, *r;
	union ctl_any m;
	char line[CTL_LINEMAX];
	int n;

	memset(&q, 0, sizeof(q));
	q.id = 42;
	q.n = 3;
	snprintf(q.kind, sizeof(q.kind), "%s", CTL_Q_WRITE);
	snprintf(q.c0, sizeof(q.c0), "rewrite");
	snprintf(q.c1, sizeof(q.c1), "next");
	snprintf(q.c2, sizeof(q.c2), "abort");
	snprintf(q.p0, sizeof(q.p0), "Do you want to rewrite this volume?");
	snprintf(q.context, sizeof(q.context),
	    "write error: 100%% sure\nsecond line\ttab = sign %%41 \x1b[2J");
	snprintf(q.device, sizeof(q.device), "/tmp/a b;c'd");
	n = ctl_encode(CTL_QUESTION, &q, line, sizeof(line));
	CHECK(n > 0);
	CHECK_EQ(strchr(line, '\n') - line, n - 1);	/* one line */
	CHECK(strchr(line, '\x1b') == NULL);
	CHECK(strncmp(line, "200 question ", 13) == 0);
	CHECK_EQ(ctl_decode(line, &m), CTL_QUESTION);
	r = &m.question;
	CHECK_EQ(r->id, 42);
	CHECK_EQ(r->n, 3);
	CHECK(strcmp(r->context, q.context) == 0);
	CHECK(strcmp(r->device, q.device) == 0);
	CHECK(strcmp(ctl_choice(r, 1), "next") == 0);
	CHECK(ctl_choice(r, 3) == NULL);
	CHECK(strcmp(ctl_prompt(r, 0), q.p0) == 0);
}

static void
test_every_type(void)
{
	static const int types[] = { CTL_HELLO, CTL_STATUS, CTL_SLAVE,
	    CTL_TAPE, CTL_VOLUME, CTL_LOG, CTL_ALERT, CTL_END, CTL_QUESTION,
	    CTL_ANSWERED, CTL_ANSWER, CTL_ABORT };
	union ctl_any a, b;
	char line[CTL_LINEMAX];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&a, 0, sizeof(a));
		CHECK(ctl_encode(types[i], &a, line, sizeof(line)) > 0);
		CHECK_EQ(ctl_decode(line, &b), types[i]);
		CHECK(strcmp(ctl_name(types[i]), "unknown") != 0);
	}
	memset(&a, 0, sizeof(a));
	a.status.eta = -1;
	a.status.tapea = 1234567890123LL;
	snprintf(a.status.state, sizeof(a.status.state), "dumping");
	CHECK(ctl_encode(CTL_STATUS, &a, line, sizeof(line)) > 0);
	CHECK_EQ(ctl_decode(line, &b), CTL_STATUS);
	CHECK_EQ(b.status.eta, -1);
	CHECK_EQ(b.status.tapea, 1234567890123LL);
	CHECK(strcmp(b.status.state, "dumping") == 0);
}

static void
test_bad_lines(void)
{
	union ctl_any m;
	struct ctl_log l;
	char small[64];

	CHECK_EQ(ctl_decode("999 nothing x=1\n", &m), -1);
	CHECK_EQ(ctl_decode("hello\n", &m), -1);
	CHECK_EQ(ctl_decode("", &m), -1);
	CHECK_EQ(ctl_decode("300x answer\n", &m), -1);
	/* Unknown keys and junk words are skipped; known ones still read. */
	CHECK_EQ(ctl_decode("300 answer zz=9 junk id=7 choice=yes%", &m),
	    CTL_ANSWER);
	CHECK_EQ(m.answer.id, 7);
	CHECK(strcmp(m.answer.choice, "yes%") == 0);
	/* Too long for the buffer: refused, never cut. */
	memset(&l, 0, sizeof(l));
	memset(l.text, 'x', 200);
	CHECK_EQ(ctl_encode(CTL_LOG, &l, small, sizeof(small)), -1);
	CHECK_EQ(ctl_encode(12345, &l, small, sizeof(small)), -1);
}

static char tmpdir[] = "/tmp/ctl-test.XXXXXX";

static void
test_rundir(void)
{
	char buf[256], path[300];

	snprintf(path, sizeof(path), "%s/run", tmpdir);
	setenv("OPDUMP_RUNDIR", path, 1);
	CHECK_EQ(ctl_rundir(buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, path) == 0);
	chmod(path, 0755);
	CHECK_EQ(ctl_rundir(buf, sizeof(buf)), -1);
	CHECK_EQ(errno, EPERM);
	rmdir(path);
	unsetenv("OPDUMP_RUNDIR");
}

/* A console: connect, wait for the question, answer word, read the
 * answered line.  Returns 0 when all of it happened. */
static int
console(const char *path, const char *word)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536], out[CTL_LINEMAX], *p, *nl;
	union ctl_any m;
	size_t have = 0;
	int fd, i, asked = 0;
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	for (i = 0; i < 200 && connect(fd, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1; i++)
		usleep(20000);
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			*nl = '\0';
			switch (ctl_decode(p, &m)) {
			case CTL_QUESTION:
				if (asked++)
					break;
				m.answer.id = m.question.id;
				snprintf(m.answer.choice,
				    sizeof(m.answer.choice), "%s", word);
				ctl_encode(CTL_ANSWER, &m.answer, out,
				    sizeof(out));
				if (write(fd, out, strlen(out)) < 0)
					return -1;
				break;
			case CTL_ANSWERED:
				close(fd);
				return asked == 1 && strcmp(m.answered.choice,
				    word) == 0 ? 0 : -1;
			}
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
	}
	close(fd);
	return -1;
}

static const struct optr_choice write_q[] = {
	{ "rewrite", "Do you want to rewrite this volume?" },
	{ "next", "Do you want to start the next tape?" },
	{ "abort", "Do you want to abort?" },
};

static void
test_question(void)
{
	struct dump d;
	char sock[300];
	pid_t pid;
	int status, ans, devnull = open("/dev/null", O_WRONLY), saved = dup(2);

	memset(&d, 0, sizeof(d));
	snprintf(sock, sizeof(sock), "%s/c.sock", tmpdir);
	d.opt.control = sock;
	d.opt.statusfd = -1;
	d.opt.tape = "/dev/null";
	CHECK_EQ(board_init(&d), 0);
	CHECK_EQ(ctl_server_start(&d), 0);
	CHECK(optr_init(&d) == 0);
	if ((pid = fork()) == 0)
		_exit(console(sock, "next") == 0 ? 0 : 1);
	dup2(devnull, 2);		/* the engine's messages */
	ans = optr_ask(&d, Q_WRITE, "write error", write_q, 3);
	dup2(saved, 2);
	CHECK_EQ(ans, 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A second question gets a new id; an abort from a console
	 * answers "abort". */
	board_get()->abort_req = 1;
	dup2(devnull, 2);
	ans = optr_ask(&d, Q_WRITE, "write error", write_q, 3);
	dup2(saved, 2);
	CHECK_EQ(ans, 2);
	CHECK_EQ(board_get()->q_id, 2);
	ctl_server_stop(X_FINOK);
	CHECK(access(sock, F_OK) == -1);	/* the server cleaned up */
	optr_free(&d);
	close(devnull);
	close(saved);
}

static void
cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void
setup(void)
{
	if (mkdtemp(tmpdir) == NULL)
		abort();
}

TEST_MAIN(setup, test_roundtrip, test_every_type, test_bad_lines,
    test_rundir, test_question, cleanup)
