// SPDX-License-Identifier: BSD-2-Clause
/*
 * Inode checksums (metadata_csum) checked with the processor's crc32c
 * instruction where there is one.  libext2fs computes crc32c in software
 * (8 table lookups per 8 bytes); in pass I that was two thirds of the
 * instructions of the whole pass, on every dump, for a check whose answer
 * is almost always yes.  The arithmetic is ext4's: crc32c with no pre- or
 * post-inversion, seeded with the filesystem's checksum seed, over the
 * inode number, the generation and the inode with its checksum fields
 * zeroed; without the high half, only the low 16 bits count.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ext2fs/ext2fs.h>

#include "opdump.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_HW_CRC32C	1

__attribute__((target("sse4.2")))
static uint32_t
crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		crc = (uint32_t)__builtin_ia32_crc32di(crc, v);
	}
	for (; len > 0; p++, len--)
		crc = __builtin_ia32_crc32qi(crc, *p);
	return crc;
}
#endif

/*
 * Whether csum_inode_ok() can check the inodes libext2fs returns: they are
 * the bytes on disk only on a little-endian host (elsewhere libext2fs has
 * swapped them, and keeps checking them itself).
 */
const int csum_native = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

/* crc32c as ext4 uses it; the same result as ext2fs_crc32c_le(). */
uint32_t
csum_crc32c(uint32_t crc, const void *buf, size_t len)
{
#ifdef HAVE_HW_CRC32C
	static int hw = -1;

	if (hw == -1)
		hw = __builtin_cpu_supports("sse4.2") != 0;
	if (hw)
		return crc32c_hw(crc, buf, len);
#endif
	return ext2fs_crc32c_le(crc, buf, len);
}

/*
 * Does inode ino's checksum match?  The answer of ext2fs_inode_csum_verify()
 * (1 or 0), including its leniency for an all-zero inode, computed faster.
 */
int
csum_inode_ok(ext2_filsys fs, ext2_ino_t ino,
    const struct ext2_inode_large *in)
{
	size_t size = EXT2_INODE_SIZE(fs->super), i, lo, hi;
	uint32_t crc, want, num = ext2fs_cpu_to_le32(ino), gen;
	uint16_t zero = 0;
	const uint8_t *p = (const void *)in;
	int has_hi;

	if (!ext2fs_has_feature_metadata_csum(fs->super))
		return 1;
	has_hi = size > EXT2_GOOD_OLD_INODE_SIZE &&
	    in->i_extra_isize >= EXT4_INODE_CSUM_HI_EXTRA_END;
	lo = offsetof(struct ext2_inode_large, i_checksum_lo);
	hi = offsetof(struct ext2_inode_large, i_checksum_hi);
	gen = in->i_generation;		/* already little-endian on disk */
	crc = csum_crc32c(fs->csum_seed, &num, sizeof(num));
	crc = csum_crc32c(crc, &gen, sizeof(gen));
	crc = csum_crc32c(crc, p, lo);
	crc = csum_crc32c(crc, &zero, sizeof(zero));
	if (has_hi) {
		crc = csum_crc32c(crc, p + lo + 2, hi - lo - 2);
		crc = csum_crc32c(crc, &zero, sizeof(zero));
		crc = csum_crc32c(crc, p + hi + 2, size - hi - 2);
	} else {
		crc = csum_crc32c(crc, p + lo + 2, size - lo - 2);
	}
	want = ext2fs_le16_to_cpu(in->i_checksum_lo);
	if (has_hi)
		want |= (uint32_t)ext2fs_le16_to_cpu(in->i_checksum_hi) << 16;
	else
		crc &= 0xffff;
	if (crc == want)
		return 1;
	/* libext2fs takes an inode whose first 128 bytes are zero as valid. */
	for (i = 0; i < EXT2_GOOD_OLD_INODE_SIZE; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}
