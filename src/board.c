// SPDX-License-Identifier: BSD-2-Clause
/*
 * The status board (include/board.h): shared memory mapped once, before
 * any fork, when a console or a status stream is asked for.  Every call
 * here is a few atomic stores, and does nothing when there is no board,
 * so the engine publishes unconditionally and pays nothing without a
 * console.  The board lives in this file's one pointer because slaves and
 * msg() have no struct dump at hand; it is set once and inherited.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "opdump.h"
#include "board.h"

static struct board *bd;

const char *const board_slave_words[] = {
	CTL_SL_IDLE, CTL_SL_READING, CTL_SL_WAITING, CTL_SL_WRITING,
	CTL_SL_EOM, CTL_SL_ERROR, CTL_SL_GONE,
};
const char *const board_state_words[] = {
	CTL_ST_STARTING, CTL_ST_MAPPING, CTL_ST_DUMPING, CTL_ST_WAITING,
	CTL_ST_VOLUME, CTL_ST_FINISHING, CTL_ST_DONE, CTL_ST_ABORTED,
};

/* Map the board if the options ask for a console or a status stream. */
int
board_init(struct dump *d)
{
	void *p;
	int i;

	if (d->opt.control == NULL && d->opt.statusfd == -1)
		return 0;
	p = mmap(NULL, sizeof(struct board), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		msg("Cannot map the status board: %s\n", strerror(errno));
		return -1;
	}
	bd = p;
	bd->top_pid = (int32_t)getpid();
	bd->hello.version = CTL_VERSION;
	bd->hello.pid = getpid();
	bd->hello.uid = geteuid();
	bd->hello.level = d->opt.level;
	snprintf(bd->hello.tape, sizeof(bd->hello.tape), "%s",
	    d->opt.tape != NULL ? d->opt.tape : "");
	snprintf(bd->hello.label, sizeof(bd->hello.label), "%s",
	    d->opt.label != NULL ? d->opt.label : "");
	snprintf(bd->hello.device, sizeof(bd->hello.device), "%s",
	    d->opt.source != NULL ? d->opt.source : "");
	for (i = 0; i < BOARD_SLAVES; i++)
		atomic_store(&bd->slave[i].addr, -1);
	return 0;
}

struct board *
board_get(void)
{
	return bd;
}

/* The dump's description, once the source is open and settled. */
void
board_hello(struct dump *d)
{
	struct ctl_hello *h;
	char uuid[SOURCE_UUIDLEN];

	if (bd == NULL)
		return;
	h = &bd->hello;
	h->date = d->spcl.c_date;
	h->ddate = d->ddate;
	h->ntrec = d->opt.ntrec;
	h->nslaves = d->opt.nslaves;
	h->blocksize = d->src.blocksize;
	snprintf(h->host, sizeof(h->host), "%s", d->host ? d->host : "");
	if (d->src.device != NULL)
		snprintf(h->device, sizeof(h->device), "%s", d->src.device);
	snprintf(h->filesys, sizeof(h->filesys), "%s",
	    d->src.filesys ? d->src.filesys : "");
	snprintf(h->magic, sizeof(h->magic), "%s",
	    d->src.magic ? d->src.magic : "");
	snprintf(h->policy, sizeof(h->policy), "%s",
	    policy_path(d) ? policy_path(d) : "");
	if (d->src.fs != NULL) {
		const struct ext2_super_block *sb = d->src.fs->super;

		snprintf(h->volname, sizeof(h->volname), "%.*s",
		    (int)sizeof(sb->s_volume_name), sb->s_volume_name);
		source_uuid(d, uuid, sizeof(uuid));
		snprintf(h->uuid, sizeof(h->uuid), "%s", uuid);
	}
	atomic_store(&bd->nslaves, d->opt.nslaves);
	atomic_fetch_add(&bd->hello_gen, 1);
}

void
board_state(int state)
{
	if (bd != NULL)
		atomic_store(&bd->state, state);
}

int
board_get_state(void)
{
	return bd != NULL ? atomic_load(&bd->state) : -1;
}

void
board_pass(int pass)
{
	if (bd == NULL)
		return;
	atomic_store(&bd->pass, pass);
	atomic_store(&bd->state, pass <= 2 ? BD_MAPPING : BD_DUMPING);
}

void
board_ino(uint32_t ino)
{
	if (bd != NULL)
		atomic_store_explicit(&bd->ino, ino, memory_order_relaxed);
}

/* The records queued: in the dump and on the volume. */
void
board_tapea(uint64_t tapea, uint64_t volrecs)
{
	if (bd == NULL)
		return;
	atomic_store_explicit(&bd->tapea, (int64_t)tapea,
	    memory_order_relaxed);
	atomic_store_explicit(&bd->vol_records, (int64_t)volrecs,
	    memory_order_relaxed);
}

void
board_times(const struct stats *st)
{
	if (bd == NULL)
		return;
	atomic_store(&bd->estimate, st->estimate);
	atomic_store(&bd->vol_start, st->vol_start);
	atomic_store(&bd->waited, st->waited);
}

void
board_slave(int i, int pid, int state)
{
	if (bd == NULL || i < 0 || i >= BOARD_SLAVES)
		return;
	if (pid != 0)
		atomic_store(&bd->slave[i].pid, pid);
	atomic_store_explicit(&bd->slave[i].state, state,
	    memory_order_relaxed);
}

void
board_slave_io(int i, int64_t addr, int64_t blocks)
{
	if (bd == NULL || i < 0 || i >= BOARD_SLAVES)
		return;
	if (addr >= 0)
		atomic_store_explicit(&bd->slave[i].addr,
		    addr / (bd->hello.blocksize > 0 ? bd->hello.blocksize : 1),
		    memory_order_relaxed);
	if (blocks > 0)
		atomic_fetch_add_explicit(&bd->slave[i].blocks, blocks,
		    memory_order_relaxed);
}

/* A volume begins: what the tape panel shows.  The generation is odd
 * while the text is changed so the server never reads half of it. */
void
board_volume_start(unsigned number, const char *name, long capacity,
    uint32_t tapea, uint32_t firstino, time_t start)
{
	struct ctl_tape *t;

	if (bd == NULL)
		return;
	t = &bd->tape;
	atomic_fetch_add(&bd->tape_gen, 1);
	t->volume = number;
	t->capacity = capacity;
	t->tapea = tapea;
	t->firstino = firstino;
	t->started = start;
	/* A remote volume: the panel shows its host apart from its path. */
	rmt_host(name ? name : "", t->host, sizeof(t->host));
	snprintf(t->device, sizeof(t->device), "%s", name ? rmt_path(name) :
	    "");
	atomic_fetch_add(&bd->tape_gen, 1);
}

/* A volume is finished: a history row. */
void
board_volume_done(unsigned number, const char *name, time_t start,
    time_t took, uint64_t records)
{
	struct ctl_volume *v;
	uint32_t n;

	if (bd == NULL)
		return;
	n = atomic_load(&bd->nvolumes);
	v = &bd->volume[n % BOARD_VOLUMES];
	memset(v, 0, sizeof(*v));
	v->volume = number;
	v->started = start;
	v->took = took;
	v->records = (int64_t)records;
	v->rate = took > 0 ? (int64_t)records / took : 0;
	snprintf(v->device, sizeof(v->device), "%s", name ? name : "");
	atomic_store(&bd->nvolumes, n + 1);
}

/* One of the engine's messages, for the log pane. */
void
board_log(const char *text)
{
	struct board_log *l;
	uint64_t n;
	size_t len;

	if (bd == NULL)
		return;
	n = atomic_fetch_add(&bd->log_next, 1);
	l = &bd->log[n % BOARD_LOGS];
	atomic_store(&l->seq, 0);
	l->time = time(NULL);
	len = strcspn(text, "\n");
	snprintf(l->text, sizeof(l->text), "%.*s", (int)len, text);
	atomic_store(&l->seq, n + 1);
}

void
board_alert(const char *text)
{
	size_t len;

	if (bd == NULL)
		return;
	len = strcspn(text, "\a\n");
	snprintf(bd->alert, sizeof(bd->alert), "%.*s", (int)len, text);
	atomic_fetch_add(&bd->alert_seq, 1);
}

/* An operator confirmed an abort on a console; who, for the message. */
const char *
board_abort_requested(void)
{
	if (bd == NULL || !atomic_load_explicit(&bd->abort_req,
	    memory_order_relaxed))
		return NULL;
	return bd->abort_by[0] != '\0' ? bd->abort_by : "the console";
}

/* The first process is leaving with this status: tell the server. */
void
board_end(int status)
{
	if (bd == NULL || bd->top_pid != (int32_t)getpid())
		return;
	atomic_store(&bd->state, status == X_FINOK ? BD_DONE : BD_ABORTED);
	atomic_store(&bd->exit_status, status);
	atomic_store(&bd->ended, 1);
}
