// SPDX-License-Identifier: BSD-2-Clause
/*
 * The on-tape format that restore(8) 0.4b47 reads: 1024-byte records, the
 * header record and its inode image, record types and flags.  Every offset
 * here is fixed by the format (see shared/docs/tape-format.md); the static
 * assertions at the end keep the compiler from moving anything.
 */
#ifndef OPDUMP_DUMPRESTORE_H
#define OPDUMP_DUMPRESTORE_H

#include <stddef.h>
#include <stdint.h>

#define TP_BSIZE	1024		/* one record */
#define TP_NINDIR	512		/* c_addr entries per header */
#define NFS_MAGIC	60012
#define CHECKSUM	84446		/* what a valid header sums to */
#define DIRBLKSIZ	512		/* converted directories use these chunks */
#define LBLSIZE		16
#define NAMELEN		64
#define NTREC_MAX	1024		/* restore's upper limit for -b */

/* c_type */
#define TS_TAPE		1
#define TS_INODE	2
#define TS_BITS		3
#define TS_ADDR		4
#define TS_END		5
#define TS_CLRI		6

/* c_flags */
#define DR_NEWHEADER		0x0001
#define DR_NEWINODEFMT		0x0002
#define DR_COMPRESSED		0x0080
#define DR_METAONLY		0x0100
#define DR_EXTATTRIBUTES	0x8000

/* c_extattributes */
#define EXT_XATTR		3

/* EA payload magics restore accepts: block layout and in-inode layout. */
#define EA_MAGIC_BLOCK		0xEA020000U
#define EA_MAGIC_INODE		0xEA020001U
#define EA_MAXSIZE		4096	/* restore refuses larger payloads */

/* d_type values of the 4.4BSD directory entries restore reads. */
#define BSD_DT_UNKNOWN	0
#define BSD_DT_FIFO	1
#define BSD_DT_CHR	2
#define BSD_DT_DIR	4
#define BSD_DT_BLK	6
#define BSD_DT_REG	8
#define BSD_DT_LNK	10
#define BSD_DT_SOCK	12

struct tape_time {
	int32_t		 sec;
	int32_t		 usec;
};

/* The 128-byte inode image inside every header (c_dinode). */
struct tape_dinode {
	uint16_t	 di_mode;
	int16_t		 di_nlink;
	uint16_t	 di_ouid;
	uint16_t	 di_ogid;
	uint64_t	 di_size;
	struct tape_time di_atime;
	struct tape_time di_mtime;
	struct tape_time di_ctime;
	uint32_t	 di_db[12];
	uint32_t	 di_ib[3];
	uint32_t	 di_flags;
	int32_t		 di_blocks;
	int32_t		 di_gen;
	uint32_t	 di_uid;
	uint32_t	 di_gid;
	int32_t		 di_spare[2];
};

/* The header record (s_spcl). */
struct s_spcl {
	int32_t		 c_type;
	int32_t		 c_date;
	int32_t		 c_ddate;
	int32_t		 c_volume;
	uint32_t	 c_tapea;
	uint32_t	 c_inumber;
	int32_t		 c_magic;
	int32_t		 c_checksum;
	struct tape_dinode c_dinode;
	int32_t		 c_count;
	union {
		uint8_t	 c_addr[TP_NINDIR];
		uint32_t c_inos[TP_NINDIR / 4];
	};
	char		 c_label[LBLSIZE];
	int32_t		 c_level;
	char		 c_filesys[NAMELEN];
	char		 c_dev[NAMELEN];
	char		 c_host[NAMELEN];
	int32_t		 c_flags;
	int32_t		 c_firstrec;
	int32_t		 c_ntrec;
	int32_t		 c_extattributes;
	int32_t		 c_spare[30];
};

/* A converted directory entry (struct direct of 4.4BSD). */
struct bsd_direct_hdr {
	uint32_t	 d_ino;
	uint16_t	 d_reclen;
	uint8_t		 d_type;
	uint8_t		 d_namlen;
};

_Static_assert(sizeof(struct tape_dinode) == 128, "c_dinode is 128 bytes");
_Static_assert(sizeof(struct s_spcl) == TP_BSIZE, "a header is one record");
_Static_assert(offsetof(struct s_spcl, c_dinode) == 32, "c_dinode at 32");
_Static_assert(offsetof(struct s_spcl, c_count) == 160, "c_count at 160");
_Static_assert(offsetof(struct s_spcl, c_addr) == 164, "c_addr at 164");
_Static_assert(offsetof(struct s_spcl, c_label) == 676, "c_label at 676");
_Static_assert(offsetof(struct s_spcl, c_filesys) == 696, "c_filesys at 696");
_Static_assert(offsetof(struct s_spcl, c_flags) == 888, "c_flags at 888");
_Static_assert(offsetof(struct s_spcl, c_extattributes) == 900,
    "c_extattributes at 900");

#endif
