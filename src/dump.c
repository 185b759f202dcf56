// SPDX-License-Identifier: BSD-2-Clause
/*
 * The end of an engine process.  Every process of a dump (the checkpoint
 * kept for each volume and the one writing it) leaves through dump_exit():
 * it stops the slaves, frees the context and exits with dump's codes.
 * Nothing else in the engine calls exit(3).
 */
#include <stdlib.h>

#include "opdump.h"

static void
dump_free(struct dump *d)
{
	ring_free(d->ring);
	d->ring = NULL;
	volume_free(d);
	optr_free(d);
	policy_free(d);
	source_close(d);
	free(d->map.used);
	free(d->map.dump);
	free(d->map.dir);
	free(d->map.excl);
	free(d->host);
	args_free(&d->opt);
}

/*
 * An abort is announced once, by the process that saw it; a table of
 * contents is kept only while the dump may still succeed.
 */
void
dump_exit(struct dump *d, int code)
{
	if (code == X_ABORT && !d->quiet_exit)
		msg("The ENTIRE dump is aborted.\n");
	if (d->ring != NULL)
		ring_abort(d->ring);
	stream_toc_close(d, code != X_ABORT && code != X_STARTUP);
	ctl_server_stop(code);	/* the first process only */
	dump_free(d);
	exit(code);
}
