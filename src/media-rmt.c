// SPDX-License-Identifier: BSD-2-Clause
/*
 * Remote volumes through rmt(8): -f [user@]host:path.  Each volume is one
 * session, "$RSH host -l user $RMT" with pipes on its standard input and
 * output: an O request, W requests from the slaves, C at the end.  The
 * slaves share the session: only the one holding the token writes, and it
 * reads its own reply before passing the token on, so requests and replies
 * never interleave.  An error the far side reports comes back as its
 * errno; a broken connection as ECONNRESET.  volume.c decides what either
 * means for the dump.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mtio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opdump.h"

#define RMT_DEFAULT	"/etc/rmt"
#define RSH_DEFAULT	"ssh"
/* dump's rmt reads at most this many bytes of a name, silently. */
#define RMT_NAMEMAX	63

struct rmt {
	char		*user;		/* -l argument, NULL: none */
	char		*host;
	char		*path;		/* the name on the far side */
	pid_t		 pid;		/* the RSH process */
	int		 to, from;	/* its standard input and output */
	int		 lost;		/* the connection broke */
};

/* dump's rule: a name is remote when a colon comes before any slash. */
int
rmt_is_remote(const char *name)
{
	const char *colon = strchr(name, ':'), *slash = strchr(name, '/');

	if (strncmp(name, VTL_PREFIX, strlen(VTL_PREFIX)) == 0)
		return 0;
	return colon != NULL && (slash == NULL || colon < slash);
}

/*
 * Split [user@]host:path into fresh strings; the user is NULL when none
 * is given.  Returns -1 (ENOMEM) only when memory runs out.
 */
static int
rmt_split(const char *name, char **user, char **host, char **path)
{
	const char *colon = strchr(name, ':'), *at;

	at = memchr(name, '@', (size_t)(colon - name));
	*user = at != NULL ? strndup(name, (size_t)(at - name)) : NULL;
	at = at != NULL ? at + 1 : name;
	*host = strndup(at, (size_t)(colon - at));
	*path = strdup(colon + 1);
	if (*host == NULL || *path == NULL || (at != name && *user == NULL)) {
		free(*user);
		free(*host);
		free(*path);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* The [user@]host part of a remote name, into buf; "" for a local one. */
const char *
rmt_host(const char *name, char *buf, size_t len)
{
	size_t n = rmt_is_remote(name) ? strcspn(name, ":") : 0;

	snprintf(buf, len, "%.*s", (int)n, name);
	return buf;
}

/* The path part of a remote name; the name itself for a local one. */
const char *
rmt_path(const char *name)
{
	return name + (rmt_is_remote(name) ? strcspn(name, ":") + 1 : 0);
}

/*
 * Check a remote name as dump does before connecting: a host, a path, a
 * plain user name, no newline (it would end the request early).
 */
int
rmt_check(const char *name)
{
	const char *colon = strchr(name, ':'), *at, *p;

	at = memchr(name, '@', (size_t)(colon - name));
	if (strchr(name, '\n') != NULL) {
		msg("invalid characters in tape\n");
		return -1;
	}
	if (colon == (at != NULL ? at + 1 : name) || colon[1] == '\0' ||
	    at == name) {
		msg("remote output \"%s\": write it as [user@]host:device\n",
		    name);
		return -1;
	}
	for (p = name; at != NULL && p < at; p++)
		if (!isascii((unsigned char)*p) || (!isalnum((unsigned char)*p) &&
		    *p != '_' && *p != '-' && *p != '.')) {
			msg("invalid user name %.*s\n", (int)(at - name), name);
			return -1;
		}
	return 0;
}

/* The program that reaches the far side: $RSH, or ssh. */
static const char *
rmt_rsh(void)
{
	const char *rsh = getenv("RSH");

	return rsh != NULL && *rsh != '\0' ? rsh : RSH_DEFAULT;
}

/*
 * Can $RSH be run at all?  Checked once before the dump starts, so that
 * a typo is a startup error as in dump, not a question per volume.
 */
int
rmt_check_rsh(void)
{
	const char *rsh = rmt_rsh(), *path = getenv("PATH");
	char buf[4096];
	size_t n;

	if (strchr(rsh, '/') != NULL) {
		if (access(rsh, X_OK) == 0)
			return 0;
		msg("cannot run RSH program \"%s\": %s\n", rsh, strerror(errno));
		return -1;
	}
	for (path = path != NULL ? path : "/usr/bin:/bin"; ; path += n + 1) {
		n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".",
		    rsh);
		if (access(buf, X_OK) == 0)
			return 0;
		if (path[n] == '\0')
			break;
	}
	msg("cannot run RSH program \"%s\": not found in PATH\n", rsh);
	return -1;
}

/* Mark the session broken, telling the operator once. */
static int
rmt_lost(struct rmt *r)
{
	if (!r->lost)
		msg("Lost connection to remote host %s\n", r->host);
	r->lost = 1;
	errno = ECONNRESET;
	return -1;
}

/* Send all of a request; a failure is a lost connection. */
static int
rmt_send(struct rmt *r, const void *buf, size_t len)
{
	if (r->lost) {
		errno = ECONNRESET;
		return -1;
	}
	return ring_write_full(r->to, buf, len) == -1 ? rmt_lost(r) : 0;
}

/*
 * Read exactly len bytes of the reply.  Replies are read a line at a
 * time, byte by byte: the descriptor is shared with the other slaves, so
 * nothing past this reply may be taken from it.
 */
static int
rmt_recv(struct rmt *r, void *buf, size_t len)
{
	return ring_read_full(r->from, buf, len) == 0 ? 0 : rmt_lost(r);
}

static int
rmt_line(struct rmt *r, char *line, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (rmt_recv(r, line + i, 1) == -1)
			return -1;
		if (line[i] == '\n') {
			line[i] = '\0';
			return 0;
		}
	}
	line[i] = '\0';
	msg("Protocol to remote tape server %s botched (line \"%s\")\n",
	    r->host, line);
	return rmt_lost(r);
}

/*
 * One reply: "Anumber" gives the number, "Eerrno\nmessage" (or F) sets
 * errno and returns -1.  Anything else breaks the session.
 */
static int
rmt_reply(struct rmt *r, long long *val)
{
	char code[64], text[256];
	char *end;

	if (rmt_line(r, code, sizeof(code)) == -1)
		return -1;
	if (code[0] == 'E' || code[0] == 'F') {
		if (rmt_line(r, text, sizeof(text)) == -1)
			return -1;
		errno = atoi(code + 1) > 0 ? atoi(code + 1) : EIO;
		return -1;
	}
	errno = 0;
	*val = strtoll(code + 1, &end, 10);
	if (code[0] != 'A' || end == code + 1 || *end != '\0' || errno != 0) {
		msg("Protocol to remote tape server %s botched (code \"%s\")\n",
		    r->host, code);
		return rmt_lost(r);
	}
	return 0;
}

/* A request without data, and its reply. */
static int
rmt_call(struct rmt *r, const char *req, long long *val)
{
	return rmt_send(r, req, strlen(req)) == -1 ? -1 : rmt_reply(r, val);
}

/* Close the descriptors of fds that are open; keeps errno. */
static void
rmt_closeall(int *fds, int n)
{
	int err = errno;

	while (n-- > 0)
		if (fds[n] != -1)
			close(fds[n]);
	errno = err;
}

/* Start $RSH host -l user $RMT on a pair of pipes. */
static int
rmt_spawn(struct rmt *r)
{
	const char *argv[6], *rmt = getenv("RMT");
	int fd[6] = { -1, -1, -1, -1, -1, -1 }, err = 0, i = 0;

	argv[i++] = rmt_rsh();
	argv[i++] = r->host;
	if (r->user != NULL) {
		argv[i++] = "-l";
		argv[i++] = r->user;
	}
	argv[i++] = rmt != NULL && *rmt != '\0' ? rmt : RMT_DEFAULT;
	argv[i] = NULL;
	/* fd: its input, its output, and a pipe that tells an exec failure. */
	if (pipe2(fd, O_CLOEXEC) == -1 || pipe2(fd + 2, O_CLOEXEC) == -1 ||
	    pipe2(fd + 4, O_CLOEXEC) == -1) {
		rmt_closeall(fd, 6);
		return -1;
	}
	fflush(NULL);
	if ((r->pid = fork()) == -1) {
		rmt_closeall(fd, 6);
		return -1;
	}
	if (r->pid == 0) {
		/* Its own group: ^C is the engine's to handle, not ssh's. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (dup2(fd[0], 0) != -1 && dup2(fd[3], 1) != -1) {
			/* Nothing of ours but the pipe for exec errors. */
			if (fd[5] > 3)
				close_range(3, (unsigned)fd[5] - 1, 0);
			close_range((unsigned)fd[5] + 1, ~0U, 0);
			execvp(argv[0], (char *const *)argv);
		}
		err = errno;
		(void)!write(fd[5], &err, sizeof(err));
		_exit(127);
	}
	r->to = fd[1];
	r->from = fd[2];
	fd[1] = fd[2] = -1;
	close(fd[5]);
	fd[5] = -1;
	/* The exec either happens (end of file) or tells us why not. */
	if (read(fd[4], &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		msg("cannot run %s: %s\n", argv[0], strerror(err));
		errno = err;
	}
	rmt_closeall(fd, 6);
	return err != 0 ? -1 : 0;
}

/*
 * End the session without a word: close the pipes and reap RSH, which
 * should leave once its input ends; one that lingers is terminated.
 */
void
rmt_free(struct rmt *r)
{
	int i, status;

	if (r == NULL)
		return;
	if (r->to != -1)
		close(r->to);
	if (r->from != -1)
		close(r->from);
	for (i = 0; r->pid > 0 && i < 100 &&
	    waitpid(r->pid, &status, WNOHANG) == 0; i++)
		usleep(50000);
	if (r->pid > 0 && i == 100) {
		kill(r->pid, SIGTERM);
		(void)waitpid(r->pid, &status, 0);
	}
	free(r->user);
	free(r->host);
	free(r->path);
	free(r);
}

/*
 * Open the remote name (host:path) with open(2) flags: start a session
 * and send O.  Returns NULL with errno set; a lost connection has been
 * reported already, the remote's own errors are the caller's to report.
 */
struct rmt *
rmt_open(const char *name, int flags)
{
	struct rmt *r;
	char *req;
	long long val;
	int err, mode;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->to = r->from = -1;
	if (rmt_split(name, &r->user, &r->host, &r->path) == -1) {
		free(r);
		return NULL;
	}
	if (r->user == NULL && getpwuid(getuid()) != NULL)
		r->user = strdup(getpwuid(getuid())->pw_name);
	signal(SIGPIPE, SIG_IGN);	/* a dead peer is an error, not a kill */
	/* The mode as a number and in the symbolic form GNU rmt reads. */
	mode = flags & O_ACCMODE;
	if (rmt_spawn(r) == -1 || asprintf(&req, "O%s\n%d %s%s%s\n", r->path,
	    mode, mode == O_RDONLY ? "O_RDONLY" : mode == O_WRONLY ?
	    "O_WRONLY" : "O_RDWR", flags & O_CREAT ? "|O_CREAT" : "",
	    flags & O_TRUNC ? "|O_TRUNC" : "") == -1)
		goto fail;
	err = rmt_call(r, req, &val);
	free(req);
	/* dump's rmt cuts a long name and reads the rest as a request: a
	 * harmless L shows whether the far side is still with us. */
	if (err == 0 && strlen(r->path) > RMT_NAMEMAX &&
	    rmt_call(r, "L0\n1\n", &val) == -1 && r->lost)
		err = -1;
	if (err == 0)
		return r;
fail:
	err = errno;
	if (strlen(r->path) > RMT_NAMEMAX)
		msg("the remote name has %zu bytes; dump's rmt reads only %d\n",
		    strlen(r->path), RMT_NAMEMAX);
	rmt_free(r);
	errno = err;
	return NULL;
}

/* Write one block; returns what the remote write(2) returned. */
ssize_t
rmt_write(struct rmt *r, const void *buf, size_t len)
{
	char head[32];
	long long val;

	snprintf(head, sizeof(head), "W%zu\n", len);
	if (rmt_send(r, head, strlen(head)) == -1 ||
	    rmt_send(r, buf, len) == -1 || rmt_reply(r, &val) == -1)
		return -1;
	if (val < 0 || (unsigned long long)val > len) {
		msg("remote tape server %s wrote %lld of %zu bytes\n", r->host,
		    val, len);
		return rmt_lost(r);
	}
	return (ssize_t)val;
}

/* The slaves' write(2), fd unused, and how the ring is given it. */
static ssize_t
rmt_ring_write(void *arg, int fd, const void *buf, size_t len)
{
	(void)fd;
	return rmt_write(arg, buf, len);
}

void
rmt_hook(struct rmt *r, struct ring_out *out)
{
	out->write = rmt_ring_write;
	out->arg = r;
}

/* A descriptor that stands for the session in struct volume. */
int
rmt_fd(const struct rmt *r)
{
	return r->to;
}

/* Read up to len bytes: one read(2) on the far side. */
ssize_t
rmt_read(struct rmt *r, void *buf, size_t len)
{
	char req[32];
	long long val;

	snprintf(req, sizeof(req), "R%zu\n", len);
	if (rmt_call(r, req, &val) == -1)
		return -1;
	if (val < 0 || (unsigned long long)val > len) {
		msg("remote tape server %s sent %lld of %zu bytes\n", r->host,
		    val, len);
		return rmt_lost(r);
	}
	if (rmt_recv(r, buf, (size_t)val) == -1)
		return -1;
	return (ssize_t)val;
}

/* A magnetic tape operation (MTREW, MTOFFL) in the far side's numbers. */
int
rmt_ioctl(struct rmt *r, int op, int count)
{
	char req[64];
	long long val;

	snprintf(req, sizeof(req), "I%d\n%d\n", op, count);
	return rmt_call(r, req, &val) == -1 ? -1 : 0;
}

/* Close the remote device (C) and end the session. */
int
rmt_close(struct rmt *r)
{
	long long val;
	int rc = rmt_call(r, "C\n", &val), err = errno;

	rmt_free(r);
	errno = err;
	return rc;
}

/*
 * Open name for reading from its start: rewound first, as media_readback()
 * rewinds a local tape.  A file refuses the rewind, which is harmless.
 * (S would tell a tape from a file, but dump's rmt takes it bare and
 * GNU rmt wants a newline after it: either guess breaks one of them.)
 */
static struct rmt *
rmt_open_start(const char *name)
{
	struct rmt *r = rmt_open(name, O_RDONLY);

	if (r != NULL && rmt_ioctl(r, MTREW, 1) == -1 && r->lost) {
		rmt_free(r);
		return NULL;
	}
	return r;
}

/* The body of the reader behind rmt_readback(); never returns. */
static void __attribute__((noreturn))
rmt_feed(const char *name, size_t blksize, int ok, int out)
{
	struct rmt *r = rmt_open_start(name);
	char *buf = malloc(blksize);
	int err = r == NULL ? errno : buf == NULL ? ENOMEM : 0;
	ssize_t n = 0;

	signal(SIGPIPE, SIG_IGN);
	(void)!write(ok, &err, sizeof(err));
	close(ok);
	while (err == 0 && (n = rmt_read(r, buf, blksize)) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (err == 0 && n == -1 && !r->lost)
		msg("read error on %s: %s\n", name, strerror(errno));
	close(out);
	if (r != NULL)
		(void)rmt_close(r);
	free(buf);
	_exit(0);
}

/*
 * Read a remote volume back: a descriptor from which its bytes can be
 * read(2) to the end, as from a local one.  A process of its own (the
 * child of a child, so nobody has to reap it) reads the volume block by
 * block through a new session and feeds a pipe.  -1 with errno set.
 */
int
rmt_readback(const char *name, size_t blksize)
{
	int p[2], ok[2], err = 0, status;
	pid_t pid;

	p[0] = p[1] = ok[0] = ok[1] = -1;
	if (pipe2(p, O_CLOEXEC) == -1 || pipe2(ok, O_CLOEXEC) == -1)
		goto fail;
	fflush(NULL);
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		close(p[0]);
		close(ok[0]);
		if (fork() == 0)
			rmt_feed(name, blksize, ok[1], p[1]);
		_exit(0);
	}
	close(p[1]);
	close(ok[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (read(ok[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = ECHILD;
	close(ok[0]);
	if (err == 0)
		return p[0];
	close(p[0]);
	errno = err;
	return -1;
fail:
	rmt_closeall(p, 2);
	rmt_closeall(ok, 2);
	return -1;
}

/*
 * The first len bytes of a remote volume (its first block, for telling
 * what it holds before it is overwritten): bytes read, or -1 with errno.
 */
ssize_t
rmt_readfirst(const char *name, void *buf, size_t len)
{
	struct rmt *r = rmt_open_start(name);
	ssize_t n;
	int err;

	if (r == NULL)
		return -1;
	n = rmt_read(r, buf, len);
	err = errno;
	/* A remote tape must be at its start again for the writer; a file
	 * refuses the request, which does no harm. */
	(void)rmt_ioctl(r, MTREW, 1);
	(void)rmt_close(r);
	errno = err;
	return n;
}
