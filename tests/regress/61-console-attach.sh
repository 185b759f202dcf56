# SPDX-License-Identifier: BSD-2-Clause
# Detach, re-attach and resize.  A two-volume dump starts in opconsole; the
# terminal is resized to 100x40 (the screen shows more of the log) and back
# to 80x24.  When the next volume is asked for, the operator detaches with
# "d": the console leaves, the engine keeps waiting.  opconsole --attach
# in a new terminal finds the dump and shows the pending question; it is
# answered there, the dump finishes and the set restores exactly.  A
# console whose terminal dies leaves the dump alone; another user cannot
# attach.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

con_setup 'capacity 6000\nrate 2000\n'

con_start one -- -0 -f "vtape:$lib" "$TESTTMP/img"
con_wait one "Pass IV"
rows24=$(con_screen one | wc -l)
tmux -S "$TSOCK" resize-window -t one -x 100 -y 40 ||
    fail "tmux cannot resize"
sleep 1
con_wait one "slave 0"
rows40=$(con_screen one | wc -l)
[ "$rows40" -eq 40 ] && [ "$rows24" -eq 24 ] ||
    fail "pane sizes $rows24 and $rows40"
# The wider screen uses the width: some line is longer than 80 columns.
con_screen one | awk 'length > 80 { found = 1 } END { exit !found }' ||
    { con_screen one >&2; fail "nothing drawn past column 80 at 100x40"; }
con_has one "Volume 1" "ETA"
tmux -S "$TSOCK" resize-window -t one -x 80 -y 24
sleep 1
con_wait one "Mount volume 2"
con_screen one | awk 'length > 80 { exit 1 }' ||
    fail "lines longer than 80 columns after shrinking back"
con_has one "slave 0" "[y] yes"

pid=$(basename "$(ls "$RUNDIR"/*.sock)" .sock)
con_keys one d
rc=$(con_rc one)
[ "$rc" = 0 ] || fail "detach: exit status $rc"
con_screen one | grep -q "opconsole --attach $pid" ||
    { con_screen one >&2; fail "detach does not say how to re-attach"; }
kill -0 "$pid" 2>/dev/null || fail "the engine stopped when the console left"
[ ! -e "$lib/vol002" ] || fail "volume 2 started without an answer"

# Someone else may not attach: "nobody" gets a run directory of its own
# with a link to the socket and every directory on the way opened up, so
# only the engine's own check (SO_PEERCRED) stands in the way.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	d=$RUNDIR
	while [ "$d" != / ]; do
		chmod o+x "$d" 2>/dev/null
		d=$(dirname "$d")
	done
	chmod 666 "$RUNDIR/$pid.sock"
	mkdir -m 700 "$TESTTMP/nobody" && chown nobody "$TESTTMP/nobody"
	ln -s "$RUNDIR/$pid.sock" "$TESTTMP/nobody/$pid.sock"
	# A copy nobody can run: the build tree may sit in a private directory.
	mkdir -m 755 "$TESTTMP/bin" && cp "$OPCONSOLE" "$TESTTMP/bin/" ||
	    fail "cannot copy opconsole"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env OPDUMP_RUNDIR="$TESTTMP/nobody" "$TESTTMP/bin/opconsole" \
	    --attach "$pid" \
	    </dev/null >"$TESTTMP/nobody.out" 2>&1 &&
	    fail "another user could attach"
	grep -q "not allowed to attach" "$TESTTMP/nobody.out" ||
	    fail "nobody: $(cat "$TESTTMP/nobody.out")"
	chmod 600 "$RUNDIR/$pid.sock"
	chmod 700 "$RUNDIR"
fi

# A console whose terminal dies (its tmux session killed: SIGHUP) leaves
# the dump alone too.
con_start three -- --attach "$pid"
con_wait three "Mount volume 2"
tmux -S "$TSOCK" kill-session -t three
# A loaded machine may take a while to deliver the hangup.
for ((i = 0; i < 100; i++)); do
	pgrep -f -- "opconsole --attach $pid" >/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "the engine stopped when a terminal died"
pgrep -f -- "opconsole --attach $pid" >/dev/null &&
    fail "the console outlived its terminal by 10 s"

con_start two -- --attach
con_wait two "Mount volume 2"
con_has two "[y] yes" "Vol 1"
con_answer two y
con_wait two "DUMP IS DONE"
con_keys two q
rc=$(con_rc two)
[ "$rc" = 0 ] || fail "attached console: exit status $rc"
[ -f "$lib/vol002" ] && [ ! -f "$lib/vol003" ] ||
    fail "expected 2 volumes: $(ls "$lib")"
SEQ=1
mvcheck "$lib/vol" "$src"

# Nothing left to attach to.
OPDUMP_RUNDIR=$RUNDIR "$OPCONSOLE" --attach </dev/null >"$TESTTMP/none" 2>&1 &&
    fail "--attach with no dump running succeeded"
grep -q "no running dump" "$TESTTMP/none" || fail "--attach: $(cat "$TESTTMP/none")"
exit 0
