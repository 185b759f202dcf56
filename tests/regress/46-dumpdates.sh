# SPDX-License-Identifier: BSD-2-Clause
# dumpdates: dumps finishing together with -u all land; a malformed line
# stops a dump and names its line; a level with nothing below it becomes a
# level 0; -T names the since-date instead.  Then -W and -w, against
# tables of our own (OPDUMP_FSTAB, OPDUMP_MOUNTS) and, where a private
# mount namespace can be had, against Debian's dump reading the same files.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/incr.sh"

S=$TESTTMP/stage
img=$TESTTMP/img
DD=$TESTTMP/dumpdates
mkdir -p "$S/d" && rnd 3000 >"$S/d/old" || fail "staging"
touch -d @$T_MTIME "$S/d/old" "$S/d" "$S" || fail "touch"
mkimage "$S" "$img" ext4 -b 4096
# A second name for the filesystem: dumpdates records the name as given.
ln "$img" "$TESTTMP/other.img" || fail "ln"

# A helper that holds dump's fcntl lock on a file until it is killed: the
# dumps below must queue behind it and then behind each other.
cat >"$TESTTMP/lockhold.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = argc == 2 ? open(argv[1], O_RDWR | O_CREAT, 0644) : -1;
	if (fd < 0 || fcntl(fd, F_SETLKW, &fl) < 0)
		return 1;
	printf("locked\n");
	fflush(stdout);
	for (;;)
		pause();
}
EOF
cc -o "$TESTTMP/lockhold" "$TESTTMP/lockhold.c" || fail "cannot build lockhold"

# --- Three dumps finishing at once: two names, two levels of one name.
tick
opdump_args /dev/null -0u -D "$DD" -f /dev/null "$img"
tick
mkfifo "$TESTTMP/f1" "$TESTTMP/f2" "$TESTTMP/f3" || fail "mkfifo"
"$TESTTMP/lockhold" "$DD" >"$TESTTMP/locked" &
holder=$!
at_exit kill $holder
for i in $(seq 50); do
	grep -q locked "$TESTTMP/locked" && break
	sleep 0.1
done
grep -q locked "$TESTTMP/locked" || fail "lockhold did not lock"
# Each blocks opening its FIFO until the readers below come.
"$OPDUMP" -1u -D "$DD" -f "$TESTTMP/f1" "$img" 2>"$TESTTMP/c1.err" &
p1=$!
"$OPDUMP" -5u -D "$DD" -f "$TESTTMP/f2" "$img" 2>"$TESTTMP/c2.err" &
p2=$!
"$OPDUMP" -0u -D "$DD" -f "$TESTTMP/f3" "$TESTTMP/other.img" \
    2>"$TESTTMP/c3.err" &
p3=$!
at_exit kill $p1 $p2 $p3
# A reader whose dump died before opening its FIFO would wait forever.
for f in f1 f2 f3; do
	cat "$TESTTMP/$f" >/dev/null &
	at_exit kill $!
done
for i in $(seq 100); do
	[ "$(cat "$TESTTMP"/c[123].err | grep -c 'Average transfer')" = 3 ] &&
	    break
	sleep 0.1
done
[ "$(cat "$TESTTMP"/c[123].err | grep -c 'Average transfer')" = 3 ] ||
    { show "$TESTTMP"/c[123].err; fail "the dumps did not finish"; }
sleep 0.3
grep -q 'DUMP IS DONE' "$TESTTMP"/c[123].err &&
    fail "a dump updated dumpdates through another's lock"
kill $holder
wait $holder
for p in $p1 $p2 $p3; do
	wait $p || { show "$TESTTMP"/c[123].err; fail "a concurrent dump failed"; }
done
[ "$(cut -d' ' -f1-2 "$DD" | sort | tr '\n' ,)" = \
    "$img 0,$img 1,$img 5,$TESTTMP/other.img 0," ] ||
    { show "$DD"; fail "the concurrent updates did not all land"; }
ls "$TESTTMP" | grep -q '^dumpdates\.' && fail "a temporary file was left"

# --- A malformed line: named with its number; nothing written, no update.
cp "$DD" "$TESTTMP/dd.good"
printf '%s\n' "$(head -n 1 "$DD")" "" "$img 1 yesterday" >"$TESTTMP/dd.bad"
cp "$TESTTMP/dd.bad" "$TESTTMP/dd.orig"
for lv in 1 0; do
	"$OPDUMP" -${lv}u -D "$TESTTMP/dd.bad" -f "$TESTTMP/bad.vol" "$img" \
	    2>"$TESTTMP/bad.err"
	[ $? -eq 1 ] || { show "$TESTTMP/bad.err"; fail "level $lv: a bad dumpdates line did not stop the dump with exit 1"; }
	grep -qxF "  DUMP: Unknown format in $TESTTMP/dd.bad, line 3: $img 1 yesterday" \
	    "$TESTTMP/bad.err" || { show "$TESTTMP/bad.err"; fail "no line number"; }
	[ -e "$TESTTMP/bad.vol" ] && fail "a volume was written"
	cmp -s "$TESTTMP/dd.bad" "$TESTTMP/dd.orig" || fail "dumpdates changed"
done

# --- Nothing below: a level 0, said and recorded.
tick
opdump_args /dev/null -3u -D "$TESTTMP/dd.new" -f /dev/null "$img"
err=$TESTTMP/opdump.$SEQ.err
for line in "WARNING: no file \`$TESTTMP/dd.new', making an empty one" \
    "WARNING: There is no inferior level dump on this filesystem" \
    "WARNING: Assuming a level 0 dump by default"; do
	grep -qxF "  DUMP: $line" "$err" || { show "$err"; fail "no '$line'"; }
done
grep -q '^  DUMP: Date of this level 0 dump: ' "$err" || fail "not a level 0"
grep -q "^$img 0 " "$TESTTMP/dd.new" || fail "not recorded as a level 0"

# --- -T: changes since a date, no dumpdates read; "level ?" in the message.
since=$(($(date +%s) - 2))
rnd 100 >"$S/d/new" || fail "rnd"
dbg "$img" <<EOF
write $S/d/new /d/new
sif /d/old ctime @$T_MTIME
sif /d/new ctime @$((since + 1))
sif /d/new mtime @$((since + 1))
EOF
when=$(date -u -d @$since '+%a %b %e %H:%M:%S %Y')
opdump_args /dev/null -1 -T "$when +0000" -D "$TESTTMP/none" \
    -f "$TESTTMP/T.vol" "$img"
err=$TESTTMP/opdump.$SEQ.err
grep -qxF "  DUMP: Date of last level ? dump: $when" "$err" ||
    { show "$err"; fail "-T: no 'Date of last level ? dump'"; }
grep -q "no file" "$err" && fail "-T read dumpdates"
listed "$TESTTMP/T.vol" ./d/new
unlisted "$TESTTMP/T.vol" ./d/old
"$RESTORE" -t -f "$TESTTMP/T.vol" 2>/dev/null | grep -qxF "Dumped from: $when" ||
    fail "-T: the volume does not carry the since-date"
# The offset counts: an hour east of UTC is an hour earlier.
opdump_args /dev/null -1 -T "$when +0100" -f "$TESTTMP/T2.vol" "$img"
grep -qxF "  DUMP: Date of last level ? dump: $(date -u -d @$((since - 3600)) \
    '+%a %b %e %H:%M:%S %Y')" "$TESTTMP/opdump.$SEQ.err" ||
    { show "$TESTTMP/opdump.$SEQ.err"; fail "-T: offset ignored"; }
"$OPDUMP" -1 -T "$(date -u -d @$since '+%b %e %H:%M:%S %Y')" -f /dev/null \
    "$img" 2>"$TESTTMP/T.err"
[ $? -eq 1 ] && grep -q '^  DUMP: bad time "' "$TESTTMP/T.err" ||
    { show "$TESTTMP/T.err"; fail "a bad -T date was taken"; }
"$OPDUMP" -1u -T "$when" -D "$DD" -f /dev/null "$img" 2>"$TESTTMP/T.err"
[ $? -eq 1 ] && grep -qxF '  DUMP: You cannot use the T and u flags together.' \
    "$TESTTMP/T.err" || { show "$TESTTMP/T.err"; fail "-T with -u was taken"; }

# --- -W and -w.  Dates relative to now, so that what is due is known.
now=$(date +%s)
ago()
{
	date -d @$((now - $1)) '+%a %b %e %H:%M:%S %Y %z'
}
shown()
{
	date -d @$((now - $1)) '+%a %b %e %H:%M:%S %Y'
}
# Only entries that name a block device count, as in dump: make some.
dev=$TESTTMP/dev
mkdir "$dev" || fail "mkdir"
for n in 1 2 3 4 5 9; do
	mknod "$dev/sdz$n" b 7 $((240 + n)) || fail "mknod"
done
cat >"$TESTTMP/fstab" <<EOF
# a comment
$dev/sdz1	/	ext4	defaults	1 1
$dev/sdz2	/home	ext3	defaults	1 2
$dev/sdz3	/srv	ext2	defaults	0 2
$dev/sdz4	/big	xfs	defaults	1 2
$dev/sdz5	/var	ext4	defaults	7 2
$img	/img	ext4	defaults	1 2
$dev/none	/none	ext4	defaults	1 2
LABEL=no-such-label-here	/x	ext4	defaults	1 2
EOF
cat >"$TESTTMP/mounts" <<EOF
$dev/sdz9 /mnt/nine ext4 rw 0 0
proc /proc proc rw 0 0
$dev/sdz1 / ext4 rw 0 0
EOF
cat >"$TESTTMP/dd.w" <<EOF
$dev/sdz1 0 $(ago 864000)
$dev/sdz1 1 $(ago 3600)
$dev/sdz2 0 $(ago 172800)
/var 0 $(ago 172800)
$dev/sdz3 0 $(ago 864000)
/dev/gone 2 $(ago 100)
/dev/adam 0 $(ago 100)
EOF
export OPDUMP_FSTAB=$TESTTMP/fstab OPDUMP_MOUNTS=$TESTTMP/mounts
tab=$(printf '\t')
cat >"$TESTTMP/W.exp" <<EOF
Last dump(s) done (Dump '>' file systems):
  $dev/sdz9${tab}(/mnt/nine) Last dump: never
  $dev/sdz1${tab}(     /) Last dump: Level 1, Date $(shown 3600)
> $dev/sdz2${tab}( /home) Last dump: Level 0, Date $(shown 172800)
  $dev/sdz3${tab}(  /srv) Last dump: Level 0, Date $(shown 864000)
  $dev/sdz5${tab}(  /var) Last dump: Level 0, Date $(shown 172800)
  /dev/adam${tab}(      ) Last dump: Level 0, Date $(shown 100)
  /dev/gone${tab}(      ) Last dump: Level 2, Date $(shown 100)
EOF
cat >"$TESTTMP/w.exp" <<EOF
Dump these file systems:
  $dev/sdz2${tab}( /home) Last dump: Level 0, Date $(shown 172800)
EOF
for m in W w; do
	"$OPDUMP" -D "$TESTTMP/dd.w" -$m >"$TESTTMP/$m.out" 2>"$TESTTMP/$m.err" ||
	    { show "$TESTTMP/$m.err"; fail "-$m: exit status $?"; }
	diff -u "$TESTTMP/$m.exp" "$TESTTMP/$m.out" >"$TESTTMP/$m.diff" ||
	    { show "$TESTTMP/$m.diff"; fail "-$m report"; }
done
# A bad dumpdates line stops the report too.
"$OPDUMP" -D "$TESTTMP/dd.bad" -W >/dev/null 2>&1 && fail "-W took a bad line"

# The same fstab in Debian's dump, which reads /etc/fstab and /etc/mtab:
# bind-mount ours over /etc/fstab in a private mount namespace.
DEBIAN_DUMP=${DEBIAN_DUMP:-/sbin/dump}
unset OPDUMP_MOUNTS
if [ -x "$DEBIAN_DUMP" ] && command -v unshare >/dev/null 2>&1 &&
    unshare -m true 2>/dev/null; then
	for m in W w; do
		unshare -m sh -c 'mount --bind "$1" /etc/fstab &&
		    "$2" -D "$3" -'$m' >"$4.debian" 2>&1 &&
		    "$5" -D "$3" -'$m' >"$4.ours" 2>&1' sh "$TESTTMP/fstab" \
		    "$DEBIAN_DUMP" "$TESTTMP/dd.w" "$TESTTMP/$m" "$OPDUMP" ||
		    { note "no private mount namespace; Debian comparison skipped"; break; }
		diff -u "$TESTTMP/$m.debian" "$TESTTMP/$m.ours" \
		    >"$TESTTMP/$m.ddiff" ||
		    { show "$TESTTMP/$m.ddiff"; fail "-$m differs from Debian's dump"; }
	done
fi
exit 0
