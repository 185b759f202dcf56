// SPDX-License-Identifier: BSD-2-Clause
/*
 * The control server: a process of its own, forked before the dump
 * starts, that turns the status board into protocol lines for every
 * console attached to --control's socket and for --status-fd, and puts
 * the consoles' answers on the board.  Being a separate process, a slow
 * or vanished console never slows or blocks the dump, and consoles can
 * come and go while questions wait.  Only the engine's own user and root
 * may attach (SO_PEERCRED).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"

#define CLIENTS_MAX	16
#define TICK_MS		250	/* at most 4 updates a second */
#define OUTBUF_MAX	(1024 * 1024)	/* a console this far behind is dropped */

struct client {
	int		 fd;
	int		 readonly;	/* --status-fd */
	int		 greeted;	/* hello sent */
	uid_t		 uid;
	char		*out;		/* lines not yet written */
	size_t		 nout, capout;
	char		 in[CTL_LINEMAX];
	size_t		 nin;
	uint32_t	 hello_gen;
	uint32_t	 nvol;
	uint64_t	 logseq;
	uint32_t	 alert_seq;
	int64_t		 qsent, asent;
	int		 ended;
	uint64_t	 last[2 + BOARD_SLAVES];	/* hashes: status, tape,
							   slaves */
};

static struct client	 cl[CLIENTS_MAX];
static volatile sig_atomic_t stop;

/* SIGTERM: from ctl_server_stop() at the end, or from the kernel when the
 * first process is gone; either way finish now. */
static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Queue a line for c; a console that falls too far behind is dropped. */
static void
client_put(struct client *c, const char *line, size_t len)
{
	char *p;

	if (c->fd == -1)
		return;
	if (c->nout + len > c->capout) {
		if (c->nout + len > OUTBUF_MAX) {
			close(c->fd);
			c->fd = -1;
			return;
		}
		if ((p = realloc(c->out, c->nout + len + 8192)) == NULL)
			return;
		c->out = p;
		c->capout = c->nout + len + 8192;
	}
	memcpy(c->out + c->nout, line, len);
	c->nout += len;
}

static void
client_send(struct client *c, int type, const void *m)
{
	char line[CTL_LINEMAX];
	int n = ctl_encode(type, m, line, sizeof(line));

	if (n > 0)
		client_put(c, line, (size_t)n);
}

/* Send m unless it is the same as what slot last carried (by an FNV-1a
 * hash of the line; never 0, the hash of nothing sent). */
static void
client_send_changed(struct client *c, int slot, int type, const void *m)
{
	char line[CTL_LINEMAX];
	int i, n = ctl_encode(type, m, line, sizeof(line));
	uint64_t h = 14695981039346656037ULL;

	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)line[i]) * 1099511628211ULL;
	h |= 1;
	if (c->last[slot] == h)
		return;
	c->last[slot] = h;
	client_put(c, line, (size_t)n);
}

static void
client_close(struct client *c)
{
	if (c->fd != -1 && !c->readonly)
		close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* The progress figures, with dump's formula: time left is the elapsed
 * time (operator waits excluded) times records to go over records done. */
static void
server_status(struct board *b, struct ctl_status *s)
{
	time_t now = time(NULL), start = atomic_load(&b->vol_start);
	int64_t done = atomic_load(&b->tapea), est = atomic_load(&b->estimate);
	int state = atomic_load(&b->state);

	memset(s, 0, sizeof(*s));
	snprintf(s->state, sizeof(s->state), "%s",
	    state >= 0 && state <= BD_ABORTED ? board_state_words[state] : "");
	s->pass = atomic_load(&b->pass);
	s->ino = atomic_load(&b->ino);
	s->tapea = done;
	s->estimate = est;
	s->waited = atomic_load(&b->waited);
	/* The open question's wait counts already, as dump's formula would
	 * once it is answered. */
	if (atomic_load(&b->q_id) != atomic_load(&b->a_id))
		s->waited += now - atomic_load(&b->q_time);
	s->elapsed = start > 0 ? now - start - s->waited : 0;
	s->permille = s->eta = -1;
	if (est < done)
		est = done;
	if (est > 0 && done > 0) {
		s->permille = done * 1000 / est;
		if (s->elapsed > 0) {
			s->rate = done / s->elapsed;
			s->eta = (int64_t)((double)s->elapsed * (double)est /
			    (double)done) - s->elapsed;
		}
	}
	if (state == BD_DONE)
		s->permille = 1000, s->eta = 0;
}

static void
server_slaves(struct board *b, struct client *c)
{
	struct ctl_slave s;
	int i, n = atomic_load(&b->nslaves), st;

	for (i = 0; i < n && i < BOARD_SLAVES; i++) {
		memset(&s, 0, sizeof(s));
		s.n = i;
		s.pid = atomic_load(&b->slave[i].pid);
		s.blocks = atomic_load(&b->slave[i].blocks);
		s.addr = atomic_load(&b->slave[i].addr);
		st = atomic_load(&b->slave[i].state);
		snprintf(s.state, sizeof(s.state), "%s",
		    st >= 0 && st <= BS_GONE ? board_slave_words[st] : "");
		client_send_changed(c, 2 + i, CTL_SLAVE, &s);
	}
}

static void
server_tape(struct board *b, struct client *c)
{
	struct ctl_tape t;
	uint32_t g;

	do {
		g = atomic_load(&b->tape_gen);
		t = b->tape;
	} while ((g & 1) || g != atomic_load(&b->tape_gen));
	if (t.volume == 0)
		return;
	t.records = atomic_load(&b->vol_records);
	t.tapea = atomic_load(&b->tapea);
	client_send_changed(c, 1, CTL_TAPE, &t);
}

static void
server_logs(struct board *b, struct client *c)
{
	uint64_t next = atomic_load(&b->log_next);
	struct ctl_log l;
	struct board_log *s;

	if (next > BOARD_LOGS && c->logseq < next - BOARD_LOGS)
		c->logseq = next - BOARD_LOGS;
	for (; c->logseq < next; c->logseq++) {
		s = &b->log[c->logseq % BOARD_LOGS];
		if (atomic_load(&s->seq) != c->logseq + 1)
			break;		/* still being written */
		memset(&l, 0, sizeof(l));
		l.seq = (int64_t)c->logseq + 1;
		l.time = s->time;
		snprintf(l.text, sizeof(l.text), "%s", s->text);
		client_send(c, CTL_LOG, &l);
	}
}

static void
server_question(struct board *b, struct client *c)
{
	int64_t q = atomic_load(&b->q_id), a = atomic_load(&b->a_id);
	struct ctl_answered ad;

	/* Even one answered between two samples is shown, then settled. */
	if (q != 0 && c->qsent != q) {
		client_send(c, CTL_QUESTION, &b->q);
		c->qsent = q;
	}
	if (a != 0 && a == c->qsent && c->asent != a) {
		int ch = atomic_load(&b->a_choice);

		memset(&ad, 0, sizeof(ad));
		ad.id = a;
		if (ch >= 0 && ctl_choice(&b->q, ch) != NULL)
			snprintf(ad.choice, sizeof(ad.choice), "%s",
			    ctl_choice(&b->q, ch));
		snprintf(ad.by, sizeof(ad.by), "%s", b->a_by);
		client_send(c, CTL_ANSWERED, &ad);
		c->asent = a;
	}
}

/* Bring one client up to date with the board. */
static void
server_sync(struct board *b, struct client *c)
{
	struct ctl_status s;
	struct ctl_alert al;
	uint32_t n, g = atomic_load(&b->hello_gen);

	if (c->fd == -1)
		return;
	if (!c->greeted || c->hello_gen != g) {
		c->greeted = 1;
		client_send(c, CTL_HELLO, &b->hello);
		c->hello_gen = g;
	}
	n = atomic_load(&b->nvolumes);
	if (n > BOARD_VOLUMES && c->nvol < n - BOARD_VOLUMES)
		c->nvol = n - BOARD_VOLUMES;
	for (; c->nvol < n; c->nvol++)
		client_send(c, CTL_VOLUME, &b->volume[c->nvol % BOARD_VOLUMES]);
	server_logs(b, c);
	server_status(b, &s);
	client_send_changed(c, 0, CTL_STATUS, &s);
	server_slaves(b, c);
	server_tape(b, c);
	n = atomic_load(&b->alert_seq);
	if (n != c->alert_seq) {
		memset(&al, 0, sizeof(al));
		al.seq = n;
		snprintf(al.text, sizeof(al.text), "%s", b->alert);
		client_send(c, CTL_ALERT, &al);
		c->alert_seq = n;
	}
	server_question(b, c);
}

/* An answer from a console: only for the open question, with one of its
 * words. */
static void
server_answer(struct board *b, struct client *c, const struct ctl_answer *a)
{
	struct passwd *pw;
	const char *w;
	int i;

	if (a->id == 0 || a->id != atomic_load(&b->q_id) ||
	    a->id == atomic_load(&b->a_id))
		return;
	for (i = 0; (w = ctl_choice(&b->q, i)) != NULL; i++)
		if (strcmp(w, a->choice) == 0)
			break;
	if (w == NULL)
		return;
	pw = getpwuid(c->uid);
	snprintf(b->a_by, sizeof(b->a_by), "console of %s",
	    pw != NULL ? pw->pw_name : "?");
	atomic_store(&b->a_choice, i);
	atomic_store(&b->a_id, a->id);
}

static void
server_line(struct board *b, struct client *c, const char *line)
{
	union ctl_any m;

	switch (ctl_decode(line, &m)) {
	case CTL_ANSWER:
		server_answer(b, c, &m.answer);
		break;
	case CTL_ABORT:
		snprintf(b->abort_by, sizeof(b->abort_by), "%s",
		    m.abort.by[0] != '\0' ? m.abort.by : "the console");
		atomic_store(&b->abort_req, 1);
		break;
	default:
		break;		/* unknown lines are ignored */
	}
}

static void
server_read(struct board *b, struct client *c)
{
	ssize_t n;
	char *nl;

	n = read(c->fd, c->in + c->nin, sizeof(c->in) - 1 - c->nin);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			client_close(c);
		return;
	}
	c->nin += (size_t)n;
	c->in[c->nin] = '\0';
	while ((nl = strchr(c->in, '\n')) != NULL) {
		*nl = '\0';
		server_line(b, c, c->in);
		c->nin -= (size_t)(nl + 1 - c->in);
		memmove(c->in, nl + 1, c->nin + 1);
	}
	if (c->nin == sizeof(c->in) - 1)
		c->nin = 0;	/* an over-long line: drop it */
}

static void
server_flush(struct client *c)
{
	ssize_t n;

	while (c->fd != -1 && c->nout > 0) {
		n = c->readonly ? write(c->fd, c->out, c->nout) :
		    send(c->fd, c->out, c->nout, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_close(c);
			return;
		}
		memmove(c->out, c->out + n, c->nout - (size_t)n);
		c->nout -= (size_t)n;
	}
}

static void
server_accept(struct board *b, int lfd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int fd, i;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1 ||
	    (cr.uid != geteuid() && cr.uid != 0)) {
		close(fd);	/* only the dump's user and root */
		return;
	}
	for (i = 0; i < CLIENTS_MAX; i++)
		if (cl[i].fd == -1 && cl[i].out == NULL) {
			int64_t q = atomic_load(&b->q_id);

			cl[i].fd = fd;
			cl[i].uid = cr.uid;
			/* A console attaching late is not shown old questions. */
			if (q == atomic_load(&b->a_id))
				cl[i].qsent = cl[i].asent = q;
			return;
		}
	close(fd);
}

/* The last words to every client: the end, then the connection closes. */
static void
server_finish(struct board *b)
{
	struct ctl_end e;
	int i, status = atomic_load(&b->exit_status);

	memset(&e, 0, sizeof(e));
	if (!atomic_load(&b->ended))
		status = X_ABORT;	/* the first process vanished */
	e.status = status;
	snprintf(e.text, sizeof(e.text), "%s", !atomic_load(&b->ended) ?
	    "Dump aborted: the engine is gone" : status == X_FINOK ?
	    "DUMP IS DONE" : status == X_STARTUP ? "Dump did not start" :
	    "Dump aborted");
	for (i = 0; i < CLIENTS_MAX; i++) {
		if (cl[i].fd == -1)
			continue;
		server_sync(b, &cl[i]);
		client_send(&cl[i], CTL_END, &e);
		server_flush(&cl[i]);
		if (cl[i].fd != -1 && !cl[i].readonly)
			shutdown(cl[i].fd, SHUT_RDWR);
		client_close(&cl[i]);
	}
}

static void
server_loop(struct board *b, int lfd, pid_t parent)
{
	struct pollfd pfd[CLIENTS_MAX + 1];
	int i, n, map[CLIENTS_MAX + 1];

	while (!stop && !atomic_load(&b->ended) && getppid() == parent) {
		n = 0;
		if (lfd != -1) {
			pfd[n].fd = lfd;
			pfd[n].events = POLLIN;
			map[n++] = -1;
		}
		for (i = 0; i < CLIENTS_MAX; i++) {
			if (cl[i].fd == -1 || cl[i].readonly)
				continue;
			pfd[n].fd = cl[i].fd;
			pfd[n].events = POLLIN | (cl[i].nout ? POLLOUT : 0);
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, TICK_MS) > 0)
			for (i = 0; i < n; i++) {
				if (!(pfd[i].revents & (POLLIN | POLLHUP |
				    POLLERR)))
					continue;
				if (map[i] == -1)
					server_accept(b, lfd);
				else
					server_read(b, &cl[map[i]]);
			}
		for (i = 0; i < CLIENTS_MAX; i++) {
			server_sync(b, &cl[i]);
			server_flush(&cl[i]);
		}
	}
	server_finish(b);
}

/* Listen on path, after making sure no live dump listens there. */
static int
server_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd, probe;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		msg("--control %s: path too long for a socket\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			msg("--control %s: another dump listens there\n", path);
			return -1;
		}
		close(probe);
	}
	unlink(path);		/* a stale socket of a dump that died */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(path, 0600) == -1 || listen(fd, 4) == -1) {
		msg("--control %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Start the server if the options ask for one; returns 0 or -1.  It runs
 * until board_end() and ctl_server_stop(), or until the first process is
 * gone.
 */
int
ctl_server_start(struct dump *d)
{
	struct board *b = board_get();
	sigset_t term, old;
	int lfd = -1, i;
	pid_t pid, parent = getpid();

	if (b == NULL)
		return 0;
	if (d->opt.control != NULL &&
	    (lfd = server_listen(d->opt.control)) == -1)
		return -1;
	fflush(NULL);
	/* SIGTERM waits until the server has its handler: an early end must
	 * still reach the consoles. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	if ((pid = fork()) == -1) {
		msg("Cannot start the control server: %s\n", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (lfd != -1)
			close(lfd);
		return -1;
	}
	if (pid > 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		atomic_store(&b->server_pid, pid);
		if (lfd != -1)
			close(lfd);
		if (d->opt.statusfd != -1)
			close(d->opt.statusfd);
		return 0;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGTERM, on_term);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < CLIENTS_MAX; i++)
		cl[i].fd = -1;
	if (d->opt.statusfd != -1) {
		cl[0].fd = d->opt.statusfd;
		cl[0].readonly = 1;
	}
	server_loop(b, lfd, parent);
	if (d->opt.control != NULL)
		unlink(d->opt.control);
	_exit(0);
}

/* The first process is leaving: let the server say so and wait for it. */
void
ctl_server_stop(int status)
{
	struct board *b = board_get();
	pid_t pid;
	int i;

	if (b == NULL || b->top_pid != (int32_t)getpid() ||
	    (pid = atomic_load(&b->server_pid)) <= 0)
		return;
	board_end(status);
	kill(pid, SIGTERM);	/* wake it now, not at its next tick */
	for (i = 0; i < 1000; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		usleep(5000);
	}
	kill(pid, SIGKILL);	/* stuck on a status descriptor nobody reads */
	waitpid(pid, NULL, 0);
}
