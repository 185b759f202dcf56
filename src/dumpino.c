// SPDX-License-Identifier: BSD-2-Clause
/*
 * One inode onto the stream: its header, its data described 512 records
 * per header (present records and holes), then its extended attributes.
 * Data records are queued as disk offsets for the slaves to read; only
 * converted directories, inline data and fast symlinks travel inline.
 * Unwritten (fallocated) extents become holes, so stale bytes under them
 * never reach the tape.
 */
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "opdump.h"

#define ENT_HOLE	(-1)
#define ENT_INLINE	(-2)

/* Written, mapped runs of a file, in logical block order. */
struct run {
	uint64_t	 lblk;
	uint64_t	 pblk;
	uint64_t	 len;
};

struct runs {
	struct run	*r;
	size_t		 n, cap;
	struct dump	*d;
	ext2_ino_t	 ino;
};

/* Where one entry's bytes come from. */
struct datasrc {
	const struct runs *runs;
	size_t		 ri;		/* cursor into runs */
	const uint8_t	*buf;		/* inline bytes, or NULL */
	size_t		 buflen;
	unsigned	 bs;
};

/*
 * Add a run, merging it with the previous one when contiguous.  Runs that
 * point outside the filesystem are corrupt: warn, and dump them as holes.
 */
static int
runs_add(struct runs *rs, uint64_t lblk, uint64_t pblk, uint64_t len)
{
	ext2_filsys fs = rs->d->src.fs;
	struct run *last = rs->n ? &rs->r[rs->n - 1] : NULL;

	if (pblk < fs->super->s_first_data_block ||
	    pblk + len > ext2fs_blocks_count(fs->super) || pblk + len < pblk) {
		warnmsg(rs->d, "inode %u: block %llu is outside the filesystem; "
		    "dumped as a hole\n", rs->ino, (unsigned long long)pblk);
		return 0;
	}
	if (last && last->lblk + last->len == lblk &&
	    last->pblk + last->len == pblk) {
		last->len += len;
		return 0;
	}
	if (last && lblk < last->lblk + last->len)
		return 0;	/* out of order: corrupt map, keep the first */
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct run *p = realloc(rs->r, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		rs->r = p;
		rs->cap = cap;
	}
	rs->r[rs->n++] = (struct run){ lblk, pblk, len };
	return 0;
}

/* Leaf extents of an extent-mapped inode; unwritten ones are skipped. */
static errcode_t
runs_extents(struct runs *rs, struct ext2_inode_large *in)
{
	ext2_extent_handle_t h;
	struct ext2fs_extent ex;
	errcode_t err;
	int op = EXT2_EXTENT_ROOT;

	err = ext2fs_extent_open2(rs->d->src.fs, rs->ino,
	    (struct ext2_inode *)in, &h);
	if (err)
		return err;
	while ((err = ext2fs_extent_get(h, op, &ex)) == 0) {
		op = EXT2_EXTENT_NEXT;
		if (!(ex.e_flags & EXT2_EXTENT_FLAGS_LEAF) ||
		    (ex.e_flags & (EXT2_EXTENT_FLAGS_SECOND_VISIT |
		    EXT2_EXTENT_FLAGS_UNINIT)) || ex.e_len == 0)
			continue;
		if (runs_add(rs, ex.e_lblk, ex.e_pblk, ex.e_len) == -1) {
			err = EXT2_ET_NO_MEMORY;
			break;
		}
	}
	ext2fs_extent_free(h);
	return err == EXT2_ET_EXTENT_NO_NEXT || err == EXT2_ET_NO_CURRENT_NODE ?
	    0 : err;
}

static int
runs_block(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t cnt, blk64_t ref,
    int refoff, void *arg)
{
	(void)fs, (void)ref, (void)refoff;
	if (cnt < 0)
		return 0;
	return runs_add(arg, (uint64_t)cnt, *blk, 1) == -1 ? BLOCK_ABORT : 0;
}

/* Build the runs of a file's data; a broken map is a warning. */
static int
runs_build(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in,
    struct runs *rs)
{
	errcode_t err;

	memset(rs, 0, sizeof(*rs));
	rs->d = d;
	rs->ino = ino;
	if (in->i_flags & EXT4_EXTENTS_FL)
		err = runs_extents(rs, in);
	else
		err = ext2fs_block_iterate3(d->src.fs, ino,
		    BLOCK_FLAG_DATA_ONLY | BLOCK_FLAG_READ_ONLY, NULL,
		    runs_block, rs);
	if (err == EXT2_ET_NO_MEMORY) {
		msg("out of memory\n");
		return -1;
	}
	if (err)
		warnmsg(d, "inode %u: cannot read its block map: %s; "
		    "unreadable parts are dumped as holes\n", ino,
		    error_message(err));
	return 0;
}

/* The source of entry e: a disk offset, ENT_HOLE or ENT_INLINE. */
static int64_t
entry_offset(struct datasrc *s, uint64_t e)
{
	uint64_t byte = e * TP_BSIZE, lblk = byte / s->bs;
	const struct run *r;

	if (s->buf != NULL)
		return ENT_INLINE;
	while (s->ri < s->runs->n &&
	    s->runs->r[s->ri].lblk + s->runs->r[s->ri].len <= lblk)
		s->ri++;
	if (s->ri == s->runs->n || (r = &s->runs->r[s->ri])->lblk > lblk)
		return ENT_HOLE;
	return (int64_t)((r->pblk + lblk - r->lblk) * s->bs + byte % s->bs);
}

/* Queue record e of an inline buffer, zero padded. */
static int
emit_inline(struct dump *d, const struct datasrc *s, uint64_t e)
{
	uint8_t rec[TP_BSIZE];
	size_t off = (size_t)e * TP_BSIZE, n = 0;

	memset(rec, 0, sizeof(rec));
	if (off < s->buflen)
		n = s->buflen - off < TP_BSIZE ? s->buflen - off : TP_BSIZE;
	memcpy(rec, s->buf + off, n);
	return stream_record(d, rec);
}

/*
 * Describe nent records of the object in headers of up to TP_NINDIR
 * entries (TS_INODE, then TS_ADDR), each followed by its present records.
 * The caller has filled c_dinode.
 */
static int
emit_entries(struct dump *d, ext2_ino_t ino, uint64_t nent, struct datasrc *s)
{
	struct s_spcl *h = &d->spcl;
	int64_t off[TP_NINDIR];
	uint64_t e0 = 0;
	int i, cnt;

	do {
		cnt = nent - e0 < TP_NINDIR ? (int)(nent - e0) : TP_NINDIR;
		memset(h->c_addr, 0, sizeof(h->c_addr));
		for (i = 0; i < cnt; i++) {
			off[i] = entry_offset(s, e0 + (uint64_t)i);
			h->c_addr[i] = off[i] != ENT_HOLE;
		}
		h->c_count = cnt;
		if (stream_header(d, e0 == 0 ? TS_INODE : TS_ADDR, ino) == -1)
			return -1;
		for (i = 0; i < cnt; i++) {
			if (off[i] == ENT_HOLE)
				continue;
			if ((off[i] == ENT_INLINE ?
			    emit_inline(d, s, e0 + (uint64_t)i) :
			    stream_disk(d, (uint64_t)off[i])) == -1)
				return -1;
		}
		e0 += (uint64_t)cnt;
	} while (e0 < nent);
	return 0;
}

static uint64_t
records_for(uint64_t bytes)
{
	return (bytes + TP_BSIZE - 1) / TP_BSIZE;
}

/* Inline data (the inline_data feature): its bytes go out as records. */
static int
dump_inline(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in,
    uint64_t nent)
{
	struct datasrc s = { NULL, 0, NULL, 0, d->src.blocksize };
	size_t len = 0;
	errcode_t err;
	uint8_t *buf;
	int rc;

	if ((err = ext2fs_inline_data_size(d->src.fs, ino, &len)) != 0)
		len = 0;
	if ((buf = calloc(1, len + 1)) == NULL) {
		msg("out of memory\n");
		return -1;
	}
	if (len > 0 && (err = ext2fs_inline_data_get(d->src.fs, ino,
	    (struct ext2_inode *)in, buf, &len)) != 0) {
		warnmsg(d, "inode %u: cannot read inline data: %s; dumped as "
		    "zeros\n", ino, error_message(err));
		len = 0;
	}
	s.buf = buf;
	s.buflen = len;
	rc = emit_entries(d, ino, nent, &s);
	free(buf);
	return rc;
}

/*
 * The data of a regular file or slow symlink: nent records, read from the
 * block map.  Blocks past the end of the file are not dumped.
 */
static int
dumpino_data(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in)
{
	uint64_t size = EXT2_I_SIZE(in), nent;
	struct datasrc s = { NULL, 0, NULL, 0, d->src.blocksize };
	struct runs rs;
	int rc;

	/* restore concatenates link text: the record after it needs a NUL. */
	nent = records_for(LINUX_S_ISLNK(in->i_mode) ? size + 1 : size);
	if (size == 0)
		nent = 0;
	if (in->i_flags & EXT4_INLINE_DATA_FL)
		return dump_inline(d, ino, in, nent);
	if (nent == 0)
		return emit_entries(d, ino, 0, &s);
	if (runs_build(d, ino, in, &rs) == -1)
		return -1;
	s.runs = &rs;
	d->zraw = LINUX_S_ISREG(in->i_mode) && rs.n > 0 && rs.r[0].lblk == 0 &&
	    compress_skip_file(d, size, (int64_t)(rs.r[0].pblk * s.bs));
	rc = emit_entries(d, ino, nent, &s);
	d->zraw = 0;
	free(rs.r);
	return rc;
}

/* A fast symlink: its text lives in i_block; one record, NUL ended. */
static int
dump_fastlink(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in)
{
	struct datasrc s = { NULL, 0, NULL, 0, d->src.blocksize };
	uint8_t text[sizeof(in->i_block) + 1];
	size_t len = in->i_size < sizeof(in->i_block) ? in->i_size :
	    sizeof(in->i_block);

	memset(text, 0, sizeof(text));
	memcpy(text, in->i_block, len);
	s.buf = text;
	s.buflen = len + 1;
	return emit_entries(d, ino, 1, &s);
}

/* Pass IV: any inode that is not a directory. */
int
dumpino_file(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in)
{
	struct datasrc s = { NULL, 0, NULL, 0, d->src.blocksize };
	uint16_t mode = in->i_mode;
	int rc;

	tapefmt_dinode(&d->spcl.c_dinode, in);
	d->st.files++;
	if (LINUX_S_ISREG(mode))
		rc = dumpino_data(d, ino, in);
	else if (LINUX_S_ISLNK(mode) && in->i_size > 0 &&
	    !(in->i_flags & EXT4_INLINE_DATA_FL) &&
	    ext2fs_is_fast_symlink((struct ext2_inode *)in))
		rc = dump_fastlink(d, ino, in);
	else if (LINUX_S_ISLNK(mode))
		rc = dumpino_data(d, ino, in);
	else
		rc = emit_entries(d, ino, 0, &s);	/* devices, FIFOs, sockets */
	if (rc == -1)
		return -1;
	return xattr_dump(d, ino, in);
}

struct dirwalk {
	struct dump	*d;
	struct dirconv	 dc;
	int		 nomem;
};

static int
dir_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *de, int off,
    int bs, char *buf, void *arg)
{
	struct dirwalk *w = arg;
	ext2_ino_t ino = de->inode;

	(void)dir, (void)entry, (void)off, (void)bs, (void)buf;
	/* Deleted slots, htree index blocks and checksum tails. */
	if (ino == 0 || ino > w->d->src.maxino)
		return 0;
	if (MAP_TST(w->d->map.excl, ino))
		return 0;
	if (dirconv_add(&w->dc, ino, de->name, ext2fs_dirent_name_len(de),
	    tapefmt_dtype(ext2fs_dirent_file_type(de))) == -1) {
		w->nomem = 1;
		return DIRENT_ABORT;
	}
	return 0;
}

/*
 * Convert a directory.  A block whose checksum is wrong is read again
 * with checksums ignored, so one bad checksum does not lose a directory.
 */
static int
dir_convert(struct dump *d, ext2_ino_t ino, struct dirwalk *w)
{
	ext2_filsys fs = d->src.fs;
	errcode_t err;

	err = ext2fs_dir_iterate2(fs, ino, 0, NULL, dir_entry, w);
	if (err == EXT2_ET_DIR_CSUM_INVALID && !w->nomem) {
		warnmsg(d, "directory inode %u: %s; dumped as it is\n", ino,
		    error_message(err));
		dirconv_free(&w->dc);
		fs->flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
		err = ext2fs_dir_iterate2(fs, ino, 0, NULL, dir_entry, w);
		fs->flags &= ~EXT2_FLAG_IGNORE_CSUM_ERRORS;
	}
	if (w->nomem) {
		msg("out of memory\n");
		return -1;
	}
	if (err)
		warnmsg(d, "directory inode %u: %s; dumped as far as it could "
		    "be read\n", ino, error_message(err));
	if (w->dc.nent == 0 && (dirconv_add(&w->dc, ino, ".", 1, BSD_DT_DIR) ==
	    -1 || dirconv_add(&w->dc, ino, "..", 2, BSD_DT_DIR) == -1)) {
		msg("out of memory\n");
		return -1;
	}
	return 0;
}

/*
 * Pass III: a directory in the 4.4BSD format, one header per record as
 * dump writes them, then its extended attributes.
 */
int
dumpino_dir(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in)
{
	struct s_spcl *h = &d->spcl;
	struct dirwalk w;
	size_t size, off;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.d = d;
	dirconv_init(&w.dc);
	if (dir_convert(d, ino, &w) == -1) {
		dirconv_free(&w.dc);
		return -1;
	}
	size = dirconv_finish(&w.dc);
	tapefmt_dinode(&h->c_dinode, in);
	h->c_dinode.di_size = size;
	d->st.dirs++;
	for (off = 0; off < size && rc == 0; off += TP_BSIZE) {
		uint8_t rec[TP_BSIZE];
		size_t n = size - off < TP_BSIZE ? size - off : TP_BSIZE;

		memset(rec, 0, sizeof(rec));
		memcpy(rec, w.dc.buf + off, n);
		memset(h->c_addr, 0, sizeof(h->c_addr));
		h->c_addr[0] = 1;
		h->c_count = 1;
		rc = stream_header(d, off == 0 ? TS_INODE : TS_ADDR, ino);
		if (rc == 0)
			rc = stream_record(d, rec);
	}
	dirconv_free(&w.dc);
	if (rc == -1)
		return -1;
	return xattr_dump(d, ino, in);
}
