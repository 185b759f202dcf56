// SPDX-License-Identifier: BSD-2-Clause
/*
 * What the trainee did, and what an instructor would say about it: each
 * question is recorded when its dialog opens and graded when answered,
 * and the report is written from those records.  No curses and no I/O
 * but the report's FILE, so tests/unit/training-test.c drives it alone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "training.h"

#define WIDTH		78		/* report columns */
#define SLOW_MS		(2 * 60 * 1000)	/* a question left waiting */

/* Questions the engine can go on from without aborting. */
static int
recoverable(const char *kind)
{
	return strcmp(kind, CTL_Q_MOUNT) == 0 ||
	    strcmp(kind, CTL_Q_OPEN) == 0 || strcmp(kind, CTL_Q_WRITE) == 0 ||
	    strcmp(kind, CTL_Q_VERIFY) == 0 ||
	    strcmp(kind, CTL_Q_TOOSMALL) == 0 ||
	    strcmp(kind, CTL_Q_SCRIPT) == 0 ||
	    strcmp(kind, CTL_Q_PROTECT) == 0;
}

static const char *
protect_why(const char *p)
{
	if (strcmp(p, CTL_PR_YOUNG) == 0)
		return "it holds a dump younger than the policy's min-age";
	if (strcmp(p, CTL_PR_SET) == 0)
		return "it belongs to the set being written";
	if (strcmp(p, CTL_PR_FULL) == 0)
		return "it is volume 1 of the last good level 0";
	return "it holds a dump";
}

static const char *
expected(const struct scenario *sc, const char *kind)
{
	int i;

	for (i = 0; i < sc->nexpect; i++)
		if (strcmp(sc->expect[i].kind, kind) == 0)
			return sc->expect[i].answer;
	return NULL;
}

/* A question's dialog opened: record it, once per id. */
void
tr_asked(struct training *t, const struct ctl_question *q)
{
	struct tr_event *e;
	const char *w;
	int i;

	for (i = 0; i < t->nev; i++)
		if (t->ev[i].id == q->id)
			return;
	if (t->nev == TR_MAXEVENTS)
		return;
	e = &t->ev[t->nev++];
	memset(e, 0, sizeof(*e));
	e->id = q->id;
	e->volume = q->volume;
	e->asked_ms = tr_ms() - t->t0;
	snprintf(e->kind, sizeof(e->kind), "%s", q->kind);
	snprintf(e->context, sizeof(e->context), "%s", q->context);
	snprintf(e->onmedia, sizeof(e->onmedia), "%s", q->onmedia);
	snprintf(e->protect, sizeof(e->protect), "%s", q->protect);
	for (i = 0; (w = ctl_choice(q, i)) != NULL; i++)
		snprintf(e->choices + strlen(e->choices),
		    sizeof(e->choices) - strlen(e->choices), "%s%s",
		    i > 0 ? "/" : "", w);
}

/* An instructor's view of one answer: the mistake in m, or "". */
static void
grade(const struct scenario *sc, const struct tr_event *e, char *m,
    size_t len)
{
	const char *exp = expected(sc, e->kind);

	m[0] = '\0';
	if (strcmp(e->kind, CTL_Q_PROTECT) == 0 &&
	    strcmp(e->answer, "override") == 0)
		snprintf(m, len, "overwrote a protected volume (%s): the dump "
		    "on it is lost; mount another volume and answer retry",
		    protect_why(e->protect));
	else if (strcmp(e->answer, "abort") == 0 && recoverable(e->kind) &&
	    (exp == NULL || strcmp(exp, "abort") != 0))
		snprintf(m, len, "aborted a dump that could go on; %s%s",
		    exp != NULL ? "the answer was " : "it offered ",
		    exp != NULL ? exp : e->choices);
	else if (exp != NULL && strcmp(exp, e->answer) != 0)
		snprintf(m, len, "answered %s; this scenario expects %s",
		    e->answer, exp);
}

/* A question was settled: by this console's trainee, or by someone else. */
void
tr_answered(struct training *t, int64_t id, const char *answer,
    const char *by)
{
	struct tr_event *e;
	char m[TR_LINE];
	int i;

	for (i = t->nev - 1; i >= 0; i--)
		if (t->ev[i].id == id)
			break;
	if (i < 0 || t->ev[i].answer[0] != '\0')
		return;
	e = &t->ev[i];
	e->answered_ms = tr_ms() - t->t0;
	snprintf(e->answer, sizeof(e->answer), "%s",
	    answer[0] != '\0' ? answer : "none");
	snprintf(e->by, sizeof(e->by), "%s", by[0] != '\0' ? by : "?");
	if (strcmp(e->by, "trainee") != 0) {
		snprintf(e->remark, sizeof(e->remark), "answered by %.64s, not "
		    "at this console", by);
		return;
	}
	grade(&t->sc, e, m, sizeof(m));
	memcpy(e->mistake, m, sizeof(m));
	t->mistakes += m[0] != '\0';
	if (e->answered_ms - e->asked_ms > SLOW_MS)
		snprintf(e->remark, sizeof(e->remark), "slow: the dump waited "
		    "%lld s for this answer",
		    (e->answered_ms - e->asked_ms) / 1000);
}

/* The abort key, confirmed, with no question open. */
void
tr_keyabort(struct training *t)
{
	struct tr_event *e;
	const char *exp = expected(&t->sc, CTL_Q_ABORT);

	if (t->nev == TR_MAXEVENTS)
		return;
	e = &t->ev[t->nev++];
	memset(e, 0, sizeof(*e));
	e->id = -1;
	e->asked_ms = e->answered_ms = tr_ms() - t->t0;
	snprintf(e->kind, sizeof(e->kind), "abort key");
	snprintf(e->context, sizeof(e->context), "The trainee pressed the "
	    "abort key and confirmed.");
	snprintf(e->choices, sizeof(e->choices), "abort/continue");
	snprintf(e->answer, sizeof(e->answer), "abort");
	snprintf(e->by, sizeof(e->by), "trainee");
	if (exp == NULL || strcmp(exp, "abort") != 0) {
		snprintf(e->mistake, sizeof(e->mistake), "aborted a running "
		    "dump that nothing had gone wrong with");
		t->mistakes++;
	}
}

/*
 * Print lead and text, wrapped at spaces to fit WIDTH columns, the next
 * lines indented as far as the text began: the report reads the same in
 * an editor, on paper and on the 80-column debrief screen.
 */
static void
wrap(FILE *f, const char *lead, const char *text)
{
	int ind = (int)strlen(lead), w = WIDTH - ind, len, cut;
	const char *p = text;

	fputs(lead, f);
	do {
		len = (int)strlen(p);
		cut = len;
		if (cut > w) {
			for (cut = w; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = w;
		}
		fprintf(f, "%.*s\n", cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p != '\0')
			fprintf(f, "%*s", ind, "");
	} while (*p != '\0');
}

static void
clock_fmt(char *buf, size_t len, long long ms)
{
	snprintf(buf, len, "%lld:%02lld.%lld", ms / 60000, ms / 1000 % 60,
	    ms / 100 % 10);
}

static void
event_report(const struct tr_event *e, int n, FILE *f)
{
	char at[32], buf[TR_LINE + 64];

	clock_fmt(at, sizeof(at), e->asked_ms);
	fprintf(f, "  %d. at %s  %s", n, at, e->kind);
	if (e->volume > 0)
		fprintf(f, ", volume %lld", (long long)e->volume);
	fprintf(f, "\n");
	wrap(f, "     What happened: ", e->context[0] != '\0' ? e->context :
	    "-");
	if (e->onmedia[0] != '\0')
		wrap(f, "     On the medium: ", e->onmedia);
	if (e->protect[0] != '\0') {
		snprintf(buf, sizeof(buf), "%s (%s)", e->protect,
		    protect_why(e->protect));
		wrap(f, "     Protected: ", buf);
	}
	fprintf(f, "     Choices: %s\n", e->choices);
	if (e->answer[0] == '\0')
		fprintf(f, "     Answer: none (still open at the end)\n");
	else
		fprintf(f, "     Answer: %s, by %s, after %lld.%lld s\n",
		    e->answer, e->by, (e->answered_ms - e->asked_ms) / 1000,
		    (e->answered_ms - e->asked_ms) / 100 % 10);
	if (e->mistake[0] != '\0')
		wrap(f, "     MISTAKE: ", e->mistake);
	if (e->remark[0] != '\0')
		wrap(f, "     Note: ", e->remark);
}

static void
header_report(const struct training *t, FILE *f)
{
	char when[64];
	struct tm tm;

	gmtime_r(&t->started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "opconsole training report\n"
	    "=========================\n\n");
	fprintf(f, "Scenario: %s\n", t->sc.name);
	wrap(f, "          ", t->sc.path);
	if (t->sc.brief[0] != '\0')
		wrap(f, "Brief:    ", t->sc.brief);
	fprintf(f, "Trainee:  %s\nStarted:  %s\n\n",
	    t->who[0] != '\0' ? t->who : "?", when);
}

/* The result of the dump and of the restore. */
static void
result_report(const struct training *t, FILE *f)
{
	char buf[CTL_STRLEN + 128];

	snprintf(buf, sizeof(buf), "%s (exit %d), %d volume%s",
	    t->endtext[0] != '\0' ? t->endtext : "no end message", t->status,
	    t->nvolumes, t->nvolumes == 1 ? "" : "s");
	if (t->sc.volumes > 0)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " (the "
		    "scenario plans %d)", t->sc.volumes);
	wrap(f, "Result:   ", buf);
	wrap(f, "Restore:  ", t->verdict[0] != '\0' ? t->verdict :
	    "not tried");
	fprintf(f, "\n");
}

/* The planned size of volume v in KiB from the scenario, 0 = unlimited. */
static long long
planned(const struct scenario *sc, int64_t v)
{
	long long all = 0, one = 0, a, b;
	int i, n;

	for (i = 0; i < sc->nplan; i++) {
		n = sscanf(sc->plan[i], "capacity %lld %lld", &a, &b);
		if (n == 1)
			all = a;
		else if (n == 2 && a == v)
			one = b;
	}
	return one != 0 ? one : all;
}

/* Each finished volume, and the ones that ended before their size. */
static void
volumes_report(const struct training *t, FILE *f)
{
	const struct tr_volume *v;
	char buf[16];
	long long cap;
	int i;

	fprintf(f, "\nVolumes (%d)\n", t->nvol);
	for (i = 0; i < t->nvol; i++) {
		v = &t->vol[i];
		cap = planned(&t->sc, v->volume);
		fprintf(f, "  Vol %lld  %6lld KiB  took %lld:%02lld  %lld kB/s",
		    (long long)v->volume, (long long)v->records,
		    (long long)v->took / 60, (long long)v->took % 60,
		    (long long)v->rate);
		if (cap > 0 && v->records < cap * 9 / 10 && i + 1 < t->nvol)
			fprintf(f, "  ended early: %lld of %lld KiB",
			    (long long)v->records, cap);
		fprintf(f, "\n");
	}
	if (t->nnote > 0)
		fprintf(f, "\nWhat the engine said (the notable lines)\n");
	for (i = 0; i < t->nnote; i++) {	/* "HH:MM:SS text" */
		snprintf(buf, sizeof(buf), "  %.9s", t->note[i]);
		wrap(f, buf, t->note[i] + strcspn(t->note[i], " ") +
		    (t->note[i][strcspn(t->note[i], " ")] == ' '));
	}
}

/* How fast the trainee answered: the mean and the slowest. */
static void
response_report(const struct training *t, FILE *f)
{
	long long sum = 0, ms, worst = -1;
	int i, n = 0, which = 0;

	for (i = 0; i < t->nev; i++) {
		if (strcmp(t->ev[i].by, "trainee") != 0 || t->ev[i].id < 0)
			continue;
		ms = t->ev[i].answered_ms - t->ev[i].asked_ms;
		sum += ms;
		n++;
		if (ms > worst) {
			worst = ms;
			which = i + 1;
		}
	}
	if (n > 0)
		fprintf(f, "Answers:  %d, in %lld.%lld s on average; the "
		    "slowest %lld.%lld s (question %d)\n", n, sum / n / 1000,
		    sum / n / 100 % 10, worst / 1000, worst / 100 % 10, which);
}

/* Verdict first, then the mistakes: what the trainer reads first. */
static void
verdict_report(const struct training *t, FILE *f)
{
	char buf[64];
	int i, n = 0;

	for (i = 0; i < t->nev; i++)
		n += t->ev[i].remark[0] != '\0';
	fprintf(f, "Verdict:  %s, %s\n", t->mistakes == 0 && t->exact == 1 ?
	    "PASSED: no mistakes" : t->mistakes == 0 ?
	    "NOT PASSED: no mistakes" : t->mistakes == 1 ?
	    "NOT PASSED: 1 mistake" : "NOT PASSED: mistakes were made",
	    t->exact == 1 ? "and the set restores exactly" :
	    t->status != 0 ? "and the dump did not finish" :
	    "but the set does NOT restore exactly");
	if (n > 0)
		fprintf(f, "          (%d note%s below)\n", n, n == 1 ? "" :
		    "s");
	response_report(t, f);
	fprintf(f, "\nMistakes (%d)\n", t->mistakes);
	if (t->mistakes == 0)
		fprintf(f, "  none\n");
	for (i = 0; i < t->nev; i++)
		if (t->ev[i].mistake[0] != '\0') {
			snprintf(buf, sizeof(buf), "  - question %d (%s): ",
			    i + 1, t->ev[i].kind);
			wrap(f, buf, t->ev[i].mistake);
		}
}

/* The whole report.  Returns 0, or -1 on a write error. */
int
tr_report(struct training *t, FILE *f)
{
	char cmd[2048];
	int i;

	header_report(t, f);
	result_report(t, f);
	verdict_report(t, f);
	fprintf(f, "\nQuestions and answers (%d)\n", t->nev);
	if (t->nev == 0)
		fprintf(f, "  none: the dump asked nothing\n");
	for (i = 0; i < t->nev; i++)
		event_report(&t->ev[i], i + 1, f);
	volumes_report(t, f);
	fprintf(f, "\nScratch:  %s\n", t->scratch);
	snprintf(cmd, sizeof(cmd), "opdump");
	for (i = 0; i < t->argc; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s",
		    t->argv[i]);
	wrap(f, "Dump:     ", cmd);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
