// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for csum.c: the crc32c gives libext2fs's result for every
 * length and seed, and csum_inode_ok() gives ext2fs_inode_csum_verify()'s
 * verdict on good inodes, damaged ones, inodes without the high half of
 * the checksum, 128-byte inodes and all-zero ones.
 */
#include <string.h>

#include <ext2fs/ext2fs.h>

#include "opdump.h"
#include "testhelp.h"

static uint32_t rnd = 2463534242U;

static uint32_t
next(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

static void
test_crc(void)
{
	uint8_t buf[1100];
	size_t i, len;
	uint32_t seed;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)next();
	for (len = 0; len < sizeof(buf); len += 1 + len / 8) {
		seed = next();
		CHECK_EQ(csum_crc32c(seed, buf + len % 7, len - len % 7),
		    ext2fs_crc32c_le(seed, buf + len % 7, len - len % 7));
	}
}

static struct ext2_super_block sb;
static struct struct_ext2_filsys fs;

static void
fs_init(unsigned isize)
{
	memset(&sb, 0, sizeof(sb));
	memset(&fs, 0, sizeof(fs));
	sb.s_rev_level = EXT2_DYNAMIC_REV;
	sb.s_inode_size = (uint16_t)isize;
	ext2fs_set_feature_metadata_csum(&sb);
	fs.magic = EXT2_ET_MAGIC_EXT2FS_FILSYS;
	fs.super = &sb;
	fs.csum_seed = next();
}

/* Both verdicts on inode ino, which must be want. */
static void
agree(ext2_ino_t ino, struct ext2_inode_large *in, int want)
{
	CHECK_EQ(ext2fs_inode_csum_verify(&fs, ino, in) != 0, want);
	CHECK_EQ(csum_inode_ok(&fs, ino, in), want);
}

static void
run_inodes(unsigned isize, unsigned extra)
{
	uint8_t raw[1024];
	struct ext2_inode_large *in = (void *)raw;
	ext2_ino_t ino;
	size_t i;

	fs_init(isize);
	for (ino = 1; ino < 200; ino += 7) {
		memset(raw, 0, sizeof(raw));
		for (i = 0; i < isize; i++)
			raw[i] = (uint8_t)next();
		if (isize > EXT2_GOOD_OLD_INODE_SIZE)
			in->i_extra_isize = (uint16_t)extra;
		CHECK_EQ(ext2fs_inode_csum_set(&fs, ino, in), 0);
		agree(ino, in, 1);
		agree(ino + 1, in, 0);			/* another inode's */
		raw[ino % isize] ^= 0x10;		/* one bit anywhere */
		agree(ino, in, 0);
	}
	memset(raw, 0, sizeof(raw));
	agree(5, in, 1);	/* never written: accepted as libext2fs does */
}

static void
test_inodes(void)
{
	run_inodes(256, 32);	/* both halves */
	run_inodes(256, 2);	/* extra space too small for the high half */
	run_inodes(128, 0);	/* old-style inodes: the low half only */
	run_inodes(512, 32);
}

TEST_MAIN(test_crc, test_inodes)
