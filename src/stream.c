// SPDX-License-Identifier: BSD-2-Clause
/*
 * The record stream: numbers every record (c_tapea), finishes and checksums
 * headers, and writes the fixed parts of a dump (volume header, the two
 * inode maps, the trailer).  It hands records to the ring and knows nothing
 * of inodes; traverse.c and dumpino.c decide what goes in.  With -A it also
 * copies the table of contents to a file of its own, with plain writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "opdump.h"

/* Copy a string into a fixed, zeroed header field, NUL terminated. */
static void
field_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	memcpy(dst, src, n < size ? n : size - 1);
}

/* Fill the fields every header of this dump carries. */
void
stream_init(struct dump *d)
{
	struct s_spcl *h = &d->spcl;
	const char *label = d->opt.label;
	char vname[EXT2_LABEL_LEN + 1];

	memset(h, 0, sizeof(*h));
	h->c_date = (int32_t)d->st.start;
	h->c_ddate = (int32_t)d->ddate;
	h->c_volume = 1;
	h->c_magic = NFS_MAGIC;
	h->c_level = d->opt.level;
	h->c_ntrec = d->opt.ntrec;
	if (label == NULL) {
		/* The filesystem's own volume name, as dump does. */
		memcpy(vname, d->src.fs->super->s_volume_name, EXT2_LABEL_LEN);
		vname[EXT2_LABEL_LEN] = '\0';
		label = vname[0] != '\0' ? vname : "none";
	}
	field_copy(h->c_label, LBLSIZE, label);
	if (strlen(label) >= LBLSIZE)
		warnmsg(d, "label \"%s\" is longer than %d characters; using "
		    "\"%s\"\n", label, LBLSIZE - 1, h->c_label);
	field_copy(h->c_filesys, NAMELEN, d->src.filesys);
	field_copy(h->c_dev, NAMELEN, d->src.device);
	field_copy(h->c_host, NAMELEN, d->host);
}

/* Open the -A file; -1 after a message. */
int
stream_toc_open(struct dump *d)
{
	d->tocfd = open(d->opt.archive, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0666);
	if (d->tocfd == -1) {
		msg("Cannot open %s for writing: %s\n", d->opt.archive,
		    strerror(errno));
		return -1;
	}
	d->tocon = 1;
	return 0;
}

/* Close the -A file; a dump that failed takes its partial one along. */
void
stream_toc_close(struct dump *d, int ok)
{
	if (d->tocfd == -1)
		return;
	if (close(d->tocfd) == -1 && ok)
		msg("error writing archive file: %s\n", strerror(errno));
	d->tocfd = -1;
	if (!ok)
		unlink(d->opt.archive);
}

/*
 * Copy a record to the -A file when it belongs to the table of contents:
 * what restore -t and -i read, that is everything before the first inode
 * that is not a directory, less the directories' extended attributes,
 * and then the trailer.  A write error ends the copy, not the dump.
 */
static void
stream_toc(struct dump *d, const void *rec, int type)
{
	const struct s_spcl *h = &d->spcl;
	const char *p = rec;
	struct s_spcl plain;
	size_t done = 0;
	ssize_t n;

	if (d->tocfd == -1)
		return;
	/* The table of contents itself is not compressed: its header says so. */
	if (type == TS_TAPE && (((const struct s_spcl *)rec)->c_flags &
	    DR_COMPRESSED)) {
		memcpy(&plain, rec, sizeof(plain));
		plain.c_flags &= ~DR_COMPRESSED;
		tapefmt_checksum(&plain);
		p = (const char *)&plain;
	}
	if (type == TS_END)
		d->tocon = 1;
	else if (type == TS_INODE && !(h->c_flags & DR_EXTATTRIBUTES) &&
	    !LINUX_S_ISDIR(h->c_dinode.di_mode))
		d->tocon = 0;
	if (!d->tocon || (h->c_flags & DR_EXTATTRIBUTES))
		return;
	while (done < TP_BSIZE) {
		if ((n = write(d->tocfd, p + done, TP_BSIZE - done)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0) {
			msg("error writing archive file: %s\n",
			    n == 0 ? "short write" : strerror(errno));
			close(d->tocfd);
			d->tocfd = -1;
			return;
		}
		done += (size_t)n;
	}
}

/* How many data records follow a header. */
static uint32_t
stream_announced(const struct s_spcl *h)
{
	uint32_t n = 0;
	int i;

	switch (h->c_type) {
	case TS_CLRI:
	case TS_BITS:
		return (uint32_t)h->c_count;
	case TS_INODE:
	case TS_ADDR:
		for (i = 0; i < h->c_count && i < TP_NINDIR; i++)
			n += h->c_addr[i] != 0;
		return n;
	}
	return 0;
}

/*
 * At the start of a tape block, remember what a volume break there would
 * need: the header whose data runs on and the number of the first record.
 * The slots are reused once the block can no longer fail.
 */
static void
stream_snapshot(struct dump *d, uint32_t tapea)
{
	struct volume *v = &d->vol;
	struct blksnap *s;

	if (v->nsnap == 0)
		return;
	s = &v->snap[v->records / (uint32_t)d->opt.ntrec % v->nsnap];
	s->hdr = v->hdr;
	s->left = v->left;
	s->tapea = tapea;
}

/*
 * Is the stream inside an extended-attribute record, or right after one?
 * restore 0.4b47 loses the attributes when a volume ends there (it reads
 * the next header before it stores them), so a planned break waits for
 * the next block.
 */
static int
stream_in_ea(const struct volume *v)
{
	return (v->hdr.c_flags & DR_EXTATTRIBUTES) != 0;
}

/* Keep track of the last header and how much of its data is queued. */
static void
stream_track(struct dump *d, int kind, const void *rec)
{
	struct volume *v = &d->vol;
	const struct s_spcl *h = rec;

	if (kind != RING_REC_HEADER) {
		if (v->left > 0)
			v->left--;
		return;
	}
	if (h->c_type == TS_TAPE)
		return;		/* the interrupted header goes on */
	v->hdr = *h;
	v->left = stream_announced(h);
}

/* Hand one record to the ring; -1 if the ring failed. */
static int
stream_queue(struct dump *d, int kind, const void *rec, uint64_t off)
{
	if (kind == RING_REC_DISK)
		return ring_put_disk(d->ring, off);
	return ring_put_inline(d->ring, rec, kind == RING_REC_HEADER);
}

/*
 * Queue one record on the current volume.  At a block boundary a full
 * volume is closed first; a write that failed (end of media, or a write
 * error the operator wants to carry on from) moves to the next volume,
 * which starts with the records that did not make it.  how says how the
 * record is numbered: PUSH_NEW records take d->tapea (headers are stamped
 * here, after any volume change), records written again keep theirs.
 */
int
stream_push(struct dump *d, int kind, const void *rec, uint64_t off, int how)
{
	struct volume *v = &d->vol;
	uint32_t ntrec = (uint32_t)d->opt.ntrec, tapea;
	struct s_spcl *h = (struct s_spcl *)rec;

	for (;;) {
		if (v->records % ntrec == 0 && v->records > 0 &&
		    !stream_in_ea(v) && volume_full(d)) {
			if (volume_switch(d, 0) == -1)
				return -1;
			continue;
		}
		tapea = how == PUSH_NEW ? d->tapea : v->rtapea;
		if (v->records % ntrec == 0) {
			stream_snapshot(d, tapea);
			volume_progress(d);
		}
		/* Copies stay byte for byte what the last volume holds. */
		if (kind == RING_REC_HEADER && how != PUSH_VOLHDR &&
		    how != PUSH_DUP) {
			if (how == PUSH_NEW)
				h->c_tapea = (int32_t)tapea;
			h->c_volume = (int32_t)v->number;
			h->c_firstrec = d->spcl.c_firstrec;
			tapefmt_checksum(h);
		}
		if (stream_queue(d, kind, rec, off) == 0)
			break;
		if (volume_switch(d, 1) == -1)
			return -1;
	}
	v->records++;
	stream_track(d, kind, rec);
	if (how == PUSH_NEW) {
		stream_toc(d, rec, kind == RING_REC_HEADER ? h->c_type : 0);
		d->tapea++;
	} else if (how == PUSH_REPLAY || how == PUSH_DUP) {
		v->rtapea++;
	}
	return 0;
}

/* Queue the persistent header as a record of type type for inode ino. */
int
stream_header(struct dump *d, int type, uint32_t ino)
{
	struct s_spcl *h = &d->spcl;

	h->c_type = type;
	h->c_inumber = ino;
	h->c_flags |= DR_NEWINODEFMT;
	return stream_push(d, RING_REC_HEADER, h, 0, PUSH_NEW);
}

/* Queue one inline data record. */
int
stream_record(struct dump *d, const void *rec)
{
	return stream_push(d, RING_REC_INLINE, rec, 0, PUSH_NEW);
}

/* Queue one data record the slaves read from the source at off. */
int
stream_disk(struct dump *d, uint64_t off)
{
	return stream_push(d, RING_REC_DISK, NULL, off |
	    (d->zraw ? RING_OFF_RAW : 0), PUSH_NEW);
}

/* The TS_TAPE header that opens volume 1. */
int
stream_tape(struct dump *d)
{
	struct s_spcl *h = &d->spcl;
	int rc;

	memset(&h->c_dinode, 0, sizeof(h->c_dinode));
	memset(h->c_addr, 0, sizeof(h->c_addr));
	h->c_count = 1;
	h->c_firstrec = 0;
	h->c_flags = DR_NEWHEADER | DR_NEWINODEFMT |
	    (d->opt.zmethod != ZM_NONE ? DR_COMPRESSED : 0);
	rc = stream_header(d, TS_TAPE, 0);
	h->c_flags = DR_NEWINODEFMT;
	return rc;
}

/*
 * The TS_TAPE header that opens volume 2 and later, then the records the
 * last volume did not take.  After a planned break the header takes the
 * next number; after an end of media it takes the number of the first
 * record written again, and those keep theirs (as dump numbers them).
 */
int
stream_tape_next(struct dump *d)
{
	struct volume *v = &d->vol;
	struct s_spcl h = v->cont;
	struct replay *list = v->replay;
	uint8_t *buf = v->replay_buf;
	size_t i, n = v->nreplay, ndups = v->cont_dups;
	int rc = 0;

	/* A break during the replay makes its own list: this one is ours. */
	v->replay = NULL;
	v->replay_buf = NULL;
	v->nreplay = v->capreplay = v->lenreplay_buf = v->capreplay_buf = 0;
	d->spcl.c_firstrec = (int32_t)v->firstrec;
	/* The stream goes on from the break, not from the last record queued. */
	v->hdr = v->cont;
	v->left = v->cont_left;
	h.c_type = TS_TAPE;
	h.c_count = (int32_t)v->cont_left;
	h.c_firstrec = (int32_t)v->firstrec;
	h.c_flags = DR_NEWHEADER | DR_NEWINODEFMT |
	    (v->cont.c_flags & DR_EXTATTRIBUTES) |
	    (d->opt.zmethod != ZM_NONE ? DR_COMPRESSED : 0);
	h.c_volume = (int32_t)v->number;
	if (v->cont_eom) {
		v->rtapea = v->cont_tapea;
		h.c_tapea = (int32_t)v->cont_tapea;
		tapefmt_checksum(&h);
		rc = stream_push(d, RING_REC_HEADER, &h, 0, PUSH_VOLHDR);
	} else {
		rc = stream_push(d, RING_REC_HEADER, &h, 0, PUSH_NEW);
	}
	v->first_tapea = (uint32_t)h.c_tapea;
	if (rc == 0)
		volume_announce(d);
	for (i = 0; i < n && rc == 0; i++)
		rc = stream_push(d, list[i].kind, buf + list[i].data,
		    list[i].off, i < ndups ? PUSH_DUP : PUSH_REPLAY);
	free(list);
	free(buf);
	return rc;
}

/* After the trailer was rolled forward: fill its last block again. */
int
stream_pad_end(struct dump *d)
{
	while (d->vol.records % (uint32_t)d->opt.ntrec != 0)
		if (stream_header(d, TS_END, d->src.maxino) == -1)
			return -1;
	return 0;
}

/* One map: a header whose c_count says how many map records follow. */
static int
stream_map(struct dump *d, int type, uint32_t ino, const uint8_t *map)
{
	struct s_spcl *h = &d->spcl;
	size_t i, nrec = d->map.size / TP_BSIZE;

	memset(&h->c_dinode, 0, sizeof(h->c_dinode));
	memset(h->c_addr, 0, sizeof(h->c_addr));
	h->c_dinode.di_size = d->map.size;
	h->c_count = (int32_t)nrec;
	if (stream_header(d, type, ino) == -1)
		return -1;
	for (i = 0; i < nrec; i++)
		if (stream_record(d, map + i * TP_BSIZE) == -1)
			return -1;
	return 0;
}

/* TS_CLRI (inodes in use) then TS_BITS (inodes on this dump). */
int
stream_maps(struct dump *d)
{
	if (stream_map(d, TS_CLRI, d->src.maxino, d->map.used) == -1)
		return -1;
	return stream_map(d, TS_BITS, EXT2_ROOT_INO, d->map.dump);
}

/* TS_END records until the last tape block is full (at least one). */
int
stream_end(struct dump *d)
{
	struct s_spcl *h = &d->spcl;

	/* Zero what restore would read as a per-volume inode table. */
	memset(&h->c_dinode, 0, sizeof(h->c_dinode));
	memset(h->c_addr, 0, sizeof(h->c_addr));
	h->c_count = 0;
	h->c_flags = DR_NEWINODEFMT;
	/* With -A, the first inode of each volume, as restore -t shows. */
	if (d->opt.archive != NULL)
		h->c_inos[1] = EXT2_ROOT_INO;
	if (stream_header(d, TS_END, d->src.maxino) == -1)
		return -1;
	return stream_pad_end(d);
}
