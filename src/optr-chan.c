// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console's operator backend.  A question goes on the status board,
 * where the control server sends it to every attached console (and to any
 * console attaching later); the asker waits for the answer the server
 * puts back.  The question waits as long as it takes: nobody attached is
 * not an answer.  Broadcasts are repeated while it waits, as on a tty, and
 * an abort confirmed on a console answers "abort" where it is a choice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"

#define CHAN_POLL_MS	50
#define CHAN_ALERT_SECS	120

static const char *
chan_kind(enum optr_kind kind)
{
	switch (kind) {
	case Q_MOUNT:
		return CTL_Q_MOUNT;
	case Q_OPEN:
		return CTL_Q_OPEN;
	case Q_WRITE:
		return CTL_Q_WRITE;
	case Q_VERIFY:
		return CTL_Q_VERIFY;
	case Q_TOOSMALL:
		return CTL_Q_TOOSMALL;
	case Q_SCRIPT:
		return CTL_Q_SCRIPT;
	case Q_ABORT:
		return CTL_Q_ABORT;
	case Q_PROTECT:
		return CTL_Q_PROTECT;
	}
	return "";
}

/* The question as the console gets it. */
static void
chan_fill(struct dump *d, struct ctl_question *q, enum optr_kind kind,
    const char *context, const struct optr_choice *ch, int n)
{
	char *w[CTL_MAXCHOICE] = { q->c0, q->c1, q->c2, q->c3 };
	char *p[CTL_MAXCHOICE] = { q->p0, q->p1, q->p2, q->p3 };
	int i, next = kind == Q_MOUNT || kind == Q_SCRIPT;
	char *name = next ? volume_name_of(d, d->vol.number + 1) : NULL;

	memset(q, 0, sizeof(*q));
	snprintf(q->kind, sizeof(q->kind), "%s", chan_kind(kind));
	q->volume = d->vol.number + (unsigned)next;
	snprintf(q->device, sizeof(q->device), "%s", name != NULL ? name :
	    d->vol.name != NULL ? d->vol.name : media_name(d));
	free(name);
	snprintf(q->context, sizeof(q->context), "%s",
	    context != NULL ? context : "");
	q->context[strcspn(q->context, "\n")] = '\0';
	if (d->asking != NULL) {
		snprintf(q->onmedia, sizeof(q->onmedia), "%.*s",
		    (int)sizeof(q->onmedia) - 1, d->asking->text);
		snprintf(q->protect, sizeof(q->protect), "%s",
		    d->asking->protect != NULL ? d->asking->protect : "");
	}
	q->n = n < CTL_MAXCHOICE ? n : CTL_MAXCHOICE;
	for (i = 0; i < q->n; i++) {
		snprintf(w[i], sizeof(q->c0), "%s", ch[i].word);
		snprintf(p[i], sizeof(q->p0), "%s", ch[i].prompt);
	}
}

/*
 * Put a question on the board, whoever answers it, so consoles and the
 * status stream see it.  Returns its id, 0 without a board.
 */
int64_t
optr_chan_post(struct dump *d, enum optr_kind kind, const char *context,
    const struct optr_choice *ch, int n)
{
	struct board *b = board_get();
	int64_t id;

	if (b == NULL)
		return 0;
	/* Ids only grow, across every process of the dump. */
	id = (atomic_load(&b->q_id) > atomic_load(&b->a_id) ?
	    atomic_load(&b->q_id) : atomic_load(&b->a_id)) + 1;
	chan_fill(d, &b->q, kind, context, ch, n);
	b->q.id = id;
	atomic_store(&b->q_time, time(NULL));
	atomic_store(&b->q_id, id);
	return id;
}

/* Record the answer another backend got for question id. */
void
optr_chan_settle(int64_t id, int ans, const char *by)
{
	struct board *b = board_get();

	if (b == NULL || id == 0 || atomic_load(&b->a_id) == id)
		return;
	snprintf(b->a_by, sizeof(b->a_by), "%s", by);
	atomic_store(&b->a_choice, ans);
	atomic_store(&b->a_id, id);
}

int
optr_chan_ask(struct dump *d, enum optr_kind kind, const char *context,
    const struct optr_choice *ch, int n)
{
	struct board *b = board_get();
	struct timespec ts = { 0, CHAN_POLL_MS * 1000000L };
	int64_t id;
	int prev, ans, ticks = 0;

	if (b == NULL) {
		msg("Cannot ask the operator \"%s\": no control channel",
		    ch[0].prompt);
		return -1;
	}
	if (n > CTL_MAXCHOICE)
		n = CTL_MAXCHOICE;
	prev = atomic_load(&b->state);
	id = optr_chan_post(d, kind, context, ch, n);
	atomic_store(&b->state, BD_WAITING);
	msg("%s (waiting for the console)\n", ch[0].prompt);
	for (;;) {
		if (atomic_load(&b->a_id) == id) {
			ans = atomic_load(&b->a_choice);
			break;
		}
		if (board_abort_requested() != NULL) {
			ans = optr_choice(ch, n, "abort");
			if (ans >= 0)
				snprintf(b->a_by, sizeof(b->a_by), "%s",
				    board_abort_requested());
			atomic_store(&b->a_choice, ans);
			atomic_store(&b->a_id, id);
			break;
		}
		nanosleep(&ts, NULL);
		if (++ticks % (CHAN_ALERT_SECS * 1000 / CHAN_POLL_MS) == 0 &&
		    b->alert[0] != '\0')
			board_alert(b->alert);	/* ring again */
	}
	atomic_store(&b->state, prev);
	if (ans >= 0 && ans < n)
		msg("%s: %s (%s)\n", ch[0].prompt, ch[ans].word, b->a_by);
	else
		msg("%s: nobody can answer\n", ch[0].prompt);
	return ans >= 0 && ans < n ? ans : -1;
}
