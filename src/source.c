// SPDX-License-Identifier: BSD-2-Clause
/*
 * The source: a block device, an ext2/3/4 image file or a mount point,
 * resolved to the device or image that libext2fs opens read-only.  Nothing
 * is ever mounted.  Also finds the mount point dump records in c_filesys.
 */
#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "opdump.h"

static int
is_ext_type(const char *type)
{
	return strcmp(type, "ext2") == 0 || strcmp(type, "ext3") == 0 ||
	    strcmp(type, "ext4") == 0;
}

/*
 * Does mount table entry fsname name the same object as path (whose stat
 * is st)?  Block devices match by device number, so /dev/disk/by-* links
 * and /dev/root aliases still match.
 */
static int
same_object(const char *fsname, const char *path, const struct stat *st)
{
	struct stat fst;

	if (strcmp(fsname, path) == 0)
		return 1;
	if (stat(fsname, &fst) == -1)
		return 0;
	if (S_ISBLK(st->st_mode) && S_ISBLK(fst.st_mode))
		return st->st_rdev == fst.st_rdev;
	return st->st_dev == fst.st_dev && st->st_ino == fst.st_ino;
}

/* The ext2/3/4 mount point of path in table (mounts or fstab), or NULL. */
static char *
find_mountpoint(const char *table, const char *path, const struct stat *st)
{
	FILE *f;
	struct mntent *me;
	char *dir = NULL;

	if ((f = setmntent(table, "r")) == NULL)
		return NULL;
	while (dir == NULL && (me = getmntent(f)) != NULL)
		if (is_ext_type(me->mnt_type) &&
		    same_object(me->mnt_fsname, path, st))
			dir = strdup(me->mnt_dir);
	endmntent(f);
	return dir;
}

/*
 * A directory argument must be the mount point of an ext2/3/4 filesystem;
 * set d->src.device to its device.  Returns 0 or -1 (message printed).
 */
static int
resolve_mountpoint(struct dump *d, const char *dir)
{
	char real[PATH_MAX];
	FILE *f;
	struct mntent *me;
	int found = 0;

	if (realpath(dir, real) == NULL) {
		msg("%s: %s\n", dir, strerror(errno));
		return -1;
	}
	if ((f = setmntent("/proc/self/mounts", "r")) == NULL) {
		msg("cannot read /proc/self/mounts: %s\n", strerror(errno));
		return -1;
	}
	/* The last entry for a mount point is the one visible there. */
	while ((me = getmntent(f)) != NULL) {
		if (strcmp(me->mnt_dir, real) != 0)
			continue;
		found = 1;
		free(d->src.device);
		free(d->src.filesys);
		d->src.device = is_ext_type(me->mnt_type) ?
		    strdup(me->mnt_fsname) : NULL;
		d->src.filesys = strdup(real);
		if (d->src.device == NULL)
			d->src.magic = strdup(me->mnt_type);
	}
	endmntent(f);
	if (!found) {
		msg("%s is a directory but not a mount point; dumping a "
		    "subtree is not supported yet\n", dir);
		return -1;
	}
	if (d->src.device == NULL) {
		msg("%s is a mount point of a %s filesystem, not ext2/3/4\n",
		    dir, d->src.magic);
		return -1;
	}
	return 0;
}

/* Refuse what libmagic says is not ext2/3/4, in libmagic's words. */
static int
source_identify(struct dump *d)
{
	d->src.magic = ident_describe(d->src.device);
	if (d->src.magic == NULL)
		return 0;	/* libmagic cannot tell: libext2fs decides */
	if (!ident_is_ext(d->src.magic)) {
		msg("%s is %s, not an ext2/3/4 filesystem\n", d->src.device,
		    d->src.magic);
		return -1;
	}
	verbose(d, "%s: %s\n", d->src.device, d->src.magic);
	return 0;
}

/* The open filesystem's UUID in its usual text form. */
void
source_uuid(const struct dump *d, char *buf, size_t len)
{
	const uint8_t *u = d->src.fs->super->s_uuid;

	snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Open the filesystem with libext2fs, read-only. */
static int
source_ext2fs(struct dump *d)
{
	errcode_t err;
	ext2_filsys fs;

	err = ext2fs_open2(d->src.device, NULL, EXT2_FLAG_64BITS, 0, 0,
	    unix_io_manager, &fs);
	if (err) {
		msg("%s: cannot open the filesystem: %s%s\n", d->src.device,
		    error_message(err), d->src.magic != NULL ?
		    " (the filesystem looks corrupt)" : "");
		return -1;
	}
	d->src.fs = fs;
	d->src.blocksize = fs->blocksize;
	if (d->opt.verbose) {
		char uuid[SOURCE_UUIDLEN];

		source_uuid(d, uuid, sizeof(uuid));
		verbose(d, "%s: UUID %s, volume name \"%.*s\"\n",
		    d->src.device, uuid, (int)sizeof(fs->super->s_volume_name),
		    fs->super->s_volume_name);
	}
	d->src.maxino = fs->super->s_inodes_count;
	if (fs->blocksize > 65536 || fs->blocksize < 1024) {
		msg("%s: unsupported block size %u\n", d->src.device,
		    fs->blocksize);
		return -1;
	}
	if (ext2fs_has_feature_journal_needs_recovery(fs->super) &&
	    strcmp(d->src.filesys, "an unlisted file system") == 0)
		warnmsg(d, "%s: the journal needs recovery; files changed "
		    "in it are dumped as they were before\n", d->src.device);
	return 0;
}

/*
 * Resolve, identify and open the source named on the command line.
 * Returns 0 or -1 after one clear message.
 */
int
source_open(struct dump *d)
{
	const char *arg = d->opt.source;
	struct stat st;

	if (stat(arg, &st) == -1) {
		msg("cannot open %s: %s\n", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (resolve_mountpoint(d, arg) == -1)
			return -1;
		if (stat(d->src.device, &st) == -1) {
			msg("%s (the device of %s): %s\n", d->src.device, arg,
			    strerror(errno));
			return -1;
		}
	} else if (S_ISBLK(st.st_mode) || S_ISREG(st.st_mode)) {
		d->src.device = strdup(arg);
		d->src.filesys = find_mountpoint("/proc/self/mounts", arg, &st);
		if (d->src.filesys == NULL)
			d->src.filesys = find_mountpoint("/etc/fstab", arg, &st);
		if (d->src.filesys == NULL)
			d->src.filesys = strdup("an unlisted file system");
	} else {
		msg("%s is not a block device, an image file or a mount "
		    "point\n", arg);
		return -1;
	}
	if (d->src.device == NULL || d->src.filesys == NULL) {
		msg("out of memory\n");
		return -1;
	}
	if (source_identify(d) == -1 || source_ext2fs(d) == -1)
		return -1;
	return 0;
}

void
source_close(struct dump *d)
{
	if (d->src.fs != NULL)
		ext2fs_close_free(&d->src.fs);
	free(d->src.device);
	free(d->src.filesys);
	free(d->src.magic);
	memset(&d->src, 0, sizeof(d->src));
}
