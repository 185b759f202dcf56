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

/*
 * Before a record that opens a new tape block: is there room for the
 * block on this volume?  One volume is all this release writes.
 */
int
stream_room(struct dump *d)
{
	uint64_t blocks = d->tapea / (uint32_t)d->opt.ntrec;

	if (d->tapea == 0 || d->tapea % (uint32_t)d->opt.ntrec != 0 ||
	    !estimate_volume_full(d, blocks))
		return 0;
	msg("Volume 1 is full after %llu blocks; multi-volume dumps are not "
	    "supported yet\n", (unsigned long long)blocks);
	return -1;
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
	size_t done = 0;
	ssize_t n;

	if (d->tocfd == -1)
		return;
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

/*
 * Queue the persistent header as a record of type type for inode ino.
 * The caller has set c_dinode, c_count and c_addr.
 */
int
stream_header(struct dump *d, int type, uint32_t ino)
{
	struct s_spcl *h = &d->spcl;

	h->c_type = type;
	h->c_inumber = ino;
	h->c_tapea = d->tapea;
	h->c_flags |= DR_NEWINODEFMT;
	tapefmt_checksum(h);
	if (stream_room(d) == -1 || ring_put_inline(d->ring, h, 1) == -1)
		return -1;
	stream_toc(d, h, type);
	d->tapea++;
	return 0;
}

/* Queue one inline data record. */
int
stream_record(struct dump *d, const void *rec)
{
	if (stream_room(d) == -1 || ring_put_inline(d->ring, rec, 0) == -1)
		return -1;
	stream_toc(d, rec, 0);
	d->tapea++;
	return 0;
}

/* Queue one data record the slaves read from the source at off. */
int
stream_disk(struct dump *d, uint64_t off)
{
	if (stream_room(d) == -1 || ring_put_disk(d->ring, off) == -1)
		return -1;
	d->tapea++;
	return 0;
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
	h->c_flags = DR_NEWHEADER | DR_NEWINODEFMT;
	rc = stream_header(d, TS_TAPE, 0);
	h->c_flags = DR_NEWINODEFMT;
	return rc;
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
	int n = d->opt.ntrec - (int)(d->tapea % (uint32_t)d->opt.ntrec);

	/* Zero what restore would read as a per-volume inode table. */
	memset(&h->c_dinode, 0, sizeof(h->c_dinode));
	memset(h->c_addr, 0, sizeof(h->c_addr));
	h->c_count = 0;
	h->c_flags = DR_NEWINODEFMT;
	/* With -A, the first inode of each volume, as restore -t shows. */
	if (d->opt.archive != NULL)
		h->c_inos[1] = EXT2_ROOT_INO;
	while (n-- > 0)
		if (stream_header(d, TS_END, d->src.maxino) == -1)
			return -1;
	return 0;
}
