// SPDX-License-Identifier: BSD-2-Clause
/*
 * The output medium: a regular file, standard output or a FIFO (pipes),
 * or a character device (a tape, one write per block).  This file only
 * decides what the output is and opens and closes it; the slaves write.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "opdump.h"

/* What kind of output the -f name is, before anything is opened. */
void
media_probe(struct dump *d)
{
	struct stat st;

	if (strcmp(d->opt.tape, "-") == 0)
		d->out_kind = OUT_PIPE;
	else if (stat(d->opt.tape, &st) == 0 && S_ISCHR(st.st_mode))
		/* /dev/null and friends (major 1) are no tapes. */
		d->out_kind = major(st.st_rdev) == 1 ? OUT_FILE : OUT_TAPE;
	else if (stat(d->opt.tape, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		d->out_kind = OUT_PIPE;
	else
		d->out_kind = OUT_FILE;
}

/* The name dump prints for the output. */
const char *
media_name(const struct dump *d)
{
	return strcmp(d->opt.tape, "-") == 0 ? "standard output" : d->opt.tape;
}

/* Would opening the output (and truncating it) destroy the source? */
static int
media_is_source(const struct dump *d)
{
	struct stat out, src;

	if (stat(d->opt.tape, &out) == -1 || stat(d->src.device, &src) == -1)
		return 0;
	if (S_ISBLK(out.st_mode) && S_ISBLK(src.st_mode))
		return out.st_rdev == src.st_rdev;
	return out.st_dev == src.st_dev && out.st_ino == src.st_ino;
}

/* Open the output for writing; -1 after a message. */
int
media_open(struct dump *d)
{
	int flags = O_WRONLY | O_CLOEXEC;

	if (strcmp(d->opt.tape, "-") == 0) {
		d->outfd = STDOUT_FILENO;
		return 0;
	}
	if (media_is_source(d)) {
		msg("Cannot open output \"%s\": it is the filesystem being "
		    "dumped\n", d->opt.tape);
		return -1;
	}
	if (d->out_kind == OUT_FILE)
		flags |= O_CREAT | O_TRUNC;
	if ((d->outfd = open(d->opt.tape, flags, 0666)) == -1) {
		msg("Cannot open output \"%s\": %s\n", d->opt.tape,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Close the output; a failing close(2) means data may be lost. */
int
media_close(struct dump *d)
{
	int fd = d->outfd;

	d->outfd = -1;
	if (fd == -1 || fd == STDOUT_FILENO)
		return 0;
	msg("Closing %s\n", d->opt.tape);
	if (close(fd) == -1) {
		msg("error closing %s: %s\n", d->opt.tape, strerror(errno));
		return -1;
	}
	return 0;
}
