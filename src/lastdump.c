// SPDX-License-Identifier: BSD-2-Clause
/*
 * -W and -w: which filesystems need a dump, as dump reports it.  The
 * ext2/3/4 filesystems that are mounted or listed in fstab, in that order,
 * each with its dump frequency (fstab's fifth field, in days) and its most
 * recent dump in dumpdates; then the dumpdates names no table entry
 * claims.  Only entries naming a block device count, as in dump.
 * OPDUMP_FSTAB and OPDUMP_MOUNTS name other tables, for tests.
 */
#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "opdump.h"

struct fsent {
	char		*spec;		/* device, as the table names it */
	char		*dir;		/* mount point */
	int		 freq;		/* days between dumps; 0 = never due */
};

struct fstable {
	struct fsent	*ent;
	size_t		 n, cap;
};

static int
is_ext(const char *type)
{
	return strcmp(type, "ext2") == 0 || strcmp(type, "ext3") == 0 ||
	    strcmp(type, "ext4") == 0;
}

/*
 * The device an entry names: a LABEL= or UUID= spec through udev's links.
 * NULL when that is not a block device: dump leaves out such entries
 * (images, devices not there), and so do we.
 */
static char *
fs_resolve(const char *spec)
{
	char link[PATH_MAX];
	struct stat st;

	if (strncmp(spec, "LABEL=", 6) == 0) {
		snprintf(link, sizeof(link), "/dev/disk/by-label/%s", spec + 6);
		spec = link;
	} else if (strncmp(spec, "UUID=", 5) == 0) {
		snprintf(link, sizeof(link), "/dev/disk/by-uuid/%s", spec + 5);
		spec = link;
	}
	if (stat(spec, &st) == -1 || !S_ISBLK(st.st_mode))
		return NULL;
	return spec == link ? realpath(link, NULL) : strdup(spec);
}

/*
 * Add one ext2/3/4 entry.  A device listed again (mounted, then in fstab)
 * keeps its first mount point and takes the later frequency.
 */
static int
fstable_add(struct fstable *t, const struct mntent *m)
{
	struct fsent *p;
	char *spec;
	size_t i;

	if ((spec = fs_resolve(m->mnt_fsname)) == NULL)
		return 0;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->ent[i].spec, spec) == 0) {
			t->ent[i].freq = m->mnt_freq;
			free(spec);
			return 0;
		}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		if ((p = realloc(t->ent, t->cap * sizeof(*p))) == NULL) {
			free(spec);
			return -1;
		}
		t->ent = p;
	}
	p = &t->ent[t->n];
	p->spec = spec;
	p->freq = m->mnt_freq;
	if ((p->dir = strdup(m->mnt_dir)) == NULL) {
		free(spec);
		return -1;
	}
	t->n++;
	return 0;
}

/* The ext2/3/4 entries of one table; a missing table adds nothing. */
static int
fstable_read(struct fstable *t, const char *path)
{
	struct mntent *m;
	FILE *f;
	int rc = 0;

	if ((f = setmntent(path, "re")) == NULL) {
		msg("Can't open %s for dump table information: %s\n", path,
		    strerror(errno));
		return 0;
	}
	while (rc == 0 && (m = getmntent(f)) != NULL)
		if (is_ext(m->mnt_type))
			rc = fstable_add(t, m);
	endmntent(f);
	if (rc == -1)
		msg("out of memory\n");
	return rc;
}

static void
fstable_free(struct fstable *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->ent[i].spec);
		free(t->ent[i].dir);
	}
	free(t->ent);
}

/* The most recent dump of a table entry, by device or mount point. */
static const struct ddent *
lastdump_of(const struct ddates *dd, const struct fsent *fs)
{
	const struct ddent *a = dumpdates_last(dd, fs->spec, 10);
	const struct ddent *b = dumpdates_last(dd, fs->dir, 10);

	return a == NULL || (b != NULL && b->date > a->date) ? b : a;
}

/* One line of the report, in dump's columns. */
static void
lastdump_line(int mode, const char *name, const char *dir,
    const struct ddent *e, int due)
{
	char date[64];

	if (mode == 'w' && !due)
		return;
	printf("%c %8s\t(%6s) Last dump: ", due && mode == 'W' ? '>' : ' ',
	    name, dir);
	if (e == NULL)
		printf("never\n");
	else
		printf("Level %d, Date %s\n", e->level,
		    ctime_nonl(e->date, date, sizeof(date)));
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ddent *)a)->name,
	    ((const struct ddent *)b)->name);
}

/* Does a filesystem of the table go by this dumpdates name? */
static int
claimed(const struct fstable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->ent[i].spec, name) == 0 ||
		    strcmp(t->ent[i].dir, name) == 0)
			return 1;
	return 0;
}

/* The dumpdates names of no table entry, by name, each once. */
static void
lastdump_others(int mode, const struct fstable *t, struct ddates *dd)
{
	size_t i;

	qsort(dd->ent, dd->n, sizeof(*dd->ent), name_cmp);
	for (i = 0; i < dd->n; i++) {
		if ((i > 0 && strcmp(dd->ent[i].name, dd->ent[i - 1].name) ==
		    0) || claimed(t, dd->ent[i].name))
			continue;
		lastdump_line(mode, dd->ent[i].name, "",
		    dumpdates_last(dd, dd->ent[i].name, 10), 0);
	}
}

/*
 * Print the report for -W (every filesystem, '>' before those due) or
 * -w (only those due).  A filesystem is due when fstab gives it a
 * frequency and its last dump is older than that many days, or it has
 * none.  Returns 0, or -1 after a message.
 */
int
lastdump_report(const struct options *o)
{
	struct fstable t = { NULL, 0, 0 };
	struct ddates dd;
	const struct ddent *e;
	const char *mounts = getenv("OPDUMP_MOUNTS");
	const char *fstab = getenv("OPDUMP_FSTAB");
	time_t now = time(NULL);
	size_t i;
	int due;

	if (dumpdates_read(o->dumpdates, 0, &dd) == -1)
		return -1;
	if (fstable_read(&t, mounts ? mounts : "/proc/self/mounts") == -1 ||
	    fstable_read(&t, fstab ? fstab : "/etc/fstab") == -1) {
		fstable_free(&t);
		dumpdates_free(&dd);
		return -1;
	}
	printf(o->lastdump == 'w' ? "Dump these file systems:\n" :
	    "Last dump(s) done (Dump '>' file systems):\n");
	for (i = 0; i < t.n; i++) {
		e = lastdump_of(&dd, &t.ent[i]);
		due = t.ent[i].freq > 0 && (e == NULL ||
		    e->date < now - (time_t)t.ent[i].freq * 86400);
		lastdump_line(o->lastdump, t.ent[i].spec, t.ent[i].dir, e, due);
	}
	lastdump_others(o->lastdump, &t, &dd);
	fstable_free(&t);
	dumpdates_free(&dd);
	return fflush(stdout) == EOF ? -1 : 0;
}
