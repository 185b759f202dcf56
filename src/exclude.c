// SPDX-License-Identifier: BSD-2-Clause
/*
 * Inodes the operator leaves out by number: -e inode[,inode...] and -E
 * file, one number a line.  A bad number stops the dump with its text (and
 * line) named, as dump does.  Applying the list only marks the inodes
 * excluded; traverse.c prunes what lies below an excluded directory.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opdump.h"

static int
inolist_add(struct inolist *l, uint32_t ino)
{
	uint32_t *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if ((p = realloc(l->ino, l->cap * sizeof(*p))) == NULL) {
			msg("out of memory\n");
			return -1;
		}
		l->ino = p;
	}
	l->ino[l->n++] = ino;
	return 0;
}

/*
 * One inode number, the whole of s[0..len).  The root and the inodes
 * below it cannot be left out: restore needs the root.
 */
static int
exclude_number(const char *s, size_t len, uint32_t *ino)
{
	char buf[16], *end;
	unsigned long v;

	if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v <= EXT2_ROOT_INO || v > UINT32_MAX)
		return -1;
	*ino = (uint32_t)v;
	return 0;
}

/* -e: a comma-separated list of inode numbers. */
int
exclude_list(struct inolist *l, const char *arg)
{
	const char *p = arg;
	size_t len;
	uint32_t ino;

	for (;;) {
		len = strcspn(p, ",");
		if (exclude_number(p, len, &ino) == -1) {
			msg("Invalid inode argument %.*s\n", (int)len, p);
			return -1;
		}
		if (inolist_add(l, ino) == -1)
			return -1;
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/* -E: a file of inode numbers, one a line; blank lines are skipped. */
int
exclude_file(struct inolist *l, const char *path)
{
	FILE *f;
	char *line = NULL, *s;
	size_t cap = 0, len;
	unsigned lineno = 0;
	uint32_t ino;
	int rc = 0;

	if ((f = fopen(path, "re")) == NULL) {
		msg("Cannot open file for reading: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) != -1) {
		lineno++;
		s = line + strspn(line, " \t");
		len = strcspn(s, " \t\r\n");
		if (len == 0)
			continue;
		if (s[len + strspn(s + len, " \t\r\n")] != '\0' ||
		    exclude_number(s, len, &ino) == -1) {
			s[strcspn(s, "\r\n")] = '\0';
			msg("Invalid inode argument %s in %s, line %u\n", s, path,
			    lineno);
			rc = -1;
		} else
			rc = inolist_add(l, ino);
	}
	if (rc == 0 && ferror(f)) {
		msg("cannot read %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

void
exclude_free(struct inolist *l)
{
	free(l->ino);
	memset(l, 0, sizeof(*l));
}

/*
 * Mark the listed inodes excluded before pass I, which then leaves them
 * (and, for a directory, its subtree) out.  Numbers past the last inode
 * of the filesystem are ignored, as dump ignores them.
 */
void
exclude_apply(struct dump *d)
{
	size_t i;
	uint32_t ino;

	for (i = 0; i < d->opt.exclude.n; i++) {
		ino = d->opt.exclude.ino[i];
		if (ino > d->src.maxino)
			continue;
		verbose(d, "Excluding inode %u from dump\n", ino);
		MAP_SET(d->map.excl, ino);
	}
}
