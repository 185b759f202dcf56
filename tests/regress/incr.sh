# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the tests of incremental dumps, sourced after lib.sh.  Images
# change between dumps through debugfs -w, never a mount: an image cannot be
# mounted everywhere the tests run, and debugfs keeps inode numbers, so an
# incremental sees the same inode changed, freed or reused, as on a live
# filesystem.  A staging tree is changed in step and is what the restored
# tree must equal.  debugfs leaves times alone, so every change ends with
# sync_inodes, which sets what the kernel would have set.

# dbg IMG: run the debugfs commands on standard input against IMG, read and
# write; fail on any complaint (debugfs itself exits 0 whatever happens).
dbg()
{
	local img=$1 log=$TESTTMP/debugfs.log

	debugfs -w -f - "$img" >"$log" 2>"$log.err"
	grep -v '^debugfs [0-9]' "$log.err" >"$log.real"
	if [ -s "$log.real" ]; then
		show "$log.real"
		fail "debugfs on $(basename "$img")"
	fi
	return 0
}

# sync_inodes IMG STAGE PATH...: give each PATH of the image (relative to
# the root, "." for the root) the staging tree's mode, owner and mtime, and
# a ctime of now, as the change would have on a mounted filesystem.
sync_inodes()
{
	local img=$1 stage=$2 p ip now

	shift 2
	now=$(date +%s)
	for p; do
		ip=/${p#.}
		ip=${ip#/}
		ip=/$ip
		stat -c "sif $ip mode 0x%f
sif $ip uid %u
sif $ip gid %g
sif $ip mtime @%Y
sif $ip ctime @$now" "$stage/$p" || fail "stat $stage/$p"
	done | dbg "$img"
}

# img_clean IMG: the image must pass e2fsck untouched, or the changes made
# to it are not what a filesystem would hold and the test proves nothing.
img_clean()
{
	e2fsck -fn "$1" >"$TESTTMP/e2fsck.log" 2>&1 ||
	    { show "$TESTTMP/e2fsck.log"; fail "e2fsck $(basename "$1")"; }
}

# tick: wait for the clock to enter a new second.  Dump dates and inode
# times have one-second resolution and a level N dump takes what changed
# at or after the date of the dump it builds on: a change made in the same
# second as that dump would show up in the next level again too.
tick()
{
	local t

	t=$(date +%s)
	while [ "$(date +%s)" = "$t" ]; do
		sleep 0.05
	done
}

# restore_chain DIR VOL...: restore -r each volume in turn into a new
# DIR, as an operator restores a level 0 and then its incrementals.
# Restore says nothing when all goes well.
restore_chain()
{
	local dir=$1 vol log

	shift
	mkdir "$dir" || fail "mkdir $dir"
	for vol; do
		SEQ=$((SEQ + 1))
		log=$TESTTMP/restore.$SEQ.log
		(cd "$dir" && timeout 300 "$RESTORE" -r -f "$vol") \
		    </dev/null >"$log" 2>&1 ||
		    { show "$log"; fail "restore -r -f $vol in $dir failed"; }
		restore_check "$log" "restore -r -f $(basename "$vol")"
		restore_quiet
	done
}

# listing VOL: the names restore -t lists, one a line, sorted.
listing()
{
	"$RESTORE" -t -f "$1" </dev/null 2>/dev/null |
	    sed -n 's/^ *[0-9][0-9]*[[:space:]]*//p' | sort
}

# listed VOL NAME...: fail unless restore -t lists every NAME.
listed()
{
	local vol=$1 n

	shift
	listing "$vol" >"$TESTTMP/listing"
	for n; do
		grep -qxF -- "$n" "$TESTTMP/listing" ||
		    { show "$TESTTMP/listing"; fail "$(basename "$vol") lacks $n"; }
	done
}

# unlisted VOL NAME...: fail if restore -t lists any NAME.
unlisted()
{
	local vol=$1 n

	shift
	listing "$vol" >"$TESTTMP/listing"
	for n; do
		grep -qxF -- "$n" "$TESTTMP/listing" &&
		    { show "$TESTTMP/listing"; fail "$(basename "$vol") holds $n"; }
	done
	return 0
}

# blocks ERRFILE: the record count of a finished dump, from its messages.
blocks()
{
	sed -n 's/^  DUMP: \([0-9][0-9]*\) blocks (.*/\1/p' "$1" | tail -n 1
}
