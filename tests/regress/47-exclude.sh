# SPDX-License-Identifier: BSD-2-Clause
# Every way to leave inodes out: -e (a file, a directory and its subtree),
# -E (a list file; a bad line is named), and the nodump flag at level 0
# with -h 1 (not honoured) and -h 0 (honoured: a file, and a directory with
# everything below it), and at level 1.  What is left out is neither on
# the volume nor among its directory's entries, so restore -r gives the
# staging tree without it.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/incr.sh"

S=$TESTTMP/stage
img=$TESTTMP/img

populate()
{
	set -e
	mkdir -p keep skipdir/sub listed nod noddir/inner
	rnd 1000 >keep/file
	rnd 1100 >keep/skip
	rnd 1200 >skipdir/sub/deep
	rnd 1300 >skipdir/top
	rnd 1400 >listed/a
	rnd 1500 >listed/b
	rnd 1600 >listed/c
	rnd 1700 >nod/file
	rnd 1800 >nod/other
	rnd 1900 >noddir/inner/deep
	rnd 2000 >noddir/top
	set +e
}
mkdir "$S" || fail "mkdir"
(cd "$S" && populate) || fail "cannot build the staging tree"
find "$S" -exec touch -h -d @$T_MTIME {} + || fail "touch"
mkimage "$S" "$img" ext4 -b 4096

# ino PATH: the inode number of PATH in the image.
ino()
{
	debugfs -R "stat $1" "$img" 2>/dev/null |
	    sed -n 's/^Inode: \([0-9]*\) .*/\1/p'
}

# nodump PATH...: set the nodump flag (chattr +d) in the image.
nodump()
{
	local p f

	for p; do
		f=$(debugfs -R "stat $p" "$img" 2>/dev/null |
		    sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p')
		[ -n "$f" ] || fail "no flags for $p"
		echo "sif $p flags $(printf '0x%x' $((f | 0x40)))"
	done | dbg "$img"
}

# without EXP PATH...: the staging tree copied to EXP less PATHs, their
# directories' mtimes kept as they were.
without()
{
	local exp=$1 p

	shift
	rm -rf "$exp"
	cp -a "$S" "$exp" || fail "cp"
	for p; do
		rm -rf "${exp:?}/$p" || fail "rm"
		touch -d @"$(stat -c %Y "$S/$(dirname "$p")")" \
		    "$exp/$(dirname "$p")" || fail "touch"
	done
}

# check NAME EXP [opdump options]: dump the image to NAME with the options,
# restore it, compare with EXP.
check()
{
	local vol=$TESTTMP/$1 exp=$2 dir=$TESTTMP/r.$1

	shift 2
	opdump_args /dev/null -0 -f "$vol" "$@" "$img"
	run_restore "$vol" "$dir"
	# Copying the staging tree moved its atimes: not what this is about.
	compare "$exp" "$dir" --no-atime
}

# -e: a file, and a directory whose whole subtree goes with it; -v says so.
skip=$(ino /keep/skip)
skipdir=$(ino /skipdir)
[ -n "$skip" ] && [ -n "$skipdir" ] || fail "no inode numbers"
without "$TESTTMP/exp.e" keep/skip skipdir
check e "$TESTTMP/exp.e" -v -e "$skip,$skipdir"
grep -qxF "  DUMP: Excluding inode $skip from dump" "$TESTTMP/opdump.$SEQ.err" ||
    { show "$TESTTMP/opdump.$SEQ.err"; fail "-v does not name the inode"; }
unlisted "$TESTTMP/e" ./keep/skip ./skipdir ./skipdir/sub/deep ./skipdir/top

# -E: one number a line, blanks and spaces allowed; then a bad line.
printf '%s\n\n  %s \n' "$(ino /listed/a)" "$(ino /listed/c)" >"$TESTTMP/list"
without "$TESTTMP/exp.E" listed/a listed/c
check E "$TESTTMP/exp.E" -E "$TESTTMP/list"
printf '%s\n\nfoo\n' "$(ino /listed/a)" >"$TESTTMP/bad"
"$OPDUMP" -0 -E "$TESTTMP/bad" -f "$TESTTMP/bad.vol" "$img" 2>"$TESTTMP/bad.err"
[ $? -eq 1 ] || fail "-E with a bad line: exit status not 1"
grep -qxF "  DUMP: Invalid inode argument foo in $TESTTMP/bad, line 3" \
    "$TESTTMP/bad.err" || { show "$TESTTMP/bad.err"; fail "-E: bad line not named"; }
"$OPDUMP" -0 -e 2 -f "$TESTTMP/bad.vol" "$img" 2>"$TESTTMP/bad.err" &&
    fail "-e 2: the root was left out"
[ -e "$TESTTMP/bad.vol" ] && fail "a refused dump wrote a volume"

# nodump: not honoured at level 0 by default (-h 1); honoured with -h 0,
# a flagged directory taking its subtree along.
nodump /nod/file /noddir
check h1 "$S"
without "$TESTTMP/exp.h0" nod/file noddir
check h0 "$TESTTMP/exp.h0" -h 0
unlisted "$TESTTMP/h0" ./nod/file ./noddir ./noddir/inner/deep

# At level 1 (honoured by default): a changed flagged file and a changed
# file below a flagged directory stay off the incremental, and so does a
# changed file given with -e.
DD=$TESTTMP/dumpdates
tick
opdump_args /dev/null -0u -D "$DD" -f "$TESTTMP/l0" "$img"
tick
rnd 100 >>"$S/nod/other" || fail "rnd"
dbg "$img" <<EOF
rm /nod/other
write $S/nod/other /nod/other
EOF
sync_inodes "$img" "$S" nod nod/other
now=$(date +%s)
dbg "$img" <<EOF
sif /nod/file ctime @$now
sif /noddir/inner/deep ctime @$now
sif /keep/file ctime @$now
sif /keep ctime @$now
EOF
tick
opdump_args /dev/null -1u -D "$DD" -e "$(ino /keep/file)" -f "$TESTTMP/l1" "$img"
listed "$TESTTMP/l1" ./nod/other ./keep
unlisted "$TESTTMP/l1" ./nod/file ./noddir ./noddir/inner ./noddir/inner/deep \
    ./keep/file
