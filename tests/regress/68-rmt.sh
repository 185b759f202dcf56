# SPDX-License-Identifier: BSD-2-Clause
# Remote volumes through the real rmt(8), reached by an RSH stand-in that
# drops the host and "-l user" and runs the command here, in $TESTTMP (as
# ssh would in the remote home): no network.  host:/absolute and
# user@host:relative names, RMT naming GNU rmt instead of dump's, --verify
# reading volumes back with R, a -B/-M set, and end of media reported by
# the remote write (a file size limit on the far side) rolled forward
# onto the next remote volume of a -f list whose later names take the
# first one's host.  Every set restores exactly with restore.

. "$(dirname "$0")/lib.sh"

for r in /usr/sbin/rmt-dump /usr/sbin/rmt-tar; do
	[ -x $r ] || skip "no $r (packages dump and tar)"
done
[ -x /etc/rmt ] || skip "no /etc/rmt"
mvcorpus "$TESTTMP/src"

# rsh NAME [SHELL LINES]: an RSH stand-in logging to $TESTTMP/NAME.log;
# the lines run before the remote command is started.
rsh()
{
	cat >"$TESTTMP/$1" <<-EOF
	#!/bin/bash
	echo "\$*" >>"$TESTTMP/$1.log"
	shift
	[ "\$1" = -l ] && shift 2
	cd "$TESTTMP" || exit 1
	${2:-}
	exec "\$@"
	EOF
	chmod +x "$TESTTMP/$1"
}
rsh plain

# One volume to host:/absolute, through /etc/rmt, read back by --verify.
RSH=$TESTTMP/plain run_opdump "fakehost:$TESTTMP/abs.dump" --verify \
    "$TESTTMP/img"
err=$TESTTMP/opdump.$SEQ.err
grep -q "Dumping .* to $TESTTMP/abs.dump on host fakehost" "$err" ||
    { show "$err"; fail "the start line does not name the host"; }
grep -q "Volume 1 verified" "$err" || { show "$err"; fail "not verified"; }
grep -qx "fakehost -l $(id -un) /etc/rmt" "$TESTTMP/plain.log" ||
    { show "$TESTTMP/plain.log"; fail "RSH was not run as dump runs it"; }
verify "$TESTTMP/abs.dump" "$TESTTMP/src"

# user@host:relative (the far side's current directory), RMT=GNU rmt.
: >"$TESTTMP/plain.log"
RMT=/usr/sbin/rmt-tar RSH=$TESTTMP/plain run_opdump \
    "operator@fakehost:rel.dump" --verify "$TESTTMP/img"
grep -q "Volume 1 verified" "$TESTTMP/opdump.$SEQ.err" ||
    { show "$TESTTMP/opdump.$SEQ.err"; fail "GNU rmt: not verified"; }
grep -qx "fakehost -l operator /usr/sbin/rmt-tar" "$TESTTMP/plain.log" ||
    { show "$TESTTMP/plain.log"; fail "RMT or the user was not passed"; }
verify "$TESTTMP/rel.dump" "$TESTTMP/src"

# A -B / -M set: each volume is its own session.
: >"$TESTTMP/plain.log"
RSH=$TESTTMP/plain mvdump "$TESTTMP/mv.err" -0 --verify -b 10 -B 3000 -M \
    -f "fakehost:$TESTTMP/mv" || { show "$TESTTMP/mv.err"; fail "-M set"; }
check_done 0 "$TESTTMP/mv.err" "-M set"
n=$(ls "$TESTTMP"/mv[0-9][0-9][0-9] | wc -l)
[ "$n" -ge 3 ] || fail "-M set: $n volumes, expected 3 or more"
[ "$(wc -l <"$TESTTMP/plain.log")" -ge $((2 * n)) ] ||
    fail "-M set: not a session per volume and per read-back"
[ "$(grep -c "Volume [0-9]* verified" "$TESTTMP/mv.err")" = "$n" ] ||
    fail "-M set: not every volume verified"
mvcheck "$TESTTMP/mv" "$TESTTMP/src"

# End of media from the remote write: the far side may write 2405 KiB
# per file, so a 10 KiB block comes back short; the rest rolls forward.
rsh eom "trap '' XFSZ; ulimit -f 2405"
list="fakehost:$TESTTMP/eom001"
for i in 2 3 4 5 6 7 8 9; do
	list="$list,$TESTTMP/eom00$i"
done
RSH=$TESTTMP/eom mvdump "$TESTTMP/eom.err" -0 --verify -b 10 -f "$list"
rc=$?
[ $rc = 0 ] || { show "$TESTTMP/eom.err"; fail "end of media: exit $rc"; }
check_done 0 "$TESTTMP/eom.err" "end of media"
grep -q "End of tape detected" "$TESTTMP/eom.err" ||
    { show "$TESTTMP/eom.err"; fail "no end of media"; }
grep -q "Dumping volume 2 on fakehost:$TESTTMP/eom002" "$TESTTMP/eom.err" ||
    { show "$TESTTMP/eom.err"; fail "volume 2 is not on the host"; }
[ "$(stat -c %s "$TESTTMP/eom001")" = $((2405 * 1024)) ] ||
    fail "volume 1 is not cut at the limit: $(stat -c %s "$TESTTMP/eom001")"
[ -f "$TESTTMP/eom003" ] || fail "expected 3 volumes or more"
mvcheck "$TESTTMP/eom" "$TESTTMP/src" -b 10

# Compressed blocks over rmt, on a -B/-M set (-B counts compressed KiB).
RSH=$TESTTMP/plain mvdump "$TESTTMP/z.err" -0 -z6 --verify -B 1500 -M \
    -f "fakehost:$TESTTMP/z" || { show "$TESTTMP/z.err"; fail "-z over rmt"; }
check_done 0 "$TESTTMP/z.err" "-z over rmt"
grep -q "Compressing output at transformation level 6 (zlib)" \
    "$TESTTMP/z.err" || { show "$TESTTMP/z.err"; fail "-z: not compressed"; }
[ -f "$TESTTMP/z002" ] || fail "-z over rmt: expected 2 volumes or more"
mvcheck "$TESTTMP/z" "$TESTTMP/src"
exit 0
