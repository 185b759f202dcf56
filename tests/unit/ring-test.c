// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for ring.c: records reach the output in queue order whatever
 * the number of slaves and the mix of inline and disk records; contiguous
 * and scattered offsets read right; end of media, write errors and a dead
 * slave come back as status, never as a hang; a source that shrinks under
 * the slaves' mapping gives read errors, not a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opdump.h"
#include "testhelp.h"

#define SRC_RECS	256

static char srcpath[] = "/tmp/ring-test-src.XXXXXX";
static char outpath[] = "/tmp/ring-test-out.XXXXXX";

/* Every source record is filled with its record number. */
static void
make_source(void)
{
	uint32_t rec[TP_BSIZE / 4];
	int fd = mkstemp(srcpath), i, j;

	for (i = 0; i < SRC_RECS; i++) {
		for (j = 0; j < TP_BSIZE / 4; j++)
			rec[j] = (uint32_t)i;
		if (write(fd, rec, sizeof(rec)) != sizeof(rec))
			abort();
	}
	close(fd);
	close(mkstemp(outpath));
}

/* Record k of the stream: inline (tag 0x80000000|k) or source record. */
static int64_t
pattern(int k)
{
	if (k % 7 == 0)
		return -1;
	if (k % 11 < 5)
		return (k * 37) % SRC_RECS;	/* scattered */
	return k % SRC_RECS;			/* runs of contiguous ones */
}

static void
run_order(int nslaves, int ntrec, int nrec)
{
	uint32_t rec[TP_BSIZE / 4], want;
	struct ring *r;
	int fd, k, j, bad = 0;

	struct ring_out out = { -1, OUT_FILE, NULL, NULL, ZM_NONE, 0 };

	fd = open(outpath, O_WRONLY | O_TRUNC);
	out.fd = fd;
	r = ring_start(&out, srcpath, nslaves, ntrec);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	for (k = 0; k < nrec; k++) {
		if (pattern(k) < 0) {
			for (j = 0; j < TP_BSIZE / 4; j++)
				rec[j] = 0x80000000U | (uint32_t)k;
			CHECK_EQ(ring_put_inline(r, rec, 0), 0);
		} else {
			CHECK_EQ(ring_put_disk(r, (uint64_t)pattern(k) *
			    TP_BSIZE), 0);
		}
	}
	CHECK_EQ(ring_finish(r), 0);
	CHECK_EQ(ring_status(r)->bytes, (uint64_t)nrec * TP_BSIZE);
	ring_free(r);
	close(fd);
	fd = open(outpath, O_RDONLY);
	for (k = 0; k < nrec; k++) {
		if (read(fd, rec, sizeof(rec)) != sizeof(rec)) {
			bad++;
			break;
		}
		want = pattern(k) < 0 ? 0x80000000U | (uint32_t)k :
		    (uint32_t)pattern(k);
		if (rec[0] != want || rec[255] != want)
			bad++;
	}
	CHECK(read(fd, rec, 1) == 0);
	close(fd);
	CHECK_EQ(bad, 0);
}

static void
test_order(void)
{
	run_order(1, 1, 50);
	run_order(3, 10, 1000);
	run_order(8, 4, 1000);
	run_order(2, 64, 640);
	run_order(3, 10, 995);		/* a partial last block */
}

static void
test_eom(void)
{
	uint8_t rec[TP_BSIZE] = { 0 };
	struct ring *r;
	int fd = open("/dev/full", O_WRONLY), k, rc = 0;
	struct ring_out out = { fd, OUT_FILE, NULL, NULL, ZM_NONE, 0 };

	if (fd == -1)
		return;
	r = ring_start(&out, srcpath, 3, 2);
	for (k = 0; k < 100 && rc == 0; k++)
		rc = ring_put_inline(r, rec, 0);
	if (rc == 0)
		rc = ring_finish(r);
	CHECK_EQ(rc, -1);
	CHECK_EQ(ring_status(r)->failed, RING_EOM);
	ring_abort(r);
	ring_free(r);
	close(fd);
}

static void
test_werr(void)
{
	uint8_t rec[TP_BSIZE] = { 0 };
	struct ring *r;
	int p[2], k, rc = 0;

	if (pipe(p) == -1)
		return;
	struct ring_out out = { p[1], OUT_PIPE, NULL, NULL, ZM_NONE, 0 };

	close(p[0]);			/* the reader is gone: EPIPE */
	r = ring_start(&out, srcpath, 3, 2);
	for (k = 0; k < 100 && rc == 0; k++)
		rc = ring_put_inline(r, rec, 0);
	if (rc == 0)
		rc = ring_finish(r);
	CHECK_EQ(rc, -1);
	CHECK_EQ(ring_status(r)->failed, RING_WERR);
	CHECK_EQ(ring_status(r)->err, EPIPE);
	ring_abort(r);
	ring_free(r);
	close(p[1]);
}

static void
test_dead_slave(void)
{
	uint8_t rec[TP_BSIZE] = { 0 };
	struct ring *r;
	int fd = open("/dev/null", O_WRONLY), k, rc = 0;
	struct ring_out out = { fd, OUT_FILE, NULL, NULL, ZM_NONE, 0 };
	pid_t victim;

	r = ring_start(&out, srcpath, 3, 2);
	victim = ring_slave_pid(r, 1);
	CHECK(victim > 0);
	kill(victim, SIGKILL);
	for (k = 0; k < 1000 && rc == 0; k++)
		rc = ring_put_inline(r, rec, 0);
	if (rc == 0)
		rc = ring_finish(r);
	CHECK_EQ(rc, -1);
	CHECK_EQ(ring_status(r)->failed, RING_DIED);
	CHECK_EQ(ring_status(r)->pid, victim);
	CHECK(WIFSIGNALED(ring_status(r)->wstatus));
	ring_abort(r);
	ring_free(r);
	close(fd);
	/* No process of the ring is left behind. */
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* A medium of cap records: a short write of what fits, then ENOSPC. */
static ssize_t
cap_write(void *arg, int fd, const void *buf, size_t len)
{
	off_t pos = lseek(fd, 0, SEEK_CUR), cap = *(off_t *)arg * TP_BSIZE;

	if (pos >= cap) {
		errno = ENOSPC;
		return -1;
	}
	if (pos + (off_t)len > cap)
		len = (size_t)(cap - pos);
	return write(fd, buf, len);
}

struct replayed {
	int		 n;
	int		 bad;
	int		 next;		/* stream record expected next */
};

static int
check_replayed(void *arg, int kind, const void *rec, uint64_t off)
{
	struct replayed *rp = arg;
	const uint32_t *w = rec;
	int k = rp->next++;

	rp->n++;
	if (pattern(k) < 0)
		rp->bad += kind != RING_REC_INLINE ||
		    w[0] != (0x80000000U | (uint32_t)k);
	else
		rp->bad += kind != RING_REC_DISK ||
		    off != (uint64_t)pattern(k) * TP_BSIZE;
	return 0;
}

/*
 * End of media in the middle of a block: the whole blocks stay, the
 * records of the cut block are counted as duplicates, and ring_replay
 * hands back every record from that block on, in order.
 */
static void
run_replay(enum out_kind kind, int ntrec, off_t cap, int nrec)
{
	uint32_t rec[TP_BSIZE / 4];
	struct ring_out out = { -1, kind, cap_write, &cap, ZM_NONE, 0 };
	struct replayed rp = { 0, 0, 0 };
	const struct ring_status *st;
	struct ring *r;
	int fd, k, j, rc = 0;

	fd = open(outpath, O_WRONLY | O_TRUNC);
	out.fd = fd;
	r = ring_start(&out, srcpath, 3, ntrec);
	for (k = 0; k < nrec && rc == 0; k++) {
		if (pattern(k) < 0) {
			for (j = 0; j < TP_BSIZE / 4; j++)
				rec[j] = 0x80000000U | (uint32_t)k;
			rc = ring_put_inline(r, rec, 0);
		} else {
			rc = ring_put_disk(r, (uint64_t)pattern(k) * TP_BSIZE);
		}
	}
	if (rc == 0)
		rc = ring_finish(r);
	else
		k--;			/* that record was not queued */
	st = ring_status(r);
	CHECK_EQ(rc, -1);
	CHECK_EQ(st->failed, RING_EOM);
	CHECK_EQ(st->blocks, cap / ntrec);
	CHECK_EQ(st->dups, cap % ntrec);
	rp.next = (int)(st->blocks * (uint64_t)ntrec);
	CHECK_EQ(ring_replay(r, check_replayed, &rp), 0);
	CHECK_EQ(rp.bad, 0);
	CHECK_EQ(rp.next, k);
	CHECK_EQ(lseek(fd, 0, SEEK_END), cap * TP_BSIZE);
	ring_free(r);
	close(fd);
}

static void
test_replay(void)
{
	run_replay(OUT_FILE, 4, 301, 2000);
	run_replay(OUT_FILE, 10, 700, 700 + 3);
	run_replay(OUT_TAPE, 10, 453, 2000);
	run_replay(OUT_TAPE, 2, 100, 2000);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/*
 * The source shrinks under the slaves, which mapped it whole when they
 * started: the pages past the new end raise SIGBUS, the slave reads them
 * again with pread, and they go out as zeros counted as read errors.
 */
static void
test_shrunk(void)
{
	char path[] = "/tmp/ring-test-shrink.XXXXXX";
	uint32_t rec[TP_BSIZE / 4], want;
	struct ring_out out = { -1, OUT_TAPE, NULL, NULL, ZM_NONE, 0 };
	struct ring *r;
	int fd = mkstemp(path), src = open(srcpath, O_RDONLY), k, bad = 0;

	for (k = 0; k < SRC_RECS; k++)
		if (read(src, rec, sizeof(rec)) != sizeof(rec) ||
		    write(fd, rec, sizeof(rec)) != sizeof(rec))
			abort();
	close(src);
	out.fd = open(outpath, O_WRONLY | O_TRUNC);
	r = ring_start(&out, path, 2, 8);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	/* A block each (a "tape" takes no batches), so both have mapped it. */
	for (k = 0; k < 16; k++)
		CHECK_EQ(ring_put_disk(r, (uint64_t)k * TP_BSIZE), 0);
	CHECK_EQ(ring_flush(r), 0);
	CHECK_EQ(ftruncate(fd, SRC_RECS / 2 * TP_BSIZE), 0);
	for (; k < SRC_RECS; k++)
		CHECK_EQ(ring_put_disk(r, (uint64_t)k * TP_BSIZE), 0);
	CHECK_EQ(ring_finish(r), 0);
	CHECK(ring_status(r)->readerrs > 0);
	ring_free(r);
	close(out.fd);
	close(fd);
	unlink(path);
	fd = open(outpath, O_RDONLY);
	for (k = 0; k < SRC_RECS; k++) {
		want = k < SRC_RECS / 2 ? (uint32_t)k : 0;
		if (read(fd, rec, sizeof(rec)) != sizeof(rec) ||
		    rec[0] != want || rec[255] != want)
			bad++;
	}
	close(fd);
	CHECK_EQ(bad, 0);
}

static void
test_cleanup(void)
{
	unlink(srcpath);
	unlink(outpath);
}

static void
test_setup(void)
{
	make_source();
}

TEST_MAIN(test_setup, test_order, test_eom, test_werr, test_dead_slave,
    test_replay, test_shrunk, test_cleanup)
