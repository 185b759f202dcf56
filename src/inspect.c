// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a volume holds before we write over it: nothing, something we
 * cannot read, a dump volume (whose header we parse ourselves, so the
 * answer does not depend on libmagic's wording), or other data (in
 * libmagic's words).  Only the first tape block is read; a tape is
 * rewound after it, so writing still starts at the beginning.
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

	memset(om, 0, sizeof(*om));
	if (len == 0) {
		om->what = HOLDS_EMPTY;
		snprintf(om->desc, sizeof(om->desc), "empty");
		summarize(om);
		return 0;
	}
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

/* Read the start of path (a file, a tape, or a library's cartridge). */
static void
inspect_path(const char *path, enum out_kind kind, struct onmedia *om)
{
	struct mtop rew = { MTREW, 1 };
	struct stat st;
	uint8_t *buf;
	ssize_t n = 0, r;
	int fd, err;

	memset(om, 0, sizeof(*om));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		err = errno;
		om->what = err == ENOENT ? HOLDS_EMPTY : HOLDS_UNREADABLE;
		snprintf(om->desc, sizeof(om->desc), "%s",
		    err == ENOENT ? "no such file yet" : strerror(err));
		summarize(om);
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		close(fd);
		om->what = HOLDS_UNKNOWN;
		snprintf(om->desc, sizeof(om->desc), "a pipe");
		summarize(om);
		return;
	}
	(void)fcntl(fd, F_SETFL, 0);
	if ((buf = malloc(INSPECT_MAX)) == NULL) {
		close(fd);
		om->what = HOLDS_UNREADABLE;
		snprintf(om->desc, sizeof(om->desc), "out of memory");
		summarize(om);
		return;
	}
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
	if (r == -1 && n == 0) {
		om->what = HOLDS_UNREADABLE;
		snprintf(om->desc, sizeof(om->desc), "%s", strerror(err));
		summarize(om);
	} else
		inspect_buffer(buf, (size_t)n, om);
	free(buf);
}

/*
 * What volume n, to be written at name, holds now.  Pipes and standard
 * output cannot be read back, so they are not read.  Returns 0.
 */
int
inspect_volume(struct dump *d, const char *name, unsigned n,
    struct onmedia *om)
{
	char *path;

	if (d->vol.vtl != NULL) {
		if ((path = vtl_path(d->vol.vtl, n)) == NULL) {
			memset(om, 0, sizeof(*om));
			om->what = HOLDS_UNREADABLE;
			snprintf(om->desc, sizeof(om->desc), "out of memory");
			summarize(om);
			return 0;
		}
		inspect_path(path, OUT_FILE, om);
		free(path);
		return 0;
	}
	if (strcmp(name, "-") == 0 || media_kind(name) == OUT_PIPE) {
		memset(om, 0, sizeof(*om));
		om->what = HOLDS_UNKNOWN;
		snprintf(om->desc, sizeof(om->desc), "%s",
		    strcmp(name, "-") == 0 ? "standard output" : "a pipe");
		summarize(om);
		return 0;
	}
	inspect_path(name, media_kind(name), om);
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
