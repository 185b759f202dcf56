// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a volume holds before we write over it: nothing, something we
 * cannot read, a dump volume (whose header we parse ourselves, so the
 * answer does not depend on libmagic's wording), or other data (in
 * libmagic's words).  Only the first tape block is read, locally or
 * through rmt; a tape is rewound after it, so writing still starts at the
 * beginning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opdump.h"

/* Enough for the largest tape block dump writes (-b 1024). */
#define INSPECT_MAX	(1024 * TP_BSIZE)
#define INSPECT_FILE	(64 * TP_BSIZE)	/* libmagic needs no more */

/* Copy a fixed-size header field that may lack its NUL. */
static void
field(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = strnlen(src, slen);

	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The one-line summary, for the log and the dialogs. */
static void
summarize(struct onmedia *om)
{
	char date[64];

	switch (om->what) {
	case HOLDS_UNKNOWN:
		snprintf(om->text, sizeof(om->text), "not read (%s)", om->desc);
		break;
	case HOLDS_EMPTY:
		snprintf(om->text, sizeof(om->text), "nothing (%s)", om->desc);
		break;
	case HOLDS_UNREADABLE:
		snprintf(om->text, sizeof(om->text), "unreadable (%s)",
		    om->desc);
		break;
	case HOLDS_DUMP:
		/* The mount point when there is one, as dump prints it. */
		snprintf(om->text, sizeof(om->text), "a dump: %s volume %d, "
		    "level %d of %s%s%s%s on %s, dumped %s", om->label,
		    om->volume, om->level, om->dev, *om->filesys == '/' ?
		    " (" : "", *om->filesys == '/' ? om->filesys : "",
		    *om->filesys == '/' ? ")" : "", om->host,
		    ctime_nonl(om->date, date, sizeof(date)));
		break;
	case HOLDS_OTHER:
		snprintf(om->text, sizeof(om->text), "other data (%s)",
		    *om->desc != '\0' ? om->desc : "libmagic cannot say");
		break;
	}
}

/* A verdict that needs no reading: what, and desc for the operator. */
static void
holds(struct onmedia *om, enum holds what, const char *desc)
{
	memset(om, 0, sizeof(*om));
	om->what = what;
	snprintf(om->desc, sizeof(om->desc), "%s", desc);
	summarize(om);
}

/*
 * Classify the first len bytes of a volume.  A dump volume starts with
 * its TS_TAPE header; one that fails the checksum is "other data", with
 * libmagic's description, since we could not trust its fields.
 */
int
inspect_buffer(const void *buf, size_t len, struct onmedia *om)
{
	struct s_spcl h;
	char *desc;

	if (len == 0) {
		holds(om, HOLDS_EMPTY, "empty");
		return 0;
	}
	memset(om, 0, sizeof(*om));
	if (len >= TP_BSIZE) {
		memcpy(&h, buf, sizeof(h));
		if (tapefmt_valid(&h) && (h.c_type == TS_TAPE ||
		    h.c_type == TS_INODE || h.c_type == TS_ADDR)) {
			om->what = HOLDS_DUMP;
			field(om->label, sizeof(om->label), h.c_label, LBLSIZE);
			field(om->filesys, sizeof(om->filesys), h.c_filesys,
			    NAMELEN);
			field(om->dev, sizeof(om->dev), h.c_dev, NAMELEN);
			field(om->host, sizeof(om->host), h.c_host, NAMELEN);
			om->date = h.c_date;
			om->level = h.c_level;
			om->volume = h.c_volume;
		}
	}
	if (om->what != HOLDS_DUMP)
		om->what = HOLDS_OTHER;
	if ((desc = ident_describe_buf(buf, len)) != NULL) {
		snprintf(om->desc, sizeof(om->desc), "%s", desc);
		free(desc);
	}
	summarize(om);
	return 0;
}

/*
 * Read the start of path (a file, a tape, or a library's cartridge) into
 * buf: the bytes read, or -1 with errno.  A FIFO is not read (*fifo).
 */
static ssize_t
readfirst(const char *path, enum out_kind kind, uint8_t *buf, int *fifo)
{
	struct mtop rew = { MTREW, 1 };
	struct stat st;
	ssize_t n = 0, r;
	int fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		close(fd);
		*fifo = 1;
		return 0;
	}
	(void)fcntl(fd, F_SETFL, 0);
	/* A tape gives one block per read; of a file the start will do. */
	for (;;) {
		r = read(fd, buf + n, INSPECT_MAX - (size_t)n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if (kind == OUT_TAPE || n >= INSPECT_FILE)
			break;
	}
	err = errno;
	if (kind == OUT_TAPE)
		(void)ioctl(fd, MTIOCTOP, &rew);
	close(fd);
	errno = err;
	return r == -1 && n == 0 ? -1 : n;
}

/*
 * What volume n, to be written at name, holds now: a library's cartridge
 * or a local file or tape is read here, a remote volume through a session
 * of its own.  Pipes and standard output cannot be read back, so they
 * are not read.  Returns 0.
 */
int
inspect_volume(struct dump *d, const char *name, unsigned n,
    struct onmedia *om)
{
	char *path = NULL;
	uint8_t *buf;
	ssize_t got;
	int fifo = 0;

	if (d->vol.vtl == NULL && (strcmp(name, "-") == 0 ||
	    media_kind(name) == OUT_PIPE)) {
		holds(om, HOLDS_UNKNOWN, strcmp(name, "-") == 0 ?
		    "standard output" : "a pipe");
		return 0;
	}
	if ((d->vol.vtl != NULL && (path = vtl_path(d->vol.vtl, n)) == NULL) ||
	    (buf = malloc(INSPECT_MAX)) == NULL) {
		free(path);
		holds(om, HOLDS_UNREADABLE, "out of memory");
		return 0;
	}
	if (path != NULL)
		got = readfirst(path, OUT_FILE, buf, &fifo);
	else if (rmt_is_remote(name))
		got = rmt_readfirst(name, buf, INSPECT_MAX);
	else
		got = readfirst(name, media_kind(name), buf, &fifo);
	if (fifo)
		holds(om, HOLDS_UNKNOWN, "a pipe");
	else if (got == -1)
		holds(om, errno == ENOENT ? HOLDS_EMPTY : HOLDS_UNREADABLE,
		    errno == ENOENT ? "no such file yet" : strerror(errno));
	else
		inspect_buffer(buf, (size_t)got, om);
	free(buf);
	free(path);
	return 0;
}

/* Do a and b describe the same contents (the same dump volume)? */
int
inspect_same(const struct onmedia *a, const struct onmedia *b)
{
	if (a->what != b->what)
		return 0;
	if (a->what != HOLDS_DUMP)
		return strcmp(a->desc, b->desc) == 0;
	return a->date == b->date && a->volume == b->volume &&
	    strcmp(a->label, b->label) == 0 && strcmp(a->dev, b->dev) == 0;
}
