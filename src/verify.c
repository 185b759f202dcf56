// SPDX-License-Identifier: BSD-2-Clause
/*
 * --verify: read a finished volume back and check every record against the
 * rules the writer follows, so that a volume restore(8) could not read is
 * caught while it can still be rewritten.  A failed check leaves the state
 * carried from volume to volume (struct verify) exactly as it was, because
 * the caller rewrites the volume and asks again.  Opening the media and
 * deciding what to do about a failure are the caller's business.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"

/*
 * Values of struct verify's phase.  Besides the two the header names, the
 * maps of volume 1 have phases of their own, because a volume may end
 * between them.
 */
#define PH_CLRI		(-2)	/* TS_CLRI is the next header */
#define PH_BITS		(-1)	/* TS_BITS is the next header */
#define PH_DIRS		0	/* directories */
#define PH_FILES	1	/* everything else */

#define MODE_FMT	0170000
#define MODE_DIR	0040000
#define ROOT_INO	2
#define READ_MIN	(256 * 1024)	/* least bytes asked of one read(2) */

/* One pass over one volume: the working state and where the pass stands. */
struct vrun {
	struct verify	 s;		/* working copy; becomes the state */
	unsigned	 vol;		/* the volume being read */
	int		 last;		/* it must end with the trailer */
	uint64_t	 n;		/* whole records read so far */
	uint64_t	 bytes;		/* bytes read so far */
	uint32_t	 ndups;		/* duplicates the TS_TAPE announced */
	uint32_t	 dups;		/* of those, still to compare */
	uint8_t		*blk;		/* the current block, the next tail */
	char		*why;
	size_t		 whylen;
};

static int	fail(struct vrun *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Say why the volume failed; always returns -1. */
static int
fail(struct vrun *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->whylen > 0)
		vsnprintf(r->why, r->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The name of a header type, for messages. */
static const char *
type_name(int32_t type)
{
	static const char *const names[] = { NULL, "TS_TAPE", "TS_INODE",
	    "TS_BITS", "TS_ADDR", "TS_END", "TS_CLRI" };

	if (type < TS_TAPE || type > TS_CLRI)
		return "unknown";
	return names[type];
}

/* A dump date as ctime(3) writes it, without the newline. */
static const char *
date_text(int32_t date, char *buf, size_t len)
{
	time_t t = date;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, len, "%ld", (long)date);
	return buf;
}

/* What the record that failed should have been, for the message. */
static const char *
expect_text(const struct vrun *r, char *buf, size_t len)
{
	if (r->n == 0)
		return "TS_TAPE expected";
	if (r->s.ended)
		return "TS_END expected";
	if (r->s.phase == PH_CLRI)
		return "TS_CLRI expected";
	if (r->s.phase == PH_BITS)
		return "TS_BITS expected";
	if (r->s.ino == 0)
		return "the root directory expected";
	snprintf(buf, len, "inode %u, TS_ADDR or the next header expected",
	    r->s.ino);
	return buf;
}

/* A record that should be a header and is not one. */
static int
fail_header(struct vrun *r, const struct s_spcl *h)
{
	char buf[80];

	return fail(r, "record %llu: %s (%s)", (unsigned long long)r->n,
	    h->c_magic == NFS_MAGIC ? "bad header checksum" :
	    "not a header (bad magic)", expect_text(r, buf, sizeof(buf)));
}

/* A header in the wrong place: what it is, and what was due instead. */
static int
fail_order(struct vrun *r, const struct s_spcl *h)
{
	char buf[80];

	return fail(r, "record %llu: %s header of inode %u (%s)",
	    (unsigned long long)r->n, type_name(h->c_type), h->c_inumber,
	    expect_text(r, buf, sizeof(buf)));
}

/* Both dates of a header must be this dump's. */
static int
check_dates(struct vrun *r, const struct s_spcl *h)
{
	char got[40], want[40];

	if (h->c_date != r->s.date)
		return fail(r, "record %llu: dump date %s is not this dump's "
		    "(%s)", (unsigned long long)r->n,
		    date_text(h->c_date, got, sizeof(got)),
		    date_text(r->s.date, want, sizeof(want)));
	if (h->c_ddate != r->s.ddate)
		return fail(r, "record %llu: since-date %s is not this dump's "
		    "(%s)", (unsigned long long)r->n,
		    date_text(h->c_ddate, got, sizeof(got)),
		    date_text(r->s.ddate, want, sizeof(want)));
	return 0;
}

/*
 * A header's c_tapea must be want.  While the slack is open it may be one
 * more, because the TS_TAPE of a planned break took a number; the first
 * header that shows which it was closes the slack.
 */
static int
check_tapea(struct vrun *r, const struct s_spcl *h, uint32_t want)
{
	if (h->c_tapea != want) {
		if (!r->s.slack || h->c_tapea != want + 1)
			return fail(r, "record %llu: c_tapea %u, %u expected",
			    (unsigned long long)r->n, h->c_tapea, want);
		r->s.next_tapea++;
	}
	r->s.slack = 0;
	return 0;
}

/* The data records a TS_INODE or TS_ADDR header announces. */
static int
count_data(struct vrun *r, const struct s_spcl *h, int ea)
{
	int32_t i;

	if (h->c_count < 0 || h->c_count > TP_NINDIR)
		return fail(r, "record %llu: c_count %d of inode %u is not "
		    "0 to %d", (unsigned long long)r->n, h->c_count,
		    h->c_inumber, TP_NINDIR);
	r->s.left = 0;
	for (i = 0; i < h->c_count; i++) {
		/* Restore reads every record of an attribute header. */
		if (ea && h->c_addr[i] == 0)
			return fail(r, "record %llu: extended attributes of "
			    "inode %u have a hole", (unsigned long long)r->n,
			    h->c_inumber);
		if (h->c_addr[i] != 0)
			r->s.left++;
	}
	return 0;
}

/*
 * TS_CLRI or TS_BITS: c_count map records follow.  Restore adds one to
 * each c_addr byte of a map header and panics on the zero a 0xff makes.
 */
static int
check_map(struct vrun *r, const struct s_spcl *h, int phase)
{
	int32_t i;

	if (r->s.phase != phase)
		return fail_order(r, h);
	if (h->c_count < 0)
		return fail(r, "record %llu: %s with c_count %d",
		    (unsigned long long)r->n, type_name(h->c_type), h->c_count);
	for (i = 0; i < h->c_count && i < TP_NINDIR; i++)
		if (h->c_addr[i] == 0xff)
			return fail(r, "record %llu: %s c_addr[%d] is 0xff",
			    (unsigned long long)r->n, type_name(h->c_type), i);
	r->s.left = (uint32_t)h->c_count;
	r->s.phase = phase + 1;
	return 0;
}

/*
 * An extended-attribute header belongs to the inode just dumped and is
 * exempt from the ordering of inodes.
 */
static int
check_ea(struct vrun *r, const struct s_spcl *h)
{
	if (r->s.ino == 0 || h->c_inumber != r->s.ino)
		return fail(r, "record %llu: extended attributes of inode %u "
		    "after inode %u", (unsigned long long)r->n, h->c_inumber,
		    r->s.ino);
	return count_data(r, h, 1);
}

/*
 * A TS_INODE: directories first, from the root up in increasing order,
 * then everything else in increasing order.  The numbers start again
 * with the first non-directory.
 */
static int
check_inode(struct vrun *r, const struct s_spcl *h)
{
	uint32_t ino = h->c_inumber;
	int dir = (h->c_dinode.di_mode & MODE_FMT) == MODE_DIR;

	if (r->s.phase < PH_DIRS)
		return fail_order(r, h);
	if (h->c_flags & DR_EXTATTRIBUTES)
		return check_ea(r, h);
	if (r->s.ino == 0 && (ino != ROOT_INO || !dir))
		return fail(r, "record %llu: inode %u comes first, the root "
		    "directory (2) must", (unsigned long long)r->n, ino);
	if (dir && r->s.phase == PH_FILES)
		return fail(r, "record %llu: directory inode %u after "
		    "non-directory inode %u", (unsigned long long)r->n, ino,
		    r->s.ino);
	if (!dir && r->s.phase == PH_DIRS)
		r->s.phase = PH_FILES;
	else if (ino <= r->s.ino)
		return fail(r, "record %llu: inode %u after inode %u, out of "
		    "order", (unsigned long long)r->n, ino, r->s.ino);
	if (ino == 0)
		return fail(r, "record %llu: inode 0",
		    (unsigned long long)r->n);
	r->s.ino = ino;
	return count_data(r, h, 0);
}

/* A TS_ADDR continues the inode of the TS_INODE before it. */
static int
check_addr(struct vrun *r, const struct s_spcl *h)
{
	if (r->s.phase < PH_DIRS)
		return fail_order(r, h);
	if (r->s.ino == 0 || h->c_inumber != r->s.ino)
		return fail(r, "record %llu: TS_ADDR of inode %u after inode "
		    "%u", (unsigned long long)r->n, h->c_inumber, r->s.ino);
	return count_data(r, h, 0);
}

/* The trailer: only on the last volume, only after the root. */
static int
check_end(struct vrun *r, const struct s_spcl *h)
{
	if (r->s.phase < PH_DIRS || r->s.ino == 0)
		return fail_order(r, h);
	if (!r->last)
		return fail(r, "record %llu: trailer on volume %u, which is "
		    "not the last", (unsigned long long)r->n, r->vol);
	r->s.ended = 1;
	return 0;
}

/* A record where a header is due, after the volume header. */
static int
check_header(struct vrun *r, const uint8_t *rec)
{
	struct s_spcl h;

	memcpy(&h, rec, sizeof(h));
	if (!tapefmt_valid(&h))
		return fail_header(r, &h);
	if (r->s.ended && h.c_type != TS_END)
		return fail(r, "record %llu: %s header after the trailer",
		    (unsigned long long)r->n, type_name(h.c_type));
	if (h.c_volume < 0 || (unsigned)h.c_volume != r->vol)
		return fail(r, "record %llu: header of volume %d on volume %u",
		    (unsigned long long)r->n, h.c_volume, r->vol);
	if (check_dates(r, &h) == -1 ||
	    check_tapea(r, &h, r->s.next_tapea) == -1)
		return -1;
	r->s.next_tapea++;
	switch (h.c_type) {
	case TS_CLRI:
		return check_map(r, &h, PH_CLRI);
	case TS_BITS:
		return check_map(r, &h, PH_BITS);
	case TS_INODE:
		return check_inode(r, &h);
	case TS_ADDR:
		return check_addr(r, &h);
	case TS_END:
		return check_end(r, &h);
	case TS_TAPE:
		return fail(r, "record %llu: TS_TAPE header inside the volume",
		    (unsigned long long)r->n);
	default:
		return fail(r, "record %llu: header of unknown type %d",
		    (unsigned long long)r->n, h.c_type);
	}
}

/*
 * The TS_TAPE of a continuation volume.  The records of a block the
 * previous volume held only in part come again right after it; c_firstrec
 * says how many, and c_tapea is the number of the first of them.  The
 * slack opens when there are none, as the header may have taken a number.
 */
static int
check_continuation(struct vrun *r, const struct s_spcl *h)
{
	int64_t dups = (int64_t)r->s.records - h->c_firstrec;

	if (dups < 0 || dups >= r->s.ntrec)
		return fail(r, "record 0: c_firstrec %d makes %lld duplicate "
		    "records, 0 to %d expected", h->c_firstrec, (long long)dups,
		    r->s.ntrec - 1);
	if ((uint64_t)dups > r->s.ntail)
		return fail(r, "record 0: %lld duplicate records, but volume "
		    "%u ended with %zu after its last whole block",
		    (long long)dups, r->vol - 1, r->s.ntail);
	if (check_tapea(r, h, r->s.next_tapea - (uint32_t)dups) == -1)
		return -1;
	/* c_count counts from the first duplicate on: restore, coming to
	 * this volume out of turn, skips that many records after the
	 * header. */
	if (h->c_count < 0 || (uint32_t)h->c_count != r->s.tail_left)
		return fail(r, "record 0: c_count %d, but %u data records are "
		    "due", h->c_count, r->s.tail_left);
	r->ndups = r->dups = (uint32_t)dups;
	r->s.slack = dups == 0;
	return 0;
}

/* The first record: the TS_TAPE header of this dump's volume vol. */
static int
check_volume_header(struct vrun *r, const uint8_t *rec)
{
	struct s_spcl h;

	memcpy(&h, rec, sizeof(h));
	if (!tapefmt_valid(&h))
		return fail(r, "volume %u: not a dump volume (record 0: %s)",
		    r->vol, h.c_magic == NFS_MAGIC ? "bad header checksum" :
		    "bad magic");
	if (h.c_type != TS_TAPE)
		return fail(r, "volume %u: record 0 is a %s header, not "
		    "TS_TAPE", r->vol, type_name(h.c_type));
	if (h.c_volume < 0 || (unsigned)h.c_volume != r->vol)
		return fail(r, "volume %d found, volume %u expected",
		    h.c_volume, r->vol);
	if (check_dates(r, &h) == -1)
		return -1;
	if (!(h.c_flags & DR_NEWHEADER))
		return fail(r, "record 0: DR_NEWHEADER is not set");
	if (h.c_ntrec != r->s.ntrec)
		return fail(r, "record 0: c_ntrec %d, %d expected", h.c_ntrec,
		    r->s.ntrec);
	if (r->vol > 1)
		return check_continuation(r, &h);
	if (h.c_firstrec != 0)
		return fail(r, "record 0: c_firstrec %d on volume 1",
		    h.c_firstrec);
	if (check_tapea(r, &h, 0) == -1)
		return -1;
	r->s.next_tapea = 1;
	return 0;
}

/*
 * A record that repeats one of the previous volume's last records must
 * match it byte for byte; it was counted there, so it is not counted again.
 */
static int
check_dup(struct vrun *r, const uint8_t *rec)
{
	size_t i = r->s.ntail - r->dups;

	if (memcmp(rec, r->s.tail + i * TP_BSIZE, TP_BSIZE) != 0)
		return fail(r, "record %llu: differs from the record it "
		    "repeats (record %zu after the last whole block of volume "
		    "%u)", (unsigned long long)r->n, i, r->vol - 1);
	r->dups--;
	return 0;
}

/* One whole record, in order; the current block is kept for the tail. */
static int
run_record(struct vrun *r, const uint8_t *rec)
{
	int rc = 0;

	memcpy(r->blk + (size_t)(r->n % (uint64_t)r->s.ntrec) * TP_BSIZE, rec,
	    TP_BSIZE);
	if (r->n > 0 && r->n % (uint64_t)r->s.ntrec == 0)
		r->s.tail_left = r->s.left;
	if (r->n == 0)
		rc = check_volume_header(r, rec);
	else if (r->dups > 0)
		rc = check_dup(r, rec);
	else if (r->s.left > 0) {
		/* Data: any bytes at all, counted but not read. */
		r->s.left--;
		r->s.next_tapea++;
	} else
		rc = check_header(r, rec);
	r->n++;
	return rc;
}

/*
 * Read the volume to its end and check each whole record as it comes.
 * Reads may return any amount (a tape one block, a pipe a piece), so a
 * record may straddle two of them; a partial record at the very end is
 * ignored, as restore ignores it.
 */
static int
run_read(struct vrun *r, int fd)
{
	size_t blk = (size_t)r->s.ntrec * TP_BSIZE, chunk, have = 0, off;
	uint8_t *buf;
	ssize_t got;
	int rc = 0;

	/* Whole blocks, so a tape with a fixed block size can serve them. */
	chunk = blk * (blk < READ_MIN ? (READ_MIN + blk - 1) / blk : 1);
	if ((buf = malloc(chunk + TP_BSIZE)) == NULL)
		return fail(r, "verify: %s", strerror(errno));
	while (rc == 0) {
		if ((got = read(fd, buf + have, chunk)) == -1) {
			if (errno == EINTR)
				continue;
			rc = fail(r, "record %llu: read error: %s",
			    (unsigned long long)r->n, strerror(errno));
			break;
		}
		if (got == 0)
			break;
		have += (size_t)got;
		r->bytes += (uint64_t)got;
		for (off = 0; rc == 0 && have - off >= TP_BSIZE;
		    off += TP_BSIZE)
			rc = run_record(r, buf + off);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	free(buf);
	return rc;
}

/* Read up to len bytes, all of them unless the volume ends first. */
static ssize_t
read_upto(int fd, uint8_t *buf, size_t len)
{
	size_t have = 0;
	ssize_t got;

	while (have < len) {
		if ((got = read(fd, buf + have, len - have)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	return (ssize_t)have;
}

/*
 * Read the next block of a compressed volume into buf (prefix word and
 * payload): from a tape one read(2), which is one block; from a file the
 * word, then the length it announces.  Returns the bytes read, 0 at the
 * end of the volume, -1 after fail().
 */
static ssize_t
zread_block(struct vrun *r, int fd, int tape, uint8_t *buf, size_t max)
{
	ssize_t got, want;
	size_t len;

	do
		got = tape ? read(fd, buf, max + 4) : read_upto(fd, buf, 4);
	while (got == -1 && errno == EINTR);
	if (got <= 0 || (!tape && got < 4)) {
		if (got == -1)
			return fail(r, "record %llu: read error: %s",
			    (unsigned long long)r->n, strerror(errno));
		if (got == 0)
			return 0;
		return fail(r, "record %llu: the volume ends inside a block "
		    "prefix", (unsigned long long)r->n);
	}
	if ((len = compress_prefix(buf, max)) == 0)
		return fail(r, "record %llu: not a compressed block prefix",
		    (unsigned long long)r->n);
	want = (ssize_t)len + 4;
	if (!tape && (got = read_upto(fd, buf + 4, len)) != -1)
		got += 4;
	if (got != want)
		return fail(r, "record %llu: compressed block of %zd bytes, "
		    "%zd announced", (unsigned long long)r->n, got, want);
	return got;
}

/*
 * A compressed volume: its first block as it is, every later one behind
 * its prefix word, expanded and checked record by record.
 */
static int
run_read_z(struct vrun *r, int fd)
{
	size_t blk = (size_t)r->s.ntrec * TP_BSIZE, n, off;
	uint8_t *buf = malloc(blk + 4), *out = malloc(blk);
	const char *why;
	struct stat st;
	int tape = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), rc = 0;
	ssize_t got;

	if (buf == NULL || out == NULL) {
		free(buf);
		free(out);
		return fail(r, "verify: %s", strerror(errno));
	}
	got = tape ? read(fd, out, blk) : read_upto(fd, out, blk);
	if (got > 0 && (size_t)got != blk)
		rc = fail(r, "volume %u: its first block holds %zd bytes, not "
		    "%zu", r->vol, got, blk);
	for (n = got > 0 ? blk : 0; rc == 0 && n > 0;) {
		r->bytes += (uint64_t)got;
		for (off = 0; rc == 0 && off < n; off += TP_BSIZE)
			rc = run_record(r, out + off);
		if (rc != 0 || (got = zread_block(r, fd, tape, buf, blk)) <= 0)
			break;
		if ((n = compress_decode(buf, out, blk, &why)) == 0)
			rc = fail(r, "record %llu: %s", (unsigned long long)r->n,
			    why);
	}
	free(buf);
	free(out);
	return rc != 0 || got == -1 ? -1 : 0;
}

/* What must hold once the whole volume has been read. */
static int
run_end(struct vrun *r, uint64_t bytes)
{
	if (r->n == 0 && r->bytes == 0)
		return fail(r, "volume %u is empty", r->vol);
	if (r->n == 0)
		return fail(r, "volume %u holds %llu bytes, less than one "
		    "record", r->vol, (unsigned long long)r->bytes);
	if (r->s.compressed && bytes != 0 && r->bytes != bytes)
		return fail(r, "volume holds %llu bytes, %llu were written",
		    (unsigned long long)r->bytes, (unsigned long long)bytes);
	if (!r->s.compressed && bytes != 0 && r->n != bytes / TP_BSIZE)
		return fail(r, "volume holds %llu KiB, %llu KiB were written",
		    (unsigned long long)r->n,
		    (unsigned long long)(bytes / TP_BSIZE));
	if (r->dups > 0)
		return fail(r, "volume %u ends inside its %u duplicate records",
		    r->vol, r->ndups);
	if (r->n % (uint64_t)r->s.ntrec == 0)
		r->s.tail_left = r->s.left;
	if (r->last && !r->s.ended && r->s.left > 0)
		return fail(r, "volume %u ends without the trailer, %u data "
		    "records of inode %u still due", r->vol, r->s.left,
		    r->s.ino);
	if (r->last && !r->s.ended)
		return fail(r, "volume %u ends without the trailer (TS_END)",
		    r->vol);
	return 0;
}

/* Start the checks of a dump with these dates and blocking factor. */
void
verify_init(struct verify *v, int32_t date, int32_t ddate, int ntrec)
{
	memset(v, 0, sizeof(*v));
	v->date = date;
	v->ddate = ddate;
	v->ntrec = ntrec;
	v->phase = PH_CLRI;
}

/*
 * Check volume vol, read from fd to its end.  All the work is done on a
 * copy of the state and a new tail buffer; only a volume that passes
 * replaces them, so a failed one can be rewritten and checked again.
 */
int
verify_volume(struct verify *v, int fd, unsigned vol, int last,
    uint64_t bytes, char *why, size_t whylen)
{
	struct vrun r;

	memset(&r, 0, sizeof(r));
	r.s = *v;
	r.vol = vol;
	r.last = last;
	r.why = why;
	r.whylen = whylen;
	if (v->ntrec < 1 || v->ntrec > NTREC_MAX)
		return fail(&r, "verify: blocking factor %d", v->ntrec);
	if (v->ended)
		return fail(&r, "volume %u: the dump ended on volume %u", vol,
		    v->volume);
	if (vol != v->volume + 1)
		return fail(&r, "volume %u checked out of turn, volume %u is "
		    "due", vol, v->volume + 1);
	if ((r.blk = malloc((size_t)v->ntrec * TP_BSIZE)) == NULL)
		return fail(&r, "verify: %s", strerror(errno));
	if ((v->compressed ? run_read_z(&r, fd) : run_read(&r, fd)) == -1 ||
	    run_end(&r, bytes) == -1) {
		free(r.blk);
		return -1;
	}
	free(v->tail);
	*v = r.s;
	v->volume = vol;
	v->records += r.n;
	v->tail = r.blk;
	v->ntail = (size_t)(r.n % (uint64_t)v->ntrec);
	return 0;
}

/* Release the tail buffer; the state may be initialised again. */
void
verify_free(struct verify *v)
{
	free(v->tail);
	v->tail = NULL;
	v->ntail = 0;
}
