// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console's side of the control channel: the UNIX socket to the
 * engine, the line buffer that reassembles messages split across reads,
 * and the model those messages update.  No curses here: the screen reads
 * the model, and tests/unit/ui-model-test.c feeds it lines directly.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"

/* Allocate the model's log ring; everything else starts zeroed. */
int
model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->log = calloc(MODEL_LOGLINES, sizeof(*m->log));
	return m->log != NULL ? 0 : -1;
}

void
model_free(struct model *m)
{
	free(m->log);
	free(m->vol);
	m->log = NULL;
	m->vol = NULL;
	m->nvol = m->volcap = 0;
}

/* Keep one log line, dropping the oldest once the ring is full. */
static void
model_log_put(struct model *m, const struct ctl_log *l)
{
	m->log[m->loghead] = *l;
	m->loghead = (m->loghead + 1) % MODEL_LOGLINES;
	if (m->nlog < MODEL_LOGLINES)
		m->nlog++;
	m->logtotal++;
}

/* Add a line of the console's own (seq 0) to the log pane. */
void
model_log_add(struct model *m, time_t t, const char *text)
{
	struct ctl_log l;

	memset(&l, 0, sizeof(l));
	l.time = t;
	snprintf(l.text, sizeof(l.text), "%s", text);
	model_log_put(m, &l);
	m->changed++;
}

/* Log line i, counting from the oldest held (0) to nlog - 1. */
const struct ctl_log *
model_log_get(const struct model *m, size_t i)
{
	if (i >= m->nlog)
		return NULL;
	return &m->log[(m->loghead + MODEL_LOGLINES - m->nlog + i) %
	    MODEL_LOGLINES];
}

/*
 * A finished volume joins the history; the same volume number again (a
 * rewritten volume) replaces its row, so a reconnect's replay is harmless.
 */
static int
model_volume(struct model *m, const struct ctl_volume *v)
{
	struct ctl_volume *nv;
	size_t i, cap;

	for (i = 0; i < m->nvol; i++)
		if (m->vol[i].volume == v->volume) {
			m->vol[i] = *v;
			return 0;
		}
	if (m->nvol == m->volcap) {
		cap = m->volcap != 0 ? m->volcap * 2 : 8;
		if ((nv = realloc(m->vol, cap * sizeof(*nv))) == NULL)
			return -1;
		m->vol = nv;
		m->volcap = cap;
	}
	m->vol[m->nvol++] = *v;
	return 0;
}

/* An "answered" settles the open question when it names it. */
static void
model_answered(struct model *m, const struct ctl_answered *a)
{
	m->answered = *a;
	if (m->have_question && m->question.id == a->id)
		m->have_question = 0;
}

/*
 * Apply one line to the model.  Returns the message type, or -1 for a
 * line that is not a message (ignored, as the protocol asks).  Messages
 * meant for the engine (answer, abort) are ignored too.
 */
int
model_feed(struct model *m, const char *line)
{
	union ctl_any a;
	int type;

	switch (type = ctl_decode(line, &a)) {
	case CTL_HELLO:
		m->hello = a.hello;
		m->have_hello = 1;
		break;
	case CTL_STATUS:
		m->status = a.status;
		m->have_status = 1;
		break;
	case CTL_SLAVE:
		if (a.slave.n < 0 || a.slave.n >= MODEL_SLAVES)
			return type;
		m->slave[a.slave.n] = a.slave;
		if (a.slave.n >= m->nslaves)
			m->nslaves = (int)a.slave.n + 1;
		break;
	case CTL_TAPE:
		m->tape = a.tape;
		m->have_tape = 1;
		break;
	case CTL_VOLUME:
		if (model_volume(m, &a.volume) == -1)
			return type;
		break;
	case CTL_LOG:
		model_log_put(m, &a.log);
		break;
	case CTL_ALERT:
		m->alerts++;
		memcpy(m->alert, a.alert.text, sizeof(m->alert));
		break;
	case CTL_END:
		m->end = a.end;
		m->ended = 1;
		m->have_question = 0;
		break;
	case CTL_QUESTION:
		m->question = a.question;
		m->have_question = 1;
		break;
	case CTL_ANSWERED:
		model_answered(m, &a.answered);
		break;
	default:
		return type;
	}
	m->changed++;
	return type;
}

/*
 * Feed n bytes read from the engine.  Lines may arrive in pieces, so the
 * tail waits in m->buf for its newline.  A line longer than CTL_LINEMAX
 * is dropped up to its newline rather than misread as two messages.
 */
void
model_input(struct model *m, const char *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n') {
			m->buf[m->buflen] = '\0';
			if (!m->skipping)
				model_feed(m, m->buf);
			m->buflen = 0;
			m->skipping = 0;
		} else if (m->skipping) {
			continue;
		} else if (m->buflen >= sizeof(m->buf) - 1) {
			m->skipping = 1;
			m->buflen = 0;
		} else
			m->buf[m->buflen++] = c;
	}
}

/* Connect to the engine's socket; returns the descriptor or -1. */
int
chan_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Read what the engine sent and feed it to the model.  Returns the bytes
 * read, 0 at end of file, or -1 with errno set (EINTR and EAGAIN are for
 * the caller to retry).
 */
int
chan_read(struct model *m, int fd)
{
	char buf[4096];
	ssize_t n;

	if ((n = read(fd, buf, sizeof(buf))) > 0)
		model_input(m, buf, (size_t)n);
	return (int)n;
}

/* Send one message; the socket is blocking and lines are short. */
int
chan_send(int fd, int type, const void *msg)
{
	char line[CTL_LINEMAX];
	ssize_t n;
	int len, at = 0;

	if ((len = ctl_encode(type, msg, line, sizeof(line))) < 0) {
		errno = EINVAL;
		return -1;
	}
	while (at < len) {
		n = send(fd, line + at, (size_t)(len - at), MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		at += (int)n;
	}
	return 0;
}

/* Milliseconds on a clock that only goes forward. */
static long long
chan_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read until the engine has said hello (and, with want_status, sent its
 * status too), for at most ms milliseconds.  Returns 1 when it has, 0 on
 * a timeout, -1 when the engine closed the connection first.
 */
int
chan_wait(struct model *m, int fd, int ms, int want_status)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long end = chan_ms() + ms, left;
	int n;

	while (!m->have_hello || (want_status && !m->have_status)) {
		if ((left = end - chan_ms()) <= 0)
			return 0;
		if ((n = poll(&pfd, 1, (int)left)) == -1 && errno != EINTR)
			return -1;
		if (n > 0 && (n = chan_read(m, fd)) <= 0 &&
		    !(n == -1 && (errno == EINTR || errno == EAGAIN)))
			return -1;
	}
	return 1;
}
