// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for dirconv.c: entry sizes, the 512-byte chunk rule, and that
 * the result walks the way restore walks it.
 */
#include <stdio.h>
#include <string.h>

#include "opdump.h"
#include "testhelp.h"

struct walked {
	int		 n;
	int		 bad;
	char		 first[2][8];
};

/* Walk as restore does: reclen never 0, never past a 512-byte chunk. */
static struct walked
walk(const struct dirconv *dc, size_t size)
{
	struct walked w = { 0, 0, { "", "" } };
	size_t off = 0;
	struct bsd_direct_hdr h;

	while (off < size) {
		memcpy(&h, dc->buf + off, sizeof(h));
		if (h.d_reclen == 0 || h.d_reclen % 4 ||
		    off / DIRBLKSIZ != (off + h.d_reclen - 1) / DIRBLKSIZ ||
		    h.d_reclen < ((8 + h.d_namlen + 1 + 3) & ~3) ||
		    dc->buf[off + 8 + h.d_namlen] != '\0') {
			w.bad++;
			break;
		}
		if (w.n < 2)
			snprintf(w.first[w.n], sizeof(w.first[0]), "%.*s",
			    h.d_namlen, (const char *)dc->buf + off + 8);
		w.n++;
		off += h.d_reclen;
	}
	if (off != size)
		w.bad++;
	return w;
}

static void
test_small(void)
{
	struct dirconv dc;
	struct bsd_direct_hdr h;
	struct walked w;
	size_t size;

	dirconv_init(&dc);
	CHECK_EQ(dirconv_add(&dc, 2, ".", 1, BSD_DT_DIR), 0);
	CHECK_EQ(dirconv_add(&dc, 2, "..", 2, BSD_DT_DIR), 0);
	CHECK_EQ(dirconv_add(&dc, 12, "hello", 5, BSD_DT_REG), 0);
	size = dirconv_finish(&dc);
	CHECK_EQ(size, 512);
	memcpy(&h, dc.buf, sizeof(h));
	CHECK_EQ(h.d_ino, 2);
	CHECK_EQ(h.d_reclen, 12);
	CHECK_EQ(h.d_type, BSD_DT_DIR);
	memcpy(&h, dc.buf + 24, sizeof(h));
	CHECK_EQ(h.d_ino, 12);
	CHECK_EQ(h.d_reclen, 512 - 24);		/* stretched to the end */
	CHECK_EQ(h.d_namlen, 5);
	w = walk(&dc, size);
	CHECK_EQ(w.bad, 0);
	CHECK_EQ(w.n, 3);
	CHECK(strcmp(w.first[0], ".") == 0 && strcmp(w.first[1], "..") == 0);
	dirconv_free(&dc);
}

static void
test_many(void)
{
	struct dirconv dc;
	char name[300];
	struct walked w;
	size_t size;
	int i;

	dirconv_init(&dc);
	dirconv_add(&dc, 2, ".", 1, BSD_DT_DIR);
	dirconv_add(&dc, 2, "..", 2, BSD_DT_DIR);
	for (i = 0; i < 3000; i++) {
		/* Lengths 1..255 so every fit and misfit case occurs. */
		memset(name, 'a' + i % 26, sizeof(name));
		CHECK_EQ(dirconv_add(&dc, (uint32_t)(100 + i), name,
		    (unsigned)(i % 255 + 1), BSD_DT_REG), 0);
	}
	size = dirconv_finish(&dc);
	CHECK_EQ(size % DIRBLKSIZ, 0);
	w = walk(&dc, size);
	CHECK_EQ(w.bad, 0);
	CHECK_EQ(w.n, 3002);
	CHECK_EQ(dirconv_add(&dc, 1, name, 256, 0), -1);	/* too long */
	dirconv_free(&dc);
}

static void
test_empty(void)
{
	struct dirconv dc;

	dirconv_init(&dc);
	CHECK_EQ(dirconv_finish(&dc), 0);
	dirconv_free(&dc);
}

TEST_MAIN(test_small, test_many, test_empty)
