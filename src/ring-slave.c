// SPDX-License-Identifier: BSD-2-Clause
/*
 * The slaves of the ring (see src/ring.c for the whole): each reads the
 * disk records of its block with its own descriptor, compresses it when
 * asked, waits for the token, writes, passes the token on and reports to
 * the master.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"
#include "ring.h"

/* write(2) all of buf, retrying short writes and EINTR. */
int
ring_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read(2) exactly len bytes; returns 0, 1 at end of file, or -1. */
int
ring_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The source as a slave reads it: mapped whole when it can be, so that the
 * many small runs of a block of small files cost a memcpy each instead of
 * a pread each.  A page that cannot be read raises SIGBUS; the handler
 * jumps back and the run is read again with pread, which reports the error
 * the usual way.  The pages copied are unmapped again after each block, so
 * the slave's resident size stays that of a block, not of the filesystem.
 * (Writing a block straight from the mapping with writev, without the
 * copy, was measured too: faster to /dev/null, but slower to tmpfs.)
 */
struct srcmap {
	int		 fd;
	const uint8_t	*base;		/* NULL: pread only */
	uint64_t	 size;
	uint64_t	 lo, hi;	/* span of pages mapped since the drop */
};

/*
 * Pages are unmapped in whole 2 MiB: a fault maps the kernel's fault-around
 * window (64 KiB), or all of a large folio of the page cache, up to a PMD.
 * With 64 KiB alignment the slaves' peak RSS grew with the data dumped
 * (6.5 MB for 128 MiB, 10 MB for 512 MiB).
 */
#define MAP_DROP_ALIGN	(2 * 1024 * 1024)

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void
on_sigbus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
srcmap_open(struct srcmap *m, int fd)
{
	struct sigaction sa;
	off_t end = lseek(fd, 0, SEEK_END);
	void *p;

	memset(m, 0, sizeof(*m));
	m->fd = fd;
	if (end <= 0 || (uint64_t)end > SIZE_MAX)
		return;
	p = mmap(NULL, (size_t)end, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return;
	(void)madvise(p, (size_t)end, MADV_SEQUENTIAL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sa.sa_flags = SA_NODEFER;	/* the jump out leaves it unblocked */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) == -1) {
		munmap(p, (size_t)end);
		return;
	}
	m->base = p;
	m->size = (uint64_t)end;
}

/* Unmap the pages copied since the last drop; the page cache keeps them. */
static void
srcmap_drop(struct srcmap *m)
{
	uint64_t lo = m->lo / MAP_DROP_ALIGN * MAP_DROP_ALIGN;
	uint64_t hi = (m->hi + MAP_DROP_ALIGN - 1) / MAP_DROP_ALIGN *
	    MAP_DROP_ALIGN;

	if (m->hi > m->lo) {
		if (hi > m->size)
			hi = m->size;
		(void)madvise((void *)(uintptr_t)(m->base + lo), (size_t)(hi - lo),
		    MADV_DONTNEED);
	}
	m->lo = m->hi = 0;
}

/* memcpy, or -1 when a page of src could not be read (SIGBUS). */
static int
copy_guarded(uint8_t *dst, const uint8_t *src, size_t len)
{
	bus_armed = 1;
	if (sigsetjmp(bus_jmp, 0) != 0) {
		bus_armed = 0;
		return -1;
	}
	memcpy(dst, src, len);
	bus_armed = 0;
	return 0;
}

/* Copy len bytes at off from the mapping; -1 when pread must do it. */
static int
srcmap_copy(struct srcmap *m, uint8_t *dst, uint64_t off, size_t len)
{
	if (m->base == NULL || off > m->size || len > m->size - off)
		return -1;
	if (copy_guarded(dst, m->base + off, len) == -1)
		return -1;
	if (m->hi == m->lo) {
		m->lo = off;
		m->hi = off + len;
	} else {
		m->lo = off < m->lo ? off : m->lo;
		m->hi = off + len > m->hi ? off + len : m->hi;
	}
	return 0;
}

/*
 * Fill the data records of a block from the source.  Records whose
 * offsets follow each other are copied (or read with one pread) together.
 * A failed or short read leaves zeros and is counted: the block still goes
 * out, as in dump.
 */
static void
slave_read(struct srcmap *m, int64_t *offs, uint8_t *block, int nrec,
    struct ring_result *r)
{
	int i = 0, j;
	ssize_t got;
	size_t len;
	uint8_t *dst;

	while (i < nrec) {
		if (offs[i] < 0) {
			i++;
			continue;
		}
		for (j = i + 1; j < nrec && offs[j] >= 0 &&
		    (offs[j] & OFF_MASK) == (offs[j - 1] & OFF_MASK) + TP_BSIZE;
		    j++)
			;
		len = (size_t)(j - i) * TP_BSIZE;
		dst = block + (size_t)i * TP_BSIZE;
		if (srcmap_copy(m, dst, (uint64_t)(offs[i] & OFF_MASK), len) == 0) {
			i = j;
			continue;
		}
		got = pread(m->fd, dst, len, offs[i] & OFF_MASK);
		if (got != (ssize_t)len) {
			memset(dst + (got > 0 ? got : 0), 0,
			    len - (size_t)(got > 0 ? got : 0));
			r->readerrs++;
			r->readerr_off = (uint64_t)(offs[i] & OFF_MASK);
		}
		i = j;
	}
	if (m->base != NULL)
		srcmap_drop(m);
}

/* The source offset of the last disk record of a block, or -1. */
static int64_t
slave_lastoff(const int64_t *offs, int nrec)
{
	while (nrec-- > 0)
		if (offs[nrec] >= 0)
			return offs[nrec] & OFF_MASK;
	return -1;
}

/*
 * Write len bytes, tape blocks of bsize.  A tape gets exactly one write(2)
 * per block; other outputs retry short writes.  A write of 0 bytes or
 * ENOSPC is end of media.
 */
static void
slave_write(const struct ring_out *out, const uint8_t *block, size_t len,
    size_t bsize, struct ring_result *r)
{
	size_t done = 0, want;
	enum out_kind kind = out->kind;
	ssize_t n;

	while (done < len) {
		/* A tape block is one write; a tail of a block is retried. */
		want = kind == OUT_TAPE ? bsize - done % bsize : len - done;
		if (want > len - done)
			want = len - done;
		n = out->write != NULL ?
		    out->write(out->arg, out->fd, block + done, want) :
		    write(out->fd, block + done, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || (n == -1 && errno == ENOSPC)) {
			r->status = RING_EOM;
			break;
		}
		if (n == -1) {
			r->status = RING_WERR;
			r->err = errno;
			break;
		}
		done += (size_t)n;
		if (kind == OUT_TAPE && (size_t)n < want) {
			r->status = RING_EOM;
			break;
		}
	}
	r->written = (int64_t)done;
}

/*
 * Write the compressed blocks, each with one write(2) on a tape.  Only
 * whole blocks count: restore cannot read a piece of one, so a piece that
 * reached a file (or the library) is cut off again, and the whole block
 * goes on the next volume.
 */
static void
slave_write_z(const struct ring_out *out, const struct zwork *w, int nrec,
    int ntrec, struct ring_result *r)
{
	off_t pos = lseek(out->fd, 0, SEEK_CUR);
	size_t off = 0;
	int k;

	for (k = 0; k < w->nblk; k++) {
		slave_write(out, w->buf + off, w->len[k], w->len[k], r);
		if (r->status != RING_OK) {
			if (r->written > 0 && pos != -1)
				(void)ftruncate(out->fd, pos + (off_t)off);
			break;
		}
		off += w->len[k];
		r->recs += (uint32_t)(nrec - k * ntrec < ntrec ?
		    nrec - k * ntrec : ntrec);
	}
	r->written = (int64_t)off;
}

/*
 * The body of a slave; never returns.  After a failed write it keeps the
 * token: the blocks behind its own must not reach this volume.
 */
void
slave_main(struct slave *s, int me, int src, int tokin, int tokout,
    const struct ring_out *out)
{
	struct ring_cmd c;
	struct ring_result r;
	struct zwork w;
	struct srcmap m;
	char tok;

	signal(SIGPIPE, SIG_IGN);	/* a vanished reader is a write error */
	signal(SIGINT, SIG_IGN);	/* the master decides about ^C */
	posix_fadvise(src, 0, 0, POSIX_FADV_SEQUENTIAL);
	srcmap_open(&m, src);
	if (compress_work_open(&w, out->zmethod, out->zlevel, s->reqrec,
	    s->ntrec, me == 0) == -1)
		_exit(SLAVE_NOMEM);
	board_slave(me, (int)getpid(), BS_IDLE);
	while (ring_read_full(s->cmd, &c, sizeof(c)) == 0 && c.op == CMD_WRITE) {
		memset(&r, 0, sizeof(r));
		board_slave(me, 0, BS_READING);
		slave_read(&m, s->offs, s->block, (int)c.nrec, &r);
		board_slave_io(me, slave_lastoff(s->offs, (int)c.nrec), 0);
		if (w.z != NULL)
			compress_work(&w, s->block, s->offs, (int)c.nrec,
			    s->ntrec);
		board_slave(me, 0, BS_WAITING);
		if (ring_read_full(tokin, &tok, 1) != 0)
			_exit(SLAVE_BROKEN);	/* the slave before us is gone */
		board_slave(me, 0, BS_WRITING);
		if (w.z != NULL) {
			slave_write_z(out, &w, (int)c.nrec, s->ntrec, &r);
		} else {
			slave_write(out, s->block, (size_t)c.nrec * TP_BSIZE,
			    (size_t)s->ntrec * TP_BSIZE, &r);
			r.recs = (uint32_t)(r.written / TP_BSIZE);
		}
		board_slave_io(me, -1, r.recs / (uint32_t)s->ntrec);
		board_slave(me, 0, r.status == RING_OK ? BS_IDLE :
		    r.status == RING_EOM ? BS_EOM : BS_ERROR);
		if ((r.status == RING_OK && ring_write_full(tokout, &tok, 1) == -1) ||
		    ring_write_full(s->res, &r, sizeof(r)) == -1)
			_exit(SLAVE_BROKEN);
	}
	compress_work_close(&w);
	_exit(0);
}

