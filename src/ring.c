// SPDX-License-Identifier: BSD-2-Clause
/*
 * The slave ring.  The master fills a request of tape blocks at a time in
 * a slave's shared buffer: inline records (headers, converted directories)
 * are copied in, data records are left as source offsets.  The slave
 * copies those from its own mapping of the source (see ring-slave.c), waits
 * for the token, writes, passes the token on and reports back.  So
 * one slave writes while the others read, and blocks reach the volume in
 * exactly the order the master queued them.
 *
 * Everything travels over pipes as small fixed messages; no signals.  The
 * master polls every slave's result pipe, so a slave that dies is noticed
 * (its pipe reports end of file) instead of leaving the ring waiting.
 *
 * A slave whose write fails (end of media or an error) keeps the token, so
 * nothing after its block reaches the volume; the master can then list the
 * records that did not make it (ring_replay) and roll them forward onto the
 * next volume.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"
#include "ring.h"

/*
 * Requests of about 1 MiB: on 120000 small files at -b 64, requests of
 * 256 KiB took 20% more wall time (a round of pipes and wakeups per 256
 * KiB), and 2 MiB gained nothing more.
 */
#define RING_REQ_BYTES	(1024 * 1024)

struct ring {
	struct slave	*sl;
	int		 n;
	int		 ntrec;		/* records per tape block */
	int		 reqrec;	/* records per request: whole blocks */
	int		 cur;		/* slave being filled */
	int		 fill;		/* records in its block */
	int		 oldest;	/* the slave whose result is due */
	int		 inflight;
	uint64_t	 queued;	/* records queued on this volume */
	uint64_t	 replay;	/* first record not on the volume */
	int		 failed_slave;	/* whose write failed */
	const struct ring_out *out;
	struct ring_status st;
};

/*
 * The descriptors of the ring, as created before any fork: per slave a
 * command pipe, a result pipe, a token pipe and its own source descriptor.
 * Each slave closes all but its own; the master keeps only its ends.
 */
struct ring_fds {
	int		 cmd[2];
	int		 res[2];
	int		 tok[2];
	int		 src;
};

static void
fds_close_all(struct ring_fds *f, int n, int except_slave)
{
	int i, next;

	for (i = 0; i < n; i++) {
		next = (i + 1) % n;
		if (i != except_slave) {
			close(f[i].cmd[0]);
			close(f[i].res[1]);
			close(f[i].src);
		}
		/* Slave k reads tok[k] and writes tok[k+1]. */
		if (i != except_slave)
			close(f[i].tok[0]);
		if (except_slave < 0 || next != (except_slave + 1) % n)
			close(f[next].tok[1]);
		close(f[i].cmd[1]);
		close(f[i].res[0]);
	}
}

static void *
shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Create buffers, pipes and source descriptors; -1 with errno set. */
static int
ring_setup(struct ring *r, struct ring_fds *f, const char *srcpath)
{
	int i;

	for (i = 0; i < r->n; i++) {
		struct slave *s = &r->sl[i];

		s->offs = shared_alloc((size_t)r->reqrec * sizeof(int64_t));
		s->block = shared_alloc((size_t)r->reqrec * TP_BSIZE);
		if (s->offs == NULL || s->block == NULL ||
		    pipe2(f[i].cmd, O_CLOEXEC) == -1 ||
		    pipe2(f[i].res, O_CLOEXEC) == -1 ||
		    pipe2(f[i].tok, O_CLOEXEC) == -1 ||
		    (f[i].src = open(srcpath, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
	}
	return 0;
}

/*
 * How many tape blocks one request carries.  A tape gets one write per
 * block whatever we do, but a file or a pipe only sees a byte stream: there
 * small blocks (-b 10) are gathered into requests of about RING_REQ_BYTES,
 * so the token and the pipes go round once per request, not per block.
 */
int
ring_batch(int ntrec, enum out_kind kind)
{
	int batch = RING_REQ_BYTES / (ntrec * TP_BSIZE);

	return kind == OUT_TAPE || batch < 1 ? 1 : batch;
}

/*
 * Start n slaves writing ntrec-record blocks to out, each reading the
 * source through its own descriptor on srcpath.  Returns NULL with errno
 * set on failure; no process is left behind.  out must stay valid until
 * ring_free().
 */
struct ring *
ring_start(const struct ring_out *out, const char *srcpath, int n, int ntrec)
{
	enum out_kind kind = out->kind;
	struct ring *r;
	struct ring_fds *f;
	int i, saved;
	char tok = 'T';

	/* A dead slave's command pipe must give EPIPE, not kill the master. */
	signal(SIGPIPE, SIG_IGN);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->sl = calloc((size_t)n, sizeof(*r->sl));
	f = malloc((size_t)n * sizeof(*f));
	if (r->sl == NULL || f == NULL) {
		free(f);
		ring_free(r);
		return NULL;
	}
	memset(f, -1, (size_t)n * sizeof(*f));
	r->n = n;
	r->ntrec = ntrec;
	r->reqrec = ntrec * ring_batch(ntrec, kind);
	r->out = out;
	/* A pipe the size of a request takes a slave's write in one go, not
	 * 16 rounds of waking the reader with 64 KiB. */
	if (kind == OUT_PIPE && out->write == NULL)
		(void)fcntl(out->fd, F_SETPIPE_SZ, RING_REQ_BYTES);
	for (i = 0; i < n; i++)
		r->sl[i].cmd = r->sl[i].res = -1;
	if (ring_setup(r, f, srcpath) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		r->sl[i].ntrec = ntrec;
		r->sl[i].reqrec = r->reqrec;
		if ((r->sl[i].pid = fork()) == -1)
			goto fail;
		if (r->sl[i].pid == 0) {
			struct slave me = r->sl[i];
			int src = f[i].src, tokin = f[i].tok[0];
			int tokout = f[(i + 1) % n].tok[1];

			/* The slave keeps its own ends and nothing else. */
			fds_close_all(f, n, i);
			me.cmd = f[i].cmd[0];
			me.res = f[i].res[1];
			free(f);
			free(r->sl);
			free(r);
			slave_main(&me, i, src, tokin, tokout, out);
		}
	}
	for (i = 0; i < n; i++) {
		r->sl[i].cmd = f[i].cmd[1];
		r->sl[i].res = f[i].res[0];
		f[i].cmd[1] = f[i].res[0] = -1;
	}
	/* Slave 0 holds the token first. */
	if (ring_write_full(f[0].tok[1], &tok, 1) == -1)
		goto fail;
	fds_close_all(f, n, -1);
	free(f);
	return r;
fail:
	saved = errno;
	fds_close_all(f, n, -1);
	free(f);
	ring_abort(r);
	ring_free(r);
	errno = saved;
	return NULL;
}

/* Record why the ring stopped, once: the first failure is the cause. */
static int
ring_fail(struct ring *r, int why, int err, int slave)
{
	if (r->st.failed == RING_OK) {
		r->st.failed = why;
		r->st.err = err;
		r->st.slave = slave;
		r->st.pid = r->sl[slave].pid;
	}
	return -1;
}

/*
 * Slave i has gone away.  When one slave dies the others follow, as the
 * token no longer comes round: reap every slave that has ended and blame
 * the one whose end was not caused by the others'.
 */
static int
broken(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == SLAVE_BROKEN;
}

static int
ring_died(struct ring *r, int i)
{
	int j, tries, status, blame = i, bstatus = 0;

	if (r->sl[i].pid > 0 && waitpid(r->sl[i].pid, &bstatus, 0) > 0)
		r->sl[i].pid = -r->sl[i].pid;
	/* The culprit may close its pipes a moment before it is waitable. */
	for (tries = 0; tries < 100 && broken(bstatus); tries++) {
		for (j = 0; j < r->n; j++) {
			if (r->sl[j].pid <= 0 ||
			    waitpid(r->sl[j].pid, &status, WNOHANG) <= 0)
				continue;
			r->sl[j].pid = -r->sl[j].pid;
			if (!broken(status)) {
				blame = j;
				bstatus = status;
			}
		}
		if (broken(bstatus))
			usleep(10000);
	}
	if (r->st.failed == RING_OK) {
		ring_fail(r, RING_DIED, 0, blame);
		r->st.wstatus = bstatus;
		r->st.pid = r->sl[blame].pid < 0 ? -r->sl[blame].pid :
		    r->sl[blame].pid;
	}
	for (j = 0; j < r->n; j++)
		if (r->sl[j].pid < 0)
			r->sl[j].pid = 0;	/* reaped */
	return -1;
}

/*
 * Wait for the result of the oldest block in flight, watching every
 * slave so that the death of any of them ends the wait.
 */
static int
ring_collect(struct ring *r)
{
	struct pollfd pfd[NSLAVES_MAX];
	struct ring_result res;
	struct slave *s = &r->sl[r->oldest];
	int i, rc;

	for (;;) {
		for (i = 0; i < r->n; i++) {
			pfd[i].fd = r->sl[i].res;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)r->n, -1) == -1) {
			if (errno == EINTR)
				continue;
			return ring_fail(r, RING_SYSERR, errno, r->oldest);
		}
		for (i = 0; i < r->n; i++)
			if (i != r->oldest && (pfd[i].revents & POLLHUP) &&
			    !(pfd[i].revents & POLLIN))
				return ring_died(r, i);
		if (pfd[r->oldest].revents & (POLLIN | POLLHUP | POLLERR))
			break;
	}
	if ((rc = ring_read_full(s->res, &res, sizeof(res))) != 0)
		return rc == 1 ? ring_died(r, r->oldest) :
		    ring_fail(r, RING_SYSERR, errno, r->oldest);
	s->busy = 0;
	r->inflight--;
	r->oldest = (r->oldest + 1) % r->n;
	r->st.bytes += (uint64_t)res.written;
	r->st.records += res.recs;
	r->st.readerrs += res.readerrs;
	if (res.readerrs)
		r->st.readerr_off = res.readerr_off;
	r->st.blocks += res.recs / (uint32_t)r->ntrec;
	if (res.status != RING_OK) {
		/* Whole records of a block cut short: restore skips them.
		 * A compressed block is never kept in part. */
		r->st.dups = r->out->zmethod != ZM_NONE ? 0 :
		    res.recs % (uint32_t)r->ntrec;
		r->replay = s->first + res.recs / (uint32_t)r->ntrec *
		    (uint64_t)r->ntrec;
		r->failed_slave = (int)(s - r->sl);
		return ring_fail(r, res.status, res.err, r->failed_slave);
	}
	return 0;
}

/* Hand the block being filled to its slave. */
static int
ring_dispatch(struct ring *r)
{
	struct ring_cmd c = { CMD_WRITE, (uint32_t)r->fill };
	struct slave *s = &r->sl[r->cur];

	if (ring_write_full(s->cmd, &c, sizeof(c)) == -1)
		return ring_died(r, r->cur);
	s->busy = 1;
	s->nrec = (uint32_t)r->fill;
	s->first = r->queued - (uint64_t)r->fill;
	r->inflight++;
	r->fill = 0;
	r->cur = (r->cur + 1) % r->n;
	return 0;
}

/* Make sure the current slave's buffer is free before writing into it. */
static int
ring_slot(struct ring *r)
{
	if (r->st.failed != RING_OK)
		return -1;
	while (r->fill == 0 && r->sl[r->cur].busy)
		if (ring_collect(r) == -1)
			return -1;
	return 0;
}

/* Queue one inline record: converted data, or a header if hdr is set. */
int
ring_put_inline(struct ring *r, const void *rec, int hdr)
{
	struct slave *s;

	if (ring_slot(r) == -1)
		return -1;
	s = &r->sl[r->cur];
	memcpy(s->block + (size_t)r->fill * TP_BSIZE, rec, TP_BSIZE);
	s->offs[r->fill++] = hdr ? OFF_HEADER : OFF_INLINE;
	r->queued++;
	return r->fill == r->reqrec ? ring_dispatch(r) : 0;
}

/* Queue one data record that the slave reads at offset off. */
int
ring_put_disk(struct ring *r, uint64_t off)
{
	if (ring_slot(r) == -1)
		return -1;
	r->sl[r->cur].offs[r->fill++] = (int64_t)off;
	r->queued++;
	return r->fill == r->reqrec ? ring_dispatch(r) : 0;
}

/* Hand fn the records of one buffer from index i on; stop at its error. */
static int
ring_replay_buf(struct slave *s, uint32_t i, uint32_t n, ring_replay_fn fn,
    void *arg)
{
	int64_t off;

	for (; i < n; i++) {
		off = s->offs[i];
		if (fn(arg, off == OFF_HEADER ? RING_REC_HEADER : off < 0 ?
		    RING_REC_INLINE : RING_REC_DISK,
		    s->block + (size_t)i * TP_BSIZE,
		    off < 0 ? 0 : (uint64_t)off) == -1)
			return -1;
	}
	return 0;
}

/*
 * After a write failed (end of media or a write error): hand fn, in stream
 * order, every record queued on this volume that is not on it, from the
 * first record of the block that failed.  Those blocks wait for a token
 * that will not come, so their buffers are stable; the slaves are stopped
 * first all the same.  Inline records are passed by address (valid until
 * ring_free()), data records by source offset.
 */
int
ring_replay(struct ring *r, ring_replay_fn fn, void *arg)
{
	int i = r->failed_slave, k;
	struct slave *s;

	if (r->st.failed != RING_EOM && r->st.failed != RING_WERR)
		return -1;
	ring_abort(r);
	for (k = 0; k < r->n; k++, i = (i + 1) % r->n) {
		s = &r->sl[i];
		if (k > 0 && !s->busy)
			break;
		if (ring_replay_buf(s, (uint32_t)(k == 0 ? r->replay - s->first :
		    0), s->nrec, fn, arg) == -1)
			return -1;
	}
	if (r->fill > 0)
		return ring_replay_buf(&r->sl[r->cur], 0, (uint32_t)r->fill, fn,
		    arg);
	return 0;
}

/* Records queued on this volume whose fate the slaves have not told. */
uint64_t
ring_pending(const struct ring *r)
{
	return r->queued - r->st.records;
}

/*
 * Hand over the block being filled and wait until every block in flight
 * is written.  Returns 0, or -1 when the ring failed (ring_status says
 * why); the slaves keep running.
 */
int
ring_flush(struct ring *r)
{
	if (r->fill > 0 && r->st.failed == RING_OK && ring_dispatch(r) == -1)
		return -1;
	while (r->inflight > 0 && r->st.failed == RING_OK)
		if (ring_collect(r) == -1)
			break;
	return r->st.failed == RING_OK ? 0 : -1;
}

/* Records of one volume that can be in flight at once, at most. */
uint64_t
ring_capacity(const struct ring *r)
{
	return (uint64_t)(r->n + 1) * (uint64_t)r->reqrec;
}

const struct ring_status *
ring_status(const struct ring *r)
{
	return &r->st;
}

/*
 * Flush a partial block, wait for every block to be written, and stop
 * the slaves.  Returns 0 when everything reached the output.
 */
int
ring_finish(struct ring *r)
{
	struct ring_cmd quit = { CMD_QUIT, 0 };
	int i, status;

	if (ring_flush(r) == -1) {
		ring_abort(r);
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		(void)ring_write_full(r->sl[i].cmd, &quit, sizeof(quit));
		close(r->sl[i].cmd);
		r->sl[i].cmd = -1;
	}
	for (i = 0; i < r->n; i++) {
		if (r->sl[i].pid <= 0 || waitpid(r->sl[i].pid, &status, 0) <= 0)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			r->st.wstatus = status;
			ring_fail(r, RING_DIED, 0, i);
		}
		r->sl[i].pid = 0;
	}
	return r->st.failed == RING_OK ? 0 : -1;
}

/* Stop every slave now; used on failure and abort. */
void
ring_abort(struct ring *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->sl[i].pid > 0)
			kill(r->sl[i].pid, SIGKILL);
	for (i = 0; i < r->n; i++) {
		if (r->sl[i].pid > 0)
			(void)waitpid(r->sl[i].pid, NULL, 0);
		r->sl[i].pid = 0;
	}
}

void
ring_free(struct ring *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; r->sl != NULL && i < r->n; i++) {
		if (r->sl[i].cmd != -1)
			close(r->sl[i].cmd);
		if (r->sl[i].res != -1)
			close(r->sl[i].res);
		if (r->sl[i].offs != NULL)
			munmap(r->sl[i].offs, (size_t)r->reqrec * sizeof(int64_t));
		if (r->sl[i].block != NULL)
			munmap(r->sl[i].block, (size_t)r->reqrec * TP_BSIZE);
	}
	free(r->sl);
	free(r);
}

/* The pid of slave i, for status displays and tests. */
int
ring_slave_pid(const struct ring *r, int i)
{
	return i >= 0 && i < r->n ? r->sl[i].pid : -1;
}
