// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's questions, and the console's own abort confirmation, as a
 * box over the screen.  An answer takes two keys: a choice's letter
 * selects it, Enter sends it; anything else only beeps, so a stray key
 * never answers.  The dialog follows the model: it opens when a question
 * arrives and closes when the engine says it was answered.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "console.h"

#define DLG_LINES	32		/* body lines kept */

struct dline {
	char	text[2 * CTL_STRLEN];
	int	attr;
};

/* Give each choice a letter: its first one not taken by an earlier one. */
static void
dialog_hotkeys(struct dialog *d)
{
	const char *w;
	int i, j, k;

	memset(d->hot, 0, sizeof(d->hot));
	for (i = 0; (w = ctl_choice(&d->q, i)) != NULL; i++)
		for (j = 0; w[j] != '\0' && d->hot[i] == 0; j++) {
			for (k = 0; k < i && d->hot[k] != w[j]; k++)
				;
			if (k == i)
				d->hot[i] = w[j];
		}
}

static void
dialog_open(struct dialog *d, const struct ctl_question *q, int local)
{
	memset(d, 0, sizeof(*d));
	d->q = *q;
	d->open = 1;
	d->local = local;
	d->sel = -1;
	dialog_hotkeys(d);
}

/*
 * Close the engine's dialog once its question is settled.  An answer we
 * did not send came from another console or a timeout: log it, so the
 * operator knows why the box went away.
 */
static void
dialog_settled(struct console *c)
{
	struct dialog *d = &c->dlg;
	const struct ctl_answered *a = &c->m.answered;
	char line[CTL_STRLEN + 64];

	if (a->id == d->q.id && (!d->sent ||
	    strcmp(a->choice, ctl_choice(&d->q, d->sel)) != 0)) {
		snprintf(line, sizeof(line), "answered elsewhere: %s%s%s",
		    a->choice[0] != '\0' ? a->choice : "none",
		    a->by[0] != '\0' ? " by " : "", a->by);
		model_log_add(&c->m, time(NULL), line);
		training_settled(c, a);
	}
	d->open = 0;
	c->alert_on = 0;
}

/*
 * Bring the dialog in line with the model after new messages: a new
 * question replaces whatever is open (the engine's question wins over
 * the console's abort), a settled one closes, and the end closes all.
 */
void
dialog_sync(struct console *c)
{
	struct dialog *d = &c->dlg;
	const struct model *m = &c->m;

	if (d->open && !d->local && (!m->have_question ||
	    m->question.id != d->q.id))
		dialog_settled(c);
	if (m->ended || m->conn == CONN_CLOSED) {
		d->open = 0;
		return;
	}
	if (m->have_question && (!d->open || d->local)) {
		dialog_open(d, &m->question, 0);
		training_asked(c, &m->question);
	}
}

/* Key a or ^C: ask before aborting, unless the engine is asking already. */
void
dialog_open_abort(struct console *c)
{
	struct ctl_question q;

	if (c->dlg.open)
		return;
	memset(&q, 0, sizeof(q));
	q.n = 2;
	snprintf(q.kind, sizeof(q.kind), "%s", CTL_Q_ABORT);
	snprintf(q.c0, sizeof(q.c0), "abort");
	snprintf(q.p0, sizeof(q.p0), "Abort the whole dump");
	snprintf(q.c1, sizeof(q.c1), "continue");
	snprintf(q.p1, sizeof(q.p1), "Go on with the dump");
	snprintf(q.context, sizeof(q.context), "The dump stops and exits "
	    "with status 3; what is on the volumes so far cannot be "
	    "restored as a whole.");
	dialog_open(&c->dlg, &q, 1);
}

/* Who sits at the console: user@tty, for the engine's log and the
 * training report. */
void
dialog_who(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());
	const char *tty = ttyname(STDIN_FILENO);

	if (tty != NULL && strncmp(tty, "/dev/", 5) == 0)
		tty += 5;
	snprintf(buf, len, "%s@%s", pw != NULL ? pw->pw_name : "?",
	    tty != NULL ? tty : "?");
}

/* Enter on a selection: send it (or, for our own dialog, act on it). */
static void
dialog_confirm(struct console *c)
{
	struct dialog *d = &c->dlg;
	const char *w = ctl_choice(&d->q, d->sel);
	struct ctl_answer an;
	struct ctl_abort ab;
	char line[CTL_STRLEN + 32];

	if (d->local) {
		d->open = 0;
		if (strcmp(w, "abort") != 0)
			return;
		memset(&ab, 0, sizeof(ab));
		dialog_who(ab.by, sizeof(ab.by));
		if (chan_send(c->fd, CTL_ABORT, &ab) == -1) {
			console_hint(c, "Could not send the abort to the engine");
			return;
		}
		snprintf(line, sizeof(line), "abort requested by %s", ab.by);
		model_log_add(&c->m, time(NULL), line);
		training_keyabort(c);
		return;
	}
	memset(&an, 0, sizeof(an));
	an.id = d->q.id;
	snprintf(an.choice, sizeof(an.choice), "%s", w);
	training_answer(c, &d->q, w);	/* first: it may swap a volume */
	if (chan_send(c->fd, CTL_ANSWER, &an) == -1)
		console_hint(c, "Could not send the answer to the engine");
	else
		d->sent = 1;
}

/* Keys that still work behind a dialog: they cannot answer anything. */
static int
dialog_passes(int key)
{
	switch (key) {
	case 'd': case 12: case '?': case KEY_RESIZE:
	case KEY_PPAGE: case KEY_NPAGE: case KEY_UP: case KEY_DOWN:
	case KEY_HOME: case KEY_END:
		return 1;
	}
	return 0;
}

/*
 * A key while the dialog is open.  Returns KF_* flags, or -1 when the
 * key is not the dialog's and the global table should have it.
 */
int
dialog_key(struct console *c, int key)
{
	struct dialog *d = &c->dlg;
	int i;

	if (!d->open)
		return -1;
	for (i = 0; !d->sent && key > 0 && key < 128 && isalpha(key) &&
	    ctl_choice(&d->q, i) != NULL; i++)
		if (d->hot[i] == tolower(key)) {
			d->sel = i;
			return KF_REDRAW;
		}
	if (!d->sent && d->sel >= 0 && (key == '\r' || key == '\n' ||
	    key == KEY_ENTER)) {
		dialog_confirm(c);
		return KF_REDRAW;
	}
	if (!d->sent && d->sel >= 0 && key == 27) {
		d->sel = -1;
		return KF_REDRAW;
	}
	if (dialog_passes(key))
		return -1;
	if (!d->sent && key == 3)	/* ^C: preselect "abort" if offered */
		for (i = 0; ctl_choice(&d->q, i) != NULL; i++)
			if (strcmp(ctl_choice(&d->q, i), "abort") == 0) {
				d->sel = i;
				return KF_REDRAW;
			}
	beep();
	return 0;
}

/* The title of each kind of question. */
static void
dialog_title(const struct console *c, const struct ctl_question *q,
    char *buf, size_t len)
{
	const char *k = q->kind, *label = c->m.have_hello ?
	    c->m.hello.label : "";
	long long v = (long long)q->volume;

	if (strcmp(k, CTL_Q_MOUNT) == 0)
		snprintf(buf, len, "Mount %.40s%svolume %lld", label,
		    label[0] != '\0' ? " " : "", v);
	else if (strcmp(k, CTL_Q_PROTECT) == 0)
		snprintf(buf, len, "Volume %lld holds a protected dump", v);
	else if (strcmp(k, CTL_Q_WRITE) == 0)
		snprintf(buf, len, "Write error on volume %lld", v);
	else if (strcmp(k, CTL_Q_OPEN) == 0)
		snprintf(buf, len, "Cannot open the output");
	else if (strcmp(k, CTL_Q_VERIFY) == 0)
		snprintf(buf, len, "Volume %lld failed verification", v);
	else if (strcmp(k, CTL_Q_TOOSMALL) == 0)
		snprintf(buf, len, "Nothing fits on volume %lld", v);
	else if (strcmp(k, CTL_Q_SCRIPT) == 0)
		snprintf(buf, len, "End-of-tape script failed");
	else if (strcmp(k, CTL_Q_ABORT) == 0)
		snprintf(buf, len, "Abort the dump?");
	else
		snprintf(buf, len, "Question about volume %lld", v);
}

/* Append text to the body, wrapped at word boundaries to w columns. */
static int
dialog_wrap(struct dline *l, int n, const char *text, int w)
{
	const char *p = text;
	int len, cut;

	while (*p != '\0' && n < DLG_LINES - 8) {
		len = (int)strcspn(p, "\n");
		cut = len;
		if (cut > w) {
			for (cut = w; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = w;
		}
		snprintf(l[n].text, sizeof(l[n].text), "%.*s", cut, p);
		l[n++].attr = A_NORMAL;
		p += cut;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	return n;
}

/* Fill the body: device, what happened, the medium, choices, footer. */
static int
dialog_body(const struct dialog *d, struct dline *l, int w)
{
	char on[CTL_STRLEN + 32];
	const char *cw, *pr;
	int n = 0, i;

	if (d->q.device[0] != '\0')
		snprintf(l[n++].text, sizeof(l[0].text), "Device: %s",
		    d->q.device);
	n = dialog_wrap(l, n, d->q.context, w);
	if (d->q.onmedia[0] != '\0') {
		snprintf(on, sizeof(on), "On the device now: %s",
		    d->q.onmedia);
		n = dialog_wrap(l, n, on, w);
	}
	if (d->q.protect[0] != '\0' &&
	    strcmp(d->q.protect, CTL_PR_DUMP) != 0) {
		snprintf(on, sizeof(on), "PROTECTED (%s): do not overwrite "
		    "it; mount another volume", d->q.protect);
		for (i = n, n = dialog_wrap(l, n, on, w); i < n; i++)
			l[i].attr = A_BOLD;
	}
	l[n++].text[0] = '\0';
	for (i = 0; (cw = ctl_choice(&d->q, i)) != NULL; i++) {
		pr = ctl_prompt(&d->q, i);
		snprintf(l[n].text, sizeof(l[0].text), "[%c] %s%s%s",
		    d->hot[i], cw, pr[0] != '\0' ? " - " : "", pr);
		l[n++].attr = i == d->sel ? A_REVERSE | A_BOLD : A_NORMAL;
	}
	l[n++].text[0] = '\0';
	if (d->sent)
		snprintf(l[n].text, sizeof(l[0].text), "Answer sent: %s",
		    ctl_choice(&d->q, d->sel));
	else if (d->sel >= 0)
		snprintf(l[n].text, sizeof(l[0].text),
		    "Enter to confirm, Esc to cancel");
	else
		snprintf(l[n].text, sizeof(l[0].text),
		    "Press a letter to choose");
	l[n++].attr = A_BOLD;
	return n;
}

/* Draw the open dialog over the bottom of the screen, just above the help
 * line: it covers the log, so the slave rows, the tape position and the
 * volume history stay in sight while the operator decides. */
void
dialog_draw(struct console *c)
{
	struct dline l[DLG_LINES];
	char title[64];
	int n, w, h, y, x, i;

	if (!c->dlg.open)
		return;
	memset(l, 0, sizeof(l));
	w = COLS - 4 < 76 ? COLS - 4 : 76;
	if (w < 20)
		w = 20;
	n = dialog_body(&c->dlg, l, w - 4);
	h = n + 2;
	y = LINES - 1 - h > 0 ? LINES - 1 - h : 0;
	x = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
	screen_box(y, x, h, w);
	dialog_title(c, &c->dlg.q, title, sizeof(title));
	screen_put(y, x + 2, w - 4, A_BOLD, " %s ", title);
	for (i = 0; i < n; i++)
		screen_put(y + 1 + i, x + 2, w - 4, l[i].attr, "%s",
		    l[i].text);
}
