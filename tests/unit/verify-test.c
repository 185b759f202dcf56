// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for verify.c.  A small writer of our own builds dump streams
 * in memory and splits them into volumes, by a planned break or by an end
 * of media; the tests check that good volumes pass, that each kind of
 * damage is caught with its reason, and that a failure leaves the state as
 * it was, so the good volume still passes afterwards.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opdump.h"
#include "testhelp.h"

#define DATE		1700000000
#define DDATE		1690000000
#define NTREC		10
#define MAXVOL		4
#define MAXHDR		64
#define MODE_DIR	0040755
#define MODE_REG	0100644

/* Where the writer put a header, so tests can find and damage it. */
struct hdrpos {
	int		 vol;		/* 0-based */
	size_t		 pos;		/* record on that volume */
	int		 type;
	uint32_t	 ino;
};

/* The test writer: a dump stream cut into volumes. */
struct tw {
	struct s_spcl	 h;		/* the persistent header */
	uint8_t		*vol[MAXVOL];
	size_t		 nrec[MAXVOL];
	int		 nvol;
	size_t		 brk[MAXVOL];	/* whole records before a break */
	int		 eom[MAXVOL];	/* then this many of a partial block */
	uint32_t	 tapea;
	uint64_t	 prev;		/* records on earlier volumes */
	uint32_t	 left;		/* data records still due */
	uint32_t	*lb[MAXVOL];	/* left before each record */
	struct hdrpos	 hdr[MAXHDR];
	int		 nhdr;
};

/* A snapshot of the verifier's state, tail bytes included. */
struct snap {
	struct verify	 v;
	uint8_t		*tail;
};

static void
tw_append(struct tw *w, const void *rec)
{
	int c = w->nvol - 1;

	w->vol[c] = realloc(w->vol[c], (w->nrec[c] + 1) * TP_BSIZE);
	w->lb[c] = realloc(w->lb[c], (w->nrec[c] + 1) * sizeof(uint32_t));
	if (w->vol[c] == NULL || w->lb[c] == NULL)
		abort();
	w->lb[c][w->nrec[c]] = w->left;
	memcpy(w->vol[c] + w->nrec[c]++ * TP_BSIZE, rec, TP_BSIZE);
}

/*
 * Start the next volume.  After a planned break its TS_TAPE takes a
 * number; after an end of media it takes the number of the first record
 * of the partial block, which comes again right after it.
 */
static void
tw_newvol(struct tw *w)
{
	struct s_spcl t = w->h;
	int c = w->nvol - 1, p = w->eom[c];
	uint64_t r = w->prev + w->nrec[c];

	t.c_type = TS_TAPE;
	t.c_volume = w->nvol + 1;
	t.c_tapea = w->tapea - (uint32_t)p;
	t.c_firstrec = (int32_t)(r - (uint64_t)p);
	/* Data due at the first record that comes again, as restore
	 * skips c_count records after the header. */
	t.c_count = (int32_t)(p > 0 ? w->lb[c][w->nrec[c] - (size_t)p] :
	    w->left);
	t.c_flags = DR_NEWHEADER | DR_NEWINODEFMT;
	tapefmt_checksum(&t);
	w->nvol++;
	tw_append(w, &t);
	if (p == 0)
		w->tapea++;
	for (; p > 0; p--)
		tw_append(w, w->vol[c] + (w->nrec[c] - (size_t)p) * TP_BSIZE);
	w->prev = r;
}

/* Break the volume before the next record if it is full. */
static void
tw_room(struct tw *w)
{
	int c = w->nvol - 1;

	if (w->brk[c] != 0 && w->nrec[c] >= w->brk[c] + (size_t)w->eom[c])
		tw_newvol(w);
}

/* Write the persistent header as a record of this type and inode. */
static void
tw_header(struct tw *w, int type, uint32_t ino)
{
	struct hdrpos *hp = &w->hdr[w->nhdr++];
	int32_t i;

	if (w->nvol > 0)
		tw_room(w);
	else
		w->nvol = 1;
	w->h.c_type = type;
	w->h.c_inumber = ino;
	w->h.c_volume = w->nvol;
	w->h.c_tapea = w->tapea++;
	tapefmt_checksum(&w->h);
	hp->vol = w->nvol - 1;
	hp->pos = w->nrec[w->nvol - 1];
	hp->type = type;
	hp->ino = ino;
	tw_append(w, &w->h);
	w->left = 0;
	for (i = 0; i < w->h.c_count && type != TS_TAPE; i++)
		if (w->h.c_addr[i] != 0 || type == TS_CLRI || type == TS_BITS)
			w->left++;
}

/* One data record; bytes that change with the position. */
static void
tw_data(struct tw *w)
{
	uint8_t rec[TP_BSIZE];
	size_t i;

	for (i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(w->tapea * 31 + i * 7);
	tw_room(w);
	tw_append(w, rec);
	w->tapea++;
	w->left--;
}

/* A data record that looks like a header: verify must skip it. */
static void
tw_fake(struct tw *w)
{
	struct s_spcl f = w->h;

	f.c_type = TS_INODE;
	f.c_inumber = 3;
	f.c_tapea = 12345;
	f.c_dinode.di_mode = MODE_DIR;
	f.c_count = 0;
	tapefmt_checksum(&f);
	tw_room(w);
	tw_append(w, &f);
	w->tapea++;
	w->left--;
}

static void
tw_map(struct tw *w, int type, uint32_t ino, int nrec)
{
	memset(&w->h.c_dinode, 0, sizeof(w->h.c_dinode));
	memset(w->h.c_addr, 0, sizeof(w->h.c_addr));
	w->h.c_dinode.di_size = (uint64_t)nrec * TP_BSIZE;
	w->h.c_count = nrec;
	tw_header(w, type, ino);
	while (w->left > 0)
		tw_data(w);
}

/*
 * An inode of nent 1 KiB pieces, per entries a header; with holes every
 * fourth piece from the second on is a hole.  With fake, the first data
 * record looks like a header.
 */
static void
tw_inode(struct tw *w, uint32_t ino, uint16_t mode, int nent, int per,
    int holes, int flags)
{
	int done = 0, i, fake = holes;

	memset(&w->h.c_dinode, 0, sizeof(w->h.c_dinode));
	w->h.c_dinode.di_mode = mode;
	w->h.c_dinode.di_size = (uint64_t)nent * TP_BSIZE;
	w->h.c_flags = DR_NEWINODEFMT | flags;
	do {
		w->h.c_count = nent - done < per ? nent - done : per;
		memset(w->h.c_addr, 0, sizeof(w->h.c_addr));
		for (i = 0; i < w->h.c_count; i++)
			w->h.c_addr[i] = !(holes && (done + i) % 4 == 1);
		tw_header(w, done == 0 ? TS_INODE : TS_ADDR, ino);
		for (; w->left > 0; fake = 0)
			fake ? tw_fake(w) : tw_data(w);
		done += w->h.c_count;
	} while (done < nent);
	w->h.c_flags = DR_NEWINODEFMT;
}

/* TS_END records until the stream fills its last block. */
static void
tw_end(struct tw *w)
{
	int n = NTREC - (int)(w->tapea % NTREC);

	memset(w->h.c_addr, 0, sizeof(w->h.c_addr));
	w->h.c_count = 0;
	while (n-- > 0)
		tw_header(w, TS_END, 64);
}

/*
 * The dump every test uses: maps of two records, directories 2 and 11
 * (11 in two headers), then file 12 with a hole and a record that looks
 * like a header, file 13 of 600 records with an attribute record, an
 * empty file 14 and the trailer.  630 records on one volume.
 */
static void
tw_dump(struct tw *w, int32_t date, const size_t *brk, const int *eom)
{
	memset(w, 0, sizeof(*w));
	if (brk != NULL)
		memcpy(w->brk, brk, sizeof(w->brk));
	if (eom != NULL)
		memcpy(w->eom, eom, sizeof(w->eom));
	w->h.c_date = date;
	w->h.c_ddate = DDATE;
	w->h.c_magic = NFS_MAGIC;
	w->h.c_ntrec = NTREC;
	w->h.c_level = 1;
	strcpy(w->h.c_label, "none");
	w->h.c_count = 1;
	w->h.c_flags = DR_NEWHEADER | DR_NEWINODEFMT;
	tw_header(w, TS_TAPE, 0);
	w->h.c_flags = DR_NEWINODEFMT;
	tw_map(w, TS_CLRI, 64, 2);
	tw_map(w, TS_BITS, 2, 2);
	tw_inode(w, 2, MODE_DIR, 1, 1, 0, 0);
	tw_inode(w, 11, MODE_DIR, 2, 1, 0, 0);
	tw_inode(w, 12, MODE_REG, 4, 512, 1, 0);
	tw_inode(w, 13, MODE_REG, 600, 512, 0, 0);
	tw_inode(w, 13, MODE_REG, 1, 512, 0, DR_EXTATTRIBUTES);
	tw_inode(w, 14, MODE_REG, 0, 512, 0, 0);
	tw_end(w);
}

static void
tw_free(struct tw *w)
{
	int i;

	for (i = 0; i < MAXVOL; i++) {
		free(w->vol[i]);
		free(w->lb[i]);
	}
}

/* The n-th (0-based) header of this type and inode. */
static const struct hdrpos *
tw_find(const struct tw *w, int type, uint32_t ino, int n)
{
	int i;

	for (i = 0; i < w->nhdr; i++)
		if (w->hdr[i].type == type && w->hdr[i].ino == ino && n-- == 0)
			return &w->hdr[i];
	abort();
}

/* A copy of volume i to damage. */
static uint8_t *
tw_copy(const struct tw *w, int i)
{
	uint8_t *p = malloc(w->nrec[i] * TP_BSIZE);

	if (p == NULL)
		abort();
	return memcpy(p, w->vol[i], w->nrec[i] * TP_BSIZE);
}

static struct s_spcl *
rec_at(uint8_t *vol, size_t pos)
{
	return (struct s_spcl *)(void *)(vol + pos * TP_BSIZE);
}

/* An unlinked temporary file holding len bytes, read from the start. */
static int
tmpfd(const void *p, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/verify-test.XXXXXX",
	    dir != NULL ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		abort();
	unlink(path);
	if (write(fd, p, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static void
snap_take(struct snap *s, const struct verify *v)
{
	s->v = *v;
	s->tail = malloc(v->ntail * TP_BSIZE + 1);
	if (s->tail == NULL)
		abort();
	if (v->ntail > 0)
		memcpy(s->tail, v->tail, v->ntail * TP_BSIZE);
}

/* Is the state what it was, field by field and byte for byte? */
static int
snap_same(const struct snap *s, const struct verify *v)
{
	const struct verify *o = &s->v;

	return o->date == v->date && o->ddate == v->ddate &&
	    o->ntrec == v->ntrec && o->volume == v->volume &&
	    o->records == v->records && o->next_tapea == v->next_tapea &&
	    o->slack == v->slack && o->left == v->left && o->ino == v->ino &&
	    o->phase == v->phase && o->ended == v->ended &&
	    o->tail == v->tail && o->ntail == v->ntail &&
	    (v->ntail == 0 ||
	    memcmp(s->tail, v->tail, v->ntail * TP_BSIZE) == 0);
}

/* Verify len bytes at p as volume vol; 1 if the outcome is as wanted. */
static int
outcome(struct verify *v, const void *p, size_t len, unsigned vol, int last,
    uint64_t bytes, const char *what)
{
	struct snap s;
	char why[256] = "";
	int fd = tmpfd(p, len), rc, ok;

	snap_take(&s, v);
	rc = verify_volume(v, fd, vol, last, bytes, why, sizeof(why));
	close(fd);
	if (what == NULL)
		ok = rc == 0;
	else
		ok = rc == -1 && strstr(why, what) != NULL && snap_same(&s, v);
	if (!ok)
		fprintf(stderr, "volume %u: rc %d, \"%s\"; %s \"%s\"\n", vol,
		    rc, why, what != NULL ? "wanted" : "wanted success",
		    what != NULL ? what : "");
	free(s.tail);
	return ok;
}

/* Volume i of w must pass as it stands. */
static int
passes(struct verify *v, const struct tw *w, int i, int last)
{
	return outcome(v, w->vol[i], w->nrec[i] * TP_BSIZE, (unsigned)i + 1,
	    last, w->nrec[i] * TP_BSIZE, NULL);
}

/* Damaged volume i (p, whole) must fail for the reason what. */
static int
fails(struct verify *v, const struct tw *w, const uint8_t *p, int i,
    int last, const char *what)
{
	return outcome(v, p, w->nrec[i] * TP_BSIZE, (unsigned)i + 1, last,
	    w->nrec[i] * TP_BSIZE, what);
}

/* Build the dump w, start v on it and pass its first npass volumes. */
static void
set_up(struct verify *v, struct tw *w, const size_t *brk, const int *eom,
    int npass)
{
	int i;

	tw_dump(w, DATE, brk, eom);
	verify_init(v, DATE, DDATE, NTREC);
	for (i = 0; i < npass; i++)
		CHECK(passes(v, w, i, 0));
}

static void
tear_down(struct verify *v, struct tw *w)
{
	verify_free(v);
	tw_free(w);
}

static const size_t planned_brk[MAXVOL] = { 30, 30 };
static const size_t eom_brk[MAXVOL] = { 10, 30 };
static const int eom_eom[MAXVOL] = { 3, 2 };

static void
test_single(void)
{
	struct verify v;
	struct tw w;

	tw_dump(&w, DATE, NULL, NULL);
	CHECK_EQ(w.nvol, 1);
	CHECK_EQ(w.nrec[0], 630);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(passes(&v, &w, 0, 1));
	CHECK_EQ(v.volume, 1);
	CHECK_EQ(v.records, 630);
	CHECK_EQ(v.next_tapea, 630);
	CHECK_EQ(v.ended, 1);
	CHECK_EQ(v.ntail, 0);
	verify_free(&v);
	/* Without a length, and with a partial record after the end. */
	w.vol[0] = realloc(w.vol[0], 631 * TP_BSIZE);
	memset(w.vol[0] + 630 * TP_BSIZE, 0xee, TP_BSIZE);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(outcome(&v, w.vol[0], 630 * TP_BSIZE + 100, 1, 1, 0, NULL));
	verify_free(&v);
	/* A flipped byte in a data record is not the verifier's business. */
	w.vol[0][20 * TP_BSIZE + 5] ^= 1;
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(passes(&v, &w, 0, 1));
	tear_down(&v, &w);
}

/* Verify every volume of w in order; all must pass. */
static void
all_pass(const struct tw *w)
{
	struct verify v;
	int i;

	verify_init(&v, DATE, DDATE, NTREC);
	for (i = 0; i < w->nvol; i++)
		CHECK(passes(&v, w, i, i == w->nvol - 1));
	CHECK_EQ(v.ended, 1);
	CHECK_EQ(v.volume, w->nvol);
	verify_free(&v);
}

static void
test_planned(void)
{
	struct verify v;
	struct tw w;

	tw_dump(&w, DATE, planned_brk, NULL);
	CHECK_EQ(w.nvol, 3);
	CHECK_EQ(w.nrec[0], 30);
	CHECK_EQ(w.nrec[1], 30);
	CHECK_EQ(w.nrec[2], 570);
	all_pass(&w);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(passes(&v, &w, 0, 0));
	CHECK_EQ(v.records, 30);
	CHECK_EQ(v.left, 512 - 12);
	/* Volume 2 holds data only: which numbering holds is still open. */
	CHECK(passes(&v, &w, 1, 0));
	CHECK_EQ(v.slack, 1);
	CHECK_EQ(v.records, 60);
	tear_down(&v, &w);
}

static void
test_eom(void)
{
	struct verify v;
	struct tw w;

	tw_dump(&w, DATE, eom_brk, eom_eom);
	CHECK_EQ(w.nvol, 3);
	CHECK_EQ(w.nrec[0], 13);
	CHECK_EQ(w.nrec[1], 32);
	CHECK_EQ(rec_at(w.vol[1], 0)->c_tapea, 10);
	CHECK_EQ(rec_at(w.vol[1], 0)->c_firstrec, 10);
	CHECK_EQ(rec_at(w.vol[2], 0)->c_firstrec, 43);
	CHECK(memcmp(w.vol[0] + 10 * TP_BSIZE, w.vol[1] + TP_BSIZE,
	    3 * TP_BSIZE) == 0);
	all_pass(&w);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(passes(&v, &w, 0, 0));
	CHECK_EQ(v.ntail, 3);
	CHECK_EQ(v.records, 13);
	CHECK_EQ(v.next_tapea, 13);
	CHECK_EQ(v.left, 0);
	CHECK(passes(&v, &w, 1, 0));
	CHECK_EQ(v.ntail, 2);
	CHECK_EQ(v.next_tapea, 41);
	tear_down(&v, &w);
}

/* Flip one byte of each header at several places: always caught. */
static void
test_flip(void)
{
	static const size_t where[] = { 0, 4, 13, 16, 21, 25, 30, 40, 160,
	    170, 700, 890, 1023 };
	struct verify v;
	struct tw w;
	uint8_t *p;
	size_t j;
	int i;

	set_up(&v, &w, NULL, NULL, 0);
	for (i = 0; i < w.nhdr; i++)
		for (j = 0; j < sizeof(where) / sizeof(where[0]); j++) {
			p = tw_copy(&w, 0);
			p[w.hdr[i].pos * TP_BSIZE + where[j]] ^= 0x10;
			CHECK(fails(&v, &w, p, 0, 1, i == 0 ?
			    "not a dump volume" : where[j] / 4 == 6 ?
			    "not a header (bad magic)" :
			    "bad header checksum"));
			free(p);
		}
	CHECK(passes(&v, &w, 0, 1));
	tear_down(&v, &w);

	/* The same on the last volume of a set, duplicates included. */
	set_up(&v, &w, eom_brk, eom_eom, 2);
	for (i = 0; i < w.nhdr; i++) {
		if (w.hdr[i].vol != 2)
			continue;
		p = tw_copy(&w, 2);
		p[w.hdr[i].pos * TP_BSIZE + 100] ^= 0x80;
		CHECK(fails(&v, &w, p, 2, 1, "record"));
		free(p);
	}
	p = tw_copy(&w, 2);
	p[2 * TP_BSIZE + 100] ^= 0x80;	/* a duplicate */
	CHECK(fails(&v, &w, p, 2, 1, "differs from the record it repeats"));
	free(p);
	CHECK(passes(&v, &w, 2, 1));
	tear_down(&v, &w);
}

static void
test_truncated(void)
{
	struct verify v;
	struct tw w;

	set_up(&v, &w, NULL, NULL, 0);
	CHECK(outcome(&v, w.vol[0], 620 * TP_BSIZE, 1, 1, 630 * TP_BSIZE,
	    "volume holds 620 KiB, 630 KiB were written"));
	CHECK(outcome(&v, w.vol[0], 630 * TP_BSIZE - 100, 1, 1,
	    630 * TP_BSIZE, "volume holds 629 KiB, 630 KiB were written"));
	CHECK(outcome(&v, w.vol[0], 620 * TP_BSIZE, 1, 1, 0,
	    "volume 1 ends without the trailer, 1 data records of inode 13"));
	CHECK(outcome(&v, w.vol[0], 622 * TP_BSIZE, 1, 1, 0,
	    "volume 1 ends without the trailer (TS_END)"));
	CHECK(outcome(&v, w.vol[0], 300 * TP_BSIZE + 10, 1, 1, 0,
	    "ends without the trailer, 230 data records of inode 13"));
	CHECK(outcome(&v, w.vol[0], 0, 1, 1, 0, "volume 1 is empty"));
	CHECK(outcome(&v, w.vol[0], 500, 1, 1, 0,
	    "volume 1 holds 500 bytes, less than one record"));
	CHECK(passes(&v, &w, 0, 1));
	tear_down(&v, &w);

	/* A volume in the middle, cut short. */
	set_up(&v, &w, planned_brk, NULL, 1);
	CHECK(outcome(&v, w.vol[1], 20 * TP_BSIZE, 2, 0, 30 * TP_BSIZE,
	    "volume holds 20 KiB, 30 KiB were written"));
	CHECK(passes(&v, &w, 1, 0));
	CHECK(passes(&v, &w, 2, 1));
	tear_down(&v, &w);
}

static void
test_swapped(void)
{
	struct verify v;
	struct tw w;
	char why[100];

	set_up(&v, &w, planned_brk, NULL, 0);
	CHECK(fails(&v, &w, w.vol[1], 0, 0,
	    "volume 2 found, volume 1 expected"));
	CHECK(passes(&v, &w, 0, 0));
	CHECK(outcome(&v, w.vol[2], w.nrec[2] * TP_BSIZE, 2, 0, 0,
	    "volume 3 found, volume 2 expected"));
	CHECK(outcome(&v, w.vol[0], w.nrec[0] * TP_BSIZE, 2, 0, 0,
	    "volume 1 found, volume 2 expected"));
	CHECK(outcome(&v, w.vol[1], w.nrec[1] * TP_BSIZE, 3, 0, 0,
	    "volume 3 checked out of turn, volume 2 is due"));
	CHECK(passes(&v, &w, 1, 0));
	CHECK(passes(&v, &w, 2, 1));
	CHECK_EQ(verify_volume(&v, 0, 4, 1, 0, why, sizeof(why)), -1);
	CHECK(strstr(why, "the dump ended on volume 3") != NULL);
	tear_down(&v, &w);
}

static void
test_dates(void)
{
	struct verify v;
	struct tw w, other;
	const struct hdrpos *h;
	uint8_t *p;

	tw_dump(&w, DATE, planned_brk, NULL);
	tw_dump(&other, DATE + 60, planned_brk, NULL);
	verify_init(&v, DATE + 1, DDATE, NTREC);
	CHECK(fails(&v, &w, w.vol[0], 0, 0, "record 0: dump date "));
	verify_free(&v);
	verify_init(&v, DATE, DDATE - 1, NTREC);
	CHECK(fails(&v, &w, w.vol[0], 0, 0, "record 0: since-date "));
	verify_free(&v);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(passes(&v, &w, 0, 0));
	CHECK(fails(&v, &w, other.vol[1], 1, 0, "record 0: dump date "));
	/* One header in the middle from another dump. */
	h = tw_find(&w, TS_ADDR, 13, 0);
	CHECK_EQ(h->vol, 2);
	p = tw_copy(&w, 2);
	rec_at(p, h->pos)->c_date = DATE + 60;
	tapefmt_checksum(rec_at(p, h->pos));
	CHECK(passes(&v, &w, 1, 0));
	CHECK(fails(&v, &w, p, 2, 1, "dump date "));
	CHECK(passes(&v, &w, 2, 1));
	free(p);
	tear_down(&v, &w);
	tw_free(&other);
}

/* Change the header at h on a copy of its volume and sum it again. */
static uint8_t *
damage(const struct tw *w, const struct hdrpos *h, int32_t type,
    uint32_t ino, uint16_t mode)
{
	uint8_t *p = tw_copy(w, h->vol);
	struct s_spcl *s = rec_at(p, h->pos);

	if (type != 0)
		s->c_type = type;
	if (ino != 0)
		s->c_inumber = ino;
	if (mode != 0)
		s->c_dinode.di_mode = mode;
	tapefmt_checksum(s);
	return p;
}

/* The single volume, damaged at h, must fail for the reason what. */
static void
single_fails(const struct tw *w, const struct hdrpos *h, int32_t type,
    uint32_t ino, uint16_t mode, const char *what)
{
	struct verify v;
	uint8_t *p = damage(w, h, type, ino, mode);

	verify_init(&v, DATE, DDATE, NTREC);
	CHECK(fails(&v, w, p, 0, 1, what));
	CHECK(passes(&v, w, 0, 1));
	verify_free(&v);
	free(p);
}

static void
test_order(void)
{
	struct tw w;

	tw_dump(&w, DATE, NULL, NULL);
	single_fails(&w, tw_find(&w, TS_INODE, 14, 0), 0, 0, MODE_DIR,
	    "directory inode 14 after non-directory inode 13");
	single_fails(&w, tw_find(&w, TS_INODE, 14, 0), 0, 13, 0,
	    "inode 13 after inode 13, out of order");
	single_fails(&w, tw_find(&w, TS_INODE, 2, 0), 0, 3, 0,
	    "inode 3 comes first, the root directory (2) must");
	single_fails(&w, tw_find(&w, TS_ADDR, 13, 0), 0, 12, 0,
	    "TS_ADDR of inode 12 after inode 13");
	single_fails(&w, tw_find(&w, TS_ADDR, 11, 0), TS_INODE, 0, 0,
	    "inode 11 after inode 11, out of order");
	single_fails(&w, tw_find(&w, TS_INODE, 13, 1), 0, 14, 0,
	    "extended attributes of inode 14 after inode 13");
	single_fails(&w, tw_find(&w, TS_CLRI, 64, 0), TS_BITS, 0, 0,
	    "TS_BITS header of inode 64 (TS_CLRI expected)");
	single_fails(&w, tw_find(&w, TS_BITS, 2, 0), TS_CLRI, 0, 0,
	    "TS_CLRI header of inode 2 (TS_BITS expected)");
	single_fails(&w, tw_find(&w, TS_INODE, 12, 0), TS_TAPE, 0, 0,
	    "TS_TAPE header inside the volume");
	single_fails(&w, tw_find(&w, TS_END, 64, 3), TS_INODE, 15, MODE_REG,
	    "TS_INODE header after the trailer");
	tw_free(&w);
}

/* A header whose numbers are off. */
static void
test_numbers(void)
{
	struct verify v;
	struct tw w;
	uint8_t *p;

	set_up(&v, &w, NULL, NULL, 0);
	p = tw_copy(&w, 0);
	rec_at(p, 17)->c_tapea++;
	tapefmt_checksum(rec_at(p, 17));
	CHECK(fails(&v, &w, p, 0, 1, "record 17: c_tapea 18, 17 expected"));
	rec_at(p, 17)->c_tapea--;
	rec_at(p, 17)->c_count = 513;
	tapefmt_checksum(rec_at(p, 17));
	CHECK(fails(&v, &w, p, 0, 1, "c_count 513 of inode 13"));
	CHECK(passes(&v, &w, 0, 1));
	tear_down(&v, &w);
	free(p);

	/* Volume 3 of the planned set, one number further than allowed. */
	set_up(&v, &w, planned_brk, NULL, 2);
	p = tw_copy(&w, 2);
	rec_at(p, 0)->c_tapea++;
	tapefmt_checksum(rec_at(p, 0));
	CHECK(fails(&v, &w, p, 2, 1, "record 0: c_tapea 61, 59 expected"));
	CHECK(passes(&v, &w, 2, 1));
	tear_down(&v, &w);
	free(p);
}

/* Volume i of w with its TS_TAPE's c_firstrec or c_count changed. */
static int
cont_fails(struct verify *v, const struct tw *w, int i, int32_t firstrec,
    int32_t count, const char *what)
{
	uint8_t *p = tw_copy(w, i);
	struct s_spcl *s = rec_at(p, 0);
	int ok;

	s->c_firstrec += firstrec;
	s->c_count += count;
	tapefmt_checksum(s);
	ok = fails(v, w, p, i, i == w->nvol - 1, what);
	free(p);
	return ok;
}

static void
test_continuation(void)
{
	struct verify v;
	struct tw w;

	set_up(&v, &w, eom_brk, eom_eom, 1);
	CHECK(cont_fails(&v, &w, 1, -7, 0,
	    "makes 10 duplicate records, 0 to 9"));
	CHECK(cont_fails(&v, &w, 1, 4, 0, "makes -1 duplicate records"));
	CHECK(cont_fails(&v, &w, 1, -1, 0,
	    "4 duplicate records, but volume 1 ended with 3"));
	CHECK(cont_fails(&v, &w, 1, 0, 1, "c_count 2, but 1 data records"));
	CHECK(outcome(&v, w.vol[1], 3 * TP_BSIZE, 2, 0, 0,
	    "volume 2 ends inside its 3 duplicate records"));
	CHECK(passes(&v, &w, 1, 0));
	CHECK(cont_fails(&v, &w, 2, 0, -1, "c_count 490, but 491 data"));
	CHECK(passes(&v, &w, 2, 1));
	tear_down(&v, &w);

	set_up(&v, &w, planned_brk, NULL, 1);
	CHECK(cont_fails(&v, &w, 1, -1, 0,
	    "1 duplicate records, but volume 1 ended with 0"));
	CHECK(cont_fails(&v, &w, 1, 0, 1, "c_count 501, but 500 data"));
	CHECK(passes(&v, &w, 1, 0));
	tear_down(&v, &w);
}

/* Duplicates that do not match what they repeat. */
static void
test_dup_bytes(void)
{
	struct verify v;
	struct tw w;
	uint8_t *p;
	int i;

	set_up(&v, &w, eom_brk, eom_eom, 1);
	for (i = 1; i <= 3; i++) {
		p = tw_copy(&w, 1);
		p[i * TP_BSIZE + 999] ^= 4;
		CHECK(fails(&v, &w, p, 1, 0,
		    "differs from the record it repeats"));
		free(p);
	}
	CHECK(passes(&v, &w, 1, 0));
	tear_down(&v, &w);
}

static void
test_trailer(void)
{
	struct verify v;
	struct tw w;

	set_up(&v, &w, NULL, NULL, 0);
	CHECK(fails(&v, &w, w.vol[0], 0, 0,
	    "record 622: trailer on volume 1, which is not the last"));
	w.vol[0] = realloc(w.vol[0], 631 * TP_BSIZE);
	memset(w.vol[0] + 630 * TP_BSIZE, 0, TP_BSIZE);
	CHECK(outcome(&v, w.vol[0], 631 * TP_BSIZE, 1, 1, 0,
	    "record 630: not a header (bad magic) (TS_END expected)"));
	CHECK(passes(&v, &w, 0, 1));
	tear_down(&v, &w);

	set_up(&v, &w, planned_brk, NULL, 1);
	CHECK(fails(&v, &w, w.vol[1], 1, 1,
	    "volume 2 ends without the trailer, 471 data records of inode 13"));
	tear_down(&v, &w);
}

/* A pipe hands the volume over in pieces that split records. */
static void
test_pipe(void)
{
	struct verify v;
	struct tw w;
	char why[200] = "";
	size_t off, len;
	pid_t pid;
	int fd[2], st;

	tw_dump(&w, DATE, NULL, NULL);
	len = w.nrec[0] * TP_BSIZE;
	if (pipe(fd) == -1 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(fd[0]);
		for (off = 0; off < len; off += 777)
			if (write(fd[1], w.vol[0] + off,
			    len - off < 777 ? len - off : 777) == -1)
				_exit(1);
		_exit(0);
	}
	close(fd[1]);
	verify_init(&v, DATE, DDATE, NTREC);
	CHECK_EQ(verify_volume(&v, fd[0], 1, 1, len, why, sizeof(why)), 0);
	CHECK_EQ(v.records, 630);
	close(fd[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	tear_down(&v, &w);
}

/*
 * A real dump by build/opdump (the one beside this test) of a small ext4
 * image; skipped when opdump or mke2fs is not there.
 */
static void
test_real(void)
{
	char self[PATH_MAX], cmd[3 * PATH_MAX], dump[PATH_MAX + 16];
	char dir[] = "/tmp/verify-real.XXXXXX", why[200] = "";
	struct s_spcl h;
	struct verify v;
	struct stat sb;
	ssize_t n;
	int fd;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "%s/opdump", self);
	if (access(cmd, X_OK) != 0 || mkdtemp(dir) == NULL) {
		printf("verify-test: no opdump beside the test, real dump "
		    "skipped\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd %s && PATH=$PATH:/sbin:/usr/sbin && "
	    "command -v mke2fs >/dev/null && mkdir -p t/a/b && "
	    "seq 1 30000 >t/a/f && ln -s f t/a/l && echo x >t/a/b/g && "
	    "mke2fs -q -F -t ext4 -d t img 8M >/dev/null && "
	    "%s/opdump -0 -f d.dump img 2>/dev/null", dir, self);
	snprintf(dump, sizeof(dump), "%s/d.dump", dir);
	if (system(cmd) != 0 || (fd = open(dump, O_RDONLY)) == -1) {
		printf("verify-test: no mke2fs or opdump failed, real dump "
		    "skipped\n");
	} else {
		CHECK(read(fd, &h, sizeof(h)) == (ssize_t)sizeof(h) &&
		    fstat(fd, &sb) == 0);
		lseek(fd, 0, SEEK_SET);
		verify_init(&v, h.c_date, h.c_ddate, h.c_ntrec);
		CHECK_EQ(verify_volume(&v, fd, 1, 1, (uint64_t)sb.st_size, why,
		    sizeof(why)), 0);
		if (why[0] != '\0')
			fprintf(stderr, "real dump: %s\n", why);
		CHECK_EQ(v.records, sb.st_size / TP_BSIZE);
		verify_free(&v);
		close(fd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

TEST_MAIN(test_single, test_planned, test_eom, test_flip, test_truncated,
    test_swapped, test_dates, test_order, test_numbers, test_continuation,
    test_dup_bytes, test_trailer, test_pipe, test_real)
