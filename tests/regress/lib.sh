# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers for the round-trip tests: build staging trees and ext2/3/4
# images without mounting anything, dump them with $OPDUMP, rebuild them with
# $RESTORE and compare with $TREECMP.  Each test sources this file, works only
# inside $TESTTMP and exits 0 (pass), 77 (skip) or anything else (fail).
#
# The runner sets OPDUMP, TREECMP, RESTORE and TESTTMP.  When a test is run by
# hand they default to build/opdump, a treecmp built on the fly, /sbin/restore
# and a private directory that is removed on exit.

set -u
export LC_ALL=C TZ=UTC

REGRESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPDIR=$(cd "$REGRESS_DIR/../.." && pwd)
TESTNAME=$(basename "$0" .sh)
RESTORE=${RESTORE:-/sbin/restore}
OPDUMP=${OPDUMP:-$TOPDIR/build/opdump}
PATH=$PATH:/sbin:/usr/sbin

CLEANUPS=()

# Commands registered here run at exit, last first, whatever the outcome:
# loop devices must never outlive a test.
at_exit()
{
	CLEANUPS+=("$*")
}

run_cleanups()
{
	local i

	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[i]}" >/dev/null 2>&1
	done
}
trap run_cleanups EXIT

fail()
{
	echo "FAIL: $TESTNAME: $*" >&2
	exit 1
}

skip()
{
	echo "SKIP: $TESTNAME: $*"
	exit 77
}

note()
{
	echo "$TESTNAME: $*"
}

# Show the first lines of a log file on stderr, to explain a failure.
show()
{
	local f

	for f; do
		[ -s "$f" ] || continue
		echo "--- $(basename "$f"):" >&2
		head -n 40 "$f" >&2
	done
}

if [ -z "${TESTTMP:-}" ]; then
	TESTTMP=$(mktemp -d /tmp/opdump-regress.XXXXXX) || exit 2
	at_exit rm -rf "$TESTTMP"
fi
[ -d "$TESTTMP" ] || fail "TESTTMP=$TESTTMP is not a directory"
TESTTMP=$(cd "$TESTTMP" && pwd)
# restore -r names its scratch files $TMPDIR/rstdir<dump date> and opens them
# with O_EXCL: two restores of dumps made in the same second, even in other
# tests or by other users, collide in a shared /tmp.
export TMPDIR=$TESTTMP/tmp
mkdir -p "$TMPDIR" || fail "mkdir $TMPDIR"

# Make sure command $1 exists, installing Debian package $2 when we are root;
# otherwise skip.  A fresh CI machine has neither acl nor attr nor dosfstools.
need()
{
	local cmd=$1 pkg=$2

	command -v "$cmd" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq -o DPkg::Lock::Timeout=120 "$pkg" \
		    >/dev/null 2>&1 ||
		    { apt-get update -qq >/dev/null 2>&1 &&
		    apt-get install -y -qq -o DPkg::Lock::Timeout=120 "$pkg" \
		    >/dev/null 2>&1; }
	fi
	command -v "$cmd" >/dev/null 2>&1 ||
	    skip "$cmd is missing and package $pkg could not be installed"
}

# The tools every test needs; the optional ones are checked where used.
[ "$(id -u)" = 0 ] || skip "must run as root (device nodes, chown, xattrs)"
for t in mke2fs debugfs timeout; do
	command -v $t >/dev/null 2>&1 || skip "$t not found"
done
[ -x "$RESTORE" ] || skip "no restore at $RESTORE (Debian package dump)"
# Only the test of treecmp itself may run without opdump.
[ -n "${LIB_NO_OPDUMP:-}" ] || [ -x "$OPDUMP" ] ||
    fail "OPDUMP=$OPDUMP is not executable"
if [ -z "${TREECMP:-}" ]; then
	TREECMP=$TESTTMP/treecmp
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o "$TREECMP" \
	    "$TOPDIR/tests/treecmp.c" || fail "cannot build treecmp"
fi
[ -x "$TREECMP" ] || fail "TREECMP=$TREECMP is not executable"

TAPELS=${TAPELS:-$(dirname "$OPDUMP")/tapels}

# wait_rc FILE: the number a finished tmux session wrote to FILE, waiting
# up to 30 s for it; "timeout" if it never came.
wait_rc()
{
	local i

	for ((i = 0; i < 300; i++)); do
		[ -s "$1" ] && { cat "$1"; return; }
		sleep 0.1
	done
	echo timeout
}

# mvcorpus DIR: the corpus plus a file several volumes long, for the
# multi-volume tests; its image goes to $TESTTMP/img.
mvcorpus()
{
	mkcorpus "$1" 300
	rnd $((3 * 1024 * 1024 + 123)) >"$1/huge" || fail "huge file"
	touch -d @$T_MTIME "$1/huge" "$1"
	mkimage "$1" "$TESTTMP/img" ext4 -b 4096
}

# mvdump LOG ARGS...: opdump with ARGS on $TESTTMP/img, answers from
# $TESTTMP/answers if it exists; no terminal, so a question nobody
# answers aborts the dump instead of waiting.  Returns opdump's status.
mvdump()
{
	local log=$1

	shift
	SEQ=$((SEQ + 1))
	if [ -f "$TESTTMP/answers" ]; then
		export OPDUMP_ANSWERS=$TESTTMP/answers
	else
		unset OPDUMP_ANSWERS
	fi
	setsid -w timeout 300 "$OPDUMP" "$@" "$TESTTMP/img" </dev/null \
	    >/dev/null 2>"$log"
}

# mvcheck PREFIX DIR [RESTORE-ARGS]: restore the set PREFIX001... with
# restore -M and compare it with DIR.
mvcheck()
{
	local dir=$TESTTMP/restored.$SEQ

	run_restore "$1" "$dir" -M "${@:3}"
	compare "$2" "$dir"
	rm -rf "$dir"
}

# Print N random bytes: random data catches misplaced blocks, and any run
# compares against its own staging tree.
rnd()
{
	head -c "$1" /dev/urandom
}

# Create a Unix socket at $1.  debugfs's mknod makes only FIFOs and devices
# and python3 may be absent, so a five-line C helper bind(2)s it; cc is
# needed for treecmp anyway.
mksock()
{
	local helper=$TESTTMP/.mksock

	if [ ! -x "$helper" ]; then
		cat >"$helper.c" <<-'EOF'
		#include <sys/socket.h>
		#include <sys/un.h>
		#include <string.h>
		int main(int argc, char **argv) {
			struct sockaddr_un a = { .sun_family = AF_UNIX };
			int s = socket(AF_UNIX, SOCK_STREAM, 0);
			if (argc != 2 || s < 0 || strlen(argv[1]) >= sizeof(a.sun_path))
				return 1;
			strcpy(a.sun_path, argv[1]);
			return bind(s, (struct sockaddr *)&a, sizeof(a)) != 0;
		}
		EOF
		cc -o "$helper" "$helper.c" || fail "cannot build the socket helper"
	fi
	"$helper" "$1" || fail "cannot create socket $1"
}

# Fixed dates (seconds since the epoch, all before 2038 so that 128-byte
# inodes hold them).  Atime and mtime differ on purpose: a dump that swaps
# them is caught.
T_MTIME=981173106	# 2001-02-03 04:05:06
T_ATIME=1015125071	# 2002-03-03 03:11:11

# mkcorpus DIR [BIGXATTR]: a staging tree with every kind of inode the
# format carries.  BIGXATTR is the size of the large xattr value (default
# 1500); a 1 KiB-block image cannot hold more than about 900 in its EA block.
mkcorpus()
{
	local d=$1 big=${2:-1500}

	need setfacl acl
	need setfattr attr
	mkdir -p "$d" || fail "mkdir $d"
	setfattr -n user.probe -v 1 "$d" 2>/dev/null &&
	    setfattr -x user.probe "$d" ||
	    skip "the file system of $d has no user xattrs"
	# Not on the left of || : that would switch set -e off inside.
	(cd "$d" && corpus_populate "$big")
	[ $? -eq 0 ] || fail "cannot build the corpus"
	corpus_times "$d"
}

corpus_populate()
{
	local n

	set -e
	mkdir files links links/a links/b sym dev modes owners xattr acl \
	    many names
	for n in 0 1 1023 1024 1025 4096 10000 $((3 * 1048576 + 123)); do
		rnd $n >files/size$n
	done
	# Data at 0 and at 1 MiB, then a trailing hole up to 3 MiB.
	rnd 4096 >files/sparse
	rnd 4096 | dd of=files/sparse bs=4096 seek=256 conv=notrunc status=none
	truncate -s 3M files/sparse
	rnd 5000 >links/a/hard1
	ln links/a/hard1 links/b/hard2
	ln links/a/hard1 files/hard3
	ln -s ../files/size1 sym/fast
	ln -s "$(printf '%0200d' 0 | tr 0 L)" sym/slow
	ln -s no/such/target sym/dangling
	mknod dev/null c 1 3
	mknod dev/loop200 b 7 200
	mkfifo dev/fifo
	mksock dev/sock
	corpus_modes
	corpus_xattrs "$1"
	mkdir -p deep/1/2/3/4/5
	rnd 77 >deep/1/2/3/4/5/leaf
	(cd many && touch entry-{0001..3000})
	rnd 33 >"names/with space"
	rnd 44 >"names/ünïcødé ☃ ε"
	mkdir "names/dir with space"
	set +e
}

corpus_modes()
{
	rnd 100 >modes/suid && chmod 4755 modes/suid
	rnd 100 >modes/sgid && chmod 2755 modes/sgid
	mkdir modes/sticky && chmod 1777 modes/sticky
	mkdir modes/sgiddir && chmod 2750 modes/sgiddir
	rnd 100 >modes/private && chmod 0600 modes/private
	rnd 100 >modes/none && chmod 0000 modes/none
	rnd 10 >owners/high && chown 70000:80000 owners/high
	rnd 10 >owners/mid && chown 1234:5678 owners/mid
	mkdir owners/highdir && chown 70000:80000 owners/highdir
	ln -s target owners/link && chown -h 1234:5678 owners/link
}

# User xattrs (small, binary and large), a directory with xattrs, an access
# ACL on a file, and access plus default ACLs on a directory with a file
# created afterwards that inherits the default.
corpus_xattrs()
{
	local hex

	rnd 10 >xattr/small
	setfattr -n user.colour -v blue xattr/small
	setfattr -n user.shape -v round xattr/small
	hex=$(rnd "$1" | od -An -tx1 -v | tr -d ' \n')
	rnd 10 >xattr/big
	setfattr -n user.big -v "0x$hex" xattr/big
	setfattr -n user.dir -v here xattr
	rnd 10 >acl/file
	setfacl -m u:70000:r--,g:5678:rw- acl/file
	mkdir acl/dir
	setfacl -m u:1234:rwx,g:5678:r-x acl/dir
	setfacl -d -m u:1234:rwx,g::r-x,o::--- acl/dir
	rnd 10 >acl/dir/inherits
}

# Give every entry of the corpus fixed past dates: one per sized file so that
# mixed-up inodes show, a fraction of a second that the format drops, and
# the common pair for the rest.  Touching an entry leaves its directory's
# mtime alone, so the order does not matter once everything is created.
corpus_times()
{
	local d=$1 f t=$((T_MTIME - 86400))

	find "$d" -exec touch -h -m -d @$T_MTIME {} + &&
	    find "$d" -exec touch -h -a -d @$T_ATIME {} + ||
	    fail "cannot set times in $d"
	for f in "$d"/files/size*; do
		t=$((t - 86400 * 7 - 1))
		touch -m -d @$t "$f"
	done
	touch -d @$((T_MTIME - 5)).5 "$d/files/size1"
	touch -h -d @$((T_MTIME + 1)) "$d/sym/slow" "$d/dev/fifo"
}

# Remember the atimes of a tree in a file, and put them back.  Reading a
# directory or file moves its atime (relatime does whenever atime <= ctime,
# always true here); mke2fs -d copies the atime it sees before reading, so
# the tree must be pristine before mke2fs and made pristine again after.
atimes_save()
{
	find "$1" -printf '%A@ %p\n' | sort -n >"$2"
	# find read the directories after printing them.
	atimes_restore "$2"
}

atimes_restore()
{
	local t p last='' batch=()

	while read -r t p; do
		if [ "$t" != "$last" ] && [ ${#batch[@]} -gt 0 ]; then
			touch -h -a -d "@$last" -- "${batch[@]}"
			batch=()
		fi
		last=$t
		batch+=("$p")
	done <"$1"
	[ ${#batch[@]} -eq 0 ] || touch -h -a -d "@$last" -- "${batch[@]}"
}

# mkimage STAGING IMG FSTYPE [mke2fs options...]: an image of the staging
# tree.  The size is what the tree occupies plus a quarter, a KiB per entry
# and 16 MiB for the journal and metadata.  mke2fs -d does not copy the
# staging root's attributes to inode 2, so debugfs sets them: restore -r
# applies them to the directory it restores into.
mkimage()
{
	local src=$1 img=$2 fstype=$3 kib entries ratime inodes=()
	local log=$TESTTMP/mke2fs.log

	shift 3
	ratime=$(stat -c %X "$src")
	atimes_save "$src" "$TESTTMP/atimes"
	kib=$(du -sk "$src" | cut -f1)
	entries=$(wc -l <"$TESTTMP/atimes")
	case " $* " in
	*" -N "* | *" -i "*) ;;
	*) inodes=(-N $((entries + entries / 2 + 64))) ;;
	esac
	rm -f "$img"
	atimes_restore "$TESTTMP/atimes"
	mke2fs -q -F -t "$fstype" -d "$src" "${inodes[@]}" "$@" "$img" \
	    $((kib + kib / 4 + entries + 16384))k >"$log" 2>&1 ||
	    { show "$log"; fail "mke2fs -t $fstype $* failed"; }
	debugfs -w -f - "$img" >"$log" 2>&1 <<-EOF
	sif / mode 0x$(stat -c %f "$src")
	sif / uid $(stat -c %u "$src")
	sif / gid $(stat -c %g "$src")
	sif / mtime @$(stat -c %Y "$src")
	sif / atime @$ratime
	EOF
	grep -q '^sif:' "$log" && { show "$log"; fail "debugfs on $img"; }
	atimes_restore "$TESTTMP/atimes"
	# mke2fs -d adds entries without building hash trees; e2fsck -D
	# indexes every directory of more than one block when dir_index is on.
	if dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem features:.*dir_index'; then
		e2fsck -fyD "$img" >"$log" 2>&1
		[ $? -le 1 ] || { show "$log"; fail "e2fsck -D $img"; }
	fi
	# mke2fs 1.47.0 -d miscounts i_blocks of files with an EA inode; let
	# e2fsck repair that, and insist on a clean image afterwards.
	e2fsck -fn "$img" >"$log" 2>&1 && return 0
	e2fsck -fy "$img" >"$log" 2>&1
	e2fsck -fn "$img" >"$log" 2>&1 || { show "$log"; fail "e2fsck $img"; }
	note "e2fsck had to repair what mke2fs -d built"
}

SEQ=0

# run_opdump VOL [options...] SOURCE: dump to VOL (not to stdout), check the
# exit status and the last line of the messages.  The messages stay in
# $TESTTMP/opdump.N.err.
run_opdump()
{
	local vol=$1

	shift
	opdump_args "$TESTTMP/opdump.$((SEQ + 1)).out" -0 -f "$vol" "$@"
}

# opdump_args OUT ARGS...: run opdump with exactly ARGS, its standard output
# into OUT, and check that it succeeded.
opdump_args()
{
	local out=$1 err

	shift
	SEQ=$((SEQ + 1))
	err=$TESTTMP/opdump.$SEQ.err
	timeout 300 "$OPDUMP" "$@" </dev/null >"$out" 2>"$err"
	check_done $? "$err" "opdump $*"
}

# check_done STATUS ERRFILE WHAT: a dump must exit 0 and end with DUMP IS DONE.
check_done()
{
	if [ "$1" -ne 0 ]; then
		show "$2"
		fail "$3: exit status $1"
	fi
	if [ "$(tail -n 1 "$2")" != "  DUMP: DUMP IS DONE" ]; then
		show "$2"
		fail "$3: messages do not end with '  DUMP: DUMP IS DONE'"
	fi
}

# run_restore VOL DIR [restore options...]: restore -r VOL into a new DIR.
# Restore -r must start in an empty directory and leaves restoresymtable.
run_restore()
{
	local vol=$1 dir=$2 log=$TESTTMP/restore.$SEQ.log

	shift 2
	mkdir "$dir" || fail "mkdir $dir"
	(cd "$dir" && timeout 300 "$RESTORE" -r "$@" -f "$vol") \
	    </dev/null >"$log" 2>&1 ||
	    { show "$log"; fail "restore -r $* -f $vol failed"; }
	# restore -r says nothing when all goes well; anything it says is
	# a complaint about the volume.  The caller decides when to fail, so
	# that the tree comparison is shown too.
	restore_check "$log" "restore -r $* -f $vol"
}

# restore_check LOG WHAT: note whether restore complained in LOG.  Restore
# opens /dev/tty for its questions when the volume comes on standard input;
# without a terminal (CI) it says so, which is not the volume's fault.
restore_check()
{
	RESTORE_COMPLAINED=
	# "Dump tape is compressed." announces a compressed set.
	grep -v -e '^[^ ]*restore: cannot open /dev/tty: ' \
	    -e '^Dump tape is compressed\.$' "$1" >"$1.real"
	[ -s "$1.real" ] && RESTORE_COMPLAINED="$2 complained"
	return 0
}

# Fail now if the last restore printed anything.
restore_quiet()
{
	[ -z "$RESTORE_COMPLAINED" ] && return 0
	show "$TESTTMP/restore.$SEQ.log.real"
	fail "$RESTORE_COMPLAINED"
}

# compare EXPECTED ACTUAL [treecmp options]: run treecmp, fail on differences.
compare()
{
	local exp=$1 act=$2 log=$TESTTMP/treecmp.$SEQ.log

	shift 2
	if ! "$TREECMP" -i restoresymtable -i lost+found "$@" "$exp" "$act" \
	    >"$log" 2>&1; then
		show "$log"
		[ -z "${RESTORE_COMPLAINED:-}" ] ||
		    show "$TESTTMP/restore.$SEQ.log.real"
		fail "restored tree differs from $exp ($(tail -n 1 "$log"))"
	fi
	restore_quiet
}

# roundtrip IMG EXPECTED_DIR [opdump options...]: dump IMG, restore it and
# compare the result with EXPECTED_DIR.
roundtrip()
{
	local img=$1 exp=$2 vol dir

	shift 2
	vol=$TESTTMP/vol.$((SEQ + 1))
	run_opdump "$vol" "$@" "$img"
	verify "$vol" "$exp"
}

# verify VOL EXPECTED_DIR [restore options...]: restore VOL into a new
# directory and compare it with EXPECTED_DIR; both are removed if they match.
verify()
{
	local vol=$1 exp=$2 dir=$TESTTMP/restored.$SEQ

	shift 2
	run_restore "$vol" "$dir" "$@"
	compare "$exp" "$dir"
	rm -rf "$vol" "$dir"
}

# loop_attach IMG: attach IMG read-only to a loop device, named in LOOPDEV
# and detached at exit; skips the test when loop devices cannot be had.
loop_attach()
{
	command -v losetup >/dev/null 2>&1 || skip "no losetup"
	LOOPDEV=$(losetup -r -f --show "$1" 2>"$TESTTMP/losetup.err") ||
	    skip "losetup failed: $(head -n 1 "$TESTTMP/losetup.err")"
	at_exit losetup -d "$LOOPDEV"
}

# has_features IMG FEATURE...: fail unless the image has every feature, so
# that a test never passes on an image that misses what it is about.
has_features()
{
	local img=$1 f feats

	shift
	feats=" $(dumpe2fs -h "$img" 2>/dev/null |
	    sed -n 's/^Filesystem features: *//p') "
	for f; do
		case $feats in
		*" $f "*) ;;
		*) fail "$(basename "$img") lacks feature $f (has:$feats)" ;;
		esac
	done
}

# htree_dir IMG PATH: fail unless PATH is a hash-indexed directory in IMG,
# so that the corpus's 3000-entry directory really exercises htree.
htree_dir()
{
	debugfs -R "htree $2" "$1" 2>&1 | grep -q '^Root node dump:' ||
	    fail "$2 is not an htree directory in $(basename "$1")"
}
