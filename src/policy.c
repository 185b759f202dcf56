// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rotation policy (opdump-rotation(5)) and the guard every volume
 * passes before its first block is written: what the medium holds is read
 * and logged, and a dump the policy protects (too young, a volume of the
 * set being written, volume 1 of the last good level 0) is overwritten
 * only when an operator says so in a dialog.  No flag, answers file or
 * end-of-tape script can say so: those runs nobody watches.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "opdump.h"

#define POLICY_DEFAULT	"/etc/opdump/rotation"
#define POLICY_LINEMAX	1024
#define CYCLE_MAX	9999
#define AGE_MAX		(20L * 366 * 86400)	/* twenty years */

struct pset {
	char		*pattern;	/* set labels: a glob, or %n */
	long		 cycle;		/* sets in the cycle, 0 = not given */
	long		 minage;	/* seconds; -1 = not given */
	unsigned	 line;		/* where the set begins */
};

struct policy {
	char		*path;
	struct pset	*set;
	size_t		 n;
};

/* What the last mount question showed, to not ask twice about it. */
static struct onmedia shown;
static unsigned shown_vol;

static const struct optr_choice ask_protect[] = {
	{ "retry", "Is another volume mounted now?" },
	{ "abort", "Do you want to abort dump?" },
	/* Last, so backends nobody watches can be denied it (optr_ask). */
	{ "override", "Do you want to overwrite this protected volume?" },
};

void
policy_free(struct dump *d)
{
	struct policy *p = d->policy;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->set[i].pattern);
	free(p->set);
	free(p->path);
	free(p);
	d->policy = NULL;
}

const char *
policy_path(const struct dump *d)
{
	return d->policy != NULL ? d->policy->path : NULL;
}

/* "4d", "36h", "2w", "90m", "3600s"; a bare number is days. */
static int
parse_age(const char *s, long *out)
{
	static const struct { char c; long secs; } unit[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 },
	};
	long mult = 86400, v;
	char *end;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		for (i = 0; i < sizeof(unit) / sizeof(unit[0]); i++)
			if (*end == unit[i].c)
				break;
		if (i == sizeof(unit) / sizeof(unit[0]) || end[1] != '\0')
			return -1;
		mult = unit[i].secs;
	}
	if (v > AGE_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* One line of the file, split into its keyword and its value. */
static int
policy_line(struct policy *p, char *text, unsigned line)
{
	char *key, *val, *end;
	struct pset *s, *grown;
	long v;

	text[strcspn(text, "#\n")] = '\0';
	for (key = text; isspace((unsigned char)*key); key++)
		;
	if (*key == '\0')
		return 0;
	for (val = key; *val != '\0' && !isspace((unsigned char)*val); val++)
		;
	if (*val != '\0')
		*val++ = '\0';
	while (isspace((unsigned char)*val))
		val++;
	for (end = val + strlen(val); end > val && isspace((unsigned char)
	    end[-1]); end--)
		;
	*end = '\0';
	if (*val == '\0' || strpbrk(val, " \t") != NULL) {
		msg("%s:%u: \"%s\" takes one value\n", p->path, line, key);
		return -1;
	}
	if (strcmp(key, "set") == 0) {
		if ((grown = realloc(p->set, (p->n + 1) * sizeof(*s))) == NULL ||
		    (grown[p->n].pattern = strdup(val)) == NULL) {
			if (grown != NULL)
				p->set = grown;
			msg("%s: out of memory\n", p->path);
			return -1;
		}
		p->set = grown;
		s = &p->set[p->n++];
		s->cycle = 0;
		s->minage = -1;
		s->line = line;
		return 0;
	}
	if (p->n == 0) {
		msg("%s:%u: \"%s\" before any \"set\" line\n", p->path, line,
		    key);
		return -1;
	}
	s = &p->set[p->n - 1];
	if (strcmp(key, "cycle") == 0) {
		errno = 0;
		v = strtol(val, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > CYCLE_MAX) {
			msg("%s:%u: cycle \"%s\": give the number of sets, "
			    "1 to %d\n", p->path, line, val, CYCLE_MAX);
			return -1;
		}
		s->cycle = v;
		return 0;
	}
	if (strcmp(key, "min-age") == 0) {
		if (parse_age(val, &s->minage) == -1) {
			msg("%s:%u: min-age \"%s\": give a number with s, m, "
			    "h, d or w (days when bare), at most 20 years\n",
			    p->path, line, val);
			return -1;
		}
		return 0;
	}
	msg("%s:%u: unknown keyword \"%s\" (set, cycle, min-age)\n", p->path,
	    line, key);
	return -1;
}

/* Every set needs its minimum age, and a cycle when it numbers sets. */
static int
policy_complete(const struct policy *p)
{
	size_t i;

	if (p->n == 0) {
		msg("%s: no \"set\" line: the policy names no sets\n", p->path);
		return -1;
	}
	for (i = 0; i < p->n; i++) {
		if (p->set[i].minage < 0) {
			msg("%s:%u: set %s has no min-age\n", p->path,
			    p->set[i].line, p->set[i].pattern);
			return -1;
		}
		if (strstr(p->set[i].pattern, "%n") != NULL &&
		    p->set[i].cycle == 0) {
			msg("%s:%u: set %s numbers its sets (%%n) but has no "
			    "cycle\n", p->path, p->set[i].line,
			    p->set[i].pattern);
			return -1;
		}
	}
	return 0;
}

/* Is label one of set s's labels? */
static int
pset_match(const struct pset *s, const char *label)
{
	const char *n = strstr(s->pattern, "%n"), *post;
	size_t pre, plen, llen = strlen(label);
	char *end;
	long v;

	if (n == NULL)
		return fnmatch(s->pattern, label, 0) == 0;
	pre = (size_t)(n - s->pattern);
	post = n + 2;
	plen = strlen(post);
	if (llen < pre + plen + 1 || strncmp(label, s->pattern, pre) != 0 ||
	    strcmp(label + llen - plen, post) != 0 ||
	    !isdigit((unsigned char)label[pre]) || label[pre] == '0')
		return 0;
	v = strtol(label + pre, &end, 10);
	return end == label + llen - plen && v >= 1 && v <= s->cycle;
}

/* The sets, for a message: "TRAIN-1 .. TRAIN-3, WEEK-*". */
static void
policy_sets(const struct policy *p, char *buf, size_t len)
{
	size_t i, used = 0;
	const char *n;
	int w;

	buf[0] = '\0';
	for (i = 0; i < p->n && used < len; i++) {
		n = strstr(p->set[i].pattern, "%n");
		if (n == NULL)
			w = snprintf(buf + used, len - used, "%s%s",
			    i ? ", " : "", p->set[i].pattern);
		else
			w = snprintf(buf + used, len - used, "%s%.*s1%s .. "
			    "%.*s%ld%s", i ? ", " : "",
			    (int)(n - p->set[i].pattern), p->set[i].pattern,
			    n + 2, (int)(n - p->set[i].pattern),
			    p->set[i].pattern, p->set[i].cycle, n + 2);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/*
 * Read the policy named by --policy, or the default file when it exists,
 * and check -L against it.  Returns 0 (also when there is no policy), or
 * -1 after a message.
 */
int
policy_load(struct dump *d)
{
	char line[POLICY_LINEMAX], sets[256];
	const char *path = d->opt.policy;
	struct policy *p;
	unsigned n = 0;
	size_t i;
	FILE *f;

	if (path == NULL && access(POLICY_DEFAULT, F_OK) == 0)
		path = POLICY_DEFAULT;
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "re")) == NULL) {
		msg("Cannot read the rotation policy %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = strdup(path)) == NULL) {
		free(p);
		fclose(f);
		msg("out of memory\n");
		return -1;
	}
	d->policy = p;
	while (fgets(line, sizeof(line), f) != NULL)
		if (policy_line(p, line, ++n) == -1) {
			fclose(f);
			return -1;
		}
	fclose(f);
	if (policy_complete(p) == -1)
		return -1;
	policy_sets(p, sets, sizeof(sets));
	if (d->opt.label == NULL) {
		msg("The rotation policy %s names the sets (%s): give this "
		    "set's label with -L\n", p->path, sets);
		return -1;
	}
	for (i = 0; i < p->n && !pset_match(&p->set[i], d->opt.label); i++)
		;
	if (i == p->n) {
		msg("Label \"%s\" is not a set of the rotation policy %s (%s)\n",
		    d->opt.label, p->path, sets);
		return -1;
	}
	verbose(d, "Rotation policy %s: set %s, volumes younger than %ld "
	    "days are kept\n", p->path, d->opt.label, p->set[i].minage / 86400);
	return 0;
}

/* How long a dump labelled label is kept: its set's min-age, or the
 * longest of them when it belongs to none of the sets. */
static long
policy_minage(const struct policy *p, const char *label)
{
	long longest = 0;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (pset_match(&p->set[i], label))
			return p->set[i].minage;
		if (p->set[i].minage > longest)
			longest = p->set[i].minage;
	}
	return longest;
}

/* "3 days", "5 hours", "40 minutes": an age for the operator. */
static void
age_words(long secs, char *buf, size_t len)
{
	if (secs >= 2 * 86400)
		snprintf(buf, len, "%ld days", secs / 86400);
	else if (secs >= 2 * 3600)
		snprintf(buf, len, "%ld hours", secs / 3600);
	else
		snprintf(buf, len, "%ld minutes", secs / 60);
}

/*
 * Is the dump om describes protected?  Returns the reason (CTL_PR_*) and
 * says why in buf, or NULL when the volume may be written.  Without a
 * policy any dump is CTL_PR_DUMP: a warning, not a protection.
 */
const char *
policy_check(struct dump *d, struct onmedia *om, char *buf, size_t len)
{
	const struct policy *p = d->policy;
	long age, keep;
	char a[32], k[32];
	int mine;

	om->protect = NULL;
	if (om->what != HOLDS_DUMP)
		return NULL;
	mine = om->date == d->spcl.c_date &&
	    strncmp(om->label, d->spcl.c_label, LBLSIZE) == 0 &&
	    strncmp(om->host, d->spcl.c_host, NAMELEN) == 0;
	/* A rewrite finds the volume's own failed start: that is expected. */
	if (mine && om->volume == (int)d->vol.number)
		return NULL;
	if (mine)
		snprintf(buf, len, "it is volume %d of the set being written",
		    om->volume);
	if (p == NULL) {
		if (!mine)
			snprintf(buf, len, "no rotation policy protects it");
		return om->protect = CTL_PR_DUMP;
	}
	if (mine)
		return om->protect = CTL_PR_SET;
	if (om->level == 0 && om->volume == 1 && om->date == d->fulldate &&
	    strncmp(om->dev, d->spcl.c_dev, NAMELEN) == 0) {
		snprintf(buf, len, "it is volume 1 of the last good level 0 "
		    "of %s", om->dev);
		return om->protect = CTL_PR_FULL;
	}
	age = (long)(time(NULL) - om->date);
	keep = policy_minage(p, om->label);
	if (age < keep) {
		age_words(age < 0 ? 0 : age, a, sizeof(a));
		age_words(keep, k, sizeof(k));
		snprintf(buf, len, "it is %s old; the policy keeps %s for %s",
		    a, om->label, k);
		return om->protect = CTL_PR_YOUNG;
	}
	return NULL;
}

/* What volume n holds while the operator is asked to mount it: files
 * and the library's cartridges can be read; a drive is left alone. */
void
policy_peek(struct dump *d, unsigned n, struct onmedia *om)
{
	char *name = volume_name_of(d, n), why[256];

	memset(om, 0, sizeof(*om));
	if (name == NULL || (d->vol.vtl == NULL &&
	    media_kind(name) != OUT_FILE)) {
		free(name);
		return;
	}
	inspect_volume(d, name, n, om);
	free(name);
	(void)policy_check(d, om, why, sizeof(why));
	shown = *om;
	shown_vol = n;
}

/*
 * Before volume d->vol.number is opened for writing: read what it holds,
 * log it, and when the policy protects it ask until the operator mounts
 * another volume, overrides, or aborts.
 */
void
policy_guard(struct dump *d)
{
	struct volume *v = &d->vol;
	struct onmedia om;
	char why[256], ctx[1024];
	const char *r;
	int i;

	for (;;) {
		inspect_volume(d, v->name, v->number, &om);
		if (om.what != HOLDS_UNKNOWN)
			msg("Volume %u (%s) holds %s\n", v->number, v->name,
			    om.text);
		if ((r = policy_check(d, &om, why, sizeof(why))) == NULL)
			return;
		/* A warning is asked only of a console, and only once. */
		if (strcmp(r, CTL_PR_DUMP) == 0 && (!optr_console(d) ||
		    (shown_vol == v->number && inspect_same(&shown, &om)))) {
			msg("Warning: writing volume %u over that dump (%s)\n",
			    v->number, why);
			return;
		}
		snprintf(ctx, sizeof(ctx), "Volume %u (%s) holds %s: %s%s",
		    v->number, v->name, om.text, why, strcmp(r, CTL_PR_DUMP) ?
		    ": it is protected" : "");
		d->asking = &om;
		i = optr_ask(d, Q_PROTECT, ctx, ask_protect,
		    (int)(sizeof(ask_protect) / sizeof(ask_protect[0])));
		d->asking = NULL;
		if (i < 0 || strcmp(ask_protect[i].word, "abort") == 0)
			dump_exit(d, X_ABORT);
		if (strcmp(ask_protect[i].word, "override") == 0) {
			msg("Volume %u: overwritten on the operator's word "
			    "(%s)\n", v->number, why);
			return;
		}
	}
}
