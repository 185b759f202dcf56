// SPDX-License-Identifier: BSD-2-Clause
/*
 * The output medium of one volume: a regular file, standard output or a
 * FIFO (pipes), a character device (a tape, one write per block), a
 * volume of the virtual tape library, or a remote one (media-rmt.c).
 * This file decides what a name is and opens, closes and reopens volumes
 * for reading back; the slaves write and volume.c decides which volume
 * comes next.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "opdump.h"

/* What kind of output a name is, before anything is opened. */
enum out_kind
media_kind(const char *name)
{
	struct stat st;

	if (strcmp(name, "-") == 0)
		return OUT_PIPE;
	if (strncmp(name, VTL_PREFIX, strlen(VTL_PREFIX)) == 0)
		return OUT_TAPE;	/* the library behaves like a drive */
	if (rmt_is_remote(name))
		return OUT_TAPE;	/* it may be one; one write per block */
	if (stat(name, &st) == 0 && S_ISCHR(st.st_mode))
		/* /dev/null and friends (major 1) are no tapes. */
		return major(st.st_rdev) == 1 ? OUT_FILE : OUT_TAPE;
	if (stat(name, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode)))
		return OUT_PIPE;
	return OUT_FILE;
}

/* The kind of the first output, which settles the blocking factor. */
void
media_probe(struct dump *d)
{
	d->out_kind = media_kind(d->opt.tape);
}

/* The name dump prints for the output ("DEV on host HOST" if remote). */
const char *
media_name(const struct dump *d)
{
	static char remote[PATH_MAX + 300];
	const char *name = d->vol.name != NULL ? d->vol.name : d->opt.tape;
	char host[256];

	if (strcmp(d->opt.tape, "-") == 0)
		return "standard output";
	if (!rmt_is_remote(name))
		return name;
	snprintf(remote, sizeof(remote), "%s on host %s", rmt_path(name),
	    rmt_host(name, host, sizeof(host)));
	return remote;
}

/* Would opening name (and truncating it) destroy the source? */
int
media_is_source(const struct dump *d, const char *name)
{
	struct stat out, src;

	if (stat(name, &out) == -1 || stat(d->src.device, &src) == -1)
		return 0;
	if (S_ISBLK(out.st_mode) && S_ISBLK(src.st_mode))
		return out.st_rdev == src.st_rdev;
	return out.st_dev == src.st_dev && out.st_ino == src.st_ino;
}

/*
 * Open the current volume (d->vol.name, d->vol.kind) for writing.  Returns
 * -1 with errno set and prints nothing: the caller asks the operator.
 */
int
media_open(struct dump *d)
{
	struct volume *v = &d->vol;
	int flags = O_WRONLY | O_CLOEXEC;

	if (v->vtl != NULL)
		v->fd = vtl_load(v->vtl, v->number);
	else if (rmt_is_remote(v->name)) {
		v->rmt = rmt_open(v->name, flags | O_CREAT | O_TRUNC);
		v->fd = v->rmt != NULL ? rmt_fd(v->rmt) : -1;
	} else if (strcmp(v->name, "-") == 0)
		v->fd = STDOUT_FILENO;
	else {
		if (v->kind == OUT_FILE)
			flags |= O_CREAT | O_TRUNC;
		v->fd = open(v->name, flags, 0666);
	}
	return v->fd == -1 ? -1 : 0;
}

/* Close the volume; a failing close(2) means data may be lost. */
int
media_close(struct dump *d)
{
	struct volume *v = &d->vol;
	int fd = v->fd, rc;

	v->fd = -1;
	if (fd == -1 || fd == STDOUT_FILENO)
		return 0;
	msg("Closing %s\n", v->name);
	if (v->rmt != NULL) {
		rc = rmt_close(v->rmt);
		v->rmt = NULL;
	} else
		rc = v->vtl != NULL ? vtl_unload(v->vtl, v->number, fd) :
		    close(fd);
	if (rc == -1) {
		msg("error closing %s: %s\n", v->name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Open the volume just closed for reading it back, from its start: a tape
 * is rewound first.  -1 with errno set when the medium cannot be reread
 * (a pipe).
 */
int
media_readback(struct dump *d)
{
	struct volume *v = &d->vol;
	struct mtop rew = { MTREW, 1 };
	int fd;

	if (v->vtl != NULL)
		return vtl_readback(v->vtl, v->number);
	if (v->kind == OUT_PIPE) {
		errno = ESPIPE;
		return -1;
	}
	if (rmt_is_remote(v->name))
		return rmt_readback(v->name, (size_t)d->opt.ntrec * TP_BSIZE);
	if ((fd = open(v->name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (v->kind == OUT_TAPE)
		(void)ioctl(fd, MTIOCTOP, &rew);
	return fd;
}
