// SPDX-License-Identifier: BSD-2-Clause
/*
 * treecmp compares two directory trees the way the regression tests need:
 * the tree a dump was made from against the tree restore(8) rebuilt.  It
 * checks presence, type, permission bits, owner, size, times, contents,
 * holes, symlink targets, device numbers, hard-link groups and extended
 * attributes, prints one line per difference and exits 0 only when none.
 */

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

/*
 * One name in a tree.  The stat is taken while walking, before anything
 * reads the file, so atimes are seen as restore left them.
 */
struct entry {
	char		*full;		/* path to open */
	const char	*rel;		/* path below the root, "." for it */
	struct stat	 st;
	const char	*leader;	/* smallest rel naming the same inode */
	size_t		 nlinks;	/* names of that inode in the tree */
};

struct tree {
	size_t		 rootlen;
	struct entry	*ents;
	size_t		 n, cap;
};

static const char	**ignores;
static size_t		  nignores;
static int		  no_atime;
static unsigned long	  ndiffs;

/* Report a usage or I/O error and stop: such a run proves nothing. */
static void __attribute__((__format__(__printf__, 1, 2), __noreturn__))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "treecmp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		die("out of memory");
	return p;
}

/* Report one difference as "path: what: expected X, got Y". */
static void __attribute__((__format__(__printf__, 3, 4)))
diff(const char *rel, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", rel, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	ndiffs++;
}

static char *
joinpath(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) == -1)
		die("out of memory");
	return p;
}

/*
 * Open read-only without moving the access time, so that one comparison
 * does not change what the next one sees.  O_NOATIME is refused unless we
 * own the file or are privileged; fall back to a plain open then.
 */
static int
open_noatime(const char *path, int flags)
{
	int fd;

	fd = open(path, flags | O_RDONLY | O_NOFOLLOW | O_NOATIME);
	if (fd == -1 && errno == EPERM)
		fd = open(path, flags | O_RDONLY | O_NOFOLLOW);
	if (fd == -1)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static int
ignored(const char *rel)
{
	for (size_t i = 0; i < nignores; i++)
		if (strcmp(rel, ignores[i]) == 0)
			return 1;
	return 0;
}

/* Record FULL (which the tree now owns) and return its entry's index. */
static size_t
tree_add(struct tree *t, char *full)
{
	struct entry *x;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		if ((t->ents = realloc(t->ents, t->cap * sizeof(*x))) == NULL)
			die("out of memory");
	}
	x = &t->ents[t->n];
	x->full = full;
	x->rel = strlen(full) > t->rootlen ? full + t->rootlen + 1 : ".";
	if (lstat(full, &x->st) == -1)
		die("%s: %s", full, strerror(errno));
	return t->n++;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Record every entry below the directory FULL, depth first, names sorted. */
static void
tree_walk(struct tree *t, const char *full)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i, k;
	struct dirent *de;
	DIR *d;

	if ((d = fdopendir(open_noatime(full, O_DIRECTORY))) == NULL)
		die("%s: %s", full, strerror(errno));
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap && (names = realloc(names,
		    (cap = cap ? cap * 2 : 64) * sizeof(*names))) == NULL)
			die("out of memory");
		names[n++] = joinpath(full, de->d_name);
	}
	if (errno != 0)
		die("%s: %s", full, strerror(errno));
	closedir(d);
	if (n > 0)	/* an empty directory has no array at all */
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		if (ignored(names[i] + t->rootlen + 1)) {
			free(names[i]);
			continue;
		}
		k = tree_add(t, names[i]);	/* may move t->ents */
		if (S_ISDIR(t->ents[k].st.st_mode))
			tree_walk(t, names[i]);
	}
	free(names);
}

static int
cmp_inode(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

/*
 * Give every entry the smallest path among those naming the same inode.
 * Two trees have the same hard-link groups exactly when every path has the
 * same leader in both, which turns a comparison of sets into a lookup.
 */
static void
tree_links(struct tree *t)
{
	struct entry **v = xmalloc(t->n * sizeof(*v));
	size_t i, j, k;

	for (i = 0; i < t->n; i++)
		v[i] = &t->ents[i];
	qsort(v, t->n, sizeof(*v), cmp_inode);
	for (i = 0; i < t->n; i = j) {
		for (j = i + 1; j < t->n && v[j]->st.st_ino == v[i]->st.st_ino &&
		    v[j]->st.st_dev == v[i]->st.st_dev; j++)
			;
		for (k = i; k < j; k++) {
			v[k]->leader = v[i]->rel;
			v[k]->nlinks = j - i;
		}
	}
	free(v);
}

static int
cmp_rel(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->rel,
	    ((const struct entry *)b)->rel);
}

static void
tree_load(struct tree *t, const char *root)
{
	size_t len = strlen(root);
	char *full = xmalloc(len + 1);

	while (len > 1 && root[len - 1] == '/')
		len--;
	memcpy(full, root, len);
	full[len] = '\0';
	t->rootlen = len;
	tree_add(t, full);
	if (!S_ISDIR(t->ents[0].st.st_mode))
		die("%s: not a directory", root);
	tree_walk(t, full);
	qsort(t->ents, t->n, sizeof(*t->ents), cmp_rel);
	tree_links(t);
}

static void
tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->ents[i].full);
	free(t->ents);
}

static const char *
typename(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:	return "regular file";
	case S_IFDIR:	return "directory";
	case S_IFLNK:	return "symlink";
	case S_IFCHR:	return "char device";
	case S_IFBLK:	return "block device";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "socket";
	}
	return "unknown type";
}

/* Where the next data at or after OFF starts; SIZE when there is none. */
static off_t
next_data(int fd, off_t off, off_t size)
{
	off_t d = lseek(fd, off, SEEK_DATA);

	return d == -1 || d > size ? size : d;
}

static void
read_full(const char *path, int fd, char *buf, size_t n, off_t off)
{
	ssize_t r;

	for (; n > 0; buf += r, n -= r, off += r)
		if ((r = pread(fd, buf, n, off)) <= 0)
			die("%s: read error at %lld", path, (long long)off);
}

/*
 * Compare the bytes of two regular files over their common length SIZE.
 * Stretches that are holes in both read as zeros in both and are skipped,
 * which keeps a 5 GiB sparse file cheap.
 */
static void
cmp_content(const struct entry *x, const struct entry *y, int fd[2],
    off_t size)
{
	static char b0[CHUNK], b1[CHUNK];
	off_t off = 0, d0, d1;
	size_t n, i;

	while (off < size) {
		d0 = next_data(fd[0], off, size);
		d1 = next_data(fd[1], off, size);
		if ((off = d0 < d1 ? d0 : d1) >= size)
			break;
		n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		read_full(x->full, fd[0], b0, n, off);
		read_full(y->full, fd[1], b1, n, off);
		if (memcmp(b0, b1, n) != 0) {
			for (i = 0; b0[i] == b1[i]; i++)
				;
			diff(x->rel, "content", "expected byte 0x%02x at offset "
			    "%lld, got 0x%02x", (unsigned char)b0[i],
			    (long long)(off + i), (unsigned char)b1[i]);
			return;
		}
		off += n;
	}
}

/*
 * Every hole of the expected file must be a hole in the actual one: a dump
 * that turns holes into written zeros passes the content check but fails
 * here.  Where the expected file has data the actual one may have either.
 */
static void
cmp_holes(const struct entry *x, int fd[2])
{
	off_t size = x->st.st_size, h, d;

	for (h = 0; h < size; h = next_data(fd[0], h, size)) {
		if ((h = lseek(fd[0], h, SEEK_HOLE)) == -1 || h >= size)
			break;
		if ((d = next_data(fd[1], h, size)) < next_data(fd[0], h, size)) {
			diff(x->rel, "hole", "expected a hole at offset %lld, "
			    "got data", (long long)d);
			return;
		}
	}
}

static void
cmp_regular(const struct entry *x, const struct entry *y)
{
	int fd[2];

	fd[0] = open_noatime(x->full, 0);
	fd[1] = open_noatime(y->full, 0);
	cmp_content(x, y, fd, x->st.st_size < y->st.st_size ? x->st.st_size :
	    y->st.st_size);
	if (x->st.st_size == y->st.st_size)
		cmp_holes(x, fd);
	close(fd[0]);
	close(fd[1]);
}

static void
cmp_symlink(const struct entry *x, const struct entry *y)
{
	char te[PATH_MAX + 1], ta[PATH_MAX + 1];
	ssize_t ne, na;

	if ((ne = readlink(x->full, te, PATH_MAX)) == -1)
		die("%s: %s", x->full, strerror(errno));
	if ((na = readlink(y->full, ta, PATH_MAX)) == -1)
		die("%s: %s", y->full, strerror(errno));
	te[ne] = ta[na] = '\0';
	if (strcmp(te, ta) != 0)
		diff(x->rel, "symlink target", "expected '%s', got '%s'", te, ta);
}

/*
 * The value of the attribute NAME of PATH or, with NAME null, the list of
 * its attribute names (each ends with a NUL).  Never follows a symlink.
 */
static char *
xattr_get(const char *path, const char *name, ssize_t *len)
{
	ssize_t n;
	char *buf;

	n = name ? lgetxattr(path, name, NULL, 0) : llistxattr(path, NULL, 0);
	if (n == -1 && name == NULL && errno == ENOTSUP)
		n = 0;
	buf = xmalloc(n + 1);
	if (n > 0)
		n = name ? lgetxattr(path, name, buf, n) :
		    llistxattr(path, buf, n);
	if (n == -1)
		die("%s: %s: %s", path, name ? name : "xattr names",
		    strerror(errno));
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
has_name(const char *list, ssize_t len, const char *name)
{
	for (const char *p = list; p < list + len; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return 1;
	return 0;
}

static void
cmp_xattr_value(const struct entry *x, const struct entry *y, const char *name)
{
	ssize_t ne, na, i;
	char *ve = xattr_get(x->full, name, &ne);
	char *va = xattr_get(y->full, name, &na);
	char what[300];

	snprintf(what, sizeof(what), "xattr %s", name);
	if (ne != na)
		diff(x->rel, what, "expected %zd bytes, got %zd", ne, na);
	else if (memcmp(ve, va, ne) != 0) {
		for (i = 0; ve[i] == va[i]; i++)
			;
		diff(x->rel, what, "expected byte 0x%02x at offset %zd, "
		    "got 0x%02x", (unsigned char)ve[i], i, (unsigned char)va[i]);
	}
	free(ve);
	free(va);
}

/* Every name and value, both ways; ACLs are xattrs of the system. class. */
static void
cmp_xattrs(const struct entry *x, const struct entry *y)
{
	ssize_t le, la;
	char *ne = xattr_get(x->full, NULL, &le);
	char *na = xattr_get(y->full, NULL, &la);
	const char *p;

	for (p = ne; p < ne + le; p += strlen(p) + 1) {
		if (!has_name(na, la, p))
			diff(x->rel, "xattr", "expected %s, got nothing", p);
		else
			cmp_xattr_value(x, y, p);
	}
	for (p = na; p < na + la; p += strlen(p) + 1)
		if (!has_name(ne, le, p))
			diff(x->rel, "xattr", "expected nothing, got %s", p);
	free(ne);
	free(na);
}

static void
cmp_num(const char *rel, const char *what, long long e, long long a)
{
	if (e != a)
		diff(rel, what, "expected %lld, got %lld", e, a);
}

/* Compare what lstat(2) says; return 0 when the types differ. */
static int
cmp_stat(const struct entry *x, const struct entry *y)
{
	const struct stat *se = &x->st, *sa = &y->st;
	unsigned me = se->st_mode & 07777, ma = sa->st_mode & 07777;

	if ((se->st_mode & S_IFMT) != (sa->st_mode & S_IFMT)) {
		diff(x->rel, "type", "expected %s, got %s",
		    typename(se->st_mode), typename(sa->st_mode));
		return 0;
	}
	if (me != ma)
		diff(x->rel, "mode", "expected %04o, got %04o", me, ma);
	cmp_num(x->rel, "uid", se->st_uid, sa->st_uid);
	cmp_num(x->rel, "gid", se->st_gid, sa->st_gid);
	if (S_ISREG(se->st_mode) || S_ISLNK(se->st_mode))
		cmp_num(x->rel, "size", se->st_size, sa->st_size);
	cmp_num(x->rel, "mtime", se->st_mtime, sa->st_mtime);
	/* Reading a link moves its atime and O_NOATIME cannot prevent it. */
	if (!no_atime && !S_ISLNK(se->st_mode))
		cmp_num(x->rel, "atime", se->st_atime, sa->st_atime);
	if ((S_ISCHR(se->st_mode) || S_ISBLK(se->st_mode)) &&
	    se->st_rdev != sa->st_rdev)
		diff(x->rel, "device", "expected %u:%u, got %u:%u",
		    major(se->st_rdev), minor(se->st_rdev),
		    major(sa->st_rdev), minor(sa->st_rdev));
	return 1;
}

static void
cmp_entry(const struct entry *x, const struct entry *y)
{
	if (!cmp_stat(x, y))
		return;
	if (!S_ISDIR(x->st.st_mode) && (strcmp(x->leader, y->leader) != 0 ||
	    x->nlinks != y->nlinks))
		diff(x->rel, "hard links", "expected %zu name(s) led by %s, "
		    "got %zu name(s) led by %s", x->nlinks, x->leader,
		    y->nlinks, y->leader);
	if (S_ISREG(x->st.st_mode))
		cmp_regular(x, y);
	else if (S_ISLNK(x->st.st_mode))
		cmp_symlink(x, y);
	cmp_xattrs(x, y);
}

/* Walk both sorted entry lists side by side, like comm(1). */
static void
cmp_trees(const struct tree *e, const struct tree *a)
{
	size_t i = 0, j = 0;
	int c;

	while (i < e->n || j < a->n) {
		c = i == e->n ? 1 : j == a->n ? -1 :
		    strcmp(e->ents[i].rel, a->ents[j].rel);
		if (c < 0) {
			diff(e->ents[i].rel, "presence", "expected %s, got "
			    "nothing", typename(e->ents[i].st.st_mode));
			i++;
		} else if (c > 0) {
			diff(a->ents[j].rel, "presence", "expected nothing, "
			    "got %s", typename(a->ents[j].st.st_mode));
			j++;
		} else
			cmp_entry(&e->ents[i++], &a->ents[j++]);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: treecmp [-i name]... [--no-atime] "
	    "expected_dir actual_dir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct tree e = { 0 }, a = { 0 };
	int i;

	ignores = xmalloc(argc * sizeof(*ignores));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-atime") == 0)
			no_atime = 1;
		else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
			ignores[nignores++] = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			usage();
	}
	if (argc - i != 2)
		usage();
	tree_load(&e, argv[i]);
	tree_load(&a, argv[i + 1]);
	cmp_trees(&e, &a);
	tree_free(&e);
	tree_free(&a);
	free(ignores);
	printf("treecmp: %lu differences\n", ndiffs);
	return ndiffs ? 1 : 0;
}
