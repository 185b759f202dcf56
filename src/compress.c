// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compressed dumps, -z (zlib) and -j (bzip2), in the format restore 0.4b47
 * reads.  The first tape block of every volume is written as it is, so that
 * restore finds the TS_TAPE header (flagged DR_COMPRESSED) and its c_ntrec.
 * Every later block is a 32-bit little-endian prefix word and a payload:
 * bit 0 says the payload is compressed, bits 1-3 name the method (0 zlib,
 * 1 bzip2; 2 is LZO, which we do not write), bits 4-31 give the payload's
 * length.  The payload is one zlib stream (with its zlib header, as
 * uncompress() wants) or one bzip2 stream of the whole block; when that
 * would not save at least 16 bytes the block is stored as it is, with bit
 * 0 clear.  Blocks are variable length: one write(2) each on a tape.
 *
 * The slaves compress (ring.c calls compress_block), so compressing
 * overlaps with reading and writing.  This file also holds the volume
 * size rules for compressed output and the messages dump prints about it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <magic.h>
#include <zlib.h>

#include "opdump.h"

#define PREFIX_LEN	4	/* the prefix word before every block */
#define MIN_SAVING	16	/* smaller savings store the block as it is */
#define BZ_WORK		30	/* bzip2's workFactor, as dump uses */

/* One slave's compressor: a zlib stream is reset per block, not rebuilt. */
struct zctx {
	int		 method;
	int		 level;
	z_stream	 zs;
	int		 zinit;
};

/* The name dump prints for a method. */
const char *
compress_name(int method)
{
	return method == ZM_ZLIB ? "zlib" : method == ZM_BZIP2 ? "bzlib" :
	    "none";
}

/*
 * -z[level] and -j[level]: the level must be attached ("-z9", or "z9" in
 * the old key form) and lies from 1 to 9; dump's default is 2.
 */
int
compress_arg(struct options *o, int ch, const char *arg)
{
	const char *what = ch == 'z' ? "zlib" : "bzip2";

	if (o->zmethod != ZM_NONE && o->zmethod != (ch == 'z' ? ZM_ZLIB :
	    ZM_BZIP2)) {
		msg("-j and -z cannot be used together\n");
		return -1;
	}
	o->zmethod = ch == 'z' ? ZM_ZLIB : ZM_BZIP2;
	o->zlevel = ZLEVEL_DEFAULT;
	if (arg == NULL)
		return 0;
	if (arg[0] < '1' || arg[0] > '9' || arg[1] != '\0') {
		msg("bad %s compression level \"%s\": must be a number from 1 "
		    "to 9, attached to -%c (-%c9)\n", what, arg, ch, ch);
		return -1;
	}
	o->zlevel = arg[0] - '0';
	return 0;
}

/* A compressor for one slave; NULL when out of memory. */
struct zctx *
compress_open(int method, int level)
{
	struct zctx *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	z->method = method;
	z->level = level;
	if (method == ZM_ZLIB) {
		if (deflateInit(&z->zs, level) != Z_OK) {
			free(z);
			return NULL;
		}
		z->zinit = 1;
	}
	return z;
}

void
compress_close(struct zctx *z)
{
	if (z == NULL)
		return;
	if (z->zinit)
		deflateEnd(&z->zs);
	free(z);
}

static void
put_word(uint8_t *p, uint32_t w)
{
	p[0] = (uint8_t)w;
	p[1] = (uint8_t)(w >> 8);
	p[2] = (uint8_t)(w >> 16);
	p[3] = (uint8_t)(w >> 24);
}

/* Compress len bytes into at most cap bytes; the length, or 0 if no fit. */
static size_t
compress_try(struct zctx *z, const uint8_t *in, size_t len, uint8_t *out,
    size_t cap)
{
	unsigned int blen = (unsigned int)cap;

	if (z->method == ZM_BZIP2)
		return BZ2_bzBuffToBuffCompress((char *)out, &blen,
		    (char *)(uintptr_t)in, (unsigned int)len, z->level, 0,
		    BZ_WORK) == BZ_OK ? blen : 0;
	if (deflateReset(&z->zs) != Z_OK)
		return 0;
	z->zs.next_in = (Bytef *)(uintptr_t)in;
	z->zs.avail_in = (uInt)len;
	z->zs.next_out = out;
	z->zs.avail_out = (uInt)cap;
	/* Out of room before the end: the block does not compress. */
	return deflate(&z->zs, Z_FINISH) == Z_STREAM_END ? z->zs.total_out : 0;
}

/* Store a block as it is, behind its prefix word; the bytes to write. */
size_t
compress_store(struct zctx *z, const uint8_t *in, size_t len, uint8_t *out)
{
	uint32_t method = z->method == ZM_BZIP2 ? 1 : 0;

	memcpy(out + PREFIX_LEN, in, len);
	put_word(out, (uint32_t)len << 4 | method << 1);
	return len + PREFIX_LEN;
}

/*
 * Turn one tape block of len bytes into its prefixed form at out, which
 * has room for len + 4 bytes.  Returns the bytes to write.
 */
size_t
compress_block(struct zctx *z, const uint8_t *in, size_t len, uint8_t *out)
{
	uint32_t method = z->method == ZM_BZIP2 ? 1 : 0;
	size_t clen = 0;

	if (len > MIN_SAVING)
		clen = compress_try(z, in, len, out + PREFIX_LEN,
		    len - MIN_SAVING);
	if (clen == 0)
		return compress_store(z, in, len, out);
	put_word(out, (uint32_t)clen << 4 | method << 1 | 1);
	return clen + PREFIX_LEN;
}

/*
 * A slave's compression work (struct zwork, opdump.h): nothing to do
 * unless method is set.  The buffer takes a request of reqrec records as
 * blocks of ntrec, each with its word.  first says this slave writes the
 * volume's first block, which goes out as it is.  -1 when out of memory.
 */
int
compress_work_open(struct zwork *w, int method, int level, int reqrec,
    int ntrec, int first)
{
	size_t maxblk = (size_t)(reqrec / ntrec + 1);

	memset(w, 0, sizeof(*w));
	if (method == ZM_NONE)
		return 0;
	w->first = first;
	w->z = compress_open(method, level);
	w->buf = malloc((size_t)reqrec * TP_BSIZE + maxblk * PREFIX_LEN);
	w->len = malloc(maxblk * sizeof(*w->len));
	return w->z == NULL || w->buf == NULL || w->len == NULL ? -1 : 0;
}

void
compress_work_close(struct zwork *w)
{
	compress_close(w->z);
	free(w->buf);
	free(w->len);
	memset(w, 0, sizeof(*w));
}

/*
 * Is a block made of data the master marked as compressed already
 * (RING_OFF_RAW), at least half of it, headers aside?
 */
static int
work_raw(const int64_t *offs, int n)
{
	int i, raw = 0;

	for (i = 0; i < n; i++) {
		if (offs[i] >= 0 && !(offs[i] & (int64_t)RING_OFF_RAW))
			return 0;
		raw += offs[i] >= 0;
	}
	return raw * 2 >= n;
}

/*
 * Turn the nrec records at in (their source offsets in offs) into blocks
 * of ntrec records in their written form: w->len[0..w->nblk) bytes each,
 * one after the other in w->buf.
 */
void
compress_work(struct zwork *w, const uint8_t *in, const int64_t *offs,
    int nrec, int ntrec)
{
	size_t pos = 0, len;
	const uint8_t *p;
	int i, n;

	w->nblk = 0;
	for (i = 0; i < nrec; i += ntrec) {
		n = nrec - i < ntrec ? nrec - i : ntrec;
		len = (size_t)n * TP_BSIZE;
		p = in + (size_t)i * TP_BSIZE;
		if (w->first) {
			memcpy(w->buf + pos, p, len);
			w->len[w->nblk] = (uint32_t)len;
			w->first = 0;
		} else if (work_raw(offs + i, n)) {
			w->len[w->nblk] = (uint32_t)compress_store(w->z, p, len,
			    w->buf + pos);
		} else {
			w->len[w->nblk] = (uint32_t)compress_block(w->z, p, len,
			    w->buf + pos);
		}
		pos += w->len[w->nblk++];
	}
}

/*
 * The payload length a prefix word announces, or 0 when the word cannot
 * start a block of at most max bytes (a method we do not read, a stored
 * block that is not whole records).
 */
size_t
compress_prefix(const uint8_t *p, size_t max)
{
	uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	size_t len = w >> 4;
	unsigned method = w >> 1 & 7;

	if (len == 0 || len > max || method > 1 ||
	    (!(w & 1) && len % TP_BSIZE != 0))
		return 0;
	return len;
}

/*
 * Expand the block prefix+payload (payload of the length compress_prefix
 * gave) into out, which holds cap bytes.  Returns the bytes of records
 * there, a multiple of TP_BSIZE, or 0 with *why set.
 */
size_t
compress_decode(const uint8_t *blk, uint8_t *out, size_t cap,
    const char **why)
{
	uint32_t w = (uint32_t)blk[0] | (uint32_t)blk[1] << 8 |
	    (uint32_t)blk[2] << 16 | (uint32_t)blk[3] << 24;
	size_t len = w >> 4;
	uLongf zlen = cap;
	unsigned int blen = (unsigned int)cap;
	const uint8_t *p = blk + PREFIX_LEN;

	*why = NULL;
	if (!(w & 1)) {
		if (len > cap) {
			*why = "stored block larger than a tape block";
			return 0;
		}
		memcpy(out, p, len);
		return len;
	}
	if ((w >> 1 & 7) == 0) {
		if (uncompress(out, &zlen, p, len) != Z_OK)
			*why = "zlib data error";
		blen = (unsigned int)zlen;
	} else if (BZ2_bzBuffToBuffDecompress((char *)out, &blen,
	    (char *)(uintptr_t)p, (unsigned int)len, 0, 0) != BZ_OK) {
		*why = "bzip2 data error";
	}
	if (*why == NULL && (blen == 0 || blen % TP_BSIZE != 0))
		*why = "not whole records";
	return *why != NULL ? 0 : blen;
}

/*
 * Would the next block overflow the volume, with known stands for what the
 * slaves reported and pend blocks still on their way?  -B counts KiB of
 * output, prefixes included, as dump does; the tape length model counts
 * the gap per block and the bytes.  A pending block may take ntrec records
 * and its prefix, however well it compresses.
 */
static int
compress_over(struct dump *d, uint64_t blocks, uint64_t bytes, uint64_t pend)
{
	uint64_t worst = (uint64_t)d->opt.ntrec * TP_BSIZE + PREFIX_LEN;
	long size;

	bytes += (pend + 1) * worst;
	blocks += pend + 1;
	if (d->opt.nvolsizes > 0) {
		size = d->opt.volsizes[d->vol.number <=
		    (unsigned)d->opt.nvolsizes ? d->vol.number - 1 :
		    (unsigned)d->opt.nvolsizes - 1];
		return bytes > (uint64_t)size * TP_BSIZE;
	}
	return estimate_volume_full_bytes(d, blocks, bytes);
}

/*
 * volume_full() for compressed output, at a block boundary.  The sizes
 * of the blocks in flight are not known until the slaves report them, so
 * near the end of a volume the ring is drained first: the volume then
 * ends as close to its size as one block allows.  A failure found while
 * draining says full too; volume_switch() sees the failure and rolls
 * forward.
 */
int
compress_volume_full(struct dump *d)
{
	const struct ring_status *st = ring_status(d->ring);
	uint64_t pend = ring_pending(d->ring) / (uint64_t)d->opt.ntrec;

	if (st->failed != RING_OK)
		return 1;
	if (!compress_over(d, st->blocks, st->bytes, pend))
		return 0;
	if (pend == 0)
		return 1;
	if (ring_flush(d->ring) == -1)
		return 1;
	return compress_over(d, st->blocks, st->bytes, 0);
}

/* "Compressing output at transformation level N (zlib)". */
void
compress_report_start(const struct dump *d)
{
	if (d->opt.zmethod != ZM_NONE)
		msg("Compressing output at transformation level %d (%s)\n",
		    d->opt.zlevel, compress_name(d->opt.zmethod));
}

/* dump's ratio line: records in, KiB out. */
void
compress_report_ratio(const struct dump *d, const char *who,
    uint64_t records, uint64_t bytes)
{
	uint64_t kib = bytes / 1024;

	if (d->opt.zmethod == ZM_NONE)
		return;
	msg("%s%llukB uncompressed, %llukB compressed, %1.3f:1\n", who,
	    (unsigned long long)records, (unsigned long long)kib,
	    kib > 0 ? .0005 + (double)records / (double)kib : 0.0);
}

/*
 * What the master keeps to ask libmagic about files: the database, loaded
 * when the first file large enough comes, and its own descriptor on the
 * source.  Text checks are off: they are libmagic's slowest (2.5 ms
 * against 0.4 ms for 4 KiB here) and never say "compressed".
 */
struct zskip {
	magic_t		 m;
	int		 fd;
};

#define ZSKIP_MIN	(1024 * 1024)	/* smaller files are not asked about */
#define ZSKIP_FLAGS	(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_TEXT | \
	MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_TOKENS | \
	MAGIC_NO_CHECK_JSON | \
	MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ELF | \
	MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_APPTYPE)

/* Types whose data compresses no further; prefixes of MIME types. */
static const char *const zskip_types[] = {
	"application/gzip", "application/x-bzip2", "application/x-xz",
	"application/zstd", "application/x-lzip", "application/x-lzma",
	"application/x-7z-compressed", "application/zip", "application/x-rar",
	"application/vnd.rar", "image/jpeg", "image/png", "image/gif",
	"image/webp", "video/", "audio/mpeg", "audio/ogg", "audio/x-flac",
};

static void
zskip_open(struct dump *d)
{
	struct zskip *z = calloc(1, sizeof(*z));

	if ((d->zskip = z) == NULL)
		return;
	z->fd = open(d->src.device, O_RDONLY | O_CLOEXEC);
	if ((z->m = magic_open(ZSKIP_FLAGS)) != NULL &&
	    magic_load(z->m, NULL) != 0) {
		magic_close(z->m);
		z->m = NULL;
	}
	if (z->m == NULL)
		verbose(d, "libmagic unavailable: every block is compressed\n");
}

/*
 * Does a regular file of size bytes, whose first block is at source offset
 * off, hold data that is compressed already (libmagic on its first 4 KiB)?
 * Its blocks are then stored without trying.  Measured on 119 MB of gzip
 * files, -z took 0.29 s instead of 1.9 s and -j 1.5 s instead of 20 s,
 * for 0.1% more output; on 150 text files of 1 MiB the checks cost 0.3%
 * of the CPU time (see the README).
 */
int
compress_skip_file(struct dump *d, uint64_t size, int64_t off)
{
	uint8_t buf[4096];
	const char *mime;
	size_t i;

	if (d->opt.zmethod == ZM_NONE || size < ZSKIP_MIN)
		return 0;
	if (d->zskip == NULL)
		zskip_open(d);
	if (d->zskip == NULL || d->zskip->m == NULL || d->zskip->fd == -1 ||
	    pread(d->zskip->fd, buf, sizeof(buf), off) !=
	    (ssize_t)sizeof(buf) ||
	    (mime = magic_buffer(d->zskip->m, buf, sizeof(buf))) == NULL)
		return 0;
	for (i = 0; i < sizeof(zskip_types) / sizeof(zskip_types[0]); i++)
		if (strncmp(mime, zskip_types[i], strlen(zskip_types[i])) == 0)
			return 1;
	return 0;
}

/* Let go of libmagic and the descriptor; the master calls it at the end. */
void
compress_skip_free(struct dump *d)
{
	if (d->zskip == NULL)
		return;
	if (d->zskip->m != NULL)
		magic_close(d->zskip->m);
	if (d->zskip->fd != -1)
		close(d->zskip->fd);
	free(d->zskip);
	d->zskip = NULL;
}
