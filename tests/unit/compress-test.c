// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for compress.c: a block comes back from its prefixed form
 * byte for byte with zlib and with bzip2; data that does not shrink is
 * stored with bit 0 clear; the prefix word has restore's layout; bad
 * prefixes and damaged payloads are refused, never expanded into garbage.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opdump.h"
#include "testhelp.h"

#define BLK	(32 * TP_BSIZE)

static uint8_t text[BLK], noise[BLK], out[BLK + 4], back[BLK];

static uint32_t
word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
fill(void)
{
	uint32_t x = 2463534242U;
	size_t i;

	for (i = 0; i < BLK; i++) {
		text[i] = (uint8_t)("0123456789abcdef \n"[i * 7 % 18]);
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (uint8_t)x;
	}
}

/* One block through compress_block and back, with method m. */
static void
roundtrip(int m, const uint8_t *in, int want_compressed)
{
	struct zctx *z = compress_open(m, 9);
	const char *why = "unset";
	size_t n, len;
	uint32_t w;

	CHECK(z != NULL);
	if (z == NULL)
		return;
	n = compress_block(z, in, BLK, out);
	w = word(out);
	CHECK_EQ(w & 1, want_compressed);
	CHECK_EQ(w >> 1 & 7, m == ZM_BZIP2 ? 1 : 0);
	CHECK_EQ(w >> 4, n - 4);
	CHECK(want_compressed ? n <= BLK - 16 + 4 : n == BLK + 4);
	len = compress_prefix(out, BLK);
	CHECK_EQ(len, n - 4);
	memset(back, 0xee, sizeof(back));
	CHECK_EQ(compress_decode(out, back, BLK, &why), BLK);
	CHECK(why == NULL);
	CHECK(memcmp(back, in, BLK) == 0);
	/* The same context serves the next block too. */
	CHECK_EQ(compress_block(z, in, BLK, out), n);
	compress_close(z);
}

static void
test_roundtrip(void)
{
	fill();
	roundtrip(ZM_ZLIB, text, 1);
	roundtrip(ZM_BZIP2, text, 1);
	roundtrip(ZM_ZLIB, noise, 0);
	roundtrip(ZM_BZIP2, noise, 0);
}

/* compress_store writes the stored form whatever the data. */
static void
test_store(void)
{
	struct zctx *z = compress_open(ZM_BZIP2, 2);
	const char *why;

	CHECK_EQ(compress_store(z, text, BLK, out), BLK + 4);
	CHECK_EQ(word(out), (uint32_t)BLK << 4 | 1 << 1);
	CHECK_EQ(compress_decode(out, back, BLK, &why), BLK);
	CHECK(memcmp(back, text, BLK) == 0);
	compress_close(z);
}

static void
put(uint8_t *p, uint32_t w)
{
	p[0] = (uint8_t)w;
	p[1] = (uint8_t)(w >> 8);
	p[2] = (uint8_t)(w >> 16);
	p[3] = (uint8_t)(w >> 24);
}

static void
test_bad(void)
{
	struct zctx *z = compress_open(ZM_ZLIB, 2);
	const char *why = NULL;
	size_t n;

	put(out, 0);
	CHECK_EQ(compress_prefix(out, BLK), 0);		/* no length */
	put(out, (BLK + 1024) << 4);
	CHECK_EQ(compress_prefix(out, BLK), 0);		/* too long */
	put(out, 1000 << 4);
	CHECK_EQ(compress_prefix(out, BLK), 0);		/* stored, not records */
	put(out, 1000 << 4 | 2 << 1 | 1);
	CHECK_EQ(compress_prefix(out, BLK), 0);		/* LZO: not ours */
	put(out, 1000 << 4 | 1);
	CHECK_EQ(compress_prefix(out, BLK), 1000);
	n = compress_block(z, text, BLK, out);
	out[n / 2] ^= 0x55;
	CHECK_EQ(compress_decode(out, back, BLK, &why), 0);
	CHECK(why != NULL);
	/* A stream that expands to more than a block is refused too. */
	compress_close(z);
	z = compress_open(ZM_ZLIB, 2);
	compress_block(z, text, BLK, out);
	CHECK_EQ(compress_decode(out, back, BLK - TP_BSIZE, &why), 0);
	compress_close(z);
}

/*
 * A slave's request of three blocks: the volume's first goes out as it
 * is, a block of data marked compressed already is stored untried, the
 * rest is compressed; the blocks follow each other in the buffer.
 */
static void
test_work(void)
{
	static uint8_t in[3 * BLK];
	int64_t offs[3 * 32];
	struct zwork w;
	const char *why;
	size_t pos;
	int i;

	for (i = 0; i < 3; i++)
		memcpy(in + (size_t)i * BLK, text, BLK);
	for (i = 0; i < 3 * 32; i++)
		offs[i] = (int64_t)i * TP_BSIZE;
	for (i = 33; i < 64; i++)	/* a header, then marked data */
		offs[i] |= (int64_t)RING_OFF_RAW;
	offs[32] = -2;
	CHECK_EQ(compress_work_open(&w, ZM_ZLIB, 2, 3 * 32, 32, 1), 0);
	compress_work(&w, in, offs, 3 * 32, 32);
	CHECK_EQ(w.nblk, 3);
	CHECK_EQ(w.len[0], BLK);
	CHECK(memcmp(w.buf, text, BLK) == 0);
	CHECK_EQ(w.len[1], BLK + 4);
	CHECK_EQ(word(w.buf + BLK) & 1, 0);
	CHECK(w.len[2] < BLK / 2);
	pos = w.len[0] + w.len[1];
	CHECK_EQ(word(w.buf + pos) & 1, 1);
	CHECK_EQ(compress_decode(w.buf + pos, back, BLK, &why), BLK);
	CHECK(memcmp(back, text, BLK) == 0);
	/* The next request of the same slave has no plain block. */
	compress_work(&w, in, offs, 32, 32);
	CHECK_EQ(w.nblk, 1);
	CHECK_EQ(word(w.buf) & 1, 1);
	compress_work_close(&w);
	CHECK_EQ(compress_work_open(&w, ZM_NONE, 2, 32, 32, 1), 0);
	CHECK(w.z == NULL);
}

TEST_MAIN(test_roundtrip, test_store, test_bad, test_work)
