// SPDX-License-Identifier: BSD-2-Clause
/*
 * Extended attributes and POSIX ACLs.  Rather than copying the in-inode
 * area and the EA block raw, as dump does, we read the attributes through
 * libext2fs (so values kept in EA inodes are found) and write them again
 * in the EA block layout restore parses, leaving out the inline-data
 * system.data entry that restore rejects.  ACLs stay in ext4's on-disk
 * form: restore converts them itself.
 */
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "opdump.h"

#define EA_HDR		32	/* block header: magic, refcount, blocks, ... */
#define EA_ENTRY	16	/* fixed part of an entry */
#define EA_PAD(n)	(((n) + 3) & ~(size_t)3)

struct ea {
	char		*name;
	void		*value;
	size_t		 len;
};

struct ealist {
	struct ea	*ea;
	size_t		 n, cap;
	int		 nomem;
};

static const struct {
	const char	*prefix;
	int		 index;
	int		 whole;		/* the prefix is the whole name */
} ea_prefixes[] = {
	{ "user.",			1, 0 },
	{ "system.posix_acl_access",	2, 1 },
	{ "system.posix_acl_default",	3, 1 },
	{ "trusted.",			4, 0 },
	{ "lustre.",			5, 0 },
	{ "security.",			6, 0 },
};

/*
 * The name index restore knows for a full attribute name, with *suffix
 * set to the part stored in the entry.  Returns 0 for names restore has
 * no index for, -1 for system.data (inline data, carried as file data).
 */
int
xattr_index(const char *name, const char **suffix)
{
	size_t i, plen;

	if (strcmp(name, "system.data") == 0)
		return -1;
	for (i = 0; i < sizeof(ea_prefixes) / sizeof(ea_prefixes[0]); i++) {
		plen = strlen(ea_prefixes[i].prefix);
		if (ea_prefixes[i].whole ? strcmp(name, ea_prefixes[i].prefix) :
		    strncmp(name, ea_prefixes[i].prefix, plen))
			continue;
		*suffix = name + plen;
		return ea_prefixes[i].index;
	}
	return 0;
}

/* Bytes one attribute takes in a payload: its entry and its value. */
static size_t
ea_cost(const char *name, size_t len)
{
	const char *suffix = name;

	(void)xattr_index(name, &suffix);
	return EA_PAD(EA_ENTRY + strlen(suffix)) + EA_PAD(len);
}

/*
 * Encode n attributes as one EA block payload into out (cap bytes, zeroed
 * by the caller).  Returns the payload length, or 0 if it does not fit.
 * Entries follow the 32-byte header and end with a zero word; values come
 * after, each padded to 4 bytes, at offsets from the payload start.
 */
size_t
xattr_encode(uint8_t *out, size_t cap, const char *const *names,
    const void *const *values, const size_t *lens, int n)
{
	size_t epos = EA_HDR, vpos = EA_HDR + 4, nlen;
	uint32_t magic = EA_MAGIC_BLOCK, one = 1, vsize;
	const char *suffix;
	uint16_t voff;
	int i, idx;

	for (i = 0; i < n; i++)
		vpos += EA_PAD(EA_ENTRY + strlen(names[i]));
	memcpy(out, &magic, 4);
	memcpy(out + 4, &one, 4);		/* h_refcount */
	memcpy(out + 8, &one, 4);		/* h_blocks */
	for (i = 0; i < n; i++) {
		suffix = names[i];
		if ((idx = xattr_index(names[i], &suffix)) <= 0)
			return 0;
		nlen = strlen(suffix);
		if (nlen > 255 || vpos + EA_PAD(lens[i]) > cap ||
		    vpos > UINT16_MAX)
			return 0;
		voff = (uint16_t)vpos;
		vsize = (uint32_t)lens[i];
		out[epos] = (uint8_t)nlen;
		out[epos + 1] = (uint8_t)idx;
		memcpy(out + epos + 2, &voff, 2);
		memcpy(out + epos + 8, &vsize, 4);
		memcpy(out + epos + EA_ENTRY, suffix, nlen);
		memcpy(out + vpos, values[i], lens[i]);
		epos += EA_PAD(EA_ENTRY + nlen);
		vpos += EA_PAD(lens[i]);
	}
	return vpos;
}

static int
ea_collect(char *name, char *value, size_t len, void *arg)
{
	struct ealist *l = arg;
	struct ea *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;

		if ((e = realloc(l->ea, cap * sizeof(*e))) == NULL)
			goto nomem;
		l->ea = e;
		l->cap = cap;
	}
	e = &l->ea[l->n];
	e->name = strdup(name);
	e->value = malloc(len ? len : 1);
	e->len = len;
	if (e->name == NULL || e->value == NULL) {
		free(e->name);
		free(e->value);
		goto nomem;
	}
	memcpy(e->value, value, len);
	l->n++;
	return 0;
nomem:
	l->nomem = 1;
	return XATTR_ABORT;
}

static void
ealist_free(struct ealist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->ea[i].name);
		free(l->ea[i].value);
	}
	free(l->ea);
}

/* Does the inode have any attribute at all?  Cheap, no I/O. */
static int
xattr_present(struct dump *d, const struct ext2_inode_large *in)
{
	unsigned isize = EXT2_INODE_SIZE(d->src.fs->super);
	uint32_t magic;

	if (ext2fs_file_acl_block(d->src.fs, (const struct ext2_inode *)in))
		return 1;
	if (isize <= EXT2_GOOD_OLD_INODE_SIZE || in->i_extra_isize < 4 ||
	    EXT2_GOOD_OLD_INODE_SIZE + in->i_extra_isize + 4u > isize)
		return 0;
	memcpy(&magic, (const uint8_t *)in + EXT2_GOOD_OLD_INODE_SIZE +
	    in->i_extra_isize, 4);
	return magic == EXT2_EXT_ATTR_MAGIC;
}

/* Read every attribute of the inode, raw, into l. */
static errcode_t
xattr_read(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in,
    struct ealist *l)
{
	struct ext2_xattr_handle *h;
	unsigned int flags = XATTR_HANDLE_FLAG_RAW;
	errcode_t err;

	if ((err = ext2fs_xattrs_open(d->src.fs, ino, &h)) != 0)
		return err;
	if ((err = ext2fs_xattrs_flags(h, &flags, NULL)) == 0 &&
	    (err = ext2fs_xattrs_read_inode(h, in)) == 0)
		err = ext2fs_xattrs_iterate(h, ea_collect, l);
	ext2fs_xattrs_close(&h);
	return err;
}

/* One EA record: a TS_INODE header flagged as an attribute, then data. */
static int
xattr_emit(struct dump *d, ext2_ino_t ino, struct ea *grp, int n)
{
	struct s_spcl *h = &d->spcl;
	uint8_t payload[EA_MAXSIZE];
	const char *names[EA_MAXSIZE / EA_ENTRY];
	const void *values[EA_MAXSIZE / EA_ENTRY];
	size_t lens[EA_MAXSIZE / EA_ENTRY], len;
	int i, nrec, rc = 0;

	memset(payload, 0, sizeof(payload));
	for (i = 0; i < n; i++) {
		names[i] = grp[i].name;
		values[i] = grp[i].value;
		lens[i] = grp[i].len;
	}
	if ((len = xattr_encode(payload, sizeof(payload), names, values, lens,
	    n)) == 0)
		return 0;
	nrec = (int)((len + TP_BSIZE - 1) / TP_BSIZE);
	h->c_dinode.di_size = (uint64_t)nrec * TP_BSIZE;
	h->c_flags |= DR_EXTATTRIBUTES;
	h->c_extattributes = EXT_XATTR;
	memset(h->c_addr, 0, sizeof(h->c_addr));
	memset(h->c_addr, 1, (size_t)nrec);
	h->c_count = nrec;
	rc = stream_header(d, TS_INODE, ino);
	for (i = 0; i < nrec && rc == 0; i++)
		rc = stream_record(d, payload + (size_t)i * TP_BSIZE);
	h->c_flags &= ~DR_EXTATTRIBUTES;
	h->c_extattributes = 0;
	return rc;
}

/*
 * Drop what restore cannot take back: names it has no index for and
 * attributes too large for one record.  system.data goes silently: it is
 * the inline data, already dumped as the file's data.
 */
static void
xattr_filter(struct dump *d, ext2_ino_t ino, struct ealist *l)
{
	size_t i, keep = 0;
	const char *suffix;
	int idx;

	for (i = 0; i < l->n; i++) {
		idx = xattr_index(l->ea[i].name, &suffix);
		if (idx > 0 && EA_HDR + 4 +
		    ea_cost(l->ea[i].name, l->ea[i].len) <= EA_MAXSIZE) {
			l->ea[keep++] = l->ea[i];
			continue;
		}
		if (idx != -1)
			warnmsg(d, "inode %u: extended attribute %s (%zu bytes) "
			    "cannot be carried to restore; not dumped\n", ino,
			    l->ea[i].name, l->ea[i].len);
		free(l->ea[i].name);
		free(l->ea[i].value);
	}
	l->n = keep;
}

/*
 * Group the attributes into payloads of at most EA_MAXSIZE bytes (what
 * restore accepts per record) and emit one EA record per group.
 */
static int
xattr_groups(struct dump *d, ext2_ino_t ino, struct ealist *l)
{
	size_t i, first = 0, used = EA_HDR + 4, cost;

	for (i = 0; i < l->n; i++) {
		cost = ea_cost(l->ea[i].name, l->ea[i].len);
		if (used + cost > EA_MAXSIZE) {
			if (xattr_emit(d, ino, &l->ea[first],
			    (int)(i - first)) == -1)
				return -1;
			first = i;
			used = EA_HDR + 4;
		}
		used += cost;
	}
	if (i > first)
		return xattr_emit(d, ino, &l->ea[first], (int)(i - first));
	return 0;
}

/* The EA records that follow an inode's data, if it has attributes. */
int
xattr_dump(struct dump *d, ext2_ino_t ino, struct ext2_inode_large *in)
{
	struct ealist l = { NULL, 0, 0, 0 };
	errcode_t err;
	int rc = 0;

	if (!xattr_present(d, in))
		return 0;
	err = xattr_read(d, ino, in, &l);
	if (l.nomem) {
		msg("out of memory\n");
		rc = -1;
	} else if (err) {
		warnmsg(d, "inode %u: cannot read extended attributes: %s\n",
		    ino, error_message(err));
	} else {
		xattr_filter(d, ino, &l);
		rc = xattr_groups(d, ino, &l);
	}
	ealist_free(&l);
	return rc;
}
