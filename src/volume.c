// SPDX-License-Identifier: BSD-2-Clause
/*
 * Volumes: which one comes next, when one is full, and what happens at
 * its end.  Before each volume the process forks.  The parent keeps the
 * dump as it was when the volume began and waits; if the volume has to be
 * written again the child exits X_REWRITE and the parent forks afresh from
 * there.  The child writes the volume, and at its end closes it, reads it
 * back (--verify), gets the next one ready (-F script or the operator) and
 * forks again.  After an end of media the records that did not make it
 * are rolled forward: the next volume starts with them, right after its
 * TS_TAPE header.  The record stream itself is stream.c's.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"

static const struct optr_choice ask_mount[] = {
	{ "yes", "Is the new volume mounted and ready to go?" },
	{ "abort", "Do you want to abort?" },
};
static const struct optr_choice ask_open[] = {
	{ "retry", "Do you want to retry the open?" },
	{ "abort", "Do you want to abort?" },
};
static const struct optr_choice ask_write[] = {
	{ "rewrite", "Do you want to rewrite this volume?" },
	{ "next", "Do you want to start the next tape?" },
	{ "abort", "Do you want to abort?" },
};
static const struct optr_choice ask_verify[] = {
	{ "rewrite", "Do you want to rewrite this volume?" },
	{ "next", "Do you want to go on with the next volume anyway?" },
	{ "abort", "Do you want to abort?" },
};
static const struct optr_choice ask_small[] = {
	{ "rewrite", "Do you want to rewrite this volume on new media?" },
	{ "abort", "Do you want to abort?" },
};

#define NCHOICES(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* The slaves' write(2) for the virtual tape library. */
static ssize_t
volume_vtl_write(void *arg, int fd, const void *buf, size_t len)
{
	struct dump *d = arg;

	return vtl_write(d->vol.vtl, d->vol.number, fd, buf, len);
}

/* The name of volume n: the library's file, NNN after the -M prefix, the
 * n-th name of a -f list (the last one again once it is used up), or the
 * one output named. */
static char *
volume_name(struct dump *d, unsigned n)
{
	const struct options *o = &d->opt;
	char *name;

	if (d->vol.vtl != NULL)
		return vtl_path(d->vol.vtl, n);
	if (o->multifile) {
		if (asprintf(&name, "%s%03u", o->tape, n) == -1)
			return NULL;
		return name;
	}
	return strdup(o->tapes[n <= (unsigned)o->ntapes ? n - 1 :
	    (unsigned)o->ntapes - 1]);
}

/* The name volume n will have, for the operator; NULL if out of memory. */
char *
volume_name_of(struct dump *d, unsigned n)
{
	return volume_name(d, n);
}

/* Ask, and abort the dump when nobody can answer. */
static int
volume_ask(struct dump *d, enum optr_kind kind, const char *context,
    const struct optr_choice *c, int n)
{
	int i = optr_ask(d, kind, context, c, n);

	if (i < 0 || strcmp(c[i].word, "abort") == 0)
		dump_exit(d, X_ABORT);
	return i;
}

/*
 * Keep this process as the checkpoint of the volume about to start: fork,
 * and in the parent wait for the child, exiting with its status or forking
 * again when it asks for the volume to be rewritten.  Returns in the child.
 */
static void
volume_checkpoint(struct dump *d)
{
	off_t toc = d->tocfd != -1 ? lseek(d->tocfd, 0, SEEK_CUR) : -1;
	int status;
	pid_t pid;

	for (;;) {
		fflush(NULL);
		if ((pid = fork()) == -1) {
			msg("Context save fork fails: %s\n", strerror(errno));
			dump_exit(d, X_ABORT);
		}
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			return;
		}
		/* ^C is for the process at work; this one only waits. */
		signal(SIGINT, SIG_IGN);
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR) {
				msg("waiting for volume %u: %s\n",
				    d->vol.number + 1, strerror(errno));
				dump_exit(d, X_ABORT);
			}
		if (WIFEXITED(status) && WEXITSTATUS(status) == X_REWRITE) {
			/* The table of contents goes back to that point too. */
			if (toc != -1 && (ftruncate(d->tocfd, toc) == -1 ||
			    lseek(d->tocfd, toc, SEEK_SET) == -1))
				msg("archive file: %s\n", strerror(errno));
			continue;
		}
		if (WIFEXITED(status)) {
			d->quiet_exit = 1;
			dump_exit(d, WEXITSTATUS(status) == X_FINOK ? X_FINOK :
			    X_ABORT);
		}
		msg("the process writing volume %u died: %s\n",
		    d->vol.number + 1, strsignal(WTERMSIG(status)));
		dump_exit(d, X_ABORT);
	}
}

/* Open the volume, asking the operator to retry while it fails. */
static void
volume_open(struct dump *d)
{
	struct volume *v = &d->vol;
	char why[512];

	for (;;) {
		policy_guard(d);
		if (media_is_source(d, v->name)) {
			msg("Cannot open output \"%s\": it is the filesystem "
			    "being dumped\n", v->name);
			dump_exit(d, X_ABORT);
		}
		if (media_open(d) == 0)
			return;
		snprintf(why, sizeof(why), "Cannot open output \"%s\": %s",
		    v->name, strerror(errno));
		volume_ask(d, Q_OPEN, why, ask_open, NCHOICES(ask_open));
	}
}

/* "Volume N started with block B at: ...", once its header is queued. */
void
volume_announce(struct dump *d)
{
	struct volume *v = &d->vol;
	long cap = estimate_volsize(d, v->number);
	char what[96];

	if (cap == 0 && v->vtl != NULL)
		cap = vtl_capacity(v->vtl, v->number);

	snprintf(what, sizeof(what), "Volume %u started with block %lu at: ",
	    v->number, (unsigned long)v->first_tapea + 1);
	msgdate(what, v->start);
	board_times(&d->st);
	board_volume_start(v->number, v->name, cap > 0 ? cap : d->vol_records,
	    v->first_tapea, v->number > 1 ? v->cont.c_inumber : EXT2_ROOT_INO,
	    v->start);
	if (board_get_state() == BD_CHANGING)
		board_state(BD_DUMPING);
	if (v->number > 1)
		msg("Volume %u begins with blocks from inode %u\n", v->number,
		    v->cont.c_inumber);
}

/* In the child of a checkpoint: open the next volume and start writing. */
static int
volume_start(struct dump *d)
{
	struct volume *v = &d->vol;
	uint64_t cap;

	v->number++;
	free(v->name);
	if ((v->name = volume_name(d, v->number)) == NULL) {
		msg("out of memory\n");
		dump_exit(d, X_ABORT);
	}
	v->kind = v->vtl != NULL ? OUT_TAPE : media_kind(v->name);
	if (d->opt.multifile || d->opt.ntapes > 1 || v->vtl != NULL)
		msg("Dumping volume %u on %s\n", v->number, v->name);
	volume_open(d);
	v->out.fd = v->fd;
	v->out.kind = v->kind;
	v->out.write = v->vtl != NULL ? volume_vtl_write : NULL;
	v->out.arg = d;
	d->ring = ring_start(&v->out, d->src.device, d->opt.nslaves,
	    d->opt.ntrec);
	if (d->ring == NULL) {
		msg("cannot start the slaves: %s\n", strerror(errno));
		dump_exit(d, X_ABORT);
	}
	cap = ring_capacity(d->ring) / (uint64_t)d->opt.ntrec + 2;
	if (cap > v->nsnap) {
		free(v->snap);
		if ((v->snap = calloc(cap, sizeof(*v->snap))) == NULL) {
			msg("out of memory\n");
			dump_exit(d, X_ABORT);
		}
		v->nsnap = cap;
	}
	v->records = 0;
	v->start = time(NULL);
	if (v->number == 1) {
		d->st.vol_start = v->start;
		v->first_tapea = 0;
		if (stream_tape(d) == -1)
			return -1;
		volume_announce(d);
		return 0;
	}
	return stream_tape_next(d);
}

/* Set up the volume machinery and start volume 1 (in a new process). */
int
volume_first(struct dump *d)
{
	struct volume *v = &d->vol;
	const char *t = d->opt.tape;

	v->fd = -1;
	if (strncmp(t, VTL_PREFIX, strlen(VTL_PREFIX)) == 0 &&
	    (v->vtl = vtl_open(t + strlen(VTL_PREFIX))) == NULL)
		return -1;
	if (d->opt.verify) {
		if ((v->verify = calloc(1, sizeof(*v->verify))) == NULL)
			return -1;
		verify_init(v->verify, d->spcl.c_date, d->spcl.c_ddate,
		    d->opt.ntrec);
	}
	volume_checkpoint(d);
	return volume_start(d);
}

/* Is the volume full before the next block?  Never for pipes. */
int
volume_full(struct dump *d)
{
	struct volume *v = &d->vol;
	long size;

	if (d->opt.unlimited || v->kind == OUT_PIPE)
		return 0;
	if ((size = estimate_volsize(d, v->number)) > 0)
		return v->records + (uint64_t)d->opt.ntrec > (uint64_t)size;
	return estimate_volume_full(d, v->records / (uint64_t)d->opt.ntrec);
}

/* Say why the ring stopped when it is not the medium's doing. */
static void
volume_report_ring(struct dump *d)
{
	const struct ring_status *st = ring_status(d->ring);

	switch (st->failed) {
	case RING_DIED:
		if (WIFSIGNALED(st->wstatus))
			msg("slave %d (pid %d) died: %s\n", st->slave, st->pid,
			    strsignal(WTERMSIG(st->wstatus)));
		else
			msg("slave %d (pid %d) died (exit %d)\n", st->slave,
			    st->pid, WEXITSTATUS(st->wstatus));
		break;
	case RING_SYSERR:
		msg("ring failure: %s\n", strerror(st->err));
		break;
	}
}

/* Ask for volume n, saying what its slot or file holds now if that can
 * be read (a drive is not read while the operator changes its tape). */
static void
volume_mount(struct dump *d, unsigned n, const char *why)
{
	struct onmedia om;

	policy_peek(d, n, &om);
	if (om.what != HOLDS_UNKNOWN) {
		msg("Volume %u now holds %s\n", n, om.text);
		d->asking = &om;
	}
	volume_ask(d, Q_MOUNT, why, ask_mount, NCHOICES(ask_mount));
	d->asking = NULL;
}

/*
 * The end-of-volume routine of dump: run the -F script, and unless it
 * says the next volume is ready (or -M or a -f list names it), ask the
 * operator to mount volume n.
 */
static void
volume_change(struct dump *d, unsigned n)
{
	const struct options *o = &d->opt;
	char *argv[4], num[16], why[PATH_MAX + 64];
	int status = 1 << 8;
	pid_t pid;

	if (o->eot_script != NULL) {
		msg("Launching %s\n", o->eot_script);
		snprintf(num, sizeof(num), "%u", d->vol.number);
		argv[0] = (char *)o->eot_script;
		argv[1] = d->vol.name;
		argv[2] = num;
		argv[3] = NULL;
		fflush(NULL);
		if ((pid = fork()) == 0) {
			/* No shell: the device name is an argument. */
			signal(SIGPIPE, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			execvp(argv[0], argv);
			msg("cannot run %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		while (pid > 0 && waitpid(pid, &status, 0) == -1 &&
		    errno == EINTR)
			;
		if (pid == -1 || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
			msg("Dump aborted by the end of tape script\n");
			dump_exit(d, X_ABORT);
		}
		if (WEXITSTATUS(status) == 0)
			return;
	}
	if (o->multifile || n <= (unsigned)o->ntapes)
		return;
	optr_broadcast(d, "CHANGE DUMP VOLUMES!\a\a\n");
	/* The context is dump's line; optr_ask() prints it. */
	if (o->eot_script != NULL) {
		msg("Change Volumes: Mount volume #%u\n", n);
		snprintf(why, sizeof(why), "The end of tape script %s asks for "
		    "the operator", o->eot_script);
		volume_ask(d, Q_SCRIPT, why, ask_mount, NCHOICES(ask_mount));
	} else {
		snprintf(why, sizeof(why), "Change Volumes: Mount volume #%u",
		    n);
		volume_mount(d, n, why);
	}
}

/* Give this volume up and have the checkpoint write it again. */
static void __attribute__((noreturn))
volume_rewrite(struct dump *d)
{
	if (d->ring != NULL)
		ring_abort(d->ring);
	(void)media_close(d);
	msg("Closing this volume.  Prepare to restart with new media;\n");
	msg("this dump volume will be rewritten.\n");
	volume_change(d, d->vol.number);
	d->quiet_exit = 1;
	dump_exit(d, X_REWRITE);
}

/* Read the volume back and check it; a failure is the operator's call. */
static void
volume_verify(struct dump *d, int last, uint64_t bytes)
{
	struct volume *v = &d->vol;
	char why[512], line[640];
	int fd, rc;

	if (v->verify == NULL || v->noverify)
		return;
	if ((fd = media_readback(d)) == -1) {
		msg("Cannot read %s back to verify it: %s\n", v->name,
		    strerror(errno));
		v->noverify = 1;
		return;
	}
	rc = verify_volume(v->verify, fd, v->number, last, bytes, why,
	    sizeof(why));
	close(fd);
	if (rc == 0) {
		msg("Volume %u verified\n", v->number);
		return;
	}
	snprintf(line, sizeof(line), "Volume %u failed verification: %s",
	    v->number, why);
	optr_broadcast(d, "DUMP VOLUME FAILED VERIFICATION!\n");
	if (volume_ask(d, Q_VERIFY, line, ask_verify,
	    NCHOICES(ask_verify)) == 0)
		volume_rewrite(d);
	msg("Verification is off for the rest of this dump\n");
	v->noverify = 1;
}

/* The figures dump prints for a finished volume. */
static void
volume_figures(struct dump *d, uint64_t records, time_t end)
{
	unsigned n = d->vol.number;
	long secs = (long)(end - d->vol.start);
	char what[64];

	snprintf(what, sizeof(what), "Volume %u completed at: ", n);
	msgdate(what, end);
	msg("Volume %u %llu blocks (%.2fMB)\n", n, (unsigned long long)records,
	    (double)records * TP_BSIZE / 1048576);
	board_volume_done(n, d->vol.name, d->vol.start, secs, records);
	if (secs > 0) {
		msg("Volume %u took %ld:%02ld:%02ld\n", n, secs / 3600,
		    secs % 3600 / 60, secs % 60);
		msg("Volume %u transfer rate: %llu kB/s\n", n,
		    (unsigned long long)records / (unsigned long long)secs);
	}
}

/* Close the volume that just ended, check it and account for it. */
static void
volume_end(struct dump *d, int last)
{
	struct volume *v = &d->vol;
	const struct ring_status *st = ring_status(d->ring);
	uint64_t records = st->bytes / TP_BSIZE;

	if (media_close(d) == -1)
		volume_rewrite(d);
	volume_verify(d, last, st->bytes);
	d->st.end = time(NULL);
	volume_figures(d, records, d->st.end);
	v->physrecs += records;
	v->bytes += st->bytes;
	d->st.readerrs += st->readerrs;
	ring_free(d->ring);
	d->ring = NULL;
}

/* A write error: rewrite the volume, go on with the next, or abort. */
static void
volume_werror(struct dump *d)
{
	const struct ring_status *st = ring_status(d->ring);
	char why[256];

	snprintf(why, sizeof(why), "write error %llu blocks into volume %u: "
	    "%s", (unsigned long long)(st->bytes / TP_BSIZE), d->vol.number,
	    strerror(st->err));
	optr_broadcast(d, "DUMP WRITE ERROR!\n");
	if (volume_ask(d, Q_WRITE, why, ask_write, NCHOICES(ask_write)) == 0)
		volume_rewrite(d);
}

/*
 * The volume could not take even its first block (or, for volume 1, the
 * header and the inode maps): rolling forward would get nowhere.
 */
static void
volume_toosmall(struct dump *d)
{
	char why[256];

	snprintf(why, sizeof(why), "End of media after %llu blocks of volume "
	    "%u: it cannot hold %s", (unsigned long long)(ring_status(
	    d->ring)->bytes / TP_BSIZE), d->vol.number, d->vol.number == 1 ?
	    "the header and the inode maps" : "one tape block");
	volume_ask(d, Q_TOOSMALL, why, ask_small, NCHOICES(ask_small));
	volume_rewrite(d);
}

/* Keep one record that must go on the next volume. */
static int
volume_keep(void *arg, int kind, const void *rec, uint64_t off)
{
	struct volume *v = arg;
	struct replay *r;
	uint8_t *b;

	if (v->nreplay == v->capreplay) {
		v->capreplay = v->capreplay ? v->capreplay * 2 : 256;
		if ((r = realloc(v->replay, v->capreplay * sizeof(*r))) == NULL)
			return -1;
		v->replay = r;
	}
	r = &v->replay[v->nreplay++];
	r->kind = kind;
	r->off = off;
	r->data = v->lenreplay_buf;
	if (kind == RING_REC_DISK)
		return 0;
	if (v->lenreplay_buf + TP_BSIZE > v->capreplay_buf) {
		v->capreplay_buf = v->capreplay_buf ? v->capreplay_buf * 2 :
		    64 * TP_BSIZE;
		if ((b = realloc(v->replay_buf, v->capreplay_buf)) == NULL)
			return -1;
		v->replay_buf = b;
	}
	memcpy(v->replay_buf + v->lenreplay_buf, rec, TP_BSIZE);
	v->lenreplay_buf += TP_BSIZE;
	return 0;
}

/*
 * The medium ended (or the operator chose to go on after a write error):
 * keep what did not make it, and the state of the block that failed.
 */
static void
volume_rollforward(struct dump *d)
{
	struct volume *v = &d->vol;
	const struct ring_status *st = ring_status(d->ring);
	uint64_t whole = st->blocks * (uint64_t)d->opt.ntrec;
	uint64_t minrec = (uint64_t)d->opt.ntrec;
	const struct blksnap *s;

	if (v->number == 1)
		minrec += 3 + 2 * d->map.size / TP_BSIZE;
	if (whole < minrec)
		volume_toosmall(d);
	s = &v->snap[st->blocks % v->nsnap];
	v->cont = s->hdr;
	v->cont_left = s->left;
	v->cont_tapea = s->tapea;
	v->cont_eom = 1;
	v->cont_dups = st->dups;
	v->firstrec = (uint32_t)(v->physrecs + whole);
	v->nreplay = 0;
	v->lenreplay_buf = 0;
	if (ring_replay(d->ring, volume_keep, v) == -1) {
		msg("out of memory\n");
		dump_exit(d, X_ABORT);
	}
}

/*
 * End this volume and go on with the next.  failed is 0 for a planned
 * break (the volume is full) and 1 when the ring reported a failure.
 * Returns in a new process, with the next volume started and whatever
 * did not fit on this one queued again.
 */
int
volume_switch(struct dump *d, int failed)
{
	struct volume *v = &d->vol;
	const struct ring_status *st;

	board_tapea(d->tapea, v->records);
	board_state(BD_CHANGING);
	if (!failed && ring_finish(d->ring) == 0) {
		v->cont = v->hdr;
		v->cont_left = v->left;
		v->cont_eom = 0;
		v->cont_dups = 0;
		v->firstrec = (uint32_t)(v->physrecs + v->records);
	} else {
		st = ring_status(d->ring);
		if (v->kind == OUT_PIPE || (st->failed != RING_EOM &&
		    st->failed != RING_WERR)) {
			if (st->failed == RING_EOM || st->failed == RING_WERR)
				msg("write error on %s: %s\n", v->name,
				    st->failed == RING_EOM ? "end of media" :
				    strerror(st->err));
			volume_report_ring(d);
			if (v->kind == OUT_PIPE)
				msg("Cannot recover\n");
			dump_exit(d, X_ABORT);
		}
		if (st->failed == RING_WERR)
			volume_werror(d);
		else
			msg("End of tape detected\n");
		volume_rollforward(d);
	}
	volume_end(d, 0);
	volume_change(d, v->number + 1);
	volume_checkpoint(d);
	return volume_start(d);
}

/* Write out the end of the dump, rolling it forward if the medium ends. */
int
volume_last(struct dump *d)
{
	while (ring_finish(d->ring) == -1)
		if (volume_switch(d, 1) == -1 || stream_pad_end(d) == -1)
			return -1;
	volume_end(d, 1);
	return 0;
}

/*
 * dump's periodic "N% done" line: tried at each block, printed at most
 * every five minutes and not before 500 records; the first try only arms
 * the timer, so short dumps print none.
 */
void
volume_progress(struct dump *d)
{
	time_t now = time(NULL);
	char buf[128];

	const char *who;

	board_tapea(d->tapea, d->vol.records);
	if ((who = board_abort_requested()) != NULL) {
		msg("Dump aborted by the operator (%s)\n", who);
		dump_exit(d, X_ABORT);
	}
	if (now < d->vol.tschedule)
		return;
	d->vol.tschedule = now + 300;
	if (estimate_progress(d, now, buf, sizeof(buf)) == 0)
		msg("%s", buf);
}

void
volume_free(struct dump *d)
{
	struct volume *v = &d->vol;

	free(v->name);
	free(v->snap);
	free(v->replay);
	free(v->replay_buf);
	vtl_free(v->vtl);
	if (v->verify != NULL)
		verify_free(v->verify);
	free(v->verify);
	memset(v, 0, sizeof(*v));
	v->fd = -1;
}
