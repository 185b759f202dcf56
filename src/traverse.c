// SPDX-License-Identifier: BSD-2-Clause
/*
 * The passes over the filesystem.  Pass I maps which inodes are in use,
 * excluded or changed since the dump this one builds on; pass II prunes
 * excluded subtrees and, on an incremental, adds the directories restore
 * needs to place what changed.  Passes III and IV walk the inode table
 * again in inode order and hand each dumped directory, then each other
 * inode, to dumpino.c.  Walking in inode order (never down the tree) means
 * a corrupt directory cannot send us in circles.
 */
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "opdump.h"

struct scan {
	ext2_inode_scan		 scan;
	struct ext2_inode_large	*inode;
	int			 isize;
};

static int
scan_open(struct dump *d, struct scan *s)
{
	errcode_t err;

	s->isize = EXT2_INODE_SIZE(d->src.fs->super);
	if ((s->inode = calloc(1, (size_t)s->isize)) == NULL) {
		msg("out of memory\n");
		return -1;
	}
	if ((err = ext2fs_open_inode_scan(d->src.fs, 0, &s->scan)) != 0) {
		msg("%s: cannot scan inodes: %s\n", d->src.device,
		    error_message(err));
		free(s->inode);
		return -1;
	}
	return 0;
}

static void
scan_close(struct scan *s)
{
	ext2fs_close_inode_scan(s->scan);
	free(s->inode);
}

/*
 * The next inode, in *ino (0 at the end).  A checksum error is reported
 * (when report is set) and the inode used as it is; an inode libext2fs
 * calls garbage is skipped.  Returns -1 on an error that ends the scan.
 * Without report the checksums are not even computed: pass I checked every
 * inode already, and computing them again was a third of the dumping
 * passes' instructions on small files.  With it, csum_inode_ok() checks
 * them where it can, with the processor's crc32c instruction.
 */
static int
scan_next(struct dump *d, struct scan *s, ext2_ino_t *ino, int report)
{
	ext2_filsys fs = d->src.fs;
	int ignored = fs->flags & EXT2_FLAG_IGNORE_CSUM_ERRORS;
	errcode_t err;

	for (;;) {
		if (!report || csum_native)
			fs->flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
		err = ext2fs_get_next_inode_full(s->scan, ino,
		    (struct ext2_inode *)s->inode, s->isize);
		fs->flags = (fs->flags & ~EXT2_FLAG_IGNORE_CSUM_ERRORS) | ignored;
		if (err == 0 && report && csum_native && *ino != 0 &&
		    !csum_inode_ok(fs, *ino, s->inode))
			err = EXT2_ET_INODE_CSUM_INVALID;
		if (err == 0 || err == EXT2_ET_INODE_CSUM_INVALID) {
			if (err && report)
				warnmsg(d, "inode %u: checksum does not match; "
				    "dumped as it is\n", *ino);
			return 0;
		}
		if (err == EXT2_ET_BAD_BLOCK_IN_INODE_TABLE)
			continue;
		if (err == EXT2_ET_INODE_IS_GARBAGE) {
			if (report)
				warnmsg(d, "inode %u: %s; not dumped\n", *ino,
				    error_message(err));
			continue;
		}
		msg("%s: while scanning inode %u: %s\n", d->src.device, *ino,
		    error_message(err));
		return -1;
	}
}

static int
inode_in_use(const struct ext2_inode_large *in)
{
	return in->i_mode != 0 && in->i_links_count != 0 && in->i_dtime == 0;
}

/*
 * Inodes that hold filesystem metadata rather than files: every reserved
 * inode but the root (journal, resize, quota, ...), the orphan file and
 * quota inodes outside the reserved range, and inodes holding large
 * extended attribute values (their values go with their owners' EAs).
 */
static int
inode_is_metadata(const struct dump *d, ext2_ino_t ino,
    const struct ext2_inode_large *in)
{
	struct ext2_super_block *sb = d->src.fs->super;

	if (ino == EXT2_ROOT_INO)
		return 0;
	if (ino < EXT2_FIRST_INO(sb))
		return 1;
	if (in->i_flags & EXT4_EA_INODE_FL)
		return 1;
	return ino == sb->s_journal_inum || ino == sb->s_usr_quota_inum ||
	    ino == sb->s_grp_quota_inum || ino == sb->s_prj_quota_inum ||
	    (ext2fs_has_feature_orphan_file(sb) &&
	    ino == sb->s_orphan_file_inum);
}

/* The nodump flag counts from the honour level (-h) up, as in dump. */
static int
inode_nodump(const struct dump *d, const struct ext2_inode_large *in)
{
	return (in->i_flags & EXT2_NODUMP_FL) &&
	    d->opt.level >= d->opt.honor_level;
}

/*
 * Changed since the dump this one builds on: its data (mtime) or its
 * inode (ctime) at or after that dump's start, to the second, as dump
 * decides.  The on-disk times are unsigned, so an inode dated before 1970
 * counts as changed: dumped once too often, never lost.
 */
static int
inode_changed(const struct dump *d, const struct ext2_inode_large *in)
{
	return (time_t)in->i_mtime >= d->ddate ||
	    (time_t)in->i_ctime >= d->ddate;
}

struct worklist {
	ext2_ino_t	*ino;
	size_t		 n, cap;
};

static int
worklist_push(struct worklist *w, ext2_ino_t ino)
{
	ext2_ino_t *p;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		if ((p = realloc(w->ino, w->cap * sizeof(*p))) == NULL)
			return -1;
		w->ino = p;
	}
	w->ino[w->n++] = ino;
	return 0;
}

struct prune {
	struct dump	*d;
	struct worklist	*work;
};

/* The inode an entry names below its directory: 0 for ".", ".." or junk. */
static ext2_ino_t
entry_child(const struct dump *d, const struct ext2_dir_entry *de)
{
	int namlen = ext2fs_dirent_name_len(de);

	if (de->inode > d->src.maxino || (de->name[0] == '.' &&
	    (namlen == 1 || (namlen == 2 && de->name[1] == '.'))))
		return 0;
	return de->inode;
}

static int
prune_entry(struct ext2_dir_entry *de, int off, int bs, char *buf, void *arg)
{
	struct prune *p = arg;
	struct dump *d = p->d;
	ext2_ino_t ino = entry_child(d, de);

	(void)off, (void)bs, (void)buf;
	if (ino == 0)
		return 0;
	if (MAP_TST(d->map.excl, ino))
		return 0;	/* already pruned: also ends directory loops */
	MAP_SET(d->map.excl, ino);
	MAP_CLR(d->map.dump, ino);
	if (MAP_TST(d->map.dir, ino)) {
		MAP_CLR(d->map.dir, ino);
		MAP_CLR(d->map.used, ino);
		if (worklist_push(p->work, ino) == -1)
			return DIRENT_ABORT;
	}
	return 0;
}

/*
 * Everything below a directory with the nodump flag is left out too.
 * The worklist starts with the flagged directories found in pass I.
 */
static int
prune_nodump(struct dump *d, struct worklist *w)
{
	struct prune p = { d, w };
	errcode_t err;
	ext2_ino_t dir;

	while (w->n > 0) {
		dir = w->ino[--w->n];
		err = ext2fs_dir_iterate(d->src.fs, dir, 0, NULL, prune_entry,
		    &p);
		if (err)
			warnmsg(d, "directory inode %u: %s; its nodump subtree "
			    "may be partly dumped\n", dir, error_message(err));
	}
	return 0;
}

static int
maps_alloc(struct dump *d)
{
	d->map.size = tapefmt_mapsize(d->src.maxino);
	d->map.used = calloc(1, d->map.size);
	d->map.dump = calloc(1, d->map.size);
	d->map.dir = calloc(1, d->map.size);
	d->map.excl = calloc(1, d->map.size);
	if (!d->map.used || !d->map.dump || !d->map.dir || !d->map.excl) {
		msg("out of memory for the inode maps\n");
		return -1;
	}
	return 0;
}

/* Pass I for one inode: which maps it goes in, and its estimate. */
static int
map_inode(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in,
    struct worklist *nodump)
{
	int isdir = LINUX_S_ISDIR(in->i_mode);

	MAP_SET(d->map.used, ino);
	if (inode_is_metadata(d, ino, in) || MAP_TST(d->map.excl, ino) ||
	    (ino != EXT2_ROOT_INO && inode_nodump(d, in))) {
		MAP_SET(d->map.excl, ino);
		if (isdir && ino >= EXT2_FIRST_INO(d->src.fs->super)) {
			MAP_CLR(d->map.used, ino);
			if (worklist_push(nodump, ino) == -1)
				return -1;
		}
		return 0;
	}
	if (isdir)
		MAP_SET(d->map.dir, ino);
	if (ino != EXT2_ROOT_INO && !inode_changed(d, in))
		return 0;
	MAP_SET(d->map.dump, ino);
	d->st.estimate += estimate_inode(d, in);
	return 0;
}

/* A directory and one of its subdirectories, for pass II. */
struct subdir {
	ext2_ino_t	 child;
	ext2_ino_t	 dir;
};

struct dirmap {
	struct dump	*d;
	ext2_ino_t	 dir;		/* being read */
	int		 found;		/* it holds a dumped inode */
	struct subdir	*sub;		/* subdirectories not dumped yet */
	size_t		 n, cap;
	int		 nomem;
};

/*
 * Pass II, one entry of a directory not dumped so far.  A dumped inode
 * settles it (the directory goes on the dump, read no further); a
 * subdirectory is remembered, since something below it may be dumped
 * later in the pass and then this directory must go on too.
 */
static int
dirmap_entry(struct ext2_dir_entry *de, int off, int bs, char *buf, void *arg)
{
	struct dirmap *m = arg;
	struct dump *d = m->d;
	ext2_ino_t ino = entry_child(d, de);
	struct subdir *p;

	(void)off, (void)bs, (void)buf;
	if (ino == 0)
		return 0;
	if (MAP_TST(d->map.dump, ino)) {
		m->found = 1;
		return DIRENT_ABORT;
	}
	if (!MAP_TST(d->map.dir, ino))
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		if ((p = realloc(m->sub, m->cap * sizeof(*p))) == NULL) {
			m->nomem = 1;
			return DIRENT_ABORT;
		}
		m->sub = p;
	}
	m->sub[m->n++] = (struct subdir){ ino, m->dir };
	return 0;
}

/* Put directory ino on the dump, with its estimate, and queue it. */
static int
dirmap_add(struct dump *d, ext2_ino_t ino, struct worklist *added)
{
	struct ext2_inode_large *in;
	int isize = EXT2_INODE_SIZE(d->src.fs->super);

	MAP_SET(d->map.dump, ino);
	if ((in = calloc(1, (size_t)isize)) == NULL)
		return -1;
	if (ext2fs_read_inode_full(d->src.fs, ino, (struct ext2_inode *)in,
	    isize) == 0)
		d->st.estimate += estimate_inode(d, in);
	free(in);
	return worklist_push(added, ino);
}

static int
subdir_cmp(const void *a, const void *b)
{
	ext2_ino_t x = ((const struct subdir *)a)->child;
	ext2_ino_t y = ((const struct subdir *)b)->child;

	return x < y ? -1 : x > y;
}

/*
 * Every directory added in the scan puts its own parents on the dump, and
 * theirs in turn: the remembered (subdirectory, directory) pairs, sorted
 * by subdirectory, lead from each added directory to its parents.
 */
static int
dirmap_ancestors(struct dump *d, struct dirmap *m, struct worklist *added)
{
	struct subdir key, *s, *end = m->sub + m->n;
	ext2_ino_t ino;

	if (m->n == 0)
		return 0;
	qsort(m->sub, m->n, sizeof(*m->sub), subdir_cmp);
	while (added->n > 0) {
		key.child = ino = added->ino[--added->n];
		s = bsearch(&key, m->sub, m->n, sizeof(*s), subdir_cmp);
		if (s == NULL)
			continue;
		while (s > m->sub && s[-1].child == ino)
			s--;
		for (; s < end && s->child == ino; s++)
			if (!MAP_TST(d->map.dump, s->dir) &&
			    dirmap_add(d, s->dir, added) == -1)
				return -1;
	}
	return 0;
}

/*
 * Pass II of an incremental: every directory that holds a dumped inode
 * goes on the dump, and so do its ancestors, so restore can place every
 * inode on the tape; directories with nothing dumped below them stay off.
 * One read of each directory not already dumped: the parents of what is
 * added later are found through the pairs that read remembers.  A
 * directory that cannot be read goes on the dump, to be safe.
 */
static int
map_dirs(struct dump *d)
{
	struct dirmap m = { .d = d };
	struct worklist added = { NULL, 0, 0 };
	errcode_t err;
	ext2_ino_t ino;
	int rc = 0;

	for (ino = 1; ino <= d->src.maxino && rc == 0; ino++) {
		if (!MAP_TST(d->map.dir, ino) || MAP_TST(d->map.dump, ino))
			continue;
		m.dir = ino;
		m.found = 0;
		err = ext2fs_dir_iterate(d->src.fs, ino, 0, NULL, dirmap_entry,
		    &m);
		if (m.nomem)
			rc = -1;
		else if (err && !m.found)
			warnmsg(d, "directory inode %u: %s; dumped in case it "
			    "holds changed files\n", ino, error_message(err));
		if (rc == 0 && (m.found || err))
			rc = dirmap_add(d, ino, &added);
	}
	if (rc == 0)
		rc = dirmap_ancestors(d, &m, &added);
	if (rc == -1)
		msg("out of memory\n");
	free(m.sub);
	free(added.ino);
	return rc;
}

/*
 * Passes I and II: fill the used, dump and directory maps and the size
 * estimate.  A level 0 dumps every inode in use that is not excluded; an
 * incremental (or -T) the changed ones and the directories above them.
 */
int
traverse_map(struct dump *d)
{
	struct worklist nodump = { NULL, 0, 0 };
	struct scan s;
	ext2_ino_t ino;
	int rc = 0;

	if (maps_alloc(d) == -1 || scan_open(d, &s) == -1)
		return -1;
	exclude_apply(d);
	board_pass(1);
	msg("mapping (Pass I) [regular files]\n");
	d->st.estimate = 2 * ((int64_t)(d->map.size / TP_BSIZE) + 1);
	while ((rc = scan_next(d, &s, &ino, 1)) == 0 && ino != 0) {
		if (ino > d->src.maxino || !inode_in_use(s.inode))
			continue;
		if ((rc = map_inode(d, ino, s.inode, &nodump)) == -1) {
			msg("out of memory\n");
			break;
		}
	}
	scan_close(&s);
	if (rc == 0) {
		board_pass(2);
		msg("mapping (Pass II) [directories]\n");
		rc = prune_nodump(d, &nodump);
	}
	if (rc == 0 && d->ddate != 0)
		rc = map_dirs(d);
	free(nodump.ino);
	/* restore refuses a dump without the root directory. */
	MAP_SET(d->map.dump, EXT2_ROOT_INO);
	MAP_SET(d->map.dir, EXT2_ROOT_INO);
	return rc;
}

/* Does pass III (dirs set) or IV dump inode ino? */
static int
pass_wants(const struct dump *d, ext2_ino_t ino, int dirs)
{
	return ino <= d->src.maxino && MAP_TST(d->map.dump, ino) &&
	    (int)MAP_TST(d->map.dir, ino) == dirs;
}

/*
 * A pass that dumps few of the inodes (the directories, an incremental)
 * reads just those, in ascending order, as dump does; one that dumps many
 * scans the inode table, which reads it in large pieces.
 */
static int
pass_sparse(const struct dump *d, int dirs)
{
	ext2_ino_t ino, want = 0, limit = d->src.maxino / 16;

	for (ino = 1; ino <= d->src.maxino; ino++)
		if (pass_wants(d, ino, dirs) && ++want > limit)
			return 0;
	return 1;
}

/* Dump the inodes of a sparse pass, each read on its own. */
static int
pass_each(struct dump *d, int dirs)
{
	struct ext2_inode_large *in;
	int isize = EXT2_INODE_SIZE(d->src.fs->super), rc = 0;
	ext2_ino_t ino;
	errcode_t err;

	if ((in = calloc(1, (size_t)isize)) == NULL) {
		msg("out of memory\n");
		return -1;
	}
	for (ino = 1; ino <= d->src.maxino && rc == 0; ino++) {
		if (!pass_wants(d, ino, dirs))
			continue;
		/* A checksum error was reported in pass I. */
		err = ext2fs_read_inode_full(d->src.fs, ino,
		    (struct ext2_inode *)in, isize);
		if (err != 0 && err != EXT2_ET_INODE_CSUM_INVALID) {
			msg("%s: cannot read inode %u: %s\n", d->src.device,
			    ino, error_message(err));
			rc = -1;
			break;
		}
		board_ino(ino);
		rc = dirs ? dumpino_dir(d, ino, in) : dumpino_file(d, ino, in);
	}
	free(in);
	return rc;
}

/*
 * Pass III (dirs set) writes every dumped directory, pass IV every other
 * dumped inode, both in ascending inode order as restore requires.
 */
int
traverse_dump(struct dump *d, int dirs)
{
	struct scan s;
	ext2_ino_t ino;
	int rc;

	board_pass(dirs ? 3 : 4);
	msg(dirs ? "dumping (Pass III) [directories]\n" :
	    "dumping (Pass IV) [regular files]\n");
	if (pass_sparse(d, dirs))
		return pass_each(d, dirs);
	if (scan_open(d, &s) == -1)
		return -1;
	while ((rc = scan_next(d, &s, &ino, 0)) == 0 && ino != 0) {
		if (!pass_wants(d, ino, dirs))
			continue;
		board_ino(ino);
		rc = dirs ? dumpino_dir(d, ino, s.inode) :
		    dumpino_file(d, ino, s.inode);
		if (rc == -1)
			break;
	}
	scan_close(&s);
	return rc;
}
