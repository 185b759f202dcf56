// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dumpdates file (-D, -u): one line per filesystem and level, in
 * dump's format, so opdump and dump can share the file.  Reading it picks
 * the date an incremental dump starts from; a line that cannot be parsed
 * stops the dump rather than silently restarting the schedule.  An update
 * happens under an fcntl lock, into a temporary file that is synced and
 * renamed over the old one, so it never loses another dump's entry.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"

static const char wdays[] = "SunMonTueWedThuFriSat";
static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Index of the three-letter name at s in names, or -1. */
static int
date_name(const char *names, const char *s)
{
	size_t i;

	for (i = 0; names[i] != '\0'; i += 3)
		if (strncmp(names + i, s, 3) == 0)
			return (int)(i / 3);
	return -1;
}

/* n decimal digits at s; a leading space counts as 0 when lead is set. */
static int
date_digits(const char *s, int n, int lead, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (i == 0 && lead && s[i] == ' ')
			continue;
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* The "+HHMM" or "-HHMM" east-of-UTC offset at s, in seconds. */
static int
date_offset(const char *s, long *off)
{
	int hh, mm;

	if ((s[0] != '+' && s[0] != '-') || date_digits(s + 1, 2, 0, &hh) ||
	    date_digits(s + 3, 2, 0, &mm) || hh > 23 || mm > 59)
		return -1;
	*off = (s[0] == '-' ? -1L : 1L) * (hh * 3600L + mm * 60L);
	return 0;
}

/* Fill tm from ctime's fixed columns, "Www Mmm dd hh:mm:ss yyyy". */
static int
date_fields(const char *s, struct tm *tm)
{
	int year;

	memset(tm, 0, sizeof(*tm));
	if (strnlen(s, 24) < 24 || s[3] != ' ' || s[7] != ' ' ||
	    s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ' ' ||
	    date_name(wdays, s) < 0 || (tm->tm_mon = date_name(months,
	    s + 4)) < 0 || date_digits(s + 8, 2, 1, &tm->tm_mday) ||
	    date_digits(s + 11, 2, 0, &tm->tm_hour) ||
	    date_digits(s + 14, 2, 0, &tm->tm_min) ||
	    date_digits(s + 17, 2, 0, &tm->tm_sec) ||
	    date_digits(s + 20, 4, 0, &year))
		return -1;
	tm->tm_year = year - 1900;
	if (tm->tm_mday < 1 || tm->tm_hour > 23 || tm->tm_min > 59 ||
	    tm->tm_sec > 59)
		return -1;
	return 0;
}

/*
 * Parse a date as dump writes it: ctime's text, then optionally an offset
 * from UTC.  With the offset the time is exact; without it, it is local
 * time.  The weekday must be a weekday name but is not checked against
 * the date, as dump does not; a day the month does not have is refused.
 */
int
dumpdates_parse_date(const char *s, time_t *out)
{
	struct tm tm;
	int mday, mon;
	long off = 0;
	const char *p = s + 24;
	int zoned = 0;
	time_t t;

	if (date_fields(s, &tm) == -1)
		return -1;
	p += strspn(p, " \t");
	if (*p == '+' || *p == '-') {
		if (p == s + 24 || date_offset(p, &off) == -1)
			return -1;
		zoned = 1;
		p += 5;
		p += strspn(p, " \t");
	}
	if (*p != '\0' && *p != '\n')
		return -1;
	mday = tm.tm_mday;
	mon = tm.tm_mon;
	tm.tm_isdst = -1;
	t = zoned ? timegm(&tm) - off : mktime(&tm);
	if (tm.tm_mday != mday || tm.tm_mon != mon)
		return -1;	/* normalised: "Nov 31" is not a date */
	*out = t;
	return 0;
}

/*
 * Parse one dumpdates line, "name level date [offset]": the name is the
 * first word (its length goes in *namelen), the level one digit.  Returns
 * 0, 1 for a blank line, -1 when the line is malformed.
 */
int
dumpdates_parse_line(const char *line, size_t *namelen, int *level,
    time_t *date)
{
	size_t n = strcspn(line, " \t\n");
	const char *p = line + n;

	if (line[strspn(line, " \t\n")] == '\0')
		return 1;
	if (n == 0 || (*p != ' ' && *p != '\t'))
		return -1;
	p += strspn(p, " \t");
	if (!isdigit((unsigned char)p[0]) || (p[1] != ' ' && p[1] != '\t'))
		return -1;
	*level = p[0] - '0';
	p += 1 + strspn(p + 1, " \t");
	if (dumpdates_parse_date(p, date) == -1)
		return -1;
	*namelen = n;
	return 0;
}

static int
ddates_add(struct ddates *dd, const char *name, size_t n, int level,
    time_t date)
{
	struct ddent *p;

	if (dd->n == dd->cap) {
		dd->cap = dd->cap ? dd->cap * 2 : 16;
		if ((p = realloc(dd->ent, dd->cap * sizeof(*p))) == NULL)
			return -1;
		dd->ent = p;
	}
	if ((dd->ent[dd->n].name = strndup(name, n)) == NULL)
		return -1;
	dd->ent[dd->n].level = level;
	dd->ent[dd->n++].date = date;
	return 0;
}

void
dumpdates_free(struct ddates *dd)
{
	size_t i;

	for (i = 0; i < dd->n; i++)
		free(dd->ent[i].name);
	free(dd->ent);
	memset(dd, 0, sizeof(*dd));
}

/* Parse every line of f into dd; -1 after a message on the first bad one. */
static int
dumpdates_parse(FILE *f, const char *path, struct ddates *dd)
{
	char *line = NULL;
	size_t cap = 0, n;
	unsigned lineno = 0;
	int level, rc = 0;
	time_t date;

	while (rc == 0 && getline(&line, &cap, f) != -1) {
		lineno++;
		switch (dumpdates_parse_line(line, &n, &level, &date)) {
		case 0:
			if ((rc = ddates_add(dd, line, n, level, date)) == -1)
				msg("out of memory\n");
			break;
		case -1:
			msg("Unknown format in %s, line %u: %s", path, lineno,
			    line);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		msg("cannot read %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

/*
 * Read the dumpdates file at path into dd.  A missing file is a warning,
 * as in dump; with create set (-u) an empty one is made, so that a file
 * -u cannot write is found before the dump rather than after.  Returns 0,
 * or -1 after a message.
 */
int
dumpdates_read(const char *path, int create, struct ddates *dd)
{
	FILE *f;
	int fd, rc;

	memset(dd, 0, sizeof(*dd));
	if ((f = fopen(path, "re")) == NULL) {
		if (errno != ENOENT) {
			msg("cannot read %s: %s\n", path, strerror(errno));
			return -1;
		}
		if (!create) {
			msg("WARNING: no file `%s'\n", path);
			return 0;
		}
		msg("WARNING: no file `%s', making an empty one\n", path);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) ==
		    -1) {
			msg("cannot create %s: %s\n", path, strerror(errno));
			return -1;
		}
		close(fd);
		return 0;
	}
	rc = dumpdates_parse(f, path, dd);
	fclose(f);
	if (rc == -1)
		dumpdates_free(dd);
	return rc;
}

/*
 * The entry an incremental of name at level builds on: among the dumps
 * of the same name at a lower level, the most recent (not the highest
 * level), the first one listed on a tie, as dump chooses.  NULL if none.
 */
const struct ddent *
dumpdates_last(const struct ddates *dd, const char *name, int level)
{
	const struct ddent *best = NULL;
	size_t i;

	for (i = 0; i < dd->n; i++)
		if (strcmp(dd->ent[i].name, name) == 0 &&
		    dd->ent[i].level < level &&
		    (best == NULL || dd->ent[i].date > best->date))
			best = &dd->ent[i];
	return best;
}

/*
 * Settle the date this dump starts from (d->ddate): -T's, else the last
 * lower-level dump's in dumpdates.  A level above 0 with nothing below it
 * becomes a level 0, as in dump; opt.level changes here, before anything
 * else reads it.  Returns 0, or -1 after a message.
 */
int
dumpdates_since(struct dump *d)
{
	struct ddates dd;
	const struct ddent *e;

	d->ddate = 0;
	d->lastlevel = 0;
	d->fulldate = 0;
	if (d->opt.Tflag) {
		d->ddate = d->opt.Tdate;
		d->lastlevel = -1;
		return 0;
	}
	if (dumpdates_read(d->opt.dumpdates, d->opt.update, &dd) == -1)
		return -1;
	/* The last level 0, which a rotation policy protects. */
	if ((e = dumpdates_last(&dd, d->opt.source, 1)) != NULL)
		d->fulldate = e->date;
	if ((e = dumpdates_last(&dd, d->opt.source, d->opt.level)) != NULL) {
		d->ddate = e->date;
		d->lastlevel = e->level;
	} else if (d->opt.level > 0) {
		warnmsg(d, "There is no inferior level dump on this "
		    "filesystem\n");
		warnmsg(d, "Assuming a level 0 dump by default\n");
		d->opt.level = 0;
	}
	dumpdates_free(&dd);
	return 0;
}

/* Format one dumpdates line for name and level at time t into buf. */
static int
dumpdates_line(char *buf, size_t len, const char *name, int level, time_t t)
{
	struct tm tm;
	char date[64];
	long off;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		return -1;
	off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
	return snprintf(buf, len, "%s %d %s %c%02ld%02ld\n", name, level, date,
	    tm.tm_gmtoff < 0 ? '-' : '+', off / 3600, off % 3600 / 60) < (int)len ?
	    0 : -1;
}

/* Does line record a dump of name at level? */
static int
dumpdates_match(const char *line, const char *name, int level)
{
	size_t n = strlen(name);
	char *end;
	long l;

	if (strncmp(line, name, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return 0;
	l = strtol(line + n, &end, 10);
	return end != line + n && l == level;
}

/*
 * Open and lock the dumpdates file.  If another dump replaced the file
 * while we waited for the lock, lock the new one instead.
 */
static int
dumpdates_lock(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat a, b;
	int fd;

	for (;;) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
			return -1;
		while (fcntl(fd, F_SETLKW, &fl) == -1) {
			if (errno != EINTR) {
				close(fd);
				return -1;
			}
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

/*
 * Copy every line of in, the entry for this filesystem and level replaced
 * in place by newline (appended if there was none), as dump does.  Lines
 * are copied as they are, even ones we could not parse.
 */
static int
dumpdates_copy(FILE *in, FILE *out, struct dump *d, const char *newline)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int done = 0, rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, in)) != -1) {
		if (dumpdates_match(line, d->opt.source, d->opt.level)) {
			if (!done && fputs(newline, out) == EOF)
				rc = -1;
			done = 1;	/* and a duplicate goes */
		} else if (fputs(line, out) == EOF ||
		    (line[len - 1] != '\n' && putc('\n', out) == EOF))
			rc = -1;
	}
	free(line);
	if (rc == -1 || ferror(in) || (!done && fputs(newline, out) == EOF) ||
	    fflush(out) == EOF || fsync(fileno(out)) == -1)
		return -1;
	return 0;
}

/*
 * The file to rewrite.  A symbolic link is followed, so that the rename
 * replaces its target, as dump's rewrite in place would, not the link.
 */
static char *
dumpdates_target(const char *path)
{
	char *real = realpath(path, NULL);

	return real != NULL ? real : strdup(path);
}

/* Make the rename survive a crash: sync the directory holding path. */
static void
dumpdates_syncdir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/*
 * Under the lock held on fd: write the new file beside the old one, with
 * the old one's permissions, and rename it over.  Closing our copy of fd
 * releases the lock, so that happens only after the rename.
 */
static int
dumpdates_rewrite(struct dump *d, int fd, const char *path, char *tmp,
    const char *newline)
{
	FILE *in = NULL, *out = NULL;
	struct stat st;
	int tfd = -1, rc = -1;

	if (fstat(fd, &st) == 0 &&
	    (in = fdopen(dup(fd), "r")) != NULL &&
	    (tfd = mkostemp(tmp, O_CLOEXEC)) != -1 &&
	    (out = fdopen(tfd, "w")) != NULL &&
	    fchmod(tfd, st.st_mode & 07777) == 0 &&
	    dumpdates_copy(in, out, d, newline) == 0 &&
	    rename(tmp, path) == 0) {
		rc = 0;
		dumpdates_syncdir(path);
	}
	if (rc == -1) {
		msg("cannot update %s: %s\n", path, strerror(errno));
		if (tfd != -1)
			unlink(tmp);
	}
	if (out != NULL)
		fclose(out);
	else if (tfd != -1)
		close(tfd);
	if (in != NULL)
		fclose(in);
	return rc;
}

/*
 * Record this dump in dumpdates.  Called only once the dump is complete.
 * Returns 0, or -1 after a message (the old file is then untouched).
 */
int
dumpdates_update(struct dump *d)
{
	char newline[512], *path, *tmp = NULL;
	int fd, rc = -1;

	if (dumpdates_line(newline, sizeof(newline), d->opt.source,
	    d->opt.level, d->st.start) == -1) {
		msg("cannot format the dumpdates entry\n");
		return -1;
	}
	if ((path = dumpdates_target(d->opt.dumpdates)) == NULL ||
	    (tmp = malloc(strlen(path) + 8)) == NULL) {
		msg("out of memory\n");
		free(path);
		return -1;
	}
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = dumpdates_lock(path)) == -1)
		msg("cannot lock %s: %s\n", path, strerror(errno));
	else {
		rc = dumpdates_rewrite(d, fd, path, tmp, newline);
		close(fd);
	}
	free(tmp);
	free(path);
	return rc;
}
