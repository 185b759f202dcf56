// SPDX-License-Identifier: BSD-2-Clause
/*
 * opdump's main(): parse the command line, open the source, map it, start
 * the volumes and run the passes, then report as dump does.  Processes end
 * in dump_exit() (dump.c); other functions return 0 or -1 after saying
 * why.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "opdump.h"
#include "board.h"

/* Settle defaults that depend on the output: the blocking factor. */
static void
settle_options(struct dump *d)
{
	struct options *o = &d->opt;

	media_probe(d);
	if (!o->bflag)
		o->ntrec = d->out_kind == OUT_TAPE ?
		    (o->density >= 625 ? 32 : NTREC_TAPE) : NTREC_FILE;
	estimate_volume(d);
}

/*
 * Volumes sized with -B must hold more than their first block, and volume
 * 1 its header and the inode maps as well: a break inside them would not
 * get anywhere.
 */
static int
settle_volumes(struct dump *d)
{
	long ntrec = d->opt.ntrec, need;
	int i;

	for (i = 0; i < d->opt.nvolsizes; i++) {
		need = 2 * ntrec;
		if (i == 0)
			need += (3 + 2 * (long)(d->map.size / TP_BSIZE) +
			    ntrec - 1) / ntrec * ntrec;
		if (estimate_volsize(d, (unsigned)i + 1) < need) {
			msg("-B %ld is too small: volume %d needs at least %ld "
			    "blocks with -b %ld\n",
			    d->opt.volsizes[i], i + 1, need, ntrec);
			return -1;
		}
	}
	return 0;
}

/* "Date of this level N dump: ...", as dump words it. */
static void
report_level(struct dump *d)
{
	char what[64];

	snprintf(what, sizeof(what), "Date of this level %d dump: ",
	    d->opt.level);
	msgdate(what, d->st.start);
}

static void
report_start(struct dump *d)
{
	char what[64];

	report_level(d);
	if (d->ddate != 0) {
		/* -T names no level: dump prints '?'. */
		snprintf(what, sizeof(what), "Date of last level %c dump: ",
		    d->lastlevel < 0 ? '?' : '0' + d->lastlevel);
		msgdate(what, d->ddate);
	}
	msg("Dumping %s (%s) to %s\n", d->src.device, d->src.filesys,
	    media_name(d));
	msg("Label: %s\n", d->spcl.c_label);
	msg("Writing %d Kilobyte records\n", d->opt.ntrec);
	verbose(d, "%d slaves, %s\n", d->opt.nslaves, d->src.magic ?
	    d->src.magic : "no libmagic description");
}

/* The figures dump prints when the dump is done. */
static void
report_end(struct dump *d)
{
	double mb = (double)d->tapea * TP_BSIZE / 1048576;
	long secs = (long)(d->st.end - d->st.vol_start - d->st.waited);
	long kbs = secs > 0 ? (long)(d->vol.bytes / 1024 / (uint64_t)secs) : 0;

	if (d->out_kind == OUT_PIPE)
		msg("%u blocks (%.2fMB)\n", d->tapea, mb);
	else
		msg("%u blocks (%.2fMB) on %u volume(s)\n", d->tapea, mb,
		    d->vol.number);
	if (secs <= 0)
		msg("finished in less than a second\n");
	else
		msg("finished in %ld seconds, throughput %ld kBytes/sec\n",
		    secs, (long)(d->tapea / (unsigned long)secs));
	if (d->st.readerrs)
		msg("%u read errors on %s; their records hold zeros\n",
		    d->st.readerrs, d->src.device);
	report_level(d);
	msgdate("Date this dump completed:  ", d->st.end);
	msg("Average transfer rate: %ld kB/s\n", kbs);
	if (d->opt.archive != NULL)
		msg("Archiving dump to %s\n", d->opt.archive);
}

/* Volume 1 from its header, through every volume, to the trailer. */
static int
write_dump(struct dump *d)
{
	if (volume_first(d) == -1 || stream_maps(d) == -1 ||
	    traverse_dump(d, 1) == -1 || traverse_dump(d, 0) == -1 ||
	    stream_end(d) == -1 || volume_last(d) == -1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct dump d;
	char host[NAMELEN];
	int rc;

	memset(&d, 0, sizeof(d));
	d.vol.fd = -1;
	d.tocfd = -1;
	signal(SIGPIPE, SIG_IGN);	/* a dead slave is an error, not a kill */
	add_error_table(&et_ext2_error_table);
	if ((rc = args_parse(&d.opt, argc, argv)) != 0) {
		args_free(&d.opt);
		exit(rc == 1 ? X_FINOK : X_STARTUP);
	}
	if (d.opt.lastdump) {
		rc = lastdump_report(&d.opt);
		args_free(&d.opt);
		exit(rc == 0 ? X_FINOK : X_STARTUP);
	}
	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	d.host = strdup(host);
	d.st.start = time(NULL);
	if (board_init(&d) == -1 || ctl_server_start(&d) == -1)
		dump_exit(&d, X_STARTUP);
	/* Before -S silences us: dump reports dumpdates trouble even then. */
	if (dumpdates_since(&d) == -1 || policy_load(&d) == -1)
		dump_exit(&d, X_STARTUP);
	msg_silence(d.opt.estimate_only);
	settle_options(&d);
	if (source_open(&d) == -1 ||
	    (d.opt.archive != NULL && !d.opt.estimate_only &&
	    stream_toc_open(&d) == -1))
		dump_exit(&d, X_STARTUP);
	stream_init(&d);
	board_hello(&d);
	if (!d.opt.estimate_only)
		report_start(&d);
	if (traverse_map(&d) == -1)
		dump_exit(&d, X_ABORT);
	if (d.opt.estimate_only) {
		printf("%lld\n", (long long)(d.st.estimate + 1 + d.opt.ntrec) *
		    TP_BSIZE);
		dump_exit(&d, X_FINOK);
	}
	estimate_report(&d);
	if (settle_volumes(&d) == -1 || optr_init(&d) == -1)
		dump_exit(&d, X_STARTUP);
	board_times(&d.st);
	if (write_dump(&d) == -1)
		dump_exit(&d, X_ABORT);
	stream_toc_close(&d, 1);
	board_state(BD_FINISHING);
	report_end(&d);
	if (d.opt.update && dumpdates_update(&d) == -1)
		dump_exit(&d, X_ABORT);
	msg("DUMP IS DONE\n");
	dump_exit(&d, X_FINOK);
}
