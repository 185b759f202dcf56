// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for tapefmt.c: the header checksum, the inode image, map
 * sizes and directory entry types.
 */
#include <string.h>

#include "opdump.h"
#include "testhelp.h"

static uint32_t
wordsum(const struct s_spcl *h)
{
	uint32_t w[256], sum = 0;
	int i;

	memcpy(w, h, sizeof(w));
	for (i = 0; i < 256; i++)
		sum += w[i];
	return sum;
}

static void
test_checksum(void)
{
	struct s_spcl h;

	memset(&h, 0, sizeof(h));
	h.c_type = TS_INODE;
	h.c_magic = NFS_MAGIC;
	h.c_inumber = 12345;
	memset(h.c_addr, 1, 300);
	strcpy(h.c_host, "a-host-name-that-is-long");
	tapefmt_checksum(&h);
	CHECK_EQ(wordsum(&h), CHECKSUM);
	CHECK(tapefmt_valid(&h));
	h.c_addr[17] ^= 0x40;		/* one flipped bit is caught */
	CHECK(!tapefmt_valid(&h));
	h.c_addr[17] ^= 0x40;
	CHECK(tapefmt_valid(&h));
	h.c_magic = 60011;
	tapefmt_checksum(&h);
	CHECK(!tapefmt_valid(&h));	/* wrong magic, right sum */
	/* A sum that wraps past 2^32 still works. */
	memset(&h, 0xff, sizeof(h));
	h.c_magic = NFS_MAGIC;
	tapefmt_checksum(&h);
	CHECK(tapefmt_valid(&h));
}

static void
test_dinode(void)
{
	struct ext2_inode_large in;
	struct tape_dinode di;

	memset(&in, 0, sizeof(in));
	in.i_mode = 0104755;
	in.i_links_count = 3;
	in.i_uid = 70000 & 0xffff;
	in.osd2.linux2.l_i_uid_high = 70000 >> 16;
	in.i_gid = 80000 & 0xffff;
	in.osd2.linux2.l_i_gid_high = 80000 >> 16;
	in.i_size = 0x23;
	in.i_size_high = 1;
	in.i_atime = 1000;
	in.i_ctime = 2000;
	in.i_mtime = 3000;
	in.i_block[0] = 0x0103;
	in.i_block[13] = 0xdeadbeef;
	in.i_flags = EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL | EXT2_NODUMP_FL;
	in.i_blocks = 88;
	in.i_generation = 0xdeadbeef;
	tapefmt_dinode(&di, &in);
	CHECK_EQ(di.di_mode, 0104755);
	CHECK_EQ(di.di_nlink, 3);
	CHECK_EQ(di.di_uid, 70000);
	CHECK_EQ(di.di_gid, 80000);
	CHECK_EQ(di.di_ouid, 70000 & 0xffff);
	CHECK_EQ(di.di_ogid, 80000 & 0xffff);
	CHECK_EQ(di.di_size, 0x100000023ULL);
	CHECK_EQ(di.di_atime.sec, 1000);
	CHECK_EQ(di.di_mtime.sec, 3000);	/* tape order: a, m, c */
	CHECK_EQ(di.di_ctime.sec, 2000);
	CHECK_EQ(di.di_db[0], 0x0103);		/* restore's device number */
	CHECK_EQ(di.di_ib[1], 0xdeadbeef);
	CHECK_EQ(di.di_flags, EXT4_EXTENTS_FL | EXT2_NODUMP_FL);
	CHECK_EQ(di.di_blocks, 88);
	CHECK_EQ((uint32_t)di.di_gen, 0xdeadbeef);
}

static void
test_mapsize(void)
{
	CHECK_EQ(tapefmt_mapsize(12288), 2048);	/* dump's figure */
	CHECK_EQ(tapefmt_mapsize(16), 1024);
	CHECK_EQ(tapefmt_mapsize(8191), 1024);
	CHECK_EQ(tapefmt_mapsize(8192), 2048);	/* bit 8192 needs byte 1024 */
	CHECK_EQ(tapefmt_mapsize(65536) % TP_BSIZE, 0);
}

static void
test_dtype(void)
{
	CHECK_EQ(tapefmt_dtype(EXT2_FT_REG_FILE), BSD_DT_REG);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_DIR), BSD_DT_DIR);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_CHRDEV), BSD_DT_CHR);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_BLKDEV), BSD_DT_BLK);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_FIFO), BSD_DT_FIFO);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_SOCK), BSD_DT_SOCK);
	CHECK_EQ(tapefmt_dtype(EXT2_FT_SYMLINK), BSD_DT_LNK);
	CHECK_EQ(tapefmt_dtype(0), BSD_DT_UNKNOWN);
	CHECK_EQ(tapefmt_dtype(99), BSD_DT_UNKNOWN);
}

TEST_MAIN(test_checksum, test_dinode, test_mapsize, test_dtype)
