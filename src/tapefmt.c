// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pure conversions into the tape format: the header checksum, the 128-byte
 * inode image of an ext2/3/4 inode, map sizes and directory entry types.
 * Nothing here does I/O, so each function is tested on its own in
 * tests/unit/tapefmt-test.c.
 */
#include <string.h>

#include <ext2fs/ext2fs.h>

#include "opdump.h"

/* The 256 little-endian words of a header, added with wrap-around. */
static uint32_t
header_sum(const struct s_spcl *h)
{
	uint32_t w[TP_BSIZE / 4], sum = 0;
	size_t i;

	memcpy(w, h, sizeof(w));
	for (i = 0; i < TP_BSIZE / 4; i++)
		sum += w[i];
	return sum;
}

/*
 * Set c_checksum so that the 256 little-endian words of the header sum to
 * CHECKSUM.  Every other field must be final before this is called.
 * Arithmetic is unsigned so the wrap-around is defined.
 */
void
tapefmt_checksum(struct s_spcl *h)
{
	h->c_checksum = 0;
	h->c_checksum = (int32_t)((uint32_t)CHECKSUM - header_sum(h));
}

/* Return 1 if the record is a header restore would accept. */
int
tapefmt_valid(const struct s_spcl *h)
{
	return h->c_magic == NFS_MAGIC && header_sum(h) == (uint32_t)CHECKSUM;
}

/*
 * Fill the tape inode image from an on-disk inode.  The i_block array is
 * copied raw because restore takes a device's number from di_db[0]; the
 * tape order of the times is atime, mtime, ctime.  The inline-data flag is
 * cleared: on the tape the bytes are ordinary data.
 */
void
tapefmt_dinode(struct tape_dinode *di, const struct ext2_inode_large *in)
{
	uint32_t uid, gid;

	memset(di, 0, sizeof(*di));
	uid = in->i_uid | ((uint32_t)in->osd2.linux2.l_i_uid_high << 16);
	gid = in->i_gid | ((uint32_t)in->osd2.linux2.l_i_gid_high << 16);
	di->di_mode = in->i_mode;
	di->di_nlink = (int16_t)in->i_links_count;
	di->di_ouid = (uint16_t)uid;
	di->di_ogid = (uint16_t)gid;
	di->di_size = in->i_size | ((uint64_t)in->i_size_high << 32);
	di->di_atime.sec = (int32_t)in->i_atime;
	di->di_mtime.sec = (int32_t)in->i_mtime;
	di->di_ctime.sec = (int32_t)in->i_ctime;
	memcpy(di->di_db, in->i_block, sizeof(di->di_db));
	memcpy(di->di_ib, &in->i_block[12], sizeof(di->di_ib));
	di->di_flags = in->i_flags & ~(uint32_t)EXT4_INLINE_DATA_FL;
	di->di_blocks = (int32_t)in->i_blocks;
	di->di_gen = (int32_t)in->i_generation;
	di->di_uid = uid;
	di->di_gid = gid;
}

/*
 * Size in bytes of a TS_CLRI or TS_BITS map for a filesystem of maxino
 * inodes: one bit per inode 1..maxino, rounded up to whole records.
 */
size_t
tapefmt_mapsize(ext2_ino_t maxino)
{
	size_t bytes = ((size_t)maxino + 1 + 7) / 8;

	return (bytes + TP_BSIZE - 1) / TP_BSIZE * TP_BSIZE;
}

/* The 4.4BSD d_type for an ext2 directory entry's file type byte. */
uint8_t
tapefmt_dtype(int ext2_type)
{
	switch (ext2_type) {
	case EXT2_FT_REG_FILE:
		return BSD_DT_REG;
	case EXT2_FT_DIR:
		return BSD_DT_DIR;
	case EXT2_FT_CHRDEV:
		return BSD_DT_CHR;
	case EXT2_FT_BLKDEV:
		return BSD_DT_BLK;
	case EXT2_FT_FIFO:
		return BSD_DT_FIFO;
	case EXT2_FT_SOCK:
		return BSD_DT_SOCK;
	case EXT2_FT_SYMLINK:
		return BSD_DT_LNK;
	default:
		return BSD_DT_UNKNOWN;
	}
}
