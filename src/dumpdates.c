// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dumpdates file (-u, -D): one line per filesystem and level, in
 * dump's format, so opdump and dump can share the file.  An update never
 * loses an operator's data: it happens under an fcntl lock, into a
 * temporary file that is synced and renamed over the old one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"

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

/* Copy every line of in but the one being replaced, then the new line. */
static int
dumpdates_copy(FILE *in, FILE *out, struct dump *d, const char *newline)
{
	char line[4096];

	while (fgets(line, sizeof(line), in) != NULL)
		if (!dumpdates_match(line, d->opt.source, d->opt.level) &&
		    fputs(line, out) == EOF)
			return -1;
	if (ferror(in) || fputs(newline, out) == EOF || fflush(out) == EOF ||
	    fsync(fileno(out)) == -1)
		return -1;
	return 0;
}

/*
 * Record this dump in dumpdates.  Called only once the dump is complete.
 * Returns 0, or -1 after a message (the old file is then untouched).
 */
int
dumpdates_update(struct dump *d)
{
	const char *path = d->opt.dumpdates;
	char newline[512], *tmp;
	FILE *in = NULL, *out = NULL;
	int fd, tfd = -1, rc = -1;

	if (dumpdates_line(newline, sizeof(newline), d->opt.source,
	    d->opt.level, d->st.start) == -1 ||
	    (tmp = malloc(strlen(path) + 8)) == NULL) {
		msg("cannot format the dumpdates entry\n");
		return -1;
	}
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = dumpdates_lock(path)) == -1) {
		msg("cannot lock %s: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if ((in = fdopen(dup(fd), "r")) != NULL &&
	    (tfd = mkostemp(tmp, O_CLOEXEC)) != -1 &&
	    (out = fdopen(tfd, "w")) != NULL &&
	    fchmod(tfd, 0644) == 0 &&
	    dumpdates_copy(in, out, d, newline) == 0 &&
	    rename(tmp, path) == 0)
		rc = 0;
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
	close(fd);	/* releases the lock, after the rename */
	free(tmp);
	return rc;
}
