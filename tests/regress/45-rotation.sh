# SPDX-License-Identifier: BSD-2-Clause
# A rotation: level 0, changes, level 1, changes, level 2, changes, level 1
# again, all recorded with -u in a private dumpdates file.  restore -r of
# each chain (0 1; 0 1 2; 0 and the last 1) in a fresh directory must equal
# the staging tree as it was at that dump, file by file, deleted files
# absent.  The image changes through debugfs (see incr.sh), which keeps
# inode numbers: changed inodes stay the same inode, freed ones get reused.
#
# Times: debugfs sets no times, so sync_inodes gives each changed inode the
# staging mtime and a ctime of now, and tick puts every dump in a second of
# its own after the changes it must see.  Then each level holds exactly
# what changed since the dump it builds on, and the listings below can say
# what must not be there.  Atimes are not compared: reading the staging
# tree moves them and debugfs cannot follow.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/incr.sh"

S=$TESTTMP/stage
img=$TESTTMP/img
DD=$TESTTMP/dumpdates

# dump LEVEL NAME: a dump of the image into $TESTTMP/NAME, recorded.
dump()
{
	tick
	opdump_args /dev/null -"$1"u -b 1 -D "$DD" -f "$TESTTMP/$2" "$img"
	cp "$TESTTMP/opdump.$SEQ.err" "$TESTTMP/$2.err"
	note "level $1 ($2): $(blocks "$TESTTMP/$2.err") records, $(listing "$TESTTMP/$2" | wc -l) names"
}

base()
{
	set -e
	mkdir -p keep/deep docs olddir/sub other perm link
	rnd 5000 >keep/deep/file1
	rnd 100 >keep/file2
	rnd 3000 >docs/a.txt
	rnd 1000 >docs/b.txt
	rnd 2000 >docs/c.txt
	rnd 20000 >docs/trunc
	rnd 5000 >docs/grow
	rnd 100 >olddir/x
	rnd 200 >olddir/sub/y
	rnd 300 >perm/file
	rnd 400 >link/orig
	rnd 500 >victim
	set +e
}
mkdir "$S" || fail "mkdir"
(cd "$S" && base) || fail "cannot build the staging tree"
find "$S" -exec touch -h -d @$T_MTIME {} + || fail "touch"
mkimage "$S" "$img" ext4 -b 4096
dump 0 vol0

# Changes 1: new files, appends (inside the last block, and past it with
# a new inode), a deletion, a truncation, a renamed directory, a new mode
# and owner (ctime only), a new hard link, a file replaced by a directory.
(
	set -e
	cd "$S"
	head -c 500 /dev/zero | tr '\0' A >>docs/b.txt
	rm docs/c.txt
	truncate -s 1000 docs/trunc
	rnd 7000 >>docs/grow
	mv olddir newdir
	chmod 600 perm/file
	chown 1234:5678 perm/file
	ln link/orig link/second
	rm victim
	mkdir victim
	rnd 50 >victim/inside
	mkdir new
	rnd 60 >new/n1
	rnd 70 >docs/n2
) || fail "changes 1 (staging)"
dbg "$img" <<EOF
zap_block -f /docs/b.txt -o 1000 -l 500 -p 0x41 0
sif /docs/b.txt size 1500
rm /docs/c.txt
punch /docs/trunc 1
sif /docs/trunc size 1000
rm /docs/grow
write $S/docs/grow /docs/grow
ln /olddir /newdir
unlink /olddir
ln /link/orig /link/second
sif /link/orig links_count 2
rm /victim
mkdir /victim
write $S/victim/inside /victim/inside
mkdir /new
write $S/new/n1 /new/n1
write $S/docs/n2 /docs/n2
EOF
sync_inodes "$img" "$S" . docs docs/b.txt docs/trunc docs/grow docs/n2 \
    newdir perm/file link link/orig victim victim/inside new new/n1
img_clean "$img"
cp -a "$S" "$TESTTMP/snap1" || fail "cp"
dump 1 vol1a

# Changes 2: an mtime moved without a ctime change (debugfs can; dump
# looks at both), a file rewritten, a directory and its file deleted, a
# directory moved to another parent (e2fsck mends its ".." and the link
# counts, as rename(2) would have), a new symlink.
(
	set -e
	cd "$S"
	rnd 150 >newdir/x
	rm -r new
	mv newdir/sub other/sub
	ln -s a.txt docs/sym
	touch -m -d @"$(date +%s)" docs/a.txt
) || fail "changes 2 (staging)"
dbg "$img" <<EOF
sif /docs/a.txt mtime @$(stat -c %Y "$S/docs/a.txt")
rm /newdir/x
write $S/newdir/x /newdir/x
rm /new/n1
rmdir /new
ln /newdir/sub /other/sub
unlink /newdir/sub
symlink /docs/sym a.txt
EOF
e2fsck -fy "$img" >"$TESTTMP/e2fsck.log" 2>&1
[ $? -le 1 ] || { show "$TESTTMP/e2fsck.log"; fail "e2fsck -fy"; }
sync_inodes "$img" "$S" . docs docs/sym newdir newdir/x other other/sub
img_clean "$img"
cp -a "$S" "$TESTTMP/snap2" || fail "cp"
dump 2 vol2

# Changes 3: the directory that replaced a file goes, a new file, a new
# owner, a hard link removed.
(
	set -e
	cd "$S"
	rm -r victim
	rnd 80 >newdir/late
	chown 70000:80000 perm/file
	rm link/second
) || fail "changes 3 (staging)"
dbg "$img" <<EOF
rm /victim/inside
rmdir /victim
write $S/newdir/late /newdir/late
unlink /link/second
sif /link/orig links_count 1
EOF
sync_inodes "$img" "$S" . newdir newdir/late perm/file link link/orig
img_clean "$img"
dump 1 vol1b

# What each level holds: the changes since the dump it builds on and the
# directories above them; unchanged subtrees stay off.
listed "$TESTTMP/vol1a" ./new/n1 ./docs/b.txt ./docs/grow ./newdir \
    ./perm/file ./link/second ./victim/inside
unlisted "$TESTTMP/vol1a" ./keep ./keep/deep/file1 ./docs/a.txt ./other \
    ./newdir/x
listed "$TESTTMP/vol2" ./docs/a.txt ./docs/sym ./newdir/x ./other/sub
unlisted "$TESTTMP/vol2" ./keep ./docs/b.txt ./docs/grow ./perm/file \
    ./other/sub/y ./victim
listed "$TESTTMP/vol1b" ./docs/b.txt ./docs/a.txt ./newdir/late \
    ./perm/file ./other/sub
unlisted "$TESTTMP/vol1b" ./keep ./victim ./new ./link/second
grep -q '^  DUMP: Date of last level 0 dump: ' "$TESTTMP/vol1b.err" ||
    fail "the second level 1 does not build on the level 0"
grep -q '^  DUMP: Date of last level 1 dump: ' "$TESTTMP/vol2.err" ||
    fail "the level 2 does not build on the level 1"
[ "$(cut -d' ' -f1-2 "$DD" | tr '\n' ,)" = "$img 0,$img 1,$img 2," ] ||
    { show "$DD"; fail "dumpdates should hold levels 0, 1, 2 in order"; }

restore_chain "$TESTTMP/r1" "$TESTTMP/vol0" "$TESTTMP/vol1a"
compare "$TESTTMP/snap1" "$TESTTMP/r1" --no-atime
restore_chain "$TESTTMP/r2" "$TESTTMP/vol0" "$TESTTMP/vol1a" "$TESTTMP/vol2"
compare "$TESTTMP/snap2" "$TESTTMP/r2" --no-atime
restore_chain "$TESTTMP/r3" "$TESTTMP/vol0" "$TESTTMP/vol1b"
compare "$S" "$TESTTMP/r3" --no-atime
