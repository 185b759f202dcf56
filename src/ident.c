// SPDX-License-Identifier: BSD-2-Clause
/*
 * Identification through libmagic: what a source holds before we hand it
 * to libext2fs, so that a FAT image or a swap partition is refused with
 * libmagic's own words instead of a bare "bad magic number".
 */
#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "opdump.h"

/*
 * Return libmagic's description of path (malloc'd), or NULL when libmagic
 * cannot say.  Devices are read too (MAGIC_DEVICES): a block device is the
 * usual source.
 */
char *
ident_describe(const char *path)
{
	magic_t m;
	const char *desc;
	char *out = NULL;

	if ((m = magic_open(MAGIC_DEVICES | MAGIC_ERROR)) == NULL)
		return NULL;
	if (magic_load(m, NULL) == 0 && (desc = magic_file(m, path)) != NULL)
		out = strdup(desc);
	magic_close(m);
	return out;
}

/* Return 1 if libmagic's description names an ext2, ext3 or ext4 fs. */
int
ident_is_ext(const char *desc)
{
	return strstr(desc, "ext2 filesystem") != NULL ||
	    strstr(desc, "ext3 filesystem") != NULL ||
	    strstr(desc, "ext4 filesystem") != NULL;
}
