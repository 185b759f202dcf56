// SPDX-License-Identifier: BSD-2-Clause
/*
 * Does the trainee's set restore exactly?  The real restore(8) rebuilds
 * it from the library's volumes in scratch/restored, and the result is
 * compared with the generated tree entry by entry: type and mode,
 * content, symlink target and link count.  The first difference is the
 * verdict; an instructor wants one clear reason, not a diff.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "training.h"

struct cmp {
	char		*why;
	size_t		 len;
	long		 files, dirs;
};

static int __attribute__((format(printf, 2, 3)))
differ(struct cmp *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->len, fmt, ap);
	va_end(ap);
	return -1;
}

static int
same_content(const char *a, const char *b)
{
	char x[16384], y[16384];
	ssize_t n, m;
	int fa, fb, rc = -1;

	fa = open(a, O_RDONLY | O_CLOEXEC);
	fb = open(b, O_RDONLY | O_CLOEXEC);
	if (fa != -1 && fb != -1)
		for (;;) {
			n = read(fa, x, sizeof(x));
			m = read(fb, y, sizeof(y));
			if (n != m || n < 0 || memcmp(x, y, (size_t)n) != 0)
				break;
			if (n == 0) {
				rc = 0;
				break;
			}
		}
	if (fa != -1)
		close(fa);
	if (fb != -1)
		close(fb);
	return rc;
}

static int cmp_dir(struct cmp *, const char *, const char *, const char *);

/* One entry of the tree against the restored one. */
static int
cmp_entry(struct cmp *c, const char *a, const char *b, const char *rel)
{
	struct stat sa, sb;
	char la[PATH_MAX], lb[PATH_MAX];
	ssize_t n, m;

	if (lstat(a, &sa) == -1)
		return differ(c, "%s: %s", a, strerror(errno));
	if (lstat(b, &sb) == -1)
		return differ(c, "%s is missing from the restored tree", rel);
	if (sa.st_mode != sb.st_mode)
		return differ(c, "%s: mode %o, restored %o", rel,
		    (unsigned)sa.st_mode, (unsigned)sb.st_mode);
	if (S_ISDIR(sa.st_mode)) {
		c->dirs++;
		return cmp_dir(c, a, b, rel);
	}
	c->files++;
	if (sa.st_nlink != sb.st_nlink)
		return differ(c, "%s: %lu links, restored %lu", rel,
		    (unsigned long)sa.st_nlink, (unsigned long)sb.st_nlink);
	if (S_ISLNK(sa.st_mode)) {
		n = readlink(a, la, sizeof(la));
		m = readlink(b, lb, sizeof(lb));
		if (n < 0 || n != m || memcmp(la, lb, (size_t)n) != 0)
			return differ(c, "%s: the symlink's target differs",
			    rel);
		return 0;
	}
	if (sa.st_size != sb.st_size)
		return differ(c, "%s: %lld bytes, restored %lld", rel,
		    (long long)sa.st_size, (long long)sb.st_size);
	if (S_ISREG(sa.st_mode) && same_content(a, b) == -1)
		return differ(c, "%s: the content differs", rel);
	return 0;
}

/* Names of d, sorted; NULL on error. */
static int
names(const char *d, struct dirent ***list)
{
	return scandir(d, list, NULL, alphasort);
}

static int
dot(const char *s)
{
	return strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

/* Restore's own files and mke2fs's lost+found are not the trainee's. */
static int
ours(const char *rel, const char *name)
{
	return rel[0] == '\0' && (strcmp(name, "lost+found") == 0 ||
	    strcmp(name, "restoresymtable") == 0);
}

static int
cmp_dir(struct cmp *c, const char *a, const char *b, const char *rel)
{
	struct dirent **la = NULL, **lb = NULL;
	char pa[PATH_MAX], pb[PATH_MAX], r[PATH_MAX];
	int na, nb, i, rc = 0;

	if ((na = names(a, &la)) < 0)
		return differ(c, "%s: %s", a, strerror(errno));
	if ((nb = names(b, &lb)) < 0)
		rc = differ(c, "%s: %s", b, strerror(errno));
	for (i = 0; rc == 0 && i < na; i++) {
		if (dot(la[i]->d_name))
			continue;
		snprintf(pa, sizeof(pa), "%s/%s", a, la[i]->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, la[i]->d_name);
		snprintf(r, sizeof(r), "%s%s%s", rel, rel[0] ? "/" : "",
		    la[i]->d_name);
		rc = cmp_entry(c, pa, pb, r);
	}
	for (i = 0; rc == 0 && i < nb; i++) {
		snprintf(pa, sizeof(pa), "%s/%s", a, lb[i]->d_name);
		if (!dot(lb[i]->d_name) && !ours(rel, lb[i]->d_name) &&
		    access(pa, F_OK) == -1)
			rc = differ(c, "%s%s%s: restored, but not in the tree",
			    rel, rel[0] ? "/" : "", lb[i]->d_name);
	}
	for (i = 0; i < na; i++)
		free(la[i]);
	for (i = 0; i < nb; i++)
		free(lb[i]);
	free(la);
	free(lb);
	return rc;
}

/*
 * Compare the tree a with the restored b.  Returns the number of files
 * compared, or -1 with the first difference in why.
 */
int
tr_treecmp(const char *a, const char *b, char *why, size_t len)
{
	struct cmp c = { why, len, 0, 0 };

	if (cmp_dir(&c, a, b, "") == -1)
		return -1;
	snprintf(why, len, "%ld files and %ld directories", c.files, c.dirs);
	return (int)c.files;
}

/* The volumes in the library: vol001, vol002, ... with none missing. */
static int
count_volumes(const char *lib)
{
	char p[PATH_MAX];
	int n;

	for (n = 0; n < 999; n++) {
		tr_path(p, "%s/vol%03d", lib, n + 1);
		if (access(p, F_OK) == -1)
			break;
	}
	return n;
}

/* Restore the set with the real restore and compare it with the tree. */
void
training_verify(struct training *t)
{
	char dir[PATH_MAX], vol[PATH_MAX], log[PATH_MAX], how[400];
	char *av[] = { (char *)"restore", (char *)"-r", (char *)"-y",
	    (char *)"-M", (char *)"-f", vol, NULL };
	int rc;

	t->nvolumes = count_volumes(t->lib);
	t->exact = 0;
	if (t->status != 0) {
		snprintf(t->verdict, sizeof(t->verdict), "not tried: the dump "
		    "did not finish, so there is no set to restore");
		return;
	}
	tr_path(dir, "%s/restored", t->scratch);
	tr_path(vol, "%s/vol", t->lib);
	tr_path(log, "%s/restore.log", t->scratch);
	if (access("/sbin/restore", X_OK) == 0)
		av[0] = (char *)"/sbin/restore";
	if (mkdir(dir, 0700) == -1) {
		snprintf(t->verdict, sizeof(t->verdict), "%.200s: %s", dir,
		    strerror(errno));
		return;
	}
	if ((rc = tr_run(av, dir, log, 300)) != 0) {
		snprintf(t->verdict, sizeof(t->verdict), "restore -r -M -f "
		    "%.200s failed (%s); see %.200s", vol, rc == -1 ? "killed or timed "
		    "out" : "exit status not 0", log);
		return;
	}
	if (tr_treecmp(t->tree, dir, how, sizeof(how)) == -1) {
		snprintf(t->verdict, sizeof(t->verdict), "DIFFERS: %s (restore "
		    "-r -M -f %.60s, compared with the generated tree)", how, vol);
		return;
	}
	t->exact = 1;
	snprintf(t->verdict, sizeof(t->verdict), "restores exactly: %s "
	    "compared (restore -r -M -f %.200s)", how, vol);
}
