// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtual tape library behind -f vtape:DIR: volume N is the file
 * DIR/volNNN, and DIR/plan may give the volumes a capacity and a fault plan
 * (end of media, write errors, a slow drive, a missing cartridge, damage
 * after writing, swapped cartridges).  This file only plays the medium;
 * volume.c and the ring decide what to do when it misbehaves.  A fault that
 * fires once leaves a marker file in DIR, because its writers are forked
 * slaves and rewrites that share no memory with each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"

/* What a plan line asks for. */
enum fault_kind {
	F_DEFCAP,	/* capacity N */
	F_CAPACITY,	/* capacity V N */
	F_EOM,
	F_WERROR,
	F_RATE,
	F_NOOPEN,
	F_FLIP,
	F_TRUNCATE,
	F_SWAP
};

enum fault_mode { MODE_NONE, MODE_ONCE, MODE_ALWAYS };

struct fault {
	enum fault_kind	 kind;
	unsigned	 line;		/* in the plan; names the marker */
	unsigned	 vol;		/* 0 for capacity N and rate */
	uint64_t	 arg;		/* KiB, record, byte offset or volume */
	int		 always;
	int		 armed;		/* eom: in force for this load */
};

struct vtl {
	char		*dir;
	char		*plan;		/* DIR/plan, for messages */
	struct fault	*f;		/* the plan, in its order */
	size_t		 nf;
	struct timespec	 loaded;	/* CLOCK_MONOTONIC at the last load */
};

/*
 * The plan's grammar.  Each letter of args is one number: V a volume
 * (from 1), K a size in KiB, R a record, O a byte offset, S a rate.
 * Two rows share a name when the directive has two forms.
 */
struct directive {
	const char	*name;
	enum fault_kind	 kind;
	const char	*args;
	enum fault_mode	 mode;		/* default; MODE_NONE: none allowed */
	const char	*usage;
};

static const struct directive directives[] = {
	{ "capacity", F_DEFCAP, "K", MODE_NONE, "capacity [V] N" },
	{ "capacity", F_CAPACITY, "VK", MODE_NONE, "capacity [V] N" },
	{ "eom", F_EOM, "VK", MODE_ALWAYS, "eom V N [once|always]" },
	{ "werror", F_WERROR, "VR", MODE_ONCE, "werror V N [once|always]" },
	{ "rate", F_RATE, "S", MODE_NONE, "rate N" },
	{ "noopen", F_NOOPEN, "V", MODE_ONCE, "noopen V [once|always]" },
	{ "flip", F_FLIP, "VO", MODE_ONCE, "flip V OFFSET [once|always]" },
	{ "truncate", F_TRUNCATE, "VK", MODE_ONCE,
	    "truncate V N [once|always]" },
	{ "swap", F_SWAP, "VV", MODE_ONCE, "swap V W [once|always]" },
};
#define NDIRECTIVES	(sizeof(directives) / sizeof(directives[0]))

#define PLAN_WORDS	8		/* more words than any directive has */
#define KIB_MAX		((uint64_t)INT64_MAX / TP_BSIZE - 1)

/* Say what is wrong with a plan line and how the line should look. */
static void __attribute__((format(printf, 4, 5)))
plan_error(const struct vtl *v, unsigned line, const char *usage,
    const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (usage != NULL)
		msg("%s:%u: %s; write it as \"%s\"\n", v->plan, line, what,
		    usage);
	else
		msg("%s:%u: %s\n", v->plan, line, what);
}

/* The name of argument letter c in messages. */
static const char *
plan_argname(char c)
{
	switch (c) {
	case 'V':
		return "volume";
	case 'K':
		return "size in KiB";
	case 'R':
		return "record number";
	case 'O':
		return "byte offset";
	default:
		return "rate in KiB/s";
	}
}

/*
 * Parse one decimal number for argument letter c.  Signs, spaces and
 * suffixes are refused: an operator who writes "10M" should hear that
 * the plan counts KiB, not get ten.
 */
static int
plan_number(const struct vtl *v, unsigned line, const struct directive *d,
    char c, const char *s, uint64_t *out)
{
	uint64_t n = 0, max;
	const char *p;

	max = c == 'V' ? UINT_MAX : c == 'O' ? (uint64_t)INT64_MAX : KIB_MAX;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (max - (uint64_t)(*p - '0')) / 10) {
			plan_error(v, line, d->usage, "%s: the %s %s is too large",
			    d->name, plan_argname(c), s);
			return -1;
		}
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == s || *p != '\0') {
		plan_error(v, line, d->usage,
		    "%s: the %s \"%s\" is not a decimal number", d->name,
		    plan_argname(c), s);
		return -1;
	}
	if (n == 0 && (c == 'V' || c == 'S')) {
		plan_error(v, line, d->usage, "%s: %s", d->name, c == 'V' ?
		    "volumes are numbered from 1" :
		    "the rate must be at least 1 KiB/s");
		return -1;
	}
	*out = n;
	return 0;
}

/*
 * Find the row of the directive named w[0] that takes nargs numbers.
 * When none does, say which number is missing (from the shortest form)
 * or which word is extra (after the longest).
 */
static const struct directive *
plan_lookup(const struct vtl *v, unsigned line, char **w, size_t nargs)
{
	const struct directive *first = NULL, *last = NULL;
	size_t i;

	for (i = 0; i < NDIRECTIVES; i++) {
		if (strcmp(directives[i].name, w[0]) != 0)
			continue;
		if (strlen(directives[i].args) == nargs)
			return &directives[i];
		if (first == NULL)
			first = &directives[i];
		last = &directives[i];
	}
	if (first == NULL)
		plan_error(v, line, NULL, "unknown directive \"%s\"; expected "
		    "capacity, eom, werror, rate, noopen, flip, truncate or "
		    "swap", w[0]);
	else if (nargs < strlen(first->args))
		plan_error(v, line, first->usage, "%s: the %s is missing",
		    first->name, plan_argname(first->args[nargs]));
	else
		plan_error(v, line, last->usage, "%s: unexpected \"%s\"",
		    last->name, w[strlen(last->args) + 1]);
	return NULL;
}

/* The first directive of this kind for volume vol, or NULL. */
static const struct fault *
fault_find(const struct vtl *v, enum fault_kind kind, unsigned vol)
{
	size_t i;

	for (i = 0; i < v->nf; i++)
		if (v->f[i].kind == kind && v->f[i].vol == vol)
			return &v->f[i];
	return NULL;
}

/*
 * Add a parsed directive to the plan.  A second capacity for the same
 * volume or a second rate is refused: which one was meant is a guess.
 */
static int
plan_add(struct vtl *v, const struct fault *f)
{
	const struct fault *dup;
	struct fault *nf;

	if ((f->kind == F_DEFCAP || f->kind == F_CAPACITY ||
	    f->kind == F_RATE) && (dup = fault_find(v, f->kind, f->vol)) !=
	    NULL) {
		plan_error(v, f->line, NULL, "%s given twice, first at line %u",
		    f->kind == F_RATE ? "rate" : "capacity", dup->line);
		return -1;
	}
	if ((nf = realloc(v->f, (v->nf + 1) * sizeof(*nf))) == NULL) {
		msg("%s: %s\n", v->plan, strerror(errno));
		return -1;
	}
	v->f = nf;
	v->f[v->nf++] = *f;
	return 0;
}

/*
 * Parse one plan line: a directive, its numbers, and perhaps "once" or
 * "always" last.  Comments and blank lines are fine.
 */
static int
plan_line(struct vtl *v, char *text, unsigned line)
{
	const struct directive *d;
	struct fault f;
	char *w[PLAN_WORDS], *save, *s;
	uint64_t n[2] = { 0, 0 };
	size_t nw = 0, i;
	enum fault_mode mode = MODE_NONE;

	if ((s = strchr(text, '#')) != NULL)
		*s = '\0';
	for (s = strtok_r(text, " \t\r\n", &save); s != NULL && nw < PLAN_WORDS;
	    s = strtok_r(NULL, " \t\r\n", &save))
		w[nw++] = s;
	if (nw == 0)
		return 0;
	if (strcmp(w[nw - 1], "once") == 0 || strcmp(w[nw - 1], "always") == 0)
		mode = w[--nw][0] == 'o' ? MODE_ONCE : MODE_ALWAYS;
	for (i = 0; i < nw; i++)
		if (strcmp(w[i], "once") == 0 || strcmp(w[i], "always") == 0) {
			plan_error(v, line, NULL, "\"%s\" must be the last "
			    "word, as in \"werror 1 100 once\"", w[i]);
			return -1;
		}
	if (nw == 0) {
		plan_error(v, line, NULL, "\"%s\" alone: it goes at the end "
		    "of a fault, as in \"werror 1 100 once\"", w[0]);
		return -1;
	}
	if ((d = plan_lookup(v, line, w, nw - 1)) == NULL)
		return -1;
	if (mode != MODE_NONE && d->mode == MODE_NONE) {
		plan_error(v, line, d->usage, "%s takes no \"%s\"", d->name,
		    w[nw]);
		return -1;
	}
	for (i = 0; d->args[i] != '\0'; i++)
		if (plan_number(v, line, d, d->args[i], w[i + 1], &n[i]) == -1)
			return -1;
	memset(&f, 0, sizeof(f));
	f.kind = d->kind;
	f.line = line;
	f.always = (mode == MODE_NONE ? d->mode : mode) == MODE_ALWAYS;
	if (d->args[0] == 'V') {
		f.vol = (unsigned)n[0];
		f.arg = d->args[1] != '\0' ? n[1] : 0;
	} else
		f.arg = n[0];
	if (f.kind == F_SWAP && f.arg == f.vol) {
		plan_error(v, line, d->usage, "swap: volume %u with itself "
		    "changes nothing", f.vol);
		return -1;
	}
	return plan_add(v, &f);
}

/*
 * Read DIR/plan.  A missing plan is an empty one; any other trouble
 * reading it is an error, so a typo in a test is never silently ignored.
 */
static int
plan_read(struct vtl *v)
{
	FILE *fp;
	char *text = NULL;
	size_t size = 0;
	unsigned line = 0;
	int rc = 0;

	if ((fp = fopen(v->plan, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		msg("Cannot read the plan %s: %s\n", v->plan, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&text, &size, fp) != -1)
		rc = plan_line(v, text, ++line);
	if (rc == 0 && ferror(fp)) {
		msg("Cannot read the plan %s: %s\n", v->plan, strerror(errno));
		rc = -1;
	}
	free(text);
	fclose(fp);
	return rc;
}

/* What goes between DIR and a file name in it: nothing after "/". */
static const char *
vtl_sep(const struct vtl *v)
{
	return strcmp(v->dir, "/") == 0 ? "" : "/";
}

/* The marker file that says a once fault has fired: DIR/.fired-LINE. */
static char *
fault_marker(const struct vtl *v, const struct fault *f)
{
	char *path;

	if (asprintf(&path, "%s%s.fired-%u", v->dir, vtl_sep(v), f->line) == -1)
		return NULL;
	return path;
}

/*
 * Fire a fault: always for an "always" fault, and for a "once" fault
 * only if this call creates its marker.  O_EXCL makes that a test and
 * set, so of two processes racing to fire it exactly one wins.  A marker
 * that cannot be created keeps the fault from firing, with a message,
 * rather than letting it fire on every try.
 */
static int
fault_fire(const struct vtl *v, const struct fault *f)
{
	char *path;
	int fd, saved;

	if (f->always)
		return 1;
	if ((path = fault_marker(v, f)) == NULL)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0666);
	saved = errno;
	if (fd == -1 && saved != EEXIST)
		msg("%s:%u: cannot record that the fault fired: %s: %s\n",
		    v->plan, f->line, path, strerror(saved));
	free(path);
	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/* Has this once fault fired already, in any process? */
static int
fault_fired(const struct vtl *v, const struct fault *f)
{
	struct stat st;
	char *path;
	int fired;

	if (f->always || (path = fault_marker(v, f)) == NULL)
		return 0;
	fired = lstat(path, &st) == 0;
	free(path);
	return fired;
}

/*
 * Put the eom faults of volume vol (0: all volumes) in force, unless
 * they are once faults that have fired.  Also count the once faults
 * that have fired, so that vtl_open can tell the operator.
 */
static unsigned
vtl_arm(struct vtl *v, unsigned vol)
{
	unsigned fired = 0;
	size_t i;
	int done;

	for (i = 0; i < v->nf; i++) {
		if (vol != 0 && v->f[i].vol != vol)
			continue;
		done = fault_fired(v, &v->f[i]);
		fired += (unsigned)done;
		if (v->f[i].kind == F_EOM)
			v->f[i].armed = !done;
	}
	return fired;
}

/* Open the library in dir and read its plan; NULL after a message. */
struct vtl *
vtl_open(const char *dir)
{
	struct vtl *v;
	struct stat st;
	size_t len = strlen(dir);
	unsigned fired;
	int err;

	if (len == 0) {
		msg("Virtual tape library: no directory given after \"%s\"\n",
		    VTL_PREFIX);
		return NULL;
	}
	if (stat(dir, &st) == -1)
		err = errno;
	else
		err = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (err != 0) {
		msg("Cannot use virtual tape library \"%s\": %s\n", dir,
		    strerror(err));
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL || (v->dir = strdup(dir)) ==
	    NULL)
		goto nomem;
	while (len > 1 && v->dir[len - 1] == '/')
		v->dir[--len] = '\0';
	if (asprintf(&v->plan, "%s%splan", v->dir, vtl_sep(v)) == -1) {
		v->plan = NULL;
		goto nomem;
	}
	clock_gettime(CLOCK_MONOTONIC, &v->loaded);
	if (plan_read(v) == -1) {
		vtl_free(v);
		return NULL;
	}
	if ((fired = vtl_arm(v, 0)) > 0)
		msg("%s: %u once fault%s fired before and stay%s off; remove "
		    "%s%s.fired-* to arm %s again\n", v->plan, fired,
		    fired > 1 ? "s" : "", fired > 1 ? "" : "s", v->dir,
		    vtl_sep(v), fired > 1 ? "them" : "it");
	return v;
nomem:
	msg("Virtual tape library \"%s\": %s\n", dir, strerror(ENOMEM));
	vtl_free(v);
	return NULL;
}

void
vtl_free(struct vtl *v)
{
	if (v == NULL)
		return;
	free(v->dir);
	free(v->plan);
	free(v->f);
	free(v);
}

/* The file of volume vol: DIR/vol001, DIR/vol1000; NULL with errno. */
char *
vtl_path(const struct vtl *v, unsigned vol)
{
	char *path;

	if (asprintf(&path, "%s%svol%03u", v->dir, vtl_sep(v), vol) == -1)
		return NULL;
	return path;
}

/* Open the volume file for vol with the given flags, never via a symlink. */
static int
vtl_openvol(const struct vtl *v, unsigned vol, int flags)
{
	char *path;
	int fd, saved;

	if ((path = vtl_path(v, vol)) == NULL)
		return -1;
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0666);
	saved = errno;
	free(path);
	errno = saved;
	return fd;
}

/*
 * Load volume vol for writing, from its start.  A noopen fault refuses
 * the cartridge.  The eom faults are armed here, so a once eom shortens
 * the whole of this load but not a rewrite of the volume after it fired.
 */
int
vtl_load(struct vtl *v, unsigned vol)
{
	size_t i;
	int fd;

	for (i = 0; i < v->nf; i++)
		if (v->f[i].kind == F_NOOPEN && v->f[i].vol == vol &&
		    fault_fire(v, &v->f[i])) {
			errno = ENOMEDIUM;
			return -1;
		}
	vtl_arm(v, vol);
	fd = vtl_openvol(v, vol, O_WRONLY | O_CREAT | O_TRUNC);
	clock_gettime(CLOCK_MONOTONIC, &v->loaded);
	return fd;
}

/*
 * The number of bytes volume vol holds for a write of len at pos: the
 * capacity, or a shorter armed eom.  An eom that cuts this write has
 * fired, and a once eom records that for the next load.
 */
static int64_t
vtl_limit(const struct vtl *v, unsigned vol, off_t pos, size_t len)
{
	const struct fault *eom = NULL, *cap;
	int64_t limit = -1, kib;
	size_t i;

	if ((cap = fault_find(v, F_CAPACITY, vol)) != NULL ||
	    (cap = fault_find(v, F_DEFCAP, 0)) != NULL)
		limit = (int64_t)cap->arg;
	for (i = 0; i < v->nf; i++) {
		kib = (int64_t)v->f[i].arg;
		if (v->f[i].kind == F_EOM && v->f[i].vol == vol &&
		    v->f[i].armed && (limit == -1 || kib < limit)) {
			limit = kib;
			eom = &v->f[i];
		}
	}
	if (limit == -1)
		return INT64_MAX;
	limit *= TP_BSIZE;
	if (eom != NULL && (pos >= limit || (uint64_t)(limit - pos) < len))
		fault_fire(v, eom);
	return limit;
}

/* The capacity of volume vol in KiB as the plan gives it, 0 = none. */
long
vtl_capacity(const struct vtl *v, unsigned vol)
{
	const struct fault *cap;

	if ((cap = fault_find(v, F_CAPACITY, vol)) != NULL ||
	    (cap = fault_find(v, F_DEFCAP, 0)) != NULL)
		return (long)cap->arg;
	return 0;
}

/* Does a werror fault of vol fire for the bytes [pos, pos + len)? */
static int
vtl_werror(const struct vtl *v, unsigned vol, off_t pos, size_t len)
{
	uint64_t at;
	size_t i;

	for (i = 0; i < v->nf; i++) {
		if (v->f[i].kind != F_WERROR || v->f[i].vol != vol)
			continue;
		at = v->f[i].arg * TP_BSIZE;
		if (at >= (uint64_t)pos && at - (uint64_t)pos < len &&
		    fault_fire(v, &v->f[i]))
			return 1;
	}
	return 0;
}

/*
 * A slow drive: sleep until done bytes since the load are due at the
 * planned rate.  The position, not a counter, measures progress, so the
 * slaves keep one average between them without sharing memory.
 */
static void
vtl_pace(const struct vtl *v, uint64_t done)
{
	const struct fault *rate = fault_find(v, F_RATE, 0);
	struct timespec due = v->loaded;
	double secs;

	if (rate == NULL)
		return;
	secs = (double)done / ((double)rate->arg * TP_BSIZE);
	due.tv_sec += (time_t)secs;
	due.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) ==
	    EINTR)
		;
}

/*
 * The write(2) of the library.  Past the end of the volume it behaves as
 * a full disk or a tape at its early warning: a short count of the whole
 * records that fit, then -1 with ENOSPC.  A werror fault fails the write
 * with EIO before anything is written.
 */
ssize_t
vtl_write(struct vtl *v, unsigned vol, int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int64_t limit;
	size_t done = 0, n = len;
	ssize_t w;
	off_t pos;

	if ((pos = lseek(fd, 0, SEEK_CUR)) == -1)
		return -1;
	if (len == 0)
		return 0;
	limit = vtl_limit(v, vol, pos, len);
	if (pos < limit && (uint64_t)(limit - pos) < len)
		n = (size_t)(limit - pos) / TP_BSIZE * TP_BSIZE;
	if (pos >= limit || n == 0) {
		errno = ENOSPC;
		return -1;
	}
	if (vtl_werror(v, vol, pos, n)) {
		errno = EIO;
		return -1;
	}
	while (done < n) {
		if ((w = write(fd, p + done, n - done)) == -1) {
			if (errno == EINTR)
				continue;
			if (done == 0)
				return -1;
			break;
		}
		done += (size_t)w;
	}
	vtl_pace(v, (uint64_t)pos + done);
	return (ssize_t)done;
}

/*
 * Damage a written volume as planned: flip bytes, then cut it short.  A
 * flip past the end of the volume cannot happen; the operator hears so
 * and the fault stays armed.
 */
static int
vtl_damage(const struct vtl *v, unsigned vol, int fd)
{
	const struct fault *f;
	struct stat st;
	uint8_t c;
	size_t i;

	for (i = 0; i < v->nf; i++) {
		f = &v->f[i];
		if (f->kind != F_FLIP || f->vol != vol)
			continue;
		if (fstat(fd, &st) == -1)
			return -1;
		if (f->arg >= (uint64_t)st.st_size) {
			msg("%s:%u: volume %u has only %jd bytes, none flipped\n",
			    v->plan, f->line, vol, (intmax_t)st.st_size);
			continue;
		}
		if (!fault_fire(v, f))
			continue;
		if (pread(fd, &c, 1, (off_t)f->arg) != 1)
			return -1;
		c ^= 0xff;
		if (pwrite(fd, &c, 1, (off_t)f->arg) != 1)
			return -1;
	}
	for (i = 0; i < v->nf; i++) {
		f = &v->f[i];
		if (f->kind != F_TRUNCATE || f->vol != vol)
			continue;
		if (fstat(fd, &st) == -1)
			return -1;
		if ((uint64_t)st.st_size > f->arg * TP_BSIZE &&
		    fault_fire(v, f) && ftruncate(fd, (off_t)(f->arg *
		    TP_BSIZE)) == -1)
			return -1;
	}
	return 0;
}

/* Close a written volume, then apply the faults planned for after it. */
int
vtl_unload(struct vtl *v, unsigned vol, int fd)
{
	int rc, saved;

	if (close(fd) == -1)
		return -1;
	if (fault_find(v, F_FLIP, vol) == NULL &&
	    fault_find(v, F_TRUNCATE, vol) == NULL)
		return 0;
	if ((fd = vtl_openvol(v, vol, O_RDWR)) == -1)
		return -1;
	rc = vtl_damage(v, vol, fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Open volume vol to read it back; a swap fault hands over another one. */
int
vtl_readback(struct vtl *v, unsigned vol)
{
	unsigned which = vol;
	size_t i;

	for (i = 0; i < v->nf; i++)
		if (v->f[i].kind == F_SWAP && v->f[i].vol == vol &&
		    fault_fire(v, &v->f[i])) {
			which = (unsigned)v->f[i].arg;
			break;
		}
	return vtl_openvol(v, which, O_RDONLY);
}
