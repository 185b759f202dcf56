// SPDX-License-Identifier: BSD-2-Clause
/*
 * Training scenario files: one keyword a line, '#' comments.  Every error
 * names the file and line, so a trainer can fix a scenario without
 * reading code; nothing is half-loaded (the caller exits on an error).
 * The fault lines use the vtape plan's own words and are checked here,
 * so a bad one is reported against the scenario rather than the plan the
 * engine would read later.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "training.h"

#define MAXWORDS	64

struct pctx {
	struct scenario	*sc;
	const char	*file;
	int		 line;
	char		*err;
	size_t		 errlen;
};

long long
tr_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int __attribute__((format(printf, 2, 3)))
perr(struct pctx *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
	return -1;
}

/* A decimal number >= min; *v untouched on error. */
static int
number(const char *s, long long min, long long *v)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min)
		return -1;
	*v = n;
	return 0;
}

/* A size in KiB: N, NK, NM or NG. */
static int
size_kib(const char *s, long long *v)
{
	char buf[32], *end;
	long long n, mul = 1;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	end = buf + len - 1;
	switch (toupper((unsigned char)*end)) {
	case 'G': mul = 1024 * 1024; *end = '\0'; break;
	case 'M': mul = 1024; *end = '\0'; break;
	case 'K': *end = '\0'; break;
	}
	if (number(buf, 1, &n) == -1 || n > (1LL << 30) / mul)
		return -1;
	*v = n * mul;
	return 0;
}

/* Split a line into words; a '#' starts a comment.  Returns the count. */
static int
split(char *line, char **w)
{
	char *p = strchr(line, '#');
	int n = 0;

	if (p != NULL)
		*p = '\0';
	for (p = strtok(line, " \t\r\n"); p != NULL && n < MAXWORDS;
	    p = strtok(NULL, " \t\r\n"))
		w[n++] = p;
	return p != NULL ? MAXWORDS + 1 : n;
}

/* Words from..n-1 joined by single spaces. */
static void
join(char **w, int from, int n, char *buf, size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = from; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i > from ? " " : "", w[i]);
}

/*
 * A fault for the library's plan: the keyword, `args' numbers (with vol,
 * the first is a volume, from 1), then once or always where allowed.
 */
static int
plan_line(struct pctx *p, char **w, int n, int args, int mode, int vol)
{
	struct scenario *sc = p->sc;
	long long v;
	int i;

	if (n < 1 + args || n > 1 + args + mode)
		return perr(p, "%s wants %d number%s%s", w[0], args,
		    args > 1 ? "s" : "", mode ? " and once or always" : "");
	for (i = 1; i <= args; i++)
		if (number(w[i], i == 1 && vol ? 1 : 0, &v) == -1)
			return perr(p, "%s: '%s' is not a %s", w[0], w[i],
			    i == 1 && vol ? "volume (1, 2, ...)" :
			    "number");
	if (n == 2 + args && strcmp(w[n - 1], "once") != 0 &&
	    strcmp(w[n - 1], "always") != 0)
		return perr(p, "%s: '%s' is neither once nor always", w[0],
		    w[n - 1]);
	if (sc->nplan == TR_MAXPLAN)
		return perr(p, "more than %d fault lines", TR_MAXPLAN);
	join(w, 0, n, sc->plan[sc->nplan], TR_LINE);
	sc->nplan++;
	return 0;
}

static int
policy_line(struct pctx *p, char **w, int n)
{
	struct scenario *sc = p->sc;

	if (n != 2)
		return perr(p, "%s wants one value", w[0]);
	if (sc->npolicy == TR_MAXPOLICY)
		return perr(p, "more than %d policy lines", TR_MAXPOLICY);
	snprintf(sc->policy[sc->npolicy++], TR_LINE, "%s %s", w[0], w[1]);
	return 0;
}

/* A label goes on the command line and in file names: keep it plain. */
static int
label_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len < 16 &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.") == len && s[0] != '-';
}

static int
expect_line(struct pctx *p, char **w, int n)
{
	static const char *kinds[] = { CTL_Q_MOUNT, CTL_Q_OPEN, CTL_Q_WRITE,
	    CTL_Q_VERIFY, CTL_Q_TOOSMALL, CTL_Q_SCRIPT, CTL_Q_ABORT,
	    CTL_Q_PROTECT };
	struct tr_expect *e;
	size_t i;

	if (n != 3)
		return perr(p, "expect wants a question kind and an answer");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(w[1], kinds[i]) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return perr(p, "expect: unknown question kind '%s'", w[1]);
	if (p->sc->nexpect == TR_MAXEXPECT)
		return perr(p, "more than %d expect lines", TR_MAXEXPECT);
	e = &p->sc->expect[p->sc->nexpect++];
	snprintf(e->kind, sizeof(e->kind), "%s", w[1]);
	snprintf(e->answer, sizeof(e->answer), "%.15s", w[2]);
	return 0;
}

static int
protect_line(struct pctx *p, char **w, int n)
{
	long long v;

	if (n != 3 || number(w[1], 1, &v) == -1 || v > 999)
		return perr(p, "protect wants a volume (1-999) and a label");
	if (!label_ok(w[2]))
		return perr(p, "protect: bad label '%s' (letters, digits, "
		    "- _ .; at most 15)", w[2]);
	p->sc->protect_vol = (int)v;
	snprintf(p->sc->protect_label, sizeof(p->sc->protect_label), "%s",
	    w[2]);
	return 0;
}

/* One keyword line. */
static int
keyword(struct pctx *p, char **w, int n)
{
	struct scenario *sc = p->sc;
	long long v;
	char buf[1024];

	if (strcmp(w[0], "name") == 0 || strcmp(w[0], "brief") == 0) {
		if (n < 2)
			return perr(p, "%s wants some text", w[0]);
		join(w, 1, n, buf, sizeof(buf));
		if (w[0][0] == 'n')
			snprintf(sc->name, sizeof(sc->name), "%.255s", buf);
		else
			snprintf(sc->brief + strlen(sc->brief),
			    sizeof(sc->brief) - strlen(sc->brief), "%s%s",
			    sc->brief[0] != '\0' ? " " : "", buf);
		return 0;
	}
	if (strcmp(w[0], "seed") == 0) {
		if (n != 2 || number(w[1], 0, &v) == -1)
			return perr(p, "seed wants a number");
		sc->seed = (unsigned long)v;
		return 0;
	}
	if (strcmp(w[0], "data") == 0 || strcmp(w[0], "image") == 0) {
		if (n != 2 || size_kib(w[1], &v) == -1)
			return perr(p, "%s wants a size (KiB, or with K, M "
			    "or G)", w[0]);
		*(w[0][0] == 'd' ? &sc->data_kib : &sc->image_kib) = v;
		return 0;
	}
	if (strcmp(w[0], "label") == 0) {
		if (n != 2 || !label_ok(w[1]))
			return perr(p, "label wants one word (letters, digits, "
			    "- _ .; at most 15)");
		snprintf(sc->label, sizeof(sc->label), "%s", w[1]);
		return 0;
	}
	if (strcmp(w[0], "volumes") == 0) {
		if (n != 2 || number(w[1], 1, &v) == -1 || v > 999)
			return perr(p, "volumes wants a number from 1 to 999");
		sc->volumes = (int)v;
		return 0;
	}
	if (strcmp(w[0], "capacity") == 0)
		return plan_line(p, w, n, n == 3 ? 2 : 1, 0, n == 3);
	if (strcmp(w[0], "rate") == 0)
		return plan_line(p, w, n, 1, 0, 0);
	if (strcmp(w[0], "eom") == 0 || strcmp(w[0], "werror") == 0)
		return plan_line(p, w, n, 2, 1, 1);
	if (strcmp(w[0], "noopen") == 0)
		return plan_line(p, w, n, 1, 1, 1);
	if (strcmp(w[0], "set") == 0 || strcmp(w[0], "cycle") == 0 ||
	    strcmp(w[0], "min-age") == 0)
		return policy_line(p, w, n);
	if (strcmp(w[0], "protect") == 0)
		return protect_line(p, w, n);
	if (strcmp(w[0], "expect") == 0)
		return expect_line(p, w, n);
	return perr(p, "unknown keyword '%s'", w[0]);
}

/* What the whole file must add up to. */
static int
scenario_check(struct pctx *p)
{
	struct scenario *sc = p->sc;

	if (sc->name[0] == '\0')
		return perr(p, "no name line");
	if (sc->data_kib < 64 || sc->data_kib > 256 * 1024)
		return perr(p, "data must be from 64K to 256M");
	if (sc->image_kib == 0)
		sc->image_kib = sc->data_kib * 2 + 8192;
	if (sc->image_kib < sc->data_kib + 4096)
		return perr(p, "image must be at least data + 4M");
	if (sc->protect_vol > 0 && sc->npolicy == 0)
		return perr(p, "protect needs a rotation policy (set, cycle, "
		    "min-age)");
	return 0;
}

/*
 * Load a scenario.  Returns 0, or -1 with "file:line: what" in err (line
 * 0 for the file as a whole, the last line for what is missing).
 */
int
scenario_load(const char *path, struct scenario *sc, char *err,
    size_t errlen)
{
	struct pctx p = { sc, path, 0, err, errlen };
	char line[1024], *w[MAXWORDS + 1];
	FILE *f;
	int n, rc = 0;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	sc->seed = 1;
	sc->data_kib = 4096;
	snprintf(sc->label, sizeof(sc->label), "TRAIN-1");
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		p.line++;
		if (strchr(line, '\n') == NULL && !feof(f))
			rc = perr(&p, "line too long");
		else if ((n = split(line, w)) > MAXWORDS)
			rc = perr(&p, "too many words");
		else if (n > 0)
			rc = keyword(&p, w, n);
	}
	if (rc == 0 && ferror(f))
		rc = perr(&p, "read error");
	fclose(f);
	return rc == 0 ? scenario_check(&p) : rc;
}
