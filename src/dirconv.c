// SPDX-License-Identifier: BSD-2-Clause
/*
 * Directory conversion: ext2/3/4 entries become 4.4BSD `direct' entries
 * packed into 512-byte chunks, the only directory format restore reads.
 * The caller feeds entries in disk order; dumpino.c packages the result
 * into records.
 */
#include <stdlib.h>
#include <string.h>

#include "opdump.h"

#define DIRHDR	8	/* d_ino, d_reclen, d_type, d_namlen */

void
dirconv_init(struct dirconv *dc)
{
	memset(dc, 0, sizeof(*dc));
}

void
dirconv_free(struct dirconv *dc)
{
	free(dc->buf);
	memset(dc, 0, sizeof(*dc));
}

/* Make room for n more bytes; the buffer grows by doubling. */
static int
dirconv_reserve(struct dirconv *dc, size_t n)
{
	size_t cap = dc->cap ? dc->cap : 4096;
	uint8_t *p;

	while (cap < dc->len + n)
		cap *= 2;
	if (cap == dc->cap)
		return 0;
	if ((p = realloc(dc->buf, cap)) == NULL)
		return -1;
	memset(p + dc->cap, 0, cap - dc->cap);
	dc->buf = p;
	dc->cap = cap;
	return 0;
}

/* Set the reclen of the last entry so that it ends at offset end. */
static void
dirconv_stretch(struct dirconv *dc, size_t end)
{
	uint16_t reclen = (uint16_t)(end - dc->last);

	memcpy(dc->buf + dc->last + 4, &reclen, sizeof(reclen));
	dc->len = end;
}

/*
 * Append one entry.  An entry never crosses a 512-byte boundary: when it
 * would, the previous entry is stretched to the boundary, which is how
 * restore expects the free space of a chunk to be accounted for.
 * Returns -1 when out of memory.
 */
int
dirconv_add(struct dirconv *dc, uint32_t ino, const char *name,
    unsigned namlen, uint8_t type)
{
	size_t reclen = (DIRHDR + namlen + 1 + 3) & ~(size_t)3;
	struct bsd_direct_hdr h;

	if (namlen > 255)
		return -1;
	if (dc->nent > 0 && dc->len % DIRBLKSIZ + reclen > DIRBLKSIZ)
		dirconv_stretch(dc, (dc->len / DIRBLKSIZ + 1) * DIRBLKSIZ);
	if (dirconv_reserve(dc, DIRBLKSIZ + reclen) == -1)
		return -1;
	h.d_ino = ino;
	h.d_reclen = (uint16_t)reclen;
	h.d_type = type;
	h.d_namlen = (uint8_t)namlen;
	memcpy(dc->buf + dc->len, &h, sizeof(h));
	memcpy(dc->buf + dc->len + DIRHDR, name, namlen);
	memset(dc->buf + dc->len + DIRHDR + namlen, 0, reclen - DIRHDR - namlen);
	dc->last = dc->len;
	dc->len += reclen;
	dc->nent++;
	return 0;
}

/*
 * Close the last chunk by stretching the last entry to its end, and
 * return the converted size (a multiple of 512, or 0 for no entries).
 */
size_t
dirconv_finish(struct dirconv *dc)
{
	if (dc->nent == 0)
		return 0;
	if (dc->len % DIRBLKSIZ != 0)
		dirconv_stretch(dc, (dc->len / DIRBLKSIZ + 1) * DIRBLKSIZ);
	return dc->len;
}
