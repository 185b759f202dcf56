// SPDX-License-Identifier: BSD-2-Clause
/*
 * opconsole --training: the console's side.  training_start() loads the
 * scenario and builds the scratch directory before the engine starts;
 * the dialog code calls the hooks below as questions open and answers
 * go out; when the dump ends, training_end() restores the set, writes
 * the report and puts up the debrief screen, which shows the report and
 * leaves on q.  The trainee works the real console throughout: nothing
 * here changes what a dialog offers or sends.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "console.h"
#include "training.h"

static void __attribute__((noreturn))
training_usage(void)
{
	fprintf(stderr, "usage: opconsole --training SCENARIO "
	    "[--scratch DIR] [--report FILE]\n");
	exit(1);
}

/*
 * Parse --training SCENARIO [--scratch DIR] [--report FILE], load the
 * scenario and build its ground.  Exits with a message on any error.
 */
void
training_start(struct console *c, int argc, char **argv)
{
	static struct training t;
	const char *scratch = NULL;
	char err[PATH_MAX + 256];
	int i;

	if (argc < 3)
		training_usage();
	for (i = 3; i < argc; i += 2) {
		if (i + 1 >= argc)
			training_usage();
		if (strcmp(argv[i], "--scratch") == 0)
			scratch = argv[i + 1];
		else if (strcmp(argv[i], "--report") == 0)
			snprintf(t.copyto, sizeof(t.copyto), "%s", argv[i + 1]);
		else
			training_usage();
	}
	if (scenario_load(argv[2], &t.sc, err, sizeof(err)) == -1) {
		fprintf(stderr, "opconsole: %s\n", err);
		exit(1);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "opconsole: --training needs a terminal\n");
		exit(1);
	}
	if (training_setup(&t, scratch, err, sizeof(err)) == -1) {
		fprintf(stderr, "opconsole: training: %s\n", err);
		exit(1);
	}
	dialog_who(t.who, sizeof(t.who));
	t.status = -1;
	t.exact = -1;
	t.started = time(NULL);
	t.t0 = tr_ms();
	c->train = &t;
}

/* The engine's arguments for console_start(). */
char **
training_argv(struct console *c, int *argc)
{
	*argc = c->train->argc;
	return c->train->argv;
}

void
training_asked(struct console *c, const struct ctl_question *q)
{
	if (c->train != NULL)
		tr_asked(c->train, q);
}

/*
 * The trainee sends an answer.  "retry" to a protected volume means the
 * operator has put another cartridge in: the robot of the training
 * library does that, moving the slot's file to the shelf first, so the
 * engine finds a blank volume when it looks again.
 */
void
training_answer(struct console *c, const struct ctl_question *q,
    const char *choice)
{
	struct training *t = c->train;
	char from[PATH_MAX], to[PATH_MAX + 32], line[PATH_MAX + 64];

	if (t == NULL)
		return;
	if (strcmp(q->kind, CTL_Q_PROTECT) == 0 &&
	    strcmp(choice, "retry") == 0 && q->volume > 0) {
		tr_path(from, "%s/vol%03lld", t->lib, (long long)q->volume);
		snprintf(to, sizeof(to), "%s/vol%03lld.%lld", t->shelf,
		    (long long)q->volume, tr_ms() - t->t0);
		if (rename(from, to) == 0)
			snprintf(line, sizeof(line), "training: the cartridge "
			    "in slot %lld went to the shelf, a blank one is "
			    "in the drive", (long long)q->volume);
		else
			snprintf(line, sizeof(line), "training: nothing to "
			    "take out of slot %lld: %s", (long long)q->volume,
			    strerror(errno));
		model_log_add(&c->m, time(NULL), line);
	}
	tr_answered(t, q->id, choice, "trainee");
}

void
training_keyabort(struct console *c)
{
	if (c->train != NULL)
		tr_keyabort(c->train);
}

/* Settled without our answer: another console, or the engine. */
void
training_settled(struct console *c, const struct ctl_answered *a)
{
	if (c->train != NULL)
		tr_answered(c->train, a->id, a->choice,
		    a->by[0] != '\0' ? a->by : "the engine");
}

/* The engine's exit status, waiting up to 30 s for it to exit. */
static int
training_status(struct console *c)
{
	long long end = tr_ms() + 30000;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int st;

	while (c->child > 0 && tr_ms() < end) {
		if (waitpid(c->child, &st, WNOHANG) == c->child) {
			c->child_status = st;
			c->child = 0;
		} else
			nanosleep(&ts, NULL);
	}
	if (c->m.ended)
		return (int)c->m.end.status;
	if (c->child_status != -1 && WIFEXITED(c->child_status))
		return WEXITSTATUS(c->child_status);
	return -1;
}

/* Write the report to scratch/report.txt, and to --report's file. */
static void
training_write(struct training *t)
{
	const char *paths[2] = { t->report, t->copyto };
	FILE *f;
	size_t len = 0;
	int i;

	if ((f = open_memstream(&t->text, &len)) != NULL) {
		tr_report(t, f);
		fclose(f);
	}
	for (i = 0; i < 2 && t->text != NULL; i++) {
		if (paths[i][0] == '\0')
			continue;
		if ((f = fopen(paths[i], "w")) == NULL ||
		    fputs(t->text, f) == EOF || fclose(f) == EOF)
			snprintf(t->verdict + strlen(t->verdict),
			    sizeof(t->verdict) - strlen(t->verdict),
			    " [cannot write %s]", paths[i]);
	}
}

/* Engine messages an instructor looks for in the log. */
static int
notable(const char *text)
{
	static const char *const words[] = { "End of tape", "rror",
	    "ewrit", "rotect", "bort", "training:", "verwr", "holds",
	    "cannot", "failed" };

	if (strstr(text, "holds nothing") != NULL)
		return 0;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(text, words[i]) != NULL)
			return 1;
	return 0;
}

/* Keep what the report needs of the model: volumes and notable lines. */
static void
training_gather(struct training *t, const struct model *m)
{
	const struct ctl_log *l;
	char hms[16];
	struct tm tm;
	time_t when;
	size_t i;

	for (i = 0; i < m->nvol && t->nvol < TR_MAXVOLS; i++) {
		t->vol[t->nvol].volume = m->vol[i].volume;
		t->vol[t->nvol].records = m->vol[i].records;
		t->vol[t->nvol].took = m->vol[i].took;
		t->vol[t->nvol++].rate = m->vol[i].rate;
	}
	for (i = 0; (l = model_log_get(m, i)) != NULL; i++) {
		if (!notable(l->text) || t->nnote == TR_MAXNOTES)
			continue;
		when = (time_t)l->time;
		localtime_r(&when, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(t->note[t->nnote++], TR_LINE, "%.8s %.240s", hms,
		    l->text);
	}
}

/*
 * Once the dump is over: wait for the engine, restore the set, write
 * the report and show the debrief.  Returns KF_* flags.
 */
int
training_end(struct console *c)
{
	struct training *t = c->train;

	if (t == NULL || t->debrief || (!c->m.ended &&
	    c->m.conn != CONN_CLOSED))
		return 0;
	console_hint(c, "Training: the dump is over; checking the set with "
	    "restore...");
	screen_draw(c);
	t->status = training_status(c);
	snprintf(t->endtext, sizeof(t->endtext), "%s", c->m.ended ?
	    c->m.end.text : "the connection to the engine was lost");
	training_gather(t, &c->m);
	training_verify(t);
	training_write(t);
	t->debrief = 1;
	t->top = 0;
	return KF_REDRAW | KF_FULL;
}

/* The report below its title (the debrief screen has its own). */
static const char *
report_body(const struct training *t)
{
	const char *p = t->text != NULL ? strstr(t->text, "\n\n") : NULL;

	return p != NULL ? p + 2 : t->text;
}

static int
report_lines(const struct training *t)
{
	const char *p;
	int n = 0;

	for (p = report_body(t); p != NULL && *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* Leave the debrief: say where the report is, exit as the engine did. */
static void __attribute__((noreturn))
training_quit(struct console *c)
{
	struct training *t = c->train;

	endwin();
	printf("opconsole: training report: %s\n", t->report);
	if (t->copyto[0] != '\0')
		printf("opconsole: copied to %s\n", t->copyto);
	exit(t->status >= 0 ? t->status : 1);
}

/* Keys on the debrief screen; -1 when it is not up. */
int
training_key(struct console *c, int key)
{
	struct training *t = c->train;
	int page = LINES > 7 ? LINES - 6 : 1, max;

	if (t == NULL || !t->debrief)
		return -1;
	max = report_lines(t) - page > 0 ? report_lines(t) - page : 0;
	switch (key) {
	case 'q':
		training_quit(c);
	case KEY_UP: case 'k':
		t->top--;
		break;
	case KEY_DOWN: case 'j': case ' ':
		t->top += key == ' ' ? page : 1;
		break;
	case KEY_PPAGE:
		t->top -= page;
		break;
	case KEY_NPAGE:
		t->top += page;
		break;
	case KEY_HOME:
		t->top = 0;
		break;
	case KEY_END:
		t->top = max;
		break;
	case 12:
		return KF_REDRAW | KF_FULL;
	}
	t->top = t->top < 0 ? 0 : t->top > max ? max : t->top;
	return KF_REDRAW;
}

/* The debrief: title, verdict, the report scrolled, the keys.  Returns
 * 0 when it is not up, so the console draws its usual screen. */
int
training_draw(struct console *c)
{
	struct training *t = c->train;
	const char *p;
	int y, i, len;

	if (t == NULL || !t->debrief)
		return 0;
	erase();
	screen_put(0, 0, COLS, A_REVERSE | A_BOLD, "%-*s", COLS, "");
	screen_put(0, 0, COLS, A_REVERSE | A_BOLD, " Training debrief: %s",
	    t->sc.name);
	screen_put(1, 1, COLS - 2, A_BOLD, "%s, %d mistake%s; the set %s",
	    t->mistakes == 0 && t->exact == 1 ? "PASSED" : "NOT PASSED",
	    t->mistakes, t->mistakes == 1 ? "" : "s", t->exact == 1 ?
	    "restores exactly" : t->exact == 0 && t->status == 0 ?
	    "does NOT restore exactly" : "was not finished");
	screen_put(2, 1, COLS - 2, A_NORMAL, "Report: %s", t->report);
	mvhline(3, 0, '-', COLS);
	for (p = report_body(t), i = 0; p != NULL && *p != '\0' && i < t->top; i++)
		p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : "";
	for (y = 4; p != NULL && *p != '\0' && y < LINES - 1; y++) {
		len = (int)strcspn(p, "\n");
		screen_put(y, 0, COLS, A_NORMAL, "%.*s", len, p);
		p += len + (p[len] == '\n');
	}
	screen_put(LINES - 1, 0, COLS, A_REVERSE, "%-*s", COLS,
	    " q quit  Up/Down PgUp/PgDn Home/End scroll the report");
	refresh();
	return 1;
}
