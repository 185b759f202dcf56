// SPDX-License-Identifier: BSD-2-Clause
/*
 * Identification through libmagic: what a source holds before we hand it
 * to libext2fs, so that a FAT image or a swap partition is refused with
 * libmagic's own words instead of a bare "bad magic number".  libmagic
 * runs in a short-lived child: its database takes some 20 MB, which the
 * master and the slaves forked from it should not carry for the whole dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <magic.h>

#include "opdump.h"

#define DESC_MAX	1024

/* In the child: libmagic's description of path, or of buf when path is
 * NULL, written to fd. */
static void
ident_child(const char *path, const void *buf, size_t blen, int fd)
{
	char out[DESC_MAX] = "";
	const char *desc;
	magic_t m;
	size_t len;

	if ((m = magic_open(MAGIC_DEVICES | MAGIC_SYMLINK | MAGIC_ERROR)) != NULL) {
		if (magic_load(m, NULL) == 0 &&
		    (desc = path != NULL ? magic_file(m, path) :
		    magic_buffer(m, buf, blen)) != NULL)
			snprintf(out, sizeof(out), "%s", desc);
		magic_close(m);
	}
	len = strlen(out);
	_exit(len == 0 || write(fd, out, len) != (ssize_t)len);
}

/* Run ident_child() in a child process; its description, malloc'd. */
static char *
ident_run(const char *path, const void *data, size_t dlen)
{
	char buf[DESC_MAX];
	size_t got = 0;
	ssize_t n;
	int p[2], status;
	pid_t pid;

	if (pipe(p) == -1)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		close(p[0]);
		ident_child(path, data, dlen, p[1]);
	}
	close(p[1]);
	while (got < sizeof(buf) - 1 &&
	    (n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == 0)
		return NULL;
	buf[got] = '\0';
	return strdup(buf);
}

/*
 * Return libmagic's description of path (malloc'd), or NULL when libmagic
 * cannot say.  Devices are read too (MAGIC_DEVICES): a block device is the
 * usual source, often named by a symlink (/dev/mapper, /dev/disk/by-*).
 */
char *
ident_describe(const char *path)
{
	return ident_run(path, NULL, 0);
}

/* The same for bytes read from a volume. */
char *
ident_describe_buf(const void *buf, size_t len)
{
	return ident_run(NULL, buf, len);
}

/* Return 1 if libmagic's description names an ext2, ext3 or ext4 fs. */
int
ident_is_ext(const char *desc)
{
	return strstr(desc, "ext2 filesystem") != NULL ||
	    strstr(desc, "ext3 filesystem") != NULL ||
	    strstr(desc, "ext4 filesystem") != NULL;
}
