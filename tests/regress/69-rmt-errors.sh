# SPDX-License-Identifier: BSD-2-Clause
# Remote volumes when things go wrong (no network: an RSH stand-in runs
# the real rmt here).  An rmt that dies in the middle of volume 2 is a
# write error answered "rewrite": the volume is written again on a new
# session and the set restores exactly.  The same under opconsole, whose
# tape panel names the remote host.  An error rmt reports (a directory
# that does not exist), an RSH that cannot be run, an RSH that ends at
# once, a name too long for dump's rmt, and a bad user name: a clear
# message and dump's exit status.

. "$(dirname "$0")/lib.sh"

[ -x /etc/rmt ] && [ -x /usr/sbin/rmt-dump ] ||
    skip "no /etc/rmt or /usr/sbin/rmt-dump (package dump)"
mvcorpus "$TESTTMP/src"

# The stand-in: session N (counted in $TESTTMP/sessions) gets only the
# first 300000 bytes of its requests when N is $TESTTMP/die-at, so rmt
# sees its input end in the middle of a W and exits.  Each volume takes
# two sessions: one reads what the volume holds, one writes it.
cat >"$TESTTMP/rsh" <<-EOF
	#!/bin/bash
	echo "\$*" >>"$TESTTMP/rsh.log"
	shift
	[ "\$1" = -l ] && shift 2
	cd "$TESTTMP" || exit 1
	n=\$((\$(cat sessions 2>/dev/null || echo 0) + 1))
	echo \$n >sessions
	if [ "\$n" = "\$(cat die-at 2>/dev/null)" ]; then
		dd bs=64k count=300000 iflag=count_bytes status=none | "\$@"
		exit 1
	fi
	exec "\$@"
	EOF
chmod +x "$TESTTMP/rsh"
export RSH=$TESTTMP/rsh

# rmt dies during volume 2 of a -B/-M set; "rewrite".
echo 4 >"$TESTTMP/die-at"
echo rewrite >"$TESTTMP/answers"
mvdump "$TESTTMP/die.err" -0 -b 10 -B 3000 -M -f "fakehost:$TESTTMP/die"
rc=$?
[ $rc = 0 ] || { show "$TESTTMP/die.err"; fail "rewrite: exit $rc"; }
check_done 0 "$TESTTMP/die.err" "rewrite"
for t in "Lost connection to remote host fakehost" \
    "write error [0-9]* blocks into volume 2: Connection reset by peer" \
    "this dump volume will be rewritten"; do
	grep -q "$t" "$TESTTMP/die.err" ||
	    { show "$TESTTMP/die.err"; fail "rewrite: no \"$t\""; }
done
[ "$(grep -c "Volume 2 started" "$TESTTMP/die.err")" = 2 ] ||
    fail "volume 2 was not started twice"
mvcheck "$TESTTMP/die" "$TESTTMP/src"
rm -f "$TESTTMP"/die[0-9]* "$TESTTMP/answers"

# The same under the console: the write error is a dialog, and the tape
# panel shows the host.
. "$(dirname "$0")/console.sh"
echo 0 >"$TESTTMP/sessions"
echo 2 >"$TESTTMP/die-at"
CON_ENV="RSH=$TESTTMP/rsh" con_start c 120 30 -- -0 -b 10 -B 3000 -M \
    -f "fakehost:con" "$TESTTMP/img"
con_wait c "Write error on volume 1"
con_has c "[host fakehost]" "device con001" "Connection reset by peer" \
    "[r] rewrite"
con_answer c r
con_wait c "DUMP IS DONE"
con_keys c q
rc=$(con_rc c)
[ "$rc" = 0 ] || fail "console: opconsole exit status $rc"
SEQ=$((SEQ + 1))
mvcheck "$TESTTMP/con" "$TESTTMP/src"
rm -f "$TESTTMP/die-at"

# expect NAME STATUS TEXT OPTIONS...: a dump that ends with STATUS and
# says TEXT.
expect()
{
	local name=$1 want=$2 text=$3 rc

	shift 3
	mvdump "$TESTTMP/$name.err" -0 "$@"
	rc=$?
	[ $rc = "$want" ] ||
	    { show "$TESTTMP/$name.err"; fail "$name: exit $rc, not $want"; }
	grep -qF -- "$text" "$TESTTMP/$name.err" ||
	    { show "$TESTTMP/$name.err"; fail "$name: no \"$text\""; }
}

# rmt's own error for the open: asked about, then aborted as dump does.
echo abort >"$TESTTMP/answers"
expect nodir 3 "Cannot open output \"fakehost:$TESTTMP/no/such/dir\": No such file or directory" \
    -f "fakehost:$TESTTMP/no/such/dir"
grep -q "Do you want to retry the open?" "$TESTTMP/nodir.err" ||
    fail "nodir: the operator was not asked"
# dump's rmt cuts names after 63 bytes: the failure says so.
long=$TESTTMP/a-directory-name-long-enough/to-pass-sixty-three-bytes
mkdir -p "$long"
RMT=/usr/sbin/rmt-dump expect longname 3 "dump's rmt reads only 63" \
    -f "fakehost:$long/x"
RSH=false expect rshfails 3 "Lost connection to remote host fakehost" \
    -f "fakehost:$TESTTMP/x"
rm -f "$TESTTMP/answers"
RSH=$TESTTMP/no-such-rsh expect norsh 1 \
    "cannot run RSH program \"$TESTTMP/no-such-rsh\"" -f "fakehost:x"
RSH=no-such-rsh-anywhere expect norsh2 1 \
    "cannot run RSH program \"no-such-rsh-anywhere\": not found in PATH" \
    -f "fakehost:x"
expect baduser 1 "invalid user name a;b" -f "a;b@fakehost:x"
expect nohost 1 "write it as [user@]host:device" -f ":x"
[ ! -e "$TESTTMP/x" ] || fail "a failed dump left a volume"
exit 0
